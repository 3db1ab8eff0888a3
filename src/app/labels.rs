//! The page's own fixed labels (`View.labels`): the parts with no view
//! struct of their own (home, the banner, the notice panel, the page's
//! buttons), composed from the slices' tables and the app's own, in the
//! member's language. The WXML binds them and holds no literal text.
//!
//! Each slice's own part carries its labels itself (`FormView.labels`,
//! `HandoverView.labels`, …); [`all_tables`] lists every table for the
//! completeness test.

use serde::Serialize;

use crate::card::form_labels;
use crate::handover::labels as handover_labels;
use crate::launch::labels::{self as launch_labels, pick, NoticeLabels, Pair};
use crate::support::locale::Locale;

/// The banner's close button (its text is the symbol ×; this is what a
/// screen reader says).
pub const DISMISS_BANNER: Pair = ("关闭", "Close");
/// The hand-over page's way back home (`home`).
pub const BACK_HOME: Pair = ("返回", "Back");

/// The app's own labels.
pub const TABLE: &[Pair] = &[DISMISS_BANNER, BACK_HOME];

/// Every label table of the core, by name: each pair must have both
/// languages (tested here and in `tests/locale_views.rs`).
pub fn all_tables() -> Vec<(&'static str, &'static [Pair])> {
    vec![
        ("app", TABLE),
        ("launch", launch_labels::TABLE),
        ("card::form", form_labels::TABLE),
        ("handover", handover_labels::TABLE),
    ]
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HomeLabels {
    pub pick_customer: String,
    /// The button to the hand-over page (shown when `canHandOver`).
    pub open_handover: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BannerLabels {
    pub dismiss: String,
}

/// `View.labels`. The default (empty) stands in for them in a render that
/// keeps the last render's.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PageLabels {
    pub home: HomeLabels,
    pub notice: NoticeLabels,
    pub banner: BannerLabels,
    /// The hand-over page's button back home.
    pub back_home: String,
}

pub fn page_labels(locale: Locale) -> PageLabels {
    PageLabels {
        home: HomeLabels {
            pick_customer: pick(launch_labels::PICK_CUSTOMER, locale),
            open_handover: pick(handover_labels::OPEN_HANDOVER, locale),
        },
        notice: launch_labels::notice(locale),
        banner: BannerLabels {
            dismiss: pick(DISMISS_BANNER, locale),
        },
        back_home: pick(BACK_HOME, locale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::locale::is_cjk;

    #[test]
    fn every_table_has_both_languages_and_english_has_no_chinese() {
        let mut seen = 0;
        for (name, table) in all_tables() {
            assert!(!table.is_empty(), "{name}: empty table");
            for (zh, en) in table {
                assert!(
                    !zh.trim().is_empty(),
                    "{name}: a label without Chinese ({en})"
                );
                assert!(
                    !en.trim().is_empty(),
                    "{name}: a label without English ({zh})"
                );
                assert!(zh.chars().any(is_cjk), "{name}: {zh:?} is not Chinese");
                assert!(!en.chars().any(is_cjk), "{name}: {en:?} is not English");
                seen += 1;
            }
        }
        assert!(seen > 20, "only {seen} labels");
    }

    #[test]
    fn the_page_labels_are_in_one_language() {
        let zh = page_labels(Locale::Zh);
        let en = page_labels(Locale::En);
        assert_eq!(zh.home.pick_customer, "选择客户");
        // One language per label: the hand-over button once mixed both.
        assert_eq!(zh.home.open_handover, "客户交接（管理员）");
        assert_eq!(en.home.open_handover, "Hand customers over (admins)");
        let zh_texts = [
            &zh.home.pick_customer,
            &zh.home.open_handover,
            &zh.notice.retry,
            &zh.banner.dismiss,
            &zh.back_home,
        ];
        for t in zh_texts {
            assert!(!t.chars().any(|c| c.is_ascii_alphabetic()), "{t}");
        }
        let en_texts = [
            &en.home.pick_customer,
            &en.home.open_handover,
            &en.notice.retry,
            &en.banner.dismiss,
            &en.back_home,
        ];
        for t in en_texts {
            assert!(!t.chars().any(is_cjk) && !t.is_empty(), "{t}");
        }
    }
}
