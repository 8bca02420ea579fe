//! How MCP messages reach the handler: stdio, Streamable HTTP and legacy HTTP+SSE.
//!
//! stdio and legacy SSE both feed rmcp through [`ChannelTransport`]: a pair of channels whose
//! other ends a small pump drives. Doing the JSON decoding in the pump (not in rmcp) lets us
//! answer malformed input with a JSON-RPC error instead of silently dropping it, and
//! [`serve_session`] keeps a session waiting for a proper start whatever arrives before it.

mod body;
pub mod http;
pub mod sse;
pub mod stdio;

use std::sync::Arc;

use rmcp::model::ClientJsonRpcMessage;
use rmcp::service::{RxJsonRpcMessage, ServerInitializeError, TxJsonRpcMessage};
use rmcp::{RoleServer, ServiceExt};
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};

use crate::PixelsServer;

/// The largest message accepted on any transport: a stdio line, a `POST /mcp` or
/// `POST /message` body. Tool arguments are short text (pictures travel as paths), so this is
/// far above what a real call needs; a longer message gets a JSON-RPC error (HTTP 413).
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// rmcp's side of a channel pair: it reads client messages and writes serialized server
/// messages. Clones share the channels, so a session that did not start can be served again.
#[derive(Clone)]
pub struct ChannelTransport {
    inbound: Arc<Mutex<mpsc::Receiver<ClientJsonRpcMessage>>>,
    outbound: mpsc::Sender<String>,
}

/// The pump's side: send client messages in, read server messages (one JSON text each) out.
pub struct ChannelPeer {
    pub inbound: mpsc::Sender<ClientJsonRpcMessage>,
    pub outbound: mpsc::Receiver<String>,
    /// For replies the pump writes itself (errors for malformed input).
    pub replies: mpsc::Sender<String>,
}

/// A connected pair with room for a few messages in flight each way.
pub fn channel_transport() -> (ChannelTransport, ChannelPeer) {
    let (in_tx, in_rx) = mpsc::channel(64);
    let (out_tx, out_rx) = mpsc::channel(256);
    (
        ChannelTransport {
            inbound: Arc::new(Mutex::new(in_rx)),
            outbound: out_tx.clone(),
        },
        ChannelPeer {
            inbound: in_tx,
            outbound: out_rx,
            replies: out_tx,
        },
    )
}

/// The pump went away, so the session is over.
#[derive(Debug, thiserror::Error)]
#[error("the client connection is closed")]
pub struct ConnectionClosed;

impl rmcp::transport::Transport<RoleServer> for ChannelTransport {
    type Error = ConnectionClosed;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let outbound = self.outbound.clone();
        async move {
            let text = serde_json::to_string(&item).map_err(|_| ConnectionClosed)?;
            outbound.send(text).await.map_err(|_| ConnectionClosed)
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<RxJsonRpcMessage<RoleServer>>> + Send {
        let inbound = self.inbound.clone();
        async move { inbound.lock().await.recv().await }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        // A receive still waiting holds the lock; the channel then closes when it is dropped.
        if let Ok(mut inbound) = self.inbound.try_lock() {
            inbound.close();
        }
        Ok(())
    }
}

/// Serves one session on `transport` until the client goes away.
///
/// rmcp gives up on a session whose first message cannot start it: a notification or a
/// response before `initialize` (JSON-RPC has no reply for either), or an `initialize` it
/// refused (it has already answered that one with an error). Neither ends the connection here:
/// the message is dropped and the session waits for a proper start, as a fresh one would.
/// Requests before the start (`ping`, `server/discover`, anything else) are answered by rmcp.
pub async fn serve_session(
    server: PixelsServer,
    transport: ChannelTransport,
) -> Result<(), ServerInitializeError> {
    loop {
        match server.clone().serve(transport.clone()).await {
            Ok(service) => {
                let _ = service.waiting().await;
                return Ok(());
            }
            Err(ServerInitializeError::ExpectedInitializeRequest(message)) => {
                tracing::warn!(
                    "ignored a message that cannot start a session: {}",
                    message.map_or_else(String::new, |m| summary(&m))
                );
            }
            Err(ServerInitializeError::InitializeFailed(error)) => {
                tracing::warn!("initialize refused: {}", error.message);
            }
            Err(ServerInitializeError::ConnectionClosed(_) | ServerInitializeError::Cancelled) => {
                return Ok(());
            }
            Err(error) => return Err(error),
        }
    }
}

/// What a message is, for a log line: its method, or that it is a response or an error.
fn summary(message: &ClientJsonRpcMessage) -> String {
    match message {
        ClientJsonRpcMessage::Request(request) => format!("request {}", request.request.method()),
        ClientJsonRpcMessage::Notification(notification) => {
            let value = serde_json::to_value(&notification.notification).unwrap_or_default();
            format!("notification {}", value["method"].as_str().unwrap_or("?"))
        }
        ClientJsonRpcMessage::Response(_) => "a response to no request".to_owned(),
        ClientJsonRpcMessage::Error(_) => "an error answering no request".to_owned(),
    }
}

/// Decodes one client message, or gives the JSON-RPC error to answer with.
///
/// Unparsable text gets `-32700 Parse error`; valid JSON that is not a JSON-RPC message gets
/// `-32600 Invalid Request` (with the request's id when it has one), per JSON-RPC 2.0. A batch
/// (an array) is refused whole: MCP dropped batches in 2025-06-18.
pub fn decode(text: &str) -> Result<ClientJsonRpcMessage, String> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            return Err(error_reply(
                Value::Null,
                -32700,
                &format!("Parse error: {e}"),
            ));
        }
    };
    if value.is_array() {
        return Err(error_reply(
            Value::Null,
            -32600,
            "Invalid Request: JSON-RPC batches are not supported (MCP removed them in 2025-06-18); \
             send each message on its own",
        ));
    }
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    serde_json::from_value(value)
        .map_err(|e| error_reply(id, -32600, &format!("Invalid Request: {e}")))
}

fn error_reply(id: Value, code: i64, message: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
}

/// The error for a message longer than [`MAX_MESSAGE_BYTES`].
fn too_long_reply() -> String {
    error_reply(
        Value::Null,
        -32600,
        &format!(
            "Invalid Request: the message is longer than {} MiB, the most this server accepts",
            MAX_MESSAGE_BYTES / (1024 * 1024)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_input_gets_json_rpc_errors() {
        let reply: Value = serde_json::from_str(&decode("{not json").unwrap_err()).unwrap();
        assert_eq!(reply["error"]["code"], -32700);
        assert_eq!(reply["id"], Value::Null);

        let reply: Value =
            serde_json::from_str(&decode(r#"{"jsonrpc":"2.0","id":7,"nothing":1}"#).unwrap_err())
                .unwrap();
        assert_eq!(reply["error"]["code"], -32600);
        assert_eq!(reply["id"], 7);
    }

    #[test]
    fn batches_are_refused_whole() {
        for batch in ["[]", r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#] {
            let reply: Value = serde_json::from_str(&decode(batch).unwrap_err()).unwrap();
            assert_eq!(reply["error"]["code"], -32600, "{batch}");
            assert_eq!(reply["id"], Value::Null);
            assert!(
                reply["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("batches")
            );
        }
    }

    #[test]
    fn requests_decode() {
        let message = decode(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).unwrap();
        assert!(matches!(message, ClientJsonRpcMessage::Request(_)));
    }
}
