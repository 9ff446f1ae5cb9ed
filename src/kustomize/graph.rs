//! The kustomization graph of a repository read from the files alone (no build): which
//! folders a kustomization names (`resources`, `bases`, `components`, transformer, generator
//! and validator configurations), whether it is a component, and which root kustomizations
//! reach a given file (pre-commit passes a base file alone). Must not: build, write files or
//! reach the network; remote entries are skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Whether a kustomization file declares `kind: Component`.
pub(crate) fn is_component(file: &Path) -> bool {
    std::fs::read_to_string(file).is_ok_and(|text| {
        crate::parse::yaml::load(&text, crate::parse::yaml::Limits::default())
            .documents
            .first()
            .and_then(|d| d.root.get("kind"))
            .and_then(|k| k.as_str())
            == Some("Component")
    })
}

pub(crate) fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Local directories a kustomization names under `resources`, `bases` and `components`, and
/// the kustomizations of transformer, generator and validator configurations it loads.
pub(crate) fn referenced_dirs(dir: &Path) -> Vec<PathBuf> {
    let Some(file) = super::model::kustomization_in(dir) else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Vec::new();
    };
    let stream = crate::parse::yaml::load(&text, crate::parse::yaml::Limits::default());
    let Some(doc) = stream.documents.first() else {
        return Vec::new();
    };
    [
        "resources",
        "bases",
        "components",
        "transformers",
        "generators",
        "validators",
    ]
    .iter()
    .filter_map(|k| doc.root.get(k))
    .filter_map(|n| match &n.value {
        crate::parse::yaml::Value::Seq(items) => Some(items),
        _ => None,
    })
    .flatten()
    .filter_map(|n| n.as_str())
    .filter(|s| !super::model::is_remote(s))
    .map(|s| canonical(&dir.join(s)))
    .filter(|p| p.is_dir())
    .collect()
}

/// Kustomizations looked at, at most, when a single file brings in the roots that use it.
const MAX_KUSTOMIZATIONS: usize = 10_000;

/// The kustomization files of the roots of `file`'s repository that build it: pre-commit
/// passes a staged base file alone, and the overlays that deploy it must be checked. A file
/// belongs to the kustomizations of its folder and the folders above (Kustomize reads no file
/// outside a kustomization's folder); a root reaches them through `resources`, `components`...
/// Empty when the file is in no kustomization, or outside a git repository.
pub(crate) fn roots_reaching(file: &Path) -> Vec<PathBuf> {
    let absolute = canonical(file);
    let Some(repo) = absolute
        .ancestors()
        .skip(1)
        .find(|a| a.join(".git").exists())
    else {
        return Vec::new();
    };
    let owners: BTreeSet<PathBuf> = absolute
        .ancestors()
        .skip(1)
        .take_while(|a| a.starts_with(repo))
        .filter(|a| super::model::kustomization_in(a).is_some())
        .map(Path::to_path_buf)
        .collect();
    if owners.is_empty() {
        return Vec::new();
    }
    let graph = repository_graph(repo);
    let (files, edges) = (&graph.0, &graph.1);
    let referenced: BTreeSet<&PathBuf> = edges.values().flatten().collect();
    let mut out = Vec::new();
    for (root, file) in files {
        if referenced.contains(root) {
            continue;
        }
        let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            if !seen.insert(dir.clone()) {
                continue;
            }
            stack.extend(edges.get(&dir).into_iter().flatten().cloned());
        }
        if seen.iter().any(|d| owners.contains(d)) {
            // Relative to the working directory when below it, as the other targets are.
            let cwd = std::env::current_dir().map(|d| canonical(&d)).ok();
            let shown = cwd
                .and_then(|d| file.strip_prefix(d).ok().map(Path::to_path_buf))
                .unwrap_or_else(|| file.clone());
            out.push(shown);
        }
    }
    out
}

/// A repository's kustomizations (canonical folder → file) and what each names.
type Graph = (BTreeMap<PathBuf, PathBuf>, BTreeMap<PathBuf, Vec<PathBuf>>);

/// The graph of a repository, walked once per process (pre-commit passes many files).
fn repository_graph(repo: &Path) -> std::sync::Arc<Graph> {
    static CACHE: std::sync::Mutex<BTreeMap<PathBuf, std::sync::Arc<Graph>>> =
        std::sync::Mutex::new(BTreeMap::new());
    if let Some(g) = CACHE.lock().ok().and_then(|c| c.get(repo).cloned()) {
        return g;
    }
    let mut files: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for entry in ignore::WalkBuilder::new(repo)
        .hidden(true)
        .build()
        .flatten()
    {
        let path = entry.path();
        if path
            .file_name()
            .is_some_and(|n| super::model::KUSTOMIZATION_FILES.iter().any(|k| n == *k))
        {
            if let Some(dir) = path.parent() {
                files.insert(canonical(dir), path.to_path_buf());
            }
        }
        if files.len() >= MAX_KUSTOMIZATIONS {
            break;
        }
    }
    let edges = files
        .keys()
        .map(|d| (d.clone(), referenced_dirs(d)))
        .collect();
    let graph = std::sync::Arc::new((files, edges));
    if let Ok(mut c) = CACHE.lock() {
        c.insert(repo.to_path_buf(), graph.clone());
    }
    graph
}
