//! DGX-Pixels: an MCP server that generates pixel-art sprites and delivers them into Bevy games.
//!
//! A sprite's path, in the order data flows (see `docs/architecture.md`):
//! a [`transport`] carries a `tools/call` to the MCP handler ([`PixelsServer`]), which finds the
//! tool and parses its [`args`] into validated [`spec`] values; [`generation`] renders them on a
//! backend, runs the pixel pipeline and writes the result to the [`store`]; [`deploy`] puts stored
//! sprites into a game's `assets/` and manifest, where the Bevy plugin swaps them in. [`watch`]
//! feeds the same path from a folder. All sessions share one [`AppState`].
//!
//! The `dgx-pixels` binary (`src/bin/dgx-pixels`) is the command line over this library.

pub mod args;
pub mod config;
pub mod deploy;
pub mod generation;
pub mod plan;
pub mod spec;
pub mod store;
pub mod style;
pub mod transport;
pub mod watch;

mod error;
mod mcp;
mod state;
mod telemetry;
mod timestamp;

pub use config::Config;
pub use error::ToolError;
pub use generation::Generator;
pub use mcp::PixelsServer;
pub use state::AppState;
