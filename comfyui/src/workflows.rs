//! The workflows users can name: the built-in templates from `config/workflows/`, plus any API-format JSON a
//! user drops into a folder (named after the file).

use std::collections::BTreeMap;
use std::path::Path;

use crate::workflow::{Workflow, WorkflowError};

/// Workflows by name.
#[derive(Debug, Clone)]
pub struct Workflows {
    by_name: BTreeMap<String, Workflow>,
}

impl Workflows {
    /// The built-in `sprite` (one sprite on a plain background), `tileset` (a seamless tile) and
    /// `animation` (img2img: a frame redrawn from the first frame of its animation).
    pub fn builtin() -> Self {
        let builtin = [
            ("sprite", include_str!("../../config/workflows/sprite.json")),
            (
                "animation",
                include_str!("../../config/workflows/animation.json"),
            ),
            (
                "tileset",
                include_str!("../../config/workflows/tileset.json"),
            ),
        ];
        let by_name = builtin
            .into_iter()
            .map(|(name, json)| {
                (
                    name.to_owned(),
                    Workflow::from_json(name, json).expect("built-in workflows are valid"),
                )
            })
            .collect();
        Self { by_name }
    }

    /// Adds every `*.json` in `dir`, named after the file; a file named like a built-in replaces it.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), WorkflowError> {
        let io = |path: &Path, e: std::io::Error| WorkflowError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let json = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            self.by_name
                .insert(name.clone(), Workflow::from_json(&name, &json)?);
        }
        Ok(())
    }

    /// The workflow called `name`, or an error listing the ones there are.
    pub fn get(&self, name: &str) -> Result<&Workflow, WorkflowError> {
        self.by_name
            .get(name)
            .ok_or_else(|| WorkflowError::Unknown {
                name: name.to_owned(),
                available: self.by_name.keys().cloned().collect(),
            })
    }

    /// All workflows, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &Workflow> {
        self.by_name.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_in_file_is_named_after_itself_and_can_replace_a_builtin() {
        let dir = tempfile::tempdir().unwrap();
        let sprite = include_str!("../../config/workflows/sprite.json");
        std::fs::write(dir.path().join("my_style.json"), sprite).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a workflow").unwrap();
        let mut workflows = Workflows::builtin();
        workflows.load_dir(dir.path()).unwrap();
        let names: Vec<_> = workflows.iter().map(Workflow::name).collect();
        assert_eq!(names, ["animation", "my_style", "sprite", "tileset"]);
        assert_eq!(
            workflows.get("nope").unwrap_err().to_string(),
            "unknown workflow \"nope\"; available: animation, my_style, sprite, tileset"
        );
    }

    #[test]
    fn a_broken_file_is_reported_by_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("broken.json"), "{\"1\": ").unwrap();
        let error = Workflows::builtin().load_dir(dir.path()).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("workflow \"broken\" is not valid JSON"),
            "{error}"
        );
    }
}
