//! Helm chart loader: renders a Helm chart in-process once per value set, checks every
//! rendered object with the Kubernetes rules, the chart as a bundle with the APP rules and its
//! sources (Chart.yaml, values*.yaml, rendered images) with the HELM rules, and maps every
//! finding back to the template line that produced it, plus the values line that gave the
//! offending value. A chart that does not render is an LNT003 error at Helm's position.
//! Must not: write files, call a `helm` binary, reach the network, or drop a chart silently.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalog::{Catalog, Family};
use crate::config::{ChartSettings, ScanOptions, ValueSet};
use crate::coverage::{ChartCoverage, ChartStatus, CoveredDependency};
use crate::derogation;
use crate::discover::{display_path, Target};
use crate::evaluate::RuleEngine;
use crate::finding::{Finding, Lint};
use crate::load::{check_objects, read_text, BundleMember, ObjectSinks, TargetOutcome};
use crate::locate::{
    find_key, lint_without_source, path_segments, start_of_file, FileContext, Locator, RenderedDoc,
    ValuesSource,
};
use crate::parse::yaml::{self, Node, Value};
use crate::render::{self, Provenance, RenderOptions, RenderedChart};
use crate::span::{Position, Span};

/// Helm's `SplitManifests` with positions: `(byte offset, text)` of each non-empty document.
fn split_documents(text: &str) -> Vec<(usize, &str)> {
    let mut docs = Vec::new();
    let mut doc_start = 0;
    let mut offset = 0;
    let mut push = |from: usize, to: usize| {
        let raw = &text[from..to];
        let trimmed = raw.trim_start();
        let lead = raw.len() - trimmed.len();
        let trimmed = trimmed.trim_end();
        if !trimmed.is_empty() {
            docs.push((from + lead, trimmed));
        }
    };
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare
            .strip_prefix("---")
            .is_some_and(|r| r.trim().is_empty())
        {
            push(doc_start, offset);
            doc_start = offset + line.len();
        }
        offset += line.len();
    }
    push(doc_start, text.len());
    docs
}

/// Display path of a file inside the chart: the chart's display path joined with the rest.
fn display_in_chart(target: &Target, file: &Path) -> String {
    match file.strip_prefix(&target.path) {
        Ok(rest) if !rest.as_os_str().is_empty() => {
            let rest = rest.to_string_lossy().replace('\\', "/");
            // A chart at the root of the scan is `.`: its files are `Chart.yaml`, not
            // `./Chart.yaml`, as every other path is written.
            match target.display.trim_end_matches('/') {
                "." | "" => rest,
                dir => format!("{dir}/{rest}"),
            }
        }
        _ => display_path(file),
    }
}

/// Where the `.Values` of a (sub)chart come from, in the order a value is looked for:
/// value-set files (they win), the top chart's values.yaml, then a subchart's own; as the
/// render parsed them (no file is read again).
fn values_sources(
    target: &Target,
    rendered: &RenderedChart,
    set: Option<&ValueSet>,
    chart_dir: &Path,
    prefix: &[String],
) -> Vec<ValuesSource> {
    // A subchart packaged in an archive has no values file on disk to point at.
    let source = |path: &Path, display: String, prefix: Vec<String>| {
        let file = rendered.values_file(path).filter(|_| path.is_file())?;
        Some(ValuesSource {
            display,
            file: file.clone(),
            prefix,
        })
    };
    let mut list: Vec<ValuesSource> = set
        .map(|s| s.files.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|f| source(f, display_path(f), prefix.to_vec()))
        .collect();
    let top = target.path.join("values.yaml");
    list.extend(source(
        &top,
        display_in_chart(target, &top),
        prefix.to_vec(),
    ));
    if !prefix.is_empty() {
        let own = chart_dir.join("values.yaml");
        list.extend(source(&own, display_in_chart(target, &own), Vec::new()));
    }
    list
}

/// Helm refuses values that break a chart's `values.schema.json` (the top chart's, and each
/// subchart's under its name or alias): one LNT003 per violation, at the values line when the
/// value is in a values file, else at the schema.
#[allow(clippy::too_many_arguments)]
fn schema_findings(
    target: &Target,
    chart_yaml: &ChartYaml,
    chart_name: &str,
    set: Option<&ValueSet>,
    rendered: &RenderedChart,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Vec<Finding> {
    let values = &rendered.values;
    let mut schemas: Vec<(String, PathBuf, Vec<String>)> =
        vec![(chart_name.to_string(), target.path.clone(), Vec::new())];
    let aliases: BTreeMap<String, String> = chart_yaml
        .root
        .as_ref()
        .and_then(|r| r.get("dependencies"))
        .and_then(|d| match &d.value {
            Value::Seq(items) => Some(items),
            _ => None,
        })
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let name = d.get("name")?.as_str()?.to_string();
            let alias = d
                .get("alias")
                .and_then(Node::as_str)
                .unwrap_or(&name)
                .to_string();
            Some((name, alias))
        })
        .collect();
    if let Ok(entries) = std::fs::read_dir(target.path.join("charts")) {
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("values.schema.json").is_file())
            .collect();
        dirs.sort();
        for dir in dirs {
            let name = std::fs::read_to_string(dir.join("Chart.yaml"))
                .ok()
                .and_then(|t| {
                    yaml::load(&t, options.yaml_limits)
                        .documents
                        .into_iter()
                        .next()
                })
                .and_then(|d| {
                    d.root
                        .get("name")
                        .and_then(Node::as_str)
                        .map(str::to_string)
                });
            let Some(name) = name else { continue };
            let key = aliases.get(&name).cloned().unwrap_or(name.clone());
            schemas.push((name, dir, vec![key]));
        }
    }
    let mut out = Vec::new();
    for (name, dir, prefix) in schemas {
        let schema_path = dir.join("values.schema.json");
        let Ok(text) = read_text(&schema_path, options.max_file_size) else {
            continue;
        };
        let schema_display = display_in_chart(target, &schema_path);
        let lines: Vec<&str> = text.split('\n').collect();
        let schema_ctx = FileContext {
            catalog,
            options,
            display: &schema_display,
            lines: lines.clone(),
        };
        let detail_of = |message: String| {
            BTreeMap::from([
                ("chart".to_string(), chart_name.to_string()),
                ("detail".to_string(), message),
            ])
        };
        let validator = serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|e| e.to_string())
            .and_then(|mut schema| {
                normalise_dialect(&mut schema);
                jsonschema::validator_for(&schema).map_err(|e| e.to_string())
            });
        let validator = match validator {
            Ok(v) => v,
            Err(e) => {
                let detail = format!("{name}: invalid values.schema.json: {e}");
                out.push(schema_ctx.finding(
                    Lint::HelmRenderFailed.id(),
                    start_of_file(),
                    Vec::new(),
                    detail_of(detail),
                ));
                continue;
            }
        };
        let instance = prefix
            .iter()
            .try_fold(values, |v, k| v.get(k))
            .cloned()
            .unwrap_or(serde_json::Value::Object(Default::default()));
        let sources = values_sources(target, rendered, set, &dir, &prefix);
        for error in validator.iter_errors(&instance) {
            let pointer = error.instance_path.to_string();
            let detail = format!(
                "values don't meet the specifications of the schema(s) in the following chart(s): {name}: at '{}': {error}",
                if pointer.is_empty() { "/" } else { &pointer }
            );
            let path: Vec<String> = pointer
                .split('/')
                .skip(1)
                .map(|seg| seg.replace("~1", "/").replace("~0", "~"))
                .collect();
            let located = sources.iter().find_map(|source| {
                let full: Vec<String> = source.prefix.iter().chain(path.iter()).cloned().collect();
                let (span, _) = find_key(&source.file.root, &full)?;
                Some((source, span))
            });
            let mut finding = match located {
                Some((source, span)) => FileContext {
                    catalog,
                    options,
                    display: &source.display,
                    lines: source.file.text.split('\n').collect(),
                }
                .finding(
                    Lint::HelmRenderFailed.id(),
                    span,
                    Vec::new(),
                    detail_of(detail),
                ),
                None => schema_ctx.finding(
                    Lint::HelmRenderFailed.id(),
                    start_of_file(),
                    Vec::new(),
                    detail_of(detail),
                ),
            };
            finding.value_set = set.map(|s| s.name.clone());
            out.push(finding);
        }
    }
    out
}

/// Helm accepts any `$schema` (bitnami writes `http://json-schema.org/schema`, others `https`
/// variants of the draft URIs); the validator knows only the canonical ones. Known drafts are
/// spelled canonically, anything else is dropped (2020-12 then applies, as in Helm v4).
fn normalise_dialect(schema: &mut serde_json::Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    let Some(uri) = map
        .get("$schema")
        .and_then(|v| v.as_str())
        .map(str::to_string)
    else {
        return;
    };
    let canonical = [
        ("draft-04", "http://json-schema.org/draft-04/schema"),
        ("draft-06", "http://json-schema.org/draft-06/schema"),
        ("draft-07", "http://json-schema.org/draft-07/schema"),
        ("2019-09", "https://json-schema.org/draft/2019-09/schema"),
        ("2020-12", "https://json-schema.org/draft/2020-12/schema"),
    ]
    .iter()
    .find(|(marker, _)| uri.contains(marker))
    .map(|(_, c)| *c);
    match canonical {
        Some(c) => {
            map.insert("$schema".into(), serde_json::Value::from(c));
        }
        None => {
            map.remove("$schema");
        }
    }
}

/// Chart.yaml read with positions (for HELM003 and located dependency errors).
struct ChartYaml {
    display: String,
    text: String,
    root: Option<Node>,
}

/// The scan options with what the scanned tree adds to chart rendering: where dependencies
/// are searched (the tree's charts, the configured folders, Helm's repository cache) and the
/// value sets Argo CD Applications give (for charts without configured sets); with the
/// notes about Application sources not checked here.
pub(crate) fn prepare(
    discovery: &crate::discover::Discovery,
    application_files: &[crate::argo::ApplicationFile],
    catalog: &Catalog,
    options: &ScanOptions,
) -> (ScanOptions, Vec<Finding>) {
    let mut prepared = options.clone();
    let mut dirs: Vec<PathBuf> = discovery
        .targets
        .iter()
        .filter(|t| t.kind == crate::discover::TargetKind::HelmChart)
        .map(|t| t.path.clone())
        .collect();
    if discovery.focus.is_some() {
        // Single files were named (pre-commit): the tree a chart's dependencies are looked
        // for in is its repository, not the staged files.
        dirs.extend(repository_charts(&dirs));
    }
    let mut tree: Vec<render::chart::TreeChart> = Vec::new();
    for dir in dirs {
        if tree.iter().any(|t| t.dir == dir) {
            continue;
        }
        if let Some((name, version)) = render::chart::chart_identity(&dir) {
            tree.push(render::chart::TreeChart { dir, name, version });
        }
    }
    let mut folders = options.helm.dependency_paths.clone();
    folders.extend(helm_repository_cache());
    prepared.helm.dependency_search = Arc::new(render::chart::DependencySearch {
        tree,
        folders,
        allow_missing: true,
        other_versions: false,
    });
    let apps = crate::argo::applications(application_files, discovery, catalog, options);
    for (chart, set) in apps.sets {
        let configured = options
            .helm
            .settings_for(&chart)
            .is_some_and(|s| !s.value_sets.is_empty());
        if configured {
            continue;
        }
        let wanted = std::fs::canonicalize(&chart).unwrap_or_else(|_| chart.clone());
        let slot = prepared.helm.charts.iter().position(|c| {
            std::fs::canonicalize(&c.path).unwrap_or_else(|_| c.path.clone()) == wanted
        });
        match slot {
            Some(i) => prepared.helm.charts[i].value_sets.push(set),
            None => prepared.helm.charts.push(ChartSettings {
                path: chart,
                value_sets: vec![set],
                ..ChartSettings::default()
            }),
        }
    }
    (prepared, apps.notes)
}

/// The outermost chart directories of the git repositories holding `charts` (the nearest
/// ancestor with `.git`), walked as discovery walks (`.gitignore` honoured, hidden skipped).
fn repository_charts(charts: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    for chart in charts {
        let root = chart.ancestors().find(|a| {
            let here = if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            };
            here.join(".git").exists()
        });
        if let Some(root) = root {
            let root = if root.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                root.to_path_buf()
            };
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
    }
    let mut found: Vec<PathBuf> = Vec::new();
    for root in roots {
        let walker = ignore::WalkBuilder::new(&root)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .follow_links(true)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walker.filter_map(Result::ok) {
            if entry.file_name() == "Chart.yaml" && entry.file_type().is_some_and(|t| t.is_file()) {
                if let Some(dir) = entry.path().parent() {
                    let dir = dir.strip_prefix("./").unwrap_or(dir).to_path_buf();
                    if !found.iter().any(|f| dir.starts_with(f)) {
                        found.push(dir);
                    }
                }
            }
        }
    }
    found
}

/// Helm's repository cache: `$HELM_REPOSITORY_CACHE`, else `$XDG_CACHE_HOME/helm/repository`,
/// else `~/.cache/helm/repository` (where `helm pull` and `helm dependency build` leave
/// `NAME-VERSION.tgz` archives), when it exists.
fn helm_repository_cache() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let dir = var("HELM_REPOSITORY_CACHE")
        .map(PathBuf::from)
        .or_else(|| var("XDG_CACHE_HOME").map(|c| PathBuf::from(c).join("helm/repository")))
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache/helm/repository")))?;
    dir.is_dir().then_some(dir)
}

pub(crate) fn check(
    target: &Target,
    engine: &mut RuleEngine,
    catalog: &Catalog,
    options: &ScanOptions,
) -> TargetOutcome {
    let chart_yaml_path = target.path.join("Chart.yaml");
    let chart_yaml_display = display_in_chart(target, &chart_yaml_path);
    let mut outcome = TargetOutcome::default();
    let text = match read_text(&chart_yaml_path, options.max_file_size) {
        Ok(text) => text,
        Err(problem) => {
            outcome
                .findings
                .push(problem.into_finding(catalog, options, &chart_yaml_display));
            return outcome;
        }
    };
    let stream = yaml::load(&text, options.yaml_limits);
    let chart_yaml = ChartYaml {
        display: chart_yaml_display,
        root: stream.documents.into_iter().next().map(|d| d.root),
        text,
    };
    let chart_name = chart_yaml
        .root
        .as_ref()
        .and_then(|r| r.get("name"))
        .and_then(Node::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            target
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        });
    let is_library = chart_yaml
        .root
        .as_ref()
        .and_then(|r| r.get("type"))
        .and_then(Node::as_str)
        == Some("library");

    let mut images = Vec::new();
    if is_library {
        outcome.charts.push(ChartCoverage {
            chart_dir: target.display.clone(),
            value_set: None,
            status: ChartStatus::Library,
            missing: Vec::new(),
            resolved: Vec::new(),
            reason: None,
        });
        outcome.findings.push(lint_without_source(
            catalog,
            options,
            &chart_yaml.display,
            Lint::LibraryChartNotRendered.id(),
            BTreeMap::from([("chart".to_string(), chart_name.clone())]),
        ));
    } else {
        let settings = options.helm.settings_for(&target.path);
        let sets: Vec<Option<&ValueSet>> = match settings {
            Some(s) if !s.value_sets.is_empty() => s.value_sets.iter().map(Some).collect(),
            _ => vec![None],
        };
        let mut seen_derogations = BTreeSet::new();
        for set in sets {
            let render_options = RenderOptions {
                release_name: set
                    .and_then(|s| s.release_name.clone())
                    .or_else(|| settings.and_then(|s| s.release_name.clone()))
                    .unwrap_or_else(|| "release-name".to_string()),
                namespace: set
                    .and_then(|s| s.namespace.clone())
                    .or_else(|| settings.and_then(|s| s.namespace.clone()))
                    .unwrap_or_else(|| "default".to_string()),
                kube_version: options.helm.kube_version.clone(),
                values_files: set.map(|s| s.files.clone()).unwrap_or_default(),
                set: set.map(|s| s.set.clone()).unwrap_or_default(),
                api_versions: Vec::new(),
                inline_values: set.map(|s| s.inline_values.clone()).unwrap_or_default(),
                set_string: set.map(|s| s.set_string.clone()).unwrap_or_default(),
                dependencies: options.helm.dependency_search.clone(),
            };
            let set_name = set.map(|s| s.name.clone());
            let rendered = render::render_chart(&target.path, &render_options)
                .or_else(|error| with_other_versions(target, &render_options, error));
            match rendered {
                Ok(rendered) => {
                    outcome.findings.extend(missing_dependency_findings(
                        target,
                        &rendered.dependencies,
                        set_name.as_deref(),
                        catalog,
                        options,
                    ));
                    outcome.charts.push(coverage(
                        target,
                        set_name.clone(),
                        &rendered.dependencies,
                        None,
                    ));
                    outcome.findings.extend(schema_findings(
                        target,
                        &chart_yaml,
                        &chart_name,
                        set,
                        &rendered,
                        catalog,
                        options,
                    ));
                    check_rendered(
                        target,
                        &rendered,
                        set,
                        set_name,
                        engine,
                        catalog,
                        options,
                        &mut outcome,
                        &mut images,
                        &mut seen_derogations,
                    );
                }
                Err(error) => {
                    outcome.findings.extend(missing_dependency_findings(
                        target,
                        &error.missing,
                        set_name.as_deref(),
                        catalog,
                        options,
                    ));
                    outcome.charts.push(coverage(
                        target,
                        set_name.clone(),
                        &error.missing,
                        Some(error.located()),
                    ));
                    outcome.findings.push(render_failure(
                        target,
                        &chart_yaml,
                        &chart_name,
                        set_name,
                        &error,
                        catalog,
                        options,
                    ))
                }
            }
        }
    }
    // Findings of a value set from an Argo CD Application name it as related location.
    if let Some(settings) = options.helm.settings_for(&target.path) {
        for set in &settings.value_sets {
            let Some(app) = &set.application else {
                continue;
            };
            for f in outcome
                .findings
                .iter_mut()
                .filter(|f| f.value_set.as_deref() == Some(set.name.as_str()))
            {
                if !f.related.contains(app) {
                    f.related.push(app.clone());
                }
            }
        }
    }
    outcome.findings.extend(check_chart_sources(
        target,
        &chart_yaml,
        images,
        engine,
        catalog,
        options,
    ));
    outcome
}

/// A container image as rendered, for HELM001.
struct RenderedImage {
    file: String,
    span: Span,
    image: String,
    templated: bool,
    lines_of: Arc<Provenance>,
}

/// Container `image` nodes of a rendered object, with their pod spec paths.
fn container_images(object: &Node) -> Vec<&Node> {
    let kind = object.get("kind").and_then(Node::as_str).unwrap_or("");
    let pod_spec = match kind {
        "Pod" => object.get("spec"),
        "CronJob" => object
            .get("spec")
            .and_then(|s| s.get("jobTemplate"))
            .and_then(|j| j.get("spec"))
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec")),
        _ => object
            .get("spec")
            .and_then(|s| s.get("template"))
            .and_then(|t| t.get("spec")),
    };
    let Some(pod_spec) = pod_spec else {
        return Vec::new();
    };
    ["initContainers", "containers", "ephemeralContainers"]
        .iter()
        .filter_map(|list| pod_spec.get(list))
        .filter_map(|l| match &l.value {
            Value::Seq(items) => Some(items),
            _ => None,
        })
        .flatten()
        .filter_map(|c| c.get("image"))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn check_rendered(
    target: &Target,
    rendered: &render::RenderedChart,
    set: Option<&ValueSet>,
    set_name: Option<String>,
    engine: &mut RuleEngine,
    catalog: &Catalog,
    options: &ScanOptions,
    outcome: &mut TargetOutcome,
    images: &mut Vec<RenderedImage>,
    seen_derogations: &mut BTreeSet<(String, u32, u32)>,
) {
    let mut sources_by_chart: HashMap<PathBuf, Arc<Vec<ValuesSource>>> = HashMap::new();
    let mut members = Vec::new();
    for template in &rendered.templates {
        let values = sources_by_chart
            .entry(template.chart_dir.clone())
            .or_insert_with(|| {
                Arc::new(values_sources(
                    target,
                    rendered,
                    set,
                    &template.chart_dir,
                    &template.values_prefix,
                ))
            })
            .clone();
        let file = display_in_chart(target, &template.file);
        let provenance = Arc::new(Provenance::new(
            template.text.clone(),
            template.source.clone(),
            template.marks.clone(),
        ));
        let lines: Vec<&str> = provenance.source().split('\n').collect();
        for d in derogation::comment_derogations(&file, &lines) {
            if seen_derogations.insert((d.file.clone(), d.span.start.line, d.span.start.column)) {
                outcome.inline_derogations.push(d);
            }
        }
        let ctx = FileContext {
            catalog,
            options,
            display: &file,
            lines,
        };
        for (start, text) in split_documents(provenance.text()) {
            let doc = Arc::new(RenderedDoc {
                provenance: provenance.clone(),
                start,
                text: text.to_string(),
                file: file.clone(),
                value_set: set_name.clone(),
                application: set.and_then(|s| s.application.clone()),
                values: values.clone(),
            });
            check_document(
                &doc,
                &ctx,
                engine,
                outcome,
                images,
                &mut members,
                seen_derogations,
            );
        }
    }
    // Named after the chart alone: the value set is on each finding, and a bundle finding
    // identical under several sets is then one finding listing them.
    outcome.own_bundles.push((target.display.clone(), members));
}

fn check_document(
    doc: &Arc<RenderedDoc>,
    ctx: &FileContext<'_>,
    engine: &mut RuleEngine,
    outcome: &mut TargetOutcome,
    images: &mut Vec<RenderedImage>,
    members: &mut Vec<BundleMember>,
    seen_derogations: &mut BTreeSet<(String, u32, u32)>,
) {
    let mut collect_images = |node: &Node| {
        for image in container_images(node) {
            let start = doc.offset(image.span.start);
            let end = doc.offset(image.span.end);
            images.push(RenderedImage {
                file: doc.file.clone(),
                span: doc.map_span(image.span),
                image: image.as_str().unwrap_or_default().to_string(),
                templated: doc.provenance.has_action_in(start, end),
                lines_of: doc.provenance.clone(),
            });
        }
    };
    check_objects(
        &doc.text,
        ctx,
        &Locator::Rendered(doc.clone()),
        engine,
        outcome,
        ObjectSinks {
            members,
            seen_derogations: Some(seen_derogations),
            on_object: &mut collect_images,
        },
    );
}

/// A chart that does not render without its missing dependencies is rendered again with the
/// highest version of each found offline, when some exists (stated by LNT019 and the
/// coverage); otherwise the first error stands.
fn with_other_versions(
    target: &Target,
    options: &RenderOptions,
    error: render::ChartError,
) -> Result<render::RenderedChart, render::ChartError> {
    if error.missing.is_empty() || options.dependencies.other_versions {
        return Err(error);
    }
    let mut search = (*options.dependencies).clone();
    search.other_versions = true;
    let again = RenderOptions {
        dependencies: Arc::new(search),
        ..options.clone()
    };
    match render::render_chart(&target.path, &again) {
        Ok(rendered)
            if rendered
                .dependencies
                .iter()
                .any(|d| d.resolved.as_ref().is_some_and(|r| !r.satisfies)) =>
        {
            Ok(rendered)
        }
        _ => Err(error),
    }
}

/// The coverage of one render: `reason` is the render error when it failed.
fn coverage(
    target: &Target,
    value_set: Option<String>,
    dependencies: &[render::chart::DependencyReport],
    reason: Option<String>,
) -> ChartCoverage {
    let mut missing: Vec<String> = dependencies
        .iter()
        .filter(|d| d.resolved.is_none())
        .map(|d| d.name.clone())
        .collect();
    missing.sort();
    missing.dedup();
    let mut resolved: Vec<CoveredDependency> = dependencies
        .iter()
        .filter_map(|d| {
            let r = d.resolved.as_ref()?;
            Some(CoveredDependency {
                chart: d.chart.clone(),
                name: d.name.clone(),
                constraint: d.version.clone(),
                version: r.version.clone(),
                source: r.source.as_str(),
                path: display_in_chart(target, &r.path),
                satisfies: r.satisfies,
            })
        })
        .collect();
    resolved.sort();
    resolved.dedup();
    let substituted = resolved.iter().any(|d| !d.satisfies);
    let status = match (&reason, missing.is_empty()) {
        (Some(_), _) => ChartStatus::NotRendered,
        (None, false) => ChartStatus::RenderedWithoutDependencies,
        (None, true) if substituted => ChartStatus::RenderedWithOtherVersions,
        (None, true) => ChartStatus::Rendered,
    };
    ChartCoverage {
        chart_dir: target.display.clone(),
        value_set,
        status,
        missing,
        resolved,
        reason,
    }
}

/// LNT017 for each enabled dependency found nowhere, LNT019 for each taken in a version
/// outside its constraint, at its entry in Chart.yaml (or requirements.yaml): warnings, errors
/// with `require_dependencies`.
fn missing_dependency_findings(
    target: &Target,
    dependencies: &[render::chart::DependencyReport],
    value_set: Option<&str>,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in dependencies {
        let other = match &d.resolved {
            None => None,
            Some(r) if !r.satisfies && r.source != render::chart::DependencySource::Vendored => {
                Some(r)
            }
            Some(_) => continue,
        };
        let display = display_in_chart(target, &d.file);
        let text = std::fs::read_to_string(&d.file).unwrap_or_default();
        let lines: Vec<&str> = text.split('\n').collect();
        let line = (d.line as u32).max(1);
        let line_text = lines.get(line as usize - 1).copied().unwrap_or("");
        let indent = line_text.len() - line_text.trim_start().len();
        let span = Span::on_line(line, indent as u32 + 1, line_text.trim());
        let ctx = FileContext {
            catalog,
            options,
            display: &display,
            lines,
        };
        let chart = d.chart.rsplit('/').next().unwrap_or(&d.chart).to_string();
        let version = if d.version.trim().is_empty() {
            "*".to_string()
        } else {
            d.version.clone()
        };
        let mut params = BTreeMap::from([
            ("chart".to_string(), chart),
            ("dependency".to_string(), d.name.clone()),
            ("version".to_string(), version),
        ]);
        if !d.alias.is_empty() {
            // The same chart twice under two aliases reads as one finding twice without it.
            params.insert("alias".to_string(), d.alias.clone());
            params.insert("variant".to_string(), "aliased".to_string());
        }
        let rule = match other {
            None => Lint::HelmDependencyMissing.id(),
            Some(r) => {
                params.insert("used".to_string(), r.version.clone());
                params.insert("path".to_string(), display_in_chart(target, &r.path));
                Lint::HelmDependencyOtherVersion.id()
            }
        };
        let mut finding = ctx.finding(rule, span, Vec::new(), params);
        finding.severity = dependency_severity(finding.severity, options);
        finding.value_set = value_set.map(str::to_string);
        out.push(finding);
    }
    out
}

/// LNT003 at the position Helm gives (a template line, or the Chart.yaml dependency line).
fn render_failure(
    target: &Target,
    chart_yaml: &ChartYaml,
    chart_name: &str,
    set_name: Option<String>,
    error: &render::ChartError,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Finding {
    // Template names start with the chart name (`CHART/templates/x.yaml`); other errors
    // carry a path on disk.
    let on_disk = if error.file.is_empty() {
        None
    } else if Path::new(&error.file).starts_with(&target.path)
        || Path::new(&error.file).is_absolute()
    {
        Some(PathBuf::from(&error.file))
    } else {
        error
            .file
            .split_once('/')
            .map(|(_, rest)| target.path.join(rest))
            .filter(|p| p.is_file())
    };
    let (display, text) = match &on_disk {
        Some(path) if path.is_file() => (
            display_in_chart(target, path),
            std::fs::read_to_string(path).unwrap_or_default(),
        ),
        _ => (chart_yaml.display.clone(), chart_yaml.text.clone()),
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let line = (error.line as u32).max(1);
    let column = (error.column as u32).max(1);
    let line_text = lines.get(line as usize - 1).copied().unwrap_or("");
    let span = if error.column == 0 {
        // Helm gives no column: underline the line's content.
        let indent = line_text.len() - line_text.trim_start().len();
        Span::on_line(line, indent as u32 + 1, line_text.trim())
    } else {
        Span::new(Position::new(line, column), Position::new(line, column + 1))
    };
    let ctx = FileContext {
        catalog,
        options,
        display: &display,
        lines,
    };
    let mut names: Vec<&str> = error.missing.iter().map(|d| d.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let names = names.join("`, `");
    let blames_a_missing_dependency = blames_a_missing_dependency(error);
    let mut detail = error.message.clone();
    if !error.missing.is_empty() && !blames_a_missing_dependency {
        detail.push_str(&format!(
            " (probable cause: dependency `{names}` found nowhere offline, the chart was rendered without it; vendor it with `helm dependency build`)"
        ));
    }
    let mut params = BTreeMap::from([
        ("chart".to_string(), chart_name.to_string()),
        ("detail".to_string(), detail),
    ]);
    let variant = if blames_a_missing_dependency {
        // Said in the reader's language, the names in their own parameter.
        params.insert("dependencies".to_string(), names);
        Some("dependency_not_found")
    } else {
        crate::helm_errors::variant(&error.message)
    };
    if let Some(variant) = variant {
        params.insert("variant".to_string(), variant.to_string());
    }
    let mut finding = ctx.finding(Lint::HelmRenderFailed.id(), span, Vec::new(), params);
    if blames_a_missing_dependency {
        // The failure is the dependency's absence, which never fails the default gate by
        // itself: it is reported with LNT017's severity.
        let missing = catalog
            .rule(Lint::HelmDependencyMissing.id())
            .map_or(finding.severity, |r| r.severity);
        finding.severity = dependency_severity(missing, options);
    }
    finding.value_set = set_name;
    finding
}

/// The severity of a finding about a dependency not found as declared: its own, or an error
/// when the configuration requires every dependency (`helm.require_dependencies`).
fn dependency_severity(
    own: crate::catalog::Severity,
    options: &ScanOptions,
) -> crate::catalog::Severity {
    if options.helm.require_dependencies {
        crate::catalog::Severity::Error
    } else {
        own
    }
}

/// Whether Helm's error names a helper of a dependency the chart was rendered without
/// (`no template "common.names.fullname"`): helpers are named after their chart.
fn blames_a_missing_dependency(error: &render::ChartError) -> bool {
    error
        .missing
        .iter()
        .any(|d| error.message.contains(&format!("\"{}.", d.name)))
}

/// Every string leaf of `value` below the root as `[path, string]`, in key order: what Rego's
/// `walk` yields for strings, which the rule VM cannot do.
fn string_leaves(
    value: &regorus::Value,
    path: &mut Vec<regorus::Value>,
    out: &mut Vec<regorus::Value>,
) {
    match value {
        regorus::Value::String(_) if !path.is_empty() => out.push(regorus::Value::from(vec![
            regorus::Value::from(path.clone()),
            value.clone(),
        ])),
        regorus::Value::Object(map) => {
            for (k, v) in map.iter() {
                path.push(k.clone());
                string_leaves(v, path, out);
                path.pop();
            }
        }
        regorus::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(regorus::Value::from(i));
                string_leaves(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The HELM rules: Chart.yaml, the chart's values*.yaml files and the rendered images.
fn check_chart_sources(
    target: &Target,
    chart_yaml: &ChartYaml,
    images: Vec<RenderedImage>,
    engine: &mut RuleEngine,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Vec<Finding> {
    let mut values_files: Vec<(String, String, Node)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&target.path) {
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().map(|n| n.to_string_lossy().to_string());
                name.is_some_and(|n| {
                    n.starts_with("values") && (n.ends_with(".yaml") || n.ends_with(".yml"))
                }) && p.is_file()
            })
            .collect();
        paths.sort();
        for path in paths {
            let Ok(text) = read_text(&path, options.max_file_size) else {
                continue;
            };
            let stream = yaml::load(&text, options.yaml_limits);
            if let Some(doc) = stream.documents.into_iter().next() {
                values_files.push((display_in_chart(target, &path), text, doc.root));
            }
        }
    }
    // One image per template place (value sets render the same line several times).
    let mut unique: BTreeMap<(String, Span), RenderedImage> = BTreeMap::new();
    for image in images {
        unique
            .entry((image.file.clone(), image.span))
            .and_modify(|kept| kept.templated |= image.templated)
            .or_insert(image);
    }
    let images: Vec<RenderedImage> = unique.into_values().collect();

    let key = |k: &str| regorus::Value::from(k);
    let image_values: Vec<regorus::Value> = images
        .iter()
        .map(|i| {
            regorus::Value::from(BTreeMap::from([
                (key("file"), key(&i.file)),
                (key("image"), key(&i.image)),
                (key("templated"), regorus::Value::from(i.templated)),
            ]))
        })
        .collect();
    let values_values: Vec<regorus::Value> = values_files
        .iter()
        .map(|(file, _, root)| {
            let values = root.to_rego();
            let mut strings = Vec::new();
            string_leaves(&values, &mut Vec::new(), &mut strings);
            regorus::Value::from(BTreeMap::from([
                (key("file"), key(file)),
                (key("strings"), regorus::Value::from(strings)),
                (key("values"), values),
            ]))
        })
        .collect();
    let chart = chart_yaml
        .root
        .as_ref()
        .map_or(regorus::Value::Null, Node::to_rego);
    // apiVersion v1 charts declare their dependencies in requirements.yaml.
    let requirements_path = target.path.join("requirements.yaml");
    let requirements = read_text(&requirements_path, options.max_file_size)
        .ok()
        .map(|text| {
            let root = yaml::load(&text, options.yaml_limits)
                .documents
                .into_iter()
                .next()
                .map(|d| d.root);
            (display_in_chart(target, &requirements_path), text, root)
        });
    let input = regorus::Value::from(BTreeMap::from([
        (
            key("requirements"),
            requirements
                .as_ref()
                .and_then(|(_, _, root)| root.as_ref())
                .map_or(regorus::Value::Null, Node::to_rego),
        ),
        (key("chart"), chart),
        (key("images"), regorus::Value::from(image_values)),
        (key("values_files"), regorus::Value::from(values_values)),
    ]));
    let raw = match engine.evaluate(&Family::Chart, "", input) {
        Ok(raw) => raw,
        Err(e) => {
            let ctx = FileContext {
                catalog,
                options,
                display: &chart_yaml.display,
                lines: chart_yaml.text.split('\n').collect(),
            };
            return vec![ctx.lint(
                Lint::RuleEvaluationFailed.id(),
                start_of_file(),
                e.to_string(),
            )];
        }
    };
    let mut out = Vec::new();
    for r in raw {
        let head = r.path.first().and_then(serde_json::Value::as_str);
        let index = r.path.get(1).and_then(serde_json::Value::as_u64);
        let (display, text, span): (&str, &str, Span) = match (head, index) {
            (Some("images"), Some(i)) => {
                let Some(image) = images.get(i as usize) else {
                    continue;
                };
                (&image.file, image.lines_of.source(), image.span)
            }
            (Some("values_files"), Some(i)) => {
                let Some((file, text, root)) = values_files.get(i as usize) else {
                    continue;
                };
                let rest = r.path.get(3..).unwrap_or_default();
                (file, text, yaml::locate(root, &path_segments(rest)).span)
            }
            (Some("chart"), _) => {
                let Some(root) = &chart_yaml.root else {
                    continue;
                };
                let span = yaml::locate(root, &path_segments(&r.path[1..])).span;
                (&chart_yaml.display, &chart_yaml.text, span)
            }
            (Some("requirements"), _) => {
                let Some((file, text, Some(root))) = &requirements else {
                    continue;
                };
                let span = yaml::locate(root, &path_segments(&r.path[1..])).span;
                (file, text, span)
            }
            _ => continue,
        };
        let ctx = FileContext {
            catalog,
            options,
            display,
            lines: text.split('\n').collect(),
        };
        out.push(ctx.finding(&r.rule_id, span, r.path, r.params));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_with_their_offsets() {
        let text = "\n---\n  a: 1\n---\n\n---\nb: 2\n";
        let docs = split_documents(text);
        assert_eq!(docs, vec![(7, "a: 1"), (21, "b: 2")]);
        assert_eq!(&text[7..11], "a: 1");
    }
}
