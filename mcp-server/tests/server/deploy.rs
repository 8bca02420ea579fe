//! `deploy_to_bevy`, `rollback_sprite` and `list_deployed` over Streamable HTTP, and
//! `dgx-pixels deploy`: revisions, sheets, concurrent deployers and killed ones.

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use dgx_pixels_manifest::Manifest;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn deploy_revise_noop_list_and_roll_back_over_streamable_http() {
    let project = GameProject::new();
    let (_server, client) = project.server().await;
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
    let live = project.path("game/assets/sprites/enemies/slime.png");
    let stored = std::fs::read(project.path(&format!("store/{first}.png"))).unwrap();
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
    let entry = project.manifest().get("enemies/slime").unwrap().clone();
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
    let project = GameProject::new();
    let (_server, client) = project.server().await;
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
    let sheet = image::open(project.path("game/assets/sprites/player.png")).unwrap();
    assert_eq!((sheet.width(), sheet.height()), (64, 16));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn fifty_deploys_from_tasks_and_processes_at_once_all_land_in_one_valid_manifest() {
    let project = GameProject::new();
    let (_server, client) = project.server().await;
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
        let mut command = project.cli();
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
    let manifest = project.manifest();
    assert_eq!(manifest.len(), 50);
    for (name, entry) in manifest.sprites() {
        let png = project.path("game/assets").join(&entry.path);
        assert!(image::open(&png).is_ok(), "{name} decodes");
    }
}

/// When a round of the kill test kills its `dgx-pixels deploy`.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// Never: the deploy runs to the end, so the manifest has entries to keep valid.
    Never,
    /// Right after the spawn, before the deploy can have done anything.
    AtOnce,
    /// After this many microseconds (0–15 ms; a deploy takes a few): before, during or after
    /// the deploy's own work.
    After(u64),
}

/// The rounds follow a fixed schedule so both outcomes occur whatever the machine's speed: every
/// fourth deploy runs to the end, every fourth is killed at once, the rest after a pseudo-random
/// delay (xorshift from a fixed seed).
#[test]
fn killing_a_deploying_process_at_any_moment_leaves_a_valid_manifest_and_pngs() {
    const SIGKILL: i32 = 9;
    let project = GameProject::new();
    let mut ids = Vec::new();
    for seed in 0..3 {
        let output = project
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
    let (mut killed, mut finished) = (Vec::new(), Vec::new());
    // Names whose deploy finished: a later deploy killed at any moment must not lose them.
    let mut landed = BTreeSet::new();
    for round in 0..40 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let kill = match round % 4 {
            0 => Kill::Never,
            1 => Kill::AtOnce,
            _ => Kill::After(state % 15_000),
        };
        let name = format!("unit_{}", round % 5);
        let mut child = project
            .cli()
            .args(["deploy", &ids[round % 3], "--name", &name])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        match kill {
            Kill::Never => {}
            Kill::AtOnce => child.kill().unwrap(),
            Kill::After(micros) => {
                std::thread::sleep(Duration::from_micros(micros));
                // It may have finished already; then there is nothing to kill.
                let _ = child.kill();
            }
        }
        let status = child.wait().unwrap();
        if status.success() {
            finished.push(kill);
            landed.insert(name);
        } else {
            assert_eq!(
                status.signal(),
                Some(SIGKILL),
                "round {round} ({kill:?}): the deploy failed on its own: {status}"
            );
            killed.push(kill);
        }

        let path = project.manifest_path();
        if path.exists() {
            let manifest = Manifest::from_json(&std::fs::read(&path).unwrap())
                .expect("manifest parses after a kill");
            for entry in manifest.sprites().values() {
                image::open(project.path("game/assets").join(&entry.path))
                    .expect("every PNG it names decodes");
            }
            for name in &landed {
                assert!(
                    manifest.get(name).is_some(),
                    "round {round} ({kill:?}) lost the finished deploy of {name}"
                );
            }
        } else {
            assert!(
                landed.is_empty(),
                "round {round} ({kill:?}) lost the manifest"
            );
        }
    }
    let after_a_delay =
        |kills: &[Kill]| kills.iter().filter(|k| matches!(k, Kill::After(_))).count();
    eprintln!(
        "{} deploys killed while running ({} after a delay), {} finished ({} before their kill)",
        killed.len(),
        after_a_delay(&killed),
        finished.len(),
        after_a_delay(&finished),
    );
    assert!(
        !landed.is_empty() && !project.manifest().is_empty(),
        "no deploy landed, so the checks above saw no manifest"
    );
    assert!(
        killed.len() >= 10,
        "only {} deploys were killed while running",
        killed.len()
    );
}
