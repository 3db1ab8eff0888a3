//! WeCom's server `errcode`s that reach the member: the one table of what
//! each means, in words, with a stable code. Source: the global error code
//! page (wecom:90313, developer.work.weixin.qq.com/document/path/90313) and
//! the API pages of the calls the backend passes through (wecom:96315
//! externalcontact/get, wecom:92115 get_corp_tag_list, wecom:92122
//! groupchat/get, wecom:91039 gettoken). Each row names its page.
//!
//! The reference server (`wcc-server`) passes these codes through in its
//! error bodies (`errcode` stays WeCom's), so the client explains them from
//! this table; it decides retries and token refreshes from the same codes.

use crate::support::locale::Localized;

/// The access_token was refused (40014 invalid, 42001 expired): refresh it
/// once, then retry (wecom:90313, wecom:91039).
pub const TOKEN_REJECTED: [i64; 2] = [40014, 42001];
/// Call frequency (45009) and concurrency (45033) limits: back off
/// (wecom:90313).
pub const RATE_LIMITED: [i64; 2] = [45009, 45033];

/// `(errcode, stable code, zh, en)`.
const TABLE: &[(i64, &str, &str, &str)] = &[
    // wecom:90313; externalcontact/get (wecom:96315).
    (
        40096,
        "wecom_invalid_external_userid",
        "客户 ID（external_userid）无效",
        "The customer id (external_userid) is invalid",
    ),
    // externalcontact/get (wecom:96315): no follow relation.
    (
        84061,
        "wecom_not_a_customer",
        "该用户不是此成员的客户",
        "This person is not a customer of this member",
    ),
    // wecom:90313; a secret not listed for 客户联系 (wecom-facts §5).
    (
        48002,
        "wecom_api_forbidden",
        "接口无权调用：后台使用的 secret 不对，需使用「客户联系」可调用应用的 secret",
        "API forbidden: the backend uses the wrong secret; it needs the secret of an app allowed to call the customer-contact APIs",
    ),
    // wecom:90313.
    (
        60011,
        "wecom_no_privilege",
        "没有权限：该成员或客户不在应用的可见范围内",
        "No privilege: the member or the customer is outside the app's visible range",
    ),
    // wecom:90313, wecom:91039 (gettoken).
    (
        40014,
        "wecom_token_invalid",
        "后台的 access_token 无效，请稍后重试",
        "The backend's access_token is invalid; try again shortly",
    ),
    // wecom:90313, wecom:91039 (gettoken).
    (
        42001,
        "wecom_token_expired",
        "后台的 access_token 已过期，请稍后重试",
        "The backend's access_token has expired; try again shortly",
    ),
    // wecom:90313: call frequency (45009) and concurrency (45033) limits.
    (
        45009,
        "wecom_rate_limited",
        "接口调用太频繁，请稍后重试",
        "Too many requests to WeCom; try again shortly",
    ),
    (
        45033,
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
    fn the_limits_the_server_backs_off_from_have_words() {
        for errcode in RATE_LIMITED {
            assert_eq!(code(errcode), "wecom_rate_limited", "{errcode}");
            assert!(message(errcode, "").en.starts_with("Too many requests"));
        }
    }

    #[test]
    fn the_tokens_the_server_refreshes_have_words() {
        assert_eq!(
            TOKEN_REJECTED.map(code),
            ["wecom_token_invalid", "wecom_token_expired"]
        );
        assert!(message(40014, "invalid access_token")
            .en
            .contains("access_token is invalid"));
    }

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
