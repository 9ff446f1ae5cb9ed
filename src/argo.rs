//! Argo CD Applications as value sets: an `Application` (argoproj.io) of the scanned tree
//! whose source `path` names a chart directory of the scanned tree becomes a value set of that
//! chart, as Argo CD would render it (`helm.valueFiles` with `$ref/` multi-source references,
//! `values`, `valuesObject`, `parameters` with `forceString`, `releaseName`,
//! `destination.namespace`, `ignoreMissingValueFiles`). A source that is a chart of a Helm
//! repository, or a path found nowhere in the scanned tree, is one LNT018 note.
//! "Same tree": a source's `repoURL` cannot be compared with the scanned checkout offline, so a
//! source is read as this repository when its `path` is a chart directory of the scanned tree.
//! A source whose `path` is a kustomization of the scanned tree (no `chart`, no `helm`) is a
//! `KustomizeSource`: the kustomize stage builds it as one more root.
//! Must not: reach the network, read files outside the scanned tree but the value files named,
//! or build kustomizations (the kustomize stage does).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::config::{ScanOptions, ValueSet};
use crate::discover::{Discovery, Target, TargetKind};
use crate::finding::{Finding, RelatedLocation};
use crate::load::read_text;
use crate::locate::FileContext;
use crate::parse::yaml::{self, Node, Value};

/// What the Applications of the scanned tree give.
#[derive(Default)]
pub(crate) struct Applications {
    /// `(chart directory, value set)`, in file order.
    pub(crate) sets: Vec<(PathBuf, ValueSet)>,
    /// LNT018 notes for sources not checked here.
    pub(crate) notes: Vec<Finding>,
}

/// A YAML target holding Argo CD Applications: its text and, by document index, the
/// Applications' roots. Read once per scan for both consumers (chart value sets and Kustomize
/// roots): the cheap text test below also lets through the Application CRDs, which on a
/// CRD-heavy tree are most of its bytes, and parsing them once per consumer was a third of the
/// check's time on argo-cd's `manifests/`.
pub(crate) struct ApplicationFile {
    target: Target,
    text: String,
    documents: Vec<(usize, Node)>,
}

/// The YAML targets that hold Applications (at the root of a document, `argoproj.io/*`).
/// Every YAML file is read for this before the scan starts: in parallel (rayon's current pool),
/// the files kept in their order.
pub(crate) fn application_files(targets: &[Target], options: &ScanOptions) -> Vec<ApplicationFile> {
    targets
        .par_iter()
        .filter(|t| t.kind == TargetKind::Yaml)
        .filter_map(|target| application_file(target, options))
        .collect()
}

fn application_file(target: &Target, options: &ScanOptions) -> Option<ApplicationFile> {
    let text = read_text(&target.path, options.max_file_size).ok()?;
    // Cheap test first: most YAML files are not Applications.
    if !text.contains("argoproj.io") || !text.contains("Application") {
        return None;
    }
    let documents: Vec<(usize, Node)> = yaml::load(&text, options.yaml_limits)
        .documents
        .into_iter()
        .enumerate()
        .filter(|(_, doc)| {
            str_at(&doc.root, "apiVersion").is_some_and(|a| a.starts_with("argoproj.io/"))
                && str_at(&doc.root, "kind") == Some("Application")
        })
        .map(|(index, doc)| (index, doc.root))
        .collect();
    (!documents.is_empty()).then(|| ApplicationFile {
        target: target.clone(),
        text,
        documents,
    })
}

/// What the Applications give to the charts of the scan.
pub(crate) fn applications(
    files: &[ApplicationFile],
    discovery: &Discovery,
    catalog: &Catalog,
    options: &ScanOptions,
) -> Applications {
    let charts: Vec<&Target> = discovery
        .targets
        .iter()
        .filter(|t| t.kind == TargetKind::HelmChart)
        .collect();
    let mut out = Applications::default();
    for file in files {
        let ctx = FileContext {
            catalog,
            options,
            display: &file.target.display,
            lines: file.text.split('\n').collect(),
        };
        for (_, root) in &file.documents {
            read_application(root, &ctx, &charts, &mut out);
        }
    }
    out
}

/// The chart target whose directory is `path` relative to some ancestor (the repository
/// root), and that root.
fn chart_at<'t>(charts: &[&'t Target], path: &str) -> Option<(&'t Target, PathBuf)> {
    let wanted = relative_components(path)?;
    charts
        .iter()
        .find_map(|t| root_before(&t.path, &wanted).map(|root| (*t, root)))
}

/// A source `path` as plain components (`.` dropped); `None` when empty or leaving its root.
fn relative_components(path: &str) -> Option<Vec<Component<'_>>> {
    let wanted: Vec<Component> = Path::new(path)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    let plain = !wanted.is_empty() && wanted.iter().all(|c| matches!(c, Component::Normal(_)));
    plain.then_some(wanted)
}

/// What comes before `wanted` when `dir` ends with it.
fn root_before(dir: &Path, wanted: &[Component]) -> Option<PathBuf> {
    let have: Vec<Component> = dir.components().collect();
    let n = wanted.len();
    (have.len() >= n && have[have.len() - n..] == wanted[..])
        .then(|| have[..have.len() - n].iter().collect())
}

fn str_at<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    node.get(key).and_then(Node::as_str)
}

fn seq(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

/// Argo CD's `cleanSetParameters`: commas are escaped unless the value is a `{a,b}` list.
fn argo_set_value(value: &str) -> String {
    if value.starts_with('{') && value.ends_with('}') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut prev = '\0';
    for c in value.chars() {
        if c == ',' && prev != '\\' {
            out.push('\\');
        }
        out.push(c);
        prev = c;
    }
    out
}

fn read_application(
    root: &Node,
    ctx: &FileContext<'_>,
    charts: &[&Target],
    out: &mut Applications,
) {
    let name = root
        .get("metadata")
        .and_then(|m| str_at(m, "name"))
        .unwrap_or_default()
        .to_string();
    let Some(spec) = root.get("spec") else {
        return;
    };
    let namespace = spec
        .get("destination")
        .and_then(|d| str_at(d, "namespace"))
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let mut sources: Vec<&Node> = seq(spec.get("sources")).iter().collect();
    if let Some(source) = spec.get("source") {
        if sources.is_empty() {
            sources.push(source);
        }
    }
    // `ref` sources of a multi-source Application, by name.
    let refs: BTreeMap<&str, &Node> = sources
        .iter()
        .filter_map(|s| str_at(s, "ref").map(|r| (r, *s)))
        .collect();
    let note = |node: &Node, detail: String| {
        let params = BTreeMap::from([
            ("application".to_string(), name.clone()),
            ("detail".to_string(), detail),
        ]);
        ctx.finding("LNT018", node.span, Vec::new(), params)
    };
    let mut per_chart: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for source in sources {
        let repo = str_at(source, "repoURL").unwrap_or_default();
        if let Some(chart) = str_at(source, "chart") {
            let version = str_at(source, "targetRevision").unwrap_or("*");
            out.notes.push(note(
                source,
                format!("chart `{chart}` {version} from Helm repository `{repo}`"),
            ));
            continue;
        }
        let Some(path_node) = source.get("path") else {
            continue;
        };
        let path = path_node.as_str().unwrap_or_default();
        let Some((chart, repo_root)) = chart_at(charts, path) else {
            // A Kustomize or plain directory of this tree is not ours to judge; a path found
            // nowhere is another repository's.
            let here = charts
                .iter()
                .any(|t| t.path.ancestors().any(|a| a.join(path).is_dir()));
            if !here && source.get("helm").is_some() {
                out.notes.push(note(
                    path_node,
                    format!(
                        "path `{path}` of `{repo}` is not a chart directory of the scanned tree"
                    ),
                ));
            }
            continue;
        };
        let helm = source.get("helm");
        let ignore_missing = matches!(
            helm.and_then(|h| h.get("ignoreMissingValueFiles"))
                .map(|n| &n.value),
            Some(Value::Bool(true))
        );
        let mut set = ValueSet {
            name: name.clone(),
            namespace: namespace.clone(),
            release_name: Some(
                helm.and_then(|h| str_at(h, "releaseName"))
                    .filter(|r| !r.is_empty())
                    .unwrap_or(&name)
                    .to_string(),
            ),
            application: Some(RelatedLocation {
                file: ctx.display.to_string(),
                span: path_node.span,
                values_path: String::new(),
                source_line: ctx
                    .lines
                    .get(path_node.span.start.line as usize - 1)
                    .map(|l| l.trim_end_matches('\r').to_string()),
                application: Some(name.clone()),
            }),
            ..ValueSet::default()
        };
        for file_node in seq(helm.and_then(|h| h.get("valueFiles"))) {
            let Some(file) = file_node.as_str() else {
                continue;
            };
            if file.contains("://") {
                out.notes.push(note(
                    file_node,
                    format!("value file `{file}` is fetched by Argo CD from the network; rendered without it"),
                ));
                continue;
            }
            let (resolved, other_repo) = match file.strip_prefix('$') {
                Some(rest) => {
                    let (ref_name, rel) = rest.split_once('/').unwrap_or((rest, ""));
                    let ref_repo = refs
                        .get(ref_name)
                        .and_then(|r| str_at(r, "repoURL"))
                        .unwrap_or_default();
                    (
                        repo_root.join(rel),
                        !ref_repo.is_empty() && ref_repo != repo,
                    )
                }
                None => (chart.path.join(file), false),
            };
            if resolved.is_file() {
                set.files.push(resolved);
            } else if other_repo {
                out.notes.push(note(
                    file_node,
                    format!("value file `{file}` is in another repository; rendered without it"),
                ));
            } else if !ignore_missing {
                // Argo CD fails on it too: the render reports the missing file.
                set.files.push(resolved);
            }
        }
        if let Some(h) = helm {
            // Argo CD: valuesObject wins over values.
            if let Some(object) = h.get("valuesObject") {
                set.inline_values.push((
                    format!("{}: helm.valuesObject", ctx.display),
                    object.to_json().to_string(),
                ));
            } else if let Some(values) = str_at(h, "values") {
                set.inline_values
                    .push((format!("{}: helm.values", ctx.display), values.to_string()));
            }
            for p in seq(h.get("parameters")) {
                let Some(key) = str_at(p, "name") else {
                    continue;
                };
                let value = match p.get("value").map(|v| &v.value) {
                    Some(Value::Str(s)) => s.clone(),
                    Some(Value::Int(i)) => i.to_string(),
                    Some(Value::Bool(b)) => b.to_string(),
                    Some(Value::Float(f)) => f.to_string(),
                    _ => String::new(),
                };
                let expr = format!("{key}={}", argo_set_value(&value));
                if matches!(
                    p.get("forceString").map(|v| &v.value),
                    Some(Value::Bool(true))
                ) {
                    set.set_string.push(expr);
                } else {
                    set.set.push(expr);
                }
            }
        }
        let seen = per_chart.entry(chart.path.clone()).or_insert(0);
        *seen += 1;
        if *seen > 1 {
            set.name = format!("{name}#{seen}");
        }
        out.sets.push((chart.path.clone(), set));
    }
}

/// An Application whose source `path` is a kustomization of the scanned tree: one more root,
/// built with the source's `kustomize` block (Argo CD's way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KustomizeSource {
    /// The kustomization directory (as discovered).
    pub(crate) dir: PathBuf,
    pub(crate) application: String,
    pub(crate) overlay: crate::kustomize::argo_overlay::Overlay,
    /// The Application's `path:` line, the related location of the root's findings.
    pub(crate) related: RelatedLocation,
}

/// The Applications whose sources are kustomization directories among `dirs` (matched as for
/// charts: the source path is a suffix of the directory).
pub(crate) fn kustomize_sources(
    files: &[ApplicationFile],
    dirs: &[PathBuf],
) -> Vec<KustomizeSource> {
    let mut out = Vec::new();
    for file in files {
        let (target, lines) = (&file.target, file.text.split('\n').collect::<Vec<&str>>());
        for (index, root) in &file.documents {
            let Some(spec) = root.get("spec") else {
                continue;
            };
            let name = root
                .get("metadata")
                .and_then(|m| str_at(m, "name"))
                .unwrap_or_default()
                .to_string();
            let mut sources: Vec<(Vec<String>, &Node)> = seq(spec.get("sources"))
                .iter()
                .enumerate()
                .map(|(i, s)| (vec!["spec".into(), "sources".into(), i.to_string()], s))
                .collect();
            if let (true, Some(source)) = (sources.is_empty(), spec.get("source")) {
                sources.push((vec!["spec".into(), "source".into()], source));
            }
            let several = sources.len() > 1;
            for (i, (steps, source)) in sources.into_iter().enumerate() {
                let Some(path_node) = source.get("path") else {
                    continue;
                };
                if source.get("chart").is_some() || source.get("helm").is_some() {
                    continue;
                }
                let Some(dir) = dir_at(dirs, path_node.as_str().unwrap_or_default()) else {
                    continue;
                };
                out.push(KustomizeSource {
                    dir,
                    application: if several {
                        format!("{name}#{}", i + 1)
                    } else {
                        name.clone()
                    },
                    overlay: crate::kustomize::argo_overlay::Overlay {
                        file: target.path.clone(),
                        document: *index,
                        source: steps,
                    },
                    related: RelatedLocation {
                        file: target.display.clone(),
                        span: path_node.span,
                        values_path: String::new(),
                        source_line: lines
                            .get(path_node.span.start.line as usize - 1)
                            .map(|l| l.trim_end_matches('\r').to_string()),
                        application: Some(name.clone()),
                    },
                });
            }
        }
    }
    out
}

/// The directory of `dirs` that ends with the relative `path`.
fn dir_at(dirs: &[PathBuf], path: &str) -> Option<PathBuf> {
    let wanted = relative_components(path)?;
    dirs.iter()
        .find(|d| root_before(d, &wanted).is_some())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_become_set_or_set_string_and_values_object_wins() {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    path: deploy/chart\n    helm:\n      values: 'x: 1'\n      valuesObject: {x: 2}\n      parameters:\n        - {name: a.b, value: 'true'}\n        - {name: c, value: 'true', forceString: true}\n        - {name: d, value: 'x,y'}\n      valueFiles: ['https://config.example/v.yaml']\n  destination: {namespace: ns}\n";
        let catalog = Catalog::embedded().expect("catalogue");
        let options = ScanOptions::default();
        let ctx = FileContext {
            catalog: &catalog,
            options: &options,
            display: "app.yaml",
            lines: text.split('\n').collect(),
        };
        let chart = Target {
            display: "repo/deploy/chart".into(),
            path: PathBuf::from("repo/deploy/chart"),
            kind: TargetKind::HelmChart,
        };
        let root = yaml::load(text, options.yaml_limits).documents[0]
            .root
            .clone();
        let mut out = Applications::default();
        read_application(&root, &ctx, &[&chart], &mut out);
        assert_eq!(out.notes.len(), 1);
        assert!(out.notes[0]
            .params
            .get("detail")
            .unwrap_or("")
            .contains("from the network"));
        let (dir, set) = &out.sets[0];
        assert_eq!(dir, &PathBuf::from("repo/deploy/chart"));
        assert_eq!(set.name, "a");
        assert_eq!(set.release_name.as_deref(), Some("a"));
        assert_eq!(set.namespace.as_deref(), Some("ns"));
        assert_eq!(set.set, vec!["a.b=true".to_string(), "d=x\\,y".to_string()]);
        assert_eq!(set.set_string, vec!["c=true".to_string()]);
        assert_eq!(set.inline_values.len(), 1);
        assert_eq!(set.inline_values[0].1, r#"{"x":2}"#);
        assert_eq!(set.application.as_ref().map(|a| a.span.start.line), Some(7));
    }

    #[test]
    fn parameters_escape_commas_like_argo_cd() {
        assert_eq!(argo_set_value("a,b"), "a\\,b");
        assert_eq!(argo_set_value("a\\,b"), "a\\,b");
        assert_eq!(argo_set_value("{a,b}"), "{a,b}");
    }
}
