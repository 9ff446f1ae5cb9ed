//! The `check` conveniences linters share: `--select`/`--ignore RULE,...` (rule ids or id
//! prefixes such as `K8S` or `DF00`), `--statistics` (one line per rule with its counts instead
//! of every finding) and `--quiet` (the summary only). It filters rules and shapes the human
//! output; it never changes a finding, and the tool's own LNT diagnostics (a file that could not
//! be checked) stay unless `--ignore` names them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::catalog::{Catalog, Family, Lang};
use crate::report::{self, Format, ReportInput};

/// Which rules `--select` and `--ignore` leave in.
#[derive(Debug, Clone, Default)]
pub struct RuleFilter {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl RuleFilter {
    /// Each entry is a rule id or an id prefix (upper-cased); one that names no rule of the
    /// catalogue is a usage error.
    pub fn new(select: &[String], ignore: &[String], catalog: &Catalog) -> Result<Self, String> {
        let clean = |flag: &str, list: &[String]| -> Result<Vec<String>, String> {
            let mut out = Vec::new();
            for entry in list {
                let id = entry.trim().to_ascii_uppercase();
                if id.is_empty() {
                    continue;
                }
                if !catalog.rules.keys().any(|r| r.starts_with(&id)) {
                    return Err(format!(
                        "{flag}: `{entry}` names no rule (see `cct-lint rules`)"
                    ));
                }
                out.push(id);
            }
            Ok(out)
        };
        Ok(Self {
            select: clean("--select", select)?,
            ignore: clean("--ignore", ignore)?,
        })
    }

    fn matches(list: &[String], id: &str) -> bool {
        list.iter().any(|p| id.starts_with(p.as_str()))
    }

    /// Whether findings of rule `id` are kept (and the rule evaluated).
    pub fn allows(&self, catalog: &Catalog, id: &str) -> bool {
        if Self::matches(&self.ignore, id) {
            return false;
        }
        let lint = catalog
            .rule(id)
            .is_some_and(|r| r.input.family == Family::Lint);
        self.select.is_empty() || lint || Self::matches(&self.select, id)
    }
}

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

/// The report of one format: the human one shaped by `--statistics` and `--quiet`, the others
/// as `report::render` writes them.
pub fn render(
    format: Format,
    input: &ReportInput<'_>,
    statistics_only: bool,
    quiet: bool,
) -> String {
    if format != Format::Human || !(statistics_only || quiet) {
        return report::render(format, input);
    }
    let mut out = String::new();
    if statistics_only {
        out.push_str(&statistics(input));
    }
    out.push_str(&report::human_summary(input));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_and_ignore_take_ids_and_prefixes_and_keep_lint_diagnostics() {
        let catalog = Catalog::embedded().expect("catalogue");
        let f = RuleFilter::new(&["k8s00".into()], &["K8S003".into()], &catalog).expect("valid");
        assert!(f.allows(&catalog, "K8S001"));
        assert!(!f.allows(&catalog, "K8S003"));
        assert!(!f.allows(&catalog, "K8S010"));
        assert!(!f.allows(&catalog, "DF001"));
        assert!(f.allows(&catalog, "LNT001"));
        let g = RuleFilter::new(&[], &["LNT016".into(), "DF".into()], &catalog).expect("valid");
        assert!(!g.allows(&catalog, "LNT016"));
        assert!(!g.allows(&catalog, "DF004"));
        assert!(g.allows(&catalog, "K8S010"));
        assert!(RuleFilter::new(&["K9S001".into()], &[], &catalog)
            .unwrap_err()
            .contains("names no rule"));
    }
}
