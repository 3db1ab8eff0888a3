//! `make bench-server`: a bounded local load on loopback.
//!
//! 1. Throughput and p50/p99 of `GET /api/external-contacts/{id}` through
//!    wcc-server (SQLite) against the same WeCom call made to the double
//!    directly, in one run, with the same concurrent clients; the server's
//!    added p99.
//! 2. `gettoken` calls per secret for 1,000 concurrent requests on a cold
//!    cache (must be exactly 1).
//!
//! Bounded: a fixed number of requests per scenario, loopback only.

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wcc_server::config::Config;
use wecom_double::{demo_ids::WECHAT, Dataset, Double};

const CLIENTS: usize = 32;
const REQUESTS: usize = 4000;
const WARMUP: usize = 200;

struct Stats {
    throughput: f64,
    p50: Duration,
    p99: Duration,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// `REQUESTS` GETs of `url` by `CLIENTS` concurrent clients.
async fn load(http: &reqwest::Client, url: &str, bearer: Option<&str>) -> Stats {
    let run = |n: usize| {
        let http = http.clone();
        let url = url.to_owned();
        let bearer = bearer.map(str::to_owned);
        async move {
            let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let started = Instant::now();
            let mut tasks = Vec::new();
            for _ in 0..CLIENTS {
                let (http, url, bearer, next) =
                    (http.clone(), url.clone(), bearer.clone(), next.clone());
                tasks.push(tokio::spawn(async move {
                    let mut times = Vec::new();
                    while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < n {
                        let t = Instant::now();
                        let mut req = http.get(&url);
                        if let Some(b) = &bearer {
                            req = req.bearer_auth(b);
                        }
                        let r = req.send().await.expect("loopback request");
                        assert_eq!(r.status(), 200);
                        let body = r.bytes().await.expect("body");
                        assert!(body.len() > 100);
                        times.push(t.elapsed());
                    }
                    times
                }));
            }
            let mut all = Vec::with_capacity(n);
            for t in tasks {
                all.extend(t.await.unwrap());
            }
            (started.elapsed(), all)
        }
    };
    run(WARMUP).await;
    let (elapsed, mut times) = run(REQUESTS).await;
    times.sort();
    Stats {
        throughput: REQUESTS as f64 / elapsed.as_secs_f64(),
        p50: percentile(&times, 0.50),
        p99: percentile(&times, 0.99),
    }
}

fn vars(db: &str, api: &str) -> std::collections::HashMap<String, String> {
    [
        ("WCC_LISTEN", "127.0.0.1:0"),
        ("WCC_DATABASE_URL", db),
        ("WECOM_CORP_ID", "wwdemo0123456789"),
        ("WECOM_AGENT_SECRET", "agent-secret"),
        ("WECOM_CONTACT_SECRET", "contact-secret"),
        ("WECOM_API_BASE", api),
        ("WCC_UPSTREAM_TIMEOUT_SECS", "30"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let double = Double::spawn(wecom_double::Config::demo(), Dataset::demo()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("bench.db").display());
        let srv = wcc_server::start(Config::from_vars(&vars(&db, &double.base_url())).unwrap()).await.unwrap();
        let http = reqwest::Client::builder().pool_max_idle_per_host(CLIENTS * 2).build().unwrap();

        let code = double.issue_code("zhangsan");
        let session: Value = http
            .post(format!("{}/api/session", srv.url()))
            .json(&json!({ "code": code }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let bearer = session["token"].as_str().unwrap().to_owned();
        let token: Value = http
            .get(format!("{}/cgi-bin/gettoken?corpid=wwdemo0123456789&corpsecret=contact-secret", double.base_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let access = token["access_token"].as_str().unwrap();

        let direct_url = format!("{}/cgi-bin/externalcontact/get?access_token={access}&external_userid={WECHAT}", double.base_url());
        let server_url = format!("{}/api/external-contacts/{WECHAT}", srv.url());
        let direct = load(&http, &direct_url, None).await;
        let through = load(&http, &server_url, Some(&bearer)).await;

        // Cold cache, 1,000 concurrent requests, a fresh database.
        let dir2 = tempfile::tempdir().unwrap();
        let db2 = format!("sqlite://{}", dir2.path().join("cold.db").display());
        let double2 = Double::spawn(wecom_double::Config::demo(), Dataset::demo()).await.unwrap();
        let cold = wcc_server::start(Config::from_vars(&vars(&db2, &double2.base_url())).unwrap()).await.unwrap();
        let code = double2.issue_code("zhangsan");
        let s: Value = http
            .post(format!("{}/api/session", cold.url()))
            .json(&json!({ "code": code }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let cold_bearer = s["token"].as_str().unwrap().to_owned();
        let mut tasks = Vec::new();
        for _ in 0..1000 {
            let http = http.clone();
            let url = format!("{}/api/external-contacts/{WECHAT}", cold.url());
            let b = cold_bearer.clone();
            tasks.push(tokio::spawn(async move { http.get(url).bearer_auth(b).send().await.map(|r| r.status().as_u16()) }));
        }
        let mut ok = 0;
        for t in tasks {
            if matches!(t.await.unwrap(), Ok(200)) {
                ok += 1;
            }
        }

        println!("wcc-server load bench ({CLIENTS} concurrent clients, {REQUESTS} requests each way, loopback, SQLite)");
        println!();
        println!("| path | throughput | p50 | p99 |");
        println!("|---|---|---|---|");
        println!("| double directly (externalcontact/get) | {:.0} req/s | {} | {} |", direct.throughput, ms(direct.p50), ms(direct.p99));
        println!("| through wcc-server (GET /api/external-contacts/…) | {:.0} req/s | {} | {} |", through.throughput, ms(through.p50), ms(through.p99));
        println!();
        println!("throughput ratio (server / direct): {:.2}", through.throughput / direct.throughput);
        println!("p50 ratio: {:.2}; p99 ratio: {:.2}", through.p50.as_secs_f64() / direct.p50.as_secs_f64(), through.p99.as_secs_f64() / direct.p99.as_secs_f64());
        println!("added p99: {}", ms(through.p99.saturating_sub(direct.p99)));
        println!();
        println!(
            "cold cache, 1000 concurrent requests: {ok} answered 200; gettoken calls: contact-secret {}, agent-secret {} (the login)",
            double2.gettoken_count("contact-secret"),
            double2.gettoken_count("agent-secret")
        );
        assert_eq!(double2.gettoken_count("contact-secret"), 1, "single-flight");
        assert_eq!(ok, 1000);
        cold.stop().await;
        srv.stop().await;
    });
}
