//! JSON patches (RFC 6902) on the build's trees: add, remove, replace, move, copy and test with
//! JSON pointers, as Kustomize applies `patches` whose content is a list of operations. A value
//! an operation writes keeps the patch's origins (the `value:` line). Must not: panic on a bad
//! pointer or index — every failure is an error message for the kustomization line.

use super::tree::{KNode, KValue, Origin};

/// Applies the operations of `ops` (a sequence of mappings) to `target`.
pub fn apply(target: &mut KNode, ops: &KNode) -> Result<(), String> {
    let KValue::Seq(list) = &ops.value else {
        return Err("a JSON patch is a list of operations".into());
    };
    for op in list {
        let name = op.get("op").and_then(KNode::as_str).unwrap_or("");
        let path = op
            .get("path")
            .and_then(KNode::as_str)
            .ok_or_else(|| format!("JSON patch operation `{name}` without a path"))?;
        let tokens = pointer(path)?;
        let value_origin = op
            .entries()
            .iter()
            .find(|e| e.key == "value")
            .map(|e| e.key_origin);
        let value = || {
            op.get("value")
                .cloned()
                .ok_or_else(|| format!("JSON patch operation `{name}` without a value"))
        };
        match name {
            "add" => add(target, &tokens, value()?, value_origin.unwrap_or(op.origin))?,
            "remove" => {
                remove(target, &tokens)?;
                // What the removal leaves missing is located at the operation's `path:`.
                let at = op.get("path").map_or(op.origin, |p| p.origin);
                if let Some((key, parent)) = tokens.split_last() {
                    if let Some(parent) =
                        get_mut(target, parent).filter(|p| matches!(p.value, KValue::Map(_)))
                    {
                        parent.removed.push((key.clone(), at));
                    }
                }
            }
            "replace" => {
                remove(target, &tokens).map_err(|_| {
                    format!("replace operation does not apply: doc is missing path: {path}")
                })?;
                add(target, &tokens, value()?, value_origin.unwrap_or(op.origin))?;
            }
            "move" | "copy" => {
                let from = op
                    .get("from")
                    .and_then(KNode::as_str)
                    .ok_or_else(|| format!("JSON patch operation `{name}` without `from`"))?;
                let from_tokens = pointer(from)?;
                let node = if name == "move" {
                    remove(target, &from_tokens)?
                } else {
                    get(target, &from_tokens)
                        .cloned()
                        .ok_or_else(|| format!("copy from a missing path: {from}"))?
                };
                add(target, &tokens, node, op.origin)?;
            }
            "test" => {
                let expected = value()?.to_json();
                let actual = get(target, &tokens).map(KNode::to_json);
                if actual.as_ref() != Some(&expected) {
                    return Err(format!("testing value {path} failed"));
                }
            }
            other => return Err(format!("unexpected JSON patch operation `{other}`")),
        }
    }
    Ok(())
}

fn pointer(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("JSON pointer `{path}` must start with `/`"));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn get<'a>(node: &'a KNode, tokens: &[String]) -> Option<&'a KNode> {
    let mut n = node;
    for t in tokens {
        n = match &n.value {
            KValue::Map(_) => n.get(t)?,
            KValue::Seq(items) => items.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(n)
}

fn get_mut<'a>(node: &'a mut KNode, tokens: &[String]) -> Option<&'a mut KNode> {
    let mut n = node;
    for t in tokens {
        n = if matches!(n.value, KValue::Map(_)) {
            n.get_mut(t)?
        } else if let KValue::Seq(items) = &mut n.value {
            items.get_mut(t.parse::<usize>().ok()?)?
        } else {
            return None;
        };
    }
    Some(n)
}

fn add(
    target: &mut KNode,
    tokens: &[String],
    value: KNode,
    key_origin: Origin,
) -> Result<(), String> {
    let Some((last, parent_tokens)) = tokens.split_last() else {
        *target = value;
        return Ok(());
    };
    let shown = format!("/{}", tokens.join("/"));
    let parent = get_mut(target, parent_tokens)
        .ok_or_else(|| format!("add operation does not apply: doc is missing path: {shown}"))?;
    match &mut parent.value {
        KValue::Map(_) => {
            parent.set(last, value, key_origin);
            Ok(())
        }
        KValue::Seq(items) => {
            if last == "-" {
                items.push(value);
                return Ok(());
            }
            let i: usize = last
                .parse()
                .map_err(|_| format!("add operation: bad index in {shown}"))?;
            if i > items.len() {
                return Err(format!("add operation: index out of bounds in {shown}"));
            }
            items.insert(i, value);
            Ok(())
        }
        _ => Err(format!("add operation does not apply: {shown}")),
    }
}

fn remove(target: &mut KNode, tokens: &[String]) -> Result<KNode, String> {
    let shown = format!("/{}", tokens.join("/"));
    let Some((last, parent_tokens)) = tokens.split_last() else {
        return Err("cannot remove the whole object".into());
    };
    let parent = get_mut(target, parent_tokens)
        .ok_or_else(|| format!("remove operation does not apply: doc is missing path: {shown}"))?;
    match &mut parent.value {
        KValue::Map(_) => parent.remove(last).ok_or_else(|| {
            format!("remove operation does not apply: doc is missing path: {shown}")
        }),
        KValue::Seq(items) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("remove operation: bad index in {shown}"))?;
            if i >= items.len() {
                return Err(format!("remove operation: index out of bounds in {shown}"));
            }
            Ok(items.remove(i))
        }
        _ => Err(format!("remove operation does not apply: {shown}")),
    }
}
