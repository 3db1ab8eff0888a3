//! The events the shell dispatches. A tap carries the typed action
//! ([`crate::app::action`]), the union of the slices' own taps.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::protocol::effect::EffectId;

/// Events the shell dispatches.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Event {
    /// The app started. `storage` holds the core's own keys (prefix `wcc:`).
    #[serde(rename_all = "camelCase")]
    Launch {
        now: f64,
        #[cfg_attr(feature = "ts", ts(type = "unknown"))]
        system_info: Value,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        has_qy: bool,
        /// The functions the shell found on `wx.qy` (feature detection).
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        qy_apis: Vec<String>,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        storage: BTreeMap<String, String>,
    },
    Show {
        now: f64,
    },
    Hide {
        now: f64,
    },
    #[serde(rename_all = "camelCase")]
    NetworkChanged {
        online: bool,
        now: f64,
    },
    /// The callback of a `wx.qy` call: the object passed to success or fail.
    #[serde(rename_all = "camelCase")]
    QyResult {
        id: EffectId,
        api: String,
        #[cfg_attr(feature = "ts", ts(type = "unknown"))]
        result: Value,
    },
    #[serde(rename_all = "camelCase")]
    WxResult {
        id: EffectId,
        api: String,
        #[cfg_attr(feature = "ts", ts(type = "unknown"))]
        result: Value,
    },
    /// `status` 0 means the request never reached the backend.
    #[serde(rename_all = "camelCase")]
    HttpResult {
        id: EffectId,
        status: u16,
        body: String,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        err_msg: String,
    },
    #[serde(rename_all = "camelCase")]
    StorageResult {
        id: EffectId,
        ok: bool,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        err_msg: String,
    },
    Timer {
        id: EffectId,
        now: f64,
    },
    /// A tap on something with an action name (`retry`, `save`…), typed at
    /// the door ([`crate::app::action`]).
    Tap(crate::app::action::Tap),
    /// Typing in a field.
    #[serde(rename_all = "camelCase")]
    Input {
        field: String,
        value: String,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        index: Option<u32>,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional = nullable))]
        now: f64,
    },
    /// Does nothing; the floor for boundary benchmarks.
    Noop,
}
