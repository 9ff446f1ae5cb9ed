//! Evaluate stage: compiles the embedded Rego rules once into a regorus engine, then evaluates
//! one document with one entry rule covering every rule that applies to it (rules declare their
//! family and kinds in METADATA; nothing here names a rule). The entry rules are generated once
//! and evaluated with `eval_rule`, which skips the parsing and analysis a query costs on every
//! document. Each rayon worker works on its own clone. It returns raw findings (rule id, path,
//! params) and never writes user-facing words. The `regex.*` built-ins the rules use are
//! replaced by equivalent extensions that keep compiled regexes per thread (`regex_builtins`).
//!
//! regorus 0.14 also has a register VM (RVM), about four times faster on these rules, but it
//! departs from Rego semantics (an assignment of an undefined value does not fail a rule body,
//! so `else` branches are skipped and extra values appear): it must not be used here until that
//! is fixed upstream, since findings would change.

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;

use crate::catalog::{Catalog, Family, RULE_FILES};

mod regex_builtins;

/// Installs our faster `regex.*` built-ins on an engine (see `regex_builtins`); every engine
/// that evaluates the rules, the linter's and the Rego test runner's, uses them.
pub fn register_builtins(engine: &mut regorus::Engine) -> Result<(), EvaluateError> {
    regex_builtins::register(engine).map_err(|e| EvaluateError::Eval(e.to_string()))
}

/// What a rule returned: where (a path inside the input) and the message parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFinding {
    pub rule_id: String,
    pub path: Vec<serde_json::Value>,
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    #[error("rule file {file}: {message}")]
    Policy { file: String, message: String },
    #[error("{0}")]
    Eval(String),
}

#[derive(Debug, Clone)]
struct RuleEntry {
    id: String,
    package: String,
    family: Family,
    kinds: Option<Vec<String>>,
}

/// Package of the generated entry rules; no rule file may use it.
const ENTRY_PACKAGE: &str = "cct_lint_entry";

/// One entry rule: `e<n> := [data.<package>.deny, ...]` over the rules it covers.
struct Entry {
    /// `data.cct_lint_entry.e<n>`.
    path: String,
    ids: Vec<String>,
}

/// Which entry serves a document: per family, the entry of each kind some rule names, and the
/// entry of every other kind (rules without `kinds` only).
struct Entries {
    list: Vec<Entry>,
    by_kind: HashMap<(u8, String), usize>,
    other: HashMap<u8, usize>,
}

/// A compiled rule set. Cheap to clone (regorus shares compiled modules).
#[derive(Clone)]
pub struct RuleEngine {
    engine: regorus::Engine,
    entries: Arc<Entries>,
}

fn family_key(family: &Family) -> u8 {
    match family {
        Family::Dockerfile => 0,
        Family::Kubernetes => 1,
        Family::Bundle => 2,
        Family::Chart => 3,
        Family::Lint => 4,
    }
}

fn timer(limit: Duration) -> ExecutionTimerConfig {
    ExecutionTimerConfig {
        limit,
        check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
    }
}

/// Groups the rules into entries: one per distinct set of applicable rules.
fn plan_entries(rules: &[RuleEntry]) -> (Entries, String) {
    let mut list: Vec<Entry> = Vec::new();
    let mut by_kind = HashMap::new();
    let mut other = HashMap::new();
    let mut source = format!("package {ENTRY_PACKAGE}\n");
    let mut families: Vec<&Family> = Vec::new();
    for r in rules {
        if !families.contains(&&r.family) {
            families.push(&r.family);
        }
    }
    for family in families {
        let of_family: Vec<&RuleEntry> = rules.iter().filter(|r| &r.family == family).collect();
        let mut kinds: Vec<Option<&str>> = of_family
            .iter()
            .flat_map(|r| r.kinds.iter().flatten().map(|k| Some(k.as_str())))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds.push(None);
        for kind in kinds {
            let applicable: Vec<&&RuleEntry> = of_family
                .iter()
                .filter(|r| match (&r.kinds, kind) {
                    (None, _) => true,
                    (Some(ks), Some(k)) => ks.iter().any(|x| x == k),
                    (Some(_), None) => false,
                })
                .collect();
            if applicable.is_empty() {
                continue;
            }
            let ids: Vec<String> = applicable.iter().map(|r| r.id.clone()).collect();
            let index = match list.iter().position(|e| e.ids == ids) {
                Some(i) => i,
                None => {
                    let n = list.len();
                    source.push_str(&format!(
                        "\ne{n} := [{}]\n",
                        applicable
                            .iter()
                            .map(|r| format!("data.{}.deny", r.package))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    list.push(Entry {
                        path: format!("data.{ENTRY_PACKAGE}.e{n}"),
                        ids,
                    });
                    n
                }
            };
            match kind {
                Some(k) => by_kind.insert((family_key(family), k.to_string()), index),
                None => other.insert(family_key(family), index),
            };
        }
    }
    (
        Entries {
            list,
            by_kind,
            other,
        },
        source,
    )
}

impl RuleEngine {
    /// Compiles the embedded rules of the given families and the helpers. `params` replaces
    /// METADATA defaults per rule (`{"K8S020": {"allowed_registries": [...]}}`); `enabled`
    /// filters rule ids. Compiling only the families a scan needs keeps start-up short.
    pub fn new(
        catalog: &Catalog,
        params: &serde_json::Map<String, serde_json::Value>,
        enabled: &dyn Fn(&str) -> bool,
        families: &[Family],
        time_limit: Duration,
    ) -> Result<Self, EvaluateError> {
        let sources: Vec<(String, String)> = RULE_FILES
            .iter()
            .map(|(f, s)| ((*f).to_string(), (*s).to_string()))
            .collect();
        Self::from_sources(&sources, catalog, params, enabled, families, time_limit)
    }

    /// Like [`RuleEngine::new`] over explicit `(path, source)` Rego files (paths as in the
    /// registry: `rules/<family>/<ID>/<name>.rego`, `rules/lib/<name>.rego`).
    pub fn from_sources(
        sources: &[(String, String)],
        catalog: &Catalog,
        params: &serde_json::Map<String, serde_json::Value>,
        enabled: &dyn Fn(&str) -> bool,
        families: &[Family],
        time_limit: Duration,
    ) -> Result<Self, EvaluateError> {
        let mut engine = regorus::Engine::new();
        engine.set_execution_timer_config(timer(time_limit));
        register_builtins(&mut engine)?;
        let wanted: Vec<&str> = catalog
            .rego_rules()
            .filter(|r| families.contains(&r.input.family) && enabled(&r.id))
            .map(|r| r.source.as_str())
            .collect();
        for (file, source) in sources {
            if !file.ends_with(".rego") || file.ends_with("_test.rego") {
                continue;
            }
            // Helpers (no METADATA) are always loaded; rules only when wanted.
            let rule = source.contains("# METADATA");
            if rule && !wanted.contains(&file.as_str()) {
                continue;
            }
            engine
                .add_policy(file.clone(), source.clone())
                .map_err(|e| EvaluateError::Policy {
                    file: file.clone(),
                    message: e.to_string(),
                })?;
        }
        let rules: Vec<RuleEntry> = catalog
            .rego_rules()
            .filter(|r| families.contains(&r.input.family) && enabled(&r.id))
            .map(|r| RuleEntry {
                id: r.id.clone(),
                package: r.package.clone(),
                family: r.input.family.clone(),
                kinds: r.input.kinds.clone(),
            })
            .collect();
        let (entries, entry_source) = plan_entries(&rules);
        engine
            .add_policy(format!("<{ENTRY_PACKAGE}>.rego"), entry_source)
            .map_err(|e| EvaluateError::Policy {
                file: format!("<{ENTRY_PACKAGE}>"),
                message: e.to_string(),
            })?;
        let mut data = catalog.params_data();
        if let Some(all) = data.get_mut("params").and_then(|p| p.as_object_mut()) {
            for (id, overrides) in params {
                if let (Some(target), Some(over)) = (
                    all.get_mut(id).and_then(|v| v.as_object_mut()),
                    overrides.as_object(),
                ) {
                    for (k, v) in over {
                        target.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        engine
            .add_data(regorus::Value::from(data))
            .map_err(|e| EvaluateError::Eval(e.to_string()))?;
        // regorus prepares (analyses) its modules on the first evaluation; doing it here once means
        // every worker's clone starts prepared instead of paying ~10 ms each.
        engine
            .eval_query("true".to_string(), false)
            .map_err(|e| EvaluateError::Eval(e.to_string()))?;
        Ok(Self {
            engine,
            entries: Arc::new(entries),
        })
    }

    /// The entry serving documents of this family and kind, if any rule applies.
    fn entry_for(&self, family: &Family, kind: &str) -> Option<usize> {
        let key = family_key(family);
        self.entries
            .by_kind
            .get(&(key, kind.to_string()))
            .or_else(|| self.entries.other.get(&key))
            .copied()
    }

    /// Evaluates every applicable rule on one input document.
    pub fn evaluate(
        &mut self,
        family: &Family,
        kind: &str,
        input: regorus::Value,
    ) -> Result<Vec<RawFinding>, EvaluateError> {
        let Some(index) = self.entry_for(family, kind) else {
            return Ok(Vec::new());
        };
        self.engine.set_input(input);
        let value = self
            .engine
            .eval_rule(self.entries.list[index].path.clone())
            .map_err(|e| EvaluateError::Eval(e.to_string()))?;
        let json: serde_json::Value = serde_json::to_value(&value)
            .map_err(|e| EvaluateError::Eval(format!("rule output: {e}")))?;
        let mut out = Vec::new();
        if let serde_json::Value::Array(per_rule) = json {
            for (id, findings) in self.entries.list[index].ids.iter().zip(per_rule) {
                let serde_json::Value::Array(findings) = findings else {
                    continue;
                };
                for f in findings {
                    out.push(raw_finding(id, &f)?);
                }
            }
        }
        Ok(out)
    }
}

fn raw_finding(id: &str, f: &serde_json::Value) -> Result<RawFinding, EvaluateError> {
    let path = f
        .get("path")
        .and_then(|p| p.as_array())
        .cloned()
        .ok_or_else(|| {
            EvaluateError::Eval(format!("rule {id} returned a finding without `path`"))
        })?;
    let params = f
        .get("params")
        .and_then(|p| p.as_object())
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(RawFinding {
        rule_id: id.to_string(),
        path,
        params,
    })
}
