//! Named styles through the real binary: built-in, from the config, from the project's style
//! file; overrides, provenance, discovery, and ComfyUI models bound by a style.

use std::collections::BTreeSet;

use dgx_pixels_comfyui::test_server::{Behaviour, TestServer};
use serde_json::{Value, json};

use crate::support::*;

const GAMEBOY: [[u8; 3]; 4] = [
    [0x0f, 0x38, 0x0f],
    [0x30, 0x62, 0x30],
    [0x8b, 0xac, 0x0f],
    [0x9b, 0xbc, 0x0f],
];

fn colours(image: &image::RgbaImage) -> BTreeSet<[u8; 3]> {
    image
        .pixels()
        .filter(|p| p[3] > 0)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

#[tokio::test]
async fn one_style_word_gives_its_palette_and_the_call_s_own_arguments_win() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let result = call(
        &client,
        "generate_sprite",
        json!({"prompt": "knight", "style": "gameboy", "seed": 3}),
    )
    .await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.clone().unwrap();
    let path = structured["path"].as_str().unwrap();
    let sprite = image::open(path).unwrap().to_rgba8();
    let greens: BTreeSet<[u8; 3]> = GAMEBOY.into_iter().collect();
    assert!(
        colours(&sprite).is_subset(&greens),
        "{:?}",
        colours(&sprite)
    );
    assert_eq!(structured["palette"], "gameboy");
    assert_eq!(structured["style"]["name"], "gameboy");
    assert_eq!(structured["style"]["values"]["outline"], "auto");

    // An explicit argument beats the style's value; the record says what was used.
    let result = call(
        &client,
        "generate_sprite",
        json!({"prompt": "knight", "style": "gameboy", "palette": "pico-8", "seed": 3}),
    )
    .await;
    let structured = result.structured_content.clone().unwrap();
    assert_eq!(structured["palette"], "pico-8");
    assert_eq!(structured["style"]["values"]["palette"], "pico-8");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn recorded_provenance_makes_the_same_pixels_again() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    let first = call(
        &client,
        "generate_sprite",
        json!({"prompt": "green slime", "style": "c64", "size": 24}),
    )
    .await;
    let structured = first.structured_content.clone().unwrap();
    let record: Value = serde_json::from_slice(
        &std::fs::read(
            dir.path()
                .join(format!("{}.json", structured["id"].as_str().unwrap())),
        )
        .unwrap(),
    )
    .unwrap();
    // The parameters hold the style's resolved values and the seed actually used; without the
    // style name they are a complete recipe.
    let mut recipe = record["parameters"].as_object().unwrap().clone();
    recipe.retain(|_, v| !v.is_null());
    recipe.remove("style");
    recipe.insert("seed".into(), record["seed"].clone());
    assert_eq!(recipe["palette"], "c64");
    let again = call(&client, "generate_sprite", Value::Object(recipe)).await;
    assert_eq!(sprite_image(&again), sprite_image(&first));
    let a = image::open(structured["path"].as_str().unwrap()).unwrap();
    let b = image::open(again.structured_content.unwrap()["path"].as_str().unwrap()).unwrap();
    assert_eq!(a.to_rgba8(), b.to_rgba8());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn config_and_project_styles_work_and_the_project_default_applies() {
    let game = GameProject::new();
    let mut config = std::fs::read_to_string(game.path("pixels.toml")).unwrap();
    config.push_str(
        "\n[styles.ink]\ndescription = \"two inks\"\npalette = [\"#101010\", \"#e0e0e0\"]\n",
    );
    std::fs::write(game.path("pixels.toml"), config).unwrap();
    std::fs::write(
        game.path("game/assets/pixels.styles.toml"),
        "[styles.ember]\ndescription = \"fire\"\npalette = [\"#200000\", \"#a01000\", \"#ff8000\", \"#ffff80\"]\noutline = \"auto\"\n",
    )
    .unwrap();
    let (_server, client) = game.server().await;

    let listed = call(&client, "list_styles", json!({})).await;
    let structured = listed.structured_content.clone().unwrap();
    let names: Vec<&str> = structured["styles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.starts_with(&[
            "gameboy", "nes", "pico-8", "snes", "1-bit", "c64", "sweetie", "endesga"
        ]),
        "{names:?}"
    );
    assert!(
        names.contains(&"ink") && names.contains(&"ember"),
        "{names:?}"
    );
    assert_eq!(structured["default"], Value::Null);
    assert!(
        listed
            .content
            .iter()
            .any(|c| c.as_image().is_some_and(|i| i.mime_type == "image/png")),
        "a preview picture"
    );

    let ink = call(
        &client,
        "generate_sprite",
        json!({"prompt": "key", "style": "ink"}),
    )
    .await;
    let used = colours(&sprite_image(&ink));
    assert!(
        used.is_subset(&[[0x10; 3], [0xe0; 3]].into_iter().collect()),
        "{used:?}"
    );

    let set = call(&client, "set_project_style", json!({"style": "ember"})).await;
    assert_eq!(set.is_error, Some(false), "{set:?}");
    let text = std::fs::read_to_string(game.path("game/assets/pixels.styles.toml")).unwrap();
    assert!(text.contains("default = \"ember\""), "{text}");

    // No style argument: the project's default applies, and is recorded.
    let plain = call(
        &client,
        "generate_sprite",
        json!({"prompt": "sword", "seed": 4}),
    )
    .await;
    let structured = plain.structured_content.clone().unwrap();
    assert_eq!(structured["style"]["name"], "ember");
    let ember: BTreeSet<[u8; 3]> = [
        [0x20, 0, 0],
        [0xa0, 0x10, 0],
        [0xff, 0x80, 0],
        [0xff, 0xff, 0x80],
    ]
    .into_iter()
    .collect();
    assert!(colours(&sprite_image(&plain)).is_subset(&ember));

    // Deployed, the manifest's source says which style made it.
    let id = structured["id"].as_str().unwrap();
    let deployed = call(
        &client,
        "deploy_to_bevy",
        json!({"sprite": id, "name": "sword"}),
    )
    .await;
    assert_eq!(deployed.is_error, Some(false), "{deployed:?}");
    let entry = game.manifest().get("sword").unwrap().clone();
    assert_eq!(entry.source.style.as_ref().unwrap().name, "ember");
}

#[tokio::test]
async fn style_errors_name_the_field_and_the_known_styles() {
    let dir = tempfile::tempdir().unwrap();
    let client = stdio_client(dir.path()).await;
    assert_tool_errors(
        &client,
        "generate_sprite",
        [
            (
                json!({"prompt": "x", "style": "vaporwave"}),
                "style must be one of gameboy, nes, pico-8, snes, 1-bit, c64, sweetie, endesga",
            ),
            (
                json!({"prompt": "x", "style": 3}),
                "style has the wrong type",
            ),
        ],
    )
    .await;
    let err = error_text(&call(&client, "set_project_style", json!({"style": "nes"})).await);
    assert!(err.contains("project is required"), "{err}");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_comfyui_style_binds_its_model_and_loras_and_a_missing_one_is_named() {
    let comfy = TestServer::start_with(Behaviour {
        checkpoints: vec!["sd_xl_base_1.0.safetensors".into()],
        loras: vec!["pixel-art-xl.safetensors".into()],
        ..Behaviour::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pixels.toml");
    std::fs::write(
        &config,
        "[styles.xl]\ndescription = \"SDXL with the pixel LoRA\"\nmodel = \"sd_xl_base_1.0.safetensors\"\nloras = [{ name = \"pixel-art-xl.safetensors\", strength = 0.9 }]\nsteps = 3\npalette = \"nes\"\n\n[styles.missing]\nmodel = \"dreamshaper.safetensors\"\n",
    )
    .unwrap();
    let client = stdio_client_with(
        dir.path(),
        &[
            "--comfyui",
            &comfy.url,
            "--config",
            config.to_str().unwrap(),
        ],
    )
    .await;
    let result = call(
        &client,
        "generate_sprite",
        json!({"prompt": "knight", "style": "xl", "seed": 2}),
    )
    .await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let structured = result.structured_content.unwrap();
    assert_eq!(structured["backend"], "comfyui");
    assert_eq!(
        structured["style"]["values"]["model"],
        "sd_xl_base_1.0.safetensors"
    );
    assert_eq!(
        structured["style"]["values"]["loras"][0]["name"],
        "pixel-art-xl.safetensors"
    );

    let err = error_text(
        &call(
            &client,
            "generate_sprite",
            json!({"prompt": "knight", "style": "missing"}),
        )
        .await,
    );
    assert!(
        err.contains("style \"missing\" names checkpoint \"dreamshaper.safetensors\"")
            && err.contains("sd_xl_base_1.0.safetensors"),
        "{err}"
    );
    client.cancel().await.unwrap();
}

#[test]
fn the_cli_lists_styles_and_draws_them() {
    let game = GameProject::new();
    let sheet = game.path("styles.png");
    let output = game
        .cli()
        .args(["styles", "--sheet", sheet.to_str().unwrap(), "--scale", "1"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("gameboy") && stdout.contains("palette=\"gameboy\""),
        "{stdout}"
    );
    let picture = image::open(&sheet).unwrap();
    assert_eq!(picture.height(), 8 + 8 * (32 + 8));

    let output = game
        .cli()
        .args(["generate", "coin", "--style", "nes", "--seed", "1"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = game
        .cli()
        .args(["generate", "coin", "--style", "neon"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("--style must be one of gameboy"),
        "{stderr}"
    );
}
