//! The launch flow and the actions after it, as methods on the model.
//!
//! checkSession → (login → POST /api/session) → qy.getSystemInfo →
//! getContext → route by entry. Network failures retry with backoff, and
//! retry at once when the network returns or the app is shown. A 401 from
//! the backend logs in again. Each wx.qy failure becomes a typed outcome with
//! a message and guidance; nothing ends on a blank page.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::app::action::Action;
use crate::app::{Model, Notice, Route};
use crate::protocol::effect::{Effect, EffectId};
use crate::protocol::session::{self, paths, SessionError, SESSION_KEY};
use crate::support::locale::Localized;
use crate::wecom::capabilities::{self, Api, Unavailable};
use crate::wecom::entry::Entry;
use crate::wecom::environment::Version;
use crate::wecom::ids::{ExternalUserId, GroupChatId};
use crate::wecom::outcome::Outcome;

/// Where the launch flow is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    #[default]
    Idle,
    CheckingSession,
    LoggingIn,
    Exchanging,
    ReadingClient,
    ReadingContext,
    Identifying,
    Fetching,
    Ready,
    Blocked,
}

/// What an outstanding effect id is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Pending {
    CheckSession,
    Login,
    SessionExchange,
    QySystemInfo,
    GetContext,
    GetCurExternalContact,
    GetCurExternalChat,
    FetchGroup,
    FetchCustomer {
        cursor: Option<String>,
    },
    FetchCorpTags,
    SelectContact,
    OpenProfile,
    OpenChat,
    Send,
    Save {
        key: String,
    },
    StorageWrite {
        key: String,
        /// What waits for this write to be acknowledged (write-ahead).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        then: Vec<AfterWrite>,
    },
    Retry {
        step: Step,
    },
    OutboxRetry,
}

/// What may happen only once a storage write is acknowledged. Data moves
/// between keys write-ahead: the new copy is written first, and the old one
/// is removed only when that write is acknowledged, so a kill at any instant
/// leaves at least one copy in storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AfterWrite {
    /// The key's content now lives elsewhere: remove it, unless the model
    /// holds content for that key again by now (then it is rewritten).
    Release { key: String },
    /// A refused save whose values are now in a draft: drop it.
    DropParked { key: String },
    /// Send into the chat, now that what is being sent is in storage.
    Send { args: Value },
}

impl Pending {
    /// The wx.qy API this pending call asked, if it is one: a result is read
    /// by the API that was asked, never by the name the shell echoes.
    pub fn qy_api(&self) -> Option<Api> {
        Some(match self {
            Pending::CheckSession => Api::CheckSession,
            Pending::Login => Api::Login,
            Pending::QySystemInfo => Api::GetSystemInfo,
            Pending::GetContext => Api::GetContext,
            Pending::GetCurExternalContact => Api::GetCurExternalContact,
            Pending::GetCurExternalChat => Api::GetCurExternalChat,
            Pending::SelectContact => Api::SelectExternalContact,
            Pending::OpenProfile => Api::OpenUserProfile,
            Pending::OpenChat => Api::OpenEnterpriseChat,
            Pending::Send => Api::SendChatMessage,
            _ => return None,
        })
    }
}

fn err_msg(result: &Value) -> Option<&str> {
    result.get("errMsg").and_then(Value::as_str)
}

fn err_code(result: &Value) -> Option<i64> {
    match result.get("errCode") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Model {
    pub(crate) fn qy(
        &mut self,
        fx: &mut Vec<Effect>,
        api: Api,
        args: Value,
        pending: Pending,
    ) -> EffectId {
        let id = self.next_id();
        self.pending.insert(id, pending);
        fx.push(Effect::Qy { id, api, args });
        id
    }

    pub(crate) fn http(
        &mut self,
        fx: &mut Vec<Effect>,
        method: &str,
        path: &str,
        body: Value,
        extra_headers: Option<(&str, &str)>,
        pending: Pending,
    ) -> EffectId {
        let id = self.next_id();
        let base = self
            .config
            .as_ref()
            .map(|c| c.base().to_owned())
            .unwrap_or_default();
        let mut headers = json!({ "Content-Type": "application/json" });
        if let Some(s) = &self.session {
            headers["Authorization"] = Value::String(format!("Bearer {}", s.token));
        }
        if let Some((k, v)) = extra_headers {
            headers[k] = Value::String(v.to_owned());
        }
        self.pending.insert(id, pending);
        fx.push(Effect::Http {
            id,
            method: method.to_owned(),
            url: format!("{base}{path}"),
            headers,
            body,
        });
        id
    }

    pub(crate) fn store(&mut self, fx: &mut Vec<Effect>, key: &str, value: String) {
        self.store_then(fx, key, value, Vec::new());
    }

    /// Writes one key; `then` runs when the write is acknowledged.
    pub(crate) fn store_then(
        &mut self,
        fx: &mut Vec<Effect>,
        key: &str,
        value: String,
        then: Vec<AfterWrite>,
    ) {
        let id = self.next_id();
        self.pending.insert(
            id,
            Pending::StorageWrite {
                key: key.to_owned(),
                then,
            },
        );
        fx.push(Effect::StorageSet {
            id,
            key: key.to_owned(),
            value,
        });
    }

    fn block(&mut self, notice: Notice) {
        self.step = Step::Blocked;
        self.route = Route::Notice;
        self.notice = Some(notice);
        self.banner = None;
    }

    pub(crate) fn block_unavailable(&mut self, u: &Unavailable) {
        let title = match u {
            Unavailable::NotInWecom => Localized::new("请在企业微信中打开", "Open this in WeCom"),
            Unavailable::Devtools => Localized::new("请在手机上打开", "Open this on your phone"),
            Unavailable::ClientTooOld { .. } => Localized::new("请升级企业微信", "Update WeCom"),
            _ => Localized::new("此处无法使用", "Not available here"),
        };
        self.block(Notice {
            code: u.code().to_owned(),
            title,
            message: u.message(),
            guidance: None,
            can_retry: false,
        });
    }

    pub(crate) fn block_outcome(&mut self, outcome: &Outcome) {
        self.block(Notice {
            code: outcome.code().to_owned(),
            title: Localized::new("无法继续", "Can't continue"),
            message: outcome.message(),
            guidance: Some(outcome.guidance()),
            can_retry: outcome.is_retryable(),
        });
    }

    /// Checks an API against the capability table and the functions the
    /// shell found; blocks with the reason when it cannot run here.
    fn can_call(&mut self, api: Api) -> bool {
        let env = self.env();
        let entry = self.entry.as_deref().map(Entry::parse);
        if let Err(u) = capabilities::check(api, &env, entry.as_ref()) {
            self.block_unavailable(&u);
            return false;
        }
        if !self.has_qy_api(api.name()) {
            let required = capabilities::capability(api)
                .since
                .unwrap_or(Version::new(3, 0, 24));
            self.block_unavailable(&Unavailable::ClientTooOld {
                required,
                current: env.client_version,
            });
            return false;
        }
        true
    }

    pub(crate) fn start_flow(&mut self, fx: &mut Vec<Effect>) {
        self.notice = None;
        self.banner = None;
        self.route = Route::Loading;
        if !self.env().is_wecom() {
            self.block_unavailable(&Unavailable::NotInWecom);
            return;
        }
        if self.session.is_some() && self.has_qy_api("checkSession") {
            self.step = Step::CheckingSession;
            self.qy(fx, Api::CheckSession, json!({}), Pending::CheckSession);
        } else {
            self.login(fx);
        }
    }

    fn login(&mut self, fx: &mut Vec<Effect>) {
        if !self.can_call(Api::Login) {
            return;
        }
        self.step = Step::LoggingIn;
        self.qy(fx, Api::Login, json!({ "timeout": 10000 }), Pending::Login);
    }

    /// A 401 from the backend: the token expired. Forget it and log in again.
    fn relogin(&mut self, fx: &mut Vec<Effect>) {
        let logging_in = self
            .pending
            .values()
            .any(|p| matches!(p, Pending::Login | Pending::SessionExchange));
        if logging_in {
            // Several requests got 401 at once: one login serves them all.
            return;
        }
        self.session = None;
        fx.push(Effect::StorageRemove {
            key: SESSION_KEY.to_owned(),
        });
        self.log(fx, "info", "session token expired; logging in again");
        self.login(fx);
    }

    fn after_session(&mut self, fx: &mut Vec<Effect>) {
        self.retry_attempt = 0;
        let known = self
            .launch
            .as_ref()
            .is_some_and(|l| l.wecom_version.is_some());
        if !known && self.has_qy_api("getSystemInfo") {
            self.step = Step::ReadingClient;
            self.qy(fx, Api::GetSystemInfo, json!({}), Pending::QySystemInfo);
        } else {
            self.read_context(fx);
        }
    }

    fn read_context(&mut self, fx: &mut Vec<Effect>) {
        if let Some(entry) = self.entry.clone() {
            // Already known (a re-login mid-session): carry on from the route.
            self.route_entry(&entry, fx);
            return;
        }
        if !self.can_call(Api::GetContext) {
            return;
        }
        self.step = Step::ReadingContext;
        self.qy(fx, Api::GetContext, json!({}), Pending::GetContext);
    }

    fn route_entry(&mut self, raw: &str, fx: &mut Vec<Effect>) {
        self.entry = Some(raw.to_owned());
        match Entry::parse(raw) {
            Entry::ContactProfile | Entry::SingleChatTools | Entry::ChainSingleChatTools => {
                if let Some(id) = self.external_userid.clone() {
                    self.open_card(id, fx);
                } else if self.can_call(Api::GetCurExternalContact) {
                    self.step = Step::Identifying;
                    self.qy(
                        fx,
                        Api::GetCurExternalContact,
                        json!({}),
                        Pending::GetCurExternalContact,
                    );
                }
            }
            Entry::GroupChatTools | Entry::ChainGroupChatTools => {
                if let Some(id) = self.chat_id.clone() {
                    self.open_group(id, fx);
                } else if self.can_call(Api::GetCurExternalChat) {
                    self.step = Step::Identifying;
                    self.qy(
                        fx,
                        Api::GetCurExternalChat,
                        json!({}),
                        Pending::GetCurExternalChat,
                    );
                }
            }
            Entry::ChatAttachment => {
                self.step = Step::Ready;
                self.route = Route::Compose;
                self.load_compose_draft();
            }
            Entry::Normal => {
                self.step = Step::Ready;
                self.route = Route::Home;
            }
            other => {
                // A newer or unhandled entry degrades to home, and says so.
                self.step = Step::Ready;
                self.route = Route::Home;
                self.banner = Some(Localized::new(
                    format!(
                        "从「{}」打开，此版本未适配该入口，已显示首页",
                        other.as_str()
                    ),
                    format!(
                        "Opened from \"{}\", which this version does not handle; showing home",
                        other.as_str()
                    ),
                ));
            }
        }
    }

    pub(crate) fn open_group(&mut self, id: GroupChatId, fx: &mut Vec<Effect>) {
        self.chat_id = Some(id.clone());
        self.load_compose_draft();
        self.route = Route::Group;
        self.step = Step::Fetching;
        self.http(
            fx,
            "GET",
            &paths::group_chat(id.as_str()),
            Value::Null,
            None,
            Pending::FetchGroup,
        );
    }

    pub(crate) fn on_qy_result(
        &mut self,
        id: EffectId,
        api: &str,
        result: &Value,
        fx: &mut Vec<Effect>,
    ) {
        let Some(pending) = self.pending.remove(&id) else {
            self.log(
                fx,
                "warn",
                &format!("result for unknown request {id} ({api}) ignored"),
            );
            return;
        };
        let Some(asked) = pending.qy_api() else {
            self.log(
                fx,
                "warn",
                &format!("a wx.qy result ({api}) answered {pending:?}; ignored"),
            );
            return;
        };
        let outcome = Outcome::parse(asked.name(), err_msg(result), err_code(result));
        match pending {
            Pending::CheckSession => {
                if outcome.is_ok() && self.session.is_some() {
                    self.after_session(fx);
                } else {
                    self.login(fx);
                }
            }
            Pending::Login => match result.get("code").and_then(Value::as_str) {
                Some(code) if outcome.is_ok() && !code.is_empty() => {
                    self.step = Step::Exchanging;
                    let body = json!({ "code": code });
                    self.http(
                        fx,
                        "POST",
                        paths::SESSION,
                        body,
                        None,
                        Pending::SessionExchange,
                    );
                }
                _ if outcome.is_ok() => self.block(Notice {
                    code: "login_no_code".into(),
                    title: Localized::new("登录失败", "Login failed"),
                    message: Localized::new(
                        "企业微信没有返回登录凭证",
                        "WeCom returned no login code",
                    ),
                    guidance: None,
                    can_retry: true,
                }),
                _ => self.block_outcome(&outcome),
            },
            Pending::QySystemInfo => {
                if outcome.is_ok() {
                    let version = result
                        .get("version")
                        .and_then(Value::as_str)
                        .map(|v| v.chars().take(32).collect());
                    if let Some(launch) = self.launch.as_mut() {
                        launch.wecom_version = version;
                    }
                }
                self.read_context(fx);
            }
            Pending::GetContext => {
                if outcome.is_ok() {
                    let entry = result
                        .get("entry")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    self.route_entry(&entry, fx);
                } else {
                    self.block_outcome(&outcome);
                }
            }
            Pending::GetCurExternalContact => {
                if !outcome.is_ok() {
                    self.block_outcome(&outcome);
                    return;
                }
                let raw = result.get("userId").and_then(Value::as_str).unwrap_or("");
                match ExternalUserId::parse(raw) {
                    Ok(id) => self.open_card(id, fx),
                    Err(e) => self.block(Notice {
                        code: e.code().to_owned(),
                        title: Localized::new("无法识别客户", "Cannot identify the customer"),
                        message: Localized::new(
                            format!("企业微信返回的客户 ID 无效：{e}"),
                            format!("WeCom returned an invalid customer id: {e}"),
                        ),
                        guidance: None,
                        can_retry: true,
                    }),
                }
            }
            Pending::GetCurExternalChat => {
                if !outcome.is_ok() {
                    self.block_outcome(&outcome);
                    return;
                }
                let raw = result.get("chatId").and_then(Value::as_str).unwrap_or("");
                match GroupChatId::parse(raw) {
                    Ok(id) => self.open_group(id, fx),
                    Err(e) => self.block(Notice {
                        code: e.code().to_owned(),
                        title: Localized::new("无法识别群聊", "Cannot identify the group chat"),
                        message: Localized::new(
                            format!("企业微信返回的群聊 ID 无效：{e}"),
                            format!("WeCom returned an invalid group chat id: {e}"),
                        ),
                        guidance: None,
                        can_retry: true,
                    }),
                }
            }
            Pending::SelectContact => self.on_selected(&outcome, result, fx),
            Pending::Send => self.on_sent(result, fx),
            Pending::OpenProfile | Pending::OpenChat => {
                if !outcome.is_ok() && outcome != Outcome::Cancelled {
                    self.banner = Some(outcome.message());
                }
            }
            other => self.log(fx, "warn", &format!("unexpected qy result for {other:?}")),
        }
    }

    pub(crate) fn on_http_result(
        &mut self,
        id: EffectId,
        status: u16,
        body: &str,
        err: &str,
        fx: &mut Vec<Effect>,
    ) {
        let Some(pending) = self.pending.remove(&id) else {
            self.log(
                fx,
                "warn",
                &format!("response for unknown request {id} ignored"),
            );
            return;
        };
        if status == 401 && pending != Pending::SessionExchange {
            if let Pending::Save { key } = &pending {
                self.save_failed_offline(key);
            }
            self.relogin(fx);
            return;
        }
        let offline = status == 0 || status >= 500;
        if offline {
            self.log(
                fx,
                "warn",
                &format!("backend unreachable (status {status}): {err}"),
            );
        }
        match pending {
            Pending::SessionExchange => {
                if offline {
                    self.schedule_retry(Step::LoggingIn, status, fx);
                    return;
                }
                match session::parse_session(body) {
                    Ok(s) => {
                        let stored = serde_json::to_string(&s).unwrap_or_default();
                        self.session = Some(s);
                        self.banner = None;
                        self.store(fx, SESSION_KEY, stored);
                        self.after_session(fx);
                    }
                    Err(e) => {
                        let (code, detail) = match e {
                            SessionError::Rejected { errcode, errmsg } => {
                                (format!("login_rejected_{errcode}"), errmsg)
                            }
                            SessionError::BadJson => {
                                ("login_bad_answer".to_owned(), "not JSON".to_owned())
                            }
                            SessionError::MissingField(f) => {
                                ("login_bad_answer".to_owned(), format!("missing {f}"))
                            }
                            SessionError::BadId(m) => ("login_bad_answer".to_owned(), m),
                        };
                        self.block(Notice {
                            code,
                            title: Localized::new("登录失败", "Login failed"),
                            message: Localized::new(
                                format!("服务器拒绝了登录：{detail}"),
                                format!("The server refused the login: {detail}"),
                            ),
                            guidance: Some(Localized::new(
                                "请稍后重试；如持续失败请联系管理员",
                                "Try again later; if it keeps failing, contact your admin",
                            )),
                            can_retry: true,
                        });
                    }
                }
            }
            Pending::FetchGroup => {
                if offline {
                    self.schedule_retry(Step::Fetching, status, fx);
                    return;
                }
                self.on_group_body(body);
            }
            Pending::FetchCustomer { cursor } => {
                if offline {
                    self.schedule_retry(Step::Fetching, status, fx);
                    return;
                }
                self.on_customer_body(body, cursor, fx);
            }
            Pending::FetchCorpTags => {
                if !offline {
                    self.on_corp_tags_body(body, fx);
                }
            }
            Pending::Save { key } => self.on_save_result(&key, status, body, fx),
            other => self.log(fx, "warn", &format!("unexpected http result for {other:?}")),
        }
    }

    /// Retries with backoff. Status 0 means the request never reached the
    /// server (offline); a 5xx means the server answered but is busy or
    /// failing: the member is told which.
    fn schedule_retry(&mut self, step: Step, status: u16, fx: &mut Vec<Effect>) {
        self.retry_attempt = self.retry_attempt.saturating_add(1);
        let delay = session::backoff_ms(self.retry_attempt);
        let id = self.next_id();
        self.pending.insert(id, Pending::Retry { step });
        self.retry_timer = Some(id);
        let secs = delay / 1000;
        let attempt = self.retry_attempt;
        self.banner = Some(if status == 0 {
            Localized::new(
                format!("网络不可用，{secs} 秒后重试（第 {attempt} 次）"),
                format!("Cannot reach the server; retrying in {secs}s (attempt {attempt})"),
            )
        } else {
            Localized::new(
                format!("服务暂时繁忙（{status}），{secs} 秒后重试（第 {attempt} 次）"),
                format!("The service is busy ({status}); retrying in {secs}s (attempt {attempt})"),
            )
        });
        fx.push(Effect::Timer {
            id,
            after_ms: delay,
        });
    }

    pub(crate) fn on_timer(&mut self, id: EffectId, fx: &mut Vec<Effect>) {
        match self.pending.remove(&id) {
            Some(Pending::Retry { step }) if self.retry_timer == Some(id) => {
                self.retry_timer = None;
                self.run_step(step, fx);
            }
            Some(Pending::OutboxRetry) => {}
            Some(_) | None => {}
        }
        self.flush_outbox(fx);
    }

    /// Network back or app shown: retry now instead of waiting for the timer.
    pub(crate) fn retry_now(&mut self, fx: &mut Vec<Effect>) {
        if let Some(id) = self.retry_timer.take() {
            if let Some(Pending::Retry { step }) = self.pending.remove(&id) {
                self.run_step(step, fx);
            }
        }
        self.flush_outbox(fx);
    }

    pub(crate) fn on_online(&mut self, fx: &mut Vec<Effect>) {
        self.retry_now(fx);
    }

    pub(crate) fn on_show(&mut self, fx: &mut Vec<Effect>) {
        self.retry_now(fx);
    }

    fn run_step(&mut self, step: Step, fx: &mut Vec<Effect>) {
        match step {
            Step::Fetching => {
                if let Some(id) = self.external_userid.clone() {
                    self.fetch_customer(id, None, fx);
                } else if let Some(id) = self.chat_id.clone() {
                    self.open_group(id, fx);
                }
            }
            _ => self.login(fx),
        }
    }

    pub(crate) fn on_storage_result(
        &mut self,
        id: EffectId,
        ok: bool,
        err: &str,
        fx: &mut Vec<Effect>,
    ) {
        let Some(Pending::StorageWrite { key, then }) = self.pending.remove(&id) else {
            return;
        };
        if ok {
            for step in then {
                self.after_write(step, fx);
            }
        } else {
            self.on_storage_full(&key, err, then, fx);
        }
    }

    /// Runs what waited for a write that landed.
    pub(crate) fn after_write(&mut self, step: AfterWrite, fx: &mut Vec<Effect>) {
        match step {
            AfterWrite::Release { key } => self.release(&key, fx),
            AfterWrite::DropParked { key } => {
                if self.outbox.remove(&key).is_some() {
                    self.persist_outbox(fx);
                }
            }
            AfterWrite::Send { args } => self.send_now(args, fx),
        }
    }

    /// A write that waited on another failed for good: the old copy stays,
    /// and only a send goes ahead (the member asked for it).
    pub(crate) fn write_failed(&mut self, then: Vec<AfterWrite>, fx: &mut Vec<Effect>) {
        for step in then {
            if let AfterWrite::Send { args } = step {
                self.log(fx, "warn", "sending although the message is not in storage");
                self.send_now(args, fx);
            }
        }
    }

    pub(crate) fn on_tap(&mut self, action: Action, fx: &mut Vec<Effect>) {
        match action {
            Action::Retry => {
                self.retry_attempt = 0;
                self.retry_timer = None;
                self.start_flow(fx);
            }
            Action::DismissBanner => {
                if self.banner.take().is_none() {
                    self.storage_note = None;
                }
            }
            Action::PickCustomer => {
                if self.can_act(Api::SelectExternalContact) {
                    self.qy(
                        fx,
                        Api::SelectExternalContact,
                        json!({ "filterType": 0 }),
                        Pending::SelectContact,
                    );
                }
            }
            Action::OpenProfile => {
                if let Some(id) = self.external_userid.clone() {
                    if self.can_act(Api::OpenUserProfile) {
                        let args = json!({ "type": 2, "userid": id.as_str() });
                        self.qy(fx, Api::OpenUserProfile, args, Pending::OpenProfile);
                    }
                }
            }
            Action::OpenChat => self.open_chat(fx),
            Action::Home => {
                self.route = Route::Home;
            }
            Action::Compose => {
                self.route = Route::Compose;
            }
            Action::Card => {
                if self.external_userid.is_some() {
                    self.route = Route::Card;
                }
            }
            other => {
                if let Some(other) = self.on_card_tap(other, fx) {
                    self.on_compose_tap(other, fx);
                }
            }
        }
    }

    /// Like `can_call`, but for actions on a working page: a refusal is a
    /// banner, not a blocking notice.
    pub(crate) fn can_act(&mut self, api: Api) -> bool {
        let env = self.env();
        let entry = self.entry.as_deref().map(Entry::parse);
        match capabilities::check(api, &env, entry.as_ref()) {
            Err(u) => {
                self.banner = Some(u.message());
                false
            }
            Ok(()) if !self.has_qy_api(api.name()) => {
                self.banner = Some(Localized::new(
                    "当前企业微信版本不支持此操作，请升级",
                    "This WeCom version cannot do this; please update",
                ));
                false
            }
            Ok(()) => true,
        }
    }

    fn on_selected(&mut self, outcome: &Outcome, result: &Value, fx: &mut Vec<Effect>) {
        if *outcome == Outcome::Cancelled {
            return;
        }
        if !outcome.is_ok() {
            self.banner = Some(outcome.message());
            return;
        }
        let picked = crate::wecom::enterprise_chat::parse_selected_contacts(result);
        for problem in &picked.problems {
            self.log(
                fx,
                "warn",
                &format!("selectExternalContact: {}", problem.code()),
            );
        }
        match picked.ids.into_iter().next() {
            Some(id) => self.open_card(id, fx),
            None => {
                self.banner = Some(Localized::new(
                    "没有选中有效的客户",
                    "No valid customer was picked",
                ))
            }
        }
    }

    fn open_chat(&mut self, fx: &mut Vec<Effect>) {
        let Some(ext) = self.external_userid.clone() else {
            return;
        };
        let me = self.session.as_ref().map(|s| s.userid.clone());
        match crate::wecom::enterprise_chat::new_chat_args(me.as_ref(), &[], &[ext], "") {
            Ok(args) => {
                if self.can_act(Api::OpenEnterpriseChat) {
                    self.qy(
                        fx,
                        Api::OpenEnterpriseChat,
                        args.to_json(),
                        Pending::OpenChat,
                    );
                }
            }
            Err(errors) => {
                if let Some(e) = errors.first() {
                    self.banner = Some(e.message());
                }
            }
        }
    }
}
