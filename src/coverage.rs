//! What a check actually looked at: every input found (Dockerfile, manifest file, chart per
//! value set, path that could not be walked) with whether it was checked fully, partly or not
//! at all, and why. Reports use it so that nothing unchecked is reported as passing: a
//! requirement is "pass" only when its rules had inputs and all of them were checked.
//!
//! It is derived from the discovered targets, the objects read, how each chart rendered per
//! value set, and the tool's own LNT diagnostics (every input that could not be checked has
//! one, by design). It reads no files.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::catalog::Family;
use crate::discover::{Discovery, TargetKind};
use crate::finding::{Finding, Lint, ObjectSeen, RootSeen};

/// The kind of an input, which decides which rule families could read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    Dockerfile,
    /// A YAML file holding Kubernetes objects (or one that could not be read, so might).
    Manifest,
    /// A Helm chart, once per value set.
    Chart,
    /// A root kustomization, built.
    Kustomization,
    /// A path the walk could not enter: it may hold inputs of any kind.
    Path,
}

impl InputKind {
    /// Whether rules of `family` read inputs of this kind.
    pub fn feeds(self, family: &Family) -> bool {
        match self {
            InputKind::Dockerfile => *family == Family::Dockerfile,
            InputKind::Manifest | InputKind::Kustomization => {
                matches!(family, Family::Kubernetes | Family::Bundle)
            }
            InputKind::Chart => {
                matches!(family, Family::Kubernetes | Family::Bundle | Family::Chart)
            }
            InputKind::Path => family != &Family::Lint,
        }
    }
}

/// How much of an input the rules saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Checked {
    Full,
    /// Part of it was checked; the diagnostic says what was not.
    Partial {
        reason: Box<Finding>,
    },
    /// Nothing of it was checked (no rule saw it); the diagnostic says why.
    No {
        reason: Box<Finding>,
    },
}

/// One input and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Input {
    pub kind: InputKind,
    /// Display path (a chart's directory for charts).
    pub file: String,
    /// The chart's value set, when the config names sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_set: Option<String>,
    #[serde(flatten)]
    pub checked: Checked,
}

/// Everything the check looked at, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// The paths given to `check`, as displayed.
    pub paths: Vec<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub inputs: Vec<Input>,
}

/// What a rule family could look at.
#[derive(Debug, Default)]
pub struct FamilyScope<'a> {
    pub found: usize,
    /// Inputs checked only in part or not at all.
    pub unchecked: Vec<&'a Input>,
}

impl Scope {
    /// The inputs rules of any of `families` read, and those not fully checked.
    pub fn for_families(&self, families: &[Family]) -> FamilyScope<'_> {
        let mut scope = FamilyScope::default();
        for input in &self.inputs {
            if families.iter().any(|f| input.kind.feeds(f)) {
                scope.found += 1;
                if input.checked != Checked::Full {
                    scope.unchecked.push(input);
                }
            }
        }
        scope
    }

    /// Inputs of one kind, for the scope tables.
    pub fn of_kind(&self, kind: InputKind) -> impl Iterator<Item = &Input> {
        self.inputs.iter().filter(move |i| i.kind == kind)
    }
}

/// Diagnostics meaning that nothing of the input was checked.
const NOT_CHECKED: &[&str] = &[
    Lint::InvalidYaml.id(),
    Lint::HelmRenderFailed.id(),
    Lint::UnreadableFile.id(),
    Lint::FileTooLarge.id(),
    Lint::WalkError.id(),
    Lint::YamlLimitsExceeded.id(),
    Lint::InternalError.id(),
];
/// Diagnostics meaning that part of the input was not checked: a Dockerfile instruction that
/// does not parse is skipped and parsing resumes; a document whose rules failed to evaluate.
const PARTLY_CHECKED: &[&str] = &[
    Lint::InvalidDockerfile.id(),
    Lint::RuleEvaluationFailed.id(),
];

fn in_dir(file: &str, dir: &str) -> bool {
    dir == "." || file.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// The status an input gets from the diagnostics about it.
fn checked_from<'a>(mut lints: impl Iterator<Item = &'a Finding>) -> Checked {
    let lints: Vec<&Finding> = lints.by_ref().collect();
    if let Some(f) = lints
        .iter()
        .find(|f| NOT_CHECKED.contains(&f.rule_id.as_str()))
    {
        return Checked::No {
            reason: Box::new((*f).clone()),
        };
    }
    if let Some(f) = lints
        .iter()
        .find(|f| PARTLY_CHECKED.contains(&f.rule_id.as_str()))
    {
        return Checked::Partial {
            reason: Box::new((*f).clone()),
        };
    }
    Checked::Full
}

/// The diagnostic standing for a chart's status when none was kept (its rule disabled).
fn chart_diagnostic(rule_id: &str, chart: &ChartCoverage) -> Finding {
    let detail = chart
        .reason
        .clone()
        .unwrap_or_else(|| chart.missing.join(", "));
    Finding {
        value_set: chart.value_set.clone(),
        ..Finding::new(
            rule_id,
            crate::catalog::Severity::Warning,
            &chart.chart_dir,
            crate::span::Span::default(),
            std::collections::BTreeMap::from([
                ("chart".to_string(), chart.chart_dir.clone()),
                ("detail".to_string(), detail),
            ]),
        )
    }
}

/// Builds the scope of a check from its discovery, the objects read, how each chart rendered
/// per value set, and every finding (taken before derogations, focus and rule selection, which
/// do not change what was read).
pub fn assess(
    discovery: &Discovery,
    objects: &[ObjectSeen],
    charts: &[ChartCoverage],
    kustomizations: &[RootSeen],
    findings: &[Finding],
) -> Vec<Input> {
    let lints: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule_id.starts_with("LNT"))
        .collect();
    // Looked up per target, so gathered per file once: scanning them all for each target was
    // quadratic in the size of the tree.
    let mut lints_of: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &lints {
        lints_of.entry(f.file.as_str()).or_default().push(f);
    }
    let object_files: HashSet<&str> = objects.iter().map(|o| o.file.as_str()).collect();
    let mut inputs = Vec::new();
    for target in &discovery.targets {
        let own = || {
            lints_of
                .get(target.display.as_str())
                .into_iter()
                .flatten()
                .copied()
        };
        match target.kind {
            TargetKind::Dockerfile => inputs.push(Input {
                kind: InputKind::Dockerfile,
                file: target.display.clone(),
                value_set: None,
                checked: checked_from(own()),
            }),
            TargetKind::Yaml | TargetKind::Json => {
                let checked = checked_from(own());
                let holds_objects = object_files.contains(target.display.as_str());
                // A YAML file that could not be read might have held manifests: it counts.
                if holds_objects || checked != Checked::Full {
                    inputs.push(Input {
                        kind: InputKind::Manifest,
                        file: target.display.clone(),
                        value_set: None,
                        checked,
                    });
                }
            }
            // Charts are counted from how each value set rendered (below).
            TargetKind::HelmChart => {}
        }
    }
    for chart in charts {
        let checked = match chart.status {
            ChartStatus::Library => continue,
            ChartStatus::Rendered => Checked::Full,
            status => {
                let wanted: &[&str] = match status {
                    ChartStatus::NotRendered => &[Lint::HelmRenderFailed.id()],
                    ChartStatus::RenderedWithoutDependencies => &[Lint::HelmDependencyMissing.id()],
                    _ => &[Lint::HelmDependencyOtherVersion.id()],
                };
                let reason = lints
                    .iter()
                    .find(|f| {
                        wanted.contains(&f.rule_id.as_str())
                            && in_dir(&f.file, &chart.chart_dir)
                            && (chart.value_set.is_none()
                                || f.value_set == chart.value_set
                                || chart
                                    .value_set
                                    .as_ref()
                                    .is_some_and(|s| f.value_sets.contains(s)))
                    })
                    .map(|f| Box::new((*f).clone()))
                    .unwrap_or_else(|| Box::new(chart_diagnostic(wanted[0], chart)));
                if status == ChartStatus::NotRendered {
                    Checked::No { reason }
                } else {
                    Checked::Partial { reason }
                }
            }
        };
        inputs.push(Input {
            kind: InputKind::Chart,
            file: chart.chart_dir.clone(),
            value_set: chart.value_set.clone(),
            checked,
        });
    }
    for root in kustomizations {
        let checked = match (&root.refused, &root.left_out) {
            (Some(reason), _) => Checked::No {
                reason: Box::new(reason.clone()),
            },
            (None, Some(reason)) => Checked::Partial {
                reason: Box::new(reason.clone()),
            },
            (None, None) => Checked::Full,
        };
        inputs.push(Input {
            kind: InputKind::Kustomization,
            file: root.dir.clone(),
            value_set: None,
            checked,
        });
    }
    for problem in &discovery.problems {
        let reason = lints
            .iter()
            .find(|f| f.rule_id == Lint::WalkError.id() && f.file == problem.display);
        if let Some(reason) = reason {
            inputs.push(Input {
                kind: InputKind::Path,
                file: problem.display.clone(),
                value_set: None,
                checked: Checked::No {
                    reason: Box::new((*reason).clone()),
                },
            });
        }
    }
    inputs.sort_by(|a, b| (a.kind, &a.file, &a.value_set).cmp(&(b.kind, &b.file, &b.value_set)));
    inputs
}

/// How one chart rendered with one value set: the coverage the reports state.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ChartCoverage {
    /// The chart directory (display path).
    pub chart_dir: String,
    /// The value set (absent: the chart's defaults).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_set: Option<String>,
    pub status: ChartStatus,
    /// Enabled dependencies found nowhere (`name constraint`): rendered without them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Dependencies found outside charts/ or inside it, with where and which version.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resolved: Vec<CoveredDependency>,
    /// Why the chart did not render (the render error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartStatus {
    /// Rendered with every enabled dependency.
    Rendered,
    /// Rendered without some dependency (listed in `missing`).
    RenderedWithoutDependencies,
    /// Did not render without its missing dependencies; rendered with other versions of them
    /// found offline (the `resolved` entries with `satisfies: false`).
    RenderedWithOtherVersions,
    /// Did not render (`reason`); nothing of it was checked but its sources.
    NotRendered,
    /// A library chart: renders nothing of its own, checked through the charts using it.
    Library,
}

impl ChartStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChartStatus::Rendered => "rendered",
            ChartStatus::RenderedWithoutDependencies => "rendered_without_dependencies",
            ChartStatus::RenderedWithOtherVersions => "rendered_with_other_versions",
            ChartStatus::NotRendered => "not_rendered",
            ChartStatus::Library => "library",
        }
    }
}

/// A dependency that was found: which chart declared it, where it was found, which version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CoveredDependency {
    /// Helm path of the declaring chart (`wordpress`, `wordpress/charts/mariadb`).
    pub chart: String,
    pub name: String,
    /// The constraint declared and the version used.
    pub constraint: String,
    pub version: String,
    /// `charts`, `file`, `tree` or `folder` (configured folder or Helm's repository cache).
    pub source: &'static str,
    /// Chart directory or archive (display path).
    pub path: String,
    /// `version` satisfies `constraint` (false: another version, see LNT019).
    pub satisfies: bool,
}
