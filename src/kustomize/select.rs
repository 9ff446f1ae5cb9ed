//! Which resources of a build a patch or replacement `target` selects: group, version, kind,
//! name and namespace as anchored regular expressions (also matching the names a resource had
//! before this build renamed it), label and annotation selectors. Must not: change resources.

use regex::Regex;

use super::model::{BuildError, Kust, Resource};
use super::tree::KNode;

/// Indices of the resources a patch `target` selects (regex names, label/annotation selectors).
pub(super) fn select(
    kust: &Kust,
    resources: &[Resource],
    target: &KNode,
) -> Result<Vec<usize>, BuildError> {
    let field = |k: &str| target.get(k).and_then(KNode::scalar_text);
    let pattern = |k: &str| -> Result<Option<Regex>, BuildError> {
        match field(k) {
            None => Ok(None),
            Some(p) if p.is_empty() => Ok(None),
            Some(p) => Regex::new(&format!("^(?:{p})$"))
                .map(Some)
                .map_err(|e| kust.error(target.origin, format!("target {k}: {e}"))),
        }
    };
    let (group, version, kind, name, namespace) = (
        pattern("group")?,
        pattern("version")?,
        pattern("kind")?,
        pattern("name")?,
        pattern("namespace")?,
    );
    let labels = field("labelSelector")
        .map(|s| parse_selector(&s).map_err(|m| kust.error(target.origin, m)))
        .transpose()?;
    let annotations = field("annotationSelector")
        .map(|s| parse_selector(&s).map_err(|m| kust.error(target.origin, m)))
        .transpose()?;
    let ok = |re: &Option<Regex>, v: &str| re.as_ref().is_none_or(|re| re.is_match(v));
    Ok(resources
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            ok(&group, r.group())
                && ok(&version, r.version())
                && ok(&kind, r.kind())
                && (ok(&name, r.name()) || r.prev_names.iter().any(|(n, _)| ok(&name, n)))
                && (ok(&namespace, r.namespace())
                    || r.prev_names.iter().any(|(_, ns)| ok(&namespace, ns)))
                && labels.as_ref().is_none_or(|s| {
                    matches_selector(s, r.node.get("metadata").and_then(|m| m.get("labels")))
                })
                && annotations.as_ref().is_none_or(|s| {
                    matches_selector(s, r.node.get("metadata").and_then(|m| m.get("annotations")))
                })
        })
        .map(|(i, _)| i)
        .collect())
}

enum Requirement {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A Kubernetes label selector: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
fn parse_selector(text: &str) -> Result<Vec<Requirement>, String> {
    let mut out = Vec::new();
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let set = |rest: &str| -> Vec<String> {
            rest.trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        if let Some((k, v)) = part.split_once("!=") {
            out.push(Requirement::NotEq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once("==") {
            out.push(Requirement::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once('=') {
            out.push(Requirement::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once(" notin ") {
            out.push(Requirement::NotIn(k.trim().into(), set(v)));
        } else if let Some((k, v)) = part.split_once(" in ") {
            out.push(Requirement::In(k.trim().into(), set(v)));
        } else if let Some(k) = part.strip_prefix('!') {
            out.push(Requirement::NotExists(k.trim().into()));
        } else if part.contains(' ') || part.contains('(') {
            return Err(format!("invalid selector `{text}`"));
        } else {
            out.push(Requirement::Exists(part.into()));
        }
    }
    Ok(out)
}

fn matches_selector(reqs: &[Requirement], map: Option<&KNode>) -> bool {
    let get = |k: &str| map.and_then(|m| m.get(k)).and_then(KNode::scalar_text);
    reqs.iter().all(|r| match r {
        Requirement::Eq(k, v) => get(k).as_deref() == Some(v.as_str()),
        Requirement::NotEq(k, v) => get(k).as_deref() != Some(v.as_str()),
        Requirement::In(k, vs) => get(k).is_some_and(|x| vs.contains(&x)),
        Requirement::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(&x)),
        Requirement::Exists(k) => get(k).is_some(),
        Requirement::NotExists(k) => get(k).is_none(),
    })
}
