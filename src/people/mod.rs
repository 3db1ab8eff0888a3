//! The people slice: members' names by userid.
//!
//! Owns a cache of what the backend said about each member
//! (`GET /api/members?userids=…`, answered `{members: [{userid, name,
//! known, reason}]}`), with the time it was fetched. The app tells it which
//! userids the page shows ([`State::want`]); it asks the backend for those
//! it does not know, at most [`MAX_PER_REQUEST`] a request. The cache is in
//! the model (so in every snapshot) and under [`PEOPLE_KEY`] in storage, so
//! a relaunch shows names at once. Any bad answer (garbage, wrong types, a
//! 500) only leaves the names unknown: the views show their fallback.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::protocol::ctx::Ctx;
use crate::protocol::effect::EffectId;
use crate::protocol::names::Names;
use crate::protocol::session::query_escape;
use crate::support::sorted_map::{SortedMap, SortedSet};
use crate::support::text::truncate_chars;
use crate::wecom::ids::UserId;
use crate::wecom::members::MemberName;

/// Storage key of the name cache.
pub const PEOPLE_KEY: &str = "wcc:people";
/// Format of the stored cache: `{"v":1,"entries":[…]}`.
pub const PEOPLE_VERSION: u64 = 1;
/// The backend takes at most this many userids a request
/// (`server/src/members.rs`).
pub const MAX_PER_REQUEST: usize = 100;
/// A name is fetched again after a day.
pub const TTL_MS: f64 = 24.0 * 3600.0 * 1000.0;
/// An answer that says "could not ask WeCom" (another errcode) is worth
/// asking again sooner.
pub const UNAVAILABLE_TTL_MS: f64 = 10.0 * 60.0 * 1000.0;
/// After a failed request, the same userids wait this long.
pub const RETRY_AFTER_MS: f64 = 60.0 * 1000.0;
/// The cache keeps at most this many members (the most recently fetched).
pub const MAX_ENTRIES: usize = 2000;
/// Names longer than this are cut (WeCom allows 64).
const MAX_NAME_CHARS: usize = 64;

/// What the backend said about one member, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub userid: String,
    pub name: Option<String>,
    pub known: bool,
    pub reason: Option<String>,
    pub fetched_at: f64,
}
crate::support::stored::stored_struct!(Entry {
    userid: "userid",
    name: "name",
    known: "known",
    reason: "reason",
    fetched_at: "fetchedAt"
});

impl Entry {
    fn member_name(&self) -> MemberName {
        match &self.name {
            Some(n) => MemberName::Known(n.clone()),
            None => MemberName::from_reason(self.reason.as_deref()),
        }
    }

    fn fresh(&self, now: f64) -> bool {
        let ttl = match self.member_name() {
            MemberName::Unavailable => UNAVAILABLE_TTL_MS,
            _ => TTL_MS,
        };
        // A time in the future (a clock set back) counts as stale.
        self.fetched_at <= now && now < self.fetched_at + ttl
    }
}

/// What an outstanding effect id of this slice is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Pending {
    /// `GET /api/members` for these userids (their keys).
    Fetch {
        userids: Vec<String>,
    },
    StorageWrite,
}
crate::support::stored::stored_enum!(Pending { Fetch = "fetch" { userids: "userids" }, StorageWrite = "storageWrite" });

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// By [`UserId::key`].
    pub entries: SortedMap<String, Entry>,
    pub pending: SortedMap<EffectId, Pending>,
    /// Userids whose request failed, and when: not asked again before
    /// [`RETRY_AFTER_MS`]. In the snapshot: the views show them as
    /// unavailable (not as loading) after a restore too.
    #[serde(default)]
    failed_at: SortedMap<String, f64>,
    /// What the app last asked for (a digest of the page's people), so
    /// an unchanged page costs nothing.
    #[serde(skip)]
    pub asked_for: Option<u64>,
    /// Counts changes to the names, so the views that show them rebuild.
    #[serde(skip)]
    pub rev: u64,
}
crate::support::stored::stored_struct!(State { entries: "entries", pending: "pending", failed_at: "failedAt" = default; skip: asked_for, rev });

/// Why a stored cache could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable;

impl State {
    pub fn owns_key(key: &str) -> bool {
        key == PEOPLE_KEY
    }

    fn in_flight(&self) -> SortedSet<&str> {
        self.pending
            .values()
            .filter_map(|p| match p {
                Pending::Fetch { userids } => Some(userids),
                Pending::StorageWrite => None,
            })
            .flatten()
            .map(String::as_str)
            .collect()
    }

    /// The page shows these members: ask the backend for the ones whose
    /// name is not known (or is a day old), unless already asked.
    pub fn want(&mut self, ctx: &mut Ctx, userids: &[UserId]) {
        if ctx.host.session.is_none() {
            return;
        }
        let now = ctx.now();
        let in_flight = self.in_flight();
        let mut ask: Vec<(String, String)> = Vec::new();
        let mut seen = SortedSet::new();
        for u in userids {
            let key = u.key();
            if !seen.insert(key.clone()) || in_flight.contains(key.as_str()) {
                continue;
            }
            if self.entries.get(&key).is_some_and(|e| e.fresh(now)) {
                continue;
            }
            if self
                .failed_at
                .get(&key)
                .is_some_and(|t| *t <= now && now < t + RETRY_AFTER_MS)
            {
                continue;
            }
            ask.push((key, u.as_str().to_owned()));
        }
        for chunk in ask.chunks(MAX_PER_REQUEST) {
            let list: Vec<String> = chunk.iter().map(|(_, u)| query_escape(u)).collect();
            let path = format!("/api/members?userids={}", list.join(","));
            let id = ctx.http("GET", &path, Value::Null, None);
            self.pending.insert(
                id,
                Pending::Fetch {
                    userids: chunk.iter().map(|(k, _)| k.clone()).collect(),
                },
            );
        }
    }

    /// The answer to a members request. Anything unreadable leaves the
    /// names as they were (shown with their fallback) and is logged.
    pub fn on_http_result(&mut self, ctx: &mut Ctx, pending: Pending, status: u16, body: &str) {
        let Pending::Fetch { userids } = pending else {
            return;
        };
        let now = ctx.now();
        let read = if status == 200 {
            read_members(body)
        } else {
            Err(format!("status {status}"))
        };
        let members = match read {
            Ok(m) => m,
            Err(why) => {
                ctx.log("warn", &format!("member names unavailable: {why}"));
                for u in userids {
                    self.failed_at.insert(u, now);
                }
                // Shown as unavailable now, no longer as loading.
                self.rev += 1;
                return;
            }
        };
        let mut changed = false;
        for (u, got) in members {
            let key = u.key();
            if !userids.contains(&key) {
                continue;
            }
            let entry = Entry {
                userid: u.as_str().to_owned(),
                name: got.name,
                known: got.known,
                reason: got.reason,
                fetched_at: now,
            };
            self.failed_at.remove(&key);
            if self.entries.get(&key).map(|e| (&e.name, &e.reason))
                != Some((&entry.name, &entry.reason))
            {
                changed = true;
            }
            self.entries.insert(key, entry);
        }
        for u in userids {
            if !self.entries.get(&u).is_some_and(|e| e.fetched_at == now) {
                self.failed_at.insert(u, now);
                changed = true;
            }
        }
        if changed {
            self.rev += 1;
        }
        self.prune(now);
        self.persist(ctx);
    }

    /// Drops names past their day, then the oldest past [`MAX_ENTRIES`].
    fn prune(&mut self, now: f64) {
        self.entries
            .retain(|_, e| e.fetched_at <= now && now < e.fetched_at + TTL_MS);
        if self.entries.len() > MAX_ENTRIES {
            let mut by_age: Vec<(f64, String)> = self
                .entries
                .iter()
                .map(|(k, e)| (e.fetched_at, k.clone()))
                .collect();
            crate::support::sorting::sort_by(&mut by_age, |a, b| {
                a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal)
            });
            let extra = self.entries.len() - MAX_ENTRIES;
            for (_, k) in by_age.into_iter().take(extra) {
                self.entries.remove(&k);
            }
        }
    }

    pub fn to_json(&self) -> String {
        let entries: Vec<&Entry> = self.entries.values().collect();
        serde_json::json!({ "v": PEOPLE_VERSION, "entries": entries }).to_string()
    }

    fn persist(&mut self, ctx: &mut Ctx) {
        if self.entries.is_empty() {
            ctx.remove(PEOPLE_KEY);
        } else {
            let id = ctx.store(PEOPLE_KEY, self.to_json());
            self.pending.insert(id, Pending::StorageWrite);
        }
    }

    /// Reads the stored cache at launch. An entry that does not read is
    /// skipped alone; a text that is no cache at all is `Err` (the app sets
    /// it aside). A cache from a newer release is ignored (names are fetched
    /// again), never an error.
    pub fn restore_key(&mut self, raw: &str) -> Result<(), Unreadable> {
        let v = crate::support::input::parse_value(raw).map_err(|_| Unreadable)?;
        let version = v.get("v").and_then(Value::as_u64).ok_or(Unreadable)?;
        if version > PEOPLE_VERSION {
            return Ok(());
        }
        let items = v
            .get("entries")
            .and_then(Value::as_array)
            .ok_or(Unreadable)?;
        for item in items {
            let Ok(e) = <Entry as crate::support::stored::Stored>::read_stored(item.clone()) else {
                continue;
            };
            let Ok(u) = UserId::parse(&e.userid) else {
                continue;
            };
            if !e.fetched_at.is_finite() {
                continue;
            }
            self.entries.insert(u.key(), e);
        }
        self.rev += 1;
        Ok(())
    }

    /// After a restore from a snapshot: the views rebuild.
    pub fn rehydrate(&mut self) {
        self.rev += 1;
    }
}

impl Names for State {
    fn member(&self, userid: &UserId) -> MemberName {
        match self.entries.get(&userid.key()) {
            Some(e) => e.member_name(),
            None if self.failed_at.contains_key(&userid.key()) => MemberName::Unavailable,
            None => MemberName::Loading,
        }
    }
}

/// One member of the backend's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Got {
    pub name: Option<String>,
    pub known: bool,
    pub reason: Option<String>,
}

/// Reads `{members: [{userid, name, known, reason}]}`. The whole answer is
/// refused when it is not that shape; one member that does not read (a bad
/// userid, a name that is not text) is skipped alone.
pub fn read_members(body: &str) -> Result<Vec<(UserId, Got)>, String> {
    let v = crate::support::input::parse_value(body).map_err(|e| format!("not JSON ({e})"))?;
    let list = v
        .get("members")
        .and_then(Value::as_array)
        .ok_or_else(|| "no members list".to_owned())?;
    let mut out = Vec::new();
    for m in list {
        let Some(u) = m
            .get("userid")
            .and_then(Value::as_str)
            .and_then(|s| UserId::parse(s).ok())
        else {
            continue;
        };
        let name = match m.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => {
                Some(truncate_chars(s.trim(), MAX_NAME_CHARS).to_owned()).filter(|s| !s.is_empty())
            }
            Some(_) => continue,
        };
        let known = match m.get("known") {
            Some(Value::Bool(b)) => *b,
            None | Some(Value::Null) => name.is_some(),
            Some(_) => continue,
        };
        let reason = match m.get("reason") {
            Some(Value::String(s)) => Some(truncate_chars(s, 40).to_owned()),
            None | Some(Value::Null) => None,
            Some(_) => continue,
        };
        let reason = if name.is_none() && reason.is_none() {
            Some("no_name".to_owned()).filter(|_| known)
        } else {
            reason
        };
        out.push((
            u,
            Got {
                name,
                known,
                reason,
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
