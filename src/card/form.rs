//! The edit form for a member's notes on a customer (`externalcontact/remark`),
//! validated field by field as the user types.
//!
//! Values are kept exactly as typed; they are checked and sent in their
//! [`normalize_field`] form (trimmed, no control characters). Lengths are
//! counted with [`char_count`], the way WeCom counts them.
//!
//! Only fields that differ from the original are checked and sent: an
//! untouched value came from WeCom, and a legacy value that would not pass
//! today's checks must not block saving another field.

use crate::card::form_labels::{self, FormLabels};
use crate::support::locale::{Locale, Localized};
use crate::support::text::{char_count, normalize_field};
use crate::wecom::customer::{CustomerKind, FollowUser};
use crate::wecom::ids::{ExternalUserId, UserId};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

// The limits of `externalcontact/remark` (wecom:96317,
// https://developer.work.weixin.qq.com/document/path/96317), counted with
// `char_count`. `crate::rules` enforces the same constants on the server.

/// `remark` ≤ 20 characters (wecom:96317).
pub const MAX_REMARK: usize = 20;
/// `description` ≤ 150 characters (wecom:96317).
pub const MAX_DESCRIPTION: usize = 150;
/// `remark_company` ≤ 20 characters (wecom:96317).
pub const MAX_REMARK_COMPANY: usize = 20;
/// At most this many phone numbers. WeCom publishes no limit for
/// `remark_mobiles`; ten is a sensible cap for one person's numbers that
/// keeps the form short and the request small.
pub const MAX_MOBILES: usize = 10;
/// Digits in a phone number: 7 (short local numbers) to 20 (international
/// numbers with country code and extension fit; the ITU maximum is 15).
pub const MIN_MOBILE_DIGITS: usize = 7;
pub const MAX_MOBILE_DIGITS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Field {
    Remark,
    Description,
    RemarkCompany,
    Mobiles,
}

impl Field {
    pub const ALL: [Field; 4] = [
        Field::Remark,
        Field::Description,
        Field::RemarkCompany,
        Field::Mobiles,
    ];

    /// The character limit of a text field; `None` for the mobiles list.
    pub fn max_chars(self) -> Option<usize> {
        match self {
            Field::Remark => Some(MAX_REMARK),
            Field::Description => Some(MAX_DESCRIPTION),
            Field::RemarkCompany => Some(MAX_REMARK_COMPANY),
            Field::Mobiles => None,
        }
    }

    /// The field's name, as the form shows it ([`form_labels`]).
    pub fn label(self) -> Localized {
        let (zh, en) = match self {
            Field::Remark => form_labels::REMARK,
            Field::Description => form_labels::DESCRIPTION,
            Field::RemarkCompany => form_labels::REMARK_COMPANY,
            Field::Mobiles => form_labels::MOBILES,
        };
        Localized::new(zh, en)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", default)]
pub struct FormValues {
    pub remark: String,
    pub description: String,
    pub remark_company: String,
    pub mobiles: Vec<String>,
}
crate::support::stored::stored_struct!(FormValues {
    remark: "remark" = default,
    description: "description" = default,
    remark_company: "remarkCompany" = default,
    mobiles: "mobiles" = default
});

impl FormValues {
    fn text(&self, field: Field) -> Option<&str> {
        match field {
            Field::Remark => Some(&self.remark),
            Field::Description => Some(&self.description),
            Field::RemarkCompany => Some(&self.remark_company),
            Field::Mobiles => None,
        }
    }

    /// The phone numbers as sent: normalized, blank entries left out.
    fn clean_mobiles(&self) -> Vec<String> {
        self.mobiles
            .iter()
            .map(|m| normalize_field(m))
            .filter(|m| !m.is_empty())
            .collect()
    }
}

/// A problem with one field (and, for phone numbers, one entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    pub field: Field,
    /// Index into `values.mobiles` for an error about one phone number.
    pub index: Option<usize>,
    pub code: &'static str,
    pub message: Localized,
}

/// Why an action on the form failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// Saving with no field changed (WeCom needs at least one).
    NothingChanged,
    /// Some changed fields are invalid.
    Invalid(Vec<FieldError>),
    /// A phone-number index that does not exist.
    MobileIndexOutOfRange { index: usize, len: usize },
    /// Adding a phone number when [`MAX_MOBILES`] are there already.
    TooManyMobiles { max: usize },
}

impl FormError {
    pub fn code(&self) -> &'static str {
        match self {
            FormError::NothingChanged => "nothing_changed",
            FormError::Invalid(_) => "invalid_fields",
            FormError::MobileIndexOutOfRange { .. } => "mobile_index_out_of_range",
            FormError::TooManyMobiles { .. } => "too_many_mobiles",
        }
    }

    pub fn message(&self) -> Localized {
        match self {
            FormError::NothingChanged => Localized::new(
                "没有修改任何内容，无需保存",
                "Nothing has changed; there is nothing to save",
            ),
            FormError::Invalid(errors) => Localized::new(
                format!("有 {} 处填写有误，请修改后再保存", errors.len()),
                format!("{} entries need fixing before saving", errors.len()),
            ),
            FormError::MobileIndexOutOfRange { index, len } => Localized::new(
                format!("没有第 {} 个手机号（共 {len} 个）", index + 1),
                format!("There is no phone number #{} (there are {len})", index + 1),
            ),
            FormError::TooManyMobiles { max } => Localized::new(
                format!("最多只能填写 {max} 个手机号"),
                format!("At most {max} phone numbers are allowed"),
            ),
        }
    }
}

/// A length counter for a text field, e.g. "12/20".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CharCounter {
    pub field: Field,
    pub count: usize,
    pub max: usize,
    pub text: String,
    pub over: bool,
}

/// A field error with its message in the chosen language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FieldErrorView {
    pub field: Field,
    pub index: Option<usize>,
    pub code: &'static str,
    pub message: String,
}

/// What the edit page renders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FormView {
    pub values: FormValues,
    pub remark: CharCounter,
    pub description: CharCounter,
    pub remark_company: CharCounter,
    pub errors: Vec<FieldErrorView>,
    pub changed: Vec<Field>,
    pub dirty: bool,
    pub can_save: bool,
    pub remark_company_allowed: bool,
    pub can_add_mobile: bool,
    /// The form's fixed labels in the member's language.
    pub labels: FormLabels,
}

/// The edit form: the values loaded from WeCom and the values being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditForm {
    original: FormValues,
    pub values: FormValues,
    kind: CustomerKind,
}

/// Checks one phone number (already normalized, not blank).
///
/// Accepted: an optional leading `+`, then groups of ASCII digits separated
/// by single `-` or single spaces, 7–20 digits in all: `13800000001`,
/// `+86 138-0000-0001`, `010-12345678`. Refused: letters, brackets, dots,
/// full-width digits, two separators in a row, a separator right after `+`
/// or at either end.
fn check_mobile(s: &str) -> Result<String, (&'static str, Localized)> {
    let bad_format = || {
        (
            "mobile_bad_format",
            Localized::new(
                format!("“{s}”不是有效的电话号码：只能包含数字，可以以 + 开头，数字之间可用单个空格或 - 分隔"),
                format!(
                    "\"{s}\" is not a valid phone number: use digits, optionally a leading +, \
                     with single spaces or dashes between digit groups"
                ),
            ),
        )
    };
    let body = s.strip_prefix('+').unwrap_or(s);
    let mut digits = String::new();
    let mut after_separator = true; // no separator at the start
    for c in body.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            after_separator = false;
        } else if (c == '-' || c == ' ') && !after_separator {
            after_separator = true;
        } else {
            return Err(bad_format());
        }
    }
    if after_separator {
        return Err(bad_format());
    }
    let n = digits.len();
    if n < MIN_MOBILE_DIGITS {
        return Err((
            "mobile_too_short",
            Localized::new(
                format!("电话号码至少 {MIN_MOBILE_DIGITS} 位数字，“{s}”只有 {n} 位"),
                format!(
                    "A phone number needs at least {MIN_MOBILE_DIGITS} digits; \"{s}\" has {n}"
                ),
            ),
        ));
    }
    if n > MAX_MOBILE_DIGITS {
        return Err((
            "mobile_too_long",
            Localized::new(
                format!("电话号码最多 {MAX_MOBILE_DIGITS} 位数字，“{s}”有 {n} 位"),
                format!(
                    "A phone number can have at most {MAX_MOBILE_DIGITS} digits; \"{s}\" has {n}"
                ),
            ),
        ));
    }
    Ok(digits)
}

impl EditForm {
    /// A form holding a follow user's current notes on a customer of `kind`.
    pub fn from_follow_user(user: &FollowUser, kind: CustomerKind) -> Self {
        let original = FormValues {
            remark: user.remark.clone(),
            description: user.description.clone(),
            remark_company: user.remark_corp_name.clone(),
            mobiles: user.remark_mobiles.clone(),
        };
        EditForm {
            values: original.clone(),
            original,
            kind,
        }
    }

    /// The form over `original` (a record's editable fields).
    pub fn from_values(original: FormValues, kind: CustomerKind) -> Self {
        EditForm {
            values: original.clone(),
            original,
            kind,
        }
    }

    /// The form over `original`, edited to `values`.
    pub fn editing(original: FormValues, values: FormValues, kind: CustomerKind) -> Self {
        EditForm {
            original,
            values,
            kind,
        }
    }

    pub fn original(&self) -> &FormValues {
        &self.original
    }

    pub fn kind(&self) -> CustomerKind {
        self.kind
    }

    /// Only WeChat-type customers have a remark company (wecom:96317).
    pub fn remark_company_allowed(&self) -> bool {
        self.kind == CustomerKind::Wechat
    }

    /// Sets a field as typed. For [`Field::Mobiles`] the value is a list
    /// separated by commas, semicolons, `、` or line breaks (half- or
    /// full-width); blank pieces are left out.
    pub fn set(&mut self, field: Field, value: &str) {
        match field {
            Field::Remark => self.values.remark = value.to_owned(),
            Field::Description => self.values.description = value.to_owned(),
            Field::RemarkCompany => self.values.remark_company = value.to_owned(),
            Field::Mobiles => {
                self.values.mobiles = value
                    .split([',', ';', '\n', '\r', '，', '；', '、'])
                    .filter(|m| !m.trim().is_empty())
                    .map(str::to_owned)
                    .collect();
            }
        }
    }

    fn check_index(&self, index: usize) -> Result<(), FormError> {
        let len = self.values.mobiles.len();
        if index < len {
            Ok(())
        } else {
            Err(FormError::MobileIndexOutOfRange { index, len })
        }
    }

    pub fn set_mobile(&mut self, index: usize, value: &str) -> Result<(), FormError> {
        self.check_index(index)?;
        if let Some(slot) = self.values.mobiles.get_mut(index) {
            *slot = value.to_owned();
        }
        Ok(())
    }

    /// Appends an empty phone number and returns its index.
    pub fn add_mobile(&mut self) -> Result<usize, FormError> {
        if self.values.mobiles.len() >= MAX_MOBILES {
            return Err(FormError::TooManyMobiles { max: MAX_MOBILES });
        }
        self.values.mobiles.push(String::new());
        Ok(self.values.mobiles.len() - 1)
    }

    pub fn remove_mobile(&mut self, index: usize) -> Result<(), FormError> {
        self.check_index(index)?;
        self.values.mobiles.remove(index);
        Ok(())
    }

    /// The fields whose normalized value differs from the original.
    pub fn changed_fields(&self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(
                |&field| match (self.values.text(field), self.original.text(field)) {
                    (Some(now), Some(before)) => normalize_field(now) != normalize_field(before),
                    _ => self.values.clean_mobiles() != self.original.clean_mobiles(),
                },
            )
            .collect()
    }

    pub fn is_dirty(&self) -> bool {
        !self.changed_fields().is_empty()
    }

    /// The counter of a text field; `None` for [`Field::Mobiles`].
    pub fn counter(&self, field: Field) -> Option<CharCounter> {
        let max = field.max_chars()?;
        let count = char_count(&normalize_field(self.values.text(field)?));
        Some(CharCounter {
            field,
            count,
            max,
            text: format!("{count}/{max}"),
            over: count > max,
        })
    }

    /// The problems of the changed fields, in field order.
    pub fn errors(&self) -> Vec<FieldError> {
        self.errors_of(&self.changed_fields())
    }

    /// [`EditForm::errors`], given the changed fields.
    fn errors_of(&self, changed: &[Field]) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for &field in changed {
            match field {
                Field::Mobiles => self.mobile_errors(&mut errors),
                _ => {
                    if field == Field::RemarkCompany && !self.remark_company_allowed() {
                        errors.push(FieldError {
                            field,
                            index: None,
                            code: "remark_company_not_allowed",
                            message: Localized::new(
                                "只有微信客户可以设置备注企业名称",
                                "Only WeChat customers have a remark company",
                            ),
                        });
                        continue;
                    }
                    if let Some(c) = self.counter(field).filter(|c| c.over) {
                        let label = field.label();
                        errors.push(FieldError {
                            field,
                            index: None,
                            code: "too_long",
                            message: Localized::new(
                                format!("{}最多 {} 个字，现在 {} 个", label.zh, c.max, c.count),
                                format!(
                                    "{} can have at most {} characters; it has {}",
                                    label.en, c.max, c.count
                                ),
                            ),
                        });
                    }
                }
            }
        }
        errors
    }

    fn mobile_errors(&self, errors: &mut Vec<FieldError>) {
        let mut seen: Vec<(String, usize)> = Vec::new();
        let mut count = 0;
        for (index, raw) in self.values.mobiles.iter().enumerate() {
            let m = normalize_field(raw);
            if m.is_empty() {
                continue;
            }
            count += 1;
            match check_mobile(&m) {
                Err((code, message)) => errors.push(FieldError {
                    field: Field::Mobiles,
                    index: Some(index),
                    code,
                    message,
                }),
                Ok(digits) => {
                    if let Some((_, first)) = seen.iter().find(|(d, _)| *d == digits) {
                        let first = first + 1;
                        errors.push(FieldError {
                            field: Field::Mobiles,
                            index: Some(index),
                            code: "mobile_duplicate",
                            message: Localized::new(
                                format!("“{m}”与第 {first} 个号码重复"),
                                format!("\"{m}\" repeats phone number #{first}"),
                            ),
                        });
                    } else {
                        seen.push((digits, index));
                    }
                }
            }
        }
        if count > MAX_MOBILES {
            errors.push(FieldError {
                field: Field::Mobiles,
                index: None,
                code: "too_many_mobiles",
                message: Localized::new(
                    format!("最多只能填写 {MAX_MOBILES} 个手机号，现在有 {count} 个"),
                    format!("At most {MAX_MOBILES} phone numbers are allowed; there are {count}"),
                ),
            });
        }
    }

    /// The `externalcontact/remark` body with only the changed fields.
    /// Clearing every phone number sends `remark_mobiles: [""]`, which is how
    /// WeCom clears the list.
    pub fn to_remark_body(
        &self,
        userid: &UserId,
        external_userid: &ExternalUserId,
    ) -> Result<Value, FormError> {
        let errors = self.errors();
        if !errors.is_empty() {
            return Err(FormError::Invalid(errors));
        }
        let changed = self.changed_fields();
        if changed.is_empty() {
            return Err(FormError::NothingChanged);
        }
        let mut body = Map::new();
        body.insert("userid".into(), json!(userid.as_str()));
        body.insert("external_userid".into(), json!(external_userid.as_str()));
        for field in changed {
            let (key, value) = match field {
                Field::Remark => ("remark", json!(normalize_field(&self.values.remark))),
                Field::Description => (
                    "description",
                    json!(normalize_field(&self.values.description)),
                ),
                Field::RemarkCompany => (
                    "remark_company",
                    json!(normalize_field(&self.values.remark_company)),
                ),
                Field::Mobiles => {
                    let mobiles = self.values.clean_mobiles();
                    if mobiles.is_empty() {
                        ("remark_mobiles", json!([""]))
                    } else {
                        ("remark_mobiles", json!(mobiles))
                    }
                }
            };
            body.insert(key.into(), value);
        }
        Ok(Value::Object(body))
    }

    /// Everything the edit page renders, in one language.
    pub fn view(&self, locale: Locale) -> FormView {
        let mut view = self.view_but_values(locale);
        view.values = self.values.clone();
        view
    }

    /// [`EditForm::view`], moving the values into it.
    pub fn into_view(self, locale: Locale) -> FormView {
        let mut view = self.view_but_values(locale);
        view.values = self.values;
        view
    }

    fn view_but_values(&self, locale: Locale) -> FormView {
        let counter = |field| {
            self.counter(field).unwrap_or(CharCounter {
                field,
                count: 0,
                max: 0,
                text: String::new(),
                over: false,
            })
        };
        let changed = self.changed_fields();
        let errors: Vec<FieldErrorView> = self
            .errors_of(&changed)
            .into_iter()
            .map(|e| FieldErrorView {
                field: e.field,
                index: e.index,
                code: e.code,
                message: e.message.get(locale).to_owned(),
            })
            .collect();
        FormView {
            values: FormValues::default(),
            remark: counter(Field::Remark),
            description: counter(Field::Description),
            remark_company: counter(Field::RemarkCompany),
            can_save: errors.is_empty() && !changed.is_empty(),
            dirty: !changed.is_empty(),
            errors,
            changed,
            remark_company_allowed: self.remark_company_allowed(),
            can_add_mobile: self.values.mobiles.len() < MAX_MOBILES,
            labels: form_labels::labels(locale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wecom::customer::AddWay;

    fn user() -> FollowUser {
        FollowUser {
            userid: UserId::parse("rocky").unwrap(),
            remark: "李部长".into(),
            description: "对接采购事务".into(),
            created_at: Some(1525779812),
            tags: vec![],
            remark_corp_name: "腾讯科技".into(),
            remark_mobiles: vec!["13800000001".into(), "13000000002".into()],
            add_way: AddWay::QrCode,
            oper_userid: None,
            state: None,
        }
    }

    #[test]
    fn fields_are_named_as_the_form_labels_them() {
        let labels = form_labels::labels(Locale::Zh);
        assert_eq!(Field::Remark.label().zh, labels.remark);
        assert_eq!(Field::RemarkCompany.label().zh, labels.remark_company);
        assert_eq!(
            Field::Mobiles.label().en,
            form_labels::labels(Locale::En).mobiles
        );
    }

    fn wechat_form() -> EditForm {
        EditForm::from_follow_user(&user(), CustomerKind::Wechat)
    }

    fn ids() -> (UserId, ExternalUserId) {
        (
            UserId::parse("rocky").unwrap(),
            ExternalUserId::parse("wmABCDEF").unwrap(),
        )
    }

    fn codes(form: &EditForm) -> Vec<(Field, Option<usize>, &'static str)> {
        form.errors()
            .into_iter()
            .map(|e| (e.field, e.index, e.code))
            .collect()
    }

    /// A text of `n` characters made of `unit` repeated.
    fn text(unit: &str, n: usize) -> String {
        unit.repeat(n)
    }

    const UNITS: [&str; 5] = ["a", "中", "😀", "e\u{301}", "👨\u{200D}👩\u{200D}👧"];

    fn check_limit(field: Field, max: usize) {
        for unit in UNITS {
            let mut f = wechat_form();
            f.set(field, &text(unit, max - 1));
            assert!(f.errors().is_empty(), "{field:?} {unit} below");
            f.set(field, &text(unit, max));
            assert!(f.errors().is_empty(), "{field:?} {unit} at");
            assert_eq!(f.counter(field).unwrap().text, format!("{max}/{max}"));
            f.set(field, &text(unit, max + 1));
            assert_eq!(
                codes(&f),
                vec![(field, None, "too_long")],
                "{field:?} {unit} over"
            );
            assert!(f.counter(field).unwrap().over);
            let (u, e) = ids();
            assert!(matches!(
                f.to_remark_body(&u, &e),
                Err(FormError::Invalid(_))
            ));
        }
    }

    #[test]
    fn remark_limit() {
        check_limit(Field::Remark, MAX_REMARK);
    }

    #[test]
    fn description_limit() {
        check_limit(Field::Description, MAX_DESCRIPTION);
    }

    #[test]
    fn remark_company_limit() {
        check_limit(Field::RemarkCompany, MAX_REMARK_COMPANY);
    }

    #[test]
    fn too_long_message_says_limit_and_count() {
        let mut f = wechat_form();
        f.set(Field::Remark, &text("中", 21));
        let e = &f.errors()[0];
        assert!(
            e.message.zh.contains("20") && e.message.zh.contains("21"),
            "{}",
            e.message.zh
        );
        assert!(e.message.en.contains("Remark"), "{}", e.message.en);
    }

    #[test]
    fn surrounding_spaces_do_not_count() {
        let mut f = wechat_form();
        f.set(Field::Remark, &format!("  {}  ", text("中", 20)));
        assert!(f.errors().is_empty());
        assert_eq!(f.counter(Field::Remark).unwrap().text, "20/20");
    }

    #[test]
    fn counters_for_the_view() {
        let f = wechat_form();
        assert_eq!(f.counter(Field::Remark).unwrap().text, "3/20");
        assert_eq!(f.counter(Field::Description).unwrap().text, "6/150");
        assert_eq!(f.counter(Field::Mobiles), None);
    }

    #[test]
    fn wecom_customer_cannot_set_remark_company() {
        let mut f = EditForm::from_follow_user(&user(), CustomerKind::Wecom);
        assert!(!f.remark_company_allowed());
        assert!(f.errors().is_empty(), "untouched legacy value is fine");
        f.set(Field::RemarkCompany, "新公司");
        assert_eq!(
            codes(&f),
            vec![(Field::RemarkCompany, None, "remark_company_not_allowed")]
        );
        assert!(f.errors()[0].message.en.contains("Only WeChat customers"));
        let mut f = EditForm::from_follow_user(&user(), CustomerKind::Unknown(9));
        f.set(Field::RemarkCompany, "x");
        assert_eq!(codes(&f)[0].2, "remark_company_not_allowed");
    }

    #[test]
    fn nothing_changed() {
        let mut f = wechat_form();
        let (u, e) = ids();
        assert_eq!(f.to_remark_body(&u, &e), Err(FormError::NothingChanged));
        assert!(!f.is_dirty());
        f.set(Field::Remark, " 李部长\n");
        assert!(!f.is_dirty(), "normalized value equals the original");
        assert_eq!(
            f.to_remark_body(&u, &e).unwrap_err().code(),
            "nothing_changed"
        );
    }

    #[test]
    fn body_holds_only_changed_fields() {
        let mut f = wechat_form();
        f.set(Field::Remark, "  王总 ");
        assert_eq!(f.changed_fields(), vec![Field::Remark]);
        let (u, e) = ids();
        assert_eq!(
            f.to_remark_body(&u, &e).unwrap(),
            json!({"userid": "rocky", "external_userid": "wmABCDEF", "remark": "王总"})
        );
    }

    #[test]
    fn body_with_every_field() {
        let mut f = wechat_form();
        f.set(Field::Remark, "王总");
        f.set(Field::Description, "");
        f.set(Field::RemarkCompany, "新公司");
        f.set_mobile(0, "+86 139-0000-0000").unwrap();
        let (u, e) = ids();
        assert_eq!(
            f.to_remark_body(&u, &e).unwrap(),
            json!({
                "userid": "rocky", "external_userid": "wmABCDEF",
                "remark": "王总", "description": "", "remark_company": "新公司",
                "remark_mobiles": ["+86 139-0000-0000", "13000000002"]
            })
        );
    }

    #[test]
    fn clearing_mobiles_sends_one_empty_string() {
        let mut f = wechat_form();
        f.remove_mobile(1).unwrap();
        f.remove_mobile(0).unwrap();
        assert_eq!(f.changed_fields(), vec![Field::Mobiles]);
        let (u, e) = ids();
        let body = f.to_remark_body(&u, &e).unwrap();
        assert_eq!(body["remark_mobiles"], json!([""]));
        // Blank entries count as cleared too.
        let mut f = wechat_form();
        f.set(Field::Mobiles, "");
        f.add_mobile().unwrap();
        assert_eq!(
            f.to_remark_body(&u, &e).unwrap()["remark_mobiles"],
            json!([""])
        );
    }

    #[test]
    fn mobile_formats() {
        for good in [
            "13800000001",
            "+8613800000001",
            "+86 138 0000 0001",
            "010-12345678",
            "1234567",
        ] {
            assert!(check_mobile(good).is_ok(), "{good}");
        }
        assert!(check_mobile(&"1".repeat(20)).is_ok());
        for bad in [
            "abc",
            "138-",
            "-138",
            "138--0000000",
            "138  0000000",
            "+",
            "+ 8613800000001",
            "(010)12345678",
            "138.0000.0001",
            "１３８００００００１",
            "++8613800000001",
            "138+0000000",
        ] {
            assert_eq!(
                check_mobile(bad).unwrap_err().0,
                "mobile_bad_format",
                "{bad}"
            );
        }
        assert_eq!(check_mobile("123456").unwrap_err().0, "mobile_too_short");
        assert_eq!(check_mobile("+86 1234").unwrap_err().0, "mobile_too_short");
        assert_eq!(
            check_mobile(&"1".repeat(21)).unwrap_err().0,
            "mobile_too_long"
        );
    }

    #[test]
    fn bad_mobile_is_reported_at_its_index() {
        let mut f = wechat_form();
        f.set_mobile(1, "13x00000002").unwrap();
        assert_eq!(
            codes(&f),
            vec![(Field::Mobiles, Some(1), "mobile_bad_format")]
        );
        assert!(f.errors()[0].message.en.contains("13x00000002"));
    }

    #[test]
    fn duplicate_mobiles_compare_digits() {
        let mut f = wechat_form();
        f.set_mobile(1, "138-0000-0001").unwrap();
        assert_eq!(
            codes(&f),
            vec![(Field::Mobiles, Some(1), "mobile_duplicate")]
        );
        assert!(f.errors()[0].message.zh.contains("第 1 个"));
    }

    #[test]
    fn mobile_cap() {
        let mut f = wechat_form();
        while f.values.mobiles.len() < MAX_MOBILES {
            let i = f.add_mobile().unwrap();
            f.set_mobile(i, &format!("1390000{i:04}")).unwrap();
        }
        assert!(f.errors().is_empty(), "{:?}", f.errors());
        assert_eq!(
            f.add_mobile(),
            Err(FormError::TooManyMobiles { max: MAX_MOBILES })
        );
        // Pasting a longer list is reported, not truncated.
        let list: Vec<String> = (0..11).map(|i| format!("1370000{i:04}")).collect();
        f.set(Field::Mobiles, &list.join(","));
        assert_eq!(f.values.mobiles.len(), 11);
        assert_eq!(codes(&f), vec![(Field::Mobiles, None, "too_many_mobiles")]);
    }

    #[test]
    fn set_mobiles_splits_lists() {
        let mut f = wechat_form();
        f.set(
            Field::Mobiles,
            "13800000001，13900000002;\n 010-12345678 ,,",
        );
        assert_eq!(
            f.values.mobiles,
            vec!["13800000001", "13900000002", " 010-12345678 "]
        );
        assert!(f.errors().is_empty());
    }

    #[test]
    fn index_out_of_range_is_an_error() {
        let mut f = wechat_form();
        assert_eq!(
            f.set_mobile(2, "x"),
            Err(FormError::MobileIndexOutOfRange { index: 2, len: 2 })
        );
        assert_eq!(
            f.remove_mobile(usize::MAX).unwrap_err().code(),
            "mobile_index_out_of_range"
        );
        assert_eq!(f.values.mobiles.len(), 2);
        assert!(FormError::MobileIndexOutOfRange { index: 2, len: 2 }
            .message()
            .en
            .contains("#3"));
    }

    #[test]
    fn untouched_legacy_mobile_does_not_block_saving() {
        let mut legacy = user();
        legacy.remark_mobiles = vec!["(010)12345678".into()];
        let mut f = EditForm::from_follow_user(&legacy, CustomerKind::Wechat);
        f.set(Field::Remark, "新备注");
        let (u, e) = ids();
        let body = f.to_remark_body(&u, &e).unwrap();
        assert!(body.get("remark_mobiles").is_none());
    }

    #[test]
    fn reverting_a_change_makes_the_form_clean() {
        let mut f = wechat_form();
        f.set(Field::Description, "变了");
        assert!(f.is_dirty());
        f.set(Field::Description, "对接采购事务");
        assert!(!f.is_dirty());
    }

    #[test]
    fn view_serializes_camel_case() {
        let mut f = wechat_form();
        f.set(Field::Remark, &text("中", 21));
        let v = serde_json::to_value(f.view(Locale::En)).unwrap();
        assert_eq!(v["remark"]["text"], "21/20");
        assert_eq!(v["remark"]["over"], true);
        assert_eq!(v["canSave"], false);
        assert_eq!(v["dirty"], true);
        assert_eq!(v["remarkCompanyAllowed"], true);
        assert_eq!(v["canAddMobile"], true);
        assert_eq!(v["changed"], json!(["remark"]));
        assert_eq!(v["errors"][0]["field"], "remark");
        assert_eq!(v["errors"][0]["index"], Value::Null);
        assert_eq!(v["errors"][0]["code"], "too_long");
        assert!(v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("at most 20"));
        assert_eq!(v["values"]["remarkCompany"], "腾讯科技");
        let f = wechat_form();
        assert_eq!(
            serde_json::to_value(f.view(Locale::Zh)).unwrap()["canSave"],
            false
        );
    }

    #[test]
    fn field_errors_serialize() {
        let mut f = wechat_form();
        f.set_mobile(0, "x").unwrap();
        let v = serde_json::to_value(f.errors()).unwrap();
        assert_eq!(v[0]["field"], "mobiles");
        assert_eq!(v[0]["index"], 0);
        assert!(v[0]["message"]["zh"].is_string());
    }
}
