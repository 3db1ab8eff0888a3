//! The typed outcome of a `wx.qy` call, read from its `errMsg`.
//!
//! `errMsg` looks like `"<api>:ok"`, `"<api>:fail <reason>"`,
//! `"<api>:cancel"`; real clients also send `"qy.<api>:ok"`,
//! `"<api>:fail_<reason>"`, `"<api>:fail:<reason>"`, `"<api>:fail_fail_<reason>"`
//! and a bare `"fail <reason>"`. The reason is matched case-insensitively,
//! with `_` and `:` read as spaces. `errCode` is only a hint, used when
//! `errMsg` is missing or blank: numeric codes alone are never trusted
//! beyond "0 means ok".
//!
//! The reasons, one classification ([`Outcome::parse`]) with their sources:
//! `user not in allow list`, `without context of external contact`,
//! `no permission` and `invalid imgUrl` (wecom:93863, sendChatMessage),
//! `unsupported chat` (wecom:96967, openEnterpriseChat), `unsupported
//! msgtype` (wecom:97014); the spellings `fail_nopermission` and the like
//! are reported by users on the WeCom forum (wecom-facts §3).

use crate::support::locale::Localized;
use crate::support::text::truncate_chars;

/// Longest raw `errMsg` kept in [`Outcome::Unknown`], in characters as
/// people see them (`crate::support::text`).
pub const MAX_ERR_MSG_CHARS: usize = 200;

/// What a `wx.qy` call came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// `no permission`: the app lacks 客户联系 permission, or the member has
    /// none configured.
    NoPermission,
    /// `without context of external contact`: called from the wrong entry.
    WrongEntry,
    /// `user not in allow list`: the member is outside the app's visible range.
    NotInAllowList,
    /// The user cancelled (`:cancel`, `:fail cancel`).
    Cancelled,
    /// `unsupported chat`.
    UnsupportedChat,
    /// `unsupported msgtype`: this message type cannot be sent from the
    /// entry the page was opened from (wecom:97014).
    UnsupportedMsgType,
    /// `invalid imgUrl`.
    InvalidImageUrl,
    /// `checkSession` failed: log in again.
    SessionExpired,
    /// `not support`, `api not support`, `nosupport`, `unsupported` (other
    /// than the two above)…: the client lacks it.
    NotSupported,
    /// Anything else; the raw `errMsg` (at most 200 characters, may be empty
    /// when the client sent none).
    Unknown {
        err_msg: String,
    },
}

impl Outcome {
    /// `api` is the method name (`"checkSession"`, `"qy.checkSession"` and
    /// any case are accepted); it matters only for `checkSession`, where any
    /// non-ok status means the session expired.
    pub fn parse(api: &str, err_msg: Option<&str>, err_code: Option<i64>) -> Outcome {
        let check_session = is_check_session(api);
        let raw = err_msg.unwrap_or("");
        let status = normalize(status_text(raw));
        if status.is_empty() {
            return match err_code {
                Some(0) => Outcome::Ok,
                Some(_) if check_session => Outcome::SessionExpired,
                _ => unknown(raw),
            };
        }
        if status == "ok" || status.starts_with("ok ") {
            return Outcome::Ok;
        }
        if check_session {
            return Outcome::SessionExpired;
        }
        let mut reason = status.as_str();
        while let Some(rest) = reason.strip_prefix("fail") {
            if !(rest.is_empty() || rest.starts_with(' ')) {
                break;
            }
            reason = rest.trim_start();
        }
        classify(reason).unwrap_or_else(|| unknown(raw))
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::NoPermission => "no_permission",
            Outcome::WrongEntry => "wrong_entry",
            Outcome::NotInAllowList => "not_in_allow_list",
            Outcome::Cancelled => "cancelled",
            Outcome::UnsupportedChat => "unsupported_chat",
            Outcome::UnsupportedMsgType => "unsupported_msgtype",
            Outcome::InvalidImageUrl => "invalid_image_url",
            Outcome::SessionExpired => "session_expired",
            Outcome::NotSupported => "not_supported",
            Outcome::Unknown { .. } => "unknown",
        }
    }

    /// What happened.
    pub fn message(&self) -> Localized {
        match self {
            Outcome::Ok => Localized::new("已完成", "done"),
            Outcome::NoPermission => Localized::new(
                "没有「客户联系」权限：应用未获授权，或你没有配置客户联系功能",
                "no Customer Contact permission: the app is not authorised, \
                 or you have no customer contact access configured",
            ),
            Outcome::WrongEntry => Localized::new(
                "从当前入口打开无法识别客户或客户群",
                "opened from here, the mini program cannot tell which customer or chat this is",
            ),
            Outcome::NotInAllowList => Localized::new(
                "你不在此应用的可见范围内",
                "you are not in this app's visible range (allow list)",
            ),
            Outcome::Cancelled => Localized::new("已取消", "cancelled"),
            Outcome::UnsupportedChat => Localized::new(
                "当前聊天不支持此操作",
                "this chat does not support this action",
            ),
            Outcome::UnsupportedMsgType => Localized::new(
                "从当前入口不能发送这种类型的消息",
                "this type of message cannot be sent from here",
            ),
            Outcome::InvalidImageUrl => Localized::new(
                "图片地址无效：网络图片必须以 http:// 或 https:// 开头",
                "the image URL is invalid: a web image must start with http:// or https://",
            ),
            Outcome::SessionExpired => Localized::new("登录已过期", "your login has expired"),
            Outcome::NotSupported => Localized::new(
                "当前企业微信版本或设备不支持此功能",
                "this WeCom version or device does not support this",
            ),
            Outcome::Unknown { err_msg } if err_msg.trim().is_empty() => Localized::new(
                "操作失败，企业微信没有给出原因",
                "the action failed and WeCom gave no reason",
            ),
            // WeCom's errMsg is English: quoted in English only.
            Outcome::Unknown { err_msg } => Localized::new(
                "操作失败，企业微信返回了无法识别的错误",
                format!("the action failed: {err_msg}"),
            ),
        }
    }

    /// What to do about it.
    pub fn guidance(&self) -> Localized {
        match self {
            Outcome::Ok => Localized::new("无需操作", "nothing to do"),
            Outcome::NoPermission => Localized::new(
                "请联系管理员将你加入「客户联系」使用范围",
                "ask your admin to add you to the Customer Contact usage scope",
            ),
            Outcome::WrongEntry => Localized::new(
                "请从客户详情页或与客户的聊天工具栏打开此小程序",
                "open this mini program from the customer's profile or the chat toolbar",
            ),
            Outcome::NotInAllowList => Localized::new(
                "请联系管理员将你加入此应用的可见范围",
                "ask your admin to add you to this app's visible range",
            ),
            Outcome::Cancelled => {
                Localized::new("需要时可以再试一次", "try again when you are ready")
            }
            Outcome::UnsupportedChat => Localized::new(
                "请在与客户的单聊或客户群中使用",
                "use this in a chat with a customer or in a customer group",
            ),
            Outcome::UnsupportedMsgType => Localized::new(
                "请换一种消息类型，或升级企业微信后重试",
                "pick another message type, or update WeCom and try again",
            ),
            Outcome::InvalidImageUrl => Localized::new(
                "请换一张图片或检查图片地址后重试",
                "pick another image or check the image address, then try again",
            ),
            Outcome::SessionExpired => {
                Localized::new("请重新登录后重试", "log in again, then try again")
            }
            Outcome::NotSupported => Localized::new(
                "请将企业微信升级到最新版本，或在手机上使用",
                "update WeCom to the latest version, or use it on your phone",
            ),
            Outcome::Unknown { .. } => Localized::new(
                "请稍后重试；如果仍然失败，请把这条信息发给管理员",
                "try again later; if it keeps failing, send this message to your admin",
            ),
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Ok)
    }

    /// Whether trying the same action again, unchanged, may succeed:
    /// after a cancel, after logging in again, or after an unknown failure.
    /// Permission, entry, chat, image and support problems need a change
    /// first (admin, entry, input or client), so they are not retryable.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Outcome::Cancelled | Outcome::SessionExpired | Outcome::Unknown { .. }
        )
    }
}

fn is_check_session(api: &str) -> bool {
    let api = api.trim();
    let api = api
        .strip_prefix("wx.qy.")
        .or_else(|| api.strip_prefix("qy."))
        .unwrap_or(api);
    api.eq_ignore_ascii_case("checkSession")
}

/// The part of `errMsg` after the `<api>:` prefix. A message that already
/// starts with a status word (`"fail invalid imgUrl"`) has no prefix, and a
/// prefix never contains whitespace.
fn status_text(raw: &str) -> &str {
    let msg = raw.trim();
    if starts_with_status_word(msg) {
        return msg;
    }
    match msg.split_once(':') {
        Some((prefix, rest)) if !prefix.is_empty() && !prefix.contains(char::is_whitespace) => rest,
        _ => msg,
    }
}

fn starts_with_status_word(msg: &str) -> bool {
    ["ok", "fail", "cancel"].iter().any(|word| {
        msg.get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
            && msg.get(word.len()..).is_some_and(|tail| {
                tail.chars()
                    .next()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
            })
    })
}

/// ASCII-lowercased (the keywords matched are ASCII; no Unicode case tables);
/// `_` and `:` become spaces; runs of whitespace become one space.
fn normalize(status: &str) -> String {
    let lowered = status.to_ascii_lowercase().replace(['_', ':'], " ");
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The reason after any `fail` words; `None` when it is not one we know.
fn classify(reason: &str) -> Option<Outcome> {
    // "only support chain group chat tools entry": the 上下游 calls from
    // another entry (wecom:97020).
    let outcome = if reason.contains("without context") || reason.contains("only support") {
        Outcome::WrongEntry
    } else if reason.contains("not in allow list") {
        Outcome::NotInAllowList
    } else if reason.contains("no permission") || reason.contains("nopermission") {
        Outcome::NoPermission
    } else if reason.contains("unsupported chat") {
        Outcome::UnsupportedChat
    } else if reason.contains("invalid imgurl") {
        Outcome::InvalidImageUrl
    } else if reason.contains("cancel") {
        Outcome::Cancelled
    } else if ["not support", "nosupport", "no support", "not exist"]
        .iter()
        .any(|p| reason.contains(p))
    {
        Outcome::NotSupported
    } else if reason.contains("unsupported msgtype") || reason.contains("unsupported msg type") {
        Outcome::UnsupportedMsgType
    } else if reason.contains("unsupported") {
        Outcome::NotSupported
    } else {
        return None;
    };
    Some(outcome)
}

fn unknown(raw: &str) -> Outcome {
    Outcome::Unknown {
        err_msg: truncate_chars(raw, MAX_ERR_MSG_CHARS).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(api: &str, msg: &str) -> Outcome {
        Outcome::parse(api, Some(msg), None)
    }

    #[test]
    fn ok_forms() {
        assert_eq!(p("getContext", "getContext:ok"), Outcome::Ok);
        assert_eq!(p("sendChatMessage", "qy.sendChatMessage:ok"), Outcome::Ok);
        assert_eq!(p("login", "login:OK"), Outcome::Ok);
        assert_eq!(p("login", " login:ok "), Outcome::Ok);
        assert_eq!(p("login", "ok"), Outcome::Ok);
        assert!(p("login", "login:ok").is_ok());
    }

    #[test]
    fn ok_text_wins_over_error_code() {
        assert_eq!(
            Outcome::parse("login", Some("login:ok"), Some(-1)),
            Outcome::Ok
        );
    }

    #[test]
    fn okay_is_not_ok() {
        assert_eq!(
            p("login", "login:okay"),
            Outcome::Unknown {
                err_msg: "login:okay".into()
            }
        );
    }

    #[test]
    fn no_permission() {
        let o = p(
            "getCurExternalContact",
            "getCurExternalContact:fail no permission",
        );
        assert_eq!(o, Outcome::NoPermission);
        assert_eq!(p("x", "x:fail:no permission"), Outcome::NoPermission);
        assert_eq!(p("x", "x:no permission"), Outcome::NoPermission);
        // Reported by users on phones, for sendChatMessage and getCurExternalContact.
        assert_eq!(
            p("sendChatMessage", "sendChatMessage:fail_nopermission"),
            Outcome::NoPermission
        );
        assert_eq!(
            p(
                "getCurExternalContact",
                "getCurExternalContact:fail_nopermission"
            ),
            Outcome::NoPermission
        );
        assert_eq!(p("x", "x:fail No Permission"), Outcome::NoPermission);
    }

    #[test]
    fn no_permission_text_wins_over_zero_code() {
        assert_eq!(
            Outcome::parse("x", Some("x:fail no permission"), Some(0)),
            Outcome::NoPermission
        );
    }

    #[test]
    fn without_context_is_wrong_entry() {
        let o = p(
            "getCurExternalContact",
            "getCurExternalContact:fail without context of external contact",
        );
        assert_eq!(o, Outcome::WrongEntry);
        let o = p(
            "getCurExternalContact",
            "getCurExternalContact:fail_without context of external contact",
        );
        assert_eq!(o, Outcome::WrongEntry);
        let o = p(
            "getCurExternalContact",
            "getCurExternalContact:fail_fail_without context of external contact",
        );
        assert_eq!(o, Outcome::WrongEntry);
    }

    #[test]
    fn the_corp_group_calls_wrong_entry_forms() {
        // wecom:98426 / 98427, and the mini-program page wecom:97020.
        let o = p(
            "getCurCorpGroupContact",
            "getCurCorpGroupContact:without context of corpgroup contact",
        );
        assert_eq!(o, Outcome::WrongEntry);
        let o = p(
            "getCurCorpGroupContact",
            "getCurCorpGroupContact:fail only support chain group chat tools entry",
        );
        assert_eq!(o, Outcome::WrongEntry);
        let o = p("getCurCorpGroupChat", "getCurCorpGroupChat:no permission");
        assert_eq!(o, Outcome::NoPermission);
    }

    #[test]
    fn not_in_allow_list() {
        assert_eq!(
            p(
                "sendChatMessage",
                "sendChatMessage:fail user not in allow list"
            ),
            Outcome::NotInAllowList
        );
        assert_eq!(
            p("x", "x:fail_user_not_in_allow_list"),
            Outcome::NotInAllowList
        );
    }

    #[test]
    fn cancel_forms() {
        assert_eq!(
            p("selectExternalContact", "selectExternalContact:cancel"),
            Outcome::Cancelled
        );
        assert_eq!(
            p("selectExternalContact", "selectExternalContact:fail cancel"),
            Outcome::Cancelled
        );
        assert_eq!(p("x", "x:fail:cancel"), Outcome::Cancelled);
        assert_eq!(p("x", "cancel"), Outcome::Cancelled);
    }

    #[test]
    fn unsupported_chat() {
        assert_eq!(
            p(
                "updateEnterpriseChat",
                "updateEnterpriseChat:fail unsupported chat"
            ),
            Outcome::UnsupportedChat
        );
    }

    #[test]
    fn invalid_image_url() {
        assert_eq!(
            p("sendChatMessage", "sendChatMessage:fail invalid imgUrl"),
            Outcome::InvalidImageUrl
        );
        assert_eq!(
            p("sendChatMessage", "fail invalid imgUrl"),
            Outcome::InvalidImageUrl
        );
        assert_eq!(
            p("sendChatMessage", "fail invalid imgUrl: ftp://x/y.png"),
            Outcome::InvalidImageUrl
        );
    }

    #[test]
    fn not_supported_forms() {
        assert_eq!(
            p("getContext", "getContext:fail not support"),
            Outcome::NotSupported
        );
        assert_eq!(
            p("getContext", "getContext:fail api not support"),
            Outcome::NotSupported
        );
        assert_eq!(
            p("getContext", "getContext:fail not supported"),
            Outcome::NotSupported
        );
        assert_eq!(
            p("sendChatMessage", "sendChatMessage:fail_nosupport"),
            Outcome::NotSupported
        );
    }

    #[test]
    fn unsupported_msgtype_is_not_not_supported() {
        let raw = "openExistedChatWithMsg:fail_unsupported_msgtype";
        assert_eq!(
            p("openExistedChatWithMsg", raw),
            Outcome::UnsupportedMsgType
        );
        assert_eq!(
            p(
                "sendChatMessage",
                "sendChatMessage:fail unsupported msgtype"
            ),
            Outcome::UnsupportedMsgType
        );
        assert_eq!(
            p(
                "sendChatMessage",
                "sendChatMessage:fail:unsupported msg type"
            ),
            Outcome::UnsupportedMsgType
        );
    }

    #[test]
    fn other_unsupported_is_not_supported() {
        assert_eq!(
            p("sendChatMessage", "sendChatMessage:fail unsupported"),
            Outcome::NotSupported
        );
        assert_eq!(
            p("sendChatMessage", "sendChatMessage:fail_unsupported_media"),
            Outcome::NotSupported
        );
        // The two named forms keep their own outcome.
        assert_eq!(p("x", "x:fail unsupported chat"), Outcome::UnsupportedChat);
    }

    #[test]
    fn check_session_fail_means_expired() {
        assert_eq!(
            p("checkSession", "checkSession:fail"),
            Outcome::SessionExpired
        );
        assert_eq!(
            p("checkSession", "checkSession:fail session expired"),
            Outcome::SessionExpired
        );
        assert_eq!(
            p("qy.checkSession", "checkSession:fail no permission"),
            Outcome::SessionExpired
        );
        assert_eq!(p("CHECKSESSION", "whatever"), Outcome::SessionExpired);
        assert_eq!(p("checkSession", "checkSession:ok"), Outcome::Ok);
    }

    #[test]
    fn check_session_without_message_uses_code_hint() {
        assert_eq!(
            Outcome::parse("checkSession", None, Some(-1)),
            Outcome::SessionExpired
        );
        assert_eq!(Outcome::parse("checkSession", None, Some(0)), Outcome::Ok);
        assert_eq!(
            Outcome::parse("checkSession", None, None),
            Outcome::Unknown {
                err_msg: String::new()
            }
        );
    }

    #[test]
    fn other_fail_on_other_api_is_unknown() {
        assert_eq!(
            p("login", "login:fail"),
            Outcome::Unknown {
                err_msg: "login:fail".into()
            }
        );
        let raw = "login:fail timeout";
        assert_eq!(
            p("login", raw),
            Outcome::Unknown {
                err_msg: raw.into()
            }
        );
    }

    #[test]
    fn missing_message_uses_code_as_hint_only() {
        assert_eq!(Outcome::parse("login", None, Some(0)), Outcome::Ok);
        assert_eq!(Outcome::parse("login", Some("  "), Some(0)), Outcome::Ok);
        assert_eq!(
            Outcome::parse("login", Some("login:"), Some(0)),
            Outcome::Ok
        );
        assert_eq!(
            Outcome::parse("login", None, Some(-1)),
            Outcome::Unknown {
                err_msg: String::new()
            }
        );
        assert_eq!(
            Outcome::parse("login", None, None),
            Outcome::Unknown {
                err_msg: String::new()
            }
        );
    }

    #[test]
    fn garbage_message_is_unknown_with_raw_text() {
        assert_eq!(
            p("login", "???"),
            Outcome::Unknown {
                err_msg: "???".into()
            }
        );
        assert_eq!(
            p("login", "failure"),
            Outcome::Unknown {
                err_msg: "failure".into()
            }
        );
    }

    #[test]
    fn unknown_message_is_not_cut_inside_an_emoji() {
        let flag = "🇨🇳";
        let raw = format!("x:fail {}{flag}", "a".repeat(192));
        match p("x", &raw) {
            Outcome::Unknown { err_msg } => assert!(err_msg.ends_with(flag), "{err_msg}"),
            other => panic!("{other:?}"),
        }
        let raw = format!("x:fail {}{flag}", "a".repeat(193));
        match p("x", &raw) {
            Outcome::Unknown { err_msg } => assert!(err_msg.ends_with('a'), "{err_msg}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_message_is_truncated_to_200_chars() {
        let raw = format!("login:fail {}", "错".repeat(300));
        match p("login", &raw) {
            Outcome::Unknown { err_msg } => {
                assert_eq!(err_msg.chars().count(), 200);
                assert!(err_msg.starts_with("login:fail 错"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn codes_are_stable_and_distinct() {
        let all = [
            (Outcome::Ok, "ok"),
            (Outcome::NoPermission, "no_permission"),
            (Outcome::WrongEntry, "wrong_entry"),
            (Outcome::NotInAllowList, "not_in_allow_list"),
            (Outcome::Cancelled, "cancelled"),
            (Outcome::UnsupportedChat, "unsupported_chat"),
            (Outcome::UnsupportedMsgType, "unsupported_msgtype"),
            (Outcome::InvalidImageUrl, "invalid_image_url"),
            (Outcome::SessionExpired, "session_expired"),
            (Outcome::NotSupported, "not_supported"),
            (
                Outcome::Unknown {
                    err_msg: "x".into(),
                },
                "unknown",
            ),
        ];
        for (o, code) in &all {
            assert_eq!(o.code(), *code);
            let (m, g) = (o.message(), o.guidance());
            assert!(
                !m.zh.is_empty() && !m.en.is_empty() && !g.zh.is_empty() && !g.en.is_empty(),
                "{code}"
            );
        }
    }

    #[test]
    fn no_permission_guidance_is_exact() {
        let g = Outcome::NoPermission.guidance();
        assert_eq!(g.zh, "请联系管理员将你加入「客户联系」使用范围");
        assert_eq!(
            g.en,
            "ask your admin to add you to the Customer Contact usage scope"
        );
    }

    #[test]
    fn unknown_message_quotes_the_raw_text_in_english_only() {
        let m = Outcome::Unknown {
            err_msg: "login:fail boom".into(),
        }
        .message();
        assert!(m.en.contains("login:fail boom"), "{}", m.en);
        assert!(
            !m.zh.contains("boom") && !m.zh.contains("login"),
            "{}",
            m.zh
        );
        assert!(m.zh.contains("企业微信"), "{}", m.zh);
        let m = Outcome::Unknown {
            err_msg: String::new(),
        }
        .message();
        assert_eq!(m.en, "the action failed and WeCom gave no reason");
    }

    #[test]
    fn every_outcome_is_said_in_both_languages_and_english_has_no_chinese() {
        use crate::support::locale::is_cjk;
        let all = [
            Outcome::Ok,
            Outcome::NoPermission,
            Outcome::WrongEntry,
            Outcome::NotInAllowList,
            Outcome::Cancelled,
            Outcome::UnsupportedChat,
            Outcome::UnsupportedMsgType,
            Outcome::InvalidImageUrl,
            Outcome::SessionExpired,
            Outcome::NotSupported,
            Outcome::Unknown {
                err_msg: String::new(),
            },
            Outcome::Unknown {
                err_msg: "x:fail boom".into(),
            },
        ];
        for o in all {
            for m in [o.message(), o.guidance()] {
                assert!(m.zh.chars().any(is_cjk), "{o:?}: {m:?}");
                assert!(
                    !m.en.is_empty() && !m.en.chars().any(is_cjk),
                    "{o:?}: {m:?}"
                );
            }
        }
    }

    #[test]
    fn retryable_outcomes() {
        assert!(Outcome::Cancelled.is_retryable());
        assert!(Outcome::SessionExpired.is_retryable());
        assert!(Outcome::Unknown {
            err_msg: String::new()
        }
        .is_retryable());
        for o in [
            Outcome::Ok,
            Outcome::NoPermission,
            Outcome::WrongEntry,
            Outcome::NotInAllowList,
            Outcome::UnsupportedChat,
            Outcome::UnsupportedMsgType,
            Outcome::InvalidImageUrl,
            Outcome::NotSupported,
        ] {
            assert!(!o.is_retryable(), "{o:?}");
            assert_eq!(o.is_ok(), o == Outcome::Ok);
        }
    }
}
