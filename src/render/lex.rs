//! Lexer for Go `text/template` source: text, `{{ }}` actions with `{{-`/`-}}` trim markers,
//! comments, strings (Go escapes and raw), chars, numbers, identifiers, fields, variables.
//! Must not: build syntax trees, look up functions, or panic on malformed input (it returns
//! an error with the byte offset).

/// Keywords of the template language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kw {
    If,
    Else,
    End,
    Range,
    With,
    Define,
    Template,
    Block,
    Break,
    Continue,
}

/// A token kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Text(String),
    LDelim,
    RDelim,
    Ident(String),
    /// `.name` (without the dot).
    Field(String),
    /// `$name` (with the dollar; `$` alone is the root variable).
    Var(String),
    Dot,
    Str(String),
    Char(i64),
    Number(String),
    Bool(bool),
    Nil,
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
    Kw(Kw),
    Eof,
}

/// A token with its byte offset and whether whitespace preceded it inside an action.
#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub pos: usize,
    pub space_before: bool,
}

/// A lexing error: byte offset and message.
#[derive(Debug)]
pub struct LexError {
    pub pos: usize,
    pub msg: String,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Tokenize a whole template source.
pub fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let b = src.as_bytes();
    let mut toks: Vec<Token> = Vec::new();
    let mut i = 0usize;
    let mut trim_next = false;
    loop {
        let start = i;
        let found = src.get(i..).and_then(|s| s.find("{{")).map(|k| k + i);
        let end = found.unwrap_or(src.len());
        let mut text = src.get(start..end).unwrap_or("");
        let untrimmed = text.len();
        let left_trim = found.is_some_and(|j| {
            b.get(j + 2) == Some(&b'-') && b.get(j + 3).is_some_and(|&c| is_space(c))
        });
        if trim_next {
            text = text.trim_start_matches([' ', '\t', '\r', '\n']);
        }
        // The token starts at its first kept byte, so output provenance maps it exactly.
        let text_pos = start + (untrimmed - text.len());
        if left_trim {
            text = text.trim_end_matches([' ', '\t', '\r', '\n']);
        }
        if !text.is_empty() {
            toks.push(Token {
                tok: Tok::Text(text.to_string()),
                pos: text_pos,
                space_before: false,
            });
        }
        let Some(j) = found else { break };
        let mut p = j + 2;
        if left_trim {
            p += 2;
        }
        // Comment?
        if src.get(p..).is_some_and(|s| s.starts_with("/*")) {
            let Some(close) = src.get(p + 2..).and_then(|s| s.find("*/")) else {
                return Err(LexError {
                    pos: j,
                    msg: "unclosed comment".into(),
                });
            };
            let mut q = p + 2 + close + 2;
            trim_next = false;
            let rest = src.get(q..).unwrap_or("");
            if rest.len() >= 4
                && b.get(q).is_some_and(|&c| is_space(c))
                && rest.get(1..4) == Some("-}}")
            {
                trim_next = true;
                q += 4;
            } else if rest.starts_with("}}") {
                q += 2;
            } else {
                return Err(LexError {
                    pos: j,
                    msg: "comment ends before closing delimiter".into(),
                });
            }
            i = q;
            continue;
        }
        toks.push(Token {
            tok: Tok::LDelim,
            pos: j,
            space_before: false,
        });
        let (np, trim) = lex_action(src, p, &mut toks)?;
        trim_next = trim;
        i = np;
    }
    toks.push(Token {
        tok: Tok::Eof,
        pos: src.len(),
        space_before: false,
    });
    Ok(toks)
}

/// Lex inside an action starting at `p`; returns the offset after `}}` and the right-trim flag.
fn lex_action(src: &str, mut p: usize, toks: &mut Vec<Token>) -> Result<(usize, bool), LexError> {
    let b = src.as_bytes();
    let mut space = true;
    loop {
        let rest = src.get(p..).unwrap_or("");
        if rest.len() >= 4
            && b.get(p).is_some_and(|&c| is_space(c))
            && rest.get(1..4) == Some("-}}")
        {
            toks.push(Token {
                tok: Tok::RDelim,
                pos: p,
                space_before: true,
            });
            return Ok((p + 4, true));
        }
        if rest.starts_with("}}") {
            toks.push(Token {
                tok: Tok::RDelim,
                pos: p,
                space_before: space,
            });
            return Ok((p + 2, false));
        }
        let Some(c) = rest.chars().next() else {
            return Err(LexError {
                pos: p,
                msg: "unclosed action".into(),
            });
        };
        if c.is_ascii() && is_space(c as u8) {
            space = true;
            p += 1;
            continue;
        }
        let start = p;
        let next = rest.chars().nth(1);
        let tok = match c {
            '"' => {
                let (s, np) = lex_quoted(src, p)?;
                p = np;
                Tok::Str(s)
            }
            '`' => {
                let Some(k) = src.get(p + 1..).and_then(|s| s.find('`')) else {
                    return Err(LexError {
                        pos: p,
                        msg: "unterminated raw quoted string".into(),
                    });
                };
                let s = src.get(p + 1..p + 1 + k).unwrap_or("").to_string();
                p = p + 1 + k + 1;
                Tok::Str(s)
            }
            '\'' => {
                let (v, np) = lex_char(src, p)?;
                p = np;
                Tok::Char(v)
            }
            '$' => {
                let n = scan_alnum(src, p + 1);
                let name = src.get(p..p + 1 + n).unwrap_or("$").to_string();
                p += 1 + n;
                Tok::Var(name)
            }
            '.' if next.is_some_and(|d| d.is_ascii_digit()) => {
                let n = scan_number(src, p);
                let t = src.get(p..p + n).unwrap_or("").to_string();
                p += n;
                Tok::Number(t)
            }
            '.' => {
                let n = scan_alnum(src, p + 1);
                if n == 0 {
                    p += 1;
                    Tok::Dot
                } else {
                    let name = src.get(p + 1..p + 1 + n).unwrap_or("").to_string();
                    p += 1 + n;
                    Tok::Field(name)
                }
            }
            '0'..='9' => {
                let n = scan_number(src, p);
                let t = src.get(p..p + n).unwrap_or("").to_string();
                p += n;
                Tok::Number(t)
            }
            '+' | '-' if next.is_some_and(|d| d.is_ascii_digit() || d == '.') => {
                let n = scan_number(src, p);
                let t = src.get(p..p + n).unwrap_or("").to_string();
                p += n;
                Tok::Number(t)
            }
            c if c == '_' || c.is_alphabetic() => {
                let n = scan_alnum(src, p);
                let word = src.get(p..p + n).unwrap_or("");
                p += n;
                match word {
                    "if" => Tok::Kw(Kw::If),
                    "else" => Tok::Kw(Kw::Else),
                    "end" => Tok::Kw(Kw::End),
                    "range" => Tok::Kw(Kw::Range),
                    "with" => Tok::Kw(Kw::With),
                    "define" => Tok::Kw(Kw::Define),
                    "template" => Tok::Kw(Kw::Template),
                    "block" => Tok::Kw(Kw::Block),
                    "break" => Tok::Kw(Kw::Break),
                    "continue" => Tok::Kw(Kw::Continue),
                    "true" => Tok::Bool(true),
                    "false" => Tok::Bool(false),
                    "nil" => Tok::Nil,
                    w => Tok::Ident(w.to_string()),
                }
            }
            '|' => {
                p += 1;
                Tok::Pipe
            }
            '(' => {
                p += 1;
                Tok::LParen
            }
            ')' => {
                p += 1;
                Tok::RParen
            }
            ',' => {
                p += 1;
                Tok::Comma
            }
            ':' if next == Some('=') => {
                p += 2;
                Tok::Declare
            }
            '=' => {
                p += 1;
                Tok::Assign
            }
            c => {
                return Err(LexError {
                    pos: p,
                    msg: format!("unexpected {:?} in command", c),
                })
            }
        };
        toks.push(Token {
            tok,
            pos: start,
            space_before: space,
        });
        space = false;
    }
}

fn scan_alnum(src: &str, p: usize) -> usize {
    src.get(p..)
        .unwrap_or("")
        .chars()
        .take_while(|&c| is_alnum(c))
        .map(char::len_utf8)
        .sum()
}

fn scan_number(src: &str, p: usize) -> usize {
    let rest = src.get(p..).unwrap_or("").as_bytes();
    let mut n = 0;
    if matches!(rest.first(), Some(b'+') | Some(b'-')) {
        n = 1;
    }
    let hex = rest
        .get(n..n + 2)
        .is_some_and(|s| s.eq_ignore_ascii_case(b"0x"));
    while let Some(&c) = rest.get(n) {
        let prev = if n > 0 {
            rest.get(n - 1).copied()
        } else {
            None
        };
        let ok = c.is_ascii_alphanumeric()
            || c == b'_'
            || c == b'.'
            || ((c == b'+' || c == b'-')
                && (if hex {
                    matches!(prev, Some(b'p') | Some(b'P'))
                } else {
                    matches!(prev, Some(b'e') | Some(b'E'))
                }));
        if !ok {
            break;
        }
        n += 1;
    }
    n
}

fn lex_quoted(src: &str, p: usize) -> Result<(String, usize), LexError> {
    let mut out = String::new();
    let mut it = src.get(p + 1..).unwrap_or("").char_indices();
    let err = |msg: &str| LexError {
        pos: p,
        msg: msg.to_string(),
    };
    while let Some((k, c)) = it.next() {
        match c {
            '"' => return Ok((out, p + 1 + k + 1)),
            '\n' => return Err(err("unterminated quoted string")),
            '\\' => {
                let Some((_, e)) = it.next() else {
                    return Err(err("unterminated quoted string"));
                };
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'v' => out.push('\u{b}'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut v = 0u32;
                        for _ in 0..n {
                            let d = it
                                .next()
                                .and_then(|(_, d)| d.to_digit(16))
                                .ok_or_else(|| err("invalid syntax"))?;
                            v = v.saturating_mul(16).saturating_add(d);
                        }
                        out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                    '0'..='7' => {
                        let mut v = e.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            let d = it
                                .next()
                                .and_then(|(_, d)| d.to_digit(8))
                                .ok_or_else(|| err("invalid syntax"))?;
                            v = v * 8 + d;
                        }
                        out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                    _ => return Err(err("invalid syntax")),
                }
            }
            c => out.push(c),
        }
    }
    Err(err("unterminated quoted string"))
}

fn lex_char(src: &str, p: usize) -> Result<(i64, usize), LexError> {
    let rest = src.get(p + 1..).unwrap_or("");
    let Some(end) = rest.find('\'') else {
        return Err(LexError {
            pos: p,
            msg: "unterminated character constant".into(),
        });
    };
    let body = rest.get(..end).unwrap_or("");
    let body = if body == "\\" {
        // '\'' : the closing quote was escaped.
        if rest.get(end..end + 2) == Some("''") {
            return Ok(('\'' as i64, p + 1 + end + 2));
        }
        body
    } else {
        body
    };
    let v = if let Some(esc) = body.strip_prefix('\\') {
        let q = format!("\"\\{}\"", esc);
        let (s, _) = lex_quoted(&q, 0).map_err(|e| LexError { pos: p, msg: e.msg })?;
        s.chars().next().map(|c| c as i64)
    } else {
        let mut cs = body.chars();
        match (cs.next(), cs.next()) {
            (Some(c), None) => Some(c as i64),
            _ => None,
        }
    };
    match v {
        Some(v) => Ok((v, p + 1 + end + 1)),
        None => Err(LexError {
            pos: p,
            msg: format!("malformed character constant: '{}'", body),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn trims_and_comments() {
        assert_eq!(
            kinds("a  {{- 1 -}}  b {{/* c */}}x"),
            vec![
                Tok::Text("a".into()),
                Tok::LDelim,
                Tok::Number("1".into()),
                Tok::RDelim,
                Tok::Text("b ".into()),
                Tok::Text("x".into()),
                Tok::Eof
            ]
        );
        assert_eq!(kinds("{{-3}}")[1], Tok::Number("-3".into()));
    }

    #[test]
    fn fields_vars_strings() {
        let k = kinds(r#"{{ $x.a .b.c "q\n" `r` 'a' 0x1F 1e3 }}"#);
        assert_eq!(k[1], Tok::Var("$x".into()));
        assert_eq!(k[2], Tok::Field("a".into()));
        assert_eq!(k[5], Tok::Str("q\n".into()));
        assert_eq!(k[6], Tok::Str("r".into()));
        assert_eq!(k[7], Tok::Char(97));
        assert_eq!(k[8], Tok::Number("0x1F".into()));
        assert_eq!(k[9], Tok::Number("1e3".into()));
    }
}
