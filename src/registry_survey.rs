//! `cct-lint init`'s survey of the image registries a repository uses: a quick offline walk of
//! its Dockerfiles (`FROM`), manifests (`image:` strings, kustomize `images[].newName`) and Helm
//! values (`image: {registry, repository}`), and the starter configuration that lists them,
//! commented, under K8S020's `allowed_prefixes`. It reads files and never judges them: the
//! check is K8S020's, this only helps write its configuration. Nothing here writes a file.

use std::collections::BTreeMap;
use std::path::Path;

use crate::discover::{self, DiscoverOptions, TargetKind};
use crate::parse::dockerfile;
use crate::parse::yaml::{self, Node, Value};

/// Files larger than this are left out of the survey (it must stay quick).
const MAX_FILE: u64 = 1024 * 1024;

/// Registry (as K8S020 normalises it: no host means `docker.io`) → number of image references.
pub type Registries = BTreeMap<String, usize>;

/// The registries of the images referenced below `root`.
pub fn survey(root: &Path) -> Registries {
    let mut found = Registries::new();
    let Ok(discovery) = discover::discover(&[root.to_path_buf()], &DiscoverOptions::default())
    else {
        return found;
    };
    for target in &discovery.targets {
        match target.kind {
            TargetKind::Dockerfile => {
                if let Some(text) = read(&target.path) {
                    let parsed = dockerfile::parse(&text);
                    for stage in &parsed.stages {
                        if stage.scratch || stage.stage_ref.is_some() {
                            continue;
                        }
                        add(&mut found, &stage.image);
                    }
                }
            }
            TargetKind::Yaml | TargetKind::Json => {
                if let Some(text) = read(&target.path) {
                    yaml_images(&text, &mut found);
                }
            }
            TargetKind::HelmChart => {
                for name in ["values.yaml", "values.yml"] {
                    if let Some(text) = read(&target.path.join(name)) {
                        yaml_images(&text, &mut found);
                    }
                }
            }
        }
    }
    found
}

fn read(path: &Path) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    if size > MAX_FILE {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

fn yaml_images(text: &str, found: &mut Registries) {
    let stream = yaml::load(text, yaml::Limits::default());
    for document in &stream.documents {
        walk(&document.root, found);
    }
}

fn walk(node: &Node, found: &mut Registries) {
    match &node.value {
        Value::Map(entries) => {
            for entry in entries {
                match (entry.key.as_str(), &entry.value.value) {
                    ("image" | "newName", Value::Str(s)) => add(found, s),
                    ("image", Value::Map(_)) => {
                        // Helm values: `image: {registry: ..., repository: ...}`.
                        let field = |k: &str| entry.value.get(k).and_then(Node::as_str);
                        match (field("registry"), field("repository")) {
                            (Some(r), Some(repo)) if !r.is_empty() => {
                                add(found, &format!("{r}/{repo}"))
                            }
                            (_, Some(repo)) => add(found, repo),
                            _ => walk(&entry.value, found),
                        }
                    }
                    _ => walk(&entry.value, found),
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|n| walk(n, found)),
        _ => {}
    }
}

fn add(found: &mut Registries, image: &str) {
    if let Some(registry) = registry_of(image) {
        *found.entry(registry).or_default() += 1;
    }
}

/// The registry of an image reference, read the way the container runtime reads it; `None`
/// for what is not an image reference (empty, templated, holding spaces or variables).
pub fn registry_of(image: &str) -> Option<String> {
    let image = image.trim();
    if image.is_empty()
        || image.contains(['$', '{', '}', ' ', '"', '\''])
        || image.starts_with(['/', '.', '-'])
    {
        return None;
    }
    let first = image.split('/').next().unwrap_or_default();
    let has_host =
        image.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let registry = if has_host {
        first.to_ascii_lowercase()
    } else {
        "docker.io".to_string()
    };
    Some(match registry.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".to_string()
        }
        _ => registry,
    })
}

/// Whether `prefix` (a K8S020 `allowed_prefixes` entry; `*` is one host label) allows every
/// image of `registry`. Only whole-registry prefixes count: `bitnami/` allows some images of
/// docker.io, not the registry.
pub fn prefix_allows_registry(prefix: &str, registry: &str) -> bool {
    let prefix = prefix.trim().trim_end_matches('/').to_ascii_lowercase();
    let (p, r): (Vec<&str>, Vec<&str>) =
        (prefix.split('.').collect(), registry.split('.').collect());
    p.len() == r.len()
        && p.iter().zip(&r).all(|(p, r)| {
            *p == *r
                || (*p == "*"
                    && !r.is_empty()
                    && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        })
}

/// The K8S020 example of the generic starter file.
const K8S020_EXAMPLE: &str = "  # K8S020:\n  #   params:\n  #     allowed_prefixes: [\"harbor.io/\", \"docker.io/bitnami/\"]\n";

fn images(count: usize) -> String {
    if count == 1 {
        "1 image".to_string()
    } else {
        format!("{count} images")
    }
}

/// The starter configuration, with the registries found listed (commented) under K8S020.
pub fn starter(base: &str, defaults: &[String], found: &Registries) -> String {
    const ANCHOR: &str = "rules:\n";
    let Some(at) = base.find(ANCHOR) else {
        return base.to_string();
    };
    if found.is_empty() {
        return base.to_string();
    }
    let mut block = String::from(
        "  # Registries the images of this repository come from (found by `cct-lint init`).\n  \
         # K8S020 refuses the ones not allowed by default; uncomment and keep those the\n  \
         # platform accepts (this list replaces the default one).\n  \
         # K8S020:\n  #   params:\n  #     allowed_prefixes:\n",
    );
    for prefix in defaults {
        let used: Vec<String> = found
            .iter()
            .filter(|(registry, _)| prefix_allows_registry(prefix, registry))
            .map(|(registry, count)| format!("{registry}: {}", images(*count)))
            .collect();
        let note = if used.is_empty() {
            "default".to_string()
        } else {
            format!("default; used here by {}", used.join(", "))
        };
        block.push_str(&format!("  #       - \"{prefix}\"  # {note}\n"));
    }
    for (registry, count) in found {
        if defaults.iter().any(|p| prefix_allows_registry(p, registry)) {
            continue;
        }
        block.push_str(&format!(
            "  #       - \"{registry}/\"  # {}, not allowed by default\n",
            images(*count)
        ));
    }
    let insert = at + ANCHOR.len();
    // The generic K8S020 example gives way to the list written for this repository.
    let rest = base[insert..].replacen(K8S020_EXAMPLE, "", 1);
    format!("{}{}{}", &base[..insert], block, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_are_read_as_the_runtime_reads_them() {
        assert_eq!(registry_of("nginx:1.27").as_deref(), Some("docker.io"));
        assert_eq!(registry_of("bitnami/redis:7").as_deref(), Some("docker.io"));
        assert_eq!(
            registry_of("index.docker.io/library/busybox").as_deref(),
            Some("docker.io")
        );
        assert_eq!(registry_of("GCR.io/p/app:1").as_deref(), Some("gcr.io"));
        assert_eq!(
            registry_of("localhost:5000/app").as_deref(),
            Some("localhost:5000")
        );
        assert_eq!(registry_of("{{ .Values.image }}"), None);
        assert_eq!(registry_of("${REGISTRY}/app:1"), None);
        assert_eq!(registry_of(""), None);
    }

    #[test]
    fn a_star_is_exactly_one_host_label() {
        let p = "harbor.apps.*.numerique-interieur.com/";
        assert!(prefix_allows_registry(
            p,
            "harbor.apps.c6.numerique-interieur.com"
        ));
        assert!(prefix_allows_registry(
            p,
            "harbor.apps.dso.numerique-interieur.com"
        ));
        assert!(!prefix_allows_registry(
            p,
            "harbor.apps.numerique-interieur.com"
        ));
        assert!(!prefix_allows_registry(
            p,
            "harbor.apps.a.b.numerique-interieur.com"
        ));
        assert!(prefix_allows_registry("docker.io/", "docker.io"));
        assert!(!prefix_allows_registry("bitnami/", "docker.io"));
        assert!(!prefix_allows_registry("ghcr.io/", "gcr.io"));
    }

    #[test]
    fn the_survey_reads_dockerfiles_manifests_values_and_kustomizations() {
        let dir = std::env::temp_dir().join(format!("cct-lint-survey-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("chart/templates")).unwrap();
        std::fs::write(
            dir.join("Dockerfile"),
            "FROM golang:1.22 AS build\nFROM build AS again\nFROM gcr.io/distroless/static:nonroot\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("deploy.yaml"),
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: harbor.apps.c6.numerique-interieur.com/t/a:1\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("kustomization.yaml"),
            "resources: [deploy.yaml]\nimages:\n  - name: a\n    newName: registry.k8s.io/a\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("chart/Chart.yaml"),
            "apiVersion: v2\nname: c\nversion: 1.0.0\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("chart/values.yaml"),
            "image:\n  registry: quay.io\n  repository: org/app\n  tag: '1'\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("chart/templates/pod.yaml"),
            "image: \"{{ .Values.image.registry }}/x\"\n",
        )
        .unwrap();
        let found = survey(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        let expected: Registries = [
            ("docker.io".to_string(), 1),
            ("gcr.io".to_string(), 1),
            ("harbor.apps.c6.numerique-interieur.com".to_string(), 1),
            ("quay.io".to_string(), 1),
            ("registry.k8s.io".to_string(), 1),
        ]
        .into_iter()
        .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn the_starter_lists_the_registries_commented() {
        let defaults = vec![
            "docker.io/".to_string(),
            "harbor.apps.*.numerique-interieur.com/".to_string(),
        ];
        let found: Registries = [("gcr.io".to_string(), 2), ("docker.io".to_string(), 1)]
            .into_iter()
            .collect();
        let base = format!("a: 1\nrules:\n  # K8S012: false\n{K8S020_EXAMPLE}");
        let text = starter(&base, &defaults, &found);
        assert_eq!(
            text,
            "a: 1\nrules:\n  # Registries the images of this repository come from (found by `cct-lint init`).\n  \
             # K8S020 refuses the ones not allowed by default; uncomment and keep those the\n  \
             # platform accepts (this list replaces the default one).\n  \
             # K8S020:\n  #   params:\n  #     allowed_prefixes:\n  \
             #       - \"docker.io/\"  # default; used here by docker.io: 1 image\n  \
             #       - \"harbor.apps.*.numerique-interieur.com/\"  # default\n  \
             #       - \"gcr.io/\"  # 2 images, not allowed by default\n  \
             # K8S012: false\n"
        );
        assert_eq!(
            starter("rules:\n", &defaults, &Registries::new()),
            "rules:\n"
        );
        assert!(crate::config::STARTER.contains(K8S020_EXAMPLE));
    }
}
