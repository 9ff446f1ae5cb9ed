//! The JSON report: the Finding model with its words resolved in the chosen language. Field
//! names are a stable, documented contract (docs/json-format.md); add fields, never rename.

use serde_json::json;

use super::{severity_counts, ReportInput};

/// Version of the JSON report layout.
pub const JSON_FORMAT_VERSION: u32 = 1;

pub fn render(input: &ReportInput<'_>) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report as [`render`] returns it, one finding at a time: a large report (90 MB for
/// 100,000 findings) never exists as one string in memory.
pub fn write(input: &ReportInput<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let [errors, warnings, notes] = severity_counts(input.findings);
    let finding_json = |f: &crate::finding::Finding| {
        let rule = input.catalog.rule(&f.rule_id);
        let mut one = json!({
            "rule_id": f.rule_id,
            "rule_name": rule.map(|r| r.name.as_str()).unwrap_or_default(),
            "severity": f.severity.as_str(),
            "message": f.message(input.catalog, input.lang),
            "remediation": rule.map(|r| r.remediation.get(input.lang)).unwrap_or_default(),
            "requirements": rule.map(|r| r.requirements.clone()).unwrap_or_default(),
            "alpha_requirements": rule.map(|r| r.alpha.clone()).unwrap_or_default(),
            "file": f.file,
            "line": f.span.start.line,
            "column": f.span.start.column,
            "end_line": f.span.end.line,
            "end_column": f.span.end.column,
            "object": f.object,
            "stage": f.stage,
            "path": f.path,
            "params": f.params,
            "fingerprint": f.fingerprint,
            "suppression": f.suppression,
            "in_baseline": f.in_baseline,
        });
        // Chart-only fields, present only when set (documented as optional).
        if let Some(map) = one.as_object_mut() {
            if let Some(set) = &f.value_set {
                map.insert("value_set".into(), json!(set));
            }
            if !f.value_sets.is_empty() {
                map.insert("value_sets".into(), json!(f.value_sets));
            }
            if !f.related.is_empty() {
                let related: Vec<serde_json::Value> = f
                    .related
                    .iter()
                    .map(|r| {
                        let mut one = json!({
                            "file": r.file,
                            "line": r.span.start.line,
                            "column": r.span.start.column,
                            "end_line": r.span.end.line,
                            "end_column": r.span.end.column,
                            "values_path": r.values_path,
                        });
                        if let Some(app) = &r.application {
                            one["application"] = json!(app);
                        }
                        one
                    })
                    .collect();
                map.insert("related".into(), json!(related));
            }
        }
        one
    };
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
    if input.findings.is_empty() {
        return out.write_all(b"[]\n}\n");
    }
    out.write_all(b"[\n")?;
    let mut text = String::new();
    for (i, f) in input.findings.iter().enumerate() {
        text.clear();
        let one = serde_json::to_string_pretty(&finding_json(f)).unwrap_or_default();
        for (j, line) in one.lines().enumerate() {
            if j > 0 {
                text.push('\n');
            }
            text.push_str("    ");
            text.push_str(line);
        }
        text.push_str(if i + 1 < input.findings.len() {
            ",\n"
        } else {
            "\n"
        });
        out.write_all(text.as_bytes())?;
    }
    out.write_all(b"  ]\n}\n")
}
