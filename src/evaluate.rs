//! Evaluate stage: loads the embedded rules (compiled for the VM by build.rs, so no Rego is parsed
//! at start-up) or compiles the given Rego once, then evaluates one document with one entry rule
//! covering every rule that applies to it (rules declare their family and kinds in METADATA;
//! nothing here names a rule; the plan is src/evaluate/plan.rs). Clones are cheap and shared by
//! the workers; on the VM each thread evaluates on a VM and a copy of the program of its own
//! (see `VmProgram`). It returns raw findings (rule id, path, params) and never writes
//! user-facing words.
//!
//! Two regorus back-ends evaluate the same compiled policy:
//! - the register VM (RVM), about four times faster: used for the embedded rules. It departs from
//!   Rego semantics in places (an assignment of an undefined value does not fail a rule body, so
//!   an `else` after it is skipped) and has no `walk` or `with`, so the test suite evaluates every
//!   fixture (rule cases, example repositories, charts) with both back-ends and requires
//!   identical findings: a rule that hits such a difference fails the suite instead of shipping.
//! - the interpreter, the reference: used when custom policies are loaded (nobody has checked
//!   them against the VM), by the Rego test runner, for small scans when the rules must be
//!   compiled at run time (see `SMALL_SCAN_BYTES`), and when
//!   `CCT_LINT_REGO_ENGINE=interpreter` asks for it (`vm-compile` compiles for the VM at run time
//!   instead of loading build.rs's program, to compare the two). There the entry rules are evaluated with
//!   `eval_rule` (no query parsing per document) and the `regex.*` built-ins are replaced by
//!   extensions that keep compiled regexes per thread (`regex_builtins`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use regorus::rvm::program::{DeserializationResult, Program};
use regorus::rvm::vm::RegoVM;
use regorus::utils::limits::ExecutionTimerConfig;

use crate::catalog::{Catalog, Family, RULE_FILES};

pub mod plan;
mod regex_builtins;

use plan::{plan_entries, Entries, PlannedRule, ENTRY_PACKAGE, FAMILY_NAMES};

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

/// When the rules must be compiled at run time (the program compiled by build.rs does not
/// serve), below this much input (and without charts, which render many documents) a scan runs
/// on the interpreter. Measured here: compiling for the VM takes ~10 ms, the VM then saves
/// ~0.7 ms per document, so it pays from about 15 documents (~30 KB of manifests).
pub const SMALL_SCAN_BYTES: u64 = 32 * 1024;

/// Which regorus back-end evaluates documents.
#[derive(Clone)]
enum Backend {
    Interpreter(Box<regorus::Engine>),
    /// Each thread evaluates on a VM of its own, kept in `THREAD_VM` (a VM holds per-run state
    /// and is not `Clone`).
    Vm(Arc<VmProgram>),
}

/// What the VMs are made of. regorus values share their contents through atomic reference
/// counts, and the VM clones literals and data on nearly every instruction: two threads on one
/// program bounce those counters' cache lines between the cores (measured on the findings-dense
/// corpus: 38% more CPU on two threads than on one). So the first VM runs on the program as
/// loaded, and every other VM on a copy of its own, deserialized (about 0.7 ms), with data of
/// its own. (regorus's VM keeps a `CompiledPolicy` only to hand it back; evaluation needs the
/// program alone, so a deserialized one is complete.)
struct VmProgram {
    /// Unique in the process: tells whether a thread's VM runs this program.
    id: u64,
    program: Arc<Program>,
    /// Whether a VM runs on `program` itself already.
    program_taken: AtomicBool,
    /// `program` serialized, to make the copies.
    serialized: Cow<'static, [u8]>,
    data: serde_json::Value,
    /// The rules' constants, evaluated by each VM once it has its data (see `with_constants`).
    constants: Vec<plan::Constant>,
    time_limit: Duration,
}

thread_local! {
    /// This thread's VM and the id of the program it runs: one, since a scan uses one program.
    static THREAD_VM: RefCell<Option<(u64, Box<RegoVM>)>> = const { RefCell::new(None) };
}

impl VmProgram {
    fn new(
        program: Arc<Program>,
        serialized: Cow<'static, [u8]>,
        data: serde_json::Value,
        constants: Vec<plan::Constant>,
        time_limit: Duration,
    ) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            program,
            program_taken: AtomicBool::new(false),
            serialized,
            data,
            constants,
            time_limit,
        }
    }

    /// A VM on the program itself for the first caller, on a copy for every other.
    fn vm(&self) -> Result<RegoVM, EvaluateError> {
        self.vm_on(if self.program_taken.swap(true, Ordering::Relaxed) {
            self.copy()
        } else {
            self.program.clone()
        })
    }

    fn vm_on(&self, program: Arc<Program>) -> Result<RegoVM, EvaluateError> {
        let failed = |e: regorus::rvm::vm::VmError| EvaluateError::Eval(e.to_string());
        let mut vm = RegoVM::new();
        vm.load_program(program);
        let data = regorus::Value::from(self.data.clone());
        vm.set_data(data.clone()).map_err(failed)?;
        vm.set_execution_timer_config(Some(timer(self.time_limit)));
        // The time limit bounds evaluation; the VM's default instruction budget (25,000) would
        // refuse ordinary large objects (a 2,000-line ConfigMap).
        vm.set_max_instructions(usize::MAX);
        if !self.constants.is_empty() {
            let data = self.with_constants(&mut vm, data);
            vm.set_data(data).map_err(failed)?;
        }
        Ok(vm)
    }

    /// `data` with `cct_lint_constants`: for each rule with constants, their values as this
    /// VM computes them, beside the `params` they were computed from (a rule reads them only
    /// while its `data.params` is still those: a Rego test's `with data.params…` is not).
    /// Computed on each VM, so no two threads share them. A constant that does not evaluate
    /// is left out: the rule computes it on every document, as without constants.
    fn with_constants(&self, vm: &mut RegoVM, mut data: regorus::Value) -> regorus::Value {
        let key = |s: &str| regorus::Value::from(s);
        let mut constants = BTreeMap::new();
        for c in &self.constants {
            vm.set_input(regorus::Value::new_object());
            let Ok(value) = vm.execute_entry_point_by_name(&c.path) else {
                continue;
            };
            if value == regorus::Value::Undefined {
                continue;
            }
            let of_rule = constants.entry(key(&c.id)).or_insert_with(|| {
                BTreeMap::from([(key("params"), data[&key("params")][&key(&c.id)].clone())])
            });
            of_rule.insert(key(&c.name), value);
        }
        let constants: BTreeMap<regorus::Value, regorus::Value> = constants
            .into_iter()
            .map(|(id, of_rule)| (id, regorus::Value::from(of_rule)))
            .collect();
        if let Ok(top) = data.as_object_mut() {
            top.insert(key(plan::CONSTANTS_KEY), regorus::Value::from(constants));
        }
        data
    }

    /// A copy of the program sharing nothing with it; the program itself if it cannot be made
    /// (slower on two threads, never wrong).
    fn copy(&self) -> Arc<Program> {
        match Program::deserialize_binary(&self.serialized) {
            Ok(DeserializationResult::Complete(program)) => Arc::new(program),
            _ => self.program.clone(),
        }
    }

    /// Runs `f` on this thread's VM for this program, built on first use.
    fn with_vm<T>(&self, f: impl FnOnce(&mut RegoVM) -> T) -> Result<T, EvaluateError> {
        // Taken out while in use, so a nested call (there is none) would build its own.
        let mut vm = match THREAD_VM.with(|slot| slot.borrow_mut().take()) {
            Some((id, vm)) if id == self.id => vm,
            _ => Box::new(self.vm()?),
        };
        let out = f(&mut vm);
        THREAD_VM.with(|slot| *slot.borrow_mut() = Some((self.id, vm)));
        Ok(out)
    }
}

/// A compiled rule set. Cheap to clone (compiled modules and programs are shared).
#[derive(Clone)]
pub struct RuleEngine {
    backend: Backend,
    entries: Arc<Entries>,
    /// Rules the program holds but the scan does not want (the program compiled ahead of time
    /// holds every embedded rule): their findings are dropped.
    unwanted: Arc<HashSet<String>>,
}

/// The embedded rules compiled for the VM by build.rs, every family, with the entry rules of
/// `plan_entries` over them (the Rego source of those entries beside it, to check that the plan
/// made now is the one compiled). Empty when build.rs could not compile them.
static PREBUILT_PROGRAM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rules.rvm"));
static PREBUILT_ENTRIES: &str = include_str!(concat!(env!("OUT_DIR"), "/rules.entries.rego"));

fn planned(rule: &crate::catalog::RuleMeta) -> PlannedRule {
    PlannedRule {
        id: rule.id.clone(),
        package: rule.package.clone(),
        family: family_key(&rule.input.family),
        kinds: rule.input.kinds.clone(),
        constants: rule.constants.clone(),
    }
}

fn family_key(family: &Family) -> u8 {
    let name = match family {
        Family::Dockerfile => "dockerfile",
        Family::Kubernetes => "kubernetes",
        Family::Bundle => "bundle",
        Family::Chart => "chart",
        Family::Lint => "lint",
    };
    FAMILY_NAMES
        .iter()
        .position(|n| *n == name)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(u8::MAX)
}

fn timer(limit: Duration) -> ExecutionTimerConfig {
    ExecutionTimerConfig {
        limit,
        check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
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
        let data = params_data(catalog, params);
        if let Some(engine) = Self::prebuilt(
            sources, catalog, enabled, families, &data, time_limit, small_scan,
        ) {
            return Ok(engine);
        }
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
        let rules: Vec<PlannedRule> = catalog
            .rego_rules()
            .filter(|r| families.contains(&r.input.family) && enabled(&r.id))
            .map(planned)
            .collect();
        let (entries, entry_source) = plan_entries(&rules);
        engine
            .add_policy(format!("<{ENTRY_PACKAGE}>.rego"), entry_source)
            .map_err(|e| EvaluateError::Policy {
                file: format!("<{ENTRY_PACKAGE}>"),
                message: e.to_string(),
            })?;
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
            Some(program) => Backend::Vm(program),
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
            unwanted: Arc::default(),
        })
    }

    /// The program build.rs compiled, when the sources are the embedded rules, the VM is not
    /// ruled out, and the plan made now over every rule is the one compiled. Parsing and
    /// compiling the rules is most of a small check's start-up; this skips both.
    fn prebuilt(
        sources: &[(String, String)],
        catalog: &Catalog,
        enabled: &dyn Fn(&str) -> bool,
        families: &[Family],
        data: &serde_json::Value,
        time_limit: Duration,
        small_scan: bool,
    ) -> Option<Self> {
        let compile_now = std::env::var("CCT_LINT_REGO_ENGINE").as_deref() == Ok("vm-compile");
        if PREBUILT_PROGRAM.is_empty() || compile_now || !use_vm(sources, false) {
            return None;
        }
        let rules: Vec<PlannedRule> = catalog.rego_rules().map(planned).collect();
        let (entries, entry_source) = plan_entries(&rules);
        if entry_source != PREBUILT_ENTRIES {
            return None;
        }
        let program = match Program::deserialize_binary(PREBUILT_PROGRAM).ok()? {
            DeserializationResult::Complete(program) => program,
            DeserializationResult::Partial(_) => return None,
        };
        let program = Arc::new(VmProgram::new(
            Arc::new(program),
            Cow::Borrowed(PREBUILT_PROGRAM),
            data.clone(),
            constants_worth_it(&entries, families, small_scan),
            time_limit,
        ));
        let unwanted = catalog
            .rego_rules()
            .filter(|r| !enabled(&r.id))
            .map(|r| r.id.clone())
            .collect();
        Some(Self {
            backend: Backend::Vm(program),
            entries: Arc::new(entries),
            unwanted: Arc::new(unwanted),
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
            Backend::Vm(program) => program.with_vm(|vm| {
                vm.set_input(input);
                vm.execute_entry_point_by_name(path)
                    .map_err(|e| anyhow::anyhow!("{e}"))
            })?,
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
                if self.unwanted.contains(id) {
                    continue;
                }
                for f in findings {
                    out.push(raw_finding(id, &f)?);
                }
            }
        }
        Ok(out)
    }
}

/// The constants a VM should compute: those of the families scanned, and none for a small
/// scan, where computing them all would cost more than the few documents save (a Dockerfile
/// check paid 1.5 M instructions, 9 %, for the Kubernetes rules' constants).
fn constants_worth_it(
    entries: &Entries,
    families: &[Family],
    small_scan: bool,
) -> Vec<plan::Constant> {
    if small_scan {
        return Vec::new();
    }
    let wanted: Vec<u8> = families.iter().map(family_key).collect();
    entries
        .constants
        .iter()
        .filter(|c| wanted.contains(&c.family))
        .cloned()
        .collect()
}

/// `data.params`: each rule's METADATA defaults, with the configuration's values over them.
fn params_data(
    catalog: &Catalog,
    params: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
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
    data
}

/// Whether the VM evaluates these sources: only the embedded rules, which the test suite checks
/// against the interpreter, and not for a small scan, unless `CCT_LINT_REGO_ENGINE` says
/// otherwise.
fn use_vm(sources: &[(String, String)], small_scan: bool) -> bool {
    match std::env::var("CCT_LINT_REGO_ENGINE").as_deref() {
        Ok("interpreter") => false,
        Ok("vm" | "vm-compile") => true,
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
    let paths = entries.compiled_paths();
    // regorus compiles for one entry point but keeps every module, so the program can then
    // expose all the entries.
    let first = paths.first().copied().unwrap_or_default();
    let policy = engine
        .compile_with_entrypoint(&first.into())
        .map_err(|e| failed(&e))?;
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&policy, &paths)
            .map_err(|e| failed(&e))?;
    let serialized = program.serialize_binary().map_err(|e| failed(&e))?;
    let program = Arc::new(VmProgram::new(
        program,
        Cow::Owned(serialized),
        data,
        entries.constants.clone(),
        time_limit,
    ));
    program.vm_on(program.program.clone())?;
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
        assert!(matches!(all.backend, Backend::Vm(_)));
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
        // Custom sources (one more helper file) run on the interpreter.
        let mut custom = embedded();
        custom.push((
            "team/helper.rego".into(),
            "package team.helper\n\nx := 1\n".into(),
        ));
        for (vm, sources) in [(true, embedded()), (false, custom)] {
            let mut engine = RuleEngine::from_sources(
                &sources,
                &catalog,
                &serde_json::Map::new(),
                &|_| true,
                &FAMILIES,
                Duration::from_micros(1),
                false,
            )
            .expect("engine");
            assert_eq!(matches!(engine.backend, Backend::Vm(_)), vm);
            let result = engine.evaluate(
                &Family::Kubernetes,
                "Pod",
                regorus::Value::from(pod.clone()),
            );
            assert!(result.is_err(), "vm: {vm}: {result:?}");
        }
    }

    /// The embedded rules start from the program build.rs compiled, small scans included (no
    /// Rego is parsed at start-up); a rule the configuration turns off is still in that program,
    /// and its findings are dropped, as when it is left out of a program compiled now.
    #[test]
    fn the_embedded_rules_start_from_the_program_compiled_at_build_time() {
        if std::env::var("CCT_LINT_REGO_ENGINE").is_ok() {
            return;
        }
        assert!(!PREBUILT_PROGRAM.is_empty(), "build.rs compiled no program");
        let catalog = Catalog::embedded().expect("catalogue");
        let pod = || {
            regorus::Value::from_json_str(
                r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                    "spec": {"containers": [{"name": "c", "image": "nginx:latest"}]}}"#,
            )
            .expect("json")
        };
        let mut custom = embedded();
        custom.push((
            "team/helper.rego".into(),
            "package team.helper\n\nx := 1\n".into(),
        ));
        for (sources, prebuilt) in [(embedded(), true), (custom, false)] {
            for (enabled, fires) in [(true, true), (false, false)] {
                let mut engine = RuleEngine::from_sources(
                    &sources,
                    &catalog,
                    &serde_json::Map::new(),
                    &|id| enabled || id != "K8S001",
                    &FAMILIES,
                    Duration::from_secs(10),
                    true,
                )
                .expect("engine");
                assert_eq!(!engine.unwanted.is_empty(), prebuilt && !enabled);
                assert_eq!(matches!(engine.backend, Backend::Vm(_)), prebuilt);
                let findings = engine
                    .evaluate(&Family::Kubernetes, "Pod", pod())
                    .expect("evaluates");
                assert_eq!(
                    findings.iter().any(|f| f.rule_id == "K8S001"),
                    fires,
                    "prebuilt: {prebuilt}, enabled: {enabled}"
                );
                assert!(findings.iter().any(|f| f.rule_id != "K8S001"));
            }
        }
    }

    /// Only the first VM runs on the program as loaded; the others run on copies sharing
    /// nothing with it (sharing costs ~40% more CPU on two threads), and a copy that cannot be
    /// made falls back to sharing.
    #[test]
    fn every_vm_after_the_first_runs_on_a_copy_of_the_program() {
        if std::env::var("CCT_LINT_REGO_ENGINE").is_ok() {
            return;
        }
        let engine = engine(&embedded(), false);
        let Backend::Vm(program) = &engine.backend else {
            panic!("the embedded rules run on the VM");
        };
        assert!(!program.program_taken.load(Ordering::Relaxed));
        program.vm().expect("first VM");
        assert!(program.program_taken.load(Ordering::Relaxed));
        let copy = program.copy();
        assert!(!Arc::ptr_eq(&copy, &program.program));
        assert_eq!(copy.entry_points, program.program.entry_points);
        // A VM on the copy finds what one on the program finds.
        let pod = regorus::Value::from_json_str(
            r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                "spec": {"containers": [{"name": "c", "image": "nginx:latest"}]}}"#,
        )
        .expect("json");
        let index = engine
            .entry_for(&Family::Kubernetes, "Pod")
            .expect("Pod rules");
        let entry = &engine.entries.list[index].path;
        let findings = |on: Arc<Program>| {
            let mut vm = program.vm_on(on).expect("vm");
            vm.set_input(pod.clone());
            vm.execute_entry_point_by_name(entry).expect("evaluates")
        };
        let on_copy = findings(copy);
        assert_eq!(on_copy, findings(program.program.clone()));
        assert_ne!(on_copy, regorus::Value::Undefined);
        let unreadable = VmProgram::new(
            program.program.clone(),
            Cow::Borrowed(b"not a program"),
            serde_json::json!({}),
            Vec::new(),
            Duration::from_secs(1),
        );
        assert!(Arc::ptr_eq(&unreadable.copy(), &unreadable.program));
    }

    /// A rule's constants are computed once per VM from the scan's parameters, and the rule
    /// reads the stored value only while the parameters beside it are its own.
    #[test]
    fn constants_are_computed_once_and_read_while_the_parameters_match() {
        if std::env::var("CCT_LINT_REGO_ENGINE").is_ok() {
            return;
        }
        let catalog = Catalog::embedded().expect("catalogue");
        let key = |s: &str| regorus::Value::from(s);
        let pod = regorus::Value::from_json_str(
            r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}"#,
        )
        .expect("json");
        let k8s020 = |engine: &RuleEngine, data: Option<regorus::Value>| {
            let Backend::Vm(program) = &engine.backend else {
                panic!("the embedded rules run on the VM");
            };
            let mut vm = program.vm_on(program.program.clone()).expect("vm");
            if let Some(data) = data {
                vm.set_data(data).expect("data");
            }
            let index = engine
                .entry_for(&Family::Kubernetes, "Pod")
                .expect("Pod rules");
            let position = engine.entries.list[index]
                .ids
                .iter()
                .position(|id| id == "K8S020");
            vm.set_input(pod.clone());
            let out = vm
                .execute_entry_point_by_name(&engine.entries.list[index].path)
                .expect("evaluates");
            out[position.expect("K8S020 serves Pods")] != regorus::Value::new_set()
        };
        let params = serde_json::json!({"K8S020": {"allowed_prefixes": ["harbor.example/"]}});
        for (params, fires, prefix) in [
            (serde_json::Map::new(), false, "docker.io/"),
            (
                params.as_object().cloned().unwrap_or_default(),
                true,
                "harbor.example/",
            ),
        ] {
            let engine = RuleEngine::from_sources(
                &embedded(),
                &catalog,
                &params,
                &|_| true,
                &FAMILIES,
                Duration::from_secs(10),
                false,
            )
            .expect("engine");
            let Backend::Vm(program) = &engine.backend else {
                panic!("the embedded rules run on the VM");
            };
            let mut vm = program.vm_on(program.program.clone()).expect("vm");
            let data = program.with_constants(&mut vm, regorus::Value::from(program.data.clone()));
            let stored = &data[&key(plan::CONSTANTS_KEY)][&key("K8S020")];
            assert!(stored[&key("_prefixes")]
                .as_set()
                .expect("a set")
                .contains(&key(prefix)));
            assert_eq!(stored[&key("params")], data[&key("params")][&key("K8S020")]);
            assert_eq!(k8s020(&engine, None), fires);
        }
        // Stored prefixes that allow nothing: read while the parameters match, ignored once
        // they do not (then the rule computes them from the parameters again).
        let engine = engine(&embedded(), false);
        let Backend::Vm(program) = &engine.backend else {
            panic!("the embedded rules run on the VM");
        };
        let mut vm = program.vm_on(program.program.clone()).expect("vm");
        let data = program.with_constants(&mut vm, regorus::Value::from(program.data.clone()));
        let tampered = |params: regorus::Value| {
            let mut data = data.clone();
            let of_rule = data
                .as_object_mut()
                .ok()
                .and_then(|d| d.get_mut(&key(plan::CONSTANTS_KEY)))
                .and_then(|c| c.as_object_mut().ok())
                .and_then(|c| c.get_mut(&key("K8S020")))
                .and_then(|r| r.as_object_mut().ok())
                .expect("K8S020's constants");
            of_rule.insert(key("_prefixes"), regorus::Value::new_set());
            of_rule.insert(key("params"), params);
            data
        };
        let own = data[&key("params")][&key("K8S020")].clone();
        assert!(
            k8s020(&engine, Some(tampered(own))),
            "the stored value is read"
        );
        assert!(!k8s020(
            &engine,
            Some(tampered(regorus::Value::new_object()))
        ));
    }

    /// Constants are computed for the families scanned, and not at all for a small scan.
    #[test]
    fn constants_are_computed_only_where_they_pay() {
        let catalog = Catalog::embedded().expect("catalogue");
        let rules: Vec<PlannedRule> = catalog.rego_rules().map(planned).collect();
        let (entries, _) = plan_entries(&rules);
        let ids = |families: &[Family], small: bool| -> Vec<String> {
            constants_worth_it(&entries, families, small)
                .into_iter()
                .map(|c| c.id)
                .collect()
        };
        assert!(ids(&[Family::Kubernetes], false).contains(&"K8S020".to_string()));
        assert!(!ids(&[Family::Dockerfile, Family::Bundle], false).contains(&"K8S020".to_string()));
        assert!(ids(&FAMILIES, true).is_empty());
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
