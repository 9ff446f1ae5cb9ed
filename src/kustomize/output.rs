//! Printing a build as `kubectl kustomize` does: objects in Kustomize's legacy order (kinds
//! that others depend on first), keys sorted, one YAML document each, `---` between them; or
//! as a JSON array. Strings that YAML 1.1 would read as something else are quoted, so the
//! printed text reads back to the same data. Pure functions: no I/O.

use super::model::Resource;
use super::tree::{KNode, KValue};
use crate::parse::yaml;

const ORDER_FIRST: [&str; 22] = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const ORDER_LAST: [&str; 2] = [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

fn sort_key(r: &Resource) -> (i64, String, String, String) {
    let kind = r.kind();
    let order = ORDER_FIRST
        .iter()
        .position(|k| *k == kind)
        .map(|i| i as i64 - ORDER_FIRST.len() as i64)
        .or_else(|| {
            ORDER_LAST
                .iter()
                .position(|k| *k == kind)
                .map(|i| i as i64 + 1)
        })
        .unwrap_or(0);
    let or = |s: &str, d: &str| {
        if s.is_empty() {
            d.to_string()
        } else {
            s.to_string()
        }
    };
    let gvk = format!(
        "{}_{}_{}",
        or(r.group(), "~G"),
        or(r.version(), "~V"),
        or(kind, "~K")
    );
    (order, gvk, r.namespace().to_string(), r.name().to_string())
}

/// The objects in the order `kubectl kustomize` prints them.
pub fn ordered(resources: &[Resource]) -> Vec<&Resource> {
    let mut out: Vec<&Resource> = resources.iter().collect();
    out.sort_by_key(|r| sort_key(r));
    out
}

/// The build as a YAML stream.
pub fn to_yaml(resources: &[Resource]) -> String {
    let mut out = String::new();
    for (i, r) in ordered(resources).into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        write_map(&r.node, 0, &mut out);
    }
    out
}

/// The build as a JSON array of objects.
pub fn to_json(resources: &[Resource]) -> serde_json::Value {
    serde_json::Value::Array(
        ordered(resources)
            .into_iter()
            .map(|r| r.node.to_json())
            .collect(),
    )
}

fn sorted(node: &KNode) -> Vec<(&str, &KNode)> {
    let mut entries: Vec<(&str, &KNode)> = node
        .entries()
        .iter()
        .map(|e| (e.key.as_str(), &e.value))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

fn write_map(node: &KNode, indent: usize, out: &mut String) {
    for (i, (key, value)) in sorted(node).into_iter().enumerate() {
        if i > 0 {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&scalar_text(key));
        out.push(':');
        write_value(value, indent, out);
    }
}

/// Writes what follows `key:` or `- `.
fn write_value(value: &KNode, indent: usize, out: &mut String) {
    match &value.value {
        KValue::Map(e) if !e.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            write_map(value, indent + 2, out);
        }
        KValue::Map(_) => out.push_str(" {}\n"),
        KValue::Seq(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(value, indent, out);
        }
        KValue::Seq(_) => out.push_str(" []\n"),
        KValue::Str(s) if s.contains('\n') && !s.contains('\r') && !s.starts_with(' ') => {
            let chomp = if s.ends_with('\n') { "" } else { "-" };
            out.push_str(&format!(" |{chomp}\n"));
            let body = s.strip_suffix('\n').unwrap_or(s);
            for line in body.split('\n') {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&" ".repeat(indent + 2));
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(value));
            out.push('\n');
        }
    }
}

fn write_seq(node: &KNode, indent: usize, out: &mut String) {
    for item in node.items() {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match &item.value {
            KValue::Map(e) if !e.is_empty() => {
                out.push(' ');
                write_map(item, indent + 2, out);
            }
            KValue::Seq(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(item, indent + 2, out);
            }
            _ => write_value(item, indent, out),
        }
    }
}

fn scalar(node: &KNode) -> String {
    match &node.value {
        KValue::Null => "null".into(),
        KValue::Bool(b) => b.to_string(),
        KValue::Int(i) => i.to_string(),
        KValue::Float(f) if f.is_nan() => ".nan".into(),
        KValue::Float(f) if f.is_infinite() => if *f > 0.0 { ".inf" } else { "-.inf" }.into(),
        KValue::Float(f) => {
            let s = f.to_string();
            if s.contains('.') || s.contains('e') {
                s
            } else {
                format!("{s}.0")
            }
        }
        KValue::Str(s) => scalar_text(s),
        KValue::Seq(_) | KValue::Map(_) => String::new(),
    }
}

/// A string as a plain scalar when it reads back as the same string, else double-quoted.
fn scalar_text(s: &str) -> String {
    let plain_safe = !s.is_empty()
        && matches!(yaml::resolve_plain(s), yaml::Value::Str(_))
        && !s.starts_with([
            ' ', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`',
        ])
        // `--flag` stays plain, as Kustomize writes it; `-` alone or `- x` would be a list.
        && (!s.starts_with('-') || s[1..].chars().next().is_some_and(|c| c != ' '))
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains(['\n', '\t', '\r'])
        && s.chars().all(|c| !c.is_control());
    if plain_safe {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}
