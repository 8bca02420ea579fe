//! Sprite sheets: same-sized frames laid out in one row, as the Bevy plugin plays them.

use image::RgbaImage;

use crate::store::SheetFrames;

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
