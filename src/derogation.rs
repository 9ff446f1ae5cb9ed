//! Derogations (dérogations): justified exceptions granted in advance, from the config file or
//! written inline (a `cct-lint/derogation.<ID>` annotation on a Kubernetes object, or a
//! `# cct-lint-derogation <ID>: <justification>` comment line just above the node). This stage
//! marks the findings they cover as suppressed and reports the derogations that are invalid
//! (no justification), expired or unused. It reads no files; the scan hands it inline ones.

use std::collections::BTreeMap;

use globset::{Glob, GlobMatcher};
use serde::Serialize;

use crate::catalog::{Catalog, Severity};
use crate::config::{parse_date, ConfigDerogation};
use crate::finding::{Finding, Lint, ObjectRef, SourceRef, Suppression, SuppressionKind};
use crate::span::Span;

/// Annotation key prefix of inline derogations on Kubernetes objects.
pub const ANNOTATION_PREFIX: &str = "cct-lint/derogation.";
/// Marker of inline derogation comments in YAML files and Dockerfiles.
pub const COMMENT_MARKER: &str = "cct-lint-derogation";

/// What a derogation covers besides its rules.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Config file: path globs (none = everywhere, relative to the config file's folder)
    /// and optionally an object kind and name.
    Config {
        paths: Vec<GlobMatcher>,
        kind: Option<String>,
        name: Option<String>,
    },
    /// A comment: the findings that start on the node below it, lines `first..=last` of `file`
    /// (the node's line and the more-indented lines of its block).
    Line { file: String, first: u32, last: u32 },
    /// An annotation: every finding on that object.
    Object { file: String, object: ObjectRef },
}

#[derive(Debug, Clone)]
pub struct Derogation {
    /// Rule ids and/or requirement ids.
    pub rules: Vec<String>,
    pub scope: Scope,
    pub justification: Option<String>,
    pub reference: Option<String>,
    pub expires: Option<String>,
    pub kind: SuppressionKind,
    /// Where the derogation is written.
    pub file: String,
    pub span: Span,
}

impl Derogation {
    /// From a config-file entry; `file` is the config file's display path.
    pub fn from_config(d: &ConfigDerogation, file: &str) -> Self {
        let paths = d
            .paths
            .iter()
            .filter_map(|p| Glob::new(p).ok().map(|g| g.compile_matcher()))
            .collect();
        Self {
            rules: d.rules.clone(),
            scope: Scope::Config {
                paths,
                kind: d.kind.clone(),
                name: d.name.clone(),
            },
            justification: d.justification.clone(),
            reference: d.reference.clone(),
            expires: d.expires.clone(),
            kind: SuppressionKind::Config,
            file: file.to_string(),
            span: Span::on_line(d.line, 1, "-"),
        }
    }

    /// `config_relative` gives a finding's file relative to the configuration file's folder.
    fn covers(
        &self,
        finding: &Finding,
        catalog: &Catalog,
        config_relative: &dyn Fn(&str) -> String,
    ) -> bool {
        let rule_match = self.rules.iter().any(|r| {
            r == &finding.rule_id
                || catalog
                    .rule(&finding.rule_id)
                    .is_some_and(|meta| meta.requirements.contains(r) || meta.alpha.contains(r))
        });
        if !rule_match || finding.rule_id.starts_with("LNT") {
            return false;
        }
        match &self.scope {
            Scope::Config { paths, kind, name } => {
                let relative = config_relative(&finding.file);
                (paths.is_empty() || paths.iter().any(|g| g.is_match(&relative)))
                    && kind.as_ref().is_none_or(|k| {
                        finding
                            .object
                            .as_ref()
                            .is_some_and(|o| o.kind.eq_ignore_ascii_case(k))
                    })
                    && name.as_ref().is_none_or(|n| {
                        finding.object.as_ref().is_some_and(|o| &o.name == n)
                            || finding.stage.as_ref() == Some(n)
                    })
            }
            Scope::Line { file, first, last } => {
                &finding.file == file && (*first..=*last).contains(&finding.span.start.line)
            }
            Scope::Object { file, object } => {
                &finding.file == file && finding.object.as_deref() == Some(object)
            }
        }
    }

    fn suppression(&self) -> Suppression {
        Suppression {
            kind: self.kind,
            justification: self.justification.clone().unwrap_or_default(),
            reference: self.reference.clone(),
            expires: self.expires.clone(),
            source: SourceRef {
                file: self.file.clone(),
                line: self.span.start.line,
            },
        }
    }
}

/// Splits `justification; reference=X; expires=YYYY-MM-DD` (the inline forms).
pub fn parse_inline_text(text: &str) -> (Option<String>, Option<String>, Option<String>) {
    let mut justification = Vec::new();
    let (mut reference, mut expires) = (None, None);
    for part in text.split(';') {
        let part = part.trim();
        if let Some(v) = part
            .strip_prefix("reference=")
            .or_else(|| part.strip_prefix("ref="))
        {
            reference = Some(v.trim().to_string());
        } else if let Some(v) = part.strip_prefix("expires=") {
            expires = Some(v.trim().to_string());
        } else if !part.is_empty() {
            justification.push(part);
        }
    }
    let justification = (!justification.is_empty()).then(|| justification.join("; "));
    (justification, reference, expires)
}

/// Inline derogation comments of a file (full-line `#` comments), each applying to the next
/// line that is neither blank nor a comment.
pub fn comment_derogations(file: &str, lines: &[&str]) -> Vec<Derogation> {
    let mut out = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim_start();
        let Some(comment) = line.strip_prefix('#') else {
            continue;
        };
        let Some(rest) = comment.trim_start().strip_prefix(COMMENT_MARKER) else {
            continue;
        };
        let (ids, text) = rest.split_once(':').unwrap_or((rest, ""));
        let rules: Vec<String> = ids
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let Some(target) = lines
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(j, _)| j as u32 + 1)
        else {
            continue;
        };
        let (justification, reference, expires) = parse_inline_text(text);
        let column = (raw.len() - line.len()) as u32 + 1;
        out.push(Derogation {
            rules,
            scope: Scope::Line {
                file: file.to_string(),
                first: target,
                last: block_end(lines, target),
            },
            justification,
            reference,
            expires,
            kind: SuppressionKind::Inline,
            file: file.to_string(),
            span: Span::on_line(i as u32 + 1, column, line.trim_end()),
        });
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Last line (1-based) of the block that starts at line `first`: the following lines that are
/// blank, comments, or indented deeper (a YAML node's children, a Dockerfile continuation).
fn block_end(lines: &[&str], first: u32) -> u32 {
    let start = first as usize - 1;
    let Some(head) = lines.get(start) else {
        return first;
    };
    let depth = indent(head);
    let mut last = first;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent(line) <= depth || trimmed == "---" {
            break;
        }
        last = i as u32 + 1;
    }
    last
}

/// What became of a derogation: the audit's register lists them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DerogationState {
    /// Valid and covering at least one finding.
    Active,
    /// Past its expiry date (or with an unreadable one): it covers nothing.
    Expired,
    /// Valid but matching no finding.
    Unused,
    /// Without a justification: it covers nothing.
    Unjustified,
}

/// One derogation of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DerogationRecord {
    /// Where it is written (what a suppression's `source` names).
    pub source: SourceRef,
    pub kind: SuppressionKind,
    pub rules: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub state: DerogationState,
    /// Indices, in the check's sorted findings, of the findings it covers.
    pub covers: Vec<usize>,
}

/// The result of applying derogations.
pub struct Applied {
    /// LNT012 no justification, LNT013 expired, LNT014 unused.
    pub diagnostics: Vec<Finding>,
    /// Every derogation, in the order given, with its state (`covers` is left empty: the
    /// caller fills it once findings are in their final order).
    pub register: Vec<DerogationRecord>,
}

/// Applies derogations: marks covered findings as suppressed and returns the diagnostics about
/// derogations themselves and the register. `config_relative` gives a finding's file relative
/// to the configuration file's folder (config derogation paths are written that way).
pub fn apply(
    findings: &mut [Finding],
    derogations: &[Derogation],
    catalog: &Catalog,
    today: i64,
    config_relative: &dyn Fn(&str) -> String,
) -> Applied {
    let mut diagnostics = Vec::new();
    let mut register = Vec::new();
    for d in derogations {
        let mut record = |state: DerogationState| {
            register.push(DerogationRecord {
                source: SourceRef {
                    file: d.file.clone(),
                    line: d.span.start.line,
                },
                kind: d.kind,
                rules: d.rules.clone(),
                justification: d.justification.clone().filter(|j| !j.trim().is_empty()),
                reference: d.reference.clone(),
                expires: d.expires.clone(),
                state,
                covers: Vec::new(),
            })
        };
        let lnt = |rule: &str, params: BTreeMap<String, String>| -> Finding {
            let severity = catalog
                .rule(rule)
                .map(|r| r.severity)
                .unwrap_or(Severity::Error);
            Finding {
                object: match &d.scope {
                    Scope::Object { object, .. } => Some(Box::new(object.clone())),
                    _ => None,
                },
                ..Finding::new(rule, severity, &d.file, d.span, params)
            }
            .with_fingerprint()
        };
        let ids = d.rules.join(", ");
        if d.justification
            .as_deref()
            .is_none_or(|j| j.trim().is_empty())
        {
            diagnostics.push(lnt(
                Lint::DerogationWithoutJustification.id(),
                BTreeMap::from([("rules".to_string(), ids)]),
            ));
            record(DerogationState::Unjustified);
            continue;
        }
        if let Some(expires) = &d.expires {
            match parse_date(expires) {
                Some(day) if day < today => {
                    diagnostics.push(lnt(
                        Lint::DerogationExpired.id(),
                        BTreeMap::from([
                            ("rules".to_string(), ids),
                            ("expires".to_string(), expires.clone()),
                        ]),
                    ));
                    record(DerogationState::Expired);
                    continue;
                }
                Some(_) => {}
                None => {
                    diagnostics.push(lnt(
                        Lint::DerogationExpired.id(),
                        BTreeMap::from([
                            ("rules".to_string(), ids),
                            (
                                "expires".to_string(),
                                format!("{expires} (not a YYYY-MM-DD date)"),
                            ),
                        ]),
                    ));
                    record(DerogationState::Expired);
                    continue;
                }
            }
        }
        let mut used = false;
        for f in findings.iter_mut() {
            if f.suppression.is_none() && d.covers(f, catalog, config_relative) {
                f.suppression = Some(Box::new(d.suppression()));
                used = true;
            }
        }
        if used {
            record(DerogationState::Active);
        } else {
            diagnostics.push(lnt(
                Lint::DerogationUnused.id(),
                BTreeMap::from([("rules".to_string(), ids)]),
            ));
            record(DerogationState::Unused);
        }
    }
    Applied {
        diagnostics,
        register,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Position;

    #[test]
    fn inline_text_parts() {
        assert_eq!(
            parse_inline_text(" needs hostPID; reference=DEC-1; expires=2027-01-31"),
            (
                Some("needs hostPID".into()),
                Some("DEC-1".into()),
                Some("2027-01-31".into())
            )
        );
        assert_eq!(parse_inline_text("  "), (None, None, None));
    }

    #[test]
    fn a_comment_covers_the_block_below_it() {
        let lines = vec![
            "env:",
            "  # cct-lint-derogation K8S016: sandbox",
            "  - name: TOKEN",
            "    value: x",
            "  - name: OTHER",
        ];
        let d = comment_derogations("a.yaml", &lines);
        assert!(matches!(
            d[0].scope,
            Scope::Line {
                first: 3,
                last: 4,
                ..
            }
        ));
    }

    #[test]
    fn comments_apply_to_the_next_code_line() {
        let lines = vec![
            "spec:",
            "  # cct-lint-derogation K8S004, K8S003: node agent; expires=2027-01-01",
            "  # another comment",
            "",
            "  hostPID: true",
        ];
        let d = comment_derogations("a.yaml", &lines);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rules, vec!["K8S004".to_string(), "K8S003".to_string()]);
        assert!(matches!(
            d[0].scope,
            Scope::Line {
                first: 5,
                last: 5,
                ..
            }
        ));
        assert_eq!(d[0].span.start, Position::new(2, 3));
    }
}
