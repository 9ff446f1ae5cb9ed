//! `cct-lint new-rule`: writes a working starter rule (METADATA, logic, Rego tests) and a
//! failing and a passing fixture, for a built-in rule folder (`rules/...`) or a team's policy
//! directory. The starter passes `cct-lint test` and fires on its failing fixture as written,
//! so the author edits something that works. Must not: overwrite an existing file.

use std::path::{Path, PathBuf};

use crate::catalog::Family;

/// What `new-rule` creates.
pub struct NewRule<'a> {
    pub id: &'a str,
    /// kebab-case name (`team-label-missing`).
    pub name: &'a str,
    pub family: Family,
    /// The policy directory (`policies`) or a built-in family folder (`rules/kubernetes`).
    pub dir: &'a Path,
}

fn valid_id(id: &str) -> bool {
    let digits = id.chars().rev().take_while(char::is_ascii_digit).count();
    let prefix = &id[..id.len() - digits];
    (3..=6).contains(&digits)
        && prefix.starts_with(|c: char| c.is_ascii_uppercase())
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

const KUBERNETES_RULE: &str = r##"# METADATA
# title: Workload has no owner annotation
# custom:
#   id: @ID@
#   name: @NAME@
#   severity: warning
#   input:
#     family: kubernetes
#     kinds: [Deployment, StatefulSet, DaemonSet, CronJob]
#   title_fr: La charge de travail n'a pas d'annotation de responsable
#   message:
#     en: "{kind} `{name}` has no `example.com/owner` annotation"
#     fr: "{kind} `{name}` n'a pas d'annotation `example.com/owner`"
#   why:
#     en: Starter rule written by `cct-lint new-rule`; say here what the rule protects and why.
#     fr: Règle de départ écrite par `cct-lint new-rule` ; dites ici ce que la règle protège et pourquoi.
#   remediation:
#     en: "Add `example.com/owner: <team>` to the object's annotations."
#     fr: "Ajoutez `example.com/owner: <équipe>` aux annotations de l'objet."
package @PACKAGE@

# One finding per object at fault: `path` is where it lands (here the `metadata:` line),
# `params` fill the message placeholders.
deny contains f if {
	not input.metadata.annotations["example.com/owner"]
	f := {"path": ["metadata"], "params": {"kind": input.kind, "name": object.get(input.metadata, "name", "")}}
}
"##;

const KUBERNETES_TEST: &str = r##"package @PACKAGE@_test

_deploy(annotations) := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "api", "annotations": annotations},
	"spec": {"template": {"spec": {"containers": [{"name": "api", "image": "api:1.0"}]}}},
}

test_fail_without_owner if {
	data.@PACKAGE@.deny == {{"path": ["metadata"], "params": {"kind": "Deployment", "name": "api"}}} with input as _deploy({})
}

test_pass_with_owner if {
	count(data.@PACKAGE@.deny) == 0 with input as _deploy({"example.com/owner": "team-a"})
}
"##;

const KUBERNETES_FAIL: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: # @ID@\n  name: api\nspec:\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n        - name: api\n          image: harbor.example/team/api:1.0.0\n";

const KUBERNETES_PASS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    example.com/owner: team-a\nspec:\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n        - name: api\n          image: harbor.example/team/api:1.0.0\n";

const DOCKERFILE_RULE: &str = r##"# METADATA
# title: Final image has no source label
# custom:
#   id: @ID@
#   name: @NAME@
#   severity: warning
#   input:
#     family: dockerfile
#   title_fr: L'image finale n'a pas de label de source
#   message:
#     en: "Final stage `{stage}` has no `org.opencontainers.image.source` label"
#     fr: "L'étape finale `{stage}` n'a pas de label `org.opencontainers.image.source`"
#   why:
#     en: Starter rule written by `cct-lint new-rule`; say here what the rule protects and why.
#     fr: Règle de départ écrite par `cct-lint new-rule` ; dites ici ce que la règle protège et pourquoi.
#   remediation:
#     en: "Add `LABEL org.opencontainers.image.source=<repository URL>` to the final stage."
#     fr: "Ajoutez `LABEL org.opencontainers.image.source=<URL du dépôt>` à l'étape finale."
package @PACKAGE@

# A finding on `["stages", i]` lands on the stage's FROM line.
deny contains f if {
	some i, stage in input.stages
	stage.final
	not _has_source_label(stage)
	f := {"path": ["stages", i], "params": {"stage": _label(stage)}}
}

_has_source_label(stage) if {
	some instruction in stage.instructions
	instruction.keyword == "LABEL"
	some pair in instruction.pairs
	pair.key == "org.opencontainers.image.source"
}

_label(stage) := stage.name if is_string(stage.name)

else := sprintf("#%d", [stage.index])
"##;

const DOCKERFILE_TEST: &str = r##"package @PACKAGE@_test

_stage(instructions) := {"args": [], "stages": [{
	"index": 0, "name": null, "final": true,
	"from": {"image": "alpine:3.20", "raw": "alpine:3.20", "stage": null, "scratch": false, "platform": null},
	"instructions": instructions,
}]}

_label(key) := {"keyword": "LABEL", "form": "shell", "flags": [], "value": "", "args": [], "expanded": [], "pairs": [{"key": key, "value": "x"}], "heredocs": [], "line": 2}

test_fail_without_label if {
	data.@PACKAGE@.deny == {{"path": ["stages", 0], "params": {"stage": "#0"}}} with input as _stage([])
}

test_pass_with_label if {
	count(data.@PACKAGE@.deny) == 0 with input as _stage([_label("org.opencontainers.image.source")])
}
"##;

const DOCKERFILE_FAIL: &str = "FROM alpine:3.20 # @ID@\nUSER 10001\n";

const DOCKERFILE_PASS: &str = "FROM alpine:3.20\nLABEL org.opencontainers.image.source=https://gitlab.example/team/api\nUSER 10001\n";

/// Writes the rule, its tests and two fixtures; returns the files written.
pub fn new_rule(spec: &NewRule<'_>) -> Result<Vec<PathBuf>, String> {
    if !valid_id(spec.id) {
        return Err(format!(
            "`{}` is not a rule id: upper-case letters then 3 to 6 digits, e.g. TEAM001",
            spec.id
        ));
    }
    if !valid_name(spec.name) {
        return Err(format!(
            "`{}` is not a rule name: lower-case words joined by `-`, e.g. owner-annotation-missing",
            spec.name
        ));
    }
    let (rule, test, fail, pass, fixture_name) = match spec.family {
        Family::Kubernetes => (
            KUBERNETES_RULE,
            KUBERNETES_TEST,
            KUBERNETES_FAIL,
            KUBERNETES_PASS,
            "deployment.yaml",
        ),
        Family::Dockerfile => (
            DOCKERFILE_RULE,
            DOCKERFILE_TEST,
            DOCKERFILE_FAIL,
            DOCKERFILE_PASS,
            "Dockerfile",
        ),
        _ => {
            return Err(
                "new-rule writes kubernetes and dockerfile rules; for bundle and chart rules copy an existing rule folder (docs/writing-rules.md)"
                    .to_string(),
            )
        }
    };
    // Built-in rules live in `rules/<family>/<ID>/` with their fixtures in
    // `fixtures/rules/<ID>/`; a team's rules keep their fixtures beside them.
    let built_in = spec
        .dir
        .components()
        .next()
        .is_some_and(|c| c.as_os_str() == "rules");
    let package = if built_in {
        let family_dir = spec
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        format!("rules.{family_dir}.{}", spec.id)
    } else {
        format!("custom.{}", spec.id)
    };
    let fill = |text: &str| {
        text.replace("@ID@", spec.id)
            .replace("@NAME@", spec.name)
            .replace("@PACKAGE@", &package)
    };
    let snake = spec.name.replace('-', "_");
    let rule_dir = spec.dir.join(spec.id);
    let fixtures = if built_in {
        PathBuf::from("fixtures/rules").join(spec.id)
    } else {
        rule_dir.join("fixtures")
    };
    let files = [
        (rule_dir.join(format!("{snake}.rego")), fill(rule)),
        (rule_dir.join(format!("{snake}_test.rego")), fill(test)),
        (fixtures.join("fail-example").join(fixture_name), fill(fail)),
        (fixtures.join("pass-example").join(fixture_name), fill(pass)),
    ];
    if let Some((existing, _)) = files.iter().find(|(p, _)| p.exists()) {
        return Err(format!("{} already exists", existing.display()));
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_checked() {
        assert!(valid_id("TEAM001"));
        assert!(valid_id("K8S_X1234"));
        assert!(!valid_id("team001"));
        assert!(!valid_id("TEAM01"));
        assert!(!valid_id("001"));
        assert!(valid_name("owner-annotation-missing"));
        assert!(!valid_name("Owner"));
        assert!(!valid_name("-x"));
    }
}
