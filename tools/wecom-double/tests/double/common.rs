//! Shared helpers: a real HTTP client over loopback.
#![allow(dead_code)]

use serde_json::Value;
use wecom_double::{Config, Dataset, Double};

pub async fn demo() -> Double {
    Double::spawn(Config::demo(), Dataset::demo())
        .await
        .expect("the double starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client")
}

/// GET `base + path`; the status and the body as JSON (Null when it is not JSON).
pub async fn get(d: &Double, path: &str) -> (u16, Value) {
    let r = client()
        .get(format!("{}{}", d.base_url(), path))
        .send()
        .await
        .expect("the request completes");
    let status = r.status().as_u16();
    let text = r.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// POST a raw body.
pub async fn post_raw(d: &Double, path: &str, body: &str) -> (u16, Value) {
    let r = client()
        .post(format!("{}{}", d.base_url(), path))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the request completes");
    let status = r.status().as_u16();
    let text = r.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub async fn post(d: &Double, path: &str, body: &Value) -> (u16, Value) {
    post_raw(d, path, &body.to_string()).await
}

pub async fn token(d: &Double, secret: &str) -> String {
    let (status, v) = get(
        d,
        &format!("/cgi-bin/gettoken?corpid=wwdemo0123456789&corpsecret={secret}"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["errcode"], 0, "{v}");
    v["access_token"].as_str().expect("a token").to_string()
}

/// The errcode of an answer (panics if there is none).
pub fn errcode(v: &Value) -> i64 {
    v["errcode"]
        .as_i64()
        .unwrap_or_else(|| panic!("no errcode in {v}"))
}

/// POST to an API with the token of `secret`.
pub async fn call(d: &Double, secret: &str, api: &str, body: &Value) -> Value {
    let t = token(d, secret).await;
    let (status, v) = post(d, &format!("/cgi-bin/{api}?access_token={t}"), body).await;
    assert_eq!(status, 200, "{v}");
    v
}
