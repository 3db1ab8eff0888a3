//! Every user-facing string exists in Chinese and English (issue 15): the
//! core's view, rendered for a set of representative models — every route,
//! with notices, banners, form errors, refused saves and hand-over states —
//! is in the member's language only.
//!
//! - In English, no string of the view holds Chinese. The fixtures' user data
//!   (names, remarks, tags, group names) is ASCII, so every Chinese character
//!   would be the core's own words.
//! - In Chinese, no string holds WeCom's (English) `errmsg`/`errMsg` text,
//!   though the model holds such an error: neither the ones each fixture
//!   injects nor any of the errmsgs WeCom is known to send.

mod support {
    pub mod world;
}

use serde_json::{json, Value};
use support::world::World;
use wecom_contact_core::app;
use wecom_contact_core::support::locale::is_cjk;

const CUSTOMER: &str = "wmChenXiaoMing0001AAAA";

/// WeCom errmsgs and errMsgs (English) that must never reach Chinese text.
const KNOWN_ERRMSGS: &[&str] = &[
    "invalid code",
    "api forbidden",
    "not allow to access from your ip",
    "no privilege",
    "not external contact",
    "invalid external userid",
    "invalid parameter",
    "system busy",
    "api freq out of limit",
    "invalid credential",
    ":fail",
    "hint:",
    "from ip",
];

/// A customer, tags and a group chat with ASCII names, as WeCom would send them.
fn ascii_backend() -> support::world::Backend {
    Box::new(|_m, url, _b, _h| {
        if url.ends_with("/api/session") {
            (
                200,
                json!({"token": "tok-1", "corpid": "ww7d2f1a3b9c4e5f60", "userid": "zhangsan"})
                    .to_string(),
            )
        } else if url.contains("/api/corp-tags") {
            (
                200,
                json!({"errcode": 0, "errmsg": "ok", "tag_group": [
                    {"group_id": "etGRP0001", "group_name": "Level", "order": 1, "tag": [
                        {"id": "etLevelA0001", "name": "Level A", "order": 2},
                        {"id": "etLevelB0001", "name": "Level B", "order": 1}]}
                ]})
                .to_string(),
            )
        } else if url.contains("/api/group-chats/") {
            (
                200,
                json!({"errcode": 0, "errmsg": "ok", "group_chat": {
                    "chat_id": "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", "name": "Enterprise customers", "owner": "zhangsan",
                    "notice": "Welcome", "admin_list": [{"userid": "wangwu"}],
                    "member_list": [
                        {"userid": "zhangsan", "type": 1, "join_time": 1572505491, "join_scene": 1},
                        {"userid": CUSTOMER, "type": 2, "join_time": 1572505491, "join_scene": 3, "name": "Chen Xiaoming"}
                    ]}})
                .to_string(),
            )
        } else if url.contains("/remark") || url.contains("/mark-tag") {
            (200, json!({"errcode": 0, "errmsg": "ok"}).to_string())
        } else if url.contains("/api/external-contacts/") {
            (
                200,
                json!({
                    "errcode": 0, "errmsg": "ok",
                    "external_contact": {"external_userid": CUSTOMER, "name": "Chen Xiaoming", "type": 1, "gender": 1,
                                         "position": "Buyer", "corp_name": "Xiaoming Tech"},
                    "follow_user": [
                        {"userid": "lisi", "remark": "Boss Chen", "createtime": 1690000000, "tags": [], "add_way": 3},
                        {"userid": "zhangsan", "remark": "Mr Chen", "description": "Wants the enterprise price", "createtime": 1700000000,
                         "tags": [{"group_name": "Level", "tag_name": "Level A", "type": 1, "tag_id": "etLevelA0001"}],
                         "remark_corp_name": "Xiaoming Tech", "remark_mobiles": ["13800138000"], "add_way": 1}
                    ],
                    "next_cursor": ""
                })
                .to_string(),
            )
        } else {
            (404, "{}".into())
        }
    })
}

/// `backend`, except for URLs containing `part`, answered with `(status, body)`.
fn refusing(part: &'static str, status: u16, body: Value) -> support::world::Backend {
    let mut inner = ascii_backend();
    Box::new(move |m, url, b, h| {
        if url.contains(part) {
            return (status, body.to_string());
        }
        inner(m, url, b, h)
    })
}

/// The hand-over backend: a resigned rep's three customers, handed to lisi,
/// one refused; `answer` is the transfers endpoint's.
fn handover_backend(status: u16, answer: Value) -> support::world::Backend {
    let mut inner = ascii_backend();
    Box::new(move |m, url, b, h| {
        let c = |i: usize| format!("wmHandover{i:022}");
        if url.contains("/customers?") {
            let list: Vec<Value> = (0..3)
                .map(|i| json!({"external_userid": c(i), "dimission_time": 1_699_000_000}))
                .collect();
            (
                200,
                json!({"errcode": 0, "customers": list, "next_cursor": ""}).to_string(),
            )
        } else if url.contains("/group-chats?") {
            (
                200,
                json!({"errcode": 0, "group_chats": [{"chat_id": "wrHandoverChat000000000000000000"}], "next_cursor": ""})
                    .to_string(),
            )
        } else if url.contains("/api/handover/transfers") {
            (status, answer.to_string())
        } else {
            inner(m, url, b, h)
        }
    })
}

fn transfer(errmsg: &str) -> Value {
    let c = |i: usize| format!("wmHandover{i:022}");
    let items: Vec<Value> = (0..4)
        .map(|i| {
            let (state, reason) = match i {
                0 => (
                    "refused_by_customer",
                    json!("transfer_fail: customer_refused"),
                ),
                1 => ("not_submitted", Value::Null),
                3 => (
                    "not_started",
                    json!("not a customer of the member handing over (errcode 84061)"),
                ),
                _ => ("done", Value::Null),
            };
            json!({"type": "customer", "id": c(i), "call": 1, "state": state, "reason": reason})
        })
        .collect();
    json!({"errcode": 0, "errmsg": errmsg, "transfer_id": "tr_demo", "kind": "resigned",
           "handover_userid": "ex_zhou", "takeover_userid": "lisi",
           "counts": {"done": 1, "refused_by_customer": 1, "not_submitted": 1, "not_started": 1}, "items": items})
}

/// A scenario: its name, the errmsgs it puts into the model, and how to
/// drive a world (in either language) into it.
struct Scenario {
    name: &'static str,
    errmsgs: &'static [&'static str],
    entry: &'static str,
    drive: fn(&mut World),
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "loading, offline, with the banner",
            errmsgs: &["network unavailable"],
            entry: "single_chat_tools",
            drive: |w| {
                w.online = false;
                w.launch();
            },
        },
        Scenario {
            name: "notice: devtools cannot read the chat",
            errmsgs: &["not support"],
            entry: "single_chat_tools",
            drive: |w| {
                w.platform = "devtools";
                w.launch();
            },
        },
        Scenario {
            name: "notice: a wx.qy failure WeCom does not explain",
            errmsgs: &["fail weird internal thing"],
            entry: "single_chat_tools",
            drive: |w| {
                w.qy_fail
                    .insert("getCurExternalContact", "fail weird internal thing".into());
                w.launch();
            },
        },
        Scenario {
            name: "notice: no customer-contact permission",
            errmsgs: &["no permission"],
            entry: "single_chat_tools",
            drive: |w| {
                w.qy_fail
                    .insert("getCurExternalContact", "fail no permission".into());
                w.launch();
            },
        },
        Scenario {
            name: "notice: the login code refused (40029)",
            errmsgs: &["invalid code"],
            entry: "single_chat_tools",
            drive: |w| {
                w.backend = refusing(
                    "/api/session",
                    400,
                    json!({"errcode": 40029, "errmsg": "invalid code, hint: [1733], from ip: 1.2.3.4", "error": "wecom_refused"}),
                );
                w.launch();
            },
        },
        Scenario {
            name: "notice: the customer refused by WeCom (48002)",
            errmsgs: &["api forbidden"],
            entry: "single_chat_tools",
            drive: |w| {
                w.backend = refusing(
                    "/api/external-contacts/",
                    200,
                    json!({"errcode": 48002, "errmsg": "api forbidden, hint: [1733], from ip: 1.2.3.4"}),
                );
                w.launch();
            },
        },
        Scenario {
            name: "notice: the backend calls from an untrusted IP (60020)",
            errmsgs: &["not allow to access from your ip"],
            entry: "single_chat_tools",
            drive: |w| {
                w.backend = refusing(
                    "/api/external-contacts/",
                    200,
                    json!({"errcode": 60020, "errmsg": "not allow to access from your ip, hint: [1733], from ip: 1.2.3.4"}),
                );
                w.launch();
            },
        },
        Scenario {
            name: "notice: the customer refused with a code not in the table",
            errmsgs: &["something unheard of"],
            entry: "single_chat_tools",
            drive: |w| {
                w.backend = refusing(
                    "/api/external-contacts/",
                    200,
                    json!({"errcode": 40123, "errmsg": "something unheard of"}),
                );
                w.launch();
            },
        },
        Scenario {
            name: "card",
            errmsgs: &[],
            entry: "single_chat_tools",
            drive: |w| w.launch(),
        },
        Scenario {
            name: "card: tag picker open",
            errmsgs: &[],
            entry: "single_chat_tools",
            drive: |w| {
                w.launch();
                w.tap("tagPicker", Value::Null);
            },
        },
        Scenario {
            name: "card: editing, the remark too long, a bad phone number",
            errmsgs: &[],
            entry: "single_chat_tools",
            drive: |w| {
                w.launch();
                w.tap("edit", Value::Null);
                w.input("remark", "This remark is far longer than twenty characters");
                w.tap("addMobile", Value::Null);
                w.dispatch(app::Event::Input {
                    field: "mobile".into(),
                    value: "12ab".into(),
                    index: Some(1),
                    now: w.now + 1.0,
                });
                w.tap("save", Value::Null);
            },
        },
        Scenario {
            name: "card: a save refused with 48002",
            errmsgs: &["api forbidden"],
            entry: "single_chat_tools",
            drive: |w| {
                w.launch();
                w.backend = refusing(
                    "/remark",
                    200,
                    json!({"errcode": 48002, "errmsg": "api forbidden"}),
                );
                w.tap("edit", Value::Null);
                w.input("remark", "New remark");
                w.tap("save", Value::Null);
            },
        },
        Scenario {
            name: "card: a save refused with a code not in the table",
            errmsgs: &["invalid remark value"],
            entry: "single_chat_tools",
            drive: |w| {
                w.launch();
                w.backend = refusing(
                    "/remark",
                    200,
                    json!({"errcode": 40058, "errmsg": "invalid remark value, hint: [1]"}),
                );
                w.tap("edit", Value::Null);
                w.input("remark", "New remark");
                w.tap("save", Value::Null);
            },
        },
        Scenario {
            name: "card: a tag change refused with 84061",
            errmsgs: &["not external contact"],
            entry: "single_chat_tools",
            drive: |w| {
                w.launch();
                w.backend = refusing(
                    "/mark-tag",
                    200,
                    json!({"errcode": 84061, "errmsg": "not external contact"}),
                );
                w.tap("addTag", json!("etLevelB0001"));
            },
        },
        Scenario {
            name: "card: saved offline, waiting",
            errmsgs: &["network unavailable"],
            entry: "single_chat_tools",
            drive: |w| {
                w.launch();
                w.set_online(false);
                w.tap("edit", Value::Null);
                w.input("description", "Call back next week");
                w.tap("save", Value::Null);
            },
        },
        Scenario {
            name: "group",
            errmsgs: &[],
            entry: "group_chat_tools",
            drive: |w| w.launch(),
        },
        Scenario {
            name: "group: refused by WeCom with a code not in the table",
            errmsgs: &["invalid chatid"],
            entry: "group_chat_tools",
            drive: |w| {
                w.backend = refusing(
                    "/api/group-chats/",
                    200,
                    json!({"errcode": 40050, "errmsg": "invalid chatid"}),
                );
                w.launch();
            },
        },
        Scenario {
            name: "compose from the attachment bar",
            errmsgs: &[],
            entry: "chat_attachment",
            drive: |w| w.launch(),
        },
        Scenario {
            name: "compose: sending failed with an errMsg WeCom does not explain",
            errmsgs: &["fail system error"],
            entry: "single_chat_tools",
            drive: |w| {
                w.launch();
                w.tap("compose", Value::Null);
                w.qy_fail
                    .insert("sendChatMessage", "fail system error".into());
                w.input("composer.text", "Hello");
                w.tap("send", Value::Null);
            },
        },
        Scenario {
            name: "home",
            errmsgs: &[],
            entry: "normal",
            drive: |w| w.launch(),
        },
        Scenario {
            name: "home: an entry this version does not handle",
            errmsgs: &[],
            entry: "some_future_entry",
            drive: |w| w.launch(),
        },
        Scenario {
            name: "hand-over: loaded and selected",
            errmsgs: &[],
            entry: "normal",
            drive: |w| {
                w.launch();
                w.backend = handover_backend(200, transfer("ok"));
                w.tap("openHandover", Value::Null);
                w.input("handover.giver", "ex_zhou");
                w.tap("handoverLoad", Value::Null);
                w.tap("handoverSelectAll", Value::Null);
                w.input("handover.taker", "lisi");
            },
        },
        Scenario {
            name: "hand-over: partly submitted, one refused",
            errmsgs: &[
                "partly submitted: WeCom could not be reached",
                "not a customer of the member",
            ],
            entry: "normal",
            drive: |w| {
                w.launch();
                w.backend = handover_backend(
                    200,
                    transfer("partly submitted: WeCom could not be reached for some calls; hand the not_submitted items over again with a new request"),
                );
                w.tap("openHandover", Value::Null);
                w.input("handover.giver", "ex_zhou");
                w.tap("handoverLoad", Value::Null);
                w.tap("handoverSelectAll", Value::Null);
                w.input("handover.taker", "lisi");
                w.tap("handoverSubmit", Value::Null);
            },
        },
        Scenario {
            name: "hand-over: refused by WeCom",
            errmsgs: &["WeCom errcode 40058: invalid parameter"],
            entry: "normal",
            drive: |w| {
                w.launch();
                w.backend = handover_backend(
                    400,
                    json!({"errcode": 400, "error": "wecom_refused", "wecom_errcode": 40058,
                           "errmsg": "WeCom refused the hand-over (WeCom errcode 40058: invalid parameter)"}),
                );
                w.tap("openHandover", Value::Null);
                w.input("handover.giver", "ex_zhou");
                w.tap("handoverLoad", Value::Null);
                w.tap("handoverSelectAll", Value::Null);
                w.input("handover.taker", "lisi");
                w.tap("handoverSubmit", Value::Null);
            },
        },
        Scenario {
            name: "hand-over: a member id that cannot be one",
            errmsgs: &["member userid", "not allowed"],
            entry: "normal",
            drive: |w| {
                w.launch();
                w.tap("openHandover", Value::Null);
                w.input("handover.giver", "ex zhou");
                w.tap("handoverLoad", Value::Null);
            },
        },
        Scenario {
            name: "hand-over: refused by the server in its own words",
            errmsgs: &["the cursor is not one of ours"],
            entry: "normal",
            drive: |w| {
                w.launch();
                let mut inner = handover_backend(200, transfer("ok"));
                w.backend = Box::new(move |m, url, b, h| {
                    if url.contains("/customers?") {
                        return (
                            400,
                            json!({"errcode": 400, "error": "bad_cursor", "errmsg": "the cursor is not one of ours"})
                                .to_string(),
                        );
                    }
                    inner(m, url, b, h)
                });
                w.tap("openHandover", Value::Null);
                w.input("handover.giver", "ex_zhou");
                w.tap("handoverLoad", Value::Null);
            },
        },
    ]
}

/// Every string in a view, with its path.
fn strings(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => out.push((at.to_owned(), s.clone())),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, &format!("{at}[{i}]"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                strings(x, &format!("{at}.{k}"), out);
            }
        }
        _ => {}
    }
}

fn world(entry: &str, zh: bool) -> World {
    let mut w = if zh {
        World::zh(entry)
    } else {
        World::new(entry)
    };
    w.backend = ascii_backend();
    w
}

/// The view of each scenario, in English and in Chinese.
fn rendered(zh: bool) -> Vec<(&'static str, &'static [&'static str], Value)> {
    scenarios()
        .into_iter()
        .map(|s| {
            let mut w = world(s.entry, zh);
            (s.drive)(&mut w);
            w.assert_page_matches_view();
            (s.name, s.errmsgs, app::view_value(&w.model))
        })
        .collect()
}

#[test]
fn the_scenarios_reach_every_route_and_the_states_they_name() {
    let views = rendered(false);
    let routes: std::collections::BTreeSet<String> = views
        .iter()
        .map(|(_, _, v)| v["route"].as_str().unwrap_or("").to_owned())
        .collect();
    for route in [
        "loading", "notice", "card", "group", "compose", "home", "handover",
    ] {
        assert!(
            routes.contains(route),
            "no scenario shows {route}: {routes:?}"
        );
    }
    let find = |name: &str| &views.iter().find(|(n, ..)| *n == name).unwrap().2;
    // Each scenario shows what it is about: the fixtures cannot pass by
    // showing nothing.
    assert!(find("loading, offline, with the banner")["banner"].is_string());
    assert!(find("notice: the login code refused (40029)")["notice"]["message"].is_string());
    assert!(
        find("notice: a wx.qy failure WeCom does not explain")["notice"]["message"].is_string()
    );
    assert!(
        find("notice: the customer refused by WeCom (48002)")["notice"]["guidance"]
            .as_str()
            .unwrap_or("")
            .contains("admin")
    );
    assert!(find("notice: no customer-contact permission")["notice"]["guidance"].is_string());
    assert!(
        find("notice: the backend calls from an untrusted IP (60020)")["notice"]["guidance"]
            .as_str()
            .unwrap_or("")
            .contains("Trusted IP")
    );
    let editing = find("card: editing, the remark too long, a bad phone number");
    assert!(
        editing["form"]["errors"].as_array().unwrap().len() >= 2,
        "{editing}"
    );
    assert!(editing["formMessage"].is_string(), "{editing}");
    assert!(find("card: a save refused with 48002")["formMessage"].is_string());
    assert!(find("card: a save refused with a code not in the table")["formMessage"].is_string());
    assert!(find("card: a tag change refused with 84061")["banner"].is_string());
    assert!(find("card: tag picker open")["tagPicker"].is_array());
    assert!(find("card: saved offline, waiting")["pendingSaves"].as_u64() > Some(0));
    assert!(find("group")["group"].is_object());
    assert!(
        find("compose: sending failed with an errMsg WeCom does not explain")["composer"]
            .to_string()
            .contains("system error"),
        "the English view quotes the errMsg"
    );
    assert!(find("home: an entry this version does not handle")["banner"].is_string());
    let partly = find("hand-over: partly submitted, one refused");
    assert!(
        partly["handover"]["transfer"]["note"].is_string(),
        "{partly}"
    );
    assert!(
        partly["handover"]["transfer"]["items"]
            .to_string()
            .contains("not a customer of the member handing over"),
        "{partly}"
    );
    assert!(find("hand-over: refused by WeCom")["handover"]["problem"].is_string());
    assert!(find("hand-over: a member id that cannot be one")["handover"]["problem"].is_string());
    assert!(
        find("hand-over: refused by the server in its own words")["handover"]["problem"]
            .is_string()
    );
    assert!(
        find("hand-over: loaded and selected")["handover"]["customers"]
            .as_array()
            .unwrap()
            .len()
            == 3
    );
}

#[test]
fn an_english_view_holds_no_chinese() {
    let mut bad = Vec::new();
    for (name, _, view) in rendered(false) {
        let mut all = Vec::new();
        strings(&view, "", &mut all);
        for (at, s) in all {
            if s.chars().any(is_cjk) {
                bad.push(format!("{name}: {at} = {s:?}"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "Chinese in English views:\n{}",
        bad.join("\n")
    );
}

#[test]
fn a_chinese_view_holds_no_errmsg_from_wecom() {
    let mut bad = Vec::new();
    for (name, injected, view) in rendered(true) {
        let mut all = Vec::new();
        strings(&view, "", &mut all);
        for (at, s) in all {
            let lower = s.to_lowercase();
            for raw in injected.iter().chain(KNOWN_ERRMSGS) {
                if lower.contains(&raw.to_lowercase()) {
                    bad.push(format!("{name}: {at} = {s:?} (holds {raw:?})"));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "errmsgs in Chinese views:\n{}",
        bad.join("\n")
    );
}

#[test]
fn a_chinese_view_is_chinese_where_it_speaks() {
    // The labels and messages of the Chinese views are Chinese (at least one
    // character), wherever the English view of the same state holds words.
    let en = rendered(false);
    let zh = rendered(true);
    let mut bad = Vec::new();
    for ((name, _, e), (_, _, z)) in en.iter().zip(&zh) {
        let (mut es, mut zs) = (Vec::new(), Vec::new());
        strings(e, "", &mut es);
        strings(z, "", &mut zs);
        for (at, zs) in &zs {
            let Some((_, es)) = es.iter().find(|(p, _)| p == at) else {
                continue;
            };
            // Where the two languages differ, the Chinese one is Chinese.
            if es != zs && !zs.chars().any(is_cjk) {
                bad.push(format!("{name}: {at} = {zs:?} (English: {es:?})"));
            }
        }
        let labels = &z["labels"];
        assert!(labels.is_object(), "{name}: no labels");
    }
    assert!(
        bad.is_empty(),
        "not Chinese in Chinese views:\n{}",
        bad.join("\n")
    );
}
