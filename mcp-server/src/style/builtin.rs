//! The styles every install has: classic consoles and well-loved palettes.
//!
//! Each sets the palette (or a colour count) and the outline, so the embedded backend already
//! looks the part, and a prompt suffix and negative prompt that steer an SDXL model the same way.
//! No built-in style names a checkpoint or LoRA: those depend on what a user's ComfyUI server has.

/// (name, TOML body) of each built-in style, in the order `list_styles` shows them.
pub(super) const BUILTIN: &[(&str, &str)] = &[
    (
        "gameboy",
        r##"
description = "Game Boy (DMG): four greens, dark outline, chunky 8-bit shading"
palette = "gameboy"
outline = "auto"
prompt_suffix = ", game boy pixel art, four shades of green, 8-bit"
negative_prompt = "photo, realistic, blurry, gradient, many colors"
"##,
    ),
    (
        "nes",
        r##"
description = "NES: the console's 55 colours, flat shading, black outline"
palette = "nes"
outline = "#000000"
prompt_suffix = ", nes pixel art, 8-bit, flat colors"
negative_prompt = "photo, realistic, blurry, gradient"
"##,
    ),
    (
        "pico-8",
        r##"
description = "PICO-8 fantasy console: its 16 colours, dark outline"
palette = "pico-8"
outline = "auto"
prompt_suffix = ", pico-8 pixel art, 16 colors"
negative_prompt = "photo, realistic, blurry, gradient"
"##,
    ),
    (
        "snes",
        r##"
description = "SNES era: up to 32 colours chosen from the image, soft shading, dark outline"
colors = 32
outline = "auto"
prompt_suffix = ", snes pixel art, 16-bit, detailed shading"
negative_prompt = "photo, realistic, blurry"
"##,
    ),
    (
        "1-bit",
        r##"
description = "1-bit: black and white only, black outline (add dither = bayer4 for dithered shading)"
palette = "1-bit"
outline = "#000000"
prompt_suffix = ", 1-bit pixel art, black and white"
negative_prompt = "color, photo, realistic, gradient"
"##,
    ),
    (
        "c64",
        r##"
description = "Commodore 64: its 16 colours, black outline"
palette = "c64"
outline = "#000000"
prompt_suffix = ", commodore 64 pixel art, 8-bit"
negative_prompt = "photo, realistic, blurry, gradient"
"##,
    ),
    (
        "sweetie",
        r##"
description = "Sweetie 16 (the TIC-80 default): warm 16-colour palette, dark outline"
palette = "sweetie-16"
outline = "auto"
prompt_suffix = ", pixel art, 16 colors, vibrant"
negative_prompt = "photo, realistic, blurry"
"##,
    ),
    (
        "endesga",
        r##"
description = "ENDESGA 32: rich 32-colour palette, dark outline"
palette = "endesga-32"
outline = "auto"
prompt_suffix = ", pixel art, 32 colors, detailed"
negative_prompt = "photo, realistic, blurry"
"##,
    ),
];
