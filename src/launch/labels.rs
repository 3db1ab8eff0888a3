//! The launch slice's fixed labels: home's button and intro line, and the
//! notice's retry button, each `(zh, en)`. The page binds them (no literal
//! text in the WXML); [`TABLE`] lists them all for the completeness test.

use serde::Serialize;

use crate::support::locale::Locale;

/// A fixed label: `(zh, en)`.
pub type Pair = (&'static str, &'static str);

/// Home's button: opens WeCom's customer picker (`pickCustomer`).
pub const PICK_CUSTOMER: Pair = ("选择客户", "Pick a customer");
/// Home's one-line intro.
pub const HOME_INTRO: Pair = (
    "查看客户资料、修改备注与标签，并向聊天发送消息。",
    "Look up a customer, edit your notes and tags, and send messages to the chat.",
);
/// The notice's button when a retry can help (`retry`).
pub const RETRY: Pair = ("重试", "Try again");

/// Every label of this slice.
pub const TABLE: &[Pair] = &[PICK_CUSTOMER, HOME_INTRO, RETRY];

/// A label in `locale`.
pub fn pick(pair: Pair, locale: Locale) -> String {
    match locale {
        Locale::Zh => pair.0,
        Locale::En => pair.1,
    }
    .to_owned()
}

/// The notice panel's labels.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NoticeLabels {
    pub retry: String,
}

pub fn notice(locale: Locale) -> NoticeLabels {
    NoticeLabels {
        retry: pick(RETRY, locale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages() {
        for (zh, en) in TABLE {
            assert!(
                !zh.trim().is_empty() && !en.trim().is_empty(),
                "{zh} / {en}"
            );
            assert!(!en.chars().any(crate::support::locale::is_cjk), "{en}");
        }
    }

    #[test]
    fn every_title_and_loading_line_has_both_languages() {
        use crate::launch::view::{status_text, title};
        use crate::launch::Step;
        use crate::protocol::page::Route;
        use crate::support::locale::is_cjk;
        let routes = [
            Route::Loading,
            Route::Notice,
            Route::Card,
            Route::Group,
            Route::Compose,
            Route::Home,
            Route::Handover,
        ];
        let steps = [
            Step::Idle,
            Step::CheckingSession,
            Step::LoggingIn,
            Step::Exchanging,
            Step::ReadingClient,
            Step::ReadingContext,
            Step::Identifying,
            Step::Fetching,
            Step::Ready,
            Step::Blocked,
        ];
        let all = routes
            .into_iter()
            .map(title)
            .chain(steps.into_iter().map(status_text));
        for m in all {
            assert!(m.zh.chars().any(is_cjk), "{m:?}");
            assert!(!m.en.is_empty() && !m.en.chars().any(is_cjk), "{m:?}");
        }
    }

    #[test]
    fn the_notice_labels_follow_the_locale() {
        assert_eq!(notice(Locale::Zh).retry, "重试");
        assert_eq!(notice(Locale::En).retry, "Try again");
    }
}
