//! The hand-over slice (在职继承 / 离职继承): an admin moves a member's customers and
//! group chats to a colleague, and follows each customer's status.
//!
//! Owns: the rep being handed over and what they left (all pages), the selection, the
//! taker, the message, the one outstanding request (its `Idempotency-Key` and body, in
//! storage under [`HANDOVER_KEY`] before it is sent, so a retry or a relaunch replays it
//! instead of submitting twice) and the transfer as the server last reported it.
//! Who may hand over is the server's decision: a 403 `not_a_handover_admin` is shown in
//! words. WeCom's facts come from [`crate::wecom::transfer`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::protocol::ctx::{Ask, Ctx};
use crate::protocol::effect::EffectId;
use crate::protocol::page::Route;
use crate::protocol::session::query_escape;
use crate::support::locale::Localized;
use crate::support::sorted_map::{SortedMap, SortedSet};
use crate::support::text::{char_count, truncate_chars};
use crate::wecom::errcodes;
use crate::wecom::ids::{ExternalUserId, GroupChatId, UserId};
use crate::wecom::transfer::{self, HANDOVER_MESSAGE_MAX};

pub mod labels;
pub mod view;

#[cfg(test)]
mod tests;

/// At most this many customers and chats in one request: the server's cap (it splits them
/// into calls of [`transfer::HANDOVER_PER_CALL`]). The server reads it from here.
pub const MAX_PER_REQUEST: usize = 5000;
/// Storage key of the outstanding request and the transfer being followed.
pub const HANDOVER_KEY: &str = "wcc:handover";
/// The stored record's format.
const RECORD_VERSION: u32 = 1;
/// Pages read from the server for one rep, at most (1000 a page).
const MAX_PAGES: usize = 20;
/// Page size asked of the server.
const PAGE: u32 = 1000;

/// Paths of the backend's hand-over endpoints (server/README.md, "Hand-over").
pub mod paths {
    use super::query_escape;
    pub const TRANSFERS: &str = "/api/handover/transfers";
    pub fn customers(userid: &str, cursor: &str) -> String {
        format!(
            "/api/handover/resigned/{userid}/customers?limit={}&cursor={}",
            super::PAGE,
            query_escape(cursor)
        )
    }
    pub fn group_chats(userid: &str, cursor: &str) -> String {
        format!(
            "/api/handover/resigned/{userid}/group-chats?limit={}&cursor={}",
            super::PAGE,
            query_escape(cursor)
        )
    }
    pub fn transfer(id: &str) -> String {
        format!("/api/handover/transfers/{}", query_escape(id))
    }
}

/// Resigned (离职继承) or on-job (在职继承).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Resigned,
    Onjob,
}
crate::support::stored::stored_enum!(Kind { Resigned = "resigned", Onjob = "onjob" });

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Resigned => "resigned",
            Kind::Onjob => "onjob",
        }
    }
}

/// What an outstanding effect id of this slice is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Pending {
    Customers {
        giver: String,
        cursor: String,
        page: usize,
    },
    Chats {
        giver: String,
        cursor: String,
        page: usize,
    },
    /// The record is being written; the request goes once it is acknowledged.
    StoreThenSubmit,
    /// A plain write of the record.
    Store,
    Submit {
        key: String,
    },
    Read {
        id: String,
    },
}
crate::support::stored::stored_enum!(Pending { Customers = "customers" { giver: "giver", cursor: "cursor", page: "page" }, Chats = "chats" { giver: "giver", cursor: "cursor", page: "page" }, StoreThenSubmit = "storeThenSubmit", Store = "store", Submit = "submit" { key: "key" }, Read = "read" { id: "id" } });

/// The taps this slice answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Tap {
    Open,
    Kind(Kind),
    Load,
    Toggle(String),
    SelectAll,
    SelectNone,
    Submit,
    Refresh,
    Reset,
}

impl Tap {
    pub const NAMES: &'static [&'static str] = &[
        "openHandover",
        "handoverKind",
        "handoverLoad",
        "handoverToggle",
        "handoverSelectAll",
        "handoverSelectNone",
        "handoverSubmit",
        "handoverRefresh",
        "handoverReset",
    ];

    pub fn parse(name: &str, arg: &Value) -> Option<Result<Tap, String>> {
        let tap = match name {
            "openHandover" => Tap::Open,
            "handoverKind" => match arg.as_str() {
                Some("resigned") => Tap::Kind(Kind::Resigned),
                Some("onjob") => Tap::Kind(Kind::Onjob),
                _ => {
                    return Some(Err(format!(
                        "handoverKind takes \"resigned\" or \"onjob\", got {arg}"
                    )))
                }
            },
            "handoverLoad" => Tap::Load,
            "handoverToggle" => match arg.as_str() {
                Some(id) if ExternalUserId::parse(id).is_ok() || GroupChatId::parse(id).is_ok() => {
                    Tap::Toggle(id.to_owned())
                }
                _ => {
                    return Some(Err(format!(
                        "handoverToggle takes a customer or group chat id, got {arg}"
                    )))
                }
            },
            "handoverSelectAll" => Tap::SelectAll,
            "handoverSelectNone" => Tap::SelectNone,
            "handoverSubmit" => Tap::Submit,
            "handoverRefresh" => Tap::Refresh,
            "handoverReset" => Tap::Reset,
            _ => return None,
        };
        Some(Ok(tap))
    }
}

/// One customer the rep left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub id: String,
    /// When the rep left (unix s), as `get_unassigned_list` says; 0 for on-job.
    #[serde(default)]
    pub dimission_time: i64,
}
crate::support::stored::stored_struct!(Candidate {
    id: "id",
    dimission_time: "dimissionTime" = default
});

/// One item of a transfer, as the server recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// `customer` or `group_chat`.
    pub kind: String,
    pub id: String,
    /// The server's state word (`done`, `waiting`, …).
    pub state: String,
    pub reason: Option<String>,
    /// The call (1-based) that carried it.
    pub call: Option<i64>,
}
crate::support::stored::stored_struct!(Item {
    kind: "kind",
    id: "id",
    state: "state",
    reason: "reason",
    call: "call"
});

/// The transfer as the server last reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    pub id: String,
    pub kind: String,
    pub handover_userid: String,
    pub takeover_userid: String,
    pub items: Vec<Item>,
    pub counts: SortedMap<String, usize>,
    /// The server's errmsg when the request was only partly submitted
    /// (its words are English: the view says it in words, [`Transfer::note_words`]).
    #[serde(default)]
    pub note: Option<String>,
}
crate::support::stored::stored_struct!(Transfer {
    id: "id",
    kind: "kind",
    handover_userid: "handoverUserid",
    takeover_userid: "takeoverUserid",
    items: "items",
    counts: "counts",
    note: "note" = default
});

impl Transfer {
    /// The server's note in words: it sends one only when some calls never
    /// reached WeCom (`errmsg` other than `ok`).
    pub fn note_words(&self) -> Option<Localized> {
        self.note.as_ref().map(|_| {
            Localized::new(
                "只提交了一部分：有些请求没能送达企业微信，请为「未提交」的客户重新发起交接",
                "Partly submitted: some calls did not reach WeCom; hand the customers marked not submitted over again",
            )
        })
    }

    pub fn waiting(&self) -> usize {
        self.counts.get("waiting").copied().unwrap_or(0)
    }
}

/// The request sent, or about to be sent, with its key: replayed as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    pub key: String,
    pub body: Value,
}
crate::support::stored::stored_struct!(Submission {
    key: "key",
    body: "body"
});

/// What [`HANDOVER_KEY`] holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    v: u32,
    #[serde(default)]
    submission: Option<Submission>,
    #[serde(default)]
    transfer_id: Option<String>,
}
crate::support::stored::stored_struct!(Record {
    v: "v",
    submission: "submission" = default,
    transfer_id: "transferId" = default
});

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct State {
    pub kind: Kind,
    /// The rep's userid as typed.
    pub giver_text: String,
    /// The rep whose customers are loaded.
    pub giver: Option<UserId>,
    pub customers: Vec<Candidate>,
    pub chats: Vec<String>,
    /// Every page is in.
    pub loaded: bool,
    pub selected: BTreeSet<String>,
    pub taker_text: String,
    /// The on-job message, never over [`HANDOVER_MESSAGE_MAX`] characters.
    pub message: String,
    /// The message was cut as typed.
    pub message_cut: bool,
    /// On-job: the customers' ids as typed (one a line, or comma-separated).
    pub ids_text: String,
    /// The line under the form: a refusal, in words.
    pub problem: Option<Localized>,
    /// The server said this member may not hand over.
    pub denied: bool,
    /// The request not yet answered.
    pub submission: Option<Submission>,
    pub transfer: Option<Transfer>,
    /// The transfer to read again after a relaunch (its items come from the server).
    pub follow: Option<String>,
    pub pending: SortedMap<EffectId, Pending>,
    /// Requests that could not go (401, relaunch): sent again once signed in.
    pub parked: Vec<Pending>,
    pub seq: u64,
    /// When the list was loaded (unix s): the one-year rule is read against it.
    #[serde(default)]
    pub now_secs: i64,
    /// Bumped on every change the view shows.
    pub rev: u64,
}
crate::support::stored::stored_struct!(State {
    kind: "kind",
    giver_text: "giverText",
    giver: "giver",
    customers: "customers",
    chats: "chats",
    loaded: "loaded",
    selected: "selected",
    taker_text: "takerText",
    message: "message",
    message_cut: "messageCut",
    ids_text: "idsText",
    problem: "problem",
    denied: "denied",
    submission: "submission",
    transfer: "transfer",
    follow: "follow",
    pending: "pending",
    parked: "parked",
    seq: "seq",
    now_secs: "nowSecs" = default,
    rev: "rev"
});

fn violation_message(v: &Value) -> Option<Localized> {
    let m = &v["violations"][0]["message"];
    Some(Localized::new(m["zh"].as_str()?, m["en"].as_str()?))
}

/// The server's refusal code in words.
fn refusal_words(error: &str) -> Option<Localized> {
    Some(match error {
        "not_a_handover_admin" => Localized::new(
            "只有交接管理员可以交接客户（WCC_HANDOVER_ADMINS）。如需交接，请联系管理员",
            "Only hand-over admins may hand customers over (WCC_HANDOVER_ADMINS); ask an admin",
        ),
        "not_resigned" => Localized::new(
            "该成员尚未离职：请选择「在职交接」",
            "This member has not resigned: choose an on-job hand-over",
        ),
        "resigned_over_a_year" => Localized::new(
            "该成员离职已超过一年，企业微信不再支持交接其客户",
            "This member left over a year ago: WeCom no longer hands their customers over",
        ),
        "taker_resigned" => Localized::new("接替成员已离职", "The member taking over has resigned"),
        "unknown_member" => Localized::new(
            "企业微信不认识其中一位成员",
            "WeCom does not know one of the two members",
        ),
        "too_many" => too_many(0),
        "nothing_selected" => nothing_selected(),
        "message_not_allowed" => Localized::new(
            "离职交接不发送消息给客户",
            "A resigned hand-over sends no message to the customer",
        ),
        "wecom_refused" => Localized::new("企业微信拒绝了交接", "WeCom refused the hand-over"),
        _ => return None,
    })
}

fn too_many(n: usize) -> Localized {
    Localized::new(
        format!("一次最多交接 {MAX_PER_REQUEST} 个客户和群（已选 {n} 个）"),
        format!("At most {MAX_PER_REQUEST} customers and chats in one hand-over ({n} selected)"),
    )
}

fn nothing_selected() -> Localized {
    Localized::new(
        "请至少选择一个客户或客户群",
        "Select at least one customer or group chat",
    )
}

fn taker_is_giver() -> Localized {
    Localized::new(
        "接替成员不能是原跟进成员",
        "The member taking over cannot be the member handing over",
    )
}

fn offline() -> Localized {
    Localized::new(
        "连接失败：交接请求已保留，点「重试」会重放同一请求，不会重复提交",
        "Could not reach the server: the request is kept; Retry replays the same request, never a second one",
    )
}

fn id_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl State {
    pub fn owns_key(key: &str) -> bool {
        key == HANDOVER_KEY
    }

    fn bump(&mut self) {
        self.rev = self.rev.wrapping_add(1);
    }

    /// Reads [`HANDOVER_KEY`] at launch: an unanswered request is replayed once signed
    /// in, a transfer is read again.
    pub fn restore_key(&mut self, raw: &str) -> Result<(), ()> {
        let r: Record = crate::support::stored::read_text(raw).map_err(|_| ())?;
        if r.v != RECORD_VERSION {
            return Err(());
        }
        if let Some(s) = r.submission {
            let key = s.key.clone();
            self.submission = Some(s);
            self.park(Pending::Submit { key });
        }
        if let Some(id) = r.transfer_id {
            self.park(Pending::Read { id: id.clone() });
            self.follow = Some(id);
        }
        self.bump();
        Ok(())
    }

    /// The app was started again (from a snapshot): what was in flight never answers.
    pub fn relaunched(&mut self) {
        self.bump();
        let dead: Vec<Pending> = std::mem::take(&mut self.pending).into_values().collect();
        for p in dead {
            self.park(p);
        }
    }

    fn park(&mut self, p: Pending) {
        let p = match p {
            Pending::StoreThenSubmit | Pending::Store => match &self.submission {
                Some(s) => Pending::Submit { key: s.key.clone() },
                None => return,
            },
            p => p,
        };
        if !self.parked.contains(&p) {
            self.parked.push(p);
        }
    }

    /// A 401 answered this request: it goes again once the member is signed in again.
    pub fn on_unauthorized(&mut self, p: &Pending) {
        self.bump();
        self.park(p.clone());
    }

    pub fn has_parked(&self) -> bool {
        !self.parked.is_empty()
    }

    /// Signed in: send what was parked.
    pub fn resume(&mut self, ctx: &mut Ctx) {
        if ctx.host.session.is_none() {
            return;
        }
        for p in std::mem::take(&mut self.parked) {
            match p {
                Pending::Customers {
                    giver,
                    cursor,
                    page,
                } => self.request_customers(ctx, giver, cursor, page),
                Pending::Chats {
                    giver,
                    cursor,
                    page,
                } => self.request_chats(ctx, giver, cursor, page),
                Pending::Submit { .. } => self.send(ctx),
                Pending::Read { id } => self.read(ctx, &id),
                Pending::StoreThenSubmit | Pending::Store => {}
            }
        }
    }

    fn busy_with(&self, f: impl Fn(&Pending) -> bool) -> bool {
        self.pending.values().any(f)
    }

    pub fn loading(&self) -> bool {
        self.busy_with(|p| matches!(p, Pending::Customers { .. } | Pending::Chats { .. }))
    }

    pub fn submitting(&self) -> bool {
        self.busy_with(|p| matches!(p, Pending::Submit { .. } | Pending::StoreThenSubmit))
    }

    pub fn on_input(&mut self, ctx: &mut Ctx, field: &str, value: String) {
        let _ = ctx;
        match field {
            "giver" => self.giver_text = value.trim().to_owned(),
            "taker" => self.taker_text = value.trim().to_owned(),
            "ids" => self.ids_text = value,
            "message" => {
                let cut = truncate_chars(&value, HANDOVER_MESSAGE_MAX);
                self.message_cut = cut.len() < value.len();
                self.message = cut.to_owned();
            }
            _ => {
                ctx.log(
                    "warn",
                    &format!(
                        "unknown hand-over field {}",
                        crate::support::text_preview(field)
                    ),
                );
                return;
            }
        }
        self.problem = None;
        self.bump();
    }

    pub fn on_tap(&mut self, ctx: &mut Ctx, tap: Tap) {
        match tap {
            Tap::Open => {
                ctx.ask(Ask::Page(Route::Handover));
                if let Some(id) = self
                    .transfer
                    .as_ref()
                    .map(|t| t.id.clone())
                    .or(self.follow.clone())
                {
                    self.read(ctx, &id);
                }
            }
            Tap::Kind(k) => {
                if self.kind != k {
                    self.kind = k;
                    self.giver = None;
                    self.customers.clear();
                    self.chats.clear();
                    self.selected.clear();
                    self.loaded = false;
                    self.problem = None;
                }
            }
            Tap::Load => self.load(ctx),
            Tap::Toggle(id) => {
                if self.selected.contains(&id) {
                    self.selected.remove(&id);
                } else if self.movable().any(|c| c == id) {
                    self.selected.insert(id);
                }
            }
            Tap::SelectAll => {
                self.selected = self.movable().map(str::to_owned).collect();
            }
            Tap::SelectNone => self.selected.clear(),
            Tap::Submit => self.submit(ctx),
            Tap::Refresh => {
                if let Some(t) = &self.transfer {
                    let id = t.id.clone();
                    self.read(ctx, &id);
                }
            }
            Tap::Reset => {
                if self.submission.is_some() {
                    self.problem = Some(Localized::new(
                        "上一个交接请求还没有答复，请先点「重试」",
                        "The last hand-over request is not answered yet; tap Retry first",
                    ));
                } else {
                    let kind = self.kind;
                    let pending = std::mem::take(&mut self.pending);
                    let seq = self.seq;
                    *self = State {
                        kind,
                        pending,
                        seq,
                        rev: self.rev,
                        ..State::default()
                    };
                    ctx.remove(HANDOVER_KEY);
                }
            }
        }
        self.bump();
    }

    /// The ids that may be selected: not a customer of a rep gone over a year.
    pub fn movable(&self) -> impl Iterator<Item = &str> + '_ {
        let now = self.now_secs;
        self.customers
            .iter()
            .filter(move |c| !transfer::resigned_too_long_ago(c.dimission_time, now))
            .map(|c| c.id.as_str())
            .chain(self.chats.iter().map(String::as_str))
    }

    fn load(&mut self, ctx: &mut Ctx) {
        let giver = match UserId::parse(&self.giver_text) {
            Ok(u) => u,
            Err(e) => {
                self.problem = Some(Localized::new(
                    format!("请填写要交接的成员账号：{}", e.message().zh),
                    format!("Enter the userid of the member handing over: {e}"),
                ));
                return;
            }
        };
        self.problem = None;
        self.denied = false;
        self.customers.clear();
        self.chats.clear();
        self.selected.clear();
        self.loaded = false;
        self.giver = Some(giver.clone());
        self.now_secs = (ctx.now() / 1000.0) as i64;
        match self.kind {
            Kind::Resigned => {
                self.request_customers(ctx, giver.as_str().to_owned(), String::new(), 1)
            }
            Kind::Onjob => {
                // No list of an on-job member's customers on the server: the ids typed.
                let mut bad = None;
                let mut seen = SortedSet::new();
                for id in id_list(&self.ids_text) {
                    if let Err(e) = ExternalUserId::parse(&id) {
                        let id = crate::support::text_preview(&id);
                        let m = e.message();
                        bad.get_or_insert((format!("{id}：{}", m.zh), format!("{id}: {}", m.en)));
                    } else if seen.insert(id.clone()) {
                        self.customers.push(Candidate {
                            id,
                            dimission_time: 0,
                        });
                    }
                }
                if let Some(b) = bad {
                    self.problem = Some(Localized::new(
                        format!("客户 ID 有误：{}", b.0),
                        format!("A customer id is wrong: {}", b.1),
                    ));
                }
                self.loaded = true;
            }
        }
    }

    fn request_customers(&mut self, ctx: &mut Ctx, giver: String, cursor: String, page: usize) {
        let id = ctx.http("GET", &paths::customers(&giver, &cursor), Value::Null, None);
        self.pending.insert(
            id,
            Pending::Customers {
                giver,
                cursor,
                page,
            },
        );
    }

    fn request_chats(&mut self, ctx: &mut Ctx, giver: String, cursor: String, page: usize) {
        let id = ctx.http(
            "GET",
            &paths::group_chats(&giver, &cursor),
            Value::Null,
            None,
        );
        self.pending.insert(
            id,
            Pending::Chats {
                giver,
                cursor,
                page,
            },
        );
    }

    fn read(&mut self, ctx: &mut Ctx, id: &str) {
        if self.busy_with(|p| matches!(p, Pending::Read { .. })) {
            return;
        }
        let e = ctx.http("GET", &paths::transfer(id), Value::Null, None);
        self.pending.insert(e, Pending::Read { id: id.to_owned() });
    }

    /// Checks the request as the server will, then writes it (key and body) and sends it
    /// once the write is acknowledged. With a request outstanding, sends that one again.
    fn submit(&mut self, ctx: &mut Ctx) {
        if self.submission.is_some() {
            if !self.submitting() {
                self.send(ctx);
            }
            return;
        }
        let Some(giver) = self.giver.clone() else {
            self.problem = Some(Localized::new(
                "请先选择要交接的成员并加载其客户",
                "First pick the member handing over and load their customers",
            ));
            return;
        };
        let taker = match UserId::parse(&self.taker_text) {
            Ok(t) => t,
            Err(e) => {
                self.problem = Some(Localized::new(
                    format!("请填写接替成员账号：{}", e.message().zh),
                    format!("Enter the userid of the member taking over: {e}"),
                ));
                return;
            }
        };
        if taker.key() == giver.key() {
            self.problem = Some(taker_is_giver());
            return;
        }
        let n = self.selected.len();
        if n == 0 {
            self.problem = Some(nothing_selected());
            return;
        }
        if n > MAX_PER_REQUEST {
            self.problem = Some(too_many(n));
            return;
        }
        let count = char_count(&self.message);
        if count > HANDOVER_MESSAGE_MAX {
            self.problem = Some(Localized::new(
                format!("消息最多 {HANDOVER_MESSAGE_MAX} 个字（现在 {count} 个）"),
                format!(
                    "The message may have at most {HANDOVER_MESSAGE_MAX} characters ({count} now)"
                ),
            ));
            return;
        }
        let (customers, chats): (Vec<&String>, Vec<&String>) =
            self.selected.iter().partition(|id| !id.starts_with("wr"));
        let mut body = json!({
            "kind": self.kind.word(),
            "handover_userid": giver.as_str(),
            "takeover_userid": taker.as_str(),
            "external_userids": customers,
            "group_chat_ids": chats,
        });
        if self.kind == Kind::Onjob && !self.message.trim().is_empty() {
            body["message"] = json!(self.message);
        }
        self.seq = self.seq.wrapping_add(1);
        let key = format!(
            "handover-{}-{}-{}",
            giver.key(),
            ctx.now().max(0.0) as u64,
            self.seq
        );
        self.submission = Some(Submission { key, body });
        self.problem = None;
        self.write_record(ctx, true);
    }

    fn write_record(&mut self, ctx: &mut Ctx, then_submit: bool) {
        let r = Record {
            v: RECORD_VERSION,
            submission: self.submission.clone(),
            transfer_id: self
                .transfer
                .as_ref()
                .map(|t| t.id.clone())
                .or(self.follow.clone()),
        };
        let text = serde_json::to_string(&r).unwrap_or_default();
        let id = ctx.store(HANDOVER_KEY, text);
        self.pending.insert(
            id,
            if then_submit {
                Pending::StoreThenSubmit
            } else {
                Pending::Store
            },
        );
    }

    /// Whether a storage write of this slice has something waiting on it.
    pub fn write_waits(&self, id: EffectId) -> bool {
        matches!(self.pending.get(&id), Some(Pending::StoreThenSubmit))
    }

    /// The record's write was acknowledged (or failed): the request goes either way; a
    /// failed write only means a relaunch will not replay it, which the line says.
    pub fn on_storage_result(&mut self, ctx: &mut Ctx, p: Pending, ok: bool) {
        if !ok {
            ctx.log("warn", "the hand-over record was not written");
        }
        if p == Pending::StoreThenSubmit {
            self.send(ctx);
        }
    }

    fn send(&mut self, ctx: &mut Ctx) {
        let Some(s) = self.submission.clone() else {
            return;
        };
        let id = ctx.http(
            "POST",
            paths::TRANSFERS,
            s.body.clone(),
            Some(("Idempotency-Key", &s.key)),
        );
        self.pending.insert(id, Pending::Submit { key: s.key });
        self.bump();
    }

    pub fn on_http_result(&mut self, ctx: &mut Ctx, p: Pending, status: u16, body: &str) {
        self.bump();
        let v: Value = crate::support::input::parse_value(body).unwrap_or(Value::Null);
        let error = v["error"].as_str().unwrap_or("");
        if status == 403 && error == "not_a_handover_admin" {
            self.denied = true;
            self.problem = refusal_words(error);
            if let Pending::Submit { .. } = p {
                self.submission = None;
                ctx.remove(HANDOVER_KEY);
            }
            return;
        }
        let unreachable = status == 0 || status >= 500;
        match p {
            Pending::Customers {
                giver,
                cursor,
                page,
            } => {
                if Some(&giver) != self.giver.as_ref().map(|g| g.as_str().to_owned()).as_ref() {
                    return;
                }
                if unreachable {
                    let _ = (cursor, page);
                    self.problem = Some(Localized::new(
                        "连接失败，点「加载」重试",
                        "Could not reach the server; tap Load to try again",
                    ));
                    return;
                }
                if status != 200 || v["errcode"].as_i64() != Some(0) {
                    self.problem = Some(self.answer_problem(&v, status));
                    return;
                }
                for c in v["customers"].as_array().into_iter().flatten() {
                    if let Some(id) = c["external_userid"].as_str() {
                        if ExternalUserId::parse(id).is_ok()
                            && !self.customers.iter().any(|x| x.id == id)
                        {
                            self.customers.push(Candidate {
                                id: id.to_owned(),
                                dimission_time: c["dimission_time"].as_i64().unwrap_or(0),
                            });
                        }
                    }
                }
                let next = v["next_cursor"].as_str().unwrap_or("").to_owned();
                if !next.is_empty() && next != cursor && page < MAX_PAGES {
                    self.request_customers(ctx, giver, next, page + 1);
                } else {
                    self.request_chats(ctx, giver, String::new(), 1);
                }
            }
            Pending::Chats {
                giver,
                cursor,
                page,
            } => {
                if Some(&giver) != self.giver.as_ref().map(|g| g.as_str().to_owned()).as_ref() {
                    return;
                }
                if unreachable {
                    self.loaded = true;
                    self.problem = Some(Localized::new(
                        "客户群没有加载完：连接失败，点「加载」重试",
                        "The group chats did not load: could not reach the server; tap Load to try again",
                    ));
                    return;
                }
                if status == 200 && v["errcode"].as_i64() == Some(0) {
                    for c in v["group_chats"].as_array().into_iter().flatten() {
                        if let Some(id) = c["chat_id"].as_str() {
                            if GroupChatId::parse(id).is_ok() && !self.chats.iter().any(|x| x == id)
                            {
                                self.chats.push(id.to_owned());
                            }
                        }
                    }
                    let next = v["next_cursor"].as_str().unwrap_or("").to_owned();
                    if !next.is_empty() && next != cursor && page < MAX_PAGES {
                        self.request_chats(ctx, giver, next, page + 1);
                        return;
                    }
                } else {
                    self.problem = Some(self.answer_problem(&v, status));
                }
                self.loaded = true;
                if self.customers.is_empty() && self.chats.is_empty() && self.problem.is_none() {
                    self.problem = Some(Localized::new(
                        "该成员没有待交接的客户或客户群（未离职的成员请选「在职交接」）",
                        "This member left no customers or chats to hand over (for a member who has not resigned, choose on-job)",
                    ));
                }
            }
            Pending::Submit { key } => {
                if self.submission.as_ref().map(|s| &s.key) != Some(&key) {
                    return;
                }
                if unreachable || status == 409 {
                    self.problem = Some(offline());
                    return;
                }
                if status == 200 && v["transfer_id"].is_string() {
                    self.submission = None;
                    self.transfer = parse_transfer(&v);
                    self.follow = self.transfer.as_ref().map(|t| t.id.clone());
                    self.problem = None;
                    self.selected.clear();
                    self.write_record(ctx, false);
                    return;
                }
                // Refused: the request is over; a new one gets a new key.
                self.submission = None;
                if let Some(t) = parse_transfer(&v["transfer"]) {
                    self.transfer = Some(t);
                }
                self.problem = Some(self.answer_problem(&v, status));
                ctx.remove(HANDOVER_KEY);
            }
            Pending::Read { id } => {
                if unreachable {
                    self.problem = Some(Localized::new(
                        "连接失败，点「刷新」重试",
                        "Could not reach the server; tap Refresh to try again",
                    ));
                    return;
                }
                if status == 404 {
                    self.follow = None;
                    if self.transfer.as_ref().is_some_and(|t| t.id == id) {
                        self.transfer = None;
                    }
                    ctx.remove(HANDOVER_KEY);
                    return;
                }
                if let Some(t) = parse_transfer(&v) {
                    self.transfer = Some(t);
                    self.problem = None;
                } else {
                    self.problem = Some(self.answer_problem(&v, status));
                }
            }
            Pending::StoreThenSubmit | Pending::Store => {}
        }
    }

    /// A refusal in words: the server's code, its violation, or its errmsg.
    fn answer_problem(&self, v: &Value, status: u16) -> Localized {
        let error = v["error"].as_str().unwrap_or("");
        if let Some(m) = violation_message(v) {
            return m;
        }
        let errmsg = v["errmsg"].as_str().unwrap_or("");
        // WeCom's own code: the server names it `wecom_errcode` when it
        // refused a call; a code ≥ 1000 (or -1) in `errcode` is WeCom's
        // passed through (the server's own are HTTP statuses).
        let wecom = v["wecom_errcode"]
            .as_i64()
            .or_else(|| v["errcode"].as_i64().filter(|c| *c >= 1000 || *c == -1))
            .filter(|c| *c != 0);
        let wecom_words = wecom.map(|code| {
            let m = errcodes::message(code, errmsg);
            match errcodes::next_step(code) {
                Some(n) => {
                    Localized::new(format!("{}。{}", m.zh, n.zh), format!("{}. {}", m.en, n.en))
                }
                None => m,
            }
        });
        if let Some(w) = refusal_words(error) {
            return match (error, wecom_words) {
                // The server's errmsg says it in English with WeCom's
                // errmsg ("WeCom refused the hand-over (WeCom errcode N: …)").
                ("wecom_refused", Some(m)) => Localized::new(
                    format!("{}：{}", w.zh, m.zh),
                    if errmsg.trim().is_empty() {
                        format!("{}: {}", w.en, m.en)
                    } else {
                        truncate_chars(errmsg.trim(), 200).to_owned()
                    },
                ),
                _ => w,
            };
        }
        if let Some(m) = wecom_words {
            return m;
        }
        // The server's errmsg is English: quoted in English only.
        let code = v["errcode"].as_i64().unwrap_or(i64::from(status));
        let msg = crate::support::text_preview(errmsg);
        Localized::new(
            format!("服务器拒绝了请求（代码 {code}），请稍后重试；如仍失败请联系管理员"),
            if msg.is_empty() {
                format!("The server refused ({code}); try again later, or ask your admin if it keeps failing")
            } else {
                format!("The server refused ({code}): {msg}")
            },
        )
    }
}

/// The server's transfer answer (`{transfer_id, kind, …, counts, items}`).
pub fn parse_transfer(v: &Value) -> Option<Transfer> {
    let id = v["transfer_id"].as_str()?.to_owned();
    let items = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| {
            Some(Item {
                kind: i["type"].as_str().unwrap_or("customer").to_owned(),
                id: i["id"].as_str()?.to_owned(),
                state: i["state"].as_str().unwrap_or("").to_owned(),
                reason: i["reason"].as_str().map(str::to_owned),
                call: i["call"].as_i64(),
            })
        })
        .collect();
    let counts = v["counts"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0) as usize))
                .collect()
        })
        .unwrap_or_default();
    let note = v["errmsg"]
        .as_str()
        .filter(|m| *m != "ok")
        .map(str::to_owned);
    Some(Transfer {
        id,
        kind: v["kind"].as_str().unwrap_or("").to_owned(),
        handover_userid: v["handover_userid"].as_str().unwrap_or("").to_owned(),
        takeover_userid: v["takeover_userid"].as_str().unwrap_or("").to_owned(),
        items,
        counts,
        note,
    })
}

/// An item's state in words, with its reason.
pub fn item_words(item: &Item) -> Localized {
    transfer::describe(&item.state, item.reason.as_deref())
}
