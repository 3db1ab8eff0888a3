//! Model-based property test of the native core: random but plausible shell
//! sequences, through the same JSON door the boundary uses
//! (`app::dispatch_text`). After every step:
//! - nothing panics (a panic would be a trap in wasm);
//! - `view(restore(snapshot(m))) == view(m)`;
//! - the render patches so far, applied in order to an empty page, give
//!   exactly `view(m)`;
//! - at most one render per dispatch;
//! - a refused event changes nothing.
//!
//! Fixed seed and case count in `make test`; run longer with
//! `WCC_PROPERTY_RUNS=20000 WCC_PROPERTY_SEED=7 cargo test --test shell_sequences`.
//! proptest shrinks a failing sequence before printing it.
#![cfg(not(target_arch = "wasm32"))]

mod support {
    pub mod world;
}

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{json, Value};
use support::world::{all_qy, corp_tags, group_chat, strip_nulls, wechat_customer};
use wecom_contact_core::app::{self, Model};
use wecom_contact_core::protocol::effect::Effect;
use wecom_contact_core::protocol::patch;

/// One shell step, as small numbers the runner interprets against the
/// current state (so shrinking keeps sequences meaningful).
#[derive(Debug, Clone)]
enum Step {
    /// Answer the n-th outstanding effect with answer variant `how`.
    Answer {
        n: u8,
        how: u8,
    },
    /// Answer an id the core never gave out, or one already answered.
    Stale {
        id: u16,
        kind: u8,
    },
    Tap {
        action: u8,
        arg: u8,
    },
    Input {
        field: u8,
        text: u8,
        index: u8,
    },
    Show,
    Hide,
    Network {
        online: bool,
    },
    /// An event of no known shape, or garbage.
    Garbage {
        which: u8,
    },
    /// Launch again (the shell relaunched on the same storage).
    Relaunch {
        storage: u8,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (any::<u8>(), any::<u8>()).prop_map(|(n, how)| Step::Answer { n, how }),
        1 => (any::<u16>(), any::<u8>()).prop_map(|(id, kind)| Step::Stale { id, kind }),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(action, arg)| Step::Tap { action, arg }),
        2 => (any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(field, text, index)| Step::Input { field, text, index }),
        1 => Just(Step::Show),
        1 => Just(Step::Hide),
        1 => any::<bool>().prop_map(|online| Step::Network { online }),
        1 => any::<u8>().prop_map(|which| Step::Garbage { which }),
        1 => any::<u8>().prop_map(|storage| Step::Relaunch { storage }),
    ]
}

/// Every action the pages offer, with the arguments each takes (plus junk).
const ACTIONS: &[(&str, &[&str])] = &[
    ("retry", &["null"]),
    ("dismissBanner", &["null"]),
    ("pickCustomer", &["null"]),
    ("openProfile", &["null"]),
    ("openChat", &["null"]),
    ("home", &["null"]),
    ("compose", &["null"]),
    ("card", &["null"]),
    ("edit", &["null"]),
    ("edit", &["null"]),
    ("cancelEdit", &["null"]),
    ("addMobile", &["null"]),
    ("removeMobile", &["0", "1", "7", r#""0""#, "-1"]),
    ("save", &["null"]),
    ("save", &["null"]),
    ("tagPicker", &["null"]),
    (
        "addTag",
        &[r#""etLevelB0001""#, r#""etLevelA0001""#, r#""etNope""#, "3"],
    ),
    ("addTag", &[r#""etLevelB0001""#]),
    (
        "removeTag",
        &[r#""etLevelA0001""#, r#""etLevelB0001""#, "{}"],
    ),
    ("refresh", &["null"]),
    (
        "msgType",
        &[
            r#""text""#,
            r#""news""#,
            r#""image""#,
            r#""miniprogram""#,
            r#""video""#,
        ],
    ),
    ("enterChat", &["null"]),
    (
        "quickReply",
        &[r#""qr-intro""#, r#""qr-price""#, r#""nope""#],
    ),
    ("dismissResult", &["null"]),
    ("send", &["null"]),
    ("send", &["null"]),
    ("noSuchAction", &["null", "[]"]),
];
const FIELDS: &[&str] = &[
    "remark",
    "description",
    "remarkCompany",
    "mobile",
    "composer.text",
    "composer.title",
    "composer.url",
    "composer.mediaid",
    "composer.appid",
    "composer.page",
    "nonsense",
];
/// Texts as JSON string literals (so lone surrogates can be written).
const TEXTS: &[&str] = &[
    r#""""#,
    r#""陈总 🎉""#,
    r#""13800138000""#,
    r#""王总\ud83d""#,
    r#""\ude00x""#,
    r#""👨‍👩‍👧‍👦🇨🇳""#,
    r#""备备备备备备备备备备备备备备备备备备备备备备""#,
    r#""https://example.com/a""#,
    r#""{name} 您好""#,
    r#""\u0000\n\t""#,
];

/// What the core asked for and has not had an answer to.
#[derive(Debug, Clone)]
enum Outstanding {
    Http { id: u32, url: String },
    Qy { id: u32, api: String },
    Wx { id: u32, api: String },
    Storage { id: u32 },
    Timer { id: u32 },
}

impl Outstanding {
    #[allow(dead_code)]
    fn id(&self) -> u32 {
        match self {
            Outstanding::Http { id, .. }
            | Outstanding::Qy { id, .. }
            | Outstanding::Wx { id, .. }
            | Outstanding::Storage { id }
            | Outstanding::Timer { id } => *id,
        }
    }
}

fn storage_variant(which: u8) -> BTreeMap<String, String> {
    let ext = "wmChenXiaoMing0001AAAA";
    let mut s = BTreeMap::new();
    let session =
        json!({"token": "tok-0", "corpid": "ww7d2f1a3b9c4e5f60", "userid": "zhangsan"}).to_string();
    let draft = json!({"v": 2, "ext": ext, "savedAt": 1, "values": {"remark": "草稿", "description": "", "remarkCompany": "", "mobiles": []}}).to_string();
    let outbox = json!({"v": 2, "entries": [{"key": "k-1", "externalUserid": ext, "kind": "remark",
        "body": {"userid": "zhangsan", "external_userid": ext, "remark": "待发"},
        "values": {"remark": "待发", "description": "", "remarkCompany": "", "mobiles": []}, "createdAt": 1.0},
        {"key": 3}], "kept": [{"kind": "future"}]})
    .to_string();
    match which % 8 {
        0 => {}
        1 => {
            s.insert("wcc:session".into(), session);
        }
        2 => {
            s.insert(
                "wcc:session".into(),
                session[..session.len() / 2].to_owned(),
            );
            s.insert(
                format!("wcc:draft:{ext}"),
                draft[..draft.len() - 4].to_owned(),
            );
        }
        3 => {
            s.insert(format!("wcc:draft:{ext}"), draft);
            s.insert("wcc:outbox".into(), outbox);
        }
        4 => {
            s.insert("wcc:outbox".into(), "[1,2,{\"kind\":\"remark\"}]".into());
            s.insert(format!("wcc:draft:{ext}"), r#"{"v":9}"#.into());
        }
        5 => {
            s.insert("wcc:outbox".into(), json!({"v": 7, "x": 1}).to_string());
            s.insert("wcc:compose:attachment".into(), "{\"v\":1}".into());
        }
        6 => {
            s.insert("wcc:session".into(), "42".into());
            s.insert(
                "wcc:outbox".into(),
                format!("{}{}", "[".repeat(100), "]".repeat(100)),
            );
        }
        _ => {
            s.insert("wcc:session".into(), session);
            s.insert(format!("wcc:draft:{ext}"), draft);
        }
    }
    s
}

fn launch_text(storage: u8, entry_deep: u8) -> String {
    let mut info = json!({"platform": "android", "SDKVersion": "3.4.0", "environment": "wxwork", "language": "zh_CN"});
    if entry_deep % 5 == 0 {
        let mut deep = json!(1);
        for _ in 0..(entry_deep as usize % 70) {
            deep = json!([deep]);
        }
        info["deep"] = deep;
    }
    json!({
        "type": "launch", "now": 1_700_000_000_000u64, "systemInfo": info, "hasQy": true,
        "qyApis": all_qy(), "storage": storage_variant(storage),
    })
    .to_string()
}

fn http_answer(url: &str, how: u8) -> (u16, String) {
    let good = if url.ends_with("/api/session") {
        json!({"token": "tok-1", "corpid": "ww7d2f1a3b9c4e5f60", "userid": "zhangsan"}).to_string()
    } else if url.contains("/api/corp-tags") {
        corp_tags().to_string()
    } else if url.contains("/api/group-chats/") {
        group_chat().to_string()
    } else if url.contains("/remark") || url.contains("/mark-tag") {
        json!({"errcode": 0, "errmsg": "ok"}).to_string()
    } else {
        wechat_customer().to_string()
    };
    match how % 16 {
        0..=8 => (200, good),
        9 => (0, String::new()),
        10 => (401, "{}".into()),
        11 => (503, "busy".into()),
        12 => (200, good.replace("陈晓明", "陈晓明\\ud83d")),
        13 => (
            200,
            json!({"errcode": 48002, "errmsg": "api forbidden"}).to_string(),
        ),
        _ => (200, "<html>garbage".into()),
    }
}

fn qy_answer(api: &str, how: u8) -> Value {
    let ok = |extra: Value| {
        let mut v = json!({"errMsg": format!("{api}:ok")});
        if let (Value::Object(o), Value::Object(e)) = (&mut v, extra) {
            o.extend(e);
        }
        v
    };
    match how % 8 {
        0..=4 => match api {
            "login" => ok(json!({"code": "code-1"})),
            "checkSession" => ok(json!({"expireIn": 7200})),
            "getSystemInfo" => ok(json!({"version": "4.1.36"})),
            "getContext" => {
                let entries = [
                    "single_chat_tools",
                    "group_chat_tools",
                    "chat_attachment",
                    "normal",
                    "single_kf_tools",
                ];
                ok(json!({"entry": entries[(how as usize / 8) % entries.len()]}))
            }
            "getCurExternalContact" => ok(json!({"userId": "wmChenXiaoMing0001AAAA"})),
            "getCurExternalChat" => ok(json!({"chatId": "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"})),
            "selectExternalContact" => ok(json!({"userIds": ["wmChenXiaoMing0001AAAA"]})),
            _ => ok(json!({})),
        },
        5 => json!({"errMsg": format!("{api}:fail no permission")}),
        6 => json!({"errMsg": format!("{api}:fail_nopermission"), "errCode": -1}),
        _ => json!({"errMsg": format!("{api}:cancel")}),
    }
}

struct Runner {
    model: Model,
    page: Value,
    outstanding: Vec<Outstanding>,
    answered: Vec<Outstanding>,
    now: u64,
}

impl Runner {
    fn new() -> Runner {
        Runner {
            model: Model::new(app::Config {
                backend_url: "https://api.example.com".into(),
                locale: None,
            })
            .unwrap(),
            page: json!({}),
            outstanding: Vec::new(),
            answered: Vec::new(),
            now: 1_700_000_000_000,
        }
    }

    /// Dispatches one event text and checks every invariant.
    fn dispatch(&mut self, text: &str) -> Result<(), TestCaseError> {
        let before = app::snapshot(&self.model);
        match app::dispatch_text(&mut self.model, text) {
            Err(e) => {
                prop_assert_eq!(
                    app::snapshot(&self.model),
                    before,
                    "a refusal ({}) changed the model",
                    e
                );
            }
            Ok(effects) => {
                let renders = effects.iter().filter(|e| e.is_render()).count();
                prop_assert!(renders <= 1, "{} renders in one dispatch", renders);
                for e in effects {
                    match e {
                        Effect::Render { patch: p } => patch::apply(&mut self.page, &p),
                        Effect::Http { id, url, .. } => {
                            self.outstanding.push(Outstanding::Http { id, url })
                        }
                        Effect::Qy { id, api, .. } => self.outstanding.push(Outstanding::Qy {
                            id,
                            api: api.name().to_owned(),
                        }),
                        Effect::Wx { id, api, .. } => {
                            self.outstanding.push(Outstanding::Wx { id, api })
                        }
                        Effect::StorageSet { id, .. } => {
                            self.outstanding.push(Outstanding::Storage { id })
                        }
                        Effect::Timer { id, .. } => {
                            self.outstanding.push(Outstanding::Timer { id })
                        }
                        Effect::StorageRemove { .. } | Effect::Log { .. } => {}
                    }
                }
            }
        }
        let view = app::view_value(&self.model);
        let restored = app::restore(&app::snapshot(&self.model))
            .map_err(|e| TestCaseError::fail(format!("own snapshot refused: {e}")))?;
        prop_assert_eq!(
            &app::view_value(&restored),
            &view,
            "view after restore differs"
        );
        // Before the first render the page is empty and the view is not.
        if self.page != json!({}) {
            prop_assert_eq!(
                strip_nulls(self.page.clone()),
                strip_nulls(view),
                "patches do not add up to the view"
            );
        }
        Ok(())
    }

    /// Answers everything outstanding with success until the core waits for
    /// nothing but timers: a quick way into a loaded page. `entry` picks the
    /// getContext answer.
    fn settle(&mut self, entry: u8) -> Result<(), TestCaseError> {
        for _ in 0..40 {
            let Some(i) = self
                .outstanding
                .iter()
                .position(|o| !matches!(o, Outstanding::Timer { .. }))
            else {
                break;
            };
            let o = self.outstanding.remove(i);
            self.answered.push(o.clone());
            self.now += 10;
            let text = answer_text(&o, entry.wrapping_mul(8) % 40, self.now);
            self.dispatch(&text)?;
        }
        Ok(())
    }

    fn step(&mut self, step: &Step) -> Result<(), TestCaseError> {
        self.now += 700;
        let now = self.now;
        let text = match step {
            Step::Answer { n, how } => {
                if self.outstanding.is_empty() {
                    return Ok(());
                }
                let o = self
                    .outstanding
                    .remove(*n as usize % self.outstanding.len());
                self.answered.push(o.clone());
                answer_text(&o, *how, now)
            }
            Step::Stale { id, kind } => {
                let o = match self.answered.get(*id as usize % self.answered.len().max(1)) {
                    Some(o) if kind % 2 == 0 => o.clone(),
                    _ => Outstanding::Http {
                        id: 60_000 + u32::from(*id),
                        url: "/x".into(),
                    },
                };
                answer_text(&o, *kind, now)
            }
            Step::Tap { action, arg } => {
                let (name, args) = ACTIONS[*action as usize % ACTIONS.len()];
                let arg = args[*arg as usize % args.len()];
                format!(r#"{{"type":"tap","action":"{name}","arg":{arg},"now":{now}}}"#)
            }
            Step::Input { field, text, index } => format!(
                r#"{{"type":"input","field":"{}","value":{},"index":{},"now":{now}}}"#,
                FIELDS[*field as usize % FIELDS.len()],
                TEXTS[*text as usize % TEXTS.len()],
                if index % 3 == 0 {
                    "null".to_owned()
                } else {
                    (index % 4).to_string()
                },
            ),
            Step::Show => format!(r#"{{"type":"show","now":{now}}}"#),
            Step::Hide => format!(r#"{{"type":"hide","now":{now}}}"#),
            Step::Network { online } => {
                format!(r#"{{"type":"networkChanged","online":{online},"now":{now}}}"#)
            }
            Step::Garbage { which } => match which % 6 {
                0 => "{".to_owned(),
                1 => r#"{"type":"nope"}"#.to_owned(),
                2 => r#"{"type":"tap"}"#.to_owned(),
                3 => format!(
                    r#"{{"type":"launch","now":1,"systemInfo":{}1{}}}"#,
                    "[".repeat(130),
                    "]".repeat(130)
                ),
                4 => r#"{"type":"input","field":"remark","value":5}"#.to_owned(),
                _ => r#"[1,2,3]"#.to_owned(),
            },
            Step::Relaunch { storage } => {
                // A kill: memory gone; the shell relaunches.
                *self = Runner::new();
                launch_text(*storage, *storage)
            }
        };
        self.dispatch(&text)
    }
}

fn answer_text(o: &Outstanding, how: u8, now: u64) -> String {
    match o {
        Outstanding::Http { id, url } => {
            if how % 13 == 12 {
                // The shell's event itself is unreadable.
                return format!(r#"{{"type":"httpResult","id":{id},"status":"200","body":[]}}"#);
            }
            let (status, body) = http_answer(url, how);
            json!({"type": "httpResult", "id": id, "status": status, "body": body, "errMsg": ""})
                .to_string()
                .replace("\\\\ud83d", "\\ud83d")
        }
        Outstanding::Qy { id, api } => {
            json!({"type": "qyResult", "id": id, "api": api, "result": qy_answer(api, how)}).to_string()
        }
        Outstanding::Wx { id, api } => {
            json!({"type": "wxResult", "id": id, "api": api, "result": {"errMsg": format!("{api}:ok")}}).to_string()
        }
        Outstanding::Storage { id } => {
            if how % 5 == 4 {
                json!({"type": "storageResult", "id": id, "ok": false, "errMsg": "setStorage:fail exceed storage max size 10MB"}).to_string()
            } else {
                json!({"type": "storageResult", "id": id, "ok": true}).to_string()
            }
        }
        Outstanding::Timer { id } => json!({"type": "timer", "id": id, "now": now}).to_string(),
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_shell_sequences_keep_every_invariant() {
    let seed = env_u64("WCC_PROPERTY_SEED", 11);
    let cases = env_u64("WCC_PROPERTY_RUNS", 300) as u32;
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = (
        any::<u8>(),
        any::<u8>(),
        proptest::option::weighted(0.7, 0u8..5),
        proptest::collection::vec(step(), 1..60),
    );
    let result = runner.run(&strategy, |(storage, deep, prefix, steps)| {
        let mut r = Runner::new();
        r.dispatch(&launch_text(storage, deep))?;
        if let Some(entry) = prefix {
            r.settle(entry)?;
        }
        for s in &steps {
            r.step(s)?;
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("seed {seed}: {e}");
    }
}
