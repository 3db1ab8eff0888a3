//! The chat slice's update, step by step: a Host and a Ctx in, effects,
//! asks and the slice's state out. No shell, no app.

use serde_json::{json, Value};

use super::*;
use crate::protocol::effect::Effect;
use crate::wecom::environment::{Environment, SystemInfo};
use crate::wecom::ids::ExternalUserId;

const EXT: &str = "wmChenXiaoMing0001AAAA";
const CHAT: &str = "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA";
const DRAFT: &str = "wcc:compose:wmChenXiaoMing0001AAAA";

/// Android WeCom 4.1.36, opened from a one-to-one chat with EXT's card open.
fn host() -> Host {
    let info = SystemInfo {
        platform: Some("android".into()),
        environment: Some("wxwork".into()),
        ..SystemInfo::default()
    };
    Host {
        now: 1_700_000_000_000.0,
        locale: Locale::En,
        base: "https://api.example.com".into(),
        session: None,
        env: Environment::detect(&info, true, Some("4.1.36")),
        entry: Some("single_chat_tools".into()),
        qy_apis: Default::default(),
        has_qy: true,
        customer: Some(ExternalUserId::parse(EXT).unwrap()),
        chat: None,
    }
}

fn group_host() -> Host {
    Host {
        entry: Some("group_chat_tools".into()),
        customer: None,
        ..host()
    }
}

fn chat_id() -> GroupChatId {
    GroupChatId::parse(CHAT).unwrap()
}

/// One update: runs `f` on the slice with a fresh Ctx (ids continue after
/// the slice's pending ones) and returns what it emitted.
fn step(
    s: &mut State,
    host: &Host,
    f: impl FnOnce(&mut State, &mut Ctx),
) -> (Vec<Effect>, Vec<Ask>) {
    let (mut fx, mut asks) = (Vec::new(), Vec::new());
    let mut next = s.pending.keys().next_back().copied().unwrap_or(0);
    f(s, &mut Ctx::new(host, &mut fx, &mut asks, &mut next));
    (fx, asks)
}

/// Each effect in one line: `qy sendChatMessage`, `set <key>`, …
fn kinds(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .map(|e| match e {
            Effect::Qy { api, .. } => format!("qy {}", api.name()),
            Effect::Wx { api, .. } => format!("wx {api}"),
            Effect::Http { method, url, .. } => format!("{method} {url}"),
            Effect::StorageSet { key, .. } => format!("set {key}"),
            Effect::StorageRemove { key } => format!("remove {key}"),
            Effect::Timer { after_ms, .. } => format!("timer {after_ms}"),
            Effect::Render { .. } => "render".into(),
            Effect::Log { level, .. } => format!("log {level}"),
        })
        .collect()
}

fn stored(fx: &Effect) -> ComposeDraft {
    match fx {
        Effect::StorageSet { value, .. } => ComposeDraft::parse(value).unwrap(),
        other => panic!("not a write: {other:?}"),
    }
}

fn typed(text: &str) -> State {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "text", text.into())
    });
    s.pending.clear();
    s
}

fn tap(s: &mut State, tap: Tap) -> (Vec<Effect>, Vec<Ask>) {
    step(s, &host(), |s, ctx| {
        s.on_tap(ctx, tap, &TemplateContext::default())
    })
}

/// A text sent and its draft acknowledged: the sendChatMessage is out.
fn sending(text: &str) -> State {
    let mut s = typed(text);
    tap(&mut s, Tap::Send);
    let Some(Pending::StorageWrite { then, .. }) = s.pending.values().next().cloned() else {
        panic!("{:?}", s.pending)
    };
    s.pending.clear();
    step(&mut s, &host(), |s, ctx| s.after_writes(ctx, then));
    s
}

fn answer(s: &mut State, err_msg: &str) -> (Vec<Effect>, Vec<Ask>) {
    let id = *s.pending.keys().next().unwrap();
    let p = s.pending.remove(&id).unwrap();
    let result = json!({ "errMsg": err_msg });
    step(s, &host(), |s, ctx| s.on_qy_result(ctx, p, &result))
}

#[test]
fn open_group_shows_the_group_page_and_fetches_the_group_chat() {
    let mut s = State::default();
    let (fx, asks) = step(&mut s, &group_host(), |s, ctx| s.open_group(ctx, chat_id()));
    assert_eq!(asks, [Ask::Page(Route::Group), Ask::Loading]);
    assert_eq!(
        kinds(&fx),
        [format!(
            "GET https://api.example.com/api/group-chats/{CHAT}"
        )]
    );
    let Effect::Http { id, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(s.pending.get(id), Some(&Pending::FetchGroup));
    assert_eq!(s.chat_id, Some(chat_id()));
}

#[test]
fn a_group_body_makes_the_page_ready_and_an_offline_one_retries_later() {
    let body = json!({"errcode": 0, "errmsg": "ok", "group_chat": {
        "chat_id": CHAT, "name": "企业版客户交流群", "owner": "zhangsan",
        "member_list": [{"userid": "zhangsan", "type": 1, "join_time": 1572505491, "join_scene": 1}]}})
    .to_string();
    let mut s = State::default();
    let (_, asks) = step(&mut s, &group_host(), |s, ctx| {
        s.on_http_result(ctx, Pending::FetchGroup, 200, &body)
    });
    assert_eq!(asks, [Ask::Ready, Ask::Page(Route::Group)]);
    assert_eq!(s.group.as_ref().unwrap().name, "企业版客户交流群");
    let (_, asks) = step(&mut s, &group_host(), |s, ctx| {
        s.on_http_result(ctx, Pending::FetchGroup, 502, "")
    });
    assert_eq!(asks, [Ask::RetryLater { status: 502 }]);
}

#[test]
fn input_writes_a_compose_draft_under_the_chat_context() {
    let mut s = State::default();
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "text", "您好".into())
    });
    assert!(asks.is_empty(), "{asks:?}");
    assert_eq!(kinds(&fx), [format!("set {DRAFT}")]);
    let draft = stored(&fx[0]);
    assert!(!draft.sending);
    assert_eq!(draft.composer.text, "您好");
    let Effect::StorageSet { id, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(
        s.pending.get(id),
        Some(&Pending::StorageWrite {
            key: DRAFT.into(),
            then: vec![]
        })
    );
    assert_eq!(s.compose_drafts[EXT].composer.text, "您好");

    // In a group, the key is the group's.
    let mut s = State {
        chat_id: Some(chat_id()),
        ..State::default()
    };
    let (fx, _) = step(&mut s, &group_host(), |s, ctx| {
        s.on_input(ctx, "text", "大家好".into())
    });
    assert_eq!(kinds(&fx), [format!("set wcc:compose:{CHAT}")]);
}

#[test]
fn send_with_a_missing_template_value_sets_a_note_and_calls_nothing() {
    let mut s = typed("Hi {name}, see you {when}");
    let (fx, asks) = tap(&mut s, Tap::Send);
    assert!(fx.is_empty(), "{fx:?}");
    assert!(asks.is_empty(), "{asks:?}");
    let note = s.compose_note.as_ref().unwrap().en.clone();
    assert!(note.contains("{name}") && note.contains("{when}"), "{note}");
    assert!(s.pending.is_empty());
}

#[test]
fn send_writes_the_draft_as_sending_and_waits_for_it_before_calling_send_chat_message() {
    let mut s = typed("  报价单已发您邮箱 ");
    let (fx, asks) = tap(&mut s, Tap::Send);
    assert!(asks.is_empty(), "{asks:?}");
    assert_eq!(
        kinds(&fx),
        [format!("set {DRAFT}")],
        "no sendChatMessage yet"
    );
    assert!(stored(&fx[0]).sending);
    let Effect::StorageSet { id, .. } = &fx[0] else {
        unreachable!()
    };
    let expected =
        json!({"msgtype": "text", "enterChat": false, "text": {"content": "报价单已发您邮箱"}});
    assert_eq!(
        s.pending.get(id),
        Some(&Pending::StorageWrite {
            key: DRAFT.into(),
            then: vec![AfterWrite::Send { args: expected }],
        })
    );
    assert!(s.compose_drafts[EXT].sending);
}

#[test]
fn send_fills_the_template_from_the_card() {
    let mut s = typed("Hi {name}");
    let tmpl = TemplateContext {
        name: Some("陈晓明".into()),
        ..TemplateContext::default()
    };
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Send, &tmpl));
    let Some(Pending::StorageWrite { then, .. }) = s.pending.values().next() else {
        panic!("{:?}", s.pending)
    };
    let [AfterWrite::Send { args }] = then.as_slice() else {
        panic!("{then:?}")
    };
    assert_eq!(args["text"]["content"], "Hi 陈晓明");
}

#[test]
fn send_from_a_normal_launch_is_refused_with_a_note() {
    let mut s = typed("hi");
    let normal = Host {
        entry: Some("normal".into()),
        ..host()
    };
    let (fx, _) = step(&mut s, &normal, |s, ctx| {
        s.on_tap(ctx, Tap::Send, &TemplateContext::default())
    });
    assert!(fx.is_empty(), "{fx:?}");
    assert!(s.compose_note.is_some());
}

#[test]
fn send_without_send_chat_message_in_the_shell_is_a_banner() {
    let mut s = typed("hi");
    let old = Host {
        qy_apis: vec!["login".to_owned(), "getContext".to_owned()].into(),
        ..host()
    };
    let (fx, asks) = step(&mut s, &old, |s, ctx| {
        s.on_tap(ctx, Tap::Send, &TemplateContext::default())
    });
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        matches!(asks.as_slice(), [Ask::Banner(Some(_))]),
        "{asks:?}"
    );
}

#[test]
fn after_writes_calls_send_chat_message_with_the_waiting_args() {
    let mut s = typed("您好");
    tap(&mut s, Tap::Send);
    let Some(Pending::StorageWrite { then, .. }) = s.pending.values().next().cloned() else {
        panic!("{:?}", s.pending)
    };
    s.pending.clear();
    let (fx, asks) = step(&mut s, &host(), |s, ctx| s.after_writes(ctx, then));
    assert!(asks.is_empty(), "{asks:?}");
    assert_eq!(kinds(&fx), ["qy sendChatMessage"]);
    let Effect::Qy { id, args, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(args["msgtype"], "text");
    assert_eq!(args["text"]["content"], "您好");
    assert_eq!(s.pending.get(id), Some(&Pending::Send));
}

#[test]
fn a_sent_result_removes_the_draft_key_and_clears_the_composer() {
    let mut s = sending("您好");
    let (fx, _) = answer(&mut s, "sendChatMessage:ok");
    assert_eq!(kinds(&fx), [format!("remove {DRAFT}")]);
    assert!(s.compose_drafts.is_empty());
    assert_eq!(s.composer.text, "");
    assert_eq!(s.composer.last_result, Some(SendResult::Sent));
}

#[test]
fn a_failed_send_rewrites_the_draft_and_keeps_the_text() {
    let mut s = sending("您好");
    let (fx, _) = answer(&mut s, "sendChatMessage:fail no permission");
    assert_eq!(kinds(&fx), [format!("set {DRAFT}")]);
    let draft = stored(&fx[0]);
    assert!(!draft.sending, "no longer in doubt");
    assert_eq!(draft.composer.text, "您好");
    assert_eq!(s.composer.text, "您好");
    assert_eq!(s.composer.last_result, Some(SendResult::NoPermission));
    assert!(!s.compose_drafts[EXT].sending);
}

#[test]
fn write_failed_still_sends_and_logs_it() {
    let then = vec![AfterWrite::Send {
        args: json!({"msgtype": "text", "text": {"content": "hi"}}),
    }];
    let mut s = State::default();
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.write_failed(ctx, then));
    assert_eq!(kinds(&fx), ["log warn", "qy sendChatMessage"]);
    let Effect::Qy { id, .. } = &fx[1] else {
        unreachable!()
    };
    assert_eq!(s.pending.get(id), Some(&Pending::Send));
}

#[test]
fn load_draft_restores_a_draft_only_into_an_empty_composer() {
    let mut saved = Composer::new(MsgType::Text);
    saved.set(ComposerField::Text, "报价单".into()).unwrap();
    let with_draft = |sending: bool| {
        let mut s = State::default();
        s.compose_drafts
            .insert(EXT.into(), ComposeDraft::new(1.0, sending, saved.clone()));
        s
    };

    let mut s = with_draft(true);
    s.load_draft(&host());
    assert_eq!(s.composer.text, "报价单");
    let note = s.compose_note.as_ref().unwrap().en.clone();
    assert!(note.contains("may not have finished"), "{note}");

    let mut s = with_draft(false);
    s.load_draft(&host());
    assert_eq!(s.composer.text, "报价单");
    assert!(s.compose_note.as_ref().unwrap().en.contains("restored"));

    let mut s = with_draft(true);
    s.composer
        .set(ComposerField::Text, "正在写".into())
        .unwrap();
    s.load_draft(&host());
    assert_eq!(s.composer.text, "正在写", "what is typed stays");
    assert_eq!(s.compose_note, None);

    // Another context's draft is not taken.
    let mut s = with_draft(true);
    s.load_draft(&group_host());
    assert_eq!(s.composer, Composer::new(MsgType::Text));
}

#[test]
fn context_prefers_the_customer_then_the_group_then_the_attachment_bar() {
    let mut s = State {
        chat_id: Some(chat_id()),
        ..State::default()
    };
    assert_eq!(s.context(&host()), EXT);
    assert_eq!(s.context(&group_host()), CHAT);
    s.chat_id = None;
    assert_eq!(s.context(&group_host()), "attachment");
}

#[test]
fn tap_parse_refuses_unknown_quick_replies_and_bad_msg_types() {
    for bad in [json!("nope"), json!(""), json!(1), Value::Null] {
        assert!(
            matches!(Tap::parse("quickReply", &bad), Some(Err(_))),
            "quickReply {bad}"
        );
    }
    assert_eq!(
        Tap::parse("quickReply", &json!("greeting")),
        Some(Ok(Tap::QuickReply("greeting")))
    );
    for bad in [json!("video"), json!(""), json!(true), Value::Null] {
        assert!(
            matches!(Tap::parse("msgType", &bad), Some(Err(_))),
            "msgType {bad}"
        );
    }
    assert_eq!(
        Tap::parse("msgType", &json!(" News ")),
        Some(Ok(Tap::MsgType(MsgType::News)))
    );
    assert_eq!(Tap::parse("send", &json!({"x": 1})), Some(Ok(Tap::Send)));
    for other in ["save", "retry", "compose", "removeMobile", "Send"] {
        assert_eq!(Tap::parse(other, &Value::Null), None, "{other}");
    }
}

#[test]
fn a_quick_reply_fills_the_text_and_writes_the_draft() {
    let mut s = State::default();
    let tmpl = TemplateContext {
        name: Some("陈晓明".into()),
        ..TemplateContext::default()
    };
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        s.on_tap(ctx, Tap::QuickReply("holiday"), &tmpl)
    });
    assert_eq!(kinds(&fx), [format!("set {DRAFT}")]);
    assert_eq!(s.composer.text, "Happy holidays, 陈晓明! 🎉");
}

// --- the materials library and pictures from the phone ----------------------

fn signed(h: Host) -> Host {
    Host {
        session: Some(crate::protocol::session::Session {
            token: "tok".into(),
            corpid: crate::wecom::ids::CorpId::parse("ww7d2f1a3b9c4e5f60").unwrap(),
            userid: crate::wecom::ids::UserId::parse("zhangsan").unwrap(),
        }),
        ..h
    }
}

fn library_body() -> String {
    json!({"errcode": 0, "materials": [
        {"id": "mat_greet", "kind": "text", "title": "问候", "group": "开场白", "scope": "all", "text": "{name}您好，我是{me}"},
        {"id": "mat_intro", "kind": "text", "title": "介绍", "group": "开场白", "scope": "all", "text": "我是{me}"},
        {"id": "mat_welcome", "kind": "text", "title": "欢迎", "group": "群聊", "scope": "group", "text": "欢迎大家"},
        {"id": "mat_site", "kind": "link", "title": "官网", "scope": "single", "url": "https://example.com", "desc": "产品"},
        {"id": "mat_shop", "kind": "miniprogram", "title": "商城", "appid": "wx8bd80126147df384", "page": "pages/shop.html", "img_url": "https://example.com/c.png"},
        {"id": "mat_poster", "kind": "image", "title": "海报", "filename": "poster.jpg", "size": 2048, "media_id": "MEDIA_POSTER"},
        {"id": "mat_demo", "kind": "video", "title": "演示", "filename": "demo.mp4", "size": 4096, "media_id": null},
        {"id": "mat_price", "kind": "file", "title": "价目表", "filename": "价目表.pdf", "size": 100, "media_id": "MEDIA_PDF"}
    ]})
    .to_string()
}

/// A slice that has read the library.
fn with_library(h: &Host) -> State {
    let mut s = State::default();
    step(&mut s, h, |s, ctx| {
        s.on_http_result(ctx, Pending::FetchMaterials, 200, &library_body())
    });
    s.pending.clear();
    s
}

fn tmpl() -> TemplateContext {
    TemplateContext {
        name: Some("陈小明".into()),
        me: Some("张三".into()),
        ..TemplateContext::default()
    }
}

fn qy_args(fx: &[Effect]) -> Value {
    fx.iter()
        .find_map(|e| match e {
            Effect::Qy { args, .. } => Some(args.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no wx.qy call: {fx:?}"))
}

#[test]
fn opening_a_group_reads_the_library_once_signed_in() {
    let mut s = State::default();
    let h = signed(group_host());
    let (fx, _) = step(&mut s, &h, |s, ctx| s.open_group(ctx, chat_id()));
    assert!(
        kinds(&fx).contains(&"GET https://api.example.com/api/materials".to_string()),
        "{fx:?}"
    );
    // Not twice while the read is out, nor while the copy is fresh.
    let (fx, _) = step(&mut s, &h, |s, ctx| s.ensure_materials(ctx));
    assert!(fx.is_empty(), "{fx:?}");
    let mut s = with_library(&h);
    let (fx, _) = step(&mut s, &h, |s, ctx| s.ensure_materials(ctx));
    assert!(fx.is_empty(), "fresh: {fx:?}");
    let later = Host {
        now: h.now + MATERIALS_MAX_AGE_MS + 1.0,
        ..h.clone()
    };
    let (fx, _) = step(&mut s, &later, |s, ctx| s.ensure_materials(ctx));
    assert_eq!(kinds(&fx), ["GET https://api.example.com/api/materials"]);
}

#[test]
fn without_a_session_the_library_is_not_read() {
    let mut s = State::default();
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.ensure_materials(ctx));
    assert!(fx.is_empty());
}

#[test]
fn the_library_is_kept_in_storage_and_read_back_at_launch() {
    let h = signed(host());
    let mut s = State::default();
    let (fx, _) = step(&mut s, &h, |s, ctx| {
        s.on_http_result(ctx, Pending::FetchMaterials, 200, &library_body())
    });
    assert_eq!(kinds(&fx), [format!("set {MATERIALS_KEY}")]);
    let Effect::StorageSet { value, .. } = &fx[0] else {
        unreachable!()
    };
    let mut restored = State::default();
    assert!(restored.restore_key(MATERIALS_KEY, value).is_ok());
    assert_eq!(restored.materials, s.materials);
    assert_eq!(restored.materials.len(), 8);
    assert_eq!(restored.materials_at, Some(h.now));
    assert!(State::owns_key(MATERIALS_KEY));
}

#[test]
fn a_damaged_stored_library_is_refused() {
    let mut s = State::default();
    assert!(s.restore_key(MATERIALS_KEY, "{not json").is_err());
    assert!(s
        .restore_key(MATERIALS_KEY, r#"{"v":9,"fetchedAt":1,"materials":[]}"#)
        .is_err());
    assert!(s.materials.is_empty());
}

#[test]
fn a_failed_read_keeps_the_cached_list_and_says_so() {
    let h = signed(host());
    let mut s = with_library(&h);
    let (fx, _) = step(&mut s, &h, |s, ctx| {
        s.on_http_result(ctx, Pending::FetchMaterials, 503, "")
    });
    assert_eq!(kinds(&fx), ["log warn"]);
    assert_eq!(s.materials.len(), 8, "the cached copy stays");
    assert!(s.materials_failed);
    let part = s.view(&h, &tmpl(), Route::Compose);
    assert!(part.composer.unwrap().library_failed);
}

fn sections(s: &State, h: &Host) -> Vec<(String, &'static str, Vec<String>)> {
    let part = s.view(h, &tmpl(), Route::Compose);
    part.composer
        .unwrap()
        .library
        .into_iter()
        .map(|sec| {
            (
                sec.title,
                sec.tab,
                sec.items.into_iter().map(|i| i.id).collect(),
            )
        })
        .collect()
}

#[test]
fn a_customer_chat_lists_quick_replies_by_group_and_media_by_kind() {
    let h = signed(Host {
        locale: Locale::Zh,
        ..host()
    });
    let s = with_library(&h);
    let got = sections(&s, &h);
    let titles: Vec<&str> = got.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "开场白（2）",
            "链接（1）",
            "小程序（1）",
            "图片（1）",
            "视频（1）",
            "文件（1）"
        ]
    );
    assert_eq!(got[0].1, "text");
    assert_eq!(got[0].2, ["mat_greet", "mat_intro"]);
    assert_eq!(got[1].1, "news");
    assert_eq!(got[3].1, "image");
    let part = s.view(&h, &tmpl(), Route::Compose);
    let c = part.composer.unwrap();
    let greet = &c.library[0].items[0];
    assert_eq!(greet.preview, "陈小明您好，我是张三");
    assert!(greet.ready);
    let demo = &c.library[4].items[0];
    assert!(!demo.ready, "no media id: cannot be sent now");
    assert!(demo.hint.as_deref().unwrap().contains("稍后"));
    assert!(c.can_pick_picture);
    assert_eq!(c.labels.pick_picture, "从手机选择图片");
    assert!(
        c.fields.iter().all(|f| f.key != "imageMediaid"),
        "no media id to type"
    );
}

#[test]
fn a_group_chat_gets_group_materials_and_nothing_that_names_a_customer() {
    let h = signed(group_host());
    let mut s = with_library(&h);
    s.chat_id = Some(chat_id());
    let got = sections(&s, &h);
    let ids: Vec<String> = got.iter().flat_map(|(_, _, i)| i.clone()).collect();
    assert!(ids.contains(&"mat_welcome".to_string()) && ids.contains(&"mat_intro".to_string()));
    assert!(
        !ids.contains(&"mat_greet".to_string()),
        "{{name}} means nothing in a group"
    );
    assert!(!ids.contains(&"mat_site".to_string()), "one-to-one only");
    // The built-in quick replies (no library yet) in a group: none names a customer.
    let part = State {
        chat_id: Some(chat_id()),
        ..State::default()
    }
    .view(
        &h,
        &TemplateContext {
            me: Some("张三".into()),
            ..Default::default()
        },
        Route::Group,
    );
    for q in part.quick_replies {
        assert!(
            q.ready && q.hint.is_none() && !q.text.contains("{name}"),
            "{q:?}"
        );
    }
}

#[test]
fn the_attachment_bar_offers_no_template_that_needs_a_customer() {
    let h = signed(Host {
        entry: Some("chat_attachment".into()),
        customer: None,
        ..host()
    });
    let me = TemplateContext {
        me: Some("张三".into()),
        ..Default::default()
    };
    let built_in = State::default().view(&h, &me, Route::Compose).quick_replies;
    assert!(!built_in.is_empty());
    assert!(
        built_in.iter().all(|q| q.ready && !q.text.contains('{')),
        "{built_in:?}"
    );
    let s = with_library(&h);
    let part = s.view(&h, &me, Route::Compose);
    let c = part.composer.unwrap();
    let all: Vec<&str> = c
        .library
        .iter()
        .flat_map(|s| s.items.iter().map(|i| i.id.as_str()))
        .collect();
    assert!(
        !all.contains(&"mat_greet") && all.contains(&"mat_intro"),
        "{all:?}"
    );
    assert!(
        !all.contains(&"mat_welcome"),
        "the chat is not known to be a group"
    );
}

fn send_material(s: &mut State, h: &Host, id: &str) -> (Vec<Effect>, Vec<Ask>) {
    let t = tmpl();
    step(s, h, |s, ctx| {
        s.on_tap(ctx, Tap::SendMaterial(id.into()), &t)
    })
}

#[test]
fn tapping_a_material_sends_it_as_its_msgtype_and_keeps_the_typed_text() {
    let h = signed(host());
    let mut s = with_library(&h);
    s.composer.text = "还没写完".into();
    for (id, want) in [
        (
            "mat_poster",
            json!({"msgtype": "image", "image": {"mediaid": "MEDIA_POSTER"}}),
        ),
        (
            "mat_price",
            json!({"msgtype": "file", "file": {"mediaid": "MEDIA_PDF"}}),
        ),
        (
            "mat_site",
            json!({"msgtype": "news", "news": {"link": "https://example.com", "title": "官网", "desc": "产品"}}),
        ),
        (
            "mat_shop",
            json!({"msgtype": "miniprogram", "miniprogram": {"appid": "wx8bd80126147df384", "title": "商城", "imgUrl": "https://example.com/c.png", "page": "pages/shop.html"}}),
        ),
        (
            "mat_greet",
            json!({"msgtype": "text", "text": {"content": "陈小明您好，我是张三"}}),
        ),
    ] {
        let (fx, _) = send_material(&mut s, &h, id);
        let mut args = qy_args(&fx);
        args.as_object_mut().unwrap().remove("enterChat");
        assert_eq!(args, want, "{id}");
        assert_eq!(
            kinds(&fx),
            ["qy sendChatMessage"],
            "no draft write for a material"
        );
        let (pid, p) = s
            .pending
            .iter()
            .next()
            .map(|(k, v)| (*k, v.clone()))
            .unwrap();
        assert_eq!(p, Pending::SendMaterial);
        s.pending.remove(&pid);
        step(&mut s, &h, |s, ctx| {
            s.on_qy_result(ctx, p, &json!({"errMsg": "sendChatMessage:ok"}))
        });
        assert_eq!(s.composer.text, "还没写完", "what was typed stays");
        assert!(s.composer.last_result.as_ref().unwrap().is_sent());
    }
}

#[test]
fn a_material_without_a_media_id_is_not_sent_and_the_library_is_read_again() {
    let h = signed(host());
    let mut s = with_library(&h);
    let (fx, _) = send_material(&mut s, &h, "mat_demo");
    assert_eq!(kinds(&fx), ["GET https://api.example.com/api/materials"]);
    assert!(s.compose_note.as_ref().unwrap().en.contains("renew"));
}

#[test]
fn a_material_no_longer_in_the_library() {
    let h = signed(host());
    let mut s = with_library(&h);
    let (fx, _) = send_material(&mut s, &h, "mat_gone");
    assert_eq!(kinds(&fx), ["GET https://api.example.com/api/materials"]);
    assert!(s.compose_note.as_ref().unwrap().zh.contains("刷新"));
}

#[test]
fn a_quick_reply_that_cannot_be_filled_goes_into_the_text_box_instead() {
    let h = signed(host());
    let mut s = with_library(&h);
    let t = TemplateContext {
        me: Some("张三".into()),
        ..TemplateContext::default()
    };
    let (fx, _) = step(&mut s, &h, |s, ctx| {
        s.on_tap(ctx, Tap::SendMaterial("mat_greet".into()), &t)
    });
    assert_eq!(kinds(&fx), [format!("set {DRAFT}")], "nothing sent");
    assert_eq!(s.composer.text, "{name}您好，我是张三");
}

#[test]
fn a_material_of_a_type_the_entry_cannot_send() {
    let h = signed(Host {
        entry: Some("contact_profile".into()),
        ..host()
    });
    let mut s = with_library(&h);
    let (fx, asks) = send_material(&mut s, &h, "mat_poster");
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        matches!(asks.as_slice(), [Ask::Banner(Some(_))]),
        "the reason is shown: {asks:?}"
    );
}

#[test]
fn a_refused_material_says_why_in_words_and_quotes_errmsg_only_in_english() {
    let h = signed(host());
    let mut s = with_library(&h);
    send_material(&mut s, &h, "mat_poster");
    let (pid, p) = s
        .pending
        .iter()
        .next()
        .map(|(k, v)| (*k, v.clone()))
        .unwrap();
    s.pending.remove(&pid);
    let (fx, _) = step(&mut s, &h, |s, ctx| {
        s.on_qy_result(
            ctx,
            p,
            &json!({"errMsg": "sendChatMessage:fail invalid msgtype image"}),
        )
    });
    assert_eq!(kinds(&fx), ["log warn"], "never silent");
    let r = s.composer.last_result.clone().unwrap();
    assert!(!r.is_sent());
    let m = r.message();
    assert!(
        m.en.contains("sendChatMessage:fail invalid msgtype image"),
        "{}",
        m.en
    );
    assert!(
        !m.zh.is_ascii() && !m.zh.contains("fail") && !m.zh.contains("msgtype"),
        "{}",
        m.zh
    );
    assert!(m.zh.contains("iOS") && m.zh.contains("文字"), "{}", m.zh);
}

#[test]
fn a_picture_from_the_phone_is_chosen_uploaded_and_sent() {
    let h = signed(host());
    let mut s = with_library(&h);
    let t = tmpl();
    let (fx, _) = step(&mut s, &h, |s, ctx| s.on_tap(ctx, Tap::PickPicture, &t));
    assert_eq!(kinds(&fx), ["wx chooseMedia"]);
    let Effect::Wx { args, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(args["mediaType"], json!(["image"]));
    assert_eq!(s.picture, picture::Step::Choosing);
    // A second tap while choosing does nothing.
    let (fx, _) = step(&mut s, &h, |s, ctx| s.on_tap(ctx, Tap::PickPicture, &t));
    assert!(fx.is_empty());
    let (pid, p) = s
        .pending
        .iter()
        .next()
        .map(|(k, v)| (*k, v.clone()))
        .unwrap();
    s.pending.remove(&pid);
    let chosen = json!({"errMsg": "chooseMedia:ok", "tempFiles": [{"tempFilePath": "wxfile://tmp_9.jpg", "size": 90000}]});
    let (fx, _) = step(&mut s, &h, |s, ctx| s.on_wx_result(ctx, p, &chosen));
    assert_eq!(kinds(&fx), ["wx uploadFile"]);
    let Effect::Wx { args, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(args["url"], "https://api.example.com/api/media");
    assert_eq!(args["filePath"], "wxfile://tmp_9.jpg");
    assert_eq!(args["header"]["Authorization"], "Bearer tok");
    assert!(args["header"]["Idempotency-Key"]
        .as_str()
        .unwrap()
        .starts_with("pic-"));
    assert_eq!(s.picture, picture::Step::Uploading);
    assert!(
        s.view(&h, &t, Route::Compose)
            .composer
            .unwrap()
            .picture_busy
    );
    let (pid, p) = s
        .pending
        .iter()
        .next()
        .map(|(k, v)| (*k, v.clone()))
        .unwrap();
    s.pending.remove(&pid);
    let up = json!({"errMsg": "uploadFile:ok", "statusCode": 200, "data": "{\"errcode\":0,\"media_id\":\"MEDIA_PHONE\"}"});
    let (fx, _) = step(&mut s, &h, |s, ctx| s.on_wx_result(ctx, p, &up));
    let mut args = qy_args(&fx);
    args.as_object_mut().unwrap().remove("enterChat");
    assert_eq!(
        args,
        json!({"msgtype": "image", "image": {"mediaid": "MEDIA_PHONE"}})
    );
    assert_eq!(s.picture, picture::Step::Idle);
}

#[test]
fn backing_out_of_the_album_changes_nothing() {
    let h = signed(host());
    let mut s = State::default();
    step(&mut s, &h, |s, ctx| {
        s.on_tap(ctx, Tap::PickPicture, &TemplateContext::default())
    });
    let (pid, p) = s
        .pending
        .iter()
        .next()
        .map(|(k, v)| (*k, v.clone()))
        .unwrap();
    s.pending.remove(&pid);
    let (fx, _) = step(&mut s, &h, |s, ctx| {
        s.on_wx_result(ctx, p, &json!({"errMsg": "chooseMedia:fail cancel"}))
    });
    assert!(fx.is_empty());
    assert_eq!(s.picture, picture::Step::Idle);
    assert!(s.compose_note.is_none());
}

#[test]
fn a_failed_upload_says_why_and_sends_nothing() {
    let h = signed(host());
    let mut s = State {
        picture: picture::Step::Uploading,
        ..State::default()
    };
    let (fx, _) = step(&mut s, &h, |s, ctx| {
        s.on_wx_result(
            ctx,
            Pending::UploadPicture,
            &json!({"statusCode": 503, "data": "{}"}),
        )
    });
    assert!(fx.is_empty());
    assert_eq!(s.picture, picture::Step::Idle);
    assert!(s.compose_note.as_ref().unwrap().zh.contains("繁忙"));
}

#[test]
fn no_picture_without_a_session_or_where_images_cannot_be_sent() {
    let mut s = State::default();
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        s.on_tap(ctx, Tap::PickPicture, &TemplateContext::default())
    });
    assert!(fx.is_empty());
    assert!(s.compose_note.is_some());
    let h = signed(Host {
        entry: Some("contact_profile".into()),
        ..host()
    });
    let mut s = State::default();
    let (fx, _) = step(&mut s, &h, |s, ctx| {
        s.on_tap(ctx, Tap::PickPicture, &TemplateContext::default())
    });
    assert!(fx.is_empty());
    assert!(
        !s.view(&h, &TemplateContext::default(), Route::Compose)
            .composer
            .unwrap()
            .can_pick_picture
    );
}

#[test]
fn the_new_taps_parse_and_refuse_a_bad_id() {
    assert_eq!(
        Tap::parse("sendMaterial", &json!("mat_1")),
        Some(Ok(Tap::SendMaterial("mat_1".into())))
    );
    assert!(matches!(
        Tap::parse("sendMaterial", &json!("")),
        Some(Err(_))
    ));
    assert!(matches!(
        Tap::parse("sendMaterial", &json!(3)),
        Some(Err(_))
    ));
    assert_eq!(
        Tap::parse("pickPicture", &Value::Null),
        Some(Ok(Tap::PickPicture))
    );
    assert_eq!(
        Tap::parse("refreshMaterials", &Value::Null),
        Some(Ok(Tap::RefreshMaterials))
    );
}

#[test]
fn the_librarys_quick_replies_replace_the_built_in_ones() {
    let h = signed(host());
    let before = State::default().view(&h, &tmpl(), Route::Compose);
    assert!(
        !before.quick_replies.is_empty(),
        "no library: the built-in list"
    );
    let part = with_library(&h).view(&h, &tmpl(), Route::Compose);
    assert!(part.quick_replies.is_empty(), "{:?}", part.quick_replies);
    assert!(part
        .composer
        .unwrap()
        .library
        .iter()
        .any(|s| s.items.iter().any(|i| i.id == "mat_intro")));
    // A library with no quick replies in it leaves the built-in ones.
    let mut media_only = State::default();
    step(&mut media_only, &h, |s, ctx| {
        s.on_http_result(
            ctx,
            Pending::FetchMaterials,
            200,
            &json!({"errcode": 0, "materials": [
                {"id": "mat_poster", "kind": "image", "title": "海报", "filename": "poster.jpg", "size": 2048, "media_id": "M"}
            ]})
            .to_string(),
        )
    });
    assert!(!media_only
        .view(&h, &tmpl(), Route::Compose)
        .quick_replies
        .is_empty());
}
