//! The actions the pages can ask for: a closed set, parsed at the door.
//! A tap whose action the core does not know, or whose argument is not the
//! one that action takes, is refused as `bad_event` (the page and the core
//! disagree, and that must be loud), instead of being logged and dropped.

use serde::Deserialize;
use serde_json::Value;

use crate::chat::compose::MsgType;
use crate::chat::templates::QUICK_REPLIES;
use crate::wecom::ids::TagId;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // The page and the launch flow.
    Retry,
    DismissBanner,
    PickCustomer,
    OpenProfile,
    OpenChat,
    Home,
    Compose,
    Card,
    // The customer card.
    Edit,
    CancelEdit,
    AddMobile,
    RemoveMobile(usize),
    Save,
    TagPicker,
    AddTag(TagId),
    RemoveTag(TagId),
    Refresh,
    // The composer.
    MsgType(MsgType),
    EnterChat,
    QuickReply(&'static str),
    DismissResult,
    Send,
}

impl Action {
    /// Every action name the core accepts, for pages, tests and tools.
    pub const NAMES: &'static [&'static str] = &[
        "retry",
        "dismissBanner",
        "pickCustomer",
        "openProfile",
        "openChat",
        "home",
        "compose",
        "card",
        "edit",
        "cancelEdit",
        "addMobile",
        "removeMobile",
        "save",
        "tagPicker",
        "addTag",
        "removeTag",
        "refresh",
        "msgType",
        "enterChat",
        "quickReply",
        "dismissResult",
        "send",
    ];

    /// Reads a tap's `action` and `arg`. Actions without an argument ignore
    /// whatever the component passed.
    pub fn parse(name: &str, arg: &Value) -> Result<Action, String> {
        let text = || {
            arg.as_str()
                .ok_or_else(|| format!("{name} takes a string argument, got {arg}"))
        };
        Ok(match name {
            "retry" => Action::Retry,
            "dismissBanner" => Action::DismissBanner,
            "pickCustomer" => Action::PickCustomer,
            "openProfile" => Action::OpenProfile,
            "openChat" => Action::OpenChat,
            "home" => Action::Home,
            "compose" => Action::Compose,
            "card" => Action::Card,
            "edit" => Action::Edit,
            "cancelEdit" => Action::CancelEdit,
            "addMobile" => Action::AddMobile,
            "removeMobile" => {
                // Components pass data-arg as a number or as its text.
                let index = arg
                    .as_u64()
                    .or_else(|| arg.as_str().and_then(|s| s.trim().parse().ok()))
                    .and_then(|i| usize::try_from(i).ok())
                    .ok_or_else(|| format!("removeMobile takes an index, got {arg}"))?;
                Action::RemoveMobile(index)
            }
            "save" => Action::Save,
            "tagPicker" => Action::TagPicker,
            "addTag" | "removeTag" => {
                let id = TagId::parse(text()?).map_err(|e| format!("{name}: {e}"))?;
                if name == "addTag" {
                    Action::AddTag(id)
                } else {
                    Action::RemoveTag(id)
                }
            }
            "refresh" => Action::Refresh,
            "msgType" => Action::MsgType(
                MsgType::parse(text()?).map_err(|e| format!("msgType: {}", e.code()))?,
            ),
            "enterChat" => Action::EnterChat,
            "quickReply" => {
                let id = text()?;
                let q = QUICK_REPLIES.iter().find(|q| q.id == id).ok_or_else(|| {
                    format!(
                        "quickReply: no quick reply {:?}",
                        crate::support::text_preview(id)
                    )
                })?;
                Action::QuickReply(q.id)
            }
            "dismissResult" => Action::DismissResult,
            "send" => Action::Send,
            other => {
                return Err(format!(
                    "unknown action {:?}",
                    crate::support::text_preview(other)
                ))
            }
        })
    }
}

/// A tap as the shell sends it: `{type:"tap", action, arg?, now?}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "RawTap"))]
#[serde(try_from = "RawTap")]
pub struct Tap {
    pub action: Action,
    pub now: f64,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawTap {
    #[cfg_attr(feature = "ts", ts(type = "ActionName"))]
    action: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable, type = "unknown"))]
    arg: Value,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    now: f64,
}

impl TryFrom<RawTap> for Tap {
    type Error = String;
    fn try_from(raw: RawTap) -> Result<Tap, String> {
        Ok(Tap {
            action: Action::parse(&raw.action, &raw.arg)?,
            now: raw.now,
        })
    }
}

impl Tap {
    /// For tests and tools: the tap a page would send.
    pub fn new(action: &str, arg: Value, now: f64) -> Result<Tap, String> {
        Ok(Tap {
            action: Action::parse(action, &arg)?,
            now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_name_parses_with_a_fitting_argument() {
        for name in Action::NAMES {
            let arg = match *name {
                "removeMobile" => json!(0),
                "addTag" | "removeTag" => json!("etLevelA0001"),
                "msgType" => json!("news"),
                "quickReply" => json!(QUICK_REPLIES[0].id),
                _ => Value::Null,
            };
            assert!(Action::parse(name, &arg).is_ok(), "{name}");
        }
    }

    #[test]
    fn unknown_actions_and_bad_arguments_are_refused() {
        assert!(Action::parse("noSuchAction", &Value::Null).is_err());
        assert!(Action::parse("", &Value::Null).is_err());
        assert!(Action::parse("addTag", &json!(5)).is_err());
        assert!(Action::parse("addTag", &json!("has space")).is_err());
        assert!(Action::parse("removeMobile", &json!("x")).is_err());
        assert!(Action::parse("removeMobile", &json!(-1)).is_err());
        assert!(Action::parse("msgType", &json!("fax")).is_err());
        assert!(Action::parse("quickReply", &json!("nope")).is_err());
        assert_eq!(
            Action::parse("removeMobile", &json!("2")),
            Ok(Action::RemoveMobile(2))
        );
        // Argless actions ignore what a component passed.
        assert_eq!(Action::parse("save", &json!("x")), Ok(Action::Save));
    }
}
