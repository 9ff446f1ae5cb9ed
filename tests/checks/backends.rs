//! The two Rego back-ends (the VM used by default for the embedded rules, and the reference
//! interpreter) must find exactly the same things on every fixture: this is what keeps a rule
//! written in a form the VM evaluates differently from shipping.

fn findings_with(engine: &str, path: &str) -> Vec<serde_json::Value> {
    let out = crate::bin()
        .env("CCT_LINT_REGO_ENGINE", engine)
        .args(["check", path, "--format", "json", "--fail-on", "never"])
        .args(["--lang", "en"])
        .output()
        .expect("run cct-lint");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{engine}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    report["findings"].as_array().cloned().unwrap_or_default()
}

fn brief(f: &serde_json::Value) -> String {
    format!(
        "{} {}:{}",
        f["rule_id"].as_str().unwrap_or("?"),
        f["file"].as_str().unwrap_or("?"),
        f["line"]
    )
}

#[test]
fn vm_and_interpreter_find_the_same_on_every_fixture() {
    let vm = findings_with("vm", "fixtures");
    let interpreter = findings_with("interpreter", "fixtures");
    let only_vm: Vec<String> = vm
        .iter()
        .filter(|f| !interpreter.contains(f))
        .map(brief)
        .collect();
    let only_interpreter: Vec<String> = interpreter
        .iter()
        .filter(|f| !vm.contains(f))
        .map(brief)
        .collect();
    assert!(
        only_vm.is_empty() && only_interpreter.is_empty(),
        "the back-ends disagree.\nonly with the VM: {only_vm:#?}\nonly with the interpreter: {only_interpreter:#?}"
    );
    assert_eq!(vm, interpreter, "same findings, in the same order");
    // The comparison means something only if the fixtures exercise every family.
    for prefix in ["DF0", "K8S0", "APP0", "HELM0"] {
        assert!(
            vm.iter()
                .any(|f| f["rule_id"].as_str().unwrap_or("").starts_with(prefix)),
            "no {prefix} finding in fixtures/"
        );
    }
}
