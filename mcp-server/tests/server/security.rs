//! What the server refuses: hostile sprite names and projects, foreign Origin/Host headers, a
//! missing or wrong token, and input pictures outside the configured roots.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::support::*;

/// Every file under `root`, with its bytes, to show that nothing changed outside `assets/`.
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[tokio::test]
async fn hostile_names_and_projects_are_refused_and_nothing_is_written_outside_assets() {
    let project = GameProject::new();
    let (_server, client) = project.server().await;
    let id = sprite_id(&client, "coin", 3).await;
    std::os::unix::fs::symlink(
        project.path("elsewhere"),
        project.path("game/assets/escape"),
    )
    .unwrap();
    let before = snapshot(project.dir.path());
    let cases = [
        (json!({"sprite": id, "name": "../evil"}), "name"),
        (json!({"sprite": id, "name": "/etc/passwd"}), "name"),
        (json!({"sprite": id, "name": "Player"}), "name"),
        (json!({"sprite": id, "name": "my sprite"}), "name"),
        (json!({"sprite": id, "name": ""}), "name"),
        (json!({"sprite": id, "name": "a\\b"}), "name"),
        (json!({"sprite": id, "name": "x".repeat(65)}), "name"),
        (
            json!({"sprite": id, "name": "ok", "category": ".."}),
            "category",
        ),
        (
            json!({"sprite": id, "name": "ok", "category": "escape"}),
            "symbolic link",
        ),
        (
            json!({"sprite": id, "name": "ok", "project": project.path("elsewhere")}),
            "not under an allowed project root",
        ),
        (
            json!({"sprite": id, "name": "ok", "project": project.path("game/../elsewhere")}),
            "not under an allowed project root",
        ),
        (
            json!({"sprite": id, "name": "ok", "project": "/"}),
            "not under an allowed project root",
        ),
        (
            json!({"sprite": "../../etc/passwd", "name": "ok"}),
            "sprite id must be",
        ),
        (json!({"sprite": [], "name": "ok"}), "sprite must name 1–64"),
        (
            json!({"sprite": id, "name": "ok", "fps": 0}),
            "fps must be 1–60",
        ),
        (json!({"sprite": id}), "missing field `name`"),
        (
            json!({"sprite": 7, "name": "ok"}),
            "sprite has the wrong type",
        ),
    ];
    assert_tool_errors(&client, "deploy_to_bevy", cases).await;
    let mut after = snapshot(project.dir.path());
    // Only the store gained files (the generated sprite); the game and everything else is untouched.
    after.retain(|(p, _)| !p.starts_with(project.path("store")));
    let mut before = before;
    before.retain(|(p, _)| !p.starts_with(project.path("store")));
    assert_eq!(before, after);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_foreign_origin_or_host_is_forbidden() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &[]).await;
    let http = reqwest::Client::new();
    let init = json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}});
    for path in ["/mcp", "/sse", "/message?sessionId=x", "/healthz"] {
        let response = http
            .post(format!("{}{path}", server.base))
            .header("Origin", "https://evil.example")
            .header("Accept", "application/json, text/event-stream")
            .json(&init)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{path}");
    }
    let response = http
        .get(format!("{}/healthz", server.base))
        .header("Host", "attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = http
        .get(format!("{}/healthz", server.base))
        .header("Origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "loopback origins are fine");
}

#[tokio::test]
async fn the_token_is_required_everywhere_but_healthz() {
    let dir = tempfile::tempdir().unwrap();
    let server = HttpServer::start(dir.path(), &["--token", "s3cret"]).await;
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let health: serde_json::Value = health.json().await.unwrap();
    assert_eq!(health["backends"]["embedded"]["state"], "ready");

    for (path, auth) in [
        ("/mcp", None),
        ("/sse", None),
        ("/mcp", Some("Bearer wrong")),
        ("/sse", Some("s3cret")),
    ] {
        let mut request = http.get(format!("{}{path}", server.base));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{path} with {auth:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
    }

    let client = http_client(&server.base, Some("s3cret")).await;
    let result = call(
        &client,
        "generate_sprite",
        json!({"prompt": "stone tile", "size": 16}),
    )
    .await;
    assert_eq!(result.is_error, Some(false));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn inputs_outside_the_roots_or_unreadable_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client_with_input_root(dir.path()).await;
    std::fs::write(dir.path().join("inputs/notes.txt"), "not an image").unwrap();
    let outside = dir.path().join("pixels.toml");
    let cases = [
        (
            json!({"path": outside}),
            "path must be under one of the input roots",
        ),
        (
            json!({"path": "/etc/passwd"}),
            "path must be under one of the input roots",
        ),
        (
            json!({"path": dir.path().join("inputs/../pixels.toml")}),
            "path must be under one of the input roots",
        ),
        (
            json!({"path": dir.path().join("inputs/missing.png")}),
            "cannot be opened",
        ),
        (
            json!({"path": dir.path().join("inputs/notes.txt")}),
            "is not an image this server can read",
        ),
        (json!({}), "give exactly one of path"),
        (
            json!({"path": "a.png", "sprite": "b"}),
            "give exactly one of path",
        ),
        (json!({"sprite": "../../etc"}), "sprite id must be"),
        (json!({"sprite": "nope-123"}), "no sprite with id"),
        (json!({"path": 5}), "path has the wrong type"),
        (
            json!({"path": "x.png", "cell_size": 0}),
            "cell_size must be between 1 and 512 source pixels per sprite pixel, got 0",
        ),
        (
            json!({"path": "x.png", "cell_size": 1e6}),
            "cell_size must be between 1 and 512",
        ),
        (
            json!({"path": "x.png", "dither": "floyd"}),
            "dither has the wrong type: unknown variant `floyd`, expected one of `none`, `bayer4`, `bayer8`",
        ),
        (
            json!({"path": "x.png", "size": 4}),
            "size must be 8–256, got 4",
        ),
    ];
    assert_tool_errors(&client, "pixelize_image", cases).await;
    client.cancel().await.unwrap();
}
