//! Helm values: reading values files into template [`Value`]s (numbers become float64 as
//! Helm's YAML→JSON step makes them), coalescing them like Helm's `chartutil` (user values
//! over chart defaults, `null` deletes a key, parent globals pushed down to subcharts), merging
//! several user files, and parsing `--set` expressions (Helm's `strvals` subset).
//! Must not: read files, know the chart layout, or panic on any input.

use std::collections::BTreeMap;

use crate::parse::yaml::{self, Limits, Node};
use std::rc::Rc;

use crate::render::value::{Map, Value};
use crate::span::Span;

/// Helm's key for values shared with every subchart.
pub const GLOBAL_KEY: &str = "global";

/// A YAML file that could not be read as a values map.
#[derive(Debug, Clone, PartialEq)]
pub struct ValuesError {
    pub message: String,
    pub span: Span,
}

/// Most re-parses [`load_yaml`] makes to accept closing brackets that YAML 1.2 finds
/// under-indented.
const MAX_FLOW_FIXES: usize = 64;

/// The crate's YAML loader made as lenient as go-yaml (libyaml) about one thing real charts
/// rely on: the closing `]`/`}` of a multi-line flow collection at its key's indentation
/// (`args: [` ... `]`), which YAML 1.2 (and so our parser) rejects as "invalid indentation".
/// Such a line is re-indented like the line before it and the text parsed again; only that
/// line's columns move.
pub fn load_yaml(text: &str, limits: Limits) -> yaml::YamlStream {
    let mut stream = yaml::load(text, limits);
    let mut owned: Option<Vec<String>> = None;
    for _ in 0..MAX_FLOW_FIXES {
        let Some(line) = stream
            .errors
            .iter()
            .find(|e| {
                e.message == "invalid indentation"
                    || e.message.starts_with("invalid indentation in flow")
            })
            .map(|e| e.span.start.line as usize)
        else {
            break;
        };
        let lines = owned.get_or_insert_with(|| text.split('\n').map(str::to_string).collect());
        let Some(idx) = line.checked_sub(1).filter(|&i| i > 0 && i < lines.len()) else {
            break;
        };
        let trimmed = lines[idx].trim_start();
        if !trimmed.starts_with([']', '}']) {
            break;
        }
        let prev_indent = lines[..idx]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start().len());
        let cur_indent = lines[idx].len() - trimmed.len();
        if prev_indent <= cur_indent {
            break;
        }
        lines[idx] = format!("{}{}", " ".repeat(prev_indent), trimmed);
        stream = yaml::load(&lines.join("\n"), limits);
    }
    stream
}

/// Reads a values file (first document). An empty file is an empty map; a non-map root is an
/// error, as in Helm. The YAML node tree is returned too, for provenance (spans).
pub fn parse_values(text: &str) -> Result<(Value, Option<Node>), ValuesError> {
    let stream = load_yaml(text, Limits::default());
    // Helm's sigs.k8s.io/yaml does not tolerate a syntax error anywhere in the file; duplicate
    // keys are accepted (the last one wins), as go-yaml v2's non-strict mode does.
    if let Some(e) = stream
        .errors
        .iter()
        .find(|e| e.kind != yaml::YamlErrorKind::DuplicateKey)
    {
        return Err(ValuesError {
            message: e.message.clone(),
            span: e.span,
        });
    }
    let Some(doc) = stream.documents.into_iter().next() else {
        return Ok((Value::empty_map(), None));
    };
    match &doc.root.value {
        yaml::Value::Null => Ok((Value::empty_map(), Some(doc.root))),
        yaml::Value::Map(_) => Ok((from_yaml_node(&doc.root, true), Some(doc.root))),
        _ => Err(ValuesError {
            message: "values must be a map (a YAML mapping at the top of the file)".into(),
            span: doc.root.span,
        }),
    }
}

/// Converts a YAML node into a template value. With `float_numbers`, integers become float64
/// (values files go through JSON in Helm); Chart.yaml fields keep them as read.
pub fn from_yaml_node(node: &Node, float_numbers: bool) -> Value {
    match &node.value {
        yaml::Value::Null => Value::Nil,
        yaml::Value::Bool(b) => Value::Bool(*b),
        yaml::Value::Int(i) if float_numbers => Value::Float(*i as f64),
        yaml::Value::Int(i) => Value::Int(*i),
        yaml::Value::Float(f) => Value::Float(*f),
        yaml::Value::Str(s) => Value::str(s),
        yaml::Value::Seq(items) => Value::new_list(
            items
                .iter()
                .map(|n| from_yaml_node(n, float_numbers))
                .collect(),
        ),
        yaml::Value::Map(entries) => {
            let mut m = BTreeMap::new();
            for e in entries {
                m.insert(e.key.clone(), from_yaml_node(&e.value, float_numbers));
            }
            Value::new_map(m)
        }
    }
}

/// A deep copy of a map value's entries (empty for anything else).
pub fn map_entries(v: &Value) -> BTreeMap<String, Value> {
    match v {
        Value::Map(m) => match v.deep_copy() {
            Value::Map(c) => c.borrow().clone(),
            _ => m.borrow().clone(),
        },
        _ => BTreeMap::new(),
    }
}

/// Entries of a map value, cloned out so the map can be mutated while iterating.
fn entries(m: &Map) -> Vec<(String, Value)> {
    m.borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Helm's `coalesceTablesFullKey(dst, src, merge)` (v4.2.3), in place: `dst` wins; tables
/// merge recursively; keys missing from `dst` are taken from `src` (sharing, as Go does);
/// when coalescing (`merge` false) a `null` in `dst` over a non-null `src` value removes the
/// key (a user nullifying a chart default), while a `null` with no default stays.
/// `src` is modified too (Helm marks `dst`'s nulls in it), so pass a copy.
pub fn coalesce_tables_full(dst: &Value, src: &Value, merge: bool) {
    let (Value::Map(d), Value::Map(s)) = (dst, src) else {
        return;
    };
    if Rc::ptr_eq(d, s) {
        return;
    }
    let src_non_nil: Vec<String> = s
        .borrow()
        .iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    for (k, v) in entries(d) {
        if v.is_nil() {
            s.borrow_mut().insert(k, Value::Nil);
        }
    }
    for (k, val) in entries(s) {
        let dv = d.borrow().get(&k).cloned();
        match dv {
            Some(Value::Nil) if !merge && src_non_nil.contains(&k) => {
                d.borrow_mut().remove(&k);
            }
            None => {
                d.borrow_mut().insert(k, val);
            }
            Some(dv) => {
                // A table over a scalar or a scalar over a table: dst wins (Helm warns).
                if let (Value::Map(_), Value::Map(_)) = (&dv, &val) {
                    coalesce_tables_full(&dv, &val, merge);
                }
            }
        }
    }
}

/// Helm's `CoalesceTables(dst, src)`: [`coalesce_tables_full`] without merge.
pub fn coalesce_tables(dst: &Value, src: &Value) {
    coalesce_tables_full(dst, src, false);
}

/// Helm's `cleanNilValues`: removes `null` entries from a map and its nested maps (not from
/// lists), in place.
pub fn clean_nil_values(v: &Value) {
    let Value::Map(m) = v else {
        return;
    };
    m.borrow_mut().retain(|_, v| !v.is_nil());
    for (_, v) in entries(m) {
        clean_nil_values(&v);
    }
}

/// Helm's `trimNilValues` on a copy: `null` entries removed at every map level.
pub fn without_nils(v: &Value) -> Value {
    let c = v.deep_copy();
    clean_nil_values(&c);
    c
}

/// Helm's `coalesceGlobals(dest, src)`: the parent's (`src`) `global` entries are copied into
/// the subchart's (`dest`) `global` table, the parent winning; for a table present on both
/// sides, a shallow copy of the parent's is the destination and the sub's entries fill in.
pub fn coalesce_globals(sub: &Value, parent: &Value) {
    let (Value::Map(sub_m), Value::Map(parent_m)) = (sub, parent) else {
        return;
    };
    let dg = match sub_m.borrow().get(GLOBAL_KEY).cloned() {
        None => Value::empty_map(),
        Some(v @ Value::Map(_)) => v,
        // Helm skips globals that are not a table, with a warning.
        Some(_) => return,
    };
    let sg = match parent_m.borrow().get(GLOBAL_KEY).cloned() {
        None => Value::empty_map(),
        Some(v @ Value::Map(_)) => v,
        Some(_) => return,
    };
    let (Value::Map(dgm), Value::Map(sgm)) = (&dg, &sg) else {
        return;
    };
    if !Rc::ptr_eq(dgm, sgm) {
        for (k, val) in entries(sgm) {
            let existing = dgm.borrow().get(&k).cloned();
            match (&val, existing) {
                (Value::Map(vm), None) => {
                    // Go's copyMap: a shallow copy.
                    let vv = Value::new_map(vm.borrow().clone());
                    dgm.borrow_mut().insert(k, vv);
                }
                (Value::Map(vm), Some(ev @ Value::Map(_))) => {
                    let vv = Value::new_map(vm.borrow().clone());
                    coalesce_tables_full(&vv, &ev, true);
                    dgm.borrow_mut().insert(k, vv);
                }
                (Value::Map(_), Some(_)) => {} // Helm: cannot merge a map onto a non-map.
                (_, Some(Value::Map(_))) => {} // Helm: key is a table, skipping.
                (_, _) => {
                    dgm.borrow_mut().insert(k, val.clone());
                }
            }
        }
    }
    sub_m.borrow_mut().insert(GLOBAL_KEY.to_string(), dg);
}

/// Helm's `mergeMaps` for user values files: `over` wins, maps merge recursively, anything
/// else (including `null`) replaces. Returns a new map.
pub fn merge_maps(base: &Value, over: &Value) -> Value {
    let mut out = map_entries(base);
    if let Value::Map(o) = over {
        for (k, ov) in o.borrow().iter() {
            let merged = match (out.get(k), ov) {
                (Some(bv @ Value::Map(_)), Value::Map(_)) => merge_maps(bv, ov),
                _ => ov.deep_copy(),
            };
            out.insert(k.clone(), merged);
        }
    }
    Value::new_map(out)
}

/// Helm's `Values.PathValue`: the value at a dotted path whose last element must be a key
/// of a table (None when any step is missing or not a table).
pub fn path_value(root: &Value, path: &str) -> Option<Value> {
    let mut cur = root.clone();
    let parts: Vec<&str> = path.split('.').collect();
    let (last, tables) = parts.split_last()?;
    for p in tables {
        let next = match &cur {
            Value::Map(m) => m.borrow().get(*p).cloned()?,
            _ => return None,
        };
        cur = next;
    }
    match &cur {
        Value::Map(m) => m.borrow().get(*last).cloned(),
        _ => None,
    }
}

/// Helm's `Values.Table`: the table at a dotted path (None when missing or not a table).
pub fn table(root: &Value, path: &str) -> Option<Value> {
    table_at(root, path.split('.').filter(|p| !p.is_empty()))
}

/// The table reached by following `parts` (None when a part is missing or not a table).
pub fn table_at<'p>(root: &Value, parts: impl Iterator<Item = &'p str>) -> Option<Value> {
    let mut cur = root.clone();
    for p in parts {
        let next = match &cur {
            Value::Map(m) => m.borrow().get(p).cloned()?,
            _ => return None,
        };
        cur = next;
    }
    match cur {
        v @ Value::Map(_) => Some(v),
        _ => None,
    }
}

/// Helm's `pathToMap`: `a.b` and a table become `{a: {b: table}}`; `.` is the table itself.
pub fn path_to_map(path: &str, data: Value) -> Value {
    if path == "." || path.is_empty() {
        return data;
    }
    let mut cur = data;
    for p in path.rsplit('.').filter(|p| !p.is_empty()) {
        let mut m = BTreeMap::new();
        m.insert(p.to_string(), cur);
        cur = Value::new_map(m);
    }
    cur
}

/// Applies one `--set` argument (`a.b=c,d[0]=e,list={x,y}`) onto `base`, like Helm's
/// `strvals.ParseInto`: values are typed (int64, true/false, null), dotted keys create tables,
/// `[N]` indexes lists (growing them with nulls), `\` escapes `,` `.` `=` `[`.
pub fn apply_set(base: &Value, expr: &str) -> Result<(), String> {
    apply_set_typed(base, expr, typed_value)
}

/// Applies one `--set-string` argument: as [`apply_set`], every value kept a string.
pub fn apply_set_string(base: &Value, expr: &str) -> Result<(), String> {
    apply_set_typed(base, expr, Value::str)
}

fn apply_set_typed(base: &Value, expr: &str, typed_value: fn(&str) -> Value) -> Result<(), String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // One `key=value` pair, up to an unescaped comma outside `{...}`.
        let (key_path, next) = parse_key(&chars, i)?;
        i = next;
        if chars.get(i) != Some(&'=') {
            return Err(format!("key {:?} has no value", join_path(&key_path)));
        }
        i += 1;
        let value;
        if chars.get(i) == Some(&'{') {
            let (list, next) = parse_list_value(&chars, i + 1, typed_value)?;
            value = Value::new_list(list);
            i = next;
            if i < chars.len() && chars[i] != ',' {
                return Err(format!("unexpected {:?} after list value", chars[i]));
            }
        } else {
            let (raw, next) = read_until(&chars, i, &[',']);
            value = typed_value(&raw);
            i = next;
        }
        set_path(base, &key_path, value)?;
        if chars.get(i) == Some(&',') {
            i += 1;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn join_path(p: &[Seg]) -> String {
    let mut s = String::new();
    for seg in p {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(n) => s.push_str(&format!("[{}]", n)),
        }
    }
    s
}

/// Helm caps list indexes given with `--set` (a huge index would allocate a huge list).
const MAX_SET_INDEX: usize = 65536;

fn parse_key(chars: &[char], mut i: usize) -> Result<(Vec<Seg>, usize), String> {
    let mut path = Vec::new();
    let mut cur = String::new();
    let mut have_key = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                if let Some(n) = chars.get(i + 1) {
                    cur.push(*n);
                    have_key = true;
                    i += 2;
                    continue;
                }
                return Err("trailing backslash in --set key".into());
            }
            '=' => break,
            ',' => {
                return Err(format!("key {:?} has no value (no \"=\")", cur));
            }
            '.' => {
                if have_key {
                    path.push(Seg::Key(std::mem::take(&mut cur)));
                }
                have_key = false;
                i += 1;
            }
            '[' => {
                if have_key {
                    path.push(Seg::Key(std::mem::take(&mut cur)));
                    have_key = false;
                }
                let close = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map(|p| p + i)
                    .ok_or("missing \"]\" in --set key")?;
                let num: String = chars[i + 1..close].iter().collect();
                let n: usize = num
                    .trim()
                    .parse()
                    .map_err(|_| format!("invalid list index {:?}", num))?;
                if n > MAX_SET_INDEX {
                    return Err(format!(
                        "index of {} is greater than maximum supported index {}",
                        n, MAX_SET_INDEX
                    ));
                }
                path.push(Seg::Index(n));
                i = close + 1;
            }
            _ => {
                cur.push(c);
                have_key = true;
                i += 1;
            }
        }
    }
    if have_key {
        path.push(Seg::Key(cur));
    }
    if path.is_empty() {
        return Err("empty key in --set".into());
    }
    Ok((path, i))
}

/// Reads raw text up to an unescaped stop character; escapes are resolved.
fn read_until(chars: &[char], mut i: usize, stops: &[char]) -> (String, usize) {
    let mut s = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            if let Some(n) = chars.get(i + 1) {
                s.push(*n);
                i += 2;
                continue;
            }
        }
        if stops.contains(&c) {
            break;
        }
        s.push(c);
        i += 1;
    }
    (s, i)
}

fn parse_list_value(
    chars: &[char],
    mut i: usize,
    typed_value: fn(&str) -> Value,
) -> Result<(Vec<Value>, usize), String> {
    let mut out = Vec::new();
    loop {
        let (raw, next) = read_until(chars, i, &[',', '}']);
        i = next;
        match chars.get(i) {
            Some(',') => {
                out.push(typed_value(&raw));
                i += 1;
            }
            Some('}') => {
                if !(raw.is_empty() && out.is_empty()) {
                    out.push(typed_value(&raw));
                }
                return Ok((out, i + 1));
            }
            _ => return Err("list value has no closing \"}\"".into()),
        }
    }
}

/// Helm's `typedVal`: true/false/null (any case), `0`, and integers without a leading zero
/// become int64; everything else (floats too) stays a string.
pub fn typed_value(s: &str) -> Value {
    if s.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if s.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if s.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if s == "0" {
        return Value::Int(0);
    }
    if !s.is_empty() && !s.starts_with('0') {
        // Go's ParseInt accepts a leading sign and decimal digits only.
        let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = s.parse::<i64>() {
                return Value::Int(i);
            }
        }
    }
    Value::str(s)
}

fn set_path(base: &Value, path: &[Seg], value: Value) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    let Seg::Key(k) = first else {
        return Err(format!(
            "--set key {:?} starts with a list index",
            join_path(path)
        ));
    };
    let Value::Map(m) = base else {
        return Err("--set target is not a map".into());
    };
    if rest.is_empty() {
        m.borrow_mut().insert(k.clone(), value);
        return Ok(());
    }
    let existing = m.borrow().get(k).cloned();
    let child = set_into(existing, rest, value)?;
    m.borrow_mut().insert(k.clone(), child);
    Ok(())
}

/// Returns the new value of a slot that held `existing`, after setting `path` inside it.
fn set_into(existing: Option<Value>, path: &[Seg], value: Value) -> Result<Value, String> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(value);
    };
    match first {
        Seg::Key(k) => {
            let map = match existing {
                Some(v @ Value::Map(_)) => v,
                // Helm replaces a scalar with a new table.
                _ => Value::empty_map(),
            };
            if let Value::Map(m) = &map {
                let old = m.borrow().get(k).cloned();
                let new = set_into(old, rest, value)?;
                m.borrow_mut().insert(k.clone(), new);
            }
            Ok(map)
        }
        Seg::Index(n) => {
            let list = match existing {
                Some(v @ Value::List(_)) => v,
                _ => Value::new_list(Vec::new()),
            };
            if let Value::List(l) = &list {
                let old = {
                    let mut l = l.borrow_mut();
                    if l.len() <= *n {
                        l.resize(n + 1, Value::Nil);
                    }
                    l.get(*n).cloned()
                };
                let new = set_into(old, rest, value)?;
                if let Some(slot) = l.borrow_mut().get_mut(*n) {
                    *slot = new;
                }
            }
            Ok(list)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(yaml: &str) -> Value {
        parse_values(yaml).map(|(v, _)| v).unwrap_or_default()
    }

    fn json(v: &Value) -> String {
        v.to_json_value().to_string()
    }

    #[test]
    fn numbers_from_files_are_floats() {
        let x = v("a: 1\nb: 1.5\nc: yes\n");
        assert_eq!(
            path_value(&x, "a").map(|v| v.type_name()).as_deref(),
            Some("float64")
        );
        assert!(matches!(path_value(&x, "c"), Some(Value::Bool(true))));
    }

    #[test]
    fn user_null_deletes_default_and_chart_null_is_kept_by_coalesce_tables() {
        // Helm's CoalesceTables keeps a null default (coalesceValues cleans those first).
        let user = v("a: null\nb: {c: null, d: 2}\nnew: null\n");
        let defaults = v("a: 1\nb: {c: 1, e: 3}\nz: null\nkeep: k\n");
        coalesce_tables(&user, &defaults);
        assert_eq!(
            json(&user),
            r#"{"b":{"d":2.0,"e":3.0},"keep":"k","new":null,"z":null}"#
        );
        let cleaned = without_nils(&user);
        assert_eq!(json(&cleaned), r#"{"b":{"d":2.0,"e":3.0},"keep":"k"}"#);
    }

    #[test]
    fn tables_and_scalars_do_not_mix() {
        let user = v("a: scalar\nb: {x: 1}\n");
        let defaults = v("a: {x: 1}\nb: scalar\n");
        coalesce_tables(&user, &defaults);
        assert_eq!(json(&user), r#"{"a":"scalar","b":{"x":1.0}}"#);
    }

    #[test]
    fn parent_globals_win_over_subchart_globals() {
        let parent = v("global: {a: parent, t: {x: 1}}\n");
        let sub = v("global: {a: sub, b: sub, t: {x: 2, w: 2}}\n");
        coalesce_globals(&sub, &parent);
        assert_eq!(
            json(&sub),
            r#"{"global":{"a":"parent","b":"sub","t":{"w":2.0,"x":1.0}}}"#
        );
    }

    #[test]
    fn set_parsing_follows_strvals() {
        let base = Value::empty_map();
        apply_set(&base, "a.b=c,d[1]=e,n=10,z=0,o=012,f=1.5,t=TRUE,nul=null").unwrap();
        apply_set(&base, r"list={x,2},esc=a\,b,dot\.key=1,arr[0].name=n").unwrap();
        assert_eq!(
            json(&base),
            r#"{"a":{"b":"c"},"arr":[{"name":"n"}],"d":[null,"e"],"dot.key":1,"esc":"a,b","f":"1.5","list":["x",2],"n":10,"nul":null,"o":"012","t":true,"z":0}"#
        );
        assert!(matches!(path_value(&base, "n"), Some(Value::Int(10))));
        assert!(apply_set(&base, "novalue").is_err());
        assert!(apply_set(&base, "a[99999999]=1").is_err());
    }

    #[test]
    fn merge_maps_later_file_wins() {
        let a = v("x: {w: 1, z: 1}\nl: [1]\n");
        let b = v("x: {w: 2}\nl: [2, 3]\nm: null\n");
        assert_eq!(
            json(&merge_maps(&a, &b)),
            r#"{"l":[2.0,3.0],"m":null,"x":{"w":2.0,"z":1.0}}"#
        );
    }

    #[test]
    fn paths_and_tables() {
        let x = v("a: {b: {c: false}}\n");
        assert!(matches!(path_value(&x, "a.b.c"), Some(Value::Bool(false))));
        assert!(path_value(&x, "a.x.c").is_none());
        assert!(table(&x, "a.b").is_some());
        assert!(table(&x, "a.b.c").is_none());
        assert_eq!(
            json(&path_to_map("p.q", Value::str("v"))),
            r#"{"p":{"q":"v"}}"#
        );
    }

    #[test]
    fn non_map_values_file_is_an_error() {
        assert!(parse_values("- a\n").is_err());
        assert!(parse_values("").is_ok());
        assert!(parse_values("a: [\n").is_err());
    }
}
