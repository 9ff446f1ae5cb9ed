//! The data model of the Kustomize build, shared by the build and its stages (generators,
//! transformers, replacements, vars, Helm inflation): the resources and their former names,
//! errors and notes, the files read, the kustomization being built, the transformer
//! configurations and vars met so far, and the builder's reading of files under Kustomize's
//! load restrictor. The orchestration (which kustomization, in which order) is `build`; a stage
//! needing a nested build (a `transformers:` directory) calls `Builder::transformer_dir`, which
//! `build` defines. Must not: reach the network, write files, or run a stage itself.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::openapi::Schema;
use super::tree::{KNode, KValue, Origin, Shift};
use crate::parse::yaml;
use crate::span::{Position, Span};

pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

pub(crate) const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// One file the build read, by index in `Build::files`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// An object of the build with the names it had before this build renamed it.
#[derive(Debug, Clone)]
pub struct Resource {
    pub node: KNode,
    /// (name, namespace) before prefixes, suffixes, hashes and `namespace:`, oldest first
    /// (the current one excluded).
    pub prev_names: Vec<(String, String)>,
    /// Made by a generator without `disableNameSuffixHash`: gets the content hash at the end.
    pub needs_hash: bool,
    /// Made by a generator: its `behavior: merge|replace` entries find it by this name.
    pub generated: bool,
}

impl Resource {
    pub fn new(node: KNode) -> Self {
        Self {
            node,
            prev_names: Vec::new(),
            needs_hash: false,
            generated: false,
        }
    }

    pub fn kind(&self) -> &str {
        self.node.str_at(&["kind"]).unwrap_or("")
    }

    pub fn api_version(&self) -> &str {
        self.node.str_at(&["apiVersion"]).unwrap_or("")
    }

    pub fn group(&self) -> &str {
        self.api_version()
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    pub fn version(&self) -> &str {
        let v = self.api_version();
        v.rsplit_once('/').map_or(v, |(_, version)| version)
    }

    pub fn name(&self) -> &str {
        self.node.str_at(&["metadata", "name"]).unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.node.str_at(&["metadata", "namespace"]).unwrap_or("")
    }

    /// The current name or any earlier one.
    pub fn answers_to(&self, name: &str) -> bool {
        self.name() == name || self.prev_names.iter().any(|(n, _)| n == name)
    }

    /// Whether a patch naming `name` (and `namespace` when given) designates this object, by
    /// its current id or an earlier one.
    pub fn matches_id(&self, name: &str, namespace: Option<&str>) -> bool {
        let effective = |ns: &str| {
            if ns.is_empty() {
                "default".to_string()
            } else {
                ns.to_string()
            }
        };
        let wanted = effective(namespace.unwrap_or(""));
        let scoped = !cluster_scoped(self.kind());
        std::iter::once((self.name().to_string(), self.namespace().to_string()))
            .chain(self.prev_names.iter().cloned())
            .any(|(n, ns)| n == name && (!scoped || effective(&ns) == wanted))
    }

    pub fn set_name(&mut self, name: String, origin: Origin) {
        let old = self.name().to_string();
        if old == name {
            return;
        }
        let ns = self.namespace().to_string();
        self.prev_names.push((old, ns));
        if let Some(meta) = self.node.ensure_map(&["metadata"], origin) {
            meta.set("name", KNode::str(name, origin), origin);
        }
    }

    pub(super) fn id(&self) -> (String, String, String, String) {
        let ns = self.namespace();
        let ns = if ns == "default" { "" } else { ns };
        (
            self.group().to_string(),
            self.kind().to_string(),
            ns.to_string(),
            self.name().to_string(),
        )
    }
}

/// Something Kustomize would refuse, at the kustomization line that asked for it.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildError {
    pub origin: Origin,
    pub message: String,
}

/// Something the build did not do (a remote resource, a Helm chart, a plugin).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub origin: Origin,
    pub message: String,
}

/// What building one kustomization directory gave.
#[derive(Debug, Default)]
pub struct Build {
    pub files: Vec<SourceFile>,
    pub resources: Vec<Resource>,
    pub notes: Vec<Note>,
    /// The kustomization files the build read, root first.
    pub kustomizations: Vec<PathBuf>,
    /// The Helm chart directories `helmCharts` inflated.
    pub charts: Vec<PathBuf>,
}

impl Build {
    pub fn file_path(&self, origin: Origin) -> &Path {
        self.files
            .get(origin.file as usize)
            .map_or(Path::new(""), |f| f.path.as_path())
    }

    pub fn file_text(&self, origin: Origin) -> &str {
        self.files
            .get(origin.file as usize)
            .map_or("", |f| f.text.as_str())
    }
}

/// The kustomization file of `dir`, if any.
pub fn kustomization_in(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATION_FILES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// `a/b/../c` → `a/c` without touching the file system (symlinks are not followed).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            // Only a name is taken back: a leading `..` stays (`../../base` from a root
            // written `.`), and nothing goes above `/`.
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A remote resource (URL or git repository) that an offline build cannot read.
pub fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
        || entry.starts_with("git@")
        || entry.contains("?ref=")
        || entry.contains(".git//")
}

#[derive(Default)]
pub(super) struct Builder {
    pub(super) files: Vec<SourceFile>,
    pub(super) file_ids: HashMap<PathBuf, u32>,
    pub(super) stack: Vec<PathBuf>,
    pub(super) notes: Vec<Note>,
    pub(super) kustomizations: Vec<PathBuf>,
    pub(super) vars: Vec<Var>,
    pub(super) charts: Vec<PathBuf>,
    /// Field specs of the `configurations:` met so far.
    pub(super) configs: Configs,
    /// An Application's `kustomize` block, for the root kustomization.
    pub(super) argo: Option<KNode>,
    /// The root's `buildMetadata` entries (Kustomize gives the root's to every kustomization).
    pub(super) build_metadata: Option<Vec<KNode>>,
    /// The build's custom OpenAPI schema: the first `openapi:` met (the root's first), as
    /// Kustomize sets it once for the whole build.
    pub(super) schema: Option<std::rc::Rc<Schema>>,
    pub(super) openapi_seen: bool,
}

/// The kustomization being built: its file and parsed root.
pub(super) struct Kust {
    pub(super) dir: PathBuf,
    pub(super) file: u32,
    pub(super) root: KNode,
}

impl Kust {
    pub(super) fn origin(&self) -> Origin {
        Origin {
            file: self.file,
            span: Span::new(Position::new(1, 1), Position::new(1, 2)),
        }
    }

    /// Origin of the key `key` of the kustomization (its line), else of the file start.
    pub(super) fn key_origin(&self, key: &str) -> Origin {
        self.root
            .entries()
            .iter()
            .find(|e| e.key == key)
            .map_or(self.origin(), |e| e.key_origin)
    }

    pub(super) fn error(&self, at: Origin, message: impl Into<String>) -> BuildError {
        BuildError {
            origin: at,
            message: message.into(),
        }
    }
}

impl Builder {
    /// Reads a file a kustomization names (resource, patch, generator input, configuration):
    /// like Kustomize's default load restrictor, a file outside the kustomization's folder,
    /// symbolic links resolved, is refused (directories, other kustomizations, may be anywhere).
    pub(super) fn read_in(&mut self, kust: &Kust, path: &Path) -> Result<u32, String> {
        if let (Ok(file), Ok(root)) = (
            std::fs::canonicalize(path),
            std::fs::canonicalize(&kust.dir),
        ) {
            if !file.starts_with(&root) {
                return Err(format!(
                    "security; file '{}' is not in or below '{}'",
                    crate::paths::display_path(&normalize(path)),
                    crate::paths::display_path(&kust.dir)
                ));
            }
        }
        self.read(path)
    }

    /// A file whose text the build already has (a chart template, perhaps from an archive).
    pub(super) fn add_file(&mut self, path: &Path, text: &str) -> u32 {
        if let Some(id) = self.file_ids.get(path) {
            return *id;
        }
        let id = self.files.len() as u32;
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text: text.to_string(),
        });
        self.file_ids.insert(path.to_path_buf(), id);
        id
    }

    /// Reads a file once; its index for origins.
    pub(super) fn read(&mut self, path: &Path) -> Result<u32, String> {
        if let Some(id) = self.file_ids.get(path) {
            return Ok(*id);
        }
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.len() > MAX_FILE_SIZE {
            return Err(format!(
                "{}: larger than {MAX_FILE_SIZE} bytes",
                path.display()
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("{}: not valid UTF-8", path.display()))?;
        let text = text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text);
        let id = self.files.len() as u32;
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text,
        });
        self.file_ids.insert(path.to_path_buf(), id);
        Ok(id)
    }

    pub(super) fn text(&self, file: u32) -> &str {
        self.files
            .get(file as usize)
            .map_or("", |f| f.text.as_str())
    }

    /// Every YAML document of a file (or of an inline block), as trees.
    pub(super) fn documents(
        &self,
        text: &str,
        file: u32,
        shift: Shift,
        at: Origin,
    ) -> Result<Vec<KNode>, BuildError> {
        let stream = yaml::load(text, yaml::Limits::default());
        if let Some(e) = stream.errors.first() {
            if e.kind != yaml::YamlErrorKind::DuplicateKey {
                return Err(BuildError {
                    origin: at,
                    message: format!(
                        "{}: line {}: {}",
                        self.display(file),
                        e.span.start.line + shift.lines,
                        e.message
                    ),
                });
            }
        }
        let mut docs: Vec<KNode> = stream
            .documents
            .iter()
            .map(|d| KNode::from_yaml(&d.root, file, shift))
            .collect();
        if !text.ends_with('\n') {
            if let Some(last) = docs.last_mut() {
                unclip_final_block(last, text, shift);
            }
        }
        Ok(docs)
    }

    pub(super) fn display(&self, file: u32) -> String {
        self.files
            .get(file as usize)
            .map(|f| crate::paths::display_path(&f.path))
            .unwrap_or_default()
    }
}

/// A block scalar (`|`, `>`) that ends the file without a final line break keeps no line
/// break in go-yaml (what Kustomize reads); the YAML loader adds one. Removes it from the last
/// scalar of the text when it is such a block with clip chomping.
fn unclip_final_block(node: &mut KNode, text: &str, shift: Shift) {
    let (key_end, child) = match &mut node.value {
        KValue::Map(entries) => match entries.last_mut() {
            Some(e) => (Some(e.key_origin.span.end), &mut e.value),
            None => return,
        },
        KValue::Seq(items) => match items.last_mut() {
            Some(n) => (None, n),
            None => return,
        },
        _ => return,
    };
    if matches!(child.value, KValue::Map(_) | KValue::Seq(_)) {
        unclip_final_block(child, text, shift);
        return;
    }
    // The indicator follows the key on its line: `key: |`.
    let Some(end) = key_end else { return };
    let line = end.line.saturating_sub(shift.lines) as usize;
    let column = end.column.saturating_sub(shift.columns) as usize;
    let after: String = text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .chars()
        .skip(column.saturating_sub(1))
        .collect();
    let indicator = after.trim_start_matches([':', ' ', '\t']);
    let clip = (indicator.starts_with('|') || indicator.starts_with('>'))
        && !indicator[1..]
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(['+', '-']);
    if let (true, KValue::Str(s)) = (clip, &mut child.value) {
        if s.ends_with('\n') {
            s.pop();
        }
    }
}

/// A field spec read from a transformer configuration.
#[derive(Debug, Clone)]
pub(super) struct OwnedSpec {
    pub(super) kind: Option<String>,
    pub(super) group: Option<String>,
    pub(super) path: String,
    pub(super) create: bool,
}

impl OwnedSpec {
    pub(super) fn read(f: &KNode) -> Self {
        OwnedSpec {
            kind: f.str_at(&["kind"]).map(str::to_string),
            group: f.str_at(&["group"]).map(str::to_string),
            path: f.str_at(&["path"]).unwrap_or("").to_string(),
            create: matches!(f.get("create").map(|c| &c.value), Some(KValue::Bool(true))),
        }
    }

    pub(super) fn selects(&self, r: &Resource) -> bool {
        !self.path.is_empty()
            && self.kind.as_deref().is_none_or(|k| k == r.kind())
            && self.group.as_deref().is_none_or(|g| g == r.group())
    }
}

/// Field specs of `configurations:` files (Kustomize's transformer configurations), added to
/// the built-in ones for the rest of the build: where `images`, `commonLabels` and
/// `commonAnnotations` write, which fields name which kinds, where `$(VAR)` are replaced.
#[derive(Debug, Default, Clone)]
pub(super) struct Configs {
    pub(super) images: Vec<OwnedSpec>,
    pub(super) common_labels: Vec<OwnedSpec>,
    pub(super) common_annotations: Vec<OwnedSpec>,
    /// (kind referred to, field that names it).
    pub(super) name_reference: Vec<(String, OwnedSpec)>,
    pub(super) var_reference: Vec<OwnedSpec>,
}

/// Kinds without a namespace: `namespace:` leaves them alone.
pub fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "APIService"
            | "IngressClass"
            | "RuntimeClass"
            | "CSIDriver"
            | "CSINode"
            | "VolumeAttachment"
            | "Node"
            | "ComponentStatus"
            | "CertificateSigningRequest"
            | "ClusterIssuer"
            | "PodSecurityPolicy"
            | "TokenReview"
            | "SelfSubjectAccessReview"
            | "SubjectAccessReview"
            | "FlowSchema"
            | "PriorityLevelConfiguration"
    )
}
/// A legacy var (`vars:` entry) of the build.
#[derive(Debug, Clone)]
pub(super) struct Var {
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) object: String,
    pub(super) api_version: Option<String>,
    pub(super) field_path: String,
    pub(super) origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_takes_back_names_only() {
        for (path, normal) in [
            ("a/b/../c", "a/c"),
            ("./x/./y/..", "x"),
            ("../../base", "../../base"),
            ("./../../base", "../../base"),
            ("a/../../b", "../b"),
            ("../a/../b", "../b"),
            ("/a/../../b", "/b"),
            ("", ""),
        ] {
            assert_eq!(normalize(Path::new(path)), PathBuf::from(normal), "{path}");
        }
    }
}
