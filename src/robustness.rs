//! Entry points that feed arbitrary bytes to each parser of untrusted input: the YAML loader,
//! the Dockerfile parser, the template engine (parse, then execute on values read from the
//! same input), the packaged-chart (`.tgz`) reader with rendering, and the configuration
//! loader, and the Kustomize build. The fuzz targets (fuzz/) and the corpus replay test call
//! exactly these, so a crash the fuzzer finds is replayed by `cargo test` on stable.
//! Must not: panic on any input of its own accord, touch the network, or read or write files
//! other than the Kustomize entry's own scratch folder (a build reads a directory tree).

use std::path::Path;
use std::sync::OnceLock;

use crate::catalog::Catalog;
use crate::parse::{dockerfile, yaml};
use crate::render::{self, Templates};

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Templates always execute on the renderer's big-stack thread (render_chart); so do they here,
/// so that only what would fail in the tool fails here.
fn on_render_stack(work: impl FnOnce() + Send) {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(scope, work);
        if let Ok(handle) = worker {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// The YAML loader, then what the scan does with each document (JSON and Rego values, the
/// span of a path).
pub fn yaml_load(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let stream = yaml::load(text, yaml::Limits::default());
    for doc in &stream.documents {
        let _ = doc.root.to_json();
        let _ = doc.root.to_rego();
        let path = [
            yaml::PathSegment::Key("spec".into()),
            yaml::PathSegment::Index(0),
        ];
        let _ = yaml::locate(&doc.root, &path);
    }
}

/// The Dockerfile parser, its rule input and the span of every instruction path.
pub fn dockerfile_parse(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let df = dockerfile::parse(text);
    let _ = df.to_input();
    for (i, stage) in df.stages.iter().enumerate() {
        for j in 0..stage.instructions.len() {
            let path = [
                serde_json::json!("stages"),
                serde_json::json!(i),
                serde_json::json!("instructions"),
                serde_json::json!(j),
            ];
            let _ = df.span_for_path(&path);
        }
    }
}

/// The template engine: the input up to the first NUL byte is a template, the rest YAML
/// values (`.Values`); parse, then execute.
pub fn template_execute(data: &[u8]) {
    let (source, values) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let Some(source) = text(source) else { return };
    let values = text(values);
    on_render_stack(move || {
        let values = values
            .and_then(|v| render::values::parse_values(v).ok())
            .map(|(v, _)| v)
            .unwrap_or_else(|| render::Value::new_map(Default::default()));
        let mut root = std::collections::BTreeMap::new();
        root.insert("Values".to_string(), values);
        let mut templates = Templates::new();
        if templates.add("fuzz/templates/t.yaml", source).is_ok() {
            let _ = templates.render("fuzz/templates/t.yaml", render::Value::new_map(root));
        }
    });
}

/// A packaged chart read from memory and, when it loads, rendered with its defaults.
pub fn chart_archive(data: &[u8]) {
    on_render_stack(|| {
        let origin = Path::new("fuzz.tgz");
        if let Ok(chart) = render::chart::load_chart_archive(data, origin) {
            let _ = render::chart::render_loaded(chart, &render::RenderOptions::default());
        }
    });
}

/// The `.cct-lint.yaml` loader with the embedded rule catalogue.
pub fn config_parse(data: &[u8]) {
    static CATALOG: OnceLock<Option<Catalog>> = OnceLock::new();
    let Some(text) = text(data) else { return };
    if let Some(catalog) = CATALOG.get_or_init(|| Catalog::embedded().ok()) {
        let _ = crate::config::Config::parse(text, ".cct-lint.yaml", catalog);
    }
}

/// A small file tree written from the input, then built as `kubectl kustomize` would build its
/// first folder that holds a kustomization. The input is a sequence of `path NUL content NUL`;
/// paths are relative, made of `[A-Za-z0-9._-]` segments (no `..`), at most 16 files, so the
/// tree stays inside the scratch folder. fuzz/seed.sh packs every fixture kustomization tree
/// this way.
pub fn kustomize_build(data: &[u8]) {
    let Some(root) = kustomize_scratch() else {
        return;
    };
    let mut parts = data.split(|&b| b == 0);
    let mut first_kustomization = None;
    let mut written = 0;
    while let (Some(path), Some(content)) = (parts.next(), parts.next()) {
        let Some(rel) = text(path).filter(|p| scratch_path_ok(p)) else {
            continue;
        };
        let file = root.join(rel);
        if file.exists() || written == 16 {
            continue;
        }
        let folder = file.parent().unwrap_or(&root).to_path_buf();
        if std::fs::create_dir_all(&folder).is_err() || std::fs::write(&file, content).is_err() {
            continue;
        }
        written += 1;
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if first_kustomization.is_none()
            && crate::kustomize::build::KUSTOMIZATION_FILES.contains(&name)
        {
            first_kustomization = Some(folder);
        }
    }
    let dir = first_kustomization.unwrap_or_else(|| root.clone());
    on_render_stack(|| {
        let (build, result) = crate::kustomize::build::build(&dir);
        if result.is_ok() {
            let _ = crate::kustomize::output::to_yaml(&build.resources);
            let _ = crate::kustomize::output::to_json(&build.resources);
        }
    });
    let _ = std::fs::remove_dir_all(&root);
}

/// An empty folder for this thread's Kustomize input (the replay test and the fuzzer may run
/// several entries at once).
fn kustomize_scratch() -> Option<std::path::PathBuf> {
    let thread = format!("{:?}", std::thread::current().id());
    let digits: String = thread.chars().filter(char::is_ascii_digit).collect();
    let root = std::env::temp_dir().join(format!(
        "cct-lint-fuzz-kustomize-{}-{digits}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).ok()?;
    Some(root)
}

fn scratch_path_ok(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 100
        && path.split('/').count() <= 4
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
}

/// One entry point: arbitrary bytes in, nothing out (it must simply return).
pub type Entry = fn(&[u8]);

/// Every entry point by the name of its fuzz target and corpus folder.
pub const TARGETS: [(&str, Entry); 6] = [
    ("yaml", yaml_load),
    ("dockerfile", dockerfile_parse),
    ("template", template_execute),
    ("chart_archive", chart_archive),
    ("config", config_parse),
    ("kustomize", kustomize_build),
];
