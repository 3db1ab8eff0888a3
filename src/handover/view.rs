//! The hand-over slice's part of the page (`handover-view`).

use serde::Serialize;

use crate::handover::labels::{self, HandoverLabels};
use crate::handover::{item_words, Kind, State};
use crate::support::locale::{Locale, Localized};
use crate::support::text::char_count;
use crate::wecom::transfer::{self, ItemState, HANDOVER_MESSAGE_MAX};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CandidateView {
    pub id: String,
    pub selected: bool,
    /// Why it cannot move, in words; it cannot be selected then.
    pub blocked: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ItemView {
    pub id: String,
    /// `customer` or `group_chat`.
    pub kind: String,
    /// The server's word: `done`, `waiting`, `refused_by_customer`, `taker_at_limit`, …
    pub state: String,
    /// The state in words, with the reason when it did not move.
    pub words: String,
    /// The call (1-based) of the request that carried it.
    pub call: Option<i64>,
    pub failed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TransferView {
    pub id: String,
    /// "ex_zhou → lisi"
    pub who: String,
    /// Counts in words: "247 已接替 · 2 客户拒绝 · 1 …"
    pub summary: String,
    pub waiting: bool,
    pub note: Option<String>,
    /// Those that did not move first, then the rest.
    pub items: Vec<ItemView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HandoverView {
    /// `resigned` or `onjob`.
    pub kind: String,
    pub giver: String,
    pub taker: String,
    /// On-job only: the customers' ids as typed.
    pub ids: String,
    pub message: String,
    /// "12/200"
    pub message_count: String,
    pub message_note: Option<String>,
    pub can_message: bool,
    pub loading: bool,
    pub loaded: bool,
    pub customers: Vec<CandidateView>,
    pub chats: Vec<CandidateView>,
    /// "已选 250 / 250"
    pub selection: String,
    pub selected_count: usize,
    pub problem: Option<String>,
    /// The server says this member may not hand over.
    pub denied: bool,
    pub submitting: bool,
    /// A request is kept unanswered: Retry replays it.
    pub can_retry: bool,
    pub transfer: Option<TransferView>,
    /// The page's fixed labels in the member's language.
    pub labels: HandoverLabels,
}

fn t(m: &Localized, locale: Locale) -> String {
    m.get(locale).to_owned()
}

impl State {
    pub fn view(&self, locale: Locale) -> HandoverView {
        let now = self.now_secs;
        let too_long = Localized::new(
            "该成员离职已超过一年，不能交接",
            "The member left over a year ago: cannot move",
        );
        let customers: Vec<CandidateView> = self
            .customers
            .iter()
            .map(|c| CandidateView {
                id: c.id.clone(),
                selected: self.selected.contains(&c.id),
                blocked: transfer::resigned_too_long_ago(c.dimission_time, now)
                    .then(|| t(&too_long, locale)),
            })
            .collect();
        let chats: Vec<CandidateView> = self
            .chats
            .iter()
            .map(|c| CandidateView {
                id: c.clone(),
                selected: self.selected.contains(c),
                blocked: None,
            })
            .collect();
        let movable = self.movable().count();
        let n = self.selected.len();
        let selection = Localized::new(
            format!("已选 {n} / {movable}"),
            format!("{n} of {movable} selected"),
        );
        let transfer = self.transfer.as_ref().map(|tr| {
            let mut items: Vec<ItemView> = tr
                .items
                .iter()
                .map(|i| {
                    let failed = ItemState::from_word(&i.state).is_none_or(|s| s.is_failure());
                    ItemView {
                        id: i.id.clone(),
                        kind: i.kind.clone(),
                        state: i.state.clone(),
                        words: t(&item_words(i), locale),
                        call: i.call,
                        failed,
                    }
                })
                .collect();
            crate::support::sorting::sort_by_key(&mut items, |i| !i.failed);
            let summary: Vec<String> = tr
                .counts
                .iter()
                .map(|(word, n)| {
                    let words = ItemState::from_word(word)
                        .map(|s| t(&s.message(), locale))
                        .unwrap_or_else(|| word.clone());
                    format!("{n} {words}")
                })
                .collect();
            TransferView {
                id: tr.id.clone(),
                who: format!("{} → {}", tr.handover_userid, tr.takeover_userid),
                summary: summary.join(" · "),
                waiting: tr.waiting() > 0,
                note: tr.note_words().map(|n| t(&n, locale)),
                items,
            }
        });
        HandoverView {
            kind: self.kind.word().to_owned(),
            giver: self.giver_text.clone(),
            taker: self.taker_text.clone(),
            ids: self.ids_text.clone(),
            message: self.message.clone(),
            message_count: format!("{}/{HANDOVER_MESSAGE_MAX}", char_count(&self.message)),
            message_note: self.message_cut.then(|| {
                t(
                    &Localized::new(
                        format!("消息最多 {HANDOVER_MESSAGE_MAX} 个字，多出的已截去"),
                        format!("At most {HANDOVER_MESSAGE_MAX} characters; the rest was cut"),
                    ),
                    locale,
                )
            }),
            can_message: self.kind == Kind::Onjob,
            loading: self.loading(),
            loaded: self.loaded,
            customers,
            chats,
            selection: t(&selection, locale),
            selected_count: n,
            problem: self.problem.as_ref().map(|p| t(p, locale)),
            denied: self.denied,
            submitting: self.submitting(),
            can_retry: self.submission.is_some() && !self.submitting(),
            transfer,
            labels: labels::labels(locale),
        }
    }
}
