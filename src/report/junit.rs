//! JUnit XML for the test-report views of GitLab (`artifacts:reports:junit`) and Jenkins
//! (`junit` step): a `cct-lint` suite with one passing `scan` case (so a clean scan is never an
//! empty report), then one `<testsuite>` per rule id present in the findings and one
//! `<testcase>` per finding. Findings at or above `--fail-on` are `<failure>`s; the others are
//! passing cases whose details are in `<system-out>`. It must not filter or reorder findings,
//! or write anything that varies between runs (no timestamps, no
//! host names, `time="0"`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{requirements_line, severity_counts, ReportInput};
use crate::catalog::{Lang, Severity};
use crate::finding::Finding;

/// Escapes `text` for XML 1.0 character data or a double- or single-quoted attribute value.
/// Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline and carriage
/// return; U+FFFE, U+FFFF) become U+FFFD. In attributes, tab, newline and carriage return are
/// written as character references so attribute normalisation keeps them.
pub fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

struct Words {
    severity: [&'static str; 2],
    location: &'static str,
    object: &'static str,
    stage: &'static str,
    requirements: &'static str,
    fix: &'static str,
    colon: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Fr => Words {
            severity: ["avertissement", "note"],
            location: "emplacement",
            object: "objet",
            stage: "étape",
            requirements: "exigences",
            fix: "correction",
            colon: " :",
        },
        Lang::En => Words {
            severity: ["warning", "note"],
            location: "location",
            object: "object",
            stage: "stage",
            requirements: "requirements",
            fix: "fix",
            colon: ":",
        },
    }
}

/// The body of a `<failure>` or `<system-out>`: location, object or stage, requirements and
/// remediation, one per line (unescaped).
fn details(input: &ReportInput<'_>, w: &Words, f: &Finding) -> String {
    let c = w.colon;
    let mut text = format!(
        "{}{c} {}:{}:{}\n",
        w.location, f.file, f.span.start.line, f.span.start.column
    );
    if let Some(o) = &f.object {
        let _ = writeln!(text, "{}{c} {}", w.object, o.display());
    }
    if let Some(s) = &f.stage {
        let _ = writeln!(text, "{}{c} {s}", w.stage);
    }
    if let Some(rule) = input.catalog.rule(&f.rule_id) {
        let reqs = requirements_line(input.catalog, rule);
        if !reqs.is_empty() {
            let _ = writeln!(text, "{}{c} {reqs}", w.requirements);
        }
        let _ = writeln!(text, "{}{c} {}", w.fix, rule.remediation.get(input.lang));
    }
    text
}

/// Test case names, `file:line`, unique inside their suite (GitLab keys cases by suite, class
/// and name and keeps one per key): `:column` is added when two findings of the rule share a
/// line, then ` #n` if they share the column too.
fn case_names(findings: &[&Finding]) -> Vec<String> {
    let mut lines: BTreeMap<(&str, u32), usize> = BTreeMap::new();
    for f in findings {
        *lines.entry((&f.file, f.span.start.line)).or_insert(0) += 1;
    }
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    findings
        .iter()
        .map(|f| {
            let base = if lines[&(f.file.as_str(), f.span.start.line)] > 1 {
                format!("{}:{}:{}", f.file, f.span.start.line, f.span.start.column)
            } else {
                format!("{}:{}", f.file, f.span.start.line)
            };
            let n = taken.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                base
            } else {
                format!("{base} #{n}")
            }
        })
        .collect()
}

fn summary(input: &ReportInput<'_>) -> String {
    let [errors, warnings, notes] = severity_counts(input.findings);
    let total = input.findings.len();
    match input.lang {
        Lang::Fr => format!(
            "{} cibles, {} documents analysés ; {total} constats ({errors} erreurs, {warnings} avertissements, {notes} notes)",
            input.targets, input.documents
        ),
        Lang::En => format!(
            "{} targets, {} documents scanned; {total} findings ({errors} errors, {warnings} warnings, {notes} notes)",
            input.targets, input.documents
        ),
    }
}

/// Writes the report, a piece at a time (the text of a large report
/// never exists whole in memory).
pub fn write(input: &ReportInput<'_>, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
    let w = words(input.lang);
    let mut suites: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in input.findings {
        suites.entry(&f.rule_id).or_default().push(f);
    }
    let failures = input.findings.iter().filter(|f| input.fails(f)).count();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"cct-lint\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">",
        input.findings.len() + 1
    );
    out.push_str(
        "  <testsuite name=\"cct-lint\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0\">\n",
    );
    let _ = writeln!(
        out,
        "    <testcase classname=\"cct-lint\" name=\"scan\" time=\"0\">\n      <system-out>{}</system-out>\n    </testcase>",
        escape(&summary(input), false)
    );
    out.push_str("  </testsuite>\n");

    for (rule_id, findings) in &suites {
        let id = escape(rule_id, true);
        let suite_failures = findings.iter().filter(|f| input.fails(f)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{id}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"0\" time=\"0\">",
            findings.len()
        );
        for (f, name) in findings.iter().zip(case_names(findings)) {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{id}\" name=\"{}\" file=\"{}\" time=\"0\">",
                escape(&name, true),
                escape(&f.file, true)
            );
            let body = escape(&details(input, &w, f), false);
            if input.fails(f) {
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"{}\">{body}</failure>",
                    escape(&f.message(input.catalog, input.lang), true),
                    f.severity.as_str()
                );
            } else {
                let severity = if f.severity == Severity::Warning {
                    w.severity[0]
                } else {
                    w.severity[1]
                };
                let _ = writeln!(
                    out,
                    "      <system-out>{severity}{} {}\n{body}</system-out>",
                    w.colon,
                    escape(&f.message(input.catalog, input.lang), false)
                );
            }
            out.push_str("    </testcase>\n");
            super::flush_when_large(&mut out, sink)?;
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    sink.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_names_are_unique_within_a_suite() {
        use crate::span::{Position, Span};
        let at = |line, column| {
            let span = Span::new(Position::new(line, column), Position::new(line, column + 1));
            Finding::new(
                "K8S001",
                Severity::Error,
                "a.yaml",
                span,
                Default::default(),
            )
        };
        let findings = [at(1, 1), at(2, 3), at(2, 7), at(2, 7)];
        let refs: Vec<&Finding> = findings.iter().collect();
        assert_eq!(
            case_names(&refs),
            ["a.yaml:1", "a.yaml:2:3", "a.yaml:2:7", "a.yaml:2:7 #2"]
        );
    }

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            escape("a<b>&\"c\" 'd'\n\u{1}", true),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#10;\u{fffd}"
        );
        assert_eq!(escape("a<b>\n\"x\"\r", false), "a&lt;b&gt;\n\"x\"&#13;");
    }
}
