//! `Idempotency-Key` records, in the database.
//!
//! A write first claims its key (an INSERT that only one request can win).
//! The winner calls WeCom and stores the answer; a repeat returns that
//! answer. A request that finds the key claimed but not answered waits for
//! the answer; when the claim's lease has run out (its server died), the
//! request takes the claim over and calls WeCom itself.

use crate::db::{now, Db};
use crate::error::ApiError;
use std::time::Duration;

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 200;

/// Checks a key: 1–200 characters of `A-Z a-z 0-9 - _ . :`. Anything else
/// (spaces, quotes, CR/LF, percent signs, non-ASCII) is refused.
pub fn check_key(raw: Option<&axum::http::HeaderValue>) -> Result<String, ApiError> {
    let bad = |m: &str| ApiError::BadRequest {
        error: "bad_idempotency_key",
        message: m.to_owned(),
    };
    let v = raw.ok_or_else(|| bad("the Idempotency-Key header is required on writes"))?;
    let s = std::str::from_utf8(v.as_bytes()).map_err(|_| bad("Idempotency-Key must be ASCII"))?;
    if s.is_empty() || s.len() > MAX_KEY_LEN {
        return Err(bad("Idempotency-Key must be 1 to 200 characters long"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        return Err(bad(
            "Idempotency-Key may only hold letters, digits, '-', '_', '.' and ':'",
        ));
    }
    Ok(s.to_owned())
}

/// method, path, body_hash, state, lease_until, status, answer
type Record = (
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
);

pub struct Request<'a> {
    pub userid_key: &'a str,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub body_hash: &'a str,
}

pub enum Claim {
    /// This request owns the key: call WeCom, then [`complete`] or [`release`].
    Owned,
    /// Answered before: this status and body.
    Replay { status: u16, answer: String },
}

pub struct Store<'a> {
    pub db: &'a Db,
    pub instance: &'a str,
    pub ttl: Duration,
    pub lease: Duration,
}

impl Store<'_> {
    pub async fn claim(&self, r: &Request<'_>) -> Result<Claim, ApiError> {
        // Wait for the first request's answer, or for its lease to run out
        // (lease times have a resolution of one second).
        let wait_until = tokio::time::Instant::now()
            + (self.lease + Duration::from_secs(1)).min(Duration::from_secs(15));
        loop {
            let t = now();
            // An expired record is as good as none.
            sqlx::query(
                "DELETE FROM idempotency WHERE userid = $1 AND idem_key = $2 AND expires_at < $3",
            )
            .bind(r.userid_key)
            .bind(r.key)
            .bind(t)
            .execute(&self.db.pool)
            .await?;
            let inserted = sqlx::query(
                "INSERT INTO idempotency (userid, idem_key, method, path, body_hash, state, owner, lease_until, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9) ON CONFLICT (userid, idem_key) DO NOTHING",
            )
            .bind(r.userid_key)
            .bind(r.key)
            .bind(r.method)
            .bind(r.path)
            .bind(r.body_hash)
            .bind(self.instance)
            .bind(t + self.lease.as_secs() as i64)
            .bind(t)
            .bind(t + self.ttl.as_secs() as i64)
            .execute(&self.db.pool)
            .await?
            .rows_affected();
            if inserted == 1 {
                return Ok(Claim::Owned);
            }
            let row: Option<Record> = sqlx::query_as(
                "SELECT method, path, body_hash, state, lease_until, status, answer FROM idempotency WHERE userid = $1 AND idem_key = $2",
            )
            .bind(r.userid_key)
            .bind(r.key)
            .fetch_optional(&self.db.pool)
            .await?;
            let Some((method, path, hash, state, lease_until, status, answer)) = row else {
                continue; // released or expired meanwhile: claim again
            };
            if method != r.method || path != r.path || hash != r.body_hash {
                return Err(ApiError::KeyReused);
            }
            if state == "done" {
                return Ok(Claim::Replay {
                    status: status.unwrap_or(200) as u16,
                    answer: answer.unwrap_or_default(),
                });
            }
            if lease_until < now() {
                let taken = sqlx::query(
                    "UPDATE idempotency SET owner = $1, lease_until = $2 \
                     WHERE userid = $3 AND idem_key = $4 AND state = 'pending' AND lease_until < $5",
                )
                .bind(self.instance)
                .bind(now() + self.lease.as_secs() as i64)
                .bind(r.userid_key)
                .bind(r.key)
                .bind(now())
                .execute(&self.db.pool)
                .await?
                .rows_affected();
                if taken == 1 {
                    tracing::warn!(
                        "took over an idempotency key whose first request never finished"
                    );
                    return Ok(Claim::Owned);
                }
                continue;
            }
            if tokio::time::Instant::now() > wait_until {
                return Err(ApiError::KeyInProgress {
                    retry_after: (lease_until - now()).clamp(1, 60) as u64,
                });
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Stores the answer of an owned key.
    pub async fn complete(
        &self,
        r: &Request<'_>,
        status: u16,
        answer: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE idempotency SET state = 'done', status = $1, answer = $2 \
             WHERE userid = $3 AND idem_key = $4 AND owner = $5 AND state = 'pending'",
        )
        .bind(status as i64)
        .bind(answer)
        .bind(r.userid_key)
        .bind(r.key)
        .bind(self.instance)
        .execute(&self.db.pool)
        .await?;
        Ok(())
    }

    /// Gives an owned key up (WeCom was not reached, or answered nothing
    /// usable): a retry with the key calls WeCom again.
    pub async fn release(&self, r: &Request<'_>) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM idempotency WHERE userid = $1 AND idem_key = $2 AND owner = $3 AND state = 'pending'")
            .bind(r.userid_key)
            .bind(r.key)
            .bind(self.instance)
            .execute(&self.db.pool)
            .await?;
        Ok(())
    }
}
