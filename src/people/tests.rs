//! The people slice, step by step: which userids it asks for, how it reads
//! the answers (good and bad), expiry, storage.

use serde_json::json;

use super::*;
use crate::protocol::ctx::{Ask, Host};
use crate::protocol::effect::Effect;
use crate::protocol::session::Session;
use crate::support::locale::Locale;
use crate::wecom::environment::{Environment, SystemInfo};

const T0: f64 = 1_700_000_000_000.0;

fn host(now: f64) -> Host {
    Host {
        now,
        locale: Locale::Zh,
        base: "https://api.example.com".into(),
        session: Some(Session {
            token: "tok-1".into(),
            corpid: crate::wecom::ids::CorpId::parse("ww7d2f1a3b9c4e5f60").unwrap(),
            userid: UserId::parse("zhangsan").unwrap(),
        }),
        env: Environment::detect(&SystemInfo::default(), true, Some("4.1.36")),
        entry: None,
        qy_apis: Default::default(),
        has_qy: true,
        customer: None,
        chat: None,
    }
}

fn uid(s: &str) -> UserId {
    UserId::parse(s).unwrap()
}

fn ids(list: &[&str]) -> Vec<UserId> {
    list.iter().map(|s| uid(s)).collect()
}

fn step(s: &mut State, host: &Host, f: impl FnOnce(&mut State, &mut Ctx)) -> Vec<Effect> {
    let (mut fx, mut asks): (Vec<Effect>, Vec<Ask>) = (Vec::new(), Vec::new());
    let mut next = s.pending.keys().next_back().copied().unwrap_or(0);
    f(s, &mut Ctx::new(host, &mut fx, &mut asks, &mut next));
    fx
}

/// The URLs of the requests among `fx`.
fn gets(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Http { url, .. } => Some(url.clone()),
            _ => None,
        })
        .collect()
}

fn fetch_id(s: &State) -> EffectId {
    *s.pending
        .iter()
        .find(|(_, p)| matches!(p, Pending::Fetch { .. }))
        .unwrap()
        .0
}

fn answer(s: &mut State, now: f64, status: u16, body: &str) -> Vec<Effect> {
    let id = fetch_id(s);
    let p = s.pending.remove(&id).unwrap();
    step(s, &host(now), |s, ctx| {
        s.on_http_result(ctx, p, status, body)
    })
}

const ANSWER: &str = r#"{"members":[
    {"userid":"zhangsan","name":"张三","known":true,"reason":null},
    {"userid":"wujiu","name":null,"known":true,"reason":"no_name"},
    {"userid":"nosuchmember","name":null,"known":false,"reason":"not_found"},
    {"userid":"LiSi","name":"李四","known":true,"reason":null}]}"#;

#[test]
fn asks_once_for_the_names_it_does_not_know() {
    let mut s = State::default();
    let fx = step(&mut s, &host(T0), |s, ctx| {
        s.want(
            ctx,
            &ids(&["zhangsan", "lisi", "LISI", "wujiu", "nosuchmember"]),
        )
    });
    assert_eq!(
        gets(&fx),
        ["https://api.example.com/api/members?userids=zhangsan,lisi,wujiu,nosuchmember"]
    );
    assert_eq!(s.member(&uid("lisi")), MemberName::Loading);
    // Asked again while the answer is on its way: nothing new goes out.
    let fx = step(&mut s, &host(T0), |s, ctx| s.want(ctx, &ids(&["lisi"])));
    assert!(gets(&fx).is_empty());

    let fx = answer(&mut s, T0 + 5.0, 200, ANSWER);
    assert_eq!(s.member(&uid("zhangsan")), MemberName::Known("张三".into()));
    assert_eq!(s.member(&uid("lisi")), MemberName::Known("李四".into()));
    assert_eq!(s.member(&uid("WuJiu")), MemberName::NoName);
    assert_eq!(s.member(&uid("nosuchmember")), MemberName::NotFound);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::StorageSet { key, .. } if key == PEOPLE_KEY)));

    // Known now: no request.
    let fx = step(&mut s, &host(T0 + 10.0), |s, ctx| {
        s.want(ctx, &ids(&["zhangsan", "lisi", "wujiu"]))
    });
    assert!(gets(&fx).is_empty());
}

#[test]
fn a_big_page_is_asked_in_batches_of_a_hundred() {
    let mut s = State::default();
    let many: Vec<UserId> = (0..250).map(|i| uid(&format!("u{i}"))).collect();
    let fx = step(&mut s, &host(T0), |s, ctx| s.want(ctx, &many));
    let urls = gets(&fx);
    assert_eq!(urls.len(), 3);
    let counts: Vec<usize> = urls
        .iter()
        .map(|u| u.split_once("userids=").unwrap().1.split(',').count())
        .collect();
    assert_eq!(counts, [100, 100, 50]);
}

#[test]
fn names_expire_after_a_day() {
    let mut s = State::default();
    step(&mut s, &host(T0), |s, ctx| s.want(ctx, &ids(&["lisi"])));
    answer(&mut s, T0, 200, ANSWER);
    let fx = step(&mut s, &host(T0 + TTL_MS - 1.0), |s, ctx| {
        s.want(ctx, &ids(&["lisi"]))
    });
    assert!(gets(&fx).is_empty());
    let fx = step(&mut s, &host(T0 + TTL_MS), |s, ctx| {
        s.want(ctx, &ids(&["lisi"]))
    });
    assert_eq!(gets(&fx).len(), 1);
    // The old name stays on the page while the new one is fetched.
    assert_eq!(s.member(&uid("lisi")), MemberName::Known("李四".into()));
}

#[test]
fn a_clock_set_back_refetches() {
    let mut s = State::default();
    step(&mut s, &host(T0), |s, ctx| s.want(ctx, &ids(&["lisi"])));
    answer(&mut s, T0, 200, ANSWER);
    let fx = step(&mut s, &host(T0 - 1000.0), |s, ctx| {
        s.want(ctx, &ids(&["lisi"]))
    });
    assert_eq!(gets(&fx).len(), 1);
}

#[test]
fn no_session_no_request() {
    let mut s = State::default();
    let mut h = host(T0);
    h.session = None;
    let fx = step(&mut s, &h, |s, ctx| s.want(ctx, &ids(&["lisi"])));
    assert!(gets(&fx).is_empty());
}

fn assert_bad_answer_keeps_fallback(status: u16, body: &str) {
    let mut s = State::default();
    step(&mut s, &host(T0), |s, ctx| s.want(ctx, &ids(&["lisi"])));
    let fx = answer(&mut s, T0, status, body);
    assert_eq!(
        s.member(&uid("lisi")),
        MemberName::Unavailable,
        "{status} {body}"
    );
    assert!(s.entries.is_empty());
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Log { level, .. } if level == "warn")),
        "{status} {body}: logged"
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::StorageSet { .. })));
    // Not asked again at once (a failing server is not hammered) …
    let fx = step(&mut s, &host(T0 + 1000.0), |s, ctx| {
        s.want(ctx, &ids(&["lisi"]))
    });
    assert!(gets(&fx).is_empty());
    // … but after a minute.
    let fx = step(&mut s, &host(T0 + RETRY_AFTER_MS), |s, ctx| {
        s.want(ctx, &ids(&["lisi"]))
    });
    assert_eq!(gets(&fx).len(), 1);
}

#[test]
fn garbage_is_no_name() {
    assert_bad_answer_keeps_fallback(200, "<html>502 Bad Gateway</html>");
}

#[test]
fn a_500_is_no_name() {
    assert_bad_answer_keeps_fallback(500, r#"{"error":"internal"}"#);
}

#[test]
fn a_status_0_is_no_name() {
    assert_bad_answer_keeps_fallback(0, "");
}

#[test]
fn a_list_that_is_not_a_list_is_no_name() {
    assert_bad_answer_keeps_fallback(200, r#"{"members":{"lisi":"李四"}}"#);
}

#[test]
fn members_of_wrong_types_are_skipped_alone() {
    let mut s = State::default();
    step(&mut s, &host(T0), |s, ctx| {
        s.want(ctx, &ids(&["lisi", "wangwu", "zhaoliu", "sunqi", "zhouba"]))
    });
    answer(
        &mut s,
        T0,
        200,
        r#"{"members":[
            {"userid":"lisi","name":42,"known":true},
            {"userid":"wangwu","name":"王五","known":"yes"},
            {"userid":"zhaoliu","name":"赵六","known":true,"reason":7},
            {"userid":"has space","name":"X","known":true},
            {"userid":12,"name":"Y","known":true},
            "zhouba",
            {"userid":"sunqi","name":"  孙七  ","known":true,"reason":null}]}"#,
    );
    assert_eq!(s.member(&uid("sunqi")), MemberName::Known("孙七".into()));
    for u in ["lisi", "wangwu", "zhaoliu", "zhouba"] {
        assert_eq!(s.member(&uid(u)), MemberName::Unavailable, "{u}");
    }
}

#[test]
fn an_answer_for_someone_not_asked_is_ignored() {
    let mut s = State::default();
    step(&mut s, &host(T0), |s, ctx| s.want(ctx, &ids(&["lisi"])));
    answer(
        &mut s,
        T0,
        200,
        r#"{"members":[{"userid":"boss","name":"假老板","known":true}]}"#,
    );
    assert!(!s.entries.contains_key("boss"));
}

#[test]
fn another_errcode_is_asked_again_sooner() {
    let mut s = State::default();
    step(&mut s, &host(T0), |s, ctx| s.want(ctx, &ids(&["lisi"])));
    answer(
        &mut s,
        T0,
        200,
        r#"{"members":[{"userid":"lisi","name":null,"known":false,"reason":"errcode_45009"}]}"#,
    );
    assert_eq!(s.member(&uid("lisi")), MemberName::Unavailable);
    let fx = step(&mut s, &host(T0 + UNAVAILABLE_TTL_MS), |s, ctx| {
        s.want(ctx, &ids(&["lisi"]))
    });
    assert_eq!(gets(&fx).len(), 1);
}

#[test]
fn storage_round_trip_and_damage() {
    let mut s = State::default();
    step(&mut s, &host(T0), |s, ctx| {
        s.want(ctx, &ids(&["lisi", "wujiu"]))
    });
    answer(&mut s, T0, 200, ANSWER);
    let stored = s.to_json();
    let mut back = State::default();
    back.restore_key(&stored).unwrap();
    assert_eq!(back.entries, s.entries);
    assert_eq!(back.member(&uid("lisi")), MemberName::Known("李四".into()));

    assert_eq!(back.restore_key("{oops"), Err(Unreadable));
    assert_eq!(back.restore_key(r#"{"entries":[]}"#), Err(Unreadable));
    assert_eq!(back.restore_key(r#"{"v":1,"entries":5}"#), Err(Unreadable));
    // A newer release's cache is ignored, not an error.
    let mut fresh = State::default();
    assert_eq!(fresh.restore_key(r#"{"v":9,"whatever":true}"#), Ok(()));
    assert!(fresh.entries.is_empty());
    // One bad entry is skipped alone.
    let mixed = json!({"v": 1, "entries": [
        {"userid": "lisi", "name": "李四", "known": true, "reason": null, "fetchedAt": T0},
        {"userid": "bad id", "name": "X", "known": true, "reason": null, "fetchedAt": T0},
        {"userid": "wangwu", "name": 3, "known": true, "reason": null, "fetchedAt": T0}
    ]});
    let mut m = State::default();
    m.restore_key(&mixed.to_string()).unwrap();
    assert_eq!(m.entries.keys().collect::<Vec<_>>(), ["lisi"]);
}

#[test]
fn the_cache_is_bounded() {
    let mut s = State::default();
    for i in 0..(MAX_ENTRIES + 10) {
        s.entries.insert(
            format!("u{i}"),
            Entry {
                userid: format!("u{i}"),
                name: Some(format!("成员{i}")),
                known: true,
                reason: None,
                fetched_at: T0 + i as f64,
            },
        );
    }
    s.prune(T0 + 100_000.0);
    assert_eq!(s.entries.len(), MAX_ENTRIES);
    assert!(!s.entries.contains_key("u0"), "the oldest go first");
    assert!(s.entries.contains_key(&format!("u{}", MAX_ENTRIES + 9)));
}

#[test]
fn userids_are_escaped_in_the_query() {
    let mut s = State::default();
    let fx = step(&mut s, &host(T0), |s, ctx| s.want(ctx, &ids(&["a@b.c"])));
    assert_eq!(
        gets(&fx),
        ["https://api.example.com/api/members?userids=a%40b.c"]
    );
}
