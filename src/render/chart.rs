//! Helm chart loading and rendering, as `helm template` does it: reads a chart directory or
//! packaged chart (Chart.yaml, values.yaml, templates/, `.helmignore`, subcharts under charts/
//! as directories or `.tgz`, unpacked in memory within Helm's size limits), processes
//! dependencies (alias, condition, tags, import-values), coalesces values (chart defaults <
//! parent values < user files < `--set`), builds the built-in objects (`.Release`, `.Chart`,
//! `.Capabilities`, `.Template`, `.Files`, `.Subcharts`) and renders every non-partial
//! template of the enabled charts on a thread with a large stack.
//! Entry point: [`render_chart`]. Must not: touch the network, write files (archives are
//! never unpacked to disk), accept archive paths leaving the chart, depend on the linter's
//! other stages, or panic on any chart.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use thiserror::Error;

use crate::parse::yaml::{self, Limits, Node};
use crate::render::error::ErrorKind;
use crate::render::files::{ApiVersions, Files, IgnoreRules, KubeVersion, DEFAULT_API_VERSIONS};
use crate::render::funcs::semver;
use crate::render::values::{
    apply_set, apply_set_string, clean_nil_values, coalesce_globals, coalesce_tables_full,
    from_yaml_node, merge_maps, parse_values, path_to_map, path_value, table,
};
use crate::render::{Funcs, OutputMark, Templates, Value};

/// What `helm template` takes from its command line.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub release_name: String,
    pub namespace: String,
    /// Kubernetes version for `.Capabilities.KubeVersion` (Helm v4 default: v1.36.0).
    pub kube_version: Option<String>,
    /// User values files, later ones winning.
    pub values_files: Vec<PathBuf>,
    /// `--set` expressions, applied after the files, in order.
    pub set: Vec<String>,
    /// Extra `.Capabilities.APIVersions` entries (`--api-versions`).
    pub api_versions: Vec<String>,
    /// Values given inline (an Argo CD Application's `helm.values`), merged after the files
    /// as one more values file: `(name for errors, YAML text)`.
    pub inline_values: Vec<(String, String)>,
    /// `--set-string` expressions, applied after `set`.
    pub set_string: Vec<String>,
    /// Where dependencies missing from charts/ are looked for, and whether a chart may be
    /// rendered without the ones found nowhere.
    pub dependencies: Arc<DependencySearch>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            release_name: "release-name".into(),
            namespace: "default".into(),
            kube_version: None,
            values_files: Vec::new(),
            set: Vec::new(),
            api_versions: Vec::new(),
            inline_values: Vec::new(),
            set_string: Vec::new(),
            dependencies: Arc::default(),
        }
    }
}

/// Offline places where a dependency that charts/ lacks is looked for, after its `file://`
/// repository: charts of the scanned tree, then folders of chart directories or
/// `NAME-VERSION.tgz` archives (configured folders, Helm's repository cache).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DependencySearch {
    pub tree: Vec<TreeChart>,
    pub folders: Vec<PathBuf>,
    /// Render without a dependency found nowhere (Helm's engine does; `helm template` refuses).
    pub allow_missing: bool,
    /// Last resort, for a chart that cannot render without a dependency: when no version
    /// satisfies the constraint, take the highest version found (tree, then folders).
    pub other_versions: bool,
}

/// A chart directory of the scanned tree, with its Chart.yaml name and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeChart {
    pub dir: PathBuf,
    pub name: String,
    pub version: String,
}

/// Where a dependency was found, in the order of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DependencySource {
    /// Under the declaring chart's charts/ (directory or archive).
    Vendored,
    /// Its `repository: file://PATH`.
    FileRepository,
    /// A chart of the scanned tree with the same name and a satisfying version.
    Tree,
    /// A configured dependency folder or Helm's repository cache.
    Folder,
}

impl DependencySource {
    pub fn as_str(self) -> &'static str {
        match self {
            DependencySource::Vendored => "charts",
            DependencySource::FileRepository => "file",
            DependencySource::Tree => "tree",
            DependencySource::Folder => "folder",
        }
    }
}

/// The chart that stands for a dependency: where, and which version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResolvedDependency {
    pub source: DependencySource,
    /// Chart directory or archive.
    pub path: PathBuf,
    pub version: String,
    /// The version satisfies the declared constraint (else: taken with
    /// [`DependencySearch::other_versions`]).
    pub satisfies: bool,
}

/// A dependency of a rendered (sub)chart and where it came from (`resolved: None`: found
/// nowhere, the chart was rendered without it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DependencyReport {
    /// Helm path of the declaring chart: `wordpress`, `wordpress/charts/mariadb`.
    pub chart: String,
    /// The dependency's chart name (not its alias), version constraint and repository.
    pub name: String,
    /// Its `alias` in Chart.yaml, empty without one (one chart may be a dependency twice).
    pub alias: String,
    pub version: String,
    pub repository: String,
    /// Chart.yaml (or requirements.yaml) declaring it, and the line of its entry.
    pub file: PathBuf,
    pub line: usize,
    pub resolved: Option<ResolvedDependency>,
}

/// One rendered template file (before splitting into YAML documents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedTemplate {
    /// Helm's name: `CHART/templates/x.yaml`, `CHART/charts/SUB/templates/x.yaml`.
    pub name: String,
    pub text: String,
    /// The template file on disk and its source, for locating findings.
    pub file: PathBuf,
    pub source: String,
    /// Provenance of `text` in `source` (see [`OutputMark`]).
    pub marks: Vec<OutputMark>,
    /// The directory of the (sub)chart the template belongs to, and the key path of that
    /// chart's values inside the top chart's values (empty for the top chart).
    pub chart_dir: PathBuf,
    pub values_prefix: Vec<String>,
}

/// Every rendered template of a chart, sorted by name. NOTES.txt and partials are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderedChart {
    pub templates: Vec<RenderedTemplate>,
    /// The values the templates saw (defaults coalesced with the user's), for schema checks.
    pub values: serde_json::Value,
    /// The dependencies of every rendered (sub)chart, enabled ones only, in chart order.
    pub dependencies: Vec<DependencyReport>,
    /// The values files the render parsed: the user's files in order, then the `values.yaml`
    /// of the chart and of every loaded subchart (see [`RenderedChart::values_file`]).
    pub values_files: Vec<Arc<ValuesFile>>,
}

impl RenderedChart {
    /// The values file the render read at `path` (a user file as given, or a chart
    /// directory joined with `values.yaml`), so that locating a value reads and parses no file
    /// again.
    pub fn values_file(&self, path: &Path) -> Option<&Arc<ValuesFile>> {
        self.values_files.iter().find(|f| f.path == path)
    }
}

/// A values file as the render parsed it (first document), with its text, for locations.
/// An empty file has none: it gives no value.
#[derive(Debug, Clone, PartialEq)]
pub struct ValuesFile {
    pub path: PathBuf,
    pub text: String,
    pub root: Node,
}

/// A chart that could not be loaded or rendered; `file` is a path on disk or a template name,
/// `line` and `column` are 1-based, as `check` reports them (0 when unknown; Helm's own
/// message keeps Go's 0-based column).
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{}", self.located())]
pub struct ChartError {
    pub message: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Enabled dependencies the chart was being rendered without when the error happened
    /// (their absence is the likely cause).
    pub missing: Vec<DependencyReport>,
}

impl ChartError {
    fn new(
        message: impl Into<String>,
        file: impl Into<String>,
        line: usize,
        column: usize,
    ) -> Self {
        ChartError {
            message: message.into(),
            file: file.into(),
            line,
            column,
            missing: Vec::new(),
        }
    }

    /// `FILE:LINE:COL: MESSAGE` when located, else the message.
    pub fn located(&self) -> String {
        if self.file.is_empty() {
            self.message.clone()
        } else if self.line == 0 {
            format!("{}: {}", self.file, self.message)
        } else if self.column == 0 {
            format!("{}:{}: {}", self.file, self.line, self.message)
        } else {
            format!(
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

/// Stack of the render thread: the engine needs about 10 KiB per include level in a debug
/// build and Helm allows 1000 levels.
const RENDER_STACK: usize = 64 << 20;
/// Bounds for hostile chart trees (symlink loops are cut by the depth bound).
const MAX_WALK_DEPTH: usize = 32;
const MAX_FILES: usize = 20_000;
const MAX_CHART_BYTES: u64 = 256 << 20;
/// Helm's defaults for a chart archive (`MaxDecompressedChartSize`, `MaxDecompressedFileSize`).
const MAX_ARCHIVE_BYTES: u64 = 100 << 20;
const MAX_ARCHIVE_FILE_BYTES: u64 = 5 << 20;
/// Archives inside archives (charts/*.tgz of a packaged subchart...).
const MAX_ARCHIVE_NESTING: usize = 8;

/// Loads the chart at `dir` and renders it like `helm template`.
pub fn render_chart(dir: &Path, options: &RenderOptions) -> Result<RenderedChart, ChartError> {
    let dir = dir.to_path_buf();
    let options = options.clone();
    // Values are `Rc`-based (not Send): everything from loading to rendering runs on the
    // big-stack thread, which returns plain strings.
    let handle = std::thread::Builder::new()
        .name("helm-render".into())
        .stack_size(RENDER_STACK)
        .spawn(move || render_chart_here(&dir, &options))
        .map_err(|e| ChartError::new(format!("cannot start the render thread: {}", e), "", 0, 0))?;
    handle.join().unwrap_or_else(|_| {
        Err(ChartError::new(
            "internal error: the renderer panicked",
            "",
            0,
            0,
        ))
    })
}

/// [`render_chart`] on the current thread (the caller provides the stack).
pub fn render_chart_here(dir: &Path, options: &RenderOptions) -> Result<RenderedChart, ChartError> {
    let mut chart = load_chart(dir)?;
    let mut ancestors = vec![canonical(dir)];
    resolve_dependencies(&mut chart, &options.dependencies, &mut ancestors)?;
    render_loaded(chart, options)
}

// ---------------------------------------------------------------------------------------
// Loading

/// A dependency entry of Chart.yaml (or requirements.yaml for apiVersion v1).
#[derive(Debug, Clone, Default)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub alias: String,
    pub condition: String,
    pub tags: Vec<String>,
    /// Raw import-values entries (strings or `{child, parent}` maps).
    pub import_values: Vec<Value>,
    /// Line of the entry in its file (for errors).
    pub line: usize,
    pub enabled: bool,
    /// The chart name as declared (`name` becomes the alias when dependencies are processed).
    pub chart_name: String,
    /// Where the chart standing for it was found; `None`: nowhere.
    pub resolved: Option<ResolvedDependency>,
}

/// A loaded chart (Helm's `chart.Chart`).
#[derive(Debug, Clone)]
pub struct LoadedChart {
    /// Chart.yaml as a map (strings for Helm's string fields).
    pub metadata: BTreeMap<String, Value>,
    pub name: String,
    pub version: String,
    pub api_version: String,
    pub chart_type: String,
    pub kube_version: String,
    pub dependencies: Vec<Dependency>,
    /// Default values (values.yaml) and the file parsed, kept for locations.
    pub values: Value,
    pub values_file: Option<Arc<ValuesFile>>,
    /// `templates/...` paths (relative to the chart) and sources.
    pub templates: Vec<(String, String)>,
    pub files: BTreeMap<String, Vec<u8>>,
    pub subcharts: Vec<LoadedChart>,
    /// Where the chart is on disk, for error messages.
    pub origin: PathBuf,
    /// Where the dependencies were declared (Chart.yaml or requirements.yaml).
    pub deps_file: PathBuf,
}

/// Reads a chart from a directory or from a packaged chart (`.tgz`), as Helm's `loader.Load`.
pub fn load_chart(path: &Path) -> Result<LoadedChart, ChartError> {
    if path.is_dir() {
        return load_chart_dir(path);
    }
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ChartError::new(e.to_string(), &shown, 0, 0))?;
    if meta.len() > MAX_CHART_BYTES {
        return Err(ChartError::new("chart too large", shown, 0, 0));
    }
    let data = std::fs::read(path).map_err(|e| ChartError::new(e.to_string(), &shown, 0, 0))?;
    let mut budget = ArchiveBudget::default();
    let files = read_archive(&data, path, &mut budget)?;
    load_files_within(files, path, &mut budget)
}

/// Reads a packaged chart (`.tgz` bytes) held in memory; `origin` names it in errors.
pub fn load_chart_archive(data: &[u8], origin: &Path) -> Result<LoadedChart, ChartError> {
    if data.len() as u64 > MAX_CHART_BYTES {
        return Err(ChartError::new(
            "chart too large",
            origin.display().to_string(),
            0,
            0,
        ));
    }
    let mut budget = ArchiveBudget::default();
    let files = read_archive(data, origin, &mut budget)?;
    load_files_within(files, origin, &mut budget)
}

/// What all the archives of one chart load may still decompress (shared by nested archives,
/// so that archives inside archives cannot multiply Helm's per-archive limits).
struct ArchiveBudget {
    bytes: u64,
    depth: usize,
}

impl Default for ArchiveBudget {
    fn default() -> Self {
        ArchiveBudget {
            bytes: MAX_CHART_BYTES,
            depth: 0,
        }
    }
}

/// Helm's `LoadArchiveFiles`: the regular files of a gzipped tar, in memory, their first path
/// component (the chart's directory) removed. Refuses absolute paths, `..`, drive letters, a
/// Chart.yaml outside a directory, and more than Helm's size limits (also the shared
/// `budget`); never writes anything.
fn read_archive(
    data: &[u8],
    origin: &Path,
    budget: &mut ArchiveBudget,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    use std::io::Read;
    let shown = origin.display().to_string();
    let fail = |m: &str| ChartError::new(m, &shown, 0, 0);
    if !data.starts_with(&[0x1f, 0x8b]) {
        return Err(fail(
            "file does not appear to be a gzipped archive; got 'application/octet-stream'",
        ));
    }
    if budget.depth >= MAX_ARCHIVE_NESTING {
        return Err(fail("chart archives nested too deeply"));
    }
    let limit = MAX_ARCHIVE_BYTES.min(budget.bytes);
    // One byte more than allowed, to tell "exactly at the limit" from "over it".
    let gz = flate2::read::GzDecoder::new(data).take(limit + 1);
    let mut archive = tar::Archive::new(gz);
    let entries = archive
        .entries()
        .map_err(|e| fail(&format!("invalid chart archive: {}", e)))?;
    let mut files = Vec::new();
    let mut total = 0u64;
    for entry in entries {
        let mut entry = entry.map_err(|e| {
            if total >= limit {
                fail("decompressed chart is larger than the maximum size")
            } else {
                fail(&format!("invalid chart archive: {}", e))
            }
        })?;
        let kind = entry.header().entry_type();
        if !kind.is_file() {
            // Directories, links, PAX headers...: Helm keeps regular content only.
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let name = archive_member_name(&raw).map_err(fail)?;
        if entry.size() > MAX_ARCHIVE_FILE_BYTES {
            return Err(fail(&format!(
                "decompressed chart file {:?} is larger than the maximum file size",
                name
            )));
        }
        if files.len() >= MAX_FILES {
            return Err(fail("chart too large"));
        }
        let mut buf = Vec::new();
        (&mut entry)
            .take(MAX_ARCHIVE_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| fail(&format!("invalid chart archive: {}", e)))?;
        total += buf.len() as u64;
        if buf.len() as u64 > MAX_ARCHIVE_FILE_BYTES || total > limit {
            return Err(fail("decompressed chart is larger than the maximum size"));
        }
        // Helm drops a UTF-8 byte order mark.
        if buf.starts_with(&[0xef, 0xbb, 0xbf]) {
            buf.drain(..3);
        }
        files.push((name, buf));
    }
    if files.is_empty() {
        return Err(fail("no files in chart archive"));
    }
    budget.bytes = budget.bytes.saturating_sub(total);
    Ok(files)
}

/// A tar member's path inside its chart (`mychart/templates/a.yaml` → `templates/a.yaml`),
/// refused as Helm refuses it when it could leave the chart.
fn archive_member_name(raw: &str) -> Result<String, &'static str> {
    let delim = if raw.contains('\\') { '\\' } else { '/' };
    let mut parts = raw.split(delim);
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() && first == "Chart.yaml" {
        return Err("chart yaml not in base directory");
    }
    let joined = rest.join("/");
    if joined.starts_with('/') {
        return Err("chart illegally contains absolute paths");
    }
    // path.Clean: drop empty and `.` parts, resolve `..` against earlier parts.
    let mut clean: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if clean.pop().is_none() {
                    return Err("chart illegally references parent directory");
                }
            }
            p => clean.push(p),
        }
    }
    if clean.is_empty() {
        return Err("chart illegally contains content outside the base directory");
    }
    let name = clean.join("/");
    let b = name.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err("chart contains illegally named files");
    }
    Ok(name)
}

/// Reads a chart directory: every file not excluded by `.helmignore`.
pub fn load_chart_dir(dir: &Path) -> Result<LoadedChart, ChartError> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(ChartError::new("not a chart directory", shown, 0, 0));
    }
    let rules = match std::fs::read(dir.join(".helmignore")) {
        Ok(b) => IgnoreRules::parse(&String::from_utf8_lossy(&b)),
        Err(_) => IgnoreRules::parse(""),
    };
    let mut files = Vec::new();
    let mut total = 0u64;
    walk(dir, "", &rules, 0, &mut files, &mut total)?;
    load_files(files, dir)
}

fn walk(
    root: &Path,
    rel: &str,
    rules: &IgnoreRules,
    depth: usize,
    out: &mut Vec<(String, Vec<u8>)>,
    total: &mut u64,
) -> Result<(), ChartError> {
    let here = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    if depth > MAX_WALK_DEPTH {
        return Err(ChartError::new(
            "directory nesting too deep (symlink loop?)",
            here.display().to_string(),
            0,
            0,
        ));
    }
    let io = |e: std::io::Error| ChartError::new(e.to_string(), here.display().to_string(), 0, 0);
    let mut entries: Vec<_> = std::fs::read_dir(&here)
        .map_err(io)?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let child = if rel.is_empty() {
            name
        } else {
            format!("{}/{}", rel, name)
        };
        // Helm follows symbolic links.
        let Ok(meta) = std::fs::metadata(e.path()) else {
            continue;
        };
        if rules.ignored(&child, meta.is_dir()) {
            continue;
        }
        if meta.is_dir() {
            walk(root, &child, rules, depth + 1, out, total)?;
        } else if meta.is_file() {
            *total += meta.len();
            if out.len() >= MAX_FILES || *total > MAX_CHART_BYTES {
                return Err(ChartError::new(
                    "chart too large",
                    root.display().to_string(),
                    0,
                    0,
                ));
            }
            let data = std::fs::read(e.path()).map_err(|err| {
                ChartError::new(err.to_string(), e.path().display().to_string(), 0, 0)
            })?;
            out.push((child, data));
        }
    }
    Ok(())
}

fn yaml_error(file: &Path, e: &crate::render::values::ValuesError) -> ChartError {
    ChartError::new(
        e.message.clone(),
        file.display().to_string(),
        e.span.start.line as usize,
        e.span.start.column as usize,
    )
}

/// Helm's `LoadFiles`: sorts the files of one chart into metadata, values, templates, files
/// and subcharts (`charts/NAME/...` directories; names starting with `_` or `.` skipped).
pub fn load_files(files: Vec<(String, Vec<u8>)>, origin: &Path) -> Result<LoadedChart, ChartError> {
    load_files_within(files, origin, &mut ArchiveBudget::default())
}

fn load_files_within(
    files: Vec<(String, Vec<u8>)>,
    origin: &Path,
    budget: &mut ArchiveBudget,
) -> Result<LoadedChart, ChartError> {
    let chart_yaml_path = origin.join("Chart.yaml");
    let Some((_, chart_yaml)) = files.iter().find(|(n, _)| n == "Chart.yaml") else {
        return Err(ChartError::new(
            "Chart.yaml file is missing",
            origin.display().to_string(),
            0,
            0,
        ));
    };
    let meta_node = parse_doc(&String::from_utf8_lossy(chart_yaml), &chart_yaml_path)?;
    let mut chart = chart_from_metadata(meta_node.as_ref(), origin, &chart_yaml_path)?;

    let mut sub_files: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    for (name, data) in files {
        match name.as_str() {
            "Chart.yaml" | "Chart.lock" | "values.schema.json" => {}
            "values.yaml" => {
                let path = origin.join("values.yaml");
                let text = String::from_utf8_lossy(&data).into_owned();
                let (v, node) = parse_values(&text).map_err(|e| yaml_error(&path, &e))?;
                chart.values = v;
                chart.values_file = node.map(|root| Arc::new(ValuesFile { path, text, root }));
            }
            "requirements.yaml" | "requirements.lock" => {
                if name == "requirements.yaml" && chart.api_version == "v1" {
                    let path = origin.join(&name);
                    let node = parse_doc(&String::from_utf8_lossy(&data), &path)?;
                    if let Some(deps) = node.as_ref().and_then(|n| n.get("dependencies")) {
                        chart.dependencies = read_dependencies(deps);
                        chart.deps_file = path;
                    }
                }
                if chart.api_version == "v1" {
                    chart.files.insert(name, data);
                }
            }
            n if n.starts_with("templates/") => {
                chart
                    .templates
                    .push((name.clone(), String::from_utf8_lossy(&data).into_owned()));
            }
            n if n.starts_with("charts/") => {
                if n.ends_with(".prov") {
                    chart.files.insert(name, data);
                    continue;
                }
                let rest = n.strip_prefix("charts/").unwrap_or(n);
                let (sub, inner) = rest.split_once('/').unwrap_or((rest, ""));
                // Helm skips names starting with `_` or `.`, and loose files that are not
                // chart archives.
                if sub.starts_with(['_', '.']) || (inner.is_empty() && !sub.ends_with(".tgz")) {
                    continue;
                }
                let inner = if inner.is_empty() { sub } else { inner };
                sub_files
                    .entry(sub.to_string())
                    .or_default()
                    .push((inner.to_string(), data));
            }
            _ => {
                chart.files.insert(name, data);
            }
        }
    }
    for (sub, files) in sub_files {
        let sub_origin = origin.join("charts").join(&sub);
        let sc = match files.as_slice() {
            // A packaged subchart: `charts/NAME.tgz` (a directory named so holds files).
            [(inner, data)] if sub.ends_with(".tgz") && *inner == sub => {
                let unpacked = read_archive(data, &sub_origin, budget)?;
                budget.depth += 1;
                let sc = load_files_within(unpacked, &sub_origin, budget);
                budget.depth -= 1;
                sc?
            }
            _ => load_files_within(files, &sub_origin, budget)?,
        };
        chart.subcharts.push(sc);
    }
    Ok(chart)
}

fn parse_doc(text: &str, path: &Path) -> Result<Option<Node>, ChartError> {
    let stream = crate::render::values::load_yaml(text, Limits::default());
    if let Some(e) = stream
        .errors
        .iter()
        .find(|e| e.kind != yaml::YamlErrorKind::DuplicateKey)
    {
        return Err(ChartError::new(
            e.message.clone(),
            path.display().to_string(),
            e.span.start.line as usize,
            e.span.start.column as usize,
        ));
    }
    Ok(stream.documents.into_iter().next().map(|d| d.root))
}

/// A scalar field as Helm's string fields read it (`1.0` → "1": Helm v4 goes through JSON).
fn str_field(node: Option<&Node>, key: &str) -> String {
    match node
        .and_then(|n| n.get(key))
        .map(|n| from_yaml_node(n, false))
    {
        None | Some(Value::Nil) => String::new(),
        Some(Value::Str(s)) => s.to_string(),
        Some(v @ (Value::Bool(_) | Value::Int(_) | Value::Float(_))) => v.to_go_string(),
        Some(_) => String::new(),
    }
}

fn str_list(node: Option<&Node>, key: &str) -> Vec<String> {
    match node.and_then(|n| n.get(key)).map(|n| &n.value) {
        Some(yaml::Value::Seq(items)) => items
            .iter()
            .map(|n| match from_yaml_node(n, false) {
                Value::Str(s) => s.to_string(),
                v => v.to_go_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn read_dependencies(node: &Node) -> Vec<Dependency> {
    let yaml::Value::Seq(items) = &node.value else {
        return Vec::new();
    };
    items
        .iter()
        .map(|d| Dependency {
            name: str_field(Some(d), "name"),
            version: str_field(Some(d), "version"),
            repository: str_field(Some(d), "repository"),
            alias: str_field(Some(d), "alias"),
            condition: str_field(Some(d), "condition"),
            tags: str_list(Some(d), "tags"),
            import_values: match d.get("import-values").map(|n| from_yaml_node(n, false)) {
                Some(Value::List(l)) => l.borrow().clone(),
                _ => Vec::new(),
            },
            line: d.span.start.line as usize,
            enabled: true,
            chart_name: str_field(Some(d), "name"),
            resolved: None,
        })
        .collect()
}

fn chart_from_metadata(
    node: Option<&Node>,
    origin: &Path,
    chart_yaml: &Path,
) -> Result<LoadedChart, ChartError> {
    let name = str_field(node, "name");
    if name.is_empty() {
        return Err(ChartError::new(
            "validation: chart.metadata.name is required",
            chart_yaml.display().to_string(),
            1,
            1,
        ));
    }
    let api_version = str_field(node, "apiVersion");
    let mut metadata = BTreeMap::new();
    for (go, key) in [
        ("APIVersion", "apiVersion"),
        ("AppVersion", "appVersion"),
        ("Condition", "condition"),
        ("Description", "description"),
        ("Home", "home"),
        ("Icon", "icon"),
        ("KubeVersion", "kubeVersion"),
        ("Name", "name"),
        ("Tags", "tags"),
        ("Type", "type"),
        ("Version", "version"),
    ] {
        metadata.insert(go.to_string(), Value::string(str_field(node, key)));
    }
    for (go, key) in [("Keywords", "keywords"), ("Sources", "sources")] {
        metadata.insert(
            go.to_string(),
            Value::new_list(str_list(node, key).iter().map(|s| Value::str(s)).collect()),
        );
    }
    let maintainers = match node.and_then(|n| n.get("maintainers")).map(|n| &n.value) {
        Some(yaml::Value::Seq(items)) => items
            .iter()
            .map(|m| {
                Value::new_map(BTreeMap::from([
                    (
                        "Name".to_string(),
                        Value::string(str_field(Some(m), "name")),
                    ),
                    (
                        "Email".to_string(),
                        Value::string(str_field(Some(m), "email")),
                    ),
                    ("URL".to_string(), Value::string(str_field(Some(m), "url"))),
                ]))
            })
            .collect(),
        _ => Vec::new(),
    };
    metadata.insert("Maintainers".into(), Value::new_list(maintainers));
    let annotations = match node.and_then(|n| n.get("annotations")) {
        Some(
            n @ Node {
                value: yaml::Value::Map(_),
                ..
            },
        ) => {
            // Helm's annotations are map[string]string.
            let m = match from_yaml_node(n, false) {
                Value::Map(m) => m
                    .borrow()
                    .iter()
                    .map(|(k, v)| {
                        let s = match v {
                            Value::Str(s) => s.to_string(),
                            other => other.to_go_string(),
                        };
                        (k.clone(), Value::string(s))
                    })
                    .collect(),
                _ => BTreeMap::new(),
            };
            Value::new_map(m)
        }
        _ => Value::Nil,
    };
    metadata.insert("Annotations".into(), annotations);
    metadata.insert(
        "Deprecated".into(),
        Value::Bool(matches!(
            node.and_then(|n| n.get("deprecated")).map(|n| &n.value),
            Some(yaml::Value::Bool(true))
        )),
    );
    let dependencies = node
        .and_then(|n| n.get("dependencies"))
        .map(read_dependencies)
        .unwrap_or_default();
    Ok(LoadedChart {
        version: str_field(node, "version"),
        chart_type: str_field(node, "type"),
        kube_version: str_field(node, "kubeVersion"),
        metadata,
        name,
        api_version,
        dependencies,
        values: Value::empty_map(),
        values_file: None,
        templates: Vec::new(),
        files: BTreeMap::new(),
        subcharts: Vec::new(),
        origin: origin.to_path_buf(),
        deps_file: chart_yaml.to_path_buf(),
    })
}

// ---------------------------------------------------------------------------------------
// Dependencies and values

/// Helm's `IsCompatibleRange`: a constraint that does not parse matches nothing.
fn compatible(constraint: &str, version: &str) -> bool {
    let Ok(v) = semver::Version::parse(version) else {
        return false;
    };
    semver::check(constraint, &v).unwrap_or(false)
}

/// Helm's `CheckDependencies` (which Helm applies to the root chart only; we check every
/// level, a linter should not render a tree with a hole unless told to): every declared
/// dependency must have been found.
fn check_dependencies(c: &LoadedChart) -> Result<(), ChartError> {
    for d in &c.dependencies {
        if d.resolved.is_none() {
            return Err(ChartError::new(
                format!(
                    "found in Chart.yaml, but missing in charts/ directory: {}",
                    d.name
                ),
                c.deps_file.display().to_string(),
                d.line,
                0,
            ));
        }
    }
    for s in &c.subcharts {
        check_dependencies(s)?;
    }
    Ok(())
}

/// Nesting bound for dependencies resolved outside charts/ (a dependency of a dependency...).
const MAX_DEPENDENCY_DEPTH: usize = 16;

/// `a/b/../c` → `a/c`, without touching the file system (`..` past the start is kept).
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.iter().collect()
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A constraint as a dependency search reads it: an empty one accepts any version.
fn satisfies(constraint: &str, version: &str) -> bool {
    constraint.trim().is_empty() || compatible(constraint, version)
}

/// Name and version of the chart at `dir` (a directory holding Chart.yaml), without loading it.
pub fn chart_identity(dir: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(dir.join("Chart.yaml")).ok()?;
    let node = parse_doc(&text, &dir.join("Chart.yaml")).ok()??;
    let name = str_field(Some(&node), "name");
    (!name.is_empty()).then(|| (name, str_field(Some(&node), "version")))
}

/// The highest version among `candidates` that satisfies `constraint`.
fn best_version<'a, T>(
    candidates: impl Iterator<Item = (&'a str, T)>,
    constraint: &str,
) -> Option<T> {
    let mut best: Option<(semver::Version, T)> = None;
    for (version, item) in candidates {
        if !satisfies(constraint, version) {
            continue;
        }
        let Ok(v) = semver::Version::parse(version) else {
            continue;
        };
        if best
            .as_ref()
            .is_none_or(|(b, _)| semver::compare(&v, b) == std::cmp::Ordering::Greater)
        {
            best = Some((v, item));
        }
    }
    best.map(|(_, item)| item)
}

/// The chart directories and `NAME-VERSION.tgz` archives named `name` in a dependency folder,
/// with their versions.
fn folder_candidates(folder: &Path, name: &str) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if let Some((n, v)) = chart_identity(&path) {
                if n == name {
                    out.push((v, path));
                }
            }
        } else if let Some(version) = file_name
            .strip_suffix(".tgz")
            .and_then(|stem| stem.strip_prefix(name))
            .and_then(|rest| rest.strip_prefix('-'))
        {
            // `NAME-VERSION.tgz`, where VERSION starts with a digit (`common-2.31.4.tgz`, not
            // `common-tools-1.0.0.tgz` for `common`).
            if version.starts_with(|c: char| c.is_ascii_digit()) && path.is_file() {
                out.push((version.to_string(), path));
            }
        }
    }
    out.sort();
    out
}

/// Finds a chart for dependency `d` of `c` outside charts/: its `file://` repository, a chart
/// of the scanned tree, then the dependency folders. Charts that are ancestors of `c` in the
/// dependency chain are never chosen (no cycles).
fn find_dependency(
    c: &LoadedChart,
    d: &Dependency,
    search: &DependencySearch,
    ancestors: &[PathBuf],
) -> Result<Option<(LoadedChart, ResolvedDependency)>, ChartError> {
    let usable = |path: &Path| !ancestors.contains(&canonical(path));
    if let Some(rel) = d.repository.strip_prefix("file://") {
        let dir = lexically_normal(&c.origin.join(rel));
        if dir.join("Chart.yaml").is_file() && usable(&dir) {
            if let Some((name, version)) = chart_identity(&dir) {
                if name == d.chart_name && satisfies(&d.version, &version) {
                    let loaded = load_chart_dir(&dir)?;
                    let resolved = ResolvedDependency {
                        source: DependencySource::FileRepository,
                        path: dir,
                        version,
                        satisfies: true,
                    };
                    return Ok(Some((loaded, resolved)));
                }
            }
        }
    }
    let in_tree = best_version(
        search
            .tree
            .iter()
            .filter(|t| t.name == d.chart_name && usable(&t.dir))
            .map(|t| (t.version.as_str(), t)),
        &d.version,
    );
    if let Some(t) = in_tree {
        let loaded = load_chart_dir(&t.dir)?;
        let resolved = ResolvedDependency {
            source: DependencySource::Tree,
            path: t.dir.clone(),
            version: t.version.clone(),
            satisfies: true,
        };
        return Ok(Some((loaded, resolved)));
    }
    for folder in &search.folders {
        let candidates = folder_candidates(folder, &d.chart_name);
        let found = best_version(
            candidates
                .iter()
                .filter(|(_, p)| usable(p))
                .map(|(v, p)| (v.as_str(), (v, p))),
            &d.version,
        );
        if let Some((version, path)) = found {
            let loaded = load_chart(path)?;
            if loaded.name != d.chart_name {
                continue;
            }
            let resolved = ResolvedDependency {
                source: DependencySource::Folder,
                path: path.clone(),
                version: version.clone(),
                satisfies: true,
            };
            return Ok(Some((loaded, resolved)));
        }
    }
    if search.other_versions {
        let in_tree = best_version(
            search
                .tree
                .iter()
                .filter(|t| t.name == d.chart_name && usable(&t.dir))
                .map(|t| (t.version.as_str(), (DependencySource::Tree, t.dir.clone()))),
            "",
        );
        let found = in_tree.or_else(|| {
            search.folders.iter().find_map(|folder| {
                let candidates = folder_candidates(folder, &d.chart_name);
                best_version(
                    candidates
                        .iter()
                        .filter(|(_, p)| usable(p))
                        .map(|(v, p)| (v.as_str(), (DependencySource::Folder, p.clone()))),
                    "",
                )
            })
        });
        if let Some((source, path)) = found {
            let loaded = load_chart(&path)?;
            if loaded.name == d.chart_name {
                let resolved = ResolvedDependency {
                    source,
                    path,
                    version: loaded.version.clone(),
                    satisfies: false,
                };
                return Ok(Some((loaded, resolved)));
            }
        }
    }
    Ok(None)
}

/// Marks every dependency of `c` and of its subcharts with where it was found, loading the
/// ones charts/ lacks from the places `search` lists (Helm's `dependency build`, offline).
/// `ancestors`: canonical directories of the charts above, `c`'s own last.
fn resolve_dependencies(
    c: &mut LoadedChart,
    search: &DependencySearch,
    ancestors: &mut Vec<PathBuf>,
) -> Result<(), ChartError> {
    let vendored: Vec<String> = c.subcharts.iter().map(|s| s.name.clone()).collect();
    let mut found_here: Vec<(String, ResolvedDependency)> = Vec::new();
    for i in 0..c.dependencies.len() {
        let name = c.dependencies[i].chart_name.clone();
        if vendored.contains(&name) {
            let constraint = c.dependencies[i].version.clone();
            let s = c.subcharts.iter().find(|s| s.name == name);
            c.dependencies[i].resolved = s.map(|s| ResolvedDependency {
                source: DependencySource::Vendored,
                path: s.origin.clone(),
                version: s.version.clone(),
                satisfies: satisfies(&constraint, &s.version),
            });
            continue;
        }
        // The same chart under two aliases is loaded once.
        if let Some((_, r)) = found_here.iter().find(|(n, _)| *n == name) {
            c.dependencies[i].resolved = Some(r.clone());
            continue;
        }
        if ancestors.len() > MAX_DEPENDENCY_DEPTH {
            continue;
        }
        if let Some((loaded, resolved)) = find_dependency(c, &c.dependencies[i], search, ancestors)?
        {
            c.subcharts.push(loaded);
            found_here.push((name, resolved.clone()));
            c.dependencies[i].resolved = Some(resolved);
        }
    }
    for s in c.subcharts.iter_mut() {
        ancestors.push(canonical(&s.origin));
        let result = resolve_dependencies(s, search, ancestors);
        ancestors.pop();
        result?;
    }
    Ok(())
}

/// The dependencies of every chart of the (processed) tree, `path` naming `c` as Helm does.
fn dependency_reports(c: &LoadedChart, path: &str, out: &mut Vec<DependencyReport>) {
    for d in &c.dependencies {
        out.push(DependencyReport {
            chart: path.to_string(),
            name: d.chart_name.clone(),
            alias: d.alias.clone(),
            version: d.version.clone(),
            repository: d.repository.clone(),
            file: c.deps_file.clone(),
            line: d.line,
            resolved: d.resolved.clone(),
        });
    }
    for s in &c.subcharts {
        dependency_reports(s, &format!("{}/charts/{}", path, s.name), out);
    }
}

/// Helm's `CoalesceValues` (v4.2.3) applied in place to `dest`, a copy of the user's values:
/// the chart's defaults under them, then every subchart's under `dest[sub]` with the parent's
/// globals pushed down. Chart-default nulls are dropped; a user null removes a default.
fn coalesce_values(c: &LoadedChart, dest: &Value) -> Result<(), ChartError> {
    coalesce(c, dest, false)
}

/// Helm's `coalesce(chart, dest, merge)`: `coalesceValues` then `coalesceDeps`. With `merge`
/// (Helm's `MergeValues`) nulls are kept.
fn coalesce(c: &LoadedChart, dest: &Value, merge: bool) -> Result<(), ChartError> {
    coalesce_own(c, dest, merge);
    let Value::Map(dm) = dest else {
        return Ok(());
    };
    for sub in &c.subcharts {
        let existing = dm.borrow().get(&sub.name).cloned();
        let sub_dest = match existing {
            None => {
                let m = Value::empty_map();
                dm.borrow_mut().insert(sub.name.clone(), m.clone());
                m
            }
            Some(v @ Value::Map(_)) => v,
            Some(other) => {
                // Go prints the value with %t.
                let shown = match &other {
                    Value::Bool(b) => b.to_string(),
                    Value::Nil => "%!t(<nil>)".to_string(),
                    v => format!("%!t({}={})", v.type_name(), v.to_go_string()),
                };
                return Err(ChartError::new(
                    format!("type mismatch on {}: {}", sub.name, shown),
                    c.origin.join("values.yaml").display().to_string(),
                    0,
                    0,
                ));
            }
        };
        coalesce_globals(&sub_dest, dest);
        coalesce(sub, &sub_dest, merge)?;
    }
    Ok(())
}

/// Helm's `coalesceValues`: a copy of the chart's defaults under `v` (`v` wins).
fn coalesce_own(c: &LoadedChart, v: &Value, merge: bool) {
    let Value::Map(vm) = v else {
        return;
    };
    let defaults = c.values.deep_copy();
    let Value::Map(dm) = &defaults else {
        return;
    };
    let entries: Vec<(String, Value)> = dm
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in entries {
        let existing = vm.borrow().get(&key).cloned();
        match existing {
            Some(Value::Nil) if !merge => {
                // A null from the user removes the key (and so the default).
                vm.borrow_mut().remove(&key);
            }
            Some(dest @ Value::Map(_)) => {
                if let Value::Map(_) = val {
                    // A subchart's table is merged (nulls kept for the subchart's own pass).
                    let merge = merge || c.subcharts.iter().any(|s| s.name == key);
                    if !merge {
                        clean_nil_values(&val);
                    }
                    coalesce_tables_full(&dest, &val, merge);
                }
                // A table over a non-table default: the user's wins (Helm warns).
            }
            Some(_) => {}
            None => {
                if !merge {
                    if val.is_nil() {
                        continue;
                    }
                    clean_nil_values(&val);
                }
                vm.borrow_mut().insert(key, val);
            }
        }
    }
}

/// Helm's `processDependencyEnabled`: applies aliases, then tags and conditions (a condition
/// that resolves to a bool wins over tags), removing disabled subcharts, recursively.
fn process_enabled(c: &mut LoadedChart, v: &Value, path: &str) -> Result<(), ChartError> {
    if c.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut c.subcharts);
    let mut deps: Vec<LoadedChart> = Vec::new();
    // Subcharts not declared in Chart.yaml are kept as they are.
    for s in &existing {
        let declared = c
            .dependencies
            .iter()
            .any(|d| d.name == s.name && compatible(&d.version, &s.version));
        if !declared {
            deps.push(s.clone());
        }
    }
    for d in c.dependencies.iter_mut() {
        if let Some(s) = existing
            .iter()
            .find(|s| s.name == d.name && compatible(&d.version, &s.version))
        {
            let mut s = s.clone();
            if !d.alias.is_empty() {
                s.name = d.alias.clone();
                s.metadata.insert("Name".into(), Value::str(&d.alias));
            }
            deps.push(s);
        }
        if !d.alias.is_empty() {
            d.name = d.alias.clone();
        }
        d.enabled = true;
    }
    c.subcharts = deps;

    let cvals = v.deep_copy();
    coalesce_values(c, &cvals)?;
    // Tags first, from the top-level `tags` table.
    if let Some(Value::Map(tags)) = table(&cvals, "tags") {
        let tags = tags.borrow();
        for d in c.dependencies.iter_mut() {
            let (mut has_true, mut has_false) = (false, false);
            for t in &d.tags {
                match tags.get(t) {
                    Some(Value::Bool(true)) => has_true = true,
                    Some(Value::Bool(false)) => has_false = true,
                    _ => {}
                }
            }
            d.enabled = has_true || !has_false;
        }
    }
    // Then conditions: the first path that resolves to a bool decides.
    for d in c.dependencies.iter_mut() {
        for cond in d.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(&cvals, &format!("{}{}", path, cond)) {
                d.enabled = b;
                break;
            }
        }
    }
    let disabled: Vec<String> = c
        .dependencies
        .iter()
        .filter(|d| !d.enabled)
        .map(|d| d.name.clone())
        .collect();
    c.subcharts.retain(|s| !disabled.contains(&s.name));
    c.dependencies.retain(|d| d.enabled);
    for s in c.subcharts.iter_mut() {
        let sub_path = format!("{}{}.", path, s.name);
        process_enabled(s, &cvals, &sub_path)?;
    }
    Ok(())
}

/// Helm's `processDependencyImportValues(chart, merge=true)`, children first: for every chart
/// that declares dependencies, its values become `MergeValues(chart, {})` (its defaults with
/// every subchart's, nulls kept) with the `import-values` tables underneath (`{child,
/// parent}`, or a string naming `exports.NAME`): the chart's own values win, and the first
/// import of a key wins.
fn process_imports(c: &mut LoadedChart) -> Result<(), ChartError> {
    for s in c.subcharts.iter_mut() {
        process_imports(s)?;
    }
    if c.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = Value::empty_map();
    coalesce(c, &cvals, true)?;
    let b = Value::empty_map();
    for d in &c.dependencies {
        for iv in &d.import_values {
            let (child, parent) = match iv {
                Value::Map(m) => {
                    let m = m.borrow();
                    // Go's fmt.Sprintf("%v", iv["child"]): a missing key prints <nil>.
                    let get = |k: &str| {
                        m.get(k)
                            .map(|v| v.to_go_string())
                            .unwrap_or_else(|| "<nil>".into())
                    };
                    (get("child"), get("parent"))
                }
                Value::Str(s) => (format!("exports.{}", s), ".".to_string()),
                _ => continue,
            };
            let Some(t) = strict_table(&cvals, &format!("{}.{}", d.name, child)) else {
                continue;
            };
            let imported = path_to_map(&parent, t.deep_copy());
            coalesce_tables_full(&b, &imported, true);
        }
    }
    let merged = cvals.deep_copy();
    coalesce_tables_full(&merged, &b, true);
    c.values = merged;
    Ok(())
}

/// Helm's `Values.Table`: every dot-separated part (empty ones included) must name a table.
fn strict_table(root: &Value, path: &str) -> Option<Value> {
    crate::render::values::table_at(root, path.split('.'))
}

/// The user's values: files merged in order, then `--set` applied; with the files parsed.
fn user_values(options: &RenderOptions) -> Result<(Value, Vec<Arc<ValuesFile>>), ChartError> {
    let mut vals = Value::empty_map();
    let mut files = Vec::new();
    for f in &options.values_files {
        // Helm: `open FILE: no such file or directory`.
        let text = std::fs::read_to_string(f).map_err(|e| {
            ChartError::new(
                format!("open {}: {}", f.display(), e),
                f.display().to_string(),
                0,
                0,
            )
        })?;
        let (v, node) = parse_values(&text).map_err(|e| yaml_error(f, &e))?;
        vals = merge_maps(&vals, &v);
        if let Some(root) = node {
            files.push(Arc::new(ValuesFile {
                path: f.clone(),
                text,
                root,
            }));
        }
    }
    for (name, text) in &options.inline_values {
        let (v, _) = parse_values(text).map_err(|e| yaml_error(Path::new(name), &e))?;
        vals = merge_maps(&vals, &v);
    }
    for s in &options.set {
        apply_set(&vals, s)
            .map_err(|e| ChartError::new(format!("failed parsing --set data: {}", e), "", 0, 0))?;
    }
    for s in &options.set_string {
        apply_set_string(&vals, s).map_err(|e| {
            ChartError::new(format!("failed parsing --set-string data: {}", e), "", 0, 0)
        })?;
    }
    Ok((vals, files))
}

/// The `values.yaml` files of a chart and of all its loaded subcharts, chart first.
fn chart_values_files(chart: &LoadedChart, out: &mut Vec<Arc<ValuesFile>>) {
    out.extend(chart.values_file.clone());
    for sub in &chart.subcharts {
        chart_values_files(sub, out);
    }
}

// ---------------------------------------------------------------------------------------
// Rendering

struct Renderable {
    /// Helm's template name (`chart/charts/sub/templates/x.yaml`).
    name: String,
    source: String,
    /// The chart-level root map shared by the chart's templates (Helm shares it too).
    root: Value,
    base_path: String,
    file: PathBuf,
    chart_dir: PathBuf,
    values_prefix: Vec<String>,
}

fn map_of(pairs: Vec<(&str, Value)>) -> Value {
    Value::new_map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn capabilities(options: &RenderOptions) -> Result<Value, ChartError> {
    let kv_text = options.kube_version.as_deref().unwrap_or("v1.36.0");
    let kv = KubeVersion::parse(kv_text)
        .ok_or_else(|| ChartError::new(format!("invalid kube version {:?}", kv_text), "", 0, 0))?;
    let mut apis: Vec<String> = DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
    apis.extend(options.api_versions.iter().cloned());
    Ok(map_of(vec![
        ("KubeVersion", Value::Object(Rc::new(kv))),
        ("APIVersions", Value::Object(Rc::new(ApiVersions(apis)))),
        (
            "HelmVersion",
            map_of(vec![
                ("Version", Value::str("v4.2")),
                ("GitCommit", Value::str("")),
                ("GitTreeState", Value::str("")),
                ("GoVersion", Value::str("go1.26.6")),
                ("KubeClientVersion", Value::str("v1.36")),
            ]),
        ),
    ]))
}

/// Helm's `recAllTpls`: one context per chart, templates named after the chart path.
fn collect(
    c: &LoadedChart,
    values: Value,
    chart_path: &str,
    values_prefix: &[String],
    common: &(Value, Value),
    out: &mut Vec<Renderable>,
) -> Value {
    let is_root = values_prefix.is_empty();
    let mut subcharts = BTreeMap::new();
    for s in &c.subcharts {
        let sub_vals = table(&values, &s.name).unwrap_or_else(Value::empty_map);
        let sub_path = format!("{}/charts/{}", chart_path, s.name);
        let mut sub_prefix = values_prefix.to_vec();
        sub_prefix.push(s.name.clone());
        let ctx = collect(s, sub_vals, &sub_path, &sub_prefix, common, out);
        subcharts.insert(s.name.clone(), ctx);
    }
    let mut meta = c.metadata.clone();
    meta.insert("IsRoot".into(), Value::Bool(is_root));
    meta.insert(
        "Dependencies".into(),
        Value::new_list(c.dependencies.iter().map(dependency_value).collect()),
    );
    let root = map_of(vec![
        ("Chart", Value::new_map(meta)),
        ("Files", Value::Object(Rc::new(Files::new(c.files.clone())))),
        ("Release", common.0.clone()),
        ("Capabilities", common.1.clone()),
        ("Values", values),
        ("Subcharts", Value::new_map(subcharts)),
    ]);
    let library = c.chart_type == "library";
    for (rel, src) in &c.templates {
        let base = rel.rsplit('/').next().unwrap_or(rel);
        // Only the partials of a library chart exist for Helm.
        if library && !base.starts_with('_') {
            continue;
        }
        out.push(Renderable {
            name: format!("{}/{}", chart_path, rel),
            source: src.clone(),
            root: root.clone(),
            base_path: format!("{}/templates", chart_path),
            file: c.origin.join(rel),
            chart_dir: c.origin.clone(),
            values_prefix: values_prefix.to_vec(),
        });
    }
    root
}

fn dependency_value(d: &Dependency) -> Value {
    map_of(vec![
        ("Name", Value::str(&d.name)),
        ("Version", Value::str(&d.version)),
        ("Repository", Value::str(&d.repository)),
        ("Condition", Value::str(&d.condition)),
        (
            "Tags",
            Value::new_list(d.tags.iter().map(|t| Value::str(t)).collect()),
        ),
        ("Enabled", Value::Bool(d.enabled)),
        ("ImportValues", Value::new_list(d.import_values.clone())),
        ("Alias", Value::str(&d.alias)),
    ])
}

/// Helm's `sortTemplates`: deepest paths first, then reverse alphabetical, so that when
/// `define`s collide the parent chart's (parsed last) win.
fn helm_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
    cb.cmp(&ca).then_with(|| b.cmp(a))
}

fn template_error(e: &crate::render::TemplateError, name: &str) -> ChartError {
    let message = match e.kind {
        ErrorKind::Parse => {
            // Helm's cleanupParseError: "parse error at (FILE:LINE): last part".
            let last = e.text.rsplit(": ").next().unwrap_or(&e.text);
            format!("parse error at ({}:{}): {}", e.file, e.line, last)
        }
        _ => e.helm_message(),
    };
    let file = if e.file.is_empty() { name } else { &e.file };
    // Go counts columns from 0 (and gives none for parse errors); reports count from 1.
    let column = match e.kind {
        ErrorKind::Parse => 0,
        _ => e.col + 1,
    };
    ChartError::new(message, file, e.line, column)
}

/// Renders a loaded chart (dependencies, values, templates).
pub fn render_loaded(
    mut chart: LoadedChart,
    options: &RenderOptions,
) -> Result<RenderedChart, ChartError> {
    if chart.chart_type == "library" {
        return Err(ChartError::new(
            "validation: chart.metadata.type: library charts are not installable",
            chart.origin.join("Chart.yaml").display().to_string(),
            0,
            0,
        ));
    }
    if !options.dependencies.allow_missing {
        check_dependencies(&chart)?;
    }
    let caps = capabilities(options)?;
    if !chart.kube_version.is_empty() {
        let kv = options.kube_version.as_deref().unwrap_or("v1.36.0");
        if !compatible(&chart.kube_version, kv) {
            return Err(ChartError::new(
                format!(
                    "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
                    chart.kube_version, kv
                ),
                chart.origin.join("Chart.yaml").display().to_string(),
                0,
                0,
            ));
        }
    }
    let (user, mut values_files) = user_values(options)?;
    // Before disabled subcharts are dropped: a schema check may still locate in their files.
    chart_values_files(&chart, &mut values_files);
    process_enabled(&mut chart, &user, "")?;
    let mut dependencies = Vec::new();
    dependency_reports(&chart, &chart.name, &mut dependencies);
    // From here on, an error may come from a dependency the chart is rendered without.
    let missing: Vec<DependencyReport> = dependencies
        .iter()
        .filter(|d| d.resolved.is_none())
        .cloned()
        .collect();
    let with_missing = |mut e: ChartError| {
        e.missing = missing.clone();
        e
    };
    process_imports(&mut chart).map_err(with_missing)?;
    let values = user.deep_copy();
    coalesce_values(&chart, &values).map_err(with_missing)?;
    let values_json = values.to_json_value();

    let release = map_of(vec![
        ("Name", Value::str(&options.release_name)),
        ("Namespace", Value::str(&options.namespace)),
        ("IsInstall", Value::Bool(true)),
        ("IsUpgrade", Value::Bool(false)),
        ("Revision", Value::Int(1)),
        ("Service", Value::str("Helm")),
    ]);
    let mut renderables = Vec::new();
    let chart_name = chart.name.clone();
    collect(
        &chart,
        values,
        &chart_name,
        &[],
        &(release, caps),
        &mut renderables,
    );
    renderables.sort_by(|a, b| helm_order(&a.name, &b.name));

    let mut templates = Templates::with_shared_funcs(Rc::new(Funcs::builtin()));
    for r in &renderables {
        templates
            .add(&r.name, &r.source)
            .map_err(|e| with_missing(template_error(&e, &r.name)))?;
    }
    let mut out = Vec::new();
    for r in &renderables {
        let base = r.name.rsplit('/').next().unwrap_or(&r.name);
        if base.starts_with('_') {
            continue;
        }
        if let Value::Map(m) = &r.root {
            m.borrow_mut().insert(
                "Template".into(),
                map_of(vec![
                    ("Name", Value::str(&r.name)),
                    ("BasePath", Value::str(&r.base_path)),
                ]),
            );
        }
        let (text, marks) = templates
            .render_traced(&r.name, r.root.clone())
            .map_err(|e| with_missing(template_error(&e, &r.name)))?;
        // Helm renders NOTES.txt too (its errors count) but `helm template` does not print it.
        if base == "NOTES.txt" {
            continue;
        }
        out.push(RenderedTemplate {
            name: r.name.clone(),
            text,
            file: r.file.clone(),
            source: r.source.clone(),
            marks,
            chart_dir: r.chart_dir.clone(),
            values_prefix: r.values_prefix.clone(),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(RenderedChart {
        templates: out,
        values: values_json,
        dependencies,
        values_files,
    })
}

// ---------------------------------------------------------------------------------------
// `helm template` output

/// Helm's `SplitManifests`: documents separated by `---` lines, trimmed, empty ones dropped.
pub fn split_documents(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        // Helm's separator regex `(?:^|\s*\n)---\s*` splits at `---` at a line start.
        if bare
            .strip_prefix("---")
            .is_some_and(|r| r.trim().is_empty())
        {
            docs.push(std::mem::take(&mut cur));
            continue;
        }
        cur.push_str(line);
    }
    docs.push(cur);
    docs.into_iter()
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect()
}

/// Helm's install order of kinds (`releaseutil.InstallOrder`).
const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// What `helm template` prints: documents sorted by kind in install order (stable, by
/// template name first), hooks after the manifests, each as `---\n# Source: NAME\nDOC\n`.
pub fn helm_template_output(chart: &RenderedChart) -> String {
    let mut manifests = Vec::new();
    let mut hooks = Vec::new();
    for t in &chart.templates {
        for doc in split_documents(&t.text) {
            let head = yaml::load(&doc, Limits::default())
                .documents
                .into_iter()
                .next()
                .map(|d| d.root);
            let kind = head
                .as_ref()
                .and_then(|n| n.get("kind"))
                .and_then(|k| k.as_str())
                .unwrap_or("")
                .to_string();
            let is_hook = head
                .as_ref()
                .and_then(|n| n.get("metadata"))
                .and_then(|m| m.get("annotations"))
                .and_then(|a| a.get("helm.sh/hook"))
                .is_some();
            let entry = (kind, t.name.clone(), doc);
            if is_hook {
                hooks.push(entry);
            } else {
                manifests.push(entry);
            }
        }
    }
    let rank = |k: &str| INSTALL_ORDER.iter().position(|o| *o == k);
    manifests.sort_by(|a, b| match (rank(&a.0), rank(&b.0)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.0.cmp(&b.0),
    });
    let mut out = String::new();
    for (_, name, doc) in manifests.iter().chain(hooks.iter()) {
        out.push_str(&format!("---\n# Source: {}\n{}\n", name, doc));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gzipped tar in memory; names are written raw (no validation), as a hostile archive.
    fn tgz(files: &[(&str, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut b = tar::Builder::new(gz);
        for (name, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(tar::EntryType::Regular);
            let raw = h.as_old_mut();
            raw.name[..name.len()].copy_from_slice(name.as_bytes());
            h.set_cksum();
            b.append(&h, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    const CHART: &[u8] = b"apiVersion: v2\nname: c\nversion: 0.1.0\n";

    #[test]
    fn reads_packaged_subcharts_and_refuses_hostile_archives() {
        let sub = tgz(&[
            (
                "sub/Chart.yaml",
                b"apiVersion: v2\nname: sub\nversion: 1.0.0\n",
            ),
            ("sub/values.yaml", b"x: 1\n"),
            ("sub/templates/a.yaml", b"x: {{ .Values.x }}\n"),
        ]);
        let parent = vec![
            ("Chart.yaml".to_string(), CHART.to_vec()),
            ("charts/sub-1.0.0.tgz".to_string(), sub),
        ];
        let c = load_files(parent, Path::new("c")).unwrap();
        assert_eq!(c.subcharts.len(), 1);
        assert_eq!(c.subcharts[0].name, "sub");
        let out = render_loaded(c, &RenderOptions::default()).unwrap();
        assert_eq!(out.templates[0].name, "c/charts/sub/templates/a.yaml");
        assert_eq!(out.templates[0].text, "x: 1\n");
        let sub_values = out
            .values_file(Path::new("c/charts/sub-1.0.0.tgz/values.yaml"))
            .unwrap();
        assert_eq!(sub_values.text, "x: 1\n");

        let mut budget = ArchiveBudget::default();
        let p = Path::new("x.tgz");
        for (files, want) in [
            (
                vec![
                    ("c/Chart.yaml", CHART),
                    ("c/../../etc/passwd", b"x" as &[u8]),
                ],
                "chart illegally references parent directory",
            ),
            (
                vec![("Chart.yaml", CHART)],
                "chart yaml not in base directory",
            ),
            (
                vec![("c/Chart.yaml", CHART), ("c//abs", b"x")],
                "chart illegally contains absolute paths",
            ),
            (
                vec![("c/Chart.yaml", CHART), ("c/c:/x", b"x")],
                "chart contains illegally named files",
            ),
        ] {
            let e = read_archive(&tgz(&files), p, &mut budget).unwrap_err();
            assert_eq!(e.message, want);
        }
        let big = vec![0u8; (MAX_ARCHIVE_FILE_BYTES + 1) as usize];
        let e = read_archive(
            &tgz(&[("c/Chart.yaml", CHART), ("c/big", &big)]),
            p,
            &mut budget,
        )
        .unwrap_err();
        assert!(
            e.message.contains("larger than the maximum file size"),
            "{}",
            e.message
        );
        let e = read_archive(b"not gzip", p, &mut budget).unwrap_err();
        assert!(e.message.contains("not appear to be a gzipped archive"));
        // Truncated gzip: an error, not a panic.
        let mut cut = tgz(&[("c/Chart.yaml", CHART)]);
        cut.truncate(cut.len() / 2);
        assert!(read_archive(&cut, p, &mut budget).is_err());
    }

    #[test]
    fn hands_back_the_values_files_it_parsed() {
        let dir = std::env::temp_dir().join(format!("cct-values-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let user = dir.join("prod.yaml");
        std::fs::write(&user, "x: 2\n").unwrap();
        let files = vec![
            ("Chart.yaml".to_string(), CHART.to_vec()),
            ("values.yaml".to_string(), b"x: 1\nlist: [a]\n".to_vec()),
            (
                "templates/a.yaml".to_string(),
                b"x: {{ .Values.x }}\n".to_vec(),
            ),
        ];
        let c = load_files(files, Path::new("c")).unwrap();
        let options = RenderOptions {
            values_files: vec![user.clone()],
            ..RenderOptions::default()
        };
        let out = render_loaded(c, &options).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(out.templates[0].text, "x: 2\n");
        let paths: Vec<&Path> = out.values_files.iter().map(|f| f.path.as_path()).collect();
        assert_eq!(paths, [user.as_path(), Path::new("c/values.yaml")]);
        let chart = out.values_file(Path::new("c/values.yaml")).unwrap();
        assert_eq!(chart.text, "x: 1\nlist: [a]\n");
        assert_eq!(
            chart.root.get("list").map(|n| n.span.start.line),
            Some(2),
            "{:?}",
            chart.root
        );
        assert_eq!(out.values_file(&user).unwrap().text, "x: 2\n");
    }

    #[test]
    fn split_documents_like_helm() {
        let d = split_documents("a: 1\n---\n\n--- \nb: 2\n---\n  \n");
        assert_eq!(d, vec!["a: 1".to_string(), "b: 2".to_string()]);
    }

    #[test]
    fn helm_template_order() {
        let mut v = vec![
            "c/templates/b.yaml",
            "c/charts/s/templates/a.yaml",
            "c/templates/a.yaml",
        ];
        v.sort_by(|a, b| helm_order(a, b));
        assert_eq!(
            v,
            vec![
                "c/charts/s/templates/a.yaml",
                "c/templates/b.yaml",
                "c/templates/a.yaml"
            ]
        );
    }
}
