//! The `check` conveniences linters share: `--select`/`--ignore RULE,...` (rule ids or id
//! prefixes such as `K8S` or `DF00`), `--statistics` (one line per rule with its counts instead
//! of every finding) and `--quiet` (the summary only). Here: the shape of the human output;
//! the rule filter itself is `config::RuleFilter`, applied by the check. It never changes a
//! finding, and the tool's own LNT diagnostics (a file that could not be checked) stay unless
//! `--ignore` names them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::catalog::Lang;
use crate::report::{self, Format, ReportInput};

/// One line per rule with findings: count, id, severity, name; most frequent first. Derogated
/// findings are counted apart.
pub fn statistics(input: &ReportInput<'_>) -> String {
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in input.findings {
        let entry = per_rule.entry(f.rule_id.as_str()).or_default();
        if f.suppression.is_some() {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
    }
    let mut rows: Vec<(&str, usize, usize)> = per_rule
        .into_iter()
        .map(|(id, (a, s))| (id, a, s))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let width = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (id, active, suppressed) in rows {
        let rule = input.catalog.rule(id);
        let severity = input
            .findings
            .iter()
            .find(|f| f.rule_id == id)
            .map(|f| crate::docs::severity_word(f.severity, input.lang))
            .unwrap_or_default();
        let name = rule.map(|r| r.name.as_str()).unwrap_or_default();
        let _ = write!(out, "{active:>width$}  {id:<8} {severity:<13} {name}");
        if suppressed > 0 {
            let _ = match input.lang {
                Lang::Fr => write!(out, " (+{suppressed} sous dérogation)"),
                Lang::En => write!(out, " (+{suppressed} derogated)"),
            };
        }
        out.push('\n');
    }
    out
}

/// Writes the report of one format to `out`: the human one shaped by `--statistics` and
/// `--quiet`, the others as `report::write` streams them.
pub fn write(
    format: Format,
    input: &ReportInput<'_>,
    statistics_only: bool,
    quiet: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if format != Format::Human || !(statistics_only || quiet) {
        return report::write(format, input, out);
    }
    if statistics_only {
        out.write_all(statistics(input).as_bytes())?;
    }
    out.write_all(report::human_summary(input).as_bytes())
}
