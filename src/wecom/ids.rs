//! Identities: corp id, member userid, external userid, group chat id, tag id.
//!
//! Each one validates on construction and its error says what is wrong with
//! the input. Members and external contacts are different types, so an
//! internal contact can never be passed where a customer is expected.

use serde::{Deserialize, Serialize};

use crate::support::locale::Localized;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Why a string is not a valid identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    Empty {
        kind: IdKind,
    },
    TooLong {
        kind: IdKind,
        max: usize,
        len: usize,
    },
    TooShort {
        kind: IdKind,
        min: usize,
        len: usize,
    },
    BadChar {
        kind: IdKind,
        ch: char,
        index: usize,
    },
    BadStart {
        kind: IdKind,
    },
    BadPrefix {
        kind: IdKind,
        expected: &'static [&'static str],
    },
}

/// Which identity an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Corp,
    Member,
    External,
    GroupChat,
    Tag,
}

impl IdKind {
    /// The identity's name in Chinese, for messages.
    pub fn name_zh(self) -> &'static str {
        match self {
            IdKind::Corp => "企业 ID",
            IdKind::Member => "成员账号",
            IdKind::External => "客户 ID",
            IdKind::GroupChat => "群 ID",
            IdKind::Tag => "标签 ID",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            IdKind::Corp => "corpid",
            IdKind::Member => "member userid",
            IdKind::External => "external_userid",
            IdKind::GroupChat => "group chat id",
            IdKind::Tag => "tag id",
        }
    }
}

impl IdError {
    /// What is wrong, in both languages (the English is [`fmt::Display`]'s).
    pub fn message(&self) -> Localized {
        let zh = match self {
            IdError::Empty { kind } => format!("{}为空", kind.name_zh()),
            IdError::TooLong { kind, max, len } => {
                format!("{}有 {len} 个字节，最多 {max} 个", kind.name_zh())
            }
            IdError::TooShort { kind, min, len } => {
                format!("{}只有 {len} 个字节，至少要 {min} 个", kind.name_zh())
            }
            IdError::BadChar { kind, ch, index } => {
                let what = if ch.is_whitespace() {
                    format!("空白字符（U+{:04X}）", *ch as u32)
                } else if ch.is_control() {
                    format!("控制字符（U+{:04X}）", *ch as u32)
                } else {
                    format!("「{ch}」")
                };
                format!(
                    "{}的第 {} 个字符是{what}，不允许使用",
                    kind.name_zh(),
                    index + 1
                )
            }
            IdError::BadStart { kind } => format!("{}必须以字母或数字开头", kind.name_zh()),
            IdError::BadPrefix { kind, expected } => {
                format!("{}必须以 {} 开头", kind.name_zh(), expected.join(" 或 "))
            }
        };
        Localized::new(zh, self.to_string())
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            IdError::Empty { .. } => "id_empty",
            IdError::TooLong { .. } => "id_too_long",
            IdError::TooShort { .. } => "id_too_short",
            IdError::BadChar { .. } => "id_bad_char",
            IdError::BadStart { .. } => "id_bad_start",
            IdError::BadPrefix { .. } => "id_bad_prefix",
        }
    }
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Empty { kind } => write!(f, "{} is empty", kind.name()),
            IdError::TooLong { kind, max, len } => {
                write!(
                    f,
                    "{} is {len} bytes long; at most {max} are allowed",
                    kind.name()
                )
            }
            IdError::TooShort { kind, min, len } => {
                write!(
                    f,
                    "{} is {len} bytes long; at least {min} are needed",
                    kind.name()
                )
            }
            IdError::BadChar { kind, ch, index } => write!(
                f,
                "{} has {} at position {index}, which is not allowed",
                kind.name(),
                describe_char(*ch)
            ),
            IdError::BadStart { kind } => {
                write!(f, "{} must start with a letter or a digit", kind.name())
            }
            IdError::BadPrefix { kind, expected } => {
                write!(
                    f,
                    "{} must start with {}",
                    kind.name(),
                    expected.join(" or ")
                )
            }
        }
    }
}

impl std::error::Error for IdError {}

fn describe_char(ch: char) -> String {
    if ch.is_whitespace() {
        format!("whitespace (U+{:04X})", ch as u32)
    } else if ch.is_control() {
        format!("a control character (U+{:04X})", ch as u32)
    } else {
        format!("'{ch}'")
    }
}

fn check_chars(kind: IdKind, s: &str, allowed: impl Fn(char) -> bool) -> Result<(), IdError> {
    for (index, ch) in s.chars().enumerate() {
        if !allowed(ch) {
            return Err(IdError::BadChar { kind, ch, index });
        }
    }
    Ok(())
}

fn check_len(kind: IdKind, s: &str, min: usize, max: usize) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty { kind });
    }
    if s.len() > max {
        return Err(IdError::TooLong {
            kind,
            max,
            len: s.len(),
        });
    }
    if s.len() < min {
        return Err(IdError::TooShort {
            kind,
            min,
            len: s.len(),
        });
    }
    Ok(())
}

fn check_prefix(kind: IdKind, s: &str, expected: &'static [&'static str]) -> Result<(), IdError> {
    if expected.iter().any(|p| s.starts_with(p)) {
        Ok(())
    } else {
        Err(IdError::BadPrefix { kind, expected })
    }
}

fn opaque_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || ch == '_' || ch == '-'
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                $name::parse(&s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;
            fn try_from(s: &str) -> Result<Self, IdError> {
                $name::parse(s)
            }
        }

        impl $crate::support::stored::Stored for $name {
            fn read_stored(v: serde_json::Value) -> Result<Self, String> {
                let s = <String as $crate::support::stored::Stored>::read_stored(v)?;
                $name::parse(&s).map_err(|e| e.to_string())
            }
        }
    };
}

string_id!(
    /// A corp id: `ww…` (or `wx…` for older corps), letters and digits.
    CorpId
);
string_id!(
    /// A member's `userid`: 1–64 bytes of `[A-Za-z0-9_-@.]`, starting with a
    /// letter or a digit. Two userids are equal when they differ only in case
    /// (wecom:96255).
    UserId
);
string_id!(
    /// A customer's `external_userid`: `wm…` for a WeChat user, `wo…` for a
    /// WeCom user (the documentation's examples, e.g. wecom:96315; no length
    /// is published).
    ExternalUserId
);
string_id!(
    /// A customer group chat id: `wr…`.
    GroupChatId
);
string_id!(
    /// A corp tag id: `et…`.
    TagId
);

impl CorpId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::Corp;
        check_len(kind, s, 3, 64)?;
        check_chars(kind, s, |c| c.is_ascii_alphanumeric())?;
        check_prefix(kind, s, &["ww", "wx"])?;
        Ok(CorpId(s.to_owned()))
    }
}

impl UserId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::Member;
        check_len(kind, s, 1, Self::MAX_LEN)?;
        check_chars(kind, s, |c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | '.')
        })?;
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(IdError::BadStart { kind });
        }
        Ok(UserId(s.to_owned()))
    }

    /// Case-folded form, used for comparison.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl PartialEq for UserId {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}
impl Eq for UserId {}
impl Hash for UserId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

/// Whether an external contact is a WeChat user or a WeCom user, as told by
/// the prefix of the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExternalKind {
    Wechat,
    Wecom,
}

impl ExternalUserId {
    /// No official length is published; this cap is generous.
    pub const MAX_LEN: usize = 128;

    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::External;
        check_len(kind, s, 3, Self::MAX_LEN)?;
        check_chars(kind, s, opaque_char)?;
        check_prefix(kind, s, &["wm", "wo"])?;
        Ok(ExternalUserId(s.to_owned()))
    }

    pub fn kind(&self) -> ExternalKind {
        if self.0.starts_with("wo") {
            ExternalKind::Wecom
        } else {
            ExternalKind::Wechat
        }
    }
}

/// A chat id of digits only. Users report `getCurExternalChat` answering such
/// ids (WeCom forum): not a customer group chat's `wr…`, so no
/// `externalcontact/groupchat/*` API takes it, but the chat is open and
/// `sendChatMessage` still sends into it.
pub fn is_numeric_chat_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

impl GroupChatId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::GroupChat;
        check_len(kind, s, 3, 128)?;
        check_chars(kind, s, opaque_char)?;
        check_prefix(kind, s, &["wr"])?;
        Ok(GroupChatId(s.to_owned()))
    }
}

impl TagId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = IdKind::Tag;
        check_len(kind, s, 3, 128)?;
        check_chars(kind, s, opaque_char)?;
        check_prefix(kind, s, &["et"])?;
        Ok(TagId(s.to_owned()))
    }
}

macro_rules! exact_eq {
    ($($name:ident),*) => {$(
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl Eq for $name {}
        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.0.hash(state)
            }
        }
        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.0.cmp(&other.0)
            }
        }
    )*};
}
exact_eq!(CorpId, ExternalUserId, GroupChatId, TagId);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_id_error_is_said_in_chinese_without_english_words() {
        let errors = [
            UserId::parse("").unwrap_err(),
            UserId::parse(&"a".repeat(65)).unwrap_err(),
            UserId::parse("_abc").unwrap_err(),
            UserId::parse("zhang san").unwrap_err(),
            ExternalUserId::parse("zz1234567890").unwrap_err(),
        ];
        for e in errors {
            let m = e.message();
            assert_eq!(m.en, e.to_string());
            assert!(m.zh.chars().any(crate::support::locale::is_cjk), "{}", m.zh);
            // Only the prefixes WeCom's ids start with (wm, wo…) stay ASCII.
            let words: Vec<&str> =
                m.zh.split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| w.len() > 2 && *w != "ID")
                    .collect();
            assert!(words.is_empty(), "{}: {words:?}", m.zh);
        }
        assert_eq!(
            UserId::parse("zhang san").unwrap_err().message().zh,
            "成员账号的第 6 个字符是空白字符（U+0020），不允许使用"
        );
    }

    #[test]
    fn member_userid_rules() {
        assert!(UserId::parse("zhangsan").is_ok());
        assert!(UserId::parse("Zhang.San-01@corp_x").is_ok());
        assert!(UserId::parse(&"a".repeat(64)).is_ok());
        assert_eq!(UserId::parse("").unwrap_err().code(), "id_empty");
        assert_eq!(
            UserId::parse(&"a".repeat(65)).unwrap_err().code(),
            "id_too_long"
        );
        assert_eq!(UserId::parse("_abc").unwrap_err().code(), "id_bad_start");
        assert_eq!(UserId::parse(".abc").unwrap_err().code(), "id_bad_start");
        assert_eq!(UserId::parse("ab c").unwrap_err().code(), "id_bad_char");
        assert_eq!(UserId::parse("张三").unwrap_err().code(), "id_bad_char");
        assert_eq!(UserId::parse("ab\u{0}").unwrap_err().code(), "id_bad_char");
    }

    #[test]
    fn member_userid_error_explains() {
        let e = UserId::parse("ab c").unwrap_err().to_string();
        assert!(e.contains("whitespace") && e.contains("position 2"), "{e}");
        let e = UserId::parse(&"x".repeat(70)).unwrap_err().to_string();
        assert!(e.contains("70") && e.contains("64"), "{e}");
    }

    #[test]
    fn member_userid_compares_case_insensitively() {
        let a = UserId::parse("ZhangSan").unwrap();
        let b = UserId::parse("zhangsan").unwrap();
        assert_eq!(a, b);
        let set: HashSet<UserId> = [a.clone(), b].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert_eq!(a.as_str(), "ZhangSan", "original spelling is kept");
        assert_ne!(a, UserId::parse("lisi").unwrap());
    }

    #[test]
    fn external_userid_rules() {
        let wechat = ExternalUserId::parse("wmqfasd1e1927831123109rBAAAA").unwrap();
        assert_eq!(wechat.kind(), ExternalKind::Wechat);
        let wecom = ExternalUserId::parse("woAJ2GCAAAXtWyujaWJHDDGi0mACHAAA").unwrap();
        assert_eq!(wecom.kind(), ExternalKind::Wecom);
        assert_eq!(ExternalUserId::parse("").unwrap_err().code(), "id_empty");
        assert_eq!(
            ExternalUserId::parse("wm").unwrap_err().code(),
            "id_too_short"
        );
        assert_eq!(
            ExternalUserId::parse("zhangsan").unwrap_err().code(),
            "id_bad_prefix"
        );
        assert_eq!(
            ExternalUserId::parse("wm abc").unwrap_err().code(),
            "id_bad_char"
        );
        assert_eq!(
            ExternalUserId::parse("wmabc\n").unwrap_err().code(),
            "id_bad_char"
        );
        assert_eq!(
            ExternalUserId::parse("wm\u{7}abc").unwrap_err().code(),
            "id_bad_char"
        );
        assert_eq!(
            ExternalUserId::parse(&format!("wm{}", "a".repeat(200)))
                .unwrap_err()
                .code(),
            "id_too_long"
        );
    }

    #[test]
    fn external_userid_is_case_sensitive() {
        let a = ExternalUserId::parse("wmAbc").unwrap();
        let b = ExternalUserId::parse("wmabc").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn corp_chat_and_tag_ids() {
        assert!(CorpId::parse("ww1234567890abcdef").is_ok());
        assert!(CorpId::parse("wxc7cbd7f3f4c2b3ab").is_ok());
        assert_eq!(CorpId::parse("ab1234").unwrap_err().code(), "id_bad_prefix");
        assert_eq!(CorpId::parse("ww12-34").unwrap_err().code(), "id_bad_char");
        assert!(GroupChatId::parse("wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA").is_ok());
        assert_eq!(
            GroupChatId::parse("wmOgQhDgAAMYQ").unwrap_err().code(),
            "id_bad_prefix"
        );
        assert!(TagId::parse("etXXXXXXXXXXXXXXXXX").is_ok());
        assert_eq!(TagId::parse("tag1").unwrap_err().code(), "id_bad_prefix");
    }

    #[test]
    fn serde_validates() {
        let ok: Result<ExternalUserId, _> = serde_json::from_str("\"wmabc\"");
        assert!(ok.is_ok());
        let bad: Result<ExternalUserId, _> = serde_json::from_str("\"zz\"");
        assert!(bad.is_err());
        let json = serde_json::to_string(&UserId::parse("Li").unwrap()).unwrap();
        assert_eq!(json, "\"Li\"");
    }
}
