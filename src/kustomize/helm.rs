//! Kustomize's `helmCharts` (HelmChartInflationGenerator) with our own Helm renderer: a chart
//! found locally under `helmGlobals.chartHome` (default `charts/`) is rendered like
//! `helm template` with the entry's release name, namespace, values (`valuesFile`,
//! `valuesInline` and `valuesMerge`, `additionalValuesFiles`), Kubernetes and API versions,
//! CRDs and hooks options, and its objects join the build located at their template lines.
//! A chart that is not there and names a `repo` would need a pull: a note, not checked here.
//! Must not: reach the network, run `helm`, or read values files outside the kustomization's
//! folder (Kustomize's load restrictor).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::model::{normalize, BuildError, Builder, Kust, Note, Resource};
use super::tree::{KNode, KValue, Origin};
use crate::parse::yaml;
use crate::render::chart::DependencySearch;
use crate::render::{Provenance, RenderOptions};
use crate::span::{Position, Span};

/// Kustomize's default `chartHome`.
const DEFAULT_CHART_HOME: &str = "charts";

/// Inflates every `helmCharts` entry of the kustomization into `resources`.
pub(super) fn inflate(
    builder: &mut Builder,
    kust: &Kust,
    resources: &mut Vec<Resource>,
) -> Result<(), BuildError> {
    let entries = kust.root.get("helmCharts").map(KNode::items).unwrap_or(&[]);
    if entries.is_empty() {
        return Ok(());
    }
    let home = kust
        .root
        .get("helmGlobals")
        .and_then(|g| g.get("chartHome"))
        .and_then(KNode::scalar_text)
        .unwrap_or_else(|| DEFAULT_CHART_HOME.to_string());
    for entry in entries {
        inflate_one(builder, kust, entry, &home, resources)?;
    }
    Ok(())
}

fn text_of(entry: &KNode, key: &str) -> String {
    entry
        .get(key)
        .and_then(KNode::scalar_text)
        .unwrap_or_default()
}

fn flag(entry: &KNode, key: &str) -> bool {
    matches!(entry.get(key).map(|n| &n.value), Some(KValue::Bool(true)))
}

fn inflate_one(
    builder: &mut Builder,
    kust: &Kust,
    entry: &KNode,
    home: &str,
    resources: &mut Vec<Resource>,
) -> Result<(), BuildError> {
    let at = entry.get("name").map_or(entry.origin, |n| n.origin);
    let name = text_of(entry, "name");
    if name.is_empty() {
        return Err(kust.error(entry.origin, "chart name cannot be empty"));
    }
    let (version, repo) = (text_of(entry, "version"), text_of(entry, "repo"));
    let mut chart_home = normalize(&kust.dir.join(home));
    if !version.is_empty() && !repo.is_empty() {
        chart_home = chart_home.join(format!("{name}-{version}"));
    }
    let chart_dir = chart_home.join(&name);
    if !chart_dir.is_dir() {
        if repo.is_empty() {
            return Err(kust.error(
                at,
                format!(
                    "no repo specified for pull, no chart found at '{}'",
                    crate::paths::display_path(&chart_dir)
                ),
            ));
        }
        builder.notes.push(Note {
            origin: at,
            message: format!(
                "Helm chart `{name}` from `{repo}` is not in `{}` (it needs a pull): not checked here",
                crate::paths::display_path(&chart_home)
            ),
        });
        return Ok(());
    }
    builder.charts.push(chart_dir.clone());
    let inline_values = values(builder, kust, entry, &chart_dir)?;
    let options = RenderOptions {
        release_name: Some(text_of(entry, "releaseName"))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "release-name".into()),
        namespace: Some(text_of(entry, "namespace"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "default".into()),
        kube_version: Some(text_of(entry, "kubeVersion")).filter(|v| !v.is_empty()),
        api_versions: entry
            .get("apiVersions")
            .map(KNode::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(KNode::scalar_text)
            .collect(),
        inline_values,
        dependencies: Arc::new(DependencySearch::default()),
        ..RenderOptions::default()
    };
    let rendered = crate::render::render_chart(&chart_dir, &options)
        .map_err(|e| kust.error(at, format!("Helm chart `{name}`: {}", e.located())))?;
    let (skip_hooks, skip_tests) = (flag(entry, "skipHooks"), flag(entry, "skipTests"));
    let mut objects = Vec::new();
    if flag(entry, "includeCRDs") {
        for path in crd_files(&chart_dir) {
            let file = builder.read(&path).map_err(|m| kust.error(at, m))?;
            let text = builder.text(file).to_string();
            let start = Origin {
                file,
                span: Span::new(Position::new(1, 1), Position::new(1, 2)),
            };
            objects.extend(builder.documents(&text, file, Default::default(), start)?);
        }
    }
    for t in &rendered.templates {
        let file = builder.add_file(&t.file, &t.source);
        let provenance = Provenance::new(t.text.clone(), t.source.clone(), t.marks.clone());
        let stream = yaml::load(&t.text, yaml::Limits::default());
        if let Some(e) = stream.errors.first() {
            return Err(kust.error(
                at,
                format!("Helm chart `{name}`: {}: {}", t.name, e.message),
            ));
        }
        for doc in &stream.documents {
            let mut node = KNode::from_yaml(&doc.root, file, Default::default());
            to_source(&mut node, &provenance);
            let hook = node
                .get("metadata")
                .and_then(|m| m.get("annotations"))
                .and_then(|a| a.get("helm.sh/hook"))
                .and_then(KNode::scalar_text);
            match hook {
                Some(_) if skip_hooks => continue,
                Some(h) if skip_tests && h.split(',').any(|h| h.trim().starts_with("test")) => {
                    continue
                }
                _ => objects.push(node),
            }
        }
    }
    for node in objects {
        if !matches!(node.value, KValue::Map(_)) {
            continue; // an empty document
        }
        if node.str_at(&["kind"]).is_none_or(str::is_empty) {
            return Err(kust.error(at, format!("Helm chart `{name}`: an object without `kind`")));
        }
        resources.push(Resource::new(node));
    }
    Ok(())
}

/// The values layers, in Helm's order (later ones win), as Kustomize assembles them: the
/// values file (the chart's own by default) and `valuesInline` combined by `valuesMerge`, then
/// `additionalValuesFiles`.
fn values(
    builder: &mut Builder,
    kust: &Kust,
    entry: &KNode,
    chart_dir: &Path,
) -> Result<Vec<(String, String)>, BuildError> {
    let read = |builder: &mut Builder, path: &Path, at: Origin| {
        let file = builder.read_in(kust, path).map_err(|m| kust.error(at, m))?;
        Ok::<_, BuildError>((
            crate::paths::display_path(path),
            builder.text(file).to_string(),
        ))
    };
    let file = match entry.get("valuesFile") {
        Some(v) => {
            let rel = v.scalar_text().unwrap_or_default();
            read(builder, &normalize(&kust.dir.join(rel)), v.origin)?
        }
        None => read(builder, &chart_dir.join("values.yaml"), entry.origin)?,
    };
    let mut layers = Vec::new();
    match entry
        .get("valuesInline")
        .filter(|v| !v.entries().is_empty())
    {
        None => layers.push(file),
        Some(inline) => {
            let inline = (
                "valuesInline".to_string(),
                serde_json::to_string(&inline.to_json()).unwrap_or_default(),
            );
            let merge = entry.get("valuesMerge");
            match merge.and_then(KNode::as_str).unwrap_or("override") {
                "override" => layers.extend([file, inline]),
                "merge" => layers.extend([inline, file]),
                "replace" => layers.push(inline),
                other => {
                    return Err(kust.error(
                        merge.map_or(entry.origin, |m| m.origin),
                        format!(
                            "valuesMerge must be one of [merge override replace], not `{other}`"
                        ),
                    ))
                }
            }
        }
    }
    for extra in entry
        .get("additionalValuesFiles")
        .map(KNode::items)
        .unwrap_or(&[])
    {
        let rel = extra.scalar_text().unwrap_or_default();
        layers.push(read(
            builder,
            &normalize(&kust.dir.join(rel)),
            extra.origin,
        )?);
    }
    Ok(layers)
}

/// The chart's `crds/` files Helm installs (YAML and JSON), sorted.
fn crd_files(chart_dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(chart_dir.join("crds"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Moves every origin of a tree parsed from rendered text to the template line that wrote it.
fn to_source(node: &mut KNode, provenance: &Provenance) {
    let map = |origin: &mut Origin| {
        let at = |p: Position| {
            let s = provenance.source_pos(provenance.text_offset(p.line, p.column));
            Position::new(s.line, s.column)
        };
        let (start, end) = (at(origin.span.start), at(origin.span.end));
        let end = if end.line < start.line || (end.line == start.line && end.column <= start.column)
        {
            Position::new(start.line, start.column + 1)
        } else {
            end
        };
        origin.span = Span::new(start, end);
    };
    map(&mut node.origin);
    match &mut node.value {
        KValue::Seq(items) => items.iter_mut().for_each(|n| to_source(n, provenance)),
        KValue::Map(entries) => entries.iter_mut().for_each(|e| {
            map(&mut e.key_origin);
            to_source(&mut e.value, provenance);
        }),
        _ => {}
    }
}
