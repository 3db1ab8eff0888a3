//! A faithful, in-process stand-in for WeCom's server API (`qyapi.weixin.qq.com`).
//!
//! [`Double::spawn`] serves `/cgi-bin/…` on a loopback port, enforcing what WeCom enforces
//! (tokens per secret, which secret may call what, parameter limits, errcodes), plus a small
//! control API under `/__double/…` for tests, the simulator and benches. See README.md.

mod data;
mod media;
mod params;
mod server;
mod transfer;

pub use data::{demo_ids, Customer, Dataset, Member};
pub use media::{Media, MEDIA_TTL_SECS};
pub use transfer::{encrypt as callback_encrypt, signature as callback_signature, TransferOutcome};

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What a secret may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// A self-built app's secret (the app the mini program is bound to, listed under
    /// 「客户联系 可调用接口的应用」): `externalcontact/*`, `miniprogram/jscode2session`, `user/get`.
    Agent,
    /// The 客户联系 secret: `externalcontact/*` only.
    Contact,
    /// The 通讯录同步 (contact sync) secret: none of the APIs the double serves (48002).
    ContactSync,
}

/// The corp the double pretends to be.
#[derive(Clone, Debug)]
pub struct Config {
    /// e.g. "ww0123456789abcdef"
    pub corp_id: String,
    /// Each secret and what it may call.
    pub secrets: Vec<(String, SecretKind)>,
    /// Lifetime of an access_token, in seconds of the double's clock (WeCom: 7200).
    pub token_ttl_secs: u64,
}

impl Config {
    /// Corp `wwdemo0123456789`, secrets `agent-secret` (Agent), `contact-secret` (Contact),
    /// `sync-secret` (ContactSync), tokens valid 7200 s.
    pub fn demo() -> Config {
        Config {
            corp_id: "wwdemo0123456789".into(),
            secrets: vec![
                ("agent-secret".into(), SecretKind::Agent),
                ("contact-secret".into(), SecretKind::Contact),
                ("sync-secret".into(), SecretKind::ContactSync),
            ],
            token_ttl_secs: 7200,
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::demo()
    }
}

/// A way for an API to misbehave, for the next `times` calls (see [`Double::set_fault`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// HTTP 200 with `{errcode, errmsg}` (e.g. `-1` busy, `45009` rate limit, `42001`).
    Errcode(i64, String),
    /// That HTTP status with a small HTML body, as a gateway would answer.
    Status(u16),
    /// HTTP 200, `Content-Type: application/json`, and a body that is not JSON.
    Garbage,
    /// Waits this long, then answers normally.
    Delay(Duration),
    /// Never answers (until the double shuts down, then 503).
    Hang,
}

pub(crate) struct Token {
    pub secret: String,
    pub kind: SecretKind,
    pub expires_at: u64,
}

pub(crate) struct Code {
    pub userid: String,
    pub expires_at: u64,
    pub used: bool,
}

/// Everything that changes while the double runs. Guarded by one mutex, never held across
/// an await.
pub(crate) struct State {
    pub customers: HashMap<String, Customer>,
    pub tag_groups: Vec<serde_json::Value>,
    pub group_chats: HashMap<String, serde_json::Value>,
    /// Keyed by lower-cased userid (WeCom compares userids case-insensitively).
    pub members: HashMap<String, Member>,
    pub tokens: HashMap<String, Token>,
    pub codes: HashMap<String, Code>,
    pub counts: BTreeMap<String, u64>,
    pub gettoken_counts: BTreeMap<String, u64>,
    pub faults: HashMap<String, (Fault, Option<u32>)>,
    /// Calls of an api that pass before its fault applies (`set_fault_after`).
    pub fault_skips: HashMap<String, u32>,
    pub latency: Duration,
    pub clock_offset: u64,
    /// `remark_pic_mediaid` per (external_userid, lower-cased userid): WeCom stores it but
    /// `externalcontact/get` does not return it.
    pub remark_pics: HashMap<(String, String), String>,
    /// Resigned members by lower-cased userid: their dimission time.
    pub resigned: HashMap<String, u64>,
    /// Customer hand-overs, outcomes set by tests, and the callback.
    pub handover: transfer::Handover,
    /// Temporary media (`media/upload`), by media_id.
    pub media: HashMap<String, media::Media>,
}

impl State {
    fn new(data: &Dataset) -> State {
        let mut members: HashMap<String, Member> = HashMap::new();
        for m in &data.members {
            members.insert(m.userid.to_lowercase(), m.clone());
        }
        let mut implied = |userid: &str| {
            members
                .entry(userid.to_lowercase())
                .or_insert_with(|| Member::new(userid, None));
        };
        for c in &data.customers {
            for f in &c.follow_user {
                if let Some(u) = f.get("userid").and_then(|v| v.as_str()) {
                    implied(u);
                }
            }
        }
        for g in &data.group_chats {
            if let Some(u) = g.get("owner").and_then(|v| v.as_str()) {
                implied(u);
            }
            for m in g
                .get("member_list")
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                let internal = m.get("type").and_then(|t| t.as_i64()) == Some(1);
                if let (true, Some(u)) = (internal, m.get("userid").and_then(|v| v.as_str())) {
                    implied(u);
                }
            }
        }
        State {
            customers: data
                .customers
                .iter()
                .map(|c| (c.external_userid().to_string(), c.clone()))
                .collect(),
            tag_groups: data.tag_groups.clone(),
            group_chats: data
                .group_chats
                .iter()
                .map(|g| {
                    let id = g.get("chat_id").and_then(|v| v.as_str()).unwrap_or("");
                    (id.to_string(), g.clone())
                })
                .collect(),
            members,
            tokens: HashMap::new(),
            codes: HashMap::new(),
            counts: BTreeMap::new(),
            gettoken_counts: BTreeMap::new(),
            faults: HashMap::new(),
            fault_skips: HashMap::new(),
            latency: Duration::ZERO,
            clock_offset: 0,
            remark_pics: HashMap::new(),
            resigned: data
                .resigned
                .iter()
                .map(|(u, t)| (u.to_lowercase(), *t))
                .collect(),
            handover: transfer::Handover::default(),
            media: HashMap::new(),
        }
    }

    /// A follow user of a customer, by case-insensitive userid.
    pub fn follower(&self, external_userid: &str, userid: &str) -> Option<&serde_json::Value> {
        let lower = userid.to_lowercase();
        self.customers
            .get(external_userid)?
            .follow_user
            .iter()
            .find(|f| {
                f.get("userid")
                    .and_then(|v| v.as_str())
                    .is_some_and(|u| u.to_lowercase() == lower)
            })
    }
}

pub(crate) struct Shared {
    pub config: Config,
    pub initial: Dataset,
    pub state: Mutex<State>,
    started_unix: u64,
    started: Instant,
    /// Key for the opaque paging cursors.
    pub cursor_key: u64,
    pub shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The double's clock, in unix seconds: real time plus everything `advance` added.
    pub fn now(&self, st: &State) -> u64 {
        self.started_unix + self.started.elapsed().as_secs() + st.clock_offset
    }

    pub fn issue_code(&self, userid: &str) -> String {
        let code = random_token(24);
        let mut st = self.lock();
        let expires_at = self.now(&st) + CODE_TTL_SECS;
        st.codes.insert(
            code.clone(),
            Code {
                userid: userid.to_string(),
                expires_at,
                used: false,
            },
        );
        code
    }

    pub fn reset(&self) {
        let mut st = self.lock();
        *st = State::new(&self.initial);
    }
}

/// How long a js_code lives (WeCom: 5 minutes).
pub const CODE_TTL_SECS: u64 = 300;
/// Follow users per `externalcontact/get` page (WeCom: 500).
pub const FOLLOW_USER_PAGE: usize = 500;
/// At most this many tags on one customer's follow user (`mark_tag`).
pub const MAX_TAGS_PER_CUSTOMER: usize = 3000;

/// `len` random characters of `[A-Za-z0-9_-]`.
pub(crate) fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = vec![0u8; len];
    if getrandom::fill(&mut bytes).is_err() {
        // Practically unreachable; fall back on the std hasher's random keys.
        use std::hash::{BuildHasher, Hasher};
        for (i, b) in bytes.iter_mut().enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(i);
            *b = h.finish() as u8;
        }
    }
    bytes
        .iter()
        .map(|b| ALPHABET[(*b & 63) as usize] as char)
        .collect()
}

pub(crate) fn random_u64() -> u64 {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    u64::from_le_bytes(b)
}

/// A running double. Dropping it stops the server too; [`Double::shutdown`] waits for that.
pub struct Double {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Double {
    /// Serves on 127.0.0.1 on a free port.
    pub async fn spawn(config: Config, data: Dataset) -> std::io::Result<Double> {
        Double::spawn_on(SocketAddr::from(([127, 0, 0, 1], 0)), config, data).await
    }

    /// Serves on `addr` (port 0 = a free port).
    pub async fn spawn_on(
        addr: SocketAddr,
        config: Config,
        data: Dataset,
    ) -> std::io::Result<Double> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, shutdown) = watch::channel(false);
        let started_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(State::new(&data)),
            initial: data,
            started_unix,
            started: Instant::now(),
            cursor_key: random_u64(),
            shutdown,
        });
        let task = tokio::spawn(server::serve(listener, shared.clone()));
        tracing::info!(%addr, "wecom-double listening");
        Ok(Double {
            addr,
            shared,
            stop,
            task: Some(task),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (what `wcc-server` takes as `WECOM_API_BASE`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Calls so far to one API, e.g. "gettoken", "externalcontact/get",
    /// "miniprogram/jscode2session" (every call counts, failed and faulted ones too).
    pub fn count(&self, api: &str) -> u64 {
        let api = api.trim_start_matches('/');
        let api = api.strip_prefix("cgi-bin/").unwrap_or(api);
        self.shared.lock().counts.get(api).copied().unwrap_or(0)
    }

    /// Every API's call count so far, by path after `/cgi-bin/`.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.shared.lock().counts.clone()
    }

    /// `gettoken` calls made with this `corpsecret`, whatever they answered.
    pub fn gettoken_count(&self, secret: &str) -> u64 {
        self.shared
            .lock()
            .gettoken_counts
            .get(secret)
            .copied()
            .unwrap_or(0)
    }

    /// The next `times` calls (None = until cleared) of `api` answer with `fault`.
    /// `api` is the path after `/cgi-bin/`, or `"*"` for every API without its own fault.
    /// A new fault for the same api replaces the old one.
    pub fn set_fault(&self, api: &str, fault: Fault, times: Option<u32>) {
        let api = api.trim_start_matches('/');
        let api = api.strip_prefix("cgi-bin/").unwrap_or(api);
        let mut st = self.shared.lock();
        st.fault_skips.remove(api);
        if times == Some(0) {
            st.faults.remove(api);
        } else {
            st.faults.insert(api.to_string(), (fault, times));
        }
    }

    /// As `set_fault`, but the next `skip` calls of `api` still answer normally (e.g. the
    /// second call of a request split into several fails).
    pub fn set_fault_after(&self, api: &str, skip: u32, fault: Fault, times: Option<u32>) {
        self.set_fault(api, fault, times);
        let api = api.trim_start_matches('/');
        let api = api.strip_prefix("cgi-bin/").unwrap_or(api);
        self.shared.lock().fault_skips.insert(api.to_string(), skip);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        let mut st = self.shared.lock();
        st.faults.clear();
        st.fault_skips.clear();
    }

    /// Added to every `/cgi-bin/` call (not to the control API).
    pub fn set_latency(&self, d: Duration) {
        self.shared.lock().latency = d;
    }

    /// Moves the double's clock forward: tokens and codes expire.
    pub fn advance(&self, secs: u64) {
        self.shared.lock().clock_offset += secs;
    }

    /// The double's clock, unix seconds.
    pub fn now(&self) -> u64 {
        let st = self.shared.lock();
        self.shared.now(&st)
    }

    /// A js_code for `userid`, valid 5 minutes of the double's clock, single use.
    pub fn issue_code(&self, userid: &str) -> String {
        self.shared.issue_code(userid)
    }

    /// `{remark, description, remark_corp_name, remark_mobiles[, remark_pic_mediaid]}` of
    /// `userid`'s record of the customer, or None if that member does not follow it.
    pub fn follow_user_remark(
        &self,
        external_userid: &str,
        userid: &str,
    ) -> Option<serde_json::Value> {
        let st = self.shared.lock();
        server::remark_view(&st, external_userid, userid)
    }

    /// The corp tag ids on `userid`'s record of the customer (personal tags have no id and
    /// are left out). Empty if that member does not follow it.
    pub fn follow_user_tags(&self, external_userid: &str, userid: &str) -> Vec<String> {
        let st = self.shared.lock();
        server::tag_ids(&st, external_userid, userid)
    }

    /// A temporary media file uploaded with `media/upload`, whether or not it has expired.
    pub fn media(&self, media_id: &str) -> Option<Media> {
        self.shared.lock().media.get(media_id).cloned()
    }

    /// Whether `media_id` is a media id WeCom would still accept: uploaded, and less than
    /// 3 days old by the double's clock.
    pub fn media_valid(&self, media_id: &str) -> bool {
        let st = self.shared.lock();
        let now = self.shared.now(&st);
        st.media
            .get(media_id)
            .is_some_and(|m| now < m.created_at + MEDIA_TTL_SECS)
    }

    /// What `external_userid`'s next hand-over comes to after 24 hours (default: done).
    pub fn set_transfer_outcome(&self, external_userid: &str, outcome: TransferOutcome) {
        self.shared
            .lock()
            .handover
            .outcomes
            .insert(external_userid.to_string(), outcome);
    }

    /// Where `transfer_fail` events are POSTed, encrypted with `token` and `aes_key` (the
    /// 43-character EncodingAESKey) as WeCom does. Without it, no event is queued.
    pub fn set_callback(&self, url: &str, token: &str, aes_key: &str) {
        self.shared.lock().handover.callback =
            Some((url.to_string(), token.to_string(), aes_key.to_string()));
    }

    /// Settles the hand-overs whose 24 hours have passed and POSTs the queued `transfer_fail`
    /// events; returns each event's HTTP status (0 = not delivered).
    pub async fn flush_callbacks(&self) -> Vec<u16> {
        transfer::flush(&self.shared).await
    }

    /// Back to the data it started with: no tokens, codes, counts, faults, latency or
    /// clock offset.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stops serving (a hanging call is answered 503) and waits until it has stopped.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Double {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

// A Double is shared across tasks in tests.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Double>();
    send_sync::<Dataset>();
    send_sync::<Config>();
};
