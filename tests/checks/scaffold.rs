//! `cct-lint new-rule`: the starter rule passes its own tests (and METADATA checks), fires exactly on its failing
//! fixture's marked line and not on the passing one, for each family it writes.
//! Must not: write outside a temporary directory.

use std::process::Command;

fn in_dir(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cct-lint"))
        .args(args)
        .current_dir(dir)
        .env("LANG", "C")
        .output()
        .expect("run cct-lint")
}

#[test]
fn new_rule_writes_a_working_rule_with_tests_and_fixtures() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (id, name, family, fixture) in [
        (
            "TEAM042",
            "owner-annotation-missing",
            "kubernetes",
            "deployment.yaml",
        ),
        (
            "TEAM043",
            "source-label-missing",
            "dockerfile",
            "Dockerfile",
        ),
    ] {
        let out = in_dir(dir.path(), &["new-rule", id, name, "--family", family]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let fixtures = format!("policies/{id}/fixtures");
        let out = in_dir(
            dir.path(),
            &[
                "check",
                "--policy",
                "policies",
                &fixtures,
                "--format",
                "json",
                "--fail-on",
                "never",
            ],
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
        let hits: Vec<(String, u64)> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule_id"] == id)
            .map(|f| {
                (
                    f["file"].as_str().unwrap_or_default().to_string(),
                    f["line"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        let marked = if family == "kubernetes" { 3 } else { 1 };
        assert_eq!(
            hits,
            vec![(format!("{fixtures}/fail-example/{fixture}"), marked)],
            "{id}"
        );
    }
    let tests = in_dir(dir.path(), &["test", "policies"]);
    let stdout = String::from_utf8_lossy(&tests.stdout);
    assert!(tests.status.success(), "{stdout}");
    assert!(stdout.contains("6 passed, 0 failed"), "{stdout}");
    // Never overwrites, and refuses bad ids.
    let again = in_dir(
        dir.path(),
        &["new-rule", "TEAM042", "owner-annotation-missing"],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad = in_dir(dir.path(), &["new-rule", "team1", "x"]);
    assert_eq!(bad.status.code(), Some(2));
}
