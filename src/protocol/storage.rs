//! Storage keys every slice shares the rules of.

/// Damaged entries are copied under this prefix before the original goes.
pub const QUARANTINE_PREFIX: &str = "wcc-quarantine:";

pub fn quarantine_key(key: &str) -> String {
    format!("{QUARANTINE_PREFIX}{key}")
}
