//! A picture from the phone: `wx.chooseMedia` (one image, album or camera,
//! compressed), then `wx.uploadFile` to the backend's `POST /api/media`
//! (field `media`, the session's bearer token and an `Idempotency-Key`), whose
//! answer is WeCom's `media_id`; the chat slice then sends it as an `image`
//! message. Nobody types or sees the id.
//!
//! Sources: `wx.chooseMedia` answers `{tempFiles: [{tempFilePath, size,
//! fileType}], type}` and fails with `chooseMedia:fail cancel` when the
//! member backs out; `wx.uploadFile` answers `{data, statusCode}`, `data`
//! being the body as a string (WeChat mini program API reference).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::protocol::session::paths;
use crate::support::locale::Localized;

pub const CHOOSE_API: &str = "chooseMedia";
pub const UPLOAD_API: &str = "uploadFile";
/// The largest picture the backend takes (`wcc-server`: 10 MiB).
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Where a picture from the phone is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    #[default]
    Idle,
    Choosing,
    Uploading,
}
crate::support::stored::stored_enum!(Step { Idle = "idle", Choosing = "choosing", Uploading = "uploading" });

pub fn choose_args() -> Value {
    json!({
        "count": 1,
        "mediaType": ["image"],
        "sourceType": ["album", "camera"],
        "sizeType": ["compressed"],
    })
}

pub fn upload_args(base: &str, token: &str, key: &str, path: &str) -> Value {
    json!({
        "url": format!("{base}{}", paths::MEDIA),
        "filePath": path,
        "name": "media",
        "header": {
            "Authorization": format!("Bearer {token}"),
            "Idempotency-Key": key,
        },
    })
}

pub fn not_signed_in() -> Localized {
    Localized::new(
        "还没有登录，暂时不能上传图片，请稍后再试。",
        "You are not signed in yet, so the picture cannot be uploaded; try again in a moment.",
    )
}

/// What `chooseMedia` gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    File { path: String },
    Cancelled,
    Refused(Localized),
}

fn err_msg(result: &Value) -> &str {
    result.get("errMsg").and_then(Value::as_str).unwrap_or("")
}

pub fn chosen(result: &Value) -> Chosen {
    let msg = err_msg(result);
    let file = result
        .get("tempFiles")
        .and_then(Value::as_array)
        .and_then(|a| a.first());
    if let Some(f) = file {
        let path = f.get("tempFilePath").and_then(Value::as_str).unwrap_or("");
        let size = f.get("size").and_then(Value::as_u64).unwrap_or(0);
        if size > MAX_BYTES {
            return Chosen::Refused(Localized::new(
                "这张图片超过 10 MB，无法发送，请选择小一些的图片。",
                "The picture is larger than 10 MB and cannot be sent; choose a smaller one.",
            ));
        }
        if !path.is_empty() {
            return Chosen::File {
                path: path.to_owned(),
            };
        }
    }
    if msg.contains("cancel") {
        return Chosen::Cancelled;
    }
    Chosen::Refused(Localized::new(
        "无法打开相册或相机。请在系统设置中允许企业微信访问照片和相机后重试。",
        format!(
            "The album or camera could not be opened ({}). Allow WeCom to use photos and the camera in the phone's settings, then try again.",
            if msg.is_empty() { "no answer" } else { msg }
        ),
    ))
}

/// The media id from `uploadFile`'s answer, or what to tell the member.
pub fn uploaded(result: &Value) -> Result<String, Localized> {
    let status = result.get("statusCode").and_then(Value::as_u64);
    let Some(status) = status else {
        let msg = err_msg(result);
        return Err(Localized::new(
            "图片没有上传成功：网络不通或服务器无法连接。请检查网络后重试。",
            format!(
                "The picture was not uploaded: the network or the server could not be reached ({}). Check the connection and try again.",
                if msg.is_empty() { "no answer" } else { msg }
            ),
        ));
    };
    let body: Value = result
        .get("data")
        .and_then(Value::as_str)
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or(Value::Null);
    if status == 200 {
        if let Some(id) = body
            .get("media_id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            return Ok(id.to_owned());
        }
    }
    let error = body.get("error").and_then(Value::as_str).unwrap_or("");
    Err(match (status, error) {
        (413, _) => Localized::new(
            "这张图片超过 10 MB，无法发送，请选择小一些的图片。",
            "The picture is larger than 10 MB and cannot be sent; choose a smaller one.",
        ),
        (400, "not_an_image") => Localized::new(
            "只能发送 JPG 或 PNG 图片，请换一张。",
            "Only JPG and PNG pictures can be sent; choose another one.",
        ),
        (400, "wecom_refused") => Localized::new(
            "企业微信没有接受这张图片，请换一张或稍后再试。",
            "WeCom did not accept this picture; choose another one or try again later.",
        ),
        (401, _) => Localized::new(
            "登录已过期，请重新打开页面后再发送图片。",
            "Your sign-in has expired; reopen the page, then send the picture again.",
        ),
        (s, _) if s >= 500 => Localized::new(
            "服务器暂时繁忙，图片没有上传，请稍后重试。",
            "The server is busy and the picture was not uploaded; try again later.",
        ),
        (s, _) => Localized::new(
            "服务器没有接受这张图片，请稍后重试或联系管理员。",
            format!("The server did not accept the picture (HTTP {s}); try again later or ask your admin."),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_picture_gives_its_path() {
        let r = json!({"errMsg": "chooseMedia:ok", "type": "image",
                       "tempFiles": [{"tempFilePath": "wxfile://tmp_1.jpg", "size": 120000, "fileType": "image"}]});
        assert_eq!(
            chosen(&r),
            Chosen::File {
                path: "wxfile://tmp_1.jpg".into()
            }
        );
    }

    #[test]
    fn backing_out_is_a_cancel() {
        assert_eq!(
            chosen(&json!({"errMsg": "chooseMedia:fail cancel"})),
            Chosen::Cancelled
        );
    }

    #[test]
    fn a_picture_over_10_mb_is_refused_before_upload() {
        let r = json!({"tempFiles": [{"tempFilePath": "a.jpg", "size": MAX_BYTES + 1}]});
        let Chosen::Refused(m) = chosen(&r) else {
            panic!()
        };
        assert!(m.zh.contains("10 MB"));
    }

    #[test]
    fn a_refused_album_names_the_fix_and_keeps_english_errmsg_out_of_chinese() {
        let r = json!({"errMsg": "chooseMedia:fail auth deny"});
        let Chosen::Refused(m) = chosen(&r) else {
            panic!()
        };
        assert!(m.en.contains("auth deny"));
        assert!(!m.zh.contains("auth deny") && m.zh.contains("设置"));
    }

    #[test]
    fn the_upload_carries_the_session_and_the_key() {
        let a = upload_args("https://api.example.com", "tok", "pic-1", "wxfile://a.jpg");
        assert_eq!(a["url"], "https://api.example.com/api/media");
        assert_eq!(a["name"], "media");
        assert_eq!(a["header"]["Authorization"], "Bearer tok");
        assert_eq!(a["header"]["Idempotency-Key"], "pic-1");
    }

    #[test]
    fn an_uploaded_picture_gives_its_media_id() {
        let r = json!({"statusCode": 200, "data": "{\"errcode\":0,\"media_id\":\"MEDIA9\"}"});
        assert_eq!(uploaded(&r), Ok("MEDIA9".into()));
    }

    #[test]
    fn each_upload_failure_has_its_words() {
        let cases = [
            (json!({"errMsg": "uploadFile:fail timeout"}), "网络"),
            (json!({"statusCode": 413, "data": "{}"}), "10 MB"),
            (
                json!({"statusCode": 400, "data": "{\"error\":\"not_an_image\"}"}),
                "JPG",
            ),
            (
                json!({"statusCode": 400, "data": "{\"error\":\"wecom_refused\",\"errcode\":40005}"}),
                "企业微信",
            ),
            (json!({"statusCode": 401, "data": "{}"}), "登录"),
            (json!({"statusCode": 503, "data": "<html>"}), "繁忙"),
            (json!({"statusCode": 200, "data": "{}"}), "服务器"),
        ];
        for (r, word) in cases {
            let m = uploaded(&r).unwrap_err();
            assert!(m.zh.contains(word), "{r}: {}", m.zh);
            assert!(!m.zh.contains("fail"), "{}", m.zh);
        }
    }
}
