//! `dgx-pixels watch`: pictures dropped in a folder are pixelized and deployed.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::AsyncBufReadExt;

use crate::support::*;

#[tokio::test]
async fn watch_mode_deploys_new_and_changed_files_once_and_ignores_half_written_ones() {
    let project = GameProject::new();
    let inbox = project.path("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut child = tokio::process::Command::from({
        let mut command = project.cli();
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
        let mut png = Vec::new();
        big.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
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
        project.manifest().get("coin").is_none(),
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
    let manifest = project.manifest();
    assert_eq!(manifest.get("hero_idle").unwrap().revision, 2);
    assert_eq!(manifest.get("coin").unwrap().revision, 1);
    assert_eq!(manifest.get("hero_idle").unwrap().width, 16);
}
