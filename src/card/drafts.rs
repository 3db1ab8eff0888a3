//! Drafts: unsaved edits, written to storage on every change so they survive
//! leaving the chat, hiding the app and the app being killed.
//!
//! Format v2 (current): `{"v":2,"ext":"wm…","savedAt":<ms>,"values":{…}}`.
//! Format v1 (the previous release): `{"version":1,"remark":…,"desc":…,
//! "company":…,"mobiles":"a;b","ts":<ms>}` — migrated on read.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::card::form::FormValues;

pub const DRAFT_PREFIX: &str = "wcc:draft:";
pub const DRAFT_VERSION: u32 = 2;
/// Where damaged entries are set aside (outside the `wcc:` prefix, so they
/// are not read back at launch).
pub use crate::protocol::storage::QUARANTINE_PREFIX;

pub fn draft_key(external_userid: &str) -> String {
    format!("{DRAFT_PREFIX}{external_userid}")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub v: u32,
    pub ext: String,
    pub saved_at: f64,
    pub values: FormValues,
}
crate::support::stored::stored_struct!(Draft {
    v: "v",
    ext: "ext",
    saved_at: "savedAt",
    values: "values"
});

#[derive(Debug, Clone, PartialEq)]
pub enum DraftError {
    /// Not JSON, truncated, or not the shape of any known version.
    Corrupt(String),
    /// Written by a newer release.
    TooNew(u64),
}

impl Draft {
    pub fn new(ext: &str, saved_at: f64, values: FormValues) -> Draft {
        Draft {
            v: DRAFT_VERSION,
            ext: ext.to_owned(),
            saved_at,
            values,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads any known version. `ext` is taken from the key for v1, which
    /// did not store it.
    pub fn parse(raw: &str, ext_from_key: &str) -> Result<Draft, DraftError> {
        Draft::parse_versioned(raw, ext_from_key).map(|(draft, _)| draft)
    }

    /// Like [`Draft::parse`], also telling which format version was stored,
    /// so a migrated draft can be written back in the current one.
    pub fn parse_versioned(raw: &str, ext_from_key: &str) -> Result<(Draft, u64), DraftError> {
        let v: Value = serde_json::from_str(raw).map_err(|e| DraftError::Corrupt(e.to_string()))?;
        let version = v
            .get("v")
            .or_else(|| v.get("version"))
            .and_then(Value::as_u64);
        let draft = match version {
            Some(2) => {
                crate::support::stored::Stored::read_stored(v).map_err(DraftError::Corrupt)?
            }
            Some(1) => migrate_v1(&v, ext_from_key)?,
            Some(n) if n > u64::from(DRAFT_VERSION) => return Err(DraftError::TooNew(n)),
            _ => return Err(DraftError::Corrupt("no known version".into())),
        };
        Ok((draft, version.unwrap_or(0)))
    }
}

fn migrate_v1(v: &Value, ext: &str) -> Result<Draft, DraftError> {
    let text = |k: &str| -> Result<String, DraftError> {
        match v.get(k) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(DraftError::Corrupt(format!("v1 field {k} is not text"))),
        }
    };
    let mobiles = text("mobiles")?
        .split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Ok(Draft {
        v: DRAFT_VERSION,
        ext: ext.to_owned(),
        saved_at: v.get("ts").and_then(Value::as_f64).unwrap_or(0.0),
        values: FormValues {
            remark: text("remark")?,
            description: text("desc")?,
            remark_company: text("company")?,
            mobiles,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> FormValues {
        FormValues {
            remark: "王总 👍".into(),
            description: "重要客户".into(),
            remark_company: "腾讯".into(),
            mobiles: vec!["13800138000".into()],
        }
    }

    #[test]
    fn v2_roundtrip() {
        let d = Draft::new("wmabc", 5.0, values());
        assert_eq!(Draft::parse(&d.to_json(), "wmabc").unwrap(), d);
    }

    #[test]
    fn reports_the_stored_version() {
        let v2 = Draft::new("wmabc", 5.0, values()).to_json();
        assert_eq!(Draft::parse_versioned(&v2, "wmabc").unwrap().1, 2);
        let v1 = r#"{"version":1,"remark":"x","ts":5}"#;
        assert_eq!(Draft::parse_versioned(v1, "wmabc").unwrap().1, 1);
        // Key order and spacing do not matter.
        let spaced = r#"{ "values": {"remark": "x"}, "savedAt": 1, "ext": "wmabc", "v": 2 }"#;
        assert_eq!(Draft::parse_versioned(spaced, "wmabc").unwrap().1, 2);
    }

    #[test]
    fn migrates_v1() {
        let v1 = r#"{"version":1,"remark":"王总 👍","desc":"重要客户","company":"腾讯","mobiles":"13800138000;","ts":5}"#;
        let d = Draft::parse(v1, "wmabc").unwrap();
        assert_eq!(d, Draft::new("wmabc", 5.0, values()));
    }

    #[test]
    fn corrupt_and_truncated_drafts_are_errors() {
        let full = Draft::new("wmabc", 5.0, values()).to_json();
        let truncated = &full[..full.len() / 2];
        assert!(matches!(
            Draft::parse(truncated, "wmabc"),
            Err(DraftError::Corrupt(_))
        ));
        assert!(matches!(
            Draft::parse("", "wmabc"),
            Err(DraftError::Corrupt(_))
        ));
        assert!(matches!(
            Draft::parse("[]", "wmabc"),
            Err(DraftError::Corrupt(_))
        ));
        assert!(matches!(
            Draft::parse(r#"{"v":2,"ext":"wm"}"#, "wm"),
            Err(DraftError::Corrupt(_))
        ));
        assert!(matches!(
            Draft::parse(r#"{"version":1,"remark":5}"#, "wm"),
            Err(DraftError::Corrupt(_))
        ));
        assert_eq!(Draft::parse(r#"{"v":9}"#, "wm"), Err(DraftError::TooNew(9)));
    }
}
