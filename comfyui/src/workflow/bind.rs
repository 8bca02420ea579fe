//! Setting a job's parameters into a workflow: the roles found at load time say which node gets what.

use serde_json::{Map, Value, json};

use super::{LORA_LOADER, Node, Workflow, WorkflowError, as_link};

/// A LoRA applied on top of the checkpoint, to both the model and the text encoder.
#[derive(Debug, Clone, PartialEq)]
pub struct Lora {
    /// File name as ComfyUI lists it, e.g. `pixel-art-xl.safetensors`.
    pub name: String,
    /// How strongly it applies; 1.0 is the LoRA's own strength, negative values invert it.
    pub strength: f64,
}

/// The image an img2img workflow starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct InitImage {
    /// Its name in ComfyUI's input folder as `/upload/image` answered it (`sub/name.png` in a subfolder).
    pub name: String,
    /// How much of it the sampler redraws, 0–1: low values keep its shapes and colours, 1 ignores it.
    pub denoise: f64,
}

/// What one job asks of a workflow. `None` keeps the template's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowParams {
    pub prompt: String,
    /// Replaces the negative prompt; `None` keeps the template's.
    pub negative_prompt: Option<String>,
    /// Any u64: ComfyUI's KSampler accepts the full range.
    pub seed: u64,
    pub steps: Option<u32>,
    pub cfg: Option<f64>,
    pub sampler: Option<String>,
    pub scheduler: Option<String>,
    /// Checkpoint file name as ComfyUI lists it.
    pub checkpoint: Option<String>,
    /// Applied in order, as a chain of `LoraLoader` nodes after the checkpoint.
    pub loras: Vec<Lora>,
    /// Render size in pixels (the latent is 1/8 of it); SDXL wants 1024.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Images per job, all from one sampler run.
    pub batch: Option<u32>,
    /// What an img2img workflow starts from; required by one, refused by any other.
    pub init_image: Option<InitImage>,
}

impl Workflow {
    /// A copy of this workflow with `params` set in; the result is what gets submitted.
    pub fn bind(&self, params: &WorkflowParams) -> Result<Workflow, WorkflowError> {
        let mut bound = self.clone();
        let roles = &self.roles;
        let set = |bound: &mut Workflow, node: &str, input: &str, value: Value| {
            bound
                .nodes
                .get_mut(node)
                .expect("roles name existing nodes")
                .inputs
                .insert(input.to_owned(), value);
        };

        let positive = fill(self.text(&roles.positive), "{prompt}", &params.prompt);
        set(&mut bound, &roles.positive, "text", positive.into());
        if let Some(node) = &roles.negative {
            let template = self.text(node);
            let text = match &params.negative_prompt {
                Some(negative) => fill(template, "{negative_prompt}", negative),
                None => template
                    .replace("{negative_prompt}", "")
                    .trim_matches([',', ' '])
                    .to_owned(),
            };
            set(&mut bound, node, "text", text.into());
        } else if params
            .negative_prompt
            .as_deref()
            .is_some_and(|n| !n.is_empty())
        {
            return Err(
                self.needs("negative prompt node: title a CLIPTextEncode node \"Negative\"")
            );
        }

        set(&mut bound, &roles.sampler, "seed", params.seed.into());
        let sampler_inputs = [
            ("steps", params.steps.map(Value::from)),
            ("cfg", params.cfg.map(Value::from)),
            ("sampler_name", params.sampler.clone().map(Value::from)),
            ("scheduler", params.scheduler.clone().map(Value::from)),
        ];
        for (input, value) in sampler_inputs {
            if let Some(value) = value {
                set(&mut bound, &roles.sampler, input, value);
            }
        }
        // Without a latent the init image sets the size.
        if let Some(latent) = &roles.latent {
            let latent_inputs = [
                ("width", params.width),
                ("height", params.height),
                ("batch_size", params.batch),
            ];
            for (input, value) in latent_inputs {
                if let Some(value) = value {
                    set(&mut bound, latent, input, value.into());
                }
            }
        }
        match (&params.init_image, &roles.init_image) {
            (Some(init), Some(node)) => {
                set(&mut bound, node, "image", init.name.clone().into());
                set(&mut bound, &roles.sampler, "denoise", init.denoise.into());
            }
            (Some(_), None) => {
                return Err(self.needs(
                    "init image input: title a LoadImage node \"Init image\" and encode it into the \
                     sampler's latent_image",
                ));
            }
            (None, Some(node)) => {
                return Err(WorkflowError::NeedsInitImage {
                    name: self.name.clone(),
                    node_id: node.clone(),
                });
            }
            (None, None) => {}
        }

        if params.checkpoint.is_none() && params.loras.is_empty() {
            return Ok(bound);
        }
        let Some(checkpoint) = &roles.checkpoint else {
            return Err(
                self.needs("CheckpointLoaderSimple node, needed to choose the model or add LoRAs")
            );
        };
        if let Some(name) = &params.checkpoint {
            set(&mut bound, checkpoint, "ckpt_name", name.clone().into());
        }
        bound.insert_loras(checkpoint, &params.loras);
        Ok(bound)
    }

    /// Puts `LoraLoader` nodes between the checkpoint and everything that used its model and CLIP.
    fn insert_loras(&mut self, checkpoint: &str, loras: &[Lora]) {
        let mut model = json!([checkpoint, 0]);
        let mut clip = json!([checkpoint, 1]);
        let mut added = Vec::new();
        for (index, lora) in loras.iter().enumerate() {
            let id = self.free_node_id();
            let inputs = Map::from_iter([
                ("model".to_owned(), model),
                ("clip".to_owned(), clip),
                ("lora_name".to_owned(), lora.name.clone().into()),
                ("strength_model".to_owned(), lora.strength.into()),
                ("strength_clip".to_owned(), lora.strength.into()),
            ]);
            let meta = Map::from_iter([("title".to_owned(), format!("LoRA {}", index + 1).into())]);
            self.nodes.insert(
                id.clone(),
                Node {
                    class_type: LORA_LOADER.to_owned(),
                    inputs,
                    meta: Some(meta),
                },
            );
            model = json!([id, 0]);
            clip = json!([id, 1]);
            added.push(id);
        }
        let Some(last) = added.last().cloned() else {
            return;
        };
        for (id, node) in &mut self.nodes {
            if added.contains(id) {
                continue;
            }
            for value in node.inputs.values_mut() {
                match as_link(value) {
                    Some((source, 0)) if source == checkpoint => *value = json!([last, 0]),
                    Some((source, 1)) if source == checkpoint => *value = json!([last, 1]),
                    _ => {}
                }
            }
        }
    }

    /// The next numeric id not in use: ComfyUI's own exports number their nodes.
    fn free_node_id(&self) -> String {
        let next = self
            .nodes
            .keys()
            .filter_map(|id| id.parse::<u64>().ok())
            .max()
            .map_or(1, |max| max + 1);
        (next..)
            .map(|n| n.to_string())
            .find(|id| !self.nodes.contains_key(id))
            .expect("ids are unbounded")
    }

    fn text(&self, node: &str) -> &str {
        self.nodes[node].inputs["text"].as_str().unwrap_or_default()
    }

    fn needs(&self, what: &str) -> WorkflowError {
        WorkflowError::MissingNode {
            name: self.name.clone(),
            what: what.to_owned(),
        }
    }
}

/// Replaces `placeholder` in a template text, or the whole text when it has none.
fn fill(template: &str, placeholder: &str, value: &str) -> String {
    if template.contains(placeholder) {
        template.replace(placeholder, value)
    } else {
        value.to_owned()
    }
}
