//! What an animation shows a figure doing.

/// An animation's action. Idle, walk and run loop; the others play once and end on their last frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Standing and breathing.
    Idle,
    /// A walk cycle: legs and arms swing, the body bobs.
    Walk,
    /// A run cycle: longer strides, higher knees, leaning into it.
    Run,
    /// Crouch, leap, tuck, fall and land, in place (the game moves the sprite).
    Jump,
    /// The held weapon swings (creatures lunge).
    Attack,
    /// A flash and a knock back.
    Hurt,
    /// Falling over (slimes melt, ghosts fade away).
    Death,
}

impl Action {
    /// Every action, in the order a character sheet lays them out.
    pub const ALL: [Self; 7] = [
        Self::Idle,
        Self::Walk,
        Self::Run,
        Self::Jump,
        Self::Attack,
        Self::Hurt,
        Self::Death,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Walk => "walk",
            Self::Run => "run",
            Self::Jump => "jump",
            Self::Attack => "attack",
            Self::Hurt => "hurt",
            Self::Death => "death",
        }
    }

    /// The action named `name` (any case), or `None` for a word that names none.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|action| action.name().eq_ignore_ascii_case(name))
    }

    /// The frames this action is drawn with unless asked otherwise.
    pub fn default_frames(self) -> u32 {
        match self {
            Self::Idle => 4,
            Self::Walk => 8,
            Self::Run => 6,
            Self::Jump | Self::Attack | Self::Death => 5,
            Self::Hurt => 3,
        }
    }

    /// Whether the action repeats: its last frame leads back into its first.
    pub fn looping(self) -> bool {
        matches!(self, Self::Idle | Self::Walk | Self::Run)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
