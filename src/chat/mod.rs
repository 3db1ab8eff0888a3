//! The chat slice: talking back into the chat. The composer (with
//! quick-reply templates filled from the card), sending, and the group chat
//! view.
//!
//! Owns: the group chat shown, the composer and its drafts in storage.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::chat::compose::{Composer, ComposerField, ComposerView, MsgType, SendCaps, SendResult};
use crate::chat::draft::{compose_key, ComposeDraft, ATTACHMENT_CONTEXT, COMPOSE_PREFIX};
use crate::chat::materials::{Material, MaterialKind, Scope};
use crate::chat::templates::{quick_reply_views, QuickReplyView, TemplateContext, QUICK_REPLIES};
use crate::protocol::ctx::{Ask, Ctx, Host};
use crate::protocol::effect::EffectId;
use crate::protocol::page::{Notice, Route};
use crate::protocol::session::paths;
use crate::support::locale::{Locale, Localized};
use crate::support::sorted_map::SortedMap;
use crate::wecom::capabilities::Api;
use crate::wecom::groupchat::{self, GroupChat, GroupChatView};
use crate::wecom::ids::GroupChatId;

pub mod compose;
pub mod draft;
pub mod group_labels;
pub mod labels;
pub mod library;
pub mod materials;
pub mod picture;
pub mod templates;

/// The materials list in storage: `{"v":1,"fetchedAt":<ms>,"materials":[…]}`.
pub const MATERIALS_KEY: &str = "wcc:materials";
/// The list is fetched again when older than this (ms). The server renews
/// media ids after 2.5 days, so a cached id stays valid far longer.
pub const MATERIALS_MAX_AGE_MS: f64 = 10.0 * 60.0 * 1000.0;

/// The stored materials list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredMaterials {
    pub v: u64,
    pub fetched_at: f64,
    pub materials: Vec<Material>,
}
crate::support::stored::stored_struct!(StoredMaterials {
    v: "v",
    fetched_at: "fetchedAt",
    materials: "materials"
});

/// What an outstanding effect id of this slice is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Pending {
    FetchGroup,
    Send,
    /// `GET /api/materials`.
    FetchMaterials,
    /// A material sent from the library (the composer's text stays).
    SendMaterial,
    /// `wx.chooseMedia` for a picture from the phone.
    PickPicture,
    /// `wx.uploadFile` of that picture to `POST /api/media`.
    UploadPicture,
    StorageWrite {
        key: String,
        /// What waits for this write to be acknowledged (write-ahead).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        then: Vec<AfterWrite>,
    },
}
crate::support::stored::stored_enum!(Pending { FetchGroup = "fetchGroup", Send = "send", FetchMaterials = "fetchMaterials", SendMaterial = "sendMaterial", PickPicture = "pickPicture", UploadPicture = "uploadPicture", StorageWrite = "storageWrite" { key: "key", then: "then" = default } });

impl Pending {
    pub fn qy_api(&self) -> Option<Api> {
        match self {
            Pending::Send | Pending::SendMaterial => Some(Api::SendChatMessage),
            _ => None,
        }
    }
}

/// What waits for a composer draft to be in storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AfterWrite {
    /// Send into the chat, now that what is being sent is in storage.
    Send { args: Value },
}
crate::support::stored::stored_enum!(AfterWrite { Send = "send" { args: "args" } });

/// The taps this slice answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Tap {
    MsgType(MsgType),
    EnterChat,
    QuickReply(&'static str),
    DismissResult,
    Send,
    /// Sends one material of the library (its id).
    SendMaterial(String),
    /// Opens the phone's album or camera for a picture to send.
    PickPicture,
    /// Reads the library again.
    RefreshMaterials,
}

impl Tap {
    pub const NAMES: &'static [&'static str] = &[
        "msgType",
        "enterChat",
        "quickReply",
        "dismissResult",
        "send",
        "sendMaterial",
        "pickPicture",
        "refreshMaterials",
    ];

    /// `None`: not one of this slice's actions.
    pub fn parse(name: &str, arg: &Value) -> Option<Result<Tap, String>> {
        let text = || {
            arg.as_str()
                .ok_or_else(|| format!("{name} takes a string argument, got {arg}"))
        };
        Some(match name {
            "msgType" => text().and_then(|t| {
                MsgType::parse(t)
                    .map(Tap::MsgType)
                    .map_err(|e| format!("msgType: {}", e.code()))
            }),
            "enterChat" => Ok(Tap::EnterChat),
            "quickReply" => text().and_then(|id| {
                QUICK_REPLIES
                    .iter()
                    .find(|q| q.id == id)
                    .map(|q| Tap::QuickReply(q.id))
                    .ok_or_else(|| {
                        format!(
                            "quickReply: no quick reply {:?}",
                            crate::support::text_preview(id)
                        )
                    })
            }),
            "dismissResult" => Ok(Tap::DismissResult),
            "send" => Ok(Tap::Send),
            "sendMaterial" => text().and_then(|id| {
                if id.is_empty() || id.len() > 64 {
                    Err(format!(
                        "sendMaterial: not a material id {:?}",
                        crate::support::text_preview(id)
                    ))
                } else {
                    Ok(Tap::SendMaterial(id.to_owned()))
                }
            }),
            "pickPicture" => Ok(Tap::PickPicture),
            "refreshMaterials" => Ok(Tap::RefreshMaterials),
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// The group chat shown.
    pub chat_id: Option<GroupChatId>,
    /// The group chat as the backend sent it (the parsed one is a cache).
    pub group_body: Option<String>,
    pub composer: Composer,
    /// Composer drafts in storage, by chat context.
    #[serde(default)]
    pub compose_drafts: SortedMap<String, ComposeDraft>,
    pub compose_note: Option<Localized>,
    /// The materials library as last read (persisted under [`MATERIALS_KEY`]).
    #[serde(default)]
    pub materials: Vec<Material>,
    /// When it was read (ms); `None`: never.
    #[serde(default)]
    pub materials_at: Option<f64>,
    /// The last read failed (the cached list, if any, is still shown).
    #[serde(default)]
    pub materials_failed: bool,
    /// When a read last failed (ms): not tried again on its own for a while.
    #[serde(default)]
    pub materials_failed_at: Option<f64>,
    /// Where a picture from the phone is.
    #[serde(default)]
    pub picture: picture::Step,
    pub pending: SortedMap<EffectId, Pending>,
    #[serde(skip)]
    pub group: Option<GroupChat>,
    /// Counts changes to the group shown, so the view rebuilds that part
    /// only when it changed.
    #[serde(skip)]
    pub rev: u64,
}
crate::support::stored::stored_struct!(State { chat_id: "chatId", group_body: "groupBody", composer: "composer", compose_drafts: "composeDrafts" = default, compose_note: "composeNote", materials: "materials" = default, materials_at: "materialsAt" = default, materials_failed: "materialsFailed" = default, materials_failed_at: "materialsFailedAt" = default, picture: "picture" = default, pending: "pending"; skip: group, rev });

/// The chat slice's part of the page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatPart {
    pub group: Option<GroupChatView>,
    pub composer: Option<ComposerView>,
    pub compose_note: Option<String>,
    pub quick_replies: Vec<QuickReplyView>,
}

impl State {
    /// Rebuilds the parsed cache from the stored body (after restore).
    pub fn rehydrate(&mut self) {
        self.rev += 1;
        self.group = self
            .group_body
            .as_deref()
            .and_then(|b| groupchat::parse_group_chat(b).ok());
    }

    pub fn owns_key(key: &str) -> bool {
        key.starts_with(COMPOSE_PREFIX) || key == MATERIALS_KEY
    }

    /// Reads one of this slice's storage keys at launch; `Err`: damaged.
    pub fn restore_key(&mut self, key: &str, raw: &str) -> Result<(), ()> {
        if key == MATERIALS_KEY {
            let stored: StoredMaterials = crate::support::stored::read_text(raw).map_err(|_| ())?;
            if stored.v != 1 {
                return Err(());
            }
            self.materials = stored.materials;
            self.materials_at = Some(stored.fetched_at);
            return Ok(());
        }
        let Some(ctx) = key.strip_prefix(COMPOSE_PREFIX) else {
            return Ok(());
        };
        match ComposeDraft::parse(raw) {
            Ok(d) => {
                self.compose_drafts.insert(ctx.to_owned(), d);
                Ok(())
            }
            Err(_) => Err(()),
        }
    }

    /// Removes a key whose content now lives elsewhere, unless the slice
    /// holds content for it again.
    pub fn release(&self, ctx: &mut Ctx, key: &str) {
        let held = key
            .strip_prefix(COMPOSE_PREFIX)
            .is_some_and(|c| self.compose_drafts.contains_key(c))
            || (key == MATERIALS_KEY && self.materials_at.is_some());
        if !held {
            ctx.remove(key);
        }
    }

    /// What can be sent from here, by platform, client version and entry.
    pub fn send_caps(host: &Host) -> SendCaps {
        crate::wecom::capabilities::send_caps(&host.env, host.entry().as_ref())
    }

    /// The chat context the composer writes into (see `draft`): the
    /// customer whose card is open, else the group, else the attachment bar.
    pub fn context(&self, host: &Host) -> String {
        host.customer
            .as_ref()
            .map(|e| e.as_str().to_owned())
            .or_else(|| self.chat_id.as_ref().map(|c| c.as_str().to_owned()))
            .unwrap_or_else(|| ATTACHMENT_CONTEXT.to_owned())
    }

    fn store_then(&mut self, ctx: &mut Ctx, key: &str, value: String, then: Vec<AfterWrite>) {
        let id = ctx.store(key, value);
        self.pending.insert(
            id,
            Pending::StorageWrite {
                key: key.to_owned(),
                then,
            },
        );
    }

    /// Writes the composer to storage (on every change, like card drafts).
    fn write_draft(&mut self, ctx: &mut Ctx, sending: bool, then: Vec<AfterWrite>) {
        let key_ctx = self.context(ctx.host);
        let draft = ComposeDraft::new(ctx.now(), sending, self.composer.clone());
        let json = draft.to_json();
        self.compose_drafts.insert(key_ctx.clone(), draft);
        self.store_then(ctx, &compose_key(&key_ctx), json, then);
    }

    /// Entering a chat context: an empty composer takes that context's draft.
    pub fn load_draft(&mut self, host: &Host) {
        let key_ctx = self.context(host);
        if self.composer != Composer::new(self.composer.msg_type) {
            return;
        }
        if let Some(d) = self.compose_drafts.get(&key_ctx) {
            self.composer = d.composer.clone();
            self.compose_note = Some(if d.sending {
                Localized::new(
                    "上次发送可能未完成：请先查看聊天中是否已发出，再决定是否重发",
                    "The last send may not have finished: check the chat before sending it again",
                )
            } else {
                Localized::new("已恢复未发送的消息", "Your unsent message was restored")
            });
        }
    }

    /// Opens the group chat `id` and fetches it.
    pub fn open_group(&mut self, ctx: &mut Ctx, id: GroupChatId) {
        self.chat_id = Some(id.clone());
        let mut host = ctx.host.clone();
        host.chat = Some(id.clone());
        self.load_draft(&host);
        ctx.ask(Ask::Page(Route::Group));
        ctx.ask(Ask::Loading);
        let http = ctx.http("GET", &paths::group_chat(id.as_str()), Value::Null, None);
        self.pending.insert(http, Pending::FetchGroup);
        self.ensure_materials(ctx);
    }

    /// Reads the library unless a fresh copy is here or a read is out.
    pub fn ensure_materials(&mut self, ctx: &mut Ctx) {
        let now = ctx.now();
        let recent =
            |at: Option<f64>| at.is_some_and(|at| now - at < MATERIALS_MAX_AGE_MS && now >= at);
        if recent(self.materials_at) || recent(self.materials_failed_at) {
            return;
        }
        self.fetch_materials(ctx);
    }

    fn fetch_materials(&mut self, ctx: &mut Ctx) {
        if ctx.host.session.is_none()
            || self.pending.values().any(|p| *p == Pending::FetchMaterials)
        {
            return;
        }
        let id = ctx.http("GET", paths::MATERIALS, Value::Null, None);
        self.pending.insert(id, Pending::FetchMaterials);
    }

    fn on_materials(&mut self, ctx: &mut Ctx, status: u16, body: &str) {
        let list = (status == 200)
            .then(|| materials::parse_list(body).ok())
            .flatten();
        match list {
            Some(list) => {
                self.materials = list;
                self.materials_at = Some(ctx.now());
                self.materials_failed = false;
                self.materials_failed_at = None;
                let stored = StoredMaterials {
                    v: 1,
                    fetched_at: ctx.now(),
                    materials: self.materials.clone(),
                };
                let json = serde_json::to_string(&stored).unwrap_or_default();
                self.store_then(ctx, MATERIALS_KEY, json, Vec::new());
            }
            None => {
                self.materials_failed = true;
                self.materials_failed_at = Some(ctx.now());
                ctx.log(
                    "warn",
                    &format!("the materials library could not be read (status {status})"),
                );
            }
        }
    }

    /// Where the composer sends: a one-to-one chat with a known customer,
    /// a group, or a chat it cannot name (the attachment bar).
    pub fn here(&self, host: &Host) -> Scope {
        if host.customer.is_some() {
            Scope::Single
        } else if self.chat_id.is_some() || host.chat.is_some() {
            Scope::Group
        } else {
            Scope::All
        }
    }

    /// A retry of the page's fetch fired: `false` if no group is shown.
    pub fn refetch(&mut self, ctx: &mut Ctx) -> bool {
        match self.chat_id.clone() {
            Some(id) => {
                self.open_group(ctx, id);
                true
            }
            None => false,
        }
    }

    /// Typing in the composer (`composer.<field>`).
    pub fn on_input(&mut self, ctx: &mut Ctx, name: &str, value: String) {
        let value = crate::support::text::truncate_chars(&value, 8000).to_owned();
        if let Err(e) = self.composer.set_by_name(name, value) {
            ctx.log("warn", &format!("composer field {name:?}: {}", e.code()));
        }
        self.compose_note = None;
        self.write_draft(ctx, false, Vec::new());
    }

    /// `tmpl`: the placeholder values from the open card.
    pub fn on_tap(&mut self, ctx: &mut Ctx, tap: Tap, tmpl: &TemplateContext) {
        match tap {
            Tap::MsgType(t) => {
                let _ = self
                    .composer
                    .set(ComposerField::MsgType, t.as_str().to_owned());
            }
            Tap::EnterChat => {
                let next = !self.composer.enter_chat;
                let _ = self
                    .composer
                    .set(ComposerField::EnterChat, next.to_string());
            }
            Tap::QuickReply(id) => {
                if let Some(q) = QUICK_REPLIES.iter().find(|q| q.id == id) {
                    let _ = self.composer.set(ComposerField::MsgType, "text".into());
                    // Filled from the card at once; a value the card lacks stays as a
                    // visible placeholder, which the send refuses until edited.
                    let filled = q.fill(tmpl, ctx.host.locale);
                    let _ = self.composer.set(ComposerField::Text, filled.text);
                    self.compose_note = None;
                }
            }
            Tap::DismissResult => {
                self.composer.dismiss_result();
                return;
            }
            Tap::Send => {
                self.send(ctx, tmpl);
                return;
            }
            Tap::SendMaterial(id) => {
                self.send_material(ctx, &id, tmpl);
                return;
            }
            Tap::PickPicture => {
                self.pick_picture(ctx);
                return;
            }
            Tap::RefreshMaterials => {
                self.fetch_materials(ctx);
                return;
            }
        }
        self.write_draft(ctx, false, Vec::new());
    }

    fn send(&mut self, ctx: &mut Ctx, tmpl: &TemplateContext) {
        let caps = State::send_caps(ctx.host);
        let mut outgoing = self.composer.clone();
        if outgoing.msg_type == MsgType::Text {
            // The text is a template: fill it, and never send a placeholder
            // as a literal.
            let filled = crate::chat::templates::fill(&outgoing.text, tmpl);
            if !filled.ready() {
                let list = filled
                    .missing
                    .iter()
                    .chain(filled.unknown.iter())
                    .map(|name| format!("{{{name}}}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                self.compose_note = Some(Localized::new(
                    format!("无法填充：{list}，请手动修改后再发送"),
                    format!("Cannot fill {list}; edit the text before sending"),
                ));
                return;
            }
            outgoing.text = filled.text;
        }
        match outgoing.to_send_args(&caps) {
            Ok(args) => match ctx.host.check_act(Api::SendChatMessage) {
                Ok(()) => {
                    self.compose_note = None;
                    // Write-ahead: what is being sent is in storage, marked
                    // as sending, before the call goes out.
                    self.write_draft(ctx, true, vec![AfterWrite::Send { args }]);
                }
                Err(line) => ctx.banner(Some(line)),
            },
            Err(errors) => {
                self.composer.touch_all();
                if let Some(e) = errors.first() {
                    // Nothing can be sent here: say the real reason once.
                    self.compose_note = Some(match (&caps.note, e) {
                        (Some(why), crate::chat::compose::ComposeError::CannotSendHere) => {
                            why.clone()
                        }
                        _ => e.message(),
                    });
                }
            }
        }
    }

    /// Whether `msg_type` may be sent from here; else the note says why.
    fn may_send(&mut self, ctx: &mut Ctx, msg_type: MsgType) -> Option<SendCaps> {
        let caps = State::send_caps(ctx.host);
        if let Err(line) = ctx.host.check_act(Api::SendChatMessage) {
            ctx.banner(Some(line));
            return None;
        }
        if !caps.allowed.contains(&msg_type) {
            let e = if caps.allowed.is_empty() {
                crate::chat::compose::ComposeError::CannotSendHere
            } else {
                crate::chat::compose::ComposeError::MsgTypeNotAllowed { msg_type }
            };
            self.compose_note = Some(caps.note.clone().unwrap_or_else(|| e.message()));
            return None;
        }
        Some(caps)
    }

    fn with_enter_chat(&self, caps: &SendCaps, mut args: Value) -> Value {
        if caps.enter_chat {
            args["enterChat"] = Value::Bool(self.composer.enter_chat);
        }
        args
    }

    /// Sends one material of the library at once: nothing typed is at stake,
    /// so there is no draft to write first, and the composer keeps its text.
    fn send_material(&mut self, ctx: &mut Ctx, id: &str, tmpl: &TemplateContext) {
        let Some(m) = self.materials.iter().find(|m| m.id == id).cloned() else {
            self.compose_note = Some(Localized::new(
                "这个素材已不在素材库里，请刷新后再选。",
                "That material is no longer in the library; refresh and pick again.",
            ));
            self.fetch_materials(ctx);
            return;
        };
        let mut text = String::new();
        if m.kind == MaterialKind::Text {
            let filled = crate::chat::templates::fill(&m.text, tmpl);
            if !filled.ready() {
                // Into the composer, to be finished by hand (never sent with
                // a placeholder in it).
                let _ = self.composer.set(ComposerField::MsgType, "text".into());
                let _ = self.composer.set(ComposerField::Text, filled.text);
                self.compose_note = Some(Localized::new(
                    "这条快捷回复有内容无法自动填写，已放入输入框，请修改后发送。",
                    "Some of this quick reply cannot be filled in; it is in the text box for you to finish and send.",
                ));
                self.write_draft(ctx, false, Vec::new());
                return;
            }
            text = filled.text;
        }
        let Some(caps) = self.may_send(ctx, m.kind.msg_type()) else {
            return;
        };
        match m.send_args(&text) {
            Ok(args) => {
                self.compose_note = None;
                let args = self.with_enter_chat(&caps, args);
                let effect = ctx.qy(Api::SendChatMessage, args);
                self.pending.insert(effect, Pending::SendMaterial);
            }
            Err(e) => {
                self.compose_note = Some(e.message());
                self.fetch_materials(ctx);
            }
        }
    }

    /// `wx.chooseMedia` for one picture (the 图片 tab's 从手机选择图片).
    fn pick_picture(&mut self, ctx: &mut Ctx) {
        if self.picture != picture::Step::Idle {
            return;
        }
        if self.may_send(ctx, MsgType::Image).is_none() {
            return;
        }
        if ctx.host.session.is_none() {
            self.compose_note = Some(picture::not_signed_in());
            return;
        }
        self.compose_note = None;
        let id = ctx.wx(picture::CHOOSE_API, picture::choose_args());
        self.pending.insert(id, Pending::PickPicture);
        self.picture = picture::Step::Choosing;
    }

    /// The answer to one of this slice's `wx` calls (the picture's).
    pub fn on_wx_result(&mut self, ctx: &mut Ctx, pending: Pending, result: &Value) {
        match pending {
            Pending::PickPicture => match picture::chosen(result) {
                picture::Chosen::File { path } => {
                    let Some(session) = ctx.host.session.clone() else {
                        self.picture = picture::Step::Idle;
                        self.compose_note = Some(picture::not_signed_in());
                        return;
                    };
                    let key = format!("pic-{}-{}", ctx.now() as u64, ctx.id());
                    let args = picture::upload_args(&ctx.host.base, &session.token, &key, &path);
                    let id = ctx.wx(picture::UPLOAD_API, args);
                    self.pending.insert(id, Pending::UploadPicture);
                    self.picture = picture::Step::Uploading;
                }
                picture::Chosen::Cancelled => self.picture = picture::Step::Idle,
                picture::Chosen::Refused(note) => {
                    self.picture = picture::Step::Idle;
                    self.compose_note = Some(note);
                }
            },
            Pending::UploadPicture => {
                self.picture = picture::Step::Idle;
                match picture::uploaded(result) {
                    Ok(media_id) => {
                        let Some(caps) = self.may_send(ctx, MsgType::Image) else {
                            return;
                        };
                        let args =
                            serde_json::json!({"msgtype": "image", "image": {"mediaid": media_id}});
                        let args = self.with_enter_chat(&caps, args);
                        let id = ctx.qy(Api::SendChatMessage, args);
                        self.pending.insert(id, Pending::SendMaterial);
                    }
                    Err(note) => self.compose_note = Some(note),
                }
            }
            other => ctx.log("warn", &format!("a wx result answered {other:?}; ignored")),
        }
    }

    /// Calls sendChatMessage (after the composer draft is durable).
    fn send_now(&mut self, ctx: &mut Ctx, args: Value) {
        let id = ctx.qy(Api::SendChatMessage, args);
        self.pending.insert(id, Pending::Send);
    }

    /// The answer to this slice's wx.qy call (sendChatMessage).
    pub fn on_qy_result(&mut self, ctx: &mut Ctx, pending: Pending, result: &Value) {
        match pending {
            Pending::Send => self.on_sent(ctx, result),
            Pending::SendMaterial => {
                let msg = result
                    .get("errMsg")
                    .and_then(Value::as_str)
                    .unwrap_or("sendChatMessage:fail");
                let outcome = SendResult::from_err_msg(msg);
                if !outcome.is_sent() {
                    ctx.log(
                        "warn",
                        &format!("sendChatMessage refused a material: {msg}"),
                    );
                }
                self.composer.note_result(&outcome);
            }
            other => ctx.log(
                "warn",
                &format!("a wx.qy result answered {other:?}; ignored"),
            ),
        }
    }

    fn on_sent(&mut self, ctx: &mut Ctx, result: &Value) {
        let msg = result
            .get("errMsg")
            .and_then(Value::as_str)
            .unwrap_or("sendChatMessage:fail");
        let outcome = SendResult::from_err_msg(msg);
        self.composer.on_result(&outcome);
        if outcome == SendResult::Sent {
            // Delivered into the chat: the draft has done its job.
            let key_ctx = self.context(ctx.host);
            if self.compose_drafts.remove(&key_ctx).is_some() {
                ctx.remove(&compose_key(&key_ctx));
            }
        } else {
            self.write_draft(ctx, false, Vec::new());
        }
    }

    /// The answer to this slice's request (the group chat).
    pub fn on_http_result(&mut self, ctx: &mut Ctx, pending: Pending, status: u16, body: &str) {
        match pending {
            Pending::FetchGroup => {
                if status == 0 || status >= 500 {
                    ctx.ask(Ask::RetryLater { status });
                    return;
                }
                self.on_group_body(ctx, body);
            }
            Pending::FetchMaterials => self.on_materials(ctx, status, body),
            other => ctx.log("warn", &format!("unexpected http result for {other:?}")),
        }
    }

    fn on_group_body(&mut self, ctx: &mut Ctx, body: &str) {
        match groupchat::parse_group_chat(body) {
            Ok(g) => {
                self.rev += 1;
                self.group = Some(g);
                self.group_body = Some(body.to_owned());
                ctx.ask(Ask::Ready);
                ctx.ask(Ask::Page(Route::Group));
            }
            Err(e) => ctx.ask(Ask::Block(Notice {
                code: e.code().to_owned(),
                title: Localized::new("无法加载群聊", "Cannot load the group chat"),
                message: e.message(),
                guidance: e.next_step(),
                can_retry: true,
            })),
        }
    }

    /// What waited for one of this slice's writes, now acknowledged.
    pub fn after_writes(&mut self, ctx: &mut Ctx, then: Vec<AfterWrite>) {
        for step in then {
            match step {
                AfterWrite::Send { args } => self.send_now(ctx, args),
            }
        }
    }

    /// A write that waited on another failed for good: the old copy stays,
    /// and only a send goes ahead (the member asked for it).
    pub fn write_failed(&mut self, ctx: &mut Ctx, then: Vec<AfterWrite>) {
        for step in then {
            let AfterWrite::Send { args } = step;
            ctx.log("warn", "sending although the message is not in storage");
            self.send_now(ctx, args);
        }
    }

    pub fn can_rewrite(&self, key: &str) -> bool {
        key.strip_prefix(COMPOSE_PREFIX)
            .is_some_and(|c| self.compose_drafts.contains_key(c))
            || (key == MATERIALS_KEY && self.materials_at.is_some())
    }

    /// Writes again what failed, with what waits on it.
    pub fn rewrite(&mut self, ctx: &mut Ctx, key: &str, then: Vec<AfterWrite>) {
        if key == MATERIALS_KEY {
            if let Some(at) = self.materials_at {
                let stored = StoredMaterials {
                    v: 1,
                    fetched_at: at,
                    materials: self.materials.clone(),
                };
                let json = serde_json::to_string(&stored).unwrap_or_default();
                self.store_then(ctx, key, json, then);
            }
            return;
        }
        if let Some(d) = key
            .strip_prefix(COMPOSE_PREFIX)
            .and_then(|c| self.compose_drafts.get(c))
        {
            let json = d.to_json();
            self.store_then(ctx, key, json, then);
        }
    }

    /// What the chat slice shows on `route`.
    pub fn view(&self, host: &Host, tmpl: &TemplateContext, route: Route) -> ChatPart {
        self.view_parts(host, tmpl, route, true, &crate::protocol::names::NoNames)
    }

    /// [`State::view`], leaving out the group (`with_group`) when the
    /// caller still holds it as it was.
    pub fn view_parts(
        &self,
        host: &Host,
        tmpl: &TemplateContext,
        route: Route,
        with_group: bool,
        names: &dyn crate::protocol::names::Names,
    ) -> ChatPart {
        let locale: Locale = host.locale;
        let composing = matches!(route, Route::Compose | Route::Group);
        if !composing {
            return ChatPart::default();
        }
        let caps = State::send_caps(host);
        let here = self.here(host);
        let customer_known = host.customer.is_some();
        let mut composer = self.composer.view(&caps, locale);
        composer.labels = labels::ComposerLabels::new(locale);
        composer.library =
            materials::library_view(&self.materials, here, tmpl, customer_known, locale);
        composer.library_loading = self.materials_at.is_none()
            && self.pending.values().any(|p| *p == Pending::FetchMaterials);
        composer.library_failed = self.materials_failed;
        composer.can_pick_picture = caps.allowed.contains(&MsgType::Image)
            && host.session.is_some()
            && self.picture == picture::Step::Idle;
        composer.picture_busy = self.picture != picture::Step::Idle;
        ChatPart {
            group: if route == Route::Group && with_group {
                self.group.as_ref().map(|g| {
                    let mut v = g.view(locale, &|u| names.member(u));
                    v.labels = group_labels::group_labels(locale, &v.counts);
                    v
                })
            } else {
                None
            },
            composer: Some(composer),
            compose_note: self.compose_note.as_ref().map(|m| m.get(locale).to_owned()),
            // The built-in quick replies stand in for the library's until an
            // admin has filled it with some: never two lists of the same kind.
            quick_replies: if self.materials.iter().any(|m| m.kind == MaterialKind::Text) {
                Vec::new()
            } else {
                quick_reply_views(tmpl, here, customer_known, locale)
            },
        }
    }
}

#[cfg(test)]
mod tests;
