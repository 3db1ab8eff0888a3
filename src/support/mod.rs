//! The bottom layer: text counting and normalising, locales, privacy (phone
//! masking) and the door for outside JSON. It imports nothing of ours.

pub mod input;
pub mod locale;
pub mod privacy;
pub mod text;

/// A short, log-safe preview of untrusted text for error messages.
pub fn text_preview(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}
