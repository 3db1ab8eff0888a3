// Boundary cases shared by the Node and the browser suites (included, not a test target).

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use wecom_contact_core::boundary::Core;

fn config() -> JsValue {
    JsValue::from_str(r#"{"backendUrl":"https://api.example.com","locale":"en"}"#)
}

fn code_of(err: JsValue) -> String {
    assert!(err.is_instance_of::<js_sys::Error>(), "not an Error: {err:?}");
    Reflect::get(&err, &JsValue::from_str("code"))
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}

fn launch() -> JsValue {
    JsValue::from_str(
        r#"{"type":"launch","now":1,"systemInfo":{"environment":"wxwork","platform":"android"},"hasQy":true}"#,
    )
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen_test]
fn dispatch_returns_effects_with_a_render() {
    let mut core = Core::new(config()).unwrap();
    let effects: Array = core.dispatch(launch()).unwrap().into();
    let kinds: Vec<String> = effects.iter().map(|e| get(&e, "kind").as_string().unwrap()).collect();
    // Inside WeCom with no stored session: log in, and render the loading page once.
    assert_eq!(kinds.iter().filter(|k| *k == "render").count(), 1, "{kinds:?}");
    let login = effects.iter().find(|e| get(e, "kind").as_string().as_deref() == Some("qy")).unwrap();
    assert_eq!(get(&login, "api").as_string().unwrap(), "login");
    assert!(get(&login, "id").as_f64().unwrap() >= 1.0);
    let render = effects.iter().find(|e| get(e, "kind").as_string().as_deref() == Some("render")).unwrap();
    let patch = get(&render, "patch");
    assert_eq!(get(&patch, "route").as_string().unwrap(), "loading");
}

#[wasm_bindgen_test]
fn view_has_null_not_undefined() {
    let mut core = Core::new(config()).unwrap();
    core.dispatch(JsValue::from_str(
        r#"{"type":"launch","now":1,"systemInfo":{},"hasQy":false}"#,
    ))
    .unwrap();
    let view = core.view().unwrap();
    // Opened in WeChat: a notice, and every absent part is null.
    assert_eq!(get(&view, "route").as_string().unwrap(), "notice");
    assert!(get(&view, "banner").is_null());
    assert!(get(&view, "card").is_null());
    let keys = js_sys::Object::keys(&view.clone().into());
    for k in keys.iter() {
        assert!(!Reflect::get(&view, &k).unwrap().is_undefined(), "{k:?} is undefined");
    }
}

#[wasm_bindgen_test]
fn initial_view_is_what_a_fresh_core_shows() {
    let fresh = Core::new(JsValue::from_str(r#"{"backendUrl":"https://api.example.com"}"#)).unwrap();
    let initial = Core::initial_view().unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&initial).unwrap(),
        js_sys::JSON::stringify(&fresh.view().unwrap()).unwrap()
    );
    assert_eq!(get(&initial, "route").as_string().unwrap(), "loading");
    assert!(get(&initial, "card").is_null());
}

#[wasm_bindgen_test]
fn garbage_gets_coded_errors_and_the_handle_keeps_working() {
    let mut core = Core::new(config()).unwrap();
    let garbage = [
        JsValue::from_f64(42.0),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::from_bool(true),
        JsValue::from_str("not json"),
        JsValue::from_str(r#"{"type":"nope"}"#),
        JsValue::from_str(r#"{"type":"show","now":"soon"}"#),
        JsValue::from_str(r#"{"type":"tap","action":"noSuchAction"}"#),
        JsValue::from_str(r#"{"type":"tap","action":"addTag","arg":42}"#),
        JsValue::from_str(r#"{"type":"launch","now":1,"systemInfo":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#),
        JsValue::from_str(&"x".repeat(5 * 1024 * 1024)),
        Array::new().into(),
    ];
    for g in garbage {
        let err = core.dispatch(g).unwrap_err();
        let code = code_of(err);
        assert!(code == "bad_event" || code == "too_large", "{code}");
    }
    let effects: Array = core.dispatch(launch()).unwrap().into();
    assert!(effects.length() >= 2, "the handle still works after garbage");
}

#[wasm_bindgen_test]
fn bad_configs_and_snapshots_are_refused() {
    assert_eq!(code_of(Core::new(JsValue::NULL).err().unwrap()), "bad_config");
    assert_eq!(code_of(Core::new(JsValue::from_f64(1.0)).err().unwrap()), "bad_config");
    assert_eq!(
        code_of(Core::new(JsValue::from_str(r#"{"backendUrl":"ftp://x"}"#)).err().unwrap()),
        "bad_config"
    );
    assert_eq!(code_of(Core::restore(JsValue::from_f64(3.0)).err().unwrap()), "bad_snapshot");
    assert_eq!(code_of(Core::restore(JsValue::from_str("{")).err().unwrap()), "bad_snapshot");
    assert_eq!(
        code_of(Core::restore(JsValue::from_str(r#"{"version":999,"model":{}}"#)).err().unwrap()),
        "snapshot_too_new"
    );
}

#[wasm_bindgen_test]
fn snapshot_restores_the_same_view() {
    let mut core = Core::new(config()).unwrap();
    core.dispatch(launch()).unwrap();
    let restored = Core::restore(JsValue::from_str(&core.snapshot())).unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&restored.view().unwrap()).unwrap(),
        js_sys::JSON::stringify(&core.view().unwrap()).unwrap()
    );
}
