//! Evaluate stage: compiles the embedded Rego rules once, then evaluates one document with one
//! entry rule covering every rule that applies to it (rules declare their family and kinds in
//! METADATA; nothing here names a rule). Each rayon worker works on its own clone. It returns raw
//! findings (rule id, path, params) and never writes user-facing words.
//!
//! Two regorus back-ends evaluate the same compiled policy:
//! - the register VM (RVM), about four times faster: used for the embedded rules. It departs from
//!   Rego semantics in places (an assignment of an undefined value does not fail a rule body, so
//!   an `else` after it is skipped) and has no `walk` or `with`, so the test suite evaluates every
//!   fixture (rule cases, example repositories, charts) with both back-ends and requires
//!   identical findings: a rule that hits such a difference fails the suite instead of shipping.
//! - the interpreter, the reference: used when custom policies are loaded (nobody has checked
//!   them against the VM), by the Rego test runner, for small scans (compiling for the VM costs
//!   ~10 ms, more than it saves on a few documents: see `SMALL_SCAN_BYTES`), and when
//!   `CCT_LINT_REGO_ENGINE=interpreter` asks for it. There the entry rules are evaluated with
//!   `eval_rule` (no query parsing per document) and the `regex.*` built-ins are replaced by
//!   extensions that keep compiled regexes per thread (`regex_builtins`).

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;
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

/// Below this much input (and without charts, which render many documents), a scan runs on the
/// interpreter. Measured here: compiling for the VM takes ~10 ms, the VM then saves ~0.7 ms per
/// document, so it pays from about 15 documents (~30 KB of manifests). A pre-commit run on a
/// few files thus starts in ~20 ms instead of ~30.
pub const SMALL_SCAN_BYTES: u64 = 32 * 1024;

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

/// Which regorus back-end evaluates documents.
enum Backend {
    Interpreter(Box<regorus::Engine>),
    /// The VM is built on first use: it holds per-run state and is not `Clone`, so each clone
    /// (one per worker) builds its own on the shared program.
    Vm {
        program: Arc<VmProgram>,
        vm: Option<Box<RegoVM>>,
    },
}

/// What a VM is made of, shared by the clones.
struct VmProgram {
    program: Arc<Program>,
    policy: regorus::CompiledPolicy,
    data: regorus::Value,
    time_limit: Duration,
}

impl VmProgram {
    fn vm(&self) -> Result<RegoVM, EvaluateError> {
        let mut vm = RegoVM::new_with_policy(self.policy.clone());
        vm.load_program(self.program.clone());
        vm.set_data(self.data.clone())
            .map_err(|e| EvaluateError::Eval(e.to_string()))?;
        vm.set_execution_timer_config(Some(timer(self.time_limit)));
        // The time limit bounds evaluation; the VM's default instruction budget (25,000) would
        // refuse ordinary large objects (a 2,000-line ConfigMap).
        vm.set_max_instructions(usize::MAX);
        Ok(vm)
    }
}

impl Clone for Backend {
    fn clone(&self) -> Self {
        match self {
            Backend::Interpreter(engine) => Backend::Interpreter(engine.clone()),
            Backend::Vm { program, .. } => Backend::Vm {
                program: program.clone(),
                vm: None,
            },
        }
    }
}

/// A compiled rule set. Cheap to clone (compiled modules and programs are shared).
#[derive(Clone)]
pub struct RuleEngine {
    backend: Backend,
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
        Self::from_sources(
            &sources, catalog, params, enabled, families, time_limit, false,
        )
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
        small_scan: bool,
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
            .add_data(regorus::Value::from(data.clone()))
            .map_err(|e| EvaluateError::Eval(e.to_string()))?;
        let vm_program = if use_vm(sources, small_scan) && !entries.list.is_empty() {
            // A construct the VM compiler does not support (`walk`, `with`...) leaves the
            // interpreter in charge: slower, never wrong.
            vm_program(&mut engine, &entries, data, time_limit).ok()
        } else {
            None
        };
        let backend = match vm_program {
            Some(program) => Backend::Vm { program, vm: None },
            None => {
                // regorus prepares (analyses) its modules on the first evaluation; doing it here
                // once means every worker's clone starts prepared instead of paying ~10 ms each.
                engine
                    .eval_query("true".to_string(), false)
                    .map_err(|e| EvaluateError::Eval(e.to_string()))?;
                Backend::Interpreter(Box::new(engine))
            }
        };
        Ok(Self {
            backend,
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
        let path = &self.entries.list[index].path;
        let value = match &mut self.backend {
            Backend::Interpreter(engine) => {
                engine.set_input(input);
                engine.eval_rule(path.clone())
            }
            Backend::Vm { program, vm } => {
                let vm = match vm {
                    Some(vm) => vm,
                    None => vm.insert(Box::new(program.vm()?)),
                };
                vm.set_input(input);
                vm.execute_entry_point_by_name(path)
                    .map_err(|e| anyhow::anyhow!("{e}"))
            }
        }
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

/// Whether the VM evaluates these sources: only the embedded rules, which the test suite checks
/// against the interpreter, and not for a small scan, unless `CCT_LINT_REGO_ENGINE` says
/// otherwise.
fn use_vm(sources: &[(String, String)], small_scan: bool) -> bool {
    match std::env::var("CCT_LINT_REGO_ENGINE").as_deref() {
        Ok("interpreter") => false,
        Ok("vm") => true,
        _ => {
            !small_scan
                && sources.iter().all(|(file, source)| {
                    RULE_FILES
                        .iter()
                        .any(|(f, s)| *f == file.as_str() && *s == source.as_str())
                })
        }
    }
}

/// The rules compiled for the VM, every entry an entry point, and one VM built to prove it loads.
fn vm_program(
    engine: &mut regorus::Engine,
    entries: &Entries,
    data: serde_json::Value,
    time_limit: Duration,
) -> Result<Arc<VmProgram>, EvaluateError> {
    let failed = |e: &dyn std::fmt::Display| EvaluateError::Eval(format!("VM compilation: {e}"));
    let paths: Vec<&str> = entries.list.iter().map(|e| e.path.as_str()).collect();
    // regorus compiles for one entry point but keeps every module, so the program can then
    // expose all the entries.
    let first = paths.first().copied().unwrap_or_default();
    let policy = engine
        .compile_with_entrypoint(&first.into())
        .map_err(|e| failed(&e))?;
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &paths)
            .map_err(|e| failed(&e))?;
    let program = Arc::new(VmProgram {
        program,
        policy,
        data: regorus::Value::from(data),
        time_limit,
    });
    program.vm()?;
    Ok(program)
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

#[cfg(test)]
mod tests {
    use super::*;

    const FAMILIES: [Family; 4] = [
        Family::Dockerfile,
        Family::Kubernetes,
        Family::Bundle,
        Family::Chart,
    ];

    fn engine(sources: &[(String, String)], small_scan: bool) -> RuleEngine {
        let catalog = Catalog::embedded().expect("catalogue");
        RuleEngine::from_sources(
            sources,
            &catalog,
            &serde_json::Map::new(),
            &|_| true,
            &FAMILIES,
            Duration::from_secs(10),
            small_scan,
        )
        .expect("engine")
    }

    fn embedded() -> Vec<(String, String)> {
        RULE_FILES
            .iter()
            .map(|(f, s)| ((*f).to_string(), (*s).to_string()))
            .collect()
    }

    /// A built-in rule the VM cannot compile would make every scan fall back to the
    /// interpreter, four times slower, without a word: this is where it shows.
    #[test]
    fn every_built_in_rule_compiles_for_the_vm() {
        if std::env::var("CCT_LINT_REGO_ENGINE").is_ok() {
            return;
        }
        let all = engine(&embedded(), false);
        assert!(matches!(all.backend, Backend::Vm { .. }));
        let mut clone = all.clone();
        let findings = clone
            .evaluate(
                &Family::Kubernetes,
                "Pod",
                regorus::Value::from_json_str(
                    r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                        "spec": {"containers": [{"name": "c", "image": "nginx:latest"}]}}"#,
                )
                .expect("json"),
            )
            .expect("evaluates");
        assert!(findings.iter().any(|f| f.rule_id == "K8S001"));
    }

    /// The time limit holds on both back-ends: a pod with many env vars takes far longer than
    /// a microsecond to check.
    #[test]
    fn the_time_limit_stops_both_back_ends() {
        if std::env::var("CCT_LINT_REGO_ENGINE").is_ok() {
            return;
        }
        let env: Vec<serde_json::Value> = (0..2000)
            .map(|i| serde_json::json!({"name": format!("DB_PASSWORD_{i}"), "value": "10.0.0.1"}))
            .collect();
        let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "nginx:1", "env": env}]}});
        let catalog = Catalog::embedded().expect("catalogue");
        for vm in [true, false] {
            let mut engine = RuleEngine::from_sources(
                &embedded(),
                &catalog,
                &serde_json::Map::new(),
                &|_| true,
                &FAMILIES,
                Duration::from_micros(1),
                !vm,
            )
            .expect("engine");
            assert_eq!(matches!(engine.backend, Backend::Vm { .. }), vm);
            let result = engine.evaluate(
                &Family::Kubernetes,
                "Pod",
                regorus::Value::from(pod.clone()),
            );
            assert!(result.is_err(), "vm: {vm}: {result:?}");
        }
    }

    #[test]
    fn small_scans_run_on_the_interpreter() {
        if std::env::var("CCT_LINT_REGO_ENGINE").is_ok() {
            return;
        }
        let small = engine(&embedded(), true);
        assert!(matches!(small.backend, Backend::Interpreter(_)));
    }

    #[test]
    fn custom_policies_run_on_the_interpreter() {
        if std::env::var("CCT_LINT_REGO_ENGINE").is_ok() {
            return;
        }
        let mut sources = embedded();
        sources.push((
            "team/helper.rego".to_string(),
            "package team.helper\n\nx := 1\n".to_string(),
        ));
        assert!(matches!(
            engine(&sources, false).backend,
            Backend::Interpreter(_)
        ));
    }
}
