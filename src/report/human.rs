//! Human-readable diagnostics, in the style of ruff and miette: rule code and message, the
//! source line with the offending part underlined, the object or stage, the requirements and
//! the remediation; grouped per file, then a summary. Colour only when asked for.

use std::fmt::Write as _;

use super::{
    requirement_counts, requirement_label, requirements_line, severity_counts, ReportInput,
};
use crate::catalog::{Lang, Severity};
use crate::finding::Finding;
use crate::span::Span;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn severity(&self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Note => "1;36",
        };
        self.paint(code, text)
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}

struct Words {
    severity: [&'static str; 3],
    help: &'static str,
    requirement: &'static str,
    object: &'static str,
    stage: &'static str,
    value_set: &'static str,
    /// A Kustomize root is no value set: the object comes from its build.
    kustomize_root: &'static str,
    kustomize_roots: &'static str,
    value_sets: &'static str,
    /// French typography puts a space before the colon.
    colon: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Fr => Words {
            severity: ["erreur", "avertissement", "note"],
            help: "aide",
            requirement: "exigences",
            object: "objet",
            stage: "étape",
            value_set: "jeu de valeurs",
            value_sets: "jeux de valeurs",
            kustomize_root: "construit par la kustomization",
            kustomize_roots: "construit par les kustomizations",
            colon: " :",
        },
        Lang::En => Words {
            severity: ["error", "warning", "note"],
            help: "help",
            requirement: "requirements",
            object: "object",
            stage: "stage",
            value_set: "value set",
            value_sets: "value sets",
            kustomize_root: "built by kustomization",
            kustomize_roots: "built by kustomizations",
            colon: ":",
        },
    }
}

fn severity_word(w: &Words, s: Severity) -> &'static str {
    match s {
        Severity::Error => w.severity[0],
        Severity::Warning => w.severity[1],
        Severity::Note => w.severity[2],
    }
}

/// A located source line: `--> file:line:col`, the line, the span marked under it.
struct Excerpt<'a> {
    arrow: &'a str,
    file: &'a str,
    span: Span,
    source: Option<&'a str>,
    mark: char,
    label: &'a str,
}

impl Excerpt<'_> {
    /// Writes the excerpt; false when there is no source line to show (only the location).
    fn write(
        &self,
        out: &mut String,
        style: &Style,
        gutter: &str,
        paint: &dyn Fn(&str) -> String,
    ) -> bool {
        let (line, column) = (self.span.start.line, self.span.start.column);
        let _ = writeln!(
            out,
            "{gutter}{} {}:{line}:{column}",
            style.dim(self.arrow),
            self.file
        );
        let Some(source) = self.source else {
            return false;
        };
        let source = source.replace('\t', " ");
        let start = column.saturating_sub(1) as usize;
        let width = if self.span.end.line == line && self.span.end.column > column {
            (self.span.end.column - column) as usize
        } else {
            source
                .trim_end()
                .chars()
                .count()
                .saturating_sub(start)
                .max(1)
        };
        let number = format!("{line:>width$}", width = gutter.len());
        let marks = format!(
            "{}{}",
            " ".repeat(start),
            self.mark.to_string().repeat(width)
        );
        let _ = writeln!(out, "{gutter} {}", style.dim("|"));
        let _ = writeln!(out, "{} {} {source}", style.dim(&number), style.dim("|"));
        // No space after the marks when no label follows (no trailing blank in the output).
        let label = if self.label.is_empty() {
            String::new()
        } else {
            format!(" {}", self.label)
        };
        let _ = writeln!(out, "{gutter} {} {}{label}", style.dim("|"), paint(&marks));
        true
    }
}

fn write_finding(out: &mut String, input: &ReportInput<'_>, style: &Style, w: &Words, f: &Finding) {
    if let Some(s) = &f.suppression {
        // Suppressed findings are written dimmed, whole, with the derogation that covers them.
        let mut plain = String::new();
        write_finding(
            &mut plain,
            input,
            &Style { on: false },
            w,
            &Finding {
                suppression: None,
                ..f.clone()
            },
        );
        let label = match input.lang {
            Lang::Fr => "dérogation",
            Lang::En => "derogation",
        };
        let mut detail = format!("{label}{} {} ({})", w.colon, s.justification, s.source);
        if let Some(r) = &s.reference {
            detail.push_str(&format!(" · {r}"));
        }
        if let Some(e) = &s.expires {
            detail.push_str(&format!(" · {e}"));
        }
        let body = plain.trim_end_matches('\n');
        let _ = writeln!(out, "{}", style.dim(body));
        let _ = writeln!(out, "  {}\n", style.dim(&detail));
        return;
    }
    let message = f.message(input.catalog, input.lang);
    let mut head = format!("{}[{}]", severity_word(w, f.severity), f.rule_id);
    if f.in_baseline {
        head.push_str(match input.lang {
            Lang::Fr => " (existant)",
            Lang::En => " (existing)",
        });
    }
    let _ = writeln!(
        out,
        "{}{} {}",
        style.severity(f.severity, &head),
        w.colon,
        style.bold(&message)
    );
    let widest = f
        .related
        .iter()
        .map(|r| r.span.start.line)
        .chain(std::iter::once(f.span.start.line))
        .max()
        .unwrap_or(1);
    let gutter = " ".repeat(widest.to_string().len());
    let mut context = Vec::new();
    if let Some(o) = &f.object {
        context.push(format!("{} {}", w.object, o.display()));
    }
    if let Some(s) = &f.stage {
        context.push(format!("{} `{s}`", w.stage));
    }
    // A related location without a values path nor an Application is the root kustomization.
    let kustomize = f
        .related
        .iter()
        .any(|r| r.values_path.is_empty() && r.application.is_none());
    let (one, many) = if kustomize {
        (w.kustomize_root, w.kustomize_roots)
    } else {
        (w.value_set, w.value_sets)
    };
    if f.value_sets.len() > 1 {
        context.push(format!("{many} {}", f.value_sets.join(", ")));
    } else if let Some(set) = &f.value_set {
        context.push(format!("{one} `{set}`"));
    }
    let main = Excerpt {
        arrow: "-->",
        file: &f.file,
        span: f.span,
        source: f.source_line.as_deref(),
        mark: '^',
        label: &context.join(" · "),
    };
    if !main.write(out, style, &gutter, &|t| style.severity(f.severity, t)) {
        for line in &context {
            let _ = writeln!(out, "{gutter} {} {line}", style.dim("="));
        }
    }
    for r in &f.related {
        // A second excerpt, as rustc and miette show related spans: the values line.
        Excerpt {
            arrow: ":::",
            file: &r.file,
            span: r.span,
            source: r.source_line.as_deref(),
            mark: '-',
            label: &super::sarif::related_message(input.lang, r),
        }
        .write(out, style, &gutter, &|t| style.dim(t));
    }
    if let Some(rule) = input.catalog.rule(&f.rule_id) {
        let reqs = requirements_line(input.catalog, rule);
        if !reqs.is_empty() {
            let _ = writeln!(
                out,
                "{gutter} {} {}{} {reqs}",
                style.dim("="),
                w.requirement,
                w.colon
            );
        }
        let remediation = rule.remediation.get(input.lang);
        if !remediation.is_empty() {
            let _ = writeln!(
                out,
                "{gutter} {} {}{} {remediation}",
                style.dim("="),
                w.help,
                w.colon
            );
        }
    }
    out.push('\n');
}

/// Writes the report, a piece at a time (the text of a large report
/// never exists whole in memory).
pub fn write(input: &ReportInput<'_>, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
    let style = Style { on: input.color };
    let w = words(input.lang);
    let mut out = String::new();
    let mut current_file: Option<&str> = None;
    let shown: Vec<&Finding> = input
        .findings
        .iter()
        .filter(|f| input.show_suppressed || f.suppression.is_none())
        .collect();
    for f in shown {
        if current_file != Some(f.file.as_str()) {
            let _ = writeln!(out, "{}", style.bold(&format!("── {} ──", f.file)));
            current_file = Some(&f.file);
        }
        write_finding(&mut out, input, &style, &w, f);
        super::flush_when_large(&mut out, sink)?;
    }
    out.push_str(&summary(input));
    sink.write_all(out.as_bytes())
}

/// The closing lines of the human report: counts per severity, derogated and skipped, per
/// requirement. `--quiet` prints only these.
pub fn summary(input: &ReportInput<'_>) -> String {
    let style = Style { on: input.color };
    let w = words(input.lang);
    let mut out = String::new();
    let active: Vec<&Finding> = input
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .collect();
    let suppressed = input.findings.len() - active.len();
    let [errors, warnings, notes] = severity_counts(active.iter().copied());
    let files = {
        let mut files: Vec<&str> = input.findings.iter().map(|f| f.file.as_str()).collect();
        files.dedup();
        files.len()
    };
    let total = active.len();
    let summary = match input.lang {
        Lang::Fr => format!(
            "{total} constat(s) : {errors} erreur(s), {warnings} avertissement(s), {notes} note(s), dans {files} fichier(s) ; {} cible(s), {} document(s) vérifiés",
            input.targets, input.documents
        ),
        Lang::En => format!(
            "{total} finding(s): {errors} error(s), {warnings} warning(s), {notes} note(s), in {files} file(s); {} target(s), {} document(s) checked",
            input.targets, input.documents
        ),
    };
    let _ = writeln!(out, "{}", style.bold(&summary));
    if input.skipped_test_hooks > 0 {
        let n = input.skipped_test_hooks;
        let line = match input.lang {
            Lang::Fr => format!("{n} objet(s) de test Helm (`helm.sh/hook: test`) non vérifié(s) : Argo CD ne les déploie pas (`helm: {{check_test_hooks: true}}` pour les vérifier)"),
            Lang::En => format!("{n} Helm test object(s) (`helm.sh/hook: test`) not checked: Argo CD never syncs them (`helm: {{check_test_hooks: true}}` checks them)"),
        };
        let _ = writeln!(out, "{}", style.dim(&line));
    }
    if suppressed > 0 {
        let line = match (input.lang, input.show_suppressed) {
            (Lang::Fr, false) => format!("{suppressed} constat(s) couvert(s) par une dérogation (--show-suppressed pour les voir)"),
            (Lang::Fr, true) => format!("{suppressed} constat(s) couvert(s) par une dérogation"),
            (Lang::En, false) => format!("{suppressed} finding(s) covered by a derogation (--show-suppressed to see them)"),
            (Lang::En, true) => format!("{suppressed} finding(s) covered by a derogation"),
        };
        let _ = writeln!(out, "{}", style.dim(&line));
    }
    let (failing, existing) = super::gate_counts(input);
    if existing > 0 {
        let line = match input.lang {
            Lang::Fr => format!("{existing} constat(s) déjà présent(s) dans la référence (--baseline), non bloquant(s)"),
            Lang::En => format!("{existing} finding(s) already in the baseline (--baseline), not gated"),
        };
        let _ = writeln!(out, "{}", style.dim(&line));
    }
    write_not_checked(&mut out, input, &w);
    let per_requirement = requirement_counts(input.catalog, active.iter().copied());
    if !per_requirement.is_empty() {
        let label = match input.lang {
            Lang::Fr => "Par exigence",
            Lang::En => "Per requirement",
        };
        let list = per_requirement
            .iter()
            .map(|(id, n)| format!("{} {n}", requirement_label(input.catalog, id)))
            .collect::<Vec<_>>()
            .join(" · ");
        let _ = writeln!(out, "{label}{} {list}", w.colon);
    }
    let config = match (input.lang, input.config_file) {
        (Lang::Fr, Some(file)) => format!("Configuration{} {file}", w.colon),
        (Lang::Fr, None) => {
            "Configuration : aucun fichier .cct-lint.yaml, réglages par défaut".to_string()
        }
        (Lang::En, Some(file)) => format!("Configuration{} {file}", w.colon),
        (Lang::En, None) => "Configuration: no .cct-lint.yaml file, defaults".to_string(),
    };
    let _ = writeln!(out, "{}", style.dim(&config));
    let gate = super::gate_name(input.gate);
    let verdict = match (input.lang, input.gate, failing) {
        (Lang::Fr, None, _) => "Seuil (--fail-on never) : jamais bloquant".to_string(),
        (Lang::En, None, _) => "Gate (--fail-on never): never fails".to_string(),
        (Lang::Fr, Some(_), 0) => format!("Seuil (--fail-on {gate}) : réussi — aucun constat nouveau et sans dérogation à ce niveau"),
        (Lang::En, Some(_), 0) => format!("Gate (--fail-on {gate}): passed — no new, non-derogated finding at or above {gate}"),
        (Lang::Fr, Some(_), n) => format!("Seuil (--fail-on {gate}) : échec — {n} constat(s) nouveau(x) et sans dérogation à ce niveau ou au-dessus"),
        (Lang::En, Some(_), n) => format!("Gate (--fail-on {gate}): failed — {n} new, non-derogated finding(s) at or above {gate}"),
    };
    let _ = writeln!(out, "{}", style.bold(&verdict));
    out
}

/// What could not be checked, named, so that a clean summary never hides it.
fn write_not_checked(out: &mut String, input: &ReportInput<'_>, w: &Words) {
    use crate::coverage::Checked;
    const SHOWN: usize = 5;
    let unchecked: Vec<_> = input
        .scope
        .inputs
        .iter()
        .filter(|i| i.checked != Checked::Full)
        .collect();
    if unchecked.is_empty() {
        return;
    }
    let mut names: Vec<String> = unchecked
        .iter()
        .take(SHOWN)
        .map(|i| {
            let mut name = i.file.clone();
            if let Some(set) = &i.value_set {
                name.push_str(&format!(" ({} {set})", w.value_set));
            }
            let why = match &i.checked {
                Checked::Partial { reason } | Checked::No { reason } => &reason.rule_id,
                Checked::Full => "",
            };
            format!("{name} [{why}]")
        })
        .collect();
    if unchecked.len() > SHOWN {
        names.push(format!("+{}", unchecked.len() - SHOWN));
    }
    let line = match input.lang {
        Lang::Fr => format!(
            "Non vérifié entièrement{} {} entrée(s) — {}",
            w.colon,
            unchecked.len(),
            names.join(", ")
        ),
        Lang::En => format!(
            "Not fully checked{} {} input(s) — {}",
            w.colon,
            unchecked.len(),
            names.join(", ")
        ),
    };
    let _ = writeln!(out, "{line}");
}
