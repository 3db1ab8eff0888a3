//! The one module that knows `JsValue`. It exposes one opaque handle,
//! [`Core`], and turns every failure into a JS `Error` carrying a stable
//! `code` property. Inputs may be JS objects or JSON strings; both go
//! through the same size cap and parser, so garbage gets a clear error and
//! leaves the handle untouched.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::app::{self, Config, Model};
use crate::protocol::error::CoreError;

/// Builds `new Error(message)` with `error.code = code`.
fn js_error(err: &CoreError) -> JsValue {
    let e = js_sys::Error::new(&err.to_string());
    // Setting a property on a fresh Error cannot fail; ignore the Result.
    let _ = js_sys::Reflect::set(
        &e,
        &JsValue::from_str("code"),
        &JsValue::from_str(err.code()),
    );
    e.into()
}

/// Reads a JS value as JSON text: strings are taken as JSON, anything else
/// is stringified first (which refuses cycles, BigInt and functions).
fn json_text(value: &JsValue, what: &'static str) -> Result<String, CoreError> {
    let bad = |m: String| match what {
        "config" => CoreError::BadConfig(m),
        "snapshot" => CoreError::BadSnapshot(m),
        _ => CoreError::BadEvent(m),
    };
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if value.is_undefined() || value.is_null() {
        return Err(bad(format!("{what} is missing (got null or undefined)")));
    }
    if !value.is_object() {
        return Err(bad(format!("{what} must be an object or a JSON string")));
    }
    match js_sys::JSON::stringify(value) {
        Ok(s) => s
            .as_string()
            .ok_or_else(|| bad(format!("{what} cannot be written as JSON"))),
        Err(_) => Err(bad(format!(
            "{what} cannot be written as JSON (a cycle or a BigInt?)"
        ))),
    }
}

/// Writes a value as JSON text and hands it to JS's own `JSON.parse`: one
/// crossing of the boundary, whatever the size (`None` is `null`, which
/// setData accepts; maps are plain objects).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text =
        serde_json::to_string(value).map_err(|e| js_error(&CoreError::Serialize(e.to_string())))?;
    js_sys::JSON::parse(&text).map_err(|_| {
        js_error(&CoreError::Serialize(
            "JSON.parse refused the core's output".into(),
        ))
    })
}

/// The core, as JS sees it: `new Core(config)`, `dispatch(event)`,
/// `view()`, `snapshot()`, `Core.restore(snapshot)`, `Core.initialView()`.
#[wasm_bindgen]
pub struct Core {
    model: Model,
    /// The effects of the last dispatch, for [`Core::floor`].
    last: Vec<crate::protocol::effect::Effect>,
}

#[wasm_bindgen]
impl Core {
    /// `config`: `{ backendUrl, locale? }` as an object or JSON text.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Core, JsValue> {
        let text = json_text(&config, "config").map_err(|e| js_error(&e))?;
        if text.len() > 64 * 1024 {
            return Err(js_error(&CoreError::TooLarge {
                what: "config",
                max: 64 * 1024,
                len: text.len(),
            }));
        }
        let config = serde_json::from_str(&text)
            .map_err(|e| e.to_string())
            .and_then(Config::read)
            .map_err(|e| js_error(&CoreError::BadConfig(e)))?;
        let model = Model::new(config).map_err(|e| js_error(&e))?;
        Ok(Core {
            model,
            last: Vec::new(),
        })
    }

    /// Applies one event; returns the array of effects for the shell.
    pub fn dispatch(&mut self, event: JsValue) -> Result<JsValue, JsValue> {
        let text = json_text(&event, "event").map_err(|e| js_error(&e))?;
        let effects = app::dispatch_text(&mut self.model, &text).map_err(|e| js_error(&e))?;
        let out = to_js(&effects);
        self.last = effects;
        out
    }

    /// The floor under a dispatch, for benchmarks: reads `event` exactly as
    /// [`Core::dispatch`] does, but applies nothing, and writes out the last
    /// dispatch's effects again. What a dispatch costs above this is the
    /// core's own work.
    pub fn floor(&self, event: JsValue) -> Result<JsValue, JsValue> {
        let text = json_text(&event, "event").map_err(|e| js_error(&e))?;
        app::parse_event(&text).map_err(|e| js_error(&e))?;
        to_js(&self.last)
    }

    /// The whole current view model (the first render, and tests). Written
    /// through the `Value` the render diffs, so the view types are
    /// serialised by one serializer only (each costs its code once).
    pub fn view(&self) -> Result<JsValue, JsValue> {
        to_js(&app::view_value(&self.model))
    }

    /// The view of a core that has had no event yet: the page's data before
    /// the first render (the build writes it to `core/initial-view.js`).
    #[wasm_bindgen(js_name = initialView)]
    pub fn initial_view() -> Result<JsValue, JsValue> {
        to_js(&app::view_value(&Model::default()))
    }

    /// The state as a versioned JSON string.
    pub fn snapshot(&self) -> String {
        app::snapshot(&self.model)
    }

    /// Rebuilds a handle from [`Core::snapshot`] output.
    pub fn restore(snapshot: JsValue) -> Result<Core, JsValue> {
        let text = snapshot
            .as_string()
            .ok_or_else(|| js_error(&CoreError::BadSnapshot("snapshot must be a string".into())))?;
        let model = app::restore(&text).map_err(|e| js_error(&e))?;
        Ok(Core {
            model,
            last: Vec::new(),
        })
    }

    /// Crosses the boundary and does nothing: the floor for benchmarks.
    pub fn noop(&self) -> u32 {
        0
    }

    /// The snapshot format version this core writes.
    #[wasm_bindgen(js_name = snapshotVersion)]
    pub fn snapshot_version() -> u32 {
        app::SNAPSHOT_VERSION
    }
}
