//! `multipart/form-data` (RFC 7578), the little of it the server needs: one
//! file part to send to WeCom's `media/upload`, and the file part of a
//! picture the mini program sends with `wx.uploadFile`.

use bytes::Bytes;

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub data: Bytes,
}

/// A form of one file part `field` (WeCom's `media/upload` takes `media`,
/// with `filename` and `filelength`): the Content-Type header and the body.
pub fn one_file(field: &str, filename: &str, data: &[u8]) -> (String, Bytes) {
    let boundary = format!(
        "----wcc{}",
        crate::random_token(18).replace(['-', '_'], "x")
    );
    let mut body = Vec::with_capacity(data.len() + 256);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    // The name is checked (no quotes, no control characters) before it gets here.
    body.extend_from_slice(
        format!(
            "Content-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"; filelength={}\r\n",
            data.len()
        )
        .as_bytes(),
    );
    body.extend_from_slice(b"Content-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (
        format!("multipart/form-data; boundary={boundary}"),
        Bytes::from(body),
    )
}

/// The boundary of a `multipart/form-data` Content-Type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if hay.len() < needle.len() || from > hay.len() - needle.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn disposition(headers: &str, key: &str) -> Option<String> {
    let line = headers
        .split("\r\n")
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    line.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The parts of a body, or `None` when it is not a well-formed form.
pub fn parts(boundary: &str, body: &Bytes) -> Option<Vec<Part>> {
    let delim = format!("--{boundary}");
    let sep = format!("\r\n--{boundary}");
    let mut at = find(body, delim.as_bytes(), 0)? + delim.len();
    let mut out = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            return Some(out);
        }
        if !body[at..].starts_with(b"\r\n") {
            return None;
        }
        at += 2;
        let head_end = find(body, b"\r\n\r\n", at)?;
        let headers = std::str::from_utf8(&body[at..head_end]).ok()?;
        let data_start = head_end + 4;
        let data_end = find(body, sep.as_bytes(), data_start)?;
        out.push(Part {
            name: disposition(headers, "name").unwrap_or_default(),
            filename: disposition(headers, "filename"),
            data: body.slice(data_start..data_end),
        });
        at = data_end + sep.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_reads_back() {
        let (ct, body) = one_file("media", "a b.jpg", b"\xFF\xD8\xFF\r\n--not-a-boundary");
        let b = boundary(&ct).unwrap();
        let p = parts(&b, &body).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].name, "media");
        assert_eq!(p[0].filename.as_deref(), Some("a b.jpg"));
        assert_eq!(&p[0].data[..], b"\xFF\xD8\xFF\r\n--not-a-boundary");
    }

    #[test]
    fn a_content_type_that_is_not_a_form_has_no_boundary() {
        assert_eq!(boundary("application/json"), None);
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(
            boundary("multipart/form-data; boundary=\"abc\"").as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn a_cut_body_is_not_a_form() {
        let (ct, body) = one_file("media", "a.jpg", b"0123456789");
        let b = boundary(&ct).unwrap();
        assert_eq!(parts(&b, &body.slice(..body.len() - 20)), None);
    }
}
