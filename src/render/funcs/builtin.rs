//! Go `text/template` builtin functions: eq ne lt le gt ge not len index slice print printf
//! println html js urlquery call (and/or are evaluated by the executor).
//! Must not: panic on any argument (bad indexes and types are errors, as in Go).

use super::{want_str, FnError, Funcs};
use crate::render::fmt::{sprint, sprintf, sprintln};
use crate::render::value::Value;

pub fn register(f: &mut Funcs) {
    f.register("not", 1, Some(1), |a| {
        Ok(Value::Bool(!a.first().is_some_and(Value::truthy)))
    });
    f.register("eq", 1, None, |a| {
        let (x, rest) = a.split_first().ok_or("missing argument for comparison")?;
        if rest.is_empty() {
            return Err("missing argument for comparison".into());
        }
        for y in rest {
            if eq(x, y)? {
                return Ok(Value::Bool(true));
            }
        }
        Ok(Value::Bool(false))
    });
    f.register("ne", 2, Some(2), |a| {
        Ok(Value::Bool(!eq(arg(a, 0), arg(a, 1))?))
    });
    f.register("lt", 2, Some(2), |a| {
        Ok(Value::Bool(lt(arg(a, 0), arg(a, 1))?))
    });
    f.register("le", 2, Some(2), |a| {
        Ok(Value::Bool(
            lt(arg(a, 0), arg(a, 1))? || eq(arg(a, 0), arg(a, 1))?,
        ))
    });
    f.register("gt", 2, Some(2), |a| {
        Ok(Value::Bool(
            !(lt(arg(a, 0), arg(a, 1))? || eq(arg(a, 0), arg(a, 1))?),
        ))
    });
    f.register("ge", 2, Some(2), |a| {
        Ok(Value::Bool(!lt(arg(a, 0), arg(a, 1))?))
    });
    f.register("len", 1, Some(1), |a| {
        let n = match arg(a, 0) {
            Value::Str(s) => s.len(),
            Value::List(l) => l.borrow().len(),
            Value::Map(m) => m.borrow().len(),
            Value::Nil => return Err("len of nil pointer".into()),
            v => return Err(format!("len of type {}", v.type_name()).into()),
        };
        Ok(Value::Int(n as i64))
    });
    f.register("index", 1, None, |a| {
        let (item, idx) = a.split_first().ok_or("missing argument")?;
        let mut cur = item.clone();
        for i in idx {
            cur = index_one(&cur, i)?;
        }
        Ok(cur)
    });
    f.register("slice", 1, None, slice);
    f.register("print", 0, None, |a| Ok(Value::string(sprint(a))));
    f.register("println", 0, None, |a| Ok(Value::string(sprintln(a))));
    f.register("printf", 1, None, |a| {
        let fmt = want_str(a, 0)?;
        Ok(Value::string(sprintf(fmt, a.get(1..).unwrap_or_default())))
    });
    f.register("html", 0, None, |a| {
        Ok(Value::string(html_escape(&eval_args(a))))
    });
    f.register("js", 0, None, |a| {
        Ok(Value::string(js_escape(&eval_args(a))))
    });
    f.register("urlquery", 0, None, |a| {
        Ok(Value::string(query_escape(&eval_args(a))))
    });
    f.register("call", 1, None, |a| {
        Err(format!("can't call non-function {}", arg(a, 0).to_go_string()).into())
    });
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Float,
    Str,
}

fn basic(v: &Value) -> Option<Kind> {
    match v {
        Value::Bool(_) => Some(Kind::Bool),
        Value::Int(_) => Some(Kind::Int),
        Value::Float(_) => Some(Kind::Float),
        Value::Str(_) => Some(Kind::Str),
        _ => None,
    }
}

/// Go's `eq` for one pair.
pub fn eq(a: &Value, b: &Value) -> Result<bool, FnError> {
    match (a, b) {
        (Value::Nil, Value::Nil) => return Ok(true),
        (Value::Nil, _) | (_, Value::Nil) => return Ok(false),
        _ => {}
    }
    match (basic(a), basic(b)) {
        (Some(k1), Some(k2)) if k1 == k2 => Ok(match (a, b) {
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Float(x), Value::Float(y)) => x == y,
            (Value::Str(x), Value::Str(y)) => x == y,
            _ => false,
        }),
        (None, None) => match (a, b) {
            (Value::Object(x), Value::Object(y)) => Ok(std::rc::Rc::ptr_eq(x, y)),
            _ => Err(format!(
                "non-comparable types {}: {}, {}: {}",
                a.to_go_string(),
                a.type_name(),
                b.type_name(),
                b.to_go_string()
            )
            .into()),
        },
        _ => Err(format!(
            "incompatible types for comparison: {} and {}",
            a.type_name(),
            b.type_name()
        )
        .into()),
    }
}

/// Go's `lt`.
pub fn lt(a: &Value, b: &Value) -> Result<bool, FnError> {
    let (Some(k1), Some(k2)) = (basic(a), basic(b)) else {
        return Err("invalid type for comparison".into());
    };
    if k1 != k2 {
        return Err("incompatible types for comparison".into());
    }
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x < y),
        (Value::Float(x), Value::Float(y)) => Ok(x < y),
        (Value::Str(x), Value::Str(y)) => Ok(x < y),
        _ => Err("invalid type for comparison".into()),
    }
}

fn index_one(cur: &Value, i: &Value) -> Result<Value, FnError> {
    match cur {
        Value::List(l) => {
            let n = index_int(i, "slice/array")?;
            let l = l.borrow();
            usize::try_from(n)
                .ok()
                .and_then(|k| l.get(k).cloned())
                .ok_or_else(|| FnError::Msg(format!("index out of range: {}", n)))
        }
        Value::Str(s) => {
            let n = index_int(i, "string")?;
            usize::try_from(n)
                .ok()
                .and_then(|k| s.as_bytes().get(k).copied())
                .map(|b| Value::Int(i64::from(b)))
                .ok_or_else(|| FnError::Msg(format!("index out of range: {}", n)))
        }
        Value::Map(m) => match i {
            Value::Str(k) => Ok(m.borrow().get(&**k).cloned().unwrap_or_default()),
            Value::Nil => Ok(Value::Nil),
            other => Err(format!("value has type {}; should be string", other.type_name()).into()),
        },
        Value::Nil => Err("index of untyped nil".into()),
        other => Err(format!("can't index item of type {}", other.type_name()).into()),
    }
}

fn index_int(i: &Value, what: &str) -> Result<i64, FnError> {
    match i {
        Value::Int(n) => Ok(*n),
        Value::Nil => Err(format!("cannot index {} with nil", what).into()),
        other => Err(format!("cannot index {} with type {}", what, other.type_name()).into()),
    }
}

fn slice(a: &[Value]) -> Result<Value, FnError> {
    let (item, idx) = a.split_first().ok_or("missing argument")?;
    let mut ix = Vec::new();
    for i in idx {
        ix.push(index_int(i, "slice")?);
    }
    let len = match item {
        Value::Str(s) => s.len(),
        Value::List(l) => l.borrow().len(),
        Value::Nil => return Err("slice of untyped nil".into()),
        other => return Err(format!("can't slice item of type {}", other.type_name()).into()),
    };
    if ix.len() > 3 || (ix.len() > 2 && matches!(item, Value::Str(_))) {
        return Err(format!("too many slice indexes: {}", ix.len()).into());
    }
    let lo = ix.first().copied().unwrap_or(0);
    let hi = ix.get(1).copied().unwrap_or(len as i64);
    if lo < 0 || hi < lo || hi > len as i64 {
        return Err(format!("index out of range: {}", if lo < 0 { lo } else { hi }).into());
    }
    let (lo, hi) = (lo as usize, hi as usize);
    Ok(match item {
        Value::Str(s) => Value::string(
            String::from_utf8_lossy(s.as_bytes().get(lo..hi).unwrap_or_default()).into_owned(),
        ),
        Value::List(l) => Value::new_list(l.borrow().get(lo..hi).unwrap_or_default().to_vec()),
        _ => Value::Nil,
    })
}

/// Go's `evalArgs` for html/js/urlquery: a single string as is, else `Sprint`.
fn eval_args(a: &[Value]) -> String {
    match a {
        [Value::Str(s)] => s.to_string(),
        _ => sprint(a),
    }
}

fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => o.push('\u{fffd}'),
            '"' => o.push_str("&#34;"),
            '\'' => o.push_str("&#39;"),
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            c => o.push(c),
        }
    }
    o
}

fn js_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\'' => o.push_str("\\'"),
            '"' => o.push_str("\\\""),
            '<' => o.push_str("\\u003C"),
            '>' => o.push_str("\\u003E"),
            '&' => o.push_str("\\u0026"),
            '=' => o.push_str("\\u003D"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04X}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

/// Go `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                o.push(b as char)
            }
            b' ' => o.push('+'),
            b => o.push_str(&format!("%{:02X}", b)),
        }
    }
    o
}
