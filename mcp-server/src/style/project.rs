//! The project's style file, `assets/pixels.styles.toml`: a team's own styles and the game's
//! default, next to the manifest and shared in git.
//!
//! ```toml
//! default = "gameboy"
//!
//! [styles.dungeon]
//! description = "Our dungeon look"
//! palette = ["#1a1c2c", "#5d275d", "#b13e53", "#ef7d57"]
//! outline = "auto"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{StyleBook, StyleError};
use crate::config::Config;
use crate::deploy;
use crate::store::write_atomic;

/// File name of the style file inside `assets/`.
pub const STYLE_FILE: &str = "pixels.styles.toml";

/// The file's contents.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StyleFile {
    #[serde(skip)]
    pub path: PathBuf,
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub styles: BTreeMap<String, toml::Table>,
}

/// The project's style file, if it has one. The project must be an allowed deploy project.
pub(super) fn read(project: &Path, config: &Config) -> Result<Option<StyleFile>, StyleError> {
    let path = style_path(project, config)?;
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StyleError::File {
                path,
                message: format!("cannot be read: {e}"),
            });
        }
    };
    let mut file: StyleFile = toml::from_str(&text).map_err(|e| StyleError::File {
        path: path.clone(),
        message: format!("is not a valid style file: {e}"),
    })?;
    file.path = path;
    Ok(Some(file))
}

/// Makes `style` the project's default, keeping the rest of its style file. The style must
/// exist for this project (built in, in the config, or in the file itself).
pub fn set_default(project: &Path, style: &str, config: &Config) -> Result<PathBuf, StyleError> {
    let book = StyleBook::load(config, Some(project))?;
    let path = style_path(project, config)?;
    let style = book.get(style).map_err(|e| StyleError::File {
        path: path.clone(),
        message: e.message,
    })?;
    let mut table: toml::Table = match std::fs::read_to_string(&path) {
        Ok(text) => text.parse().map_err(|e| StyleError::File {
            path: path.clone(),
            message: format!("is not a valid style file: {e}"),
        })?,
        Err(_) => toml::Table::new(),
    };
    table.insert("default".into(), toml::Value::String(style.name.clone()));
    let text = toml::to_string(&table).expect("a TOML table always serializes");
    write_atomic(&path, text.as_bytes()).map_err(|e| StyleError::File {
        path: path.clone(),
        message: e.to_string(),
    })?;
    Ok(path)
}

fn style_path(project: &Path, config: &Config) -> Result<PathBuf, StyleError> {
    deploy::project_file(project, STYLE_FILE, &deploy::policy(config)).map_err(|e| {
        StyleError::File {
            path: project.join("assets").join(STYLE_FILE),
            message: e.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("game/assets")).unwrap();
        let mut config = Config::default();
        config.deploy.allowed_projects = vec![dir.path().to_path_buf()];
        (dir, config)
    }

    #[test]
    fn a_project_file_adds_styles_and_names_the_default() {
        let (dir, config) = project();
        let game = dir.path().join("game");
        std::fs::write(
            game.join("assets").join(STYLE_FILE),
            "default = \"dungeon\"\n[styles.dungeon]\ndescription = \"ours\"\npalette = [\"#000000\", \"#ffffff\", \"#ff0000\"]\n",
        )
        .unwrap();
        let book = StyleBook::load(&config, Some(&game)).unwrap();
        let style = book.default_style().unwrap();
        assert_eq!(style.name, "dungeon");
        assert!(matches!(style.origin, super::super::Origin::Project(_)));
    }

    #[test]
    fn setting_the_default_keeps_the_file_s_styles_and_refuses_unknown_names() {
        let (dir, config) = project();
        let game = dir.path().join("game");
        let file = game.join("assets").join(STYLE_FILE);
        std::fs::write(&file, "[styles.mine]\npalette = \"nes\"\n").unwrap();
        set_default(&game, "mine", &config).unwrap();
        let book = StyleBook::load(&config, Some(&game)).unwrap();
        assert_eq!(book.default_style().unwrap().name, "mine");
        set_default(&game, "gameboy", &config).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("default = \"gameboy\"") && text.contains("[styles.mine]"),
            "{text}"
        );
        let err = set_default(&game, "nope", &config).unwrap_err().to_string();
        assert!(err.contains("style must be one of"), "{err}");
    }

    #[test]
    fn a_project_outside_the_allowed_roots_is_refused() {
        let (_dir, config) = project();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(elsewhere.path().join("assets")).unwrap();
        let err = StyleBook::load(&config, Some(elsewhere.path()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("not under an allowed project root"), "{err}");
    }
}
