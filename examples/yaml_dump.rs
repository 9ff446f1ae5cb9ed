//! Prints what cct-lint's YAML loader reads in each given file, as one JSON line per file:
//! `{"file": ..., "objects": [...], "errors": [{kind, at, message}]}`; `objects` are the documents'
//! objects in order with `List` kinds flattened (what `kubectl` sees), for the differential
//! test against Kubernetes' decoder (bench/yaml_diff.py):
//!
//!     cargo run --example yaml_dump -- deploy.yaml other.yaml
//!
//! Must not: write files or touch the network; a file that does not read is an error line.

use cct_lint::parse::yaml::{self, Limits, Node, Value};

fn flatten(node: &Node, out: &mut Vec<serde_json::Value>) {
    let is_list = node
        .get("kind")
        .and_then(Node::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && matches!(node.get("items").map(|i| &i.value), Some(Value::Seq(_)));
    match node.get("items").map(|i| &i.value) {
        Some(Value::Seq(items)) if is_list => {
            for item in items {
                flatten(item, out);
            }
        }
        _ => out.push(node.to_json()),
    }
}

fn main() {
    for file in std::env::args().skip(1) {
        let line = match std::fs::read_to_string(&file) {
            Ok(text) => {
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                let stream = yaml::load(text, Limits::default());
                let mut objects = Vec::new();
                for doc in &stream.documents {
                    flatten(&doc.root, &mut objects);
                }
                let errors: Vec<serde_json::Value> = stream
                    .errors
                    .iter()
                    .map(|e| {
                        let kind = match e.kind {
                            yaml::YamlErrorKind::Syntax => "syntax",
                            yaml::YamlErrorKind::DuplicateKey => "duplicate_key",
                            yaml::YamlErrorKind::Limit => "limit",
                        };
                        let at = format!("{}:{}", e.span.start.line, e.span.start.column);
                        serde_json::json!({"kind": kind, "at": at, "message": e.message})
                    })
                    .collect();
                serde_json::json!({"file": file, "objects": objects, "errors": errors})
            }
            Err(e) => serde_json::json!({
                "file": file,
                "objects": [],
                "errors": [{"kind": "read", "at": "1:1", "message": e.to_string()}],
            }),
        };
        println!("{line}");
    }
}
