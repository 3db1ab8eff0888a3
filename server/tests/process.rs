//! The `wcc-server` binary as a process: start-up errors, a kill between
//! WeCom's answer and the idempotency record, and what its logs hold.

mod support;

use serde_json::json;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::demo_ids::WECHAT;
use wecom_double::{Dataset, Double};

const BIN: &str = env!("CARGO_BIN_EXE_wcc-server");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn base_env(cmd: &mut Command) -> &mut Command {
    for (k, _) in std::env::vars() {
        if k.starts_with("WCC_") || k.starts_with("WECOM_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// Runs the binary until it exits (it must, within 20 s); returns the
/// exit code and stderr.
fn run_to_exit(vars: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(BIN);
    base_env(&mut cmd);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            return (
                status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("wcc-server did not exit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn missing_or_malformed_variables_stop_the_server_with_one_line() {
    let secret = "TOPSECRET-agent-0123";
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("WECOM_AGENT_SECRET", secret)], "WECOM_CORP_ID"),
        (
            vec![("WECOM_CORP_ID", "wwdemo0123456789")],
            "WECOM_AGENT_SECRET",
        ),
        (
            vec![
                ("WECOM_CORP_ID", "bad corp"),
                ("WECOM_AGENT_SECRET", secret),
            ],
            "WECOM_CORP_ID",
        ),
        (
            vec![
                ("WECOM_CORP_ID", "wwdemo0123456789"),
                ("WECOM_AGENT_SECRET", "TOP SECRET"),
            ],
            "WECOM_AGENT_SECRET",
        ),
        (
            vec![
                ("WECOM_CORP_ID", "wwdemo0123456789"),
                ("WECOM_AGENT_SECRET", secret),
                ("WECOM_CALLBACK_TOKEN", "tok"),
            ],
            "WECOM_CALLBACK_AES_KEY",
        ),
        (
            vec![
                ("WECOM_CORP_ID", "wwdemo0123456789"),
                ("WECOM_AGENT_SECRET", secret),
                ("WECOM_CALLBACK_TOKEN", "tok"),
                ("WECOM_CALLBACK_AES_KEY", "TOPSECRET-not-43-chars"),
            ],
            "WECOM_CALLBACK_AES_KEY",
        ),
        (
            vec![
                ("WECOM_CORP_ID", "wwdemo0123456789"),
                ("WECOM_AGENT_SECRET", secret),
                ("WCC_LISTEN", "nowhere"),
            ],
            "WCC_LISTEN",
        ),
        (
            vec![
                ("WECOM_CORP_ID", "wwdemo0123456789"),
                ("WECOM_AGENT_SECRET", secret),
                ("WCC_DATABASE_URL", "mysql://x"),
            ],
            "WCC_DATABASE_URL",
        ),
        (
            vec![
                ("WECOM_CORP_ID", "wwdemo0123456789"),
                ("WECOM_AGENT_SECRET", secret),
                ("WECOM_API_BASE", "qyapi"),
            ],
            "WECOM_API_BASE",
        ),
    ];
    for (vars, name) in cases {
        let (code, stdout, stderr) = run_to_exit(&vars);
        assert_eq!(code, Some(2), "{vars:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(name), "{name} named: {stderr}");
        assert!(
            !stderr.contains("TOPSECRET") && !stderr.contains("TOP SECRET"),
            "{stderr}"
        );
        assert!(!stdout.contains("TOPSECRET"), "{stdout}");
    }
}

#[test]
fn database_unavailable_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let missing_dir = format!("sqlite://{}/no/such/dir/wcc.db", dir.path().display());
    let unreachable_pg = format!("postgres://wcc:TOPSECRETPW@127.0.0.1:{}/wcc", free_port());
    for url in [missing_dir.as_str(), unreachable_pg.as_str()] {
        let (code, _, stderr) = run_to_exit(&[
            ("WECOM_CORP_ID", "wwdemo0123456789"),
            ("WECOM_AGENT_SECRET", "agent-secret"),
            ("WCC_DATABASE_URL", url),
            ("WCC_LISTEN", &format!("127.0.0.1:{}", free_port())),
        ]);
        assert_eq!(code, Some(2), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("WCC_DATABASE_URL") && stderr.contains("cannot open the database"),
            "{stderr}"
        );
        assert!(
            !stderr.contains("TOPSECRETPW"),
            "the URL's password is not printed: {stderr}"
        );
    }
}

struct Child {
    child: std::process::Child,
    url: String,
    log: std::path::PathBuf,
}

impl Child {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn spawn_server(vars: &[(&str, String)], log: std::path::PathBuf) -> Child {
    let port = free_port();
    let mut cmd = Command::new(BIN);
    base_env(&mut cmd);
    cmd.env("WCC_LISTEN", format!("127.0.0.1:{port}"));
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let file = std::fs::File::create(&log).unwrap();
    // Wrapped at once: dropping it kills and reaps the process.
    let child = Child {
        child: cmd
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap(),
        url: format!("http://127.0.0.1:{port}"),
        log,
    };
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = http.get(format!("{}/healthz", child.url)).send().await {
            if r.status() == 200 {
                return child;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("wcc-server did not start: {}", child.log());
}

fn server_vars(double: &Double, db: &str) -> Vec<(&'static str, String)> {
    vec![
        ("WECOM_CORP_ID", support::CORP.to_owned()),
        ("WECOM_AGENT_SECRET", "agent-secret".to_owned()),
        ("WECOM_CONTACT_SECRET", "contact-secret".to_owned()),
        ("WECOM_CALLBACK_TOKEN", support::CALLBACK_TOKEN.to_owned()),
        (
            "WECOM_CALLBACK_AES_KEY",
            support::CALLBACK_AES_KEY.to_owned(),
        ),
        ("WECOM_API_BASE", double.base_url()),
        ("WCC_DATABASE_URL", db.to_owned()),
        ("WCC_IDEMPOTENCY_LEASE_SECS", "1".to_owned()),
        ("RUST_LOG", "debug".to_owned()),
    ]
}

/// README: "A kill between WeCom's answer and the record". The process dies
/// after WeCom applied the write and before the answer is recorded; the
/// client never got an answer, so it retries with the same key. The record
/// is still pending, so after its lease the retry takes it over and calls
/// WeCom again: the write reaches WeCom twice, and because remark and
/// mark_tag set state (they do not add to it), the customer ends in the
/// state of one write. From then on the key replays the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_between_wecom_and_the_record() {
    let double = Double::spawn(wecom_double::Config::demo(), Dataset::demo())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("wcc.db").display());
    let mut vars = server_vars(&double, &db);
    vars.push(("WCC_TEST_EXIT_AFTER_UPSTREAM_WRITE", "1".to_owned()));
    let dying = spawn_server(&vars, dir.path().join("a.log")).await;
    let http = reqwest::Client::new();
    let token = support::login_at(&http, &dying.url, &double.issue_code("zhangsan")).await;
    let path = format!("/api/external-contacts/{WECHAT}/remark");
    let body = json!({"remark": "只写一次", "remark_mobiles": ["13800000001"]}).to_string();
    let r = http
        .post(format!("{}{path}", dying.url))
        .bearer_auth(&token)
        .header("Idempotency-Key", "kill-key")
        .body(body.clone())
        .send()
        .await;
    assert!(r.is_err(), "the process died before answering: {r:?}");
    assert_eq!(double.count("externalcontact/remark"), 1);
    assert_eq!(
        double.follow_user_remark(WECHAT, "zhangsan").unwrap()["remark"],
        "只写一次"
    );
    drop(dying);

    let restarted = spawn_server(&server_vars(&double, &db), dir.path().join("b.log")).await;
    let r = support::post_at(
        &http,
        &restarted.url,
        &token,
        &path,
        Some("kill-key"),
        body.clone(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["errcode"], 0);
    assert!(r.headers.get("idempotent-replayed").is_none());
    assert_eq!(
        double.count("externalcontact/remark"),
        2,
        "applied again after the lease"
    );
    let remark = double.follow_user_remark(WECHAT, "zhangsan").unwrap();
    assert_eq!(remark["remark"], "只写一次");
    assert_eq!(remark["remark_mobiles"], json!(["13800000001"]));
    // Now recorded: replayed, not applied a third time.
    let r = support::post_at(&http, &restarted.url, &token, &path, Some("kill-key"), body).await;
    assert_eq!(r.headers["idempotent-replayed"], "true");
    assert_eq!(double.count("externalcontact/remark"), 2);
    assert!(
        restarted.log().contains("took over an idempotency key"),
        "{}",
        restarted.log()
    );
}

/// No secret, access token, session token, session_key or phone number in
/// the logs, even at debug level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_hold_no_secret() {
    let double = Double::spawn(wecom_double::Config::demo(), Dataset::demo())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("wcc.db").display());
    let server = spawn_server(&server_vars(&double, &db), dir.path().join("s.log")).await;
    let http = reqwest::Client::new();
    let token = support::login_at(&http, &server.url, &double.issue_code("zhangsan")).await;
    let path = format!("/api/external-contacts/{WECHAT}/remark");
    let r = support::post_at(
        &http,
        &server.url,
        &token,
        &path,
        Some("log-key"),
        json!({"remark_mobiles": ["13812345678"]}).to_string(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A phone number in the path is masked too.
    let _ = support::get_at(
        &http,
        &server.url,
        &token,
        "/api/external-contacts/wm13812345678",
    )
    .await;
    let _ = support::get_at(&http, &server.url, &token, "/api/corp-tags").await;
    let _ = support::get_at(&http, &server.url, &token, "/api/members?userids=zhangsan").await;
    double.set_fault("externalcontact/get", wecom_double::Fault::Hang, Some(1));
    let _ = support::get_at(&http, &server.url, "wrong-token", "/api/corp-tags").await;
    // Access tokens as WeCom issued them, from the server's own table.
    let pool = sqlx::any::AnyPoolOptions::new();
    sqlx::any::install_default_drivers();
    let pool = pool.connect(&db).await.unwrap();
    let tokens: Vec<(Option<String>,)> = sqlx::query_as("SELECT token FROM access_tokens")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(tokens.len(), 2);
    let log = server.log();
    assert!(log.contains("request"), "logging works: {log}");
    assert!(
        log.contains("wcc-server listening listen=127.0.0.1:"),
        "plain text when not a terminal: {log}"
    );
    assert!(!log.contains('\u{1b}'), "no ANSI escapes in a file: {log}");
    for secret in [
        "agent-secret",
        "contact-secret",
        support::CALLBACK_AES_KEY,
        token.as_str(),
        "13812345678",
    ] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
    for (t,) in tokens {
        let t = t.unwrap();
        assert!(!log.contains(&t), "an access token in the log:\n{log}");
    }
    assert!(log.contains("138****78"), "masked: {log}");
}
