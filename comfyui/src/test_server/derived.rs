//! Node classes the recordings lack, written from ComfyUI 0.3.64's source instead of recorded: what
//! `/object_info/{class}` answers for each, laid out like the recorded classic nodes.

use serde_json::{Map, Value, json};

/// `VAEEncode` from `nodes.py`: `INPUT_TYPES` `{"required": {"pixels": ("IMAGE",), "vae": ("VAE",)}}`,
/// `RETURN_TYPES = ("LATENT",)`, `CATEGORY = "latent"`, display name "VAE Encode", and neither tooltips
/// nor a description, so it has the keys of the recorded `LoadImage` (a classic node without them too).
pub(super) fn object_info() -> Map<String, Value> {
    let vae_encode = json!({
        "input": {"required": {"pixels": ["IMAGE"], "vae": ["VAE"]}},
        "input_order": {"required": ["pixels", "vae"]},
        "output": ["LATENT"],
        "output_is_list": [false],
        "output_name": ["LATENT"],
        "name": "VAEEncode",
        "display_name": "VAE Encode",
        "description": "",
        "python_module": "nodes",
        "category": "latent",
        "output_node": false
    });
    Map::from_iter([("VAEEncode".to_owned(), vae_encode)])
}
