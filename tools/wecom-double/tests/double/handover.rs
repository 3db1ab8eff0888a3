//! Customer and group-chat hand-over: get_unassigned_list, transfer_customer (both kinds),
//! transfer_result, groupchat/list and the two groupchat transfers, the 24-hour completion,
//! the outcomes and the encrypted transfer_fail callback.

use crate::common::*;
use serde_json::{json, Value};
use wecom_double::demo_ids::{self, handover_customer, RESIGNED, RESIGNED_LONG_AGO};
use wecom_double::{Config, Dataset, Double, TransferOutcome};

async fn handover() -> Double {
    Double::spawn(Config::demo(), Dataset::demo_handover())
        .await
        .expect("the double starts")
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(handover_customer).collect()
}

fn codes(v: &Value) -> Vec<i64> {
    v["customer"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|c| c["errcode"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn unassigned_list_pages_with_a_cursor() {
    let d = handover().await;
    let mut seen = vec![];
    let mut cursor = String::new();
    loop {
        let v = call(
            &d,
            "contact-secret",
            "externalcontact/get_unassigned_list",
            &json!({"cursor": cursor, "page_size": 100}),
        )
        .await;
        assert_eq!(errcode(&v), 0, "{v}");
        for i in v["info"].as_array().unwrap() {
            assert!(i["dimission_time"].as_u64().unwrap() > 0);
            seen.push((
                i["handover_userid"].as_str().unwrap().to_string(),
                i["external_userid"].as_str().unwrap().to_string(),
            ));
        }
        if v["is_last"] == true {
            assert_eq!(v["next_cursor"], "");
            break;
        }
        cursor = v["next_cursor"].as_str().unwrap().to_string();
    }
    assert_eq!(seen.iter().filter(|(u, _)| u == RESIGNED).count(), 250);
    assert_eq!(
        seen.iter().filter(|(u, _)| u == RESIGNED_LONG_AGO).count(),
        2
    );
    let bad = call(
        &d,
        "contact-secret",
        "externalcontact/get_unassigned_list",
        &json!({"cursor": "nope"}),
    )
    .await;
    assert_eq!(errcode(&bad), 40058);
    let bad = call(
        &d,
        "contact-secret",
        "externalcontact/get_unassigned_list",
        &json!({"page_size": 1001}),
    )
    .await;
    assert_eq!(errcode(&bad), 40058);
}

#[tokio::test]
async fn resigned_transfer_enforces_its_rules() {
    let d = handover().await;
    let api = "externalcontact/resigned/transfer_customer";
    let body = |h: &str, t: &str, list: Vec<String>| json!({"handover_userid": h, "takeover_userid": t, "external_userid": list});
    let v = call(
        &d,
        "contact-secret",
        api,
        &body(RESIGNED, "lisi", ids(0..101)),
    )
    .await;
    assert_eq!(errcode(&v), 40058, "over 100");
    let v = call(
        &d,
        "contact-secret",
        api,
        &body(RESIGNED, RESIGNED, ids(0..1)),
    )
    .await;
    assert_eq!(errcode(&v), 40058, "taker = giver");
    let v = call(
        &d,
        "contact-secret",
        api,
        &body("zhangsan", "lisi", vec![demo_ids::WECOM.into()]),
    )
    .await;
    assert_eq!(errcode(&v), 40097, "not resigned");
    let v = call(
        &d,
        "contact-secret",
        api,
        &body(
            RESIGNED_LONG_AGO,
            "lisi",
            vec!["wmHandoverOld0000000000000000000".into()],
        ),
    )
    .await;
    assert_eq!(errcode(&v), 40102, "over a year");
    let v = call(
        &d,
        "contact-secret",
        api,
        &body(RESIGNED, "nobody", ids(0..1)),
    )
    .await;
    assert_eq!(errcode(&v), 60111);
    let v = call(&d, "contact-secret", api, &body(RESIGNED, "lisi", vec![])).await;
    assert_eq!(errcode(&v), 41035);
    let v = call(&d, "sync-secret", api, &body(RESIGNED, "lisi", ids(0..1))).await;
    assert_eq!(errcode(&v), 48002);

    let mut list = ids(0..3);
    list.push("bad id".into());
    list.push(demo_ids::WECOM.into());
    let v = call(&d, "contact-secret", api, &body(RESIGNED, "lisi", list)).await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(codes(&v), vec![0, 0, 0, 40096, 84061]);
    // Already waiting.
    let v = call(
        &d,
        "contact-secret",
        api,
        &body(RESIGNED, "wangwu", ids(0..1)),
    )
    .await;
    assert_eq!(codes(&v), vec![40129]);
}

#[tokio::test]
async fn results_after_24_hours_and_the_two_in_90_days_limit() {
    let d = handover().await;
    d.set_transfer_outcome(&handover_customer(1), TransferOutcome::Refuse);
    d.set_transfer_outcome(&handover_customer(2), TransferOutcome::TakerAtLimit);
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/resigned/transfer_customer",
        &json!({"handover_userid": RESIGNED, "takeover_userid": "lisi", "external_userid": ids(0..3)}),
    )
    .await;
    assert_eq!(codes(&v), vec![0, 0, 0]);
    let v = result(&d, RESIGNED, "lisi").await;
    let statuses: Vec<i64> = v["customer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, vec![2, 2, 2]);
    d.advance(86_400);
    let v = result(&d, RESIGNED, "lisi").await;
    let statuses: Vec<i64> = v["customer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, vec![1, 3, 4], "{v}");
    assert!(v["customer"][0]["takeover_time"].as_u64().unwrap() > 0);
    assert_eq!(v["customer"][1]["takeover_time"], 0);
    assert!(d
        .follow_user_remark(&handover_customer(0), "lisi")
        .is_some());
    assert!(d
        .follow_user_remark(&handover_customer(0), RESIGNED)
        .is_none());

    // On-job: lisi → wangwu → lisi, then the third time in 90 days is refused.
    let onjob = |from: &str, to: &str| {
        json!({"handover_userid": from, "takeover_userid": to,
               "external_userid": [handover_customer(0)], "transfer_success_msg": "您好"})
    };
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/transfer_customer",
        &onjob("lisi", "wangwu"),
    )
    .await;
    assert_eq!(codes(&v), vec![0], "the second in 90 days: {v}");
    d.advance(86_400);
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/transfer_customer",
        &onjob("wangwu", "lisi"),
    )
    .await;
    assert_eq!(codes(&v), vec![40130], "the resigned hand-over counts: {v}");
    let long = "字".repeat(201);
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/transfer_customer",
        &json!({"handover_userid": "lisi", "takeover_userid": "wangwu",
                "external_userid": [demo_ids::NOT_MINE], "transfer_success_msg": long}),
    )
    .await;
    assert_eq!(errcode(&v), 40058);
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/transfer_customer",
        &json!({"handover_userid": RESIGNED, "takeover_userid": "wangwu", "external_userid": ids(5..6)}),
    )
    .await;
    assert_eq!(errcode(&v), 40058, "a resigned giver on the on-job API");
}

#[tokio::test]
async fn on_job_limit_two_in_90_days() {
    let d = handover().await;
    let api = "externalcontact/transfer_customer";
    let b = |from: &str, to: &str| json!({"handover_userid": from, "takeover_userid": to, "external_userid": [demo_ids::NOT_MINE]});
    let v = call(&d, "contact-secret", api, &b("lisi", "sunqi")).await;
    assert_eq!(codes(&v), vec![0]);
    d.advance(86_400);
    let v = call(&d, "contact-secret", api, &b("sunqi", "zhaoliu")).await;
    assert_eq!(codes(&v), vec![0]);
    d.advance(86_400);
    let v = call(&d, "contact-secret", api, &b("zhaoliu", "lisi")).await;
    assert_eq!(codes(&v), vec![40130]);
    d.advance(89 * 86_400);
    let v = call(&d, "contact-secret", api, &b("zhaoliu", "lisi")).await;
    assert_eq!(codes(&v), vec![0], "the first one is out of the window");
}

#[tokio::test]
async fn group_chats_list_and_transfer() {
    let d = handover().await;
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/groupchat/list",
        &json!({"status_filter": 1, "owner_filter": {"userid_list": [RESIGNED]}, "limit": 1}),
    )
    .await;
    assert_eq!(v["group_chat_list"].as_array().unwrap().len(), 1, "{v}");
    let next = v["next_cursor"].as_str().unwrap().to_string();
    assert!(!next.is_empty());
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/groupchat/list",
        &json!({"status_filter": 1, "owner_filter": {"userid_list": [RESIGNED]}, "limit": 1, "cursor": next}),
    )
    .await;
    assert_eq!(v["next_cursor"], "");
    let chat0 = "wrHandoverChat000000000000000000";
    let many: Vec<String> = (0..101).map(|i| format!("wr{i}")).collect();
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/groupchat/transfer",
        &json!({"chat_id_list": many, "new_owner": "lisi"}),
    )
    .await;
    assert_eq!(errcode(&v), 40058);
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/groupchat/transfer",
        &json!({"chat_id_list": [chat0, demo_ids::CHAT, "wrUnknown"], "new_owner": "lisi"}),
    )
    .await;
    assert_eq!(errcode(&v), 0, "{v}");
    let failed: Vec<(String, i64)> = v["failed_chat_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["chat_id"].as_str().unwrap().to_string(),
                f["errcode"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        vec![
            (demo_ids::CHAT.to_string(), 90500),
            ("wrUnknown".to_string(), 40050)
        ]
    );
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/groupchat/get",
        &json!({"chat_id": chat0}),
    )
    .await;
    assert_eq!(v["group_chat"]["owner"], "lisi");
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/groupchat/onjob_transfer",
        &json!({"chat_id_list": [chat0], "new_owner": "wangwu"}),
    )
    .await;
    assert_eq!(v["failed_chat_list"], json!([]));
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/groupchat/onjob_transfer",
        &json!({"chat_id_list": ["wrHandoverChat000000000000000001"], "new_owner": "wangwu"}),
    )
    .await;
    assert_eq!(v["failed_chat_list"][0]["errcode"], 90502);
}

#[tokio::test]
async fn transfer_fail_callback_is_posted_encrypted() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/wecom/callback", listener.local_addr().unwrap());
    let got = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 65536];
        let mut n = 0;
        loop {
            let k = s.read(&mut buf[n..]).await.unwrap();
            n += k;
            let text = String::from_utf8_lossy(&buf[..n]).to_string();
            if k == 0 || text.contains("</xml>") {
                s.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nsuccess",
                )
                .await
                .unwrap();
                return text;
            }
        }
    });
    let d = handover().await;
    let key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    d.set_callback(&url, "QDG6eK", key);
    d.set_transfer_outcome(&handover_customer(7), TransferOutcome::Refuse);
    call(
        &d,
        "contact-secret",
        "externalcontact/resigned/transfer_customer",
        &json!({"handover_userid": RESIGNED, "takeover_userid": "lisi", "external_userid": ids(7..8)}),
    )
    .await;
    d.advance(86_400);
    assert_eq!(d.flush_callbacks().await, vec![200]);
    let req = got.await.unwrap();
    assert!(
        req.starts_with("POST /wecom/callback?msg_signature="),
        "{req}"
    );
    let enc = req
        .split("<Encrypt><![CDATA[")
        .nth(1)
        .unwrap()
        .split("]]>")
        .next()
        .unwrap();
    let q = req.lines().next().unwrap();
    let param = |k: &str| {
        q.split(&format!("{k}="))
            .nth(1)
            .unwrap()
            .split(['&', ' '])
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        param("msg_signature"),
        wecom_double::callback_signature("QDG6eK", &param("timestamp"), &param("nonce"), enc)
    );
    // Round trip through the encryption with a known plaintext length.
    let c = wecom_double::callback_encrypt(key, "wwdemo0123456789", "<xml/>").unwrap();
    assert_eq!(c.len() % 4, 0);
    assert!(d.flush_callbacks().await.is_empty(), "sent once");
}

async fn result(d: &Double, from: &str, to: &str) -> Value {
    call(
        d,
        "contact-secret",
        "externalcontact/resigned/transfer_result",
        &json!({"handover_userid": from, "takeover_userid": to}),
    )
    .await
}

#[tokio::test]
async fn a_fault_after_some_calls() {
    let d = handover().await;
    d.set_fault_after(
        "externalcontact/get_unassigned_list",
        1,
        wecom_double::Fault::Errcode(-1, "busy".into()),
        Some(1),
    );
    let api = "externalcontact/get_unassigned_list";
    assert_eq!(
        errcode(&call(&d, "contact-secret", api, &json!({})).await),
        0
    );
    assert_eq!(
        errcode(&call(&d, "contact-secret", api, &json!({})).await),
        -1
    );
    assert_eq!(
        errcode(&call(&d, "contact-secret", api, &json!({})).await),
        0
    );
}

#[tokio::test]
async fn control_api_for_outcomes_and_the_callback() {
    let d = handover().await;
    let (s, v) = post(
        &d,
        "/__double/transfer_outcome",
        &json!({"external_userid": handover_customer(3), "outcome": "refuse"}),
    )
    .await;
    assert_eq!((s, v["ok"].clone()), (200, json!(true)));
    let (s, _) = post(
        &d,
        "/__double/transfer_outcome",
        &json!({"external_userid": "x", "outcome": "maybe"}),
    )
    .await;
    assert_eq!(s, 400);
    let (s, _) = post(
        &d,
        "/__double/callback",
        &json!({"url": "http://127.0.0.1:1/cb", "token": "t", "aes_key": "short"}),
    )
    .await;
    assert_eq!(s, 400);
    let (s, _) = post(&d, "/__double/callback", &json!({"url": "http://127.0.0.1:1/cb", "token": "t", "aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"})).await;
    assert_eq!(s, 200);
    call(
        &d,
        "contact-secret",
        "externalcontact/resigned/transfer_customer",
        &json!({"handover_userid": RESIGNED, "takeover_userid": "lisi", "external_userid": ids(3..4)}),
    )
    .await;
    // advance settles, and the refusal's callback is attempted (nobody listens: 0).
    let (s, v) = post(&d, "/__double/advance", &json!({"secs": 86_400})).await;
    assert_eq!(s, 200);
    assert_eq!(v["callbacks"], json!([0]));
    let v = result(&d, RESIGNED, "lisi").await;
    assert_eq!(v["customer"][0]["status"], 3);
}

#[test]
fn the_handover_dataset_round_trips_through_json() {
    let d = Dataset::demo_handover();
    let back = Dataset::from_json(&d.to_json()).expect("it reads back");
    assert_eq!(back.resigned, d.resigned);
    assert_eq!(back.customers.len(), d.customers.len());
    assert!(Dataset::from_json(r#"{"resigned": [{"userid": "x"}]}"#).is_err());
}
