//! The gate, in both directions, on every entry point: exactly the findings that are neither
//! derogated nor in the baseline decide the exit code, and the CI formats (JUnit failures,
//! GitLab issues) agree with it. Also where the configuration is found and how baseline
//! fingerprints survive a change of working directory.
//! Must not: write inside fixtures/ (temporary directories only).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{bin, copy_tree, git, run_action, run_gitlab_job, yaml_file, Run};

const SERVICE: &str = "fixtures/rules/K8S018/fail-nodeport/service.yaml";

/// A workspace holding one manifest with one error (K8S018 on `deploy/service.yaml`) and the
/// given configuration.
fn workspace(config: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("deploy")).expect("mkdir");
    std::fs::copy(SERVICE, ws.join("deploy/service.yaml")).expect("copy");
    if let Some(config) = config {
        std::fs::write(ws.join(".cct-lint.yaml"), config).expect("write config");
    }
    (dir, ws)
}

const DEROGATION: &str = "derogations:\n  - rule: K8S018\n    paths: [\"deploy/**\"]\n    justification: \"NodePort required by the legacy load balancer\"\n    reference: DEC-1\n    expires: 2099-12-31\n";
const EXPIRED: &str = "derogations:\n  - rule: K8S018\n    paths: [\"deploy/**\"]\n    justification: \"NodePort required by the legacy load balancer\"\n    expires: 2020-01-31\n";

fn check_in(ws: &Path, args: &[&str]) -> Run {
    let out = bin()
        .current_dir(ws)
        .arg("check")
        .args(args)
        .args(if args.contains(&"--lang") {
            &["--color", "never"][..]
        } else {
            &["--lang", "en", "--color", "never"][..]
        })
        .output()
        .expect("run cct-lint");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    }
}

/// Exit code, JUnit failures and GitLab issues of one check: they must tell the same story.
fn verdicts(ws: &Path, extra: &[&str]) -> (i32, usize, usize) {
    let mut args = vec![
        ".",
        "--format",
        "junit",
        "--output",
        "out.junit.xml",
        "--format",
        "gitlab",
        "--output",
        "out.gitlab.json",
        "--format",
        "human",
    ];
    args.extend_from_slice(extra);
    let r = check_in(ws, &args);
    let junit = std::fs::read_to_string(ws.join("out.junit.xml")).expect("junit written");
    let failures = junit.matches("<failure").count();
    let gitlab: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ws.join("out.gitlab.json")).expect("gitlab written"),
    )
    .expect("gitlab JSON");
    let issues = gitlab.as_array().map_or(0, Vec::len);
    // The human summary states the gate's verdict, in French too, in words that cannot be read
    // the other way ("seuil franchi" could).
    let mut fr_args = vec![".", "--lang", "fr"];
    fr_args.extend_from_slice(extra);
    let fr = check_in(ws, &fr_args);
    assert_eq!(fr.code, r.code, "{}", fr.stderr);
    for (stdout, line, [passed, failed]) in [
        (&r.stdout, "Gate (--fail-on error):", ["passed", "failed"]),
        (&fr.stdout, "Seuil (--fail-on error) :", ["réussi", "échec"]),
    ] {
        let verdict = if r.code == 0 { passed } else { failed };
        assert!(stdout.contains(&format!("{line} {verdict} —")), "{stdout}");
    }
    (r.code, failures, issues)
}

#[test]
fn derogations_release_the_gate_and_expired_ones_do_not() {
    let (_d, ws) = workspace(None);
    assert_eq!(verdicts(&ws, &[]), (1, 1, 1), "no derogation: fails");

    let (_d, ws) = workspace(Some(DEROGATION));
    assert_eq!(
        verdicts(&ws, &[]),
        (0, 0, 0),
        "justified, unexpired: passes"
    );
    let r = check_in(&ws, &[".", "--show-suppressed"]);
    assert!(r.stdout.contains("NodePort required"), "{}", r.stdout);

    let (_d, ws) = workspace(Some(EXPIRED));
    let (code, failures, issues) = verdicts(&ws, &[]);
    assert_eq!(code, 1, "expired: the finding fails again");
    assert!(failures >= 1 && issues >= 1);
}

#[test]
fn the_baseline_releases_the_gate_until_a_new_finding_appears() {
    let (_d, ws) = workspace(None);
    let r = check_in(
        &ws,
        &[
            ".",
            "--format",
            "json",
            "--output",
            "baseline.json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // GitLab's Code Quality report keeps existing findings (GitLab tells new from existing
    // itself by comparing with the target branch); JUnit failures follow the gate.
    assert_eq!(
        verdicts(&ws, &["--baseline", "baseline.json"]),
        (0, 0, 1),
        "every finding is existing"
    );
    let r = check_in(&ws, &[".", "--baseline", "baseline.json"]);
    assert!(
        r.stdout.contains("1 finding(s) already in the baseline"),
        "{}",
        r.stdout
    );
    std::fs::write(
        ws.join("deploy/other.yaml"),
        std::fs::read_to_string(SERVICE)
            .expect("read")
            .replace("portail-front", "portail-back"),
    )
    .expect("write");
    let (code, failures, issues) = verdicts(&ws, &["--baseline", "baseline.json"]);
    assert_eq!((code, failures, issues), (1, 1, 2), "one new finding fails");
}

/// APP004 (on a bundle's first workload) of a check of `root`, against a baseline holding
/// `fingerprint` when given.
fn app004(root: &Path, fingerprint: Option<&str>) -> cct_lint::finding::Finding {
    let mut request = crate::request(&[&root.to_string_lossy()]);
    if let Some(fingerprint) = fingerprint {
        let baseline = root.join("baseline.json");
        let findings = serde_json::json!([{"rule_id": "APP004", "fingerprint": fingerprint}]);
        std::fs::write(
            &baseline,
            serde_json::json!({"findings": findings}).to_string(),
        )
        .expect("write baseline");
        request.baseline = Some(baseline);
    }
    crate::check_request(&request)
        .findings
        .into_iter()
        .find(|f| f.rule_id == "APP004")
        .expect("APP004 on a workload without metrics")
}

const WORKLOAD: &str = "fixtures/repos/baseline/deploy.yaml";

/// A finding on a whole object (APP004 points at the first workload a kustomization builds)
/// keeps its fingerprint when lines move above it, and a baseline written when the line
/// counted still matches; an unrelated fingerprint does not.
#[test]
fn a_finding_on_a_whole_object_stays_in_the_baseline_when_lines_move() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("deploy.yaml");
    let deployment = std::fs::read_to_string(WORKLOAD).expect("read");
    std::fs::write(&manifest, &deployment).expect("write");
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources:\n  - deploy.yaml\n",
    )
    .expect("write");
    let before = app004(dir.path(), None);
    assert!(
        before.path.is_empty() && before.object.is_some(),
        "{before:?}"
    );
    std::fs::write(&manifest, format!("# a\n# b\n{deployment}")).expect("write");
    let after = app004(dir.path(), Some(&before.fingerprint));
    assert_eq!(after.span.start.line, before.span.start.line + 2);
    assert!(after.in_baseline, "the line shift made it new");
    let legacy = before
        .legacy_fingerprint_for(&before.file)
        .expect("a finding on a whole object had a line-bearing fingerprint");
    assert_ne!(legacy, before.fingerprint);
    // The legacy fingerprint names the line the baseline saw: the file as it was.
    std::fs::write(&manifest, &deployment).expect("write");
    only_the_legacy_fingerprint_matches(dir.path(), &legacy);
}

/// A baseline holding `legacy` still holds APP004 of `root`; one holding another does not.
fn only_the_legacy_fingerprint_matches(root: &Path, legacy: &str) {
    assert!(
        app004(root, Some(legacy)).in_baseline,
        "a baseline from before"
    );
    assert!(!app004(root, Some("0123456789abcdef")).in_baseline);
}

/// A bundle finding on a plain file is named inside its object, not by its index in the
/// folder's bundle: adding a file to the folder does not make it new; a baseline that named
/// the index still matches while the folder is unchanged; an unrelated fingerprint does not.
#[test]
fn a_bundle_finding_stays_in_the_baseline_when_a_file_joins_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(WORKLOAD, dir.path().join("b-deploy.yaml")).expect("copy");
    let before = app004(dir.path(), None);
    assert!(before.path.is_empty(), "{before:?}");
    let config = dir.path().join("a-config.yaml");
    std::fs::write(
        &config,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .expect("write");
    assert!(
        app004(dir.path(), Some(&before.fingerprint)).in_baseline,
        "the new file made it new"
    );
    let legacy = before
        .legacy_fingerprint_for(&before.file)
        .expect("legacy path");
    assert_ne!(legacy, before.fingerprint);
    std::fs::remove_file(&config).expect("remove");
    only_the_legacy_fingerprint_matches(dir.path(), &legacy);
}

#[test]
fn a_baseline_written_in_a_sub_folder_matches_a_check_from_the_repository_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    let app = repo.join("app");
    std::fs::create_dir_all(app.join("deploy")).expect("mkdir");
    std::fs::copy(SERVICE, app.join("deploy/service.yaml")).expect("copy");
    assert_eq!(git(&repo, &["init", "-q"]).code, 0);
    let r = check_in(
        &app,
        &[
            ".",
            "--format",
            "json",
            "--output",
            "../baseline.json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let from_root = check_in(&repo, &["app", "--baseline", "baseline.json"]);
    assert_eq!(from_root.code, 0, "{}", from_root.stdout);
    let from_app = check_in(&app, &[".", "--baseline", "../baseline.json"]);
    assert_eq!(from_app.code, 0, "{}", from_app.stdout);
    // And the baseline does not hide what it does not hold.
    let without = check_in(&repo, &["app"]);
    assert_eq!(without.code, 1, "{}", without.stdout);
}

#[test]
fn the_configuration_is_found_upwards_to_the_repository_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("deploy")).expect("mkdir");
    std::fs::create_dir_all(repo.join("docker")).expect("mkdir");
    std::fs::copy(SERVICE, repo.join("deploy/service.yaml")).expect("copy");
    std::fs::write(
        repo.join("docker/Dockerfile"),
        "FROM alpine:3.20\nUSER 1001\n",
    )
    .expect("write");
    assert_eq!(git(&repo, &["init", "-q"]).code, 0);
    std::fs::write(repo.join(".cct-lint.yaml"), DEROGATION).expect("write");
    // The README's GitLab example: two sub-folders, the configuration at the root.
    let r = check_in(&repo, &["deploy", "docker"]);
    assert_eq!(
        r.code, 0,
        "the root configuration's derogation applies:\n{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Configuration: .cct-lint.yaml"),
        "{}",
        r.stdout
    );
    // From inside a sub-folder too: paths in the configuration stay relative to its folder.
    let r = check_in(&repo.join("deploy"), &["."]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("Configuration: ../.cct-lint.yaml"),
        "{}",
        r.stdout
    );
    // Excludes are relative to the configuration's folder as well.
    std::fs::write(repo.join(".cct-lint.yaml"), "exclude: [\"deploy/**\"]\n").expect("write");
    let r = check_in(&repo.join("deploy"), &["."]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("0 finding(s)"), "{}", r.stdout);
    // Without it, the finding fails the gate: the lookup is what released it.
    std::fs::remove_file(repo.join(".cct-lint.yaml")).expect("rm");
    let r = check_in(&repo, &["deploy", "docker"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("no .cct-lint.yaml file"), "{}", r.stdout);
    // The lookup stops at the repository root: a configuration above it is not read.
    std::fs::write(dir.path().join(".cct-lint.yaml"), DEROGATION).expect("write");
    let r = check_in(&repo, &["deploy"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    // Two different configurations for one check are a usage error.
    std::fs::write(repo.join("deploy/.cct-lint.yaml"), DEROGATION).expect("write");
    std::fs::write(repo.join("docker/.cct-lint.yaml"), "exclude: []\n").expect("write");
    let r = check_in(&repo, &["deploy", "docker"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("different configuration files"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_github_action_and_the_gitlab_job_follow_the_gate_both_ways() {
    let action = yaml_file("action.yml");
    let ci = yaml_file("ci/cct-lint.gitlab-ci.yml");
    let job = &ci[".cct-lint"];
    for (config, expected) in [(Some(DEROGATION), 0), (Some(EXPIRED), 1), (None, 1)] {
        let (_d, ws) = workspace(config);
        let r = run_action(&action, &[("install", "false"), ("lang", "en")], &ws);
        assert_eq!(r.code, expected, "action, config {config:?}:\n{}", r.log);
        let (_d, ws) = workspace(config);
        let r = run_gitlab_job(job, "sh", &[], &ws);
        assert_eq!(
            r.code, expected,
            "gitlab job, config {config:?}:\n{}{}",
            r.stdout, r.stderr
        );
    }
    // The baseline through the template's CCT_LINT_ARGS and the action's `baseline` input.
    let (_d, ws) = workspace(None);
    let out = bin()
        .current_dir(&ws)
        .args([
            "check",
            ".",
            "--format",
            "json",
            "--output",
            "baseline.json",
            "--fail-on",
            "never",
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let r = run_gitlab_job(
        job,
        "sh",
        &[("CCT_LINT_ARGS", "--baseline baseline.json")],
        &ws,
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run_action(
        &action,
        &[("install", "false"), ("baseline", "baseline.json")],
        &ws,
    );
    assert_eq!(r.code, 0, "{}", r.log);
}

/// The pre-commit hook, as a repository uses it: a commit whose only finding is derogated in
/// the root configuration goes through; with the derogation expired it is refused.
#[test]
fn the_pre_commit_hook_lets_a_derogated_finding_through_and_refuses_an_expired_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(pre_commit) = crate::pre_commit_executable() else {
        return;
    };
    for (config, expected_ok) in [(DEROGATION, true), (EXPIRED, false)] {
        let repo = dir.path().join(if expected_ok { "ok" } else { "expired" });
        std::fs::create_dir_all(repo.join("deploy")).expect("mkdir");
        assert_eq!(git(&repo, &["init", "-q"]).code, 0);
        std::fs::write(repo.join(".cct-lint.yaml"), config).expect("write");
        let hooks = yaml_file(".pre-commit-hooks.yaml");
        let mut local = hooks[0].clone();
        local["language"] = "system".into();
        local["entry"] = local["entry"]
            .as_str()
            .expect("entry")
            .replacen("cct-lint", &crate::bin_path().to_string_lossy(), 1)
            .into();
        let cfg = serde_json::json!({"repos": [{"repo": "local", "hooks": [local]}]});
        std::fs::write(
            repo.join(".pre-commit-config.yaml"),
            serde_json::to_string_pretty(&cfg).expect("json"),
        )
        .expect("write");
        copy_tree(
            Path::new("fixtures/rules/K8S018/fail-nodeport"),
            &repo.join("deploy"),
        );
        assert_eq!(git(&repo, &["add", "-A"]).code, 0);
        let install = Command::new(&pre_commit)
            .current_dir(&repo)
            .args(["install"])
            .env("PRE_COMMIT_HOME", dir.path().join("pre-commit-home"))
            .output()
            .expect("pre-commit install");
        assert!(
            install.status.success(),
            "{}",
            String::from_utf8_lossy(&install.stderr)
        );
        let r = git(&repo, &["commit", "-qm", "service"]);
        assert_eq!(
            r.code == 0,
            expected_ok,
            "commit with {config}:\n{}{}",
            r.stdout,
            r.stderr
        );
    }
}

/// The gate of `check::run` itself, in both directions and without the binary: the error fails
/// the outcome; a derogation releases it and changes nothing else of the finding; an expired
/// derogation does not release it.
#[test]
fn the_outcome_fails_exactly_on_findings_neither_derogated_nor_expired_in_process() {
    use cct_lint::catalog::Severity;
    use cct_lint::check::Outcome;
    use cct_lint::finding::Finding;

    // A configuration from the start: fingerprints are relative to its folder.
    let (_dir, ws) = workspace(Some("# no derogation yet\n"));
    let request = cct_lint::check::Request {
        fail_on: Some(Severity::Error),
        ..crate::request(&[ws.to_str().expect("utf-8")])
    };
    let k8s018 = |o: &Outcome| -> Finding {
        let found: Vec<&Finding> = o
            .findings
            .iter()
            .filter(|f| f.rule_id == "K8S018")
            .collect();
        assert_eq!(found.len(), 1, "{:#?}", o.findings);
        found[0].clone()
    };
    let plain = crate::check_request(&request);
    assert!(plain.failed());
    assert!(plain.fails(&k8s018(&plain)));

    std::fs::write(ws.join(".cct-lint.yaml"), DEROGATION).expect("write config");
    let derogated = crate::check_request(&request);
    assert!(!derogated.failed(), "{:#?}", derogated.findings);
    let f = k8s018(&derogated);
    assert!(f.suppression.is_some());
    assert!(!derogated.fails(&f));
    assert_eq!(
        Finding {
            suppression: None,
            ..f
        },
        k8s018(&plain)
    );

    std::fs::write(ws.join(".cct-lint.yaml"), EXPIRED).expect("write config");
    let expired = crate::check_request(&request);
    assert!(expired.failed());
    assert_eq!(k8s018(&expired), k8s018(&plain));
}
