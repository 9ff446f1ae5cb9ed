//! Differential test against real Helm: every chart under fixtures/charts, plus the probe chart
//! written from tests/data/helm/probe_spec.json into a temporary directory, is rendered by
//! `cct-lint render --json` and by Helm v4.2.3 (the helm-python-sdk oracle) through
//! bench/helm_diff.py, which must find 100 % of the templates data-equal and no chart failing
//! on either side. Also checks that the packaged fixture subchart is its committed source.
//! The oracle's Python: `CCT_LINT_HELM_PYTHON` (set by .ci/run, which installs
//! helm-python-sdk==0.2.2 and PyYAML into target/helm-venv), else target/helm-venv/bin/python;
//! without either the differential test is skipped, saying so.
//! Must not: write inside fixtures/, or reach the network.

use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The oracle venv's `python`: `CCT_LINT_HELM_PYTHON`, else the venv .ci/run creates.
fn helm_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CCT_LINT_HELM_PYTHON") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "CCT_LINT_HELM_PYTHON={} is not a file",
            p.display()
        );
        return Some(p);
    }
    let p = manifest().join("target/helm-venv/bin/python");
    p.is_file().then_some(p)
}

/// The probe chart, as the oracle's generator lays it out, from the spec kept in tests/data.
fn write_probe_chart(root: &Path) -> PathBuf {
    let spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(manifest().join("tests/data/helm/probe_spec.json"))
            .expect("probe_spec.json"),
    )
    .expect("probe spec JSON");
    let chart = root.join("probe");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::create_dir_all(chart.join("files")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: probe\nversion: 0.1.0\nappVersion: \"1.0.0\"\n",
    )
    .unwrap();
    let text = |k: &str| spec[k].as_str().unwrap_or_else(|| panic!("spec.{k}"));
    std::fs::write(chart.join("values.yaml"), text("values")).unwrap();
    std::fs::write(chart.join("templates/_helpers.tpl"), text("helpers")).unwrap();
    for (path, content) in spec["files"].as_object().expect("spec.files") {
        std::fs::write(chart.join(path), content.as_str().unwrap()).unwrap();
    }
    for (name, src) in spec["probes"].as_object().expect("spec.probes") {
        std::fs::write(
            chart.join(format!("templates/{name}.yaml")),
            src.as_str().unwrap(),
        )
        .unwrap();
    }
    chart
}

/// What it proves: our renderer's output equals real Helm's, as data, for every template of
/// every fixture chart (bitnami-style library use, subcharts with globals/conditions/tags/
/// aliases/import-values, a packaged subchart, `.Files`, `tpl`) and of the probe chart.
#[test]
fn fixture_charts_render_like_helm() {
    let Some(python) = helm_python() else {
        // A skip is invisible in the test summary: in CI, where .ci/run installs the oracle,
        // its absence is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but the Helm oracle is missing (target/helm-venv or CCT_LINT_HELM_PYTHON)"
        );
        println!(
            "SKIPPED: no Helm oracle venv (target/helm-venv, or CCT_LINT_HELM_PYTHON); .ci/run \
             creates it: python3 -m venv target/helm-venv && target/helm-venv/bin/pip install \
             helm-python-sdk==0.2.2 pyyaml==6.0.3"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let probe = write_probe_chart(tmp.path());
    let out = Command::new(&python)
        .arg(manifest().join("bench/helm_diff.py"))
        .args(["--bin", env!("CARGO_BIN_EXE_cct-lint")])
        .args(["--min-share", "100", "--no-crash", "--all-render"])
        .arg(manifest().join("fixtures/charts"))
        .arg(&probe)
        .output()
        .expect("run bench/helm_diff.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "differential test failed:\n{stdout}\n{stderr}"
    );
    // Every fixture chart and the probe chart were compared.
    let charts = std::fs::read_dir(manifest().join("fixtures/charts"))
        .unwrap()
        .count()
        + 1;
    assert!(
        stdout.contains(&format!("charts: {charts} ({charts} rendered by Helm")),
        "{stdout}"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn render_json(chart: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cct-lint"))
        .args(["render", "--json"])
        .arg(chart)
        .output()
        .expect("run cct-lint render");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What it proves: fixtures/charts/platform/charts/cache-3.1.4.tgz holds exactly
/// fixtures/chart-sources/cache (rendering with the archive or with the unpacked source
/// gives the same output), so the committed binary is reviewable through its source; and a
/// packaged chart given directly renders like its directory.
#[test]
fn packaged_fixture_subchart_is_its_source() {
    let fixtures = manifest().join("fixtures");
    let platform = fixtures.join("charts/platform");
    let with_archive = render_json(&platform);
    let tmp = tempfile::tempdir().unwrap();
    let unpacked = tmp.path().join("platform");
    copy_tree(&platform, &unpacked);
    std::fs::remove_file(unpacked.join("charts/cache-3.1.4.tgz")).unwrap();
    copy_tree(
        &fixtures.join("chart-sources/cache"),
        &unpacked.join("charts/cache"),
    );
    assert_eq!(with_archive, render_json(&unpacked));
    assert!(with_archive.contains("platform/charts/cache/templates/statefulset.yaml"));

    let direct = render_json(&platform.join("charts/cache-3.1.4.tgz"));
    let dir = render_json(&fixtures.join("chart-sources/cache"));
    assert_eq!(direct, dir);
}
