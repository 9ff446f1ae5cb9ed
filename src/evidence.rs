//! Evidence for the audit report: hints, found in the repository, that a requirement no rule
//! can check is being addressed (an OpenAPI file, a GitLab pipeline, Argo CD applications, a
//! ServiceMonitor...). It reads the scanned roots (bounded walk, small files only) and the
//! Kubernetes objects the scan met. It never judges compliance, never writes, never follows
//! symlinks and never reads a file larger than `MAX_SNIFF_BYTES`; its output is sorted so the
//! report stays byte-identical from run to run.

use std::path::{Path, PathBuf};

use crate::catalog::{Lang, Text};
use crate::discover::display_path;
use crate::finding::ObjectSeen;

/// A walk deeper than this is not an application repository any more (vendored trees,
/// node_modules that escaped .gitignore); evidence sits near the top.
const MAX_DEPTH: usize = 12;
/// Bounds the cost of the walk on huge monorepos; evidence is a hint, not an inventory.
const MAX_ENTRIES: usize = 50_000;
/// Only files up to this size are opened to look for an `openapi:`/`swagger:` key: API
/// descriptions are small, and this keeps the walk from reading data files.
pub const MAX_SNIFF_BYTES: u64 = 512 * 1024;
/// Test directories are a weak hint; a handful is enough to show it.
const MAX_TEST_DIRS: usize = 5;

/// One hint, tied to one row of the béta list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    /// Béta requirement id.
    pub requirement: &'static str,
    /// Occurrence of the id in the list (2 for the operating-model EXI-ORG-16/17).
    pub occurrence: usize,
    pub file: String,
    pub line: Option<u32>,
    pub description: Text,
    /// A weak hint (*indice*): it suggests, it does not show.
    pub weak: bool,
}

impl Evidence {
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }

    pub fn text(&self, lang: Lang) -> &str {
        self.description.get(lang)
    }
}

fn text(fr: &str, en: &str) -> Text {
    Text {
        fr: fr.to_string(),
        en: en.to_string(),
    }
}

fn push(
    out: &mut Vec<Evidence>,
    targets: &[(&'static str, usize)],
    file: &str,
    line: Option<u32>,
    description: &Text,
    weak: bool,
) {
    for &(requirement, occurrence) in targets {
        out.push(Evidence {
            requirement,
            occurrence,
            file: file.to_string(),
            line,
            description: description.clone(),
            weak,
        });
    }
}

/// Everything found, sorted and without duplicates (a root given twice finds things twice).
pub fn gather(roots: &[PathBuf], objects: &[ObjectSeen]) -> Vec<Evidence> {
    let mut out = Vec::new();
    for root in roots {
        walk_root(root, &mut out);
    }
    from_objects(objects, &mut out);
    out.sort();
    out.dedup();
    out
}

fn walk_root(root: &Path, out: &mut Vec<Evidence>) {
    // Hidden files are wanted (`.gitlab-ci.yml`, `.coveragerc`); `.git` itself is not.
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .max_depth(Some(MAX_DEPTH))
        .add_custom_ignore_filename(".cct-lintignore")
        .filter_entry(|e| e.file_name() != ".git")
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    let mut test_dirs = 0;
    // Unreadable entries are the scan's business (it reports them as LNT007); here they are
    // simply not evidence.
    for entry in walker.take(MAX_ENTRIES).flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        let Some(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if entry.depth() > 0
                && matches!(lower.as_str(), "tests" | "test" | "__tests__" | "e2e")
                && test_dirs < MAX_TEST_DIRS
            {
                test_dirs += 1;
                push(
                    out,
                    &[("EXI-ORG-10", 1)],
                    &format!("{}/", display_path(path)),
                    None,
                    &text(
                        "Répertoire de tests (indice : la couverture n'est pas mesurée)",
                        "Test directory (hint: coverage is not measured)",
                    ),
                    true,
                );
            }
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        file_evidence(path, &lower, out);
    }
}

fn file_evidence(path: &Path, lower: &str, out: &mut Vec<Evidence>) {
    let display = display_path(path);
    if lower == ".gitlab-ci.yml" {
        push(
            out,
            &[("EXI-ORG-7", 1), ("EXI-ORG-6", 1)],
            &display,
            None,
            &text(
                "Pipeline GitLab CI (chaîne de construction applicative)",
                "GitLab CI pipeline (application build chain)",
            ),
            false,
        );
        return;
    }
    if matches!(
        lower,
        ".coveragerc"
            | "codecov.yml"
            | ".codecov.yml"
            | ".nycrc"
            | ".nycrc.json"
            | ".nycrc.yml"
            | "tarpaulin.toml"
            | ".tarpaulin.toml"
    ) {
        push(
            out,
            &[("EXI-ORG-10", 1)],
            &display,
            None,
            &text(
                "Configuration de couverture de tests (indice : le taux n'est pas connu)",
                "Test coverage configuration (hint: the rate is not known)",
            ),
            true,
        );
        return;
    }
    if is_openapi(path, lower) {
        push(
            out,
            &[("EXI-DATA-1", 1), ("EXI-ARCH-3", 1)],
            &display,
            None,
            &text(
                "Description d'API OpenAPI/Swagger (sa validité n'est pas vérifiée)",
                "OpenAPI/Swagger API description (its validity is not checked)",
            ),
            false,
        );
    }
}

/// `openapi.yaml`, `swagger.json`..., or a small YAML/JSON file whose top level declares
/// `openapi`/`swagger`.
fn is_openapi(path: &Path, lower: &str) -> bool {
    let Some((stem, ext)) = lower.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "yaml" | "yml" | "json") {
        return false;
    }
    if matches!(stem, "openapi" | "swagger") {
        return true;
    }
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_SNIFF_BYTES);
    if !small {
        return false;
    }
    let Ok(content) = std::fs::read_to_string(path) else {
        return false;
    };
    declares_openapi(&content, ext == "json")
}

fn declares_openapi(content: &str, json: bool) -> bool {
    if json {
        return serde_json::from_str::<serde_json::Value>(content).is_ok_and(|v| {
            v.as_object()
                .is_some_and(|o| o.contains_key("openapi") || o.contains_key("swagger"))
        });
    }
    // A top-level key starts in column 0; Kubernetes manifests and CI files never carry these
    // keys there, so no full parse is needed.
    content.lines().any(|l| {
        ["openapi:", "swagger:", "\"openapi\":", "'openapi':"]
            .iter()
            .any(|k| l.starts_with(k))
    })
}

fn from_objects(objects: &[ObjectSeen], out: &mut Vec<Evidence>) {
    for seen in objects {
        let o = &seen.object;
        let group = o.api_version.split('/').next().unwrap_or_default();
        let group = if o.api_version.contains('/') {
            group
        } else {
            ""
        };
        let what = format!("{} `{}`", o.kind, o.name);
        let (targets, description): (&[(&'static str, usize)], Text) =
            match (group, o.kind.as_str()) {
                ("argoproj.io", "Application" | "ApplicationSet") => (
                    &[("EXI-ORG-8", 1), ("EXI-ARCH-8", 1)],
                    text(
                        &format!("Déploiement GitOps Argo CD : {what}"),
                        &format!("Argo CD GitOps deployment: {what}"),
                    ),
                ),
                ("monitoring.coreos.com", "ServiceMonitor" | "PodMonitor") => (
                    &[("EXI-ARCH-24", 1), ("EXI-ARCH-12", 1)],
                    text(
                        &format!("Collecte de métriques Prometheus : {what}"),
                        &format!("Prometheus metrics scraping: {what}"),
                    ),
                ),
                ("postgresql.cnpg.io", "Cluster") => (
                    &[("EXI-ARCH-4", 1), ("EXI-ORG-17", 2)],
                    text(
                        &format!("Base CloudNativePG (sauvegarde S3 par l'opérateur via `spec.backup`, à confirmer) : {what}"),
                        &format!("CloudNativePG database (operator backup to S3 through `spec.backup`, to confirm): {what}"),
                    ),
                ),
                ("batch", "CronJob") if o.name.to_ascii_lowercase().contains("backup") => (
                    &[("EXI-ORG-17", 2)],
                    text(
                        &format!("Tâche planifiée de sauvegarde : {what}"),
                        &format!("Scheduled backup job: {what}"),
                    ),
                ),
                ("secrets.hashicorp.com", "VaultStaticSecret") => (
                    &[("EXI-ARCH-10", 1), ("EXI-ARCH-13", 1)],
                    text(
                        &format!("Secret fourni par Vault : {what}"),
                        &format!("Secret delivered from Vault: {what}"),
                    ),
                ),
                ("networking.k8s.io", "NetworkPolicy") => (
                    &[("EXI-ARCH-14", 1)],
                    text(
                        &format!("Flux réseau déclarés : {what}"),
                        &format!("Declared network flows: {what}"),
                    ),
                ),
                ("autoscaling", "HorizontalPodAutoscaler") | ("policy", "PodDisruptionBudget") => (
                    &[("EXI-ARCH-2", 1)],
                    text(
                        &format!("Mesure de disponibilité : {what}"),
                        &format!("Availability measure: {what}"),
                    ),
                ),
                _ => continue,
            };
        push(
            out,
            targets,
            &seen.file,
            Some(seen.line),
            &description,
            false,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::ObjectRef;

    fn ids(evidence: &[Evidence]) -> Vec<(String, String)> {
        evidence
            .iter()
            .map(|e| {
                let file = Path::new(&e.file)
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                (e.requirement.to_string(), file)
            })
            .collect()
    }

    #[test]
    fn walk_finds_hidden_ci_openapi_and_tests_but_respects_gitignore() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let write = |rel: &str, content: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, content).expect("write");
        };
        write(".gitlab-ci.yml", "stages: [build]\n");
        write(".gitignore", "ignored/\n");
        write("ignored/openapi.yaml", "openapi: 3.0.0\n");
        write(
            "api/spec/registre.yaml",
            "# API\nopenapi: 3.1.0\ninfo: {}\n",
        );
        write("api/deploy.yaml", "apiVersion: v1\nkind: Service\n");
        write("api/doc.json", "{\"swagger\": \"2.0\"}");
        write("api/tests/test_api.py", "def test(): pass\n");
        write(".git/HEAD", "ref: refs/heads/main\n");
        write(".git/openapi.yaml", "openapi: 3.0.0\n");
        let found = gather(&[root.to_path_buf()], &[]);
        let mut got = ids(&found);
        got.sort();
        let expected: Vec<(String, String)> = [
            ("EXI-ARCH-3", "doc.json"),
            ("EXI-ARCH-3", "registre.yaml"),
            ("EXI-DATA-1", "doc.json"),
            ("EXI-DATA-1", "registre.yaml"),
            ("EXI-ORG-10", "tests"),
            ("EXI-ORG-6", ".gitlab-ci.yml"),
            ("EXI-ORG-7", ".gitlab-ci.yml"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(got, expected);
        assert!(found.iter().all(|e| e.line.is_none()));
        assert!(found
            .iter()
            .any(|e| e.requirement == "EXI-ORG-10" && e.weak && e.file.ends_with("api/tests/")));
        // Same input, same output.
        assert_eq!(found, gather(&[root.to_path_buf()], &[]));
    }

    #[test]
    fn large_files_are_not_sniffed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut big = String::from("openapi: 3.0.0\n");
        while (big.len() as u64) <= MAX_SNIFF_BYTES {
            big.push_str("# padding padding padding padding padding padding\n");
        }
        std::fs::write(dir.path().join("big.yaml"), big).expect("write");
        assert!(gather(&[dir.path().to_path_buf()], &[]).is_empty());
    }

    #[test]
    fn objects_give_evidence_with_their_line() {
        let seen = |api: &str, kind: &str, name: &str, line: u32| ObjectSeen {
            file: "deploy/x.yaml".into(),
            line,
            object: ObjectRef {
                api_version: api.into(),
                kind: kind.into(),
                namespace: None,
                name: name.into(),
            },
        };
        let objects = [
            seen("argoproj.io/v1alpha1", "Application", "registre", 1),
            seen("monitoring.coreos.com/v1", "ServiceMonitor", "api", 10),
            seen("postgresql.cnpg.io/v1", "Cluster", "db", 20),
            seen("batch/v1", "CronJob", "db-backup", 30),
            seen("batch/v1", "CronJob", "purge", 35),
            seen(
                "secrets.hashicorp.com/v1beta1",
                "VaultStaticSecret",
                "s",
                40,
            ),
            seen("networking.k8s.io/v1", "NetworkPolicy", "deny", 50),
            seen("autoscaling/v2", "HorizontalPodAutoscaler", "api", 60),
            seen("policy/v1", "PodDisruptionBudget", "api", 70),
            seen("example.com/v1", "Application", "not-argo", 80),
        ];
        let found = gather(&[], &objects);
        let got: Vec<(&str, usize, Option<u32>)> = found
            .iter()
            .map(|e| (e.requirement, e.occurrence, e.line))
            .collect();
        let mut expected = vec![
            ("EXI-ORG-8", 1, Some(1)),
            ("EXI-ARCH-8", 1, Some(1)),
            ("EXI-ARCH-24", 1, Some(10)),
            ("EXI-ARCH-12", 1, Some(10)),
            ("EXI-ARCH-4", 1, Some(20)),
            ("EXI-ORG-17", 2, Some(20)),
            ("EXI-ORG-17", 2, Some(30)),
            ("EXI-ARCH-10", 1, Some(40)),
            ("EXI-ARCH-13", 1, Some(40)),
            ("EXI-ARCH-14", 1, Some(50)),
            ("EXI-ARCH-2", 1, Some(60)),
            ("EXI-ARCH-2", 1, Some(70)),
        ];
        expected.sort();
        let mut got_sorted = got.clone();
        got_sorted.sort();
        assert_eq!(got_sorted, expected);
        assert!(found[0].text(Lang::En).contains('`'));
    }
}
