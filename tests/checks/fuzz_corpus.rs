//! Replays the minimized fuzz corpora kept in fuzz/corpus/<target>/ (and the crash
//! regressions in fuzz/regressions/<target>/) through the same entry points as the fuzz
//! targets (src/robustness.rs), on stable, in every `cargo test`: none may panic, and none may
//! take more than a few seconds (the fuzzers' bound is 1 s in release; tests run unoptimized).
//! Must not: write anything.

use std::path::Path;
use std::time::{Duration, Instant};

use cct_lint::robustness::TARGETS;

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn every_fuzz_corpus_input_is_handled_without_panic_or_hang() {
    let mut total = 0;
    let mut slow = Vec::new();
    for (name, entry) in TARGETS {
        let corpus = inputs(&Path::new("fuzz/corpus").join(name));
        assert!(!corpus.is_empty(), "fuzz/corpus/{name} is empty");
        let regressions = inputs(&Path::new("fuzz/regressions").join(name));
        for file in corpus.iter().chain(&regressions) {
            let data = std::fs::read(file).expect("read corpus file");
            let start = Instant::now();
            entry(&data);
            let took = start.elapsed();
            if took > Duration::from_secs(5) {
                slow.push(format!("{}: {took:?}", file.display()));
            }
            total += 1;
        }
    }
    assert!(slow.is_empty(), "slow inputs:\n{}", slow.join("\n"));
    assert!(total > 50, "only {total} corpus inputs");
}
