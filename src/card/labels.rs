//! The customer card's fixed words, in both languages: the table the
//! card's view part (`CardView.labels`) is built from, and the counted
//! labels ("全部 12 个", "查看全部 49 位同事").

use serde::Serialize;

use crate::support::locale::{Locale, Localized};

/// Every fixed label of the customer card, in the member's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CardLabels {
    pub refresh: String,
    pub mine_title: String,
    pub edit: String,
    pub remark: String,
    pub description: String,
    pub company: String,
    pub phone: String,
    pub colleagues_title: String,
    pub not_mine: String,
    pub compose: String,
    pub open_profile: String,
    pub open_chat: String,
    /// After a tag's ×: the chip says it is removed, and a tap undoes it.
    pub removed_undo: String,
    pub collapse: String,
    /// Under a tappable phone number or attribute.
    pub tap_to_call: String,
    pub tap_to_copy: String,
}

/// (field, zh, en), in the order of [`CardLabels`].
pub const CARD_LABELS: &[(&str, &str, &str)] = &[
    ("refresh", "刷新", "Refresh"),
    ("mineTitle", "我的跟进", "My follow-up"),
    ("edit", "编辑", "Edit"),
    ("remark", "备注", "Remark"),
    ("description", "描述", "Description"),
    ("company", "企业", "Company"),
    ("phone", "电话", "Phone"),
    ("colleaguesTitle", "其他跟进同事", "Colleagues following up"),
    (
        "notMine",
        "你不是该客户的跟进人，只能查看同事的跟进记录。",
        "You do not follow this customer; you can only see your colleagues' notes.",
    ),
    ("compose", "发送消息", "Send a message"),
    ("openProfile", "打开资料", "Open profile"),
    ("openChat", "发起聊天", "Start a chat"),
    ("removedUndo", "已移除 · 撤销", "Removed · Undo"),
    ("collapse", "收起", "Show less"),
    ("tapToCall", "点按拨打", "Tap to call"),
    ("tapToCopy", "点按复制", "Tap to copy"),
];

fn pick(field: &str, locale: Locale) -> String {
    CARD_LABELS
        .iter()
        .find(|(f, ..)| *f == field)
        .map(|(_, zh, en)| Localized::new(*zh, *en).get(locale).to_owned())
        .unwrap_or_default()
}

pub fn card_labels(locale: Locale) -> CardLabels {
    CardLabels {
        refresh: pick("refresh", locale),
        mine_title: pick("mineTitle", locale),
        edit: pick("edit", locale),
        remark: pick("remark", locale),
        description: pick("description", locale),
        company: pick("company", locale),
        phone: pick("phone", locale),
        colleagues_title: pick("colleaguesTitle", locale),
        not_mine: pick("notMine", locale),
        compose: pick("compose", locale),
        open_profile: pick("openProfile", locale),
        open_chat: pick("openChat", locale),
        removed_undo: pick("removedUndo", locale),
        collapse: pick("collapse", locale),
        tap_to_call: pick("tapToCall", locale),
        tap_to_copy: pick("tapToCopy", locale),
    }
}

/// "全部 12 个" / "All 12": the expander of a folded tag group.
pub fn all_tags(n: usize) -> Localized {
    Localized::new(format!("全部 {n} 个"), format!("All {n}"))
}

/// "全部 10 组标签" / "All 10 tag groups": the expander of my record's
/// folded tag groups.
pub fn all_tag_groups(n: usize) -> Localized {
    Localized::new(format!("全部 {n} 组标签"), format!("All {n} tag groups"))
}

/// "李四、王五、赵六 等" / "Li Si, Wang Wu, Zhao Liu and others": the first
/// colleagues of the folded line, by name.
pub fn colleague_names(names: &[String]) -> Localized {
    Localized::new(
        format!("{} 等", names.join("、")),
        format!("{} and others", names.join(", ")),
    )
}

/// "查看全部 49 位同事" / "Show all 49 colleagues".
pub fn all_colleagues(n: usize) -> Localized {
    Localized::new(
        format!("查看全部 {n} 位同事"),
        format!("Show all {n} colleagues"),
    )
}

/// "共 3 位成员跟进该客户" / "3 members follow this customer".
pub fn follower_count(n: usize) -> Localized {
    if n == 1 {
        return Localized::new("共 1 位成员跟进该客户", "1 member follows this customer");
    }
    Localized::new(
        format!("共 {n} 位成员跟进该客户"),
        format!("{n} members follow this customer"),
    )
}

/// "有 2 项修改等待同步到企业微信" / "2 changes waiting to reach WeCom".
pub fn pending_saves(n: usize) -> Localized {
    if n == 1 {
        return Localized::new(
            "有 1 项修改等待同步到企业微信",
            "1 change waiting to reach WeCom",
        );
    }
    Localized::new(
        format!("有 {n} 项修改等待同步到企业微信"),
        format!("{n} changes waiting to reach WeCom"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_is_filled_in_both_languages() {
        for (field, zh, en) in CARD_LABELS {
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{field}");
            assert!(
                !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{field}: {en}"
            );
        }
        let zh = serde_json::to_value(card_labels(Locale::Zh)).unwrap();
        let en = serde_json::to_value(card_labels(Locale::En)).unwrap();
        let fields = zh.as_object().unwrap();
        assert_eq!(fields.len(), CARD_LABELS.len(), "one table row per field");
        for (field, value) in fields {
            assert!(!value.as_str().unwrap().is_empty(), "zh {field}");
            assert!(!en[field].as_str().unwrap().is_empty(), "en {field}");
        }
    }

    #[test]
    fn counted_labels() {
        assert_eq!(all_tags(12).get(Locale::Zh), "全部 12 个");
        assert_eq!(all_tags(12).get(Locale::En), "All 12");
        assert_eq!(all_tag_groups(10).get(Locale::Zh), "全部 10 组标签");
        assert_eq!(all_tag_groups(10).get(Locale::En), "All 10 tag groups");
        let names = ["李四".to_owned(), "Amy".to_owned()];
        assert_eq!(colleague_names(&names).get(Locale::Zh), "李四、Amy 等");
        assert_eq!(
            colleague_names(&names).get(Locale::En),
            "李四, Amy and others"
        );
        assert_eq!(all_colleagues(49).get(Locale::Zh), "查看全部 49 位同事");
        assert_eq!(all_colleagues(49).get(Locale::En), "Show all 49 colleagues");
        assert_eq!(
            follower_count(1).get(Locale::En),
            "1 member follows this customer"
        );
        assert_eq!(follower_count(2).get(Locale::Zh), "共 2 位成员跟进该客户");
        assert_eq!(
            pending_saves(3).get(Locale::En),
            "3 changes waiting to reach WeCom"
        );
    }
}
