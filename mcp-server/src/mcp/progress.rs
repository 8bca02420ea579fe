//! Progress notifications: generation steps forwarded to the client that asked for them.

use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::{Peer, RoleServer};

use crate::generation::progress::Step;

/// Sends each step as `notifications/progress` until the steps end or the client goes away.
pub(super) async fn forward_progress(
    peer: Peer<RoleServer>,
    token: ProgressToken,
    mut steps: tokio::sync::mpsc::UnboundedReceiver<Step>,
) {
    while let Some(step) = steps.recv().await {
        let (done, total) = step.fraction();
        let notification = ProgressNotificationParam::new(token.clone(), done)
            .with_total(total)
            .with_message(step.message());
        if peer.notify_progress(notification).await.is_err() {
            return;
        }
    }
}
