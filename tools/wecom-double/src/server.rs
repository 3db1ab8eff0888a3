//! The HTTP side: `/cgi-bin/…` as WeCom answers it, and the `/__double/…` control API.

use crate::params::{check_external_userid, decode_cursor, encode_cursor};
use crate::{
    random_token, transfer, Fault, SecretKind, Shared, State, FOLLOW_USER_PAGE,
    MAX_TAGS_PER_CUSTOMER,
};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, Request, State as AxState};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type Sh = Arc<Shared>;
/// A WeCom answer: the fields after `errcode`/`errmsg`, or `(errcode, errmsg)`.
type Answer = Result<Map<String, Value>, (i64, String)>;

/// The APIs the double serves, by path after `/cgi-bin/`.
pub(crate) const APIS: &[&str] = &[
    "gettoken",
    "miniprogram/jscode2session",
    "user/get",
    "externalcontact/get",
    "externalcontact/get_corp_tag_list",
    "externalcontact/remark",
    "externalcontact/mark_tag",
    "externalcontact/groupchat/get",
    "externalcontact/get_unassigned_list",
    "externalcontact/transfer_customer",
    "externalcontact/resigned/transfer_customer",
    "externalcontact/transfer_result",
    "externalcontact/resigned/transfer_result",
    "externalcontact/groupchat/list",
    "externalcontact/groupchat/transfer",
    "externalcontact/groupchat/onjob_transfer",
    "media/upload",
];

/// The largest body the double reads (`media/upload` takes files of up to 20 MB).
const MAX_BODY: usize = 21 * 1024 * 1024;

pub(crate) async fn serve(listener: tokio::net::TcpListener, shared: Sh) {
    let mut stop = shared.shutdown.clone();
    let control = Router::new()
        .route("/counts", get(control_counts))
        .route("/fault", post(control_fault))
        .route("/clear", post(control_clear))
        .route("/latency", post(control_latency))
        .route("/advance", post(control_advance))
        .route("/code", post(control_code))
        .route("/reset", post(control_reset))
        .route("/follow_user", get(control_follow_user))
        .route("/transfer_outcome", post(control_transfer_outcome))
        .route("/callback", post(control_callback))
        .route("/flush_callbacks", post(control_flush))
        .route_layer(middleware::from_fn(loopback_only));
    let app = Router::new()
        .route("/cgi-bin/{*api}", any(cgi))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .nest("/__double", control)
        .with_state(shared);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stop.wait_for(|s| *s).await;
    })
    .await;
    if let Err(e) = served {
        tracing::error!(error = %e, "wecom-double stopped");
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=UTF-8")],
        body,
    )
        .into_response()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// WeCom's errmsg: the message, a hint, and where to look the code up.
fn errmsg(code: i64, msg: &str) -> String {
    format!(
        "{msg}, hint: [{}_{}_{}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e={code}",
        unix_now(),
        code.rem_euclid(100),
        random_token(12)
    )
}

fn e<T>(code: i64, msg: &str) -> Result<T, (i64, String)> {
    Err((code, msg.to_string()))
}

fn answer_response(answer: Answer) -> Response {
    let mut out = Map::new();
    match answer {
        Ok(fields) => {
            out.insert("errcode".into(), json!(0));
            out.insert("errmsg".into(), json!("ok"));
            out.extend(fields);
        }
        Err((code, msg)) => {
            out.insert("errcode".into(), json!(code));
            out.insert("errmsg".into(), json!(errmsg(code, &msg)));
        }
    }
    json_response(StatusCode::OK, Value::Object(out).to_string())
}

fn take_fault(st: &mut State, api: &str) -> Option<Fault> {
    let key = if st.faults.contains_key(api) {
        api
    } else if st.faults.contains_key("*") {
        "*"
    } else {
        return None;
    };
    if let Some(skip) = st.fault_skips.get_mut(key) {
        if *skip > 0 {
            *skip -= 1;
            return None;
        }
    }
    let (fault, times) = st.faults.get_mut(key)?;
    let fault = fault.clone();
    if let Some(n) = times {
        *n = n.saturating_sub(1);
        if *n == 0 {
            st.faults.remove(key);
        }
    }
    Some(fault)
}

async fn cgi(
    AxState(sh): AxState<Sh>,
    Path(api): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (latency, fault) = {
        let mut st = sh.lock();
        *st.counts.entry(api.clone()).or_default() += 1;
        if api == "gettoken" {
            let secret = query.get("corpsecret").cloned().unwrap_or_default();
            *st.gettoken_counts.entry(secret).or_default() += 1;
        }
        let fault = take_fault(&mut st, &api);
        (st.latency, fault)
    };
    tracing::debug!(api = %api, fault = ?fault, "call");
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        None => {}
        Some(Fault::Errcode(code, msg)) => {
            return json_response(
                StatusCode::OK,
                json!({"errcode": code, "errmsg": msg}).to_string(),
            )
        }
        Some(Fault::Status(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let html = format!(
                "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n<hr><center>stgw</center>\r\n</body>\r\n</html>\r\n"
            );
            return (status, [(header::CONTENT_TYPE, "text/html")], html).into_response();
        }
        Some(Fault::Garbage) => {
            return json_response(
                StatusCode::OK,
                "<html>\u{0}{\"errcode\":0,\"errmsg\":\"ok\",\"access_tok".to_string(),
            );
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::Hang) => {
            let mut stop = sh.shutdown.clone();
            let _ = stop.wait_for(|s| *s).await;
            return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
        }
    }
    if !APIS.contains(&api.as_str()) {
        return (
            StatusCode::NOT_FOUND,
            format!("wecom-double does not serve /cgi-bin/{api}"),
        )
            .into_response();
    }
    let answer = {
        let mut st = sh.lock();
        dispatch(&sh, &mut st, &api, &query, &body)
    };
    if let Err((code, msg)) = &answer {
        tracing::debug!(api = %api, code, msg = %msg, "error");
    }
    answer_response(answer)
}

fn dispatch(
    sh: &Shared,
    st: &mut State,
    api: &str,
    q: &HashMap<String, String>,
    body: &[u8],
) -> Answer {
    if api == "gettoken" {
        return gettoken(sh, st, q);
    }
    let kind = authenticate(sh, st, q)?;
    let allowed = match api {
        "miniprogram/jscode2session" | "user/get" => kind == SecretKind::Agent,
        _ => matches!(kind, SecretKind::Agent | SecretKind::Contact),
    };
    if !allowed {
        return e(48002, "api forbidden");
    }
    match api {
        "miniprogram/jscode2session" => jscode2session(sh, st, q),
        "user/get" => user_get(st, q),
        "externalcontact/get" => external_get(sh, st, q),
        "externalcontact/get_corp_tag_list" => corp_tag_list(st, body),
        "externalcontact/remark" => remark(st, body),
        "externalcontact/mark_tag" => mark_tag(st, body),
        "externalcontact/groupchat/get" => groupchat_get(st, body),
        "externalcontact/get_unassigned_list" => transfer::unassigned_list(sh, st, body),
        "externalcontact/transfer_customer" => transfer::transfer_customer(sh, st, body, false),
        "externalcontact/resigned/transfer_customer" => {
            transfer::transfer_customer(sh, st, body, true)
        }
        "externalcontact/transfer_result" | "externalcontact/resigned/transfer_result" => {
            transfer::transfer_result(sh, st, body)
        }
        "externalcontact/groupchat/list" => transfer::groupchat_list(sh, st, body),
        "externalcontact/groupchat/transfer" => transfer::groupchat_transfer(st, body, true),
        "externalcontact/groupchat/onjob_transfer" => transfer::groupchat_transfer(st, body, false),
        "media/upload" => {
            let now = sh.now(st);
            crate::media::upload(&mut st.media, q, body, now, random_token(64))
        }
        _ => e(-1, "system error"),
    }
}

fn param<'a>(q: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    q.get(key).map(String::as_str).filter(|s| !s.is_empty())
}

fn gettoken(sh: &Shared, st: &mut State, q: &HashMap<String, String>) -> Answer {
    let Some(corpid) = param(q, "corpid") else {
        return e(41002, "corpid missing");
    };
    let Some(secret) = param(q, "corpsecret") else {
        return e(41004, "corpsecret missing");
    };
    if corpid != sh.config.corp_id {
        return e(40013, "invalid corpid");
    }
    let Some(kind) = sh
        .config
        .secrets
        .iter()
        .find(|(s, _)| s == secret)
        .map(|(_, k)| *k)
    else {
        return e(40001, "invalid credential");
    };
    let now = sh.now(st);
    // Within its lifetime WeCom hands out the same token again.
    let current = st
        .tokens
        .iter()
        .find(|(_, t)| t.secret == secret && t.expires_at > now)
        .map(|(tok, t)| (tok.clone(), t.expires_at - now));
    let (token, expires_in) = match current {
        Some(found) => found,
        None => {
            let token = random_token(96);
            st.tokens.insert(
                token.clone(),
                crate::Token {
                    secret: secret.to_string(),
                    kind,
                    expires_at: now + sh.config.token_ttl_secs,
                },
            );
            (token, sh.config.token_ttl_secs)
        }
    };
    let mut out = Map::new();
    out.insert("access_token".into(), json!(token));
    out.insert("expires_in".into(), json!(expires_in));
    Ok(out)
}

fn authenticate(
    sh: &Shared,
    st: &State,
    q: &HashMap<String, String>,
) -> Result<SecretKind, (i64, String)> {
    let Some(token) = param(q, "access_token") else {
        return e(41001, "access_token missing");
    };
    let Some(t) = st.tokens.get(token) else {
        return e(40014, "invalid access_token");
    };
    if sh.now(st) >= t.expires_at {
        return e(42001, "access_token expired");
    }
    Ok(t.kind)
}

/// Standard base64 of random bytes, like WeCom's session_key.
fn random_base64(n: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = vec![0u8; n];
    let _ = getrandom::fill(&mut bytes);
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn jscode2session(sh: &Shared, st: &mut State, q: &HashMap<String, String>) -> Answer {
    let Some(code) = param(q, "js_code") else {
        return e(41008, "missing code");
    };
    if param(q, "grant_type") != Some("authorization_code") {
        return e(
            40058,
            "invalid parameter: grant_type must be authorization_code",
        );
    }
    let now = sh.now(st);
    let Some(c) = st.codes.get_mut(code) else {
        return e(40029, "invalid code");
    };
    if c.used || now >= c.expires_at {
        return e(40029, "invalid code");
    }
    c.used = true;
    let userid = st
        .members
        .get(&c.userid.to_lowercase())
        .map(|m| m.userid.clone())
        .unwrap_or_else(|| c.userid.clone());
    let mut out = Map::new();
    out.insert("corpid".into(), json!(sh.config.corp_id));
    out.insert("userid".into(), json!(userid));
    out.insert("session_key".into(), json!(random_base64(16)));
    Ok(out)
}

/// Fields `user/get` no longer returns to self-built apps created after 2022-06-20.
const SENSITIVE: &[&str] = &[
    "avatar",
    "thumb_avatar",
    "gender",
    "mobile",
    "telephone",
    "email",
    "biz_mail",
    "qr_code",
    "address",
];

fn user_get(st: &State, q: &HashMap<String, String>) -> Answer {
    let Some(userid) = param(q, "userid") else {
        return e(41009, "missing userid");
    };
    let Some(m) = st.members.get(&userid.to_lowercase()) else {
        return e(60111, "userid not found");
    };
    let mut out = Map::new();
    out.insert("userid".into(), json!(m.userid));
    if let Some(name) = &m.name {
        out.insert("name".into(), json!(name));
    }
    for (k, v) in &m.extra {
        if !SENSITIVE.contains(&k.as_str()) && k != "userid" && k != "name" {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(out)
}

/// `external_userid`: `wm…` or `wo…`, 4 to 128 characters of `[A-Za-z0-9_-]`.
fn external_get(sh: &Shared, st: &State, q: &HashMap<String, String>) -> Answer {
    let id = check_external_userid(param(q, "external_userid"))?;
    let Some(c) = st.customers.get(id) else {
        return e(84061, "not external contact");
    };
    if c.follow_user.is_empty() {
        return e(84061, "not external contact");
    }
    let offset = match param(q, "cursor") {
        None => 0,
        Some(cur) => match decode_cursor(sh.cursor_key, id, cur) {
            Some(o) if o < c.follow_user.len() => o,
            _ => return e(40058, "invalid cursor"),
        },
    };
    let end = (offset + FOLLOW_USER_PAGE).min(c.follow_user.len());
    let next = if end < c.follow_user.len() {
        encode_cursor(sh.cursor_key, id, end)
    } else {
        String::new()
    };
    let mut out = Map::new();
    out.insert("external_contact".into(), c.external_contact.clone());
    out.insert(
        "follow_user".into(),
        Value::Array(c.follow_user[offset..end].to_vec()),
    );
    out.insert("next_cursor".into(), json!(next));
    Ok(out)
}

/// The body as a JSON object; an empty body counts as `{}` only when `empty_ok`.
fn body_object(body: &[u8], empty_ok: bool) -> Result<Map<String, Value>, (i64, String)> {
    if empty_ok && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => e(47001, "data format error"),
    }
}

fn opt_str<'a>(o: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, (i64, String)> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => e(47001, &format!("data format error: {key} must be a string")),
    }
}

fn opt_str_array(o: &Map<String, Value>, key: &str) -> Result<Vec<String>, (i64, String)> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                _ => e(
                    47001,
                    &format!("data format error: {key} must hold strings"),
                ),
            })
            .collect(),
        Some(_) => e(47001, &format!("data format error: {key} must be an array")),
    }
}

fn is_deleted(v: &Value) -> bool {
    v.get("deleted").and_then(Value::as_bool).unwrap_or(false)
}

fn tag_list(g: &Value) -> &[Value] {
    g.get("tag")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A group or tag as `get_corp_tag_list` shows it: `create_time` and `order` always present,
/// `deleted` only on a filtered query.
fn shown(v: &Value, filtered: bool) -> Map<String, Value> {
    let mut o = v.as_object().cloned().unwrap_or_default();
    o.remove("tag");
    o.entry("create_time").or_insert(json!(0));
    o.entry("order").or_insert(json!(0));
    if filtered {
        o.insert("deleted".into(), json!(is_deleted(v)));
    } else {
        o.remove("deleted");
    }
    o
}

fn corp_tag_list(st: &State, body: &[u8]) -> Answer {
    let b = body_object(body, true)?;
    let tag_ids = opt_str_array(&b, "tag_id")?;
    let group_ids = opt_str_array(&b, "group_id")?;
    let filtered = !tag_ids.is_empty() || !group_ids.is_empty();
    let mut groups = vec![];
    for g in &st.tag_groups {
        let gid = str_of(g, "group_id");
        let tags: Vec<&Value> = if !group_ids.is_empty() {
            // With both filters WeCom ignores tag_id.
            if !group_ids.iter().any(|x| x == gid) {
                continue;
            }
            tag_list(g).iter().collect()
        } else if !tag_ids.is_empty() {
            tag_list(g)
                .iter()
                .filter(|t| tag_ids.iter().any(|x| x == str_of(t, "id")))
                .collect()
        } else {
            if is_deleted(g) {
                continue;
            }
            tag_list(g).iter().filter(|t| !is_deleted(t)).collect()
        };
        if tags.is_empty() && group_ids.is_empty() {
            continue;
        }
        let mut o = shown(g, filtered);
        o.insert(
            "tag".into(),
            Value::Array(
                tags.iter()
                    .map(|t| Value::Object(shown(t, filtered)))
                    .collect(),
            ),
        );
        groups.push(Value::Object(o));
    }
    let mut out = Map::new();
    out.insert("tag_group".into(), Value::Array(groups));
    Ok(out)
}

/// Finds the member and the index of its record of the customer (60111 / 84061).
fn locate(st: &State, external_userid: &str, userid: &str) -> Result<usize, (i64, String)> {
    if !st.members.contains_key(&userid.to_lowercase()) {
        return e(60111, "userid not found");
    }
    let Some(c) = st.customers.get(external_userid) else {
        return e(84061, "not external contact");
    };
    let lower = userid.to_lowercase();
    c.follow_user
        .iter()
        .position(|f| str_of(f, "userid").to_lowercase() == lower)
        .ok_or((84061, "not external contact".to_string()))
}

fn required_userid(b: &Map<String, Value>) -> Result<&str, (i64, String)> {
    match opt_str(b, "userid")? {
        Some(u) if !u.is_empty() => Ok(u),
        _ => e(41009, "missing userid"),
    }
}

fn too_long(value: Option<&str>, max: usize) -> bool {
    value.is_some_and(|s| s.chars().count() > max)
}

fn remark(st: &mut State, body: &[u8]) -> Answer {
    let b = body_object(body, false)?;
    let userid = required_userid(&b)?;
    let ext = check_external_userid(opt_str(&b, "external_userid")?)?;
    let remark = opt_str(&b, "remark")?;
    let description = opt_str(&b, "description")?;
    let company = opt_str(&b, "remark_company")?;
    let mobiles = opt_str_array(&b, "remark_mobiles")?;
    let pic = opt_str(&b, "remark_pic_mediaid")?;
    // An empty remark_mobiles list is "not set", like WeCom; [""] clears.
    if remark.is_none()
        && description.is_none()
        && company.is_none()
        && mobiles.is_empty()
        && pic.is_none()
    {
        return e(
            40058,
            "invalid parameter: one of remark, description, remark_company, remark_mobiles, remark_pic_mediaid is required",
        );
    }
    if too_long(remark, 20) {
        return e(40058, "invalid parameter: remark exceeds 20 characters");
    }
    if too_long(description, 150) {
        return e(
            40058,
            "invalid parameter: description exceeds 150 characters",
        );
    }
    if too_long(company, 20) {
        return e(
            40058,
            "invalid parameter: remark_company exceeds 20 characters",
        );
    }
    let index = locate(st, ext, userid)?;
    let customer = st.customers.get_mut(ext).expect("located");
    // type 1 = WeChat; numbers may arrive as strings; without a type, the id's prefix tells.
    let wechat = match customer.external_contact.get("type") {
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => s.trim() == "1",
        _ => ext.starts_with("wm"),
    };
    if company.is_some() && !wechat {
        return e(
            40058,
            "invalid parameter: remark_company applies only to WeChat customers",
        );
    }
    let Some(f) = customer.follow_user[index].as_object_mut() else {
        return e(-1, "system error");
    };
    let canonical_userid = f
        .get("userid")
        .and_then(Value::as_str)
        .unwrap_or(userid)
        .to_lowercase();
    if let Some(r) = remark {
        f.insert("remark".into(), json!(r));
    }
    if let Some(d) = description {
        f.insert("description".into(), json!(d));
    }
    if let Some(c) = company {
        f.insert("remark_corp_name".into(), json!(c));
    }
    if !mobiles.is_empty() {
        let kept: Vec<&String> = mobiles.iter().filter(|m| !m.is_empty()).collect();
        f.insert("remark_mobiles".into(), json!(kept));
    }
    if let Some(p) = pic {
        st.remark_pics
            .insert((ext.to_string(), canonical_userid), p.to_string());
    }
    Ok(Map::new())
}

fn mark_tag(st: &mut State, body: &[u8]) -> Answer {
    let b = body_object(body, false)?;
    let userid = required_userid(&b)?;
    let ext = check_external_userid(opt_str(&b, "external_userid")?)?;
    let add = opt_str_array(&b, "add_tag")?;
    let remove = opt_str_array(&b, "remove_tag")?;
    if add.is_empty() && remove.is_empty() {
        return e(
            41017,
            "missing tagid: add_tag and remove_tag are both empty",
        );
    }
    // id -> (group_name, tag_name, live)
    let mut index: HashMap<&str, (&str, &str, bool)> = HashMap::new();
    for g in &st.tag_groups {
        for t in tag_list(g) {
            let live = !is_deleted(g) && !is_deleted(t);
            index.insert(
                str_of(t, "id"),
                (str_of(g, "group_name"), str_of(t, "name"), live),
            );
        }
    }
    if add
        .iter()
        .any(|id| !index.get(id.as_str()).is_some_and(|t| t.2))
        || remove.iter().any(|id| !index.contains_key(id.as_str()))
    {
        return e(40068, "invalid tagid");
    }
    let i = locate(st, ext, userid)?;
    let current: Vec<Value> = st.customers[ext].follow_user[i]
        .get("tags")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let removing: HashSet<&str> = remove.iter().map(String::as_str).collect();
    let mut tags: Vec<Value> = current
        .into_iter()
        .filter(|t| {
            !t.get("tag_id")
                .and_then(Value::as_str)
                .is_some_and(|id| removing.contains(id))
        })
        .collect();
    let mut present: HashSet<String> = tags
        .iter()
        .filter_map(|t| t.get("tag_id").and_then(Value::as_str).map(str::to_string))
        .collect();
    for id in &add {
        if present.insert(id.clone()) {
            let (group, name, _) = index[id.as_str()];
            tags.push(json!({"group_name": group, "tag_name": name, "type": 1, "tag_id": id}));
        }
    }
    if tags.len() > MAX_TAGS_PER_CUSTOMER {
        return e(
            40058,
            "invalid parameter: a member may put at most 3000 tags on one customer",
        );
    }
    if let Some(f) = st
        .customers
        .get_mut(ext)
        .and_then(|c| c.follow_user[i].as_object_mut())
    {
        f.insert("tags".into(), Value::Array(tags));
    }
    Ok(Map::new())
}

fn groupchat_get(st: &State, body: &[u8]) -> Answer {
    let b = body_object(body, false)?;
    let Some(chat_id) = opt_str(&b, "chat_id")?.filter(|s| !s.is_empty()) else {
        return e(40058, "invalid parameter: chat_id missing");
    };
    let need_name = match b.get("need_name") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(_) => return e(47001, "data format error: need_name must be 0 or 1"),
    };
    let Some(chat) = st.group_chats.get(chat_id) else {
        return e(40050, "chatid not exist");
    };
    let mut chat = chat.clone();
    if need_name != 1 {
        if let Some(list) = chat.get_mut("member_list").and_then(Value::as_array_mut) {
            for m in list {
                if let Some(o) = m.as_object_mut() {
                    o.remove("name");
                }
            }
        }
    }
    let mut out = Map::new();
    out.insert("group_chat".into(), chat);
    Ok(out)
}

pub(crate) fn remark_view(st: &State, external_userid: &str, userid: &str) -> Option<Value> {
    let f = st.follower(external_userid, userid)?;
    let mut o = Map::new();
    for key in [
        "remark",
        "description",
        "remark_corp_name",
        "remark_mobiles",
    ] {
        o.insert(key.into(), f.get(key).cloned().unwrap_or(Value::Null));
    }
    let key = (
        external_userid.to_string(),
        str_of(f, "userid").to_lowercase(),
    );
    if let Some(pic) = st.remark_pics.get(&key) {
        o.insert("remark_pic_mediaid".into(), json!(pic));
    }
    Some(Value::Object(o))
}

pub(crate) fn tag_ids(st: &State, external_userid: &str, userid: &str) -> Vec<String> {
    st.follower(external_userid, userid)
        .and_then(|f| f.get("tags"))
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.get("tag_id").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

// ---- the control API --------------------------------------------------------------------

async fn loopback_only(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    if !peer.ip().is_loopback() {
        return control_error(
            StatusCode::FORBIDDEN,
            "the control API answers loopback only",
        );
    }
    next.run(req).await
}

fn control_error(status: StatusCode, msg: &str) -> Response {
    json_response(status, json!({"ok": false, "error": msg}).to_string())
}

fn control_ok(extra: Value) -> Response {
    let mut o = Map::new();
    o.insert("ok".into(), json!(true));
    if let Value::Object(more) = extra {
        o.extend(more);
    }
    json_response(StatusCode::OK, Value::Object(o).to_string())
}

fn control_body(body: &[u8]) -> Result<Map<String, Value>, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err("body must be a JSON object".into()),
    }
}

fn bad_request(msg: &str) -> Response {
    control_error(StatusCode::BAD_REQUEST, msg)
}

async fn control_counts(AxState(sh): AxState<Sh>) -> Response {
    let st = sh.lock();
    control_ok(json!({"counts": st.counts, "gettoken": st.gettoken_counts}))
}

/// `{errcode, errmsg}` | `{status}` | `"garbage"` | `{delayMs}` | `"hang"`.
pub(crate) fn parse_fault(v: &Value) -> Result<Fault, String> {
    match v {
        Value::String(s) if s == "garbage" => Ok(Fault::Garbage),
        Value::String(s) if s == "hang" => Ok(Fault::Hang),
        Value::Object(o) => {
            if let Some(code) = o.get("errcode") {
                let code = code.as_i64().ok_or("errcode must be an integer")?;
                let msg = o
                    .get("errmsg")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                Ok(Fault::Errcode(code, msg))
            } else if let Some(s) = o.get("status") {
                let s = s
                    .as_u64()
                    .filter(|s| (100..=999).contains(s))
                    .ok_or("status must be an HTTP status")?;
                Ok(Fault::Status(s as u16))
            } else if let Some(ms) = o.get("delayMs").or_else(|| o.get("delay_ms")) {
                let ms = ms.as_u64().ok_or("delayMs must be a whole number")?;
                Ok(Fault::Delay(Duration::from_millis(ms)))
            } else {
                Err("fault object needs errcode, status or delayMs".into())
            }
        }
        _ => Err(
            r#"fault must be {errcode,errmsg}, {status}, "garbage", {delayMs} or "hang""#.into(),
        ),
    }
}

async fn control_fault(AxState(sh): AxState<Sh>, body: Bytes) -> Response {
    let b = match control_body(&body) {
        Ok(b) => b,
        Err(msg) => return bad_request(&msg),
    };
    let Some(api) = b.get("api").and_then(Value::as_str) else {
        return control_error(StatusCode::BAD_REQUEST, "api is required");
    };
    let fault = match b.get("fault").map(parse_fault) {
        Some(Ok(f)) => f,
        Some(Err(msg)) => return control_error(StatusCode::BAD_REQUEST, &msg),
        None => return control_error(StatusCode::BAD_REQUEST, "fault is required"),
    };
    let times = match b.get("times") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => return control_error(StatusCode::BAD_REQUEST, "times must be a whole number"),
        },
    };
    let api = api.trim_start_matches('/');
    let api = api.strip_prefix("cgi-bin/").unwrap_or(api).to_string();
    let mut st = sh.lock();
    st.fault_skips.remove(&api);
    if times == Some(0) {
        st.faults.remove(&api);
    } else {
        st.faults.insert(api, (fault, times));
    }
    control_ok(json!({}))
}

async fn control_clear(AxState(sh): AxState<Sh>) -> Response {
    let mut st = sh.lock();
    st.faults.clear();
    st.fault_skips.clear();
    control_ok(json!({}))
}

fn number_field(b: &Map<String, Value>, key: &str) -> Result<u64, String> {
    b.get(key)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("{key} must be a whole number"))
}

async fn control_latency(AxState(sh): AxState<Sh>, body: Bytes) -> Response {
    let ms = match control_body(&body).and_then(|b| number_field(&b, "ms")) {
        Ok(ms) => ms,
        Err(msg) => return bad_request(&msg),
    };
    sh.lock().latency = Duration::from_millis(ms);
    control_ok(json!({}))
}

async fn control_advance(AxState(sh): AxState<Sh>, body: Bytes) -> Response {
    let secs = match control_body(&body).and_then(|b| number_field(&b, "secs")) {
        Ok(s) => s,
        Err(msg) => return bad_request(&msg),
    };
    let now = {
        let mut st = sh.lock();
        st.clock_offset += secs;
        sh.now(&st)
    };
    // Hand-overs whose 24 hours passed settle now, and their transfer_fail events go out.
    let delivered = transfer::flush(&sh).await;
    control_ok(json!({"now": now, "callbacks": delivered}))
}

async fn control_code(AxState(sh): AxState<Sh>, body: Bytes) -> Response {
    let b = match control_body(&body) {
        Ok(b) => b,
        Err(msg) => return bad_request(&msg),
    };
    let Some(userid) = b
        .get("userid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return control_error(StatusCode::BAD_REQUEST, "userid is required");
    };
    let code = sh.issue_code(userid);
    control_ok(json!({"code": code}))
}

async fn control_reset(AxState(sh): AxState<Sh>) -> Response {
    sh.reset();
    control_ok(json!({}))
}

async fn control_follow_user(
    AxState(sh): AxState<Sh>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(ext), Some(userid)) = (param(&q, "external_userid"), param(&q, "userid")) else {
        return control_error(
            StatusCode::BAD_REQUEST,
            "external_userid and userid are required",
        );
    };
    let st = sh.lock();
    match remark_view(&st, ext, userid) {
        Some(Value::Object(mut o)) => {
            o.insert("tags".into(), json!(tag_ids(&st, ext, userid)));
            control_ok(Value::Object(o))
        }
        _ => control_error(
            StatusCode::NOT_FOUND,
            "that member does not follow that customer",
        ),
    }
}

async fn control_transfer_outcome(AxState(sh): AxState<Sh>, body: Bytes) -> Response {
    let b = match control_body(&body) {
        Ok(b) => b,
        Err(msg) => return bad_request(&msg),
    };
    let Some(ext) = b.get("external_userid").and_then(Value::as_str) else {
        return bad_request("external_userid is required");
    };
    let outcome = match b.get("outcome").and_then(Value::as_str) {
        Some("accept") => transfer::TransferOutcome::Accept,
        Some("refuse") => transfer::TransferOutcome::Refuse,
        Some("taker_at_limit") => transfer::TransferOutcome::TakerAtLimit,
        _ => return bad_request("outcome must be accept, refuse or taker_at_limit"),
    };
    sh.lock().handover.outcomes.insert(ext.to_string(), outcome);
    control_ok(json!({}))
}

async fn control_callback(AxState(sh): AxState<Sh>, body: Bytes) -> Response {
    let b = match control_body(&body) {
        Ok(b) => b,
        Err(msg) => return bad_request(&msg),
    };
    let field = |k: &str| b.get(k).and_then(Value::as_str).map(str::to_string);
    let (Some(url), Some(token), Some(key)) = (field("url"), field("token"), field("aes_key"))
    else {
        return bad_request("url, token and aes_key are required");
    };
    if key.len() != 43 {
        return bad_request("aes_key must be the 43-character EncodingAESKey");
    }
    sh.lock().handover.callback = Some((url, token, key));
    control_ok(json!({}))
}

async fn control_flush(AxState(sh): AxState<Sh>) -> Response {
    let delivered = transfer::flush(&sh).await;
    control_ok(json!({"callbacks": delivered}))
}
