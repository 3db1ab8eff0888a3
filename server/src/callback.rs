//! `GET/POST /wecom/callback`: WeCom's URL verification and encrypted
//! event delivery, into a persisted, deduplicated inbox.

use crate::config::CallbackConfig;
use crate::crypto::{signature, signature_matches};
use crate::db::now;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use quick_xml::events::Event;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The customer events this endpoint is for (shared/wecom-facts.md §4, §6).
pub const CUSTOMER_EVENTS: [&str; 3] = [
    "change_external_contact",
    "change_external_chat",
    "change_external_tag",
];

#[derive(Deserialize)]
pub struct Params {
    msg_signature: Option<String>,
    timestamp: Option<String>,
    nonce: Option<String>,
    echostr: Option<String>,
}

fn refused(error: &'static str) -> ApiError {
    tracing::warn!(reason = error, "callback refused");
    ApiError::CallbackRefused { error }
}

fn config(state: &AppState) -> Result<&CallbackConfig, ApiError> {
    state.cfg.callback.as_ref().ok_or(ApiError::NotFound)
}

/// Checks the timestamp's freshness and the signature over `encrypt`.
fn verify(
    state: &AppState,
    cb: &CallbackConfig,
    p: &Params,
    encrypt: &str,
) -> Result<(), ApiError> {
    let (Some(sig), Some(ts), Some(nonce)) = (&p.msg_signature, &p.timestamp, &p.nonce) else {
        return Err(ApiError::BadRequest {
            error: "missing_parameters",
            message: "msg_signature, timestamp and nonce are required".into(),
        });
    };
    if ts.len() > 20 || nonce.len() > 64 {
        return Err(refused("bad_parameters"));
    }
    let t: i64 = ts.trim().parse().map_err(|_| refused("bad_timestamp"))?;
    if (now() - t).unsigned_abs() > state.cfg.callback_max_skew.as_secs() {
        return Err(refused("stale_timestamp"));
    }
    if !signature_matches(&signature(cb.token.expose(), ts, nonce, encrypt), sig) {
        return Err(refused("bad_signature"));
    }
    Ok(())
}

/// URL verification: answers the decrypted `echostr`.
pub async fn verify_url(
    State(state): State<Arc<AppState>>,
    Query(p): Query<Params>,
) -> Result<Response, ApiError> {
    let cb = config(&state)?;
    // A '+' left unescaped in the query arrives as a space; base64 has none.
    let echostr = p.echostr.clone().unwrap_or_default().replace(' ', "+");
    if echostr.is_empty() || echostr.len() > 4096 {
        return Err(ApiError::BadRequest {
            error: "missing_parameters",
            message: "echostr is required".into(),
        });
    }
    verify(&state, cb, &p, &echostr)?;
    let plain = cb
        .key
        .decrypt(&echostr, state.cfg.corp_id.as_str())
        .map_err(|e| refused(e.code()))?;
    Ok(([(header::CONTENT_TYPE, "text/plain")], plain).into_response())
}

/// The child elements of the root `<xml>` element, as text (CDATA or not).
/// Nested elements are skipped with their content.
pub fn flat_xml(xml: &str) -> Option<BTreeMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    let mut text = String::new();
    let mut out = BTreeMap::new();
    let mut saw_root = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                depth += 1;
                if depth == 1 {
                    if e.name().as_ref() != b"xml" {
                        return None;
                    }
                    saw_root = true;
                } else if depth == 2 {
                    current = Some(String::from_utf8(e.name().as_ref().to_vec()).ok()?);
                    text.clear();
                }
            }
            Event::End(_) => {
                if depth == 2 {
                    if let Some(name) = current.take() {
                        out.insert(name, std::mem::take(&mut text));
                    }
                }
                depth = depth.checked_sub(1)?;
            }
            Event::Empty(e) if depth == 1 => {
                out.insert(
                    String::from_utf8(e.name().as_ref().to_vec()).ok()?,
                    String::new(),
                );
            }
            Event::Text(t) if depth == 2 => text.push_str(&t.unescape().ok()?),
            Event::CData(c) if depth == 2 => text.push_str(std::str::from_utf8(c.as_ref()).ok()?),
            Event::Eof => break,
            _ => {}
        }
    }
    (saw_root && depth == 0).then_some(out)
}

/// Event delivery: verifies, decrypts, stores once, answers `success`.
pub async fn receive(
    State(state): State<Arc<AppState>>,
    Query(p): Query<Params>,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let cb = config(&state)?;
    let raw = crate::read_body(body).await?;
    let outer = std::str::from_utf8(&raw)
        .ok()
        .and_then(flat_xml)
        .ok_or_else(|| ApiError::BadRequest {
            error: "bad_xml",
            message: "the body is not WeCom's callback XML".into(),
        })?;
    let encrypt = outer
        .get("Encrypt")
        .filter(|e| !e.is_empty())
        .ok_or_else(|| ApiError::BadRequest {
            error: "bad_xml",
            message: "the body has no Encrypt element".into(),
        })?;
    verify(&state, cb, &p, encrypt)?;
    let message = cb
        .key
        .decrypt(encrypt, state.cfg.corp_id.as_str())
        .map_err(|e| refused(e.code()))?;
    let fields = flat_xml(&message).ok_or_else(|| refused("bad_message"))?;
    let event = fields.get("Event").cloned().unwrap_or_default();
    let change_type = fields.get("ChangeType").cloned().unwrap_or_default();
    let id = hex::encode(Sha256::digest(message.as_bytes()));
    let stored = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        sqlx::query(
            "INSERT INTO callback_inbox (id, event, change_type, message, received_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&id)
        .bind(&event)
        .bind(&change_type)
        .bind(&message)
        .bind(now())
        .execute(&state.db.pool),
    )
    .await
    .map_err(|_| ApiError::Database)??
    .rows_affected();
    if event == "change_external_contact" && change_type == "transfer_fail" {
        // Mapped once; a WeCom retry of an event whose mapping failed maps it then.
        let pending: Option<(String,)> =
            sqlx::query_as("SELECT id FROM callback_inbox WHERE id = $1 AND processed_at IS NULL")
                .bind(&id)
                .fetch_optional(&state.db.pool)
                .await?;
        if pending.is_some() {
            crate::handover::on_transfer_fail(state.as_ref(), &id, &fields).await?;
        }
    }
    tracing::info!(
        event = %event,
        change_type = %change_type,
        duplicate = stored == 0,
        customer_event = CUSTOMER_EVENTS.contains(&event.as_str()),
        "callback event"
    );
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain")],
        "success",
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_xml_reads_cdata_text_and_skips_nesting() {
        let m = flat_xml(
            "<xml><ToUserName><![CDATA[ww1]]></ToUserName><CreateTime>1403610513</CreateTime>\
             <Nested><A>1</A></Nested><Empty/><Amp>a&amp;b</Amp></xml>",
        )
        .unwrap();
        assert_eq!(m["ToUserName"], "ww1");
        assert_eq!(m["CreateTime"], "1403610513");
        assert_eq!(m["Nested"], "");
        assert_eq!(m["Empty"], "");
        assert_eq!(m["Amp"], "a&b");
        assert!(flat_xml("not xml").is_none());
        assert!(flat_xml("<other><a>1</a></other>").is_none());
        assert!(flat_xml("<xml><a>1</a>").is_none());
    }
}
