//! Facts about the repository being checked, gathered once by the check stage so that the
//! report stage does no I/O: its root (the folder holding `.git`, the anchor of fingerprints
//! and baseline paths), the commit and the `origin` remote (read from `.git` files, worktrees
//! and packed refs included), whether the working tree has uncommitted modifications, and the
//! audit's default application name and report date. It never writes anything, not even
//! git's index, and never reaches the network.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// The commit the report describes, read from the repository's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHead {
    pub commit: String,
    pub branch: Option<String>,
}

fn is_object_id(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// The git directory of the repository holding `start`: `.git` itself, or where a `.git` file
/// points (worktrees, submodules).
fn git_dir(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let dot = dir.join(".git");
        if dot.is_dir() {
            return Some(dot);
        }
        if dot.is_file() {
            let content = std::fs::read_to_string(&dot).ok()?;
            let target = Path::new(content.trim().strip_prefix("gitdir:")?.trim());
            return Some(if target.is_absolute() {
                target.to_path_buf()
            } else {
                dir.join(target)
            });
        }
    }
    None
}

fn resolve_ref(git: &Path, common: &Path, name: &str, depth: usize) -> Option<String> {
    if depth > 5 || name.contains("..") {
        return None;
    }
    for base in [git, common] {
        if let Ok(content) = std::fs::read_to_string(base.join(name)) {
            let content = content.trim();
            if let Some(next) = content.strip_prefix("ref:") {
                return resolve_ref(git, common, next.trim(), depth + 1);
            }
            if is_object_id(content) {
                return Some(content.to_ascii_lowercase());
            }
        }
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    packed.lines().find_map(|line| {
        let (id, r) = line.split_once(' ')?;
        (r.trim() == name && is_object_id(id)).then(|| id.to_ascii_lowercase())
    })
}

/// HEAD of the repository holding `start`, or `None` outside a repository (or before the first
/// commit).
pub fn git_head(start: &Path) -> Option<GitHead> {
    let git = git_dir(start)?;
    let common = common_dir(&git);
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    match head.strip_prefix("ref:") {
        Some(name) => {
            let name = name.trim();
            Some(GitHead {
                commit: resolve_ref(&git, &common, name, 0)?,
                branch: name.strip_prefix("refs/heads/").map(str::to_string),
            })
        }
        None => is_object_id(head).then(|| GitHead {
            commit: head.to_ascii_lowercase(),
            branch: None,
        }),
    }
}

/// Where refs and config live: the git directory itself, or a worktree's common directory.
fn common_dir(git: &Path) -> PathBuf {
    std::fs::read_to_string(git.join("commondir"))
        .ok()
        .map(|c| {
            let c = Path::new(c.trim());
            if c.is_absolute() {
                c.to_path_buf()
            } else {
                git.join(c)
            }
        })
        .unwrap_or_else(|| git.to_path_buf())
}

/// The URL of the remote `origin` (else the first remote), credentials removed.
pub fn remote_url(start: &Path) -> Option<String> {
    let git = git_dir(start)?;
    let config = std::fs::read_to_string(common_dir(&git).join("config")).ok()?;
    configured_remote(&config).and_then(|u| remote_uri(&u))
}

/// `CCT_LINT_REPORT_COMMIT` (a commit id, e.g. `$CI_COMMIT_SHA` where the CI checkout has no
/// `.git`, or a fixed id for reproducible reports) overrides what `.git` says.
fn env_head() -> Option<GitHead> {
    let commit = std::env::var("CCT_LINT_REPORT_COMMIT").ok()?;
    let commit = commit.trim();
    is_object_id(commit).then(|| GitHead {
        commit: commit.to_ascii_lowercase(),
        branch: None,
    })
}

/// What the reports say about the repository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repository {
    /// The folder holding `.git` (absolute), when the scanned paths lie in a repository.
    pub root: Option<PathBuf>,
    pub head: Option<GitHead>,
    /// `Some(true)` when tracked files differ from the commit; `None` when it cannot be told
    /// (no git executable, no repository, or the commit was given by `CCT_LINT_REPORT_COMMIT`).
    pub modified: Option<bool>,
    /// The `origin` remote's URL, credentials removed (SARIF `versionControlProvenance`).
    pub remote: Option<String>,
    /// The working directory is the repository root, so report paths are relative to it.
    pub root_is_working_dir: bool,
}

impl Repository {
    /// Gathers the facts for the repository holding `start` (a scanned path). Whether tracked
    /// files were modified is asked of git (a process: about as long as the rest of a one-file
    /// check) only with `working_tree_state`; otherwise `modified` stays `None`.
    pub fn discover(start: &Path, working_tree_state: bool) -> Self {
        let absolute = absolute(start);
        let root = repository_root(&absolute);
        let remote = remote_url(&absolute);
        let root_is_working_dir = match (&root, std::env::current_dir()) {
            (Some(root), Ok(cwd)) => *root == absolute_path(&cwd),
            _ => false,
        };
        if let Some(head) = env_head() {
            return Self {
                root,
                head: Some(head),
                modified: None,
                remote,
                root_is_working_dir,
            };
        }
        let head = git_head(&absolute);
        let modified = match (&root, &head) {
            (Some(root), Some(_)) if working_tree_state => working_tree_modified(root),
            _ => None,
        };
        Self {
            root,
            head,
            modified,
            remote,
            root_is_working_dir,
        }
    }
}

/// `git status` on tracked files only. `GIT_OPTIONAL_LOCKS=0` keeps git from refreshing and
/// rewriting `.git/index`: checking a tree must not write into it.
fn working_tree_modified(root: &Path) -> Option<bool> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain", "--untracked-files=no"])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .ok()?;
    out.status.success().then_some(!out.stdout.is_empty())
}

/// The nearest ancestor of `start` (itself included) that holds `.git` (a folder, or a file
/// for worktrees and submodules).
pub fn repository_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `path` made absolute against the working directory, with `.` and `..` resolved lexically
/// (no symlink resolution: the result names the path the user gave).
pub fn absolute(path: &Path) -> PathBuf {
    absolute_path(path)
}

fn absolute_path(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `/`-separated path of `path` relative to `base` (both made absolute), or `None` when `path`
/// is not below `base`.
pub fn relative_to(path: &Path, base: &Path) -> Option<String> {
    let rel = absolute(path)
        .strip_prefix(absolute(base))
        .ok()?
        .to_path_buf();
    let text = rel.to_string_lossy().replace('\\', "/");
    Some(if text.is_empty() {
        ".".to_string()
    } else {
        text
    })
}

/// `/`-separated path of `path` from the working directory, with `..` where it lies above it
/// (`../.cct-lint.yaml` when the configuration sits in a parent folder).
pub fn from_working_dir(path: &Path) -> String {
    let target = absolute(path);
    let Ok(cwd) = std::env::current_dir() else {
        return target.to_string_lossy().to_string();
    };
    let cwd = absolute(&cwd);
    let common = target
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return target.to_string_lossy().to_string();
    }
    let ups = cwd.components().count() - common;
    let mut parts: Vec<String> = vec!["..".to_string(); ups];
    parts.extend(
        target
            .components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().to_string()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `url` of `[remote "origin"]`, else of the first remote section.
fn configured_remote(config: &str) -> Option<String> {
    let mut section = String::new();
    let mut found: Vec<(String, String)> = Vec::new();
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        if let Some(name) = section
            .strip_prefix("[remote \"")
            .and_then(|s| s.strip_suffix("\"]"))
        {
            if let Some((key, value)) = line.split_once('=') {
                if key.trim() == "url" {
                    found.push((name.to_string(), value.trim().to_string()));
                }
            }
        }
    }
    found
        .iter()
        .find(|(name, _)| name == "origin")
        .or(found.first())
        .map(|(_, url)| url.clone())
}

/// `https://user:token@host/path` → `https://host/path`: CI clones carry tokens in the URL.
/// The scp-like form `git@host:team/app.git` becomes the URI `ssh://host/team/app.git`.
/// A remote as a URI (SARIF's `repositoryUri` must be one): credentials removed, the scp-like
/// form as `ssh://`, a local absolute path as `file://` (a clone of a local repository, as in
/// CI), nothing for a relative path.
fn remote_uri(url: &str) -> Option<String> {
    if url.contains("://") {
        return Some(without_credentials(url));
    }
    match url.split_once(':') {
        Some((authority, path)) if !authority.contains('/') && !path.starts_with('/') => {
            Some(without_credentials(url))
        }
        _ if url.starts_with('/') => Some(format!("file://{url}")),
        _ => None,
    }
}

fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return match url.split_once(':') {
            Some((authority, path)) if !authority.contains('/') && !path.starts_with('/') => {
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                format!("ssh://{host}/{path}")
            }
            _ => url.to_string(),
        };
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if path.is_empty() && !rest.contains('/') {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}/{path}")
    }
}

/// The directory the report is about: the first root (its directory when it is a file).
fn application_dir(roots: &[PathBuf]) -> Option<PathBuf> {
    let first = roots.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let dir = std::fs::canonicalize(&first).ok()?;
    Some(if dir.is_file() {
        dir.parent()?.to_path_buf()
    } else {
        dir
    })
}

/// The name the audit gives the application when the configuration names none: the
/// directory of the first scanned path.
pub fn root_name(roots: &[PathBuf]) -> String {
    application_dir(roots)
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().to_string()))
        .or_else(|| roots.first().map(|r| r.display().to_string()))
        .unwrap_or_else(|| ".".to_string())
}

/// The report date from `CCT_LINT_REPORT_DATE` (`YYYY-MM-DD`), else from `SOURCE_DATE_EPOCH`
/// (seconds, UTC). Malformed values are ignored rather than printed: a wrong date in an
/// homologation file is worse than none.
pub fn report_date(explicit: Option<&str>, epoch: Option<&str>) -> Option<String> {
    if let Some(d) = explicit.map(str::trim).filter(|d| !d.is_empty()) {
        let parts: Vec<&str> = d.split('-').collect();
        let valid = matches!(parts.as_slice(), [y, m, day]
            if y.len() == 4 && m.len() == 2 && day.len() == 2
                && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
                && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
                && (1..=31).contains(&day.parse::<u32>().unwrap_or(0)));
        return valid.then(|| d.to_string());
    }
    let seconds: i64 = epoch?.trim().parse().ok().filter(|s| *s >= 0)?;
    let (y, m, d) = crate::render::funcs::gotime::civil_from_days(seconds / 86_400);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// The audit report's date: from the environment (see `report_date`), else today.
pub fn audit_date() -> String {
    let explicit = std::env::var("CCT_LINT_REPORT_DATE").ok();
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    report_date(explicit.as_deref(), epoch.as_deref()).unwrap_or_else(|| {
        let (y, m, d) = crate::render::funcs::gotime::civil_from_days(crate::config::today());
        format!("{y:04}-{m:02}-{d:02}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_removed_from_remote_urls() {
        assert_eq!(
            without_credentials("https://gitlab-ci-token:glcbt-abc@forge.example/team/app.git"),
            "https://forge.example/team/app.git"
        );
        assert_eq!(
            without_credentials("https://forge.example/team/app.git"),
            "https://forge.example/team/app.git"
        );
        assert_eq!(
            without_credentials("git@forge.example:team/app.git"),
            "ssh://forge.example/team/app.git"
        );
        assert_eq!(
            remote_uri("/srv/git/app.git").as_deref(),
            Some("file:///srv/git/app.git")
        );
        assert_eq!(remote_uri("../app.git"), None);
        assert_eq!(
            remote_uri("git@forge.example:team/app.git").as_deref(),
            Some("ssh://forge.example/team/app.git")
        );
    }

    #[test]
    fn absolute_resolves_dots_lexically() {
        assert_eq!(
            absolute(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }

    #[test]
    fn relative_to_is_none_outside_the_base() {
        assert_eq!(
            relative_to(Path::new("/r/app/x.yaml"), Path::new("/r")).as_deref(),
            Some("app/x.yaml")
        );
        assert_eq!(relative_to(Path::new("/s/x.yaml"), Path::new("/r")), None);
        assert_eq!(
            relative_to(Path::new("/r"), Path::new("/r")).as_deref(),
            Some(".")
        );
    }

    #[test]
    fn a_repository_root_is_found_from_a_sub_folder_and_its_head_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let git = dir.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).expect("mkdir");
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").expect("write");
        let id = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(git.join("refs/heads/main"), format!("{id}\n")).expect("write");
        let sub = dir.path().join("deploy/chart");
        std::fs::create_dir_all(&sub).expect("mkdir");
        assert_eq!(repository_root(&sub).as_deref(), Some(dir.path()));
        let head = git_head(&sub).expect("head");
        assert_eq!(head.commit, id);
        assert_eq!(head.branch.as_deref(), Some("main"));
    }

    #[test]
    fn uncommitted_modifications_are_seen_without_writing_the_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let git = |args: &[&str]| {
            Command::new("git")
                .current_dir(dir.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@t.invalid"])
                .args(["-c", "commit.gpgsign=false"])
                .args(args)
                .env_remove("GIT_DIR")
                .env_remove("GIT_WORK_TREE")
                .env_remove("GIT_INDEX_FILE")
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
        };
        if !git(&["init", "-q"]) {
            println!("SKIPPED: no git executable");
            return;
        }
        std::fs::write(dir.path().join("a.yaml"), "a: 1\n").expect("write");
        assert!(git(&["add", "a.yaml"]));
        assert!(git(&["commit", "-qm", "a"]));
        assert_eq!(working_tree_modified(dir.path()), Some(false));
        let index = std::fs::read(dir.path().join(".git/index")).expect("index");
        std::fs::write(dir.path().join("a.yaml"), "a: 2\n").expect("write");
        assert_eq!(working_tree_modified(dir.path()), Some(true));
        assert_eq!(
            std::fs::read(dir.path().join(".git/index")).expect("index"),
            index,
            "git's index is left as it was"
        );
    }

    #[test]
    fn the_remote_and_a_packed_or_detached_head_are_read_from_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let git = dir.path().join(".git");
        std::fs::create_dir_all(&git).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("deploy")).expect("mkdir");
        let commit = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").expect("write");
        std::fs::write(
            git.join("config"),
            "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://a.example/x.git\n[remote \"origin\"]\n\turl = https://ci:secret@forge.example/team/app.git\n",
        )
        .expect("write");
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs\n{commit} refs/heads/main\n"),
        )
        .expect("write");
        let deploy = dir.path().join("deploy");
        assert_eq!(
            remote_url(&deploy).as_deref(),
            Some("https://forge.example/team/app.git")
        );
        let head = git_head(&deploy).expect("head");
        assert_eq!(
            (head.commit.as_str(), head.branch.as_deref()),
            (commit, Some("main"))
        );
        std::fs::write(git.join("HEAD"), format!("{commit}\n")).expect("write");
        assert_eq!(git_head(&deploy).expect("head").branch, None);
    }
}
