//! The in-process Kustomize build: reads a kustomization directory and its resources, bases
//! and components, runs the generators and the built-in transformers in Kustomize v5's order,
//! then adds the generated names' hashes and fixes the references to renamed objects. Every
//! output node keeps the origin of where it was last written. A problem Kustomize would refuse
//! is a located `BuildError` (the build of that root stops); what is not built here (remote
//! resources, Helm charts, plugins) is a located `Note`. Must not: reach the network, run a
//! program, write a file, or recurse without bound.

use std::path::{Component, Path, PathBuf};

pub use super::model::{
    is_remote, kustomization_in, normalize, Build, BuildError, Note, Resource, SourceFile,
    KUSTOMIZATION_FILES,
};
use super::model::{Builder, Kust};
use super::tree::{KNode, KValue, Origin, Shift};
use crate::span::{Position, Span};

/// Nested kustomizations deeper than this are refused (Kustomize has no limit; cycles are
/// caught apart, this only bounds pathological trees).
const MAX_DEPTH: usize = 64;
/// Builds the kustomization in `dir` as `kubectl kustomize dir` does.
pub fn build(dir: &Path) -> (Build, Result<(), BuildError>) {
    build_with(dir, None)
}

/// Builds the kustomization in `dir` with an Argo CD Application's `kustomize` block applied
/// to it first, as Argo CD builds that Application's source.
pub fn build_with(
    dir: &Path,
    overlay: Option<&super::argo_overlay::Overlay>,
) -> (Build, Result<(), BuildError>) {
    let mut builder = Builder::default();
    let dir = normalize(dir);
    let result = builder
        .overlay(overlay)
        .and_then(|()| builder.kustomization(&dir, Expect::Kustomization, None, Vec::new(), 0))
        .and_then(|mut resources| {
            super::generate::add_hashes(&mut resources);
            super::transform::fix_name_references(&mut resources, &builder.configs.name_reference);
            super::vars::resolve(
                &builder.vars,
                &builder.configs.var_reference,
                &mut resources,
            )?;
            for r in &mut resources {
                drop_empty_annotations(&mut r.node);
            }
            if let Some(entries) = builder.build_metadata.take() {
                build_metadata(&builder, &dir, &entries, &mut resources);
            }
            Ok(resources)
        });
    let mut build = Build {
        files: builder.files,
        notes: builder.notes,
        kustomizations: builder.kustomizations,
        charts: builder.charts,
        ..Build::default()
    };
    match result {
        Ok(resources) => {
            build.resources = resources;
            (build, Ok(()))
        }
        Err(e) => (build, Err(e)),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Kustomization,
    Component,
}

impl Builder {
    /// The output of the kustomization in `dir`, named by a `transformers:` entry at `from`:
    /// transformer configurations.
    pub(super) fn transformer_dir(
        &mut self,
        dir: &Path,
        from: Origin,
    ) -> Result<Vec<Resource>, BuildError> {
        let depth = self.stack.len();
        self.kustomization(
            dir,
            Expect::Kustomization,
            Some(from),
            Vec::new(),
            depth + 1,
        )
    }

    /// Builds the kustomization of `dir`; a component gets the resources accumulated so far.
    fn kustomization(
        &mut self,
        dir: &Path,
        expect: Expect,
        from: Option<Origin>,
        input: Vec<Resource>,
        depth: usize,
    ) -> Result<Vec<Resource>, BuildError> {
        let at = from.unwrap_or_default();
        if depth > MAX_DEPTH {
            return Err(BuildError {
                origin: at,
                message: format!("kustomizations nested deeper than {MAX_DEPTH} levels"),
            });
        }
        // Compared by canonical path: a symlinked directory is the same kustomization.
        let identity = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if self.stack.contains(&identity) {
            return Err(BuildError {
                origin: at,
                message: format!("cycle: {} includes itself", dir.display()),
            });
        }
        let Some(path) = kustomization_in(dir) else {
            return Err(BuildError {
                origin: at,
                message: format!(
                    "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                    dir.display()
                ),
            });
        };
        let file = self.read(&path).map_err(|message| BuildError {
            origin: at,
            message,
        })?;
        self.kustomizations.push(path.clone());
        let text = self.text(file).to_string();
        let start = Origin {
            file,
            span: Span::new(Position::new(1, 1), Position::new(1, 2)),
        };
        let docs = self.documents(&text, file, Shift::default(), start)?;
        let mut root = docs.into_iter().next().unwrap_or_else(|| KNode::map(start));
        if depth == 0 {
            if let Some(block) = self.argo.take() {
                for (key, origin) in super::argo_overlay::apply(&mut root, &block, dir) {
                    self.notes.push(Note {
                        origin,
                        message: format!("Argo CD's kustomize `{key}` is not applied here"),
                    });
                }
            }
            self.build_metadata = root.get("buildMetadata").map(|b| b.items().to_vec());
            for entry in self.build_metadata.iter().flatten() {
                let name = entry.scalar_text().unwrap_or_default();
                if !matches!(name.as_str(), "managedByLabel" | "originAnnotations") {
                    self.notes.push(Note {
                        origin: entry.origin,
                        message: format!("buildMetadata `{name}` is not applied here"),
                    });
                }
            }
        }
        if !matches!(root.value, KValue::Map(_)) {
            return Err(BuildError {
                origin: start,
                message: "a kustomization must be a mapping".into(),
            });
        }
        let meaningful = root.entries().iter().any(|e| {
            !matches!(e.key.as_str(), "apiVersion" | "kind")
                && !matches!(e.value.value, KValue::Null)
        });
        if !meaningful {
            // Kustomize refuses a kustomization that asks for nothing.
            return Err(BuildError {
                origin: from.unwrap_or(start),
                message: format!(
                    "{}: kustomization.yaml is empty",
                    crate::paths::display_path(&path)
                ),
            });
        }
        let kust = Kust {
            dir: dir.to_path_buf(),
            file,
            root,
        };
        let kind = kust.root.str_at(&["kind"]).unwrap_or("Kustomization");
        match (expect, kind) {
            (Expect::Component, "Component") | (Expect::Kustomization, "Kustomization") => {}
            (Expect::Kustomization, "Component") => {
                return Err(kust.error(
                    at,
                    format!(
                        "expected kind 'Kustomization' for path '{}' but got 'Component'",
                        dir.display()
                    ),
                ))
            }
            (Expect::Component, _) => {
                return Err(kust.error(
                    at,
                    format!(
                        "expected kind 'Component' for path '{}' but got '{kind}'",
                        dir.display()
                    ),
                ))
            }
            (_, other) => {
                return Err(kust.error(
                    kust.key_origin("kind"),
                    format!("unsupported kustomization kind '{other}'"),
                ))
            }
        }
        self.stack.push(identity);
        let result = self.accumulate(&kust, input, depth);
        self.stack.pop();
        result
    }

    fn accumulate(
        &mut self,
        kust: &Kust,
        mut resources: Vec<Resource>,
        depth: usize,
    ) -> Result<Vec<Resource>, BuildError> {
        self.openapi(kust)?;
        for key in ["resources", "bases"] {
            for entry in kust.root.get(key).map(KNode::items).unwrap_or(&[]) {
                let Some(name) = entry.scalar_text() else {
                    return Err(kust.error(entry.origin, format!("`{key}` entries are paths")));
                };
                if is_remote(&name) {
                    self.notes.push(Note {
                        origin: entry.origin,
                        message: format!("remote resource `{name}` not checked here"),
                    });
                    continue;
                }
                let path = normalize(&kust.dir.join(&name));
                if path.is_dir() {
                    let built = self.kustomization(
                        &path,
                        Expect::Kustomization,
                        Some(entry.origin),
                        Vec::new(),
                        depth + 1,
                    )?;
                    add_all(kust, &mut resources, built, entry.origin)?;
                } else if path.is_file() {
                    let file = self
                        .read_in(kust, &path)
                        .map_err(|message| kust.error(entry.origin, message))?;
                    let text = self.text(file).to_string();
                    let mut loaded = Vec::new();
                    for doc in self.documents(&text, file, Shift::default(), entry.origin)? {
                        flatten_lists(doc, &mut loaded);
                    }
                    for node in &loaded {
                        if node.str_at(&["kind"]).is_none_or(str::is_empty) {
                            return Err(kust.error(
                                entry.origin,
                                format!("{name}: missing kind in an object"),
                            ));
                        }
                        if node.str_at(&["kind"]) == Some("Kustomization") {
                            return Err(kust.error(
                                entry.origin,
                                format!("{name}: a Kustomization is not a resource"),
                            ));
                        }
                    }
                    add_all(
                        kust,
                        &mut resources,
                        loaded.into_iter().map(Resource::new).collect(),
                        entry.origin,
                    )?;
                } else {
                    return Err(kust.error(
                        entry.origin,
                        format!(
                            "accumulating resources: '{}': no such file or directory",
                            path.display()
                        ),
                    ));
                }
            }
        }
        for entry in kust.root.get("components").map(KNode::items).unwrap_or(&[]) {
            let Some(name) = entry.scalar_text() else {
                return Err(kust.error(entry.origin, "`components` entries are paths"));
            };
            if is_remote(&name) {
                self.notes.push(Note {
                    origin: entry.origin,
                    message: format!("remote component `{name}` not checked here"),
                });
                continue;
            }
            let path = normalize(&kust.dir.join(&name));
            resources = self.kustomization(
                &path,
                Expect::Component,
                Some(entry.origin),
                resources,
                depth + 1,
            )?;
        }
        for key in [
            "helmChartInflationGenerator",
            "generators",
            "validators",
            "crds",
        ] {
            if kust.root.get(key).is_some() {
                self.notes.push(Note {
                    origin: kust.key_origin(key),
                    message: format!("kustomization field `{key}` is not applied here"),
                });
            }
        }
        check_named_files(kust)?;
        super::transform::read_configurations(self, kust)?;
        super::vars::collect(kust, &mut self.vars)?;
        super::generate::run(self, kust, &mut resources)?;
        super::helm::inflate(self, kust, &mut resources)?;
        super::transform::run(self, kust, &mut resources)?;
        Ok(resources)
    }
}

impl Builder {
    /// Reads the Application an overlay names and keeps its source's `kustomize` block.
    fn overlay(
        &mut self,
        overlay: Option<&super::argo_overlay::Overlay>,
    ) -> Result<(), BuildError> {
        let Some(overlay) = overlay else {
            return Ok(());
        };
        let at = Origin::default();
        let file = self.read(&overlay.file).map_err(|message| BuildError {
            origin: at,
            message,
        })?;
        let start = Origin {
            file,
            span: Span::new(Position::new(1, 1), Position::new(1, 2)),
        };
        let text = self.text(file).to_string();
        let docs = self.documents(&text, file, Shift::default(), start)?;
        self.argo = docs
            .get(overlay.document)
            .and_then(|d| super::argo_overlay::source_node(d, overlay))
            .and_then(|s| s.get("kustomize"))
            .cloned();
        Ok(())
    }

    /// `openapi:`: a `path` to a schema (JSON or YAML) gives the merge keys of the whole build;
    /// a `version` of Kubernetes' built-in schema is not applied here (a note).
    fn openapi(&mut self, kust: &Kust) -> Result<(), BuildError> {
        let Some(openapi) = kust.root.get("openapi") else {
            return Ok(());
        };
        let key = kust.key_origin("openapi");
        if self.openapi_seen {
            return Ok(());
        }
        self.openapi_seen = true;
        let Some(entry) = openapi.get("path") else {
            if openapi.get("version").is_some() {
                self.notes.push(Note {
                    origin: key,
                    message: "kustomization field `openapi` (`version`) is not applied here: Kubernetes' merge keys are used".into(),
                });
            }
            return Ok(());
        };
        let rel = entry.scalar_text().unwrap_or_default();
        let path = normalize(&kust.dir.join(&rel));
        let file = self
            .read_in(kust, &path)
            .map_err(|message| kust.error(entry.origin, message))?;
        let text = self.text(file).to_string();
        let doc = self
            .documents(&text, file, Shift::default(), entry.origin)?
            .into_iter()
            .next()
            .map(|d| d.to_json())
            .unwrap_or_default();
        let schema = super::openapi::Schema::from_document(&doc)
            .map_err(|m| kust.error(entry.origin, format!("{rel}: {m}")))?;
        self.schema = Some(std::rc::Rc::new(schema));
        Ok(())
    }
}

/// The root's `buildMetadata`: `managedByLabel` (the label kubectl's Kustomize writes) and
/// `originAnnotations` (the file, relative to the root, an object was read from, or the
/// generator that made it), each located at its entry.
fn build_metadata(builder: &Builder, root: &Path, entries: &[KNode], resources: &mut [Resource]) {
    for entry in entries {
        let at = entry.origin;
        match entry.as_str() {
            Some("managedByLabel") => {
                for r in resources.iter_mut() {
                    if let Some(labels) = r.node.ensure_map(&["metadata", "labels"], at) {
                        let value = KNode::str("kustomize-(devel)", at);
                        labels.set("app.kubernetes.io/managed-by", value, at);
                    }
                }
            }
            Some("originAnnotations") => {
                for r in resources.iter_mut() {
                    let from = builder
                        .files
                        .get(r.node.origin.file as usize)
                        .map(|f| relative(root, &f.path))
                        .unwrap_or_default();
                    let text = if r.generated {
                        format!(
                            "configuredIn: {from}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {}Generator\n",
                            r.kind()
                        )
                    } else {
                        format!("path: {from}\n")
                    };
                    if let Some(annotations) = r.node.ensure_map(&["metadata", "annotations"], at) {
                        annotations.set("config.kubernetes.io/origin", KNode::str(text, at), at);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `path` relative to the directory `from` (both as the build names them).
fn relative(from: &Path, path: &Path) -> String {
    let (from, path) = (normalize(from), normalize(path));
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = path.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    out.to_string_lossy().replace('\\', "/")
}

/// Kustomize rewrites every object's annotations when it strips its own build annotations,
/// and an empty or null `metadata.annotations` does not survive that (labels do).
fn drop_empty_annotations(node: &mut KNode) {
    if let Some(meta) = node.get_mut("metadata") {
        let empty = meta.get("annotations").is_some_and(|a| match &a.value {
            KValue::Null => true,
            KValue::Map(entries) => entries.is_empty(),
            _ => false,
        });
        if empty {
            meta.remove("annotations");
        }
    }
}

/// Files the kustomization names for what this build does not apply (plugin configurations,
/// transformer configurations, CRDs, OpenAPI schemas) must exist, or Kustomize refuses it.
fn check_named_files(kust: &Kust) -> Result<(), BuildError> {
    let mut named: Vec<&KNode> = Vec::new();
    for key in [
        "configurations",
        "crds",
        "transformers",
        "generators",
        "validators",
    ] {
        named.extend(kust.root.get(key).map(KNode::items).unwrap_or(&[]));
    }
    named.extend(kust.root.get("openapi").and_then(|o| o.get("path")));
    for entry in named {
        let Some(rel) = entry.as_str() else { continue };
        if is_remote(rel) || rel.contains('\n') {
            continue;
        }
        let path = normalize(&kust.dir.join(rel));
        if !path.exists() {
            return Err(kust.error(
                entry.origin,
                format!("'{}': no such file or directory", path.display()),
            ));
        }
    }
    Ok(())
}

/// A `List` document stands for its items.
fn flatten_lists(node: KNode, out: &mut Vec<KNode>) {
    let is_list =
        node.str_at(&["kind"]).is_some_and(|k| k.ends_with("List")) && node.get("items").is_some();
    if is_list {
        if let Some(KNode {
            value: KValue::Seq(items),
            ..
        }) = node.get("items").cloned()
        {
            for item in items {
                flatten_lists(item, out);
            }
            return;
        }
    }
    if matches!(node.value, KValue::Map(_)) {
        out.push(node);
    }
}

/// Adds objects, refusing one whose id is already there (as Kustomize does).
fn add_all(
    kust: &Kust,
    resources: &mut Vec<Resource>,
    new: Vec<Resource>,
    at: Origin,
) -> Result<(), BuildError> {
    for r in new {
        if resources.iter().any(|o| o.id() == r.id()) {
            return Err(kust.error(
                at,
                format!(
                    "may not add resource with an already registered id: {}/{}",
                    r.kind(),
                    r.name()
                ),
            ));
        }
        resources.push(r);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    #[test]
    fn a_cycle_is_an_error_at_the_entry_that_closes_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a/kustomization.yaml", "resources:\n  - ../b\n");
        write(dir.path(), "b/kustomization.yaml", "resources:\n  - ../a\n");
        let (built, result) = build(&dir.path().join("a"));
        let err = result.expect_err("cycle");
        assert!(err.message.contains("cycle"), "{}", err.message);
        assert!(built
            .file_path(err.origin)
            .ends_with("b/kustomization.yaml"));
        assert_eq!(err.origin.span.start.line, 2);
    }

    #[test]
    fn generated_names_get_kustomize_hashes() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The Secret of fixtures/repos/kustomize-app, whose name kubectl suffixes -8d5m2m9th9.
        write(
            dir.path(),
            "kustomization.yaml",
            "namePrefix: dev-\nsecretGenerator:\n  - name: db-credentials\n    literals:\n      - DB_USER=shop\n      - DB_PASSWORD=S3cr3t-Passw0rd!\n",
        );
        let (built, result) = build(dir.path());
        result.expect("builds");
        assert_eq!(built.resources.len(), 1);
        assert_eq!(built.resources[0].name(), "dev-db-credentials-8d5m2m9th9");
    }

    #[test]
    fn strategic_merge_puts_the_patch_items_first_and_deletes_on_request() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "d.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        env:\n        - {name: A, value: '1'}\n        - {name: B, value: '2'}\n",
        );
        write(
            dir.path(),
            "kustomization.yaml",
            "resources: [d.yaml]\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: x}\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            env:\n            - {name: C, value: '3'}\n            - {name: A, $patch: delete}\n",
        );
        let (built, result) = build(dir.path());
        result.expect("builds");
        let env = built.resources[0]
            .node
            .to_json()
            .pointer("/spec/template/spec/containers/0/env")
            .cloned();
        assert_eq!(
            env,
            Some(serde_json::json!([{"name": "C", "value": "3"}, {"name": "B", "value": "2"}]))
        );
        // The added item is located inside the inline patch (line 13 of the kustomization).
        let (origin, exact) = built.resources[0].node.locate(&[
            crate::parse::yaml::PathSegment::Key("spec".into()),
            crate::parse::yaml::PathSegment::Key("template".into()),
            crate::parse::yaml::PathSegment::Key("spec".into()),
            crate::parse::yaml::PathSegment::Key("containers".into()),
            crate::parse::yaml::PathSegment::Index(0),
            crate::parse::yaml::PathSegment::Key("env".into()),
            crate::parse::yaml::PathSegment::Index(0),
        ]);
        assert!(exact);
        assert!(built.file_path(origin).ends_with("kustomization.yaml"));
        assert_eq!(origin.span.start.line, 13);
    }

    #[test]
    fn files_outside_the_kustomization_folder_are_refused_directories_are_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
        write(dir.path(), "base/cm.yaml", cm);
        write(
            dir.path(),
            "base/kustomization.yaml",
            "resources: [cm.yaml]\n",
        );
        for (overlay, line) in [
            ("resources:\n- ../base/cm.yaml\n", 2),
            (
                "resources: [../base]\npatches:\n- path: ../base/cm.yaml\n",
                3,
            ),
            (
                "configMapGenerator:\n- name: g\n  files:\n  - ../base/cm.yaml\n",
                4,
            ),
        ] {
            write(dir.path(), "ov/kustomization.yaml", overlay);
            let (built, result) = build(&dir.path().join("ov"));
            let err = result.expect_err(overlay);
            assert!(
                err.message.starts_with("security; file '"),
                "{}",
                err.message
            );
            assert!(
                err.message.contains("is not in or below"),
                "{}",
                err.message
            );
            assert!(built
                .file_path(err.origin)
                .ends_with("ov/kustomization.yaml"));
            assert_eq!(err.origin.span.start.line, line, "{overlay}");
        }
        // The same base through its directory builds; so does a file below the folder.
        write(
            dir.path(),
            "ov/kustomization.yaml",
            "resources: [../base, sub/cm.yaml]\n",
        );
        write(
            dir.path(),
            "ov/sub/cm.yaml",
            &cm.replace("name: a", "name: b"),
        );
        let (built, result) = build(&dir.path().join("ov"));
        result.expect("builds");
        assert_eq!(built.resources.len(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_to_a_file_outside_the_folder_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "base/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        );
        write(
            dir.path(),
            "ov/kustomization.yaml",
            "resources: [link.yaml]\n",
        );
        std::os::unix::fs::symlink(
            dir.path().join("base/cm.yaml"),
            dir.path().join("ov/link.yaml"),
        )
        .expect("symlink");
        let err = build(&dir.path().join("ov")).1.expect_err("outside");
        assert!(
            err.message.contains("is not in or below"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_value_add_transformer_from_a_transformer_directory_writes_the_folder_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "base/kustomization.yaml",
            "resources: [b.yaml]\n",
        );
        write(
            dir.path(),
            "base/b.yaml",
            "apiVersion: x.io/v1\nkind: Backup\nmetadata: {name: b}\nspec:\n  to: /data/daily\n",
        );
        write(
            dir.path(),
            "t/kustomization.yaml",
            "resources: [add.yaml]\n",
        );
        write(
            dir.path(),
            "t/add.yaml",
            "apiVersion: builtin\nkind: ValueAddTransformer\nmetadata: {name: a}\ntargets:\n- fieldPath: metadata/namespace\n- selector: {kind: Backup}\n  fieldPath: spec/to\n  filePathPosition: 2\n- fieldPath: spec/labels/a.io\\/env\n",
        );
        write(
            dir.path(),
            "qa-7/kustomization.yaml",
            "resources: [../base]\ntransformers: [../t]\n",
        );
        let (built, result) = build(&dir.path().join("qa-7"));
        result.expect("builds");
        let json = built.resources[0].node.to_json();
        assert_eq!(
            json.pointer("/metadata/namespace"),
            Some(&serde_json::json!("qa-7"))
        );
        assert_eq!(
            json.pointer("/spec/to"),
            Some(&serde_json::json!("/data/qa-7/daily"))
        );
        assert_eq!(
            json.pointer("/spec/labels/a.io~1env"),
            Some(&serde_json::json!("qa-7"))
        );
        // Located at the target's `fieldPath:` line of the configuration (no `value:` given).
        let (origin, exact) = built.resources[0].node.locate(&[
            crate::parse::yaml::PathSegment::Key("spec".into()),
            crate::parse::yaml::PathSegment::Key("to".into()),
        ]);
        assert!(exact);
        assert!(built.file_path(origin).ends_with("t/add.yaml"));
        assert_eq!(origin.span.start.line, 7);
        // A `value:` wins over the folder name; no target is an error.
        write(
            dir.path(),
            "t/add.yaml",
            "apiVersion: builtin\nkind: ValueAddTransformer\nmetadata: {name: a}\nvalue: prod\ntargets:\n- fieldPath: metadata/namespace\n",
        );
        let (built, result) = build(&dir.path().join("qa-7"));
        result.expect("builds");
        assert_eq!(built.resources[0].namespace(), "prod");
        write(
            dir.path(),
            "t/add.yaml",
            "apiVersion: builtin\nkind: ValueAddTransformer\nmetadata: {name: a}\n",
        );
        assert!(build(&dir.path().join("qa-7")).1.is_err());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "kustomization.yaml",
            "resources: [missing.yaml]\npatches:\n- {}\n",
        );
        assert!(build(dir.path()).1.is_err());
        write(dir.path(), "kustomization.yaml", "- a\n- b\n");
        assert!(build(dir.path()).1.is_err());
        write(
            dir.path(),
            "kustomization.yaml",
            "resources: [d.yaml]\npatches:\n- target: {kind: X}\n  patch: '[{\"op\": \"remove\", \"path\": \"/a/9/b\"}]'\n",
        );
        write(
            dir.path(),
            "d.yaml",
            "apiVersion: v1\nkind: X\nmetadata: {name: x}\na: [1]\n",
        );
        assert!(build(dir.path()).1.is_err());
        assert!(build(&dir.path().join("nowhere")).1.is_err());
        // A `patches` entry written as a path, which kubectl refuses too.
        write(
            dir.path(),
            "p.yaml",
            "apiVersion: v1\nkind: X\nmetadata: {name: x}\n",
        );
        write(
            dir.path(),
            "kustomization.yaml",
            "resources: [d.yaml]\npatches:\n- p.yaml\n",
        );
        let err = build(dir.path()).1.expect_err("a string patch entry");
        assert!(err.message.contains("not a string"), "{}", err.message);
        assert_eq!(err.origin.span.start.line, 3);
    }
}

#[cfg(all(test, unix))]
mod symlink_tests {
    use super::*;

    #[test]
    fn a_symlink_cycle_is_caught_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a");
        std::fs::create_dir_all(&a).expect("mkdir");
        std::fs::write(a.join("kustomization.yaml"), "resources: [l1, l2]\n").expect("write");
        std::os::unix::fs::symlink(&a, a.join("l1")).expect("symlink");
        std::os::unix::fs::symlink(&a, a.join("l2")).expect("symlink");
        let start = std::time::Instant::now();
        let (_, result) = build(&a);
        assert!(result.expect_err("cycle").message.contains("cycle"));
        assert!(start.elapsed().as_secs() < 5);
    }
}
