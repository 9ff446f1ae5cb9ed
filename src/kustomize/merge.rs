//! Strategic merge patches as Kustomize applies them: mappings merge key by key, a `null`
//! deletes, lists of the built-in kinds merge by their Kubernetes merge key (containers by
//! `name`, ports by `containerPort`, volumeMounts by `mountPath`...), other lists are
//! replaced; `$patch: delete|replace|merge`, `$setElementOrder/…`, `$retainKeys` and
//! `$deleteFromPrimitiveList/…` directives are honoured. What the patch writes keeps the
//! patch's origins. Must not: recurse deeper than the patch itself (both trees are finite).

use super::openapi::Schema;
use super::tree::{KEntry, KNode, KValue};

/// API groups whose kinds have Kubernetes' merge keys (custom resources have none: their lists
/// are replaced, as Kustomize does without an OpenAPI schema for them).
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "scheduling.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "certificates.k8s.io",
    "node.k8s.io",
    "extensions",
];

/// What the patch asked for the whole object.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Kept,
    Deleted,
}

pub fn is_builtin(api_version: &str) -> bool {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    BUILTIN_GROUPS.contains(&group)
}

/// The merge keys of the list at a path (field names from the object's root), `None` when
/// the list is replaced.
type Keys<'a> = dyn Fn(&[String]) -> Option<Vec<String>> + 'a;

/// Applies `patch` to `target` (a whole object); with a custom OpenAPI schema (`openapi:`),
/// that schema alone gives the merge keys, as in Kustomize.
pub fn apply(target: &mut KNode, patch: &KNode, schema: Option<&Schema>) -> Outcome {
    let api_version = target.str_at(&["apiVersion"]).unwrap_or("").to_string();
    let kind = target.str_at(&["kind"]).unwrap_or("").to_string();
    let builtin = is_builtin(&api_version);
    let keys = |path: &[String]| match schema {
        Some(schema) => schema.merge_keys(&api_version, &kind, path),
        None if builtin => merge_key(path).map(|k| vec![k.to_string()]),
        None => None,
    };
    if directive(patch) == Some("delete") {
        return Outcome::Deleted;
    }
    let mut path = Vec::new();
    merge_map(target, patch, &keys, &mut path);
    Outcome::Kept
}

fn directive(node: &KNode) -> Option<&str> {
    node.get("$patch").and_then(KNode::as_str)
}

/// The patch without its directive keys, recursively (what is written when the base has
/// nothing to merge into).
fn clean(node: &KNode) -> KNode {
    match &node.value {
        KValue::Map(entries) => KNode::new(
            KValue::Map(
                entries
                    .iter()
                    .filter(|e| !e.key.starts_with('$'))
                    .filter(|e| !matches!(e.value.value, KValue::Null))
                    .map(|e| KEntry {
                        key: e.key.clone(),
                        key_origin: e.key_origin,
                        value: clean(&e.value),
                    })
                    .collect(),
            ),
            node.origin,
        ),
        KValue::Seq(items) => KNode::new(
            KValue::Seq(
                items
                    .iter()
                    .filter(|i| directive(i).is_none_or(|d| d != "delete"))
                    .filter(|i| !is_list_directive(i))
                    .map(clean)
                    .collect(),
            ),
            node.origin,
        ),
        _ => node.clone(),
    }
}

fn is_list_directive(item: &KNode) -> bool {
    matches!(&item.value, KValue::Map(e) if e.len() == 1 && e[0].key == "$patch")
}

fn merge_map(target: &mut KNode, patch: &KNode, keys: &Keys, path: &mut Vec<String>) {
    if directive(patch) == Some("replace") {
        *target = clean(patch);
        return;
    }
    if !matches!(target.value, KValue::Map(_)) {
        *target = clean(patch);
        return;
    }
    let retain: Option<Vec<String>> = patch.get("$retainKeys").map(|k| {
        k.items()
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect()
    });
    for entry in patch.entries() {
        let key = entry.key.as_str();
        if let Some(field) = key.strip_prefix("$deleteFromPrimitiveList/") {
            if let Some(list) = target.get_mut(field) {
                if let KValue::Seq(items) = &mut list.value {
                    let gone: Vec<serde_json::Value> =
                        entry.value.items().iter().map(KNode::to_json).collect();
                    items.retain(|i| !gone.contains(&i.to_json()));
                }
            }
            continue;
        }
        if key.starts_with('$') {
            continue;
        }
        if matches!(entry.value.value, KValue::Null) {
            target.remove(key);
            continue;
        }
        path.push(key.to_string());
        match target.get_mut(key) {
            None => {
                if directive(&entry.value) != Some("delete") {
                    target.set(key, clean(&entry.value), entry.key_origin);
                }
            }
            Some(existing) => match (&entry.value.value, &existing.value) {
                (KValue::Map(_), KValue::Map(_)) => {
                    if directive(&entry.value) == Some("delete") {
                        target.remove(key);
                    } else {
                        merge_map(existing, &entry.value, keys, path);
                    }
                }
                (KValue::Seq(_), KValue::Seq(_)) => {
                    merge_list(existing, &entry.value, keys, path);
                }
                // The same scalar again (a merge key, the patch's apiVersion and name) changes
                // nothing: the value stays located where it was first written.
                (a, b) if a == b => {}
                _ => {
                    *existing = clean(&entry.value);
                }
            },
        }
        path.pop();
    }
    if let Some(retain) = retain {
        if let KValue::Map(entries) = &mut target.value {
            entries.retain(|e| retain.contains(&e.key));
        }
    }
    // `$setElementOrder/field` only orders; Kustomize's output order does not change data.
}

/// The Kubernetes merge key of the list at `path` (field names from the object's root).
fn merge_key(path: &[String]) -> Option<&'static str> {
    let last = path.last()?.as_str();
    let parent = path.iter().rev().nth(1).map(String::as_str);
    Some(match last {
        "containers" | "initContainers" | "ephemeralContainers" => "name",
        "env" | "volumes" | "imagePullSecrets" | "resourceClaims" | "schedulingGates" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "ownerReferences" => "uid",
        "conditions" => "type",
        "ports" if path.len() == 2 && path[0] == "spec" => "port",
        "ports"
            if matches!(
                parent,
                Some("containers" | "initContainers" | "ephemeralContainers")
            ) =>
        {
            "containerPort"
        }
        _ => return None,
    })
}

fn merge_list(target: &mut KNode, patch: &KNode, keys: &Keys, path: &mut Vec<String>) {
    let items = patch.items();
    if items
        .iter()
        .any(|i| is_list_directive(i) && directive(i) == Some("replace"))
    {
        *target = clean(patch);
        return;
    }
    let Some(key) = keys(path).filter(|k| !k.is_empty()) else {
        *target = clean(patch);
        return;
    };
    let id_of = |item: &KNode| -> Option<Vec<Option<serde_json::Value>>> {
        let id: Vec<Option<serde_json::Value>> = key
            .iter()
            .map(|k| item.get(k).map(KNode::to_json))
            .collect();
        id.iter().any(Option::is_some).then_some(id)
    };
    let KValue::Seq(existing) = &mut target.value else {
        return;
    };
    // Kustomize (kyaml, list increase direction "prepend"): the patch's items first, in the
    // patch's order (merged into their match), then the target's items the patch did not name.
    let mut old: Vec<Option<KNode>> = std::mem::take(existing).into_iter().map(Some).collect();
    let mut out: Vec<KNode> = Vec::new();
    for item in items {
        if is_list_directive(item) {
            continue;
        }
        let Some(id) = id_of(item) else {
            out.push(clean(item));
            continue;
        };
        let found = old
            .iter()
            .position(|e| e.as_ref().and_then(id_of).as_ref() == Some(&id));
        let matched = found.and_then(|i| old[i].take());
        match (matched, directive(item)) {
            (_, Some("delete")) => {}
            (Some(_), Some("replace")) | (None, _) => out.push(clean(item)),
            (Some(mut e), _) => {
                merge_map(&mut e, item, keys, path);
                out.push(e);
            }
        }
    }
    out.extend(old.into_iter().flatten());
    *existing = out;
}
