//! The send-to-chat composer: what the member types, checked as they type,
//! turned into the exact `wx.qy.sendChatMessage` argument object.
//!
//! Source for the argument shape: WeCom doc wecom:93863
//! (developer.work.weixin.qq.com/document/path/93863, `wx.qy.sendChatMessage`)
//! and wecom:98539 (entries and minimum client versions).
//! - `text: {content}`
//! - `image: {mediaid}` (a 素材管理 media id; no image URL is accepted)
//! - `news: {link, title, desc, imgUrl}`
//! - `miniprogram: {appid, title, imgUrl, page}`; `imgUrl` must carry its
//!   `http://`/`https://` protocol ("fail invalid imgUrl" otherwise) and
//!   `page` must end in `.html` (query strings are not supported there).
//! - `enterChat` (bool) only on mobile clients ≥ 3.1.10.
//!
//! What may be sent from where ([`SendCaps`], [`MsgType`]) comes from the
//! capability table, `crate::wecom::capabilities::send_caps`. Text lengths
//! are counted with `crate::support::text::char_count`, as everywhere.

use crate::support::locale::{Locale, Localized};
pub use crate::wecom::capabilities::{MsgType, SendCaps};
use crate::wecom::outcome::Outcome;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Longest text message, in characters (the limit WeCom states for
/// `shareToExternalContact` text, wecom:96997; none is published for
/// `sendChatMessage`, so it is used here for chat text as well).
pub const TEXT_MAX: usize = 4000;
/// Longest news / miniprogram title. WeCom publishes no cap; 64 is our
/// sensible cap (a card shows about two lines of title).
pub const TITLE_MAX: usize = 64;
/// Longest news description (our sensible cap; none is published).
pub const DESC_MAX: usize = 512;
/// Longest URL or miniprogram page path (a sanity cap).
pub const URL_MAX: usize = 2048;
/// Longest media id (a sanity cap; real ids are well under 128).
pub const MEDIAID_MAX: usize = 256;

/// The composer's side of a message type (the type itself, the
/// `sendChatMessage` `msgtype`, is in the capability table's module).
impl MsgType {
    /// The composer's tabs. `video` and `file` are sent only from the
    /// materials library, so they have no tab.
    pub const TABS: [MsgType; 4] = [
        MsgType::Text,
        MsgType::News,
        MsgType::Miniprogram,
        MsgType::Image,
    ];

    /// Lenient: case and surrounding spaces are ignored. Only a tab.
    pub fn parse(s: &str) -> Result<MsgType, ComposeError> {
        let lower = s.trim().to_ascii_lowercase();
        MsgType::TABS
            .into_iter()
            .find(|t| t.as_str() == lower)
            .ok_or_else(|| ComposeError::UnknownMsgType {
                value: s.to_owned(),
            })
    }

    pub fn label(self) -> Localized {
        match self {
            MsgType::Text => Localized::new("文本", "Text"),
            MsgType::News => Localized::new("图文链接", "Link card"),
            MsgType::Miniprogram => Localized::new("小程序", "Mini program"),
            MsgType::Image => Localized::new("图片", "Image"),
            MsgType::Video => Localized::new("视频", "Video"),
            MsgType::File => Localized::new("文件", "File"),
        }
    }

    /// The fields that belong to this message type, in display order.
    pub fn fields(self) -> &'static [ComposerField] {
        match self {
            MsgType::Text => &[ComposerField::Text],
            MsgType::News => &[
                ComposerField::NewsLink,
                ComposerField::NewsTitle,
                ComposerField::NewsDesc,
                ComposerField::NewsImgUrl,
            ],
            MsgType::Miniprogram => &[
                ComposerField::MiniprogramAppid,
                ComposerField::MiniprogramTitle,
                ComposerField::MiniprogramImgUrl,
                ComposerField::MiniprogramPage,
            ],
            // Set by a picture from the phone (never typed: the view
            // does not show it).
            MsgType::Image | MsgType::Video | MsgType::File => &[ComposerField::ImageMediaid],
        }
    }
}

/// Every field the page can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ComposerField {
    MsgType,
    EnterChat,
    Text,
    NewsLink,
    NewsTitle,
    NewsDesc,
    NewsImgUrl,
    MiniprogramAppid,
    MiniprogramTitle,
    MiniprogramImgUrl,
    MiniprogramPage,
    ImageMediaid,
}
crate::support::stored::stored_enum!(ComposerField { MsgType = "MsgType", EnterChat = "EnterChat", Text = "Text", NewsLink = "NewsLink", NewsTitle = "NewsTitle", NewsDesc = "NewsDesc", NewsImgUrl = "NewsImgUrl", MiniprogramAppid = "MiniprogramAppid", MiniprogramTitle = "MiniprogramTitle", MiniprogramImgUrl = "MiniprogramImgUrl", MiniprogramPage = "MiniprogramPage", ImageMediaid = "ImageMediaid" });

impl ComposerField {
    pub const ALL: [ComposerField; 12] = [
        ComposerField::MsgType,
        ComposerField::EnterChat,
        ComposerField::Text,
        ComposerField::NewsLink,
        ComposerField::NewsTitle,
        ComposerField::NewsDesc,
        ComposerField::NewsImgUrl,
        ComposerField::MiniprogramAppid,
        ComposerField::MiniprogramTitle,
        ComposerField::MiniprogramImgUrl,
        ComposerField::MiniprogramPage,
        ComposerField::ImageMediaid,
    ];

    /// The stable key the page uses (`data-field` in WXML).
    pub fn key(self) -> &'static str {
        match self {
            ComposerField::MsgType => "msgType",
            ComposerField::EnterChat => "enterChat",
            ComposerField::Text => "text",
            ComposerField::NewsLink => "newsLink",
            ComposerField::NewsTitle => "newsTitle",
            ComposerField::NewsDesc => "newsDesc",
            ComposerField::NewsImgUrl => "newsImgUrl",
            ComposerField::MiniprogramAppid => "miniprogramAppid",
            ComposerField::MiniprogramTitle => "miniprogramTitle",
            ComposerField::MiniprogramImgUrl => "miniprogramImgUrl",
            ComposerField::MiniprogramPage => "miniprogramPage",
            ComposerField::ImageMediaid => "imageMediaid",
        }
    }

    /// Accepts the key in any case, with or without `.`/`_` separators:
    /// `newsImgUrl`, `news.imgUrl`, `news_img_url` are the same field.
    pub fn parse(name: &str) -> Result<ComposerField, ComposeError> {
        let norm: String = name
            .trim()
            .chars()
            .filter(|c| *c != '.' && *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        ComposerField::ALL
            .into_iter()
            .find(|f| f.key().to_ascii_lowercase() == norm)
            .ok_or_else(|| ComposeError::UnknownField {
                name: name.to_owned(),
            })
    }

    pub fn label(self) -> Localized {
        match self {
            ComposerField::MsgType => Localized::new("消息类型", "Message type"),
            ComposerField::EnterChat => {
                Localized::new("发送后进入会话", "Open the chat after sending")
            }
            ComposerField::Text => Localized::new("文本内容", "Text"),
            ComposerField::NewsLink => Localized::new("链接地址", "Link"),
            ComposerField::NewsTitle => Localized::new("标题", "Title"),
            ComposerField::NewsDesc => Localized::new("摘要", "Description"),
            ComposerField::NewsImgUrl => Localized::new("封面图片地址", "Cover image URL"),
            ComposerField::MiniprogramAppid => Localized::new("小程序 AppID", "Mini program AppID"),
            ComposerField::MiniprogramTitle => Localized::new("小程序标题", "Mini program title"),
            ComposerField::MiniprogramImgUrl => {
                Localized::new("小程序封面图片地址", "Mini program cover image URL")
            }
            ComposerField::MiniprogramPage => {
                Localized::new("小程序页面路径", "Mini program page path")
            }
            ComposerField::ImageMediaid => Localized::new("图片素材 ID", "Image media id"),
        }
    }

    /// The character cap shown as a counter ("12/4000"), if the field has one.
    pub fn max_chars(self) -> Option<usize> {
        match self {
            ComposerField::Text => Some(TEXT_MAX),
            ComposerField::NewsTitle | ComposerField::MiniprogramTitle => Some(TITLE_MAX),
            ComposerField::NewsDesc => Some(DESC_MAX),
            _ => None,
        }
    }

    /// Whether the field must be filled for its message type.
    pub fn required(self) -> bool {
        !matches!(
            self,
            ComposerField::NewsDesc | ComposerField::NewsImgUrl | ComposerField::EnterChat
        )
    }
}

/// What is wrong with the composed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeError {
    /// The field is empty (after trimming).
    Required { field: ComposerField },
    /// Longer than allowed, in characters.
    TooLong {
        field: ComposerField,
        max: usize,
        len: usize,
    },
    /// A URL without `http://` or `https://`.
    MissingProtocol { field: ComposerField },
    /// A URL with a protocol but no host, or with spaces/control characters.
    InvalidUrl { field: ComposerField },
    /// The appid is not `wx` followed by 16 letters or digits.
    InvalidAppid,
    /// The page path does not end in `.html`.
    PageNotHtml,
    /// The page path has spaces or control characters, or no name before `.html`.
    InvalidPage,
    /// The media id holds a character media ids never have.
    InvalidMediaid { ch: char },
    /// This message type cannot be sent from here.
    MsgTypeNotAllowed { msg_type: MsgType },
    /// Nothing can be sent from the entry the page was opened from.
    CannotSendHere,
    /// The page asked to set a field that does not exist.
    UnknownField { name: String },
    /// `msgType` was set to something that is not a message type.
    UnknownMsgType { value: String },
    /// `enterChat` was set to something that is not true/false.
    InvalidBool { value: String },
}

impl ComposeError {
    /// The field this error is about (`None` for an unknown field name).
    pub fn field(&self) -> Option<ComposerField> {
        match self {
            ComposeError::Required { field }
            | ComposeError::TooLong { field, .. }
            | ComposeError::MissingProtocol { field }
            | ComposeError::InvalidUrl { field } => Some(*field),
            ComposeError::InvalidAppid => Some(ComposerField::MiniprogramAppid),
            ComposeError::PageNotHtml | ComposeError::InvalidPage => {
                Some(ComposerField::MiniprogramPage)
            }
            ComposeError::InvalidMediaid { .. } => Some(ComposerField::ImageMediaid),
            ComposeError::MsgTypeNotAllowed { .. }
            | ComposeError::CannotSendHere
            | ComposeError::UnknownMsgType { .. } => Some(ComposerField::MsgType),
            ComposeError::InvalidBool { .. } => Some(ComposerField::EnterChat),
            ComposeError::UnknownField { .. } => None,
        }
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ComposeError::Required { .. } => "required",
            ComposeError::TooLong { .. } => "too_long",
            ComposeError::MissingProtocol { .. } => "url_missing_protocol",
            ComposeError::InvalidUrl { .. } => "url_invalid",
            ComposeError::InvalidAppid => "appid_invalid",
            ComposeError::PageNotHtml => "page_not_html",
            ComposeError::InvalidPage => "page_invalid",
            ComposeError::InvalidMediaid { .. } => "mediaid_invalid",
            ComposeError::MsgTypeNotAllowed { .. } => "msg_type_not_allowed",
            ComposeError::CannotSendHere => "cannot_send_here",
            ComposeError::UnknownField { .. } => "unknown_field",
            ComposeError::UnknownMsgType { .. } => "unknown_msg_type",
            ComposeError::InvalidBool { .. } => "invalid_bool",
        }
    }

    pub fn message(&self) -> Localized {
        let label = self.field().map(ComposerField::label);
        let (lz, le) = match &label {
            Some(l) => (l.zh.as_str(), l.en.as_str()),
            None => ("", ""),
        };
        match self {
            ComposeError::Required { .. } => {
                Localized::new(format!("请填写{lz}。"), format!("{le} is required."))
            }
            ComposeError::TooLong { max, len, .. } => Localized::new(
                format!("{lz}最多 {max} 个字，现在有 {len} 个。"),
                format!("{le} is {len} characters long; at most {max} are allowed."),
            ),
            ComposeError::MissingProtocol { .. } => Localized::new(
                format!("{lz}必须以 http:// 或 https:// 开头。"),
                format!("{le} must start with http:// or https://."),
            ),
            ComposeError::InvalidUrl { .. } => Localized::new(
                format!("{lz}不是有效的网址：协议后要有域名，且不能含空格。"),
                format!("{le} is not a valid URL: it needs a host after the protocol and no spaces."),
            ),
            ComposeError::InvalidAppid => Localized::new(
                "小程序 AppID 应为 wx 加 16 位字母或数字，例如 wx8bd80126147df384。",
                "The mini program AppID must be wx followed by 16 letters or digits, like wx8bd80126147df384.",
            ),
            ComposeError::PageNotHtml => Localized::new(
                "小程序页面路径必须以 .html 结尾（例如 pages/index/index.html），且不能带参数，否则在微信中打开会找不到页面。",
                "The mini program page path must end in .html (like pages/index/index.html) and carry no query, or WeChat cannot find the page.",
            ),
            ComposeError::InvalidPage => Localized::new(
                "小程序页面路径不能含空格，且 .html 前要有页面名。",
                "The mini program page path must have no spaces and a page name before .html.",
            ),
            ComposeError::InvalidMediaid { ch } => Localized::new(
                format!("图片素材 ID 含有不允许的字符 {}；请使用素材管理接口返回的 media_id。", describe_char(*ch)),
                format!("The image media id has {}, which is not allowed; use the media_id returned by the media upload API.", describe_char(*ch)),
            ),
            ComposeError::MsgTypeNotAllowed { msg_type } => {
                let t = msg_type.label();
                Localized::new(
                    format!("从当前入口不能发送「{}」消息。", t.zh),
                    format!("A {} message cannot be sent from here.", t.en.to_ascii_lowercase()),
                )
            }
            ComposeError::CannotSendHere => Localized::new(
                "从当前入口打开时不能向聊天发送消息，请从聊天工具栏或附件栏打开。",
                "Messages cannot be sent from this entry; open the page from the chat toolbar or the attachment bar.",
            ),
            ComposeError::UnknownField { name } => Localized::new(
                format!("没有名为「{name}」的字段。"),
                format!("There is no field named \"{name}\"."),
            ),
            ComposeError::UnknownMsgType { value } => Localized::new(
                format!("「{value}」不是可发送的消息类型（text、news、miniprogram、image）。"),
                format!("\"{value}\" is not a message type that can be sent (text, news, miniprogram, image)."),
            ),
            ComposeError::InvalidBool { value } => Localized::new(
                format!("「{value}」不是开关值（true 或 false）。"),
                format!("\"{value}\" is not a switch value (true or false)."),
            ),
        }
    }
}

fn describe_char(ch: char) -> String {
    if ch.is_whitespace() || ch.is_control() {
        format!("U+{:04X}", ch as u32)
    } else {
        format!("'{ch}'")
    }
}

/// The `news` fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsFields {
    pub link: String,
    pub title: String,
    pub desc: String,
    pub img_url: String,
}
crate::support::stored::stored_struct!(NewsFields {
    link: "link",
    title: "title",
    desc: "desc",
    img_url: "img_url"
});

/// The `miniprogram` fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MiniprogramFields {
    pub appid: String,
    pub title: String,
    pub img_url: String,
    pub page: String,
}
crate::support::stored::stored_struct!(MiniprogramFields {
    appid: "appid",
    title: "title",
    img_url: "img_url",
    page: "page"
});

/// The `image` fields: `sendChatMessage` takes only a media id (wecom:93863).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageFields {
    pub mediaid: String,
}
crate::support::stored::stored_struct!(ImageFields { mediaid: "mediaid" });

/// The composer state. A failed send never clears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Composer {
    pub msg_type: MsgType,
    pub text: String,
    pub news: NewsFields,
    pub miniprogram: MiniprogramFields,
    pub image: ImageFields,
    /// The member's wish; sent only when [`SendCaps::enter_chat`] allows it.
    pub enter_chat: bool,
    pub last_result: Option<SendResult>,
    touched: Vec<ComposerField>,
}
crate::support::stored::stored_struct!(Composer {
    msg_type: "msg_type",
    text: "text",
    news: "news",
    miniprogram: "miniprogram",
    image: "image",
    enter_chat: "enter_chat",
    last_result: "last_result",
    touched: "touched"
});

impl Default for Composer {
    fn default() -> Self {
        Composer::new(MsgType::Text)
    }
}

impl Composer {
    pub fn new(msg_type: MsgType) -> Self {
        Composer {
            msg_type,
            text: String::new(),
            news: NewsFields::default(),
            miniprogram: MiniprogramFields::default(),
            image: ImageFields::default(),
            enter_chat: false,
            last_result: None,
            touched: Vec::new(),
        }
    }

    /// Sets one field from the page's input. `msgType` takes a message type
    /// name; `enterChat` takes true/false/1/0. Marks the field as touched.
    pub fn set(&mut self, field: ComposerField, value: String) -> Result<(), ComposeError> {
        match field {
            ComposerField::MsgType => self.msg_type = MsgType::parse(&value)?,
            ComposerField::EnterChat => self.enter_chat = parse_bool(&value)?,
            ComposerField::Text => self.text = value,
            ComposerField::NewsLink => self.news.link = value,
            ComposerField::NewsTitle => self.news.title = value,
            ComposerField::NewsDesc => self.news.desc = value,
            ComposerField::NewsImgUrl => self.news.img_url = value,
            ComposerField::MiniprogramAppid => self.miniprogram.appid = value,
            ComposerField::MiniprogramTitle => self.miniprogram.title = value,
            ComposerField::MiniprogramImgUrl => self.miniprogram.img_url = value,
            ComposerField::MiniprogramPage => self.miniprogram.page = value,
            ComposerField::ImageMediaid => self.image.mediaid = value,
        }
        if !self.touched.contains(&field) {
            self.touched.push(field);
        }
        Ok(())
    }

    /// [`Composer::set`] with the field named by a string from the page.
    pub fn set_by_name(&mut self, name: &str, value: String) -> Result<(), ComposeError> {
        self.set(ComposerField::parse(name)?, value)
    }

    /// Marks every field touched, so the view shows every error (call it
    /// when the member taps a send button that is not ready).
    pub fn touch_all(&mut self) {
        self.touched = ComposerField::ALL.to_vec();
    }

    pub fn is_touched(&self, field: ComposerField) -> bool {
        self.touched.contains(&field)
    }

    /// The raw value of a field as typed.
    pub fn value(&self, field: ComposerField) -> String {
        match field {
            ComposerField::MsgType => self.msg_type.as_str().to_owned(),
            ComposerField::EnterChat => self.enter_chat.to_string(),
            ComposerField::Text => self.text.clone(),
            ComposerField::NewsLink => self.news.link.clone(),
            ComposerField::NewsTitle => self.news.title.clone(),
            ComposerField::NewsDesc => self.news.desc.clone(),
            ComposerField::NewsImgUrl => self.news.img_url.clone(),
            ComposerField::MiniprogramAppid => self.miniprogram.appid.clone(),
            ComposerField::MiniprogramTitle => self.miniprogram.title.clone(),
            ComposerField::MiniprogramImgUrl => self.miniprogram.img_url.clone(),
            ComposerField::MiniprogramPage => self.miniprogram.page.clone(),
            ComposerField::ImageMediaid => self.image.mediaid.clone(),
        }
    }

    /// The first rule the field breaks, if any. Fields are checked trimmed.
    pub fn field_error(&self, field: ComposerField) -> Option<ComposeError> {
        let raw = self.value(field);
        let v = raw.trim();
        if v.is_empty() {
            return field.required().then_some(ComposeError::Required { field });
        }
        if let Some(max) = field.max_chars() {
            let len = crate::support::text::char_count(v);
            if len > max {
                return Some(ComposeError::TooLong { field, max, len });
            }
        }
        match field {
            ComposerField::NewsLink
            | ComposerField::NewsImgUrl
            | ComposerField::MiniprogramImgUrl => check_url(field, v),
            ComposerField::MiniprogramAppid => check_appid(v),
            ComposerField::MiniprogramPage => check_page(v),
            ComposerField::ImageMediaid => check_mediaid(v),
            _ => None,
        }
    }

    /// Every error of the fields of the current message type.
    pub fn errors(&self) -> Vec<ComposeError> {
        self.msg_type
            .fields()
            .iter()
            .filter_map(|f| self.field_error(*f))
            .collect()
    }

    /// The exact `wx.qy.sendChatMessage` argument object (wecom:93863).
    /// `enterChat` is present only when `caps.enter_chat`; empty optional
    /// news fields (`desc`, `imgUrl`) are left out.
    pub fn to_send_args(&self, caps: &SendCaps) -> Result<Value, Vec<ComposeError>> {
        let mut errors = Vec::new();
        if caps.allowed.is_empty() {
            errors.push(ComposeError::CannotSendHere);
        } else if !caps.allowed.contains(&self.msg_type) {
            errors.push(ComposeError::MsgTypeNotAllowed {
                msg_type: self.msg_type,
            });
        }
        errors.extend(self.errors());
        if !errors.is_empty() {
            return Err(errors);
        }

        let mut args = Map::new();
        args.insert("msgtype".into(), Value::from(self.msg_type.as_str()));
        if caps.enter_chat {
            args.insert("enterChat".into(), Value::Bool(self.enter_chat));
        }
        let mut body = Map::new();
        match self.msg_type {
            MsgType::Text => {
                body.insert("content".into(), Value::from(self.text.trim()));
            }
            MsgType::News => {
                let n = &self.news;
                body.insert("link".into(), Value::from(n.link.trim()));
                body.insert("title".into(), Value::from(n.title.trim()));
                if !n.desc.trim().is_empty() {
                    body.insert("desc".into(), Value::from(n.desc.trim()));
                }
                if !n.img_url.trim().is_empty() {
                    body.insert("imgUrl".into(), Value::from(n.img_url.trim()));
                }
            }
            MsgType::Miniprogram => {
                let m = &self.miniprogram;
                body.insert("appid".into(), Value::from(m.appid.trim()));
                body.insert("title".into(), Value::from(m.title.trim()));
                body.insert("imgUrl".into(), Value::from(m.img_url.trim()));
                body.insert("page".into(), Value::from(m.page.trim()));
            }
            MsgType::Image | MsgType::Video | MsgType::File => {
                body.insert("mediaid".into(), Value::from(self.image.mediaid.trim()));
            }
        }
        args.insert(self.msg_type.as_str().into(), Value::Object(body));
        Ok(Value::Object(args))
    }

    /// Records a send outcome. Only [`SendResult::Sent`] clears the message
    /// (the message type and the enterChat wish are kept); any other outcome
    /// keeps everything the member composed.
    pub fn on_result(&mut self, result: &SendResult) {
        if *result == SendResult::Sent {
            let keep_type = self.msg_type;
            let keep_enter = self.enter_chat;
            *self = Composer::new(keep_type);
            self.enter_chat = keep_enter;
        }
        self.last_result = Some(result.clone());
    }

    /// Records the outcome of a send that did not come from the composer
    /// (a material, a picture): nothing the member typed is cleared.
    pub fn note_result(&mut self, result: &SendResult) {
        self.last_result = Some(result.clone());
    }

    /// Hides the last outcome banner.
    pub fn dismiss_result(&mut self) {
        self.last_result = None;
    }

    /// The view model. A field's error is shown once the field was touched
    /// or holds text; `canSend` always reflects every rule.
    pub fn view(&self, caps: &SendCaps, locale: Locale) -> ComposerView {
        let fields = self
            .msg_type
            .fields()
            .iter()
            // A media id is never typed: pictures come from the library or
            // the phone.
            .filter(|f| **f != ComposerField::ImageMediaid)
            .map(|&field| {
                let value = self.value(field);
                let shown = self.is_touched(field) || !value.trim().is_empty();
                let error = self
                    .field_error(field)
                    .filter(|_| shown)
                    .map(|e| ErrorView::new(&e, locale));
                let len = crate::support::text::char_count(value.trim());
                FieldView {
                    key: field.key(),
                    label: field.label().get(locale).to_owned(),
                    required: field.required(),
                    count: field.max_chars().map(|max| format!("{len}/{max}")),
                    over_limit: field.max_chars().is_some_and(|max| len > max),
                    value,
                    error,
                }
            })
            .collect();
        let msg_types = MsgType::TABS
            .into_iter()
            .map(|t| MsgTypeOption {
                value: t.as_str(),
                label: t.label().get(locale).to_owned(),
                allowed: caps.allowed.contains(&t),
                selected: t == self.msg_type,
            })
            .collect();
        let blocked = if caps.allowed.is_empty() {
            Some(ComposeError::CannotSendHere)
        } else if !caps.allowed.contains(&self.msg_type) {
            Some(ComposeError::MsgTypeNotAllowed {
                msg_type: self.msg_type,
            })
        } else {
            None
        };
        let mut blocked = blocked.map(|e| ErrorView::new(&e, locale));
        let mut note = caps.note.as_ref().map(|n| n.get(locale).to_owned());
        if caps.allowed.is_empty() {
            // One line, the real reason (an old client, a Mac, the wrong
            // entry), never that and a generic "open it from a toolbar"
            // beside it, which would contradict it.
            if let (Some(b), Some(n)) = (blocked.as_mut(), note.take()) {
                b.message = n;
            }
        }
        ComposerView {
            msg_type: self.msg_type.as_str(),
            msg_types,
            fields,
            enter_chat_offered: caps.enter_chat,
            enter_chat: caps.enter_chat && self.enter_chat,
            can_send: self.to_send_args(caps).is_ok(),
            note,
            blocked,
            last_result: self
                .last_result
                .as_ref()
                .map(|r| ResultView::new(r, locale)),
            labels: crate::chat::labels::ComposerLabels::new(locale),
            library: Vec::new(),
            library_loading: false,
            library_failed: false,
            send_offered: self.msg_type != MsgType::Image,
            can_pick_picture: false,
            picture_busy: false,
        }
    }
}

fn parse_bool(value: &str) -> Result<bool, ComposeError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        _ => Err(ComposeError::InvalidBool {
            value: value.to_owned(),
        }),
    }
}

fn check_url(field: ComposerField, v: &str) -> Option<ComposeError> {
    let rest = ["https://", "http://"].iter().find_map(|p| {
        v.get(..p.len())
            .filter(|head| head.eq_ignore_ascii_case(p))
            .and_then(|_| v.get(p.len()..))
    });
    let Some(rest) = rest else {
        return Some(ComposeError::MissingProtocol { field });
    };
    let len = crate::support::text::char_count(v);
    if len > URL_MAX {
        return Some(ComposeError::TooLong {
            field,
            max: URL_MAX,
            len,
        });
    }
    if rest.is_empty()
        || rest.starts_with('/')
        || rest.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Some(ComposeError::InvalidUrl { field });
    }
    None
}

fn check_appid(v: &str) -> Option<ComposeError> {
    let ok = v.starts_with("wx") && v.len() == 18 && v.chars().all(|c| c.is_ascii_alphanumeric());
    (!ok).then_some(ComposeError::InvalidAppid)
}

fn check_page(v: &str) -> Option<ComposeError> {
    let field = ComposerField::MiniprogramPage;
    let len = crate::support::text::char_count(v);
    if len > URL_MAX {
        return Some(ComposeError::TooLong {
            field,
            max: URL_MAX,
            len,
        });
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(ComposeError::InvalidPage);
    }
    match v.strip_suffix(".html") {
        None => Some(ComposeError::PageNotHtml),
        Some(stem) if stem.is_empty() || stem.ends_with('/') => Some(ComposeError::InvalidPage),
        Some(_) => None,
    }
}

fn check_mediaid(v: &str) -> Option<ComposeError> {
    let field = ComposerField::ImageMediaid;
    let len = crate::support::text::char_count(v);
    if len > MEDIAID_MAX {
        return Some(ComposeError::TooLong {
            field,
            max: MEDIAID_MAX,
            len,
        });
    }
    v.chars()
        .find(|c| {
            !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '=' | '+' | '/' | '@'))
        })
        .map(|ch| ComposeError::InvalidMediaid { ch })
}

/// The composer's reading of a `wx.qy.sendChatMessage` [`Outcome`]: which
/// outcome clears the message and what the banner says. The errMsg itself
/// is classified once, by [`Outcome::parse`]; this is only a mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendResult {
    Sent,
    Cancelled,
    NoPermission,
    NotInAllowList,
    WrongEntry,
    InvalidImageUrl,
    Unsupported,
    Failed { err_msg: String },
}
crate::support::stored::stored_enum!(SendResult { Sent = "Sent", Cancelled = "Cancelled", NoPermission = "NoPermission", NotInAllowList = "NotInAllowList", WrongEntry = "WrongEntry", InvalidImageUrl = "InvalidImageUrl", Unsupported = "Unsupported", Failed = "Failed" { err_msg: "err_msg" } });

impl From<&Outcome> for SendResult {
    fn from(outcome: &Outcome) -> SendResult {
        match outcome {
            Outcome::Ok => SendResult::Sent,
            Outcome::Cancelled => SendResult::Cancelled,
            Outcome::NoPermission => SendResult::NoPermission,
            Outcome::NotInAllowList => SendResult::NotInAllowList,
            Outcome::WrongEntry => SendResult::WrongEntry,
            Outcome::InvalidImageUrl => SendResult::InvalidImageUrl,
            Outcome::UnsupportedChat | Outcome::UnsupportedMsgType | Outcome::NotSupported => {
                SendResult::Unsupported
            }
            Outcome::Unknown { err_msg } => SendResult::Failed {
                err_msg: err_msg.trim().to_owned(),
            },
            // Not an answer of sendChatMessage; kept total all the same.
            Outcome::SessionExpired => SendResult::Failed {
                err_msg: outcome.message().en,
            },
        }
    }
}

impl SendResult {
    /// `errMsg` read through [`Outcome::parse`], e.g. `"sendChatMessage:ok"`,
    /// `"sendChatMessage:fail no permission"`,
    /// `"sendChatMessage:fail_nopermission"`. Never relies on a numeric
    /// `errCode`.
    pub fn from_err_msg(err_msg: &str) -> SendResult {
        SendResult::from(&Outcome::parse("sendChatMessage", Some(err_msg), None))
    }

    pub fn is_sent(&self) -> bool {
        *self == SendResult::Sent
    }

    pub fn code(&self) -> &'static str {
        match self {
            SendResult::Sent => "sent",
            SendResult::Cancelled => "cancelled",
            SendResult::NoPermission => "no_permission",
            SendResult::NotInAllowList => "not_in_allow_list",
            SendResult::WrongEntry => "wrong_entry",
            SendResult::InvalidImageUrl => "invalid_image_url",
            SendResult::Unsupported => "unsupported",
            SendResult::Failed { .. } => "failed",
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            SendResult::Sent => Localized::new("已发送。", "Sent."),
            SendResult::Cancelled => Localized::new(
                "已取消发送，消息仍保留在这里。",
                "Sending was cancelled; your message is still here.",
            ),
            SendResult::NoPermission => Localized::new(
                "没有发送权限：应用需要客户联系权限，且你需要被配置客户联系功能。消息已保留。",
                "No permission to send: the app needs customer-contact permission and you need customer contact enabled. Your message is kept.",
            ),
            SendResult::NotInAllowList => Localized::new(
                "你不在此应用的可见范围内，请联系管理员。消息已保留。",
                "You are not in this app's visible range; ask your admin. Your message is kept.",
            ),
            SendResult::WrongEntry => Localized::new(
                "当前页面不是从聊天中打开的，无法发送；请从聊天工具栏或附件栏重新打开。消息已保留。",
                "This page was not opened from a chat, so it cannot send; reopen it from the chat toolbar or the attachment bar. Your message is kept.",
            ),
            SendResult::InvalidImageUrl => Localized::new(
                "封面图片地址无效：必须以 http:// 或 https:// 开头。消息已保留。",
                "The cover image URL is invalid: it must start with http:// or https://. Your message is kept.",
            ),
            SendResult::Unsupported => Localized::new(
                "当前企业微信版本或会话不支持发送此类消息。部分 iOS 版本的企业微信不能从小程序发送图片、视频或文件：请改发文字或链接，或把企业微信升级到最新版后重试。消息已保留。",
                "This WeCom version or chat does not support this kind of message. Some WeCom versions on iOS refuse images, videos and files from a mini program: send text or a link instead, or update WeCom and try again. Your message is kept.",
            ),
            // WeCom's errMsg is English and not in our table: it goes in
            // the English text only.
            SendResult::Failed { err_msg } => Localized::new(
                "发送失败：企业微信没有发出这条消息。如果发送的是图片、视频或文件，部分 iOS 版本的企业微信不支持，请改发文字或链接，或升级企业微信后重试。消息已保留。",
                format!("Sending failed: WeCom answered \"{err_msg}\". Some WeCom versions on iOS refuse images, videos and files: send text or a link instead, or update WeCom and try again. Your message is kept."),
            ),
        }
    }
}

/// One error, rendered for the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ErrorView {
    pub field: Option<&'static str>,
    pub code: &'static str,
    pub message: String,
}

impl ErrorView {
    pub fn new(e: &ComposeError, locale: Locale) -> Self {
        ErrorView {
            field: e.field().map(ComposerField::key),
            code: e.code(),
            message: e.message().get(locale).to_owned(),
        }
    }
}

/// One input of the current message type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FieldView {
    pub key: &'static str,
    pub label: String,
    pub value: String,
    pub required: bool,
    /// "12/4000" for fields with a cap, else null.
    pub count: Option<String>,
    pub over_limit: bool,
    pub error: Option<ErrorView>,
}

/// One choice of message type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MsgTypeOption {
    pub value: &'static str,
    pub label: String,
    pub allowed: bool,
    pub selected: bool,
}

/// The last send outcome, rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ResultView {
    pub code: &'static str,
    pub sent: bool,
    pub message: String,
}

impl ResultView {
    pub fn new(r: &SendResult, locale: Locale) -> Self {
        ResultView {
            code: r.code(),
            sent: r.is_sent(),
            message: r.message().get(locale).to_owned(),
        }
    }
}

/// What the composer page renders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ComposerView {
    pub msg_type: &'static str,
    pub msg_types: Vec<MsgTypeOption>,
    pub fields: Vec<FieldView>,
    pub enter_chat_offered: bool,
    /// The value that will be sent (false when not offered).
    pub enter_chat: bool,
    pub can_send: bool,
    /// Why sending is limited here (from [`SendCaps::note`]).
    pub note: Option<String>,
    /// Why the current message type cannot be sent from here.
    pub blocked: Option<ErrorView>,
    pub last_result: Option<ResultView>,
    /// The panel's fixed text, in the member's language.
    pub labels: crate::chat::labels::ComposerLabels,
    /// The materials library offered here: each section under its tab.
    pub library: Vec<crate::chat::library::MaterialSectionView>,
    /// The library is being read for the first time.
    pub library_loading: bool,
    /// The last read of the library failed (what was cached is shown).
    pub library_failed: bool,
    /// The send button is shown: on the 图片 tab a picture is sent by
    /// tapping it (the library, the phone), never typed.
    pub send_offered: bool,
    /// 从手机选择图片 is offered.
    pub can_pick_picture: bool,
    /// A picture is being chosen or uploaded.
    pub picture_busy: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wecom::capabilities::send_caps_reported as send_caps;
    use serde_json::json;

    fn caps_all() -> SendCaps {
        send_caps("android", Some((4, 1, 0)), "single_chat_tools")
    }

    fn caps_no_enter() -> SendCaps {
        send_caps("windows", Some((4, 1, 0)), "single_chat_tools")
    }

    fn composer(t: MsgType, fields: &[(ComposerField, &str)]) -> Composer {
        let mut c = Composer::new(t);
        for (f, v) in fields {
            c.set(*f, (*v).to_owned()).unwrap();
        }
        c
    }

    fn codes(c: &Composer) -> Vec<&'static str> {
        c.errors().iter().map(|e| e.code()).collect()
    }

    fn err(c: &Composer, f: ComposerField) -> Option<&'static str> {
        c.field_error(f).map(|e| e.code())
    }

    fn good_news() -> Composer {
        composer(
            MsgType::News,
            &[
                (ComposerField::NewsLink, "https://example.com/a"),
                (ComposerField::NewsTitle, "新品发布"),
                (ComposerField::NewsDesc, "摘要"),
                (ComposerField::NewsImgUrl, "https://example.com/a.png"),
            ],
        )
    }

    fn good_mp() -> Composer {
        composer(
            MsgType::Miniprogram,
            &[
                (ComposerField::MiniprogramAppid, "wx8bd80126147df384"),
                (ComposerField::MiniprogramTitle, "下单"),
                (
                    ComposerField::MiniprogramImgUrl,
                    "https://example.com/c.png",
                ),
                (ComposerField::MiniprogramPage, "pages/index/index.html"),
            ],
        )
    }

    // ---- text ----

    #[test]
    fn text_empty_and_blank_are_required() {
        let c = Composer::new(MsgType::Text);
        assert_eq!(codes(&c), ["required"]);
        let c = composer(MsgType::Text, &[(ComposerField::Text, " \n\t ")]);
        assert_eq!(codes(&c), ["required"]);
        assert_eq!(c.errors()[0].field(), Some(ComposerField::Text));
    }

    #[test]
    fn text_length_at_and_over_limit() {
        let at = composer(
            MsgType::Text,
            &[(ComposerField::Text, &"字".repeat(TEXT_MAX))],
        );
        assert!(at.errors().is_empty());
        let below = composer(
            MsgType::Text,
            &[(ComposerField::Text, &"a".repeat(TEXT_MAX - 1))],
        );
        assert!(below.errors().is_empty());
        let over = composer(
            MsgType::Text,
            &[(ComposerField::Text, &"😀".repeat(TEXT_MAX + 1))],
        );
        assert_eq!(
            over.errors(),
            [ComposeError::TooLong {
                field: ComposerField::Text,
                max: 4000,
                len: 4001
            }]
        );
        let msg = over.errors()[0].message();
        assert!(
            msg.zh.contains("4000") && msg.en.contains("4001"),
            "{msg:?}"
        );
    }

    #[test]
    fn text_length_ignores_surrounding_space() {
        let text = format!("  {}  ", "a".repeat(TEXT_MAX));
        let c = composer(MsgType::Text, &[(ComposerField::Text, &text)]);
        assert!(c.errors().is_empty());
    }

    #[test]
    fn text_send_args_exact() {
        let c = composer(MsgType::Text, &[(ComposerField::Text, "  你好 👋 \n")]);
        assert_eq!(
            c.to_send_args(&caps_no_enter()).unwrap(),
            json!({"msgtype": "text", "text": {"content": "你好 👋"}})
        );
    }

    // ---- enterChat ----

    #[test]
    fn enter_chat_sent_only_when_allowed() {
        let mut c = composer(MsgType::Text, &[(ComposerField::Text, "hi")]);
        let args = c.to_send_args(&caps_no_enter()).unwrap();
        assert!(args.get("enterChat").is_none(), "{args}");
        let args = c.to_send_args(&caps_all()).unwrap();
        assert_eq!(args["enterChat"], json!(false));
        c.set(ComposerField::EnterChat, "true".into()).unwrap();
        let args = c.to_send_args(&caps_all()).unwrap();
        assert_eq!(args["enterChat"], json!(true));
        let args = c.to_send_args(&caps_no_enter()).unwrap();
        assert!(
            args.get("enterChat").is_none(),
            "wish alone must not add it: {args}"
        );
    }

    #[test]
    fn enter_chat_bad_bool_is_error() {
        let mut c = Composer::new(MsgType::Text);
        let e = c
            .set(ComposerField::EnterChat, "yes please".into())
            .unwrap_err();
        assert_eq!(e.code(), "invalid_bool");
        assert_eq!(e.field(), Some(ComposerField::EnterChat));
        assert!(!c.enter_chat);
        c.set(ComposerField::EnterChat, "1".into()).unwrap();
        assert!(c.enter_chat);
        c.set(ComposerField::EnterChat, "FALSE".into()).unwrap();
        assert!(!c.enter_chat);
    }

    // ---- news ----

    #[test]
    fn news_send_args_exact() {
        assert_eq!(
            good_news().to_send_args(&caps_all()).unwrap(),
            json!({
                "msgtype": "news",
                "enterChat": false,
                "news": {
                    "link": "https://example.com/a",
                    "title": "新品发布",
                    "desc": "摘要",
                    "imgUrl": "https://example.com/a.png"
                }
            })
        );
    }

    #[test]
    fn news_optional_fields_left_out_when_empty() {
        let mut c = good_news();
        c.set(ComposerField::NewsDesc, "  ".into()).unwrap();
        c.set(ComposerField::NewsImgUrl, String::new()).unwrap();
        assert!(c.errors().is_empty());
        let args = c.to_send_args(&caps_no_enter()).unwrap();
        assert_eq!(
            args,
            json!({"msgtype": "news", "news": {"link": "https://example.com/a", "title": "新品发布"}})
        );
    }

    #[test]
    fn news_link_required() {
        let mut c = good_news();
        c.set(ComposerField::NewsLink, " ".into()).unwrap();
        assert_eq!(err(&c, ComposerField::NewsLink), Some("required"));
    }

    #[test]
    fn news_link_protocols() {
        let mut c = good_news();
        for ok in [
            "http://example.com",
            "https://example.com/x?a=1",
            "HTTPS://EXAMPLE.COM",
        ] {
            c.set(ComposerField::NewsLink, ok.into()).unwrap();
            assert_eq!(err(&c, ComposerField::NewsLink), None, "{ok}");
        }
        for bad in [
            "example.com",
            "www.example.com/a",
            "ftp://example.com",
            "//example.com",
        ] {
            c.set(ComposerField::NewsLink, bad.into()).unwrap();
            assert_eq!(
                err(&c, ComposerField::NewsLink),
                Some("url_missing_protocol"),
                "{bad}"
            );
        }
    }

    #[test]
    fn news_link_invalid_after_protocol() {
        let mut c = good_news();
        for bad in [
            "https://",
            "http:///path",
            "https://exa mple.com",
            "https://a.com/\u{7}",
        ] {
            c.set(ComposerField::NewsLink, bad.into()).unwrap();
            assert_eq!(
                err(&c, ComposerField::NewsLink),
                Some("url_invalid"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn url_length_at_and_over_cap() {
        let mut c = good_news();
        let base = "https://e.com/";
        let at = format!("{base}{}", "a".repeat(URL_MAX - base.len()));
        c.set(ComposerField::NewsLink, at).unwrap();
        assert_eq!(err(&c, ComposerField::NewsLink), None);
        let over = format!("{base}{}", "a".repeat(URL_MAX - base.len() + 1));
        c.set(ComposerField::NewsLink, over).unwrap();
        assert_eq!(err(&c, ComposerField::NewsLink), Some("too_long"));
    }

    #[test]
    fn news_title_required_and_capped() {
        let mut c = good_news();
        c.set(ComposerField::NewsTitle, String::new()).unwrap();
        assert_eq!(err(&c, ComposerField::NewsTitle), Some("required"));
        c.set(ComposerField::NewsTitle, "标".repeat(TITLE_MAX - 1))
            .unwrap();
        assert_eq!(err(&c, ComposerField::NewsTitle), None);
        c.set(ComposerField::NewsTitle, "标".repeat(TITLE_MAX))
            .unwrap();
        assert_eq!(err(&c, ComposerField::NewsTitle), None);
        c.set(ComposerField::NewsTitle, "标".repeat(TITLE_MAX + 1))
            .unwrap();
        assert_eq!(err(&c, ComposerField::NewsTitle), Some("too_long"));
    }

    #[test]
    fn news_desc_optional_and_capped() {
        let mut c = good_news();
        c.set(ComposerField::NewsDesc, String::new()).unwrap();
        assert_eq!(err(&c, ComposerField::NewsDesc), None);
        c.set(ComposerField::NewsDesc, "d".repeat(DESC_MAX))
            .unwrap();
        assert_eq!(err(&c, ComposerField::NewsDesc), None);
        c.set(ComposerField::NewsDesc, "d".repeat(DESC_MAX + 1))
            .unwrap();
        assert_eq!(err(&c, ComposerField::NewsDesc), Some("too_long"));
    }

    #[test]
    fn news_img_url_needs_protocol() {
        let mut c = good_news();
        c.set(ComposerField::NewsImgUrl, "example.com/a.png".into())
            .unwrap();
        assert_eq!(
            err(&c, ComposerField::NewsImgUrl),
            Some("url_missing_protocol")
        );
        c.set(ComposerField::NewsImgUrl, "http://example.com/a.png".into())
            .unwrap();
        assert_eq!(err(&c, ComposerField::NewsImgUrl), None);
    }

    // ---- miniprogram ----

    #[test]
    fn miniprogram_send_args_exact() {
        assert_eq!(
            good_mp().to_send_args(&caps_no_enter()).unwrap(),
            json!({
                "msgtype": "miniprogram",
                "miniprogram": {
                    "appid": "wx8bd80126147df384",
                    "title": "下单",
                    "imgUrl": "https://example.com/c.png",
                    "page": "pages/index/index.html"
                }
            })
        );
    }

    #[test]
    fn miniprogram_appid_rules() {
        let mut c = good_mp();
        c.set(ComposerField::MiniprogramAppid, String::new())
            .unwrap();
        assert_eq!(err(&c, ComposerField::MiniprogramAppid), Some("required"));
        for bad in [
            "wx8bd80126147df38",   // 15 after wx
            "wx8bd80126147df3845", // 17 after wx
            "ww8bd80126147df384",  // wrong prefix
            "wx8bd80126147df3-4",  // bad char
            "wx8bd80126147df3张",  // non-ascii
        ] {
            c.set(ComposerField::MiniprogramAppid, bad.into()).unwrap();
            assert_eq!(
                err(&c, ComposerField::MiniprogramAppid),
                Some("appid_invalid"),
                "{bad}"
            );
        }
        c.set(
            ComposerField::MiniprogramAppid,
            " wxABCDEF0123456789 ".into(),
        )
        .unwrap();
        assert_eq!(err(&c, ComposerField::MiniprogramAppid), None);
    }

    #[test]
    fn miniprogram_title_required_and_capped() {
        let mut c = good_mp();
        c.set(ComposerField::MiniprogramTitle, "".into()).unwrap();
        assert_eq!(err(&c, ComposerField::MiniprogramTitle), Some("required"));
        c.set(ComposerField::MiniprogramTitle, "t".repeat(TITLE_MAX))
            .unwrap();
        assert_eq!(err(&c, ComposerField::MiniprogramTitle), None);
        c.set(ComposerField::MiniprogramTitle, "t".repeat(TITLE_MAX + 1))
            .unwrap();
        assert_eq!(err(&c, ComposerField::MiniprogramTitle), Some("too_long"));
    }

    #[test]
    fn miniprogram_img_url_required_and_needs_protocol() {
        let mut c = good_mp();
        c.set(ComposerField::MiniprogramImgUrl, "".into()).unwrap();
        assert_eq!(err(&c, ComposerField::MiniprogramImgUrl), Some("required"));
        c.set(
            ComposerField::MiniprogramImgUrl,
            "/appData/pic/pic1.jpg".into(),
        )
        .unwrap();
        assert_eq!(
            err(&c, ComposerField::MiniprogramImgUrl),
            Some("url_missing_protocol")
        );
        let e = c.field_error(ComposerField::MiniprogramImgUrl).unwrap();
        assert!(e.message().en.contains("http://"), "{:?}", e.message());
    }

    #[test]
    fn miniprogram_page_must_end_in_html() {
        let mut c = good_mp();
        c.set(ComposerField::MiniprogramPage, "".into()).unwrap();
        assert_eq!(err(&c, ComposerField::MiniprogramPage), Some("required"));
        for bad in [
            "pages/index/index",
            "/index/page",
            "pages/a.html?x=1",
            "pages/a.HTML",
            "a.htm",
        ] {
            c.set(ComposerField::MiniprogramPage, bad.into()).unwrap();
            assert_eq!(
                err(&c, ComposerField::MiniprogramPage),
                Some("page_not_html"),
                "{bad}"
            );
        }
        for bad in [".html", "pages/.html", "pages/a b.html"] {
            c.set(ComposerField::MiniprogramPage, bad.into()).unwrap();
            assert_eq!(
                err(&c, ComposerField::MiniprogramPage),
                Some("page_invalid"),
                "{bad}"
            );
        }
        c.set(ComposerField::MiniprogramPage, "/index/page.html".into())
            .unwrap();
        assert_eq!(err(&c, ComposerField::MiniprogramPage), None);
    }

    // ---- image ----

    #[test]
    fn image_send_args_exact() {
        let c = composer(
            MsgType::Image,
            &[(ComposerField::ImageMediaid, "3a8asd892asd8asd_-Zx=")],
        );
        assert_eq!(
            c.to_send_args(&caps_no_enter()).unwrap(),
            json!({"msgtype": "image", "image": {"mediaid": "3a8asd892asd8asd_-Zx="}})
        );
    }

    #[test]
    fn image_mediaid_rules() {
        let mut c = Composer::new(MsgType::Image);
        assert_eq!(err(&c, ComposerField::ImageMediaid), Some("required"));
        c.set(ComposerField::ImageMediaid, "abc def".into())
            .unwrap();
        assert_eq!(
            c.field_error(ComposerField::ImageMediaid),
            Some(ComposeError::InvalidMediaid { ch: ' ' })
        );
        c.set(ComposerField::ImageMediaid, "https://x.com/a.png".into())
            .unwrap();
        assert_eq!(
            err(&c, ComposerField::ImageMediaid),
            Some("mediaid_invalid")
        );
        c.set(ComposerField::ImageMediaid, "m".repeat(MEDIAID_MAX))
            .unwrap();
        assert_eq!(err(&c, ComposerField::ImageMediaid), None);
        c.set(ComposerField::ImageMediaid, "m".repeat(MEDIAID_MAX + 1))
            .unwrap();
        assert_eq!(err(&c, ComposerField::ImageMediaid), Some("too_long"));
    }

    // ---- fields and types from strings ----

    #[test]
    fn unknown_field_name_is_error() {
        let mut c = Composer::new(MsgType::Text);
        let e = c.set_by_name("subject", "x".into()).unwrap_err();
        assert_eq!(e.code(), "unknown_field");
        assert_eq!(e.field(), None);
        assert!(e.message().en.contains("subject"));
        assert_eq!(c, Composer::new(MsgType::Text), "state unchanged");
    }

    #[test]
    fn field_names_are_lenient() {
        let mut c = Composer::new(MsgType::News);
        c.set_by_name("news.imgUrl", "https://a.com/x.png".into())
            .unwrap();
        c.set_by_name("news_link", "https://a.com".into()).unwrap();
        c.set_by_name("NEWSTITLE", "T".into()).unwrap();
        assert_eq!(c.news.img_url, "https://a.com/x.png");
        assert_eq!(c.news.link, "https://a.com");
        assert_eq!(c.news.title, "T");
        for f in ComposerField::ALL {
            assert_eq!(ComposerField::parse(f.key()), Ok(f));
        }
    }

    #[test]
    fn msg_type_set_from_string() {
        let mut c = Composer::new(MsgType::Text);
        c.set_by_name("msgType", " News ".into()).unwrap();
        assert_eq!(c.msg_type, MsgType::News);
        let e = c.set_by_name("msgType", "video".into()).unwrap_err();
        assert_eq!(e.code(), "unknown_msg_type");
        assert_eq!(c.msg_type, MsgType::News);
    }

    #[test]
    fn switching_type_keeps_other_fields() {
        let mut c = composer(MsgType::Text, &[(ComposerField::Text, "keep me")]);
        c.set(ComposerField::MsgType, "image".into()).unwrap();
        assert_eq!(codes(&c), ["required"]);
        c.set(ComposerField::MsgType, "text".into()).unwrap();
        assert_eq!(c.text, "keep me");
        assert!(c.errors().is_empty());
    }

    // ---- caps ----

    #[test]
    fn send_args_refused_when_entry_cannot_send() {
        let c = composer(MsgType::Text, &[(ComposerField::Text, "hi")]);
        let caps = send_caps("ios", Some((4, 0, 0)), "contact_profile");
        let errs = c.to_send_args(&caps).unwrap_err();
        assert_eq!(
            errs.iter().map(|e| e.code()).collect::<Vec<_>>(),
            ["cannot_send_here"]
        );
    }

    #[test]
    fn send_args_refused_for_type_not_allowed() {
        let c = composer(MsgType::Text, &[(ComposerField::Text, "hi")]);
        let caps = SendCaps {
            enter_chat: false,
            allowed: vec![MsgType::News],
            note: None,
        };
        let errs = c.to_send_args(&caps).unwrap_err();
        assert_eq!(
            errs,
            [ComposeError::MsgTypeNotAllowed {
                msg_type: MsgType::Text
            }]
        );
    }

    #[test]
    fn send_args_lists_every_error() {
        let c = Composer::new(MsgType::Miniprogram);
        let errs = c.to_send_args(&caps_all()).unwrap_err();
        assert_eq!(errs.len(), 4);
        assert!(errs.iter().all(|e| e.code() == "required"));
    }

    // ---- send outcomes ----

    #[test]
    fn send_result_every_outcome() {
        let cases = [
            ("sendChatMessage:ok", SendResult::Sent, "sent"),
            ("qy.sendChatMessage:OK", SendResult::Sent, "sent"),
            ("sendChatMessage:cancel", SendResult::Cancelled, "cancelled"),
            (
                "sendChatMessage:fail cancel",
                SendResult::Cancelled,
                "cancelled",
            ),
            (
                "sendChatMessage:fail no permission",
                SendResult::NoPermission,
                "no_permission",
            ),
            (
                "sendChatMessage:fail user not in allow list",
                SendResult::NotInAllowList,
                "not_in_allow_list",
            ),
            (
                "sendChatMessage:fail without context of external contact",
                SendResult::WrongEntry,
                "wrong_entry",
            ),
            (
                "sendChatMessage:fail invalid imgUrl",
                SendResult::InvalidImageUrl,
                "invalid_image_url",
            ),
            (
                "sendChatMessage:fail unsupported chat",
                SendResult::Unsupported,
                "unsupported",
            ),
            (
                "sendChatMessage:fail not support",
                SendResult::Unsupported,
                "unsupported",
            ),
            (
                "sendChatMessage:fail function not exist",
                SendResult::Unsupported,
                "unsupported",
            ),
        ];
        for (msg, want, code) in cases {
            let got = SendResult::from_err_msg(msg);
            assert_eq!(got, want, "{msg}");
            assert_eq!(got.code(), code);
            assert!(!got.message().zh.is_empty() && !got.message().en.is_empty());
        }
    }

    #[test]
    fn send_result_unsupported_msgtype_is_unsupported() {
        for msg in [
            "sendChatMessage:fail_unsupported_msgtype",
            "sendChatMessage:fail unsupported msgtype",
            "sendChatMessage:fail unsupported",
        ] {
            assert_eq!(
                SendResult::from_err_msg(msg),
                SendResult::Unsupported,
                "{msg}"
            );
        }
    }

    #[test]
    fn send_result_is_a_mapping_of_every_outcome() {
        let cases = [
            (Outcome::Ok, "sent"),
            (Outcome::Cancelled, "cancelled"),
            (Outcome::NoPermission, "no_permission"),
            (Outcome::NotInAllowList, "not_in_allow_list"),
            (Outcome::WrongEntry, "wrong_entry"),
            (Outcome::InvalidImageUrl, "invalid_image_url"),
            (Outcome::UnsupportedChat, "unsupported"),
            (Outcome::UnsupportedMsgType, "unsupported"),
            (Outcome::NotSupported, "unsupported"),
            (Outcome::SessionExpired, "failed"),
            (
                Outcome::Unknown {
                    err_msg: " x:fail boom ".into(),
                },
                "failed",
            ),
        ];
        for (outcome, code) in &cases {
            assert_eq!(SendResult::from(outcome).code(), *code, "{outcome:?}");
        }
        assert_eq!(
            SendResult::from(&cases[10].0),
            SendResult::Failed {
                err_msg: "x:fail boom".into()
            }
        );
    }

    #[test]
    fn send_result_unknown_failure_keeps_text() {
        let r = SendResult::from_err_msg(" sendChatMessage:fail system error ");
        assert_eq!(
            r,
            SendResult::Failed {
                err_msg: "sendChatMessage:fail system error".into()
            }
        );
        assert_eq!(r.code(), "failed");
        assert!(r.message().en.contains("system error"));
        // WeCom's English errMsg is quoted in English only.
        assert!(
            !r.message().zh.contains("system error"),
            "{}",
            r.message().zh
        );
        assert_eq!(SendResult::from_err_msg("").code(), "failed");
        assert_eq!(
            SendResult::from_err_msg("sendChatMessage:okay?").code(),
            "failed"
        );
    }

    #[test]
    fn failed_send_keeps_message() {
        let mut c = good_news();
        c.enter_chat = true;
        let before = c.clone();
        for msg in [
            "x:fail no permission",
            "x:cancel",
            "x:fail invalid imgUrl",
            "x:fail boom",
        ] {
            let r = SendResult::from_err_msg(msg);
            c.on_result(&r);
            assert_eq!(c.news, before.news, "{msg}");
            assert_eq!(c.last_result, Some(r));
        }
        c.dismiss_result();
        assert_eq!(c.last_result, None);
    }

    #[test]
    fn sent_clears_message_but_keeps_type() {
        let mut c = good_mp();
        c.enter_chat = true;
        c.text = "also cleared".into();
        c.on_result(&SendResult::Sent);
        assert_eq!(c.msg_type, MsgType::Miniprogram);
        assert!(c.enter_chat);
        assert_eq!(c.miniprogram, MiniprogramFields::default());
        assert_eq!(c.text, "");
        assert_eq!(c.last_result, Some(SendResult::Sent));
        assert!(!c.is_touched(ComposerField::MiniprogramAppid));
    }

    // ---- view ----

    #[test]
    fn view_hides_required_until_touched() {
        let mut c = Composer::new(MsgType::Text);
        let v = c.view(&caps_all(), Locale::Zh);
        assert_eq!(v.fields.len(), 1);
        assert_eq!(v.fields[0].error, None);
        assert!(!v.can_send);
        c.set(ComposerField::Text, "".into()).unwrap();
        let v = c.view(&caps_all(), Locale::En);
        assert_eq!(v.fields[0].error.as_ref().unwrap().code, "required");
        assert_eq!(v.fields[0].error.as_ref().unwrap().field, Some("text"));
    }

    #[test]
    fn view_touch_all_shows_every_error() {
        let mut c = Composer::new(MsgType::News);
        c.touch_all();
        let v = c.view(&caps_all(), Locale::Zh);
        let shown: Vec<_> = v
            .fields
            .iter()
            .filter_map(|f| f.error.as_ref())
            .map(|e| e.code)
            .collect();
        assert_eq!(shown, ["required", "required"]);
    }

    #[test]
    fn view_counts_and_can_send() {
        let c = composer(
            MsgType::Text,
            &[(ComposerField::Text, "你好，世界！😀 abcde")],
        );
        let v = c.view(&caps_all(), Locale::Zh);
        assert_eq!(v.fields[0].count.as_deref(), Some("13/4000"));
        assert!(!v.fields[0].over_limit);
        assert!(v.can_send);
        assert!(v.enter_chat_offered);
        assert!(!v.enter_chat);
        assert_eq!(v.blocked, None);
        assert_eq!(v.msg_types.iter().filter(|o| o.allowed).count(), 4);
    }

    #[test]
    fn view_over_limit_shows_error_without_touch() {
        let mut c = Composer::new(MsgType::Text);
        c.text = "a".repeat(TEXT_MAX + 1);
        let v = c.view(&caps_all(), Locale::En);
        assert!(v.fields[0].over_limit);
        assert_eq!(v.fields[0].count.as_deref(), Some("4001/4000"));
        assert_eq!(v.fields[0].error.as_ref().unwrap().code, "too_long");
    }

    #[test]
    fn view_blocked_here_and_json_shape() {
        let c = composer(MsgType::Text, &[(ComposerField::Text, "hi")]);
        let caps = send_caps("mac", Some((4, 1, 0)), "chat_attachment");
        let v = c.view(&caps, Locale::En);
        assert!(!v.can_send);
        assert_eq!(v.blocked.as_ref().unwrap().code, "cannot_send_here");
        // One line saying why (the Mac), not a second, generic one.
        assert!(v.blocked.as_ref().unwrap().message.contains("Mac"));
        assert_eq!(v.note, None);
        let j = serde_json::to_value(&v).unwrap();
        for key in [
            "msgType",
            "msgTypes",
            "fields",
            "enterChatOffered",
            "enterChat",
            "canSend",
            "note",
            "blocked",
            "lastResult",
        ] {
            assert!(j.get(key).is_some(), "missing {key}");
        }
        assert_eq!(j["lastResult"], Value::Null);
        assert_eq!(j["fields"][0]["overLimit"], json!(false));
        assert_eq!(j["fields"][0]["error"], Value::Null);
    }

    #[test]
    fn an_old_client_on_the_attachment_bar_gets_one_message_the_upgrade() {
        let c = composer(MsgType::Text, &[(ComposerField::Text, "hi")]);
        let caps = send_caps("android", Some((3, 1, 5)), "chat_attachment");
        for locale in [Locale::Zh, Locale::En] {
            let v = c.view(&caps, locale);
            let blocked = v.blocked.as_ref().unwrap();
            assert_eq!(blocked.code, "cannot_send_here");
            assert!(blocked.message.contains("3.1.6"), "{}", blocked.message);
            assert!(
                !blocked.message.contains("工具栏") && !blocked.message.contains("toolbar"),
                "{}",
                blocked.message
            );
            assert_eq!(v.note, None, "a second line would contradict the first");
        }
    }

    #[test]
    fn view_last_result_rendered() {
        let mut c = composer(MsgType::Text, &[(ComposerField::Text, "hi")]);
        c.on_result(&SendResult::NoPermission);
        let v = c.view(&caps_all(), Locale::Zh);
        let r = v.last_result.unwrap();
        assert_eq!(r.code, "no_permission");
        assert!(!r.sent);
        assert!(r.message.contains("权限"));
        assert_eq!(v.fields[0].value, "hi");
    }

    #[test]
    fn counts_characters_as_people_see_them_like_the_edit_form() {
        let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦";
        let max = ComposerField::Text.max_chars().unwrap();
        let mut c = Composer::new(MsgType::Text);
        let _ = c.set(ComposerField::Text, family.repeat(max));
        assert_eq!(c.field_error(ComposerField::Text), None);
        let _ = c.set(ComposerField::Text, family.repeat(max + 1));
        assert!(matches!(
            c.field_error(ComposerField::Text),
            Some(ComposeError::TooLong { len, .. }) if len == max + 1
        ));
    }
}
