//! The canvas painters draw on: cells that are empty, outline ink or a tone of a colour ramp, addressed in
//! design units (`P`) for sprites and in pixels for tiles, and the shapes painters test points against.

use image::{Rgba, RgbaImage};

use crate::color::{Ramp, ink, ramp};
use crate::light::{lit, tone};
use crate::placement::{Affine, Placement};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell {
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
pub(crate) struct P {
    pub(crate) x: f32,
    pub(crate) ax: f32,
    pub(crate) y: f32,
}

impl P {
    /// Horizontal offset from the nearer of a mirrored pair of centres at `x = ±cx`, signed so that shading
    /// still comes from the left on both sides.
    pub(crate) fn pair(self, cx: f32) -> f32 {
        if self.x < 0.0 {
            cx - self.ax
        } else {
            self.ax - cx
        }
    }
}

/// The inverse of the figure's and the current part's placements, ready to map canvas pixels to design points.
#[derive(Clone, Copy)]
struct Mapping {
    figure_shift: (i64, i64),
    figure: Option<Affine>,
    part_shift: (i64, i64),
    part: Option<Affine>,
}

impl Mapping {
    fn new(figure: Placement, part: Placement) -> Self {
        let wide = |(x, y): (i32, i32)| (i64::from(x), i64::from(y));
        Self {
            figure_shift: wide(figure.shift),
            figure: figure.motion.map(Affine::inverse),
            part_shift: wide(part.shift),
            part: part.motion.map(Affine::inverse),
        }
    }
}

/// Cells of a sprite or tile, the colour ramps they use, and the outline colour.
pub(crate) struct Canvas {
    width: usize,
    height: usize,
    cells: Vec<Cell>,
    ramps: Vec<Ramp>,
    ink: [u8; 3],
    figure: Placement,
    mapping: Mapping,
}

impl Canvas {
    /// An empty canvas whose outline is derived from `main`, the sprite's main colour.
    pub(crate) fn new(width: usize, height: usize, main: [u8; 3]) -> Self {
        Self {
            width,
            height,
            cells: vec![Cell::Empty; width * height],
            ramps: Vec::new(),
            ink: ink(main),
            figure: Placement::STILL,
            mapping: Mapping::new(Placement::STILL, Placement::STILL),
        }
    }

    /// Places the whole figure; every part drawn afterwards is placed relative to it.
    pub(crate) fn place_figure(&mut self, figure: Placement) {
        self.figure = figure;
        self.mapping = Mapping::new(figure, Placement::STILL);
    }

    /// Places the part drawn next, within the figure.
    pub(crate) fn place(&mut self, part: Placement) {
        self.mapping = Mapping::new(self.figure, part);
    }

    pub(crate) fn ramp(&mut self, base: [u8; 3]) -> usize {
        self.ramps.push(ramp(base));
        self.ramps.len() - 1
    }

    /// The canvas's height in pixels (its width, for a sprite's square canvas).
    pub(crate) fn size(&self) -> usize {
        self.height
    }

    /// The size of one pixel in design units.
    pub(crate) fn unit(&self) -> f32 {
        1.0 / self.width.saturating_sub(2).max(1) as f32
    }

    /// Sets every pixel inside the margin for which `shape` says so. Mirroring is exact because both pixels
    /// of a mirrored pair get the same `ax`.
    fn apply(&mut self, only_over_paint: bool, shape: impl Fn(P) -> Option<Cell>) {
        let size = self.width;
        let unit = self.unit();
        let m = self.mapping;
        let (mut sx, mut sy) = m.figure_shift;
        if m.figure.is_none() {
            sx += m.part_shift.0;
            sy += m.part_shift.1;
        }
        let wide = size as i64;
        for py in 1..size.saturating_sub(1) {
            for px in 1..size - 1 {
                let index = py * size + px;
                if only_over_paint && self.cells[index] == Cell::Empty {
                    continue;
                }
                let (qx, qy) = (px as i64 - sx, py as i64 - sy);
                let folded = qx.min(wide - 1 - qx);
                let ax = (size as f32 / 2.0 - folded as f32 - 0.5) * unit;
                let x = if 2 * qx + 1 < wide { -ax } else { ax };
                let y = (qy as f32 - 0.5) * unit;
                let mut p = P { x, ax, y };
                if let Some(figure) = m.figure {
                    let (x, y) = figure.apply(p.x, p.y);
                    let (x, y) = (
                        x - m.part_shift.0 as f32 * unit,
                        y - m.part_shift.1 as f32 * unit,
                    );
                    p = P { x, ax: x.abs(), y };
                }
                if let Some(part) = m.part {
                    let (x, y) = part.apply(p.x, p.y);
                    p = P { x, ax: x.abs(), y };
                }
                if let Some(cell) = shape(p) {
                    self.cells[index] = cell;
                }
            }
        }
    }

    /// Paints `shape` (which returns the brightness inside it) with `ramp`.
    pub(crate) fn fill(&mut self, ramp: usize, shape: impl Fn(P) -> Option<f32>) {
        self.apply(false, |p| {
            shape(p).map(|light| Cell::Paint {
                ramp,
                tone: tone(light),
            })
        });
    }

    /// Like `fill`, but only over what is already drawn, so the silhouette stays as it is.
    pub(crate) fn overlay(&mut self, ramp: usize, shape: impl Fn(P) -> Option<f32>) {
        self.apply(true, |p| {
            shape(p).map(|light| Cell::Paint {
                ramp,
                tone: tone(light),
            })
        });
    }

    pub(crate) fn ink_in(&mut self, shape: impl Fn(P) -> bool) {
        self.apply(false, |p| shape(p).then_some(Cell::Ink));
    }

    /// Like `ink_in`, but only over what is already drawn: a mouth stays on its face however the face turns.
    pub(crate) fn ink_over(&mut self, shape: impl Fn(P) -> bool) {
        self.apply(true, |p| shape(p).then_some(Cell::Ink));
    }

    pub(crate) fn erase(&mut self, shape: impl Fn(P) -> bool) {
        self.apply(false, |p| shape(p).then_some(Cell::Empty));
    }

    /// Rings the silhouette with the outline colour: every empty pixel next to a drawn one (4-neighbourhood).
    pub(crate) fn outline(&mut self) {
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

    /// Changes the tone of every painted cell to `tone(x, y, current)`: a flash, a glint.
    pub(crate) fn retone(&mut self, tone: impl Fn(usize, usize, u8) -> u8) {
        for (index, cell) in self.cells.iter_mut().enumerate() {
            if let Cell::Paint {
                ramp,
                tone: current,
            } = *cell
            {
                let (x, y) = (index % self.width, index / self.width);
                *cell = Cell::Paint {
                    ramp,
                    tone: tone(x, y, current),
                };
            }
        }
    }

    /// Moves cells: each cell becomes the one at `from(x, y)`, or empty when that is off the canvas or in its
    /// outline margin.
    pub(crate) fn remap(&mut self, from: impl Fn(usize, usize) -> (i64, i64)) {
        let before = self.cells.clone();
        let (w, h) = (self.width as i64, self.height as i64);
        for (index, cell) in self.cells.iter_mut().enumerate() {
            let (x, y) = from(index % self.width, index / self.width);
            let inside = x >= 1 && y >= 1 && x < w - 1 && y < h - 1;
            *cell = if inside {
                before[(y * w + x) as usize]
            } else {
                Cell::Empty
            };
        }
    }

    /// The smallest box (left, top, right, bottom, inclusive) holding every drawn cell.
    pub(crate) fn bounds(&self) -> Option<(usize, usize, usize, usize)> {
        let drawn = |index: &usize| self.cells[*index] != Cell::Empty;
        let (first, last) = (
            (0..self.cells.len()).find(drawn)?,
            (0..self.cells.len()).rev().find(drawn)?,
        );
        let columns = (0..self.cells.len())
            .filter(drawn)
            .map(|index| index % self.width);
        let (left, right) = columns.fold((usize::MAX, 0), |(l, r), x| (l.min(x), r.max(x)));
        Some((left, first / self.width, right, last / self.width))
    }

    /// Every colour the canvas can draw with: the outline, then each ramp's tones.
    pub(crate) fn colours(&self) -> Vec<[u8; 3]> {
        let mut colours = vec![self.ink];
        for tone in self.ramps.iter().flatten() {
            if !colours.contains(tone) {
                colours.push(*tone);
            }
        }
        colours
    }

    pub(crate) fn set(&mut self, x: usize, y: usize, cell: Cell) {
        self.cells[y * self.width + x] = cell;
    }

    /// Sets a pixel of a tile, wrapping around its edges so features that cross one continue on the other side.
    pub(crate) fn set_wrapped(&mut self, x: i64, y: i64, cell: Cell) {
        let x = x.rem_euclid(self.width as i64) as usize;
        let y = y.rem_euclid(self.height as i64) as usize;
        self.set(x, y, cell);
    }

    pub(crate) fn get_wrapped(&self, x: i64, y: i64) -> Cell {
        let x = x.rem_euclid(self.width as i64) as usize;
        let y = y.rem_euclid(self.height as i64) as usize;
        self.cells[y * self.width + x]
    }

    /// The colour `cell` is drawn in; `None` for an empty cell.
    pub(crate) fn rgb(&self, cell: Cell) -> Option<[u8; 3]> {
        match cell {
            Cell::Empty => None,
            Cell::Ink => Some(self.ink),
            Cell::Paint { ramp, tone } => Some(self.ramps[ramp][usize::from(tone)]),
        }
    }

    pub(crate) fn render(&self, image: &mut RgbaImage, left: usize, top: usize) {
        for (index, &cell) in self.cells.iter().enumerate() {
            let Some([r, g, b]) = self.rgb(cell) else {
                continue;
            };
            let (x, y) = (left + index % self.width, top + index / self.width);
            image.put_pixel(x as u32, y as u32, Rgba([r, g, b, 255]));
        }
    }
}

/// A shaded ellipse (a sphere seen from the front), or `None` outside it.
pub(crate) fn ellipse(dx: f32, dy: f32, rx: f32, ry: f32) -> Option<f32> {
    let (nx, ny) = (dx / rx, dy / ry);
    (nx * nx + ny * ny <= 1.0).then(|| lit(nx, ny))
}

/// Even-odd point-in-polygon test.
pub(crate) fn in_polygon(x: f32, y: f32, polygon: &[(f32, f32)]) -> bool {
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

/// A rectangle `count` pixels wide starting at design coordinate `start`, tested half-open so it covers
/// exactly `count` pixel centres.
pub(crate) fn span(value: f32, start: f32, width: f32) -> bool {
    value >= start && value < start + width
}
