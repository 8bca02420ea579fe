//! Reading a prompt: which subject it names and which colour words it uses.

/// What the prompt asks for, as the generator understood it (returned so callers can report it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The thing that is drawn.
    pub subject: Subject,
    /// Colour words found, in prompt order and by canonical name ("grey" reads as "gray"). The first sets the
    /// main colour, the second an accent (a plume, a cork, a hilt).
    pub colors: Vec<&'static str>,
}

/// The kinds of thing the generator can draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Creature,
    Humanoid,
    Coin,
    Gem,
    Potion,
    Sword,
    Key,
    Heart,
    Shield,
    Ground,
    Grass,
    Brick,
    Stone,
    Water,
    Tree,
    Bush,
    Flower,
}

impl Subject {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Creature => "creature",
            Self::Humanoid => "humanoid",
            Self::Coin => "coin",
            Self::Gem => "gem",
            Self::Potion => "potion",
            Self::Sword => "sword",
            Self::Key => "key",
            Self::Heart => "heart",
            Self::Shield => "shield",
            Self::Ground => "ground",
            Self::Grass => "grass",
            Self::Brick => "brick",
            Self::Stone => "stone",
            Self::Water => "water",
            Self::Tree => "tree",
            Self::Bush => "bush",
            Self::Flower => "flower",
        }
    }

    /// Tiles fill the whole canvas and wrap seamlessly; everything else is a sprite on a transparent background.
    pub fn is_tile(&self) -> bool {
        matches!(
            self,
            Self::Ground | Self::Grass | Self::Brick | Self::Stone | Self::Water
        )
    }
}

/// Words that name a subject. The first one in the prompt wins, so "knight with a sword" is a knight.
const SUBJECT_WORDS: &[(&str, Subject)] = &[
    ("creature", Subject::Creature),
    ("monster", Subject::Creature),
    ("slime", Subject::Creature),
    ("blob", Subject::Creature),
    ("jelly", Subject::Creature),
    ("ooze", Subject::Creature),
    ("beast", Subject::Creature),
    ("ghost", Subject::Creature),
    ("spirit", Subject::Creature),
    ("phantom", Subject::Creature),
    ("enemy", Subject::Creature),
    ("humanoid", Subject::Humanoid),
    ("knight", Subject::Humanoid),
    ("paladin", Subject::Humanoid),
    ("soldier", Subject::Humanoid),
    ("hero", Subject::Humanoid),
    ("heroine", Subject::Humanoid),
    ("wizard", Subject::Humanoid),
    ("mage", Subject::Humanoid),
    ("witch", Subject::Humanoid),
    ("sorcerer", Subject::Humanoid),
    ("warlock", Subject::Humanoid),
    ("player", Subject::Humanoid),
    ("warrior", Subject::Humanoid),
    ("adventurer", Subject::Humanoid),
    ("person", Subject::Humanoid),
    ("human", Subject::Humanoid),
    ("villager", Subject::Humanoid),
    ("npc", Subject::Humanoid),
    ("coin", Subject::Coin),
    ("gem", Subject::Gem),
    ("jewel", Subject::Gem),
    ("crystal", Subject::Gem),
    ("diamond", Subject::Gem),
    ("ruby", Subject::Gem),
    ("emerald", Subject::Gem),
    ("sapphire", Subject::Gem),
    ("amethyst", Subject::Gem),
    ("potion", Subject::Potion),
    ("flask", Subject::Potion),
    ("bottle", Subject::Potion),
    ("vial", Subject::Potion),
    ("elixir", Subject::Potion),
    ("sword", Subject::Sword),
    ("blade", Subject::Sword),
    ("sabre", Subject::Sword),
    ("saber", Subject::Sword),
    ("dagger", Subject::Sword),
    ("key", Subject::Key),
    ("heart", Subject::Heart),
    ("shield", Subject::Shield),
    ("dirt", Subject::Ground),
    ("soil", Subject::Ground),
    ("mud", Subject::Ground),
    ("sand", Subject::Ground),
    ("grass", Subject::Grass),
    ("lawn", Subject::Grass),
    ("meadow", Subject::Grass),
    ("brick", Subject::Brick),
    ("stone", Subject::Stone),
    ("rock", Subject::Stone),
    ("cobble", Subject::Stone),
    ("cobblestone", Subject::Stone),
    ("water", Subject::Water),
    ("sea", Subject::Water),
    ("ocean", Subject::Water),
    ("lake", Subject::Water),
    ("river", Subject::Water),
    ("tree", Subject::Tree),
    ("oak", Subject::Tree),
    ("pine", Subject::Tree),
    ("fir", Subject::Tree),
    ("bush", Subject::Bush),
    ("shrub", Subject::Bush),
    ("hedge", Subject::Bush),
    ("flower", Subject::Flower),
    ("plant", Subject::Flower),
    ("rose", Subject::Flower),
    ("tulip", Subject::Flower),
    ("daisy", Subject::Flower),
];

/// Words that only say what kind of thing it is; they count when no word in `SUBJECT_WORDS` is present,
/// so "grass tile" is grass and "stone wall" is stone.
const GENERIC_WORDS: &[(&str, Subject)] = &[
    ("character", Subject::Humanoid),
    ("man", Subject::Humanoid),
    ("woman", Subject::Humanoid),
    ("item", Subject::Coin),
    ("loot", Subject::Coin),
    ("treasure", Subject::Coin),
    ("tile", Subject::Ground),
    ("ground", Subject::Ground),
    ("floor", Subject::Ground),
    ("terrain", Subject::Ground),
    ("wall", Subject::Brick),
];

/// Canonical colour names and the main colour each stands for.
pub(crate) const COLORS: &[(&str, [u8; 3])] = &[
    ("red", [204, 52, 52]),
    ("orange", [232, 128, 40]),
    ("yellow", [240, 206, 60]),
    ("gold", [230, 176, 46]),
    ("lime", [140, 208, 56]),
    ("green", [62, 166, 72]),
    ("teal", [36, 156, 148]),
    ("cyan", [64, 200, 224]),
    ("blue", [56, 104, 214]),
    ("navy", [44, 58, 132]),
    ("purple", [134, 72, 198]),
    ("magenta", [206, 62, 176]),
    ("pink", [240, 128, 176]),
    ("brown", [136, 88, 52]),
    ("bronze", [196, 124, 60]),
    ("tan", [206, 166, 112]),
    ("gray", [128, 128, 136]),
    ("silver", [184, 190, 202]),
    ("black", [50, 48, 60]),
    ("white", [236, 236, 242]),
];

/// Other spellings of the colours in `COLORS`.
const COLOR_SYNONYMS: &[(&str, &str)] = &[
    ("grey", "gray"),
    ("violet", "purple"),
    ("golden", "gold"),
    ("crimson", "red"),
    ("scarlet", "red"),
    ("azure", "blue"),
    ("turquoise", "cyan"),
    ("aqua", "cyan"),
    ("beige", "tan"),
    ("copper", "bronze"),
];

/// Reads the subject and colour words of a prompt; an unknown subject reads as a creature.
pub fn read_prompt(prompt: &str) -> Reading {
    read_words(&Words::new(prompt))
}

/// The lower-cased words of a prompt.
#[derive(Clone)]
pub(crate) struct Words(Vec<String>);

impl Words {
    pub(crate) fn new(prompt: &str) -> Self {
        Self(
            prompt
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|word| !word.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// The words joined by spaces: the prompt as lower-case words, punctuation gone.
    pub(crate) fn text(&self) -> String {
        self.0.join(" ")
    }

    /// Whether `word` matches `wanted`, allowing a plural ("slimes", "bushes").
    fn matches(word: &str, wanted: &str) -> bool {
        word == wanted
            || word.strip_suffix('s') == Some(wanted)
            || word.strip_suffix("es") == Some(wanted)
    }

    pub(crate) fn has(&self, wanted: &[&str]) -> bool {
        self.0
            .iter()
            .any(|word| wanted.iter().any(|w| Self::matches(word, w)))
    }

    /// The words before and after the first of `separators` ("grass over dirt": "grass" and "dirt"), when
    /// there are words on both sides.
    pub(crate) fn split_at(&self, separators: &[&str]) -> Option<(Words, Words)> {
        let at = self
            .0
            .iter()
            .position(|word| separators.contains(&word.as_str()))?;
        let (before, after) = (&self.0[..at], &self.0[at + 1..]);
        (!before.is_empty() && !after.is_empty())
            .then(|| (Words(before.to_vec()), Words(after.to_vec())))
    }

    /// The entry of `table` named first in the prompt.
    pub(crate) fn first<T: Copy>(&self, table: &[(&str, T)]) -> Option<T> {
        self.0.iter().find_map(|word| {
            table
                .iter()
                .find(|(name, _)| Self::matches(word, name))
                .map(|&(_, value)| value)
        })
    }
}

/// Reads the subject and colours from words already split, so `generate` splits the prompt only once.
pub(crate) fn read_words(words: &Words) -> Reading {
    let subject = words
        .first(SUBJECT_WORDS)
        .or_else(|| words.first(GENERIC_WORDS))
        .unwrap_or(Subject::Creature);
    let colors = words
        .0
        .iter()
        .filter_map(|word| {
            let word = COLOR_SYNONYMS
                .iter()
                .find(|(synonym, _)| synonym == word)
                .map_or(word.as_str(), |&(_, canonical)| canonical);
            COLORS
                .iter()
                .find(|(name, _)| *name == word)
                .map(|&(name, _)| name)
        })
        .collect();
    Reading { subject, colors }
}
