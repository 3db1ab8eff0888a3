//! Faults, latency, counters, the /__double control API, datasets, the binary, shutdown.

use crate::common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use wecom_double::demo_ids::*;
use wecom_double::{Config, Dataset, Double, Fault};

fn user_get_path(t: &str) -> String {
    format!("/cgi-bin/user/get?access_token={t}&userid=zhangsan")
}

#[tokio::test]
async fn an_errcode_fault_answers_for_the_given_number_of_calls() {
    let d = demo().await;
    let t = token(&d, "agent-secret").await;
    d.set_fault(
        "user/get",
        Fault::Errcode(45009, "api freq out of limit".into()),
        Some(2),
    );
    for _ in 0..2 {
        let (status, v) = get(&d, &user_get_path(&t)).await;
        assert_eq!(status, 200);
        assert_eq!(
            v,
            json!({"errcode": 45009, "errmsg": "api freq out of limit"})
        );
    }
    let (_, v) = get(&d, &user_get_path(&t)).await;
    assert_eq!(errcode(&v), 0, "the fault is used up: {v}");
    assert_eq!(v["name"], "张三");
    assert_eq!(d.count("user/get"), 3, "faulted calls count");
    // Other APIs were never affected.
    assert_eq!(d.count("gettoken"), 1);
}

#[tokio::test]
async fn status_and_garbage_faults_and_clearing() {
    let d = demo().await;
    d.set_fault("gettoken", Fault::Status(502), None);
    let path = "/cgi-bin/gettoken?corpid=wwdemo0123456789&corpsecret=agent-secret";
    for _ in 0..3 {
        let r = client()
            .get(format!("{}{path}", d.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 502, "until cleared");
        assert!(serde_json::from_str::<Value>(&r.text().await.unwrap()).is_err());
    }
    d.clear_faults();
    assert_eq!(errcode(&get(&d, path).await.1), 0);

    d.set_fault("gettoken", Fault::Garbage, Some(1));
    let r = client()
        .get(format!("{}{path}", d.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(
        serde_json::from_str::<Value>(&r.text().await.unwrap()).is_err(),
        "not JSON"
    );
    assert_eq!(errcode(&get(&d, path).await.1), 0);
    assert_eq!(d.count("gettoken"), 6);
    assert_eq!(d.gettoken_count("agent-secret"), 6);
}

#[tokio::test]
async fn a_wildcard_fault_covers_every_api_without_its_own() {
    let d = demo().await;
    let t = token(&d, "agent-secret").await;
    d.set_fault("*", Fault::Errcode(-1, "system busy".into()), None);
    d.set_fault(
        "user/get",
        Fault::Errcode(45033, "concurrency".into()),
        Some(1),
    );
    assert_eq!(errcode(&get(&d, &user_get_path(&t)).await.1), 45033);
    assert_eq!(errcode(&get(&d, &user_get_path(&t)).await.1), -1);
    let (_, v) = get(
        &d,
        "/cgi-bin/gettoken?corpid=wwdemo0123456789&corpsecret=agent-secret",
    )
    .await;
    assert_eq!(errcode(&v), -1);
    d.set_fault("*", Fault::Errcode(-1, String::new()), Some(0));
    assert_eq!(
        errcode(&get(&d, &user_get_path(&t)).await.1),
        0,
        "times 0 removes it"
    );
}

#[tokio::test]
async fn delay_latency_and_hang() {
    let d = demo().await;
    let t = token(&d, "agent-secret").await;
    d.set_fault(
        "user/get",
        Fault::Delay(Duration::from_millis(300)),
        Some(1),
    );
    let start = Instant::now();
    let (_, v) = get(&d, &user_get_path(&t)).await;
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(errcode(&v), 0, "a delayed call still answers");
    let start = Instant::now();
    get(&d, &user_get_path(&t)).await;
    assert!(start.elapsed() < Duration::from_millis(300), "used up");

    d.set_latency(Duration::from_millis(200));
    let start = Instant::now();
    get(&d, &user_get_path(&t)).await;
    assert!(start.elapsed() >= Duration::from_millis(200));
    d.set_latency(Duration::ZERO);

    d.set_fault("user/get", Fault::Hang, Some(1));
    let hung = client()
        .get(format!("{}{}", d.base_url(), user_get_path(&t)))
        .timeout(Duration::from_millis(400))
        .send()
        .await;
    assert!(hung.unwrap_err().is_timeout());
    assert_eq!(errcode(&get(&d, &user_get_path(&t)).await.1), 0);
}

#[tokio::test]
async fn shutdown_ends_hanging_calls() {
    let d = demo().await;
    let url = format!("{}/cgi-bin/gettoken?corpid=x&corpsecret=y", d.base_url());
    d.set_fault("gettoken", Fault::Hang, None);
    let pending =
        tokio::spawn(async move { client().get(url).send().await.map(|r| r.status().as_u16()) });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let base = d.base_url();
    let start = Instant::now();
    d.shutdown().await;
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "shutdown does not wait for the hang"
    );
    let answer = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .expect("the call ends")
        .unwrap();
    assert!(matches!(answer, Ok(503) | Err(_)), "{answer:?}");
    assert!(
        client()
            .get(format!("{base}/__double/counts"))
            .send()
            .await
            .is_err(),
        "stopped"
    );
}

#[tokio::test]
async fn unknown_apis_are_404_and_counted() {
    let d = demo().await;
    let (status, _) = get(&d, "/cgi-bin/externalcontact/list?access_token=x").await;
    assert_eq!(status, 404);
    assert_eq!(d.count("externalcontact/list"), 1);
    assert_eq!(
        d.count("/cgi-bin/externalcontact/list"),
        1,
        "either spelling"
    );
}

#[tokio::test]
async fn the_control_api_drives_the_double_over_http() {
    let d = demo().await;
    let t = token(&d, "agent-secret").await;

    let (status, v) = post(&d, "/__double/fault", &json!({"api": "user/get", "fault": {"errcode": 42001, "errmsg": "access_token expired"}, "times": 1})).await;
    assert_eq!((status, v["ok"].clone()), (200, json!(true)), "{v}");
    assert_eq!(errcode(&get(&d, &user_get_path(&t)).await.1), 42001);
    assert_eq!(errcode(&get(&d, &user_get_path(&t)).await.1), 0);

    post(
        &d,
        "/__double/fault",
        &json!({"api": "user/get", "fault": {"status": 503}}),
    )
    .await;
    assert_eq!(get(&d, &user_get_path(&t)).await.0, 503);
    post(
        &d,
        "/__double/fault",
        &json!({"api": "user/get", "fault": "garbage"}),
    )
    .await;
    let (status, v) = get(&d, &user_get_path(&t)).await;
    assert_eq!((status, v), (200, Value::Null));
    post(&d, "/__double/clear", &json!({})).await;
    assert_eq!(errcode(&get(&d, &user_get_path(&t)).await.1), 0);

    post(
        &d,
        "/__double/fault",
        &json!({"api": "user/get", "fault": {"delayMs": 250}, "times": 1}),
    )
    .await;
    let start = Instant::now();
    assert_eq!(errcode(&get(&d, &user_get_path(&t)).await.1), 0);
    assert!(start.elapsed() >= Duration::from_millis(250));
    post(
        &d,
        "/__double/fault",
        &json!({"api": "user/get", "fault": "hang", "times": 1}),
    )
    .await;
    let hung = client()
        .get(format!("{}{}", d.base_url(), user_get_path(&t)))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.is_err());

    post(&d, "/__double/latency", &json!({"ms": 150})).await;
    let start = Instant::now();
    get(&d, &user_get_path(&t)).await;
    assert!(start.elapsed() >= Duration::from_millis(150));
    post(&d, "/__double/latency", &json!({"ms": 0})).await;

    let (_, v) = post(&d, "/__double/code", &json!({"userid": "lisi"})).await;
    let code = v["code"].as_str().unwrap().to_string();
    let (_, v) = get(&d, &format!("/cgi-bin/miniprogram/jscode2session?access_token={t}&js_code={code}&grant_type=authorization_code")).await;
    assert_eq!(v["userid"], "lisi");

    let (_, v) = get(&d, "/__double/counts").await;
    assert_eq!(v["counts"]["user/get"], 8);
    assert_eq!(v["counts"]["miniprogram/jscode2session"], 1);
    assert_eq!(v["gettoken"]["agent-secret"], 1);

    let (_, v) = post(&d, "/__double/advance", &json!({"secs": 7200})).await;
    assert!(v["now"].as_u64().unwrap() > 1_700_000_000);
    assert_eq!(errcode(&get(&d, &user_get_path(&t)).await.1), 42001);

    // follow_user, for assertions from JS.
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/remark",
        &json!({"userid": "zhangsan", "external_userid": WECOM, "remark": "新备注"}),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    let (status, v) = get(
        &d,
        &format!("/__double/follow_user?external_userid={WECOM}&userid=zhangsan"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["remark"], "新备注");
    assert_eq!(v["tags"], json!([]));
    let (status, _) = get(
        &d,
        &format!("/__double/follow_user?external_userid={WECOM}&userid=lisi"),
    )
    .await;
    assert_eq!(status, 404);

    // reset: data, tokens, counts and the clock as they started.
    post(&d, "/__double/reset", &json!({})).await;
    assert_eq!(
        d.follow_user_remark(WECOM, "zhangsan").unwrap()["remark"],
        "李经理"
    );
    assert_eq!(d.count("user/get"), 0);
    assert_eq!(
        errcode(&get(&d, &user_get_path(&t)).await.1),
        40014,
        "tokens are gone"
    );

    // Bad control requests are 400s.
    for (path, body) in [
        ("/__double/fault", json!({"api": "user/get"})),
        (
            "/__double/fault",
            json!({"api": "user/get", "fault": "explode"}),
        ),
        ("/__double/fault", json!({"fault": "hang"})),
        ("/__double/latency", json!({"ms": "slow"})),
        ("/__double/advance", json!({})),
        ("/__double/code", json!({})),
    ] {
        let (status, v) = post(&d, path, &body).await;
        assert_eq!(status, 400, "{path} {body}");
        assert_eq!(v["ok"], false);
    }
}

#[tokio::test]
async fn the_control_api_answers_loopback_only() {
    // Bind every interface, then call through a non-loopback address if there is one.
    let d = Double::spawn_on(
        "0.0.0.0:0".parse().unwrap(),
        Config::demo(),
        Dataset::demo(),
    )
    .await
    .unwrap();
    let port = d.addr().port();
    let Some(ip) = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("10.255.255.1:9").map(|_| s))
        .and_then(|s| s.local_addr())
        .ok()
        .map(|a| a.ip())
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
    else {
        eprintln!("no non-loopback address here; skipping");
        return;
    };
    let r = client()
        .get(format!("http://{ip}:{port}/__double/counts"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = client()
        .get(format!("http://127.0.0.1:{port}/__double/counts"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn from_json_reads_the_fixture_shapes() {
    // The shapes of tools/fixtures/wecom-data.js: customers keyed by id as externalcontact/get
    // answers, corp tags as a get_corp_tag_list answer, chats as groupchat/get answers.
    let text = json!({
        "customers": {
            "wmFixture0001": {"errcode": 0, "errmsg": "ok",
                "external_contact": {"external_userid": "wmFixture0001", "name": "陈晓明"},
                "follow_user": [{"userid": "zhangsan", "remark": "陈先生", "createtime": "1710000000", "tags": []}],
                "next_cursor": null}
        },
        "corp_tags": {"errcode": 0, "errmsg": "ok", "tag_group": [
            {"group_id": "etG1", "group_name": "等级", "tag": [{"id": "etA", "name": "A"}]}
        ]},
        "group_chats": {"wrChat1": {"errcode": 0, "errmsg": "ok", "group_chat": {"chat_id": "wrChat1", "name": "群", "owner": "zhangsan", "member_list": [], "admin_list": []}}},
        "members": {"zhangsan": "张三", "lisi": null}
    })
    .to_string();
    let data = Dataset::from_json(&text).unwrap();
    assert_eq!(data.customers.len(), 1);
    assert_eq!(data.customers[0].external_userid(), "wmFixture0001");
    assert_eq!(data.tag_groups.len(), 1);
    assert_eq!(data.group_chats[0]["chat_id"], "wrChat1");
    assert_eq!(data.members.len(), 2);

    let d = Double::spawn(Config::demo(), data).await.unwrap();
    let t = token(&d, "contact-secret").await;
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/externalcontact/get?access_token={t}&external_userid=wmFixture0001"),
    )
    .await;
    assert_eq!(
        v["follow_user"][0]["createtime"], "1710000000",
        "passed through unchanged"
    );
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/mark_tag",
        &json!({"userid": "zhangsan", "external_userid": "wmFixture0001", "add_tag": ["etA"]}),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    assert_eq!(d.follow_user_tags("wmFixture0001", "zhangsan"), ["etA"]);
    // No type given: the wm prefix makes it a WeChat customer, so remark_company applies.
    let body = json!({"userid": "zhangsan", "external_userid": "wmFixture0001", "remark_company": "晓明科技"});
    let v = call(&d, "contact-secret", "externalcontact/remark", &body).await;
    assert_eq!(errcode(&v), 0, "{v}");
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/groupchat/get",
        &json!({"chat_id": "wrChat1"}),
    )
    .await;
    assert_eq!(v["group_chat"]["name"], "群");
}

#[test]
fn from_json_rejects_what_it_cannot_serve() {
    for (text, needle) in [
        ("nope", "not JSON"),
        ("[]", "object"),
        (
            r#"{"customers": [{"follow_user": []}]}"#,
            "external_contact",
        ),
        (
            r#"{"customers": [{"external_contact": {"name": "x"}}]}"#,
            "external_userid",
        ),
        (
            r#"{"customers": [{"external_contact": {"external_userid": "wm1"}, "follow_user": [{"remark": "x"}]}]}"#,
            "userid",
        ),
        (
            r#"{"customers": [{"external_contact": {"external_userid": "wm1"}}, {"external_contact": {"external_userid": "wm1"}}]}"#,
            "twice",
        ),
        (r#"{"tag_group": [{"group_name": "x"}]}"#, "group_id"),
        (
            r#"{"tag_group": [{"group_id": "g", "tag": [{"id": "t"}, {"id": "t"}]}]}"#,
            "twice",
        ),
        (r#"{"group_chats": [{"name": "x"}]}"#, "chat_id"),
        (r#"{"members": [{"name": "x"}]}"#, "userid"),
        (r#"{"members": 3}"#, "members"),
    ] {
        let err = Dataset::from_json(text).unwrap_err();
        assert!(err.contains(needle), "{text}: {err}");
    }
}

#[test]
fn the_demo_dataset_round_trips_through_json() {
    let demo = Dataset::demo();
    assert_eq!(Dataset::from_json(&demo.to_json()).unwrap(), demo);
    for id in [WECHAT, WECOM, NOT_MINE, BIG, GONE, CHAT] {
        assert_eq!(id.len(), 32, "{id}");
    }
    let big = demo
        .customers
        .iter()
        .find(|c| c.external_userid() == BIG)
        .unwrap();
    assert_eq!(big.follow_user.len(), BIG_FOLLOWERS);
    let tags: usize = demo
        .tag_groups
        .iter()
        .map(|g| g["tag"].as_array().unwrap().len())
        .sum();
    assert!(tags > 200, "{tags}");
    assert!(demo
        .customers
        .iter()
        .any(|c| c.external_userid().starts_with("wo")));
}

#[tokio::test]
async fn the_binary_serves_the_demo_and_loads_a_dataset() {
    use tokio::io::AsyncBufReadExt;
    let dir = std::env::temp_dir().join(format!("wecom-double-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("data.json");
    std::fs::write(
        &file,
        json!({"members": [{"userid": "solo", "name": "独行"}]}).to_string(),
    )
    .unwrap();

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_wecom-double"))
        .args(["--listen", "127.0.0.1:0", "--corp-id", "ww0123456789abcdef"])
        .args(["--secret", "mine:agent", "--secret", "sync:sync"])
        .args(["--token-ttl", "60", "--data"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("it prints its address")
        .unwrap()
        .unwrap();
    let base = line
        .strip_prefix("wecom-double listening on ")
        .expect(&line)
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");
    let fetch = |path: String| {
        let url = format!("{base}/cgi-bin/{path}");
        async move {
            let r = client().get(url).send().await.unwrap();
            r.json::<Value>().await.unwrap()
        }
    };
    let v = fetch("gettoken?corpid=ww0123456789abcdef&corpsecret=agent-secret".into()).await;
    assert_eq!(v["errcode"], 40001, "--secret replaced the demo secrets");
    let v = fetch("gettoken?corpid=wwdemo0123456789&corpsecret=mine".into()).await;
    assert_eq!(v["errcode"], 40013, "--corp-id replaced the demo corp");
    let v = fetch("gettoken?corpid=ww0123456789abcdef&corpsecret=mine".into()).await;
    assert_eq!(v["expires_in"], 60, "--token-ttl");
    let t = v["access_token"].as_str().unwrap().to_string();
    let v = fetch(format!("user/get?access_token={t}&userid=solo")).await;
    assert_eq!(v["name"], "独行");
    let v = fetch(format!("user/get?access_token={t}&userid=zhangsan")).await;
    assert_eq!(v["errcode"], 60111, "the file replaced the demo");
    let v = fetch("gettoken?corpid=ww0123456789abcdef&corpsecret=sync".into()).await;
    let sync = v["access_token"].as_str().unwrap().to_string();
    let v = fetch(format!("user/get?access_token={sync}&userid=solo")).await;
    assert_eq!(v["errcode"], 48002);
    child.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
