//! ComfyUI's wire format as recorded from a real 0.3.64 server (see `recordings/`): request and response
//! bodies, and the WebSocket messages a job produces.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::NodeProblem;

/// Body of `POST /prompt`. We choose `prompt_id` ourselves so events can never outrun the response.
#[derive(Debug, Serialize)]
pub(crate) struct PromptRequest<'a> {
    /// Sent with its keys sorted, as the recordings have them: ComfyUI runs independent nodes in
    /// the order it receives them, and serde_json keeps a map's insertion order when a crate in
    /// the same build (Bevy's remote protocol, in this workspace) turns on its `preserve_order`.
    #[serde(serialize_with = "sorted_nodes")]
    pub prompt: &'a Map<String, Value>,
    pub client_id: &'a str,
    pub prompt_id: &'a str,
}

fn sorted_nodes<S: serde::Serializer>(
    prompt: &&Map<String, Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(sorted(prompt))
}

/// A map's entries by key, each value sorted the same way all the way down (node inputs too: they
/// decide which upstream node runs first).
fn sorted(map: &Map<String, Value>) -> BTreeMap<&String, Sorted<'_>> {
    map.iter()
        .map(|(key, value)| (key, Sorted(value)))
        .collect()
}

struct Sorted<'a>(&'a Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => serializer.collect_map(sorted(map)),
            Value::Array(items) => serializer.collect_seq(items.iter().map(Sorted)),
            other => other.serialize(serializer),
        }
    }
}

/// `200` answer to `POST /prompt`; `node_errors` is non-empty when only some outputs were accepted.
#[derive(Debug, Deserialize)]
pub(crate) struct PromptAccepted {
    #[serde(default)]
    pub node_errors: BTreeMap<String, NodeErrors>,
}

/// `400` answer to `POST /prompt`.
#[derive(Debug, Deserialize)]
pub(crate) struct PromptRejected {
    pub error: RejectReason,
    #[serde(default)]
    pub node_errors: BTreeMap<String, NodeErrors>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RejectReason {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    #[serde(default)]
    pub details: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct NodeErrors {
    pub errors: Vec<NodeErrorItem>,
    pub class_type: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct NodeErrorItem {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub extra_info: Map<String, Value>,
}

/// Flattens ComfyUI's `node_errors` into one problem per error, in node order.
pub(crate) fn node_problems(node_errors: BTreeMap<String, NodeErrors>) -> Vec<NodeProblem> {
    node_errors
        .into_iter()
        .flat_map(|(node_id, node)| {
            let class_type = node.class_type;
            node.errors.into_iter().map(move |e| NodeProblem {
                node_id: node_id.clone(),
                class_type: class_type.clone(),
                message: if e.details.is_empty() {
                    e.message
                } else {
                    format!("{}: {}", e.message, e.details)
                },
                input_name: e
                    .extra_info
                    .get("input_name")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                kind: e.kind,
            })
        })
        .collect()
}

/// One image a node produced, as named in `executed` and in history outputs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct ImageRef {
    pub filename: String,
    #[serde(default)]
    pub subfolder: String,
    #[serde(rename = "type", default = "output_type")]
    pub kind: String,
}

fn output_type() -> String {
    "output".to_owned()
}

/// A node's UI output: only images matter to us.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NodeOutput {
    #[serde(default)]
    pub images: Vec<ImageRef>,
}

/// One `GET /history/{id}` entry: present only once the job finished (or failed).
#[derive(Debug, Deserialize)]
pub(crate) struct HistoryEntry {
    #[serde(default)]
    pub outputs: BTreeMap<String, NodeOutput>,
    pub status: HistoryStatus,
}

#[derive(Debug, Deserialize)]
pub(crate) struct HistoryStatus {
    pub status_str: String,
    #[serde(default)]
    pub messages: Vec<(String, Value)>,
}

/// `GET /queue`: each item is `[number, prompt_id, prompt, extra_data, outputs]`.
#[derive(Debug, Deserialize)]
pub(crate) struct QueueState {
    pub queue_running: Vec<QueueItem>,
    pub queue_pending: Vec<QueueItem>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct QueueItem(IgnoredAny, pub String, IgnoredAny, IgnoredAny, IgnoredAny);

/// `GET /system_stats`: versions and devices of one ComfyUI.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SystemStats {
    pub system: SystemInfo,
    #[serde(default)]
    pub devices: Vec<Device>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SystemInfo {
    #[serde(default)]
    pub comfyui_version: String,
    #[serde(default)]
    pub python_version: String,
    #[serde(default)]
    pub pytorch_version: String,
    #[serde(default)]
    pub ram_total: u64,
    #[serde(default)]
    pub ram_free: u64,
}

/// A compute device; a CPU-only server lists `cpu` with VRAM equal to system RAM.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Device {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub vram_total: u64,
    #[serde(default)]
    pub vram_free: u64,
}

/// What one WebSocket text frame means to us.
#[derive(Debug)]
pub(crate) enum Frame {
    /// `status`: queue length changed (broadcast to every socket).
    Status { queue_remaining: Option<u64> },
    /// An event about one job.
    Job { prompt_id: String, event: JobEvent },
    /// Anything else (`progress_state`, `feature_flags`, `executing` without `prompt_id`, ...).
    Other,
}

/// How a job ended without success.
#[derive(Debug)]
pub(crate) enum JobFailure {
    Error {
        node_id: String,
        class_type: String,
        exception_type: String,
        message: String,
    },
    Interrupted {
        node_id: Option<String>,
    },
}

/// Events of one job, in the order ComfyUI sends them.
#[derive(Debug)]
pub(crate) enum JobEvent {
    Started,
    Executing {
        node: String,
    },
    Progress {
        value: u32,
        max: u32,
        node: String,
    },
    Executed {
        images: Vec<ImageRef>,
    },
    Success,
    Failed(JobFailure),
    /// `executing` with `node: null`: the worker is done with this job.
    Done,
    /// Events for this job may have been lost (socket dropped, queue changed): ask `/history`.
    Resync,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    data: &'a RawValue,
}

#[derive(Deserialize)]
struct StatusData {
    status: StatusInner,
}
#[derive(Deserialize)]
struct StatusInner {
    exec_info: ExecInfo,
}
#[derive(Deserialize)]
struct ExecInfo {
    queue_remaining: Option<u64>,
}

#[derive(Deserialize)]
struct WithPrompt {
    prompt_id: Option<String>,
}

#[derive(Deserialize)]
struct ExecutingData {
    node: Option<String>,
    prompt_id: Option<String>,
}

#[derive(Deserialize)]
struct ProgressData {
    value: u32,
    max: u32,
    prompt_id: Option<String>,
    node: Option<String>,
}

#[derive(Deserialize)]
struct ExecutedData {
    prompt_id: Option<String>,
    #[serde(default)]
    output: NodeOutput,
}

#[derive(Deserialize)]
pub(crate) struct ErrorData {
    #[serde(default)]
    prompt_id: Option<String>,
    #[serde(default)]
    node_id: String,
    #[serde(default)]
    node_type: String,
    #[serde(default)]
    exception_type: String,
    #[serde(default)]
    exception_message: String,
}

impl ErrorData {
    fn into_failure(self) -> JobFailure {
        JobFailure::Error {
            node_id: self.node_id,
            class_type: self.node_type,
            exception_type: self.exception_type,
            message: self.exception_message.trim_end().to_owned(),
        }
    }
}

#[derive(Deserialize)]
struct InterruptedData {
    prompt_id: Option<String>,
    node_id: Option<String>,
}

/// Parses one text frame; only the messages a job needs are decoded past their type.
pub(crate) fn parse_frame(text: &str) -> Result<Frame, serde_json::Error> {
    let envelope: Envelope<'_> = serde_json::from_str(text)?;
    let data = envelope.data.get();
    let job = |prompt_id: Option<String>, event: JobEvent| match prompt_id {
        Some(prompt_id) => Frame::Job { prompt_id, event },
        None => Frame::Other,
    };
    Ok(match envelope.kind.as_ref() {
        "status" => {
            let status: StatusData = serde_json::from_str(data)?;
            Frame::Status {
                queue_remaining: status.status.exec_info.queue_remaining,
            }
        }
        "execution_start" => job(
            serde_json::from_str::<WithPrompt>(data)?.prompt_id,
            JobEvent::Started,
        ),
        "executing" => {
            let d: ExecutingData = serde_json::from_str(data)?;
            let event = match d.node {
                Some(node) => JobEvent::Executing { node },
                None => JobEvent::Done,
            };
            job(d.prompt_id, event)
        }
        "progress" => {
            let d: ProgressData = serde_json::from_str(data)?;
            let event = JobEvent::Progress {
                value: d.value,
                max: d.max,
                node: d.node.unwrap_or_default(),
            };
            job(d.prompt_id, event)
        }
        "executed" => {
            let d: ExecutedData = serde_json::from_str(data)?;
            job(
                d.prompt_id,
                JobEvent::Executed {
                    images: d.output.images,
                },
            )
        }
        "execution_success" => job(
            serde_json::from_str::<WithPrompt>(data)?.prompt_id,
            JobEvent::Success,
        ),
        "execution_error" => {
            let d: ErrorData = serde_json::from_str(data)?;
            job(d.prompt_id.clone(), JobEvent::Failed(d.into_failure()))
        }
        "execution_interrupted" => {
            let d: InterruptedData = serde_json::from_str(data)?;
            job(
                d.prompt_id,
                JobEvent::Failed(JobFailure::Interrupted { node_id: d.node_id }),
            )
        }
        _ => Frame::Other,
    })
}

/// How a finished job ended, from its history entry.
pub(crate) fn history_outcome(entry: HistoryEntry) -> Result<Vec<ImageRef>, JobFailure> {
    if entry.status.status_str == "success" {
        return Ok(entry.outputs.into_values().flat_map(|o| o.images).collect());
    }
    for (event, data) in entry.status.messages.into_iter().rev() {
        match event.as_str() {
            "execution_error" => {
                if let Ok(d) = serde_json::from_value::<ErrorData>(data) {
                    return Err(d.into_failure());
                }
            }
            "execution_interrupted" => {
                let node_id = data
                    .get("node_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                return Err(JobFailure::Interrupted { node_id });
            }
            _ => {}
        }
    }
    Err(JobFailure::Interrupted { node_id: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_recorded_frames_of_a_successful_job() {
        let ws = include_str!("../recordings/model_free/ws.jsonl");
        let mut kinds = Vec::new();
        for line in ws.lines() {
            let record: Value = serde_json::from_str(line).unwrap();
            let Some(json) = record.get("json") else {
                continue;
            };
            match parse_frame(&json.to_string()).unwrap() {
                Frame::Status { queue_remaining } => {
                    kinds.push(format!("status {}", queue_remaining.unwrap()))
                }
                Frame::Job { event, .. } => kinds.push(
                    format!("{event:?}")
                        .split([' ', '{'])
                        .next()
                        .unwrap()
                        .to_owned(),
                ),
                Frame::Other => {}
            }
        }
        assert_eq!(
            kinds,
            [
                "status 0",
                "status 1",
                "status 1",
                "Started",
                "Executing",
                "Executing",
                "Executing",
                "Executed",
                "Success",
                "status 0",
                "Done"
            ]
        );
    }

    #[test]
    fn a_failed_history_entry_names_the_node() {
        let history: Value =
            serde_json::from_str(include_str!("../recordings/runtime_error/history.json")).unwrap();
        let body = history["response"]["body"].as_object().unwrap();
        let entry: HistoryEntry =
            serde_json::from_value(body.values().next().unwrap().clone()).unwrap();
        match history_outcome(entry) {
            Err(JobFailure::Error {
                node_id,
                class_type,
                exception_type,
                message,
            }) => {
                assert_eq!((node_id.as_str(), class_type.as_str()), ("3", "ImageBlend"));
                assert_eq!(exception_type, "RuntimeError");
                assert!(message.starts_with("The size of tensor a (2)"), "{message}");
            }
            other => panic!("unexpected outcome {other:?}"),
        }
    }
}
