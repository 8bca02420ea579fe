//! Where a call's progress goes: `notifications/progress` to a client that asked for them, or
//! the status message of the call's task, which `tasks/get` shows.

use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::service::RequestContext;
use rmcp::task_manager::TaskContext;
use rmcp::{Peer, RoleServer};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

use crate::generation::progress::Step;

/// The listener of one call's progress.
#[derive(Clone)]
pub enum Progress {
    /// Nobody asked.
    Silent,
    /// The request carried `_meta.progressToken`.
    Notify {
        peer: Peer<RoleServer>,
        token: ProgressToken,
    },
    /// The call runs as a task: steps become its status message.
    Task(TaskContext),
}

impl Progress {
    /// What a plain (non-task) request asked for.
    pub fn of(context: &RequestContext<RoleServer>) -> Self {
        match context.meta.get_progress_token() {
            Some(token) => Self::Notify {
                peer: context.peer.clone(),
                token,
            },
            None => Self::Silent,
        }
    }

    /// Passes every step on until the steps end or the client goes away.
    pub fn forward(self, mut steps: UnboundedReceiver<Step>) -> Option<JoinHandle<()>> {
        match self {
            Self::Silent => None,
            Self::Notify { peer, token } => Some(tokio::spawn(async move {
                while let Some(step) = steps.recv().await {
                    let (done, total) = step.fraction();
                    let notification = ProgressNotificationParam::new(token.clone(), done)
                        .with_total(total)
                        .with_message(step.message());
                    if peer.notify_progress(notification).await.is_err() {
                        return;
                    }
                }
            })),
            Self::Task(task) => Some(tokio::spawn(async move {
                while let Some(step) = steps.recv().await {
                    let (done, total) = step.fraction();
                    task.set_status_message(format!("{done}/{total} steps: {}", step.message()));
                }
            })),
        }
    }
}
