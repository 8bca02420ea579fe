//! How sure grid detection is, in a figure and in words, so a caller can tell a found grid from a guess and
//! force the cell size when the guess is wrong.

use std::fmt;

use super::Grid;

/// Confidence below which a detected grid is reported as unsure.
pub const UNSURE: f32 = 0.5;

/// A grid and how it was found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridFit {
    pub grid: Grid,
    /// 0–1. 1 for a clean integer upscale read exactly or a cell size given by the caller; for a fitted
    /// grid, how far it stands above the next different grid and above chance; low when no grid fits but
    /// one nearly did. Below [`UNSURE`] the result is a guess.
    pub confidence: f32,
    pub verdict: Verdict,
}

/// What grid detection concluded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// Colours change only on cell boundaries: the cell is read exactly.
    Exact,
    /// A grid fits far beyond chance; `runner_up` is the next different cell size that fits at all.
    Fitted { runner_up: Option<f32> },
    /// No grid fits: the picture is taken as one pixel per cell. `near_miss` is the cell size of a grid
    /// that fitted the edges but not the colours inside its cells, if one did.
    NoGrid { near_miss: Option<f32> },
    /// The caller gave the cell size; only the phase was found.
    Given,
}

impl GridFit {
    /// Whether the grid is a guess the caller should check (see [`UNSURE`]).
    pub fn is_unsure(&self) -> bool {
        self.confidence < UNSURE
    }

    pub(super) fn given(grid: Grid) -> GridFit {
        GridFit {
            grid,
            confidence: 1.0,
            verdict: Verdict::Given,
        }
    }
}

/// One line for a person: the cell size and phase, the confidence, and when unsure, why and what to do.
impl fmt::Display for GridFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = &self.grid;
        match self.verdict {
            Verdict::NoGrid { .. } => write!(f, "no pixel grid found, taken as 1 px per cell")?,
            _ if g.cell != g.cell_y => write!(
                f,
                "{:.2} × {:.2} px per cell, phase ({:.1}, {:.1})",
                g.cell, g.cell_y, g.phase_x, g.phase_y
            )?,
            _ => write!(
                f,
                "{:.2} px per cell, phase ({:.1}, {:.1})",
                g.cell, g.phase_x, g.phase_y
            )?,
        }
        let how = match self.verdict {
            Verdict::Exact => "read exactly, ",
            Verdict::Given => "cell size given, ",
            Verdict::Fitted { .. } => "fitted, ",
            Verdict::NoGrid { .. } => "",
        };
        write!(f, " ({how}confidence {:.2})", self.confidence)?;
        if self.is_unsure() {
            match self.verdict {
                Verdict::Fitted {
                    runner_up: Some(other),
                } => write!(
                    f,
                    "; unsure: {other:.2} px per cell fits about as well; give the cell size to choose"
                )?,
                Verdict::NoGrid {
                    near_miss: Some(other),
                } => write!(
                    f,
                    "; unsure: {other:.2} px per cell nearly fits; give the cell size if the picture is upscaled"
                )?,
                Verdict::NoGrid { near_miss: None } => write!(
                    f,
                    "; unsure: a picture this large is rarely pixel art at 1 px per cell; give the cell size if it is upscaled"
                )?,
                _ => write!(
                    f,
                    "; unsure: the grid barely stands out from chance; give the cell size if it is wrong"
                )?,
            }
        }
        Ok(())
    }
}
