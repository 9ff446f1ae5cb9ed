//! Kustomize's ConfigMap and Secret generators (`configMapGenerator`, `secretGenerator`,
//! `generatorOptions`, behaviors create/merge/replace) and the content-hash name suffix added
//! once the whole build is done, computed as Kustomize's hasher does (SHA-256 of Go's JSON of
//! kind, name and data). A generated object is located at its generator entry, each data key at
//! its literal or its `files:`/`envs:` entry. Must not: read files outside what the entries name
//! through the build's reader, or read the process environment (an env line without `=` is
//! left empty and noted).

use std::collections::BTreeMap;

use super::model::{normalize, BuildError, Builder, Kust, Note, Resource};
use super::tree::{KEntry, KNode, KValue, Origin};
use crate::render::funcs::codec::{b64_encode, sha256_hex};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    ConfigMap,
    Secret,
}

/// Generator options: labels and annotations (with their origins), hash, immutability.
#[derive(Default, Clone)]
struct Options {
    labels: Vec<(String, String, Origin)>,
    annotations: Vec<(String, String, Origin)>,
    disable_hash: Option<bool>,
    immutable: Option<(bool, Origin)>,
}

fn read_options(node: Option<&KNode>) -> Options {
    let mut out = Options::default();
    let Some(node) = node else { return out };
    let pairs = |key: &str| -> Vec<(String, String, Origin)> {
        node.get(key)
            .map(|m| {
                m.entries()
                    .iter()
                    .map(|e| {
                        (
                            e.key.clone(),
                            e.value.scalar_text().unwrap_or_default(),
                            e.key_origin,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    out.labels = pairs("labels");
    out.annotations = pairs("annotations");
    out.disable_hash = node
        .get("disableNameSuffixHash")
        .and_then(|n| match n.value {
            KValue::Bool(b) => Some(b),
            _ => None,
        });
    out.immutable = node.get("immutable").and_then(|n| match n.value {
        KValue::Bool(b) => Some((b, n.origin)),
        _ => None,
    });
    out
}

/// Entry options override the kustomization's `generatorOptions` key by key.
fn merged(global: &Options, local: &Options) -> Options {
    let mut out = global.clone();
    for (k, v, o) in &local.labels {
        out.labels.retain(|(x, _, _)| x != k);
        out.labels.push((k.clone(), v.clone(), *o));
    }
    for (k, v, o) in &local.annotations {
        out.annotations.retain(|(x, _, _)| x != k);
        out.annotations.push((k.clone(), v.clone(), *o));
    }
    if local.disable_hash.is_some() {
        out.disable_hash = local.disable_hash;
    }
    if local.immutable.is_some() {
        out.immutable = local.immutable;
    }
    out
}

/// Runs both generators of `kust` over the accumulated resources.
pub(super) fn run(
    builder: &mut Builder,
    kust: &Kust,
    resources: &mut Vec<Resource>,
) -> Result<(), BuildError> {
    let global = read_options(kust.root.get("generatorOptions"));
    for (key, kind) in [
        ("configMapGenerator", Kind::ConfigMap),
        ("secretGenerator", Kind::Secret),
    ] {
        for entry in kust.root.get(key).map(KNode::items).unwrap_or(&[]) {
            generate_one(builder, kust, entry, kind, &global, resources)?;
        }
    }
    Ok(())
}

fn generate_one(
    builder: &mut Builder,
    kust: &Kust,
    entry: &KNode,
    kind: Kind,
    global: &Options,
    resources: &mut Vec<Resource>,
) -> Result<(), BuildError> {
    let at = entry
        .entries()
        .iter()
        .find(|e| e.key == "name")
        .map_or(entry.origin, |e| e.key_origin);
    let Some(name) = entry.get("name").and_then(KNode::scalar_text) else {
        return Err(kust.error(at, "a generator entry needs a `name`"));
    };
    let namespace = entry.get("namespace").and_then(KNode::scalar_text);
    let behavior = entry
        .get("behavior")
        .and_then(KNode::scalar_text)
        .unwrap_or_else(|| "create".into());
    let options = merged(global, &read_options(entry.get("options")));
    let mut data: Vec<KEntry> = Vec::new();
    let put = |key: String, value: String, origin: Origin, data: &mut Vec<KEntry>| {
        let value = match kind {
            Kind::ConfigMap => value,
            Kind::Secret => b64_encode(value.as_bytes()),
        };
        let node = KNode::str(value, origin);
        match data.iter_mut().find(|e| e.key == key) {
            Some(e) => Err(format!("duplicate key `{}` in generator `{name}`", e.key)),
            None => {
                data.push(KEntry {
                    key,
                    key_origin: origin,
                    value: node,
                });
                Ok(())
            }
        }
    };
    for lit in entry.get("literals").map(KNode::items).unwrap_or(&[]) {
        let text = lit.scalar_text().unwrap_or_default();
        let Some((k, v)) = text.split_once('=') else {
            return Err(kust.error(
                lit.origin,
                format!("invalid literal source {text}, expected key=value"),
            ));
        };
        put(k.to_string(), unquote(v), lit.origin, &mut data)
            .map_err(|m| kust.error(lit.origin, m))?;
    }
    for f in entry.get("files").map(KNode::items).unwrap_or(&[]) {
        let text = f.scalar_text().unwrap_or_default();
        let (key, rel) = match text.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => (
                text.rsplit('/').next().unwrap_or(&text).to_string(),
                text.clone(),
            ),
        };
        let path = normalize(&kust.dir.join(&rel));
        let id = builder
            .read_in(kust, &path)
            .map_err(|m| kust.error(f.origin, m))?;
        let content = builder.text(id).to_string();
        put(key, content, f.origin, &mut data).map_err(|m| kust.error(f.origin, m))?;
    }
    let mut env_entries: Vec<&KNode> = entry
        .get("envs")
        .map_or(Vec::new(), |n| n.items().iter().collect());
    if let Some(env) = entry.get("env") {
        env_entries.push(env);
    }
    for e in env_entries {
        let rel = e.scalar_text().unwrap_or_default();
        let path = normalize(&kust.dir.join(&rel));
        let id = builder
            .read_in(kust, &path)
            .map_err(|m| kust.error(e.origin, m))?;
        let content = builder.text(id).to_string();
        for line in content.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once('=') {
                Some((k, v)) => put(k.to_string(), v.to_string(), e.origin, &mut data),
                None => {
                    builder.notes.push(Note {
                        origin: e.origin,
                        message: format!(
                            "`{line}` takes its value from the environment of the build: left empty here"
                        ),
                    });
                    put(line.to_string(), String::new(), e.origin, &mut data)
                }
            }
            .map_err(|m| kust.error(e.origin, m))?;
        }
    }
    let origin = at;
    let mut node = KNode::map(origin);
    let api = KNode::str("v1", origin);
    node.set("apiVersion", api, origin);
    node.set(
        "kind",
        KNode::str(
            match kind {
                Kind::ConfigMap => "ConfigMap",
                Kind::Secret => "Secret",
            },
            origin,
        ),
        origin,
    );
    let mut meta = KNode::map(origin);
    meta.set("name", KNode::str(name.clone(), origin), origin);
    if let Some(ns) = &namespace {
        meta.set("namespace", KNode::str(ns.clone(), origin), origin);
    }
    for (key, list) in [
        ("labels", &options.labels),
        ("annotations", &options.annotations),
    ] {
        if list.is_empty() {
            continue;
        }
        let mut m = KNode::map(origin);
        for (k, v, o) in list {
            m.set(k, KNode::str(v.clone(), *o), *o);
        }
        meta.set(key, m, origin);
    }
    node.set("metadata", meta, origin);
    if !data.is_empty() {
        node.set("data", KNode::new(KValue::Map(data), origin), origin);
    }
    if kind == Kind::Secret {
        let t = entry
            .get("type")
            .and_then(KNode::scalar_text)
            .unwrap_or_else(|| "Opaque".into());
        node.set("type", KNode::str(t, origin), origin);
    }
    if let Some((true, o)) = options.immutable {
        node.set("immutable", KNode::new(KValue::Bool(true), o), o);
    }
    let needs_hash = !options.disable_hash.unwrap_or(false);
    let kind_name = node.str_at(&["kind"]).unwrap_or("").to_string();
    let existing = resources.iter().position(|r| {
        r.kind() == kind_name
            && r.answers_to(&name)
            && namespace.as_deref().is_none_or(|ns| {
                r.namespace() == ns || (ns == "default" && r.namespace().is_empty())
            })
    });
    match (behavior.as_str(), existing) {
        ("create", None) => {
            let mut r = Resource::new(node);
            r.needs_hash = needs_hash;
            r.generated = true;
            resources.push(r);
        }
        ("create", Some(_)) => {
            return Err(kust.error(
                at,
                format!("may not add resource with an already registered id: {kind_name}/{name}"),
            ))
        }
        ("merge" | "replace", Some(i)) => {
            let target = &mut resources[i];
            let replace = behavior == "replace";
            for field in ["data", "binaryData"] {
                if replace {
                    target.node.remove(field);
                }
            }
            if let Some(new_data) = node.get("data").cloned() {
                let old = target.node.ensure_map(&["data"], origin);
                if let Some(old) = old {
                    for e in new_data.entries() {
                        old.set(&e.key, e.value.clone(), e.key_origin);
                    }
                }
            }
            for key in ["labels", "annotations"] {
                if let Some(m) = node.get("metadata").and_then(|m| m.get(key)).cloned() {
                    if let Some(old) = target.node.ensure_map(&["metadata", key], origin) {
                        for e in m.entries() {
                            old.set(&e.key, e.value.clone(), e.key_origin);
                        }
                    }
                }
            }
            if kind == Kind::Secret && entry.get("type").is_some() {
                if let Some(t) = node.get("type").cloned() {
                    target.node.set("type", t, origin);
                }
            }
            if let Some((true, o)) = options.immutable {
                target
                    .node
                    .set("immutable", KNode::new(KValue::Bool(true), o), o);
            }
            if options.disable_hash.is_some() {
                target.needs_hash = needs_hash;
            }
        }
        ("merge" | "replace", None) => {
            return Err(kust.error(
                at,
                format!("id {kind_name}/{name} does not exist; cannot merge or replace"),
            ))
        }
        (other, _) => {
            return Err(kust.error(at, format!("unknown generator behavior '{other}'")));
        }
    }
    Ok(())
}

/// A literal's value without one pair of matching surrounding quotes.
fn unquote(v: &str) -> String {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

/// Appends Kustomize's content hash to the name of every generated object that wants one.
pub(super) fn add_hashes(resources: &mut [Resource]) {
    for r in resources.iter_mut().filter(|r| r.needs_hash) {
        let Some(hash) = content_hash(&r.node) else {
            continue;
        };
        let origin = r
            .node
            .get("metadata")
            .and_then(|m| m.get("name"))
            .map_or(r.node.origin, |n| n.origin);
        let name = format!("{}-{hash}", r.name());
        r.set_name(name, origin);
        r.needs_hash = false;
    }
}

/// The ten-character suffix Kustomize derives from a ConfigMap's or Secret's content.
pub fn content_hash(node: &KNode) -> Option<String> {
    let kind = node.str_at(&["kind"])?;
    let field = |path: &[&str]| -> serde_json::Value {
        let mut n = node;
        for k in path {
            match n.get(k) {
                Some(next) => n = next,
                None => return serde_json::Value::String(String::new()),
            }
        }
        match &n.value {
            KValue::Map(_) => n.to_json(),
            _ => serde_json::Value::String(n.scalar_text().unwrap_or_default()),
        }
    };
    let mut m: BTreeMap<&str, serde_json::Value> = BTreeMap::new();
    m.insert("kind", kind.into());
    // Kustomize's hasher looks the name up as one field called `metadata/name`, finds nothing
    // and hashes an empty name: the suffix depends on the content only.
    m.insert("name", "".into());
    m.insert("data", field(&["data"]));
    match kind {
        "ConfigMap" => {
            if let Some(b) = node
                .get("binaryData")
                .filter(|b| matches!(b.value, KValue::Map(_)))
            {
                m.insert("binaryData", b.to_json());
            }
        }
        "Secret" => {
            m.insert("type", field(&["type"]));
            if let Some(s) = node
                .get("stringData")
                .filter(|s| matches!(s.value, KValue::Map(_)))
            {
                m.insert("stringData", s.to_json());
            }
        }
        _ => return None,
    }
    let mut text = String::new();
    go_json(&serde_json::to_value(&m).ok()?, &mut text);
    let hex = sha256_hex(text.as_bytes());
    Some(
        hex.chars()
            .take(10)
            .map(|c| match c {
                '0' => 'g',
                '1' => 'h',
                '3' => 'k',
                'a' => 'm',
                'e' => 't',
                c => c,
            })
            .collect(),
    )
}

/// JSON as Go's `encoding/json` writes it: keys sorted, `<`, `>`, `&`, U+2028 and U+2029
/// escaped.
fn go_json(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_string(k, out);
                out.push(':');
                go_json(&map[k.as_str()], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(v, out);
            }
            out.push(']');
        }
        serde_json::Value::String(s) => go_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn go_string(s: &str, out: &mut String) {
    crate::render::json::write_str(s, out, true);
}
