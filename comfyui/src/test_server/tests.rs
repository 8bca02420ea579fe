//! The stand-in against the recordings: the same requests must get the same answers and the same
//! WebSocket messages in the same order (timestamps, ids and file counters aside).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::ordered::Json;
use super::{Behaviour, TestServer};

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn recording(path: &str) -> String {
    let path = format!("{}/recordings/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn recorded_json(path: &str) -> Value {
    serde_json::from_str(&recording(path)).unwrap()
}

/// The frames a recorded client received, and what it sent first, in order.
fn recorded_frames(path: &str) -> (Vec<Value>, Vec<String>) {
    let mut sent = Vec::new();
    let mut received = Vec::new();
    for line in recording(path).lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        match record["direction"].as_str() {
            Some("client->server") => sent.push(record["json"].to_string()),
            Some("server->client") if record["kind"] == "binary" => {
                received.push(json!({"binary": record["event_type"]}));
            }
            Some("server->client") => received.push(record["json"].clone()),
            _ => {}
        }
    }
    (received, sent)
}

/// The recorded `POST /prompt` body with its keys in the recorded order, which decides ComfyUI's node order.
fn recorded_request(path: &str) -> String {
    let summary: Json = serde_json::from_str(&recording(path)).unwrap();
    let body = summary
        .get("prompt_request")
        .and_then(|r| r.get("body"))
        .unwrap();
    serde_json::to_string(body).unwrap()
}

async fn connect(server: &TestServer, client_id: &str) -> Socket {
    let url = format!(
        "{}/ws?clientId={client_id}",
        server.url.replacen("http", "ws", 1)
    );
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

async fn next_frame(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a frame in time");
        match message.expect("socket open").expect("a frame") {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Binary(bytes) => {
                return json!({"binary": u32::from_be_bytes(bytes[..4].try_into().unwrap())});
            }
            _ => {}
        }
    }
}

/// What must match between a recorded frame and ours.
fn shape(frame: &Value) -> String {
    let data = &frame["data"];
    let counterless = |images: &Value| {
        images
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| {
                let name = i["filename"].as_str().unwrap_or_default();
                let name = name
                    .trim_end_matches("_.png")
                    .trim_end_matches(|c: char| c.is_ascii_digit());
                let name = if name.starts_with("ComfyUI_temp_") {
                    "ComfyUI_temp_"
                } else {
                    name
                };
                format!(
                    "{name}#/{}/{}",
                    i["subfolder"].as_str().unwrap_or_default(),
                    i["type"].as_str().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    match frame["type"].as_str() {
        None => format!("binary {}", frame["binary"]),
        Some("status") => format!(
            "status {} sid={}",
            data["status"]["exec_info"]["queue_remaining"],
            data.get("sid").is_some()
        ),
        Some("execution_cached") => format!("cached {}", data["nodes"]),
        Some("executing") => format!(
            "executing {} prompt_id={}",
            data["node"],
            data.get("prompt_id").is_some()
        ),
        Some("progress") => format!(
            "progress {}/{} node {}",
            data["value"], data["max"], data["node"]
        ),
        Some("progress_state") => {
            let mut nodes: Vec<String> = data["nodes"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(id, n)| format!("{id}:{}:{}/{}", n["state"], n["value"], n["max"]))
                .collect();
            nodes.sort();
            format!("progress_state {}", nodes.join(" "))
        }
        Some("executed") => format!(
            "executed {} {}",
            data["node"],
            counterless(&data["output"]["images"])
        ),
        Some("execution_error") => format!(
            "error {} {} executed={} {}",
            data["node_id"],
            data["node_type"],
            sorted(&data["executed"]),
            data["exception_message"]
        ),
        Some("execution_interrupted") => {
            format!(
                "interrupted {} {} executed={}",
                data["node_id"],
                data["node_type"],
                sorted(&data["executed"])
            )
        }
        Some("feature_flags") => format!("feature_flags {data}"),
        Some(other) => other.to_owned(),
    }
}

/// ComfyUI keeps `executed` in a set, so its order means nothing.
fn sorted(list: &Value) -> String {
    let mut items: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .map(ToString::to_string)
        .collect();
    items.sort();
    items.join(",")
}

fn shapes(frames: &[Value]) -> Vec<String> {
    frames.iter().map(shape).collect()
}

/// Replays a recorded run: same client id, same first frames from the client, same POST; compares what
/// comes back over the socket with what the real server sent.
async fn replay(server: &TestServer, run: &str) -> Value {
    let request = recorded_request(&format!("{run}/prompt.json"));
    let (expected, sent) = recorded_frames(&format!("{run}/ws.jsonl"));
    let client_id = expected[0]["data"]["sid"].as_str().unwrap().to_owned();
    let mut socket = connect(server, &client_id).await;
    for frame in sent {
        socket.send(Message::Text(frame.into())).await.unwrap();
    }
    let mut received = Vec::new();
    // The hello (and the feature_flags answer) come before the client posts.
    let before_post = expected
        .iter()
        .take_while(|f| {
            f["type"] == "status" && f["data"].get("sid").is_some() || f["type"] == "feature_flags"
        })
        .count();
    for _ in 0..before_post {
        received.push(next_frame(&mut socket).await);
    }
    let response = reqwest::Client::new()
        .post(format!("{}/prompt", server.url))
        .body(request)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{run}");
    let accepted: Value = response.json().await.unwrap();
    while received.len() < expected.len() {
        received.push(next_frame(&mut socket).await);
    }
    assert_eq!(shapes(&received), shapes(&expected), "{run}");
    accepted
}

#[tokio::test]
async fn a_model_free_job_then_the_same_job_cached() {
    let server = TestServer::start().await;
    replay(&server, "model_free").await;
    replay(&server, "model_free_cached").await;
}

#[tokio::test]
async fn sd15_cold_then_warm_then_batch_of_four() {
    let server = TestServer::start().await;
    replay(&server, "sd15_b1_cold").await;
    replay(&server, "sd15_b1_warm").await;
    replay(&server, "sd15_b4").await;
}

#[tokio::test]
async fn two_outputs_run_in_comfyuis_order_with_our_prompt_id() {
    let server = TestServer::start().await;
    let accepted = replay(&server, "model_free_multi").await;
    assert_eq!(
        accepted["prompt_id"],
        "00000000-0000-4000-8000-000000000001"
    );
}

#[tokio::test]
async fn a_failing_node_sends_the_recorded_execution_error() {
    let server = TestServer::start_with(Behaviour {
        fail_class: Some("ImageBlend".into()),
        ..Default::default()
    })
    .await;
    let accepted = replay(&server, "runtime_error").await;
    let id = accepted["prompt_id"].as_str().unwrap();
    let history: Value = reqwest::get(format!("{}/history/{id}", server.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let recorded = recorded_json("runtime_error/history.json")["response"]["body"].clone();
    let recorded = recorded.as_object().unwrap().values().next().unwrap();
    assert_eq!(
        history[id]["status"]["status_str"],
        recorded["status"]["status_str"]
    );
    assert_eq!(
        history[id]["status"]["completed"],
        recorded["status"]["completed"]
    );
    assert_eq!(history[id]["outputs"], recorded["outputs"]);
}

#[tokio::test]
async fn previews_are_binary_frames_in_both_recorded_orders() {
    // Recorded one after the other on a fresh server: the second found the model and prompts cached.
    let server = TestServer::start_with(Behaviour {
        previews: true,
        ..Default::default()
    })
    .await;
    replay(&server, "sd15_preview_latent2rgb_legacy").await;
    replay(&server, "sd15_preview_latent2rgb_metadata").await;
}

#[tokio::test]
async fn a_job_without_client_id_only_broadcasts_progress_and_status() {
    let server = TestServer::start().await;
    let (expected, _) = recorded_frames("model_free_no_client_id/ws_observer.jsonl");
    let mut observer = connect(&server, "rec-observer-1").await;
    let mut received = vec![next_frame(&mut observer).await];
    let request = recorded_request("model_free_no_client_id/prompt.json");
    assert!(!request.contains("client_id"));
    reqwest::Client::new()
        .post(format!("{}/prompt", server.url))
        .body(request)
        .send()
        .await
        .unwrap();
    while received.len() < expected.len() {
        received.push(next_frame(&mut observer).await);
    }
    assert_eq!(shapes(&received), shapes(&expected));
}

/// Every recorded `POST /prompt` error, sent again: same status, same content type, same body.
#[tokio::test]
async fn prompt_errors_are_answered_as_recorded() {
    // The errors were recorded before any checkpoint was installed.
    let server = TestServer::start_with(Behaviour {
        checkpoints: Vec::new(),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let dir = format!("{}/recordings/errors", env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let exchange: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (request, expected) = (&exchange["request"], &exchange["response"]);
        if request["method"] != "POST" || request["path"] != "/prompt" {
            continue;
        }
        let body = match &request["body"] {
            Value::Null => request["body_raw"].as_str().unwrap_or_default().to_owned(),
            body => body.to_string(),
        };
        let response = client
            .post(format!("{}/prompt", server.url))
            .body(body)
            .send()
            .await
            .unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(response.status().as_u16(), expected["status"], "{name}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            content_type,
            expected["headers"]["Content-Type"].as_str().unwrap(),
            "{name}"
        );
        let text = response.text().await.unwrap();
        match expected.get("body") {
            Some(body) if expected["status"] == 200 => {
                let ours: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(ours["node_errors"], body["node_errors"], "{name}");
            }
            Some(body) => assert_eq!(
                serde_json::from_str::<Value>(&text).unwrap(),
                *body,
                "{name}"
            ),
            None => assert_eq!(text, expected["body_text"].as_str().unwrap(), "{name}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 24);
}

#[tokio::test]
async fn converted_values_are_stored_converted() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    for case in ["int_input_given_float", "int_input_given_numeric_string"] {
        let request = &recorded_json(&format!("errors/{case}.json"))["request"]["body"];
        let accepted: Value = client
            .post(format!("{}/prompt", server.url))
            .json(request)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = accepted["prompt_id"].as_str().unwrap();
        let recorded =
            recorded_json(&format!("errors/{case}_history.json"))["response"]["body"].clone();
        let recorded_prompt = &recorded.as_object().unwrap().values().next().unwrap()["prompt"][2];
        let history = loop {
            let history: Value = client
                .get(format!("{}/history/{id}", server.url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if history.get(id).is_some() {
                break history;
            }
            tokio::task::yield_now().await;
        };
        assert_eq!(&history[id]["prompt"][2], recorded_prompt, "{case}");
    }
}

#[tokio::test]
async fn other_routes_answer_as_recorded() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    for case in [
        "errors/view_bad_type.json",
        "errors/view_dotdot_filename.json",
        "errors/view_missing_file.json",
        "errors/view_no_filename.json",
        "errors/view_subfolder_escape.json",
        "errors/unknown_route.json",
        "errors/prompt_wrong_method.json",
        "errors/origin_mismatch.json",
        "errors/history_unknown_id.json",
        "info/system_stats.json",
        "info/features.json",
        "info/queue_idle.json",
        "info/get_prompt_idle.json",
        "info/object_info_unknown_class.json",
        "object_info/KSampler.json",
    ] {
        let exchange = recorded_json(case);
        let request = &exchange["request"];
        let method = request["method"].as_str().unwrap().parse().unwrap();
        let mut call = client.request(
            method,
            format!("{}{}", server.url, request["path"].as_str().unwrap()),
        );
        for (name, value) in request["headers"].as_object().into_iter().flatten() {
            call = call.header(name, value.as_str().unwrap());
        }
        let response = call.send().await.unwrap();
        let expected = &exchange["response"];
        assert_eq!(response.status().as_u16(), expected["status"], "{case}");
        let text = response.text().await.unwrap();
        match expected.get("body") {
            Some(body) => assert_eq!(
                serde_json::from_str::<Value>(&text).unwrap(),
                *body,
                "{case}"
            ),
            None => assert_eq!(text, expected["body_text"].as_str().unwrap(), "{case}"),
        }
    }
}

/// The `queue_interrupt` recording, step by step: pending jobs ordered by number (`front` first), deletes and
/// clears that touch only pending jobs, interrupts that only hit the running job they name.
#[tokio::test]
async fn queue_and_interrupt_behave_as_recorded() {
    let server = TestServer::start_with(Behaviour {
        step_delay: Duration::from_secs(60),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let log = recorded_json("queue_interrupt/http_log.json");
    let posts: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["request"]["path"] == "/prompt")
        .collect();
    let mut socket = connect(&server, "rec-queue").await;
    next_frame(&mut socket).await;
    let mut ids = Vec::new();
    for post in &posts[..4] {
        let accepted: Value = client
            .post(format!("{}/prompt", server.url))
            .json(&post["request"]["body"])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push((
            accepted["prompt_id"].as_str().unwrap().to_owned(),
            accepted["number"].clone(),
        ));
    }
    assert_eq!(
        ids.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>(),
        [json!(0), json!(1), json!(-2), json!(3)]
    );
    let (a, b, c, d) = (&ids[0].0, &ids[1].0, &ids[2].0, &ids[3].0);
    // A runs until its first sampler step, which takes a minute here; all four jobs are queued.
    let (mut sampling, mut queued) = (false, false);
    while !(sampling && queued) {
        let frame = next_frame(&mut socket).await;
        sampling |= frame["type"] == "executing" && frame["data"]["node"] == "3";
        queued |= shape(&frame) == "status 4 sid=false";
    }
    let url = server.url.clone();
    let queue = |client: reqwest::Client| {
        let url = format!("{url}/queue");
        async move {
            let queue: Value = client.get(url).send().await.unwrap().json().await.unwrap();
            let ids = |list: &Value| -> Vec<String> {
                let mut items: Vec<&Value> = list.as_array().unwrap().iter().collect();
                items.sort_by(|x, y| x[0].as_f64().unwrap().total_cmp(&y[0].as_f64().unwrap()));
                items
                    .iter()
                    .map(|item| item[1].as_str().unwrap().to_owned())
                    .collect()
            };
            (ids(&queue["queue_running"]), ids(&queue["queue_pending"]))
        }
    };
    assert_eq!(
        queue(client.clone()).await,
        (vec![a.clone()], vec![c.clone(), b.clone(), d.clone()])
    );

    let post = |path: &'static str, body: Value| {
        let client = client.clone();
        let url = format!("{}{path}", server.url);
        async move {
            let response = client.post(url).json(&body).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    assert_eq!(
        post("/queue", json!({"delete": [b]})).await,
        (200, String::new())
    );
    assert_eq!(shape(&next_frame(&mut socket).await), "status 3 sid=false");
    assert_eq!(
        post("/queue", json!({"delete": ["no-such-id"]})).await,
        (200, String::new())
    );
    assert_eq!(
        post("/queue", json!({"clear": true})).await,
        (200, String::new())
    );
    assert_eq!(shape(&next_frame(&mut socket).await), "status 1 sid=false");
    assert_eq!(queue(client.clone()).await, (vec![a.clone()], vec![]));

    assert_eq!(
        post("/interrupt", json!({"prompt_id": b})).await,
        (200, String::new())
    );
    assert_eq!(
        post("/interrupt", json!({"prompt_id": a})).await,
        (200, String::new())
    );
    let rest: Vec<String> = [
        next_frame(&mut socket).await,
        next_frame(&mut socket).await,
        next_frame(&mut socket).await,
    ]
    .iter()
    .map(shape)
    .collect();
    assert_eq!(
        rest,
        [
            "interrupted \"3\" \"KSampler\" executed=\"4\",\"5\",\"6\",\"7\"",
            "status 0 sid=false",
            "executing null prompt_id=true"
        ]
    );
    let history: Value = client
        .get(format!("{}/history/{a}", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history[a.as_str()]["status"]["status_str"], "error");
    assert_eq!(history[a.as_str()]["status"]["completed"], false);
    let never_ran: Value = client
        .get(format!("{}/history/{b}", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(never_ran, json!({}));
}

/// The `upload` recording: the recorded uploads get the recorded answers (a missing image a bare `400`),
/// a prompt loading them (one from a subfolder) runs as recorded, `/view` serves the upload and
/// `LoadImage` lists the top-level one.
#[tokio::test]
async fn uploads_answer_as_recorded_and_load_image_finds_them() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    // The recorded client uploaded the model-free graph's output (551 bytes, 96x48).
    let png = include_bytes!("../../recordings/model_free/view_3_rec_modelfree_00001_.png");
    let exchanges = recorded_json("upload/upload_image.json");
    for exchange in exchanges.as_array().unwrap() {
        let case = &exchange["description"];
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in exchange["request"]["body_form"].as_object().unwrap() {
            form = if name == "image" {
                let file = reqwest::multipart::Part::bytes(png.to_vec())
                    .file_name("rec_upload.png")
                    .mime_str("image/png")
                    .unwrap();
                form.part("image", file)
            } else {
                form.text(name.clone(), value.as_str().unwrap().to_owned())
            };
        }
        let response = client
            .post(format!("{}/upload/image", server.url))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let expected = &exchange["response"];
        assert_eq!(response.status().as_u16(), expected["status"], "{case}");
        let text = response.text().await.unwrap();
        match expected.get("body") {
            Some(body) => assert_eq!(
                serde_json::from_str::<Value>(&text).unwrap(),
                *body,
                "{case}"
            ),
            None => assert_eq!(text, expected["body_text"].as_str().unwrap(), "{case}"),
        }
    }
    replay(&server, "upload").await;

    let view = recorded_json("upload/view_input.json");
    let response = client
        .get(format!(
            "{}{}",
            server.url,
            view["request"]["path"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), view["response"]["status"]);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.bytes().await.unwrap().as_ref(), png);
    let listed: Value = client
        .get(format!("{}/object_info/LoadImage", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed,
        recorded_json("object_info/LoadImage_after_upload.json")["response"]["body"]
    );
}
