//! Measures the start-up phases (profiling aid).
use std::time::{Duration, Instant};
fn main() {
    let t = Instant::now();
    let cat = cct_lint::catalog::Catalog::embedded().expect("catalog");
    println!("catalog: {:?}", t.elapsed());
    let t = Instant::now();
    let mut eng = cct_lint::evaluate::RuleEngine::new(
        &cat,
        &serde_json::Map::new(),
        &|_| true,
        &[cct_lint::catalog::Family::Kubernetes],
        Duration::from_secs(5),
    )
    .expect("engine");
    println!("engine: {:?}", t.elapsed());
    let doc = cct_lint::parse::yaml::load("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a, image: nginx}]}\n", Default::default());
    let v = doc.documents[0].root.to_rego();
    for i in 0..3 {
        let t = Instant::now();
        let _ = eng.evaluate(&cct_lint::catalog::Family::Kubernetes, "Pod", v.clone());
        println!("eval {i}: {:?}", t.elapsed());
    }
}
