//! The one `Finding` model every report renders: a located rule result with the object or
//! stage it belongs to. Built by the scan stage, sorted once, never printed from here.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{Catalog, Lang, Severity};
use crate::span::Span;

/// The Kubernetes object a finding belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    /// `Kind/namespace/name`, or `Kind/name` without a namespace.
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{}/{}", self.kind, ns, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }
}

/// The path of the node at fault as the rule returned it (`["spec", "containers", 0]`), kept
/// as its compact JSON text: it is only ever written out (reports, fingerprints), and one string
/// weighs a tenth of a vector of JSON values when a scan holds a hundred thousand findings.
#[derive(Debug, Clone)]
pub struct NodePath(Box<serde_json::value::RawValue>);

impl NodePath {
    pub fn new(path: &[serde_json::Value]) -> Self {
        let text = serde_json::to_string(path).unwrap_or_else(|_| "[]".to_string());
        match serde_json::value::RawValue::from_string(text) {
            Ok(raw) => Self(raw),
            Err(_) => Self::default(),
        }
    }

    /// The path as compact JSON.
    pub fn as_json(&self) -> &str {
        self.0.get()
    }

    pub fn is_empty(&self) -> bool {
        self.as_json() == "[]"
    }
}

impl Default for NodePath {
    fn default() -> Self {
        Self::new(&[])
    }
}

impl PartialEq for NodePath {
    fn eq(&self, other: &Self) -> bool {
        self.as_json() == other.as_json()
    }
}

impl Eq for NodePath {}

impl Serialize for NodePath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// The message parameters of a finding, sorted by name. A sorted vector rather than a
/// `BTreeMap`: a map allocates a node for eleven entries where findings carry one to three, and a
/// large scan holds a hundred thousand findings until the report is sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(name))
            .ok()
            .map(|i| self.0[i].1.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl From<BTreeMap<String, String>> for Params {
    fn from(map: BTreeMap<String, String>) -> Self {
        Self(map.into_iter().collect())
    }
}

impl Serialize for Params {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    /// Path relative to the scan root, with `/` separators.
    pub file: String,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<Box<ObjectRef>>,
    /// Dockerfile stage name (or index) the finding belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Path of the node at fault inside the document, as the rule returned it.
    pub path: NodePath,
    pub params: Params,
    /// The text of the finding's first line, for excerpts.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Stable identity across runs and line shifts.
    pub fingerprint: String,
    /// The derogation that covers this finding, if any: a suppressed finding is reported but
    /// does not count towards the gate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Box<Suppression>>,
    /// Already present in the `--baseline` report: shown as existing, not counted by the gate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub in_baseline: bool,
    /// The Helm value set the chart was rendered with (when the config names sets), or the
    /// kustomize root; for a finding found identical under several, the first of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_set: Option<String>,
    /// Every value set (or root) under which this same finding was found, sorted; empty
    /// when `value_set` is `None`. Filled when identical findings are grouped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub value_sets: Vec<String>,
    /// Other places that explain the finding: for a chart, the values file line that gave the
    /// offending value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedLocation>,
    /// The path reports gave this finding until 2026-12, when it differs (a bundle finding on
    /// a plain file was named `objects/<i>/…` inside its bundle): for baseline matching only.
    #[serde(skip)]
    pub legacy_path: Option<NodePath>,
}

/// A secondary location of a finding (SARIF `relatedLocations`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RelatedLocation {
    pub file: String,
    pub span: Span,
    /// The `.Values` path (dotted) whose value is at that place.
    pub values_path: String,
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Set when the place is the Argo CD Application (its name) that gave the value set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
}

/// Where a derogation was granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// In `.cct-lint.yaml`.
    Config,
    /// An annotation on the Kubernetes object or a comment above the node.
    Inline,
}

/// The tool's own diagnostics: the Lint family of rules (`rules/lint/lint-rules.yaml`), one
/// variant per rule, named after the rule's name. Code names a diagnostic by its variant, never
/// by a string literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lint {
    InvalidYaml,
    DuplicateKey,
    HelmRenderFailed,
    InvalidDockerfile,
    UnreadableFile,
    FileTooLarge,
    WalkError,
    YamlLimitsExceeded,
    InternalError,
    LibraryChartNotRendered,
    RuleEvaluationFailed,
    DerogationWithoutJustification,
    DerogationExpired,
    DerogationUnused,
    InlineDerogationRefused,
    YamlNotAManifestNotChecked,
    HelmDependencyMissing,
    ApplicationSourceNotChecked,
    HelmDependencyOtherVersion,
    KustomizeBuildFailed,
    KustomizePartNotChecked,
}

impl Lint {
    pub const ALL: [Lint; 21] = [
        Lint::InvalidYaml,
        Lint::DuplicateKey,
        Lint::HelmRenderFailed,
        Lint::InvalidDockerfile,
        Lint::UnreadableFile,
        Lint::FileTooLarge,
        Lint::WalkError,
        Lint::YamlLimitsExceeded,
        Lint::InternalError,
        Lint::LibraryChartNotRendered,
        Lint::RuleEvaluationFailed,
        Lint::DerogationWithoutJustification,
        Lint::DerogationExpired,
        Lint::DerogationUnused,
        Lint::InlineDerogationRefused,
        Lint::YamlNotAManifestNotChecked,
        Lint::HelmDependencyMissing,
        Lint::ApplicationSourceNotChecked,
        Lint::HelmDependencyOtherVersion,
        Lint::KustomizeBuildFailed,
        Lint::KustomizePartNotChecked,
    ];

    /// The rule id (`LNT001`...).
    pub const fn id(self) -> &'static str {
        match self {
            Lint::InvalidYaml => "LNT001",
            Lint::DuplicateKey => "LNT002",
            Lint::HelmRenderFailed => "LNT003",
            Lint::InvalidDockerfile => "LNT004",
            Lint::UnreadableFile => "LNT005",
            Lint::FileTooLarge => "LNT006",
            Lint::WalkError => "LNT007",
            Lint::YamlLimitsExceeded => "LNT008",
            Lint::InternalError => "LNT009",
            Lint::LibraryChartNotRendered => "LNT010",
            Lint::RuleEvaluationFailed => "LNT011",
            Lint::DerogationWithoutJustification => "LNT012",
            Lint::DerogationExpired => "LNT013",
            Lint::DerogationUnused => "LNT014",
            Lint::InlineDerogationRefused => "LNT015",
            Lint::YamlNotAManifestNotChecked => "LNT016",
            Lint::HelmDependencyMissing => "LNT017",
            Lint::ApplicationSourceNotChecked => "LNT018",
            Lint::HelmDependencyOtherVersion => "LNT019",
            Lint::KustomizeBuildFailed => "LNT020",
            Lint::KustomizePartNotChecked => "LNT021",
        }
    }
}

/// A derogation applied to a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub justification: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Expiry date, `YYYY-MM-DD` (the derogation holds through that day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where the derogation is written.
    pub source: SourceRef,
}

/// Where a derogation is written: a file (display path) and a line. Reports print it, and
/// JSON serialises it, as `file:line`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceRef {
    pub file: String,
    pub line: u32,
}

impl std::fmt::Display for SourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

impl Serialize for SourceRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// FNV-1a, 64 bits: tiny, stable across platforms and releases (unlike std's hasher).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0u8)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

impl Finding {
    /// A finding at `span` of `file` with only its rule, severity and params: the other fields
    /// (object, stage, path, suppression, value sets, related places) are filled by whoever
    /// knows them.
    pub fn new(
        rule_id: &str,
        severity: Severity,
        file: &str,
        span: Span,
        params: std::collections::BTreeMap<String, String>,
    ) -> Self {
        Finding {
            rule_id: rule_id.to_string(),
            severity,
            file: file.to_string(),
            span,
            object: None,
            stage: None,
            path: NodePath::default(),
            params: params.into(),
            source_line: None,
            fingerprint: String::new(),
            suppression: None,
            in_baseline: false,
            value_set: None,
            value_sets: Vec::new(),
            related: Vec::new(),
            legacy_path: None,
        }
    }

    /// Computes the fingerprint from what identifies the problem rather than where it sits:
    /// rule, file, object or stage, and the path of the node (the line only when there is
    /// neither path nor object).
    pub fn with_fingerprint(mut self) -> Self {
        self.fingerprint = self.fingerprint_for(&self.file);
        self
    }

    /// The fingerprint with the file named `file` (the check names it relative to the
    /// repository root, whatever folder the command runs in).
    pub fn fingerprint_for(&self, file: &str) -> String {
        // A finding on a whole object (a bundle rule pointing at its first workload) is that
        // object's: a line shift above it must not make it new.
        let with_line = self.path.is_empty() && self.object.is_none();
        self.fingerprint_with(file, &self.path, with_line)
    }

    /// The fingerprint the finding had until 2026-12, when it differs from today's, so that a
    /// baseline written earlier still matches: a finding on a whole object counted its line
    /// (it still matches while the file is unchanged), a bundle finding on a plain file its
    /// index in the bundle (`legacy_path`).
    pub fn legacy_fingerprint_for(&self, file: &str) -> Option<String> {
        match &self.legacy_path {
            Some(path) => Some(self.fingerprint_with(file, path, path.is_empty())),
            None => (self.path.is_empty() && self.object.is_some())
                .then(|| self.fingerprint_with(file, &self.path, true)),
        }
    }

    fn fingerprint_with(&self, file: &str, path: &NodePath, with_line: bool) -> String {
        let object = self
            .object
            .as_deref()
            .map(ObjectRef::display)
            .unwrap_or_default();
        let stage = self.stage.clone().unwrap_or_default();
        let path = path.as_json();
        let line = if with_line {
            self.span.start.line.to_string()
        } else {
            String::new()
        };
        let mut parts = vec![self.rule_id.as_str(), file, &object, &stage, path, &line];
        // Only when present, so findings outside charts keep the fingerprints they always had.
        if let Some(set) = &self.value_set {
            parts.push(set);
        }
        format!("{:016x}", fnv1a(&parts))
    }

    /// The message in `lang`, placeholders filled from the params.
    pub fn message(&self, catalog: &Catalog, lang: Lang) -> String {
        let Some(rule) = catalog.rule(&self.rule_id) else {
            return self.rule_id.clone();
        };
        let text = self
            .params
            .get("variant")
            .and_then(|v| rule.variants.get(v))
            .unwrap_or(&rule.message);
        fill(text.get(lang), &self.params)
    }

    /// Sort key: file, position, rule, then everything else for a total order.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.file,
            self.span,
            &self.rule_id,
            &self.object,
            &self.stage,
            &self.value_set,
            &self.fingerprint,
        )
    }
}

/// Replaces `{name}` with the param's value; unknown placeholders stay visible.
pub fn fill(template: &str, params: &Params) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if params.get(&after[..close]).is_some() => {
                out.push_str(params.get(&after[..close]).unwrap_or_default());
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A root kustomization that was built: refused (its build failed) or with parts left out.
#[derive(Debug, Clone)]
pub struct RootSeen {
    /// The kustomization's folder (display path).
    pub dir: String,
    /// The diagnostic of a build Kustomize would refuse (nothing of it was checked).
    pub refused: Option<Finding>,
    /// The first note about what the build left out (remote resources, plugins).
    pub left_out: Option<Finding>,
}

/// A Kubernetes object met during the scan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectSeen {
    pub file: String,
    pub line: u32,
    pub object: ObjectRef,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_variants_are_the_catalogue_lint_rules() {
        let catalog = Catalog::embedded().expect("catalogue");
        for lint in Lint::ALL {
            let rule = catalog
                .rule(lint.id())
                .expect("a Lint rule of the catalogue");
            assert_eq!(
                rule.input.family,
                crate::catalog::Family::Lint,
                "{}",
                lint.id()
            );
            let words: String = format!("{lint:?}")
                .chars()
                .flat_map(|c| {
                    let dash = c.is_ascii_uppercase().then_some('-');
                    dash.into_iter().chain(c.to_lowercase())
                })
                .collect();
            assert_eq!(rule.name, words.trim_start_matches('-'), "{}", lint.id());
        }
        let lint_rules = catalog
            .rules
            .values()
            .filter(|r| r.input.family == crate::catalog::Family::Lint)
            .count();
        assert_eq!(lint_rules, Lint::ALL.len());
    }

    #[test]
    fn fills_placeholders() {
        let params = Params::from(BTreeMap::from([
            ("image".to_string(), "nginx".to_string()),
            ("a".to_string(), "b".to_string()),
        ]));
        assert_eq!(
            fill("Image `{image}` {x} {a}", &params),
            "Image `nginx` {x} b"
        );
        assert_eq!(
            serde_json::to_string(&params).expect("json"),
            r#"{"a":"b","image":"nginx"}"#
        );
    }
}
