//! externalcontact/get (and its paging), get_corp_tag_list, remark, mark_tag, groupchat/get.

use crate::common::*;
use serde_json::{json, Value};
use std::collections::HashSet;
use wecom_double::demo_ids::*;
use wecom_double::{Config, Dataset, Double};

async fn ext_get(d: &Double, t: &str, id: &str, cursor: Option<&str>) -> Value {
    let mut path = format!("/cgi-bin/externalcontact/get?access_token={t}&external_userid={id}");
    if let Some(c) = cursor {
        path.push_str(&format!("&cursor={c}"));
    }
    let (status, v) = get(d, &path).await;
    assert_eq!(status, 200);
    v
}

#[tokio::test]
async fn externalcontact_get_answers_in_wecoms_shape() {
    let d = demo().await;
    let t = token(&d, "contact-secret").await;
    let v = ext_get(&d, &t, WECHAT, None).await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(v["errmsg"], "ok");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "errcode",
            "errmsg",
            "external_contact",
            "follow_user",
            "next_cursor"
        ]
    );
    assert_eq!(v["external_contact"]["external_userid"], WECHAT);
    assert_eq!(v["external_contact"]["name"], "陈晓明");
    assert_eq!(v["external_contact"]["type"], 1);
    assert_eq!(v["next_cursor"], "");
    let me = v["follow_user"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["userid"] == "zhangsan")
        .unwrap();
    assert_eq!(me["remark"], "陈先生");
    assert_eq!(me["remark_mobiles"], json!(["13800138000"]));
    assert_eq!(
        me["tags"][2],
        json!({"group_name": "", "tag_name": "老乡", "type": 2})
    );

    let v = ext_get(&d, &t, WECOM, None).await;
    assert_eq!(v["external_contact"]["type"], 2);
    assert_eq!(v["external_contact"]["corp_name"], "远航贸易");
    let attrs = v["external_contact"]["external_profile"]["external_attr"]
        .as_array()
        .unwrap();
    let types: Vec<i64> = attrs.iter().map(|a| a["type"].as_i64().unwrap()).collect();
    assert_eq!(types, [0, 1, 2]);
}

#[tokio::test]
async fn externalcontact_get_rejects_missing_malformed_and_unknown_ids() {
    let d = demo().await;
    let t = token(&d, "contact-secret").await;
    let (_, v) = get(
        &d,
        &format!("/cgi-bin/externalcontact/get?access_token={t}"),
    )
    .await;
    assert_eq!(errcode(&v), 41035);
    assert_eq!(errcode(&ext_get(&d, &t, "", None).await), 41035);
    for bad in [
        "xx0000000000",
        "wm%20space00000",
        "wm%01ctrl00000",
        "WM00000000000",
        "w",
    ] {
        assert_eq!(errcode(&ext_get(&d, &t, bad, None).await), 40096, "{bad}");
    }
    let long = format!("wm{}", "a".repeat(200));
    assert_eq!(errcode(&ext_get(&d, &t, &long, None).await), 40096);
    // Well-formed but nobody here follows it.
    assert_eq!(
        errcode(&ext_get(&d, &t, "wmUnknown0000000000000000000ZZZ", None).await),
        84061
    );
    assert_eq!(errcode(&ext_get(&d, &t, GONE, None).await), 84061);
}

#[tokio::test]
async fn follow_users_are_paged_at_500_with_an_opaque_cursor() {
    let d = demo().await;
    let t = token(&d, "agent-secret").await;
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    let mut pages = vec![];
    loop {
        let v = ext_get(&d, &t, BIG, cursor.as_deref()).await;
        assert_eq!(errcode(&v), 0, "{v}");
        assert_eq!(v["external_contact"]["external_userid"], BIG);
        let page = v["follow_user"].as_array().unwrap();
        pages.push(page.len());
        seen.extend(
            page.iter()
                .map(|f| f["userid"].as_str().unwrap().to_string()),
        );
        let next = v["next_cursor"].as_str().unwrap().to_string();
        if next.is_empty() {
            break;
        }
        assert!(
            next.parse::<u64>().is_err(),
            "opaque, not an offset: {next}"
        );
        cursor = Some(next);
        assert!(pages.len() < 10, "paging terminates");
    }
    assert_eq!(pages, [500, 500, 200]);
    assert_eq!(seen.len(), BIG_FOLLOWERS);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        BIG_FOLLOWERS,
        "no repeats"
    );
    assert_eq!(seen[0], "zhangsan");
    assert_eq!(seen[1199], "colleague1199");
    assert_eq!(d.count("externalcontact/get"), 3);

    // A made-up cursor, or one from another customer, is refused.
    let v = ext_get(&d, &t, BIG, Some("500")).await;
    assert_eq!(errcode(&v), 40058);
    let first = ext_get(&d, &t, BIG, None).await;
    let c = first["next_cursor"].as_str().unwrap().to_string();
    let v = ext_get(&d, &t, WECHAT, Some(&c)).await;
    assert_eq!(errcode(&v), 40058);
}

#[tokio::test]
async fn corp_tag_list_hides_deleted_tags_unless_filtered() {
    let d = demo().await;
    let api = "externalcontact/get_corp_tag_list";
    let v = call(&d, "contact-secret", api, &json!({})).await;
    assert_eq!(errcode(&v), 0, "{v}");
    let groups = v["tag_group"].as_array().unwrap();
    let ids: Vec<&str> = groups
        .iter()
        .flat_map(|g| g["tag"].as_array().unwrap())
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(ids.len() >= 200, "{}", ids.len());
    assert!(ids.contains(&"etLevelA0001"));
    assert!(!ids.contains(&"etIntentGone1"), "deleted tag hidden");
    assert!(
        groups.iter().all(|g| g["group_id"] != "etGRP0003"),
        "deleted group hidden"
    );
    let g = &groups[0];
    for key in ["group_id", "group_name", "create_time", "order", "tag"] {
        assert!(g.get(key).is_some(), "{key} in {g}");
    }
    assert!(g.get("deleted").is_none());
    for key in ["id", "name", "create_time", "order"] {
        assert!(g["tag"][0].get(key).is_some(), "{key}");
    }

    // An empty body is a query without filters.
    let t = token(&d, "contact-secret").await;
    let (_, empty) = post_raw(&d, &format!("/cgi-bin/{api}?access_token={t}"), "").await;
    assert_eq!(empty["tag_group"], v["tag_group"]);

    let v = call(
        &d,
        "contact-secret",
        api,
        &json!({"tag_id": ["etIntentGone1", "etLevelB0001"]}),
    )
    .await;
    let groups = v["tag_group"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(
        groups[0]["tag"],
        json!([{"id": "etLevelB0001", "name": "B 级", "create_time": 1557838797, "order": 2, "deleted": false}])
    );
    assert_eq!(groups[1]["tag"][0]["deleted"], true);

    // group_id wins over tag_id.
    let v = call(
        &d,
        "contact-secret",
        api,
        &json!({"tag_id": ["etLevelB0001"], "group_id": ["etGRP0002"]}),
    )
    .await;
    let groups = v["tag_group"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["group_id"], "etGRP0002");
    assert_eq!(groups[0]["tag"].as_array().unwrap().len(), 3);

    let (_, v) = post_raw(
        &d,
        &format!("/cgi-bin/{api}?access_token={t}"),
        "{tag_id: nope",
    )
    .await;
    assert_eq!(errcode(&v), 47001);
    let v = call(
        &d,
        "contact-secret",
        api,
        &json!({"tag_id": "etLevelB0001"}),
    )
    .await;
    assert_eq!(errcode(&v), 47001, "tag_id must be an array");
}

fn remark_body(extra: Value) -> Value {
    let mut b = json!({"userid": "zhangsan", "external_userid": WECHAT});
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

#[tokio::test]
async fn remark_applies_the_fields_it_is_given() {
    let d = demo().await;
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/remark",
        &remark_body(json!({"remark": "陈总监", "description": "二十个字以内的描述", "remark_mobiles": ["13800000001", "13800000002"], "remark_pic_mediaid": "MEDIA1"})),
    )
    .await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(v.as_object().unwrap().len(), 2, "just errcode and errmsg");
    assert_eq!(
        d.follow_user_remark(WECHAT, "zhangsan").unwrap(),
        json!({"remark": "陈总监", "description": "二十个字以内的描述", "remark_corp_name": "晓明科技",
               "remark_mobiles": ["13800000001", "13800000002"], "remark_pic_mediaid": "MEDIA1"})
    );
    // externalcontact/get shows the change; other members' records are untouched.
    let t = token(&d, "contact-secret").await;
    let got = ext_get(&d, &t, WECHAT, None).await;
    let me = got["follow_user"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["userid"] == "zhangsan")
        .unwrap();
    assert_eq!(me["remark"], "陈总监");
    assert!(me.get("remark_pic_mediaid").is_none());
    assert_eq!(
        d.follow_user_remark(WECHAT, "lisi").unwrap()["remark"],
        "陈总"
    );

    // Only what is sent changes; [""] clears the mobiles; [] is "not set".
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/remark",
        &remark_body(json!({"remark_mobiles": [""], "remark": ""})),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    let r = d.follow_user_remark(WECHAT, "zhangsan").unwrap();
    assert_eq!(r["remark_mobiles"], json!([]));
    assert_eq!(r["remark"], "");
    assert_eq!(r["description"], "二十个字以内的描述");
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/remark",
        &remark_body(json!({"remark_mobiles": []})),
    )
    .await;
    assert_eq!(errcode(&v), 40058, "no field set");

    // remark_company: WeChat customers only.
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/remark",
        &remark_body(json!({"remark_company": "新公司"})),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    assert_eq!(
        d.follow_user_remark(WECHAT, "zhangsan").unwrap()["remark_corp_name"],
        "新公司"
    );
    let v = call(
        &d,
        "contact-secret",
        "externalcontact/remark",
        &json!({"userid": "zhangsan", "external_userid": WECOM, "remark_company": "远航"}),
    )
    .await;
    assert_eq!(errcode(&v), 40058, "{v}");
    assert_eq!(
        d.follow_user_remark(WECOM, "zhangsan").unwrap()["remark_corp_name"],
        ""
    );

    // Userids compare case-insensitively.
    let v = call(
        &d,
        "agent-secret",
        "externalcontact/remark",
        &json!({"userid": "ZhangSan", "external_userid": WECOM, "remark": "李总"}),
    )
    .await;
    assert_eq!(errcode(&v), 0);
    assert_eq!(
        d.follow_user_remark(WECOM, "zhangsan").unwrap()["remark"],
        "李总"
    );
}

#[tokio::test]
async fn remark_enforces_the_limits() {
    let d = demo().await;
    let api = "externalcontact/remark";
    let twenty = "一".repeat(20);
    let cases = [
        (remark_body(json!({"remark": twenty})), 0),
        (remark_body(json!({"remark": "一".repeat(21)})), 40058),
        (remark_body(json!({"description": "字".repeat(150)})), 0),
        (remark_body(json!({"description": "字".repeat(151)})), 40058),
        (remark_body(json!({"remark_company": "公".repeat(20)})), 0),
        (
            remark_body(json!({"remark_company": "公".repeat(21)})),
            40058,
        ),
        (remark_body(json!({})), 40058),
        (remark_body(json!({"remark": 5})), 47001),
        (remark_body(json!({"remark_mobiles": "13800000000"})), 47001),
        (json!({"external_userid": WECHAT, "remark": "x"}), 41009),
        (json!({"userid": "zhangsan", "remark": "x"}), 41035),
        (
            json!({"userid": "zhangsan", "external_userid": "bad id", "remark": "x"}),
            40096,
        ),
        (
            json!({"userid": "ghost", "external_userid": WECHAT, "remark": "x"}),
            60111,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": NOT_MINE, "remark": "x"}),
            84061,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": "wmUnknown0000000000000000000ZZZ", "remark": "x"}),
            84061,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": GONE, "remark": "x"}),
            84061,
        ),
    ];
    for (body, code) in cases {
        let v = call(&d, "contact-secret", api, &body).await;
        assert_eq!(errcode(&v), code, "{body}: {v}");
    }
    // Refused edits changed nothing.
    let r = d.follow_user_remark(WECHAT, "zhangsan").unwrap();
    assert_eq!(r["remark"], twenty);
    assert_eq!(r["description"], "字".repeat(150));
    assert_eq!(r["remark_corp_name"], "公".repeat(20));
    assert_eq!(
        d.follow_user_remark(NOT_MINE, "lisi").unwrap()["remark"],
        "赵"
    );

    let t = token(&d, "contact-secret").await;
    for body in ["", "remark=x", "[1,2]", "{\"userid\":"] {
        let (_, v) = post_raw(&d, &format!("/cgi-bin/{api}?access_token={t}"), body).await;
        assert_eq!(errcode(&v), 47001, "{body:?}");
    }
}

#[tokio::test]
async fn mark_tag_adds_and_removes_corp_tags() {
    let d = demo().await;
    let api = "externalcontact/mark_tag";
    assert_eq!(
        d.follow_user_tags(WECHAT, "zhangsan"),
        ["etLevelA0001", "etIntentHot01"]
    );
    let v = call(
        &d,
        "contact-secret",
        api,
        &json!({"userid": "zhangsan", "external_userid": WECHAT,
        "add_tag": ["etLevelC0001", "etBig00007", "etLevelC0001"], "remove_tag": ["etLevelA0001"]}),
    )
    .await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(
        d.follow_user_tags(WECHAT, "zhangsan"),
        ["etIntentHot01", "etLevelC0001", "etBig00007"]
    );
    let t = token(&d, "contact-secret").await;
    let got = ext_get(&d, &t, WECHAT, None).await;
    let me = got["follow_user"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["userid"] == "zhangsan")
        .unwrap();
    let tags = me["tags"].as_array().unwrap();
    assert!(tags.contains(
        &json!({"group_name": "客户等级", "tag_name": "C 级", "type": 1, "tag_id": "etLevelC0001"})
    ));
    assert!(tags.contains(
        &json!({"group_name": "分组7", "tag_name": "标签7", "type": 1, "tag_id": "etBig00007"})
    ));
    assert!(tags.iter().any(|t| t["type"] == 2), "personal tags stay");

    let cases = [
        (
            json!({"userid": "zhangsan", "external_userid": WECHAT}),
            41017,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": WECHAT, "add_tag": [], "remove_tag": []}),
            41017,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": WECHAT, "add_tag": ["etNope"]}),
            40068,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": WECHAT, "remove_tag": ["etNope"]}),
            40068,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": WECHAT, "add_tag": ["etIntentGone1"]}),
            40068,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": WECHAT, "add_tag": ["etOldTag0001"]}),
            40068,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": WECHAT, "add_tag": "etLevelB0001"}),
            47001,
        ),
        (
            json!({"userid": "zhangsan", "external_userid": NOT_MINE, "add_tag": ["etLevelB0001"]}),
            84061,
        ),
        (
            json!({"userid": "ghost", "external_userid": WECHAT, "add_tag": ["etLevelB0001"]}),
            60111,
        ),
        (
            json!({"external_userid": WECHAT, "add_tag": ["etLevelB0001"]}),
            41009,
        ),
    ];
    for (body, code) in cases {
        let v = call(&d, "contact-secret", api, &body).await;
        assert_eq!(errcode(&v), code, "{body}: {v}");
    }
    assert_eq!(
        d.follow_user_tags(WECHAT, "zhangsan"),
        ["etIntentHot01", "etLevelC0001", "etBig00007"]
    );
    // A deleted tag may still be removed.
    let v = call(&d, "contact-secret", api, &json!({"userid": "lisi", "external_userid": WECHAT, "remove_tag": ["etIntentGone1", "etLevelB0001"]})).await;
    assert_eq!(errcode(&v), 0);
    assert!(d.follow_user_tags(WECHAT, "lisi").is_empty());
}

#[tokio::test]
async fn mark_tag_allows_at_most_3000_tags_on_a_customer() {
    let mut data = Dataset::demo();
    let tags: Vec<Value> = (0..3001)
        .map(|i| json!({"id": format!("etMany{i:05}"), "name": format!("多{i}")}))
        .collect();
    data.tag_groups
        .push(json!({"group_id": "etGRPMany", "group_name": "很多", "tag": tags}));
    let d = Double::spawn(Config::demo(), data).await.unwrap();
    let api = "externalcontact/mark_tag";
    let all: Vec<String> = (0..3001).map(|i| format!("etMany{i:05}")).collect();
    let body =
        |ids: &[String]| json!({"userid": "lisi", "external_userid": NOT_MINE, "add_tag": ids});
    let v = call(&d, "contact-secret", api, &body(&all)).await;
    assert_eq!(errcode(&v), 40058, "{v}");
    assert!(
        d.follow_user_tags(NOT_MINE, "lisi").is_empty(),
        "nothing applied"
    );
    let v = call(&d, "contact-secret", api, &body(&all[..3000])).await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(d.follow_user_tags(NOT_MINE, "lisi").len(), 3000);
    let v = call(&d, "contact-secret", api, &body(&all[3000..])).await;
    assert_eq!(errcode(&v), 40058);
    // Swapping one for another stays within the limit.
    let v = call(
        &d,
        "contact-secret",
        api,
        &json!({"userid": "lisi", "external_userid": NOT_MINE,
        "add_tag": [all[3000]], "remove_tag": [all[0]]}),
    )
    .await;
    assert_eq!(errcode(&v), 0, "{v}");
    let now = d.follow_user_tags(NOT_MINE, "lisi");
    assert_eq!(now.len(), 3000);
    assert!(now.contains(&all[3000]) && !now.contains(&all[0]));
}

#[tokio::test]
async fn groupchat_get_answers_the_chat_with_names_on_request() {
    let d = demo().await;
    let api = "externalcontact/groupchat/get";
    let v = call(
        &d,
        "contact-secret",
        api,
        &json!({"chat_id": CHAT, "need_name": 1}),
    )
    .await;
    assert_eq!(errcode(&v), 0, "{v}");
    let g = &v["group_chat"];
    for key in [
        "chat_id",
        "name",
        "owner",
        "create_time",
        "notice",
        "member_list",
        "admin_list",
    ] {
        assert!(g.get(key).is_some(), "{key}");
    }
    assert_eq!(g["chat_id"], CHAT);
    assert_eq!(g["owner"], "zhangsan");
    assert_eq!(g["member_list"][2]["name"], "陈晓明");
    assert_eq!(g["member_list"][2]["group_nickname"], "晓明");
    assert_eq!(g["admin_list"], json!([{"userid": "lisi"}]));

    let v = call(&d, "contact-secret", api, &json!({"chat_id": CHAT})).await;
    let members = v["group_chat"]["member_list"].as_array().unwrap();
    assert!(
        members.iter().all(|m| m.get("name").is_none()),
        "need_name defaults to 0"
    );
    assert_eq!(members[2]["group_nickname"], "晓明");

    let v = call(
        &d,
        "contact-secret",
        api,
        &json!({"chat_id": "wrNoSuchChat000000000000000000"}),
    )
    .await;
    assert_eq!(errcode(&v), 40050);
    let v = call(&d, "contact-secret", api, &json!({"need_name": 1})).await;
    assert_eq!(errcode(&v), 40058);
    let v = call(
        &d,
        "contact-secret",
        api,
        &json!({"chat_id": CHAT, "need_name": "yes"}),
    )
    .await;
    assert_eq!(errcode(&v), 47001);
    let t = token(&d, "contact-secret").await;
    let (_, v) = post_raw(
        &d,
        &format!("/cgi-bin/{api}?access_token={t}"),
        "chat_id=wr1",
    )
    .await;
    assert_eq!(errcode(&v), 47001);
}
