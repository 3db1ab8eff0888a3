//! The model: `{shared, launch, card, chat, handover}`. Each slice's state is its
//! own; `shared` is what the app keeps for the page as a whole.

use serde::{Deserialize, Serialize};

use crate::app::view::{Build, View};
use crate::card;
use crate::card::form::FormValues;
use crate::chat;
use crate::chat::templates::TemplateContext;
use crate::handover;
use crate::launch;
use crate::people;
use crate::protocol::config::Config;
use crate::protocol::ctx::Host;
use crate::protocol::effect::EffectId;
use crate::protocol::error::CoreError;
use crate::protocol::names::Names;
use crate::protocol::page::Route;
use crate::support::locale::{Locale, Localized};
use crate::support::sorted_map::SortedMap;
use crate::wecom::ids::{ExternalUserId, UserId};

/// The version of [`Model`]'s snapshot format. 2: the model in slices.
pub const SNAPSHOT_VERSION: u32 = 2;

/// What the app keeps for the page as a whole.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Shared {
    pub config: Option<Config>,
    pub locale: Locale,
    pub now: f64,
    pub visible: bool,
    pub online: bool,
    /// A non-blocking line above the page (offline, retrying, unknown entry).
    pub banner: Option<Localized>,
    /// A note about local storage (damaged entries, quota), shown when no
    /// other banner is; the slices' own banners do not wipe it.
    pub storage_note: Option<Localized>,
    /// The app's own outstanding effects: copies of damaged entries.
    pub pending: SortedMap<EffectId, Pending>,
    pub next_id: EffectId,
    /// The view as last rendered; not part of the snapshot.
    #[serde(skip)]
    pub rendered: Rendered,
    /// What the heavy parts of `rendered` were built from.
    #[serde(skip)]
    pub view_keys: PartKeys,
    /// Which slices the current dispatch has handed control to: the view
    /// parts that read nothing else touched are not rebuilt.
    #[serde(skip)]
    pub touched: Touched,
}
crate::support::stored::stored_struct!(Shared { config: "config", locale: "locale", now: "now", visible: "visible", online: "online", banner: "banner", storage_note: "storageNote", pending: "pending", next_id: "nextId"; skip: rendered, view_keys, touched });

/// The view as last rendered (`None` before the first render): what the
/// next render diffs against. A cache of the page, not state: a copy of
/// the model starts without it (and renders whole, as after a restore),
/// and two models compare equal whatever they rendered.
#[derive(Default)]
pub struct Rendered(pub Option<View>);

impl Rendered {
    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }
}

impl Clone for Rendered {
    fn clone(&self) -> Rendered {
        Rendered(None)
    }
}

impl PartialEq for Rendered {
    fn eq(&self, _: &Rendered) -> bool {
        true
    }
}

impl std::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_some() {
            "Rendered(..)"
        } else {
            "Rendered(None)"
        })
    }
}

/// The slices one dispatch may have changed. `all` when the event's path
/// is not one of the few that only reach slices through the app's wrappers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Touched {
    pub all: bool,
    pub launch: bool,
    pub card: bool,
    pub chat: bool,
    pub handover: bool,
}

impl Touched {
    pub const ALL: Touched = Touched {
        all: true,
        launch: true,
        card: true,
        chat: true,
        handover: true,
    };
}

/// What an outstanding effect of the app itself is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Pending {
    /// A damaged entry's copy under `wcc-quarantine:`; the original goes
    /// when it is acknowledged.
    Quarantine { key: String },
}
crate::support::stored::stored_enum!(Pending { Quarantine = "quarantine" { key: "key" } });

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    pub shared: Shared,
    pub launch: launch::State,
    pub card: card::State,
    pub chat: chat::State,
    /// Absent from snapshots written before the hand-over slice.
    #[serde(default)]
    pub handover: handover::State,
    /// Members' names. Absent from snapshots written before the people
    /// slice.
    #[serde(default)]
    pub people: people::State,
}
crate::support::stored::stored_struct!(Model {
    shared: "shared",
    launch: "launch",
    card: "card",
    chat: "chat",
    handover: "handover" = default,
    people: "people" = default
});

impl Model {
    pub fn new(config: Config) -> Result<Model, CoreError> {
        config.validate()?;
        let locale = config
            .locale
            .as_deref()
            .map(Locale::from_tag)
            .unwrap_or_default();
        Ok(Model {
            shared: Shared {
                config: Some(config),
                locale,
                online: true,
                ..Shared::default()
            },
            ..Model::default()
        })
    }

    /// The config names a locale, so the system language does not override it.
    pub fn locale_is_configured(&self) -> bool {
        self.shared
            .config
            .as_ref()
            .is_some_and(|c| c.locale.is_some())
    }

    /// What every slice may read, as of now.
    pub fn host(&self) -> Host {
        let info = self.launch.launch.as_ref();
        Host {
            now: self.shared.now,
            locale: self.shared.locale,
            base: self
                .shared
                .config
                .as_ref()
                .map(|c| c.base().to_owned())
                .unwrap_or_default(),
            session: self.launch.session.clone(),
            env: self.launch.env(),
            entry: self.launch.entry.clone(),
            qy_apis: self.launch.qy_apis(),
            has_qy: info.is_some_and(|l| l.has_qy),
            customer: self.card.external_userid.clone(),
            chat: self.chat.chat_id.clone(),
        }
    }

    /// Placeholder values for the composer, from the open card.
    pub fn template_context(&self, host: &Host) -> TemplateContext {
        let mine = self.card.my_follow(host.me()).map(|(fu, _)| fu);
        let c = self.card.customer.as_ref();
        TemplateContext {
            name: c.map(|c| c.name.clone()).filter(|s| !s.is_empty()),
            remark: mine
                .as_ref()
                .map(|f| f.remark.clone())
                .filter(|s| !s.is_empty()),
            company: mine
                .as_ref()
                .map(|f| f.remark_corp_name.clone())
                .filter(|s| !s.is_empty())
                .or_else(|| {
                    c.and_then(|c| c.corp_full_name.clone().or_else(|| c.corp_name.clone()))
                }),
            position: c.and_then(|c| c.position.clone()),
            // The member's name, never their userid ("我是zhangsan"): until
            // it is known, `{me}` counts as missing.
            me: host.me().and_then(|u| match self.people.member(u) {
                crate::wecom::members::MemberName::Known(n) => Some(n),
                _ => None,
            }),
        }
    }
}

/// What each heavy part of a render was built from. Two renders with equal
/// keys for a part show that part identically, so it is neither rebuilt
/// nor diffed (the view's cost follows the change, not the card's size).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartKeys {
    pub card: Option<(
        bool,
        Option<UserId>,
        Locale,
        u64,
        Option<FormValues>,
        Option<ExternalUserId>,
        u64,
    )>,
    pub tag_picker: Option<(bool, Option<UserId>, u64, Option<ExternalUserId>)>,
    pub group: Option<(bool, Locale, u64, u64)>,
    pub handover: Option<(bool, Locale, u64, usize)>,
    /// What the app itself shows above the slices, and whether the card's
    /// customer and the group chat are in (the status line reads them).
    pub shared: Option<(Locale, Option<Localized>, Option<Localized>, bool, bool)>,
}

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
