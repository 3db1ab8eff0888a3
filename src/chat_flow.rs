//! Talking back into the chat on the model: the composer (with quick-reply
//! templates filled from the card), sending, and the group chat view.

use serde_json::Value;

use crate::app::{Model, Notice, Route};
use crate::capabilities::Api;
use crate::compose::{self, ComposerField, MsgType, SendCaps, SendResult};
use crate::effect::Effect;
use crate::flow::{Pending, Step};
use crate::groupchat;
use crate::locale::Localized;
use crate::templates::{self, TemplateContext, QUICK_REPLIES};

impl Model {
    /// What can be sent from here, by platform, client version and entry.
    pub(crate) fn send_caps(&self) -> SendCaps {
        let env = self.env();
        let version = env.client_version.map(|v| (v.major, v.minor, v.patch));
        compose::send_caps(
            env.platform.as_str(),
            version,
            self.entry.as_deref().unwrap_or(""),
        )
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
    }

    pub(crate) fn on_compose_tap(
        &mut self,
        action: &str,
        arg: &Value,
        fx: &mut Vec<Effect>,
    ) -> bool {
        match action {
            "msgType" => {
                let name = arg.as_str().unwrap_or("");
                match MsgType::parse(name) {
                    Ok(t) => {
                        let _ = self
                            .composer
                            .set(ComposerField::MsgType, t.as_str().to_owned());
                    }
                    Err(e) => self.compose_note = Some(e.message()),
                }
            }
            "enterChat" => {
                let next = !self.composer.enter_chat;
                let _ = self
                    .composer
                    .set(ComposerField::EnterChat, next.to_string());
            }
            "quickReply" => {
                let id = arg.as_str().unwrap_or("");
                if let Some(q) = QUICK_REPLIES.iter().find(|q| q.id == id) {
                    let _ = self.composer.set(ComposerField::MsgType, "text".into());
                    // Filled from the card at once; a value the card lacks stays as a
                    // visible placeholder, which the send refuses until edited.
                    let filled = q.fill(&self.template_context(), self.locale);
                    let _ = self.composer.set(ComposerField::Text, filled.text);
                    self.compose_note = None;
                }
            }
            "dismissResult" => self.composer.dismiss_result(),
            "send" => self.send(fx),
            _ => return false,
        }
        true
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
                    self.qy(fx, Api::SendChatMessage, args, Pending::Send);
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

    pub(crate) fn on_sent(&mut self, result: &Value) {
        let msg = result
            .get("errMsg")
            .and_then(Value::as_str)
            .unwrap_or("sendChatMessage:fail");
        let outcome = SendResult::from_err_msg(msg);
        self.composer.on_result(&outcome);
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
