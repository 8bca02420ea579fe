//! `dgx-pixels styles`: the named styles, what each sets, and a picture of them all.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use dgx_pixels::Config;
use dgx_pixels::store::{encode_png, write_atomic};
use dgx_pixels::style::{self, StyleBook};

/// `styles`' flags.
#[derive(Debug, Args)]
pub struct StylesArgs {
    /// Also show this game's styles (assets/pixels.styles.toml) and its default. Default:
    /// deploy.default_project from the config.
    #[arg(long)]
    project: Option<PathBuf>,
    /// Make this style the project's default (written to its style file).
    #[arg(long, value_name = "STYLE")]
    set_default: Option<String>,
    /// Write a picture of every style (a row each, labelled, drawn by the embedded backend).
    #[arg(long, value_name = "FILE")]
    sheet: Option<PathBuf>,
    /// Pixel scale of the picture.
    #[arg(long, default_value_t = 3)]
    scale: u32,
}

pub fn styles(config: &Config, args: StylesArgs) -> anyhow::Result<()> {
    let project = args
        .project
        .or_else(|| config.deploy.default_project.clone());
    if let Some(name) = &args.set_default {
        let project = project.as_deref().context(
            "--set-default needs --project (the game's root folder) or deploy.default_project in the config",
        )?;
        let path = style::set_default(project, name, config)?;
        println!("default style {name} → {}", path.display());
        return Ok(());
    }
    let book = StyleBook::load(config, project.as_deref())?;
    let default = book.default_style().map(|s| s.name.clone());
    for style in book.styles() {
        let marker = if Some(&style.name) == default.as_ref() {
            "*"
        } else {
            " "
        };
        println!(
            "{marker} {:<10} {} [{}]",
            style.name, style.description, style.origin
        );
        let values: Vec<String> = style
            .values
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        println!("             {}", values.join(" "));
    }
    if let Some(path) = &args.sheet {
        anyhow::ensure!(
            (1..=16).contains(&args.scale),
            "--scale must be 1–16, got {}",
            args.scale
        );
        let sheet = style::contact_sheet(book.styles(), args.scale)?;
        write_atomic(path, &encode_png(&sheet))?;
        eprintln!("{} styles drawn → {}", book.styles().len(), path.display());
    }
    Ok(())
}
