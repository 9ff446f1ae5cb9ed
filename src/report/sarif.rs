//! SARIF 2.1.0: one run, every enabled rule in `tool.driver.rules` (descriptions, help in
//! Markdown, requirement ids as tags, `security-severity` for GitHub code scanning), results
//! with relative URIs under `%SRCROOT%`, 1-based regions and stable `partialFingerprints`,
//! written through typed structs (a suppression's location is the derogation's file and line).

use rayon::prelude::*;
use serde::Serialize;

use super::{requirements_line, ReportInput};
use crate::catalog::{Lang, RuleMeta, Severity};
use crate::finding::{Finding, SuppressionKind};

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

// The SARIF 2.1.0 objects this report writes, as typed structs: field order is output order.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    properties: RunProperties<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    version_control_provenance: Vec<VersionControlDetails>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    language: &'static str,
    rules: Vec<RuleDescriptor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Level,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    precision: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "cctLintFingerprint/v1")]
    v1: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    value_set: String,
    value_sets: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

impl ArtifactLocation {
    fn in_source_root(uri: &str) -> Self {
        Self {
            uri: uri.to_string(),
            uri_base_id: "%SRCROOT%",
        }
    }
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    fully_qualified_name: Option<String>,
    name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
    location: SuppressionLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SuppressionLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    cct_lint: serde_json::Value,
    charts: &'a [crate::coverage::ChartCoverage],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VersionControlDetails {
    repository_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mapped_to: Option<MappedTo>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MappedTo {
    uri_base_id: &'static str,
}

fn rule_descriptor(input: &ReportInput<'_>, rule: &RuleMeta) -> RuleDescriptor {
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
    RuleDescriptor {
        id: rule.id.clone(),
        name: rule.name.clone(),
        short_description: Text {
            text: rule.title.get(lang).to_string(),
        },
        full_description: Text {
            text: rule.why.get(lang).to_string(),
        },
        help: Help {
            text: rule.remediation.get(lang).to_string(),
            markdown: help_markdown(input, rule),
        },
        default_configuration: Level {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags,
            security_severity: security_severity(rule.severity),
            precision: "high",
        },
    }
}

/// A finding's region: 1-based, and never empty (an empty or reversed span covers one column).
fn finding_region(f: &Finding) -> Region {
    let (start, end) = (f.span.start, f.span.end);
    let empty = end.line < start.line || (end.line == start.line && end.column <= start.column);
    let (end_line, end_column) = if empty {
        (start.line.max(1), start.column.max(1) + 1)
    } else {
        (end.line.max(start.line).max(1), end.column.max(1))
    };
    Region {
        start_line: start.line.max(1),
        start_column: Some(start.column.max(1)),
        end_line: Some(end_line),
        end_column: Some(end_column),
        snippet: f
            .source_line
            .as_ref()
            .map(|line| Text { text: line.clone() }),
    }
}

fn result(input: &ReportInput<'_>, rules: &[&RuleMeta], f: &Finding) -> SarifResult {
    let logical_locations = f
        .object
        .iter()
        .map(|o| LogicalLocation {
            fully_qualified_name: Some(o.display()),
            name: o.name.clone(),
            kind: "object",
        })
        .chain(f.stage.iter().map(|s| LogicalLocation {
            fully_qualified_name: None,
            name: s.clone(),
            kind: "stage",
        }))
        .collect();
    let related_locations = f
        .related
        .iter()
        .enumerate()
        .map(|(id, r)| RelatedLocation {
            id,
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation::in_source_root(&r.file),
                region: Region {
                    start_line: r.span.start.line.max(1),
                    start_column: Some(r.span.start.column.max(1)),
                    ..Region::default()
                },
            },
            message: Text {
                text: related_message(input.lang, r),
            },
        })
        .collect();
    let suppressions = f
        .suppression
        .iter()
        .map(|s| {
            let mut justification = s.justification.clone();
            if let Some(r) = &s.reference {
                justification.push_str(&format!(" [{r}]"));
            }
            if let Some(e) = &s.expires {
                justification.push_str(&format!(" (expires {e})"));
            }
            SarifSuppression {
                kind: match s.kind {
                    SuppressionKind::Config => "external",
                    SuppressionKind::Inline => "inSource",
                },
                status: "accepted",
                justification,
                location: SuppressionLocation {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation::in_source_root(&s.source.file),
                        region: Region {
                            start_line: s.source.line.max(1),
                            ..Region::default()
                        },
                    },
                },
            }
        })
        .collect();
    SarifResult {
        rule_id: f.rule_id.clone(),
        level: level(f.severity),
        message: Text {
            text: f.message(input.catalog, input.lang),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation::in_source_root(&f.file),
                region: finding_region(f),
            },
            logical_locations,
        }],
        partial_fingerprints: Fingerprints {
            v1: f.fingerprint.clone(),
        },
        rule_index: rules.iter().position(|r| r.id == f.rule_id),
        related_locations,
        properties: f.value_set.as_ref().map(|set| ResultProperties {
            value_set: set.clone(),
            value_sets: f.value_sets.clone(),
        }),
        baseline_state: f.in_baseline.then_some("unchanged"),
        suppressions,
    }
}

/// Writes the report, straight to `out` (the text of a large report
/// never exists whole in memory).
pub fn write(input: &ReportInput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let rules: Vec<&RuleMeta> = input.catalog.rules.values().collect();
    let repository = input.repository;
    let version_control_provenance = repository
        .remote
        .iter()
        .map(|uri| VersionControlDetails {
            repository_uri: uri.clone(),
            revision_id: repository.head.as_ref().map(|h| h.commit.clone()),
            branch: repository.head.as_ref().and_then(|h| h.branch.clone()),
            mapped_to: repository.root_is_working_dir.then_some(MappedTo {
                uri_base_id: "%SRCROOT%",
            }),
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "cct-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    language: match input.lang {
                        Lang::Fr => "fr-FR",
                        Lang::En => "en-US",
                    },
                    rules: rules.iter().map(|r| rule_descriptor(input, r)).collect(),
                    information_uri: INFORMATION_URI.filter(|u| !u.is_empty()),
                },
            },
            column_kind: "unicodeCodePoints",
            // In parallel (rayon's current pool), in order: the same results whatever the
            // thread count.
            results: input
                .findings
                .par_iter()
                .map(|f| result(input, &rules, f))
                .collect(),
            properties: RunProperties {
                cct_lint: super::check_facts(input),
                charts: input.charts,
            },
            version_control_provenance,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
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
