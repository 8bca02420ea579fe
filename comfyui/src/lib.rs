//! A ComfyUI client for DGX-Pixels: API-format workflow templates bound by node class and title, jobs followed
//! through ComfyUI's WebSocket events (no sleeping, no polling), progress and cancellation, model discovery,
//! and a pool that spreads jobs over several servers.
//!
//! ```no_run
//! # async fn demo() -> Result<(), dgx_pixels_comfyui::ComfyError> {
//! use dgx_pixels_comfyui::{JobSpec, Pool, WorkflowParams, Workflows};
//! let pool = Pool::new(vec!["http://127.0.0.1:8188".into()]);
//! let workflow = Workflows::builtin().get("sprite")?.clone();
//! let params = WorkflowParams { prompt: "a knight, pixel art".into(), seed: 7, ..Default::default() };
//! let output = pool.run(JobSpec::new(workflow, params), |p| println!("{p:?}"), Default::default()).await?;
//! println!("{} images from {}", output.images.len(), output.server);
//! # Ok(()) }
//! ```
//!
//! With the `test-server` feature, [`test_server::TestServer`] stands in for a GPU ComfyUI in tests.

mod api;
mod error;
mod job;
mod link;
mod options;
mod pool;
mod server;
mod socket;
mod upload;
pub mod workflow;
mod workflows;

#[cfg(feature = "test-server")]
pub mod test_server;

pub use api::{Device, SystemInfo, SystemStats};
pub use error::{ComfyError, NodeProblem};
pub use job::{InitUpload, JobOutput, JobProgress, JobSpec, JobTimings};
pub use options::ClientOptions;
pub use pool::{Pool, ServerStatus};
pub use server::Server;
pub use tokio_util::sync::CancellationToken;
pub use upload::{Upload, Uploaded};
pub use workflow::{
    InitImage, Lora, Models, ObjectInfo, Workflow, WorkflowDefaults, WorkflowError, WorkflowParams,
};
pub use workflows::Workflows;
