//! The core loop: `update(model, event) -> effects` and `view(model)`.
//!
//! The model holds all client state. `update` never does I/O: it returns
//! effects. Every dispatch ends with at most one `Render` effect, the
//! minimal setData patch between the last rendered view and the new one.

pub mod action;
pub mod event;
#[cfg(feature = "ts")]
pub mod typescript;
pub mod view;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::app::event::Event;
pub use crate::protocol::config::Config;
use crate::protocol::effect::{Effect, EffectId};
use crate::protocol::error::CoreError;
pub use crate::protocol::page::{Notice, Route};
use crate::wecom::environment::{Environment, SystemInfo};

use crate::card::drafts::Draft;
use crate::card::form::FormValues;
use crate::card::outbox::Outbox;
use crate::chat::compose::Composer;
use crate::launch::flow::{Pending, Step};
use crate::protocol::patch;
use crate::protocol::session::Session;
use crate::support::locale::{Locale, Localized};
use crate::support::privacy::mask_phone_numbers;
use crate::wecom::customer::Customer;
use crate::wecom::groupchat::GroupChat;
use crate::wecom::ids::{ExternalUserId, GroupChatId};
use crate::wecom::tags::CorpTagList;

/// The version of [`Model`]'s snapshot format.
pub const SNAPSHOT_VERSION: u32 = 1;

pub use crate::support::input::{MAX_INPUT_BYTES, MAX_SNAPSHOT_BYTES};

/// What the shell told us at launch; the environment is derived from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LaunchInfo {
    pub system_info: Value,
    pub has_qy: bool,
    pub qy_apis: Vec<String>,
    pub wecom_version: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    pub config: Option<Config>,
    pub locale: Locale,
    pub launch: Option<LaunchInfo>,
    pub now: f64,
    pub visible: bool,
    pub online: bool,
    pub step: Step,
    pub route: Route,
    pub notice: Option<Notice>,
    /// A non-blocking line above the page (offline, retrying, unknown entry).
    pub banner: Option<Localized>,
    /// A note about local storage (damaged entries, quota), shown when no
    /// other banner is; the flow's own banners do not wipe it.
    pub storage_note: Option<Localized>,
    pub session: Option<Session>,
    pub entry: Option<String>,
    pub external_userid: Option<ExternalUserId>,
    pub chat_id: Option<GroupChatId>,
    // The customer card.
    /// `externalcontact/get` pages as the backend sent them (the source of
    /// truth; the parsed customer is a cache rebuilt after restore).
    pub customer_pages: Vec<String>,
    pub corp_tags_body: Option<String>,
    /// Values confirmed by the backend, shown until the next fetch.
    pub applied: Option<FormValues>,
    /// The open edit form (also the draft).
    pub form: Option<FormValues>,
    pub form_message: Option<Localized>,
    /// Whether the corp tag picker is open on the card.
    pub tag_picker: bool,
    pub outbox: Outbox,
    /// Drafts in storage: external_userid → values and when they were saved.
    pub drafts: BTreeMap<String, Draft>,
    pub seq: u64,
    /// `mark_tag` bodies the backend confirmed since the customer was last
    /// fetched, in order. They are laid over the fetched pages, so the
    /// card shows them after a restore too.
    #[serde(default)]
    pub confirmed_tags: Vec<Value>,
    // Talking back into the chat.
    pub group_body: Option<String>,
    pub composer: Composer,
    /// Composer drafts in storage, by chat context.
    #[serde(default)]
    pub compose_drafts: BTreeMap<String, crate::chat::draft::ComposeDraft>,
    pub compose_note: Option<Localized>,
    pub retry_attempt: u32,
    pub retry_timer: Option<EffectId>,
    pub pending: BTreeMap<EffectId, Pending>,
    pub next_id: EffectId,
    /// The view as last rendered; not part of the snapshot.
    #[serde(skip)]
    pub rendered: Value,
    #[serde(skip)]
    pub customer: Option<Customer>,
    #[serde(skip)]
    pub corp_tags: Option<CorpTagList>,
    #[serde(skip)]
    pub group: Option<GroupChat>,
}

impl Model {
    pub fn new(config: Config) -> Result<Model, CoreError> {
        config.validate()?;
        let locale = config
            .locale
            .as_deref()
            .map(Locale::from_tag)
            .unwrap_or_default();
        Ok(Model {
            config: Some(config),
            locale,
            online: true,
            ..Model::default()
        })
    }

    /// The config names a locale, so the system language does not override it.
    pub fn locale_is_configured(&self) -> bool {
        self.config.as_ref().is_some_and(|c| c.locale.is_some())
    }

    pub fn next_id(&mut self) -> EffectId {
        self.next_id = self.next_id.wrapping_add(1).max(1);
        self.next_id
    }

    pub fn text(&self, m: &Localized) -> String {
        m.get(self.locale).to_owned()
    }

    /// The environment, derived from what the shell reported.
    pub fn env(&self) -> Environment {
        let info = self.launch.as_ref();
        let system: SystemInfo = info
            .and_then(|l| serde_json::from_value(l.system_info.clone()).ok())
            .unwrap_or_default();
        Environment::detect(
            &system,
            info.is_some_and(|l| l.has_qy),
            info.and_then(|l| l.wecom_version.as_deref()),
        )
    }

    /// Whether the shell found `wx.qy[name]`. An empty list (an older shell,
    /// a test) means "not reported", which never blocks.
    pub fn has_qy_api(&self, name: &str) -> bool {
        match &self.launch {
            Some(l) if !l.qy_apis.is_empty() => l.qy_apis.iter().any(|a| a == name),
            Some(l) => l.has_qy,
            None => false,
        }
    }

    pub fn log(&self, fx: &mut Vec<Effect>, level: &str, message: &str) {
        fx.push(Effect::Log {
            level: level.to_owned(),
            message: mask_phone_numbers(message),
        });
    }
}

/// Applies one event and returns the effects, ending with the render patch
/// if the view changed.
pub fn update(model: &mut Model, event: Event) -> Vec<Effect> {
    let mut fx = Vec::new();
    match event {
        Event::Noop => return fx,
        Event::Launch {
            now,
            system_info,
            has_qy,
            qy_apis,
            storage,
        } => {
            model.now = now;
            model.visible = true;
            model.launch = Some(LaunchInfo {
                system_info,
                has_qy,
                qy_apis,
                wecom_version: None,
            });
            if !model.locale_is_configured() {
                model.locale = model.env().locale;
            }
            model.restore_storage(&storage, &mut fx);
            model.start_flow(&mut fx);
        }
        Event::Show { now } => {
            model.now = now;
            model.visible = true;
            model.on_show(&mut fx);
        }
        Event::Hide { now } => {
            model.now = now;
            model.visible = false;
        }
        Event::NetworkChanged { online, now } => {
            model.now = now;
            model.online = online;
            if online {
                model.on_online(&mut fx);
            }
        }
        Event::QyResult { id, api, result } => model.on_qy_result(id, &api, &result, &mut fx),
        Event::WxResult { id, .. } => {
            // An acknowledgement: nothing on the page can change.
            model.pending.remove(&id);
            return fx;
        }
        Event::HttpResult {
            id,
            status,
            body,
            err_msg,
        } => model.on_http_result(id, status, &body, &err_msg, &mut fx),
        Event::StorageResult { id, ok, err_msg } => {
            let waits = matches!(
                model.pending.get(&id),
                Some(crate::launch::flow::Pending::StorageWrite { then, .. }) if !then.is_empty()
            );
            if ok && !waits {
                // A plain write went through (one per keystroke for drafts):
                // nothing on the page changes, so skip rebuilding the view.
                model.pending.remove(&id);
                return fx;
            }
            model.on_storage_result(id, ok, &err_msg, &mut fx);
        }
        Event::Timer { id, now } => {
            model.now = now;
            model.on_timer(id, &mut fx);
        }
        Event::Tap(tap) => {
            if tap.now > 0.0 {
                model.now = tap.now;
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
                model.now = now;
            }
            model.on_input(&field, value, index, &mut fx);
        }
    }
    if let Some(render) = render(model) {
        fx.push(render);
    }
    fx
}

/// Diffs the current view against the last rendered one.
pub fn render(model: &mut Model) -> Option<Effect> {
    let next = view_value(model);
    let patch = patch::diff(&model.rendered, &next);
    model.rendered = next;
    if patch.is_empty() {
        None
    } else {
        Some(Effect::Render { patch })
    }
}

pub use crate::app::view::{view, View};

pub fn view_value(model: &Model) -> Value {
    serde_json::to_value(view(model)).unwrap_or(Value::Null)
}

/// Parses an event from JSON text under the door's policy
/// ([`crate::support::input`]): size and nesting caps, lone surrogates repaired.
pub fn parse_event(json: &str) -> Result<Event, CoreError> {
    let text = crate::support::input::admit(json, MAX_INPUT_BYTES).map_err(|e| match e {
        crate::support::input::InputError::TooLarge { max, len } => CoreError::TooLarge {
            what: "event",
            max,
            len,
        },
        other => CoreError::BadEvent(other.to_string()),
    })?;
    serde_json::from_str(&text).map_err(|e| CoreError::BadEvent(e.to_string()))
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
    if !model.pending.contains_key(&id) {
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
        "timer" => Event::Timer { id, now: model.now },
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

#[derive(Serialize, Deserialize)]
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
    // Read the version on its own first: the model's shape may differ
    // between versions. (Going through `Value` would double the
    // deserializer code for every model type.)
    #[derive(Deserialize)]
    struct VersionOnly {
        version: Option<u64>,
    }
    let head: VersionOnly =
        serde_json::from_str(json).map_err(|e| CoreError::BadSnapshot(e.to_string()))?;
    let version = head
        .version
        .ok_or_else(|| CoreError::BadSnapshot("no version number".into()))?;
    if version > u64::from(SNAPSHOT_VERSION) {
        return Err(CoreError::SnapshotTooNew {
            found: u32::try_from(version).unwrap_or(u32::MAX),
            supported: SNAPSHOT_VERSION,
        });
    }
    let file: SnapshotFile =
        serde_json::from_str(json).map_err(|e| CoreError::BadSnapshot(e.to_string()))?;
    let mut model = file.model;
    model.rehydrate();
    match &model.config {
        Some(config) => config
            .validate()
            .map_err(|e| CoreError::BadSnapshot(e.to_string()))?,
        None => return Err(CoreError::BadSnapshot("no config".into())),
    }
    Ok(model)
}
