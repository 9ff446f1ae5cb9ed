//! Configuration keys beyond rules and derogations: the framework the reports speak in.
//! Must not: write inside fixtures/ (temporary directories only).

use crate::{assert_snapshot, run};

#[test]
fn framework_selects_the_requirement_ids_reports_lead_with() {
    let example = "fixtures/repos/registre-associations";
    // The béta list by default (`Per requirement: EXI-…`, `= requirements: EXI-ARCH-2 (P),
    // EXI-ARCH-19 (P), EX28`): the example's snapshot.
    let beta = run(&["check", example, "--lang", "en", "--color", "never"]);
    assert_snapshot("example.human.en.txt", &beta.stdout);
    let alpha = run(&[
        "check",
        example,
        "--lang",
        "en",
        "--color",
        "never",
        "--framework",
        "alpha-v4",
    ]);
    // The alpha list leads (`Per requirement: EX25 (P)`, `= requirements: EX28 (P),
    // EXI-ARCH-2, EXI-ARCH-19`).
    assert_snapshot("example.alpha-v4.human.en.txt", &alpha.stdout);
    assert_eq!(alpha.code, beta.code);

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        "fixtures/rules/K8S023/fail-replicas-one/deployment.yaml",
        dir.path().join("deployment.yaml"),
    )
    .expect("copy");
    let config = dir.path().join(".cct-lint.yaml");
    std::fs::write(&config, "framework: alpha-v4\n").expect("write");
    let root = dir.path().display().to_string();
    let r = run(&["check", &root, "--lang", "en", "--color", "never"]);
    assert!(r.stdout.contains("Per requirement: EX"), "{}", r.stdout);
    assert!(!r.stdout.contains("Per requirement: EXI-"), "{}", r.stdout);
    std::fs::write(&config, "# team settings\nframework: gamma\n").expect("write");
    let r = run(&["check", &root]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".cct-lint.yaml:2:12"), "{}", r.stderr);
}

/// The audit report speaks in the framework too: its rows are the alpha list's requirements
/// (EX ids) and its counts are taken over that list.
#[test]
fn the_audit_report_follows_the_framework() {
    let example = "fixtures/repos/registre-associations";
    let audit = |framework: &str| {
        run(&[
            "check",
            example,
            "--format",
            "audit-md",
            "--lang",
            "en",
            "--fail-on",
            "never",
            "--framework",
            framework,
        ])
        .stdout
    };
    let alpha = audit("alpha-v4");
    assert!(alpha.contains("alpha v4 requirements list (26.03.2023), 58 requirements"));
    assert!(alpha.lines().any(|l| l.starts_with("| EX28 |")), "{alpha}");
    assert!(!alpha.lines().any(|l| l.starts_with("| EXI-")), "{alpha}");
    assert!(alpha.contains("out of 28 in total"), "{alpha}");
    let beta = audit("beta-2024");
    assert!(beta.contains("béta requirements list (23.06.2024), 55 requirements"));
    assert!(beta.lines().any(|l| l.starts_with("| EXI-ARCH-2 |")));
    assert!(!beta.lines().any(|l| l.starts_with("| EX28 |")));
}

/// An architect asks by requirement: `explain EXI-ARCH-18` gives its text, the rules that
/// check it and what stays manual; an alpha id works too; an unknown id is a usage error.
#[test]
fn explain_takes_a_requirement_id() {
    // The text (rootless), the rules that check it (`DF001`, `K8S004`, `K8S011`) and "What
    // remains manual"; a partly checked requirement says so (fr), a manual one too.
    for (id, lang, snapshot) in [
        ("EXI-ARCH-18", "en", "explain.EXI-ARCH-18.en.md"),
        ("exi-arch-2", "fr", "explain.EXI-ARCH-2.fr.md"),
        ("EXI-G-1", "en", "explain.EXI-G-1.en.md"),
    ] {
        let r = run(&["explain", id, "--lang", lang]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_snapshot(snapshot, &r.stdout);
    }
    let unknown = run(&["explain", "EXI-NOPE-1"]);
    assert_eq!(unknown.code, 2);
}

/// The audit's date is today's by default; CCT_LINT_REPORT_DATE only overrides it.
#[test]
fn the_audit_report_is_dated_today_by_default() {
    let out = crate::bin()
        .args([
            "check",
            "fixtures/repos/audit-unrendered",
            "--format",
            "audit-md",
            "--fail-on",
            "never",
        ])
        .env_remove("CCT_LINT_REPORT_DATE")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("CCT_LINT_TODAY", "2030-01-02")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("| Date | 2030-01-02 |"), "{text}");
}
