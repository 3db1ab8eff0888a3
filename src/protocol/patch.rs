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

use serde_json::{Map, Value};

/// A setData payload: path key to value, in a stable order.
pub type Patch = Map<String, Value>;

/// Computes the patch that turns `old` into `new`. An empty patch means
/// nothing to render.
pub fn diff(old: &Value, new: &Value) -> Patch {
    diff_except(old, new, &[])
}

/// [`diff`], for roots whose top-level keys in `same` are known to be
/// equal: those subtrees are not compared at all (the caller rebuilt only
/// the parts whose inputs changed, and moved the others over).
pub fn diff_except(old: &Value, new: &Value, same: &[&str]) -> Patch {
    let mut out = Patch::new();
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => diff_object_into("", o, n, &mut out, same),
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

fn join_key(prefix: &str, key: &str) -> String {
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

fn diff_object_into(
    prefix: &str,
    o: &Map<String, Value>,
    n: &Map<String, Value>,
    out: &mut Patch,
    same: &[&str],
) {
    for (k, nv) in n {
        if same.contains(&k.as_str()) {
            continue;
        }
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

fn diff_value_into(path: String, ov: &Value, nv: &Value, out: &mut Patch) {
    if ov == nv {
        return;
    }
    match (ov, nv) {
        (Value::Object(o), Value::Object(n)) => {
            let mut sub = Patch::new();
            diff_object_into(&path, o, n, &mut sub, &[]);
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
    let sub_bytes: usize = sub.iter().map(|(k, v)| k.len() + 3 + json_len(v)).sum();
    let whole_bytes = path.len() + 3 + json_len(whole);
    if whole_bytes <= sub_bytes {
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
