//! `dgx-pixels studio`: the sprite store, generation, comparisons and the project's deployed
//! sprites in a terminal UI, for the person next to the agent.
//!
//! [`app`] holds the state and turns keys into [`jobs`], which run the same library code the MCP
//! tools run (the generator, the store, deploy) on the async runtime; [`view`] draws it, with
//! sprites drawn pixel-perfect by [`picture`]. The UI thread only draws, reads keys and drains the
//! jobs' reports, so it never waits for a job.

mod app;
mod jobs;
mod picture;
mod view;

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use dgx_pixels::{Config, Generator, deploy};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use app::App;
use jobs::{Report, Worker};
use picture::{Pictures, ProtocolChoice};

/// `studio`'s flags.
#[derive(Debug, Args)]
pub struct StudioArgs {
    /// The game's root folder (holding assets/) to deploy to and show. Default:
    /// deploy.default_project from the config.
    #[arg(long)]
    project: Option<PathBuf>,
    /// How sprites are drawn: auto (ask the terminal for Sixel, Kitty or iTerm2, else Unicode
    /// half blocks) or halfblocks (works everywhere, also in tmux and over SSH).
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        env = "DGX_PIXELS_STUDIO_PROTOCOL"
    )]
    protocol: ProtocolChoice,
}

/// How often the screen is redrawn while nothing happens, and how long a key waits at most.
const FRAME: Duration = Duration::from_millis(50);

pub async fn studio(config: Config, args: StudioArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        std::io::stdout().is_terminal() && std::io::stdin().is_terminal(),
        "the studio needs a terminal: run it in one (or in tmux, or over ssh -t)"
    );
    let generator = Generator::from_config(&config)?;
    let project = args
        .project
        .or_else(|| config.deploy.default_project.clone());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let (reports, received) = std::sync::mpsc::channel();
        let app = App::new(
            generator.store().clone(),
            project.clone(),
            deploy::policy(&config),
            generator.default_backend().name(),
        );
        let worker = Worker::new(runtime, generator, Arc::new(config), project, reports);
        // Raw mode and the alternate screen; the panic hook ratatui installs restores both.
        let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
        let pictures = Pictures::new(args.protocol);
        let result = run(&mut terminal, app, pictures, &worker, &received);
        ratatui::restore();
        result
    })
    .await?
}

/// Draws, reads keys and takes in the jobs' reports until the user quits.
fn run(
    terminal: &mut DefaultTerminal,
    mut app: App,
    mut pictures: Pictures,
    worker: &Worker,
    reports: &Receiver<Report>,
) -> anyhow::Result<()> {
    while !app.quit {
        terminal.draw(|frame| view::draw(frame, &app, &mut pictures))?;
        if event::poll(FRAME)? {
            // A resize needs nothing but the next draw, which fits the new size.
            if let Event::Key(key) = event::read()?
                && key.kind == KeyEventKind::Press
                && let Some(job) = app.on_key(key)
            {
                worker.start(job);
            }
        }
        while let Ok(report) = reports.try_recv() {
            app.on_report(report);
        }
    }
    Ok(())
}
