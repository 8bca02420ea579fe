//! The worker: takes the lowest-numbered prompt and "runs" it the way ComfyUI's executor does, sending the
//! messages in the recorded order. Node order follows ComfyUI's topological sort with its UX-friendly pick
//! (output nodes first, then the nodes that unblock them), checked against the recordings.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use serde_json::{Map, Value, json};

use super::ordered::Json;
use super::recorded::{self, PNG_MODEL_FREE, PNG_SD15, PNG_SDXL};
use super::validate::py_str;
use super::{Comfy, Execution, Item, Outgoing, RunningJob, State};

pub(super) async fn work(state: Arc<State>) {
    loop {
        let item = loop {
            if let Some(item) = take_next(&state) {
                break item;
            }
            tokio::select! {
                () = state.stop.cancelled() => return,
                () = state.work.notified() => {}
            }
        };
        let started_at = Instant::now();
        let mut run = Run::new(&state, &item);
        let success_sent_at = tokio::select! {
            () = state.stop.cancelled() => return,
            sent = run.execute() => sent,
        };
        run.finish();
        state
            .executions
            .lock()
            .expect("executions lock")
            .push(Execution {
                prompt_id: item.prompt_id.clone(),
                queued_at: item.queued_at,
                started_at,
                success_sent_at,
                finished_at: Instant::now(),
            });
    }
}

fn take_next(state: &State) -> Option<Item> {
    let mut comfy = state.comfy();
    let item = comfy.pending.pop()?;
    comfy.running = Some(RunningJob {
        prompt_id: item.prompt_id.clone(),
        client_id: item.client_id(),
        item: item.to_json(),
        node: None,
    });
    comfy.interrupt = false;
    // The running job still counts, so this repeats the count the client just saw.
    comfy.broadcast_status();
    Some(item)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// How a run ended.
enum End {
    Success,
    Error,
    Interrupted,
}

struct Run<'a> {
    state: &'a State,
    item: &'a Item,
    client: Option<String>,
    /// `(event, data)` as stored in the history entry.
    messages: Vec<(String, Value)>,
    /// `progress_state`'s map, in the order nodes started.
    progress: Vec<(String, Value)>,
    executed: Vec<String>,
    outputs: Vec<(String, Value)>,
    signatures: HashMap<String, String>,
    end: End,
}

impl<'a> Run<'a> {
    fn new(state: &'a State, item: &'a Item) -> Self {
        let signatures = signatures(&item.prompt);
        Self {
            state,
            item,
            client: item.client_id(),
            messages: Vec::new(),
            progress: Vec::new(),
            executed: Vec::new(),
            outputs: Vec::new(),
            signatures,
            end: End::Success,
        }
    }

    fn nodes(&self) -> &'a [(String, Json)] {
        self.item.prompt.as_object().unwrap_or_default()
    }

    fn node(&self, id: &str) -> &'a Json {
        &self
            .nodes()
            .iter()
            .find(|(node_id, _)| node_id == id)
            .expect("validated links")
            .1
    }

    fn class(&self, id: &str) -> String {
        self.node(id)
            .get("class_type")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    fn input(&self, id: &str, name: &str) -> Option<Value> {
        self.node(id).get("inputs")?.get(name).map(Json::to_value)
    }

    fn links(&self, id: &str) -> Vec<String> {
        let Some(Json::Object(inputs)) = self.node(id).get("inputs") else {
            return Vec::new();
        };
        inputs
            .iter()
            .filter_map(|(_, value)| match value {
                Json::Array(link) if link.len() == 2 => link[0].as_str().map(str::to_owned),
                _ => None,
            })
            .collect()
    }

    fn cached_output(&self, id: &str) -> Option<Option<Value>> {
        let signature = self.signatures.get(id)?;
        self.state.comfy().cache.get(signature).cloned()
    }

    fn send(&self, kind: &str, data: Value) {
        self.state.comfy().send(self.client.as_deref(), kind, data);
    }

    /// ComfyUI's `add_message`: kept for the history, sent only to a job that named its client.
    fn message(&mut self, kind: &str, mut data: Map<String, Value>) {
        data.insert("timestamp".to_owned(), now_ms().into());
        let data = Value::Object(data);
        if self.client.is_some() {
            self.send(kind, data.clone());
        }
        self.messages.push((kind.to_owned(), data));
    }

    fn prompt_data(&self) -> Map<String, Value> {
        Map::from_iter([(
            "prompt_id".to_owned(),
            Value::from(self.item.prompt_id.clone()),
        )])
    }

    fn progress_state(&mut self, node: &str, value: Value, max: Value, state: &str) {
        let entry = json!({
            "value": value, "max": max, "state": state, "node_id": node, "prompt_id": self.item.prompt_id,
            "display_node_id": node, "parent_node_id": null, "real_node_id": node,
        });
        match self.progress.iter_mut().find(|(id, _)| id == node) {
            Some(existing) => existing.1 = entry,
            None => self.progress.push((node.to_owned(), entry)),
        }
        let nodes: Map<String, Value> = self.progress.iter().cloned().collect();
        // Progress goes to the job's client, or to everyone when it named none.
        self.send(
            "progress_state",
            json!({ "prompt_id": self.item.prompt_id, "nodes": nodes }),
        );
    }

    /// Runs the job; returns when `execution_success` was sent, if it was.
    async fn execute(&mut self) -> Option<Instant> {
        self.message("execution_start", self.prompt_data());
        let cached: Vec<String> = self
            .nodes()
            .iter()
            .map(|(id, _)| id.clone())
            .filter(|id| self.cached_output(id).is_some())
            .collect();
        let mut data = self.prompt_data();
        data.insert("nodes".to_owned(), json!(cached));
        self.message("execution_cached", data);
        let mut order = Order::new(self);
        while let Some(node) = order.next(self) {
            if self.state.comfy().interrupt {
                self.interrupted(&node);
                return None;
            }
            match self.cached_output(&node) {
                Some(ui) => self.replay(&node, ui),
                None => {
                    if !self.run_node(&node).await {
                        return None;
                    }
                }
            }
        }
        let sent = Instant::now();
        self.message("execution_success", self.prompt_data());
        Some(sent)
    }

    /// A cached output node only replays its `executed`.
    fn replay(&mut self, node: &str, ui: Option<Value>) {
        if let Some(ui) = ui {
            self.executed_message(node, ui.clone());
            self.outputs.push((node.to_owned(), ui));
        }
        self.progress_state(node, 1.into(), 1.into(), "finished");
    }

    fn executed_message(&self, node: &str, output: Value) {
        if self.client.is_some() {
            let data = json!({"node": node, "display_node": node, "output": output, "prompt_id": self.item.prompt_id});
            self.send("executed", data);
        }
    }

    /// Runs one node; false when the job ended there (error or interrupt).
    async fn run_node(&mut self, node: &str) -> bool {
        let class = self.class(node);
        self.progress_state(node, 0.0.into(), 1.0.into(), "running");
        if let Some(running) = &mut self.state.comfy().running {
            running.node = Some(node.to_owned());
        }
        if self.client.is_some() {
            self.send(
                "executing",
                json!({"node": node, "display_node": node, "prompt_id": self.item.prompt_id}),
            );
        }
        let behaviour = self.state.behaviour();
        if behaviour.fail_class.as_deref() == Some(class.as_str()) {
            self.failed(node, &class);
            return false;
        }
        let (value, max) = if class == "KSampler" {
            let steps = self
                .input(node, "steps")
                .and_then(|s| s.as_u64())
                .unwrap_or(1) as u32;
            for step in 1..=steps {
                if self.sampler_step(node, step, steps).await {
                    self.interrupted(node);
                    return false;
                }
            }
            (Value::from(steps), Value::from(steps))
        } else {
            (1.0.into(), 1.0.into())
        };
        if matches!(class.as_str(), "SaveImage" | "PreviewImage") {
            let ui = self.save_images(node, &class);
            self.executed_message(node, ui.clone());
            self.outputs.push((node.to_owned(), ui));
        }
        self.progress_state(node, value, max, "finished");
        self.executed.push(node.to_owned());
        true
    }

    /// One sampler step; true when an interrupt arrived, which ComfyUI notices before reporting the step.
    async fn sampler_step(&mut self, node: &str, step: u32, steps: u32) -> bool {
        let behaviour = self.state.behaviour();
        if !behaviour.step_delay.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(behaviour.step_delay) => {}
                () = self.state.interrupted.notified() => {}
            }
        }
        if self.state.comfy().interrupt {
            return true;
        }
        self.progress_state(node, step.into(), steps.into(), "running");
        let preview_metadata = self.client_wants_preview_metadata();
        if behaviour.previews && preview_metadata {
            self.send_preview(node, true);
        }
        self.send(
            "progress",
            json!({"value": step, "max": steps, "prompt_id": self.item.prompt_id, "node": node}),
        );
        if behaviour.previews && !preview_metadata {
            self.send_preview(node, false);
        }
        if behaviour.drop_socket_at_step == Some(step)
            && let Some(client) = &self.client
            && let Some(socket) = self.state.comfy().sockets.remove(client)
        {
            let _ = socket.sender.send(Outgoing::Cut);
        }
        false
    }

    fn client_wants_preview_metadata(&self) -> bool {
        let comfy = self.state.comfy();
        self.client
            .as_ref()
            .and_then(|c| comfy.sockets.get(c))
            .is_some_and(|s| s.preview_metadata)
    }

    /// A latent preview: type 4 with metadata for clients that asked for it, else the legacy type 1 (JPEG).
    fn send_preview(&self, node: &str, with_metadata: bool) {
        let jpeg = recorded::preview_jpeg();
        let mut frame = Vec::with_capacity(jpeg.len() + 256);
        if with_metadata {
            let metadata = format!(
                "{{\"node_id\": \"{node}\", \"prompt_id\": \"{}\", \"display_node_id\": \"{node}\", \
                 \"parent_node_id\": null, \"real_node_id\": \"{node}\", \"image_type\": \"image/jpeg\"}}",
                self.item.prompt_id
            );
            frame.extend_from_slice(&4u32.to_be_bytes());
            frame.extend_from_slice(&(metadata.len() as u32).to_be_bytes());
            frame.extend_from_slice(metadata.as_bytes());
        } else {
            frame.extend_from_slice(&1u32.to_be_bytes());
            frame.extend_from_slice(&1u32.to_be_bytes());
        }
        frame.extend_from_slice(jpeg);
        let comfy = self.state.comfy();
        let sockets: Vec<_> = match &self.client {
            Some(client) => comfy.sockets.get(client).into_iter().collect(),
            None => comfy.sockets.values().collect(),
        };
        for socket in sockets {
            let _ = socket.sender.send(Outgoing::Binary(frame.clone()));
        }
    }

    /// Writes the recorded PNG once per batch item and returns the node's UI output.
    fn save_images(&self, node: &str, class: &str) -> Value {
        let png = self.recorded_png();
        let count = self.batch_size(node);
        let (kind, subfolder, prefix) = if class == "SaveImage" {
            let prefix = self
                .input(node, "filename_prefix")
                .map(|p| py_str(&p))
                .unwrap_or_else(|| "ComfyUI".to_owned());
            match prefix.rsplit_once('/') {
                Some((subfolder, name)) => ("output", subfolder.to_owned(), name.to_owned()),
                None => ("output", String::new(), prefix),
            }
        } else {
            let random: String = uuid::Uuid::new_v4()
                .simple()
                .to_string()
                .chars()
                .filter(char::is_ascii_lowercase)
                .take(5)
                .collect();
            ("temp", String::new(), format!("ComfyUI_temp_{random}"))
        };
        let mut comfy = self.state.comfy();
        let counter = next_counter(&comfy, kind, &subfolder, &prefix);
        let images: Vec<Value> = (0..count)
            .map(|i| {
                let filename = format!("{prefix}_{:05}_.png", counter + i);
                comfy.files.insert(
                    (kind.to_owned(), subfolder.clone(), filename.clone()),
                    Bytes::from_static(png),
                );
                json!({"filename": filename, "subfolder": subfolder, "type": kind})
            })
            .collect();
        json!({ "images": images })
    }

    /// Which recording matches this graph: SDXL, SD1.5, or no model at all.
    fn recorded_png(&self) -> &'static [u8] {
        let checkpoint = self.nodes().iter().find_map(|(id, _)| {
            (self.class(id) == "CheckpointLoaderSimple")
                .then(|| self.input(id, "ckpt_name").map(|c| py_str(&c)))
        });
        match checkpoint {
            Some(Some(name)) if name.to_lowercase().contains("xl") => PNG_SDXL,
            Some(_) => PNG_SD15,
            None => PNG_MODEL_FREE,
        }
    }

    /// The `batch_size` of the first node upstream that has one.
    fn batch_size(&self, node: &str) -> u64 {
        let mut seen = HashSet::new();
        let mut queue = vec![node.to_owned()];
        while let Some(id) = queue.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            if let Some(batch) = self.input(&id, "batch_size").and_then(|b| b.as_u64()) {
                return batch.max(1);
            }
            queue.extend(self.links(&id).into_iter().rev());
        }
        1
    }

    fn failed(&mut self, node: &str, class: &str) {
        let mut data = recorded::execution_error();
        let current_inputs: Map<String, Value> = match self.node(node).get("inputs") {
            Some(Json::Object(inputs)) => inputs
                .iter()
                .filter(|(_, value)| !matches!(value, Json::Array(_)))
                .map(|(name, value)| (name.clone(), json!([value.to_value()])))
                .collect(),
            _ => Map::new(),
        };
        data.insert("prompt_id".to_owned(), self.item.prompt_id.clone().into());
        data.insert("node_id".to_owned(), node.into());
        data.insert("node_type".to_owned(), class.into());
        data.insert("executed".to_owned(), json!(self.executed));
        data.insert("current_inputs".to_owned(), Value::Object(current_inputs));
        data.insert("current_outputs".to_owned(), json!(self.executed));
        self.message("execution_error", data);
        self.end = End::Error;
    }

    fn interrupted(&mut self, node: &str) {
        let mut data = self.prompt_data();
        data.insert("node_id".to_owned(), node.into());
        data.insert("node_type".to_owned(), self.class(node).into());
        data.insert("executed".to_owned(), json!(self.executed));
        self.message("execution_interrupted", data);
        self.end = End::Interrupted;
    }

    /// ComfyUI's `task_done`: history stored, then the queue update, then `executing` with `node: null`.
    fn finish(self) {
        let mut comfy = self.state.comfy();
        let mut cache = HashMap::new();
        for (id, _) in self.nodes() {
            let done = self.executed.contains(id) || comfy.cache.contains_key(&self.signatures[id]);
            if done {
                let ui = self
                    .outputs
                    .iter()
                    .find(|(node, _)| node == id)
                    .map(|(_, ui)| ui.clone());
                cache.insert(self.signatures[id].clone(), ui);
            }
        }
        comfy.cache = cache;
        let (status_str, completed) = match self.end {
            End::Success => ("success", true),
            End::Error | End::Interrupted => ("error", false),
        };
        let outputs: Map<String, Value> = self.outputs.iter().cloned().collect();
        let meta: Map<String, Value> = self
            .outputs
            .iter()
            .map(|(node, _)| {
                (node.clone(), json!({"node_id": node, "display_node": node, "parent_node": null, "real_node_id": node}))
            })
            .collect();
        let messages: Vec<Value> = self
            .messages
            .iter()
            .map(|(kind, data)| json!([kind, data]))
            .collect();
        let entry = Json::Object(vec![
            ("prompt".to_owned(), self.item.to_json()),
            (
                "outputs".to_owned(),
                Json::from_value(Value::Object(outputs)),
            ),
            (
                "status".to_owned(),
                Json::from_value(
                    json!({"status_str": status_str, "completed": completed, "messages": messages}),
                ),
            ),
            ("meta".to_owned(), Json::from_value(Value::Object(meta))),
        ]);
        comfy.history.push((self.item.prompt_id.clone(), entry));
        comfy.running = None;
        comfy.broadcast_status();
        if let Some(client) = &self.client {
            comfy.send(
                Some(client),
                "executing",
                json!({"node": null, "prompt_id": self.item.prompt_id}),
            );
        }
    }
}

/// ComfyUI's counter: one more than the highest number already saved under this prefix.
fn next_counter(comfy: &Comfy, kind: &str, subfolder: &str, prefix: &str) -> u64 {
    comfy
        .files
        .keys()
        .filter(|(k, s, _)| k == kind && s == subfolder)
        .filter_map(|(_, _, name)| {
            name.strip_prefix(prefix)?
                .strip_prefix('_')?
                .strip_suffix("_.png")?
                .parse::<u64>()
                .ok()
        })
        .max()
        .map_or(1, |highest| highest + 1)
}

/// A node's cache key: its class, its values, and the keys of what it links to (ComfyUI's input signature).
fn signatures(prompt: &Json) -> HashMap<String, String> {
    fn signature(
        nodes: &[(String, Json)],
        id: &str,
        memo: &mut HashMap<String, String>,
        visiting: &mut HashSet<String>,
    ) -> String {
        if let Some(known) = memo.get(id) {
            return known.clone();
        }
        let Some((_, node)) = nodes.iter().find(|(node_id, _)| node_id == id) else {
            return format!("missing:{id}");
        };
        if !visiting.insert(id.to_owned()) {
            return format!("cycle:{id}");
        }
        let mut inputs: Vec<(String, String)> = match node.get("inputs") {
            Some(Json::Object(inputs)) => inputs
                .iter()
                .map(|(name, value)| {
                    let key = match value {
                        Json::Array(link) if link.len() == 2 && link[0].as_str().is_some() => {
                            let source = link[0].as_str().unwrap_or_default();
                            format!(
                                "link({},{})",
                                signature(nodes, source, memo, visiting),
                                link[1].to_value()
                            )
                        }
                        other => other.to_value().to_string(),
                    };
                    (name.clone(), key)
                })
                .collect(),
            _ => Vec::new(),
        };
        inputs.sort();
        let class = node
            .get("class_type")
            .map(|c| c.to_value().to_string())
            .unwrap_or_default();
        let key = format!("{class}{inputs:?}");
        visiting.remove(id);
        memo.insert(id.to_owned(), key.clone());
        key
    }
    let nodes = prompt.as_object().unwrap_or_default();
    let mut memo = HashMap::new();
    for (id, _) in nodes {
        signature(nodes, id, &mut memo, &mut HashSet::new());
    }
    memo
}

/// ComfyUI's `ExecutionList`: a topological dissolve of the graph from its outputs, skipping cached inputs.
struct Order {
    pending: Vec<String>,
    blockers: HashMap<String, HashSet<String>>,
    blocking: HashMap<String, HashSet<String>>,
}

impl Order {
    fn new(run: &Run<'_>) -> Self {
        let mut order = Self {
            pending: Vec::new(),
            blockers: HashMap::new(),
            blocking: HashMap::new(),
        };
        for output in &run.item.outputs {
            order.add_node(run, output);
        }
        order
    }

    fn add_node(&mut self, run: &Run<'_>, start: &str) {
        let mut stack = vec![start.to_owned()];
        let mut links = Vec::new();
        while let Some(id) = stack.pop() {
            if self.pending.contains(&id) {
                continue;
            }
            self.pending.push(id.clone());
            self.blockers.entry(id.clone()).or_default();
            self.blocking.entry(id.clone()).or_default();
            for source in run.links(&id) {
                if run.cached_output(&source).is_none() {
                    stack.push(source.clone());
                    links.push((source, id.clone()));
                }
            }
        }
        for (from, to) in links {
            self.blocking
                .entry(from.clone())
                .or_default()
                .insert(to.clone());
            self.blockers.entry(to).or_default().insert(from);
        }
    }

    fn next(&mut self, run: &Run<'_>) -> Option<String> {
        let ready: Vec<&String> = self
            .pending
            .iter()
            .filter(|id| self.blockers[*id].is_empty())
            .collect();
        let is_output = |id: &String| run.state.classes.is_output(&run.class(id));
        let blocks_output = |id: &String| self.blocking[id].iter().any(is_output);
        let picked = ready
            .iter()
            .find(|id| is_output(id))
            .or_else(|| ready.iter().find(|id| blocks_output(id)))
            .or_else(|| {
                ready
                    .iter()
                    .find(|id| self.blocking[**id].iter().any(blocks_output))
            })
            .or_else(|| ready.first())
            .map(|id| (*id).clone())?;
        self.pending.retain(|id| *id != picked);
        for blocked in self.blocking.remove(&picked).unwrap_or_default() {
            if let Some(blockers) = self.blockers.get_mut(&blocked) {
                blockers.remove(&picked);
            }
        }
        Some(picked)
    }
}
