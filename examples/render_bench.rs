//! Render benchmark: renders every chart directory (or `.tgz`) under the given parents
//! in-process, like `cct-lint render` with default values, and prints the wall time (total,
//! sequential and on all cores) and the slowest charts. Used by bench/bitnami.sh:
//!
//!     cargo run --release --example render_bench -- /tmp/bitnami/charts
//!
//! Must not: write files or touch the network; a chart that fails is counted, not fatal.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use cct_lint::render::{render_chart, RenderOptions};

fn charts(roots: &[String]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        let root = Path::new(root);
        if root.join("Chart.yaml").is_file() || root.extension().is_some_and(|e| e == "tgz") {
            out.push(root.to_path_buf());
            continue;
        }
        let Ok(entries) = std::fs::read_dir(root) else {
            eprintln!("render_bench: cannot read {}", root.display());
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("Chart.yaml").is_file() || p.extension().is_some_and(|e| e == "tgz"))
            .collect();
        found.sort();
        out.extend(found);
    }
    out
}

/// Renders one chart; returns its time and template count (None when it fails).
fn one(chart: &Path) -> (Duration, Option<usize>) {
    let start = Instant::now();
    let r = render_chart(chart, &RenderOptions::default());
    (start.elapsed(), r.ok().map(|c| c.templates.len()))
}

fn main() {
    let roots: Vec<String> = std::env::args().skip(1).collect();
    if roots.is_empty() {
        eprintln!("usage: render_bench CHART_OR_PARENT...");
        std::process::exit(2);
    }
    let list = charts(&roots);

    let start = Instant::now();
    let seq: Vec<(Duration, Option<usize>)> = list.iter().map(|c| one(c)).collect();
    let seq_wall = start.elapsed();

    let start = Instant::now();
    let par: Vec<(Duration, Option<usize>)> = list.par_iter().map(|c| one(c)).collect();
    let par_wall = start.elapsed();

    let failed = seq.iter().filter(|(_, n)| n.is_none()).count();
    let templates: usize = seq.iter().filter_map(|(_, n)| *n).sum();
    let mut slowest: Vec<(Duration, &PathBuf)> = seq.iter().map(|(d, _)| *d).zip(&list).collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (d, c) in slowest.iter().take(5) {
        println!("  {:>7.1} ms  {}", d.as_secs_f64() * 1000.0, c.display());
    }
    println!(
        "{} charts ({} templates, {} failed): {:.2} s sequential, {:.2} s on {} threads",
        list.len(),
        templates,
        failed,
        seq_wall.as_secs_f64(),
        par_wall.as_secs_f64(),
        rayon::current_num_threads(),
    );
    assert!(par.len() == seq.len());
}
