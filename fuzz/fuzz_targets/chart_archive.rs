//! Fuzz target: `cct_lint::robustness::chart_archive` on arbitrary bytes (see src/robustness.rs).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cct_lint::robustness::chart_archive(data);
});
