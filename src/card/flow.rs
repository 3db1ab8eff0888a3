//! The customer card on the model: fetching (with paging), the edit form,
//! drafts in storage, optimistic saves through the outbox, rollbacks.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::app::action::Action;
use crate::app::{Model, Notice, Route};
use crate::card::drafts::{
    draft_key, Draft, DraftError, DRAFT_PREFIX, DRAFT_VERSION, QUARANTINE_PREFIX,
};
use crate::card::form::{EditForm, FormError, FormValues};
use crate::card::outbox::{Outbox, OutboxEntry, OutboxKind, OUTBOX_KEY};
use crate::launch::flow::{AfterWrite, Pending, Step};
use crate::protocol::effect::Effect;
use crate::protocol::session::{self, paths, Session, SESSION_KEY};
use crate::support::locale::Localized;
use crate::wecom::customer::{self, Customer, FollowUser};
use crate::wecom::ids::{ExternalUserId, TagId};
use crate::wecom::tags::{self, TagEdit};

/// Follow users past this many pages are not fetched (500 a page).
const MAX_PAGES: usize = 20;
/// Nor past this many bytes of pages: the model keeps every page it shows,
/// and its snapshot must stay below `input::MAX_SNAPSHOT_BYTES`.
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

impl Model {
    /// Rebuilds the parsed caches from the stored raw bodies (after restore).
    pub fn rehydrate(&mut self) {
        self.corp_tags = self
            .corp_tags_body
            .as_deref()
            .and_then(|b| tags::parse_corp_tag_list(b).ok());
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
            self.lay_tags_over(&body);
        }
        self.group = self
            .group_body
            .as_deref()
            .and_then(|b| crate::wecom::groupchat::parse_group_chat(b).ok());
    }

    /// Reads the core's storage keys at launch. Damaged entries are set
    /// aside and reported; they never block the app. Set aside means
    /// write-ahead: the copy under `wcc-quarantine:` is written first, and
    /// the original goes only when that write is acknowledged.
    pub(crate) fn restore_storage(
        &mut self,
        storage: &BTreeMap<String, String>,
        fx: &mut Vec<Effect>,
    ) {
        let mut damaged: Vec<(String, String)> = Vec::new();
        let mut outbox_note = None;
        for (key, raw) in storage {
            if key == SESSION_KEY {
                match crate::support::input::parse_value(raw).and_then(|v| {
                    serde_json::from_value::<Session>(v)
                        .map_err(|e| crate::support::input::InputError::Json(e.to_string()))
                }) {
                    Ok(s) => self.session = Some(s),
                    Err(_) => damaged.push((key.clone(), raw.clone())),
                }
            } else if key == OUTBOX_KEY {
                let read = Outbox::read(raw);
                self.outbox = read.outbox;
                if read.unreadable {
                    damaged.push((key.clone(), raw.clone()));
                } else if !read.damaged.is_empty() {
                    // Only the unreadable entries are set aside; the outbox
                    // is rewritten without them once their copy is stored.
                    let copy = serde_json::json!({ "v": crate::card::outbox::OUTBOX_VERSION, "entries": read.damaged });
                    self.store_then(
                        fx,
                        &format!("{QUARANTINE_PREFIX}{key}"),
                        copy.to_string(),
                        vec![AfterWrite::Release { key: key.clone() }],
                    );
                    self.log(
                        fx,
                        "warn",
                        &format!("set aside {} damaged outbox entries", read.damaged.len()),
                    );
                    outbox_note = Some(Localized::new(
                        "有一项待提交的修改已损坏，已另存；其余修改照常提交",
                        "One waiting change was damaged and set aside; the others will be sent",
                    ));
                } else if read.migrated {
                    let json = self.outbox.to_json();
                    self.store(fx, key, json);
                }
                if !self.outbox.kept.is_empty() {
                    outbox_note = Some(Localized::new(
                        "有待提交的修改来自更新的版本，已保留；请更新小程序后提交",
                        "Some waiting changes come from a newer version; they are kept, update the app to send them",
                    ));
                }
            } else if let Some(ext) = key.strip_prefix(DRAFT_PREFIX) {
                match Draft::parse_versioned(raw, ext) {
                    Ok((d, stored)) => {
                        if stored != u64::from(DRAFT_VERSION) {
                            // Migrated from an older format: write it back as v2.
                            self.store(fx, key, d.to_json());
                        }
                        self.drafts.insert(ext.to_owned(), d);
                    }
                    Err(DraftError::TooNew(_)) | Err(DraftError::Corrupt(_)) => {
                        damaged.push((key.clone(), raw.clone()))
                    }
                }
            } else if let Some(ctx) = key.strip_prefix(crate::chat::draft::COMPOSE_PREFIX) {
                match crate::chat::draft::ComposeDraft::parse(raw) {
                    Ok(d) => {
                        self.compose_drafts.insert(ctx.to_owned(), d);
                    }
                    Err(_) => damaged.push((key.clone(), raw.clone())),
                }
            }
        }
        for (key, raw) in &damaged {
            self.store_then(
                fx,
                &format!("{QUARANTINE_PREFIX}{key}"),
                raw.clone(),
                vec![AfterWrite::Release { key: key.clone() }],
            );
            self.log(
                fx,
                "warn",
                &format!("set aside damaged storage entry {key}"),
            );
        }
        self.reconcile_drafts_and_outbox(fx);
        if damaged.iter().any(|(k, _)| k != SESSION_KEY) {
            self.storage_note = Some(Localized::new(
                "有一份本地草稿已损坏，已另存并跳过",
                "A saved draft was damaged; it was set aside and skipped",
            ));
        }
        if let Some(note) = outbox_note {
            self.storage_note = Some(note);
        }
    }

    /// After a kill, storage may hold a value twice (a draft and the save
    /// that replaced it) or a refused save whose values never reached a
    /// draft. Both copies are durable here, so each can be settled now.
    fn reconcile_drafts_and_outbox(&mut self, fx: &mut Vec<Effect>) {
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
            fx.push(Effect::StorageRemove {
                key: draft_key(&ext),
            });
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
                    self.put_draft(&ext, values, vec![AfterWrite::DropParked { key }], fx);
                }
                _ => {
                    self.outbox.remove(&key);
                    self.persist_outbox(fx);
                }
            }
        }
    }

    /// Removes a key whose content now lives elsewhere, unless the model
    /// holds content for it again (then it is rewritten, not removed).
    pub(crate) fn release(&mut self, key: &str, fx: &mut Vec<Effect>) {
        if key == OUTBOX_KEY {
            self.persist_outbox(fx);
        } else if key == SESSION_KEY {
            if self.session.is_none() {
                fx.push(Effect::StorageRemove {
                    key: key.to_owned(),
                });
            }
        } else if let Some(ext) = key.strip_prefix(DRAFT_PREFIX) {
            if !self.drafts.contains_key(ext) {
                fx.push(Effect::StorageRemove {
                    key: key.to_owned(),
                });
            }
        } else if let Some(ctx) = key.strip_prefix(crate::chat::draft::COMPOSE_PREFIX) {
            if !self.compose_drafts.contains_key(ctx) {
                fx.push(Effect::StorageRemove {
                    key: key.to_owned(),
                });
            }
        } else {
            fx.push(Effect::StorageRemove {
                key: key.to_owned(),
            });
        }
    }

    pub(crate) fn open_card(&mut self, id: ExternalUserId, fx: &mut Vec<Effect>) {
        if self.external_userid.as_ref() != Some(&id) {
            self.customer = None;
            self.customer_pages.clear();
            self.confirmed_tags.clear();
            self.applied = None;
            self.form = None;
            self.form_message = None;
        }
        self.external_userid = Some(id.clone());
        self.route = Route::Card;
        self.load_compose_draft();
        if let Some(d) = self.drafts.get(id.as_str()) {
            self.form = Some(d.values.clone());
            self.form_message = Some(Localized::new(
                "已恢复未保存的修改",
                "Your unsaved edits were restored",
            ));
        }
        self.fetch_customer(id, None, fx);
        if self.corp_tags.is_none() {
            self.http(
                fx,
                "GET",
                paths::CORP_TAGS,
                Value::Null,
                None,
                Pending::FetchCorpTags,
            );
        }
        self.flush_outbox(fx);
    }

    pub(crate) fn fetch_customer(
        &mut self,
        id: ExternalUserId,
        cursor: Option<String>,
        fx: &mut Vec<Effect>,
    ) {
        self.step = Step::Fetching;
        let path = paths::customer(id.as_str(), cursor.as_deref());
        self.http(
            fx,
            "GET",
            &path,
            Value::Null,
            None,
            Pending::FetchCustomer { cursor },
        );
    }

    pub(crate) fn on_customer_body(
        &mut self,
        body: &str,
        cursor: Option<String>,
        fx: &mut Vec<Effect>,
    ) {
        match customer::parse_get_response(body) {
            Ok(page) => {
                for w in &page.warnings {
                    self.log(
                        fx,
                        "warn",
                        &format!("customer data: {} ({})", w.code(), w.path),
                    );
                }
                let next = page.next_cursor.clone();
                if cursor.is_none() {
                    self.customer_pages = vec![body.to_owned()];
                    self.customer = Some(page.customer);
                    self.applied = None;
                    // The fresh fetch already holds every confirmed change.
                    self.confirmed_tags.clear();
                } else if let Some(c) = self.customer.as_mut() {
                    self.customer_pages.push(body.to_owned());
                    customer::merge_page(c, page);
                }
                self.retry_attempt = 0;
                self.banner = None;
                self.step = Step::Ready;
                self.drop_draft_the_server_holds(fx);
                if let (Some(next), Some(id)) = (next, self.external_userid.clone()) {
                    let held: usize = self.customer_pages.iter().map(String::len).sum();
                    if self.customer_pages.len() < MAX_PAGES && held < MAX_PAGE_BYTES {
                        self.fetch_customer(id, Some(next), fx);
                    }
                }
            }
            Err(e) => {
                if self.customer.is_some() {
                    self.banner = Some(e.message());
                } else {
                    self.step = Step::Blocked;
                    self.route = Route::Notice;
                    self.notice = Some(Notice {
                        code: e.code().to_owned(),
                        title: Localized::new("无法加载客户", "Cannot load the customer"),
                        message: e.message(),
                        guidance: None,
                        can_retry: true,
                    });
                }
            }
        }
    }

    /// A draft whose values the fetched customer already holds (a save that
    /// reached the server just before a kill) has done its job: the server
    /// keeps the values now, so the draft and its form go.
    fn drop_draft_the_server_holds(&mut self, fx: &mut Vec<Effect>) {
        let Some(ext) = self.external_userid.as_ref().map(|e| e.as_str().to_owned()) else {
            return;
        };
        let pending = self.outbox.entries.iter().any(|e| e.external_userid == ext);
        let redundant = self.drafts.contains_key(&ext)
            && !pending
            && self.edit_form().is_some_and(|f| !f.is_dirty());
        if redundant {
            self.form = None;
            self.form_message = None;
            self.drop_draft(fx);
        }
    }

    pub(crate) fn on_corp_tags_body(&mut self, body: &str, fx: &mut Vec<Effect>) {
        match tags::parse_corp_tag_list(body) {
            Ok(list) => {
                self.corp_tags = Some(list);
                self.corp_tags_body = Some(body.to_owned());
            }
            Err(e) => self.log(fx, "warn", &format!("corp tags unavailable: {}", e.code())),
        }
    }

    /// My own follow record, with saved and pending values laid over it.
    pub(crate) fn my_follow(&self) -> Option<(FollowUser, crate::wecom::customer::CustomerKind)> {
        let c = self.customer.as_ref()?;
        let me = &self.session.as_ref()?.userid;
        let mut fu = c.follow_users.iter().find(|f| &f.userid == me)?.clone();
        let overlay = self
            .external_userid
            .as_ref()
            .and_then(|id| self.outbox.pending_values(id.as_str()))
            .or(self.applied.as_ref());
        if let Some(v) = overlay {
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
    pub(crate) fn shown_customer(&self) -> Option<Customer> {
        let mut c = self.customer.clone()?;
        if let Some((fu, _)) = self.my_follow() {
            if let Some(slot) = c.follow_users.iter_mut().find(|f| f.userid == fu.userid) {
                *slot = fu;
            }
        }
        Some(c)
    }

    /// The edit form over the current values.
    pub(crate) fn edit_form(&self) -> Option<EditForm> {
        let values = self.form.as_ref()?;
        let (fu, kind) = self.my_follow()?;
        let mut form = EditForm::from_follow_user(&fu, kind);
        form.values = values.clone();
        Some(form)
    }

    fn write_draft(&mut self, fx: &mut Vec<Effect>) {
        let (Some(id), Some(values)) = (self.external_userid.clone(), self.form.clone()) else {
            return;
        };
        self.put_draft(id.as_str(), values, Vec::new(), fx);
    }

    fn put_draft(
        &mut self,
        ext: &str,
        values: FormValues,
        then: Vec<AfterWrite>,
        fx: &mut Vec<Effect>,
    ) {
        let draft = Draft::new(ext, self.now, values);
        let json = draft.to_json();
        self.drafts.insert(ext.to_owned(), draft);
        self.store_then(fx, &draft_key(ext), json, then);
    }

    fn drop_draft(&mut self, fx: &mut Vec<Effect>) {
        if let Some(id) = &self.external_userid {
            if self.drafts.remove(id.as_str()).is_some() {
                fx.push(Effect::StorageRemove {
                    key: draft_key(id.as_str()),
                });
            }
        }
    }

    pub(crate) fn on_input(
        &mut self,
        field: &str,
        value: String,
        index: Option<u32>,
        fx: &mut Vec<Effect>,
    ) {
        if let Some(name) = field.strip_prefix("composer.") {
            self.on_compose_input(name, value, fx);
            return;
        }
        let Some(values) = self.form.as_mut() else {
            self.log(fx, "warn", "input while no form is open ignored");
            return;
        };
        // Cap what one keystroke can carry; the validators report the limits.
        let value: String = value.chars().take(2000).collect();
        match (field, index) {
            ("remark", _) => values.remark = value,
            ("description", _) => values.description = value,
            ("remarkCompany", _) => values.remark_company = value,
            ("mobile", Some(i)) => match values.mobiles.get_mut(i as usize) {
                Some(slot) => *slot = value,
                None => {
                    self.log(fx, "warn", &format!("mobile index {i} out of range"));
                    return;
                }
            },
            _ => {
                self.log(fx, "warn", &format!("unknown field {field:?}"));
                return;
            }
        }
        self.form_message = None;
        self.write_draft(fx);
    }

    /// The card's actions; any other is handed back.
    pub(crate) fn on_card_tap(&mut self, action: Action, fx: &mut Vec<Effect>) -> Option<Action> {
        match action {
            Action::Edit => {
                if self.form.is_none() {
                    if let Some((fu, kind)) = self.my_follow() {
                        self.form = Some(EditForm::from_follow_user(&fu, kind).values);
                        self.form_message = None;
                    }
                }
            }
            Action::CancelEdit => {
                self.form = None;
                self.form_message = None;
                self.drop_draft(fx);
            }
            Action::AddMobile => {
                if let Some(mut form) = self.edit_form() {
                    match form.add_mobile() {
                        Ok(_) => {
                            self.form = Some(form.values);
                            self.write_draft(fx);
                        }
                        Err(e) => self.form_message = Some(e.message()),
                    }
                }
            }
            Action::RemoveMobile(i) => {
                if let Some(mut form) = self.edit_form() {
                    match form.remove_mobile(i) {
                        Ok(()) => {
                            self.form = Some(form.values);
                            self.write_draft(fx);
                        }
                        Err(e) => self.form_message = Some(e.message()),
                    }
                }
            }
            Action::Save => self.save(fx),
            Action::TagPicker => self.tag_picker = !self.tag_picker,
            Action::AddTag(id) => self.edit_tag(true, id, fx),
            Action::RemoveTag(id) => self.edit_tag(false, id, fx),
            Action::Refresh => {
                if let Some(id) = self.external_userid.clone() {
                    self.fetch_customer(id, None, fx);
                }
            }
            other => return Some(other),
        }
        None
    }

    fn next_key(&mut self, ext: &ExternalUserId) -> String {
        self.seq = self.seq.wrapping_add(1);
        // Unique per install: the time of the edit plus a counter kept in the
        // snapshot and outbox. The backend stores keys it has applied.
        format!("{}-{}-{}", ext.as_str(), self.now.max(0.0) as u64, self.seq)
    }

    fn save(&mut self, fx: &mut Vec<Effect>) {
        let (Some(form), Some(ext), Some(session)) = (
            self.edit_form(),
            self.external_userid.clone(),
            self.session.clone(),
        ) else {
            return;
        };
        match form.to_remark_body(&session.userid, &ext) {
            Ok(body) => {
                let key = self.next_key(&ext);
                self.outbox.push(OutboxEntry {
                    key,
                    external_userid: ext.as_str().to_owned(),
                    kind: OutboxKind::Remark,
                    body,
                    values: Some(form.values.clone()),
                    in_flight: false,
                    attempts: 0,
                    created_at: self.now,
                    parked: false,
                });
                self.form = None;
                self.form_message = None;
                // Write-ahead: the draft leaves storage only once the outbox
                // that now holds the edit is acknowledged.
                self.drafts.remove(ext.as_str());
                let then = vec![AfterWrite::Release {
                    key: draft_key(ext.as_str()),
                }];
                self.persist_outbox_then(fx, then);
                self.flush_outbox(fx);
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

    fn edit_tag(&mut self, add: bool, id: TagId, fx: &mut Vec<Effect>) {
        let (Some(ext), Some(session)) = (self.external_userid.clone(), self.session.clone())
        else {
            return;
        };
        let current = self.my_follow().map(|(fu, _)| fu.tags).unwrap_or_default();
        let mut edit = TagEdit::new();
        let result = if add {
            match self.corp_tags.as_ref() {
                Some(corp) => edit.add(id, &current, corp),
                None => {
                    self.banner = Some(Localized::new(
                        "企业标签尚未加载",
                        "Corp tags are not loaded yet",
                    ));
                    return;
                }
            }
        } else {
            edit.remove(id, &current);
            Ok(())
        };
        if let Err(e) = result {
            self.banner = Some(e.message());
            return;
        }
        if let Some(body) = edit.to_mark_tag_body(&session.userid, &ext) {
            let key = self.next_key(&ext);
            self.outbox.push(OutboxEntry {
                key,
                external_userid: ext.as_str().to_owned(),
                kind: OutboxKind::Tags,
                body,
                values: None,
                in_flight: false,
                attempts: 0,
                created_at: self.now,
                parked: false,
            });
            self.persist_outbox(fx);
            self.flush_outbox(fx);
        }
    }

    pub(crate) fn persist_outbox(&mut self, fx: &mut Vec<Effect>) {
        self.persist_outbox_then(fx, Vec::new());
    }

    fn persist_outbox_then(&mut self, fx: &mut Vec<Effect>, then: Vec<AfterWrite>) {
        if self.outbox.is_empty() {
            fx.push(Effect::StorageRemove {
                key: OUTBOX_KEY.to_owned(),
            });
            for step in then {
                self.after_write(step, fx);
            }
        } else {
            let json = self.outbox.to_json();
            self.store_then(fx, OUTBOX_KEY, json, then);
        }
    }

    /// Sends what may be sent: one request per customer at a time.
    pub(crate) fn flush_outbox(&mut self, fx: &mut Vec<Effect>) {
        if self.session.is_none() {
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
                fx,
                "POST",
                &path,
                body,
                Some(("Idempotency-Key", &key)),
                Pending::Save { key: key.clone() },
            );
        }
    }

    pub(crate) fn save_failed_offline(&mut self, key: &str) {
        if let Some(e) = self.outbox.get_mut(key) {
            e.in_flight = false;
            e.attempts = e.attempts.saturating_add(1);
        }
    }

    pub(crate) fn on_save_result(
        &mut self,
        key: &str,
        status: u16,
        body: &str,
        fx: &mut Vec<Effect>,
    ) {
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
            let id = self.next_id();
            self.pending.insert(id, Pending::OutboxRetry);
            fx.push(Effect::Timer {
                id,
                after_ms: delay,
            });
            self.banner = Some(if status == 0 {
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
            });
            return;
        }
        let errcode = errcode.unwrap_or(-1);
        if errcode != 0 || status >= 300 {
            self.on_save_refused(key, errcode, &parsed, fx);
            self.flush_outbox(fx);
            return;
        }
        let Some(entry) = self.outbox.remove(key) else {
            return;
        };
        {
            if entry.kind == OutboxKind::Remark {
                self.applied = entry.values.clone();
            } else {
                self.apply_tags(&entry.body);
            }
            if self
                .outbox
                .entries
                .iter()
                .all(|e| e.external_userid != entry.external_userid)
            {
                self.banner = Some(Localized::new("已保存", "Saved"));
            }
        }
        self.persist_outbox(fx);
        self.flush_outbox(fx);
    }

    /// Rejected: the card rolls back; the user's text goes back into the form
    /// with the reason, so nothing is lost silently. Write-ahead: the refused
    /// entry stays in the stored outbox (parked, never sent) until its values
    /// are acknowledged in a draft.
    fn on_save_refused(&mut self, key: &str, errcode: i64, parsed: &Value, fx: &mut Vec<Effect>) {
        let Some(entry) = self.outbox.get_mut(key) else {
            return;
        };
        entry.in_flight = false;
        let entry = entry.clone();
        let errmsg: String = parsed
            .get("errmsg")
            .and_then(Value::as_str)
            .unwrap_or("")
            .chars()
            .take(120)
            .collect();
        let fields = changed_field_names(&entry.body);
        let reason = crate::wecom::errcodes::message(errcode, &errmsg);
        let why = Localized::new(
            format!("服务器拒绝保存{fields}：{}，已恢复原值", reason.zh),
            format!(
                "The server refused to save {fields}: {}; the old value is back",
                reason.en
            ),
        );
        let ext = entry.external_userid.clone();
        let current = self.external_userid.as_ref().map(|e| e.as_str()) == Some(ext.as_str());
        match entry.values.clone() {
            // The member is already editing this customer again: that newer
            // draft is what they want; the refused values go.
            Some(_) if self.drafts.contains_key(&ext) => {
                self.outbox.remove(key);
                self.persist_outbox(fx);
            }
            Some(values) if entry.kind == OutboxKind::Remark => {
                if let Some(e) = self.outbox.get_mut(key) {
                    e.parked = true;
                }
                if current {
                    self.form = Some(values.clone());
                }
                self.put_draft(
                    &ext,
                    values,
                    vec![AfterWrite::DropParked {
                        key: key.to_owned(),
                    }],
                    fx,
                );
            }
            _ => {
                self.outbox.remove(key);
                self.persist_outbox(fx);
            }
        }
        self.form_message = Some(why.clone());
        self.banner = Some(why);
    }

    /// A confirmed mark_tag: kept in the model (so a restore shows it too)
    /// and laid over the cached customer.
    fn apply_tags(&mut self, body: &Value) {
        self.confirmed_tags.push(body.clone());
        self.lay_tags_over(body);
    }

    fn lay_tags_over(&mut self, body: &Value) {
        let me = self.session.as_ref().map(|s| s.userid.clone());
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

    /// Storage is full: drop the oldest drafts of other customers and write
    /// again; tell the user either way.
    pub(crate) fn on_storage_full(
        &mut self,
        key: &str,
        err: &str,
        then: Vec<AfterWrite>,
        fx: &mut Vec<Effect>,
    ) {
        self.log(fx, "warn", &format!("storage write of {key} failed: {err}"));
        let current = self.external_userid.as_ref().map(|e| e.as_str().to_owned());
        let mut others: Vec<(String, f64)> = self
            .drafts
            .iter()
            .filter(|(ext, _)| Some(ext.as_str()) != current.as_deref())
            .filter(|(ext, _)| key != draft_key(ext))
            .map(|(ext, d)| (ext.clone(), d.saved_at))
            .collect();
        others.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal));
        let rewritable = key == OUTBOX_KEY
            || key
                .strip_prefix(DRAFT_PREFIX)
                .is_some_and(|ext| self.drafts.contains_key(ext))
            || key
                .strip_prefix(crate::chat::draft::COMPOSE_PREFIX)
                .is_some_and(|ctx| self.compose_drafts.contains_key(ctx));
        let Some((oldest, _)) = others.first().cloned().filter(|_| rewritable) else {
            self.storage_note = Some(Localized::new(
                "存储空间已满：当前修改只保存在内存中，请尽快保存",
                "Storage is full: your edit is kept in memory only; save it soon",
            ));
            self.write_failed(then, fx);
            return;
        };
        self.drafts.remove(&oldest);
        fx.push(Effect::StorageRemove {
            key: draft_key(&oldest),
        });
        self.storage_note = Some(Localized::new(
            "存储空间不足，已删除最早的一份草稿",
            "Storage was full, so the oldest draft was removed",
        ));
        // Write again what failed, with what waits on it.
        if key == OUTBOX_KEY {
            self.persist_outbox_then(fx, then);
        } else if let Some(d) = key
            .strip_prefix(DRAFT_PREFIX)
            .and_then(|ext| self.drafts.get(ext))
        {
            let json = d.to_json();
            self.store_then(fx, key, json, then);
        } else if let Some(d) = key
            .strip_prefix(crate::chat::draft::COMPOSE_PREFIX)
            .and_then(|ctx| self.compose_drafts.get(ctx))
        {
            let json = d.to_json();
            self.store_then(fx, key, json, then);
        }
    }
}

fn changed_field_names(body: &Value) -> String {
    let names: Vec<&str> = [
        ("remark", "remark"),
        ("description", "description"),
        ("remark_company", "company"),
        ("remark_mobiles", "mobiles"),
        ("add_tag", "tags"),
    ]
    .iter()
    .filter(|(k, _)| body.get(*k).is_some())
    .map(|(_, n)| *n)
    .collect();
    names.join(", ")
}
