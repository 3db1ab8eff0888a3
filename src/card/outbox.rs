//! The outbox: saves waiting for the backend, persisted to storage so that
//! nothing is lost when the app is killed. Each entry carries an idempotency
//! key, so a retry can never apply twice. Edits to the same customer merge
//! while they wait; only one request per customer is in flight at a time.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::card::form::FormValues;

pub const OUTBOX_KEY: &str = "wcc:outbox";

/// Format of the stored outbox: `{"v":2,"entries":[…],"kept":[…]}`.
/// Version 1 (the previous release) was the bare array of entries.
pub const OUTBOX_VERSION: u64 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OutboxKind {
    /// `externalcontact/remark`
    Remark,
    /// `externalcontact/mark_tag`
    Tags,
}
crate::support::stored::stored_enum!(OutboxKind { Remark = "remark", Tags = "tags" });

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
    /// Refused by the backend; kept (never sent) until its values are
    /// durably back in a draft, then dropped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub parked: bool,
    /// A tag removal in its undo window: not sent before this time (ms).
    /// Stored, so the removal survives a kill; a relaunch ends the window
    /// (the rep did not undo it) and sends it. 0: not held.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hold_until: f64,
}
crate::support::stored::stored_struct!(OutboxEntry {
    key: "key",
    external_userid: "externalUserid",
    kind: "kind",
    body: "body",
    values: "values",
    in_flight: "inFlight" = default,
    attempts: "attempts" = default,
    created_at: "createdAt",
    parked: "parked" = default,
    hold_until: "holdUntil" = default
});

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Outbox {
    pub entries: Vec<OutboxEntry>,
    /// Entries (or a whole outbox) written by a newer release: never sent,
    /// never destroyed, written back verbatim with every save.
    #[serde(default)]
    pub kept: Vec<Value>,
}
crate::support::stored::stored_struct!(Outbox {
    entries: "entries",
    kept: "kept" = default
});

/// What reading the stored outbox found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutboxRead {
    pub outbox: Outbox,
    /// Entries that are no outbox entry of any version, set aside one by
    /// one (the readable ones are kept).
    pub damaged: Vec<Value>,
    /// The whole text was unreadable (not JSON, too deep, not an outbox).
    pub unreadable: bool,
    /// Stored in an older format: write it back in the current one.
    pub migrated: bool,
}

const KNOWN_KINDS: [&str; 2] = ["remark", "tags"];

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
            !e.in_flight
                && !e.parked
                && e.external_userid == entry.external_userid
                && e.kind == entry.kind
        }) {
            waiting.body = match entry.kind {
                OutboxKind::Remark => merge_bodies(&waiting.body, &entry.body),
                OutboxKind::Tags => merge_tag_bodies(&waiting.body, &entry.body),
            };
            if entry.values.is_some() {
                waiting.values = entry.values;
            }
            waiting.hold_until = waiting.hold_until.max(entry.hold_until);
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
            if !e.in_flight
                && !e.parked
                && e.hold_until == 0.0
                && !busy.contains(&e.external_userid.as_str())
            {
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
            .filter(|e| {
                e.external_userid == external_userid && e.kind == OutboxKind::Remark && !e.parked
            })
            .find_map(|e| e.values.as_ref())
    }

    /// Nothing to store: no entry and nothing kept for a newer release.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.kept.is_empty()
    }

    pub fn to_json(&self) -> String {
        serde_json::json!({
            "v": OUTBOX_VERSION,
            "entries": self.entries,
            "kept": self.kept,
        })
        .to_string()
    }

    /// Reads the stored outbox entry by entry: one unreadable entry is set
    /// aside alone, entries from a newer release are kept, and in-flight
    /// marks are cleared (the app died mid-request, and the idempotency key
    /// makes the resend safe).
    pub fn read(raw: &str) -> OutboxRead {
        let mut read = OutboxRead::default();
        let Ok(v) = crate::support::input::parse_value(raw) else {
            read.unreadable = true;
            return read;
        };
        let entries = match &v {
            Value::Array(items) => {
                read.migrated = true;
                items.clone()
            }
            Value::Object(o) => match o.get("v").and_then(Value::as_u64) {
                Some(OUTBOX_VERSION) => {
                    read.outbox.kept = match o.get("kept") {
                        Some(Value::Array(k)) => k.clone(),
                        _ => Vec::new(),
                    };
                    match o.get("entries") {
                        Some(Value::Array(items)) => items.clone(),
                        _ => {
                            read.unreadable = true;
                            return read;
                        }
                    }
                }
                Some(n) if n > OUTBOX_VERSION => {
                    // A whole outbox from a newer release: keep it as it is.
                    read.outbox.kept.push(v);
                    return read;
                }
                _ => {
                    read.unreadable = true;
                    return read;
                }
            },
            _ => {
                read.unreadable = true;
                return read;
            }
        };
        for item in entries {
            match <OutboxEntry as crate::support::stored::Stored>::read_stored(item.clone()) {
                Ok(mut e) => {
                    e.in_flight = false;
                    // The app was killed in an undo window: not undone, so sent.
                    e.hold_until = 0.0;
                    read.outbox.entries.push(e);
                }
                Err(_) if is_from_newer_release(&item) => read.outbox.kept.push(item),
                Err(_) => read.damaged.push(item),
            }
        }
        read
    }
}

/// An entry of a kind this release does not know, or one marked with a
/// newer entry version, is a newer release's: keep it.
fn is_from_newer_release(item: &Value) -> bool {
    let newer_kind = item
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| !KNOWN_KINDS.contains(&k));
    let newer_version = item
        .get("v")
        .and_then(Value::as_u64)
        .is_some_and(|v| v > OUTBOX_VERSION);
    item.is_object() && (newer_kind || newer_version)
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
            parked: false,
            hold_until: 0.0,
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
        let back = Outbox::read(&o.to_json()).outbox;
        assert!(!back.entries[0].in_flight);
        assert!(Outbox::read("{broken").unreadable);
        assert!(!Outbox::read("[{\"key\":1}]").damaged.is_empty());
    }

    #[test]
    fn one_unreadable_entry_is_set_aside_alone() {
        let mut o = Outbox::default();
        o.push(remark("k1", "wm1", json!({"remark": "a"})));
        o.push(remark("k2", "wm2", json!({"remark": "b"})));
        let mut stored: Value = serde_json::from_str(&o.to_json()).unwrap();
        stored["entries"]
            .as_array_mut()
            .unwrap()
            .insert(1, json!({"key": 5, "kind": "remark"}));
        let read = Outbox::read(&stored.to_string());
        assert!(!read.unreadable);
        assert_eq!(read.damaged, vec![json!({"key": 5, "kind": "remark"})]);
        let keys: Vec<&str> = read.outbox.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["k1", "k2"]);
    }

    #[test]
    fn entries_and_outboxes_from_a_newer_release_are_kept() {
        let o = Outbox::default();
        let mut stored: Value = serde_json::from_str(&o.to_json()).unwrap();
        let future = json!({"key": "f1", "kind": "transfer", "externalUserid": "wm1"});
        stored["entries"] = json!([future.clone()]);
        let read = Outbox::read(&stored.to_string());
        assert!(read.damaged.is_empty());
        assert_eq!(read.outbox.kept, vec![future.clone()]);
        // Written back verbatim, and read back as kept again.
        let again = Outbox::read(&read.outbox.to_json());
        assert_eq!(again.outbox.kept, vec![future]);

        let whole = json!({"v": 3, "queue": [{"anything": true}]});
        let read = Outbox::read(&whole.to_string());
        assert!(!read.unreadable);
        assert_eq!(read.outbox.kept, vec![whole]);
        assert!(!read.outbox.is_empty());
    }

    #[test]
    fn the_previous_format_is_migrated() {
        let v1 = serde_json::to_string(&vec![remark("k1", "wm1", json!({"remark": "a"}))]).unwrap();
        let read = Outbox::read(&v1);
        assert!(read.migrated);
        assert_eq!(read.outbox.entries.len(), 1);
        let v2: Value = serde_json::from_str(&read.outbox.to_json()).unwrap();
        assert_eq!(v2["v"], 2);
    }

    #[test]
    fn parked_entries_are_neither_sent_nor_merged_nor_shown() {
        let mut o = Outbox::default();
        let mut e = remark("k1", "wm1", json!({"remark": "a"}));
        e.values = Some(FormValues::default());
        e.parked = true;
        o.push(e);
        o.push(remark("k2", "wm1", json!({"remark": "b"})));
        assert_eq!(o.entries.len(), 2);
        assert_eq!(o.ready(), vec!["k2".to_string()]);
        assert!(o.pending_values("wm1").is_none());
    }
}
