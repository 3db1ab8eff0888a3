//! The view model: everything the page renders, derived from the model.
//! The page's WXML reads these fields and nothing else.

use serde::Serialize;

use crate::app::{Model, Route};
use crate::card::form::FormView;
use crate::card::view::{card_view, CardView};
use crate::chat::compose::ComposerView;
use crate::chat::templates::{quick_reply_views, QuickReplyView};
use crate::launch::flow::Step;
use crate::support::locale::Localized;
use crate::wecom::groupchat::GroupChatView;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NoticeView {
    pub code: String,
    pub title: String,
    pub message: String,
    pub guidance: Option<String>,
    pub can_retry: bool,
}

/// One corp tag in the picker, and whether the customer has it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TagOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TagOptionGroup {
    pub group: String,
    pub tags: Vec<TagOption>,
}

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
    pub env: String,
    pub entry: Option<String>,
    pub card: Option<CardView>,
    pub form: Option<FormView>,
    pub form_message: Option<String>,
    /// Saves waiting in the outbox for this customer.
    pub pending_saves: usize,
    /// The corp tag list while the picker is open (tap `addTag`/`removeTag`).
    pub tag_picker: Option<Vec<TagOptionGroup>>,
    /// The composer was opened from a card: offer the way back.
    pub can_back_to_card: bool,
    pub group: Option<GroupChatView>,
    pub composer: Option<ComposerView>,
    pub compose_note: Option<String>,
    pub quick_replies: Vec<QuickReplyView>,
    pub can_pick_customer: bool,
}

fn status_text(step: Step) -> Localized {
    match step {
        Step::CheckingSession | Step::LoggingIn | Step::Exchanging => {
            Localized::new("正在登录…", "Signing in…")
        }
        Step::ReadingClient | Step::ReadingContext => {
            Localized::new("正在读取会话…", "Reading the chat…")
        }
        Step::Identifying => Localized::new("正在识别客户…", "Identifying the customer…"),
        Step::Fetching => Localized::new("正在加载…", "Loading…"),
        _ => Localized::new("正在加载…", "Loading…"),
    }
}

pub fn view(model: &Model) -> View {
    let t = |m: &Localized| model.text(m);
    let route = model.route;
    let title = match route {
        Route::Loading | Route::Notice => Localized::new("客户联系", "Customer contact"),
        Route::Card => Localized::new("客户资料", "Customer"),
        Route::Group => Localized::new("客户群", "Customer group"),
        Route::Compose => Localized::new("发送到聊天", "Send to chat"),
        Route::Home => Localized::new("客户联系", "Customer contact"),
    };
    let notice = model
        .notice
        .as_ref()
        .filter(|_| route == Route::Notice)
        .map(|n| NoticeView {
            code: n.code.clone(),
            title: t(&n.title),
            message: t(&n.message),
            guidance: n.guidance.as_ref().map(t),
            can_retry: n.can_retry,
        });
    let in_card = route == Route::Card;
    let me = model.session.as_ref().map(|s| s.userid.clone());
    let card = match (in_card, model.shown_customer(), &me) {
        (true, Some(c), Some(me)) => {
            Some(card_view(&c, me, model.locale, model.corp_tags.as_ref()))
        }
        _ => None,
    };
    let loading = matches!(route, Route::Loading)
        || (in_card && card.is_none())
        || (route == Route::Group && model.group.is_none());
    let form = if in_card {
        model.edit_form().map(|f| f.view(model.locale))
    } else {
        None
    };
    let composing = matches!(route, Route::Compose | Route::Group);
    let caps = if composing {
        Some(model.send_caps())
    } else {
        None
    };
    let ext = model.external_userid.as_ref().map(|e| e.as_str());
    let tag_picker = if in_card && model.tag_picker {
        tag_options(model)
    } else {
        None
    };
    View {
        route,
        title: t(&title),
        status: loading.then(|| t(&status_text(model.step))),
        notice,
        banner: model.banner.as_ref().or(model.storage_note.as_ref()).map(t),
        env: model.env().describe(),
        entry: model.entry.clone(),
        card,
        form,
        form_message: if in_card {
            model.form_message.as_ref().map(t)
        } else {
            None
        },
        pending_saves: ext.map_or(0, |e| {
            model
                .outbox
                .entries
                .iter()
                .filter(|x| x.external_userid == e && !x.parked)
                .count()
        }),
        tag_picker,
        can_back_to_card: route == Route::Compose && model.customer.is_some(),
        group: if route == Route::Group {
            model.group.as_ref().map(|g| g.view(model.locale))
        } else {
            None
        },
        composer: caps.as_ref().map(|c| model.composer.view(c, model.locale)),
        compose_note: if composing {
            model.compose_note.as_ref().map(t)
        } else {
            None
        },
        quick_replies: if composing {
            quick_reply_views(&model.template_context(), model.locale)
        } else {
            Vec::new()
        },
        can_pick_customer: route == Route::Home,
    }
}

fn tag_options(model: &Model) -> Option<Vec<TagOptionGroup>> {
    let corp = model.corp_tags.as_ref()?;
    let mine = model.my_follow().map(|(fu, _)| fu.tags).unwrap_or_default();
    let has = |id: &crate::wecom::ids::TagId| mine.iter().any(|t| t.tag_id.as_ref() == Some(id));
    Some(
        corp.groups
            .iter()
            .map(|g| TagOptionGroup {
                group: g.group_name.clone(),
                tags: g
                    .tags
                    .iter()
                    .map(|t| TagOption {
                        id: t.id.as_str().to_owned(),
                        name: t.name.clone(),
                        selected: has(&t.id),
                    })
                    .collect(),
            })
            .collect(),
    )
}
