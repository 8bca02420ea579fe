//! The MCP handler: one instance per session, all sharing one [`AppState`].

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    InitializeResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig,
};
use rmcp::service::{NotificationContext, RequestContext};
use rmcp::{ErrorData as McpError, Peer, RoleServer, ServerHandler};

use crate::config::Config;
use crate::generation::Generator;
use crate::store::StoredSprite;
use crate::telemetry::SessionGauge;
use crate::tools;

/// State shared by every session and transport: created once per process.
#[derive(Debug)]
pub struct AppState {
    pub generator: Generator,
    pub config: Config,
    /// Connected clients, told when the sprite list changes.
    peers: Mutex<Vec<Peer<RoleServer>>>,
    /// Wakes the announcer; many changes in a burst become one notification per session.
    sprites_changed: Arc<tokio::sync::Notify>,
}

/// The shortest gap between two `list_changed` notifications to one session.
const ANNOUNCE_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

impl AppState {
    /// Shared state; must be created inside a Tokio runtime (it starts the announcer task).
    pub fn new(generator: Generator, config: Config) -> Arc<Self> {
        let state = Arc::new(Self {
            generator,
            config,
            peers: Mutex::new(Vec::new()),
            sprites_changed: Arc::new(tokio::sync::Notify::new()),
        });
        let weak = Arc::downgrade(&state);
        let changed = state.sprites_changed.clone();
        tokio::spawn(async move {
            loop {
                changed.notified().await;
                let Some(state) = weak.upgrade() else { return };
                state.send_list_changed().await;
                drop(state);
                tokio::time::sleep(ANNOUNCE_EVERY).await;
            }
        });
        state
    }

    /// Tells every session, soon, that `resources/list` changed. Bursts (a batch, many clients
    /// generating at once) coalesce, so the cost does not grow with sessions × sprites.
    pub fn announce_new_sprites(&self) {
        self.sprites_changed.notify_one();
    }

    /// Sends `notifications/resources/list_changed` to every live session, forgetting closed ones.
    async fn send_list_changed(&self) {
        let peers: Vec<_> = self.peers.lock().expect("peer list lock").clone();
        let mut any_closed = false;
        for peer in &peers {
            any_closed |=
                peer.is_transport_closed() || peer.notify_resource_list_changed().await.is_err();
        }
        if any_closed {
            let mut live = self.peers.lock().expect("peer list lock");
            live.retain(|peer| !peer.is_transport_closed());
        }
    }

    fn register(&self, peer: Peer<RoleServer>) {
        let mut peers = self.peers.lock().expect("peer list lock");
        peers.retain(|p| !p.is_transport_closed());
        peers.push(peer);
    }
}

/// The DGX-Pixels MCP server. Cheap to clone: the streamable HTTP transport makes one per session.
#[derive(Debug, Clone)]
pub struct PixelsServer {
    state: Arc<AppState>,
    _session: Arc<SessionGauge>,
}

impl PixelsServer {
    /// A handler for one session on `transport` (`stdio`, `streamable_http`, `legacy_sse`).
    pub fn new(state: Arc<AppState>, transport: &'static str) -> Self {
        Self {
            state,
            _session: Arc::new(SessionGauge::open(transport)),
        }
    }
}

const INSTRUCTIONS: &str = "DGX-Pixels makes pixel-art game sprites. Call generate_sprite with a prompt \
(e.g. \"green slime monster\", size 32) to get a PNG with a transparent background; generate_batch makes \
a consistent set. Every sprite is also a resource sprite://<id>.";

impl ServerHandler for PixelsServer {
    fn get_info(&self) -> ServerConfig {
        InitializeResult::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_resources_list_changed()
                .build(),
        )
        .with_server_info(Implementation::new("dgx-pixels", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(tools::definitions()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let result = tools::call(
            &self.state,
            &request.name,
            request.arguments.as_ref(),
            context,
        )
        .await?;
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let store = self.state.generator.store().clone();
        let sprites = tokio::task::spawn_blocking(move || store.list())
            .await
            .map_err(|e| McpError::internal_error(format!("listing sprites failed: {e}"), None))?;
        Ok(ListResourcesResult::with_all_items(
            sprites.iter().map(sprite_resource).collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let Some(id) = request.uri.strip_prefix(SPRITE_SCHEME) else {
            return Err(McpError::resource_not_found(
                format!(
                    "unknown resource {:?}: sprites are sprite://<id>",
                    request.uri
                ),
                None,
            ));
        };
        let png = self
            .state
            .generator
            .store()
            .read_png(id)
            .map_err(|e| McpError::resource_not_found(e.to_string(), None))?;
        let blob = base64::engine::general_purpose::STANDARD.encode(png);
        Ok(ReadResourceResult::new(vec![
            ResourceContents::blob(blob, request.uri).with_mime_type("image/png"),
        ])
        .into())
    }

    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        self.state.register(context.peer);
    }
}

/// URI scheme of stored sprites.
pub const SPRITE_SCHEME: &str = "sprite://";

/// A stored sprite as an MCP resource.
pub fn sprite_resource(sprite: &StoredSprite) -> Resource {
    let record = &sprite.record;
    Resource::new(format!("{SPRITE_SCHEME}{}", record.id), record.id.clone())
        .with_title(record.prompt.clone())
        .with_description(format!(
            "{}×{} sprite, seed {}, {} backend: {}",
            record.width, record.height, record.seed, record.backend, record.prompt
        ))
        .with_mime_type("image/png")
}

/// A tool error the agent reads: `isError: true` with the message as text.
pub fn tool_error(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}
