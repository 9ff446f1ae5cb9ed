//! SARIF 2.1.0: one run, every enabled rule in `tool.driver.rules` (descriptions, help in
//! Markdown, requirement ids as tags, `security-severity` for GitHub code scanning), results
//! with relative URIs under `%SRCROOT%`, 1-based regions and stable `partialFingerprints`.

use serde_json::json;

use super::{requirements_line, ReportInput};
use crate::catalog::{Lang, RuleMeta, Severity};
use crate::finding::SuppressionKind;

/// Where users read about the tool: the crate's `repository` (Cargo.toml), else its `homepage`.
const INFORMATION_URI: Option<&str> = match option_env!("CARGO_PKG_REPOSITORY") {
    Some(r) if !r.is_empty() => Some(r),
    _ => option_env!("CARGO_PKG_HOMEPAGE"),
};

fn level(severity: Severity) -> &'static str {
    severity.as_str()
}

/// GitHub maps ≥ 7.0 to high, ≥ 4.0 to medium, below to low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

fn help_markdown(input: &ReportInput<'_>, rule: &RuleMeta) -> String {
    let lang = input.lang;
    let (why, fix, reqs) = match lang {
        Lang::Fr => ("Pourquoi", "Correction", "Exigences"),
        Lang::En => ("Why", "Fix", "Requirements"),
    };
    format!(
        "**{}** (`{}`)\n\n{why}: {}\n\n{fix}: {}\n\n{reqs}: {}\n",
        rule.title.get(lang),
        rule.name,
        rule.why.get(lang),
        rule.remediation.get(lang),
        requirements_line(input.catalog, rule)
    )
}

fn rule_descriptor(input: &ReportInput<'_>, rule: &RuleMeta) -> serde_json::Value {
    let lang = input.lang;
    let mut tags: Vec<String> = vec!["security".into(), "cct".into()];
    tags.extend(rule.requirements.iter().cloned());
    tags.extend(rule.alpha.iter().cloned());
    for r in &rule.requirements {
        if let Some(req) = input.catalog.requirement(r) {
            let tag = format!("cct-{}", req.level);
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title.get(lang)},
        "fullDescription": {"text": rule.why.get(lang)},
        "help": {
            "text": rule.remediation.get(lang),
            "markdown": help_markdown(input, rule),
        },
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {
            "tags": tags,
            "security-severity": security_severity(rule.severity),
            "precision": "high",
        },
    })
}

pub fn render(input: &ReportInput<'_>) -> String {
    let rules: Vec<&RuleMeta> = input.catalog.rules.values().collect();
    let descriptors: Vec<serde_json::Value> =
        rules.iter().map(|r| rule_descriptor(input, r)).collect();
    let results: Vec<serde_json::Value> = input
        .findings
        .iter()
        .map(|f| {
            let index = rules.iter().position(|r| r.id == f.rule_id);
            let mut region = json!({
                "startLine": f.span.start.line.max(1),
                "startColumn": f.span.start.column.max(1),
                "endLine": f.span.end.line.max(f.span.start.line).max(1),
                "endColumn": f.span.end.column.max(1),
            });
            if f.span.end.line < f.span.start.line
                || (f.span.end.line == f.span.start.line && f.span.end.column <= f.span.start.column)
            {
                region["endLine"] = json!(f.span.start.line.max(1));
                region["endColumn"] = json!(f.span.start.column.max(1) + 1);
            }
            if let Some(line) = &f.source_line {
                region["snippet"] = json!({"text": line});
            }
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": f.file, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            });
            let logical: Vec<serde_json::Value> = f
                .object
                .iter()
                .map(|o| json!({"fullyQualifiedName": o.display(), "name": o.name, "kind": "object"}))
                .chain(f.stage.iter().map(|s| json!({"name": s, "kind": "stage"})))
                .collect();
            if !logical.is_empty() {
                location["logicalLocations"] = json!(logical);
            }
            let mut result = json!({
                "ruleId": f.rule_id,
                "level": level(f.severity),
                "message": {"text": f.message(input.catalog, input.lang)},
                "locations": [location],
                "partialFingerprints": {"cctLintFingerprint/v1": f.fingerprint},
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            if !f.related.is_empty() {
                let related: Vec<serde_json::Value> = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(id, r)| {
                        json!({
                            "id": id,
                            "physicalLocation": {
                                "artifactLocation": {"uri": r.file, "uriBaseId": "%SRCROOT%"},
                                "region": {
                                    "startLine": r.span.start.line.max(1),
                                    "startColumn": r.span.start.column.max(1),
                                },
                            },
                            "message": {"text": related_message(input.lang, r)},
                        })
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
            }
            if let Some(set) = &f.value_set {
                result["properties"] = json!({"valueSet": set, "valueSets": f.value_sets});
            }
            if f.in_baseline {
                result["baselineState"] = json!("unchanged");
            }
            if let Some(s) = &f.suppression {
                let mut justification = s.justification.clone();
                if let Some(r) = &s.reference {
                    justification.push_str(&format!(" [{r}]"));
                }
                if let Some(e) = &s.expires {
                    justification.push_str(&format!(" (expires {e})"));
                }
                result["suppressions"] = json!([{
                    "kind": match s.kind {
                        SuppressionKind::Config => "external",
                        SuppressionKind::Inline => "inSource",
                    },
                    "status": "accepted",
                    "justification": justification,
                    "location": {"physicalLocation": {
                        "artifactLocation": {"uri": s.source.rsplit_once(':').map_or(s.source.as_str(), |(f, _)| f), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": s.source.rsplit_once(':').and_then(|(_, l)| l.parse::<u32>().ok()).unwrap_or(1).max(1)},
                    }},
                }]);
            }
            result
        })
        .collect();
    let mut sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cct-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "language": match input.lang { Lang::Fr => "fr-FR", Lang::En => "en-US" },
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"cctLint": super::check_facts(input), "charts": input.charts},
        }],
    });
    let run = &mut sarif["runs"][0];
    if let Some(uri) = INFORMATION_URI.filter(|u| !u.is_empty()) {
        run["tool"]["driver"]["informationUri"] = json!(uri);
    }
    let repository = input.repository;
    if let Some(uri) = &repository.remote {
        let mut entry = json!({"repositoryUri": uri});
        if let Some(head) = &repository.head {
            entry["revisionId"] = json!(head.commit);
            if let Some(b) = &head.branch {
                entry["branch"] = json!(b);
            }
        }
        if repository.root_is_working_dir {
            entry["mappedTo"] = json!({"uriBaseId": "%SRCROOT%"});
        }
        run["versionControlProvenance"] = json!([entry]);
    }
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_default();
    text.push('\n');
    text
}

/// The words of a related location (a values line, the Argo CD Application giving the value
/// set, or, without a values path, the root kustomization whose build produced the object),
/// shared with the human report.
pub fn related_message(lang: Lang, related: &crate::finding::RelatedLocation) -> String {
    let values_path = &related.values_path;
    if let Some(app) = &related.application {
        return match lang {
            Lang::Fr => format!("jeu de valeurs de l'Application Argo CD `{app}`"),
            Lang::En => format!("value set of the Argo CD Application `{app}`"),
        };
    }
    if values_path.is_empty() {
        return match lang {
            Lang::Fr => "kustomization racine construite ici".to_string(),
            Lang::En => "root kustomization built here".to_string(),
        };
    }
    match lang {
        Lang::Fr => format!("valeur `.Values.{values_path}` définie ici"),
        Lang::En => format!("value `.Values.{values_path}` set here"),
    }
}
