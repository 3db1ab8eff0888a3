//! Members by name, native: the card and the group show colleagues by
//! name once the backend's `GET /api/members` answers, a clear fallback
//! before (and whenever the answer is bad), and the names survive a
//! snapshot restore and a relaunch.

mod support {
    pub mod world;
}

use serde_json::Value;
use support::world::{ok_backend, World};
use wecom_contact_core::app;

fn members_requests(w: &World) -> Vec<String> {
    w.requests
        .iter()
        .filter(|r| r.1.contains("/api/members"))
        .map(|r| r.1.clone())
        .collect()
}

/// A backend that answers `/api/members` with `status` and `body`, and the
/// rest as the fixture backend does.
fn members_answered_with(w: &mut World, status: u16, body: &'static str) {
    let mut ok = ok_backend();
    w.backend = Box::new(move |m, url, b, h| {
        if url.contains("/api/members") {
            (status, body.to_owned())
        } else {
            ok(m, url, b, h)
        }
    });
}

#[test]
fn the_card_shows_words_first_then_names_once_the_backend_answers() {
    let mut w = World::zh("single_chat_tools");
    w.hold_urls = vec!["/api/members".into()];
    w.launch();
    assert_eq!(w.route(), "card");
    let lisi = &w.page["card"]["colleagues"][0]["person"];
    assert_eq!(lisi["userid"], "lisi");
    assert_eq!(lisi["name"], "同事（正在获取姓名）");
    assert_eq!(lisi["nameKnown"], false);
    assert_eq!(lisi["useridNote"], "lisi");
    assert_ne!(lisi["name"], "lisi", "never the userid as a name");
    // Me once signed in, then the card's colleagues: each asked once.
    let asked = members_requests(&w);
    assert_eq!(
        asked,
        [
            "https://api.example.com/api/members?userids=zhangsan",
            "https://api.example.com/api/members?userids=lisi"
        ]
    );

    w.release_held();
    let lisi = &w.page["card"]["colleagues"][0]["person"];
    assert_eq!(lisi["name"], "李四");
    assert_eq!(lisi["nameKnown"], true);
    assert_eq!(lisi["useridNote"], Value::Null);
    assert_eq!(lisi["initial"], "李");
    assert_eq!(w.page["card"]["mine"]["person"]["name"], "张三");
    w.assert_page_matches_view();

    // Tapping around the card asks nothing again.
    w.tap("tagPicker", Value::Null);
    w.tap("tagPicker", Value::Null);
    assert_eq!(members_requests(&w).len(), 2);
}

#[test]
fn names_survive_a_snapshot_restore() {
    let mut w = World::zh("single_chat_tools");
    w.launch();
    assert_eq!(w.page["card"]["colleagues"][0]["person"]["name"], "李四");
    let back = app::restore(&app::snapshot(&w.model)).expect("restores");
    let view = app::view_value(&back);
    assert_eq!(view["card"]["colleagues"][0]["person"]["name"], "李四");
    assert_eq!(view["card"]["mine"]["person"]["name"], "张三");
    assert_eq!(view, app::view_value(&w.model));
}

#[test]
fn names_survive_a_kill_and_are_not_asked_again_for_a_day() {
    let mut w = World::zh("single_chat_tools");
    w.launch();
    let stored: Value = serde_json::from_str(&w.storage["wcc:people"]).unwrap();
    assert_eq!(stored["v"], 1);
    let before = members_requests(&w).len();
    // The backend now fails: a relaunch shows the stored names all the same.
    members_answered_with(&mut w, 500, "{}");
    w.relaunch();
    assert_eq!(w.route(), "card");
    assert_eq!(w.page["card"]["colleagues"][0]["person"]["name"], "李四");
    assert_eq!(
        members_requests(&w).len(),
        before,
        "fresh names are not fetched again"
    );
    // A day later they are.
    w.now += 24.0 * 3600.0 * 1000.0;
    w.relaunch();
    assert!(members_requests(&w).len() > before);
    assert_eq!(
        w.page["card"]["colleagues"][0]["person"]["name"], "李四",
        "a failed refresh keeps the names it had"
    );
}

fn assert_fallback_stays(status: u16, body: &'static str) {
    let mut w = World::new("single_chat_tools");
    members_answered_with(&mut w, status, body);
    w.launch();
    assert_eq!(w.route(), "card", "{status} {body}");
    let lisi = &w.page["card"]["colleagues"][0]["person"];
    assert_eq!(
        lisi["name"], "Colleague (name unavailable)",
        "{status} {body}"
    );
    assert_eq!(lisi["useridNote"], "lisi");
    assert_eq!(w.page["banner"], Value::Null, "a missing name is no alarm");
    assert!(!w.storage.contains_key("wcc:people"));
    w.assert_page_matches_view();
    // A restore shows the same words (not "loading" again).
    let back = app::restore(&app::snapshot(&w.model)).expect("restores");
    assert_eq!(app::view_value(&back), app::view_value(&w.model));
}

#[test]
fn a_garbage_answer_keeps_the_fallback() {
    assert_fallback_stays(200, "<html><body>502 Bad Gateway</body></html>");
}

#[test]
fn an_answer_of_wrong_types_keeps_the_fallback() {
    assert_fallback_stays(
        200,
        r#"{"members":[{"userid":"lisi","name":["李四"],"known":"yes"}]}"#,
    );
}

#[test]
fn a_members_field_of_the_wrong_type_keeps_the_fallback() {
    assert_fallback_stays(200, r#"{"members":"lisi=李四"}"#);
}

#[test]
fn a_500_keeps_the_fallback() {
    assert_fallback_stays(500, r#"{"error":"internal"}"#);
}

#[test]
fn a_damaged_name_cache_is_set_aside_and_names_are_fetched_again() {
    let mut w = World::zh("single_chat_tools");
    w.storage.insert("wcc:people".into(), "{not json".into());
    w.launch();
    assert_eq!(w.route(), "card");
    assert_eq!(w.page["card"]["colleagues"][0]["person"]["name"], "李四");
    assert!(w.storage.contains_key("wcc-quarantine:wcc:people"));
}

#[test]
fn the_group_names_its_owner_and_members() {
    let mut w = World::zh("group_chat_tools");
    w.hold_urls = vec!["/api/members".into()];
    w.launch();
    assert_eq!(w.route(), "group");
    assert_eq!(w.page["group"]["owner"]["name"], "同事（正在获取姓名）");
    assert_eq!(w.page["group"]["owner"]["useridNote"], "zhangsan");
    w.release_held();
    assert_eq!(w.page["group"]["owner"]["name"], "张三");
    assert_eq!(w.page["group"]["owner"]["nameKnown"], true);
    let me = &w.page["group"]["internalMembers"][0];
    assert_eq!(me["displayName"], "张三");
    assert_eq!(me["initial"], "张");
    assert_eq!(
        w.page["group"]["externalMembers"][0]["displayName"],
        "陈晓明"
    );
    let labels = &w.page["group"]["labels"];
    assert_eq!(labels["owner"], "群主");
    assert_eq!(labels["internalTitle"], "企业成员（1）");
    assert_eq!(labels["externalTitle"], "外部联系人（1）");
    w.assert_page_matches_view();
}

#[test]
fn a_quick_reply_signs_with_my_name_not_my_userid() {
    let mut w = World::zh("single_chat_tools");
    w.launch();
    w.tap("compose", Value::Null);
    // The library's quick replies ("您好，我是{me}").
    let replies = library_text_items(&w);
    let greeting = replies
        .iter()
        .find(|r| r["preview"].as_str().unwrap_or("").contains("张三"))
        .unwrap_or_else(|| panic!("a reply signed by name: {replies:?}"));
    assert!(!greeting["preview"].as_str().unwrap().contains("zhangsan"));
}

/// The quick replies of the composer's materials library.
fn library_text_items(w: &World) -> Vec<Value> {
    w.page["composer"]["library"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["tab"] == "text")
        .flat_map(|s| s["items"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn without_my_name_a_reply_marks_it_missing_instead_of_my_userid() {
    let mut w = World::zh("single_chat_tools");
    members_answered_with(&mut w, 500, "{}");
    w.launch();
    w.tap("compose", Value::Null);
    let replies = Value::from(library_text_items(&w)).to_string();
    assert!(!replies.contains("我是zhangsan"), "{replies}");
    assert!(replies.contains("我的名字"), "{replies}");
}

/// A names request refused with 401 (a stored session the backend no
/// longer knows) is not asked again with the same refused token: the app
/// signs in anew and asks once more with the new session, then stops. The
/// property tests found the loop this guards against (every 401 asked again).
#[test]
fn a_refused_session_does_not_ask_for_names_again_and_again() {
    let mut w = World::zh("single_chat_tools");
    w.storage.insert(
        "wcc:session".into(),
        r#"{"token":"stored-token","corpid":"ww7d2f1a3b9c4e5f60","userid":"zhangsan"}"#.into(),
    );
    members_answered_with(&mut w, 401, r#"{"errcode":42001,"errmsg":"token expired"}"#);
    w.launch();
    let asked = members_requests(&w).len();
    assert!(
        (1..=4).contains(&asked),
        "asked {asked} times: {:?}",
        members_requests(&w)
    );
    // Time passes, nothing changes: no more asking with a refused token.
    w.tap("refresh", Value::Null);
    assert!(
        members_requests(&w).len() <= asked + 2,
        "{:?}",
        members_requests(&w)
    );
    let lisi = &w.page["card"]["colleagues"][0]["person"];
    assert_ne!(lisi["name"], "lisi", "never the userid as a name");
}
