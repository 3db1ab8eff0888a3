//! The view models the component tests render (`tests/pages/views/*.json`)
//! are the core's own: each is the view of a real model, driven to its route
//! on the fake shell, and this test fails when a file drifts from it.
//! `WCC_UPDATE_VIEWS=1 cargo test --test page_views` rewrites the files (then
//! review the diff and the jest snapshots of tests/pages).

mod support {
    pub mod world;
}

use std::path::PathBuf;

use serde_json::{json, Value};
use support::world::World;
use wecom_contact_core::app;

/// A remark of 26 characters: over the limit of 20, to show a field error.
const LONG_REMARK: &str = "这是一个超过二十个字符的备注用来演示字段错误提示信息";

fn opened(entry: &str) -> World {
    let mut w = World::new(entry);
    w.launch();
    w
}

/// Opened with a library that holds no quick replies (only media, links and
/// cards), so the composer shows both the library and the built-in quick
/// replies that stand in for the library's.
fn opened_without_library_replies(entry: &str) -> World {
    let mut w = World::new(entry);
    let mut base = support::world::ok_backend();
    w.backend = Box::new(move |m, url, body, headers| {
        if url.ends_with("/api/materials") {
            let mut all = support::world::materials();
            all["materials"]
                .as_array_mut()
                .unwrap()
                .retain(|m| m["kind"] != "text");
            (200, all.to_string())
        } else {
            base(m, url, body, headers)
        }
    });
    w.launch();
    w
}

/// Every route the page renders, each from a model in that state.
fn views() -> Vec<(&'static str, World)> {
    // Signing in while the backend cannot be reached: retrying, with a banner.
    let mut loading = World::new("single_chat_tools");
    loading.online = false;
    loading.launch();

    // Opened in devtools, which cannot read the chat: a blocking notice.
    let mut notice = World::new("single_chat_tools");
    notice.platform = "devtools";
    notice.launch();

    // The card, editing: the remark typed past its limit.
    let mut card = opened("single_chat_tools");
    card.tap("edit", Value::Null);
    card.input("remark", LONG_REMARK);

    // The hand-over: a resigned rep's three customers, all handed over to lisi, one
    // refused (the server's answer after 24 hours).
    let mut handover = opened("normal");
    let mut base = support::world::ok_backend();
    handover.backend = Box::new(move |m, url, body, headers| {
        let c = |i: usize| format!("wmHandover{i:022}");
        if url.contains("/customers?") {
            let list: Vec<Value> = (0..3)
                .map(|i| json!({"external_userid": c(i), "dimission_time": 1_699_000_000}))
                .collect();
            (
                200,
                json!({"errcode": 0, "customers": list, "next_cursor": ""}).to_string(),
            )
        } else if url.contains("/group-chats?") {
            (
                200,
                json!({"errcode": 0, "group_chats": [], "next_cursor": ""}).to_string(),
            )
        } else if url.contains("/api/handover/transfers") {
            let items: Vec<Value> = (0..3)
                .map(|i| {
                    let (state, reason) = if i == 1 {
                        ("refused_by_customer", json!("transfer_fail: customer_refused"))
                    } else {
                        ("done", Value::Null)
                    };
                    json!({"type": "customer", "id": c(i), "call": 1, "state": state, "reason": reason})
                })
                .collect();
            let v = json!({"errcode": 0, "errmsg": "ok", "transfer_id": "tr_demo", "kind": "resigned",
                           "handover_userid": "ex_zhou", "takeover_userid": "lisi",
                           "counts": {"done": 2, "refused_by_customer": 1}, "items": items});
            (200, v.to_string())
        } else {
            base(m, url, body, headers)
        }
    });
    handover.tap("openHandover", Value::Null);
    handover.input("handover.giver", "ex_zhou");
    handover.tap("handoverLoad", Value::Null);
    handover.tap("handoverSelectAll", Value::Null);
    handover.input("handover.taker", "lisi");
    handover.tap("handoverSubmit", Value::Null);

    vec![
        ("loading", loading),
        ("notice", notice),
        ("card", card),
        ("group", opened_without_library_replies("group_chat_tools")),
        ("compose", opened_without_library_replies("chat_attachment")),
        ("home", opened("normal")),
        ("handover", handover),
    ]
}

fn fixture(route: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pages/views")
        .join(format!("{route}.json"))
}

#[test]
fn the_page_fixtures_are_the_cores_views() {
    let update = std::env::var_os("WCC_UPDATE_VIEWS").is_some();
    let mut drifted = Vec::new();
    for (route, w) in views() {
        let view = app::view_value(&w.model);
        assert_eq!(view["route"], json!(route), "{route}: {view}");
        // What setData built from the render patches is that view too.
        w.assert_page_matches_view();
        let text = serde_json::to_string_pretty(&view).unwrap() + "\n";
        let path = fixture(route);
        if update {
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        let parsed: Value = serde_json::from_str(&on_disk).unwrap_or(Value::Null);
        if parsed != view {
            drifted.push(route);
        }
    }
    assert!(
        drifted.is_empty(),
        "tests/pages/views/{{{}}}.json differ from the core's views: \
         run `WCC_UPDATE_VIEWS=1 cargo test --test page_views` and review the diff",
        drifted.join(",")
    );
}

#[test]
fn the_card_fixture_shows_what_the_component_tests_need() {
    let (_, card) = views().swap_remove(2);
    let view = app::view_value(&card.model);
    assert_eq!(view["card"]["customer"]["name"], "陈晓明");
    assert_eq!(view["form"]["values"]["remark"], LONG_REMARK);
    assert_eq!(view["form"]["errors"][0]["code"], "too_long");
    assert_eq!(view["form"]["canSave"], false);
}
