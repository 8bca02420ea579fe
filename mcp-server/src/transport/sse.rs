//! Legacy HTTP+SSE transport (MCP 2024-11-05), which rmcp no longer ships a server for.
//!
//! `GET /sse` opens a session: the first event (`endpoint`) names `/message?sessionId=ID`, then
//! every server message arrives as a `message` event. `POST /message?sessionId=ID` delivers one
//! client message into that session (202), or answers 404 for an unknown session, 400 with a
//! JSON-RPC error for a malformed message and 413 with one for a message that is too long.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt, stream};
use rmcp::model::ClientJsonRpcMessage;
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::{body, channel_transport, decode, serve_session};
use crate::{AppState, PixelsServer};

/// Open legacy SSE sessions by id.
#[derive(Debug, Default, Clone)]
pub struct SseSessions {
    sessions: Arc<Mutex<HashMap<String, mpsc::Sender<ClientJsonRpcMessage>>>>,
}

impl SseSessions {
    pub fn count(&self) -> usize {
        self.sessions.lock().expect("sse session lock").len()
    }
}

/// Removes the session when its event stream is dropped (the client went away).
struct SessionGuard {
    sessions: SseSessions,
    id: String,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        self.sessions
            .sessions
            .lock()
            .expect("sse session lock")
            .remove(&self.id);
        tracing::debug!(session = %self.id, "legacy SSE session closed");
    }
}

/// `GET /sse`: opens a session and streams its messages.
pub async fn connect(
    State((state, sessions)): State<(Arc<AppState>, SseSessions)>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let (transport, peer) = channel_transport();
    sessions
        .sessions
        .lock()
        .expect("sse session lock")
        .insert(id.clone(), peer.inbound);
    let server = PixelsServer::new(state, "legacy_sse");
    tokio::spawn(async move {
        if let Err(e) = serve_session(server, transport).await {
            tracing::debug!("legacy SSE session ended during initialization: {e}");
        }
    });
    tracing::debug!(session = %id, "legacy SSE session opened");

    let endpoint = Event::default()
        .event("endpoint")
        .data(format!("/message?sessionId={id}"));
    let guard = SessionGuard { sessions, id };
    let messages = ReceiverStream::new(peer.outbound).map(move |text| {
        let _session = &guard;
        Ok(Event::default().event("message").data(text))
    });
    Sse::new(stream::once(async { Ok(endpoint) }).chain(messages)).keep_alive(KeepAlive::default())
}

#[derive(Debug, Deserialize)]
pub struct MessageQuery {
    #[serde(rename = "sessionId")]
    session_id: String,
}

/// `POST /message?sessionId=ID`: delivers one client message.
pub async fn message(
    State((_, sessions)): State<(Arc<AppState>, SseSessions)>,
    Query(query): Query<MessageQuery>,
    headers: HeaderMap,
    request: Body,
) -> Response {
    let inbound = sessions
        .sessions
        .lock()
        .expect("sse session lock")
        .get(&query.session_id)
        .cloned();
    let Some(inbound) = inbound else {
        return (
            StatusCode::NOT_FOUND,
            format!(
                "no legacy SSE session {:?}: open one with GET /sse",
                query.session_id
            ),
        )
            .into_response();
    };
    let bytes = match body::read(&headers, request).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    match decode(&String::from_utf8_lossy(&bytes)) {
        Ok(message) => match inbound.send(message).await {
            Ok(()) => StatusCode::ACCEPTED.into_response(),
            Err(_) => (StatusCode::NOT_FOUND, "the session has closed").into_response(),
        },
        Err(reply) => body::json_error(StatusCode::BAD_REQUEST, reply),
    }
}
