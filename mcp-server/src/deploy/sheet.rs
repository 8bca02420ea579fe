//! Sprite sheets: same-sized frames laid out in one row, as the Bevy plugin plays them.

use image::RgbaImage;

use crate::store::SheetFrames;

/// Lays same-sized frames out in rows of `columns`, left to right, top to bottom.
pub fn pack_grid(frames: &[RgbaImage], columns: u32) -> (RgbaImage, SheetFrames) {
    let (w, h) = (frames[0].width(), frames[0].height());
    let columns = columns.max(1);
    let count = frames.len() as u32;
    let rows = count.div_ceil(columns);
    let mut sheet = RgbaImage::new(w * columns, h * rows);
    for (i, frame) in frames.iter().enumerate() {
        let (x, y) = (i as u32 % columns, i as u32 / columns);
        image::imageops::replace(&mut sheet, frame, (x * w) as i64, (y * h) as i64);
    }
    (
        sheet,
        SheetFrames {
            columns,
            rows,
            count,
        },
    )
}

/// Lays same-sized frames out left to right in one row.
pub fn pack_sheet(frames: &[RgbaImage]) -> (RgbaImage, SheetFrames) {
    let (w, h) = (frames[0].width(), frames[0].height());
    let mut sheet = RgbaImage::new(w * frames.len() as u32, h);
    for (i, frame) in frames.iter().enumerate() {
        image::imageops::replace(&mut sheet, frame, i as i64 * w as i64, 0);
    }
    let count = frames.len() as u32;
    (
        sheet,
        SheetFrames {
            columns: count,
            rows: 1,
            count,
        },
    )
}
