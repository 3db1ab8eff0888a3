//! Customer hand-over (在职继承 / 离职继承): WeCom's facts, in one place.
//!
//! Sources (shared/wecom-facts.md §4, "Customer transfer"):
//! - wecom:96325 `externalcontact/transfer_customer` (on-job): at most 100 customers a
//!   call; `transfer_success_msg` at most 200 characters; each customer at most twice in
//!   90 days; the customer may refuse within 24 hours, and it completes after 24 hours.
//! - wecom:96331 `externalcontact/resigned/transfer_customer`, wecom:96333
//!   `resigned/transfer_result`: at most 100 a call; the member left less than a year ago;
//!   `transfer_result` status 1 done, 2 waiting, 3 refused by the customer, 4 the taker is
//!   at their customer limit (5: no record, in the older API).
//! - wecom:92130 `change_external_contact` / `transfer_fail`: `FailReason`
//!   `customer_refused` or `customer_limit_exceed`.
//!
//! The server reuses these through `crate::rules` (which re-exports the limits), the core's
//! hand-over slice reads them here: each fact is written once.

use crate::support::locale::Localized;

/// At most this many customers (or group chats) go into one hand-over call (wecom:96325,
/// wecom:96331; `groupchat/transfer` and `onjob_transfer` likewise).
pub const HANDOVER_PER_CALL: usize = 100;
/// An on-job hand-over's `transfer_success_msg`: at most this many characters
/// (wecom:96325), counted with `support::text::char_count`.
pub const HANDOVER_MESSAGE_MAX: usize = 200;
/// A customer may be handed over at most this many times … (wecom:96325: 90 个自然日内，
/// 在职成员的每位客户仅可被转接 2 次)
pub const HANDOVER_MAX_PER_WINDOW: usize = 2;
/// … within this many seconds (90 days).
pub const HANDOVER_WINDOW_SECS: i64 = 90 * 86_400;
/// A resigned member's customers move only while they left less than this long ago
/// (wecom:96331: 离职一年以内).
pub const RESIGNED_MAX_AGE_SECS: i64 = 365 * 86_400;
/// How long a started hand-over waits for the customer (wecom:96325: 24 小时后自动接替).
pub const HANDOVER_WAIT_SECS: i64 = 86_400;

/// One `transfer_result` status (wecom:96333), or the states the server adds for an item
/// that never reached that point (README server, "Hand-over").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// 1: 接替完毕.
    Done,
    /// 2: 等待接替 (the customer has 24 hours to refuse).
    Waiting,
    /// 3: 客户拒绝.
    RefusedByCustomer,
    /// 4: 接替成员客户达到上限.
    TakerAtLimit,
    /// 5: 无接替记录 (older API).
    NoRecord,
    /// The server did not send it: handed over twice in 90 days already.
    LimitReached,
    /// WeCom refused it at the start (`start_errcode`).
    NotStarted,
    /// Not sent: an earlier call was refused or could not reach WeCom.
    NotSubmitted,
    /// A `transfer_fail` with a reason the table does not know.
    Failed,
}

/// `(status code, server word, state, zh, en)`: every state, once.
const TABLE: &[(i64, &str, ItemState, &str, &str)] = &[
    (1, "done", ItemState::Done, "已接替", "Handed over"),
    (
        2,
        "waiting",
        ItemState::Waiting,
        "交接中，24 小时后生效",
        "Being handed over; takes effect in 24 hours",
    ),
    (
        3,
        "refused_by_customer",
        ItemState::RefusedByCustomer,
        "客户拒绝了交接",
        "The customer refused the hand-over",
    ),
    (
        4,
        "taker_at_limit",
        ItemState::TakerAtLimit,
        "接替成员的客户数已达上限",
        "The member taking over is at their customer limit",
    ),
    (
        5,
        "no_record",
        ItemState::NoRecord,
        "无交接记录",
        "No hand-over record",
    ),
    (
        0,
        "limit_reached",
        ItemState::LimitReached,
        "90 天内已交接 2 次，不能再交接",
        "Handed over twice in 90 days: cannot move again yet",
    ),
    (
        0,
        "not_started",
        ItemState::NotStarted,
        "企业微信拒绝交接此客户",
        "WeCom refused to hand this customer over",
    ),
    (
        0,
        "not_submitted",
        ItemState::NotSubmitted,
        "未提交，请重新交接",
        "Not submitted; hand it over again",
    ),
    (
        0,
        "failed",
        ItemState::Failed,
        "交接失败",
        "The hand-over failed",
    ),
];

impl ItemState {
    /// A `transfer_result` status code (1..=5).
    pub fn from_status(code: i64) -> Option<ItemState> {
        TABLE.iter().find(|r| r.0 == code && code != 0).map(|r| r.2)
    }

    /// The server's word for an item's state (`done`, `waiting`, …).
    pub fn from_word(word: &str) -> Option<ItemState> {
        TABLE.iter().find(|r| r.1 == word).map(|r| r.2)
    }

    fn row(self) -> &'static (i64, &'static str, ItemState, &'static str, &'static str) {
        TABLE.iter().find(|r| r.2 == self).unwrap_or(&TABLE[8])
    }

    pub fn word(self) -> &'static str {
        self.row().1
    }

    /// WeCom's status code, 0 for the server's own states.
    pub fn status(self) -> i64 {
        self.row().0
    }

    /// The state in words.
    pub fn message(self) -> Localized {
        let r = self.row();
        Localized::new(r.3, r.4)
    }

    /// Nothing more will happen to it.
    pub fn is_final(self) -> bool {
        self != ItemState::Waiting
    }

    /// It did not move.
    pub fn is_failure(self) -> bool {
        !matches!(self, ItemState::Done | ItemState::Waiting)
    }
}

/// A `transfer_fail` `FailReason` (wecom:92130) in words.
pub fn fail_reason(reason: &str) -> Option<Localized> {
    match reason {
        "customer_refused" => Some(Localized::new(
            "客户在 24 小时内拒绝了接替",
            "the customer declined within the 24 hours",
        )),
        "customer_limit_exceed" => Some(Localized::new(
            "接替成员的客户已满，企业微信未能转入",
            "the taker's customer list was full, so WeCom could not move the customer",
        )),
        _ => None,
    }
}

/// Why `transfer_customer` did not start a customer, by errcode, in Chinese
/// (the server's reason says it in English, with `(errcode N)`: wcc-server
/// `start_reason`; wecom:92125, wecom:90313).
const START_REFUSALS: &[(i64, &str)] = &[
    (40096, "客户 ID 无效"),
    (84061, "不是原跟进成员的客户"),
    (40129, "该客户正在交接中"),
    (40130, "企业微信的限制：该客户 90 天内已交接过两次"),
    (40099, "接替成员的客户数已达上限"),
];

/// The errcode in a server reason ("… (errcode 84061)", "WeCom errcode 40058").
fn errcode_in(reason: &str) -> Option<i64> {
    let at = reason.find("errcode ")? + "errcode ".len();
    let digits: String = reason[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    digits.parse().ok()
}

/// The server's reason for an item in words: its English is shown in
/// English only; in Chinese it is said from the errcode or the fail reason.
pub fn reason_words(reason: &str) -> Localized {
    let fail = reason.strip_prefix("transfer_fail: ").unwrap_or(reason);
    if let Some(w) = fail_reason(fail) {
        return w;
    }
    let zh = match errcode_in(reason) {
        Some(code) => match START_REFUSALS.iter().find(|(c, _)| *c == code) {
            Some((_, words)) => format!("{words}（代码 {code}）"),
            None => format!("企业微信拒绝了（代码 {code}）"),
        },
        None if reason.contains("did not list") => "企业微信的应答中没有这位客户".to_owned(),
        None => "企业微信没有说明原因".to_owned(),
    };
    Localized::new(zh, reason)
}

/// An item's state in words, with the server's reason when it did not move
/// (`transfer_fail: customer_refused` reads as the `FailReason`'s words).
pub fn describe(state_word: &str, reason: Option<&str>) -> Localized {
    let state = ItemState::from_word(state_word).unwrap_or(ItemState::Failed);
    let base = state.message();
    let reason = reason.map(reason_words);
    match reason {
        Some(r) if state.is_failure() => Localized::new(
            format!("{}（{}）", base.zh, r.zh),
            format!("{} ({})", base.en, r.en),
        ),
        _ => base,
    }
}

/// Whether a member who resigned at `dimission_time` (unix s) is gone too long for their
/// customers to move, as of `now_secs`.
pub fn resigned_too_long_ago(dimission_time: i64, now_secs: i64) -> bool {
    dimission_time > 0 && now_secs - dimission_time > RESIGNED_MAX_AGE_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_english_reasons_are_said_in_chinese_words() {
        let r = reason_words("not a customer of the member handing over (errcode 84061)");
        assert_eq!(r.zh, "不是原跟进成员的客户（代码 84061）");
        assert_eq!(
            r.en,
            "not a customer of the member handing over (errcode 84061)"
        );
        assert_eq!(
            reason_words("WeCom errcode 40058").zh,
            "企业微信拒绝了（代码 40058）"
        );
        assert_eq!(
            reason_words("WeCom's answer did not list this customer").zh,
            "企业微信的应答中没有这位客户"
        );
        assert_eq!(reason_words("something new").zh, "企业微信没有说明原因");
        assert_eq!(reason_words("something new").en, "something new");
        let d = describe(
            "not_started",
            Some("already being handed over (errcode 40129)"),
        );
        assert!(
            d.zh.contains("该客户正在交接中") && !d.zh.contains("already"),
            "{}",
            d.zh
        );
        assert!(d.en.contains("already being handed over"), "{}", d.en);
    }

    #[test]
    fn every_status_code_has_its_state_and_words() {
        let words: Vec<&str> = (1..=5)
            .map(|c| ItemState::from_status(c).unwrap().word())
            .collect();
        assert_eq!(
            words,
            [
                "done",
                "waiting",
                "refused_by_customer",
                "taker_at_limit",
                "no_record"
            ]
        );
        assert_eq!(ItemState::from_status(0), None);
        assert_eq!(ItemState::from_status(6), None);
        assert_eq!(ItemState::Waiting.message().zh, "交接中，24 小时后生效");
        for w in ["limit_reached", "not_started", "not_submitted", "failed"] {
            let s = ItemState::from_word(w).unwrap();
            assert_eq!(s.word(), w);
            assert_eq!(s.status(), 0);
            assert!(s.is_failure());
        }
        assert!(!ItemState::Waiting.is_final());
        assert_eq!(ItemState::from_word("nope"), None);
    }

    #[test]
    fn reasons_and_the_year() {
        assert!(fail_reason("customer_refused").is_some());
        assert!(fail_reason("other").is_none());
        let now = 1_800_000_000;
        assert!(!resigned_too_long_ago(now - 30 * 86_400, now));
        assert!(resigned_too_long_ago(now - 400 * 86_400, now));
        assert!(!resigned_too_long_ago(0, now));
    }
}
