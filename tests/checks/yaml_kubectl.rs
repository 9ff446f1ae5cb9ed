//! Differential test of the YAML loader against Kubernetes' own decoder on the tricky inputs
//! kept in fixtures/yaml-kubectl/ (met while comparing real repositories with
//! bench/yaml_diff.py): `kubectl label --local -f FILE cct-lint-diff=x -o json` decodes each
//! file offline as the API machinery does; our objects, with the same label added, must be
//! data-equal (numbers by value). Files named `refused-*` must be refused by both. Without
//! kubectl the test says it is skipped, and fails when the CI variable is set.
//! Must not: write anything.

use std::path::Path;
use std::process::Command;

use cct_lint::parse::yaml::{self, Limits, Node, Value};

const LABEL: &str = "cct-lint-diff";

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn flatten(node: &Node, out: &mut Vec<serde_json::Value>) {
    let list = node
        .get("kind")
        .and_then(Node::as_str)
        .is_some_and(|k| k.ends_with("List"));
    match node.get("items").map(|i| &i.value) {
        Some(Value::Seq(items)) if list => items.iter().for_each(|i| flatten(i, out)),
        _ => out.push(node.to_json()),
    }
}

fn labelled(mut obj: serde_json::Value) -> serde_json::Value {
    if let Some(map) = obj.as_object_mut() {
        let meta = map
            .entry("metadata")
            .or_insert_with(|| serde_json::json!({}));
        if !meta.is_object() {
            *meta = serde_json::json!({});
        }
        let labels = meta
            .as_object_mut()
            .map(|m| m.entry("labels").or_insert_with(|| serde_json::json!({})));
        if let Some(labels) = labels {
            if !labels.is_object() {
                *labels = serde_json::json!({});
            }
            if let Some(l) = labels.as_object_mut() {
                l.insert(LABEL.into(), "x".into());
            }
        }
    }
    obj
}

/// Equal as JSON data, numbers compared by value (`1` and `1.0` are one number).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn tricky_yaml_reads_as_kubectl_reads_it() {
    if !kubectl_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "kubectl is required in CI for the YAML differential test"
        );
        eprintln!("SKIPPED tricky_yaml_reads_as_kubectl_reads_it: kubectl is not on PATH");
        return;
    }
    let dir = Path::new("fixtures/yaml-kubectl");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures/yaml-kubectl")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(files.len() >= 6, "{files:?}");
    let mut problems = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let out = Command::new("kubectl")
            .args(["label", "--local", "-f"])
            .arg(file)
            .args([&format!("{LABEL}=x"), "-o", "json"])
            .output()
            .expect("run kubectl");
        let text = std::fs::read_to_string(file).expect("read");
        let text = if name.ends_with(".json") {
            text.replace('\t', " ")
        } else {
            text
        };
        let stream = yaml::load(&text, Limits::default());
        let refused = stream
            .errors
            .iter()
            .any(|e| e.kind != yaml::YamlErrorKind::DuplicateKey);
        if name.starts_with("refused-") {
            if out.status.success() || !refused {
                problems.push(format!(
                    "{name}: expected both to refuse (kubectl ok: {}, ours refused: {refused})",
                    out.status.success()
                ));
            }
            continue;
        }
        if !out.status.success() {
            problems.push(format!(
                "{name}: kubectl refuses: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        if refused {
            problems.push(format!("{name}: we refuse: {:?}", stream.errors));
            continue;
        }
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let mut theirs = Vec::new();
        for value in serde_json::Deserializer::from_str(&stdout).into_iter::<serde_json::Value>() {
            let value = value.expect("kubectl JSON");
            match value.get("items").and_then(|i| i.as_array()) {
                Some(items) if value["kind"] == "List" => theirs.extend(items.iter().cloned()),
                _ => theirs.push(value),
            }
        }
        let mut ours = Vec::new();
        for doc in &stream.documents {
            flatten(&doc.root, &mut ours);
        }
        let ours: Vec<serde_json::Value> = ours.into_iter().map(labelled).collect();
        if !same(
            &serde_json::Value::Array(theirs.clone()),
            &serde_json::Value::Array(ours.clone()),
        ) {
            problems.push(format!(
                "{name}: data differ\n kubectl: {}\n ours:    {}",
                serde_json::Value::Array(theirs),
                serde_json::Value::Array(ours)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
