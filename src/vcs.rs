//! The git repository the scan runs in, for SARIF `versionControlProvenance`: the remote URL
//! (credentials removed), the commit and the branch, read from the files of `.git` (worktrees,
//! packed refs and detached heads included). It never runs `git`, never reaches the network and
//! never writes; anything it cannot read is simply left out.

use std::path::{Path, PathBuf};

/// Where the scanned files come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// `remote.origin.url` (else the first remote), without user name or password.
    pub repository_uri: Option<String>,
    /// The commit checked out (40 hex digits).
    pub revision: Option<String>,
    /// The branch checked out (`main`), absent on a detached head.
    pub branch: Option<String>,
    /// The directory read is the repository's top level (report paths are relative to it).
    pub top_level: bool,
}

/// The repository holding `start` (a directory), if any.
pub fn provenance(start: &Path) -> Option<Provenance> {
    let start = std::fs::canonicalize(start).ok()?;
    let git = start
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|g| g.exists())?;
    let top_level = git.parent() == Some(start.as_path());
    let git_dir = if git.is_file() {
        // A worktree or submodule: `gitdir: PATH`.
        let text = std::fs::read_to_string(&git).ok()?;
        let target = PathBuf::from(text.strip_prefix("gitdir:")?.trim());
        if target.is_absolute() {
            target
        } else {
            git.parent()?.join(target)
        }
    } else {
        git
    };
    // Refs and config live in the common directory of a worktree.
    let common = std::fs::read_to_string(git_dir.join("commondir"))
        .ok()
        .map(|c| {
            let c = PathBuf::from(c.trim());
            if c.is_absolute() {
                c
            } else {
                git_dir.join(c)
            }
        })
        .unwrap_or_else(|| git_dir.clone());
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    let (branch, revision) = match head.strip_prefix("ref:") {
        Some(reference) => {
            let reference = reference.trim();
            let branch = reference.strip_prefix("refs/heads/").map(str::to_string);
            (branch, resolve(&git_dir, &common, reference))
        }
        None => (None, Some(head.to_string())),
    };
    let config = std::fs::read_to_string(common.join("config")).unwrap_or_default();
    Some(Provenance {
        repository_uri: remote_url(&config).map(|u| without_credentials(&u)),
        revision: revision.filter(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit())),
        branch,
        top_level,
    })
}

fn resolve(git_dir: &Path, common: &Path, reference: &str) -> Option<String> {
    for dir in [git_dir, common] {
        if let Ok(text) = std::fs::read_to_string(dir.join(reference)) {
            return Some(text.trim().to_string());
        }
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    packed.lines().find_map(|line| {
        let (hash, name) = line.split_once(' ')?;
        (name.trim() == reference).then(|| hash.to_string())
    })
}

/// `url` of `[remote "origin"]`, else of the first remote section.
fn remote_url(config: &str) -> Option<String> {
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
        assert_eq!(without_credentials("/srv/git/app.git"), "/srv/git/app.git");
    }

    #[test]
    fn a_repository_is_read_from_its_files() {
        let dir = std::env::temp_dir().join(format!("cct-lint-vcs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let git = dir.join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::create_dir_all(dir.join("deploy")).unwrap();
        let commit = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(
            git.join("config"),
            "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://a.example/x.git\n[remote \"origin\"]\n\turl = https://ci:secret@forge.example/team/app.git\n",
        )
        .unwrap();
        // A packed ref, as after `git gc`.
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs\n{commit} refs/heads/main\n"),
        )
        .unwrap();
        let got = provenance(&dir.join("deploy"));
        assert_eq!(
            got,
            Some(Provenance {
                repository_uri: Some("https://forge.example/team/app.git".to_string()),
                revision: Some(commit.to_string()),
                branch: Some("main".to_string()),
                top_level: false,
            })
        );
        // A detached head.
        std::fs::write(git.join("HEAD"), format!("{commit}\n")).unwrap();
        let got = provenance(&dir).expect("repository");
        assert!(got.top_level);
        assert_eq!(got.branch, None);
        assert_eq!(got.revision.as_deref(), Some(commit));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
