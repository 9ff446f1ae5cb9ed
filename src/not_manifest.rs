//! YAML that is not a manifest: a file that does not parse, holds template markers (`{{ }}`:
//! helmfile.yaml, CI templates) or no `apiVersion`/`kind` line, and that no kustomization names,
//! is not deployed as is. Its LNT001 becomes an LNT016 note saying it was not checked, instead of
//! an error that fails a commit for a file cct-lint does not own. Where manifests are expected
//! (kustomization resources; chart templates never come here) LNT001 stays. Decides only the
//! rule of those findings; never reads more than the scan already read.

use crate::catalog::Catalog;
use crate::config::ScanOptions;
use crate::finding::{Finding, Lint};

/// Why a file that does not parse is not a manifest: `Some("templated")`, `Some("")` (no
/// `apiVersion`/`kind` line), or `None` when it looks like one.
pub fn kind_of_unparsable(text: &str) -> Option<&'static str> {
    if has_template_markers(text) {
        return Some("templated");
    }
    let top_level = |key: &str| {
        text.lines().any(|l| {
            let l = l.strip_prefix("---").map(str::trim_start).unwrap_or(l);
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    };
    if top_level("apiVersion") || top_level("kind") {
        None
    } else {
        Some("")
    }
}

/// `{{` followed later on the same line by `}}`.
fn has_template_markers(text: &str) -> bool {
    text.lines().any(|l| {
        l.find("{{")
            .is_some_and(|open| l[open + 2..].contains("}}"))
    })
}

/// Turns the file's LNT001 findings into LNT016 notes when it is not a manifest.
pub(crate) fn demote(
    findings: &mut [Finding],
    text: &str,
    catalog: &Catalog,
    options: &ScanOptions,
) {
    if !findings.iter().any(|f| f.rule_id == Lint::InvalidYaml.id()) {
        return;
    }
    let Some(variant) = kind_of_unparsable(text) else {
        return;
    };
    let severity = options
        .severity_overrides
        .get(Lint::YamlNotAManifestNotChecked.id())
        .copied()
        .or_else(|| {
            catalog
                .rule(Lint::YamlNotAManifestNotChecked.id())
                .map(|r| r.severity)
        })
        .unwrap_or(crate::catalog::Severity::Note);
    for f in findings
        .iter_mut()
        .filter(|f| f.rule_id == Lint::InvalidYaml.id())
    {
        f.rule_id = Lint::YamlNotAManifestNotChecked.id().to_string();
        f.severity = severity;
        if !variant.is_empty() {
            let mut params: std::collections::BTreeMap<String, String> = f
                .params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            params.insert("variant".to_string(), variant.to_string());
            f.params = params.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templated_and_kindless_files_are_not_manifests() {
        assert_eq!(
            kind_of_unparsable(
                "releases:\n  - name: app\n    values: [{{ .Environment.Name }}.yaml]\n"
            ),
            Some("templated")
        );
        assert_eq!(
            kind_of_unparsable("apiVersion: v1\nkind: ConfigMap\ndata: {a: {{ x }}}\n"),
            Some("templated")
        );
        assert_eq!(
            kind_of_unparsable("stages: [build\ntest:\n  - a\n"),
            Some("")
        );
        assert_eq!(
            kind_of_unparsable("apiVersion: v1\nkind: Pod\nspec: [\n"),
            None
        );
        assert_eq!(kind_of_unparsable("--- kind: Pod\nspec: [\n"), None);
        assert_eq!(kind_of_unparsable("a: '{{'\nb: [\n"), Some(""));
    }
}
