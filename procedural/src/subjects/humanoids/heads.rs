//! Heads: a knight's helmet, a wizard's face and hat, a hero's face and hair. Heads are spheres: a feature
//! that sits on the front (a face, an eye, a visor) is shown where that part of the sphere faces the viewer,
//! so a turned head shows it moved round towards the side it faces, and the back of the head shows none.

use super::body::{NEAR, Stance};
use super::{Humanoid, Plume};
use crate::canvas::{Canvas, P, ellipse, span};
use crate::light::{BASE, LIT, lit};
use crate::placement::{Affine, Placement};
use crate::pose::SIDES;
use crate::subjects::eyes::{Bulb, EyeStyle, eyes_on};

/// A head's sphere: its centre height, half-width (and depth) and half-height.
#[derive(Clone, Copy)]
struct Head {
    cy: f32,
    r: f32,
    ry: f32,
}

impl Head {
    fn bulb(self) -> Bulb {
        Bulb {
            cy: self.cy,
            r: self.r,
            depth: self.r,
            ry: self.ry,
            peek: 0.2,
        }
    }
}

/// A pair of eyes at `u = ±dx` on `head`, as the still sprite has them from the front.
fn face_eyes(c: &mut Canvas, st: &Stance, white: usize, eye_box: (f32, f32, f32, f32), head: Head) {
    eyes_on(
        c,
        white,
        (st.view, st.head()),
        eye_box,
        EyeStyle::Dot,
        head.bulb(),
    );
}

fn face(c: &mut Canvas, st: &Stance, h: &Humanoid, head: Head) {
    c.place(st.head());
    c.fill(h.skin, |p| ellipse(p.x, p.y - head.cy, head.r, head.ry));
    face_eyes(
        c,
        st,
        h.white,
        (head.r * 0.42, head.cy + head.ry * 0.2, 0.06, 0.1),
        head,
    );
}

pub(super) fn knight(
    c: &mut Canvas,
    st: &Stance,
    h: &Humanoid,
    plume: Plume,
    horn: Option<usize>,
    open_face: bool,
    crest: usize,
) {
    let (view, unit) = (st.view, st.unit);
    let face = view.face();
    let helmet = Head {
        cy: 0.28,
        r: 0.26,
        ry: 0.24,
    };
    let near_horn = |side: usize| view.z(SIDES[side] * 0.3, 0.0) > NEAR;
    if let Some(ramp) = horn {
        for side in [0, 1].into_iter().filter(|&side| !near_horn(side)) {
            self::horn(c, st, side, ramp);
        }
    }
    c.place(st.head());
    c.fill(h.outfit, |p| {
        let shell = ellipse(p.x, p.y - helmet.cy, helmet.r, helmet.ry).filter(|_| p.y < 0.46);
        let spike = plume == Plume::Spike && p.y > 0.0 && p.y < 0.1 && p.ax < p.y * 0.5;
        shell.or_else(|| spike.then_some(LIT))
    });
    if plume == Plume::Crest {
        // A crest runs front to back, so it is widest side on.
        let half = view.width(0.07, 0.15);
        c.fill(crest, |p| ellipse(p.x, p.y - 0.08, half, 0.09));
    }
    if let Some(ramp) = horn {
        for side in [0, 1].into_iter().filter(|&side| near_horn(side)) {
            self::horn(c, st, side, ramp);
        }
    }
    c.place(st.head());
    let window = move |p: P| {
        face.on_sphere(p.x, p.y - helmet.cy, helmet.r, helmet.ry)
            .is_some_and(|(u, v)| u.abs() < 0.2 && v >= 0.0)
    };
    if open_face {
        c.overlay(h.skin, |p| {
            (window(p) && p.y > 0.27 && p.y < 0.44).then_some(BASE)
        });
        face_eyes(c, st, h.white, (0.1, 0.34, 0.05, 0.08), helmet);
        return;
    }
    // Closed visor: a dark slit with eyes glinting inside, and a breathing slot below.
    c.ink_in(|p| window(p) && span(p.y, 0.3, (unit * 2.0).max(0.06)));
    for s in SIDES {
        if let Some(shift) = helmet.bulb().turned(view, s * 0.08, 0.3, unit) {
            c.place(st.head().and_shift(shift, 0));
            c.fill(h.white, |p| {
                let ax = s * p.x;
                (ax > 0.05 && ax < 0.11 && span(p.y, 0.3, unit)).then_some(LIT)
            });
        }
    }
    if let Some(shift) = helmet.bulb().turned(view, 0.0, 0.4, unit) {
        c.place(st.head().and_shift(shift, 0));
        c.ink_in(|p| p.ax < unit * 0.6 && p.y > 0.36 && p.y < 0.44);
    }
}

/// A horn on the helmet's `side`, sticking out sideways: turned, it is foreshortened towards the centre.
fn horn(c: &mut Canvas, st: &Stance, side: usize, ramp: usize) {
    let s = if st.view.cos >= 0.0 {
        SIDES[side]
    } else {
        -SIDES[side]
    };
    let squeeze = st.view.cos.abs().max(0.3);
    let placement = if squeeze == 1.0 {
        st.head()
    } else {
        Placement::moved(Affine::scale((0.0, 0.0), squeeze, 1.0))
            .and_shift(st.head().shift.0, st.head().shift.1)
    };
    c.place(placement);
    c.fill(ramp, |p| {
        let t = (p.y - 0.02) / 0.2;
        let centre = 0.36 - 0.1 * t;
        ((0.0..=1.0).contains(&t) && (s * p.x - centre).abs() <= 0.06 * t + 0.01)
            .then(|| lit((p.x - s * centre) / 0.07, -0.3))
    });
}

pub(super) fn wizard(
    c: &mut Canvas,
    st: &Stance,
    h: &Humanoid,
    band: usize,
    beard: Option<usize>,
    tip: f32,
) {
    let view = st.view;
    let head = Head {
        cy: 0.34,
        r: 0.17,
        ry: 0.14,
    };
    self::face(c, st, h, head);
    // Seen from behind, the head under the hat is hair: the beard's colour, or the robe's hood without one.
    let face = view.face();
    c.place(st.head());
    c.overlay(beard.unwrap_or(h.outfit), |p| {
        face.on_sphere(p.x, p.y - head.cy, head.r, head.ry)
            .filter(|&(_, v)| v < 0.0 && ellipse(p.x, p.y - head.cy, head.r, head.ry).is_some())
            .map(|_| lit(p.x / head.r, (p.y - head.cy) / head.ry))
    });
    // The beard hangs from the chin: a wedge in front of the face, thinner side on.
    if let Some(beard) = beard.filter(|_| face.z(0.0, 0.1) > -NEAR) {
        let squeeze = face.width(1.0, 0.6);
        let forward = st.head().and_shift(face.shift(0.0, 0.1, st.unit), 0);
        c.place(if squeeze == 1.0 {
            forward
        } else {
            Placement::moved(Affine::scale((0.0, 0.0), squeeze, 1.0))
                .and_shift(forward.shift.0, forward.shift.1)
        });
        c.fill(beard, |p| {
            let half = 0.15 * (0.66 - p.y) / 0.26;
            (p.y > 0.4 && p.y < 0.66 && p.ax < half).then(|| lit(p.x / 0.2, (p.y - 0.45) * 3.0))
        });
    }
    // Pointed hat with a brim and a band: round, so the same from every side.
    c.place(st.head());
    c.fill(h.outfit, |p| {
        let brim = ellipse(p.x, p.y - 0.26, 0.36, 0.055);
        let cone = (p.y > tip && p.y < 0.26 && p.ax < 0.19 * (p.y - tip) / (0.26 - tip))
            .then(|| lit(p.x / 0.2, -0.2));
        brim.or(cone)
    });
    c.overlay(band, |p| {
        (p.y > 0.19 && p.y < 0.235 && p.ax < 0.2).then(|| lit(p.x / 0.2, 0.0))
    });
}

pub(super) fn hero(
    c: &mut Canvas,
    st: &Stance,
    h: &Humanoid,
    hair: usize,
    spiky: bool,
    headband: Option<usize>,
) {
    let view = st.view;
    face(
        c,
        st,
        h,
        Head {
            cy: 0.31,
            r: 0.23,
            ry: 0.2,
        },
    );
    if spiky {
        for u in [0.0, -0.14, 0.14] {
            c.place(st.head().and_shift(view.shift(u, 0.0, st.unit), 0));
            let s = if u < 0.0 { -1.0 } else { 1.0 };
            c.fill(hair, |p| {
                let across = if u == 0.0 { p.ax } else { s * p.x - 0.14 };
                (p.y > 0.02 && p.y < 0.14 && across.abs() < 0.07 * (p.y - 0.02) / 0.1)
                    .then_some(LIT)
            });
        }
    }
    // The cap covers the top and sides of the head, and all of it from behind.
    c.place(st.head());
    c.fill(hair, |p| {
        let covered = view
            .face()
            .on_sphere(p.x, p.y - 0.26, 0.26, 0.2)
            .is_some_and(|(u, v)| p.y < 0.27 || u.abs() > 0.18 || v < 0.0);
        ellipse(p.x, p.y - 0.26, 0.26, 0.2).filter(|_| covered)
    });
    if let Some(band) = headband {
        c.overlay(band, |p| {
            (p.y > 0.17 && p.y < 0.22).then(|| lit(p.x / 0.26, 0.0))
        });
    }
}
