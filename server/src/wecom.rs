//! WeCom's server API: access tokens per secret (cached in the database,
//! single-flight across instances through a lease row) and typed calls.

use crate::config::{Config, Secret};
use crate::db::{now, now_ms, Db};
use crate::error::Upstream;
use bytes::Bytes;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
// Which errcodes mean "refresh the token" and "back off" is the core's
// errcode table, which also gives the client their words.
use wecom_contact_core::wecom::errcodes::{RATE_LIMITED, TOKEN_REJECTED};

/// Which secret a call uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Secretly {
    /// WECOM_AGENT_SECRET: jscode2session, user/get.
    Agent,
    /// WECOM_CONTACT_SECRET (or the agent secret): externalcontact/*.
    Contact,
}

impl Secretly {
    fn variable(self, same: bool) -> &'static str {
        match self {
            Secretly::Agent => "WECOM_AGENT_SECRET",
            Secretly::Contact if same => "WECOM_AGENT_SECRET (used as WECOM_CONTACT_SECRET)",
            Secretly::Contact => "WECOM_CONTACT_SECRET",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Method {
    Get,
    Post,
}

/// What a call sends: JSON, or a `multipart/form-data` body (`media/upload`).
#[derive(Clone, Debug)]
pub enum Payload<'a> {
    Json(&'a Value),
    Form { content_type: String, bytes: Bytes },
}

struct SecretSlot {
    secret: Secret,
    /// SHA-256 of corp id and secret: names the row, reveals nothing.
    id: String,
    /// In-process copy of the database row: (token, expires_at, fetched_at).
    cached: Mutex<Option<(String, i64, i64)>>,
    /// Lets one task of this process at a time go to the database lease.
    local: tokio::sync::Mutex<()>,
}

pub struct WeCom {
    http: reqwest::Client,
    base: String,
    corp_id: String,
    db: Db,
    instance: String,
    slots: HashMap<Secretly, SecretSlot>,
    same_secret: bool,
    timeout: Duration,
    /// At most this many WeCom calls of this process at once: a burst of
    /// requests queues here instead of opening a connection each (and
    /// meeting WeCom's 45033 concurrency limit).
    in_flight: tokio::sync::Semaphore,
}

/// WeCom calls in flight per process.
pub const MAX_IN_FLIGHT: usize = 64;

/// A WeCom answer: the raw body (passed through unchanged) and its parse.
pub struct Answer {
    pub raw: Bytes,
    pub json: Value,
}

impl Answer {
    pub fn errcode(&self) -> i64 {
        errcode(&self.json)
    }
    pub fn errmsg(&self) -> String {
        self.json
            .get("errmsg")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    }
}

/// WeCom's `errcode` (sometimes a string); a missing one is 0, an
/// unreadable one -1 (the core's lenient reader).
pub fn errcode(v: &Value) -> i64 {
    wecom_contact_core::wecom::lenient::errcode(v)
}

impl WeCom {
    pub fn new(cfg: &Config, db: Db, instance: String) -> WeCom {
        let http = reqwest::Client::builder()
            .timeout(cfg.upstream_timeout)
            .connect_timeout(cfg.upstream_timeout)
            .pool_max_idle_per_host(64)
            .build()
            .expect("the HTTP client builds");
        let slot = |secret: &Secret| SecretSlot {
            secret: secret.clone(),
            id: hex::encode(Sha256::digest(
                format!("{}\n{}", cfg.corp_id.as_str(), secret.expose()).as_bytes(),
            )),
            cached: Mutex::new(None),
            local: tokio::sync::Mutex::new(()),
        };
        let mut slots = HashMap::new();
        slots.insert(Secretly::Agent, slot(&cfg.agent_secret));
        slots.insert(Secretly::Contact, slot(&cfg.contact_secret));
        WeCom {
            http,
            base: cfg.api_base.clone(),
            corp_id: cfg.corp_id.as_str().to_owned(),
            db,
            instance,
            slots,
            same_secret: cfg.agent_secret == cfg.contact_secret,
            timeout: cfg.upstream_timeout,
            in_flight: tokio::sync::Semaphore::new(MAX_IN_FLIGHT),
        }
    }

    fn slot(&self, which: Secretly) -> &SecretSlot {
        // Both secrets the same: one token, one row, one gettoken.
        let which = if self.same_secret {
            Secretly::Agent
        } else {
            which
        };
        &self.slots[&which]
    }

    async fn send(
        &self,
        method: Method,
        api: &str,
        query: &[(&str, &str)],
        body: Option<Payload<'_>>,
    ) -> Result<Answer, Upstream> {
        let url = format!("{}/cgi-bin/{api}", self.base);
        let req = match method {
            Method::Get => self.http.get(&url),
            Method::Post => self.http.post(&url),
        };
        let req = req.query(query);
        let req = match body {
            Some(Payload::Json(b)) => req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_string()),
            Some(Payload::Form {
                content_type,
                bytes,
            }) => req
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(bytes),
            None => req,
        };
        let _permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|_| Upstream::Unreachable)?;
        let started = std::time::Instant::now();
        let resp = req.send().await.map_err(|e| classify(api, e))?;
        let status = resp.status().as_u16();
        let raw = resp.bytes().await.map_err(|e| classify(api, e))?;
        tracing::debug!(
            api,
            status,
            ms = started.elapsed().as_millis() as u64,
            "wecom call"
        );
        if status != 200 {
            tracing::warn!(api, status, "WeCom answered a non-200 status");
            return Err(Upstream::Status(status));
        }
        match serde_json::from_slice::<Value>(&raw) {
            Ok(json @ Value::Object(_)) => Ok(Answer { raw, json }),
            _ => {
                tracing::warn!(
                    api,
                    bytes = raw.len(),
                    "WeCom answered something that is not a JSON object"
                );
                Err(Upstream::Garbage)
            }
        }
    }

    /// A valid access token for the secret. `stale` is a token WeCom
    /// refused in a call sent at the given time (unix ms): a new one is fetched unless
    /// someone fetched one since (WeCom may hand out the same string again).
    pub async fn token(
        &self,
        which: Secretly,
        stale: Option<(&str, i64)>,
    ) -> Result<String, crate::error::ApiError> {
        let slot = self.slot(which);
        let (stale_token, stale_since) = stale.unwrap_or(("", 0));
        let usable = |token: &str, exp: i64, fetched: i64| {
            exp > now() && (token != stale_token || fetched >= stale_since)
        };
        let fresh = |c: &Option<(String, i64, i64)>| match c {
            Some((t, exp, f)) if usable(t, *exp, *f) => Some(t.clone()),
            _ => None,
        };
        if let Some(t) = fresh(&slot.cached.lock().unwrap()) {
            return Ok(t);
        }
        // One task of this process at a time goes to the database.
        let _one_task = slot.local.lock().await;
        if let Some(t) = fresh(&slot.cached.lock().unwrap()) {
            return Ok(t);
        }
        let deadline = tokio::time::Instant::now() + self.timeout + Duration::from_secs(5);
        let lease_secs = self.timeout.as_secs() as i64 + 5;
        loop {
            let row: Option<(Option<String>, i64, i64)> = sqlx::query_as(
                "SELECT token, expires_at, fetched_at FROM access_tokens WHERE secret_id = $1",
            )
            .bind(&slot.id)
            .fetch_optional(&self.db.pool)
            .await?;
            if let Some((Some(token), exp, fetched)) = &row {
                if usable(token, *exp, *fetched) {
                    *slot.cached.lock().unwrap() = Some((token.clone(), *exp, *fetched));
                    return Ok(token.clone());
                }
            }
            // The lease: only one request, of any instance, wins this.
            let t = now();
            let got = sqlx::query(
                "INSERT INTO access_tokens (secret_id, token, expires_at, lease_owner, lease_until, fetched_at) \
                 VALUES ($1, NULL, 0, $2, $3, 0) \
                 ON CONFLICT (secret_id) DO UPDATE SET lease_owner = $2, lease_until = $3 \
                 WHERE access_tokens.lease_until < $4 \
                   AND (access_tokens.token IS NULL OR access_tokens.expires_at <= $4 \
                        OR (access_tokens.token = $5 AND access_tokens.fetched_at < $6))",
            )
            .bind(&slot.id)
            .bind(&self.instance)
            .bind(t + lease_secs)
            .bind(t)
            .bind(stale_token)
            .bind(stale_since)
            .execute(&self.db.pool)
            .await?
            .rows_affected()
                == 1;
            if got {
                return match self.gettoken(which, slot).await {
                    Ok((token, exp)) => {
                        let fetched = now_ms();
                        sqlx::query(
                            "UPDATE access_tokens SET token = $1, expires_at = $2, lease_owner = NULL, \
                             lease_until = 0, fetched_at = $3 WHERE secret_id = $4 AND lease_owner = $5",
                        )
                        .bind(&token)
                        .bind(exp)
                        .bind(fetched)
                        .bind(&slot.id)
                        .bind(&self.instance)
                        .execute(&self.db.pool)
                        .await?;
                        *slot.cached.lock().unwrap() = Some((token.clone(), exp, fetched));
                        Ok(token)
                    }
                    Err(e) => {
                        let _ = sqlx::query(
                            "UPDATE access_tokens SET lease_owner = NULL, lease_until = 0 \
                             WHERE secret_id = $1 AND lease_owner = $2",
                        )
                        .bind(&slot.id)
                        .bind(&self.instance)
                        .execute(&self.db.pool)
                        .await;
                        Err(e.into())
                    }
                };
            }
            if tokio::time::Instant::now() > deadline {
                return Err(Upstream::Timeout.into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn gettoken(
        &self,
        which: Secretly,
        slot: &SecretSlot,
    ) -> Result<(String, i64), Upstream> {
        let a = self
            .send(
                Method::Get,
                "gettoken",
                &[
                    ("corpid", &self.corp_id),
                    ("corpsecret", slot.secret.expose()),
                ],
                None,
            )
            .await?;
        let code = a.errcode();
        if RATE_LIMITED.contains(&code) {
            return Err(Upstream::RateLimited {
                errcode: code,
                errmsg: a.errmsg(),
            });
        }
        if code == -1 {
            return Err(Upstream::Busy { errmsg: a.errmsg() });
        }
        let token = a
            .json
            .get("access_token")
            .and_then(Value::as_str)
            .unwrap_or("");
        if code != 0 || token.is_empty() {
            tracing::error!(
                errcode = code,
                secret = which.variable(self.same_secret),
                "gettoken refused the secret"
            );
            return Err(Upstream::Credentials {
                variable: which.variable(self.same_secret),
                errcode: code,
                errmsg: a.errmsg(),
            });
        }
        let expires_in = a
            .json
            .get("expires_in")
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(7200)
            .max(1);
        // Refresh before it expires: a fifth of its life early, at most 5 min.
        let margin = (expires_in / 5).min(300);
        Ok((token.to_owned(), now() + expires_in - margin))
    }

    /// Calls `api` with the secret's token; on 40014/42001 the token is
    /// refreshed once and the call retried. Business errcodes come back in
    /// the answer; rate limits, busy and transport faults are errors.
    pub async fn call(
        &self,
        which: Secretly,
        method: Method,
        api: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Answer, crate::error::ApiError> {
        self.call_with(which, method, api, query, body.map(Payload::Json))
            .await
    }

    /// [`WeCom::call`] with any payload (a form for `media/upload`).
    pub async fn call_with(
        &self,
        which: Secretly,
        method: Method,
        api: &str,
        query: &[(&str, &str)],
        body: Option<Payload<'_>>,
    ) -> Result<Answer, crate::error::ApiError> {
        let mut token = self.token(which, None).await?;
        for attempt in 0..2 {
            let sent_at = now_ms();
            let mut q: Vec<(&str, &str)> = vec![("access_token", token.as_str())];
            q.extend_from_slice(query);
            let a = self.send(method, api, &q, body.clone()).await?;
            let code = a.errcode();
            if TOKEN_REJECTED.contains(&code) {
                if attempt == 0 {
                    tracing::info!(api, errcode = code, "access token refused; refreshing once");
                    token = self.token(which, Some((&token, sent_at))).await?;
                    continue;
                }
                return Err(Upstream::TokenRejected {
                    errcode: code,
                    errmsg: a.errmsg(),
                }
                .into());
            }
            if RATE_LIMITED.contains(&code) {
                return Err(Upstream::RateLimited {
                    errcode: code,
                    errmsg: a.errmsg(),
                }
                .into());
            }
            if code == -1 {
                return Err(Upstream::Busy { errmsg: a.errmsg() }.into());
            }
            return Ok(a);
        }
        unreachable!("the loop returns")
    }
}

/// A transport error, without its URL (the URL holds the access token or
/// the secret).
fn classify(api: &str, e: reqwest::Error) -> Upstream {
    let timeout = e.is_timeout();
    let e = e.without_url();
    tracing::warn!(api, timeout, error = %e, "WeCom unreachable");
    if timeout {
        Upstream::Timeout
    } else {
        Upstream::Unreachable
    }
}
