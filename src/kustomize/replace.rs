//! Kustomize's `replacements`: copies a field of one object of the build (the source, by kind,
//! name, namespace, group, version and `fieldPath`, optionally one `delimiter`-separated part)
//! into fields of the selected targets (`select`/`reject` selectors, `fieldPaths` with
//! `[key=value]` list selectors and `*`, `options.create`, `delimiter`/`index`). The written
//! value is located at the `fieldPaths` entry that asked for it. Must not: write a field that
//! does not exist unless `create` asks for it (Kustomize refuses the build then).

use super::model::{BuildError, Builder, Kust, Resource};
use super::select::select;
use super::tree::{stamp, KNode, KValue, Origin, Shift};

/// Runs the `replacements` of a kustomization (inline, or by `path`).
pub(super) fn run(
    builder: &mut Builder,
    kust: &Kust,
    resources: &mut [Resource],
) -> Result<(), BuildError> {
    for entry in kust
        .root
        .get("replacements")
        .map(KNode::items)
        .unwrap_or(&[])
    {
        let list: Vec<KNode> = match entry.get("path").and_then(KNode::as_str) {
            Some(rel) => {
                let path = super::model::normalize(&kust.dir.join(rel));
                let file = builder
                    .read_in(kust, &path)
                    .map_err(|m| kust.error(entry.origin, m))?;
                let text = builder.text(file).to_string();
                let mut out = Vec::new();
                for doc in builder.documents(&text, file, Shift::default(), entry.origin)? {
                    match doc.value {
                        KValue::Seq(items) => out.extend(items),
                        _ => out.push(doc),
                    }
                }
                out
            }
            None => vec![entry.clone()],
        };
        for replacement in &list {
            apply(kust, resources, replacement)?;
        }
    }
    Ok(())
}

fn apply(kust: &Kust, resources: &mut [Resource], r: &KNode) -> Result<(), BuildError> {
    let err = |m: String| kust.error(r.origin, m);
    let Some(source) = r.get("source") else {
        return Err(err(
            "replacements must specify a source and at least one target".into(),
        ));
    };
    let text = |n: &KNode, k: &str| n.get(k).and_then(KNode::scalar_text);
    let wanted_group = text(source, "group");
    let wanted_version = text(source, "version");
    let kind = text(source, "kind");
    let name = text(source, "name");
    let namespace = text(source, "namespace");
    let found: Vec<&Resource> = resources
        .iter()
        .filter(|res| {
            kind.as_deref().is_none_or(|k| k == res.kind())
                && name.as_deref().is_none_or(|n| res.answers_to(n))
                && namespace.as_deref().is_none_or(|ns| ns == res.namespace())
                && wanted_group.as_deref().is_none_or(|g| g == res.group())
                && wanted_version.as_deref().is_none_or(|v| v == res.version())
        })
        .collect();
    let source_res = match found.as_slice() {
        [one] => *one,
        [] => return Err(err("nothing selected by the replacement source".into())),
        _ => {
            return Err(err(
                "more than one resource matches the replacement source".into()
            ))
        }
    };
    let field_path = text(source, "fieldPath").unwrap_or_else(|| "metadata.name".into());
    let segments = split_path(&field_path);
    let mut values = Vec::new();
    collect(&source_res.node, &segments, &mut values);
    let Some(mut value) = values.into_iter().next().cloned() else {
        return Err(err(format!(
            "fieldPath `{field_path}` is missing for replacement source"
        )));
    };
    if let Some(options) = source.get("options") {
        if let Some(delimiter) = text(options, "delimiter") {
            let whole = value
                .scalar_text()
                .ok_or_else(|| err("delimiter option can only be used with scalar nodes".into()))?;
            let index = options.get("index").and_then(|i| match i.value {
                KValue::Int(n) => Some(n),
                _ => None,
            });
            let parts: Vec<&str> = whole.split(delimiter.as_str()).collect();
            let i = index.unwrap_or(0);
            let part = usize::try_from(i)
                .ok()
                .and_then(|i| parts.get(i))
                .ok_or_else(|| {
                    err(format!(
                        "options.index {i} is out of bounds for value {whole}"
                    ))
                })?;
            value = KNode::str(part.to_string(), value.origin);
        }
    }
    for target in r.get("targets").map(KNode::items).unwrap_or(&[]) {
        let Some(selector) = target.get("select") else {
            return Err(err("target must specify resources to select".into()));
        };
        let mut chosen = select(kust, resources, selector)?;
        for reject in target.get("reject").map(KNode::items).unwrap_or(&[]) {
            let rejected = select(kust, resources, reject)?;
            chosen.retain(|i| !rejected.contains(i));
        }
        let options = target.get("options");
        let create = options
            .and_then(|o| o.get("create"))
            .is_some_and(|c| c.value == KValue::Bool(true));
        let delimiter = options.and_then(|o| text(o, "delimiter"));
        let index = options
            .and_then(|o| o.get("index"))
            .and_then(|i| match i.value {
                KValue::Int(n) => Some(n),
                _ => None,
            })
            .unwrap_or(0);
        for fp in target.get("fieldPaths").map(KNode::items).unwrap_or(&[]) {
            let Some(path) = fp.scalar_text() else {
                continue;
            };
            let segments = split_path(&path);
            let mut written = value.clone();
            stamp(&mut written, fp.origin);
            for &i in &chosen {
                let node = &mut resources[i].node;
                let mut hits = 0;
                set(node, &segments, create, fp.origin, &mut |t| {
                    hits += 1;
                    match &delimiter {
                        Some(d) => {
                            let current = t.scalar_text().unwrap_or_default();
                            let mut parts: Vec<String> =
                                current.split(d.as_str()).map(str::to_string).collect();
                            let new = written.scalar_text().unwrap_or_default();
                            match usize::try_from(index) {
                                Ok(i) if i < parts.len() => parts[i] = new,
                                Ok(_) => parts.push(new),
                                Err(_) => parts.insert(0, new),
                            }
                            *t = KNode::str(parts.join(d.as_str()), fp.origin);
                        }
                        None => *t = written.clone(),
                    }
                });
                if hits == 0 {
                    return Err(kust.error(
                        fp.origin,
                        format!(
                            "unable to find {}field \"{path}\" in replacement target",
                            if create { "or create " } else { "" }
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `a.b.[k=v].c`, `a.b[k=v].c`, `a.*.c`: the segments of a Kustomize field path.
fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => {
                if depth == 0 && !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                depth += 1;
                current.push(c);
            }
            ']' => {
                depth -= 1;
                current.push(c);
            }
            '.' if depth == 0 => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a list item matches a `[key=value]` segment.
fn item_matches(item: &KNode, segment: &str) -> bool {
    let inner = segment.trim_start_matches('[').trim_end_matches(']');
    match inner.split_once('=') {
        Some((k, v)) => item.get(k).and_then(KNode::scalar_text).as_deref() == Some(v),
        None => false,
    }
}

fn collect<'a>(node: &'a KNode, path: &[String], out: &mut Vec<&'a KNode>) {
    let Some((first, rest)) = path.split_first() else {
        out.push(node);
        return;
    };
    match &node.value {
        KValue::Seq(items) if first.starts_with('[') => items
            .iter()
            .filter(|i| item_matches(i, first))
            .for_each(|i| collect(i, rest, out)),
        KValue::Seq(items) if first == "*" => items.iter().for_each(|i| collect(i, rest, out)),
        KValue::Seq(items) => {
            if let Some(i) = first.parse::<usize>().ok().and_then(|i| items.get(i)) {
                collect(i, rest, out);
            }
        }
        KValue::Map(entries) if first == "*" => {
            entries.iter().for_each(|e| collect(&e.value, rest, out))
        }
        KValue::Map(_) => {
            if let Some(child) = node.get(first) {
                collect(child, rest, out);
            }
        }
        _ => {}
    }
}

fn set(
    node: &mut KNode,
    path: &[String],
    create: bool,
    origin: Origin,
    f: &mut dyn FnMut(&mut KNode),
) {
    let Some((first, rest)) = path.split_first() else {
        f(node);
        return;
    };
    if matches!(node.value, KValue::Null) && create && !first.starts_with('[') {
        node.value = KValue::Map(Vec::new());
    }
    match &mut node.value {
        KValue::Seq(items) if first.starts_with('[') => {
            for item in items.iter_mut().filter(|i| item_matches(i, first)) {
                set(item, rest, create, origin, f);
            }
        }
        KValue::Seq(items) if first == "*" => {
            for item in items.iter_mut() {
                set(item, rest, create, origin, f);
            }
        }
        KValue::Seq(items) => {
            if let Some(item) = first.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                set(item, rest, create, origin, f);
            }
        }
        KValue::Map(entries) if first == "*" => {
            for e in entries.iter_mut() {
                set(&mut e.value, rest, create, origin, f);
            }
        }
        KValue::Map(_) => {
            if node.get(first).is_none() {
                if !create {
                    return;
                }
                node.set(first, KNode::new(KValue::Null, origin), origin);
            }
            if let Some(child) = node.get_mut(first) {
                set(child, rest, create, origin, f);
            }
        }
        _ => {}
    }
}
