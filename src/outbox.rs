//! The outbox: saves waiting for the backend, persisted to storage so that
//! nothing is lost when the app is killed. Each entry carries an idempotency
//! key, so a retry can never apply twice. Edits to the same customer merge
//! while they wait; only one request per customer is in flight at a time.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::form::FormValues;

pub const OUTBOX_KEY: &str = "wcc:outbox";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OutboxKind {
    /// `externalcontact/remark`
    Remark,
    /// `externalcontact/mark_tag`
    Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxEntry {
    /// Idempotency key, sent as the `Idempotency-Key` header.
    pub key: String,
    pub external_userid: String,
    pub kind: OutboxKind,
    /// The request body, in WeCom's own shape.
    pub body: Value,
    /// For remarks: the full form values, shown on the card until saved.
    pub values: Option<FormValues>,
    #[serde(default)]
    pub in_flight: bool,
    #[serde(default)]
    pub attempts: u32,
    pub created_at: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outbox {
    pub entries: Vec<OutboxEntry>,
}

/// Overlays `newer`'s fields on `older` (both JSON objects).
fn merge_bodies(older: &Value, newer: &Value) -> Value {
    let mut out = older.clone();
    if let (Value::Object(o), Value::Object(n)) = (&mut out, newer) {
        for (k, v) in n {
            o.insert(k.clone(), v.clone());
        }
        return out;
    }
    newer.clone()
}

/// Merges two mark_tag bodies: the later add cancels an earlier remove and
/// the other way round.
fn merge_tag_bodies(older: &Value, newer: &Value) -> Value {
    let list = |v: &Value, k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut add = list(older, "add_tag");
    let mut remove = list(older, "remove_tag");
    for id in list(newer, "add_tag") {
        remove.retain(|r| r != &id);
        if !add.contains(&id) {
            add.push(id);
        }
    }
    for id in list(newer, "remove_tag") {
        add.retain(|a| a != &id);
        if !remove.contains(&id) {
            remove.push(id);
        }
    }
    let mut out = merge_bodies(older, newer);
    out["add_tag"] = Value::from(add);
    out["remove_tag"] = Value::from(remove);
    out
}

impl Outbox {
    /// Adds an entry, merging it into a waiting (not in-flight) entry of the
    /// same customer and kind. The merged entry takes the new key, because
    /// its content changed. Returns the key that will be sent.
    pub fn push(&mut self, entry: OutboxEntry) -> String {
        if let Some(waiting) = self.entries.iter_mut().find(|e| {
            !e.in_flight && e.external_userid == entry.external_userid && e.kind == entry.kind
        }) {
            waiting.body = match entry.kind {
                OutboxKind::Remark => merge_bodies(&waiting.body, &entry.body),
                OutboxKind::Tags => merge_tag_bodies(&waiting.body, &entry.body),
            };
            if entry.values.is_some() {
                waiting.values = entry.values;
            }
            waiting.key = entry.key.clone();
            return entry.key;
        }
        let key = entry.key.clone();
        self.entries.push(entry);
        key
    }

    /// Entries that may be sent now: not in flight, and no other request for
    /// the same customer in flight.
    pub fn ready(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut busy: Vec<&str> = self
            .entries
            .iter()
            .filter(|e| e.in_flight)
            .map(|e| e.external_userid.as_str())
            .collect();
        for e in &self.entries {
            if !e.in_flight && !busy.contains(&e.external_userid.as_str()) {
                out.push(e.key.clone());
                busy.push(e.external_userid.as_str());
            }
        }
        out
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut OutboxEntry> {
        self.entries.iter_mut().find(|e| e.key == key)
    }

    pub fn remove(&mut self, key: &str) -> Option<OutboxEntry> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        Some(self.entries.remove(i))
    }

    /// The newest remark values waiting for this customer (shown on the card).
    pub fn pending_values(&self, external_userid: &str) -> Option<&FormValues> {
        self.entries
            .iter()
            .rev()
            .filter(|e| e.external_userid == external_userid && e.kind == OutboxKind::Remark)
            .find_map(|e| e.values.as_ref())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.entries).unwrap_or_else(|_| "[]".into())
    }

    /// Reads the stored outbox; in-flight marks are cleared (the app died
    /// mid-request, and the idempotency key makes the resend safe).
    pub fn from_json(s: &str) -> Result<Outbox, String> {
        let mut entries: Vec<OutboxEntry> = serde_json::from_str(s).map_err(|e| e.to_string())?;
        for e in &mut entries {
            e.in_flight = false;
        }
        Ok(Outbox { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn remark(key: &str, ext: &str, body: Value) -> OutboxEntry {
        OutboxEntry {
            key: key.into(),
            external_userid: ext.into(),
            kind: OutboxKind::Remark,
            body,
            values: None,
            in_flight: false,
            attempts: 0,
            created_at: 1.0,
        }
    }

    #[test]
    fn waiting_edits_to_one_customer_merge() {
        let mut o = Outbox::default();
        o.push(remark("k1", "wm1", json!({"remark": "a"})));
        let key = o.push(remark("k2", "wm1", json!({"description": "d"})));
        assert_eq!(key, "k2");
        assert_eq!(o.entries.len(), 1);
        assert_eq!(
            o.entries[0].body,
            json!({"remark": "a", "description": "d"})
        );
        assert_eq!(o.entries[0].key, "k2");
    }

    #[test]
    fn in_flight_entries_are_not_merged_and_block_their_customer() {
        let mut o = Outbox::default();
        o.push(remark("k1", "wm1", json!({"remark": "a"})));
        o.get_mut("k1").unwrap().in_flight = true;
        o.push(remark("k2", "wm1", json!({"remark": "b"})));
        o.push(remark("k3", "wm2", json!({"remark": "c"})));
        assert_eq!(o.entries.len(), 3);
        assert_eq!(o.ready(), vec!["k3".to_string()]);
        o.remove("k1");
        assert_eq!(o.ready(), vec!["k2".to_string(), "k3".to_string()]);
    }

    #[test]
    fn tag_edits_cancel_each_other() {
        let mut o = Outbox::default();
        let mut e = remark(
            "t1",
            "wm1",
            json!({"add_tag": ["et1"], "remove_tag": ["et2"]}),
        );
        e.kind = OutboxKind::Tags;
        o.push(e);
        let mut e = remark(
            "t2",
            "wm1",
            json!({"add_tag": ["et2"], "remove_tag": ["et1"]}),
        );
        e.kind = OutboxKind::Tags;
        o.push(e);
        assert_eq!(o.entries[0].body["add_tag"], json!(["et2"]));
        assert_eq!(o.entries[0].body["remove_tag"], json!(["et1"]));
    }

    #[test]
    fn storage_roundtrip_clears_in_flight() {
        let mut o = Outbox::default();
        o.push(remark("k1", "wm1", json!({"remark": "a"})));
        o.get_mut("k1").unwrap().in_flight = true;
        let back = Outbox::from_json(&o.to_json()).unwrap();
        assert!(!back.entries[0].in_flight);
        assert!(Outbox::from_json("{broken").is_err());
        assert!(Outbox::from_json("[{\"key\":1}]").is_err());
    }
}
