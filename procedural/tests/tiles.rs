//! Tiles: opaque over the whole canvas and seamless where they wrap.

mod common;

use common::TILES;
use dgx_pixels_procedural::generate;

#[test]
fn tiles_are_opaque_over_the_whole_canvas() {
    for &(prompt, _) in TILES {
        for (w, h) in [(16, 16), (32, 32), (64, 64), (24, 40)] {
            let image = generate(prompt, 3, w, h);
            assert!(image.pixels().all(|p| p.0[3] == 255), "{prompt} {w}x{h}");
        }
    }
}

#[test]
fn tiles_wrap_without_a_seam() {
    // Across the wrap edge, neighbouring pixels differ no more often than neighbours inside the tile.
    for &(prompt, _) in TILES {
        let image = generate(prompt, 4, 32, 32);
        let differs = |x0: u32, x1: u32| {
            (0..32)
                .filter(|&y| image.get_pixel(x0, y) != image.get_pixel(x1, y))
                .count()
        };
        let inside = (0..31).map(|x| differs(x, x + 1)).max().unwrap();
        assert!(
            differs(31, 0) <= inside,
            "{prompt}: seam column differs in {} rows",
            differs(31, 0)
        );
    }
}
