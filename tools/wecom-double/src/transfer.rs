//! Customer and group-chat hand-over (在职继承 / 离职继承): `get_unassigned_list`,
//! `transfer_customer` (on-job and resigned), `transfer_result`, `groupchat/list`,
//! `groupchat/transfer` and `groupchat/onjob_transfer`, and the encrypted `transfer_fail`
//! callback. The errcodes and the choices made where WeCom documents none are in README.md.

use crate::{Shared, State};
use serde_json::{json, Map, Value};

type Answer = Result<Map<String, Value>, (i64, String)>;

/// A hand-over completes (or fails) this long after it started (WeCom: 24 hours).
pub const TRANSFER_SECS: u64 = 86_400;
/// A customer may be handed over at most this many times …
pub const MAX_TRANSFERS: usize = 2;
/// … in this window (WeCom: 90 days).
pub const TRANSFER_WINDOW_SECS: u64 = 90 * 86_400;
/// A resigned member's customers may be handed over for this long after they left.
pub const RESIGNED_MAX_SECS: u64 = 365 * 86_400;
/// At most this many customers or chats a call.
pub const MAX_PER_CALL: usize = 100;
/// `transfer_success_msg`: at most this many characters.
pub const MAX_MSG_CHARS: usize = 200;
/// `transfer_result` answers at most this many customers a page (a choice).
pub const RESULT_PAGE: usize = 100;

/// What a customer's hand-over will come to after 24 hours (set by tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferOutcome {
    /// Done (status 1), the default.
    Accept,
    /// The customer refuses (status 3; `transfer_fail` with `customer_refused`).
    Refuse,
    /// The taker is at their customer limit (status 4; `customer_limit_exceed`).
    TakerAtLimit,
}

pub(crate) struct Transfer {
    pub external_userid: String,
    pub handover: String,
    pub takeover: String,
    pub started: u64,
    /// 1 done, 2 waiting, 3 refused, 4 taker at limit.
    pub status: u8,
}

#[derive(Default)]
pub(crate) struct Handover {
    pub transfers: Vec<Transfer>,
    pub outcomes: std::collections::HashMap<String, TransferOutcome>,
    /// (url, token, EncodingAESKey)
    pub callback: Option<(String, String, String)>,
    /// Plaintext XML events waiting to be POSTed.
    pub queue: Vec<String>,
}

fn e<T>(code: i64, msg: &str) -> Result<T, (i64, String)> {
    Err((code, msg.to_string()))
}

fn body_object(body: &[u8]) -> Result<Map<String, Value>, (i64, String)> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => e(47001, "data format error"),
    }
}

fn str_field<'a>(b: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, (i64, String)> {
    match b.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => e(47001, "data format error"),
    }
}

fn str_list(b: &Map<String, Value>, key: &str) -> Result<Vec<String>, (i64, String)> {
    match b.get(key) {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or((47001, "data format error".into()))
            })
            .collect(),
        Some(_) => e(47001, "data format error"),
    }
}

fn dimission_time(st: &State, userid: &str) -> Option<u64> {
    let lower = userid.to_lowercase();
    st.resigned.get(&lower).copied()
}

fn member<'a>(st: &'a State, userid: &str) -> Result<&'a str, (i64, String)> {
    st.members
        .get(&userid.to_lowercase())
        .map(|m| m.userid.as_str())
        .ok_or((60111, "userid not found".into()))
}

fn follows(st: &State, external_userid: &str, userid: &str) -> bool {
    st.follower(external_userid, userid).is_some()
}

/// Settles every hand-over whose 24 hours have passed, moving customers and queueing
/// `transfer_fail` events.
pub(crate) fn settle(sh: &Shared, st: &mut State) {
    let now = sh.now(st);
    let mut moves = vec![];
    for t in st.handover.transfers.iter_mut() {
        if t.status != 2 || now < t.started + TRANSFER_SECS {
            continue;
        }
        let outcome = st
            .handover
            .outcomes
            .get(&t.external_userid)
            .copied()
            .unwrap_or(TransferOutcome::Accept);
        t.status = match outcome {
            TransferOutcome::Accept => 1,
            TransferOutcome::Refuse => 3,
            TransferOutcome::TakerAtLimit => 4,
        };
        moves.push((
            t.external_userid.clone(),
            t.handover.clone(),
            t.takeover.clone(),
            t.status,
        ));
    }
    for (ext, from, to, status) in moves {
        if status == 1 {
            let already = follows(st, &ext, &to);
            if let Some(c) = st.customers.get_mut(&ext) {
                let lower = from.to_lowercase();
                let is_from = |f: &Value| {
                    f.get("userid")
                        .and_then(Value::as_str)
                        .is_some_and(|u| u.to_lowercase() == lower)
                };
                if already {
                    c.follow_user.retain(|f| !is_from(f));
                } else if let Some(f) = c.follow_user.iter_mut().find(|f| is_from(f)) {
                    f["userid"] = json!(to);
                    f["add_way"] = json!(202);
                }
            }
        } else {
            let reason = if status == 3 {
                "customer_refused"
            } else {
                "customer_limit_exceed"
            };
            let xml = format!(
                "<xml><ToUserName><![CDATA[{corp}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[transfer_fail]]></ChangeType><FailReason><![CDATA[{reason}]]></FailReason><UserID><![CDATA[{to}]]></UserID><ExternalUserID><![CDATA[{ext}]]></ExternalUserID></xml>",
                corp = sh.config.corp_id
            );
            if st.handover.callback.is_some() {
                st.handover.queue.push(xml);
            }
        }
    }
}

/// `POST externalcontact/get_unassigned_list {cursor?, page_size?}`.
pub(crate) fn unassigned_list(sh: &Shared, st: &mut State, body: &[u8]) -> Answer {
    settle(sh, st);
    let b = body_object(body)?;
    let page_size = match b.get("page_size") {
        None | Some(Value::Null) => 1000,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=1000).contains(&n) => n as usize,
            _ => return e(40058, "invalid page_size: 1 to 1000"),
        },
    };
    let mut all: Vec<(String, String, u64)> = vec![];
    let mut ids: Vec<&String> = st.customers.keys().collect();
    ids.sort();
    for ext in ids {
        for f in &st.customers[ext].follow_user {
            let Some(u) = f.get("userid").and_then(Value::as_str) else {
                continue;
            };
            let Some(t) = dimission_time(st, u) else {
                continue;
            };
            let waiting = st
                .handover
                .transfers
                .iter()
                .any(|x| &x.external_userid == ext && x.status == 2);
            if !waiting {
                all.push((u.to_string(), ext.clone(), t));
            }
        }
    }
    let offset = match str_field(&b, "cursor")? {
        None => 0,
        Some(c) => match crate::params::decode_cursor(sh.cursor_key, "unassigned", c) {
            Some(o) => o,
            None => return e(40058, "invalid cursor"),
        },
    };
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|(u, x, t)| json!({"handover_userid": u, "external_userid": x, "dimission_time": t}))
        .collect();
    let end = offset + page.len();
    let last = end >= all.len();
    let mut out = Map::new();
    out.insert("info".into(), json!(page));
    out.insert("is_last".into(), json!(last));
    let next = if last {
        String::new()
    } else {
        crate::params::encode_cursor(sh.cursor_key, "unassigned", end)
    };
    out.insert("next_cursor".into(), json!(next));
    Ok(out)
}

/// `transfer_customer` (on-job) and `resigned/transfer_customer`.
pub(crate) fn transfer_customer(
    sh: &Shared,
    st: &mut State,
    body: &[u8],
    resigned: bool,
) -> Answer {
    settle(sh, st);
    let b = body_object(body)?;
    let Some(handover) = str_field(&b, "handover_userid")? else {
        return e(40003, "invalid userid: handover_userid missing");
    };
    let Some(takeover) = str_field(&b, "takeover_userid")? else {
        return e(40003, "invalid userid: takeover_userid missing");
    };
    let list = str_list(&b, "external_userid")?;
    let msg = str_field(&b, "transfer_success_msg")?;
    if list.is_empty() {
        return e(41035, "missing external userid");
    }
    if list.len() > MAX_PER_CALL {
        return e(
            40058,
            "invalid parameter: at most 100 external_userid a call",
        );
    }
    if resigned && msg.is_some() {
        return e(
            40058,
            "invalid parameter: transfer_success_msg is for on-job transfers",
        );
    }
    if msg.is_some_and(|m| m.chars().count() > MAX_MSG_CHARS) {
        return e(
            40058,
            "invalid parameter: transfer_success_msg over 200 characters",
        );
    }
    let handover = member(st, handover)?.to_string();
    let takeover = member(st, takeover)?.to_string();
    if handover.to_lowercase() == takeover.to_lowercase() {
        return e(
            40058,
            "invalid parameter: takeover_userid equals handover_userid",
        );
    }
    let now = sh.now(st);
    match (resigned, dimission_time(st, &handover)) {
        (true, None) => return e(40097, "handover_userid has not resigned"),
        (true, Some(t)) if now.saturating_sub(t) >= RESIGNED_MAX_SECS => {
            return e(40102, "handover_userid resigned over a year ago")
        }
        (false, Some(_)) => {
            return e(
                40058,
                "invalid parameter: handover_userid has resigned, use resigned/transfer_customer",
            )
        }
        _ => {}
    }
    if dimission_time(st, &takeover).is_some() {
        return e(40098, "takeover_userid has resigned");
    }
    let mut results = vec![];
    for ext in list {
        let code = if crate::params::check_external_userid(Some(&ext)).is_err() {
            40096
        } else if !follows(st, &ext, &handover) {
            84061
        } else if st
            .handover
            .transfers
            .iter()
            .any(|t| t.external_userid == ext && t.status == 2)
        {
            40129
        } else if st
            .handover
            .transfers
            .iter()
            .filter(|t| t.external_userid == ext && t.started + TRANSFER_WINDOW_SECS > now)
            .count()
            >= MAX_TRANSFERS
        {
            40130
        } else {
            st.handover.transfers.push(Transfer {
                external_userid: ext.clone(),
                handover: handover.clone(),
                takeover: takeover.clone(),
                started: now,
                status: 2,
            });
            0
        };
        results.push(json!({"external_userid": ext, "errcode": code}));
    }
    let mut out = Map::new();
    out.insert("customer".into(), json!(results));
    Ok(out)
}

/// `transfer_result` and `resigned/transfer_result {handover_userid, takeover_userid, cursor?}`.
pub(crate) fn transfer_result(sh: &Shared, st: &mut State, body: &[u8]) -> Answer {
    settle(sh, st);
    let b = body_object(body)?;
    let (Some(handover), Some(takeover)) = (
        str_field(&b, "handover_userid")?,
        str_field(&b, "takeover_userid")?,
    ) else {
        return e(
            40003,
            "invalid userid: handover_userid and takeover_userid are required",
        );
    };
    let (h, t) = (handover.to_lowercase(), takeover.to_lowercase());
    let key = format!("result:{h}:{t}");
    let offset = match str_field(&b, "cursor")? {
        None => 0,
        Some(c) => match crate::params::decode_cursor(sh.cursor_key, &key, c) {
            Some(o) => o,
            None => return e(40058, "invalid cursor"),
        },
    };
    // The latest hand-over of each customer between the two.
    let mut latest: Vec<&Transfer> = vec![];
    for x in st.handover.transfers.iter().rev() {
        if x.handover.to_lowercase() == h
            && x.takeover.to_lowercase() == t
            && !latest
                .iter()
                .any(|y| y.external_userid == x.external_userid)
        {
            latest.push(x);
        }
    }
    latest.reverse();
    let page: Vec<Value> = latest
        .iter()
        .skip(offset)
        .take(RESULT_PAGE)
        .map(|x| {
            let time = if x.status == 1 || x.status == 2 {
                x.started + TRANSFER_SECS
            } else {
                0
            };
            json!({"external_userid": x.external_userid, "status": x.status, "takeover_time": time})
        })
        .collect();
    let end = offset + page.len();
    let next = if end >= latest.len() {
        String::new()
    } else {
        crate::params::encode_cursor(sh.cursor_key, &key, end)
    };
    let mut out = Map::new();
    out.insert("customer".into(), json!(page));
    out.insert("next_cursor".into(), json!(next));
    Ok(out)
}

/// `POST externalcontact/groupchat/list {status_filter?, owner_filter?: {userid_list}, cursor?, limit}`.
pub(crate) fn groupchat_list(sh: &Shared, st: &State, body: &[u8]) -> Answer {
    let b = body_object(body)?;
    let limit = match b.get("limit").and_then(Value::as_u64) {
        Some(n) if (1..=1000).contains(&n) => n as usize,
        _ => return e(40058, "invalid limit: 1 to 1000"),
    };
    let status_filter = b.get("status_filter").and_then(Value::as_u64).unwrap_or(0);
    let owners: Vec<String> = match b.get("owner_filter") {
        Some(Value::Object(o)) => str_list(o, "userid_list")?
            .iter()
            .map(|u| u.to_lowercase())
            .collect(),
        _ => vec![],
    };
    let mut chats: Vec<(&String, &Value)> = st.group_chats.iter().collect();
    chats.sort_by(|a, b| a.0.cmp(b.0));
    let list: Vec<Value> = chats
        .into_iter()
        .filter_map(|(id, g)| {
            let owner = g.get("owner").and_then(Value::as_str).unwrap_or("");
            let status = u64::from(dimission_time(st, owner).is_some());
            let owner_ok = owners.is_empty() || owners.contains(&owner.to_lowercase());
            (owner_ok && (status_filter == 0 || status == status_filter))
                .then(|| json!({"chat_id": id, "status": status}))
        })
        .collect();
    let offset = match str_field(&b, "cursor")? {
        None => 0,
        Some(c) => match crate::params::decode_cursor(sh.cursor_key, "groupchats", c) {
            Some(o) => o,
            None => return e(40058, "invalid cursor"),
        },
    };
    let page: Vec<Value> = list.iter().skip(offset).take(limit).cloned().collect();
    let end = offset + page.len();
    let next = if end >= list.len() {
        String::new()
    } else {
        crate::params::encode_cursor(sh.cursor_key, "groupchats", end)
    };
    let mut out = Map::new();
    out.insert("group_chat_list".into(), json!(page));
    out.insert("next_cursor".into(), json!(next));
    Ok(out)
}

/// `groupchat/transfer` (resigned owners) and `groupchat/onjob_transfer {chat_id_list, new_owner}`.
pub(crate) fn groupchat_transfer(st: &mut State, body: &[u8], resigned: bool) -> Answer {
    let b = body_object(body)?;
    let chats = str_list(&b, "chat_id_list")?;
    if chats.is_empty() {
        return e(40058, "invalid parameter: chat_id_list missing");
    }
    if chats.len() > MAX_PER_CALL {
        return e(40058, "invalid parameter: at most 100 chats a call");
    }
    let Some(new_owner) = str_field(&b, "new_owner")? else {
        return e(40003, "invalid userid: new_owner missing");
    };
    let new_owner = member(st, new_owner)?.to_string();
    if dimission_time(st, &new_owner).is_some() {
        return e(40098, "new_owner has resigned");
    }
    let mut failed = vec![];
    for id in chats {
        let owner = st.group_chats.get(&id).map(|g| {
            g.get("owner")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        });
        let code = match owner {
            None => Some((40050, "chatid not exist")),
            Some(o) if o.to_lowercase() == new_owner.to_lowercase() => {
                Some((90504, "the owner is already new_owner"))
            }
            Some(o) => match (resigned, dimission_time(st, &o).is_some()) {
                (true, false) => Some((90500, "the owner has not resigned")),
                (false, true) => Some((90502, "the owner has resigned")),
                _ => None,
            },
        };
        match code {
            Some((c, m)) => failed.push(json!({"chat_id": id, "errcode": c, "errmsg": m})),
            None => {
                if let Some(g) = st.group_chats.get_mut(&id) {
                    g["owner"] = json!(new_owner);
                }
            }
        }
    }
    let mut out = Map::new();
    out.insert("failed_chat_list".into(), json!(failed));
    Ok(out)
}

// ---- the encrypted callback ---------------------------------------------------------------

/// WeCom's callback encryption: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the
/// key's first 16 bytes, PKCS#7 to 32-byte blocks, plaintext = 16 random bytes, a 4-byte
/// big-endian length, the message, the receive id. Returns base64 of the ciphertext.
pub fn encrypt(aes_key: &str, receive_id: &str, message: &str) -> Result<String, String> {
    use aes::cipher::{BlockEncryptMut, KeyIvInit};
    use base64::Engine;
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let key = lenient
        .decode(format!("{aes_key}="))
        .map_err(|_| "the EncodingAESKey is not base64".to_string())?;
    if key.len() != 32 {
        return Err("the EncodingAESKey must decode to 32 bytes".into());
    }
    let mut plain = vec![0u8; 16];
    let _ = getrandom::fill(&mut plain);
    plain.extend_from_slice(&(message.len() as u32).to_be_bytes());
    plain.extend_from_slice(message.as_bytes());
    plain.extend_from_slice(receive_id.as_bytes());
    let pad = 32 - plain.len() % 32;
    plain.extend(std::iter::repeat_n(pad as u8, pad));
    let n = plain.len();
    let enc = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &key[..16])
        .map_err(|_| "bad key".to_string())?;
    let out = enc
        .encrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut plain, n)
        .map_err(|_| "encrypt failed".to_string())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// SHA1 of the sorted `[token, timestamp, nonce, encrypt]`, hex.
pub fn signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    use sha1::{Digest, Sha1};
    let mut parts = [token, timestamp, nonce, encrypt];
    parts.sort();
    let digest = Sha1::digest(parts.concat().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// POSTs one plaintext event to `url` as WeCom does. Returns the HTTP status.
pub(crate) async fn deliver(
    url: &str,
    token: &str,
    aes_key: &str,
    corp_id: &str,
    xml: &str,
) -> Result<u16, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let encrypt = encrypt(aes_key, corp_id, xml)?;
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string();
    let nonce = crate::random_token(10);
    let sig = signature(token, &timestamp, &nonce, &encrypt);
    let rest = url
        .strip_prefix("http://")
        .ok_or("the callback URL must be http://")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    let body = format!(
        "<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>"
    );
    let req = format!(
        "POST {path}{sep}msg_signature={sig}&timestamp={timestamp}&nonce={nonce} HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .map_err(|e| format!("connect: {}", e.kind()))?;
    stream
        .write_all(req.as_bytes())
        .await
        .map_err(|e| format!("write: {}", e.kind()))?;
    let mut answer = vec![];
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|e| format!("read: {}", e.kind()))?;
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "no HTTP status".into())
}

/// Sends every queued event; returns their HTTP statuses (0 = not delivered).
pub(crate) async fn flush(sh: &Shared) -> Vec<u16> {
    let (cb, queue) = {
        let mut st = sh.lock();
        settle(sh, &mut st);
        (
            st.handover.callback.clone(),
            std::mem::take(&mut st.handover.queue),
        )
    };
    let Some((url, token, key)) = cb else {
        return vec![];
    };
    let mut out = vec![];
    for xml in queue {
        match deliver(&url, &token, &key, &sh.config.corp_id, &xml).await {
            Ok(s) => out.push(s),
            Err(err) => {
                tracing::warn!(error = %err, "callback not delivered");
                out.push(0);
            }
        }
    }
    out
}
