//! The events the shell dispatches. A tap carries the typed action
//! ([`crate::app::action`]), the union of the slices' own taps.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::app::action::Tap;
use crate::protocol::effect::EffectId;
use crate::support::fields::{kind_of, Fields};

/// Events the shell dispatches.
///
/// The core reads them by hand ([`Event::read`]): the derived
/// `Deserialize` below is not in the wasm. It states the shape for the
/// TypeScript declarations (ts-rs reads its attributes), and a property
/// test holds the two readers to the same answers.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Event {
    /// The app started. `storage` holds the core's own keys (prefix `wcc:`).
    #[serde(rename_all = "camelCase")]
    Launch {
        now: f64,
        /// `wx.getSystemInfoSync()`; missing reads as `null` (nothing known).
        #[serde(default)]
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
    Tap(Tap),
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

const ID_MAX: u64 = EffectId::MAX as u64;

impl Event {
    /// Reads an event from its JSON value, as strictly as the derived
    /// reader: a missing or mistyped field, an unknown field or an unknown
    /// `type` is refused with a message that names it.
    pub fn read(v: Value) -> Result<Event, String> {
        let mut f = Fields::of(v, "an event")?;
        let kind = match f.take("type") {
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err(format!(
                    "an event's `type` must be a string, not {}",
                    kind_of(&other)
                ))
            }
            None => return Err("an event has no `type`".into()),
        };
        f.rename(format!("a `{}` event", crate::support::text_preview(&kind)));
        let event = match kind.as_str() {
            "launch" => Event::Launch {
                now: f.f64("now")?,
                system_info: f.value("systemInfo"),
                has_qy: f.bool_or_false("hasQy")?,
                qy_apis: f.strings("qyApis")?,
                storage: f.string_map("storage")?,
            },
            "show" => Event::Show { now: f.f64("now")? },
            "hide" => Event::Hide { now: f.f64("now")? },
            "networkChanged" => Event::NetworkChanged {
                online: f.bool("online")?,
                now: f.f64("now")?,
            },
            "qyResult" | "wxResult" => {
                let id = f.uint("id", ID_MAX)? as EffectId;
                let api = f.string("api")?;
                let result = f.value_required("result")?;
                if kind == "qyResult" {
                    Event::QyResult { id, api, result }
                } else {
                    Event::WxResult { id, api, result }
                }
            }
            "httpResult" => Event::HttpResult {
                id: f.uint("id", ID_MAX)? as EffectId,
                status: f.uint("status", u16::MAX.into())? as u16,
                body: f.string("body")?,
                err_msg: f.string_or_empty("errMsg")?,
            },
            "storageResult" => Event::StorageResult {
                id: f.uint("id", ID_MAX)? as EffectId,
                ok: f.bool("ok")?,
                err_msg: f.string_or_empty("errMsg")?,
            },
            "timer" => Event::Timer {
                id: f.uint("id", ID_MAX)? as EffectId,
                now: f.f64("now")?,
            },
            "tap" => Event::Tap(Tap::read(&mut f)?),
            "input" => Event::Input {
                field: f.string("field")?,
                value: f.string("value")?,
                index: f.uint_opt("index", u32::MAX.into())?.map(|n| n as u32),
                now: f.f64_or_zero("now")?,
            },
            "noop" => Event::Noop,
            other => {
                return Err(format!(
                    "unknown event type {:?}",
                    crate::support::text_preview(other)
                ))
            }
        };
        f.finish()?;
        Ok(event)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// One well-formed event of each type.
    fn templates() -> Vec<Value> {
        vec![
            json!({"type": "launch", "now": 1, "systemInfo": {"platform": "ios"}, "hasQy": true,
                   "qyApis": ["getContext"], "storage": {"wcc:x": "1"}}),
            json!({"type": "launch", "now": 1.5, "systemInfo": {}}),
            json!({"type": "show", "now": 2}),
            json!({"type": "hide", "now": 3}),
            json!({"type": "networkChanged", "online": false, "now": 4}),
            json!({"type": "qyResult", "id": 7, "api": "getContext", "result": {"entry": "x"}}),
            json!({"type": "wxResult", "id": 8, "api": "login", "result": {"code": "c"}}),
            json!({"type": "httpResult", "id": 9, "status": 200, "body": "{}", "errMsg": ""}),
            json!({"type": "httpResult", "id": 9, "status": 0, "body": ""}),
            json!({"type": "storageResult", "id": 10, "ok": true}),
            json!({"type": "timer", "id": 11, "now": 5}),
            json!({"type": "tap", "action": "save", "now": 6}),
            json!({"type": "tap", "action": "removeMobile", "arg": 1}),
            json!({"type": "input", "field": "remark", "value": "王", "index": 2, "now": 7}),
            json!({"type": "input", "field": "remark", "value": ""}),
            json!({"type": "noop"}),
        ]
    }

    fn values() -> Vec<Value> {
        vec![
            json!(0),
            json!(1),
            json!(65535),
            json!(65536),
            json!(4294967295u64),
            json!(4294967296u64),
            json!(-1),
            json!(1.5),
            json!(""),
            json!("save"),
            json!("show"),
            json!(true),
            json!(false),
            json!([]),
            json!(["a"]),
            json!([1]),
            json!({}),
            json!({"k": "v"}),
            json!({"k": 1}),
        ]
    }

    const NAMES: &[&str] = &[
        "type",
        "now",
        "systemInfo",
        "hasQy",
        "qyApis",
        "storage",
        "online",
        "id",
        "api",
        "result",
        "status",
        "body",
        "errMsg",
        "ok",
        "action",
        "arg",
        "field",
        "value",
        "index",
        "extra",
    ];

    fn mutated() -> impl Strategy<Value = Value> {
        let edit = (0..3usize, 0..NAMES.len(), 0..values().len());
        (0..templates().len(), proptest::collection::vec(edit, 0..3)).prop_map(|(t, edits)| {
            let mut v = templates()[t].clone();
            let map = v.as_object_mut().unwrap();
            for (op, name, value) in edits {
                match op {
                    0 => {
                        map.remove(NAMES[name]);
                    }
                    _ => {
                        map.insert(NAMES[name].to_owned(), values()[value].clone());
                    }
                }
            }
            v
        })
    }

    #[test]
    fn every_template_reads_as_the_derived_reader_reads_it() {
        for v in templates() {
            let derived: Event = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(Event::read(v), Ok(derived));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The hand reader takes what the derived one takes, gives the same
        /// event, and refuses what it refuses. Two known differences are
        /// left out: `null`, which the hand reader takes as absent, is never
        /// generated; and serde lets a unit variant (`noop`) carry any
        /// fields, where the hand reader refuses them like any other event.
        #[test]
        fn the_hand_reader_agrees_with_the_derived_one(v in mutated()) {
            let noop_with_fields = v["type"] == "noop" && v.as_object().is_some_and(|m| m.len() > 1);
            let derived = if noop_with_fields {
                None
            } else {
                serde_json::from_value::<Event>(v.clone()).ok()
            };
            let read = Event::read(v.clone());
            prop_assert_eq!(read.clone().ok(), derived, "{} -> {:?}", v, read);
        }
    }

    #[test]
    fn bad_events_are_refused_with_what_is_wrong() {
        for (v, says) in [
            (json!([1]), "an event must be an object, not an array"),
            (json!({}), "an event has no `type`"),
            (json!({"type": 3}), "`type` must be a string, not a number"),
            (json!({"type": "fly"}), "unknown event type \"fly\""),
            (json!({"type": "show"}), "a `show` event has no field `now`"),
            (
                json!({"type": "show", "now": "1"}),
                "`now` of a `show` event must be a number",
            ),
            (
                json!({"type": "show", "now": 1, "then": 2}),
                "unknown field `then` in a `show` event",
            ),
            (
                json!({"type": "timer", "id": -1, "now": 1}),
                "`id` of a `timer` event must be a whole number",
            ),
            (
                json!({"type": "httpResult", "id": 1, "status": 70000, "body": ""}),
                "from 0 to 65535",
            ),
            (
                json!({"type": "tap", "action": "fly"}),
                "unknown action \"fly\"",
            ),
            (
                json!({"type": "launch", "now": 1, "qyApis": [1]}),
                "an array of strings",
            ),
        ] {
            let err = Event::read(v.clone()).unwrap_err();
            assert!(err.contains(says), "{v}: {err}");
        }
    }

    #[test]
    fn null_fields_count_as_absent() {
        let v =
            json!({"type": "input", "field": "remark", "value": "x", "index": null, "now": null});
        assert_eq!(
            Event::read(v),
            Ok(Event::Input {
                field: "remark".into(),
                value: "x".into(),
                index: None,
                now: 0.0
            })
        );
    }
}
