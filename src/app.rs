//! The core loop: `update(model, event) -> effects` and `view(model)`.
//!
//! The model holds all client state. `update` never does I/O: it returns
//! effects. Every dispatch ends with at most one `Render` effect, the
//! minimal setData patch between the last rendered view and the new one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::effect::{Effect, EffectId};
use crate::error::CoreError;
use crate::locale::{Locale, Localized};
use crate::patch;

/// The version of [`Model`]'s snapshot format.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Largest event or snapshot the core accepts, in bytes of JSON.
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// What the shell passes to the constructor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Config {
    /// Base URL of the app's own backend, `https://…` (or `http://localhost…`
    /// for the simulator).
    pub backend_url: String,
    /// `zh` or `en`; defaults to the system language.
    #[serde(default)]
    pub locale: Option<String>,
}

impl Config {
    pub fn validate(&self) -> Result<(), CoreError> {
        let url = self.backend_url.trim();
        let ok = url.starts_with("https://")
            || url.starts_with("http://localhost")
            || url.starts_with("http://127.0.0.1");
        if !ok {
            return Err(CoreError::BadConfig(format!(
                "backendUrl must start with https:// (or http://localhost for development), got {:?}",
                crate::text_preview(url)
            )));
        }
        if url.len() > 512 {
            return Err(CoreError::BadConfig(
                "backendUrl is longer than 512 bytes".into(),
            ));
        }
        Ok(())
    }
}

/// Events the shell dispatches.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Event {
    /// The app started. `storage` holds the core's own keys (prefix `wcc:`).
    #[serde(rename_all = "camelCase")]
    Launch {
        now: f64,
        system_info: Value,
        #[serde(default)]
        has_qy: bool,
        #[serde(default)]
        qy_apis: Vec<String>,
        #[serde(default)]
        storage: BTreeMap<String, String>,
    },
    Show {
        now: f64,
    },
    Hide {
        now: f64,
    },
    /// Does nothing; the floor for boundary benchmarks.
    Noop,
}

/// Where the page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Route {
    #[default]
    Loading,
    Blocked,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    pub config: Option<Config>,
    pub locale: Locale,
    pub route: Route,
    pub launched_at: Option<f64>,
    pub in_wecom: bool,
    pub visible: bool,
    pub next_id: EffectId,
    /// The view as last rendered; not part of the snapshot.
    #[serde(skip)]
    pub rendered: Value,
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
            ..Model::default()
        })
    }

    pub fn next_id(&mut self) -> EffectId {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }

    fn text(&self, m: &Localized) -> String {
        m.get(self.locale).to_owned()
    }
}

/// Applies one event and returns the effects, ending with the render patch
/// if the view changed.
pub fn update(model: &mut Model, event: Event) -> Vec<Effect> {
    let mut effects = Vec::new();
    match event {
        Event::Launch {
            now,
            system_info,
            has_qy,
            ..
        } => {
            model.launched_at = Some(now);
            model.visible = true;
            let env = system_info.get("environment").and_then(Value::as_str);
            model.in_wecom = has_qy || env == Some("wxwork");
            if let Some(lang) = system_info.get("language").and_then(Value::as_str) {
                if model
                    .config
                    .as_ref()
                    .and_then(|c| c.locale.as_ref())
                    .is_none()
                {
                    model.locale = Locale::from_tag(lang);
                }
            }
            model.route = if model.in_wecom {
                Route::Loading
            } else {
                Route::Blocked
            };
        }
        Event::Show { .. } => model.visible = true,
        Event::Hide { .. } => model.visible = false,
        Event::Noop => return effects,
    }
    if let Some(render) = render(model) {
        effects.push(render);
    }
    effects
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

/// The view model the page renders.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct View {
    pub route: Route,
    pub title: String,
    pub message: Option<String>,
}

pub fn view(model: &Model) -> View {
    match model.route {
        Route::Loading => View {
            route: model.route,
            title: model.text(&Localized::new("客户联系", "Customer contact")),
            message: Some(model.text(&Localized::new("正在加载…", "Loading…"))),
        },
        Route::Blocked => View {
            route: model.route,
            title: model.text(&Localized::new("请在企业微信中打开", "Open in WeCom")),
            message: Some(model.text(&Localized::new(
                "此小程序在微信中打开，而不是企业微信",
                "this mini program is opened in WeChat, not WeCom",
            ))),
        },
    }
}

pub fn view_value(model: &Model) -> Value {
    serde_json::to_value(view(model)).unwrap_or(Value::Null)
}

/// Parses an event from JSON text, with a size cap.
pub fn parse_event(json: &str) -> Result<Event, CoreError> {
    if json.len() > MAX_INPUT_BYTES {
        return Err(CoreError::TooLarge {
            what: "event",
            max: MAX_INPUT_BYTES,
            len: json.len(),
        });
    }
    serde_json::from_str(json).map_err(|e| CoreError::BadEvent(e.to_string()))
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
    if json.len() > MAX_INPUT_BYTES {
        return Err(CoreError::TooLarge {
            what: "snapshot",
            max: MAX_INPUT_BYTES,
            len: json.len(),
        });
    }
    let raw: Value =
        serde_json::from_str(json).map_err(|e| CoreError::BadSnapshot(e.to_string()))?;
    let version = raw
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| CoreError::BadSnapshot("no version number".into()))?;
    if version > u64::from(SNAPSHOT_VERSION) {
        return Err(CoreError::SnapshotTooNew {
            found: u32::try_from(version).unwrap_or(u32::MAX),
            supported: SNAPSHOT_VERSION,
        });
    }
    let file: SnapshotFile =
        serde_json::from_value(raw).map_err(|e| CoreError::BadSnapshot(e.to_string()))?;
    let model = file.model;
    if let Some(config) = &model.config {
        config
            .validate()
            .map_err(|e| CoreError::BadSnapshot(e.to_string()))?;
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> Model {
        Model::new(Config {
            backend_url: "https://api.example.com".into(),
            locale: Some("en".into()),
        })
        .unwrap()
    }

    fn launch(in_wecom: bool) -> Event {
        let mut info = json!({"platform": "android", "language": "zh_CN"});
        if in_wecom {
            info["environment"] = json!("wxwork");
        }
        Event::Launch {
            now: 1.0,
            system_info: info,
            has_qy: in_wecom,
            qy_apis: vec![],
            storage: BTreeMap::new(),
        }
    }

    #[test]
    fn config_must_be_https() {
        let bad = Config {
            backend_url: "ftp://x".into(),
            locale: None,
        };
        assert_eq!(Model::new(bad).unwrap_err().code(), "bad_config");
        let local = Config {
            backend_url: "http://localhost:8080".into(),
            locale: None,
        };
        assert!(Model::new(local).is_ok());
    }

    #[test]
    fn launch_renders_once_with_full_view() {
        let mut m = model();
        let fx = update(&mut m, launch(true));
        let renders: Vec<_> = fx.iter().filter(|e| e.is_render()).collect();
        assert_eq!(renders.len(), 1);
        let Effect::Render { patch } = renders[0] else {
            unreachable!()
        };
        assert_eq!(patch["route"], json!("loading"));
    }

    #[test]
    fn wechat_host_is_blocked() {
        let mut m = model();
        update(&mut m, launch(false));
        let v = view(&m);
        assert_eq!(v.route, Route::Blocked);
        assert!(v.message.unwrap().contains("WeChat, not WeCom"));
    }

    #[test]
    fn unchanged_view_renders_nothing() {
        let mut m = model();
        update(&mut m, launch(true));
        let fx = update(&mut m, Event::Hide { now: 2.0 });
        assert!(fx.iter().all(|e| !e.is_render()));
        assert!(update(&mut m, Event::Noop).is_empty());
    }

    #[test]
    fn snapshot_roundtrip() {
        let mut m = model();
        update(&mut m, launch(true));
        let s = snapshot(&m);
        let mut back = restore(&s).unwrap();
        back.rendered = m.rendered.clone();
        assert_eq!(back, m);
    }

    #[test]
    fn bad_snapshots_are_refused() {
        assert_eq!(restore("").unwrap_err().code(), "bad_snapshot");
        assert_eq!(restore("{").unwrap_err().code(), "bad_snapshot");
        assert_eq!(restore("[]").unwrap_err().code(), "bad_snapshot");
        assert_eq!(
            restore(r#"{"model":{}}"#).unwrap_err().code(),
            "bad_snapshot"
        );
        assert_eq!(
            restore(r#"{"version":99,"model":{}}"#).unwrap_err().code(),
            "snapshot_too_new"
        );
        assert_eq!(
            restore(r#"{"version":1,"model":{"route":"nowhere"}}"#)
                .unwrap_err()
                .code(),
            "bad_snapshot"
        );
        let huge = format!("\"{}\"", "x".repeat(MAX_INPUT_BYTES + 1));
        assert_eq!(restore(&huge).unwrap_err().code(), "too_large");
    }

    #[test]
    fn bad_events_are_refused() {
        assert_eq!(parse_event("").unwrap_err().code(), "bad_event");
        assert_eq!(
            parse_event("{\"type\":\"nope\"}").unwrap_err().code(),
            "bad_event"
        );
        assert_eq!(
            parse_event("{\"type\":\"show\"}").unwrap_err().code(),
            "bad_event"
        );
        assert_eq!(
            parse_event("{\"type\":\"show\",\"now\":\"x\"}")
                .unwrap_err()
                .code(),
            "bad_event"
        );
        assert!(parse_event("{\"type\":\"show\",\"now\":5}").is_ok());
    }
}
