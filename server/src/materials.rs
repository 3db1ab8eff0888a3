//! The materials library: quick replies with groups, and images, videos,
//! files, links and mini-program cards (`migrations/0003_materials.sql`).
//!
//! - `POST /api/admin/materials`, `GET /api/admin/materials`,
//!   `DELETE /api/admin/materials/{id}`: the members in
//!   `WCC_MATERIAL_ADMINS` fill it (403 `not_a_material_admin` for anyone
//!   else). A material is checked with the core's rules
//!   (`rules::check_material`, the composer's own limits). A media material
//!   is uploaded to WeCom (`media/upload`, temporary media) at once.
//! - `GET /api/materials[?scope=single|group]`: staff read it. Temporary media
//!   expire after 3 days (wecom:90253), so a media id older than 2.5 days is
//!   renewed (the file uploaded again) when it is read, and by the sweeper
//!   every 10 minutes. Staff never see or type an id.
//! - `POST /api/media`: a picture from the phone (`wx.uploadFile`, field
//!   `media`, or JSON `{data_base64}`), at most 10 MiB, JPEG or PNG, uploaded
//!   to WeCom; the answer is its `media_id`.

use crate::db::{now, now_ms};
use crate::error::ApiError;
use crate::wecom::{Method, Payload, Secretly};
use crate::{
    authenticate, canonical, claim_key, form_data, idempotency, idempotency_store, json_response,
    log_safe_db_error, parse_json, random_token, sha256_hex, AppState, Member,
};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use wecom_contact_core::rules::{self, Material, MaterialKind, MaterialScope};

/// WeCom keeps a temporary media id for 3 days (wecom:90253).
pub const MEDIA_TTL_SECS: i64 = 3 * 24 * 3600;
/// A media id older than this (2.5 days) is renewed.
pub const MEDIA_REFRESH_AFTER_SECS: i64 = MEDIA_TTL_SECS - 12 * 3600;
/// The largest file of a media material, and of a picture from the phone.
pub const MEDIA_MAX: usize = 10 * 1024 * 1024;
/// The largest admin body (a media file in base64, plus the fields).
pub const ADMIN_BODY_MAX: usize = MEDIA_MAX / 3 * 4 + 64 * 1024;
/// The largest `POST /api/media` body (the picture plus the form around it).
pub const PICTURE_BODY_MAX: usize = MEDIA_MAX / 3 * 4 + 64 * 1024;

fn refusal(status: StatusCode, error: &str, message: &str) -> Response {
    json_response(
        status,
        json!({"errcode": status.as_u16(), "error": error, "errmsg": message}).to_string(),
    )
}

fn bad(error: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::BadRequest {
        error,
        message: message.into(),
    }
}

/// The session's member, if they may fill the library; else a 403.
async fn admin(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Result<Member, Response>, ApiError> {
    let m = authenticate(state, headers).await?;
    if state.cfg.material_admins.contains(&m.userid.key()) {
        Ok(Ok(m))
    } else {
        Ok(Err(refusal(
            StatusCode::FORBIDDEN,
            "not_a_material_admin",
            "only the members listed in WCC_MATERIAL_ADMINS may change the materials library",
        )))
    }
}

async fn read_limited(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::TooLarge { limit })
}

/// Whether the bytes are a JPEG or a PNG (by their signature).
fn picture_type(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("png")
    } else {
        None
    }
}

fn decode_base64(v: Option<&Value>) -> Result<Vec<u8>, ApiError> {
    let s = v
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            bad(
                "bad_media_data",
                "data_base64 must hold the file, base64-encoded",
            )
        })?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|_| bad("bad_media_data", "data_base64 is not valid base64"))?;
    if data.len() > MEDIA_MAX {
        return Err(ApiError::TooLarge { limit: MEDIA_MAX });
    }
    if data.len() <= 5 {
        // WeCom refuses files of 5 bytes or fewer (44001).
        return Err(bad(
            "bad_media_data",
            "the file is empty (5 bytes or fewer)",
        ));
    }
    Ok(data)
}

/// What `media/upload` said.
enum Upload {
    Done { media_id: String },
    Refused { errcode: i64, errmsg: String },
}

async fn upload(
    state: &AppState,
    kind: &str,
    filename: &str,
    data: &[u8],
) -> Result<Upload, ApiError> {
    let (content_type, bytes) = form_data::one_file("media", filename, data);
    let a = state
        .wecom
        .call_with(
            Secretly::Agent,
            Method::Post,
            "media/upload",
            &[("type", kind)],
            Some(Payload::Form {
                content_type,
                bytes,
            }),
        )
        .await?;
    let media_id = a.json.get("media_id").and_then(Value::as_str).unwrap_or("");
    if a.errcode() != 0 || media_id.is_empty() {
        tracing::warn!(errcode = a.errcode(), kind, "media/upload refused");
        return Ok(Upload::Refused {
            errcode: a.errcode(),
            errmsg: a.errmsg(),
        });
    }
    Ok(Upload::Done {
        media_id: media_id.to_owned(),
    })
}

fn wecom_refused(errcode: i64, errmsg: &str) -> (u16, String) {
    (
        400,
        json!({"errcode": errcode, "errmsg": errmsg, "error": "wecom_refused"}).to_string(),
    )
}

/// A material row: id, content, media_id, media_uploaded_at.
type Row = (String, String, Option<String>, Option<i64>);

fn to_json(
    id: &str,
    content: &str,
    media_id: Option<&str>,
    uploaded_at: Option<i64>,
) -> Option<Value> {
    let mut m: Material = serde_json::from_str(content).ok()?;
    m.id = id.to_owned();
    m.media_id = media_id.map(str::to_owned);
    let mut v = serde_json::to_value(&m).ok()?;
    if m.kind.is_media() {
        v["media_expires_at"] = json!(uploaded_at.map(|t| t + MEDIA_TTL_SECS));
    }
    Some(v)
}

/// `POST /api/admin/materials` (`Idempotency-Key`).
pub async fn create(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let member = match admin(&state, &headers).await? {
        Ok(m) => m,
        Err(r) => return Ok(r),
    };
    let key = idempotency::check_key(headers.get("idempotency-key"))?;
    let v = parse_json(&read_limited(body, ADMIN_BODY_MAX).await?)?;
    // The core's rules see every field but the file's bytes.
    let mut fields = v.clone();
    let data_b64 = fields.as_object_mut().and_then(|o| o.remove("data_base64"));
    let mut material = rules::check_material(&fields).map_err(ApiError::Rules)?;
    let data = if material.kind.is_media() {
        let data = decode_base64(data_b64.as_ref())?;
        if material.kind == MaterialKind::Image && picture_type(&data).is_none() {
            return Err(bad(
                "not_an_image",
                "an image material must be a JPEG or PNG file",
            ));
        }
        material.size = data.len() as u64;
        Some(data)
    } else {
        if data_b64.is_some() {
            return Err(bad(
                "unknown_field",
                "data_base64 belongs to image, video and file materials only",
            ));
        }
        None
    };

    let userid_key = member.userid.key();
    let hash = sha256_hex(canonical(&v).as_bytes());
    let req = idempotency::Request {
        userid_key: &userid_key,
        key: &key,
        method: "POST",
        path: "/api/admin/materials",
        body_hash: &hash,
    };
    let store = idempotency_store(&state);
    if let Some(first) = claim_key(&store, &req).await? {
        return Ok(first);
    }
    let result = async {
        let mut media_id = None;
        if let (Some(data), Some(kind)) = (&data, material.kind.upload_type()) {
            match upload(&state, kind, &material.filename, data).await? {
                Upload::Done { media_id: id } => media_id = Some(id),
                Upload::Refused { errcode, errmsg } => return Ok(wecom_refused(errcode, &errmsg)),
            }
        }
        let id = format!("mat_{}", random_token(12));
        let t = now();
        let content = serde_json::to_string(&material).unwrap_or_default();
        sqlx::query(
            "INSERT INTO materials (id, kind, scope, group_name, content, sort_key, created_by, created_at, media_id, media_uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(material.kind.as_str())
        .bind(material.scope.as_str())
        .bind(&material.group)
        .bind(&content)
        .bind(now_ms())
        .bind(member.userid.as_str())
        .bind(t)
        .bind(media_id.clone())
        .bind(media_id.as_ref().map(|_| t))
        .execute(&state.db.pool)
        .await?;
        if let Some(data) = &data {
            sqlx::query("INSERT INTO material_files (material_id, data) VALUES ($1, $2)")
                .bind(&id)
                .bind(base64::engine::general_purpose::STANDARD.encode(data))
                .execute(&state.db.pool)
                .await?;
        }
        tracing::info!(kind = material.kind.as_str(), userid = %member.userid, "material created");
        let mut answer = to_json(&id, &content, media_id.as_deref(), media_id.as_ref().map(|_| t))
            .unwrap_or(Value::Null);
        answer["errcode"] = json!(0);
        Ok::<_, ApiError>((200u16, answer.to_string()))
    }
    .await;
    finish(&store, &req, result).await
}

/// Records an owned key's answer (or releases it when nothing usable came back).
async fn finish(
    store: &idempotency::Store<'_>,
    req: &idempotency::Request<'_>,
    result: Result<(u16, String), ApiError>,
) -> Result<Response, ApiError> {
    match result {
        Ok((status, answer)) => {
            if let Err(e) = store.complete(req, status, &answer).await {
                tracing::warn!(error = %log_safe_db_error(&e), "idempotency record not written");
            }
            Ok(json_response(
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                answer,
            ))
        }
        Err(e) => {
            if let Err(db) = store.release(req).await {
                tracing::warn!(error = %log_safe_db_error(&db), "idempotency key not released");
            }
            Err(e)
        }
    }
}

/// `DELETE /api/admin/materials/{id}` (`Idempotency-Key`).
pub async fn delete(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let member = match admin(&state, &headers).await? {
        Ok(m) => m,
        Err(r) => return Ok(r),
    };
    let key = idempotency::check_key(headers.get("idempotency-key"))?;
    if id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(bad("bad_material_id", "not a material id"));
    }
    let userid_key = member.userid.key();
    let path = format!("/api/admin/materials/{id}");
    let hash = sha256_hex(b"");
    let req = idempotency::Request {
        userid_key: &userid_key,
        key: &key,
        method: "DELETE",
        path: &path,
        body_hash: &hash,
    };
    let store = idempotency_store(&state);
    if let Some(first) = claim_key(&store, &req).await? {
        return Ok(first);
    }
    let result = async {
        let gone = sqlx::query("DELETE FROM materials WHERE id = $1")
            .bind(&id)
            .execute(&state.db.pool)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM material_files WHERE material_id = $1")
            .bind(&id)
            .execute(&state.db.pool)
            .await?;
        Ok::<_, ApiError>(if gone == 0 {
            (
                404,
                json!({"errcode": 404, "error": "unknown_material", "errmsg": "no material with that id"})
                    .to_string(),
            )
        } else {
            tracing::info!(userid = %member.userid, "material deleted");
            (200, json!({"errcode": 0, "errmsg": "ok", "deleted": id}).to_string())
        })
    }
    .await;
    finish(&store, &req, result).await
}

async fn rows(state: &AppState) -> Result<Vec<Row>, ApiError> {
    Ok(sqlx::query_as(
        "SELECT id, content, media_id, media_uploaded_at FROM materials ORDER BY sort_key, id",
    )
    .fetch_all(&state.db.pool)
    .await?)
}

/// Uploads a media material's file again; the new id and its time. When
/// another request renewed it meanwhile, that one is kept.
async fn renew(
    state: &AppState,
    id: &str,
    seen_at: Option<i64>,
) -> Result<Option<(String, i64)>, ApiError> {
    let file: Option<(String,)> =
        sqlx::query_as("SELECT data FROM material_files WHERE material_id = $1")
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await?;
    let content: Option<(String,)> = sqlx::query_as("SELECT content FROM materials WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?;
    let (Some((data,)), Some((content,))) = (file, content) else {
        return Ok(None);
    };
    let Ok(m) = serde_json::from_str::<Material>(&content) else {
        return Ok(None);
    };
    let (Some(kind), Ok(data)) = (
        m.kind.upload_type(),
        base64::engine::general_purpose::STANDARD.decode(data),
    ) else {
        return Ok(None);
    };
    let media_id = match upload(state, kind, &m.filename, &data).await? {
        Upload::Done { media_id } => media_id,
        Upload::Refused { .. } => return Ok(None),
    };
    let t = now();
    let changed = sqlx::query(
        "UPDATE materials SET media_id = $1, media_uploaded_at = $2 WHERE id = $3 AND COALESCE(media_uploaded_at, 0) = $4",
    )
    .bind(&media_id)
    .bind(t)
    .bind(id)
    .bind(seen_at.unwrap_or(0))
    .execute(&state.db.pool)
    .await?
    .rows_affected();
    if changed == 1 {
        tracing::info!(kind, "media id renewed");
        return Ok(Some((media_id, t)));
    }
    let now_row: Option<(Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT media_id, media_uploaded_at FROM materials WHERE id = $1")
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await?;
    Ok(now_row.and_then(|(m, t)| Some((m?, t?))))
}

fn due(uploaded_at: Option<i64>, at: i64) -> bool {
    uploaded_at.is_none_or(|u| at - u >= MEDIA_REFRESH_AFTER_SECS)
}

/// Renews every media id older than 2.5 days (the sweeper calls it); how many.
pub async fn refresh_due(state: &AppState) -> Result<usize, ApiError> {
    let mut n = 0;
    for (id, content, _, uploaded_at) in rows(state).await? {
        let media = serde_json::from_str::<Material>(&content).is_ok_and(|m| m.kind.is_media());
        if media && due(uploaded_at, now()) && renew(state, &id, uploaded_at).await?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}

#[derive(Deserialize)]
pub struct ScopeQuery {
    scope: Option<String>,
}

async fn listing(
    state: &AppState,
    here: MaterialScope,
    with_times: bool,
) -> Result<Vec<Value>, ApiError> {
    let t = now();
    let mut out = Vec::new();
    for (id, content, mut media_id, mut uploaded_at) in rows(state).await? {
        let Ok(m) = serde_json::from_str::<Material>(&content) else {
            continue;
        };
        if !m.scope.offered_in(here) {
            continue;
        }
        if m.kind.is_media() && due(uploaded_at, t) {
            match renew(state, &id, uploaded_at).await {
                Ok(Some((new_id, at))) => {
                    media_id = Some(new_id);
                    uploaded_at = Some(at);
                }
                Ok(None) | Err(_) => {
                    tracing::warn!("a media id could not be renewed");
                }
            }
            // An id WeCom no longer accepts is never handed out.
            if uploaded_at.is_none_or(|u| t - u >= MEDIA_TTL_SECS) {
                media_id = None;
            }
        }
        if let Some(mut v) = to_json(&id, &content, media_id.as_deref(), uploaded_at) {
            if !with_times {
                if let Some(o) = v.as_object_mut() {
                    o.remove("media_expires_at");
                }
            }
            out.push(v);
        }
    }
    Ok(out)
}

/// `GET /api/materials[?scope=single|group]`: what staff may send.
pub async fn list(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ScopeQuery>,
) -> Result<Response, ApiError> {
    authenticate(&state, &headers).await?;
    let here = match q.scope.as_deref().unwrap_or("") {
        "" => MaterialScope::All,
        "single" => MaterialScope::Single,
        "group" => MaterialScope::Group,
        _ => return Err(bad("bad_scope", "scope must be single or group")),
    };
    let list = listing(&state, here, false).await?;
    Ok(json_response(
        StatusCode::OK,
        json!({"errcode": 0, "errmsg": "ok", "materials": list}).to_string(),
    ))
}

/// `GET /api/admin/materials`: everything, with each media id's expiry.
pub async fn list_admin(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Err(r) = admin(&state, &headers).await? {
        return Ok(r);
    }
    let list = listing(&state, MaterialScope::All, true).await?;
    Ok(json_response(
        StatusCode::OK,
        json!({"errcode": 0, "errmsg": "ok", "materials": list}).to_string(),
    ))
}

/// `POST /api/media` (`Idempotency-Key`): a picture from the phone.
pub async fn post_picture(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let member = authenticate(&state, &headers).await?;
    let key = idempotency::check_key(headers.get("idempotency-key"))?;
    let raw = read_limited(body, PICTURE_BODY_MAX).await?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let data: Bytes = match form_data::boundary(content_type) {
        Some(b) => {
            let parts = form_data::parts(&b, &raw).ok_or_else(|| {
                bad(
                    "bad_form",
                    "the body is not a well-formed multipart/form-data form",
                )
            })?;
            parts
                .into_iter()
                .find(|p| p.name == "media")
                .map(|p| p.data)
                .ok_or_else(|| bad("no_media_part", "the form has no part named media"))?
        }
        None => {
            let v = parse_json(&raw)?;
            if let Some(o) = v.as_object() {
                if let Some(k) = o.keys().find(|k| k.as_str() != "data_base64") {
                    return Err(bad("unknown_field", format!("unknown field {k:?}")));
                }
            }
            Bytes::from(decode_base64(v.get("data_base64"))?)
        }
    };
    if data.len() > MEDIA_MAX {
        return Err(ApiError::TooLarge { limit: MEDIA_MAX });
    }
    if data.len() <= 5 {
        return Err(bad("bad_media_data", "the picture is empty"));
    }
    let Some(ending) = picture_type(&data) else {
        return Err(bad(
            "not_an_image",
            "the picture must be a JPEG or PNG file",
        ));
    };
    let userid_key = member.userid.key();
    let hash = sha256_hex(&data);
    let req = idempotency::Request {
        userid_key: &userid_key,
        key: &key,
        method: "POST",
        path: "/api/media",
        body_hash: &hash,
    };
    let store = idempotency_store(&state);
    if let Some(first) = claim_key(&store, &req).await? {
        return Ok(first);
    }
    let result = async {
        let filename = format!("photo.{ending}");
        Ok::<_, ApiError>(match upload(&state, "image", &filename, &data).await? {
            Upload::Done { media_id } => {
                tracing::info!(userid = %member.userid, bytes = data.len(), "picture uploaded");
                (
                    200,
                    json!({"errcode": 0, "errmsg": "ok", "type": "image", "media_id": media_id,
                           "expires_at": now() + MEDIA_TTL_SECS})
                    .to_string(),
                )
            }
            Upload::Refused { errcode, errmsg } => wecom_refused(errcode, &errmsg),
        })
    }
    .await;
    finish(&store, &req, result).await
}
