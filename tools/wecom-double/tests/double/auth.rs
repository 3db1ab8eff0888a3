//! gettoken, access_token checks, which secret may call what, jscode2session, user/get.

use crate::common::*;
use serde_json::json;
use wecom_double::{Config, Dataset, Double, SecretKind};

#[tokio::test]
async fn gettoken_answers_a_token_per_secret_and_the_same_one_while_it_lives() {
    let d = demo().await;
    let (status, v) = get(
        &d,
        "/cgi-bin/gettoken?corpid=wwdemo0123456789&corpsecret=agent-secret",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["errcode"], 0);
    assert_eq!(v["errmsg"], "ok");
    assert_eq!(v["expires_in"], 7200);
    let agent = v["access_token"].as_str().unwrap().to_string();
    assert!(agent.len() >= 32, "{agent}");

    let contact = token(&d, "contact-secret").await;
    assert_ne!(agent, contact, "each secret has its own token");

    d.advance(100);
    let (_, again) = get(
        &d,
        "/cgi-bin/gettoken?corpid=wwdemo0123456789&corpsecret=agent-secret",
    )
    .await;
    assert_eq!(again["access_token"], agent.as_str());
    assert_eq!(again["expires_in"], 7100, "the remaining lifetime");
    assert_eq!(d.gettoken_count("agent-secret"), 2);
    assert_eq!(d.gettoken_count("contact-secret"), 1);
    assert_eq!(d.gettoken_count("sync-secret"), 0);
    assert_eq!(d.count("gettoken"), 3);
}

#[tokio::test]
async fn gettoken_rejects_a_wrong_corp_an_unknown_secret_and_missing_parameters() {
    let d = demo().await;
    let cases = [
        (
            "/cgi-bin/gettoken?corpid=wwother0000000000&corpsecret=agent-secret",
            40013,
        ),
        (
            "/cgi-bin/gettoken?corpid=wwdemo0123456789&corpsecret=nope",
            40001,
        ),
        ("/cgi-bin/gettoken?corpsecret=agent-secret", 41002),
        ("/cgi-bin/gettoken?corpid=wwdemo0123456789", 41004),
        (
            "/cgi-bin/gettoken?corpid=wwdemo0123456789&corpsecret=",
            41004,
        ),
    ];
    for (path, code) in cases {
        let (status, v) = get(&d, path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(errcode(&v), code, "{path}: {v}");
        assert!(v.get("access_token").is_none(), "{path}");
        assert!(
            v["errmsg"]
                .as_str()
                .unwrap()
                .contains(&format!("devtool/query?e={code}")),
            "{v}"
        );
    }
    // Failed calls count too, by the secret they sent.
    assert_eq!(d.gettoken_count("nope"), 1);
    assert_eq!(d.gettoken_count("agent-secret"), 2);
    assert_eq!(d.count("gettoken"), 5);
}

#[tokio::test]
async fn calls_need_a_live_access_token() {
    let d = demo().await;
    let path = |t: &str| {
        format!(
            "/cgi-bin/externalcontact/get?access_token={t}&external_userid={}",
            wecom_double::demo_ids::WECOM
        )
    };
    let (_, v) = get(
        &d,
        &format!(
            "/cgi-bin/externalcontact/get?external_userid={}",
            wecom_double::demo_ids::WECOM
        ),
    )
    .await;
    assert_eq!(errcode(&v), 41001);
    let (_, v) = get(&d, &path("")).await;
    assert_eq!(errcode(&v), 41001);
    let (_, v) = get(&d, &path("not-a-token")).await;
    assert_eq!(errcode(&v), 40014);

    let t = token(&d, "contact-secret").await;
    let (_, v) = get(&d, &path(&t)).await;
    assert_eq!(errcode(&v), 0, "{v}");

    d.advance(7199);
    let (_, v) = get(&d, &path(&t)).await;
    assert_eq!(errcode(&v), 0, "one second left");
    d.advance(1);
    let (_, v) = get(&d, &path(&t)).await;
    assert_eq!(errcode(&v), 42001, "{v}");

    // A fresh gettoken gives a new token; the old one stays expired.
    let fresh = token(&d, "contact-secret").await;
    assert_ne!(fresh, t);
    let (_, v) = get(&d, &path(&fresh)).await;
    assert_eq!(errcode(&v), 0);
    let (_, v) = get(&d, &path(&t)).await;
    assert_eq!(errcode(&v), 42001);
}

#[tokio::test]
async fn a_custom_token_lifetime_is_honoured() {
    let mut config = Config::demo();
    config.token_ttl_secs = 60;
    config.corp_id = "ww0123456789abcdef".into();
    config.secrets = vec![("s1".into(), SecretKind::Agent)];
    let d = Double::spawn(config, Dataset::demo()).await.unwrap();
    let (_, v) = get(
        &d,
        "/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=s1",
    )
    .await;
    assert_eq!(v["expires_in"], 60);
    let t = v["access_token"].as_str().unwrap().to_string();
    let path = format!("/cgi-bin/user/get?access_token={t}&userid=zhangsan");
    assert_eq!(errcode(&get(&d, &path).await.1), 0);
    d.advance(60);
    assert_eq!(errcode(&get(&d, &path).await.1), 42001);
    let (_, v) = get(
        &d,
        "/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=agent-secret",
    )
    .await;
    assert_eq!(errcode(&v), 40001, "only the configured secrets exist");
}

#[tokio::test]
async fn each_secret_calls_only_what_it_may() {
    let d = demo().await;
    let sync = token(&d, "sync-secret").await;
    let contact = token(&d, "contact-secret").await;
    let agent = token(&d, "agent-secret").await;
    let ext = format!("external_userid={}", wecom_double::demo_ids::WECHAT);
    let code = d.issue_code("zhangsan");

    // The contact-sync secret may call none of them.
    for path in [
        format!("/cgi-bin/externalcontact/get?access_token={sync}&{ext}"),
        format!("/cgi-bin/user/get?access_token={sync}&userid=zhangsan"),
        format!("/cgi-bin/miniprogram/jscode2session?access_token={sync}&js_code={code}&grant_type=authorization_code"),
    ] {
        assert_eq!(errcode(&get(&d, &path).await.1), 48002, "{path}");
    }
    for api in [
        "externalcontact/get_corp_tag_list",
        "externalcontact/remark",
        "externalcontact/mark_tag",
        "externalcontact/groupchat/get",
    ] {
        let (_, v) = post(
            &d,
            &format!("/cgi-bin/{api}?access_token={sync}"),
            &json!({}),
        )
        .await;
        assert_eq!(errcode(&v), 48002, "{api}: {v}");
    }
    // The 客户联系 secret: externalcontact/* only.
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/externalcontact/get?access_token={contact}&{ext}"),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/user/get?access_token={contact}&userid=zhangsan"),
    )
    .await;
    assert_eq!(errcode(&v), 48002);
    let (_, v) = get(&d, &format!("/cgi-bin/miniprogram/jscode2session?access_token={contact}&js_code={code}&grant_type=authorization_code")).await;
    assert_eq!(errcode(&v), 48002);
    // The forbidden call did not use up the code: the app's secret still exchanges it.
    let (_, v) = get(&d, &format!("/cgi-bin/miniprogram/jscode2session?access_token={agent}&js_code={code}&grant_type=authorization_code")).await;
    assert_eq!(errcode(&v), 0, "{v}");
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/externalcontact/get?access_token={agent}&{ext}"),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/user/get?access_token={agent}&userid=zhangsan"),
    )
    .await;
    assert_eq!(errcode(&v), 0);
}

#[tokio::test]
async fn jscode2session_exchanges_a_code_once_within_five_minutes() {
    let d = demo().await;
    let agent = token(&d, "agent-secret").await;
    let exchange = |code: String| {
        format!("/cgi-bin/miniprogram/jscode2session?access_token={agent}&js_code={code}&grant_type=authorization_code")
    };
    let code = d.issue_code("zhangsan");
    let (status, v) = get(&d, &exchange(code.clone())).await;
    assert_eq!(status, 200);
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(v["corpid"], "wwdemo0123456789");
    assert_eq!(v["userid"], "zhangsan");
    let key = v["session_key"].as_str().unwrap();
    assert_eq!(key.len(), 24, "base64 of 16 bytes: {key}");
    assert!(key.ends_with("=="));

    let (_, v) = get(&d, &exchange(code)).await;
    assert_eq!(errcode(&v), 40029, "single use");
    let (_, v) = get(&d, &exchange("made-up".into())).await;
    assert_eq!(errcode(&v), 40029);

    let late = d.issue_code("lisi");
    let in_time = d.issue_code("wangwu");
    d.advance(299);
    let (_, v) = get(&d, &exchange(in_time)).await;
    assert_eq!(errcode(&v), 0);
    assert_eq!(v["userid"], "wangwu");
    d.advance(1);
    let (_, v) = get(&d, &exchange(late)).await;
    assert_eq!(errcode(&v), 40029, "expired after 300 s");

    // A code for a member answers the member's own spelling of the userid.
    let mixed = d.issue_code("zhouba");
    assert_eq!(get(&d, &exchange(mixed)).await.1["userid"], "ZhouBa");

    let (_, v) = get(&d, &format!("/cgi-bin/miniprogram/jscode2session?access_token={agent}&grant_type=authorization_code")).await;
    assert_eq!(errcode(&v), 41008);
    let code = d.issue_code("zhangsan");
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/miniprogram/jscode2session?access_token={agent}&js_code={code}"),
    )
    .await;
    assert_eq!(errcode(&v), 40058, "grant_type is required");
    assert_eq!(d.count("miniprogram/jscode2session"), 8);
}

#[tokio::test]
async fn user_get_returns_the_name_but_never_the_avatar() {
    let data = Dataset::from_json(
        &json!({
            "members": [
                {"userid": "zhangsan", "name": "张三", "avatar": "https://wework.qpic.cn/a", "mobile": "13800138000",
                 "gender": "1", "email": "z@example.com", "department": [1, 2], "position": "销售"},
                {"userid": "noname"}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let d = Double::spawn(Config::demo(), data).await.unwrap();
    let agent = token(&d, "agent-secret").await;
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/user/get?access_token={agent}&userid=ZhangSan"),
    )
    .await;
    assert_eq!(errcode(&v), 0, "userids compare case-insensitively");
    assert_eq!(v["userid"], "zhangsan");
    assert_eq!(v["name"], "张三");
    assert_eq!(v["department"], json!([1, 2]));
    assert_eq!(v["position"], "销售");
    for hidden in ["avatar", "mobile", "gender", "email", "thumb_avatar"] {
        assert!(v.get(hidden).is_none(), "{hidden} in {v}");
    }
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/user/get?access_token={agent}&userid=noname"),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    assert!(v.get("name").is_none(), "{v}");
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/user/get?access_token={agent}&userid=ghost"),
    )
    .await;
    assert_eq!(errcode(&v), 60111);
    let (_, v) = get(&d, &format!("/cgi-bin/user/get?access_token={agent}")).await;
    assert_eq!(errcode(&v), 41009);
}

#[tokio::test]
async fn demo_members_have_chinese_names_and_some_have_none() {
    let d = demo().await;
    let agent = token(&d, "agent-secret").await;
    for (userid, name) in [("zhangsan", "张三"), ("lisi", "李四"), ("wangwu", "王五")] {
        let (_, v) = get(
            &d,
            &format!("/cgi-bin/user/get?access_token={agent}&userid={userid}"),
        )
        .await;
        assert_eq!(v["name"], name);
    }
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/user/get?access_token={agent}&userid=wujiu"),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    assert!(v.get("name").is_none());
    // Follow users are members even when the dataset does not list them by name.
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/user/get?access_token={agent}&userid=colleague0010"),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    assert!(v.get("name").is_none());
}
