//! MCP over stdin/stdout, one JSON-RPC message per line. stdout carries nothing else.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

use rmcp::ServiceExt;

use super::{ChannelPeer, channel_transport, decode};
use crate::PixelsServer;

/// Longest line accepted (16 MiB); longer ones are answered with a parse error and skipped.
const MAX_LINE_BYTES: u64 = 16 * 1024 * 1024;

/// Serves one session on stdin/stdout until stdin closes.
pub async fn serve(server: PixelsServer) -> anyhow::Result<()> {
    serve_on(server, tokio::io::stdin(), tokio::io::stdout()).await
}

/// Serves one session on any reader/writer pair (stdio in production, pipes in tests).
pub async fn serve_on(
    server: PixelsServer,
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl AsyncWrite + Unpin + Send + 'static,
) -> anyhow::Result<()> {
    let (transport, peer) = channel_transport();
    let ChannelPeer {
        inbound,
        outbound,
        replies,
    } = peer;
    let writer = tokio::spawn(write_lines(outbound, output));
    let reader = tokio::spawn(read_lines(input, inbound, replies));
    let service = server.serve(transport).await?;
    service.waiting().await?;
    reader.abort();
    let _ = writer.await;
    Ok(())
}

async fn read_lines(
    input: impl AsyncRead + Unpin,
    inbound: tokio::sync::mpsc::Sender<rmcp::model::ClientJsonRpcMessage>,
    replies: tokio::sync::mpsc::Sender<String>,
) {
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut line)
            .await;
        match read {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.len() as u64 > MAX_LINE_BYTES && !line.ends_with(b"\n") {
            let _ = replies
                .send(super::error_reply(
                    serde_json::Value::Null,
                    -32700,
                    "Parse error: message longer than 16 MiB",
                ))
                .await;
            let mut rest = Vec::new();
            if reader.read_until(b'\n', &mut rest).await.is_err() {
                return;
            }
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let delivered = match decode(text) {
            Ok(message) => inbound.send(message).await.is_ok(),
            Err(reply) => replies.send(reply).await.is_ok(),
        };
        if !delivered {
            return;
        }
    }
}

async fn write_lines(
    mut outbound: tokio::sync::mpsc::Receiver<String>,
    mut output: impl AsyncWrite + Unpin,
) {
    while let Some(text) = outbound.recv().await {
        let written = async {
            output.write_all(text.as_bytes()).await?;
            output.write_all(b"\n").await?;
            output.flush().await
        };
        if written.await.is_err() {
            return;
        }
    }
}
