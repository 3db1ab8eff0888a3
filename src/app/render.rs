//! The render: the view built from the slices' parts, and the setData
//! patch between the view as last rendered and the new one, computed on
//! the typed views.
//!
//! Only the parts a dispatch may have changed are rebuilt ([`Build`]); the
//! others are moved over from the last render as they were. The rebuilt
//! parts are compared with the last render's as structs ([`Diff`]): equal
//! fields cost a comparison, and only what changed is written out as JSON.
//! The patch is exactly [`patch::diff`] of the two whole views' JSON (the
//! journeys check it on every dispatch).

use crate::app::labels::{page_labels, PageLabels};
use crate::app::model::{Model, PartKeys};
use crate::app::view::{Build, View};
use crate::card::form::{CharCounter, Field, FieldErrorView, FormValues, FormView};
use crate::card::form_labels::FormLabels;
use crate::card::view::{CardPart, CardView, TagOptionGroup};
use crate::chat::compose::ComposerView;
use crate::chat::templates::QuickReplyView;
use crate::chat::ChatPart;
use crate::handover::view::HandoverView;
use crate::launch::labels::{pick, HOME_INTRO};
use crate::launch::view::{status_text, title, NoticeView};
use crate::protocol::effect::Effect;
use crate::protocol::page::Route;
use crate::protocol::patch::{self, diff_as_value, diff_by_value, diff_struct, Diff, Patch};
use crate::wecom::groupchat::GroupChatView;

// The edit form is what a keystroke changes: diffed field by field.
diff_struct!(FormView {
    values: "values",
    remark: "remark",
    description: "description",
    remark_company: "remarkCompany",
    errors: "errors",
    changed: "changed",
    dirty: "dirty",
    can_save: "canSave",
    remark_company_allowed: "remarkCompanyAllowed",
    can_add_mobile: "canAddMobile",
    labels: "labels",
});
diff_struct!(FormValues {
    remark: "remark",
    description: "description",
    remark_company: "remarkCompany",
    mobiles: "mobiles",
});
diff_struct!(CharCounter {
    field: "field",
    count: "count",
    max: "max",
    text: "text",
    over: "over",
});
// The light rest changes seldom, or whole: compared as typed, through
// `Value` when it changed.
diff_as_value!(
    Route,
    Field,
    FieldErrorView,
    FormLabels,
    PageLabels,
    NoticeView
);
// The heavy parts are diffed only when rebuilt, through `Value`.
diff_by_value!(
    CardView,
    TagOptionGroup,
    GroupChatView,
    ComposerView,
    QuickReplyView,
    HandoverView
);

/// The view's top-level fields by the [`Build`] part that fills them:
/// `View::diff_built` compares the built ones, `View::keep_unbuilt` moves
/// the others over from the last render. Every field of [`View`] is in
/// exactly one part (the patterns do not compile otherwise).
macro_rules! view_parts {
    ($($part:ident: [$($field:ident: $name:literal),* $(,)?]),* $(,)?) => {
        impl View {
            /// Adds to `out` the patch from `old` to `self` over the parts
            /// `build` rebuilt.
            fn diff_built(&self, old: &View, build: Build, out: &mut Patch) {
                let View { $($($field: _,)*)* } = self;
                $(
                    if build.$part {
                        $( self.$field.diff_into(&old.$field, $name, out); )*
                    }
                )*
            }

            /// Moves the parts `build` did not rebuild over from `old`.
            fn keep_unbuilt(&mut self, old: &mut View, build: Build) {
                $(
                    if !build.$part {
                        $( std::mem::swap(&mut self.$field, &mut old.$field); )*
                    }
                )*
            }
        }

        /// The JSON names of the view's top-level fields, by part.
        pub const VIEW_PARTS: &[(&str, &[&str])] = &[$((stringify!($part), &[$($name),*])),*];
    };
}

view_parts! {
    card: [card: "card"],
    tag_picker: [tag_picker: "tagPicker"],
    group: [group: "group"],
    handover: [handover: "handover"],
    // The launch slice and the app's own lines.
    chrome: [
        route: "route",
        title: "title",
        status: "status",
        notice: "notice",
        banner: "banner",
        env: "env",
        entry: "entry",
        can_pick_customer: "canPickCustomer",
        can_hand_over: "canHandOver",
        home_intro: "homeIntro",
        labels: "labels",
    ],
    // The edit form and what sits beside it: the card slice.
    form: [
        form: "form",
        form_message: "formMessage",
        pending_saves: "pendingSaves",
        pending_saves_label: "pendingSavesLabel",
        tag_picker_label: "tagPickerLabel",
        can_back_to_card: "canBackToCard",
    ],
    // The composer and the quick replies: the chat slice.
    chat: [
        composer: "composer",
        compose_note: "composeNote",
        quick_replies: "quickReplies",
    ],
}

/// The whole view, every part built (the first render, `Core::view`).
pub fn view(model: &Model) -> View {
    view_with(model, Build::ALL)
}

/// The view with the parts `build` leaves out set to their empty values
/// (the render moves the last render's over them: `app::render`).
pub fn view_with(model: &Model, build: Build) -> View {
    let locale = model.shared.locale;
    let route = model.launch.route;
    let me = model.launch.session.as_ref().map(|s| &s.userid);
    let card = if build.card || build.tag_picker || build.form {
        model.card.view_parts(
            me,
            locale,
            route == Route::Card,
            build.card,
            build.tag_picker,
            &model.people,
        )
    } else {
        CardPart::default()
    };
    // Only the composer and the group read the whole host.
    let composing = matches!(route, Route::Compose | Route::Group);
    let chat = if composing && (build.chat || build.group) {
        let host = model.host();
        let tmpl = model.template_context(&host);
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
        labels: PageLabels::default(),
    };
    if build.chrome {
        let card_shown = model.card.customer.is_some() && me.is_some();
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
        view.env = model.launch.env().describe();
        view.entry = model.launch.entry.clone();
        view.can_pick_customer = route == Route::Home;
        view.can_hand_over = route == Route::Home;
        view.home_intro = pick(HOME_INTRO, locale);
        view.labels = page_labels(locale);
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

/// Diffs the current view against the last rendered one.
///
/// Only the parts whose inputs changed are rebuilt and compared: a part
/// whose [`PartKeys`] match the last render's, and that reads no slice
/// the dispatch touched, is moved over from it as it was. The patch is the
/// same as diffing the whole view.
pub fn render(model: &mut Model) -> Option<Effect> {
    let keys = PartKeys::of(model);
    let build = match model.shared.rendered.0 {
        Some(_) => keys.rebuild_since(&model.shared.view_keys, model.shared.touched),
        None => Build::ALL,
    };
    if build.nothing() {
        // Nothing the view reads changed: no view, no diff, no patch.
        return None;
    }
    let mut next = view_with(model, build);
    let patch = match model.shared.rendered.0.take() {
        Some(mut last) => {
            let mut patch = Patch::new();
            next.diff_built(&last, build, &mut patch);
            next.keep_unbuilt(&mut last, build);
            patch
        }
        // The first render sends every key.
        None => match patch::value_of(&next) {
            serde_json::Value::Object(all) => all,
            _ => Patch::new(),
        },
    };
    model.shared.rendered.0 = Some(next);
    model.shared.view_keys = keys;
    if patch.is_empty() {
        None
    } else {
        Some(Effect::Render { patch })
    }
}

/// The view as last rendered, as JSON (`null` before the first render).
pub fn rendered_value(model: &Model) -> serde_json::Value {
    patch::value_of(&model.shared.rendered.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::form::EditForm;
    use crate::card::form_labels;
    use crate::protocol::patch::FieldNames;
    use crate::support::locale::Locale;
    use crate::wecom::customer::CustomerKind;
    use serde::Serialize;
    use serde_json::{json, Value};

    fn keys_of<T: Serialize>(v: &T) -> Vec<String> {
        let mut keys: Vec<String> = match patch::value_of(v) {
            Value::Object(m) => m.keys().cloned().collect(),
            other => panic!("not an object: {other}"),
        };
        keys.sort();
        keys
    }

    fn names<T: FieldNames>() -> Vec<String> {
        let mut names: Vec<String> = T::FIELD_NAMES.iter().map(|s| s.to_string()).collect();
        names.sort();
        names
    }

    fn form(remark: &str, mobiles: &[&str]) -> FormView {
        let original = FormValues {
            remark: "李部长".into(),
            description: "对接采购事务".into(),
            remark_company: String::new(),
            mobiles: vec!["13800000001".into()],
        };
        let mut f = EditForm::from_values(original, CustomerKind::Wechat);
        f.values.remark = remark.into();
        f.values.mobiles = mobiles.iter().map(|m| m.to_string()).collect();
        f.view(Locale::Zh)
    }

    /// The typed diff, checked against the diff of the two values' JSON.
    fn both<T: Diff>(old: &T, new: &T, path: &str) -> Patch {
        let mut typed = Patch::new();
        new.diff_into(old, path, &mut typed);
        let wrap = |v: &T| json!({ path: patch::value_of(v) });
        assert_eq!(typed, patch::diff(&wrap(old), &wrap(new)));
        typed
    }

    #[test]
    fn the_diffed_structs_are_named_as_serde_writes_them() {
        let f = form("李", &[]);
        assert_eq!(names::<FormView>(), keys_of(&f));
        assert_eq!(names::<FormValues>(), keys_of(&f.values));
        assert_eq!(names::<CharCounter>(), keys_of(&f.remark));
    }

    #[test]
    fn the_view_parts_name_every_key_of_the_view_once() {
        let mut named: Vec<String> = VIEW_PARTS
            .iter()
            .flat_map(|(_, keys)| keys.iter().map(|k| k.to_string()))
            .collect();
        named.sort();
        let before = named.len();
        named.dedup();
        assert_eq!(named.len(), before, "a key in two parts");
        assert_eq!(named, keys_of(&view(&Model::default())));
    }

    #[test]
    fn a_keystroke_patches_the_changed_leaves_only() {
        let p = both(
            &form("李", &["13800000001"]),
            &form("李部", &["13800000001"]),
            "form",
        );
        assert_eq!(
            p,
            json!({"form.remark.count": 2, "form.remark.text": "2/20", "form.values.remark": "李部"})
                .as_object()
                .cloned()
                .unwrap()
        );
    }

    #[test]
    fn the_typed_diff_is_the_json_diff() {
        let cases = [
            (form("李", &[]), form("李", &[])),
            (form("李", &[]), form("李部长", &[])),
            (
                form("", &["1"]),
                form("一个很长很长很长很长很长很长的备注名超过二十", &["1"]),
            ),
            (
                form("李", &["13800000001"]),
                form("李", &["13800000001", "139"]),
            ),
            (
                form("李", &["13800000001", "139"]),
                form("李", &["13800000001"]),
            ),
            (form("李", &["abc"]), form("张", &[])),
        ];
        for (a, b) in &cases {
            both(a, b, "form");
            both(b, a, "form");
            both(&Some(a.clone()), &None, "form");
            both(&None, &Some(b.clone()), "form");
        }
        // An item added to a list is sent by index, or the list whole.
        both(
            &vec!["a".to_string()],
            &vec!["a".to_string(), "b".to_string()],
            "l",
        );
        let long = "x".repeat(40);
        both(
            &vec![long.clone()],
            &vec![long.clone(), "y".to_string()],
            "l",
        );
        // Labels change whole, with the locale.
        both(
            &form_labels::labels(Locale::Zh),
            &form_labels::labels(Locale::En),
            "labels",
        );
    }

    #[test]
    fn a_struct_sent_whole_when_smaller_than_its_changes() {
        let a = FormValues {
            remark: "a".into(),
            description: "b".into(),
            remark_company: "c".into(),
            mobiles: vec![],
        };
        let b = FormValues {
            remark: "d".into(),
            description: "e".into(),
            remark_company: "f".into(),
            mobiles: vec!["1".into()],
        };
        let p = both(&a, &b, "form.values");
        assert_eq!(p.keys().collect::<Vec<_>>(), vec!["form.values"]);
    }
}
