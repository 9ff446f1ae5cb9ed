//! Our own `regex.*` built-ins, registered as regorus extensions (which the interpreter looks up
//! before its built-ins, so they shadow them). They exist for speed only and mirror regorus
//! 0.14.1's `builtins/regex.rs` exactly: same compilation (size limit), same argument checks in
//! the same order, same results. regorus engines report built-in errors (strict mode, its
//! default, which we keep), so every argument error of the built-in (not a string, not an
//! integer, invalid pattern) is an error here too, with the built-in's words; only
//! `regex.replace` answers undefined for an invalid pattern, as the built-in does.
//!
//! Why: regorus keeps compiled regexes in a global LRU but hands out a clone on every call, and
//! cloning a `regex::Regex` creates a fresh match cache each time (lazy DFA state, capture
//! slots), so much of the time of the regex-heavy rules went into rebuilding caches. Here each
//! thread keeps its compiled regexes and matches through a shared reference, which reuses the
//! regex crate's per-thread cache.

use std::cell::RefCell;
use std::collections::HashMap;

use anyhow::{anyhow, bail};
use regex::{Regex, RegexBuilder};
use regorus::Value;

/// regorus's `REGEX_SIZE_LIMIT`: the compiled NFA size beyond which a pattern is refused.
const REGEX_SIZE_LIMIT: usize = 100 * 1024;

/// Patterns come from rules (a few dozen) but may be built from input; past this many distinct
/// patterns a thread starts its cache over rather than grow without bound.
const CACHE_CAPACITY: usize = 1024;

thread_local! {
    /// Per thread (one per rayon worker), so no lock and every regex stays on the thread whose
    /// match cache it warmed; shared by all engine clones on the thread.
    static CACHE: RefCell<HashMap<Box<str>, Regex>> = RefCell::new(HashMap::new());
}

/// Why a pattern cannot be used.
enum CompileError {
    TooBig,
    Invalid,
}

/// Runs `f` on the compiled `pattern` (compiled as regorus does, then cached on this thread).
fn with_regex<T>(pattern: &str, f: impl FnOnce(&Regex) -> T) -> Result<T, CompileError> {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(re) = cache.get(pattern) {
            return Ok(f(re));
        }
        let re = RegexBuilder::new(pattern)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => CompileError::TooBig,
                _ => CompileError::Invalid,
            })?;
        let out = f(&re);
        if cache.len() >= CACHE_CAPACITY {
            cache.clear();
        }
        cache.insert(pattern.into(), re);
        Ok(out)
    })
}

/// The error regorus raises for a pattern over the size limit.
fn too_big() -> anyhow::Error {
    anyhow::Error::new(regorus::LimitError::RegexSizeLimitExceeded {
        limit: REGEX_SIZE_LIMIT,
    })
}

/// A result of `with_regex` as the built-ins other than `regex.replace` return it.
fn finish(r: Result<anyhow::Result<Value>, CompileError>) -> anyhow::Result<Value> {
    match r {
        Ok(v) => v,
        Err(CompileError::TooBig) => Err(too_big()),
        Err(CompileError::Invalid) => Err(anyhow!("invalid regex")),
    }
}

/// regorus's `ensure_string`, with its words.
fn string<'a>(name: &str, v: &'a Value) -> anyhow::Result<&'a str> {
    match v {
        Value::String(s) => Ok(s),
        _ => bail!("`{name}` expects string argument. Got `{v}` instead"),
    }
}

/// regorus's `ensure_numeric`, with its words.
fn numeric(name: &str, v: &Value) -> anyhow::Result<()> {
    match v {
        Value::Number(_) => Ok(()),
        _ => bail!("`{name}` expects numeric argument. Got `{v}` instead"),
    }
}

/// `n` of `find_n` and `find_all_string_submatch_n` (already known to be a number): a negative
/// or huge one means all.
fn count_arg(n: &Value) -> anyhow::Result<usize> {
    let Value::Number(n) = n else {
        bail!("n must be an integer");
    };
    if !n.is_integer() {
        bail!("n must be an integer");
    }
    Ok(match n.as_i64() {
        Some(n) if n < 0 => usize::MAX,
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        None => usize::MAX,
    })
}

/// The arguments, counted by regorus before the call (the extension's declared arity).
fn args<const N: usize>(args: &[Value]) -> anyhow::Result<&[Value; N]> {
    args.try_into()
        .map_err(|_| anyhow!("incorrect number of parameters supplied to extension"))
}

/// `regex.match(pattern, value)`.
fn regex_match(a: Vec<Value>) -> anyhow::Result<Value> {
    const NAME: &str = "regex.match";
    let [pattern, value] = args::<2>(&a)?;
    let pattern = string(NAME, pattern)?;
    let value = string(NAME, value)?;
    finish(with_regex(pattern, |re| {
        Ok(Value::Bool(re.is_match(value)))
    }))
}

/// `regex.replace(s, pattern, value)`: `$1`/`${name}` in `value` expand as the regex crate's
/// `replace_all` does, which is what regorus uses; an invalid pattern is undefined.
fn regex_replace(a: Vec<Value>) -> anyhow::Result<Value> {
    const NAME: &str = "regex.replace";
    let [s, pattern, value] = args::<3>(&a)?;
    let s = string(NAME, s)?;
    let pattern = string(NAME, pattern)?;
    let value = string(NAME, value)?;
    match with_regex(pattern, |re| Value::String(re.replace_all(s, value).into())) {
        Ok(v) => Ok(v),
        Err(CompileError::TooBig) => Err(too_big()),
        Err(CompileError::Invalid) => Ok(Value::Undefined),
    }
}

/// `regex.split(pattern, value)`.
fn regex_split(a: Vec<Value>) -> anyhow::Result<Value> {
    const NAME: &str = "regex.split";
    let [pattern, value] = args::<2>(&a)?;
    let pattern = string(NAME, pattern)?;
    let value = string(NAME, value)?;
    finish(with_regex(pattern, |re| {
        Ok(Value::from(
            re.split(value).map(Value::from).collect::<Vec<_>>(),
        ))
    }))
}

/// `(pattern, value, n)` → the first `n` matches as `matches` lists them. As in the built-ins,
/// `n` must be a number before the pattern is compiled and an integer after.
fn first_n(
    name: &str,
    a: &[Value],
    matches: impl FnOnce(&Regex, &str, usize) -> Vec<Value>,
) -> anyhow::Result<Value> {
    let [pattern, value, n] = args::<3>(a)?;
    let pattern = string(name, pattern)?;
    let value = string(name, value)?;
    numeric(name, n)?;
    finish(with_regex(pattern, |re| {
        let n = count_arg(n)?;
        Ok(Value::from(matches(re, value, n)))
    }))
}

/// `regex.find_n(pattern, value, n)`.
fn find_n(a: Vec<Value>) -> anyhow::Result<Value> {
    first_n("regex.find_n", &a, |re, value, n| {
        re.find_iter(value)
            .map(|m| Value::from(m.as_str()))
            .take(n)
            .collect()
    })
}

/// `regex.find_all_string_submatch_n(pattern, value, n)`; unmatched groups are "".
fn find_all_string_submatch_n(a: Vec<Value>) -> anyhow::Result<Value> {
    first_n("regex.find_all_string_submatch_n", &a, |re, value, n| {
        re.captures_iter(value)
            .map(|c| {
                Value::from(
                    c.iter()
                        .map(|g| Value::from(g.map_or("", |m| m.as_str())))
                        .collect::<Vec<_>>(),
                )
            })
            .take(n)
            .collect()
    })
}

/// Registers the extensions on `engine`, before its first evaluation (compilation copies them).
pub fn register(engine: &mut regorus::Engine) -> anyhow::Result<()> {
    engine.add_extension("regex.match".into(), 2, Box::new(regex_match))?;
    engine.add_extension("regex.replace".into(), 3, Box::new(regex_replace))?;
    engine.add_extension("regex.split".into(), 2, Box::new(regex_split))?;
    engine.add_extension("regex.find_n".into(), 3, Box::new(find_n))?;
    engine.add_extension(
        "regex.find_all_string_submatch_n".into(),
        3,
        Box::new(find_all_string_submatch_n),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The extensions must answer exactly as regorus's built-ins: every case is evaluated by an
    //! engine with them and one without, and the results (values, undefined, errors) compared.

    fn eval(with_ours: bool, expr: &str) -> Result<String, String> {
        let mut engine = regorus::Engine::new();
        if with_ours {
            super::register(&mut engine).map_err(|e| e.to_string())?;
        }
        let policy = format!("package t\n\nx := {expr}\n\nnot_x if not {expr}\n");
        engine
            .add_policy("t.rego".into(), policy)
            .map_err(|e| e.to_string())?;
        let x = engine
            .eval_rule("data.t.x".into())
            .map(|v| v.to_string())
            .map_err(|_| "error".to_string());
        let not_x = engine
            .eval_rule("data.t.not_x".into())
            .map(|v| v.to_string())
            .map_err(|_| "error".to_string());
        Ok(format!("{x:?} / {not_x:?}"))
    }

    #[test]
    fn same_answers_as_the_builtins() {
        let cases = [
            r#"regex.match(`^a+$`, "aaa")"#,
            r#"regex.match(`^a+$`, "aab")"#,
            r#"regex.match(`\d\s\w`, "1 x")"#,
            r#"regex.match(`(`, "a")"#,
            r#"regex.match(1, "a")"#,
            r#"regex.match(`a`, 1)"#,
            r#"regex.match(`a`, null)"#,
            r#"regex.match(`a{1000}{1000}`, "a")"#,
            r#"regex.match(`é+`, "éé")"#,
            r#"regex.replace("a1b22c", `[0-9]+`, "<$0>")"#,
            r#"regex.replace("key=value", `(\w+)=(\w+)`, "$2=$1")"#,
            r#"regex.replace("key=value", `(?P<k>\w+)=(\w+)`, "${k}x $1x $$")"#,
            r#"regex.replace("abc", `(`, "x")"#,
            r#"regex.replace("abc", `a{1000}{1000}`, "x")"#,
            r#"regex.replace(1, `a`, "x")"#,
            r#"regex.replace("a", `a`, 1)"#,
            "regex.replace(\"# c\\nx: 1\\n  // d\", `(?m)^[ \\t]*(?:#|//).*$`, \"\")",
            r#"regex.split(`,\s*`, "a, b,c,,")"#,
            r#"regex.split(`(`, "a")"#,
            r#"regex.split(`,`, 3)"#,
            r#"regex.find_n(`[a-z]+`, "ab cd ef", -1)"#,
            r#"regex.find_n(`[a-z]+`, "ab cd ef", 0)"#,
            r#"regex.find_n(`[a-z]+`, "ab cd ef", 2)"#,
            r#"regex.find_n(`[a-z]+`, "ab cd ef", 1.5)"#,
            r#"regex.find_n(`[a-z]+`, "ab cd ef", "1")"#,
            r#"regex.find_n(`(`, "ab", 1.5)"#,
            r#"regex.find_n(`a{1000}{1000}`, "ab", 1.5)"#,
            r#"regex.find_n(`x*`, "abc", -1)"#,
            r#"regex.find_all_string_submatch_n(`(a)(x)?(b)`, "ab ab axb", -1)"#,
            r#"regex.find_all_string_submatch_n(`(a)(x)?(b)`, "ab ab axb", 1)"#,
            r#"regex.find_all_string_submatch_n(`(a)`, "aa", 0.5)"#,
            r#"regex.find_all_string_submatch_n(`(`, "aa", 1)"#,
            r#"regex.find_all_string_submatch_n(`a`, ["aa"], 1)"#,
        ];
        for case in cases {
            let theirs = eval(false, case);
            let ours = eval(true, case);
            assert_eq!(ours, theirs, "{case}");
        }
    }
}
