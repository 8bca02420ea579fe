//! State shared by every session and transport: created once per process.

use std::sync::{Arc, Mutex};

use rmcp::task_manager::TaskManager;
use rmcp::{Peer, RoleServer};

use crate::config::Config;
use crate::generation::Generator;

/// State shared by every session and transport: created once per process.
pub struct AppState {
    pub generator: Generator,
    pub config: Config,
    /// Calls running as MCP tasks, reachable from any session by id.
    pub tasks: TaskManager,
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
            tasks: TaskManager::new(),
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

    pub(crate) fn register(&self, peer: Peer<RoleServer>) {
        let mut peers = self.peers.lock().expect("peer list lock");
        peers.retain(|p| !p.is_transport_closed());
        peers.push(peer);
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("generator", &self.generator)
            .field("config", &self.config)
            .field("running_tasks", &self.tasks.running_task_count())
            .finish_non_exhaustive()
    }
}
