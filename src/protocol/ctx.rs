//! What a slice sees of the world for one step, and where it puts what it
//! asks for.
//!
//! A slice never reads or writes another slice's state. The app builds a
//! [`Host`] (read-only facts other slices own: who is signed in, where the
//! app was opened, which customer or group is shown) and hands it in with a
//! [`Ctx`]. The slice answers with effects for the shell and [`Ask`]s: the
//! cross-slice consequences (show this page, put up this banner, open that
//! card), which the app routes, in order, to the slice that owns the state.

use serde_json::{json, Value};

use crate::protocol::effect::{Effect, EffectId};
use crate::protocol::page::{Notice, Route};
use crate::protocol::session::Session;
use crate::support::locale::{Locale, Localized};
use crate::support::privacy::mask_phone_numbers;
use crate::wecom::capabilities::{self, Api, Unavailable};
use crate::wecom::entry::Entry;
use crate::wecom::environment::{Environment, Version};
use crate::wecom::ids::{ExternalUserId, GroupChatId};

/// Facts a slice may read but does not own, as of this step.
#[derive(Debug, Clone)]
pub struct Host {
    pub now: f64,
    pub locale: Locale,
    /// The backend's base URL, without a trailing `/`.
    pub base: String,
    /// Who is signed in (owned by launch).
    pub session: Option<Session>,
    /// The client, derived from what the shell reported (owned by launch).
    pub env: Environment,
    /// The raw entry `getContext` reported (owned by launch).
    pub entry: Option<String>,
    /// The `wx.qy` functions the shell found; empty means "not reported".
    /// Shared, not copied: a host is built on every dispatch.
    pub qy_apis: std::rc::Rc<[String]>,
    /// Whether the shell has `wx.qy` at all.
    pub has_qy: bool,
    /// The customer whose card is open (owned by card).
    pub customer: Option<ExternalUserId>,
    /// The group chat shown (owned by chat).
    pub chat: Option<GroupChatId>,
}

impl Host {
    pub fn entry(&self) -> Option<Entry> {
        self.entry.as_deref().map(Entry::parse)
    }

    /// Whether the shell found `wx.qy[name]`. An empty list (an older shell,
    /// a test) means "not reported", which never blocks.
    pub fn has_qy_api(&self, name: &str) -> bool {
        if self.qy_apis.is_empty() {
            self.has_qy
        } else {
            self.qy_apis.iter().any(|a| a == name)
        }
    }

    /// Whether `api` may run here: the capability table, then the functions
    /// the shell found.
    pub fn check_call(&self, api: Api) -> Result<(), Unavailable> {
        capabilities::check(api, &self.env, self.entry().as_ref())?;
        if !self.has_qy_api(api.name()) {
            let required = capabilities::capability(api)
                .since
                .unwrap_or(Version::new(3, 0, 24));
            return Err(Unavailable::ClientTooOld {
                required,
                current: self.env.client_version,
            });
        }
        Ok(())
    }

    /// Like [`Host::check_call`], for an action on a working page: the
    /// refusal is a line for the banner.
    pub fn check_act(&self, api: Api) -> Result<(), Localized> {
        capabilities::check(api, &self.env, self.entry().as_ref()).map_err(|u| u.message())?;
        if !self.has_qy_api(api.name()) {
            return Err(Localized::new(
                "当前企业微信版本不支持此操作，请升级",
                "This WeCom version cannot do this; please update",
            ));
        }
        Ok(())
    }

    pub fn me(&self) -> Option<&crate::wecom::ids::UserId> {
        self.session.as_ref().map(|s| &s.userid)
    }
}

/// A cross-slice consequence, routed by the app to the slice that owns the
/// state it changes.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// Set (or clear) the one line above the page.
    Banner(Option<Localized>),
    /// A note about local storage, shown when no banner is.
    StorageNote(Localized),
    /// Show this page (routing belongs to launch).
    Page(Route),
    /// Something is being fetched for the page.
    Loading,
    /// The page's data arrived: ready, and the retry counter starts over.
    Ready,
    /// Replace the page with a blocking notice.
    Block(Notice),
    /// A fetch for the page did not get through (status 0: never arrived;
    /// 5xx: busy): retry it later with backoff.
    RetryLater { status: u16 },
    /// Open the card of this customer.
    OpenCard(ExternalUserId),
    /// Open this group chat.
    OpenGroup(GroupChatId),
    /// The attachment bar's composer is shown.
    OpenComposer,
    /// Fetch the page's data again (a retry fired).
    Refetch,
    /// Send what waits in the outbox, if anything may go.
    FlushOutbox,
}

/// One step's context: the host facts, the effect sink, the asks.
pub struct Ctx<'a> {
    pub host: &'a Host,
    pub fx: &'a mut Vec<Effect>,
    pub asks: &'a mut Vec<Ask>,
    next_id: &'a mut EffectId,
}

impl<'a> Ctx<'a> {
    pub fn new(
        host: &'a Host,
        fx: &'a mut Vec<Effect>,
        asks: &'a mut Vec<Ask>,
        next_id: &'a mut EffectId,
    ) -> Ctx<'a> {
        Ctx {
            host,
            fx,
            asks,
            next_id,
        }
    }

    pub fn now(&self) -> f64 {
        self.host.now
    }

    /// A fresh effect id (never 0).
    pub fn id(&mut self) -> EffectId {
        *self.next_id = self.next_id.wrapping_add(1).max(1);
        *self.next_id
    }

    pub fn ask(&mut self, ask: Ask) {
        self.asks.push(ask);
    }

    pub fn banner(&mut self, line: Option<Localized>) {
        self.asks.push(Ask::Banner(line));
    }

    pub fn log(&mut self, level: &str, message: &str) {
        self.fx.push(Effect::Log {
            level: level.to_owned(),
            message: mask_phone_numbers(message),
        });
    }

    /// Calls `wx.qy[api](args)`; the caller records what the id is for.
    pub fn qy(&mut self, api: Api, args: Value) -> EffectId {
        let id = self.id();
        self.fx.push(Effect::Qy { id, api, args });
        id
    }

    /// Calls `wx[api](args)` (`chooseMedia`, `uploadFile`, a toast, a phone
    /// call, the clipboard); the shell answers with a `wxResult` carrying
    /// the success or fail object.
    pub fn wx(&mut self, api: &str, args: Value) -> EffectId {
        let id = self.id();
        self.fx.push(Effect::Wx {
            id,
            api: api.to_owned(),
            args,
        });
        id
    }

    /// A request to the app's backend, signed with the session if any.
    pub fn http(
        &mut self,
        method: &str,
        path: &str,
        body: Value,
        extra_header: Option<(&str, &str)>,
    ) -> EffectId {
        let id = self.id();
        let mut headers = json!({ "Content-Type": "application/json" });
        if let Some(s) = &self.host.session {
            headers["Authorization"] = Value::String(format!("Bearer {}", s.token));
        }
        if let Some((k, v)) = extra_header {
            headers[k] = Value::String(v.to_owned());
        }
        self.fx.push(Effect::Http {
            id,
            method: method.to_owned(),
            url: format!("{}{path}", self.host.base),
            headers,
            body,
        });
        id
    }

    /// Writes one storage key; the caller records what waits on it.
    pub fn store(&mut self, key: &str, value: String) -> EffectId {
        let id = self.id();
        self.fx.push(Effect::StorageSet {
            id,
            key: key.to_owned(),
            value,
        });
        id
    }

    pub fn remove(&mut self, key: &str) {
        self.fx.push(Effect::StorageRemove {
            key: key.to_owned(),
        });
    }

    /// A short success note (`wx.showToast`), instead of the banner, which
    /// is for warnings.
    pub fn toast(&mut self, title: &str) {
        self.wx(
            "showToast",
            json!({ "title": title, "icon": "success", "duration": 1500 }),
        );
    }

    pub fn timer(&mut self, after_ms: u32) -> EffectId {
        let id = self.id();
        self.fx.push(Effect::Timer { id, after_ms });
        id
    }
}
