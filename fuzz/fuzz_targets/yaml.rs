//! Fuzz target: `cct_lint::robustness::yaml_load` on arbitrary bytes (see src/robustness.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cct_lint::robustness::yaml_load(data);
});
