//! `POST /prompt` validation as ComfyUI 0.3.64 does it, down to its quirks: which node an error is filed
//! under, values converted in place (`64.7` → `64`), every failed node listing every failed output, and a
//! dependency cycle ending with no node errors at all. Messages are the ones in `recordings/errors/`.

use serde_json::{Map, Value, json};

use super::ordered::Json;
use super::recorded;

/// The node classes the stand-in knows, as `/object_info` describes them.
pub(super) struct Classes {
    defs: Map<String, Value>,
}

/// One input of a class: `input_type` is a type name, `"COMBO"`, or (classic combos) the list of options.
struct InputInfo {
    name: String,
    required: bool,
    input_type: Value,
    extra: Value,
}

impl Classes {
    pub fn new(defs: Map<String, Value>) -> Self {
        Self { defs }
    }

    /// A copy whose `LoadImage` offers `files` besides the ones recorded, sorted as ComfyUI sorts them.
    pub fn with_input_files(&self, files: Vec<String>) -> Self {
        let mut defs = self.defs.clone();
        if let Some(Value::Array(options)) = defs
            .get_mut("LoadImage")
            .and_then(|def| def.pointer_mut("/input/required/image/0"))
        {
            let mut all: Vec<String> = options
                .iter()
                .filter_map(|o| o.as_str().map(str::to_owned))
                .chain(files)
                .collect();
            all.sort();
            all.dedup();
            *options = all.into_iter().map(Value::from).collect();
        }
        Self { defs }
    }

    pub fn get(&self, class: &str) -> Option<&Value> {
        self.defs.get(class)
    }

    pub fn all(&self) -> &Map<String, Value> {
        &self.defs
    }

    pub fn is_output(&self, class: &str) -> bool {
        self.defs
            .get(class)
            .is_some_and(|def| def["output_node"] == true)
    }

    fn return_types(&self, class: &str) -> Vec<Value> {
        self.defs
            .get(class)
            .and_then(|def| def["output"].as_array().cloned())
            .unwrap_or_default()
    }

    fn inputs(&self, class: &str) -> Vec<InputInfo> {
        let Some(def) = self.defs.get(class) else {
            return Vec::new();
        };
        let mut inputs = Vec::new();
        for (group, required) in [("required", true), ("optional", false)] {
            let Some(specs) = def["input"][group].as_object() else {
                continue;
            };
            let order: Vec<String> = match def["input_order"][group].as_array() {
                Some(order) => order
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect(),
                None => specs.keys().cloned().collect(),
            };
            for name in order {
                let Some(spec) = specs.get(&name) else {
                    continue;
                };
                let input_type = spec.get(0).cloned().unwrap_or(Value::Null);
                let extra = spec.get(1).cloned().unwrap_or_else(|| json!({}));
                inputs.push(InputInfo {
                    name,
                    required,
                    input_type,
                    extra,
                });
            }
        }
        inputs
    }
}

/// What the handler does with a prompt.
pub(super) enum Verdict {
    /// `200`: queue these outputs; `node_errors` lists the ones left out.
    Queue {
        outputs: Vec<String>,
        node_errors: Value,
    },
    /// `400` with this body.
    Reject(Value),
}

/// Where ComfyUI's handler itself raised: answered with aiohttp's bare `500`.
pub(super) struct HandlerCrashed;

/// An exception inside validation, caught one level up as ComfyUI does.
struct Raised {
    kind: &'static str,
    message: String,
}

type Outcome = (bool, Vec<Value>);

pub(super) fn validate(prompt: &mut Json, classes: &Classes) -> Result<Verdict, HandlerCrashed> {
    let Json::Object(nodes) = prompt else {
        return Err(HandlerCrashed);
    };
    let mut outputs = Vec::new();
    for (id, node) in nodes.iter() {
        let class = match node {
            Json::Object(_) => node.get("class_type"),
            Json::Array(_) => None,
            _ => return Err(HandlerCrashed),
        };
        let Some(class) = class else {
            return Ok(invalid_prompt(
                "Cannot execute because a node is missing the class_type property.",
                id,
            ));
        };
        let class = py_str(&class.to_value());
        if classes.get(&class).is_none() {
            return Ok(invalid_prompt(
                &format!("Cannot execute because node {class} does not exist."),
                id,
            ));
        }
        if classes.is_output(&class) {
            outputs.push(id.clone());
        }
    }
    if outputs.is_empty() {
        return Ok(Verdict::Reject(rejection(
            "prompt_no_outputs",
            "Prompt has no outputs",
            String::new(),
            json!({}),
        )));
    }

    let mut validator = Validator {
        nodes,
        classes,
        validated: Vec::new(),
        stack: Vec::new(),
    };
    let mut good = Vec::new();
    let mut failures: Vec<Value> = Vec::new();
    let mut node_errors = Map::new();
    for output in outputs {
        let (valid, reasons) = match validator.validate_inputs(&output) {
            Ok(outcome) => outcome,
            Err(raised) => {
                let reasons = vec![json!({
                    "type": "exception_during_validation",
                    "message": "Exception when validating node",
                    "details": raised.message,
                    "extra_info": {
                        "exception_type": raised.kind,
                        "traceback": recorded::validation_traceback(raised.kind),
                    },
                })];
                validator.record(&output, (false, reasons.clone()));
                (false, reasons)
            }
        };
        if valid {
            good.push(output);
            continue;
        }
        failures.extend(reasons);
        // ComfyUI files this output under every node that failed so far, related or not.
        for (node_id, (valid, reasons)) in &validator.validated {
            if *valid || reasons.is_empty() {
                continue;
            }
            let entry = node_errors.entry(node_id.clone()).or_insert_with(|| {
                json!({"errors": reasons, "dependent_outputs": [], "class_type": validator.class_of(node_id)})
            });
            entry["dependent_outputs"]
                .as_array_mut()
                .expect("an array")
                .push(output.clone().into());
        }
    }
    let node_errors = Value::Object(node_errors);
    if good.is_empty() {
        let details = failures
            .iter()
            .map(|e| format!("{}: {}", py_str(&e["message"]), py_str(&e["details"])))
            .collect::<Vec<_>>()
            .join("\n");
        let error = rejection(
            "prompt_outputs_failed_validation",
            "Prompt outputs failed validation",
            details,
            node_errors,
        );
        return Ok(Verdict::Reject(error));
    }
    Ok(Verdict::Queue {
        outputs: good,
        node_errors,
    })
}

fn invalid_prompt(message: &str, node_id: &str) -> Verdict {
    Verdict::Reject(rejection(
        "invalid_prompt",
        message,
        format!("Node ID '#{node_id}'"),
        json!({}),
    ))
}

fn rejection(kind: &str, message: &str, details: String, node_errors: Value) -> Value {
    json!({
        "error": {"type": kind, "message": message, "details": details, "extra_info": {}},
        "node_errors": node_errors,
    })
}

struct Validator<'a> {
    nodes: &'a mut Vec<(String, Json)>,
    classes: &'a Classes,
    /// Outcome per node, in the order ComfyUI's `validated` dict gets them.
    validated: Vec<(String, Outcome)>,
    /// Nodes being validated: a link back into this is a cycle.
    stack: Vec<String>,
}

impl Validator<'_> {
    fn index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|(node_id, _)| node_id == id)
    }

    fn class_of(&self, id: &str) -> String {
        self.index(id)
            .and_then(|i| self.nodes[i].1.get("class_type"))
            .map(|c| py_str(&c.to_value()))
            .unwrap_or_default()
    }

    fn record(&mut self, id: &str, outcome: Outcome) {
        match self.validated.iter_mut().find(|(node_id, _)| node_id == id) {
            Some(entry) => entry.1 = outcome,
            None => self.validated.push((id.to_owned(), outcome)),
        }
    }

    fn validate_inputs(&mut self, id: &str) -> Result<Outcome, Raised> {
        if let Some((_, outcome)) = self.validated.iter().find(|(node_id, _)| node_id == id) {
            return Ok(outcome.clone());
        }
        // The real server recurses until Python's recursion limit; every node of the cycle ends up failed
        // without a reason, which is what this returns.
        if self.stack.iter().any(|node| node == id) {
            return Ok((false, Vec::new()));
        }
        self.stack.push(id.to_owned());
        let outcome = self.validate_node(id);
        self.stack.pop();
        let outcome = outcome?;
        self.record(id, outcome.clone());
        Ok(outcome)
    }

    fn validate_node(&mut self, id: &str) -> Result<Outcome, Raised> {
        let index = self.index(id).ok_or_else(|| key_error(&Value::from(id)))?;
        let class = self.class_of(id);
        if !matches!(self.nodes[index].1.get("inputs"), Some(Json::Object(_))) {
            return Err(key_error(&Value::from("inputs")));
        }
        let custom_inputs: &[&str] = if class == "LoadImage" {
            &["image"]
        } else {
            &[]
        };
        let mut errors = Vec::new();
        let mut valid = true;
        for info in self.classes.inputs(&class) {
            let x = info.name.as_str();
            let input_config = json!([info.input_type, info.extra]);
            let Some(val) = self.nodes[index]
                .1
                .get("inputs")
                .and_then(|i| i.get(x))
                .map(Json::to_value)
            else {
                if info.required {
                    errors.push(json!({
                        "type": "required_input_missing",
                        "message": "Required input is missing",
                        "details": x,
                        "extra_info": {"input_name": x},
                    }));
                }
                continue;
            };
            if let Value::Array(link) = &val {
                if link.len() != 2 {
                    errors.push(json!({
                        "type": "bad_linked_input",
                        "message": "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                        "details": x,
                        "extra_info": {"input_name": x, "input_config": input_config, "received_value": val},
                    }));
                    continue;
                }
                let source = link[0]
                    .as_str()
                    .and_then(|s| self.index(s))
                    .ok_or_else(|| key_error(&link[0]))?;
                let source_id = self.nodes[source].0.clone();
                let received_type = tuple_index(
                    &self.classes.return_types(&self.class_of(&source_id)),
                    &link[1],
                )?;
                if !types_match(&received_type, &info.input_type) {
                    errors.push(json!({
                        "type": "return_type_mismatch",
                        "message": "Return type mismatch between linked nodes",
                        "details": format!("{x}, received_type({}) mismatch input_type({})", py_str(&received_type), py_str(&info.input_type)),
                        "extra_info": {"input_name": x, "input_config": input_config, "received_type": received_type, "linked_node": val},
                    }));
                    continue;
                }
                match self.validate_inputs(&source_id) {
                    Ok((true, _)) => {}
                    Ok((false, _)) => valid = false,
                    Err(raised) => {
                        valid = false;
                        let reasons = vec![json!({
                            "type": "exception_during_inner_validation",
                            "message": "Exception when validating inner node",
                            "details": raised.message,
                            "extra_info": {
                                "input_name": x,
                                "input_config": input_config,
                                "exception_message": raised.message,
                                "exception_type": raised.kind,
                                "traceback": recorded::validation_traceback(raised.kind),
                                "linked_node": val,
                            },
                        })];
                        self.record(&source_id, (false, reasons));
                    }
                }
                continue;
            }
            let val = match convert(&info.input_type, &val) {
                Ok(converted) => converted,
                Err(exception) => {
                    errors.push(json!({
                        "type": "invalid_input_type",
                        "message": format!("Failed to convert an input value to a {} value", py_str(&info.input_type)),
                        "details": format!("{x}, {}, {exception}", py_str(&val)),
                        "extra_info": {"input_name": x, "input_config": input_config, "received_value": val, "exception_message": exception},
                    }));
                    continue;
                }
            };
            if let Some(Json::Object(inputs)) = self.nodes[index].1.get_mut("inputs")
                && let Some(entry) = inputs.iter_mut().find(|(k, _)| k == x)
            {
                entry.1 = Json::from_value(val.clone());
            }
            if custom_inputs.contains(&x) {
                continue;
            }
            if let Some(error) = range_error(x, &val, &info.extra, &input_config) {
                errors.push(error);
                continue;
            }
            if let Some(options) = combo_options(&info)
                && !options.contains(&val)
            {
                let (list_info, input_config) = if options.len() > 20 {
                    (format!("(list of length {})", options.len()), Value::Null)
                } else {
                    (py_list(&options), input_config)
                };
                errors.push(json!({
                    "type": "value_not_in_list",
                    "message": "Value not in list",
                    "details": format!("{x}: '{}' not in {list_info}", py_str(&val)),
                    "extra_info": {"input_name": x, "input_config": input_config, "received_value": val},
                }));
            }
        }
        for x in custom_inputs {
            // LoadImage: the file must exist in input/, whose files its combo lists.
            let image = self.nodes[index]
                .1
                .get("inputs")
                .and_then(|i| i.get(x))
                .map(Json::to_value)
                .unwrap_or_default();
            let files = self
                .classes
                .inputs(&class)
                .into_iter()
                .find(|i| i.name == *x)
                .and_then(|i| combo_options(&i));
            if !files.unwrap_or_default().contains(&image) {
                errors.push(json!({
                    "type": "custom_validation_failed",
                    "message": "Custom validation failed for node",
                    "details": format!("{x} - Invalid image file: {}", py_str(&image)),
                    "extra_info": {"input_name": x},
                }));
            }
        }
        Ok((errors.is_empty() && valid, errors))
    }
}

fn key_error(key: &Value) -> Raised {
    Raised {
        kind: "KeyError",
        message: py_repr(key),
    }
}

/// `RETURN_TYPES[index]` with Python's tuple indexing (negative indexes count from the end).
fn tuple_index(types: &[Value], index: &Value) -> Result<Value, Raised> {
    let Some(index) = index.as_i64() else {
        let kind = python_type(index);
        return Err(Raised {
            kind: "TypeError",
            message: format!("tuple indices must be integers or slices, not {kind}"),
        });
    };
    let len = types.len() as i64;
    let position = if index < 0 { index + len } else { index };
    usize::try_from(position)
        .ok()
        .and_then(|p| types.get(p).cloned())
        .ok_or_else(|| Raised {
            kind: "IndexError",
            message: "tuple index out of range".to_owned(),
        })
}

/// ComfyUI's `validate_node_input`: equal, a `*` wildcard, or overlapping comma-separated type unions.
fn types_match(received: &Value, expected: &Value) -> bool {
    if received == expected {
        return true;
    }
    let (Some(received), Some(expected)) = (received.as_str(), expected.as_str()) else {
        return false;
    };
    let split = |types: &str| {
        types
            .split(',')
            .map(str::trim)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (received, expected) = (split(received), split(expected));
    received.iter().chain(&expected).any(|t| t == "*")
        || received.iter().any(|t| expected.contains(t))
}

fn combo_options(info: &InputInfo) -> Option<Vec<Value>> {
    match &info.input_type {
        Value::Array(options) => Some(options.clone()),
        Value::String(kind) if kind == "COMBO" => Some(
            info.extra["options"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        ),
        _ => None,
    }
}

fn range_error(x: &str, val: &Value, extra: &Value, input_config: &Value) -> Option<Value> {
    let value = val.as_f64()?;
    let (kind, message, limit) = if let Some(min) = extra
        .get("min")
        .filter(|m| m.as_f64().is_some_and(|m| value < m))
    {
        ("value_smaller_than_min", "smaller than min", min)
    } else if let Some(max) = extra
        .get("max")
        .filter(|m| m.as_f64().is_some_and(|m| value > m))
    {
        ("value_bigger_than_max", "bigger than max", max)
    } else {
        return None;
    };
    Some(json!({
        "type": kind,
        "message": format!("Value {} {message} of {}", py_str(val), py_str(limit)),
        "details": x,
        "extra_info": {"input_name": x, "input_config": input_config, "received_value": val},
    }))
}

/// Python's `int()`, `float()`, `str()` and `bool()` as applied to INT, FLOAT, STRING and BOOLEAN inputs.
fn convert(input_type: &Value, val: &Value) -> Result<Value, String> {
    match input_type.as_str() {
        Some("INT") => to_int(val),
        Some("FLOAT") => to_float(val),
        Some("STRING") => Ok(Value::String(py_str(val))),
        Some("BOOLEAN") => Ok(Value::Bool(truthy(val))),
        _ => Ok(val.clone()),
    }
}

fn to_int(val: &Value) -> Result<Value, String> {
    match val {
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(val.clone()),
        Value::Number(n) => Ok(Value::from(n.as_f64().unwrap_or_default().trunc() as i64)),
        Value::Bool(b) => Ok(Value::from(i64::from(*b))),
        Value::String(s) => {
            let digits = s.trim().replace('_', "");
            digits
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| digits.parse::<u64>().map(Value::from))
                .map_err(|_| format!("invalid literal for int() with base 10: {}", py_repr(val)))
        }
        other => Err(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            python_type(other)
        )),
    }
}

fn to_float(val: &Value) -> Result<Value, String> {
    let parsed = match val {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::String(s) => s.trim().replace('_', "").parse::<f64>().ok(),
        other => {
            return Err(format!(
                "float() argument must be a string or a real number, not '{}'",
                python_type(other)
            ));
        }
    };
    parsed
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("could not convert string to float: {}", py_repr(val)))
}

fn truthy(val: &Value) -> bool {
    match val {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn python_type(val: &Value) -> &'static str {
    match val {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Python's `str()` of a JSON value.
pub(super) fn py_str(val: &Value) -> String {
    match val {
        Value::String(s) => s.clone(),
        _ => py_repr(val),
    }
}

/// Python's `repr()` of a JSON value.
fn py_repr(val: &Value) -> String {
    match val {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.contains('\'') && !s.contains('"') => format!("\"{s}\""),
        Value::String(s) => format!("'{}'", s.replace('\'', "\\'")),
        Value::Array(items) => py_list(items),
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr(&Value::from(k.as_str())), py_repr(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

fn py_list(items: &[Value]) -> String {
    format!(
        "[{}]",
        items.iter().map(py_repr).collect::<Vec<_>>().join(", ")
    )
}
