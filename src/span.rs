//! Source positions shared by every parser: 1-based lines and columns (columns count
//! characters, not bytes), end exclusive as in SARIF. Parsers fill them; nothing here reads files.

use serde::Serialize;

/// A point in a text file. `line` and `column` start at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A range of a text file; `end` is the position just after the last character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

impl Position {
    pub const fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }
}

impl Span {
    pub const fn new(start: Position, end: Position) -> Self {
        Self { start, end }
    }

    /// A span covering one line from `column` to the end of `text` on that line.
    pub fn on_line(line: u32, column: u32, text: &str) -> Self {
        let width = text.chars().count() as u32;
        Self::new(
            Position::new(line, column),
            Position::new(line, column + width.max(1)),
        )
    }
}
