//! The customer card slice: fetching (with paging), the edit form, drafts
//! in storage, optimistic saves through the outbox, rollbacks.
//!
//! Owns: the customer shown (its fetched pages and the corp tag list), the
//! edit form and its drafts, the outbox, and the tags the backend confirmed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::card::drafts::{draft_key, Draft, DraftError, DRAFT_PREFIX, DRAFT_VERSION};
use crate::card::form::{EditForm, FormError, FormValues};
use crate::card::outbox::{Outbox, OutboxEntry, OutboxKind, OUTBOX_KEY};
use crate::protocol::ctx::{Ask, Ctx};
use crate::protocol::effect::EffectId;
use crate::protocol::page::{Notice, Route};
use crate::protocol::session::{self, paths};
use crate::protocol::storage::quarantine_key;
use crate::support::locale::Localized;
use crate::support::sorted_map::SortedMap;
use crate::wecom::customer::{self, Customer, FollowUser};
use crate::wecom::ids::{ExternalUserId, TagId, UserId};
use crate::wecom::tags::{self, CorpTagList, TagEdit};

pub mod drafts;
pub mod form;
pub mod form_labels;
pub mod labels;
pub mod outbox;
pub mod view;

/// Follow users past this many pages are not fetched (500 a page).
const MAX_PAGES: usize = 20;
/// Nor past this many bytes of pages: the model keeps every page it shows,
/// and its snapshot must stay below `input::MAX_SNAPSHOT_BYTES`.
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// What an outstanding effect id of this slice is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Pending {
    FetchCustomer {
        /// Whose page this is: an answer for a card no longer open is
        /// dropped, not shown on the new one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer: Option<ExternalUserId>,
        cursor: Option<String>,
    },
    FetchCorpTags,
    Save {
        key: String,
    },
    StorageWrite {
        key: String,
        /// What waits for this write to be acknowledged (write-ahead).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        then: Vec<AfterWrite>,
    },
    OutboxRetry,
    /// A removed tag's undo window closes: its removal may be sent.
    UndoWindow,
    /// `wx.setClipboardData`: a toast says so once it worked.
    Copy,
}
crate::support::stored::stored_enum!(Pending { FetchCustomer = "fetchCustomer" { customer: "customer" = default, cursor: "cursor" }, FetchCorpTags = "fetchCorpTags", Save = "save" { key: "key" }, StorageWrite = "storageWrite" { key: "key", then: "then" = default }, OutboxRetry = "outboxRetry", UndoWindow = "undoWindow", Copy = "copy" });

/// How long a removed tag can be taken back before its removal is sent.
pub const UNDO_MS: u32 = 5000;
/// The longest tag group name a fold tap carries.
const MAX_GROUP_ARG: usize = 200;

/// What may happen only once a storage write is acknowledged. Data moves
/// between keys write-ahead: the new copy is written first, and the old one
/// is removed only when that write is acknowledged, so a kill at any instant
/// leaves at least one copy in storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AfterWrite {
    /// The key's content now lives elsewhere: remove it, unless the slice
    /// holds content for that key again by now (then it is rewritten).
    Release { key: String },
    /// A refused save whose values are now in a draft: drop it.
    DropParked { key: String },
}
crate::support::stored::stored_enum!(AfterWrite { Release = "release" { key: "key" }, DropParked = "dropParked" { key: "key" } });

/// What the backend says of the customer's latest hand-over (`wcc_handover` on the first
/// page of `GET /api/external-contacts/{id}`).
#[derive(Debug, Clone, PartialEq)]
pub struct HandoverNote {
    /// The server's state word (`waiting`, `refused_by_customer`, …).
    pub state: String,
    pub reason: Option<String>,
}

/// Reads `"wcc_handover": {…}`, which the backend puts first in the page; the rest of the
/// body is not read again.
pub fn parse_handover_note(body: &str) -> Option<HandoverNote> {
    const FIELD: &str = "\"wcc_handover\"";
    let head = body.get(..body.len().min(64))?;
    let at = head.find(FIELD)? + FIELD.len();
    let rest = body[at..].trim_start().strip_prefix(':')?;
    let v: Value = serde_json::Deserializer::from_str(rest)
        .into_iter::<Value>()
        .next()?
        .ok()?;
    Some(HandoverNote {
        state: v["state"].as_str()?.to_owned(),
        reason: v["reason"].as_str().map(str::to_owned),
    })
}

/// The taps this slice answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Tap {
    Edit,
    CancelEdit,
    AddMobile,
    RemoveMobile(usize),
    Save,
    TagPicker,
    AddTag(TagId),
    RemoveTag(TagId),
    /// Take back a removal still in its undo window.
    UndoRemoveTag(TagId),
    /// Show every tag of the group of this name (and fold it again).
    ExpandTags(String),
    CollapseTags(String),
    /// Show every tag group of my record (and only the first few again).
    ExpandTagGroups,
    CollapseTagGroups,
    ExpandColleagues,
    CollapseColleagues,
    /// Call a phone number of a follow record: the member's userid and the
    /// number's index (`data-arg="lisi/0"`). The number comes from the model.
    CallPhone {
        userid: UserId,
        index: usize,
    },
    /// Copy the profile attribute at this index.
    CopyAttr(usize),
    Refresh,
}

impl Tap {
    pub const NAMES: &'static [&'static str] = &[
        "edit",
        "cancelEdit",
        "addMobile",
        "removeMobile",
        "save",
        "tagPicker",
        "addTag",
        "removeTag",
        "undoRemoveTag",
        "expandTags",
        "collapseTags",
        "expandTagGroups",
        "collapseTagGroups",
        "expandColleagues",
        "collapseColleagues",
        "callPhone",
        "copyAttr",
        "refresh",
    ];

    /// `None`: not one of this slice's actions. Actions without an argument
    /// ignore whatever the component passed.
    pub fn parse(name: &str, arg: &Value) -> Option<Result<Tap, String>> {
        let tap = match name {
            "edit" => Tap::Edit,
            "cancelEdit" => Tap::CancelEdit,
            "addMobile" => Tap::AddMobile,
            "removeMobile" => {
                // Components pass data-arg as a number or as its text.
                let index = arg
                    .as_u64()
                    .or_else(|| arg.as_str().and_then(|s| s.trim().parse().ok()))
                    .and_then(|i| usize::try_from(i).ok());
                match index {
                    Some(i) => Tap::RemoveMobile(i),
                    None => return Some(Err(format!("removeMobile takes an index, got {arg}"))),
                }
            }
            "save" => Tap::Save,
            "tagPicker" => Tap::TagPicker,
            "addTag" | "removeTag" | "undoRemoveTag" => {
                let Some(text) = arg.as_str() else {
                    return Some(Err(format!("{name} takes a string argument, got {arg}")));
                };
                match TagId::parse(text) {
                    Ok(id) if name == "addTag" => Tap::AddTag(id),
                    Ok(id) if name == "removeTag" => Tap::RemoveTag(id),
                    Ok(id) => Tap::UndoRemoveTag(id),
                    Err(e) => return Some(Err(format!("{name}: {e}"))),
                }
            }
            "expandTags" | "collapseTags" => match arg.as_str() {
                Some(g) if g.chars().count() <= MAX_GROUP_ARG => {
                    if name == "expandTags" {
                        Tap::ExpandTags(g.to_owned())
                    } else {
                        Tap::CollapseTags(g.to_owned())
                    }
                }
                _ => {
                    return Some(Err(format!(
                        "{name} takes a tag group's name, got {}",
                        crate::support::text_preview(&arg.to_string())
                    )))
                }
            },
            "expandTagGroups" => Tap::ExpandTagGroups,
            "collapseTagGroups" => Tap::CollapseTagGroups,
            "expandColleagues" => Tap::ExpandColleagues,
            "callPhone" => {
                let parsed = arg
                    .as_str()
                    .and_then(|a| a.rsplit_once('/'))
                    .and_then(|(u, i)| {
                        Some((UserId::parse(u).ok()?, i.trim().parse::<usize>().ok()?))
                    });
                match parsed {
                    Some((userid, index)) => Tap::CallPhone { userid, index },
                    None => {
                        return Some(Err(format!(
                            "callPhone takes \"<userid>/<index>\", got {}",
                            crate::support::text_preview(&arg.to_string())
                        )))
                    }
                }
            }
            "copyAttr" => {
                let index = arg
                    .as_u64()
                    .or_else(|| arg.as_str().and_then(|s| s.trim().parse().ok()))
                    .and_then(|i| usize::try_from(i).ok());
                match index {
                    Some(i) => Tap::CopyAttr(i),
                    None => return Some(Err(format!("copyAttr takes an index, got {arg}"))),
                }
            }
            "collapseColleagues" => Tap::CollapseColleagues,
            "refresh" => Tap::Refresh,
            _ => return None,
        };
        Some(Ok(tap))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// Whose card is open.
    pub external_userid: Option<ExternalUserId>,
    /// `externalcontact/get` pages as the backend sent them (the source of
    /// truth; the parsed customer is a cache rebuilt after restore).
    pub customer_pages: Vec<String>,
    pub corp_tags_body: Option<String>,
    /// Values confirmed by the backend, shown until the next fetch.
    pub applied: Option<FormValues>,
    /// The open edit form (also the draft).
    pub form: Option<FormValues>,
    pub form_message: Option<Localized>,
    /// Whether the corp tag picker is open on the card.
    pub tag_picker: bool,
    pub outbox: Outbox,
    /// Drafts in storage: external_userid → values and when they were saved.
    pub drafts: SortedMap<String, Draft>,
    pub seq: u64,
    /// `mark_tag` bodies the backend confirmed since the customer was last
    /// fetched, in order. They are laid over the fetched pages, so the
    /// card shows them after a restore too.
    #[serde(default)]
    pub confirmed_tags: Vec<Value>,
    /// What the rep unfolded on this card.
    #[serde(default)]
    pub fold: view::Fold,
    pub pending: SortedMap<EffectId, Pending>,
    #[serde(skip)]
    pub customer: Option<Customer>,
    #[serde(skip)]
    pub corp_tags: Option<CorpTagList>,
    #[serde(skip)]
    restore_note: Option<Localized>,
    /// The customer's latest hand-over, from the first page's `wcc_handover`.
    #[serde(skip)]
    pub handover: Option<HandoverNote>,
    /// Counts changes to what the card shows of the customer (its pages,
    /// confirmed tags, the corp tag list), so the view rebuilds that part
    /// only when it changed. Not in the snapshot: a restore renders whole.
    #[serde(skip)]
    pub rev: u64,
}
crate::support::stored::stored_struct!(State { external_userid: "externalUserid", customer_pages: "customerPages", corp_tags_body: "corpTagsBody", applied: "applied", form: "form", form_message: "formMessage", tag_picker: "tagPicker", outbox: "outbox", drafts: "drafts", seq: "seq", confirmed_tags: "confirmedTags" = default, fold: "fold" = default, pending: "pending"; skip: customer, corp_tags, restore_note, handover, rev });

impl State {
    /// Rebuilds the parsed caches from the stored raw bodies (after restore).
    /// `me` is the member signed in, whose record the confirmed tags change.
    pub fn rehydrate(&mut self, me: Option<&UserId>) {
        self.corp_tags = self
            .corp_tags_body
            .as_deref()
            .and_then(|b| tags::parse_corp_tag_list(b).ok());
        self.rev += 1;
        self.customer = None;
        for body in self.customer_pages.clone() {
            if let Ok(page) = customer::parse_get_response(&body) {
                match self.customer.as_mut() {
                    None => self.customer = Some(page.customer),
                    Some(c) => {
                        customer::merge_page(c, page);
                    }
                }
            }
        }
        for body in self.confirmed_tags.clone() {
            self.lay_tags_over(me, &body);
        }
        self.handover = self
            .customer_pages
            .first()
            .and_then(|b| parse_handover_note(b));
    }

    /// The card's hand-over line: while the customer waits, or when the hand-over failed
    /// (with the reason). A finished one says nothing: the followers show it.
    pub fn handover_line(&self) -> Option<Localized> {
        use crate::wecom::transfer::{describe, ItemState};
        let n = self.handover.as_ref()?;
        let shown = matches!(
            ItemState::from_word(&n.state)?,
            ItemState::Waiting
                | ItemState::RefusedByCustomer
                | ItemState::TakerAtLimit
                | ItemState::Failed
        );
        shown.then(|| describe(&n.state, n.reason.as_deref()))
    }

    /// Whether this slice keeps `key` in storage.
    pub fn owns_key(key: &str) -> bool {
        key == OUTBOX_KEY || key.starts_with(DRAFT_PREFIX)
    }

    /// Reads one of this slice's storage keys at launch. `Err`: the entry
    /// is damaged as a whole, and the app sets it aside. Damaged outbox
    /// entries are set aside here, write-ahead: the copy under
    /// `wcc-quarantine:` is written first, and the outbox is rewritten
    /// without them only when that write is acknowledged.
    pub fn restore_key(&mut self, ctx: &mut Ctx, key: &str, raw: &str) -> Result<(), ()> {
        if key == OUTBOX_KEY {
            let read = Outbox::read(raw);
            self.outbox = read.outbox;
            let mut note = None;
            if read.unreadable {
                return Err(());
            } else if !read.damaged.is_empty() {
                let copy = serde_json::json!({ "v": crate::card::outbox::OUTBOX_VERSION, "entries": read.damaged });
                self.store_then(
                    ctx,
                    &quarantine_key(key),
                    copy.to_string(),
                    vec![AfterWrite::Release {
                        key: key.to_owned(),
                    }],
                );
                ctx.log(
                    "warn",
                    &format!("set aside {} damaged outbox entries", read.damaged.len()),
                );
                note = Some(Localized::new(
                    "有一项待提交的修改已损坏，已另存；其余修改照常提交",
                    "One waiting change was damaged and set aside; the others will be sent",
                ));
            } else if read.migrated {
                let json = self.outbox.to_json();
                self.store(ctx, key, json);
            }
            if !self.outbox.kept.is_empty() {
                note = Some(Localized::new(
                    "有待提交的修改来自更新的版本，已保留；请更新小程序后提交",
                    "Some waiting changes come from a newer version; they are kept, update the app to send them",
                ));
            }
            if let Some(note) = note {
                // Shown after the other storage notes of the launch.
                self.restore_note = Some(note);
            }
            Ok(())
        } else if let Some(ext) = key.strip_prefix(DRAFT_PREFIX) {
            match Draft::parse_versioned(raw, ext) {
                Ok((d, stored)) => {
                    if stored != u64::from(DRAFT_VERSION) {
                        // Migrated from an older format: write it back as v2.
                        self.store(ctx, key, d.to_json());
                    }
                    self.drafts.insert(ext.to_owned(), d);
                    Ok(())
                }
                Err(DraftError::TooNew(_)) | Err(DraftError::Corrupt(_)) => Err(()),
            }
        } else {
            Ok(())
        }
    }

    /// The note the launch's reading of the outbox left, if any.
    pub fn take_restore_note(&mut self) -> Option<Localized> {
        self.restore_note.take()
    }

    /// After a kill, storage may hold a value twice (a draft and the save
    /// that replaced it) or a refused save whose values never reached a
    /// draft. Both copies are durable here, so each can be settled now.
    pub fn reconcile_drafts_and_outbox(&mut self, ctx: &mut Ctx) {
        let superseded: Vec<String> = self
            .drafts
            .iter()
            .filter(|(ext, d)| {
                self.outbox.entries.iter().any(|e| {
                    !e.parked && &e.external_userid == *ext && e.values.as_ref() == Some(&d.values)
                })
            })
            .map(|(ext, _)| ext.clone())
            .collect();
        for ext in superseded {
            self.drafts.remove(&ext);
            ctx.remove(&draft_key(&ext));
        }
        let parked: Vec<(String, String, Option<FormValues>)> = self
            .outbox
            .entries
            .iter()
            .filter(|e| e.parked)
            .map(|e| (e.key.clone(), e.external_userid.clone(), e.values.clone()))
            .collect();
        for (key, ext, values) in parked {
            match values {
                Some(values) if !self.drafts.contains_key(&ext) => {
                    self.put_draft(&ext, values, vec![AfterWrite::DropParked { key }], ctx);
                }
                _ => {
                    self.outbox.remove(&key);
                    self.persist_outbox(ctx);
                }
            }
        }
    }

    /// Removes a key whose content now lives elsewhere, unless the model
    /// holds content for it again (then it is rewritten, not removed).
    /// Removes a key whose content now lives elsewhere, unless the slice
    /// holds content for it again (then it is rewritten, not removed).
    pub fn release(&mut self, ctx: &mut Ctx, key: &str) {
        if key == OUTBOX_KEY {
            self.persist_outbox(ctx);
        } else if let Some(ext) = key.strip_prefix(DRAFT_PREFIX) {
            if !self.drafts.contains_key(ext) {
                ctx.remove(key);
            }
        } else {
            ctx.remove(key);
        }
    }

    /// Opens the card of `id` (the same one again keeps what is loaded).
    pub fn open(&mut self, ctx: &mut Ctx, id: ExternalUserId) {
        if self.external_userid.as_ref() != Some(&id) {
            self.rev += 1;
            self.customer = None;
            self.customer_pages.clear();
            self.confirmed_tags.clear();
            self.applied = None;
            self.form = None;
            self.form_message = None;
            self.fold = view::Fold::default();
        }
        self.external_userid = Some(id.clone());
        ctx.ask(Ask::Page(Route::Card));
        if let Some(d) = self.drafts.get(id.as_str()) {
            self.form = Some(d.values.clone());
            self.form_message = Some(Localized::new(
                "已恢复未保存的修改",
                "Your unsaved edits were restored",
            ));
        }
        self.fetch_customer(id, None, ctx);
        if self.corp_tags.is_none() {
            self.http(
                ctx,
                "GET",
                paths::CORP_TAGS,
                Value::Null,
                None,
                Pending::FetchCorpTags,
            );
        }
        self.flush_outbox(ctx);
    }

    /// A retry of the page's fetch fired: `false` if no card is open.
    pub fn refetch(&mut self, ctx: &mut Ctx) -> bool {
        match self.external_userid.clone() {
            Some(id) => {
                self.fetch_customer(id, None, ctx);
                true
            }
            None => false,
        }
    }

    fn http(
        &mut self,
        ctx: &mut Ctx,
        method: &str,
        path: &str,
        body: Value,
        extra_header: Option<(&str, &str)>,
        pending: Pending,
    ) {
        let id = ctx.http(method, path, body, extra_header);
        self.pending.insert(id, pending);
    }

    fn store(&mut self, ctx: &mut Ctx, key: &str, value: String) {
        self.store_then(ctx, key, value, Vec::new());
    }

    /// Writes one key; `then` runs when the write is acknowledged.
    fn store_then(&mut self, ctx: &mut Ctx, key: &str, value: String, then: Vec<AfterWrite>) {
        let id = ctx.store(key, value);
        self.pending.insert(
            id,
            Pending::StorageWrite {
                key: key.to_owned(),
                then,
            },
        );
    }

    pub fn fetch_customer(&mut self, id: ExternalUserId, cursor: Option<String>, ctx: &mut Ctx) {
        ctx.ask(Ask::Loading);
        let path = paths::customer(id.as_str(), cursor.as_deref());
        self.http(
            ctx,
            "GET",
            &path,
            Value::Null,
            None,
            Pending::FetchCustomer {
                customer: Some(id.clone()),
                cursor,
            },
        );
    }

    pub fn on_customer_body(&mut self, body: &str, cursor: Option<String>, ctx: &mut Ctx) {
        match customer::parse_get_response(body) {
            Ok(page) => {
                for w in &page.warnings {
                    ctx.log("warn", &format!("customer data: {} ({})", w.code(), w.path));
                }
                let next = page.next_cursor.clone();
                self.rev += 1;
                if cursor.is_none() {
                    self.handover = parse_handover_note(body);
                    self.customer_pages = vec![body.to_owned()];
                    self.customer = Some(page.customer);
                    self.applied = None;
                    // The fresh fetch already holds every confirmed change.
                    self.confirmed_tags.clear();
                } else if let Some(c) = self.customer.as_mut() {
                    self.customer_pages.push(body.to_owned());
                    customer::merge_page(c, page);
                }
                ctx.ask(Ask::Ready);
                self.drop_draft_the_server_holds(ctx);
                if let (Some(next), Some(id)) = (next, self.external_userid.clone()) {
                    let held: usize = self.customer_pages.iter().map(String::len).sum();
                    if self.customer_pages.len() < MAX_PAGES && held < MAX_PAGE_BYTES {
                        self.fetch_customer(id, Some(next), ctx);
                    }
                }
            }
            Err(e) => {
                if self.customer.is_some() {
                    ctx.banner(Some(e.message()));
                } else {
                    ctx.ask(Ask::Block(Notice {
                        code: e.code().to_owned(),
                        title: Localized::new("无法加载客户", "Cannot load the customer"),
                        message: e.message(),
                        guidance: e.next_step(),
                        can_retry: true,
                    }));
                }
            }
        }
    }

    /// A draft whose values the fetched customer already holds (a save that
    /// reached the server just before a kill) has done its job: the server
    /// keeps the values now, so the draft and its form go.
    fn drop_draft_the_server_holds(&mut self, ctx: &mut Ctx) {
        let Some(ext) = self.external_userid.as_ref().map(|e| e.as_str().to_owned()) else {
            return;
        };
        let pending = self.outbox.entries.iter().any(|e| e.external_userid == ext);
        let redundant = self.drafts.contains_key(&ext)
            && !pending
            && self.edit_form(ctx.host.me()).is_some_and(|f| !f.is_dirty());
        if redundant {
            self.form = None;
            self.form_message = None;
            self.drop_draft(ctx);
        }
    }

    pub fn on_corp_tags_body(&mut self, body: &str, ctx: &mut Ctx) {
        match tags::parse_corp_tag_list(body) {
            Ok(list) => {
                self.rev += 1;
                self.corp_tags = Some(list);
                self.corp_tags_body = Some(body.to_owned());
            }
            Err(e) => ctx.log("warn", &format!("corp tags unavailable: {}", e.code())),
        }
    }

    /// My own follow record, with saved and pending values laid over it.
    pub fn my_follow(
        &self,
        me: Option<&UserId>,
    ) -> Option<(FollowUser, crate::wecom::customer::CustomerKind)> {
        let c = self.customer.as_ref()?;
        let me = me?;
        let mut fu = c.follow_users.iter().find(|f| &f.userid == me)?.clone();
        if let Some(v) = self.overlay() {
            fu.remark = v.remark.trim().to_owned();
            fu.description = v.description.trim().to_owned();
            fu.remark_corp_name = v.remark_company.trim().to_owned();
            fu.remark_mobiles = v
                .mobiles
                .iter()
                .filter(|m| !m.trim().is_empty())
                .cloned()
                .collect();
        }
        Some((fu, c.kind))
    }

    /// The customer as the card shows it (with my overlaid record).
    pub fn shown_customer(&self, me: Option<&UserId>) -> Option<Customer> {
        let mut c = self.customer.clone()?;
        if let Some((fu, _)) = self.my_follow(me) {
            if let Some(slot) = c.follow_users.iter_mut().find(|f| f.userid == fu.userid) {
                *slot = fu;
            }
        }
        Some(c)
    }

    /// The edit form over the current values. Built from my record's
    /// fields alone (never a clone of the whole record with its tags): a
    /// keystroke costs the same on any card.
    pub fn edit_form(&self, me: Option<&UserId>) -> Option<EditForm> {
        let values = self.form.as_ref()?;
        let (original, kind) = self.my_values(me)?;
        Some(EditForm::editing(original, values.clone(), kind))
    }

    /// What the edit form starts from: my record's editable fields, with
    /// saved and pending values laid over them (as [`State::my_follow`]).
    fn my_values(&self, me: Option<&UserId>) -> Option<(FormValues, customer::CustomerKind)> {
        let c = self.customer.as_ref()?;
        let me = me?;
        let fu = c.follow_users.iter().find(|f| &f.userid == me)?;
        let values = match self.overlay() {
            Some(v) => FormValues {
                remark: v.remark.trim().to_owned(),
                description: v.description.trim().to_owned(),
                remark_company: v.remark_company.trim().to_owned(),
                mobiles: v
                    .mobiles
                    .iter()
                    .filter(|m| !m.trim().is_empty())
                    .cloned()
                    .collect(),
            },
            None => FormValues {
                remark: fu.remark.clone(),
                description: fu.description.clone(),
                remark_company: fu.remark_corp_name.clone(),
                mobiles: fu.remark_mobiles.clone(),
            },
        };
        Some((values, c.kind))
    }

    /// Saved or pending values that show over the fetched record.
    pub fn overlay(&self) -> Option<&FormValues> {
        self.external_userid
            .as_ref()
            .and_then(|id| self.outbox.pending_values(id.as_str()))
            .or(self.applied.as_ref())
    }

    fn write_draft(&mut self, ctx: &mut Ctx) {
        let (Some(id), Some(values)) = (self.external_userid.clone(), self.form.clone()) else {
            return;
        };
        self.put_draft(id.as_str(), values, Vec::new(), ctx);
    }

    fn put_draft(&mut self, ext: &str, values: FormValues, then: Vec<AfterWrite>, ctx: &mut Ctx) {
        let draft = Draft::new(ext, ctx.now(), values);
        let json = draft.to_json();
        self.drafts.insert(ext.to_owned(), draft);
        self.store_then(ctx, &draft_key(ext), json, then);
    }

    fn drop_draft(&mut self, ctx: &mut Ctx) {
        if let Some(id) = &self.external_userid {
            if self.drafts.remove(id.as_str()).is_some() {
                ctx.remove(&draft_key(id.as_str()));
            }
        }
    }

    /// Typing in the edit form.
    pub fn on_input(&mut self, ctx: &mut Ctx, field: &str, value: String, index: Option<u32>) {
        let Some(values) = self.form.as_mut() else {
            ctx.log("warn", "input while no form is open ignored");
            return;
        };
        // Cap what one keystroke can carry; the validators report the limits.
        let value = crate::support::text::truncate_chars(&value, 2000).to_owned();
        match (field, index) {
            ("remark", _) => values.remark = value,
            ("description", _) => values.description = value,
            ("remarkCompany", _) => values.remark_company = value,
            ("mobile", Some(i)) => match values.mobiles.get_mut(i as usize) {
                Some(slot) => *slot = value,
                None => {
                    ctx.log("warn", &format!("mobile index {i} out of range"));
                    return;
                }
            },
            _ => {
                ctx.log("warn", &format!("unknown field {field:?}"));
                return;
            }
        }
        self.form_message = None;
        self.write_draft(ctx);
    }

    pub fn on_tap(&mut self, ctx: &mut Ctx, tap: Tap) {
        let me = ctx.host.me().cloned();
        let me = me.as_ref();
        match tap {
            Tap::Edit => {
                if self.form.is_none() {
                    if let Some((fu, kind)) = self.my_follow(me) {
                        self.form = Some(EditForm::from_follow_user(&fu, kind).values);
                        self.form_message = None;
                    }
                }
            }
            Tap::CancelEdit => {
                self.form = None;
                self.form_message = None;
                self.drop_draft(ctx);
            }
            Tap::AddMobile => {
                if let Some(mut form) = self.edit_form(me) {
                    match form.add_mobile() {
                        Ok(_) => {
                            self.form = Some(form.values);
                            self.write_draft(ctx);
                        }
                        Err(e) => self.form_message = Some(e.message()),
                    }
                }
            }
            Tap::RemoveMobile(i) => {
                if let Some(mut form) = self.edit_form(me) {
                    match form.remove_mobile(i) {
                        Ok(()) => {
                            self.form = Some(form.values);
                            self.write_draft(ctx);
                        }
                        Err(e) => self.form_message = Some(e.message()),
                    }
                }
            }
            Tap::Save => self.save(ctx),
            Tap::TagPicker => self.tag_picker = !self.tag_picker,
            Tap::AddTag(id) => self.edit_tag(true, id, ctx),
            Tap::RemoveTag(id) => self.edit_tag(false, id, ctx),
            Tap::UndoRemoveTag(id) => self.undo_remove_tag(id, ctx),
            Tap::ExpandTags(g) => {
                self.rev += 1;
                self.fold.tag_groups.insert(g);
            }
            Tap::CollapseTags(g) => {
                self.rev += 1;
                self.fold.tag_groups.remove(&g);
            }
            Tap::ExpandTagGroups => {
                self.rev += 1;
                self.fold.all_tag_groups = true;
            }
            Tap::CollapseTagGroups => {
                self.rev += 1;
                self.fold.all_tag_groups = false;
            }
            Tap::CallPhone { userid, index } => self.call_phone(&userid, index, ctx),
            Tap::CopyAttr(i) => self.copy_attr(i, ctx),
            Tap::ExpandColleagues => {
                self.rev += 1;
                self.fold.colleagues = true;
            }
            Tap::CollapseColleagues => {
                self.rev += 1;
                self.fold.colleagues = false;
            }
            Tap::Refresh => {
                if let Some(id) = self.external_userid.clone() {
                    self.fetch_customer(id, None, ctx);
                }
            }
        }
    }

    fn next_key(&mut self, ext: &ExternalUserId, now: f64) -> String {
        self.seq = self.seq.wrapping_add(1);
        // Unique per install: the time of the edit plus a counter kept in the
        // snapshot and outbox. The backend stores keys it has applied.
        format!("{}-{}-{}", ext.as_str(), now.max(0.0) as u64, self.seq)
    }

    fn save(&mut self, ctx: &mut Ctx) {
        let (Some(form), Some(ext), Some(session)) = (
            self.edit_form(ctx.host.me()),
            self.external_userid.clone(),
            ctx.host.session.clone(),
        ) else {
            return;
        };
        match form.to_remark_body(&session.userid, &ext) {
            Ok(body) => {
                let key = self.next_key(&ext, ctx.now());
                self.outbox.push(OutboxEntry {
                    key,
                    external_userid: ext.as_str().to_owned(),
                    kind: OutboxKind::Remark,
                    body,
                    values: Some(form.values.clone()),
                    in_flight: false,
                    attempts: 0,
                    created_at: ctx.now(),
                    parked: false,
                    hold_until: 0.0,
                });
                self.form = None;
                self.form_message = None;
                // Write-ahead: the draft leaves storage only once the outbox
                // that now holds the edit is acknowledged.
                self.drafts.remove(ext.as_str());
                let then = vec![AfterWrite::Release {
                    key: draft_key(ext.as_str()),
                }];
                self.persist_outbox_then(ctx, then);
                self.flush_outbox(ctx);
            }
            Err(FormError::Invalid(_)) => {
                self.form_message = Some(Localized::new(
                    "请先修正标红的字段",
                    "Fix the fields marked in red first",
                ));
            }
            Err(e) => self.form_message = Some(e.message()),
        }
    }

    fn edit_tag(&mut self, add: bool, id: TagId, ctx: &mut Ctx) {
        let (Some(ext), Some(session)) = (self.external_userid.clone(), ctx.host.session.clone())
        else {
            return;
        };
        let current = self
            .my_follow(ctx.host.me())
            .map(|(fu, _)| fu.tags)
            .unwrap_or_default();
        let mut edit = TagEdit::new();
        let result = if add {
            match self.corp_tags.as_ref() {
                Some(corp) => edit.add(id, &current, corp),
                None => {
                    ctx.banner(Some(Localized::new(
                        "企业标签尚未加载",
                        "Corp tags are not loaded yet",
                    )));
                    return;
                }
            }
        } else {
            edit.remove(id, &current);
            Ok(())
        };
        if let Err(e) = result {
            ctx.banner(Some(e.message()));
            return;
        }
        if let Some(body) = edit.to_mark_tag_body(&session.userid, &ext) {
            let key = self.next_key(&ext, ctx.now());
            self.outbox.push(OutboxEntry {
                key,
                external_userid: ext.as_str().to_owned(),
                kind: OutboxKind::Tags,
                body,
                values: None,
                in_flight: false,
                attempts: 0,
                created_at: ctx.now(),
                parked: false,
                // A removal waits out its undo window first (stored, so a
                // kill does not lose it); an addition goes at once.
                hold_until: if add {
                    0.0
                } else {
                    ctx.now() + f64::from(UNDO_MS)
                },
            });
            if !add {
                self.rev += 1;
                let id = ctx.timer(UNDO_MS);
                self.pending.insert(id, Pending::UndoWindow);
            }
            self.persist_outbox(ctx);
            self.flush_outbox(ctx);
        }
    }

    /// Corp tag ids of the open card whose removal waits in its undo window.
    pub fn removing_tags(&self) -> std::collections::BTreeSet<String> {
        let Some(ext) = self.external_userid.as_ref() else {
            return Default::default();
        };
        self.outbox
            .entries
            .iter()
            .filter(|e| {
                e.external_userid == ext.as_str()
                    && e.kind == OutboxKind::Tags
                    && e.hold_until > 0.0
                    && !e.in_flight
            })
            .flat_map(|e| {
                e.body
                    .get("remove_tag")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_owned))
            })
            .collect()
    }

    /// Undo: the removal, still waiting in its window, is taken out of the
    /// outbox before it was ever sent.
    fn undo_remove_tag(&mut self, id: TagId, ctx: &mut Ctx) {
        let Some(ext) = self.external_userid.as_ref().map(|e| e.as_str().to_owned()) else {
            return;
        };
        let Some(entry) = self.outbox.entries.iter_mut().find(|e| {
            e.external_userid == ext
                && e.kind == OutboxKind::Tags
                && e.hold_until > 0.0
                && !e.in_flight
                && e.body
                    .get("remove_tag")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(id.as_str())))
        }) else {
            ctx.log(
                "info",
                "undo of a tag removal that was already sent ignored",
            );
            return;
        };
        if let Some(list) = entry
            .body
            .get_mut("remove_tag")
            .and_then(Value::as_array_mut)
        {
            list.retain(|v| v.as_str() != Some(id.as_str()));
        }
        let empty = |k: &str| {
            entry
                .body
                .get(k)
                .and_then(Value::as_array)
                .is_none_or(|a| a.is_empty())
        };
        if empty("add_tag") && empty("remove_tag") {
            let key = entry.key.clone();
            self.outbox.remove(&key);
        } else if self.removing_tags_of(&ext).is_empty() {
            // Only additions are left: they need not wait.
            if let Some(e) = self.outbox.entries.iter_mut().find(|e| {
                e.external_userid == ext && e.kind == OutboxKind::Tags && e.hold_until > 0.0
            }) {
                e.hold_until = 0.0;
            }
        }
        self.rev += 1;
        self.persist_outbox(ctx);
        self.flush_outbox(ctx);
    }

    fn removing_tags_of(&self, ext: &str) -> Vec<String> {
        self.outbox
            .entries
            .iter()
            .filter(|e| {
                e.external_userid == ext && e.kind == OutboxKind::Tags && e.hold_until > 0.0
            })
            .flat_map(|e| {
                e.body
                    .get("remove_tag")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_owned))
            })
            .collect()
    }

    /// An undo window closed: removals whose time has come may go.
    pub fn on_undo_window(&mut self, ctx: &mut Ctx) {
        let now = ctx.now();
        let mut released = false;
        for e in &mut self.outbox.entries {
            if e.hold_until > 0.0 && e.hold_until <= now {
                e.hold_until = 0.0;
                released = true;
            }
        }
        if released {
            self.rev += 1;
            self.persist_outbox(ctx);
        }
        self.flush_outbox(ctx);
    }

    /// Calls a number the card shows: read from the model (my record with
    /// my pending edits laid over, or a colleague's), never from the page.
    fn call_phone(&mut self, userid: &UserId, index: usize, ctx: &mut Ctx) {
        let me = ctx.host.me().cloned();
        let numbers = if me.as_ref() == Some(userid) {
            self.my_follow(me.as_ref()).map(|(f, _)| f.remark_mobiles)
        } else {
            self.customer.as_ref().and_then(|c| {
                c.follow_users
                    .iter()
                    .find(|f| &f.userid == userid)
                    .map(|f| f.remark_mobiles.clone())
            })
        };
        let number = numbers
            .and_then(|n| n.get(index).cloned())
            .map(|n| n.chars().filter(|c| !c.is_whitespace()).collect::<String>())
            .filter(|n| {
                !n.is_empty()
                    && n.chars().any(|c| c.is_ascii_digit())
                    && n.chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')'))
            });
        match number {
            Some(n) => {
                ctx.wx("makePhoneCall", serde_json::json!({ "phoneNumber": n }));
            }
            None => ctx.log("warn", "callPhone: no such number on the card; ignored"),
        }
    }

    /// Copies a profile attribute's text (or a web attribute's address).
    fn copy_attr(&mut self, index: usize, ctx: &mut Ctx) {
        use crate::wecom::customer::ExternalAttr;
        let data = self
            .customer
            .as_ref()
            .and_then(|c| c.attrs.get(index))
            .map(|a| match a {
                ExternalAttr::Text { value, .. } => value.clone(),
                ExternalAttr::Web { url, .. } => url.clone(),
                ExternalAttr::Miniprogram { title, .. } => title.clone(),
            })
            .filter(|d| !d.trim().is_empty());
        match data {
            Some(d) => {
                let id = ctx.wx("setClipboardData", serde_json::json!({ "data": d }));
                self.pending.insert(id, Pending::Copy);
            }
            None => ctx.log("warn", "copyAttr: no such attribute; ignored"),
        }
    }

    /// `wx.setClipboardData` answered: a toast when it worked, a line when
    /// it did not.
    pub fn on_copied(&mut self, ctx: &mut Ctx, result: &Value) {
        let ok = result
            .get("errMsg")
            .and_then(Value::as_str)
            .is_some_and(|m| m.ends_with(":ok"));
        if ok {
            ctx.toast(Localized::new("已复制", "Copied").get(ctx.host.locale));
        } else {
            ctx.banner(Some(Localized::new(
                "未能复制到剪贴板",
                "Could not copy to the clipboard",
            )));
        }
    }

    /// Whether effect `id` is one of this slice's undo windows.
    pub fn is_undo_window(&self, id: EffectId) -> bool {
        matches!(self.pending.get(&id), Some(Pending::UndoWindow))
    }

    pub fn persist_outbox(&mut self, ctx: &mut Ctx) {
        self.persist_outbox_then(ctx, Vec::new());
    }

    fn persist_outbox_then(&mut self, ctx: &mut Ctx, then: Vec<AfterWrite>) {
        if self.outbox.is_empty() {
            ctx.remove(OUTBOX_KEY);
            for step in then {
                self.after_write(step, ctx);
            }
        } else {
            let json = self.outbox.to_json();
            self.store_then(ctx, OUTBOX_KEY, json, then);
        }
    }

    /// Sends what may be sent: one request per customer at a time.
    pub fn flush_outbox(&mut self, ctx: &mut Ctx) {
        if ctx.host.session.is_none() {
            return;
        }
        for key in self.outbox.ready() {
            let Some(entry) = self.outbox.get_mut(&key) else {
                continue;
            };
            entry.in_flight = true;
            let path = match entry.kind {
                OutboxKind::Remark => paths::remark(&entry.external_userid),
                OutboxKind::Tags => paths::mark_tag(&entry.external_userid),
            };
            let body = entry.body.clone();
            self.http(
                ctx,
                "POST",
                &path,
                body,
                Some(("Idempotency-Key", &key)),
                Pending::Save { key: key.clone() },
            );
        }
    }

    pub fn save_failed_offline(&mut self, key: &str) {
        if let Some(e) = self.outbox.get_mut(key) {
            e.in_flight = false;
            e.attempts = e.attempts.saturating_add(1);
        }
    }

    pub fn on_save_result(&mut self, key: &str, status: u16, body: &str, ctx: &mut Ctx) {
        let parsed: Value = crate::support::input::parse_value(body)
            .ok()
            .filter(Value::is_object)
            .unwrap_or(Value::Null);
        let errcode = match parsed.get("errcode") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        // A 2xx that says no errcode (a proxy's HTML page, a cut body) is no
        // confirmation: the save is kept and retried under the same key.
        let unreadable = status < 300 && errcode.is_none();
        if status == 0 || status >= 500 || unreadable {
            self.save_failed_offline(key);
            let attempts = self.outbox.get_mut(key).map(|e| e.attempts).unwrap_or(1);
            let delay = session::backoff_ms(attempts);
            let id = ctx.timer(delay);
            self.pending.insert(id, Pending::OutboxRetry);
            ctx.banner(Some(if status == 0 {
                Localized::new(
                    "网络不可用：修改已保存在本机，联网后自动提交",
                    "Offline: your change is kept on this phone and will be sent when you are back online",
                )
            } else if unreadable {
                Localized::new(
                    "服务器的回答无法识别：修改已保存在本机，稍后自动重试",
                    "The server's answer could not be read: your change is kept on this phone and will be retried shortly",
                )
            } else {
                Localized::new(
                    format!("服务暂时繁忙（{status}）：修改已保存在本机，稍后自动重试"),
                    format!("The service is busy ({status}): your change is kept on this phone and will be retried shortly"),
                )
            }));
            return;
        }
        let errcode = errcode.unwrap_or(-1);
        if errcode != 0 || status >= 300 {
            self.on_save_refused(key, errcode, &parsed, ctx);
            self.flush_outbox(ctx);
            return;
        }
        let Some(entry) = self.outbox.remove(key) else {
            return;
        };
        // Laid over the card only if it is the card open: another
        // customer's card shows its own values, fetched when it opens.
        let open = self.external_userid.as_ref().map(|e| e.as_str())
            == Some(entry.external_userid.as_str());
        {
            if open && entry.kind == OutboxKind::Remark {
                self.applied = entry.values.clone();
            } else if open {
                self.apply_tags(ctx.host.me(), &entry.body);
            }
            if self
                .outbox
                .entries
                .iter()
                .all(|e| e.external_userid != entry.external_userid)
            {
                // Success is a toast; the banner is for warnings (an
                // earlier "offline, kept on this phone" is over now).
                ctx.banner(None);
                ctx.toast(Localized::new("已保存", "Saved").get(ctx.host.locale));
            }
        }
        self.persist_outbox(ctx);
        self.flush_outbox(ctx);
    }

    /// Rejected: the card rolls back; the user's text goes back into the form
    /// with the reason, so nothing is lost silently. Write-ahead: the refused
    /// entry stays in the stored outbox (parked, never sent) until its values
    /// are acknowledged in a draft.
    fn on_save_refused(&mut self, key: &str, errcode: i64, parsed: &Value, ctx: &mut Ctx) {
        let Some(entry) = self.outbox.get_mut(key) else {
            return;
        };
        entry.in_flight = false;
        let entry = entry.clone();
        let errmsg = crate::support::text::truncate_chars(
            parsed.get("errmsg").and_then(Value::as_str).unwrap_or(""),
            120,
        )
        .to_owned();
        let fields = changed_field_names(&entry.body);
        let reason = crate::wecom::errcodes::message(errcode, &errmsg);
        let next = crate::wecom::errcodes::next_step(errcode)
            .map(|n| (format!("。{}", n.zh), format!(". {}", n.en)))
            .unwrap_or_default();
        // What happened to the member's input, truly: a refused remark
        // edit goes back into the form (the card shows the saved values);
        // refused tags are simply not on the card.
        let (kept_zh, kept_en) = if entry.kind == OutboxKind::Remark && entry.values.is_some() {
            (
                "你填写的内容仍在表单中，可修改后重新保存",
                "your text is still in the form; edit it and save again",
            )
        } else {
            ("客户资料保持原样", "the customer's details are unchanged")
        };
        let why = Localized::new(
            format!("未能保存{}：{}；{kept_zh}{}", fields.zh, reason.zh, next.0),
            format!(
                "Could not save the {}: {}; {kept_en}{}",
                fields.en, reason.en, next.1
            ),
        );
        let ext = entry.external_userid.clone();
        let current = self.external_userid.as_ref().map(|e| e.as_str()) == Some(ext.as_str());
        match entry.values.clone() {
            // The member is already editing this customer again: that newer
            // draft is what they want; the refused values go.
            Some(_) if self.drafts.contains_key(&ext) => {
                self.outbox.remove(key);
                self.persist_outbox(ctx);
            }
            Some(values) if entry.kind == OutboxKind::Remark => {
                if let Some(e) = self.outbox.get_mut(key) {
                    e.parked = true;
                }
                // The parked mark is stored too: after a kill, a refused
                // save must not look like one still to send.
                self.persist_outbox(ctx);
                if current {
                    self.form = Some(values.clone());
                }
                self.put_draft(
                    &ext,
                    values,
                    vec![AfterWrite::DropParked {
                        key: key.to_owned(),
                    }],
                    ctx,
                );
            }
            _ => {
                self.outbox.remove(key);
                self.persist_outbox(ctx);
            }
        }
        // Once: at the form when the member's text went back into it,
        // else in the banner.
        if current && self.form.is_some() {
            self.form_message = Some(why);
        } else {
            ctx.banner(Some(why));
        }
    }

    /// A confirmed mark_tag: kept in the model (so a restore shows it too)
    /// and laid over the cached customer.
    fn apply_tags(&mut self, me: Option<&UserId>, body: &Value) {
        self.confirmed_tags.push(body.clone());
        self.lay_tags_over(me, body);
    }

    fn lay_tags_over(&mut self, me: Option<&UserId>, body: &Value) {
        self.rev += 1;
        let me = me.cloned();
        let corp = self.corp_tags.clone();
        let (Some(c), Some(me)) = (self.customer.as_mut(), me) else {
            return;
        };
        let Some(fu) = c.follow_users.iter_mut().find(|f| f.userid == me) else {
            return;
        };
        let ids = |k: &str| -> Vec<String> {
            body.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let removed = ids("remove_tag");
        fu.tags.retain(|t| {
            t.tag_id
                .as_ref()
                .is_none_or(|id| !removed.iter().any(|r| r == id.as_str()))
        });
        for id in ids("add_tag") {
            let Ok(tag_id) = TagId::parse(&id) else {
                continue;
            };
            if fu.tags.iter().any(|t| t.tag_id.as_ref() == Some(&tag_id)) {
                continue;
            }
            let (group_name, tag_name) = corp
                .as_ref()
                .and_then(|l| l.find(&tag_id))
                .map(|(g, t)| (g.group_name.clone(), t.name.clone()))
                .unwrap_or_default();
            fu.tags.push(crate::wecom::customer::FollowTag {
                group_name,
                tag_name,
                kind: crate::wecom::customer::TagKind::Corp,
                tag_id: Some(tag_id),
            });
        }
    }

    /// What waited for one of this slice's writes, now acknowledged.
    pub fn after_writes(&mut self, ctx: &mut Ctx, then: Vec<AfterWrite>) {
        for step in then {
            self.after_write(step, ctx);
        }
    }

    fn after_write(&mut self, step: AfterWrite, ctx: &mut Ctx) {
        match step {
            AfterWrite::Release { key } => self.release(ctx, &key),
            AfterWrite::DropParked { key } => {
                if self.outbox.remove(&key).is_some() {
                    self.persist_outbox(ctx);
                }
            }
        }
    }

    /// Whether a failed write of `key` can be written again (the slice
    /// still holds its content).
    pub fn can_rewrite(&self, key: &str) -> bool {
        key == OUTBOX_KEY
            || key
                .strip_prefix(DRAFT_PREFIX)
                .is_some_and(|ext| self.drafts.contains_key(ext))
    }

    /// Storage is full: drops the oldest draft of another customer (not
    /// the one being written) to make room. `false`: there is none.
    pub fn drop_oldest_draft(&mut self, ctx: &mut Ctx, failed_key: &str) -> bool {
        let current = self.external_userid.as_ref().map(|e| e.as_str().to_owned());
        let mut others: Vec<(String, f64)> = self
            .drafts
            .iter()
            .filter(|(ext, _)| Some(ext.as_str()) != current.as_deref())
            .filter(|(ext, _)| failed_key != draft_key(ext))
            .map(|(ext, d)| (ext.clone(), d.saved_at))
            .collect();
        crate::support::sorting::sort_by(&mut others, |a, b| {
            a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal)
        });
        let Some((oldest, _)) = others.first().cloned() else {
            return false;
        };
        self.drafts.remove(&oldest);
        ctx.remove(&draft_key(&oldest));
        true
    }

    /// Writes again what failed, with what waits on it.
    pub fn rewrite(&mut self, ctx: &mut Ctx, key: &str, then: Vec<AfterWrite>) {
        if key == OUTBOX_KEY {
            self.persist_outbox_then(ctx, then);
        } else if let Some(d) = key
            .strip_prefix(DRAFT_PREFIX)
            .and_then(|ext| self.drafts.get(ext))
        {
            let json = d.to_json();
            self.store_then(ctx, key, json, then);
        }
    }

    /// A save's request was answered 401: it is sent again after login.
    pub fn on_unauthorized(&mut self, pending: &Pending) {
        if let Pending::Save { key } = pending {
            self.save_failed_offline(key);
        }
    }

    /// The answer to one of this slice's requests.
    pub fn on_http_result(&mut self, ctx: &mut Ctx, pending: Pending, status: u16, body: &str) {
        let offline = status == 0 || status >= 500;
        match pending {
            Pending::FetchCustomer { customer, cursor } => {
                if customer.is_some() && customer != self.external_userid {
                    ctx.log(
                        "info",
                        "a customer page for a card no longer open was dropped",
                    );
                    return;
                }
                if offline {
                    ctx.ask(Ask::RetryLater { status });
                    return;
                }
                self.on_customer_body(body, cursor, ctx);
            }
            Pending::FetchCorpTags => {
                if !offline {
                    self.on_corp_tags_body(body, ctx);
                }
            }
            Pending::Save { key } => self.on_save_result(&key, status, body, ctx),
            other => ctx.log("warn", &format!("unexpected http result for {other:?}")),
        }
    }
}

/// The fields a save changed, in the member's words (备注名, not
/// `remark`): the form's own labels.
fn changed_field_names(body: &Value) -> Localized {
    let names: Vec<(&str, &str)> = [
        ("remark", "备注名", "remark name"),
        ("description", "描述", "description"),
        ("remark_company", "备注企业名称", "remark company"),
        ("remark_mobiles", "备注手机号", "phone numbers"),
        ("add_tag", "标签", "tags"),
        ("remove_tag", "标签", "tags"),
    ]
    .iter()
    .filter(|(k, ..)| body.get(*k).is_some())
    .map(|(_, zh, en)| (*zh, *en))
    .fold(Vec::new(), |mut v, n| {
        if !v.contains(&n) {
            v.push(n);
        }
        v
    });
    let zh: Vec<&str> = names.iter().map(|n| n.0).collect();
    let en: Vec<&str> = names.iter().map(|n| n.1).collect();
    Localized::new(zh.join("、"), en.join(", "))
}
#[cfg(test)]
mod tests;
