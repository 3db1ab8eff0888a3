//! Talking back into the chat on the model: the composer (with quick-reply
//! templates filled from the card), sending, and the group chat view.

use serde_json::Value;

use crate::app::action::Action;
use crate::app::{Model, Notice, Route};
use crate::chat::compose::{Composer, ComposerField, MsgType, SendCaps, SendResult};
use crate::chat::draft::{compose_key, ComposeDraft};
use crate::chat::templates::{self, TemplateContext, QUICK_REPLIES};
use crate::launch::flow::{AfterWrite, Pending, Step};
use crate::protocol::effect::Effect;
use crate::support::locale::Localized;
use crate::wecom::capabilities::{self, Api};
use crate::wecom::entry::Entry;
use crate::wecom::groupchat;

impl Model {
    /// What can be sent from here, by platform, client version and entry.
    pub(crate) fn send_caps(&self) -> SendCaps {
        let entry = self.entry.as_deref().map(Entry::parse);
        capabilities::send_caps(&self.env(), entry.as_ref())
    }

    /// Placeholder values from the current card.
    pub(crate) fn template_context(&self) -> TemplateContext {
        let mine = self.my_follow().map(|(fu, _)| fu);
        let c = self.customer.as_ref();
        TemplateContext {
            name: c.map(|c| c.name.clone()).filter(|s| !s.is_empty()),
            remark: mine
                .as_ref()
                .map(|f| f.remark.clone())
                .filter(|s| !s.is_empty()),
            company: mine
                .as_ref()
                .map(|f| f.remark_corp_name.clone())
                .filter(|s| !s.is_empty())
                .or_else(|| {
                    c.and_then(|c| c.corp_full_name.clone().or_else(|| c.corp_name.clone()))
                }),
            position: c.and_then(|c| c.position.clone()),
            me: self.session.as_ref().map(|s| s.userid.as_str().to_owned()),
        }
    }

    pub(crate) fn on_compose_input(&mut self, name: &str, value: String, fx: &mut Vec<Effect>) {
        let value: String = value.chars().take(8000).collect();
        if let Err(e) = self.composer.set_by_name(name, value) {
            self.log(
                fx,
                "warn",
                &format!("composer field {name:?}: {}", e.code()),
            );
        }
        self.compose_note = None;
        self.write_compose_draft(false, Vec::new(), fx);
    }

    /// The chat context the composer writes into (see `compose_draft`).
    pub(crate) fn compose_context(&self) -> String {
        self.external_userid
            .as_ref()
            .map(|e| e.as_str().to_owned())
            .or_else(|| self.chat_id.as_ref().map(|c| c.as_str().to_owned()))
            .unwrap_or_else(|| crate::chat::draft::ATTACHMENT_CONTEXT.to_owned())
    }

    /// Writes the composer to storage (on every change, like card drafts).
    pub(crate) fn write_compose_draft(
        &mut self,
        sending: bool,
        then: Vec<AfterWrite>,
        fx: &mut Vec<Effect>,
    ) {
        let ctx = self.compose_context();
        let draft = ComposeDraft::new(self.now, sending, self.composer.clone());
        let json = draft.to_json();
        self.compose_drafts.insert(ctx.clone(), draft);
        self.store_then(fx, &compose_key(&ctx), json, then);
    }

    /// Entering a chat context: an empty composer takes that context's draft.
    pub(crate) fn load_compose_draft(&mut self) {
        let ctx = self.compose_context();
        if self.composer != Composer::new(self.composer.msg_type) {
            return;
        }
        if let Some(d) = self.compose_drafts.get(&ctx) {
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

    /// The composer's actions; any other is handed back.
    pub(crate) fn on_compose_tap(
        &mut self,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> Option<Action> {
        match action {
            Action::MsgType(t) => {
                let _ = self
                    .composer
                    .set(ComposerField::MsgType, t.as_str().to_owned());
            }
            Action::EnterChat => {
                let next = !self.composer.enter_chat;
                let _ = self
                    .composer
                    .set(ComposerField::EnterChat, next.to_string());
            }
            Action::QuickReply(id) => {
                if let Some(q) = QUICK_REPLIES.iter().find(|q| q.id == id) {
                    let _ = self.composer.set(ComposerField::MsgType, "text".into());
                    // Filled from the card at once; a value the card lacks stays as a
                    // visible placeholder, which the send refuses until edited.
                    let filled = q.fill(&self.template_context(), self.locale);
                    let _ = self.composer.set(ComposerField::Text, filled.text);
                    self.compose_note = None;
                }
            }
            Action::DismissResult => {
                self.composer.dismiss_result();
                return None;
            }
            Action::Send => {
                self.send(fx);
                return None;
            }
            other => return Some(other),
        }
        self.write_compose_draft(false, Vec::new(), fx);
        None
    }

    fn send(&mut self, fx: &mut Vec<Effect>) {
        let caps = self.send_caps();
        let mut outgoing = self.composer.clone();
        if outgoing.msg_type == MsgType::Text {
            // The text is a template: fill it, and never send a placeholder
            // as a literal.
            let filled = templates::fill(&outgoing.text, &self.template_context());
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
            Ok(args) => {
                if self.can_act(Api::SendChatMessage) {
                    self.compose_note = None;
                    // Write-ahead: what is being sent is in storage, marked
                    // as sending, before the call goes out.
                    self.write_compose_draft(true, vec![AfterWrite::Send { args }], fx);
                }
            }
            Err(errors) => {
                self.composer.touch_all();
                if let Some(e) = errors.first() {
                    self.compose_note = Some(e.message());
                }
            }
        }
    }

    /// Calls sendChatMessage (after the composer draft is durable).
    pub(crate) fn send_now(&mut self, args: Value, fx: &mut Vec<Effect>) {
        self.qy(fx, Api::SendChatMessage, args, Pending::Send);
    }

    pub(crate) fn on_sent(&mut self, result: &Value, fx: &mut Vec<Effect>) {
        let msg = result
            .get("errMsg")
            .and_then(Value::as_str)
            .unwrap_or("sendChatMessage:fail");
        let outcome = SendResult::from_err_msg(msg);
        self.composer.on_result(&outcome);
        if outcome == SendResult::Sent {
            // Delivered into the chat: the draft has done its job.
            let ctx = self.compose_context();
            if self.compose_drafts.remove(&ctx).is_some() {
                fx.push(Effect::StorageRemove {
                    key: compose_key(&ctx),
                });
            }
        } else {
            self.write_compose_draft(false, Vec::new(), fx);
        }
    }

    pub(crate) fn on_group_body(&mut self, body: &str) {
        match groupchat::parse_group_chat(body) {
            Ok(g) => {
                self.group = Some(g);
                self.group_body = Some(body.to_owned());
                self.step = Step::Ready;
                self.banner = None;
                self.retry_attempt = 0;
                self.route = Route::Group;
            }
            Err(e) => {
                self.step = Step::Blocked;
                self.route = Route::Notice;
                self.notice = Some(Notice {
                    code: e.code().to_owned(),
                    title: Localized::new("无法加载群聊", "Cannot load the group chat"),
                    message: e.message(),
                    guidance: None,
                    can_retry: true,
                });
            }
        }
    }
}
