//! How MCP messages reach the handler: stdio, Streamable HTTP and legacy HTTP+SSE.
//!
//! stdio and legacy SSE both feed rmcp through [`ChannelTransport`]: a pair of channels whose
//! other ends a small pump drives. Doing the JSON decoding in the pump (not in rmcp) lets us
//! answer malformed input with a JSON-RPC error instead of silently dropping it.

pub mod http;
pub mod sse;
pub mod stdio;

use rmcp::RoleServer;
use rmcp::model::ClientJsonRpcMessage;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// rmcp's side of a channel pair: it reads client messages and writes serialized server messages.
pub struct ChannelTransport {
    inbound: mpsc::Receiver<ClientJsonRpcMessage>,
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
            inbound: in_rx,
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
        self.inbound.recv()
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.inbound.close();
        Ok(())
    }
}

/// Decodes one client message, or gives the JSON-RPC error to answer with.
///
/// Unparsable text gets `-32700 Parse error`; valid JSON that is not a JSON-RPC message gets
/// `-32600 Invalid Request` (with the request's id when it has one), per JSON-RPC 2.0.
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
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    serde_json::from_value(value)
        .map_err(|e| error_reply(id, -32600, &format!("Invalid Request: {e}")))
}

fn error_reply(id: Value, code: i64, message: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
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
    fn requests_decode() {
        let message = decode(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).unwrap();
        assert!(matches!(message, ClientJsonRpcMessage::Request(_)));
    }
}
