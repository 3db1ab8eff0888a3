//! `wcc-server`: the reference backend of the WeCom customer-contact mini
//! program. It implements the README's backend contract over WeCom's server
//! API and reuses the core crate's id and edit rules (`wecom_contact_core::
//! rules`), so a write the core would refuse is refused here before WeCom
//! is called. See server/README.md.

pub mod callback;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod form_data;
pub mod handover;
pub mod idempotency;
pub mod materials;
pub mod members;
pub mod wecom;

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use bytes::Bytes;
use config::Config;
use db::{now, Db};
use error::ApiError;
use rand::RngCore;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;
use wecom::{Method, Secretly, WeCom};
use wecom_contact_core::rules;
use wecom_contact_core::support::privacy::mask_phone_numbers;
use wecom_contact_core::wecom::ids::UserId;

/// The largest request body accepted (a mark-tag body with the core's cap
/// of 3000 tag ids fits).
pub const MAX_BODY: usize = 256 * 1024;

pub struct AppState {
    pub cfg: Config,
    pub db: Db,
    pub wecom: WeCom,
    /// Names this process in leases (tokens, idempotency keys).
    pub instance: String,
    /// Sessions read from the database in the last few seconds (the
    /// database stays the truth; this only saves a query per request).
    sessions:
        std::sync::Mutex<std::collections::HashMap<String, (String, i64, std::time::Instant)>>,
}

/// How long a session read from the database is reused without reading it
/// again.
const SESSION_CACHE: std::time::Duration = std::time::Duration::from_secs(5);

/// A database error for the log: its kind, never a URL or a value.
pub fn log_safe_db_error(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => format!("io: {}", io.kind()),
        sqlx::Error::PoolTimedOut => "pool timed out".into(),
        sqlx::Error::PoolClosed => "pool closed".into(),
        sqlx::Error::Database(d) => format!("database: {}", mask_phone_numbers(d.message())),
        _ => "other".into(),
    }
}

pub(crate) fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// This server's idempotency records.
pub(crate) fn idempotency_store(state: &AppState) -> idempotency::Store<'_> {
    idempotency::Store {
        db: &state.db,
        instance: &state.instance,
        ttl: state.cfg.idempotency_ttl,
        lease: state.cfg.idempotency_lease,
    }
}

/// Claims an `Idempotency-Key`. A key answered before gives back its first
/// answer (marked `Idempotent-Replayed`); `None` means this request owns it.
pub(crate) async fn claim_key(
    store: &idempotency::Store<'_>,
    req: &idempotency::Request<'_>,
) -> Result<Option<Response>, ApiError> {
    Ok(match store.claim(req).await? {
        idempotency::Claim::Replay { status, answer } => {
            let mut r = json_response(
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                answer,
            );
            r.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            Some(r)
        }
        idempotency::Claim::Owned => None,
    })
}

pub(crate) fn sha256_hex(s: &[u8]) -> String {
    hex::encode(Sha256::digest(s))
}

/// Reads a body of at most [`MAX_BODY`] bytes.
pub async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::TooLarge { limit: MAX_BODY })
}

pub(crate) fn parse_json(raw: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(raw).map_err(|_| ApiError::BadRequest {
        error: "body_not_json",
        message: "the body is not JSON".into(),
    })
}

/// JSON with object keys sorted, so that key order does not change a hash.
pub fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&m[k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

pub(crate) fn json_response(status: StatusCode, body: impl Into<Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.into(),
    )
        .into_response()
}

/// WeCom's answer, unchanged.
fn passthrough(a: wecom::Answer) -> Response {
    json_response(StatusCode::OK, a.raw)
}

/// The member a session vouches for.
pub struct Member {
    pub userid: UserId,
}

pub(crate) async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Member, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or(ApiError::Unauthorized)?;
    let hash = sha256_hex(token.as_bytes());
    let cached = state
        .sessions
        .lock()
        .unwrap()
        .get(&hash)
        .filter(|(_, _, at)| at.elapsed() < SESSION_CACHE)
        .map(|(u, e, _)| (u.clone(), *e));
    let row = match cached {
        Some(row) => Some(row),
        None => {
            let row: Option<(String, i64)> =
                sqlx::query_as("SELECT userid, expires_at FROM sessions WHERE token_hash = $1")
                    .bind(&hash)
                    .fetch_optional(&state.db.pool)
                    .await?;
            if let Some((u, e)) = &row {
                let mut map = state.sessions.lock().unwrap();
                if map.len() > 10_000 {
                    map.clear();
                }
                map.insert(hash, (u.clone(), *e, std::time::Instant::now()));
            }
            row
        }
    };
    match row {
        Some((userid, expires_at)) if expires_at > now() => Ok(Member {
            userid: UserId::parse(&userid).map_err(|_| ApiError::Unauthorized)?,
        }),
        _ => Err(ApiError::Unauthorized),
    }
}

async fn create_session(
    State(state): State<Arc<AppState>>,
    body: Body,
) -> Result<Response, ApiError> {
    let v = parse_json(&read_body(body).await?)?;
    let code = v
        .get("code")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ApiError::BadRequest {
            error: "missing_code",
            message: "the body must be {\"code\": \"…\"} with the code of wx.qy.login".into(),
        })?;
    if code.len() > 512 || code.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Ok(json_response(
            StatusCode::BAD_REQUEST,
            json!({"errcode": 40029, "errmsg": "invalid code"}).to_string(),
        ));
    }
    let a = state
        .wecom
        .call(
            Secretly::Agent,
            Method::Get,
            "miniprogram/jscode2session",
            &[("js_code", code), ("grant_type", "authorization_code")],
            None,
        )
        .await?;
    if a.errcode() != 0 {
        // 40029 and friends, with WeCom's errcode and errmsg.
        return Ok(json_response(
            StatusCode::BAD_REQUEST,
            json!({"errcode": a.errcode(), "errmsg": a.errmsg()}).to_string(),
        ));
    }
    let userid = a.json.get("userid").and_then(Value::as_str).unwrap_or("");
    let corpid = a.json.get("corpid").and_then(Value::as_str).unwrap_or("");
    if corpid != state.cfg.corp_id.as_str() {
        return Err(ApiError::BadRequest {
            error: "wrong_corp",
            message: "the login belongs to another corp".into(),
        });
    }
    let userid = UserId::parse(userid).map_err(|_| ApiError::BadRequest {
        error: "not_a_member",
        message: "WeCom returned no member userid for this login".into(),
    })?;
    // session_key is dropped here: the server needs none of the APIs that
    // use it, and it never leaves this function.
    let token = random_token(32);
    let ttl = state.cfg.session_ttl.as_secs() as i64;
    sqlx::query(
        "INSERT INTO sessions (token_hash, userid, corpid, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(userid.as_str())
    .bind(corpid)
    .bind(now())
    .bind(now() + ttl)
    .execute(&state.db.pool)
    .await?;
    tracing::info!(userid = %userid, "session created");
    Ok(json_response(
        StatusCode::OK,
        json!({"token": token, "corpid": corpid, "userid": userid.as_str(), "expires_in": ttl})
            .to_string(),
    ))
}

#[derive(Deserialize)]
struct CursorQuery {
    cursor: Option<String>,
}

fn rules_err(v: rules::RuleViolation) -> ApiError {
    ApiError::Rules(vec![v])
}

async fn get_customer(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, ApiError> {
    authenticate(&state, &headers).await?;
    let id = rules::check_external_userid(&id).map_err(rules_err)?;
    let mut query = vec![("external_userid", id.as_str())];
    let cursor = q.cursor.unwrap_or_default();
    if cursor.len() > 512 {
        return Err(ApiError::BadRequest {
            error: "bad_cursor",
            message: "the cursor is too long".into(),
        });
    }
    if !cursor.is_empty() {
        query.push(("cursor", &cursor));
    }
    let a = state
        .wecom
        .call(
            Secretly::Contact,
            Method::Get,
            "externalcontact/get",
            &query,
            None,
        )
        .await?;
    // The card's hand-over line ("交接中，24 小时后生效" / refused): on the first page only.
    if cursor.is_empty() && a.errcode() == 0 {
        if let Some(status) = handover::customer_status(&state, id.as_str()).await {
            if let Some(text) = std::str::from_utf8(&a.raw)
                .ok()
                .and_then(|raw| handover::with_customer_status(raw, &status))
            {
                return Ok(json_response(StatusCode::OK, text));
            }
        }
    }
    Ok(passthrough(a))
}

async fn get_corp_tags(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authenticate(&state, &headers).await?;
    let a = state
        .wecom
        .call(
            Secretly::Contact,
            Method::Post,
            "externalcontact/get_corp_tag_list",
            &[],
            Some(&json!({})),
        )
        .await?;
    Ok(passthrough(a))
}

async fn get_group_chat(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    authenticate(&state, &headers).await?;
    let id = rules::check_group_chat_id(&id).map_err(rules_err)?;
    let a = state
        .wecom
        .call(
            Secretly::Contact,
            Method::Post,
            "externalcontact/groupchat/get",
            &[],
            Some(&json!({"chat_id": id.as_str(), "need_name": 1})),
        )
        .await?;
    Ok(passthrough(a))
}

#[derive(Clone, Copy)]
enum Write {
    Remark,
    MarkTag,
}

async fn write(
    state: Arc<AppState>,
    kind: Write,
    headers: HeaderMap,
    id: String,
    body: Body,
) -> Result<Response, ApiError> {
    let member = authenticate(&state, &headers).await?;
    let key = idempotency::check_key(headers.get("idempotency-key"))?;
    let body = parse_json(&read_body(body).await?)?;
    // The core's rules, with userid taken from the session.
    let (api, path, wecom_body) = match kind {
        Write::Remark => (
            "externalcontact/remark",
            format!("/api/external-contacts/{id}/remark"),
            rules::remark_body(&member.userid, &id, &body).map_err(ApiError::Rules)?,
        ),
        Write::MarkTag => (
            "externalcontact/mark_tag",
            format!("/api/external-contacts/{id}/mark-tag"),
            rules::mark_tag_body(&member.userid, &id, &body).map_err(ApiError::Rules)?,
        ),
    };
    let userid_key = member.userid.key();
    let hash = sha256_hex(canonical(&body).as_bytes());
    let req = idempotency::Request {
        userid_key: &userid_key,
        key: &key,
        method: "POST",
        path: &path,
        body_hash: &hash,
    };
    let store = idempotency_store(&state);
    if let Some(first) = claim_key(&store, &req).await? {
        return Ok(first);
    }
    // The call must end within the key's lease: after it, a retry may take
    // the key over. A call that outlives it is given up without releasing
    // the key (WeCom may still apply it), like a request whose server died.
    let budget = state
        .cfg
        .idempotency_lease
        .saturating_sub(std::time::Duration::from_millis(500));
    let call = state
        .wecom
        .call(Secretly::Contact, Method::Post, api, &[], Some(&wecom_body));
    let Ok(result) = tokio::time::timeout(budget, call).await else {
        tracing::warn!(api, "a write outlived its idempotency lease");
        return Err(error::Upstream::Timeout.into());
    };
    match result {
        Ok(a) => {
            if state.cfg.exit_after_upstream_write {
                // Test hook: a kill between WeCom's answer and the record.
                tracing::error!(
                    "WCC_TEST_EXIT_AFTER_UPSTREAM_WRITE: exiting before the record is written"
                );
                std::process::exit(86);
            }
            let answer = json!({"errcode": a.errcode(), "errmsg": a.errmsg()}).to_string();
            if let Err(e) = store.complete(&req, 200, &answer).await {
                // WeCom applied the write; the client gets its answer. The
                // record stays pending, and a retry after the lease re-applies
                // the same change (remark and mark_tag set state).
                tracing::warn!(error = %log_safe_db_error(&e), "idempotency record not written");
            }
            tracing::info!(api, errcode = a.errcode(), userid = %member.userid, "write");
            Ok(json_response(StatusCode::OK, answer))
        }
        Err(e) => {
            if let Err(db) = store.release(&req).await {
                tracing::warn!(error = %log_safe_db_error(&db), "idempotency key not released");
            }
            Err(e)
        }
    }
}

async fn post_remark(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    write(state, Write::Remark, headers, id, body).await
}

async fn post_mark_tag(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    write(state, Write::MarkTag, headers, id, body).await
}

#[derive(Deserialize)]
struct MembersQuery {
    userids: Option<String>,
}

async fn get_members(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<MembersQuery>,
) -> Result<Response, ApiError> {
    authenticate(&state, &headers).await?;
    let list = q.userids.unwrap_or_default();
    let mut ids: Vec<UserId> = Vec::new();
    for (i, s) in list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
    {
        let id = rules::check_userid(s).map_err(|mut v| {
            v.index = Some(i);
            rules_err(v)
        })?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() || ids.len() > members::MAX_PER_REQUEST {
        return Err(ApiError::BadRequest {
            error: "bad_userids",
            message: format!(
                "userids must list 1 to {} member userids, comma-separated",
                members::MAX_PER_REQUEST
            ),
        });
    }
    let out = members::names(&state, &ids).await?;
    Ok(json_response(
        StatusCode::OK,
        json!({"members": out}).to_string(),
    ))
}

async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match sqlx::query("SELECT 1").execute(&state.db.pool).await {
        Ok(_) => json_response(StatusCode::OK, r#"{"ok":true}"#),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// One log line per request: method, path (phone numbers masked), status,
/// time. Never a header, a query string or a body.
async fn log_requests(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = mask_phone_numbers(req.uri().path());
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    tracing::info!(
        %method,
        path = %path,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    resp
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/session", post(create_session))
        .route("/api/external-contacts/{id}", get(get_customer))
        .route("/api/external-contacts/{id}/remark", post(post_remark))
        .route("/api/external-contacts/{id}/mark-tag", post(post_mark_tag))
        .route("/api/corp-tags", get(get_corp_tags))
        .route("/api/group-chats/{id}", get(get_group_chat))
        .route("/api/members", get(get_members))
        .route(
            "/api/handover/resigned/{userid}/customers",
            get(handover::resigned_customers),
        )
        .route(
            "/api/handover/resigned/{userid}/group-chats",
            get(handover::resigned_group_chats),
        )
        .route("/api/handover/transfers", post(handover::start))
        .route("/api/handover/transfers/{id}", get(handover::read))
        .route("/api/materials", get(materials::list))
        .route("/api/media", post(materials::post_picture))
        .route(
            "/api/admin/materials",
            get(materials::list_admin).post(materials::create),
        )
        .route(
            "/api/admin/materials/{id}",
            axum::routing::delete(materials::delete),
        )
        .route(
            "/wecom/callback",
            get(callback::verify_url).post(callback::receive),
        )
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .layer(middleware::from_fn(log_requests))
        .with_state(state)
}

/// A started server.
pub struct Running {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, finishes in-flight requests, returns.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.task.await;
        self.state.db.pool.close().await;
    }
}

/// Opens the database, migrates, binds `cfg.listen` and serves.
pub async fn start(cfg: Config) -> Result<Running, String> {
    let db = Db::open(&cfg.database_url)
        .await
        .map_err(|e| format!("WCC_DATABASE_URL: cannot open the database: {e}"))?;
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .map_err(|e| format!("WCC_LISTEN: cannot listen: {}", e.kind()))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let instance = random_token(12);
    let wecom = WeCom::new(&cfg, db.clone(), instance.clone());
    let state = Arc::new(AppState {
        cfg,
        db,
        wecom,
        instance,
        sessions: Default::default(),
    });
    let app = router(state.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let sweeper = state.clone();
    let sweep = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = sweeper.db.sweep().await {
                tracing::warn!(error = %log_safe_db_error(&e), "sweep failed");
            }
            // Temporary media expire after 3 days: renew those past 2.5.
            if let Err(e) = materials::refresh_due(&sweeper).await {
                tracing::warn!(error = ?e, "renewing media ids failed");
            }
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
        sweep.abort();
    });
    Ok(Running {
        addr,
        state,
        shutdown: Some(tx),
        task,
    })
}
