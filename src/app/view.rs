//! The view model: everything the page renders, composed from the slices'
//! parts (`app::render` builds it). The page's WXML reads these fields and
//! nothing else.

use serde::Serialize;

use crate::app::labels::PageLabels;
use crate::card::form::FormView;
use crate::card::view::{CardView, TagOptionGroup};
use crate::chat::compose::ComposerView;
use crate::chat::templates::QuickReplyView;
use crate::handover::view::HandoverView;
use crate::protocol::page::Route;
use crate::wecom::groupchat::GroupChatView;

pub use crate::card::view::TagOption;
pub use crate::launch::view::NoticeView;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct View {
    pub route: Route,
    pub title: String,
    /// A line while something loads.
    pub status: Option<String>,
    pub notice: Option<NoticeView>,
    pub banner: Option<String>,
    /// For support tickets: "wecom 4.1.36 android, base library 3.4.0".
    /// Shown on the engine/support page (fallback/pages/engine), not home.
    pub env: String,
    pub entry: Option<String>,
    pub card: Option<CardView>,
    pub form: Option<FormView>,
    pub form_message: Option<String>,
    /// Saves waiting in the outbox for this customer.
    pub pending_saves: usize,
    /// "有 N 项修改等待同步到企业微信", in the member's language.
    pub pending_saves_label: Option<String>,
    /// The corp tag list while the picker is open (tap `addTag`/`removeTag`).
    pub tag_picker: Option<Vec<TagOptionGroup>>,
    /// The picker's toggle link, in the member's language: it says what a
    /// tap does (open or close). The page shows this, not its own guess
    /// from `tagPicker` (a `null` Array property arrives as `[]`, truthy).
    pub tag_picker_label: String,
    /// The composer was opened from a card: offer the way back.
    pub can_back_to_card: bool,
    pub group: Option<GroupChatView>,
    pub composer: Option<ComposerView>,
    pub compose_note: Option<String>,
    pub quick_replies: Vec<QuickReplyView>,
    pub can_pick_customer: bool,
    /// Home offers the hand-over (the server decides who may use it).
    pub can_hand_over: bool,
    /// The hand-over page, while it is shown.
    pub handover: Option<HandoverView>,
    /// Home's one-line intro, in the member's language only.
    pub home_intro: String,
    /// The fixed labels of home, the banner, the notice and the page's own
    /// buttons, in the member's language (`app::labels`).
    pub labels: PageLabels,
}

/// Which parts to build: the others the caller holds as they were.
///
/// The heavy parts (`card`, `tag_picker`, `group`, `handover`) follow their
/// `PartKeys`. The light fields come in three groups, rebuilt when a
/// slice they read was touched by the dispatch or the app's own lines
/// (`PartKeys::shared`) changed: `chrome` (route, title, status, notice,
/// banner, home: the launch slice and the app's lines), `form` (the edit
/// form and what sits beside it: the card) and `chat` (composer, replies:
/// the chat slice, with the card's names for the templates). Which field
/// is in which part: `app::render::VIEW_PARTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Build {
    pub card: bool,
    pub tag_picker: bool,
    pub group: bool,
    pub handover: bool,
    pub chrome: bool,
    pub form: bool,
    pub chat: bool,
}

impl Build {
    pub const ALL: Build = Build {
        card: true,
        tag_picker: true,
        group: true,
        handover: true,
        chrome: true,
        form: true,
        chat: true,
    };

    pub fn nothing(&self) -> bool {
        *self
            == Build {
                card: false,
                tag_picker: false,
                group: false,
                handover: false,
                chrome: false,
                form: false,
                chat: false,
            }
    }
}
