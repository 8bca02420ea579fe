//! Tilesets: complete sets whose masks match their layouts, tiles that join without a seam wherever the
//! layout lets them touch, and pinned pixels.

mod common;

use std::collections::BTreeSet;

use common::{FNV_OFFSET, assert_pinned, fnv1a};
use dgx_pixels_procedural::{
    Layout, Mask, NamedTerrain, Pair, SeamScore, Side, Surface, Terrain, Texture, Tileset, compose,
    corner, make_seamless, neighbour, neighbour_mask, pick_corners, read_terrains, seam_score,
    tileset,
};
use image::{Rgba, RgbaImage};

const LAYOUTS: [Layout; 4] = [
    Layout::Seamless { variants: 4 },
    Layout::Wang2Corner,
    Layout::Blob47,
    Layout::Platformer,
];

/// One prompt per way of naming terrains: a pair, a pair with a path, a covered terrain, a lone terrain.
const PROMPTS: [&str; 5] = [
    "grass over dirt",
    "stone path on sand",
    "snowy stone",
    "water",
    "red brick",
];

const SIZES: [u32; 3] = [8, 16, 32];

/// The seam score of every pair of tiles in `pairs`, named.
fn seams(set: &Tileset, pairs: &[Pair]) -> Vec<(String, SeamScore)> {
    let tiles: Vec<RgbaImage> = (0..set.tiles.len()).map(|i| set.tile(i)).collect();
    pairs
        .iter()
        .map(|pair| {
            let score = seam_score(&tiles[pair.first], &tiles[pair.second], pair.side);
            let names = format!(
                "{} then {} to the {:?}",
                set.tiles[pair.first].name, set.tiles[pair.second].name, pair.side
            );
            (names, score)
        })
        .collect()
}

#[test]
fn tiles_that_may_touch_join_without_a_seam() {
    for layout in LAYOUTS {
        let pairs = layout.pairs();
        for prompt in PROMPTS {
            for size in SIZES {
                let set = tileset(prompt, 1, size, &layout);
                for (pair, score) in seams(&set, &pairs) {
                    assert!(
                        score.is_continuous(),
                        "{} \"{prompt}\" {size} px: {pair}: {score:?}",
                        layout.name()
                    );
                }
            }
        }
    }
}

/// A picture as a model might give one: blotches and grain in one colour family, not seamless.
fn picture(size: u32, salt: u32, base: [u8; 3]) -> RgbaImage {
    let hash = |x: u32, y: u32| {
        let mut h = x.wrapping_mul(0x9e37_79b1) ^ y.wrapping_mul(0x85eb_ca6b) ^ salt;
        h ^= h >> 15;
        h = h.wrapping_mul(0x2c1b_3c6d);
        (h >> 24) as i32 - 128
    };
    RgbaImage::from_fn(size, size, |x, y| {
        let blotch = hash(x / 4, y / 4) / 3 + hash(x, y) / 6;
        let channel = |c: u8| (i32::from(c) + blotch).clamp(0, 255) as u8;
        Rgba([channel(base[0]), channel(base[1]), channel(base[2]), 255])
    })
}

/// Grass and dirt composed from pictures made seamless, as for a ComfyUI set.
fn composed(size: u32, layout: &Layout) -> Tileset {
    let surface = |terrain, salt, base| Surface {
        terrain,
        texture: Texture::from_image(make_seamless(&picture(size, salt, base))),
    };
    let grass = surface(Terrain::Grass, 1, [70, 140, 60]);
    let dirt = surface(Terrain::Dirt, 2, [120, 84, 50]);
    let upper = match layout {
        Layout::Seamless { .. } => None,
        _ => Some(&grass),
    };
    compose("grass over dirt", 4, size, layout, upper, &dirt)
}

#[test]
fn a_set_composed_from_pictures_made_seamless_joins_without_a_seam() {
    for layout in LAYOUTS {
        let pairs = layout.pairs();
        for size in SIZES {
            let set = composed(size, &layout);
            assert_eq!(set.tiles.len(), layout.tiles().len());
            for (info, tile) in set.tiles.iter().zip(layout.tiles()) {
                assert_eq!(
                    (info.index, &info.name, info.mask),
                    (tile.index, &tile.name, tile.mask)
                );
            }
            for (pair, score) in seams(&set, &pairs) {
                assert!(
                    score.is_continuous(),
                    "{} composed {size} px: {pair}: {score:?}",
                    layout.name()
                );
            }
        }
    }
}

#[test]
fn a_composed_set_shows_each_terrain_s_picture_where_the_masks_put_it() {
    let flat = |rgb: [u8; 3]| {
        Texture::from_image(RgbaImage::from_pixel(
            16,
            16,
            Rgba([rgb[0], rgb[1], rgb[2], 255]),
        ))
    };
    let grass = Surface {
        terrain: Terrain::Grass,
        texture: flat([60, 150, 60]),
    };
    let dirt = Surface {
        terrain: Terrain::Dirt,
        texture: flat([130, 90, 50]),
    };
    let set = compose(
        "grass over dirt",
        1,
        16,
        &Layout::Wang2Corner,
        Some(&grass),
        &dirt,
    );
    let only = |index: usize, rgb: [u8; 3]| {
        set.tile(index)
            .pixels()
            .all(|p| p.0 == [rgb[0], rgb[1], rgb[2], 255])
    };
    assert!(only(0, [130, 90, 50]), "no corner is grass: all dirt");
    assert!(only(15, [60, 150, 60]), "every corner is grass: all grass");
    // Half and half: grass along the north edge, dirt along the south one.
    let north = set.tile(usize::from(corner::NE | corner::NW));
    assert_eq!(north.get_pixel(8, 0).0, [60, 150, 60, 255]);
    assert_eq!(north.get_pixel(8, 15).0, [130, 90, 50, 255]);
    assert_eq!((set.upper, set.lower), (Terrain::Grass, Terrain::Dirt));
}

#[test]
fn a_prompt_s_terrains_come_with_the_words_that_name_them() {
    let named = |terrain, words: &str| NamedTerrain {
        terrain,
        words: words.to_owned(),
    };
    assert_eq!(
        read_terrains("Stone path, on sand", &Layout::Blob47),
        (
            Some(named(Terrain::Stone, "stone path")),
            named(Terrain::Sand, "sand")
        )
    );
    assert_eq!(
        read_terrains("snowy stone", &Layout::Platformer),
        (
            Some(named(Terrain::Snow, "snow")),
            named(Terrain::Stone, "snowy stone")
        )
    );
    assert_eq!(
        read_terrains("grass", &Layout::Wang2Corner),
        (
            Some(named(Terrain::Grass, "grass")),
            named(Terrain::Dirt, "dirt")
        )
    );
    let alone = Layout::Seamless { variants: 1 };
    assert_eq!(
        read_terrains("deep water", &alone),
        (None, named(Terrain::Water, "deep water"))
    );
}

#[test]
fn tiles_that_may_not_touch_show_a_seam() {
    // The measure can tell: Wang tiles whose shared edge has the other terrain at both ends meet as lower
    // terrain against upper terrain along the whole edge. Not at 8 px, where a line is eight pixels and
    // such an edge can be no sharper than the straight terrain boundary across the middle of the tiles.
    for prompt in PROMPTS {
        for size in [16, 32] {
            let set = tileset(prompt, 1, size, &Layout::Wang2Corner);
            for (first, second) in (0..16).flat_map(|a| (0..16).map(move |b| (a, b))) {
                let (ne, se) = (first & corner::NE != 0, first & corner::SE != 0);
                let (nw, sw) = (second & corner::NW != 0, second & corner::SW != 0);
                if ne != nw && se != sw {
                    let score = seam_score(
                        &set.tile(first.into()),
                        &set.tile(second.into()),
                        Side::East,
                    );
                    assert!(!score.is_continuous(), "\"{prompt}\" {size} px: {score:?}");
                }
            }
        }
    }
}

#[test]
fn sets_are_complete() {
    let count = |layout: Layout| layout.tiles().len();
    assert_eq!(count(Layout::Seamless { variants: 3 }), 3);
    assert_eq!(count(Layout::Seamless { variants: 0 }), 1);
    assert_eq!(count(Layout::Wang2Corner), 16);
    // The 47 and the plain lower terrain.
    assert_eq!(count(Layout::Blob47), 48);
    let names: BTreeSet<String> = Layout::Platformer
        .tiles()
        .into_iter()
        .map(|t| t.name)
        .collect();
    let wanted = [
        "top_left",
        "top",
        "top_right",
        "left",
        "fill",
        "right",
        "bottom_left",
        "bottom",
        "bottom_right",
        "inner_top_left",
        "inner_top_right",
        "inner_bottom_left",
        "inner_bottom_right",
        "column_top",
        "column",
        "column_bottom",
        "platform_left",
        "platform",
        "platform_right",
        "block",
    ];
    assert_eq!(names, wanted.iter().map(|&n| n.to_owned()).collect());
}

#[test]
fn masks_match_the_layouts() {
    // Every tile sits in its own slot of the grid, and the autotiler gives it back for its own mask.
    for layout in LAYOUTS {
        let (columns, rows) = layout.grid();
        let tiles = layout.tiles();
        let slots: BTreeSet<(u32, u32)> = tiles.iter().map(|t| (t.column, t.row)).collect();
        assert_eq!(slots.len(), tiles.len(), "{}", layout.name());
        assert!(tiles.iter().all(|t| t.column < columns && t.row < rows));
        for tile in &tiles {
            assert_eq!(tile.index, tiles.iter().position(|t| t == tile).unwrap());
            let picked = match tile.mask {
                Mask::Corners(mask) => {
                    let bit = |b: u8| mask & b != 0;
                    Some(pick_corners(bit(1), bit(2), bit(4), bit(8)))
                }
                Mask::Neighbours(mask) => {
                    let cells = cells_of(mask);
                    assert_eq!(neighbour_mask(&cells), mask, "{}", tile.name);
                    layout.pick(|dx, dy| (dx, dy) == (0, 0) || cells(dx, dy))
                }
                Mask::None => continue,
            };
            assert_eq!(picked, Some(tile.index), "{} {}", layout.name(), tile.name);
        }
    }
}

/// The neighbours a mask says are the same terrain, as a terrain grid around (0, 0).
fn cells_of(mask: u8) -> impl Fn(i32, i32) -> bool {
    move |dx, dy| {
        neighbour::OFFSETS
            .iter()
            .any(|&(bit, offset)| mask & bit != 0 && offset == (dx, dy))
    }
}

#[test]
fn the_sheet_holds_every_tile_at_its_rectangle() {
    for layout in LAYOUTS {
        let set = tileset("grass over dirt", 2, 12, &layout);
        assert_eq!(
            (set.sheet.width(), set.sheet.height()),
            (set.columns * 12, set.rows * 12)
        );
        for (info, tile) in set.tiles.iter().zip(layout.tiles()) {
            assert_eq!((info.x, info.y), (tile.column * 12, tile.row * 12));
            assert_eq!((info.w, info.h, info.mask), (12, 12, tile.mask));
        }
        let opaque = |i: usize| set.tile(i).pixels().all(|p| p.0[3] == 255);
        let all_opaque = (0..set.tiles.len()).all(opaque);
        assert_eq!(
            all_opaque,
            layout != Layout::Platformer,
            "{}",
            layout.name()
        );
    }
}

#[test]
fn prompts_choose_the_terrains() {
    let read = |prompt: &str, layout: Layout| {
        let set = tileset(prompt, 0, 8, &layout);
        (set.upper, set.lower)
    };
    use Terrain::*;
    assert_eq!(read("grass over dirt", Layout::Blob47), (Grass, Dirt));
    assert_eq!(
        read("stone path on sand", Layout::Wang2Corner),
        (Stone, Sand)
    );
    assert_eq!(read("snowy stone", Layout::Platformer), (Snow, Stone));
    assert_eq!(read("water", Layout::Blob47), (Sand, Water));
    assert_eq!(
        read("water", Layout::Seamless { variants: 2 }),
        (Water, Water)
    );
}

#[test]
fn seamless_variants_differ_inside_and_share_their_edges() {
    for prompt in ["grass", "grass over dirt", "cobblestone"] {
        let set = tileset(prompt, 3, 16, &Layout::Seamless { variants: 3 });
        let (a, b) = (set.tile(0), set.tile(2));
        assert_ne!(a, b, "{prompt}");
        for i in 0..16 {
            for (x, y) in [(i, 0), (i, 15), (0, i), (15, i)] {
                assert_eq!(a.get_pixel(x, y), b.get_pixel(x, y), "{prompt}");
            }
        }
    }
}

/// FNV-1a (64 bit) of the sheets of every layout for each prompt at 16 px, seed 5, layouts in `LAYOUTS`
/// order. A change to what a tileset draws must update this table on purpose.
const GOLDEN: &[(&str, u64)] = &[
    ("grass over dirt", 0x3fb9_be6a_2c5b_ed27),
    ("stone path on sand", 0xcbd0_ecfe_572e_fb03),
    ("snowy stone", 0xdfb5_c7e8_6879_85b7),
    ("water", 0x4d46_4e80_f592_088e),
];

#[test]
fn sheets_match_the_pinned_hashes() {
    assert_pinned(GOLDEN, "sheets", |prompt| {
        LAYOUTS.iter().fold(FNV_OFFSET, |hash, layout| {
            fnv1a(hash, tileset(prompt, 5, 16, layout).sheet.as_raw())
        })
    });
}
