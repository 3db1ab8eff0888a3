//! The hand-over slice's update, step by step: a Host and a Ctx in, effects, asks and the
//! slice's state out. No shell, no app.

use serde_json::{json, Value};

use super::*;
use crate::protocol::ctx::Host;
use crate::protocol::effect::Effect;
use crate::protocol::session::Session;
use crate::support::locale::Locale;
use crate::wecom::environment::{Environment, SystemInfo};

const BASE: &str = "https://api.example.com";
const GIVER: &str = "ex_zhou";
const NOW_MS: f64 = 1_800_000_000_000.0;

fn host() -> Host {
    let info = SystemInfo {
        platform: Some("android".into()),
        environment: Some("wxwork".into()),
        ..SystemInfo::default()
    };
    Host {
        now: NOW_MS,
        locale: Locale::En,
        base: BASE.into(),
        session: Some(Session {
            token: "tok-1".into(),
            corpid: crate::wecom::ids::CorpId::parse("ww7d2f1a3b9c4e5f60").unwrap(),
            userid: UserId::parse("zhangsan").unwrap(),
        }),
        env: Environment::detect(&info, true, Some("4.1.36")),
        entry: Some("normal".into()),
        qy_apis: Default::default(),
        has_qy: true,
        customer: None,
        chat: None,
    }
}

fn step(
    s: &mut State,
    host: &Host,
    f: impl FnOnce(&mut State, &mut Ctx),
) -> (Vec<Effect>, Vec<Ask>) {
    let (mut fx, mut asks) = (Vec::new(), Vec::new());
    let mut next = s.pending.keys().next_back().copied().unwrap_or(0) + 100;
    f(s, &mut Ctx::new(host, &mut fx, &mut asks, &mut next));
    (fx, asks)
}

fn kinds(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .map(|e| match e {
            Effect::Http { method, url, .. } => {
                format!("{method} {}", url.strip_prefix(BASE).unwrap_or(url))
            }
            Effect::StorageSet { key, .. } => format!("set {key}"),
            Effect::StorageRemove { key } => format!("remove {key}"),
            Effect::Timer { after_ms, .. } => format!("timer {after_ms}"),
            Effect::Log { level, .. } => format!("log {level}"),
            other => format!("{other:?}"),
        })
        .collect()
}

fn customer(i: usize) -> String {
    format!("wmHandover{i:022}")
}

fn only_pending(s: &State) -> (EffectId, Pending) {
    assert_eq!(s.pending.len(), 1, "{:?}", s.pending);
    let (id, p) = s.pending.iter().next().unwrap();
    (*id, p.clone())
}

/// Answers the one pending request.
fn answer(s: &mut State, status: u16, body: Value) -> Vec<Effect> {
    let (id, p) = only_pending(s);
    s.pending.remove(&id);
    step(s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, status, &body.to_string())
    })
    .0
}

/// The admin typed the rep and loaded: two pages of customers (250, one of a rep gone too
/// long is not there), then the chats.
fn loaded(n: usize) -> State {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "giver", GIVER.into())
    });
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Load));
    assert_eq!(
        kinds(&fx),
        [format!(
            "GET /api/handover/resigned/{GIVER}/customers?limit=1000&cursor="
        )]
    );
    let left = (NOW_MS / 1000.0) as i64 - 30 * 86_400;
    let first: Vec<Value> = (0..n.min(200))
        .map(|i| json!({"external_userid": customer(i), "dimission_time": left}))
        .collect();
    let fx = answer(
        &mut s,
        200,
        json!({"errcode": 0, "customers": first, "next_cursor": "c2"}),
    );
    assert_eq!(
        kinds(&fx),
        [format!(
            "GET /api/handover/resigned/{GIVER}/customers?limit=1000&cursor=c2"
        )]
    );
    let rest: Vec<Value> = (200..n)
        .map(|i| json!({"external_userid": customer(i), "dimission_time": left}))
        .collect();
    let fx = answer(
        &mut s,
        200,
        json!({"errcode": 0, "customers": rest, "next_cursor": ""}),
    );
    assert_eq!(
        kinds(&fx),
        [format!(
            "GET /api/handover/resigned/{GIVER}/group-chats?limit=1000&cursor="
        )]
    );
    let fx = answer(
        &mut s,
        200,
        json!({"errcode": 0, "group_chats": [{"chat_id": "wrHandoverChat000000000000000000"}], "next_cursor": ""}),
    );
    assert!(fx.is_empty());
    assert!(s.loaded);
    s
}

fn submit_fx(s: &mut State) -> Vec<Effect> {
    step(s, &host(), |s, ctx| s.on_tap(ctx, Tap::Submit)).0
}

fn header(fx: &Effect, name: &str) -> String {
    match fx {
        Effect::Http { headers, .. } => headers[name].as_str().unwrap_or("").to_owned(),
        _ => panic!("{fx:?}"),
    }
}

fn body(fx: &Effect) -> Value {
    match fx {
        Effect::Http { body, .. } => body.clone(),
        _ => panic!("{fx:?}"),
    }
}

/// Selected all, taker lisi, written and acknowledged: the POST.
fn submitted(s: &mut State) -> Effect {
    step(s, &host(), |s, ctx| s.on_tap(ctx, Tap::SelectAll));
    step(s, &host(), |s, ctx| s.on_input(ctx, "taker", "lisi".into()));
    let fx = submit_fx(s);
    assert_eq!(
        kinds(&fx),
        ["set wcc:handover"],
        "write-ahead: stored first"
    );
    let (id, p) = only_pending(s);
    assert_eq!(p, Pending::StoreThenSubmit);
    s.pending.remove(&id);
    let (fx, _) = step(s, &host(), |s, ctx| s.on_storage_result(ctx, p, true));
    assert_eq!(kinds(&fx), ["POST /api/handover/transfers"]);
    fx[0].clone()
}

fn transfer_answer(waiting: usize) -> Value {
    let items: Vec<Value> = (0..250)
        .map(|i| {
            let (state, reason) = match i {
                10 | 20 if waiting == 0 => ("refused_by_customer", json!("transfer_fail: customer_refused")),
                30 if waiting == 0 => ("taker_at_limit", json!("transfer_fail: customer_limit_exceed")),
                _ if waiting > 0 => ("waiting", Value::Null),
                _ => ("done", Value::Null),
            };
            json!({"type": "customer", "id": customer(i), "transfer_id": "tr_1", "call": i / 100 + 1,
                   "status": 0, "state": state, "reason": reason})
        })
        .collect();
    let counts = if waiting > 0 {
        json!({"waiting": 250})
    } else {
        json!({"done": 247, "refused_by_customer": 2, "taker_at_limit": 1})
    };
    json!({"errcode": 0, "errmsg": "ok", "transfer_id": "tr_1", "kind": "resigned",
           "handover_userid": GIVER, "takeover_userid": "lisi", "counts": counts, "items": items})
}

#[test]
fn loads_every_page_and_selects_all() {
    let mut s = loaded(250);
    assert_eq!(s.customers.len(), 250);
    assert_eq!(s.chats.len(), 1);
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::SelectAll));
    assert_eq!(s.selected.len(), 251);
    let v = s.view(Locale::En);
    assert_eq!(v.selection, "251 of 251 selected");
    step(&mut s, &host(), |s, ctx| {
        s.on_tap(ctx, Tap::Toggle(customer(3)))
    });
    assert_eq!(s.selected.len(), 250);
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::SelectNone));
    assert!(s.selected.is_empty());
}

#[test]
fn hands_over_and_follows_each_customer_in_words() {
    let mut s = loaded(250);
    let post = submitted(&mut s);
    let b = body(&post);
    assert_eq!(b["kind"], "resigned");
    assert_eq!(b["takeover_userid"], "lisi");
    assert_eq!(b["external_userids"].as_array().unwrap().len(), 250);
    assert_eq!(b["group_chat_ids"].as_array().unwrap().len(), 1);
    assert!(
        b.get("message").is_none(),
        "a resigned hand-over sends none"
    );
    let key = header(&post, "Idempotency-Key");
    assert!(key.starts_with("handover-ex_zhou-"), "{key}");
    assert!(s.view(Locale::En).submitting);

    let fx = answer(&mut s, 200, transfer_answer(250));
    assert_eq!(kinds(&fx), ["set wcc:handover"], "the transfer id is kept");
    assert!(s.submission.is_none());
    let v = s.view(Locale::Zh);
    let t = v.transfer.unwrap();
    assert!(t.waiting);
    assert_eq!(t.items[0].words, "交接中，24 小时后生效");
    assert_eq!(t.summary, "250 交接中，24 小时后生效");

    // Refresh re-reads the transfer.
    s.pending.clear();
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Refresh));
    assert_eq!(kinds(&fx), ["GET /api/handover/transfers/tr_1"]);
    answer(&mut s, 200, transfer_answer(0));
    let t = s.view(Locale::En).transfer.unwrap();
    assert!(!t.waiting);
    let failed: Vec<(&str, &str)> = t
        .items
        .iter()
        .filter(|i| i.failed)
        .map(|i| (i.id.as_str(), i.words.as_str()))
        .collect();
    assert_eq!(failed.len(), 3);
    assert_eq!(
        failed[0].1,
        "The customer refused the hand-over (the customer declined within the 24 hours)"
    );
    assert_eq!(
        failed[2].1,
        "The member taking over is at their customer limit (the taker's customer list was full, so WeCom could not move the customer)"
    );
    assert_eq!(t.items[3].words, "Handed over");
    assert_eq!(t.items[3].call, Some(1));
}

#[test]
fn the_taker_cannot_be_the_giver() {
    let mut s = loaded(3);
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::SelectAll));
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "taker", "EX_ZHOU".into())
    });
    let fx = submit_fx(&mut s);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(
        s.view(Locale::En).problem.as_deref(),
        Some("The member taking over cannot be the member handing over")
    );
    assert!(s.submission.is_none());
}

#[test]
fn nothing_selected_or_no_taker_is_refused_before_sending() {
    let mut s = loaded(3);
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "taker", "lisi".into())
    });
    assert!(submit_fx(&mut s).is_empty());
    assert_eq!(
        s.problem.as_ref().unwrap().en,
        "Select at least one customer or group chat"
    );
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::SelectAll));
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "taker", "bad id".into())
    });
    assert!(submit_fx(&mut s).is_empty());
    assert!(s
        .problem
        .as_ref()
        .unwrap()
        .en
        .starts_with("Enter the userid of the member taking over"));
}

#[test]
fn over_100_is_one_request_but_over_the_servers_cap_is_refused() {
    let mut s = loaded(250);
    let post = submitted(&mut s);
    assert_eq!(
        body(&post)["external_userids"].as_array().unwrap().len(),
        250
    );

    let mut s = loaded(3);
    s.selected = (0..=MAX_PER_REQUEST).map(customer).collect();
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "taker", "lisi".into())
    });
    assert!(submit_fx(&mut s).is_empty());
    assert_eq!(
        s.problem.as_ref().unwrap().en,
        format!(
            "At most {MAX_PER_REQUEST} customers and chats in one hand-over ({} selected)",
            MAX_PER_REQUEST + 1
        )
    );
}

#[test]
fn the_message_is_cut_to_200_characters_as_typed() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_tap(ctx, Tap::Kind(Kind::Onjob))
    });
    let family = "👨‍👩‍👧";
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "message", family.repeat(201))
    });
    assert_eq!(s.message, family.repeat(200), "graphemes, not bytes");
    let v = s.view(Locale::En);
    assert_eq!(v.message_count, "200/200");
    assert!(v.message_note.is_some());
    assert!(v.can_message);
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "message", "您好".into())
    });
    assert!(!s.message_cut);
    // A message over the limit that got into the state some other way is refused.
    s.message = "字".repeat(201);
    s.giver = Some(UserId::parse("wangwu").unwrap());
    s.selected.insert(customer(1));
    s.taker_text = "lisi".into();
    assert!(submit_fx(&mut s).is_empty());
    assert!(s.problem.as_ref().unwrap().en.contains("at most 200"));
}

#[test]
fn on_job_sends_the_typed_ids_and_the_message() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_tap(ctx, Tap::Kind(Kind::Onjob))
    });
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "giver", "wangwu".into())
    });
    step(&mut s, &host(), |s, ctx| {
        s.on_input(
            ctx,
            "ids",
            format!("{}\n{}, {}", customer(1), customer(2), customer(1)),
        )
    });
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Load));
    assert!(fx.is_empty(), "no list to read for an on-job member");
    assert_eq!(s.customers.len(), 2);
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "message", "您好，今后由我为您服务".into())
    });
    let post = submitted(&mut s);
    let b = body(&post);
    assert_eq!(b["kind"], "onjob");
    assert_eq!(b["message"], "您好，今后由我为您服务");
}

#[test]
fn a_rep_not_resigned_is_said_in_words() {
    let mut s = loaded(3);
    submitted(&mut s);
    let fx = answer(
        &mut s,
        400,
        json!({"errcode": 400, "error": "not_resigned", "errmsg": "…", "wecom_errcode": 40097,
               "transfer": {"transfer_id": "tr_9", "counts": {"not_submitted": 4}, "items": []}}),
    );
    assert_eq!(kinds(&fx), ["remove wcc:handover"]);
    assert_eq!(
        s.problem.as_ref().unwrap().en,
        "This member has not resigned: choose an on-job hand-over"
    );
    assert!(
        s.submission.is_none(),
        "refused: a new request gets a new key"
    );
    // An empty list says the same in other words.
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "giver", "lisi".into())
    });
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Load));
    answer(
        &mut s,
        200,
        json!({"errcode": 0, "customers": [], "next_cursor": ""}),
    );
    answer(
        &mut s,
        200,
        json!({"errcode": 0, "group_chats": [], "next_cursor": ""}),
    );
    assert!(s.problem.as_ref().unwrap().en.contains("choose on-job"));
}

#[test]
fn a_member_not_in_the_admin_list_is_told_so() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "giver", GIVER.into())
    });
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Load));
    answer(
        &mut s,
        403,
        json!({"errcode": 403, "error": "not_a_handover_admin", "errmsg": "only …"}),
    );
    let v = s.view(Locale::En);
    assert!(v.denied);
    assert!(v.problem.unwrap().starts_with("Only hand-over admins"));
}

#[test]
fn a_rule_violation_from_the_server_is_shown_in_its_words() {
    let mut s = loaded(3);
    submitted(&mut s);
    answer(
        &mut s,
        400,
        json!({"errcode": 400, "error": "rule_violation", "errmsg": "…",
               "violations": [{"field": "takeover_userid", "code": "taker_is_giver",
                               "message": {"zh": "接替成员不能是原跟进成员", "en": "The member taking over cannot be the member handing over"}}]}),
    );
    assert_eq!(
        s.view(Locale::Zh).problem.as_deref(),
        Some("接替成员不能是原跟进成员")
    );
}

#[test]
fn an_expired_session_parks_the_request_and_replays_it_with_the_same_key() {
    let mut s = loaded(3);
    let post = submitted(&mut s);
    let key = header(&post, "Idempotency-Key");
    let (id, p) = only_pending(&s);
    s.pending.remove(&id);
    // The app saw 401: launch logs in again, the slice parks the request.
    s.on_unauthorized(&p);
    assert!(s.has_parked());
    let mut signed_out = host();
    signed_out.session = None;
    let (fx, _) = step(&mut s, &signed_out, |s, ctx| s.resume(ctx));
    assert!(fx.is_empty(), "nothing goes while signed out");
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.resume(ctx));
    assert_eq!(kinds(&fx), ["POST /api/handover/transfers"]);
    assert_eq!(header(&fx[0], "Idempotency-Key"), key);
    assert_eq!(body(&fx[0]), body(&post));
    assert!(!s.has_parked());
}

#[test]
fn offline_keeps_the_request_and_retry_replays_it() {
    let mut s = loaded(3);
    let post = submitted(&mut s);
    let key = header(&post, "Idempotency-Key");
    answer(&mut s, 0, json!(null));
    let v = s.view(Locale::En);
    assert!(v.can_retry);
    assert!(v.problem.unwrap().contains("never a second one"));
    // Reset is refused while a request is unanswered.
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Reset));
    assert!(s.submission.is_some());
    let fx = submit_fx(&mut s);
    assert_eq!(kinds(&fx), ["POST /api/handover/transfers"]);
    assert_eq!(
        header(&fx[0], "Idempotency-Key"),
        key,
        "a replay, not a second request"
    );
    // Tapping again while it is in flight sends nothing more.
    assert!(submit_fx(&mut s).is_empty());
}

#[test]
fn a_relaunch_replays_the_stored_request() {
    let mut s = loaded(3);
    let post = submitted(&mut s);
    let key = header(&post, "Idempotency-Key");
    let stored = serde_json::to_string(&Record {
        v: RECORD_VERSION,
        submission: s.submission.clone(),
        transfer_id: None,
    })
    .unwrap();
    // Killed: a fresh state reads the record at launch.
    let mut fresh = State::default();
    assert!(fresh.restore_key(&stored).is_ok());
    let (fx, _) = step(&mut fresh, &host(), |s, ctx| s.resume(ctx));
    assert_eq!(kinds(&fx), ["POST /api/handover/transfers"]);
    assert_eq!(header(&fx[0], "Idempotency-Key"), key);
    // A snapshot's dead effects are parked the same way.
    let mut snap = s.clone();
    snap.relaunched();
    assert!(snap.pending.is_empty());
    assert_eq!(snap.parked, vec![Pending::Submit { key: key.clone() }]);
    // Damaged records are refused (the app sets them aside).
    assert!(State::default().restore_key("{").is_err());
    assert!(State::default().restore_key(r#"{"v":9}"#).is_err());
}

#[test]
fn a_replayed_answer_for_another_key_is_ignored() {
    let mut s = loaded(3);
    submitted(&mut s);
    let (id, _) = only_pending(&s);
    s.pending.remove(&id);
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(
            ctx,
            Pending::Submit {
                key: "handover-old".into(),
            },
            200,
            &transfer_answer(250).to_string(),
        )
    });
    assert!(fx.is_empty());
    assert!(s.transfer.is_none());
    assert!(s.submission.is_some());
}

#[test]
fn customers_of_a_rep_gone_over_a_year_cannot_be_selected() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "giver", "ex_old".into())
    });
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Load));
    let gone = (NOW_MS / 1000.0) as i64 - 400 * 86_400;
    answer(
        &mut s,
        200,
        json!({"errcode": 0, "customers": [{"external_userid": customer(1), "dimission_time": gone}], "next_cursor": ""}),
    );
    answer(
        &mut s,
        200,
        json!({"errcode": 0, "group_chats": [], "next_cursor": ""}),
    );
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::SelectAll));
    assert!(s.selected.is_empty());
    step(&mut s, &host(), |s, ctx| {
        s.on_tap(ctx, Tap::Toggle(customer(1)))
    });
    assert!(s.selected.is_empty());
    let v = s.view(Locale::En);
    assert_eq!(
        v.customers[0].blocked.as_deref(),
        Some("The member left over a year ago: cannot move")
    );
}

#[test]
fn limit_reached_is_shown_with_the_servers_reason() {
    let mut s = loaded(3);
    submitted(&mut s);
    let mut v = transfer_answer(250);
    v["items"][0]["state"] = json!("limit_reached");
    v["items"][0]["reason"] =
        json!("handed over twice in the last 90 days: WeCom allows at most 2");
    answer(&mut s, 200, v);
    let t = s.view(Locale::En).transfer.unwrap();
    assert_eq!(
        t.items[0].words,
        "Handed over twice in 90 days: cannot move again yet (handed over twice in the last 90 days: WeCom allows at most 2)"
    );
}

#[test]
fn taps_parse_and_refuse_bad_arguments() {
    assert_eq!(
        Tap::parse("handoverKind", &json!("onjob")),
        Some(Ok(Tap::Kind(Kind::Onjob)))
    );
    assert!(matches!(
        Tap::parse("handoverKind", &json!("x")),
        Some(Err(_))
    ));
    assert!(matches!(
        Tap::parse("handoverToggle", &json!("has space")),
        Some(Err(_))
    ));
    assert_eq!(Tap::parse("save", &Value::Null), None);
}

#[test]
fn a_refusal_with_an_unknown_code_is_said_in_words_in_chinese() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "giver", GIVER.into())
    });
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Load));
    answer(
        &mut s,
        400,
        json!({"errcode": 400, "error": "bad_cursor", "errmsg": "the cursor is not one of ours"}),
    );
    let zh = s.view(Locale::Zh).problem.unwrap();
    assert!(zh.starts_with("服务器拒绝了请求（代码 400）"), "{zh}");
    assert!(!zh.contains("cursor"), "{zh}");
    let en = s.view(Locale::En).problem.unwrap();
    assert_eq!(
        en,
        "The server refused (400): the cursor is not one of ours"
    );
}

#[test]
fn a_wecom_code_passed_through_gets_the_tables_words_and_next_step() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "giver", GIVER.into())
    });
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Load));
    answer(
        &mut s,
        200,
        json!({"errcode": 48002, "errmsg": "api forbidden, hint: [1733300000_1_abc], from ip: 1.2.3.4"}),
    );
    let zh = s.view(Locale::Zh).problem.unwrap();
    assert!(
        zh.contains("接口无权调用") && zh.contains("可调用接口的应用"),
        "{zh}"
    );
    assert!(
        !zh.contains("api forbidden") && !zh.contains("hint"),
        "{zh}"
    );
    let en = s.view(Locale::En).problem.unwrap();
    assert!(en.contains("API forbidden") && en.contains("admin"), "{en}");
}

#[test]
fn a_refused_hand_over_names_wecoms_code_in_words() {
    let mut s = loaded(3);
    submitted(&mut s);
    answer(
        &mut s,
        400,
        json!({"errcode": 400, "error": "wecom_refused", "wecom_errcode": 40058,
               "errmsg": "WeCom refused the hand-over (WeCom errcode 40058: invalid parameter)"}),
    );
    let zh = s.view(Locale::Zh).problem.unwrap();
    assert_eq!(zh, "企业微信拒绝了交接：企业微信返回错误（代码 40058）");
    let en = s.view(Locale::En).problem.unwrap();
    assert_eq!(
        en,
        "WeCom refused the hand-over (WeCom errcode 40058: invalid parameter)"
    );
}

#[test]
fn a_partly_submitted_hand_over_says_so_in_words() {
    let mut s = loaded(3);
    submitted(&mut s);
    let mut v = transfer_answer(0);
    v["errmsg"] = json!("partly submitted: WeCom could not be reached for some calls; hand the not_submitted items over again with a new request");
    answer(&mut s, 200, v);
    let zh = s.view(Locale::Zh).transfer.unwrap().note.unwrap();
    assert!(zh.starts_with("只提交了一部分"), "{zh}");
    assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
    let en = s.view(Locale::En).transfer.unwrap().note.unwrap();
    assert!(en.starts_with("Partly submitted"), "{en}");
    // An answer with errmsg "ok" has no note.
    let mut s = loaded(3);
    submitted(&mut s);
    answer(&mut s, 200, transfer_answer(0));
    assert_eq!(s.view(Locale::Zh).transfer.unwrap().note, None);
}

#[test]
fn a_bad_member_or_customer_id_is_said_in_chinese_words() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "giver", "ex zhou".into())
    });
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Load));
    let zh = s.view(Locale::Zh).problem.unwrap();
    assert!(
        zh.starts_with("请填写要交接的成员账号：成员账号的第 3 个字符"),
        "{zh}"
    );
    assert!(
        !zh.contains("member userid") && !zh.contains("allowed"),
        "{zh}"
    );
    assert!(s.view(Locale::En).problem.unwrap().contains("not allowed"));

    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| {
        s.on_tap(ctx, Tap::Kind(Kind::Onjob))
    });
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "giver", GIVER.into())
    });
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "ids", "zz123".into())
    });
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Load));
    let zh = s.view(Locale::Zh).problem.unwrap();
    assert!(zh.starts_with("客户 ID 有误：zz123：客户 ID"), "{zh}");
    assert!(!zh.contains("must"), "{zh}");
    assert!(s
        .view(Locale::En)
        .problem
        .unwrap()
        .starts_with("A customer id is wrong: zz123: "));
}
