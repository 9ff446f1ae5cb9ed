//! End-to-end tests of `cct-lint` (the pipeline in-process through `check::run`, the binary for
//! exit codes, CLI parsing, report formats and pre-commit): rule fixtures fire exactly on their marked
//! lines, Rego unit tests pass, the catalogue is consistent, reports are valid (SARIF schema),
//! output is deterministic, bad input becomes located LNT findings, generated docs do not drift,
//! and report snapshots match. Tests never write inside fixtures/.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use cct_lint::catalog::{self, Catalog, Family};

pub(crate) fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cct-lint"));
    c.env_remove("NO_COLOR").env("LANG", "C");
    c
}

pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

pub(crate) fn run(args: &[&str]) -> Run {
    let out = bin().args(args).output().expect("run cct-lint");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    }
}

fn catalog() -> Catalog {
    Catalog::embedded().expect("embedded catalogue loads")
}

// ---------------------------------------------------------------- in-process check
// `check::run` called directly: no process, no report; the tests compare whole `Finding`s.
// The binary stays for what only it does: exit codes, CLI parsing, report formats,
// pre-commit, a closed pipe.

/// The outcome of `check` on `request` (the gate off unless the request sets it).
pub(crate) fn check_request(request: &cct_lint::check::Request) -> cct_lint::check::Outcome {
    cct_lint::check::run(request, catalog()).expect("the check runs")
}

/// A request for `check PATHS` with the defaults of the command line, the gate off.
pub(crate) fn request(paths: &[&str]) -> cct_lint::check::Request {
    cct_lint::check::Request {
        paths: paths.iter().map(PathBuf::from).collect(),
        ..Default::default()
    }
}

/// The findings of `check PATHS`, in report order.
pub(crate) fn findings(paths: &[&str]) -> Vec<cct_lint::finding::Finding> {
    check_request(&request(paths)).findings
}

/// A finding's English message, as the reports write it.
pub(crate) fn message(f: &cct_lint::finding::Finding) -> String {
    f.message(&catalog(), catalog::Lang::En)
}

// ---------------------------------------------------------------- rule fixtures

/// `DF001`, `K8S001`, `LNT001`: an upper-case prefix (which may hold digits, as K8S does)
/// followed by exactly three digits.
fn is_rule_id(token: &str) -> bool {
    token.len() >= 5
        && token.is_ascii()
        && token.starts_with(|c: char| c.is_ascii_uppercase())
        && token[token.len() - 3..].chars().all(|c| c.is_ascii_digit())
        && token[..token.len() - 3]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Lines (1-based) that a fixture marks for `id`: a trailing `# ID` marks its own line, a
/// comment line holding `# ID` marks the next line that is neither blank nor a comment.
fn marked_lines(text: &str, id: &str) -> Vec<u32> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(hash) = line.find('#') else { continue };
        let before = &line[..hash];
        if !before.is_empty() && !before.ends_with(char::is_whitespace) {
            continue;
        }
        let count = line[hash + 1..]
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| is_rule_id(t) && *t == id)
            .count();
        if count == 0 {
            continue;
        }
        let target = if before.trim().is_empty() {
            lines
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map(|(j, _)| j)
        } else {
            Some(i)
        };
        if let Some(t) = target {
            out.extend(std::iter::repeat_n(t as u32 + 1, count));
        }
    }
    out
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Why a finding's column is wrong, if it is: it must point at a character of its line that
/// starts something (not a blank, not inside the `# ID` marker comment at the end of the line).
fn column_problem(file: &str, line: u32, column: usize) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let source = text.lines().nth((line as usize).checked_sub(1)?)?;
    let chars: Vec<char> = source.chars().collect();
    if column == 0 || column > chars.len() {
        return Some(format!("column outside the line `{source}`"));
    }
    if chars[column - 1].is_whitespace() {
        return Some(format!("column on a blank of `{source}`"));
    }
    let marker = source
        .find(" #")
        .map(|byte| source[..byte].chars().count() + 1)
        .filter(|_| !source.trim_start().starts_with('#'));
    if marker.is_some_and(|m| column > m) {
        return Some(format!("column inside the comment of `{source}`"));
    }
    None
}

#[test]
fn rule_fixtures_fire_exactly_on_marked_lines() {
    let mut actual: BTreeMap<(String, String), Vec<u32>> = BTreeMap::new();
    let mut problems = Vec::new();
    for f in findings(&["fixtures/rules"]) {
        let (file, rule) = (f.file, f.rule_id);
        let line = f.span.start.line;
        let column = f.span.start.column as usize;
        if let Some(problem) = column_problem(&file, line, column) {
            problems.push(format!("{file}:{line}:{column}: {rule} {problem}"));
        }
        actual.entry((file, rule)).or_default().push(line);
    }
    let mut cases = 0;
    let root = Path::new("fixtures/rules");
    for rule_dir in std::fs::read_dir(root).expect("fixtures/rules").flatten() {
        let id = rule_dir.file_name().to_string_lossy().to_string();
        for case in std::fs::read_dir(rule_dir.path())
            .expect("rule dir")
            .flatten()
        {
            let case_name = case.file_name().to_string_lossy().to_string();
            let fail = case_name.starts_with("fail-");
            cases += 1;
            let mut marked_total = 0;
            for file in files_below(&case.path()) {
                let display = file.to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                let mut expected = if fail {
                    marked_lines(&text, &id)
                } else {
                    Vec::new()
                };
                expected.sort();
                marked_total += expected.len();
                let mut got = actual
                    .get(&(display.clone(), id.clone()))
                    .cloned()
                    .unwrap_or_default();
                got.sort();
                if got != expected {
                    problems.push(format!(
                        "{display}: {id} expected at lines {expected:?}, fired at {got:?}"
                    ));
                }
            }
            if fail && marked_total == 0 {
                problems.push(format!(
                    "{id}/{case_name}: fail case without any `# {id}` marker"
                ));
            }
        }
    }
    assert!(cases > 0, "no fixture cases found");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_rule_has_two_fail_and_two_pass_fixtures() {
    let cat = catalog();
    let mut missing = Vec::new();
    for rule in cat.rego_rules() {
        for prefix in ["fail-", "pass-"] {
            let n = cct_lint::docs::fixture_cases(&rule.id, prefix).len();
            if n < 2 {
                missing.push(format!("{}: {n} {prefix}* case(s)", rule.id));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

// ---------------------------------------------------------------- Rego unit tests

#[test]
fn rego_unit_tests_pass() {
    let r = run(&["test"]);
    let failures: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let passed = r.stdout.lines().filter(|l| l.starts_with("PASS")).count();
    assert!(passed > 100, "only {passed} Rego tests ran");
}

// ---------------------------------------------------------------- catalogue meta-tests

fn snake(name: &str) -> String {
    name.replace('-', "_")
}

#[test]
fn catalogue_is_consistent() {
    let cat = catalog();
    let beta: BTreeSet<&str> = cat.requirements.iter().map(|r| r.id.as_str()).collect();
    let alpha: BTreeSet<&str> = cat
        .alpha_requirements
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(
        cat.requirements.len(),
        55,
        "the béta list has 55 requirements"
    );
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for rule in cat.rules.values() {
        if let Err(e) = catalog::validate_rule(rule) {
            problems.push(e);
        }
        if !names.insert(rule.name.clone()) {
            problems.push(format!("{}: name `{}` used twice", rule.id, rule.name));
        }
        for bad in ["avoid-", "use-", "check-", "pin-", "no-"] {
            if rule.name.starts_with(bad) && !rule.name.starts_with("no-") {
                problems.push(format!(
                    "{}: name `{}` should name the problem",
                    rule.id, rule.name
                ));
            }
        }
        for r in &rule.requirements {
            if !beta.contains(r.as_str()) {
                problems.push(format!("{}: unknown béta requirement {r}", rule.id));
            }
        }
        for r in &rule.alpha {
            if !alpha.contains(r.as_str()) {
                problems.push(format!("{}: unknown alpha requirement {r}", rule.id));
            }
        }
        if rule.input.family == Family::Lint {
            continue;
        }
        // The folder follows the id (K8S023 judges a Kubernetes object but reads its bundle to
        // find autoscalers, so it lives with the K8S rules in the bundle family).
        let family_dir = if rule.id.starts_with("K8S") {
            "kubernetes"
        } else {
            match rule.input.family {
                Family::Dockerfile => "dockerfile",
                Family::Kubernetes => "kubernetes",
                Family::Bundle => "app",
                Family::Chart => "helm",
                Family::Lint => "lint",
            }
        };
        let expected_source = format!("rules/{family_dir}/{}/{}.rego", rule.id, snake(&rule.name));
        if rule.source != expected_source {
            problems.push(format!(
                "{}: file {} should be {expected_source}",
                rule.id, rule.source
            ));
        }
        let expected_package = format!("rules.{family_dir}.{}", rule.id);
        if rule.package != expected_package {
            problems.push(format!(
                "{}: package {} should be {expected_package}",
                rule.id, rule.package
            ));
        }
        let test_file = format!(
            "rules/{family_dir}/{}/{}_test.rego",
            rule.id,
            snake(&rule.name)
        );
        if !catalog::RULE_FILES.iter().any(|(f, _)| *f == test_file) {
            problems.push(format!("{}: no {test_file}", rule.id));
        }
        let prefixes: &[&str] = match rule.input.family {
            Family::Dockerfile => &["DF"],
            Family::Kubernetes => &["K8S"],
            Family::Bundle => &["APP", "K8S"],
            Family::Chart => &["HELM"],
            Family::Lint => &["LNT"],
        };
        if !prefixes.iter().any(|p| rule.id.starts_with(p)) {
            problems.push(format!("{}: id prefix does not match its family", rule.id));
        }
        // A constant is one rule that reads the stored value while the parameters are those
        // it was computed from, else computes it (docs/writing-rules.md, "Constants").
        let source = catalog::RULE_FILES
            .iter()
            .find(|(f, _)| *f == rule.source)
            .map_or("", |(_, s)| *s);
        for name in &rule.constants {
            let id = &rule.id;
            let head = format!(
                "\n{name} := data.cct_lint_constants.{id}.{name} if {{\n\tdata.cct_lint_constants.{id}.params == data.params.{id}\n}} else := "
            );
            let definitions = source.matches(&format!("\n{name} :=")).count()
                + source.matches(&format!("\n{name}(")).count();
            if !source.contains(&head) || definitions != 1 {
                problems.push(format!(
                    "{id}: constant `{name}` must be defined once, as `{}…`",
                    head.trim_start()
                ));
            }
        }
    }
    // regorus's VM evaluates a whole imported package at each reference through its alias
    // (`bundle.objects` cost 30 times `data.lib.bundle.objects`): the rules and helpers the
    // binary evaluates name `data.lib.x.y` in full. Tests run on the interpreter and may import.
    for (file, source) in catalog::RULE_FILES {
        if file.ends_with(".rego") && !file.ends_with("_test.rego") {
            for (n, line) in source.lines().enumerate() {
                if line.trim_start().starts_with("import data.") {
                    problems.push(format!(
                        "{file}:{}: `{}`: write the full path at each use",
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn catalogue_covers_the_dockerfile_and_kubernetes_rules_of_the_design() {
    let cat = catalog();
    let ids: BTreeSet<&str> = cat.rules.keys().map(String::as_str).collect();
    for n in 1..=9 {
        assert!(
            ids.contains(format!("DF{n:03}").as_str()),
            "DF{n:03} missing"
        );
    }
    for n in 1..=25 {
        assert!(
            ids.contains(format!("K8S{n:03}").as_str()),
            "K8S{n:03} missing"
        );
    }
    for n in 1..=3 {
        assert!(
            ids.contains(format!("HELM{n:03}").as_str()),
            "HELM{n:03} missing"
        );
    }
}

// ---------------------------------------------------------------- reports

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").expect("schema file"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for lang in ["fr", "en"] {
        let r = run(&[
            "check",
            "fixtures/repos",
            "fixtures/rules",
            "--format",
            "sarif",
            "--lang",
            lang,
            "--fail-on",
            "never",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let sarif: serde_json::Value = serde_json::from_str(&r.stdout).expect("SARIF JSON");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        let results = sarif["runs"][0]["results"].as_array().expect("results");
        assert!(!results.is_empty());
        for result in results {
            let region = &result["locations"][0]["physicalLocation"]["region"];
            assert!(region["startLine"].as_u64().unwrap_or(0) >= 1);
            assert!(region["startColumn"].as_u64().unwrap_or(0) >= 1);
            let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or_default();
            assert!(!uri.starts_with('/'), "relative URIs only: {uri}");
            assert!(result["partialFingerprints"]["cctLintFingerprint/v1"].is_string());
        }
    }
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    // The check itself: the same findings, whole, with one thread, the default and four.
    let with_threads = |threads: usize| {
        let outcome = check_request(&cct_lint::check::Request {
            threads,
            ..request(&["fixtures"])
        });
        (
            outcome.findings,
            outcome.objects,
            outcome.targets,
            outcome.documents,
        )
    };
    let one = with_threads(1);
    assert!(!one.0.is_empty());
    assert_eq!(one, with_threads(0), "--threads 1 vs default");
    assert_eq!(one, with_threads(4), "--threads 1 vs 4");
    // The reports rendered from it (the binary's whole path), one thread against four.
    for format in ["human", "json", "sarif"] {
        let with = |threads: &str| {
            run(&[
                "check",
                "fixtures",
                "--format",
                format,
                "--threads",
                threads,
                "--fail-on",
                "never",
                "--color",
                "never",
            ])
        };
        let (one, four) = (with("1"), with("4"));
        assert_eq!(one.stdout, four.stdout, "{format}: --threads 1 vs 4");
        assert!(!one.stdout.is_empty());
    }
}

#[test]
fn exit_codes_follow_the_gate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clean = dir.path().join("clean");
    std::fs::create_dir_all(&clean).expect("mkdir");
    std::fs::write(
        clean.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  mode: fast\n",
    )
    .expect("write");
    assert_eq!(run(&["check", clean.to_str().unwrap_or_default()]).code, 0);
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).expect("mkdir");
    std::fs::write(bad.join("svc.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  ports:\n    - port: 8080\n").expect("write");
    let bad = bad.to_str().unwrap_or_default();
    assert_eq!(run(&["check", bad]).code, 1);
    assert_eq!(run(&["check", bad, "--fail-on", "never"]).code, 0);
    assert_eq!(run(&["check", bad, "--format", "nope"]).code, 2);
    assert_eq!(run(&["explain", "NOPE999"]).code, 2);
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_input_becomes_located_lnt_findings_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(
        root.join("broken.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: [\n",
    )
    .expect("write");
    std::fs::write(
        root.join("latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\ndata:\n  a: caf\xe9\n",
    )
    .expect("write");
    std::fs::write(root.join("binary.yaml"), b"\x00\x01\x02").expect("write");
    std::fs::write(root.join("huge.yaml"), "a: 1\n".repeat(1000)).expect("write");
    std::fs::write(
        root.join("Dockerfile"),
        "FROM alpine:3.20\nFROBNICATE x\nUSER 1001\n",
    )
    .expect("write");
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    std::fs::write(
        root.join("sub/svc.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n",
    )
    .expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("sub"), root.join("sub/loop")).expect("symlink");
    let before: Vec<(PathBuf, Vec<u8>)> = files_below(root)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap_or_default();
            (p, b)
        })
        .collect();
    let r = bin()
        .current_dir(root)
        .args([
            "check",
            ".",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--max-file-size",
            "4000",
            "--lang",
            "en",
        ])
        .output()
        .expect("run");
    assert_eq!(r.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
    let got: BTreeSet<(String, String, u64)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            f["rule_id"].as_str().unwrap_or_default().starts_with("LNT") || f["rule_id"] == "K8S018"
        })
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut expected: BTreeSet<(String, String, u64)> = [
        ("Dockerfile", "LNT004", 2),
        ("binary.yaml", "LNT005", 1),
        ("broken.yaml", "LNT001", 4),
        ("huge.yaml", "LNT006", 1),
        ("latin1.yaml", "LNT005", 4),
        ("sub/svc.yaml", "K8S018", 6),
    ]
    .iter()
    .map(|(f, r, l)| (f.to_string(), r.to_string(), *l))
    .collect();
    #[cfg(unix)]
    expected.insert(("sub/loop".to_string(), "LNT007".to_string(), 1));
    assert_eq!(got, expected);
    let after: Vec<(PathBuf, Vec<u8>)> = files_below(root)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap_or_default();
            (p, b)
        })
        .collect();
    assert_eq!(before, after, "the scanned tree was modified");
}

// ---------------------------------------------------------------- docs and snapshots

/// Snapshot testing without a dependency: `actual` must equal `tests/snapshots/NAME`.
/// `UPDATE_SNAPSHOTS=1` rewrites the file; a missing one fails when `CI` is set (nobody
/// reviewed it) and is written otherwise (review it, then commit it).
pub(crate) fn assert_snapshot(name: &str, actual: &str) {
    assert_matches_file(&format!("tests/snapshots/{name}"), actual);
}

/// [`assert_snapshot`] for a committed file anywhere in the repository (generated docs).
pub(crate) fn assert_matches_file(path: &str, actual: &str) {
    let mode = SnapshotMode {
        update: std::env::var_os("UPDATE_SNAPSHOTS").is_some(),
        ci: std::env::var_os("CI").is_some(),
    };
    if let Err(problem) = compare_snapshot(Path::new(path), actual, mode) {
        panic!("{problem}");
    }
}

#[derive(Clone, Copy)]
struct SnapshotMode {
    update: bool,
    ci: bool,
}

/// The snapshot decision, apart from the environment so that it can be tested both ways.
fn compare_snapshot(path: &Path, actual: &str, mode: SnapshotMode) -> Result<(), String> {
    let write = || {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, actual).expect("write snapshot");
    };
    if mode.update {
        write();
        return Ok(());
    }
    let Ok(expected) = std::fs::read_to_string(path) else {
        if mode.ci {
            return Err(format!(
                "{}: no such snapshot (CI is set: write it locally with UPDATE_SNAPSHOTS=1, review and commit it)",
                path.display()
            ));
        }
        write();
        return Ok(());
    };
    if expected == actual {
        return Ok(());
    }
    let first = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{} differs from the output from line {} (run with UPDATE_SNAPSHOTS=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display(),
        first + 1
    ))
}

#[test]
fn the_snapshot_helper_fails_on_a_difference_and_on_a_missing_snapshot_in_ci() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s/out.txt");
    let (local, ci, update) = (
        SnapshotMode {
            update: false,
            ci: false,
        },
        SnapshotMode {
            update: false,
            ci: true,
        },
        SnapshotMode {
            update: true,
            ci: true,
        },
    );
    // Missing: an error in CI (nothing written), written otherwise.
    let err = compare_snapshot(&path, "a\nb\n", ci).unwrap_err();
    assert!(err.contains("no such snapshot"), "{err}");
    assert!(!path.exists());
    compare_snapshot(&path, "a\nb\n", local).expect("written");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "a\nb\n");
    // Equal: passes, in CI too; different: fails, locally too, naming the first line that
    // differs, and leaves the snapshot alone.
    compare_snapshot(&path, "a\nb\n", ci).expect("equal");
    let err = compare_snapshot(&path, "a\nc\n", local).unwrap_err();
    assert!(err.contains("differs from the output from line 2"), "{err}");
    assert!(compare_snapshot(&path, "a\nb\nextra\n", ci).is_err());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "a\nb\n");
    // UPDATE_SNAPSHOTS rewrites it.
    compare_snapshot(&path, "a\nc\n", update).expect("rewritten");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "a\nc\n");
}

#[test]
fn generated_rule_docs_do_not_drift() {
    let cat = catalog();
    for (path, content) in cct_lint::docs::generated_pages(&cat) {
        assert_matches_file(&path, &content);
    }
}

/// The findings of `cct-lint check ARGS --format json --fail-on never` run in `dir`, as a user
/// standing in that folder runs it.
fn findings_run_in(dir: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let r = bin()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .expect("run");
    assert_eq!(r.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
    report["findings"].as_array().expect("findings").clone()
}

fn rule_ids(findings: &[serde_json::Value]) -> Vec<&str> {
    findings
        .iter()
        .map(|f| f["rule_id"].as_str().expect("rule"))
        .collect()
}

/// A chart checked from its own folder is `.`: its files are written `templates/x.yaml`, as every
/// other path is, not `./templates/x.yaml` (a newcomer's run on a tutorial chart showed both).
#[test]
fn files_of_a_chart_at_the_root_of_the_scan_are_written_without_dot_slash() {
    let findings = findings_run_in("fixtures/charts/webapp", &["."]);
    let mut files: Vec<&str> = Vec::new();
    for f in &findings {
        files.push(f["file"].as_str().expect("file"));
        for related in f["related"].as_array().into_iter().flatten() {
            files.push(related["file"].as_str().expect("related file"));
        }
    }
    assert!(
        files.iter().any(|f| f.starts_with("templates/")),
        "{files:?}"
    );
    assert!(files.contains(&"values.yaml"), "{files:?}");
    assert!(!files.iter().any(|f| f.starts_with("./")), "{files:?}");
}

/// Pre-commit in a repository that is a chart passes `values.yaml`, `templates/x.yaml`: the
/// chart they belong to is the working directory, and it renders (it once did not: "No such
/// file or directory", an error that blocked every commit).
#[test]
fn files_of_a_chart_passed_from_the_chart_folder_render_it() {
    let findings = findings_run_in(
        "fixtures/charts/webapp",
        &["values.yaml", "templates/deployment.yaml"],
    );
    let rules = rule_ids(&findings);
    assert!(!rules.contains(&"LNT003"), "{rules:?}");
    assert!(
        findings
            .iter()
            .any(|f| f["file"] == "templates/deployment.yaml"),
        "{rules:?}"
    );
}

/// An overlay checked from its own folder (`check .`) reaches its base through `../..` as
/// `kubectl kustomize .` does (the path was once normalised to `base`, and the build failed).
#[test]
fn an_overlay_checked_from_its_own_folder_builds() {
    let dir = "fixtures/repos/kustomize-app/overlays/prod";
    let expected = std::process::Command::new("kubectl")
        .args(["kustomize", dir])
        .output()
        .map(|o| o.status.success());
    let findings = findings_run_in(dir, &["."]);
    let rules = rule_ids(&findings);
    assert!(!rules.contains(&"LNT020"), "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("K8S")), "{rules:?}");
    // The same root builds with Kustomize itself, where kubectl is installed.
    assert!(expected.unwrap_or(true));
}

#[test]
fn report_snapshots_on_the_example_repository() {
    for (format, lang, file) in [
        ("human", "fr", "example.human.fr.txt"),
        ("human", "en", "example.human.en.txt"),
        ("json", "en", "example.json"),
        ("sarif", "fr", "example.sarif"),
    ] {
        let report = example_report(format, lang);
        // A mark without a label once left a blank at the end of its line.
        let trailing = report.lines().find(|l| l.ends_with(' '));
        assert!(trailing.is_none(), "{file}: trailing blank in {trailing:?}");
        assert_snapshot(file, &report);
    }
}

// ---------------------------------------------------------------- CI report formats

fn example_report(format: &str, lang: &str) -> String {
    let r = run(&[
        "check",
        "fixtures/repos/registre-associations",
        "--format",
        format,
        "--lang",
        lang,
        "--color",
        "never",
    ]);
    assert_eq!(r.code, 1, "the example repository has errors: {}", r.stderr);
    if format == "sarif" {
        // The commit and remote of the checkout running the tests change: left out here,
        // tested on a repository of its own (checks/platform.rs).
        let mut sarif: serde_json::Value = serde_json::from_str(&r.stdout).expect("SARIF");
        if let Some(run) = sarif["runs"][0].as_object_mut() {
            run.remove("versionControlProvenance");
        }
        return serde_json::to_string_pretty(&sarif).expect("SARIF text") + "\n";
    }
    r.stdout
}

#[test]
fn ci_report_snapshots_on_the_example_repository() {
    assert_snapshot("example.gitlab.json", &example_report("gitlab", "en"));
    assert_snapshot("example.junit.xml", &example_report("junit", "fr"));
}

#[test]
fn gitlab_report_has_the_required_fields_and_unique_stable_fingerprints() {
    let first = example_report("gitlab", "en");
    let second = example_report("gitlab", "en");
    assert_eq!(first, second, "two runs give the same report");
    let issues: Vec<serde_json::Value> = serde_json::from_str(&first).expect("a JSON array");
    assert!(!issues.is_empty());
    let cat = catalog();
    let mut fingerprints = BTreeSet::new();
    for issue in &issues {
        let check = issue["check_name"].as_str().expect("check_name");
        assert!(cat.rule(check).is_some(), "{check} is a rule id");
        let description = issue["description"].as_str().expect("description");
        assert!(
            description.starts_with(&format!("{check}: ")),
            "{description}"
        );
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().expect("severity")),
            "{issue}"
        );
        assert!(issue["location"]["path"]
            .as_str()
            .is_some_and(|p| !p.is_empty()));
        assert!(issue["location"]["lines"]["begin"].as_u64().expect("begin") >= 1);
        let fingerprint = issue["fingerprint"].as_str().expect("fingerprint");
        assert!(
            fingerprint.starts_with(&format!("{check}:")),
            "{fingerprint}"
        );
        assert!(
            fingerprints.insert(fingerprint.to_string()),
            "duplicate fingerprint {fingerprint}"
        );
    }
    // The same findings in French keep their fingerprints: they do not depend on the language.
    let french: Vec<serde_json::Value> =
        serde_json::from_str(&example_report("gitlab", "fr")).expect("a JSON array");
    let french: BTreeSet<String> = french
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(fingerprints, french);
}

/// A small XML 1.0 well-formedness checker, enough for what the JUnit renderer may write: one
/// prolog, one root element, balanced and properly nested tags, quoted attributes without `<`
/// and without duplicates, only the predefined or numeric entity references, no raw `&`.
/// Returns the element names in document order.
fn check_well_formed_xml(xml: &str) -> Result<Vec<String>, String> {
    fn check_text(text: &str) -> Result<(), String> {
        let mut rest = text;
        while let Some(amp) = rest.find('&') {
            let after = &rest[amp + 1..];
            let end = after.find(';').ok_or("unterminated entity reference")?;
            let entity = &after[..end];
            let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                || entity
                    .strip_prefix("#x")
                    .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || entity
                    .strip_prefix('#')
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("bad entity &{entity};"));
            }
            rest = &after[end + 1..];
        }
        if text.contains('>') && text.contains("]]>") {
            return Err("]]> in text".into());
        }
        if text
            .chars()
            .any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}')
        {
            return Err("character not allowed in XML 1.0".into());
        }
        Ok(())
    }
    fn is_name(name: &str) -> bool {
        !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
    }
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .ok_or("missing XML declaration")?;
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut roots = 0;
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        check_text(text)?;
        let after = &rest[open + 1..];
        // `>` may not appear inside our attribute values (they are escaped), so the tag ends at
        // the first `>`; a `<` inside it means a broken tag.
        let close = after.find('>').ok_or("unterminated tag")?;
        let tag = &after[..close];
        if tag.contains('<') {
            return Err(format!("`<` inside tag {tag:?}"));
        }
        rest = &after[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack.pop().ok_or(format!("unexpected </{name}>"))?;
            if top != name.trim_end() {
                return Err(format!("</{name}> closes <{top}>"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if !is_name(name) {
            return Err(format!("bad element name {name:?}"));
        }
        let mut attrs = tag[name_end..].trim();
        let mut seen = BTreeSet::new();
        while !attrs.is_empty() {
            let eq = attrs
                .find('=')
                .ok_or(format!("attribute without value in <{name}>"))?;
            let attr = attrs[..eq].trim();
            if !is_name(attr) || !seen.insert(attr.to_string()) {
                return Err(format!("bad or duplicate attribute {attr:?} in <{name}>"));
            }
            let value = attrs[eq + 1..].trim_start();
            let quote = value.chars().next().ok_or("missing attribute value")?;
            if quote != '"' && quote != '\'' {
                return Err(format!("unquoted attribute {attr} in <{name}>"));
            }
            let end = value[1..].find(quote).ok_or("unterminated attribute")?;
            check_text(&value[1..1 + end])?;
            attrs = value[1 + end + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        names.push(name.to_string());
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    if !rest.trim().is_empty() {
        return Err("text after the root".into());
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{open}> is never closed"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(names)
}

#[test]
fn xml_checker_rejects_broken_documents() {
    let prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    assert!(check_well_formed_xml(&format!("{prolog}<a b=\"1\"><c/></a>\n")).is_ok());
    for bad in [
        "<a><b></a></b>",
        "<a>",
        "<a b=1></a>",
        "<a b=\"1\" b=\"2\"></a>",
        "<a>x & y</a>",
        "<a>&nbsp;</a>",
        "<a></a><b></b>",
        "<a b=\"<\"></a>",
    ] {
        assert!(
            check_well_formed_xml(&format!("{prolog}{bad}")).is_err(),
            "accepted {bad}"
        );
    }
}

#[test]
fn junit_report_is_well_formed_and_counts_only_errors_as_failures() {
    for lang in ["fr", "en"] {
        let xml = example_report("junit", lang);
        let names = check_well_formed_xml(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        assert_eq!(names.first().map(String::as_str), Some("testsuites"));
        let findings = findings(&["fixtures/repos/registre-associations"]);
        let errors = findings
            .iter()
            .filter(|f| f.severity == catalog::Severity::Error)
            .count();
        let rules: BTreeSet<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
        let count = |n: &str| names.iter().filter(|x| *x == n).count();
        assert_eq!(count("failure"), errors);
        // The `cct-lint` suite with its `scan` case, then one suite per rule with findings.
        assert_eq!(count("testsuite"), rules.len() + 1);
        assert_eq!(count("testcase"), findings.len() + 1);
        assert!(xml.contains(&format!(
            "<testsuites name=\"cct-lint\" tests=\"{}\" failures=\"{errors}\"",
            findings.len() + 1
        )));
        assert!(!xml.contains("timestamp"));
    }
}

#[test]
fn junit_report_of_a_clean_scan_is_not_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run(&[
        "check",
        dir.path().to_str().expect("utf-8 path"),
        "--format",
        "junit",
        "--lang",
        "en",
    ]);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let names = check_well_formed_xml(&r.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names, ["testsuites", "testsuite", "testcase", "system-out"]);
    let gitlab = run(&[
        "check",
        dir.path().to_str().expect("utf-8 path"),
        "--format",
        "gitlab",
    ]);
    assert_eq!(gitlab.code, 0, "stderr: {}", gitlab.stderr);
    assert_eq!(gitlab.stdout, "[]\n");
}

// ---------------------------------------------------------------- Helm template engine

#[path = "checks/argo.rs"]
mod check_argo;
#[path = "checks/backends.rs"]
mod check_backends;
#[path = "checks/bundles.rs"]
mod check_bundles;
#[path = "checks/config.rs"]
mod check_config;
#[path = "checks/dependencies.rs"]
mod check_dependencies;
#[path = "checks/focus.rs"]
mod check_focus;
#[path = "checks/fuzz_corpus.rs"]
mod check_fuzz_corpus;
#[path = "checks/gate.rs"]
mod check_gate;
#[path = "checks/helm.rs"]
mod check_helm;
#[path = "checks/kustomize.rs"]
mod check_kustomize;
#[path = "checks/platform.rs"]
mod check_platform;
#[path = "checks/promises.rs"]
mod check_promises;
#[path = "checks/scaffold.rs"]
mod check_scaffold;
#[path = "checks/verdicts.rs"]
mod check_verdicts;
#[path = "checks/yaml_kubectl.rs"]
mod check_yaml_kubectl;
#[path = "render/features.rs"]
mod render_features;
#[path = "render/fuzz.rs"]
mod render_fuzz;
#[path = "render/helm_diff.rs"]
mod render_helm_diff;
#[path = "render/kustomize_diff.rs"]
mod render_kustomize_diff;
#[path = "render/probe.rs"]
mod render_probe;

// ---------------------------------------------------------------- configuration and derogations

/// `check fixtures/repos/derogations` in-process on a fixed day: (file below it, rule, line,
/// suppressed) of every finding but the bundle (APP) rules', sorted.
fn derogation_run(today: &str, no_inline_derogations: bool) -> Vec<(String, String, u32, bool)> {
    let outcome = check_request(&cct_lint::check::Request {
        today: cct_lint::config::parse_date(today),
        no_inline_derogations,
        ..request(&["fixtures/repos/derogations"])
    });
    let mut got: Vec<(String, String, u32, bool)> = outcome
        .findings
        .into_iter()
        .map(|f| {
            (
                f.file
                    .trim_start_matches("fixtures/repos/derogations/")
                    .to_string(),
                f.rule_id,
                f.span.start.line,
                f.suppression.is_some(),
            )
        })
        .collect();
    // Bundle (APP) rules also fire on this folder; this test is about derogations.
    got.retain(|g| !g.1.starts_with("APP"));
    got.sort();
    got
}

#[test]
fn derogations_suppress_expire_and_are_reported_when_unused_or_unjustified() {
    let got = derogation_run("2026-11-22", false);
    let expected: Vec<(String, String, u32, bool)> = [
        (".cct-lint.yaml", "LNT012", 27, false),  // no justification
        (".cct-lint.yaml", "LNT013", 17, false),  // expired
        (".cct-lint.yaml", "LNT014", 23, false),  // unused
        ("deploy/app.yaml", "K8S001", 20, false), // its derogation expired: fails again
        ("deploy/app.yaml", "K8S016", 26, true),  // inline comment derogation
        ("deploy/app.yaml", "K8S017", 29, false), // inline comment without justification
        ("deploy/app.yaml", "LNT012", 27, false),
        ("monitoring/node-exporter.yaml", "K8S004", 19, true), // annotation
        ("monitoring/node-exporter.yaml", "K8S005", 39, true), // config, kind + name + paths
    ]
    .iter()
    .map(|(f, r, l, s)| (f.to_string(), r.to_string(), *l, *s))
    .collect();
    assert_eq!(
        got, expected,
        "legacy/** is excluded, K8S012 disabled, K8S023 lowered to note and absent here"
    );
    // Suppressed findings do not fail the gate; the expired one does.
    let gate = bin()
        .env("CCT_LINT_TODAY", "2026-11-22")
        .args(["check", "fixtures/repos/derogations", "--fail-on", "error"])
        .output()
        .expect("run");
    assert_eq!(gate.status.code(), Some(1));
    // Before the expiry date, the EXI-ARCH-27 derogation still holds.
    let earlier = check_request(&cct_lint::check::Request {
        today: cct_lint::config::parse_date("2025-01-31"),
        ..request(&["fixtures/repos/derogations"])
    });
    let k8s001 = earlier
        .findings
        .iter()
        .find(|f| f.rule_id == "K8S001")
        .expect("K8S001");
    let suppression = k8s001.suppression.as_ref().expect("still derogated");
    assert_eq!(suppression.reference.as_deref(), Some("DEC-2025-002"));
    assert_eq!(suppression.expires.as_deref(), Some("2025-01-31"));
}

#[test]
fn inline_derogations_can_be_refused() {
    let got = derogation_run("2026-11-22", true);
    assert!(got.contains(&(
        "deploy/app.yaml".to_string(),
        "K8S016".to_string(),
        26,
        false
    )));
    assert!(got.contains(&(
        "monitoring/node-exporter.yaml".to_string(),
        "K8S004".to_string(),
        19,
        false
    )));
    let refused: Vec<_> = got
        .iter()
        .filter(|g| g.1 == "LNT015")
        .map(|g| (g.0.as_str(), g.2))
        .collect();
    assert_eq!(
        refused,
        vec![
            ("deploy/app.yaml", 24),
            ("deploy/app.yaml", 27),
            ("monitoring/node-exporter.yaml", 7)
        ]
    );
}

#[test]
fn sarif_carries_suppressions_and_human_output_shows_them_on_request() {
    let r = bin()
        .env("CCT_LINT_TODAY", "2026-11-22")
        .args([
            "check",
            "fixtures/repos/derogations",
            "--format",
            "sarif",
            "--fail-on",
            "never",
        ])
        .output()
        .expect("run");
    let sarif: serde_json::Value = serde_json::from_slice(&r.stdout).expect("sarif");
    let suppressed: Vec<&serde_json::Value> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 3);
    let kinds: BTreeSet<&str> = suppressed
        .iter()
        .map(|r| r["suppressions"][0]["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["external", "inSource"]));
    let human = bin()
        .env("CCT_LINT_TODAY", "2026-11-22")
        .args([
            "check",
            "fixtures/repos/derogations",
            "--lang",
            "en",
            "--color",
            "never",
            "--show-suppressed",
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&human.stdout).to_string();
    assert_snapshot("derogations.human.en.txt", &text);
}

#[test]
fn configuration_errors_point_at_the_config_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join(".cct-lint.yaml"),
        "rules:\n  K8S001:\n    severity: fatal\n",
    )
    .expect("write");
    let r = bin()
        .current_dir(dir.path())
        .args(["check", "."])
        .output()
        .expect("run");
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains(".cct-lint.yaml:3:15: severity must be error, warning or note"),
        "{err}"
    );
}

#[test]
fn init_writes_a_valid_starter_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = bin()
        .current_dir(dir.path())
        .args(["init"])
        .output()
        .expect("run");
    assert_eq!(r.status.code(), Some(0));
    assert!(dir.path().join(".cct-lint.yaml").is_file());
    assert_eq!(
        bin()
            .current_dir(dir.path())
            .args(["init"])
            .output()
            .expect("run")
            .status
            .code(),
        Some(2)
    );
    let check = bin()
        .current_dir(dir.path())
        .args(["check", "."])
        .output()
        .expect("run");
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn init_lists_the_registries_the_repository_uses_and_the_list_works_uncommented() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: gcr.io/team/a:1.0\n    - name: b\n      image: harbor.apps.c6.numerique-interieur.com/team/b:1.0\n",
    )
    .expect("write");
    let r = bin()
        .current_dir(dir.path())
        .args(["init"])
        .output()
        .expect("run");
    assert_eq!(r.status.code(), Some(0));
    let config = std::fs::read_to_string(dir.path().join(".cct-lint.yaml")).expect("config");
    assert!(
        config.contains("#       - \"gcr.io/\"  # 1 image, not allowed by default"),
        "{config}"
    );
    assert!(
        config.contains("\"harbor.apps.*.numerique-interieur.com/\"  # default; used here by harbor.apps.c6.numerique-interieur.com: 1 image"),
        "{config}"
    );
    let k8s020 = |dir: &Path| {
        let out = bin()
            .current_dir(dir)
            .args(["check", ".", "--format", "json", "--fail-on", "never"])
            .output()
            .expect("run");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule_id"] == "K8S020")
            .map(|f| {
                f["params"]["registry"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(k8s020(dir.path()), vec!["gcr.io".to_string()]);
    // Uncommenting the K8S020 block as written allows the registries it lists.
    let uncommented: String = config
        .lines()
        .map(|l| {
            let k = l.trim_start();
            let uncomment = k.starts_with("# K8S020:")
                || k.starts_with("#   params:")
                || k.starts_with("#     allowed_prefixes:")
                || k.starts_with("#       - ");
            if uncomment {
                l.replacen("# ", "", 1)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join(".cct-lint.yaml"), uncommented).expect("write");
    assert_eq!(k8s020(dir.path()), Vec::<String>::new());
}

#[test]
fn baseline_findings_survive_line_shifts_and_do_not_fail_the_gate() {
    let args = [
        "check",
        "fixtures/repos/baseline",
        "--baseline",
        "fixtures/repos/baseline/baseline.json",
        "--format",
        "json",
        "--lang",
        "en",
    ];
    let r = run(&args);
    assert_eq!(r.code, 1, "the new finding fails the gate: {}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let got: Vec<(String, u64, bool)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["in_baseline"] == true,
            )
        })
        .collect();
    // Only the per-object rules matter here (bundle rules fire on this folder too).
    let got: Vec<(String, u64, bool)> = got
        .into_iter()
        .filter(|g| !g.0.starts_with("APP"))
        .collect();
    // In the baseline they stood at lines 13 and 14; a header and a container moved them.
    assert_eq!(
        got,
        vec![
            ("K8S001".to_string(), 16, true),
            ("K8S002".to_string(), 17, true),
            ("K8S006".to_string(), 26, false)
        ]
    );
    assert_eq!(
        run(&[
            "check",
            "fixtures/repos/baseline",
            "--baseline",
            "nope.json"
        ])
        .code,
        2
    );
}

// ---------------------------------------------------------------- custom policies

#[test]
fn custom_policies_run_beside_the_built_in_rules() {
    let request = cct_lint::check::Request {
        policies: vec![PathBuf::from("fixtures/policies/team")],
        ..request(&["fixtures/rules/K8S001/fail-latest-and-untagged"])
    };
    let findings = check_request(&request).findings;
    let team: Vec<_> = findings.iter().filter(|f| f.rule_id == "TEAM001").collect();
    assert!(!team.is_empty(), "the custom rule fired");
    assert!(team
        .iter()
        .all(|f| f.severity == catalog::Severity::Warning && f.span.start.line >= 1));
    assert!(
        findings.iter().any(|f| f.rule_id == "K8S001"),
        "built-in rules still run"
    );
    let tests = run(&["test", "fixtures/policies/team"]);
    assert_eq!(tests.code, 0, "{}", tests.stdout);
    assert!(
        tests.stdout.contains("3 passed, 0 failed"),
        "{}",
        tests.stdout
    );
}

#[test]
fn invalid_or_colliding_policies_are_usage_errors_with_a_location() {
    let broken = run(&[
        "check",
        "fixtures/rules/K8S001",
        "--policy",
        "fixtures/policies/broken",
    ]);
    assert_eq!(broken.code, 2);
    assert!(
        broken
            .stderr
            .contains("fixtures/policies/broken/broken.rego:18:1"),
        "{}",
        broken.stderr
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string("fixtures/policies/team/team_label_missing.rego")
        .expect("read")
        .replace("TEAM001", "K8S001");
    std::fs::write(dir.path().join("clash.rego"), text).expect("write");
    let clash = run(&[
        "check",
        "fixtures/rules/K8S001",
        "--policy",
        dir.path().to_str().unwrap_or_default(),
    ]);
    assert_eq!(clash.code, 2);
    assert!(
        clash.stderr.contains("rule id K8S001 is already used"),
        "{}",
        clash.stderr
    );
}
// ---------------------------------------------------------------- integrations
//
// pre-commit hook, GitHub Action, GitLab CI template and container image: their files are
// loaded with the crate's own YAML loader and their shell really runs, on the example
// repository copied to a temporary directory, with the binary under test first on PATH.

/// The single document of a YAML file, as JSON (loaded by `cct_lint::parse::yaml::load`).
fn yaml_file(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let stream = cct_lint::parse::yaml::load(&text, cct_lint::parse::yaml::Limits::default());
    assert!(stream.errors.is_empty(), "{path}: {:?}", stream.errors);
    assert_eq!(stream.documents.len(), 1, "{path}: one document");
    stream.documents[0].root.to_json()
}

fn bin_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cct-lint"))
}

/// PATH with the directory of the binary under test first.
fn path_with_bin() -> std::ffi::OsString {
    let dir = bin_path().parent().expect("bin dir").to_path_buf();
    let mut dirs = vec![dir];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).expect("join PATH")
}

fn str_of<'a>(v: &'a serde_json::Value, what: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("{what}: not a string: {v}"))
}

// pre-commit ----------------------------------------------------------------

/// A `pre-commit` executable: `CCT_LINT_PRE_COMMIT` (set by `.ci/run`), else the one in
/// target/pre-commit-venv (where `.ci/run` installs it), installed there by the first test that
/// needs it and reused by the others and by later runs: an install from the registry took ~13 s
/// per test. `None` only when pip cannot reach a package registry (the reason is printed).
pub(crate) fn pre_commit_executable() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CCT_LINT_PRE_COMMIT") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "CCT_LINT_PRE_COMMIT={} is not a file",
            p.display()
        );
        return Some(p);
    }
    // The tests needing it run in parallel: one installs, the others wait for it.
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit-venv");
    let exe = venv.join("bin/pre-commit");
    let works = Command::new(&exe)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Some(exe);
    }
    // Half-made by an interrupted run: start again.
    let _ = std::fs::remove_dir_all(&venv);
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .output()
        .expect("python3 is needed for the pre-commit test (or set CCT_LINT_PRE_COMMIT)");
    assert!(
        made.status.success(),
        "python3 -m venv failed (install python3-venv, or set CCT_LINT_PRE_COMMIT): {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let install = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "pre-commit",
        ])
        .output()
        .expect("run pip");
    if !install.status.success() {
        let err = String::from_utf8_lossy(&install.stderr);
        let offline = [
            "Failed to establish a new connection",
            "Temporary failure in name resolution",
            "No matching distribution found",
            "Could not find a version",
            "Network is unreachable",
            "ProxyError",
            "ConnectTimeout",
            "Read timed out",
        ]
        .iter()
        .any(|m| err.contains(m));
        assert!(offline, "pip install pre-commit failed: {err}");
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but pre-commit cannot be installed: {err}"
        );
        println!("SKIPPED: pre-commit cannot be installed, no package registry reachable: {err}");
        return None;
    }
    Some(exe)
}

fn git(repo: &Path, args: &[&str]) -> Run {
    let out = Command::new("git")
        .current_dir(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=.git/hooks",
        ])
        .args(args)
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env("PATH", path_with_bin())
        .env("PRE_COMMIT_HOME", repo.join("../pre-commit-home"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run git");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    }
}

const NODEPORT_SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  type: NodePort\n  ports:\n    - port: 8080\n";

/// What it proves: the hook definition in `.pre-commit-hooks.yaml` is valid for pre-commit
/// (`validate-manifest`), and a repository using it refuses a commit that stages a violating
/// manifest (non-zero exit, the finding in the output), accepts the fixed commit, and checks
/// only the staged files (a violating file committed earlier does not block later commits).
/// The hook runs with the manifest's own `entry`, `files`, `types`, `pass_filenames` and
/// `require_serial`, as `repo: local` / `language: system` on the binary under test:
/// `language: rust` has pre-commit `cargo install` (release, not `--locked`: it resolves
/// dependencies from the crate registry) a fresh build of the committed HEAD, 149 s on this
/// 2-core machine, ten times the rest of the suite. Set `CCT_LINT_PRE_COMMIT_RUST=1` to use
/// `repo: <this checkout>` and `rev: HEAD` with `language: rust` instead (it passes).
#[test]
fn pre_commit_hook_refuses_a_violating_commit_and_accepts_the_fix() {
    let hooks = yaml_file(".pre-commit-hooks.yaml");
    let hook = hooks
        .as_array()
        .and_then(|a| a.iter().find(|h| h["id"] == "cct-lint"))
        .expect("a hook with id cct-lint")
        .clone();
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["entry"], "cct-lint check");
    assert_ne!(hook["pass_filenames"], false);
    let files = regex::Regex::new(str_of(&hook["files"], "files")).expect("files regex");
    for name in [
        "Dockerfile",
        "api/Dockerfile.prod",
        "api.Dockerfile",
        "x.containerfile",
        "Containerfile",
        "deploy/a.yaml",
        "deploy/b.YML",
        "chart/templates/_helpers.tpl",
    ] {
        assert!(files.is_match(name), "hook should take {name}");
    }
    for name in ["README.md", "src/main.rs", "Dockerfiles/notes.txt"] {
        assert!(!files.is_match(name), "hook should not take {name}");
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let Some(pre_commit) = pre_commit_executable() else {
        return;
    };
    let validate = Command::new(&pre_commit)
        .args(["validate-manifest", ".pre-commit-hooks.yaml"])
        .output()
        .expect("run pre-commit");
    assert!(
        validate.status.success(),
        "validate-manifest: {}{}",
        String::from_utf8_lossy(&validate.stdout),
        String::from_utf8_lossy(&validate.stderr)
    );

    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    assert_eq!(git(&repo, &["init", "-q"]).code, 0);
    let config = if std::env::var_os("CCT_LINT_PRE_COMMIT_RUST").is_some() {
        let head = Command::new("git")
            .args(["rev-parse", "HEAD"])
            .output()
            .expect("git rev-parse");
        let checkout = std::env::current_dir().expect("cwd");
        serde_json::json!({"repos": [{
            "repo": checkout.to_string_lossy(),
            "rev": String::from_utf8_lossy(&head.stdout).trim(),
            "hooks": [{"id": "cct-lint"}],
        }]})
    } else {
        let mut local = hook.clone();
        local["language"] = "system".into();
        local["entry"] = str_of(&hook["entry"], "entry")
            .replacen("cct-lint", &bin_path().to_string_lossy(), 1)
            .into();
        serde_json::json!({"repos": [{"repo": "local", "hooks": [local]}]})
    };
    // JSON is YAML: pre-commit reads it as its config.
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        serde_json::to_string_pretty(&config).expect("json"),
    )
    .expect("write config");
    std::fs::create_dir_all(repo.join("legacy")).expect("mkdir");
    std::fs::write(repo.join("legacy/old.yaml"), NODEPORT_SERVICE).expect("write");
    assert_eq!(git(&repo, &["add", "."]).code, 0);
    let setup = git(&repo, &["commit", "-q", "--no-verify", "-m", "setup"]);
    assert_eq!(setup.code, 0, "{}", setup.stderr);
    let install = Command::new(&pre_commit)
        .current_dir(&repo)
        .arg("install")
        .env("PRE_COMMIT_HOME", dir.path().join("pre-commit-home"))
        .output()
        .expect("pre-commit install");
    assert!(install.status.success());

    // A violating manifest (and a file the hook does not take) is refused.
    std::fs::create_dir_all(repo.join("deploy")).expect("mkdir");
    std::fs::write(repo.join("deploy/svc.yaml"), NODEPORT_SERVICE).expect("write");
    std::fs::write(repo.join("NOTES.md"), "type: NodePort\n").expect("write");
    assert_eq!(git(&repo, &["add", "deploy/svc.yaml", "NOTES.md"]).code, 0);
    let refused = git(&repo, &["commit", "-m", "add a NodePort service"]);
    let out = format!("{}{}", refused.stdout, refused.stderr);
    assert_ne!(refused.code, 0, "the commit must be refused: {out}");
    assert!(out.contains("K8S018"), "the finding is shown: {out}");
    assert!(out.contains("deploy/svc.yaml"), "{out}");
    assert!(
        !out.contains("legacy/old.yaml") && !out.contains("NOTES.md"),
        "only staged Dockerfiles and YAML are checked: {out}"
    );
    assert_eq!(git(&repo, &["log", "--oneline"]).stdout.lines().count(), 1);

    // Fixed, it passes; the old violating file, untouched, does not block it.
    std::fs::write(
        repo.join("deploy/svc.yaml"),
        NODEPORT_SERVICE.replace("NodePort", "ClusterIP"),
    )
    .expect("write");
    assert_eq!(git(&repo, &["add", "deploy/svc.yaml"]).code, 0);
    let accepted = git(&repo, &["commit", "-m", "add a ClusterIP service"]);
    assert_eq!(
        accepted.code, 0,
        "the fixed commit passes: {}{}",
        accepted.stdout, accepted.stderr
    );
    assert!(
        format!("{}{}", accepted.stdout, accepted.stderr).contains("Passed"),
        "the hook ran: {}",
        accepted.stdout
    );
}

// GitHub Action --------------------------------------------------------------

/// Writes `text` to `root/rel`, creating the folders on the way.
fn write_file(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn copy_tree(from: &Path, to: &Path) {
    for file in files_below(from) {
        let rel = file.strip_prefix(from).expect("below");
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &dest).expect("copy");
    }
}

/// A copy of the example repository in a temporary directory (tests never write in fixtures/).
fn example_workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = dir.path().join("ws");
    copy_tree(Path::new("fixtures/repos/registre-associations"), &ws);
    (dir, ws)
}

/// Exit code of the gate itself on the example workspace.
fn gate_code(ws: &Path, fail_on: &str) -> i32 {
    bin()
        .current_dir(ws)
        .args(["check", ".", "--fail-on", fail_on, "--format", "json"])
        .output()
        .expect("run")
        .status
        .code()
        .unwrap_or(-1)
}

fn check_help() -> String {
    let r = run(&["check", "--help"]);
    assert_eq!(r.code, 0);
    r.stdout
}

/// Action inputs that are not a `cct-lint check` flag of the same name.
const ACTION_ONLY_INPUTS: &[&str] = &[
    "paths",       // the positional PATHS
    "sarif-file",  // `--format sarif --output <sarif-file>`
    "install",     // skip installation, use the cct-lint on PATH
    "version",     // download that release's binary (ci/action-install.sh)
    "release-url", // where that release's files are
];

/// Replaces the `${{ inputs.X }}` and `${{ steps.ID.outputs.NAME }}` expressions of `text`.
fn github_expr(
    text: &str,
    inputs: &BTreeMap<String, String>,
    outputs: &BTreeMap<String, BTreeMap<String, String>>,
) -> String {
    let re = regex::Regex::new(r"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}").expect("regex");
    re.replace_all(text, |c: &regex::Captures| {
        let expr = &c[1];
        if let Some(name) = expr.strip_prefix("inputs.") {
            return inputs
                .get(name)
                .unwrap_or_else(|| panic!("unknown input {name}"))
                .clone();
        }
        let parts: Vec<&str> = expr.split('.').collect();
        if let ["steps", id, "outputs", name] = parts[..] {
            return outputs
                .get(id)
                .and_then(|o| o.get(name))
                .cloned()
                .unwrap_or_default();
        }
        panic!("unsupported expression {expr}")
    })
    .to_string()
}

struct ActionRun {
    /// Exit code of the last step that ran (a failing step stops the action).
    code: i32,
    log: String,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    summary: String,
}

/// Runs the `run:` steps of action.yml the way the runner does (`bash --noprofile --norc -eo
/// pipefail`, step `env:` with expressions substituted, GITHUB_* files), in `ws`.
fn run_action(action: &serde_json::Value, given: &[(&str, &str)], ws: &Path) -> ActionRun {
    let mut inputs: BTreeMap<String, String> = action["inputs"]
        .as_object()
        .expect("inputs")
        .iter()
        .map(|(k, v)| {
            let default = match &v["default"] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), default)
        })
        .collect();
    for (k, v) in given {
        assert!(inputs.contains_key(*k), "no input {k}");
        inputs.insert(k.to_string(), v.to_string());
    }
    let runner = ws.parent().expect("parent").join("runner");
    std::fs::create_dir_all(&runner).expect("mkdir");
    let summary = runner.join("step-summary.md");
    let action_path = std::env::current_dir().expect("cwd");
    let mut outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut log = String::new();
    let mut code = 0;
    for (i, step) in action["runs"]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .enumerate()
    {
        let Some(script) = step["run"].as_str() else {
            continue; // `uses:` steps need GitHub itself
        };
        assert_eq!(step["shell"], "bash", "step {i} declares its shell");
        let id = step["id"]
            .as_str()
            .map(String::from)
            .unwrap_or(i.to_string());
        let output_file = runner.join(format!("output-{id}"));
        std::fs::write(&output_file, "").expect("write");
        let script_file = runner.join(format!("step-{id}.sh"));
        std::fs::write(&script_file, github_expr(script, &inputs, &outputs)).expect("write");
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(ws)
            .env("PATH", path_with_bin())
            .env("LANG", "C")
            .env("GITHUB_ACTION_PATH", &action_path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_WORKSPACE", ws)
            .env("RUNNER_TEMP", &runner)
            .env("GITHUB_ACTIONS", "true");
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                let value = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                cmd.env(k, github_expr(&value, &inputs, &outputs));
            }
        }
        let out = cmd.output().expect("run bash");
        log.push_str(&String::from_utf8_lossy(&out.stdout));
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        let written = std::fs::read_to_string(&output_file).expect("read outputs");
        outputs.insert(
            id,
            written
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        code = out.status.code().unwrap_or(-1);
        if code != 0 {
            break;
        }
    }
    ActionRun {
        code,
        log,
        outputs,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
    }
}

/// What it proves: every input of action.yml is a `cct-lint check` flag (per `check --help`)
/// or one of the few action-only inputs, every input is used by a step, the `sarif-file`
/// output is wired to the step that writes it, and the steps' shell, run locally as the runner
/// would (install skipped with `install: false`, the binary under test on PATH), writes the
/// SARIF file, the Markdown job summary and the outputs, and exits with the gate's code.
/// Not covered here: the `cargo install` branch (it is plain cargo) and GitHub itself.
#[test]
fn github_action_inputs_are_cli_flags_and_its_steps_run() {
    let action = yaml_file("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let help = check_help();
    let inputs = action["inputs"].as_object().expect("inputs");
    let steps_text = serde_json::to_string(&action["runs"]["steps"]).expect("json");
    for name in inputs.keys() {
        if !ACTION_ONLY_INPUTS.contains(&name.as_str()) {
            assert!(
                help.contains(&format!("--{name} ")) || help.contains(&format!("--{name}\n")),
                "input `{name}` is not a `cct-lint check` flag:\n{help}"
            );
        }
        assert!(
            steps_text.contains(&format!("inputs.{name} ")),
            "input `{name}` is not used by any step"
        );
    }
    assert!(help.contains("[PATHS]"), "{help}");
    for name in ACTION_ONLY_INPUTS {
        assert!(inputs.contains_key(*name), "input {name}");
    }
    assert!(action["outputs"]["sarif-file"]["value"]
        .as_str()
        .is_some_and(|v| v.contains("steps.check.outputs.sarif-file")));

    let (_dir, ws) = example_workspace();
    let gate = gate_code(&ws, "error");
    assert_eq!(gate, 1, "the example repository has errors");
    let given = [
        ("install", "false"),
        ("lang", "en"),
        ("sarif-file", "reports/cct-lint.sarif"),
    ];
    let r = run_action(&action, &given, &ws);
    assert_eq!(
        r.code, gate,
        "the step exits with the gate's code:\n{}",
        r.log
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ws.join("reports/cct-lint.sarif")).expect("SARIF written"),
    )
    .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .is_empty());
    assert_eq!(
        r.outputs["check"].get("sarif-file").map(String::as_str),
        Some("reports/cct-lint.sarif")
    );
    assert_eq!(
        r.outputs["check"].get("exit-code").map(String::as_str),
        Some("1")
    );
    assert!(
        r.summary.starts_with("## cct-lint: failed (exit code 1)"),
        "{}",
        r.summary
    );
    assert!(r.summary.contains("| error | `K8S"), "{}", r.summary);
    assert!(
        r.log.contains("K8S") && r.log.contains("deploy/base/front.yaml"),
        "human report in the log:\n{}",
        r.log
    );

    // `values` entries become `--values CHART=FILE`: the chart is rendered with that file.
    let (_dir3, ws3) = example_workspace();
    let r = run_action(
        &action,
        &[
            ("install", "false"),
            ("lang", "en"),
            ("values", "chart=chart/values-prod.yaml\n"),
        ],
        &ws3,
    );
    assert_eq!(r.code, 1, "{}", r.log);
    assert!(
        r.log.contains("value set `chart/values-prod.yaml`"),
        "{}",
        r.log
    );

    // `fail-on: never` passes, and a usage error (bad flag value) is exit code 2.
    let (_dir2, ws2) = example_workspace();
    let r = run_action(&action, &[("install", "false"), ("fail-on", "never")], &ws2);
    assert_eq!(r.code, 0, "{}", r.log);
    assert!(ws2.join("cct-lint.sarif").is_file());
    assert!(r.summary.contains("passed (exit code 0)"), "{}", r.summary);
    let r = run_action(&action, &[("install", "false"), ("lang", "de")], &ws2);
    assert_eq!(r.code, 2, "{}", r.log);
    assert!(r.summary.contains("could not run"), "{}", r.summary);
}

// GitLab CI -------------------------------------------------------------------

/// Runs the `script:` of the template's `.cct-lint` job in `shell` (`sh` or `bash`, with
/// `set -e` as GitLab's runner does), in `ws`, with the job's variables, `overrides` applied.
fn run_gitlab_job(
    job: &serde_json::Value,
    shell: &str,
    overrides: &[(&str, &str)],
    ws: &Path,
) -> Run {
    let lines: Vec<&str> = job["script"]
        .as_array()
        .expect("script")
        .iter()
        .map(|l| str_of(l, "script line"))
        .collect();
    let script = format!("set -e\n{}\n", lines.join("\n"));
    let mut cmd = Command::new(shell);
    cmd.arg("-c")
        .arg(script)
        .current_dir(ws)
        .env("PATH", path_with_bin())
        .env("LANG", "C")
        .env_remove("NO_COLOR");
    for (k, v) in job["variables"].as_object().expect("variables") {
        cmd.env(k, str_of(v, k));
    }
    for (k, v) in overrides {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the job script");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    }
}

/// What it proves: the template has a hidden `.cct-lint` job (stage `test`) and a `cct-lint`
/// job extending it, documents and defaults the CCT_LINT_* variables, publishes Code Quality
/// and JUnit reports from the very files the script writes with `--format gitlab` / `junit`
/// (and the SARIF file as an artifact), `when: always`; and its script, run locally in `sh`
/// and `bash` with the binary under test on PATH, writes every report and exits with the
/// gate's code (1 with errors, 0 with `CCT_LINT_FAIL_ON=never`, 2 on a configuration error).
/// Not covered here: GitLab itself and pulling CCT_LINT_IMAGE.
#[test]
fn gitlab_ci_template_publishes_the_reports_and_keeps_the_gate_exit_code() {
    let path = "ci/cct-lint.gitlab-ci.yml";
    let text = std::fs::read_to_string(path).expect("read template");
    let ci = yaml_file(path);
    let job = &ci[".cct-lint"];
    assert_eq!(job["stage"], "test");
    assert_eq!(ci["cct-lint"]["extends"], ".cct-lint");
    assert_eq!(job["image"]["name"], "$CCT_LINT_IMAGE");
    let vars = job["variables"].as_object().expect("variables");
    for v in [
        "CCT_LINT_PATHS",
        "CCT_LINT_FAIL_ON",
        "CCT_LINT_CONFIG",
        "CCT_LINT_LANG",
        "CCT_LINT_IMAGE",
    ] {
        assert!(vars.contains_key(v), "variable {v} has a default");
        assert!(
            text.contains(&format!("#   {v} ")),
            "variable {v} is documented"
        );
    }
    assert_eq!(job["artifacts"]["when"], "always");
    let script = job["script"]
        .as_array()
        .expect("script")
        .iter()
        .map(|l| str_of(l, "line"))
        .collect::<Vec<_>>()
        .join("\n");
    let reports = &job["artifacts"]["reports"];
    let codequality = str_of(&reports["codequality"], "codequality");
    let junit = str_of(&reports["junit"], "junit");
    assert!(script.contains(&format!("--format gitlab --output {codequality}")));
    assert!(script.contains(&format!("--format junit --output {junit}")));
    let paths: Vec<&str> = job["artifacts"]["paths"]
        .as_array()
        .expect("artifact paths")
        .iter()
        .map(|p| str_of(p, "path"))
        .collect();
    let sarif = paths
        .iter()
        .find(|p| p.ends_with(".sarif"))
        .expect("SARIF artifact");
    assert!(script.contains(&format!("--format sarif --output {sarif}")));
    let audit_supported = check_help().contains("audit-html");

    for shell in ["sh", "bash"] {
        let (_dir, ws) = example_workspace();
        let gate = gate_code(&ws, "error");
        let r = run_gitlab_job(job, shell, &[("CCT_LINT_LANG", "en")], &ws);
        assert_eq!(r.code, gate, "{shell}: gate's exit code: {}", r.stderr);
        assert_eq!(r.code, 1);
        assert!(r.stdout.contains("K8S"), "human report in the job log");
        let quality: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(ws.join(codequality)).expect("cq"))
                .expect("Code Quality JSON");
        assert!(!quality.as_array().expect("array").is_empty());
        let junit_xml = std::fs::read_to_string(ws.join(junit)).expect("junit written");
        assert!(check_well_formed_xml(&junit_xml).is_ok());
        assert!(junit_xml.contains("<failure"));
        let sarif_json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(ws.join(sarif)).expect("sarif"))
                .expect("SARIF JSON");
        assert_eq!(sarif_json["version"], "2.1.0");
        assert_eq!(
            ws.join("cct-lint-audit.html").is_file(),
            audit_supported,
            "the audit report exactly when the binary supports it"
        );

        let passing = run_gitlab_job(job, shell, &[("CCT_LINT_FAIL_ON", "never")], &ws);
        assert_eq!(passing.code, 0, "{shell}: {}", passing.stderr);
        let broken = run_gitlab_job(job, shell, &[("CCT_LINT_CONFIG", "missing.yaml")], &ws);
        assert_eq!(broken.code, 2, "{shell}: {}", broken.stderr);
    }
}

// Container image ---------------------------------------------------------------

/// What it proves: the root Dockerfile is multi-stage (a pinned `rust:*-slim-bookworm` builder
/// running `cargo build --release --locked`, a distroless `cc-debian12:nonroot` runtime pinned
/// by tag, user 65532, the binary as entrypoint, `/src` as working directory, no EXPOSE),
/// copies every folder build.rs embeds, lets them through .dockerignore, and passes
/// cct-lint's own rules with not even a note. Not covered: `docker build` (no engine here).
#[test]
fn dockerfile_builds_a_distroless_nonroot_image_that_passes_cct_lint() {
    let r = run(&["check", "Dockerfile", "--fail-on", "note", "--lang", "en"]);
    assert_eq!(
        r.code, 0,
        "cct-lint's own Dockerfile: {}{}",
        r.stdout, r.stderr
    );
    let findings = findings(&["Dockerfile"]);
    assert!(findings.is_empty(), "{findings:?}");

    let text = std::fs::read_to_string("Dockerfile").expect("Dockerfile");
    let from: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert!(from.len() >= 2, "multi-stage");
    assert!(from[0].starts_with("FROM rust:${RUST_VERSION}-slim-bookworm AS builder"));
    let rust_version = text
        .lines()
        .find_map(|l| l.strip_prefix("ARG RUST_VERSION="))
        .expect("pinned RUST_VERSION");
    assert!(
        rust_version.split('.').count() == 3
            && rust_version.split('.').all(|p| p.parse::<u32>().is_ok()),
        "{rust_version}"
    );
    assert_eq!(
        from.last().copied(),
        Some("FROM gcr.io/distroless/cc-debian12:nonroot AS runtime")
    );
    assert!(text.contains("cargo build --release --locked"));
    let final_stage = &text[text.rfind("\nFROM ").expect("final stage")..];
    for line in [
        "USER 65532:65532",
        "WORKDIR /src",
        "ENTRYPOINT [\"/usr/local/bin/cct-lint\"]",
    ] {
        assert!(final_stage.contains(line), "final stage: {line}");
    }
    assert!(!text.contains("\nEXPOSE"));

    let build_rs = std::fs::read_to_string("build.rs").expect("build.rs");
    let dockerignore = std::fs::read_to_string(".dockerignore").expect(".dockerignore");
    for dir in ["rules", "fixtures/rules", "catalog", "src"] {
        if dir != "src" {
            assert!(
                build_rs.contains(&format!("\"{dir}\"")),
                "build.rs embeds {dir}"
            );
        }
        assert!(text.contains(&format!("COPY {dir} ./{dir}")), "COPY {dir}");
        assert!(
            dockerignore.contains(&format!("!{dir}/")),
            ".dockerignore lets {dir} in"
        );
    }
}

// Documentation ------------------------------------------------------------------

/// What it proves: the README's integration snippets do not drift from the files they
/// document: the hook's `files` regex, every action input and GitLab variable (in their
/// tables), and the builder's Rust version.
#[test]
fn readme_integration_sections_match_the_integration_files() {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let hooks = yaml_file(".pre-commit-hooks.yaml");
    let files = str_of(&hooks[0]["files"], "files");
    assert!(readme.contains(&format!("files: '{files}'")), "hook regex");
    let action = yaml_file("action.yml");
    for name in action["inputs"].as_object().expect("inputs").keys() {
        assert!(readme.contains(&format!("`{name}`")), "input {name}");
    }
    let ci = yaml_file("ci/cct-lint.gitlab-ci.yml");
    for var in ci[".cct-lint"]["variables"]
        .as_object()
        .expect("vars")
        .keys()
    {
        assert!(readme.contains(&format!("| `{var}` |")), "variable {var}");
    }
    let dockerfile = std::fs::read_to_string("Dockerfile").expect("Dockerfile");
    let rust = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("ARG RUST_VERSION="))
        .expect("RUST_VERSION");
    assert!(readme.contains(&format!("rust:{rust}-slim-bookworm")));
}

#[test]
fn render_prints_the_chart_like_helm_template_and_fails_with_a_location() {
    let r = run(&[
        "render",
        "fixtures/repos/registre-associations/chart",
        "--set",
        "image.tag=2.0.0",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Helm's install order (the NetworkPolicy before the PodDisruptionBudget and the
    // Deployment), release name, `--set` applied: the whole output.
    assert_snapshot("registre-chart.render.yaml", &r.stdout);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
    std::fs::write(
        dir.path().join("Chart.yaml"),
        "apiVersion: v2\nname: broken\nversion: 0.1.0\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("templates/cm.yaml"),
        "kind: ConfigMap\ndata:\n  x: {{ required \"x is required\" .Values.x }}\n",
    )
    .expect("write");
    let failed = run(&["render", dir.path().to_str().unwrap_or_default()]);
    assert_eq!(failed.code, 2);
    assert!(
        failed
            .stderr
            .contains("execution error at (broken/templates/cm.yaml:3:"),
        "{}",
        failed.stderr
    );
    assert!(failed.stderr.contains("x is required"), "{}", failed.stderr);
}

// ---------------------------------------------------------------- audit report

#[test]
fn audit_reports_list_every_requirement_and_the_html_is_self_contained() {
    let cat = catalog();
    for (format, lang) in [("audit-md", "fr"), ("audit-html", "en")] {
        let r = run(&[
            "check",
            "fixtures/repos/registre-associations",
            "--format",
            format,
            "--lang",
            lang,
            "--fail-on",
            "never",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        for req in &cat.requirements {
            assert!(r.stdout.contains(&req.id), "{format}: {} missing", req.id);
        }
        assert!(r.stdout.contains("EXI-ARCH-27"), "{format}");
        if format == "audit-html" {
            for external in [
                "src=\"http",
                "href=\"http",
                "src='http",
                "@import",
                "<script src",
            ] {
                assert!(!r.stdout.contains(external), "external asset: {external}");
            }
            assert_eq!(
                r.stdout.matches("<table").count(),
                r.stdout.matches("</table>").count()
            );
            assert!(r.stdout.contains("@media print"));
        }
    }
    let again = run(&[
        "check",
        "fixtures/repos/registre-associations",
        "--format",
        "audit-md",
        "--fail-on",
        "never",
    ]);
    let once = run(&[
        "check",
        "fixtures/repos/registre-associations",
        "--format",
        "audit-md",
        "--fail-on",
        "never",
    ]);
    assert_eq!(again.stdout, once.stdout, "byte-identical between runs");
}

/// What it proves: where a chart does not render and no Dockerfile is present, no requirement
/// reads "checked — pass"; the scope names the chart and why, the register lists the unused
/// and the expired derogation, and the application name comes from the configuration.
#[test]
fn audit_report_never_certifies_what_was_not_checked() {
    for (lang, file) in [
        ("fr", "audit-unrendered.audit.fr.md"),
        ("en", "audit-unrendered.audit.en.md"),
    ] {
        let out = bin()
            .args([
                "check",
                "fixtures/repos/audit-unrendered",
                "--format",
                "audit-md",
                "--lang",
                lang,
                "--fail-on",
                "never",
            ])
            .env("CCT_LINT_REPORT_DATE", "2026-12-01")
            .env(
                "CCT_LINT_REPORT_COMMIT",
                "0123456789abcdef0123456789abcdef01234567",
            )
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run cct-lint");
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        for row in text.lines().filter(|l| l.starts_with("| EXI-")) {
            assert!(
                !row.contains("**vérifiée — conforme**") && !row.contains("**checked — pass**"),
                "{row}"
            );
        }
        assert!(
            text.contains("annuaire"),
            "application name from the config"
        );
        assert_snapshot(file, &text);
    }
}

#[test]
fn audit_report_snapshots_with_evidence_from_the_example_repository() {
    for (format, lang, file) in [
        ("audit-md", "fr", "example.audit.fr.md"),
        ("audit-md", "en", "example.audit.en.md"),
        ("audit-html", "fr", "example.audit.fr.html"),
    ] {
        let out = bin()
            .args([
                "check",
                "fixtures/repos/registre-associations",
                "--format",
                format,
                "--lang",
                lang,
                "--fail-on",
                "never",
            ])
            .env("CCT_LINT_REPORT_DATE", "2026-11-22")
            .env(
                "CCT_LINT_REPORT_COMMIT",
                "0123456789abcdef0123456789abcdef01234567",
            )
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run cct-lint");
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(text.contains("0123456789abcdef0123456789abcdef01234567"));
        assert!(text.contains("2026-11-22"));
        // Evidence gathered from the example: the OpenAPI file, the GitLab pipeline, the
        // Argo CD Application.
        for evidence in [
            "api/openapi.yaml",
            ".gitlab-ci.yml",
            "deploy/argocd/application.yaml",
        ] {
            assert!(text.contains(evidence), "{file}: no evidence {evidence}");
        }
        assert_snapshot(file, &text);
    }
}

/// What it proves: a reader that stops early (`cct-lint rules --format json | head -1`) ends
/// every printing subcommand quietly: no panic, exit code unchanged by the closed pipe.
#[test]
fn a_closed_pipe_ends_output_quietly() {
    for (args, expected) in [
        (vec!["rules", "--format", "json"], 0),
        (vec!["explain", "EXI-ARCH-18"], 0),
        (vec!["test"], 0),
        (
            vec![
                "check",
                "fixtures/repos/registre-associations",
                "--format",
                "json",
            ],
            1,
        ),
    ] {
        // A pipe whose read end is already closed: the first write meets EPIPE.
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = bin().args(&args).stdout(writer).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {stderr}");
    }
}
