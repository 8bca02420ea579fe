//! The pipeline against synthetic corpora with known answers (see `common`): how often `auto` recovers the
//! exact sprite size, and how many pixels match when the size is given. Each kind of input has its own
//! corpus; `PIXEL_CORPUS_SEED=7 cargo test -p dgx-pixels-pixel --test corpus -- --nocapture` draws cases
//! this crate was not tuned on and prints the figures.

mod common;

use common::{Case, Rng, agreement, palette_agreement};
use dgx_pixels_pixel::{PixelizeOptions, pixelize};

/// Colours closer than this in Oklab count as the same (a just-noticeable difference is about 0.02).
const COLOR_TOLERANCE: f32 = 0.05;

/// What one corpus gave.
struct Figures {
    cases: usize,
    exact_size: usize,
    agreement: f32,
    loose_agreement: f32,
    /// Pixels whose opacity alone is right.
    opacity: f32,
    /// The sprite's pixels whose colour is nearest the right palette colour.
    palette: f32,
    worst: f32,
    /// Cases where `auto` got the size right yet called its grid unsure, and where it got it wrong and
    /// still called it sure.
    unsure_right: usize,
    sure_wrong: usize,
}

impl Figures {
    fn size_rate(&self) -> f32 {
        self.exact_size as f32 / self.cases as f32
    }

    fn mean_agreement(&self) -> f32 {
        self.agreement / self.cases as f32
    }

    fn mean_opacity(&self) -> f32 {
        self.opacity / self.cases as f32
    }

    fn mean_palette(&self) -> f32 {
        self.palette / self.cases as f32
    }
}

/// The seed for a corpus: its own default, or `PIXEL_CORPUS_SEED` mixed with the corpus name.
fn seed(default: u64, kind: &str) -> u64 {
    match std::env::var("PIXEL_CORPUS_SEED") {
        Ok(s) => {
            let base: u64 = s.parse().expect("PIXEL_CORPUS_SEED is a number");
            kind.bytes().fold(base, |h, b| h.rotate_left(5) ^ b as u64)
        }
        Err(_) => default,
    }
}

/// Runs `cases` cases drawn by `draw` and prints the figures and every case that went wrong.
fn measure(kind: &str, seed: u64, cases: usize, draw: impl Fn(&mut Rng) -> Case) -> Figures {
    let mut rng = Rng::new(seed);
    let mut figures = Figures {
        cases,
        exact_size: 0,
        agreement: 0.0,
        loose_agreement: 0.0,
        opacity: 0.0,
        palette: 0.0,
        worst: 1.0,
        unsure_right: 0,
        sure_wrong: 0,
    };
    for i in 0..cases {
        let case = draw(&mut rng);
        let picture = case.render(&mut rng);
        let truth = &case.sprite;

        let auto = pixelize(&picture, &PixelizeOptions::default());
        let auto_size = auto.as_ref().map(|p| p.image.dimensions()).ok();
        let sized = pixelize(
            &picture,
            &PixelizeOptions {
                width: Some(truth.width()),
                height: Some(truth.height()),
                ..PixelizeOptions::default()
            },
        );
        let agree = |tolerance| {
            sized
                .as_ref()
                .map_or(0.0, |p| agreement(&p.image, truth, tolerance))
        };
        let strict = agree(COLOR_TOLERANCE);
        let right = auto_size == Some(truth.dimensions());
        let unsure = auto.as_ref().is_ok_and(|p| p.grid.is_unsure());
        figures.exact_size += usize::from(right);
        figures.unsure_right += usize::from(right && unsure);
        figures.sure_wrong += usize::from(!right && !unsure);
        figures.agreement += strict;
        figures.loose_agreement += agree(2.0 * COLOR_TOLERANCE);
        figures.opacity += agree(f32::INFINITY);
        figures.palette += sized
            .as_ref()
            .map_or(0.0, |p| palette_agreement(&p.image, truth, &case.palette));
        figures.worst = figures.worst.min(strict);
        if auto_size != Some(truth.dimensions()) || strict < 0.9 {
            eprintln!(
                "{kind} case {i}: size {:?}, auto gave {auto_size:?} (cell {:.2}, found {}); agreement {strict:.3}; {:?} {:?}",
                truth.dimensions(),
                case.scale,
                auto.as_ref()
                    .map_or_else(|e| e.to_string(), |p| p.grid.to_string()),
                case.background,
                case.damage,
            );
        }
    }
    eprintln!(
        "{kind} corpus of {cases} (seed {seed}): exact size {:.1}%; pixel agreement {:.2}% with colours within \
         {COLOR_TOLERANCE} ({:.2}% within {}, {:.2}% opacity alone, {:.2}% nearest the right palette colour), \
         worst case {:.1}%; grid called unsure on {} right sizes, sure on {} wrong ones",
        100.0 * figures.size_rate(),
        100.0 * figures.mean_agreement(),
        100.0 * figures.loose_agreement / cases as f32,
        2.0 * COLOR_TOLERANCE,
        100.0 * figures.mean_opacity(),
        100.0 * figures.mean_palette(),
        100.0 * figures.worst,
        figures.unsure_right,
        figures.sure_wrong,
    );
    figures
}

#[test]
fn recovers_size_and_pixels_of_damaged_upscales() {
    let figures = measure("mixed", seed(0xD6C_91E5, "mixed"), 160, Case::random);
    assert!(
        figures.size_rate() >= 0.95,
        "exact size on {:.1}% of cases",
        100.0 * figures.size_rate()
    );
    assert!(
        figures.mean_agreement() >= 0.97,
        "pixel agreement {:.2}%",
        100.0 * figures.mean_agreement()
    );
}

/// Issue 19: pale subject colours inside the outline were made transparent on light backgrounds (83.5% of
/// pixels agreed here before the fix, 86.2% in opacity alone). What colour is still lost is the thin outline in the smallest,
/// most blurred cells, as in every corpus.
#[test]
fn pale_subject_colours_inside_the_outline_stay() {
    let figures = measure("pale", seed(0x19_FA1E, "pale"), 48, Case::pale);
    assert!(
        figures.size_rate() >= 0.95,
        "exact size on {:.1}% of cases",
        100.0 * figures.size_rate()
    );
    assert!(
        figures.mean_opacity() >= 0.995,
        "opacity right for {:.2}% of pixels",
        100.0 * figures.mean_opacity()
    );
    assert!(
        figures.mean_agreement() >= 0.96,
        "pixel agreement {:.2}%",
        100.0 * figures.mean_agreement()
    );
}

/// The harder kinds of input, each its own corpus: (name, default seed, cases, how drawn, least exact
/// size rate, least pixel agreement, least share nearest the right palette colour).
type Kind = (
    &'static str,
    u64,
    usize,
    fn(&mut Rng) -> Case,
    f32,
    f32,
    f32,
);

fn check(kind: Kind) {
    let (name, default_seed, cases, draw, least_size, least_agreement, least_palette) = kind;
    let figures = measure(name, seed(default_seed, name), cases, draw);
    assert!(
        figures.size_rate() >= least_size,
        "{name}: exact size on {:.1}% of cases",
        100.0 * figures.size_rate()
    );
    assert!(
        figures.mean_agreement() >= least_agreement,
        "{name}: pixel agreement {:.2}%",
        100.0 * figures.mean_agreement()
    );
    assert!(
        figures.mean_palette() >= least_palette,
        "{name}: nearest the right palette colour {:.2}%",
        100.0 * figures.mean_palette()
    );
}

/// Several frames in one picture, one grid for all.
#[test]
fn sprite_sheets_share_one_grid() {
    check(("sheet", 0x5EE7, 32, Case::sheet, 0.9, 0.96, 0.95));
}

/// A checkerboard of two colours stays a checkerboard.
#[test]
fn dithered_art_keeps_its_pattern() {
    check(("dithered", 0xD17E, 32, Case::dithered, 0.9, 0.95, 0.94));
}

/// In-between edge pixels are part of the sprite.
#[test]
fn anti_aliased_edges_stay() {
    check((
        "antialiased",
        0xA11A5,
        32,
        Case::antialiased,
        0.9,
        0.95,
        0.94,
    ));
}

/// Colours 6–12 RGB levels apart stay apart.
#[test]
fn near_colours_stay_distinct() {
    check(("near", 0x6EA2, 32, Case::near_colors, 0.9, 0.96, 0.90));
}

/// Cells taller than wide (or wider than tall), a stretched sprite: one cell size per axis. With square
/// cells only, 0% of sizes and 62.1% of pixels were right here; per-axis detection got 62.5% and 81.6%,
/// and with a whole multiple of a believed cell preferred on one axis 96.9% and 99.1% (about 80% and 91%
/// on fresh seeds: misses find no grid on one axis or take it at a wrong multiple).
#[test]
fn stretched_sprites_keep_their_cells() {
    check(("stretched", 0x57E7, 32, Case::stretched, 0.55, 0.78, 0.7));
}
