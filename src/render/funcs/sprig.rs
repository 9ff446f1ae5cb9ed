//! Sprig v3 functions: strings, conversions, integer/float math, lists, dicts (mutating in
//! place like Sprig), defaults/flow, type inspection, encodings, semver, paths, and
//! deterministic placeholders for random / time / crypto functions. Names Sprig has but this
//! crate does not implement are registered as failing functions so templates still parse.
//! Must not: panic on any argument, do I/O, or produce non-deterministic output.

use std::collections::BTreeMap;

use super::codec::{adler32, b64_decode, b64_encode, sha1_hex, sha256_hex};
use super::gotime::{Civil, PLACEHOLDER_NOW};
use super::semver::{check, Version};
use super::{
    is_empty, str_slice, to_float64, to_int64, want_bool, want_int, want_list, want_map, want_str,
    FnError, Funcs,
};
use crate::render::regex::Regex;
use crate::render::value::{format_float_g, Map, Value, MAX_DEPTH};

type Res = Result<Value, FnError>;

fn s(v: String) -> Res {
    Ok(Value::string(v))
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

fn list_of(v: Vec<Value>) -> Res {
    Ok(Value::new_list(v))
}

/// Items of any list-like argument (Sprig accepts any slice kind).
fn items(v: &Value, fname: &str) -> Result<Vec<Value>, FnError> {
    match v {
        Value::List(l) => Ok(l.borrow().clone()),
        Value::Nil => Ok(Vec::new()),
        other => Err(FnError::Msg(format!(
            "Cannot {} on type {}",
            fname,
            other.type_name()
        ))),
    }
}

fn str_fn(f: &mut Funcs, name: &str, op: fn(&str) -> String) {
    f.register(name, 1, Some(1), move |a| s(op(want_str(a, 0)?)));
}

fn title(x: &str) -> String {
    let mut out = String::with_capacity(x.len());
    let mut prev_sep = true;
    for c in x.chars() {
        if prev_sep && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = !(c.is_alphanumeric() || c == '_' || c == '\'');
    }
    out
}

fn byte_slice(x: &str, lo: usize, hi: usize) -> String {
    String::from_utf8_lossy(x.as_bytes().get(lo..hi).unwrap_or_default()).into_owned()
}

fn indent_str(n: i64, x: &str) -> String {
    let pad = " ".repeat(n.clamp(0, 10_000) as usize);
    format!("{}{}", pad, x.replace('\n', &format!("\n{}", pad)))
}

fn split_words(x: &str) -> Vec<String> {
    // Word boundaries for case conversions: non-alphanumerics and lower->upper changes.
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in x.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

pub fn register(f: &mut Funcs) {
    // ---- strings
    str_fn(f, "upper", |x| x.to_uppercase());
    str_fn(f, "lower", |x| x.to_lowercase());
    str_fn(f, "title", title);
    str_fn(f, "untitle", |x| {
        let mut out = String::new();
        let mut prev_sep = true;
        for c in x.chars() {
            if prev_sep {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
            prev_sep = c.is_whitespace();
        }
        out
    });
    str_fn(f, "trim", |x| x.trim().to_string());
    str_fn(f, "nospace", |x| {
        x.chars().filter(|c| !c.is_whitespace()).collect()
    });
    str_fn(f, "swapcase", |x| {
        x.chars()
            .map(|c| {
                if c.is_uppercase() {
                    c.to_lowercase().collect::<String>()
                } else {
                    c.to_uppercase().collect()
                }
            })
            .collect()
    });
    str_fn(f, "snakecase", |x| split_words(x).join("_").to_lowercase());
    str_fn(f, "kebabcase", |x| split_words(x).join("-").to_lowercase());
    str_fn(f, "camelcase", |x| {
        x.split('_').map(title).collect::<Vec<_>>().join("")
    });
    str_fn(f, "initials", |x| {
        x.split_whitespace()
            .filter_map(|w| w.chars().next())
            .collect()
    });
    str_fn(f, "b64enc", |x| b64_encode(x.as_bytes()));
    str_fn(f, "b64dec", |x| match b64_decode(x) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => e,
    });
    str_fn(f, "sha256sum", |x| sha256_hex(x.as_bytes()));
    str_fn(f, "sha1sum", |x| sha1_hex(x.as_bytes()));
    str_fn(f, "adler32sum", |x| adler32(x.as_bytes()).to_string());
    str_fn(f, "base", path_base);
    str_fn(f, "dir", path_dir);
    str_fn(f, "ext", |x| {
        let b = x.rsplit('/').next().unwrap_or("");
        b.rfind('.')
            .map(|k| b.get(k..).unwrap_or("").to_string())
            .unwrap_or_default()
    });
    str_fn(f, "clean", path_clean);
    f.register("isAbs", 1, Some(1), |a| {
        Ok(Value::Bool(want_str(a, 0)?.starts_with('/')))
    });
    f.register("trimAll", 2, Some(2), |a| {
        let cut: Vec<char> = want_str(a, 0)?.chars().collect();
        s(want_str(a, 1)?
            .trim_matches(|c| cut.contains(&c))
            .to_string())
    });
    f.register("trimall", 2, Some(2), |a| {
        let cut: Vec<char> = want_str(a, 0)?.chars().collect();
        s(want_str(a, 1)?
            .trim_matches(|c| cut.contains(&c))
            .to_string())
    });
    f.register("trimSuffix", 2, Some(2), |a| {
        let (suf, x) = (want_str(a, 0)?, want_str(a, 1)?);
        s(x.strip_suffix(suf).unwrap_or(x).to_string())
    });
    f.register("trimPrefix", 2, Some(2), |a| {
        let (pre, x) = (want_str(a, 0)?, want_str(a, 1)?);
        s(x.strip_prefix(pre).unwrap_or(x).to_string())
    });
    f.register("trunc", 2, Some(2), |a| {
        let (c, x) = (want_int(a, 0)?, want_str(a, 1)?);
        let n = x.len() as i64;
        if c < 0 && n + c > 0 {
            return s(byte_slice(x, (n + c) as usize, x.len()));
        }
        if c >= 0 && n > c {
            return s(byte_slice(x, 0, c as usize));
        }
        s(x.to_string())
    });
    f.register("abbrev", 2, Some(2), |a| {
        let (w, x) = (want_int(a, 0)?, want_str(a, 1)?);
        if w < 4 || (x.len() as i64) <= w {
            return s(x.to_string());
        }
        s(format!("{}...", byte_slice(x, 0, (w - 3) as usize)))
    });
    f.register("substr", 3, Some(3), |a| {
        let (st, en, x) = (want_int(a, 0)?, want_int(a, 1)?, want_str(a, 2)?);
        let n = x.len() as i64;
        let st = st.max(0);
        let en = if en < 0 || en > n { n } else { en };
        if st > en {
            return s(String::new());
        }
        s(byte_slice(x, st as usize, en as usize))
    });
    f.register("repeat", 2, Some(2), |a| {
        let (c, x) = (want_int(a, 0)?, want_str(a, 1)?);
        if c < 0 {
            return Err("strings: negative Repeat count".into());
        }
        if (c as u128) * (x.len() as u128) > 64 << 20 {
            return Err("repeat: result too large".into());
        }
        s(x.repeat(c as usize))
    });
    f.register("replace", 3, Some(3), |a| {
        let (old, new, x) = (want_str(a, 0)?, want_str(a, 1)?, want_str(a, 2)?);
        s(go_replace_all(x, old, new))
    });
    f.register("contains", 2, Some(2), |a| {
        Ok(Value::Bool(want_str(a, 1)?.contains(want_str(a, 0)?)))
    });
    f.register("hasPrefix", 2, Some(2), |a| {
        Ok(Value::Bool(want_str(a, 1)?.starts_with(want_str(a, 0)?)))
    });
    f.register("hasSuffix", 2, Some(2), |a| {
        Ok(Value::Bool(want_str(a, 1)?.ends_with(want_str(a, 0)?)))
    });
    f.register("indent", 2, Some(2), |a| {
        s(indent_str(want_int(a, 0)?, want_str(a, 1)?))
    });
    f.register("nindent", 2, Some(2), |a| {
        s(format!(
            "\n{}",
            indent_str(want_int(a, 0)?, want_str(a, 1)?)
        ))
    });
    f.register("quote", 0, None, |a| {
        s(a.iter()
            .filter(|v| !v.is_nil())
            .map(|v| crate::render::value::go_quote(&v.to_str_val()))
            .collect::<Vec<_>>()
            .join(" "))
    });
    f.register("squote", 0, None, |a| {
        s(a.iter()
            .filter(|v| !v.is_nil())
            .map(|v| format!("'{}'", v.to_str_val()))
            .collect::<Vec<_>>()
            .join(" "))
    });
    f.register("cat", 0, None, |a| {
        s(a.iter()
            .filter(|v| !v.is_nil())
            .map(|v| v.to_str_val())
            .collect::<Vec<_>>()
            .join(" "))
    });
    f.register("wrap", 2, Some(2), |a| {
        s(wrap(want_str(a, 1)?, want_int(a, 0)?, "\n"))
    });
    f.register("wrapWith", 3, Some(3), |a| {
        s(wrap(want_str(a, 2)?, want_int(a, 0)?, want_str(a, 1)?))
    });
    f.register("plural", 3, Some(3), |a| {
        let n = want_int(a, 2)?;
        s(if n == 1 {
            want_str(a, 0)?
        } else {
            want_str(a, 1)?
        }
        .to_string())
    });
    f.register("split", 2, Some(2), |a| {
        let (sep, x) = (want_str(a, 0)?, want_str(a, 1)?);
        let m: BTreeMap<String, Value> = go_split(x, sep, -1)
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("_{}", i), Value::string(p)))
            .collect();
        Ok(Value::new_map(m))
    });
    f.register("splitn", 3, Some(3), |a| {
        let (sep, n, x) = (want_str(a, 0)?, want_int(a, 1)?, want_str(a, 2)?);
        let m: BTreeMap<String, Value> = go_split(x, sep, n)
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("_{}", i), Value::string(p)))
            .collect();
        Ok(Value::new_map(m))
    });
    f.register("splitList", 2, Some(2), |a| {
        let (sep, x) = (want_str(a, 0)?, want_str(a, 1)?);
        list_of(
            go_split(x, sep, -1)
                .into_iter()
                .map(Value::string)
                .collect(),
        )
    });
    f.register("join", 2, Some(2), |a| {
        s(str_slice(arg(a, 1)).join(want_str(a, 0)?))
    });
    f.register("sortAlpha", 1, Some(1), |a| {
        let mut v = str_slice(arg(a, 0));
        v.sort();
        list_of(v.into_iter().map(Value::string).collect())
    });
    f.register("toStrings", 1, Some(1), |a| {
        list_of(
            str_slice(arg(a, 0))
                .into_iter()
                .map(Value::string)
                .collect(),
        )
    });
    f.register("b32enc", 1, Some(1), |_| {
        Err("b32enc is not implemented by helm-render".into())
    });

    // ---- conversions
    f.register("toString", 1, Some(1), |a| s(arg(a, 0).to_str_val()));
    f.register("int", 1, Some(1), |a| Ok(Value::Int(to_int64(arg(a, 0)))));
    f.register("int64", 1, Some(1), |a| Ok(Value::Int(to_int64(arg(a, 0)))));
    f.register("float64", 1, Some(1), |a| {
        Ok(Value::Float(to_float64(arg(a, 0))))
    });
    f.register("toDecimal", 1, Some(1), |a| {
        Ok(Value::Int(
            i64::from_str_radix(&arg(a, 0).to_str_val(), 8).unwrap_or(0),
        ))
    });
    f.register("atoi", 1, Some(1), |a| {
        Ok(Value::Int(want_str(a, 0)?.parse().unwrap_or(0)))
    });

    // ---- integer math (int64, Sprig semantics) and float math
    f.register("add", 0, None, |a| {
        Ok(Value::Int(
            a.iter().fold(0i64, |s, v| s.wrapping_add(to_int64(v))),
        ))
    });
    f.register("add1", 1, Some(1), |a| {
        Ok(Value::Int(to_int64(arg(a, 0)).wrapping_add(1)))
    });
    f.register("sub", 2, Some(2), |a| {
        Ok(Value::Int(
            to_int64(arg(a, 0)).wrapping_sub(to_int64(arg(a, 1))),
        ))
    });
    f.register("mul", 1, None, |a| {
        Ok(Value::Int(
            a.iter().fold(1i64, |s, v| s.wrapping_mul(to_int64(v))),
        ))
    });
    f.register("div", 2, Some(2), |a| {
        let d = to_int64(arg(a, 1));
        if d == 0 {
            return Err("runtime error: integer divide by zero".into());
        }
        Ok(Value::Int(to_int64(arg(a, 0)).wrapping_div(d)))
    });
    f.register("mod", 2, Some(2), |a| {
        let d = to_int64(arg(a, 1));
        if d == 0 {
            return Err("runtime error: integer divide by zero".into());
        }
        Ok(Value::Int(to_int64(arg(a, 0)).wrapping_rem(d)))
    });
    for name in ["max", "biggest"] {
        f.register(name, 1, None, |a| {
            Ok(Value::Int(a.iter().map(to_int64).max().unwrap_or(0)))
        });
    }
    f.register("min", 1, None, |a| {
        Ok(Value::Int(a.iter().map(to_int64).min().unwrap_or(0)))
    });
    f.register("addf", 0, None, |a| {
        Ok(Value::Float(a.iter().map(to_float64).sum()))
    });
    f.register("add1f", 1, Some(1), |a| {
        Ok(Value::Float(to_float64(arg(a, 0)) + 1.0))
    });
    f.register("subf", 1, None, |a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).fold(first, |s, v| s - to_float64(v)),
        ))
    });
    f.register("mulf", 1, None, |a| {
        Ok(Value::Float(a.iter().map(to_float64).product()))
    });
    f.register("divf", 1, None, |a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).fold(first, |s, v| s / to_float64(v)),
        ))
    });
    f.register("maxf", 1, None, |a| {
        Ok(Value::Float(
            a.iter().map(to_float64).fold(f64::MIN, f64::max),
        ))
    });
    f.register("minf", 1, None, |a| {
        Ok(Value::Float(
            a.iter().map(to_float64).fold(f64::MAX, f64::min),
        ))
    });
    f.register("floor", 1, Some(1), |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).floor()))
    });
    f.register("ceil", 1, Some(1), |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).ceil()))
    });
    f.register("round", 2, Some(3), |a| {
        let x = to_float64(arg(a, 0));
        let p = to_int64(arg(a, 1)).clamp(0, 15) as i32;
        let m = 10f64.powi(p);
        Ok(Value::Float((x * m).round() / m))
    });
    f.register("until", 1, Some(1), |a| {
        let n = want_int(a, 0)?;
        until_step(0, n, if n < 0 { -1 } else { 1 })
    });
    f.register("untilStep", 3, Some(3), |a| {
        until_step(want_int(a, 0)?, want_int(a, 1)?, want_int(a, 2)?)
    });
    f.register("seq", 0, None, |a| {
        let p: Vec<i64> = a.iter().map(to_int64).collect();
        let (st, step, en) = match p.as_slice() {
            [e] => (1, if *e >= 1 { 1 } else { -1 }, *e),
            [st, e] => (*st, if e >= st { 1 } else { -1 }, *e),
            [st, step, e] => (*st, *step, *e),
            _ => return s(String::new()),
        };
        if step == 0 || (step > 0 && st > en) || (step < 0 && st < en) {
            return s(String::new());
        }
        let mut out = Vec::new();
        let mut i = st;
        while (step > 0 && i <= en) || (step < 0 && i >= en) {
            out.push(i.to_string());
            if out.len() > 1_000_000 {
                break;
            }
            i = i.saturating_add(step);
        }
        s(out.join(" "))
    });
    f.register("randInt", 2, Some(2), |a| {
        Ok(Value::Int(to_int64(arg(a, 0))))
    });

    // ---- defaults and flow
    f.register("default", 1, None, |a| {
        let d = arg(a, 0);
        match a.get(1) {
            Some(g) if !is_empty(g) => Ok(g.clone()),
            _ => Ok(d.clone()),
        }
    });
    f.register("empty", 1, Some(1), |a| {
        Ok(Value::Bool(is_empty(arg(a, 0))))
    });
    f.register("coalesce", 0, None, |a| {
        Ok(a.iter().find(|v| !is_empty(v)).cloned().unwrap_or_default())
    });
    f.register("all", 0, None, |a| {
        Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
    });
    f.register("any", 0, None, |a| {
        Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
    });
    f.register("ternary", 3, Some(3), |a| {
        Ok(if want_bool(a, 2)? {
            arg(a, 0).clone()
        } else {
            arg(a, 1).clone()
        })
    });
    f.register("fail", 1, Some(1), |a| {
        Err(FnError::Msg(want_str(a, 0)?.to_string()))
    });

    // ---- type inspection
    f.register("typeOf", 1, Some(1), |a| s(arg(a, 0).type_name()));
    f.register("kindOf", 1, Some(1), |a| {
        s(arg(a, 0).kind_name().to_string())
    });
    f.register("typeIs", 2, Some(2), |a| {
        Ok(Value::Bool(want_str(a, 0)? == arg(a, 1).type_name()))
    });
    f.register("typeIsLike", 2, Some(2), |a| {
        let t = want_str(a, 0)?;
        let n = arg(a, 1).type_name();
        Ok(Value::Bool(t == n || t == format!("*{}", n)))
    });
    f.register("kindIs", 2, Some(2), |a| {
        Ok(Value::Bool(want_str(a, 0)? == arg(a, 1).kind_name()))
    });
    f.register("deepEqual", 2, Some(2), |a| {
        Ok(Value::Bool(arg(a, 0).deep_equal(arg(a, 1))))
    });

    // ---- lists
    f.register("list", 0, None, |a| list_of(a.to_vec()));
    f.register("tuple", 0, None, |a| list_of(a.to_vec()));
    for (name, must) in [
        ("append", false),
        ("push", false),
        ("mustAppend", true),
        ("mustPush", true),
    ] {
        let _ = must;
        f.register(name, 2, Some(2), |a| {
            let l = want_list(a, 0, "push")?;
            let mut v = l.borrow().clone();
            v.push(arg(a, 1).clone());
            list_of(v)
        });
    }
    for name in ["prepend", "mustPrepend"] {
        f.register(name, 2, Some(2), |a| {
            let l = want_list(a, 0, "prepend")?;
            let mut v = vec![arg(a, 1).clone()];
            v.extend(l.borrow().iter().cloned());
            list_of(v)
        });
    }
    for name in ["first", "mustFirst"] {
        f.register(name, 1, Some(1), |a| {
            Ok(items(arg(a, 0), "find first")?
                .first()
                .cloned()
                .unwrap_or_default())
        });
    }
    for name in ["last", "mustLast"] {
        f.register(name, 1, Some(1), |a| {
            Ok(items(arg(a, 0), "find last")?
                .last()
                .cloned()
                .unwrap_or_default())
        });
    }
    for name in ["rest", "mustRest"] {
        f.register(name, 1, Some(1), |a| {
            let v = items(arg(a, 0), "find rest")?;
            if v.is_empty() {
                return Ok(Value::Nil);
            }
            list_of(v.get(1..).unwrap_or_default().to_vec())
        });
    }
    for name in ["initial", "mustInitial"] {
        f.register(name, 1, Some(1), |a| {
            let v = items(arg(a, 0), "find initial")?;
            if v.is_empty() {
                return Ok(Value::Nil);
            }
            list_of(v.get(..v.len() - 1).unwrap_or_default().to_vec())
        });
    }
    for name in ["reverse", "mustReverse"] {
        f.register(name, 1, Some(1), |a| {
            let mut v = items(arg(a, 0), "reverse")?;
            v.reverse();
            list_of(v)
        });
    }
    for name in ["uniq", "mustUniq"] {
        f.register(name, 1, Some(1), |a| {
            let mut out: Vec<Value> = Vec::new();
            for x in items(arg(a, 0), "uniq")? {
                if !out.iter().any(|y| y.deep_equal(&x)) {
                    out.push(x);
                }
            }
            list_of(out)
        });
    }
    for name in ["compact", "mustCompact"] {
        f.register(name, 1, Some(1), |a| {
            list_of(
                items(arg(a, 0), "compact")?
                    .into_iter()
                    .filter(|x| !is_empty(x))
                    .collect(),
            )
        });
    }
    for name in ["without", "mustWithout"] {
        f.register(name, 1, None, |a| {
            let rest = a.get(1..).unwrap_or_default();
            list_of(
                items(arg(a, 0), "find without")?
                    .into_iter()
                    .filter(|x| !rest.iter().any(|y| y.deep_equal(x)))
                    .collect(),
            )
        });
    }
    for name in ["has", "mustHas"] {
        f.register(name, 2, Some(2), |a| {
            let hay = items(arg(a, 1), "find has")?;
            Ok(Value::Bool(hay.iter().any(|y| y.deep_equal(arg(a, 0)))))
        });
    }
    for name in ["slice", "mustSlice"] {
        if name == "slice" {
            continue; // Go's builtin `slice` wins over Sprig's.
        }
        f.register(name, 1, Some(3), |a| {
            let v = items(arg(a, 0), "slice")?;
            let lo = a.get(1).map(to_int64).unwrap_or(0).clamp(0, v.len() as i64) as usize;
            let hi = a
                .get(2)
                .map(to_int64)
                .unwrap_or(v.len() as i64)
                .clamp(lo as i64, v.len() as i64) as usize;
            list_of(v.get(lo..hi).unwrap_or_default().to_vec())
        });
    }
    f.register("concat", 0, None, |a| {
        let mut out = Vec::new();
        for l in a {
            out.extend(items(l, "concat")?);
        }
        list_of(out)
    });
    for name in ["chunk", "mustChunk"] {
        f.register(name, 2, Some(2), |a| {
            let n = want_int(a, 0)?.max(1) as usize;
            let v = items(arg(a, 1), "chunk")?;
            list_of(v.chunks(n).map(|c| Value::new_list(c.to_vec())).collect())
        });
    }

    // ---- dicts
    f.register("dict", 0, None, |a| {
        let mut m = BTreeMap::new();
        for pair in a.chunks(2) {
            let k = pair.first().map(Value::to_str_val).unwrap_or_default();
            m.insert(k, pair.get(1).cloned().unwrap_or_else(|| Value::str("")));
        }
        Ok(Value::new_map(m))
    });
    f.register("get", 2, Some(2), |a| {
        let m = want_map(a, 0)?;
        let k = want_str(a, 1)?;
        Ok(m.borrow().get(k).cloned().unwrap_or_else(|| Value::str("")))
    });
    f.register("set", 3, Some(3), |a| {
        let m = want_map(a, 0)?;
        let k = want_str(a, 1)?.to_string();
        if arg(a, 2).reaches(m) {
            return Err("set: the value contains the map itself (reference cycle)".into());
        }
        m.try_borrow_mut()
            .map_err(|_| "map is in use")?
            .insert(k, arg(a, 2).clone());
        Ok(Value::Map(m.clone()))
    });
    f.register("unset", 2, Some(2), |a| {
        let m = want_map(a, 0)?;
        let k = want_str(a, 1)?;
        m.try_borrow_mut().map_err(|_| "map is in use")?.remove(k);
        Ok(Value::Map(m.clone()))
    });
    f.register("hasKey", 2, Some(2), |a| {
        Ok(Value::Bool(
            want_map(a, 0)?.borrow().contains_key(want_str(a, 1)?),
        ))
    });
    f.register("keys", 0, None, |a| {
        let mut out = Vec::new();
        for (i, _) in a.iter().enumerate() {
            out.extend(want_map(a, i)?.borrow().keys().map(|k| Value::str(k)));
        }
        list_of(out)
    });
    f.register("values", 1, Some(1), |a| {
        list_of(want_map(a, 0)?.borrow().values().cloned().collect())
    });
    f.register("pluck", 1, None, |a| {
        let k = want_str(a, 0)?;
        let mut out = Vec::new();
        for i in 1..a.len() {
            if let Some(v) = want_map(a, i)?.borrow().get(k) {
                out.push(v.clone());
            }
        }
        list_of(out)
    });
    f.register("pick", 1, None, |a| {
        let m = want_map(a, 0)?.borrow();
        let mut out = BTreeMap::new();
        for i in 1..a.len() {
            let k = want_str(a, i)?;
            if let Some(v) = m.get(k) {
                out.insert(k.to_string(), v.clone());
            }
        }
        Ok(Value::new_map(out))
    });
    f.register("omit", 1, None, |a| {
        let m = want_map(a, 0)?.borrow();
        let mut drop = Vec::new();
        for i in 1..a.len() {
            drop.push(want_str(a, i)?);
        }
        Ok(Value::new_map(
            m.iter()
                .filter(|(k, _)| !drop.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ))
    });
    for (name, overwrite) in [
        ("merge", false),
        ("mustMerge", false),
        ("mergeOverwrite", true),
        ("mustMergeOverwrite", true),
    ] {
        f.register(name, 1, None, move |a| {
            let dst = want_map(a, 0)?;
            for i in 1..a.len() {
                let src = want_map(a, i)?;
                if !std::rc::Rc::ptr_eq(dst, src) && Value::Map(src.clone()).reaches(dst) {
                    return Err(
                        "merge: the source contains the destination (reference cycle)".into(),
                    );
                }
                merge_into(dst, src, overwrite, 0)?;
            }
            Ok(Value::Map(dst.clone()))
        });
    }
    f.register("dig", 2, None, |a| {
        let n = a.len();
        let Some(Value::Map(m)) = a.last() else {
            return Err(wrong_last(a));
        };
        let default = arg(a, n - 2).clone();
        let keys = a.get(..n - 2).unwrap_or_default();
        let mut cur = Value::Map(m.clone());
        for i in 0..keys.len() {
            let key = want_str(keys, i)?;
            let next = match &cur {
                Value::Map(mm) => mm.borrow().get(key).cloned(),
                _ => None,
            };
            match next {
                Some(v) => cur = v,
                None => return Ok(default),
            }
        }
        Ok(cur)
    });
    for name in ["deepCopy", "mustDeepCopy"] {
        f.register(name, 1, Some(1), |a| Ok(arg(a, 0).deep_copy()));
    }

    // ---- semver
    f.register("semverCompare", 2, Some(2), |a| {
        let v = Version::parse(want_str(a, 1)?)?;
        Ok(Value::Bool(check(want_str(a, 0)?, &v)?))
    });
    f.register("semver", 1, Some(1), |a| {
        let v = Version::parse(want_str(a, 0)?)?;
        Ok(Value::Object(std::rc::Rc::new(SemverObj(v))))
    });

    // ---- deterministic placeholders for random / time / crypto functions
    for name in ["randAlphaNum", "randAlpha", "randAscii", "randNumeric"] {
        let ch = if name == "randNumeric" { '0' } else { 'x' };
        f.register(name, 1, Some(1), move |a| {
            let n = want_int(a, 0)?.clamp(0, 1 << 20) as usize;
            s(std::iter::repeat_n(ch, n).collect())
        });
    }
    f.register("randBytes", 1, Some(1), |a| {
        let n = want_int(a, 0)?.clamp(0, 1 << 20) as usize;
        s(b64_encode(&vec![0u8; n]))
    });
    f.register("shuffle", 1, Some(1), |a| s(want_str(a, 0)?.to_string()));
    f.register("uuidv4", 0, Some(0), |_| {
        s("00000000-0000-4000-8000-000000000000".into())
    });
    // Time values are carried as Go's `Time.String()` text; `now` is a fixed instant.
    f.register("now", 0, Some(0), |_| {
        s(Civil::from_unix(PLACEHOLDER_NOW).go_string())
    });
    for name in ["date", "dateInZone", "date_in_zone"] {
        // Time zones other than UTC are not known to the engine: every zone formats as UTC.
        f.register(name, 2, Some(3), |a| {
            s(time_arg(arg(a, 1)).format(want_str(a, 0)?))
        });
    }
    for name in ["htmlDate", "htmlDateInZone"] {
        f.register(name, 1, Some(2), |a| {
            s(time_arg(arg(a, 0)).format("2006-01-02"))
        });
    }
    for name in [
        "dateModify",
        "date_modify",
        "mustDateModify",
        "must_date_modify",
    ] {
        let must = name.starts_with("must");
        f.register(name, 2, Some(2), move |a| {
            let t = time_arg(arg(a, 1));
            match go_duration(want_str(a, 0)?) {
                Some(ns) => {
                    s(Civil::from_unix(t.unix() + ns.div_euclid(1_000_000_000)).go_string())
                }
                None if must => Err(FnError::Msg(format!(
                    "time: invalid duration {:?}",
                    want_str(a, 0)?
                ))),
                None => s(t.go_string()),
            }
        });
    }
    for name in ["toDate", "mustToDate"] {
        f.register(name, 2, Some(2), |_| {
            s(Civil::from_unix(PLACEHOLDER_NOW).go_string())
        });
    }
    f.register("unixEpoch", 1, Some(1), |a| {
        s(time_arg(arg(a, 0)).unix().to_string())
    });
    f.register("ago", 1, Some(1), |_| s("0s".into()));
    f.register("duration", 1, Some(1), |a| {
        s(format!("{}s", to_int64(arg(a, 0))))
    });
    f.register("durationRound", 1, Some(1), |_| s("0s".into()));
    let cert = |_: &[Value]| -> Res {
        let mut m = BTreeMap::new();
        m.insert(
            "Cert".to_string(),
            Value::str("-----BEGIN CERTIFICATE-----\nPLACEHOLDER\n-----END CERTIFICATE-----\n"),
        );
        m.insert(
            "Key".to_string(),
            Value::str(
                "-----BEGIN RSA PRIVATE KEY-----\nPLACEHOLDER\n-----END RSA PRIVATE KEY-----\n",
            ),
        );
        Ok(Value::new_map(m))
    };
    for name in [
        "genCA",
        "genCAWithKey",
        "genSelfSignedCert",
        "genSelfSignedCertWithKey",
        "genSignedCert",
        "genSignedCertWithKey",
        "buildCustomCert",
    ] {
        f.register(name, 0, None, cert);
    }
    f.register("genPrivateKey", 1, Some(1), |_| {
        s("-----BEGIN RSA PRIVATE KEY-----\nPLACEHOLDER\n-----END RSA PRIVATE KEY-----\n".into())
    });
    f.register("derivePassword", 5, Some(5), |_| {
        s("placeholder-password".into())
    });
    f.register("htpasswd", 2, Some(2), |a| {
        s(format!("{}:$2a$10$PLACEHOLDER", want_str(a, 0)?))
    });
    f.register("bcrypt", 1, Some(1), |_| s("$2a$10$PLACEHOLDER".into()));
    f.register("encryptAES", 2, Some(2), |a| {
        s(b64_encode(want_str(a, 1)?.as_bytes()))
    });
    f.register("decryptAES", 2, Some(2), |a| s(want_str(a, 1)?.to_string()));
    f.register("getHostByName", 1, Some(1), |_| s("127.0.0.1".into()));
    f.register("hello", 0, Some(0), |_| s("Hello!".into()));
    f.register("urlJoin", 1, Some(1), |_| {
        Err("urlJoin is not implemented by helm-render".into())
    });
    f.register("urlParse", 1, Some(1), |a| {
        let u = want_str(a, 0)?;
        let mut m = BTreeMap::new();
        let (scheme, rest) = u.split_once("://").unwrap_or(("", u));
        let (hostpart, path) = match rest.find('/') {
            Some(k) => (rest.get(..k).unwrap_or(""), rest.get(k..).unwrap_or("")),
            None => (rest, ""),
        };
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let (query, frag) = query.split_once('#').unwrap_or((query, ""));
        let (userinfo, host) = hostpart.rsplit_once('@').unwrap_or(("", hostpart));
        for (k, v) in [
            ("scheme", scheme),
            ("host", host),
            ("hostname", host.split(':').next().unwrap_or("")),
            ("path", path),
            ("query", query),
            ("opaque", ""),
            ("fragment", frag),
            ("userinfo", userinfo),
        ] {
            m.insert(k.to_string(), Value::str(v));
        }
        Ok(Value::new_map(m))
    });
    // ---- regular expressions (own RE2-style engine)
    for (name, must) in [("regexMatch", false), ("mustRegexMatch", true)] {
        f.register(name, 2, Some(2), move |a| {
            let (re, x) = (want_str(a, 0)?, want_str(a, 1)?);
            match Regex::new(re) {
                Ok(r) => Ok(Value::Bool(r.is_match(x))),
                Err(e) if must => Err(e.into()),
                Err(_) => Ok(Value::Bool(false)),
            }
        });
    }
    for name in ["regexFind", "mustRegexFind"] {
        f.register(name, 2, Some(2), |a| {
            let r = Regex::new(want_str(a, 0)?)?;
            s(r.find(want_str(a, 1)?).unwrap_or_default())
        });
    }
    for name in ["regexFindAll", "mustRegexFindAll"] {
        f.register(name, 3, Some(3), |a| {
            let r = Regex::new(want_str(a, 0)?)?;
            let v = r.find_all(want_str(a, 1)?, want_int(a, 2)?);
            list_of(v.into_iter().map(Value::string).collect())
        });
    }
    for (name, literal) in [
        ("regexReplaceAll", false),
        ("mustRegexReplaceAll", false),
        ("regexReplaceAllLiteral", true),
        ("mustRegexReplaceAllLiteral", true),
    ] {
        f.register(name, 3, Some(3), move |a| {
            let r = Regex::new(want_str(a, 0)?)?;
            s(r.replace_all(want_str(a, 1)?, want_str(a, 2)?, literal))
        });
    }
    for name in ["regexSplit", "mustRegexSplit"] {
        f.register(name, 3, Some(3), |a| {
            let r = Regex::new(want_str(a, 0)?)?;
            let v = r.split(want_str(a, 1)?, want_int(a, 2)?);
            list_of(v.into_iter().map(Value::string).collect())
        });
    }
    f.register("regexQuoteMeta", 1, Some(1), |a| {
        let mut o = String::new();
        for c in want_str(a, 0)?.chars() {
            if "\\.+*?()|[]{}^$".contains(c) {
                o.push('\\');
            }
            o.push(c);
        }
        s(o)
    });
    for name in [
        "b32dec",
        "osBase",
        "osClean",
        "osDir",
        "osExt",
        "osIsAbs",
        "sha512sum",
    ] {
        f.register_unimplemented(name);
    }
}

fn wrong_last(a: &[Value]) -> FnError {
    super::wrong_type(
        a.len().saturating_sub(1),
        "map[string]interface {}",
        a.last().unwrap_or(&Value::Nil),
    )
}

fn until_step(start: i64, stop: i64, step: i64) -> Res {
    let mut v = Vec::new();
    if step == 0 || (step > 0 && start >= stop) || (step < 0 && start <= stop) {
        return list_of(v);
    }
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        v.push(Value::Int(i));
        if v.len() > 1_000_000 {
            return Err("until: too many items".into());
        }
        i = i.saturating_add(step);
    }
    list_of(v)
}

/// Go `strings.Split` / `SplitN` (`n` < 0 = all).
fn go_split(x: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let mut v: Vec<String> = x.chars().map(|c| c.to_string()).collect();
        if n > 0 && v.len() as i64 > n {
            let tail: String = v.split_off((n - 1) as usize).concat();
            v.push(tail);
        }
        return v;
    }
    if n < 0 {
        x.split(sep).map(str::to_string).collect()
    } else {
        x.splitn(n as usize, sep).map(str::to_string).collect()
    }
}

/// Go `strings.ReplaceAll` (an empty `old` inserts `new` between runes).
fn go_replace_all(x: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        let mut o = String::from(new);
        for c in x.chars() {
            o.push(c);
            o.push_str(new);
        }
        return o;
    }
    x.replace(old, new)
}

fn wrap(x: &str, width: i64, nl: &str) -> String {
    let width = width.max(1) as usize;
    let mut out = String::new();
    let mut line_len = 0;
    for (i, w) in x.split(' ').enumerate() {
        if i > 0 {
            if line_len + 1 + w.len() > width && line_len > 0 {
                out.push_str(nl);
                line_len = 0;
            } else {
                out.push(' ');
                line_len += 1;
            }
        }
        out.push_str(w);
        line_len += w.len();
    }
    out
}

fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let j = parts.join("/");
    match (rooted, j.is_empty()) {
        (true, _) => format!("/{}", j),
        (false, true) => ".".into(),
        (false, false) => j,
    }
}

fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

fn path_dir(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(k) => p.get(..k + 1).unwrap_or(""),
        None => "",
    };
    path_clean(dir)
}

/// Sprig/mergo map merge: fills missing or empty keys (or overwrites), recursing into maps.
fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) -> Result<(), FnError> {
    if depth > MAX_DEPTH || std::rc::Rc::ptr_eq(dst, src) {
        return Ok(());
    }
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, sv) in entries {
        let dv = dst.borrow().get(&k).cloned();
        match (&sv, &dv) {
            (Value::Nil, _) => {
                if overwrite {
                    dst.try_borrow_mut()
                        .map_err(|_| "map is in use")?
                        .insert(k, Value::Nil);
                }
                continue;
            }
            (Value::Map(sm), Some(Value::Map(dm))) => {
                merge_into(dm, sm, overwrite, depth + 1)?;
                continue;
            }
            (Value::List(_), Some(d)) if !is_empty(d) && !overwrite => continue,
            _ => {}
        }
        let empty_dst = dv.as_ref().is_none_or(is_empty);
        if overwrite || empty_dst {
            dst.try_borrow_mut()
                .map_err(|_| "map is in use")?
                .insert(k, sv);
        }
    }
    Ok(())
}

/// Sprig `semver` result: a `*semver.Version`.
#[derive(Debug)]
struct SemverObj(Version);

impl crate::render::value::Object for SemverObj {
    fn type_name(&self) -> String {
        "*semver.Version".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        let v = &self.0;
        Some(match name {
            "Major" => Value::Int(v.major as i64),
            "Minor" => Value::Int(v.minor as i64),
            "Patch" => Value::Int(v.patch as i64),
            "Prerelease" => Value::str(&v.pre),
            "Metadata" => Value::str(&v.meta),
            "Original" => Value::str(&v.original),
            "String" => Value::string(v.to_string()),
            _ => return None,
        })
    }
    fn format_v(&self) -> String {
        self.0.to_string()
    }
    fn to_data(&self) -> Value {
        Value::string(self.0.to_string())
    }
}

#[allow(dead_code)]
fn float_str(f: f64) -> String {
    format_float_g(f)
}

/// A time argument of Sprig's date functions: our time text, or Unix seconds; anything else
/// is "now" (Sprig's `formatDate` default).
fn time_arg(v: &Value) -> Civil {
    match v {
        Value::Str(t) => Civil::parse_go_string(t),
        Value::Int(n) => Some(Civil::from_unix(*n)),
        Value::Float(f) if f.is_finite() => Some(Civil::from_unix(*f as i64)),
        _ => None,
    }
    .unwrap_or_else(|| Civil::from_unix(PLACEHOLDER_NOW))
}

/// Go's `time.ParseDuration` in nanoseconds (`1h30m`, `-1.5s`, `300ms`).
fn go_duration(s: &str) -> Option<i64> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[u..];
        total += num * unit;
    }
    let ns = if neg { -total } else { total };
    (ns.abs() < 9.2e18).then_some(ns as i64)
}
