//! HTTP request bodies of at most [`MAX_MESSAGE_BYTES`], for `POST /mcp` and `POST /message`.
//!
//! A longer body is answered `413` with a JSON-RPC error, but only after the rest of it has been
//! read (up to [`MAX_DRAINED_BYTES`]): closing a connection while the client is still sending
//! makes the kernel reset it, and the client then sees a dropped connection, not the answer.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use super::{MAX_MESSAGE_BYTES, too_long_reply};

/// How much of an oversized body is read and thrown away so that its client can read the 413.
/// Past this the connection is closed unread.
pub const MAX_DRAINED_BYTES: usize = 64 * 1024 * 1024;

/// The whole body, or the response to send instead (413 for a body that is too long).
pub async fn read(headers: &HeaderMap, body: Body) -> Result<Bytes, Response> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(length) = declared
        && length > MAX_MESSAGE_BYTES
    {
        // A client waiting for `100 Continue` has sent nothing yet: answer it without reading.
        let waiting = headers
            .get(header::EXPECT)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        if waiting || length > MAX_MESSAGE_BYTES + MAX_DRAINED_BYTES {
            return Err(too_large(true));
        }
    }
    let mut chunks = body.into_data_stream();
    let mut collected = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(unreadable)?;
        if collected.len() + chunk.len() > MAX_MESSAGE_BYTES {
            let mut drained = collected.len() + chunk.len();
            drop(collected);
            while drained <= MAX_MESSAGE_BYTES + MAX_DRAINED_BYTES {
                match chunks.next().await {
                    Some(Ok(chunk)) => drained += chunk.len(),
                    Some(Err(_)) => break,
                    None => return Err(too_large(false)),
                }
            }
            return Err(too_large(true));
        }
        collected.extend_from_slice(&chunk);
    }
    Ok(collected.into())
}

/// `413` with a JSON-RPC error; `close` when the body was not read to its end.
fn too_large(close: bool) -> Response {
    tracing::warn!("refused a request body longer than {MAX_MESSAGE_BYTES} bytes");
    let mut response = json_error(StatusCode::PAYLOAD_TOO_LARGE, too_long_reply());
    if close {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn unreadable(error: axum::Error) -> Response {
    let reply = super::error_reply(
        serde_json::Value::Null,
        -32700,
        &format!("Parse error: the request body could not be read: {error}"),
    );
    json_error(StatusCode::BAD_REQUEST, reply)
}

/// A JSON-RPC error message as an HTTP response with `status`.
pub fn json_error(status: StatusCode, reply: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], reply).into_response()
}
