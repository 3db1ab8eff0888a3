// A fake shell for crash injection: every effect goes through a queue, so a
// test can kill the app after any dispatch and relaunch it on what storage
// held at that instant. Storage is kept twice:
// - `acked`: only writes whose acknowledgement reached the core, while every
//   removal lands at once (the hostile order: removals fast, writes slow);
// - `landed`: every write the core asked for, acknowledged or not.
// The backend is idempotent by Idempotency-Key, like the contract says, and
// records which keys it applied.
#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};
use wecom_contact_core::app::{self, Config, Event, Model};
use wecom_contact_core::protocol::effect::Effect;
use wecom_contact_core::protocol::patch;

use super::world::{all_qy, corp_tags, wechat_customer};

pub const EXT: &str = "wmChenXiaoMing0001AAAA";

/// Which copy of storage survives a kill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Survives {
    Acknowledged,
    AlsoInFlight,
}

#[derive(Default, Debug, Clone)]
pub struct Backend {
    pub remark: Option<String>,
    pub tags: Vec<String>,
    /// Idempotency keys applied, with the body applied under each.
    pub applied: Vec<(String, Value)>,
    /// Every write request that arrived (repeats included).
    pub write_requests: usize,
    /// Answer writes with this errcode instead of applying them.
    pub refuse_writes: Option<i64>,
}

impl Backend {
    fn answer(&mut self, method: &str, url: &str, body: &Value, headers: &Value) -> (u16, String) {
        if url.ends_with("/api/session") {
            return (
                200,
                json!({"token": "tok-1", "corpid": "ww7d2f1a3b9c4e5f60", "userid": "zhangsan"})
                    .to_string(),
            );
        }
        if url.contains("/api/corp-tags") {
            return (200, corp_tags().to_string());
        }
        if method == "POST" {
            self.write_requests += 1;
            let key = headers["Idempotency-Key"].as_str().unwrap_or("").to_owned();
            if let Some(code) = self.refuse_writes {
                return (
                    200,
                    json!({"errcode": code, "errmsg": "refused"}).to_string(),
                );
            }
            if !self.applied.iter().any(|(k, _)| *k == key) {
                if let Some(r) = body.get("remark").and_then(Value::as_str) {
                    self.remark = Some(r.to_owned());
                }
                for t in body["add_tag"].as_array().into_iter().flatten() {
                    let t = t.as_str().unwrap_or("").to_owned();
                    if !self.tags.contains(&t) {
                        self.tags.push(t);
                    }
                }
                for t in body["remove_tag"].as_array().into_iter().flatten() {
                    self.tags.retain(|x| Some(x.as_str()) != t.as_str());
                }
                self.applied.push((key, body.clone()));
            }
            return (200, json!({"errcode": 0, "errmsg": "ok"}).to_string());
        }
        // The customer as the backend now holds it.
        let mut c = wechat_customer();
        let me = &mut c["follow_user"][1];
        if let Some(r) = &self.remark {
            me["remark"] = json!(r);
        }
        let names = [("etLevelA0001", "A 级"), ("etLevelB0001", "B 级")];
        let mut tags = vec![
            json!({"group_name": "客户等级", "tag_name": "A 级", "type": 1, "tag_id": "etLevelA0001"}),
        ];
        for t in &self.tags {
            if t != "etLevelA0001" {
                let name = names
                    .iter()
                    .find(|(id, _)| id == t)
                    .map(|(_, n)| *n)
                    .unwrap_or("?");
                tags.push(
                    json!({"group_name": "客户等级", "tag_name": name, "type": 1, "tag_id": t}),
                );
            }
        }
        me["tags"] = Value::from(tags);
        (200, c.to_string())
    }
}

/// One step of the shell: deliver an event to the core, or perform an
/// effect the core asked for. A kill can fall between any two steps.
enum Item {
    Deliver(Event),
    Perform(Effect),
}

pub struct Shell {
    pub model: Model,
    pub page: Value,
    pub acked: BTreeMap<String, String>,
    pub landed: BTreeMap<String, String>,
    pub backend: Backend,
    pub entry: String,
    pub online: bool,
    queue: VecDeque<Item>,
    /// Writes performed, waiting for their acknowledgement to be delivered.
    pending_writes: BTreeMap<u32, (String, String)>,
    pub timers: Vec<(u32, u32)>,
    pub sends: Vec<Value>,
    pub dispatches: usize,
    pub now: f64,
}

fn config() -> Config {
    Config {
        backend_url: "https://api.example.com".into(),
        locale: Some("en".into()),
    }
}

impl Shell {
    pub fn new(entry: &str) -> Shell {
        Shell {
            model: Model::new(config()).unwrap(),
            page: json!({}),
            acked: BTreeMap::new(),
            landed: BTreeMap::new(),
            backend: Backend {
                tags: vec!["etLevelA0001".into()],
                ..Backend::default()
            },
            entry: entry.to_owned(),
            online: true,
            queue: VecDeque::new(),
            pending_writes: BTreeMap::new(),
            timers: Vec::new(),
            sends: Vec::new(),
            dispatches: 0,
            now: 1_700_000_000_000.0,
        }
    }

    pub fn launch_event(&self, storage: BTreeMap<String, String>) -> Event {
        Event::Launch {
            now: self.now,
            system_info: json!({"platform": "android", "SDKVersion": "3.4.0", "environment": "wxwork", "language": "en"}),
            has_qy: true,
            qy_apis: all_qy().iter().map(|s| s.to_string()).collect(),
            storage,
        }
    }

    /// Queues a user or system event; `run` delivers it.
    pub fn push(&mut self, event: Event) {
        self.queue.push_back(Item::Deliver(event));
    }

    pub fn tap(&mut self, action: &str, arg: Value) {
        self.now += 1000.0;
        self.push(Event::Tap(
            wecom_contact_core::app::action::Tap::new(action, arg, self.now)
                .expect("a known action"),
        ));
    }

    pub fn input(&mut self, field: &str, value: &str) {
        self.now += 100.0;
        self.push(Event::Input {
            field: field.into(),
            value: value.into(),
            index: None,
            now: self.now,
        });
    }

    /// Takes steps until the queue is empty, or until `limit` steps in all
    /// have been taken. Returns false when it stopped at the limit (the
    /// kill point).
    pub fn run(&mut self, limit: Option<usize>) -> bool {
        while let Some(item) = self.queue.pop_front() {
            if limit.is_some_and(|l| self.dispatches >= l) {
                self.queue.push_front(item);
                return false;
            }
            self.dispatches += 1;
            match item {
                Item::Deliver(ev) => {
                    if let Event::StorageResult { id, ok: true, .. } = &ev {
                        if let Some((k, v)) = self.pending_writes.remove(id) {
                            self.acked.insert(k, v);
                        }
                    }
                    let before = app::rendered_value(&self.model);
                    let effects = app::update(&mut self.model, ev);
                    assert!(effects.iter().filter(|e| e.is_render()).count() <= 1);
                    if self.model.shared.rendered.is_some() {
                        // Only changed parts are rebuilt: the result must be the whole view,
                        // and the patch the diff of the two whole views.
                        let after = app::rendered_value(&self.model);
                        assert_eq!(after, app::view_value(&self.model));
                        let sent = effects.iter().find_map(|e| match e {
                            Effect::Render { patch } => Some(patch.clone()),
                            _ => None,
                        });
                        assert_eq!(sent.unwrap_or_default(), patch::diff(&before, &after));
                    }
                    super::world::check_hand_restore(&self.model);
                    for e in effects {
                        match e {
                            // Rendering and removals happen at once (removals
                            // landing fast is the hostile order).
                            Effect::Render { .. }
                            | Effect::StorageRemove { .. }
                            | Effect::Log { .. } => self.perform(e),
                            other => self.queue.push_back(Item::Perform(other)),
                        }
                    }
                }
                Item::Perform(effect) => self.perform(effect),
            }
        }
        true
    }

    fn deliver(&mut self, event: Event) {
        self.queue.push_back(Item::Deliver(event));
    }

    fn perform(&mut self, effect: Effect) {
        match effect {
            Effect::Render { patch: p } => patch::apply(&mut self.page, &p),
            Effect::StorageSet { id, key, value } => {
                self.landed.insert(key.clone(), value.clone());
                self.pending_writes.insert(id, (key, value));
                self.deliver(Event::StorageResult {
                    id,
                    ok: true,
                    err_msg: String::new(),
                });
            }
            Effect::StorageRemove { key } => {
                self.landed.remove(&key);
                self.acked.remove(&key);
                // A write of this key still in flight lands before the removal.
                self.pending_writes.retain(|_, (k, _)| *k != key);
            }
            Effect::Timer { id, after_ms } => self.timers.push((id, after_ms)),
            Effect::Log { .. } => {}
            Effect::Wx { id, api, .. } => self.deliver(Event::WxResult {
                id,
                api: api.clone(),
                result: json!({"errMsg": format!("{api}:ok")}),
            }),
            Effect::Http {
                id,
                method,
                url,
                headers,
                body,
            } => {
                let (status, text) = if self.online {
                    self.backend.answer(&method, &url, &body, &headers)
                } else {
                    (0, String::new())
                };
                self.deliver(Event::HttpResult {
                    id,
                    status,
                    body: text,
                    err_msg: String::new(),
                });
            }
            Effect::Qy { id, api, args } => {
                let api = api.name().to_owned();
                let result = match api.as_str() {
                    "login" => json!({"errMsg": "login:ok", "code": "code-1"}),
                    "getContext" => json!({"errMsg": "getContext:ok", "entry": self.entry}),
                    "getCurExternalContact" => {
                        json!({"errMsg": "getCurExternalContact:ok", "userId": EXT})
                    }
                    "getSystemInfo" => json!({"errMsg": "getSystemInfo:ok", "version": "4.1.36"}),
                    "sendChatMessage" => {
                        self.sends.push(args.clone());
                        json!({"errMsg": "sendChatMessage:ok"})
                    }
                    _ => json!({"errMsg": format!("{api}:ok")}),
                };
                self.deliver(Event::QyResult { id, api, result });
            }
        }
    }

    /// Fires the collected timers and runs to quiescence, a few rounds.
    pub fn settle(&mut self) {
        self.run(None);
        for _ in 0..8 {
            let timers = std::mem::take(&mut self.timers);
            if timers.is_empty() {
                break;
            }
            for (id, after) in timers {
                self.now += f64::from(after);
                self.push(Event::Timer { id, now: self.now });
            }
            self.run(None);
        }
    }

    /// Kills the app and launches it again on what survived. The backend,
    /// and what was sent into the chat, stay.
    pub fn kill_and_relaunch(&mut self, survives: Survives) {
        let storage = match survives {
            Survives::Acknowledged => self.acked.clone(),
            Survives::AlsoInFlight => self.landed.clone(),
        };
        self.acked = storage.clone();
        self.landed = storage.clone();
        self.pending_writes.clear();
        self.queue.clear();
        self.timers.clear();
        self.model = Model::new(config()).unwrap();
        self.page = json!({});
        self.now += 5000.0;
        let launch = self.launch_event(storage);
        self.push(launch);
        self.settle();
    }

    pub fn storage(&self, survives: Survives) -> &BTreeMap<String, String> {
        match survives {
            Survives::Acknowledged => &self.acked,
            Survives::AlsoInFlight => &self.landed,
        }
    }

    /// Whether `text` is anywhere in the given copy of storage.
    pub fn stored_anywhere(&self, survives: Survives, text: &str) -> bool {
        let needle = serde_json::to_string(text).unwrap();
        let needle = needle.trim_matches('"');
        self.storage(survives).values().any(|v| v.contains(needle))
    }
}
