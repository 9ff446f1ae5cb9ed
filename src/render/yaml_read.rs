//! A small YAML reader for Helm's `fromYaml`/`fromYamlArray`: block mappings and sequences,
//! plain/single/double-quoted scalars, literal/folded block scalars, flow `[...]`/`{...}`,
//! comments, YAML 1.1 scalar resolution (numbers become float64 as after Helm's JSON step).
//! Not supported (TODO): anchors/aliases, tags beyond ignoring them, multi-line flow
//! collections, multi-document streams (only the first document is read), complex keys.
//! Must not: panic on any input, or recurse deeper than `MAX_DEPTH`.

use std::collections::BTreeMap;

use crate::render::value::{Value, MAX_DEPTH};

struct Line {
    no: usize,
    indent: usize,
    text: String,
}

type R<T> = Result<T, String>;

fn err(line: usize, msg: &str) -> String {
    format!(
        "error converting YAML to JSON: yaml: line {}: {}",
        line, msg
    )
}

/// Parse a YAML document into a value.
pub fn from_yaml(src: &str) -> R<Value> {
    let mut lines = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let t = raw.trim_end();
        if i == 0 && t.starts_with("%") {
            continue;
        }
        if t == "---" || t.starts_with("--- ") {
            if lines.is_empty() {
                let rest = t.get(3..).unwrap_or("").trim();
                if !rest.is_empty() {
                    lines.push(Line {
                        no: i + 1,
                        indent: 0,
                        text: rest.to_string(),
                    });
                }
                continue;
            }
            break;
        }
        if t == "..." {
            break;
        }
        let indent = t.len() - t.trim_start_matches(' ').len();
        lines.push(Line {
            no: i + 1,
            indent,
            text: t.get(indent..).unwrap_or("").to_string(),
        });
    }
    let mut p = P { lines, i: 0 };
    p.skip_blank();
    if p.i >= p.lines.len() {
        return Ok(Value::Nil);
    }
    let ind = p.cur().map_or(0, |l| l.indent);
    let v = p.node(ind, 0)?;
    p.skip_blank();
    if let Some(l) = p.cur() {
        return Err(err(l.no, "did not find expected <document start>"));
    }
    Ok(v)
}

struct P {
    lines: Vec<Line>,
    i: usize,
}

fn strip_comment(s: &str) -> &str {
    let (mut in_s, mut in_d) = (false, false);
    let mut prev_ws = true;
    for (k, c) in s.char_indices() {
        match c {
            '\'' if !in_d => in_s = !in_s,
            '"' if !in_s => in_d = !in_d,
            '#' if !in_s && !in_d && prev_ws => return s.get(..k).unwrap_or("").trim_end(),
            _ => {}
        }
        prev_ws = c == ' ' || c == '\t';
    }
    s
}

/// Split `key: value` at the first `: ` / trailing `:` outside quotes and brackets.
fn split_key(s: &str) -> Option<(String, &str)> {
    let (mut in_s, mut in_d, mut depth) = (false, false, 0i32);
    let b = s.as_bytes();
    for (k, c) in s.char_indices() {
        match c {
            '\'' if !in_d && (k == 0 || in_s) => in_s = !in_s,
            '"' if !in_s && (k == 0 || in_d) => in_d = !in_d,
            '[' | '{' if !in_s && !in_d => depth += 1,
            ']' | '}' if !in_s && !in_d => depth -= 1,
            ':' if !in_s && !in_d && depth == 0 => {
                let next = b.get(k + 1);
                if next.is_none() || next == Some(&b' ') || next == Some(&b'\t') {
                    let key = s.get(..k).unwrap_or("").trim();
                    let rest = s.get(k + 1..).unwrap_or("").trim();
                    let key = match scalar(key, 0) {
                        Ok(Value::Str(x)) => x.to_string(),
                        Ok(v) => v.to_str_val(),
                        Err(_) => key.to_string(),
                    };
                    return Some((key, rest));
                }
            }
            _ => {}
        }
    }
    None
}

impl P {
    fn cur(&self) -> Option<&Line> {
        self.lines.get(self.i)
    }
    fn skip_blank(&mut self) {
        while let Some(l) = self.lines.get(self.i) {
            let t = strip_comment(&l.text);
            if t.is_empty() {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn node(&mut self, indent: usize, depth: usize) -> R<Value> {
        if depth > MAX_DEPTH {
            return Err(err(self.cur().map_or(0, |l| l.no), "exceeded max depth"));
        }
        self.skip_blank();
        let Some(l) = self.cur() else {
            return Ok(Value::Nil);
        };
        let text = strip_comment(&l.text).to_string();
        if text == "-" || text.starts_with("- ") {
            return self.seq(l.indent, depth);
        }
        if split_key(&text).is_some() && !text.starts_with('[') && !text.starts_with('{') {
            return self.map(l.indent, depth);
        }
        // A scalar, possibly spanning lines (plain multi-line scalars are folded).
        let no = l.no;
        self.i += 1;
        let mut s = text;
        while let Some(n) = self.cur() {
            if n.indent < indent || strip_comment(&n.text).is_empty() {
                break;
            }
            s.push(' ');
            s.push_str(strip_comment(&n.text));
            self.i += 1;
        }
        scalar(&s, no)
    }

    fn seq(&mut self, indent: usize, depth: usize) -> R<Value> {
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            let Some(l) = self.cur() else { break };
            let text = strip_comment(&l.text).to_string();
            if l.indent != indent || !(text == "-" || text.starts_with("- ")) {
                if l.indent > indent {
                    return Err(err(l.no, "did not find expected '-' indicator"));
                }
                break;
            }
            let rest = text.get(1..).unwrap_or("").trim_start().to_string();
            let no = l.no;
            if rest.is_empty() {
                self.i += 1;
                self.skip_blank();
                match self.cur() {
                    Some(n) if n.indent > indent => {
                        let ni = n.indent;
                        items.push(self.node(ni, depth + 1)?);
                    }
                    _ => items.push(Value::Nil),
                }
                continue;
            }
            // Re-home the rest of the line as its own line at the item's content column.
            let col = indent + (text.len() - rest.len());
            if let Some(line) = self.lines.get_mut(self.i) {
                line.indent = col;
                line.text = rest.clone();
            }
            let v = if rest.starts_with("- ")
                || rest == "-"
                || (split_key(&rest).is_some() && !rest.starts_with('[') && !rest.starts_with('{'))
            {
                self.node(col, depth + 1)?
            } else {
                self.value_after_indicator(&rest, indent, no, depth)?
            };
            items.push(v);
        }
        Ok(Value::new_list(items))
    }

    fn map(&mut self, indent: usize, depth: usize) -> R<Value> {
        let mut m = BTreeMap::new();
        loop {
            self.skip_blank();
            let Some(l) = self.cur() else { break };
            if l.indent != indent {
                if l.indent > indent {
                    return Err(err(l.no, "mapping values are not allowed in this context"));
                }
                break;
            }
            let text = strip_comment(&l.text).to_string();
            let no = l.no;
            let Some((key, rest)) = split_key(&text) else {
                return Err(err(no, "could not find expected ':'"));
            };
            let rest = rest.to_string();
            let v = if rest.is_empty() {
                self.i += 1;
                self.skip_blank();
                match self.cur() {
                    Some(n) if n.indent > indent => {
                        let ni = n.indent;
                        self.node(ni, depth + 1)?
                    }
                    Some(n)
                        if n.indent == indent && (n.text == "-" || n.text.starts_with("- ")) =>
                    {
                        self.seq(indent, depth + 1)?
                    }
                    _ => Value::Nil,
                }
            } else {
                self.value_after_indicator(&rest, indent, no, depth)?
            };
            if key == "<<" {
                if let Value::Map(src) = &v {
                    for (k, x) in src.borrow().iter() {
                        m.entry(k.clone()).or_insert_with(|| x.clone());
                    }
                    continue;
                }
            }
            m.insert(key, v);
        }
        Ok(Value::new_map(m))
    }

    /// Inline value after `key:` or `- ` on the current line (consumes that line and, for
    /// block scalars or continued plain scalars, the following ones).
    fn value_after_indicator(
        &mut self,
        rest: &str,
        indent: usize,
        no: usize,
        depth: usize,
    ) -> R<Value> {
        self.i += 1;
        let head = rest.split_whitespace().next().unwrap_or("");
        if head.starts_with('|') || head.starts_with('>') {
            return Ok(Value::string(self.block_scalar(head, indent)));
        }
        if rest.starts_with('[') || rest.starts_with('{') {
            let mut fp = Flow {
                s: rest.as_bytes(),
                k: 0,
                no,
            };
            let v = fp.value(depth)?;
            fp.ws();
            if fp.k < fp.s.len() {
                return Err(err(no, "did not find expected key"));
            }
            return Ok(v);
        }
        let mut s = rest.to_string();
        if !(rest.starts_with('"') || rest.starts_with('\'')) {
            while let Some(n) = self.cur() {
                let t = strip_comment(&n.text);
                if n.indent <= indent || t.is_empty() || split_key(t).is_some() {
                    break;
                }
                s.push(' ');
                s.push_str(t);
                self.i += 1;
            }
        }
        scalar(&s, no)
    }

    fn block_scalar(&mut self, head: &str, indent: usize) -> String {
        let folded = head.starts_with('>');
        let keep = head.contains('+');
        let strip = head.contains('-');
        let explicit: Option<usize> = head
            .chars()
            .find_map(|c| c.to_digit(10))
            .map(|d| d as usize);
        let mut raw: Vec<(usize, String)> = Vec::new();
        let mut content_indent = explicit.map(|d| indent + d);
        while let Some(n) = self.lines.get(self.i) {
            if n.text.is_empty() {
                raw.push((0, String::new()));
                self.i += 1;
                continue;
            }
            let ci = *content_indent.get_or_insert(n.indent);
            if n.indent < ci || n.indent <= indent {
                break;
            }
            raw.push((n.indent - ci, n.text.clone()));
            self.i += 1;
        }
        let ci = content_indent.unwrap_or(indent + 2);
        let _ = ci;
        // Trailing empty lines.
        let mut trailing = 0;
        while raw.last().is_some_and(|(_, t)| t.is_empty()) {
            raw.pop();
            trailing += 1;
        }
        let lines: Vec<String> = raw
            .iter()
            .map(|(extra, t)| format!("{}{}", " ".repeat(*extra), t))
            .collect();
        let mut body = if folded {
            let mut out = String::new();
            for (k, l) in lines.iter().enumerate() {
                if k > 0 {
                    let prev = lines.get(k - 1).map_or("", |s| s.as_str());
                    if l.is_empty()
                        || prev.is_empty()
                        || l.starts_with(' ')
                        || prev.starts_with(' ')
                    {
                        out.push('\n');
                    } else {
                        out.push(' ');
                    }
                }
                out.push_str(l);
            }
            out
        } else {
            lines.join("\n")
        };
        if lines.is_empty() {
            return String::new();
        }
        if strip {
            return body;
        }
        body.push('\n');
        if keep {
            for _ in 0..trailing {
                body.push('\n');
            }
        }
        body
    }
}

struct Flow<'a> {
    s: &'a [u8],
    k: usize,
    no: usize,
}

impl Flow<'_> {
    fn ws(&mut self) {
        while self
            .s
            .get(self.k)
            .is_some_and(|c| *c == b' ' || *c == b'\t')
        {
            self.k += 1;
        }
    }
    fn value(&mut self, depth: usize) -> R<Value> {
        if depth > MAX_DEPTH {
            return Err(err(self.no, "exceeded max depth"));
        }
        self.ws();
        match self.s.get(self.k) {
            None => Err(err(self.no, "did not find expected node content")),
            Some(b'[') => {
                self.k += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.s.get(self.k) {
                        None => return Err(err(self.no, "did not find expected node content")),
                        Some(b']') => {
                            self.k += 1;
                            return Ok(Value::new_list(items));
                        }
                        Some(b',') => self.k += 1,
                        _ => items.push(self.value(depth + 1)?),
                    }
                }
            }
            Some(b'{') => {
                self.k += 1;
                let mut m = BTreeMap::new();
                loop {
                    self.ws();
                    match self.s.get(self.k) {
                        None => return Err(err(self.no, "did not find expected node content")),
                        Some(b'}') => {
                            self.k += 1;
                            return Ok(Value::new_map(m));
                        }
                        Some(b',') => self.k += 1,
                        _ => {
                            let key = self.atom(true)?;
                            self.ws();
                            let v = if self.s.get(self.k) == Some(&b':') {
                                self.k += 1;
                                self.value(depth + 1)?
                            } else {
                                Value::Nil
                            };
                            m.insert(key.to_str_val(), v);
                        }
                    }
                }
            }
            _ => self.atom(false),
        }
    }
    fn atom(&mut self, is_key: bool) -> R<Value> {
        self.ws();
        let start = self.k;
        let quote = self
            .s
            .get(self.k)
            .copied()
            .filter(|c| *c == b'"' || *c == b'\'');
        if let Some(q) = quote {
            self.k += 1;
            while let Some(&c) = self.s.get(self.k) {
                self.k += 1;
                if c == b'\\' && q == b'"' {
                    self.k += 1;
                } else if c == q {
                    if q == b'\'' && self.s.get(self.k) == Some(&b'\'') {
                        self.k += 1;
                        continue;
                    }
                    break;
                }
            }
        } else {
            while let Some(&c) = self.s.get(self.k) {
                if c == b',' || c == b']' || c == b'}' || (is_key && c == b':') {
                    break;
                }
                if c == b':' && matches!(self.s.get(self.k + 1), Some(b' ') | None) {
                    break;
                }
                self.k += 1;
            }
        }
        if self.k == start {
            return Err(err(self.no, "did not find expected ',' or ']'"));
        }
        let text =
            String::from_utf8_lossy(self.s.get(start..self.k).unwrap_or_default()).into_owned();
        scalar(text.trim(), self.no)
    }
}

/// Resolve one scalar (quoted or plain) with YAML 1.1 rules; numbers become float64.
fn scalar(s: &str, no: usize) -> R<Value> {
    let s = s.trim();
    let s = if let Some(rest) = s.strip_prefix("!!str ") {
        return Ok(Value::str(unquote(rest.trim(), no)?.as_str()));
    } else if s.starts_with("!!") || s.starts_with('!') {
        s.split_once(' ').map_or("", |(_, r)| r).trim()
    } else {
        s
    };
    if s.starts_with('"') || s.starts_with('\'') {
        return Ok(Value::string(unquote(s, no)?));
    }
    if s.starts_with('&') || s.starts_with('*') {
        return Err(err(
            no,
            "anchors and aliases are not supported by helm-render",
        ));
    }
    Ok(match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Nil,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Value::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Float(f64::NEG_INFINITY),
        _ => {
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            let first_ok =
                s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.');
            if first_ok {
                if let Some(i) = crate::render::funcs::parse_int_base0(&plain) {
                    return Ok(Value::Float(i as f64));
                }
                if let Ok(f) = plain.parse::<f64>() {
                    if !plain.contains(['i', 'I', 'n', 'N']) {
                        return Ok(Value::Float(f));
                    }
                }
            }
            Value::str(s)
        }
    })
}

fn unquote(s: &str, no: usize) -> R<String> {
    if let Some(body) = s.strip_prefix('\'') {
        let Some(body) = body.strip_suffix('\'') else {
            return Err(err(no, "found unexpected end of stream"));
        };
        return Ok(body.replace("''", "'"));
    }
    if let Some(body) = s.strip_prefix('"') {
        let Some(body) = body.strip_suffix('"') else {
            return Err(err(no, "found unexpected end of stream"));
        };
        let mut out = String::new();
        let mut it = body.chars();
        while let Some(c) = it.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('/') => out.push('/'),
                Some(' ') => out.push(' '),
                Some('x') | Some('u') | Some('U') => {
                    let hex: String = it.by_ref().take_while(|c| c.is_ascii_hexdigit()).collect();
                    out.push(
                        u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .unwrap_or('\u{fffd}'),
                    );
                }
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => {}
            }
        }
        return Ok(out);
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(s: &str) -> String {
        crate::render::json::to_json(&from_yaml(s).unwrap(), None, true).unwrap()
    }

    #[test]
    fn reads_common_yaml() {
        assert_eq!(j("a: 1\nb: [x]"), r#"{"a":1,"b":["x"]}"#);
        assert_eq!(
            j("x:\n  - a\n  - b: 2\n    c: 'q'\nw: |\n  l1\n  l2\nz: yes # c\n"),
            r#"{"w":"l1\nl2\n","x":["a",{"b":2,"c":"q"}],"z":true}"#
        );
        assert_eq!(j("k:\n- 1\n- \"s\"\n"), r#"{"k":[1,"s"]}"#);
        assert_eq!(
            from_yaml("a: [").unwrap_err(),
            "error converting YAML to JSON: yaml: line 1: did not find expected node content"
        );
    }
}
