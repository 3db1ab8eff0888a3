//! The data the double serves: customers, corp tags, group chats and members, kept in
//! WeCom's own JSON shapes so they pass through unchanged.

use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// One customer as `externalcontact/get` knows it: the contact and everyone who follows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    /// `external_contact` exactly as WeCom returns it (`external_userid`, `name`, `type`, …).
    pub external_contact: Value,
    /// `follow_user[]` items (`userid`, `remark`, `description`, `createtime`, `tags[]`, …).
    pub follow_user: Vec<Value>,
}

impl Customer {
    /// The customer's `external_userid`.
    pub fn external_userid(&self) -> &str {
        self.external_contact
            .get("external_userid")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// A member of the corp (`user/get`). `name` is `None` for members whose name the app may
/// not see; `extra` carries any other fields (sensitive ones are never returned).
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub userid: String,
    pub name: Option<String>,
    pub extra: Map<String, Value>,
}

impl Member {
    pub fn new(userid: &str, name: Option<&str>) -> Member {
        Member {
            userid: userid.to_string(),
            name: name.map(str::to_string),
            extra: Map::new(),
        }
    }
}

/// Everything the double serves. The fields are public so a test can add to the demo data.
///
/// JSON shape (see `from_json`):
/// `{"customers": [{external_contact, follow_user}], "tag_group": [...],
///   "group_chats": [{chat_id, name, owner, ...}], "members": [{userid, name?}]}`
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Dataset {
    pub customers: Vec<Customer>,
    /// `get_corp_tag_list`'s `tag_group[]`, possibly with `deleted: true` on groups or tags.
    pub tag_groups: Vec<Value>,
    /// `groupchat/get`'s `group_chat` objects.
    pub group_chats: Vec<Value>,
    /// Members. Every follow user and every type-1 group member is a member even if not
    /// listed here (with no name).
    pub members: Vec<Member>,
    /// Resigned members: `(userid, dimission_time)` in unix seconds. What they still follow is
    /// what `get_unassigned_list` lists, and only they may be `resigned/transfer_customer`'s
    /// `handover_userid` (see README, "Customer transfer").
    pub resigned: Vec<(String, u64)>,
}

/// The demo corp's members: userid and name (None = no name visible).
const DEMO_MEMBERS: &[(&str, Option<&str>)] = &[
    ("zhangsan", Some("张三")),
    ("lisi", Some("李四")),
    ("wangwu", Some("王五")),
    ("zhaoliu", Some("赵六")),
    ("sunqi", Some("孙七")),
    ("ZhouBa", Some("周八")),
    ("wujiu", None),
    ("robot_01", None),
];

/// The demo ids, so tests can name them.
pub mod demo_ids {
    /// A WeChat customer (type 1) followed by zhangsan, lisi and wangwu.
    pub const WECHAT: &str = "wmChenXiaoMing000000000000000001";
    /// A WeCom customer (type 2) with an external profile, followed by zhangsan.
    pub const WECOM: &str = "woLiNa0000000000000000000000BBBB";
    /// A WeChat customer followed only by lisi.
    pub const NOT_MINE: &str = "wmZhaoLiu00000000000000000000CCC";
    /// A customer followed by 1,200 members (zhangsan first): three pages.
    pub const BIG: &str = "wmBigCustomer000000000000000DDDD";
    /// A customer whose every follower deleted it: `externalcontact/get` answers 84061.
    pub const GONE: &str = "wmGone00000000000000000000000EEE";
    /// The demo group chat.
    pub const CHAT: &str = "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAAAA";
    /// `Dataset::demo_handover`: resigned 30 days ago, left 250 customers and 2 group chats.
    pub const RESIGNED: &str = "ex_zhou";
    /// `Dataset::demo_handover`: resigned 400 days ago (over a year).
    pub const RESIGNED_LONG_AGO: &str = "ex_old";
    /// How many customers `RESIGNED` left behind.
    pub const HANDOVER_CUSTOMERS: usize = 250;
    /// The `i`-th customer `RESIGNED` left behind (32 characters).
    pub fn handover_customer(i: usize) -> String {
        format!("wmHandover{i:022}")
    }
    /// Number of follow users on `BIG`.
    pub const BIG_FOLLOWERS: usize = 1200;
}

fn follow(userid: &str, extra: Value) -> Value {
    let mut f = json!({
        "userid": userid,
        "remark": "",
        "description": "",
        "createtime": 1_700_000_000u64,
        "tags": [],
        "remark_corp_name": "",
        "remark_mobiles": [],
        "add_way": 1,
        "oper_userid": userid,
    });
    if let (Some(obj), Value::Object(more)) = (f.as_object_mut(), extra) {
        for (k, v) in more {
            obj.insert(k, v);
        }
    }
    f
}

fn corp_tag(group: &str, name: &str, id: &str) -> Value {
    json!({"group_name": group, "tag_name": name, "type": 1, "tag_id": id})
}

impl Dataset {
    /// The demo corp: Chinese names, WeChat (`wm…`) and WeCom (`wo…`) customers, one customer
    /// with 1,200 follow users, 200+ corp tags in groups, a group chat and members.
    pub fn demo() -> Dataset {
        use demo_ids::*;
        let mut tag_groups = vec![
            json!({
                "group_id": "etGRP0001", "group_name": "客户等级", "create_time": 1_557_838_797u64, "order": 3,
                "tag": [
                    {"id": "etLevelA0001", "name": "A 级", "create_time": 1_557_838_797u64, "order": 3},
                    {"id": "etLevelB0001", "name": "B 级", "create_time": 1_557_838_797u64, "order": 2},
                    {"id": "etLevelC0001", "name": "C 级", "create_time": 1_557_838_797u64, "order": 1},
                ]
            }),
            json!({
                "group_id": "etGRP0002", "group_name": "意向", "create_time": 1_557_838_797u64, "order": 2,
                "tag": [
                    {"id": "etIntentHot01", "name": "高意向", "create_time": 1_557_838_797u64, "order": 2},
                    {"id": "etIntentCold1", "name": "待跟进", "create_time": 1_557_838_797u64, "order": 1},
                    {"id": "etIntentGone1", "name": "已流失", "create_time": 1_557_838_797u64, "order": 0, "deleted": true},
                ]
            }),
            json!({
                "group_id": "etGRP0003", "group_name": "旧分组", "create_time": 1_500_000_000u64, "order": 0,
                "deleted": true,
                "tag": [
                    {"id": "etOldTag0001", "name": "旧标签", "create_time": 1_500_000_000u64, "order": 0, "deleted": true},
                ]
            }),
        ];
        for g in 0..10 {
            let tags: Vec<Value> = (0..21)
                .map(|i| {
                    let n = g + i * 10;
                    json!({
                        "id": format!("etBig{n:05}"),
                        "name": format!("标签{n}"),
                        "create_time": 1_600_000_000u64 + n as u64,
                        "order": 0,
                    })
                })
                .collect();
            tag_groups.push(json!({
                "group_id": format!("etBigGroup{g}"),
                "group_name": format!("分组{g}"),
                "create_time": 1_600_000_000u64,
                "order": 10 - g,
                "tag": tags,
            }));
        }

        let wechat = Customer {
            external_contact: json!({
                "external_userid": WECHAT,
                "name": "陈晓明",
                "avatar": "https://wework.qpic.cn/wwhead/chen",
                "type": 1,
                "gender": 1,
                "unionid": "ozynqsulJFCZ2z1aYeS8h-nuasdAAA",
            }),
            follow_user: vec![
                follow(
                    "lisi",
                    json!({
                        "remark": "陈总", "description": "首次到店客户", "createtime": 1_690_000_000u64,
                        "tags": [corp_tag("客户等级", "B 级", "etLevelB0001")], "add_way": 3,
                    }),
                ),
                follow(
                    "zhangsan",
                    json!({
                        "remark": "陈先生", "description": "想了解企业版报价",
                        "tags": [
                            corp_tag("客户等级", "A 级", "etLevelA0001"),
                            corp_tag("意向", "高意向", "etIntentHot01"),
                            {"group_name": "", "tag_name": "老乡", "type": 2},
                        ],
                        "remark_corp_name": "晓明科技", "remark_mobiles": ["13800138000"],
                        "state": "spring-campaign",
                    }),
                ),
                // WeCom sometimes sends numbers as strings; the demo keeps one such quirk.
                follow("wangwu", json!({"createtime": "1710000000", "add_way": 16})),
            ],
        };
        let wecom = Customer {
            external_contact: json!({
                "external_userid": WECOM,
                "name": "李娜",
                "position": "采购经理",
                "avatar": "https://wework.qpic.cn/wwhead/lina",
                "corp_name": "远航贸易",
                "corp_full_name": "远航国际贸易有限公司",
                "type": 2,
                "gender": 2,
                "external_profile": {
                    "external_attr": [
                        {"type": 0, "name": "工号", "text": {"value": "YH-1024"}},
                        {"type": 1, "name": "官网", "web": {"url": "https://example.com", "title": "远航贸易"}},
                        {"type": 2, "name": "下单", "miniprogram": {"appid": "wx8bd80126147dfAAA", "pagepath": "/index", "title": "远航商城"}},
                    ]
                },
            }),
            follow_user: vec![follow(
                "zhangsan",
                json!({"remark": "李经理", "createtime": 1_705_000_000u64, "add_way": 2}),
            )],
        };
        let not_mine = Customer {
            external_contact: json!({"external_userid": NOT_MINE, "name": "赵六", "type": 1, "gender": 0}),
            follow_user: vec![follow("lisi", json!({"remark": "赵"}))],
        };
        let mut big_follow = vec![follow(
            "zhangsan",
            json!({
                "remark": "大客户",
                "tags": (0..200).map(|n| corp_tag(&format!("分组{}", n % 10), &format!("标签{n}"), &format!("etBig{n:05}"))).collect::<Vec<_>>(),
                "remark_mobiles": ["13900139000"],
            }),
        )];
        for i in 1..BIG_FOLLOWERS {
            big_follow.push(follow(
                &format!("colleague{i:04}"),
                json!({
                    "remark": format!("同事备注{i}"),
                    "createtime": 1_700_000_000u64 + i as u64,
                    "add_way": (i % 16) + 1,
                }),
            ));
        }
        let big = Customer {
            external_contact: json!({"external_userid": BIG, "name": "大客户", "type": 1, "gender": 0}),
            follow_user: big_follow,
        };
        let gone = Customer {
            external_contact: json!({"external_userid": GONE, "name": "已删除", "type": 1}),
            follow_user: vec![],
        };

        let chat = json!({
            "chat_id": CHAT,
            "name": "企业版客户交流群",
            "owner": "zhangsan",
            "create_time": 1_572_505_490u64,
            "notice": "欢迎加入，工作日 9:00-18:00 在线答疑",
            "member_list": [
                {"userid": "zhangsan", "type": 1, "join_time": 1_572_505_491u64, "join_scene": 1, "name": "张三"},
                {"userid": "lisi", "type": 1, "join_time": 1_572_505_491u64, "join_scene": 1, "invitor": {"userid": "zhangsan"}, "name": "李四"},
                {"userid": WECHAT, "type": 2, "join_time": 1_572_505_491u64, "join_scene": 3, "name": "陈晓明", "group_nickname": "晓明", "unionid": "ozynqsulJFCZ2z1aYeS8h-nuasdAAA"},
                {"userid": WECOM, "type": 2, "join_time": 1_572_505_492u64, "join_scene": 2, "name": "李娜"},
            ],
            "admin_list": [{"userid": "lisi"}],
        });

        let mut members: Vec<Member> = DEMO_MEMBERS
            .iter()
            .map(|(u, n)| Member::new(u, *n))
            .collect();
        for i in 1..BIG_FOLLOWERS {
            // Every tenth colleague has no visible name.
            let name = (i % 10 != 0).then(|| format!("同事{i:04}"));
            members.push(Member::new(&format!("colleague{i:04}"), name.as_deref()));
        }

        Dataset {
            customers: vec![wechat, wecom, not_mine, big, gone],
            tag_groups,
            group_chats: vec![chat],
            members,
            resigned: vec![],
        }
    }

    /// The demo plus what a hand-over needs: `ex_zhou` (周离, resigned 30 days ago) left
    /// [`demo_ids::HANDOVER_CUSTOMERS`] customers (`wmHandover0000…0249`, WeChat, followed by
    /// ex_zhou only) and two group chats (`wrHandoverChat0000…0001`); `ex_old` (resigned
    /// 400 days ago, over WeCom's one year) left `wmHandoverOld0000…0001`.
    pub fn demo_handover() -> Dataset {
        use demo_ids::*;
        let mut d = Dataset::demo();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|t| t.as_secs())
            .unwrap_or(0);
        d.members.push(Member::new(RESIGNED, Some("周离")));
        d.members.push(Member::new(RESIGNED_LONG_AGO, Some("吴旧")));
        d.resigned.push((RESIGNED.into(), now - 30 * 86_400));
        d.resigned
            .push((RESIGNED_LONG_AGO.into(), now - 400 * 86_400));
        let customer = |id: String, name: String, owner: &str| Customer {
            external_contact: json!({"external_userid": id, "name": name, "type": 1}),
            follow_user: vec![follow(owner, json!({}))],
        };
        for i in 0..HANDOVER_CUSTOMERS {
            d.customers.push(customer(
                handover_customer(i),
                format!("客户{i:04}"),
                RESIGNED,
            ));
        }
        for i in 0..2 {
            d.customers.push(customer(
                format!("wmHandoverOld{i:019}"),
                format!("旧客户{i}"),
                RESIGNED_LONG_AGO,
            ));
            d.group_chats.push(json!({
                "chat_id": format!("wrHandoverChat{i:018}"), "name": format!("离职群{i}"),
                "owner": RESIGNED, "create_time": 1_600_000_000u64, "notice": "",
                "member_list": [{"userid": RESIGNED, "type": 1, "join_time": 1_600_000_000u64, "join_scene": 1}],
                "admin_list": []
            }));
        }
        d
    }

    /// Reads a dataset. Accepted shapes, so fixtures can be reused as they are:
    /// - `customers`: an array of `{external_contact, follow_user}` (an `externalcontact/get`
    ///   answer; `errcode`, `errmsg`, `next_cursor` are ignored), or an object of them keyed by id.
    /// - corp tags: `tag_group` (array), or `corp_tags` / `tag_groups` as an array or as a
    ///   `get_corp_tag_list` answer `{tag_group: [...]}`.
    /// - `group_chats`: an array or an id-keyed object of `group_chat` objects or of
    ///   `groupchat/get` answers `{group_chat: {...}}`.
    /// - `members`: an array of `{userid, name?, ...}` or an object `{userid: name|null}`.
    pub fn from_json(text: &str) -> Result<Dataset, String> {
        let root: Value =
            serde_json::from_str(text).map_err(|e| format!("dataset is not JSON: {e}"))?;
        let root = root.as_object().ok_or("dataset must be a JSON object")?;
        let mut data = Dataset::default();

        let mut seen = HashSet::new();
        for (i, c) in values_of(root.get("customers"), "customers")?
            .into_iter()
            .enumerate()
        {
            let obj = c
                .as_object()
                .ok_or(format!("customers[{i}] is not an object"))?;
            let ec = obj
                .get("external_contact")
                .filter(|v| v.is_object())
                .ok_or(format!("customers[{i}] has no external_contact object"))?
                .clone();
            let id = ec
                .get("external_userid")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or(format!(
                    "customers[{i}].external_contact has no external_userid"
                ))?
                .to_string();
            if !seen.insert(id.clone()) {
                return Err(format!("customer {id} appears twice"));
            }
            let follow_user = match obj.get("follow_user") {
                None | Some(Value::Null) => vec![],
                Some(Value::Array(a)) => a.clone(),
                Some(_) => return Err(format!("customer {id}: follow_user is not an array")),
            };
            for (j, f) in follow_user.iter().enumerate() {
                if f.get("userid")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    return Err(format!("customer {id}: follow_user[{j}] has no userid"));
                }
                if let Some(t) = f.get("tags") {
                    if !t.is_array() && !t.is_null() {
                        return Err(format!(
                            "customer {id}: follow_user[{j}].tags is not an array"
                        ));
                    }
                }
            }
            data.customers.push(Customer {
                external_contact: ec,
                follow_user,
            });
        }

        let tags = root
            .get("tag_group")
            .or_else(|| root.get("corp_tags"))
            .or_else(|| root.get("tag_groups"));
        let tags = match tags {
            Some(Value::Object(o)) if o.contains_key("tag_group") => o.get("tag_group"),
            other => other,
        };
        let mut tag_ids = HashSet::new();
        for (i, g) in values_of(tags, "tag_group")?.into_iter().enumerate() {
            let gid = g
                .get("group_id")
                .and_then(Value::as_str)
                .ok_or(format!("tag_group[{i}] has no group_id"))?;
            let list = match g.get("tag") {
                None | Some(Value::Null) => &[][..],
                Some(Value::Array(a)) => &a[..],
                Some(_) => return Err(format!("tag group {gid}: tag is not an array")),
            };
            for t in list {
                let id = t
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or(format!("tag group {gid}: a tag has no id"))?;
                if !tag_ids.insert(id.to_string()) {
                    return Err(format!("tag {id} appears twice"));
                }
            }
            data.tag_groups.push(g);
        }

        for (i, g) in values_of(root.get("group_chats"), "group_chats")?
            .into_iter()
            .enumerate()
        {
            let g = match g {
                Value::Object(mut o) if o.contains_key("group_chat") => {
                    o.remove("group_chat").unwrap_or_default()
                }
                other => other,
            };
            if g.get("chat_id")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                return Err(format!("group_chats[{i}] has no chat_id"));
            }
            data.group_chats.push(g);
        }

        for r in values_of(root.get("resigned"), "resigned")? {
            let userid = r.get("userid").and_then(Value::as_str);
            let time = r.get("dimission_time").and_then(Value::as_u64);
            match (userid, time) {
                (Some(u), Some(t)) => data.resigned.push((u.to_string(), t)),
                _ => return Err("resigned entries need userid and dimission_time".into()),
            }
        }
        match root.get("members") {
            None | Some(Value::Null) => {}
            Some(Value::Object(o)) => {
                for (userid, name) in o {
                    let name = match name {
                        Value::String(s) => Some(s.as_str()),
                        Value::Null => None,
                        _ => return Err(format!("member {userid}: name is not a string")),
                    };
                    data.members.push(Member::new(userid, name));
                }
            }
            Some(Value::Array(a)) => {
                for (i, m) in a.iter().enumerate() {
                    let mut obj = m
                        .as_object()
                        .cloned()
                        .ok_or(format!("members[{i}] is not an object"))?;
                    let userid = match obj.remove("userid") {
                        Some(Value::String(s)) if !s.is_empty() => s,
                        _ => return Err(format!("members[{i}] has no userid")),
                    };
                    let name = match obj.remove("name") {
                        Some(Value::String(s)) => Some(s),
                        None | Some(Value::Null) => None,
                        Some(_) => return Err(format!("member {userid}: name is not a string")),
                    };
                    data.members.push(Member {
                        userid,
                        name,
                        extra: obj,
                    });
                }
            }
            Some(_) => return Err("members must be an array or an object".into()),
        }
        Ok(data)
    }

    /// The dataset in the canonical `from_json` shape.
    pub fn to_json(&self) -> String {
        let members: Vec<Value> = self
            .members
            .iter()
            .map(|m| {
                let mut o = m.extra.clone();
                o.insert("userid".into(), Value::String(m.userid.clone()));
                if let Some(n) = &m.name {
                    o.insert("name".into(), Value::String(n.clone()));
                }
                Value::Object(o)
            })
            .collect();
        let customers: Vec<Value> = self
            .customers
            .iter()
            .map(|c| json!({"external_contact": c.external_contact, "follow_user": c.follow_user}))
            .collect();
        serde_json::to_string_pretty(&json!({
            "customers": customers,
            "tag_group": self.tag_groups,
            "group_chats": self.group_chats,
            "members": members,
            "resigned": self.resigned.iter().map(|(u, t)| json!({"userid": u, "dimission_time": t})).collect::<Vec<_>>(),
        }))
        .unwrap_or_default()
    }
}

/// An array, or the values of an id-keyed object, or nothing.
fn values_of(v: Option<&Value>, what: &str) -> Result<Vec<Value>, String> {
    match v {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::Array(a)) => Ok(a.clone()),
        Some(Value::Object(o)) => Ok(o.values().cloned().collect()),
        Some(_) => Err(format!("{what} must be an array or an object")),
    }
}
