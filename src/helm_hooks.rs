//! Helm test hooks: an object whose `helm.sh/hook` annotation names only `test`,
//! `test-success` or `test-failure` is run by `helm test` alone; Argo CD never syncs it (a test
//! hook has no sync phase) and the platform never runs it. The scan leaves such objects out by
//! default and counts them; `helm: {check_test_hooks: true}` brings them back. This module only
//! reads the annotation; it decides nothing about what is reported.

use crate::parse::yaml::Node;

/// The annotation Helm and Argo CD read.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";

/// Whether the object is a Helm test hook and nothing else.
pub fn is_test_only(object: &Node) -> bool {
    let Some(hooks) = object
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(HOOK_ANNOTATION))
        .and_then(Node::as_str)
    else {
        return false;
    };
    let mut names = hooks.split(',').map(str::trim).filter(|h| !h.is_empty());
    let mut any = false;
    names.all(|h| {
        any = true;
        matches!(h, "test" | "test-success" | "test-failure")
    }) && any
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn object(annotations: &str) -> Node {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations: {annotations}\n"
        );
        yaml::load(&text, yaml::Limits::default()).documents[0]
            .root
            .clone()
    }

    #[test]
    fn only_test_hooks_are_test_only() {
        assert!(is_test_only(&object("{helm.sh/hook: test}")));
        assert!(is_test_only(&object(
            "{helm.sh/hook: \"test-success, test-failure\"}"
        )));
        assert!(!is_test_only(&object(
            "{helm.sh/hook: \"pre-install,test\"}"
        )));
        assert!(!is_test_only(&object("{helm.sh/hook: post-install}")));
        assert!(!is_test_only(&object("{helm.sh/hook: \"\"}")));
        assert!(!is_test_only(&object("{other: test}")));
        assert!(!is_test_only(&object("null")));
    }
}
