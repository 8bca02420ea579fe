//! What a ComfyUI server offers (`GET /object_info`): node classes, their inputs and the choices of each
//! combo input. Used to check a workflow against a server before running it (`doctor`) and to list models.

use serde_json::{Map, Value};

use super::{CHECKPOINT_LOADER, KSAMPLER, LORA_LOADER, Workflow, WorkflowError};

/// Node class definitions as `GET /object_info` (or several `/object_info/{class}`) returns them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectInfo {
    classes: Map<String, Value>,
}

/// What can be chosen on a server: the values `list_models` offers an agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Models {
    pub checkpoints: Vec<String>,
    pub loras: Vec<String>,
    pub samplers: Vec<String>,
    pub schedulers: Vec<String>,
}

impl ObjectInfo {
    /// Wraps an `/object_info` body; anything but an object gives an empty set of classes.
    pub fn from_json(body: Value) -> Self {
        match body {
            Value::Object(classes) => Self { classes },
            _ => Self::default(),
        }
    }

    /// Adds the classes of another `/object_info/{class}` answer.
    pub fn extend(&mut self, other: ObjectInfo) {
        self.classes.extend(other.classes);
    }

    /// The choices of a combo input, in both formats ComfyUI uses: classic `[[options], {...}]` and the newer
    /// `["COMBO", {"options": [...]}]`.
    pub fn combo_options(&self, class_type: &str, input: &str) -> Option<Vec<String>> {
        let spec = self.input_spec(class_type, input)?.as_array()?;
        let options = match spec.first()? {
            Value::Array(options) => options,
            Value::String(kind) if kind == "COMBO" => spec.get(1)?.get("options")?.as_array()?,
            _ => return None,
        };
        Some(
            options
                .iter()
                .filter_map(|o| o.as_str().map(str::to_owned))
                .collect(),
        )
    }

    /// Checkpoints, LoRAs, samplers and schedulers, from the loaders' and the sampler's combo inputs.
    pub fn models(&self) -> Models {
        let options = |class, input| self.combo_options(class, input).unwrap_or_default();
        Models {
            checkpoints: options(CHECKPOINT_LOADER, "ckpt_name"),
            loras: options(LORA_LOADER, "lora_name"),
            samplers: options(KSAMPLER, "sampler_name"),
            schedulers: options(KSAMPLER, "scheduler"),
        }
    }

    /// Every way `workflow` would fail on this server: unknown classes, missing required inputs, and values
    /// a combo does not offer (such as a checkpoint that is not installed). Empty when it would run.
    pub fn check(&self, workflow: &Workflow) -> Vec<WorkflowError> {
        let name = workflow.name().to_owned();
        let mut problems = Vec::new();
        for (node_id, node) in workflow.nodes() {
            let Some(class) = self.classes.get(&node.class_type) else {
                problems.push(WorkflowError::UnknownClass {
                    name: name.clone(),
                    node_id: node_id.clone(),
                    class_type: node.class_type.clone(),
                });
                continue;
            };
            let required = class.pointer("/input/required").and_then(Value::as_object);
            for input in required.into_iter().flat_map(Map::keys) {
                if !node.inputs.contains_key(input) {
                    problems.push(WorkflowError::MissingInput {
                        name: name.clone(),
                        node_id: node_id.clone(),
                        class_type: node.class_type.clone(),
                        input: input.clone(),
                    });
                }
            }
            for (input, value) in &node.inputs {
                let (Some(value), Some(options)) =
                    (value.as_str(), self.combo_options(&node.class_type, input))
                else {
                    continue;
                };
                if !options.iter().any(|o| o == value) {
                    problems.push(WorkflowError::NotOffered {
                        name: name.clone(),
                        node_id: node_id.clone(),
                        input: input.clone(),
                        value: value.to_owned(),
                        options,
                    });
                }
            }
        }
        problems
    }

    fn input_spec(&self, class_type: &str, input: &str) -> Option<&Value> {
        let inputs = self.classes.get(class_type)?.get("input")?;
        ["required", "optional"]
            .iter()
            .find_map(|group| inputs.get(group)?.get(input))
    }
}
