//! The check pipeline, callable in-process: configuration → discover → scan (load, evaluate,
//! locate) → derogations → baseline → focus → sort, ending in an [`Outcome`] that also says
//! what was looked at ([`Scope`]) and holds the one gate every report and the exit code use.
//! It prints nothing and never exits: `main` renders the outcome and maps it to a code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::catalog::{Catalog, Family, Framework, Severity};
use crate::config::{ChartSettings, HelmOptions, RuleFilter, ScanOptions, ValueSet};
use crate::config::{Config, CONFIG_FILE_NAME};
use crate::coverage::{self, Scope};
use crate::derogation::{self, Derogation, DerogationRecord};
use crate::discover::{discover, display_path, DiscoverOptions, TargetKind};
use crate::evaluate::RuleEngine;
use crate::finding::{Finding, Lint, ObjectSeen};
use crate::repository::{self, Repository};
use crate::scan::{scan, sort_findings};

/// What the user asked for (the CLI's `check` flags, or a test's).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub paths: Vec<PathBuf>,
    /// `--config`; otherwise `.cct-lint.yaml` is looked up from each path upwards.
    pub config: Option<PathBuf>,
    /// Lowest severity that fails the gate; `None` never fails.
    pub fail_on: Option<Severity>,
    pub threads: usize,
    pub max_file_size: Option<u64>,
    pub no_inline_derogations: bool,
    pub baseline: Option<PathBuf>,
    pub policies: Vec<PathBuf>,
    /// `CHART_DIR=FILE` entries.
    pub values: Vec<String>,
    /// `CHART_DIR=KEY=VALUE` entries.
    pub set: Vec<String>,
    pub kube_version: Option<String>,
    pub framework: Option<Framework>,
    /// `--select` / `--ignore`: rule ids or id prefixes.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// `--require-dependencies`: a chart dependency found nowhere is an error.
    pub require_dependencies: bool,
    /// An audit report is asked for: gather its evidence (a bounded walk of the scanned roots)
    /// and ask git whether tracked files differ from the commit (a process: as long as the rest
    /// of a one-file check).
    pub audit_evidence: bool,
    /// The day derogations expire against, in days since 1970-01-01 (`config::parse_date`);
    /// `None`: today (which `CCT_LINT_TODAY` overrides).
    pub today: Option<i64>,
}

/// A problem with the request itself (flags, configuration, policies): exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Everything the reports need, and the gate.
pub struct Outcome {
    /// The catalogue with the custom policies and the framework of this check.
    pub catalog: Catalog,
    pub findings: Vec<Finding>,
    pub targets: usize,
    pub documents: usize,
    /// Helm test objects left out (`helm.sh/hook: test`).
    pub skipped_test_hooks: usize,
    /// How each chart rendered with each value set.
    pub charts: Vec<crate::coverage::ChartCoverage>,
    pub objects: Vec<ObjectSeen>,
    /// What was found and what was (not) checked.
    pub scope: Scope,
    /// Every derogation with what became of it.
    pub derogations: Vec<DerogationRecord>,
    pub gate: Option<Severity>,
    /// The configuration file used (display path).
    pub config_file: Option<String>,
    /// `audit: {application: …}` from the configuration.
    pub application: Option<String>,
    pub repository: Repository,
    /// The paths given to `check`.
    pub roots: Vec<PathBuf>,
    /// The directory name of the first scanned path.
    pub root_name: String,
    /// The audit report's date (`CCT_LINT_REPORT_DATE`, `SOURCE_DATE_EPOCH`, else today).
    pub audit_date: String,
    /// Hints for the audit report found in the repository (empty unless asked for).
    pub evidence: Vec<crate::evidence::Evidence>,
}

/// Whether a finding fails the gate: at or above the threshold, not derogated, not in the
/// baseline. The exit code and every report (JUnit failures, GitLab issues, summaries) use it.
pub fn fails_gate(finding: &Finding, gate: Option<Severity>) -> bool {
    finding.suppression.is_none()
        && !finding.in_baseline
        && gate.is_some_and(|g| finding.severity >= g)
}

impl Outcome {
    pub fn fails(&self, finding: &Finding) -> bool {
        fails_gate(finding, self.gate)
    }

    /// The gate: exit code 1 exactly when this is true.
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| self.fails(f))
    }
}

/// The configuration file for `paths`: `.cct-lint.yaml` in the nearest folder from each path
/// upwards to its repository root (the folder holding `.git`), else in the working directory.
/// Paths that find different files are an error: one check has one configuration.
pub fn locate_config(paths: &[PathBuf]) -> Result<Option<PathBuf>, UsageError> {
    let mut found: Option<PathBuf> = None;
    for path in paths {
        let absolute = repository::absolute(path);
        let start = if absolute.is_dir() {
            absolute.as_path()
        } else {
            match absolute.parent() {
                Some(p) => p,
                None => continue,
            }
        };
        let mut candidate = None;
        for dir in start.ancestors() {
            let file = dir.join(CONFIG_FILE_NAME);
            if file.is_file() {
                candidate = Some(file);
                break;
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        match (&found, candidate) {
            (None, c) => found = c,
            (Some(a), Some(b)) if *a != b => {
                return Err(UsageError(format!(
                    "the scanned paths have different configuration files, {} and {}: pass one with --config",
                    display_path(a),
                    display_path(&b)
                )))
            }
            _ => {}
        }
    }
    if found.is_none() {
        let here = repository::absolute(Path::new(CONFIG_FILE_NAME));
        if here.is_file() {
            found = Some(here);
        }
    }
    Ok(found)
}

/// (rule id, fingerprint) pairs of a previous `--format json` report.
fn read_baseline(path: &Path) -> Result<BTreeSet<(String, String)>, UsageError> {
    let err = |m: String| UsageError(format!("baseline: {}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let report: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| err(format!("not a JSON report: {e}")))?;
    let findings = report
        .get("findings")
        .and_then(|f| f.as_array())
        .ok_or_else(|| err("no `findings` array (expected a `--format json` report)".into()))?;
    Ok(findings
        .iter()
        .filter_map(|f| {
            Some((
                f.get("rule_id")?.as_str()?.to_string(),
                f.get("fingerprint")?.as_str()?.to_string(),
            ))
        })
        .collect())
}

/// `--values CHART=FILE` and `--set CHART=KEY=VALUE`: one value set per chart named after
/// its files, replacing the config's sets for that chart.
fn apply_chart_overrides(
    helm: &mut HelmOptions,
    values: &[String],
    set: &[String],
) -> Result<(), UsageError> {
    let mut per_chart: Vec<(PathBuf, ValueSet)> = Vec::new();
    fn slot(per_chart: &mut Vec<(PathBuf, ValueSet)>, chart: &str) -> Result<usize, UsageError> {
        let path = PathBuf::from(chart);
        if !path.join("Chart.yaml").is_file() {
            return Err(UsageError(format!(
                "`{chart}` is not a chart directory (no Chart.yaml)"
            )));
        }
        Ok(match per_chart.iter().position(|(p, _)| *p == path) {
            Some(i) => i,
            None => {
                per_chart.push((path, ValueSet::default()));
                per_chart.len() - 1
            }
        })
    }
    for v in values {
        let (chart, file) = v
            .split_once('=')
            .ok_or_else(|| UsageError(format!("--values expects CHART_DIR=FILE, not `{v}`")))?;
        if !Path::new(file).is_file() {
            return Err(UsageError(format!("--values: no such file `{file}`")));
        }
        let i = slot(&mut per_chart, chart)?;
        per_chart[i].1.files.push(PathBuf::from(file));
    }
    for v in set {
        let (chart, expr) = v
            .split_once('=')
            .filter(|(_, e)| e.contains('='))
            .ok_or_else(|| UsageError(format!("--set expects CHART_DIR=KEY=VALUE, not `{v}`")))?;
        let i = slot(&mut per_chart, chart)?;
        per_chart[i].1.set.push(expr.to_string());
    }
    for (path, mut value_set) in per_chart {
        let mut name: Vec<String> = value_set.files.iter().map(|f| display_path(f)).collect();
        if !value_set.set.is_empty() {
            name.push("--set".to_string());
        }
        value_set.name = name.join("+");
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        match helm.charts.iter_mut().find(|c| {
            std::fs::canonicalize(&c.path).unwrap_or_else(|_| c.path.clone()) == canonical
        }) {
            Some(chart) => chart.value_sets = vec![value_set],
            None => helm.charts.push(ChartSettings {
                path,
                value_sets: vec![value_set],
                ..ChartSettings::default()
            }),
        }
    }
    Ok(())
}

/// LNT015 for an inline derogation that `--no-inline-derogations` refuses.
fn refused_inline(catalog: &Catalog, d: &Derogation) -> Finding {
    let severity = catalog
        .rule(Lint::InlineDerogationRefused.id())
        .map(|r| r.severity)
        .unwrap_or(Severity::Warning);
    let params = std::collections::BTreeMap::from([("rules".to_string(), d.rules.join(", "))]);
    Finding::new(
        Lint::InlineDerogationRefused.id(),
        severity,
        &d.file,
        d.span,
        params,
    )
    .with_fingerprint()
}

/// The rule families the discovered targets need (so a Dockerfile-only check compiles no
/// Kubernetes rule).
fn families_needed(kinds: impl Iterator<Item = TargetKind>) -> Vec<Family> {
    let mut families = Vec::new();
    for kind in kinds {
        let needed: &[Family] = match kind {
            TargetKind::Dockerfile => &[Family::Dockerfile],
            TargetKind::Yaml | TargetKind::Json => &[Family::Kubernetes],
            TargetKind::HelmChart => &[Family::Kubernetes, Family::Chart],
        };
        for family in needed {
            if !families.contains(family) {
                families.push(family.clone());
            }
        }
    }
    if families.contains(&Family::Kubernetes) {
        families.push(Family::Bundle);
    }
    families
}

/// Runs a check.
pub fn run(request: &Request, mut catalog: Catalog) -> Result<Outcome, UsageError> {
    let baseline = match &request.baseline {
        Some(path) => read_baseline(path)?,
        None => BTreeSet::new(),
    };
    let paths = if request.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        request.paths.clone()
    };
    let config_path = match &request.config {
        Some(p) => Some(p.clone()),
        None => locate_config(&paths)?,
    };
    let config = match &config_path {
        Some(path) => Config::load(path, &repository::from_working_dir(path), &catalog)
            .map_err(|e| UsageError(format!("configuration error: {e}")))?,
        None => Config::default(),
    };
    let config_dir = config_path
        .as_deref()
        .map(repository::absolute)
        .and_then(|p| p.parent().map(Path::to_path_buf));
    catalog.framework = request.framework.or(config.framework).unwrap_or_default();
    let mut policy_dirs = request.policies.clone();
    policy_dirs.extend(config.policies.iter().cloned());
    let custom = crate::policy::load(&policy_dirs, &mut catalog)
        .map_err(|e| UsageError(format!("policy error: {e}")))?;
    let filter = RuleFilter::new(&request.select, &request.ignore, &catalog).map_err(UsageError)?;
    let mut discover_options = DiscoverOptions {
        exclude: config.exclude.clone(),
        include: config.include.clone(),
        base: config_dir.clone(),
        ..DiscoverOptions::default()
    };
    if let Some(globs) = &config.dockerfile_globs {
        discover_options.dockerfile_globs = globs.clone();
    }
    let discovery = discover(&paths, &discover_options).map_err(|e| UsageError(e.to_string()))?;
    let families = families_needed(discovery.targets.iter().map(|t| t.kind));
    let sources: Vec<(String, String)> = crate::catalog::RULE_FILES
        .iter()
        .map(|(f, s)| (f.to_string(), s.to_string()))
        .chain(custom.sources)
        .collect();
    let small_scan = discovery
        .targets
        .iter()
        .all(|t| t.kind != TargetKind::HelmChart)
        && discovery
            .targets
            .iter()
            .map(|t| std::fs::metadata(&t.path).map_or(0, |m| m.len()))
            .sum::<u64>()
            < crate::evaluate::SMALL_SCAN_BYTES;
    let engine = RuleEngine::from_sources(
        &sources,
        &catalog,
        &config.params(),
        &|id| config.enabled(id) && filter.allows(&catalog, id),
        &families,
        Duration::from_secs(10),
        small_scan,
    )
    .map_err(|e| UsageError(e.to_string()))?;
    let mut helm = config.helm.clone();
    apply_chart_overrides(&mut helm, &request.values, &request.set)?;
    if request.kube_version.is_some() {
        helm.kube_version = request.kube_version.clone();
    }
    helm.require_dependencies |= request.require_dependencies;
    let defaults = ScanOptions::default();
    let options = ScanOptions {
        helm,
        threads: request.threads,
        max_file_size: request
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(defaults.max_file_size),
        severity_overrides: config.severity_overrides(),
        bundles: families.contains(&Family::Bundle),
        ..defaults
    };
    let mut result = scan(&discovery, &engine, &catalog, &options);

    // What was looked at is decided by what was read, before derogations, focus and rule
    // selection change what is reported.
    let inputs = coverage::assess(
        &discovery,
        &result.objects,
        &result.charts,
        &result.kustomizations,
        &result.findings,
    );
    let scope = Scope {
        paths: paths.iter().map(|p| display_path(p)).collect(),
        include: config.include.clone(),
        exclude: config.exclude.clone(),
        inputs,
    };

    let inline_allowed =
        !request.no_inline_derogations && config.inline_derogations.unwrap_or(true);
    let config_file = config.file.clone().unwrap_or_default();
    let mut derogations: Vec<Derogation> = config
        .derogations
        .iter()
        .map(|d| Derogation::from_config(d, &config_file))
        .collect();
    let inline = std::mem::take(&mut result.inline_derogations);
    let mut extra = Vec::new();
    if inline_allowed {
        derogations.extend(inline);
    } else {
        extra.extend(inline.iter().map(|d| refused_inline(&catalog, d)));
    }
    // Derogation paths are written relative to the configuration file's folder.
    let config_relative = |file: &str| match &config_dir {
        Some(dir) => {
            repository::relative_to(Path::new(file), dir).unwrap_or_else(|| file.to_string())
        }
        None => file.to_string(),
    };
    let applied = derogation::apply(
        &mut result.findings,
        &derogations,
        &catalog,
        request.today.unwrap_or_else(crate::config::today),
        &config_relative,
    );
    extra.extend(applied.diagnostics);
    result.findings.extend(extra);
    result.findings.retain(|f| {
        config.enabled(&f.rule_id)
            && filter.allows(&catalog, &f.rule_id)
            && discovery.in_focus(&f.file)
    });

    // Fingerprints name files relative to the repository root (else the configuration's
    // folder, else the working directory), so that a baseline written from one folder matches
    // a check run from another.
    let repository = Repository::discover(
        paths.first().map_or(Path::new("."), PathBuf::as_path),
        request.audit_evidence,
    );
    let anchor = repository.root.clone().or_else(|| config_dir.clone());
    let anchored = |f: &Finding| {
        anchor
            .as_ref()
            .and_then(|anchor| repository::relative_to(Path::new(&f.file), anchor))
    };
    for f in &mut result.findings {
        if let Some(relative) = anchored(f) {
            if relative != f.file {
                f.fingerprint = f.fingerprint_for(&relative);
            }
        }
    }
    if !baseline.is_empty() {
        for f in &mut result.findings {
            let known =
                |fingerprint: &String| baseline.contains(&(f.rule_id.clone(), fingerprint.clone()));
            f.in_baseline = known(&f.fingerprint)
                || f.legacy_fingerprint_for(&anchored(f).unwrap_or_else(|| f.file.clone()))
                    .is_some_and(|legacy| known(&legacy));
        }
    }
    sort_findings(&mut result.findings);
    let derogations = applied.register.into_iter().map(|mut r| {
        r.covers = result
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.suppression.as_ref().is_some_and(|s| s.source == r.source))
            .map(|(i, _)| i)
            .collect();
        r
    });
    // A walk of the scanned roots: only for the audit report, which shows its result.
    let evidence = if request.audit_evidence {
        crate::evidence::gather(&paths, &result.objects)
    } else {
        Vec::new()
    };
    Ok(Outcome {
        evidence,
        root_name: crate::repository::root_name(&paths),
        audit_date: crate::repository::audit_date(),
        derogations: derogations.collect(),
        catalog,
        findings: result.findings,
        targets: result.targets,
        documents: result.documents,
        skipped_test_hooks: result.skipped_test_hooks,
        charts: result.charts,
        objects: result.objects,
        scope,
        gate: request.fail_on,
        config_file: config.file.clone(),
        application: config.application.clone(),
        repository,
        roots: paths,
    })
}
