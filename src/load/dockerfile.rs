//! Dockerfile loader: parses one Dockerfile, evaluates the Dockerfile rules on it and locates
//! their findings on the instruction at fault, naming the build stage. Parse errors are LNT004
//! at their position and the file is still checked as far as it parsed.
//! Must not: run Docker, resolve images over the network or guess a position from text.

use crate::catalog::Family;
use crate::derogation;
use crate::evaluate::RuleEngine;
use crate::finding::Lint;
use crate::load::TargetOutcome;
use crate::locate::{start_of_file, FileContext};
use crate::parse::dockerfile;

/// Checks one Dockerfile's text.
pub(crate) fn check(text: &str, ctx: &FileContext<'_>, engine: &mut RuleEngine) -> TargetOutcome {
    let parsed = dockerfile::parse(text);
    let mut outcome = TargetOutcome {
        documents: 1,
        inline_derogations: derogation::comment_derogations(ctx.display, &ctx.lines),
        ..TargetOutcome::default()
    };
    for error in &parsed.errors {
        outcome.findings.push(ctx.lint(
            Lint::InvalidDockerfile.id(),
            error.span,
            error.message.clone(),
        ));
    }
    if parsed.stages.is_empty() {
        return outcome;
    }
    let input = regorus::Value::from(parsed.to_input());
    match engine.evaluate(&Family::Dockerfile, "", input) {
        Ok(raw) => {
            for r in raw {
                let span = parsed.span_for_path(&r.path).unwrap_or_else(start_of_file);
                let stage = match (r.path.first(), r.path.get(1)) {
                    (Some(serde_json::Value::String(s)), Some(serde_json::Value::Number(n)))
                        if s == "stages" =>
                    {
                        n.as_u64()
                            .and_then(|i| parsed.stages.get(i as usize))
                            .map(|s| {
                                s.name
                                    .clone()
                                    .unwrap_or_else(|| format!("#{}", s.index + 1))
                            })
                    }
                    _ => None,
                };
                let mut finding = ctx.finding(&r.rule_id, span, r.path, r.params);
                finding.stage = stage;
                outcome.findings.push(finding);
            }
        }
        Err(e) => outcome.findings.push(ctx.lint(
            Lint::RuleEvaluationFailed.id(),
            start_of_file(),
            e.to_string(),
        )),
    }
    outcome
}
