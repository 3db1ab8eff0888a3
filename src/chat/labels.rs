//! The composer's fixed labels in both languages (`ComposerView.labels`).
//! Counted labels are built by the functions at the end.

use serde::Serialize;

use crate::support::locale::Locale;

/// `(zh, en)` of each label.
type Pair = (&'static str, &'static str);

const BACK_TO_CARD: Pair = ("‹ 返回客户资料", "‹ Back to the customer");
const ENTER_CHAT: Pair = ("发送后进入聊天", "Open the chat after sending");
const SEND: Pair = ("发送", "Send");
const QUICK_REPLIES: Pair = ("快捷回复", "Quick replies");
const LIBRARY: Pair = ("素材库", "Materials");
const PICK_PICTURE: Pair = ("从手机选择图片", "Choose a picture from the phone");
const UPLOADING: Pair = ("正在上传图片…", "Uploading the picture…");
const LOADING: Pair = ("正在加载素材库…", "Loading the materials…");
const EMPTY: Pair = (
    "素材库里还没有这类素材，请联系管理员添加。",
    "The library has none of these yet; ask your admin to add some.",
);
const REFRESH: Pair = ("刷新素材库", "Refresh the materials");
const TAP_TO_SEND: Pair = ("点一下即发送到聊天", "Tap one to send it to the chat");
const DISMISS: Pair = ("关闭", "Close");

fn pick(p: Pair, locale: Locale) -> String {
    match locale {
        Locale::Zh => p.0,
        Locale::En => p.1,
    }
    .to_owned()
}

/// The composer panel's fixed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ComposerLabels {
    pub back_to_card: String,
    pub enter_chat: String,
    pub send: String,
    pub quick_replies: String,
    pub library: String,
    pub pick_picture: String,
    pub uploading: String,
    pub loading: String,
    pub empty: String,
    pub refresh: String,
    pub tap_to_send: String,
    pub dismiss: String,
}

impl ComposerLabels {
    pub fn new(locale: Locale) -> ComposerLabels {
        ComposerLabels {
            back_to_card: pick(BACK_TO_CARD, locale),
            enter_chat: pick(ENTER_CHAT, locale),
            send: pick(SEND, locale),
            quick_replies: pick(QUICK_REPLIES, locale),
            library: pick(LIBRARY, locale),
            pick_picture: pick(PICK_PICTURE, locale),
            uploading: pick(UPLOADING, locale),
            loading: pick(LOADING, locale),
            empty: pick(EMPTY, locale),
            refresh: pick(REFRESH, locale),
            tap_to_send: pick(TAP_TO_SEND, locale),
            dismiss: pick(DISMISS, locale),
        }
    }
}

/// "图片（3）" / "Images (3)": a section title with its count.
pub fn section_title(title: &str, n: usize, locale: Locale) -> String {
    match locale {
        Locale::Zh => format!("{title}（{n}）"),
        Locale::En => format!("{title} ({n})"),
    }
}

/// "2.4 MB" / "12 KB": a file's size.
pub fn file_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages_and_they_differ() {
        let zh = serde_json::to_value(ComposerLabels::new(Locale::Zh)).unwrap();
        let en = serde_json::to_value(ComposerLabels::new(Locale::En)).unwrap();
        for (k, v) in zh.as_object().unwrap() {
            let z = v.as_str().unwrap();
            let e = en[k].as_str().unwrap();
            assert!(!z.is_empty() && !e.is_empty(), "{k}");
            assert_ne!(z, e, "{k} is not translated");
            assert!(
                z.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{k}: {z}"
            );
            assert!(
                e.is_ascii() || e.contains('…') || e.contains('‹'),
                "{k}: {e}"
            );
        }
    }

    #[test]
    fn counted_titles_and_sizes() {
        assert_eq!(section_title("图片", 3, Locale::Zh), "图片（3）");
        assert_eq!(section_title("Images", 3, Locale::En), "Images (3)");
        assert_eq!(file_size(2_500_000), "2.4 MB");
        assert_eq!(file_size(1500), "2 KB");
    }
}
