//! The embedded sprite generator: a procedural placeholder, not an AI model.
//!
//! It reads a subject word and colour words from the prompt and draws that subject from hand-written shapes,
//! so the server gives useful, recognisable sprites on any machine without a GPU or ComfyUI. Characters, items
//! and plants get a transparent background, a mirrored silhouette, a 1-pixel dark outline and shading lit from
//! the top left; tiles fill the canvas and wrap seamlessly. The output is a pure function of
//! (prompt, seed, width, height): the seed picks shape variants, never the subject.

use std::f32::consts::PI;

use image::{Rgba, RgbaImage};

/// What the prompt asks for, as the generator understood it (returned so callers can report it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The thing that is drawn.
    pub subject: Subject,
    /// Colour words found, in prompt order and by canonical name ("grey" reads as "gray"). The first sets the
    /// main colour, the second an accent (a plume, a cork, a hilt).
    pub colors: Vec<&'static str>,
}

/// The kinds of thing the generator can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Creature,
    Humanoid,
    Coin,
    Gem,
    Potion,
    Sword,
    Key,
    Heart,
    Shield,
    Ground,
    Grass,
    Brick,
    Stone,
    Water,
    Tree,
    Bush,
    Flower,
}

impl Subject {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Creature => "creature",
            Self::Humanoid => "humanoid",
            Self::Coin => "coin",
            Self::Gem => "gem",
            Self::Potion => "potion",
            Self::Sword => "sword",
            Self::Key => "key",
            Self::Heart => "heart",
            Self::Shield => "shield",
            Self::Ground => "ground",
            Self::Grass => "grass",
            Self::Brick => "brick",
            Self::Stone => "stone",
            Self::Water => "water",
            Self::Tree => "tree",
            Self::Bush => "bush",
            Self::Flower => "flower",
        }
    }

    /// Tiles fill the whole canvas and wrap seamlessly; everything else is a sprite on a transparent background.
    pub fn is_tile(&self) -> bool {
        matches!(
            self,
            Self::Ground | Self::Grass | Self::Brick | Self::Stone | Self::Water
        )
    }
}

/// Words that name a subject. The first one in the prompt wins, so "knight with a sword" is a knight.
const SUBJECT_WORDS: &[(&str, Subject)] = &[
    ("creature", Subject::Creature),
    ("monster", Subject::Creature),
    ("slime", Subject::Creature),
    ("blob", Subject::Creature),
    ("jelly", Subject::Creature),
    ("ooze", Subject::Creature),
    ("beast", Subject::Creature),
    ("ghost", Subject::Creature),
    ("spirit", Subject::Creature),
    ("phantom", Subject::Creature),
    ("enemy", Subject::Creature),
    ("humanoid", Subject::Humanoid),
    ("knight", Subject::Humanoid),
    ("paladin", Subject::Humanoid),
    ("soldier", Subject::Humanoid),
    ("hero", Subject::Humanoid),
    ("heroine", Subject::Humanoid),
    ("wizard", Subject::Humanoid),
    ("mage", Subject::Humanoid),
    ("witch", Subject::Humanoid),
    ("sorcerer", Subject::Humanoid),
    ("warlock", Subject::Humanoid),
    ("player", Subject::Humanoid),
    ("warrior", Subject::Humanoid),
    ("adventurer", Subject::Humanoid),
    ("person", Subject::Humanoid),
    ("human", Subject::Humanoid),
    ("villager", Subject::Humanoid),
    ("npc", Subject::Humanoid),
    ("coin", Subject::Coin),
    ("gem", Subject::Gem),
    ("jewel", Subject::Gem),
    ("crystal", Subject::Gem),
    ("diamond", Subject::Gem),
    ("ruby", Subject::Gem),
    ("emerald", Subject::Gem),
    ("sapphire", Subject::Gem),
    ("amethyst", Subject::Gem),
    ("potion", Subject::Potion),
    ("flask", Subject::Potion),
    ("bottle", Subject::Potion),
    ("vial", Subject::Potion),
    ("elixir", Subject::Potion),
    ("sword", Subject::Sword),
    ("blade", Subject::Sword),
    ("sabre", Subject::Sword),
    ("saber", Subject::Sword),
    ("dagger", Subject::Sword),
    ("key", Subject::Key),
    ("heart", Subject::Heart),
    ("shield", Subject::Shield),
    ("dirt", Subject::Ground),
    ("soil", Subject::Ground),
    ("mud", Subject::Ground),
    ("sand", Subject::Ground),
    ("grass", Subject::Grass),
    ("lawn", Subject::Grass),
    ("meadow", Subject::Grass),
    ("brick", Subject::Brick),
    ("stone", Subject::Stone),
    ("rock", Subject::Stone),
    ("cobble", Subject::Stone),
    ("cobblestone", Subject::Stone),
    ("water", Subject::Water),
    ("sea", Subject::Water),
    ("ocean", Subject::Water),
    ("lake", Subject::Water),
    ("river", Subject::Water),
    ("tree", Subject::Tree),
    ("oak", Subject::Tree),
    ("pine", Subject::Tree),
    ("fir", Subject::Tree),
    ("bush", Subject::Bush),
    ("shrub", Subject::Bush),
    ("hedge", Subject::Bush),
    ("flower", Subject::Flower),
    ("plant", Subject::Flower),
    ("rose", Subject::Flower),
    ("tulip", Subject::Flower),
    ("daisy", Subject::Flower),
];

/// Words that only say what kind of thing it is; they count when no word in `SUBJECT_WORDS` is present,
/// so "grass tile" is grass and "stone wall" is stone.
const GENERIC_WORDS: &[(&str, Subject)] = &[
    ("character", Subject::Humanoid),
    ("man", Subject::Humanoid),
    ("woman", Subject::Humanoid),
    ("item", Subject::Coin),
    ("loot", Subject::Coin),
    ("treasure", Subject::Coin),
    ("tile", Subject::Ground),
    ("ground", Subject::Ground),
    ("floor", Subject::Ground),
    ("terrain", Subject::Ground),
    ("wall", Subject::Brick),
];

/// Canonical colour names and the main colour each stands for.
const COLORS: &[(&str, [u8; 3])] = &[
    ("red", [204, 52, 52]),
    ("orange", [232, 128, 40]),
    ("yellow", [240, 206, 60]),
    ("gold", [230, 176, 46]),
    ("lime", [140, 208, 56]),
    ("green", [62, 166, 72]),
    ("teal", [36, 156, 148]),
    ("cyan", [64, 200, 224]),
    ("blue", [56, 104, 214]),
    ("navy", [44, 58, 132]),
    ("purple", [134, 72, 198]),
    ("magenta", [206, 62, 176]),
    ("pink", [240, 128, 176]),
    ("brown", [136, 88, 52]),
    ("bronze", [196, 124, 60]),
    ("tan", [206, 166, 112]),
    ("gray", [128, 128, 136]),
    ("silver", [184, 190, 202]),
    ("black", [50, 48, 60]),
    ("white", [236, 236, 242]),
];

/// Other spellings of the colours in `COLORS`.
const COLOR_SYNONYMS: &[(&str, &str)] = &[
    ("grey", "gray"),
    ("violet", "purple"),
    ("golden", "gold"),
    ("crimson", "red"),
    ("scarlet", "red"),
    ("azure", "blue"),
    ("turquoise", "cyan"),
    ("aqua", "cyan"),
    ("beige", "tan"),
    ("copper", "bronze"),
];

/// Reads the subject and colour words of a prompt; an unknown subject reads as a creature.
pub fn read_prompt(prompt: &str) -> Reading {
    read_words(&Words::new(prompt))
}

/// Draws the sprite or tile the prompt names, `width`×`height` pixels. Sprites are drawn in the centred
/// square; tiles fill the whole canvas.
pub fn generate(prompt: &str, seed: u64, width: u32, height: u32) -> RgbaImage {
    let words = Words::new(prompt);
    let reading = read_words(&words);
    let mut scene = Scene {
        rng: Rng::new(prompt, seed),
        palette: Palette::new(&reading, &words),
        words,
    };
    let mut image = RgbaImage::new(width, height);
    if width == 0 || height == 0 {
        return image;
    }
    let (w, h) = (width as usize, height as usize);
    if reading.subject.is_tile() {
        let canvas = match reading.subject {
            Subject::Grass => grass(&mut scene, w, h),
            Subject::Brick => brick(&mut scene, w, h),
            Subject::Stone => stone(&mut scene, w, h),
            Subject::Water => water(&mut scene, w, h),
            _ => ground(&mut scene, w, h),
        };
        canvas.render(&mut image, 0, 0);
    } else {
        let size = w.min(h);
        let mut canvas = match reading.subject {
            Subject::Humanoid => humanoid(&mut scene, size),
            Subject::Coin => coin(&mut scene, size),
            Subject::Gem => gem(&mut scene, size),
            Subject::Potion => potion(&mut scene, size),
            Subject::Sword => sword(&mut scene, size),
            Subject::Key => key(&mut scene, size),
            Subject::Heart => heart(&mut scene, size),
            Subject::Shield => shield(&mut scene, size),
            Subject::Tree => tree(&mut scene, size),
            Subject::Bush => bush(&mut scene, size),
            Subject::Flower => flower(&mut scene, size),
            _ => creature(&mut scene, size),
        };
        canvas.outline();
        canvas.render(&mut image, (w - size) / 2, (h - size) / 2);
    }
    image
}

/// The lower-cased words of a prompt.
struct Words(Vec<String>);

impl Words {
    fn new(prompt: &str) -> Self {
        Self(
            prompt
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|word| !word.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// Whether `word` matches `wanted`, allowing a plural ("slimes", "bushes").
    fn matches(word: &str, wanted: &str) -> bool {
        word == wanted
            || word.strip_suffix('s') == Some(wanted)
            || word.strip_suffix("es") == Some(wanted)
    }

    fn has(&self, wanted: &[&str]) -> bool {
        self.0
            .iter()
            .any(|word| wanted.iter().any(|w| Self::matches(word, w)))
    }

    /// The entry of `table` named first in the prompt.
    fn first<T: Copy>(&self, table: &[(&str, T)]) -> Option<T> {
        self.0.iter().find_map(|word| {
            table
                .iter()
                .find(|(name, _)| Self::matches(word, name))
                .map(|&(_, value)| value)
        })
    }
}

fn read_words(words: &Words) -> Reading {
    let subject = words
        .first(SUBJECT_WORDS)
        .or_else(|| words.first(GENERIC_WORDS))
        .unwrap_or(Subject::Creature);
    let colors = words
        .0
        .iter()
        .filter_map(|word| {
            let word = COLOR_SYNONYMS
                .iter()
                .find(|(synonym, _)| synonym == word)
                .map_or(word.as_str(), |&(_, canonical)| canonical);
            COLORS
                .iter()
                .find(|(name, _)| *name == word)
                .map(|&(name, _)| name)
        })
        .collect();
    Reading { subject, colors }
}

/// The colours the prompt asked for, with "dark"/"light" applied to the main one.
struct Palette {
    main: Option<[u8; 3]>,
    accent: Option<[u8; 3]>,
    /// Added to the main colour's lightness.
    lightness: f32,
}

impl Palette {
    fn new(reading: &Reading, words: &Words) -> Self {
        let rgb = |name: &str| COLORS.iter().find(|(n, _)| *n == name).map(|&(_, rgb)| rgb);
        let lightness = if words.has(&["dark", "deep", "shadow"]) {
            -0.16
        } else if words.has(&["light", "pale", "pastel", "bright"]) {
            0.16
        } else {
            0.0
        };
        Self {
            main: reading.colors.first().and_then(|name| rgb(name)),
            accent: reading.colors.get(1).and_then(|name| rgb(name)),
            lightness,
        }
    }

    /// The main colour, or the subject's own colour when the prompt names none.
    fn main_or(&self, default: [u8; 3]) -> [u8; 3] {
        let (h, s, l) = to_hsl(self.main.unwrap_or(default));
        from_hsl(h, s, (l + self.lightness).clamp(0.08, 0.95))
    }

    fn accent_or(&self, default: [u8; 3]) -> [u8; 3] {
        self.accent.unwrap_or(default)
    }
}

/// Everything a subject painter needs: the prompt's words and colours and the seeded random source.
struct Scene {
    rng: Rng,
    palette: Palette,
    words: Words,
}

/// FNV-1a, chosen because it is stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The splitmix64 finaliser: scrambles a counter into well-spread bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// splitmix64 seeded from the prompt and seed; the size is left out so one seed gives one design at every size.
struct Rng(u64);

impl Rng {
    fn new(prompt: &str, seed: u64) -> Self {
        Self(fnv1a(prompt.bytes().chain(seed.to_le_bytes())))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn range(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.unit()
    }

    fn chance(&mut self, probability: f32) -> bool {
        self.unit() < probability
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

fn to_hsl([r, g, b]: [u8; 3]) -> (f32, f32, f32) {
    let (r, g, b) = (
        f32::from(r) / 255.0,
        f32::from(g) / 255.0,
        f32::from(b) / 255.0,
    );
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let l = (max + min) / 2.0;
    let d = max - min;
    if d < 1e-6 {
        return (0.0, 0.0, l);
    }
    let s = d / (1.0 - (2.0 * l - 1.0).abs());
    let h = if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    (h * 60.0, s, l)
}

fn from_hsl(h: f32, s: f32, l: f32) -> [u8; 3] {
    let (s, l) = (s.clamp(0.0, 1.0), l.clamp(0.0, 1.0));
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h.rem_euclid(360.0) / 60.0;
    let x = c * (1.0 - (hp.rem_euclid(2.0) - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let channel = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    [channel(r), channel(g), channel(b)]
}

/// Moves a hue towards `target` by at most `degrees`: shadows lean blue and lights lean yellow, the usual
/// pixel-art trick that makes a ramp look lit rather than merely darker.
fn shift_hue(h: f32, target: f32, degrees: f32) -> f32 {
    let delta = (target - h + 540.0).rem_euclid(360.0) - 180.0;
    h + delta.clamp(-degrees, degrees)
}

fn mix_rgb(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let channel = |i: usize| (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t).round() as u8;
    [channel(0), channel(1), channel(2)]
}

/// Four tones of one colour: shadow, base, light, shine.
type Ramp = [[u8; 3]; 4];

fn ramp(base: [u8; 3]) -> Ramp {
    let (h, s, l) = to_hsl(base);
    // Shadows darken by scaling RGB, which keeps light colours (skin, snow) from turning garish.
    let (_, shadow_s, shadow_l) = to_hsl(mix_rgb(base, [0, 0, 0], 0.34));
    [
        from_hsl(shift_hue(h, 245.0, 14.0), shadow_s, shadow_l),
        base,
        from_hsl(shift_hue(h, 55.0, 10.0), s, l + (1.0 - l) * 0.3),
        from_hsl(shift_hue(h, 55.0, 16.0), s * 0.8, l + (1.0 - l) * 0.62),
    ]
}

/// The outline: the main colour pushed almost to black, which reads softer than pure black.
fn ink(base: [u8; 3]) -> [u8; 3] {
    let (h, s, _) = to_hsl(base);
    from_hsl(shift_hue(h, 245.0, 20.0), s.min(0.6) * 0.7, 0.1)
}

/// Light direction: from the top left, towards the viewer (unit length).
const LIGHT: (f32, f32, f32) = (-0.48, -0.6, 0.64);

/// Brightness of a surface whose normal has screen components (nx, ny); points outside the unit disc count as
/// on its rim.
fn lit(nx: f32, ny: f32) -> f32 {
    let len = (nx * nx + ny * ny).sqrt();
    let (nx, ny) = if len > 1.0 {
        (nx / len, ny / len)
    } else {
        (nx, ny)
    };
    let nz = (1.0 - nx * nx - ny * ny).max(0.0).sqrt();
    nx * LIGHT.0 + ny * LIGHT.1 + nz * LIGHT.2
}

/// A shaded ellipse (a sphere seen from the front), or `None` outside it.
fn ellipse(dx: f32, dy: f32, rx: f32, ry: f32) -> Option<f32> {
    let (nx, ny) = (dx / rx, dy / ry);
    (nx * nx + ny * ny <= 1.0).then(|| lit(nx, ny))
}

/// Fixed brightnesses that land on one tone each.
const SHADOW: f32 = -1.0;
const BASE: f32 = 0.2;
const LIT: f32 = 0.6;
const SHINE: f32 = 1.0;

fn tone(light: f32) -> u8 {
    if light < -0.02 {
        0
    } else if light < 0.48 {
        1
    } else if light < 0.8 {
        2
    } else {
        3
    }
}

/// Even-odd point-in-polygon test.
fn in_polygon(x: f32, y: f32, polygon: &[(f32, f32)]) -> bool {
    let mut inside = false;
    let mut j = polygon.len() - 1;
    for (i, &(xi, yi)) in polygon.iter().enumerate() {
        let (xj, yj) = polygon[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Empty,
    /// The outline colour, also used for dark details such as mouths and mortar.
    Ink,
    Paint {
        ramp: usize,
        tone: u8,
    },
}

/// A point of a sprite in design units: `x` runs from -0.5 (left) to 0.5 (right) with `ax = |x|`, `y` from
/// 0 (top) to 1 (bottom), both inside a 1-pixel margin kept free for the outline. Shapes that test only
/// `ax` come out exactly mirrored.
#[derive(Clone, Copy)]
struct P {
    x: f32,
    ax: f32,
    y: f32,
}

impl P {
    /// Horizontal offset from the nearer of a mirrored pair of centres at `x = ±cx`, signed so that shading
    /// still comes from the left on both sides.
    fn pair(self, cx: f32) -> f32 {
        if self.x < 0.0 {
            cx - self.ax
        } else {
            self.ax - cx
        }
    }
}

/// Cells of a sprite or tile, the colour ramps they use, and the outline colour.
struct Canvas {
    width: usize,
    height: usize,
    cells: Vec<Cell>,
    ramps: Vec<Ramp>,
    ink: [u8; 3],
}

impl Canvas {
    /// An empty canvas whose outline is derived from `main`, the sprite's main colour.
    fn new(width: usize, height: usize, main: [u8; 3]) -> Self {
        Self {
            width,
            height,
            cells: vec![Cell::Empty; width * height],
            ramps: Vec::new(),
            ink: ink(main),
        }
    }

    fn ramp(&mut self, base: [u8; 3]) -> usize {
        self.ramps.push(ramp(base));
        self.ramps.len() - 1
    }

    /// The size of one pixel in design units.
    fn unit(&self) -> f32 {
        1.0 / self.width.saturating_sub(2).max(1) as f32
    }

    /// Sets every pixel inside the margin for which `shape` says so. Mirroring is exact because both pixels
    /// of a mirrored pair get the same `ax`.
    fn apply(&mut self, only_over_paint: bool, shape: impl Fn(P) -> Option<Cell>) {
        let size = self.width;
        let unit = self.unit();
        for py in 1..size.saturating_sub(1) {
            for px in 1..size - 1 {
                let folded = px.min(size - 1 - px);
                let ax = (size as f32 / 2.0 - folded as f32 - 0.5) * unit;
                let x = if 2 * px + 1 < size { -ax } else { ax };
                let y = (py as f32 - 0.5) * unit;
                let index = py * size + px;
                if only_over_paint && self.cells[index] == Cell::Empty {
                    continue;
                }
                if let Some(cell) = shape(P { x, ax, y }) {
                    self.cells[index] = cell;
                }
            }
        }
    }

    /// Paints `shape` (which returns the brightness inside it) with `ramp`.
    fn fill(&mut self, ramp: usize, shape: impl Fn(P) -> Option<f32>) {
        self.apply(false, |p| {
            shape(p).map(|light| Cell::Paint {
                ramp,
                tone: tone(light),
            })
        });
    }

    /// Like `fill`, but only over what is already drawn, so the silhouette stays as it is.
    fn overlay(&mut self, ramp: usize, shape: impl Fn(P) -> Option<f32>) {
        self.apply(true, |p| {
            shape(p).map(|light| Cell::Paint {
                ramp,
                tone: tone(light),
            })
        });
    }

    fn ink_in(&mut self, shape: impl Fn(P) -> bool) {
        self.apply(false, |p| shape(p).then_some(Cell::Ink));
    }

    fn erase(&mut self, shape: impl Fn(P) -> bool) {
        self.apply(false, |p| shape(p).then_some(Cell::Empty));
    }

    /// Rings the silhouette with the outline colour: every empty pixel next to a drawn one (4-neighbourhood).
    fn outline(&mut self) {
        let (w, h) = (self.width, self.height);
        let drawn = |cells: &[Cell], x: usize, y: usize| cells[y * w + x] != Cell::Empty;
        let before = self.cells.clone();
        for y in 0..h {
            for x in 0..w {
                if drawn(&before, x, y) {
                    continue;
                }
                let near = (x > 0 && drawn(&before, x - 1, y))
                    || (x + 1 < w && drawn(&before, x + 1, y))
                    || (y > 0 && drawn(&before, x, y - 1))
                    || (y + 1 < h && drawn(&before, x, y + 1));
                if near {
                    self.cells[y * w + x] = Cell::Ink;
                }
            }
        }
    }

    fn set(&mut self, x: usize, y: usize, cell: Cell) {
        self.cells[y * self.width + x] = cell;
    }

    /// Sets a pixel of a tile, wrapping around its edges so features that cross one continue on the other side.
    fn set_wrapped(&mut self, x: i64, y: i64, cell: Cell) {
        let x = x.rem_euclid(self.width as i64) as usize;
        let y = y.rem_euclid(self.height as i64) as usize;
        self.set(x, y, cell);
    }

    fn get_wrapped(&self, x: i64, y: i64) -> Cell {
        let x = x.rem_euclid(self.width as i64) as usize;
        let y = y.rem_euclid(self.height as i64) as usize;
        self.cells[y * self.width + x]
    }

    fn render(&self, image: &mut RgbaImage, left: usize, top: usize) {
        for (index, cell) in self.cells.iter().enumerate() {
            let [r, g, b] = match *cell {
                Cell::Empty => continue,
                Cell::Ink => self.ink,
                Cell::Paint { ramp, tone } => self.ramps[ramp][usize::from(tone)],
            };
            let (x, y) = (left + index % self.width, top + index / self.width);
            image.put_pixel(x as u32, y as u32, Rgba([r, g, b, 255]));
        }
    }
}

/// A rectangle `count` pixels wide starting at design coordinate `start`, tested half-open so it covers
/// exactly `count` pixel centres.
fn span(value: f32, start: f32, width: f32) -> bool {
    value >= start && value < start + width
}

/// Eye drawing styles.
#[derive(Clone, Copy, PartialEq)]
enum EyeStyle {
    /// Dark ovals with a glint: cute and readable at any size.
    Dot,
    /// A white eyeball with a dark pupil looking down and inwards.
    Ball,
}

/// Draws a mirrored pair of eyes (or one centred eye when `dx` is 0) at least 1×2 pixels each.
fn eyes(c: &mut Canvas, white: usize, dx: f32, y: f32, w: f32, h: f32, style: EyeStyle) {
    let unit = c.unit();
    let w = (w / unit).round().max(1.0) * unit;
    let h = (h / unit).round().max(2.0) * unit;
    let big = h >= 4.0 * unit;
    let top = y - h / 2.0;
    let single = dx == 0.0;
    // The inner edge stays off the centre pixels so that two small eyes never merge into one.
    let inner = if single {
        -w / 2.0
    } else {
        (dx - w / 2.0).max(unit * 0.6)
    };
    let inside = move |p: P| {
        if big {
            let ex = if single { p.ax } else { p.ax - inner - w / 2.0 };
            (ex / (w / 2.0)).powi(2) + ((p.y - y) / (h / 2.0)).powi(2) <= 1.0
        } else {
            (if single {
                p.ax <= w / 2.0
            } else {
                span(p.ax, inner, w)
            }) && span(p.y, top, h)
        }
    };
    match style {
        EyeStyle::Dot => {
            c.ink_in(inside);
            if h >= 3.0 * unit {
                // The glint sits top-left in both eyes, as the light does.
                let left_edge = move |p: P| {
                    if single || p.x < 0.0 {
                        -inner - w
                    } else {
                        inner
                    }
                };
                let glint = (w / 3.0).max(unit);
                c.fill(white, |p| {
                    (inside(p)
                        && span(p.x - left_edge(p), w * 0.2, glint)
                        && span(p.y, top + h * 0.15, glint))
                    .then_some(SHINE)
                });
            }
        }
        EyeStyle::Ball => {
            c.fill(white, |p| inside(p).then_some(LIT));
            let pupil_w = (w / 2.0).max(unit);
            let pupil_h = (h / 2.0).max(unit);
            c.ink_in(|p| {
                // Looking down, and inwards when there are two.
                let across = if single {
                    p.ax <= pupil_w / 2.0
                } else {
                    span(p.ax - inner, 0.0, pupil_w)
                };
                inside(p) && across && span(p.y, y + h / 2.0 - pupil_h, pupil_h)
            });
        }
    }
}

const CREATURE_COLORS: &[[u8; 3]] = &[
    [92, 196, 76],
    [64, 148, 220],
    [150, 86, 206],
    [236, 112, 160],
    [236, 140, 52],
    [52, 176, 160],
    [212, 68, 64],
];
const WHITE: [u8; 3] = [240, 240, 246];
const BONE: [u8; 3] = [232, 220, 188];

/// Creature forms; the prompt picks one ("slime", "ghost", "monster"), otherwise the seed does.
#[derive(Clone, Copy)]
enum CreatureForm {
    Slime,
    Ghost,
    Monster,
}

fn creature(s: &mut Scene, size: usize) -> Canvas {
    let form = if s.words.has(&["slime", "blob", "jelly", "ooze"]) {
        CreatureForm::Slime
    } else if s.words.has(&["ghost", "spirit", "phantom"]) {
        CreatureForm::Ghost
    } else if s.words.has(&["monster", "beast"]) {
        CreatureForm::Monster
    } else {
        s.rng.pick(&[
            CreatureForm::Slime,
            CreatureForm::Monster,
            CreatureForm::Ghost,
        ])
    };
    let default = match form {
        CreatureForm::Ghost => [226, 232, 246],
        _ => s.rng.pick(CREATURE_COLORS),
    };
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(size, size, main);
    let body = c.ramp(main);
    let white = c.ramp(WHITE);
    match form {
        CreatureForm::Slime => slime(&mut c, s, body, white),
        CreatureForm::Ghost => ghost(&mut c, s, body, white),
        CreatureForm::Monster => monster(&mut c, s, main, body, white),
    }
    c
}

fn slime(c: &mut Canvas, s: &mut Scene, body: usize, white: usize) {
    let rx = s.rng.range(0.38, 0.47);
    let top = s.rng.range(0.26, 0.42);
    let base = 0.96;
    let shoulder = top + (base - top) * 0.6;
    let corner = 0.12;
    let (cy, ry) = ((top + base) / 2.0, (base - top) / 2.0);
    let inside = move |p: P| {
        if p.y < shoulder {
            (p.ax / rx).powi(2) + ((p.y - shoulder) / (shoulder - top)).powi(2) <= 1.0
        } else if p.y < base - corner {
            p.ax <= rx
        } else {
            p.y < base
                && p.ax <= rx - corner + (corner * corner - (p.y - base + corner).powi(2)).sqrt()
        }
    };
    c.fill(body, |p| inside(p).then(|| lit(p.x / rx, (p.y - cy) / ry)));
    if s.rng.chance(0.5) {
        // A droplet tip on the crown.
        let (tip, root) = (top - 0.14, top + 0.06);
        c.fill(body, |p| {
            (p.y >= tip && p.y <= root && p.ax <= 0.1 * (p.y - tip) / (root - tip))
                .then(|| lit(p.x / 0.2, -0.6))
        });
    }
    c.overlay(body, |p| {
        ellipse(
            p.x + rx * 0.5,
            p.y - top - (shoulder - top) * 0.35,
            rx * 0.2,
            0.06,
        )
        .map(|_| SHINE)
    });
    let eye_y = shoulder - 0.02;
    let style = if s.rng.chance(0.7) {
        EyeStyle::Dot
    } else {
        EyeStyle::Ball
    };
    eyes(c, white, rx * 0.42, eye_y, 0.08, 0.14, style);
    let unit = c.unit();
    if s.rng.chance(0.6) {
        let mouth_y = eye_y + 0.12;
        c.ink_in(|p| p.ax < 0.08 && span(p.y, mouth_y - p.ax * p.ax * 6.0 - unit * 0.5, unit));
    }
}

fn ghost(c: &mut Canvas, s: &mut Scene, body: usize, white: usize) {
    let r = s.rng.range(0.32, 0.4);
    let cy = r + 0.04;
    let waves = s.rng.pick(&[2.5_f32, 3.5]);
    let hem = 0.86;
    let inside = move |p: P| {
        if p.y <= cy {
            p.ax * p.ax + (p.y - cy).powi(2) <= r * r
        } else {
            p.ax <= r && p.y <= hem + 0.07 * (p.ax / r * PI * waves).cos()
        }
    };
    c.fill(body, |p| {
        inside(p).then(|| lit(p.x / r, (p.y - 0.55) / 0.5))
    });
    let arm_y = s.rng.range(0.5, 0.62);
    c.fill(body, |p| {
        ellipse(p.pair(r), p.y - arm_y, 0.08, 0.06).map(|light| light - 0.3)
    });
    eyes(c, white, r * 0.38, cy + 0.02, 0.08, 0.16, EyeStyle::Dot);
    let unit = c.unit();
    let mouth_y = cy + 0.14;
    if s.rng.chance(0.5) {
        c.ink_in(|p| {
            ellipse(p.ax, p.y - mouth_y, 0.05_f32.max(unit), 0.06_f32.max(unit)).is_some()
        });
    } else {
        c.ink_in(|p| p.ax < 0.07 && span(p.y, mouth_y - unit * 0.5, unit));
    }
}

fn monster(c: &mut Canvas, s: &mut Scene, main: [u8; 3], body: usize, white: usize) {
    let horned = s.rng.chance(0.6);
    let rx = s.rng.range(0.3, 0.39);
    let ry = s.rng.range(0.27, 0.33);
    let cy = 0.9 - ry - 0.04;
    let top = cy - ry;
    let limbs = c.ramp(mix_rgb(main, [0, 0, 0], 0.2));
    // Feet and arms first so the body overlaps them.
    c.fill(limbs, |p| {
        ellipse(p.pair(rx * 0.5), p.y - (cy + ry), 0.12, 0.07)
    });
    c.fill(limbs, |p| ellipse(p.pair(rx), p.y - cy - 0.06, 0.08, 0.1));
    if horned {
        let horn = c.ramp(s.palette.accent_or(BONE));
        let (root_x, root_y) = (rx * 0.5, top + 0.08);
        let (tip_x, tip_y) = (rx * 0.85, (top - 0.16).max(0.0));
        c.fill(horn, |p| {
            let t = (p.y - tip_y) / (root_y - tip_y);
            let centre = tip_x + (root_x - tip_x) * t;
            ((0.0..=1.0).contains(&t) && (p.ax - centre).abs() <= 0.075 * t)
                .then(|| lit(p.pair(centre) / 0.075, -0.3))
        });
    } else {
        // Pointed ears in the body colour.
        let (root_x, root_y) = (rx * 0.55, top + 0.1);
        let (tip_x, tip_y) = (rx * 0.75, (top - 0.12).max(0.0));
        c.fill(body, |p| {
            let t = (p.y - tip_y) / (root_y - tip_y);
            let centre = tip_x + (root_x - tip_x) * t;
            ((0.0..=1.0).contains(&t) && (p.ax - centre).abs() <= 0.1 * t).then_some(LIT)
        });
    }
    c.fill(body, |p| ellipse(p.x, p.y - cy, rx, ry));
    let belly = c.ramp(mix_rgb(main, [250, 240, 210], 0.55));
    c.overlay(belly, |p| {
        ellipse(p.x, p.y - cy - ry * 0.45, rx * 0.6, ry * 0.5).map(|l| l + 0.1)
    });
    let cyclops = s.rng.chance(0.3);
    let eye_y = cy - ry * 0.25;
    if cyclops {
        eyes(c, white, 0.0, eye_y, 0.2, 0.2, EyeStyle::Ball);
    } else {
        eyes(c, white, rx * 0.4, eye_y, 0.11, 0.13, EyeStyle::Ball);
    }
    let unit = c.unit();
    let mouth_y = eye_y + 0.15;
    let mouth_w = rx * 0.55;
    c.ink_in(|p| p.ax < mouth_w && span(p.y, mouth_y - unit * 0.5, unit));
    if s.rng.chance(0.7) {
        // Two fangs hanging from the mouth.
        let fang_x = mouth_w * 0.55;
        let fang_w = unit.max(0.04);
        let fang_h = (unit * 2.0).max(0.06);
        c.fill(white, |p| {
            (span(p.ax, fang_x - fang_w / 2.0, fang_w) && span(p.y, mouth_y + unit * 0.5, fang_h))
                .then_some(LIT)
        });
    }
}

const SKIN: &[[u8; 3]] = &[
    [246, 204, 170],
    [226, 170, 128],
    [178, 118, 78],
    [120, 78, 52],
];
const HAIR: &[[u8; 3]] = &[
    [92, 60, 36],
    [40, 36, 40],
    [232, 196, 96],
    [190, 76, 40],
    [220, 220, 228],
];
const STEEL: [u8; 3] = [150, 160, 180];
const LEATHER: [u8; 3] = [118, 76, 46];

#[derive(Clone, Copy)]
enum Role {
    Knight,
    Wizard,
    Hero,
}

/// Chibi proportions (a big head) so the figure still reads at 16 px.
fn humanoid(s: &mut Scene, size: usize) -> Canvas {
    let role = if s.words.has(&["knight", "paladin", "soldier"]) {
        Role::Knight
    } else if s
        .words
        .has(&["wizard", "mage", "witch", "sorcerer", "warlock"])
    {
        Role::Wizard
    } else if s
        .words
        .has(&["hero", "heroine", "warrior", "adventurer", "player"])
    {
        s.rng.pick(&[Role::Hero, Role::Hero, Role::Knight])
    } else {
        s.rng.pick(&[Role::Hero, Role::Knight, Role::Wizard])
    };
    let default = match role {
        Role::Knight => STEEL,
        Role::Wizard => s
            .rng
            .pick(&[[86, 70, 190], [60, 96, 200], [150, 60, 160], [46, 120, 90]]),
        Role::Hero => s
            .rng
            .pick(&[[58, 150, 70], [60, 110, 200], [200, 60, 56], [210, 140, 50]]),
    };
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(size, size, main);
    let outfit = c.ramp(main);
    let skin = c.ramp(s.rng.pick(SKIN));
    let white = c.ramp(WHITE);
    match role {
        Role::Knight => knight(&mut c, s, outfit, skin, white),
        Role::Wizard => wizard(&mut c, s, outfit, skin, white),
        Role::Hero => hero(&mut c, s, outfit, skin, white),
    }
    c
}

/// Legs and boots shared by knights and heroes.
fn legs(c: &mut Canvas, trousers: usize, boots: usize) {
    let unit = c.unit();
    let gap = (unit * 0.5).max(0.035);
    c.fill(trousers, |p| {
        (p.ax > gap && p.ax < 0.15 && p.y > 0.74 && p.y < 0.88)
            .then(|| lit(p.pair(0.09) / 0.07, 0.0))
    });
    c.fill(boots, |p| {
        (p.ax > gap && p.ax < 0.17 && p.y >= 0.86 && p.y < 0.99)
            .then(|| lit(p.pair(0.1) / 0.08, -0.2))
    });
}

/// A torso with arms; `arms` is the sleeve ramp and the hands use `skin`.
fn torso(c: &mut Canvas, body: usize, arms: usize, skin: usize) {
    c.fill(skin, |p| ellipse(p.pair(0.25), p.y - 0.72, 0.06, 0.06));
    c.fill(arms, |p| {
        (p.ax > 0.17 && p.ax < 0.3 && p.y > 0.5 && p.y < 0.7)
            .then(|| lit(p.pair(0.235) / 0.07, (p.y - 0.5) * 2.0 - 0.6))
    });
    c.fill(body, |p| {
        let half = 0.17 + (p.y - 0.5) * 0.12;
        (p.ax < half && p.y > 0.48 && p.y < 0.8).then(|| lit(p.x / half * 0.9, (p.y - 0.64) * 2.5))
    });
}

fn face(c: &mut Canvas, skin: usize, white: usize, cy: f32, rx: f32, ry: f32) {
    c.fill(skin, |p| ellipse(p.x, p.y - cy, rx, ry));
    eyes(c, white, rx * 0.42, cy + ry * 0.2, 0.06, 0.1, EyeStyle::Dot);
}

fn knight(c: &mut Canvas, s: &mut Scene, armour: usize, skin: usize, white: usize) {
    let crest =
        c.ramp(
            s.palette
                .accent_or(s.rng.pick(&[[208, 48, 48], [60, 100, 220], [240, 200, 70]])),
        );
    let leather = c.ramp(LEATHER);
    let dark = c.ramp(mix_rgb(STEEL, [40, 40, 60], 0.45));
    legs(c, armour, dark);
    torso(c, armour, armour, skin);
    // Pauldrons on the shoulders.
    c.fill(armour, |p| ellipse(p.pair(0.21), p.y - 0.52, 0.1, 0.07));
    c.fill(leather, |p| {
        (p.ax < 0.19 && p.y > 0.69 && p.y < 0.74).then_some(BASE)
    });
    c.overlay(crest, |p| {
        (p.ax < 0.07 && p.y > 0.53 && p.y < 0.69).then(|| lit(p.x / 0.07, 0.0))
    });
    let plume = s.rng.pick(&[0, 1, 2]);
    if plume == 1 {
        let horn = c.ramp(BONE);
        c.fill(horn, |p| {
            let t = (p.y - 0.02) / 0.2;
            let centre = 0.36 - 0.1 * t;
            ((0.0..=1.0).contains(&t) && (p.ax - centre).abs() <= 0.06 * t + 0.01)
                .then(|| lit(p.pair(centre) / 0.07, -0.3))
        });
    }
    c.fill(armour, |p| {
        let helmet = ellipse(p.x, p.y - 0.28, 0.26, 0.24).filter(|_| p.y < 0.46);
        let spike = plume == 2 && p.y > 0.0 && p.y < 0.1 && p.ax < p.y * 0.5;
        helmet.or_else(|| spike.then_some(LIT))
    });
    if plume == 0 {
        c.fill(crest, |p| ellipse(p.x, p.y - 0.08, 0.07, 0.09));
    }
    if s.rng.chance(0.5) {
        // Open face under the helmet.
        c.overlay(skin, |p| {
            (p.ax < 0.2 && p.y > 0.27 && p.y < 0.44).then_some(BASE)
        });
        eyes(c, white, 0.1, 0.34, 0.05, 0.08, EyeStyle::Dot);
    } else {
        // Closed visor: a dark slit with eyes glinting inside.
        let unit = c.unit();
        c.ink_in(|p| p.ax < 0.2 && span(p.y, 0.3, (unit * 2.0).max(0.06)));
        c.fill(white, |p| {
            (p.ax > 0.05 && p.ax < 0.11 && span(p.y, 0.3, unit)).then_some(LIT)
        });
        c.ink_in(|p| p.ax < unit * 0.6 && p.y > 0.36 && p.y < 0.44);
    }
}

fn wizard(c: &mut Canvas, s: &mut Scene, robe: usize, skin: usize, white: usize) {
    let band = c.ramp(s.palette.accent_or([236, 196, 72]));
    let beard = c.ramp(
        s.rng
            .pick(&[[232, 232, 236], [176, 176, 186], [120, 80, 50]]),
    );
    let bearded = s.rng.chance(0.6);
    c.fill(skin, |p| ellipse(p.pair(0.27), p.y - 0.74, 0.06, 0.06));
    // Robe widening to the floor, with wide sleeves.
    c.fill(robe, |p| {
        let half = 0.15 + (p.y - 0.44) * 0.32;
        (p.ax < half && p.y > 0.44 && p.y < 0.97).then(|| lit(p.x / half * 0.9, (p.y - 0.7) * 2.0))
    });
    c.fill(robe, |p| {
        let half = 0.05 + (p.y - 0.48) * 0.3;
        ((p.ax - 0.22).abs() < half && p.y > 0.48 && p.y < 0.72)
            .then(|| lit(p.pair(0.22) / 0.12, 0.2))
    });
    c.overlay(band, |p| (p.ax < 0.03 && p.y > 0.6).then_some(BASE));
    face(c, skin, white, 0.34, 0.17, 0.14);
    if bearded {
        c.fill(beard, |p| {
            let half = 0.15 * (0.66 - p.y) / 0.26;
            (p.y > 0.4 && p.y < 0.66 && p.ax < half).then(|| lit(p.x / 0.2, (p.y - 0.45) * 3.0))
        });
    }
    // Pointed hat with a brim and a band.
    let tip = s.rng.range(0.0, 0.05);
    c.fill(robe, |p| {
        let brim = ellipse(p.x, p.y - 0.26, 0.36, 0.055);
        let cone = (p.y > tip && p.y < 0.26 && p.ax < 0.19 * (p.y - tip) / (0.26 - tip))
            .then(|| lit(p.x / 0.2, -0.2));
        brim.or(cone)
    });
    c.overlay(band, |p| {
        (p.y > 0.19 && p.y < 0.235 && p.ax < 0.2).then(|| lit(p.x / 0.2, 0.0))
    });
}

fn hero(c: &mut Canvas, s: &mut Scene, tunic: usize, skin: usize, white: usize) {
    let hair = c.ramp(s.rng.pick(HAIR));
    let trousers = c.ramp([74, 72, 96]);
    let boots = c.ramp(LEATHER);
    let belt = c.ramp(mix_rgb(LEATHER, [0, 0, 0], 0.3));
    if s.rng.chance(0.45) {
        let cape = c.ramp(s.palette.accent_or([190, 44, 52]));
        c.fill(cape, |p| {
            let half = 0.18 + (p.y - 0.48) * 0.25;
            (p.ax < half && p.y > 0.48 && p.y < 0.88).then_some(SHADOW)
        });
    }
    legs(c, trousers, boots);
    torso(c, tunic, tunic, skin);
    c.fill(belt, |p| {
        (p.ax < 0.19 && p.y > 0.69 && p.y < 0.74).then_some(BASE)
    });
    face(c, skin, white, 0.31, 0.23, 0.2);
    let spiky = s.rng.chance(0.5);
    c.fill(hair, |p| {
        let cap = ellipse(p.x, p.y - 0.26, 0.26, 0.2).filter(|_| p.y < 0.27 || p.ax > 0.18);
        let spikes = spiky
            && p.y > 0.02
            && p.y < 0.14
            && [0.0, 0.14]
                .iter()
                .any(|&x| (p.ax - x).abs() < 0.07 * (p.y - 0.02) / 0.1);
        cap.or_else(|| spikes.then_some(LIT))
    });
    if s.rng.chance(0.4) {
        let band = c.ramp(s.palette.accent_or([220, 56, 56]));
        c.overlay(band, |p| {
            (p.y > 0.17 && p.y < 0.22).then(|| lit(p.x / 0.26, 0.0))
        });
    }
}

fn coin(s: &mut Scene, size: usize) -> Canvas {
    let main = s.palette.main_or([232, 180, 46]);
    let mut c = Canvas::new(size, size, main);
    let metal = c.ramp(main);
    let unit = c.unit();
    let rx = if s.rng.chance(0.25) { 0.3 } else { 0.42 };
    let ry = 0.42;
    let rim = unit.max(0.07);
    c.fill(metal, |p| {
        let (nx, ny) = (p.x / rx, (p.y - 0.5) / ry);
        let d = (nx * nx + ny * ny).sqrt();
        let inner = 1.0 - rim / rx.min(ry);
        (d <= 1.0).then(|| {
            let facing = -(nx * LIGHT.0 + ny * LIGHT.1) / d.max(1e-3);
            if d > inner {
                facing * 0.9
            } else {
                BASE - facing * 0.25
            }
        })
    });
    let emblem = s.rng.pick(&[0, 1, 2]);
    match emblem {
        0 => {
            // A five-pointed star, raised.
            let star: Vec<(f32, f32)> = (0..10)
                .map(|i| {
                    let r = if i % 2 == 0 { 0.25 } else { 0.1 };
                    let a = -PI / 2.0 + i as f32 * PI / 5.0;
                    (r * a.cos() * rx / ry, 0.5 + r * a.sin())
                })
                .collect();
            c.overlay(metal, |p| {
                in_polygon(p.x, p.y, &star).then_some(if p.y < 0.5 + p.x * 0.3 {
                    SHINE
                } else {
                    SHADOW
                })
            });
        }
        1 => {
            // A stamped bar, as on a side-on coin.
            c.overlay(metal, |p| {
                (p.ax < (unit * 0.5).max(rx * 0.12) && (p.y - 0.5).abs() < ry * 0.45)
                    .then_some(if p.x < 0.0 { SHADOW } else { SHINE })
            });
        }
        _ => {
            // A square hole through the middle.
            let half = (rx.min(ry) * 0.22).max(unit);
            c.erase(|p| p.ax < half && (p.y - 0.5).abs() < half);
        }
    }
    c
}

const GEM_COLORS: &[[u8; 3]] = &[
    [220, 40, 64],
    [48, 112, 232],
    [40, 190, 96],
    [160, 70, 220],
    [80, 220, 230],
];

fn gem(s: &mut Scene, size: usize) -> Canvas {
    let named = [
        ("ruby", GEM_COLORS[0]),
        ("sapphire", GEM_COLORS[1]),
        ("emerald", GEM_COLORS[2]),
        ("amethyst", GEM_COLORS[3]),
        ("diamond", [200, 236, 250]),
    ];
    let default = s
        .words
        .first(&named)
        .unwrap_or_else(|| s.rng.pick(GEM_COLORS));
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(size, size, main);
    let stone = c.ramp(main);
    let cut = if s.words.has(&["crystal", "shard"]) {
        3
    } else if s.words.has(&["diamond"]) {
        0
    } else {
        s.rng.pick(&[0, 0, 1, 2])
    };
    match cut {
        0 => {
            // Brilliant cut seen from the side: crown facets on top, pavilion narrowing to a point.
            let (table, girdle) = (s.rng.range(0.16, 0.26), s.rng.range(0.32, 0.42));
            let (top, width, facet) = (0.14, 0.46, table * 0.7);
            let outline = [
                (-table, top),
                (table, top),
                (width, girdle),
                (0.0, 0.94),
                (-width, girdle),
            ];
            let facets: [(&[(f32, f32)], f32); 5] = [
                (&[(-table, top), (-width, girdle), (-facet, girdle)], SHINE),
                (
                    &[
                        (-table, top),
                        (table, top),
                        (facet, girdle),
                        (-facet, girdle),
                    ],
                    LIT,
                ),
                (&[(-width, girdle), (-facet, girdle), (0.0, 0.94)], BASE),
                (&[(-facet, girdle), (facet, girdle), (0.0, 0.94)], LIT),
                (&[(facet, girdle), (width, girdle), (0.0, 0.94)], SHADOW),
            ];
            c.fill(stone, |p| in_polygon(p.ax, p.y, &outline).then_some(BASE));
            c.overlay(stone, |p| {
                facets
                    .iter()
                    .find(|(f, _)| in_polygon(p.x, p.y, f))
                    .map(|&(_, l)| l)
            });
        }
        1 => {
            // A polished cabochon in a gold bezel: one smooth dome with a hard glint.
            let bezel = c.ramp(s.palette.accent_or([230, 176, 46]));
            c.fill(bezel, |p| ellipse(p.x, p.y - 0.5, 0.46, 0.4));
            let (rx, ry) = (
                0.46 - (c.unit() * 1.5).max(0.08),
                0.4 - (c.unit() * 1.5).max(0.08),
            );
            c.overlay(stone, |p| ellipse(p.x, p.y - 0.5, rx, ry));
            c.overlay(stone, |p| {
                ellipse(p.x + rx * 0.4, p.y - 0.5 + ry * 0.45, rx * 0.22, ry * 0.2).map(|_| SHINE)
            });
        }
        2 => {
            // Emerald cut seen from above: bevelled octagon around a flat table.
            let outer: Vec<(f32, f32)> = octagon(0.4, 0.44, 0.14);
            let table: Vec<(f32, f32)> = octagon(0.24, 0.28, 0.08);
            c.fill(stone, |p| in_polygon(p.ax, p.y, &outer).then_some(BASE));
            c.overlay(stone, |p| {
                if in_polygon(p.x, p.y, &table) {
                    return Some(if (p.x + p.y - 0.5).abs() < 0.05 {
                        LIT
                    } else {
                        BASE
                    });
                }
                // Bevels facing up and left catch the light; those facing down and right do not.
                let (dx, dy) = (p.x, p.y - 0.5);
                Some(if -dy > dx.abs() {
                    SHINE
                } else if -dx > dy.abs() {
                    LIT
                } else {
                    SHADOW
                })
            });
        }
        _ => {
            // Crystal shards: hexagonal prisms with pointed tops, sometimes with two smaller ones beside.
            let cluster = s.rng.chance(0.5);
            let half = if cluster {
                s.rng.range(0.16, 0.22)
            } else {
                s.rng.range(0.2, 0.28)
            };
            let top = s.rng.range(0.02, 0.1);
            if cluster {
                let side_top = s.rng.range(0.3, 0.42);
                let side = move |p: P| shard(p.pair(0.27), p.y, 0.13, side_top, 0.96);
                c.fill(stone, side);
                // Outline the big shard where it stands in front of the small ones.
                let unit = c.unit();
                c.ink_in(|p| {
                    side(p).is_some() && shard(p.x, p.y, half + unit, top, 0.98).is_some()
                });
            }
            c.fill(stone, |p| shard(p.x, p.y, half, top, 0.98));
        }
    }
    c
}

/// A crystal prism `2 × half` wide from `top` to `bottom`, `lx` across from its axis: faces turned to the
/// light are brighter, and the pointed crown is split from the sides.
fn shard(lx: f32, y: f32, half: f32, top: f32, bottom: f32) -> Option<f32> {
    let (shoulder, heel) = (top + half * 0.85, bottom - half * 0.6);
    let edge = if y < shoulder {
        half * (y - top) / (shoulder - top)
    } else if y > heel {
        half * (bottom - y) / (bottom - heel)
    } else {
        half
    };
    let crown = y < shoulder - lx.abs() * 0.85;
    (y > top && y < bottom && lx.abs() <= edge).then_some(
        match (lx < -half / 3.0, lx > half / 3.0, crown) {
            (true, _, true) => SHINE,
            (true, _, false) | (false, false, true) => LIT,
            (_, true, _) => SHADOW,
            _ => BASE,
        },
    )
}

/// A mirrored octagon centred at (0, 0.5) with half-width `w`, half-height `h` and corner cut `cut`.
fn octagon(w: f32, h: f32, cut: f32) -> Vec<(f32, f32)> {
    vec![
        (-w + cut, 0.5 - h),
        (w - cut, 0.5 - h),
        (w, 0.5 - h + cut),
        (w, 0.5 + h - cut),
        (w - cut, 0.5 + h),
        (-w + cut, 0.5 + h),
        (-w, 0.5 + h - cut),
        (-w, 0.5 - h + cut),
    ]
}

const POTION_COLORS: &[[u8; 3]] = &[
    [222, 44, 60],
    [56, 112, 232],
    [64, 200, 80],
    [170, 72, 220],
    [240, 160, 40],
];
const GLASS: [u8; 3] = [196, 226, 236];
const CORK: [u8; 3] = [176, 124, 76];

fn potion(s: &mut Scene, size: usize) -> Canvas {
    // Game conventions: health is red, mana blue, poison green.
    let named = [
        ("health", POTION_COLORS[0]),
        ("healing", POTION_COLORS[0]),
        ("mana", POTION_COLORS[1]),
        ("poison", POTION_COLORS[2]),
    ];
    let default = s
        .words
        .first(&named)
        .unwrap_or_else(|| s.rng.pick(POTION_COLORS));
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(size, size, main);
    let liquid = c.ramp(main);
    let glass = c.ramp(GLASS);
    let cork = c.ramp(s.palette.accent_or(CORK));
    let level = s.rng.range(0.45, 0.62);
    let bottle = s.rng.pick(&[0, 0, 1, 2]);
    let body = move |p: P| -> Option<f32> {
        match bottle {
            0 => ellipse(p.x, p.y - 0.66, 0.34, 0.3),
            1 => {
                // Conical flask.
                let half = 0.08 + (p.y - 0.36) * 0.6;
                (p.y > 0.36 && p.y < 0.95 && p.ax < half)
                    .then(|| lit(p.x / half * 0.8, (p.y - 0.75) * 2.0))
            }
            _ => {
                // Square bottle with rounded shoulders.
                let shoulder = ellipse(p.x, p.y - 0.5, 0.3, 0.12).filter(|_| p.y < 0.5);
                let side = (p.y >= 0.5 && p.y < 0.95 && p.ax < 0.3)
                    .then(|| lit(p.x / 0.3 * 0.8, (p.y - 0.7) * 1.5));
                shoulder.or(side)
            }
        }
    };
    c.fill(glass, |p| {
        let neck = (p.ax < 0.1 && p.y > 0.18 && p.y < 0.5).then(|| lit(p.x / 0.1 * 0.8, 0.0));
        let lip = (p.ax < 0.14 && p.y > 0.17 && p.y < 0.23).then_some(LIT);
        body(p).or(lip).or(neck)
    });
    c.overlay(liquid, |p| body(p).filter(|_| p.y > level));
    let unit = c.unit();
    // The liquid's surface catches the light.
    c.overlay(liquid, |p| {
        (body(p).is_some() && span(p.y, level, unit)).then_some(LIT)
    });
    c.overlay(glass, |p| {
        (body(p).is_some()
            && p.x < -0.12
            && p.x > -0.12 - unit.max(0.05)
            && p.y > level - 0.08
            && p.y < level + 0.16)
            .then_some(SHINE)
    });
    c.fill(cork, |p| {
        (p.ax < 0.08 && p.y > 0.04 && p.y < 0.18).then(|| lit(p.x / 0.08 * 0.8, -0.3))
    });
    if s.rng.chance(0.6) {
        let bubbles = [
            (0.08, level + 0.12, 0.035_f32),
            (-0.04, level + 0.22, 0.025),
        ];
        c.overlay(liquid, |p| {
            bubbles
                .iter()
                .any(|&(bx, by, r)| {
                    ellipse(p.x - bx, p.y - by, r.max(unit * 0.5), r.max(unit * 0.5)).is_some()
                })
                .then_some(SHINE)
        });
    }
    c
}

fn sword(s: &mut Scene, size: usize) -> Canvas {
    let main = s.palette.main_or(STEEL);
    let mut c = Canvas::new(size, size, main);
    let blade = c.ramp(main);
    let guard = c.ramp(
        s.palette.accent_or(
            s.rng
                .pick(&[[226, 176, 56], [150, 100, 60], [160, 164, 180]]),
        ),
    );
    let grip = c.ramp(s.rng.pick(&[LEATHER, [70, 60, 110], [150, 40, 44]]));
    let unit = c.unit();
    let dagger = s.words.has(&["dagger"]);
    let half = (if s.rng.chance(0.35) { 0.095_f32 } else { 0.07 }).max(unit * 1.5);
    let hilt = if dagger { 0.55 } else { 0.68 };
    let tip = if dagger { 0.2 } else { 0.02 };
    let point = tip + half * 1.6;
    c.fill(blade, |p| {
        let width = if p.y < point {
            half * (p.y - tip) / (point - tip)
        } else {
            half
        };
        (p.y > tip && p.y < hilt && p.ax <= width).then(|| {
            if p.x < -half * 0.3 {
                LIT
            } else if p.x > half * 0.3 {
                BASE
            } else {
                SHINE
            }
        })
    });
    c.overlay(blade, |p| {
        // A fuller down the middle, once the blade is wide enough to show one.
        (half >= unit * 2.5 && p.ax <= unit * 0.5 && p.y > point + 0.04 && p.y < hilt - 0.06)
            .then_some(SHADOW)
    });
    let reach = s.rng.range(0.24, 0.34);
    let curl = if s.rng.chance(0.4) { 0.06 } else { 0.0 };
    c.fill(guard, |p| {
        let y = hilt - curl * (p.ax / reach).powi(2);
        (p.ax < reach && p.y > y - 0.035 && p.y < y + 0.045)
            .then(|| lit(p.x / reach * 0.5, (p.y - y) * 10.0))
    });
    let grip_w = unit.max(0.05);
    let grip_end = hilt + 0.2;
    c.fill(grip, |p| {
        (p.ax < grip_w && p.y > hilt && p.y < grip_end).then(|| {
            if ((p.y - hilt) / (unit * 2.0).max(0.05)).floor() as i32 % 2 == 0 {
                BASE
            } else {
                SHADOW
            }
        })
    });
    c.fill(guard, |p| {
        ellipse(
            p.x,
            p.y - grip_end - 0.04,
            0.07_f32.max(unit * 1.5),
            0.05_f32.max(unit * 1.5),
        )
    });
    c
}

fn key(s: &mut Scene, size: usize) -> Canvas {
    let main = s.palette.main_or([228, 178, 52]);
    let mut c = Canvas::new(size, size, main);
    let metal = c.ramp(main);
    let unit = c.unit();
    let bow_r = s.rng.range(0.17, 0.22);
    let hole = (bow_r * 0.45).max(unit * 0.8);
    let shaft = unit.max(0.05);
    let teeth = s.rng.pick(&[
        &[(0.3_f32, 0.08_f32), (0.44, 0.12)][..],
        &[(0.36, 0.14)][..],
        &[(0.28, 0.1), (0.38, 0.06), (0.46, 0.12)][..],
    ]);
    // Drawn along the diagonal from the top-left bow to the bottom-right bit.
    let axes = |p: P| {
        let (x, y) = (p.x, p.y - 0.5);
        ((x + y) / 2f32.sqrt(), (y - x) / 2f32.sqrt())
    };
    c.fill(metal, |p| {
        let (along, across) = axes(p);
        let ring = ellipse(along + 0.44, across, bow_r, bow_r);
        let stem = (along > -0.44 && along < 0.56 && across.abs() <= shaft)
            .then(|| lit(0.0, across / shaft * 0.8));
        let bit = teeth.iter().any(|&(at, depth)| {
            (along - at).abs() < 0.04_f32.max(unit * 0.75) && across > 0.0 && across < shaft + depth
        });
        ring.or(stem).or(bit.then_some(BASE))
    });
    c.erase(|p| {
        let (along, across) = axes(p);
        ellipse(along + 0.44, across, hole, hole).is_some()
    });
    c
}

fn heart(s: &mut Scene, size: usize) -> Canvas {
    let main = s
        .palette
        .main_or(s.rng.pick(&[[222, 40, 64], [236, 70, 110], [200, 28, 44]]));
    let mut c = Canvas::new(size, size, main);
    let flesh = c.ramp(main);
    let r = s.rng.range(0.21, 0.25);
    let spread = s.rng.range(0.19, 0.23);
    let tip = s.rng.range(0.86, 0.95);
    let lobe_y = 0.1 + r;
    c.fill(flesh, |p| {
        let body = lit(p.x / 0.5, (p.y - 0.45) * 1.6);
        let lobe = ellipse(p.pair(spread), p.y - lobe_y, r, r).map(|l| l.max(body));
        let half = (spread + r * 0.95) * (tip - p.y) / (tip - lobe_y);
        let point = (p.y > lobe_y && p.y < tip && p.ax < half).then_some(body);
        lobe.or(point)
    });
    c.overlay(flesh, |p| {
        ellipse(p.x + spread, p.y - lobe_y + r * 0.2, r * 0.3, r * 0.25).map(|_| SHINE)
    });
    c
}

fn shield(s: &mut Scene, size: usize) -> Canvas {
    let main = s
        .palette
        .main_or(s.rng.pick(&[[56, 96, 200], [196, 48, 52], [60, 140, 80]]));
    let mut c = Canvas::new(size, size, main);
    let face = c.ramp(main);
    let trim = c.ramp(s.palette.accent_or(s.rng.pick(&[STEEL, [226, 180, 60]])));
    let unit = c.unit();
    let rim = unit.max(0.06);
    let heater = move |p: P, inset: f32| {
        let half = 0.42 - inset;
        if p.y < 0.06 + inset || p.y > 0.96 - inset {
            return false;
        }
        if p.y < 0.5 {
            p.ax < half
        } else {
            let t = (p.y - 0.5) / (0.46 - inset);
            p.ax < half * (1.0 - t * t).max(0.0).sqrt()
        }
    };
    c.fill(trim, |p| {
        heater(p, 0.0).then(|| lit(p.x / 0.42, (p.y - 0.5) * 1.8))
    });
    c.overlay(face, |p| {
        heater(p, rim).then(|| lit(p.x / 0.5, (p.y - 0.5) * 1.4))
    });
    match s.rng.pick(&[0, 1, 2]) {
        0 => c.overlay(trim, |p| {
            (heater(p, rim) && (p.ax < 0.06 || (p.y - 0.4).abs() < 0.06))
                .then(|| lit(p.x / 0.4, -0.3))
        }),
        1 => c.overlay(trim, |p| {
            (heater(p, rim) && p.x > 0.0 && p.y < 0.5).then_some(BASE)
        }),
        _ => c.overlay(trim, |p| ellipse(p.x, p.y - 0.45, 0.12, 0.12)),
    }
    c
}

const LEAF_COLORS: &[[u8; 3]] = &[[68, 156, 64], [84, 172, 72], [52, 134, 84]];
const BARK: [u8; 3] = [122, 82, 50];

fn tree(s: &mut Scene, size: usize) -> Canvas {
    let pine = s
        .words
        .has(&["pine", "fir", "spruce", "conifer", "christmas"])
        || (!s.words.has(&["oak"]) && s.rng.chance(0.25));
    let main = s.palette.main_or(if pine {
        [44, 130, 84]
    } else {
        s.rng.pick(LEAF_COLORS)
    });
    let mut c = Canvas::new(size, size, main);
    let leaves = c.ramp(main);
    let bark = c.ramp(BARK);
    let unit = c.unit();
    let trunk_w = unit.max(0.07);
    if pine {
        c.fill(bark, |p| {
            (p.y > 0.8 && p.y < 0.98 && p.ax < trunk_w).then(|| lit(p.x / trunk_w * 0.8, 0.0))
        });
        let tiers = s.rng.pick(&[3, 4]);
        let width = s.rng.range(0.38, 0.46);
        for i in 0..tiers {
            // Tiers overlap downwards, each wider and taller than the one above it.
            let t = i as f32 / (tiers - 1) as f32;
            let base = 0.34 + 0.52 * t;
            let apex = base - (0.34 + 0.16 * t);
            let half = width * (0.5 + 0.5 * t);
            c.fill(leaves, |p| {
                let w = half * (p.y - apex) / (base - apex);
                (p.y > apex && p.y < base && p.ax < w)
                    .then(|| lit(p.x / w.max(0.01) * 0.8, -0.4 + (p.y - apex) / (base - apex)))
            });
        }
    } else {
        c.fill(bark, |p| {
            let flare = if p.y > 0.88 { (p.y - 0.88) * 1.2 } else { 0.0 };
            (p.y > 0.5 && p.y < 0.98 && p.ax < trunk_w + flare)
                .then(|| lit(p.x / (trunk_w + flare) * 0.8, 0.0))
        });
        let spread = s.rng.range(0.18, 0.24);
        let blobs = [
            (0.0, 0.38, 0.36, 0.32),
            (spread, 0.5, 0.19, 0.16),
            (spread * 0.9, 0.26, 0.17, 0.15),
            (0.0, 0.16, 0.2, 0.15),
            (0.0, 0.56, 0.22, 0.14),
        ];
        for (cx, cy, rx, ry) in blobs {
            c.fill(leaves, |p| {
                ellipse(p.pair(cx), p.y - cy, rx, ry)
                    .map(|l| 0.5 * l + 0.5 * lit(p.x / 0.45, (p.y - 0.4) / 0.4))
            });
        }
        if s.rng.chance(0.35) {
            let fruit = c.ramp(s.palette.accent_or([220, 48, 48]));
            let spots = [
                (-0.18, 0.3),
                (0.12, 0.46),
                (-0.05, 0.56),
                (0.22, 0.24),
                (0.02, 0.2),
            ];
            let r = (unit * 0.8).max(0.035);
            c.overlay(fruit, |p| {
                spots
                    .iter()
                    .any(|&(x, y)| ellipse(p.x - x, p.y - y, r, r).is_some())
                    .then_some(LIT)
            });
        }
    }
    c
}

fn bush(s: &mut Scene, size: usize) -> Canvas {
    let main = s.palette.main_or(s.rng.pick(LEAF_COLORS));
    let mut c = Canvas::new(size, size, main);
    let leaves = c.ramp(main);
    let unit = c.unit();
    let spread = s.rng.range(0.2, 0.26);
    let blobs = [
        (0.0, 0.66, 0.45, 0.28),
        (spread, 0.56, 0.2, 0.18),
        (0.0, 0.44, 0.24, 0.2),
        (spread * 1.4, 0.74, 0.16, 0.14),
    ];
    for (cx, cy, rx, ry) in blobs {
        c.fill(leaves, |p| {
            ellipse(p.pair(cx), p.y - cy, rx, ry)
                .filter(|_| p.y < 0.95)
                .map(|l| 0.5 * l + 0.5 * lit(p.x / 0.5, (p.y - 0.62) / 0.34))
        });
    }
    if s.rng.chance(0.5) {
        let berry = c.ramp(s.palette.accent_or(s.rng.pick(&[
            [220, 48, 64],
            [240, 240, 246],
            [90, 90, 220],
            [240, 140, 190],
        ])));
        let spots = [
            (-0.28, 0.62),
            (0.06, 0.5),
            (0.26, 0.7),
            (-0.08, 0.76),
            (0.16, 0.42),
            (-0.2, 0.45),
        ];
        let r = (unit * 0.8).max(0.03);
        c.overlay(berry, |p| {
            spots
                .iter()
                .any(|&(x, y)| ellipse(p.x - x, p.y - y, r, r).is_some())
                .then_some(LIT)
        });
    }
    c
}

const PETAL_COLORS: &[[u8; 3]] = &[
    [230, 60, 80],
    [240, 140, 190],
    [246, 214, 64],
    [160, 90, 220],
    [244, 244, 248],
    [240, 130, 50],
];

fn flower(s: &mut Scene, size: usize) -> Canvas {
    let main = s.palette.main_or(s.rng.pick(PETAL_COLORS));
    let mut c = Canvas::new(size, size, main);
    let petals = c.ramp(main);
    let stem = c.ramp([70, 150, 62]);
    let heart = c.ramp(s.palette.accent_or(if s.words.has(&["rose"]) {
        main
    } else {
        [246, 200, 60]
    }));
    let unit = c.unit();
    let potted = s.rng.chance(0.3);
    let ground = if potted { 0.72 } else { 0.98 };
    let stem_w = (unit * 0.5).max(0.03);
    c.fill(stem, |p| {
        (p.ax <= stem_w && p.y > 0.3 && p.y < ground).then_some(BASE)
    });
    let leaf_y = s.rng.range(0.58, 0.66);
    c.fill(stem, |p| {
        // Leaves tilted 30° up and out from the stem.
        let (dx, dy) = (p.pair(0.14), p.y - leaf_y);
        let (c30, s30) = (0.866, 0.5);
        let (u, v) = (
            dx * c30 - dy * s30 * p.x.signum(),
            dx * s30 * p.x.signum() + dy * c30,
        );
        ellipse(u, v, 0.13, 0.055)
    });
    if potted {
        let pot = c.ramp([196, 100, 60]);
        c.fill(pot, |p| {
            let half = 0.2 - (p.y - 0.72) * 0.25;
            let rim = p.y < 0.78 && p.ax < 0.24;
            ((p.y > 0.7 && p.y < 0.97 && p.ax < half) || (p.y > 0.7 && rim))
                .then(|| lit(p.x / 0.24 * 0.8, if rim { -0.6 } else { 0.2 }))
        });
    }
    let tulip = s.words.has(&["tulip"]) || (!s.words.has(&["daisy", "rose"]) && s.rng.chance(0.3));
    let bloom_y = 0.28;
    if tulip {
        c.fill(petals, |p| {
            let cup = ellipse(p.x, p.y - bloom_y, 0.2, 0.17).filter(|_| p.y > bloom_y - 0.04);
            let tips = p.y > bloom_y - 0.2 && p.y <= bloom_y - 0.04 && {
                let t = (bloom_y - 0.04 - p.y) / 0.16;
                p.ax < 0.04 * (1.0 - t) || (p.ax - 0.14).abs() < 0.06 * (1.0 - t)
            };
            cup.or_else(|| tips.then_some(LIT))
        });
    } else {
        let count = s.rng.pick(&[5, 6, 8]);
        let (ring, r) = (0.15, if count == 8 { 0.085 } else { 0.1 });
        let centres: Vec<(f32, f32)> = (0..count)
            .map(|i| {
                let a = -PI / 2.0 + i as f32 * 2.0 * PI / count as f32;
                (ring * a.cos(), bloom_y + ring * a.sin())
            })
            .collect();
        c.fill(petals, |p| {
            centres
                .iter()
                .find(|&&(x, y)| ellipse(p.ax - x.abs(), p.y - y, r, r).is_some())
                .map(|&(x, y)| {
                    lit(
                        (p.x - x.abs() * p.x.signum()) / r * 0.7,
                        (p.y - y) / r * 0.7,
                    )
                })
        });
        c.fill(heart, |p| {
            ellipse(p.x, p.y - bloom_y, 0.08_f32.max(unit), 0.08_f32.max(unit))
        });
    }
    c
}

/// Value noise on a lattice that repeats `cells` times across the tile, so it wraps without a seam.
struct Noise {
    seed: u64,
    width: f32,
    height: f32,
}

impl Noise {
    fn lattice(&self, x: i64, y: i64) -> f32 {
        let h = mix(self.seed
            ^ (x as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ (y as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f));
        (h >> 40) as f32 / (1u64 << 24) as f32
    }

    fn at(&self, x: f32, y: f32, cells: u32) -> f32 {
        let cells_x = i64::from(cells.max(1));
        let cells_y = ((cells as f32 * self.height / self.width).round() as i64).max(1);
        let u = x / self.width * cells_x as f32;
        let v = y / self.height * cells_y as f32;
        let (i, j) = (u.floor() as i64, v.floor() as i64);
        let smooth = |t: f32| t * t * (3.0 - 2.0 * t);
        let (tx, ty) = (smooth(u - i as f32), smooth(v - j as f32));
        let corner = |di: i64, dj: i64| {
            self.lattice((i + di).rem_euclid(cells_x), (j + dj).rem_euclid(cells_y))
        };
        let top = corner(0, 0) + (corner(1, 0) - corner(0, 0)) * tx;
        let bottom = corner(0, 1) + (corner(1, 1) - corner(0, 1)) * tx;
        top + (bottom - top) * ty
    }

    /// Two octaves: broad patches with some finer grain.
    fn patches(&self, x: usize, y: usize) -> f32 {
        let cells = (self.width.min(self.height) / 8.0).max(2.0) as u32;
        let (x, y) = (x as f32 + 0.5, y as f32 + 0.5);
        0.65 * self.at(x, y, cells) + 0.35 * self.at(x, y, cells * 2)
    }
}

fn tile_setup(s: &mut Scene, w: usize, h: usize, default: [u8; 3]) -> (Canvas, usize, Noise) {
    let main = s.palette.main_or(default);
    let mut c = Canvas::new(w, h, main);
    let ramp = c.ramp(main);
    let noise = Noise {
        seed: s.rng.next_u64(),
        width: w as f32,
        height: h as f32,
    };
    (c, ramp, noise)
}

/// Paints an ellipse that wraps around the tile, shaded as a sphere, with a one-pixel shadow cast below right.
fn pebble(c: &mut Canvas, (cx, cy): (f32, f32), (rx, ry): (f32, f32), ramp: usize, shadow: Cell) {
    let (x0, x1) = (
        (cx - rx - 2.0).floor() as i64,
        (cx + rx + 2.0).ceil() as i64,
    );
    let (y0, y1) = (
        (cy - ry - 2.0).floor() as i64,
        (cy + ry + 2.0).ceil() as i64,
    );
    for y in y0..=y1 {
        for x in x0..=x1 {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            if let Some(light) = ellipse(dx, dy, rx, ry) {
                c.set_wrapped(
                    x,
                    y,
                    Cell::Paint {
                        ramp,
                        tone: tone(light),
                    },
                );
            } else if ellipse(dx - 1.0, dy - 1.0, rx, ry).is_some() {
                c.set_wrapped(x, y, shadow);
            }
        }
    }
}

fn ground(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let default = if s.words.has(&["sand"]) {
        [218, 186, 124]
    } else {
        [142, 96, 60]
    };
    let (mut c, dirt, noise) = tile_setup(s, w, h, default);
    for y in 0..h {
        for x in 0..w {
            let n = noise.patches(x, y);
            let tone = if n < 0.3 {
                0
            } else if n < 0.7 {
                1
            } else {
                2
            };
            c.set(x, y, Cell::Paint { ramp: dirt, tone });
        }
    }
    let main = s.palette.main_or(default);
    let stone = c.ramp(mix_rgb(main, [150, 150, 150], 0.55));
    let big = (w.min(h) as f32 / 20.0).max(1.0);
    for _ in 0..(w * h / 256).max(2) {
        let centre = (s.rng.range(0.0, w as f32), s.rng.range(0.0, h as f32));
        let r = s.rng.range(0.7, 1.3) * big;
        pebble(
            &mut c,
            centre,
            (r, r * 0.8),
            stone,
            Cell::Paint {
                ramp: dirt,
                tone: 0,
            },
        );
    }
    for _ in 0..w * h / 40 {
        let (x, y) = (
            s.rng.range(0.0, w as f32) as i64,
            s.rng.range(0.0, h as f32) as i64,
        );
        let speck = if s.rng.chance(0.5) {
            Cell::Paint {
                ramp: dirt,
                tone: 3,
            }
        } else {
            Cell::Paint {
                ramp: dirt,
                tone: 0,
            }
        };
        c.set_wrapped(x, y, speck);
    }
    c
}

fn grass(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let (mut c, leaf, noise) = tile_setup(s, w, h, [76, 160, 64]);
    for y in 0..h {
        for x in 0..w {
            let tone = if noise.patches(x, y) < 0.45 { 0 } else { 1 };
            c.set(x, y, Cell::Paint { ramp: leaf, tone });
        }
    }
    // Blades: a lit stroke over a dark root, some leaning, a few with a bright tip.
    for _ in 0..w * h / 9 {
        let (x, y) = (
            s.rng.range(0.0, w as f32) as i64,
            s.rng.range(0.0, h as f32) as i64,
        );
        let length = 2 + (s.rng.next_u64() % 2) as i64 + (w.min(h) / 48) as i64;
        let lean = if s.rng.chance(0.3) {
            if s.rng.chance(0.5) { 1 } else { -1 }
        } else {
            0
        };
        c.set_wrapped(
            x,
            y + 1,
            Cell::Paint {
                ramp: leaf,
                tone: 0,
            },
        );
        for k in 0..length {
            let bx = x + if k == length - 1 { lean } else { 0 };
            c.set_wrapped(
                bx,
                y - k,
                Cell::Paint {
                    ramp: leaf,
                    tone: 2,
                },
            );
        }
        if s.rng.chance(0.25) {
            c.set_wrapped(
                x + lean,
                y - length + 1,
                Cell::Paint {
                    ramp: leaf,
                    tone: 3,
                },
            );
        }
    }
    if s.rng.chance(0.5) {
        let petal =
            c.ramp(
                s.palette.accent_or(s.rng.pick(&[
                    [246, 246, 250],
                    [246, 214, 64],
                    [240, 120, 170],
                ])),
            );
        for _ in 0..(w * h / 200).max(1) {
            let (x, y) = (
                s.rng.range(0.0, w as f32) as i64,
                s.rng.range(0.0, h as f32) as i64,
            );
            for (dx, dy) in [(0, -1), (-1, 0), (1, 0), (0, 1)] {
                c.set_wrapped(
                    x + dx,
                    y + dy,
                    Cell::Paint {
                        ramp: petal,
                        tone: 2,
                    },
                );
            }
            c.set_wrapped(
                x,
                y,
                Cell::Paint {
                    ramp: petal,
                    tone: 0,
                },
            );
        }
    }
    c
}

fn brick(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let (mut c, clay, noise) = tile_setup(s, w, h, [176, 82, 60]);
    let mortar = c.ramp([168, 160, 150]);
    // An even number of rows keeps the half-brick offset continuous across the top and bottom edges.
    let brick_h = (h as f32 / 4.0).clamp(4.0, 10.0);
    let rows = (((h as f32 / brick_h).round() as usize).max(2) / 2 * 2).max(2);
    let per_row = ((w as f32 / (brick_h * 2.0)).round() as usize).max(1);
    let row_of = |y: usize| y * rows / h;
    let row_start = |r: usize| (r * h).div_ceil(rows);
    let brick_w = w as f32 / per_row as f32;
    let shades: Vec<i32> = (0..rows * per_row)
        .map(|_| s.rng.pick(&[-1, 0, 0, 0, 1]))
        .collect();
    for y in 0..h {
        let r = row_of(y);
        let offset = if r % 2 == 1 { brick_w / 2.0 } else { 0.0 };
        let top = row_start(r);
        let bottom = row_start(r + 1) - 1;
        for x in 0..w {
            let u = (x as f32 + 0.5 - offset).rem_euclid(w as f32);
            let column = (u / brick_w) as usize;
            let left = (u - column as f32 * brick_w) < 1.0;
            let right = ((column + 1) as f32 * brick_w - u) < 1.0;
            let cell = if y == top || left {
                Cell::Paint {
                    ramp: mortar,
                    tone: if y == top { 1 } else { 0 },
                }
            } else {
                let base = 1 + shades[r * per_row + column.min(per_row - 1)];
                let edge = if y == top + 1 {
                    1
                } else if y == bottom || right {
                    -1
                } else {
                    0
                };
                let grain = if noise.patches(x, y) > 0.72 { 1 } else { 0 };
                Cell::Paint {
                    ramp: clay,
                    tone: (base + edge + grain).clamp(0, 3) as u8,
                }
            };
            c.set(x, y, cell);
        }
    }
    c
}

fn stone(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let (mut c, rock, noise) = tile_setup(s, w, h, [136, 136, 146]);
    let target = 11.0_f32.min(w.min(h) as f32 / 2.0).max(3.0);
    let (nx, ny) = (
        ((w as f32 / target).round() as i64).max(2),
        ((h as f32 / target).round() as i64).max(2),
    );
    let (cw, ch) = (w as f32 / nx as f32, h as f32 / ny as f32);
    let points: Vec<(f32, f32, i32)> = (0..nx * ny)
        .map(|i| {
            let (gx, gy) = ((i % nx) as f32, (i / nx) as f32);
            (
                (gx + s.rng.range(0.25, 0.75)) * cw,
                (gy + s.rng.range(0.25, 0.75)) * ch,
                s.rng.pick(&[0, 0, 1, -1]),
            )
        })
        .collect();
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let gx = (fx / cw) as i64;
            let gy = (fy / ch) as i64;
            // Nearest and second-nearest stone centres, looking across the tile edges. The jitter keeps
            // every centre inside its own cell, so the 3×3 neighbourhood is enough.
            let mut best = (f32::MAX, f32::MAX, 0.0, 0.0, 0);
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (cx, cy) = (gx + dx, gy + dy);
                    let (px, py, shade) =
                        points[(cy.rem_euclid(ny) * nx + cx.rem_euclid(nx)) as usize];
                    let (px, py) = (
                        px + (cx.div_euclid(nx) * w as i64) as f32,
                        py + (cy.div_euclid(ny) * h as i64) as f32,
                    );
                    let d = (fx - px).powi(2) + (fy - py).powi(2);
                    if d < best.0 {
                        best = (d, best.0, fx - px, fy - py, shade);
                    } else if d < best.1 {
                        best.1 = d;
                    }
                }
            }
            let (d1, d2, vx, vy, shade) = best;
            let (d1, d2) = (d1.sqrt(), d2.sqrt());
            let border = (d2 - d1) / 2.0;
            let cell = if border < 0.75 {
                Cell::Ink
            } else {
                let facing = -(vx * LIGHT.0 + vy * LIGHT.1) / (d1 + border).max(1.0);
                let rim = if border < 2.0 {
                    facing * 1.6
                } else {
                    facing * 0.5
                };
                let grain = if noise.patches(x, y) > 0.7 { 0.25 } else { 0.0 };
                Cell::Paint {
                    ramp: rock,
                    tone: (tone(0.25 + rim + grain) as i32 + shade).clamp(0, 3) as u8,
                }
            };
            c.set(x, y, cell);
        }
    }
    c
}

fn water(s: &mut Scene, w: usize, h: usize) -> Canvas {
    let (mut c, sea, noise) = tile_setup(s, w, h, [52, 110, 210]);
    let bands = ((h as f32 / 8.0).round() as i32).max(2);
    let sway = ((w as f32 / 16.0).round() as i32).max(1);
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let phase = 2.0
                * PI
                * (fy / h as f32 * bands as f32
                    + 0.18 * (2.0 * PI * fx / w as f32 * sway as f32).sin()
                    + 0.35 * noise.patches(x, y));
            let wave = phase.sin();
            let tone = if wave > 0.93 {
                3
            } else if wave > 0.6 {
                2
            } else if wave < -0.55 {
                0
            } else {
                1
            };
            c.set(x, y, Cell::Paint { ramp: sea, tone });
        }
    }
    for _ in 0..(w * h / 150).max(1) {
        let (x, y) = (
            s.rng.range(0.0, w as f32) as i64,
            s.rng.range(0.0, h as f32) as i64,
        );
        if c.get_wrapped(x, y) != (Cell::Paint { ramp: sea, tone: 0 }) {
            c.set_wrapped(x, y, Cell::Paint { ramp: sea, tone: 3 });
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPRITES: &[(&str, Subject)] = &[
        ("green slime", Subject::Creature),
        ("a ghost", Subject::Creature),
        ("horned monster", Subject::Creature),
        ("knight", Subject::Humanoid),
        ("old wizard", Subject::Humanoid),
        ("young hero", Subject::Humanoid),
        ("gold coin", Subject::Coin),
        ("gem", Subject::Gem),
        ("health potion", Subject::Potion),
        ("sword", Subject::Sword),
        ("dungeon key", Subject::Key),
        ("heart", Subject::Heart),
        ("shield", Subject::Shield),
        ("oak tree", Subject::Tree),
        ("berry bush", Subject::Bush),
        ("flower", Subject::Flower),
    ];
    const TILES: &[(&str, Subject)] = &[
        ("dirt tile", Subject::Ground),
        ("grass tile", Subject::Grass),
        ("brick wall", Subject::Brick),
        ("cobblestone floor", Subject::Stone),
        ("water tile", Subject::Water),
    ];

    fn alpha(image: &RgbaImage, x: u32, y: u32) -> u8 {
        image.get_pixel(x, y).0[3]
    }

    fn opaque_colours(image: &RgbaImage) -> std::collections::HashSet<[u8; 4]> {
        image
            .pixels()
            .filter(|p| p.0[3] == 255)
            .map(|p| p.0)
            .collect()
    }

    #[test]
    fn same_inputs_give_identical_pixels() {
        for &(prompt, _) in SPRITES.iter().chain(TILES) {
            assert_eq!(
                generate(prompt, 7, 32, 32),
                generate(prompt, 7, 32, 32),
                "{prompt}"
            );
        }
    }

    #[test]
    fn different_seeds_give_different_sprites() {
        let more = [
            ("purple crystal", Subject::Gem),
            ("diamond", Subject::Gem),
            ("red knight", Subject::Humanoid),
        ];
        for &(prompt, _) in SPRITES.iter().chain(TILES).chain(&more) {
            let distinct: std::collections::HashSet<Vec<u8>> = (0..4)
                .map(|seed| generate(prompt, seed, 32, 32).into_raw())
                .collect();
            assert!(distinct.len() > 1, "{prompt}: four seeds gave one image");
        }
    }

    #[test]
    fn prompts_read_as_their_subject() {
        for &(prompt, subject) in SPRITES.iter().chain(TILES) {
            assert_eq!(read_prompt(prompt).subject, subject, "{prompt}");
        }
        let families: &[(&[&str], Subject)] = &[
            (
                &["creature", "monster", "slime", "blob", "beast", "ghost"],
                Subject::Creature,
            ),
            (
                &[
                    "humanoid",
                    "knight",
                    "hero",
                    "wizard",
                    "player",
                    "warrior",
                    "person",
                    "character",
                ],
                Subject::Humanoid,
            ),
            (&["coin"], Subject::Coin),
            (&["gem", "crystal", "diamond"], Subject::Gem),
            (&["potion", "flask", "bottle"], Subject::Potion),
            (&["sword", "blade"], Subject::Sword),
            (&["key"], Subject::Key),
            (&["heart"], Subject::Heart),
            (&["shield"], Subject::Shield),
            (&["tile", "ground", "dirt"], Subject::Ground),
            (&["grass"], Subject::Grass),
            (&["brick", "wall"], Subject::Brick),
            (&["stone", "rock"], Subject::Stone),
            (&["water"], Subject::Water),
            (&["tree"], Subject::Tree),
            (&["bush"], Subject::Bush),
            (&["flower", "plant"], Subject::Flower),
        ];
        for &(words, subject) in families {
            for word in words {
                assert_eq!(
                    read_prompt(&format!("a {word}, pixel art")).subject,
                    subject,
                    "{word}"
                );
            }
        }
    }

    #[test]
    fn specific_words_win_over_generic_ones_and_the_first_subject_wins() {
        assert_eq!(read_prompt("grass tile").subject, Subject::Grass);
        assert_eq!(read_prompt("stone wall").subject, Subject::Stone);
        assert_eq!(
            read_prompt("knight with a sword").subject,
            Subject::Humanoid
        );
        assert_eq!(read_prompt("Sword of the Knight").subject, Subject::Sword);
        assert_eq!(read_prompt("three SLIMES").subject, Subject::Creature);
        assert_eq!(read_prompt("bushes").subject, Subject::Bush);
        assert_eq!(read_prompt("something odd").subject, Subject::Creature);
        assert_eq!(read_prompt("").subject, Subject::Creature);
    }

    #[test]
    fn colour_words_are_read_in_order_by_canonical_name() {
        assert_eq!(read_prompt("red slime").colors, ["red"]);
        assert_eq!(
            read_prompt("grey knight with golden plume").colors,
            ["gray", "gold"]
        );
        let all = "red orange yellow green blue purple violet pink brown gray grey black white gold silver cyan teal";
        assert_eq!(
            read_prompt(all).colors,
            [
                "red", "orange", "yellow", "green", "blue", "purple", "purple", "pink", "brown",
                "gray", "gray", "black", "white", "gold", "silver", "cyan", "teal"
            ]
        );
        assert!(read_prompt("a knight").colors.is_empty());
    }

    #[test]
    fn colour_words_set_the_main_colour() {
        let mean_rgb = |prompt: &str| {
            let image = generate(prompt, 1, 32, 32);
            let opaque: Vec<_> = image.pixels().filter(|p| p.0[3] == 255).collect();
            let sum = |i: usize| {
                opaque.iter().map(|p| u32::from(p.0[i])).sum::<u32>() / opaque.len() as u32
            };
            [sum(0), sum(1), sum(2)]
        };
        let [r, g, b] = mean_rgb("red slime");
        assert!(r > g + 40 && r > b + 40, "red slime averages {r},{g},{b}");
        let [r, g, b] = mean_rgb("blue slime");
        assert!(b > r + 40 && b > g + 20, "blue slime averages {r},{g},{b}");
        let dark = mean_rgb("dark blue slime");
        let light = mean_rgb("light blue slime");
        assert!(dark.iter().sum::<u32>() < light.iter().sum::<u32>());
    }

    #[test]
    fn sprites_have_a_transparent_background_and_only_opaque_or_clear_pixels() {
        for &(prompt, _) in SPRITES {
            for seed in 0..4 {
                let image = generate(prompt, seed, 32, 32);
                for (x, y) in [(0, 0), (31, 0), (0, 31), (31, 31)] {
                    assert_eq!(
                        alpha(&image, x, y),
                        0,
                        "{prompt} seed {seed} corner ({x},{y})"
                    );
                }
                assert!(
                    image.pixels().all(|p| p.0[3] == 0 || p.0[3] == 255),
                    "{prompt}"
                );
                let drawn = image.pixels().filter(|p| p.0[3] == 255).count();
                assert!(
                    drawn > 32 * 32 / 6,
                    "{prompt} seed {seed} draws only {drawn} pixels"
                );
            }
        }
    }

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
    fn everything_has_at_least_three_shading_tones() {
        for &(prompt, _) in SPRITES.iter().chain(TILES) {
            for size in [16, 32, 64] {
                let colours = opaque_colours(&generate(prompt, 5, size, size));
                assert!(
                    colours.len() > 3,
                    "{prompt} at {size}: {} colours",
                    colours.len()
                );
            }
        }
    }

    #[test]
    fn mirrored_subjects_have_symmetric_silhouettes() {
        for &(prompt, _) in SPRITES
            .iter()
            .filter(|(_, subject)| *subject != Subject::Key)
        {
            for seed in 0..4 {
                for size in [15, 16, 32, 33, 64] {
                    let image = generate(prompt, seed, size, size);
                    for y in 0..size {
                        for x in 0..size / 2 {
                            assert_eq!(
                                alpha(&image, x, y),
                                alpha(&image, size - 1 - x, y),
                                "{prompt} seed {seed} size {size} at ({x},{y})"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_silhouette_is_ringed_by_one_dark_outline_colour() {
        for &(prompt, _) in SPRITES {
            for seed in 0..4 {
                for size in [16, 32, 64, 20] {
                    let image = generate(prompt, seed, size, size);
                    let mut edge = std::collections::HashSet::new();
                    for (x, y, pixel) in image.enumerate_pixels() {
                        let clear = |dx: i64, dy: i64| {
                            let (nx, ny) = (i64::from(x) + dx, i64::from(y) + dy);
                            nx < 0
                                || ny < 0
                                || nx >= i64::from(size)
                                || ny >= i64::from(size)
                                || alpha(&image, nx as u32, ny as u32) == 0
                        };
                        if pixel.0[3] == 255
                            && (clear(-1, 0) || clear(1, 0) || clear(0, -1) || clear(0, 1))
                        {
                            edge.insert(pixel.0);
                        }
                    }
                    assert_eq!(
                        edge.len(),
                        1,
                        "{prompt} seed {seed} size {size}: edge colours {edge:?}"
                    );
                    let [r, g, b, _] = edge.into_iter().next().unwrap();
                    let luma = 0.3 * f32::from(r) + 0.59 * f32::from(g) + 0.11 * f32::from(b);
                    assert!(luma < 60.0, "{prompt}: outline luma {luma}");
                }
            }
        }
    }

    #[test]
    fn any_size_draws_without_panicking() {
        for &(prompt, _) in SPRITES.iter().chain(TILES) {
            for size in 0..=8 {
                let image = generate(prompt, 0, size, size);
                assert_eq!(image.dimensions(), (size, size));
            }
            for (w, h) in [(256, 256), (8, 256), (256, 8), (17, 64), (64, 17), (1, 9)] {
                assert_eq!(
                    generate(prompt, 0, w, h).dimensions(),
                    (w, h),
                    "{prompt} {w}x{h}"
                );
            }
        }
    }

    #[test]
    fn non_square_sprites_sit_in_the_centred_square() {
        let wide = generate("knight", 2, 48, 32);
        let square = generate("knight", 2, 32, 32);
        for y in 0..32 {
            for x in 0..32 {
                assert_eq!(wide.get_pixel(x + 8, y), square.get_pixel(x, y));
            }
        }
        assert!((0..32).all(|y| alpha(&wide, 0, y) == 0 && alpha(&wide, 47, y) == 0));
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
}
