//! Kustomize's built-in transformers, run in Kustomize v5's order: patchesStrategicMerge,
//! patches (strategic merge or JSON 6902, with target selectors), namespace, namePrefix,
//! nameSuffix, labels/commonLabels (selectors and templates where Kustomize puts them),
//! commonAnnotations, patchesJson6902, replicas, images; and, once the whole build is done, the
//! name-reference fix-ups in the objects that refer to renamed ConfigMaps, Secrets, Services,
//! ServiceAccounts, claims, roles... What a transformer writes is located at its kustomization
//! entry. Must not: read anything but the patch files the kustomization names.

use regex::Regex;

use super::merge;
use super::model::{
    cluster_scoped, normalize, BuildError, Builder, Configs, Kust, OwnedSpec, Resource,
};
use super::select::select;
use super::tree::{KEntry, KNode, KValue, Origin, Shift};

/// Runs the transformers of one kustomization over its resources.
pub(super) fn run(
    builder: &mut Builder,
    kust: &Kust,
    resources: &mut Vec<Resource>,
) -> Result<(), BuildError> {
    for entry in kust
        .root
        .get("patchesStrategicMerge")
        .map(KNode::items)
        .unwrap_or(&[])
    {
        let text = entry.scalar_text().unwrap_or_default();
        let looks_inline = text.contains('\n') || text.contains(':');
        let docs = if looks_inline {
            inline_docs(builder, kust, entry)?
        } else {
            file_docs(builder, kust, entry, &text)?
        };
        for doc in docs {
            apply_smp(builder, kust, resources, &doc, None, entry.origin)?;
        }
    }
    for entry in kust.root.get("patches").map(KNode::items).unwrap_or(&[]) {
        apply_patch_entry(builder, kust, resources, entry, false)?;
    }
    if let Some(ns) = kust.root.get("namespace") {
        if let Some(value) = ns.scalar_text().filter(|v| !v.is_empty()) {
            set_namespace(resources, &value, ns.origin, true);
        }
    }
    for (key, prefix) in [("namePrefix", true), ("nameSuffix", false)] {
        if let Some(node) = kust.root.get(key) {
            let affix = node.scalar_text().unwrap_or_default();
            if affix.is_empty() {
                continue;
            }
            for r in resources.iter_mut() {
                let kind = r.kind().to_string();
                if kind == "CustomResourceDefinition"
                    || kind == "Namespace"
                    || (kind == "APIService" && r.group() == "apiregistration.k8s.io")
                {
                    continue;
                }
                let name = if prefix {
                    format!("{affix}{}", r.name())
                } else {
                    format!("{}{affix}", r.name())
                };
                r.set_name(name, node.origin);
            }
        }
    }
    labels(kust, &builder.configs, resources);
    if let Some(ann) = kust.root.get("commonAnnotations") {
        let pairs = pairs_of(ann);
        for r in resources.iter_mut() {
            for spec in ANNOTATION_SPECS {
                if spec.selects(r) {
                    set_pairs(&mut r.node, spec.path, spec.create, &pairs);
                }
            }
            for spec in &builder.configs.common_annotations {
                if spec.selects(r) {
                    set_pairs(&mut r.node, &spec.path, spec.create, &pairs);
                }
            }
        }
    }
    for entry in kust
        .root
        .get("patchesJson6902")
        .map(KNode::items)
        .unwrap_or(&[])
    {
        apply_patch_entry(builder, kust, resources, entry, true)?;
    }
    for entry in kust.root.get("replicas").map(KNode::items).unwrap_or(&[]) {
        let name = entry
            .get("name")
            .and_then(KNode::scalar_text)
            .unwrap_or_default();
        let Some(count) = entry.get("count") else {
            continue;
        };
        let KValue::Int(n) = count.value else {
            return Err(kust.error(count.origin, "replicas count must be an integer"));
        };
        for r in resources.iter_mut() {
            if matches!(
                r.kind(),
                "Deployment" | "ReplicationController" | "ReplicaSet" | "StatefulSet"
            ) && r.answers_to(&name)
            {
                if let Some(spec) = r.node.ensure_map(&["spec"], count.origin) {
                    spec.set(
                        "replicas",
                        KNode::new(KValue::Int(n), count.origin),
                        count.origin,
                    );
                }
            }
        }
    }
    for entry in kust.root.get("images").map(KNode::items).unwrap_or(&[]) {
        images(kust, &builder.configs.images, resources, entry)?;
    }
    if kust.root.get("replacements").is_some() {
        super::replace::run(builder, kust, resources)?;
    }
    for entry in kust
        .root
        .get("transformers")
        .map(KNode::items)
        .unwrap_or(&[])
    {
        configured(builder, kust, resources, entry)?;
    }
    Ok(())
}

/// One `transformers:` entry: a built-in transformer's configuration (a file, or a mapping
/// written inline). Label, annotation, namespace and prefix/suffix configurations are applied
/// with their own field specs; any other plugin is left out, with a note.
fn configured(
    builder: &mut Builder,
    kust: &Kust,
    resources: &mut [Resource],
    entry: &KNode,
) -> Result<(), BuildError> {
    let configs = match &entry.value {
        KValue::Map(_) => vec![entry.clone()],
        KValue::Str(s) if s.contains('\n') => inline_docs(builder, kust, entry)?,
        KValue::Str(s) => {
            if super::model::is_remote(s) {
                builder.notes.push(super::model::Note {
                    origin: entry.origin,
                    message: format!("remote transformers `{s}` not checked here"),
                });
                return Ok(());
            }
            let path = normalize(&kust.dir.join(s));
            if path.is_dir() {
                // A kustomization whose output is transformer configurations.
                builder
                    .transformer_dir(&path, entry.origin)?
                    .into_iter()
                    .map(|r| r.node)
                    .collect()
            } else {
                file_docs(builder, kust, entry, s)?
            }
        }
        _ => return Ok(()),
    };
    for config in configs {
        let kind = config.str_at(&["kind"]).unwrap_or("").to_string();
        let specs: Vec<OwnedSpec> = config
            .get("fieldSpecs")
            .map(KNode::items)
            .unwrap_or(&[])
            .iter()
            .map(OwnedSpec::read)
            .collect();
        let apply = |resources: &mut [Resource], pairs: &Pairs| {
            for r in resources.iter_mut() {
                for spec in &specs {
                    let selected = spec.kind.as_deref().is_none_or(|k| k == r.kind())
                        && spec.group.as_deref().is_none_or(|g| g == r.group());
                    if selected && !spec.path.is_empty() {
                        set_pairs(&mut r.node, &spec.path, spec.create, pairs);
                    }
                }
            }
        };
        match kind.as_str() {
            "LabelTransformer" => {
                let pairs = config.get("labels").map(pairs_of).unwrap_or_default();
                apply(resources, &pairs);
            }
            "AnnotationsTransformer" => {
                let pairs = config.get("annotations").map(pairs_of).unwrap_or_default();
                apply(resources, &pairs);
            }
            "NamespaceTransformer" => {
                if let Some(ns) = config.get("metadata").and_then(|m| m.get("namespace")) {
                    if let Some(value) = ns.scalar_text() {
                        set_namespace(resources, &value, ns.origin, true);
                    }
                }
            }
            "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
                let prefix = config
                    .get("prefix")
                    .and_then(KNode::scalar_text)
                    .unwrap_or_default();
                let suffix = config
                    .get("suffix")
                    .and_then(KNode::scalar_text)
                    .unwrap_or_default();
                let origin = config
                    .get("prefix")
                    .or(config.get("suffix"))
                    .map_or(config.origin, |n| n.origin);
                for r in resources.iter_mut() {
                    let kind = r.kind().to_string();
                    if kind == "CustomResourceDefinition" || kind == "Namespace" {
                        continue;
                    }
                    let name = format!("{prefix}{}{suffix}", r.name());
                    r.set_name(name, origin);
                }
            }
            "ValueAddTransformer" => value_add(kust, resources, &config)?,
            other => builder.notes.push(super::model::Note {
                origin: config.origin,
                message: format!("transformer `{other}` is not applied here"),
            }),
        }
    }
    Ok(())
}

/// Kustomize's `ValueAddTransformer`: writes `value` (by default the name of the
/// kustomization's folder) at each target's `fieldPath`, or inserts it in the file path held
/// there (`filePathPosition`); `metadata/namespace` is set as the namespace transformer does.
fn value_add(kust: &Kust, resources: &mut [Resource], config: &KNode) -> Result<(), BuildError> {
    let given = config
        .get("value")
        .and_then(KNode::scalar_text)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let value = match &given {
        Some(v) => v.clone(),
        None => std::path::absolute(&kust.dir)
            .ok()
            .and_then(|d| {
                normalize(&d)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_default(),
    };
    let targets = config.get("targets").map(KNode::items).unwrap_or(&[]);
    if targets.is_empty() {
        return Err(kust.error(
            config.origin,
            "ValueAddTransformer: must specify at least one target",
        ));
    }
    for target in targets {
        let field_path = target
            .get("fieldPath")
            .and_then(KNode::scalar_text)
            .unwrap_or_default();
        if field_path.is_empty() {
            return Err(kust.error(
                target.origin,
                "ValueAddTransformer: fieldPath cannot be empty",
            ));
        }
        let position = match target.get("filePathPosition").map(|p| &p.value) {
            Some(KValue::Int(n)) if *n < 0 => {
                return Err(kust.error(
                    target.origin,
                    format!("value of FilePathPosition ({n}) cannot be negative"),
                ))
            }
            Some(KValue::Int(n)) => *n as usize,
            _ => 0,
        };
        let origin = config
            .get("value")
            .filter(|_| given.is_some())
            .or(target.get("fieldPath"))
            .map_or(target.origin, |n| n.origin);
        let selected: Vec<usize> = match target.get("selector") {
            Some(selector) => select(kust, resources, selector)?,
            None => (0..resources.len()).collect(),
        };
        if field_path == "metadata/namespace" {
            for i in selected {
                set_namespace(&mut resources[i..=i], &value, origin, false);
            }
            continue;
        }
        // A `\/` in the path is a slash inside a key.
        let mut fields: Vec<String> = Vec::new();
        for part in field_path.split('/') {
            match fields.last_mut() {
                Some(last) if last.ends_with('\\') => {
                    last.pop();
                    last.push('/');
                    last.push_str(part);
                }
                _ => fields.push(part.to_string()),
            }
        }
        let (leaf, parents) = fields.split_last().expect("split gives one part at least");
        let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
        for i in selected {
            let node = &mut resources[i].node;
            let Some(parent) = node.ensure_map(&parents, origin) else {
                return Err(kust.error(
                    origin,
                    format!("ValueAddTransformer: cannot set `{field_path}`"),
                ));
            };
            let old = match parent.get(leaf).map(|n| &n.value) {
                None | Some(KValue::Null) => String::new(),
                Some(KValue::Map(_) | KValue::Seq(_)) => {
                    return Err(kust.error(
                        origin,
                        format!("ValueAddTransformer: `{field_path}` is not a scalar"),
                    ))
                }
                Some(_) => parent
                    .get(leaf)
                    .and_then(KNode::scalar_text)
                    .unwrap_or_default(),
            };
            let new = if position > 0 {
                insert_path_part(&old, position - 1, &value)
            } else {
                value.clone()
            };
            parent.set(leaf, KNode::str(new, origin), origin);
        }
    }
    Ok(())
}

/// Go's `filesys.InsertPathPart`: `part` inserted at position `pos` of the slash-separated
/// `path` (a leading slash kept), the result cleaned like `filepath.Join`.
fn insert_path_part(path: &str, pos: usize, part: &str) -> String {
    if path.is_empty() {
        return part.to_string();
    }
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let pos = pos.min(parts.len());
    parts.insert(pos, part);
    let mut clean: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "." => {}
            ".." if clean.last().is_some_and(|l| *l != "..") => {
                clean.pop();
            }
            ".." if absolute => {}
            other => clean.push(other),
        }
    }
    let joined = clean.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// Reads the kustomization's `configurations:` files into the build's configurations; what
/// they hold beyond those five lists is noted as not applied.
pub(super) fn read_configurations(builder: &mut Builder, kust: &Kust) -> Result<(), BuildError> {
    for entry in kust
        .root
        .get("configurations")
        .map(KNode::items)
        .unwrap_or(&[])
    {
        let rel = entry.scalar_text().unwrap_or_default();
        for doc in file_docs(builder, kust, entry, &rel)? {
            for e in doc.entries() {
                let specs = || e.value.items().iter().map(OwnedSpec::read);
                match e.key.as_str() {
                    "images" => builder.configs.images.extend(specs()),
                    "commonLabels" => builder.configs.common_labels.extend(specs()),
                    "commonAnnotations" => builder.configs.common_annotations.extend(specs()),
                    "varReference" => builder.configs.var_reference.extend(specs()),
                    "nameReference" => {
                        for target in e.value.items() {
                            let kind = target.str_at(&["kind"]).unwrap_or("").to_string();
                            for f in target.get("fieldSpecs").map(KNode::items).unwrap_or(&[]) {
                                builder
                                    .configs
                                    .name_reference
                                    .push((kind.clone(), OwnedSpec::read(f)));
                            }
                        }
                    }
                    other => builder.notes.push(super::model::Note {
                        origin: e.key_origin,
                        message: format!("transformer configuration `{other}` is not applied here"),
                    }),
                }
            }
        }
    }
    Ok(())
}

/// The documents of a patch written inline in the kustomization, located inside the block.
fn inline_docs(builder: &Builder, _kust: &Kust, node: &KNode) -> Result<Vec<KNode>, BuildError> {
    let text = node.scalar_text().unwrap_or_default();
    // The block may come from an Argo CD Application's `kustomize.patches`, not the
    // kustomization file.
    let file = node.origin.file;
    let shift = block_shift(builder.text(file), node.origin);
    builder.documents(&text, file, shift, node.origin)
}

/// Where line 1 column 1 of a scalar's content sits in the file: the line after a block
/// indicator, at the block's indentation; otherwise right after the opening quote.
fn block_shift(file_text: &str, origin: Origin) -> Shift {
    let line = origin.span.start.line as usize;
    let first = file_text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let at: String = first
        .chars()
        .skip(origin.span.start.column.saturating_sub(1) as usize)
        .collect();
    if at.starts_with('|') || at.starts_with('>') {
        let indent = file_text
            .lines()
            .skip(line)
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start().len());
        Shift {
            lines: line as u32,
            columns: indent as u32,
        }
    } else {
        let quoted = at.starts_with('"') || at.starts_with('\'');
        Shift {
            lines: line.saturating_sub(1) as u32,
            columns: origin.span.start.column.saturating_sub(1) + u32::from(quoted),
        }
    }
}

fn file_docs(
    builder: &mut Builder,
    kust: &Kust,
    entry: &KNode,
    rel: &str,
) -> Result<Vec<KNode>, BuildError> {
    // Offline, a patch named by URL cannot be read: like a remote resource or component, it
    // is left out with a note (it was once read as a local path: "no such file").
    if super::model::is_remote(rel) {
        builder.notes.push(super::model::Note {
            origin: entry.origin,
            message: format!("remote patch `{rel}` not applied here"),
        });
        return Ok(Vec::new());
    }
    let path = normalize(&kust.dir.join(rel));
    let file = builder
        .read_in(kust, &path)
        .map_err(|m| kust.error(entry.origin, m))?;
    let text = builder.text(file).to_string();
    builder.documents(&text, file, Shift::default(), entry.origin)
}

/// One entry of `patches` (or of the legacy `patchesJson6902`).
fn apply_patch_entry(
    builder: &mut Builder,
    kust: &Kust,
    resources: &mut Vec<Resource>,
    entry: &KNode,
    json_only: bool,
) -> Result<(), BuildError> {
    if !matches!(entry.value, KValue::Map(_)) {
        // Kustomize reads `patches` entries as objects (`path:` or `patch:`), never as paths.
        let field = if json_only {
            "patchesJson6902"
        } else {
            "patches"
        };
        return Err(kust.error(
            entry.origin,
            format!("invalid Kustomization: a `{field}` entry is a mapping with `path` or `patch`, not a {}", if entry.scalar_text().is_some() { "string" } else { "list" }),
        ));
    }
    let docs = if let Some(inline) = entry.get("patch") {
        inline_docs(builder, kust, inline)?
    } else if let Some(path) = entry.get("path") {
        let rel = path.scalar_text().unwrap_or_default();
        file_docs(builder, kust, path, &rel)?
    } else {
        return Err(kust.error(entry.origin, "a patch needs `path` or `patch`"));
    };
    let at = entry
        .entries()
        .first()
        .map_or(entry.origin, |e| e.key_origin);
    let target = entry.get("target");
    let is_json = docs
        .first()
        .is_some_and(|d| matches!(d.value, KValue::Seq(_)));
    if is_json || json_only {
        let Some(target) = target else {
            return Err(kust.error(at, "a JSON patch needs a `target`"));
        };
        let ops = docs
            .into_iter()
            .next()
            .unwrap_or_else(|| KNode::new(KValue::Seq(Vec::new()), at));
        let selected = select(kust, resources, target)?;
        for i in selected {
            super::json6902::apply(&mut resources[i].node, &ops).map_err(|m| kust.error(at, m))?;
        }
        return Ok(());
    }
    for doc in docs {
        apply_smp(builder, kust, resources, &doc, target, at)?;
    }
    Ok(())
}

/// A strategic merge patch on its target(s): the selector's matches, or the object the patch
/// names.
fn apply_smp(
    builder: &Builder,
    kust: &Kust,
    resources: &mut Vec<Resource>,
    patch: &KNode,
    target: Option<&KNode>,
    at: Origin,
) -> Result<(), BuildError> {
    if !matches!(patch.value, KValue::Map(_)) {
        return Err(kust.error(at, "a strategic merge patch must be a mapping"));
    }
    let selected: Vec<usize> = match target {
        Some(t) => select(kust, resources, t)?,
        None => {
            let kind = patch.str_at(&["kind"]).unwrap_or("");
            let name = patch.str_at(&["metadata", "name"]).unwrap_or("");
            let ns = patch.str_at(&["metadata", "namespace"]);
            let group = patch
                .str_at(&["apiVersion"])
                .and_then(|v| v.rsplit_once('/'))
                .map_or("", |(g, _)| g);
            let found: Vec<usize> = resources
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kind() == kind && r.group() == group && r.matches_id(name, ns))
                .map(|(i, _)| i)
                .collect();
            if found.len() != 1 {
                return Err(kust.error(
                    at,
                    format!(
                        "{} for patch {kind}/{name}",
                        if found.is_empty() {
                            "no resource matches"
                        } else {
                            "several resources match"
                        }
                    ),
                ));
            }
            found
        }
    };
    let mut deleted = Vec::new();
    for i in selected {
        let mut patch = patch.clone();
        if target.is_some() {
            // With a selector the patch's own identity does not rename its targets.
            if let Some(meta) = patch.get_mut("metadata") {
                meta.remove("name");
                meta.remove("namespace");
            }
            patch.remove("kind");
            patch.remove("apiVersion");
        }
        let r = &mut resources[i];
        let old_name = r.name().to_string();
        if merge::apply(&mut r.node, &patch, builder.schema.as_deref()) == merge::Outcome::Deleted {
            deleted.push(i);
            continue;
        }
        if r.name() != old_name {
            r.prev_names.push((old_name, r.namespace().to_string()));
        }
    }
    deleted.sort_unstable();
    for i in deleted.into_iter().rev() {
        resources.remove(i);
    }
    Ok(())
}

/// Sets the namespace; `builtin_specs`: also in the places Kustomize's default namespace
/// configuration lists (a `Namespace`'s name, webhook and API service references), which a
/// `ValueAddTransformer` on `metadata/namespace` does not touch.
fn set_namespace(resources: &mut [Resource], ns: &str, origin: Origin, builtin_specs: bool) {
    for r in resources.iter_mut() {
        let kind = r.kind().to_string();
        if builtin_specs && kind == "Namespace" && r.api_version() == "v1" {
            r.set_name(ns.to_string(), origin);
            continue;
        }
        if matches!(kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
            if let Some(KValue::Seq(subjects)) = r.node.get_mut("subjects").map(|s| &mut s.value) {
                for s in subjects.iter_mut() {
                    if s.str_at(&["name"]) == Some("default") {
                        s.set("namespace", KNode::str(ns, origin), origin);
                    }
                }
            }
        }
        if builtin_specs && kind == "CustomResourceDefinition" {
            if let Some(svc) = r
                .node
                .get_mut("spec")
                .and_then(|s| s.get_mut("conversion"))
                .and_then(|c| c.get_mut("webhook"))
                .and_then(|w| w.get_mut("clientConfig"))
                .and_then(|c| c.get_mut("service"))
            {
                svc.set("namespace", KNode::str(ns, origin), origin);
            }
        }
        if builtin_specs && kind == "APIService" {
            if let Some(svc) = r.node.get_mut("spec").and_then(|s| s.get_mut("service")) {
                svc.set("namespace", KNode::str(ns, origin), origin);
            }
        }
        if cluster_scoped(&kind) {
            continue;
        }
        let old = r.namespace().to_string();
        if old == ns {
            continue;
        }
        let name = r.name().to_string();
        r.prev_names.push((name, old));
        if let Some(meta) = r.node.ensure_map(&["metadata"], origin) {
            meta.set("namespace", KNode::str(ns, origin), origin);
        }
    }
}

/// Where a transformer writes: a path in objects of a kind (and group), created or not.
struct FieldSpec {
    kind: Option<&'static str>,
    group: Option<&'static str>,
    path: &'static str,
    create: bool,
}

impl FieldSpec {
    fn selects(&self, r: &Resource) -> bool {
        self.kind.is_none_or(|k| k == r.kind()) && self.group.is_none_or(|g| g == r.group())
    }
}

const fn fs(
    kind: &'static str,
    group: Option<&'static str>,
    path: &'static str,
    create: bool,
) -> FieldSpec {
    FieldSpec {
        kind: Some(kind),
        group,
        path,
        create,
    }
}

const ANY_META_LABELS: FieldSpec = FieldSpec {
    kind: None,
    group: None,
    path: "metadata/labels",
    create: true,
};

/// Kubernetes' pod-template label places (Kustomize's `templateLabels`).
const TEMPLATE_LABEL_SPECS: &[FieldSpec] = &[
    fs(
        "ReplicationController",
        None,
        "spec/template/metadata/labels",
        true,
    ),
    fs("Deployment", None, "spec/template/metadata/labels", true),
    fs("ReplicaSet", None, "spec/template/metadata/labels", true),
    fs("DaemonSet", None, "spec/template/metadata/labels", true),
    fs(
        "StatefulSet",
        Some("apps"),
        "spec/template/metadata/labels",
        true,
    ),
    fs("Job", Some("batch"), "spec/template/metadata/labels", true),
    fs(
        "CronJob",
        Some("batch"),
        "spec/jobTemplate/metadata/labels",
        true,
    ),
    fs(
        "CronJob",
        Some("batch"),
        "spec/jobTemplate/spec/template/metadata/labels",
        true,
    ),
];

const AFFINITY: [&str; 5] = [
    "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
];

/// Selector places `commonLabels` (and `labels` with `includeSelectors`) also write.
const SELECTOR_SPECS: &[FieldSpec] = &[
    fs("Service", None, "spec/selector", true),
    fs("ReplicationController", None, "spec/selector", true),
    fs("Deployment", None, "spec/selector/matchLabels", true),
    fs("Deployment", Some("apps"), AFFINITY[0], false),
    fs("Deployment", Some("apps"), AFFINITY[1], false),
    fs("Deployment", Some("apps"), AFFINITY[2], false),
    fs("Deployment", Some("apps"), AFFINITY[3], false),
    fs("Deployment", Some("apps"), AFFINITY[4], false),
    fs("ReplicaSet", None, "spec/selector/matchLabels", true),
    fs("DaemonSet", None, "spec/selector/matchLabels", true),
    fs(
        "StatefulSet",
        Some("apps"),
        "spec/selector/matchLabels",
        true,
    ),
    fs("StatefulSet", Some("apps"), AFFINITY[0], false),
    fs("StatefulSet", Some("apps"), AFFINITY[1], false),
    fs("StatefulSet", Some("apps"), AFFINITY[2], false),
    fs("StatefulSet", Some("apps"), AFFINITY[3], false),
    fs("StatefulSet", Some("apps"), AFFINITY[4], false),
    fs("Job", Some("batch"), "spec/selector/matchLabels", false),
    fs(
        "CronJob",
        Some("batch"),
        "spec/jobTemplate/spec/selector/matchLabels",
        false,
    ),
    fs(
        "PodDisruptionBudget",
        Some("policy"),
        "spec/selector/matchLabels",
        false,
    ),
    fs(
        "NetworkPolicy",
        Some("networking.k8s.io"),
        "spec/podSelector/matchLabels",
        false,
    ),
    fs(
        "NetworkPolicy",
        Some("networking.k8s.io"),
        "spec/ingress/from/podSelector/matchLabels",
        false,
    ),
    fs(
        "NetworkPolicy",
        Some("networking.k8s.io"),
        "spec/egress/to/podSelector/matchLabels",
        false,
    ),
    fs(
        "StatefulSet",
        Some("apps"),
        "spec/volumeClaimTemplates/metadata/labels",
        true,
    ),
];

const ANNOTATION_SPECS: &[FieldSpec] = &[
    FieldSpec {
        kind: None,
        group: None,
        path: "metadata/annotations",
        create: true,
    },
    fs(
        "ReplicationController",
        None,
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "Deployment",
        None,
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "ReplicaSet",
        None,
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "DaemonSet",
        None,
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "StatefulSet",
        None,
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "Job",
        Some("batch"),
        "spec/template/metadata/annotations",
        true,
    ),
    fs(
        "CronJob",
        Some("batch"),
        "spec/jobTemplate/metadata/annotations",
        true,
    ),
    fs(
        "CronJob",
        Some("batch"),
        "spec/jobTemplate/spec/template/metadata/annotations",
        true,
    ),
];

/// Labels or annotations to write: key, value node, origin of the entry.
type Pairs = Vec<(String, KNode, Origin)>;

/// Key/value pairs of a mapping, each with the origin of its entry.
fn pairs_of(node: &KNode) -> Pairs {
    node.entries()
        .iter()
        .map(|e| {
            let text = e.value.scalar_text().unwrap_or_default();
            let origin = entry_line(e);
            (e.key.clone(), KNode::str(text, origin), origin)
        })
        .collect()
}

/// The origin covering an entry's key and (same-line) value.
fn entry_line(e: &KEntry) -> Origin {
    let mut o = e.key_origin;
    if e.value.origin.file == o.file && e.value.origin.span.end.line == o.span.start.line {
        o.span.end = e.value.origin.span.end;
    }
    o
}

/// Writes the pairs into the mapping(s) at `path` (through lists), creating it if asked.
fn set_pairs(node: &mut KNode, path: &str, create: bool, pairs: &[(String, KNode, Origin)]) {
    let segments: Vec<&str> = path.split('/').collect();
    visit_create(
        node,
        &segments,
        create,
        pairs.first().map(|p| p.2),
        &mut |m| {
            if !matches!(m.value, KValue::Map(_)) {
                m.value = KValue::Map(Vec::new());
            }
            for (k, v, o) in pairs {
                m.set(k, v.clone(), *o);
            }
        },
    );
}

fn visit_create(
    node: &mut KNode,
    path: &[&str],
    create: bool,
    origin: Option<Origin>,
    f: &mut dyn FnMut(&mut KNode),
) {
    if let KValue::Seq(items) = &mut node.value {
        for item in items {
            visit_create(item, path, create, origin, f);
        }
        return;
    }
    let Some((first, rest)) = path.split_first() else {
        f(node);
        return;
    };
    if !matches!(node.value, KValue::Map(_)) {
        return;
    }
    let missing = node
        .get(first)
        .is_none_or(|n| matches!(n.value, KValue::Null));
    if missing {
        if !create {
            return;
        }
        let o = origin.unwrap_or(node.origin);
        node.set(first, KNode::map(o), o);
    }
    if let Some(child) = node.get_mut(first) {
        visit_create(child, rest, create, origin, f);
    }
}

fn labels(kust: &Kust, configs: &Configs, resources: &mut [Resource]) {
    let mut jobs: Vec<(Pairs, Vec<&FieldSpec>)> = Vec::new();
    if let Some(common) = kust.root.get("commonLabels") {
        let mut specs: Vec<&FieldSpec> = vec![&ANY_META_LABELS];
        specs.extend(TEMPLATE_LABEL_SPECS.iter());
        specs.extend(SELECTOR_SPECS.iter());
        jobs.push((pairs_of(common), specs));
    }
    for entry in kust.root.get("labels").map(KNode::items).unwrap_or(&[]) {
        let Some(pairs) = entry.get("pairs") else {
            continue;
        };
        let flag = |k: &str| matches!(entry.get(k).map(|n| &n.value), Some(KValue::Bool(true)));
        let mut specs: Vec<&FieldSpec> = vec![&ANY_META_LABELS];
        if flag("includeSelectors") {
            specs.extend(TEMPLATE_LABEL_SPECS.iter());
            specs.extend(SELECTOR_SPECS.iter());
        } else if flag("includeTemplates") {
            specs.extend(TEMPLATE_LABEL_SPECS.iter());
        }
        jobs.push((pairs_of(pairs), specs));
    }
    for (pairs, specs) in &jobs {
        // The `configurations:` specs of commonLabels go where the selectors go.
        let custom = specs.len() > 1 + TEMPLATE_LABEL_SPECS.len();
        for r in resources.iter_mut() {
            for spec in specs {
                if spec.selects(r) {
                    set_pairs(&mut r.node, spec.path, spec.create, pairs);
                }
            }
            for spec in configs.common_labels.iter().filter(|_| custom) {
                if spec.selects(r) {
                    set_pairs(&mut r.node, &spec.path, spec.create, pairs);
                }
            }
        }
    }
}

/// One `images` entry over every `containers`/`initContainers` list of every object.
fn images(
    kust: &Kust,
    custom: &[OwnedSpec],
    resources: &mut [Resource],
    entry: &KNode,
) -> Result<(), BuildError> {
    let field = |k: &str| {
        entry
            .entries()
            .iter()
            .find(|e| e.key == k)
            .and_then(|e| e.value.scalar_text().map(|v| (v, entry_line(e))))
    };
    let Some((name, _)) = field("name") else {
        return Ok(());
    };
    let Ok(pattern) = Regex::new(&format!(
        "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{{}}-]*)?$"
    )) else {
        return Err(kust.error(entry.origin, format!("invalid image name `{name}`")));
    };
    let new_name = field("newName");
    let new_tag = field("newTag");
    let digest = field("digest");
    let suffix = field("tagSuffix");
    // The line a finding on the image should show: the entry that decides the tag, else the
    // name.
    let origin = new_tag
        .as_ref()
        .or(digest.as_ref())
        .or(suffix.as_ref())
        .or(new_name.as_ref())
        .map_or(entry.origin, |(_, o)| *o);
    let update = |image: &str| -> Option<String> {
        if !pattern.is_match(image) {
            return None;
        }
        let (mut n, mut tag, mut dig) = split_image(image);
        if let Some((v, _)) = &new_name {
            n = v.clone();
        }
        match (&new_tag, &digest, &suffix) {
            (Some((t, _)), Some((d, _)), _) => {
                tag = t.clone();
                dig = d.clone();
            }
            (Some((t, _)), None, _) => {
                tag = t.clone();
                dig.clear();
            }
            (None, Some((d, _)), _) => {
                tag.clear();
                dig = d.clone();
            }
            (None, None, Some((s, _))) => {
                tag.push_str(s);
                dig.clear();
            }
            (None, None, None) => {}
        }
        let mut out = n;
        if !tag.is_empty() {
            out = format!("{out}:{tag}");
        }
        if !dig.is_empty() {
            out = format!("{out}@{dig}");
        }
        Some(out)
    };
    for r in resources.iter_mut() {
        if r.kind() == "CustomResourceDefinition" {
            continue;
        }
        walk_containers(&mut r.node, &mut |c| {
            if let Some(image) = c.get("image").and_then(KNode::as_str) {
                if let Some(new) = update(image) {
                    c.set("image", KNode::str(new, origin), origin);
                }
            }
        });
        // Kustomize then applies its image field specs on top of that walk, so a pod's and a
        // pod template's containers are updated a second time (a `tagSuffix` lands twice).
        for path in [
            &["spec", "containers"][..],
            &["spec", "initContainers"][..],
            &["spec", "template", "spec", "containers"][..],
            &["spec", "template", "spec", "initContainers"][..],
        ] {
            let mut node = Some(&mut r.node);
            for k in path {
                node = node.and_then(|n| n.get_mut(k));
            }
            if let Some(KNode {
                value: KValue::Seq(containers),
                ..
            }) = node
            {
                for c in containers {
                    if let Some(new) = c.get("image").and_then(KNode::as_str).and_then(&update) {
                        c.set("image", KNode::str(new, origin), origin);
                    }
                }
            }
        }
        // The `configurations:` image field specs of custom kinds.
        let selected: Vec<&OwnedSpec> = custom.iter().filter(|s| s.selects(r)).collect();
        for spec in selected {
            let segs: Vec<&str> = spec.path.split('/').collect();
            visit_strings(&mut r.node, &segs, &mut |n| {
                if let Some(new) = n.as_str().and_then(&update) {
                    *n = KNode::str(new, origin);
                }
            });
        }
        // Image volumes (`volumes[].image.reference`) are in Kustomize's field specs too.
        for path in [
            &["spec", "volumes"][..],
            &["spec", "template", "spec", "volumes"][..],
        ] {
            let mut node = Some(&mut r.node);
            for k in path {
                node = node.and_then(|n| n.get_mut(k));
            }
            if let Some(KNode {
                value: KValue::Seq(vols),
                ..
            }) = node
            {
                for v in vols {
                    if let Some(img) = v.get_mut("image") {
                        if let Some(new) = img
                            .get("reference")
                            .and_then(KNode::as_str)
                            .and_then(&update)
                        {
                            img.set("reference", KNode::str(new, origin), origin);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn walk_containers(node: &mut KNode, f: &mut dyn FnMut(&mut KNode)) {
    match &mut node.value {
        KValue::Map(entries) => {
            for e in entries.iter_mut() {
                walk_containers(&mut e.value, f);
                if e.key == "containers" || e.key == "initContainers" {
                    if let KValue::Seq(items) = &mut e.value.value {
                        for item in items {
                            f(item);
                        }
                    }
                }
            }
        }
        KValue::Seq(items) => items.iter_mut().for_each(|i| walk_containers(i, f)),
        _ => {}
    }
}

/// Kustomize's image split: name, tag, digest.
fn split_image(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|&i| i > 0).unwrap_or(0);
    let search = &image[slash..];
    let id = search.find('@');
    let ic = search.find(':');
    match (id, ic) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (Some(d), c) if c.is_none_or(|c| d < c) => {
            let d = d + slash;
            (
                image[..d].to_string(),
                String::new(),
                image[d + 1..].to_string(),
            )
        }
        (Some(d), Some(c)) => {
            let (d, c) = (d + slash, c + slash);
            (
                image[..c].to_string(),
                image[c + 1..d].to_string(),
                image[d + 1..].to_string(),
            )
        }
        (None, Some(c)) => {
            let c = c + slash;
            (
                image[..c].to_string(),
                image[c + 1..].to_string(),
                String::new(),
            )
        }
        (Some(_), None) => (image.to_string(), String::new(), String::new()),
    }
}

/// The pod spec of a workload kind, as a path.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "PodTemplate" => &["template", "spec"],
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

/// Reference fields inside a pod spec: (referenced kind, path from the pod spec).
const POD_REFS: &[(&str, &str)] = &[
    ("ConfigMap", "volumes/configMap/name"),
    ("ConfigMap", "volumes/projected/sources/configMap/name"),
    ("ConfigMap", "containers/env/valueFrom/configMapKeyRef/name"),
    (
        "ConfigMap",
        "initContainers/env/valueFrom/configMapKeyRef/name",
    ),
    ("ConfigMap", "containers/envFrom/configMapRef/name"),
    ("ConfigMap", "initContainers/envFrom/configMapRef/name"),
    ("Secret", "volumes/secret/secretName"),
    ("Secret", "volumes/projected/sources/secret/name"),
    ("Secret", "containers/env/valueFrom/secretKeyRef/name"),
    ("Secret", "initContainers/env/valueFrom/secretKeyRef/name"),
    ("Secret", "containers/envFrom/secretRef/name"),
    ("Secret", "initContainers/envFrom/secretRef/name"),
    ("Secret", "imagePullSecrets/name"),
    ("ServiceAccount", "serviceAccountName"),
    (
        "PersistentVolumeClaim",
        "volumes/persistentVolumeClaim/claimName",
    ),
    ("PriorityClass", "priorityClassName"),
];

/// Other reference fields: (referenced kind, referrer kind, path).
const OTHER_REFS: &[(&str, &str, &str)] = &[
    ("Secret", "Ingress", "spec/tls/secretName"),
    ("Secret", "ServiceAccount", "imagePullSecrets/name"),
    ("Service", "StatefulSet", "spec/serviceName"),
    (
        "Service",
        "Ingress",
        "spec/rules/http/paths/backend/service/name",
    ),
    ("Service", "Ingress", "spec/defaultBackend/service/name"),
    (
        "Service",
        "Ingress",
        "spec/rules/http/paths/backend/serviceName",
    ),
    ("Service", "Ingress", "spec/backend/serviceName"),
    ("Service", "APIService", "spec/service/name"),
    (
        "PersistentVolume",
        "PersistentVolumeClaim",
        "spec/volumeName",
    ),
    ("StorageClass", "PersistentVolume", "spec/storageClassName"),
    (
        "StorageClass",
        "PersistentVolumeClaim",
        "spec/storageClassName",
    ),
    (
        "StorageClass",
        "StatefulSet",
        "spec/volumeClaimTemplates/spec/storageClassName",
    ),
    ("IngressClass", "Ingress", "spec/ingressClassName"),
    (
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "spec/policyName",
    ),
];

fn visit_strings(node: &mut KNode, path: &[&str], f: &mut dyn FnMut(&mut KNode)) {
    if let KValue::Seq(items) = &mut node.value {
        for item in items {
            visit_strings(item, path, f);
        }
        return;
    }
    match path.split_first() {
        None => {
            if matches!(node.value, KValue::Str(_)) {
                f(node);
            }
        }
        Some((first, rest)) => {
            if let Some(child) = node.get_mut(first) {
                visit_strings(child, rest, f);
            }
        }
    }
}

/// After the build: references to objects renamed by prefixes, suffixes and hashes follow them.
pub(super) fn fix_name_references(resources: &mut [Resource], custom: &[(String, OwnedSpec)]) {
    // (kind, old name, referrer namespace hint) → new name, from every renamed object.
    let renamed: Vec<(String, Vec<String>, String, String)> = resources
        .iter()
        .filter(|r| !r.prev_names.is_empty())
        .map(|r| {
            (
                r.kind().to_string(),
                r.prev_names.iter().map(|(n, _)| n.clone()).collect(),
                r.name().to_string(),
                r.namespace().to_string(),
            )
        })
        .collect();
    fix_subjects(resources);
    if renamed.is_empty() {
        return;
    }
    let lookup = |kind: &str, name: &str, ns: &str| -> Option<String> {
        let candidates: Vec<&(String, Vec<String>, String, String)> = renamed
            .iter()
            .filter(|(k, old, new, _)| k == kind && new != name && old.iter().any(|o| o == name))
            .collect();
        candidates
            .iter()
            .find(|(_, _, _, n)| n == ns)
            .or(candidates.first())
            .map(|(_, _, new, _)| new.clone())
    };
    for r in resources.iter_mut() {
        let kind = r.kind().to_string();
        let ns = r.namespace().to_string();
        let fix = |node: &mut KNode, target: &str| {
            if let KValue::Str(s) = &node.value {
                if let Some(new) = lookup(target, s, &ns) {
                    node.value = KValue::Str(new);
                }
            }
        };
        if let Some(base) = pod_spec_path(&kind) {
            let mut spec = Some(&mut r.node);
            for k in base {
                spec = spec.and_then(|n| n.get_mut(k));
            }
            if let Some(spec) = spec {
                for (target, path) in POD_REFS {
                    let segs: Vec<&str> = path.split('/').collect();
                    visit_strings(spec, &segs, &mut |n| fix(n, target));
                }
            }
        }
        for (target, referrer, path) in OTHER_REFS {
            if *referrer == kind {
                let segs: Vec<&str> = path.split('/').collect();
                visit_strings(&mut r.node, &segs, &mut |n| fix(n, target));
            }
        }
        for (target, spec) in custom {
            if spec.kind.as_deref().is_none_or(|k| k == kind) {
                let segs: Vec<&str> = spec.path.split('/').collect();
                visit_strings(&mut r.node, &segs, &mut |n| fix(n, target));
            }
        }
        if kind == "HorizontalPodAutoscaler" {
            if let Some(t) = r
                .node
                .get_mut("spec")
                .and_then(|s| s.get_mut("scaleTargetRef"))
            {
                let target = t.str_at(&["kind"]).unwrap_or("").to_string();
                if let Some(n) = t.get_mut("name") {
                    fix(n, &target);
                }
            }
        }
        if matches!(kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
            if let Some(rr) = r.node.get_mut("roleRef") {
                let target = rr.str_at(&["kind"]).unwrap_or("").to_string();
                if let Some(n) = rr.get_mut("name") {
                    fix(n, &target);
                }
            }
        }
    }
}

/// The ServiceAccount subjects of (Cluster)RoleBindings, as Kustomize's name-reference filter
/// fixes a reference held in a mapping: the account of the build the subject names (by an
/// earlier name, in its namespace when it gives one) lends its current name and namespace, so
/// a subject follows its account into the namespace `namespace:` moved it to.
fn fix_subjects(resources: &mut [Resource]) {
    let effective = |ns: &str| {
        if ns.is_empty() {
            "default".to_string()
        } else {
            ns.to_string()
        }
    };
    // (earlier names, original namespace, name, namespace, namespace origin) of moved accounts.
    type Account = (Vec<String>, String, String, String, Option<Origin>);
    let accounts: Vec<Account> = resources
        .iter()
        .filter(|r| r.kind() == "ServiceAccount" && !r.prev_names.is_empty())
        .map(|r| {
            (
                r.prev_names.iter().map(|(n, _)| n.clone()).collect(),
                effective(&r.prev_names[0].1),
                r.name().to_string(),
                r.namespace().to_string(),
                r.node
                    .get("metadata")
                    .and_then(|m| m.get("namespace"))
                    .map(|n| n.origin),
            )
        })
        .collect();
    if accounts.is_empty() {
        return;
    }
    for r in resources.iter_mut() {
        if !matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding") {
            continue;
        }
        let Some(KValue::Seq(subjects)) = r.node.get_mut("subjects").map(|s| &mut s.value) else {
            continue;
        };
        for subject in subjects.iter_mut() {
            if subject.str_at(&["kind"]) != Some("ServiceAccount") {
                continue;
            }
            let Some(old) = subject.str_at(&["name"]).map(str::to_string) else {
                continue;
            };
            let named: Vec<&Account> = accounts.iter().filter(|a| a.0.contains(&old)).collect();
            let candidates: Vec<&Account> = match subject.str_at(&["namespace"]) {
                None => named,
                Some(ns) => {
                    let original: Vec<&Account> =
                        named.iter().copied().filter(|a| a.1 == ns).collect();
                    if original.is_empty() {
                        named
                            .into_iter()
                            .filter(|a| effective(&a.3) == ns)
                            .collect()
                    } else {
                        original
                    }
                }
            };
            let Some(first) = candidates.first() else {
                continue;
            };
            if candidates.iter().any(|a| a.2 != first.2 || a.3 != first.3) {
                continue; // Kustomize refuses such an ambiguity; left as written
            }
            let (_, _, name, ns, ns_origin) = first;
            if *name == old && ns.is_empty() {
                continue;
            }
            let origin = subject.get("name").map_or(subject.origin, |n| n.origin);
            if let Some(n) = subject.get_mut("name") {
                n.value = KValue::Str(name.clone());
            }
            if !ns.is_empty() && subject.str_at(&["namespace"]) != Some(ns.as_str()) {
                let at = ns_origin.unwrap_or(origin);
                subject.set("namespace", KNode::str(ns.clone(), at), at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::insert_path_part;

    #[test]
    fn insert_path_part_is_go_s() {
        // The table of Kustomize's `filesys.InsertPathPart` documentation.
        for (path, pos, want) in [
            ("", 3, "PEACH"),
            ("/", 3, "/PEACH"),
            ("pie", 0, "PEACH/pie"),
            ("/pie", 0, "/PEACH/pie"),
            ("raw", 1, "raw/PEACH"),
            ("/raw", 1, "/raw/PEACH"),
            ("a/nice/warm/pie", 3, "a/nice/warm/PEACH/pie"),
            ("/a/nice/warm/pie", 3, "/a/nice/warm/PEACH/pie"),
            ("a/b", 99, "a/b/PEACH"),
        ] {
            assert_eq!(insert_path_part(path, pos, "PEACH"), want, "{path} {pos}");
        }
    }
}
