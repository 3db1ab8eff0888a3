//! Effects: what the core asks the shell to do. They are plain data; the
//! shell performs each one and dispatches the result back as an event that
//! carries the effect's `id`.

use serde::Serialize;
use serde_json::Value;

use crate::protocol::patch::Patch;

/// An effect id. The shell echoes it in the result event.
pub type EffectId = u32;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Effect {
    /// Call `wx.qy[api](args)`; reply with a `qyResult` event.
    #[serde(rename_all = "camelCase")]
    Qy {
        id: EffectId,
        api: crate::wecom::capabilities::Api,
        args: Value,
    },
    /// Call `wx[api](args)` (toasts, modals); reply with a `wxResult` event.
    #[serde(rename_all = "camelCase")]
    Wx {
        id: EffectId,
        api: String,
        args: Value,
    },
    /// An HTTP request to the app's own backend; reply with `httpResult`.
    #[serde(rename_all = "camelCase")]
    Http {
        id: EffectId,
        method: String,
        url: String,
        headers: Value,
        body: Value,
    },
    /// Write one storage key; reply with `storageResult`.
    #[serde(rename_all = "camelCase")]
    StorageSet {
        id: EffectId,
        key: String,
        value: String,
    },
    /// Remove one storage key; no reply needed.
    #[serde(rename_all = "camelCase")]
    StorageRemove { key: String },
    /// Dispatch a `timer` event with this id after `after_ms` milliseconds.
    #[serde(rename_all = "camelCase")]
    Timer { id: EffectId, after_ms: u32 },
    /// One `setData` call with path keys. At most one per dispatch.
    #[serde(rename_all = "camelCase")]
    Render {
        #[cfg_attr(feature = "ts", ts(type = "Patch"))]
        patch: Patch,
    },
    /// A line for the shell's log, already free of secrets and phone numbers.
    #[serde(rename_all = "camelCase")]
    Log { level: String, message: String },
}

impl Effect {
    pub fn is_render(&self) -> bool {
        matches!(self, Effect::Render { .. })
    }
}
