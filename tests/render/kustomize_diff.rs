//! Differential test against real Kustomize: every kustomization under fixtures/ (components
//! excepted: they only build through a kustomization) is built in-process by
//! `cct_lint::kustomize::build` and by `kubectl kustomize` (Kustomize v5.5), and the two outputs
//! must hold the same objects as data (order-insensitive), or both must refuse the build. A
//! kustomization naming a remote resource cannot be built by an offline kubectl: it is checked
//! to give its "not checked here" note instead. `helmCharts` are inflated on kubectl's side by
//! real Helm's library through tests/data/helm_shim.py (`--enable-helm --helm-command`), with
//! the Helm oracle venv. Without kubectl on PATH (or the venv, for kustomizations with charts)
//! the test says it is skipped, and fails when `CI` is set. Must not: write inside fixtures/, or reach the network.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use cct_lint::kustomize::build;
use cct_lint::parse::yaml;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Every directory under `root` whose kustomization file is a Kustomization (not a Component).
fn kustomizations(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    if let Some(file) = build::kustomization_in(root) {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        if !text.contains("kind: Component") {
            out.push(root.to_path_buf());
        }
    }
    for d in dirs {
        kustomizations(&d, out);
    }
}

/// Canonical text of a JSON value (keys sorted) so objects compare as a set.
fn canonical(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) => {
            let sorted: BTreeMap<&String, String> =
                m.iter().map(|(k, v)| (k, canonical(v))).collect();
            let parts: Vec<String> = sorted
                .iter()
                .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap()))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        serde_json::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(canonical).collect::<Vec<_>>().join(",")
            )
        }
        other => other.to_string(),
    }
}

/// The oracle venv's `python` (as for the Helm differential test): `CCT_LINT_HELM_PYTHON`,
/// else the venv .ci/run creates.
fn helm_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CCT_LINT_HELM_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let p = manifest().join("target/helm-venv/bin/python");
    p.is_file().then_some(p)
}

/// An executable `helm` for `kubectl kustomize --helm-command`: tests/data/helm_shim.py run by
/// the oracle venv (real Helm's library, offline).
#[cfg(unix)]
fn helm_command(python: &Path, dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("helm");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nexec '{}' '{}' \"$@\"\n",
            python.display(),
            manifest().join("tests/data/helm_shim.py").display()
        ),
    )
    .expect("write the helm shim");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

#[cfg(not(unix))]
fn helm_command(_python: &Path, _dir: &Path) -> PathBuf {
    PathBuf::from("helm")
}

fn kubectl_build(dir: &Path, helm: Option<&Path>) -> Result<Vec<String>, String> {
    let mut command = Command::new("kubectl");
    command.arg("kustomize");
    if let Some(helm) = helm {
        command.arg("--enable-helm").arg("--helm-command").arg(helm);
    }
    let out = command.arg(dir).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).to_string());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let stream = yaml::load(&text, yaml::Limits::default());
    assert!(
        stream.errors.is_empty(),
        "kubectl output: {:?}",
        stream.errors
    );
    let mut objects: Vec<String> = stream
        .documents
        .iter()
        .map(|d| canonical(&d.root.to_json()))
        .collect();
    objects.sort();
    Ok(objects)
}

/// True (the test says it is skipped) when kubectl is not on PATH; fails when `CI` is set.
fn skipped_without_kubectl() -> bool {
    if kubectl_available() {
        return false;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but kubectl is not on PATH: the Kustomize differential test cannot run"
    );
    println!("SKIPPED: kubectl not on PATH (kubectl v1.32 gives `kubectl kustomize`)");
    true
}

/// What it proves: for every fixture kustomization (overlays with components, strategic-merge
/// and JSON patches inline and by path, images, prefixes and suffixes with reference fix-ups,
/// namespaces, labels, generators with hashes and behaviors, a broken overlay), our build is
/// data-equal to Kustomize's or both refuse it.
#[test]
fn fixture_kustomizations_build_like_kubectl() {
    if skipped_without_kubectl() {
        return;
    }
    let mut dirs = Vec::new();
    kustomizations(&manifest().join("fixtures"), &mut dirs);
    assert!(dirs.len() >= 5, "fixture kustomizations: {dirs:?}");
    let shim_dir = tempfile::tempdir().expect("tempdir");
    let helm = helm_python().map(|python| helm_command(&python, shim_dir.path()));
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut with_charts = 0;
    for dir in &dirs {
        let (ours, result) = build::build(dir);
        let remote = ours
            .notes
            .iter()
            .any(|n| n.message.starts_with("remote ") || n.message.contains("needs a pull"));
        if remote {
            assert!(result.is_ok(), "{}: {result:?}", dir.display());
            continue;
        }
        let text = build::kustomization_in(dir)
            .and_then(|f| std::fs::read_to_string(f).ok())
            .unwrap_or_default();
        if text.contains("helmCharts:") {
            if helm.is_none() {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI is set but the Helm oracle venv is missing: {} cannot be compared",
                    dir.display()
                );
                println!(
                    "SKIPPED {}: helmCharts need the Helm oracle venv (target/helm-venv)",
                    dir.display()
                );
                continue;
            }
            with_charts += 1;
        }
        let theirs = kubectl_build(dir, helm.as_deref());
        match (&result, &theirs) {
            (Err(_), Err(_)) => compared += 1,
            (Ok(()), Ok(expected)) => {
                compared += 1;
                let mut got: Vec<String> = ours
                    .resources
                    .iter()
                    .map(|r| canonical(&r.node.to_json()))
                    .collect();
                got.sort();
                if &got != expected {
                    let missing: Vec<&String> =
                        expected.iter().filter(|e| !got.contains(e)).collect();
                    let extra: Vec<&String> =
                        got.iter().filter(|g| !expected.contains(g)).collect();
                    failures.push(format!(
                        "{}:\n  kubectl only: {missing:?}\n  ours only: {extra:?}",
                        dir.display()
                    ));
                }
            }
            (Err(e), Ok(_)) => failures.push(format!(
                "{}: we refuse ({e:?}), kubectl builds",
                dir.display()
            )),
            (Ok(()), Err(e)) => failures.push(format!(
                "{}: kubectl refuses ({e}), we build",
                dir.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared >= 4, "compared {compared}");
    if helm.is_some() {
        assert!(
            with_charts >= 1,
            "no fixture kustomization with helmCharts was compared"
        );
    }
}

/// What it proves: an Argo CD Application's `kustomize` block applied in-process builds what
/// `kubectl kustomize` builds from the kustomization as Argo CD edits it (`kustomize edit set
/// nameprefix/namespace/image/replicas`, `add label/annotation`, patches appended), written
/// here by hand beside a copy of the base.
#[test]
fn an_argo_cd_kustomize_block_builds_like_the_edited_kustomization() {
    if skipped_without_kubectl() {
        return;
    }
    let features = manifest().join("fixtures/repos/kustomize-features");
    let overlay = cct_lint::kustomize::argo_overlay::Overlay {
        file: features.join("argo/application.yaml"),
        document: 0,
        source: vec!["spec".into(), "source".into()],
    };
    let (ours, result) = build::build_with(&features.join("base"), Some(&overlay));
    result.expect("the Application's source builds");
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["deployment.yaml", "backup.yaml"] {
        std::fs::copy(features.join("base").join(f), dir.path().join(f)).expect("copy");
    }
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources:\n  - deployment.yaml\n  - backup.yaml\nnamePrefix: prod-\nnamespace: registre-prod\n\
         images:\n  - name: harbor.io/registre/api\n    newTag: latest\nreplicas:\n  - name: registre\n    count: 3\n\
         commonLabels:\n  env: prod\ncommonAnnotations:\n  team: registre\npatches:\n  - target:\n      kind: Deployment\n\
         \x20   patch: |-\n      - op: add\n        path: /spec/template/spec/containers/0/securityContext\n        value:\n          privileged: true\n",
    )
    .expect("write");
    let expected = kubectl_build(dir.path(), None).expect("kubectl builds the edited copy");
    let mut got: Vec<String> = ours
        .resources
        .iter()
        .map(|r| canonical(&r.node.to_json()))
        .collect();
    got.sort();
    assert_eq!(got, expected);
}
