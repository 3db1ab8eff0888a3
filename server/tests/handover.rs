//! `/api/handover/…` end to end against the WeCom double (SQLite and PostgreSQL): the
//! resigned rep's 250 customers to a colleague in 3 calls, 2 refused and 1 at limit, every
//! result and transfer_fail mapped to its request; and every bad input.

mod support;

use serde_json::{json, Value};
use support::{Env, Kind};
use wecom_double::demo_ids::{self, handover_customer, RESIGNED, RESIGNED_LONG_AGO};
use wecom_double::{Dataset, TransferOutcome};

const ADMIN: &str = "zhangsan";
const TRANSFERS: &str = "/api/handover/transfers";

async fn env(kind: Kind) -> Env {
    let env = Env::with_data(
        kind,
        wecom_double::Config::demo(),
        Dataset::demo_handover(),
        |v| {
            v.insert("WCC_HANDOVER_ADMINS".into(), format!("{ADMIN}, wangwu"));
        },
    )
    .await;
    env.double.set_callback(
        &env.url("/wecom/callback"),
        support::CALLBACK_TOKEN,
        support::CALLBACK_AES_KEY,
    );
    env
}

fn all_customers() -> Vec<String> {
    (0..demo_ids::HANDOVER_CUSTOMERS)
        .map(handover_customer)
        .collect()
}

fn items_by_id(v: &Value) -> std::collections::HashMap<String, Value> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {v}"))
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_string(), i.clone()))
        .collect()
}

async fn resigned_250_to_a_colleague(kind: Kind) {
    let env = env(kind).await;
    let token = env.login(ADMIN).await;
    // What ex_zhou left: 250 customers, read in pages of 100.
    let mut listed = vec![];
    let mut cursor = String::new();
    for _ in 0..10 {
        let r = env
            .get(
                &token,
                &format!("/api/handover/resigned/{RESIGNED}/customers?limit=100&cursor={cursor}"),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let v = r.json();
        for c in v["customers"].as_array().unwrap() {
            listed.push(c["external_userid"].as_str().unwrap().to_string());
            assert!(c["dimission_time"].as_u64().unwrap() > 0);
        }
        cursor = v["next_cursor"].as_str().unwrap().to_string();
        if cursor.is_empty() {
            break;
        }
    }
    listed.sort();
    assert_eq!(listed, all_customers());

    for i in [10, 20] {
        env.double
            .set_transfer_outcome(&handover_customer(i), TransferOutcome::Refuse);
    }
    env.double
        .set_transfer_outcome(&handover_customer(30), TransferOutcome::TakerAtLimit);
    let body = json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                      "external_userids": all_customers()});
    let r = env
        .post(&token, TRANSFERS, Some("handover-250"), &body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let id = v["transfer_id"].as_str().unwrap().to_string();
    let calls: Vec<(i64, i64, &str)> = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["items"].as_i64().unwrap(),
                c["started"].as_i64().unwrap(),
                c["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        calls,
        vec![
            (100, 100, "answered"),
            (100, 100, "answered"),
            (50, 50, "answered")
        ]
    );
    assert_eq!(v["counts"]["waiting"], 250);
    assert_eq!(
        env.double
            .count("externalcontact/resigned/transfer_customer"),
        3
    );

    // 24 hours later: the double settles and POSTs three transfer_fail callbacks.
    env.double.advance(86_400);
    assert_eq!(env.double.flush_callbacks().await, vec![200, 200, 200]);
    let r = env.get(&token, &format!("{TRANSFERS}/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        v["counts"],
        json!({"done": 247, "refused_by_customer": 2, "taker_at_limit": 1}),
        "{}",
        v["counts"]
    );
    let items = items_by_id(&v);
    assert_eq!(items.len(), 250);
    for (i, c) in all_customers().iter().enumerate() {
        let item = &items[c];
        assert_eq!(item["transfer_id"], id.as_str());
        assert_eq!(item["call"], json!(i / 100 + 1), "{item}");
        assert_eq!(item["start_errcode"], 0);
        match i {
            10 | 20 => {
                assert_eq!(item["status"], 3);
                assert_eq!(item["state"], "refused_by_customer");
                assert!(
                    item["fail_event_id"].is_string(),
                    "mapped from the callback: {item}"
                );
            }
            30 => {
                assert_eq!(item["status"], 4);
                assert_eq!(item["state"], "taker_at_limit");
                assert!(item["fail_event_id"].is_string());
            }
            _ => {
                assert_eq!(item["status"], 1, "{item}");
                assert!(item["takeover_time"].as_i64().unwrap() > 0);
            }
        }
    }
    let (processed,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM callback_inbox WHERE change_type = 'transfer_fail' AND processed_at IS NOT NULL",
    )
    .fetch_one(&env.srv.state.db.pool)
    .await
    .unwrap();
    assert_eq!(processed, 3);
    assert_eq!(env.count_rows("transfer_unmatched").await, 0);
    assert_eq!(env.count_rows("transfer_calls").await, 3);
    // Settled: a second read does not ask WeCom again.
    let before = env.double.count("externalcontact/resigned/transfer_result");
    let again = env.get(&token, &format!("{TRANSFERS}/{id}")).await.json();
    assert_eq!(again["counts"], v["counts"]);
    assert_eq!(
        env.double.count("externalcontact/resigned/transfer_result"),
        before
    );
}

async fn who_may_hand_over(kind: Kind) {
    let env = env(kind).await;
    let lisi = env.login("lisi").await;
    let body = json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                      "external_userids": [handover_customer(0)]});
    let r = env.post(&lisi, TRANSFERS, Some("k1"), &body).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json()["error"], "not_a_handover_admin");
    let r = env
        .get(
            &lisi,
            &format!("/api/handover/resigned/{RESIGNED}/customers"),
        )
        .await;
    assert_eq!(r.status, 403);
    let r = env.get(&lisi, &format!("{TRANSFERS}/tr_x")).await;
    assert_eq!(r.status, 403);
    // No session at all.
    let r = env
        .post("expired-or-unknown", TRANSFERS, Some("k1"), &body)
        .await;
    assert_eq!(r.status, 401);
    // Unset = nobody.
    let other = env
        .another_with(|v| {
            v.remove("WCC_HANDOVER_ADMINS");
        })
        .await;
    let token = support::login_at(&env.http, &other.url(), &env.double.issue_code(ADMIN)).await;
    let r = support::post_at(
        &env.http,
        &other.url(),
        &token,
        TRANSFERS,
        Some("k1"),
        body.to_string(),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        env.double
            .count("externalcontact/resigned/transfer_customer"),
        0
    );
    other.stop().await;
}

async fn bad_requests_are_refused_before_wecom(kind: Kind) {
    let env = env(kind).await;
    let token = env.login(ADMIN).await;
    let post = |body: Value, key: &'static str| {
        let env = &env;
        let token = token.clone();
        async move { env.post(&token, TRANSFERS, Some(key), &body).await }
    };
    // Taker = giver (case-insensitively).
    let r = post(
        json!({"kind": "onjob", "handover_userid": "lisi", "takeover_userid": "LiSi",
                        "external_userids": [demo_ids::NOT_MINE]}),
        "b1",
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json()["violations"][0]["code"], "taker_is_giver");
    // More than the server takes in one request.
    let many: Vec<String> = (0..5001).map(|i| format!("wmMany{i:026}")).collect();
    let r = post(
        json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                        "external_userids": many}),
        "b2",
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "too_many");
    // A message over 200 characters, a message on a resigned hand-over, a bad id, nothing.
    let r = post(
        json!({"kind": "onjob", "handover_userid": "lisi", "takeover_userid": "wangwu",
                        "external_userids": [demo_ids::NOT_MINE], "message": "字".repeat(201)}),
        "b3",
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["violations"][0]["field"], "message");
    let r = post(
        json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                        "external_userids": [handover_customer(0)], "message": "hi"}),
        "b4",
    )
    .await;
    assert_eq!(r.json()["error"], "message_not_allowed");
    let r = post(
        json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                        "external_userids": ["bad id"]}),
        "b5",
    )
    .await;
    assert_eq!(r.json()["violations"][0]["field"], "external_userids");
    let r = post(
        json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi"}),
        "b6",
    )
    .await;
    assert_eq!(r.json()["error"], "nothing_selected");
    let r = post(
        json!({"kind": "later", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                        "external_userids": [handover_customer(0)]}),
        "b7",
    )
    .await;
    assert_eq!(r.json()["error"], "bad_kind");
    let r = post(
        json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                        "external_userids": [handover_customer(0), handover_customer(0)]}),
        "b8",
    )
    .await;
    assert_eq!(r.json()["error"], "duplicate_id");
    let r = env.post(&token, TRANSFERS, None, &json!({})).await;
    assert_eq!(r.json()["error"], "bad_idempotency_key");
    assert_eq!(env.double.count("externalcontact/transfer_customer"), 0);
    assert_eq!(
        env.double
            .count("externalcontact/resigned/transfer_customer"),
        0
    );
    assert_eq!(env.count_rows("transfers").await, 0);
}

async fn a_rep_not_resigned_or_gone_too_long(kind: Kind) {
    let env = env(kind).await;
    let token = env.login(ADMIN).await;
    let r = env
        .post(
            &token,
            TRANSFERS,
            Some("n1"),
            &json!({"kind": "resigned", "handover_userid": "lisi",
              "takeover_userid": "wangwu", "external_userids": [demo_ids::NOT_MINE]}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let v = r.json();
    assert_eq!(v["error"], "not_resigned");
    assert_eq!(v["wecom_errcode"], 40097);
    // Recorded, with what the call did, and nothing half-submitted.
    assert_eq!(v["transfer"]["calls"][0]["outcome"], "refused");
    assert_eq!(v["transfer"]["items"][0]["state"], "not_submitted");
    let r = env
        .post(&token, TRANSFERS, Some("n2"), &json!({"kind": "resigned", "handover_userid": RESIGNED_LONG_AGO,
              "takeover_userid": "wangwu", "external_userids": ["wmHandoverOld0000000000000000000"]}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "resigned_over_a_year");
}

async fn two_in_90_days_is_refused_before_wecom(kind: Kind) {
    let env = env(kind).await;
    let token = env.login(ADMIN).await;
    let hand = |from: &'static str, to: &'static str, key: &'static str| {
        let env = &env;
        let token = token.clone();
        async move {
            env.post(&token, TRANSFERS, Some(key), &json!({"kind": "onjob", "handover_userid": from,
                     "takeover_userid": to, "external_userids": [demo_ids::NOT_MINE], "message": "您好 👋"}))
                .await
        }
    };
    let r = hand("lisi", "sunqi", "l1").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["counts"]["waiting"], 1);
    env.double.advance(86_400);
    let r = hand("sunqi", "zhaoliu", "l2").await;
    assert_eq!(r.json()["counts"]["waiting"], 1, "{}", r.text);
    env.double.advance(86_400);
    let calls = env.double.count("externalcontact/transfer_customer");
    let r = hand("zhaoliu", "lisi", "l3").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["items"][0]["state"], "limit_reached");
    assert_eq!(v["items"][0]["call"], Value::Null);
    assert!(v["items"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("90 days"));
    assert_eq!(
        env.double.count("externalcontact/transfer_customer"),
        calls,
        "WeCom not called"
    );
}

async fn replayed_request_is_answered_once(kind: Kind) {
    let env = env(kind).await;
    let token = env.login(ADMIN).await;
    let body = json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                      "external_userids": [handover_customer(1), handover_customer(2)]});
    let a = env.post(&token, TRANSFERS, Some("same"), &body).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let b = env.post(&token, TRANSFERS, Some("same"), &body).await;
    assert_eq!(b.status, 200);
    assert_eq!(b.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(a.json()["transfer_id"], b.json()["transfer_id"]);
    assert_eq!(
        env.double
            .count("externalcontact/resigned/transfer_customer"),
        1
    );
    let mut other = body.clone();
    other["takeover_userid"] = json!("wangwu");
    let c = env.post(&token, TRANSFERS, Some("same"), &other).await;
    assert_eq!(c.status, 422);
    assert_eq!(env.count_rows("transfers").await, 1);
    // A new key for the same customers: WeCom says they are already being handed over.
    let d = env.post(&token, TRANSFERS, Some("new"), &other).await;
    let items = items_by_id(&d.json());
    assert_eq!(items[&handover_customer(1)]["start_errcode"], 40129);
    assert_eq!(items[&handover_customer(1)]["state"], "not_started");
    // An unknown transfer id.
    let r = env.get(&token, &format!("{TRANSFERS}/tr_nope")).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "unknown_transfer");
}

async fn transfer_fail_for_an_unknown_transfer_is_kept(kind: Kind) {
    let env = env(kind).await;
    let xml = format!(
        "<xml><ToUserName><![CDATA[{}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[transfer_fail]]></ChangeType><FailReason><![CDATA[customer_refused]]></FailReason><UserID><![CDATA[lisi]]></UserID><ExternalUserID><![CDATA[wmNeverHandedOver00000000000000A]]></ExternalUserID></xml>",
        support::CORP
    );
    // WeCom retries: the same event, encrypted afresh, is kept once.
    for nonce in ["n0nce", "n1nce"] {
        let enc =
            wecom_double::callback_encrypt(support::CALLBACK_AES_KEY, support::CORP, &xml).unwrap();
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let sig = wecom_double::callback_signature(support::CALLBACK_TOKEN, &ts, nonce, &enc);
        let body = format!(
            "<xml><ToUserName><![CDATA[{}]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>",
            support::CORP
        );
        let r = env
            .http
            .post(env.url(&format!(
                "/wecom/callback?msg_signature={sig}&timestamp={ts}&nonce={nonce}"
            )))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.text().await.unwrap(), "success");
    }
    assert_eq!(env.count_rows("transfer_unmatched").await, 1);
    let (ext, reason): (String, String) =
        sqlx::query_as("SELECT external_userid, fail_reason FROM transfer_unmatched")
            .fetch_one(&env.srv.state.db.pool)
            .await
            .unwrap();
    assert_eq!(ext, "wmNeverHandedOver00000000000000A");
    assert_eq!(reason, "customer_refused");
}

async fn group_chats_of_a_resigned_owner(kind: Kind) {
    let env = env(kind).await;
    let token = env.login(ADMIN).await;
    let r = env
        .get(
            &token,
            &format!("/api/handover/resigned/{RESIGNED}/group-chats"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let chats: Vec<String> = r.json()["group_chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["chat_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(chats.len(), 2);
    let mut with_foreign = chats.clone();
    with_foreign.push(demo_ids::CHAT.into());
    let r = env
        .post(&token, TRANSFERS, Some("g1"), &json!({"kind": "resigned", "handover_userid": RESIGNED,
              "takeover_userid": "wangwu", "external_userids": [handover_customer(5)], "group_chat_ids": with_foreign}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let items = items_by_id(&v);
    for c in &chats {
        assert_eq!(items[c]["state"], "done");
        assert_eq!(items[c]["type"], "group_chat");
    }
    assert_eq!(items[demo_ids::CHAT]["start_errcode"], 90500);
    assert_eq!(items[&handover_customer(5)]["state"], "waiting");
    assert_eq!(v["calls"].as_array().unwrap().len(), 2);
}

async fn wecom_down_records_the_failed_call_and_a_retry_submits(kind: Kind) {
    let env = env(kind).await;
    let token = env.login(ADMIN).await;
    let api = "externalcontact/resigned/transfer_customer";
    env.double
        .set_fault(api, wecom_double::Fault::Status(503), None);
    let body = json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                      "external_userids": all_customers()});
    let r = env.post(&token, TRANSFERS, Some("down"), &body).await;
    assert_eq!(r.status, 503, "{}", r.text);
    let outcomes: Vec<(i64, String)> =
        sqlx::query_as("SELECT seq, outcome FROM transfer_calls ORDER BY seq")
            .fetch_all(&env.srv.state.db.pool)
            .await
            .unwrap();
    assert_eq!(
        outcomes,
        vec![
            (1, "failed".into()),
            (2, "not_made".into()),
            (3, "not_made".into())
        ]
    );
    let (waiting,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM transfer_items WHERE state = 'waiting'")
            .fetch_one(&env.srv.state.db.pool)
            .await
            .unwrap();
    assert_eq!(waiting, 0, "nothing half-submitted");
    env.double.clear_faults();
    let r = env.post(&token, TRANSFERS, Some("down"), &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["counts"]["waiting"], 250);
}

async fn a_split_transfer_records_what_each_call_did(kind: Kind) {
    let env = env(kind).await;
    let token = env.login(ADMIN).await;
    let api = "externalcontact/resigned/transfer_customer";
    // The first call goes through; WeCom is down for the second.
    env.double
        .set_fault_after(api, 1, wecom_double::Fault::Status(503), None);
    let body = json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                      "external_userids": all_customers()});
    let r = env.post(&token, TRANSFERS, Some("half"), &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert!(
        v["errmsg"]
            .as_str()
            .unwrap()
            .starts_with("partly submitted"),
        "{v}"
    );
    let outcomes: Vec<&str> = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, vec!["answered", "failed", "not_made"]);
    assert_eq!(v["counts"], json!({"waiting": 100, "not_submitted": 150}));
    let items = items_by_id(&v);
    assert_eq!(items[&handover_customer(99)]["state"], "waiting");
    assert_eq!(items[&handover_customer(100)]["call"], 2);
    assert_eq!(items[&handover_customer(100)]["state"], "not_submitted");
    // The answer is recorded: a retry with the key replays it and sends nothing.
    env.double.clear_faults();
    let calls = env.double.count(api);
    let again = env.post(&token, TRANSFERS, Some("half"), &body).await;
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(env.double.count(api), calls);
}

async fn the_card_reads_the_customers_hand_over(kind: Kind) {
    let env = env(kind).await;
    let token = env.login(ADMIN).await;
    let card = |i: usize| format!("/api/external-contacts/{}", handover_customer(i));
    // Never handed over: WeCom's answer as it came, without the field.
    let r = env.get(&token, &card(0)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json().get("wcc_handover").is_none(), "{}", r.text);
    env.double
        .set_transfer_outcome(&handover_customer(1), TransferOutcome::Refuse);
    let body = json!({"kind": "resigned", "handover_userid": RESIGNED, "takeover_userid": "lisi",
                      "external_userids": [handover_customer(0), handover_customer(1)]});
    let r = env.post(&token, TRANSFERS, Some("card-1"), &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let id = r.json()["transfer_id"].as_str().unwrap().to_string();
    // Any member's card says it is waiting (the rep who follows the customer is no admin).
    let lisi = env.login("lisi").await;
    let v = env.get(&lisi, &card(0)).await.json();
    assert_eq!(v["wcc_handover"]["state"], "waiting", "{v}");
    assert_eq!(v["wcc_handover"]["transfer_id"], id.as_str());
    assert_eq!(v["wcc_handover"]["takeover_userid"], "lisi");
    assert_eq!(
        v["external_contact"]["external_userid"],
        handover_customer(0).as_str()
    );
    // A later page carries no field.
    let r = env.get(&lisi, &format!("{}?cursor=x", card(0))).await;
    assert!(r.text.find("wcc_handover").is_none());
    // 24 hours later the card reads the result itself, and the refusal with its reason.
    env.double.advance(86_400);
    let v = env.get(&lisi, &card(0)).await.json();
    assert_eq!(v["wcc_handover"]["state"], "done", "{v}");
    env.double.flush_callbacks().await;
    let v = env.get(&lisi, &card(1)).await.json();
    assert_eq!(v["wcc_handover"]["state"], "refused_by_customer", "{v}");
    assert_eq!(
        v["wcc_handover"]["reason"],
        "transfer_fail: customer_refused"
    );
}

on_both!(
    the_card_reads_the_customers_hand_over,
    a_split_transfer_records_what_each_call_did,
    wecom_down_records_the_failed_call_and_a_retry_submits,
    resigned_250_to_a_colleague,
    who_may_hand_over,
    bad_requests_are_refused_before_wecom,
    a_rep_not_resigned_or_gone_too_long,
    two_in_90_days_is_refused_before_wecom,
    replayed_request_is_answered_once,
    transfer_fail_for_an_unknown_transfer_is_kept,
    group_chats_of_a_resigned_owner,
);
