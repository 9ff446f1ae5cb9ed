//! Embeds the rule registry (everything under `rules/`), the rule fixtures used as examples by
//! `explain`, and the CCT requirement lists into the binary, so it runs with no files beside it.
//! It only reads those folders and writes one generated file in OUT_DIR.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, generated).expect("write generated file");
}
