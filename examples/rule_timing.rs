//! Measures evaluation time per rule over the YAML documents of a directory (profiling aid):
//! `cargo run --release --example rule_timing -- DIR [rules]`. The embedded rules run on the VM;
//! a rules directory read at run time runs on the interpreter (see src/evaluate.rs).
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
    let inputs: Vec<(String, regorus::Value)> = docs
        .iter()
        .map(|d| {
            (
                d.get("kind")
                    .and_then(|k| k.as_str())
                    .unwrap_or("")
                    .to_string(),
                d.to_rego(),
            )
        })
        .collect();
    let mut rows = Vec::new();
    for rule in cat
        .rego_rules()
        .filter(|r| r.input.family == Family::Kubernetes)
    {
        let id = rule.id.clone();
        let mut eng = RuleEngine::from_sources(
            &sources,
            &cat,
            &serde_json::Map::new(),
            &|r| r == id,
            &[Family::Kubernetes],
            Duration::from_secs(10),
            false,
        )
        .expect("engine");
        let t = Instant::now();
        for (k, v) in &inputs {
            let _ = eng.evaluate(&Family::Kubernetes, k, v.clone());
        }
        rows.push((t.elapsed(), rule.id.clone()));
    }
    let mut eng = RuleEngine::from_sources(
        &sources,
        &cat,
        &serde_json::Map::new(),
        &|_| true,
        &[Family::Kubernetes],
        Duration::from_secs(10),
        false,
    )
    .expect("engine");
    let t = Instant::now();
    for (k, v) in &inputs {
        let _ = eng.evaluate(&Family::Kubernetes, k, v.clone());
    }
    rows.sort();
    for (d, id) in rows {
        println!(
            "{id}: {:.2} ms/doc",
            d.as_secs_f64() * 1000.0 / inputs.len() as f64
        );
    }
    println!(
        "ALL: {:.2} ms/doc over {} docs",
        t.elapsed().as_secs_f64() * 1000.0 / inputs.len() as f64,
        inputs.len()
    );
}
