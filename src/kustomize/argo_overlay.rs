//! An Argo CD Application's `kustomize` block applied to the root kustomization, as Argo CD
//! does before building (it edits the kustomization with `kustomize edit`): `namePrefix`,
//! `nameSuffix` and `namespace` replace the kustomization's; `images` and `replicas` entries
//! replace the kustomization's entry of the same name or are added; `commonLabels` and
//! `commonAnnotations` are added over the kustomization's (`labelWithoutSelector` and
//! `labelIncludeTemplates` as Argo CD passes them); `components` and `patches` are appended.
//! What the block writes keeps its origin in the Application's file.
//! Must not: read files, or change anything but the root kustomization's tree.

use super::tree::{KEntry, KNode, KValue, Origin};

/// Which source of which document of an Application file holds the `kustomize` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlay {
    pub file: std::path::PathBuf,
    pub document: usize,
    /// Keys (and list indices) from the document's root to the source: `spec/source`,
    /// `spec/sources/1`.
    pub source: Vec<String>,
}

/// The source node an overlay designates in a parsed document.
pub(super) fn source_node<'a>(doc: &'a KNode, overlay: &Overlay) -> Option<&'a KNode> {
    let mut node = doc;
    for step in &overlay.source {
        node = match (&node.value, step.parse::<usize>()) {
            (KValue::Seq(items), Ok(i)) => items.get(i)?,
            _ => node.get(step)?,
        };
    }
    Some(node)
}

/// Applies the block to the root kustomization's tree (of the folder `dir`); returns the
/// block's keys this build does not apply, for notes.
pub(super) fn apply(
    root: &mut KNode,
    block: &KNode,
    dir: &std::path::Path,
) -> Vec<(String, Origin)> {
    let mut left_out = Vec::new();
    for e in block.entries() {
        let at = e.key_origin;
        match e.key.as_str() {
            "namePrefix" | "nameSuffix" | "namespace" => root.set(&e.key, e.value.clone(), at),
            "images" => {
                for item in e.value.items() {
                    if let Some(text) = item.scalar_text() {
                        upsert(root, "images", image_entry(&text, item.origin), at);
                    }
                }
            }
            "replicas" => {
                for item in e.value.items() {
                    upsert(root, "replicas", item.clone(), at);
                }
            }
            "commonLabels" if !flag(block, "labelWithoutSelector") => {
                merge_map(root, "commonLabels", &e.value, at)
            }
            "commonLabels" => {
                // `kustomize edit add label --without-selector [--include-templates]`.
                let mut entry = KNode::map(at);
                entry.set("pairs", e.value.clone(), at);
                let no = KNode::new(KValue::Bool(false), at);
                entry.set("includeSelectors", no, at);
                if flag(block, "labelIncludeTemplates") {
                    entry.set("includeTemplates", KNode::new(KValue::Bool(true), at), at);
                }
                append(root, "labels", vec![entry], at);
            }
            "commonAnnotations" => merge_map(root, "commonAnnotations", &e.value, at),
            "components" if flag(block, "ignoreMissingComponents") => {
                let present = e
                    .value
                    .items()
                    .iter()
                    .filter(|c| c.scalar_text().is_some_and(|p| dir.join(p).exists()))
                    .cloned()
                    .collect();
                append(root, "components", present, at);
            }
            "components" | "patches" => append(root, &e.key, e.value.items().to_vec(), at),
            // Options of the keys above, or of the kustomize binary Argo CD runs.
            "labelWithoutSelector"
            | "labelIncludeTemplates"
            | "forceCommonLabels"
            | "forceCommonAnnotations"
            | "ignoreMissingComponents"
            | "version" => {}
            other => left_out.push((other.to_string(), at)),
        }
    }
    left_out
}

fn flag(block: &KNode, key: &str) -> bool {
    matches!(block.get(key).map(|n| &n.value), Some(KValue::Bool(true)))
}

/// `kustomize edit set image`'s argument as an `images` entry: `[name=]image[:tag|@digest]`;
/// without `name=` only the tag or digest changes.
fn image_entry(text: &str, origin: Origin) -> KNode {
    let mut entry = KNode::map(origin);
    let (name, image) = match text.split_once('=') {
        Some((name, image)) => (name.to_string(), Some(image)),
        None => (String::new(), None),
    };
    let (reference, tag, digest) = split_reference(image.unwrap_or(text));
    let name = if name.is_empty() {
        reference.clone()
    } else {
        name
    };
    entry.set("name", KNode::str(name, origin), origin);
    if image.is_some() {
        entry.set("newName", KNode::str(reference, origin), origin);
    }
    if let Some(tag) = tag {
        entry.set("newTag", KNode::str(tag, origin), origin);
    }
    if let Some(digest) = digest {
        entry.set("digest", KNode::str(digest, origin), origin);
    }
    entry
}

/// `repo/name:tag@digest` → (`repo/name`, tag, digest); a `:` before the last `/` is a port.
fn split_reference(image: &str) -> (String, Option<String>, Option<String>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (image, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[slash..].rfind(':') {
        Some(i) => (
            rest[..slash + i].to_string(),
            Some(rest[slash + i + 1..].to_string()),
            digest,
        ),
        None => (rest.to_string(), None, digest),
    }
}

/// Replaces the entry of the list `key` whose `name` matches, or appends it.
fn upsert(root: &mut KNode, key: &str, entry: KNode, at: Origin) {
    let name = entry.str_at(&["name"]).map(str::to_string);
    if let Some(KValue::Seq(items)) = root.get_mut(key).map(|n| &mut n.value) {
        if let Some(existing) = items
            .iter_mut()
            .find(|i| name.is_some() && i.str_at(&["name"]) == name.as_deref())
        {
            // `kustomize edit set image` keeps the entry and rewrites what it was given.
            for e in entry.entries() {
                existing.set(&e.key, e.value.clone(), e.key_origin);
            }
            return;
        }
    }
    append(root, key, vec![entry], at);
}

fn append(root: &mut KNode, key: &str, new: Vec<KNode>, at: Origin) {
    match root.get_mut(key).map(|n| &mut n.value) {
        Some(KValue::Seq(items)) => items.extend(new),
        _ => root.set(key, KNode::new(KValue::Seq(new), at), at),
    }
}

fn merge_map(root: &mut KNode, key: &str, pairs: &KNode, at: Origin) {
    if !matches!(root.get(key).map(|n| &n.value), Some(KValue::Map(_))) {
        root.set(key, KNode::map(at), at);
    }
    if let Some(map) = root.get_mut(key) {
        for KEntry {
            key,
            key_origin,
            value,
        } in pairs.entries()
        {
            map.set(key, value.clone(), *key_origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_components_are_skipped_on_request_and_unknown_keys_returned() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("here")).expect("mkdir");
        let parse = |t: &str| {
            let doc = crate::parse::yaml::load(t, crate::parse::yaml::Limits::default());
            KNode::from_yaml(&doc.documents[0].root, 0, Default::default())
        };
        let mut root = parse("resources: [a.yaml]\ncomponents: [base-c]\n");
        let block = parse(
            "ignoreMissingComponents: true\ncomponents: [here, gone]\ncommonAnnotationsEnvsubst: true\nnameSuffix: -x\n",
        );
        let left = apply(&mut root, &block, dir.path());
        assert_eq!(
            root.to_json(),
            serde_json::json!({"resources": ["a.yaml"], "components": ["base-c", "here"], "nameSuffix": "-x"})
        );
        assert_eq!(
            left.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["commonAnnotationsEnvsubst"]
        );
    }

    #[test]
    fn image_arguments_read_like_kustomize_edit_set_image() {
        let o = Origin::default();
        let json = |t: &str| image_entry(t, o).to_json();
        assert_eq!(
            json("nginx=harbor.io/nginx:1.27"),
            serde_json::json!({"name": "nginx", "newName": "harbor.io/nginx", "newTag": "1.27"})
        );
        assert_eq!(
            json("registry:5000/app:2.0"),
            serde_json::json!({"name": "registry:5000/app", "newTag": "2.0"})
        );
        assert_eq!(
            json("app@sha256:abc"),
            serde_json::json!({"name": "app", "digest": "sha256:abc"})
        );
    }
}
