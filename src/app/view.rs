//! The view model: everything the page renders, composed from the slices'
//! parts. The page's WXML reads these fields and nothing else.

use serde::Serialize;

use crate::app::labels::{page_labels, PageLabels};
use crate::app::model::{Model, PartKeys, Touched};
use crate::card::form::FormView;
use crate::card::view::{CardPart, CardView, TagOptionGroup};
use crate::chat::compose::ComposerView;
use crate::chat::templates::QuickReplyView;
use crate::chat::templates::TemplateContext;
use crate::chat::ChatPart;
use crate::handover::view::HandoverView;
use crate::launch::labels::{pick, HOME_INTRO};
use crate::launch::view::{status_text, title};
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
/// [`PartKeys`]. The light fields come in three groups, rebuilt when a
/// slice they read was touched by the dispatch or the app's own lines
/// (`PartKeys::shared`) changed: `chrome` (route, title, status, notice,
/// banner, home: the launch slice and the app's lines), `form` (the edit
/// form and what sits beside it: the card) and `chat` (composer, replies:
/// the chat slice, with the card's names for the templates).
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

    /// The view's top-level keys each part fills, for the ones not built.
    pub fn kept_keys(&self) -> Vec<&'static str> {
        let mut keys = Vec::new();
        for (built, names) in [
            (self.card, &["card"][..]),
            (self.tag_picker, &["tagPicker"][..]),
            (self.group, &["group"][..]),
            (self.handover, &["handover"][..]),
            (self.chrome, CHROME_KEYS),
            (self.form, FORM_KEYS),
            (self.chat, CHAT_KEYS),
        ] {
            if !built {
                keys.extend_from_slice(names);
            }
        }
        keys
    }
}

/// The top-level keys of the `chrome` group.
pub const CHROME_KEYS: &[&str] = &[
    "route",
    "title",
    "status",
    "notice",
    "banner",
    "env",
    "entry",
    "canPickCustomer",
    "canHandOver",
    "homeIntro",
    "labels",
];
/// The top-level keys of the `form` group.
pub const FORM_KEYS: &[&str] = &[
    "form",
    "formMessage",
    "pendingSaves",
    "pendingSavesLabel",
    "tagPickerLabel",
    "canBackToCard",
];
/// The top-level keys of the `chat` group.
pub const CHAT_KEYS: &[&str] = &["composer", "composeNote", "quickReplies"];

impl PartKeys {
    pub fn of(model: &Model) -> PartKeys {
        let route = model.launch.route;
        let me = model.launch.session.as_ref().map(|s| s.userid.clone());
        let card = &model.card;
        PartKeys {
            card: Some((
                route == Route::Card,
                me.clone(),
                model.shared.locale,
                card.rev,
                card.overlay().cloned(),
                card.external_userid.clone(),
                model.people.rev,
            )),
            tag_picker: Some((
                route == Route::Card && card.tag_picker,
                me,
                card.rev,
                card.external_userid.clone(),
            )),
            group: Some((
                route == Route::Group,
                model.shared.locale,
                model.chat.rev,
                model.people.rev,
            )),
            handover: Some((
                route == Route::Handover,
                model.shared.locale,
                model.handover.rev,
                // The app takes answered ids out before the slice sees them.
                model.handover.pending.len() + model.handover.parked.len(),
            )),
            shared: Some((
                model.shared.locale,
                model.shared.banner.clone(),
                model.shared.storage_note.clone(),
                // The status line reads whether the card and the group are in.
                model.card.customer.is_some(),
                model.chat.group.is_some(),
            )),
        }
    }

    /// The parts whose keys differ from `older`'s, or that read a slice
    /// `touched` marks: only they are rebuilt.
    pub fn rebuild_since(&self, older: &PartKeys, touched: Touched) -> Build {
        let shared = self.shared != older.shared || touched.all;
        Build {
            card: self.card != older.card,
            tag_picker: self.tag_picker != older.tag_picker,
            group: self.group != older.group,
            handover: self.handover != older.handover,
            chrome: shared || touched.launch,
            form: shared || touched.launch || touched.card,
            chat: shared || touched.launch || touched.card || touched.chat,
        }
    }
}

pub fn view(model: &Model) -> View {
    view_with(model, Build::ALL)
}

/// The view with the parts `build` leaves out set to their empty values
/// (the caller moves the last render's over them).
pub fn view_with(model: &Model, build: Build) -> View {
    let host = model.host();
    let locale = model.shared.locale;
    let route = model.launch.route;
    let card = if build.card || build.tag_picker || build.form {
        model.card.view_parts(
            host.me(),
            locale,
            route == Route::Card,
            build.card,
            build.tag_picker,
            &model.people,
        )
    } else {
        CardPart::default()
    };
    let composing = matches!(route, Route::Compose | Route::Group);
    let chat = if build.chat || build.group {
        let tmpl = if composing {
            model.template_context(&host)
        } else {
            TemplateContext::default()
        };
        model
            .chat
            .view_parts(&host, &tmpl, route, build.group, &model.people)
    } else {
        ChatPart::default()
    };
    let mut view = View {
        route,
        title: String::new(),
        status: None,
        notice: None,
        banner: None,
        env: String::new(),
        entry: None,
        card: card.card,
        form: None,
        form_message: None,
        pending_saves: 0,
        pending_saves_label: None,
        tag_picker: card.tag_picker,
        tag_picker_label: String::new(),
        can_back_to_card: false,
        group: chat.group,
        composer: None,
        compose_note: None,
        quick_replies: Vec::new(),
        can_pick_customer: false,
        can_hand_over: false,
        handover: (route == Route::Handover && build.handover).then(|| model.handover.view(locale)),
        home_intro: String::new(),
        // Small, and the same for a locale: built every time, kept with `chrome`.
        labels: page_labels(locale),
    };
    if build.chrome {
        let card_shown = model.card.customer.is_some() && host.me().is_some();
        let loading = matches!(route, Route::Loading)
            || (route == Route::Card && !card_shown)
            || (route == Route::Group && model.chat.group.is_none());
        view.title = title(route).get(locale).to_owned();
        view.status = loading.then(|| status_text(model.launch.step).get(locale).to_owned());
        view.notice = model.launch.notice_view(locale);
        view.banner = model
            .shared
            .banner
            .as_ref()
            .or(model.shared.storage_note.as_ref())
            .map(|m| m.get(locale).to_owned());
        view.env = host.env.describe();
        view.entry = model.launch.entry.clone();
        view.can_pick_customer = route == Route::Home;
        view.can_hand_over = route == Route::Home;
        view.home_intro = pick(HOME_INTRO, locale);
    }
    if build.form {
        view.form = card.form;
        view.form_message = card.form_message;
        view.pending_saves = card.pending_saves;
        view.pending_saves_label = card.pending_saves_label;
        view.tag_picker_label = card.tag_picker_label;
        view.can_back_to_card = route == Route::Compose && model.card.customer.is_some();
    }
    if build.chat {
        view.composer = chat.composer;
        view.compose_note = chat.compose_note;
        view.quick_replies = chat.quick_replies;
    }
    view
}
