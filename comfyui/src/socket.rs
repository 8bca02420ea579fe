//! The WebSocket to one server: opened with a fresh client id each time (a reused id can be silently
//! unregistered when the old socket closes, as the recordings show), reconnected with backoff, and routing each
//! job event by its `prompt_id`.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

use crate::api::{self, Frame};
use crate::error::describe;
use crate::link::Shared;

const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Keeps a socket open until `stop`; the first retry after a drop is immediate.
pub(crate) async fn run(shared: Arc<Shared>, stop: CancellationToken) {
    let ws_base = shared.url.replacen("http", "ws", 1);
    let mut backoff = Duration::ZERO;
    loop {
        let client_id = uuid::Uuid::new_v4().simple().to_string();
        let connect =
            tokio_tungstenite::connect_async(format!("{ws_base}/ws?clientId={client_id}"));
        let attempt = tokio::select! {
            () = stop.cancelled() => return,
            attempt = tokio::time::timeout(shared.options.connect_timeout, connect) => attempt,
        };
        match attempt {
            Ok(Ok((stream, _))) => {
                backoff = Duration::ZERO;
                shared.connected(&client_id);
                let reason = read(&shared, stream, &stop).await;
                if stop.is_cancelled() {
                    return;
                }
                tracing::info!(
                    url = shared.url,
                    reason,
                    "ComfyUI WebSocket closed; reconnecting"
                );
                shared.disconnected(reason);
            }
            Ok(Err(error)) => shared.disconnected(describe(&error)),
            Err(_) => shared.disconnected(format!(
                "no answer within {:?}",
                shared.options.connect_timeout
            )),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(backoff) => {}
            () = shared.retry_now.notified() => {}
        }
        backoff = (backoff * 2).clamp(MIN_BACKOFF, MAX_BACKOFF);
    }
}

type Stream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Routes frames until the socket closes; returns why it closed.
async fn read(shared: &Shared, mut stream: Stream, stop: &CancellationToken) -> String {
    loop {
        let message = tokio::select! {
            () = stop.cancelled() => {
                let _ = stream.close(None).await;
                return "client stopped".to_owned();
            }
            message = stream.next() => message,
        };
        match message {
            Some(Ok(Message::Text(text))) => match api::parse_frame(&text) {
                Ok(Frame::Status { queue_remaining }) => shared.queue_changed(queue_remaining),
                Ok(Frame::Job { prompt_id, event }) => shared.route(&prompt_id, event),
                Ok(Frame::Other) => {}
                Err(error) => {
                    tracing::debug!(url = shared.url, %error, "ignoring a frame this client does not understand")
                }
            },
            // Preview images (binary frames) and pings need nothing from us.
            Some(Ok(Message::Close(_))) | None => {
                return "the server closed the connection".to_owned();
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => return describe(&error),
        }
    }
}
