//! Counting and cutting text the way WeCom counts it.
//!
//! WeCom's limits ("remark ≤ 20 characters") count what a person sees as one
//! character, not bytes and not `char`s: `👨‍👩‍👧` is one character on the
//! screen although it is five code points. [`char_count`] therefore counts
//! *clusters*, a small subset of Unicode extended grapheme clusters that is
//! enough for the text people type into a remark, without a new dependency
//! (the package-size budget of a mini program is tight):
//!
//! - a base character followed by combining marks (U+0300–036F, U+1AB0–1AFF,
//!   U+1DC0–1DFF, U+20D0–20FF, U+FE20–FE2F) is one cluster, so `é` composed
//!   (U+00E9) and `e` + U+0301 both count 1, and the keycap `1️⃣`
//!   (`1` + U+FE0F + U+20E3) counts 1;
//! - variation selectors (U+FE00–FE0F, U+E0100–E01EF), emoji skin-tone
//!   modifiers (U+1F3FB–1F3FF) and tag characters (U+E0020–E007F, used by
//!   subdivision flags such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿) join the cluster before them;
//! - a zero-width joiner (U+200D) joins the cluster before it *and* the
//!   character after it, so a ZWJ family or profession emoji counts 1;
//! - two regional indicators (U+1F1E6–1F1FF) make one flag (`🇨🇳`); a third
//!   one starts a new cluster;
//! - everything else, including every Chinese character, counts 1.
//!
//! Not covered (rare in remarks): Hangul conjoining jamo sequences and the
//! spacing marks of Indic scripts count per code point, which over-counts
//! and therefore errs on the side of WeCom rejecting nothing we accepted.

/// A zero-width joiner.
const ZWJ: char = '\u{200D}';

/// Characters that never start a cluster: they attach to the one before.
fn is_extender(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F        // combining diacritical marks
        | 0x1AB0..=0x1AFF      // combining diacritical marks extended
        | 0x1DC0..=0x1DFF      // combining diacritical marks supplement
        | 0x20D0..=0x20FF      // combining marks for symbols (incl. keycap U+20E3)
        | 0xFE20..=0xFE2F      // combining half marks
        | 0xFE00..=0xFE0F      // variation selectors
        | 0xE0100..=0xE01EF    // variation selectors supplement
        | 0x1F3FB..=0x1F3FF    // emoji skin-tone modifiers
        | 0xE0020..=0xE007F    // tag characters
        | 0x200D // zero-width joiner
    )
}

fn is_regional_indicator(c: char) -> bool {
    matches!(c as u32, 0x1F1E6..=0x1F1FF)
}

/// Iterates over the clusters of a string (see the module documentation).
#[derive(Debug, Clone)]
pub struct Clusters<'a> {
    rest: &'a str,
}

/// The clusters of `s`, in order. Each item is a non-empty slice of `s`.
pub fn clusters(s: &str) -> Clusters<'_> {
    Clusters { rest: s }
}

impl<'a> Iterator for Clusters<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let mut chars = self.rest.char_indices();
        let (_, first) = chars.next()?;
        let mut prev = first;
        // Regional indicators in the current cluster: a flag is exactly two.
        let mut indicators = usize::from(is_regional_indicator(first));
        let mut end = self.rest.len();
        for (i, c) in chars {
            let joins = prev == ZWJ
                || is_extender(c)
                || (indicators == 1 && is_regional_indicator(prev) && is_regional_indicator(c));
            if !joins {
                end = i;
                break;
            }
            if is_regional_indicator(c) {
                indicators += 1;
            }
            prev = c;
        }
        let (cluster, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(cluster)
    }
}

/// How many characters WeCom sees in `s` (user-perceived characters; see
/// the module documentation for what joins into one).
pub fn char_count(s: &str) -> usize {
    clusters(s).count()
}

/// The longest prefix of `s` that has at most `max` characters, never
/// cutting inside a cluster (a flag or a ZWJ emoji stays whole or goes).
pub fn truncate_chars(s: &str, max: usize) -> &str {
    let mut end = 0;
    for cluster in clusters(s).take(max) {
        end += cluster.len();
    }
    s.get(..end).unwrap_or(s)
}

/// The form in which a text field is checked and sent to WeCom.
///
/// - Control characters (Unicode `Cc`: U+0000–001F, U+007F–009F) are not
///   allowed anywhere: a tab, a line feed or a carriage return becomes one
///   space (so pasted lines do not run together), every other control
///   character is removed.
/// - Leading and trailing whitespace is trimmed.
/// - Nothing else is changed: inner runs of spaces are kept as typed, and
///   format characters such as the zero-width joiner stay (emoji need them).
pub fn normalize_field(s: &str) -> String {
    // Typed text seldom holds a control character: then trimming is all.
    if !s.chars().any(char::is_control) {
        return s.trim().to_owned();
    }
    let cleaned: String = s
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    cleaned.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_ascii_one_per_char() {
        assert_eq!(char_count(""), 0);
        assert_eq!(char_count("a"), 1);
        assert_eq!(char_count("hello world"), 11);
    }

    #[test]
    fn counts_chinese_one_per_char() {
        assert_eq!(char_count("李部长"), 3);
        assert_eq!(char_count("腾讯科技有限公司"), 8);
        assert_eq!(char_count("张三abc"), 5);
    }

    #[test]
    fn counts_simple_emoji_as_one() {
        assert_eq!(char_count("😀"), 1);
        assert_eq!(char_count("😀😀"), 2);
        assert_eq!(char_count("a😀b"), 3);
    }

    #[test]
    fn zwj_family_is_one() {
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(family.chars().count(), 5);
        assert_eq!(char_count(family), 1);
        assert_eq!(char_count(&format!("{family}{family}")), 2);
        assert_eq!(char_count(&format!("x{family}y")), 3);
    }

    #[test]
    fn skin_tone_modifier_joins() {
        let thumbs = "👍🏽";
        assert_eq!(thumbs.chars().count(), 2);
        assert_eq!(char_count(thumbs), 1);
        assert_eq!(char_count("👍🏽👍"), 2);
    }

    #[test]
    fn regional_indicator_pairs_are_flags() {
        assert_eq!(char_count("🇨🇳"), 1);
        assert_eq!(char_count("🇨🇳🇺🇸"), 2);
        // An odd indicator stands alone.
        assert_eq!(char_count("🇨🇳🇺"), 2);
        assert_eq!(char_count("🇨"), 1);
    }

    #[test]
    fn tag_sequence_flag_is_one() {
        let scotland = "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert_eq!(char_count(scotland), 1);
    }

    #[test]
    fn composed_and_decomposed_e_count_the_same() {
        assert_eq!(char_count("\u{E9}"), 1);
        assert_eq!(char_count("e\u{301}"), 1);
        assert_eq!(char_count("cafe\u{301}"), 4);
        assert_eq!(char_count("e\u{301}\u{308}"), 1, "two marks still one");
    }

    #[test]
    fn keycap_is_one() {
        let keycap = "1\u{FE0F}\u{20E3}";
        assert_eq!(keycap.chars().count(), 3);
        assert_eq!(char_count(keycap), 1);
        assert_eq!(char_count("1\u{FE0F}\u{20E3}2"), 2);
    }

    #[test]
    fn variation_selector_joins() {
        assert_eq!(char_count("❤\u{FE0F}"), 1);
        assert_eq!(char_count("葛\u{E0100}"), 1);
    }

    #[test]
    fn leading_extender_counts_once() {
        assert_eq!(char_count("\u{301}"), 1);
        assert_eq!(char_count("\u{301}a"), 2);
    }

    #[test]
    fn trailing_zwj_stays_in_cluster() {
        assert_eq!(char_count("a\u{200D}"), 1);
    }

    #[test]
    fn clusters_cover_the_string() {
        let s = "a👨\u{200D}👩🇨🇳e\u{301}中";
        let parts: Vec<&str> = clusters(s).collect();
        assert_eq!(parts, vec!["a", "👨\u{200D}👩", "🇨🇳", "e\u{301}", "中"]);
        assert_eq!(parts.concat(), s);
    }

    #[test]
    fn truncate_keeps_whole_clusters() {
        assert_eq!(truncate_chars("hello", 3), "hel");
        assert_eq!(truncate_chars("hello", 10), "hello");
        assert_eq!(truncate_chars("hello", 0), "");
        assert_eq!(truncate_chars("李部长", 2), "李部");
        assert_eq!(truncate_chars("a🇨🇳b", 2), "a🇨🇳");
        assert_eq!(truncate_chars("e\u{301}x", 1), "e\u{301}");
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(truncate_chars(&format!("{family}z"), 1), family);
        assert_eq!(truncate_chars("", 5), "");
    }

    #[test]
    fn normalize_trims_and_strips_controls() {
        assert_eq!(normalize_field("  李部长  "), "李部长");
        assert_eq!(normalize_field("a\u{0}b\u{7}c\u{7F}"), "abc");
        assert_eq!(normalize_field("line1\nline2"), "line1 line2");
        assert_eq!(normalize_field("a\r\nb"), "a  b");
        assert_eq!(normalize_field("\t x \u{85}"), "x");
        assert_eq!(normalize_field("a   b"), "a   b", "inner spaces are kept");
    }

    #[test]
    fn normalize_keeps_emoji_joiners() {
        let family = "👨\u{200D}👩\u{200D}👧";
        assert_eq!(normalize_field(family), family);
        assert_eq!(normalize_field("1\u{FE0F}\u{20E3}"), "1\u{FE0F}\u{20E3}");
    }
}
