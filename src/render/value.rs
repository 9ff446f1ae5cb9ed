//! The template value model with Go semantics: nil, bool, int64, float64, string, list, map and
//! host objects. Lists and maps are shared by reference (`Rc<RefCell<..>>`) so Sprig's mutating
//! functions (`set`, `unset`, `merge`, ...) change them in place, like Go maps and slices.
//! Also: Go `%v` printing, Go type names, truthiness, deep equality and the conversion from
//! `serde_json::Value` with Helm's "every number from a values file is float64" rule.
//! Must not: panic on any value, evaluate templates, or know about Helm charts.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// A shared, mutable list (Go `[]interface {}`).
pub type List = Rc<RefCell<Vec<Value>>>;
/// A shared, mutable map (Go `map[string]interface {}`); BTreeMap gives Go's sorted iteration.
pub type Map = Rc<RefCell<BTreeMap<String, Value>>>;

/// A host object reachable from templates (`.Files`, `.Capabilities`, ...).
/// Fields are reached with `.Name`, methods with `.Name arg...`.
pub trait Object: fmt::Debug {
    /// Go type name, used by `typeOf` and error messages.
    fn type_name(&self) -> String;
    /// Field or zero-argument method `.name`; `None` means "no such field".
    fn field(&self, name: &str) -> Option<Value>;
    /// Method call `.name args...`; `None` means "no such method".
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let _ = (name, args);
        None
    }
    /// Go `%v` rendering.
    fn format_v(&self) -> String {
        format!("{{{}}}", self.type_name())
    }
    /// Value used by `toJson`/`toYaml`; default is the `%v` string.
    fn to_data(&self) -> Value {
        Value::Str(self.format_v().into())
    }
    /// Items for `range` (key, element); `None` = not rangeable.
    fn range_items(&self) -> Option<Vec<(Value, Value)>> {
        None
    }
    /// Truthiness (Go: non-nil pointers and structs are true).
    fn truthy(&self) -> bool {
        true
    }
}

/// A template value.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Go's nil / "no value".
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    List(List),
    Map(Map),
    Object(Rc<dyn Object>),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }
    pub fn string(s: String) -> Value {
        Value::Str(Rc::from(s))
    }
    pub fn new_list(v: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(v)))
    }
    pub fn new_map(m: BTreeMap<String, Value>) -> Value {
        Value::Map(Rc::new(RefCell::new(m)))
    }
    pub fn empty_map() -> Value {
        Value::new_map(BTreeMap::new())
    }
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Go's `text/template` truthiness (`isTrue`).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Map(m) => !m.borrow().is_empty(),
            Value::Object(o) => o.truthy(),
        }
    }

    /// Go type name as printed by `%T` / Sprig `typeOf`.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Float(_) => "float64".into(),
            Value::Str(_) => "string".into(),
            Value::List(_) => "[]interface {}".into(),
            Value::Map(_) => "map[string]interface {}".into(),
            Value::Object(o) => o.type_name(),
        }
    }

    /// Go reflect kind name as printed by Sprig `kindOf`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(_) => "ptr",
        }
    }

    /// Go `%v` formatting (`fmt.Sprint`). Nil prints `<nil>`.
    pub fn to_go_string(&self) -> String {
        let mut s = String::new();
        self.write_go(&mut s, 0);
        s
    }

    fn write_go(&self, out: &mut String, depth: usize) {
        if depth > MAX_DEPTH {
            out.push_str("...");
            return;
        }
        match self {
            Value::Nil => out.push_str("<nil>"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Float(f) => out.push_str(&format_float_g(*f)),
            Value::Str(s) => out.push_str(s),
            Value::List(l) => {
                out.push('[');
                for (i, v) in l.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    v.write_go(out, depth + 1);
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push_str("map[");
                for (i, (k, v)) in m.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.write_go(out, depth + 1);
                }
                out.push(']');
            }
            Value::Object(o) => out.push_str(&o.format_v()),
        }
    }

    /// Sprig's `strval`: strings as is, nil as "", everything else `%v`.
    pub fn to_str_val(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            Value::Nil => String::new(),
            v => v.to_go_string(),
        }
    }

    /// Deep copy (lists and maps are copied, not shared).
    pub fn deep_copy(&self) -> Value {
        self.deep_copy_d(0)
    }
    fn deep_copy_d(&self, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Nil;
        }
        match self {
            Value::List(l) => Value::new_list(
                l.borrow()
                    .iter()
                    .map(|v| v.deep_copy_d(depth + 1))
                    .collect(),
            ),
            Value::Map(m) => Value::new_map(
                m.borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.deep_copy_d(depth + 1)))
                    .collect(),
            ),
            v => v.clone(),
        }
    }

    /// Go `reflect.DeepEqual` on these values (types must match: 1 != 1.0).
    pub fn deep_equal(&self, other: &Value) -> bool {
        deep_eq(self, other, 0)
    }

    /// Whether `target` is reachable from this value (used to refuse reference cycles, which
    /// would make printing and serialisation loop). Visits each shared container once.
    pub fn reaches(&self, target: &Map) -> bool {
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![self.clone()];
        while let Some(v) = stack.pop() {
            match v {
                Value::Map(m) => {
                    if Rc::ptr_eq(&m, target) {
                        return true;
                    }
                    if seen.insert(Rc::as_ptr(&m) as *const () as usize) {
                        stack.extend(m.borrow().values().cloned());
                    }
                }
                Value::List(l) if seen.insert(Rc::as_ptr(&l) as *const () as usize) => {
                    stack.extend(l.borrow().iter().cloned());
                }
                _ => {}
            }
        }
        false
    }

    /// Convert to `serde_json::Value` (objects via `Object::to_data`).
    pub fn to_json_value(&self) -> serde_json::Value {
        to_json_d(self, 0)
    }
}

/// Maximum nesting handled by recursive walks over values (cycles made with `set` stop here).
pub const MAX_DEPTH: usize = 200;

fn deep_eq(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(p, q)| deep_eq(p, q, depth + 1))
        }
        (Value::Map(x), Value::Map(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && deep_eq(v1, v2, depth + 1))
        }
        (Value::Object(x), Value::Object(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

fn to_json_d(v: &Value, depth: usize) -> serde_json::Value {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return J::Null;
    }
    match v {
        Value::Nil => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Str(s) => J::String(s.to_string()),
        Value::List(l) => J::Array(l.borrow().iter().map(|x| to_json_d(x, depth + 1)).collect()),
        Value::Map(m) => J::Object(
            m.borrow()
                .iter()
                .map(|(k, x)| (k.clone(), to_json_d(x, depth + 1)))
                .collect(),
        ),
        Value::Object(o) => to_json_d(&o.to_data(), depth + 1),
    }
}

impl From<serde_json::Value> for Value {
    /// Helm's rule: every number read from a values file is a float64; JSON `null` is nil.
    fn from(j: serde_json::Value) -> Value {
        from_json_d(j, 0)
    }
}

fn from_json_d(j: serde_json::Value, depth: usize) -> Value {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Value::Nil;
    }
    match j {
        J::Null => Value::Nil,
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        J::String(s) => Value::string(s),
        J::Array(a) => Value::new_list(a.into_iter().map(|x| from_json_d(x, depth + 1)).collect()),
        J::Object(o) => Value::new_map(
            o.into_iter()
                .map(|(k, x)| (k, from_json_d(x, depth + 1)))
                .collect(),
        ),
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::string(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

/// Shortest decimal digits and decimal exponent of a finite, positive float:
/// `1234.5` gives ("12345", 3) meaning 1.2345e3.
pub fn shortest_digits(f: f64) -> (String, i32) {
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// Go `strconv.FormatFloat(f, 'e', -1, 64)`.
pub fn format_float_e(f: f64) -> String {
    if let Some(s) = special_float(f) {
        return s;
    }
    let neg = f.is_sign_negative();
    let (digits, exp) = if f == 0.0 {
        ("0".to_string(), 0)
    } else {
        shortest_digits(f)
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let (first, rest) = digits.split_at(1.min(digits.len()));
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
    out
}

/// Go `strconv.FormatFloat(f, 'f', -1, 64)`.
pub fn format_float_f(f: f64) -> String {
    if let Some(s) = special_float(f) {
        return s;
    }
    let s = format!("{}", f);
    if s == "-0" {
        return "-0".into();
    }
    s
}

fn special_float(f: f64) -> Option<String> {
    if f.is_nan() {
        Some("NaN".into())
    } else if f.is_infinite() {
        Some(if f > 0.0 { "+Inf" } else { "-Inf" }.into())
    } else {
        None
    }
}

/// Go `strconv.FormatFloat(f, 'g', -1, 64)`, which is also `%v` for float64: shortest digits,
/// exponent form when the decimal exponent is < -4 or >= 6 (`1e+06`, but `8080`).
pub fn format_float_g(f: f64) -> String {
    if let Some(s) = special_float(f) {
        return s;
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let (_, exp) = shortest_digits(f);
    if !(-4..6).contains(&exp) {
        format_float_e(f)
    } else {
        format_float_f(f)
    }
}

/// Go `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            '\u{fffd}' => out.push_str("\\ufffd"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Approximation of Go's `strconv.IsPrint` for non-ASCII characters.
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    !(c.is_control()
        || (0x80..0xa0).contains(&u)
        || u == 0xad
        || (0x2028..=0x202e).contains(&u)
        || (0x2060..=0x206f).contains(&u)
        || u == 0xfeff
        || (0xe000..=0xf8ff).contains(&u)
        || (0xfff9..=0xfffb).contains(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        assert_eq!(format_float_g(1000000.0), "1e+06");
        assert_eq!(format_float_g(8080.0), "8080");
        assert_eq!(format_float_g(1.5), "1.5");
        assert_eq!(format_float_g(123456.0), "123456");
        assert_eq!(format_float_g(1234567.0), "1.234567e+06");
        assert_eq!(format_float_g(0.0001), "0.0001");
        assert_eq!(format_float_g(0.00001), "1e-05");
        assert_eq!(format_float_g(-3.0), "-3");
        assert_eq!(format_float_e(1e21), "1e+21");
        assert_eq!(format_float_f(0.000001), "0.000001");
    }

    #[test]
    fn values_print_like_go() {
        let j: serde_json::Value =
            serde_json::from_str(r#"{"b":[1,"x",null],"a":{"c":true}}"#).unwrap();
        let v = Value::from(j);
        assert_eq!(v.to_go_string(), "map[a:map[c:true] b:[1 x <nil>]]");
        assert_eq!(Value::Nil.to_go_string(), "<nil>");
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
    }
}
