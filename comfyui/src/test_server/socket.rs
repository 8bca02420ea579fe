//! `GET /ws?clientId=…`: the first frame is `status` with the socket's id; a socket that reuses an id takes
//! over from the old one, and when either closes the id leaves the registry (the recorded surprise).

use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::recorded::MAX_UPLOAD_SIZE;
use super::{Outgoing, Socket, State};

pub(super) async fn serve(state: Arc<State>, mut socket: WebSocket, client_id: Option<String>) {
    let sid = client_id.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let (sender, mut outgoing) = mpsc::unbounded_channel();
    {
        let mut comfy = state.comfy();
        let mut status = comfy.status_data();
        status["sid"] = sid.clone().into();
        let hello = json!({"type": "status", "data": status}).to_string();
        let _ = sender.send(Outgoing::Text(hello));
        if let Some(running) = &comfy.running
            && running.client_id.as_deref() == Some(sid.as_str())
            && let Some(node) = &running.node
        {
            let _ = sender.send(Outgoing::Text(
                json!({"type": "executing", "data": {"node": node}}).to_string(),
            ));
        }
        comfy.sockets.insert(
            sid.clone(),
            Socket {
                sender: sender.clone(),
                preview_metadata: false,
            },
        );
    }
    loop {
        tokio::select! {
            () = state.stop.cancelled() => return,
            out = outgoing.recv() => {
                let message = match out {
                    Some(Outgoing::Text(text)) => Message::Text(text.into()),
                    Some(Outgoing::Binary(bytes)) => Message::Binary(bytes.into()),
                    // Dropping the socket closes the TCP connection without a close frame.
                    Some(Outgoing::Cut) | None => return,
                };
                if socket.send(message).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => feature_flags(&state, &sid, &text, &sender),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
    state.comfy().sockets.remove(&sid);
}

/// A client's `feature_flags` frame: remembered, and answered with the server's own flags.
fn feature_flags(state: &State, sid: &str, text: &str, sender: &mpsc::UnboundedSender<Outgoing>) {
    let Ok(message) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if message["type"] != "feature_flags" {
        return;
    }
    if let Some(socket) = state.comfy().sockets.get_mut(sid) {
        socket.preview_metadata = message["data"]["supports_preview_metadata"] == true;
    }
    let flags = json!({"type": "feature_flags", "data": {"supports_preview_metadata": true, "max_upload_size": MAX_UPLOAD_SIZE}});
    let _ = sender.send(Outgoing::Text(flags.to_string()));
}
