//! The materials library (素材库) as the server keeps it and the composer
//! sends it: quick replies with groups, and images, videos, files, links and
//! mini-program cards. The admin fills it on the server
//! (`POST /api/admin/materials`, checked with [`check_material`] through
//! `rules`); staff read it with `GET /api/materials` and send an entry by
//! tapping it, without seeing a media id (the server keeps those fresh).
//!
//! Each kind is sent as one `sendChatMessage` msgtype (wecom:93863):
//! text → `text: {content}`, image/video/file → `image|video|file:
//! {mediaid}`, link → `news: {link, title, desc, imgUrl}`, miniprogram →
//! `miniprogram: {appid, title, imgUrl, page}`.

use crate::chat::compose::{ComposeError, Composer, ComposerField, MsgType, TITLE_MAX};
pub use crate::chat::library::{MaterialItemView, MaterialSectionView, Scope};
use crate::support::locale::{Locale, Localized};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The longest group name of a quick reply, in characters.
pub const GROUP_MAX: usize = 32;
/// The longest file name of a media material, in characters.
pub const FILENAME_MAX: usize = 128;
/// At most this many materials are kept by the core (the list is a cache).
pub const LIST_MAX: usize = 500;

/// What a material is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MaterialKind {
    Text,
    Image,
    Video,
    File,
    Link,
    Miniprogram,
}
crate::support::stored::stored_enum!(MaterialKind { Text = "text", Image = "image", Video = "video", File = "file", Link = "link", Miniprogram = "miniprogram" });

impl MaterialKind {
    pub const ALL: [MaterialKind; 6] = [
        MaterialKind::Text,
        MaterialKind::Image,
        MaterialKind::Video,
        MaterialKind::File,
        MaterialKind::Link,
        MaterialKind::Miniprogram,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MaterialKind::Text => "text",
            MaterialKind::Image => "image",
            MaterialKind::Video => "video",
            MaterialKind::File => "file",
            MaterialKind::Link => "link",
            MaterialKind::Miniprogram => "miniprogram",
        }
    }

    pub fn parse(s: &str) -> Option<MaterialKind> {
        MaterialKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The `sendChatMessage` msgtype it is sent as.
    pub fn msg_type(self) -> MsgType {
        match self {
            MaterialKind::Text => MsgType::Text,
            MaterialKind::Image => MsgType::Image,
            MaterialKind::Video => MsgType::Video,
            MaterialKind::File => MsgType::File,
            MaterialKind::Link => MsgType::News,
            MaterialKind::Miniprogram => MsgType::Miniprogram,
        }
    }

    /// The `type` of WeCom's `media/upload` (wecom:90253), for the media kinds.
    pub fn upload_type(self) -> Option<&'static str> {
        match self {
            MaterialKind::Image => Some("image"),
            MaterialKind::Video => Some("video"),
            MaterialKind::File => Some("file"),
            _ => None,
        }
    }

    pub fn is_media(self) -> bool {
        self.upload_type().is_some()
    }

    /// The file name endings `media/upload` accepts for the kind (wecom:90253:
    /// image JPG/PNG, video MP4, file any); empty: any.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            MaterialKind::Image => &["jpg", "jpeg", "png"],
            MaterialKind::Video => &["mp4"],
            _ => &[],
        }
    }

    /// The most bytes `media/upload` takes for the kind (wecom:90253: image
    /// and video 10 MB, file 20 MB); the server caps files at 10 MB too, so
    /// that one request body stays small.
    pub fn max_bytes(self) -> usize {
        10 * 1024 * 1024
    }

    pub fn label(self) -> Localized {
        match self {
            MaterialKind::Text => Localized::new("快捷回复", "Quick replies"),
            MaterialKind::Image => Localized::new("图片", "Images"),
            MaterialKind::Video => Localized::new("视频", "Videos"),
            MaterialKind::File => Localized::new("文件", "Files"),
            MaterialKind::Link => Localized::new("链接", "Links"),
            MaterialKind::Miniprogram => Localized::new("小程序", "Mini programs"),
        }
    }
}

/// One material as `GET /api/materials` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub id: String,
    pub kind: MaterialKind,
    pub title: String,
    /// The quick-reply group ("" = none).
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub scope: Scope,
    /// text: the template.
    #[serde(default)]
    pub text: String,
    /// link: the page.
    #[serde(default)]
    pub url: String,
    /// link: the description.
    #[serde(default)]
    pub desc: String,
    /// link and miniprogram: the cover image.
    #[serde(default)]
    pub img_url: String,
    /// miniprogram: the AppID and page.
    #[serde(default)]
    pub appid: String,
    #[serde(default)]
    pub page: String,
    /// media: the file name and size.
    #[serde(default)]
    pub filename: String,
    #[serde(default)]
    pub size: u64,
    /// media: WeCom's temporary media id (kept fresh by the server); `None`
    /// when the server could not renew it.
    #[serde(default)]
    pub media_id: Option<String>,
}
crate::support::stored::stored_struct!(Material {
    id: "id",
    kind: "kind",
    title: "title",
    group: "group" = default,
    scope: "scope" = default,
    text: "text" = default,
    url: "url" = default,
    desc: "desc" = default,
    img_url: "img_url" = default,
    appid: "appid" = default,
    page: "page" = default,
    filename: "filename" = default,
    size: "size" = default,
    media_id: "media_id" = default
});

/// Why the materials answer cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError(pub String);

/// Reads `{errcode: 0, materials: [...]}`. An entry the core cannot read (an
/// unknown kind from a newer server) is skipped, not fatal.
pub fn parse_list(body: &str) -> Result<Vec<Material>, ListError> {
    let v: Value = serde_json::from_str(body).map_err(|_| ListError("not JSON".into()))?;
    let list = v
        .get("materials")
        .and_then(Value::as_array)
        .ok_or_else(|| ListError("no materials list".into()))?;
    Ok(list
        .iter()
        .filter_map(|m| <Material as crate::support::stored::Stored>::read_stored(m.clone()).ok())
        .take(LIST_MAX)
        .collect())
}

impl Material {
    /// The `sendChatMessage` body of this material (without `enterChat`);
    /// `text` is the filled template for a text material.
    pub fn send_args(&self, text: &str) -> Result<Value, MaterialError> {
        let mut body = Map::new();
        match self.kind {
            MaterialKind::Text => {
                body.insert("content".into(), Value::from(text.trim()));
            }
            MaterialKind::Image | MaterialKind::Video | MaterialKind::File => {
                let id = self
                    .media_id
                    .as_deref()
                    .filter(|m| !m.is_empty())
                    .ok_or(MaterialError::MediaUnavailable)?;
                body.insert("mediaid".into(), Value::from(id));
            }
            MaterialKind::Link => {
                body.insert("link".into(), Value::from(self.url.trim()));
                body.insert("title".into(), Value::from(self.title.trim()));
                if !self.desc.trim().is_empty() {
                    body.insert("desc".into(), Value::from(self.desc.trim()));
                }
                if !self.img_url.trim().is_empty() {
                    body.insert("imgUrl".into(), Value::from(self.img_url.trim()));
                }
            }
            MaterialKind::Miniprogram => {
                body.insert("appid".into(), Value::from(self.appid.trim()));
                body.insert("title".into(), Value::from(self.title.trim()));
                body.insert("imgUrl".into(), Value::from(self.img_url.trim()));
                body.insert("page".into(), Value::from(self.page.trim()));
            }
        }
        let t = self.kind.msg_type().as_str();
        let mut args = Map::new();
        args.insert("msgtype".into(), Value::from(t));
        args.insert(t.into(), Value::Object(body));
        Ok(Value::Object(args))
    }
}

/// Why a material cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaterialError {
    /// The server could not renew the media id (WeCom was unreachable).
    MediaUnavailable,
}

impl MaterialError {
    pub fn message(&self) -> Localized {
        match self {
            MaterialError::MediaUnavailable => Localized::new(
                "这个素材暂时无法发送：服务器未能向企业微信更新它，请稍后刷新素材库再试。",
                "This material cannot be sent right now: the server could not renew it with WeCom. Refresh the library later and try again.",
            ),
        }
    }
}

/// One reason an admin's material is refused: the body key, a stable code
/// and the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialViolation {
    pub field: &'static str,
    pub code: &'static str,
    pub message: Localized,
}

fn violation(field: &'static str, code: &'static str, zh: String, en: String) -> MaterialViolation {
    MaterialViolation {
        field,
        code,
        message: Localized::new(zh, en),
    }
}

/// The body keys of a material, by kind (besides `kind`, `title`, `group`,
/// `scope`).
fn keys(kind: MaterialKind) -> &'static [&'static str] {
    match kind {
        MaterialKind::Text => &["text"],
        MaterialKind::Link => &["url", "desc", "img_url"],
        MaterialKind::Miniprogram => &["appid", "page", "img_url"],
        MaterialKind::Image | MaterialKind::Video | MaterialKind::File => {
            &["filename", "data_base64"]
        }
    }
}

fn compose_violation(field: &'static str, e: ComposeError) -> MaterialViolation {
    MaterialViolation {
        field,
        code: e.code(),
        message: e.message(),
    }
}

/// Checks an admin's material body (the bytes of a media material are the
/// server's to check) with the composer's own rules, so the library never
/// holds what the composer would refuse to send. Returns the material
/// without id and media id.
pub fn check_material(body: &Value) -> Result<Material, Vec<MaterialViolation>> {
    let mut out = Vec::new();
    let Some(obj) = body.as_object() else {
        return Err(vec![violation(
            "body",
            "not_an_object",
            "请求体必须是 JSON 对象。".into(),
            "The body must be a JSON object.".into(),
        )]);
    };
    let kind =
        match obj.get("kind").and_then(Value::as_str) {
            Some(k) => match MaterialKind::parse(k) {
                Some(k) => k,
                None => {
                    return Err(vec![violation(
                "kind",
                "bad_kind",
                format!("素材类型「{k}」不存在（text、image、video、file、link、miniprogram）。"),
                format!(
                    "\"{k}\" is not a material kind (text, image, video, file, link, miniprogram)."
                ),
            )])
                }
            },
            None => {
                return Err(vec![violation(
                    "kind",
                    "required",
                    "请填写素材类型（kind）。".into(),
                    "kind is required.".into(),
                )])
            }
        };
    let allowed = keys(kind);
    for k in obj.keys() {
        if !["kind", "title", "group", "scope"].contains(&k.as_str())
            && !allowed.contains(&k.as_str())
        {
            out.push(violation(
                "body",
                "unknown_field",
                format!("{}素材没有字段「{k}」。", kind.label().zh),
                format!("A {} material has no field \"{k}\".", kind.as_str()),
            ));
        }
    }
    let text_of = |k: &str| -> Result<String, ()> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.trim().to_owned()),
            Some(_) => Err(()),
        }
    };
    let get = |k: &'static str, out: &mut Vec<MaterialViolation>| -> String {
        text_of(k).unwrap_or_else(|_| {
            out.push(violation(
                k,
                "not_a_string",
                format!("「{k}」必须是文字。"),
                format!("{k} must be a string."),
            ));
            String::new()
        })
    };
    let title = get("title", &mut out);
    let group = get("group", &mut out);
    let scope_raw = get("scope", &mut out);
    let scope = if scope_raw.is_empty() {
        Scope::All
    } else {
        Scope::parse(&scope_raw).unwrap_or_else(|| {
            out.push(violation(
                "scope",
                "bad_scope",
                format!("适用范围「{scope_raw}」不存在（all、single、group）。"),
                format!("\"{scope_raw}\" is not a scope (all, single, group)."),
            ));
            Scope::All
        })
    };
    let title_len = crate::support::text::char_count(&title);
    if title.is_empty() {
        out.push(violation(
            "title",
            "required",
            "请填写素材标题。".into(),
            "title is required.".into(),
        ));
    } else if title_len > TITLE_MAX {
        out.push(violation(
            "title",
            "too_long",
            format!("标题最多 {TITLE_MAX} 个字，现在有 {title_len} 个。"),
            format!("title is {title_len} characters long; at most {TITLE_MAX} are allowed."),
        ));
    }
    let group_len = crate::support::text::char_count(&group);
    if group_len > GROUP_MAX {
        out.push(violation(
            "group",
            "too_long",
            format!("分组名最多 {GROUP_MAX} 个字，现在有 {group_len} 个。"),
            format!("group is {group_len} characters long; at most {GROUP_MAX} are allowed."),
        ));
    }
    let mut m = Material {
        id: String::new(),
        kind,
        title: title.clone(),
        group,
        scope,
        text: String::new(),
        url: String::new(),
        desc: String::new(),
        img_url: String::new(),
        appid: String::new(),
        page: String::new(),
        filename: String::new(),
        size: 0,
        media_id: None,
    };
    // The composer checks what it would send.
    let mut c = Composer::new(kind.msg_type());
    let check = |c: &Composer, field: ComposerField, key: &'static str, out: &mut Vec<_>| {
        if let Some(e) = c.field_error(field) {
            out.push(compose_violation(key, e));
        }
    };
    match kind {
        MaterialKind::Text => {
            m.text = get("text", &mut out);
            let _ = c.set(ComposerField::Text, m.text.clone());
            check(&c, ComposerField::Text, "text", &mut out);
        }
        MaterialKind::Link => {
            m.url = get("url", &mut out);
            m.desc = get("desc", &mut out);
            m.img_url = get("img_url", &mut out);
            let _ = c.set(ComposerField::NewsLink, m.url.clone());
            let _ = c.set(ComposerField::NewsDesc, m.desc.clone());
            let _ = c.set(ComposerField::NewsImgUrl, m.img_url.clone());
            check(&c, ComposerField::NewsLink, "url", &mut out);
            check(&c, ComposerField::NewsDesc, "desc", &mut out);
            check(&c, ComposerField::NewsImgUrl, "img_url", &mut out);
        }
        MaterialKind::Miniprogram => {
            m.appid = get("appid", &mut out);
            m.page = get("page", &mut out);
            m.img_url = get("img_url", &mut out);
            let _ = c.set(ComposerField::MiniprogramAppid, m.appid.clone());
            let _ = c.set(ComposerField::MiniprogramPage, m.page.clone());
            let _ = c.set(ComposerField::MiniprogramImgUrl, m.img_url.clone());
            check(&c, ComposerField::MiniprogramAppid, "appid", &mut out);
            check(&c, ComposerField::MiniprogramPage, "page", &mut out);
            check(&c, ComposerField::MiniprogramImgUrl, "img_url", &mut out);
        }
        MaterialKind::Image | MaterialKind::Video | MaterialKind::File => {
            m.filename = get("filename", &mut out);
            if let Some(v) = check_filename(kind, &m.filename) {
                out.push(v);
            }
        }
    }
    if out.is_empty() {
        Ok(m)
    } else {
        Err(out)
    }
}

/// A media material's file name: present, at most [`FILENAME_MAX`]
/// characters, no path or control characters, and an ending
/// `media/upload` takes for the kind.
pub fn check_filename(kind: MaterialKind, name: &str) -> Option<MaterialViolation> {
    let len = crate::support::text::char_count(name);
    if name.is_empty() {
        return Some(violation(
            "filename",
            "required",
            "请填写文件名。".into(),
            "filename is required.".into(),
        ));
    }
    if len > FILENAME_MAX {
        return Some(violation(
            "filename",
            "too_long",
            format!("文件名最多 {FILENAME_MAX} 个字，现在有 {len} 个。"),
            format!("filename is {len} characters long; at most {FILENAME_MAX} are allowed."),
        ));
    }
    if name
        .chars()
        .any(|c| c.is_control() || matches!(c, '/' | '\\' | '"'))
    {
        return Some(violation(
            "filename",
            "filename_invalid",
            "文件名不能含路径（/ 或 \\）、引号或控制字符。".into(),
            "filename must not hold a path (/ or \\), quotes or control characters.".into(),
        ));
    }
    let ending = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let allowed = kind.extensions();
    if !allowed.is_empty() && !allowed.contains(&ending.as_str()) {
        let list = allowed.join("、");
        return Some(violation(
            "filename",
            "file_type_not_allowed",
            format!("{}只能是 {list} 文件。", kind.label().zh),
            format!("A {} must be a {} file.", kind.as_str(), allowed.join(", ")),
        ));
    }
    None
}

// --- the composer's view of the library ---------------------------------------

fn tab(kind: MaterialKind) -> &'static str {
    match kind {
        MaterialKind::Text => "text",
        MaterialKind::Link => "news",
        MaterialKind::Miniprogram => "miniprogram",
        MaterialKind::Image | MaterialKind::Video | MaterialKind::File => "image",
    }
}

/// Whether `m` is offered in a chat of `here` (see `templates::offered`:
/// where the chat is not known only `all` materials, and a text that names
/// the customer only where a customer is known).
pub fn offered(m: &Material, here: Scope, customer_known: bool) -> bool {
    let text = if m.kind == MaterialKind::Text {
        m.text.as_str()
    } else {
        ""
    };
    crate::chat::templates::offered(text, m.scope, here, customer_known)
}

/// The library's sections for the composer: quick replies by group (in the
/// order the groups first appear), then links, mini programs, images,
/// videos and files.
pub fn library_view(
    list: &[Material],
    here: Scope,
    tmpl: &crate::chat::templates::TemplateContext,
    customer_known: bool,
    locale: Locale,
) -> Vec<MaterialSectionView> {
    let mut sections: Vec<MaterialSectionView> = Vec::new();
    let mut push =
        |key: String, kind: MaterialKind, title: String, item: MaterialItemView| match sections
            .iter_mut()
            .find(|s| s.key == key)
        {
            Some(s) => s.items.push(item),
            None => sections.push(MaterialSectionView {
                key,
                tab: tab(kind),
                title,
                items: vec![item],
            }),
        };
    let offered_here: Vec<&Material> = list
        .iter()
        .filter(|m| offered(m, here, customer_known))
        .collect();
    for m in offered_here.iter().filter(|m| m.kind == MaterialKind::Text) {
        let f = crate::chat::templates::fill(&m.text, tmpl);
        let hint = crate::chat::templates::hint(&f, locale);
        let group = if m.group.trim().is_empty() {
            MaterialKind::Text.label().get(locale).to_owned()
        } else {
            m.group.trim().to_owned()
        };
        push(
            format!("text:{group}"),
            MaterialKind::Text,
            group,
            MaterialItemView {
                id: m.id.clone(),
                kind: m.kind.as_str(),
                title: m.title.clone(),
                ready: f.ready(),
                preview: f.text,
                hint,
            },
        );
    }
    for kind in [
        MaterialKind::Link,
        MaterialKind::Miniprogram,
        MaterialKind::Image,
        MaterialKind::Video,
        MaterialKind::File,
    ] {
        for m in offered_here.iter().filter(|m| m.kind == kind) {
            let ready = !kind.is_media() || m.media_id.as_deref().is_some_and(|i| !i.is_empty());
            let preview = match kind {
                MaterialKind::Link => m.url.clone(),
                MaterialKind::Miniprogram => m.page.clone(),
                _ => format!(
                    "{} · {}",
                    m.filename,
                    crate::chat::labels::file_size(m.size)
                ),
            };
            push(
                kind.as_str().to_owned(),
                kind,
                kind.label().get(locale).to_owned(),
                MaterialItemView {
                    id: m.id.clone(),
                    kind: kind.as_str(),
                    title: m.title.clone(),
                    preview,
                    ready,
                    hint: (!ready).then(|| {
                        MaterialError::MediaUnavailable
                            .message()
                            .get(locale)
                            .to_owned()
                    }),
                },
            );
        }
    }
    for s in &mut sections {
        s.title = crate::chat::labels::section_title(&s.title, s.items.len(), locale);
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_kind_is_sent_as_its_msgtype() {
        let base = |kind| Material {
            id: "m1".into(),
            kind,
            title: "价目表".into(),
            group: String::new(),
            scope: Scope::All,
            text: String::new(),
            url: "https://example.com/p".into(),
            desc: String::new(),
            img_url: "https://example.com/c.png".into(),
            appid: "wx8bd80126147df384".into(),
            page: "pages/index/index.html".into(),
            filename: "a.jpg".into(),
            size: 10,
            media_id: Some("MEDIA1".into()),
        };
        assert_eq!(
            base(MaterialKind::Text).send_args(" 你好 ").unwrap(),
            json!({"msgtype": "text", "text": {"content": "你好"}})
        );
        for (k, t) in [
            (MaterialKind::Image, "image"),
            (MaterialKind::Video, "video"),
            (MaterialKind::File, "file"),
        ] {
            assert_eq!(
                base(k).send_args("").unwrap(),
                json!({"msgtype": t, t: {"mediaid": "MEDIA1"}})
            );
        }
        assert_eq!(
            base(MaterialKind::Link).send_args("").unwrap(),
            json!({"msgtype": "news", "news": {"link": "https://example.com/p", "title": "价目表", "imgUrl": "https://example.com/c.png"}})
        );
        assert_eq!(
            base(MaterialKind::Miniprogram).send_args("").unwrap(),
            json!({"msgtype": "miniprogram", "miniprogram": {"appid": "wx8bd80126147df384", "title": "价目表", "imgUrl": "https://example.com/c.png", "page": "pages/index/index.html"}})
        );
        let mut gone = base(MaterialKind::Image);
        gone.media_id = None;
        assert_eq!(gone.send_args(""), Err(MaterialError::MediaUnavailable));
    }

    #[test]
    fn a_good_material_of_each_kind_passes() {
        for body in [
            json!({"kind": "text", "title": "问候", "group": "开场", "text": "{name}您好"}),
            json!({"kind": "link", "title": "官网", "url": "https://example.com"}),
            json!({"kind": "miniprogram", "title": "商城", "appid": "wx8bd80126147df384", "page": "pages/shop.html", "img_url": "https://example.com/c.png", "scope": "group"}),
            json!({"kind": "image", "title": "海报", "filename": "poster.PNG"}),
            json!({"kind": "file", "title": "价目表", "filename": "价目表 2026.pdf"}),
        ] {
            assert!(
                check_material(&body).is_ok(),
                "{body}: {:?}",
                check_material(&body)
            );
        }
    }

    fn codes(body: Value) -> Vec<(&'static str, &'static str)> {
        check_material(&body)
            .unwrap_err()
            .into_iter()
            .map(|v| (v.field, v.code))
            .collect()
    }

    #[test]
    fn a_missing_kind() {
        assert_eq!(codes(json!({"title": "x"})), [("kind", "required")]);
    }

    #[test]
    fn an_unknown_kind() {
        assert_eq!(
            codes(json!({"kind": "voice", "title": "x"})),
            [("kind", "bad_kind")]
        );
    }

    #[test]
    fn a_body_that_is_not_an_object() {
        assert_eq!(codes(json!([1])), [("body", "not_an_object")]);
    }

    #[test]
    fn a_field_of_another_kind() {
        assert_eq!(
            codes(json!({"kind": "text", "title": "x", "text": "hi", "url": "https://a.b"})),
            [("body", "unknown_field")]
        );
    }

    #[test]
    fn a_missing_or_long_title() {
        assert_eq!(
            codes(json!({"kind": "text", "text": "hi"})),
            [("title", "required")]
        );
        let long = "字".repeat(TITLE_MAX + 1);
        assert_eq!(
            codes(json!({"kind": "text", "title": long, "text": "hi"})),
            [("title", "too_long")]
        );
    }

    #[test]
    fn a_long_group() {
        let long = "组".repeat(GROUP_MAX + 1);
        assert_eq!(
            codes(json!({"kind": "text", "title": "x", "group": long, "text": "hi"})),
            [("group", "too_long")]
        );
    }

    #[test]
    fn a_bad_scope() {
        assert_eq!(
            codes(json!({"kind": "text", "title": "x", "text": "hi", "scope": "room"})),
            [("scope", "bad_scope")]
        );
    }

    #[test]
    fn a_value_that_is_not_a_string() {
        assert_eq!(
            codes(json!({"kind": "text", "title": "x", "text": 5})),
            [("text", "not_a_string"), ("text", "required")]
        );
    }

    #[test]
    fn an_empty_or_long_text() {
        assert_eq!(
            codes(json!({"kind": "text", "title": "x", "text": " "})),
            [("text", "required")]
        );
        let long = "a".repeat(crate::chat::compose::TEXT_MAX + 1);
        assert_eq!(
            codes(json!({"kind": "text", "title": "x", "text": long})),
            [("text", "too_long")]
        );
    }

    #[test]
    fn a_link_without_protocol() {
        assert_eq!(
            codes(json!({"kind": "link", "title": "x", "url": "example.com"})),
            [("url", "url_missing_protocol")]
        );
    }

    #[test]
    fn a_miniprogram_with_a_bad_appid_page_and_cover() {
        assert_eq!(
            codes(
                json!({"kind": "miniprogram", "title": "x", "appid": "wx1", "page": "pages/a", "img_url": "ftp://x"})
            ),
            [
                ("appid", "appid_invalid"),
                ("page", "page_not_html"),
                ("img_url", "url_missing_protocol")
            ]
        );
    }

    #[test]
    fn a_media_file_name_missing_bad_or_of_the_wrong_type() {
        assert_eq!(
            codes(json!({"kind": "image", "title": "x"})),
            [("filename", "required")]
        );
        assert_eq!(
            codes(json!({"kind": "image", "title": "x", "filename": "../a.jpg"})),
            [("filename", "filename_invalid")]
        );
        assert_eq!(
            codes(json!({"kind": "image", "title": "x", "filename": "a.gif"})),
            [("filename", "file_type_not_allowed")]
        );
        assert_eq!(
            codes(json!({"kind": "video", "title": "x", "filename": "a.mov"})),
            [("filename", "file_type_not_allowed")]
        );
        let long = format!("{}.pdf", "a".repeat(FILENAME_MAX));
        assert_eq!(
            codes(json!({"kind": "file", "title": "x", "filename": long})),
            [("filename", "too_long")]
        );
    }

    #[test]
    fn scopes_offered_where_they_belong() {
        assert!(Scope::All.offered_in(Scope::Group));
        assert!(Scope::Group.offered_in(Scope::Group));
        assert!(!Scope::Group.offered_in(Scope::Single));
        assert!(!Scope::Single.offered_in(Scope::Group));
    }

    #[test]
    fn the_list_skips_what_it_cannot_read() {
        let body = json!({"errcode": 0, "materials": [
            {"id": "a", "kind": "text", "title": "t", "text": "hi"},
            {"id": "b", "kind": "voice", "title": "t"},
            {"id": "c", "kind": "image", "title": "p", "filename": "a.jpg", "media_id": "M"}
        ]})
        .to_string();
        let l = parse_list(&body).unwrap();
        assert_eq!(
            l.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert!(parse_list("{}").is_err());
        assert!(parse_list("nope").is_err());
    }
}
