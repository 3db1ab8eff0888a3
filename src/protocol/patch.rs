//! Minimal `setData` patches: the difference between the last rendered view
//! and the new one, as path keys (`card.mine.remark`, `colleagues[3].name`).
//!
//! Rules (they match what `setData` accepts and what westore's diff does,
//! never producing more bytes than it):
//! - equal values produce nothing;
//! - an object is diffed key by key; a key that disappeared is set to `null`
//!   (setData cannot delete, and `undefined` is rejected);
//! - an array that grew or kept its length is diffed index by index; an array
//!   that shrank is replaced whole (setData cannot truncate);
//! - when the patch for a subtree would be larger than the subtree itself,
//!   the subtree is sent whole.
//!
//! [`diff`] compares two `Value`s. [`Diff`] gives the same patch from the
//! typed values themselves, without writing either out as a `Value`: equal
//! parts are compared as structs and cost no allocation, and only what
//! changed is written.

use serde::Serialize;
use serde_json::{Map, Value};

/// A setData payload: path key to value, in a stable order.
pub type Patch = Map<String, Value>;

/// Computes the patch that turns `old` into `new`. An empty patch means
/// nothing to render.
pub fn diff(old: &Value, new: &Value) -> Patch {
    let mut out = Patch::new();
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => diff_object_into("", o, n, &mut out),
        _ if old == new => {}
        // The root must stay an object for setData: send every key.
        (_, Value::Object(n)) => {
            for (k, v) in n {
                out.insert(k.clone(), v.clone());
            }
        }
        _ => {}
    }
    out
}

pub(crate) fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        let mut s = String::with_capacity(prefix.len() + 1 + key.len());
        s.push_str(prefix);
        s.push('.');
        s.push_str(key);
        s
    }
}

fn join_index(prefix: &str, index: usize) -> String {
    format!("{prefix}[{index}]")
}

/// Keys that setData would misread as paths are sent under their parent.
fn plain_key(key: &str) -> bool {
    !key.is_empty() && !key.contains(['.', '[', ']'])
}

fn diff_object_into(prefix: &str, o: &Map<String, Value>, n: &Map<String, Value>, out: &mut Patch) {
    for (k, nv) in n {
        if !plain_key(k) {
            // Cannot address this key by path: send the parent whole.
            if !prefix.is_empty() && o.get(k) != Some(nv) {
                out.insert(prefix.to_owned(), Value::Object(n.clone()));
                return;
            }
            if o.get(k) != Some(nv) {
                out.insert(k.clone(), nv.clone());
            }
            continue;
        }
        let path = join_key(prefix, k);
        match o.get(k) {
            Some(ov) => diff_value_into(path, ov, nv, out),
            None => {
                out.insert(path, nv.clone());
            }
        }
    }
    for k in o.keys() {
        if !n.contains_key(k) {
            out.insert(join_key(prefix, k), Value::Null);
        }
    }
}

pub(crate) fn diff_value_into(path: String, ov: &Value, nv: &Value, out: &mut Patch) {
    if ov == nv {
        return;
    }
    match (ov, nv) {
        (Value::Object(o), Value::Object(n)) => {
            let mut sub = Patch::new();
            diff_object_into(&path, o, n, &mut sub);
            collapse_or_extend(path, nv, sub, out);
        }
        (Value::Array(o), Value::Array(n)) if n.len() >= o.len() => {
            let mut sub = Patch::new();
            for (i, item) in n.iter().enumerate() {
                let p = join_index(&path, i);
                match o.get(i) {
                    Some(old_item) => diff_value_into(p, old_item, item, &mut sub),
                    None => {
                        sub.insert(p, item.clone());
                    }
                }
            }
            collapse_or_extend(path, nv, sub, out);
        }
        _ => {
            out.insert(path, nv.clone());
        }
    }
}

/// Whether `path: whole` is no more bytes than the entries of `sub`.
fn whole_is_smaller(path: &str, whole_bytes: usize, sub: &Patch) -> bool {
    let sub_bytes: usize = sub.iter().map(|(k, v)| k.len() + 3 + json_len(v)).sum();
    path.len() + 3 + whole_bytes <= sub_bytes
}

/// Sends the subtree whole when that is no larger than its patch.
fn collapse_or_extend(path: String, whole: &Value, sub: Patch, out: &mut Patch) {
    if whole_is_smaller(&path, json_len(whole), &sub) {
        out.insert(path, whole.clone());
    } else {
        out.extend(sub);
    }
}

/// The length of a value as JSON text, which is what setData's cost grows with.
/// Counted as it is written, without building the text.
pub fn json_len(v: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut n = Count(0);
    match serde_json::to_writer(&mut n, v) {
        Ok(()) => n.0,
        Err(_) => 0,
    }
}

/// A value the render diffs as it is typed. `diff_into` adds to `out`
/// exactly the entries [`diff`] gives for the two values' JSON under
/// `path` (the journeys check this on every dispatch), but compares the
/// typed values, and writes out only what changed.
pub trait Diff: Serialize {
    /// The patch turning `old` into `self`, under the key path `path`
    /// (never empty: the root is a struct, diffed field by field).
    fn diff_into(&self, old: &Self, path: &str, out: &mut Patch);
}

/// The JSON of a value the core built itself (it always has one).
pub(crate) fn value_of<T: Serialize + ?Sized>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// `old` and `new` through `Value`, diffed as [`diff`] does.
pub(crate) fn diff_values<T: Serialize + ?Sized>(old: &T, new: &T, path: &str, out: &mut Patch) {
    diff_value_into(path.to_owned(), &value_of(old), &value_of(new), out);
}

/// For values whose JSON is never an object or an array: a change sends
/// the value whole, as [`diff`] does for such values.
macro_rules! diff_scalar {
    ($($t:ty),* $(,)?) => {
        $(impl Diff for $t {
            fn diff_into(&self, old: &Self, path: &str, out: &mut Patch) {
                if self != old {
                    out.insert(path.to_owned(), value_of(self));
                }
            }
        })*
    };
}
diff_scalar!(String, bool, usize);

/// For small typed values not worth a field-by-field diff (enums, label
/// tables, lines): compared as typed, and when they differ, both are
/// written out as `Value`s and diffed as [`diff`] does.
macro_rules! diff_as_value {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::protocol::patch::Diff for $t {
            fn diff_into(&self, old: &Self, path: &str, out: &mut $crate::protocol::patch::Patch) {
                if self != old {
                    $crate::protocol::patch::diff_values(old, self, path, out);
                }
            }
        })*
    };
}
pub(crate) use diff_as_value;

/// For the large parts, diffed only when their keys say they were rebuilt
/// (so they seldom compare equal): straight through `Value`, whose diff
/// skips what is equal.
macro_rules! diff_by_value {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::protocol::patch::Diff for $t {
            fn diff_into(&self, old: &Self, path: &str, out: &mut $crate::protocol::patch::Patch) {
                $crate::protocol::patch::diff_values(old, self, path, out);
            }
        })*
    };
}
pub(crate) use diff_by_value;

/// For structs serialised as objects with every field, under the names
/// given (`field: "jsonName"`): diffed field by field (a field equal to
/// the last one's costs a comparison), and sent whole when that is
/// smaller, as [`diff`] does for objects. Every field must be listed (the
/// pattern does not compile otherwise); a struct with skipped, flattened
/// or hand-serialised fields belongs in [`diff_as_value`].
macro_rules! diff_struct {
    ($t:ty { $($field:ident: $name:literal),* $(,)? }) => {
        impl $crate::protocol::patch::Diff for $t {
            fn diff_into(&self, old: &Self, path: &str, out: &mut $crate::protocol::patch::Patch) {
                let Self { $($field: _),* } = self;
                let mut sub = $crate::protocol::patch::Patch::new();
                $(
                    if self.$field != old.$field {
                        $crate::protocol::patch::Diff::diff_into(
                            &self.$field,
                            &old.$field,
                            &$crate::protocol::patch::join_key(path, $name),
                            &mut sub,
                        );
                    }
                )*
                // Its braces, keys and colons, and a byte at least for each
                // value: the object's JSON is no shorter.
                let least = 1 $(+ $name.len() + 4)*;
                $crate::protocol::patch::extend_or_whole(path, self, least, sub, out);
            }
        }
        impl $crate::protocol::patch::FieldNames for $t {
            const FIELD_NAMES: &'static [&'static str] = &[$($name),*];
        }
    };
}
pub(crate) use diff_struct;

/// The JSON names [`diff_struct`] was given for a struct's fields (tests
/// compare them with what serde writes).
pub trait FieldNames {
    const FIELD_NAMES: &'static [&'static str];
}

/// [`collapse_or_extend`] for a typed subtree whose JSON is at least
/// `least` bytes: written out (as text, to count it) only when its changes
/// are no smaller than that.
pub(crate) fn extend_or_whole<T: Serialize + ?Sized>(
    path: &str,
    whole: &T,
    least: usize,
    sub: Patch,
    out: &mut Patch,
) {
    if sub.is_empty() {
        return;
    }
    if !whole_is_smaller(path, least, &sub) {
        out.extend(sub);
        return;
    }
    let whole_bytes = serde_json::to_vec(whole).map_or(usize::MAX / 2, |t| t.len());
    if whole_is_smaller(path, whole_bytes, &sub) {
        out.insert(path.to_owned(), value_of(whole));
    } else {
        out.extend(sub);
    }
}

impl<T: Diff> Diff for Option<T> {
    fn diff_into(&self, old: &Self, path: &str, out: &mut Patch) {
        match (self, old) {
            (Some(new), Some(old)) => new.diff_into(old, path, out),
            (None, None) => {}
            // `None` is `null` (and no `Some` in the view writes `null`):
            // what replaces it, or is replaced by it, goes whole.
            _ => {
                out.insert(path.to_owned(), value_of(self));
            }
        }
    }
}

/// Lists change seldom on their own (phone numbers, errors, replies):
/// compared as typed, diffed through `Value` when they differ.
impl<T: Serialize + PartialEq> Diff for Vec<T> {
    fn diff_into(&self, old: &Self, path: &str, out: &mut Patch) {
        if self != old {
            diff_values(old, self, path, out);
        }
    }
}

/// The byte size of a patch as setData would carry it.
pub fn patch_len(p: &Patch) -> usize {
    serde_json::to_string(p).map(|s| s.len()).unwrap_or(0)
}

/// Applies a patch to a value the way setData does; used by tests and by
/// the native benchmarks to check that a patch reproduces the new view.
pub fn apply(target: &mut Value, patch: &Patch) {
    for (path, value) in patch {
        let segments = parse_path(path);
        set_path(target, &segments, value.clone());
    }
}

#[derive(Debug, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut key = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !key.is_empty() {
                    out.push(Segment::Key(std::mem::take(&mut key)));
                }
            }
            '[' => {
                if !key.is_empty() {
                    out.push(Segment::Key(std::mem::take(&mut key)));
                }
                let mut digits = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    digits.push(d);
                }
                out.push(Segment::Index(digits.parse().unwrap_or(0)));
            }
            _ => key.push(c),
        }
    }
    if !key.is_empty() {
        out.push(Segment::Key(key));
    }
    out
}

fn set_path(target: &mut Value, segments: &[Segment], value: Value) {
    let Some((first, rest)) = segments.split_first() else {
        *target = value;
        return;
    };
    match first {
        Segment::Key(k) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(map) = target {
                let slot = map.entry(k.clone()).or_insert(Value::Null);
                set_path(slot, rest, value);
            }
        }
        Segment::Index(i) => {
            if !target.is_array() {
                *target = Value::Array(Vec::new());
            }
            if let Value::Array(items) = target {
                while items.len() <= *i {
                    items.push(Value::Null);
                }
                set_path(&mut items[*i], rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn roundtrip(old: Value, new: Value) -> Patch {
        let p = diff(&old, &new);
        let mut applied = old.clone();
        apply(&mut applied, &p);
        // Removed keys come back as null, which is how setData sees them.
        assert_eq!(
            strip_nulls(applied),
            strip_nulls(new.clone()),
            "patch {p:?}"
        );
        p
    }

    fn strip_nulls(v: Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, strip_nulls(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
            other => other,
        }
    }

    #[test]
    fn equal_views_give_empty_patch() {
        let v = json!({"a": 1, "b": {"c": [1, 2, 3]}});
        assert!(diff(&v, &v).is_empty());
    }

    #[test]
    fn changed_leaf_is_a_path_key() {
        let big: Vec<Value> = (0..50)
            .map(|i| json!({"name": format!("n{i}"), "x": i}))
            .collect();
        let old = json!({"card": {"mine": {"remark": "a"}, "colleagues": big.clone()}});
        let new = json!({"card": {"mine": {"remark": "ab"}, "colleagues": big}});
        let p = roundtrip(old, new);
        assert_eq!(p.len(), 1);
        assert_eq!(p["card.mine.remark"], json!("ab"));
    }

    #[test]
    fn array_item_change_uses_index_path() {
        let items: Vec<Value> = (0..20)
            .map(|i| json!({"name": format!("colleague {i}")}))
            .collect();
        let mut changed = items.clone();
        changed[3] = json!({"name": "changed colleague"});
        let p = roundtrip(json!({"list": items}), json!({"list": changed}));
        assert_eq!(p.keys().collect::<Vec<_>>(), vec!["list[3].name"]);
    }

    #[test]
    fn removed_key_becomes_null() {
        let p = roundtrip(json!({"a": 1, "b": 2}), json!({"a": 1}));
        assert_eq!(p["b"], Value::Null);
    }

    #[test]
    fn shrunk_array_is_replaced_whole() {
        let p = roundtrip(json!({"l": [1, 2, 3]}), json!({"l": [1, 2]}));
        assert_eq!(p["l"], json!([1, 2]));
    }

    #[test]
    fn grown_array_appends_by_index() {
        let long = "x".repeat(40);
        let p = roundtrip(
            json!({"l": [long.clone(), long.clone()]}),
            json!({"l": [long.clone(), long.clone(), "y"]}),
        );
        assert_eq!(p.keys().collect::<Vec<_>>(), vec!["l[2]"]);
    }

    #[test]
    fn small_subtree_is_sent_whole_when_cheaper() {
        let p = roundtrip(
            json!({"someLongName": {"a": 1, "b": 2}}),
            json!({"someLongName": {"a": 3, "b": 4}}),
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p["someLongName"], json!({"a": 3, "b": 4}));
    }

    #[test]
    fn type_change_replaces_value() {
        let p = roundtrip(json!({"a": {"x": 1}}), json!({"a": null}));
        assert_eq!(p["a"], Value::Null);
        let p = roundtrip(json!({"a": null}), json!({"a": {"x": 1}}));
        assert_eq!(p["a"], json!({"x": 1}));
    }

    #[test]
    fn from_nothing_sends_every_key() {
        let p = diff(&Value::Null, &json!({"a": 1, "b": [1]}));
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn keys_with_path_characters_are_sent_under_parent() {
        let p = roundtrip(
            json!({"m": {"a.b": 1, "c": 2}}),
            json!({"m": {"a.b": 2, "c": 2}}),
        );
        assert_eq!(p.keys().collect::<Vec<_>>(), vec!["m"]);
    }

    #[test]
    fn parse_paths() {
        assert_eq!(
            parse_path("a.b[2].c"),
            vec![
                Segment::Key("a".into()),
                Segment::Key("b".into()),
                Segment::Index(2),
                Segment::Key("c".into())
            ]
        );
    }
}
