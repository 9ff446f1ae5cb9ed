//! Load stage: one loader per input kind (`manifest`, `dockerfile`, `chart`; Kustomize roots
//! in `kustomize_scan`), and what they share: reading a file as text (size limit, encodings,
//! binary content become located LNT findings), the Kubernetes objects of a YAML document,
//! the inline derogations written on them, the one object loop of plain and rendered YAML,
//! and what one target hands back to the scan (`TargetOutcome`, the members of a bundle).
//! Must not: evaluate rules, locate findings itself or write anything.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::catalog::{Catalog, Family};
use crate::config::ScanOptions;
use crate::coverage::ChartCoverage;
use crate::derogation::{self, Derogation};
use crate::evaluate::RuleEngine;
use crate::finding::{Finding, Lint, ObjectRef, ObjectSeen};
use crate::locate::{start_of_file, FileContext, Locator, RenderedDoc};
use crate::parse::yaml::{self, Node, Value};
use crate::span::{Position, Span};

pub mod chart;
pub mod dockerfile;
pub mod manifest;

/// What one target produced.
#[derive(Default)]
pub(crate) struct TargetOutcome {
    pub(crate) findings: Vec<Finding>,
    pub(crate) documents: usize,
    pub(crate) objects: Vec<ObjectSeen>,
    pub(crate) inline_derogations: Vec<Derogation>,
    /// Objects joining the bundle of the target's folder.
    pub(crate) bundle_members: Vec<BundleMember>,
    /// Bundles of their own (a chart per value set), evaluated apart from the folder's.
    pub(crate) own_bundles: Vec<(String, Vec<BundleMember>)>,
    /// Helm test hooks left out (see `helm_hooks`).
    pub(crate) skipped_test_hooks: usize,
    /// Charts: how each value set rendered.
    pub(crate) charts: Vec<ChartCoverage>,
    /// The file turned out not to be an input of ours (a JSON file that is no manifest): it is
    /// not counted among the checked targets.
    pub(crate) not_an_input: bool,
}

/// A Kubernetes object kept for the bundle stage: its node (to locate findings) and its Rego
/// value, converted once for the per-object rules and shared with the bundle input.
#[derive(Clone)]
pub(crate) struct BundleMember {
    pub(crate) file: String,
    pub(crate) node: Node,
    pub(crate) value: regorus::Value,
    pub(crate) object: ObjectRef,
    /// For an object rendered from a chart: how to map its spans to the template.
    pub(crate) rendered: Option<std::sync::Arc<RenderedDoc>>,
}

/// Position of the first invalid UTF-8 byte, for a located LNT005.
fn utf8_error_position(bytes: &[u8], valid_up_to: usize) -> Span {
    let valid = &bytes[..valid_up_to];
    let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count() as u32
        + 1;
    Span::new(Position::new(line, column), Position::new(line, column + 1))
}

pub(crate) enum ReadProblem {
    TooLarge(u64),
    Unreadable(String),
    NotText { span: Span, detail: String },
}

impl ReadProblem {
    pub(crate) fn into_finding(
        self,
        catalog: &Catalog,
        options: &ScanOptions,
        display: &str,
    ) -> Finding {
        let (rule, span, params) = match self {
            ReadProblem::TooLarge(size) => (
                Lint::FileTooLarge.id(),
                start_of_file(),
                BTreeMap::from([
                    ("size".to_string(), mebibytes(size)),
                    ("limit".to_string(), mebibytes(options.max_file_size)),
                ]),
            ),
            ReadProblem::Unreadable(detail) => (
                Lint::UnreadableFile.id(),
                start_of_file(),
                BTreeMap::from([("detail".to_string(), detail)]),
            ),
            ReadProblem::NotText { span, detail } => (
                Lint::UnreadableFile.id(),
                span,
                BTreeMap::from([("detail".to_string(), detail)]),
            ),
        };
        let ctx = FileContext {
            catalog,
            options,
            display,
            lines: Vec::new(),
        };
        ctx.finding(rule, span, Vec::new(), params)
    }
}

/// A size as people read it: `8 MiB`, `12.5 MiB`, `300 KiB`, `512 bytes`.
fn mebibytes(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    let one_decimal = |value: f64| {
        let text = format!("{value:.1}");
        text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
    };
    if bytes >= MIB {
        format!("{} MiB", one_decimal(bytes as f64 / MIB as f64))
    } else if bytes >= KIB {
        format!("{} KiB", one_decimal(bytes as f64 / KIB as f64))
    } else {
        format!("{bytes} bytes")
    }
}

/// UTF-16 text (with a byte-order mark, or ASCII text with every other byte zero): read as
/// bytes it looks binary, but it is text in an encoding Kubernetes and Docker do not read.
fn utf16_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let pairs: Vec<&[u8]> = bytes.chunks_exact(2).take(256).collect();
    if pairs.len() < 4 {
        return false;
    }
    let ascii = |b: u8| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7F).contains(&b);
    let le = pairs.iter().filter(|p| ascii(p[0]) && p[1] == 0).count();
    let be = pairs.iter().filter(|p| p[0] == 0 && ascii(p[1])).count();
    le.max(be) * 10 >= pairs.len() * 9
}

pub(crate) fn read_text(path: &Path, max_size: u64) -> Result<String, ReadProblem> {
    let size = std::fs::metadata(path)
        .map_err(|e| ReadProblem::Unreadable(e.to_string()))?
        .len();
    if size > max_size {
        return Err(ReadProblem::TooLarge(size));
    }
    let bytes = std::fs::read(path).map_err(|e| ReadProblem::Unreadable(e.to_string()))?;
    if utf16_text(&bytes) {
        return Err(ReadProblem::NotText {
            span: start_of_file(),
            detail: "UTF-16 text, not supported (save the file as UTF-8)".to_string(),
        });
    }
    if let Some(nul) = bytes.iter().take(8192).position(|&b| b == 0) {
        return Err(ReadProblem::NotText {
            span: utf8_error_position(&bytes, nul),
            detail: "binary content (NUL byte)".to_string(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid_up_to = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        ReadProblem::NotText {
            span: utf8_error_position(&bytes, valid_up_to),
            detail: format!("not valid UTF-8 (byte {valid_up_to})"),
        }
    })
}

fn object_ref(node: &Node) -> Option<ObjectRef> {
    let api_version = node.get("apiVersion")?.as_str()?.to_string();
    let kind = node.get("kind")?.as_str()?.to_string();
    let metadata = node.get("metadata");
    let field = |name: &str| {
        metadata
            .and_then(|m| m.get(name))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    Some(ObjectRef {
        api_version,
        kind,
        namespace: field("namespace"),
        name: field("name")
            .or_else(|| field("generateName"))
            .unwrap_or_default(),
    })
}

/// Kubernetes objects of a document: the object itself, or the items of a `List` kind.
pub(crate) fn objects(root: &Node) -> Vec<(&Node, ObjectRef)> {
    let Some(obj) = object_ref(root) else {
        return Vec::new();
    };
    if obj.kind.ends_with("List") {
        if let Some(Value::Seq(items)) = root.get("items").map(|n| &n.value) {
            return items
                .iter()
                .filter_map(|item| object_ref(item).map(|o| (item, o)))
                .collect();
        }
    }
    vec![(root, obj)]
}

/// Whether a Helm test hook is left out of the checks (the default).
pub(crate) fn skip_test_hook(options: &ScanOptions, object: &Node) -> bool {
    !options.helm.check_test_hooks && crate::helm_hooks::is_test_only(object)
}

/// `cct-lint/derogation.<ID>: "justification; reference=...; expires=..."` annotations.
pub(crate) fn annotation_derogations(
    file: &str,
    node: &Node,
    object: &ObjectRef,
) -> Vec<Derogation> {
    let Some(Value::Map(annotations)) = node
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .map(|a| &a.value)
    else {
        return Vec::new();
    };
    annotations
        .iter()
        .filter_map(|entry| {
            let id = entry.key.strip_prefix(derogation::ANNOTATION_PREFIX)?;
            let text = entry.value.as_str().unwrap_or_default();
            let (justification, reference, expires) = derogation::parse_inline_text(text);
            Some(Derogation {
                rules: vec![id.to_string()],
                scope: derogation::Scope::Object {
                    file: file.to_string(),
                    object: object.clone(),
                },
                justification,
                reference,
                expires,
                kind: crate::finding::SuppressionKind::Inline,
                file: file.to_string(),
                span: entry.key_span,
            })
        })
        .collect()
}

/// Where the object loop puts what it meets besides findings: the bundle members, and the
/// inline derogations already taken (a chart's templates are the same under every value set:
/// their annotations are taken once).
pub(crate) struct ObjectSinks<'a> {
    pub(crate) members: &'a mut Vec<BundleMember>,
    pub(crate) seen_derogations: Option<&'a mut BTreeSet<(String, u32, u32)>>,
    /// Called on every object checked (a chart collects its rendered images).
    pub(crate) on_object: &'a mut dyn FnMut(&Node),
}

/// The one object loop of every YAML input, plain manifest or rendered chart document: YAML
/// errors, then per Kubernetes object its coverage, its inline derogations, its bundle
/// membership, the rules and their located findings.
pub(crate) fn check_objects(
    text: &str,
    ctx: &FileContext<'_>,
    locator: &Locator,
    engine: &mut RuleEngine,
    outcome: &mut TargetOutcome,
    sinks: ObjectSinks<'_>,
) {
    let ObjectSinks {
        members,
        mut seen_derogations,
        on_object,
    } = sinks;
    let stream = yaml::load(text, ctx.options.yaml_limits);
    for error in &stream.errors {
        let rule = match error.kind {
            yaml::YamlErrorKind::Syntax => Lint::InvalidYaml.id(),
            yaml::YamlErrorKind::DuplicateKey => Lint::DuplicateKey.id(),
            yaml::YamlErrorKind::Limit => Lint::YamlLimitsExceeded.id(),
        };
        let detail = locator.yaml_error_detail(&error.message);
        let mut finding = ctx.lint(rule, locator.span(error.span), detail);
        finding.value_set = locator.value_set();
        outcome.findings.push(finding);
    }
    for document in &stream.documents {
        for (node, object) in objects(&document.root) {
            if skip_test_hook(ctx.options, node) {
                outcome.skipped_test_hooks += 1;
                continue;
            }
            outcome.documents += 1;
            outcome.objects.push(ObjectSeen {
                file: ctx.display.to_string(),
                line: locator.object_line(node),
                object: object.clone(),
            });
            for mut d in annotation_derogations(ctx.display, node, &object) {
                d.span = locator.span(d.span);
                let first_time = match seen_derogations.as_deref_mut() {
                    Some(seen) => {
                        seen.insert((d.file.clone(), d.span.start.line, d.span.start.column))
                    }
                    None => true,
                };
                if first_time {
                    outcome.inline_derogations.push(d);
                }
            }
            on_object(node);
            let value = node.to_rego();
            if ctx.options.bundles {
                members.push(BundleMember {
                    file: ctx.display.to_string(),
                    node: node.clone(),
                    value: value.clone(),
                    object: object.clone(),
                    rendered: locator.rendered(),
                });
            }
            match engine.evaluate(&Family::Kubernetes, &object.kind, value) {
                Ok(raw) => {
                    for r in raw {
                        outcome
                            .findings
                            .extend(locator.finding(ctx, node, &object, r));
                    }
                }
                Err(e) => {
                    let span = locator.span(yaml::locate(node, &[]).span);
                    let mut finding =
                        ctx.lint(Lint::RuleEvaluationFailed.id(), span, e.to_string());
                    finding.object = Some(Box::new(object.clone()));
                    finding.value_set = locator.value_set();
                    outcome.findings.push(finding);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_in_binary_units() {
        assert_eq!(mebibytes(8 * 1024 * 1024), "8 MiB");
        assert_eq!(mebibytes(13_107_200), "12.5 MiB");
        assert_eq!(mebibytes(4000), "3.9 KiB");
        assert_eq!(mebibytes(512), "512 bytes");
    }

    #[test]
    fn utf16_text_is_told_apart_from_binary_content() {
        let le: Vec<u8> = "apiVersion: v1\nkind: Pod\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "apiVersion: v1\nkind: Pod\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(utf16_text(&le));
        assert!(utf16_text(&be));
        assert!(utf16_text(&[0xFF, 0xFE, b'a', 0]));
        assert!(!utf16_text(b"apiVersion: v1\n"));
        assert!(!utf16_text(&[
            0x7F, b'E', b'L', b'F', 0, 0, 1, 0, 0, 0, 2, 3
        ]));
        let dir = std::env::temp_dir().join(format!("cct-lint-utf16-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let file = dir.join("pod.yaml");
        std::fs::write(&file, &le).expect("write");
        let detail = match read_text(&file, 1 << 20) {
            Err(ReadProblem::NotText { detail, .. }) => detail,
            _ => String::new(),
        };
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            detail,
            "UTF-16 text, not supported (save the file as UTF-8)"
        );
    }
}
