//! Says in the log when a deployed sprite first shows, with the wall-clock time and the frame, so
//! a deploy's latency can be measured from outside the game (`swap_latency` in `tests/`).

use std::time::{SystemTime, UNIX_EPOCH};

use bevy::diagnostic::FrameCount;
use bevy::ecs::message::MessageReader;
use bevy::ecs::system::Res;
use bevy::log::info;
use bevy_dgx_pixels::SpriteSwapped;

/// The start of the log line `swap_latency` looks for; the fields after it are `key=value`.
pub const SWAP_LOG: &str = "sprite shown:";

/// Runs in `Last`, after the plugin swapped the images in `PostUpdate`: the frame extracted for
/// drawing next is the first one with the new pixels.
pub(super) fn log_swaps(mut swapped: MessageReader<SpriteSwapped>, frame: Res<FrameCount>) {
    for swap in swapped.read() {
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |since| since.as_secs_f64() * 1000.0);
        info!(
            "{SWAP_LOG} name={} revision={} frame={} unix_ms={unix_ms:.3}",
            swap.name, swap.revision, frame.0
        );
    }
}
