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

pub(crate) fn join_index(prefix: &str, index: usize) -> String {
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

/// Sends the subtree whole when that is no larger than its patch.
fn collapse_or_extend(path: String, whole: &Value, sub: Patch, out: &mut Patch) {
    if whole_is_smaller(&path, whole, &sub) {
        out.insert(path, whole.clone());
    } else {
        out.extend(sub);
    }
}

/// Whether `path: whole` is no more bytes than the entries of `sub`. The
/// whole is counted only as far as the patch's size: a big subtree with a
/// small change is not written out to the end.
fn whole_is_smaller<T: Serialize + ?Sized>(path: &str, whole: &T, sub: &Patch) -> bool {
    let sub_bytes: usize = sub.iter().map(|(k, v)| k.len() + 3 + json_len(v)).sum();
    match sub_bytes.checked_sub(path.len() + 3) {
        Some(room) => json_len_within(whole, room).is_some(),
        None => false,
    }
}

/// The length of a value as JSON text, which is what setData's cost grows with.
/// Counted as it is written, without building the text.
pub fn json_len(v: &Value) -> usize {
    json_len_within(v, usize::MAX).unwrap_or(0)
}

/// The length of `v` as JSON text if it is at most `limit` bytes; the
/// count stops once past it.
fn json_len_within<T: Serialize + ?Sized>(v: &T, limit: usize) -> Option<usize> {
    struct Count {
        n: usize,
        limit: usize,
    }
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.n += buf.len();
            if self.n > self.limit {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count { n: 0, limit };
    match serde_json::to_writer(&mut count, v) {
        Ok(()) => Some(count.n),
        Err(_) => None,
    }
}

/// A value the render diffs as it is typed. `diff_into` adds to `out`
/// exactly the entries [`diff`] gives for the two values' JSON under
/// `path` (the journeys check this on every dispatch), but compares the
/// typed values and writes out only what changed.
pub trait Diff: Serialize + PartialEq {
    /// The patch turning `old` into `self`, under the key path `path`
    /// (never empty: the root is a struct, diffed field by field).
    fn diff_into(&self, old: &Self, path: &str, out: &mut Patch);
}

/// The JSON of a value the core built itself (it always has one).
pub(crate) fn value_of<T: Serialize + ?Sized>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
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
diff_scalar!(
    String,
    &'static str,
    bool,
    u8,
    u16,
    u32,
    u64,
    usize,
    i32,
    i64
);

/// For typed values not worth a field-by-field diff (large parts rebuilt
/// rarely, enums, label tables): when they differ, both are written out as
/// `Value`s and diffed as [`diff`] does.
macro_rules! diff_as_value {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::protocol::patch::Diff for $t {
            fn diff_into(&self, old: &Self, path: &str, out: &mut $crate::protocol::patch::Patch) {
                if self != old {
                    $crate::protocol::patch::diff_value_into(
                        path.to_owned(),
                        &$crate::protocol::patch::value_of(old),
                        &$crate::protocol::patch::value_of(self),
                        out,
                    );
                }
            }
        })*
    };
}
pub(crate) use diff_as_value;

/// For structs serialised as objects with every field, under the names
/// given (`field: "jsonName"`): diffed field by field, and sent whole when
/// that is smaller, as [`diff`] does for objects. Every field must be
/// listed (the pattern does not compile otherwise); a struct with skipped,
/// flattened or renamed-by-hand fields belongs in [`diff_as_value`].
macro_rules! diff_struct {
    ($t:ty { $($field:ident: $name:literal),* $(,)? }) => {
        impl $crate::protocol::patch::Diff for $t {
            fn diff_into(&self, old: &Self, path: &str, out: &mut $crate::protocol::patch::Patch) {
                if self == old {
                    return;
                }
                let Self { $($field: _),* } = self;
                let mut sub = $crate::protocol::patch::Patch::new();
                $(
                    $crate::protocol::patch::Diff::diff_into(
                        &self.$field,
                        &old.$field,
                        &$crate::protocol::patch::join_key(path, $name),
                        &mut sub,
                    );
                )*
                $crate::protocol::patch::extend_or_whole(path, self, sub, out);
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

/// [`collapse_or_extend`] for a typed subtree: written out only if it is
/// sent whole.
pub(crate) fn extend_or_whole<T: Serialize + ?Sized>(
    path: &str,
    whole: &T,
    sub: Patch,
    out: &mut Patch,
) {
    if sub.is_empty() {
        return;
    }
    if whole_is_smaller(path, whole, &sub) {
        out.insert(path.to_owned(), value_of(whole));
    } else {
        out.extend(sub);
    }
}

impl<T: Diff> Diff for Option<T> {
    fn diff_into(&self, old: &Self, path: &str, out: &mut Patch) {
        match (self, old) {
            (Some(new), Some(old)) => new.diff_into(old, path, out),
            // `None` is `null`; what replaces it (or is replaced) goes whole.
            _ => {
                if self != old {
                    out.insert(path.to_owned(), value_of(self));
                }
            }
        }
    }
}

impl<T: Diff> Diff for Vec<T> {
    fn diff_into(&self, old: &Self, path: &str, out: &mut Patch) {
        if self == old {
            return;
        }
        if self.len() < old.len() {
            // setData cannot truncate: the shorter array goes whole.
            out.insert(path.to_owned(), value_of(self));
            return;
        }
        let mut sub = Patch::new();
        for (i, item) in self.iter().enumerate() {
            let at = join_index(path, i);
            match old.get(i) {
                Some(was) => item.diff_into(was, &at, &mut sub),
                None => {
                    sub.insert(at, value_of(item));
                }
            }
        }
        extend_or_whole(path, self, sub, out);
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
