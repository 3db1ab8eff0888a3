//! Shared set-up: a WeCom double, a real database (a SQLite file in a temp
//! dir, or a fresh database in the PostgreSQL cluster named by
//! WCC_TEST_POSTGRES_URL), a wcc-server on 127.0.0.1:0 and a real client.
#![allow(dead_code)]

use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use sqlx::{Connection, Executor};
use std::collections::HashMap;
use std::time::Duration;
use wcc_server::config::Config;
use wcc_server::Running;
use wecom_double::{Dataset, Double};

#[allow(unused_imports)]
pub use wecom_double::demo_ids;

pub const CORP: &str = "wwdemo0123456789";
pub const CALLBACK_TOKEN: &str = "QDG6eK";
pub const CALLBACK_AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// The PostgreSQL cluster of the tests, or None (with a printed line) when
/// WCC_TEST_POSTGRES_URL is unset. `make test-server` sets it, so there a
/// missing cluster fails the tests instead of skipping them.
pub fn postgres_url() -> Option<String> {
    match std::env::var("WCC_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            eprintln!("skipping the PostgreSQL variant: WCC_TEST_POSTGRES_URL is not set (make test-server sets it)");
            None
        }
    }
}

fn random_hex(n: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// A fresh, empty database.
pub async fn fresh_database(kind: Kind, dir: &tempfile::TempDir) -> String {
    match kind {
        Kind::Sqlite => format!("sqlite://{}", dir.path().join("wcc.db").display()),
        Kind::Postgres => {
            let base = std::env::var("WCC_TEST_POSTGRES_URL").expect("WCC_TEST_POSTGRES_URL");
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&base)
                .await
                .unwrap_or_else(|e| {
                    panic!("PostgreSQL at WCC_TEST_POSTGRES_URL is unreachable: {e}")
                });
            let name = format!("wcc_t_{}", random_hex(8));
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("CREATE DATABASE");
            let _ = conn.close().await;
            let cut = base.rfind('/').expect("a database in the URL");
            format!("{}/{name}", &base[..cut])
        }
    }
}

pub fn vars(db_url: &str, api_base: &str) -> HashMap<String, String> {
    [
        ("WCC_LISTEN", "127.0.0.1:0"),
        ("WCC_DATABASE_URL", db_url),
        ("WECOM_CORP_ID", CORP),
        ("WECOM_AGENT_SECRET", "agent-secret"),
        ("WECOM_CONTACT_SECRET", "contact-secret"),
        ("WECOM_CALLBACK_TOKEN", CALLBACK_TOKEN),
        ("WECOM_CALLBACK_AES_KEY", CALLBACK_AES_KEY),
        ("WECOM_API_BASE", api_base),
        ("WCC_UPSTREAM_TIMEOUT_SECS", "2"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

pub struct Env {
    pub kind: Kind,
    pub double: Double,
    pub srv: Running,
    pub http: reqwest::Client,
    pub dir: tempfile::TempDir,
    pub db_url: String,
    pub vars: HashMap<String, String>,
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("not JSON: {}", self.text))
    }
}

impl Env {
    pub async fn new(kind: Kind) -> Env {
        Env::with(kind, wecom_double::Config::demo(), |_| {}).await
    }

    pub async fn with(
        kind: Kind,
        double_cfg: wecom_double::Config,
        tweak: impl FnOnce(&mut HashMap<String, String>),
    ) -> Env {
        Env::with_data(kind, double_cfg, Dataset::demo(), tweak).await
    }

    /// As `with`, on another dataset.
    pub async fn with_data(
        kind: Kind,
        double_cfg: wecom_double::Config,
        data: Dataset,
        tweak: impl FnOnce(&mut HashMap<String, String>),
    ) -> Env {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let double = Double::spawn(double_cfg, data)
            .await
            .expect("the double starts");
        let dir = tempfile::tempdir().unwrap();
        let db_url = fresh_database(kind, &dir).await;
        let mut vars = vars(&db_url, &double.base_url());
        tweak(&mut vars);
        let cfg = Config::from_vars(&vars).expect("test config");
        let srv = wcc_server::start(cfg).await.expect("the server starts");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .pool_max_idle_per_host(2000)
            .build()
            .unwrap();
        Env {
            kind,
            double,
            srv,
            http,
            dir,
            db_url,
            vars,
        }
    }

    /// Another server instance on the same database and double.
    pub async fn another(&self) -> Running {
        self.another_with(|_| {}).await
    }

    pub async fn another_with(&self, tweak: impl FnOnce(&mut HashMap<String, String>)) -> Running {
        let mut vars = self.vars.clone();
        tweak(&mut vars);
        wcc_server::start(Config::from_vars(&vars).unwrap())
            .await
            .expect("another instance")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.srv.url())
    }

    pub async fn login(&self, userid: &str) -> String {
        login_at(&self.http, &self.srv.url(), &self.double.issue_code(userid)).await
    }

    pub async fn get(&self, token: &str, path: &str) -> Reply {
        get_at(&self.http, &self.srv.url(), token, path).await
    }

    pub async fn post(&self, token: &str, path: &str, key: Option<&str>, body: &Value) -> Reply {
        post_at(
            &self.http,
            &self.srv.url(),
            token,
            path,
            key,
            body.to_string(),
        )
        .await
    }

    pub async fn post_raw(
        &self,
        token: &str,
        path: &str,
        key: Option<&str>,
        body: String,
    ) -> Reply {
        post_at(&self.http, &self.srv.url(), token, path, key, body).await
    }

    pub async fn count_rows(&self, table: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.srv.state.db.pool)
            .await
            .unwrap();
        n
    }
}

async fn reply(r: reqwest::Response) -> Reply {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    Reply {
        status,
        headers,
        text,
    }
}

pub async fn login_at(http: &reqwest::Client, base: &str, code: &str) -> String {
    let r = http
        .post(format!("{base}/api/session"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    let r = reply(r).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["token"].as_str().unwrap().to_owned()
}

pub async fn get_at(http: &reqwest::Client, base: &str, token: &str, path: &str) -> Reply {
    let r = http
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    reply(r).await
}

pub async fn post_at(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    key: Option<&str>,
    body: String,
) -> Reply {
    let mut req = http
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    reply(req.send().await.unwrap()).await
}

/// Runs each case on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::support::Kind::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    if super::support::postgres_url().is_some() {
                        super::$case(super::support::Kind::Postgres).await
                    }
                }
            )*
        }
    };
}
