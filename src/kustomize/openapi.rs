//! A kustomization's custom OpenAPI schema (`openapi: path:`), as Kustomize uses it in
//! strategic merges: the schema replaces Kubernetes' built-in one for the whole build, a kind
//! is found by its `x-kubernetes-group-version-kind`, and a list merges by its
//! `x-kubernetes-list-map-keys` (else `x-kubernetes-patch-merge-key`) when its
//! `x-kubernetes-patch-strategy` says `merge`. Must not: read files (the build gives the
//! parsed document), or follow `$ref` chains without bound.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// `$ref` hops followed before giving up (a schema referring to itself).
const MAX_REFS: usize = 64;

#[derive(Debug, Default)]
pub struct Schema {
    definitions: Map<String, Value>,
    /// (group, version, kind) → definition name.
    by_gvk: HashMap<(String, String, String), String>,
}

impl Schema {
    /// The schema of a parsed OpenAPI document (`{"definitions": {...}}`).
    pub fn from_document(doc: &Value) -> Result<Self, String> {
        let Some(definitions) = doc.get("definitions").and_then(Value::as_object) else {
            return Err("the OpenAPI schema has no `definitions` mapping".into());
        };
        let mut by_gvk = HashMap::new();
        for (name, def) in definitions {
            let gvks = def
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            for gvk in gvks {
                let field = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                by_gvk.insert(
                    (field("group"), field("version"), field("kind")),
                    name.clone(),
                );
            }
        }
        Ok(Self {
            definitions: definitions.clone(),
            by_gvk,
        })
    }

    /// The merge keys of the list at `path` (field names from the object's root, lists
    /// stepped through) in an object of `api_version`/`kind`: `None` when the list is replaced
    /// (unknown kind or field, or no merge strategy).
    pub fn merge_keys(
        &self,
        api_version: &str,
        kind: &str,
        path: &[String],
    ) -> Option<Vec<String>> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let name = self
            .by_gvk
            .get(&(group.to_string(), version.to_string(), kind.to_string()))?;
        let mut node = self.resolve(self.definitions.get(name)?)?;
        for field in path {
            if is_array(node) {
                node = self.resolve(node.get("items")?)?;
            }
            let child = node
                .get("properties")
                .and_then(|p| p.get(field))
                .or_else(|| node.get("additionalProperties").filter(|a| a.is_object()))?;
            node = self.resolve(child)?;
        }
        let strategy = node.get("x-kubernetes-patch-strategy")?.as_str()?;
        if !strategy.split(',').any(|s| s == "merge") {
            return None;
        }
        if let Some(keys) = node
            .get("x-kubernetes-list-map-keys")
            .and_then(Value::as_array)
        {
            return Some(
                keys.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            );
        }
        let key = node.get("x-kubernetes-patch-merge-key")?.as_str()?;
        Some(vec![key.to_string()])
    }

    fn resolve<'a>(&'a self, mut node: &'a Value) -> Option<&'a Value> {
        for _ in 0..MAX_REFS {
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                return Some(node);
            };
            let name = reference.strip_prefix("#/definitions/")?;
            node = self.definitions.get(name)?;
        }
        None
    }
}

fn is_array(node: &Value) -> bool {
    match node.get("type") {
        Some(Value::String(t)) => t == "array",
        Some(Value::Array(types)) => types.len() == 1 && types[0] == "array",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keys_follow_references_through_lists() {
        let schema = Schema::from_document(&serde_json::json!({
            "definitions": {
                "v1.Thing": {
                    "x-kubernetes-group-version-kind": [{"group": "x.io", "version": "v1", "kind": "Thing"}],
                    "properties": {"spec": {"properties": {"pods": {"$ref": "#/definitions/Pod"}}}}
                },
                "Pod": {"properties": {"containers": {
                    "type": "array", "items": {"$ref": "#/definitions/C"},
                    "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name"}}},
                "C": {"properties": {
                    "ports": {"type": "array", "x-kubernetes-patch-strategy": "merge",
                              "x-kubernetes-patch-merge-key": "containerPort",
                              "x-kubernetes-list-map-keys": ["containerPort", "protocol"]},
                    "args": {"type": "array"}}},
                "Loop": {"$ref": "#/definitions/Loop"}
            }
        }))
        .expect("schema");
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            schema.merge_keys("x.io/v1", "Thing", &path(&["spec", "pods", "containers"])),
            Some(vec!["name".to_string()])
        );
        assert_eq!(
            schema.merge_keys(
                "x.io/v1",
                "Thing",
                &path(&["spec", "pods", "containers", "ports"])
            ),
            Some(vec!["containerPort".to_string(), "protocol".to_string()])
        );
        assert_eq!(
            schema.merge_keys(
                "x.io/v1",
                "Thing",
                &path(&["spec", "pods", "containers", "args"])
            ),
            None
        );
        assert_eq!(
            schema.merge_keys("x.io/v2", "Thing", &path(&["spec"])),
            None
        );
        assert!(schema
            .resolve(&serde_json::json!({"$ref": "#/definitions/Loop"}))
            .is_none());
        assert!(Schema::from_document(&serde_json::json!([])).is_err());
    }
}
