//! Runs the `test_*` rules of Rego test packages, like `opa test`. It loads every `.rego`
//! under the given directories into one engine and reports pass/fail per test; it never
//! prints (the caller does).

use crate::rule_text::package_of;
use std::path::{Path, PathBuf};

/// Outcome of one `test_*` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    pub package: String,
    pub name: String,
    pub file: PathBuf,
    pub passed: bool,
    pub error: Option<String>,
}

/// Collects `.rego` files below `dir`, sorted for a stable order.
pub fn rego_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rego") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn test_rule_names(source: &str) -> Vec<String> {
    let mut names: Vec<String> = source
        .lines()
        .filter_map(|l| {
            let l = l.trim_end();
            if !l.starts_with("test_") {
                return None;
            }
            let end = l
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(l.len());
            Some(l[..end].to_string())
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Reads every `.rego` file below `dirs` as (path, source) pairs.
pub fn read_dirs(dirs: &[PathBuf]) -> Result<Vec<(String, String)>, String> {
    let mut sources = Vec::new();
    for dir in dirs {
        for file in rego_files(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let source =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            sources.push((file.display().to_string(), source));
        }
    }
    Ok(sources)
}

/// Runs every test rule found in `sources`. `data` is added to the engine first (rule params).
pub fn run(sources: &[(String, String)], data: regorus::Value) -> Result<Vec<TestOutcome>, String> {
    let mut engine = regorus::Engine::new();
    crate::evaluate::register_builtins(&mut engine).map_err(|e| e.to_string())?;
    engine.add_data(data).map_err(|e| e.to_string())?;
    let mut tests = Vec::new();
    for (file, source) in sources {
        engine
            .add_policy(file.clone(), source.clone())
            .map_err(|e| e.to_string())?;
        if let Some(pkg) = package_of(source) {
            for name in test_rule_names(source) {
                tests.push((pkg.clone(), name, PathBuf::from(file)));
            }
        }
    }
    let mut outcomes = Vec::new();
    // A rule whose METADATA does not load would break the linter: report it as a failed test.
    for (file, source) in sources {
        if !crate::catalog::is_rule_file(file) && !file.contains("/rules/") {
            continue;
        }
        if file.ends_with("_test.rego")
            || file.contains("rules/lib/")
            || !source.contains("# METADATA")
        {
            continue;
        }
        let result = crate::catalog::parse_rule(file, source).and_then(|meta| {
            crate::catalog::validate_rule(&meta).map_err(|message| {
                crate::catalog::CatalogError::Invalid {
                    file: file.clone(),
                    message,
                }
            })
        });
        outcomes.push(TestOutcome {
            package: package_of(source).unwrap_or_default(),
            name: "METADATA".to_string(),
            file: PathBuf::from(file),
            passed: result.is_ok(),
            error: result.err().map(|e| e.to_string()),
        });
    }
    for (package, name, file) in tests {
        let rule = format!("data.{package}.{name}");
        let (passed, error) = match engine.eval_rule(rule) {
            Ok(v) => (v == regorus::Value::from(true), None),
            Err(e) => (false, Some(e.to_string())),
        };
        outcomes.push(TestOutcome {
            package,
            name,
            file,
            passed,
            error,
        });
    }
    Ok(outcomes)
}

/// `data.params` built from the METADATA of the rule files among `sources`, so that tests see
/// the defaults of the rules being tested rather than those embedded at build time.
pub fn params_from_sources(sources: &[(String, String)]) -> regorus::Value {
    let mut params = serde_json::Map::new();
    for (file, source) in sources {
        if file.ends_with("_test.rego") {
            continue;
        }
        if let Ok(meta) = crate::catalog::parse_rule(file, source) {
            params.insert(meta.id, serde_json::Value::Object(meta.params));
        }
    }
    regorus::Value::from(serde_json::json!({ "params": params }))
}
