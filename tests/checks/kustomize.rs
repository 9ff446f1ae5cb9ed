//! Kustomize overlays in `cct-lint check`: each root kustomization of fixtures/repos/kustomize-app
//! is built and checked, findings land where the value was last written (base line, patch line,
//! `images` entry, generator literal, line inside an inline patch) with the root as related
//! location and value set; bases and components are checked through their roots only; a broken
//! overlay and a remote resource are reported and the rest is still checked.
//! Most tests run `check::run` in-process; those about a report's wording run the binary.
//! Must not: write inside fixtures/.

use crate::assert_snapshot;

const APP: &str = "fixtures/repos/kustomize-app";

/// (rule, file below the app, line, root below the app) of every finding.
/// (rule, file, line, root) for every root a finding was reached through: a finding identical
/// under several roots is reported once, listing them in `value_sets`.
fn findings(paths: &[&str]) -> Vec<(String, String, u64, String)> {
    let strip = |s: &str| s.strip_prefix(&format!("{APP}/")).unwrap_or(s).to_string();
    let mut out = Vec::new();
    for f in crate::findings(paths) {
        let mut roots: Vec<String> = f.value_sets.iter().map(|v| strip(v)).collect();
        if roots.is_empty() {
            roots.push(strip(f.value_set.as_deref().unwrap_or_default()));
        }
        for root in roots {
            out.push((
                f.rule_id.clone(),
                strip(&f.file),
                u64::from(f.span.start.line),
                root,
            ));
        }
    }
    out
}

fn has(
    all: &[(String, String, u64, String)],
    rule: &str,
    file: &str,
    line: u64,
    root: &str,
) -> bool {
    all.iter()
        .any(|(r, f, l, v)| r == rule && f == file && *l == line && v == root)
}

#[test]
fn a_prod_patch_fixes_a_base_violation_in_prod_only() {
    let all = findings(&[APP]);
    // The base container sets no resources: reported at the container, in base, for dev...
    assert!(
        has(&all, "K8S009", "base/deployment.yaml", 21, "overlays/dev"),
        "{all:?}"
    );
    // ...but prod's strategic-merge patch adds them, and prod's `replicas:` lifts the single
    // replica of the base.
    assert!(
        !all.iter()
            .any(|(r, _, _, v)| r == "K8S009" && v == "overlays/prod"),
        "{all:?}"
    );
    assert!(has(
        &all,
        "K8S023",
        "base/deployment.yaml",
        8,
        "overlays/dev"
    ));
    assert!(!all
        .iter()
        .any(|(r, _, _, v)| r == "K8S023" && v == "overlays/prod"));
}

#[test]
fn a_patch_and_an_images_entry_that_introduce_violations_are_reported_on_their_lines() {
    let all = findings(&[APP]);
    // The strategic-merge patch file sets allowPrivilegeEscalation: its line.
    assert!(
        has(
            &all,
            "K8S004",
            "overlays/dev/debug.yaml",
            11,
            "overlays/dev"
        ),
        "{all:?}"
    );
    // `images: newTag: latest`: the newTag line of the kustomization.
    assert!(
        has(
            &all,
            "K8S001",
            "overlays/dev/kustomization.yaml",
            20,
            "overlays/dev"
        ),
        "{all:?}"
    );
    // A JSON patch written inline: the `value:` line inside the block.
    assert!(
        has(
            &all,
            "K8S016",
            "overlays/dev/kustomization.yaml",
            17,
            "overlays/dev"
        ),
        "{all:?}"
    );
    // Prod pins a digest: no K8S001 there.
    assert!(!all
        .iter()
        .any(|(r, _, _, v)| r == "K8S001" && v == "overlays/prod"));
}

#[test]
fn generated_objects_are_located_at_their_generator_entries() {
    let all = findings(&[APP]);
    // The credential literal of the configMapGenerator, for each root that builds it.
    for root in ["overlays/dev", "overlays/prod"] {
        assert!(
            has(&all, "K8S015", "base/kustomization.yaml", 16, root),
            "{all:?}"
        );
        // The Secret made by secretGenerator: its `- name:` line.
        assert!(
            has(&all, "K8S014", "base/kustomization.yaml", 22, root),
            "{all:?}"
        );
    }
}

#[test]
fn bases_and_components_are_checked_through_their_roots_only() {
    let all = findings(&[APP]);
    let roots: std::collections::BTreeSet<&str> =
        all.iter().map(|(_, _, _, v)| v.as_str()).collect();
    assert_eq!(
        roots.into_iter().collect::<Vec<_>>(),
        vec![
            "overlays/broken",
            "overlays/dev",
            "overlays/legacy",
            "overlays/prod",
            "overlays/remote"
        ],
        "every finding comes from a root: {all:?}"
    );
    // Scanned alone, the base is a root of its own.
    let base = findings(&[&format!("{APP}/base")]);
    assert!(
        has(&base, "K8S009", "base/deployment.yaml", 21, "base"),
        "{base:?}"
    );
}

#[test]
fn a_broken_overlay_and_a_remote_resource_are_reported_and_the_rest_is_checked() {
    let all = findings(&[APP]);
    // The patch that matches nothing: an error at its entry, as kubectl refuses the build.
    assert!(
        has(
            &all,
            "LNT020",
            "overlays/broken/kustomization.yaml",
            6,
            "overlays/broken"
        ),
        "{all:?}"
    );
    assert!(!all
        .iter()
        .any(|(r, _, _, v)| r != "LNT020" && v == "overlays/broken"));
    // The remote resource (line 5) and the remote patch (line 7; it was once read as a local
    // path, LNT020): a note at each line, and the local base still checked.
    for line in [5, 7] {
        assert!(
            has(
                &all,
                "LNT021",
                "overlays/remote/kustomization.yaml",
                line,
                "overlays/remote"
            ),
            "line {line}: {all:?}"
        );
    }
    assert!(has(
        &all,
        "K8S009",
        "base/deployment.yaml",
        21,
        "overlays/remote"
    ));
    assert!(!all
        .iter()
        .any(|(r, _, _, v)| r == "LNT020" && v == "overlays/remote"));
}

#[test]
fn the_root_kustomization_is_a_related_location() {
    let all = crate::findings(&[&format!("{APP}/overlays/dev"), &format!("{APP}/base")]);
    let f = all
        .iter()
        .find(|f| f.rule_id == "K8S004")
        .expect("K8S004 in dev");
    assert!(
        f.related
            .iter()
            .any(|r| r.file.ends_with("overlays/dev/kustomization.yaml")),
        "{:?}",
        f.related
    );
}

#[test]
fn render_prints_a_kustomization_like_kubectl() {
    let r = crate::run(&["render", &format!("{APP}/overlays/prod"), "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let objects: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let names: Vec<String> = objects
        .as_array()
        .expect("array")
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap_or(""),
                o["metadata"]["name"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        names.contains(&"Deployment/web-v2".to_string()),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("ConfigMap/web-config-v2-")),
        "{names:?}"
    );
    let broken = crate::run(&["render", &format!("{APP}/overlays/broken")]);
    assert_eq!(broken.code, 2);
    assert!(
        broken.stderr.contains("kustomization.yaml:6"),
        "{}",
        broken.stderr
    );
}

#[test]
fn inline_derogations_work_in_bases_patches_and_kustomizations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, text: &str| crate::write_file(dir.path(), rel, text);
    write(
        "base/kustomization.yaml",
        "resources:\n  - deployment.yaml\n",
    );
    write(
        "base/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    cct-lint/derogation.K8S023: \"one replica is enough for this batch front; reference=DEC-1\"\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: harbor.example.org/web:1.0.0\n",
    );
    write(
        "overlay/kustomization.yaml",
        "resources:\n  - ../base\npatches:\n  - path: patch.yaml\nimages:\n  - name: harbor.example.org/web\n    # cct-lint-derogation K8S001: the dev tag moves on purpose; reference=DEC-2\n    newTag: latest\n",
    );
    write(
        "overlay/patch.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          securityContext:\n            # cct-lint-derogation K8S004: debugger attach in dev; reference=DEC-3\n            allowPrivilegeEscalation: true\n",
    );
    let root = dir.path().to_string_lossy().to_string();
    let derogated = crate::findings(&[&root]);
    for rule in ["K8S023", "K8S001", "K8S004"] {
        let f = derogated
            .iter()
            .find(|f| f.rule_id == rule)
            .unwrap_or_else(|| panic!("{rule} reported: {derogated:?}"));
        assert!(f.suppression.is_some(), "{rule} derogated: {f:?}");
    }
    assert!(
        !derogated.iter().any(|f| f.rule_id == "LNT014"),
        "every derogation is used: {derogated:?}"
    );
    // Without the derogations the same findings count.
    write(
        "overlay/patch.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          securityContext:\n            allowPrivilegeEscalation: true\n",
    );
    let all = crate::findings(&[&root]);
    let f = all.iter().find(|f| f.rule_id == "K8S004").expect("K8S004");
    assert!(f.suppression.is_none(), "{f:?}");
    // The rest is the same finding: only the derogation went (the comment line moved it by
    // one line up, so compare the rest of it).
    let before = derogated
        .iter()
        .find(|f| f.rule_id == "K8S004")
        .expect("K8S004");
    assert_eq!(
        (&f.file, &f.object, &f.path, &f.params, &f.value_set),
        (
            &before.file,
            &before.object,
            &before.path,
            &before.params,
            &before.value_set
        )
    );
}

/// A component (`kind: Component`) that no kustomization uses is not a root: Kustomize builds
/// components only inside a kustomization. It is a note saying it was not checked, never an
/// error; once an overlay uses it, its objects are checked through that overlay.
#[test]
fn an_unused_component_is_a_note_and_a_used_one_is_checked_through_its_overlay() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    };
    write(
        "base/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n",
    );
    write(
        "base/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n",
    );
    write(
        "components/nodeport/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [svc.yaml]\n",
    );
    write(
        "components/nodeport/svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  ports: [{port: 8080}]\n",
    );
    let path = root.to_string_lossy().to_string();
    let rules = |all: &[cct_lint::finding::Finding]| -> Vec<String> {
        all.iter().map(|f| f.rule_id.clone()).collect()
    };
    let unused = crate::findings(&[&path]);
    assert!(
        !rules(&unused).contains(&"LNT020".to_string()),
        "{unused:?}"
    );
    assert!(rules(&unused).contains(&"LNT021".to_string()), "{unused:?}");
    assert!(
        !rules(&unused).contains(&"K8S018".to_string()),
        "{unused:?}"
    );
    write(
        "overlays/prod/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\ncomponents: [../../components/nodeport]\n",
    );
    let used = crate::findings(&[&path]);
    assert!(rules(&used).contains(&"K8S018".to_string()), "{used:?}");
    assert!(!rules(&used).contains(&"LNT021".to_string()), "{used:?}");
}

#[test]
fn transformer_directories_are_not_roots_and_files_outside_a_folder_are_refused() {
    const FEATURES: &str = "fixtures/repos/kustomize-features";
    let all = crate::findings(&[FEATURES]);
    let roots: std::collections::BTreeSet<&str> =
        all.iter().filter_map(|f| f.value_set.as_deref()).collect();
    // `transformers/environment` is loaded by `staging`: checked through it only.
    assert!(
        !roots.iter().any(|r| r.contains("transformers")),
        "{roots:?}"
    );
    for root in [
        "custom-schema",
        "empty",
        "outside-file",
        "outside-patch",
        "staging",
    ] {
        assert!(
            roots.contains(format!("{FEATURES}/{root}").as_str()),
            "{root}: {roots:?}"
        );
    }
    let refused = |root: &str| {
        all.iter()
            .find(|f| {
                f.rule_id == "LNT020"
                    && f.value_set.as_deref() == Some(&format!("{FEATURES}/{root}"))
            })
            .unwrap_or_else(|| panic!("no LNT020 for {root}: {all:#?}"))
    };
    let empty = crate::message(refused("empty"));
    assert!(empty.contains("kustomization.yaml is empty"));
    for (root, line) in [("outside-file", 2), ("outside-patch", 4)] {
        let f = refused(root);
        assert_eq!(f.file, format!("{FEATURES}/{root}/kustomization.yaml"));
        assert_eq!(f.span.start.line, line);
        let message = crate::message(f);
        assert!(
            message.contains(&format!("is not in or below '{FEATURES}/{root}'")),
            "{message}"
        );
    }
    // The staging build is checked: its Deployment's findings are reached through it (with
    // the other roots that build the same base, listed together).
    let staging = format!("{FEATURES}/staging");
    assert!(all.iter().any(|f| f.rule_id == "K8S009"
        && f.file == format!("{FEATURES}/base/deployment.yaml")
        && (f.value_set.as_ref() == Some(&staging) || f.value_sets.contains(&staging))));
    // The common causes are told in the reader's language, Kustomize's text kept.
    assert!(empty.contains("it asks for nothing"));
}

#[test]
fn helm_charts_are_inflated_and_checked_through_the_kustomization_only() {
    const FEATURES: &str = "fixtures/repos/kustomize-features";
    let all = crate::findings(&[
        &format!("{FEATURES}/helm"),
        &format!("{FEATURES}/helm-remote"),
    ]);
    let chart = format!("{FEATURES}/helm/charts/web");
    // The inflated Deployment (release `shop`, values inline and from values-prod.yaml) is
    // checked, located at its template lines, reached through the kustomization.
    let limits = all
        .iter()
        .find(|f| f.rule_id == "K8S009")
        .unwrap_or_else(|| panic!("{all:#?}"));
    assert_eq!(limits.file, format!("{chart}/templates/deployment.yaml"));
    assert_eq!(
        limits.span.start.line, 24,
        "the template's `resources:` line"
    );
    assert_eq!(limits.value_set, Some(format!("{FEATURES}/helm")));
    let message = crate::message(limits);
    assert!(!message.contains("limits.memory"), "{message}");
    // includeCRDs: the chart's CRD is an object of the build, at its own file.
    assert!(all
        .iter()
        .any(|f| f.file == format!("{chart}/crds/backups.yaml")));
    // The chart is not checked a second time on its own (release-name, default values).
    assert!(
        all.iter()
            .all(|f| f.value_set.is_some() && !crate::message(f).contains("release-name")),
        "{all:#?}"
    );
    // A chart that needs a pull is a note at its entry, not an error.
    let remote = all
        .iter()
        .find(|f| f.value_set == Some(format!("{FEATURES}/helm-remote")))
        .expect("the remote chart is reported");
    assert_eq!(remote.rule_id, "LNT021");
    assert_eq!(remote.span.start.line, 2);
    assert!(crate::message(remote).contains("not checked here"));
}

#[test]
fn an_argo_cd_application_with_a_kustomize_source_is_one_more_root() {
    const FEATURES: &str = "fixtures/repos/kustomize-features";
    let app = format!("{FEATURES}/argo/application.yaml");
    let all = crate::findings(&[&format!("{FEATURES}/argo"), &format!("{FEATURES}/base")]);
    let set = |f: &cct_lint::finding::Finding| f.value_set.clone().unwrap_or_default();
    let of_app: Vec<_> = all.iter().filter(|f| set(f) == "registre-prod").collect();
    // The block's `images` entry (tag `latest`) and its inline patch (privileged) are found on
    // the Application's lines; the Application's `path:` and the kustomization are related.
    for (rule, line) in [("K8S001", 16), ("K8S004", 31)] {
        let f = of_app
            .iter()
            .find(|f| f.rule_id == rule)
            .unwrap_or_else(|| panic!("{rule}: {of_app:#?}"));
        assert_eq!((f.file.as_str(), f.span.start.line), (app.as_str(), line));
        assert_eq!(f.related[0].file, app);
        assert_eq!(f.related[0].span.start.line, 11);
        assert_eq!(f.related[0].application.as_deref(), Some("registre-prod"));
        assert_eq!(
            f.related[1].file,
            format!("{FEATURES}/base/kustomization.yaml")
        );
    }
    // `commonLabels: {env: prod}` of the block fixes half of what the plain base lacks.
    assert!(all.iter().any(|f| f.rule_id == "K8S010"
        && set(f) == "registre-prod"
        && crate::message(f).contains("lacks the labels `tier` required")));
    // The plain base, a root here too, has neither finding.
    assert!(!all.iter().any(|f| set(f) == format!("{FEATURES}/base")
        && (f.rule_id == "K8S001" || f.rule_id == "K8S004")));
}

#[test]
fn a_staged_base_file_alone_brings_in_the_overlays_that_build_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    let app = std::path::Path::new(APP);
    let mut stack = vec![app.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            let dest = repo.join(p.strip_prefix(app).expect("below"));
            if p.is_dir() {
                std::fs::create_dir_all(&dest).expect("mkdir");
                stack.push(p);
            } else {
                std::fs::copy(&p, &dest).expect("copy");
            }
        }
    }
    std::fs::create_dir_all(repo.join(".git")).expect("a repository");
    // As pre-commit calls it: the staged file alone, from the repository root.
    let out = crate::bin()
        .current_dir(repo)
        .args([
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--lang",
            "en",
        ])
        .arg("base/deployment.yaml")
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let roots = |f: &serde_json::Value| -> Vec<String> {
        let listed: Vec<String> = f["value_sets"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if listed.is_empty() {
            f["value_set"]
                .as_str()
                .map(str::to_string)
                .into_iter()
                .collect()
        } else {
            listed
        }
    };
    // The base's missing resources are reported through dev (prod's patch adds them), on
    // the staged file; nothing is reported on the files not staged.
    assert!(
        findings.iter().any(|f| f["rule_id"] == "K8S009"
            && f["file"] == "base/deployment.yaml"
            && roots(f).contains(&"overlays/dev".to_string())),
        "{findings:#?}"
    );
    assert!(
        findings.iter().all(|f| f["file"] == "base/deployment.yaml"),
        "{findings:#?}"
    );
    assert!(
        findings
            .iter()
            .all(|f| !roots(f).contains(&"base".to_string())),
        "the base is checked through its overlays, not alone: {findings:#?}"
    );
}

#[test]
fn kustomize_diagnostics_are_worded_in_french_too() {
    const FEATURES: &str = "fixtures/repos/kustomize-features";
    let r = crate::run(&[
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--lang",
        "fr",
        &format!("{FEATURES}/outside-file"),
        &format!("{FEATURES}/helm-remote"),
    ]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["message"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        messages.iter().any(|m| m
            .contains("ne se construit pas : un fichier qu'elle cite est hors de son dossier")
            && m.contains("Message de Kustomize : security; file")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("une partie récupérée par le réseau n'est pas vérifiée ici")),
        "{messages:#?}"
    );
}

#[test]
fn a_field_a_json_patch_removes_is_reported_on_the_remove_path_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, text: &str| crate::write_file(dir.path(), rel, text);
    write(
        "base/d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: harbor.io/x/web:1.0.0\n          livenessProbe: {httpGet: {path: /, port: 8080}}\n          readinessProbe: {httpGet: {path: /, port: 8080}}\n",
    );
    write("base/kustomization.yaml", "resources: [d.yaml]\n");
    write(
        "ov/kustomization.yaml",
        "resources: [../base]\npatches:\n  - target: {kind: Deployment}\n    patch: |-\n      - op: remove\n        path: /spec/template/spec/containers/0/livenessProbe\n",
    );
    let ov = dir.path().join("ov");
    let all = crate::findings(&[ov.to_str().expect("utf-8")]);
    let f = all
        .iter()
        .find(|f| f.rule_id == "K8S008")
        .unwrap_or_else(|| panic!("{all:#?}"));
    assert!(f.file.ends_with("ov/kustomization.yaml"), "{f:#?}");
    assert_eq!(f.span.start.line, 6, "the remove operation's `path:` line");
    // Findings about fields nobody removed stay on the base.
    assert!(all
        .iter()
        .any(|f| f.rule_id == "K8S009" && f.file.ends_with("base/d.yaml")));
}

/// A finding reached through a root kustomization names that root as what built the object,
/// never as a Helm "value set" (the chart example's snapshot keeps "value set" for charts).
#[test]
fn human_output_names_the_root_kustomization_not_a_value_set() {
    for (lang, built_by) in [
        ("en", "built by kustomization `"),
        ("fr", "construit par la kustomization `"),
    ] {
        let out = crate::bin()
            .args(["check", "fixtures/repos/kustomize-app/overlays/prod"])
            .args(["--fail-on", "never", "--lang", lang])
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_snapshot(&format!("kustomize-app-prod.human.{lang}.txt"), &text);
        assert!(text.contains(built_by), "{lang}: {text}");
        assert!(
            !text.contains("value set `") && !text.contains("jeu de valeurs `"),
            "{lang}: {text}"
        );
    }
}
