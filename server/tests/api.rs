//! The backend contract, end to end: real HTTP, a real database (SQLite
//! and PostgreSQL), the WeCom double.

mod support;

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use support::{demo_ids::*, Env, Kind};
use wecom_double::Fault;

fn remark_path(ext: &str) -> String {
    format!("/api/external-contacts/{ext}/remark")
}

fn tag_path(ext: &str) -> String {
    format!("/api/external-contacts/{ext}/mark-tag")
}

/// WeCom's own answer for an API, fetched from the double directly.
async fn direct(
    env: &Env,
    secret: &str,
    method: &str,
    api: &str,
    query: &str,
    body: Option<Value>,
) -> Value {
    let base = env.double.base_url();
    let t: Value = env
        .http
        .get(format!(
            "{base}/cgi-bin/gettoken?corpid={}&corpsecret={secret}",
            support::CORP
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = t["access_token"].as_str().unwrap();
    let url = format!("{base}/cgi-bin/{api}?access_token={token}{query}");
    let req = if method == "GET" {
        env.http.get(url)
    } else {
        env.http
            .post(url)
            .body(body.unwrap_or(json!({})).to_string())
    };
    req.send().await.unwrap().json().await.unwrap()
}

// ---------------------------------------------------------------------------
// 1. Sessions, auth, passthrough reads, writes
// ---------------------------------------------------------------------------

async fn session_is_opaque_and_keeps_session_key(kind: Kind) {
    let env = Env::new(kind).await;
    let r = env
        .http
        .post(env.url("/api/session"))
        .json(&json!({"code": env.double.issue_code("zhangsan")}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["corpid", "expires_in", "token", "userid"], "{v}");
    assert_eq!(v["corpid"], support::CORP);
    assert_eq!(v["userid"], "zhangsan");
    assert_eq!(v["expires_in"], 7200);
    let token = v["token"].as_str().unwrap();
    // 32 random bytes, base64url: at least 128 bits.
    assert!(token.len() >= 43, "{token}");
    // Stored only as a hash; session_key stored nowhere.
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT token_hash, userid FROM sessions")
        .fetch_all(&env.srv.state.db.pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].0, token);
    assert!(!rows[0].0.contains(token));
    // Two logins, two different tokens.
    let other = env.login("zhangsan").await;
    assert_ne!(other, token);
}

async fn bad_code_gets_40029(kind: Kind) {
    let env = Env::new(kind).await;
    let r = env
        .http
        .post(env.url("/api/session"))
        .json(&json!({"code": "not-a-code"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errcode"], 40029, "{v}");
    // A code is single use.
    let code = env.double.issue_code("zhangsan");
    support::login_at(&env.http, &env.srv.url(), &code).await;
    let r = env
        .http
        .post(env.url("/api/session"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Missing code.
    let r = env
        .http
        .post(env.url("/api/session"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(env.count_rows("sessions").await, 1);
}

async fn every_api_call_needs_a_live_bearer_token(kind: Kind) {
    let env = Env::with(kind, wecom_double::Config::demo(), |v| {
        v.insert("WCC_SESSION_TTL_SECS".into(), "2".into());
    })
    .await;
    let token = env.login("zhangsan").await;
    let paths = [
        ("GET", format!("/api/external-contacts/{WECHAT}")),
        ("GET", "/api/corp-tags".to_owned()),
        ("GET", format!("/api/group-chats/{CHAT}")),
        ("GET", "/api/members?userids=zhangsan".to_owned()),
        ("POST", remark_path(WECHAT)),
        ("POST", tag_path(WECHAT)),
    ];
    let before = env.double.counts();
    for (method, path) in &paths {
        for auth in [
            None,
            Some("Bearer nope"),
            Some("Basic abc"),
            Some("Bearer "),
        ] {
            let mut req = if *method == "GET" {
                env.http.get(env.url(path))
            } else {
                env.http
                    .post(env.url(path))
                    .header("Idempotency-Key", "k1")
                    .body(r#"{"remark":"x"}"#)
            };
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 401, "{method} {path} {auth:?}");
        }
    }
    // An expired session is refused too.
    assert_eq!(env.get(&token, "/api/corp-tags").await.status, 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(env.get(&token, "/api/corp-tags").await.status, 401);
    let fresh = env.double.counts();
    assert_eq!(fresh.get("externalcontact/get_corp_tag_list"), Some(&1));
    assert_eq!(
        before.values().sum::<u64>() + 2,
        fresh.values().sum::<u64>(),
        "no WeCom call without a session (the 2 are the one valid call and its gettoken)"
    );
}

async fn reads_pass_wecom_json_through(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    let r = env
        .get(&token, &format!("/api/external-contacts/{WECHAT}"))
        .await;
    assert_eq!(r.status, 200);
    let wecom = direct(
        &env,
        "contact-secret",
        "GET",
        "externalcontact/get",
        &format!("&external_userid={WECHAT}"),
        None,
    )
    .await;
    assert_eq!(r.json(), wecom);
    // Paging with the cursor.
    let mut seen = 0;
    let mut cursor = String::new();
    for _ in 0..10 {
        let path = if cursor.is_empty() {
            format!("/api/external-contacts/{BIG}")
        } else {
            format!("/api/external-contacts/{BIG}?cursor={cursor}")
        };
        let v = env.get(&token, &path).await.json();
        seen += v["follow_user"].as_array().unwrap().len();
        cursor = v["next_cursor"].as_str().unwrap_or("").to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    assert_eq!(seen, BIG_FOLLOWERS);
    let tags = env.get(&token, "/api/corp-tags").await;
    assert_eq!(tags.status, 200);
    assert_eq!(
        tags.json(),
        direct(
            &env,
            "contact-secret",
            "POST",
            "externalcontact/get_corp_tag_list",
            "",
            Some(json!({}))
        )
        .await
    );
    let chat = env.get(&token, &format!("/api/group-chats/{CHAT}")).await;
    assert_eq!(chat.status, 200);
    assert_eq!(
        chat.json(),
        direct(
            &env,
            "contact-secret",
            "POST",
            "externalcontact/groupchat/get",
            "",
            Some(json!({"chat_id": CHAT, "need_name": 1}))
        )
        .await
    );
    assert_eq!(chat.json()["errcode"], 0);
}

async fn writes_call_wecom_with_the_session_user(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    let lisi_before = env.double.follow_user_remark(WECHAT, "lisi");
    let r = env
        .post(
            &token,
            &remark_path(WECHAT),
            Some("k-remark-1"),
            &json!({"userid": "lisi", "external_userid": WECHAT, "remark": " 陈总 ", "remark_mobiles": ["13800000001"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"errcode": 0, "errmsg": "ok"}));
    let mine = env.double.follow_user_remark(WECHAT, "zhangsan").unwrap();
    assert_eq!(mine["remark"], "陈总");
    assert_eq!(mine["remark_mobiles"], json!(["13800000001"]));
    assert_eq!(
        env.double.follow_user_remark(WECHAT, "lisi"),
        lisi_before,
        "the body's userid is ignored"
    );
    // [""] clears the phone numbers.
    let r = env
        .post(
            &token,
            &remark_path(WECHAT),
            Some("k-remark-2"),
            &json!({"remark_mobiles": [""]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        env.double.follow_user_remark(WECHAT, "zhangsan").unwrap()["remark_mobiles"],
        json!([])
    );
    // Tags.
    let r = env
        .post(
            &token,
            &tag_path(WECHAT),
            Some("k-tag-1"),
            &json!({"userid": "lisi", "add_tag": ["etLevelA0001"], "remove_tag": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(env
        .double
        .follow_user_tags(WECHAT, "zhangsan")
        .contains(&"etLevelA0001".to_owned()));
    assert!(!env
        .double
        .follow_user_tags(WECHAT, "lisi")
        .contains(&"etLevelA0001".to_owned()));
    // A WeCom refusal keeps its errcode (NOT_MINE is not followed by zhangsan).
    let r = env
        .post(
            &token,
            &remark_path(NOT_MINE),
            Some("k-remark-3"),
            &json!({"remark": "x"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_ne!(r.json()["errcode"], 0, "{}", r.text);
}

async fn the_core_rules_refuse_before_wecom(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    let cases: Vec<(String, Value, &str)> = vec![
        (
            remark_path(WECHAT),
            json!({"remark": "长".repeat(21)}),
            "too_long",
        ),
        (
            remark_path(WECHAT),
            json!({"description": "😀".repeat(151)}),
            "too_long",
        ),
        (
            remark_path(WECOM),
            json!({"remark_company": "某公司"}),
            "remark_company_not_allowed",
        ),
        (
            remark_path(WECHAT),
            json!({"remark_mobiles": ["12"]}),
            "mobile_too_short",
        ),
        (remark_path(WECHAT), json!({}), "nothing_changed"),
        (
            remark_path(WECHAT),
            json!({"remark": "x", "external_userid": WECOM}),
            "external_userid_mismatch",
        ),
        (
            tag_path(WECHAT),
            json!({"add_tag": ["notatag"]}),
            "id_bad_prefix",
        ),
        (
            tag_path(WECHAT),
            json!({"add_tag": [], "remove_tag": []}),
            "nothing_changed",
        ),
        (
            tag_path(WECHAT),
            json!({"add_tag": ["etA1"], "remove_tag": ["etA1"]}),
            "tag_add_and_remove",
        ),
        (
            "/api/external-contacts/zhangsan/remark".to_owned(),
            json!({"remark": "x"}),
            "id_bad_prefix",
        ),
        (
            "/api/external-contacts/wm%20abc%0D%0A/remark".to_owned(),
            json!({"remark": "x"}),
            "id_bad_char",
        ),
    ];
    for (i, (path, body, code)) in cases.iter().enumerate() {
        let r = env
            .post(&token, path, Some(&format!("k-rule-{i}")), body)
            .await;
        assert_eq!(r.status, 400, "{path} {body}: {}", r.text);
        let v = r.json();
        assert_eq!(v["error"], "rule_violation", "{v}");
        assert_eq!(v["violations"][0]["code"], *code, "{path} {body}: {v}");
    }
    for path in [
        "/api/external-contacts/xx",
        "/api/external-contacts/wm%E4%B8%AD",
        "/api/group-chats/wmNOTACHAT",
    ] {
        let r = env.get(&token, path).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text);
        assert_eq!(r.json()["error"], "rule_violation");
    }
    let r = env.get(&token, "/api/members?userids=_bad").await;
    assert_eq!(r.status, 400);
    assert_eq!(env.double.count("externalcontact/remark"), 0);
    assert_eq!(env.double.count("externalcontact/mark_tag"), 0);
    assert_eq!(env.double.count("externalcontact/get"), 0);
    assert_eq!(env.double.count("externalcontact/groupchat/get"), 0);
    assert_eq!(env.count_rows("idempotency").await, 0);
}

// ---------------------------------------------------------------------------
// 2. Access tokens
// ---------------------------------------------------------------------------

async fn one_token_per_secret_cached(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    env.login("lisi").await;
    for _ in 0..5 {
        assert_eq!(env.get(&token, "/api/corp-tags").await.status, 200);
        assert_eq!(
            env.get(&token, &format!("/api/external-contacts/{WECHAT}"))
                .await
                .status,
            200
        );
    }
    assert_eq!(env.double.gettoken_count("agent-secret"), 1);
    assert_eq!(env.double.gettoken_count("contact-secret"), 1);
    // Cached in the database: a new instance uses it.
    let other = env.another().await;
    let r = support::get_at(&env.http, &other.url(), &token, "/api/corp-tags").await;
    assert_eq!(r.status, 200);
    assert_eq!(env.double.gettoken_count("contact-secret"), 1);
    assert_eq!(env.count_rows("access_tokens").await, 2);
    other.stop().await;
}

async fn token_refreshed_once_on_42001_and_40014(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    assert_eq!(env.get(&token, "/api/corp-tags").await.status, 200);
    assert_eq!(env.double.gettoken_count("contact-secret"), 1);
    // WeCom's clock passes the token's expiry: 42001; refreshed, retried.
    env.double.advance(7300);
    let r = env.get(&token, "/api/corp-tags").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["errcode"], 0);
    assert_eq!(env.double.gettoken_count("contact-secret"), 2);
    // 40014 once: refreshed once, retried.
    env.double.set_fault(
        "externalcontact/get_corp_tag_list",
        Fault::Errcode(40014, "invalid access_token".into()),
        Some(1),
    );
    let r = env.get(&token, "/api/corp-tags").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["errcode"], 0);
    assert_eq!(env.double.gettoken_count("contact-secret"), 3);
    // Refused again after the refresh: not retried a second time.
    env.double.set_fault(
        "externalcontact/get_corp_tag_list",
        Fault::Errcode(42001, "expired".into()),
        Some(2),
    );
    let calls = env.double.count("externalcontact/get_corp_tag_list");
    let r = env.get(&token, "/api/corp-tags").await;
    assert_eq!(r.status, 502, "{}", r.text);
    assert_eq!(r.json()["errcode"], 42001);
    assert_eq!(
        env.double.count("externalcontact/get_corp_tag_list"),
        calls + 2
    );
}

async fn token_refreshed_before_it_expires(kind: Kind) {
    let mut dcfg = wecom_double::Config::demo();
    dcfg.token_ttl_secs = 5; // refreshed a fifth of its life early: after 4 s
    let env = Env::with(kind, dcfg, |_| {}).await;
    let token = env.login("zhangsan").await;
    assert_eq!(env.get(&token, "/api/corp-tags").await.status, 200);
    tokio::time::sleep(Duration::from_millis(4200)).await;
    let calls = env.double.count("externalcontact/get_corp_tag_list");
    assert_eq!(env.get(&token, "/api/corp-tags").await.status, 200);
    assert_eq!(env.double.gettoken_count("contact-secret"), 2);
    assert_eq!(
        env.double.count("externalcontact/get_corp_tag_list"),
        calls + 1,
        "refreshed before WeCom refused it: no retry was needed"
    );
}

/// 1,000 concurrent requests on two cores in a debug build: WeCom calls
/// may queue for seconds.
fn slow_machine(v: &mut std::collections::HashMap<String, String>) {
    v.insert("WCC_UPSTREAM_TIMEOUT_SECS".into(), "30".into());
}

async fn single_flight_1000_concurrent_cold(kind: Kind) {
    let env = Arc::new(Env::with(kind, wecom_double::Config::demo(), slow_machine).await);
    let token = env.login("zhangsan").await;
    // gettoken is slow, so the requests really overlap it.
    env.double
        .set_fault("gettoken", Fault::Delay(Duration::from_millis(300)), None);
    let mut tasks = Vec::new();
    for _ in 0..1000 {
        let env = env.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            env.get(&token, &format!("/api/external-contacts/{WECHAT}"))
                .await
        }));
    }
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, 200, "{}", r.text);
    }
    assert_eq!(env.double.gettoken_count("contact-secret"), 1);
}

async fn single_flight_across_two_instances(kind: Kind) {
    let env = Arc::new(Env::with(kind, wecom_double::Config::demo(), slow_machine).await);
    let token = env.login("zhangsan").await;
    let second = Arc::new(env.another().await);
    env.double
        .set_fault("gettoken", Fault::Delay(Duration::from_millis(300)), None);
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let env = env.clone();
        let token = token.clone();
        let base = if i % 2 == 0 {
            env.srv.url()
        } else {
            second.url()
        };
        tasks.push(tokio::spawn(async move {
            support::get_at(
                &env.http,
                &base,
                &token,
                &format!("/api/external-contacts/{WECHAT}"),
            )
            .await
        }));
    }
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, 200, "{}", r.text);
    }
    assert_eq!(env.double.gettoken_count("contact-secret"), 1);
    assert_eq!(env.double.gettoken_count("agent-secret"), 1, "the login's");
}

// ---------------------------------------------------------------------------
// 3. Idempotent writes
// ---------------------------------------------------------------------------

async fn repeated_key_returns_the_first_answer(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    let body = json!({"remark": "第一次"});
    let first = env
        .post(&token, &remark_path(WECHAT), Some("same-key"), &body)
        .await;
    assert_eq!(first.status, 200);
    assert!(first.headers.get("idempotent-replayed").is_none());
    // WeCom's state changes meanwhile; the repeat must not re-apply.
    env.double.set_fault(
        "externalcontact/remark",
        Fault::Errcode(84061, "not external contact".into()),
        None,
    );
    let again = env
        .post(&token, &remark_path(WECHAT), Some("same-key"), &body)
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.text, first.text);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(env.double.count("externalcontact/remark"), 1);
    // After a restart, and from another instance.
    let Env { srv, .. } = &env;
    let url = srv.url();
    let other = env.another().await;
    let r = support::post_at(
        &env.http,
        &other.url(),
        &token,
        &remark_path(WECHAT),
        Some("same-key"),
        body.to_string(),
    )
    .await;
    assert_eq!(r.text, first.text);
    other.stop().await;
    let _ = url;
    let restarted = env.another().await;
    let r = support::post_at(
        &env.http,
        &restarted.url(),
        &token,
        &remark_path(WECHAT),
        Some("same-key"),
        body.to_string(),
    )
    .await;
    assert_eq!(r.text, first.text);
    assert_eq!(env.double.count("externalcontact/remark"), 1);
    restarted.stop().await;
}

async fn repeat_after_restart(kind: Kind) {
    let mut env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    let body = json!({"add_tag": ["etLevelB0001"]});
    let first = env
        .post(&token, &tag_path(WECHAT), Some("tag-key"), &body)
        .await;
    assert_eq!(first.status, 200);
    // Stop the only instance; a new one on the same database answers.
    let fresh = env.another().await;
    let old = std::mem::replace(&mut env.srv, fresh);
    old.stop().await;
    let r = env
        .post(&token, &tag_path(WECHAT), Some("tag-key"), &body)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, first.text);
    assert_eq!(r.headers["idempotent-replayed"], "true");
    assert_eq!(env.double.count("externalcontact/mark_tag"), 1);
}

async fn concurrent_requests_with_one_key_call_once(kind: Kind) {
    let env = Arc::new(Env::new(kind).await);
    let token = env.login("zhangsan").await;
    let second = Arc::new(env.another().await);
    env.double.set_fault(
        "externalcontact/remark",
        Fault::Delay(Duration::from_millis(400)),
        None,
    );
    let mut tasks = Vec::new();
    for i in 0..40 {
        let env = env.clone();
        let token = token.clone();
        let base = if i % 2 == 0 {
            env.srv.url()
        } else {
            second.url()
        };
        tasks.push(tokio::spawn(async move {
            support::post_at(
                &env.http,
                &base,
                &token,
                &remark_path(WECHAT),
                Some("race-key"),
                json!({"remark": "并发"}).to_string(),
            )
            .await
        }));
    }
    let mut replayed = 0;
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json()["errcode"], 0);
        replayed += r.headers.contains_key("idempotent-replayed") as usize;
    }
    assert_eq!(replayed, 39);
    assert_eq!(env.double.count("externalcontact/remark"), 1);
}

async fn same_key_other_body_is_422(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    assert_eq!(
        env.post(
            &token,
            &remark_path(WECHAT),
            Some("k"),
            &json!({"remark": "a"})
        )
        .await
        .status,
        200
    );
    let r = env
        .post(
            &token,
            &remark_path(WECHAT),
            Some("k"),
            &json!({"remark": "b"}),
        )
        .await;
    assert_eq!(r.status, 422);
    let v = r.json();
    assert_eq!(v["error"], "idempotency_key_reused");
    assert!(
        v["errmsg"].as_str().unwrap().contains("different request"),
        "{v}"
    );
    // Same key on the other write path: also another request.
    let r = env
        .post(
            &token,
            &tag_path(WECHAT),
            Some("k"),
            &json!({"add_tag": ["etLevelA0001"]}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(env.double.count("externalcontact/remark"), 1);
    assert_eq!(env.double.count("externalcontact/mark_tag"), 0);
    // Keys belong to their member: another member's "k" is another record.
    let lisi = env.login("lisi").await;
    let r = env
        .post(
            &lisi,
            &remark_path(WECHAT),
            Some("k"),
            &json!({"remark": "b"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.headers.get("idempotent-replayed").is_none());
}

async fn records_expire_after_the_retention(kind: Kind) {
    let env = Env::with(kind, wecom_double::Config::demo(), |v| {
        v.insert("WCC_IDEMPOTENCY_TTL_SECS".into(), "1".into());
    })
    .await;
    let token = env.login("zhangsan").await;
    assert_eq!(
        env.post(
            &token,
            &remark_path(WECHAT),
            Some("old"),
            &json!({"remark": "a"})
        )
        .await
        .status,
        200
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = env
        .post(
            &token,
            &remark_path(WECHAT),
            Some("old"),
            &json!({"remark": "b"}),
        )
        .await;
    assert_eq!(r.status, 200, "an expired key is a new key: {}", r.text);
    assert!(r.headers.get("idempotent-replayed").is_none());
    assert_eq!(env.double.count("externalcontact/remark"), 2);
    assert!(env.srv.state.db.sweep().await.unwrap() <= 1);
}

async fn a_key_in_progress_is_503_and_a_dead_claim_is_taken_over(kind: Kind) {
    let env = Env::with(kind, wecom_double::Config::demo(), |v| {
        v.insert("WCC_IDEMPOTENCY_LEASE_SECS".into(), "1".into());
    })
    .await;
    let token = env.login("zhangsan").await;
    let body = json!({"remark": "进行中"});
    let path = remark_path(WECHAT);
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(
        wcc_server::canonical(&body).as_bytes(),
    ));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Another instance holds the key, with a live lease.
    let claim = |key: &'static str, lease_until: i64| {
        sqlx::query(
            "INSERT INTO idempotency (userid, idem_key, method, path, body_hash, state, owner, lease_until, created_at, expires_at) \
             VALUES ('zhangsan', $1, 'POST', $2, $3, 'pending', 'elsewhere', $4, $5, $6)",
        )
        .bind(key)
        .bind(path.clone())
        .bind(hash.clone())
        .bind(lease_until)
        .bind(now)
        .bind(now + 3600)
    };
    claim("busy", now + 600)
        .execute(&env.srv.state.db.pool)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let r = env.post(&token, &path, Some("busy"), &body).await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert_eq!(r.json()["error"], "idempotency_key_in_progress");
    assert!(r.headers.contains_key("retry-after"));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "it waited for the answer first"
    );
    assert_eq!(env.double.count("externalcontact/remark"), 0);
    // A claim whose lease ran out (its server died) is taken over.
    claim("dead", now - 5)
        .execute(&env.srv.state.db.pool)
        .await
        .unwrap();
    let r = env.post(&token, &path, Some("dead"), &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(env.double.count("externalcontact/remark"), 1);
    let r = env.post(&token, &path, Some("dead"), &body).await;
    assert_eq!(r.headers["idempotent-replayed"], "true");
    // A WeCom call that outlives the lease is given up, and the key kept.
    env.double.set_fault(
        "externalcontact/remark",
        Fault::Delay(Duration::from_secs(3)),
        Some(1),
    );
    let r = env.post(&token, &path, Some("slow"), &body).await;
    assert_eq!(r.status, 503, "{}", r.text);
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM idempotency WHERE idem_key = 'slow'")
            .fetch_one(&env.srv.state.db.pool)
            .await
            .unwrap();
    assert_eq!(state, "pending");
}

async fn bad_idempotency_keys(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    let long = "a".repeat(201);
    for key in [
        None,
        Some(""),
        Some("has space"),
        Some("a;b=c"),
        Some("quote\"d"),
        Some("%0d%0aSet-Cookie:x"),
        Some(long.as_str()),
    ] {
        let r = env
            .post(&token, &remark_path(WECHAT), key, &json!({"remark": "a"}))
            .await;
        assert_eq!(r.status, 400, "{key:?}: {}", r.text);
        assert_eq!(r.json()["error"], "bad_idempotency_key");
    }
    // Non-ASCII bytes (obs-text) in the header.
    let r = env
        .http
        .post(env.url(&remark_path(WECHAT)))
        .bearer_auth(&token)
        .header(
            "Idempotency-Key",
            reqwest::header::HeaderValue::from_bytes(b"k\xe4\xb8\xad").unwrap(),
        )
        .body(r#"{"remark":"a"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // CR LF injected into the header, on a raw connection.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(env.srv.addr).await.unwrap();
    let body = r#"{"remark":"a"}"#;
    let req = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nIdempotency-Key: k1\rSet-Cookie: evil=1\r\nContent-Length: {}\r\n\r\n{body}",
        remark_path(WECHAT),
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    let out = String::from_utf8_lossy(&out);
    assert!(out.starts_with("HTTP/1.1 400"), "{out}");
    assert!(!out.to_ascii_lowercase().contains("set-cookie"), "{out}");
    assert_eq!(env.double.count("externalcontact/remark"), 0);
    assert_eq!(env.count_rows("idempotency").await, 0);
}

// ---------------------------------------------------------------------------
// 5. Upstream faults are typed
// ---------------------------------------------------------------------------

async fn wecom_errcodes_keep_their_meaning(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    let r = env
        .get(&token, &format!("/api/external-contacts/{GONE}"))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["errcode"], 84061);
    env.double.set_fault(
        "externalcontact/get",
        Fault::Errcode(60011, "no privilege".into()),
        Some(1),
    );
    let r = env
        .get(&token, &format!("/api/external-contacts/{WECHAT}"))
        .await;
    assert_eq!((r.status, r.json()["errcode"].clone()), (200, json!(60011)));
    env.double.set_fault(
        "externalcontact/remark",
        Fault::Errcode(48002, "api forbidden".into()),
        Some(1),
    );
    let r = env
        .post(
            &token,
            &remark_path(WECHAT),
            Some("k48002"),
            &json!({"remark": "a"}),
        )
        .await;
    assert_eq!((r.status, r.json()["errcode"].clone()), (200, json!(48002)));
    for code in [45009, 45033] {
        env.double.set_fault(
            "externalcontact/get",
            Fault::Errcode(code, "api freq out of limit".into()),
            Some(1),
        );
        let r = env
            .get(&token, &format!("/api/external-contacts/{WECHAT}"))
            .await;
        assert_eq!(r.status, 503, "{code}");
        assert!(r.headers.contains_key("retry-after"));
        assert_eq!(r.json()["errcode"], code);
        assert_eq!(r.json()["error"], "wecom_rate_limited");
    }
    env.double.set_fault(
        "externalcontact/get",
        Fault::Errcode(-1, "system busy".into()),
        Some(1),
    );
    let r = env
        .get(&token, &format!("/api/external-contacts/{WECHAT}"))
        .await;
    assert_eq!(r.status, 503);
    assert!(r.headers.contains_key("retry-after"));
}

async fn wecom_garbage_timeouts_and_outages(kind: Kind) {
    let env = Env::with(kind, wecom_double::Config::demo(), |v| {
        v.insert("WCC_UPSTREAM_TIMEOUT_SECS".into(), "1".into());
    })
    .await;
    let token = env.login("zhangsan").await;
    let path = format!("/api/external-contacts/{WECHAT}");
    env.double
        .set_fault("externalcontact/get", Fault::Garbage, Some(1));
    let r = env.get(&token, &path).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (502, json!("wecom_bad_answer"))
    );
    env.double
        .set_fault("externalcontact/get", Fault::Status(502), Some(1));
    let r = env.get(&token, &path).await;
    assert_eq!(r.status, 503);
    assert!(r.headers.contains_key("retry-after"));
    env.double
        .set_fault("externalcontact/get", Fault::Hang, Some(1));
    let started = std::time::Instant::now();
    let r = env.get(&token, &path).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (503, json!("wecom_timeout"))
    );
    assert!(r.headers.contains_key("retry-after"));
    assert!(started.elapsed() < Duration::from_secs(5));
    // A write that timed out is not recorded: the retry calls WeCom again.
    env.double
        .set_fault("externalcontact/remark", Fault::Hang, Some(1));
    let r = env
        .post(
            &token,
            &remark_path(WECHAT),
            Some("k-hang"),
            &json!({"remark": "超时"}),
        )
        .await;
    assert_eq!(r.status, 503);
    let r = env
        .post(
            &token,
            &remark_path(WECHAT),
            Some("k-hang"),
            &json!({"remark": "超时"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.headers.get("idempotent-replayed").is_none());
    assert_eq!(
        env.double.follow_user_remark(WECHAT, "zhangsan").unwrap()["remark"],
        "超时"
    );
    // WeCom unreachable: a closed port.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let down = env
        .another_with(|v| {
            v.insert("WECOM_API_BASE".into(), format!("http://127.0.0.1:{port}"));
        })
        .await;
    let r = support::get_at(
        &env.http,
        &down.url(),
        &token,
        "/api/group-chats/wrNEVERFETCHED",
    )
    .await;
    // The cached token is valid, so the call itself fails to connect.
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (503, json!("wecom_unreachable"))
    );
    assert!(r.headers.contains_key("retry-after"));
    let code_login = down.url();
    let r = env
        .http
        .post(format!("{code_login}/api/session"))
        .json(&json!({"code": "x1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    down.stop().await;
}

async fn wrong_secret_is_a_typed_misconfiguration(kind: Kind) {
    let env = Env::with(kind, wecom_double::Config::demo(), |v| {
        v.insert("WECOM_CONTACT_SECRET".into(), "sync-secret".into());
    })
    .await;
    let token = env.login("zhangsan").await;
    // A contact-sync secret may not call externalcontact/*: 48002, passed through.
    let r = env
        .get(&token, &format!("/api/external-contacts/{WECHAT}"))
        .await;
    assert_eq!((r.status, r.json()["errcode"].clone()), (200, json!(48002)));
    let bad = env
        .another_with(|v| {
            v.insert("WECOM_CONTACT_SECRET".into(), "wrong-secret-VALUE".into());
        })
        .await;
    let r = support::get_at(&env.http, &bad.url(), &token, "/api/corp-tags").await;
    assert_eq!(r.status, 502);
    let v = r.json();
    assert_eq!(v["error"], "server_misconfigured");
    assert_eq!(v["errcode"], 40001);
    assert!(v["errmsg"]
        .as_str()
        .unwrap()
        .contains("WECOM_CONTACT_SECRET"));
    assert!(!r.text.contains("wrong-secret-VALUE"));
    bad.stop().await;
}

// ---------------------------------------------------------------------------
// Bad input and the database
// ---------------------------------------------------------------------------

async fn oversized_and_non_json_bodies(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    let big = format!(r#"{{"remark":"{}"}}"#, "a".repeat(wcc_server::MAX_BODY));
    let r = env
        .post_raw(&token, &remark_path(WECHAT), Some("k-big"), big)
        .await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"], "body_too_large");
    for junk in ["", "not json", "{\"remark\":", "\u{0}\u{1}"] {
        let r = env
            .post_raw(
                &token,
                &remark_path(WECHAT),
                Some("k-junk"),
                junk.to_owned(),
            )
            .await;
        assert_eq!(r.status, 400, "{junk:?}");
        assert_eq!(r.json()["error"], "body_not_json");
    }
    let r = env
        .http
        .post(env.url("/api/session"))
        .body("garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(env.double.count("externalcontact/remark"), 0);
    assert_eq!(env.count_rows("idempotency").await, 0);
    let r = env.get(&token, "/api/nothing-here").await;
    assert_eq!(r.status, 404);
}

async fn database_unavailable_mid_request(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    env.srv.state.db.pool.close().await;
    let r = env.get(&token, "/api/corp-tags").await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert_eq!(r.json()["error"], "database_unavailable");
    assert!(r.headers.contains_key("retry-after"));
    let r = env
        .post(
            &token,
            &remark_path(WECHAT),
            Some("k-db"),
            &json!({"remark": "不会写"}),
        )
        .await;
    assert_eq!(r.status, 503);
    let r = env
        .http
        .post(env.url("/api/session"))
        .json(&json!({"code": env.double.issue_code("zhangsan")}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(env.get(&token, "/healthz").await.status, 503);
    // Nothing reached WeCom, nothing was half-written.
    assert_eq!(env.double.count("externalcontact/remark"), 0);
    assert_ne!(
        env.double.follow_user_remark(WECHAT, "zhangsan").unwrap()["remark"],
        "不会写"
    );
    let other = env.another().await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM idempotency")
        .fetch_one(&other.state.db.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    other.stop().await;
}

// ---------------------------------------------------------------------------
// 6. Members by name
// ---------------------------------------------------------------------------

async fn members_by_name(kind: Kind) {
    let env = Env::new(kind).await;
    let token = env.login("zhangsan").await;
    let r = env
        .get(
            &token,
            "/api/members?userids=zhangsan,wujiu,nosuchmember,ZHANGSAN,zhouba",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"members": [
            {"userid": "zhangsan", "name": "张三", "known": true, "reason": null},
            {"userid": "wujiu", "name": null, "known": true, "reason": "no_name"},
            {"userid": "nosuchmember", "name": null, "known": false, "reason": "not_found"},
            {"userid": "zhouba", "name": "周八", "known": true, "reason": null},
        ]})
    );
    assert_eq!(env.double.count("user/get"), 4);
    // Cached (in the database: another instance reuses it).
    let other = env.another().await;
    let again = support::get_at(
        &env.http,
        &other.url(),
        &token,
        "/api/members?userids=zhangsan,wujiu",
    )
    .await;
    assert_eq!(again.json()["members"][0]["name"], "张三");
    assert_eq!(env.double.count("user/get"), 4);
    other.stop().await;
    let many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
    assert_eq!(
        env.get(&token, &format!("/api/members?userids={}", many.join(",")))
            .await
            .status,
        400
    );
    assert_eq!(env.get(&token, "/api/members").await.status, 400);
}

on_both!(
    session_is_opaque_and_keeps_session_key,
    bad_code_gets_40029,
    every_api_call_needs_a_live_bearer_token,
    reads_pass_wecom_json_through,
    writes_call_wecom_with_the_session_user,
    the_core_rules_refuse_before_wecom,
    one_token_per_secret_cached,
    token_refreshed_once_on_42001_and_40014,
    token_refreshed_before_it_expires,
    single_flight_1000_concurrent_cold,
    single_flight_across_two_instances,
    repeated_key_returns_the_first_answer,
    repeat_after_restart,
    concurrent_requests_with_one_key_call_once,
    same_key_other_body_is_422,
    records_expire_after_the_retention,
    bad_idempotency_keys,
    a_key_in_progress_is_503_and_a_dead_claim_is_taken_over,
    wecom_errcodes_keep_their_meaning,
    wecom_garbage_timeouts_and_outages,
    wrong_secret_is_a_typed_misconfiguration,
    oversized_and_non_json_bodies,
    database_unavailable_mid_request,
    members_by_name,
);
