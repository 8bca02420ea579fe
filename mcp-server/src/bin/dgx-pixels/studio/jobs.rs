//! The studio's work, off the UI thread: generating, comparing, deploying and rolling back with
//! the same library calls the MCP tools make. Each job reports back over a channel the UI drains
//! between frames, so a job never stops the UI from drawing or reading keys.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use dgx_pixels::args::{Arguments, SpriteFields};
use dgx_pixels::deploy::{self, Delivery};
use dgx_pixels::generation::SpriteRequest;
use dgx_pixels::generation::compare;
use dgx_pixels::store::StoredSprite;
use dgx_pixels::{Config, Generator, style};
use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;

/// Something to do in the background.
#[derive(Debug, Clone)]
pub enum Job {
    /// One sprite from `generate_sprite`'s arguments.
    Generate(Arguments),
    /// A comparison from `compare_sprites`' arguments.
    Compare(Arguments),
    /// A stored sprite into the project under a name.
    Deploy { sprite: String, name: String },
    /// The previous revision of a deployed name.
    Rollback { name: String },
}

/// What a job tells the UI.
#[derive(Debug)]
pub enum Report {
    Progress {
        done: usize,
        total: usize,
        message: String,
    },
    Generated(Result<StoredSprite, String>),
    Compared(Result<Compared, String>),
    /// A deploy or rollback: its one-line summary and the name it touched.
    Delivered(Result<(String, String), String>),
}

/// A finished comparison: each variant's label and sprite (`None` where it failed), and the sheet.
#[derive(Debug)]
pub struct Compared {
    pub variants: Vec<(String, Option<StoredSprite>)>,
    pub sheet: Option<StoredSprite>,
    pub failures: Vec<String>,
}

/// Runs jobs on the async runtime and reports to the UI.
#[derive(Clone)]
pub struct Worker {
    runtime: Handle,
    generator: Generator,
    config: Arc<Config>,
    project: Option<PathBuf>,
    reports: Sender<Report>,
}

impl Worker {
    pub fn new(
        runtime: Handle,
        generator: Generator,
        config: Arc<Config>,
        project: Option<PathBuf>,
        reports: Sender<Report>,
    ) -> Self {
        Self {
            runtime,
            generator,
            config,
            project,
            reports,
        }
    }

    /// Starts `job`; its reports arrive on the channel.
    pub fn start(&self, job: Job) {
        let worker = self.clone();
        self.runtime.spawn(async move {
            let report = match job {
                Job::Generate(arguments) => Report::Generated(worker.generate(arguments).await),
                Job::Compare(arguments) => Report::Compared(worker.compare(arguments).await),
                Job::Deploy { sprite, name } => {
                    let deliver = worker.clone();
                    Report::Delivered(
                        worker
                            .blocking(move || deliver.deploy(&sprite, &name))
                            .await,
                    )
                }
                Job::Rollback { name } => {
                    let rollback = worker.clone();
                    Report::Delivered(worker.blocking(move || rollback.rollback(&name)).await)
                }
            };
            let _ = worker.reports.send(report);
        });
    }

    /// Progress steps as reports.
    fn progress(&self) -> impl FnMut(dgx_pixels::generation::progress::Step) + Send + 'static {
        let reports = self.reports.clone();
        move |step| {
            let _ = reports.send(Report::Progress {
                done: step.done,
                total: step.total.max(step.done),
                message: step.message(),
            });
        }
    }

    async fn generate(&self, arguments: Arguments) -> Result<StoredSprite, String> {
        let styled = style::parse_styled::<SpriteFields>(&self.config, Some(&arguments))
            .map_err(|e| e.to_string())?;
        let prompt = dgx_pixels::args::validate_prompt("prompt", &styled.args.fields.prompt)
            .map_err(|e| e.to_string())?;
        let request = SpriteRequest {
            prompts: vec![prompt],
            settings: styled.settings().map_err(|e| e.to_string())?,
            sheet: false,
            parameters: serde_json::to_value(&styled.args).unwrap_or_default(),
        };
        let mut outcome = self
            .generator
            .generate(request, self.progress(), CancellationToken::new())
            .await;
        outcome.items.remove(0).map_err(|e| e.to_string())
    }

    async fn compare(&self, arguments: Arguments) -> Result<Compared, String> {
        let request = compare::plan(&self.config, Some(&arguments)).map_err(|e| e.to_string())?;
        let outcome = self
            .generator
            .compare(request, self.progress(), CancellationToken::new())
            .await;
        let mut failures = Vec::new();
        let variants = outcome
            .variants
            .into_iter()
            .map(|(label, result)| match result {
                Ok(sprite) => (label, Some(sprite)),
                Err(e) => {
                    failures.push(format!("{label}: {e}"));
                    (label, None)
                }
            })
            .collect();
        let sheet = match outcome.sheet {
            Some(Ok(sheet)) => Some(sheet),
            Some(Err(e)) => return Err(format!("the contact sheet was not stored: {e}")),
            None => None,
        };
        Ok(Compared {
            variants,
            sheet,
            failures,
        })
    }

    fn project(&self) -> Result<PathBuf, String> {
        self.project.clone().ok_or_else(|| {
            "no project: start the studio with --project DIR (the game's folder holding assets/) \
             or set deploy.default_project in the config"
                .to_owned()
        })
    }

    fn deploy(&self, sprite: &str, name: &str) -> Result<(String, String), String> {
        let project = self.project()?;
        let sprites = [sprite.to_owned()];
        let deployed = deploy::deliver(
            self.generator.store(),
            &Delivery {
                sprites: &sprites,
                name,
                project: &project,
                category: "sprites",
                fps: None,
            },
            &deploy::policy(&self.config),
        )
        .map_err(|e| e.to_string())?;
        let verb = if deployed.unchanged {
            "unchanged"
        } else {
            "deployed"
        };
        Ok((
            format!(
                "{verb} {} revision {} → {}",
                deployed.name.as_str(),
                deployed.entry.revision,
                deployed.path.display()
            ),
            deployed.name.as_str().to_owned(),
        ))
    }

    fn rollback(&self, name: &str) -> Result<(String, String), String> {
        let project = self.project()?;
        let restored = deploy::rollback(&project, name, None, &deploy::policy(&self.config))
            .map_err(|e| e.to_string())?;
        Ok((
            format!(
                "rolled back {} to the previous picture: now revision {}",
                restored.name.as_str(),
                restored.entry.revision
            ),
            restored.name.as_str().to_owned(),
        ))
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| format!("the job failed unexpectedly: {e}"))?
    }
}
