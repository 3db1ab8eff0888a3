//! WeCom's server `errcode`s that reach the member: the one table of what
//! each means, in words, with a stable code. Source: the global error code
//! page (developer.work.weixin.qq.com/document/path/90313) and the API pages
//! of the calls the backend passes through (wecom:96315 externalcontact/get,
//! wecom:92115 get_corp_tag_list, wecom:92122 groupchat/get).

use crate::support::locale::Localized;

/// `(errcode, stable code, zh, en)`.
const TABLE: &[(i64, &str, &str, &str)] = &[
    (
        40096,
        "wecom_invalid_external_userid",
        "客户 ID（external_userid）无效",
        "The customer id (external_userid) is invalid",
    ),
    (
        84061,
        "wecom_not_a_customer",
        "该用户不是此成员的客户",
        "This person is not a customer of this member",
    ),
    (
        48002,
        "wecom_api_forbidden",
        "接口无权调用：后台使用的 secret 不对，需使用「客户联系」可调用应用的 secret",
        "API forbidden: the backend uses the wrong secret; it needs the secret of an app allowed to call the customer-contact APIs",
    ),
    (
        60011,
        "wecom_no_privilege",
        "没有权限：该成员或客户不在应用的可见范围内",
        "No privilege: the member or the customer is outside the app's visible range",
    ),
    (
        42001,
        "wecom_token_expired",
        "后台的 access_token 已过期，请稍后重试",
        "The backend's access_token has expired; try again shortly",
    ),
    (
        45009,
        "wecom_rate_limited",
        "接口调用太频繁，请稍后重试",
        "Too many requests to WeCom; try again shortly",
    ),
];

/// The stable code for an errcode (`wecom_error` for one not in the table).
pub fn code(errcode: i64) -> &'static str {
    TABLE
        .iter()
        .find(|(c, ..)| *c == errcode)
        .map_or("wecom_error", |(_, code, ..)| code)
}

/// WeCom's errmsg without its `hint: […]` and `from ip` tail.
pub fn short_errmsg(errmsg: &str) -> &str {
    errmsg.split(", hint").next().unwrap_or(errmsg).trim()
}

/// Clear text for an errcode. For a code without a known meaning the start
/// of `errmsg` is shown (without WeCom's `hint:`/`from ip` tail).
pub fn message(errcode: i64, errmsg: &str) -> Localized {
    match TABLE.iter().find(|(c, ..)| *c == errcode) {
        Some((_, _, zh, en)) => Localized::new(
            format!("{zh}（错误码 {errcode}）"),
            format!("{en} (error {errcode})"),
        ),
        None => {
            let short = short_errmsg(errmsg);
            Localized::new(
                format!("企业微信返回错误 {errcode}：{short}"),
                format!("WeCom returned error {errcode}: {short}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_known_ones_have_words() {
        for (i, (c, ..)) in TABLE.iter().enumerate() {
            assert!(TABLE[i + 1..].iter().all(|(d, ..)| d != c), "{c} twice");
        }
        assert_eq!(code(48002), "wecom_api_forbidden");
        assert_eq!(code(1), "wecom_error");
        assert!(message(60011, "x").zh.contains("可见范围"));
        let m = message(
            40058,
            "invalid parameter, hint: [1], from ip: 1.2.3.4, more info at https://x",
        );
        assert_eq!(m.en, "WeCom returned error 40058: invalid parameter");
    }
}
