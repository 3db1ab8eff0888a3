//! The edit form's fixed labels (`FormView.labels`), each `(zh, en)`: the
//! field names (also used in the form's messages, so the form and its
//! errors name a field alike: 备注名, not `remark`; `form::Field::label`)
//! and the buttons.

use serde::Serialize;

use crate::support::locale::Locale;

/// A fixed label: `(zh, en)`.
pub type Pair = (&'static str, &'static str);

pub const REMARK: Pair = ("备注名", "Remark");
pub const DESCRIPTION: Pair = ("描述", "Description");
pub const REMARK_COMPANY: Pair = ("备注企业", "Remark company");
pub const MOBILES: Pair = ("手机号", "Phone numbers");
pub const REMOVE_MOBILE: Pair = ("删除", "Remove");
pub const ADD_MOBILE: Pair = ("+ 添加手机号", "+ Add a phone number");
pub const CANCEL: Pair = ("取消", "Cancel");
pub const SAVE: Pair = ("保存", "Save");

/// Every label of the form.
pub const TABLE: &[Pair] = &[
    REMARK,
    DESCRIPTION,
    REMARK_COMPANY,
    MOBILES,
    REMOVE_MOBILE,
    ADD_MOBILE,
    CANCEL,
    SAVE,
];

fn pick(pair: Pair, locale: Locale) -> &'static str {
    match locale {
        Locale::Zh => pair.0,
        Locale::En => pair.1,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FormLabels {
    pub remark: &'static str,
    pub description: &'static str,
    pub remark_company: &'static str,
    pub mobiles: &'static str,
    pub remove_mobile: &'static str,
    pub add_mobile: &'static str,
    pub cancel: &'static str,
    pub save: &'static str,
}

pub fn labels(locale: Locale) -> FormLabels {
    let t = |p| pick(p, locale);
    FormLabels {
        remark: t(REMARK),
        description: t(DESCRIPTION),
        remark_company: t(REMARK_COMPANY),
        mobiles: t(MOBILES),
        remove_mobile: t(REMOVE_MOBILE),
        add_mobile: t(ADD_MOBILE),
        cancel: t(CANCEL),
        save: t(SAVE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_locale() {
        let zh = labels(Locale::Zh);
        assert_eq!((zh.save, zh.cancel), ("保存", "取消"));
        let en = labels(Locale::En);
        assert_eq!((en.save, en.remark), ("Save", "Remark"));
    }
}
