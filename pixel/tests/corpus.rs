//! The pipeline against a synthetic corpus with known answers (see `common`): how often `auto` recovers the
//! exact sprite size, and how many pixels match when the size is given.

mod common;

use common::{Case, Rng, agreement};
use dgx_pixels_pixel::{PixelizeOptions, pixelize};

const CASES: usize = 160;
/// Colours closer than this in Oklab count as the same (a just-noticeable difference is about 0.02).
const COLOR_TOLERANCE: f32 = 0.05;

#[test]
fn recovers_size_and_pixels_of_damaged_upscales() {
    // Another seed draws cases this crate was not tuned on: PIXEL_CORPUS_SEED=7 cargo test ...
    let seed =
        std::env::var("PIXEL_CORPUS_SEED").map_or(0xD6C_91E5, |s| s.parse().expect("a number"));
    let mut rng = Rng::new(seed);
    let (mut exact_size, mut agreement_sum, mut loose_sum, mut worst) = (0, 0.0, 0.0, 1.0f32);
    for i in 0..CASES {
        let case = Case::random(&mut rng);
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
        exact_size += usize::from(auto_size == Some(truth.dimensions()));
        agreement_sum += strict;
        loose_sum += agree(2.0 * COLOR_TOLERANCE);
        worst = worst.min(strict);
        if auto_size != Some(truth.dimensions()) || strict < 0.9 {
            eprintln!(
                "case {i}: size {:?}, auto gave {auto_size:?} (cell {:.2}, found {:?}); agreement {strict:.3}; {:?} {:?}",
                truth.dimensions(),
                case.scale,
                auto.as_ref().map(|p| p.cell_size),
                case.background,
                case.damage,
            );
        }
    }
    let size_rate = exact_size as f32 / CASES as f32;
    let mean_agreement = agreement_sum / CASES as f32;
    eprintln!(
        "corpus of {CASES}: exact size {:.1}%; pixel agreement {:.2}% with colours within {COLOR_TOLERANCE} \
         ({:.2}% within {}), worst case {:.1}%",
        100.0 * size_rate,
        100.0 * mean_agreement,
        100.0 * loose_sum / CASES as f32,
        2.0 * COLOR_TOLERANCE,
        100.0 * worst,
    );
    assert!(
        size_rate >= 0.95,
        "exact size on {:.1}% of cases",
        100.0 * size_rate
    );
    assert!(
        mean_agreement >= 0.97,
        "pixel agreement {:.2}%",
        100.0 * mean_agreement
    );
}
