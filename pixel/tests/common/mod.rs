//! A synthetic corpus with known answers: random pixel-art sprites, upscaled by integer and non-integer factors
//! onto white, solid or gradient backgrounds at random offsets, then blurred, noised and JPEG-compressed the
//! way diffusion output looks. Shared by the tests, the benchmark and the example that draws the docs' pictures
//! (each uses part of it).
#![allow(dead_code)]

use dgx_pixels_pixel::color::{Oklab, is_opaque, rgb};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, Rgb, Rgba, RgbaImage, imageops};

/// SplitMix64: tiny, deterministic, good enough to draw test cases.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as u32
    }

    pub fn chance(&mut self, p: f32) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box–Muller).
    pub fn gaussian(&mut self) -> f32 {
        let u = self.unit().max(1e-7);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next_u64() as usize % items.len()]
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Background {
    White,
    Solid(Rgb<u8>),
    /// From the first colour to the second along the direction at this angle (radians).
    Gradient(Rgb<u8>, Rgb<u8>, f32),
}

impl Background {
    fn at(self, x: f32, y: f32, w: f32, h: f32) -> Rgb<u8> {
        match self {
            Background::White => Rgb([255, 255, 255]),
            Background::Solid(c) => c,
            Background::Gradient(a, b, angle) => {
                let (dx, dy) = (angle.cos(), angle.sin());
                let extent = dx.abs() * w + dy.abs() * h;
                let origin =
                    (if dx < 0.0 { w } else { 0.0 }) * dx + (if dy < 0.0 { h } else { 0.0 }) * dy;
                let t = ((x * dx + y * dy - origin) / extent).clamp(0.0, 1.0);
                Rgb(std::array::from_fn(|i| {
                    (a[i] as f32 + (b[i] as f32 - a[i] as f32) * t).round() as u8
                }))
            }
        }
    }

    /// The colours the background passes through, for keeping sprite colours distinguishable from it.
    fn colors(self) -> Vec<Rgb<u8>> {
        match self {
            Background::White => vec![Rgb([255, 255, 255])],
            Background::Solid(c) => vec![c],
            Background::Gradient(a, b, _) => (0..=8)
                .map(|i| {
                    Rgb(std::array::from_fn(|c| {
                        (a[c] as f32 + (b[c] as f32 - a[c] as f32) * i as f32 / 8.0) as u8
                    }))
                })
                .collect(),
        }
    }
}

/// How a picture is spoiled after upscaling.
#[derive(Clone, Copy, Debug)]
pub struct Damage {
    /// Gaussian blur sigma in pixels (0 = none).
    pub blur: f32,
    /// Gaussian noise sigma in 8-bit levels per channel (0 = none).
    pub noise: f32,
    /// JPEG quality when compressed.
    pub jpeg: Option<u8>,
    /// Edges drawn with 2×2 supersampling (soft, like a smooth upscale) instead of hard nearest-neighbour.
    pub soft_edges: bool,
}

/// One test case: the true sprite and how it is drawn.
#[derive(Clone, Debug)]
pub struct Case {
    pub sprite: RgbaImage,
    pub palette: Vec<Rgb<u8>>,
    /// Canvas pixels per sprite pixel across.
    pub scale: f32,
    /// Canvas pixels per sprite pixel down, relative to across: 1 for square cells.
    pub stretch: f32,
    pub canvas: (u32, u32),
    pub offset: (f32, f32),
    pub background: Background,
    pub damage: Damage,
}

impl Case {
    /// A random case: sprite sides of 16–64 cells with 4–16 colours, drawn on a 1024² canvas (sometimes
    /// 768×1024) with the scales named in the issue (4, 7, 13.9, 20.3) or any between 4 and 24.
    pub fn random(rng: &mut Rng) -> Case {
        let background = random_background(rng);
        let (w, h) = (rng.int(16, 64), rng.int(16, 64));
        let colors = rng.int(4, 16) as usize;
        let (sprite, palette) = random_sprite(rng, w, h, colors, &background.colors());
        Case::framed(rng, sprite, palette, background)
    }

    /// A light subject on a light background, the kind issue 19 found cut out: an outlined sprite whose
    /// inside is partly pale colours a few steps from the background (PICO-8's #FFF1E8, #C2C3C7 and
    /// #FFCCAA, light-grey armour on white, skin tones on cream), on white, cream or a light gradient.
    pub fn pale(rng: &mut Rng) -> Case {
        let background = match rng.int(0, 3) {
            0 => Background::White,
            1 => Background::Solid(Rgb([0xf2, 0xe8, 0xd0])),
            2 => Background::Gradient(
                Rgb([255, 255, 255]),
                Rgb([0xe8, 0xe8, 0xe8]),
                rng.range(0.0, std::f32::consts::TAU),
            ),
            _ => Background::Gradient(
                Rgb([0xff, 0xf8, 0xe8]),
                Rgb([0xe8, 0xdc, 0xc0]),
                rng.range(0.0, std::f32::consts::TAU),
            ),
        };
        let (w, h) = (rng.int(16, 64), rng.int(16, 64));
        let colors = rng.int(4, 12) as usize;
        let (sprite, palette) = random_sprite(rng, w, h, colors, &background.colors());
        let (sprite, palette) = paled(rng, &sprite, &palette, &background.colors());
        Case::framed(rng, sprite, palette, background)
    }

    /// A sprite sheet: 2–5 frames of one character (each its own random sprite of one size and palette) in a
    /// row with a gap of 1–3 cells, drawn as one picture; one grid serves the whole sheet.
    pub fn sheet(rng: &mut Rng) -> Case {
        let background = random_background(rng);
        let frames = rng.int(2, 5);
        let (w, h) = (rng.int(12, 24), rng.int(12, 32));
        let gap = rng.int(1, 3);
        let colors = rng.int(4, 10) as usize;
        let (first, palette) = random_sprite(rng, w, h, colors, &background.colors());
        let mut sheet = RgbaImage::new(frames * (w + gap), h);
        let mut x = 0;
        for i in 0..frames {
            let frame = if i == 0 {
                first.clone()
            } else {
                recolored(&random_sprite(rng, w, h, colors, &[]).0, &palette)
            };
            imageops::replace(&mut sheet, &frame, x as i64, 0);
            x += frame.width() + gap;
        }
        let sheet = dgx_pixels_pixel::fit::trim(&sheet).expect("frames have pixels");
        Case::framed(rng, sheet, palette, background)
    }

    /// Dithered art: in one or two colour regions of the sprite, a checkerboard of two palette colours,
    /// which must come back as a checkerboard rather than their average.
    pub fn dithered(rng: &mut Rng) -> Case {
        let background = random_background(rng);
        let (w, h) = (rng.int(16, 48), rng.int(16, 48));
        let colors = rng.int(5, 12) as usize;
        let (sprite, palette) = random_sprite(rng, w, h, colors, &background.colors());
        let mut sprite = sprite;
        for _ in 0..rng.int(1, 2) {
            let (from, a, b) = (
                *rng.pick(&palette),
                *rng.pick(&palette),
                *rng.pick(&palette),
            );
            for (x, y, p) in sprite.enumerate_pixels_mut() {
                if is_opaque(p) && rgb(p) == from {
                    let c = if (x + y) % 2 == 0 { a } else { b };
                    *p = Rgba([c[0], c[1], c[2], 255]);
                }
            }
        }
        Case::framed(rng, sprite, palette, background)
    }

    /// Anti-aliased edges: where the outline steps diagonally, the artist's in-between pixel, half the
    /// edge colour and half the background, is part of the sprite.
    pub fn antialiased(rng: &mut Rng) -> Case {
        let background = match rng.int(0, 1) {
            0 => Background::White,
            _ => Background::Solid(random_color(rng)),
        };
        let backdrop = background.colors()[0];
        let (w, h) = (rng.int(16, 48), rng.int(16, 48));
        let colors = rng.int(4, 10) as usize;
        let (sprite, mut palette) = random_sprite(rng, w, h, colors, &background.colors());
        let (sw, sh) = sprite.dimensions();
        let at = |x: i64, y: i64| {
            (x >= 0 && y >= 0 && x < sw as i64 && y < sh as i64)
                .then(|| *sprite.get_pixel(x as u32, y as u32))
                .filter(is_opaque)
        };
        let mut out = sprite.clone();
        for (x, y, p) in sprite.enumerate_pixels() {
            let (x, y) = (x as i64, y as i64);
            if is_opaque(p) {
                continue;
            }
            // Two edge-on neighbours at a right angle, of one colour: an inner step of the outline.
            let step = [
                ((-1, 0), (0, -1)),
                ((1, 0), (0, -1)),
                ((-1, 0), (0, 1)),
                ((1, 0), (0, 1)),
            ]
            .into_iter()
            .find_map(|((ax, ay), (bx, by))| {
                let (a, b) = (at(x + ax, y + ay)?, at(x + bx, y + by)?);
                (a == b).then_some(a)
            });
            if let Some(edge) = step {
                let c = Rgb(std::array::from_fn(|i| {
                    ((edge[i] as u16 + backdrop[i] as u16) / 2) as u8
                }));
                out.put_pixel(x as u32, y as u32, Rgba([c[0], c[1], c[2], 255]));
                palette.push(c);
            }
        }
        Case::framed(rng, out, palette, background)
    }

    /// Near colours: a palette whose colours come in pairs only 6–12 RGB levels apart (a shade and its
    /// highlight), each distinct in the sprite.
    pub fn near_colors(rng: &mut Rng) -> Case {
        let background = random_background(rng);
        let (w, h) = (rng.int(16, 48), rng.int(16, 48));
        let colors = rng.int(3, 6) as usize;
        let (sprite, palette) = random_sprite(rng, w, h, colors, &background.colors());
        let step = rng.int(6, 12) as i32;
        let near: Vec<Rgb<u8>> = palette
            .iter()
            .map(|c| {
                Rgb(c.0.map(|v| if v > 127 { v as i32 - step } else { v as i32 + step } as u8))
            })
            .collect();
        // The right half of each colour region (by position hash) takes the near colour.
        let sprite = RgbaImage::from_fn(sprite.width(), sprite.height(), |x, y| {
            let p = sprite.get_pixel(x, y);
            match palette.iter().position(|&c| c == rgb(p)) {
                Some(i) if is_opaque(p) && (x / 3 + y / 3) % 2 == 1 => {
                    let c = near[i];
                    Rgba([c[0], c[1], c[2], 255])
                }
                _ => *p,
            }
        });
        let mut all = palette;
        all.extend(near);
        Case::framed(rng, sprite, all, background)
    }

    /// A stretched sprite: cells 1.25–1.6 times as tall as wide, or 0.6–0.8 times, drawn like any other.
    pub fn stretched(rng: &mut Rng) -> Case {
        let background = random_background(rng);
        let (w, h) = (rng.int(16, 40), rng.int(16, 40));
        let colors = rng.int(4, 12) as usize;
        let (sprite, palette) = random_sprite(rng, w, h, colors, &background.colors());
        let stretch = if rng.chance(0.5) {
            rng.range(1.25, 1.6)
        } else {
            rng.range(0.6, 0.8)
        };
        let mut case = Case::framed(rng, sprite, palette, background);
        let tall = case.canvas.1 as f32 / ((case.sprite.height() + 2) as f32 * stretch);
        case.scale = case.scale.min(tall).max(4.0 / stretch.min(1.0));
        case.stretch = stretch;
        case.offset = (
            case.scale,
            case.scale * stretch + rng.range(0.0, 0.5 * case.scale),
        );
        case
    }

    /// `sprite` drawn at a random scale and place on `background`, with random damage.
    fn framed(
        rng: &mut Rng,
        sprite: RgbaImage,
        palette: Vec<Rgb<u8>>,
        background: Background,
    ) -> Case {
        let canvas = if rng.chance(0.2) {
            (768, 1024)
        } else {
            (1024, 1024)
        };
        let wanted = *rng.pick(&[4.0, 5.0, 7.0, 8.0, 10.0, 13.9, 20.3, 0.0, 0.0, 0.0]);
        let wanted = if wanted == 0.0 {
            rng.range(4.0, 24.0)
        } else {
            wanted
        };
        let fits = 0.9
            * (canvas.0 as f32 / sprite.width() as f32)
                .min(canvas.1 as f32 / sprite.height() as f32);
        let scale = wanted.min(fits).max(4.0);
        // At least a cell of background all round, as a generator framing a subject leaves.
        let room = |c: u32, s: u32| (c as f32 - (s + 2) as f32 * scale).max(0.0);
        let offset = (
            scale + rng.range(0.0, room(canvas.0, sprite.width())),
            scale + rng.range(0.0, room(canvas.1, sprite.height())),
        );
        let damage = Damage {
            blur: *rng.pick(&[0.0, 0.0, 0.5, 0.8, 1.0, 1.5]),
            noise: *rng.pick(&[0.0, 0.0, 3.0, 6.0, 10.0]),
            jpeg: rng.chance(0.7).then(|| rng.int(60, 95) as u8),
            soft_edges: rng.chance(0.3),
        };
        Case {
            sprite,
            palette,
            scale,
            stretch: 1.0,
            canvas,
            offset,
            background,
            damage,
        }
    }

    /// The picture a diffusion model might have painted of this sprite.
    pub fn render(&self, rng: &mut Rng) -> RgbaImage {
        let (cw, ch) = self.canvas;
        let (sw, sh) = self.sprite.dimensions();
        let color_at = |x: f32, y: f32| -> [f32; 3] {
            let (cx, cy) = (
                (x - self.offset.0) / self.scale,
                (y - self.offset.1) / (self.scale * self.stretch),
            );
            let inside = cx >= 0.0 && cy >= 0.0 && (cx as u32) < sw && (cy as u32) < sh;
            let c = match inside.then(|| self.sprite.get_pixel(cx as u32, cy as u32)) {
                Some(p) if is_opaque(p) => rgb(p),
                _ => self.background.at(x, y, cw as f32, ch as f32),
            };
            c.0.map(|v| v as f32)
        };
        let mut img = RgbaImage::from_fn(cw, ch, |x, y| {
            let (x, y) = (x as f32, y as f32);
            let c = if self.damage.soft_edges {
                let s = [0.25, 0.75].map(|dy| [0.25, 0.75].map(|dx| color_at(x + dx, y + dy)));
                std::array::from_fn(|i| s.iter().flatten().map(|c| c[i]).sum::<f32>() / 4.0)
            } else {
                color_at(x + 0.5, y + 0.5)
            };
            Rgba([
                c[0].round() as u8,
                c[1].round() as u8,
                c[2].round() as u8,
                255,
            ])
        });
        if self.damage.blur > 0.0 {
            img = imageops::fast_blur(&img, self.damage.blur);
        }
        if self.damage.noise > 0.0 {
            for p in img.pixels_mut() {
                for c in 0..3 {
                    p[c] = (p[c] as f32 + rng.gaussian() * self.damage.noise)
                        .round()
                        .clamp(0.0, 255.0) as u8;
                }
            }
        }
        match self.damage.jpeg {
            Some(quality) => jpeg(&img, quality),
            None => img,
        }
    }
}

/// A round trip through the JPEG codec, in memory.
pub fn jpeg(img: &RgbaImage, quality: u8) -> RgbaImage {
    let mut bytes = Vec::new();
    let rgb = DynamicImage::ImageRgba8(img.clone()).to_rgb8();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(&rgb)
        .expect("jpeg encodes");
    image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg)
        .expect("jpeg decodes")
        .to_rgba8()
}

/// White, a solid colour or a gradient between two colours, a third of the time each.
fn random_background(rng: &mut Rng) -> Background {
    match rng.int(0, 2) {
        0 => Background::White,
        1 => Background::Solid(random_color(rng)),
        _ => Background::Gradient(
            random_color(rng),
            random_color(rng),
            rng.range(0.0, std::f32::consts::TAU),
        ),
    }
}

/// `sprite` with each colour replaced by the `palette` colour at the same rank of lightness order
/// (both sorted darkest first), so frames drawn separately share one palette.
fn recolored(sprite: &RgbaImage, palette: &[Rgb<u8>]) -> RgbaImage {
    let mut own: Vec<Rgb<u8>> = sprite.pixels().filter(|p| is_opaque(p)).map(rgb).collect();
    own.sort_by_key(|c| c.0);
    own.dedup();
    own.sort_by(|a, b| Oklab::from_rgb(*a).l.total_cmp(&Oklab::from_rgb(*b).l));
    RgbaImage::from_fn(sprite.width(), sprite.height(), |x, y| {
        let p = sprite.get_pixel(x, y);
        match own.iter().position(|&c| c == rgb(p)) {
            Some(i) if is_opaque(p) => {
                let c = palette[i.min(palette.len() - 1)];
                Rgba([c[0], c[1], c[2], 255])
            }
            _ => Rgba([0, 0, 0, 0]),
        }
    })
}

fn random_color(rng: &mut Rng) -> Rgb<u8> {
    Rgb([
        rng.int(0, 255) as u8,
        rng.int(0, 255) as u8,
        rng.int(0, 255) as u8,
    ])
}

/// `n` colours at least a clear step apart from each other and from the background, as an artist would
/// choose them; the first is the darkest, used for outlines.
fn random_palette(rng: &mut Rng, n: usize, avoid: &[Rgb<u8>]) -> Vec<Rgb<u8>> {
    let avoid: Vec<Oklab> = avoid.iter().map(|&c| Oklab::from_rgb(c)).collect();
    let mut colors: Vec<Oklab> = Vec::new();
    for _ in 0..10_000 {
        if colors.len() == n {
            break;
        }
        let c = Oklab::from_rgb(random_color(rng));
        if avoid.iter().all(|a| a.distance(c) >= 0.15)
            && colors.iter().all(|o| o.distance(c) >= 0.1)
        {
            colors.push(c);
        }
    }
    colors.sort_by(|a, b| a.l.total_cmp(&b.l));
    colors.into_iter().map(Oklab::to_rgb).collect()
}

/// A left–right symmetric blob of about `w`×`h` cells (trimmed to its bounding box) in colour regions, often
/// outlined in the darkest colour, with a few single-pixel details.
pub fn random_sprite(
    rng: &mut Rng,
    w: u32,
    h: u32,
    colors: usize,
    avoid: &[Rgb<u8>],
) -> (RgbaImage, Vec<Rgb<u8>>) {
    let palette = random_palette(rng, colors, avoid);
    let half = w.div_ceil(2) as usize;
    let (hu, wu) = (h as usize, w as usize);
    // Filled more towards the centre line and the middle rows, then smoothed by a cellular automaton.
    let mut filled: Vec<bool> = (0..hu * half)
        .map(|i| {
            let (x, y) = ((i % half) as f32, (i / half) as f32);
            let dx = 1.0 - x / half as f32;
            let dy = (y / h as f32 - 0.5).abs() * 2.0;
            rng.chance(0.95 - 0.5 * dx - 0.35 * dy)
        })
        .collect();
    for _ in 0..3 {
        filled = (0..hu * half)
            .map(|i| {
                let (x, y) = ((i % half) as i64, (i / half) as i64);
                let around = (-1..=1)
                    .flat_map(|dy| (-1..=1).map(move |dx| (x + dx, y + dy)))
                    .filter(|&(nx, ny)| {
                        let nx = if nx >= half as i64 {
                            2 * half as i64 - 1 - nx
                        } else {
                            nx
                        };
                        nx >= 0
                            && ny >= 0
                            && ny < hu as i64
                            && filled[ny as usize * half + nx as usize]
                    })
                    .count();
                around >= 5
            })
            .collect();
    }
    let at = |x: usize, y: usize| filled[y * half + if x < half { x } else { wu - 1 - x }];
    let seeds: Vec<(f32, f32, Rgb<u8>)> = (0..rng.int(3, 7))
        .map(|_| {
            (
                rng.range(0.0, half as f32),
                rng.range(0.0, h as f32),
                *rng.pick(&palette[1.min(palette.len() - 1)..]),
            )
        })
        .collect();
    let outlined = rng.chance(0.6);
    let details: Vec<Option<Rgb<u8>>> = (0..hu * half)
        .map(|_| rng.chance(0.04).then(|| *rng.pick(&palette)))
        .collect();
    let img = RgbaImage::from_fn(w, h, |x, y| {
        let (x, y) = (x as usize, y as usize);
        if !at(x, y) {
            return Rgba([0, 0, 0, 0]);
        }
        let mx = if x < half { x } else { wu - 1 - x };
        let edge = [
            (x.wrapping_sub(1), y),
            (x + 1, y),
            (x, y.wrapping_sub(1)),
            (x, y + 1),
        ]
        .into_iter()
        .any(|(nx, ny)| nx >= wu || ny >= hu || !at(nx, ny));
        let c = if outlined && edge {
            palette[0]
        } else if let Some(c) = details[y * half + mx] {
            c
        } else {
            let nearest = seeds.iter().min_by(|a, b| {
                let d =
                    |s: &&(f32, f32, Rgb<u8>)| (s.0 - mx as f32).powi(2) + (s.1 - y as f32).powi(2);
                d(a).total_cmp(&d(b))
            });
            nearest.map_or(palette[0], |s| s.2)
        };
        Rgba([c[0], c[1], c[2], 255])
    });
    let sprite = dgx_pixels_pixel::fit::trim(&img)
        .unwrap_or_else(|| RgbaImage::from_pixel(1, 1, Rgba([0, 0, 0, 255])));
    (sprite, palette)
}

/// Pale colours of real palettes that sit close to light backgrounds.
pub const PALE: [[u8; 3]; 6] = [
    [0xff, 0xf1, 0xe8],
    [0xc2, 0xc3, 0xc7],
    [0xff, 0xcc, 0xaa],
    [0xd8, 0xd8, 0xe0],
    [0xf5, 0xd6, 0xb8],
    [0xe0, 0xe0, 0xe8],
];

/// `sprite` outlined in a dark colour with most of its other colours swapped for pale ones that stay at
/// least a just-visible step (0.03 in Oklab) from every `background` colour.
pub fn paled(
    rng: &mut Rng,
    sprite: &RgbaImage,
    palette: &[Rgb<u8>],
    background: &[Rgb<u8>],
) -> (RgbaImage, Vec<Rgb<u8>>) {
    let backdrop: Vec<Oklab> = background.iter().map(|&c| Oklab::from_rgb(c)).collect();
    let pale: Vec<Rgb<u8>> = PALE
        .iter()
        .map(|&c| Rgb(c))
        .filter(|&c| {
            backdrop
                .iter()
                .all(|b| b.distance(Oklab::from_rgb(c)) >= 0.03)
        })
        .collect();
    let outline = *rng.pick(&[
        Rgb([0x29, 0x18, 0x14]),
        Rgb([0x1d, 0x2b, 0x53]),
        Rgb([0x5f, 0x57, 0x4f]),
    ]);
    let swap: Vec<Rgb<u8>> = palette
        .iter()
        .map(|&c| if rng.chance(0.7) { *rng.pick(&pale) } else { c })
        .collect();
    let (w, h) = sprite.dimensions();
    let opaque = |x: i64, y: i64| {
        x >= 0
            && y >= 0
            && x < w as i64
            && y < h as i64
            && is_opaque(sprite.get_pixel(x as u32, y as u32))
    };
    let out = RgbaImage::from_fn(w, h, |x, y| {
        let p = sprite.get_pixel(x, y);
        if !is_opaque(p) {
            return Rgba([0, 0, 0, 0]);
        }
        let (xi, yi) = (x as i64, y as i64);
        let edge = [(xi - 1, yi), (xi + 1, yi), (xi, yi - 1), (xi, yi + 1)]
            .into_iter()
            .any(|(nx, ny)| !opaque(nx, ny));
        let c = if edge {
            outline
        } else {
            palette
                .iter()
                .position(|&c| c == rgb(p))
                .map_or(outline, |i| swap[i])
        };
        Rgba([c[0], c[1], c[2], 255])
    });
    let mut colors = vec![outline];
    colors.extend(swap.iter().filter(|c| **c != outline));
    colors.sort_by_key(|c| c.0);
    colors.dedup();
    (out, colors)
}

/// Share of `want`'s opaque pixels whose colour in `got` is nearest (in Oklab) to the same colour of
/// `palette` as in `want`: whether colours too close for [`agreement`]'s tolerance are still told apart.
pub fn palette_agreement(got: &RgbaImage, want: &RgbaImage, palette: &[Rgb<u8>]) -> f32 {
    if got.dimensions() != want.dimensions() {
        return 0.0;
    }
    let lab: Vec<Oklab> = palette.iter().map(|&c| Oklab::from_rgb(c)).collect();
    let nearest = |c: Rgb<u8>| {
        let c = Oklab::from_rgb(c);
        (0..lab.len()).min_by(|&a, &b| lab[a].distance(c).total_cmp(&lab[b].distance(c)))
    };
    let (mut opaque, mut agree) = (0, 0);
    for (g, w) in got
        .pixels()
        .zip(want.pixels())
        .filter(|(_, w)| is_opaque(w))
    {
        opaque += 1;
        agree += usize::from(is_opaque(g) && nearest(rgb(g)) == nearest(rgb(w)));
    }
    if opaque == 0 {
        1.0
    } else {
        agree as f32 / opaque as f32
    }
}

/// Share of pixels where `got` and `want` agree: both transparent, or both opaque with colours closer than
/// `tolerance` in Oklab. Different sizes agree nowhere.
pub fn agreement(got: &RgbaImage, want: &RgbaImage, tolerance: f32) -> f32 {
    if got.dimensions() != want.dimensions() {
        return 0.0;
    }
    let agree = got
        .pixels()
        .zip(want.pixels())
        .filter(|(g, w)| match (is_opaque(g), is_opaque(w)) {
            (true, true) => Oklab::from_rgb(rgb(g)).distance(Oklab::from_rgb(rgb(w))) < tolerance,
            (a, b) => a == b,
        })
        .count();
    agree as f32 / (want.width() * want.height()) as f32
}
