//! Platform fit and noise: Helm test hooks left out by default and brought back by the
//! configuration, and the `check` conveniences (--select/--ignore, --statistics, --quiet).
//! Must not: write inside fixtures/ (temporary directories only).

use std::path::Path;

use cct_lint::catalog::Severity;

use crate::run;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// (file, line) of the K8S003 findings of `check DIR` (in-process), and the Helm test objects
/// left out.
fn k8s003_lines(dir: &str) -> (Vec<(String, u32)>, usize) {
    let outcome = crate::check_request(&crate::request(&[dir]));
    let found = outcome
        .findings
        .iter()
        .filter(|f| f.rule_id == "K8S003")
        .map(|f| (f.file.clone(), f.span.start.line))
        .collect();
    (found, outcome.skipped_test_hooks)
}

#[test]
fn helm_test_hooks_are_skipped_and_counted_unless_the_configuration_brings_them_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(
        Path::new("fixtures/rules/K8S003/pass-helm-test-hook"),
        dir.path(),
    );
    let root = dir.path().to_string_lossy().to_string();
    let (found, skipped) = k8s003_lines(&root);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(skipped, 1);
    let human = run(&["check", &root, "--lang", "en", "--color", "never"]);
    assert!(
        human
            .stdout
            .contains("1 Helm test object(s) (`helm.sh/hook: test`) not checked"),
        "{}",
        human.stdout
    );

    std::fs::write(
        dir.path().join(".cct-lint.yaml"),
        "helm:\n  check_test_hooks: true\n",
    )
    .expect("write");
    let (found, skipped) = k8s003_lines(&root);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.ends_with("templates/tests/test-connection.yaml"));
    assert_eq!(found[0].1, 10);
    assert_eq!(skipped, 0);

    std::fs::write(
        dir.path().join(".cct-lint.yaml"),
        "helm:\n  check_test_hooks: yes please\n",
    )
    .expect("write");
    let bad = run(&["check", &root]);
    assert_eq!(bad.code, 2, "{}", bad.stdout);
    assert!(bad
        .stderr
        .contains("`check_test_hooks` must be true or false"));
}

/// File name → (rule, severity) of every finding of `check DIR` (in-process).
fn rules_by_file(dir: &Path) -> std::collections::BTreeMap<String, Vec<(String, Severity)>> {
    let mut out: std::collections::BTreeMap<String, Vec<(String, Severity)>> = Default::default();
    for f in crate::findings(&[&dir.to_string_lossy()]) {
        let name = f.file.rsplit('/').next().unwrap_or_default().to_string();
        out.entry(name).or_default().push((f.rule_id, f.severity));
    }
    out
}

#[test]
fn unparsable_yaml_that_is_not_a_manifest_is_a_note_and_manifests_stay_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let templated =
        "environments:\n  default:\n    values:\n      - {{ requiredEnv \"ENV\" }}.yaml\n";
    std::fs::write(root.join("helmfile.yaml"), templated).expect("write");
    std::fs::write(
        root.join("ci.yml"),
        "stages: [build\ntest:\n  script: [make\n",
    )
    .expect("write");
    std::fs::write(
        root.join("broken.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\ndata: [\n",
    )
    .expect("write");
    std::fs::create_dir_all(root.join("k")).expect("mkdir");
    std::fs::write(
        root.join("k/kustomization.yaml"),
        "resources: [templated.yaml]\n",
    )
    .expect("write");
    std::fs::write(root.join("k/templated.yaml"), templated).expect("write");
    let got = rules_by_file(root);
    let note = vec![("LNT016".to_string(), Severity::Note)];
    let error = vec![("LNT001".to_string(), Severity::Error)];
    assert_eq!(got.get("helmfile.yaml"), Some(&note), "{got:?}");
    assert_eq!(got.get("ci.yml"), Some(&note), "{got:?}");
    assert_eq!(got.get("broken.yaml"), Some(&error), "{got:?}");
    assert_eq!(got.get("templated.yaml"), Some(&error), "{got:?}");
    let human = crate::run(&[
        "check",
        &root.join("helmfile.yaml").to_string_lossy(),
        "--lang",
        "en",
        "--color",
        "never",
    ]);
    assert_eq!(
        human.code, 0,
        "a note does not fail the gate: {}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("note[LNT016]: Not checked: this file holds template markers"),
        "{}",
        human.stdout
    );
}

#[test]
fn sarif_names_the_repository_and_commit_read_from_git_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let git = root.join(".git");
    std::fs::create_dir_all(git.join("refs/heads")).expect("mkdir");
    let commit = "89abcdef0123456789abcdef0123456789abcdef";
    std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").expect("write");
    std::fs::write(git.join("refs/heads/main"), format!("{commit}\n")).expect("write");
    std::fs::write(
        git.join("config"),
        "[remote \"origin\"]\n\turl = https://ci:token@forge.example/team/app.git\n",
    )
    .expect("write");
    std::fs::write(root.join("Dockerfile"), "FROM debian:12\nUSER 1001\n").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cct-lint"))
        .current_dir(root)
        .args(["check", ".", "--format", "sarif", "--fail-on", "never"])
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").expect("schema file"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(
        sarif["runs"][0]["versionControlProvenance"],
        serde_json::json!([{
            "repositoryUri": "https://forge.example/team/app.git",
            "revisionId": commit,
            "branch": "main",
            "mappedTo": {"uriBaseId": "%SRCROOT%"},
        }])
    );
    std::fs::remove_dir_all(&git).expect("rm");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cct-lint"))
        .current_dir(root)
        .args(["check", ".", "--format", "sarif", "--fail-on", "never"])
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    assert!(sarif["runs"][0].get("versionControlProvenance").is_none());
}

/// The release target the install script picks on this machine, as the release names it.
fn release_target() -> Option<&'static str> {
    match std::env::consts::ARCH {
        "x86_64" => Some("x86_64-unknown-linux-musl"),
        "aarch64" => Some("aarch64-unknown-linux-musl"),
        _ => None,
    }
}

fn sh(dir: &Path, script: &str) -> std::process::Output {
    std::process::Command::new("bash")
        .current_dir(dir)
        .args(["-c", script])
        .output()
        .expect("bash")
}

/// A release folder as the release workflow publishes it: the archive of this build's binary
/// for `target`, and SHA256SUMS. The binary is stripped of its debug information when `strip`
/// is there, as a release's is: compressing a ~190 MB debug build took most of these tests' time.
fn release_folder(root: &Path, target: &str) -> std::path::PathBuf {
    let release = root.join("release");
    let name = format!("cct-lint-0.9.1-{target}");
    std::fs::create_dir_all(release.join(&name)).expect("mkdir");
    let built = env!("CARGO_BIN_EXE_cct-lint");
    let copy = release.join(&name).join("cct-lint");
    let stripped = std::process::Command::new("strip")
        .arg("-o")
        .arg(&copy)
        .arg(built)
        .status()
        .is_ok_and(|s| s.success());
    if !stripped {
        std::fs::copy(built, &copy).expect("copy");
    }
    let pack = sh(
        &release,
        &format!(
            "tar -czf {name}.tar.gz {name} && rm -r {name} && sha256sum {name}.tar.gz > SHA256SUMS"
        ),
    );
    assert!(
        pack.status.success(),
        "{}",
        String::from_utf8_lossy(&pack.stderr)
    );
    release
}

fn tamper(release: &Path, target: &str) {
    std::fs::write(
        release.join("SHA256SUMS"),
        format!("{}  cct-lint-0.9.1-{target}.tar.gz\n", "0".repeat(64)),
    )
    .expect("write");
}

#[test]
fn the_install_script_installs_a_release_only_when_its_checksum_matches() {
    let Some(target) = release_target().filter(|_| cfg!(target_os = "linux")) else {
        eprintln!("skipped: no released binary for this platform");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let release = release_folder(dir.path(), target);
    let script = std::fs::canonicalize("ci/action-install.sh").expect("script");
    let install = |dest: &str| {
        std::process::Command::new("bash")
            .arg(&script)
            .arg("v0.9.1")
            .arg(format!("file://{}", release.display()))
            .arg(dir.path().join(dest))
            .output()
            .expect("run install")
    };
    let ok = install("good");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("cct-lint "));
    assert!(dir.path().join("good/bin/cct-lint").is_file());

    // A tampered archive (or a wrong SHA256SUMS) is refused and nothing is installed.
    tamper(&release, target);
    let bad = install("bad");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("checksum mismatch"));
    assert!(!dir.path().join("bad/bin/cct-lint").exists());

    // An archive missing from SHA256SUMS is refused too.
    std::fs::write(release.join("SHA256SUMS"), "").expect("write");
    let unlisted = install("unlisted");
    assert_eq!(unlisted.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unlisted.stderr).contains("not listed in SHA256SUMS"));
}

/// The action's own steps, run as the runner would, with `version` and a local `release-url`:
/// the downloaded binary runs the check; a bad checksum stops the action before any check.
#[test]
fn the_action_downloads_the_released_binary_when_version_is_set() {
    let Some(target) = release_target().filter(|_| cfg!(target_os = "linux")) else {
        eprintln!("skipped: no released binary for this platform");
        return;
    };
    let (_dir, ws) = crate::example_workspace();
    let release = release_folder(ws.parent().expect("parent"), target);
    let url = format!("file://{}", release.display());
    let action = crate::yaml_file("action.yml");
    let given = [
        ("version", "0.9.1"),
        ("release-url", url.as_str()),
        ("lang", "en"),
    ];
    let r = crate::run_action(&action, &given, &ws);
    assert_eq!(
        r.code, 1,
        "the example repository fails the gate:\n{}",
        r.log
    );
    let bin = r.outputs["install"]["bin"].clone();
    assert!(bin.ends_with("cct-lint-release/bin/cct-lint"), "{bin}");
    assert!(std::path::Path::new(&bin).is_file());
    assert!(ws.join("cct-lint.sarif").is_file(), "{}", r.log);

    tamper(&release, target);
    std::fs::remove_file(ws.join("cct-lint.sarif")).expect("rm");
    let r = crate::run_action(&action, &given, &ws);
    assert_eq!(r.code, 2, "{}", r.log);
    assert!(r.log.contains("checksum mismatch"), "{}", r.log);
    assert!(!ws.join("cct-lint.sarif").exists());
}

#[test]
fn the_action_and_the_release_workflow_are_valid_and_wired() {
    use cct_lint::parse::yaml;
    let load = |path: &str| {
        let text = std::fs::read_to_string(path).expect("read");
        let stream = yaml::load(&text, yaml::Limits::default());
        assert!(stream.errors.is_empty(), "{path}: {:?}", stream.errors);
        assert_eq!(stream.documents.len(), 1, "{path}");
        stream.documents[0].root.to_json()
    };
    let action = load("action.yml");
    let steps = action["runs"]["steps"].as_array().expect("steps");
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("an actions/cache step");
    assert_eq!(cache["with"]["key"], "${{ steps.key.outputs.key }}");
    let key_step = steps.iter().find(|s| s["id"] == "key").expect("key step");
    let key_script = key_step["run"].as_str().unwrap_or_default();
    assert!(
        key_script.contains("${RUNNER_OS:-os}") && key_script.contains("${GITHUB_ACTION_REF:-ref}")
    );
    let install = steps
        .iter()
        .find(|s| s["id"] == "install")
        .expect("install step");
    assert!(install["run"]
        .as_str()
        .unwrap_or_default()
        .contains("ci/action-install.sh"));
    for input in ["version", "release-url", "install"] {
        assert!(action["inputs"].get(input).is_some(), "input {input}");
    }

    let release = load(".github/workflows/release.yml");
    // `on` is the boolean `true` to a YAML 1.1 reader (ours reads YAML as Kubernetes does).
    let on = release
        .get("on")
        .or_else(|| release.get("true"))
        .expect("on");
    assert_eq!(on["push"]["tags"], serde_json::json!(["v*"]));
    let targets: Vec<&str> = release["jobs"]["binaries"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("matrix")
        .iter()
        .filter_map(|t| t["target"].as_str())
        .collect();
    assert_eq!(
        targets,
        ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"]
    );
    let publish = serde_json::to_string(&release["jobs"]["publish"]).expect("json");
    assert!(publish.contains("sha256sum cct-lint-*.tar.gz > SHA256SUMS"));
    for job in ["binaries", "publish", "images"] {
        assert!(release["jobs"][job]["runs-on"].is_string(), "{job}");
        assert!(release["jobs"][job]["steps"].is_array(), "{job}");
    }
}

#[test]
fn render_and_check_give_the_same_one_based_column_and_french_explains_helm_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("c");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    )
    .expect("write");
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required \"host is required\" .Values.host }}\n",
    )
    .expect("write");
    let chart_arg = chart.to_string_lossy().to_string();
    let render = crate::run(&["render", &chart_arg]);
    assert_eq!(render.code, 2);
    // Column 9 is the `r` of `required`; Helm's own text keeps Go's 0-based 8.
    assert!(
        render
            .stderr
            .contains("c/templates/cm.yaml:6:9: execution error at (c/templates/cm.yaml:6:8)"),
        "{}",
        render.stderr
    );
    let root = dir.path().to_string_lossy().to_string();
    let r = crate::run(&[
        "check",
        &root,
        "--format",
        "json",
        "--fail-on",
        "never",
        "--lang",
        "fr",
    ]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let f = &report["findings"][0];
    assert_eq!(f["rule_id"], "LNT003");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(6), Some(9))
    );
    let message = f["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("Le chart `c` ne se génère pas : le chart s'est arrêté sur une valeur qu'il exige (`required`)"),
        "{message}"
    );
    assert!(message.ends_with(
        "Message de Helm : execution error at (c/templates/cm.yaml:6:8): host is required"
    ));
}

fn rule_ids(args: &[&str]) -> Vec<String> {
    let mut all = vec![
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--lang",
        "en",
    ];
    all.extend_from_slice(args);
    let r = crate::run(&all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap_or_default().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn select_ignore_statistics_and_quiet() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("Dockerfile"), "FROM debian\nEXPOSE 80\n").expect("write");
    std::fs::write(
        dir.path().join("broken.yaml"),
        "apiVersion: v1\nkind: Pod\nspec: [\n",
    )
    .expect("write");
    let root = dir.path().to_string_lossy().to_string();
    let all = rule_ids(&[&root]);
    assert_eq!(all, ["DF001", "DF002", "DF004", "LNT001"]);
    // --select keeps the named rules (ids or prefixes) and the file diagnostics.
    assert_eq!(rule_ids(&[&root, "--select", "DF004"]), ["DF004", "LNT001"]);
    assert_eq!(
        rule_ids(&[&root, "--select", "df00", "--ignore", "DF002,LNT001"]),
        ["DF001", "DF004"]
    );
    assert_eq!(rule_ids(&[&root, "--ignore", "DF"]), ["LNT001"]);
    let unknown = crate::run(&["check", &root, "--select", "K9S001"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("`K9S001` names no rule"),
        "{}",
        unknown.stderr
    );
    // An ignored error no longer fails the gate.
    assert_eq!(crate::run(&["check", &root, "--select", "DF002"]).code, 1);
    assert_eq!(
        crate::run(&[
            "check",
            &root,
            "--select",
            "DF002",
            "--ignore",
            "DF002,LNT001"
        ])
        .code,
        0
    );

    let stats = crate::run(&[
        "check",
        &root,
        "--statistics",
        "--lang",
        "en",
        "--color",
        "never",
    ]);
    assert_eq!(stats.code, 1);
    let lines: Vec<&str> = stats.stdout.lines().collect();
    assert_eq!(
        lines[0], "1  DF001    error         final-stage-runs-as-root",
        "{}",
        stats.stdout
    );
    // Four rules, then the summary, what was not fully checked (the broken YAML file), the
    // requirements, the configuration used and the gate verdict.
    assert_eq!(lines.len(), 4 + 5, "{}", stats.stdout);
    assert!(
        !stats.stdout.contains("-->"),
        "no individual finding: {}",
        stats.stdout
    );
    assert!(
        lines[4].starts_with("4 finding(s): 4 error(s)"),
        "{}",
        stats.stdout
    );

    let quiet = crate::run(&["check", &root, "-q", "--lang", "en", "--color", "never"]);
    assert_eq!(quiet.code, 1);
    assert!(
        quiet.stdout.starts_with("4 finding(s): 4 error(s)"),
        "{}",
        quiet.stdout
    );
    assert!(!quiet.stdout.contains("-->"));
    // Other formats are not shaped by --quiet.
    let json = crate::run(&[
        "check",
        &root,
        "-q",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(4));
}
