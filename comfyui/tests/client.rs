//! One client against the ComfyUI stand-in: the happy path, every way a job can fail, and cancellation.

mod common;

use std::time::{Duration, Instant};

use common::{
    Progress, Relay, UPLOADED_PNG, eventually, frame_from, get_json, is_queued, is_started,
    recorded_sdxl_image, sprite, until,
};
use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use dgx_pixels_comfyui::{
    CancellationToken, ClientOptions, ComfyError, InitImage, JobProgress, JobSpec, Pool, Server,
    Upload, Uploaded, Workflow, WorkflowError, WorkflowParams,
};
use serde_json::json;

fn slow(step_delay: Duration) -> Behaviour {
    Behaviour {
        step_delay,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_job_returns_the_recorded_image_with_progress_in_order() {
    let server = TestServer::start().await;
    let pool = Pool::new(vec![server.url.clone()]);
    let progress = Progress::default();
    let (callback, _) = progress.callback();
    let output = pool
        .run(sprite("a knight"), callback, CancellationToken::new())
        .await
        .unwrap();

    assert_eq!(output.images, [recorded_sdxl_image()]);
    assert_eq!(output.server, server.url);
    let node = |id: &str, class: &str| JobProgress::Node {
        node_id: id.into(),
        class_type: class.into(),
    };
    let step = |value| JobProgress::Step {
        value,
        max: 3,
        node_id: "3".into(),
    };
    assert_eq!(
        progress.events(),
        [
            JobProgress::Queued {
                prompt_id: output.prompt_id.clone(),
                server: server.url.clone(),
                ahead: 0
            },
            JobProgress::Started,
            // ComfyUI's order for our prompt, whose keys serde_json sends sorted.
            node("4", "CheckpointLoaderSimple"),
            node("6", "CLIPTextEncode"),
            node("7", "CLIPTextEncode"),
            node("5", "EmptyLatentImage"),
            node("3", "KSampler"),
            step(1),
            step(2),
            step(3),
            node("8", "VAEDecode"),
            node("9", "SaveImage"),
        ]
    );
    let history = get_json(&server.url, &format!("/history/{}", output.prompt_id)).await;
    assert_eq!(
        history[&output.prompt_id]["prompt"][2]["6"]["inputs"]["text"],
        "a knight"
    );
}

#[tokio::test]
async fn a_batch_gives_one_image_per_item() {
    let server = TestServer::start().await;
    let pool = Pool::new(vec![server.url.clone()]);
    let mut job = sprite("coins");
    job.params.batch = Some(4);
    let output = pool
        .run(job, |_| {}, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(output.images.len(), 4);
}

#[tokio::test]
async fn a_rejected_value_names_the_node_its_class_and_comfyuis_message() {
    let server = TestServer::start().await;
    let pool = Pool::new(vec![server.url.clone()]);
    let mut job = sprite("a knight");
    job.params.checkpoint = Some("missing.safetensors".into());
    let error = pool
        .run(job, |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    let ComfyError::Validation { problems, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (
            problems[0].node_id.as_str(),
            problems[0].class_type.as_str()
        ),
        ("4", "CheckpointLoaderSimple")
    );
    assert_eq!(problems[0].input_name.as_deref(), Some("ckpt_name"));
    assert_eq!(
        error.to_string(),
        format!(
            "ComfyUI at {} rejected node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: \
             'missing.safetensors' not in ['random_sd15.safetensors', 'random_sdxl.safetensors']",
            server.url
        )
    );
}

/// A user workflow with a second, broken output: ComfyUI queues the valid part and answers 200 with
/// `node_errors`; we fail the job, naming the broken node, and take the queued part back.
#[tokio::test]
async fn a_partly_accepted_workflow_fails_and_its_queued_part_is_cancelled() {
    let server = TestServer::start_with(slow(Duration::from_secs(30))).await;
    let pool = Pool::new(vec![server.url.clone()]);
    let mut export: serde_json::Value =
        serde_json::from_str(include_str!("../../config/workflows/sprite.json")).unwrap();
    export["20"] = json!({"class_type": "EmptyImage", "inputs": {"width": 0, "height": 64, "batch_size": 1, "color": 0}});
    export["21"] = json!({"class_type": "SaveImage", "inputs": {"images": ["20", 0], "filename_prefix": "broken"}});
    let mut job = sprite("a knight");
    job.workflow = Workflow::from_value("two_outputs", export).unwrap();
    let error = pool
        .run(job, |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "ComfyUI at {} rejected node 20 (EmptyImage): Value 0 smaller than min of 1: width",
            server.url
        )
    );
    eventually("the valid part is interrupted", async || {
        server
            .executions()
            .first()
            .is_some_and(|run| run.success_sent_at.is_none())
    })
    .await;
}

#[tokio::test]
async fn a_server_error_on_submit_is_reported_with_comfyuis_body() {
    let server = TestServer::start_with(Behaviour {
        crash_next_prompt: true,
        ..Default::default()
    })
    .await;
    let pool = Pool::new(vec![server.url.clone()]);
    let error = pool
        .run(sprite("a knight"), |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    assert!(
        matches!(error, ComfyError::Malformed { status: 500, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("HTTP 500: Server got itself in trouble"),
        "{error}"
    );
    // The next submission is answered normally.
    assert!(
        pool.run(sprite("a knight"), |_| {}, CancellationToken::new())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_node_failing_while_running_is_named_with_the_exception() {
    let server = TestServer::start_with(Behaviour {
        fail_class: Some("KSampler".into()),
        ..Default::default()
    })
    .await;
    let pool = Pool::new(vec![server.url.clone()]);
    let error = pool
        .run(sprite("a knight"), |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    let ComfyError::Execution {
        node_id,
        class_type,
        exception_type,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        (
            node_id.as_str(),
            class_type.as_str(),
            exception_type.as_str()
        ),
        ("3", "KSampler", "RuntimeError")
    );
    assert_eq!(
        error.to_string(),
        format!(
            "ComfyUI at {} failed in node 3 (KSampler): RuntimeError: The size of tensor a (2) must match the size \
             of tensor b (3) at non-singleton dimension 0",
            server.url
        )
    );
}

#[tokio::test]
async fn a_dropped_socket_mid_job_still_returns_the_images_from_history() {
    let server = TestServer::start_with(Behaviour {
        drop_socket_at_step: Some(1),
        step_delay: Duration::from_millis(50),
        ..Default::default()
    })
    .await;
    let pool = Pool::new(vec![server.url.clone()]);
    let progress = Progress::default();
    let (callback, _) = progress.callback();
    let output = pool
        .run(sprite("a knight"), callback, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(output.images, [recorded_sdxl_image()]);
    // Events stopped at the drop: the end came from /history.
    let steps: Vec<_> = progress
        .events()
        .into_iter()
        .filter(|p| matches!(p, JobProgress::Step { .. }))
        .collect();
    assert_eq!(
        steps,
        [JobProgress::Step {
            value: 1,
            max: 3,
            node_id: "3".into()
        }]
    );

    // The new socket carries the next job's events as usual (another prompt: ComfyUI would serve the same one
    // from its cache without sampling).
    server.configure(|b| b.drop_socket_at_step = None);
    let progress = Progress::default();
    let (callback, _) = progress.callback();
    pool.run(sprite("a wizard"), callback, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        progress
            .events()
            .iter()
            .filter(|p| matches!(p, JobProgress::Step { .. }))
            .count(),
        3
    );
}

#[tokio::test]
async fn cancelling_a_pending_job_removes_it_from_the_queue() {
    let server = TestServer::start_with(slow(Duration::from_secs(30))).await;
    let pool = Pool::new(vec![server.url.clone()]);
    let (running, mut running_events) = Progress::default().callback();
    let first = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.run(sprite("first"), running, CancellationToken::new())
                .await
        }
    });
    until(&mut running_events, is_started).await;

    let cancel = CancellationToken::new();
    let (callback, mut events) = Progress::default().callback();
    let second = tokio::spawn({
        let (pool, cancel) = (pool.clone(), cancel.clone());
        async move { pool.run(sprite("second"), callback, cancel).await }
    });
    let JobProgress::Queued {
        prompt_id, ahead, ..
    } = until(&mut events, is_queued).await
    else {
        unreachable!()
    };
    assert_eq!(ahead, 1);
    cancel.cancel();
    assert!(matches!(second.await.unwrap(), Err(ComfyError::Cancelled)));
    let queue = get_json(&server.url, "/queue").await;
    assert_eq!(queue["queue_pending"], json!([]));
    assert_eq!(
        get_json(&server.url, &format!("/history/{prompt_id}")).await,
        json!({})
    );
    first.abort();
}

#[tokio::test]
async fn cancelling_a_running_job_interrupts_only_it() {
    let server = TestServer::start_with(slow(Duration::from_secs(30))).await;
    let pool = Pool::new(vec![server.url.clone()]);
    let cancel = CancellationToken::new();
    let (callback, mut events) = Progress::default().callback();
    let job = tokio::spawn({
        let (pool, cancel) = (pool.clone(), cancel.clone());
        async move { pool.run(sprite("a knight"), callback, cancel).await }
    });
    let JobProgress::Queued { prompt_id, .. } = until(&mut events, is_queued).await else {
        unreachable!()
    };
    until(
        &mut events,
        |p| matches!(p, JobProgress::Node { class_type, .. } if class_type == "KSampler"),
    )
    .await;
    cancel.cancel();
    assert!(matches!(job.await.unwrap(), Err(ComfyError::Cancelled)));
    eventually("the job is interrupted", async || {
        get_json(&server.url, &format!("/history/{prompt_id}")).await[&prompt_id]["status"]["status_str"] == "error"
    })
    .await;
    let history = get_json(&server.url, &format!("/history/{prompt_id}")).await;
    assert_eq!(
        history[&prompt_id]["status"]["messages"][2][0],
        "execution_interrupted"
    );
}

#[tokio::test]
async fn dropping_the_future_cancels_the_job_too() {
    let server = TestServer::start_with(slow(Duration::from_secs(30))).await;
    let pool = Pool::new(vec![server.url.clone()]);
    let (callback, mut events) = Progress::default().callback();
    let job = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.run(sprite("a knight"), callback, CancellationToken::new())
                .await
        }
    });
    until(&mut events, is_started).await;
    job.abort();
    eventually("the abandoned job is interrupted", async || {
        !server.executions().is_empty()
    })
    .await;
}

#[tokio::test]
async fn an_interrupt_from_elsewhere_is_reported() {
    let server = TestServer::start_with(slow(Duration::from_secs(30))).await;
    let pool = Pool::new(vec![server.url.clone()]);
    let (callback, mut events) = Progress::default().callback();
    let job = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.run(sprite("a knight"), callback, CancellationToken::new())
                .await
        }
    });
    until(
        &mut events,
        |p| matches!(p, JobProgress::Node { class_type, .. } if class_type == "KSampler"),
    )
    .await;
    reqwest::Client::new()
        .post(format!("{}/interrupt", server.url))
        .send()
        .await
        .unwrap();
    let error = job.await.unwrap().unwrap_err();
    assert!(
        matches!(&error, ComfyError::Interrupted { node: Some(node), .. } if node == "3"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_server_that_is_down_is_named_within_seconds() {
    let pool = Pool::new(vec!["http://127.0.0.1:1".into()]);
    let started = Instant::now();
    let error = pool
        .run(sprite("a knight"), |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    let message = error.to_string();
    assert!(
        message.starts_with("cannot reach ComfyUI at http://127.0.0.1:1: "),
        "{message}"
    );
    assert!(
        message.contains("Is ComfyUI running there?") && message.contains("--listen"),
        "{message}"
    );
}

#[tokio::test]
async fn a_restart_mid_job_loses_that_job_and_the_next_one_works() {
    let mut server = TestServer::start_with(slow(Duration::from_secs(30))).await;
    let pool = Pool::new(vec![server.url.clone()]);
    let (callback, mut events) = Progress::default().callback();
    let job = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.run(sprite("a knight"), callback, CancellationToken::new())
                .await
        }
    });
    until(&mut events, is_started).await;
    server.restart().await;
    let error = job.await.unwrap().unwrap_err();
    assert!(matches!(error, ComfyError::Lost { .. }), "{error:?}");
    assert!(error.to_string().contains("restarted"), "{error}");

    server.configure(|b| b.step_delay = Duration::ZERO);
    assert!(
        pool.run(sprite("again"), |_| {}, CancellationToken::new())
            .await
            .is_ok()
    );
}

fn is_sampling(progress: &JobProgress) -> bool {
    matches!(progress, JobProgress::Node { class_type, .. } if class_type == "KSampler")
}

/// Regression: a ComfyUI killed while sampling was reported only after the 60 s the client
/// waited for it to come back.
#[tokio::test]
async fn a_server_killed_mid_job_is_named_within_5_s_and_the_next_job_works_once_it_is_back() {
    let mut server = TestServer::start_with(slow(Duration::from_secs(30))).await;
    let pool = Pool::new(vec![server.url.clone()]);
    let (callback, mut events) = Progress::default().callback();
    let job = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.run(sprite("a knight"), callback, CancellationToken::new())
                .await
        }
    });
    until(&mut events, is_sampling).await;
    let killed = Instant::now();
    server.kill();
    let error = job.await.unwrap().unwrap_err();
    let after = killed.elapsed();
    assert!(after < Duration::from_secs(5), "reported after {after:?}");
    assert!(error.is_unreachable(), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("cannot reach ComfyUI at {}: ", server.url)),
        "{message}"
    );
    assert!(
        message.contains("while job") && message.contains("Is ComfyUI running there?"),
        "{message}"
    );

    // While it is down, a new job is refused at once.
    let started = Instant::now();
    let error = pool
        .run(sprite("a wizard"), |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    assert!(error.is_unreachable(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));

    server.restart().await;
    server.configure(|b| b.step_delay = Duration::ZERO);
    let output = pool
        .run(sprite("again"), |_| {}, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(output.images, [recorded_sdxl_image()]);
}

/// The network to a ComfyUI that keeps running drops for less than the reconnect grace: the job
/// is not failed, and its images arrive once the server can be reached again.
#[tokio::test]
async fn a_brief_network_drop_mid_job_still_returns_the_images() {
    let server = TestServer::start_with(slow(Duration::from_millis(500))).await;
    let relay = Relay::start(&server.url).await;
    let pool = Pool::new(vec![relay.url.clone()]);
    assert!(ClientOptions::default().reconnect_grace > Duration::from_secs(2));
    let (callback, mut events) = Progress::default().callback();
    let job = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.run(sprite("a knight"), callback, CancellationToken::new())
                .await
        }
    });
    until(&mut events, is_sampling).await;
    relay.cut();
    tokio::time::sleep(Duration::from_secs(2)).await;
    relay.restore().await;
    let output = job.await.unwrap().unwrap();
    assert_eq!(output.images, [recorded_sdxl_image()]);
}

#[tokio::test]
async fn a_job_over_its_time_limit_times_out_and_is_cancelled() {
    let server = TestServer::start_with(slow(Duration::from_secs(30))).await;
    let options = ClientOptions {
        job_timeout: Some(Duration::from_millis(200)),
        ..Default::default()
    };
    let pool = Pool::with_options(vec![server.url.clone()], options);
    let error = pool
        .run(sprite("a knight"), |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    assert!(matches!(error, ComfyError::Timeout { .. }), "{error:?}");
    eventually("the timed-out job is interrupted", async || {
        !server.executions().is_empty()
    })
    .await;
}

#[tokio::test]
async fn models_and_health_come_from_the_server() {
    let server = TestServer::start().await;
    let pool = Pool::new(vec![server.url.clone()]);
    let models = pool.models().await.unwrap();
    assert_eq!(
        models.checkpoints,
        ["random_sd15.safetensors", "random_sdxl.safetensors"]
    );
    assert_eq!(models.loras, ["random_sd15_lora.safetensors"]);
    assert!(models.samplers.contains(&"euler".to_owned()));
    let status = pool.status().await;
    let (stats, _round_trip) = status[0].stats.as_ref().unwrap();
    assert_eq!(stats.system.comfyui_version, "0.3.64");
    assert_eq!(stats.devices[0].kind, "cpu");
}

#[tokio::test]
async fn doctor_checks_a_workflow_against_the_server() {
    let server = TestServer::start().await;
    let pool = Pool::new(vec![server.url.clone()]);
    let sprite_template = sprite("x").workflow;
    let problems = pool.servers()[0].check(&sprite_template).await.unwrap();
    assert!(
        matches!(&problems[..], [WorkflowError::NotOffered { input, value, .. }] if input == "ckpt_name" && value == "sd_xl_base_1.0.safetensors"),
        "{problems:?}"
    );
    let job: JobSpec = sprite("x");
    let bound = job
        .workflow
        .bind(&WorkflowParams {
            checkpoint: Some("random_sdxl.safetensors".into()),
            ..job.params
        })
        .unwrap();
    assert_eq!(pool.servers()[0].check(&bound).await.unwrap(), []);
}

#[tokio::test]
async fn an_upload_of_the_same_bytes_is_reused_and_other_bytes_are_stored_beside_it() {
    let comfy = TestServer::start().await;
    let server = Server::new(&comfy.url, ClientOptions::default());
    let other_png: &[u8] = include_bytes!("../recordings/sd15_b1_warm/view_rec_sd15_00009_.png");
    let upload = |png: &[u8], overwrite: bool| Upload {
        filename: "init.png".into(),
        subfolder: "dgx-pixels".into(),
        png: png.into(),
        overwrite,
    };
    let name = async |png: &[u8], overwrite: bool| {
        server.upload_image(&upload(png, overwrite)).await.unwrap()
    };

    let first = name(UPLOADED_PNG, false).await;
    assert_eq!(
        first,
        Uploaded {
            name: "init.png".into(),
            subfolder: "dgx-pixels".into(),
            kind: "input".into()
        }
    );
    assert_eq!(first.path(), "dgx-pixels/init.png");
    assert_eq!(
        name(UPLOADED_PNG, false).await.name,
        "init.png",
        "same bytes: reused"
    );
    assert_eq!(
        name(other_png, false).await.name,
        "init (1).png",
        "other bytes: beside"
    );
    assert_eq!(
        name(other_png, false).await.name,
        "init (1).png",
        "found beside"
    );
    assert_eq!(
        comfy.input_file("dgx-pixels/init.png").unwrap(),
        UPLOADED_PNG
    );
    assert_eq!(
        comfy.input_file("dgx-pixels/init (1).png").unwrap(),
        other_png
    );
    assert_eq!(name(other_png, true).await.name, "init.png", "overwritten");
    assert_eq!(comfy.input_file("dgx-pixels/init.png").unwrap(), other_png);

    let no_image = reqwest::Client::new()
        .post(format!("{}/upload/image", comfy.url))
        .multipart(reqwest::multipart::Form::new().text("type", "input"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_image.status(), 400);
    assert_eq!(no_image.text().await.unwrap(), "");
    // From `dgx-pixels/`, two levels up leaves the input folder.
    let outside = Upload {
        filename: "../../init.png".into(),
        ..upload(UPLOADED_PNG, false)
    };
    let refused = server.upload_image(&outside).await.unwrap_err();
    assert!(
        matches!(&refused, ComfyError::UploadRefused { status: 400, filename, .. } if filename == "../../init.png"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn an_img2img_job_uploads_its_init_image_and_loads_it_with_its_denoise() {
    let comfy = TestServer::start().await;
    let pool = Pool::new(vec![comfy.url.clone()]);
    let output = pool
        .run(
            frame_from(UPLOADED_PNG, "a knight, walking"),
            |_| {},
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(output.images, [recorded_sdxl_image()]);
    let prompts = comfy.prompts();
    let [prompt] = prompts.as_slice() else {
        panic!("one prompt: {prompts:?}");
    };
    assert_eq!(prompt["10"]["class_type"], "LoadImage");
    assert_eq!(prompt["10"]["inputs"]["image"], "dgx-pixels/init.png");
    assert_eq!(prompt["3"]["inputs"]["denoise"], 0.4);
    assert_eq!(prompt["3"]["inputs"]["latent_image"], json!(["11", 0]));
    assert_eq!(prompt["6"]["inputs"]["text"], "a knight, walking");
    assert_eq!(
        comfy.input_file("dgx-pixels/init.png").unwrap(),
        UPLOADED_PNG
    );
}

#[tokio::test]
async fn an_init_image_a_workflow_cannot_take_fails_before_anything_is_sent() {
    let comfy = TestServer::start().await;
    let pool = Pool::new(vec![comfy.url.clone()]);
    let mut job = frame_from(UPLOADED_PNG, "x");
    job.workflow = sprite("x").workflow;
    let error = pool
        .run(job, |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("init image input"), "{error}");
    assert_eq!(comfy.input_file("dgx-pixels/init.png"), None);

    let mut job = frame_from(UPLOADED_PNG, "x");
    job.init_image = None;
    let error = pool
        .run(job, |_| {}, CancellationToken::new())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("starts from an image"),
        "{error}"
    );
    assert!(comfy.prompts().is_empty());
}

#[tokio::test]
async fn doctor_checks_the_animation_workflow_with_an_example_init_image() {
    let comfy = TestServer::start().await;
    let server = Server::new(&comfy.url, ClientOptions::default());
    let animation = frame_from(UPLOADED_PNG, "x").workflow;
    assert!(animation.takes_init_image());
    let params = |image: &str| WorkflowParams {
        checkpoint: Some("random_sdxl.safetensors".into()),
        init_image: Some(InitImage {
            name: image.into(),
            denoise: 0.55,
        }),
        ..Default::default()
    };
    let bound = animation.bind(&params("example.png")).unwrap();
    assert_eq!(server.check(&bound).await.unwrap(), []);
    let missing = animation.bind(&params("missing.png")).unwrap();
    let problems = server.check(&missing).await.unwrap();
    assert!(
        matches!(&problems[..], [WorkflowError::NotOffered { input, value, .. }] if input == "image" && value == "missing.png"),
        "{problems:?}"
    );
}
