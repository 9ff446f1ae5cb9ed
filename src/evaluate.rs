//! Evaluate stage: compiles the embedded Rego rules once into a regorus engine, then evaluates
//! one document with one query covering every rule that applies to it (rules declare their
//! family and kinds in METADATA; nothing here names a rule). Each rayon worker works on its own
//! clone. It returns raw findings (rule id, path, params) and never writes user-facing words.

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;

use crate::catalog::{Catalog, Family, RULE_FILES};

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

/// A compiled rule set. Cheap to clone (regorus shares compiled modules).
#[derive(Clone)]
pub struct RuleEngine {
    engine: regorus::Engine,
    rules: Vec<RuleEntry>,
    /// Query text and rule ids per (family, kind), built on first use.
    queries: HashMap<(u8, String), (String, Vec<String>)>,
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
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: time_limit,
            check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
        });
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
        let rules = catalog
            .rego_rules()
            .filter(|r| families.contains(&r.input.family) && enabled(&r.id))
            .map(|r| RuleEntry {
                id: r.id.clone(),
                package: r.package.clone(),
                family: r.input.family.clone(),
                kinds: r.input.kinds.clone(),
            })
            .collect();
        Ok(Self {
            engine,
            rules,
            queries: HashMap::new(),
        })
    }

    fn query_for(&mut self, family: &Family, kind: &str) -> (String, Vec<String>) {
        let key = (family_key(family), kind.to_string());
        if let Some(q) = self.queries.get(&key) {
            return q.clone();
        }
        let applicable: Vec<&RuleEntry> = self
            .rules
            .iter()
            .filter(|r| &r.family == family)
            .filter(|r| {
                r.kinds
                    .as_ref()
                    .is_none_or(|kinds| kinds.iter().any(|k| k == kind))
            })
            .collect();
        let query = format!(
            "[{}]",
            applicable
                .iter()
                .map(|r| format!("data.{}.deny", r.package))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let ids = applicable.iter().map(|r| r.id.clone()).collect();
        let entry = (query, ids);
        self.queries.insert(key, entry.clone());
        entry
    }

    /// Evaluates every applicable rule on one input document.
    pub fn evaluate(
        &mut self,
        family: &Family,
        kind: &str,
        input: regorus::Value,
    ) -> Result<Vec<RawFinding>, EvaluateError> {
        let (query, ids) = self.query_for(family, kind);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.engine.set_input(input);
        let results = self
            .engine
            .eval_query(query, false)
            .map_err(|e| EvaluateError::Eval(e.to_string()))?;
        let value = results
            .result
            .first()
            .and_then(|r| r.expressions.first())
            .map(|e| e.value.clone())
            .unwrap_or(regorus::Value::Undefined);
        let json: serde_json::Value = serde_json::to_value(&value)
            .map_err(|e| EvaluateError::Eval(format!("rule output: {e}")))?;
        let mut out = Vec::new();
        if let serde_json::Value::Array(per_rule) = json {
            for (id, findings) in ids.iter().zip(per_rule) {
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
