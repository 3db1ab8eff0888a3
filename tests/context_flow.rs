//! The WeCom-context journeys, native: every entry, devtools, WeChat, an old
//! client, no permission, an expired session, the backend down then up.

mod support {
    pub mod world;
}

use serde_json::json;
use support::world::{all_qy, World};

fn open(entry: &str) -> World {
    let mut w = World::new(entry);
    w.launch();
    w
}

#[test]
fn customer_entries_open_the_card() {
    for entry in ["single_chat_tools", "contact_profile"] {
        let w = open(entry);
        assert_eq!(w.route(), "card", "{entry}");
        assert_eq!(w.page["card"]["customer"]["name"], "陈晓明", "{entry}");
        assert!(
            w.qy_calls
                .iter()
                .any(|(api, _)| api == "getCurExternalContact"),
            "{entry}"
        );
        w.assert_page_matches_view();
    }
}

#[test]
fn group_entries_open_the_group_view() {
    for entry in ["group_chat_tools"] {
        let w = open(entry);
        assert_eq!(w.route(), "group", "{entry}");
        assert_eq!(w.page["group"]["name"], "企业版客户交流群");
        assert!(w
            .qy_calls
            .iter()
            .any(|(api, _)| api == "getCurExternalChat"));
        assert!(!w
            .qy_calls
            .iter()
            .any(|(api, _)| api == "getCurExternalContact"));
    }
}

/// The 上下游 toolbars are served by getCurCorpGroupContact / getCurCorpGroupChat
/// (wecom:97020), never by the customer calls; their contact and chat are
/// not customers, so the composer opens, with a line saying why.
#[test]
fn chain_entries_use_the_corp_group_calls_and_open_the_composer() {
    for (entry, call) in [
        ("chain_single_chat_tools", "getCurCorpGroupContact"),
        ("chain_group_chat_tools", "getCurCorpGroupChat"),
    ] {
        let w = open(entry);
        let calls: Vec<&str> = w.qy_calls.iter().map(|(a, _)| a.as_str()).collect();
        assert!(calls.contains(&call), "{entry}: {calls:?}");
        assert!(
            !calls.contains(&"getCurExternalContact"),
            "{entry}: {calls:?}"
        );
        assert!(!calls.contains(&"getCurExternalChat"), "{entry}: {calls:?}");
        assert_eq!(w.route(), "compose", "{entry}");
        assert!(w.page["composer"].is_object(), "{entry}");
        assert!(
            w.page["banner"]
                .as_str()
                .unwrap()
                .contains("not a customer"),
            "{entry}"
        );
        w.assert_page_matches_view();
    }
}

#[test]
fn attachment_entry_opens_the_composer_without_a_customer() {
    let w = open("chat_attachment");
    assert_eq!(w.route(), "compose");
    assert!(!w
        .qy_calls
        .iter()
        .any(|(api, _)| api == "getCurExternalContact"));
    assert!(w.page["composer"].is_object());
}

#[test]
fn normal_entry_opens_home() {
    let w = open("normal");
    assert_eq!(w.route(), "home");
    assert_eq!(w.page["canPickCustomer"], true);
    assert!(w.page["banner"].is_null());
}

#[test]
fn unknown_and_unhandled_entries_degrade_to_home_with_a_note() {
    for entry in [
        "single_kf_tools",
        "internal_group_chat_board",
        "some_future_entry",
        "",
    ] {
        let w = open(entry);
        assert_eq!(w.route(), "home", "{entry:?}");
        let banner = w.page["banner"].as_str().unwrap_or("").to_owned();
        assert!(banner.contains("does not handle"), "{entry:?}: {banner}");
    }
}

#[test]
fn devtools_says_open_on_phone() {
    let mut w = World::new("single_chat_tools");
    w.platform = "devtools";
    w.launch();
    assert_eq!(w.route(), "notice");
    assert_eq!(w.page["notice"]["code"], "devtools");
    assert!(w.page["notice"]["message"]
        .as_str()
        .unwrap()
        .contains("open this on your phone"));
    assert!(
        !w.qy_calls.iter().any(|(api, _)| api == "getContext"),
        "the core knows devtools cannot"
    );
}

#[test]
fn wechat_host_says_open_in_wecom() {
    let mut w = World::new("single_chat_tools");
    w.host_wecom = false;
    w.launch();
    assert_eq!(w.route(), "notice");
    assert_eq!(w.page["notice"]["code"], "not_in_wecom");
    assert!(w.page["notice"]["message"]
        .as_str()
        .unwrap()
        .contains("opened in WeChat, not WeCom"));
    assert!(w.qy_calls.is_empty());
}

#[test]
fn client_without_get_context_says_update() {
    let mut w = World::new("single_chat_tools");
    w.client_version = "2.8.0";
    w.qy_apis = all_qy()
        .into_iter()
        .filter(|a| *a != "getContext")
        .collect();
    w.launch();
    assert_eq!(w.route(), "notice");
    assert_eq!(w.page["notice"]["code"], "client_too_old");
    assert!(
        w.page["notice"]["message"]
            .as_str()
            .unwrap()
            .contains("update WeCom to 3.0.24 or later"),
        "{}",
        w.text()
    );
}

#[test]
fn attachment_on_an_old_client_cannot_send() {
    let mut w = World::new("chat_attachment");
    w.client_version = "3.1.2";
    w.launch();
    assert_eq!(w.route(), "compose");
    assert_eq!(w.page["composer"]["canSend"], false);
    // One message, the upgrade, where the composer says it is blocked.
    assert!(
        w.page["composer"]["blocked"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("3.1.6"),
        "{}",
        w.page["composer"]
    );
    assert!(
        w.page["composer"]["note"].is_null(),
        "{}",
        w.page["composer"]
    );
}

#[test]
fn no_permission_shows_guidance() {
    let mut w = World::new("single_chat_tools");
    w.qy_fail
        .insert("getCurExternalContact", "fail no permission".into());
    w.launch();
    assert_eq!(w.route(), "notice");
    assert_eq!(w.page["notice"]["code"], "no_permission");
    assert_eq!(
        w.page["notice"]["guidance"],
        "ask your admin to add you to the Customer Contact usage scope"
    );
}

#[test]
fn not_in_allow_list_and_wrong_entry_are_typed() {
    let mut w = World::new("single_chat_tools");
    w.qy_fail.insert(
        "getCurExternalContact",
        "fail user not in allow list".into(),
    );
    w.launch();
    assert_eq!(w.page["notice"]["code"], "not_in_allow_list");

    let mut w = World::new("single_chat_tools");
    w.qy_fail.insert(
        "getCurExternalContact",
        "fail without context of external contact".into(),
    );
    w.launch();
    assert_eq!(w.page["notice"]["code"], "wrong_entry");
}

#[test]
fn unknown_failure_keeps_the_raw_message_and_offers_retry() {
    let mut w = World::new("single_chat_tools");
    w.qy_fail
        .insert("getContext", "fail something new happened".into());
    w.launch();
    assert_eq!(w.page["notice"]["code"], "unknown");
    assert_eq!(w.page["notice"]["canRetry"], true);
    w.qy_fail.clear();
    w.tap("retry", json!(null));
    assert_eq!(w.route(), "card");
}

#[test]
fn invalid_customer_id_from_wecom_is_reported() {
    let mut w = World::new("single_chat_tools");
    w.external_userid = "not an id".into();
    w.launch();
    assert_eq!(w.route(), "notice");
    assert_eq!(w.page["notice"]["code"], "id_bad_char");
}

#[test]
fn a_stored_session_is_reused_and_an_expired_one_logs_in_again() {
    let mut w = open("single_chat_tools");
    assert!(w.storage.contains_key("wcc:session"));
    let logins = w.qy_calls.iter().filter(|(a, _)| a == "login").count();
    assert_eq!(logins, 1);

    // Relaunch with a valid WeCom session: no new login.
    w.qy_calls.clear();
    w.relaunch();
    assert_eq!(w.route(), "card");
    assert!(w.qy_calls.iter().any(|(a, _)| a == "checkSession"));
    assert!(!w.qy_calls.iter().any(|(a, _)| a == "login"));

    // Expired: checkSession fails, login runs again.
    w.qy_calls.clear();
    w.session_valid = false;
    w.relaunch();
    assert_eq!(w.route(), "card");
    assert!(w.qy_calls.iter().any(|(a, _)| a == "login"));
}

#[test]
fn backend_401_logs_in_again_and_carries_on() {
    let mut w = World::new("single_chat_tools");
    let mut expired_once = false;
    let mut inner = support::world::ok_backend();
    w.backend = Box::new(move |m, url, b, h| {
        if url.contains("/api/external-contacts/") && !expired_once {
            expired_once = true;
            return (401, r#"{"errcode":42001}"#.into());
        }
        inner(m, url, b, h)
    });
    w.launch();
    assert_eq!(w.route(), "card");
    let logins = w.qy_calls.iter().filter(|(a, _)| a == "login").count();
    assert_eq!(logins, 2, "logged in again after the 401");
}

#[test]
fn backend_down_then_up() {
    let mut w = World::new("single_chat_tools");
    w.online = false;
    w.launch();
    assert_eq!(w.route(), "loading");
    assert!(w.page["banner"]
        .as_str()
        .unwrap()
        .contains("retrying in 1s"));
    assert_eq!(w.timers.len(), 1);
    // Still down when the timer fires: the delay doubles.
    w.fire_timers();
    assert!(
        w.page["banner"]
            .as_str()
            .unwrap()
            .contains("retrying in 2s"),
        "{}",
        w.page["banner"]
    );
    // The network returns: retry at once, no waiting for the timer.
    w.set_online(true);
    assert_eq!(w.route(), "card");
    assert!(w.page["banner"].is_null());
    // The stale timer does nothing.
    w.fire_timers();
    assert_eq!(w.route(), "card");
}

#[test]
fn login_rejected_by_backend_is_explained() {
    let mut w = World::new("single_chat_tools");
    w.backend = Box::new(|_, url, _, _| {
        if url.ends_with("/api/session") {
            (400, r#"{"errcode":40029,"errmsg":"invalid code"}"#.into())
        } else {
            (500, String::new())
        }
    });
    w.launch();
    assert_eq!(w.route(), "notice");
    assert_eq!(w.page["notice"]["code"], "login_rejected_40029");
    // In words, never the backend's errmsg; and who must act next.
    let message = w.page["notice"]["message"].as_str().unwrap();
    assert!(message.contains("Invalid login code"), "{message}");
    assert!(!message.contains("invalid code"), "{message}");
    let guidance = w.page["notice"]["guidance"].as_str().unwrap();
    assert!(
        guidance.contains("open it again") && guidance.contains("admin"),
        "{guidance}"
    );
}

#[test]
fn login_refused_with_an_unknown_errcode_shows_the_code_not_the_errmsg_in_chinese() {
    let mut w = World::zh("single_chat_tools");
    w.backend = Box::new(|_, url, _, _| {
        if url.ends_with("/api/session") {
            (
                400,
                r#"{"errcode":41999,"errmsg":"some backend failure"}"#.into(),
            )
        } else {
            (500, String::new())
        }
    });
    w.launch();
    assert_eq!(w.page["notice"]["code"], "login_rejected_41999");
    let message = w.page["notice"]["message"].as_str().unwrap();
    assert!(message.contains("41999"), "{message}");
    assert!(!message.contains("some backend failure"), "{message}");
    assert!(w.logs.iter().any(|l| l.contains("some backend failure")));
}

#[test]
fn an_unhandled_known_entry_is_named_in_words_not_by_its_id() {
    let mut w = World::zh("single_kf_tools");
    w.launch();
    let banner = w.page["banner"].as_str().unwrap();
    assert!(banner.contains("微信客服工具栏"), "{banner}");
    assert!(!banner.contains("single_kf_tools"), "{banner}");
}

#[test]
fn every_dispatch_renders_at_most_once_and_the_page_matches_the_view() {
    // World::dispatch asserts at most one render per dispatch.
    let mut w = open("single_chat_tools");
    w.assert_page_matches_view();
    w.tap("edit", json!(null));
    w.input("remark", "新备注");
    w.assert_page_matches_view();
}

#[test]
fn snapshot_mid_flow_restores() {
    let mut w = World::new("single_chat_tools");
    w.launch();
    let snap = wecom_contact_core::app::snapshot(&w.model);
    let back = wecom_contact_core::app::restore(&snap).unwrap();
    assert_eq!(
        wecom_contact_core::app::view_value(&back),
        wecom_contact_core::app::view_value(&w.model)
    );
}

#[test]
fn the_token_never_reaches_the_view_or_logs() {
    let w = open("single_chat_tools");
    assert!(!w.text().contains("tok-1"));
    assert!(w.logs.iter().all(|l| !l.contains("tok-1")));
    assert!(w.logs.iter().all(|l| !l.contains("13800138000")));
}

#[test]
fn unknown_actions_and_bad_arguments_are_refused_at_the_door() {
    let mut w = open("single_chat_tools");
    let before = wecom_contact_core::app::snapshot(&w.model);
    for bad in [
        r#"{"type":"tap","action":"noSuchAction"}"#,
        r#"{"type":"tap","action":"addTag","arg":42}"#,
        r#"{"type":"tap","action":"removeTag","arg":"not a tag"}"#,
        r#"{"type":"tap","action":"removeMobile","arg":"first"}"#,
        r#"{"type":"tap","action":"msgType","arg":"fax"}"#,
        r#"{"type":"tap","action":"quickReply","arg":"nope"}"#,
        r#"{"type":"tap","action":"save","extra":1}"#,
    ] {
        let err = wecom_contact_core::app::dispatch_text(&mut w.model, bad).unwrap_err();
        assert_eq!(err.code(), "bad_event", "{bad}");
    }
    assert_eq!(wecom_contact_core::app::snapshot(&w.model), before);
    // Every action the core knows is accepted with its argument.
    let ok = r#"{"type":"tap","action":"addTag","arg":"etLevelB0001","now":5}"#;
    assert!(wecom_contact_core::app::dispatch_text(&mut w.model, ok).is_ok());
}

#[test]
fn a_wx_qy_result_is_read_by_the_api_that_was_asked() {
    use wecom_contact_core::app::{self, Event};
    use wecom_contact_core::protocol::effect::Effect;
    let mut w = World::new("single_chat_tools");
    let mut m = w.model.clone();
    let launch = Event::Launch {
        now: 1.0,
        system_info: serde_json::json!({"platform": "android", "environment": "wxwork"}),
        has_qy: true,
        qy_apis: support::world::all_qy()
            .iter()
            .map(|s| s.to_string())
            .collect(),
        storage: Default::default(),
    };
    let fx = app::update(&mut m, launch);
    let (id, api) = fx
        .iter()
        .find_map(|e| match e {
            Effect::Qy { id, api, .. } => Some((*id, *api)),
            _ => None,
        })
        .expect("login is asked");
    assert_eq!(api.name(), "login");
    // The shell echoes a wrong name: the core still reads a login result.
    let fx = app::update(
        &mut m,
        Event::QyResult {
            id,
            api: "getContext".into(),
            result: serde_json::json!({"errMsg": "login:ok", "code": "c-1"}),
        },
    );
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Http { url, .. } if url.ends_with("/api/session"))),
        "{fx:?}"
    );
    w.model = m;
}
