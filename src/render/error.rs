//! Template errors, formatted like Go's `text/template` (`template: NAME:LINE:COL: ...`).
//! Must not: carry references into templates, or panic while formatting.

use thiserror::Error;

/// What kind of failure happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Lexing/parsing failed (`template: NAME:LINE: msg`).
    Parse,
    /// Execution failed (`template: NAME:LINE:COL: executing "T" at <node>: msg`).
    Exec,
    /// `fail` or `required` was called; `message` is the user's text.
    Fail { message: String },
    /// The named template does not exist.
    NoTemplate,
}

/// A parse or execution error with Go's message format.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{text}")]
pub struct TemplateError {
    pub kind: ErrorKind,
    /// File (parse name) the error points into.
    pub file: String,
    pub line: usize,
    /// 0-based byte column, as Go prints it (0 for parse errors).
    pub col: usize,
    /// The full Go-style message.
    pub text: String,
}

impl TemplateError {
    pub fn parse(file: &str, line: usize, msg: &str) -> TemplateError {
        TemplateError {
            kind: ErrorKind::Parse,
            file: file.to_string(),
            line,
            col: 0,
            text: format!("template: {}:{}: {}", file, line, msg),
        }
    }

    pub fn no_template(name: &str) -> TemplateError {
        TemplateError {
            kind: ErrorKind::NoTemplate,
            file: String::new(),
            line: 0,
            col: 0,
            text: format!("template: no template {:?} associated with template", name),
        }
    }

    /// Helm's user-facing form: `execution error at (FILE:LINE:COL): MESSAGE` for
    /// `fail`/`required`, the Go text otherwise.
    pub fn helm_message(&self) -> String {
        match &self.kind {
            ErrorKind::Fail { message } => format!(
                "execution error at ({}:{}:{}): {}",
                self.file, self.line, self.col, message
            ),
            _ => self.text.clone(),
        }
    }
}

/// 1-based line and 0-based byte column of byte offset `pos` in `src`.
pub fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(src.len());
    let before = src.as_bytes().get(..pos).unwrap_or_default();
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let col = match before.iter().rposition(|&b| b == b'\n') {
        Some(i) => pos - i - 1,
        None => pos,
    };
    (line, col)
}
