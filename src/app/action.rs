//! The actions the pages can ask for: a closed set, parsed at the door.
//! A tap whose action the core does not know, or whose argument is not the
//! one that action takes, is refused as `bad_event` (the page and the core
//! disagree, and that must be loud), instead of being logged and dropped.

use serde::Deserialize;
use serde_json::Value;

/// A tap's action: the union of the slices' own taps, plus the page
/// chrome's, which the app keeps.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Dismiss the line above the page.
    DismissBanner,
    Launch(crate::launch::Tap),
    Card(crate::card::Tap),
    Chat(crate::chat::Tap),
    Handover(crate::handover::Tap),
}

impl Action {
    /// Every action name the core accepts, for pages, tests and tools.
    pub fn names() -> impl Iterator<Item = &'static str> {
        std::iter::once("dismissBanner")
            .chain(crate::launch::Tap::NAMES.iter().copied())
            .chain(crate::card::Tap::NAMES.iter().copied())
            .chain(crate::chat::Tap::NAMES.iter().copied())
            .chain(crate::handover::Tap::NAMES.iter().copied())
    }

    /// Reads a tap's `action` and `arg`; each slice reads its own.
    pub fn parse(name: &str, arg: &Value) -> Result<Action, String> {
        if name == "dismissBanner" {
            return Ok(Action::DismissBanner);
        }
        if let Some(tap) = crate::launch::Tap::parse(name, arg) {
            return tap.map(Action::Launch);
        }
        if let Some(tap) = crate::card::Tap::parse(name, arg) {
            return tap.map(Action::Card);
        }
        if let Some(tap) = crate::chat::Tap::parse(name, arg) {
            return tap.map(Action::Chat);
        }
        if let Some(tap) = crate::handover::Tap::parse(name, arg) {
            return tap.map(Action::Handover);
        }
        Err(format!(
            "unknown action {:?}",
            crate::support::text_preview(name)
        ))
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
    /// Reads a tap's fields (`action`, `arg`, `now`) out of its event.
    pub fn read(f: &mut crate::support::fields::Fields) -> Result<Tap, String> {
        let action = f.string("action")?;
        let arg = f.value("arg");
        Ok(Tap {
            action: Action::parse(&action, &arg)?,
            now: f.f64_or_zero("now")?,
        })
    }

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
    use crate::chat::templates::QUICK_REPLIES;
    use serde_json::json;

    #[test]
    fn every_name_parses_with_a_fitting_argument() {
        for name in Action::names() {
            let arg = match name {
                "removeMobile" => json!(0),
                "addTag" | "removeTag" | "undoRemoveTag" => json!("etLevelA0001"),
                "expandTags" | "collapseTags" => json!("客户等级"),
                "callPhone" => json!("zhangsan/0"),
                "copyAttr" => json!(1),
                "msgType" => json!("news"),
                "quickReply" => json!(QUICK_REPLIES[0].id),
                "sendMaterial" => json!("mat_0001"),
                "handoverKind" => json!("onjob"),
                "handoverToggle" => json!("wmHandover0000000000000000000001"),
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
        assert!(Action::parse("handoverKind", &json!("fired")).is_err());
        assert!(Action::parse("handoverToggle", &json!("not an id")).is_err());
        assert!(Action::parse("handoverToggle", &json!(3)).is_err());
        assert!(Action::parse("callPhone", &json!("zhangsan")).is_err());
        assert!(Action::parse("callPhone", &json!("bad id/0")).is_err());
        assert!(Action::parse("callPhone", &json!("lisi/x")).is_err());
        assert!(Action::parse("callPhone", &json!(13800138000u64)).is_err());
        assert!(Action::parse("copyAttr", &json!("one")).is_err());
        assert!(Action::parse("expandTags", &json!(3)).is_err());
        assert!(Action::parse("expandTags", &json!("长".repeat(201))).is_err());
        assert!(Action::parse("undoRemoveTag", &json!("not a tag")).is_err());
        assert_eq!(
            Action::parse("removeMobile", &json!("2")),
            Ok(Action::Card(crate::card::Tap::RemoveMobile(2)))
        );
        // Argless actions ignore what a component passed.
        assert_eq!(
            Action::parse("save", &json!("x")),
            Ok(Action::Card(crate::card::Tap::Save))
        );
    }

    #[test]
    fn no_two_slices_claim_one_name() {
        let mut names: Vec<&str> = Action::names().collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
