//! Sprites on the terminal, pixel-perfect: each sprite pixel becomes a whole block of terminal
//! pixels (a half block, or a square of real pixels with Sixel, Kitty or iTerm2), never resampled.

use std::collections::HashMap;

use image::{DynamicImage, Rgba, RgbaImage};
use ratatui::Frame;
use ratatui::layout::{Rect, Size};
use ratatui_image::Image;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::Protocol;
use ratatui_image::protocol::halfblocks::Halfblocks;

/// Behind transparent pixels.
const BACKGROUND: Rgba<u8> = Rgba([44, 46, 58, 255]);
/// Pictures kept encoded; more are dropped (a redraw encodes them again).
const CACHE_LIMIT: usize = 64;

/// How pictures reach the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProtocolChoice {
    /// Ask the terminal (Sixel, Kitty, iTerm2), else Unicode half blocks.
    Auto,
    /// Unicode half blocks, two pixels a cell: any terminal, tmux, SSH, screen captures.
    Halfblocks,
}

/// Encoded pictures, by sprite and area.
pub struct Pictures {
    picker: Picker,
    cache: HashMap<(String, u16, u16), Protocol>,
}

impl Pictures {
    /// Queries the terminal when asked to; call after entering the alternate screen and before
    /// reading events.
    pub fn new(choice: ProtocolChoice) -> Self {
        let picker = match choice {
            ProtocolChoice::Halfblocks => Picker::halfblocks(),
            ProtocolChoice::Auto => {
                Picker::from_query_stdio().unwrap_or_else(|_| Picker::halfblocks())
            }
        };
        Self {
            picker,
            cache: HashMap::new(),
        }
    }

    /// The protocol in use, for the title bar.
    pub fn protocol_name(&self) -> &'static str {
        match self.picker.protocol_type() {
            ProtocolType::Halfblocks => "half blocks",
            ProtocolType::Sixel => "sixel",
            ProtocolType::Kitty => "kitty",
            ProtocolType::Iterm2 => "iterm2",
        }
    }

    /// Draws `image` (known as `key`) as large as fits in `area` at an integer scale, centred.
    pub fn render(
        &mut self,
        frame: &mut Frame<'_>,
        area: Rect,
        key: &str,
        image: impl FnOnce() -> Option<RgbaImage>,
    ) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        if self.cache.len() > CACHE_LIMIT {
            self.cache.clear();
        }
        let cache_key = (key.to_owned(), area.width, area.height);
        if !self.cache.contains_key(&cache_key) {
            let Some(image) = image() else { return };
            let Some(protocol) = self.encode(&image, area) else {
                return;
            };
            self.cache.insert(cache_key.clone(), protocol);
        }
        let protocol = &self.cache[&cache_key];
        let size = protocol.size();
        let centred = Rect {
            x: area.x + area.width.saturating_sub(size.width) / 2,
            y: area.y + area.height.saturating_sub(size.height) / 2,
            width: size.width.min(area.width),
            height: size.height.min(area.height),
        };
        frame.render_widget(Image::new(protocol), centred);
    }

    fn encode(&self, image: &RgbaImage, area: Rect) -> Option<Protocol> {
        let halfblocks = self.picker.protocol_type() == ProtocolType::Halfblocks;
        let cell = if halfblocks {
            (1, 2)
        } else {
            let font = self.picker.font_size();
            (u32::from(font.width.max(1)), u32::from(font.height.max(1)))
        };
        let fitted = fit(image, (u32::from(area.width), u32::from(area.height)), cell);
        let size = Size::new(
            (fitted.width() / cell.0) as u16,
            (fitted.height() / cell.1) as u16,
        );
        let fitted = DynamicImage::ImageRgba8(fitted);
        if halfblocks {
            Halfblocks::new(fitted, size).ok().map(Protocol::Halfblocks)
        } else {
            self.picker
                .new_protocol(fitted, size, ratatui_image::Resize::Fit(None))
                .ok()
        }
    }
}

/// `image` scaled by the largest integer that fits `cells` terminal cells of `cell` pixels
/// (sampled down by an integer step when it does not fit at all), on a solid background, padded
/// to whole cells.
pub fn fit(image: &RgbaImage, cells: (u32, u32), cell: (u32, u32)) -> RgbaImage {
    let (room_w, room_h) = (cells.0 * cell.0, cells.1 * cell.1);
    let (w, h) = image.dimensions();
    let (scale, step) = match (room_w / w.max(1)).min(room_h / h.max(1)) {
        0 => (1, w.div_ceil(room_w.max(1)).max(h.div_ceil(room_h.max(1)))),
        scale => (scale, 1),
    };
    let (sw, sh) = ((w / step).max(1) * scale, (h / step).max(1) * scale);
    let (out_w, out_h) = (sw.div_ceil(cell.0) * cell.0, sh.div_ceil(cell.1) * cell.1);
    let (left, top) = ((out_w - sw) / 2, (out_h - sh) / 2);
    RgbaImage::from_fn(out_w, out_h, |x, y| {
        if x < left || y < top || x >= left + sw || y >= top + sh {
            return BACKGROUND;
        }
        let (sx, sy) = ((x - left) / scale * step, (y - top) / scale * step);
        let pixel = image.get_pixel(sx.min(w - 1), sy.min(h - 1));
        let a = u16::from(pixel[3]);
        let mix = |i: usize| {
            ((u16::from(pixel[i]) * a + u16::from(BACKGROUND[i]) * (255 - a)) / 255) as u8
        };
        Rgba([mix(0), mix(1), mix(2), 255])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sprite_fills_the_area_at_an_integer_scale_in_whole_cells() {
        let sprite = RgbaImage::from_fn(16, 16, |x, _| Rgba([x as u8 * 10, 0, 0, 255]));
        // 40×20 half-block cells hold 40×40 pixels: scale 2.
        let fitted = fit(&sprite, (40, 20), (1, 2));
        assert_eq!(fitted.dimensions(), (32, 32));
        assert_eq!(fitted.get_pixel(2, 0)[0], 10);
        assert_eq!(fitted.get_pixel(3, 31)[0], 10);
        // With 9×18 pixel cells and odd room, the picture is padded to whole cells.
        let fitted = fit(&sprite, (10, 5), (9, 18));
        assert_eq!(fitted.dimensions(), (81, 90));
        assert_eq!(*fitted.get_pixel(0, 0), BACKGROUND);
        // Too big for the room: sampled by a whole step, still sharp.
        let fitted = fit(&sprite, (4, 4), (1, 2));
        assert_eq!(fitted.dimensions(), (4, 4));
        assert_eq!(fitted.get_pixel(1, 0)[0], 40);
    }
}
