//! Animations and characters on ComfyUI, against the recorded-behaviour test server: frame 1 from
//! the prompt, every other frame redrawn from it (img2img) once it is back, a workflow without an
//! init image drawing every frame from its prompt, and cancellation reaching the queued frames.

use std::time::Duration;

use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use serde_json::{Value, json};

use crate::support::*;

/// The stand-in with the checkpoint the built-in workflows name, each sampler step taking `step_delay`.
async fn comfy_with_steps_of(step_delay: Duration) -> TestServer {
    TestServer::start_with(Behaviour {
        checkpoints: vec!["sd_xl_base_1.0.safetensors".into()],
        step_delay,
        ..Behaviour::default()
    })
    .await
}

/// The node of `class` in a prompt the stand-in received.
fn node<'a>(prompt: &'a Value, class: &str) -> Option<&'a Value> {
    prompt
        .as_object()
        .unwrap()
        .values()
        .find(|node| node["class_type"] == class)
}

/// The positive prompt (node 6 in both built-in templates).
fn text(prompt: &Value) -> String {
    prompt["6"]["inputs"]["text"].as_str().unwrap().to_owned()
}

/// Polls `condition` every 20 ms for up to 10 s.
async fn until(what: &str, condition: impl Fn() -> bool) {
    let wait = async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("{what} within 10 s"));
}

/// Checks that `prompts[0]` was drawn from the prompt and every other one from the uploaded first
/// frame at `denoise`, all with one seed; gives the uploaded name.
fn assert_img2img_from_the_first(prompts: &[Value], denoise: f64) -> String {
    let first = &prompts[0];
    assert!(node(first, "LoadImage").is_none(), "frame 1 is txt2img");
    assert!(node(first, "EmptyLatentImage").is_some());
    let seed = &node(first, "KSampler").unwrap()["inputs"]["seed"];
    let init = node(&prompts[1], "LoadImage").unwrap()["inputs"]["image"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(init.starts_with("dgx-pixels/init-"), "{init}");
    for (i, prompt) in prompts.iter().enumerate().skip(1) {
        assert!(
            node(prompt, "EmptyLatentImage").is_none(),
            "frame {}",
            i + 1
        );
        assert_eq!(node(prompt, "LoadImage").unwrap()["inputs"]["image"], init);
        let sampler = &node(prompt, "KSampler").unwrap()["inputs"];
        assert_eq!(sampler["denoise"], denoise, "frame {}", i + 1);
        assert_eq!(&sampler["seed"], seed, "frame {}: one seed", i + 1);
    }
    init
}

#[tokio::test]
async fn an_animation_draws_frame_one_from_the_prompt_then_every_other_frame_from_it() {
    let comfy = comfy_with_steps_of(Duration::from_millis(100)).await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    let handle = start_call(
        &client,
        "generate_animation",
        json!({"prompt": "knight", "action": "walk", "frames": 4, "size": 32, "steps": 2, "seed": 4, "denoise": 0.4}),
    )
    .await;
    let rmcp::model::ServerResult::CallToolResult(result) = handle.await_response().await.unwrap()
    else {
        panic!("a tool result");
    };
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.clone().unwrap();
    assert_eq!(
        structured["frames"],
        json!({"columns": 4, "rows": 1, "count": 4})
    );

    let prompts = comfy.prompts();
    assert_eq!(prompts.len(), 4, "one job per frame");
    let init = assert_img2img_from_the_first(&prompts, 0.4);
    for (k, prompt) in prompts.iter().enumerate() {
        let words = format!("walk animation frame {} of 4, front view", k + 1);
        assert!(text(prompt).contains(&words), "{}", text(prompt));
    }
    let uploaded = comfy
        .input_file(&init)
        .expect("the first frame was uploaded");
    let executions = comfy.executions();
    let first_frame = image::load_from_memory(&uploaded).unwrap().to_rgba8();
    assert_eq!(
        first_frame.dimensions(),
        (64, 64),
        "the raw frame, not the sprite"
    );
    assert_eq!(
        structured["consistency"],
        json!({"method": "img2img_from_first_frame", "workflow": "animation", "denoise": 0.4,
               "first_frame": {"prompt_id": executions[0].prompt_id, "server": comfy.url}})
    );
    // Frames 2–4 were queued together as soon as frame 1 was back.
    let rest: Vec<String> = executions[1..]
        .iter()
        .map(|e| e.prompt_id.clone())
        .collect();
    assert!(
        comfy.idle_between(&rest).iter().all(Duration::is_zero),
        "{:?}",
        comfy.idle_between(&rest)
    );

    tokio::time::sleep(Duration::from_millis(100)).await;
    let messages: Vec<String> = client
        .service()
        .progress
        .lock()
        .unwrap()
        .iter()
        .filter_map(|p| p.message.clone())
        .collect();
    for k in 1..=4 {
        for stage in ["sampling step 2/2", "generated", "stored"] {
            let label = format!("{stage}: walk south frame {k}/4");
            assert!(
                messages.iter().any(|m| m.contains(&label)),
                "{label}: {messages:?}"
            );
        }
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_character_in_four_directions_redraws_every_row_from_the_first_frame() {
    let comfy = comfy_with_steps_of(Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    let result = call(
        &client,
        "generate_character",
        json!({"prompt": "knight", "directions": 4, "animations": ["idle", "wave"], "frames": 2, "size": 32, "steps": 2, "seed": 8}),
    )
    .await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.unwrap();
    assert_eq!(
        structured["frames"],
        json!({"columns": 4, "rows": 4, "count": 16})
    );
    assert_eq!(
        structured["consistency"]["method"],
        "img2img_from_first_frame"
    );
    assert_eq!(structured["consistency"]["denoise"], 0.55, "the default");

    let prompts = comfy.prompts();
    assert_eq!(prompts.len(), 16);
    assert_img2img_from_the_first(&prompts, 0.55);
    assert!(text(&prompts[0]).contains("idle animation frame 1 of 2, front view"));
    // Row by row (south, east, north, west), idle then wave in each.
    for (row, view) in [
        "front view",
        "side view, facing right",
        "back view",
        "side view, facing left",
    ]
    .iter()
    .enumerate()
    {
        for (column, clip) in ["idle", "idle", "wave", "wave"].iter().enumerate() {
            let prompt = text(&prompts[row * 4 + column]);
            let words = format!("{clip} animation frame {} of 2, {view}", column % 2 + 1);
            assert!(prompt.contains(&words), "{prompt}");
        }
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_workflow_without_an_init_image_draws_every_frame_from_its_prompt_and_says_so() {
    let comfy = comfy_with_steps_of(Duration::ZERO).await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    let result = call(
        &client,
        "generate_animation",
        json!({"prompt": "slime", "action": "idle", "frames": 3, "size": 16, "steps": 2, "seed": 3, "workflow": "sprite"}),
    )
    .await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let consistency = &result.structured_content.unwrap()["consistency"];
    assert_eq!(consistency["method"], "shared_seed");
    assert_eq!(consistency["workflow"], "sprite");
    assert!(
        consistency["reason"]
            .as_str()
            .unwrap()
            .contains("has no init image input"),
        "{consistency}"
    );
    let prompts = comfy.prompts();
    assert_eq!(prompts.len(), 3);
    assert!(prompts.iter().all(|p| node(p, "LoadImage").is_none()));
    let seeds: Vec<&Value> = prompts
        .iter()
        .map(|p| &node(p, "KSampler").unwrap()["inputs"]["seed"])
        .collect();
    assert!(seeds.iter().all(|s| *s == seeds[0]), "{seeds:?}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn cancelling_after_frame_one_removes_and_interrupts_the_queued_frames() {
    let comfy = comfy_with_steps_of(Duration::from_millis(400)).await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    let handle = start_call(
        &client,
        "generate_animation",
        json!({"prompt": "knight", "action": "run", "frames": 3, "size": 16, "steps": 3, "seed": 1}),
    )
    .await;
    until("frames 2 and 3 queued", || comfy.prompts().len() == 3).await;
    handle.cancel(Some("test".into())).await.unwrap();
    let queue = format!("{}/queue", comfy.url);
    let idle = async {
        loop {
            let queue: Value = reqwest::get(&queue).await.unwrap().json().await.unwrap();
            if queue["queue_running"] == json!([]) && queue["queue_pending"] == json!([]) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), idle)
        .await
        .expect("the queue empties within 5 s");
    let finished_frames = comfy
        .executions()
        .iter()
        .skip(1)
        .filter(|e| e.success_sent_at.is_some())
        .count();
    assert_eq!(finished_frames, 0, "{:?}", comfy.executions());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn denoise_is_checked_and_its_range_is_in_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    for (tool, arguments) in [
        (
            "generate_animation",
            json!({"prompt": "knight", "action": "walk", "denoise": 0.05}),
        ),
        (
            "generate_character",
            json!({"prompt": "knight", "denoise": 1.5}),
        ),
    ] {
        let got = arguments["denoise"].clone();
        let expected = format!("denoise must be 0.1–1.0, got {got}");
        assert_tool_errors(&client, tool, [(arguments, expected.as_str())]).await;
    }
    let tools = client.list_all_tools().await.unwrap();
    for name in ["generate_animation", "generate_character"] {
        let tool = tools.iter().find(|t| t.name == name).unwrap();
        let denoise = &tool.input_schema["properties"]["denoise"];
        assert_eq!(
            (&denoise["minimum"], &denoise["maximum"]),
            (&json!(0.1), &json!(1.0)),
            "{name}: {denoise}"
        );
    }
    client.cancel().await.unwrap();
}
