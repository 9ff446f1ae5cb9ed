//! The scan's promises, tested on a copy of a real tree: the scanned tree is never written
//! (read-only tree, bytes and modification times compared after `check` and `render`), and the
//! output does not depend on the order of the given paths nor on a symlinked working directory.
//! Must not: write inside fixtures/ (temporary copies only).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::bin;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            }
            out.push(entry.path());
        }
    }
    out.sort();
    out
}

type State = BTreeMap<PathBuf, (Vec<u8>, SystemTime, bool)>;

fn state(root: &Path) -> State {
    files(root)
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).expect("metadata");
            let bytes = if meta.is_dir() {
                Vec::new()
            } else {
                std::fs::read(&p).expect("read")
            };
            let mtime = meta.modified().expect("mtime");
            (p, (bytes, mtime, meta.permissions().readonly()))
        })
        .collect()
}

fn set_readonly(root: &Path, readonly: bool) {
    let mut all = files(root);
    all.push(root.to_path_buf());
    // Directories last when locking, first when unlocking, so the walk can still enter them.
    all.sort_by_key(|p| p.is_dir() == readonly);
    for p in all {
        let mut perms = std::fs::metadata(&p).expect("metadata").permissions();
        perms.set_readonly(readonly);
        std::fs::set_permissions(&p, perms).expect("chmod");
    }
}

#[test]
fn a_read_only_tree_is_checked_and_rendered_without_being_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("repo");
    copy_tree(Path::new("fixtures/repos/registre-associations"), &tree);
    copy_tree(Path::new("fixtures/json"), &tree.join("json"));
    set_readonly(&tree, true);
    let before = state(&tree);
    assert!(before.len() > 10, "{} files", before.len());
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    for args in [
        vec![
            "check",
            ".",
            "--format",
            "human",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        vec![
            "check",
            ".",
            "--format",
            "sarif",
            "--format",
            "audit-md",
            "--fail-on",
            "never",
        ],
        vec!["render", "chart"],
    ] {
        let out = bin()
            .args(&args)
            .current_dir(&tree)
            .env("HOME", &home)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let after = state(&tree);
    set_readonly(&tree, false);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (path, was) in &before {
        assert!(after.get(path) == Some(was), "{} changed", path.display());
    }
}

fn check_json(dir: &Path, paths: &[&str]) -> String {
    let out = bin()
        .arg("check")
        .args(paths)
        .args([
            "--format",
            "json",
            "--format",
            "sarif",
            "--fail-on",
            "never",
            "--lang",
            "en",
        ])
        .current_dir(dir)
        .env("CCT_LINT_TODAY", "2026-01-01")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The elapsed time is the only part of a report that may differ between two runs.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.contains("\"elapsed"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn output_is_the_same_for_any_path_order_and_through_a_symlinked_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = dir.path().join("repo");
    copy_tree(Path::new("fixtures/repos/registre-associations"), &tree);
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&tree, &link).expect("symlink");
    let mut names: Vec<String> = std::fs::read_dir(&tree)
        .expect("read_dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert!(names.len() >= 3, "{names:?}");
    let forward: Vec<&str> = names.iter().map(String::as_str).collect();
    let backward: Vec<&str> = forward.iter().rev().copied().collect();
    let reference = check_json(&tree, &forward);
    assert!(
        reference.contains("\"rule_id\""),
        "no findings: {reference}"
    );
    assert_eq!(check_json(&tree, &backward), reference, "reversed order");
    assert_eq!(check_json(&link, &forward), reference, "through a symlink");
    // Repeating a path changes nothing.
    let mut twice = forward.clone();
    twice.push(forward[0]);
    assert_eq!(check_json(&tree, &twice), reference, "a path given twice");
}
