//! Report stage: one renderer per output format over the same sorted findings, each writing to
//! the writer it is given (`write`; `render` gives the same bytes as a string); only `main`
//! decides where they go. Nothing here depends on time or thread count, so the same findings
//! always give the same bytes.

mod audit;
mod gitlab;
mod human;
mod json;
mod junit;
mod pretty;
mod sarif;

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Framework, Lang, RuleMeta, Severity};
use crate::check::Outcome;
use crate::coverage::Scope;
use crate::derogation::DerogationRecord;
use crate::finding::Finding;
use crate::finding::ObjectSeen;
use crate::repository::Repository;

pub use audit::{
    render_html as audit_html, render_markdown as audit_md, requirement_fully_checked,
};
pub use human::summary as human_summary;

/// Everything a renderer needs.
pub struct ReportInput<'a> {
    pub catalog: &'a Catalog,
    pub findings: &'a [Finding],
    pub lang: Lang,
    pub color: bool,
    /// Human output: also show suppressed findings.
    pub show_suppressed: bool,
    pub targets: usize,
    pub documents: usize,
    /// Helm test hooks left out of the checks (Argo CD never syncs them).
    pub skipped_test_hooks: usize,
    /// Lowest severity that fails the gate (`--fail-on`); `None` for `never`.
    pub gate: Option<Severity>,
    /// Every Kubernetes object the scan read (evidence for the audit report).
    pub objects: &'a [ObjectSeen],
    /// The paths given to `check`.
    pub roots: &'a [std::path::PathBuf],
    /// The directory name of the first scanned path (the audit's default application name).
    pub root_name: &'a str,
    /// The audit report's date (`YYYY-MM-DD`).
    pub audit_date: &'a str,
    /// Hints for the audit report found in the repository (gathered by the check).
    pub evidence: &'a [crate::evidence::Evidence],
    /// What was found and what was (not) checked.
    pub scope: &'a Scope,
    /// Every derogation with its state and the findings it covers.
    pub derogations: &'a [DerogationRecord],
    pub repository: &'a Repository,
    /// The configuration file used (display path).
    pub config_file: Option<&'a str>,
    /// The application's name from the configuration.
    pub application: Option<&'a str>,
    /// How each chart rendered with each value set.
    pub charts: &'a [crate::coverage::ChartCoverage],
}

impl<'a> ReportInput<'a> {
    /// Everything a renderer needs from a check's outcome.
    pub fn new(outcome: &'a Outcome, lang: Lang) -> Self {
        Self {
            catalog: &outcome.catalog,
            findings: &outcome.findings,
            lang,
            color: false,
            show_suppressed: false,
            targets: outcome.targets,
            documents: outcome.documents,
            skipped_test_hooks: outcome.skipped_test_hooks,
            charts: &outcome.charts,
            gate: outcome.gate,
            objects: &outcome.objects,
            roots: &outcome.roots,
            evidence: &outcome.evidence,
            root_name: &outcome.root_name,
            audit_date: &outcome.audit_date,
            scope: &outcome.scope,
            derogations: &outcome.derogations,
            repository: &outcome.repository,
            config_file: outcome.config_file.as_deref(),
            application: outcome.application.as_deref(),
        }
    }

    /// Whether a finding makes the gate fail (CI formats mark those as failures): the same
    /// test as the exit code's.
    pub fn fails(&self, finding: &Finding) -> bool {
        crate::check::fails_gate(finding, self.gate)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Sarif,
    Json,
    // GitLab Code Quality (`artifacts:reports:codequality`).
    Gitlab,
    // JUnit XML (GitLab `artifacts:reports:junit`, Jenkins `junit`).
    Junit,
    // Homologation audit report: every béta requirement with its status, as Markdown.
    AuditMd,
    // The same report as one self-contained, printable HTML page.
    AuditHtml,
}

/// The report in `format` as one string (what [`write`] writes).
pub fn render(format: Format, input: &ReportInput<'_>) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(format, input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report in `format` to `out`; every report but the audit (one per application,
/// read by a person) is streamed rather than rendered whole first.
pub fn write(
    format: Format,
    input: &ReportInput<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(input, out),
        Format::Sarif => sarif::write(input, out),
        Format::Gitlab => gitlab::write(input, out),
        Format::Human => human::write(input, out),
        Format::Junit => junit::write(input, out),
        Format::AuditMd => out.write_all(audit_md(input).as_bytes()),
        Format::AuditHtml => out.write_all(audit_html(input).as_bytes()),
    }
}

/// Moves the text written so far to `sink` once it is large: the renderers that build their
/// report as text write it out a piece at a time.
fn flush_when_large(text: &mut String, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
    if text.len() >= 1 << 16 {
        sink.write_all(text.as_bytes())?;
        text.clear();
    }
    Ok(())
}

/// How many findings fail the gate, and how many the baseline holds.
pub fn gate_counts(input: &ReportInput<'_>) -> (usize, usize) {
    let failing = input.findings.iter().filter(|f| input.fails(f)).count();
    let existing = input
        .findings
        .iter()
        .filter(|f| f.in_baseline && f.suppression.is_none())
        .count();
    (failing, existing)
}

/// The gate threshold as the `--fail-on` value.
pub fn gate_name(gate: Option<Severity>) -> &'static str {
    match gate {
        Some(Severity::Error) => "error",
        Some(Severity::Warning) => "warning",
        Some(Severity::Note) => "note",
        None => "never",
    }
}

/// Scope and gate facts for the machine-readable formats (JSON summary, SARIF run
/// properties): what was found, what was not fully checked and why, and the gate's verdict.
pub fn check_facts(input: &ReportInput<'_>) -> serde_json::Value {
    use crate::coverage::{Checked, InputKind};
    let kinds = [
        ("dockerfiles", InputKind::Dockerfile),
        ("manifests", InputKind::Manifest),
        ("charts", InputKind::Chart),
        ("kustomizations", InputKind::Kustomization),
        ("paths", InputKind::Path),
    ];
    let mut inputs = serde_json::Map::new();
    for (name, kind) in kinds {
        let all: Vec<_> = input.scope.of_kind(kind).collect();
        inputs.insert(
            name.to_string(),
            serde_json::json!({
                "found": all.len(),
                "not_fully_checked": all.iter().filter(|i| i.checked != Checked::Full).count(),
            }),
        );
    }
    let not_checked: Vec<serde_json::Value> = input
        .scope
        .inputs
        .iter()
        .filter_map(|i| {
            let (status, reason) = match &i.checked {
                Checked::Full => return None,
                Checked::Partial { reason } => ("partial", reason),
                Checked::No { reason } => ("not_checked", reason),
            };
            let mut v = serde_json::json!({
                "kind": i.kind,
                "file": i.file,
                "status": status,
                "rule_id": reason.rule_id,
                "reason": reason.message(input.catalog, input.lang),
            });
            if let Some(set) = &i.value_set {
                v["value_set"] = serde_json::json!(set);
            }
            Some(v)
        })
        .collect();
    let (failing, existing) = gate_counts(input);
    serde_json::json!({
        "config_file": input.config_file,
        "gate": {
            "fail_on": gate_name(input.gate),
            "failed": failing > 0,
            "failing_findings": failing,
            "baseline_findings": existing,
        },
        "inputs": inputs,
        "not_fully_checked": not_checked,
    })
}

/// Counts per severity, in the order error, warning, note.
pub fn severity_counts<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> [usize; 3] {
    let mut counts = [0; 3];
    for f in findings {
        counts[match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Note => 2,
        }] += 1;
    }
    counts
}

/// The requirement ids of a rule in the catalogue's framework (béta `EXI-*` or alpha `EX*`).
pub(crate) fn framework_ids<'r>(catalog: &Catalog, rule: &'r RuleMeta) -> &'r [String] {
    match catalog.framework {
        Framework::Beta2024 => &rule.requirements,
        Framework::AlphaV4 => &rule.alpha,
    }
}

/// Findings per requirement id of the framework (a finding counts once for each requirement of
/// its rule).
pub fn requirement_counts<'a>(
    catalog: &Catalog,
    findings: impl IntoIterator<Item = &'a Finding>,
) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        if let Some(rule) = catalog.rule(&f.rule_id) {
            for r in framework_ids(catalog, rule) {
                *counts.entry(r.clone()).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// `EXI-ARCH-18 (P)` with the requirement's level when known.
pub fn requirement_label(catalog: &Catalog, id: &str) -> String {
    match catalog.requirement(id) {
        Some(r) => format!("{id} ({})", r.level),
        None => id.to_string(),
    }
}

/// The requirement ids of a rule, those of the framework first with their level, then the
/// other list's: `EXI-ARCH-18 (P), EX32` (béta) or `EX32 (P), EXI-ARCH-18` (alpha).
pub fn requirements_line(catalog: &Catalog, rule: &RuleMeta) -> String {
    let (first, second) = match catalog.framework {
        Framework::Beta2024 => (&rule.requirements, &rule.alpha),
        Framework::AlphaV4 => (&rule.alpha, &rule.requirements),
    };
    first
        .iter()
        .map(|r| requirement_label(catalog, r))
        .chain(second.iter().cloned())
        .chain(rule.platform.iter().map(|p| format!("kyverno:{p}")))
        .collect::<Vec<_>>()
        .join(", ")
}
