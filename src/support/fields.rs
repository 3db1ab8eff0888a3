//! A strict reader of one JSON object's fields, for the types the core reads
//! by hand instead of through a derived `Deserialize` (whose visitors are a
//! third of the wasm; see `make size`).
//!
//! It takes the object by value, so a large field (an HTTP body) is moved
//! out, never copied. `null` counts as absent, as JS writes `undefined`
//! fields either way. [`Fields::finish`] refuses any field left unread, so
//! a misspelt field is as loud as it was with `deny_unknown_fields`.

use serde_json::{Map, Value};

/// The fields of one object, each taken at most once.
pub struct Fields {
    map: Map<String, Value>,
    /// What the object is, for messages ("a `tap` event").
    what: String,
}

/// The JSON name of a value's type, for messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Fields {
    /// `v` must be an object.
    pub fn of(v: Value, what: impl Into<String>) -> Result<Fields, String> {
        let what = what.into();
        match v {
            Value::Object(map) => Ok(Fields { map, what }),
            other => Err(format!("{what} must be an object, not {}", kind_of(&other))),
        }
    }

    /// Names the object anew, once its kind is known ("a `tap` event").
    pub fn rename(&mut self, what: String) {
        self.what = what;
    }

    /// The field, if present and not `null`.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    fn wrong(&self, key: &str, want: &str, got: &Value) -> String {
        format!(
            "field `{key}` of {} must be {want}, not {}",
            self.what,
            kind_of(got)
        )
    }

    fn missing(&self, key: &str) -> String {
        format!("{} has no field `{key}`", self.what)
    }

    /// A field that may hold anything, `null` when absent.
    pub fn value(&mut self, key: &str) -> Value {
        self.take(key).unwrap_or(Value::Null)
    }

    /// A field that must be there, holding anything but `null`.
    pub fn value_required(&mut self, key: &str) -> Result<Value, String> {
        self.take(key).ok_or_else(|| self.missing(key))
    }

    pub fn f64(&mut self, key: &str) -> Result<f64, String> {
        let v = self.take(key).ok_or_else(|| self.missing(key))?;
        v.as_f64().ok_or_else(|| self.wrong(key, "a number", &v))
    }

    pub fn f64_or_zero(&mut self, key: &str) -> Result<f64, String> {
        match self.take(key) {
            None => Ok(0.0),
            Some(v) => v.as_f64().ok_or_else(|| self.wrong(key, "a number", &v)),
        }
    }

    /// A whole number in `0..=max`.
    pub fn uint(&mut self, key: &str, max: u64) -> Result<u64, String> {
        let v = self.take(key).ok_or_else(|| self.missing(key))?;
        match v.as_u64() {
            Some(n) if n <= max => Ok(n),
            _ => Err(self.wrong(key, &format!("a whole number from 0 to {max}"), &v)),
        }
    }

    pub fn uint_opt(&mut self, key: &str, max: u64) -> Result<Option<u64>, String> {
        match self.map.get(key) {
            None | Some(Value::Null) => {
                self.map.remove(key);
                Ok(None)
            }
            Some(_) => self.uint(key, max).map(Some),
        }
    }

    pub fn bool(&mut self, key: &str) -> Result<bool, String> {
        let v = self.take(key).ok_or_else(|| self.missing(key))?;
        v.as_bool()
            .ok_or_else(|| self.wrong(key, "true or false", &v))
    }

    pub fn bool_or_false(&mut self, key: &str) -> Result<bool, String> {
        match self.take(key) {
            None => Ok(false),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| self.wrong(key, "true or false", &v)),
        }
    }

    pub fn string(&mut self, key: &str) -> Result<String, String> {
        match self.take(key) {
            Some(Value::String(s)) => Ok(s),
            Some(v) => Err(self.wrong(key, "a string", &v)),
            None => Err(self.missing(key)),
        }
    }

    pub fn string_or_empty(&mut self, key: &str) -> Result<String, String> {
        Ok(self.string_opt(key)?.unwrap_or_default())
    }

    pub fn string_opt(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.take(key) {
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.wrong(key, "a string", &v)),
            None => Ok(None),
        }
    }

    /// An array of strings, empty when absent.
    pub fn strings(&mut self, key: &str) -> Result<Vec<String>, String> {
        match self.take(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s),
                    other => Err(self.wrong(key, "an array of strings", &other)),
                })
                .collect(),
            Some(v) => Err(self.wrong(key, "an array of strings", &v)),
        }
    }

    /// An object whose values are all strings, empty when absent.
    pub fn string_map<M: FromIterator<(String, String)>>(
        &mut self,
        key: &str,
    ) -> Result<M, String> {
        match self.take(key) {
            None => Ok(std::iter::empty().collect()),
            Some(Value::Object(map)) => map
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k, s)),
                    other => Err(self.wrong(key, "an object of strings", &other)),
                })
                .collect(),
            Some(v) => Err(self.wrong(key, "an object of strings", &v)),
        }
    }

    /// Refuses the object if a field was not read: a field the core does
    /// not know means the shell and the core disagree.
    pub fn finish(self) -> Result<(), String> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(k) => Err(format!(
                "unknown field `{}` in {}",
                super::text_preview(k),
                self.what
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Fields {
        Fields::of(v, "a test").unwrap()
    }

    #[test]
    fn only_objects_have_fields() {
        for v in [json!(null), json!(1), json!("x"), json!([1]), json!(true)] {
            let err = Fields::of(v.clone(), "an event").err().unwrap();
            assert!(err.contains("an event must be an object"), "{err}");
            assert!(err.contains(kind_of(&v)), "{err}");
        }
    }

    #[test]
    fn null_is_absent() {
        let mut f = fields(json!({"a": null, "b": null, "c": null}));
        assert_eq!(f.f64_or_zero("a"), Ok(0.0));
        assert_eq!(f.bool_or_false("b"), Ok(false));
        assert!(f.string("c").unwrap_err().contains("has no field `c`"));
        f.finish().unwrap();
    }

    #[test]
    fn wrong_types_are_named() {
        let mut f = fields(json!({"n": "1", "b": 1, "s": 2, "l": ["a", 1], "m": {"k": 1}}));
        assert!(f
            .f64("n")
            .unwrap_err()
            .contains("`n` of a test must be a number, not a string"));
        assert!(f
            .bool("b")
            .unwrap_err()
            .contains("true or false, not a number"));
        assert!(f
            .string("s")
            .unwrap_err()
            .contains("a string, not a number"));
        assert!(f
            .strings("l")
            .unwrap_err()
            .contains("array of strings, not a number"));
        let m: Result<std::collections::BTreeMap<String, String>, _> = f.string_map("m");
        assert!(m.unwrap_err().contains("object of strings"));
    }

    #[test]
    fn whole_numbers_stay_in_range() {
        let mut f = fields(json!({"a": 65535, "b": 65536, "c": -1, "d": 1.5, "e": 7}));
        assert_eq!(f.uint("a", u16::MAX.into()), Ok(65535));
        assert!(f.uint("b", u16::MAX.into()).is_err());
        assert!(f.uint("c", u16::MAX.into()).is_err());
        assert!(f.uint("d", u16::MAX.into()).is_err());
        assert_eq!(f.uint_opt("e", 10), Ok(Some(7)));
        assert_eq!(f.uint_opt("zz", 10), Ok(None));
    }

    #[test]
    fn a_field_left_unread_refuses_the_object() {
        let mut f = fields(json!({"now": 1, "extra": 2}));
        f.f64("now").unwrap();
        let err = f.finish().unwrap_err();
        assert!(err.contains("unknown field `extra` in a test"), "{err}");
    }

    #[test]
    fn big_fields_are_moved_out() {
        let body = "x".repeat(1 << 20);
        let mut f = fields(json!({ "body": body }));
        assert_eq!(f.string("body").unwrap().len(), 1 << 20);
        f.finish().unwrap();
    }
}
