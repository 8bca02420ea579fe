//! Why a ComfyUI job or query failed, worded so the user knows what to do next.

use std::time::Duration;

use crate::workflow::WorkflowError;

/// One problem ComfyUI found with one node while validating a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeProblem {
    /// The node's id in the submitted prompt.
    pub node_id: String,
    /// The node's class, e.g. `CheckpointLoaderSimple`.
    pub class_type: String,
    /// ComfyUI's error type, e.g. `value_not_in_list`.
    pub kind: String,
    /// ComfyUI's message with its details, e.g. `Value not in list: ckpt_name: 'x' not in [...]`.
    pub message: String,
    /// The input the problem is about, when ComfyUI names one.
    pub input_name: Option<String>,
}

/// Everything that can go wrong talking to ComfyUI.
#[derive(Debug, thiserror::Error)]
pub enum ComfyError {
    #[error("no ComfyUI server is configured: pass --comfyui URL or set DGX_PIXELS_COMFYUI")]
    NoServers,

    #[error(
        "cannot reach ComfyUI at {url}: {reason}. Is ComfyUI running there? Check the URL and port, and \
         start it with `python main.py --listen 0.0.0.0 --port 8188` when it runs on another machine"
    )]
    Unreachable { url: String, reason: String },

    #[error("ComfyUI at {url} rejected the workflow: {message}")]
    Rejected {
        url: String,
        kind: String,
        message: String,
    },

    #[error("ComfyUI at {url} rejected node {node_id} ({class_type}): {message}{more}",
        node_id = .problems[0].node_id, class_type = .problems[0].class_type,
        message = .problems[0].message, more = more_problems(.problems))]
    Validation {
        url: String,
        problems: Vec<NodeProblem>,
    },

    #[error(
        "ComfyUI at {url} could not read the request (HTTP {status}: {body}); the workflow JSON is malformed — \
         re-export it from ComfyUI with \"Save (API)\""
    )]
    Malformed {
        url: String,
        status: u16,
        body: String,
    },

    #[error(
        "ComfyUI at {url} failed in node {node_id} ({class_type}): {exception_type}: {message}"
    )]
    Execution {
        url: String,
        node_id: String,
        class_type: String,
        exception_type: String,
        message: String,
    },

    #[error(
        "ComfyUI at {url} interrupted job {prompt_id}{at}: someone cancelled it in ComfyUI or called /interrupt",
        at = .node.as_ref().map(|n| format!(" in node {n}")).unwrap_or_default()
    )]
    Interrupted {
        url: String,
        prompt_id: String,
        node: Option<String>,
    },

    #[error("the job was cancelled")]
    Cancelled,

    #[error(
        "ComfyUI at {url} no longer knows job {prompt_id} (it restarted or its queue was cleared); run it again"
    )]
    Lost { url: String, prompt_id: String },

    #[error(
        "job {prompt_id} on {url} did not finish within {after:?}; raise the job timeout for slow GPUs"
    )]
    Timeout {
        url: String,
        prompt_id: String,
        after: Duration,
    },

    #[error(
        "job {prompt_id} on {url} finished without images: the workflow needs a SaveImage node"
    )]
    NoImages { url: String, prompt_id: String },

    #[error(
        "ComfyUI at {url} refused the upload of {filename} (HTTP {status}); check that it accepts uploads \
         (its --max-upload-size) and that its input folder is writable"
    )]
    UploadRefused {
        url: String,
        filename: String,
        status: u16,
    },

    #[error(
        "ComfyUI at {url} answered {what} with something this client does not understand: {detail}"
    )]
    Protocol {
        url: String,
        what: String,
        detail: String,
    },

    #[error("cannot decode image {filename} from ComfyUI at {url}: {source}")]
    Image {
        url: String,
        filename: String,
        #[source]
        source: image::ImageError,
    },

    #[error(transparent)]
    Workflow(Box<WorkflowError>),
}

impl From<WorkflowError> for ComfyError {
    fn from(error: WorkflowError) -> Self {
        Self::Workflow(Box::new(error))
    }
}

fn more_problems(problems: &[NodeProblem]) -> String {
    match problems.len() {
        0 | 1 => String::new(),
        n => format!(
            " (and {} more problem{})",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    }
}

impl ComfyError {
    /// True when the server could not be reached at all, so another server may take the job.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Unreachable { .. })
    }

    /// A short stable name for the kind of failure, for metrics labels and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NoServers => "no_servers",
            Self::Unreachable { .. } => "unreachable",
            Self::Rejected { .. } | Self::Validation { .. } => "validation",
            Self::Malformed { .. } => "malformed",
            Self::Execution { .. } => "execution",
            Self::Interrupted { .. } => "interrupted",
            Self::Cancelled => "cancelled",
            Self::Lost { .. } => "lost",
            Self::Timeout { .. } => "timeout",
            Self::NoImages { .. } => "no_images",
            Self::UploadRefused { .. } => "upload",
            Self::Protocol { .. } | Self::Image { .. } => "protocol",
            Self::Workflow(_) => "workflow",
        }
    }
}

/// The innermost cause of an error: "Connection refused (os error 111)" rather than "error sending request".
pub(crate) fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
