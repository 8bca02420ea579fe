//! `deploy_to_bevy`, `rollback_sprite`, `list_deployed` over Streamable HTTP, the CLI, and watch mode.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use dgx_pixels_manifest::Manifest;
use serde_json::{Value, json};

/// A temporary game project (with `assets/`), a sprite store and a config allowing only the project.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("game/assets")).unwrap();
        std::fs::create_dir_all(dir.path().join("elsewhere/assets")).unwrap();
        let config = format!(
            "[deploy]\nallowed_projects = [{:?}]\ndefault_project = {:?}\n",
            dir.path().join("game"),
            dir.path().join("game")
        );
        std::fs::write(dir.path().join("pixels.toml"), config).unwrap();
        Self { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn args(&self) -> Vec<String> {
        vec![
            "--config".into(),
            self.path("pixels.toml").display().to_string(),
        ]
    }

    fn cli(&self) -> std::process::Command {
        let mut command = std::process::Command::new(BIN);
        command
            .args(self.args())
            .arg("--out-dir")
            .arg(self.path("store"));
        command
    }

    fn manifest(&self) -> Manifest {
        Manifest::from_json(&std::fs::read(self.path("game/assets/pixels.manifest.json")).unwrap())
            .unwrap()
    }

    async fn server(&self) -> (HttpServer, Client) {
        let args = self.args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let server = HttpServer::start(&self.path("store"), &args).await;
        let client = http_client(&server.base, None).await;
        (server, client)
    }
}

async fn sprite_id(client: &Client, prompt: &str, seed: u64) -> String {
    let result = call(
        client,
        "generate_sprite",
        json!({"prompt": prompt, "seed": seed, "size": 16}),
    )
    .await;
    result.structured_content.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

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
async fn deploy_revise_noop_list_and_roll_back_over_streamable_http() {
    let setup = Setup::new();
    let (_server, client) = setup.server().await;
    let first = sprite_id(&client, "green slime", 1).await;
    let second = sprite_id(&client, "blue slime", 2).await;

    let deployed = call(
        &client,
        "deploy_to_bevy",
        json!({"sprite": first, "name": "enemies/slime"}),
    )
    .await;
    assert_eq!(deployed.is_error, Some(false), "{deployed:?}");
    let deployed = deployed.structured_content.unwrap();
    assert_eq!(deployed["revision"], 1);
    assert_eq!(deployed["asset_path"], "sprites/enemies/slime.png");
    let live = setup.path("game/assets/sprites/enemies/slime.png");
    let stored = std::fs::read(setup.path(&format!("store/{first}.png"))).unwrap();
    assert_eq!(
        std::fs::read(&live).unwrap(),
        stored,
        "the exact bytes land in the game"
    );

    let again = call(
        &client,
        "deploy_to_bevy",
        json!({"sprite": first, "name": "enemies/slime"}),
    )
    .await;
    let again = again.structured_content.unwrap();
    assert_eq!(
        (again["revision"].clone(), again["unchanged"].clone()),
        (json!(1), json!(true))
    );

    let revised = call(
        &client,
        "deploy_to_bevy",
        json!({"sprite": second, "name": "enemies/slime"}),
    )
    .await;
    assert_eq!(revised.structured_content.unwrap()["revision"], 2);
    let entry = setup.manifest().get("enemies/slime").unwrap().clone();
    assert_eq!(entry.revision, 2);
    assert_eq!(entry.source.prompt, "blue slime");

    let listed = call(&client, "list_deployed", json!({}))
        .await
        .structured_content
        .unwrap();
    assert_eq!(listed["sprites"]["enemies/slime"]["revision"], 2);

    let rolled = call(&client, "rollback_sprite", json!({"name": "enemies/slime"})).await;
    assert_eq!(rolled.structured_content.unwrap()["revision"], 3);
    assert_eq!(
        std::fs::read(&live).unwrap(),
        stored,
        "rollback restores the exact bytes"
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn several_sprites_deploy_as_one_animation_sheet() {
    let setup = Setup::new();
    let (_server, client) = setup.server().await;
    let mut ids = Vec::new();
    for seed in 0..4 {
        ids.push(sprite_id(&client, "hero", seed).await);
    }
    let result = call(
        &client,
        "deploy_to_bevy",
        json!({"sprite": ids, "name": "player", "fps": 12}),
    )
    .await;
    let result = result.structured_content.unwrap();
    assert_eq!(
        result["frames"],
        json!({"columns": 4, "rows": 1, "count": 4, "fps": 12})
    );
    let sheet = image::open(setup.path("game/assets/sprites/player.png")).unwrap();
    assert_eq!((sheet.width(), sheet.height()), (64, 16));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn hostile_names_and_projects_are_refused_and_nothing_is_written_outside_assets() {
    let setup = Setup::new();
    let (_server, client) = setup.server().await;
    let id = sprite_id(&client, "coin", 3).await;
    std::os::unix::fs::symlink(setup.path("elsewhere"), setup.path("game/assets/escape")).unwrap();
    let before = snapshot(setup.dir.path());
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
            json!({"sprite": id, "name": "ok", "project": setup.path("elsewhere")}),
            "not under an allowed project root",
        ),
        (
            json!({"sprite": id, "name": "ok", "project": setup.path("game/../elsewhere")}),
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
    for (args, expected) in cases {
        let text = error_text(&call(&client, "deploy_to_bevy", args.clone()).await);
        assert!(text.contains(expected), "{args} → {text}");
    }
    let mut after = snapshot(setup.dir.path());
    // Only the store gained files (the generated sprite); the game and everything else is untouched.
    after.retain(|(p, _)| !p.starts_with(setup.path("store")));
    let mut before = before;
    before.retain(|(p, _)| !p.starts_with(setup.path("store")));
    assert_eq!(before, after);
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn fifty_deploys_from_tasks_and_processes_at_once_all_land_in_one_valid_manifest() {
    let setup = Setup::new();
    let (_server, client) = setup.server().await;
    let id = sprite_id(&client, "gem", 4).await;
    let client = std::sync::Arc::new(client);
    let mut tasks = Vec::new();
    for i in 0..25 {
        let client = client.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let result = call(
                &client,
                "deploy_to_bevy",
                json!({"sprite": id, "name": format!("mcp_{i}")}),
            )
            .await;
            assert_eq!(result.is_error, Some(false), "{result:?}");
        }));
    }
    let mut children = Vec::new();
    for i in 0..25 {
        let mut command = setup.cli();
        command
            .args(["deploy", &id, "--name", &format!("cli_{i}")])
            .stdout(Stdio::null());
        children.push(tokio::process::Command::from(command).spawn().unwrap());
    }
    for task in tasks {
        task.await.unwrap();
    }
    for mut child in children {
        assert!(child.wait().await.unwrap().success());
    }
    let manifest = setup.manifest();
    assert_eq!(manifest.len(), 50);
    for (name, entry) in manifest.sprites() {
        let png = setup.path("game/assets").join(&entry.path);
        assert!(image::open(&png).is_ok(), "{name} decodes");
    }
}

#[test]
fn killing_a_deploying_process_at_any_moment_leaves_a_valid_manifest_and_pngs() {
    let setup = Setup::new();
    let mut ids = Vec::new();
    for seed in 0..3 {
        let output = setup
            .cli()
            .args(["generate", "knight", "--seed", &seed.to_string()])
            .output()
            .unwrap();
        let path = String::from_utf8(output.stdout).unwrap().trim().to_string();
        ids.push(
            Path::new(&path)
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
    }
    let mut state = 0x9e3779b97f4a7c15u64;
    for round in 0..40 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut child = setup
            .cli()
            .args([
                "deploy",
                &ids[round % 3],
                "--name",
                &format!("unit_{}", round % 5),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(state % 15_000));
        let _ = child.kill();
        let _ = child.wait();
        let path = setup.path("game/assets/pixels.manifest.json");
        if path.exists() {
            let manifest = Manifest::from_json(&std::fs::read(&path).unwrap())
                .expect("manifest parses after a kill");
            for entry in manifest.sprites().values() {
                image::open(setup.path("game/assets").join(&entry.path))
                    .expect("every PNG it names decodes");
            }
        }
    }
}

#[tokio::test]
async fn watch_mode_deploys_new_and_changed_files_once_and_ignores_half_written_ones() {
    let setup = Setup::new();
    let inbox = setup.path("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut child = tokio::process::Command::from({
        let mut command = setup.cli();
        command.arg("watch").arg(&inbox).args(["--size", "16"]);
        command
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .kill_on_drop(true)
    .spawn()
    .unwrap();
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap());
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap());
    use tokio::io::AsyncBufReadExt;
    let mut started = String::new();
    stderr.read_line(&mut started).await.unwrap();
    assert!(started.starts_with("watching"), "{started}");
    tokio::spawn(async move {
        let mut line = String::new();
        while stderr.read_line(&mut line).await.unwrap_or(0) > 0 {
            line.clear();
        }
    });

    let painted = |colour: [u8; 4]| {
        let sprite = image::RgbaImage::from_fn(12, 12, |x, y| {
            if (x as i32 - 6).pow(2) + (y as i32 - 6).pow(2) < 25 {
                image::Rgba(colour)
            } else {
                image::Rgba([255, 255, 255, 255])
            }
        });
        let big = image::imageops::resize(&sprite, 96, 96, image::imageops::FilterType::Nearest);
        dgx_pixels::preview::encode_png(&big)
    };
    let mut lines = Vec::new();
    let mut next_line = async || -> Value {
        let mut line = String::new();
        tokio::time::timeout(Duration::from_secs(15), stdout.read_line(&mut line))
            .await
            .expect("a deploy line")
            .unwrap();
        lines.push(line.clone());
        json!(line.trim())
    };

    std::fs::write(inbox.join("Hero Idle.png"), painted([200, 30, 30, 255])).unwrap();
    let line = next_line().await;
    assert!(
        line.as_str()
            .unwrap()
            .starts_with("deployed hero_idle revision 1"),
        "{line}"
    );

    std::fs::write(inbox.join("Hero Idle.png"), painted([30, 30, 200, 255])).unwrap();
    let line = next_line().await;
    assert!(
        line.as_str()
            .unwrap()
            .starts_with("deployed hero_idle revision 2"),
        "{line}"
    );

    // Half a PNG: never deployed. Then the other file's complete write is, once.
    let full = painted([30, 200, 30, 255]);
    std::fs::write(inbox.join("coin.png"), &full[..full.len() / 2]).unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        setup.manifest().get("coin").is_none(),
        "a half-written file is not deployed"
    );
    std::fs::write(inbox.join("coin.png"), &full).unwrap();
    let line = next_line().await;
    assert!(
        line.as_str()
            .unwrap()
            .starts_with("deployed coin revision 1"),
        "{line}"
    );

    // Touching a file without changing it deploys nothing more.
    let started = Instant::now();
    std::fs::write(inbox.join("coin.png"), &full).unwrap();
    let extra = tokio::time::timeout(Duration::from_millis(800), next_line()).await;
    assert!(
        extra.is_err(),
        "same content deployed again after {:?}",
        started.elapsed()
    );
    let manifest = setup.manifest();
    assert_eq!(manifest.get("hero_idle").unwrap().revision, 2);
    assert_eq!(manifest.get("coin").unwrap().revision, 1);
    assert_eq!(manifest.get("hero_idle").unwrap().width, 16);
}

#[tokio::test]
async fn metrics_move_after_a_generation_and_a_deploy() {
    let setup = Setup::new();
    let (server, client) = setup.server().await;
    let http = reqwest::Client::new();
    let metrics = async || {
        http.get(format!("{}/metrics", server.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let value = |text: &str, series: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(series))
            .and_then(|l| l.rsplit(' ').next())
            .map_or(0.0, |v| v.parse().unwrap())
    };
    let before = metrics().await;
    let id = sprite_id(&client, "tree", 5).await;
    call(
        &client,
        "deploy_to_bevy",
        json!({"sprite": id, "name": "tree"}),
    )
    .await;
    let after = metrics().await;
    let jobs = r#"dgx_pixels_jobs_total{backend="embedded",outcome="ok"}"#;
    assert_eq!(value(&after, jobs), value(&before, jobs) + 1.0, "{after}");
    let deploys = r#"dgx_pixels_deploys_total{outcome="deployed"}"#;
    assert_eq!(
        value(&after, deploys),
        value(&before, deploys) + 1.0,
        "{after}"
    );
    assert!(
        value(
            &after,
            r#"dgx_pixels_sessions{transport="streamable_http"}"#
        ) >= 1.0,
        "{after}"
    );
    assert!(
        after.contains("dgx_pixels_generation_seconds_count"),
        "{after}"
    );
    assert!(
        after.contains("dgx_pixels_pixel_pipeline_seconds_count"),
        "{after}"
    );
    client.cancel().await.unwrap();
}
