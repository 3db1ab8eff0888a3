//! Which page shows, and the blocking notice: the words slices use to ask
//! the app for a page.

use serde::{Deserialize, Serialize};

use crate::support::locale::Localized;

/// Where the page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Route {
    #[default]
    Loading,
    /// A blocking message with guidance.
    Notice,
    Card,
    Group,
    Compose,
    Home,
    /// Handing a member's customers over (admins; the server decides who).
    Handover,
}
crate::support::stored::stored_enum!(Route { Loading = "loading", Notice = "notice", Card = "card", Group = "group", Compose = "compose", Home = "home", Handover = "handover" });

/// A message that replaces the page: what happened, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub code: String,
    pub title: Localized,
    pub message: Localized,
    pub guidance: Option<Localized>,
    pub can_retry: bool,
}
crate::support::stored::stored_struct!(Notice {
    code: "code",
    title: "title",
    message: "message",
    guidance: "guidance",
    can_retry: "canRetry"
});
