//! The app: the one place that composes the slices.
//!
//! `update(model, event) -> effects` and `view(model)`. The model is
//! `{shared, launch, card, chat}`: each slice owns its state and its
//! pending calls, and sees the others only through the [`Host`] the app
//! builds for each step. What a slice asks of another ([`Ask`]) the app
//! routes, in order. `update` never does I/O: it returns effects. Every
//! dispatch ends with at most one `Render` effect, the minimal setData
//! patch between the last rendered view and the new one.

pub mod action;
pub mod event;
pub mod labels;
pub mod model;
pub mod render;
#[cfg(feature = "ts")]
pub mod typescript;
pub mod view;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::card;
use crate::chat;
use crate::handover;
use crate::launch::{self, LaunchInfo};
use crate::people;
use crate::protocol::ctx::{Ask, Ctx};
use crate::protocol::effect::{Effect, EffectId};
use crate::protocol::error::CoreError;
use crate::protocol::session::SESSION_KEY;
use crate::protocol::storage::quarantine_key;
use crate::support::locale::Localized;
use crate::support::privacy::mask_phone_numbers;
use crate::support::stored::Stored;

pub use crate::app::event::Event;
pub use crate::app::model::{Model, Pending, Shared, SNAPSHOT_VERSION};
pub use crate::app::render::{render, rendered_value, view};
pub use crate::app::view::View;
pub use crate::protocol::config::Config;
pub use crate::protocol::page::{Notice, Route};
pub use crate::support::input::{MAX_INPUT_BYTES, MAX_SNAPSHOT_BYTES};

/// Who is waiting for an effect id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    App,
    Launch,
    Card,
    Chat,
    Handover,
    People,
}

/// What waits on a failed write, by the slice that wrote it.
enum Waiting {
    Nothing,
    Card(Vec<card::AfterWrite>),
    Chat(Vec<chat::AfterWrite>),
}

impl Model {
    /// Whether some part of the app waits for effect `id`.
    pub fn is_pending(&self, id: EffectId) -> bool {
        self.owner(id).is_some()
    }

    fn owner(&self, id: EffectId) -> Option<Owner> {
        if self.launch.pending.contains_key(&id) {
            Some(Owner::Launch)
        } else if self.card.pending.contains_key(&id) {
            Some(Owner::Card)
        } else if self.chat.pending.contains_key(&id) {
            Some(Owner::Chat)
        } else if self.handover.pending.contains_key(&id) {
            Some(Owner::Handover)
        } else if self.people.pending.contains_key(&id) {
            Some(Owner::People)
        } else if self.shared.pending.contains_key(&id) {
            Some(Owner::App)
        } else {
            None
        }
    }

    fn forget(&mut self, id: EffectId) {
        self.launch.pending.remove(&id);
        self.card.pending.remove(&id);
        self.chat.pending.remove(&id);
        self.handover.pending.remove(&id);
        self.people.pending.remove(&id);
        self.shared.pending.remove(&id);
    }

    pub fn log(&self, fx: &mut Vec<Effect>, level: &str, message: &str) {
        fx.push(Effect::Log {
            level: level.to_owned(),
            message: mask_phone_numbers(message),
        });
    }

    /// Rebuilds the parsed caches from the stored raw bodies (after restore).
    pub fn rehydrate(&mut self) {
        let me = self.launch.session.as_ref().map(|s| s.userid.clone());
        self.card.rehydrate(me.as_ref());
        self.chat.rehydrate();
        self.people.rehydrate();
    }

    fn launch_do<R>(
        &mut self,
        fx: &mut Vec<Effect>,
        f: impl FnOnce(&mut launch::State, &mut Ctx) -> R,
    ) -> R {
        self.shared.touched.launch = true;
        let host = self.host();
        let mut asks = Vec::new();
        let r = f(
            &mut self.launch,
            &mut Ctx::new(&host, fx, &mut asks, &mut self.shared.next_id),
        );
        self.route_asks(asks, fx);
        r
    }

    fn card_do<R>(
        &mut self,
        fx: &mut Vec<Effect>,
        f: impl FnOnce(&mut card::State, &mut Ctx) -> R,
    ) -> R {
        self.shared.touched.card = true;
        let host = self.host();
        let mut asks = Vec::new();
        let r = f(
            &mut self.card,
            &mut Ctx::new(&host, fx, &mut asks, &mut self.shared.next_id),
        );
        self.route_asks(asks, fx);
        r
    }

    fn chat_do<R>(
        &mut self,
        fx: &mut Vec<Effect>,
        f: impl FnOnce(&mut chat::State, &mut Ctx) -> R,
    ) -> R {
        self.shared.touched.chat = true;
        let host = self.host();
        let mut asks = Vec::new();
        let r = f(
            &mut self.chat,
            &mut Ctx::new(&host, fx, &mut asks, &mut self.shared.next_id),
        );
        self.route_asks(asks, fx);
        r
    }

    fn handover_do<R>(
        &mut self,
        fx: &mut Vec<Effect>,
        f: impl FnOnce(&mut handover::State, &mut Ctx) -> R,
    ) -> R {
        self.shared.touched.handover = true;
        let host = self.host();
        let mut asks = Vec::new();
        let r = f(
            &mut self.handover,
            &mut Ctx::new(&host, fx, &mut asks, &mut self.shared.next_id),
        );
        self.route_asks(asks, fx);
        r
    }

    fn people_do<R>(
        &mut self,
        fx: &mut Vec<Effect>,
        f: impl FnOnce(&mut people::State, &mut Ctx) -> R,
    ) -> R {
        // Names reach the card and the group through their keys
        // (`people.rev`), and the quick replies' `{me}` through the chat.
        self.shared.touched.chat = true;
        let host = self.host();
        let mut asks = Vec::new();
        let r = f(
            &mut self.people,
            &mut Ctx::new(&host, fx, &mut asks, &mut self.shared.next_id),
        );
        self.route_asks(asks, fx);
        r
    }

    /// The members the page shows (me, the card's followers as shown, the
    /// group's owner, members and admins): the people slice fetches the
    /// names it lacks. Looked at again only when what they come from
    /// changed.
    fn want_names(&mut self, fx: &mut Vec<Effect>) {
        use std::hash::{Hash, Hasher};
        if !self.shared.online {
            return;
        }
        let me = self.launch.session.as_ref().map(|s| s.userid.clone());
        let mut h = std::collections::hash_map::DefaultHasher::new();
        me.as_ref().map(|u| u.key()).hash(&mut h);
        // A new session (after a 401) asks again; the refused one does not.
        self.launch
            .session
            .as_ref()
            .map(|s| s.token.as_str())
            .hash(&mut h);
        self.card.rev.hash(&mut h);
        self.card.fold_digest().hash(&mut h);
        self.card.external_userid.hash(&mut h);
        self.chat.rev.hash(&mut h);
        self.chat.chat_id.hash(&mut h);
        let digest = h.finish();
        if self.people.asked_for == Some(digest) {
            return;
        }
        self.people.asked_for = Some(digest);
        let mut ids: Vec<crate::wecom::ids::UserId> = me.iter().cloned().collect();
        ids.extend(self.card.people_shown(me.as_ref()));
        if let Some(g) = &self.chat.group {
            ids.extend(g.owner.iter().cloned());
            ids.extend(g.members.iter().filter_map(|m| match &m.id {
                crate::wecom::groupchat::MemberId::Internal(u) => Some(u.clone()),
                _ => None,
            }));
            ids.extend(g.admins.iter().cloned());
        }
        self.people_do(fx, |p, ctx| p.want(ctx, &ids));
    }

    /// Routes what the slices asked, in order, each to the owner of the
    /// state it changes (and what that asks in turn, before the next).
    fn route_asks(&mut self, asks: Vec<Ask>, fx: &mut Vec<Effect>) {
        for ask in asks {
            match ask {
                Ask::Banner(line) => self.shared.banner = line,
                Ask::StorageNote(note) => self.shared.storage_note = Some(note),
                Ask::Page(_)
                | Ask::Loading
                | Ask::Ready
                | Ask::Block(_)
                | Ask::RetryLater { .. } => self.launch_do(fx, |l, ctx| l.on_ask(ctx, ask)),
                Ask::OpenCard(id) => {
                    self.card_do(fx, |c, ctx| c.open(ctx, id));
                    let host = self.host();
                    self.shared.touched.chat = true;
                    self.chat.load_draft(&host);
                }
                Ask::OpenGroup(id) => self.chat_do(fx, |c, ctx| c.open_group(ctx, id)),
                Ask::OpenComposer => {
                    let host = self.host();
                    self.shared.touched.chat = true;
                    self.chat.load_draft(&host);
                    self.chat_do(fx, |c, ctx| c.ensure_materials(ctx));
                }
                Ask::Refetch => {
                    if !self.card_do(fx, |c, ctx| c.refetch(ctx)) {
                        self.chat_do(fx, |c, ctx| c.refetch(ctx));
                    }
                }
                Ask::FlushOutbox => self.card_do(fx, |c, ctx| c.flush_outbox(ctx)),
            }
        }
    }

    /// Reads the core's storage keys at launch: each slice reads its own.
    /// Damaged entries are set aside and reported; they never block the
    /// app. Set aside means write-ahead: the copy under `wcc-quarantine:`
    /// is written first, and the original goes only when that write is
    /// acknowledged.
    fn restore_storage(&mut self, storage: &BTreeMap<String, String>, fx: &mut Vec<Effect>) {
        let mut damaged: Vec<(&String, &String)> = Vec::new();
        for (key, raw) in storage {
            let read = if key == SESSION_KEY {
                self.launch.restore_session(raw)
            } else if card::State::owns_key(key) {
                self.card_do(fx, |c, ctx| c.restore_key(ctx, key, raw))
            } else if chat::State::owns_key(key) {
                self.chat.restore_key(key, raw)
            } else if handover::State::owns_key(key) {
                self.handover.restore_key(raw)
            } else if people::State::owns_key(key) {
                self.people.restore_key(raw).map_err(|_| ())
            } else {
                Ok(())
            };
            if read.is_err() {
                damaged.push((key, raw));
            }
        }
        for (key, raw) in &damaged {
            let id = self.next_id();
            fx.push(Effect::StorageSet {
                id,
                key: quarantine_key(key),
                value: (*raw).clone(),
            });
            self.shared.pending.insert(
                id,
                Pending::Quarantine {
                    key: (*key).clone(),
                },
            );
            self.log(
                fx,
                "warn",
                &format!("set aside damaged storage entry {key}"),
            );
        }
        self.card_do(fx, |c, ctx| c.reconcile_drafts_and_outbox(ctx));
        if damaged.iter().any(|(k, _)| *k != SESSION_KEY) {
            self.shared.storage_note = Some(Localized::new(
                "有一份本地草稿已损坏，已另存并跳过",
                "A saved draft was damaged; it was set aside and skipped",
            ));
        }
        if let Some(note) = self.card.take_restore_note() {
            self.shared.storage_note = Some(note);
        }
    }

    fn next_id(&mut self) -> EffectId {
        self.shared.next_id = self.shared.next_id.wrapping_add(1).max(1);
        self.shared.next_id
    }

    /// A key's content now lives elsewhere: its owner removes it, unless
    /// it holds content for that key again.
    fn release(&mut self, key: &str, fx: &mut Vec<Effect>) {
        if key == SESSION_KEY {
            self.launch_do(fx, |l, ctx| l.release(ctx, key));
        } else if card::State::owns_key(key) {
            self.card_do(fx, |c, ctx| c.release(ctx, key));
        } else if chat::State::owns_key(key) {
            self.chat_do(fx, |c, ctx| c.release(ctx, key));
        } else if handover::State::owns_key(key) {
            if self.handover.submission.is_none() && self.handover.follow.is_none() {
                fx.push(Effect::StorageRemove {
                    key: key.to_owned(),
                });
            }
        } else {
            fx.push(Effect::StorageRemove {
                key: key.to_owned(),
            });
        }
    }

    fn on_storage_result(&mut self, id: EffectId, ok: bool, err: &str, fx: &mut Vec<Effect>) {
        let (key, waiting) = match self.owner(id) {
            Some(Owner::App) => match self.shared.pending.remove(&id) {
                Some(Pending::Quarantine { key }) => {
                    if ok {
                        self.release(&key, fx);
                        return;
                    }
                    (quarantine_key(&key), Waiting::Nothing)
                }
                None => return,
            },
            Some(Owner::Launch) => match self.launch.pending.remove(&id) {
                Some(launch::Pending::StoreSession) if !ok => {
                    (SESSION_KEY.to_owned(), Waiting::Nothing)
                }
                _ => return,
            },
            Some(Owner::Card) => match self.card.pending.remove(&id) {
                Some(card::Pending::StorageWrite { key, then }) => {
                    if ok {
                        self.card_do(fx, |c, ctx| c.after_writes(ctx, then));
                        return;
                    }
                    (key, Waiting::Card(then))
                }
                _ => return,
            },
            Some(Owner::Chat) => match self.chat.pending.remove(&id) {
                Some(chat::Pending::StorageWrite { key, then }) => {
                    if ok {
                        self.chat_do(fx, |c, ctx| c.after_writes(ctx, then));
                        return;
                    }
                    (key, Waiting::Chat(then))
                }
                _ => return,
            },
            Some(Owner::People) => {
                self.people.pending.remove(&id);
                if !ok {
                    // A cache: the names are fetched again next time.
                    self.log(
                        fx,
                        "warn",
                        &format!("storage write of member names failed: {err}"),
                    );
                }
                return;
            }
            Some(Owner::Handover) => {
                if let Some(p) = self.handover.pending.remove(&id) {
                    self.handover_do(fx, |h, ctx| h.on_storage_result(ctx, p, ok));
                    if !ok {
                        self.log(
                            fx,
                            "warn",
                            &format!("storage write of a hand-over failed: {err}"),
                        );
                    }
                }
                return;
            }
            None => return,
        };
        self.storage_full(&key, err, waiting, fx);
    }

    /// Storage is full: drop the oldest draft of another customer and write
    /// again what the slice still holds; tell the member either way.
    fn storage_full(&mut self, key: &str, err: &str, waiting: Waiting, fx: &mut Vec<Effect>) {
        self.log(fx, "warn", &format!("storage write of {key} failed: {err}"));
        let rewritable = match &waiting {
            Waiting::Nothing => false,
            Waiting::Card(_) => self.card.can_rewrite(key),
            Waiting::Chat(_) => self.chat.can_rewrite(key),
        };
        let freed = rewritable && self.card_do(fx, |c, ctx| c.drop_oldest_draft(ctx, key));
        if !freed {
            self.shared.storage_note = Some(Localized::new(
                "存储空间已满：当前修改只保存在内存中，请尽快保存",
                "Storage is full: your edit is kept in memory only; save it soon",
            ));
            if let Waiting::Chat(then) = waiting {
                self.chat_do(fx, |c, ctx| c.write_failed(ctx, then));
            }
            return;
        }
        self.shared.storage_note = Some(Localized::new(
            "存储空间不足，已删除最早的一份草稿",
            "Storage was full, so the oldest draft was removed",
        ));
        match waiting {
            Waiting::Nothing => {}
            Waiting::Card(then) => self.card_do(fx, |c, ctx| c.rewrite(ctx, key, then)),
            Waiting::Chat(then) => self.chat_do(fx, |c, ctx| c.rewrite(ctx, key, then)),
        }
    }

    fn on_qy_result(&mut self, id: EffectId, api: &str, result: &Value, fx: &mut Vec<Effect>) {
        match self.owner(id) {
            Some(Owner::Launch) => {
                if let Some(p) = self.launch.pending.remove(&id) {
                    self.launch_do(fx, |l, ctx| l.on_qy_result(ctx, p, result));
                }
            }
            Some(Owner::Chat) => {
                if let Some(p) = self.chat.pending.remove(&id) {
                    if p.qy_api().is_some() {
                        self.chat_do(fx, |c, ctx| c.on_qy_result(ctx, p, result));
                    } else {
                        self.log(
                            fx,
                            "warn",
                            &format!("a wx.qy result ({api}) answered {p:?}; ignored"),
                        );
                    }
                }
            }
            Some(owner) => {
                self.forget(id);
                self.log(
                    fx,
                    "warn",
                    &format!("a wx.qy result ({api}) answered a {owner:?} effect; ignored"),
                );
            }
            None => self.log(
                fx,
                "warn",
                &format!("result for unknown request {id} ({api}) ignored"),
            ),
        }
    }

    fn on_http_result(
        &mut self,
        id: EffectId,
        status: u16,
        body: &str,
        err: &str,
        fx: &mut Vec<Effect>,
    ) {
        let Some(owner) = self.owner(id) else {
            self.log(
                fx,
                "warn",
                &format!("response for unknown request {id} ignored"),
            );
            return;
        };
        let launch_p = self.launch.pending.remove(&id);
        let card_p = self.card.pending.remove(&id);
        let chat_p = self.chat.pending.remove(&id);
        let handover_p = self.handover.pending.remove(&id);
        let people_p = self.people.pending.remove(&id);
        self.shared.pending.remove(&id);
        let exchange = launch_p == Some(launch::Pending::SessionExchange);
        if status == 401 && !exchange {
            if let Some(p) = people_p {
                // Names are not worth signing in again for: the request
                // fails like any other (retried after a pause, the names
                // shown in words meanwhile). A session that really expired
                // is renewed by the next request that needs it; renewing it
                // here looped when the backend refused only names.
                self.people_do(fx, |h, ctx| h.on_http_result(ctx, p, status, body));
                return;
            }
            if let Some(p) = &card_p {
                self.card.on_unauthorized(p);
            }
            if let Some(p) = &handover_p {
                self.handover.on_unauthorized(p);
            }
            self.launch_do(fx, |l, ctx| l.relogin(ctx));
            return;
        }
        if status == 0 || status >= 500 {
            self.log(
                fx,
                "warn",
                &format!("backend unreachable (status {status}): {err}"),
            );
        }
        match owner {
            Owner::Launch => {
                if let Some(p) = launch_p {
                    self.launch_do(fx, |l, ctx| l.on_http_result(ctx, p, status, body));
                }
            }
            Owner::Card => {
                if let Some(p) = card_p {
                    self.card_do(fx, |c, ctx| c.on_http_result(ctx, p, status, body));
                }
            }
            Owner::Chat => {
                if let Some(p) = chat_p {
                    self.chat_do(fx, |c, ctx| c.on_http_result(ctx, p, status, body));
                }
            }
            Owner::Handover => {
                if let Some(p) = handover_p {
                    self.handover_do(fx, |h, ctx| h.on_http_result(ctx, p, status, body));
                }
            }
            Owner::People => {
                if let Some(p) = people_p {
                    self.people_do(fx, |h, ctx| h.on_http_result(ctx, p, status, body));
                }
            }
            Owner::App => self.log(fx, "warn", "unexpected http result for a storage copy"),
        }
    }

    fn on_timer(&mut self, id: EffectId, fx: &mut Vec<Effect>) {
        if self.card.is_undo_window(id) {
            self.card.pending.remove(&id);
            self.card_do(fx, |c, ctx| c.on_undo_window(ctx));
            return;
        }
        if let Some(p) = self.launch.pending.remove(&id) {
            self.launch_do(fx, |l, ctx| l.on_timer(ctx, id, p));
        } else {
            self.forget(id);
        }
        self.card_do(fx, |c, ctx| c.flush_outbox(ctx));
    }

    /// Network back or app shown: retry now instead of waiting for the timer.
    fn retry_now(&mut self, fx: &mut Vec<Effect>) {
        self.launch_do(fx, |l, ctx| l.retry_now(ctx));
        self.handover_do(fx, |h, ctx| h.resume(ctx));
        self.card_do(fx, |c, ctx| c.flush_outbox(ctx));
    }

    fn on_tap(&mut self, action: action::Action, fx: &mut Vec<Effect>) {
        match action {
            action::Action::DismissBanner => {
                if self.shared.banner.take().is_none() {
                    self.shared.storage_note = None;
                }
            }
            action::Action::Launch(tap) => self.launch_do(fx, |l, ctx| l.on_tap(ctx, tap)),
            action::Action::Card(tap) => self.card_do(fx, |c, ctx| c.on_tap(ctx, tap)),
            action::Action::Chat(tap) => {
                let tmpl = self.template_context(&self.host());
                self.chat_do(fx, |c, ctx| c.on_tap(ctx, tap, &tmpl));
            }
            action::Action::Handover(tap) => self.handover_do(fx, |h, ctx| h.on_tap(ctx, tap)),
        }
    }
}

/// Applies one event and returns the effects, ending with the render patch
/// if the view changed.
pub fn update(model: &mut Model, event: Event) -> Vec<Effect> {
    let mut fx = Vec::new();
    // Hide, a tap and typing reach the slices only through the wrappers
    // (`card_do`…), which mark what they touch; any other event may reach
    // the slices directly, so every part is looked at again.
    model.shared.touched = match event {
        Event::Hide { .. } | Event::Tap(_) | Event::Input { .. } | Event::Noop => {
            model::Touched::default()
        }
        _ => model::Touched::ALL,
    };
    match event {
        Event::Noop => return fx,
        Event::Launch {
            now,
            system_info,
            has_qy,
            qy_apis,
            storage,
        } => {
            model.shared.now = now;
            model.shared.visible = true;
            model.launch.on_launch(LaunchInfo {
                system_info,
                has_qy,
                qy_apis,
                wecom_version: None,
            });
            if !model.locale_is_configured() {
                model.shared.locale = model.launch.env().locale;
            }
            model.handover.relaunched();
            model.restore_storage(&storage, &mut fx);
            model.launch_do(&mut fx, |l, ctx| l.start(ctx));
        }
        Event::Show { now } => {
            model.shared.now = now;
            model.shared.visible = true;
            model.retry_now(&mut fx);
        }
        Event::Hide { now } => {
            model.shared.now = now;
            model.shared.visible = false;
        }
        Event::NetworkChanged { online, now } => {
            model.shared.now = now;
            model.shared.online = online;
            if online {
                model.retry_now(&mut fx);
            }
        }
        Event::QyResult { id, api, result } => model.on_qy_result(id, &api, &result, &mut fx),
        Event::WxResult { id, result, .. } => {
            if matches!(model.card.pending.get(&id), Some(card::Pending::Copy)) {
                model.card.pending.remove(&id);
                model.card_do(&mut fx, |c, ctx| c.on_copied(ctx, &result));
            } else if let Some(p) = model.chat.pending.remove(&id) {
                // The chat slice's picture from the phone.
                model.chat_do(&mut fx, |c, ctx| c.on_wx_result(ctx, p, &result));
            } else {
                // An acknowledgement: nothing on the page can change.
                model.forget(id);
                return fx;
            }
        }
        Event::HttpResult {
            id,
            status,
            body,
            err_msg,
        } => model.on_http_result(id, status, &body, &err_msg, &mut fx),
        Event::StorageResult { id, ok, err_msg } => {
            let waits = match model.owner(id) {
                Some(Owner::App) => true,
                Some(Owner::Card) => matches!(
                    model.card.pending.get(&id),
                    Some(card::Pending::StorageWrite { then, .. }) if !then.is_empty()
                ),
                Some(Owner::Chat) => matches!(
                    model.chat.pending.get(&id),
                    Some(chat::Pending::StorageWrite { then, .. }) if !then.is_empty()
                ),
                Some(Owner::Handover) => model.handover.write_waits(id),
                _ => false,
            };
            if ok && !waits {
                // A plain write went through (one per keystroke for drafts):
                // nothing on the page changes, so skip rebuilding the view.
                model.forget(id);
                return fx;
            }
            model.on_storage_result(id, ok, &err_msg, &mut fx);
        }
        Event::Timer { id, now } => {
            model.shared.now = now;
            model.on_timer(id, &mut fx);
        }
        Event::Tap(tap) => {
            if tap.now > 0.0 {
                model.shared.now = tap.now;
            }
            model.on_tap(tap.action, &mut fx);
        }
        Event::Input {
            field,
            value,
            index,
            now,
        } => {
            if now > 0.0 {
                model.shared.now = now;
            }
            if let Some(name) = field.strip_prefix("handover.") {
                model.handover_do(&mut fx, |h, ctx| h.on_input(ctx, name, value));
            } else {
                match field.strip_prefix("composer.") {
                    Some(name) => model.chat_do(&mut fx, |c, ctx| c.on_input(ctx, name, value)),
                    None => model.card_do(&mut fx, |c, ctx| c.on_input(ctx, &field, value, index)),
                }
            }
        }
    }
    // The composer shows the materials library: read it when it is shown
    // (once; again when older than 10 minutes).
    if matches!(model.launch.route, Route::Compose | Route::Group) && model.launch.session.is_some()
    {
        model.chat_do(&mut fx, |c, ctx| c.ensure_materials(ctx));
    }
    // Hand-over requests parked by a 401 or a relaunch go once signed in again.
    if model.handover.has_parked() && model.launch.session.is_some() {
        model.handover_do(&mut fx, |h, ctx| h.resume(ctx));
    }
    model.want_names(&mut fx);
    if let Some(render) = render(model) {
        fx.push(render);
    }
    fx
}

pub fn view_value(model: &Model) -> Value {
    serde_json::to_value(view(model)).unwrap_or(Value::Null)
}

pub fn parse_event(json: &str) -> Result<Event, CoreError> {
    let text = crate::support::input::admit(json, MAX_INPUT_BYTES).map_err(|e| match e {
        crate::support::input::InputError::TooLarge { max, len } => CoreError::TooLarge {
            what: "event",
            max,
            len,
        },
        other => CoreError::BadEvent(other.to_string()),
    })?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| CoreError::BadEvent(e.to_string()))?;
    Event::read(value).map_err(CoreError::BadEvent)
}

/// Parses and applies one event given as JSON text: what the boundary does.
///
/// An event the core cannot read is refused with `bad_event` and changes
/// nothing, except when it answers an effect the core is waiting for: then
/// that effect is resolved as failed (a request that never arrived, a wx.qy
/// call that failed, a storage write that failed, a timer that fired), so
/// the flow goes on with a retry or a message instead of waiting forever.
pub fn dispatch_text(model: &mut Model, json: &str) -> Result<Vec<Effect>, CoreError> {
    match parse_event(json) {
        Ok(event) => Ok(update(model, event)),
        Err(err) => match salvage(model, json, &err) {
            Some(event) => {
                let mut fx = vec![Effect::Log {
                    level: "warn".into(),
                    message: mask_phone_numbers(&format!(
                        "an unreadable answer was taken as a failure: {}",
                        crate::support::text_preview(&err.to_string())
                    )),
                }];
                fx.extend(update(model, event));
                Ok(fx)
            }
            None => Err(err),
        },
    }
}

/// The failure event standing in for an unreadable answer to a pending
/// effect, if the text names one.
fn salvage(model: &Model, json: &str, err: &CoreError) -> Option<Event> {
    let (kind, id) = match crate::support::input::parse_value(json) {
        Ok(v) => (
            v.get("type")?.as_str()?.to_owned(),
            EffectId::try_from(v.get("id")?.as_u64()?).ok()?,
        ),
        // Too big or too deep to read even leniently: look at the head.
        Err(_) => salvage_head(json)?,
    };
    if !model.is_pending(id) {
        return None;
    }
    let why = crate::support::text_preview(&err.to_string());
    let failed = |api: &str| serde_json::json!({ "errMsg": format!("{api}:fail unreadable result ({why})") });
    Some(match kind.as_str() {
        "httpResult" => Event::HttpResult {
            id,
            status: 0,
            body: String::new(),
            err_msg: format!("request:fail unreadable answer ({why})"),
        },
        "qyResult" => Event::QyResult {
            id,
            api: String::new(),
            result: failed("qy"),
        },
        "wxResult" => Event::WxResult {
            id,
            api: String::new(),
            result: failed("wx"),
        },
        "storageResult" => Event::StorageResult {
            id,
            ok: false,
            err_msg: format!("setStorage:fail unreadable result ({why})"),
        },
        "timer" => Event::Timer {
            id,
            now: model.shared.now,
        },
        _ => return None,
    })
}

/// Reads `"type"` and `"id"` from the first bytes of a text that is too big
/// or too deep to parse (the shell writes them first).
fn salvage_head(json: &str) -> Option<(String, EffectId)> {
    let end = json
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| i >= 256)
        .unwrap_or(json.len());
    let head = &json[..end];
    let field = |name: &str| -> Option<String> {
        let at = head.find(&format!("\"{name}\""))? + name.len() + 2;
        let rest = head[at..].trim_start().strip_prefix(':')?.trim_start();
        let stop = rest.find([',', '}']).unwrap_or(rest.len());
        Some(rest[..stop].trim().trim_matches('"').to_owned())
    };
    Some((field("type")?, field("id")?.parse().ok()?))
}

#[derive(Serialize)]
struct SnapshotFile {
    version: u32,
    model: Model,
}

/// The model as a versioned JSON string.
pub fn snapshot(model: &Model) -> String {
    serde_json::to_string(&SnapshotFile {
        version: SNAPSHOT_VERSION,
        model: model.clone(),
    })
    .unwrap_or_default()
}

/// Rebuilds a model from [`snapshot`] output. The view is rendered whole on
/// the next dispatch.
pub fn restore(json: &str) -> Result<Model, CoreError> {
    if json.len() > MAX_SNAPSHOT_BYTES {
        return Err(CoreError::TooLarge {
            what: "snapshot",
            max: MAX_SNAPSHOT_BYTES,
            len: json.len(),
        });
    }
    // One parse into a `Value`; the version is read from it first, as the
    // model's shape may differ between versions; the model is read by hand
    // (`support::stored`), not by derived deserializers.
    let mut value: Value =
        serde_json::from_str(json).map_err(|e| CoreError::BadSnapshot(e.to_string()))?;
    let version = value
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| CoreError::BadSnapshot("no version number".into()))?;
    if version > u64::from(SNAPSHOT_VERSION) {
        return Err(CoreError::SnapshotTooNew {
            found: u32::try_from(version).unwrap_or(u32::MAX),
            supported: SNAPSHOT_VERSION,
        });
    }
    let model = value
        .get_mut("model")
        .map(Value::take)
        .ok_or_else(|| CoreError::BadSnapshot("no model".into()))?;
    let mut model = Model::read_stored(model).map_err(CoreError::BadSnapshot)?;
    model.rehydrate();
    match &model.shared.config {
        Some(config) => config
            .validate()
            .map_err(|e| CoreError::BadSnapshot(e.to_string()))?,
        None => return Err(CoreError::BadSnapshot("no config".into())),
    }
    Ok(model)
}
