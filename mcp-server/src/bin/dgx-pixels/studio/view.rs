//! Drawing the studio: the store list and preview (or the comparison grid), the project's
//! deployed sprites and history, the status or progress line and the help line.

use image::RgbaImage;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Gauge, List, ListItem, ListState, Paragraph, Wrap};

use super::app::{App, Comparison, Focus, Form, Mode};
use super::picture::Pictures;
use dgx_pixels::store::StoredSprite;

const ACCENT: Color = Color::Yellow;

/// Draws the whole screen for the terminal's current size.
pub fn draw(frame: &mut Frame<'_>, app: &App, pictures: &mut Pictures) {
    let project_height = (frame.area().height / 4).clamp(5, 10);
    let [main, project, status, help] = Layout::vertical([
        Constraint::Min(8),
        Constraint::Length(project_height),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    match &app.comparison {
        Some(comparison) => draw_comparison(frame, main, comparison, pictures),
        None => {
            let [list, preview] =
                Layout::horizontal([Constraint::Percentage(38), Constraint::Min(20)]).areas(main);
            draw_list(frame, list, app);
            draw_preview(frame, preview, app, pictures);
        }
    }
    draw_project(frame, project, app);
    draw_status(frame, status, app);
    frame.render_widget(
        Paragraph::new(help_line(app)).style(Style::new().fg(Color::Gray)),
        help,
    );
    match &app.mode {
        Mode::Form(form) => draw_form(frame, form),
        Mode::Help => draw_help(frame),
        Mode::Browse | Mode::Filter => {}
    }
}

fn block(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::new().fg(ACCENT)
    } else {
        Style::new()
    };
    Block::bordered().title(title).border_style(style)
}

fn draw_list(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let count = if app.filter.is_empty() && app.mode != Mode::Filter {
        format!("{}", app.sprites.len())
    } else {
        format!("{}/{}", app.visible.len(), app.sprites.len())
    };
    let mut title = format!(" Sprites ({count}) ");
    if app.mode == Mode::Filter || !app.filter.is_empty() {
        title.push_str(&format!("filter: {} ", app.filter));
    }
    let items: Vec<ListItem<'_>> = app
        .visible
        .iter()
        .map(|&i| {
            let r = &app.sprites[i].record;
            ListItem::new(Line::from(vec![
                Span::raw(r.prompt.clone()),
                Span::styled(
                    format!("  {}×{} {}", r.width, r.height, r.backend),
                    Style::new().fg(Color::DarkGray),
                ),
            ]))
        })
        .collect();
    let focused = app.focus == Focus::Sprites && app.comparison.is_none();
    let cursor = area.x + title.chars().count() as u16;
    let list = List::new(items)
        .block(block(title, focused))
        .highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .highlight_symbol("> ");
    let mut state =
        ListState::default().with_selected((!app.visible.is_empty()).then_some(app.selected));
    frame.render_stateful_widget(list, area, &mut state);
    if app.mode == Mode::Filter {
        frame.set_cursor_position((cursor.min(area.right().saturating_sub(2)), area.y));
    }
}

fn draw_preview(frame: &mut Frame<'_>, area: Rect, app: &App, pictures: &mut Pictures) {
    let outer = block(format!(" Preview ({}) ", pictures.protocol_name()), false);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let Some(sprite) = app.current() else {
        frame.render_widget(
            Paragraph::new("The store is empty: press g to generate a sprite."),
            inner,
        );
        return;
    };
    let [picture, details] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(3)]).areas(inner);
    pictures.render(frame, picture, &sprite.record.id, || load(sprite));
    let r = &sprite.record;
    let lines = vec![
        Line::from(vec![Span::styled("id ", dim()), Span::raw(r.id.clone())]),
        Line::from(format!(
            "{}×{}  seed {}  {}  palette {}",
            r.width,
            r.height,
            r.seed,
            r.backend,
            r.palette.as_deref().unwrap_or("own colours")
        )),
        Line::from(vec![
            Span::styled("made ", dim()),
            Span::raw(r.created_at.clone()),
            Span::styled("  prompt ", dim()),
            Span::raw(r.prompt.clone()),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines), details);
}

fn draw_comparison(
    frame: &mut Frame<'_>,
    area: Rect,
    comparison: &Comparison,
    pictures: &mut Pictures,
) {
    let variants = &comparison.result.variants;
    let outer = block(format!(" Compare: {} variants ", variants.len()), true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let columns = dgx_pixels::generation::compare::sheet::default_columns(variants.len()) as usize;
    let rows = variants.len().div_ceil(columns.max(1));
    let row_areas = Layout::vertical(vec![Constraint::Ratio(1, rows as u32); rows]).split(inner);
    for (row, row_area) in row_areas.iter().enumerate() {
        let cells = Layout::horizontal(vec![Constraint::Ratio(1, columns as u32); columns])
            .split(*row_area);
        for (column, cell) in cells.iter().enumerate() {
            let index = row * columns + column;
            let Some((label, sprite)) = variants.get(index) else {
                continue;
            };
            let cell_block = block(format!(" {label} "), index == comparison.selected);
            let picture = cell_block.inner(*cell);
            frame.render_widget(cell_block, *cell);
            match sprite {
                Some(sprite) => pictures.render(frame, picture, &sprite.record.id, || load(sprite)),
                None => frame.render_widget(
                    Paragraph::new("failed").style(Style::new().fg(Color::Red)),
                    picture,
                ),
            }
        }
    }
}

fn draw_project(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let focused = app.focus == Focus::Deployed && app.comparison.is_none();
    let Some(project) = &app.project else {
        frame.render_widget(
            Paragraph::new(
                "No project: start with --project DIR (a Bevy game's folder holding assets/) \
                 or set deploy.default_project in the config.",
            )
            .wrap(Wrap { trim: true })
            .block(block(" Project ".into(), focused)),
            area,
        );
        return;
    };
    let [list, history] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Min(20)]).areas(area);
    let items: Vec<ListItem<'_>> = app
        .deployed
        .iter()
        .map(|(name, entry)| {
            ListItem::new(format!(
                "{name:<16} rev {:<3} {}×{}  {}  from {}",
                entry.revision,
                entry.width,
                entry.height,
                entry.path,
                entry.source.sprite_id.as_deref().unwrap_or("?")
            ))
        })
        .collect();
    let title = format!(
        " Deployed in {} ({}) ",
        project.display(),
        app.deployed.len()
    );
    let deployed = List::new(items)
        .block(block(title, focused))
        .highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .highlight_symbol("> ");
    let mut state = ListState::default()
        .with_selected((!app.deployed.is_empty()).then_some(app.deployed_selected));
    frame.render_stateful_widget(deployed, list, &mut state);
    let current = app
        .current_deployed()
        .map(|(name, entry)| (name, entry.revision));
    let lines: Vec<Line<'_>> = app
        .history
        .iter()
        .rev()
        .map(|entry| {
            let live = if Some(entry.revision) == current.map(|(_, r)| r) {
                "live"
            } else {
                ""
            };
            let when = entry
                .deployed_at
                .get(..19)
                .unwrap_or(entry.deployed_at.as_str());
            Line::from(format!(
                "{live:<5}rev {:<3} {}  {}",
                entry.revision,
                when.replace('T', " "),
                entry.source.sprite_id.as_deref().unwrap_or("?"),
            ))
        })
        .collect();
    let title = match current {
        Some((name, _)) => format!(" History of {name} "),
        None => " History ".into(),
    };
    frame.render_widget(Paragraph::new(lines).block(block(title, false)), history);
}

fn draw_status(frame: &mut Frame<'_>, area: Rect, app: &App) {
    match &app.running {
        Some(running) => {
            let ratio = if running.total == 0 {
                0.0
            } else {
                (running.done as f64 / running.total as f64).clamp(0.0, 1.0)
            };
            let label = format!(
                "{} {}/{} {}",
                running.title, running.done, running.total, running.message
            );
            frame.render_widget(
                Gauge::default()
                    .gauge_style(Style::new().fg(Color::Green).bg(Color::Black))
                    .ratio(ratio)
                    .label(label),
                area,
            );
        }
        None => {
            let style = if app.status.starts_with("error") {
                Style::new().fg(Color::Red)
            } else {
                Style::new().fg(Color::Green)
            };
            frame.render_widget(Paragraph::new(app.status.clone()).style(style), area);
        }
    }
}

fn help_line(app: &App) -> &'static str {
    match (&app.mode, app.comparison.is_some()) {
        (Mode::Filter, _) => "type to filter by prompt · Enter keep · Ctrl-U or Esc clear",
        (Mode::Form(_), _) => "Tab/↑↓ next field · Ctrl-U clear field · Enter run · Esc cancel",
        (Mode::Help, _) => "any key closes the help",
        (Mode::Browse, true) => {
            "←→ pick a variant · d deploy it · Enter show it in the list · Esc back"
        }
        (Mode::Browse, false) => {
            "↑↓ select · / filter · g generate · c compare · d deploy · Tab project · r rollback · R reload · ? help · q quit"
        }
    }
}

fn draw_form(frame: &mut Frame<'_>, form: &Form) {
    let area = centred(frame.area(), 72, form.fields.len() as u16 + 4);
    frame.render_widget(Clear, area);
    let outer = block(format!(" {} ", form.kind.title()), true);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let lines: Vec<Line<'_>> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let style = if i == form.focused {
                Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::styled(format!("{label:>8}: "), style),
                Span::raw(value.clone()),
            ])
        })
        .chain([
            Line::default(),
            Line::styled("Enter runs it, Esc cancels", dim()),
        ])
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    let (_, value) = &form.fields[form.focused];
    let x = inner.x + 10 + value.chars().count() as u16;
    frame.set_cursor_position((
        x.min(inner.right().saturating_sub(1)),
        inner.y + form.focused as u16,
    ));
}

fn draw_help(frame: &mut Frame<'_>) {
    const KEYS: &[(&str, &str)] = &[
        (
            "↑ ↓ j k",
            "move in the focused list (Tab switches sprites / project)",
        ),
        ("/", "filter the sprites by prompt text"),
        ("g", "generate a sprite: prompt, size, palette, backend"),
        (
            "c",
            "compare variants of the selected prompt (palettes, seeds, styles…)",
        ),
        (
            "d",
            "deploy the selected sprite (or variant) to the project under a name",
        ),
        (
            "r",
            "roll the selected deployed sprite back to its previous revision",
        ),
        ("R", "read the store and the project again"),
        ("q Esc", "quit (in a comparison: back to the list)"),
    ];
    let area = centred(frame.area(), 90, KEYS.len() as u16 + 2);
    frame.render_widget(Clear, area);
    let lines: Vec<Line<'_>> = KEYS
        .iter()
        .map(|(key, what)| {
            Line::from(vec![
                Span::styled(format!("{key:>8}  "), Style::new().fg(ACCENT)),
                Span::raw(*what),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(block(" Keys ".into(), true)),
        area,
    );
}

fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

fn load(sprite: &StoredSprite) -> Option<RgbaImage> {
    image::open(&sprite.path).ok().map(|image| image.to_rgba8())
}
