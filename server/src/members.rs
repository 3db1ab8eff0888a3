//! Member display names: `user/get` with the agent secret, cached in the
//! database.

use crate::db::now;
use crate::error::ApiError;
use crate::wecom::{Method, Secretly};
use crate::AppState;
use serde_json::{json, Value};
use wecom_contact_core::wecom::ids::UserId;

/// At most this many userids per request.
pub const MAX_PER_REQUEST: usize = 100;

/// What WeCom said about one member.
#[derive(Debug, Clone, PartialEq)]
struct Known {
    name: Option<String>,
    known: bool,
    /// Why there is no name: `no_name` (WeCom returned none), `not_found`
    /// (60111), `not_visible` (60011: outside the app's visible range).
    reason: Option<String>,
}

fn entry(userid: &UserId, k: &Known) -> Value {
    json!({"userid": userid.as_str(), "name": k.name, "known": k.known, "reason": k.reason})
}

async fn lookup(state: &AppState, userid: &UserId) -> Result<Known, ApiError> {
    let a = state
        .wecom
        .call(
            Secretly::Agent,
            Method::Get,
            "user/get",
            &[("userid", userid.as_str())],
            None,
        )
        .await?;
    let known = match a.errcode() {
        0 => {
            let name = a
                .json
                .get("name")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned);
            let reason = name.is_none().then(|| "no_name".to_owned());
            Known {
                name,
                known: true,
                reason,
            }
        }
        60111 | 46004 => Known {
            name: None,
            known: false,
            reason: Some("not_found".into()),
        },
        60011 => Known {
            name: None,
            known: false,
            reason: Some("not_visible".into()),
        },
        code => {
            // Not cached: another errcode may be passing.
            return Ok(Known {
                name: None,
                known: false,
                reason: Some(format!("errcode_{code}")),
            });
        }
    };
    sqlx::query(
        "INSERT INTO member_names (userid_key, userid, name, known, reason, fetched_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (userid_key) DO UPDATE SET userid = $2, name = $3, known = $4, reason = $5, fetched_at = $6",
    )
    .bind(userid.key())
    .bind(userid.as_str())
    .bind(known.name.clone().unwrap_or_default())
    .bind(known.known as i64)
    .bind(known.reason.clone().unwrap_or_default())
    .bind(now())
    .execute(&state.db.pool)
    .await?;
    Ok(known)
}

async fn cached(state: &AppState, userid: &UserId) -> Result<Option<Known>, ApiError> {
    let row: Option<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT name, known, reason, fetched_at FROM member_names WHERE userid_key = $1",
    )
    .bind(userid.key())
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(row.and_then(|(name, known, reason, fetched_at)| {
        (fetched_at + state.cfg.member_cache_ttl.as_secs() as i64 > now()).then(|| Known {
            name: Some(name).filter(|n| !n.is_empty()),
            known: known != 0,
            reason: Some(reason).filter(|r| !r.is_empty()),
        })
    }))
}

/// `{userid, name, known, reason}` for each member, in the order asked.
pub async fn names(state: &AppState, ids: &[UserId]) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match cached(state, id).await? {
            Some(k) => out.push(Some(entry(id, &k))),
            None => {
                out.push(None);
                missing.push(i);
            }
        }
    }
    // Up to 8 lookups at a time.
    for chunk in missing.chunks(8) {
        let found = futures_join(state, ids, chunk).await;
        for (i, r) in chunk.iter().zip(found) {
            out[*i] = Some(entry(&ids[*i], &r?));
        }
    }
    Ok(out.into_iter().flatten().collect())
}

async fn futures_join(
    state: &AppState,
    ids: &[UserId],
    chunk: &[usize],
) -> Vec<Result<Known, ApiError>> {
    futures::future::join_all(chunk.iter().map(|&i| lookup(state, &ids[i]))).await
}
