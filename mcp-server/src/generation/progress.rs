//! Progress of a request: each sprite's stages, numbered into steps a client can show as one bar.

use std::sync::{Arc, Mutex};

/// Where a generation stands, reported as it advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Started,
    /// A sampler step on ComfyUI.
    Sampling {
        value: u32,
        max: u32,
    },
    Generated,
    Pixelized,
    Stored,
}

impl Stage {
    /// Stages every sprite goes through, whatever the backend (sampling steps come on top).
    pub const COUNT: usize = 4;

    pub fn describe(self) -> String {
        match self {
            Self::Started => "started".into(),
            Self::Sampling { value, max } => format!("sampling step {value}/{max}"),
            Self::Generated => "generated".into(),
            Self::Pixelized => "post-processed".into(),
            Self::Stored => "stored".into(),
        }
    }
}

/// One progress step: `item` of `items` reached `stage`, the `done`-th step of the request.
#[derive(Debug, Clone)]
pub struct Step {
    pub item: usize,
    pub items: usize,
    pub stage: Stage,
    pub prompt: String,
    pub done: usize,
    pub total: usize,
}

impl Step {
    /// Overall progress as (done, total) steps, monotonic over a whole batch.
    pub fn fraction(&self) -> (f64, f64) {
        (self.done as f64, self.total.max(self.done) as f64)
    }

    pub fn message(&self) -> String {
        if self.items == 1 {
            format!("{}: {}", self.stage.describe(), self.prompt)
        } else {
            format!(
                "sprite {}/{} {}: {}",
                self.item + 1,
                self.items,
                self.stage.describe(),
                self.prompt
            )
        }
    }
}

/// Turns stage changes into numbered [`Step`]s; shared by the render and finish phases.
pub(crate) struct Reporter {
    pub(crate) progress: Box<dyn FnMut(Step) + Send>,
    pub(crate) prompts: Vec<String>,
    pub(crate) done: usize,
    pub(crate) total: usize,
}

pub(crate) type SharedReporter = Arc<Mutex<Reporter>>;

pub(crate) fn report(reporter: &SharedReporter, item: usize, stage: Stage) {
    let mut reporter = reporter.lock().expect("progress lock");
    reporter.done += 1;
    tracing::debug!(item, stage = %stage.describe(), "sprite progress");
    let step = Step {
        item,
        items: reporter.prompts.len(),
        stage,
        prompt: reporter.prompts[item].clone(),
        done: reporter.done,
        total: reporter.total,
    };
    (reporter.progress)(step);
}
