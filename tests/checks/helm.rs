//! End-to-end tests of Helm charts in `check`: findings located on template lines with the
//! values line as related location, value sets from the config and from `--values`, charts
//! that fail to render reported as LNT003 at Helm's position while the rest is still checked.
//! The findings come from `check::run` in-process; the binary is run for exit codes, usage
//! errors and the reports' wording.
//! Must not: write inside fixtures/ (temporary copies only).

use std::collections::BTreeSet;

use cct_lint::finding::Finding;

use crate::{assert_snapshot, findings, message, run};

fn summary(f: &Finding) -> (String, String, u32) {
    (f.rule_id.clone(), f.file.clone(), f.span.start.line)
}

#[test]
fn chart_findings_point_at_the_template_and_at_the_values_line() {
    let findings = findings(&["fixtures/repos/registre-associations"]);
    let chart = "fixtures/repos/registre-associations/chart";
    let password: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule_id == "K8S016" && f.file.starts_with(chart))
        .collect();
    // Identical under both value sets (dev and prod): one finding on the template line that
    // prints the value, listing both sets.
    assert_eq!(password.len(), 1, "{password:#?}");
    let sets: BTreeSet<&str> = password[0].value_sets.iter().map(String::as_str).collect();
    assert_eq!(sets, BTreeSet::from(["dev", "prod"]));
    assert_eq!(password[0].value_set.as_deref(), Some("dev"));
    for f in &password {
        assert_eq!(
            summary(f),
            (
                "K8S016".into(),
                format!("{chart}/templates/deployment.yaml"),
                49
            )
        );
        let related = &f.related[0];
        assert_eq!(related.file, format!("{chart}/values.yaml"));
        assert_eq!(
            (related.span.start.line, related.span.start.column),
            (33, 3)
        );
        assert_eq!(related.values_path, "database.password");
        assert_eq!(related.source_line.as_deref(), Some("  password: registre"));
    }
    // The prod value set overrides the tag: the related location is in values-prod.yaml.
    let latest: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule_id == "K8S001" && f.value_set.as_deref() == Some("prod"))
        .collect();
    assert_eq!(latest.len(), 1, "{latest:#?}");
    let places: Vec<(String, u32)> = latest[0]
        .related
        .iter()
        .map(|r| (r.file.clone(), r.span.start.line))
        .collect();
    assert_eq!(
        places,
        vec![
            (format!("{chart}/values.yaml"), 3),
            (format!("{chart}/values-prod.yaml"), 4)
        ]
    );
    // The dev set keeps the pinned default tag.
    assert!(!findings
        .iter()
        .any(|f| f.rule_id == "K8S001" && f.value_set.as_deref() == Some("dev")));
    // Chart-source rules run once per chart, not per value set.
    let helm: Vec<(String, String, u32)> = findings
        .iter()
        .filter(|f| f.rule_id.starts_with("HELM"))
        .map(summary)
        .collect();
    assert_eq!(
        helm,
        vec![
            (
                "HELM001".into(),
                format!("{chart}/templates/deployment.yaml"),
                33
            ),
            ("HELM002".into(), format!("{chart}/values.yaml"), 33),
        ]
    );
}

#[test]
fn sarif_and_human_reports_show_the_values_line() {
    let r = run(&[
        "check",
        "fixtures/repos/registre-associations",
        "--format",
        "sarif",
        "--fail-on",
        "never",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sarif: serde_json::Value = serde_json::from_str(&r.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let with_related = results
        .iter()
        .find(|res| {
            res["ruleId"] == "K8S016"
                && res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("chart/templates/deployment.yaml"))
        })
        .expect("K8S016 on the chart");
    let related = &with_related["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/repos/registre-associations/chart/values.yaml"
    );
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 33);
    assert!(with_related["properties"]["valueSet"].is_string());

    let human = run(&[
        "check",
        "fixtures/repos/registre-associations/chart",
        "--lang",
        "en",
        "--color",
        "never",
        "--fail-on",
        "never",
    ]);
    // `value `.Values.database.password` set here` under the values line `  password: registre`.
    assert_snapshot("registre-chart.human.en.txt", &human.stdout);
}

#[test]
fn charts_that_do_not_render_are_errors_at_helms_position() {
    let findings = findings(&["fixtures/repos/helm-failures"]);
    let root = "fixtures/repos/helm-failures";
    let failures: Vec<(String, String, u32)> = findings
        .iter()
        .filter(|f| f.rule_id == "LNT003")
        .map(summary)
        .collect();
    assert_eq!(
        failures,
        vec![
            // Rendered without the missing dependency, the template fails on its values.
            (
                "LNT003".into(),
                format!("{root}/missing-dependency/templates/configmap.yaml"),
                6
            ),
            (
                "LNT003".into(),
                format!("{root}/required-value/templates/ingress.yaml"),
                9
            ),
            (
                "LNT003".into(),
                format!("{root}/schema-violation/values.yaml"),
                1
            ),
            (
                "LNT003".into(),
                format!("{root}/template-error/templates/service.yaml"),
                7
            ),
        ]
    );
    let messages: Vec<String> = findings
        .iter()
        .filter(|f| f.rule_id == "LNT003")
        .map(message)
        .collect();
    assert!(
        messages[0].contains("dependency `postgresql` found nowhere offline"),
        "{}",
        messages[0]
    );
    let missing: Vec<(String, String, u32)> = findings
        .iter()
        .filter(|f| f.rule_id == "LNT017")
        .map(summary)
        .collect();
    assert_eq!(
        missing,
        vec![(
            "LNT017".into(),
            format!("{root}/missing-dependency/Chart.yaml"),
            5
        )]
    );
    assert!(messages[1].contains("ingress.host is required"));
    assert!(messages[2].contains("at '/replicaCount': \"two\" is not of type \"integer\""));
    assert!(messages[3].contains("nil pointer evaluating interface {}.port"));
    // The chart that renders is still checked.
    assert!(findings.iter().any(|f| summary(f)
        == (
            "K8S001".into(),
            format!("{root}/renders/templates/pod.yaml"),
            8
        )));
    // And the gate fails on the render errors.
    let r = run(&["check", root, "--format", "json"]);
    assert_eq!(r.code, 1);
}

#[test]
fn values_given_on_the_command_line_form_one_value_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let values = dir.path().join("ci.yaml");
    std::fs::write(&values, "ingress:\n  host: registre.example\n").expect("write");
    let chart = "fixtures/repos/helm-failures/required-value";
    let arg = format!("{chart}={}", values.display());
    let request = cct_lint::check::Request {
        values: vec![arg],
        ..crate::request(&[chart])
    };
    let findings = crate::check_request(&request).findings;
    assert!(
        !findings.iter().any(|f| f.rule_id == "LNT003"),
        "{findings:#?}"
    );
    let set = findings
        .iter()
        .find_map(|f| f.value_set.as_deref())
        .expect("findings name their value set");
    assert!(set.ends_with("ci.yaml"), "{set}");
    // `--set` works the same way, and a bad argument is a usage error.
    let request = cct_lint::check::Request {
        set: vec![format!("{chart}=ingress.host=x.example")],
        ..crate::request(&[chart])
    };
    let findings = crate::check_request(&request).findings;
    assert!(!findings.iter().any(|f| f.rule_id == "LNT003"));
    let request = cct_lint::check::Request {
        values: vec!["no-equals-sign".into()],
        ..crate::request(&[chart])
    };
    let error = cct_lint::check::run(&request, cct_lint::catalog::Catalog::embedded().unwrap())
        .err()
        .expect("a usage error");
    assert!(error.0.contains("CHART_DIR=FILE"), "{error}");
    let r = run(&["check", chart, "--values", "no-equals-sign"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("CHART_DIR=FILE"), "{}", r.stderr);
}

#[test]
fn helm_config_errors_point_at_their_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join(".cct-lint.yaml");
    std::fs::write(
        &config,
        "helm:\n  charts:\n    missing/chart:\n      value_sets:\n        dev: [values-dev.yaml]\n",
    )
    .expect("write");
    let r = run(&["check", &dir.path().display().to_string()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".cct-lint.yaml:3:5"), "{}", r.stderr);
    std::fs::create_dir_all(dir.path().join("c")).expect("mkdir");
    std::fs::write(
        dir.path().join("c/Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    )
    .expect("write");
    std::fs::write(
        &config,
        "helm:\n  charts:\n    c:\n      value_sets:\n        dev:\n          file: [x.yaml]\n",
    )
    .expect("write");
    let r = run(&["check", &dir.path().display().to_string()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(".cct-lint.yaml:6:11"), "{}", r.stderr);
    assert!(r.stderr.contains("unknown key `file`"), "{}", r.stderr);
}

#[test]
fn inline_derogations_in_templates_suppress_chart_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("chart");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    )
    .expect("write");
    std::fs::write(chart.join("values.yaml"), "tag: latest\n").expect("write");
    std::fs::write(
        chart.join("templates/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    cct-lint/derogation.K8S009: \"sized by the platform team; reference=DEC-7\"\nspec:\n  containers:\n    - name: app\n      # cct-lint-derogation K8S001: pinned by the release pipeline\n      image: harbor.io/a/app:{{ .Values.tag }}\n",
    )
    .expect("write");
    let findings = findings(&[&dir.path().display().to_string()]);
    for rule in ["K8S001", "K8S009"] {
        let f = findings
            .iter()
            .find(|f| f.rule_id == rule)
            .unwrap_or_else(|| panic!("{rule} in {findings:#?}"));
        assert!(f.suppression.is_some(), "{rule} not suppressed: {f:#?}");
    }
    assert!(!findings.iter().any(|f| f.rule_id == "LNT014"));
}

#[test]
fn related_values_line_is_the_key_that_produced_the_credential() {
    let chart = "fixtures/rules/K8S015/fail-chart-config-file/chart";
    let findings = findings(&[chart]);
    let k8s015: Vec<&Finding> = findings.iter().filter(|f| f.rule_id == "K8S015").collect();
    assert_eq!(k8s015.len(), 1, "{findings:#?}");
    let related: Vec<(String, u32)> = k8s015[0]
        .related
        .iter()
        .map(|r| (r.values_path.clone(), r.span.start.line))
        .collect();
    // Four keys feed the file; only database.password wrote the credential.
    assert_eq!(related, vec![("database.password".to_string(), 4)]);
}

#[test]
fn generated_chart_values_are_not_literal_credentials() {
    let findings = findings(&["fixtures/rules/K8S016"]);
    let lines: Vec<(String, u32)> = findings
        .iter()
        .filter(|f| f.rule_id == "K8S016" && f.file.contains("/chart/"))
        .map(|f| (f.file.clone(), f.span.start.line))
        .collect();
    let file =
        "fixtures/rules/K8S016/fail-chart-values-behind-generator/chart/templates/deployment.yaml";
    assert_eq!(lines, vec![(file.to_string(), 14), (file.to_string(), 17)]);
}
