//! The JSON report: the Finding model with its words resolved in the chosen language. Field
//! names are a stable, documented contract (docs/json-format.md); add fields, never rename.

use serde::Serialize;
use serde_json::json;

use super::{severity_counts, ReportInput};
use crate::finding::{Finding, ObjectRef, Params, RelatedLocation, Suppression};

/// Version of the JSON report layout.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Writes the report, one finding at a time: a large report (90 MB for
/// 100,000 findings) never exists as one string in memory.
pub fn write(input: &ReportInput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let [errors, warnings, notes] = severity_counts(input.findings);
    let report = json!({
        "format_version": JSON_FORMAT_VERSION,
        "tool": {
            "name": "cct-lint",
            "version": env!("CARGO_PKG_VERSION"),
            "catalog_version": crate::catalog::CATALOG_VERSION,
        },
        "lang": match input.lang { crate::catalog::Lang::Fr => "fr", crate::catalog::Lang::En => "en" },
        "summary": {
            "findings": input.findings.len(),
            "error": errors,
            "warning": warnings,
            "note": notes,
            "suppressed": input.findings.iter().filter(|f| f.suppression.is_some()).count(),
            "targets": input.targets,
            "documents": input.documents,
            "skipped_test_hooks": input.skipped_test_hooks,
            "charts": input.charts,
        },
        "check": super::check_facts(input),
        "findings": [],
    });
    // The findings are written one at a time into the pretty-printed frame, so a report of
    // 100,000 findings never exists as one value tree in memory.
    let frame = serde_json::to_string_pretty(&report).unwrap_or_default();
    let Some(head) = frame
        .strip_suffix("[]\n}")
        .or_else(|| frame.strip_suffix("[]\r\n}"))
    else {
        return out.write_all((frame + "\n").as_bytes());
    };
    out.write_all(head.as_bytes())?;
    super::pretty::write_array_parallel(out, input.findings, |f| FindingJson::new(f, input), 1)?;
    out.write_all(b"\n}\n")
}

/// One finding as the report writes it, fields in their documented order; serialized straight
/// from the finding (no intermediate JSON value: a dense scan writes tens of thousands).
#[derive(Serialize)]
struct FindingJson<'a> {
    rule_id: &'a str,
    rule_name: &'a str,
    severity: &'a str,
    message: String,
    remediation: &'a str,
    requirements: &'a [String],
    alpha_requirements: &'a [String],
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    object: Option<&'a ObjectRef>,
    stage: &'a Option<String>,
    /// Parsed again: the finding keeps it as compact text, the report pretty-prints it.
    path: serde_json::Value,
    params: &'a Params,
    fingerprint: &'a str,
    suppression: Option<&'a Suppression>,
    in_baseline: bool,
    // Chart-only fields, present only when set (documented as optional).
    #[serde(skip_serializing_if = "Option::is_none")]
    value_set: &'a Option<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    value_sets: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<RelatedJson<'a>>,
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    values_path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    application: &'a Option<String>,
}

impl<'a> FindingJson<'a> {
    fn new(f: &'a Finding, input: &'a ReportInput<'_>) -> Self {
        let rule = input.catalog.rule(&f.rule_id);
        Self {
            rule_id: &f.rule_id,
            rule_name: rule.map(|r| r.name.as_str()).unwrap_or_default(),
            severity: f.severity.as_str(),
            message: f.message(input.catalog, input.lang),
            remediation: rule
                .map(|r| r.remediation.get(input.lang))
                .unwrap_or_default(),
            requirements: rule.map(|r| r.requirements.as_slice()).unwrap_or_default(),
            alpha_requirements: rule.map(|r| r.alpha.as_slice()).unwrap_or_default(),
            file: &f.file,
            line: f.span.start.line,
            column: f.span.start.column,
            end_line: f.span.end.line,
            end_column: f.span.end.column,
            object: f.object.as_deref(),
            stage: &f.stage,
            path: serde_json::from_str(f.path.as_json()).unwrap_or_default(),
            params: &f.params,
            fingerprint: &f.fingerprint,
            suppression: f.suppression.as_deref(),
            in_baseline: f.in_baseline,
            value_set: &f.value_set,
            value_sets: &f.value_sets,
            related: f.related.iter().map(RelatedJson::new).collect(),
        }
    }
}

impl<'a> RelatedJson<'a> {
    fn new(r: &'a RelatedLocation) -> Self {
        Self {
            file: &r.file,
            line: r.span.start.line,
            column: r.span.start.column,
            end_line: r.span.end.line,
            end_column: r.span.end.column,
            values_path: &r.values_path,
            application: &r.application,
        }
    }
}
