//! MCP over stdin/stdout, one JSON-RPC message per line. stdout carries nothing else.

use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::sync::mpsc;

use rmcp::model::ClientJsonRpcMessage;

use super::{ChannelPeer, MAX_MESSAGE_BYTES, channel_transport, decode, serve_session};
use crate::PixelsServer;

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
    serve_session(server, transport).await?;
    reader.abort();
    let _ = writer.await;
    Ok(())
}

async fn read_lines(
    input: impl AsyncRead + Unpin,
    inbound: mpsc::Sender<ClientJsonRpcMessage>,
    replies: mpsc::Sender<String>,
) {
    let limit = MAX_MESSAGE_BYTES as u64;
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut reader)
            .take(limit + 1)
            .read_until(b'\n', &mut line)
            .await;
        match read {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.len() as u64 > limit && !line.ends_with(b"\n") {
            let _ = replies.send(super::too_long_reply()).await;
            if skip_line(&mut reader).await.is_err() {
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

/// Skips the rest of a line that is too long, without keeping it.
async fn skip_line(reader: &mut (impl AsyncBufRead + Unpin)) -> std::io::Result<()> {
    loop {
        let buffer = reader.fill_buf().await?;
        let Some(end) = buffer.iter().position(|&b| b == b'\n') else {
            if buffer.is_empty() {
                return Ok(());
            }
            let skipped = buffer.len();
            reader.consume(skipped);
            continue;
        };
        reader.consume(end + 1);
        return Ok(());
    }
}

async fn write_lines(mut outbound: mpsc::Receiver<String>, mut output: impl AsyncWrite + Unpin) {
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
