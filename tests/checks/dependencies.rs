//! End-to-end tests of chart dependencies found offline (charts/, `file://`, a chart of the
//! scanned tree, `helm.dependency_paths`, Helm's repository cache), charts rendered without
//! the ones found nowhere (LNT017, coverage in `summary.charts`), the gate with
//! `require_dependencies`, and a render error caused by a missing library. Each step is tested
//! in both directions: found when it should be, not found when its source is taken away.
//! Must not: write inside fixtures/ (temporary copies only), or read the real Helm cache.

use std::path::Path;
use std::process::Command;

use crate::copy_tree;

const ROOT: &str = "fixtures/repos/chart-dependencies";

struct Report {
    code: i32,
    json: serde_json::Value,
    stderr: String,
}

/// `check --format json` with Helm's repository cache pointed at `cache` (never the real one).
fn check(args: &[&str], cache: &Path) -> Report {
    let out = Command::new(env!("CARGO_BIN_EXE_cct-lint"))
        .env("HELM_REPOSITORY_CACHE", cache)
        .env("LANG", "C")
        .args(["check", "--format", "json", "--lang", "en"])
        .args(args)
        .output()
        .expect("run cct-lint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    Report {
        code: out.status.code().unwrap_or(-1),
        json: serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}")),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// An empty configuration: the fixture root's `.cct-lint.yaml` (which names `vendor`) is
/// otherwise found upwards from a sub-folder.
fn no_config() -> tempfile::NamedTempFile {
    tempfile::NamedTempFile::new().expect("temp config")
}

fn no_cache() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn chart<'a>(report: &'a Report, dir: &str) -> Vec<&'a serde_json::Value> {
    report.json["summary"]["charts"]
        .as_array()
        .expect("summary.charts")
        .iter()
        .filter(|c| c["chart_dir"] == dir)
        .collect()
}

fn findings<'a>(report: &'a Report, rule: &str) -> Vec<&'a serde_json::Value> {
    report.json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

#[test]
fn dependencies_are_found_in_the_tree_the_file_repository_and_the_configured_folders() {
    let cache = no_cache();
    let r = check(&[ROOT, "--fail-on", "never"], cache.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let resolved = |dir: &str| -> Vec<(String, String, String, String)> {
        chart(&r, &format!("{ROOT}/{dir}"))
            .iter()
            .flat_map(|c| c["resolved"].as_array().cloned().unwrap_or_default())
            .map(|d| {
                let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
                (s("name"), s("source"), s("version"), s("path"))
            })
            .collect()
    };
    assert_eq!(
        resolved("apps/file-ref"),
        vec![(
            "common".into(),
            "file".into(),
            "1.4.2".into(),
            format!("{ROOT}/library/common")
        )]
    );
    assert_eq!(
        resolved("apps/from-tree"),
        vec![(
            "common".into(),
            "tree".into(),
            "1.4.2".into(),
            format!("{ROOT}/library/common")
        )]
    );
    assert_eq!(
        resolved("apps/from-folder"),
        vec![(
            "extra".into(),
            "folder".into(),
            "0.3.1".into(),
            format!("{ROOT}/vendor/extra")
        )]
    );
    for dir in ["apps/file-ref", "apps/from-tree", "apps/from-folder"] {
        let c = chart(&r, &format!("{ROOT}/{dir}"));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0]["status"], "rendered", "{dir}: {:#}", c[0]);
    }
    // The library helper was really used: the object is named by it.
    let names: Vec<&str> = r.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["file"]
                .as_str()
                .is_some_and(|p| p.starts_with(&format!("{ROOT}/apps/from-tree/")))
        })
        .filter_map(|f| f["object"]["name"].as_str())
        .collect();
    assert!(names.contains(&"release-name-from-tree"), "{names:?}");
    // The folder's chart was rendered as a subchart: its objects are checked, with the
    // parent's values (`latest` is the subchart's own default here).
    assert!(
        findings(&r, "K8S001")
            .iter()
            .any(|f| f["file"] == format!("{ROOT}/vendor/extra/templates/deployment.yaml")),
        "{:#}",
        r.json["findings"]
    );
    assert!(findings(&r, "LNT017").iter().all(|f| !f["file"]
        .as_str()
        .unwrap_or("")
        .contains("from-")
        && !f["file"].as_str().unwrap_or("").contains("file-ref")));
    let library = chart(&r, &format!("{ROOT}/library/common"));
    assert_eq!(library[0]["status"], "library");
}

#[test]
fn each_step_fails_without_its_source() {
    let cache = no_cache();
    // Scanned alone, the tree holds only the chart itself: `common` 1.x.x is found nowhere.
    let r = check(&[&format!("{ROOT}/apps/from-tree")], cache.path());
    let c = chart(&r, &format!("{ROOT}/apps/from-tree"));
    assert_eq!(c[0]["status"], "not_rendered", "{:#}", c[0]);
    assert_eq!(c[0]["missing"], serde_json::json!(["common"]));
    // The `file://` repository does not depend on the tree.
    let r = check(&[&format!("{ROOT}/apps/file-ref")], cache.path());
    let c = chart(&r, &format!("{ROOT}/apps/file-ref"));
    assert_eq!(c[0]["status"], "rendered", "{:#}", c[0]);
    // Without the configuration naming `vendor`, `extra` is missing: rendered without it.
    let empty = no_config();
    let empty = empty.path().to_string_lossy().to_string();
    let r = check(
        &[&format!("{ROOT}/apps/from-folder"), "--config", &empty],
        cache.path(),
    );
    let c = chart(&r, &format!("{ROOT}/apps/from-folder"));
    assert_eq!(c[0]["status"], "rendered_without_dependencies");
    assert_eq!(c[0]["missing"], serde_json::json!(["extra"]));
    let lnt = findings(&r, "LNT017");
    assert_eq!(lnt.len(), 1, "{lnt:#?}");
    assert_eq!(
        lnt[0]["file"],
        format!("{ROOT}/apps/from-folder/Chart.yaml")
    );
    assert_eq!(lnt[0]["line"], 5);
    assert_eq!(lnt[0]["severity"], "warning");
    // A disabled dependency is not missing.
    let arg = format!("{ROOT}/apps/from-folder=extra.enabled=false");
    let r = check(
        &[
            &format!("{ROOT}/apps/from-folder"),
            "--set",
            &arg,
            "--config",
            &empty,
        ],
        cache.path(),
    );
    assert!(findings(&r, "LNT017").is_empty());
    assert_eq!(
        chart(&r, &format!("{ROOT}/apps/from-folder"))[0]["status"],
        "rendered"
    );
}

#[test]
fn helm_repository_cache_archives_are_dependencies() {
    let cache = no_cache();
    let empty = no_config();
    let empty = empty.path().to_string_lossy().to_string();
    // What `helm pull` leaves in the cache: NAME-VERSION.tgz, the chart in a NAME/ folder.
    let archive = cache.path().join("extra-0.3.1.tgz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&archive).unwrap(),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all("extra", format!("{ROOT}/vendor/extra"))
        .unwrap();
    tar.into_inner().unwrap().finish().unwrap();
    // Another chart's archive with a name starting the same is not taken for it.
    std::fs::write(cache.path().join("extra-tools-0.3.5.tgz"), b"not a chart").unwrap();
    let r = check(
        &[&format!("{ROOT}/apps/from-folder"), "--config", &empty],
        cache.path(),
    );
    let c = chart(&r, &format!("{ROOT}/apps/from-folder"));
    assert_eq!(c[0]["status"], "rendered", "{:#} {}", c[0], r.stderr);
    let dep = &c[0]["resolved"][0];
    assert_eq!(dep["source"], "folder");
    assert_eq!(dep["version"], "0.3.1");
    assert!(dep["path"].as_str().unwrap().ends_with("extra-0.3.1.tgz"));
    // A version outside the constraint (`^0.3.0`) is not used.
    std::fs::rename(&archive, cache.path().join("extra-0.4.0.tgz")).unwrap();
    let r = check(
        &[&format!("{ROOT}/apps/from-folder"), "--config", &empty],
        cache.path(),
    );
    let c = chart(&r, &format!("{ROOT}/apps/from-folder"));
    assert_eq!(c[0]["status"], "rendered_without_dependencies");
}

#[test]
fn a_missing_dependency_warns_and_fails_only_a_gate_that_requires_dependencies() {
    let cache = no_cache();
    let old = format!("{ROOT}/apps/old-major");
    let r = check(&[&old], cache.path());
    let lnt = findings(&r, "LNT017");
    assert_eq!(lnt.len(), 1);
    assert_eq!(
        lnt[0]["message"],
        "Dependency `common` (0.x.x) of chart `old-major` was found nowhere offline: the chart was rendered without it, so the objects and defaults of `common` were not checked"
    );
    assert_eq!(lnt[0]["severity"], "warning");
    // The chart's own objects were checked.
    assert!(r.json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["file"] == format!("{old}/templates/deployment.yaml")));
    // The gate: warnings alone do not fail it; on a chart whose objects are clean, only the
    // dependency is left.
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    std::fs::create_dir_all(clean.join("templates")).unwrap();
    std::fs::copy(format!("{old}/Chart.yaml"), clean.join("Chart.yaml")).unwrap();
    std::fs::write(
        clean.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n",
    )
    .unwrap();
    let path = clean.display().to_string();
    let r = check(&[&path], cache.path());
    assert_eq!(r.code, 0, "{:#}", r.json["findings"]);
    assert_eq!(findings(&r, "LNT017").len(), 1);
    let r = check(&[&path, "--require-dependencies"], cache.path());
    assert_eq!(r.code, 1);
    assert_eq!(findings(&r, "LNT017")[0]["severity"], "error");
    std::fs::write(
        dir.path().join(".cct-lint.yaml"),
        "helm:\n  require_dependencies: true\n",
    )
    .unwrap();
    let r = check(&[&dir.path().display().to_string()], cache.path());
    assert_eq!(r.code, 1);
    // Vendored under charts/, it is found: no warning, and the coverage says where from.
    copy_tree(
        Path::new(&format!("{ROOT}/library/common")),
        &clean.join("charts/common"),
    );
    let chart_yaml = clean.join("charts/common/Chart.yaml");
    let text = std::fs::read_to_string(&chart_yaml).unwrap();
    std::fs::write(&chart_yaml, text.replace("1.4.2", "0.9.0")).unwrap();
    let r = check(&[&path, "--require-dependencies"], cache.path());
    assert_eq!(r.code, 0, "{:#}", r.json["findings"]);
    let c = chart(&r, &path);
    assert_eq!(c[0]["status"], "rendered");
    assert_eq!(c[0]["resolved"][0]["source"], "charts");
    assert_eq!(c[0]["resolved"][0]["version"], "0.9.0");
}

#[test]
fn a_render_error_caused_by_a_missing_library_names_it() {
    let cache = no_cache();
    let dir = format!("{ROOT}/apps/needs-library");
    let r = check(&[&dir], cache.path());
    let errors = findings(&r, "LNT003");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    // At Helm's position: the `include` of the library's helper.
    assert_eq!(
        errors[0]["file"],
        format!("{dir}/templates/deployment.yaml")
    );
    assert_eq!(errors[0]["line"], 4);
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("no template \"helpers.fullname\""),
        "{message}"
    );
    // Said first, in the reader's language, not as "a syntax or execution error".
    assert!(
        message.starts_with(
            "Chart `needs-library` does not render without its dependency `helpers`, found nowhere offline"
        ),
        "{message}"
    );
    let c = chart(&r, &dir);
    assert_eq!(c[0]["status"], "not_rendered");
    assert!(c[0]["reason"]
        .as_str()
        .unwrap()
        .contains("helpers.fullname"));
    assert_eq!(findings(&r, "LNT017").len(), 1);
    // Helm's error names the missing library's helper: the failure is the dependency's
    // absence, a warning like LNT017 that does not fail the default gate...
    assert_eq!(errors[0]["severity"], "warning");
    assert_eq!(r.code, 0, "{:#}", r.json["findings"]);
    assert_eq!(r.json["check"]["gate"]["failed"], false);
    // ...and an error when dependencies are required.
    let r = check(&[&dir, "--require-dependencies"], cache.path());
    assert_eq!(findings(&r, "LNT003")[0]["severity"], "error");
    assert_eq!(r.code, 1);
    // A render error with every dependency present does not blame one, and stays an error.
    let r = check(
        &["fixtures/repos/helm-failures/template-error"],
        cache.path(),
    );
    let errors = findings(&r, "LNT003");
    assert!(!errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("found nowhere"));
    assert_eq!(errors[0]["severity"], "error");
    assert_eq!(r.code, 1);
}

#[test]
fn a_chart_that_needs_a_dependency_is_rendered_with_another_version_as_a_last_resort() {
    let cache = no_cache();
    let r = check(&[ROOT, "--fail-on", "never"], cache.path());
    let dir = format!("{ROOT}/apps/needs-defaults");
    let c = chart(&r, &dir);
    assert_eq!(c[0]["status"], "rendered_with_other_versions", "{:#}", c[0]);
    assert_eq!(c[0]["resolved"][0]["version"], "1.4.2");
    assert_eq!(c[0]["resolved"][0]["constraint"], "0.x.x");
    assert_eq!(c[0]["resolved"][0]["satisfies"], false);
    let other = findings(&r, "LNT019");
    assert_eq!(other.len(), 1, "{other:#?}");
    assert_eq!(other[0]["file"], format!("{dir}/Chart.yaml"));
    assert_eq!(other[0]["line"], 5);
    assert!(other[0]["message"]
        .as_str()
        .unwrap()
        .contains("found offline only in version 1.4.2"));
    assert!(findings(&r, "LNT003")
        .iter()
        .all(|f| !f["file"].as_str().unwrap().starts_with(&dir)));
    // Only as a last resort: a chart that renders without the dependency is not given
    // another version of it.
    let old = chart(&r, &format!("{ROOT}/apps/old-major"));
    assert_eq!(old[0]["status"], "rendered_without_dependencies");
    // With no other version at hand (the chart scanned alone), it does not render, and the
    // error names the dependency.
    let r = check(&[&dir], cache.path());
    assert_eq!(chart(&r, &dir)[0]["status"], "not_rendered");
    let errors = findings(&r, "LNT003");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("dependency `common` found nowhere"));
    assert!(findings(&r, "LNT019").is_empty());
}

#[test]
fn staged_files_find_dependencies_in_their_repository() {
    let cache = no_cache();
    let repo = tempfile::tempdir().unwrap();
    copy_tree(
        Path::new(&format!("{ROOT}/apps/from-tree")),
        &repo.path().join("apps/from-tree"),
    );
    copy_tree(
        Path::new(&format!("{ROOT}/library/common")),
        &repo.path().join("library/common"),
    );
    let staged = repo.path().join("apps/from-tree/values.yaml");
    let staged = staged.display().to_string();
    let chart_dir = repo.path().join("apps/from-tree").display().to_string();
    // Not a repository: the staged chart is the whole tree, `common` is found nowhere.
    let r = check(&[&staged], cache.path());
    assert_eq!(chart(&r, &chart_dir)[0]["status"], "not_rendered");
    // In a git repository, its other charts are the tree (pre-commit passes staged files).
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let r = check(&[&staged], cache.path());
    let c = chart(&r, &chart_dir);
    assert_eq!(c[0]["status"], "rendered", "{:#}", c[0]);
    assert_eq!(c[0]["resolved"][0]["source"], "tree");
    // Only the staged chart is reported.
    assert!(r.json["summary"]["charts"].as_array().unwrap().len() == 1);
}

/// A chart depending on one chart twice, under two aliases, gets one LNT017 per alias, each
/// naming it (they read as one finding twice otherwise); a dependency without an alias keeps
/// the plain wording.
#[test]
fn each_alias_of_a_missing_dependency_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
    let dependency = |name: &str, alias: Option<&str>, version: &str| {
        let alias = alias.map_or(String::new(), |a| format!("  alias: {a}\n"));
        format!("- name: {name}\n{alias}  version: {version}\n  repository: https://charts.example.org\n")
    };
    let chart = format!(
        "apiVersion: v2\nname: obs\nversion: 0.1.0\ndependencies:\n{}{}{}",
        dependency("alloy", Some("metrics"), "0.11.0"),
        dependency("alloy", Some("logs"), "0.11.0"),
        dependency("extra", None, "1.0.0"),
    );
    std::fs::write(dir.path().join("Chart.yaml"), chart).expect("write");
    std::fs::write(
        dir.path().join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    )
    .expect("write");
    let messages: Vec<String> = crate::findings(&[&dir.path().to_string_lossy()])
        .iter()
        .filter(|f| f.rule_id == "LNT017")
        .map(crate::message)
        .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    for start in [
        "Dependency `alloy` as `metrics` (0.11.0) of chart `obs`",
        "Dependency `alloy` as `logs` (0.11.0) of chart `obs`",
        "Dependency `extra` (1.0.0) of chart `obs`",
    ] {
        assert!(
            messages.iter().any(|m| m.starts_with(start)),
            "{start}: {messages:#?}"
        );
    }
}
