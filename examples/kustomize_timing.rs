//! Times the in-process Kustomize build: `cargo run --release --example kustomize_timing --
//! DIR...` builds each kustomization directory 5 times and prints the best time of each and
//! their sum (what `cct-lint check` spends building them, process start and rules excluded).

use std::time::Instant;

fn main() {
    let dirs: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let mut total = 0.0;
    for dir in &dirs {
        let mut best = f64::MAX;
        let mut objects = 0;
        for _ in 0..5 {
            let start = Instant::now();
            let (built, result) = cct_lint::kustomize::build::build(dir);
            best = best.min(start.elapsed().as_secs_f64());
            objects = if result.is_ok() {
                built.resources.len()
            } else {
                0
            };
        }
        total += best;
        println!(
            "{:8.2} ms  {objects:3} objects  {}",
            best * 1000.0,
            dir.display()
        );
    }
    println!(
        "{:8.2} ms  total for {} kustomizations",
        total * 1000.0,
        dirs.len()
    );
}
