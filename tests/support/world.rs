// A fake shell for native tests: it answers the core's effects the way the
// WeCom client and the backend would, from a scenario, and applies render
// patches to a page. Timers are collected, not fired, so tests control time.
#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};
use wecom_contact_core::app::{self, Config, Event, Model};
use wecom_contact_core::protocol::effect::Effect;
use wecom_contact_core::protocol::patch;
use wecom_contact_core::wecom::capabilities::Api;

/// The snapshot of `model` restores (by hand, `support::stored`) to the
/// model the derived `Deserialize` reads from it: the hand readers know
/// every field and variant the states reach in the journeys.
pub fn check_hand_restore(model: &Model) {
    let snapshot = app::snapshot(model);
    let hand = app::restore(&snapshot).expect("the snapshot restores");
    let value: Value = serde_json::from_str(&snapshot).unwrap();
    let mut derived: Model = serde_json::from_value(value["model"].clone())
        .expect("the derived reader reads the snapshot");
    derived.rehydrate();
    assert_eq!(
        hand, derived,
        "the hand restore differs from the derived one"
    );
}

/// Every wx.qy function the facts list, as a shell would find them on `wx.qy`.
pub fn all_qy() -> Vec<&'static str> {
    Api::ALL.iter().map(|api| api.name()).collect()
}

pub type Backend = Box<dyn FnMut(&str, &str, &Value, &Value) -> (u16, String)>;

pub struct World {
    pub model: Model,
    pub page: Value,
    pub storage: BTreeMap<String, String>,
    /// Storage quota in bytes (keys plus values); `None` is unlimited.
    pub storage_limit: Option<usize>,
    pub platform: &'static str,
    pub host_wecom: bool,
    pub client_version: &'static str,
    pub qy_apis: Vec<&'static str>,
    pub entry: String,
    pub external_userid: String,
    pub chat_id: String,
    pub session_valid: bool,
    pub logged_in: bool,
    pub online: bool,
    pub qy_fail: BTreeMap<&'static str, String>,
    pub backend: Backend,
    pub qy_calls: Vec<(String, Value)>,
    /// What `wx[api]` answers (default `{errMsg: "<api>:ok"}`; `wx_fail`
    /// wins), and the calls made, in order (pictures, toasts, phone calls,
    /// the clipboard).
    pub wx_results: BTreeMap<&'static str, Value>,
    pub wx_calls: Vec<(String, Value)>,
    pub requests: Vec<(String, String, Value, Value)>,
    pub timers: Vec<(u32, u32)>,
    pub logs: Vec<String>,
    pub renders: usize,
    pub now: f64,
    /// Requests whose URL contains one of these wait in `held` until
    /// [`World::release_held`] (a slow backend).
    pub hold_urls: Vec<String>,
    pub held: Vec<(u32, String, String, Value, Value)>,
    /// `wx` APIs that fail (api → errMsg tail).
    pub wx_fail: BTreeMap<&'static str, String>,
}

pub fn ok_backend() -> Backend {
    Box::new(|_m, url, _b, _h| {
        if url.ends_with("/api/session") {
            (
                200,
                json!({"token": "tok-1", "corpid": "ww7d2f1a3b9c4e5f60", "userid": "zhangsan"})
                    .to_string(),
            )
        } else if url.contains("/api/members?") {
            (200, members_answer(url).to_string())
        } else if url.contains("/api/corp-tags") {
            (200, corp_tags().to_string())
        } else if url.contains("/api/group-chats/") {
            (200, group_chat().to_string())
        } else if url.ends_with("/api/materials") {
            (200, materials().to_string())
        } else if url.contains("/remark") || url.contains("/mark-tag") {
            (200, json!({"errcode": 0, "errmsg": "ok"}).to_string())
        } else if url.contains("/api/external-contacts/") {
            (200, wechat_customer().to_string())
        } else {
            (404, "{}".into())
        }
    })
}

/// The members the fixture backend knows by name.
pub const MEMBER_NAMES: &[(&str, &str)] =
    &[("zhangsan", "张三"), ("lisi", "李四"), ("wangwu", "王五")];

/// `GET /api/members?userids=a,b`: `{members: [{userid, name, known, reason}]}`.
pub fn members_answer(url: &str) -> Value {
    let list = url.split_once("userids=").map(|(_, l)| l).unwrap_or("");
    let members: Vec<Value> = list
        .split(',')
        .filter(|u| !u.is_empty())
        .map(|u| {
            match MEMBER_NAMES
                .iter()
                .find(|(id, _)| id.eq_ignore_ascii_case(u))
            {
                Some((_, name)) => {
                    json!({"userid": u, "name": name, "known": true, "reason": null})
                }
                None => json!({"userid": u, "name": null, "known": false, "reason": "not_found"}),
            }
        })
        .collect();
    json!({ "members": members })
}

pub fn wechat_customer() -> Value {
    json!({
        "errcode": 0, "errmsg": "ok",
        "external_contact": {"external_userid": "wmChenXiaoMing0001AAAA", "name": "陈晓明", "type": 1, "gender": 1},
        "follow_user": [
            {"userid": "lisi", "remark": "陈总", "createtime": 1690000000, "tags": [], "add_way": 3},
            {"userid": "zhangsan", "remark": "陈先生", "description": "想了解企业版报价", "createtime": 1700000000,
             "tags": [{"group_name": "客户等级", "tag_name": "A 级", "type": 1, "tag_id": "etLevelA0001"}],
             "remark_corp_name": "晓明科技", "remark_mobiles": ["13800138000"], "add_way": 1}
        ],
        "next_cursor": ""
    })
}

/// The materials library as wcc-server answers it.
pub fn materials() -> Value {
    json!({"errcode": 0, "errmsg": "ok", "materials": [
        {"id": "mat_greet", "kind": "text", "title": "问候", "group": "开场白", "scope": "all", "text": "{name}您好，我是{me}"},
        {"id": "mat_intro", "kind": "text", "title": "介绍", "group": "开场白", "scope": "all", "text": "您好，我是{me}"},
        {"id": "mat_welcome", "kind": "text", "title": "欢迎入群", "group": "群聊", "scope": "group", "text": "欢迎大家加入！"},
        {"id": "mat_site", "kind": "link", "title": "官网", "scope": "all", "url": "https://example.com", "desc": "产品介绍"},
        {"id": "mat_poster", "kind": "image", "title": "新品海报", "scope": "all", "filename": "poster.jpg", "size": 204800, "media_id": "MEDIA_POSTER_1"},
        {"id": "mat_price", "kind": "file", "title": "价目表", "scope": "all", "filename": "价目表.pdf", "size": 51200, "media_id": "MEDIA_PRICE_1"}
    ]})
}

pub fn corp_tags() -> Value {
    json!({"errcode": 0, "errmsg": "ok", "tag_group": [
        {"group_id": "etGRP0001", "group_name": "客户等级", "order": 1, "tag": [
            {"id": "etLevelA0001", "name": "A 级", "order": 2}, {"id": "etLevelB0001", "name": "B 级", "order": 1}]}
    ]})
}

pub fn group_chat() -> Value {
    json!({"errcode": 0, "errmsg": "ok", "group_chat": {
    "chat_id": "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA", "name": "企业版客户交流群", "owner": "zhangsan",
    "member_list": [
        {"userid": "zhangsan", "type": 1, "join_time": 1572505491, "join_scene": 1},
        {"userid": "wmChenXiaoMing0001AAAA", "type": 2, "join_time": 1572505491, "join_scene": 3, "name": "陈晓明"}
    ]}})
}

impl World {
    pub fn new(entry: &str) -> World {
        let config = Config {
            backend_url: "https://api.example.com".into(),
            locale: Some("en".into()),
        };
        World {
            model: Model::new(config).unwrap(),
            page: Value::Object(Default::default()),
            storage: BTreeMap::new(),
            storage_limit: None,
            platform: "android",
            host_wecom: true,
            client_version: "4.1.36",
            qy_apis: all_qy(),
            entry: entry.to_owned(),
            external_userid: "wmChenXiaoMing0001AAAA".into(),
            chat_id: "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA".into(),
            session_valid: true,
            logged_in: false,
            online: true,
            qy_fail: BTreeMap::new(),
            wx_results: BTreeMap::new(),
            wx_calls: Vec::new(),
            backend: ok_backend(),
            qy_calls: Vec::new(),
            requests: Vec::new(),
            timers: Vec::new(),
            logs: Vec::new(),
            renders: 0,
            now: 1_700_000_000_000.0,
            hold_urls: Vec::new(),
            held: Vec::new(),
            wx_fail: BTreeMap::new(),
        }
    }

    /// A world whose app is configured for Chinese (`new` is English).
    #[allow(dead_code)]
    pub fn zh(entry: &str) -> World {
        let mut w = World::new(entry);
        w.model = Model::new(Config {
            backend_url: "https://api.example.com".into(),
            locale: Some("zh".into()),
        })
        .unwrap();
        w
    }

    pub fn launch(&mut self) {
        let mut info = json!({"platform": self.platform, "SDKVersion": "3.4.0", "version": "8.0.50", "language": "en"});
        if self.host_wecom {
            info["environment"] = json!("wxwork");
        }
        let event = Event::Launch {
            now: self.now,
            system_info: info,
            has_qy: self.host_wecom,
            qy_apis: if self.host_wecom {
                self.qy_apis.iter().map(|s| s.to_string()).collect()
            } else {
                vec![]
            },
            storage: self.storage.clone(),
        };
        self.dispatch(event);
    }

    /// Kills the app: memory is gone, storage and the WeCom login stay.
    pub fn storage_bytes(&self) -> usize {
        self.storage.iter().map(|(k, v)| k.len() + v.len()).sum()
    }

    pub fn relaunch(&mut self) {
        let config = Config {
            backend_url: "https://api.example.com".into(),
            locale: Some("en".into()),
        };
        self.model = Model::new(config).unwrap();
        self.page = Value::Object(Default::default());
        self.timers.clear();
        self.launch();
    }

    pub fn dispatch(&mut self, event: Event) {
        let mut queue: VecDeque<Event> = VecDeque::from([event]);
        let mut rounds = 0;
        while let Some(ev) = queue.pop_front() {
            rounds += 1;
            assert!(rounds < 500, "the core and the shell ping-pong forever");
            let before = app::rendered_value(&self.model);
            let effects = app::update(&mut self.model, ev);
            let renders = effects.iter().filter(|e| e.is_render()).count();
            assert!(renders <= 1, "more than one render in one dispatch");
            if self.model.shared.rendered.is_some() {
                // Only changed parts are rebuilt: the result must be the whole view.
                assert_eq!(
                    app::rendered_value(&self.model),
                    app::view_value(&self.model),
                    "the incremental render differs from the whole view"
                );
                // And its patch is the diff of the two whole views' JSON.
                let sent = effects
                    .iter()
                    .find_map(|e| match e {
                        Effect::Render { patch } => Some(patch.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                assert_eq!(
                    sent,
                    patch::diff(&before, &app::rendered_value(&self.model)),
                    "the render's patch is not the diff of the whole views"
                );
            }
            check_hand_restore(&self.model);
            for effect in effects {
                if let Some(next) = self.perform(effect) {
                    queue.push_back(next);
                }
            }
        }
    }

    fn perform(&mut self, effect: Effect) -> Option<Event> {
        match effect {
            Effect::Render { patch: p } => {
                self.renders += 1;
                patch::apply(&mut self.page, &p);
                None
            }
            Effect::Log { message, .. } => {
                self.logs.push(message);
                None
            }
            Effect::Timer { id, after_ms } => {
                self.timers.push((id, after_ms));
                None
            }
            Effect::StorageSet { id, key, value } => {
                let others: usize = self
                    .storage
                    .iter()
                    .filter(|(k, _)| **k != key)
                    .map(|(k, v)| k.len() + v.len())
                    .sum();
                if self
                    .storage_limit
                    .is_some_and(|limit| others + key.len() + value.len() > limit)
                {
                    return Some(Event::StorageResult {
                        id,
                        ok: false,
                        err_msg: "setStorage:fail exceed storage max size 10MB".into(),
                    });
                }
                self.storage.insert(key, value);
                Some(Event::StorageResult {
                    id,
                    ok: true,
                    err_msg: String::new(),
                })
            }
            Effect::StorageRemove { key } => {
                self.storage.remove(&key);
                None
            }
            Effect::Wx { id, api, args } => {
                self.wx_calls.push((api.clone(), args.clone()));
                let result = match self.wx_fail.get(api.as_str()) {
                    Some(why) => json!({"errMsg": format!("{api}:{why}")}),
                    None => self
                        .wx_results
                        .get(api.as_str())
                        .cloned()
                        .unwrap_or_else(|| json!({"errMsg": format!("{api}:ok")})),
                };
                Some(Event::WxResult {
                    id,
                    api: api.clone(),
                    result,
                })
            }
            Effect::Http {
                id,
                method,
                url,
                headers,
                body,
            } => {
                self.requests
                    .push((method.clone(), url.clone(), body.clone(), headers.clone()));
                if !self.online {
                    return Some(Event::HttpResult {
                        id,
                        status: 0,
                        body: String::new(),
                        err_msg: "request:fail network unavailable".into(),
                    });
                }
                if self.hold_urls.iter().any(|h| url.contains(h.as_str())) {
                    self.held.push((id, method, url, body, headers));
                    return None;
                }
                let (status, text) = (self.backend)(&method, &url, &body, &headers);
                Some(Event::HttpResult {
                    id,
                    status,
                    body: text,
                    err_msg: String::new(),
                })
            }
            Effect::Qy { id, api, args } => {
                let api = api.name().to_owned();
                self.qy_calls.push((api.clone(), args.clone()));
                let result = self.answer_qy(&api);
                Some(Event::QyResult { id, api, result })
            }
        }
    }

    fn answer_qy(&mut self, api: &str) -> Value {
        if let Some(reason) = self.qy_fail.get(api) {
            return json!({"errMsg": format!("{api}:{reason}")});
        }
        let fail = |r: &str| json!({"errMsg": format!("{api}:fail {r}")});
        if api != "login" && api != "checkSession" && !self.logged_in {
            return fail("not login");
        }
        match api {
            "login" => {
                self.logged_in = true;
                self.session_valid = true;
                json!({"errMsg": "qy.login:ok", "code": "code-1"})
            }
            "checkSession" => {
                if self.session_valid && self.logged_in {
                    json!({"errMsg": "qy.checkSession:ok", "expireIn": 7200})
                } else {
                    fail("session expired")
                }
            }
            "getSystemInfo" => {
                json!({"errMsg": "qy.getSystemInfo:ok", "version": self.client_version})
            }
            "getContext" if self.platform == "devtools" => fail("not support"),
            "getContext" => json!({"errMsg": "qy.getContext:ok", "entry": self.entry}),
            "getCurExternalContact" => {
                json!({"errMsg": "getCurExternalContact:ok", "userId": self.external_userid})
            }
            "getCurExternalChat" => {
                json!({"errMsg": "getCurExternalChat:ok", "chatId": self.chat_id})
            }
            "getCurCorpGroupContact" => {
                json!({"errMsg": "getCurCorpGroupContact:ok", "corpId": "wwPartnerCorp0001", "userId": "wangli"})
            }
            "getCurCorpGroupChat" => {
                json!({"errMsg": "getCurCorpGroupChat:ok", "chatId": "wrChainGroup0001"})
            }
            "selectExternalContact" => {
                json!({"errMsg": "selectExternalContact:ok", "userIds": [self.external_userid]})
            }
            _ => json!({"errMsg": format!("{api}:ok")}),
        }
    }

    /// Answers the held requests now, with the backend as it is now.
    pub fn release_held(&mut self) {
        self.hold_urls.clear();
        for (id, method, url, body, headers) in std::mem::take(&mut self.held) {
            let (status, text) = (self.backend)(&method, &url, &body, &headers);
            self.dispatch(Event::HttpResult {
                id,
                status,
                body: text,
                err_msg: String::new(),
            });
        }
    }

    /// Fires every collected timer (time passes).
    pub fn fire_timers(&mut self) {
        let timers: Vec<(u32, u32)> = std::mem::take(&mut self.timers);
        for (id, after) in timers {
            self.now += f64::from(after);
            self.dispatch(Event::Timer { id, now: self.now });
        }
    }

    pub fn tap(&mut self, action: &str, arg: Value) {
        self.now += 1000.0;
        self.dispatch(Event::Tap(
            wecom_contact_core::app::action::Tap::new(action, arg, self.now)
                .expect("a known action"),
        ));
    }

    pub fn input(&mut self, field: &str, value: &str) {
        self.now += 100.0;
        self.dispatch(Event::Input {
            field: field.into(),
            value: value.into(),
            index: None,
            now: self.now,
        });
    }

    pub fn set_online(&mut self, online: bool) {
        self.online = online;
        self.dispatch(Event::NetworkChanged {
            online,
            now: self.now,
        });
    }

    /// The page data (what setData built) must equal the core's own view.
    pub fn assert_page_matches_view(&self) {
        let view = app::view_value(&self.model);
        assert_eq!(strip_nulls(self.page.clone()), strip_nulls(view));
    }

    pub fn route(&self) -> String {
        self.page["route"].as_str().unwrap_or("").to_owned()
    }

    pub fn text(&self) -> String {
        self.page.to_string()
    }

    /// The titles of the toasts shown so far.
    pub fn toasts(&self) -> Vec<String> {
        self.wx_calls
            .iter()
            .filter(|(api, _)| api == "showToast")
            .map(|(_, a)| a["title"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    pub fn writes(&self) -> Vec<&(String, String, Value, Value)> {
        self.requests
            .iter()
            .filter(|r| r.0 == "POST" && !r.1.ends_with("/api/session"))
            .collect()
    }
}

pub fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}
