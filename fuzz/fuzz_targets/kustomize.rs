//! Fuzz target: `cct_lint::robustness::kustomize_build` on arbitrary bytes (a packed file
//! tree, see src/robustness.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cct_lint::robustness::kustomize_build(data);
});
