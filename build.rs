//! Embeds the rule registry (everything under `rules/`), the rule fixtures used as examples by
//! `explain`, and the CCT requirement lists into the binary, so it runs with no files beside it.
//! Does ahead of time what every start would otherwise repeat: reads each rule's METADATA (and
//! `lint-rules.yaml`) as JSON with the binary's own YAML loader, and compiles the embedded rules
//! for regorus's VM with the binary's own entry plan (src/evaluate/plan.rs). A rule set the VM
//! cannot compile gives an empty program, and the binary compiles at run time as before.
//! It only reads those folders and writes generated files in OUT_DIR.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

// The binary's own modules, so that what is computed here is what it would compute.
#[allow(dead_code)]
#[path = "src/evaluate/plan.rs"]
mod plan;
#[allow(dead_code)]
#[path = "src/rule_text.rs"]
mod rule_text;
#[allow(dead_code)]
#[path = "src/span.rs"]
mod span;
#[allow(dead_code)]
#[path = "src/parse/yaml.rs"]
mod yaml;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut generated = String::new();
    for (name, dir) in [
        ("RULE_FILES", "rules"),
        ("FIXTURE_FILES", "fixtures/rules"),
        ("CATALOG_FILES", "catalog"),
    ] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files = Vec::new();
        collect(&root.join(dir), &mut files);
        files.sort();
        writeln!(generated, "pub static {name}: &[(&str, &str)] = &[").expect("write to String");
        for file in files {
            let Ok(rel) = file.strip_prefix(&root) else {
                continue;
            };
            // Only text belongs in the registry; anything else (a stray binary) is skipped.
            if std::fs::read_to_string(&file).is_err() {
                continue;
            }
            let rel = rel.to_string_lossy().replace('\\', "/");
            writeln!(
                generated,
                "    ({rel:?}, include_str!({:?})),",
                file.display()
            )
            .expect("write to String");
        }
        writeln!(generated, "];").expect("write to String");
    }
    for shared in [
        "src/span.rs",
        "src/parse/yaml.rs",
        "src/evaluate/plan.rs",
        "src/rule_text.rs",
    ] {
        println!("cargo:rerun-if-changed={shared}");
    }
    let rules = read_rules(&root.join("rules"), &root);
    writeln!(generated, "pub static METADATA_JSON: &[(&str, &str)] = &[").expect("write to String");
    for r in &rules {
        let Some(metadata) = &r.metadata else {
            continue;
        };
        // A rule's in the catalogue's shape, with its package (finding the package line is a
        // scan of the whole source); one that has not that shape is left to the binary, which
        // reports it.
        let json = if rule_text::is_rule_file(&r.file) {
            match (
                rule_text::rule_meta_json(metadata),
                rule_text::package_of(&r.source),
            ) {
                (Ok(mut json), Some(package)) => {
                    json["package"] = package.into();
                    json
                }
                _ => continue,
            }
        } else {
            metadata.clone()
        };
        writeln!(generated, "    ({:?}, {:?}),", r.file, json.to_string())
            .expect("write to String");
    }
    writeln!(generated, "];").expect("write to String");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("embedded.rs"), generated).expect("write generated file");
    let (program, entries) = match compile(&rules) {
        Ok(compiled) => compiled,
        Err(e) => {
            println!("cargo:warning=rules not compiled ahead of time (compiled at run time): {e}");
            (Vec::new(), String::new())
        }
    };
    std::fs::write(out_dir.join("rules.rvm"), program).expect("write generated file");
    std::fs::write(out_dir.join("rules.entries.rego"), entries).expect("write generated file");
}

/// A file of `rules/`: its registry path, text, and METADATA read as JSON (rules and
/// `lint-rules.yaml`).
struct RuleFile {
    file: String,
    source: String,
    metadata: Option<serde_json::Value>,
}

fn read_rules(dir: &Path, root: &Path) -> Vec<RuleFile> {
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let (Ok(rel), Ok(source)) = (path.strip_prefix(root), std::fs::read_to_string(&path))
        else {
            continue;
        };
        let file = rel.to_string_lossy().replace('\\', "/");
        let yaml_text = if rule_text::is_rule_file(&file) {
            rule_text::metadata_block(&source)
        } else if file.ends_with("lint-rules.yaml") {
            Some(source.clone())
        } else {
            None
        };
        // A block that does not load is left to the binary, which reports it.
        let metadata = yaml_text.and_then(|text| {
            let stream = yaml::load(&text, yaml::Limits::default());
            if stream.errors.is_empty() {
                stream.documents.first().map(|d| d.root.to_json())
            } else {
                None
            }
        });
        out.push(RuleFile {
            file,
            source,
            metadata,
        });
    }
    out
}

/// Every embedded rule compiled for the VM with one entry rule per planned group, serialized,
/// and the Rego source of the entries.
fn compile(rules: &[RuleFile]) -> Result<(Vec<u8>, String), String> {
    // The rules in id order, as the binary's catalogue lists them.
    let mut planned = BTreeMap::new();
    for r in rules.iter().filter(|r| rule_text::is_rule_file(&r.file)) {
        let custom = r.metadata.as_ref().and_then(|m| m.get("custom"));
        let id = custom.and_then(|c| c.get("id")).and_then(|v| v.as_str());
        let family = custom
            .and_then(|c| c.get("input"))
            .and_then(|i| i.get("family"))
            .and_then(|v| v.as_str())
            .and_then(|f| plan::FAMILY_NAMES.iter().position(|n| *n == f));
        let (Some(id), Some(family), Some(package)) =
            (id, family, rule_text::package_of(&r.source))
        else {
            return Err(format!("{}: no id, family or package", r.file));
        };
        let strings = |list: Option<&serde_json::Value>| -> Option<Vec<String>> {
            list.and_then(|l| l.as_array()).map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            })
        };
        let kinds = strings(
            custom
                .and_then(|c| c.get("input"))
                .and_then(|i| i.get("kinds")),
        );
        let constants = strings(custom.and_then(|c| c.get("constants"))).unwrap_or_default();
        planned.insert(
            id.to_string(),
            plan::PlannedRule {
                id: id.to_string(),
                package,
                family: u8::try_from(family).map_err(|e| e.to_string())?,
                kinds,
                constants,
            },
        );
    }
    let planned: Vec<plan::PlannedRule> = planned
        .into_values()
        .filter(|r| plan::FAMILY_NAMES.get(usize::from(r.family)) != Some(&"lint"))
        .collect();
    let (entries, entry_source) = plan::plan_entries(&planned);
    let mut engine = regorus::Engine::new();
    for r in rules {
        if r.file.ends_with(".rego") && !r.file.ends_with("_test.rego") {
            engine
                .add_policy(r.file.clone(), r.source.clone())
                .map_err(|e| e.to_string())?;
        }
    }
    engine
        .add_policy(
            format!("<{}>.rego", plan::ENTRY_PACKAGE),
            entry_source.clone(),
        )
        .map_err(|e| e.to_string())?;
    let paths = entries.compiled_paths();
    let first = paths.first().copied().ok_or("no rule")?;
    let policy = engine
        .compile_with_entrypoint(&first.into())
        .map_err(|e| e.to_string())?;
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &paths)
            .map_err(|e| e.to_string())?;
    Ok((program.serialize_binary()?, entry_source))
}
