//! The card as a rep reads and touches it, native: removing a tag offers
//! undo (and a removal not undone is saved, even across a kill), big
//! customers fold, phone numbers call and attributes copy.

mod support {
    pub mod world;
}

use serde_json::{json, Value};
use support::world::{ok_backend, World};

fn card() -> World {
    let mut w = World::new("single_chat_tools");
    w.launch();
    assert_eq!(w.route(), "card");
    w
}

fn mark_tags(w: &World) -> Vec<Value> {
    w.writes()
        .iter()
        .filter(|r| r.1.ends_with("/mark-tag"))
        .map(|r| r.2.clone())
        .collect()
}

fn my_tag(w: &World) -> Value {
    w.page["card"]["mine"]["tagGroups"][0]["tags"][0].clone()
}

#[test]
fn a_removed_tag_can_be_undone_and_nothing_is_sent() {
    let mut w = card();
    w.tap("removeTag", json!("etLevelA0001"));
    assert!(
        mark_tags(&w).is_empty(),
        "nothing goes before the undo window ends"
    );
    assert_eq!(my_tag(&w)["removing"], true);
    assert_eq!(w.page["card"]["labels"]["removedUndo"], "Removed · Undo");
    assert!(w.timers.iter().any(|(_, ms)| *ms == 5000), "{:?}", w.timers);
    // Stored at once: the removal is durable during its window.
    assert!(w.storage["wcc:outbox"].contains("etLevelA0001"));
    assert_eq!(w.page["pendingSaves"], 0, "not waiting to sync yet");

    w.tap("undoRemoveTag", json!("etLevelA0001"));
    assert_eq!(my_tag(&w)["removing"], false);
    assert_eq!(my_tag(&w)["id"], "etLevelA0001");
    assert!(!w.storage.contains_key("wcc:outbox"));
    // The window's timer fires later: still nothing to send.
    w.fire_timers();
    assert!(mark_tags(&w).is_empty());
    assert_eq!(my_tag(&w)["id"], "etLevelA0001");
    w.assert_page_matches_view();
}

#[test]
fn a_removal_not_undone_is_sent_when_the_window_closes_with_a_toast() {
    let mut w = card();
    w.tap("removeTag", json!("etLevelA0001"));
    w.fire_timers();
    let sent = mark_tags(&w);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["remove_tag"], json!(["etLevelA0001"]));
    let groups = w.page["card"]["mine"]["tagGroups"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        !groups
            .iter()
            .any(|g| g["tags"].to_string().contains("etLevelA0001")),
        "{groups:?}"
    );
    assert_eq!(w.toasts(), ["Saved"]);
    assert_eq!(w.page["banner"], Value::Null, "success is not a banner");
    // Undo after the removal went: nothing happens, nothing breaks.
    w.tap("undoRemoveTag", json!("etLevelA0001"));
    assert_eq!(mark_tags(&w).len(), 1);
}

#[test]
fn a_kill_during_the_undo_window_still_saves_the_removal() {
    let mut w = card();
    w.tap("removeTag", json!("etLevelA0001"));
    assert!(mark_tags(&w).is_empty());
    w.relaunch();
    let sent = mark_tags(&w);
    assert_eq!(sent.len(), 1, "sent after the relaunch");
    assert_eq!(sent[0]["remove_tag"], json!(["etLevelA0001"]));
    assert!(!w.storage.contains_key("wcc:outbox"));
}

#[test]
fn a_restore_from_snapshot_during_the_window_keeps_the_undo() {
    let mut w = card();
    w.tap("removeTag", json!("etLevelA0001"));
    let back = wecom_contact_core::app::restore(&wecom_contact_core::app::snapshot(&w.model))
        .expect("restores");
    let view = wecom_contact_core::app::view_value(&back);
    assert_eq!(
        view["card"]["mine"]["tagGroups"][0]["tags"][0]["removing"],
        true
    );
}

#[test]
fn an_addition_goes_at_once() {
    let mut w = card();
    w.tap("addTag", json!("etLevelB0001"));
    assert_eq!(mark_tags(&w).len(), 1);
    assert_eq!(w.toasts(), ["Saved"]);
}

fn big_backend(colleagues: usize, tags: usize) -> support::world::Backend {
    let mut ok = ok_backend();
    Box::new(move |m, url, b, h| {
        if url.contains("/api/external-contacts/") && m == "GET" {
            let mut follow = vec![json!({
                "userid": "zhangsan", "remark": "大客户", "createtime": 1,
                "tags": (0..tags).map(|i| json!({"group_name": format!("组{}", i % 10), "tag_name": format!("标签{i}"), "type": 1, "tag_id": format!("etBig{i:05}")})).collect::<Vec<_>>(),
                "add_way": 1
            })];
            for i in 0..colleagues {
                follow.push(json!({"userid": format!("colleague{i}"), "remark": format!("备注{i}"), "createtime": 100 + i, "tags": [], "add_way": 1}));
            }
            let body = json!({"errcode": 0, "errmsg": "ok",
                "external_contact": {"external_userid": "wmChenXiaoMing0001AAAA", "name": "大客户", "type": 1},
                "follow_user": follow, "next_cursor": ""});
            (200, body.to_string())
        } else {
            ok(m, url, b, h)
        }
    })
}

fn len(v: &Value) -> usize {
    v.as_array().map_or(0, Vec::len)
}

#[test]
fn a_big_customer_is_folded_until_the_rep_asks() {
    let mut w = World::zh("single_chat_tools");
    w.backend = big_backend(500, 3000);
    w.launch();
    // Folded: my first two tag groups, each folded; the colleagues as one
    // line of the first three names.
    let card = w.page["card"].clone();
    assert_eq!(len(&card["colleagues"]), 0);
    assert_eq!(card["colleaguesTotal"], 500);
    assert_eq!(card["colleaguesMore"], "查看全部 500 位同事");
    let line = card["colleagueNames"].as_str().unwrap().to_owned();
    assert!(
        line.ends_with(" 等") && line.matches('、').count() == 2,
        "{line}"
    );
    let groups = card["mine"]["tagGroups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert!(groups.iter().all(|g| len(&g["tags"]) == 6));
    assert_eq!(groups[0]["more"], "全部 300 个");
    assert_eq!(card["mine"]["tagGroupsTotal"], 10);
    assert_eq!(card["mine"]["tagGroupsMore"], "全部 10 组标签");
    let bytes = w.page.to_string().len();
    assert!(
        bytes < 12_000,
        "the page holds what one screen shows: {bytes} bytes"
    );
    // Names are asked for what is shown: me and the three on the line.
    let asked: Vec<String> = w
        .requests
        .iter()
        .filter(|r| r.1.contains("/api/members"))
        .map(|r| r.1.clone())
        .collect();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert_eq!(asked[1].split(',').count(), 3, "{asked:?}");

    // Every group of mine, each still folded to six tags.
    w.tap("expandTagGroups", Value::Null);
    let mine = w.page["card"]["mine"].clone();
    assert_eq!(len(&mine["tagGroups"]), 10);
    assert!(mine["tagGroups"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| len(&g["tags"]) == 6));
    assert_eq!(mine["tagGroupsMore"], Value::Null);
    assert_eq!(mine["tagGroupsLess"], "收起");
    let bytes = w.page.to_string().len();
    assert!(bytes < 20_000, "every group, folded: {bytes} bytes");

    let group = mine["tagGroups"][9]["group"].clone();
    w.tap("expandTags", group.clone());
    let g9 = &w.page["card"]["mine"]["tagGroups"][9];
    assert_eq!(len(&g9["tags"]), 300);
    assert_eq!(g9["less"], "收起");
    assert_eq!(len(&w.page["card"]["mine"]["tagGroups"][1]["tags"]), 6);
    w.tap("collapseTags", group);
    assert_eq!(len(&w.page["card"]["mine"]["tagGroups"][9]["tags"]), 6);
    w.tap("collapseTagGroups", Value::Null);
    assert_eq!(len(&w.page["card"]["mine"]["tagGroups"]), 2);
    assert_eq!(w.page["card"]["mine"]["tagGroupsMore"], "全部 10 组标签");

    w.tap("expandColleagues", Value::Null);
    assert_eq!(len(&w.page["card"]["colleagues"]), 500);
    assert_eq!(w.page["card"]["colleagueNames"], Value::Null);
    assert_eq!(w.page["card"]["colleaguesLess"], "收起");
    // Now their names are asked for, in batches of 100 (5 requests more).
    let asked = w
        .requests
        .iter()
        .filter(|r| r.1.contains("/api/members"))
        .count();
    assert_eq!(asked, 2 + 5);
    w.tap("collapseColleagues", Value::Null);
    assert_eq!(len(&w.page["card"]["colleagues"]), 0);
    assert_eq!(
        w.page["card"]["colleagueNames"].as_str(),
        Some(line.as_str())
    );
    assert_eq!(len(&w.page["card"]["mine"]["tagGroups"]), 2);
    w.assert_page_matches_view();
}

#[test]
fn my_unfolded_tag_groups_survive_a_restore_from_snapshot() {
    let mut w = World::zh("single_chat_tools");
    w.backend = big_backend(10, 100);
    w.launch();
    w.tap("expandTagGroups", Value::Null);
    assert_eq!(len(&w.page["card"]["mine"]["tagGroups"]), 10);
    let back = wecom_contact_core::app::restore(&wecom_contact_core::app::snapshot(&w.model))
        .expect("restores");
    let view = wecom_contact_core::app::view_value(&back);
    assert_eq!(len(&view["card"]["mine"]["tagGroups"]), 10);
    assert_eq!(view["card"]["mine"]["tagGroupsLess"], "收起");
    // the colleagues stay folded to their line
    assert_eq!(len(&view["card"]["colleagues"]), 0);
    assert!(view["card"]["colleagueNames"].is_string());
}

#[test]
fn a_refresh_keeps_what_the_rep_unfolded() {
    let mut w = World::zh("single_chat_tools");
    w.backend = big_backend(10, 0);
    w.launch();
    w.tap("expandColleagues", Value::Null);
    assert_eq!(w.page["card"]["colleagues"].as_array().unwrap().len(), 10);
    w.tap("refresh", Value::Null);
    assert_eq!(
        w.page["card"]["colleagues"].as_array().unwrap().len(),
        10,
        "a refresh keeps what the rep opened"
    );
}

#[test]
fn a_phone_number_is_called_from_the_model() {
    let mut w = card();
    w.tap("callPhone", json!("zhangsan/0"));
    assert_eq!(
        w.wx_calls.last().unwrap(),
        &(
            "makePhoneCall".to_owned(),
            json!({"phoneNumber": "13800138000"})
        )
    );
    let calls = w.wx_calls.len();
    // An index the card does not have, or a member who is not on it: nothing.
    w.tap("callPhone", json!("zhangsan/5"));
    w.tap("callPhone", json!("wangwu/0"));
    w.tap("callPhone", json!("lisi/0"));
    assert_eq!(w.wx_calls.len(), calls);
}

#[test]
fn a_phone_number_being_edited_is_called_as_saved_not_as_typed() {
    let mut w = card();
    w.tap("edit", Value::Null);
    w.dispatch(wecom_contact_core::app::Event::Input {
        field: "mobile".into(),
        value: "13900000000".into(),
        index: Some(0),
        now: w.now,
    });
    w.tap("callPhone", json!("zhangsan/0"));
    assert_eq!(w.wx_calls.last().unwrap().1["phoneNumber"], "13800138000");
}

#[test]
fn an_attribute_is_copied_with_a_toast() {
    let mut w = World::new("single_chat_tools");
    let mut ok = ok_backend();
    w.backend = Box::new(move |m, url, b, h| {
        if url.contains("/api/external-contacts/") && m == "GET" {
            let mut c = support::world::wechat_customer();
            c["external_contact"]["external_profile"] = json!({"external_attr": [
                {"type": 0, "name": "文本", "text": {"value": "会员 A-1024"}},
                {"type": 1, "name": "官网", "web": {"url": "https://example.com/a", "title": "官网"}}
            ]});
            (200, c.to_string())
        } else {
            ok(m, url, b, h)
        }
    });
    w.launch();
    assert_eq!(w.page["card"]["attrs"].as_array().unwrap().len(), 2);
    w.tap("copyAttr", json!(1));
    assert!(w
        .wx_calls
        .iter()
        .any(|(api, a)| api == "setClipboardData" && a["data"] == "https://example.com/a"));
    assert_eq!(w.toasts(), ["Copied"]);
    w.tap("copyAttr", json!("0"));
    assert!(w
        .wx_calls
        .iter()
        .any(|(api, a)| api == "setClipboardData" && a["data"] == "会员 A-1024"));
    // No such attribute: nothing.
    let n = w.wx_calls.len();
    w.tap("copyAttr", json!(9));
    assert_eq!(w.wx_calls.len(), n);
    // The clipboard refused: a line, no toast that lies.
    w.wx_fail
        .insert("setClipboardData", "fail permission denied".into());
    w.tap("copyAttr", json!(0));
    assert_eq!(w.toasts(), ["Copied", "Copied"]);
    assert_eq!(w.page["banner"], "Could not copy to the clipboard");
}
