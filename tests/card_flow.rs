//! The customer-card journeys, native: drafts that survive a kill, saves
//! through the outbox while offline, rollbacks, merges, damaged storage.

mod support {
    pub mod world;
}

use serde_json::{json, Value};
use support::world::World;

fn card() -> World {
    let mut w = World::new("single_chat_tools");
    w.launch();
    assert_eq!(w.route(), "card");
    w
}

const DRAFT_KEY: &str = "wcc:draft:wmChenXiaoMing0001AAAA";

#[test]
fn my_record_comes_first_then_colleagues() {
    let w = card();
    assert_eq!(w.page["card"]["mine"]["remark"], "陈先生");
    assert_eq!(w.page["card"]["mine"]["tagGroups"][0]["group"], "客户等级");
    assert_eq!(w.page["card"]["colleagues"][0]["userid"], "lisi");
    assert_eq!(w.page["card"]["followerCount"], 2);
}

#[test]
fn typing_writes_a_draft_that_survives_a_kill() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.input("remark", "陈总 🎉");
    let draft: Value = serde_json::from_str(&w.storage[DRAFT_KEY]).unwrap();
    assert_eq!(draft["v"], 2);
    assert_eq!(draft["values"]["remark"], "陈总 🎉");

    w.dispatch(wecom_contact_core::app::Event::Hide { now: w.now });
    w.relaunch();
    assert_eq!(w.route(), "card");
    assert_eq!(w.page["form"]["values"]["remark"], "陈总 🎉");
    assert!(w.page["formMessage"].as_str().unwrap().contains("restored"));
}

#[test]
fn cancel_drops_the_draft() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.input("remark", "x");
    assert!(w.storage.contains_key(DRAFT_KEY));
    w.tap("cancelEdit", Value::Null);
    assert!(!w.storage.contains_key(DRAFT_KEY));
    assert!(w.page["form"].is_null());
}

#[test]
fn too_long_input_shows_the_field_error_and_sends_nothing() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.input("remark", &"备".repeat(21));
    let errors = w.page["form"]["errors"].as_array().unwrap().clone();
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == "remark" && e["code"] == "too_long"),
        "{errors:?}"
    );
    assert_eq!(w.page["form"]["canSave"], false);
    w.tap("save", Value::Null);
    assert!(w.writes().is_empty(), "nothing reaches the backend");
    assert!(
        w.page["form"].is_object(),
        "the form stays open with the user's text"
    );
    assert_eq!(w.page["form"]["values"]["remark"], "备".repeat(21));
}

#[test]
fn twenty_emoji_fit_and_twenty_one_do_not() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.input("remark", &"👨‍👩‍👧".repeat(20));
    assert_eq!(w.page["form"]["canSave"], true, "{}", w.page["form"]);
    w.input("remark", &"👨‍👩‍👧".repeat(21));
    assert_eq!(w.page["form"]["canSave"], false);
}

#[test]
fn save_while_offline_then_online_sends_exactly_once() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.input("remark", "王总");
    w.set_online(false);
    w.tap("save", Value::Null);
    // Optimistic: the card shows the new value at once.
    assert_eq!(w.page["card"]["mine"]["remark"], "王总");
    assert!(w.page["form"].is_null());
    assert!(!w.storage.contains_key(DRAFT_KEY));
    assert!(
        w.storage["wcc:outbox"].contains("王总"),
        "the outbox is persisted"
    );
    assert_eq!(w.page["pendingSaves"], 1);
    assert!(w.page["banner"].as_str().unwrap().contains("Offline"));

    w.set_online(true);
    let writes = w.writes();
    let ok: Vec<_> = writes.iter().filter(|r| r.1.ends_with("/remark")).collect();
    // One attempt failed offline, one went through: same idempotency key.
    let keys: Vec<&str> = ok
        .iter()
        .map(|r| r.3["Idempotency-Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "a retry reuses the key");
    assert_eq!(ok[1].2["remark"], "王总");
    assert_eq!(w.page["card"]["mine"]["remark"], "王总");
    assert_eq!(w.page["pendingSaves"], 0);
    assert!(!w.storage.contains_key("wcc:outbox"));
    // Success is a toast; the offline warning in the banner is gone.
    assert_eq!(w.page["banner"], Value::Null);
    assert_eq!(w.toasts().last().map(String::as_str), Some("Saved"));
}

#[test]
fn an_outbox_entry_survives_a_kill_and_is_sent_on_relaunch() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.input("description", "下周回访");
    w.online = false;
    w.tap("save", Value::Null);
    w.online = true;
    w.relaunch();
    let sent: Vec<_> = w
        .writes()
        .into_iter()
        .filter(|r| r.2.get("description").is_some())
        .cloned()
        .collect();
    assert_eq!(sent.len(), 2, "one failed before the kill, one after");
    assert_eq!(w.page["pendingSaves"], 0);
}

/// 48002 on a remark save, in Chinese: the field by its name (备注名), the
/// errcode in words (no English errmsg), once, and who must act (the admin,
/// where in the console); the page does not claim the old value is back
/// while the form holds the member's text.
#[test]
fn a_48002_rejection_in_chinese_says_it_once_in_words_with_the_admins_next_step() {
    let mut w = World::zh("single_chat_tools");
    w.launch();
    let mut inner = support::world::ok_backend();
    w.backend = Box::new(move |m, url, b, h| {
        if url.ends_with("/remark") {
            return (200, r#"{"errcode":48002,"errmsg":"api forbidden"}"#.into());
        }
        inner(m, url, b, h)
    });
    w.tap("edit", Value::Null);
    w.input("remark", "被拒绝的备注");
    w.tap("save", Value::Null);
    let msg = w.page["formMessage"].as_str().unwrap().to_owned();
    assert!(msg.starts_with("未能保存备注名："), "{msg}");
    assert!(
        msg.contains("管理员") && msg.contains("可调用接口的应用"),
        "{msg}"
    );
    for raw in ["remark", "api forbidden", "已恢复原值"] {
        assert!(!msg.contains(raw), "{raw} in {msg}");
    }
    assert!(
        w.page["banner"].is_null(),
        "said twice: {}",
        w.page["banner"]
    );
    assert_eq!(w.page["form"]["values"]["remark"], "被拒绝的备注");
}

#[test]
fn a_server_rejection_rolls_back_and_says_why() {
    let mut w = card();
    let mut inner = support::world::ok_backend();
    w.backend = Box::new(move |m, url, b, h| {
        if url.ends_with("/remark") {
            return (200, r#"{"errcode":40058,"errmsg":"invalid remark"}"#.into());
        }
        inner(m, url, b, h)
    });
    w.tap("edit", Value::Null);
    w.input("remark", "被拒绝的备注");
    w.tap("save", Value::Null);
    assert_eq!(w.page["card"]["mine"]["remark"], "陈先生", "rolled back");
    let msg = w.page["formMessage"].as_str().unwrap();
    assert!(
        msg.contains("40058") && msg.contains("invalid remark"),
        "{msg}"
    );
    assert_eq!(
        w.page["form"]["values"]["remark"], "被拒绝的备注",
        "the user's text is kept"
    );
    assert!(w.storage.contains_key(DRAFT_KEY));
}

#[test]
fn two_edits_while_offline_merge_into_one_request() {
    let mut w = card();
    w.set_online(false);
    w.tap("edit", Value::Null);
    w.input("remark", "A");
    w.tap("save", Value::Null);
    w.tap("edit", Value::Null);
    w.input("description", "B");
    w.tap("save", Value::Null);
    assert_eq!(w.page["pendingSaves"], 1, "merged");
    w.set_online(true);
    let last = w.writes().last().cloned().cloned().unwrap();
    assert_eq!(last.2["remark"], "A");
    assert_eq!(last.2["description"], "B");
    assert_eq!(w.page["card"]["mine"]["remark"], "A");
    assert_eq!(w.page["card"]["mine"]["description"], "B");
}

#[test]
fn nothing_changed_is_not_sent() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.tap("save", Value::Null);
    assert!(w.writes().is_empty());
    assert!(w.page["formMessage"].is_string());
}

#[test]
fn mobiles_are_validated_and_cleared_with_an_empty_string() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.tap("addMobile", Value::Null);
    w.now += 1.0;
    w.dispatch(wecom_contact_core::app::Event::Input {
        field: "mobile".into(),
        value: "12ab".into(),
        index: Some(1),
        now: w.now,
    });
    assert!(w.page["form"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["field"] == "mobiles" && e["index"] == 1));
    w.tap("removeMobile", json!(1));
    w.tap("removeMobile", json!(0));
    w.tap("removeMobile", json!(7)); // out of range: a message, no panic
    w.tap("save", Value::Null);
    let last = w.writes().last().cloned().cloned().unwrap();
    assert_eq!(last.2["remark_mobiles"], json!([""]));
}

#[test]
fn tags_are_added_against_the_corp_list() {
    let mut w = card();
    w.tap("addTag", json!("etLevelB0001"));
    let last = w.writes().last().cloned().cloned().unwrap();
    assert!(last.1.ends_with("/mark-tag"));
    assert_eq!(last.2["add_tag"], json!(["etLevelB0001"]));
    let tags = w.page["card"]["mine"]["tagGroups"][0]["tags"]
        .as_array()
        .unwrap()
        .clone();
    assert!(tags.iter().any(|t| t["id"] == "etLevelB0001"), "{tags:?}");
    w.tap("addTag", json!("etNotInCorpList"));
    assert!(w.page["banner"].is_string());
    assert_eq!(w.writes().len(), 1);
}

#[test]
fn a_damaged_draft_is_set_aside_and_never_blocks() {
    let mut w = World::new("single_chat_tools");
    w.storage.insert(
        DRAFT_KEY.into(),
        r#"{"v":2,"ext":"wmChen","savedAt":1,"values":{"rem"#.into(),
    );
    w.launch();
    assert_eq!(w.route(), "card");
    assert!(!w.storage.contains_key(DRAFT_KEY));
    assert!(w
        .storage
        .contains_key(&format!("wcc-quarantine:{DRAFT_KEY}")));
    assert!(w.page["banner"].as_str().unwrap().contains("damaged"));
    assert!(w.page["form"].is_null());
}

#[test]
fn a_v1_draft_is_migrated() {
    let mut w = World::new("single_chat_tools");
    w.storage.insert(
        DRAFT_KEY.into(),
        r#"{"version":1,"remark":"旧版草稿","desc":"","company":"","mobiles":"13800138000","ts":5}"#.into(),
    );
    w.launch();
    assert_eq!(w.page["form"]["values"]["remark"], "旧版草稿");
    let stored: Value = serde_json::from_str(&w.storage[DRAFT_KEY]).unwrap();
    assert_eq!(stored["v"], 2, "written back in the current format");
}

#[test]
fn storage_full_drops_the_oldest_other_draft_and_says_so() {
    let mut w = World::new("single_chat_tools");
    w.storage.insert(
        "wcc:draft:wmOld0000000000000000".into(),
        r#"{"v":2,"ext":"wmOld0000000000000000","savedAt":1,"values":{"remark":"old"}}"#.into(),
    );
    w.launch();
    w.tap("edit", Value::Null);
    // Room for the new draft only once the old one is gone.
    w.storage_limit = Some(w.storage_bytes() + 120);
    w.input("remark", "new");
    assert!(!w.storage.contains_key("wcc:draft:wmOld0000000000000000"));
    assert!(
        w.storage[DRAFT_KEY].contains("\"new\""),
        "the current draft was written after the eviction"
    );
    assert!(w.page["banner"].as_str().unwrap().contains("oldest draft"));
}

#[test]
fn storage_full_with_nothing_to_drop_warns() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.storage_limit = Some(w.storage_bytes());
    w.input("remark", "new");
    assert!(w.page["banner"].as_str().unwrap().contains("memory only"));
    assert_eq!(
        w.page["form"]["values"]["remark"], "new",
        "the edit itself is kept"
    );
}

#[test]
fn a_customer_error_is_a_typed_notice() {
    let mut w = World::new("single_chat_tools");
    w.backend = Box::new(|_, url, _, _| {
        if url.ends_with("/api/session") {
            (
                200,
                r#"{"token":"t","corpid":"ww7d2f1a3b9c4e5f60","userid":"zhangsan"}"#.into(),
            )
        } else if url.contains("/api/external-contacts/") {
            (
                200,
                r#"{"errcode":84061,"errmsg":"not external contact"}"#.into(),
            )
        } else {
            (200, r#"{"errcode":0,"tag_group":[]}"#.into())
        }
    });
    w.launch();
    assert_eq!(w.route(), "notice");
    assert_eq!(w.page["notice"]["code"], "wecom_not_a_customer");
}

#[test]
fn follow_users_past_a_page_are_fetched_with_the_cursor() {
    let mut w = World::new("single_chat_tools");
    let mut inner = support::world::ok_backend();
    w.backend = Box::new(move |m, url, b, h| {
        if url.contains("/api/external-contacts/") && !url.contains("cursor=") {
            let mut c = support::world::wechat_customer();
            c["next_cursor"] = json!("page2");
            return (200, c.to_string());
        }
        if url.contains("cursor=page2") {
            let c = json!({"errcode":0,"external_contact":{"external_userid":"wmChenXiaoMing0001AAAA","name":"陈晓明","type":1},
                "follow_user":[{"userid":"wangwu","remark":"第二页","createtime":1710000000}],"next_cursor":""});
            return (200, c.to_string());
        }
        inner(m, url, b, h)
    });
    w.launch();
    assert_eq!(w.page["card"]["followerCount"], 3);
    assert!(w.requests.iter().any(|r| r.1.contains("cursor=page2")));
}

#[test]
fn the_tag_picker_lists_corp_tags_and_marks_mine() {
    let mut w = card();
    assert!(w.page["tagPicker"].is_null());
    w.tap("tagPicker", Value::Null);
    let groups = w.page["tagPicker"].as_array().unwrap().clone();
    let tags = groups[0]["tags"].as_array().unwrap().clone();
    let a = tags.iter().find(|t| t["id"] == "etLevelA0001").unwrap();
    let b = tags.iter().find(|t| t["id"] == "etLevelB0001").unwrap();
    assert_eq!(a["selected"], true);
    assert_eq!(b["selected"], false);
    w.tap("addTag", json!("etLevelB0001"));
    let tags = w.page["tagPicker"][0]["tags"].as_array().unwrap().clone();
    assert!(tags.iter().all(|t| t["selected"] == true), "{tags:?}");
    w.tap("tagPicker", Value::Null);
    assert!(w.page["tagPicker"].is_null());
}

#[test]
fn the_tag_picker_link_says_what_a_tap_does_in_both_languages() {
    let mut w = World::zh("single_chat_tools");
    w.launch();
    assert_eq!(w.page["tagPickerLabel"], "+ 打标签");
    w.tap("tagPicker", Value::Null);
    assert_eq!(w.page["tagPickerLabel"], "收起标签");
    w.tap("tagPicker", Value::Null);
    assert_eq!(w.page["tagPickerLabel"], "+ 打标签");

    let mut w = card();
    assert_eq!(w.page["tagPickerLabel"], "+ Add tags");
    w.tap("tagPicker", Value::Null);
    assert_eq!(w.page["tagPickerLabel"], "Hide tags");
}

/// Work follows the change: a dispatch that changes nothing the page shows
/// (the app hidden) builds no view and sends no patch; a keystroke patches
/// the form alone; a line the app itself shows (the banner) still renders.
#[test]
fn a_dispatch_renders_only_what_it_changed() {
    use wecom_contact_core::app::{self, Event};
    use wecom_contact_core::protocol::effect::Effect;
    let mut w = card();
    let hidden = app::update(&mut w.model, Event::Hide { now: w.now + 1.0 });
    assert!(!hidden.iter().any(|e| e.is_render()), "{hidden:?}");
    w.tap("edit", Value::Null);
    let typed = app::update(
        &mut w.model,
        Event::Input {
            field: "remark".into(),
            value: "陈总监".into(),
            index: None,
            now: w.now + 2.0,
        },
    );
    let patch = typed
        .iter()
        .find_map(|e| match e {
            Effect::Render { patch } => Some(patch.clone()),
            _ => None,
        })
        .expect("the keystroke renders");
    assert!(!patch.is_empty());
    assert!(
        patch.keys().all(|k| k.starts_with("form")),
        "{:?}",
        patch.keys().collect::<Vec<_>>()
    );
    assert_eq!(app::rendered_value(&w.model), app::view_value(&w.model));
    // A line the app itself keeps (no slice touched), then dismissed: both render.
    w.model.shared.banner = Some(wecom_contact_core::support::locale::Localized::new(
        "横幅", "A banner",
    ));
    let shown = app::update(&mut w.model, Event::Hide { now: w.now + 2.5 });
    assert!(shown.iter().any(|e| e.is_render()), "{shown:?}");
    assert_eq!(app::rendered_value(&w.model)["banner"], "A banner");
    let dismissed = app::update(
        &mut w.model,
        Event::Tap(
            wecom_contact_core::app::action::Tap::new("dismissBanner", Value::Null, w.now + 3.0)
                .unwrap(),
        ),
    );
    assert!(dismissed.iter().any(|e| e.is_render()), "{dismissed:?}");
    assert_eq!(app::rendered_value(&w.model), app::view_value(&w.model));
}

/// The render keeps the parts a dispatch did not touch from the last one
/// (labels included): a new language still reaches every label, the form's
/// and the page's, and the page set from the patches is the whole view.
#[test]
fn kept_parts_follow_a_change_of_language() {
    use wecom_contact_core::app::{self, Event};
    use wecom_contact_core::support::locale::Locale;
    let mut w = card();
    w.tap("edit", Value::Null);
    assert_eq!(w.page["form"]["labels"]["save"], "Save");
    assert_eq!(w.page["labels"]["banner"]["dismiss"], "Close");
    // A keystroke leaves the page's labels as they were.
    w.input("remark", "陈总");
    assert_eq!(w.page["labels"]["banner"]["dismiss"], "Close");
    w.model.shared.locale = Locale::Zh;
    // Nothing touched, but the language is what the app's lines read.
    w.dispatch(Event::Hide { now: w.now + 1.0 });
    assert_eq!(w.page["form"]["labels"]["save"], "保存");
    assert_eq!(w.page["labels"]["banner"]["dismiss"], "关闭");
    assert_eq!(w.page["form"]["values"]["remark"], "陈总");
    assert_eq!(w.page, app::view_value(&w.model));
}
