//! `media/upload`: temporary media (素材管理 → 上传临时素材, wecom:90253).
//!
//! `POST /cgi-bin/media/upload?access_token=ACCESS_TOKEN&type=TYPE`, a
//! `multipart/form-data` body whose part `media` carries `filename` (and, in
//! WeCom's sample, `filelength`). `type` is `image`, `voice`, `video` or
//! `file`. WeCom's limits: every file more than 5 bytes; image at most 10 MB,
//! JPG or PNG; voice at most 2 MB, AMR; video at most 10 MB, MP4; file at
//! most 20 MB. The answer is `{errcode, errmsg, type, media_id, created_at}`
//! with `created_at` a string of unix seconds; the id is valid for 3 days.

use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// How long a temporary media id is valid (3 days).
pub const MEDIA_TTL_SECS: u64 = 3 * 24 * 3600;

/// One uploaded file, as the double keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    pub media_type: String,
    pub filename: String,
    pub size: usize,
    /// The double's clock at upload.
    pub created_at: u64,
}

/// The most bytes of a media type, and the file name endings it accepts
/// (empty: any).
fn limits(media_type: &str) -> Option<(usize, &'static [&'static str])> {
    Some(match media_type {
        "image" => (10 * 1024 * 1024, &["jpg", "jpeg", "png"][..]),
        "voice" => (2 * 1024 * 1024, &["amr"][..]),
        "video" => (10 * 1024 * 1024, &["mp4"][..]),
        "file" => (20 * 1024 * 1024, &[][..]),
        _ => return None,
    })
}

/// One part of a `multipart/form-data` body.
pub struct Part<'a> {
    pub name: String,
    pub filename: Option<String>,
    pub data: &'a [u8],
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

fn disposition_value(headers: &str, key: &str) -> Option<String> {
    let line = headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    let pat = format!("{key}=\"");
    let at = line.find(&pat)? + pat.len();
    let end = line[at..].find('"')?;
    Some(line[at..at + end].to_string())
}

/// The parts of a multipart body; the boundary is read from its first line
/// (`--BOUNDARY`), as the body opens with it. `None`: not multipart.
pub fn parts(body: &[u8]) -> Option<Vec<Part<'_>>> {
    let first_end = find(body, b"\r\n", 0)?;
    let delim = &body[..first_end];
    if delim.len() < 3 || !delim.starts_with(b"--") {
        return None;
    }
    let mut sep = b"\r\n".to_vec();
    sep.extend_from_slice(delim);
    let mut out = Vec::new();
    let mut at = first_end + 2;
    loop {
        let head_end = find(body, b"\r\n\r\n", at)?;
        let headers = String::from_utf8_lossy(&body[at..head_end]).into_owned();
        let data_start = head_end + 4;
        let data_end = find(body, &sep, data_start)?;
        out.push(Part {
            name: disposition_value(&headers, "name").unwrap_or_default(),
            filename: disposition_value(&headers, "filename"),
            data: &body[data_start..data_end],
        });
        let after = data_end + sep.len();
        if body[after..].starts_with(b"--") {
            return Some(out);
        }
        if !body[after..].starts_with(b"\r\n") {
            return None;
        }
        at = after + 2;
    }
}

type Answer = Result<Map<String, Value>, (i64, String)>;

fn e<T>(code: i64, msg: &str) -> Result<T, (i64, String)> {
    Err((code, msg.to_string()))
}

/// Checks and keeps an upload; `now` is the double's clock.
pub fn upload(
    store: &mut HashMap<String, Media>,
    q: &HashMap<String, String>,
    body: &[u8],
    now: u64,
    media_id: String,
) -> Answer {
    let media_type = q.get("type").map(String::as_str).unwrap_or("");
    let Some((max, endings)) = limits(media_type) else {
        return e(40004, "invalid media type");
    };
    let Some(parts) = parts(body) else {
        return e(44001, "empty media data");
    };
    let Some(part) = parts.into_iter().find(|p| p.name == "media") else {
        return e(44001, "empty media data");
    };
    let filename = part.filename.clone().unwrap_or_default();
    if filename.is_empty() {
        return e(40005, "invalid file type");
    }
    let ending = filename
        .rsplit_once('.')
        .map(|(_, x)| x.to_ascii_lowercase())
        .unwrap_or_default();
    if !endings.is_empty() && !endings.contains(&ending.as_str()) {
        return e(40005, "invalid file type");
    }
    if part.data.len() <= 5 {
        return e(44001, "empty media data");
    }
    if part.data.len() > max {
        return e(40006, "invalid file size");
    }
    store.insert(
        media_id.clone(),
        Media {
            media_type: media_type.to_string(),
            filename,
            size: part.data.len(),
            created_at: now,
        },
    );
    let mut out = Map::new();
    out.insert("type".into(), json!(media_type));
    out.insert("media_id".into(), json!(media_id));
    out.insert("created_at".into(), json!(now.to_string()));
    Ok(out)
}
