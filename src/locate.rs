//! Locate stage: the one place where a rule's `path` becomes a file, line and column. Builds
//! `Finding`s for a file (`FileContext`, with the catalogue's severity and the source line),
//! maps a path in a YAML node to its span, and maps a span of a rendered Helm document back to
//! the template line that produced it, with the values lines that gave the value at fault.
//! Must not: read files, evaluate rules or guess a position from a text search.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::catalog::{Catalog, Severity};
use crate::config::ScanOptions;
use crate::evaluate::RawFinding;
use crate::finding::{Finding, NodePath, ObjectRef, RelatedLocation};
use crate::parse::yaml::{self, Node, PathSegment, Value};
use crate::render::{Provenance, ValuesFile};
use crate::span::{Position, Span};

/// Builds findings for one file, with the catalogue's severity and the file's lines at hand.
pub(crate) struct FileContext<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) options: &'a ScanOptions,
    pub(crate) display: &'a str,
    pub(crate) lines: Vec<&'a str>,
}

impl FileContext<'_> {
    pub(crate) fn finding(
        &self,
        rule_id: &str,
        span: Span,
        path: Vec<serde_json::Value>,
        params: BTreeMap<String, String>,
    ) -> Finding {
        let severity = self
            .options
            .severity_overrides
            .get(rule_id)
            .copied()
            .or_else(|| self.catalog.rule(rule_id).map(|r| r.severity))
            .unwrap_or(Severity::Error);
        let source_line = self
            .lines
            .get((span.start.line as usize).wrapping_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        Finding {
            path: NodePath::new(&path),
            source_line,
            ..Finding::new(rule_id, severity, self.display, span, params)
        }
    }

    pub(crate) fn lint(&self, rule_id: &str, span: Span, detail: impl Into<String>) -> Finding {
        let params = BTreeMap::from([("detail".to_string(), detail.into())]);
        self.finding(rule_id, span, Vec::new(), params)
    }
}

pub(crate) fn start_of_file() -> Span {
    Span::new(Position::new(1, 1), Position::new(1, 2))
}

pub(crate) fn lint_without_source(
    catalog: &Catalog,
    options: &ScanOptions,
    display: &str,
    rule_id: &str,
    params: BTreeMap<String, String>,
) -> Finding {
    let ctx = FileContext {
        catalog,
        options,
        display,
        lines: Vec::new(),
    };
    ctx.finding(rule_id, start_of_file(), Vec::new(), params)
}

pub(crate) fn path_segments(path: &[serde_json::Value]) -> Vec<PathSegment> {
    path.iter()
        .filter_map(|seg| match seg {
            serde_json::Value::String(s) => Some(PathSegment::Key(s.clone())),
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(|i| PathSegment::Index(usize::try_from(i).unwrap_or(usize::MAX))),
            _ => None,
        })
        .collect()
}

pub(crate) fn locate_yaml(
    ctx: &FileContext<'_>,
    node: &Node,
    object: &ObjectRef,
    raw: RawFinding,
) -> Finding {
    let located = yaml::locate(node, &path_segments(&raw.path));
    let mut finding = ctx.finding(&raw.rule_id, located.span, raw.path, raw.params);
    finding.object = Some(Box::new(object.clone()));
    finding
}

/// Where the spans of a loaded YAML document point: the file itself, or a template of a
/// rendered chart (mapped back to the template and values lines through its provenance).
#[derive(Clone)]
pub(crate) enum Locator {
    File,
    Rendered(Arc<RenderedDoc>),
}

impl Locator {
    /// The span in the file the user wrote.
    pub(crate) fn span(&self, span: Span) -> Span {
        match self {
            Locator::File => span,
            Locator::Rendered(doc) => doc.map_span(span),
        }
    }

    /// The value set the document was rendered with.
    pub(crate) fn value_set(&self) -> Option<String> {
        match self {
            Locator::File => None,
            Locator::Rendered(doc) => doc.value_set.clone(),
        }
    }

    /// The line an object starts at.
    pub(crate) fn object_line(&self, node: &Node) -> u32 {
        match self {
            Locator::File => node.span.start.line,
            Locator::Rendered(doc) => doc.map_span(yaml::locate(node, &[]).span).start.line,
        }
    }

    /// The detail of a YAML error in the document.
    pub(crate) fn yaml_error_detail(&self, message: &str) -> String {
        match self {
            Locator::File => message.to_string(),
            Locator::Rendered(_) => format!("in the rendered output: {message}"),
        }
    }

    /// A rule's finding on `node` (an object of the document), located; `None` for a value a
    /// chart generates at render time when the rule leaves those out.
    pub(crate) fn finding(
        &self,
        ctx: &FileContext<'_>,
        node: &Node,
        object: &ObjectRef,
        raw: RawFinding,
    ) -> Option<Finding> {
        match self {
            Locator::File => Some(locate_yaml(ctx, node, object, raw)),
            Locator::Rendered(doc) => {
                let skips_generated = ctx
                    .catalog
                    .rule(&raw.rule_id)
                    .is_some_and(|m| m.skips_generated_values);
                if skips_generated && doc.generated_at_render(node, &raw.path) {
                    return None;
                }
                Some(doc.finding(ctx, node, object, raw.rule_id, raw.path, raw.params))
            }
        }
    }

    pub(crate) fn rendered(&self) -> Option<Arc<RenderedDoc>> {
        match self {
            Locator::File => None,
            Locator::Rendered(doc) => Some(doc.clone()),
        }
    }
}

/// One rendered YAML document of a template, with what maps its spans to the template.
pub(crate) struct RenderedDoc {
    pub(crate) provenance: Arc<Provenance>,
    /// Byte offset of the document in the rendered template text, and its text.
    pub(crate) start: usize,
    pub(crate) text: String,
    pub(crate) file: String,
    pub(crate) value_set: Option<String>,
    /// The Argo CD Application the value set comes from (a related location of findings).
    pub(crate) application: Option<RelatedLocation>,
    /// Values files (display path, parsed) in the order a value is looked for, with the key
    /// prefix under which this template's `.Values` live in each.
    pub(crate) values: Arc<Vec<ValuesSource>>,
}

pub(crate) struct ValuesSource {
    pub(crate) display: String,
    /// The file as the render parsed it.
    pub(crate) file: Arc<ValuesFile>,
    pub(crate) prefix: Vec<String>,
}

impl RenderedDoc {
    pub(crate) fn source_lines(&self) -> Vec<&str> {
        self.provenance.source().split('\n').collect()
    }

    pub(crate) fn offset(&self, p: Position) -> usize {
        self.start + offset_in(&self.text, p.line, p.column)
    }

    /// The template span a span of the rendered document comes from.
    pub(crate) fn map_span(&self, span: Span) -> Span {
        let start = self.offset(span.start);
        let end = self
            .offset(span.end)
            .min(self.provenance.piece_end(start))
            .max(start + 1);
        let a = self.provenance.source_pos(start);
        let b = self.provenance.source_pos(end - 1);
        let end = if a.mark == b.mark && !a.from_action && b.line == a.line {
            Position::new(b.line, b.column + 1)
        } else if let Some(width) = a
            .from_action
            .then(|| self.provenance.action_width(a.offset))
            .flatten()
        {
            Position::new(a.line, a.column + width)
        } else {
            Position::new(a.line, a.column + 1)
        };
        Span::new(Position::new(a.line, a.column), end)
    }

    /// A finding on `node` (an object of this document) at `path`, located in the template,
    /// with the values lines that gave the value at fault.
    pub(crate) fn finding(
        &self,
        ctx: &FileContext<'_>,
        node: &Node,
        object: &ObjectRef,
        rule_id: String,
        path: Vec<serde_json::Value>,
        params: BTreeMap<String, String>,
    ) -> Finding {
        let segments = path_segments(&path);
        let located = yaml::locate(node, &segments);
        let entries: Vec<String> = params
            .get("entry")
            .map(|e| e.split(", ").map(str::to_string).collect())
            .unwrap_or_default();
        let mut finding = ctx.finding(&rule_id, self.map_span(located.span), path, params);
        finding.object = Some(Box::new(object.clone()));
        finding.value_set = self.value_set.clone();
        finding.related = self.related_values(node, &segments);
        if finding.related.len() > 1 && !entries.is_empty() {
            self.keep_values_of_entries(node, &segments, &entries, &mut finding.related);
        }
        finding.related.extend(self.application.clone());
        finding
    }

    /// When several values keys fed one scalar (an embedded configuration file) and the rule
    /// named the entries at fault (`entry` param: `db.password`), keeps the values keys printed
    /// on those entries' lines; keeps everything when none can be told apart.
    fn keep_values_of_entries(
        &self,
        root: &Node,
        path: &[yaml::PathSegment],
        entries: &[String],
        related: &mut Vec<RelatedLocation>,
    ) {
        let mut node = root;
        for segment in path {
            let next = match (segment, &node.value) {
                (yaml::PathSegment::Key(k), Value::Map(items)) => {
                    items.iter().find(|e| &e.key == k).map(|e| &e.value)
                }
                (yaml::PathSegment::Index(i), Value::Seq(items)) => items.get(*i),
                _ => None,
            };
            let Some(next) = next else { return };
            node = next;
        }
        let (start, end) = (self.offset(node.span.start), self.offset(node.span.end));
        let text = self.provenance.text();
        let Some(range) = text.get(start..end.min(text.len())) else {
            return;
        };
        let mut printed: Vec<String> = Vec::new();
        let mut line_start = start;
        for line in range.split_inclusive('\n') {
            let body = line.trim_start().trim_start_matches("- ").trim_start();
            let body = body.strip_prefix("export ").unwrap_or(body);
            let names_an_entry = entries.iter().any(|entry| {
                let rest = body.trim_start_matches(['"', '\'']);
                rest.strip_prefix(entry.as_str()).is_some_and(|after| {
                    let after = after.trim_start_matches(['"', '\'']).trim_start();
                    after.starts_with(':') || after.starts_with('=')
                })
            });
            if names_an_entry {
                for p in self
                    .provenance
                    .values_in(line_start, line_start + line.len())
                {
                    printed.push(p.join("."));
                }
            }
            line_start += line.len();
        }
        let matches = |r: &RelatedLocation| {
            printed.iter().any(|p| {
                r.values_path == *p
                    || r.values_path.starts_with(&format!("{p}."))
                    || p.starts_with(&format!("{}.", r.values_path))
            })
        };
        if related.iter().any(matches) {
            related.retain(matches);
        }
    }

    /// Whether the scalar at `path` was produced at render time by a function that generates a
    /// value (`randAlphaNum 16`, `uuidv4`...), with no literal word of the template around it
    /// and no values key holding something behind it: not a literal of the repository.
    pub(crate) fn generated_at_render(&self, node: &Node, path: &[serde_json::Value]) -> bool {
        let mut value = node;
        for segment in path_segments(path) {
            let next = match (&segment, &value.value) {
                (yaml::PathSegment::Key(k), Value::Map(entries)) => {
                    entries.iter().find(|e| &e.key == k).map(|e| &e.value)
                }
                (yaml::PathSegment::Index(i), Value::Seq(items)) => items.get(*i),
                _ => None,
            };
            let Some(next) = next else { return false };
            value = next;
        }
        if matches!(value.value, Value::Map(_) | Value::Seq(_)) {
            return false;
        }
        let start = self.offset(value.span.start);
        let end = self.offset(value.span.end).max(start + 1);
        let actions = self.provenance.actions_in(start, end);
        !actions.is_empty()
            && !self.provenance.literal_word_in(start, end)
            && actions.iter().all(|a| calls_a_generator(a))
            && self
                .provenance
                .values_in(start, end)
                .iter()
                .all(|p| !self.values_hold(p))
    }

    /// Whether some values file gives `path` a non-empty value.
    fn values_hold(&self, path: &[String]) -> bool {
        self.values.iter().any(|source| {
            let mut node = &source.file.root;
            for key in source.prefix.iter().chain(path) {
                let next = match &node.value {
                    Value::Map(entries) => entries.iter().find(|e| &e.key == key).map(|e| &e.value),
                    _ => None,
                };
                match next {
                    Some(n) => node = n,
                    None => return false,
                }
            }
            !matches!(&node.value, Value::Null) && node.as_str() != Some("")
        })
    }

    /// Follows `path` as far as it exists and, when the deepest node was printed by actions
    /// reading `.Values`, finds those keys in the values files.
    fn related_values(&self, root: &Node, path: &[yaml::PathSegment]) -> Vec<RelatedLocation> {
        let mut chain: Vec<&Node> = vec![root];
        for segment in path {
            let Some(last) = chain.last() else { break };
            let next = match (segment, &last.value) {
                (yaml::PathSegment::Key(k), Value::Map(entries)) => {
                    entries.iter().find(|e| &e.key == k).map(|e| &e.value)
                }
                (yaml::PathSegment::Index(i), Value::Seq(items)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => chain.push(n),
                None => break,
            }
        }
        let Some(deepest) = chain.last() else {
            return Vec::new();
        };
        let span_range = |n: &Node| (self.offset(n.span.start), self.offset(n.span.end));
        let (start, mut end) = span_range(deepest);
        if matches!(deepest.value, Value::Map(_) | Value::Seq(_)) {
            // A collection counts only when an action printed it as a whole (its first line),
            // not because some action printed a value somewhere inside it.
            end = start + 1;
        }
        let mut out = Vec::new();
        for values_path in self.provenance.values_in(start, end) {
            // The first node on the path that the action printed stands for `values_path`;
            // what follows it on the path continues inside those values.
            let from = chain.iter().position(|n| {
                let (s, _) = span_range(n);
                self.provenance.values_in(s, s + 1).contains(&values_path)
            });
            let mut full = values_path.clone();
            if let Some(from) = from {
                full.extend(path.iter().skip(from).take(chain.len() - 1 - from).map(
                    |seg| match seg {
                        yaml::PathSegment::Key(k) => k.clone(),
                        yaml::PathSegment::Index(i) => i.to_string(),
                    },
                ));
            }
            if let Some(found) = self.find_value(&values_path, &full) {
                if !out.contains(&found) {
                    out.push(found);
                }
            }
        }
        out
    }

    /// The values key of `full` (at least `required` must exist), in the first values file
    /// that defines it.
    fn find_value(&self, required: &[String], full: &[String]) -> Option<RelatedLocation> {
        for source in self.values.iter() {
            let with_prefix = |p: &[String]| -> Vec<String> {
                source.prefix.iter().chain(p.iter()).cloned().collect()
            };
            let required = with_prefix(required);
            let full = with_prefix(full);
            let Some((span, depth)) = find_key(&source.file.root, &full) else {
                continue;
            };
            if depth < required.len() {
                continue;
            }
            return Some(RelatedLocation {
                file: source.display.clone(),
                span,
                values_path: full[source.prefix.len()..depth].join("."),
                source_line: source
                    .file
                    .text
                    .split('\n')
                    .nth(span.start.line as usize - 1)
                    .map(|l| l.trim_end_matches('\r').to_string()),
                application: None,
            });
        }
        None
    }
}

/// Sprig and Helm functions whose result is made at render time, not written by anyone.
const GENERATORS: [&str; 12] = [
    "randAlphaNum",
    "randAlpha",
    "randNumeric",
    "randAscii",
    "randBytes",
    "randInt",
    "uuidv4",
    "genPrivateKey",
    "genCA",
    "genSelfSignedCert",
    "genSignedCert",
    "derivePassword",
];

/// Whether an action's text calls one of `GENERATORS` (as a whole word).
fn calls_a_generator(action: &str) -> bool {
    action
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| GENERATORS.contains(&word))
}

/// Walks `path` in a values tree: the span of the deepest key found and how many segments
/// matched.
pub(crate) fn find_key(root: &Node, path: &[String]) -> Option<(Span, usize)> {
    let mut node = root;
    let mut found = None;
    for (depth, key) in path.iter().enumerate() {
        let next = match &node.value {
            Value::Map(entries) => entries.iter().find(|e| &e.key == key).map(|e| {
                // The key and, when it is a scalar on the same line, its value.
                let scalar = !matches!(e.value.value, Value::Map(_) | Value::Seq(_));
                let end = e.value.span.end;
                let span = if scalar && end.line == e.key_span.start.line && end > e.key_span.end {
                    Span::new(e.key_span.start, end)
                } else {
                    e.key_span
                };
                (&e.value, span)
            }),
            Value::Seq(items) => key
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|n| (n, n.span)),
            _ => None,
        };
        let Some((child, span)) = next else { break };
        node = child;
        found = Some((span, depth + 1));
    }
    found
}

/// Byte offset in `text` of a 1-based line and character column (clamped to the text).
fn offset_in(text: &str, line: u32, column: u32) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = text[start..].split('\n').next().unwrap_or("");
    start
        + line_text
            .char_indices()
            .nth((column as usize).saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters() {
        assert_eq!(offset_in("é: x\nab", 1, 3), 3);
        assert_eq!(offset_in("é: x\nab", 2, 2), 7);
        assert_eq!(offset_in("a", 5, 1), 1);
    }
}
