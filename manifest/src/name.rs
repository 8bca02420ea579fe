//! Logical sprite names: the keys of the manifest and the file names a deploy writes.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};

/// A validated logical sprite name: `[a-z0-9_]+` segments joined by `/`, each at most
/// [`SpriteName::MAX_SEGMENT_LEN`] characters.
///
/// The rule is strict on purpose: a name becomes a path under `assets/` on every platform, so it
/// must never escape that folder, collide by case, or need quoting.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct SpriteName(String);

/// Why a string is not a valid sprite name (or name segment).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "name must be [a-z0-9_]+ segments joined by '/', at most {max} characters a segment; got {name:?}: {problem}",
    max = SpriteName::MAX_SEGMENT_LEN
)]
pub struct NameError {
    /// The rejected input.
    pub name: String,
    /// The rule it breaks.
    pub problem: NameProblem,
}

/// The rule a name or segment breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    #[error("it is empty")]
    Empty,
    #[error("it starts with '/', but names are relative")]
    Absolute,
    #[error("it contains '\\'; join segments with '/'")]
    Backslash,
    #[error("it has an empty segment (a doubled or trailing '/')")]
    EmptySegment,
    #[error("'.' and '..' segments are not allowed")]
    DotSegment,
    #[error("{0:?} is upper case; use lower case")]
    UpperCase(char),
    #[error("{0:?} is not allowed; use a-z, 0-9 and '_'")]
    InvalidChar(char),
    #[error("a segment is {0} characters long")]
    TooLong(usize),
}

impl SpriteName {
    /// Longest allowed segment, so a name's file stays well under every file system's limit.
    pub const MAX_SEGMENT_LEN: usize = 64;

    /// Validates `name` against the naming rule.
    pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
        let name = name.into();
        match check_name(&name) {
            Ok(()) => Ok(Self(name)),
            Err(problem) => Err(NameError { name, problem }),
        }
    }

    /// Checks one segment: `[a-z0-9_]+`, at most [`Self::MAX_SEGMENT_LEN`] characters. Other
    /// single-folder names that end up under `assets/` (such as a deploy category) use it too.
    pub fn check_segment(segment: &str) -> Result<(), NameProblem> {
        if segment.is_empty() {
            return Err(NameProblem::Empty);
        }
        if segment == "." || segment == ".." {
            return Err(NameProblem::DotSegment);
        }
        if let Some(c) = segment
            .chars()
            .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '_'))
        {
            return Err(match c {
                '\\' => NameProblem::Backslash,
                c if c.is_uppercase() => NameProblem::UpperCase(c),
                c => NameProblem::InvalidChar(c),
            });
        }
        // All ASCII from here, so bytes are characters.
        if segment.len() > Self::MAX_SEGMENT_LEN {
            return Err(NameProblem::TooLong(segment.len()));
        }
        Ok(())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The `/`-separated segments, outermost first.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

fn check_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if name.starts_with('/') {
        return Err(NameProblem::Absolute);
    }
    name.split('/').try_for_each(|segment| {
        if segment.is_empty() {
            Err(NameProblem::EmptySegment)
        } else {
            SpriteName::check_segment(segment)
        }
    })
}

impl FromStr for SpriteName {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for SpriteName {
    type Error = NameError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl Serialize for SpriteName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Shown like the string it is, so messages read `"player"`, not `SpriteName("player")`.
impl fmt::Debug for SpriteName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for SpriteName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for SpriteName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lets maps keyed by `SpriteName` be queried with a plain `&str`.
impl Borrow<str> for SpriteName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(name: &str) -> NameProblem {
        SpriteName::new(name).unwrap_err().problem
    }

    #[test]
    fn accepts_lower_case_segments() {
        for name in [
            "player",
            "enemies/slime",
            "ui/icons/coin_2",
            "a",
            &"x".repeat(64),
        ] {
            assert_eq!(SpriteName::new(name).unwrap().as_str(), name);
        }
        let name = SpriteName::new("a/b/c").unwrap();
        assert_eq!(name.segments().collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn hostile_names_are_refused_with_the_rule_they_break() {
        let cases = [
            ("", NameProblem::Empty),
            ("/etc/passwd", NameProblem::Absolute),
            ("/", NameProblem::Absolute),
            ("..", NameProblem::DotSegment),
            ("../player", NameProblem::DotSegment),
            ("a/../../b", NameProblem::DotSegment),
            ("./a", NameProblem::DotSegment),
            ("a/", NameProblem::EmptySegment),
            ("a//b", NameProblem::EmptySegment),
            ("Player", NameProblem::UpperCase('P')),
            ("ÄRGER", NameProblem::UpperCase('Ä')),
            ("my player", NameProblem::InvalidChar(' ')),
            ("a\tb", NameProblem::InvalidChar('\t')),
            ("..\\windows", NameProblem::InvalidChar('.')),
            ("a\\b", NameProblem::Backslash),
            ("c:", NameProblem::InvalidChar(':')),
            ("player.png", NameProblem::InvalidChar('.')),
            ("nul\0", NameProblem::InvalidChar('\0')),
            ("slime-2", NameProblem::InvalidChar('-')),
            ("ｐlayer", NameProblem::InvalidChar('ｐ')),
            ("~", NameProblem::InvalidChar('~')),
            (&"x".repeat(65), NameProblem::TooLong(65)),
        ];
        for (name, expected) in cases {
            assert_eq!(problem(name), expected, "{name:?}");
        }
    }

    #[test]
    fn error_names_the_rule_and_the_input() {
        let message = SpriteName::new("Player").unwrap_err().to_string();
        assert_eq!(
            message,
            "name must be [a-z0-9_]+ segments joined by '/', at most 64 characters a segment; \
             got \"Player\": 'P' is upper case; use lower case"
        );
    }

    #[test]
    fn serde_validates_and_round_trips() {
        let name: SpriteName = serde_json::from_str("\"enemies/slime\"").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"enemies/slime\"");
        let err = serde_json::from_str::<SpriteName>("\"../x\"").unwrap_err();
        assert!(err.to_string().contains("'.' and '..'"), "{err}");
    }
}
