//! Reading back what the core itself wrote: snapshots and its own storage
//! entries (drafts, the outbox, cached lists).
//!
//! The shapes are the ones the derived `Serialize` writes (serde's defaults:
//! structs as objects, enums externally tagged, unit variants as strings).
//! They were read with derived `Deserialize` too, whose visitors, one set per
//! type, were a third of the wasm (`make size`). [`Stored`] reads them with
//! a handful of generic functions instead; [`stored_struct!`] and
//! [`stored_enum!`] write a type's reader from its field and variant names.
//! The derives stay where the server or tests use them (they are not in the
//! wasm unless called), and the native journeys check after every dispatch
//! that both readers restore the same model from the same snapshot.
//!
//! As with the derived reader: a missing `Option` field is `None`, a field
//! marked `= default` may be missing (or `null`), any other missing field is
//! an error, and fields the type does not know are ignored (a snapshot is
//! only ever read by the version that wrote it or a newer one).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::fields::kind_of;

/// A value the core wrote and reads back.
pub trait Stored: Sized {
    fn read_stored(v: Value) -> Result<Self, String>;

    /// What a missing field reads as; `None`: it must be there.
    fn when_missing() -> Option<Self> {
        None
    }
}

/// Reads a JSON text as a `T`.
pub fn read_text<T: Stored>(json: &str) -> Result<T, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    T::read_stored(v)
}

fn wrong(want: &str, got: &Value) -> String {
    format!("expected {want}, found {}", kind_of(got))
}

/// The fields of an object.
pub fn object(v: Value, what: &str) -> Result<Map<String, Value>, String> {
    match v {
        Value::Object(map) => Ok(map),
        other => Err(format!("{what}: {}", wrong("an object", &other))),
    }
}

// The generic readers below are written as plain loops and `match`es, with
// every message built by a non-generic function: each is monomorphised once
// per stored type, so iterator adapters and `format!` inside them would be
// paid for dozens of times over in the wasm.

pub(crate) fn at_key(key: &str, e: String) -> String {
    format!("`{key}`: {e}")
}

fn at_index(i: usize, e: String) -> String {
    format!("[{i}]: {e}")
}

/// A field that must be there, unless its type says what missing means.
pub fn field<T: Stored>(map: &mut Map<String, Value>, key: &str) -> Result<T, String> {
    let read = match map.remove(key) {
        Some(v) => T::read_stored(v),
        None => match T::when_missing() {
            Some(t) => Ok(t),
            None => Err("missing".to_owned()),
        },
    };
    match read {
        Ok(t) => Ok(t),
        Err(e) => Err(at_key(key, e)),
    }
}

/// A field that may be missing or `null`: then its default.
pub fn field_or_default<T: Stored + Default>(
    map: &mut Map<String, Value>,
    key: &str,
) -> Result<T, String> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(v) => match T::read_stored(v) {
            Ok(t) => Ok(t),
            Err(e) => Err(at_key(key, e)),
        },
    }
}

/// An externally tagged enum value: a unit variant is its name; any other
/// variant is `{name: body}`.
pub fn variant(v: Value) -> Result<(String, Value), String> {
    match v {
        Value::String(name) => Ok((name, Value::Null)),
        Value::Object(map) if map.len() == 1 => Ok(map.into_iter().next().expect("one entry")),
        other => Err(wrong("a variant name or a one-field object", &other)),
    }
}

/// A variant name the enum does not have.
pub fn unknown_variant(what: &str, name: &str) -> String {
    format!("unknown {what} variant {:?}", super::text_preview(name))
}

impl Stored for Value {
    fn read_stored(v: Value) -> Result<Self, String> {
        Ok(v)
    }

    fn when_missing() -> Option<Self> {
        Some(Value::Null)
    }
}

impl Stored for String {
    fn read_stored(v: Value) -> Result<Self, String> {
        match v {
            Value::String(s) => Ok(s),
            other => Err(wrong("a string", &other)),
        }
    }
}

impl Stored for bool {
    fn read_stored(v: Value) -> Result<Self, String> {
        v.as_bool().ok_or_else(|| wrong("a boolean", &v))
    }
}

impl Stored for f64 {
    fn read_stored(v: Value) -> Result<Self, String> {
        v.as_f64().ok_or_else(|| wrong("a number", &v))
    }
}

/// A whole number in `T`'s range.
fn whole<T: TryFrom<u64> + TryFrom<i64>>(v: &Value) -> Result<T, String> {
    let fits = match v.as_u64() {
        Some(n) => T::try_from(n).ok(),
        None => v.as_i64().and_then(|n| T::try_from(n).ok()),
    };
    fits.ok_or_else(|| match v {
        Value::Number(n) => format!("{n} is not a whole number in range"),
        other => wrong("a whole number", other),
    })
}

macro_rules! stored_whole {
    ($($t:ty),*) => {$(
        impl Stored for $t {
            fn read_stored(v: Value) -> Result<Self, String> {
                whole(&v)
            }
        }
    )*};
}
stored_whole!(u16, u32, u64, usize, i64);

impl<T: Stored> Stored for Option<T> {
    fn read_stored(v: Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::read_stored(v).map(Some),
        }
    }

    fn when_missing() -> Option<Self> {
        Some(None)
    }
}

/// The items of an array.
fn array(v: Value) -> Result<Vec<Value>, String> {
    match v {
        Value::Array(items) => Ok(items),
        other => Err(wrong("an array", &other)),
    }
}

impl<T: Stored> Stored for Vec<T> {
    fn read_stored(v: Value) -> Result<Self, String> {
        let items = array(v)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match T::read_stored(item) {
                Ok(t) => out.push(t),
                Err(e) => return Err(at_index(i, e)),
            }
        }
        Ok(out)
    }
}

impl<T: Stored + Ord> Stored for BTreeSet<T> {
    fn read_stored(v: Value) -> Result<Self, String> {
        let mut out = BTreeSet::new();
        for (i, item) in array(v)?.into_iter().enumerate() {
            match T::read_stored(item) {
                Ok(t) => {
                    out.insert(t);
                }
                Err(e) => return Err(at_index(i, e)),
            }
        }
        Ok(out)
    }
}

/// A map key as JSON writes it: always a string.
pub trait StoredKey: Sized {
    fn read_key(key: String) -> Result<Self, String>;
}

impl StoredKey for String {
    fn read_key(key: String) -> Result<Self, String> {
        Ok(key)
    }
}

impl StoredKey for u32 {
    fn read_key(key: String) -> Result<Self, String> {
        key.parse().map_err(|_| {
            format!(
                "the key {:?} is not a whole number",
                super::text_preview(&key)
            )
        })
    }
}

/// Writes `Stored` for a struct from its fields and their JSON names:
/// `stored_struct!(Type { field: "jsonName", other: "other" = default; skip: a, b })`.
/// `= default` fields may be missing; `skip` fields (not written) start at
/// their default.
macro_rules! stored_struct {
    ($ty:ident { $($field:ident : $key:literal $(= $default:ident)?),* $(,)? $(; skip: $($skipped:ident),* $(,)?)? }) => {
        impl $crate::support::stored::Stored for $ty {
            fn read_stored(v: serde_json::Value) -> Result<Self, String> {
                #[allow(unused_mut)]
                let mut map = $crate::support::stored::object(v, stringify!($ty))?;
                Ok($ty {
                    $($field: $crate::support::stored::stored_struct!(@field map $key $($default)?),)*
                    $($($skipped: Default::default(),)*)?
                })
            }
        }
    };
    (@field $map:ident $key:literal) => {
        $crate::support::stored::field(&mut $map, $key)?
    };
    (@field $map:ident $key:literal default) => {
        $crate::support::stored::field_or_default(&mut $map, $key)?
    };
}

/// Writes `Stored` for an externally tagged enum:
/// `stored_enum!(Type { Unit = "unit", WithFields = "withFields" { field: "field" = default } })`.
macro_rules! stored_enum {
    ($ty:ident { $($variant:ident = $tag:literal $({ $($field:ident : $key:literal $(= $default:ident)?),* $(,)? })?),* $(,)? }) => {
        impl $crate::support::stored::Stored for $ty {
            fn read_stored(v: serde_json::Value) -> Result<Self, String> {
                #[allow(unused_variables)]
                let (name, body) = $crate::support::stored::variant(v)?;
                match name.as_str() {
                    $($tag => $crate::support::stored::stored_enum!(@variant $ty $variant body $({ $($field : $key $(= $default)?),* })?),)*
                    other => Err($crate::support::stored::unknown_variant(stringify!($ty), other)),
                }
            }
        }
    };
    (@variant $ty:ident $variant:ident $body:ident) => {
        Ok($ty::$variant)
    };
    (@variant $ty:ident $variant:ident $body:ident { $($field:ident : $key:literal $(= $default:ident)?),* }) => {{
        #[allow(unused_mut)]
        let mut map = $crate::support::stored::object($body, stringify!($variant))?;
        Ok($ty::$variant {
            $($field: $crate::support::stored::stored_struct!(@field map $key $($default)?),)*
        })
    }};
}

pub(crate) use {stored_enum, stored_struct};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Default)]
    struct Inner {
        a: u32,
        b: Option<String>,
        c: Vec<bool>,
        hidden: u64,
    }
    stored_struct!(Inner { a: "a", b: "bee", c: "c" = default; skip: hidden });

    #[derive(Debug, PartialEq)]
    enum Kind {
        Plain,
        Carrying { inner: Inner, n: i64 },
    }
    stored_enum!(Kind { Plain = "plain", Carrying = "carrying" { inner: "inner", n: "n" = default } });

    #[test]
    fn a_struct_reads_its_fields_by_their_json_names() {
        let v = json!({"a": 7, "bee": "x", "c": [true], "other": 1, "hidden": 9});
        assert_eq!(
            Inner::read_stored(v),
            Ok(Inner {
                a: 7,
                b: Some("x".into()),
                c: vec![true],
                hidden: 0
            })
        );
    }

    #[test]
    fn options_and_defaults_may_be_missing_other_fields_may_not() {
        assert_eq!(
            Inner::read_stored(json!({"a": 1})),
            Ok(Inner {
                a: 1,
                ..Inner::default()
            })
        );
        assert_eq!(
            Inner::read_stored(json!({"a": 1, "bee": null, "c": null})),
            Ok(Inner {
                a: 1,
                ..Inner::default()
            })
        );
        assert_eq!(
            Inner::read_stored(json!({"bee": "x"})),
            Err("`a`: missing".into())
        );
    }

    #[test]
    fn a_wrong_shape_says_where() {
        assert_eq!(
            Inner::read_stored(json!({"a": "1"})),
            Err("`a`: expected a whole number, found a string".into())
        );
        assert_eq!(
            Inner::read_stored(json!({"a": 1, "c": [true, 2]})),
            Err("`c`: [1]: expected a boolean, found a number".into())
        );
        assert_eq!(
            Inner::read_stored(json!({"a": -1})),
            Err("`a`: -1 is not a whole number in range".into())
        );
        assert_eq!(
            Inner::read_stored(json!([1])),
            Err("Inner: expected an object, found an array".into())
        );
    }

    #[test]
    fn enums_are_externally_tagged() {
        assert_eq!(Kind::read_stored(json!("plain")), Ok(Kind::Plain));
        assert_eq!(
            Kind::read_stored(json!({"carrying": {"inner": {"a": 2}}})),
            Ok(Kind::Carrying {
                inner: Inner {
                    a: 2,
                    ..Inner::default()
                },
                n: 0
            })
        );
        assert_eq!(
            Kind::read_stored(json!("flying")),
            Err("unknown Kind variant \"flying\"".into())
        );
        assert!(Kind::read_stored(json!({"plain": 1, "carrying": 2})).is_err());
        assert!(Kind::read_stored(json!({"carrying": {}}))
            .unwrap_err()
            .contains("`inner`: missing"));
    }

    #[test]
    fn sets_read_their_items() {
        let s: BTreeSet<String> = read_text(r#"["b", "a", "b"]"#).unwrap();
        assert_eq!(s.into_iter().collect::<Vec<_>>(), ["a", "b"]);
    }

    #[test]
    fn numbers_keep_to_their_range() {
        assert_eq!(u16::read_stored(json!(65535)), Ok(65535));
        assert!(u16::read_stored(json!(65536)).is_err());
        assert!(u32::read_stored(json!(1.5)).is_err());
        assert_eq!(i64::read_stored(json!(-3)), Ok(-3));
        assert_eq!(f64::read_stored(json!(3)), Ok(3.0));
        assert!(read_text::<u64>("not json").is_err());
    }
}
