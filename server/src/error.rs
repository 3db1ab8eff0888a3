//! Typed answers for everything that is not WeCom's own JSON.
//!
//! Every body is `{errcode, errmsg, error}`: `error` is a stable code,
//! `errcode` is WeCom's code when WeCom gave one (45009 stays 45009) and the
//! HTTP status otherwise, so it never collides with a WeCom code.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use wecom_contact_core::rules::RuleViolation;

/// What went wrong calling WeCom.
#[derive(Debug)]
pub enum Upstream {
    /// No connection, or the connection broke.
    Unreachable,
    /// WeCom did not answer within the timeout.
    Timeout,
    /// 45009 / 45033: call frequency or concurrency limit.
    RateLimited { errcode: i64, errmsg: String },
    /// -1: system busy.
    Busy { errmsg: String },
    /// An HTTP status other than 200.
    Status(u16),
    /// Not a JSON object.
    Garbage,
    /// gettoken refused the secret (40001, 40013…): the server is
    /// misconfigured. `variable` names the secret, never its value.
    Credentials {
        variable: &'static str,
        errcode: i64,
        errmsg: String,
    },
    /// A fresh token was refused again (40014/42001 after one refresh).
    TokenRejected { errcode: i64, errmsg: String },
}

#[derive(Debug)]
pub enum ApiError {
    /// 400 with a stable code.
    BadRequest {
        error: &'static str,
        message: String,
    },
    /// 400: the core's rules refuse the write.
    Rules(Vec<RuleViolation>),
    Unauthorized,
    NotFound,
    TooLarge {
        limit: usize,
    },
    /// 422: the key was used with another body or path.
    KeyReused,
    /// 503: the first request with this key is still running.
    KeyInProgress {
        retry_after: u64,
    },
    Upstream(Upstream),
    Database,
    /// 403 from the callback endpoint (signature, timestamp, receive id).
    CallbackRefused {
        error: &'static str,
    },
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        tracing::warn!(error = %crate::log_safe_db_error(&e), "database unavailable");
        ApiError::Database
    }
}

impl From<Upstream> for ApiError {
    fn from(u: Upstream) -> Self {
        ApiError::Upstream(u)
    }
}

fn body(
    status: StatusCode,
    errcode: i64,
    error: &str,
    errmsg: String,
    extra: Option<(&str, Value)>,
) -> Response {
    let mut v = json!({"errcode": errcode, "errmsg": errmsg, "error": error});
    if let Some((k, x)) = extra {
        v[k] = x;
    }
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn retry_after(mut r: Response, secs: u64) -> Response {
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    r
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        use StatusCode as S;
        match self {
            ApiError::BadRequest { error, message } => body(S::BAD_REQUEST, 400, error, message, None),
            ApiError::Rules(v) => {
                let first = v.first().map(|x| x.message.en.clone()).unwrap_or_default();
                body(
                    S::BAD_REQUEST,
                    400,
                    "rule_violation",
                    format!("refused before calling WeCom: {first}"),
                    Some(("violations", serde_json::to_value(&v).unwrap_or(Value::Null))),
                )
            }
            ApiError::Unauthorized => {
                let mut r = body(
                    S::UNAUTHORIZED,
                    401,
                    "unauthorized",
                    "missing, unknown or expired session token; log in again".into(),
                    None,
                );
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                r
            }
            ApiError::NotFound => body(S::NOT_FOUND, 404, "not_found", "no such endpoint".into(), None),
            ApiError::TooLarge { limit } => body(
                S::PAYLOAD_TOO_LARGE,
                413,
                "body_too_large",
                format!("the body is larger than {limit} bytes"),
                None,
            ),
            ApiError::KeyReused => body(
                S::UNPROCESSABLE_ENTITY,
                422,
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request (another body or path); use a new key for a new change".into(),
                None,
            ),
            // 503, not 409: the client keeps the write and retries, as
            // for any busy server (a 4xx would read as a refusal).
            ApiError::KeyInProgress { retry_after: secs } => retry_after(
                body(
                    S::SERVICE_UNAVAILABLE,
                    503,
                    "idempotency_key_in_progress",
                    "a request with this Idempotency-Key is still being processed; retry later".into(),
                    None,
                ),
                secs,
            ),
            ApiError::Database => retry_after(
                body(
                    S::SERVICE_UNAVAILABLE,
                    503,
                    "database_unavailable",
                    "the server's database is unavailable; nothing was changed; retry later".into(),
                    None,
                ),
                2,
            ),
            ApiError::CallbackRefused { error } => (S::FORBIDDEN, error).into_response(),
            ApiError::Upstream(u) => match u {
                Upstream::Unreachable => retry_after(
                    body(S::SERVICE_UNAVAILABLE, 503, "wecom_unreachable", "WeCom cannot be reached; retry later".into(), None),
                    5,
                ),
                Upstream::Timeout => retry_after(
                    body(S::SERVICE_UNAVAILABLE, 503, "wecom_timeout", "WeCom did not answer in time; retry later".into(), None),
                    5,
                ),
                Upstream::RateLimited { errcode, errmsg } => retry_after(
                    body(S::SERVICE_UNAVAILABLE, errcode, "wecom_rate_limited", errmsg, None),
                    10,
                ),
                Upstream::Busy { errmsg } => retry_after(
                    body(S::SERVICE_UNAVAILABLE, -1, "wecom_busy", errmsg, None),
                    2,
                ),
                Upstream::Status(s) if s >= 500 => retry_after(
                    body(S::SERVICE_UNAVAILABLE, 503, "wecom_unavailable", format!("WeCom answered HTTP {s}; retry later"), None),
                    5,
                ),
                Upstream::Status(s) => body(S::BAD_GATEWAY, 502, "wecom_bad_answer", format!("WeCom answered HTTP {s}"), None),
                Upstream::Garbage => body(S::BAD_GATEWAY, 502, "wecom_bad_answer", "WeCom's answer is not JSON".into(), None),
                Upstream::Credentials { variable, errcode, errmsg } => body(
                    S::BAD_GATEWAY,
                    errcode,
                    "server_misconfigured",
                    format!("WeCom refused {variable} ({errcode} {errmsg}); the server's administrator must fix it"),
                    None,
                ),
                Upstream::TokenRejected { errcode, errmsg } => body(S::BAD_GATEWAY, errcode, "wecom_token_rejected", errmsg, None),
            },
        }
    }
}
