//! The function registry (`Funcs`): name -> arity + implementation, with the Go builtins, Sprig
//! and Helm functions registered by `Funcs::builtin()`. Also argument helpers that produce
//! Go's type-mismatch messages. Every Sprig/Helm name is registered (unimplemented ones fail
//! when called) because Go rejects an unknown function at parse time, even in dead code.
//! Must not: panic on any argument list, or perform I/O.

use std::collections::HashMap;
use std::rc::Rc;

use crate::render::error::TemplateError;
use crate::render::value::{List, Map, Value};

mod builtin;
pub mod codec;
pub mod gotime;
mod helm;
pub mod semver;
mod sprig;

/// Error returned by a function implementation.
#[derive(Debug)]
pub enum FnError {
    /// Reported as `error calling NAME: MSG` at the command.
    Msg(String),
    /// A Go type conversion failure of argument `index`, reported at that argument.
    ArgType { index: usize, msg: String },
    /// An already formatted template error (passed through unchanged).
    Nested(TemplateError),
}

impl From<String> for FnError {
    fn from(s: String) -> FnError {
        FnError::Msg(s)
    }
}
impl From<&str> for FnError {
    fn from(s: &str) -> FnError {
        FnError::Msg(s.to_string())
    }
}

/// A native function: gets evaluated arguments (the piped value last).
pub type NativeFn = Rc<dyn Fn(&[Value]) -> Result<Value, FnError>>;

/// How a function is implemented.
#[derive(Clone)]
pub enum FuncImp {
    Native(NativeFn),
    /// Helm `include`, run by the executor.
    Include,
    /// Helm `tpl`, run by the executor.
    Tpl,
}

/// A registered function.
#[derive(Clone)]
pub struct FuncDef {
    pub min: usize,
    /// `None` = variadic.
    pub max: Option<usize>,
    pub imp: FuncImp,
}

/// Function registry.
#[derive(Clone, Default)]
pub struct Funcs {
    map: HashMap<String, FuncDef>,
}

impl Funcs {
    /// No functions at all (and/or are still handled by the executor).
    pub fn empty() -> Funcs {
        let mut f = Funcs::default();
        for name in ["and", "or"] {
            f.register(name, 1, None, |_| {
                Err("and/or are evaluated by the executor".into())
            });
        }
        f
    }

    /// Go builtins + Sprig + Helm functions.
    pub fn builtin() -> Funcs {
        let mut f = Funcs::empty();
        builtin::register(&mut f);
        sprig::register(&mut f);
        helm::register(&mut f);
        f.register_special("include", 2, Some(2), FuncImp::Include);
        f.register_special("tpl", 2, Some(2), FuncImp::Tpl);
        f
    }

    /// Register (or replace) a native function with `min..=max` arguments (`max` None =
    /// variadic).
    pub fn register<F>(&mut self, name: &str, min: usize, max: Option<usize>, f: F)
    where
        F: Fn(&[Value]) -> Result<Value, FnError> + 'static,
    {
        self.map.insert(
            name.to_string(),
            FuncDef {
                min,
                max,
                imp: FuncImp::Native(Rc::new(f)),
            },
        );
    }

    fn register_special(&mut self, name: &str, min: usize, max: Option<usize>, imp: FuncImp) {
        self.map.insert(name.to_string(), FuncDef { min, max, imp });
    }

    /// Register a name whose call fails with "not implemented" (so parsing still succeeds).
    pub fn register_unimplemented(&mut self, name: &str) {
        let n = name.to_string();
        self.register(name, 0, None, move |_| {
            Err(FnError::Msg(format!(
                "{} is not implemented by helm-render",
                n
            )))
        });
    }

    pub fn get(&self, name: &str) -> Option<&FuncDef> {
        self.map.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.map.keys().map(|s| s.as_str()).collect();
        v.sort_unstable();
        v
    }
}

/// Go's message for a value of the wrong type given to a typed parameter.
pub fn wrong_type(index: usize, want: &str, got: &Value) -> FnError {
    let got = match got {
        Value::Nil => "interface {}".to_string(),
        v => v.type_name(),
    };
    FnError::ArgType {
        index,
        msg: format!("wrong type for value; expected {}; got {}", want, got),
    }
}

fn missing(index: usize) -> FnError {
    FnError::Msg(format!("missing argument {}", index + 1))
}

/// Argument `i` as a Go `string` parameter.
pub fn want_str(args: &[Value], i: usize) -> Result<&str, FnError> {
    match args.get(i) {
        Some(Value::Str(s)) => Ok(s),
        Some(v) => Err(wrong_type(i, "string", v)),
        None => Err(missing(i)),
    }
}

/// Argument `i` as a Go `int` parameter (floats are rejected like Go does).
pub fn want_int(args: &[Value], i: usize) -> Result<i64, FnError> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(v) => Err(wrong_type(i, "int", v)),
        None => Err(missing(i)),
    }
}

/// Argument `i` as a Go `bool` parameter.
pub fn want_bool(args: &[Value], i: usize) -> Result<bool, FnError> {
    match args.get(i) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(wrong_type(i, "bool", v)),
        None => Err(missing(i)),
    }
}

/// Argument `i` as a `map[string]interface {}` parameter.
pub fn want_map(args: &[Value], i: usize) -> Result<&Map, FnError> {
    match args.get(i) {
        Some(Value::Map(m)) => Ok(m),
        Some(v) => Err(wrong_type(i, "map[string]interface {}", v)),
        None => Err(missing(i)),
    }
}

/// Argument `i` as a list (Sprig's `interface{}` list parameters).
pub fn want_list<'a>(args: &'a [Value], i: usize, fname: &str) -> Result<&'a List, FnError> {
    match args.get(i) {
        Some(Value::List(l)) => Ok(l),
        Some(v) => Err(FnError::Msg(format!(
            "Cannot {} on type {}",
            fname,
            v.type_name()
        ))),
        None => Err(missing(i)),
    }
}

/// Sprig/Go "empty": nil, false, 0, "", empty list or map.
pub fn is_empty(v: &Value) -> bool {
    !v.truthy()
}

/// spf13/cast `ToInt64` as Sprig uses it: floats truncate, strings parse (base 0), else 0.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) => *i,
        Value::Float(f) if f.is_finite() => f.trunc() as i64,
        Value::Float(_) => 0,
        Value::Bool(b) => i64::from(*b),
        Value::Str(s) => crate::render::parse::parse_int_base0(s).unwrap_or(0),
        _ => 0,
    }
}

/// spf13/cast `ToFloat64`.
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Str(s) => s.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Sprig `strslice`: list elements as strings (nil elements skipped), other values `[%v]`.
pub fn str_slice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l
            .borrow()
            .iter()
            .filter(|x| !x.is_nil())
            .map(|x| x.to_str_val())
            .collect(),
        Value::Nil => Vec::new(),
        other => vec![other.to_str_val()],
    }
}
