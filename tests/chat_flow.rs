//! Talking back into the chat, native: the composer from the card, the group
//! chat and the attachment bar, quick replies filled from the card, and every
//! send outcome.

mod support {
    pub mod world;
}

use serde_json::{json, Value};
use support::world::World;

fn sends(w: &World) -> Vec<Value> {
    w.qy_calls
        .iter()
        .filter(|(a, _)| a == "sendChatMessage")
        .map(|(_, args)| args.clone())
        .collect()
}

fn compose_from_card() -> World {
    let mut w = World::new("single_chat_tools");
    w.launch();
    w.tap("compose", Value::Null);
    assert_eq!(w.route(), "compose");
    w
}

#[test]
fn text_from_the_single_chat_sends_exact_arguments() {
    let mut w = compose_from_card();
    w.input("composer.text", "您好，报价单已发您邮箱");
    w.tap("send", Value::Null);
    let sent = sends(&w);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["msgtype"], "text");
    assert_eq!(sent[0]["text"]["content"], "您好，报价单已发您邮箱");
    // Android 4.1.36 supports enterChat; the member did not ask for it.
    assert_eq!(sent[0]["enterChat"], false);
    assert_eq!(w.page["composer"]["lastResult"]["sent"], true);
    assert_eq!(
        w.page["composer"]["fields"][0]["value"], "",
        "cleared after a send"
    );
}

#[test]
fn enter_chat_is_not_offered_on_desktop_or_old_clients() {
    for (platform, version) in [("windows", "4.1.36"), ("android", "3.1.8")] {
        let mut w = World::new("single_chat_tools");
        w.platform = platform;
        w.client_version = version;
        w.launch();
        w.tap("compose", Value::Null);
        assert_eq!(
            w.page["composer"]["enterChatOffered"], false,
            "{platform} {version}"
        );
        w.input("composer.text", "hi");
        w.tap("send", Value::Null);
        assert!(
            sends(&w)[0].get("enterChat").is_none(),
            "{platform} {version}: {}",
            sends(&w)[0]
        );
    }
}

/// A composer whose materials library is empty: the built-in quick replies
/// stand in for the library's.
fn compose_without_library() -> World {
    let mut w = World::new("single_chat_tools");
    let mut ok = support::world::ok_backend();
    w.backend = Box::new(move |m, url, b, h| {
        if url.ends_with("/api/materials") {
            (
                200,
                json!({"errcode": 0, "errmsg": "ok", "materials": []}).to_string(),
            )
        } else {
            ok(m, url, b, h)
        }
    });
    w.launch();
    w.tap("compose", Value::Null);
    w
}

#[test]
fn the_librarys_quick_replies_take_the_place_of_the_built_in_ones() {
    let w = compose_from_card();
    assert!(w.page["composer"]["library"]
        .as_array()
        .is_some_and(|l| !l.is_empty()));
    assert_eq!(
        w.page["quickReplies"],
        json!([]),
        "one list of quick replies, the library's"
    );
    let w = compose_without_library();
    assert!(!w.page["quickReplies"].as_array().unwrap().is_empty());
}

#[test]
fn a_quick_reply_is_filled_from_the_card() {
    let mut w = compose_without_library();
    let replies = w.page["quickReplies"].as_array().unwrap().clone();
    assert!(!replies.is_empty());
    let id = replies[0]["id"].as_str().unwrap().to_owned();
    w.tap("quickReply", json!(id));
    let shown = w.page["composer"]["fields"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        shown.contains("陈晓明") || !replies[0]["text"].as_str().unwrap().contains("陈晓明"),
        "{shown}"
    );
    assert!(!shown.contains("{name}"), "filled when inserted: {shown}");
    w.tap("send", Value::Null);
    let sent = sends(&w);
    assert_eq!(sent.len(), 1, "{}", w.page["composeNote"]);
    let content = sent[0]["text"]["content"].as_str().unwrap();
    assert!(
        !content.contains('{'),
        "no placeholder is sent as a literal: {content}"
    );
}

#[test]
fn an_unfillable_placeholder_is_shown_and_never_sent() {
    let mut w = compose_from_card();
    // The fixture customer has no position.
    w.input("composer.text", "{name}（{position}）您好 🎉");
    w.tap("send", Value::Null);
    assert!(sends(&w).is_empty());
    let note = w.page["composeNote"].as_str().unwrap();
    assert!(note.contains("{position}"), "{note}");
    assert_eq!(
        w.page["composer"]["fields"][0]["value"], "{name}（{position}）您好 🎉",
        "the text stays"
    );
    // Fixing it sends the filled text.
    w.input("composer.text", "{name}您好 🎉");
    w.tap("send", Value::Null);
    assert_eq!(sends(&w)[0]["text"]["content"], "陈晓明您好 🎉");
}

#[test]
fn news_needs_protocols_and_miniprogram_pages_end_in_html() {
    let mut w = compose_from_card();
    w.tap("msgType", json!("news"));
    w.input("composer.newsLink", "example.com/a");
    w.input("composer.newsTitle", "产品手册");
    w.input("composer.newsImgUrl", "cdn.example.com/a.png");
    w.tap("send", Value::Null);
    assert!(sends(&w).is_empty());
    assert_eq!(w.page["composer"]["canSend"], false);
    w.input("composer.newsLink", "https://example.com/a");
    w.input("composer.newsImgUrl", "https://cdn.example.com/a.png");
    w.tap("send", Value::Null);
    assert_eq!(
        sends(&w)[0]["news"]["imgUrl"],
        "https://cdn.example.com/a.png"
    );

    w.tap("msgType", json!("miniprogram"));
    w.input("composer.miniprogramAppid", "wx8bd80126147dfAAA");
    w.input("composer.miniprogramTitle", "下单");
    w.input(
        "composer.miniprogramImgUrl",
        "https://cdn.example.com/m.png",
    );
    w.input("composer.miniprogramPage", "pages/index/index");
    w.tap("send", Value::Null);
    assert_eq!(sends(&w).len(), 1, "a page without .html is refused");
    w.input("composer.miniprogramPage", "pages/index/index.html");
    w.tap("send", Value::Null);
    assert_eq!(
        sends(&w)[1]["miniprogram"]["page"],
        "pages/index/index.html"
    );
}

#[test]
fn every_send_failure_keeps_the_message() {
    for (reason, code) in [
        ("cancel", "cancelled"),
        ("fail no permission", "no_permission"),
        ("fail user not in allow list", "not_in_allow_list"),
        ("fail without context of external contact", "wrong_entry"),
        ("fail invalid imgUrl", "invalid_image_url"),
        ("fail not support", "unsupported"),
    ] {
        let mut w = compose_from_card();
        w.qy_fail.insert("sendChatMessage", reason.into());
        w.input("composer.text", "保留我");
        w.tap("send", Value::Null);
        assert_eq!(w.page["composer"]["lastResult"]["code"], code, "{reason}");
        assert_eq!(w.page["composer"]["lastResult"]["sent"], false);
        assert_eq!(
            w.page["composer"]["fields"][0]["value"], "保留我",
            "{reason}: the text stays"
        );
    }
}

#[test]
fn the_group_chat_shows_members_and_can_send() {
    let mut w = World::new("group_chat_tools");
    w.launch();
    assert_eq!(w.page["group"]["counts"]["external"], 1);
    assert_eq!(w.page["group"]["counts"]["internal"], 1);
    w.input("composer.text", "各位好");
    w.tap("send", Value::Null);
    assert_eq!(sends(&w)[0]["text"]["content"], "各位好");
}

#[test]
fn the_attachment_bar_sends_without_a_customer() {
    let mut w = World::new("chat_attachment");
    w.launch();
    w.input("composer.text", "附件栏消息");
    w.tap("send", Value::Null);
    assert_eq!(sends(&w)[0]["text"]["content"], "附件栏消息");
    assert!(!w.qy_calls.iter().any(|(a, _)| a == "getCurExternalContact"));
}

#[test]
fn the_attachment_bar_on_mac_says_it_cannot_send() {
    let mut w = World::new("chat_attachment");
    w.platform = "mac";
    w.launch();
    assert_eq!(w.page["composer"]["canSend"], false);
    // One line, where the composer says it is blocked; no second note.
    assert!(w.page["composer"]["blocked"]["message"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("mac"));
    assert!(w.page["composer"]["note"].is_null());
    w.input("composer.text", "x");
    w.tap("send", Value::Null);
    assert!(sends(&w).is_empty());
}

#[test]
fn home_picks_a_customer_and_opens_a_chat() {
    let mut w = World::new("normal");
    w.launch();
    w.tap("pickCustomer", Value::Null);
    assert_eq!(w.route(), "card");
    assert_eq!(w.page["card"]["customer"]["name"], "陈晓明");
    w.tap("openChat", Value::Null);
    let (_, args) = w
        .qy_calls
        .iter()
        .find(|(a, _)| a == "openEnterpriseChat")
        .unwrap()
        .clone();
    assert_eq!(args["externalUserIds"], "wmChenXiaoMing0001AAAA");
    w.tap("openProfile", Value::Null);
    let (_, args) = w
        .qy_calls
        .iter()
        .find(|(a, _)| a == "openUserProfile")
        .unwrap()
        .clone();
    assert_eq!(args, json!({"type": 2, "userid": "wmChenXiaoMing0001AAAA"}));
}

#[test]
fn home_cannot_send_into_a_chat() {
    let mut w = World::new("normal");
    w.launch();
    w.tap("compose", Value::Null);
    assert_eq!(w.page["composer"]["canSend"], false);
    assert!(w.page["composer"]["blocked"]["message"].is_string());
    assert!(w.page["composer"]["note"].is_null());
}

#[test]
fn cancelling_the_picker_stays_home() {
    let mut w = World::new("normal");
    w.qy_fail
        .insert("selectExternalContact", "fail cancel".into());
    w.launch();
    w.tap("pickCustomer", Value::Null);
    assert_eq!(w.route(), "home");
    assert!(w.page["banner"].is_null());
}

#[test]
fn the_composer_offers_the_way_back_to_the_card() {
    let mut w = compose_from_card();
    assert_eq!(w.page["canBackToCard"], true);
    w.tap("card", Value::Null);
    assert_eq!(w.route(), "card");
    let mut w = World::new("chat_attachment");
    w.launch();
    assert_eq!(w.page["canBackToCard"], false);
}

// --- the materials library ----------------------------------------------------

fn library_ids(w: &World) -> Vec<String> {
    w.page["composer"]["library"]
        .as_array()
        .unwrap_or_else(|| panic!("no library: {}", w.page["composer"]))
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap().iter())
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn materials_reads(w: &World) -> usize {
    w.requests
        .iter()
        .filter(|r| r.0 == "GET" && r.1.ends_with("/api/materials"))
        .count()
}

#[test]
fn the_composer_lists_the_library_and_sends_a_picture_from_it_without_a_media_id() {
    let mut w = compose_from_card();
    assert_eq!(materials_reads(&w), 1);
    let ids = library_ids(&w);
    assert_eq!(
        ids,
        [
            "mat_greet",
            "mat_intro",
            "mat_site",
            "mat_poster",
            "mat_price"
        ],
        "no group-only entry in a one-to-one chat"
    );
    let sections: Vec<(String, String)> = w.page["composer"]["library"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["tab"].as_str().unwrap().into(),
                s["title"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(sections[0], ("text".into(), "开场白 (2)".into()));
    assert_eq!(sections[2].0, "image");
    w.tap("msgType", json!("image"));
    assert!(
        w.page["composer"]["fields"].as_array().unwrap().is_empty(),
        "no media id to type: {}",
        w.page["composer"]["fields"]
    );
    assert_eq!(w.page["composer"]["canPickPicture"], true);
    w.tap("sendMaterial", json!("mat_poster"));
    let sent = sends(&w);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["msgtype"], "image");
    assert_eq!(sent[0]["image"], json!({"mediaid": "MEDIA_POSTER_1"}));
    assert_eq!(w.page["composer"]["lastResult"]["sent"], true);
    w.tap("sendMaterial", json!("mat_greet"));
    assert_eq!(sends(&w)[1]["text"]["content"], "陈晓明您好，我是张三");
}

#[test]
fn a_group_chat_gets_the_group_library_without_customer_templates() {
    let mut w = World::new("group_chat_tools");
    w.launch();
    assert_eq!(w.route(), "group");
    let ids = library_ids(&w);
    assert!(ids.contains(&"mat_welcome".to_owned()), "{ids:?}");
    assert!(
        !ids.contains(&"mat_greet".to_owned()),
        "{{name}} means nothing in a group: {ids:?}"
    );
    for q in w.page["quickReplies"].as_array().unwrap() {
        assert_eq!(q["ready"], true, "{q}");
        assert!(!q["text"].as_str().unwrap().contains("{name}"), "{q}");
    }
    let text = w.text();
    assert!(!text.contains("Missing: customer name"), "{text}");
}

#[test]
fn a_picture_from_the_phone_goes_through_the_server_and_into_the_chat() {
    let mut w = compose_from_card();
    w.wx_results.insert(
        "chooseMedia",
        json!({"errMsg": "chooseMedia:ok", "type": "image", "tempFiles": [{"tempFilePath": "wxfile://tmp_42.jpg", "size": 80000, "fileType": "image"}]}),
    );
    w.wx_results.insert(
        "uploadFile",
        json!({"errMsg": "uploadFile:ok", "statusCode": 200, "data": "{\"errcode\":0,\"type\":\"image\",\"media_id\":\"MEDIA_PHONE_7\"}"}),
    );
    w.tap("msgType", json!("image"));
    w.tap("pickPicture", Value::Null);
    let apis: Vec<&str> = w.wx_calls.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(apis, ["chooseMedia", "uploadFile"]);
    let upload = &w.wx_calls[1].1;
    assert_eq!(upload["url"], "https://api.example.com/api/media");
    assert_eq!(upload["filePath"], "wxfile://tmp_42.jpg");
    assert_eq!(upload["header"]["Authorization"], "Bearer tok-1");
    let sent = sends(&w);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["image"]["mediaid"], "MEDIA_PHONE_7");
    assert_eq!(w.page["composer"]["pictureBusy"], false);
}

#[test]
fn ios_refusing_an_image_is_said_in_words_with_the_errmsg_only_in_english() {
    for (zh, locale_world) in [
        (false, World::new("single_chat_tools")),
        (true, World::zh("single_chat_tools")),
    ] {
        let mut w = locale_world;
        w.platform = "ios";
        w.qy_fail.insert(
            "sendChatMessage",
            "sendChatMessage:fail unsupported msgtype".into(),
        );
        w.launch();
        w.tap("compose", Value::Null);
        w.tap("sendMaterial", json!("mat_poster"));
        let msg = w.page["composer"]["lastResult"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(w.page["composer"]["lastResult"]["sent"], false);
        if zh {
            assert!(
                !msg.contains("sendChatMessage") && !msg.contains("unsupported"),
                "{msg}"
            );
            assert!(msg.contains("iOS"), "{msg}");
        } else {
            assert!(msg.contains("iOS") || msg.contains("update"), "{msg}");
        }
    }
}

#[test]
fn the_library_survives_a_kill_and_shows_offline() {
    let mut w = compose_from_card();
    assert!(w.storage.contains_key("wcc:materials"));
    w.online = false;
    w.relaunch();
    w.tap("compose", Value::Null);
    assert_eq!(w.route(), "compose");
    let ids = library_ids(&w);
    assert!(
        ids.contains(&"mat_poster".to_owned()),
        "restored from storage: {ids:?}"
    );
}
