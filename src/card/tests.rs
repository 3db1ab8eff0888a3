//! The card slice's update, step by step: a Host and a Ctx in, effects,
//! asks and the slice's state out. No shell, no app.

use serde_json::{json, Value};

use super::*;
use crate::protocol::ctx::Host;
use crate::protocol::effect::Effect;
use crate::protocol::session::Session;
use crate::support::locale::Locale;
use crate::wecom::environment::{Environment, SystemInfo};

const EXT: &str = "wmChenXiaoMing0001AAAA";
const DRAFT: &str = "wcc:draft:wmChenXiaoMing0001AAAA";
const BASE: &str = "https://api.example.com";

/// Zhangsan, signed in, on the card of EXT in Android WeCom.
fn host() -> Host {
    let info = SystemInfo {
        platform: Some("android".into()),
        environment: Some("wxwork".into()),
        ..SystemInfo::default()
    };
    Host {
        now: 1_700_000_000_000.0,
        locale: Locale::En,
        base: BASE.into(),
        session: Some(Session {
            token: "tok-1".into(),
            corpid: crate::wecom::ids::CorpId::parse("ww7d2f1a3b9c4e5f60").unwrap(),
            userid: UserId::parse("zhangsan").unwrap(),
        }),
        env: Environment::detect(&info, true, Some("4.1.36")),
        entry: Some("single_chat_tools".into()),
        qy_apis: Default::default(),
        has_qy: true,
        customer: Some(ext()),
        chat: None,
    }
}

fn ext() -> ExternalUserId {
    ExternalUserId::parse(EXT).unwrap()
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

/// Each effect in one line: `GET <url>`, `set <key>`, `timer <ms>`, …
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

/// The title of the toast among `fx`, if any.
fn toast(fx: &[Effect]) -> Option<String> {
    fx.iter().find_map(|e| match e {
        Effect::Wx { api, args, .. } if api == "showToast" => {
            args["title"].as_str().map(str::to_owned)
        }
        _ => None,
    })
}

fn banner_en(asks: &[Ask]) -> Option<String> {
    asks.iter().rev().find_map(|a| match a {
        Ask::Banner(Some(line)) => Some(line.en.clone()),
        _ => None,
    })
}

/// Takes the first pending entry `pick` accepts out of the map, as the app
/// does before handing a result to the slice.
fn take(s: &mut State, pick: impl Fn(&Pending) -> bool) -> (EffectId, Pending) {
    let id = *s.pending.iter().find(|(_, p)| pick(p)).unwrap().0;
    (id, s.pending.remove(&id).unwrap())
}

fn customer_body(next_cursor: &str) -> String {
    json!({
        "errcode": 0, "errmsg": "ok",
        "external_contact": {"external_userid": EXT, "name": "陈晓明", "type": 1, "gender": 1},
        "follow_user": [
            {"userid": "lisi", "remark": "陈总", "createtime": 1690000000, "tags": [], "add_way": 3},
            {"userid": "zhangsan", "remark": "陈先生", "description": "想了解企业版报价", "createtime": 1700000000,
             "tags": [{"group_name": "客户等级", "tag_name": "A 级", "type": 1, "tag_id": "etLevelA0001"}],
             "remark_corp_name": "晓明科技", "remark_mobiles": ["13800138000"], "add_way": 1}
        ],
        "next_cursor": next_cursor
    })
    .to_string()
}

fn corp_tags_body() -> String {
    json!({"errcode": 0, "errmsg": "ok", "tag_group": [
        {"group_id": "etGRP0001", "group_name": "客户等级", "order": 1, "tag": [
            {"id": "etLevelA0001", "name": "A 级", "order": 2}, {"id": "etLevelB0001", "name": "B 级", "order": 1}]}
    ]})
    .to_string()
}

/// The card of EXT, opened and answered, nothing pending.
fn loaded() -> State {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    let (_, p) = take(&mut s, |p| matches!(p, Pending::FetchCustomer { .. }));
    step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, &customer_body(""))
    });
    let (_, p) = take(&mut s, |p| *p == Pending::FetchCorpTags);
    step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, &corp_tags_body())
    });
    assert!(s.pending.is_empty(), "{:?}", s.pending);
    s
}

/// The loaded card with the remark edited to "王总" (a draft is held).
fn edited() -> State {
    let mut s = loaded();
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Edit));
    step(&mut s, &host(), |s, ctx| {
        s.on_input(ctx, "remark", "王总".into(), None)
    });
    s.pending.clear();
    assert!(s.drafts.contains_key(EXT));
    s
}

/// The edit saved: returns the state and the outbox key of the save.
fn saved() -> (State, String) {
    let mut s = edited();
    step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Save));
    let key = s.outbox.entries[0].key.clone();
    s.pending
        .retain(|_, p| !matches!(p, Pending::StorageWrite { .. }));
    (s, key)
}

fn header<'a>(fx: &'a Effect, name: &str) -> &'a Value {
    match fx {
        Effect::Http { headers, .. } => &headers[name],
        other => panic!("not a request: {other:?}"),
    }
}

#[test]
fn open_asks_for_the_card_page_and_fetches_the_customer_and_corp_tags() {
    let mut s = State::default();
    let (fx, asks) = step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    assert_eq!(asks, [Ask::Page(Route::Card), Ask::Loading]);
    assert_eq!(
        kinds(&fx),
        [
            format!("GET {BASE}/api/external-contacts/{EXT}"),
            format!("GET {BASE}/api/corp-tags"),
        ]
    );
    for e in &fx {
        assert_eq!(header(e, "Authorization"), "Bearer tok-1");
    }
    assert_eq!(s.external_userid, Some(ext()));
    let mut waiting: Vec<_> = s.pending.values().cloned().collect();
    waiting.sort_by_key(|p| format!("{p:?}"));
    assert_eq!(
        waiting,
        [
            Pending::FetchCorpTags,
            Pending::FetchCustomer {
                customer: Some(ext()),
                cursor: None
            }
        ]
    );
}

#[test]
fn opening_with_a_stored_draft_restores_the_form() {
    let mut s = State::default();
    let values = FormValues {
        remark: "草稿".into(),
        ..FormValues::default()
    };
    s.drafts
        .insert(EXT.into(), Draft::new(EXT, 1.0, values.clone()));
    step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    assert_eq!(s.form, Some(values));
    assert!(s.form_message.as_ref().unwrap().en.contains("restored"));
}

#[test]
fn a_customer_body_makes_the_page_ready_and_fetches_the_next_page() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    let (_, p) = take(&mut s, |p| matches!(p, Pending::FetchCustomer { .. }));
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, &customer_body("PAGE 2"))
    });
    assert_eq!(asks, [Ask::Ready, Ask::Loading]);
    assert_eq!(
        kinds(&fx),
        [format!(
            "GET {BASE}/api/external-contacts/{EXT}?cursor=PAGE%202"
        )]
    );
    assert!(s.pending.values().any(|p| *p
        == Pending::FetchCustomer {
            customer: Some(ext()),
            cursor: Some("PAGE 2".into())
        }));
    let c = s.customer.as_ref().unwrap();
    assert_eq!(c.name, "陈晓明");
    assert_eq!(c.follow_users.len(), 2);
    assert_eq!(s.customer_pages.len(), 1);
    let (mine, _) = s.my_follow(host().me()).unwrap();
    assert_eq!(mine.remark, "陈先生");
}

#[test]
fn the_last_page_fetches_nothing_more() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    let (_, p) = take(&mut s, |p| matches!(p, Pending::FetchCustomer { .. }));
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, &customer_body(""))
    });
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(asks, [Ask::Ready]);
}

#[test]
fn a_bad_body_with_no_customer_blocks_the_page() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    let (_, p) = take(&mut s, |p| matches!(p, Pending::FetchCustomer { .. }));
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, "<html>gateway</html>")
    });
    assert!(fx.is_empty(), "{fx:?}");
    let [Ask::Block(notice)] = asks.as_slice() else {
        panic!("{asks:?}")
    };
    assert!(notice.can_retry);
    assert!(!notice.code.is_empty());
    assert!(s.customer.is_none());
    assert!(s.customer_pages.is_empty());
}

#[test]
fn a_bad_body_over_a_shown_customer_is_only_a_banner() {
    let mut s = loaded();
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(
            ctx,
            Pending::FetchCustomer {
                customer: Some(ext()),
                cursor: None,
            },
            200,
            "{",
        )
    });
    assert!(fx.is_empty(), "{fx:?}");
    assert!(banner_en(&asks).is_some(), "{asks:?}");
    assert!(!asks.iter().any(|a| matches!(a, Ask::Block(_))));
    assert_eq!(s.customer.as_ref().unwrap().name, "陈晓明");
}

#[test]
fn an_offline_fetch_asks_to_retry_later() {
    let mut s = loaded();
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(
            ctx,
            Pending::FetchCustomer {
                customer: Some(ext()),
                cursor: None,
            },
            0,
            "",
        )
    });
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(asks, [Ask::RetryLater { status: 0 }]);
}

#[test]
fn save_writes_the_outbox_ahead_of_the_draft_release_then_posts_with_an_idempotency_key() {
    let mut s = edited();
    let (fx, asks) = step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::Save));
    assert!(asks.is_empty(), "{asks:?}");
    assert_eq!(
        kinds(&fx),
        [
            "set wcc:outbox".to_owned(),
            format!("POST {BASE}/api/external-contacts/{EXT}/remark"),
        ],
        "the draft key is not removed yet"
    );
    let key = s.outbox.entries[0].key.clone();
    let Effect::StorageSet { id, value, .. } = &fx[0] else {
        unreachable!()
    };
    assert!(value.contains("王总") && value.contains(&key), "{value}");
    assert_eq!(
        s.pending.get(id),
        Some(&Pending::StorageWrite {
            key: OUTBOX_KEY.into(),
            then: vec![AfterWrite::Release { key: DRAFT.into() }],
        })
    );
    assert_eq!(header(&fx[1], "Idempotency-Key"), key.as_str());
    assert_eq!(header(&fx[1], "Authorization"), "Bearer tok-1");
    let Effect::Http { id: post, body, .. } = &fx[1] else {
        unreachable!()
    };
    assert_eq!(body["remark"], "王总");
    assert_eq!(body["userid"], "zhangsan");
    assert_eq!(body["external_userid"], EXT);
    assert!(body.get("description").is_none(), "only changed fields");
    assert_eq!(
        s.pending.get(post),
        Some(&Pending::Save { key: key.clone() })
    );
    // Optimistic: the form closes and the card shows the new value.
    assert!(s.form.is_none());
    assert!(!s.drafts.contains_key(EXT));
    assert!(s.outbox.entries[0].in_flight);
    assert_eq!(s.my_follow(host().me()).unwrap().0.remark, "王总");
}

#[test]
fn a_confirmed_save_empties_the_outbox_and_says_saved() {
    let (mut s, key) = saved();
    let (_, p) = take(&mut s, |p| matches!(p, Pending::Save { .. }));
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, r#"{"errcode":0,"errmsg":"ok"}"#)
    });
    // Success is a toast, and the banner (for warnings) is cleared.
    assert_eq!(kinds(&fx), ["wx showToast", "remove wcc:outbox"]);
    assert_eq!(toast(&fx).as_deref(), Some("Saved"));
    assert_eq!(banner_en(&asks), None);
    assert!(asks.contains(&Ask::Banner(None)));
    assert!(s.outbox.get_mut(&key).is_none());
    assert_eq!(s.applied.as_ref().unwrap().remark, "王总");
}

#[test]
fn a_5xx_save_schedules_an_outbox_retry_with_a_busy_banner_and_keeps_the_entry() {
    let (mut s, key) = saved();
    let (_, p) = take(&mut s, |p| matches!(p, Pending::Save { .. }));
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 503, "Service Unavailable")
    });
    assert_eq!(kinds(&fx), ["timer 1000"]);
    let Effect::Timer { id, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(s.pending.get(id), Some(&Pending::OutboxRetry));
    let line = banner_en(&asks).unwrap();
    assert!(line.contains("busy (503)"), "{line}");
    let entry = s.outbox.get_mut(&key).unwrap().clone();
    assert!(!entry.in_flight);
    assert_eq!(entry.attempts, 1);
    assert!(!entry.parked);
    // The retry goes under the same key.
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.flush_outbox(ctx));
    assert_eq!(header(&fx[0], "Idempotency-Key"), key.as_str());
}

#[test]
fn a_2xx_without_an_errcode_is_no_confirmation() {
    let (mut s, key) = saved();
    let (_, p) = take(&mut s, |p| matches!(p, Pending::Save { .. }));
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, "<html>proxy</html>")
    });
    assert_eq!(kinds(&fx), ["timer 1000"]);
    assert!(banner_en(&asks).unwrap().contains("could not be read"));
    assert!(s.outbox.get_mut(&key).is_some());
}

#[test]
fn a_refused_save_parks_the_entry_and_writes_its_values_back_into_a_draft() {
    let (mut s, key) = saved();
    let (_, p) = take(&mut s, |p| matches!(p, Pending::Save { .. }));
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(
            ctx,
            p,
            200,
            r#"{"errcode":40096,"errmsg":"invalid external userid"}"#,
        )
    });
    assert_eq!(
        kinds(&fx),
        [format!("set {OUTBOX_KEY}"), format!("set {DRAFT}")],
        "the parked mark and the draft are stored; nothing resent"
    );
    let Effect::StorageSet { id, value, .. } = &fx[1] else {
        unreachable!()
    };
    assert_eq!(
        s.pending.get(id),
        Some(&Pending::StorageWrite {
            key: DRAFT.into(),
            then: vec![AfterWrite::DropParked { key: key.clone() }],
        })
    );
    let draft = Draft::parse(value, EXT).unwrap();
    assert_eq!(draft.values.remark, "王总");
    // The entry stays (parked) until the draft is acknowledged.
    let entry = s.outbox.get_mut(&key).unwrap().clone();
    assert!(entry.parked && !entry.in_flight);
    assert!(s.outbox.ready().is_empty());
    // The form is back with the member's text; the card rolls back.
    assert_eq!(s.form.as_ref().unwrap().remark, "王总");
    assert_eq!(s.my_follow(host().me()).unwrap().0.remark, "陈先生");
    // Said once, at the form (not also in the banner), in words: the
    // field's name, and that the text is still in the form.
    assert_eq!(banner_en(&asks), None, "{asks:?}");
    let line = s.form_message.as_ref().unwrap();
    assert!(
        line.en.starts_with("Could not save the remark name:")
            && line.en.contains("still in the form"),
        "{}",
        line.en
    );
    assert!(
        line.zh.starts_with("未能保存备注名：")
            && !line.zh.contains("remark")
            && !line.zh.contains("已恢复原值"),
        "{}",
        line.zh
    );

    // Once the draft is acknowledged, the parked entry goes.
    let (_, p) = take(
        &mut s,
        |p| matches!(p, Pending::StorageWrite { key, .. } if key == DRAFT),
    );
    let Pending::StorageWrite { then, .. } = p else {
        unreachable!()
    };
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.after_writes(ctx, then));
    assert_eq!(kinds(&fx), ["remove wcc:outbox"]);
    assert!(s.outbox.is_empty());
    assert!(s.drafts.contains_key(EXT));
}

#[test]
fn after_writes_release_removes_the_draft_key_only_if_no_draft_is_held() {
    let release = || vec![AfterWrite::Release { key: DRAFT.into() }];
    let mut s = loaded();
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.after_writes(ctx, release()));
    assert_eq!(kinds(&fx), [format!("remove {DRAFT}")]);

    // The member typed again before the outbox write was acknowledged.
    let mut s = edited();
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.after_writes(ctx, release()));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(s.drafts.contains_key(EXT));
}

#[test]
fn drop_oldest_draft_never_drops_the_current_customers_draft() {
    let mut s = loaded();
    let values = FormValues::default;
    // The current customer's draft is the oldest of all.
    s.drafts.insert(EXT.into(), Draft::new(EXT, 1.0, values()));
    s.drafts
        .insert("wmOlder".into(), Draft::new("wmOlder", 3.0, values()));
    s.drafts
        .insert("wmNewer".into(), Draft::new("wmNewer", 5.0, values()));

    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        assert!(s.drop_oldest_draft(ctx, OUTBOX_KEY));
    });
    assert_eq!(kinds(&fx), ["remove wcc:draft:wmOlder"]);
    // Not the one whose write failed either.
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        assert!(!s.drop_oldest_draft(ctx, "wcc:draft:wmNewer"));
    });
    assert!(fx.is_empty(), "{fx:?}");
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        assert!(s.drop_oldest_draft(ctx, OUTBOX_KEY));
    });
    assert_eq!(kinds(&fx), ["remove wcc:draft:wmNewer"]);
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        assert!(!s.drop_oldest_draft(ctx, OUTBOX_KEY));
    });
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s.drafts.keys().collect::<Vec<_>>(), [EXT]);
}

#[test]
fn restore_key_of_a_damaged_draft_is_an_error_and_writes_nothing() {
    for raw in [r#"{"v":2,"ext":"wmChen"#, r#"{"v":9,"ext":"x"}"#, "[]", ""] {
        let mut s = State::default();
        let (fx, asks) = step(&mut s, &host(), |s, ctx| {
            assert_eq!(s.restore_key(ctx, DRAFT, raw), Err(()), "{raw}");
        });
        assert!(fx.is_empty() && asks.is_empty(), "{raw}: {fx:?}");
        assert!(s.drafts.is_empty());
    }
}

#[test]
fn restore_key_of_a_v1_draft_migrates_it_to_v2() {
    let raw = r#"{"version":1,"remark":"王总","desc":"下周回访","company":"","mobiles":"13800138000;","ts":5}"#;
    let mut s = State::default();
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        assert_eq!(s.restore_key(ctx, DRAFT, raw), Ok(()));
    });
    assert_eq!(kinds(&fx), [format!("set {DRAFT}")]);
    let Effect::StorageSet { id, value, .. } = &fx[0] else {
        unreachable!()
    };
    let written: Value = serde_json::from_str(value).unwrap();
    assert_eq!(written["v"], 2);
    assert_eq!(written["ext"], EXT);
    assert_eq!(written["values"]["description"], "下周回访");
    assert_eq!(
        s.pending.get(id),
        Some(&Pending::StorageWrite {
            key: DRAFT.into(),
            then: vec![],
        })
    );
    let d = &s.drafts[EXT];
    assert_eq!(d.values.remark, "王总");
    assert_eq!(d.values.mobiles, ["13800138000"]);
}

#[test]
fn restore_key_of_a_v2_draft_writes_nothing() {
    let raw = Draft::new(EXT, 5.0, FormValues::default()).to_json();
    let mut s = State::default();
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        assert_eq!(s.restore_key(ctx, DRAFT, &raw), Ok(()));
    });
    assert!(fx.is_empty(), "{fx:?}");
    assert!(s.drafts.contains_key(EXT));
}

#[test]
fn restore_key_sets_a_damaged_outbox_entry_aside_before_rewriting_the_outbox() {
    let good = json!({"key": "k1", "externalUserid": EXT, "kind": "remark",
        "body": {"remark": "x"}, "values": null, "createdAt": 1.0});
    let raw = json!({"v": 2, "entries": [good, {"key": 5}], "kept": []}).to_string();
    let mut s = State::default();
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        assert_eq!(s.restore_key(ctx, OUTBOX_KEY, &raw), Ok(()));
    });
    assert_eq!(kinds(&fx), ["set wcc-quarantine:wcc:outbox", "log warn"]);
    let Effect::StorageSet { id, .. } = &fx[0] else {
        unreachable!()
    };
    assert_eq!(
        s.pending.get(id),
        Some(&Pending::StorageWrite {
            key: "wcc-quarantine:wcc:outbox".into(),
            then: vec![AfterWrite::Release {
                key: OUTBOX_KEY.into()
            }],
        })
    );
    assert_eq!(s.outbox.entries.len(), 1);
    assert!(s.take_restore_note().is_some());
}

#[test]
fn tap_parse_refuses_bad_arguments_for_remove_mobile_and_tags() {
    for bad in [json!("x"), json!(-1), json!(1.5), json!({}), Value::Null] {
        assert!(
            matches!(Tap::parse("removeMobile", &bad), Some(Err(_))),
            "removeMobile {bad}"
        );
    }
    assert_eq!(
        Tap::parse("removeMobile", &json!(" 2 ")),
        Some(Ok(Tap::RemoveMobile(2)))
    );
    assert_eq!(
        Tap::parse("removeMobile", &json!(0)),
        Some(Ok(Tap::RemoveMobile(0)))
    );
    for name in ["addTag", "removeTag"] {
        for bad in [json!(5), Value::Null, json!("tag1"), json!("")] {
            assert!(
                matches!(Tap::parse(name, &bad), Some(Err(_))),
                "{name} {bad}"
            );
        }
    }
    let tag = TagId::parse("etLevelA0001").unwrap();
    assert_eq!(
        Tap::parse("addTag", &json!("etLevelA0001")),
        Some(Ok(Tap::AddTag(tag.clone())))
    );
    assert_eq!(
        Tap::parse("removeTag", &json!("etLevelA0001")),
        Some(Ok(Tap::RemoveTag(tag)))
    );
    // Actions without an argument ignore it.
    assert_eq!(Tap::parse("save", &json!([1])), Some(Ok(Tap::Save)));
    for other in ["retry", "card", "send", "quickReply", "Save"] {
        assert_eq!(Tap::parse(other, &Value::Null), None, "{other}");
    }
}

#[test]
fn add_tag_queues_a_mark_tag_save() {
    let mut s = loaded();
    let tag = TagId::parse("etLevelB0001").unwrap();
    let (fx, _) = step(&mut s, &host(), |s, ctx| s.on_tap(ctx, Tap::AddTag(tag)));
    assert_eq!(
        kinds(&fx),
        [
            "set wcc:outbox".to_owned(),
            format!("POST {BASE}/api/external-contacts/{EXT}/mark-tag"),
        ]
    );
    let Effect::Http { body, .. } = &fx[1] else {
        unreachable!()
    };
    assert_eq!(body["add_tag"], json!(["etLevelB0001"]));
}

fn other() -> ExternalUserId {
    ExternalUserId::parse("wmOtherCustomer0002BBBB").unwrap()
}

#[test]
fn a_page_for_a_card_no_longer_open_is_dropped() {
    let mut s = State::default();
    step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    let (_, late) = take(&mut s, |p| matches!(p, Pending::FetchCustomer { .. }));
    step(&mut s, &host(), |s, ctx| s.open(ctx, other()));
    // EXT's first page (with a next cursor) arrives after B was opened.
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, late, 200, &customer_body("PAGE 2"))
    });
    assert!(s.customer.is_none(), "B's card shows nothing of A");
    assert!(s.customer_pages.is_empty());
    assert!(!asks.contains(&Ask::Ready), "{asks:?}");
    assert!(
        !kinds(&fx).iter().any(|k| k.starts_with("GET")),
        "no next page fetched for the wrong card: {fx:?}"
    );
}

#[test]
fn a_save_confirmed_after_another_card_opened_leaves_that_card_alone() {
    let (mut s, _) = saved();
    let (_, p) = take(&mut s, |p| matches!(p, Pending::Save { .. }));
    step(&mut s, &host(), |s, ctx| s.open(ctx, other()));
    let (fx, asks) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, r#"{"errcode":0,"errmsg":"ok"}"#)
    });
    assert!(s.outbox.is_empty(), "the save is done");
    assert_eq!(toast(&fx).as_deref(), Some("Saved"));
    assert_eq!(s.applied, None, "A's values are not laid over B");
    assert_eq!(banner_en(&asks), None);
    let _ = asks;
}

#[test]
fn a_refused_save_stores_the_outbox_with_the_entry_parked() {
    let (mut s, key) = saved();
    let (_, p) = take(&mut s, |p| matches!(p, Pending::Save { .. }));
    let (fx, _) = step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, r#"{"errcode":40096,"errmsg":"bad"}"#)
    });
    let stored = fx
        .iter()
        .find_map(|e| match e {
            Effect::StorageSet { key: k, value, .. } if k == OUTBOX_KEY => Some(value.clone()),
            _ => None,
        })
        .expect("the outbox is written with the parked mark");
    let read = Outbox::read(&stored);
    let entry = read.outbox.entries.iter().find(|e| e.key == key).unwrap();
    assert!(
        entry.parked,
        "stored parked, so a restart never sends it again"
    );
    assert!(kinds(&fx).contains(&format!("set {DRAFT}")));
}

/// The first page as the backend sends it while the customer is handed over.
fn handed_over_body(state: &str, reason: Option<&str>) -> String {
    let status = json!({"transfer_id": "tr_1", "status": 2, "state": state, "reason": reason,
                        "handover_userid": "ex_zhou", "takeover_userid": "zhangsan"});
    let body = customer_body("");
    format!("{{\"wcc_handover\":{status},{}", &body[1..])
}

fn card_line(s: &State, locale: Locale) -> Option<String> {
    s.view_parts(
        host().me(),
        locale,
        true,
        true,
        false,
        &crate::protocol::names::NoNames,
    )
    .card
    .and_then(|c| c.handover)
}

#[test]
fn the_card_says_when_the_customer_is_being_handed_over() {
    let mut s = loaded();
    assert_eq!(
        card_line(&s, Locale::Zh),
        None,
        "never handed over: no line"
    );
    step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    let (_, p) = take(&mut s, |p| matches!(p, Pending::FetchCustomer { .. }));
    step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, &handed_over_body("waiting", None))
    });
    assert_eq!(
        card_line(&s, Locale::Zh).as_deref(),
        Some("交接中，24 小时后生效")
    );
    assert!(s
        .customer
        .as_ref()
        .is_some_and(|c| c.follow_users.len() == 2));
    // A restore reads it from the stored page.
    let mut r = s.clone();
    r.handover = None;
    r.rehydrate(host().me());
    assert_eq!(
        card_line(&r, Locale::Zh).as_deref(),
        Some("交接中，24 小时后生效")
    );
}

#[test]
fn the_card_says_a_refusal_with_its_reason_and_nothing_once_done() {
    let mut s = loaded();
    step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    let (_, p) = take(&mut s, |p| matches!(p, Pending::FetchCustomer { .. }));
    let body = handed_over_body(
        "refused_by_customer",
        Some("transfer_fail: customer_refused"),
    );
    step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, &body)
    });
    assert_eq!(
        card_line(&s, Locale::En).as_deref(),
        Some("The customer refused the hand-over (the customer declined within the 24 hours)")
    );
    assert_eq!(
        card_line(&s, Locale::Zh).as_deref(),
        Some("客户拒绝了交接（客户在 24 小时内拒绝了接替）")
    );
    let (_, _) = step(&mut s, &host(), |s, ctx| s.open(ctx, ext()));
    let (_, p) = take(&mut s, |p| matches!(p, Pending::FetchCustomer { .. }));
    let body = handed_over_body("done", None);
    step(&mut s, &host(), |s, ctx| {
        s.on_http_result(ctx, p, 200, &body)
    });
    assert_eq!(card_line(&s, Locale::En), None);
    // The field is read only where the backend puts it: first.
    assert_eq!(parse_handover_note(&customer_body("")), None);
    let late =
        customer_body("").replacen('{', "{\"x\":1,\"wcc_handover\":{\"state\":\"waiting\"},", 1);
    assert_eq!(
        parse_handover_note(&late).map(|n| n.state),
        Some("waiting".into())
    );
    assert_eq!(parse_handover_note("{\"wcc_handover\": 5}"), None);
}

#[test]
fn a_save_refused_with_an_unknown_code_names_it_in_words_in_chinese() {
    let (mut s, _) = saved();
    let (_, p) = take(&mut s, |p| matches!(p, Pending::Save { .. }));
    step(&mut s, &host(), |s, ctx| {
        s.on_http_result(
            ctx,
            p,
            200,
            r#"{"errcode":40058,"errmsg":"invalid parameter, hint: [1], from ip: 1.2.3.4"}"#,
        )
    });
    let line = s.form_message.as_ref().unwrap();
    assert!(
        line.zh
            .starts_with("未能保存备注名：企业微信返回错误（代码 40058）"),
        "{}",
        line.zh
    );
    assert!(!line.zh.contains("invalid parameter"), "{}", line.zh);
    assert!(
        line.en
            .contains("WeCom returned error 40058: invalid parameter"),
        "{}",
        line.en
    );
}
