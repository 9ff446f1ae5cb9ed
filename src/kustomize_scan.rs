//! Kustomize stage of the scan: finds the root kustomizations of the scanned tree (those no
//! other kustomization of the tree names as a resource, component or transformer directory), builds each in-process,
//! checks every output object with the Kubernetes rules and the root's objects as one bundle
//! with the APP rules, and locates each finding where the value was last written (base line,
//! patch line, kustomization entry) with the root as a related location. A build Kustomize
//! would refuse is an LNT020 error at the kustomization line; what the build leaves out (remote
//! resources, plugins) is an LNT021 note. Must not: write files, reach the network, or check a
//! base or component on its own when a root includes it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::catalog::{Catalog, Family};
use crate::config::ScanOptions;
use crate::derogation::Derogation;
use crate::discover::{display_path, Target, TargetKind};
use crate::evaluate::RuleEngine;
use crate::finding::ObjectSeen;
use crate::finding::{Finding, ObjectRef, RelatedLocation};
use crate::kustomize::build::{self, Build, Resource};
use crate::kustomize::graph::{canonical, is_component, referenced_dirs};
use crate::kustomize::tree::{KNode, Origin};
use crate::load::{annotation_derogations, TargetOutcome};
use crate::locate::{path_segments, start_of_file, FileContext};
use crate::span::{Position, Span};

/// The kustomizations of a scan: which to build, and which files they take over.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Root kustomizations: directories, sorted, then the Argo CD Applications' sources.
    pub(crate) roots: Vec<Root>,
    /// Canonical directories holding a kustomization: their files are not plain manifests.
    pub(crate) kustomization_dirs: BTreeSet<PathBuf>,
    /// Kustomization files of `kind: Component` that no kustomization of the scanned tree uses:
    /// Kustomize builds a component only inside a kustomization, so these are not checked.
    pub(crate) unused_components: Vec<PathBuf>,
}

/// One build to check: a root kustomization directory, or an Argo CD Application's source
/// (that directory with the Application's `kustomize` block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Root {
    pub(crate) dir: PathBuf,
    pub(crate) application: Option<crate::argo::KustomizeSource>,
}

impl Root {
    /// The root's name: its directory, or the Application's name.
    pub(crate) fn name(&self) -> String {
        match &self.application {
            Some(app) => app.application.clone(),
            None => display_path(&self.dir),
        }
    }
}

/// Finds the kustomizations among the targets and decides the roots.
pub(crate) fn plan(targets: &[Target], application_files: &[crate::argo::ApplicationFile]) -> Plan {
    let mut dirs: BTreeMap<PathBuf, (PathBuf, PathBuf)> = BTreeMap::new();
    for t in targets.iter().filter(|t| t.kind == TargetKind::Yaml) {
        let is_kustomization = t
            .path
            .file_name()
            .is_some_and(|n| build::KUSTOMIZATION_FILES.iter().any(|k| n == *k));
        if let (true, Some(dir)) = (is_kustomization, t.path.parent()) {
            dirs.insert(canonical(dir), (dir.to_path_buf(), t.path.clone()));
        }
    }
    let mut referenced = BTreeSet::new();
    for dir in dirs.keys() {
        referenced.extend(referenced_dirs(dir));
    }
    let mut roots = Vec::new();
    let mut unused_components = Vec::new();
    for (canonical_dir, (dir, file)) in &dirs {
        if referenced.contains(canonical_dir) {
            continue;
        }
        if is_component(file) {
            unused_components.push(file.clone());
        } else {
            roots.push(Root {
                dir: dir.clone(),
                application: None,
            });
        }
    }
    let all: Vec<PathBuf> = dirs.values().map(|(dir, _)| dir.clone()).collect();
    roots.extend(
        crate::argo::kustomize_sources(application_files, &all)
            .into_iter()
            .map(|app| Root {
                dir: app.dir.clone(),
                application: Some(app),
            }),
    );
    Plan {
        roots,
        kustomization_dirs: dirs.into_keys().collect(),
        unused_components,
    }
}

/// What checking one root gave, and the files its build read (canonical paths).
pub(crate) struct RootOutcome {
    pub(crate) outcome: TargetOutcome,
    pub(crate) files: Vec<PathBuf>,
}

/// The file an origin points into, with its display path and lines.
struct Sources<'a> {
    build: &'a Build,
    displays: Vec<String>,
}

impl<'a> Sources<'a> {
    fn new(build: &'a Build) -> Self {
        Self {
            build,
            displays: build.files.iter().map(|f| display_path(&f.path)).collect(),
        }
    }

    fn display(&self, origin: Origin) -> &str {
        self.displays
            .get(origin.file as usize)
            .map_or("", String::as_str)
    }

    fn ctx<'b>(
        &'b self,
        origin: Origin,
        catalog: &'b Catalog,
        options: &'b ScanOptions,
    ) -> FileContext<'b> {
        FileContext {
            catalog,
            options,
            display: self.display(origin),
            lines: self.build.file_text(origin).split('\n').collect(),
        }
    }
}

fn object_ref(r: &Resource) -> ObjectRef {
    ObjectRef {
        api_version: r.api_version().to_string(),
        kind: r.kind().to_string(),
        namespace: Some(r.namespace().to_string()).filter(|n| !n.is_empty()),
        name: r.name().to_string(),
    }
}

/// Builds and checks one root kustomization (with its Application's `kustomize` block).
pub(crate) fn scan_root(
    root: &Root,
    engine: &mut RuleEngine,
    catalog: &Catalog,
    options: &ScanOptions,
) -> RootOutcome {
    let dir = root.dir.as_path();
    let application = root.application.as_ref();
    let (built, result) = build::build_with(dir, application.map(|a| &a.overlay));
    let sources = Sources::new(&built);
    let root_name = root.name();
    let root_file = built
        .kustomizations
        .first()
        .map(|p| display_path(p))
        .unwrap_or_else(|| root_name.clone());
    let root_related = || {
        let line = built
            .files
            .iter()
            .find(|f| built.kustomizations.first() == Some(&f.path))
            .and_then(|f| f.text.lines().next())
            .map(|l| l.trim_end_matches('\r').to_string());
        RelatedLocation {
            file: root_file.clone(),
            span: Span::new(
                Position::new(1, 1),
                Position::new(1, line.as_ref().map_or(1, |l| l.chars().count() as u32 + 1)),
            ),
            values_path: String::new(),
            source_line: line,
            application: None,
        }
    };
    let mut outcome = TargetOutcome::default();
    let finish = |mut f: Finding| {
        f.value_set = Some(root_name.clone());
        f.related = application
            .map(|a| a.related.clone())
            .into_iter()
            .chain([root_related()])
            .collect();
        f
    };
    for note in &built.notes {
        let ctx = sources.ctx(note.origin, catalog, options);
        let mut params = BTreeMap::from([
            ("root".to_string(), root_name.clone()),
            ("detail".to_string(), note.message.clone()),
        ]);
        if let Some(variant) = note_variant(&note.message) {
            params.insert("variant".to_string(), variant.to_string());
        }
        outcome.findings.push(finish(ctx.finding(
            "LNT021",
            note.origin.span,
            Vec::new(),
            params,
        )));
    }
    if let Err(e) = &result {
        let ctx = sources.ctx(e.origin, catalog, options);
        let span = if e.origin.span.start.line == 0 {
            start_of_file()
        } else {
            e.origin.span
        };
        let mut params = BTreeMap::from([
            ("root".to_string(), root_name.clone()),
            ("detail".to_string(), e.message.clone()),
        ]);
        if let Some(variant) = error_variant(&e.message) {
            params.insert("variant".to_string(), variant.to_string());
        }
        let mut finding = ctx.finding("LNT020", span, Vec::new(), params);
        if finding.file.is_empty() {
            finding.file = root_file.clone();
        }
        outcome.findings.push(finish(finding));
    }
    // A chart `helmCharts` inflates is checked through this root, like a base; the
    // Application is checked as itself.
    let files: Vec<PathBuf> = built
        .files
        .iter()
        .filter(|f| application.is_none_or(|a| a.overlay.file != f.path))
        .map(|f| canonical(&f.path))
        .chain(built.charts.iter().map(|c| canonical(c)))
        .collect();
    if result.is_err() {
        return RootOutcome { outcome, files };
    }
    let mut members: Vec<(usize, regorus::Value)> = Vec::new();
    for (index, r) in built.resources.iter().enumerate() {
        let object = object_ref(r);
        let head = r.node.locate(&[]).0;
        outcome.documents += 1;
        outcome.objects.push(ObjectSeen {
            file: sources.display(head).to_string(),
            line: head.span.start.line,
            object: object.clone(),
        });
        let value = r.node.to_rego();
        let mut found = Vec::new();
        match engine.evaluate(&Family::Kubernetes, &object.kind, value.clone()) {
            Ok(raw) => {
                for raw in raw {
                    found.push(locate(
                        &sources,
                        &r.node,
                        &object,
                        catalog,
                        options,
                        raw.rule_id,
                        raw.path,
                        raw.params,
                    ));
                }
            }
            Err(e) => {
                let ctx = sources.ctx(head, catalog, options);
                let mut f = ctx.lint("LNT011", head.span, e.to_string());
                f.object = Some(Box::new(object.clone()));
                found.push(f);
            }
        }
        outcome
            .inline_derogations
            .extend(object_derogations(&sources, r, &object, head, &found));
        outcome.findings.extend(found.into_iter().map(&finish));
        members.push((index, value));
    }
    if options.bundles && !members.is_empty() {
        let input = regorus::Value::from(BTreeMap::from([
            (
                regorus::Value::from("name"),
                regorus::Value::from(root_name.as_str()),
            ),
            (
                regorus::Value::from("objects"),
                regorus::Value::from(members.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()),
            ),
        ]));
        match engine.evaluate(&Family::Bundle, "", input) {
            Ok(raw) => {
                for raw in raw {
                    let index = raw.path.get(1).and_then(serde_json::Value::as_u64);
                    let (Some("objects"), Some(r)) = (
                        raw.path.first().and_then(serde_json::Value::as_str),
                        index.and_then(|i| built.resources.get(i as usize)),
                    ) else {
                        continue;
                    };
                    let object = object_ref(r);
                    let f = locate(
                        &sources,
                        &r.node,
                        &object,
                        catalog,
                        options,
                        raw.rule_id,
                        raw.path[2..].to_vec(),
                        raw.params,
                    );
                    outcome.findings.push(finish(f));
                }
            }
            Err(e) => {
                let head = built.resources[0].node.locate(&[]).0;
                let ctx = sources.ctx(head, catalog, options);
                outcome
                    .findings
                    .push(finish(ctx.lint("LNT011", head.span, e.to_string())));
            }
        }
    }
    RootOutcome { outcome, files }
}

/// The LNT020 wording for Kustomize's common refusals (told in the reader's language).
fn error_variant(message: &str) -> Option<&'static str> {
    Some(if message.starts_with("security; file") {
        "outside_folder"
    } else if message.contains("no such file or directory")
        || message.contains("unable to find one of")
    {
        "missing_file"
    } else if message.starts_with("cycle:") {
        "cycle"
    } else if message.contains("resource matches for patch")
        || message.contains("resources match for patch")
    {
        "patch_target"
    } else if message.contains("already registered id") {
        "conflicting_ids"
    } else if message.ends_with("kustomization.yaml is empty") {
        "empty"
    } else if message.starts_with("Helm chart `") {
        "helm_chart"
    } else {
        return None;
    })
}

/// The LNT021 wording: a remote part, or something this build does not apply.
fn note_variant(message: &str) -> Option<&'static str> {
    if message.contains("not checked here") {
        Some("remote")
    } else if message.contains("not applied here") {
        Some("not_applied")
    } else {
        None
    }
}

#[allow(clippy::too_many_arguments)]
fn locate(
    sources: &Sources<'_>,
    node: &KNode,
    object: &ObjectRef,
    catalog: &Catalog,
    options: &ScanOptions,
    rule_id: String,
    path: Vec<serde_json::Value>,
    params: BTreeMap<String, String>,
) -> Finding {
    let segments = path_segments(&path);
    let (mut origin, exact) = node.locate(&segments);
    if exact {
        // A rule reports a missing field at the mapping that should hold it: when a JSON
        // patch's `remove` took that field out (the finding names it), the finding lands on
        // the operation's `path:` line.
        let removed = node.at(&segments).map_or(&[][..], |n| n.removed.as_slice());
        let named = |key: &str| {
            params.values().any(|v| {
                v.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .any(|w| w == key)
            })
        };
        if let Some((_, at)) = removed.iter().rev().find(|(key, _)| named(key)) {
            origin = *at;
        }
    }
    let ctx = sources.ctx(origin, catalog, options);
    let mut finding = ctx.finding(&rule_id, origin.span, path, params);
    finding.object = Some(Box::new(object.clone()));
    finding
}

/// `cct-lint/derogation.*` annotations of a built object: they cover the object's findings in
/// whichever file they landed (base, patch or kustomization).
fn object_derogations(
    sources: &Sources<'_>,
    r: &Resource,
    object: &ObjectRef,
    head: Origin,
    found: &[Finding],
) -> Vec<Derogation> {
    let annotations = r
        .node
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .map(|a| a.entries().to_vec())
        .unwrap_or_default();
    let mut out = Vec::new();
    for entry in annotations {
        let mut node = r.node.to_yaml();
        // One annotation at a time, written where the annotation was written.
        let file = sources.display(entry.key_origin).to_string();
        if let crate::parse::yaml::Value::Map(entries) = &mut node.value {
            for e in entries.iter_mut().filter(|e| e.key == "metadata") {
                if let crate::parse::yaml::Value::Map(meta) = &mut e.value.value {
                    for m in meta.iter_mut().filter(|m| m.key == "annotations") {
                        if let crate::parse::yaml::Value::Map(a) = &mut m.value.value {
                            a.retain(|x| x.key == entry.key);
                        }
                    }
                }
            }
        }
        let base = annotation_derogations(&file, &node, object);
        for d in base {
            let rule = d.rules.first().cloned().unwrap_or_default();
            let files: BTreeSet<&str> = found
                .iter()
                .filter(|f| f.rule_id == rule)
                .map(|f| f.file.as_str())
                .collect();
            if files.is_empty() {
                let mut d = d;
                if d.file.is_empty() {
                    d.file = sources.display(head).to_string();
                }
                out.push(d);
                continue;
            }
            for f in files {
                let mut d = d.clone();
                d.scope = crate::derogation::Scope::Object {
                    file: f.to_string(),
                    object: object.clone(),
                };
                out.push(d);
            }
        }
    }
    out
}
