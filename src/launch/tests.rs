//! The launch slice's update, step by step: a Host and a Ctx in, effects,
//! asks and the slice's state out. No shell, no app.

use serde_json::{json, Value};

use super::*;
use crate::protocol::effect::Effect;
use crate::support::locale::Locale;
use crate::wecom::environment::SystemInfo;

const EXT: &str = "wmChenXiaoMing0001AAAA";

/// The facts other slices own; launch overrides env/session/entry with its
/// own, so only these matter here.
fn host() -> Host {
    Host {
        now: 1_700_000_000_000.0,
        locale: Locale::En,
        base: "https://api.example.com".into(),
        session: None,
        env: Environment::detect(&SystemInfo::default(), false, None),
        entry: None,
        qy_apis: Default::default(),
        has_qy: false,
        customer: None,
        chat: None,
    }
}

fn with_customer() -> Host {
    Host {
        customer: Some(ExternalUserId::parse(EXT).unwrap()),
        ..host()
    }
}

/// Android WeCom whose shell found every wx.qy function.
fn in_wecom() -> State {
    let mut s = State::default();
    s.on_launch(LaunchInfo {
        system_info: json!({"platform": "android", "environment": "wxwork", "SDKVersion": "3.4.0", "language": "en"}),
        has_qy: true,
        qy_apis: Api::ALL.iter().map(|a| a.name().to_owned()).collect::<Vec<_>>().into(),
        wecom_version: None,
    });
    s
}

fn session() -> Session {
    session::parse_session(SESSION_BODY).unwrap()
}

const SESSION_BODY: &str = r#"{"token":"tok-1","corpid":"ww7d2f1a3b9c4e5f60","userid":"zhangsan"}"#;

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

/// Each effect in one line: `qy login`, `POST <url>`, `set <key>`, …
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

fn banner_en(asks: &[Ask]) -> Option<String> {
    asks.iter().rev().find_map(|a| match a {
        Ask::Banner(Some(line)) => Some(line.en.clone()),
        _ => None,
    })
}

/// Sends a wx.qy answer to the one pending call of this kind.
fn answer(s: &mut State, host: &Host, pending: Pending, result: Value) -> (Vec<Effect>, Vec<Ask>) {
    let id = s
        .pending
        .iter()
        .find(|(_, p)| **p == pending)
        .map(|(id, _)| *id);
    if let Some(id) = id {
        s.pending.remove(&id);
    }
    step(s, host, |s, ctx| s.on_qy_result(ctx, pending, &result))
}

/// A state that has just exchanged its login code, waiting for the backend.
fn exchanging() -> State {
    let mut s = in_wecom();
    step(&mut s, &host(), |s, ctx| s.start(ctx));
    answer(
        &mut s,
        &host(),
        Pending::Login,
        json!({"errMsg": "qy.login:ok", "code": "code-1"}),
    );
    s.pending.clear();
    s
}

#[test]
fn start_outside_wecom_blocks_with_not_in_wecom_and_no_effects() {
    let mut s = State::default();
    s.on_launch(LaunchInfo {
        system_info: json!({"platform": "android", "version": "8.0.50"}),
        has_qy: false,
        qy_apis: Default::default(),
        wecom_version: None,
    });
    let (fx, asks) = step(&mut s, &host(), |s, ctx| s.start(ctx));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(asks.iter().all(|a| *a == Ask::Banner(None)), "{asks:?}");
    assert_eq!(s.step, Step::Blocked);
    assert_eq!(s.route, Route::Notice);
    let notice = s.notice.as_ref().unwrap();
    assert_eq!(notice.code, "not_in_wecom");
    assert!(!notice.can_retry);
    assert!(s.pending.is_empty());
}

#[test]
fn start_with_a_session_asks_check_session_and_waits_for_it() {
    let mut s = in_wecom();
    s.session = Some(session());
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.start(ctx));
    assert_eq!(kinds(&fx), ["qy checkSession"]);
    let Effect::Qy { id, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(s.pending.get(id), Some(&Pending::CheckSession));
    assert_eq!(s.step, Step::CheckingSession);
    assert_eq!(s.route, Route::Loading);
}

#[test]
fn start_without_a_session_logs_in() {
    let mut s = in_wecom();
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.start(ctx));
    assert_eq!(kinds(&fx), ["qy login"]);
    assert!(s.pending.values().any(|p| *p == Pending::Login));
    assert_eq!(s.step, Step::LoggingIn);
}

#[test]
fn expired_check_session_logs_in_again() {
    let mut s = in_wecom();
    s.session = Some(session());
    step(&mut s, &host(), |s, ctx| s.start(ctx));
    let (fx, _) = answer(
        &mut s,
        &host(),
        Pending::CheckSession,
        json!({"errMsg": "qy.checkSession:fail session expired"}),
    );
    assert_eq!(kinds(&fx), ["qy login"]);
}

#[test]
fn login_code_is_posted_to_the_session_endpoint() {
    let mut s = in_wecom();
    step(&mut s, &host(), |s, ctx| s.start(ctx));
    let (fx, asks) = answer(
        &mut s,
        &host(),
        Pending::Login,
        json!({"errMsg": "qy.login:ok", "code": "code-1"}),
    );
    assert_eq!(kinds(&fx), ["POST https://api.example.com/api/session"]);
    let Effect::Http {
        id, headers, body, ..
    } = &fx[0]
    else {
        unreachable!()
    };
    assert_eq!(*body, json!({"code": "code-1"}));
    assert_eq!(headers["Content-Type"], "application/json");
    assert!(
        headers.get("Authorization").is_none(),
        "no session yet: {headers}"
    );
    assert_eq!(s.pending.get(id), Some(&Pending::SessionExchange));
    assert_eq!(s.step, Step::Exchanging);
    assert!(asks.is_empty(), "{asks:?}");
}

#[test]
fn login_without_a_code_blocks_with_login_no_code() {
    for result in [
        json!({"errMsg": "qy.login:ok"}),
        json!({"errMsg": "qy.login:ok", "code": ""}),
    ] {
        let mut s = in_wecom();
        step(&mut s, &host(), |s, ctx| s.start(ctx));
        let (fx, _) = answer(&mut s, &host(), Pending::Login, result.clone());
        assert!(fx.is_empty(), "{result}: {fx:?}");
        assert_eq!(s.step, Step::Blocked);
        assert_eq!(s.route, Route::Notice);
        let notice = s.notice.as_ref().unwrap();
        assert_eq!(notice.code, "login_no_code", "{result}");
        assert!(notice.can_retry);
    }
}

#[test]
fn session_exchange_stores_the_session_then_reads_the_client_version() {
    let mut s = exchanging();
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, Pending::SessionExchange, 200, SESSION_BODY)
    });
    assert_eq!(kinds(&fx), ["set wcc:session", "qy getSystemInfo"]);
    let Effect::StorageSet { id, value, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(s.pending.get(id), Some(&Pending::StoreSession));
    let stored: Session = serde_json::from_str(value).unwrap();
    assert_eq!(stored, session());
    assert_eq!(s.session, Some(session()));
    assert_eq!(s.step, Step::ReadingClient);
    assert!(asks.contains(&Ask::Banner(None)));
}

#[test]
fn session_exchange_with_a_known_client_version_reads_the_context() {
    let mut s = exchanging();
    s.launch.as_mut().unwrap().wecom_version = Some("4.1.36".into());
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, Pending::SessionExchange, 200, SESSION_BODY)
    });
    assert_eq!(kinds(&fx), ["set wcc:session", "qy getContext"]);
    assert_eq!(s.step, Step::ReadingContext);
    assert!(s.pending.values().any(|p| *p == Pending::GetContext));
}

#[test]
fn a_refused_session_exchange_blocks_with_the_errcode() {
    let mut s = exchanging();
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(
            ctx,
            Pending::SessionExchange,
            200,
            r#"{"errcode":40029,"errmsg":"invalid code"}"#,
        )
    });
    // Only the log, which keeps the backend's errmsg; the page does not.
    assert_eq!(kinds(&fx), ["log warn"], "{fx:?}");
    let notice = s.notice.as_ref().unwrap();
    assert!(
        !notice.message.zh.contains("invalid code"),
        "{}",
        notice.message.zh
    );
    assert!(
        notice.message.zh.contains("登录凭证无效"),
        "{}",
        notice.message.zh
    );
    assert!(notice.guidance.as_ref().unwrap().zh.contains("关联小程序"));
    assert_eq!(s.notice.as_ref().unwrap().code, "login_rejected_40029");
    assert_eq!(s.session, None);
}

#[test]
fn session_exchange_offline_schedules_a_retry_with_a_banner() {
    let mut s = exchanging();
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, Pending::SessionExchange, 0, "")
    });
    assert_eq!(kinds(&fx), ["timer 1000"]);
    let Effect::Timer { id, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(s.retry_attempt, 1);
    assert_eq!(s.retry_timer, Some(*id));
    assert_eq!(
        s.pending.get(id),
        Some(&Pending::Retry {
            step: Step::LoggingIn
        })
    );
    let line = banner_en(&asks).unwrap();
    assert!(line.contains("Cannot reach the server"), "{line}");
    assert!(line.contains("attempt 1"), "{line}");
    assert_eq!(s.session, None);
}

#[test]
fn session_exchange_5xx_says_the_service_is_busy_and_backs_off() {
    let mut s = exchanging();
    s.retry_attempt = 2;
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, Pending::SessionExchange, 503, "busy")
    });
    assert_eq!(kinds(&fx), ["timer 4000"]);
    assert_eq!(s.retry_attempt, 3);
    let line = banner_en(&asks).unwrap();
    assert!(line.contains("busy (503)"), "{line}");
}

#[test]
fn two_relogins_at_once_log_in_once() {
    let mut s = in_wecom();
    s.session = Some(session());
    let (first, _) = step(&mut s, &host(), |s, ctx| s.relogin(ctx));
    let (second, _) = step(&mut s, &host(), |s, ctx| s.relogin(ctx));
    assert_eq!(
        kinds(&first),
        ["remove wcc:session", "log info", "qy login"]
    );
    assert!(second.is_empty(), "{second:?}");
    assert_eq!(s.session, None);
    assert_eq!(
        s.pending.values().filter(|p| **p == Pending::Login).count(),
        1
    );
}

#[test]
fn a_relogin_while_the_code_is_being_exchanged_waits_for_it() {
    let mut s = in_wecom();
    step(&mut s, &host(), |s, ctx| s.start(ctx));
    answer(
        &mut s,
        &host(),
        Pending::Login,
        json!({"errMsg": "qy.login:ok", "code": "code-1"}),
    );
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.relogin(ctx));
    assert!(fx.is_empty(), "{fx:?}");
}

#[test]
fn get_context_from_single_chat_tools_with_a_customer_opens_the_card_without_a_qy_call() {
    let mut s = in_wecom();
    s.session = Some(session());
    let (fx, asks) = answer(
        &mut s,
        &with_customer(),
        Pending::GetContext,
        json!({"errMsg": "qy.getContext:ok", "entry": "single_chat_tools"}),
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Qy { .. })), "{fx:?}");
    assert_eq!(asks, [Ask::OpenCard(ExternalUserId::parse(EXT).unwrap())]);
    assert_eq!(s.entry.as_deref(), Some("single_chat_tools"));
}

#[test]
fn get_context_from_single_chat_tools_without_a_customer_asks_who_it_is() {
    let mut s = in_wecom();
    s.session = Some(session());
    let (fx, asks) = answer(
        &mut s,
        &host(),
        Pending::GetContext,
        json!({"errMsg": "qy.getContext:ok", "entry": "single_chat_tools"}),
    );
    assert_eq!(kinds(&fx), ["qy getCurExternalContact"]);
    assert!(asks.is_empty(), "{asks:?}");
    assert_eq!(s.step, Step::Identifying);
}

#[test]
fn an_unknown_entry_shows_home_with_a_banner() {
    let mut s = in_wecom();
    s.session = Some(session());
    let (fx, asks) = answer(
        &mut s,
        &with_customer(),
        Pending::GetContext,
        json!({"errMsg": "qy.getContext:ok", "entry": "brand_new_entry"}),
    );
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s.route, Route::Home);
    assert_eq!(s.step, Step::Ready);
    let line = banner_en(&asks).unwrap();
    assert!(line.contains("brand_new_entry"), "{line}");
    assert!(
        !asks.iter().any(|a| matches!(a, Ask::OpenCard(_))),
        "{asks:?}"
    );
}

#[test]
fn a_bad_user_id_from_get_cur_external_contact_blocks() {
    let mut s = in_wecom();
    s.session = Some(session());
    s.entry = Some("single_chat_tools".into());
    let (fx, asks) = answer(
        &mut s,
        &host(),
        Pending::GetCurExternalContact,
        json!({"errMsg": "getCurExternalContact:ok", "userId": "not a customer"}),
    );
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        !asks.iter().any(|a| matches!(a, Ask::OpenCard(_))),
        "{asks:?}"
    );
    assert_eq!(s.step, Step::Blocked);
    assert_eq!(s.route, Route::Notice);
    let notice = s.notice.as_ref().unwrap();
    assert!(notice.code.starts_with("id_"), "{}", notice.code);
    assert!(notice.can_retry);
}

#[test]
fn a_good_user_id_from_get_cur_external_contact_opens_the_card() {
    let mut s = in_wecom();
    s.entry = Some("single_chat_tools".into());
    let (_, asks) = answer(
        &mut s,
        &host(),
        Pending::GetCurExternalContact,
        json!({"errMsg": "getCurExternalContact:ok", "userId": EXT}),
    );
    assert_eq!(asks, [Ask::OpenCard(ExternalUserId::parse(EXT).unwrap())]);
}

#[test]
fn a_ready_ask_resets_the_retry_counter_and_the_step() {
    let mut s = in_wecom();
    s.retry_attempt = 3;
    s.step = Step::Fetching;
    let (fx, asks) = step(&mut s, &host(), |s, ctx| s.on_ask(ctx, Ask::Ready));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(asks, [Ask::Banner(None)]);
    assert_eq!(s.retry_attempt, 0);
    assert_eq!(s.step, Step::Ready);
}

#[test]
fn a_retry_later_ask_schedules_a_refetch() {
    let mut s = in_wecom();
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        s.on_ask(ctx, Ask::RetryLater { status: 0 })
    });
    assert_eq!(kinds(&fx), ["timer 1000"]);
    assert!(s.pending.values().any(|p| *p
        == Pending::Retry {
            step: Step::Fetching
        }));
    let (fx, asks) = step(&mut s, &host(), |s, ctx| s.retry_now(ctx));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(asks, [Ask::Refetch]);
}

#[test]
fn retry_now_runs_the_pending_retry_at_once() {
    let mut s = exchanging();
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, Pending::SessionExchange, 0, "")
    });
    let Effect::Timer { id: timer, .. } = fx[0].clone() else {
        unreachable!()
    };
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.retry_now(ctx));
    assert_eq!(kinds(&fx), ["qy login"]);
    assert_eq!(s.retry_timer, None);
    assert!(!s.pending.contains_key(&timer));
    // The timer firing later runs nothing a second time.
    let (late, _) = step(&mut s, &host(), |s, ctx| {
        s.on_timer(
            ctx,
            timer,
            Pending::Retry {
                step: Step::LoggingIn,
            },
        )
    });
    assert!(late.is_empty(), "{late:?}");
    // Nothing waits: retry_now again does nothing.
    let (again, _) = step(&mut s, &host(), |s, ctx| s.retry_now(ctx));
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn a_card_tap_without_a_customer_changes_nothing() {
    let mut s = in_wecom();
    s.route = Route::Home;
    s.step = Step::Ready;
    let before = s.clone();
    let (fx, asks) = step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Card));
    assert!(fx.is_empty() && asks.is_empty(), "{fx:?} {asks:?}");
    assert_eq!(s, before);

    let (_, _) = step(&mut s, &with_customer(), |s, ctx| s.on_tap(ctx, Tap::Card));
    assert_eq!(s.route, Route::Card);
}

#[test]
fn tap_parse_ignores_arguments_and_leaves_other_slices_names_alone() {
    // No launch action takes an argument: whatever a component passes is
    // ignored rather than refused.
    for name in Tap::NAMES {
        assert!(
            matches!(Tap::parse(name, &Value::Null), Some(Ok(_))),
            "{name}"
        );
        assert!(
            matches!(Tap::parse(name, &json!({"junk": [1, 2]})), Some(Ok(_))),
            "{name}"
        );
    }
    assert_eq!(Tap::parse("card", &json!(7)), Some(Ok(Tap::Card)));
    for other in [
        "save",
        "removeMobile",
        "addTag",
        "send",
        "quickReply",
        "Retry",
        "",
    ] {
        assert_eq!(Tap::parse(other, &Value::Null), None, "{other}");
    }
}

// --- the 上下游 (chain) toolbars: their own calls, then the composer ---------

fn chain(entry: &str) -> (State, Vec<Effect>) {
    let mut s = in_wecom();
    s.session = Some(session());
    let (fx, _) = answer(
        &mut s,
        &host(),
        Pending::GetContext,
        json!({"errMsg": "qy.getContext:ok", "entry": entry}),
    );
    (s, fx)
}

#[test]
fn the_chain_single_chat_toolbar_asks_get_cur_corp_group_contact_not_the_customer_call() {
    let (s, fx) = chain("chain_single_chat_tools");
    assert_eq!(kinds(&fx), ["qy getCurCorpGroupContact"]);
    assert_eq!(s.step, Step::Identifying);
}

#[test]
fn the_chain_group_chat_toolbar_asks_get_cur_corp_group_chat_not_the_customer_group_call() {
    let (s, fx) = chain("chain_group_chat_tools");
    assert_eq!(kinds(&fx), ["qy getCurCorpGroupChat"]);
    assert_eq!(s.step, Step::Identifying);
}

#[test]
fn a_chain_contact_opens_the_composer_and_says_there_is_no_customer_profile() {
    let (mut s, _) = chain("chain_single_chat_tools");
    let (_, asks) = answer(
        &mut s,
        &host(),
        Pending::GetCurCorpGroupContact,
        json!({"errMsg": "getCurCorpGroupContact:ok", "corpId": "wwPartnerCorp0001", "userId": "wangli"}),
    );
    assert!(asks.contains(&Ask::OpenComposer), "{asks:?}");
    assert!(!asks.iter().any(|a| matches!(a, Ask::OpenCard(_))));
    assert_eq!(s.route, Route::Compose);
    assert_eq!(s.step, Step::Ready);
    let line = banner_en(&asks).unwrap();
    assert!(line.contains("not a customer"), "{line}");
    assert!(!line.contains("wangli"), "no bare userid as a name: {line}");
}

#[test]
fn a_chain_group_chat_opens_the_composer_even_with_a_numeric_chat_id() {
    let (mut s, _) = chain("chain_group_chat_tools");
    let (_, asks) = answer(
        &mut s,
        &host(),
        Pending::GetCurCorpGroupChat,
        json!({"errMsg": "getCurCorpGroupChat:ok", "chatId": "1234567890123"}),
    );
    assert!(asks.contains(&Ask::OpenComposer), "{asks:?}");
    assert_eq!(s.route, Route::Compose);
    assert!(banner_en(&asks).unwrap().contains("not a customer group"));
}

#[test]
fn a_numeric_chat_id_from_a_group_toolbar_is_explained_and_the_composer_opens() {
    let (mut s, fx) = chain("group_chat_tools");
    assert_eq!(kinds(&fx), ["qy getCurExternalChat"]);
    let (_, asks) = answer(
        &mut s,
        &host(),
        Pending::GetCurExternalChat,
        json!({"errMsg": "getCurExternalChat:ok", "chatId": "10987654321"}),
    );
    assert!(asks.contains(&Ask::OpenComposer), "{asks:?}");
    assert!(!asks.iter().any(|a| matches!(a, Ask::OpenGroup(_))));
    assert_eq!(s.route, Route::Compose);
    assert!(s.notice.is_none(), "not a failure");
    assert!(banner_en(&asks).unwrap().contains("not a customer group"));
}

#[test]
fn a_malformed_chat_id_that_is_not_numeric_still_blocks() {
    let (mut s, _) = chain("group_chat_tools");
    answer(
        &mut s,
        &host(),
        Pending::GetCurExternalChat,
        json!({"errMsg": "getCurExternalChat:ok", "chatId": "xyz123"}),
    );
    assert_eq!(s.route, Route::Notice);
    assert_eq!(s.notice.as_ref().unwrap().code, "id_bad_prefix");
}

fn chain_contact_answer(result: Value) -> State {
    let (mut s, _) = chain("chain_single_chat_tools");
    answer(&mut s, &host(), Pending::GetCurCorpGroupContact, result);
    s
}

#[test]
fn a_chain_contact_without_a_user_id_blocks() {
    let s = chain_contact_answer(json!({"errMsg": "getCurCorpGroupContact:ok"}));
    assert_eq!(s.route, Route::Notice);
    assert_eq!(s.notice.as_ref().unwrap().code, "id_empty");
}

#[test]
fn a_chain_contact_user_id_with_a_space_blocks() {
    let s =
        chain_contact_answer(json!({"errMsg": "getCurCorpGroupContact:ok", "userId": "wang li"}));
    assert_eq!(s.route, Route::Notice);
    assert_eq!(s.notice.as_ref().unwrap().code, "id_bad_char");
}

#[test]
fn a_failed_chain_contact_call_blocks_with_its_outcome() {
    let s = chain_contact_answer(
        json!({"errMsg": "getCurCorpGroupContact:without context of corpgroup contact"}),
    );
    assert_eq!(s.route, Route::Notice);
    assert_eq!(s.notice.as_ref().unwrap().code, "wrong_entry");
}

fn chain_chat_answer(result: Value) -> State {
    let (mut s, _) = chain("chain_group_chat_tools");
    answer(&mut s, &host(), Pending::GetCurCorpGroupChat, result);
    s
}

#[test]
fn a_chain_group_chat_without_a_chat_id_blocks() {
    let s = chain_chat_answer(json!({"errMsg": "getCurCorpGroupChat:ok", "chatId": ""}));
    assert_eq!(s.route, Route::Notice);
    assert_eq!(s.notice.as_ref().unwrap().code, "id_invalid");
}

#[test]
fn a_chain_group_chat_id_with_a_control_character_blocks() {
    let s = chain_chat_answer(json!({"errMsg": "getCurCorpGroupChat:ok", "chatId": "wr\u{0}x"}));
    assert_eq!(s.route, Route::Notice);
}

#[test]
fn a_failed_chain_group_chat_call_blocks_with_its_outcome() {
    let s = chain_chat_answer(json!({"errMsg": "getCurCorpGroupChat:no permission"}));
    assert_eq!(s.notice.as_ref().unwrap().code, "no_permission");
}
