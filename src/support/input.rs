//! The door: one size, nesting and text policy for every JSON text that
//! comes from outside (events from the shell, bodies from the backend,
//! values read back from storage).
//!
//! - **Size.** An event is at most [`MAX_INPUT_BYTES`]. The model keeps only
//!   bounded copies of what came in (see `card::MAX_PAGE_BYTES`), so its
//!   own snapshot is always below [`MAX_SNAPSHOT_BYTES`].
//! - **Nesting.** Nothing deeper than [`MAX_DEPTH`] is accepted. The model
//!   stores outside values at most [`SNAPSHOT_EXTRA_DEPTH`] levels further
//!   down, which keeps every snapshot well inside serde_json's recursion
//!   limit (128): whatever the core accepts, its own snapshot restores.
//! - **Text.** A lone UTF-16 surrogate escape (`"\ud83d"`: half an emoji,
//!   from a server that cut a string) is not a reason to refuse anything. It
//!   is repaired to U+FFFD before parsing, the way `TextEncoder` repairs a
//!   lone surrogate in a JS string.

use std::borrow::Cow;

use serde_json::Value;

/// Largest event the core accepts, in bytes of JSON. One page of
/// `externalcontact/get` (500 follow users, each with up to 200 tags) is
/// about 7–10 MB, and it arrives as one `httpResult`: it must fit, as must
/// the card's whole page budget (`card::MAX_PAGE_BYTES`).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Largest snapshot [`crate::app::restore`] reads. The model never holds
/// more than a few times [`MAX_INPUT_BYTES`] of outside text, so every
/// snapshot the core writes is below this.
pub const MAX_SNAPSHOT_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting (objects and arrays) accepted in any outside JSON.
pub const MAX_DEPTH: usize = 64;

/// How much deeper than the event an outside value sits in a snapshot
/// (`{model:{launch:{systemInfo:…}}}`, `{model:{outbox:{kept:[…]}}}`).
pub const SNAPSHOT_EXTRA_DEPTH: usize = 6;

// The nesting policy must leave room below serde_json's own limit.
const _: () = assert!(MAX_DEPTH + SNAPSHOT_EXTRA_DEPTH < 128);

/// Why an outside JSON text was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    TooLarge { max: usize, len: usize },
    TooDeep { max: usize },
    Json(String),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::TooLarge { max, len } => {
                write!(f, "{len} bytes; at most {max} are accepted")
            }
            InputError::TooDeep { max } => write!(f, "nested deeper than {max} levels"),
            InputError::Json(m) => f.write_str(m),
        }
    }
}

/// The deepest nesting of objects and arrays in a JSON text, counting
/// brackets outside strings. Stops early once `limit` is passed.
pub fn depth_exceeds(json: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in json.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn hex4(bytes: &[u8]) -> Option<u16> {
    if bytes.len() < 4 {
        return None;
    }
    let s = std::str::from_utf8(&bytes[..4]).ok()?;
    u16::from_str_radix(s, 16).ok()
}

/// Replaces every `\uXXXX` escape that is half of a surrogate pair without
/// its other half by `\ufffd`. Everything else is left byte for byte.
pub fn repair_surrogates(json: &str) -> Cow<'_, str> {
    // Fast path: no surrogate escape at all.
    let bytes = json.as_bytes();
    let may_have = bytes
        .windows(3)
        .any(|w| w[0] == b'\\' && w[1] == b'u' && (w[2] == b'd' || w[2] == b'D'));
    if !may_have {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len());
    let mut i = 0;
    let mut last = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if !in_string {
            if b == b'"' {
                in_string = true;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = false;
                i += 1;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                let Some(unit) = hex4(&bytes[i + 2..]) else {
                    i += 2;
                    continue;
                };
                let is_high = (0xD800..0xDC00).contains(&unit);
                let is_low = (0xDC00..0xE000).contains(&unit);
                if is_high {
                    let next_low = bytes.get(i + 6) == Some(&b'\\')
                        && bytes.get(i + 7) == Some(&b'u')
                        && hex4(&bytes[(i + 8).min(bytes.len())..])
                            .is_some_and(|u| (0xDC00..0xE000).contains(&u));
                    if next_low {
                        i += 12;
                        continue;
                    }
                }
                if is_high || is_low {
                    out.push_str(&json[last..i]);
                    out.push_str("\\ufffd");
                    i += 6;
                    last = i;
                } else {
                    i += 6;
                }
            }
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    out.push_str(&json[last.min(json.len())..]);
    Cow::Owned(out)
}

/// Checks size and nesting and repairs lone surrogates: the text is then
/// safe to hand to serde_json, and whatever it becomes can be snapshotted.
pub fn admit(json: &str, max_bytes: usize) -> Result<Cow<'_, str>, InputError> {
    if json.len() > max_bytes {
        return Err(InputError::TooLarge {
            max: max_bytes,
            len: json.len(),
        });
    }
    if depth_exceeds(json, MAX_DEPTH) {
        return Err(InputError::TooDeep { max: MAX_DEPTH });
    }
    Ok(repair_surrogates(json))
}

/// Reads an outside JSON text (a backend body, a stored value) as a
/// `Value`, under the door's policy.
pub fn parse_value(json: &str) -> Result<Value, InputError> {
    let text = admit(json, MAX_SNAPSHOT_BYTES)?;
    serde_json::from_str(&text).map_err(|e| InputError::Json(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(repair_surrogates(r#""a\ud83d""#), r#""a\ufffd""#);
        assert_eq!(repair_surrogates(r#""\ude00b""#), r#""\ufffdb""#);
        assert_eq!(
            repair_surrogates(r#""\ud83d\ud83d\ude00""#),
            r#""\ufffd\ud83d\ude00""#
        );
        // A whole pair, an escaped backslash and text outside strings stay.
        let pair = r#"{"x":"\ud83d\ude00","y":"\\ud83d"}"#;
        assert_eq!(repair_surrogates(pair), pair);
        let v: Value = serde_json::from_str(&repair_surrogates(r#"["\uD83D!"]"#)).unwrap();
        assert_eq!(v[0], "\u{FFFD}!");
    }

    #[test]
    fn a_cut_escape_at_the_end_does_not_panic() {
        for s in [r#""\u"#, r#""\ud8"#, r#""\ud83d"#, r#""\ud83d\u"#, "\"\\"] {
            let _ = repair_surrogates(s);
        }
    }

    #[test]
    fn nesting_is_counted_outside_strings() {
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert!(depth_exceeds(&deep, 64));
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(!depth_exceeds(&ok, 64));
        assert!(!depth_exceeds(&format!("\"{}\"", "[".repeat(200)), 1));
        assert!(matches!(
            admit(&deep, 1 << 20),
            Err(InputError::TooDeep { .. })
        ));
        assert!(matches!(admit("[]", 1), Err(InputError::TooLarge { .. })));
    }
}
