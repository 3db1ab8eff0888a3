//! The hand-over journey through the app, native: from home to the hand-over page, every
//! page of a resigned rep's customers, submit with one key, 401 → log in again and replay,
//! a kill mid-request replays the same key, and the server's "not for you".

mod support {
    pub mod world;
}

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::{json, Value};
use support::world::{ok_backend, World};

fn customer(i: usize) -> String {
    format!("wmHandover{i:022}")
}

#[derive(Default)]
struct Server {
    /// Idempotency keys seen, in order.
    keys: Vec<String>,
    /// Answer the next transfers POST with 401 this many times.
    expire: usize,
    /// Do not answer POSTs (status 0) while set.
    drop_posts: bool,
    admin: bool,
}

fn transfer(n: usize) -> Value {
    let items: Vec<Value> = (0..n)
        .map(|i| json!({"type": "customer", "id": customer(i), "call": i / 100 + 1, "state": "waiting", "status": 2}))
        .collect();
    json!({"errcode": 0, "errmsg": "ok", "transfer_id": "tr_1", "kind": "resigned",
           "handover_userid": "ex_zhou", "takeover_userid": "lisi",
           "counts": {"waiting": n}, "items": items})
}

fn world(server: Rc<RefCell<Server>>) -> World {
    let mut w = World::new("normal");
    let mut base = ok_backend();
    w.backend = Box::new(move |m, url, body, headers| {
        let mut s = server.borrow_mut();
        if !url.contains("/api/handover/") {
            return base(m, url, body, headers);
        }
        if !s.admin {
            return (
                403,
                json!({"errcode": 403, "error": "not_a_handover_admin", "errmsg": "only …"})
                    .to_string(),
            );
        }
        if url.contains("/customers?") {
            let page2 = url.ends_with("cursor=p2");
            let range = if page2 { 200..250 } else { 0..200 };
            let list: Vec<Value> = range
                .map(|i| json!({"external_userid": customer(i), "dimission_time": 1_699_000_000}))
                .collect();
            let next = if page2 { "" } else { "p2" };
            return (
                200,
                json!({"errcode": 0, "customers": list, "next_cursor": next}).to_string(),
            );
        }
        if url.contains("/group-chats?") {
            return (
                200,
                json!({"errcode": 0, "group_chats": [], "next_cursor": ""}).to_string(),
            );
        }
        if m == "POST" {
            if s.expire > 0 {
                s.expire -= 1;
                return (
                    401,
                    json!({"errcode": 401, "error": "unauthorized"}).to_string(),
                );
            }
            s.keys
                .push(headers["Idempotency-Key"].as_str().unwrap_or("").to_owned());
            if s.drop_posts {
                return (0, String::new());
            }
            let n = body["external_userids"].as_array().map_or(0, Vec::len);
            return (200, transfer(n).to_string());
        }
        (200, transfer(250).to_string())
    });
    w.launch();
    assert_eq!(w.route(), "home");
    w
}

fn admin() -> Rc<RefCell<Server>> {
    Rc::new(RefCell::new(Server {
        admin: true,
        ..Server::default()
    }))
}

fn ready_to_submit(w: &mut World) {
    assert_eq!(w.page["canHandOver"], true);
    w.tap("openHandover", Value::Null);
    assert_eq!(w.route(), "handover");
    w.input("handover.giver", "ex_zhou");
    w.tap("handoverLoad", Value::Null);
    assert_eq!(
        w.page["handover"]["customers"].as_array().unwrap().len(),
        250
    );
    w.tap("handoverSelectAll", Value::Null);
    w.input("handover.taker", "lisi");
    assert_eq!(w.page["handover"]["selection"], "250 of 250 selected");
}

#[test]
fn home_to_a_submitted_hand_over_followed_in_words() {
    let server = admin();
    let mut w = world(server.clone());
    ready_to_submit(&mut w);
    w.tap("handoverSubmit", Value::Null);
    assert_eq!(server.borrow().keys.len(), 1);
    let t = &w.page["handover"]["transfer"];
    assert_eq!(t["waiting"], true, "{t}");
    assert_eq!(
        t["items"][0]["words"],
        "Being handed over; takes effect in 24 hours"
    );
    assert!(w.storage.contains_key("wcc:handover"));
    w.assert_page_matches_view();
}

#[test]
fn an_expired_session_logs_in_again_and_replays_the_same_key() {
    let server = admin();
    let mut w = world(server.clone());
    ready_to_submit(&mut w);
    server.borrow_mut().expire = 1;
    let logins = w.qy_calls.iter().filter(|(a, _)| a == "login").count();
    w.tap("handoverSubmit", Value::Null);
    assert_eq!(
        w.qy_calls.iter().filter(|(a, _)| a == "login").count(),
        logins + 1,
        "the existing 401 → login again"
    );
    assert_eq!(w.route(), "handover", "the admin stays on the hand-over");
    let s = server.borrow();
    assert_eq!(s.keys.len(), 1, "replayed once signed in: {:?}", s.keys);
    assert!(w.page["handover"]["transfer"].is_object());
}

#[test]
fn a_kill_mid_request_replays_the_same_key_after_relaunch() {
    let server = admin();
    let mut w = world(server.clone());
    ready_to_submit(&mut w);
    server.borrow_mut().drop_posts = true;
    w.tap("handoverSubmit", Value::Null);
    assert_eq!(w.page["handover"]["canRetry"], true);
    let first = server.borrow().keys[0].clone();
    server.borrow_mut().drop_posts = false;
    w.relaunch();
    let s = server.borrow();
    assert_eq!(
        s.keys,
        vec![first.clone(), first],
        "the same request, replayed"
    );
    drop(s);
    w.tap("openHandover", Value::Null);
    assert!(w.page["handover"]["transfer"].is_object());
}

#[test]
fn a_member_not_in_the_admin_list_is_told_in_words() {
    let server = Rc::new(RefCell::new(Server::default()));
    let mut w = world(server);
    w.tap("openHandover", Value::Null);
    w.input("handover.giver", "ex_zhou");
    w.tap("handoverLoad", Value::Null);
    assert_eq!(w.page["handover"]["denied"], true);
    assert!(w.page["handover"]["problem"]
        .as_str()
        .unwrap()
        .starts_with("Only hand-over admins"));
}
