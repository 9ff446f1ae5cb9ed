//! Kubernetes manifest loader: a YAML file (a stream of documents, `List` kinds flattened) or
//! a JSON file holding a manifest, checked object by object through the shared object loop.
//! Must not: read other files, or take a JSON file that is no manifest for an input.

use std::collections::BTreeMap;

use crate::derogation;
use crate::evaluate::RuleEngine;
use crate::finding::Lint;
use crate::load::{check_objects, ObjectSinks, TargetOutcome};
use crate::locate::{FileContext, Locator};
use crate::parse::yaml::{self, Node};
use crate::span::{Position, Span};

/// Checks one YAML file's text.
pub(crate) fn check_yaml(
    text: &str,
    ctx: &FileContext<'_>,
    engine: &mut RuleEngine,
) -> TargetOutcome {
    let mut outcome = TargetOutcome {
        inline_derogations: derogation::comment_derogations(ctx.display, &ctx.lines),
        ..TargetOutcome::default()
    };
    let mut members = Vec::new();
    check_objects(
        text,
        ctx,
        &Locator::File,
        engine,
        &mut outcome,
        ObjectSinks {
            members: &mut members,
            seen_derogations: None,
            on_object: &mut |_| {},
        },
    );
    outcome.bundle_members = members;
    outcome
}

/// Checks one `*.json` file's text when it holds a Kubernetes manifest; otherwise the file is
/// no input of ours.
pub(crate) fn check_json(
    text: &str,
    ctx: &FileContext<'_>,
    engine: &mut RuleEngine,
) -> TargetOutcome {
    match json_manifest_text(text) {
        Some(yaml_text) => match json_syntax_error(text) {
            None => check_yaml(&yaml_text, ctx, engine),
            Some((span, detail)) => {
                let params = BTreeMap::from([
                    ("detail".to_string(), detail),
                    ("variant".to_string(), "json".to_string()),
                ]);
                let finding = ctx.finding(Lint::InvalidYaml.id(), span, Vec::new(), params);
                TargetOutcome {
                    findings: vec![finding],
                    ..TargetOutcome::default()
                }
            }
        },
        None => TargetOutcome {
            not_an_input: true,
            ..TargetOutcome::default()
        },
    }
}

/// The text of a `*.json` file to load as YAML when it holds a Kubernetes manifest (what
/// `kubectl apply -f` accepts: an object, or a `List`, with `apiVersion` and `kind` at its top
/// level), else `None` (`package.json`, `tsconfig.json`...). JSON is YAML once its tabs, which
/// JSON allows only between tokens, are spaces: same length, so every position stays exact. A
/// file that does not load but names both fields at its top is kept, to report why it fails.
fn json_manifest_text(text: &str) -> Option<String> {
    let text = text.replace('\t', " ");
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let stream = yaml::load(&text, yaml::Limits::default());
    let is_manifest = |node: &Node| {
        node.get("apiVersion").and_then(Node::as_str).is_some()
            && node.get("kind").and_then(Node::as_str).is_some()
    };
    match stream.documents.first() {
        Some(doc) => is_manifest(&doc.root).then_some(text),
        None => (text.contains("\"apiVersion\"") && text.contains("\"kind\"")).then_some(text),
    }
}

/// Where and why a manifest's JSON is not JSON, read as kubectl reads a `.json` file (a stream of
/// JSON values, strictly: no trailing comma, no comment, no YAML-only syntax), else `None`.
fn json_syntax_error(text: &str) -> Option<(Span, String)> {
    let error = serde_json::Deserializer::from_str(text)
        .into_iter::<serde::de::IgnoredAny>()
        .find_map(Result::err)?;
    let message = error.to_string();
    // serde_json appends the position, which the finding carries already.
    let detail = match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    let line = error.line().max(1);
    let line_text = text.split('\n').nth(line - 1).unwrap_or("");
    let byte = error.column().saturating_sub(1);
    // serde_json reads `{"a": 1,}` as a missing key; the writer left a comma behind.
    // (`get`: a column inside a multi-byte character gives no slice rather than a panic.)
    let rest = line_text.get(byte..).unwrap_or("");
    let after_comma = text
        .get(..line_start(text, line) + byte)
        .is_some_and(|before| before.trim_end().ends_with(','));
    let detail = match rest.chars().next() {
        Some(c @ ('}' | ']')) if after_comma => format!("trailing comma before `{c}`"),
        _ => detail,
    };
    // serde_json counts bytes from 1 (0 at a line's start); spans count characters from 1.
    let before = line_text
        .char_indices()
        .take_while(|(i, _)| *i < byte)
        .count();
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    let column = u32::try_from(before + 1).unwrap_or(u32::MAX);
    Some((
        Span::new(Position::new(line, column), Position::new(line, column + 1)),
        detail,
    ))
}

/// Byte offset of the start of 1-based `line`.
fn line_start(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum()
}
