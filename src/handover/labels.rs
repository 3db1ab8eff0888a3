//! The hand-over page's fixed labels (`HandoverView.labels`), each
//! `(zh, en)`, and home's button to it.

use serde::Serialize;

use crate::support::locale::Locale;

/// A fixed label: `(zh, en)`.
pub type Pair = (&'static str, &'static str);

/// Home's button to the hand-over page (`openHandover`).
pub const OPEN_HANDOVER: Pair = ("客户交接（管理员）", "Hand customers over (admins)");
pub const RESIGNED: Pair = ("离职交接", "Resigned member");
pub const ONJOB: Pair = ("在职交接", "On-job member");
pub const GIVER: Pair = ("原跟进成员", "Member handing over");
pub const IDS: Pair = ("客户 ID（每行一个）", "Customer ids, one a line");
pub const LOAD: Pair = ("加载", "Load");
pub const LOADING: Pair = ("加载中…", "Loading…");
pub const SELECT_ALL: Pair = ("全选", "All");
pub const SELECT_NONE: Pair = ("清空", "None");
/// Before a group chat's id in the list.
pub const GROUP_CHAT: Pair = ("群", "Group");
pub const TAKER: Pair = ("接替成员", "Member taking over");
pub const MESSAGE: Pair = ("给客户的消息", "Message to the customer");
pub const RETRY: Pair = ("重试", "Retry");
pub const SUBMIT: Pair = ("交接", "Hand over");
pub const SUBMITTING: Pair = ("提交中…", "Submitting…");
pub const REFRESH: Pair = ("刷新", "Refresh");
pub const RESET: Pair = ("新的交接", "New hand-over");

/// Every label of the slice.
pub const TABLE: &[Pair] = &[
    OPEN_HANDOVER,
    RESIGNED,
    ONJOB,
    GIVER,
    IDS,
    LOAD,
    LOADING,
    SELECT_ALL,
    SELECT_NONE,
    GROUP_CHAT,
    TAKER,
    MESSAGE,
    RETRY,
    SUBMIT,
    SUBMITTING,
    REFRESH,
    RESET,
];

fn pick(pair: Pair, locale: Locale) -> String {
    match locale {
        Locale::Zh => pair.0,
        Locale::En => pair.1,
    }
    .to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HandoverLabels {
    pub resigned: String,
    pub onjob: String,
    pub giver: String,
    pub ids: String,
    pub load: String,
    pub loading: String,
    pub select_all: String,
    pub select_none: String,
    pub group_chat: String,
    pub taker: String,
    pub message: String,
    pub retry: String,
    pub submit: String,
    pub submitting: String,
    pub refresh: String,
    pub reset: String,
}

pub fn labels(locale: Locale) -> HandoverLabels {
    let t = |p| pick(p, locale);
    HandoverLabels {
        resigned: t(RESIGNED),
        onjob: t(ONJOB),
        giver: t(GIVER),
        ids: t(IDS),
        load: t(LOAD),
        loading: t(LOADING),
        select_all: t(SELECT_ALL),
        select_none: t(SELECT_NONE),
        group_chat: t(GROUP_CHAT),
        taker: t(TAKER),
        message: t(MESSAGE),
        retry: t(RETRY),
        submit: t(SUBMIT),
        submitting: t(SUBMITTING),
        refresh: t(REFRESH),
        reset: t(RESET),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_in_one_language() {
        let zh = serde_json::to_string(&labels(Locale::Zh)).unwrap();
        let en = serde_json::to_string(&labels(Locale::En)).unwrap();
        assert!(zh.contains("离职交接") && !zh.contains("Resigned"), "{zh}");
        assert!(
            en.contains("Resigned member") && !en.contains("离职"),
            "{en}"
        );
    }
}
