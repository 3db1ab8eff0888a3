//! The bottom layer: text counting and normalising, locales, privacy (phone
//! masking) and the door for outside JSON. It imports nothing of ours.

pub mod fields;
pub mod input;
pub mod locale;
pub mod privacy;
pub mod sorted_map;
pub mod sorting;
pub mod stored;
pub mod text;

/// A short, log-safe preview of untrusted text for error messages.
pub fn text_preview(s: &str) -> String {
    let mut out = text::truncate_chars(s, 40).to_owned();
    if text::char_count(s) > 40 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_keeps_short_text() {
        assert_eq!(text_preview(&"a".repeat(40)), "a".repeat(40));
    }

    #[test]
    fn preview_cuts_long_text_with_an_ellipsis() {
        assert_eq!(
            text_preview(&"a".repeat(41)),
            format!("{}…", "a".repeat(40))
        );
    }

    #[test]
    fn preview_counts_and_cuts_characters_as_people_see_them() {
        let family = "👨\u{200d}👩\u{200d}👧";
        let fits = format!("{}{family}", "a".repeat(39));
        assert_eq!(text_preview(&fits), fits);
        let over = format!("{}{family}", "a".repeat(40));
        assert_eq!(text_preview(&over), format!("{}…", "a".repeat(40)));
    }
}
