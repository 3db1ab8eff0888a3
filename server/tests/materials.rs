//! The materials library end to end (SQLite and PostgreSQL, a real HTTP stack, the WeCom
//! double): an admin fills it, media go to WeCom's `media/upload`, staff read it by scope
//! with media ids renewed before their 3 days run out, a picture from the phone becomes a
//! media_id; and every bad input on its own.

mod support;

use base64::Engine;
use serde_json::{json, Value};
use support::{Env, Kind, Reply};
use wecom_double::Fault;

const ADMIN: &str = "zhangsan";
const STAFF: &str = "lisi";
const ADMIN_PATH: &str = "/api/admin/materials";

const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1,
];
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];

async fn env(kind: Kind) -> Env {
    Env::with(kind, wecom_double::Config::demo(), |v| {
        v.insert("WCC_MATERIAL_ADMINS".into(), format!("{ADMIN}, wangwu"));
    })
    .await
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn image_body(title: &str) -> Value {
    json!({"kind": "image", "title": title, "filename": "poster.jpg", "data_base64": b64(JPEG)})
}

async fn delete(env: &Env, token: &str, path: &str, key: Option<&str>) -> Reply {
    let mut req = env.http.delete(env.url(path)).bearer_auth(token);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let r = req.send().await.unwrap();
    Reply {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        text: r.text().await.unwrap(),
    }
}

async fn post_form(env: &Env, token: &str, key: &str, field: &str, data: &[u8]) -> Reply {
    let (ct, body) = wcc_server::form_data::one_file(field, "tmp_1.jpg", data);
    let r = env
        .http
        .post(env.url("/api/media"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    Reply {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        text: r.text().await.unwrap(),
    }
}

fn ids(v: &Value) -> Vec<String> {
    v["materials"]
        .as_array()
        .unwrap_or_else(|| panic!("no materials: {v}"))
        .iter()
        .map(|m| m["title"].as_str().unwrap().to_string())
        .collect()
}

async fn an_admin_fills_the_library_and_staff_read_it(kind: Kind) {
    let env = env(kind).await;
    let admin = env.login(ADMIN).await;
    let bodies = [
        json!({"kind": "text", "title": "问候", "group": "开场白", "text": "{name}您好，我是{me}"}),
        json!({"kind": "text", "title": "欢迎入群", "group": "群聊", "scope": "group", "text": "欢迎各位！"}),
        json!({"kind": "link", "title": "官网", "url": "https://example.com", "desc": "我们的产品", "scope": "single"}),
        json!({"kind": "miniprogram", "title": "商城", "appid": "wx8bd80126147df384", "page": "pages/shop/index.html", "img_url": "https://example.com/c.png"}),
        image_body("海报"),
        json!({"kind": "video", "title": "演示", "filename": "demo.mp4", "data_base64": b64(b"\0\0\0\x18ftypmp42 video")}),
        json!({"kind": "file", "title": "价目表", "filename": "价目表.pdf", "data_base64": b64(b"%PDF-1.4 prices")}),
    ];
    for (i, b) in bodies.iter().enumerate() {
        let r = env
            .post(&admin, ADMIN_PATH, Some(&format!("k{i}")), b)
            .await;
        assert_eq!(r.status, 200, "{b}: {}", r.text);
        let v = r.json();
        assert_eq!(v["errcode"], 0);
        assert!(v["id"].as_str().unwrap().starts_with("mat_"));
        assert_eq!(v["title"], b["title"]);
    }
    assert_eq!(
        env.double.count("media/upload"),
        3,
        "one upload per media material"
    );

    let staff = env.login(STAFF).await;
    let r = env.get(&staff, "/api/materials").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        ids(&v),
        ["问候", "欢迎入群", "官网", "商城", "海报", "演示", "价目表"],
        "in the order made"
    );
    let all = v["materials"].as_array().unwrap();
    assert_eq!(all[0]["group"], "开场白");
    assert_eq!(all[0]["text"], "{name}您好，我是{me}");
    for m in &all[4..] {
        let id = m["media_id"]
            .as_str()
            .unwrap_or_else(|| panic!("a media id: {m}"));
        assert!(env.double.media_valid(id), "WeCom knows {id}");
        assert!(
            m.get("data_base64").is_none(),
            "the file never goes back out"
        );
    }
    let poster = env
        .double
        .media(all[4]["media_id"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        (poster.media_type.as_str(), poster.filename.as_str()),
        ("image", "poster.jpg")
    );
    assert_eq!(all[4]["size"], JPEG.len());
    assert_eq!(
        env.double
            .media(all[6]["media_id"].as_str().unwrap())
            .unwrap()
            .media_type,
        "file"
    );

    let single = env.get(&staff, "/api/materials?scope=single").await.json();
    assert_eq!(
        ids(&single),
        ["问候", "官网", "商城", "海报", "演示", "价目表"]
    );
    let group = env.get(&staff, "/api/materials?scope=group").await.json();
    assert_eq!(
        ids(&group),
        ["问候", "欢迎入群", "商城", "海报", "演示", "价目表"]
    );

    // The admin list shows when each media id expires.
    let a = env.get(&admin, ADMIN_PATH).await.json();
    assert!(a["materials"][4]["media_expires_at"].as_i64().unwrap() > wcc_server::db::now());
    assert_eq!(
        env.double.count("media/upload"),
        3,
        "fresh ids are not renewed"
    );
}

/// Ages every media id by `secs` in the database, as if uploaded that long ago.
async fn age_media(env: &Env, secs: i64) {
    sqlx::query("UPDATE materials SET media_uploaded_at = media_uploaded_at - $1 WHERE media_id IS NOT NULL")
        .bind(secs)
        .execute(&env.srv.state.db.pool)
        .await
        .unwrap();
}

async fn media_ids_are_renewed_before_they_expire(kind: Kind) {
    let env = env(kind).await;
    let admin = env.login(ADMIN).await;
    let r = env
        .post(&admin, ADMIN_PATH, Some("img"), &image_body("海报"))
        .await;
    let first = r.json()["media_id"].as_str().unwrap().to_string();
    let staff = env.login(STAFF).await;
    // Two days on: still the same id.
    age_media(&env, 2 * 86_400).await;
    let v = env.get(&staff, "/api/materials").await.json();
    assert_eq!(v["materials"][0]["media_id"], first.as_str());
    assert_eq!(env.double.count("media/upload"), 1);
    // Past 2.5 days: read time uploads the file again, and the new id is kept.
    age_media(&env, 13 * 3600).await;
    let v = env.get(&staff, "/api/materials").await.json();
    let second = v["materials"][0]["media_id"].as_str().unwrap().to_string();
    assert_ne!(second, first);
    assert!(env.double.media_valid(&second));
    assert_eq!(env.double.count("media/upload"), 2);
    let v = env.get(&staff, "/api/materials").await.json();
    assert_eq!(
        v["materials"][0]["media_id"],
        second.as_str(),
        "renewed once"
    );
    assert_eq!(env.double.count("media/upload"), 2);
    // The sweeper's refresh renews what is due without anyone reading.
    age_media(&env, 2 * 86_400 + 13 * 3600).await;
    assert_eq!(
        wcc_server::materials::refresh_due(&env.srv.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(env.double.count("media/upload"), 3);
    assert_eq!(
        wcc_server::materials::refresh_due(&env.srv.state)
            .await
            .unwrap(),
        0
    );
}

async fn an_id_that_cannot_be_renewed_is_kept_until_it_expires(kind: Kind) {
    let env = env(kind).await;
    let admin = env.login(ADMIN).await;
    let r = env
        .post(&admin, ADMIN_PATH, Some("img"), &image_body("海报"))
        .await;
    let first = r.json()["media_id"].as_str().unwrap().to_string();
    let staff = env.login(STAFF).await;
    env.double
        .set_fault("media/upload", Fault::Status(502), None);
    age_media(&env, 2 * 86_400 + 13 * 3600).await;
    let r = env.get(&staff, "/api/materials").await;
    assert_eq!(r.status, 200, "the list still answers: {}", r.text);
    assert_eq!(
        r.json()["materials"][0]["media_id"],
        first.as_str(),
        "still valid for 11 hours"
    );
    // Past 3 days an expired id is never handed out.
    age_media(&env, 12 * 3600).await;
    let v = env.get(&staff, "/api/materials").await.json();
    assert_eq!(v["materials"][0]["media_id"], Value::Null, "{v}");
    env.double.clear_faults();
    let v = env.get(&staff, "/api/materials").await.json();
    assert!(
        v["materials"][0]["media_id"].as_str().is_some(),
        "renewed once WeCom is back"
    );
}

async fn only_material_admins_change_the_library(kind: Kind) {
    let env = env(kind).await;
    let staff = env.login(STAFF).await;
    let body = json!({"kind": "text", "title": "t", "text": "hi"});
    let r = env.post(&staff, ADMIN_PATH, Some("k"), &body).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "not_a_material_admin");
    assert_eq!(env.get(&staff, ADMIN_PATH).await.status, 403);
    assert_eq!(
        delete(&env, &staff, "/api/admin/materials/mat_x", Some("d"))
            .await
            .status,
        403
    );
    // Admins are compared case-insensitively; wangwu is the second one.
    let other = env.login("WangWu").await;
    assert_eq!(
        env.post(&other, ADMIN_PATH, Some("k"), &body).await.status,
        200
    );
    assert_eq!(env.count_rows("materials").await, 1);
    // Nobody without a session.
    assert_eq!(env.get("nope", "/api/materials").await.status, 401);
    assert_eq!(
        env.post("nope", "/api/media", Some("k"), &json!({}))
            .await
            .status,
        401
    );
}

async fn nobody_is_an_admin_when_unset(kind: Kind) {
    let env = Env::new(kind).await;
    let t = env.login(ADMIN).await;
    let r = env
        .post(
            &t,
            ADMIN_PATH,
            Some("k"),
            &json!({"kind": "text", "title": "t", "text": "hi"}),
        )
        .await;
    assert_eq!(r.status, 403);
}

async fn a_delete_removes_the_material_and_its_file(kind: Kind) {
    let env = env(kind).await;
    let admin = env.login(ADMIN).await;
    let id = env
        .post(&admin, ADMIN_PATH, Some("img"), &image_body("海报"))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(env.count_rows("material_files").await, 1);
    let path = format!("{ADMIN_PATH}/{id}");
    let r = delete(&env, &admin, &path, Some("del-1")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(env.count_rows("materials").await, 0);
    assert_eq!(env.count_rows("material_files").await, 0);
    let again = delete(&env, &admin, &path, Some("del-1")).await;
    assert_eq!(again.status, 200, "the repeat replays the first answer");
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    let other = delete(&env, &admin, &path, Some("del-2")).await;
    assert_eq!(other.status, 404);
    assert_eq!(other.json()["error"], "unknown_material");
    assert_eq!(
        delete(&env, &admin, &path, None).await.status,
        400,
        "a key is required"
    );
    let bad = delete(&env, &admin, "/api/admin/materials/a%20b", Some("del-3")).await;
    assert_eq!(bad.json()["error"], "bad_material_id");
    let v = env.get(&admin, "/api/materials").await.json();
    assert_eq!(v["materials"], json!([]));
}

async fn a_repeated_create_is_answered_once(kind: Kind) {
    let env = env(kind).await;
    let admin = env.login(ADMIN).await;
    let first = env
        .post(&admin, ADMIN_PATH, Some("same"), &image_body("海报"))
        .await;
    let again = env
        .post(&admin, ADMIN_PATH, Some("same"), &image_body("海报"))
        .await;
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(first.json()["id"], again.json()["id"]);
    assert_eq!(env.count_rows("materials").await, 1);
    assert_eq!(env.double.count("media/upload"), 1);
    let other = env
        .post(&admin, ADMIN_PATH, Some("same"), &image_body("另一张"))
        .await;
    assert_eq!(other.status, 422, "the key with another body");
}

async fn create_status(env: &Env, body: &Value) -> (u16, Value) {
    let admin = env.login(ADMIN).await;
    let r = env.post(&admin, ADMIN_PATH, Some("bad"), body).await;
    (r.status, r.json())
}

fn first_code(v: &Value) -> String {
    v["violations"][0]["code"]
        .as_str()
        .unwrap_or_else(|| v["error"].as_str().unwrap())
        .to_string()
}

async fn a_create_without_a_key_is_refused(kind: Kind) {
    let env = env(kind).await;
    let admin = env.login(ADMIN).await;
    let r = env
        .post(
            &admin,
            ADMIN_PATH,
            None,
            &json!({"kind": "text", "title": "t", "text": "hi"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("bad_idempotency_key"))
    );
}

async fn a_create_that_is_not_json(kind: Kind) {
    let env = env(kind).await;
    let admin = env.login(ADMIN).await;
    let r = env
        .post_raw(&admin, ADMIN_PATH, Some("k"), "kind=text".into())
        .await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("body_not_json"))
    );
}

async fn a_create_of_an_unknown_kind(kind: Kind) {
    let env = env(kind).await;
    let (s, v) = create_status(&env, &json!({"kind": "voice", "title": "t"})).await;
    assert_eq!((s, first_code(&v)), (400, "bad_kind".into()));
}

async fn a_create_without_a_title(kind: Kind) {
    let env = env(kind).await;
    let (s, v) = create_status(&env, &json!({"kind": "text", "text": "hi"})).await;
    assert_eq!((s, first_code(&v)), (400, "required".into()));
    assert_eq!(v["violations"][0]["field"], "title");
}

async fn a_create_with_a_bad_link(kind: Kind) {
    let env = env(kind).await;
    let (s, v) = create_status(
        &env,
        &json!({"kind": "link", "title": "t", "url": "example.com"}),
    )
    .await;
    assert_eq!((s, first_code(&v)), (400, "url_missing_protocol".into()));
}

async fn a_create_with_a_bad_miniprogram_page(kind: Kind) {
    let env = env(kind).await;
    let body = json!({"kind": "miniprogram", "title": "t", "appid": "wx8bd80126147df384", "page": "pages/a", "img_url": "https://a.b/c.png"});
    let (s, v) = create_status(&env, &body).await;
    assert_eq!((s, first_code(&v)), (400, "page_not_html".into()));
}

async fn a_create_with_a_bad_scope(kind: Kind) {
    let env = env(kind).await;
    let (s, v) = create_status(
        &env,
        &json!({"kind": "text", "title": "t", "text": "hi", "scope": "room"}),
    )
    .await;
    assert_eq!((s, first_code(&v)), (400, "bad_scope".into()));
}

async fn a_create_with_an_unknown_field(kind: Kind) {
    let env = env(kind).await;
    let (s, v) = create_status(
        &env,
        &json!({"kind": "text", "title": "t", "text": "hi", "media_id": "x"}),
    )
    .await;
    assert_eq!((s, first_code(&v)), (400, "unknown_field".into()));
    let (s, v) = create_status(
        &env,
        &json!({"kind": "text", "title": "t", "text": "hi", "data_base64": b64(JPEG)}),
    )
    .await;
    assert_eq!(
        (s, v["error"].clone()),
        (400, json!("unknown_field")),
        "a file on a text"
    );
}

async fn a_media_create_without_data(kind: Kind) {
    let env = env(kind).await;
    let (s, v) = create_status(
        &env,
        &json!({"kind": "image", "title": "t", "filename": "a.jpg"}),
    )
    .await;
    assert_eq!((s, v["error"].clone()), (400, json!("bad_media_data")));
}

async fn a_media_create_with_bad_base64(kind: Kind) {
    let env = env(kind).await;
    let (s, v) = create_status(
        &env,
        &json!({"kind": "file", "title": "t", "filename": "a.pdf", "data_base64": "%%%"}),
    )
    .await;
    assert_eq!((s, v["error"].clone()), (400, json!("bad_media_data")));
}

async fn a_media_create_with_a_wrong_file_type(kind: Kind) {
    let env = env(kind).await;
    let (s, v) = create_status(
        &env,
        &json!({"kind": "image", "title": "t", "filename": "a.gif", "data_base64": b64(JPEG)}),
    )
    .await;
    assert_eq!((s, first_code(&v)), (400, "file_type_not_allowed".into()));
}

async fn an_image_that_is_not_a_picture(kind: Kind) {
    let env = env(kind).await;
    let (s, v) = create_status(&env, &json!({"kind": "image", "title": "t", "filename": "a.jpg", "data_base64": b64(b"not a picture at all")})).await;
    assert_eq!((s, v["error"].clone()), (400, json!("not_an_image")));
    assert_eq!(env.double.count("media/upload"), 0, "refused before WeCom");
}

async fn a_media_create_over_10_mib(kind: Kind) {
    let env = env(kind).await;
    let mut big = JPEG.to_vec();
    big.resize(10 * 1024 * 1024 + 1, 0);
    let (s, v) = create_status(
        &env,
        &json!({"kind": "image", "title": "t", "filename": "a.jpg", "data_base64": b64(&big)}),
    )
    .await;
    assert_eq!((s, v["error"].clone()), (413, json!("body_too_large")));
    assert_eq!(env.count_rows("materials").await, 0);
}

async fn wecom_refusing_an_upload_records_nothing(kind: Kind) {
    let env = env(kind).await;
    env.double.set_fault(
        "media/upload",
        Fault::Errcode(40005, "invalid file type".into()),
        Some(1),
    );
    let admin = env.login(ADMIN).await;
    let r = env
        .post(&admin, ADMIN_PATH, Some("k1"), &image_body("海报"))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(
        (r.json()["error"].clone(), r.json()["errcode"].clone()),
        (json!("wecom_refused"), json!(40005))
    );
    assert_eq!(env.count_rows("materials").await, 0);
}

async fn wecom_down_during_a_create_releases_the_key(kind: Kind) {
    let env = env(kind).await;
    env.double
        .set_fault("media/upload", Fault::Status(503), Some(1));
    let admin = env.login(ADMIN).await;
    let r = env
        .post(&admin, ADMIN_PATH, Some("k1"), &image_body("海报"))
        .await;
    assert_eq!(r.status, 503, "{}", r.text);
    assert_eq!(env.count_rows("materials").await, 0);
    let again = env
        .post(&admin, ADMIN_PATH, Some("k1"), &image_body("海报"))
        .await;
    assert_eq!(
        again.status, 200,
        "the retry with the same key goes through: {}",
        again.text
    );
    assert_eq!(env.count_rows("materials").await, 1);
}

async fn a_bad_scope_query(kind: Kind) {
    let env = env(kind).await;
    let t = env.login(STAFF).await;
    let r = env.get(&t, "/api/materials?scope=room").await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("bad_scope"))
    );
}

async fn a_picture_from_the_phone_becomes_a_media_id(kind: Kind) {
    let env = env(kind).await;
    let t = env.login(STAFF).await;
    let r = post_form(&env, &t, "pic-1", "media", JPEG).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let id = v["media_id"].as_str().unwrap().to_string();
    assert!(env.double.media_valid(&id));
    assert_eq!(
        env.double.media(&id).unwrap().filename,
        "photo.jpg",
        "named by its content"
    );
    assert!(v["expires_at"].as_i64().unwrap() > wcc_server::db::now() + 2 * 86_400);
    // wx.uploadFile retried with the same key (a new boundary): the same id, one upload.
    let again = post_form(&env, &t, "pic-1", "media", JPEG).await;
    assert_eq!(again.json()["media_id"], id.as_str());
    assert_eq!(env.double.count("media/upload"), 1);
    // A PNG as base64 JSON.
    let r = env
        .post(
            &t,
            "/api/media",
            Some("pic-2"),
            &json!({"data_base64": b64(PNG)}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        env.double
            .media(r.json()["media_id"].as_str().unwrap())
            .unwrap()
            .filename,
        "photo.png"
    );
}

async fn a_picture_without_a_key(kind: Kind) {
    let env = env(kind).await;
    let t = env.login(STAFF).await;
    let r = env
        .post(&t, "/api/media", None, &json!({"data_base64": b64(PNG)}))
        .await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("bad_idempotency_key"))
    );
}

async fn a_picture_that_is_not_one(kind: Kind) {
    let env = env(kind).await;
    let t = env.login(STAFF).await;
    let r = post_form(&env, &t, "k", "media", b"GIF89a not allowed").await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("not_an_image"))
    );
    assert_eq!(env.double.count("media/upload"), 0);
}

async fn a_picture_form_without_a_media_part(kind: Kind) {
    let env = env(kind).await;
    let t = env.login(STAFF).await;
    let r = post_form(&env, &t, "k", "file", JPEG).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("no_media_part"))
    );
}

async fn a_picture_form_that_is_cut_off(kind: Kind) {
    let env = env(kind).await;
    let t = env.login(STAFF).await;
    let (ct, body) = wcc_server::form_data::one_file("media", "a.jpg", JPEG);
    let r = env
        .http
        .post(env.url("/api/media"))
        .bearer_auth(&t)
        .header("Idempotency-Key", "k")
        .header("content-type", ct)
        .body(body.slice(..body.len() - 12))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "bad_form");
}

async fn a_picture_over_10_mib(kind: Kind) {
    let env = env(kind).await;
    let t = env.login(STAFF).await;
    let mut big = JPEG.to_vec();
    big.resize(10 * 1024 * 1024 + 1, 0);
    let r = post_form(&env, &t, "k", "media", &big).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (413, json!("body_too_large"))
    );
    assert_eq!(env.double.count("media/upload"), 0);
}

async fn a_picture_json_with_another_field(kind: Kind) {
    let env = env(kind).await;
    let t = env.login(STAFF).await;
    let r = env
        .post(
            &t,
            "/api/media",
            Some("k"),
            &json!({"data_base64": b64(PNG), "media_id": "x"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("unknown_field"))
    );
}

async fn a_picture_wecom_refuses_or_cannot_take(kind: Kind) {
    let env = env(kind).await;
    let t = env.login(STAFF).await;
    env.double.set_fault(
        "media/upload",
        Fault::Errcode(40006, "invalid file size".into()),
        Some(1),
    );
    let r = post_form(&env, &t, "k1", "media", JPEG).await;
    assert_eq!((r.status, r.json()["errcode"].clone()), (400, json!(40006)));
    env.double.set_fault(
        "media/upload",
        Fault::Errcode(45009, "api freq out of limit".into()),
        Some(1),
    );
    let r = post_form(&env, &t, "k2", "media", JPEG).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (503, json!("wecom_rate_limited"))
    );
    let r = post_form(&env, &t, "k2", "media", JPEG).await;
    assert_eq!(r.status, 200, "the key was released: {}", r.text);
}

on_both!(
    an_admin_fills_the_library_and_staff_read_it,
    media_ids_are_renewed_before_they_expire,
    an_id_that_cannot_be_renewed_is_kept_until_it_expires,
    only_material_admins_change_the_library,
    nobody_is_an_admin_when_unset,
    a_delete_removes_the_material_and_its_file,
    a_repeated_create_is_answered_once,
    a_create_without_a_key_is_refused,
    a_create_that_is_not_json,
    a_create_of_an_unknown_kind,
    a_create_without_a_title,
    a_create_with_a_bad_link,
    a_create_with_a_bad_miniprogram_page,
    a_create_with_a_bad_scope,
    a_create_with_an_unknown_field,
    a_media_create_without_data,
    a_media_create_with_bad_base64,
    a_media_create_with_a_wrong_file_type,
    an_image_that_is_not_a_picture,
    a_media_create_over_10_mib,
    wecom_refusing_an_upload_records_nothing,
    wecom_down_during_a_create_releases_the_key,
    a_bad_scope_query,
    a_picture_from_the_phone_becomes_a_media_id,
    a_picture_without_a_key,
    a_picture_that_is_not_one,
    a_picture_form_without_a_media_part,
    a_picture_form_that_is_cut_off,
    a_picture_over_10_mib,
    a_picture_json_with_another_field,
    a_picture_wecom_refuses_or_cannot_take,
);
