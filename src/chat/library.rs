//! What the composer shows of the materials library, and where a material
//! is offered (its scope). Plain data: the library's rules are in
//! `chat::materials`, which builds these.

use serde::{Deserialize, Serialize};

/// Where a material is offered: every chat, one-to-one chats only, or group
/// chats only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    All,
    Single,
    Group,
}
crate::support::stored::stored_enum!(Scope { All = "all", Single = "single", Group = "group" });

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Single => "single",
            Scope::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        [Scope::All, Scope::Single, Scope::Group]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// Whether a material of this scope is offered in a chat of `here`
    /// (`Single` or `Group`).
    pub fn offered_in(self, here: Scope) -> bool {
        self == Scope::All || here == Scope::All || self == here
    }
}

/// One material as the composer lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MaterialItemView {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    /// The filled text, the link, or the file's name and size.
    pub preview: String,
    /// Whether tapping it sends it now.
    pub ready: bool,
    /// Why it cannot be sent yet ("缺少：客户名称", the media note).
    pub hint: Option<String>,
}

/// A group of quick replies, or the materials of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MaterialSectionView {
    pub key: String,
    /// The composer tab it shows under (a msgtype: text, news, miniprogram, image).
    pub tab: &'static str,
    pub title: String,
    pub items: Vec<MaterialItemView>,
}
