//! `GET/POST /wecom/callback`: WeCom's published sample, every customer
//! event into the inbox once, and every refusal changing nothing.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::{Env, Kind};
use wcc_server::crypto::{signature, CallbackKey};

// WeCom's WXBizMsgCrypt sample (shared/wecom-facts.md §6).
const SAMPLE_CORP: &str = "wx5823bf96d3bd56c7";
const VERIFY_QUERY: &str = "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D";
const MSG_QUERY: &str =
    "msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149";
const MSG_BODY: &str = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";

fn unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn key() -> CallbackKey {
    CallbackKey::from_encoding_aes_key(support::CALLBACK_AES_KEY).unwrap()
}

/// A callback POST as WeCom sends it: the query and the XML body.
fn delivery(message: &str, receive_id: &str, ts: i64, nonce: &str) -> (String, String) {
    // The 16 random bytes differ per delivery, as WeCom's do.
    let mut random = [0x5au8; 16];
    for (i, b) in nonce.bytes().enumerate() {
        random[i % 16] ^= b;
    }
    let encrypt = key().encrypt(&random, message, receive_id);
    let ts = ts.to_string();
    let sig = signature(support::CALLBACK_TOKEN, &ts, nonce, &encrypt);
    (
        format!("msg_signature={sig}&timestamp={ts}&nonce={nonce}"),
        format!("<xml><ToUserName><![CDATA[{}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>", support::CORP),
    )
}

fn event(event: &str, change_type: &str, n: usize) -> String {
    format!(
        "<xml><ToUserName><![CDATA[{}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>\
         <CreateTime>{}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>\
         <ChangeType><![CDATA[{change_type}]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID>\
         <ExternalUserID><![CDATA[wmChenXiaoMing000000000000000001]]></ExternalUserID></xml>",
        support::CORP,
        1_700_000_000 + n
    )
}

async fn post(env: &Env, query: &str, body: String) -> (u16, String) {
    let r = env
        .http
        .post(env.url(&format!("/wecom/callback?{query}")))
        .header("content-type", "text/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn wecom_sample_vectors(kind: Kind) {
    // The sample's corp id and timestamps from 2014.
    let env = Env::with(kind, wecom_double::Config::demo(), |v| {
        v.insert("WECOM_CORP_ID".into(), SAMPLE_CORP.into());
    })
    .await;
    // Its timestamps are from 2014: as an old delivery it is refused...
    let r = env
        .http
        .get(env.url(&format!("/wecom/callback?{VERIFY_QUERY}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(r.text().await.unwrap(), "stale_timestamp");
    // ...and with the clock check relaxed it verifies and decrypts.
    let mut vars = env.vars.clone();
    vars.insert("WECOM_CORP_ID".into(), SAMPLE_CORP.into());
    let mut cfg = wcc_server::config::Config::from_vars(&vars).unwrap();
    cfg.callback_max_skew = Duration::from_secs(100 * 365 * 24 * 3600);
    let srv = wcc_server::start(cfg).await.unwrap();
    let r = env
        .http
        .get(format!("{}/wecom/callback?{VERIFY_QUERY}", srv.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "1616140317555161061");
    let r = env
        .http
        .post(format!("{}/wecom/callback?{MSG_QUERY}", srv.url()))
        .body(MSG_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "success");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM callback_inbox")
        .fetch_one(&srv.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
    srv.stop().await;
}

async fn url_verification_with_fresh_vectors(kind: Kind) {
    let env = Env::new(kind).await;
    let echo = key().encrypt(&[1; 16], "echo-1234567890", support::CORP);
    let ts = unix().to_string();
    let sig = signature(support::CALLBACK_TOKEN, &ts, "n1", &echo);
    let url = reqwest::Url::parse_with_params(
        &env.url("/wecom/callback"),
        &[
            ("msg_signature", sig.as_str()),
            ("timestamp", &ts),
            ("nonce", "n1"),
            ("echostr", &echo),
        ],
    )
    .unwrap();
    let r = env.http.get(url.clone()).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "echo-1234567890");
    // A '+' left unescaped still works (it arrives as a space).
    let raw = format!(
        "{}/wecom/callback?msg_signature={sig}&timestamp={ts}&nonce=n1&echostr={echo}",
        env.srv.url()
    );
    let r = env.http.get(raw).send().await.unwrap();
    assert_eq!(r.status(), 200, "echostr {echo}");
    // A wrong signature is refused.
    let bad = url.as_str().replace(&sig, &"0".repeat(40));
    assert_eq!(env.http.get(bad).send().await.unwrap().status(), 403);
}

async fn every_customer_event_reaches_the_inbox_once(kind: Kind) {
    let env = Env::new(kind).await;
    let events: Vec<(&str, &str)> = vec![
        ("change_external_contact", "add_external_contact"),
        ("change_external_contact", "edit_external_contact"),
        ("change_external_contact", "add_half_external_contact"),
        ("change_external_contact", "del_external_contact"),
        ("change_external_contact", "del_follow_user"),
        ("change_external_contact", "transfer_fail"),
        ("change_external_chat", "create"),
        ("change_external_chat", "update"),
        ("change_external_chat", "dismiss"),
        ("change_external_tag", "create"),
        ("change_external_tag", "update"),
        ("change_external_tag", "delete"),
    ];
    for (i, (ev, ct)) in events.iter().enumerate() {
        let msg = event(ev, ct, i);
        let (q, body) = delivery(&msg, support::CORP, unix(), &format!("nonce{i}"));
        let started = std::time::Instant::now();
        assert_eq!(
            post(&env, &q, body.clone()).await,
            (200, "success".into()),
            "{ev} {ct}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        // WeCom retries what it did not get "success" for: a replay of the
        // same request, and a re-encrypted retry of the same message.
        assert_eq!(post(&env, &q, body).await, (200, "success".into()));
        let (q2, body2) = delivery(&msg, support::CORP, unix(), &format!("retry{i}"));
        assert_eq!(post(&env, &q2, body2).await, (200, "success".into()));
    }
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT event, change_type FROM callback_inbox ORDER BY message")
            .fetch_all(&env.srv.state.db.pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), events.len());
    for (ev, ct) in &events {
        assert!(rows.iter().any(|(e, c)| e == ev && c == ct), "{ev} {ct}");
    }
}

async fn bad_callbacks_are_refused_and_change_nothing(kind: Kind) {
    let env = Env::new(kind).await;
    let msg = event("change_external_contact", "add_external_contact", 1);
    // Bad signature.
    let (q, body) = delivery(&msg, support::CORP, unix(), "n");
    let q_bad = q.replace("msg_signature=", "msg_signature=0");
    assert_eq!(post(&env, &q_bad, body.clone()).await.0, 403);
    let tampered = body.replace("<Encrypt><![CDATA[", "<Encrypt><![CDATA[AAAA");
    assert_eq!(
        post(&env, &q, tampered).await,
        (403, "bad_signature".into())
    );
    // Stale and future timestamps.
    for ts in [unix() - 3600, unix() + 3600] {
        let (q, body) = delivery(&msg, support::CORP, ts, "n");
        assert_eq!(post(&env, &q, body).await, (403, "stale_timestamp".into()));
    }
    // Another corp's receive id.
    let (q, body) = delivery(&msg, "wwsomeoneelse00001", unix(), "n");
    assert_eq!(post(&env, &q, body).await, (403, "bad_receive_id".into()));
    // Garbage: not XML, no Encrypt, a signed Encrypt that is not ciphertext,
    // a ciphertext whose message is not XML, missing parameters.
    assert_eq!(post(&env, &q, "garbage".into()).await.0, 400);
    assert_eq!(
        post(&env, &q, "<xml><Nope>1</Nope></xml>".into()).await.0,
        400
    );
    let ts = unix().to_string();
    let junk = "bm90IGNpcGhlcnRleHQ=";
    let sig = signature(support::CALLBACK_TOKEN, &ts, "n", junk);
    let q_junk = format!("msg_signature={sig}&timestamp={ts}&nonce=n");
    assert_eq!(
        post(
            &env,
            &q_junk,
            format!("<xml><Encrypt>{junk}</Encrypt></xml>")
        )
        .await
        .0,
        403
    );
    let (q, body) = delivery("not xml at all", support::CORP, unix(), "n");
    assert_eq!(post(&env, &q, body).await, (403, "bad_message".into()));
    assert_eq!(
        post(&env, "", "<xml><Encrypt>abc</Encrypt></xml>".into())
            .await
            .0,
        400
    );
    let big = format!(
        "<xml><Encrypt>{}</Encrypt></xml>",
        "A".repeat(wcc_server::MAX_BODY)
    );
    assert_eq!(post(&env, &q, big).await.0, 413);
    assert_eq!(env.count_rows("callback_inbox").await, 0);
}

async fn callback_disabled_without_its_variables(kind: Kind) {
    let env = Env::with(kind, wecom_double::Config::demo(), |v| {
        v.remove("WECOM_CALLBACK_TOKEN");
        v.remove("WECOM_CALLBACK_AES_KEY");
    })
    .await;
    let (q, body) = delivery(
        &event("change_external_contact", "add_external_contact", 1),
        support::CORP,
        unix(),
        "n",
    );
    assert_eq!(post(&env, &q, body).await.0, 404);
    assert_eq!(
        env.http
            .get(env.url("/wecom/callback"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

on_both!(
    wecom_sample_vectors,
    url_verification_with_fresh_vectors,
    every_customer_event_reaches_the_inbox_once,
    bad_callbacks_are_refused_and_change_nothing,
    callback_disabled_without_its_variables,
);
