//! The `entry` of `wx.qy.getContext()`: where the page was opened from.
//!
//! Parsing never fails. A value this build does not know (a newer client, a
//! typo, an empty string) becomes [`Entry::Unknown`] with the raw text kept,
//! truncated to [`Entry::MAX_RAW_CHARS`] characters.

use crate::support::locale::Localized;
use crate::support::text::truncate_chars;
use crate::wecom::environment::Version;
use serde::{Serialize, Serializer};
use std::fmt;

/// Where the page was opened from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Entry {
    /// The customer's profile page (`contact_profile`).
    ContactProfile,
    /// The toolbar of a one-to-one chat with a customer (`single_chat_tools`).
    SingleChatTools,
    /// The toolbar of a customer group chat (`group_chat_tools`).
    GroupChatTools,
    /// Any other launch: workbench, link, scan (`normal`).
    Normal,
    /// The chat attachment bar (`chat_attachment`): can send into the chat,
    /// cannot identify the customer.
    ChatAttachment,
    /// The WeChat customer-service (微信客服) toolbar (`single_kf_tools`).
    SingleKfTools,
    /// The toolbar of a one-to-one chat with a supply-chain (上下游) contact.
    ChainSingleChatTools,
    /// The toolbar of a supply-chain (上下游) group chat.
    ChainGroupChatTools,
    /// The internal group chat board (`internal_group_chat_board`).
    InternalGroupChatBoard,
    /// Anything else, raw text kept (at most 64 characters).
    Unknown(String),
}

impl Entry {
    /// Longest raw text kept in [`Entry::Unknown`], in characters.
    pub const MAX_RAW_CHARS: usize = 64;

    /// Every known entry value, oldest first.
    pub const KNOWN: &'static [Entry] = &[
        Entry::ContactProfile,
        Entry::SingleChatTools,
        Entry::GroupChatTools,
        Entry::Normal,
        Entry::ChatAttachment,
        Entry::SingleKfTools,
        Entry::ChainSingleChatTools,
        Entry::ChainGroupChatTools,
        Entry::InternalGroupChatBoard,
    ];

    /// Never fails. Known values match after trimming, ignoring ASCII case;
    /// anything else is `Unknown` with the raw text (untrimmed) cut to 64
    /// characters.
    pub fn parse(raw: &str) -> Entry {
        let key = raw.trim();
        Entry::KNOWN
            .iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(key))
            .cloned()
            .unwrap_or_else(|| Entry::Unknown(truncate_chars(raw, Entry::MAX_RAW_CHARS).to_owned()))
    }

    /// The `entry` string as WeCom sends it; the raw text for `Unknown`.
    pub fn as_str(&self) -> &str {
        match self {
            Entry::ContactProfile => "contact_profile",
            Entry::SingleChatTools => "single_chat_tools",
            Entry::GroupChatTools => "group_chat_tools",
            Entry::Normal => "normal",
            Entry::ChatAttachment => "chat_attachment",
            Entry::SingleKfTools => "single_kf_tools",
            Entry::ChainSingleChatTools => "chain_single_chat_tools",
            Entry::ChainGroupChatTools => "chain_group_chat_tools",
            Entry::InternalGroupChatBoard => "internal_group_chat_board",
            Entry::Unknown(raw) => raw,
        }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, Entry::Unknown(_))
    }

    /// The WeCom client version in which `getContext` started to report this
    /// value (wecom:94332; `single_kf_tools` wecom:97014; the `chain_*`
    /// entries wecom:97020); `None` for `Unknown`. (Some APIs worked from an entry before
    /// `getContext` existed, e.g. `getCurExternalContact` from
    /// `contact_profile` since 2.5.8: see `capabilities`.)
    pub fn since(&self) -> Option<Version> {
        match self {
            Entry::ContactProfile
            | Entry::SingleChatTools
            | Entry::GroupChatTools
            | Entry::Normal => Some(Version::new(3, 0, 24)),
            Entry::ChatAttachment => Some(Version::new(3, 1, 6)),
            Entry::SingleKfTools => Some(Version::new(3, 1, 10)),
            Entry::ChainSingleChatTools | Entry::ChainGroupChatTools => Some(Version::new(4, 0, 8)),
            Entry::InternalGroupChatBoard => Some(Version::new(4, 1, 36)),
            Entry::Unknown(_) => None,
        }
    }

    /// A human name for messages ("the customer's profile", "群聊工具栏"…).
    pub fn label(&self) -> Localized {
        match self {
            Entry::ContactProfile => Localized::new("客户详情页", "the customer's profile"),
            Entry::SingleChatTools => Localized::new("单聊工具栏", "the one-to-one chat toolbar"),
            Entry::GroupChatTools => Localized::new("群聊工具栏", "the group chat toolbar"),
            Entry::Normal => Localized::new(
                "普通入口（如工作台）",
                "a normal launch (e.g. the workbench)",
            ),
            Entry::ChatAttachment => Localized::new("聊天附件栏", "the chat attachment bar"),
            Entry::SingleKfTools => {
                Localized::new("微信客服工具栏", "the WeChat customer service toolbar")
            }
            Entry::ChainSingleChatTools => Localized::new(
                "上下游单聊工具栏",
                "the supply-chain one-to-one chat toolbar",
            ),
            Entry::ChainGroupChatTools => {
                Localized::new("上下游群聊工具栏", "the supply-chain group chat toolbar")
            }
            Entry::InternalGroupChatBoard => {
                Localized::new("内部群聊看板", "the internal group chat board")
            }
            Entry::Unknown(raw) if raw.trim().is_empty() => {
                Localized::new("未知入口", "an unknown entry")
            }
            Entry::Unknown(raw) => Localized::new(
                format!("未知入口「{raw}」"),
                format!("an unknown entry \"{raw}\""),
            ),
        }
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_known_value() {
        let cases = [
            ("contact_profile", Entry::ContactProfile),
            ("single_chat_tools", Entry::SingleChatTools),
            ("group_chat_tools", Entry::GroupChatTools),
            ("normal", Entry::Normal),
            ("chat_attachment", Entry::ChatAttachment),
            ("single_kf_tools", Entry::SingleKfTools),
            ("chain_single_chat_tools", Entry::ChainSingleChatTools),
            ("chain_group_chat_tools", Entry::ChainGroupChatTools),
            ("internal_group_chat_board", Entry::InternalGroupChatBoard),
        ];
        assert_eq!(cases.len(), Entry::KNOWN.len());
        for (raw, entry) in cases {
            assert_eq!(Entry::parse(raw), entry, "{raw}");
            assert_eq!(entry.as_str(), raw);
            assert!(entry.is_known());
            assert!(Entry::KNOWN.contains(&entry), "{raw} missing from KNOWN");
        }
    }

    #[test]
    fn parse_ignores_case_and_surrounding_space() {
        assert_eq!(Entry::parse(" Single_Chat_Tools\n"), Entry::SingleChatTools);
        assert_eq!(Entry::parse("NORMAL"), Entry::Normal);
    }

    #[test]
    fn empty_is_unknown() {
        assert_eq!(Entry::parse(""), Entry::Unknown(String::new()));
        assert!(!Entry::parse("").is_known());
        assert_eq!(Entry::parse("").since(), None);
    }

    #[test]
    fn newer_value_is_unknown_with_raw_text() {
        let e = Entry::parse("future_tools");
        assert_eq!(e, Entry::Unknown("future_tools".into()));
        assert_eq!(e.as_str(), "future_tools");
        assert_eq!(e.since(), None);
    }

    #[test]
    fn near_miss_is_unknown() {
        assert_eq!(
            Entry::parse("single chat tools"),
            Entry::Unknown("single chat tools".into())
        );
        assert_eq!(
            Entry::parse("contact_profiles"),
            Entry::Unknown("contact_profiles".into())
        );
    }

    #[test]
    fn unknown_raw_text_is_cut_between_characters_as_people_see_them() {
        let family = "👨\u{200d}👩\u{200d}👧";
        let e = Entry::parse(&format!("{}{family}", "a".repeat(63)));
        assert_eq!(e.as_str(), format!("{}{family}", "a".repeat(63)));
        let e = Entry::parse(&format!("{}{family}", "a".repeat(64)));
        assert_eq!(e.as_str(), "a".repeat(64));
    }

    #[test]
    fn unknown_raw_text_is_truncated_to_64_chars() {
        let long = "客".repeat(100);
        let e = Entry::parse(&long);
        assert_eq!(e.as_str().chars().count(), 64);
        assert_eq!(e.as_str(), "客".repeat(64));
        let exact = "a".repeat(64);
        assert_eq!(Entry::parse(&exact).as_str(), exact);
    }

    #[test]
    fn since_follows_the_facts() {
        let v3024 = Some(Version::new(3, 0, 24));
        assert_eq!(Entry::ContactProfile.since(), v3024);
        assert_eq!(Entry::SingleChatTools.since(), v3024);
        assert_eq!(Entry::GroupChatTools.since(), v3024);
        assert_eq!(Entry::Normal.since(), v3024);
        assert_eq!(Entry::ChatAttachment.since(), Some(Version::new(3, 1, 6)));
        assert_eq!(Entry::SingleKfTools.since(), Some(Version::new(3, 1, 10)));
        assert_eq!(
            Entry::ChainSingleChatTools.since(),
            Some(Version::new(4, 0, 8))
        );
        assert_eq!(
            Entry::ChainGroupChatTools.since(),
            Some(Version::new(4, 0, 8))
        );
        assert_eq!(
            Entry::InternalGroupChatBoard.since(),
            Some(Version::new(4, 1, 36))
        );
    }

    #[test]
    fn known_list_is_oldest_first_and_unique() {
        let mut last = Version::new(0, 0, 0);
        for (i, e) in Entry::KNOWN.iter().enumerate() {
            let since = e.since().unwrap();
            assert!(since >= last, "{e} out of order");
            last = since;
            assert!(!Entry::KNOWN[i + 1..].contains(e), "{e} listed twice");
        }
    }

    #[test]
    fn serializes_as_raw_string() {
        assert_eq!(
            serde_json::to_string(&Entry::ChatAttachment).unwrap(),
            "\"chat_attachment\""
        );
        assert_eq!(
            serde_json::to_string(&Entry::parse("x_y")).unwrap(),
            "\"x_y\""
        );
        assert_eq!(Entry::GroupChatTools.to_string(), "group_chat_tools");
    }

    #[test]
    fn labels_name_the_entry() {
        assert_eq!(Entry::ContactProfile.label().zh, "客户详情页");
        assert_eq!(Entry::ChatAttachment.label().en, "the chat attachment bar");
        let l = Entry::parse("future_tools").label();
        assert!(l.zh.contains("future_tools") && l.en.contains("future_tools"));
        assert_eq!(Entry::parse(" ").label().en, "an unknown entry");
        for e in Entry::KNOWN {
            let l = e.label();
            assert!(!l.zh.is_empty() && !l.en.is_empty(), "{e}");
        }
    }
}
