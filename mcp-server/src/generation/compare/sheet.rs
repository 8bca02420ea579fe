//! The contact sheet of a comparison: one cell per variant in a grid, each picture scaled by one
//! integer factor (so pixels stay square and sharp) above a label saying what the variant changed.
//!
//! Pure pixel work: the grid is computed from the pictures, then drawn; no I/O.

use image::{Rgba, RgbaImage};

use crate::style::{blit_scaled, draw_text};

/// Space around and between cells, in pixels.
pub const PAD: u32 = 4;
/// Height of one label line: the 8-pixel glyphs and 2 pixels of leading.
pub const LINE: u32 = 10;
/// Longest label, in lines; longer labels are cut.
pub const MAX_LABEL_LINES: u32 = 3;
/// Narrowest cell, so a label has 12 characters a line even under a small sprite.
pub const MIN_CELL_WIDTH: u32 = 96;

/// Behind the cells.
pub const BACKGROUND: Rgba<u8> = Rgba([40, 42, 54, 255]);
/// Behind each picture: a neutral grey, so transparent and dark sprites both show.
pub const PICTURE_BACKGROUND: Rgba<u8> = Rgba([72, 76, 88, 255]);
/// Label text.
pub const LABEL: Rgba<u8> = Rgba([240, 240, 240, 255]);
/// The label of a variant that failed.
pub const FAILED: Rgba<u8> = Rgba([255, 96, 96, 255]);

/// One variant on the sheet: its label, and its picture unless it failed.
#[derive(Debug, Clone)]
pub struct Cell<'a> {
    pub label: String,
    pub picture: Option<&'a RgbaImage>,
}

/// Where everything goes on a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    pub columns: u32,
    pub rows: u32,
    /// Every picture's pixels become `scale`×`scale` squares.
    pub scale: u32,
    pub cell_width: u32,
    /// Height of the picture area of a cell (the tallest picture, scaled).
    pub picture_height: u32,
    pub label_lines: u32,
}

impl Grid {
    /// The grid for `cells` in `columns` columns at `scale`.
    pub fn new(cells: &[Cell<'_>], columns: u32, scale: u32) -> Self {
        Self::with_min_width(cells, columns, scale, MIN_CELL_WIDTH)
    }

    /// The grid with cells at least `min_width` pixels wide (labels wrap to the width).
    fn with_min_width(cells: &[Cell<'_>], columns: u32, scale: u32, min_width: u32) -> Self {
        let columns = columns.clamp(1, cells.len().max(1) as u32);
        let (width, height) = largest_picture(cells);
        let cell_width = (width * scale).max(min_width);
        let label_lines = cells
            .iter()
            .map(|cell| wrap(&cell.label, cell_width / 8).len() as u32)
            .max()
            .unwrap_or(1)
            .clamp(1, MAX_LABEL_LINES);
        Self {
            columns,
            rows: (cells.len() as u32).div_ceil(columns).max(1),
            scale,
            cell_width,
            picture_height: height * scale,
            label_lines,
        }
    }

    /// The scale a stored sheet is drawn at: sprites about 128 px on screen (at most 8×), the
    /// whole sheet at most 2048 px a side.
    pub fn for_sheet(cells: &[Cell<'_>], columns: u32) -> Self {
        let (width, height) = largest_picture(cells);
        let mut scale = (128 / width.max(height).max(1)).clamp(1, 8);
        loop {
            let grid = Self::new(cells, columns, scale);
            let (w, h) = grid.size();
            if scale == 1 || w.max(h) <= 2048 {
                return grid;
            }
            scale -= 1;
        }
    }

    /// The largest scale at which the sheet fits in `side`×`side` (at least 1), with cells
    /// narrower than usual when the columns need it (labels wrap sooner).
    pub fn fitting(cells: &[Cell<'_>], columns: u32, side: u32) -> Self {
        let columns = columns.clamp(1, cells.len().max(1) as u32);
        let room = (side.saturating_sub(PAD) / columns).saturating_sub(PAD);
        let min_width = MIN_CELL_WIDTH.min(room / 8 * 8).max(8);
        (1..=8)
            .rev()
            .map(|scale| Self::with_min_width(cells, columns, scale, min_width))
            .find(|grid| grid.size().0 <= side && grid.size().1 <= side)
            .unwrap_or_else(|| Self::with_min_width(cells, columns, 1, min_width))
    }

    pub fn cell_height(&self) -> u32 {
        self.picture_height + PAD + self.label_lines * LINE
    }

    /// The sheet's width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        (
            PAD + self.columns * (self.cell_width + PAD),
            PAD + self.rows * (self.cell_height() + PAD),
        )
    }

    /// Top-left corner of cell `index` (row by row, left to right).
    pub fn cell_origin(&self, index: usize) -> (u32, u32) {
        let (column, row) = (index as u32 % self.columns, index as u32 / self.columns);
        (
            PAD + column * (self.cell_width + PAD),
            PAD + row * (self.cell_height() + PAD),
        )
    }

    /// Where a picture of `width`×`height` sprite pixels is drawn in cell `index`: centred
    /// across the cell, at the bottom of the picture area (sprites of one set stand on one line).
    pub fn picture_origin(&self, index: usize, width: u32, height: u32) -> (u32, u32) {
        let (x, y) = self.cell_origin(index);
        (
            x + (self.cell_width - width * self.scale) / 2,
            y + self.picture_height - height * self.scale,
        )
    }

    /// Top-left corner of the first label line of cell `index`.
    pub fn label_origin(&self, index: usize) -> (u32, u32) {
        let (x, y) = self.cell_origin(index);
        (x, y + self.picture_height + PAD)
    }
}

/// Draws the sheet: each picture on grey at the grid's scale, each label below it; a failed
/// variant gets its label in red and the word "failed" where its picture would be.
pub fn draw(cells: &[Cell<'_>], grid: &Grid) -> RgbaImage {
    let (width, height) = grid.size();
    let mut sheet = RgbaImage::from_pixel(width, height, BACKGROUND);
    for (index, cell) in cells.iter().enumerate() {
        let (x, y) = grid.cell_origin(index);
        fill(
            &mut sheet,
            (x, y),
            (grid.cell_width, grid.picture_height),
            PICTURE_BACKGROUND,
        );
        let color = match cell.picture {
            Some(picture) => {
                let (px, py) = grid.picture_origin(index, picture.width(), picture.height());
                blit_scaled(&mut sheet, picture, px, py, grid.scale);
                LABEL
            }
            None => {
                draw_text(&mut sheet, "failed", x + 4, y + 4, FAILED);
                FAILED
            }
        };
        let (lx, ly) = grid.label_origin(index);
        let lines = wrap(&cell.label, grid.cell_width / 8);
        for (line, text) in lines.iter().take(grid.label_lines as usize).enumerate() {
            draw_text(&mut sheet, text, lx, ly + line as u32 * LINE, color);
        }
    }
    sheet
}

/// Columns when the caller names none: one row up to 4 variants, else a square-ish grid.
pub fn default_columns(count: usize) -> u32 {
    if count <= 4 {
        count.max(1) as u32
    } else {
        (count as f64).sqrt().ceil() as u32
    }
}

/// `text` in lines of at most `width` characters, broken between words where it can be.
pub fn wrap(text: &str, width: u32) -> Vec<String> {
    let width = width.max(1) as usize;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..width).collect());
        }
        let word: String = word.into_iter().collect();
        if word.is_empty() {
            continue;
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The largest width and height among the pictures (a failed cell counts as 32×32).
fn largest_picture(cells: &[Cell<'_>]) -> (u32, u32) {
    cells
        .iter()
        .map(|cell| cell.picture.map_or((32, 32), RgbaImage::dimensions))
        .fold((1, 1), |(w, h), (pw, ph)| (w.max(pw), h.max(ph)))
}

fn fill(image: &mut RgbaImage, (x, y): (u32, u32), (w, h): (u32, u32), color: Rgba<u8>) {
    for py in y..(y + h).min(image.height()) {
        for px in x..(x + w).min(image.width()) {
            image.put_pixel(px, py, color);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sprite(width: u32, height: u32, color: [u8; 3]) -> RgbaImage {
        let [r, g, b] = color;
        RgbaImage::from_fn(width, height, |x, y| {
            // A transparent corner pixel, to see the background through it.
            if x == 0 && y == 0 {
                Rgba([0, 0, 0, 0])
            } else {
                Rgba([r, g, b, 255])
            }
        })
    }

    fn cells(pictures: &[RgbaImage]) -> Vec<Cell<'_>> {
        pictures
            .iter()
            .enumerate()
            .map(|(i, picture)| Cell {
                label: format!("{} v{i}", i + 1),
                picture: Some(picture),
            })
            .collect()
    }

    #[test]
    fn four_variants_sit_in_one_row_at_an_integer_scale() {
        let pictures: Vec<RgbaImage> = (0..4)
            .map(|i| sprite(16, 16, [50 * i as u8 + 40, 200, 30]))
            .collect();
        let cells = cells(&pictures);
        let grid = Grid::new(&cells, default_columns(4), 4);
        assert_eq!((grid.columns, grid.rows), (4, 1));
        assert_eq!(
            grid.cell_width, MIN_CELL_WIDTH,
            "64 px sprites in 96 px cells"
        );
        let sheet = draw(&cells, &grid);
        assert_eq!(sheet.dimensions(), grid.size());
        assert_eq!(
            grid.size(),
            (PAD + 4 * (96 + PAD), PAD + 64 + PAD + LINE + PAD)
        );
        for (index, picture) in pictures.iter().enumerate() {
            let (x, y) = grid.picture_origin(index, 16, 16);
            assert_eq!((x, y), (PAD + index as u32 * (96 + PAD) + 16, PAD));
            // Every sprite pixel is a 4×4 square of its colour.
            for (sx, sy, pixel) in picture.enumerate_pixels() {
                for (dx, dy) in [(0, 0), (3, 0), (0, 3), (3, 3)] {
                    let drawn = sheet.get_pixel(x + sx * 4 + dx, y + sy * 4 + dy);
                    let expected = if pixel[3] == 0 {
                        PICTURE_BACKGROUND
                    } else {
                        *pixel
                    };
                    assert_eq!(*drawn, expected, "variant {index} pixel ({sx}, {sy})");
                }
            }
            // Left of the centred sprite is the picture background, not the sprite.
            assert_eq!(*sheet.get_pixel(x - 1, y + 8), PICTURE_BACKGROUND);
        }
    }

    #[test]
    fn labels_are_drawn_in_the_bitmap_font_under_each_picture() {
        let pictures = vec![sprite(16, 16, [10, 10, 200]), sprite(16, 16, [10, 200, 10])];
        let cells = cells(&pictures);
        let grid = Grid::new(&cells, 2, 2);
        let sheet = draw(&cells, &grid);
        for index in 0..2 {
            let (lx, ly) = grid.label_origin(index);
            // The first glyph is the variant's number, drawn exactly as font8x8 has it.
            let digit = b'1' + index as u8;
            let glyph = font8x8::legacy::BASIC_LEGACY[digit as usize];
            for (dy, bits) in glyph.iter().enumerate() {
                for dx in 0..8 {
                    let lit = bits >> dx & 1 == 1;
                    let pixel = *sheet.get_pixel(lx + dx, ly + dy as u32);
                    assert_eq!(pixel == LABEL, lit, "cell {index} glyph ({dx}, {dy})");
                }
            }
        }
    }

    #[test]
    fn a_failed_variant_is_labelled_in_red() {
        let picture = sprite(16, 16, [1, 2, 3]);
        let cells = vec![
            Cell {
                label: "1 ok".into(),
                picture: Some(&picture),
            },
            Cell {
                label: "2 broken".into(),
                picture: None,
            },
        ];
        let grid = Grid::new(&cells, 2, 2);
        let sheet = draw(&cells, &grid);
        let (lx, ly) = grid.label_origin(1);
        let red = (lx..lx + 64)
            .flat_map(|x| (ly..ly + 8).map(move |y| (x, y)))
            .filter(|&(x, y)| *sheet.get_pixel(x, y) == FAILED)
            .count();
        assert!(red > 10, "{red} red label pixels");
    }

    #[test]
    fn grids_wrap_into_rows_and_fit_a_preview() {
        let pictures: Vec<RgbaImage> = (0..9).map(|_| sprite(32, 32, [9, 9, 9])).collect();
        let cells = cells(&pictures);
        assert_eq!(default_columns(9), 3);
        let grid = Grid::new(&cells, 3, 1);
        assert_eq!((grid.columns, grid.rows), (3, 3));
        assert_eq!(
            grid.cell_origin(4),
            (PAD + 96 + PAD, PAD + grid.cell_height() + PAD)
        );
        let stored = Grid::for_sheet(&cells, 3);
        assert_eq!(stored.scale, 4);
        let two = cells[..2].to_vec();
        let preview = Grid::fitting(&two, 2, 256);
        let (w, h) = preview.size();
        assert!(w <= 256 && h <= 256, "{w}×{h}");
        assert_eq!(preview.scale, 3);
        // Four in a row fit a preview with narrower cells.
        let four = cells[..4].to_vec();
        let preview = Grid::fitting(&four, 4, 256);
        assert!(preview.size().0 <= 256, "{:?}", preview.size());
        assert_eq!((preview.scale, preview.cell_width), (1, 56));
    }

    #[test]
    fn labels_wrap_between_words() {
        assert_eq!(
            wrap("1 comfyui sd_xl 20 steps", 12),
            ["1 comfyui", "sd_xl 20", "steps"]
        );
        assert_eq!(wrap("abcdefghijklmno", 6), ["abcdef", "ghijkl", "mno"]);
        assert_eq!(wrap("", 6), [""]);
    }
}
