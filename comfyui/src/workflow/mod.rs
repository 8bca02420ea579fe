//! ComfyUI workflows in API format ("Save (API)"), checked when loaded and bound to parameters by
//! `class_type` and `_meta.title`, never by node id, so a user's own export works as well as ours.
//!
//! Pure: no I/O. Binding rules:
//! - **Sampler**: the `KSampler` titled "Sampler", else the only `KSampler` (seed, steps, cfg, sampler, scheduler).
//! - **Positive** / **Negative**: the `CLIPTextEncode` titled "Positive" / "Negative", else the one linked to
//!   the sampler's `positive` / `negative` input. `{prompt}` / `{negative_prompt}` in its text is replaced;
//!   without a placeholder the whole text is replaced.
//! - **Latent**: the `EmptyLatentImage` titled "Latent", else the only one, else the one linked to the sampler's
//!   `latent_image` (width, height, batch size). An img2img workflow may have none: it renders at the size of
//!   its init image.
//! - **Init image** (img2img only): the `LoadImage` titled "Init image", else the one whose image reaches the
//!   sampler's `latent_image` through a `VAEEncode` (the uploaded image's name; the sampler's denoise).
//! - **Checkpoint**: the `CheckpointLoaderSimple` titled "Checkpoint", else the only one (model, LoRAs).
//! - **Outputs**: every `SaveImage` node.

mod bind;
mod object_info;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use bind::{InitImage, Lora, WorkflowParams};
pub use object_info::{Models, ObjectInfo};

pub(crate) const KSAMPLER: &str = "KSampler";
pub(crate) const CLIP_TEXT_ENCODE: &str = "CLIPTextEncode";
pub(crate) const EMPTY_LATENT: &str = "EmptyLatentImage";
pub(crate) const CHECKPOINT_LOADER: &str = "CheckpointLoaderSimple";
pub(crate) const LORA_LOADER: &str = "LoraLoader";
pub(crate) const SAVE_IMAGE: &str = "SaveImage";
pub(crate) const LOAD_IMAGE: &str = "LoadImage";
pub(crate) const VAE_ENCODE: &str = "VAEEncode";

/// Why a workflow cannot be used; each message names the workflow and the node or input at fault.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WorkflowError {
    #[error("workflow \"{name}\" is not valid JSON: {message}")]
    Json { name: String, message: String },

    #[error(
        "workflow \"{name}\" is in ComfyUI's UI format; export it with \"Save (API)\" instead (turn on the \
         dev mode options in ComfyUI's settings if the menu lacks it)"
    )]
    UiFormat { name: String },

    #[error("workflow \"{name}\": node {node_id} {problem}")]
    BadNode {
        name: String,
        node_id: String,
        problem: String,
    },

    #[error("workflow \"{name}\" has no {what}")]
    MissingNode { name: String, what: String },

    #[error(
        "workflow \"{name}\" has {} {class_type} nodes ({}); set the title of the one to use to \"{title}\"",
        .node_ids.len(), .node_ids.join(", ")
    )]
    Ambiguous {
        name: String,
        class_type: String,
        node_ids: Vec<String>,
        title: String,
    },

    #[error("workflow \"{name}\": node {node_id} ({class_type}) has no input \"{input}\"")]
    MissingInput {
        name: String,
        node_id: String,
        class_type: String,
        input: String,
    },

    #[error(
        "workflow \"{name}\": input \"{input}\" of node {node_id} ({class_type}) is a link; make it a plain value \
         so it can be set"
    )]
    LinkedInput {
        name: String,
        node_id: String,
        class_type: String,
        input: String,
    },

    #[error(
        "workflow \"{name}\": input \"{input}\" of node {node_id} ({class_type}) links to node {target}, which the \
         workflow does not have"
    )]
    BrokenLink {
        name: String,
        node_id: String,
        class_type: String,
        input: String,
        target: String,
    },

    #[error(
        "workflow \"{name}\": node {node_id} uses class \"{class_type}\", which this ComfyUI does not have; \
         install the custom node that provides it"
    )]
    UnknownClass {
        name: String,
        node_id: String,
        class_type: String,
    },

    #[error(
        "workflow \"{name}\": input \"{input}\" of node {node_id} is \"{value}\", which this ComfyUI does not offer \
         ({})", offered(.options)
    )]
    NotOffered {
        name: String,
        node_id: String,
        input: String,
        value: String,
        options: Vec<String>,
    },

    #[error(
        "workflow \"{name}\" starts from an image (its LoadImage node {node_id}): it draws the frames of an \
         animation from the first one; pick a workflow without one to draw from the prompt alone"
    )]
    NeedsInitImage { name: String, node_id: String },

    #[error("unknown workflow \"{name}\"; available: {}", .available.join(", "))]
    Unknown {
        name: String,
        available: Vec<String>,
    },

    #[error("cannot read workflow {path}: {message}")]
    Io { path: String, message: String },
}

fn offered(options: &[String]) -> String {
    const SHOWN: usize = 8;
    match options.len() {
        0 => "it has none installed".to_owned(),
        n if n <= SHOWN => format!("it has: {}", options.join(", ")),
        n => format!("it has {n}, e.g. {}", options[..SHOWN].join(", ")),
    }
}

/// One node of an API-format workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Node {
    pub class_type: String,
    #[serde(default)]
    pub inputs: Map<String, Value>,
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Map<String, Value>>,
}

impl Node {
    fn title(&self) -> Option<&str> {
        self.meta.as_ref()?.get("title")?.as_str()
    }
}

/// A link input: `[source_node_id, output_index]`.
pub(crate) fn as_link(value: &Value) -> Option<(&str, u64)> {
    match value.as_array()?.as_slice() {
        [Value::String(node), index] => Some((node, index.as_u64()?)),
        _ => None,
    }
}

/// Which node plays which part; found once when the workflow is loaded.
#[derive(Debug, Clone, PartialEq)]
struct Roles {
    sampler: String,
    positive: String,
    negative: Option<String>,
    /// `None` in an img2img workflow that renders at its init image's size.
    latent: Option<String>,
    checkpoint: Option<String>,
    init_image: Option<String>,
}

/// A loaded, checked workflow template.
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    name: String,
    nodes: BTreeMap<String, Node>,
    roles: Roles,
}

/// The values a template uses when a parameter is not given.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowDefaults {
    /// Render size and batch; `None` in an img2img workflow, which renders at its init image's size.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub batch: Option<u32>,
    pub steps: u32,
    pub cfg: f64,
    pub sampler: String,
    pub scheduler: String,
    pub checkpoint: Option<String>,
}

impl Workflow {
    /// Parses and checks an API-format workflow; `name` is how users refer to it.
    pub fn from_json(name: &str, json: &str) -> Result<Self, WorkflowError> {
        let value: Value = serde_json::from_str(json).map_err(|e| WorkflowError::Json {
            name: name.to_owned(),
            message: e.to_string(),
        })?;
        Self::from_value(name, value)
    }

    /// Like [`Workflow::from_json`], for JSON already parsed.
    pub fn from_value(name: &str, value: Value) -> Result<Self, WorkflowError> {
        let Value::Object(map) = value else {
            return Err(WorkflowError::Json {
                name: name.to_owned(),
                message: "expected an object of nodes keyed by node id".to_owned(),
            });
        };
        if map.contains_key("nodes") && map.contains_key("links") {
            return Err(WorkflowError::UiFormat {
                name: name.to_owned(),
            });
        }
        let mut nodes = BTreeMap::new();
        for (node_id, node) in map {
            let problem = |problem: &str| WorkflowError::BadNode {
                name: name.to_owned(),
                node_id: node_id.clone(),
                problem: problem.to_owned(),
            };
            let Value::Object(fields) = &node else {
                return Err(problem("is not an object"));
            };
            if !fields.get("class_type").is_some_and(Value::is_string) {
                return Err(problem("has no class_type"));
            }
            if fields.get("inputs").is_some_and(|i| !i.is_object()) {
                return Err(problem("has inputs that are not an object"));
            }
            let node: Node = serde_json::from_value(node).map_err(|e| problem(&e.to_string()))?;
            nodes.insert(node_id, node);
        }
        let graph = Graph {
            name,
            nodes: &nodes,
        };
        graph.check_links()?;
        let roles = graph.find_roles()?;
        Ok(Self {
            name: name.to_owned(),
            nodes,
            roles,
        })
    }

    /// The name the workflow was loaded under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every node class the workflow uses, for fetching their `/object_info`.
    pub fn class_types(&self) -> BTreeSet<&str> {
        self.nodes.values().map(|n| n.class_type.as_str()).collect()
    }

    /// The template's own values, used for any parameter left unset.
    pub fn defaults(&self) -> WorkflowDefaults {
        let input = |node: &str, key: &str| &self.nodes[node].inputs[key];
        let int = |node: &str, key: &str| input(node, key).as_u64().unwrap_or_default() as u32;
        let text = |node: &str, key: &str| input(node, key).as_str().unwrap_or_default().to_owned();
        let Roles {
            sampler,
            latent,
            checkpoint,
            ..
        } = &self.roles;
        let latent = |key: &str| latent.as_deref().map(|latent| int(latent, key));
        WorkflowDefaults {
            width: latent("width"),
            height: latent("height"),
            batch: latent("batch_size"),
            steps: int(sampler, "steps"),
            cfg: input(sampler, "cfg").as_f64().unwrap_or_default(),
            sampler: text(sampler, "sampler_name"),
            scheduler: text(sampler, "scheduler"),
            checkpoint: checkpoint.as_deref().map(|c| text(c, "ckpt_name")),
        }
    }

    /// The prompt as ComfyUI's `POST /prompt` expects it.
    pub fn to_api_json(&self) -> Map<String, Value> {
        self.nodes
            .iter()
            .map(|(id, node)| {
                (
                    id.clone(),
                    serde_json::to_value(node).expect("nodes serialize"),
                )
            })
            .collect()
    }

    /// Whether the workflow starts from an image (img2img): binding it then needs
    /// [`WorkflowParams::init_image`].
    pub fn takes_init_image(&self) -> bool {
        self.roles.init_image.is_some()
    }

    pub(crate) fn class_of(&self, node_id: &str) -> Option<&str> {
        self.nodes.get(node_id).map(|n| n.class_type.as_str())
    }

    pub(crate) fn nodes(&self) -> &BTreeMap<String, Node> {
        &self.nodes
    }
}

/// The nodes of a workflow being loaded, before its roles are known.
struct Graph<'a> {
    name: &'a str,
    nodes: &'a BTreeMap<String, Node>,
}

impl Graph<'_> {
    fn check_links(&self) -> Result<(), WorkflowError> {
        for (node_id, node) in self.nodes {
            for (input, value) in &node.inputs {
                if let Some((target, _)) = as_link(value)
                    && !self.nodes.contains_key(target)
                {
                    return Err(WorkflowError::BrokenLink {
                        name: self.name.to_owned(),
                        node_id: node_id.clone(),
                        class_type: node.class_type.clone(),
                        input: input.clone(),
                        target: target.to_owned(),
                    });
                }
            }
        }
        Ok(())
    }

    fn find_roles(&self) -> Result<Roles, WorkflowError> {
        let sampler = self
            .role(KSAMPLER, "Sampler")?
            .ok_or_else(|| self.missing("KSampler node"))?;
        self.require_literals(
            &sampler,
            &["seed", "steps", "cfg", "sampler_name", "scheduler"],
        )?;
        let linked = |input: &str, class: &str| {
            self.nodes[&sampler]
                .inputs
                .get(input)
                .and_then(as_link)
                .map(|(target, _)| target.to_owned())
                .filter(|target| self.nodes[target].class_type == class)
        };
        let text_node = |title: &str, input: &str| -> Result<Option<String>, WorkflowError> {
            Ok(self
                .titled(CLIP_TEXT_ENCODE, title)?
                .or_else(|| linked(input, CLIP_TEXT_ENCODE)))
        };
        let positive = text_node("Positive", "positive")?.ok_or_else(|| {
            self.missing(
                "positive prompt: title a CLIPTextEncode node \"Positive\" or link one to the KSampler's \
                 \"positive\" input",
            )
        })?;
        self.require_literals(&positive, &["text"])?;
        let negative = text_node("Negative", "negative")?.filter(|negative| *negative != positive);
        if let Some(negative) = &negative {
            self.require_literals(negative, &["text"])?;
        }
        let init_image = match self.titled(LOAD_IMAGE, "Init image")? {
            Some(init_image) => Some(init_image),
            None => linked("latent_image", VAE_ENCODE).and_then(|encoder| {
                self.nodes[&encoder]
                    .inputs
                    .get("pixels")
                    .and_then(as_link)
                    .map(|(source, _)| source.to_owned())
                    .filter(|source| self.nodes[source].class_type == LOAD_IMAGE)
            }),
        };
        if let Some(init_image) = &init_image {
            self.require_literals(init_image, &["image"])?;
            self.require_literals(&sampler, &["denoise"])?;
        }
        let latent = match self.role(EMPTY_LATENT, "Latent")? {
            Some(latent) => Some(latent),
            None => linked("latent_image", EMPTY_LATENT),
        };
        match &latent {
            Some(latent) => self.require_literals(latent, &["width", "height", "batch_size"])?,
            None if init_image.is_none() => {
                return Err(self.missing("EmptyLatentImage node (it sets the render size)"));
            }
            None => {}
        }
        let checkpoint = self.role(CHECKPOINT_LOADER, "Checkpoint")?;
        if let Some(checkpoint) = &checkpoint {
            self.require_literals(checkpoint, &["ckpt_name"])?;
        }
        if !self.nodes.values().any(|n| n.class_type == SAVE_IMAGE) {
            return Err(self.missing("SaveImage node, so it would produce no images"));
        }
        Ok(Roles {
            sampler,
            positive,
            negative,
            latent,
            checkpoint,
            init_image,
        })
    }

    /// The node of `class` titled `title`, else the only node of `class`.
    fn role(&self, class: &str, title: &str) -> Result<Option<String>, WorkflowError> {
        if let Some(titled) = self.titled(class, title)? {
            return Ok(Some(titled));
        }
        let all: Vec<&String> = self
            .nodes
            .iter()
            .filter(|(_, n)| n.class_type == class)
            .map(|(id, _)| id)
            .collect();
        match all.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some((*one).clone())),
            many => Err(WorkflowError::Ambiguous {
                name: self.name.to_owned(),
                class_type: class.to_owned(),
                node_ids: many.iter().map(|id| (*id).clone()).collect(),
                title: title.to_owned(),
            }),
        }
    }

    fn titled(&self, class: &str, title: &str) -> Result<Option<String>, WorkflowError> {
        let matches: Vec<&String> = self
            .nodes
            .iter()
            .filter(|(_, n)| {
                n.class_type == class
                    && n.title()
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case(title))
            })
            .map(|(id, _)| id)
            .collect();
        match matches.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some((*one).clone())),
            many => Err(WorkflowError::BadNode {
                name: self.name.to_owned(),
                node_id: many
                    .iter()
                    .map(|id| id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                problem: format!("share the title \"{title}\"; give it to one {class} only"),
            }),
        }
    }

    fn require_literals(&self, node_id: &str, inputs: &[&str]) -> Result<(), WorkflowError> {
        let node = &self.nodes[node_id];
        for input in inputs {
            let error = |linked: bool| {
                let (name, node_id, class_type, input) = (
                    self.name.to_owned(),
                    node_id.to_owned(),
                    node.class_type.clone(),
                    (*input).to_owned(),
                );
                if linked {
                    WorkflowError::LinkedInput {
                        name,
                        node_id,
                        class_type,
                        input,
                    }
                } else {
                    WorkflowError::MissingInput {
                        name,
                        node_id,
                        class_type,
                        input,
                    }
                }
            };
            match node.inputs.get(*input) {
                None => return Err(error(false)),
                Some(value) if as_link(value).is_some() => return Err(error(true)),
                Some(_) => {}
            }
        }
        Ok(())
    }

    fn missing(&self, what: &str) -> WorkflowError {
        WorkflowError::MissingNode {
            name: self.name.to_owned(),
            what: what.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests;
