//! Tolerant readers of the JSON WeCom's server APIs answer, shared by every
//! response parser of this crate (customer, corp tags, group chat).
//!
//! Real responses differ from the documentation (wecom-facts §4; e.g.
//! wecom:96315): fields are missing, `null` appears, and numbers sometimes
//! arrive as strings (`"gender":"1"` in the batch API). These readers never
//! fail: a value of the wrong shape reads as `None` (or an empty list), and
//! the caller decides whether that is worth a warning. Validation (ids,
//! limits) happens afterwards, strictly, elsewhere.
//!
//! Text arrives here already repaired: [`object`] reads through
//! [`crate::support::input::parse_value`], which turns a lone surrogate
//! escape (`"\ud83d"`, half an emoji) into U+FFFD.

use serde_json::Value;

/// A string, as sent; a number becomes its decimal text; anything else
/// (`null`, a boolean, an array, an object) is `None`.
pub fn as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// [`as_string`], trimmed.
pub fn as_trimmed(v: &Value) -> Option<String> {
    as_string(v).map(|s| s.trim().to_owned())
}

/// An integer; `"12"` (surrounding space allowed) and `12.0` are accepted.
/// A fraction, a number beyond what an `f64` holds exactly (±9e15) unless it
/// fits an `i64` as sent, and anything that is not a number or a numeric
/// string are `None`.
pub fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// A boolean; `1`/`0` (any non-zero integer is true), `"1"`/`"0"` and
/// `"true"`/`"false"` (any case) are accepted; anything else is `None`.
pub fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(_) => as_int(v).map(|n| n != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The items of an array. Missing or `null` is empty; a lone non-array
/// value is taken as a one-item array, so that its item-level check can
/// report it instead of it vanishing.
pub fn as_items(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// A value as a warning shows it: `"null"` when missing or `null`, a string
/// as sent, anything else as its JSON text.
pub fn describe(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "null".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// WeCom's `errcode` of a response (or of one item of it, as in
/// `transfer_customer`'s `customer[]`): missing or `null` is 0, a number or
/// numeric string is read ([`as_int`]), and anything else present is -1: a
/// status that cannot be read is never taken for a success.
pub fn errcode(v: &Value) -> i64 {
    match v.get("errcode") {
        None | Some(Value::Null) => 0,
        Some(code) => as_int(code).unwrap_or(-1),
    }
}

/// WeCom's error of a response, if it is one: `(errcode, errmsg)` when
/// [`errcode`] is not 0; `errmsg` is [`as_trimmed`], empty when missing.
pub fn wecom_error(top: &Value) -> Option<(i64, String)> {
    let errcode = errcode(top);
    (errcode != 0).then(|| {
        let errmsg = top.get("errmsg").and_then(as_trimmed).unwrap_or_default();
        (errcode, errmsg)
    })
}

/// The fields of one JSON object, each read leniently (as the `as_…`
/// readers above) and taken out as it is read: the one reader every WeCom
/// payload of this crate goes through, instead of a derived deserializer
/// per payload type (each costs kilobytes of wasm). Missing and `null`
/// fields read as absent.
pub struct Record(serde_json::Map<String, Value>);

impl Record {
    /// The fields of `v`; `None` when it is not an object.
    pub fn of(v: Value) -> Option<Record> {
        match v {
            Value::Object(map) => Some(Record(map)),
            _ => None,
        }
    }

    /// The field as sent, `null` when missing.
    pub fn value(&mut self, key: &str) -> Value {
        self.0.remove(key).unwrap_or(Value::Null)
    }

    /// [`as_string`] of the field.
    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.0.remove(key)? {
            Value::String(s) => Some(s),
            other => as_string(&other),
        }
    }

    /// [`as_int`] of the field.
    pub fn int(&mut self, key: &str) -> Option<i64> {
        as_int(&self.0.remove(key)?)
    }

    /// [`as_bool`] of the field.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        as_bool(&self.0.remove(key)?)
    }

    /// [`as_items`] of the field (empty when missing).
    pub fn items(&mut self, key: &str) -> Vec<Value> {
        as_items(self.value(key))
    }
}

/// Parses the top level of a response: it must be a JSON object.
pub fn object(json: &str) -> Result<Value, String> {
    match crate::support::input::parse_value(json) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err("the top level is not a JSON object".to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // ---- as_string ----

    #[test]
    fn string_is_kept_as_sent() {
        assert_eq!(as_string(&json!(" 李四 ")), Some(" 李四 ".into()));
        assert_eq!(as_string(&json!("")), Some(String::new()));
    }

    #[test]
    fn string_from_a_number_is_its_text() {
        assert_eq!(as_string(&json!(7)), Some("7".into()));
        assert_eq!(as_string(&json!(-7)), Some("-7".into()));
        assert_eq!(as_string(&json!(7.5)), Some("7.5".into()));
        assert_eq!(
            as_string(&json!(u64::MAX)),
            Some("18446744073709551615".into())
        );
    }

    #[test]
    fn string_from_null_is_none() {
        assert_eq!(as_string(&Value::Null), None);
    }

    #[test]
    fn string_from_a_wrong_type_is_none() {
        assert_eq!(as_string(&json!(true)), None);
        assert_eq!(as_string(&json!([1])), None);
        assert_eq!(as_string(&json!({"a": "b"})), None);
    }

    #[test]
    fn trimmed_string_drops_surrounding_space_only() {
        assert_eq!(as_trimmed(&json!("  a b \n")), Some("a b".into()));
        assert_eq!(as_trimmed(&json!(12)), Some("12".into()));
        assert_eq!(as_trimmed(&json!(null)), None);
    }

    // ---- as_int ----

    #[test]
    fn int_from_a_number() {
        assert_eq!(as_int(&json!(42)), Some(42));
        assert_eq!(as_int(&json!(-42)), Some(-42));
        assert_eq!(as_int(&json!(42.0)), Some(42));
    }

    #[test]
    fn int_from_a_numeric_string() {
        assert_eq!(as_int(&json!("42")), Some(42));
        assert_eq!(as_int(&json!(" 42 ")), Some(42));
        assert_eq!(as_int(&json!("-3")), Some(-3));
    }

    #[test]
    fn int_from_a_fraction_is_none() {
        assert_eq!(as_int(&json!(42.5)), None);
        assert_eq!(as_int(&json!("42.0")), None);
    }

    #[test]
    fn int_from_a_non_numeric_string_is_none() {
        assert_eq!(as_int(&json!("x")), None);
        assert_eq!(as_int(&json!("")), None);
        assert_eq!(as_int(&json!("4 2")), None);
    }

    #[test]
    fn int_from_null_or_a_wrong_type_is_none() {
        assert_eq!(as_int(&Value::Null), None);
        assert_eq!(as_int(&json!(true)), None);
        assert_eq!(as_int(&json!([1])), None);
        assert_eq!(as_int(&json!({"n": 1})), None);
    }

    #[test]
    fn int_from_a_huge_number() {
        // Fits an i64 as sent: kept exactly, beyond f64's exact range.
        assert_eq!(
            as_int(&json!(9_007_199_254_740_993_i64)),
            Some(9_007_199_254_740_993)
        );
        assert_eq!(as_int(&json!(i64::MAX)), Some(i64::MAX));
        // Beyond an i64: none, never a wrapped or saturated value.
        assert_eq!(as_int(&json!(u64::MAX)), None);
        assert_eq!(as_int(&json!(1e300)), None);
        assert_eq!(as_int(&json!(1e16)), None);
        assert_eq!(as_int(&json!("99999999999999999999")), None);
    }

    // ---- as_bool ----

    #[test]
    fn bool_from_a_boolean_number_or_word() {
        assert_eq!(as_bool(&json!(true)), Some(true));
        assert_eq!(as_bool(&json!(0)), Some(false));
        assert_eq!(as_bool(&json!(2)), Some(true));
        assert_eq!(as_bool(&json!("1")), Some(true));
        assert_eq!(as_bool(&json!(" TRUE ")), Some(true));
        assert_eq!(as_bool(&json!("false")), Some(false));
    }

    #[test]
    fn bool_from_another_word_or_a_fraction_is_none() {
        assert_eq!(as_bool(&json!("maybe")), None);
        assert_eq!(as_bool(&json!("yes")), None);
        assert_eq!(as_bool(&json!(0.5)), None);
    }

    #[test]
    fn bool_from_null_or_a_wrong_type_is_none() {
        assert_eq!(as_bool(&Value::Null), None);
        assert_eq!(as_bool(&json!([true])), None);
        assert_eq!(as_bool(&json!({})), None);
    }

    // ---- as_items ----

    #[test]
    fn items_of_an_array() {
        assert_eq!(as_items(json!([1, "a"])), vec![json!(1), json!("a")]);
        assert_eq!(as_items(json!([])), Vec::<Value>::new());
    }

    #[test]
    fn items_of_null_are_none() {
        assert_eq!(as_items(Value::Null), Vec::<Value>::new());
    }

    #[test]
    fn items_of_a_lone_value_is_that_value() {
        assert_eq!(
            as_items(json!({"userid": "a"})),
            vec![json!({"userid": "a"})]
        );
        assert_eq!(as_items(json!("a")), vec![json!("a")]);
    }

    // ---- describe ----

    #[test]
    fn describe_shows_what_was_sent() {
        assert_eq!(describe(None), "null");
        assert_eq!(describe(Some(&Value::Null)), "null");
        assert_eq!(describe(Some(&json!("3"))), "3");
        assert_eq!(describe(Some(&json!(3))), "3");
        assert_eq!(describe(Some(&json!([1]))), "[1]");
    }

    // ---- wecom_error ----

    #[test]
    fn success_is_no_error() {
        assert_eq!(wecom_error(&json!({"errcode": 0, "errmsg": "ok"})), None);
        assert_eq!(wecom_error(&json!({"errcode": "0"})), None);
    }

    #[test]
    fn missing_or_null_errcode_is_no_error() {
        assert_eq!(wecom_error(&json!({})), None);
        assert_eq!(wecom_error(&json!({"errcode": null})), None);
        assert_eq!(errcode(&json!({"errmsg": "ok"})), 0);
    }

    #[test]
    fn unreadable_errcode_is_an_error_never_a_success() {
        for bad in [
            json!("abc"),
            json!(""),
            json!(true),
            json!([0]),
            json!({}),
            json!(0.5),
        ] {
            let top = json!({"errcode": bad, "errmsg": "x"});
            assert_eq!(errcode(&top), -1, "{bad}");
            assert_eq!(wecom_error(&top), Some((-1, "x".into())), "{bad}");
        }
    }

    #[test]
    fn huge_errcode_is_an_error() {
        assert_eq!(errcode(&json!({"errcode": u64::MAX})), -1);
        assert_eq!(errcode(&json!({"errcode": "99999999999999999999"})), -1);
    }

    #[test]
    fn errcode_as_number_or_string_is_an_error() {
        assert_eq!(
            wecom_error(&json!({"errcode": 84061, "errmsg": " not external contact "})),
            Some((84061, "not external contact".into()))
        );
        assert_eq!(
            wecom_error(&json!({"errcode": "48002", "errmsg": null})),
            Some((48002, String::new()))
        );
        assert_eq!(
            wecom_error(&json!({"errcode": -1})),
            Some((-1, String::new()))
        );
    }

    // ---- Record ----

    fn record(v: Value) -> Record {
        Record::of(v).unwrap()
    }

    #[test]
    fn a_record_reads_every_shape_without_failing() {
        let mut r = record(json!({"name": 12, "n": "7", "b": "1", "list": {"one": 1}, "v": [1]}));
        assert_eq!(r.string("name").as_deref(), Some("12"));
        assert_eq!(r.int("n"), Some(7));
        assert_eq!(r.boolean("b"), Some(true));
        assert_eq!(r.items("list"), vec![json!({"one": 1})]);
        assert_eq!(r.value("v"), json!([1]));
        let mut r = record(json!({"name": [], "n": {}, "b": "x", "list": null}));
        assert_eq!(
            (
                r.string("name"),
                r.int("n"),
                r.boolean("b"),
                r.items("list").len()
            ),
            (None, None, None, 0)
        );
    }

    #[test]
    fn a_record_takes_missing_and_null_fields_as_absent() {
        let mut r = record(json!({"name": null, "n": null, "b": null, "v": null}));
        assert_eq!(
            (r.string("name"), r.int("n"), r.boolean("b")),
            (None, None, None)
        );
        assert_eq!(r.value("v"), Value::Null);
        let mut r = record(json!({}));
        assert_eq!(
            (r.string("x"), r.int("x"), r.boolean("x")),
            (None, None, None)
        );
        assert!(r.items("x").is_empty());
        assert_eq!(r.value("x"), Value::Null);
    }

    #[test]
    fn a_field_is_read_once() {
        let mut r = record(json!({"name": "a"}));
        assert_eq!(r.string("name").as_deref(), Some("a"));
        assert_eq!(r.string("name"), None);
    }

    #[test]
    fn only_an_object_is_a_record() {
        for v in [json!([]), json!(1), json!("x"), json!(null), json!(true)] {
            assert!(Record::of(v.clone()).is_none(), "{v}");
        }
    }

    // ---- object ----

    #[test]
    fn object_accepts_an_object() {
        assert_eq!(object(r#"{"a":1}"#), Ok(json!({"a": 1})));
    }

    #[test]
    fn object_refuses_another_top_level() {
        for json in ["[]", "1", "\"x\"", "null"] {
            assert_eq!(
                object(json),
                Err("the top level is not a JSON object".to_owned()),
                "{json}"
            );
        }
    }

    #[test]
    fn object_refuses_text_that_is_not_json() {
        assert!(object("not json").is_err());
        assert!(object("").is_err());
        assert!(object(r#"{"a":"#).is_err());
    }

    #[test]
    fn lone_surrogate_arrives_repaired() {
        let v = object(r#"{"name":"李\ud83d"}"#).unwrap();
        assert_eq!(as_string(&v["name"]), Some("李\u{FFFD}".into()));
    }
}
