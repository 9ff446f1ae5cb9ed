//! Helm's `fromYaml`/`fromYamlArray` reader: the first YAML document of a string, read with the
//! crate's YAML loader (YAML 1.1 resolution, anchors, aliases, `<<` merge keys, flow and block
//! styles), numbers as float64 as after Helm's YAML→JSON→Go step (sigs.k8s.io/yaml).
//! Must not: panic on any input, or build deeper trees than the loader's limits allow.

use crate::parse::yaml::{self, Limits};
use crate::render::value::{Value, MAX_DEPTH};
use crate::render::values::from_yaml_node;

type R<T> = Result<T, String>;

fn err(src: &str, line: u32, msg: &str) -> String {
    // An error at the end of the input is on the last line for go-yaml.
    let last = src.matches('\n').count() as u32 + 1;
    let line = line.min(last);
    // go-yaml's messages have no parser context ("while parsing a node, ...").
    let msg = msg.rsplit(", ").next().unwrap_or(msg);
    format!(
        "error converting YAML to JSON: yaml: line {}: {}",
        line, msg
    )
}

/// Parses the first YAML document of `src` into a value (`Nil` for an empty document).
/// Like go-yaml's `Unmarshal`, later documents are not read: their errors do not count.
pub fn from_yaml(src: &str) -> R<Value> {
    let limits = Limits {
        max_depth: MAX_DEPTH,
        ..Limits::default()
    };
    let stream = crate::render::values::load_yaml(src, limits);
    let first_error = stream
        .errors
        .iter()
        .filter(|e| e.kind != yaml::YamlErrorKind::DuplicateKey)
        .min_by_key(|e| (e.span.start.line, e.span.start.column));
    match stream.documents.into_iter().next() {
        // The first document loaded: errors, if any, belong to later documents.
        Some(doc) if doc.index == 0 => match first_error {
            Some(e) if e.span.start.line <= doc.root.span.end.line => {
                Err(err(src, e.span.start.line, &e.message))
            }
            _ => Ok(from_yaml_node(&doc.root, true)),
        },
        _ => match first_error {
            Some(e) => Err(err(src, e.span.start.line, &e.message)),
            None => Ok(Value::Nil),
        },
    }
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
        assert_eq!(j("{}"), "{}");
        assert_eq!(
            j("a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n---\n: bad: ["),
            r#"{"a":{"b":1},"c":{"b":1,"d":2}}"#
        );
    }
}
