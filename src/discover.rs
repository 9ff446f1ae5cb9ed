//! Discover stage: walks the given paths (respecting .gitignore and `.cct-lintignore`, skipping
//! hidden directories, detecting symlink loops) and classifies files into targets: Dockerfiles,
//! YAML files, JSON files (manifests or not: scan reads them to tell), and Helm charts (a directory holding `Chart.yaml`, whose files are never read as
//! plain YAML). Walk problems come back as values; nothing here reads file contents.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

pub use crate::paths::display_path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetKind {
    Dockerfile,
    Yaml,
    /// A `*.json` file: checked as a manifest only when its content is one (scan decides).
    Json,
    HelmChart,
}

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// Path relative to the working directory when possible, `/`-separated: what reports show.
    pub display: String,
    pub path: PathBuf,
    pub kind: TargetKind,
}

/// A path the walk could not enter (symlink loop, permission, dangling link).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkProblem {
    pub display: String,
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub targets: Vec<Target>,
    pub problems: Vec<WalkProblem>,
    /// Set when single files were named (pre-commit passes the staged files): the display
    /// paths (files, and the directories and charts named or brought in) whose findings are
    /// reported. The other YAML files of a named file's folder are targets too, read only so
    /// that the folder's bundle is whole.
    pub focus: Option<Vec<String>>,
}

impl Discovery {
    /// Whether a finding in `file` is reported (always, unless single files were named).
    pub fn in_focus(&self, file: &str) -> bool {
        let Some(focus) = &self.focus else {
            return true;
        };
        focus.iter().any(|f| {
            f == "."
                || file == f
                || file
                    .strip_prefix(f.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }
}

/// Default Dockerfile name patterns (matched on the file name, case-insensitively).
pub const DOCKERFILE_GLOBS: &[&str] = &[
    "*.containerfile",
    "*.dockerfile",
    "Containerfile",
    "Containerfile.*",
    "Dockerfile",
    "Dockerfile.*",
];

#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    pub dockerfile_globs: Vec<String>,
    /// Globs (relative paths) to leave out.
    pub exclude: Vec<String>,
    /// When not empty, only files matching one of these globs are checked (a chart is
    /// checked when its Chart.yaml matches).
    pub include: Vec<String>,
    /// The configuration file's folder (absolute): globs are written relative to it.
    pub base: Option<PathBuf>,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        Self {
            dockerfile_globs: DOCKERFILE_GLOBS.iter().map(|s| s.to_string()).collect(),
            exclude: Vec::new(),
            include: Vec::new(),
            base: None,
        }
    }
}

fn glob_set(patterns: &[String]) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(
            GlobBuilder::new(p)
                .case_insensitive(true)
                .literal_separator(false)
                .build()?,
        );
    }
    builder.build()
}

fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// The chart a file belongs to: the outermost ancestor directory holding `Chart.yaml`.
fn enclosing_chart(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .filter(|dir| dir.join("Chart.yaml").is_file())
        .last()
        // The last ancestor of a relative path is the empty path: the working directory, `.`
        // (a file of a chart checked from the chart's folder, as pre-commit passes it).
        .map(|dir| {
            if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir.to_path_buf()
            }
        })
}

fn walk_error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        ignore::Error::Partial(errs) => errs.first().and_then(walk_error_path),
        _ => None,
    }
}

/// Walks `paths` and returns the targets, sorted by display path.
pub fn discover(paths: &[PathBuf], options: &DiscoverOptions) -> Result<Discovery, globset::Error> {
    let dockerfiles = glob_set(&options.dockerfile_globs)?;
    let exclude = glob_set(&options.exclude)?;
    let include = glob_set(&options.include)?;
    // Globs are written relative to the configuration file's folder; the path relative to
    // the scanned root and the display path (relative to the working directory) are tried too.
    let selected = |file: &Path| {
        let display = display_path(file);
        let relative = paths
            .iter()
            .find_map(|root| file.strip_prefix(root).ok())
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        let from_base = options
            .base
            .as_deref()
            .and_then(|base| crate::repository::relative_to(file, base));
        let matches = |set: &GlobSet| {
            set.is_match(&display)
                || relative.as_ref().is_some_and(|r| set.is_match(r))
                || from_base.as_ref().is_some_and(|r| set.is_match(r))
        };
        !matches(&exclude) && (options.include.is_empty() || matches(&include))
    };
    let mut files: BTreeSet<PathBuf> = BTreeSet::new();
    let mut charts: BTreeSet<PathBuf> = BTreeSet::new();
    let mut problems = Vec::new();
    let mut focus = Vec::new();

    for root in paths {
        if root.is_file() {
            // Pre-commit passes single files: a file inside a chart brings in the whole chart,
            // a YAML file its folder's other YAML files (the bundle the APP rules judge).
            match enclosing_chart(root) {
                Some(chart) => {
                    focus.push(display_path(&chart));
                    charts.insert(chart);
                }
                None => {
                    focus.push(display_path(root));
                    if is_yaml(root) {
                        files.extend(yaml_siblings(root));
                    }
                    // A file of a kustomization brings in the roots that build it.
                    files.extend(crate::kustomize::graph::roots_reaching(root));
                    files.insert(root.clone());
                }
            }
            continue;
        }
        focus.push(display_path(root));
        if !root.exists() {
            problems.push(WalkProblem {
                display: display_path(root),
                detail: "no such file or directory".into(),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .follow_links(true)
            .add_custom_ignore_filename(".cct-lintignore")
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        if path.file_name().is_some_and(|n| n == "Chart.yaml") {
                            if let Some(dir) = path.parent() {
                                charts.insert(dir.to_path_buf());
                            }
                        }
                        files.insert(path.to_path_buf());
                    }
                }
                Err(err) => {
                    let display = walk_error_path(&err)
                        .map(|p| display_path(&p))
                        .unwrap_or_else(|| display_path(root));
                    problems.push(WalkProblem {
                        display,
                        detail: err.to_string(),
                    });
                }
            }
        }
    }

    // Subcharts belong to their parent chart: keep only outermost chart directories.
    let chart_roots: Vec<PathBuf> = charts
        .iter()
        .filter(|c| {
            !charts
                .iter()
                .any(|other| other != *c && c.starts_with(other))
        })
        .cloned()
        .collect();

    let mut targets = Vec::new();
    for chart in &chart_roots {
        if !selected(&chart.join("Chart.yaml")) {
            continue;
        }
        targets.push(Target {
            display: display_path(chart),
            path: chart.clone(),
            kind: TargetKind::HelmChart,
        });
    }
    for file in files {
        let display = display_path(&file);
        if !selected(&file) {
            continue;
        }
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let kind = if dockerfiles.is_match(&name) {
            TargetKind::Dockerfile
        } else if is_yaml(&file) {
            if chart_roots.iter().any(|c| file.starts_with(c)) {
                continue;
            }
            TargetKind::Yaml
        } else if is_json(&file) {
            if chart_roots.iter().any(|c| file.starts_with(c)) {
                continue;
            }
            TargetKind::Json
        } else {
            continue;
        };
        targets.push(Target {
            display,
            path: file,
            kind,
        });
    }
    targets.sort();
    targets.dedup();
    problems.sort();
    problems.dedup();
    let focus = paths.iter().any(|p| p.is_file()).then(|| {
        focus.sort();
        focus.dedup();
        focus
    });
    Ok(Discovery {
        targets,
        problems,
        focus,
    })
}

/// The other YAML files of a file's folder (not recursive, no hidden files), sorted.
fn yaml_siblings(file: &Path) -> Vec<PathBuf> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            if file.parent().is_some_and(|p| p.as_os_str().is_empty()) {
                PathBuf::from(e.file_name())
            } else {
                e.path()
            }
        })
        .filter(|p| p.is_file() && is_yaml(p))
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    #[test]
    fn include_and_exclude_apply_to_files_and_charts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "deploy/a.yaml", "a: 1\n");
        write(root, "deploy/testdata/b.yaml", "a: 1\n");
        write(root, "deploy/chart/Chart.yaml", "name: c\n");
        write(root, "other/c.yaml", "a: 1\n");
        write(root, "testdata/chart/Chart.yaml", "name: t\n");
        let options = DiscoverOptions {
            include: vec!["deploy/**".into()],
            exclude: vec!["**/testdata/**".into()],
            ..DiscoverOptions::default()
        };
        let d = discover(&[root.to_path_buf()], &options).expect("globs");
        let rel: Vec<String> = d
            .targets
            .iter()
            .map(|t| {
                t.path
                    .strip_prefix(root)
                    .expect("below root")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(rel, vec!["deploy/a.yaml", "deploy/chart"]);
        let options = DiscoverOptions {
            exclude: vec!["testdata/**".into()],
            ..DiscoverOptions::default()
        };
        let d = discover(&[root.to_path_buf()], &options).expect("globs");
        assert!(!d.targets.iter().any(|t| t.path.ends_with("testdata/chart")));
    }

    #[test]
    fn classifies_and_keeps_charts_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "app/Dockerfile", "FROM x\n");
        write(root, "app/api.Dockerfile", "FROM x\n");
        write(root, "k8s/deploy.yaml", "a: 1\n");
        write(root, "chart/Chart.yaml", "name: c\n");
        write(root, "chart/templates/d.yaml", "{{ x }}\n");
        write(root, "chart/charts/sub/Chart.yaml", "name: s\n");
        write(root, ".hidden/x.yaml", "a: 1\n");
        write(root, "ignored/x.yaml", "a: 1\n");
        write(root, ".gitignore", "ignored/\n");
        write(root, "README.md", "hi\n");
        let d = discover(&[root.to_path_buf()], &DiscoverOptions::default()).expect("globs");
        let kinds: Vec<(String, TargetKind)> = d
            .targets
            .iter()
            .map(|t| {
                let rel = t.path.strip_prefix(root).expect("below root");
                (rel.to_string_lossy().to_string(), t.kind)
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("app/Dockerfile".to_string(), TargetKind::Dockerfile),
                ("app/api.Dockerfile".to_string(), TargetKind::Dockerfile),
                ("chart".to_string(), TargetKind::HelmChart),
                ("k8s/deploy.yaml".to_string(), TargetKind::Yaml),
            ]
        );
    }

    #[test]
    #[cfg(unix)]
    fn symlink_loops_are_problems_not_hangs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "a/x.yaml", "a: 1\n");
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).expect("symlink");
        let d = discover(&[root.to_path_buf()], &DiscoverOptions::default()).expect("globs");
        assert_eq!(d.targets.len(), 1);
        assert_eq!(d.problems.len(), 1);
        assert!(
            d.problems[0].display.ends_with("a/loop"),
            "{:?}",
            d.problems
        );
    }

    #[test]
    fn a_file_inside_a_chart_brings_the_chart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "chart/Chart.yaml", "name: c\n");
        write(root, "chart/templates/d.yaml", "x\n");
        let d = discover(
            &[root.join("chart/templates/d.yaml")],
            &DiscoverOptions::default(),
        )
        .expect("globs");
        assert_eq!(d.targets.len(), 1);
        assert_eq!(d.targets[0].kind, TargetKind::HelmChart);
    }
}
