//! The launch slice: the session, the chat context and routing.
//!
//! checkSession → (login → POST /api/session) → qy.getSystemInfo →
//! getContext → route by entry. Network failures retry with backoff, and
//! retry at once when the network returns or the app is shown. A 401 from
//! the backend logs in again. Each wx.qy failure becomes a typed outcome with
//! a message and guidance; nothing ends on a blank page.
//!
//! Owns: what the shell reported at launch, the session, the entry, the
//! page (route, step, notice) and the retry timer.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::protocol::ctx::{Ask, Ctx, Host};
use crate::protocol::effect::EffectId;
use crate::protocol::page::{Notice, Route};
use crate::protocol::session::{self, paths, Session, SessionError, SESSION_KEY};
use crate::support::locale::Localized;
use crate::support::sorted_map::SortedMap;
use crate::wecom::capabilities::{Api, Unavailable};
use crate::wecom::entry::Entry;
use crate::wecom::environment::{Environment, SystemInfo};
use crate::wecom::ids::{ExternalUserId, GroupChatId, UserId};
use crate::wecom::outcome::Outcome;

pub mod labels;
pub mod view;

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
crate::support::stored::stored_enum!(Step { Idle = "idle", CheckingSession = "checkingSession", LoggingIn = "loggingIn", Exchanging = "exchanging", ReadingClient = "readingClient", ReadingContext = "readingContext", Identifying = "identifying", Fetching = "fetching", Ready = "ready", Blocked = "blocked" });

/// What the shell told us at launch; the environment is derived from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LaunchInfo {
    pub system_info: Value,
    pub has_qy: bool,
    pub qy_apis: Vec<String>,
    pub wecom_version: Option<String>,
}
crate::support::stored::stored_struct!(LaunchInfo {
    system_info: "systemInfo",
    has_qy: "hasQy",
    qy_apis: "qyApis",
    wecom_version: "wecomVersion"
});

/// What an outstanding effect id of this slice is for.
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
    /// The 上下游 contact of a `chain_single_chat_tools` page.
    GetCurCorpGroupContact,
    /// The 上下游 group chat of a `chain_group_chat_tools` page.
    GetCurCorpGroupChat,
    SelectContact,
    OpenProfile,
    OpenChat,
    /// The session written to storage.
    StoreSession,
    Retry {
        step: Step,
    },
}
crate::support::stored::stored_enum!(Pending { CheckSession = "checkSession", Login = "login", SessionExchange = "sessionExchange", QySystemInfo = "qySystemInfo", GetContext = "getContext", GetCurExternalContact = "getCurExternalContact", GetCurExternalChat = "getCurExternalChat", GetCurCorpGroupContact = "getCurCorpGroupContact", GetCurCorpGroupChat = "getCurCorpGroupChat", SelectContact = "selectContact", OpenProfile = "openProfile", OpenChat = "openChat", StoreSession = "storeSession", Retry = "retry" { step: "step" } });

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
            Pending::GetCurCorpGroupContact => Api::GetCurCorpGroupContact,
            Pending::GetCurCorpGroupChat => Api::GetCurCorpGroupChat,
            Pending::SelectContact => Api::SelectExternalContact,
            Pending::OpenProfile => Api::OpenUserProfile,
            Pending::OpenChat => Api::OpenEnterpriseChat,
            _ => return None,
        })
    }
}

/// The taps this slice answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Tap {
    Retry,
    PickCustomer,
    OpenProfile,
    OpenChat,
    Home,
    Compose,
    Card,
}

impl Tap {
    pub const NAMES: &'static [&'static str] = &[
        "retry",
        "pickCustomer",
        "openProfile",
        "openChat",
        "home",
        "compose",
        "card",
    ];

    /// `None`: not one of this slice's actions.
    pub fn parse(name: &str, _arg: &Value) -> Option<Result<Tap, String>> {
        Some(Ok(match name {
            "retry" => Tap::Retry,
            "pickCustomer" => Tap::PickCustomer,
            "openProfile" => Tap::OpenProfile,
            "openChat" => Tap::OpenChat,
            "home" => Tap::Home,
            "compose" => Tap::Compose,
            "card" => Tap::Card,
            _ => return None,
        }))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct State {
    pub launch: Option<LaunchInfo>,
    pub session: Option<Session>,
    pub entry: Option<String>,
    pub step: Step,
    pub route: Route,
    pub notice: Option<Notice>,
    pub retry_attempt: u32,
    pub retry_timer: Option<EffectId>,
    pub pending: SortedMap<EffectId, Pending>,
    /// `launch.system_info` as read, so that `env()` (every host the app
    /// builds, twice a keystroke) does not parse it again. Not state.
    #[serde(skip)]
    system: SystemMemo,
}
crate::support::stored::stored_struct!(State { launch: "launch", session: "session", entry: "entry", step: "step", route: "route", notice: "notice", retry_attempt: "retryAttempt", retry_timer: "retryTimer", pending: "pending"; skip: system });

/// A [`SystemInfo`] read once. Equal to any other: it is derived from the
/// state beside it, so it never makes two states differ.
#[derive(Debug, Clone, Default)]
struct SystemMemo(
    std::cell::OnceCell<SystemInfo>,
    /// The `wx.qy` functions, shared with every [`Host`] built from them.
    std::cell::OnceCell<std::rc::Rc<[String]>>,
);

impl PartialEq for SystemMemo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// An id WeCom documents no shape for (the 上下游互联群 chat id): 1–128
/// characters, no whitespace or control characters.
fn is_opaque_id(s: &str) -> bool {
    let n = s.chars().count();
    (1..=128).contains(&n) && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub(crate) fn err_msg(result: &Value) -> Option<&str> {
    result.get("errMsg").and_then(Value::as_str)
}

pub(crate) fn err_code(result: &Value) -> Option<i64> {
    match result.get("errCode") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

impl State {
    /// The environment, derived from what the shell reported.
    /// The `wx.qy` functions the shell found, shared, read once.
    pub fn qy_apis(&self) -> std::rc::Rc<[String]> {
        self.system
            .1
            .get_or_init(|| {
                self.launch
                    .as_ref()
                    .map(|l| l.qy_apis.as_slice().into())
                    .unwrap_or_else(|| Vec::new().into())
            })
            .clone()
    }

    pub fn env(&self) -> Environment {
        let info = self.launch.as_ref();
        let system = self.system.0.get_or_init(|| {
            info.map(|l| SystemInfo::from_value(&l.system_info))
                .unwrap_or_default()
        });
        Environment::detect(
            system,
            info.is_some_and(|l| l.has_qy),
            info.and_then(|l| l.wecom_version.as_deref()),
        )
    }

    /// The host as this slice knows it now (its own facts are fresher than
    /// the copy the app handed in at the start of the step).
    fn fresh(&self, host: &Host) -> Host {
        Host {
            session: self.session.clone(),
            env: self.env(),
            entry: self.entry.clone(),
            qy_apis: self.qy_apis(),
            has_qy: self.launch.as_ref().is_some_and(|l| l.has_qy),
            ..host.clone()
        }
    }

    fn qy(&mut self, ctx: &mut Ctx, api: Api, args: Value, pending: Pending) {
        let id = ctx.qy(api, args);
        self.pending.insert(id, pending);
    }

    fn block(&mut self, ctx: &mut Ctx, notice: Notice) {
        self.step = Step::Blocked;
        self.route = Route::Notice;
        self.notice = Some(notice);
        ctx.banner(None);
    }

    fn block_unavailable(&mut self, ctx: &mut Ctx, u: &Unavailable) {
        let title = match u {
            Unavailable::NotInWecom => Localized::new("请在企业微信中打开", "Open this in WeCom"),
            Unavailable::Devtools => Localized::new("请在手机上打开", "Open this on your phone"),
            Unavailable::ClientTooOld { .. } => Localized::new("请升级企业微信", "Update WeCom"),
            _ => Localized::new("此处无法使用", "Not available here"),
        };
        self.block(
            ctx,
            Notice {
                code: u.code().to_owned(),
                title,
                message: u.message(),
                guidance: None,
                can_retry: false,
            },
        );
    }

    fn block_outcome(&mut self, ctx: &mut Ctx, outcome: &Outcome) {
        self.block(
            ctx,
            Notice {
                code: outcome.code().to_owned(),
                title: Localized::new("无法继续", "Can't continue"),
                message: outcome.message(),
                guidance: Some(outcome.guidance()),
                can_retry: outcome.is_retryable(),
            },
        );
    }

    /// Checks an API against the capability table and the functions the
    /// shell found; blocks with the reason when it cannot run here.
    fn can_call(&mut self, ctx: &mut Ctx, api: Api) -> bool {
        match self.fresh(ctx.host).check_call(api) {
            Ok(()) => true,
            Err(u) => {
                self.block_unavailable(ctx, &u);
                false
            }
        }
    }

    /// For actions on a working page: a refusal is a banner.
    fn can_act(&self, ctx: &mut Ctx, api: Api) -> bool {
        match self.fresh(ctx.host).check_act(api) {
            Ok(()) => true,
            Err(line) => {
                ctx.banner(Some(line));
                false
            }
        }
    }

    /// The app started: `launch` is what the shell reported.
    pub fn on_launch(&mut self, launch: LaunchInfo) {
        self.launch = Some(launch);
        self.system = SystemMemo::default();
    }

    /// Reads the stored session; `Err` means the entry is damaged.
    pub fn restore_session(&mut self, raw: &str) -> Result<(), ()> {
        match crate::support::input::parse_value(raw).and_then(|v| {
            <Session as crate::support::stored::Stored>::read_stored(v)
                .map_err(crate::support::input::InputError::Json)
        }) {
            Ok(s) => {
                self.session = Some(s);
                Ok(())
            }
            Err(_) => Err(()),
        }
    }

    /// The session key's content was copied elsewhere: remove it unless a
    /// session is held again.
    pub fn release(&self, ctx: &mut Ctx, key: &str) {
        if self.session.is_none() {
            ctx.remove(key);
        }
    }

    pub fn start(&mut self, ctx: &mut Ctx) {
        self.notice = None;
        ctx.banner(None);
        self.route = Route::Loading;
        if !self.env().is_wecom() {
            self.block_unavailable(ctx, &Unavailable::NotInWecom);
            return;
        }
        if self.session.is_some() && self.fresh(ctx.host).has_qy_api("checkSession") {
            self.step = Step::CheckingSession;
            self.qy(ctx, Api::CheckSession, json!({}), Pending::CheckSession);
        } else {
            self.login(ctx);
        }
    }

    fn login(&mut self, ctx: &mut Ctx) {
        if !self.can_call(ctx, Api::Login) {
            return;
        }
        self.step = Step::LoggingIn;
        self.qy(ctx, Api::Login, json!({ "timeout": 10000 }), Pending::Login);
    }

    /// A 401 from the backend: the token expired. Forget it and log in again.
    pub fn relogin(&mut self, ctx: &mut Ctx) {
        let logging_in = self
            .pending
            .values()
            .any(|p| matches!(p, Pending::Login | Pending::SessionExchange));
        if logging_in {
            // Several requests got 401 at once: one login serves them all.
            return;
        }
        self.session = None;
        ctx.remove(SESSION_KEY);
        ctx.log("info", "session token expired; logging in again");
        self.login(ctx);
    }

    fn after_session(&mut self, ctx: &mut Ctx) {
        self.retry_attempt = 0;
        let known = self
            .launch
            .as_ref()
            .is_some_and(|l| l.wecom_version.is_some());
        if !known && self.fresh(ctx.host).has_qy_api("getSystemInfo") {
            self.step = Step::ReadingClient;
            self.qy(ctx, Api::GetSystemInfo, json!({}), Pending::QySystemInfo);
        } else {
            self.read_context(ctx);
        }
    }

    fn read_context(&mut self, ctx: &mut Ctx) {
        if let Some(entry) = self.entry.clone() {
            // Already known (a re-login mid-session): carry on from the route.
            self.route_entry(ctx, &entry);
            return;
        }
        if !self.can_call(ctx, Api::GetContext) {
            return;
        }
        self.step = Step::ReadingContext;
        self.qy(ctx, Api::GetContext, json!({}), Pending::GetContext);
    }

    fn route_entry(&mut self, ctx: &mut Ctx, raw: &str) {
        self.entry = Some(raw.to_owned());
        match Entry::parse(raw) {
            Entry::ContactProfile | Entry::SingleChatTools => {
                if let Some(id) = ctx.host.customer.clone() {
                    ctx.ask(Ask::OpenCard(id));
                } else if self.can_call(ctx, Api::GetCurExternalContact) {
                    self.step = Step::Identifying;
                    self.qy(
                        ctx,
                        Api::GetCurExternalContact,
                        json!({}),
                        Pending::GetCurExternalContact,
                    );
                }
            }
            // The 上下游 toolbars are served by their own calls
            // (wecom:97020): the contact is a member of another corp in
            // the chain, and the chat a 互联群, neither a customer.
            Entry::ChainSingleChatTools => {
                if self.can_call(ctx, Api::GetCurCorpGroupContact) {
                    self.step = Step::Identifying;
                    self.qy(
                        ctx,
                        Api::GetCurCorpGroupContact,
                        json!({}),
                        Pending::GetCurCorpGroupContact,
                    );
                }
            }
            Entry::ChainGroupChatTools => {
                if self.can_call(ctx, Api::GetCurCorpGroupChat) {
                    self.step = Step::Identifying;
                    self.qy(
                        ctx,
                        Api::GetCurCorpGroupChat,
                        json!({}),
                        Pending::GetCurCorpGroupChat,
                    );
                }
            }
            Entry::GroupChatTools => {
                if let Some(id) = ctx.host.chat.clone() {
                    ctx.ask(Ask::OpenGroup(id));
                } else if self.can_call(ctx, Api::GetCurExternalChat) {
                    self.step = Step::Identifying;
                    self.qy(
                        ctx,
                        Api::GetCurExternalChat,
                        json!({}),
                        Pending::GetCurExternalChat,
                    );
                }
            }
            Entry::ChatAttachment => {
                self.step = Step::Ready;
                self.route = Route::Compose;
                ctx.ask(Ask::OpenComposer);
            }
            Entry::Normal => {
                self.step = Step::Ready;
                // A re-login mid hand-over stays on it.
                if self.route != Route::Handover {
                    self.route = Route::Home;
                }
            }
            other => {
                // A newer or unhandled entry degrades to home, and says so.
                self.step = Step::Ready;
                self.route = Route::Home;
                // In words ("微信客服工具栏"), not the raw entry id; only an
                // entry this build does not know keeps its raw text.
                let from = other.label();
                ctx.banner(Some(Localized::new(
                    format!("从{}打开，此版本未适配该入口，已显示首页", from.zh),
                    format!(
                        "Opened from {}, which this version does not handle; showing home",
                        from.en
                    ),
                )));
            }
        }
    }

    /// The answer to one of this slice's wx.qy calls.
    pub fn on_qy_result(&mut self, ctx: &mut Ctx, pending: Pending, result: &Value) {
        let Some(asked) = pending.qy_api() else {
            ctx.log(
                "warn",
                &format!("a wx.qy result answered {pending:?}; ignored"),
            );
            return;
        };
        let outcome = Outcome::parse(asked.name(), err_msg(result), err_code(result));
        match pending {
            Pending::CheckSession => {
                if outcome.is_ok() && self.session.is_some() {
                    self.after_session(ctx);
                } else {
                    self.login(ctx);
                }
            }
            Pending::Login => match result.get("code").and_then(Value::as_str) {
                Some(code) if outcome.is_ok() && !code.is_empty() => {
                    self.step = Step::Exchanging;
                    let body = json!({ "code": code });
                    let id = ctx.http("POST", paths::SESSION, body, None);
                    self.pending.insert(id, Pending::SessionExchange);
                }
                _ if outcome.is_ok() => self.block(
                    ctx,
                    Notice {
                        code: "login_no_code".into(),
                        title: Localized::new("登录失败", "Login failed"),
                        message: Localized::new(
                            "企业微信没有返回登录凭证",
                            "WeCom returned no login code",
                        ),
                        guidance: None,
                        can_retry: true,
                    },
                ),
                _ => self.block_outcome(ctx, &outcome),
            },
            Pending::QySystemInfo => {
                if outcome.is_ok() {
                    let version = result
                        .get("version")
                        .and_then(Value::as_str)
                        .map(|v| crate::support::text::truncate_chars(v, 32).to_owned());
                    if let Some(launch) = self.launch.as_mut() {
                        launch.wecom_version = version;
                    }
                }
                self.read_context(ctx);
            }
            Pending::GetContext => {
                if outcome.is_ok() {
                    let entry = result
                        .get("entry")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    self.route_entry(ctx, &entry);
                } else {
                    self.block_outcome(ctx, &outcome);
                }
            }
            Pending::GetCurExternalContact => {
                if !outcome.is_ok() {
                    self.block_outcome(ctx, &outcome);
                    return;
                }
                let raw = result.get("userId").and_then(Value::as_str).unwrap_or("");
                match ExternalUserId::parse(raw) {
                    Ok(id) => ctx.ask(Ask::OpenCard(id)),
                    Err(e) => self.block(
                        ctx,
                        Notice {
                            code: e.code().to_owned(),
                            title: Localized::new("无法识别客户", "Cannot identify the customer"),
                            message: Localized::new(
                                format!("企业微信返回的客户 ID 无效：{e}"),
                                format!("WeCom returned an invalid customer id: {e}"),
                            ),
                            guidance: None,
                            can_retry: true,
                        },
                    ),
                }
            }
            Pending::GetCurExternalChat => {
                if !outcome.is_ok() {
                    self.block_outcome(ctx, &outcome);
                    return;
                }
                let raw = result.get("chatId").and_then(Value::as_str).unwrap_or("");
                match GroupChatId::parse(raw) {
                    Ok(id) => ctx.ask(Ask::OpenGroup(id)),
                    // Not a customer group's id: say so, and still let the
                    // member send into the chat.
                    Err(_) if crate::wecom::ids::is_numeric_chat_id(raw) => self.open_chain_composer(
                        ctx,
                        Localized::new(
                            "这个群聊不是客户群（企业微信返回的群 ID 不是客户群的 wr 开头格式，可能是内部群），因此无法显示群资料；仍可以在这里向当前群聊发送消息",
                            "This chat is not a customer group (WeCom gave an id that is not a customer group's wr… id; it may be an internal group), so there is no group profile; you can still send messages into this chat here",
                        ),
                    ),
                    Err(e) => self.block(
                        ctx,
                        Notice {
                            code: e.code().to_owned(),
                            title: Localized::new("无法识别群聊", "Cannot identify the group chat"),
                            message: Localized::new(
                                format!("企业微信返回的群聊 ID 无效：{e}"),
                                format!("WeCom returned an invalid group chat id: {e}"),
                            ),
                            guidance: None,
                            can_retry: true,
                        },
                    ),
                }
            }
            Pending::GetCurCorpGroupContact => {
                if !outcome.is_ok() {
                    self.block_outcome(ctx, &outcome);
                    return;
                }
                let raw = result.get("userId").and_then(Value::as_str).unwrap_or("");
                match UserId::parse(raw) {
                    Ok(_) => self.open_chain_composer(
                        ctx,
                        Localized::new(
                            "对方是上下游企业的联系人，不是本企业的客户，因此没有客户资料；可以在这里向当前聊天发送消息",
                            "This is a contact of a partner company in your supply chain, not a customer, so there is no customer profile; you can send messages into this chat here",
                        ),
                    ),
                    Err(e) => self.block(
                        ctx,
                        Notice {
                            code: e.code().to_owned(),
                            title: Localized::new("无法识别联系人", "Cannot identify the contact"),
                            message: Localized::new(
                                "企业微信返回的上下游联系人 ID 无效",
                                "WeCom returned an invalid supply-chain contact id",
                            ),
                            guidance: Some(Localized::new(
                                "请关闭后从上下游聊天工具栏重新打开",
                                "Close the page and open it again from the supply-chain chat toolbar",
                            )),
                            can_retry: true,
                        },
                    ),
                }
            }
            Pending::GetCurCorpGroupChat => {
                if !outcome.is_ok() {
                    self.block_outcome(ctx, &outcome);
                    return;
                }
                let raw = result.get("chatId").and_then(Value::as_str).unwrap_or("");
                if is_opaque_id(raw) {
                    self.open_chain_composer(
                        ctx,
                        Localized::new(
                            "这是上下游互联群，不是客户群，因此没有群资料；可以在这里向群里发送消息",
                            "This is a supply-chain group chat, not a customer group, so there is no group profile; you can send messages into it here",
                        ),
                    );
                } else {
                    self.block(
                        ctx,
                        Notice {
                            code: "id_invalid".into(),
                            title: Localized::new("无法识别群聊", "Cannot identify the group chat"),
                            message: Localized::new(
                                "企业微信返回的上下游互联群 ID 无效",
                                "WeCom returned an invalid supply-chain group chat id",
                            ),
                            guidance: Some(Localized::new(
                                "请关闭后从上下游群聊工具栏重新打开",
                                "Close the page and open it again from the supply-chain group chat toolbar",
                            )),
                            can_retry: true,
                        },
                    );
                }
            }
            Pending::SelectContact => self.on_selected(ctx, &outcome, result),
            Pending::OpenProfile | Pending::OpenChat => {
                if !outcome.is_ok() && outcome != Outcome::Cancelled {
                    ctx.banner(Some(outcome.message()));
                }
            }
            other => ctx.log("warn", &format!("unexpected qy result for {other:?}")),
        }
    }

    /// The answer to this slice's request (the session exchange). `offline`:
    /// status 0 or 5xx.
    pub fn on_http_result(&mut self, ctx: &mut Ctx, pending: Pending, status: u16, body: &str) {
        let offline = status == 0 || status >= 500;
        match pending {
            Pending::SessionExchange => {
                if offline {
                    self.schedule_retry(ctx, Step::LoggingIn, status);
                    return;
                }
                match session::parse_session(body) {
                    Ok(s) => {
                        let stored = serde_json::to_string(&s).unwrap_or_default();
                        self.session = Some(s);
                        ctx.banner(None);
                        let id = ctx.store(SESSION_KEY, stored);
                        self.pending.insert(id, Pending::StoreSession);
                        self.after_session(ctx);
                    }
                    Err(e) => {
                        // The backend's own words (often English errmsg) go to
                        // the log; the member reads the errcode table's.
                        let later = || {
                            Localized::new(
                                "请稍后重试；如持续失败请联系管理员",
                                "Try again later; if it keeps failing, contact your admin",
                            )
                        };
                        let (code, message, guidance, detail) = match e {
                            SessionError::Rejected { errcode, errmsg } => {
                                let message = if crate::wecom::errcodes::code(errcode)
                                    == "wecom_error"
                                {
                                    Localized::new(
                                        format!("服务器拒绝了登录（错误码 {errcode}）"),
                                        format!("The server refused the login (error {errcode})"),
                                    )
                                } else {
                                    let m = crate::wecom::errcodes::message(errcode, "");
                                    Localized::new(
                                        format!("服务器拒绝了登录：{}", m.zh),
                                        format!("The server refused the login: {}", m.en),
                                    )
                                };
                                (
                                    format!("login_rejected_{errcode}"),
                                    message,
                                    crate::wecom::errcodes::next_step(errcode)
                                        .unwrap_or_else(later),
                                    errmsg,
                                )
                            }
                            other => {
                                let detail = match other {
                                    SessionError::BadJson => "not JSON".to_owned(),
                                    SessionError::MissingField(f) => format!("missing {f}"),
                                    SessionError::BadId(m) => m,
                                    SessionError::Rejected { .. } => String::new(),
                                };
                                (
                                    "login_bad_answer".to_owned(),
                                    Localized::new(
                                        "服务器的登录应答无法识别",
                                        "The server's answer to the login could not be read",
                                    ),
                                    later(),
                                    detail,
                                )
                            }
                        };
                        ctx.log(
                            "warn",
                            &format!(
                                "login refused ({code}): {}",
                                crate::support::text_preview(&detail)
                            ),
                        );
                        self.block(
                            ctx,
                            Notice {
                                code,
                                title: Localized::new("登录失败", "Login failed"),
                                message,
                                guidance: Some(guidance),
                                can_retry: true,
                            },
                        );
                    }
                }
            }
            other => ctx.log("warn", &format!("unexpected http result for {other:?}")),
        }
    }

    /// Retries with backoff. Status 0 means the request never reached the
    /// server (offline); a 5xx means the server answered but is busy or
    /// failing: the member is told which.
    pub fn schedule_retry(&mut self, ctx: &mut Ctx, step: Step, status: u16) {
        self.retry_attempt = self.retry_attempt.saturating_add(1);
        let delay = session::backoff_ms(self.retry_attempt);
        let secs = delay / 1000;
        let attempt = self.retry_attempt;
        ctx.banner(Some(if status == 0 {
            Localized::new(
                format!("网络不可用，{secs} 秒后重试（第 {attempt} 次）"),
                format!("Cannot reach the server; retrying in {secs}s (attempt {attempt})"),
            )
        } else {
            Localized::new(
                format!("服务暂时繁忙（{status}），{secs} 秒后重试（第 {attempt} 次）"),
                format!("The service is busy ({status}); retrying in {secs}s (attempt {attempt})"),
            )
        }));
        let id = ctx.timer(delay);
        self.pending.insert(id, Pending::Retry { step });
        self.retry_timer = Some(id);
    }

    /// A timer of this slice fired.
    pub fn on_timer(&mut self, ctx: &mut Ctx, id: EffectId, pending: Pending) {
        if let Pending::Retry { step } = pending {
            if self.retry_timer == Some(id) {
                self.retry_timer = None;
                self.run_step(ctx, step);
            }
        }
    }

    /// Network back or app shown: retry now instead of waiting for the timer.
    pub fn retry_now(&mut self, ctx: &mut Ctx) {
        if let Some(id) = self.retry_timer.take() {
            if let Some(Pending::Retry { step }) = self.pending.remove(&id) {
                self.run_step(ctx, step);
            }
        }
    }

    fn run_step(&mut self, ctx: &mut Ctx, step: Step) {
        match step {
            Step::Fetching => ctx.ask(Ask::Refetch),
            _ => self.login(ctx),
        }
    }

    /// What another slice asked of the page.
    pub fn on_ask(&mut self, ctx: &mut Ctx, ask: Ask) {
        match ask {
            Ask::Page(route) => self.route = route,
            Ask::Loading => self.step = Step::Fetching,
            Ask::Ready => {
                self.retry_attempt = 0;
                self.step = Step::Ready;
                ctx.banner(None);
            }
            Ask::Block(notice) => {
                self.step = Step::Blocked;
                self.route = Route::Notice;
                self.notice = Some(notice);
            }
            Ask::RetryLater { status } => self.schedule_retry(ctx, Step::Fetching, status),
            other => ctx.ask(other),
        }
    }

    pub fn on_tap(&mut self, ctx: &mut Ctx, tap: Tap) {
        match tap {
            Tap::Retry => {
                self.retry_attempt = 0;
                self.retry_timer = None;
                self.start(ctx);
            }
            Tap::PickCustomer => {
                if self.can_act(ctx, Api::SelectExternalContact) {
                    self.qy(
                        ctx,
                        Api::SelectExternalContact,
                        json!({ "filterType": 0 }),
                        Pending::SelectContact,
                    );
                }
            }
            Tap::OpenProfile => {
                if let Some(id) = ctx.host.customer.clone() {
                    if self.can_act(ctx, Api::OpenUserProfile) {
                        let args = json!({ "type": 2, "userid": id.as_str() });
                        self.qy(ctx, Api::OpenUserProfile, args, Pending::OpenProfile);
                    }
                }
            }
            Tap::OpenChat => self.open_chat(ctx),
            Tap::Home => self.route = Route::Home,
            Tap::Compose => self.route = Route::Compose,
            Tap::Card => {
                if ctx.host.customer.is_some() {
                    self.route = Route::Card;
                }
            }
        }
    }

    /// A 上下游 chat: no customer card or customer group to show, but the
    /// composer can send into the chat (sendChatMessage works from the
    /// chain toolbars). `why` says so.
    fn open_chain_composer(&mut self, ctx: &mut Ctx, why: Localized) {
        self.step = Step::Ready;
        self.route = Route::Compose;
        ctx.ask(Ask::OpenComposer);
        ctx.banner(Some(why));
    }

    fn on_selected(&mut self, ctx: &mut Ctx, outcome: &Outcome, result: &Value) {
        if *outcome == Outcome::Cancelled {
            return;
        }
        if !outcome.is_ok() {
            ctx.banner(Some(outcome.message()));
            return;
        }
        let picked = crate::wecom::enterprise_chat::parse_selected_contacts(result);
        for problem in &picked.problems {
            ctx.log(
                "warn",
                &format!("selectExternalContact: {}", problem.code()),
            );
        }
        match picked.ids.into_iter().next() {
            Some(id) => ctx.ask(Ask::OpenCard(id)),
            None => ctx.banner(Some(Localized::new(
                "没有选中有效的客户",
                "No valid customer was picked",
            ))),
        }
    }

    fn open_chat(&mut self, ctx: &mut Ctx) {
        let Some(ext) = ctx.host.customer.clone() else {
            return;
        };
        let me = self.session.as_ref().map(|s| s.userid.clone());
        match crate::wecom::enterprise_chat::new_chat_args(me.as_ref(), &[], &[ext], "") {
            Ok(args) => {
                if self.can_act(ctx, Api::OpenEnterpriseChat) {
                    self.qy(
                        ctx,
                        Api::OpenEnterpriseChat,
                        args.to_json(),
                        Pending::OpenChat,
                    );
                }
            }
            Err(errors) => {
                if let Some(e) = errors.first() {
                    ctx.banner(Some(e.message()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
