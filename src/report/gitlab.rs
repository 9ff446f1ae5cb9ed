//! GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of issues in the
//! subset of the Code Climate spec that GitLab reads — `description`, `check_name`,
//! `fingerprint`, `severity`, `location.path`, `location.lines.begin` — plus the optional
//! `type`, `categories`, `content.body` and `engine_name`. It only renders the sorted findings
//! it is given: it must not filter, reorder or re-locate them, nor depend on time or threads.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{requirements_line, ReportInput};
use crate::catalog::{Catalog, Family, Lang, RuleMeta, Severity};
use crate::finding::Finding;

/// GitLab's severity for a finding: the tool's own errors (`LNT`: the file could not be
/// checked at all, so any breach may hide behind it) are `blocker`; other errors are
/// `critical` when the rule breaks a Primordiale béta requirement, else `major`; warnings are
/// `minor`, notes `info`.
fn severity(catalog: &Catalog, rule: Option<&RuleMeta>, f: &Finding) -> &'static str {
    match f.severity {
        Severity::Note => "info",
        Severity::Warning => "minor",
        Severity::Error => match rule {
            Some(r) if r.input.family == Family::Lint => "blocker",
            Some(r)
                if r.requirements
                    .iter()
                    .any(|id| catalog.requirement(id).is_some_and(|req| req.level == "P")) =>
            {
                "critical"
            }
            _ => "major",
        },
    }
}

/// Code Climate category of each built-in rule, after what the rule is about (documented in
/// README, "GitLab CI"). A rule's METADATA `category` wins; the tool's own diagnostics are a
/// risk of not being checked (`Bug Risk`); a custom rule without one is `Security`.
const CATEGORIES: &[(&str, &[&str])] = &[
    // Privileges, secrets, exposure, attack surface.
    (
        "Security",
        &[
            "APP003", "DF001", "DF002", "DF003", "DF007", "DF008", "DF009", "HELM002", "K8S003",
            "K8S004", "K8S005", "K8S006", "K8S011", "K8S014", "K8S015", "K8S016", "K8S018",
            "K8S019",
        ],
    ),
    // What breaks or makes the application unavailable: unpinned images, probes, single
    // replicas, state, backups.
    (
        "Bug Risk",
        &[
            "APP001", "APP002", "APP005", "APP006", "DF004", "DF005", "HELM003", "K8S001",
            "K8S002", "K8S007", "K8S008", "K8S012", "K8S013", "K8S017", "K8S023", "K8S024",
            "K8S025",
        ],
    ),
    // Resource requests and limits.
    ("Performance", &["K8S009"]),
    // What the platform refuses although the application would run elsewhere.
    ("Compatibility", &["DF006", "K8S020", "K8S021", "K8S022"]),
    // Conventions: labels, values-driven images, metrics declaration.
    ("Style", &["APP004", "HELM001", "K8S010"]),
];

fn categories(rule: Option<&RuleMeta>, rule_id: &str) -> String {
    if let Some(category) = rule.and_then(|r| r.category.as_deref()) {
        return category.to_string();
    }
    if rule.is_some_and(|r| r.input.family == Family::Lint) {
        return "Bug Risk".to_string();
    }
    CATEGORIES
        .iter()
        .find(|(_, ids)| ids.contains(&rule_id))
        .map_or("Security", |(category, _)| category)
        .to_string()
}

/// The rule's explanation in Markdown, shown by GitLab where it renders `content.body`.
fn body(input: &ReportInput<'_>, rule: &RuleMeta, f: &Finding) -> String {
    let lang = input.lang;
    let (why, fix, reqs, object, stage) = match lang {
        Lang::Fr => ("Pourquoi", "Correction", "Exigences", "Objet", "Étape"),
        Lang::En => ("Why", "Fix", "Requirements", "Object", "Stage"),
    };
    let mut text = format!("**{}** (`{}`)\n\n", rule.title.get(lang), rule.name);
    if let Some(o) = &f.object {
        text.push_str(&format!("{object}: `{}`\n\n", o.display()));
    }
    if let Some(s) = &f.stage {
        text.push_str(&format!("{stage}: `{s}`\n\n"));
    }
    if !rule.why.get(lang).is_empty() {
        text.push_str(&format!("{why}: {}\n\n", rule.why.get(lang)));
    }
    text.push_str(&format!("{fix}: {}\n", rule.remediation.get(lang)));
    let line = requirements_line(input.catalog, rule);
    if !line.is_empty() {
        text.push_str(&format!("\n{reqs}: {line}\n"));
    }
    text
}

/// Last line the finding covers: spans end just after their last character, so a span that
/// ends at column 1 of a later line stops on the line before.
fn end_line(f: &Finding) -> u32 {
    let start = f.span.start.line.max(1);
    let end = if f.span.end.column <= 1 && f.span.end.line > start {
        f.span.end.line - 1
    } else {
        f.span.end.line
    };
    end.max(start)
}

/// One Code Quality issue, fields in the order the report has always written them.
#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'a str,
    description: String,
    categories: [String; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location<'a>,
    engine_name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Content>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

#[derive(Serialize)]
struct Content {
    body: String,
}

/// Writes the report, one issue at a time (the whole report of a
/// findings-dense scan weighed several hundred megabytes as a JSON value).
pub fn write(input: &ReportInput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // GitLab keys issues by fingerprint and keeps one per value, so two findings that share
    // their fingerprint (same rule, file, object and node) get an occurrence suffix, counted
    // in the findings' sorted order so it is the same on every run.
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    // Code Quality has no notion of suppression: derogated findings are left out.
    let issues: Vec<(&Finding, usize)> = input
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .map(|f| {
            let occurrence = seen
                .entry((f.rule_id.as_str(), f.fingerprint.as_str()))
                .and_modify(|n| *n += 1)
                .or_insert(1);
            (f, *occurrence)
        })
        .collect();
    super::pretty::write_array_parallel(
        out,
        &issues,
        |(f, occurrence)| issue(input, f, *occurrence),
        0,
    )?;
    out.write_all(b"\n")
}

fn issue<'a>(input: &ReportInput<'_>, f: &'a Finding, occurrence: usize) -> Issue<'a> {
    let rule = input.catalog.rule(&f.rule_id);
    let fingerprint = if occurrence == 1 {
        format!("{}:{}", f.rule_id, f.fingerprint)
    } else {
        format!("{}:{}:{occurrence}", f.rule_id, f.fingerprint)
    };
    Issue {
        kind: "issue",
        check_name: &f.rule_id,
        description: format!("{}: {}", f.rule_id, f.message(input.catalog, input.lang)),
        categories: [categories(rule, &f.rule_id)],
        severity: severity(input.catalog, rule, f),
        fingerprint,
        location: Location {
            path: &f.file,
            lines: Lines {
                begin: f.span.start.line.max(1),
                end: end_line(f),
            },
        },
        engine_name: "cct-lint",
        content: rule.map(|rule| Content {
            body: body(input, rule, f),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Position, Span};

    fn finding(rule_id: &str, line: u32, fingerprint: &str) -> Finding {
        Finding {
            rule_id: rule_id.into(),
            severity: Severity::Error,
            file: "Dockerfile".into(),
            span: Span::new(Position::new(line, 1), Position::new(line + 1, 1)),
            object: None,
            stage: None,
            path: Default::default(),
            params: Default::default(),
            source_line: None,
            fingerprint: fingerprint.into(),
            suppression: None,
            in_baseline: false,
            value_set: None,
            value_sets: Vec::new(),
            related: Vec::new(),
            legacy_path: None,
        }
    }

    #[test]
    fn shared_fingerprints_get_an_occurrence_and_severities_follow_the_catalogue() {
        let catalog = Catalog::embedded().expect("catalogue");
        let findings = [
            finding("DF001", 3, "00000000000000aa"),
            finding("DF001", 4, "00000000000000aa"),
            finding("LNT001", 5, "00000000000000aa"),
        ];
        let input = ReportInput {
            catalog: &catalog,
            findings: &findings,
            lang: Lang::En,
            color: false,
            targets: 1,
            documents: 1,
            skipped_test_hooks: 0,
            show_suppressed: false,
            gate: Some(Severity::Error),
            objects: &[],
            roots: &[],
            evidence: &[],
            root_name: ".",
            audit_date: "2026-01-01",
            scope: &Default::default(),
            derogations: &[],
            repository: &Default::default(),
            config_file: None,
            application: None,
            charts: &[],
        };
        let issues: Vec<serde_json::Value> = serde_json::from_str(&crate::report::render(
            crate::report::Format::Gitlab,
            &input,
        ))
        .expect("JSON array");
        let prints: Vec<&str> = issues
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(
            prints,
            [
                "DF001:00000000000000aa",
                "DF001:00000000000000aa:2",
                "LNT001:00000000000000aa"
            ]
        );
        // DF001 breaks EXI-ARCH-18 (P); LNT errors mean the file was not checked.
        assert_eq!(issues[0]["severity"], "critical");
        assert_eq!(issues[2]["severity"], "blocker");
        // A span ending at column 1 of the next line covers one line.
        assert_eq!(
            issues[0]["location"]["lines"],
            serde_json::json!({"begin": 3, "end": 3})
        );
    }

    #[test]
    fn categories_follow_the_nature_of_each_rule() {
        let mut catalog = Catalog::embedded().expect("catalogue");
        let valid = [
            "Security",
            "Bug Risk",
            "Performance",
            "Compatibility",
            "Style",
        ];
        let mut unlisted = Vec::new();
        for rule in catalog.rego_rules() {
            if !CATEGORIES
                .iter()
                .any(|(_, ids)| ids.contains(&rule.id.as_str()))
            {
                unlisted.push(rule.id.clone());
            }
            assert!(valid.contains(&categories(Some(rule), &rule.id).as_str()));
        }
        assert!(
            unlisted.is_empty(),
            "rules without a category: {unlisted:?}"
        );
        let of = |catalog: &Catalog, id: &str| categories(catalog.rule(id), id);
        assert_eq!(of(&catalog, "K8S004"), "Security");
        assert_eq!(of(&catalog, "K8S016"), "Security");
        assert_eq!(of(&catalog, "K8S007"), "Bug Risk");
        assert_eq!(of(&catalog, "K8S023"), "Bug Risk");
        assert_eq!(of(&catalog, "K8S009"), "Performance");
        assert_eq!(of(&catalog, "K8S010"), "Style");
        assert_eq!(of(&catalog, "LNT001"), "Bug Risk");
        assert_eq!(categories(None, "TEAM001"), "Security");
        // METADATA wins over the table.
        if let Some(rule) = catalog.rules.get_mut("K8S010") {
            rule.category = Some("Clarity".to_string());
        }
        assert_eq!(of(&catalog, "K8S010"), "Clarity");
    }
}
