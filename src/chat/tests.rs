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
        qy_apis: Vec::new(),
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
        qy_apis: vec!["login".into(), "getContext".into()],
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
