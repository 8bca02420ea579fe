//! DGX-Pixels: an MCP server that generates pixel-art sprites and delivers them into Bevy games.
//!
//! Data flows one way: a tool call is validated ([`params`]), rendered by a [`backend`], made into
//! true pixel art by the pixel pipeline, written to the [`store`], and answered by [`tools`].

pub mod backend;
pub mod cli;
pub mod config;
pub mod delivery;
pub mod deploy;
pub mod generation;
pub mod params;
pub mod pixelize;
pub mod preview;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod tools;
pub mod transport;
pub mod watch;
