//! Kustomization bundles: a folder holding `kustomization.yaml` is one application bundle made
//! of the manifests its `resources` (and legacy `bases`) name, followed through the local
//! kustomizations they point at. Patches are not applied: the bundle is the set of objects
//! the kustomization starts from. Must not: fetch remote resources or read anything but the
//! kustomization files themselves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::discover::{Target, TargetKind};
use crate::parse::yaml::{self, Value};

const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The bundles kustomizations define, by target display path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Groups {
    /// Top-level kustomization folder → the targets whose objects form its bundle.
    pub bundles: BTreeMap<String, BTreeSet<String>>,
    /// Targets kept out of their folder's bundle: the members of a kustomization and the
    /// other files of a kustomization's folder (patches are not whole objects).
    pub claimed: BTreeSet<String>,
    /// Targets a kustomization applies as patches: partial objects, checked for syntax only.
    pub patches: BTreeSet<String>,
}

fn kustomization_in(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Local paths a kustomization file lists under `keys`: plain strings, or the `path` of
/// mappings (`patches: [{path: x.yaml, target: ...}]`).
fn local_entries(file: &Path, keys: &[&str]) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    let stream = yaml::load(&text, yaml::Limits::default());
    let Some(doc) = stream.documents.first() else {
        return Vec::new();
    };
    keys.iter()
        .filter_map(|key| doc.root.get(key))
        .filter_map(|n| match &n.value {
            Value::Seq(items) => Some(items),
            _ => None,
        })
        .flatten()
        .filter_map(|n| {
            n.as_str()
                .or_else(|| n.get("path").and_then(|p| p.as_str()))
        })
        .filter(|s| !s.contains("://") && !s.starts_with("github.com/") && !s.starts_with("git@"))
        .map(str::to_string)
        .collect()
}

/// Groups the YAML targets by the kustomizations that name them.
pub fn groups(targets: &[Target]) -> Groups {
    let yaml: BTreeMap<PathBuf, &Target> = targets
        .iter()
        .filter(|t| t.kind == TargetKind::Yaml)
        .map(|t| (canonical(&t.path), t))
        .collect();
    let kustomization_dirs: Vec<PathBuf> = targets
        .iter()
        .filter(|t| {
            t.path
                .file_name()
                .is_some_and(|n| KUSTOMIZATION_FILES.iter().any(|k| n == *k))
        })
        .filter_map(|t| t.path.parent().map(canonical))
        .collect();
    if kustomization_dirs.is_empty() {
        return Groups::default();
    }
    let mut out = Groups::default();
    let mut referenced: BTreeSet<PathBuf> = BTreeSet::new();
    let mut members_of: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    for dir in &kustomization_dirs {
        if let Some(file) = kustomization_in(dir) {
            for patch in local_entries(&file, &["patches", "patchesStrategicMerge"]) {
                if let Some(t) = yaml.get(&canonical(&dir.join(patch))) {
                    out.patches.insert(t.display.clone());
                }
            }
        }
        let mut members = BTreeSet::new();
        let mut visited = BTreeSet::new();
        collect(dir, &yaml, &mut members, &mut visited, &mut referenced);
        members_of.insert(dir.clone(), members);
        for (path, target) in &yaml {
            if path.parent() == Some(dir.as_path()) {
                out.claimed.insert(target.display.clone());
            }
        }
    }
    for (dir, members) in members_of {
        out.claimed.extend(members.iter().cloned());
        if referenced.contains(&dir) {
            continue;
        }
        let name = yaml
            .iter()
            .find(|(p, _)| p.parent() == Some(dir.as_path()))
            .and_then(|(_, t)| t.display.rsplit_once('/').map(|(d, _)| d.to_string()))
            .unwrap_or_else(|| crate::discover::display_path(&dir));
        out.bundles.insert(name, members);
    }
    out
}

fn collect(
    dir: &Path,
    yaml: &BTreeMap<PathBuf, &Target>,
    members: &mut BTreeSet<String>,
    visited: &mut BTreeSet<PathBuf>,
    referenced: &mut BTreeSet<PathBuf>,
) {
    if !visited.insert(dir.to_path_buf()) {
        return;
    }
    let Some(file) = kustomization_in(dir) else {
        return;
    };
    for resource in local_entries(&file, &["resources", "bases"]) {
        let path = canonical(&dir.join(&resource));
        if path.is_file() {
            if let Some(t) = yaml.get(&path) {
                members.insert(t.display.clone());
            }
        } else if path.is_dir() {
            if kustomization_in(&path).is_some() {
                referenced.insert(path.clone());
                collect(&path, yaml, members, visited, referenced);
            } else {
                for (p, t) in yaml {
                    if p.parent() == Some(path.as_path()) {
                        members.insert(t.display.clone());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{discover, DiscoverOptions};

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    #[test]
    fn overlays_bundle_their_bases_and_components() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let k = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
        write(
            root,
            "base/kustomization.yaml",
            &format!("{k}resources: [deploy.yaml, svc.yaml]\n"),
        );
        write(
            root,
            "base/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\n",
        );
        write(root, "base/svc.yaml", "apiVersion: v1\nkind: Service\n");
        write(
            root,
            "base/unlisted.yaml",
            "apiVersion: v1\nkind: ConfigMap\n",
        );
        write(
            root,
            "pdb/pdb.yaml",
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\n",
        );
        write(
            root,
            "overlays/prod/kustomization.yaml",
            &format!("{k}resources:\n  - ../../base\n  - ../../pdb\n  - https://example.com/remote.yaml\npatches:\n  - path: replicas.yaml\n"),
        );
        write(
            root,
            "overlays/prod/replicas.yaml",
            "apiVersion: apps/v1\nkind: Deployment\n",
        );
        write(root, "plain/cm.yaml", "apiVersion: v1\nkind: ConfigMap\n");
        let d = discover(&[root.to_path_buf()], &DiscoverOptions::default()).expect("globs");
        let g = groups(&d.targets);
        let rel = |s: &str| {
            s.rsplit_once(&*root.display().to_string())
                .map_or(s.to_string(), |(_, r)| r.to_string())
        };
        let bundles: Vec<(String, Vec<String>)> = g
            .bundles
            .iter()
            .map(|(k, v)| (rel(k), v.iter().map(|m| rel(m)).collect()))
            .collect();
        assert_eq!(
            bundles,
            vec![(
                "/overlays/prod".to_string(),
                vec![
                    "/base/deploy.yaml".to_string(),
                    "/base/svc.yaml".to_string(),
                    "/pdb/pdb.yaml".to_string()
                ]
            )]
        );
        let claimed: Vec<String> = g.claimed.iter().map(|c| rel(c)).collect();
        assert!(claimed.contains(&"/overlays/prod/replicas.yaml".to_string()));
        assert!(claimed.contains(&"/base/unlisted.yaml".to_string()));
        assert!(!claimed.iter().any(|c| c.starts_with("/plain/")));
        let patches: Vec<String> = g.patches.iter().map(|c| rel(c)).collect();
        assert_eq!(patches, vec!["/overlays/prod/replicas.yaml".to_string()]);
    }
}
