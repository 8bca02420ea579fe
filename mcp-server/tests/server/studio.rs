//! `dgx-pixels studio` driven as a person drives it: in a real terminal (tmux), keys typed with
//! `send-keys`, the screen read with `capture-pane`. Each step checks the screen and the store or
//! the project's manifest.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use dgx_pixels::store::{SpriteRecord, SpriteStore};

use crate::support::*;

/// A shell in a private tmux server (its own socket, so no other tmux is touched), 120×40.
struct Terminal {
    socket: String,
}

impl Terminal {
    fn start() -> Self {
        let version = Command::new("tmux").arg("-V").output();
        assert!(
            version.is_ok_and(|v| v.status.success()),
            "the studio tests drive the studio in tmux, which is not installed: install it \
             (apt-get install tmux) and run the tests again"
        );
        let socket = format!("dgx-pixels-studio-{}", uuid::Uuid::new_v4().simple());
        let terminal = Self { socket };
        terminal.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            "studio",
            "env PS1='$ ' sh",
        ]);
        terminal
    }

    fn tmux(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Presses keys by tmux name (`Enter`, `Tab`, `Down`, `C-u`, `q`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "studio"];
        args.extend(keys);
        self.tmux(&args);
    }

    /// Types text literally.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "studio", "-l", text]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "studio"])
    }

    /// The screen with its colours as escape sequences (`capture-pane -e`).
    fn colours(&self) -> String {
        self.tmux(&["capture-pane", "-e", "-p", "-t", "studio"])
    }

    /// Polls the screen until `ready` holds (at most 30 s); returns that screen.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited 30 s for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for_text(&self, text: &str) -> String {
        self.wait_for(&format!("{text:?}"), |screen| screen.contains(text))
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// Starts the studio for `game` in half-block mode, with `shown` visible once it is up.
fn studio(game: &GameProject, shown: &str) -> Terminal {
    let terminal = Terminal::start();
    terminal.wait_for_text("$");
    let config = game.path("pixels.toml");
    let store = game.path("store");
    terminal.type_text(&format!(
        "{BIN} --config {} --out-dir {} studio --protocol halfblocks",
        config.display(),
        store.display()
    ));
    terminal.keys(&["Enter"]);
    terminal.wait_for_text(shown);
    terminal
}

/// Makes a 16×16 sprite with the CLI, as yesterday's work in the store.
fn generate(game: &GameProject, prompt: &str, seed: u64) -> String {
    let output = game
        .cli()
        .args(["generate", prompt, "--size", "16", "--seed"])
        .arg(seed.to_string())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let path = String::from_utf8(output.stdout).unwrap();
    Path::new(path.trim())
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn records(game: &GameProject) -> Vec<SpriteRecord> {
    SpriteStore::open(&game.path("store"))
        .unwrap()
        .list()
        .into_iter()
        .map(|s| s.record)
        .collect()
}

/// The lines of the store list (the left column of the screen's top part).
fn list_lines(screen: &str) -> Vec<String> {
    screen
        .lines()
        .take(25)
        .map(|line| line.chars().take(44).collect())
        .collect()
}

#[test]
fn generating_filtering_deploying_and_rolling_back_from_the_keyboard() {
    let game = GameProject::new();
    let knight = generate(&game, "knight", 1);
    generate(&game, "green slime", 2);
    let terminal = studio(&game, "Sprites (2)");
    let screen = terminal.wait_for_text("Preview (half blocks)");
    // The sprite is drawn in cells of true colour (at an even scale each cell is one sprite
    // pixel: a space on the pixel's colour), so the screen holds several colours.
    let colours = terminal.colours();
    let drawn: std::collections::BTreeSet<&str> = colours
        .split("\u{1b}[48;2;")
        .skip(1)
        .filter_map(|rest| rest.split('m').next())
        .collect();
    assert!(drawn.len() >= 4, "sprite colours on screen: {drawn:?}");
    assert!(
        screen.contains("knight") && screen.contains("green slime"),
        "{screen}"
    );
    assert!(screen.contains("Deployed in"), "{screen}");

    // Filtering by prompt text narrows the list and keeps the count honest.
    terminal.keys(&["/"]);
    terminal.type_text("slime");
    let screen = terminal.wait_for_text("Sprites (1/2) filter: slime");
    let list = list_lines(&screen).join("\n");
    assert!(
        list.contains("green slime") && !list.contains("knight"),
        "{screen}"
    );
    terminal.keys(&["Escape"]);
    terminal.wait_for_text("Sprites (2)");

    // Generate from a prompt with size and palette: it shows up selected, and is in the store.
    terminal.keys(&["g"]);
    terminal.wait_for_text("Generate a sprite");
    terminal.keys(&["C-u"]);
    terminal.type_text("gold coin");
    terminal.keys(&["Tab", "C-u"]);
    terminal.type_text("16");
    terminal.keys(&["Tab"]);
    terminal.type_text("pico-8");
    terminal.keys(&["Enter"]);
    let screen = terminal.wait_for_text("generated gold-coin-");
    assert!(screen.contains("Sprites (3)"), "{screen}");
    let all = records(&game);
    let coin = all
        .iter()
        .find(|r| r.prompt == "gold coin")
        .expect("stored");
    assert_eq!(
        (coin.width, coin.height, coin.palette.as_deref()),
        (16, 16, Some("pico-8"))
    );
    assert!(
        screen.contains(&coin.id),
        "the new sprite is selected: {screen}"
    );

    // Deploy it under a name: the project shows revision 1, and so does the manifest.
    terminal.keys(&["d"]);
    terminal.wait_for_text("Deploy to the project");
    terminal.keys(&["C-u"]);
    terminal.type_text("coin");
    terminal.keys(&["Enter"]);
    let screen = terminal.wait_for_text("deployed coin revision 1");
    assert!(screen.contains("rev 1"), "{screen}");
    let entry = game.manifest().get("coin").unwrap().clone();
    assert_eq!(entry.revision, 1);
    assert_eq!(entry.source.sprite_id.as_deref(), Some(coin.id.as_str()));
    let coin_png = std::fs::read(game.path(&format!("store/{}.png", coin.id))).unwrap();
    let live = game.path("game/assets/sprites/coin.png");
    assert_eq!(std::fs::read(&live).unwrap(), coin_png);

    // The knight over it as revision 2 (the list is newest first: coin, slime, knight).
    terminal.keys(&["Down", "Down"]);
    terminal.wait_for_text(&format!("id {knight}"));
    terminal.keys(&["d"]);
    terminal.wait_for_text("Deploy to the project");
    terminal.keys(&["C-u"]);
    terminal.type_text("coin");
    terminal.keys(&["Enter"]);
    terminal.wait_for_text("deployed coin revision 2");
    let entry = game.manifest().get("coin").unwrap().clone();
    assert_eq!(entry.source.sprite_id.as_deref(), Some(knight.as_str()));

    // Roll back from the project panel: the coin's bytes come back as revision 3.
    terminal.keys(&["Tab", "r"]);
    let screen = terminal.wait_for_text("now revision 3");
    assert!(screen.contains("History of coin"), "{screen}");
    for revision in ["rev 3", "rev 2", "rev 1"] {
        assert!(screen.contains(revision), "{revision}: {screen}");
    }
    assert!(screen.contains("live rev 3"), "{screen}");
    let entry = game.manifest().get("coin").unwrap().clone();
    assert_eq!(entry.revision, 3);
    assert_eq!(entry.source.sprite_id.as_deref(), Some(coin.id.as_str()));
    assert_eq!(std::fs::read(&live).unwrap(), coin_png);

    // Quitting hands back a working terminal: the shell reads and echoes a line again.
    terminal.keys(&["q"]);
    terminal.wait_for("the studio to leave the screen", |s| {
        !s.contains("Sprites (") && s.contains('$')
    });
    terminal.type_text("echo restored-$((40+2))");
    terminal.keys(&["Enter"]);
    terminal.wait_for_text("restored-42");
}

#[test]
fn comparing_four_palettes_shows_a_grid_and_deploys_the_pick() {
    let game = GameProject::new();
    generate(&game, "knight", 1);
    let terminal = studio(&game, "Sprites (1)");
    terminal.keys(&["c"]);
    let screen = terminal.wait_for_text("Compare variants");
    assert!(screen.contains("pico-8,gameboy,nes,sweetie-16"), "{screen}");
    terminal.keys(&["Enter"]);
    let screen = terminal.wait_for_text("compared 4 variants");
    assert!(screen.contains("Compare: 4 variants"), "{screen}");
    for label in ["1 pico-8", "2 gameboy", "3 nes", "4 sweetie-16"] {
        assert!(screen.contains(label), "{label}: {screen}");
    }
    let all = records(&game);
    assert_eq!(all.len(), 1 + 4 + 1, "four variants and the sheet");
    let nes = all
        .iter()
        .find(|r| r.prompt == "knight" && r.palette.as_deref() == Some("nes"))
        .expect("the nes variant");
    assert!(all.iter().any(|r| r.prompt == "compare: knight"));

    // Pick the third, deploy it.
    terminal.keys(&["Right", "Right", "d"]);
    terminal.wait_for_text("Deploy to the project");
    terminal.keys(&["C-u"]);
    terminal.type_text("hero");
    terminal.keys(&["Enter"]);
    terminal.wait_for_text("deployed hero revision 1");
    let entry = game.manifest().get("hero").unwrap().clone();
    assert_eq!(entry.source.sprite_id.as_deref(), Some(nes.id.as_str()));

    // A smaller terminal redraws to its size; Esc goes back to the list.
    terminal.tmux(&["resize-window", "-t", "studio", "-x", "80", "-y", "24"]);
    let screen = terminal.wait_for("a redraw at 80×24", |s| {
        s.lines().count() <= 24 && s.contains("Compare: 4 variants")
    });
    assert!(screen.lines().all(|l| l.chars().count() <= 80), "{screen}");
    terminal.keys(&["Escape"]);
    terminal.wait_for_text("Sprites (6)");
    terminal.keys(&["q"]);
}
