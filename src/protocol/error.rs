//! Errors that cross the boundary. Each has a stable `code` that JS can
//! switch on, and a message for people.

use std::fmt;

/// Why a call into the core was refused. The handle keeps working after any
/// of these: nothing is changed when a call fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// The config passed to the constructor is not usable.
    BadConfig(String),
    /// The event is not a known event or its fields have the wrong types.
    BadEvent(String),
    /// The snapshot is not JSON, has no version, or is not a model.
    BadSnapshot(String),
    /// The snapshot was written by a newer core than this one.
    SnapshotTooNew { found: u32, supported: u32 },
    /// An input is larger than the core accepts.
    TooLarge {
        what: &'static str,
        max: usize,
        len: usize,
    },
    /// A value could not be turned into a JS value.
    Serialize(String),
}

impl CoreError {
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::BadConfig(_) => "bad_config",
            CoreError::BadEvent(_) => "bad_event",
            CoreError::BadSnapshot(_) => "bad_snapshot",
            CoreError::SnapshotTooNew { .. } => "snapshot_too_new",
            CoreError::TooLarge { .. } => "too_large",
            CoreError::Serialize(_) => "serialize",
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::BadConfig(m) => write!(f, "invalid config: {m}"),
            CoreError::BadEvent(m) => write!(f, "invalid event: {m}"),
            CoreError::BadSnapshot(m) => write!(f, "invalid snapshot: {m}"),
            CoreError::SnapshotTooNew { found, supported } => write!(
                f,
                "snapshot version {found} is newer than this core supports ({supported})"
            ),
            CoreError::TooLarge { what, max, len } => {
                write!(f, "{what} is {len} bytes; at most {max} are accepted")
            }
            CoreError::Serialize(m) => write!(f, "could not serialize: {m}"),
        }
    }
}

impl std::error::Error for CoreError {}
