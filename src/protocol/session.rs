//! The login session and the backend contract.
//!
//! `wx.qy.login` gives a code; the app's own backend exchanges it
//! (`miniprogram/jscode2session`, server side, with the app's secret) and
//! answers with its own session token. That token is the only credential the
//! client ever holds. See README "Backend contract".

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::support::text::truncate_chars;
use crate::wecom::ids::{CorpId, UserId};
use crate::wecom::lenient;

/// Storage key of the persisted session (token, corpid, userid).
pub const SESSION_KEY: &str = "wcc:session";

/// Paths of the backend contract, relative to `Config::backend_url`.
pub mod paths {
    pub const SESSION: &str = "/api/session";
    pub const CORP_TAGS: &str = "/api/corp-tags";
    /// The materials library (`wcc-server`: GET /api/materials).
    pub const MATERIALS: &str = "/api/materials";
    /// A picture from the phone, uploaded for a media id (POST /api/media).
    pub const MEDIA: &str = "/api/media";

    pub fn customer(external_userid: &str, cursor: Option<&str>) -> String {
        match cursor {
            Some(c) if !c.is_empty() => {
                format!(
                    "/api/external-contacts/{external_userid}?cursor={}",
                    super::query_escape(c)
                )
            }
            _ => format!("/api/external-contacts/{external_userid}"),
        }
    }
    pub fn remark(external_userid: &str) -> String {
        format!("/api/external-contacts/{external_userid}/remark")
    }
    pub fn mark_tag(external_userid: &str) -> String {
        format!("/api/external-contacts/{external_userid}/mark-tag")
    }
    pub fn group_chat(chat_id: &str) -> String {
        format!("/api/group-chats/{chat_id}")
    }
}

/// Percent-escapes a query value (ids are already URL-safe; cursors may not be).
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The signed-in member, as the backend vouches for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub token: String,
    pub corpid: CorpId,
    pub userid: UserId,
}
crate::support::stored::stored_struct!(Session {
    token: "token",
    corpid: "corpid",
    userid: "userid"
});

/// Why the backend's session answer is unusable.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionError {
    BadJson,
    /// `{errcode, errmsg}` from the backend (40029: the code was invalid).
    Rejected {
        errcode: i64,
        errmsg: String,
    },
    MissingField(&'static str),
    BadId(String),
}

/// Parses `POST /api/session`'s answer: `{token, corpid, userid}`.
pub fn parse_session(body: &str) -> Result<Session, SessionError> {
    let v: Value = crate::support::input::parse_value(body).map_err(|_| SessionError::BadJson)?;
    if let Some((errcode, errmsg)) = lenient::wecom_error(&v) {
        let errmsg = truncate_chars(&errmsg, 200).to_owned();
        return Err(SessionError::Rejected { errcode, errmsg });
    }
    let field = |name: &'static str| {
        v.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .ok_or(SessionError::MissingField(name))
    };
    let token = field("token")?;
    if token.len() > 4096 || token.chars().any(char::is_control) {
        return Err(SessionError::MissingField("token"));
    }
    let corpid = CorpId::parse(field("corpid")?).map_err(|e| SessionError::BadId(e.to_string()))?;
    let userid = UserId::parse(field("userid")?).map_err(|e| SessionError::BadId(e.to_string()))?;
    Ok(Session {
        token: token.to_owned(),
        corpid,
        userid,
    })
}

/// Delay before retry number `attempt` (1-based): 1 s, 2 s, 4 s … capped at 30 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    let exp = attempt.saturating_sub(1).min(5);
    (1000u32 << exp).min(30_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_backend_answer() {
        let s = parse_session(r#"{"token":"t-1","corpid":"ww1234567890abcdef","userid":"ZhangSan","expires_in":7200}"#)
            .unwrap();
        assert_eq!(s.token, "t-1");
        assert_eq!(s.userid, UserId::parse("zhangsan").unwrap());
    }

    #[test]
    fn refuses_bad_answers() {
        assert_eq!(parse_session("<html>").unwrap_err(), SessionError::BadJson);
        assert_eq!(
            parse_session(r#"{"errcode":40029,"errmsg":"invalid code"}"#).unwrap_err(),
            SessionError::Rejected {
                errcode: 40029,
                errmsg: "invalid code".into()
            }
        );
        assert_eq!(
            parse_session(r#"{"corpid":"ww1","userid":"a"}"#).unwrap_err(),
            SessionError::MissingField("token")
        );
        assert!(matches!(
            parse_session(r#"{"token":"t","corpid":"zz","userid":"a"}"#).unwrap_err(),
            SessionError::BadId(_)
        ));
        assert!(matches!(
            parse_session(r#"{"token":"t","corpid":"ww12","userid":"a b"}"#).unwrap_err(),
            SessionError::BadId(_)
        ));
    }

    #[test]
    fn an_unreadable_errcode_is_refused_even_with_a_token() {
        let e = parse_session(r#"{"errcode":"oops","token":"t","corpid":"ww1","userid":"a"}"#)
            .unwrap_err();
        assert_eq!(
            e,
            SessionError::Rejected {
                errcode: -1,
                errmsg: String::new()
            }
        );
    }

    #[test]
    fn a_rejected_errmsg_is_cut_to_200_characters() {
        let body = format!(r#"{{"errcode":"40029","errmsg":"{}"}}"#, "错".repeat(300));
        match parse_session(&body).unwrap_err() {
            SessionError::Rejected { errcode, errmsg } => {
                assert_eq!(errcode, 40029);
                assert_eq!(errmsg, "错".repeat(200));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff_ms(1), 1000);
        assert_eq!(backoff_ms(2), 2000);
        assert_eq!(backoff_ms(5), 16000);
        assert_eq!(backoff_ms(6), 30000);
        assert_eq!(backoff_ms(60), 30000);
    }

    #[test]
    fn paths_escape_cursors() {
        assert_eq!(
            paths::customer("wmabc", Some("a b/c")),
            "/api/external-contacts/wmabc?cursor=a%20b%2Fc"
        );
        assert_eq!(
            paths::customer("wmabc", None),
            "/api/external-contacts/wmabc"
        );
    }
}
