//! JSON output with Go `encoding/json` conventions (sorted map keys, `<`,`>`,`&`, U+2028/9
//! escaped, float formatting) for Helm's `toJson`/`toPrettyJson`/`toRawJson`.
//! Must not: panic on any value (NaN/Inf make the encoding fail, as in Go).

use crate::render::value::{format_float_e, format_float_f, Value, MAX_DEPTH};

/// Encode like `json.Marshal` (`indent` = None) or `json.MarshalIndent(v, "", indent)`.
/// `html` = escape `<`, `>`, `&` (Go's default). Returns None when Go would fail.
pub fn to_json(v: &Value, indent: Option<&str>, html: bool) -> Option<String> {
    let mut out = String::new();
    write(v, &mut out, indent, html, 0)?;
    Some(out)
}

fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn write(
    v: &Value,
    out: &mut String,
    indent: Option<&str>,
    html: bool,
    depth: usize,
) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&json_float(*f)?),
        Value::Str(s) => write_str(s, out, html),
        Value::List(l) => {
            let l = l.borrow();
            if l.is_empty() {
                out.push_str("[]");
                return Some(());
            }
            out.push('[');
            for (i, e) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write(e, out, indent, html, depth + 1)?;
            }
            newline(out, indent, depth);
            out.push(']');
        }
        Value::Map(m) => {
            let m = m.borrow();
            if m.is_empty() {
                out.push_str("{}");
                return Some(());
            }
            out.push('{');
            for (i, (k, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_str(k, out, html);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(e, out, indent, html, depth + 1)?;
            }
            newline(out, indent, depth);
            out.push('}');
        }
        Value::Object(o) => write(&o.to_data(), out, indent, html, depth + 1)?,
    }
    Some(())
}

/// Go's float encoding: `%f`-like shortest unless < 1e-6 or >= 1e21.
pub fn json_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let a = f.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let s = format_float_e(f);
        // e-07 -> e-7
        Some(match s.find("e-0") {
            Some(k) => format!(
                "{}e-{}",
                s.get(..k).unwrap_or(""),
                s.get(k + 3..).unwrap_or("")
            ),
            None => s,
        })
    } else {
        Some(format_float_f(f))
    }
}

/// A string as Go's encoding/json writes it (`html`: `<`, `>`, `&` escaped too, as
/// `json.Marshal` does); Kustomize's generators hash this form.
pub fn write_str(s: &str, out: &mut String, html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parse JSON text into a value (numbers become float64, like Go's `interface{}` decoding).
pub fn from_json(s: &str) -> Result<Value, String> {
    let j: serde_json::Value = serde_json::from_str(s).map_err(|e| e.to_string())?;
    Ok(Value::from(j))
}
