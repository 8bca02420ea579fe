#[path = "../tests/common/mod.rs"]
mod common;
use common::*;
use dgx_pixels_pixel::color::*;
use dgx_pixels_pixel::*;

fn main() {
    let wanted: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let mut rng = Rng::new(0xD6C_91E5);
    for i in 0..=*wanted.iter().max().unwrap() {
        let case = Case::random(&mut rng);
        let picture = case.render(&mut rng);
        if !wanted.contains(&i) {
            continue;
        }
        let truth = &case.sprite;
        let grid = Grid::detect(&picture);
        eprintln!(
            "case {i}: scale {} offset {:?} truth {:?} grid {grid:?} {:?}",
            case.scale,
            case.offset,
            truth.dimensions(),
            case.damage
        );
        let sized = pixelize(
            &picture,
            &PixelizeOptions {
                width: Some(truth.width()),
                height: Some(truth.height()),
                ..Default::default()
            },
        )
        .unwrap();
        picture.save(format!("/tmp/case{i}.png")).unwrap();
        let big = |im: &image::RgbaImage| {
            image::imageops::resize(
                im,
                im.width() * 6,
                im.height() * 6,
                image::imageops::FilterType::Nearest,
            )
        };
        big(truth).save(format!("/tmp/case{i}_truth.png")).unwrap();
        big(&sized.image)
            .save(format!("/tmp/case{i}_got.png"))
            .unwrap();
        let (mut opa, mut col, mut dist) = (0, 0, vec![]);
        for (x, y, g) in sized.image.enumerate_pixels() {
            let w = truth.get_pixel(x, y);
            match (is_opaque(g), is_opaque(w)) {
                (true, true) => {
                    let d = Oklab::from_rgb(rgb(g)).distance(Oklab::from_rgb(rgb(w)));
                    if d >= 0.05 {
                        col += 1;
                        dist.push(d);
                        if col <= 3 {
                            let (px, py) = (
                                case.offset.0 + x as f32 * case.scale,
                                case.offset.1 + y as f32 * case.scale,
                            );
                            eprintln!(
                                "  cell ({x},{y}) got {:?} want {:?} d {d}; picture from ({px},{py}):",
                                g.0, w.0
                            );
                            for yy in 0..(case.scale.ceil() as u32 + 1) {
                                let row: Vec<_> = (0..(case.scale.ceil() as u32 + 1))
                                    .map(|xx| {
                                        picture.get_pixel(px as u32 + xx, py as u32 + yy).0[..3]
                                            .to_vec()
                                    })
                                    .collect();
                                eprintln!("    {row:?}");
                            }
                        }
                    }
                }
                (a, b) if a != b => opa += 1,
                _ => {}
            }
        }
        dist.sort_by(f32::total_cmp);
        eprintln!(
            "  opacity mismatches {opa}, colour mismatches {col} of {}; dists {:?}",
            truth.width() * truth.height(),
            dist.iter()
                .step_by((dist.len() / 8).max(1))
                .collect::<Vec<_>>()
        );
    }
}
