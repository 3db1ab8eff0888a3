//! The group view's fixed words, in both languages: the table
//! `GroupChatView.labels` is built from, and its counted titles.

use crate::support::locale::{Locale, Localized};
use crate::wecom::groupchat::{GroupCounts, GroupLabels};

/// (field, zh, en), in the order of [`GroupLabels`]; the counted titles
/// are [`internal_title`] and [`external_title`].
pub const GROUP_LABELS: &[(&str, &str, &str)] = &[
    ("owner", "群主", "Owner"),
    ("notice", "群公告", "Notice"),
    ("total", "总人数", "In the group"),
    ("internal", "成员", "Colleagues"),
    ("external", "客户", "Customers"),
    ("ownerBadge", "群主", "Owner"),
    ("adminBadge", "管理员", "Admin"),
];

fn pick(field: &str, locale: Locale) -> String {
    GROUP_LABELS
        .iter()
        .find(|(f, ..)| *f == field)
        .map(|(_, zh, en)| Localized::new(*zh, *en).get(locale).to_owned())
        .unwrap_or_default()
}

/// "企业成员（3）" / "Colleagues (3)".
pub fn internal_title(n: usize) -> Localized {
    Localized::new(format!("企业成员（{n}）"), format!("Colleagues ({n})"))
}

/// "外部联系人（2）" / "Customers (2)".
pub fn external_title(n: usize) -> Localized {
    Localized::new(format!("外部联系人（{n}）"), format!("Customers ({n})"))
}

pub fn group_labels(locale: Locale, counts: &GroupCounts) -> GroupLabels {
    GroupLabels {
        owner: pick("owner", locale),
        notice: pick("notice", locale),
        total: pick("total", locale),
        internal: pick("internal", locale),
        external: pick("external", locale),
        owner_badge: pick("ownerBadge", locale),
        admin_badge: pick("adminBadge", locale),
        internal_title: internal_title(counts.internal).get(locale).to_owned(),
        external_title: external_title(counts.external).get(locale).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts() -> GroupCounts {
        GroupCounts {
            total: 5,
            internal: 3,
            external: 2,
            wechat: 1,
            wecom: 1,
            dropped: 0,
        }
    }

    #[test]
    fn every_label_is_filled_in_both_languages() {
        for (field, zh, en) in GROUP_LABELS {
            assert!(!zh.is_empty() && !en.is_empty(), "{field}");
            assert!(
                !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{field}: {en}"
            );
        }
        for locale in [Locale::Zh, Locale::En] {
            let v = serde_json::to_value(group_labels(locale, &counts())).unwrap();
            let fields = v.as_object().unwrap();
            assert_eq!(fields.len(), GROUP_LABELS.len() + 2);
            for (f, value) in fields {
                assert!(!value.as_str().unwrap().is_empty(), "{locale:?} {f}");
            }
        }
    }

    #[test]
    fn counted_titles() {
        let zh = group_labels(Locale::Zh, &counts());
        assert_eq!(zh.internal_title, "企业成员（3）");
        assert_eq!(zh.external_title, "外部联系人（2）");
        let en = group_labels(Locale::En, &counts());
        assert_eq!(en.internal_title, "Colleagues (3)");
        assert_eq!(en.external_title, "Customers (2)");
        assert_eq!(en.owner, "Owner");
    }
}
