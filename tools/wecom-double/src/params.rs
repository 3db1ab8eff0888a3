//! Request parameters the WeCom APIs share: external userids and the
//! opaque paging cursors.

use std::hash::{DefaultHasher, Hash, Hasher};

pub(crate) fn check_external_userid(id: Option<&str>) -> Result<&str, (i64, String)> {
    let Some(id) = id.filter(|s| !s.is_empty()) else {
        return Err((41035, "missing external userid".to_owned()));
    };
    let well_formed = (id.starts_with("wm") || id.starts_with("wo"))
        && (4..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !well_formed {
        return Err((40096, "invalid external userid".to_owned()));
    }
    Ok(id)
}

fn cursor_mask(key: u64, id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    (key, id).hash(&mut h);
    h.finish()
}

fn cursor_check(mask: u64, offset: u64) -> u32 {
    let mut h = DefaultHasher::new();
    (mask, offset, "cursor").hash(&mut h);
    h.finish() as u32
}

/// An opaque cursor naming `offset` in `id`'s follow users.
pub(crate) fn encode_cursor(key: u64, id: &str, offset: usize) -> String {
    let mask = cursor_mask(key, id);
    let offset = offset as u64;
    format!("{:016x}{:08x}", offset ^ mask, cursor_check(mask, offset)).to_uppercase()
}

pub(crate) fn decode_cursor(key: u64, id: &str, cursor: &str) -> Option<usize> {
    if cursor.len() != 24 || !cursor.is_ascii() {
        return None;
    }
    let x = u64::from_str_radix(&cursor[..16], 16).ok()?;
    let check = u32::from_str_radix(&cursor[16..], 16).ok()?;
    let mask = cursor_mask(key, id);
    let offset = x ^ mask;
    (cursor_check(mask, offset) == check).then_some(offset as usize)
}
