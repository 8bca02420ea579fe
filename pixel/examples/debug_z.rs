#[path = "../tests/common/mod.rs"]
mod common;
use common::*;
use dgx_pixels_pixel::*;
use image::*;

fn main() {
    let mut rng = Rng::new(7);
    for i in 0..30 {
        let (w, h) = (rng.int(16, 64), rng.int(16, 64));
        let k = rng.int(4, 16) as usize;
        let (sprite, _) = random_sprite(&mut rng, w, h, k, &[]);
        // on-grid with transparent bg, in a canvas slightly bigger
        let mut canvas = RgbaImage::new(sprite.width() + 4, sprite.height() + 4);
        imageops::replace(&mut canvas, &sprite, 2, 2);
        eprintln!("on-grid {i} {:?}", canvas.dimensions());
        let g = Grid::detect(&canvas);
        eprintln!(" -> {g:?}");
        // random noise art
        let noise = RgbaImage::from_fn(w, h, |_, _| {
            Rgba([rng.int(0, 3) as u8 * 80, rng.int(0, 2) as u8 * 120, 0, 255])
        });
        eprintln!("noise {i}");
        let g = Grid::detect(&noise);
        eprintln!(" -> {g:?}");
    }
}
