//! The real `dgx-pixels` binary driven over MCP and its CLI, one module per topic. One test crate
//! (not one per file) so the suite links a single binary.

mod support;

mod animation;
mod batches;
mod comfy_animation;
mod comfyui;
mod compare;
mod deploy;
mod generation;
mod metrics;
mod pixelize;
mod protocol;
mod raw;
mod resources;
mod screenshot;
mod security;
mod studio;
mod styles;
mod tasks;
mod tilesets;
mod transports;
mod watch;
