//! Custom policies: a team's own Rego rules loaded from `--policy DIR` (or `policies:` in the
//! config file), with the same METADATA and output contract as the built-in ones. Ids must not
//! collide with built-in rules; invalid METADATA is an error naming the file. Compilation
//! errors (with file:line:col) come from the engine. It only reads the given directories.

use std::path::PathBuf;

use crate::catalog::{parse_rule, validate_rule, Catalog, Family};
use crate::regotest;

/// Rego sources of the policy directories and the rules they declare.
#[derive(Debug, Default)]
pub struct Policies {
    pub sources: Vec<(String, String)>,
}

/// Reads the policy directories and adds their rules to `catalog`.
pub fn load(dirs: &[PathBuf], catalog: &mut Catalog) -> Result<Policies, String> {
    let sources = regotest::read_dirs(dirs)?;
    for (file, source) in &sources {
        if file.ends_with("_test.rego") || !source.contains("# METADATA") {
            continue;
        }
        let meta = parse_rule(file, source).map_err(|e| e.to_string())?;
        validate_rule(&meta).map_err(|e| format!("{file}: {e}"))?;
        if meta.input.family == Family::Lint {
            return Err(format!(
                "{file}: family `lint` is reserved for the tool's own diagnostics"
            ));
        }
        if let Some(existing) = catalog.rule(&meta.id) {
            return Err(format!(
                "{file}: rule id {} is already used by {}",
                meta.id, existing.source
            ));
        }
        catalog.rules.insert(meta.id.clone(), meta);
    }
    Ok(Policies { sources })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &std::path::Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).expect("write");
    }

    const RULE: &str = "# METADATA\n# title: Team rule\n# custom:\n#   id: TEAM001\n#   name: team-label-missing\n#   severity: warning\n#   input:\n#     family: kubernetes\n#     kinds: [Deployment]\n#   title_fr: Règle d'équipe\n#   message:\n#     en: Deployment `{name}` has no team label\n#     fr: Le Deployment `{name}` n'a pas de label team\n#   why:\n#     en: Ownership.\n#     fr: Responsabilité.\n#   remediation:\n#     en: Add a `team` label.\n#     fr: Ajoutez un label `team`.\npackage custom.TEAM001\n\ndeny contains f if {\n\tnot input.metadata.labels.team\n\tf := {\"path\": [\"metadata\"], \"params\": {\"name\": input.metadata.name}}\n}\n";

    #[test]
    fn loads_custom_rules_and_refuses_collisions() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "team.rego", RULE);
        let mut catalog = Catalog::embedded().expect("catalog");
        let policies = load(&[dir.path().to_path_buf()], &mut catalog).expect("valid policy");
        assert_eq!(policies.sources.len(), 1);
        assert!(catalog.rule("TEAM001").is_some());
        let clash = tempfile::tempdir().expect("tempdir");
        write(clash.path(), "dup.rego", &RULE.replace("TEAM001", "K8S001"));
        let mut catalog = Catalog::embedded().expect("catalog");
        let err = load(&[clash.path().to_path_buf()], &mut catalog).expect_err("collision");
        assert!(err.contains("already used"), "{err}");
    }
}
