//! 1024² generated picture → 32² sprite locked to PICO-8: the whole pipeline a ComfyUI output goes through.

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Background, Case, Damage, Rng, random_sprite};
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dgx_pixels_pixel::{Palette, PaletteChoice, PixelizeOptions, pixelize};
use image::Rgb;

fn diffusion_like_picture() -> image::RgbaImage {
    let mut rng = Rng::new(1024);
    let background = Background::Gradient(Rgb([235, 225, 200]), Rgb([170, 190, 220]), 1.2);
    let (sprite, palette) = random_sprite(
        &mut rng,
        32,
        32,
        12,
        &[Rgb([235, 225, 200]), Rgb([170, 190, 220])],
    );
    let case = Case {
        scale: 27.0,
        stretch: 1.0,
        canvas: (1024, 1024),
        offset: (70.0, 90.0),
        background,
        damage: Damage {
            blur: 0.8,
            noise: 4.0,
            jpeg: Some(85),
            soft_edges: true,
        },
        sprite,
        palette,
    };
    case.render(&mut rng)
}

fn pipeline(c: &mut Criterion) {
    let picture = diffusion_like_picture();
    let options = PixelizeOptions {
        width: Some(32),
        height: Some(32),
        palette: PaletteChoice::Fixed(Palette::by_name("pico-8").expect("built in")),
        ..PixelizeOptions::default()
    };
    if let Some(median) = on_cpu_median_ms(|| {
        black_box(pixelize(&picture, &options)).ok();
    }) {
        eprintln!("pixelize 1024² → 32² pico-8: on-CPU median {median:.2} ms");
    }
    c.bench_function("pixelize 1024² → 32² pico-8", |b| {
        b.iter(|| pixelize(&picture, &options))
    });
}

/// Median time this thread spent on a CPU per call (Linux): unlike wall time, it does not grow when other
/// work shares the machine's cores.
fn on_cpu_median_ms(mut work: impl FnMut()) -> Option<f64> {
    let on_cpu_ns = || -> Option<u64> {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    let mut times: Vec<f64> = (0..100)
        .map(|_| {
            let start = on_cpu_ns()?;
            work();
            Some((on_cpu_ns()? - start) as f64 / 1e6)
        })
        .collect::<Option<_>>()?;
    times.sort_by(f64::total_cmp);
    Some(times[times.len() / 2])
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
