//! What can go wrong, each variant phrased so the person who asked can fix the request.

/// An error from the pixel pipeline.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PixelError {
    #[error("the image is empty ({width}×{height} pixels); give an image at least 1×1")]
    EmptyImage { width: u32, height: u32 },

    #[error("no palette is named {name:?}; use one of: {}", known.join(", "))]
    UnknownPalette { name: String, known: Vec<String> },

    #[error("{value:?} is not a colour; write colours as #rrggbb, for example #1d2b53")]
    BadHexColor { value: String },

    #[error("dither {value:?} is not known; use one of: none, bayer4, bayer8")]
    UnknownDither { value: String },

    #[error(
        "{axis} {value} is out of range; give between 1 and {max} source pixels per sprite pixel"
    )]
    CellOutOfRange {
        /// "cell size" (the width, and the height of square cells) or "cell height".
        axis: &'static str,
        value: f32,
        max: f32,
    },

    #[error("a cell height needs the cell width too; give both for cells that are not square")]
    CellHeightWithoutWidth,

    #[error("a palette needs at least one colour")]
    EmptyPalette,

    #[error("colour count {k} is out of range; choose between 2 and 256")]
    ColorCountOutOfRange { k: usize },

    #[error("target {axis} {value} is out of range; choose between 1 and {max} pixels")]
    SizeOutOfRange {
        axis: &'static str,
        value: u32,
        max: u32,
    },

    #[error(
        "nothing is left once the background is removed; give an image with a subject on a plainer background, \
         or keep the background (transparent = false)"
    )]
    NoSubject,

    #[error("image {index} of the batch: {source}")]
    BatchItem {
        index: usize,
        source: Box<PixelError>,
    },
}
