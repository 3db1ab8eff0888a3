//! `media/upload`: temporary media as WeCom takes it (multipart, a `type`, its limits), the
//! 3-day validity, and faults like every other API.

use crate::common::*;
use serde_json::Value;
use wecom_double::{Fault, MEDIA_TTL_SECS};

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1];

fn multipart(field: &str, filename: Option<&str>, data: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----wccBoundary7MA4YWxkTrZu0gW";
    let mut body = format!("--{boundary}\r\n").into_bytes();
    let disposition = match filename {
        Some(f) => format!(
            "Content-Disposition: form-data; name=\"{field}\"; filename=\"{f}\"; filelength={}\r\n",
            data.len()
        ),
        None => format!("Content-Disposition: form-data; name=\"{field}\"\r\n"),
    };
    body.extend_from_slice(disposition.as_bytes());
    body.extend_from_slice(b"Content-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    d: &wecom_double::Double,
    secret: &str,
    kind: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Value {
    let t = token(d, secret).await;
    let r = client()
        .post(format!(
            "{}/cgi-bin/media/upload?access_token={t}&type={kind}",
            d.base_url()
        ))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("the request completes");
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.expect("JSON")
}

#[tokio::test]
async fn an_image_is_kept_for_three_days() {
    let d = demo().await;
    let (ct, body) = multipart("media", Some("photo.jpg"), JPEG);
    let v = upload(&d, "agent-secret", "image", &ct, body).await;
    assert_eq!(errcode(&v), 0, "{v}");
    assert_eq!(v["type"], "image");
    let id = v["media_id"].as_str().expect("a media_id").to_string();
    let created: u64 = v["created_at"]
        .as_str()
        .expect("created_at is a string")
        .parse()
        .unwrap();
    assert!(created >= d.now() - 5);
    let m = d.media(&id).expect("kept");
    assert_eq!((m.filename.as_str(), m.size), ("photo.jpg", JPEG.len()));
    assert!(d.media_valid(&id));
    d.advance(MEDIA_TTL_SECS - 60);
    assert!(d.media_valid(&id), "still valid just before 3 days");
    d.advance(120);
    assert!(!d.media_valid(&id), "expired after 3 days");
    assert!(!d.media_valid("never-uploaded"));
    assert_eq!(d.count("media/upload"), 1);
}

#[tokio::test]
async fn a_file_of_any_kind_and_a_video() {
    let d = demo().await;
    let (ct, body) = multipart("media", Some("price list.pdf"), b"%PDF-1.4 a price list");
    let v = upload(&d, "contact-secret", "file", &ct, body).await;
    assert_eq!(errcode(&v), 0, "{v}");
    let (ct, body) = multipart("media", Some("demo.mp4"), b"\0\0\0\x18ftypmp42");
    assert_eq!(
        errcode(&upload(&d, "agent-secret", "video", &ct, body).await),
        0
    );
}

#[tokio::test]
async fn an_unknown_type_is_40004() {
    let d = demo().await;
    let (ct, body) = multipart("media", Some("photo.jpg"), JPEG);
    assert_eq!(
        errcode(&upload(&d, "agent-secret", "picture", &ct, body).await),
        40004
    );
}

#[tokio::test]
async fn a_body_that_is_not_multipart_is_empty_media() {
    let d = demo().await;
    let v = upload(&d, "agent-secret", "image", "image/jpeg", JPEG.to_vec()).await;
    assert_eq!(errcode(&v), 44001);
}

#[tokio::test]
async fn a_part_not_named_media_is_empty_media() {
    let d = demo().await;
    let (ct, body) = multipart("file", Some("photo.jpg"), JPEG);
    assert_eq!(
        errcode(&upload(&d, "agent-secret", "image", &ct, body).await),
        44001
    );
}

#[tokio::test]
async fn five_bytes_or_fewer_is_empty_media() {
    let d = demo().await;
    let (ct, body) = multipart("media", Some("photo.jpg"), &JPEG[..5]);
    assert_eq!(
        errcode(&upload(&d, "agent-secret", "image", &ct, body).await),
        44001
    );
}

#[tokio::test]
async fn an_image_that_is_not_jpg_or_png_is_40005() {
    let d = demo().await;
    let (ct, body) = multipart("media", Some("photo.heic"), JPEG);
    assert_eq!(
        errcode(&upload(&d, "agent-secret", "image", &ct, body).await),
        40005
    );
    let (ct, body) = multipart("media", None, JPEG);
    assert_eq!(
        errcode(&upload(&d, "agent-secret", "image", &ct, body).await),
        40005,
        "no filename"
    );
}

#[tokio::test]
async fn an_image_over_10_mb_is_40006() {
    let d = demo().await;
    let big = vec![0xAB; 10 * 1024 * 1024 + 1];
    let (ct, body) = multipart("media", Some("big.png"), &big);
    assert_eq!(
        errcode(&upload(&d, "agent-secret", "image", &ct, body).await),
        40006
    );
}

#[tokio::test]
async fn the_sync_secret_may_not_upload() {
    let d = demo().await;
    let (ct, body) = multipart("media", Some("photo.jpg"), JPEG);
    assert_eq!(
        errcode(&upload(&d, "sync-secret", "image", &ct, body).await),
        48002
    );
}

#[tokio::test]
async fn faults_apply_to_media_upload() {
    let d = demo().await;
    d.set_fault(
        "media/upload",
        Fault::Errcode(45009, "api freq out of limit".into()),
        Some(1),
    );
    let (ct, body) = multipart("media", Some("photo.jpg"), JPEG);
    assert_eq!(
        errcode(&upload(&d, "agent-secret", "image", &ct, body.clone()).await),
        45009
    );
    assert_eq!(
        errcode(&upload(&d, "agent-secret", "image", &ct, body).await),
        0,
        "used up"
    );
    assert_eq!(d.count("media/upload"), 2);
}
