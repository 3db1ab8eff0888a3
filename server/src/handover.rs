//! `/api/handover/…`: handing a member's customers and group chats over to a colleague
//! (在职继承 / 离职继承). Who may do it is the server's decision (`WCC_HANDOVER_ADMINS`).
//! Every request is recorded with its customers (`transfers`, `transfer_calls`,
//! `transfer_items`); results from `transfer_result` and `transfer_fail` callbacks are
//! mapped back to the item and the request they belong to. See server/README.md.

use crate::db::now;
use crate::error::ApiError;
use crate::wecom::{Method, Secretly};
use crate::{authenticate, idempotency, json_response, AppState, Member};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use wecom_contact_core::rules::{
    self, HANDOVER_MAX_PER_WINDOW, HANDOVER_PER_CALL, HANDOVER_WINDOW_SECS,
};

/// At most this many customers plus chats in one request (split into calls of 100): the
/// core's number, so the mini program refuses the same.
pub const MAX_PER_REQUEST: usize = rules::HANDOVER_MAX_PER_REQUEST;

fn refusal(
    status: StatusCode,
    error: &str,
    message: &str,
    extra: Option<(&str, Value)>,
) -> Response {
    let mut v = json!({"errcode": status.as_u16(), "error": error, "errmsg": message});
    if let Some((k, x)) = extra {
        v[k] = x;
    }
    json_response(status, v.to_string())
}

/// The session's member, if they are a hand-over admin; else a 403.
async fn admin(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Result<Member, Response>, ApiError> {
    let m = authenticate(state, headers).await?;
    if state.cfg.handover_admins.contains(&m.userid.key()) {
        Ok(Ok(m))
    } else {
        Ok(Err(refusal(
            StatusCode::FORBIDDEN,
            "not_a_handover_admin",
            "only the members listed in WCC_HANDOVER_ADMINS may hand customers over",
            None,
        )))
    }
}

fn rules_err(v: Vec<rules::RuleViolation>) -> ApiError {
    ApiError::Rules(v)
}

#[derive(Deserialize)]
pub struct PageQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

fn page_args(q: &PageQuery) -> Result<(String, u32), ApiError> {
    let cursor = q.cursor.clone().unwrap_or_default();
    if cursor.len() > 512 {
        return Err(ApiError::BadRequest {
            error: "bad_cursor",
            message: "the cursor is too long".into(),
        });
    }
    let limit = q.limit.unwrap_or(1000);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::BadRequest {
            error: "bad_limit",
            message: "limit must be 1 to 1000".into(),
        });
    }
    Ok((cursor, limit))
}

/// `GET /api/handover/resigned/{userid}/customers?cursor=&limit=`: what a resigned member
/// left behind (`get_unassigned_list`), one WeCom page at a time.
pub async fn resigned_customers(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(userid): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    if let Err(r) = admin(&state, &headers).await? {
        return Ok(r);
    }
    let userid = rules::check_userid(&userid).map_err(|v| rules_err(vec![v]))?;
    let (cursor, limit) = page_args(&q)?;
    let mut body = json!({"page_size": limit});
    if !cursor.is_empty() {
        body["cursor"] = json!(cursor);
    }
    let a = state
        .wecom
        .call(
            Secretly::Contact,
            Method::Post,
            "externalcontact/get_unassigned_list",
            &[],
            Some(&body),
        )
        .await?;
    if a.errcode() != 0 {
        return Ok(json_response(StatusCode::OK, a.raw));
    }
    let customers: Vec<Value> = a.json["info"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| {
            i["handover_userid"]
                .as_str()
                .is_some_and(|u| u.to_lowercase() == userid.key())
        })
        .map(|i| json!({"external_userid": i["external_userid"], "dimission_time": i["dimission_time"]}))
        .collect();
    let next = if a.json["is_last"] == true {
        ""
    } else {
        a.json["next_cursor"].as_str().unwrap_or("")
    };
    Ok(json_response(
        StatusCode::OK,
        json!({"errcode": 0, "errmsg": "ok", "handover_userid": userid.as_str(), "customers": customers, "next_cursor": next}).to_string(),
    ))
}

/// `GET /api/handover/resigned/{userid}/group-chats?cursor=&limit=`: the customer group
/// chats of a resigned owner waiting for a new owner (`groupchat/list`, status 1).
pub async fn resigned_group_chats(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(userid): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    if let Err(r) = admin(&state, &headers).await? {
        return Ok(r);
    }
    let userid = rules::check_userid(&userid).map_err(|v| rules_err(vec![v]))?;
    let (cursor, limit) = page_args(&q)?;
    let mut body = json!({"status_filter": 1, "owner_filter": {"userid_list": [userid.as_str()]}, "limit": limit});
    if !cursor.is_empty() {
        body["cursor"] = json!(cursor);
    }
    let a = state
        .wecom
        .call(
            Secretly::Contact,
            Method::Post,
            "externalcontact/groupchat/list",
            &[],
            Some(&body),
        )
        .await?;
    if a.errcode() != 0 {
        return Ok(json_response(StatusCode::OK, a.raw));
    }
    let chats: Vec<Value> = a.json["group_chat_list"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| json!({"chat_id": c["chat_id"]}))
        .collect();
    Ok(json_response(
        StatusCode::OK,
        json!({"errcode": 0, "errmsg": "ok", "owner": userid.as_str(), "group_chats": chats,
               "next_cursor": a.json["next_cursor"].as_str().unwrap_or("")})
        .to_string(),
    ))
}

/// A request, checked.
struct Plan {
    kind: &'static str,
    handover: String,
    takeover: String,
    customers: Vec<String>,
    chats: Vec<String>,
    message: Option<String>,
}

fn bad(error: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::BadRequest {
        error,
        message: message.into(),
    }
}

fn plan(body: &Value) -> Result<Plan, ApiError> {
    let o = body
        .as_object()
        .ok_or_else(|| bad("body_not_json", "the body must be a JSON object"))?;
    const KEYS: [&str; 6] = [
        "kind",
        "handover_userid",
        "takeover_userid",
        "external_userids",
        "group_chat_ids",
        "message",
    ];
    if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(bad("unknown_field", format!("unknown field {k}")));
    }
    let kind = match o.get("kind").and_then(Value::as_str) {
        Some("resigned") => "resigned",
        Some("onjob") => "onjob",
        _ => return Err(bad("bad_kind", "kind must be \"resigned\" or \"onjob\"")),
    };
    let s = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("");
    let (giver, taker) = rules::check_handover_members(s("handover_userid"), s("takeover_userid"))
        .map_err(rules_err)?;
    let list = |k: &str| -> Result<Vec<String>, ApiError> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(vec![]),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| bad("bad_list", format!("{k} must be a list of ids")))
                })
                .collect(),
            Some(_) => Err(bad("bad_list", format!("{k} must be a list of ids"))),
        }
    };
    let customers = list("external_userids")?;
    let chats = list("group_chat_ids")?;
    if customers.is_empty() && chats.is_empty() {
        return Err(bad(
            "nothing_selected",
            "select at least one customer or group chat",
        ));
    }
    if customers.len() + chats.len() > MAX_PER_REQUEST {
        return Err(bad(
            "too_many",
            format!(
                "at most {MAX_PER_REQUEST} customers and chats in one request ({} selected); the server splits them into calls of {HANDOVER_PER_CALL}",
                customers.len() + chats.len()
            ),
        ));
    }
    let mut violations = vec![];
    let mut seen = HashSet::new();
    for (i, c) in customers.iter().enumerate() {
        if let Err(mut v) = rules::check_external_userid(c) {
            v.field = "external_userids".into();
            v.index = Some(i);
            violations.push(v);
        } else if !seen.insert(c.clone()) {
            return Err(bad("duplicate_id", format!("{c} is selected twice")));
        }
    }
    for (i, c) in chats.iter().enumerate() {
        if let Err(mut v) = rules::check_group_chat_id(c) {
            v.field = "group_chat_ids".into();
            v.index = Some(i);
            violations.push(v);
        } else if !seen.insert(c.clone()) {
            return Err(bad("duplicate_id", format!("{c} is selected twice")));
        }
    }
    let message = match o.get("message") {
        None | Some(Value::Null) => None,
        Some(Value::String(m)) if m.is_empty() => None,
        Some(Value::String(m)) => {
            if kind == "resigned" {
                return Err(bad(
                    "message_not_allowed",
                    "a message to the customer is sent only by an on-job hand-over",
                ));
            }
            if let Err(v) = rules::check_handover_message(m) {
                violations.push(v);
            }
            Some(m.clone())
        }
        Some(_) => return Err(bad("bad_message", "message must be a string")),
    };
    if !violations.is_empty() {
        return Err(rules_err(violations));
    }
    Ok(Plan {
        kind,
        handover: giver.as_str().to_owned(),
        takeover: taker.as_str().to_owned(),
        customers,
        chats,
        message,
    })
}

/// A call-level errcode that refuses the whole request, in words.
fn call_refusal(errcode: i64) -> (&'static str, &'static str) {
    match errcode {
        40097 => (
            "not_resigned",
            "the member handing over has not resigned: use kind \"onjob\"",
        ),
        40102 => (
            "resigned_over_a_year",
            "the member left more than a year ago: WeCom no longer hands their customers over",
        ),
        40098 => ("taker_resigned", "the member taking over has resigned"),
        60111 => (
            "unknown_member",
            "WeCom does not know one of the two members",
        ),
        _ => ("wecom_refused", "WeCom refused the hand-over"),
    }
}

/// The word recorded for a `transfer_result` status: the core's one table
/// (`wecom::transfer`), `not_started` for a code it does not know.
fn item_state(status: i64) -> &'static str {
    rules::HandoverItemState::from_status(status)
        .unwrap_or(rules::HandoverItemState::NotStarted)
        .word()
}

/// `POST /api/handover/transfers` with an `Idempotency-Key`.
pub async fn start(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let member = match admin(&state, &headers).await? {
        Ok(m) => m,
        Err(r) => return Ok(r),
    };
    let key = idempotency::check_key(headers.get("idempotency-key"))?;
    let body = crate::parse_json(&crate::read_body(body).await?)?;
    let p = plan(&body)?;
    let userid_key = member.userid.key();
    let hash = crate::sha256_hex(crate::canonical(&body).as_bytes());
    let req = idempotency::Request {
        userid_key: &userid_key,
        key: &key,
        method: "POST",
        path: "/api/handover/transfers",
        body_hash: &hash,
    };
    let store = crate::idempotency_store(&state);
    if let Some(first) = crate::claim_key(&store, &req).await? {
        return Ok(first);
    }
    match run(&state, &member, &key, p).await {
        Ok((status, answer)) => {
            let text = answer.to_string();
            if let Err(e) = store.complete(&req, status.as_u16(), &text).await {
                tracing::warn!(error = %crate::log_safe_db_error(&e), "idempotency record not written");
            }
            Ok(json_response(status, text))
        }
        Err(e) => {
            let _ = store.release(&req).await;
            Err(e)
        }
    }
}

async fn run(
    state: &AppState,
    member: &Member,
    key: &str,
    p: Plan,
) -> Result<(StatusCode, Value), ApiError> {
    let db = &state.db.pool;
    let id = format!("tr_{}", crate::random_token(12));
    let t = now();
    sqlx::query(
        "INSERT INTO transfers (id, kind, requested_by, handover_userid, takeover_userid, message, idem_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(p.kind)
    .bind(member.userid.as_str())
    .bind(&p.handover)
    .bind(&p.takeover)
    .bind(p.message.clone())
    .bind(key)
    .bind(t)
    .execute(db)
    .await?;
    // The 2-in-90-days limit, counted before WeCom refuses.
    let mut to_send = vec![];
    let mut limited = vec![];
    for c in &p.customers {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM transfer_items WHERE item_type = 'customer' AND item_id = $1 \
             AND start_errcode = 0 AND created_at > $2",
        )
        .bind(c)
        .bind(t - HANDOVER_WINDOW_SECS)
        .fetch_one(db)
        .await?;
        if n as usize >= HANDOVER_MAX_PER_WINDOW {
            limited.push(c.clone());
        } else {
            to_send.push(c.clone());
        }
    }
    let mut tx = db.begin().await?;
    for c in &limited {
        insert_item(
            &mut tx,
            &id,
            "customer",
            c,
            None,
            &p,
            0,
            "limit_reached",
            Some("handed over twice in the last 90 days: WeCom allows at most 2"),
            t,
        )
        .await?;
    }
    for c in &to_send {
        insert_item(
            &mut tx,
            &id,
            "customer",
            c,
            None,
            &p,
            0,
            "not_submitted",
            None,
            t,
        )
        .await?;
    }
    for c in &p.chats {
        insert_item(
            &mut tx,
            &id,
            "group_chat",
            c,
            None,
            &p,
            0,
            "not_submitted",
            None,
            t,
        )
        .await?;
    }
    tx.commit().await?;

    let api = if p.kind == "resigned" {
        "externalcontact/resigned/transfer_customer"
    } else {
        "externalcontact/transfer_customer"
    };
    let mut seq = 0i64;
    let mut first_refusal: Option<(i64, String)> = None;
    let mut broken: Option<String> = None;
    let mut first_error: Option<ApiError> = None;
    for chunk in to_send.chunks(HANDOVER_PER_CALL) {
        seq += 1;
        if first_refusal.is_some() || broken.is_some() {
            record_call(state, &id, seq, api, chunk.len(), "not_made", None, None, 0).await?;
            continue;
        }
        let mut body = json!({"handover_userid": p.handover, "takeover_userid": p.takeover, "external_userid": chunk});
        if let Some(m) = &p.message {
            body["transfer_success_msg"] = json!(m);
        }
        let a = match state
            .wecom
            .call(Secretly::Contact, Method::Post, api, &[], Some(&body))
            .await
        {
            Ok(a) => a,
            Err(e) => {
                let why = error_code(&e).to_owned();
                record_call(
                    state,
                    &id,
                    seq,
                    api,
                    chunk.len(),
                    "failed",
                    None,
                    Some(&why),
                    0,
                )
                .await?;
                mark_call(
                    state,
                    &id,
                    chunk,
                    seq,
                    "not_submitted",
                    &format!("the call failed: {why}"),
                )
                .await?;
                broken = Some(why);
                first_error.get_or_insert(e);
                continue;
            }
        };
        if a.errcode() != 0 {
            record_call(
                state,
                &id,
                seq,
                api,
                chunk.len(),
                "refused",
                Some(a.errcode()),
                Some(&a.errmsg()),
                0,
            )
            .await?;
            mark_call(
                state,
                &id,
                chunk,
                seq,
                "not_submitted",
                &format!("the call was refused: errcode {}", a.errcode()),
            )
            .await?;
            first_refusal.get_or_insert((a.errcode(), a.errmsg()));
            continue;
        }
        let mut codes: HashMap<String, i64> = HashMap::new();
        for c in a.json["customer"].as_array().into_iter().flatten() {
            if let Some(x) = c["external_userid"].as_str() {
                codes.insert(x.to_owned(), crate::wecom::errcode(c));
            }
        }
        let now_t = now();
        let mut started = 0;
        let mut tx = db.begin().await?;
        for c in chunk {
            let code = codes.get(c).copied();
            let (status, st, reason) = match code {
                Some(0) => {
                    started += 1;
                    (2, "waiting", None)
                }
                Some(n) => (0, "not_started", Some(start_reason(n))),
                None => (
                    0,
                    "not_started",
                    Some("WeCom's answer did not list this customer".to_owned()),
                ),
            };
            sqlx::query(
                "UPDATE transfer_items SET call_seq = $1, start_errcode = $2, status = $3, state = $4, reason = $5, updated_at = $6 \
                 WHERE transfer_id = $7 AND item_type = 'customer' AND item_id = $8",
            )
            .bind(seq)
            .bind(code)
            .bind(status)
            .bind(st)
            .bind(reason)
            .bind(now_t)
            .bind(&id)
            .bind(c)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        record_call(
            state,
            &id,
            seq,
            api,
            chunk.len(),
            "answered",
            Some(0),
            None,
            started,
        )
        .await?;
    }
    let chat_api = if p.kind == "resigned" {
        "externalcontact/groupchat/transfer"
    } else {
        "externalcontact/groupchat/onjob_transfer"
    };
    for chunk in p.chats.chunks(HANDOVER_PER_CALL) {
        seq += 1;
        if first_refusal.is_some() || broken.is_some() {
            record_call(
                state,
                &id,
                seq,
                chat_api,
                chunk.len(),
                "not_made",
                None,
                None,
                0,
            )
            .await?;
            continue;
        }
        let body = json!({"chat_id_list": chunk, "new_owner": p.takeover});
        let a = match state
            .wecom
            .call(Secretly::Contact, Method::Post, chat_api, &[], Some(&body))
            .await
        {
            Ok(a) => a,
            Err(e) => {
                let why = error_code(&e).to_owned();
                record_call(
                    state,
                    &id,
                    seq,
                    chat_api,
                    chunk.len(),
                    "failed",
                    None,
                    Some(&why),
                    0,
                )
                .await?;
                mark_call(
                    state,
                    &id,
                    chunk,
                    seq,
                    "not_submitted",
                    &format!("the call failed: {why}"),
                )
                .await?;
                broken = Some(why);
                first_error.get_or_insert(e);
                continue;
            }
        };
        if a.errcode() != 0 {
            record_call(
                state,
                &id,
                seq,
                chat_api,
                chunk.len(),
                "refused",
                Some(a.errcode()),
                Some(&a.errmsg()),
                0,
            )
            .await?;
            first_refusal.get_or_insert((a.errcode(), a.errmsg()));
            continue;
        }
        let mut failed: HashMap<String, i64> = HashMap::new();
        for f in a.json["failed_chat_list"].as_array().into_iter().flatten() {
            if let Some(c) = f["chat_id"].as_str() {
                failed.insert(c.to_owned(), crate::wecom::errcode(f));
            }
        }
        let now_t = now();
        let mut tx = db.begin().await?;
        for c in chunk {
            let code = failed.get(c).copied().unwrap_or(0);
            let (status, st, reason) = if code == 0 {
                (1, "done", None)
            } else {
                (0, "not_started", Some(format!("WeCom errcode {code}")))
            };
            sqlx::query(
                "UPDATE transfer_items SET call_seq = $1, start_errcode = $2, status = $3, state = $4, reason = $5, updated_at = $6 \
                 WHERE transfer_id = $7 AND item_type = 'group_chat' AND item_id = $8",
            )
            .bind(seq)
            .bind(code)
            .bind(status)
            .bind(st)
            .bind(reason)
            .bind(now_t)
            .bind(&id)
            .bind(c)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        let done = (chunk.len() - failed.len()) as i64;
        record_call(
            state,
            &id,
            seq,
            chat_api,
            chunk.len(),
            "answered",
            Some(0),
            None,
            done,
        )
        .await?;
    }
    let summary = view(state, &id).await?;
    if let Some(e) = first_error {
        if seq_answered(&summary) == 0 {
            // Nothing reached WeCom: the request stays recorded with its failed call, and
            // the key is released so that a retry submits it afresh.
            return Err(e);
        }
    }
    if let Some((code, msg)) = first_refusal {
        if seq_answered(&summary) == 0 {
            let (error, words) = call_refusal(code);
            let mut v = json!({"errcode": 400, "error": error, "errmsg": format!("{words} (WeCom errcode {code}: {msg})"), "wecom_errcode": code});
            v["transfer"] = summary;
            return Ok((StatusCode::BAD_REQUEST, v));
        }
    }
    let mut v = summary;
    v["errcode"] = json!(0);
    v["errmsg"] = json!(if broken.is_some() {
        "partly submitted: WeCom could not be reached for some calls; hand the not_submitted items over again with a new request"
    } else {
        "ok"
    });
    Ok((StatusCode::OK, v))
}

fn seq_answered(summary: &Value) -> usize {
    summary["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["outcome"] == "answered")
        .count()
}

fn error_code(e: &ApiError) -> &'static str {
    match e {
        ApiError::Upstream(_) => "wecom_unavailable",
        ApiError::Database => "database_unavailable",
        _ => "failed",
    }
}

fn start_reason(code: i64) -> String {
    let words = match code {
        40096 => "not a valid external_userid",
        84061 => "not a customer of the member handing over",
        40129 => "already being handed over",
        40130 => "WeCom's limit: handed over twice in 90 days",
        40099 => "the taker is at their customer limit",
        _ => "WeCom refused this customer",
    };
    format!("{words} (errcode {code})")
}

#[allow(clippy::too_many_arguments)]
async fn insert_item(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    item_type: &str,
    item: &str,
    call_seq: Option<i64>,
    p: &Plan,
    status: i64,
    st: &str,
    reason: Option<&str>,
    t: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO transfer_items (transfer_id, item_type, item_id, call_seq, handover_userid, takeover_userid, status, state, reason, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(id)
    .bind(item_type)
    .bind(item)
    .bind(call_seq)
    .bind(&p.handover)
    .bind(&p.takeover)
    .bind(status)
    .bind(st)
    .bind(reason)
    .bind(t)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn record_call(
    state: &AppState,
    id: &str,
    seq: i64,
    api: &str,
    n: usize,
    outcome: &str,
    errcode: Option<i64>,
    errmsg: Option<&str>,
    started: i64,
) -> Result<(), sqlx::Error> {
    let called = (outcome != "not_made").then(now);
    sqlx::query(
        "INSERT INTO transfer_calls (transfer_id, seq, api, item_count, outcome, errcode, errmsg, started, called_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(seq)
    .bind(api)
    .bind(n as i64)
    .bind(outcome)
    .bind(errcode)
    .bind(errmsg)
    .bind(started)
    .bind(called)
    .execute(&state.db.pool)
    .await?;
    Ok(())
}

async fn mark_call(
    state: &AppState,
    id: &str,
    items: &[String],
    seq: i64,
    st: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = state.db.pool.begin().await?;
    for c in items {
        sqlx::query(
            "UPDATE transfer_items SET call_seq = $1, state = $2, reason = $3, updated_at = $4 \
             WHERE transfer_id = $5 AND item_id = $6",
        )
        .bind(seq)
        .bind(st)
        .bind(reason)
        .bind(now())
        .bind(id)
        .bind(c)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

type TransferRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
);
type CallRow = (i64, String, i64, String, Option<i64>, Option<String>, i64);
type ItemRow = (
    String,
    String,
    Option<i64>,
    Option<i64>,
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
);

/// The recorded request, its calls and items, and counts by state.
async fn view(state: &AppState, id: &str) -> Result<Value, ApiError> {
    let db = &state.db.pool;
    let t: Option<TransferRow> = sqlx::query_as(
        "SELECT kind, requested_by, handover_userid, takeover_userid, message, created_at, refreshed_at FROM transfers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some((kind, by, handover, takeover, message, created, refreshed)) = t else {
        return Ok(Value::Null);
    };
    let calls: Vec<CallRow> = sqlx::query_as(
        "SELECT seq, api, item_count, outcome, errcode, errmsg, started FROM transfer_calls WHERE transfer_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let items: Vec<ItemRow> = sqlx::query_as(
        "SELECT item_type, item_id, call_seq, start_errcode, status, state, reason, takeover_time, fail_event_id \
         FROM transfer_items WHERE transfer_id = $1 ORDER BY item_type, item_id",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let items: Vec<Value> = items
        .into_iter()
        .map(|(ty, item, seq, code, status, st, reason, time, event)| {
            *counts.entry(st.clone()).or_default() += 1;
            json!({"type": ty, "id": item, "transfer_id": id, "call": seq, "start_errcode": code,
                   "status": status, "state": st, "reason": reason, "takeover_time": time,
                   "fail_event_id": event})
        })
        .collect();
    let calls: Vec<Value> = calls
        .into_iter()
        .map(|(seq, api, n, outcome, code, msg, started)| {
            json!({"seq": seq, "api": api, "items": n, "outcome": outcome, "errcode": code, "errmsg": msg, "started": started})
        })
        .collect();
    Ok(
        json!({"transfer_id": id, "kind": kind, "requested_by": by, "handover_userid": handover,
              "takeover_userid": takeover, "message": message, "created_at": created,
              "refreshed_at": refreshed, "calls": calls, "counts": counts, "items": items}),
    )
}

/// `GET /api/handover/transfers/{id}`: the request with every item's state, refreshed
/// from `transfer_result` while any customer is waiting.
pub async fn read(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if let Err(r) = admin(&state, &headers).await? {
        return Ok(r);
    }
    if id.len() > 64 {
        return Ok(refusal(
            StatusCode::NOT_FOUND,
            "unknown_transfer",
            "no such transfer",
            None,
        ));
    }
    let t: Option<(String, String, String)> = sqlx::query_as(
        "SELECT kind, handover_userid, takeover_userid FROM transfers WHERE id = $1",
    )
    .bind(&id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some((kind, handover, takeover)) = t else {
        return Ok(refusal(
            StatusCode::NOT_FOUND,
            "unknown_transfer",
            "no such transfer",
            None,
        ));
    };
    let (waiting,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM transfer_items WHERE transfer_id = $1 AND item_type = 'customer' AND status = 2",
    )
    .bind(&id)
    .fetch_one(&state.db.pool)
    .await?;
    if waiting > 0 {
        refresh(&state, &id, &kind, &handover, &takeover).await?;
    }
    let mut v = view(&state, &id).await?;
    v["errcode"] = json!(0);
    v["errmsg"] = json!("ok");
    Ok(json_response(StatusCode::OK, v.to_string()))
}

async fn refresh(
    state: &AppState,
    id: &str,
    kind: &str,
    handover: &str,
    takeover: &str,
) -> Result<(), ApiError> {
    let api = if kind == "resigned" {
        "externalcontact/resigned/transfer_result"
    } else {
        "externalcontact/transfer_result"
    };
    let mut results: HashMap<String, (i64, i64)> = HashMap::new();
    let mut cursor = String::new();
    for _ in 0..200 {
        let mut body = json!({"handover_userid": handover, "takeover_userid": takeover});
        if !cursor.is_empty() {
            body["cursor"] = json!(cursor);
        }
        let a = state
            .wecom
            .call(Secretly::Contact, Method::Post, api, &[], Some(&body))
            .await?;
        if a.errcode() != 0 {
            tracing::warn!(errcode = a.errcode(), "transfer_result refused");
            return Ok(());
        }
        for c in a.json["customer"].as_array().into_iter().flatten() {
            if let Some(x) = c["external_userid"].as_str() {
                let status = c["status"].as_i64().unwrap_or(0);
                let time = c["takeover_time"].as_i64().unwrap_or(0);
                results.insert(x.to_owned(), (status, time));
            }
        }
        cursor = a.json["next_cursor"].as_str().unwrap_or("").to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    let waiting: Vec<(String,)> = sqlx::query_as(
        "SELECT item_id FROM transfer_items WHERE transfer_id = $1 AND item_type = 'customer' AND status = 2",
    )
    .bind(id)
    .fetch_all(&state.db.pool)
    .await?;
    let t = now();
    let mut tx = state.db.pool.begin().await?;
    for (ext,) in waiting {
        let Some(&(status, time)) = results.get(&ext) else {
            continue;
        };
        if status == 2 || !(1..=5).contains(&status) {
            continue;
        }
        sqlx::query(
            "UPDATE transfer_items SET status = $1, state = $2, takeover_time = $3, updated_at = $4 \
             WHERE transfer_id = $5 AND item_type = 'customer' AND item_id = $6",
        )
        .bind(status)
        .bind(item_state(status))
        .bind((time > 0).then_some(time))
        .bind(t)
        .bind(id)
        .bind(&ext)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE transfers SET refreshed_at = $1 WHERE id = $2")
        .bind(t)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A `change_external_contact` / `transfer_fail` event from the callback inbox: mapped to
/// the latest recorded hand-over of that customer to that taker, or kept as unmatched.
pub async fn on_transfer_fail(
    state: &AppState,
    event_id: &str,
    fields: &BTreeMap<String, String>,
) -> Result<(), ApiError> {
    let ext = fields.get("ExternalUserID").cloned().unwrap_or_default();
    let taker = fields.get("UserID").cloned().unwrap_or_default();
    let reason = fields.get("FailReason").cloned().unwrap_or_default();
    let status = match reason.as_str() {
        "customer_refused" => 3,
        "customer_limit_exceed" => 4,
        _ => 0,
    };
    let db = &state.db.pool;
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT transfer_id FROM transfer_items WHERE item_type = 'customer' AND item_id = $1 \
         AND LOWER(takeover_userid) = LOWER($2) AND start_errcode = 0 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(&ext)
    .bind(&taker)
    .fetch_optional(db)
    .await?;
    let t = now();
    match found {
        Some((transfer_id,)) => {
            let state_word = if status == 0 {
                "failed"
            } else {
                item_state(status)
            };
            sqlx::query(
                "UPDATE transfer_items SET status = $1, state = $2, reason = $3, fail_event_id = $4, updated_at = $5 \
                 WHERE transfer_id = $6 AND item_type = 'customer' AND item_id = $7",
            )
            .bind(if status == 0 { 0 } else { status })
            .bind(state_word)
            .bind(format!("transfer_fail: {reason}"))
            .bind(event_id)
            .bind(t)
            .bind(&transfer_id)
            .bind(&ext)
            .execute(db)
            .await?;
            tracing::info!(transfer = %transfer_id, "transfer_fail mapped to its request");
        }
        None => {
            sqlx::query(
                "INSERT INTO transfer_unmatched (event_id, external_userid, takeover_userid, fail_reason, received_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(event_id)
            .bind(&ext)
            .bind(&taker)
            .bind(&reason)
            .bind(t)
            .execute(db)
            .await?;
            tracing::warn!("transfer_fail for no recorded hand-over: kept as unmatched");
        }
    }
    sqlx::query("UPDATE callback_inbox SET processed_at = $1 WHERE id = $2")
        .bind(t)
        .bind(event_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The latest hand-over of a customer, for the card: `{transfer_id, state, status, reason,
/// handover_userid, takeover_userid}`, refreshed from `transfer_result` while it waits.
/// `None` when the customer was never handed over (or the database cannot say).
pub async fn customer_status(state: &AppState, external_userid: &str) -> Option<Value> {
    type Row = (String, i64, String, Option<String>, String, String);
    let latest = || async {
        sqlx::query_as::<_, Row>(
            "SELECT transfer_id, status, state, reason, handover_userid, takeover_userid FROM transfer_items \
             WHERE item_type = 'customer' AND item_id = $1 AND state <> 'not_submitted' \
             ORDER BY created_at DESC, transfer_id DESC LIMIT 1",
        )
        .bind(external_userid)
        .fetch_optional(&state.db.pool)
        .await
    };
    let mut row = match latest().await {
        Ok(r) => r?,
        Err(e) => {
            tracing::warn!(error = %crate::log_safe_db_error(&e), "hand-over status not read");
            return None;
        }
    };
    if row.1 == 2 {
        let kind: Option<(String,)> = sqlx::query_as("SELECT kind FROM transfers WHERE id = $1")
            .bind(&row.0)
            .fetch_optional(&state.db.pool)
            .await
            .ok()
            .flatten();
        if let Some((kind,)) = kind {
            if refresh(state, &row.0, &kind, &row.4, &row.5).await.is_ok() {
                if let Ok(Some(r)) = latest().await {
                    row = r;
                }
            }
        }
    }
    let (transfer_id, status, st, reason, handover, takeover) = row;
    Some(
        json!({"transfer_id": transfer_id, "status": status, "state": st, "reason": reason,
                "handover_userid": handover, "takeover_userid": takeover}),
    )
}

/// The first page of `externalcontact/get` with `"wcc_handover": {…}` put first, the rest
/// of WeCom's bytes as they came (the core reads it from its own fetch).
pub fn with_customer_status(raw: &str, status: &Value) -> Option<String> {
    let rest = raw.trim_start().strip_prefix('{')?;
    let sep = if rest.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    Some(format!("{{\"wcc_handover\":{status}{sep}{rest}"))
}
