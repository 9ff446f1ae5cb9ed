//! Report stage: one renderer per output format over the same sorted findings. Renderers
//! return strings; only `main` writes them out. Nothing here depends on time or thread count,
//! so the same findings always give the same bytes.

mod audit;
mod evidence;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Framework, Lang, RuleMeta, Severity};
use crate::finding::Finding;
use crate::scan::ObjectSeen;

pub use audit::{render_html as audit_html, render_markdown as audit_md};
pub use gitlab::render as gitlab;
pub use human::render as human;
pub use json::render as json;
pub use json::write as write_json;
pub use junit::render as junit;
pub use sarif::render as sarif;

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
    /// Lowest severity that fails the gate (`--fail-on`); `None` for `never`.
    pub gate: Option<Severity>,
    /// Every Kubernetes object the scan read (evidence for the audit report).
    pub objects: &'a [ObjectSeen],
    /// The paths given to `check` (where the audit report looks for evidence files).
    pub roots: &'a [std::path::PathBuf],
    /// How each chart rendered with each value set.
    pub charts: &'a [crate::chart_scan::ChartCoverage],
}

impl ReportInput<'_> {
    /// Whether a finding makes the gate fail (CI formats mark those as failures).
    pub fn fails(&self, finding: &Finding) -> bool {
        finding.suppression.is_none()
            && !finding.in_baseline
            && self.gate.is_some_and(|g| finding.severity >= g)
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

pub fn render(format: Format, input: &ReportInput<'_>) -> String {
    match format {
        Format::Human => human(input),
        Format::Sarif => sarif(input),
        Format::Json => json(input),
        Format::Gitlab => gitlab(input),
        Format::Junit => junit(input),
        Format::AuditMd => audit_md(input),
        Format::AuditHtml => audit_html(input),
    }
}

/// Counts per severity, in the order error, warning, note.
pub fn severity_counts(findings: &[Finding]) -> [usize; 3] {
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
fn framework_ids<'r>(catalog: &Catalog, rule: &'r RuleMeta) -> &'r [String] {
    match catalog.framework {
        Framework::Beta2024 => &rule.requirements,
        Framework::AlphaV4 => &rule.alpha,
    }
}

/// Findings per requirement id of the framework (a finding counts once for each requirement of
/// its rule).
pub fn requirement_counts(catalog: &Catalog, findings: &[Finding]) -> BTreeMap<String, usize> {
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
