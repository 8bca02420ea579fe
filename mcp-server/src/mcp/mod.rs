//! The MCP side of the server: the handler each session gets, the [`tools`] it offers and the
//! [`results`] it answers with.

mod preview;
mod progress;
pub mod results;
mod tasks;
pub mod tools;

use std::sync::Arc;

use base64::Engine as _;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, GetTaskParams, GetTaskResult,
    Implementation, InitializeRequestParams, InitializeResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, ResourceContents, ServerCapabilities, ServerConfig, SubscriptionFilter,
    TASKS_EXTENSION_ID, UpdateTaskParams,
};
use rmcp::service::{NotificationContext, RequestContext, SubscriptionContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};

use crate::state::AppState;
use crate::style::StyleBook;
use crate::telemetry::SessionGauge;
use results::{SPRITE_SCHEME, STYLE_SCHEME, sprite_resource, style_resource};

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
                .enable_tasks()
                .build(),
        )
        .with_server_info(Implementation::new("dgx-pixels", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    /// Offers the tasks extension only where [`tasks::wanted`] can use it: not on 2025-11-25.
    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, McpError> {
        context.peer.set_peer_info(request.clone());
        let mut result = self.negotiate_initialize(&request)?;
        if result.protocol_version.has_initialize()
            && let Some(extensions) = &mut result.capabilities.extensions
        {
            extensions.remove(TASKS_EXTENSION_ID);
            if extensions.is_empty() {
                result.capabilities.extensions = None;
            }
        }
        Ok(result)
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
        let tool = tools::find(&request.name)?;
        let arguments = request.arguments;
        if tasks::wanted(tool, &self.state, arguments.as_ref(), &context) {
            let handle = tasks::start(tool, self.state.clone(), arguments);
            return Ok(CallToolResponse::Task(handle));
        }
        let call = tools::Call {
            state: self.state.clone(),
            arguments,
            cancel: context.ct.clone(),
            progress: progress::Progress::of(&context),
        };
        Ok(tool.run(call).await.into())
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, McpError> {
        self.state
            .tasks
            .get_task(&request.task_id)
            .map(GetTaskResult::new)
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.state.tasks.cancel_task(&request.task_id)
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        // No tool asks for input mid-task; the manager ignores keys it does not await.
        self.state
            .tasks
            .update_task(&request.task_id, request.input_responses)
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
        // The built-in and configured styles cannot change while the server runs: built once.
        let styles = self.state.style_resources.get_or_init(|| {
            StyleBook::load(&self.state.config, None)
                .map(|book| book.styles().iter().map(style_resource).collect())
                .unwrap_or_else(|e| {
                    tracing::warn!("styles not listed: {e}");
                    Vec::new()
                })
        });
        Ok(ListResourcesResult::with_all_items(
            sprites
                .iter()
                .map(sprite_resource)
                .chain(styles.iter().cloned())
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        if let Some(name) = request.uri.strip_prefix(STYLE_SCHEME) {
            let book = StyleBook::load(&self.state.config, None)
                .map_err(|e| McpError::internal_error(e.to_string(), None))?;
            let style = book
                .get(name)
                .map_err(|e| McpError::resource_not_found(e.message, None))?;
            let text = serde_json::to_string_pretty(&tools::style_json(style))
                .expect("a style always serializes");
            return Ok(ReadResourceResult::new(vec![
                ResourceContents::text(text, request.uri).with_mime_type("application/json"),
            ])
            .into());
        }
        let Some(id) = request.uri.strip_prefix(SPRITE_SCHEME) else {
            return Err(McpError::resource_not_found(
                format!(
                    "unknown resource {:?}: sprites are sprite://<id>, styles style://<name>",
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

    /// 2026-07-28 has no sessions to tell: a client that wants resource list changes opens a
    /// `subscriptions/listen` stream, and only that category is offered.
    fn accepted_subscription_filter(
        &self,
        _requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        Some(
            SubscriptionFilter::builder()
                .resources_list_changed()
                .build(),
        )
    }

    async fn listen(&self, subscription: SubscriptionContext) -> Result<(), McpError> {
        let key = self.state.listen(subscription.sink().clone());
        subscription.cancelled().await;
        self.state.unlisten(key);
        Ok(())
    }
}
