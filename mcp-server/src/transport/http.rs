//! The HTTP server: Streamable HTTP at `/mcp`, legacy SSE at `/sse` + `/message`, and `/healthz`,
//! behind one guard that checks `Host`, `Origin` and the bearer token.
//!
//! `/mcp` is rmcp's Streamable HTTP service with [`mcp_messages`] in front of it, so that it
//! treats bodies as every transport does and answers the way the official SDKs expect.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use axum::serve::{Listener, ListenerExt};
use rmcp::model::ClientJsonRpcMessage;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use tokio_util::sync::CancellationToken;

use super::sse::{self, SseSessions};
use super::{MAX_MESSAGE_BYTES, body, decode, error_reply};
use crate::{AppState, PixelsServer};

/// Who may talk to the HTTP server.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Required as `Authorization: Bearer …` on every route but `/healthz`.
    pub token: Option<String>,
    /// `Host` names accepted besides loopback ones.
    pub allowed_hosts: Vec<String>,
    /// Browser origins accepted besides loopback ones (e.g. `https://studio.example`).
    pub allowed_origins: Vec<String>,
}

/// Binds `addr` and serves until `shutdown` fires.
pub async fn serve(
    state: Arc<AppState>,
    addr: SocketAddr,
    access: Access,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {addr}: {e} (is another server using that port?)")
    })?;
    let local = listener.local_addr()?;
    tracing::info!(
        "MCP over Streamable HTTP at http://{local}/mcp, legacy SSE at http://{local}/sse"
    );
    if !local.ip().is_loopback() {
        tracing::warn!("listening on {local}, which is reachable from other machines; set a token");
    }
    let app = router(state, local, access, shutdown.clone());
    axum::serve(without_nagle(listener), app)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await?;
    Ok(())
}

/// Turns Nagle's algorithm off on every accepted socket. A response goes out in several small
/// writes (headers, SSE priming event, message, end of stream); with Nagle on, each one after
/// the first waits for the client's delayed ACK, about 40 ms per call on a keep-alive connection.
fn without_nagle(
    listener: tokio::net::TcpListener,
) -> impl Listener<Io = tokio::net::TcpStream, Addr = SocketAddr> {
    listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::warn!("cannot set TCP_NODELAY on an accepted connection: {e}");
        }
    })
}

/// The full HTTP application; `local` is the address being served (its host is always allowed).
pub fn router(
    state: Arc<AppState>,
    local: SocketAddr,
    mut access: Access,
    shutdown: CancellationToken,
) -> Router {
    if !local.ip().is_unspecified() {
        access.allowed_hosts.push(local.ip().to_string());
    }
    let factory_state = state.clone();
    let streamable = StreamableHttpService::new(
        move || Ok(PixelsServer::new(factory_state.clone(), "streamable_http")),
        LocalSessionManager::default().into(),
        StreamableHttpServerConfig::default()
            .disable_allowed_hosts()
            .with_max_request_body_bytes(MAX_MESSAGE_BYTES)
            .with_cancellation_token(shutdown.child_token()),
    );
    let sessions = SseSessions::default();
    let health_state = state.clone();
    Router::new()
        .route_service("/mcp", streamable)
        .route_layer(middleware::from_fn(mcp_messages))
        .route("/sse", get(sse::connect))
        .route("/message", post(sse::message))
        .with_state((state, sessions.clone()))
        .route(
            "/healthz",
            get(healthz).with_state((health_state, sessions)),
        )
        .route(
            "/metrics",
            get(metrics).with_state(crate::telemetry::prometheus()),
        )
        .layer(middleware::from_fn_with_state(Arc::new(access), guard))
}

/// In front of rmcp's `/mcp`: a body is read within [`MAX_MESSAGE_BYTES`] and decoded as on
/// every transport (malformed, batched or oversized input gets a JSON-RPC error), rmcp's
/// plain-text refusals (`Session ID is required`, …) become JSON-RPC errors carrying the
/// request's id, and ending a session answers `204 No Content`: rmcp's `202` is reported as
/// "Session termination failed" by the official Python SDK, which accepts 200 and 204.
async fn mcp_messages(request: Request, next: Next) -> Response {
    if request.method() == Method::DELETE {
        let mut response = next.run(request).await;
        if response.status() == StatusCode::ACCEPTED {
            *response.status_mut() = StatusCode::NO_CONTENT;
        }
        return response;
    }
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let (parts, request_body) = request.into_parts();
    let bytes = match body::read(&parts.headers, request_body).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    let id = match decode(&String::from_utf8_lossy(&bytes)) {
        Ok(ClientJsonRpcMessage::Request(request)) => {
            serde_json::to_value(&request.id).unwrap_or_default()
        }
        Ok(_) => Value::Null,
        Err(reply) => return body::json_error(StatusCode::BAD_REQUEST, reply),
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    as_json_rpc_error(response, id).await
}

/// An error status with a plain-text body becomes the same status with a JSON-RPC error.
async fn as_json_rpc_error(response: Response, id: Value) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, text) = response.into_parts();
    let text = axum::body::to_bytes(text, 64 * 1024)
        .await
        .unwrap_or_default();
    let code = if status.is_server_error() {
        -32603
    } else {
        -32600
    };
    let message = String::from_utf8_lossy(&text);
    let message = match message.trim() {
        "" => status.canonical_reason().unwrap_or("refused"),
        message => message,
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(error_reply(id, code, message)))
}

/// Liveness plus each backend's state; ComfyUI servers are asked for `/system_stats`.
async fn healthz(
    State((state, sessions)): State<(Arc<AppState>, SseSessions)>,
) -> Json<serde_json::Value> {
    let comfyui = match state.generator.comfy() {
        None => json!({"state": "not configured"}),
        Some(comfy) => {
            let servers: Vec<_> = comfy
                .pool()
                .status()
                .await
                .iter()
                .map(crate::mcp::results::server_json)
                .collect();
            let ready = servers.iter().any(|s| s["state"] == "ready");
            json!({"state": if ready { "ready" } else { "unreachable" }, "servers": servers})
        }
    };
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "default_backend": state.generator.default_backend().name(),
        "backends": {
            "embedded": {"state": "ready"},
            "comfyui": comfyui,
        },
        "sessions": {"legacy_sse": sessions.count()},
    }))
}

async fn metrics(
    State(handle): State<metrics_exporter_prometheus::PrometheusHandle>,
) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
}

/// DNS-rebinding protection (Host, Origin) for every route, then the token for all but `/healthz`.
async fn guard(State(access): State<Arc<Access>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if let Some(host) = header_str(headers, header::HOST)
        && !host_allowed(host, &access.allowed_hosts)
    {
        return refuse(
            StatusCode::FORBIDDEN,
            format!("Host {host:?} is not allowed"),
        );
    }
    if let Some(origin) = header_str(headers, header::ORIGIN)
        && !origin_allowed(origin, &access.allowed_origins)
    {
        return refuse(
            StatusCode::FORBIDDEN,
            format!("Origin {origin:?} is not allowed"),
        );
    }
    if let Some(token) = &access.token
        && request.uri().path() != "/healthz"
        && !bearer_matches(headers, token)
    {
        let mut response = refuse(
            StatusCode::UNAUTHORIZED,
            "missing or wrong bearer token: send Authorization: Bearer <token>".into(),
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            "Bearer".parse().expect("static header"),
        );
        return response;
    }
    next.run(request).await
}

fn refuse(status: StatusCode, message: String) -> Response {
    tracing::warn!("refused HTTP request: {message}");
    (status, message).into_response()
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap_or("<not text>"))
}

fn is_loopback_name(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

/// The host name of a `Host` header (`name`, `name:port`, `[v6]:port`).
fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    authority
        .rsplit_once(':')
        .map_or(authority, |(name, _)| name)
}

fn host_allowed(host: &str, extra: &[String]) -> bool {
    let name = host_name(host).to_ascii_lowercase();
    is_loopback_name(&name)
        || extra
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&name) || h.eq_ignore_ascii_case(host))
}

fn origin_allowed(origin: &str, extra: &[String]) -> bool {
    if extra
        .iter()
        .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && is_loopback_name(&host_name(authority).to_ascii_lowercase())
}

/// Compared in constant time (for tokens of the token's length) so that it cannot be guessed
/// byte by byte from response times.
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    header_str(headers, header::AUTHORIZATION)
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(token.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accepted_sockets_have_nagle_off() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut listener = without_nagle(listener);
        let client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (accepted, _) = listener.accept().await;
        assert!(accepted.nodelay().unwrap());
        drop(client);
    }

    #[test]
    fn loopback_hosts_pass_and_others_need_listing() {
        for host in ["localhost:8765", "127.0.0.1", "[::1]:80", "LOCALHOST"] {
            assert!(host_allowed(host, &[]), "{host}");
        }
        assert!(!host_allowed("evil.example:8765", &[]));
        assert!(host_allowed("pixels.lan:8765", &["pixels.lan".into()]));
    }

    #[test]
    fn only_the_exact_bearer_token_passes() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            headers
        };
        assert!(bearer_matches(&with("Bearer s3cret"), "s3cret"));
        for wrong in [
            "Bearer s3creT",
            "Bearer s3cre",
            "Bearer s3cret2",
            "s3cret",
            "Basic s3cret",
        ] {
            assert!(!bearer_matches(&with(wrong), "s3cret"), "{wrong}");
        }
        assert!(!bearer_matches(&HeaderMap::new(), "s3cret"));
    }

    #[test]
    fn only_loopback_or_listed_origins_pass() {
        assert!(origin_allowed("http://localhost:3000", &[]));
        assert!(origin_allowed("https://127.0.0.1", &[]));
        assert!(!origin_allowed("https://evil.example", &[]));
        assert!(!origin_allowed("null", &[]));
        assert!(!origin_allowed("http://localhost.evil.example", &[]));
        assert!(origin_allowed(
            "https://studio.example",
            &["https://studio.example/".into()]
        ));
    }
}
