//! Nothing typed or confirmed is ever lost. Crash injection on the save, tag
//! and send journeys (a kill after every dispatch, with only acknowledged
//! storage surviving, and again with in-flight writes too), and one test per
//! durability defect found before: each failed on the code before the fix.
#![cfg(not(target_arch = "wasm32"))]

mod support {
    pub mod crash_shell;
    pub mod world;
}

use std::collections::BTreeMap;

use serde_json::{json, Value};
use support::crash_shell::{Shell, Survives, EXT};
use wecom_contact_core::app::{self, Event};

type Action = fn(&mut Shell);

const TYPED: &str = "陈总 🎉 新";
const MESSAGE: &str = "您好，报价单已发到邮箱";

/// Plays the script, each action run to quiescence, stopping after
/// `limit` dispatches in all. Returns whether it finished.
fn play(shell: &mut Shell, script: &[Action], limit: Option<usize>) -> bool {
    let launch = shell.launch_event(BTreeMap::new());
    shell.push(launch);
    if !shell.run(limit) {
        return false;
    }
    for action in script {
        action(shell);
        if !shell.run(limit) {
            return false;
        }
    }
    true
}

fn save_script() -> Vec<Action> {
    vec![
        |s| s.tap("edit", Value::Null),
        |s| s.input("remark", TYPED),
        |s| s.tap("save", Value::Null),
    ]
}

fn tag_script() -> Vec<Action> {
    vec![|s| s.tap("addTag", json!("etLevelB0001"))]
}

fn send_script() -> Vec<Action> {
    vec![
        |s| s.tap("compose", Value::Null),
        |s| s.input("composer.text", MESSAGE),
        |s| s.tap("send", Value::Null),
    ]
}

fn total_dispatches(entry: &str, script: &[Action]) -> usize {
    let mut s = Shell::new(entry);
    assert!(play(&mut s, script, None));
    s.dispatches
}

/// The write-ahead rule, checked after every dispatch of a journey: once
/// `durable(shell)` held, it holds at every later instant.
fn assert_stays_durable(entry: &str, script: &[Action], durable: fn(&Shell, Survives) -> bool) {
    let n = total_dispatches(entry, script);
    for survives in [Survives::Acknowledged, Survives::AlsoInFlight] {
        let mut became = None;
        for k in 1..=n {
            let mut s = Shell::new(entry);
            play(&mut s, script, Some(k));
            let now = durable(&s, survives);
            if now && became.is_none() {
                became = Some(k);
            }
            if let Some(at) = became {
                assert!(
                    now,
                    "{survives:?}: durable after dispatch {at}, lost after dispatch {k}"
                );
            }
        }
        assert!(became.is_some(), "{survives:?}: never durable");
    }
}

fn remark_durable(s: &Shell, survives: Survives) -> bool {
    s.stored_anywhere(survives, TYPED) || s.backend.remark.as_deref() == Some(TYPED)
}

fn remark_keys_applied(s: &Shell) -> usize {
    s.backend
        .applied
        .iter()
        .filter(|(_, b)| b["remark"] == TYPED)
        .count()
}

#[test]
fn save_journey_never_loses_the_edit_at_any_instant() {
    assert_stays_durable("single_chat_tools", &save_script(), remark_durable);
}

#[test]
fn save_journey_killed_anywhere_reaches_the_backend_exactly_once() {
    let script = save_script();
    let n = total_dispatches("single_chat_tools", &script);
    for survives in [Survives::Acknowledged, Survives::AlsoInFlight] {
        for k in 0..=n {
            let mut s = Shell::new("single_chat_tools");
            play(&mut s, &script, Some(k));
            let was_durable = remark_durable(&s, survives);
            s.kill_and_relaunch(survives);
            // Finish: a restored form is saved; then everything settles.
            if !s.page["form"].is_null() {
                s.tap("save", Value::Null);
                s.settle();
            }
            if was_durable {
                assert_eq!(
                    s.backend.remark.as_deref(),
                    Some(TYPED),
                    "{survives:?}, killed after dispatch {k}"
                );
                assert_eq!(remark_keys_applied(&s), 1, "{survives:?}, k={k}");
                assert_eq!(s.page["card"]["mine"]["remark"], TYPED, "k={k}");
            }
            assert!(
                s.model.card.outbox.entries.is_empty(),
                "k={k}: outbox drained"
            );
            assert!(
                !s.acked.keys().any(|k| k.starts_with("wcc:draft:")),
                "k={k}: no draft left behind: {:?}",
                s.acked.keys().collect::<Vec<_>>()
            );
        }
    }
}

fn tag_durable(s: &Shell, survives: Survives) -> bool {
    s.stored_anywhere(survives, "etLevelB0001")
        || s.backend.tags.iter().any(|t| t == "etLevelB0001")
}

#[test]
fn tag_journey_never_loses_the_change_and_applies_it_once() {
    let script = tag_script();
    assert_stays_durable("single_chat_tools", &script, tag_durable);
    let n = total_dispatches("single_chat_tools", &script);
    for survives in [Survives::Acknowledged, Survives::AlsoInFlight] {
        for k in 0..=n {
            let mut s = Shell::new("single_chat_tools");
            play(&mut s, &script, Some(k));
            let was_durable = tag_durable(&s, survives);
            s.kill_and_relaunch(survives);
            let applied = s
                .backend
                .applied
                .iter()
                .filter(|(_, b)| b["add_tag"].to_string().contains("etLevelB0001"))
                .count();
            if was_durable {
                assert_eq!(applied, 1, "{survives:?}, k={k}");
                assert!(
                    s.page["card"].to_string().contains("B 级"),
                    "k={k}: the card shows the tag"
                );
            } else {
                assert_eq!(applied, 0, "k={k}");
            }
        }
    }
}

fn message_durable(s: &Shell, survives: Survives) -> bool {
    s.stored_anywhere(survives, MESSAGE) || !s.sends.is_empty()
}

#[test]
fn send_journey_never_loses_the_message_and_never_sends_it_blindly_twice() {
    let script = send_script();
    assert_stays_durable("single_chat_tools", &script, message_durable);
    let n = total_dispatches("single_chat_tools", &script);
    for survives in [Survives::Acknowledged, Survives::AlsoInFlight] {
        for k in 0..=n {
            let mut s = Shell::new("single_chat_tools");
            play(&mut s, &script, Some(k));
            let was_durable = message_durable(&s, survives);
            let sent_before = s.sends.len();
            s.kill_and_relaunch(survives);
            s.tap("compose", Value::Null);
            s.run(None);
            let composer = s.page["composer"].to_string();
            let note = s.page["composeNote"].as_str().unwrap_or("").to_owned();
            if composer.contains(MESSAGE) {
                if sent_before > 0 {
                    // It may have gone out: the member is told to check first.
                    assert!(note.contains("may not have finished"), "k={k}: {note}");
                } else {
                    s.tap("send", Value::Null);
                    s.settle();
                }
            }
            if was_durable {
                assert_eq!(s.sends.len(), 1, "{survives:?}, k={k}");
                assert_eq!(s.sends[0]["text"]["content"], MESSAGE);
            }
        }
    }
}

// --- One test per defect ---------------------------------------------------

fn card_world() -> support::world::World {
    let mut w = support::world::World::new("single_chat_tools");
    w.launch();
    assert_eq!(w.route(), "card");
    w
}

fn view_after_restore(model: &app::Model) -> Value {
    let back = app::restore(&app::snapshot(model)).expect("its own snapshot restores");
    app::view_value(&back)
}

#[test]
fn a_confirmed_tag_change_survives_snapshot_and_restore() {
    let mut w = card_world();
    w.tap("addTag", json!("etLevelB0001"));
    assert!(w.text().contains("B 级"));
    assert_eq!(view_after_restore(&w.model), app::view_value(&w.model));
    w.tap("removeTag", json!("etLevelA0001"));
    // In its undo window: a restore shows the same undo chip.
    assert_eq!(view_after_restore(&w.model), app::view_value(&w.model));
    w.fire_timers();
    assert!(!w.page["card"]["mine"].to_string().contains("A 级"));
    assert_eq!(view_after_restore(&w.model), app::view_value(&w.model));
}

#[test]
fn a_kill_inside_save_keeps_the_draft_until_the_outbox_is_acknowledged() {
    let mut w = card_world();
    w.tap("edit", Value::Null);
    w.input("remark", TYPED);
    let fx = app::update(
        &mut w.model,
        Event::Tap(
            wecom_contact_core::app::action::Tap::new("save", Value::Null, w.now)
                .expect("a known action"),
        ),
    );
    let removes_draft = fx.iter().any(|e| {
        matches!(e, wecom_contact_core::protocol::effect::Effect::StorageRemove { key } if key.starts_with("wcc:draft:"))
    });
    assert!(
        !removes_draft,
        "the draft went before the outbox landed: {fx:?}"
    );
}

#[test]
fn half_an_emoji_from_the_backend_is_repaired_not_refused() {
    let mut w = support::world::World::new("single_chat_tools");
    w.backend = Box::new(|_m, url, _b, _h| {
        if url.contains("/api/external-contacts/") {
            let body = support::world::wechat_customer()
                .to_string()
                .replace("陈晓明", "陈晓明\\ud83d");
            (200, body)
        } else {
            (support::world::ok_backend())(_m, url, _b, _h)
        }
    });
    w.launch();
    assert_eq!(w.route(), "card");
    assert!(w.text().contains("陈晓明\u{FFFD}"), "{}", w.text());
}

#[test]
fn a_refused_answer_still_resolves_its_request() {
    // The shell's event itself is unreadable (a status of the wrong type and
    // a body that is no string): the request fails and is retried, and the
    // page never hangs on "Loading".
    let mut s = Shell::new("single_chat_tools");
    let launch = s.launch_event(BTreeMap::new());
    s.push(launch);
    // Run until the session exchange is in flight, then answer it badly.
    let mut http_id = None;
    for k in 1..50 {
        s.run(Some(k));
        http_id = s.model.launch.pending.iter().find_map(|(id, p)| {
            matches!(p, wecom_contact_core::launch::Pending::SessionExchange).then_some(*id)
        });
        if http_id.is_some() {
            break;
        }
    }
    let http_id = http_id.expect("the session exchange is pending");
    let bad = format!(r#"{{"type":"httpResult","id":{http_id},"status":"200","body":{{"x":1}}}}"#);
    let fx = app::dispatch_text(&mut s.model, &bad).expect("taken as a failure, not refused");
    assert!(!s.model.launch.pending.contains_key(&http_id));
    assert!(fx.iter().any(|e| matches!(
        e,
        wecom_contact_core::protocol::effect::Effect::Timer { .. }
    )));
    // An unreadable event that answers nothing is still refused, unchanged.
    let before = app::snapshot(&s.model);
    let err = app::dispatch_text(
        &mut s.model,
        r#"{"type":"httpResult","id":99999,"status":"x"}"#,
    )
    .unwrap_err();
    assert_eq!(err.code(), "bad_event");
    assert_eq!(app::snapshot(&s.model), before);
}

#[test]
fn a_keystroke_with_half_an_emoji_is_kept() {
    let mut w = card_world();
    w.tap("edit", Value::Null);
    let ev = r#"{"type":"input","field":"remark","value":"王总\ud83d","now":1}"#;
    app::dispatch_text(&mut w.model, ev).expect("accepted");
    assert_eq!(w.model.card.form.as_ref().unwrap().remark, "王总\u{FFFD}");
}

fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn whatever_the_core_accepts_its_own_snapshot_restores() {
    let max = wecom_contact_core::support::input::MAX_DEPTH;
    // At the limit: accepted, and the snapshot restores.
    let mut m = app::Model::new(app::Config {
        backend_url: "https://api.example.com".into(),
        locale: None,
    })
    .unwrap();
    let ev = format!(
        r#"{{"type":"launch","now":1,"systemInfo":{{"deep":{}}},"hasQy":true}}"#,
        nested(max - 2)
    );
    app::dispatch_text(&mut m, &ev).expect("accepted at the limit");
    assert_eq!(view_after_restore(&m), app::view_value(&m));
    // The depth the old core accepted and could not restore: refused now.
    let mut m2 = m.clone();
    let ev = format!(
        r#"{{"type":"launch","now":1,"systemInfo":{}}}"#,
        nested(123)
    );
    let err = app::dispatch_text(&mut m2, &ev).unwrap_err();
    assert_eq!(err.code(), "bad_event");
    assert_eq!(app::snapshot(&m2), app::snapshot(&m));
}

#[test]
fn one_unreadable_outbox_entry_does_not_discard_the_others() {
    let mut w = support::world::World::new("single_chat_tools");
    let good = |key: &str, remark: &str| {
        json!({"key": key, "externalUserid": EXT, "kind": "remark",
               "body": {"userid": "zhangsan", "external_userid": EXT, "remark": remark},
               "values": {"remark": remark, "description": "", "remarkCompany": "", "mobiles": []},
               "createdAt": 1.0})
    };
    let stored = json!({"v": 2, "entries": [
        good("k-1", "一"),
        {"key": 7, "kind": "remark"},
        {"key": "f-1", "kind": "handover", "externalUserid": EXT},
    ], "kept": []});
    w.storage.insert("wcc:outbox".into(), stored.to_string());
    w.launch();
    let writes = w.writes();
    assert_eq!(writes.len(), 1, "the readable entry is sent");
    assert_eq!(writes[0].2["remark"], "一");
    // The damaged entry is set aside alone; the newer release's entry kept.
    let q: Value = serde_json::from_str(&w.storage["wcc-quarantine:wcc:outbox"]).unwrap();
    assert_eq!(q["entries"], json!([{"key": 7, "kind": "remark"}]));
    let outbox: Value = serde_json::from_str(&w.storage["wcc:outbox"]).unwrap();
    assert_eq!(outbox["kept"][0]["kind"], "handover");
    assert_eq!(outbox["entries"], json!([]));
}

#[test]
fn an_outbox_from_a_newer_release_is_kept_not_destroyed() {
    let mut w = support::world::World::new("single_chat_tools");
    let future = json!({"v": 9, "queue": [{"id": "x"}]});
    w.storage.insert("wcc:outbox".into(), future.to_string());
    w.launch();
    // Still there (now inside the current format's `kept`), nothing sent.
    let outbox: Value = serde_json::from_str(&w.storage["wcc:outbox"]).unwrap();
    let kept = if outbox["v"] == 9 {
        outbox.clone()
    } else {
        outbox["kept"][0].clone()
    };
    assert_eq!(kept, future);
    assert!(w.writes().is_empty());
    assert!(w.text().contains("newer version"));
    // A save now keeps it too.
    w.tap("edit", Value::Null);
    w.input("remark", "x");
    w.set_online(false);
    w.tap("save", Value::Null);
    let outbox: Value = serde_json::from_str(&w.storage["wcc:outbox"]).unwrap();
    assert_eq!(outbox["kept"][0], future);
    assert_eq!(outbox["entries"].as_array().unwrap().len(), 1);
}

#[test]
fn a_5xx_says_the_service_is_busy_and_keeps_retrying() {
    let mut w = support::world::World::new("single_chat_tools");
    w.backend = Box::new(|_m, url, _b, _h| {
        if url.contains("/api/external-contacts/") {
            (503, "busy".into())
        } else {
            (support::world::ok_backend())(_m, url, _b, _h)
        }
    });
    w.launch();
    let banner = w.page["banner"].as_str().unwrap_or("").to_owned();
    assert!(banner.contains("busy"), "{banner}");
    assert!(!banner.contains("Cannot reach"), "{banner}");
    assert_eq!(w.timers.len(), 1, "a retry with backoff");
    w.fire_timers();
    assert_eq!(w.timers.len(), 1, "and again");
    assert!(w.timers[0].1 > 1000, "backing off");
}

#[test]
fn a_refused_save_keeps_its_values_until_the_draft_is_acknowledged() {
    let mut s = Shell::new("single_chat_tools");
    s.backend.refuse_writes = Some(48002);
    let script = save_script();
    let n = total_dispatches("single_chat_tools", &script);
    for k in 1..=n {
        for survives in [Survives::Acknowledged, Survives::AlsoInFlight] {
            let mut s = Shell::new("single_chat_tools");
            s.backend.refuse_writes = Some(48002);
            play(&mut s, &script, Some(k));
            let durable = s.stored_anywhere(survives, TYPED);
            let mut later = Shell::new("single_chat_tools");
            later.backend.refuse_writes = Some(48002);
            play(&mut later, &script, None);
            // Once stored, the refused text stays stored to the end.
            if durable {
                assert!(later.stored_anywhere(survives, TYPED), "k={k}");
            }
        }
    }
    // And after the refusal the form holds the text, with the reason.
    let mut s = Shell::new("single_chat_tools");
    s.backend.refuse_writes = Some(48002);
    play(&mut s, &script, None);
    assert_eq!(s.page["form"]["values"]["remark"], TYPED);
    assert!(s.acked.contains_key(&format!("wcc:draft:{EXT}")));
    assert!(
        !s.acked.get("wcc:outbox").is_some_and(|o| o.contains(TYPED)),
        "the parked entry is dropped once the draft is acknowledged"
    );
}

#[test]
fn a_2xx_without_an_errcode_is_no_confirmation() {
    // A proxy's HTML page with status 200: the save is kept and retried
    // under the same key, never taken as applied.
    let mut w = card_world();
    let answers = std::rc::Rc::new(std::cell::RefCell::new(0));
    let seen = answers.clone();
    w.backend = Box::new(move |m, url, b, h| {
        if url.contains("/remark") {
            *seen.borrow_mut() += 1;
            if *seen.borrow() == 1 {
                return (200, "<html>502 Bad Gateway</html>".into());
            }
        }
        (support::world::ok_backend())(m, url, b, h)
    });
    w.tap("edit", Value::Null);
    w.input("remark", TYPED);
    w.tap("save", Value::Null);
    assert_eq!(w.model.card.outbox.entries.len(), 1, "kept");
    assert!(
        w.text().contains("could not be read"),
        "{}",
        w.page["banner"]
    );
    w.fire_timers();
    assert!(w.model.card.outbox.entries.is_empty());
    let keys: Vec<&Value> = w.writes().iter().map(|r| &r.3["Idempotency-Key"]).collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "the retry reuses the key");
    assert_eq!(w.page["card"]["mine"]["remark"], TYPED);
}

#[test]
fn two_401s_at_once_start_one_login() {
    use wecom_contact_core::protocol::effect::Effect;
    let mut w = card_world();
    let http_ids = |fx: &[Effect]| -> Vec<u32> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Http { id, .. } => Some(*id),
                _ => None,
            })
            .collect()
    };
    let tap = |w: &mut support::world::World, a: &str, arg: Value| {
        app::update(
            &mut w.model,
            Event::Tap(wecom_contact_core::app::action::Tap::new(a, arg, w.now).unwrap()),
        )
    };
    let mut ids = http_ids(&tap(&mut w, "refresh", Value::Null));
    ids.extend(http_ids(&tap(&mut w, "addTag", json!("etLevelB0001"))));
    assert_eq!(ids.len(), 2, "two requests in flight");
    let mut logins = 0;
    for id in ids {
        let fx = app::update(
            &mut w.model,
            Event::HttpResult {
                id,
                status: 401,
                body: "{}".into(),
                err_msg: String::new(),
            },
        );
        logins += fx
            .iter()
            .filter(|e| matches!(e, Effect::Qy { api, .. } if api.name() == "login"))
            .count();
    }
    assert_eq!(logins, 1, "one login serves both");
}

/// A backend that answers the remark write with `first` for the first `n`
/// tries, then applies it; it counts applied keys.
fn flaky_remark_backend(
    n: usize,
    first: (u16, &'static str),
) -> (
    support::world::Backend,
    std::rc::Rc<std::cell::RefCell<Vec<String>>>,
) {
    let applied = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let seen = applied.clone();
    let mut tries = 0;
    let backend: support::world::Backend = Box::new(move |m, url, b, h| {
        if url.contains("/remark") {
            tries += 1;
            if tries <= n {
                return (first.0, first.1.to_owned());
            }
            let key = h["Idempotency-Key"].as_str().unwrap_or("").to_owned();
            if !seen.borrow().contains(&key) {
                seen.borrow_mut().push(key);
            }
        }
        (support::world::ok_backend())(m, url, b, h)
    });
    (backend, applied)
}

#[test]
fn a_401_in_the_middle_of_a_save_logs_in_again_and_applies_it_once() {
    let mut w = card_world();
    let (backend, applied) = flaky_remark_backend(1, (401, r#"{"errcode":42001}"#));
    w.backend = backend;
    w.tap("edit", Value::Null);
    w.input("remark", TYPED);
    w.tap("save", Value::Null);
    w.fire_timers();
    assert_eq!(applied.borrow().len(), 1, "applied once");
    let keys: Vec<&Value> = w.writes().iter().map(|r| &r.3["Idempotency-Key"]).collect();
    assert!(
        keys.len() >= 2 && keys.iter().all(|k| *k == keys[0]),
        "{keys:?}"
    );
    assert!(w.model.card.outbox.entries.is_empty());
    assert_eq!(w.page["card"]["mine"]["remark"], TYPED);
}

#[test]
fn a_storm_of_5xx_backs_off_keeps_the_edit_and_applies_it_once() {
    let mut w = card_world();
    let (backend, applied) = flaky_remark_backend(12, (503, "busy"));
    w.backend = backend;
    w.tap("edit", Value::Null);
    w.input("remark", TYPED);
    w.tap("save", Value::Null);
    let mut delays = Vec::new();
    for _ in 0..12 {
        assert!(w.text().contains("busy"), "{}", w.page["banner"]);
        assert!(w.storage["wcc:outbox"].contains(TYPED), "kept in storage");
        delays.extend(w.timers.iter().map(|t| t.1));
        w.fire_timers();
    }
    assert!(delays.windows(2).all(|d| d[1] >= d[0]), "{delays:?}");
    assert_eq!(
        delays.iter().max(),
        Some(&30_000),
        "capped at 30 s: {delays:?}"
    );
    assert_eq!(applied.borrow().len(), 1);
    assert!(w.model.card.outbox.entries.is_empty());
}
