//! Scan stage: for each target, in parallel, reads the file, parses it into documents, evaluates
//! the rules and locates every raw finding through the parser's spans. Every problem with a
//! file (unreadable, too large, malformed, a panic inside the pipeline) becomes a located LNT
//! finding and the scan goes on. It never writes to the scanned tree and never prints.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use rayon::prelude::*;

use crate::catalog::{Catalog, Family, Severity};
use crate::derogation::{self, Derogation};
use crate::discover::{Discovery, Target, TargetKind};
use crate::evaluate::{RawFinding, RuleEngine};
use crate::finding::{Finding, NodePath, ObjectRef};
use crate::parse::dockerfile;
use crate::parse::yaml::{self, Node, PathSegment, Value};
use crate::span::{Position, Span};

#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads; 0 lets rayon choose.
    pub threads: usize,
    pub max_file_size: u64,
    pub yaml_limits: yaml::Limits,
    /// Severity per rule id, replacing the catalogue's default.
    pub severity_overrides: BTreeMap<String, Severity>,
    /// Group objects per folder and evaluate the bundle (APP) rules.
    pub bundles: bool,
    /// How Helm charts are rendered (value sets, Kubernetes version).
    pub helm: crate::chart_scan::HelmOptions,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            threads: 0,
            max_file_size: 8 * 1024 * 1024,
            yaml_limits: yaml::Limits::default(),
            severity_overrides: BTreeMap::new(),
            bundles: true,
            helm: crate::chart_scan::HelmOptions::default(),
        }
    }
}

#[derive(Debug, Default)]
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub targets: usize,
    pub documents: usize,
    /// Every Kubernetes object read, with where it starts (for evidence and bundles).
    pub objects: Vec<ObjectSeen>,
    /// Derogations written in the scanned files (annotations and comments).
    pub inline_derogations: Vec<Derogation>,
    /// Helm test hooks left out (see `helm_hooks`).
    pub skipped_test_hooks: usize,
    /// Every root kustomization built.
    pub kustomizations: Vec<RootSeen>,
    /// How each chart rendered with each value set, sorted by chart then value set.
    pub charts: Vec<crate::chart_scan::ChartCoverage>,
}

/// A root kustomization that was built: refused (its build failed) or with parts left out.
#[derive(Debug, Clone)]
pub struct RootSeen {
    /// The kustomization's folder (display path).
    pub dir: String,
    /// The diagnostic of a build Kustomize would refuse (nothing of it was checked).
    pub refused: Option<Finding>,
    /// The first note about what the build left out (remote resources, plugins).
    pub left_out: Option<Finding>,
}

/// A Kubernetes object met during the scan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectSeen {
    pub file: String,
    pub line: u32,
    pub object: ObjectRef,
}

/// What one target produced.
#[derive(Default)]
pub(crate) struct TargetOutcome {
    pub(crate) findings: Vec<Finding>,
    pub(crate) documents: usize,
    pub(crate) objects: Vec<ObjectSeen>,
    pub(crate) inline_derogations: Vec<Derogation>,
    /// Objects joining the bundle of the target's folder.
    pub(crate) bundle_members: Vec<BundleMember>,
    /// Bundles of their own (a chart per value set), evaluated apart from the folder's.
    pub(crate) own_bundles: Vec<(String, Vec<BundleMember>)>,
    /// Helm test hooks left out (see `helm_hooks`).
    pub(crate) skipped_test_hooks: usize,
    /// Charts: how each value set rendered.
    pub(crate) charts: Vec<crate::chart_scan::ChartCoverage>,
    /// The file turned out not to be an input of ours (a JSON file that is no manifest): it is
    /// not counted among the checked targets.
    pub(crate) not_an_input: bool,
}

/// Builds findings for one file, with the catalogue's severity and the file's lines at hand.
pub(crate) struct FileContext<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) options: &'a ScanOptions,
    pub(crate) display: &'a str,
    pub(crate) lines: Vec<&'a str>,
}

impl FileContext<'_> {
    pub(crate) fn finding(
        &self,
        rule_id: &str,
        span: Span,
        path: Vec<serde_json::Value>,
        params: BTreeMap<String, String>,
    ) -> Finding {
        let severity = self
            .options
            .severity_overrides
            .get(rule_id)
            .copied()
            .or_else(|| self.catalog.rule(rule_id).map(|r| r.severity))
            .unwrap_or(Severity::Error);
        let source_line = self
            .lines
            .get((span.start.line as usize).wrapping_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        Finding {
            path: NodePath::new(&path),
            source_line,
            ..Finding::new(rule_id, severity, self.display, span, params)
        }
    }

    pub(crate) fn lint(&self, rule_id: &str, span: Span, detail: impl Into<String>) -> Finding {
        let params = BTreeMap::from([("detail".to_string(), detail.into())]);
        self.finding(rule_id, span, Vec::new(), params)
    }
}

pub(crate) fn start_of_file() -> Span {
    Span::new(Position::new(1, 1), Position::new(1, 2))
}

pub(crate) fn lint_without_source(
    catalog: &Catalog,
    options: &ScanOptions,
    display: &str,
    rule_id: &str,
    params: BTreeMap<String, String>,
) -> Finding {
    let ctx = FileContext {
        catalog,
        options,
        display,
        lines: Vec::new(),
    };
    ctx.finding(rule_id, start_of_file(), Vec::new(), params)
}

/// Position of the first invalid UTF-8 byte, for a located LNT005.
fn utf8_error_position(bytes: &[u8], valid_up_to: usize) -> Span {
    let valid = &bytes[..valid_up_to];
    let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count() as u32
        + 1;
    Span::new(Position::new(line, column), Position::new(line, column + 1))
}

/// Runs the scan over every discovered target.
pub fn scan(
    discovery: &Discovery,
    engine: &RuleEngine,
    catalog: &Catalog,
    options: &ScanOptions,
) -> ScanResult {
    // Targets are grouped per folder: a folder's objects form one bundle, evaluated as soon as
    // its files are read, so memory holds one folder's objects at a time, not the whole tree's.
    let (prepared, application_notes) = crate::chart_scan::prepare(discovery, catalog, options);
    let options = &prepared;
    // Root kustomizations are built first; the files their builds read, and every file of a
    // kustomization's folder, are checked through the roots: alone, only for their syntax.
    let plan = crate::kustomize_scan::plan(&discovery.targets);
    let pool = (options.threads > 0)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(options.threads)
                .build()
                .ok()
        })
        .flatten();
    let build_roots = || {
        plan.roots
            .par_iter()
            .map_init(
                || engine.clone(),
                |engine, root| {
                    catch_unwind(AssertUnwindSafe(|| {
                        crate::kustomize_scan::scan_root(root, engine, catalog, options)
                    }))
                    .unwrap_or_else(|panic| {
                        crate::kustomize_scan::RootOutcome {
                            outcome: TargetOutcome {
                                findings: vec![internal_error(
                                    catalog,
                                    options,
                                    &crate::discover::display_path(&root.dir),
                                    panic,
                                )],
                                ..TargetOutcome::default()
                            },
                            files: Vec::new(),
                        }
                    })
                },
            )
            .collect::<Vec<_>>()
    };
    let roots = match &pool {
        Some(pool) => pool.install(build_roots),
        None => build_roots(),
    };
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    if !plan.kustomization_dirs.is_empty() {
        let read: BTreeSet<&std::path::Path> = roots
            .iter()
            .flat_map(|r| r.files.iter().map(|p| p.as_path()))
            .collect();
        for target in &discovery.targets {
            let path = std::fs::canonicalize(&target.path).unwrap_or_else(|_| target.path.clone());
            let in_kustomization_dir = path
                .parent()
                .is_some_and(|d| plan.kustomization_dirs.contains(d));
            if in_kustomization_dir || read.contains(path.as_path()) {
                claimed.insert(target.display.clone());
            }
        }
    }
    let mut folders: BTreeMap<&str, Vec<&Target>> = BTreeMap::new();
    for target in &discovery.targets {
        let folder = target.display.rsplit_once('/').map_or(".", |(dir, _)| dir);
        folders.entry(folder).or_default().push(target);
    }
    let scan_one = |engine: &mut RuleEngine, target: &Target| {
        let mut outcome = catch_unwind(AssertUnwindSafe(|| {
            scan_target(target, engine, catalog, options)
        }))
        .unwrap_or_else(|panic| TargetOutcome {
            findings: vec![internal_error(catalog, options, &target.display, panic)],
            ..TargetOutcome::default()
        });
        if target.kind == TargetKind::Yaml
            && !claimed.contains(&target.display)
            && outcome.findings.iter().any(|f| f.rule_id == "LNT001")
        {
            // Read again only for a file that does not parse: rare, and small enough to read.
            if let Ok(text) = read_text(&target.path, options.max_file_size) {
                crate::not_manifest::demote(&mut outcome.findings, &text, catalog, options);
            }
        }
        if claimed.contains(&target.display) {
            // Part of a kustomization (a base, a patch, a component, a chart it inflates): its
            // objects are checked
            // as its roots build them; alone, only problems with the file itself count.
            outcome.findings.retain(|f| f.rule_id.starts_with("LNT"));
            outcome.objects.clear();
            outcome.bundle_members.clear();
            outcome.own_bundles.clear();
            outcome.documents = 0;
            outcome
                .inline_derogations
                .retain(|d| matches!(d.scope, derogation::Scope::Line { .. }));
        }
        outcome
    };
    let run = || {
        folders
            .par_iter()
            .map(|(folder, targets)| {
                let mut outcomes: Vec<TargetOutcome> = targets
                    .par_iter()
                    .map_init(|| engine.clone(), |engine, target| scan_one(engine, target))
                    .collect();
                let members: Vec<BundleMember> = outcomes
                    .iter_mut()
                    .flat_map(|o| std::mem::take(&mut o.bundle_members))
                    .collect();
                let mut bundles: Vec<(String, Vec<BundleMember>)> = outcomes
                    .iter_mut()
                    .flat_map(|o| std::mem::take(&mut o.own_bundles))
                    .collect();
                bundles.push((folder.to_string(), members));
                for (name, members) in bundles {
                    if !options.bundles || members.is_empty() {
                        continue;
                    }
                    let mut engine = engine.clone();
                    let found = catch_unwind(AssertUnwindSafe(|| {
                        scan_bundle(&name, &members, &mut engine, catalog, options)
                    }))
                    .unwrap_or_else(|panic| {
                        vec![internal_error(catalog, options, &members[0].file, panic)]
                    });
                    outcomes.push(TargetOutcome {
                        findings: found,
                        ..TargetOutcome::default()
                    });
                }
                outcomes
            })
            .collect::<Vec<_>>()
    };
    let mut outcomes = match &pool {
        Some(pool) => pool.install(run),
        None => run(),
    };
    let kustomizations: Vec<RootSeen> = plan
        .roots
        .iter()
        .zip(&roots)
        .map(|(root, r)| {
            let first = |id: &str| r.outcome.findings.iter().find(|f| f.rule_id == id).cloned();
            RootSeen {
                dir: root.name(),
                refused: first("LNT020").or_else(|| first("LNT009")),
                left_out: first("LNT021"),
            }
        })
        .collect();
    outcomes.push(roots.into_iter().map(|r| r.outcome).collect());

    let not_inputs = outcomes.iter().flatten().filter(|o| o.not_an_input).count();
    let mut result = ScanResult {
        targets: discovery.targets.len() - not_inputs,
        kustomizations,
        ..ScanResult::default()
    };
    result.findings.extend(application_notes);
    for file in &plan.unused_components {
        let display = crate::discover::display_path(file);
        let root = display
            .rsplit_once('/')
            .map_or(".", |(dir, _)| dir)
            .to_string();
        let note = lint_without_source(
            catalog,
            options,
            &display,
            "LNT021",
            BTreeMap::from([
                ("root".to_string(), root.clone()),
                (
                    "detail".to_string(),
                    "a component (`kind: Component`) that no kustomization of the scanned tree uses is built only inside one: not checked on its own".to_string(),
                ),
            ]),
        );
        result.kustomizations.push(RootSeen {
            dir: root,
            refused: Some(note.clone()),
            left_out: None,
        });
        result.findings.push(note);
    }
    for problem in &discovery.problems {
        result.findings.push(lint_without_source(
            catalog,
            options,
            &problem.display,
            "LNT007",
            BTreeMap::from([("detail".to_string(), problem.detail.clone())]),
        ));
    }
    for outcome in outcomes.into_iter().flatten() {
        result.documents += outcome.documents;
        result.skipped_test_hooks += outcome.skipped_test_hooks;
        result.findings.extend(outcome.findings);
        result.objects.extend(outcome.objects);
        result.inline_derogations.extend(outcome.inline_derogations);
        result.charts.extend(outcome.charts);
    }
    result.charts.sort();
    result.findings = group_by_place(
        result
            .findings
            .into_iter()
            .map(Finding::with_fingerprint)
            .collect(),
    );
    sort_findings(&mut result.findings);
    result.objects.sort();
    result
}

/// LNT009 for a panic inside the pipeline: the target is reported, never silently dropped.
fn internal_error(
    catalog: &Catalog,
    options: &ScanOptions,
    display: &str,
    panic: Box<dyn std::any::Any + Send>,
) -> Finding {
    let detail = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".to_string());
    lint_without_source(
        catalog,
        options,
        display,
        "LNT009",
        BTreeMap::from([("detail".to_string(), detail)]),
    )
}

/// A Kubernetes object kept for the bundle stage: its node (to locate findings) and its Rego
/// value, converted once for the per-object rules and shared with the bundle input.
#[derive(Clone)]
pub(crate) struct BundleMember {
    pub(crate) file: String,
    pub(crate) node: Node,
    pub(crate) value: regorus::Value,
    pub(crate) object: ObjectRef,
    /// For an object rendered from a chart: how to map its spans to the template.
    pub(crate) rendered: Option<std::sync::Arc<crate::chart_scan::RenderedDoc>>,
}

/// Evaluates the bundle rules on one group and locates their findings in the members' files.
fn scan_bundle(
    name: &str,
    members: &[BundleMember],
    engine: &mut RuleEngine,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Vec<Finding> {
    let objects: Vec<regorus::Value> = members.iter().map(|m| m.value.clone()).collect();
    let input = regorus::Value::from(BTreeMap::from([
        (regorus::Value::from("name"), regorus::Value::from(name)),
        (
            regorus::Value::from("objects"),
            regorus::Value::from(objects),
        ),
    ]));
    let raw = match engine.evaluate(&Family::Bundle, "", input) {
        Ok(raw) => raw,
        Err(e) => {
            let Some(first) = members.first() else {
                return Vec::new();
            };
            let ctx = FileContext {
                catalog,
                options,
                display: &first.file,
                lines: Vec::new(),
            };
            return vec![ctx.lint("LNT011", yaml::locate(&first.node, &[]).span, e.to_string())];
        }
    };
    let mut texts: BTreeMap<&str, String> = BTreeMap::new();
    let mut out = Vec::new();
    for r in raw {
        let index = r
            .path
            .get(1)
            .and_then(serde_json::Value::as_u64)
            .map(|i| i as usize);
        let (Some("objects"), Some(member)) = (
            r.path.first().and_then(serde_json::Value::as_str),
            index.and_then(|i| members.get(i)),
        ) else {
            continue;
        };
        let located = yaml::locate(&member.node, &path_segments(&r.path[2..]));
        if let Some(rendered) = &member.rendered {
            let ctx = FileContext {
                catalog,
                options,
                display: &member.file,
                lines: rendered.source_lines(),
            };
            out.push(rendered.finding(
                &ctx,
                &member.node,
                &member.object,
                r.rule_id,
                r.path[2..].to_vec(),
                r.params,
            ));
            continue;
        }
        // Bundle findings are few: the file is read again for the excerpt rather than kept.
        let text = texts
            .entry(member.file.as_str())
            .or_insert_with(|| std::fs::read_to_string(&member.file).unwrap_or_default());
        let ctx = FileContext {
            catalog,
            options,
            display: &member.file,
            lines: text.split('\n').collect(),
        };
        let mut finding = ctx.finding(&r.rule_id, located.span, r.path.clone(), r.params);
        finding.object = Some(member.object.clone());
        out.push(finding);
    }
    out
}

/// One finding per place: findings identical in rule, file, position and message under
/// several value sets (or kustomize roots) become one, listing them in `value_sets`. Within
/// one set, findings at one place stay apart (a `range` writes several objects from one
/// line). The one kept is the first set's (no set first, then by name): its fingerprint,
/// object and path are what a single-set scan gives; the related locations of all are kept.
pub fn group_by_place(mut findings: Vec<Finding>) -> Vec<Finding> {
    fn place(f: &Finding) -> impl Ord + '_ {
        (&f.file, f.span, &f.rule_id, &f.params)
    }
    findings.sort_by(|a, b| {
        place(a)
            .cmp(&place(b))
            .then_with(|| a.value_set.cmp(&b.value_set))
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    // The sets each kept finding stands for (`None`: the chart's defaults, or no set).
    let mut sets_of: Vec<Vec<Option<String>>> = Vec::with_capacity(findings.len());
    let mut group_start = 0;
    for mut f in findings {
        if out.last().is_none_or(|last| place(last) != place(&f)) {
            group_start = out.len();
        }
        let into = (group_start..out.len()).find(|&i| !sets_of[i].contains(&f.value_set));
        match into {
            Some(i) => {
                sets_of[i].push(f.value_set.clone());
                let kept = &mut out[i];
                if let Some(set) = f.value_set.take() {
                    if !kept.value_sets.contains(&set) {
                        kept.value_sets.push(set);
                    }
                }
                for r in f.related.drain(..) {
                    if !kept.related.contains(&r) {
                        kept.related.push(r);
                    }
                }
            }
            None => {
                sets_of.push(vec![f.value_set.clone()]);
                if let Some(set) = &f.value_set {
                    if !f.value_sets.contains(set) {
                        f.value_sets.push(set.clone());
                    }
                }
                out.push(f);
            }
        }
    }
    for f in &mut out {
        f.value_sets.sort();
    }
    out
}

/// The one order every report uses; duplicates (same rule, place and path) collapse.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
}

fn scan_target(
    target: &Target,
    engine: &mut RuleEngine,
    catalog: &Catalog,
    options: &ScanOptions,
) -> TargetOutcome {
    if target.kind == TargetKind::HelmChart {
        return crate::chart_scan::scan_chart(target, engine, catalog, options);
    }
    let text = match read_text(&target.path, options.max_file_size) {
        Ok(text) => text,
        Err(problem) => {
            return TargetOutcome {
                findings: vec![problem.into_finding(catalog, options, &target.display)],
                ..TargetOutcome::default()
            }
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let ctx = FileContext {
        catalog,
        options,
        display: &target.display,
        lines: text.split('\n').collect(),
    };
    match target.kind {
        TargetKind::Yaml => scan_yaml(text, &ctx, engine),
        TargetKind::Json => match json_manifest_text(text) {
            Some(yaml_text) => match json_syntax_error(text) {
                None => scan_yaml(&yaml_text, &ctx, engine),
                Some((span, detail)) => {
                    let params = BTreeMap::from([
                        ("detail".to_string(), detail),
                        ("variant".to_string(), "json".to_string()),
                    ]);
                    let finding = ctx.finding("LNT001", span, Vec::new(), params);
                    TargetOutcome {
                        findings: vec![finding],
                        ..TargetOutcome::default()
                    }
                }
            },
            None => TargetOutcome {
                not_an_input: true,
                ..TargetOutcome::default()
            },
        },
        TargetKind::Dockerfile => scan_dockerfile(text, &ctx, engine),
        TargetKind::HelmChart => TargetOutcome::default(),
    }
}

pub(crate) enum ReadProblem {
    TooLarge(u64),
    Unreadable(String),
    NotText { span: Span, detail: String },
}

impl ReadProblem {
    pub(crate) fn into_finding(
        self,
        catalog: &Catalog,
        options: &ScanOptions,
        display: &str,
    ) -> Finding {
        let (rule, span, params) = match self {
            ReadProblem::TooLarge(size) => (
                "LNT006",
                start_of_file(),
                BTreeMap::from([
                    ("size".to_string(), mebibytes(size)),
                    ("limit".to_string(), mebibytes(options.max_file_size)),
                ]),
            ),
            ReadProblem::Unreadable(detail) => (
                "LNT005",
                start_of_file(),
                BTreeMap::from([("detail".to_string(), detail)]),
            ),
            ReadProblem::NotText { span, detail } => (
                "LNT005",
                span,
                BTreeMap::from([("detail".to_string(), detail)]),
            ),
        };
        let ctx = FileContext {
            catalog,
            options,
            display,
            lines: Vec::new(),
        };
        ctx.finding(rule, span, Vec::new(), params)
    }
}

/// A size as people read it: `8 MiB`, `12.5 MiB`, `300 KiB`, `512 bytes`.
fn mebibytes(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    let one_decimal = |value: f64| {
        let text = format!("{value:.1}");
        text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
    };
    if bytes >= MIB {
        format!("{} MiB", one_decimal(bytes as f64 / MIB as f64))
    } else if bytes >= KIB {
        format!("{} KiB", one_decimal(bytes as f64 / KIB as f64))
    } else {
        format!("{bytes} bytes")
    }
}

/// UTF-16 text (with a byte-order mark, or ASCII text with every other byte zero): read as
/// bytes it looks binary, but it is text in an encoding Kubernetes and Docker do not read.
fn utf16_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let pairs: Vec<&[u8]> = bytes.chunks_exact(2).take(256).collect();
    if pairs.len() < 4 {
        return false;
    }
    let ascii = |b: u8| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7F).contains(&b);
    let le = pairs.iter().filter(|p| ascii(p[0]) && p[1] == 0).count();
    let be = pairs.iter().filter(|p| p[0] == 0 && ascii(p[1])).count();
    le.max(be) * 10 >= pairs.len() * 9
}

pub(crate) fn read_text(path: &Path, max_size: u64) -> Result<String, ReadProblem> {
    let size = std::fs::metadata(path)
        .map_err(|e| ReadProblem::Unreadable(e.to_string()))?
        .len();
    if size > max_size {
        return Err(ReadProblem::TooLarge(size));
    }
    let bytes = std::fs::read(path).map_err(|e| ReadProblem::Unreadable(e.to_string()))?;
    if utf16_text(&bytes) {
        return Err(ReadProblem::NotText {
            span: start_of_file(),
            detail: "UTF-16 text, not supported (save the file as UTF-8)".to_string(),
        });
    }
    if let Some(nul) = bytes.iter().take(8192).position(|&b| b == 0) {
        return Err(ReadProblem::NotText {
            span: utf8_error_position(&bytes, nul),
            detail: "binary content (NUL byte)".to_string(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid_up_to = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        ReadProblem::NotText {
            span: utf8_error_position(&bytes, valid_up_to),
            detail: format!("not valid UTF-8 (byte {valid_up_to})"),
        }
    })
}

pub(crate) fn path_segments(path: &[serde_json::Value]) -> Vec<PathSegment> {
    path.iter()
        .filter_map(|seg| match seg {
            serde_json::Value::String(s) => Some(PathSegment::Key(s.clone())),
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(|i| PathSegment::Index(usize::try_from(i).unwrap_or(usize::MAX))),
            _ => None,
        })
        .collect()
}

fn object_ref(node: &Node) -> Option<ObjectRef> {
    let api_version = node.get("apiVersion")?.as_str()?.to_string();
    let kind = node.get("kind")?.as_str()?.to_string();
    let metadata = node.get("metadata");
    let field = |name: &str| {
        metadata
            .and_then(|m| m.get(name))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    Some(ObjectRef {
        api_version,
        kind,
        namespace: field("namespace"),
        name: field("name")
            .or_else(|| field("generateName"))
            .unwrap_or_default(),
    })
}

/// Kubernetes objects of a document: the object itself, or the items of a `List` kind.
pub(crate) fn objects(root: &Node) -> Vec<(&Node, ObjectRef)> {
    let Some(obj) = object_ref(root) else {
        return Vec::new();
    };
    if obj.kind.ends_with("List") {
        if let Some(Value::Seq(items)) = root.get("items").map(|n| &n.value) {
            return items
                .iter()
                .filter_map(|item| object_ref(item).map(|o| (item, o)))
                .collect();
        }
    }
    vec![(root, obj)]
}

/// The text of a `*.json` file to load as YAML when it holds a Kubernetes manifest (what
/// `kubectl apply -f` accepts: an object, or a `List`, with `apiVersion` and `kind` at its top
/// level), else `None` (`package.json`, `tsconfig.json`...). JSON is YAML once its tabs, which
/// JSON allows only between tokens, are spaces: same length, so every position stays exact. A
/// file that does not load but names both fields at its top is kept, to report why it fails.
fn json_manifest_text(text: &str) -> Option<String> {
    let text = text.replace('\t', " ");
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let stream = yaml::load(&text, yaml::Limits::default());
    let is_manifest = |node: &Node| {
        node.get("apiVersion").and_then(Node::as_str).is_some()
            && node.get("kind").and_then(Node::as_str).is_some()
    };
    match stream.documents.first() {
        Some(doc) => is_manifest(&doc.root).then_some(text),
        None => (text.contains("\"apiVersion\"") && text.contains("\"kind\"")).then_some(text),
    }
}

/// Where and why a manifest's JSON is not JSON, read as kubectl reads a `.json` file (a stream of
/// JSON values, strictly: no trailing comma, no comment, no YAML-only syntax), else `None`.
fn json_syntax_error(text: &str) -> Option<(Span, String)> {
    let error = serde_json::Deserializer::from_str(text)
        .into_iter::<serde::de::IgnoredAny>()
        .find_map(Result::err)?;
    let message = error.to_string();
    // serde_json appends the position, which the finding carries already.
    let detail = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    let line = error.line().max(1);
    let line_text = text.split('\n').nth(line - 1).unwrap_or("");
    let byte = error.column().saturating_sub(1);
    // serde_json reads `{"a": 1,}` as a missing key; the writer left a comma behind.
    // (`get`: a column inside a multi-byte character gives no slice rather than a panic.)
    let rest = line_text.get(byte..).unwrap_or("");
    let after_comma = text
        .get(..line_start(text, line) + byte)
        .is_some_and(|before| before.trim_end().ends_with(','));
    let detail = match rest.chars().next() {
        Some(c @ ('}' | ']')) if after_comma => format!("trailing comma before `{c}`"),
        _ => detail,
    };
    // serde_json counts bytes from 1 (0 at a line's start); spans count characters from 1.
    let before = line_text
        .char_indices()
        .take_while(|(i, _)| *i < byte)
        .count();
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    let column = u32::try_from(before + 1).unwrap_or(u32::MAX);
    Some((
        Span::new(Position::new(line, column), Position::new(line, column + 1)),
        detail,
    ))
}

/// Byte offset of the start of 1-based `line`.
fn line_start(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum()
}

fn scan_yaml(text: &str, ctx: &FileContext<'_>, engine: &mut RuleEngine) -> TargetOutcome {
    let stream = yaml::load(text, ctx.options.yaml_limits);
    let mut outcome = TargetOutcome {
        inline_derogations: derogation::comment_derogations(ctx.display, &ctx.lines),
        ..TargetOutcome::default()
    };
    for error in &stream.errors {
        let rule = match error.kind {
            yaml::YamlErrorKind::Syntax => "LNT001",
            yaml::YamlErrorKind::DuplicateKey => "LNT002",
            yaml::YamlErrorKind::Limit => "LNT008",
        };
        outcome
            .findings
            .push(ctx.lint(rule, error.span, error.message.clone()));
    }
    for document in &stream.documents {
        for (node, object) in objects(&document.root) {
            if skip_test_hook(ctx.options, node) {
                outcome.skipped_test_hooks += 1;
                continue;
            }
            outcome.documents += 1;
            outcome.objects.push(ObjectSeen {
                file: ctx.display.to_string(),
                line: node.span.start.line,
                object: object.clone(),
            });
            outcome
                .inline_derogations
                .extend(annotation_derogations(ctx.display, node, &object));
            let value = node.to_rego();
            if ctx.options.bundles {
                outcome.bundle_members.push(BundleMember {
                    file: ctx.display.to_string(),
                    node: node.clone(),
                    value: value.clone(),
                    object: object.clone(),
                    rendered: None,
                });
            }
            match engine.evaluate(&Family::Kubernetes, &object.kind, value) {
                Ok(raw) => {
                    for r in raw {
                        outcome.findings.push(locate_yaml(ctx, node, &object, r));
                    }
                }
                Err(e) => {
                    let span = yaml::locate(node, &[]).span;
                    let mut finding = ctx.lint("LNT011", span, e.to_string());
                    finding.object = Some(object.clone());
                    outcome.findings.push(finding);
                }
            }
        }
    }
    outcome
}

/// Whether a Helm test hook is left out of the checks (the default).
pub(crate) fn skip_test_hook(options: &ScanOptions, object: &Node) -> bool {
    !options.helm.check_test_hooks && crate::helm_hooks::is_test_only(object)
}

/// `cct-lint/derogation.<ID>: "justification; reference=...; expires=..."` annotations.
pub(crate) fn annotation_derogations(
    file: &str,
    node: &Node,
    object: &ObjectRef,
) -> Vec<Derogation> {
    let Some(Value::Map(annotations)) = node
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .map(|a| &a.value)
    else {
        return Vec::new();
    };
    annotations
        .iter()
        .filter_map(|entry| {
            let id = entry.key.strip_prefix(derogation::ANNOTATION_PREFIX)?;
            let text = entry.value.as_str().unwrap_or_default();
            let (justification, reference, expires) = derogation::parse_inline_text(text);
            Some(Derogation {
                rules: vec![id.to_string()],
                scope: derogation::Scope::Object {
                    file: file.to_string(),
                    object: object.clone(),
                },
                justification,
                reference,
                expires,
                kind: crate::finding::SuppressionKind::Inline,
                file: file.to_string(),
                span: entry.key_span,
            })
        })
        .collect()
}

fn locate_yaml(ctx: &FileContext<'_>, node: &Node, object: &ObjectRef, raw: RawFinding) -> Finding {
    let located = yaml::locate(node, &path_segments(&raw.path));
    let mut finding = ctx.finding(&raw.rule_id, located.span, raw.path, raw.params);
    finding.object = Some(object.clone());
    finding
}

fn scan_dockerfile(text: &str, ctx: &FileContext<'_>, engine: &mut RuleEngine) -> TargetOutcome {
    let parsed = dockerfile::parse(text);
    let mut outcome = TargetOutcome {
        documents: 1,
        inline_derogations: derogation::comment_derogations(ctx.display, &ctx.lines),
        ..TargetOutcome::default()
    };
    for error in &parsed.errors {
        outcome
            .findings
            .push(ctx.lint("LNT004", error.span, error.message.clone()));
    }
    if parsed.stages.is_empty() {
        return outcome;
    }
    let input = regorus::Value::from(parsed.to_input());
    match engine.evaluate(&Family::Dockerfile, "", input) {
        Ok(raw) => {
            for r in raw {
                let span = parsed.span_for_path(&r.path).unwrap_or_else(start_of_file);
                let stage = match (r.path.first(), r.path.get(1)) {
                    (Some(serde_json::Value::String(s)), Some(serde_json::Value::Number(n)))
                        if s == "stages" =>
                    {
                        n.as_u64()
                            .and_then(|i| parsed.stages.get(i as usize))
                            .map(|s| {
                                s.name
                                    .clone()
                                    .unwrap_or_else(|| format!("#{}", s.index + 1))
                            })
                    }
                    _ => None,
                };
                let mut finding = ctx.finding(&r.rule_id, span, r.path, r.params);
                finding.stage = stage;
                outcome.findings.push(finding);
            }
        }
        Err(e) => outcome
            .findings
            .push(ctx.lint("LNT011", start_of_file(), e.to_string())),
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_in_binary_units() {
        assert_eq!(mebibytes(8 * 1024 * 1024), "8 MiB");
        assert_eq!(mebibytes(13_107_200), "12.5 MiB");
        assert_eq!(mebibytes(4000), "3.9 KiB");
        assert_eq!(mebibytes(512), "512 bytes");
    }

    #[test]
    fn utf16_text_is_told_apart_from_binary_content() {
        let le: Vec<u8> = "apiVersion: v1\nkind: Pod\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "apiVersion: v1\nkind: Pod\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(utf16_text(&le));
        assert!(utf16_text(&be));
        assert!(utf16_text(&[0xFF, 0xFE, b'a', 0]));
        assert!(!utf16_text(b"apiVersion: v1\n"));
        assert!(!utf16_text(&[
            0x7F, b'E', b'L', b'F', 0, 0, 1, 0, 0, 0, 2, 3
        ]));
        let dir = std::env::temp_dir().join(format!("cct-lint-utf16-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let file = dir.join("pod.yaml");
        std::fs::write(&file, &le).expect("write");
        let detail = match read_text(&file, 1 << 20) {
            Err(ReadProblem::NotText { detail, .. }) => detail,
            _ => String::new(),
        };
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            detail,
            "UTF-16 text, not supported (save the file as UTF-8)"
        );
    }
}
