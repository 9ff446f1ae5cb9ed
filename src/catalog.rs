//! The rule catalogue: rule metadata read from the METADATA comment block of each embedded Rego
//! rule (and from `rules/lint/lint-rules.yaml` for the tool's own LNT diagnostics), plus the CCT
//! requirement lists. It knows nothing about files being scanned and never evaluates Rego.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::parse::yaml;
pub use crate::rule_text::{is_rule_file, metadata_block};
use crate::rule_text::{package_of, rule_meta_json};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The embedded rules' METADATA blocks (in `RuleMeta`'s shape, `rule_text::rule_meta_json`) and
/// `lint-rules.yaml`, read as JSON by build.rs with the same YAML loader, so that start-up
/// deserializes JSON instead of parsing YAML (`(file, json)`).
use embedded::METADATA_JSON;
pub use embedded::{CATALOG_FILES, FIXTURE_FILES, RULE_FILES};

/// Version of the rule catalogue, printed by `--version` and in reports.
pub const CATALOG_VERSION: &str = "2026.11";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A text in both languages of the tool.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Text {
    pub en: String,
    pub fr: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

/// What a rule reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Dockerfile,
    Kubernetes,
    Bundle,
    Chart,
    /// The tool's own diagnostics (LNT), produced in Rust.
    Lint,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputSelector {
    pub family: Family,
    #[serde(default)]
    pub kinds: Option<Vec<String>>,
}

/// Everything the tool knows about one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    #[serde(default)]
    pub requirements: Vec<String>,
    #[serde(default)]
    pub alpha: Vec<String>,
    #[serde(default)]
    pub platform: Vec<String>,
    pub input: InputSelector,
    #[serde(default)]
    pub title: Text,
    pub message: Text,
    /// Code Climate category for GitLab Code Quality (`Security`, `Bug Risk`, `Performance`,
    /// `Style`, `Compatibility`, `Clarity`, `Complexity`, `Duplication`); built-in rules take
    /// theirs from the table of report/gitlab.rs.
    #[serde(default)]
    pub category: Option<String>,
    /// Other wordings of the message, chosen by a finding's `variant` param (a rule names the
    /// case it found; the words stay in METADATA, in both languages).
    #[serde(default)]
    pub variants: BTreeMap<String, Text>,
    /// In a chart, a finding on a value that a template function generates at render time
    /// (`randAlphaNum`, `uuidv4`...) rather than one written in the repository is dropped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skips_generated_values: bool,
    #[serde(default)]
    pub why: Text,
    pub remediation: Text,
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// Rules of the package computed from `data.params` alone (sets of prefixes, patterns...),
    /// which the VM evaluates once instead of on every document: the rule reads each from
    /// `data.cct_lint_constants.<ID>.<name>` while `params` there equals `data.params.<ID>`
    /// (docs/writing-rules.md, "Constants").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constants: Vec<String>,
    /// Rego package (`rules.kubernetes.K8S001`); empty for LNT rules.
    #[serde(default)]
    pub package: String,
    /// Path of the rule's source inside the registry (`rules/kubernetes/K8S001/...rego`).
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

fn invalid(file: &str, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        file: file.to_string(),
        message: message.into(),
    }
}

fn load_yaml_json(file: &str, text: &str) -> Result<serde_json::Value, CatalogError> {
    let stream = yaml::load(text, yaml::Limits::default());
    if let Some(e) = stream.errors.first() {
        return Err(invalid(
            file,
            format!("line {}: {}", e.span.start.line, e.message),
        ));
    }
    Ok(stream
        .documents
        .first()
        .map(|d| d.root.to_json())
        .unwrap_or(serde_json::Value::Null))
}

/// Reads one rule's metadata from its Rego source.
pub fn parse_rule(file: &str, source: &str) -> Result<RuleMeta, CatalogError> {
    let block = metadata_block(source).ok_or_else(|| invalid(file, "no METADATA block"))?;
    let json = load_yaml_json(file, &block)?;
    rule_from_metadata(file, source, json)
}

/// A rule's metadata from its METADATA block read as JSON, and its Rego source.
fn rule_from_metadata(
    file: &str,
    source: &str,
    json: serde_json::Value,
) -> Result<RuleMeta, CatalogError> {
    let custom = rule_meta_json(&json).map_err(|e| invalid(file, e))?;
    let meta = serde_json::from_value(custom).map_err(|e| invalid(file, e.to_string()))?;
    with_origin(file, source, meta)
}

/// `meta` with the package and registry path of the rule file it comes from.
fn with_origin(file: &str, source: &str, mut meta: RuleMeta) -> Result<RuleMeta, CatalogError> {
    meta.package = package_of(source).ok_or_else(|| invalid(file, "no package line"))?;
    meta.source = file.to_string();
    Ok(meta)
}

/// What build.rs stored for an embedded file, if it could read its METADATA.
fn embedded_json(file: &str) -> Option<&'static str> {
    METADATA_JSON
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, json)| *json)
}

/// The whole catalogue, sorted by id.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub rules: BTreeMap<String, RuleMeta>,
    pub requirements: Vec<Requirement>,
    pub alpha_requirements: Vec<Requirement>,
    /// Which requirement ids reports lead with and count by.
    pub framework: Framework,
}

/// The version of the CCT requirement list reports speak in: the béta 2024 `EXI-*` ids by
/// default, or the alpha v4 `EX*` ids still cited in tenders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Framework {
    #[default]
    #[value(name = "beta-2024")]
    Beta2024,
    #[value(name = "alpha-v4")]
    AlphaV4,
}

impl Framework {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "beta-2024" => Some(Framework::Beta2024),
            "alpha-v4" => Some(Framework::AlphaV4),
            _ => None,
        }
    }
}

/// One requirement of a CCT list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub id: String,
    /// `P` (Primordiale) or `I` (Importante); `?` where the source leaves it blank.
    pub level: String,
    pub theme: String,
    pub text: String,
    /// 1-based occurrence of the id in the list (the béta list repeats two ids).
    pub occurrence: usize,
}

/// Reads `## ID — P — Theme` sections of a requirement list.
pub fn parse_requirements(markdown: &str) -> Vec<Requirement> {
    let mut out: Vec<Requirement> = Vec::new();
    for line in markdown.lines() {
        if let Some(head) = line.strip_prefix("## ") {
            let parts: Vec<&str> = head.split(" — ").map(str::trim).collect();
            let id = parts.first().copied().unwrap_or_default().to_string();
            let occurrence = out.iter().filter(|r| r.id == id).count() + 1;
            out.push(Requirement {
                id,
                level: parts.get(1).copied().unwrap_or("?").to_string(),
                theme: parts.get(2).copied().unwrap_or_default().to_string(),
                text: String::new(),
                occurrence,
            });
        } else if let Some(current) = out.last_mut() {
            if !current.text.is_empty() || !line.trim().is_empty() {
                current.text.push_str(line);
                current.text.push('\n');
            }
        }
    }
    for r in &mut out {
        r.text = r.text.trim_end().to_string();
    }
    out
}

impl Catalog {
    /// Loads the catalogue embedded in the binary.
    pub fn embedded() -> Result<Self, CatalogError> {
        let mut rules = BTreeMap::new();
        for (file, source) in RULE_FILES {
            if !is_rule_file(file) {
                continue;
            }
            let meta = match embedded_json(file) {
                // build.rs wrote the package too.
                Some(json) => RuleMeta {
                    source: file.to_string(),
                    ..serde_json::from_str(json).map_err(|e| invalid(file, e.to_string()))?
                },
                // build.rs could not read it: read it now, to report why.
                None => parse_rule(file, source)?,
            };
            rules.insert(meta.id.clone(), meta);
        }
        for (file, source) in RULE_FILES {
            if file.ends_with("lint-rules.yaml") {
                let lint: Vec<RuleMeta> = match embedded_json(file) {
                    Some(json) => serde_json::from_str(json),
                    None => serde_json::from_value(load_yaml_json(file, source)?),
                }
                .map_err(|e| invalid(file, e.to_string()))?;
                for mut meta in lint {
                    meta.source = file.to_string();
                    rules.insert(meta.id.clone(), meta);
                }
            }
        }
        let find = |name: &str| {
            CATALOG_FILES
                .iter()
                .find(|(f, _)| f.ends_with(name))
                .map(|(_, t)| parse_requirements(t))
                .unwrap_or_default()
        };
        Ok(Self {
            rules,
            requirements: find("requirements-beta-2024.md"),
            alpha_requirements: find("requirements-alpha-v4-2023.md"),
            framework: Framework::default(),
        })
    }

    pub fn rule(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.get(id)
    }

    /// Rego rules (not LNT), in id order.
    pub fn rego_rules(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules
            .values()
            .filter(|r| r.input.family != Family::Lint)
    }

    /// `data.params` for the engine: each rule's METADATA defaults.
    pub fn params_data(&self) -> serde_json::Value {
        let params: serde_json::Map<String, serde_json::Value> = self
            .rego_rules()
            .map(|r| (r.id.clone(), serde_json::Value::Object(r.params.clone())))
            .collect();
        serde_json::json!({ "params": params })
    }

    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements
            .iter()
            .chain(self.alpha_requirements.iter())
            .find(|r| r.id == id)
    }
}

/// Checks what serde cannot: both languages present, placeholders that exist, id and package
/// agreeing. Returns the first problem found.
pub fn validate_rule(meta: &RuleMeta) -> Result<(), String> {
    for (field, text) in [
        ("title", &meta.title),
        ("message", &meta.message),
        ("why", &meta.why),
        ("remediation", &meta.remediation),
    ] {
        if text.en.trim().is_empty() || text.fr.trim().is_empty() {
            return Err(format!("{}: `{field}` must exist in en and fr", meta.id));
        }
    }
    for (lang, text) in [("en", &meta.remediation.en), ("fr", &meta.remediation.fr)] {
        if !text.trim_end().ends_with('.') {
            return Err(format!(
                "{}: remediation ({lang}) must be a sentence ending with a period",
                meta.id
            ));
        }
    }
    let messages = std::iter::once(&meta.message).chain(meta.variants.values());
    for (lang, text) in messages.flat_map(|m| [("en", &m.en), ("fr", &m.fr)]) {
        if text.trim().is_empty() {
            return Err(format!("{}: a message variant is empty ({lang})", meta.id));
        }
        if text.trim_end().ends_with('.') {
            return Err(format!(
                "{}: message ({lang}) must not end with a period",
                meta.id
            ));
        }
    }
    if meta.input.family != Family::Lint && !meta.package.ends_with(&format!(".{}", meta.id)) {
        // Built-in and custom rules alike: the package path carries the identity.
        return Err(format!(
            "{}: package `{}` does not end with the id",
            meta.id, meta.package
        ));
    }
    let placeholders = |t: &str| -> Vec<String> {
        let mut out: Vec<String> = t
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        out.sort();
        out.dedup();
        out
    };
    if placeholders(&meta.message.en) != placeholders(&meta.message.fr) {
        return Err(format!(
            "{}: message placeholders differ between en and fr",
            meta.id
        ));
    }
    for (name, text) in &meta.variants {
        if text.en.trim().is_empty() || text.fr.trim().is_empty() {
            return Err(format!(
                "{}: variant `{name}` must exist in en and fr",
                meta.id
            ));
        }
        if placeholders(&text.en) != placeholders(&text.fr) {
            return Err(format!(
                "{}: variant `{name}` placeholders differ between en and fr",
                meta.id
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_metadata_block() {
        let src = "# METADATA\n# title: T\n# custom:\n#   id: X001\n#   name: x-thing\n#   severity: warning\n#   input:\n#     family: kubernetes\n#     kinds: [Service]\n#   title_fr: Tf\n#   message:\n#     en: m {a}\n#     fr: m {a}\n#   remediation:\n#     en: Do.\n#     fr: Faites.\n#   params:\n#     limit: 3\npackage rules.kubernetes.X001\n";
        let meta = parse_rule("r.rego", src).expect("valid metadata");
        assert_eq!(meta.id, "X001");
        assert_eq!(meta.severity, Severity::Warning);
        assert_eq!(meta.title.fr, "Tf");
        assert_eq!(meta.package, "rules.kubernetes.X001");
        assert_eq!(meta.input.kinds, Some(vec!["Service".to_string()]));
        assert_eq!(meta.params.get("limit"), Some(&serde_json::json!(3)));
    }

    #[test]
    fn requirement_lists_parse_with_duplicates_numbered() {
        let reqs = parse_requirements(
            "# T\n\n## EXI-A-1 — P — Theme\n\nText one.\n\n## EXI-A-1 — I — Other\n\nText two.\n",
        );
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[0].level, "P");
        assert_eq!(reqs[0].text, "Text one.");
        assert_eq!(reqs[1].occurrence, 2);
    }
}
