//! End-to-end tests of Argo CD Applications as value sets: valueFiles (one missing and
//! ignored), parameters, releaseName and destination namespace (web-dev); a multi-source
//! `$values/` reference to the same repository, valuesObject (web-prod); a remote chart noted
//! once (cache); configured value sets winning over discovered ones; and findings identical in
//! both sets reported once, listing them. Runs `check::run` in-process.
//! Must not: write inside fixtures/.

use std::path::Path;

use cct_lint::check::Outcome;
use cct_lint::coverage::ChartStatus;
use cct_lint::finding::Finding;

use crate::{check_request, copy_tree, findings as check, message, request};

const ROOT: &str = "fixtures/repos/argo-apps";

fn report(paths: &[&str]) -> Outcome {
    check_request(&request(paths))
}

fn of<'a>(findings: &'a [Finding], rule: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.rule_id == rule).collect()
}

#[test]
fn applications_are_value_sets_of_the_chart_they_deploy() {
    let r = report(&[ROOT]);
    let findings = &r.findings;
    let chart = format!("{ROOT}/helm/app");
    let sets: Vec<(&str, ChartStatus)> = r
        .charts
        .iter()
        .filter(|c| c.chart_dir == chart)
        .map(|c| (c.value_set.as_deref().unwrap(), c.status))
        .collect();
    // The missing values-dev-secrets.yaml is ignored (ignoreMissingValueFiles).
    assert_eq!(
        sets,
        vec![
            ("web-dev", ChartStatus::Rendered),
            ("web-prod", ChartStatus::Rendered)
        ]
    );

    // web-dev: the parameter changes the image, releaseName and the destination namespace
    // name the object; the Application is a related location.
    let latest = of(findings, "K8S001");
    assert_eq!(latest.len(), 1, "{latest:#?}");
    let dev = latest[0];
    assert_eq!(dev.value_sets, ["web-dev"]);
    assert!(message(dev).contains("registry.example/team/web-dev"));
    let object = dev.object.as_ref().expect("object");
    assert_eq!(object.name, "web-web");
    assert_eq!(object.namespace.as_deref(), Some("web-dev"));
    let app = dev
        .related
        .iter()
        .find(|rel| rel.application.as_deref() == Some("web-dev"))
        .expect("the Application as related location");
    assert_eq!(app.file, format!("{ROOT}/argocd/web-dev.yaml"));
    assert_eq!(app.span.start.line, 11);
    // web-prod: valuesObject pins the tag, the `$values/` file gives resources.
    assert!(!of(findings, "K8S009")
        .iter()
        .any(|f| f.value_sets.iter().any(|s| s == "web-prod")));
    assert_eq!(of(findings, "K8S009").len(), 1);

    // A finding identical under both Applications is reported once, listing both; object
    // names differ (release names) but the place and message are the same.
    let both: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.value_sets == ["web-dev", "web-prod"])
        .collect();
    assert!(!both.is_empty(), "{findings:#?}");
    for f in &both {
        assert_eq!(f.value_set.as_deref(), Some("web-dev"));
        let places: Vec<&Finding> = findings
            .iter()
            .filter(|g| g.rule_id == f.rule_id && g.span.start.line == f.span.start.line)
            .collect();
        assert_eq!(places.len(), 1, "{places:?}");
    }

    // The chart from a Helm repository: one note.
    let notes = of(findings, "LNT018");
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert_eq!(notes[0].file, format!("{ROOT}/argocd/cache.yaml"));
    assert!(message(notes[0]).contains("chart `redis` 19.6.4"));
}

#[test]
fn a_missing_value_file_fails_unless_ignored_and_another_repository_is_noted() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(ROOT), dir.path());
    let root = dir.path().display().to_string();
    let dev = dir.path().join("argocd/web-dev.yaml");
    let text = std::fs::read_to_string(&dev).unwrap();
    std::fs::write(
        &dev,
        text.replace(
            "ignoreMissingValueFiles: true",
            "ignoreMissingValueFiles: false",
        ),
    )
    .unwrap();
    // The `ref` source is another repository, and the file is not here.
    let prod = dir.path().join("argocd/web-prod.yaml");
    let text = std::fs::read_to_string(&prod).unwrap();
    std::fs::write(
        &prod,
        text.replacen(
            "    - repoURL: https://gitlab.example/team/infra.git\n      targetRevision: main\n      ref",
            "    - repoURL: https://gitlab.example/team/config.git\n      targetRevision: main\n      ref",
            1,
        ),
    )
    .unwrap();
    std::fs::remove_dir_all(dir.path().join("config")).unwrap();
    let findings = check(&[&root]);
    let failed = of(&findings, "LNT003");
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert_eq!(failed[0].value_set.as_deref(), Some("web-dev"));
    assert!(message(failed[0]).contains("values-dev-secrets.yaml"));
    let notes: Vec<String> = of(&findings, "LNT018").into_iter().map(message).collect();
    assert!(
        notes.iter().any(|m| m.contains("another repository")),
        "{notes:?}"
    );
    // Rendered without that file, prod has no resources.
    assert!(of(&findings, "K8S009")
        .iter()
        .any(|f| f.value_sets.iter().any(|s| s == "web-prod")));
}

#[test]
fn configured_value_sets_win_over_applications() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(ROOT), dir.path());
    std::fs::write(
        dir.path().join(".cct-lint.yaml"),
        "helm:\n  charts:\n    helm/app:\n      value_sets:\n        ci: [helm/app/values-dev.yaml]\n",
    )
    .unwrap();
    let r = report(&[&dir.path().display().to_string()]);
    let sets: Vec<&str> = r
        .charts
        .iter()
        .filter_map(|c| c.value_set.as_deref())
        .collect();
    assert_eq!(sets, vec!["ci"]);
    assert!(!r
        .findings
        .iter()
        .any(|f| f.related.iter().any(|x| x.application.is_some())));
}
