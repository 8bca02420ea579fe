//! `dgx-pixels serve`: the MCP server on stdio (what an MCP client launches) or HTTP.

use std::net::SocketAddr;

use clap::Args;
use dgx_pixels::transport::{self, http::Access};
use dgx_pixels::{AppState, Config, Generator, PixelsServer};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Serve Streamable HTTP at /mcp and legacy SSE at /sse on this address instead of stdio,
    /// e.g. 127.0.0.1:8765.
    #[arg(long, value_name = "ADDR")]
    http: Option<SocketAddr>,
    /// Require `Authorization: Bearer TOKEN` on every HTTP route but /healthz.
    #[arg(long, env = "DGX_PIXELS_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Also accept this Host name (repeatable); loopback names are always accepted.
    #[arg(long, value_name = "HOST")]
    allow_host: Vec<String>,
    /// Also accept requests from this browser Origin (repeatable), e.g. https://studio.example.
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Vec<String>,
}

pub async fn serve(config: Config, args: ServeArgs) -> anyhow::Result<()> {
    let generator = Generator::from_config(&config)?;
    tracing::info!(
        "sprites are stored in {}",
        generator.store().dir().display()
    );
    let token = args.token.or_else(|| config.http.token.clone());
    let access = Access {
        token,
        allowed_hosts: [config.http.allowed_hosts.clone(), args.allow_host].concat(),
        allowed_origins: [config.http.allowed_origins.clone(), args.allow_origin].concat(),
    };
    let state = AppState::new(generator, config);
    match args.http {
        None => transport::stdio::serve(PixelsServer::new(state, "stdio")).await,
        Some(addr) => {
            let shutdown = CancellationToken::new();
            let on_signal = shutdown.clone();
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                tracing::info!("shutting down");
                on_signal.cancel();
            });
            transport::http::serve(state, addr, access, shutdown).await
        }
    }
}
