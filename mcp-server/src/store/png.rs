//! PNG encoding of finished sprites, in memory.

use image::RgbaImage;

/// Encodes RGBA8 as PNG in memory.
pub fn encode_png(image: &RgbaImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encoding an in-memory RGBA8 PNG cannot fail");
    bytes
}
