//! The comfyui backend through the real binary, against the recorded-behaviour ComfyUI test server.

use std::time::{Duration, Instant};

use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use serde_json::json;

use crate::support::*;

async fn comfy() -> TestServer {
    comfy_with_steps_of(Duration::ZERO).await
}

/// The stand-in with the checkpoint and LoRA the built-in workflows name, each sampler step
/// taking `step_delay`.
async fn comfy_with_steps_of(step_delay: Duration) -> TestServer {
    TestServer::start_with(Behaviour {
        checkpoints: vec!["sd_xl_base_1.0.safetensors".into()],
        loras: vec!["pixel-art-xl.safetensors".into()],
        step_delay,
        ..Behaviour::default()
    })
    .await
}

/// Waits for the first `sampling step` progress of the call with `token`.
async fn until_sampling(client: &Client, token: &rmcp::model::ProgressToken) {
    let sampling = async {
        loop {
            let seen = client.service().progress.lock().unwrap().iter().any(|p| {
                &p.progress_token == token
                    && p.message.as_deref().is_some_and(|m| m.contains("sampling"))
            });
            if seen {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), sampling)
        .await
        .expect("sampling progress within 20 s");
}

/// Regression: a ComfyUI killed during sampling failed the call only after about 60 s.
#[tokio::test]
async fn a_comfyui_killed_mid_job_fails_the_call_within_5_s_and_the_next_call_works_once_it_is_back()
 {
    let mut comfy = comfy_with_steps_of(Duration::from_secs(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    let handle = start_call(
        &client,
        "generate_sprite",
        json!({"prompt": "knight", "steps": 20}),
    )
    .await;
    until_sampling(&client, &handle.progress_token.clone()).await;
    let killed = Instant::now();
    comfy.kill();
    let rmcp::model::ServerResult::CallToolResult(result) = handle.await_response().await.unwrap()
    else {
        panic!("a tool result");
    };
    let after = killed.elapsed();
    assert!(after < Duration::from_secs(5), "reported after {after:?}");
    let text = error_text(&result);
    assert!(
        text.contains(&comfy.url) && text.contains("Is ComfyUI running there?"),
        "{text}"
    );

    comfy.restart().await;
    comfy.configure(|b| b.step_delay = Duration::ZERO);
    let result = call(&client, "generate_sprite", json!({"prompt": "knight"})).await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    assert_eq!(result.structured_content.unwrap()["backend"], "comfyui");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_configured_server_becomes_the_default_backend_and_its_images_become_sprites() {
    let comfy = comfy().await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    let handle = start_call(&client, "generate_sprite", json!({"prompt": "knight", "size": 32, "seed": 5, "steps": 4, "loras": [{"name": "pixel-art-xl.safetensors", "strength": 0.8}]})).await;
    let rmcp::model::ServerResult::CallToolResult(result) = handle.await_response().await.unwrap()
    else {
        panic!("a tool result");
    };
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.clone().unwrap();
    assert_eq!(structured["backend"], "comfyui");
    assert_eq!(
        structured["server"].as_str().unwrap().trim_end_matches('/'),
        comfy.url.trim_end_matches('/')
    );
    assert!(
        structured["prompt_id"]
            .as_str()
            .is_some_and(|id| id.len() >= 32),
        "{structured}"
    );
    assert_eq!(sprite_image(&result).dimensions(), (32, 32));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let messages: Vec<String> = client
        .service()
        .progress
        .lock()
        .unwrap()
        .iter()
        .filter_map(|p| p.message.clone())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("sampling step")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("stored")),
        "{messages:?}"
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn comfyui_failures_are_tool_errors_that_say_what_went_wrong() {
    let comfy = comfy().await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;

    let text = error_text(
        &call(
            &client,
            "generate_sprite",
            json!({"prompt": "x", "sampler": "nope"}),
        )
        .await,
    );
    assert!(
        text.contains("KSampler"),
        "validation names the node class: {text}"
    );

    let text = error_text(
        &call(
            &client,
            "generate_sprite",
            json!({"prompt": "x", "workflow": "nope"}),
        )
        .await,
    );
    assert!(
        text.contains("sprite") && text.contains("tileset"),
        "lists the workflows: {text}"
    );

    let text = error_text(
        &call(
            &client,
            "generate_sprite",
            json!({"prompt": "x", "steps": 0}),
        )
        .await,
    );
    assert!(text.contains("steps must be 1–150, got 0"), "{text}");
    let text = error_text(
        &call(
            &client,
            "generate_sprite",
            json!({"prompt": "x", "render_size": 1001}),
        )
        .await,
    );
    assert!(
        text.contains("render_size must be 256–2048 and a multiple of 8"),
        "{text}"
    );

    comfy.configure(|b| b.fail_class = Some("KSampler".into()));
    let text = error_text(
        &call(
            &client,
            "generate_sprite",
            json!({"prompt": "x", "seed": 99}),
        )
        .await,
    );
    assert!(
        text.contains("KSampler"),
        "runtime error names the class: {text}"
    );

    // The embedded backend still works when asked for.
    let ok = call(
        &client,
        "generate_sprite",
        json!({"prompt": "x", "backend": "embedded"}),
    )
    .await;
    assert_eq!(ok.is_error, Some(false));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_server_gets_a_clear_error_naming_the_url() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", "http://127.0.0.1:9"]).await;
    let text = error_text(&call(&client, "generate_sprite", json!({"prompt": "x"})).await);
    assert!(text.contains("http://127.0.0.1:9"), "{text}");
    let text = error_text(&call(&client, "list_models", json!({})).await);
    assert!(text.contains("127.0.0.1:9"), "{text}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn list_models_and_doctor_show_what_the_server_offers() {
    let comfy = comfy().await;
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with(dir.path(), &["--comfyui", &comfy.url]).await;
    let models = call(&client, "list_models", json!({}))
        .await
        .structured_content
        .unwrap();
    assert_eq!(models["checkpoints"], json!(["sd_xl_base_1.0.safetensors"]));
    assert_eq!(models["loras"], json!(["pixel-art-xl.safetensors"]));
    assert!(
        models["workflows"]
            .as_array()
            .unwrap()
            .contains(&json!("tileset"))
    );
    assert_eq!(models["servers"][0]["state"], "ready");
    client.cancel().await.unwrap();

    let url = comfy.url.clone();
    let output = tokio::process::Command::new(BIN)
        .args(["doctor", "--comfyui", &url, "--out-dir"])
        .arg(dir.path())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("workflow         sprite ok"), "{stdout}");
    assert!(stdout.contains("sd_xl_base_1.0.safetensors"), "{stdout}");
}
