//! Application bundles across folders: a kustomization bundles the manifests it names (bases,
//! components), and its patches are not checked as objects.
//! Must not: write inside fixtures/.

use crate::findings;

#[test]
fn a_kustomization_bundles_its_bases_and_components() {
    let all = findings(&["fixtures/repos/kustomize"]);
    let rules = |file: &str| -> Vec<String> {
        all.iter()
            .filter(|f| f.file.ends_with(file))
            .map(|f| f.rule_id.clone())
            .collect()
    };
    // The PodDisruptionBudget and NetworkPolicy of components/ cover the base Deployment.
    let deployment = rules("base/deployment.yaml");
    assert!(
        !deployment.iter().any(|r| r == "APP002" || r == "APP003"),
        "{deployment:?}"
    );
    assert!(deployment.iter().any(|r| r == "K8S009"), "{deployment:?}");
    // The patch is a partial object: no K8S finding on it.
    assert!(rules("overlays/prod/replicas.yaml").is_empty());
    // Checked alone, the base folder lacks both.
    let base = findings(&["fixtures/repos/kustomize/base"]);
    for rule in ["APP002", "APP003"] {
        assert!(
            base.iter().any(|f| f.rule_id == rule),
            "{rule} when base is alone"
        );
    }
}
