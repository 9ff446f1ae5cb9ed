//! Scan stage: runs the loaders over every discovered target, in parallel, grouped per folder
//! (a folder's objects are one bundle, evaluated by the APP rules as soon as the folder is read),
//! with the Kustomize roots built first; then groups identical findings across value sets and
//! sorts them. The dispatch per input kind is `scan_target`; every problem with a target (a
//! panic inside a loader included) becomes a located LNT finding and the scan goes on.
//! It never writes to the scanned tree and never prints.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::prelude::*;

use crate::catalog::{Catalog, Family};
use crate::config::ScanOptions;
use crate::coverage::ChartCoverage;
use crate::derogation::{self, Derogation};
use crate::discover::{Discovery, Target, TargetKind};
use crate::evaluate::RuleEngine;
use crate::finding::{Finding, Lint, ObjectSeen, RootSeen};
use crate::load::{self, read_text, BundleMember, TargetOutcome};
use crate::locate::{lint_without_source, path_segments, FileContext};
use crate::parse::yaml;

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
    pub charts: Vec<ChartCoverage>,
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
    // A pool of its own only when the current one (main sizes the global pool after
    // `--threads`) is not of the size asked.
    let pool = (options.threads > 0 && rayon::current_num_threads() != options.threads)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(options.threads)
                .build()
                .ok()
        })
        .flatten();
    let application_files = in_pool(pool.as_ref(), || {
        crate::argo::application_files(&discovery.targets, options)
    });
    let (prepared, application_notes) =
        load::chart::prepare(discovery, &application_files, catalog, options);
    let options = &prepared;
    // Root kustomizations are built first; the files their builds read, and every file of a
    // kustomization's folder, are checked through the roots: alone, only for their syntax.
    let plan = crate::kustomize_scan::plan(&discovery.targets, &application_files);
    drop(application_files);
    let build_roots = || {
        plan.roots
            .par_iter()
            .map_init(
                || engine.clone(),
                |engine, root| {
                    catch_unwind(AssertUnwindSafe(|| {
                        crate::kustomize_scan::scan_root(root, engine, catalog, options)
                    }))
                    .map(|mut r| {
                        fingerprint(&mut r.outcome.findings);
                        r
                    })
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
    let roots = in_pool(pool.as_ref(), build_roots);
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
            && outcome
                .findings
                .iter()
                .any(|f| f.rule_id == Lint::InvalidYaml.id())
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
                for outcome in &mut outcomes {
                    fingerprint(&mut outcome.findings);
                }
                outcomes
            })
            .collect::<Vec<_>>()
    };
    let mut outcomes = in_pool(pool.as_ref(), run);
    let kustomizations: Vec<RootSeen> = plan
        .roots
        .iter()
        .zip(&roots)
        .map(|(root, r)| {
            let first = |id: &str| r.outcome.findings.iter().find(|f| f.rule_id == id).cloned();
            RootSeen {
                dir: root.name(),
                refused: first(Lint::KustomizeBuildFailed.id())
                    .or_else(|| first(Lint::InternalError.id())),
                left_out: first(Lint::KustomizePartNotChecked.id()),
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
    let found = outcomes
        .iter()
        .flatten()
        .map(|o| o.findings.len())
        .sum::<usize>();
    result.findings.reserve(found + application_notes.len());
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
            Lint::KustomizePartNotChecked.id(),
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
            Lint::WalkError.id(),
            BTreeMap::from([("detail".to_string(), problem.detail.clone())]),
        ));
    }
    fingerprint(&mut result.findings);
    for outcome in outcomes.into_iter().flatten() {
        result.documents += outcome.documents;
        result.skipped_test_hooks += outcome.skipped_test_hooks;
        result.findings.extend(outcome.findings);
        result.objects.extend(outcome.objects);
        result.inline_derogations.extend(outcome.inline_derogations);
        result.charts.extend(outcome.charts);
    }
    result.charts.sort();
    result.findings = group_by_place(result.findings);
    sort_findings(&mut result.findings);
    result.objects.sort();
    result
}

/// Runs `work` in the scan's own pool when it has one, else in rayon's current pool.
fn in_pool<R: Send>(pool: Option<&rayon::ThreadPool>, work: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Gives each finding its fingerprint, once it will not change any more: in the workers, so
/// the single thread that gathers the findings only moves them.
fn fingerprint(findings: &mut [Finding]) {
    for f in findings {
        f.fingerprint = f.fingerprint_for(&f.file);
    }
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
        Lint::InternalError.id(),
        BTreeMap::from([("detail".to_string(), detail)]),
    )
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
            return vec![ctx.lint(
                Lint::RuleEvaluationFailed.id(),
                yaml::locate(&first.node, &[]).span,
                e.to_string(),
            )];
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
        // The path inside the object, as for a rendered member (the bundle's `objects/<i>`
        // changed whenever a file was added to the folder, and the findings became new).
        let mut finding = ctx.finding(&r.rule_id, located.span, r.path[2..].to_vec(), r.params);
        finding.object = Some(Box::new(member.object.clone()));
        finding.legacy_path = Some(crate::finding::NodePath::new(&r.path));
        out.push(finding);
    }
    out
}

/// One finding per place: findings identical in rule, file, position and message under
/// several value sets (or kustomize roots) become one, listing them in `value_sets`. Within
/// one set, findings at one place stay apart (a `range` writes several objects from one
/// line). The one kept is the first set's (no set first, then by name): its fingerprint,
/// object and path are what a single-set scan gives; the related locations of all are kept.
pub fn group_by_place(findings: Vec<Finding>) -> Vec<Finding> {
    fn place(f: &Finding) -> impl Ord + '_ {
        (&f.file, f.span, &f.rule_id, &f.params)
    }
    // Sorted through their indices: a finding is large, and a sort moving them all several
    // times was most of this function.
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&findings[a], &findings[b]);
        place(a)
            .cmp(&place(b))
            .then_with(|| a.value_set.cmp(&b.value_set))
            .then_with(|| a.sort_key().cmp(&b.sort_key()))
    });
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    let mut out: Vec<Finding> = Vec::with_capacity(slots.len());
    // The sets each kept finding stands for (`None`: the chart's defaults, or no set).
    let mut sets_of: Vec<Vec<Option<String>>> = Vec::with_capacity(slots.len());
    let mut group_start = 0;
    for mut f in order.into_iter().filter_map(|i| slots[i].take()) {
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
        return load::chart::check(target, engine, catalog, options);
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
        TargetKind::Yaml => load::manifest::check_yaml(text, &ctx, engine),
        TargetKind::Json => load::manifest::check_json(text, &ctx, engine),
        TargetKind::Dockerfile => load::dockerfile::check(text, &ctx, engine),
        TargetKind::HelmChart => TargetOutcome::default(),
    }
}
