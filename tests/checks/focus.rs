//! Single files on the command line (what pre-commit passes): the file's folder forms the
//! bundle, but only findings in the named files are reported.
//! Runs `check::run` in-process and compares whole findings.
//! Must not: write inside fixtures/ (temporary directories only).

use crate::findings;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n        - name: api\n          image: harbor.io/a/api:latest\n";

const PDB: &str = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: api\n";

#[test]
fn a_named_file_is_judged_with_its_folder_and_alone_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deploy = dir.path().join("deploy");
    std::fs::create_dir_all(&deploy).expect("mkdir");
    std::fs::write(deploy.join("api.yaml"), DEPLOYMENT).expect("write");
    std::fs::write(deploy.join("pdb.yaml"), PDB).expect("write");
    // A broken sibling: not touched, so not reported.
    std::fs::write(
        deploy.join("broken.yaml"),
        "apiVersion: v1\nkind: ConfigMap\ndata: [\n",
    )
    .expect("write");
    let api = deploy.join("api.yaml").display().to_string();
    let folder = deploy.display().to_string();
    let focused = findings(&[&api]);
    let files: std::collections::BTreeSet<&str> = focused.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files.iter().all(|f| f.ends_with("deploy/api.yaml")));
    // The PodDisruptionBudget of the sibling file counts: no APP002.
    assert!(focused.iter().any(|f| f.rule_id == "K8S001"));
    assert!(!focused.iter().any(|f| f.rule_id == "APP002"));
    // Naming the folder reports everything in it, the broken file included; what it reports on
    // the named file is exactly what the focused check reported, finding for finding.
    let all = findings(&[&folder]);
    assert!(all.iter().any(|f| f.rule_id == "LNT001"));
    let on_api: Vec<_> = all
        .iter()
        .filter(|f| files.contains(f.file.as_str()))
        .cloned()
        .collect();
    assert_eq!(on_api, focused);
    // Without the PodDisruptionBudget, APP002 fires on the named file.
    std::fs::remove_file(deploy.join("pdb.yaml")).expect("rm");
    let focused = findings(&[&api]);
    assert!(focused.iter().any(|f| f.rule_id == "APP002"));
}
