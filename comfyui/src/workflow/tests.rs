use serde_json::{Value, json};

use super::*;

fn sprite() -> Workflow {
    Workflow::from_json(
        "sprite",
        include_str!("../../../config/workflows/sprite.json"),
    )
    .unwrap()
}

fn params() -> WorkflowParams {
    WorkflowParams {
        prompt: "a red potion".into(),
        seed: 42,
        ..Default::default()
    }
}

fn input<'a>(prompt: &'a Map<String, Value>, node: &str, name: &str) -> &'a Value {
    &prompt[node]["inputs"][name]
}

/// The recorded SD1.5 graph as a user's "Save (API)" export: other node ids, default titles.
fn user_export() -> Value {
    json!({
        "10": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "random_sd15.safetensors"},
               "_meta": {"title": "Load Checkpoint"}},
        "11": {"class_type": "CLIPTextEncode", "inputs": {"text": "a photo of a cat", "clip": ["10", 1]},
               "_meta": {"title": "CLIP Text Encode (Prompt)"}},
        "12": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry, low quality", "clip": ["10", 1]},
               "_meta": {"title": "CLIP Text Encode (Prompt)"}},
        "13": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
        "14": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 8.0, "sampler_name": "euler",
               "scheduler": "normal", "denoise": 1.0, "model": ["10", 0], "positive": ["12", 0],
               "negative": ["11", 0], "latent_image": ["13", 0]}},
        "15": {"class_type": "VAEDecode", "inputs": {"samples": ["14", 0], "vae": ["10", 2]}},
        "16": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["15", 0]}}
    })
}

#[test]
fn binds_every_parameter_by_title() {
    let params = WorkflowParams {
        prompt: "a knight".into(),
        negative_prompt: Some("photo".into()),
        seed: u64::MAX,
        steps: Some(12),
        cfg: Some(4.5),
        sampler: Some("euler".into()),
        scheduler: Some("normal".into()),
        checkpoint: Some("pixel.safetensors".into()),
        width: Some(768),
        height: Some(512),
        batch: Some(4),
        loras: Vec::new(),
        init_image: None,
    };
    let prompt = sprite().bind(&params).unwrap().to_api_json();
    assert_eq!(input(&prompt, "6", "text"), "a knight");
    assert_eq!(input(&prompt, "7", "text"), "photo");
    assert_eq!(input(&prompt, "3", "seed"), &json!(18446744073709551615u64));
    assert_eq!(input(&prompt, "3", "steps"), 12);
    assert_eq!(input(&prompt, "3", "cfg"), 4.5);
    assert_eq!(input(&prompt, "3", "sampler_name"), "euler");
    assert_eq!(input(&prompt, "3", "scheduler"), "normal");
    assert_eq!(input(&prompt, "4", "ckpt_name"), "pixel.safetensors");
    assert_eq!(
        (input(&prompt, "5", "width"), input(&prompt, "5", "height")),
        (&json!(768), &json!(512))
    );
    assert_eq!(input(&prompt, "5", "batch_size"), 4);
}

#[test]
fn unset_parameters_keep_the_template_values() {
    let workflow = sprite();
    let defaults = workflow.defaults();
    let prompt = workflow.bind(&params()).unwrap().to_api_json();
    assert_eq!(input(&prompt, "3", "steps"), defaults.steps);
    assert_eq!(input(&prompt, "5", "width"), 1024);
    assert_eq!(
        input(&prompt, "4", "ckpt_name"),
        defaults.checkpoint.unwrap().as_str()
    );
    assert_eq!(
        input(&prompt, "7", "text"),
        &workflow.nodes["7"].inputs["text"]
    );
}

#[test]
fn the_tileset_template_wraps_the_prompt() {
    let tileset = Workflow::from_json(
        "tileset",
        include_str!("../../../config/workflows/tileset.json"),
    )
    .unwrap();
    let prompt = tileset.bind(&params()).unwrap().to_api_json();
    let text = input(&prompt, "6", "text").as_str().unwrap();
    assert!(
        text.starts_with("a red potion, seamless tileable texture"),
        "{text}"
    );
}

#[test]
fn loras_are_chained_between_the_checkpoint_and_its_users() {
    let loras = vec![
        Lora {
            name: "pixel-art-xl.safetensors".into(),
            strength: 0.8,
        },
        Lora {
            name: "outline.safetensors".into(),
            strength: -0.5,
        },
    ];
    let prompt = sprite()
        .bind(&WorkflowParams { loras, ..params() })
        .unwrap()
        .to_api_json();
    assert_eq!(prompt["10"]["class_type"], "LoraLoader");
    assert_eq!(input(&prompt, "10", "model"), &json!(["4", 0]));
    assert_eq!(input(&prompt, "10", "clip"), &json!(["4", 1]));
    assert_eq!(
        input(&prompt, "10", "lora_name"),
        "pixel-art-xl.safetensors"
    );
    assert_eq!(input(&prompt, "10", "strength_model"), 0.8);
    assert_eq!(input(&prompt, "11", "model"), &json!(["10", 0]));
    assert_eq!(input(&prompt, "11", "strength_clip"), -0.5);
    // Everything that used the checkpoint's model and CLIP now uses the last LoRA; the VAE stays.
    assert_eq!(input(&prompt, "3", "model"), &json!(["11", 0]));
    assert_eq!(input(&prompt, "6", "clip"), &json!(["11", 1]));
    assert_eq!(input(&prompt, "7", "clip"), &json!(["11", 1]));
    assert_eq!(input(&prompt, "8", "vae"), &json!(["4", 2]));
}

#[test]
fn a_user_export_binds_through_the_sampler_links() {
    let workflow = Workflow::from_value("mine", user_export()).unwrap();
    let params = WorkflowParams {
        negative_prompt: Some("noise".into()),
        width: Some(256),
        ..params()
    };
    let prompt = workflow.bind(&params).unwrap().to_api_json();
    // Node 12 feeds the sampler's positive input, whatever its id or title.
    assert_eq!(input(&prompt, "12", "text"), "a red potion");
    assert_eq!(input(&prompt, "11", "text"), "noise");
    assert_eq!(input(&prompt, "14", "seed"), 42);
    assert_eq!(input(&prompt, "13", "width"), 256);
    assert_eq!(
        workflow.defaults().checkpoint.as_deref(),
        Some("random_sd15.safetensors")
    );
}

#[test]
fn titles_beat_links() {
    let mut export = user_export();
    export["11"]["_meta"]["title"] = "positive".into();
    let workflow = Workflow::from_value("mine", export).unwrap();
    let prompt = workflow.bind(&params()).unwrap().to_api_json();
    assert_eq!(input(&prompt, "11", "text"), "a red potion");
    // The node the sampler calls negative is the titled positive one, so there is no negative to set.
    assert_eq!(input(&prompt, "12", "text"), "blurry, low quality");
}

fn load_error(change: impl FnOnce(&mut Value)) -> String {
    let mut export = user_export();
    change(&mut export);
    Workflow::from_value("mine", export)
        .unwrap_err()
        .to_string()
}

#[test]
fn load_errors_name_the_missing_node_or_input() {
    assert_eq!(
        load_error(|w| w["14"]["class_type"] = "KSamplerAdvanced".into()),
        "workflow \"mine\" has no KSampler node"
    );
    assert_eq!(
        load_error(|w| {
            w["14"]["inputs"].as_object_mut().unwrap().remove("steps");
        }),
        "workflow \"mine\": node 14 (KSampler) has no input \"steps\""
    );
    assert_eq!(
        load_error(|w| w["14"]["inputs"]["positive"] = json!(["13", 0])),
        "workflow \"mine\" has no positive prompt: title a CLIPTextEncode node \"Positive\" or link one to the \
         KSampler's \"positive\" input"
    );
    assert_eq!(
        load_error(|w| w["16"]["inputs"]["images"] = json!(["99", 0])),
        "workflow \"mine\": input \"images\" of node 16 (SaveImage) links to node 99, which the workflow does not have"
    );
    assert_eq!(
        load_error(|w| w["11"]["inputs"]["text"] = json!(["13", 0])),
        "workflow \"mine\": input \"text\" of node 11 (CLIPTextEncode) is a link; make it a plain value so it can be set"
    );
    assert_eq!(
        load_error(|w| w["17"] = w["14"].clone()),
        "workflow \"mine\" has 2 KSampler nodes (14, 17); set the title of the one to use to \"Sampler\""
    );
    assert_eq!(
        load_error(|w| {
            w.as_object_mut().unwrap().remove("16");
        }),
        "workflow \"mine\" has no SaveImage node, so it would produce no images"
    );
    assert_eq!(
        load_error(|w| w["13"] = json!(5)),
        "workflow \"mine\": node 13 is not an object"
    );
    assert_eq!(
        load_error(|w| {
            w["13"].as_object_mut().unwrap().remove("class_type");
        }),
        "workflow \"mine\": node 13 has no class_type"
    );
}

#[test]
fn a_ui_format_workflow_is_named_as_such() {
    let error =
        Workflow::from_json("ui", r#"{"nodes": [], "links": [], "version": 0.4}"#).unwrap_err();
    assert!(matches!(error, WorkflowError::UiFormat { .. }));
    assert!(error.to_string().contains("Save (API)"), "{error}");
}

#[test]
fn parameters_the_workflow_cannot_take_are_errors() {
    let mut export = user_export();
    export["14"]["inputs"]["negative"] = json!(["13", 0]);
    export.as_object_mut().unwrap().remove("11");
    let workflow = Workflow::from_value("mine", export).unwrap();
    let error = workflow
        .bind(&WorkflowParams {
            negative_prompt: Some("x".into()),
            ..params()
        })
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "workflow \"mine\" has no negative prompt node: title a CLIPTextEncode node \"Negative\""
    );
}

fn animation() -> Workflow {
    Workflow::from_json(
        "animation",
        include_str!("../../../config/workflows/animation.json"),
    )
    .unwrap()
}

fn init_image(name: &str) -> Option<InitImage> {
    Some(InitImage {
        name: name.into(),
        denoise: 0.35,
    })
}

#[test]
fn the_animation_template_starts_from_its_init_image_and_binds_like_the_sprite_one() {
    let workflow = animation();
    assert!(workflow.takes_init_image());
    assert!(!sprite().takes_init_image());
    let params = WorkflowParams {
        checkpoint: Some("pixel.safetensors".into()),
        negative_prompt: Some("photo".into()),
        width: Some(768),
        init_image: init_image("dgx-pixels/init-1.png"),
        ..params()
    };
    let prompt = workflow.bind(&params).unwrap().to_api_json();
    assert_eq!(input(&prompt, "10", "image"), "dgx-pixels/init-1.png");
    assert_eq!(input(&prompt, "3", "denoise"), 0.35);
    assert_eq!(input(&prompt, "3", "seed"), 42);
    assert_eq!(input(&prompt, "6", "text"), "a red potion");
    assert_eq!(input(&prompt, "7", "text"), "photo");
    assert_eq!(input(&prompt, "4", "ckpt_name"), "pixel.safetensors");
    // The init image sets the size: there is no latent to resize.
    assert!(
        !prompt
            .values()
            .any(|node| node["inputs"].get("width").is_some())
    );
    assert_eq!(workflow.defaults().width, None);
    assert_eq!(sprite().defaults().width, Some(1024));
}

#[test]
fn a_user_img2img_export_is_found_through_its_encoder() {
    let mut export = user_export();
    let nodes = export.as_object_mut().unwrap();
    nodes.insert(
        "13".into(),
        json!({"class_type": "LoadImage", "inputs": {"image": "cat.png"}}),
    );
    nodes.insert(
        "17".into(),
        json!({"class_type": "VAEEncode", "inputs": {"pixels": ["13", 0], "vae": ["10", 2]}}),
    );
    export["14"]["inputs"]["latent_image"] = json!(["17", 0]);
    export["14"]["inputs"]["denoise"] = json!(0.6);
    let workflow = Workflow::from_value("mine", export).unwrap();
    assert!(workflow.takes_init_image());
    let prompt = workflow
        .bind(&WorkflowParams {
            init_image: init_image("frame.png"),
            ..params()
        })
        .unwrap()
        .to_api_json();
    assert_eq!(input(&prompt, "13", "image"), "frame.png");
    assert_eq!(input(&prompt, "14", "denoise"), 0.35);
}

#[test]
fn an_init_image_goes_only_to_a_workflow_that_takes_one() {
    let error = sprite()
        .bind(&WorkflowParams {
            init_image: init_image("x.png"),
            ..params()
        })
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("workflow \"sprite\" has no init image input"),
        "{error}"
    );
    let error = animation().bind(&params()).unwrap_err();
    assert_eq!(
        error,
        WorkflowError::NeedsInitImage {
            name: "animation".into(),
            node_id: "10".into()
        }
    );
}

/// The object_info of the recorded server, with the checkpoint and LoRA lists it had once files were added.
fn recorded_object_info() -> ObjectInfo {
    let mut info = ObjectInfo::default();
    for recording in [
        include_str!("../../recordings/object_info/CheckpointLoaderSimple_with_ckpt.json"),
        include_str!("../../recordings/object_info/LoraLoader_with_lora.json"),
        include_str!("../../recordings/object_info/KSampler.json"),
        include_str!("../../recordings/object_info/CLIPTextEncode.json"),
        include_str!("../../recordings/object_info/EmptyLatentImage.json"),
        include_str!("../../recordings/object_info/VAEDecode.json"),
        include_str!("../../recordings/object_info/SaveImage.json"),
        include_str!("../../recordings/object_info/ImageBlend.json"),
    ] {
        let exchange: Value = serde_json::from_str(recording).unwrap();
        info.extend(ObjectInfo::from_json(exchange["response"]["body"].clone()));
    }
    info
}

#[test]
fn models_come_from_both_combo_formats() {
    let info = recorded_object_info();
    let models = info.models();
    assert_eq!(
        models.checkpoints,
        ["random_sd15.safetensors", "random_sdxl.safetensors"]
    );
    assert_eq!(models.loras, ["random_sd15_lora.safetensors"]);
    assert!(models.samplers.contains(&"dpmpp_2m".to_owned()));
    assert!(models.schedulers.contains(&"karras".to_owned()));
    // ImageBlend uses the newer ["COMBO", {"options": [...]}] form.
    assert_eq!(
        info.combo_options("ImageBlend", "blend_mode").unwrap()[0],
        "normal"
    );
}

#[test]
fn doctor_names_unknown_classes_missing_inputs_and_missing_models() {
    let info = recorded_object_info();
    let bound = Workflow::from_value("mine", user_export()).unwrap();
    assert_eq!(info.check(&bound), []);

    let sprite = sprite().bind(&WorkflowParams {
        loras: vec![Lora {
            name: "x.safetensors".into(),
            strength: 1.0,
        }],
        ..params()
    });
    let problems: Vec<String> = info
        .check(&sprite.unwrap())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "workflow \"sprite\": input \"lora_name\" of node 10 is \"x.safetensors\", which this ComfyUI does not \
             offer (it has: random_sd15_lora.safetensors)",
            "workflow \"sprite\": input \"ckpt_name\" of node 4 is \"sd_xl_base_1.0.safetensors\", which this \
             ComfyUI does not offer (it has: random_sd15.safetensors, random_sdxl.safetensors)",
        ]
    );

    let mut export = user_export();
    export["15"]["class_type"] = "VAEDecodeTiled".into();
    export["14"]["inputs"]
        .as_object_mut()
        .unwrap()
        .remove("denoise");
    let workflow = Workflow::from_value("mine", export).unwrap();
    let problems: Vec<String> = info
        .check(&workflow)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "workflow \"mine\": node 14 (KSampler) has no input \"denoise\"",
            "workflow \"mine\": node 15 uses class \"VAEDecodeTiled\", which this ComfyUI does not have; install the \
             custom node that provides it",
        ]
    );
}
