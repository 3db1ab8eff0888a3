//! The TypeScript face of what crosses [`crate::boundary`] (`--features ts`
//! only; the wasm build has none of it): `new Core(config: Config)`,
//! `core.dispatch(event: Event): Effect[]` and `core.view(): View`.
//!
//! The declarations come from the Rust types themselves: ts-rs derives them
//! (`#[cfg_attr(feature = "ts", derive(ts_rs::TS))]` beside the serde derive)
//! and reads the serde attributes, so a renamed field, a new variant or a
//! new action changes the TypeScript too. `tools/typescript.rs` writes
//! [`declarations`] to `miniprogram/core/types.d.ts` (`make types`).
//!
//! How the Rust shapes read in TypeScript:
//! - `Option<T>` is `T | null` (the boundary turns `None` into `null`);
//! - a `#[serde(default)]` field of an event or the config may be left out
//!   (`ts(optional = nullable)`: `name?: T`, keeping its type);
//! - `serde_json::Value` is `JsonValue` where the core writes it, and
//!   `unknown` where the shell passes something through (system info,
//!   callback results, a tap's `arg`);
//! - the few types without a derive are here: [`ActionName`] (from
//!   [`Action::names`]), [`Api`] (from [`Api::name`], its serde form) and
//!   [`Patch`]. The fields that use the first and the last name them by
//!   their TypeScript name (`ts(type = "ActionName")`), so the lower layers
//!   name nothing of the app's, and [`declarations`] declares both itself.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use ts_rs::{Config as TsConfig, TypeVisitor, TS};

use crate::app::action::Action;
use crate::app::event::Event;
use crate::app::view::View;
use crate::protocol::config::Config;
use crate::protocol::effect::Effect;
use crate::wecom::capabilities::Api;

/// `"a" | "b" | …`, in the given order.
fn string_union<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<String> = names
        .into_iter()
        .map(|n| serde_json::to_string(n).unwrap_or_default())
        .collect();
    names.join(" | ")
}

/// Implements [`TS`] for a type declared by hand here: its name, docs and
/// inline form; it depends on nothing but `deps`.
macro_rules! declared {
    ($ty:ty, $name:literal, $docs:literal, |$cfg:ident| $inline:expr $(, deps: $($dep:ty),*)?) => {
        impl TS for $ty {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &TsConfig) -> String {
                $name.to_owned()
            }
            fn docs() -> Option<String> {
                Some(ts_rs::format_docs(&[$docs]))
            }
            fn inline($cfg: &TsConfig) -> String {
                $inline
            }
            fn decl(cfg: &TsConfig) -> String {
                format!("type {} = {};", $name, Self::inline(cfg))
            }
            fn decl_concrete(cfg: &TsConfig) -> String {
                Self::decl(cfg)
            }
            fn output_path() -> Option<PathBuf> {
                Some(PathBuf::from(concat!($name, ".ts")))
            }
            fn visit_dependencies(_v: &mut impl TypeVisitor)
            where
                Self: 'static,
            {
                $($(_v.visit::<$dep>();)*)?
            }
        }
    };
}

/// The type of a tap's `action`: every name in [`Action::names`].
pub struct ActionName;

declared!(
    ActionName,
    "ActionName",
    " Every action a tap may name (`Action::names`); any other is refused as `bad_event`.",
    |_cfg| string_union(Action::names())
);

declared!(
    Api,
    "Api",
    " A `wx.qy` function the core calls (`Api::ALL`).",
    |_cfg| string_union(Api::ALL.iter().map(|a| a.name()))
);

/// The type of a render effect's `patch` ([`crate::protocol::patch::Patch`]).
pub struct Patch;

declared!(
    Patch,
    "Patch",
    " One `setData` payload: path keys (`card.mine.remark`, `colleagues[3].name`) to values; `null` for a key that is gone.",
    |cfg| format!("{{ [path in string]: {} }}", <serde_json::Value as TS>::name(cfg)),
    deps: serde_json::Value
);

/// Collects the declarations a type needs, its own first, by TypeScript name.
struct Collect<'a> {
    cfg: &'a TsConfig,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
}

impl Collect<'_> {
    fn add<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = T::ident(self.cfg);
        let text = format!(
            "{}export {}\n",
            T::docs().unwrap_or_default(),
            T::decl(self.cfg)
        );
        if let Some(other) = self.decls.insert(name.clone(), text.clone()) {
            assert_eq!(
                other, text,
                "two Rust types are both `{name}` in TypeScript"
            );
        }
        T::visit_dependencies(self);
    }
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        self.add::<T>();
    }
}

/// The text of `types.d.ts`: [`Config`], [`Event`], [`Effect`], [`View`]
/// and every type they use, sorted by name.
pub fn declarations() -> String {
    let cfg = TsConfig::new().with_large_int("number");
    let mut c = Collect {
        cfg: &cfg,
        seen: HashSet::new(),
        decls: BTreeMap::new(),
    };
    c.add::<Config>();
    c.add::<Event>();
    c.add::<Effect>();
    c.add::<View>();
    // Named by `ts(type = …)` in the tap and the render effect.
    c.add::<ActionName>();
    c.add::<Patch>();
    let mut out = String::from(
        "// Generated from the core's Rust types by ts-rs (make types: tools/typescript.rs,\n\
         // src/app/typescript.rs). Do not edit. `new Core(config: Config)`,\n\
         // `core.dispatch(event: Event): Effect[]`, `core.view(): View`.\n",
    );
    for text in c.decls.values() {
        out.push('\n');
        out.push_str(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl_of(all: &str, name: &str) -> String {
        let start = all
            .find(&format!("export type {name} = "))
            .unwrap_or_else(|| panic!("no {name} in\n{all}"));
        let rest = &all[start..];
        rest[..rest.find(";\n").map_or(rest.len(), |e| e + 1)].to_owned()
    }

    #[test]
    fn action_name_is_every_name_the_core_parses() {
        let all = declarations();
        let union = decl_of(&all, "ActionName");
        let listed: Vec<&str> = union
            .trim_start_matches("export type ActionName = ")
            .trim_end_matches(';')
            .split(" | ")
            .map(|s| s.trim_matches('"'))
            .collect();
        assert_eq!(listed, Action::names().collect::<Vec<_>>());
        assert!(decl_of(&all, "Tap").contains("action: ActionName"));
    }

    #[test]
    fn api_is_the_serialized_names() {
        let all = declarations();
        let union = decl_of(&all, "Api");
        for api in Api::ALL {
            let json = serde_json::to_string(&api).unwrap();
            assert!(union.contains(&json), "{json} missing from {union}");
        }
    }

    #[test]
    fn serde_attributes_shape_the_declarations() {
        let all = declarations();
        // tag = "type", rename_all camelCase, a newtype variant, defaults optional.
        let event = decl_of(&all, "Event");
        assert!(event.contains(r#"{ "type": "tap" } & Tap"#), "{event}");
        assert!(event.contains(r#""type": "networkChanged""#), "{event}");
        assert!(event.contains("hasQy?: boolean"), "{event}");
        assert!(event.contains("systemInfo: unknown"), "{event}");
        assert!(event.contains("index?: number | null"), "{event}");
        // tag = "kind"; the patch and the api by name; u32 as number.
        let effect = decl_of(&all, "Effect");
        assert!(effect.contains(r#""kind": "storageSet""#), "{effect}");
        assert!(effect.contains("patch: Patch"), "{effect}");
        assert!(effect.contains("api: Api"), "{effect}");
        assert!(effect.contains("afterMs: number"), "{effect}");
        // Option is `| null`; unit enums are string unions.
        let view = decl_of(&all, "View");
        assert!(view.contains("card: CardView | null"), "{view}");
        assert!(view.contains("route: Route"), "{view}");
        assert!(decl_of(&all, "Route").contains(r#""loading""#));
        assert!(decl_of(&all, "Config").contains("locale?: string | null"));
        // Large integers are plain numbers in JSON.
        assert!(decl_of(&all, "MemberView").contains("joinTime: number | null"));
    }
}
