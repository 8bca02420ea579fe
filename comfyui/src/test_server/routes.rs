//! The HTTP routes the client uses, at their plain path and under `/api`, with the recorded status codes,
//! content types and bodies (empty bodies included).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State as Extract, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde_json::{Value, json};

use super::ordered::Json;
use super::recorded::{MAX_UPLOAD_SIZE, SERVER_ERROR_BODY};
use super::validate::{self, Verdict};
use super::{Item, State};

type Shared = Arc<State>;

pub(super) fn router(state: Shared) -> Router {
    let routes = || {
        Router::new()
            .route("/ws", get(websocket))
            .route(
                "/prompt",
                get(prompt_info)
                    .post(submit)
                    .fallback(not_allowed("GET,HEAD,POST")),
            )
            .route(
                "/queue",
                get(queue)
                    .post(edit_queue)
                    .fallback(not_allowed("GET,HEAD,POST")),
            )
            .route("/interrupt", post(interrupt).fallback(not_allowed("POST")))
            .route("/free", post(free).fallback(not_allowed("POST")))
            .route(
                "/history",
                get(history)
                    .post(edit_history)
                    .fallback(not_allowed("GET,HEAD,POST")),
            )
            .route("/history/{prompt_id}", get(history_entry))
            .route("/object_info", get(object_info))
            .route("/object_info/{class}", get(class_info))
            .route("/system_stats", get(system_stats))
            .route("/features", get(features))
            .route("/view", get(view))
            .route(
                "/upload/image",
                post(super::upload::upload_image)
                    .fallback(not_allowed("POST"))
                    .layer(DefaultBodyLimit::max(MAX_UPLOAD_SIZE as usize)),
            )
    };
    Router::new()
        .merge(routes())
        .nest("/api", routes())
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "application/octet-stream")],
            )
        })
        .layer(middleware::from_fn(origin_check))
        .layer(middleware::map_response(
            |mut response: Response| async move {
                response.headers_mut().insert(
                    header::SERVER,
                    HeaderValue::from_static("Python/3.11 aiohttp/3.14.5"),
                );
                response
            },
        ))
        .with_state(state)
}

fn not_allowed(allow: &'static str) -> MethodRouter<Shared> {
    MethodRouter::new().fallback(move || async move {
        let headers = [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::ALLOW, allow),
        ];
        (
            StatusCode::METHOD_NOT_ALLOWED,
            headers,
            "405: Method Not Allowed",
        )
    })
}

/// ComfyUI's origin middleware: a loopback request whose `Origin` host differs from `Host` gets a bare 403.
async fn origin_check(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok());
    if let (Some(host), Some(origin)) = (host, origin) {
        let origin_host = origin
            .split_once("://")
            .map_or(origin, |(_, rest)| rest)
            .trim_end_matches('/');
        if origin_host != host {
            return StatusCode::FORBIDDEN.into_response();
        }
    }
    next.run(request).await
}

fn json_response(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let body = serde_json::to_string(body).expect("JSON bodies serialize");
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

pub(super) fn ok_json(body: &impl serde::Serialize) -> Response {
    json_response(StatusCode::OK, body)
}

/// What aiohttp answers when a handler raised.
pub(super) fn crashed() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        (header::CONNECTION, "close"),
    ];
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        headers,
        SERVER_ERROR_BODY,
    )
        .into_response()
}

async fn websocket(
    Extract(state): Extract<Shared>,
    Query(query): Query<HashMap<String, String>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let client_id = query.get("clientId").filter(|id| !id.is_empty()).cloned();
    upgrade.on_upgrade(move |socket| super::socket::serve(state, socket, client_id))
}

async fn prompt_info(Extract(state): Extract<Shared>) -> Response {
    let remaining = state.comfy().queue_remaining();
    ok_json(&json!({"exec_info": {"queue_remaining": remaining}}))
}

async fn submit(Extract(state): Extract<Shared>, body: Bytes) -> Response {
    if std::mem::take(
        &mut state
            .behaviour
            .lock()
            .expect("behaviour lock")
            .crash_next_prompt,
    ) {
        return crashed();
    }
    let Ok(mut body) = serde_json::from_slice::<Json>(&body) else {
        return crashed();
    };
    let key = |k: &str| match &body {
        Json::Object(_) => body.get(k).is_some(),
        Json::Array(items) => items.contains(&Json::String(k.to_owned())),
        _ => false,
    };
    if !matches!(body, Json::Object(_) | Json::Array(_)) {
        return crashed();
    }
    let explicit_number = key("number");
    let has_prompt = key("prompt");
    let (number, order) = {
        let mut comfy = state.comfy();
        comfy.sequence += 1;
        let sequence = comfy.sequence;
        match body
            .get("number")
            .map(Json::to_value)
            .and_then(|n| n.as_f64())
        {
            Some(number) if explicit_number => (json!(number), (number, sequence)),
            _ => {
                let mut number = comfy.number;
                comfy.number += 1;
                if body
                    .get("front")
                    .map(Json::to_value)
                    .is_some_and(|f| f.as_bool() == Some(true))
                {
                    number = -number;
                }
                (json!(number), (number as f64, sequence))
            }
        }
    };
    if !has_prompt {
        let error = json!({"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided", "extra_info": {}});
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": error, "node_errors": {}}),
        );
    }
    let prompt_id = match body.get("prompt_id") {
        Some(id) => validate::py_str(&id.to_value()),
        None => uuid::Uuid::new_v4().to_string(),
    };
    let client_id = body.get("client_id").cloned();
    let mut extra_data = match body.get("extra_data") {
        Some(Json::Object(extra)) => extra.clone(),
        _ => Vec::new(),
    };
    if let Some(client_id) = client_id {
        extra_data.retain(|(k, _)| k != "client_id");
        extra_data.push(("client_id".to_owned(), client_id));
    }
    let Some(prompt) = body.get_mut("prompt") else {
        return crashed();
    };
    let (outputs, node_errors) = match validate::validate(prompt, &state.classes_now(true)) {
        Err(validate::HandlerCrashed) => return crashed(),
        Ok(Verdict::Reject(error)) => return json_response(StatusCode::BAD_REQUEST, &error),
        Ok(Verdict::Queue {
            outputs,
            node_errors,
        }) => (outputs, node_errors),
    };
    let item = Item {
        number: number.clone(),
        order,
        prompt_id: prompt_id.clone(),
        prompt: prompt.clone(),
        extra_data: Json::Object(extra_data),
        outputs,
        queued_at: Instant::now(),
    };
    {
        let mut comfy = state.comfy();
        comfy.accepted.push(item.prompt.to_value());
        comfy.pending.push(item);
        comfy.broadcast_status();
    }
    state.work.notify_one();
    ok_json(&json!({"prompt_id": prompt_id, "number": number, "node_errors": node_errors}))
}

async fn queue(Extract(state): Extract<Shared>) -> Response {
    let comfy = state.comfy();
    let running: Vec<Json> = comfy.running.iter().map(|job| job.item.clone()).collect();
    let pending: Vec<Json> = comfy.pending.iter().map(Item::to_json).collect();
    ok_json(&Json::Object(vec![
        ("queue_running".to_owned(), Json::Array(running)),
        ("queue_pending".to_owned(), Json::Array(pending)),
    ]))
}

/// Parses an optional JSON body; `None` where aiohttp's `request.json()` would raise.
fn optional_json(body: &Bytes) -> Option<Value> {
    if body.is_empty() {
        return Some(Value::Null);
    }
    serde_json::from_slice(body).ok()
}

fn deleted_ids(body: &Value) -> Vec<String> {
    body["delete"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect()
}

async fn edit_queue(Extract(state): Extract<Shared>, body: Bytes) -> Response {
    let Some(body) = optional_json(&body) else {
        return crashed();
    };
    let mut comfy = state.comfy();
    let before = comfy.pending.len();
    if body["clear"] == true {
        comfy.pending.clear();
    }
    let delete = deleted_ids(&body);
    comfy
        .pending
        .retain(|item| !delete.contains(&item.prompt_id));
    if comfy.pending.len() != before {
        comfy.broadcast_status();
    }
    StatusCode::OK.into_response()
}

async fn interrupt(Extract(state): Extract<Shared>, body: Bytes) -> Response {
    let Some(body) = optional_json(&body) else {
        return crashed();
    };
    let mut comfy = state.comfy();
    let targets_running = match body.get("prompt_id").and_then(Value::as_str) {
        Some(prompt_id) => comfy
            .running
            .as_ref()
            .is_some_and(|job| job.prompt_id == prompt_id),
        None => comfy.running.is_some(),
    };
    if targets_running {
        comfy.interrupt = true;
        state.interrupted.notify_one();
    }
    StatusCode::OK.into_response()
}

/// `/free` only sets flags the worker applies between jobs; there is no memory to free here.
async fn free(body: Bytes) -> Response {
    match optional_json(&body) {
        Some(_) => StatusCode::OK.into_response(),
        None => crashed(),
    }
}

async fn history(
    Extract(state): Extract<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let comfy = state.comfy();
    let offset = query
        .get("offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0);
    let entries = comfy.history.iter().skip(offset);
    let entries: Vec<_> = match query.get("max_items").and_then(|m| m.parse::<usize>().ok()) {
        Some(max) => {
            let all: Vec<_> = entries.collect();
            let skip = all.len().saturating_sub(max);
            all.into_iter().skip(skip).cloned().collect()
        }
        None => entries.cloned().collect(),
    };
    ok_json(&Json::Object(entries))
}

async fn history_entry(Extract(state): Extract<Shared>, Path(prompt_id): Path<String>) -> Response {
    let comfy = state.comfy();
    let entry = comfy
        .history
        .iter()
        .find(|(id, _)| *id == prompt_id)
        .cloned();
    ok_json(&Json::Object(entry.into_iter().collect()))
}

async fn edit_history(Extract(state): Extract<Shared>, body: Bytes) -> Response {
    let Some(body) = optional_json(&body) else {
        return crashed();
    };
    let mut comfy = state.comfy();
    if body["clear"] == true {
        comfy.history.clear();
    }
    let delete = deleted_ids(&body);
    comfy.history.retain(|(id, _)| !delete.contains(id));
    StatusCode::OK.into_response()
}

async fn object_info(Extract(state): Extract<Shared>) -> Response {
    ok_json(state.classes_now(false).all())
}

async fn class_info(Extract(state): Extract<Shared>, Path(class): Path<String>) -> Response {
    let body = match state.classes_now(false).get(&class) {
        Some(def) => json!({ class: def }),
        None => json!({}),
    };
    ok_json(&body)
}

async fn system_stats(Extract(state): Extract<Shared>) -> Response {
    ok_json(&state.system_stats)
}

async fn features() -> Response {
    ok_json(&json!({"supports_preview_metadata": true, "max_upload_size": MAX_UPLOAD_SIZE}))
}

/// `GET /view`: the recorded checks on the file name, type and subfolder, then the file.
async fn view(
    Extract(state): Extract<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(filename) = query.get("filename") else {
        return empty(StatusCode::NOT_FOUND);
    };
    if filename.starts_with('/') || filename.contains("..") {
        return empty(StatusCode::BAD_REQUEST);
    }
    let kind = query.get("type").map_or("output", String::as_str);
    if !matches!(kind, "output" | "input" | "temp") {
        return empty(StatusCode::BAD_REQUEST);
    }
    let subfolder = query.get("subfolder").map_or("", String::as_str);
    if escapes(subfolder) {
        return empty(StatusCode::FORBIDDEN);
    }
    let key = (
        kind.to_owned(),
        subfolder.trim_matches('/').to_owned(),
        filename.clone(),
    );
    let Some(bytes) = state.comfy().files.get(&key).cloned() else {
        return empty(StatusCode::NOT_FOUND);
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    if let Ok(disposition) = HeaderValue::from_str(&format!("filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    (StatusCode::OK, headers, bytes).into_response()
}

/// Whether a subfolder leaves its folder once `..` is resolved.
fn escapes(subfolder: &str) -> bool {
    let mut depth = 0i32;
    for part in subfolder.split('/').filter(|p| !p.is_empty() && *p != ".") {
        depth += if part == ".." { -1 } else { 1 };
        if depth < 0 {
            return true;
        }
    }
    false
}

fn empty(status: StatusCode) -> Response {
    status.into_response()
}
