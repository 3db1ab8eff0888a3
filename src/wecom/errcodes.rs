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

/// `(errcode, stable code, zh, en, next step)`: what it means, and for the
/// codes a member cannot fix by retrying, who must act and where (the
/// member or the admin, and where in the admin console) as `(zh, en)`.
type Row = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
);

const TABLE: &[Row] = &[
    // jscode2session (wecom:96959): the login code is not one of this
    // app's (from another app, or used or expired).
    (
        40029,
        "wecom_invalid_code",
        "登录凭证无效：企业微信给的登录码不属于后台所用的应用，或已失效",
        "Invalid login code: the code WeCom gave is not for the app the backend uses, or it expired",
        Some((
            "请先关闭小程序重新打开；若仍失败，请管理员在企业微信管理后台「应用管理 → 本应用 → 关联小程序」确认小程序关联的是本应用，并让后台用该应用的 Secret 换取登录",
            "Close the mini program and open it again; if it still fails, your admin must check in the WeCom admin console (App Management → this app → Associated mini program) that the mini program is bound to this app, and that the backend exchanges the login with that app's Secret",
        )),
    ),
    // wecom:90313; externalcontact/get (wecom:96315).
    (
        40096,
        "wecom_invalid_external_userid",
        "客户 ID（external_userid）无效",
        "The customer id (external_userid) is invalid",
        Some((
            "请关闭后从客户的聊天或详情页重新打开",
            "Close the page and open it again from the customer's chat or profile",
        )),
    ),
    // externalcontact/get (wecom:96315): no follow relation.
    (
        84061,
        "wecom_not_a_customer",
        "该用户不是此成员的客户",
        "This person is not a customer of this member",
        Some((
            "请确认你已添加该客户为联系人；如果是同事的客户，请让跟进的同事处理",
            "Check that you have added this customer as a contact; if they are a colleague's customer, ask that colleague",
        )),
    ),
    // wecom:90313; a secret not listed for 客户联系 (wecom-facts §5).
    (
        48002,
        "wecom_api_forbidden",
        "接口无权调用：后台使用的 secret 不对，需使用「客户联系」可调用应用的 secret",
        "API forbidden: the backend uses the wrong secret; it needs the secret of an app allowed to call the customer-contact APIs",
        Some((
            "需要管理员处理：在企业微信管理后台「客户与上下游 → 客户联系 → API」的「可调用接口的应用」中加入本应用，并让后台使用该应用的 Secret",
            "Your admin must fix this: in the WeCom admin console (Customers & Partners → Customer Contact → API), add this app under \"apps that can call the API\", and have the backend use that app's Secret",
        )),
    ),
    // wecom:90313.
    (
        60011,
        "wecom_no_privilege",
        "没有权限：该成员或客户不在应用的可见范围内",
        "No privilege: the member or the customer is outside the app's visible range",
        Some((
            "需要管理员处理：在企业微信管理后台「应用管理 → 本应用 → 可见范围」中加入该成员",
            "Your admin must fix this: add the member to this app's visible range in the WeCom admin console (App Management → this app → Visible range)",
        )),
    ),
    // wecom:90313, wecom:91039 (gettoken): the backend's secret is wrong.
    (
        40001,
        "wecom_invalid_secret",
        "后台的 Secret 无效：企业微信不接受后台配置的应用 Secret",
        "Invalid secret: WeCom does not accept the app Secret the backend is configured with",
        Some((
            "需要管理员处理：在企业微信管理后台「应用管理 → 本应用」查看 Secret，并更新后台的配置",
            "Your admin must fix this: look up the app's Secret in the WeCom admin console (App Management → this app) and update the backend's configuration",
        )),
    ),
    // wecom:90313: the backend calls from an IP not among the app's trusted IPs.
    (
        60020,
        "wecom_untrusted_ip",
        "后台服务器的 IP 不在应用的企业可信 IP 中，企业微信拒绝了调用",
        "WeCom refused the call: the backend server's IP is not one of the app's trusted IPs",
        Some((
            "需要管理员处理：在企业微信管理后台「应用管理 → 本应用 → 企业可信IP」中加入后台服务器的出口 IP",
            "Your admin must fix this: add the backend server's outgoing IP under Trusted IPs in the WeCom admin console (App Management → this app → Trusted IP)",
        )),
    ),
    // wecom:90313, wecom:91039 (gettoken).
    (
        40014,
        "wecom_token_invalid",
        "后台的 access_token 无效，请稍后重试",
        "The backend's access_token is invalid; try again shortly",
        None,
    ),
    // wecom:90313, wecom:91039 (gettoken).
    (
        42001,
        "wecom_token_expired",
        "后台的 access_token 已过期，请稍后重试",
        "The backend's access_token has expired; try again shortly",
        None,
    ),
    // wecom:90313: call frequency (45009) and concurrency (45033) limits.
    (
        45009,
        "wecom_rate_limited",
        "接口调用太频繁，请稍后重试",
        "Too many requests to WeCom; try again shortly",
        None,
    ),
    (
        45033,
        "wecom_rate_limited",
        "接口调用太频繁，请稍后重试",
        "Too many requests to WeCom; try again shortly",
        None,
    ),
];

/// What to do next about an errcode, saying who must act (the member or
/// the admin, and where in the admin console); `None` when retrying later
/// is all there is.
pub fn next_step(errcode: i64) -> Option<Localized> {
    TABLE
        .iter()
        .find(|(c, ..)| *c == errcode)
        .and_then(|(.., step)| step.map(|(zh, en)| Localized::new(zh, en)))
}

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

/// Clear text for an errcode. For a code without a known meaning the
/// Chinese text names the code in words and never quotes `errmsg` (WeCom's
/// errmsg is English); the English text quotes its start (without WeCom's
/// `hint:`/`from ip` tail).
pub fn message(errcode: i64, errmsg: &str) -> Localized {
    match TABLE.iter().find(|(c, ..)| *c == errcode) {
        Some((_, _, zh, en, _)) => Localized::new(
            format!("{zh}（错误码 {errcode}）"),
            format!("{en} (error {errcode})"),
        ),
        None => {
            let short = short_errmsg(errmsg);
            let en = if short.is_empty() {
                format!("WeCom returned error {errcode}")
            } else {
                format!("WeCom returned error {errcode}: {short}")
            };
            Localized::new(format!("企业微信返回错误（代码 {errcode}）"), en)
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
    fn forty_eight_002_says_the_admin_must_act_and_where() {
        let g = next_step(48002).unwrap();
        assert!(
            g.zh.contains("管理员") && g.zh.contains("可调用接口的应用"),
            "{}",
            g.zh
        );
        assert!(
            g.en.contains("admin") && g.en.contains("Customer Contact"),
            "{}",
            g.en
        );
        assert!(!message(48002, "api forbidden").zh.contains("api forbidden"));
    }

    #[test]
    fn forty_029_says_reopen_then_the_admin_checks_the_bound_app() {
        assert_eq!(code(40029), "wecom_invalid_code");
        let m = message(40029, "invalid code");
        assert!(!m.zh.contains("invalid code"), "{}", m.zh);
        assert!(m.zh.contains("登录凭证无效"), "{}", m.zh);
        assert!(m.en.contains("Invalid login code"), "{}", m.en);
        let g = next_step(40029).unwrap();
        assert!(
            g.zh.contains("重新打开") && g.zh.contains("关联小程序"),
            "{}",
            g.zh
        );
        assert!(
            g.en.contains("open it again") && g.en.contains("Associated mini program"),
            "{}",
            g.en
        );
    }

    #[test]
    fn sixty_011_says_the_admin_adds_the_member_to_the_visible_range() {
        let g = next_step(60011).unwrap();
        assert!(
            g.zh.contains("管理员") && g.zh.contains("可见范围"),
            "{}",
            g.zh
        );
        assert!(
            g.en.contains("admin") && g.en.contains("Visible range"),
            "{}",
            g.en
        );
    }

    #[test]
    fn eighty_four_061_says_the_rep_or_the_colleague_acts() {
        let g = next_step(84061).unwrap();
        assert!(
            g.zh.contains("同事") && !g.zh.contains("管理员"),
            "{}",
            g.zh
        );
        assert!(g.en.contains("colleague"), "{}", g.en);
    }

    #[test]
    fn a_wrong_secret_and_an_untrusted_ip_say_the_admin_acts_and_where() {
        let g = next_step(40001).unwrap();
        assert!(
            g.zh.contains("管理员") && g.zh.contains("Secret"),
            "{}",
            g.zh
        );
        assert!(
            g.en.contains("admin") && g.en.contains("Secret"),
            "{}",
            g.en
        );
        let g = next_step(60020).unwrap();
        assert!(
            g.zh.contains("管理员") && g.zh.contains("企业可信IP"),
            "{}",
            g.zh
        );
        assert!(
            g.en.contains("admin") && g.en.contains("Trusted IP"),
            "{}",
            g.en
        );
        let m = message(
            60020,
            "not allow to access from your ip, hint: [1], from ip: 1.2.3.4",
        );
        assert!(!m.zh.contains("not allow"), "{}", m.zh);
        assert_eq!(code(60020), "wecom_untrusted_ip");
        assert_eq!(code(40001), "wecom_invalid_secret");
    }

    #[test]
    fn every_row_is_in_both_languages_and_english_has_no_chinese() {
        use crate::support::locale::is_cjk;
        for (c, _, zh, en, step) in TABLE {
            let mut pairs = vec![(*zh, *en)];
            pairs.extend(*step);
            for (zh, en) in pairs {
                assert!(zh.chars().any(is_cjk), "{c}: {zh:?}");
                assert!(
                    !en.trim().is_empty() && !en.chars().any(is_cjk),
                    "{c}: {en:?}"
                );
            }
        }
    }

    #[test]
    fn retryable_codes_have_no_next_step_beyond_retrying() {
        for c in [40014, 42001, 45009, 45033, 1] {
            assert_eq!(next_step(c), None, "{c}");
        }
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

    #[test]
    fn an_unknown_code_is_named_in_words_in_chinese_and_quoted_in_english() {
        let m = message(40058, "invalid parameter, hint: [1], from ip: 1.2.3.4");
        assert_eq!(m.zh, "企业微信返回错误（代码 40058）");
        assert!(!m.zh.chars().any(|c| c.is_ascii_alphabetic()), "{}", m.zh);
        assert_eq!(m.en, "WeCom returned error 40058: invalid parameter");
        assert_eq!(message(40058, "").en, "WeCom returned error 40058");
    }

    #[test]
    fn no_known_errmsg_reaches_chinese_text() {
        for (code, errmsg) in [
            (40029, "invalid code"),
            (48002, "api forbidden"),
            (60011, "no privilege to access/modify contact/party/agent"),
            (84061, "not external contact"),
            (40096, "invalid external userid"),
            (60020, "not allow to access from your ip"),
            (-1, "system busy"),
        ] {
            let zh = message(code, errmsg).zh;
            assert!(!zh.contains(errmsg), "{code}: {zh}");
        }
    }
}
