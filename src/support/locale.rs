//! User-facing text in Chinese and English.

use serde::{Deserialize, Serialize};

/// The language the view is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Zh,
    En,
}
crate::support::stored::stored_enum!(Locale { Zh = "zh", En = "en" });

impl Locale {
    /// Lenient: `zh_CN`, `zh-TW`, `en`, `en_US`… Anything else is Chinese.
    pub fn from_tag(tag: &str) -> Locale {
        if tag.to_ascii_lowercase().starts_with("en") {
            Locale::En
        } else {
            Locale::Zh
        }
    }
}

/// A message in both languages. The view picks one with [`Localized::get`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub zh: String,
    pub en: String,
}
crate::support::stored::stored_struct!(Localized { zh: "zh", en: "en" });

impl Localized {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Localized {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::Zh => &self.zh,
            Locale::En => &self.en,
        }
    }
}

/// A Chinese (or other CJK) character, including the full-width
/// punctuation Chinese text uses (`，。：（）「」`): what an English view
/// must not contain outside the user's own data.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'   // radicals
        | '\u{3000}'..='\u{303F}' // CJK punctuation: 、。「」
        | '\u{3040}'..='\u{30FF}' // kana
        | '\u{3400}'..='\u{4DBF}' // extension A
        | '\u{4E00}'..='\u{9FFF}' // unified ideographs
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{FF00}'..='\u{FFEF}' // full-width forms: ，：（）
        | '\u{20000}'..='\u{2FA1F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_language() {
        let m = Localized::new("你好", "hello");
        assert_eq!(m.get(Locale::Zh), "你好");
        assert_eq!(m.get(Locale::En), "hello");
        assert_eq!(Locale::from_tag("en_US"), Locale::En);
        assert_eq!(Locale::from_tag("zh_CN"), Locale::Zh);
        assert_eq!(Locale::from_tag(""), Locale::Zh);
    }

    #[test]
    fn cjk_is_chinese_text_and_its_punctuation() {
        for c in ['客', '。', '，', '（', '：', '「', '𠀀'] {
            assert!(is_cjk(c), "{c}");
        }
        for c in ['a', '…', '→', '·', '×', '☑', 'é', ' '] {
            assert!(!is_cjk(c), "{c}");
        }
    }
}
