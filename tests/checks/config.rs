//! Configuration keys beyond rules and derogations: the framework the reports speak in.
//! Must not: write inside fixtures/ (temporary directories only).

use crate::run;

#[test]
fn framework_selects_the_requirement_ids_reports_lead_with() {
    let example = "fixtures/repos/registre-associations";
    let beta = run(&["check", example, "--lang", "en", "--color", "never"]);
    assert!(
        beta.stdout.contains("Per requirement: EXI-"),
        "{}",
        beta.stdout
    );
    assert!(beta
        .stdout
        .contains("= requirements: EXI-ARCH-2 (P), EXI-ARCH-19 (P), EX28"));
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
    assert!(
        alpha.stdout.contains("Per requirement: EX25 (P)"),
        "{}",
        alpha.stdout
    );
    assert!(alpha
        .stdout
        .contains("= requirements: EX28 (P), EXI-ARCH-2, EXI-ARCH-19"));
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
