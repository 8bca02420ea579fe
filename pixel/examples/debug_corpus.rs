#[path = "../tests/common/mod.rs"]
mod common;
use common::*;
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
            "case {i}: scale {} offset {:?} truth {:?} grid {grid:?}",
            case.scale,
            case.offset,
            truth.dimensions()
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
        truth.save(format!("/tmp/case{i}_truth.png")).unwrap();
        sized.image.save(format!("/tmp/case{i}_got.png")).unwrap();
        let native = downscale::downscale(&picture, &grid);
        native.save(format!("/tmp/case{i}_native.png")).unwrap();
        let mut bad = 0;
        for (x, y, g) in sized.image.enumerate_pixels() {
            let w = truth.get_pixel(x, y);
            if g != w && bad < 10 {
                eprintln!("  ({x},{y}) got {g:?} want {w:?}");
                bad += 1;
            }
        }
    }
}
