//! `POST /upload/image` as recorded (`recordings/upload/upload_image.json`): a multipart form with
//! `image`, optional `type`, `subfolder` and `overwrite`, answered with `{"name","subfolder","type"}`; the
//! same name with the same bytes is reused, with other bytes stored as `name (1).ext` unless `overwrite`
//! is `"true"` or `"1"`; no `image` gives a bare `400`.
//!
//! Not recorded, taken from ComfyUI 0.3.64's `image_upload` in `server.py` and aiohttp's form parsing:
//! a path that leaves the folder gives `400`; an unknown `type`, or an `image` field that is text
//! rather than a file, makes the handler raise (aiohttp's `500`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::State;
use super::routes::{crashed, ok_json};

/// One field of a `multipart/form-data` body.
struct Field {
    name: String,
    /// Set for a file; aiohttp turns a part without a file name into text.
    filename: Option<String>,
    body: Bytes,
}

impl Field {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub(super) async fn upload_image(
    Extract(state): Extract<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or_default();
    // aiohttp reads any other body as an empty form.
    let form = if content_type.starts_with("multipart/form-data") {
        fields(content_type, &body)
    } else {
        Vec::new()
    };
    let get = |name: &str| form.iter().find(|field| field.name == name);
    let Some(image) = get("image") else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Some(filename) = image.filename.clone() else {
        return if image.body.is_empty() {
            StatusCode::BAD_REQUEST.into_response()
        } else {
            crashed()
        };
    };
    let kind = match get("type").map(Field::text) {
        None => "input".to_owned(),
        Some(kind) if matches!(kind.as_str(), "input" | "temp" | "output") => kind,
        Some(_) => return crashed(),
    };
    let subfolder = get("subfolder").map(Field::text).unwrap_or_default();
    let overwrite = get("overwrite")
        .map(Field::text)
        .is_some_and(|o| o == "true" || o == "1");

    let mut comfy = state.comfy();
    let mut name = filename.clone();
    let Some(mut key) = file_key(&kind, &subfolder, &name) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if !overwrite {
        let (stem, extension) = split_extension(&filename);
        let mut i = 1;
        while let Some(existing) = comfy.files.get(&key) {
            if *existing == image.body {
                break;
            }
            name = format!("{stem} ({i}){extension}");
            key = file_key(&kind, &subfolder, &name).expect("a renamed file stays in its folder");
            i += 1;
        }
    }
    comfy.files.insert(key, image.body.clone());
    ok_json(&json!({"name": name, "subfolder": subfolder, "type": kind}))
}

/// `(type, folder, file)` of `subfolder/name` inside the type's folder, or `None` if the path leaves it.
pub(super) fn file_key(
    kind: &str,
    subfolder: &str,
    name: &str,
) -> Option<(String, String, String)> {
    if subfolder.starts_with('/') || name.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in subfolder.split('/').chain(name.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    let file = parts.pop()?;
    Some((kind.to_owned(), parts.join("/"), file.to_owned()))
}

/// Python's `os.path.splitext`: `("a.b", ".png")`; a name that is all extension has none.
fn split_extension(name: &str) -> (&str, &str) {
    let base_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[base_start..].rfind('.') {
        Some(dot)
            if !name[base_start..base_start + dot]
                .trim_start_matches('.')
                .is_empty() =>
        {
            name.split_at(base_start + dot)
        }
        _ => (name, ""),
    }
}

/// The fields of a `multipart/form-data` body, in order; whatever does not parse is left out.
fn fields(content_type: &str, body: &Bytes) -> Vec<Field> {
    let Some(boundary) = content_type
        .split(';')
        .filter_map(|param| param.trim().strip_prefix("boundary="))
        .map(|boundary| boundary.trim_matches('"'))
        .next()
    else {
        return Vec::new();
    };
    let opening = format!("--{boundary}");
    let closing = format!("\r\n--{boundary}");
    let Some(start) = find(body, opening.as_bytes()) else {
        return Vec::new();
    };
    let mut at = start + opening.len();
    let mut fields = Vec::new();
    while !body[at..].starts_with(b"--") {
        let part_start = at
            + if body[at..].starts_with(b"\r\n") {
                2
            } else {
                0
            };
        let Some(headers_len) = find(&body[part_start..], b"\r\n\r\n") else {
            break;
        };
        let content_start = part_start + headers_len + 4;
        let Some(content_len) = find(&body[content_start..], closing.as_bytes()) else {
            break;
        };
        let headers = String::from_utf8_lossy(&body[part_start..part_start + headers_len]);
        if let Some((name, filename)) = disposition(&headers) {
            fields.push(Field {
                name,
                filename,
                body: body.slice(content_start..content_start + content_len),
            });
        }
        at = content_start + content_len + closing.len();
    }
    fields
}

/// `name` and `filename` of a part's `Content-Disposition: form-data; name="..."; filename="..."`.
fn disposition(headers: &str) -> Option<(String, Option<String>)> {
    let line = headers.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(value)
    })?;
    let param = |wanted: &str| {
        line.split(';').find_map(|param| {
            let (key, value) = param.split_once('=')?;
            (key.trim() == wanted).then(|| value.trim().trim_matches('"').to_owned())
        })
    };
    Some((param("name")?, param("filename").filter(|f| !f.is_empty())))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
