//! Kustomize's legacy `vars`: each var names a field of an object of the build (by kind, name
//! and optional apiVersion, `fieldref.fieldPath` defaulting to `metadata.name`); once the whole
//! build is done, `$(NAME)` in the fields Kustomize expands (container args, command, env
//! values, mount paths, Ingress hosts, Service ports, labels and annotations...) is replaced by
//! that field's final value. Must not: expand anywhere else (Kustomize does not).

use super::model::{BuildError, Kust, Resource, Var};
use super::tree::{KNode, KValue};

/// Adds the `vars` of a kustomization; a name defined twice is refused, as Kustomize does.
pub(super) fn collect(kust: &Kust, vars: &mut Vec<Var>) -> Result<(), BuildError> {
    for entry in kust.root.get("vars").map(KNode::items).unwrap_or(&[]) {
        // Kustomize reads kustomizations as JSON does: field names match case-insensitively
        // (`fieldref.fieldpath` is `fieldref.fieldPath`).
        let text = |path: &[&str]| {
            let mut node = entry;
            for key in path {
                node = &node
                    .entries()
                    .iter()
                    .find(|e| e.key == *key)
                    .or_else(|| {
                        node.entries()
                            .iter()
                            .find(|e| e.key.eq_ignore_ascii_case(key))
                    })?
                    .value;
            }
            node.as_str().map(str::to_string)
        };
        let Some(name) = text(&["name"]) else {
            return Err(kust.error(entry.origin, "a var needs a `name`"));
        };
        if vars.iter().any(|v| v.name == name) {
            return Err(kust.error(entry.origin, format!("var '{name}' already encountered")));
        }
        vars.push(Var {
            name,
            kind: text(&["objref", "kind"]).unwrap_or_default(),
            object: text(&["objref", "name"]).unwrap_or_default(),
            api_version: text(&["objref", "apiVersion"]),
            field_path: text(&["fieldref", "fieldPath"]).unwrap_or_else(|| "metadata.name".into()),
            origin: entry.origin,
        });
    }
    Ok(())
}

/// `metadata.name`, `spec.ports[0].port`, `spec.template.spec.containers[name=x].image`.
fn field<'a>(node: &'a KNode, path: &str) -> Option<&'a KNode> {
    let mut n = node;
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            n = n.get(key)?;
        }
        for index in rest.split('[').filter(|s| !s.is_empty()) {
            let index = index.trim_end_matches(']');
            n = match index.split_once('=') {
                Some((k, v)) => n.items().iter().find(|i| i.str_at(&[k]) == Some(v))?,
                None => n.items().get(index.parse::<usize>().ok()?)?,
            };
        }
    }
    Some(n)
}

/// Pod-spec fields Kustomize expands vars in.
const POD_FIELDS: &[&str] = &[
    "containers/args",
    "containers/command",
    "containers/env/value",
    "containers/volumeMounts/mountPath",
    "initContainers/args",
    "initContainers/command",
    "initContainers/env/value",
    "initContainers/volumeMounts/mountPath",
];

fn var_fields(kind: &str) -> Vec<String> {
    let mut out = vec![
        "metadata/labels".to_string(),
        "metadata/annotations".to_string(),
    ];
    let pod = match kind {
        "Pod" => Some("spec"),
        "Deployment" | "DaemonSet" | "ReplicaSet" | "Job" | "StatefulSet" => {
            Some("spec/template/spec")
        }
        "CronJob" => Some("spec/jobTemplate/spec/template/spec"),
        _ => None,
    };
    if let Some(pod) = pod {
        out.extend(POD_FIELDS.iter().map(|f| format!("{pod}/{f}")));
        if kind != "StatefulSet" && kind != "CronJob" {
            out.push(format!("{pod}/volumes/nfs/server"));
        }
    }
    let extra: &[&str] = match kind {
        "Deployment" => &["spec/template/metadata/annotations"],
        "Ingress" => &["spec/rules/host", "spec/tls/hosts", "spec/tls/secretName"],
        "Service" => &["spec/ports/port", "spec/ports/targetPort"],
        "StatefulSet" => &["spec/volumeClaimTemplates/spec/nfs/server"],
        "PersistentVolume" => &["spec/nfs/server"],
        _ => &[],
    };
    out.extend(extra.iter().map(|s| s.to_string()));
    out
}

fn visit(node: &mut KNode, path: &[&str], f: &mut dyn FnMut(&mut KNode)) {
    match (&mut node.value, path.split_first()) {
        (KValue::Seq(items), _) => items.iter_mut().for_each(|i| visit(i, path, f)),
        (KValue::Map(entries), None) => entries.iter_mut().for_each(|e| f(&mut e.value)),
        (_, None) => f(node),
        (KValue::Map(_), Some((first, rest))) => {
            if let Some(child) = node.get_mut(first) {
                visit(child, rest, f);
            }
        }
        _ => {}
    }
}

/// Replaces `$(NAME)` by the vars' values in the fields Kustomize expands.
pub(super) fn resolve(
    vars: &[Var],
    custom: &[super::model::OwnedSpec],
    resources: &mut [Resource],
) -> Result<(), BuildError> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut values: Vec<(String, KNode)> = Vec::new();
    for var in vars {
        let target = resources.iter().find(|r| {
            r.kind() == var.kind
                && r.answers_to(&var.object)
                && var
                    .api_version
                    .as_deref()
                    .is_none_or(|v| v == r.api_version())
        });
        let Some(target) = target else {
            return Err(BuildError {
                origin: var.origin,
                message: format!(
                    "var '{}' cannot be mapped to a field in the set of known resources",
                    var.name
                ),
            });
        };
        let Some(value) = field(&target.node, &var.field_path) else {
            return Err(BuildError {
                origin: var.origin,
                message: format!("field specified in var '{}' not found", var.name),
            });
        };
        values.push((format!("$({})", var.name), value.clone()));
    }
    for r in resources.iter_mut() {
        let mut paths = var_fields(r.kind());
        paths.extend(
            custom
                .iter()
                .filter(|s| s.selects(r))
                .map(|s| s.path.clone()),
        );
        for path in paths {
            let segments: Vec<&str> = path.split('/').collect();
            visit(&mut r.node, &segments, &mut |n| {
                let KValue::Str(s) = &n.value else { return };
                if let Some((_, v)) = values.iter().find(|(k, _)| k == s) {
                    n.value = v.value.clone();
                    return;
                }
                let mut text = s.clone();
                for (k, v) in &values {
                    if text.contains(k.as_str()) {
                        text = text.replace(k.as_str(), &v.scalar_text().unwrap_or_default());
                    }
                }
                if &text != s {
                    n.value = KValue::Str(text);
                }
            });
        }
    }
    Ok(())
}
