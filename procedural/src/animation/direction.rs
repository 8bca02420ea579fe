//! Which way a figure faces on screen, and the view that is.

use std::f32::consts::FRAC_1_SQRT_2;

use crate::pose::View;

/// The way a figure faces, seen from a camera to the south: `South` faces the viewer, `North` shows its back,
/// `East` faces screen-right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    South,
    East,
    North,
    West,
    SouthEast,
    NorthEast,
    NorthWest,
    SouthWest,
}

impl Direction {
    /// The rows of a four-direction character sheet, top to bottom.
    pub const FOUR: [Self; 4] = [Self::South, Self::East, Self::North, Self::West];
    /// The rows of an eight-direction sheet: the four, then the diagonals.
    pub const EIGHT: [Self; 8] = [
        Self::South,
        Self::East,
        Self::North,
        Self::West,
        Self::SouthEast,
        Self::NorthEast,
        Self::NorthWest,
        Self::SouthWest,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::South => "south",
            Self::East => "east",
            Self::North => "north",
            Self::West => "west",
            Self::SouthEast => "south_east",
            Self::NorthEast => "north_east",
            Self::NorthWest => "north_west",
            Self::SouthWest => "south_west",
        }
    }

    /// The direction named `name`: any case, with or without a separator ("south_east", "south-east",
    /// "southeast"), or a compass abbreviation ("se").
    pub fn from_name(name: &str) -> Option<Self> {
        let joined: String = name
            .trim()
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        Self::EIGHT.into_iter().find(|direction| {
            let full = direction.name().replace('_', "");
            joined == full || joined == direction.abbreviation()
        })
    }

    fn abbreviation(self) -> &'static str {
        match self {
            Self::South => "s",
            Self::East => "e",
            Self::North => "n",
            Self::West => "w",
            Self::SouthEast => "se",
            Self::NorthEast => "ne",
            Self::NorthWest => "nw",
            Self::SouthWest => "sw",
        }
    }

    /// The view of a figure facing this way: its turn clockwise (seen from above) from facing the viewer.
    pub(crate) fn view(self) -> View {
        let h = FRAC_1_SQRT_2;
        let (cos, sin) = match self {
            Self::South => (1.0, 0.0),
            Self::SouthEast => (h, h),
            Self::East => (0.0, 1.0),
            Self::NorthEast => (-h, h),
            Self::North => (-1.0, 0.0),
            Self::NorthWest => (-h, -h),
            Self::West => (0.0, -1.0),
            Self::SouthWest => (h, -h),
        };
        View { cos, sin }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
