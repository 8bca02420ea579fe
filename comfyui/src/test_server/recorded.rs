//! Everything the stand-in says that it did not compute: bodies, images and error payloads taken verbatim
//! from the recordings of a real ComfyUI 0.3.64 in `recordings/`.

use serde_json::{Map, Value};

macro_rules! recording {
    ($path:literal) => {
        include_str!(concat!("../../recordings/", $path))
    };
}

/// Node classes whose `/object_info/{class}` was recorded: the only ones the stand-in knows.
const OBJECT_INFO: [&str; 14] = [
    recording!("object_info/CLIPTextEncode.json"),
    recording!("object_info/CheckpointLoaderSimple.json"),
    recording!("object_info/EmptyImage.json"),
    recording!("object_info/EmptyLatentImage.json"),
    recording!("object_info/ImageBlend.json"),
    recording!("object_info/ImageInvert.json"),
    recording!("object_info/ImageScale.json"),
    recording!("object_info/ImageScaleBy.json"),
    recording!("object_info/KSampler.json"),
    recording!("object_info/LoadImage.json"),
    recording!("object_info/LoraLoader.json"),
    recording!("object_info/PreviewImage.json"),
    recording!("object_info/SaveImage.json"),
    recording!("object_info/VAEDecode.json"),
];

/// What `/view` returns for a SaveImage of an SD1.5 graph (64x64, random weights).
pub(super) const PNG_SD15: &[u8] =
    include_bytes!("../../recordings/sd15_b1_warm/view_rec_sd15_00009_.png");
/// The same for an SDXL checkpoint.
pub(super) const PNG_SDXL: &[u8] =
    include_bytes!("../../recordings/sdxl_b1_warm/view_rec_sdxl_00004_.png");
/// The same for a graph without a model (EmptyImage → ImageScale → SaveImage).
pub(super) const PNG_MODEL_FREE: &[u8] =
    include_bytes!("../../recordings/model_free/view_3_rec_modelfree_00001_.png");
/// A KSampler preview frame (`--preview-method latent2rgb`): `[type 4][metadata length][metadata][JPEG]`.
const PREVIEW_FRAME: &[u8] =
    include_bytes!("../../recordings/sd15_preview_latent2rgb_metadata/first_binary_frame.bin");

/// The 500 body aiohttp sends when the handler raised (malformed JSON, `prompt` not an object, ...).
pub(super) const SERVER_ERROR_BODY: &str =
    "500 Internal Server Error\n\nServer got itself in trouble";

pub(super) const MAX_UPLOAD_SIZE: u64 = 104_857_600;

fn body(recording: &str) -> Value {
    let exchange: Value = serde_json::from_str(recording).expect("recordings are JSON");
    exchange["response"]["body"].clone()
}

/// The recorded class definitions, keyed by class.
pub(super) fn object_info() -> Map<String, Value> {
    OBJECT_INFO
        .iter()
        .filter_map(|recording| body(recording).as_object().cloned())
        .flatten()
        .collect()
}

pub(super) fn system_stats() -> Value {
    body(recording!("info/system_stats.json"))
}

/// The `execution_error` the real server sent for a failing node (`runtime_error/ws.jsonl`).
pub(super) fn execution_error() -> Map<String, Value> {
    recording!("runtime_error/ws.jsonl")
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|frame| frame["json"]["type"] == "execution_error")
        .and_then(|frame| frame["json"]["data"].as_object().cloned())
        .expect("the runtime_error recording has an execution_error")
}

/// The traceback of a validation exception of `kind` (`KeyError` or `IndexError`), from `errors/`.
pub(super) fn validation_traceback(kind: &str) -> Value {
    let recording = match kind {
        "KeyError" => recording!("errors/link_to_missing_node.json"),
        _ => recording!("errors/link_bad_output_index.json"),
    };
    let body = body(recording);
    let node = body["node_errors"]
        .as_object()
        .and_then(|n| n.values().next())
        .cloned()
        .unwrap_or_default();
    node["errors"][0]["extra_info"]["traceback"].clone()
}

/// The JPEG inside the recorded preview frame.
pub(super) fn preview_jpeg() -> &'static [u8] {
    let metadata_len =
        u32::from_be_bytes(PREVIEW_FRAME[4..8].try_into().expect("4 bytes")) as usize;
    &PREVIEW_FRAME[8 + metadata_len..]
}
