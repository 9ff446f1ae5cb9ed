//! Kubernetes manifest loader: a YAML file (a stream of documents, `List` kinds flattened) or
//! a JSON file holding a manifest, checked object by object through the shared object loop.
//! Must not: read other files, or take a JSON file that is no manifest for an input.

use crate::derogation;
use crate::evaluate::RuleEngine;
use crate::load::{check_objects, ObjectSinks, TargetOutcome};
use crate::locate::{FileContext, Locator};
use crate::parse::yaml::{self, Node};

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
        Some(text) => check_yaml(&text, ctx, engine),
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
