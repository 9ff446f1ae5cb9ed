//! YAML output approximating Helm's `toYaml` (sigs.k8s.io/yaml = JSON round trip + go-yaml v2
//! emitter): sorted keys, 2-space indent, sequences not indented under their key, libyaml's
//! scalar analysis for plain / single / double quoting, literal block scalars with chomping
//! and indentation hints, folding of long plain and single-quoted scalars at 80 columns, and
//! number formatting after the JSON round trip (1000000 stays an integer, 1e-06 a float).
//! Must not: panic on any value, or recurse deeper than `MAX_DEPTH`.

use crate::render::json::json_float;
use crate::render::value::{format_float_g, Value, MAX_DEPTH};

const BEST_WIDTH: usize = 80;

/// `yaml.Marshal`-like output (with the trailing newline; Helm's `toYaml` trims one).
/// Returns None when Go's JSON step would fail (NaN/Inf).
pub fn to_yaml(v: &Value) -> Option<String> {
    let mut out = String::new();
    match v {
        Value::Map(m) if !m.borrow().is_empty() => block_map(v, 0, &mut out, 0)?,
        Value::List(l) if !l.borrow().is_empty() => block_seq(v, 0, &mut out, 0)?,
        other => {
            // libyaml indents the continuation lines of a root scalar by 2 (block scalars,
            // folded plain and quoted strings alike).
            let s = scalar(other, 2, 0, false)?;
            out.push_str(&s);
            if !s.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    Some(out)
}

fn spaces(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn data(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.to_data(),
        other => other.clone(),
    }
}

fn is_block_collection(v: &Value) -> bool {
    match v {
        Value::Map(m) => !m.borrow().is_empty(),
        Value::List(l) => !l.borrow().is_empty(),
        _ => false,
    }
}

fn block_map(v: &Value, indent: usize, out: &mut String, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    let Value::Map(m) = v else { return None };
    let entries: Vec<(String, Value)> = m
        .borrow()
        .iter()
        .map(|(k, x)| (k.clone(), data(x)))
        .collect();
    for (k, x) in entries {
        spaces(out, indent);
        let key = scalar(&Value::str(&k), indent, indent, true)?;
        out.push_str(&key);
        out.push(':');
        match &x {
            Value::Map(_) if is_block_collection(&x) => {
                out.push('\n');
                block_map(&x, indent + 2, out, depth + 1)?;
            }
            Value::List(_) if is_block_collection(&x) => {
                out.push('\n');
                block_seq(&x, indent, out, depth + 1)?;
            }
            _ => {
                out.push(' ');
                let col = indent + key.chars().count() + 2;
                let s = scalar(&x, indent + 2, col, false)?;
                out.push_str(&s);
                if !s.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    Some(())
}

fn block_seq(v: &Value, indent: usize, out: &mut String, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    let Value::List(l) = v else { return None };
    let items: Vec<Value> = l.borrow().iter().map(data).collect();
    for x in items {
        if is_block_collection(&x) {
            let mut sub = String::new();
            match &x {
                Value::Map(_) => block_map(&x, indent + 2, &mut sub, depth + 1)?,
                _ => block_seq(&x, indent + 2, &mut sub, depth + 1)?,
            }
            spaces(out, indent);
            out.push_str("- ");
            out.push_str(sub.get(indent + 2..).unwrap_or(""));
        } else {
            spaces(out, indent);
            out.push_str("- ");
            let s = scalar(&x, indent + 2, indent + 2, false)?;
            out.push_str(&s);
            if !s.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    Some(())
}

/// A scalar (or empty collection) in block context. `indent` is the continuation indent,
/// `col` the column where it starts.
fn scalar(v: &Value, indent: usize, col: usize, key: bool) -> Option<String> {
    Some(match v {
        Value::Nil => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => yaml_float(*f)?,
        Value::Str(s) => string_scalar(s, indent, col, key),
        Value::List(_) => "[]".into(),
        Value::Map(_) => "{}".into(),
        Value::Object(o) => scalar(&o.to_data(), indent, col, key)?,
    })
}

/// A float after Helm's JSON round trip: integral values read back as ints.
fn yaml_float(f: f64) -> Option<String> {
    let j = json_float(f)?;
    if !j.contains(['.', 'e', 'E']) && j.parse::<i64>().is_ok() {
        return Some(j);
    }
    Some(format_float_g(f))
}

#[derive(Default)]
struct Analysis {
    multiline: bool,
    block_plain: bool,
    single: bool,
    block: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || c == '\0' || is_break(c),
    }
}

fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0a
        || (0x20..=0x7e).contains(&u)
        || u == 0x85
        || ((0xa0..=0xd7ff).contains(&u))
        || ((0xe000..=0xfffd).contains(&u) && u != 0xfeff)
        || (0x10000..=0x10ffff).contains(&u)
}

/// libyaml's `yaml_emitter_analyze_scalar` (block context).
fn analyze(s: &str) -> Analysis {
    let mut a = Analysis {
        multiline: false,
        block_plain: true,
        single: true,
        block: true,
    };
    if s.is_empty() {
        a.block_plain = false;
        a.block = false;
        return a;
    }
    let (mut block_ind, mut special, mut line_breaks) = (false, false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break, mut prev_space, mut prev_break) =
        (false, false, false, false);
    if s.starts_with("---") || s.starts_with("...") {
        block_ind = true;
    }
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let mut preceded_ws = true;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let followed_ws = is_blankz(next);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_ind = true,
                '?' | ':' if followed_ws => block_ind = true,
                '-' if followed_ws => block_ind = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_ws => block_ind = true,
                '#' if preceded_ws => block_ind = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_break = true;
            prev_space = false;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_ws = is_blankz(Some(c));
    }
    a.multiline = line_breaks;
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.block_plain = false;
        a.single = false;
    }
    if space_break || special {
        a.block_plain = false;
        a.single = false;
        a.block = false;
    }
    if line_breaks {
        a.block_plain = false;
    }
    if block_ind {
        a.block_plain = false;
    }
    a
}

/// Would go-yaml v2 read this plain scalar as something other than a string?
pub fn resolves_non_string(s: &str) -> bool {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return true,
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "true" | "True"
        | "TRUE" | "false" | "False" | "FALSE" | "on" | "On" | "ON" | "off" | "Off" | "OFF" => {
            return true
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return true,
        _ => {}
    }
    let Some(first) = s.chars().next() else {
        return true;
    };
    if !(first.is_ascii_digit() || first == '+' || first == '-' || first == '.') {
        return false;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if crate::render::parse::parse_int_base0(&plain).is_some() || parse_go_int_base0(&plain) {
        return true;
    }
    if yaml_style_float(&plain) {
        return true;
    }
    if is_base60_float(s) || is_timestamp(s) {
        return true;
    }
    false
}

fn parse_go_int_base0(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(h) = lower.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (8, o)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (2, b)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower.get(1..).unwrap_or(""))
    } else {
        (10, lower.as_str())
    };
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix))
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+') | Some(b'-')) {
        i = 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e') | Some(b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+') | Some(b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (s, None),
    };
    if frac.is_some_and(|f| !f.chars().all(|c| c.is_ascii_digit() || c == '_')) {
        return false;
    }
    let mut parts = main.split(':');
    let Some(head) = parts.next() else {
        return false;
    };
    if !head.starts_with(|c: char| c.is_ascii_digit())
        || !head.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return false;
    }
    let mut count = 0;
    for p in parts {
        count += 1;
        let ok = match p.as_bytes() {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    count > 0
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return false;
    }
    let rest = s.get(5..).unwrap_or("");
    let date_end = rest.find(['T', 't', ' ']).unwrap_or(rest.len());
    let date = rest.get(..date_end).unwrap_or("");
    let mut dp = date.split('-');
    let ok_num = |p: Option<&str>| {
        p.is_some_and(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
    };
    if !(ok_num(dp.next()) && ok_num(dp.next()) && dp.next().is_none()) {
        return false;
    }
    if date_end == rest.len() {
        return true;
    }
    let time = rest.get(date_end + 1..).unwrap_or("").trim_start();
    let time = time.trim_end_matches('Z');
    let core = time.split(['+', '-', '.']).next().unwrap_or("");
    let mut tp = core.split(':');
    ok_num(tp.next()) && ok_num(tp.next()) && ok_num(tp.next()) && tp.next().is_none()
}

fn string_scalar(s: &str, indent: usize, col: usize, key: bool) -> String {
    let a = analyze(s);
    if a.multiline {
        // go-yaml asks for a literal block; libyaml falls back to double quotes for keys
        // and for strings a block scalar cannot carry.
        return if a.block && !key {
            literal(s, indent)
        } else {
            double_quoted(s, indent, col, !key)
        };
    }
    if !resolves_non_string(s) {
        if a.block_plain {
            return folded_plain(s, indent, col, !key);
        }
        if a.single {
            return single_quoted(s, indent, col, !key);
        }
    }
    double_quoted(s, indent, col, !key)
}

fn folded_plain(s: &str, indent: usize, col: usize, breaks: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut column = col;
    let mut spaces = false;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_space = chars.get(i + 1) == Some(&' ');
            if breaks && !spaces && column > BEST_WIDTH && !next_space {
                out.push('\n');
                for _ in 0..indent {
                    out.push(' ');
                }
                column = indent;
            } else {
                out.push(' ');
                column += 1;
            }
            spaces = true;
        } else {
            out.push(c);
            column += 1;
            spaces = false;
        }
    }
    out
}

fn single_quoted(s: &str, indent: usize, col: usize, breaks: bool) -> String {
    let mut out = String::from("'");
    let mut column = col + 1;
    let mut spaces = false;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_space = chars.get(i + 1) == Some(&' ');
            if breaks && !spaces && column > BEST_WIDTH && i != 0 && i + 1 != n && !next_space {
                out.push('\n');
                for _ in 0..indent {
                    out.push(' ');
                }
                column = indent;
            } else {
                out.push(' ');
                column += 1;
            }
            spaces = true;
        } else {
            if c == '\'' {
                out.push('\'');
                column += 1;
            }
            out.push(c);
            column += 1;
            spaces = false;
        }
    }
    out.push('\'');
    out
}

fn double_quoted(s: &str, indent: usize, col: usize, breaks: bool) -> String {
    let mut out = String::from("\"");
    let mut column = col + 1;
    let mut spaces = false;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let esc: Option<String> = match c {
            '\0' => Some("\\0".into()),
            '\u{7}' => Some("\\a".into()),
            '\u{8}' => Some("\\b".into()),
            '\t' => Some("\\t".into()),
            '\n' => Some("\\n".into()),
            '\u{b}' => Some("\\v".into()),
            '\u{c}' => Some("\\f".into()),
            '\r' => Some("\\r".into()),
            '\u{1b}' => Some("\\e".into()),
            '"' => Some("\\\"".into()),
            '\\' => Some("\\\\".into()),
            '\u{85}' => Some("\\N".into()),
            '\u{a0}' => Some("\\_".into()),
            '\u{2028}' => Some("\\L".into()),
            '\u{2029}' => Some("\\P".into()),
            '\u{feff}' => Some("\\uFEFF".into()),
            c if !is_printable(c) => {
                let u = c as u32;
                Some(if u <= 0xff {
                    format!("\\x{:02X}", u)
                } else if u <= 0xffff {
                    format!("\\u{:04X}", u)
                } else {
                    format!("\\U{:08X}", u)
                })
            }
            _ => None,
        };
        if let Some(e) = esc {
            column += e.len();
            out.push_str(&e);
            spaces = false;
        } else if c == ' ' {
            if breaks && !spaces && column > BEST_WIDTH && i != 0 && i + 1 != n {
                out.push('\n');
                for _ in 0..indent {
                    out.push(' ');
                }
                column = indent;
                if chars.get(i + 1) == Some(&' ') {
                    out.push('\\');
                    column += 1;
                }
            } else {
                out.push(' ');
                column += 1;
            }
            spaces = true;
        } else {
            out.push(c);
            column += 1;
            spaces = false;
        }
    }
    out.push('"');
    out
}

fn literal(s: &str, indent: usize) -> String {
    let mut out = String::from("|");
    let first = s.chars().next();
    if first.is_some_and(|c| c == ' ' || is_break(c)) {
        out.push('2');
    }
    let mut rev = s.chars().rev();
    let last = rev.next();
    let second_last = rev.next();
    if !last.is_some_and(is_break) {
        out.push('-');
    } else if s.chars().count() == 1 || second_last.is_some_and(is_break) {
        out.push('+');
    }
    out.push('\n');
    let mut at_line_start = true;
    for c in s.chars() {
        if is_break(c) {
            out.push('\n');
            at_line_start = true;
        } else {
            if at_line_start {
                for _ in 0..indent {
                    out.push(' ');
                }
                at_line_start = false;
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_quote_like_go_yaml() {
        let q = |s: &str| string_scalar(s, 2, 2, false);
        assert_eq!(q("yes"), "\"yes\"");
        assert_eq!(q("1.0"), "\"1.0\"");
        assert_eq!(q("0123"), "\"0123\"");
        assert_eq!(q("a: b"), "'a: b'");
        assert_eq!(q("- x"), "'- x'");
        assert_eq!(q("#hash"), "'#hash'");
        assert_eq!(q("it's"), "it's");
        assert_eq!(q("2001-12-14"), "\"2001-12-14\"");
        assert_eq!(q("1:20"), "\"1:20\"");
        assert_eq!(q("a\tb"), "\"a\\tb\"");
        assert_eq!(q("'"), "''''");
        assert_eq!(q("a, b"), "a, b");
        assert_eq!(q("<<"), "<<");
    }
}
