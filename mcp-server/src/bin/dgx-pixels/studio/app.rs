//! What the studio shows and how keys change it: the store list and its filter, the forms that
//! start jobs, the comparison grid and the project's deployed sprites. No drawing and no I/O
//! beyond reading the store and the project's manifest.

use std::path::PathBuf;

use dgx_pixels::args::Arguments;
use dgx_pixels::deploy::{self, DeployPolicy};
use dgx_pixels::store::{SpriteStore, StoredSprite};
use dgx_pixels_manifest::SpriteEntry;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

use super::jobs::{Compared, Job, Report};
use crate::flags::palette_arg;

/// Which list the arrow keys move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Sprites,
    Deployed,
}

/// What the keys are typed into.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Browse,
    /// Typing the prompt filter.
    Filter,
    Form(Form),
    Help,
}

/// A small form: labelled text fields, one focused.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<(&'static str, String)>,
    pub focused: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Generate,
    Compare,
    /// Deploy the sprite with this id.
    Deploy,
}

impl FormKind {
    pub fn title(self) -> &'static str {
        match self {
            Self::Generate => "Generate a sprite",
            Self::Compare => "Compare variants",
            Self::Deploy => "Deploy to the project",
        }
    }
}

/// A job in flight, as the progress bar shows it.
#[derive(Debug, Clone)]
pub struct Running {
    pub title: &'static str,
    pub done: usize,
    pub total: usize,
    pub message: String,
}

/// The result of a comparison, browsed as a grid.
#[derive(Debug)]
pub struct Comparison {
    pub result: Compared,
    pub selected: usize,
}

/// Everything on screen.
pub struct App {
    store: SpriteStore,
    pub project: Option<PathBuf>,
    policy: DeployPolicy,
    default_backend: &'static str,
    pub sprites: Vec<StoredSprite>,
    pub filter: String,
    /// Indices into `sprites` that match the filter.
    pub visible: Vec<usize>,
    pub selected: usize,
    pub focus: Focus,
    pub deployed: Vec<(String, SpriteEntry)>,
    pub deployed_selected: usize,
    /// Revisions of the selected deployed sprite, oldest first.
    pub history: Vec<SpriteEntry>,
    pub mode: Mode,
    pub status: String,
    pub running: Option<Running>,
    pub comparison: Option<Comparison>,
    pub quit: bool,
}

impl App {
    pub fn new(
        store: SpriteStore,
        project: Option<PathBuf>,
        policy: DeployPolicy,
        default_backend: &'static str,
    ) -> Self {
        let mut app = Self {
            store,
            project,
            policy,
            default_backend,
            sprites: Vec::new(),
            filter: String::new(),
            visible: Vec::new(),
            selected: 0,
            focus: Focus::Sprites,
            deployed: Vec::new(),
            deployed_selected: 0,
            history: Vec::new(),
            mode: Mode::Browse,
            status: "ready".into(),
            running: None,
            comparison: None,
            quit: false,
        };
        app.reload_store(None);
        app.reload_project(None);
        app
    }

    /// The sprite under the cursor.
    pub fn current(&self) -> Option<&StoredSprite> {
        self.visible.get(self.selected).map(|&i| &self.sprites[i])
    }

    /// The deployed entry under the project cursor.
    pub fn current_deployed(&self) -> Option<&(String, SpriteEntry)> {
        self.deployed.get(self.deployed_selected)
    }

    /// Reads the store again, keeping (or moving to) `select` when it is listed.
    pub fn reload_store(&mut self, select: Option<&str>) {
        let keep = select
            .map(str::to_owned)
            .or_else(|| self.current().map(|s| s.record.id.clone()));
        self.sprites = self.store.list();
        if let Some(id) = select
            && !self.matching().any(|i| self.sprites[i].record.id == id)
        {
            self.filter.clear();
        }
        self.refilter(keep.as_deref());
    }

    /// Reads the project's manifest again, keeping (or moving to) `select`.
    pub fn reload_project(&mut self, select: Option<&str>) {
        let Some(project) = &self.project else {
            return;
        };
        let keep = select
            .map(str::to_owned)
            .or_else(|| self.current_deployed().map(|(name, _)| name.clone()));
        match deploy::list(project, &self.policy) {
            Ok(manifest) => {
                self.deployed = manifest
                    .sprites()
                    .iter()
                    .map(|(name, entry)| (name.as_str().to_owned(), entry.clone()))
                    .collect();
            }
            Err(e) => self.status = format!("error: {e}"),
        }
        self.deployed_selected = keep
            .and_then(|name| self.deployed.iter().position(|(n, _)| *n == name))
            .unwrap_or(0)
            .min(self.deployed.len().saturating_sub(1));
        self.reload_history();
    }

    fn reload_history(&mut self) {
        self.history = match (&self.project, self.current_deployed()) {
            (Some(project), Some((name, _))) => {
                deploy::history(project, name, &self.policy).unwrap_or_default()
            }
            _ => Vec::new(),
        };
    }

    fn matching(&self) -> impl Iterator<Item = usize> + '_ {
        let needle = self.filter.to_lowercase();
        self.sprites
            .iter()
            .enumerate()
            .filter(move |(_, s)| {
                needle.is_empty()
                    || s.record.prompt.to_lowercase().contains(&needle)
                    || s.record.id.contains(&needle)
            })
            .map(|(i, _)| i)
    }

    fn refilter(&mut self, keep: Option<&str>) {
        self.visible = self.matching().collect();
        self.selected = keep
            .and_then(|id| {
                self.visible
                    .iter()
                    .position(|&i| self.sprites[i].record.id == id)
            })
            .unwrap_or(0)
            .min(self.visible.len().saturating_sub(1));
    }

    /// A job's report: progress, or its result shown and the lists read again.
    pub fn on_report(&mut self, report: Report) {
        match report {
            Report::Progress {
                done,
                total,
                message,
            } => {
                if let Some(running) = &mut self.running {
                    (running.done, running.total, running.message) = (done, total, message);
                }
            }
            Report::Generated(result) => {
                self.running = None;
                match result {
                    Ok(sprite) => {
                        let r = &sprite.record;
                        self.status = format!(
                            "generated {} ({}×{}, seed {}, {}) in {:.0} ms",
                            r.id, r.width, r.height, r.seed, r.backend, r.timings_ms.total
                        );
                        self.reload_store(Some(&sprite.record.id));
                        self.focus = Focus::Sprites;
                    }
                    Err(e) => self.status = format!("error: {e}"),
                }
            }
            Report::Compared(result) => {
                self.running = None;
                match result {
                    Ok(result) => {
                        let made = result.variants.iter().filter(|(_, s)| s.is_some()).count();
                        let sheet = result
                            .sheet
                            .as_ref()
                            .map_or_else(String::new, |s| format!(" (sheet {})", s.record.id));
                        self.status = match result.failures.first() {
                            None => format!("compared {made} variants{sheet}; d deploys the pick"),
                            Some(first) => format!(
                                "compared {made} of {} variants; failed {first}",
                                result.variants.len()
                            ),
                        };
                        self.reload_store(None);
                        self.comparison = Some(Comparison {
                            result,
                            selected: 0,
                        });
                    }
                    Err(e) => self.status = format!("error: {e}"),
                }
            }
            Report::Delivered(result) => {
                self.running = None;
                match result {
                    Ok((summary, name)) => {
                        self.status = summary;
                        self.reload_project(Some(&name));
                    }
                    Err(e) => self.status = format!("error: {e}"),
                }
            }
        }
    }

    /// Handles a key; returns the job it starts, if any.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Job> {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            match key.code {
                KeyCode::Char('c') => self.quit = true,
                // Clears what is being typed, as in a shell.
                KeyCode::Char('u') => match &mut self.mode {
                    Mode::Form(form) => form.fields[form.focused].1.clear(),
                    Mode::Filter => {
                        self.filter.clear();
                        self.refilter(None);
                    }
                    Mode::Browse | Mode::Help => {}
                },
                _ => {}
            }
            return None;
        }
        match self.mode.clone() {
            Mode::Help => {
                self.mode = Mode::Browse;
                None
            }
            Mode::Filter => {
                self.on_filter_key(key);
                None
            }
            Mode::Form(form) => self.on_form_key(form, key),
            Mode::Browse if self.comparison.is_some() => self.on_comparison_key(key),
            Mode::Browse => self.on_browse_key(key),
        }
    }

    fn on_browse_key(&mut self, key: KeyEvent) -> Option<Job> {
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => self.quit = true,
            KeyCode::Char('?') => self.mode = Mode::Help,
            KeyCode::Char('/') => {
                self.mode = Mode::Filter;
                self.focus = Focus::Sprites;
            }
            KeyCode::Tab | KeyCode::BackTab => {
                self.focus = match self.focus {
                    Focus::Sprites => Focus::Deployed,
                    Focus::Deployed => Focus::Sprites,
                }
            }
            KeyCode::Down | KeyCode::Char('j') => self.step(1),
            KeyCode::Up | KeyCode::Char('k') => self.step(-1),
            KeyCode::PageDown => self.step(10),
            KeyCode::PageUp => self.step(-10),
            KeyCode::Char('R') => {
                self.reload_store(None);
                self.reload_project(None);
                self.status = format!("{} sprites in the store", self.sprites.len());
            }
            KeyCode::Char('g') => self.open_generate(),
            KeyCode::Char('c') => self.open_compare(),
            KeyCode::Char('d') => {
                if let Some(sprite) = self.current() {
                    let id = sprite.record.id.clone();
                    let name = default_name(&sprite.record.prompt);
                    self.open_deploy(id, name);
                }
            }
            KeyCode::Char('r') => return self.rollback(),
            _ => {}
        }
        None
    }

    fn on_comparison_key(&mut self, key: KeyEvent) -> Option<Job> {
        let comparison = self.comparison.as_mut()?;
        let count = comparison.result.variants.len();
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => self.comparison = None,
            KeyCode::Right | KeyCode::Down | KeyCode::Char('l') | KeyCode::Char('j') => {
                comparison.selected = (comparison.selected + 1) % count.max(1);
            }
            KeyCode::Left | KeyCode::Up | KeyCode::Char('h') | KeyCode::Char('k') => {
                comparison.selected = (comparison.selected + count.max(1) - 1) % count.max(1);
            }
            KeyCode::Enter => {
                let id = self.comparison_pick()?;
                self.comparison = None;
                self.reload_store(Some(&id));
            }
            KeyCode::Char('d') => {
                let id = self.comparison_pick()?;
                let name = self
                    .current()
                    .map_or_else(|| "sprite".to_owned(), |s| default_name(&s.record.prompt));
                self.open_deploy(id, name);
            }
            _ => {}
        }
        None
    }

    /// The id of the selected variant, or a status line saying it failed.
    fn comparison_pick(&mut self) -> Option<String> {
        let comparison = self.comparison.as_ref()?;
        match &comparison.result.variants[comparison.selected] {
            (_, Some(sprite)) => Some(sprite.record.id.clone()),
            (label, None) => {
                self.status = format!("variant {label} failed; pick another");
                None
            }
        }
    }

    fn on_filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Enter => self.mode = Mode::Browse,
            KeyCode::Esc => {
                self.filter.clear();
                self.mode = Mode::Browse;
            }
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Char(c) => self.filter.push(c),
            _ => return,
        }
        let keep = self.current().map(|s| s.record.id.clone());
        self.refilter(keep.as_deref());
    }

    fn on_form_key(&mut self, mut form: Form, key: KeyEvent) -> Option<Job> {
        match key.code {
            KeyCode::Esc => {
                self.mode = Mode::Browse;
                return None;
            }
            KeyCode::Enter => {
                self.mode = Mode::Browse;
                return self.submit(&form);
            }
            KeyCode::Tab | KeyCode::Down => form.focused = (form.focused + 1) % form.fields.len(),
            KeyCode::BackTab | KeyCode::Up => {
                form.focused = (form.focused + form.fields.len() - 1) % form.fields.len();
            }
            KeyCode::Backspace => {
                form.fields[form.focused].1.pop();
            }
            KeyCode::Char(c) => form.fields[form.focused].1.push(c),
            _ => {}
        }
        self.mode = Mode::Form(form);
        None
    }

    fn step(&mut self, by: isize) {
        let (position, len) = match self.focus {
            Focus::Sprites => (&mut self.selected, self.visible.len()),
            Focus::Deployed => (&mut self.deployed_selected, self.deployed.len()),
        };
        if len == 0 {
            return;
        }
        *position = position.saturating_add_signed(by).min(len - 1);
        if self.focus == Focus::Deployed {
            self.reload_history();
        }
    }

    fn open_generate(&mut self) {
        let prompt = self
            .current()
            .map(|s| s.record.prompt.clone())
            .unwrap_or_default();
        self.open_form(
            FormKind::Generate,
            vec![
                ("Prompt", prompt),
                ("Size", "32".into()),
                ("Palette", String::new()),
                ("Backend", self.default_backend.into()),
            ],
        );
    }

    fn open_compare(&mut self) {
        let (prompt, size, seed) = self.current().map_or_else(
            || (String::new(), "32".to_owned(), String::new()),
            |s| {
                (
                    s.record.prompt.clone(),
                    s.record.width.to_string(),
                    s.record.seed.to_string(),
                )
            },
        );
        self.open_form(
            FormKind::Compare,
            vec![
                ("Prompt", prompt),
                ("Vary", "palette".into()),
                ("Values", "pico-8,gameboy,nes,sweetie-16".into()),
                ("Size", size),
                ("Seed", seed),
                ("Backend", self.default_backend.into()),
            ],
        );
    }

    fn open_deploy(&mut self, sprite: String, name: String) {
        if self.project.is_none() {
            self.status = "error: no project; start the studio with --project DIR".into();
            return;
        }
        self.open_form(FormKind::Deploy, vec![("Sprite", sprite), ("Name", name)]);
        if let Mode::Form(form) = &mut self.mode {
            form.focused = 1;
        }
    }

    fn open_form(&mut self, kind: FormKind, fields: Vec<(&'static str, String)>) {
        if let Some(running) = &self.running {
            self.status = format!("wait: {} is still running", running.title);
            return;
        }
        self.mode = Mode::Form(Form {
            kind,
            fields,
            focused: 0,
        });
    }

    fn rollback(&mut self) -> Option<Job> {
        let (name, _) = self.current_deployed()?.clone();
        self.start("rolling back", Job::Rollback { name })
    }

    /// The job a filled-in form asks for, as the arguments an agent would send.
    fn submit(&mut self, form: &Form) -> Option<Job> {
        let field = |label: &str| {
            form.fields
                .iter()
                .find(|(l, _)| *l == label)
                .map(|(_, v)| v.trim().to_owned())
                .unwrap_or_default()
        };
        let mut arguments = Arguments::new();
        let mut set = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                arguments.insert(key.into(), value);
            }
        };
        set("prompt", Some(field("Prompt").into()));
        set("size", number_or_text(&field("Size")));
        set("backend", text(&field("Backend")));
        match form.kind {
            FormKind::Generate => {
                let palette = field("Palette");
                if !palette.is_empty() {
                    set("palette", serde_json::to_value(palette_arg(&palette)).ok());
                }
                self.start("generating", Job::Generate(arguments))
            }
            FormKind::Compare => {
                set("seed", number_or_text(&field("Seed")));
                let vary = field("Vary");
                let variants: Vec<Value> = field("Values")
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|value| match vary.as_str() {
                        "palette" => json!({"palette": palette_arg(value)}),
                        key => json!({ key: number_or_text(value) }),
                    })
                    .collect();
                set("variants", Some(Value::Array(variants)));
                self.start("comparing", Job::Compare(arguments))
            }
            FormKind::Deploy => self.start(
                "deploying",
                Job::Deploy {
                    sprite: field("Sprite"),
                    name: field("Name"),
                },
            ),
        }
    }

    fn start(&mut self, title: &'static str, job: Job) -> Option<Job> {
        if let Some(running) = &self.running {
            self.status = format!("wait: {} is still running", running.title);
            return None;
        }
        self.running = Some(Running {
            title,
            done: 0,
            total: 0,
            message: String::new(),
        });
        self.status = format!("{title}…");
        Some(job)
    }
}

/// A deploy name from a prompt: its first two words, `[a-z0-9_]`.
fn default_name(prompt: &str) -> String {
    let name: Vec<String> = prompt
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(2)
        .map(str::to_ascii_lowercase)
        .collect();
    if name.is_empty() {
        "sprite".into()
    } else {
        name.join("_")
    }
}

/// A form value as JSON: a number when it reads as one, else the text (which the tool's checks
/// then name as the wrong type); nothing when empty.
fn number_or_text(value: &str) -> Option<Value> {
    let value = value.trim();
    if value.is_empty() {
        None
    } else if let Ok(n) = value.parse::<u64>() {
        Some(n.into())
    } else if let Ok(x) = value.parse::<f64>() {
        Some(x.into())
    } else {
        Some(value.into())
    }
}

fn text(value: &str) -> Option<Value> {
    (!value.trim().is_empty()).then(|| value.trim().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_names_come_from_the_prompt() {
        assert_eq!(default_name("Gold coin, shiny"), "gold_coin");
        assert_eq!(default_name("✨"), "sprite");
    }

    #[test]
    fn form_values_become_tool_arguments() {
        assert_eq!(number_or_text("16"), Some(json!(16)));
        assert_eq!(number_or_text("7.5"), Some(json!(7.5)));
        assert_eq!(number_or_text("big"), Some(json!("big")));
        assert_eq!(number_or_text(" "), None);
    }
}
