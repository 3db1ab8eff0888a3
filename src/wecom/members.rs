//! What WeCom says about a member's name, and how a member is shown.
//!
//! Names come from `user/get` (through the backend's `GET /api/members`,
//! wecom:90196). Since 2022-06-20 `user/get` returns no avatar to new
//! self-built apps (wecom:90196, 96260), so a member is shown with the first
//! character of their name in a circle, never with a picture. Without a
//! name a member is shown in words ("同事（未获取到姓名）"), with the userid in
//! small secondary text: a userid is never shown as if it were a name.

use serde::Serialize;

use crate::support::locale::{Locale, Localized};
use crate::support::text::clusters;
use crate::wecom::ids::UserId;

/// What is known of one member's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberName {
    /// The name WeCom returned.
    Known(String),
    /// Not asked yet, or the answer is on its way.
    Loading,
    /// WeCom knows the member but returned no name (`no_name`).
    NoName,
    /// WeCom does not know the userid (60111, 46004: `not_found`).
    NotFound,
    /// Outside the app's visible range (60011: `not_visible`).
    NotVisible,
    /// Could not be fetched (a failed request, another errcode).
    Unavailable,
}

impl MemberName {
    /// Reads the backend's `reason` word (`server/src/members.rs`).
    pub fn from_reason(reason: Option<&str>) -> MemberName {
        match reason {
            Some("no_name") => MemberName::NoName,
            Some("not_found") => MemberName::NotFound,
            Some("not_visible") => MemberName::NotVisible,
            _ => MemberName::Unavailable,
        }
    }

    /// The words shown in place of a name that is not known.
    pub fn fallback(&self) -> Localized {
        match self {
            MemberName::Known(n) => Localized::new(n.clone(), n.clone()),
            MemberName::Loading => {
                Localized::new("同事（正在获取姓名）", "Colleague (loading name)")
            }
            MemberName::NoName => Localized::new("同事（未设置姓名）", "Colleague (no name set)"),
            MemberName::NotFound => Localized::new(
                "同事（通讯录中已无此人）",
                "Colleague (not in the directory)",
            ),
            MemberName::NotVisible => Localized::new(
                "同事（不在应用可见范围内）",
                "Colleague (outside the app's visible range)",
            ),
            MemberName::Unavailable => {
                Localized::new("同事（未获取到姓名）", "Colleague (name unavailable)")
            }
        }
    }
}

/// A member as the page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PersonView {
    pub userid: String,
    /// The name, or the fallback in words when it is not known.
    pub name: String,
    pub name_known: bool,
    /// The userid, shown small under a fallback; `null` when the name is
    /// known.
    pub userid_note: Option<String>,
    /// The placeholder's letter: the first character of the name (a whole
    /// emoji or flag counts as one), else of the userid, upper-cased.
    pub initial: String,
}

/// The first user-perceived character of `s`, upper-cased when it is a
/// letter with an upper case; empty for an empty `s`.
pub fn initial_of(s: &str) -> String {
    clusters(s.trim())
        .next()
        .map(|c| {
            let mut chars = c.chars();
            match (chars.next(), chars.next()) {
                (Some(one), None) => one.to_uppercase().collect(),
                _ => c.to_owned(),
            }
        })
        .unwrap_or_default()
}

pub fn person_view(userid: &UserId, name: &MemberName, locale: Locale) -> PersonView {
    match name {
        MemberName::Known(n) => PersonView {
            userid: userid.as_str().to_owned(),
            name: n.clone(),
            name_known: true,
            userid_note: None,
            initial: initial_of(n),
        },
        other => PersonView {
            userid: userid.as_str().to_owned(),
            name: other.fallback().get(locale).to_owned(),
            name_known: false,
            userid_note: Some(userid.as_str().to_owned()),
            initial: initial_of(userid.as_str()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(s: &str) -> UserId {
        UserId::parse(s).unwrap()
    }

    #[test]
    fn a_known_name_is_shown_with_its_first_character() {
        let p = person_view(
            &uid("zhangsan"),
            &MemberName::Known("张三".into()),
            Locale::Zh,
        );
        assert_eq!(p.name, "张三");
        assert!(p.name_known);
        assert_eq!(p.userid_note, None);
        assert_eq!(p.initial, "张");
    }

    #[test]
    fn an_unknown_name_is_words_with_the_userid_apart() {
        for (name, zh, en) in [
            (
                MemberName::Unavailable,
                "同事（未获取到姓名）",
                "Colleague (name unavailable)",
            ),
            (
                MemberName::NoName,
                "同事（未设置姓名）",
                "Colleague (no name set)",
            ),
            (
                MemberName::NotFound,
                "同事（通讯录中已无此人）",
                "Colleague (not in the directory)",
            ),
            (
                MemberName::NotVisible,
                "同事（不在应用可见范围内）",
                "Colleague (outside the app's visible range)",
            ),
            (
                MemberName::Loading,
                "同事（正在获取姓名）",
                "Colleague (loading name)",
            ),
        ] {
            let p = person_view(&uid("lisi"), &name, Locale::Zh);
            assert_eq!(p.name, zh);
            assert_ne!(p.name, "lisi");
            assert!(!p.name_known);
            assert_eq!(p.userid_note.as_deref(), Some("lisi"));
            assert_eq!(p.initial, "L");
            assert_eq!(person_view(&uid("lisi"), &name, Locale::En).name, en);
        }
    }

    #[test]
    fn initials_take_whole_characters() {
        assert_eq!(initial_of("wang wu"), "W");
        assert_eq!(initial_of("  élise"), "É");
        assert_eq!(initial_of("👨‍👩‍👧 family"), "👨‍👩‍👧");
        assert_eq!(initial_of("🇨🇳中国"), "🇨🇳");
        assert_eq!(initial_of(""), "");
    }

    #[test]
    fn reasons_from_the_backend() {
        assert_eq!(MemberName::from_reason(Some("no_name")), MemberName::NoName);
        assert_eq!(
            MemberName::from_reason(Some("not_found")),
            MemberName::NotFound
        );
        assert_eq!(
            MemberName::from_reason(Some("not_visible")),
            MemberName::NotVisible
        );
        assert_eq!(
            MemberName::from_reason(Some("errcode_45009")),
            MemberName::Unavailable
        );
        assert_eq!(MemberName::from_reason(None), MemberName::Unavailable);
    }
}
