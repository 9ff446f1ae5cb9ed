//! The `.cct-lint.yaml` configuration: include/exclude globs, rules enabled or disabled,
//! severity overrides, rule params, derogations. Read with the project's YAML loader so that
//! every unknown key or bad value is an error pointing at its line in the config file. It
//! only reads the one file it is given and never looks at the scanned tree. It owns every
//! settings type of a check (scan options, Helm value sets and chart settings, the rule
//! filter of `--select`/`--ignore`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalog::{Catalog, Family, Framework, Severity};
use crate::finding::RelatedLocation;
use crate::parse::yaml::{self, Node, Value};
use crate::render;
use crate::span::Span;

/// The file name looked for at the scanned root.
pub const CONFIG_FILE_NAME: &str = ".cct-lint.yaml";

/// A derogation as written in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigDerogation {
    /// Rule ids and/or requirement ids it covers.
    pub rules: Vec<String>,
    /// Path globs (relative to the working directory); empty means everywhere.
    pub paths: Vec<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub justification: Option<String>,
    pub reference: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires: Option<String>,
    /// Where it is written in the config file.
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSettings {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    pub params: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file it was read from (display path), if any.
    pub file: Option<String>,
    pub exclude: Vec<String>,
    /// When not empty, only files matching one of these globs are checked.
    pub include: Vec<String>,
    pub dockerfile_globs: Option<Vec<String>>,
    pub max_file_size: Option<u64>,
    pub rules: BTreeMap<String, RuleSettings>,
    pub derogations: Vec<ConfigDerogation>,
    /// `false` refuses inline derogations (annotations and comments).
    pub inline_derogations: Option<bool>,
    /// Directories of custom Rego rules, resolved against the config file's folder.
    pub policies: Vec<PathBuf>,
    /// How Helm charts are rendered: Kubernetes version, value sets per chart.
    pub helm: HelmOptions,
    /// The requirement list reports speak in (`framework: beta-2024 | alpha-v4`).
    pub framework: Option<Framework>,
    /// The application's name in the audit report (`audit: {application: …}`).
    pub application: Option<String>,
}

/// A problem in the config file, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ConfigError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

struct Reader<'a> {
    file: &'a str,
    catalog: &'a Catalog,
}

impl Reader<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.file.to_string(),
            line: span.start.line.max(1),
            column: span.start.column.max(1),
            message: message.into(),
        }
    }

    fn entries<'n>(&self, node: &'n Node, what: &str) -> Result<&'n [yaml::Entry], ConfigError> {
        match &node.value {
            Value::Map(entries) => Ok(entries),
            Value::Null => Ok(&[]),
            _ => Err(self.error(node.span, format!("`{what}` must be a mapping"))),
        }
    }

    fn string(&self, node: &Node, what: &str) -> Result<String, ConfigError> {
        match &node.value {
            Value::Str(s) => Ok(s.clone()),
            Value::Int(i) => Ok(i.to_string()),
            _ => Err(self.error(node.span, format!("`{what}` must be a string"))),
        }
    }

    fn strings(&self, node: &Node, what: &str) -> Result<Vec<String>, ConfigError> {
        match &node.value {
            Value::Seq(items) => items.iter().map(|i| self.string(i, what)).collect(),
            Value::Str(s) => Ok(vec![s.clone()]),
            Value::Null => Ok(Vec::new()),
            _ => Err(self.error(node.span, format!("`{what}` must be a list of strings"))),
        }
    }

    fn check_globs(&self, node: &Node, globs: &[String]) -> Result<(), ConfigError> {
        for g in globs {
            globset::Glob::new(g)
                .map_err(|e| self.error(node.span, format!("invalid glob `{g}`: {e}")))?;
        }
        Ok(())
    }

    fn date(&self, node: &Node) -> Result<String, ConfigError> {
        let text = self.string(node, "expires")?;
        if parse_date(&text).is_none() {
            return Err(self.error(
                node.span,
                format!("`expires` must be a date YYYY-MM-DD, not `{text}`"),
            ));
        }
        Ok(text)
    }

    fn rule_id(&self, node: &Node, id: &str) -> Result<(), ConfigError> {
        if self.catalog.rule(id).is_some() || self.catalog.requirement(id).is_some() {
            Ok(())
        } else {
            Err(self.error(node.span, format!("unknown rule or requirement `{id}`")))
        }
    }

    fn rule_settings(&self, id: &str, node: &Node) -> Result<RuleSettings, ConfigError> {
        let mut settings = RuleSettings::default();
        match &node.value {
            Value::Bool(b) => {
                settings.enabled = Some(*b);
                return Ok(settings);
            }
            Value::Str(s) if s == "error" || s == "warning" || s == "note" => {
                settings.severity = Some(severity(s).unwrap_or(Severity::Error));
                return Ok(settings);
            }
            _ => {}
        }
        for entry in self.entries(node, id)? {
            match entry.key.as_str() {
                "enabled" => match entry.value.value {
                    Value::Bool(b) => settings.enabled = Some(b),
                    _ => return Err(self.error(entry.value.span, "`enabled` must be true or false")),
                },
                "severity" => {
                    let text = self.string(&entry.value, "severity")?;
                    settings.severity = Some(severity(&text).ok_or_else(|| {
                        self.error(entry.value.span, format!("severity must be error, warning or note, not `{text}`"))
                    })?);
                }
                "params" => {
                    let rule = self.catalog.rule(id);
                    for param in self.entries(&entry.value, "params")? {
                        if rule.is_some_and(|r| !r.params.contains_key(&param.key)) {
                            let known = rule
                                .map(|r| r.params.keys().cloned().collect::<Vec<_>>().join(", "))
                                .unwrap_or_default();
                            return Err(self.error(
                                param.key_span,
                                format!("rule {id} has no param `{}` (params: {known})", param.key),
                            ));
                        }
                        settings.params.insert(param.key.clone(), param.value.to_json());
                    }
                }
                other => {
                    return Err(self.error(
                        entry.key_span,
                        format!("unknown key `{other}` in rule settings (expected enabled, severity, params)"),
                    ))
                }
            }
        }
        Ok(settings)
    }

    /// An existing path named in the config, resolved against the config file's folder.
    fn existing_path(&self, node: &Node, text: &str, dir: bool) -> Result<PathBuf, ConfigError> {
        let base = Path::new(self.file).parent().unwrap_or(Path::new(""));
        let path = base.join(text);
        let ok = if dir { path.is_dir() } else { path.is_file() };
        if ok {
            Ok(path)
        } else {
            let what = if dir { "directory" } else { "file" };
            Err(self.error(
                node.span,
                format!("{what} `{text}` does not exist (paths are relative to the config file)"),
            ))
        }
    }

    fn helm(&self, node: &Node) -> Result<HelmOptions, ConfigError> {
        let mut helm = HelmOptions::default();
        for entry in self.entries(node, "helm")? {
            let v = &entry.value;
            match entry.key.as_str() {
                "kube_version" => helm.kube_version = Some(self.string(v, "kube_version")?),
                "check_test_hooks" => match v.value {
                    Value::Bool(b) => helm.check_test_hooks = b,
                    _ => return Err(self.error(v.span, "`check_test_hooks` must be true or false")),
                },
                "charts" => {
                    for chart in self.entries(v, "charts")? {
                        let path = self.existing_path(&chart.value, &chart.key, true).map_err(
                            |mut e| {
                                e.line = chart.key_span.start.line;
                                e.column = chart.key_span.start.column;
                                e
                            },
                        )?;
                        if !path.join("Chart.yaml").is_file() {
                            return Err(self.error(
                                chart.key_span,
                                format!("`{}` holds no Chart.yaml", chart.key),
                            ));
                        }
                        helm.charts.push(self.chart_settings(path, &chart.value)?);
                    }
                }
                "dependency_paths" => {
                    for text in self.strings(v, "dependency_paths")? {
                        helm.dependency_paths
                            .push(self.existing_path(v, &text, true)?);
                    }
                }
                "require_dependencies" => match v.value {
                    Value::Bool(b) => helm.require_dependencies = b,
                    _ => return Err(self.error(v.span, "require_dependencies must be true or false")),
                },
                other => {
                    return Err(self.error(
                        entry.key_span,
                        format!("unknown key `{other}` in helm (expected kube_version, check_test_hooks, charts, dependency_paths, require_dependencies)"),
                    ))
                }
            }
        }
        Ok(helm)
    }

    fn chart_settings(&self, path: PathBuf, node: &Node) -> Result<ChartSettings, ConfigError> {
        let mut chart = ChartSettings {
            path,
            ..ChartSettings::default()
        };
        for entry in self.entries(node, "chart")? {
            let v = &entry.value;
            match entry.key.as_str() {
                "release_name" => chart.release_name = Some(self.string(v, "release_name")?),
                "namespace" => chart.namespace = Some(self.string(v, "namespace")?),
                "value_sets" => {
                    for set in self.entries(v, "value_sets")? {
                        chart.value_sets.push(self.value_set(&set.key, &set.value)?);
                    }
                }
                other => {
                    return Err(self.error(
                        entry.key_span,
                        format!("unknown key `{other}` in chart settings (expected release_name, namespace, value_sets)"),
                    ))
                }
            }
        }
        Ok(chart)
    }

    /// `name: [files]` or `name: {files: [...], set: [...]}`.
    fn value_set(&self, name: &str, node: &Node) -> Result<ValueSet, ConfigError> {
        let mut set = ValueSet {
            name: name.to_string(),
            ..ValueSet::default()
        };
        let files_of = |n: &Node| -> Result<Vec<PathBuf>, ConfigError> {
            let mut out = Vec::new();
            for text in self.strings(n, "files")? {
                out.push(self.existing_path(n, &text, false)?);
            }
            Ok(out)
        };
        match &node.value {
            Value::Seq(_) | Value::Str(_) => set.files = files_of(node)?,
            Value::Map(entries) => {
                for entry in entries {
                    match entry.key.as_str() {
                        "files" => set.files = files_of(&entry.value)?,
                        "set" => set.set = self.strings(&entry.value, "set")?,
                        other => {
                            return Err(self.error(
                                entry.key_span,
                                format!("unknown key `{other}` in value set (expected files, set)"),
                            ))
                        }
                    }
                }
            }
            _ => {
                return Err(self.error(
                    node.span,
                    "a value set is a list of values files or a mapping with `files` and `set`",
                ))
            }
        }
        Ok(set)
    }

    fn derogation(&self, node: &Node) -> Result<ConfigDerogation, ConfigError> {
        let mut d = ConfigDerogation {
            rules: Vec::new(),
            paths: Vec::new(),
            kind: None,
            name: None,
            justification: None,
            reference: None,
            expires: None,
            line: node.span.start.line,
        };
        if !matches!(node.value, Value::Map(_)) {
            return Err(self.error(node.span, "a derogation must be a mapping"));
        }
        for entry in self.entries(node, "derogation")? {
            let v = &entry.value;
            match entry.key.as_str() {
                "rule" | "rules" | "requirement" | "requirements" => {
                    for id in self.strings(v, &entry.key)? {
                        self.rule_id(v, &id)?;
                        d.rules.push(id);
                    }
                }
                "paths" | "path" => {
                    d.paths = self.strings(v, "paths")?;
                    self.check_globs(v, &d.paths)?;
                }
                "kind" => d.kind = Some(self.string(v, "kind")?),
                "name" => d.name = Some(self.string(v, "name")?),
                "justification" => d.justification = Some(self.string(v, "justification")?),
                "reference" => d.reference = Some(self.string(v, "reference")?),
                "expires" => d.expires = Some(self.date(v)?),
                other => {
                    return Err(self.error(
                        entry.key_span,
                        format!("unknown key `{other}` in derogation (expected rule, requirement, paths, kind, name, justification, reference, expires)"),
                    ))
                }
            }
        }
        if d.rules.is_empty() {
            return Err(self.error(
                node.span,
                "a derogation must name a `rule` or a `requirement`",
            ));
        }
        Ok(d)
    }
}

fn severity(text: &str) -> Option<Severity> {
    match text {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "note" => Some(Severity::Note),
        _ => None,
    }
}

/// Parses `YYYY-MM-DD` into days since 1970-01-01.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some()
        || text.len() != 10
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    // Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today as days since 1970-01-01; `CCT_LINT_TODAY=YYYY-MM-DD` overrides it (tests, reruns).
pub fn today() -> i64 {
    if let Some(d) = std::env::var("CCT_LINT_TODAY")
        .ok()
        .and_then(|t| parse_date(&t))
    {
        return d;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .unwrap_or(0)
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path, display: &str, catalog: &Catalog) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: display.to_string(),
            line: 1,
            column: 1,
            message: format!("cannot read: {e}"),
        })?;
        Self::parse(&text, display, catalog)
    }

    /// Parses config text; `file` names it in errors.
    pub fn parse(text: &str, file: &str, catalog: &Catalog) -> Result<Self, ConfigError> {
        let reader = Reader { file, catalog };
        let stream = yaml::load(text, yaml::Limits::default());
        if let Some(e) = stream.errors.first() {
            return Err(reader.error(e.span, e.message.clone()));
        }
        let mut config = Config {
            file: Some(file.to_string()),
            ..Config::default()
        };
        let Some(doc) = stream.documents.first() else {
            return Ok(config);
        };
        for entry in reader.entries(&doc.root, "configuration")? {
            let v = &entry.value;
            match entry.key.as_str() {
                "exclude" => {
                    config.exclude = reader.strings(v, "exclude")?;
                    reader.check_globs(v, &config.exclude)?;
                }
                "include" => {
                    config.include = reader.strings(v, "include")?;
                    reader.check_globs(v, &config.include)?;
                }
                "dockerfiles" => {
                    let globs = reader.strings(v, "dockerfiles")?;
                    reader.check_globs(v, &globs)?;
                    config.dockerfile_globs = Some(globs);
                }
                "max_file_size" => match v.value {
                    Value::Int(n) if n > 0 => config.max_file_size = Some(n as u64),
                    _ => return Err(reader.error(v.span, "`max_file_size` must be a positive number of bytes")),
                },
                "policies" => {
                    for dir in reader.strings(v, "policies")? {
                        config.policies.push(reader.existing_path(v, &dir, true)?);
                    }
                }
                "helm" => config.helm = reader.helm(v)?,
                "framework" => {
                    let text = reader.string(v, "framework")?;
                    config.framework = Some(Framework::parse(&text).ok_or_else(|| {
                        reader.error(v.span, format!("framework must be beta-2024 or alpha-v4, not `{text}`"))
                    })?);
                }
                "audit" => {
                    for field in reader.entries(v, "audit")? {
                        match field.key.as_str() {
                            "application" => {
                                config.application = Some(reader.string(&field.value, "application")?)
                            }
                            other => {
                                return Err(reader.error(
                                    field.key_span,
                                    format!("unknown key `{other}` in `audit` (expected application)"),
                                ))
                            }
                        }
                    }
                }
                "inline_derogations" => match v.value {
                    Value::Bool(b) => config.inline_derogations = Some(b),
                    _ => return Err(reader.error(v.span, "`inline_derogations` must be true or false")),
                },
                "rules" => {
                    for rule in reader.entries(v, "rules")? {
                        if catalog.rule(&rule.key).is_none() {
                            return Err(reader.error(rule.key_span, format!("unknown rule `{}`", rule.key)));
                        }
                        let settings = reader.rule_settings(&rule.key, &rule.value)?;
                        config.rules.insert(rule.key.clone(), settings);
                    }
                }
                "derogations" => match &v.value {
                    Value::Seq(items) => {
                        for item in items {
                            config.derogations.push(reader.derogation(item)?);
                        }
                    }
                    Value::Null => {}
                    _ => return Err(reader.error(v.span, "`derogations` must be a list")),
                },
                other => {
                    return Err(reader.error(
                        entry.key_span,
                        format!("unknown key `{other}` (expected include, exclude, dockerfiles, max_file_size, inline_derogations, policies, helm, framework, audit, rules, derogations)"),
                    ))
                }
            }
        }
        Ok(config)
    }

    pub fn enabled(&self, id: &str) -> bool {
        self.rules.get(id).and_then(|r| r.enabled).unwrap_or(true)
    }

    pub fn severity_overrides(&self) -> BTreeMap<String, Severity> {
        self.rules
            .iter()
            .filter_map(|(id, r)| r.severity.map(|s| (id.clone(), s)))
            .collect()
    }

    pub fn params(&self) -> serde_json::Map<String, serde_json::Value> {
        self.rules
            .iter()
            .filter(|(_, r)| !r.params.is_empty())
            .map(|(id, r)| (id.clone(), serde_json::Value::Object(r.params.clone())))
            .collect()
    }
}

/// The commented starter file written by `cct-lint init`.
pub const STARTER: &str = r#"# cct-lint configuration. Every key is optional; `cct-lint explain ID` documents each rule.

# Requirement ids the reports lead with and count by: beta-2024 (EXI-*, default) or alpha-v4
# (EX*, the older list still cited in tenders). Both ids are always in SARIF and JSON.
# framework: beta-2024

# The application's name in the audit report (default: the scanned folder's name).
# audit:
#   application: registre-associations

# Only these paths are checked (globs, relative to the scanned directory); default: everything.
# include: ["deploy/**", "**/Dockerfile*", "charts/**"]

# Paths (globs, relative to the scanned directory) left out of the scan, on top of .gitignore.
exclude:
  - "**/testdata/**"

# Dockerfile name patterns (default shown).
# dockerfiles: ["Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile", "Containerfile.*", "*.containerfile"]

# Files larger than this are reported (LNT006) instead of read.
# max_file_size: 8388608

# Helm charts are rendered in-process. By default each chart is rendered once with its own
# values.yaml; name value sets to render and check it once per environment (paths relative
# to this file; findings say which set they come from).
# helm:
#   kube_version: v1.31.0
#   # Dependencies missing from charts/ are searched offline: `file://` repository, charts of
#   # the scanned tree, these folders (chart dirs or NAME-VERSION.tgz), Helm's repository cache.
#   dependency_paths: [vendor/charts]
#   require_dependencies: false   # true: a dependency found nowhere is an error (LNT017)
#   charts:
#     deploy/chart:
#       release_name: my-app
#       namespace: my-app
#       value_sets:
#         dev: [deploy/values-dev.yaml]
#         prod:
#           files: [deploy/values-prod.yaml]
#           set: ["replicaCount=3"]

# Per-rule settings: `false` disables a rule, a severity overrides it, params tune it
# (`cct-lint explain ID` lists a rule's params and defaults).
rules:
  # K8S012: false
  # K8S023: note
  # K8S020:
  #   params:
  #     allowed_prefixes: ["harbor.io/", "docker.io/bitnami/"]

# Directories of the team's own Rego rules (same METADATA contract as the built-in ones).
# policies: ["policies/"]

# Set to false to refuse inline derogations (annotations and comments) in CI.
# inline_derogations: true

# Derogations granted by the homologation authority. A derogated finding is reported as
# suppressed and does not fail the gate; past its expiry date it fails again and the expired
# derogation is reported. A derogation that matches nothing is reported as unused.
derogations:
  # - rule: K8S004                 # or requirement: EXI-ARCH-26
  #   paths: ["deploy/monitoring/**"]
  #   kind: DaemonSet              # optional
  #   name: node-exporter          # optional
  #   justification: "Node metrics need hostPID; accepted by the security officer"
  #   reference: "DEC-2026-014"
  #   expires: 2027-06-30
"#;

#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads; 0 lets rayon choose.
    pub threads: usize,
    pub max_file_size: u64,
    pub yaml_limits: yaml::Limits,
    /// Severity per rule id, replacing the catalogue's default.
    pub severity_overrides: BTreeMap<String, Severity>,
    /// Group objects per folder and evaluate the bundle (APP) rules.
    pub bundles: bool,
    /// How Helm charts are rendered (value sets, Kubernetes version).
    pub helm: HelmOptions,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            threads: 0,
            max_file_size: 8 * 1024 * 1024,
            yaml_limits: yaml::Limits::default(),
            severity_overrides: BTreeMap::new(),
            bundles: true,
            helm: HelmOptions::default(),
        }
    }
}

/// How charts are rendered: from the config file (`helm:`) and `--values CHART=FILE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelmOptions {
    /// `.Capabilities.KubeVersion` (Helm v4's default when absent).
    pub kube_version: Option<String>,
    pub charts: Vec<ChartSettings>,
    /// Check Helm test hooks too (left out by default: Argo CD never syncs them).
    pub check_test_hooks: bool,
    /// Folders holding chart directories or `NAME-VERSION.tgz` archives, searched for
    /// dependencies that charts/ lacks (before Helm's repository cache).
    pub dependency_paths: Vec<PathBuf>,
    /// A dependency found nowhere is an error instead of a warning (LNT017).
    pub require_dependencies: bool,
    /// Where dependencies are searched: filled by the scan from the scanned tree, the
    /// configured folders and Helm's repository cache.
    pub dependency_search: Arc<render::chart::DependencySearch>,
}

impl HelmOptions {
    pub(crate) fn settings_for(&self, chart: &Path) -> Option<&ChartSettings> {
        let wanted = std::fs::canonicalize(chart).unwrap_or_else(|_| chart.to_path_buf());
        self.charts
            .iter()
            .find(|c| std::fs::canonicalize(&c.path).unwrap_or_else(|_| c.path.clone()) == wanted)
    }
}

/// Settings of one chart directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartSettings {
    pub path: PathBuf,
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    /// Each set is rendered and checked on its own; none means the chart's defaults only.
    pub value_sets: Vec<ValueSet>,
}

/// Values files and `--set` overrides applied on top of the chart's values.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueSet {
    pub name: String,
    pub files: Vec<PathBuf>,
    pub set: Vec<String>,
    /// Inline values merged after the files (`(name, YAML text)`: an Application's
    /// `helm.values` or `helm.valuesObject`).
    pub inline_values: Vec<(String, String)>,
    /// `--set-string` overrides, after `set`.
    pub set_string: Vec<String>,
    /// Release name and namespace of this set (else the chart's settings).
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    /// The Argo CD Application this set comes from (findings name it as related location).
    pub application: Option<RelatedLocation>,
}

/// Which rules `--select` and `--ignore` leave in.
#[derive(Debug, Clone, Default)]
pub struct RuleFilter {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl RuleFilter {
    /// Each entry is a rule id or an id prefix (upper-cased); one that names no rule of the
    /// catalogue is a usage error.
    pub fn new(select: &[String], ignore: &[String], catalog: &Catalog) -> Result<Self, String> {
        let clean = |flag: &str, list: &[String]| -> Result<Vec<String>, String> {
            let mut out = Vec::new();
            for entry in list {
                let id = entry.trim().to_ascii_uppercase();
                if id.is_empty() {
                    continue;
                }
                if !catalog.rules.keys().any(|r| r.starts_with(&id)) {
                    return Err(format!(
                        "{flag}: `{entry}` names no rule (see `cct-lint rules`)"
                    ));
                }
                out.push(id);
            }
            Ok(out)
        };
        Ok(Self {
            select: clean("--select", select)?,
            ignore: clean("--ignore", ignore)?,
        })
    }

    fn matches(list: &[String], id: &str) -> bool {
        list.iter().any(|p| id.starts_with(p.as_str()))
    }

    /// Whether findings of rule `id` are kept (and the rule evaluated).
    pub fn allows(&self, catalog: &Catalog, id: &str) -> bool {
        if Self::matches(&self.ignore, id) {
            return false;
        }
        let lint = catalog
            .rule(id)
            .is_some_and(|r| r.input.family == Family::Lint);
        self.select.is_empty() || lint || Self::matches(&self.select, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_and_ignore_take_ids_and_prefixes_and_keep_lint_diagnostics() {
        let catalog = Catalog::embedded().expect("catalogue");
        let f = RuleFilter::new(&["k8s00".into()], &["K8S003".into()], &catalog).expect("valid");
        assert!(f.allows(&catalog, "K8S001"));
        assert!(!f.allows(&catalog, "K8S003"));
        assert!(!f.allows(&catalog, "K8S010"));
        assert!(!f.allows(&catalog, "DF001"));
        assert!(f.allows(&catalog, "LNT001"));
        let g = RuleFilter::new(&[], &["LNT016".into(), "DF".into()], &catalog).expect("valid");
        assert!(!g.allows(&catalog, "LNT016"));
        assert!(!g.allows(&catalog, "DF004"));
        assert!(g.allows(&catalog, "K8S010"));
        assert!(RuleFilter::new(&["K9S001".into()], &[], &catalog)
            .unwrap_err()
            .contains("names no rule"));
    }

    fn catalog() -> Catalog {
        Catalog::embedded().expect("catalog")
    }

    #[test]
    fn the_starter_file_is_valid() {
        let c = Config::parse(STARTER, ".cct-lint.yaml", &catalog()).expect("valid starter");
        assert_eq!(c.exclude, vec!["**/testdata/**".to_string()]);
    }

    #[test]
    fn reads_rules_and_derogations() {
        let text = "rules:\n  K8S012: false\n  K8S023: note\n  K8S001:\n    severity: warning\nderogations:\n  - rule: K8S004\n    paths: [deploy/**]\n    justification: needed\n    expires: 2027-06-30\n";
        let c = Config::parse(text, "c.yaml", &catalog()).expect("valid");
        assert!(!c.enabled("K8S012"));
        assert!(c.enabled("K8S001"));
        assert_eq!(c.severity_overrides().get("K8S023"), Some(&Severity::Note));
        assert_eq!(
            c.severity_overrides().get("K8S001"),
            Some(&Severity::Warning)
        );
        assert_eq!(c.derogations.len(), 1);
        assert_eq!(c.derogations[0].line, 7);
        assert_eq!(c.derogations[0].expires.as_deref(), Some("2027-06-30"));
    }

    #[test]
    fn errors_point_at_the_line() {
        let cat = catalog();
        let cases = [
            (
                "exclude: []\nfrobnicate: 1\n",
                2,
                "unknown key `frobnicate`",
            ),
            ("rules:\n  K8S999: false\n", 2, "unknown rule `K8S999`"),
            (
                "rules:\n  K8S001:\n    severity: fatal\n",
                3,
                "severity must be",
            ),
            (
                "derogations:\n  - rule: K8S001\n    expires: soon\n",
                3,
                "must be a date",
            ),
            (
                "derogations:\n  - justification: x\n",
                2,
                "must name a `rule`",
            ),
            (
                "derogations:\n  - rule: K8S001\n    colour: red\n",
                3,
                "unknown key `colour`",
            ),
            (
                "rules:\n  K8S001:\n    params:\n      nope: 1\n",
                4,
                "has no param `nope`",
            ),
        ];
        for (text, line, message) in cases {
            let e = Config::parse(text, "c.yaml", &cat).expect_err(text);
            assert_eq!(e.line, line, "{text}: {e}");
            assert!(e.message.contains(message), "{text}: {e}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("2026-11-22"), Some(20_779));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("26-1-1"), None);
    }
}
