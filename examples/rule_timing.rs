//! Measures evaluation time per rule over the YAML documents of a directory (profiling aid):
//! `cargo run --release --example rule_timing -- DIR [rules]` (`ONLY=ID` or `ONLY=ALL` times one
//! rule or the whole set alone; `BUNDLE=1` times the bundle rules on the directory taken as one
//! bundle). The embedded rules run on the VM;
//! a rules directory read at run time runs on the interpreter, or on the VM with
//! `CCT_LINT_REGO_ENGINE=vm-compile` (see src/evaluate.rs).
use cct_lint::catalog::{Catalog, Family};
use cct_lint::evaluate::RuleEngine;
use cct_lint::parse::yaml;
use std::time::{Duration, Instant};
fn main() {
    let dir = std::env::args().nth(1).expect("dir");
    let cat = Catalog::embedded().expect("catalog");
    // Optional second argument: a rules directory read at run time (for tuning rules without
    // rebuilding); paths must look like the registry's (`rules/...`).
    let sources: Vec<(String, String)> = match std::env::args().nth(2) {
        Some(rules) => cct_lint::regotest::read_dirs(&[rules.into()]).expect("rules dir"),
        None => cct_lint::catalog::RULE_FILES
            .iter()
            .map(|(f, s)| (f.to_string(), s.to_string()))
            .collect(),
    };
    let mut docs = Vec::new();
    for e in std::fs::read_dir(&dir).expect("dir").flatten() {
        let t = std::fs::read_to_string(e.path()).unwrap_or_default();
        for d in yaml::load(&t, yaml::Limits::default()).documents {
            docs.push(d.root);
        }
    }
    let bundle = std::env::var_os("BUNDLE").is_some();
    let family = if bundle {
        Family::Bundle
    } else {
        Family::Kubernetes
    };
    let inputs: Vec<(String, regorus::Value)> = if bundle {
        let objects: Vec<regorus::Value> = docs.iter().map(|d| d.to_rego()).collect();
        let input = std::collections::BTreeMap::from([
            (regorus::Value::from("name"), regorus::Value::from("bundle")),
            (
                regorus::Value::from("objects"),
                regorus::Value::from(objects),
            ),
        ]);
        vec![(String::new(), regorus::Value::from(input))]
    } else {
        docs.iter()
            .map(|d| {
                (
                    d.get("kind")
                        .and_then(|k| k.as_str())
                        .unwrap_or("")
                        .to_string(),
                    d.to_rego(),
                )
            })
            .collect()
    };
    let time = |wanted: &dyn Fn(&str) -> bool| {
        let mut eng = RuleEngine::from_sources(
            &sources,
            &cat,
            &serde_json::Map::new(),
            wanted,
            std::slice::from_ref(&family),
            Duration::from_secs(10),
            false,
        )
        .expect("engine");
        let t = Instant::now();
        for (k, v) in &inputs {
            let _ = eng.evaluate(&family, k, v.clone());
        }
        t.elapsed().as_secs_f64() * 1000.0 / inputs.len() as f64
    };
    // `ONLY=K8S004` times that rule alone, `ONLY=ALL` the whole set alone (to count
    // instructions under callgrind).
    let only = std::env::var("ONLY").ok();
    let mut rows: Vec<(f64, String)> = cat
        .rego_rules()
        .filter(|r| r.input.family == family && only.as_ref().is_none_or(|o| *o == r.id))
        .map(|rule| (time(&|r| r == rule.id), rule.id.clone()))
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (ms, id) in rows {
        println!("{id}: {ms:.3} ms/doc");
    }
    if only.as_ref().is_none_or(|o| o == "ALL") {
        println!(
            "ALL: {:.3} ms/doc over {} docs",
            time(&|_| true),
            inputs.len()
        );
    }
}
