//! The homologation audit report (`audit-md`, `audit-html`): one row per requirement of the
//! béta list with the rules that check it, a status (fail, derogation, pass, partial, manual)
//! and the evidence found in the repository, then a summary, the derogations and the findings
//! per requirement. It is written for the architect who assembles the homologation file.
//!
//! It must not claim more than the scan shows: a requirement is *checked — pass* only where the
//! COVERAGE table says the rules cover all of it, and evidence is shown as a hint, never as
//! compliance. Like every renderer it returns a string and depends on neither wall-clock time
//! nor thread count: the date is printed only when given (`CCT_LINT_REPORT_DATE` or
//! `SOURCE_DATE_EPOCH`), and the git commit is read from `.git` files, not by running `git`
//! (or given with `CCT_LINT_REPORT_COMMIT`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::framework_ids;
use super::ReportInput;
use crate::catalog::{Catalog, Family, Framework, Lang, Requirement};
use crate::coverage::{Checked, Input, InputKind, Scope};
use crate::derogation::DerogationState;
use crate::evidence::Evidence;
use crate::finding::{Finding, Suppression};
use crate::repository::GitHead;

/// How much of a requirement its rules can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// The rules check everything the requirement asks of the files: no finding means pass.
    Full,
    /// The rules check part of it; the rest needs a person.
    Partial,
}

/// Requirements whose rules check the whole of them. Every other requirement with rules is
/// partially checked: the table lists the partial ones too, so each judgement is written down
/// with its reason and a test keeps the table in step with the béta list and the rules.
pub const COVERAGE: &[(&str, Coverage)] = &[
    // Eco-design is about the whole solution (front end, frugality); resource requests/limits
    // and PVC sizes are only its infrastructure side.
    ("EXI-G-4", Coverage::Partial),
    // DMIA, two datacentres and regular exercises are organisational; replicas (and, later,
    // anti-affinity and PDB rules) are only the manifest side.
    ("EXI-ARCH-2", Coverage::Partial),
    // Community charts with frequent MCO/MCS and multi-arch images cannot be seen; the writable
    // /tmp volume can.
    ("EXI-ARCH-5", Coverage::Partial),
    // LTS, non-Alpine bases and multi-stage builds are checked; "the finest image" (distroless
    // first) and the debug-variant practice are judgements.
    ("EXI-ARCH-6", Coverage::Partial),
    // Secrets out of images, manifests and ConfigMaps are checked; the use of the other shared
    // services (IAM, service chain) is not visible in files.
    ("EXI-ARCH-10", Coverage::Partial),
    // Probes are checked; the /metrics endpoint and the link to the supervision chain are not
    // (APP004/APP006 will cover part of it).
    ("EXI-ARCH-12", Coverage::Partial),
    // The image registry is checked; use of the platform's logs and secret management is not.
    ("EXI-ARCH-13", Coverage::Partial),
    // NodePort and TLS on ingress are checked; flow separation and mutual authentication of
    // components are design choices.
    ("EXI-ARCH-14", Coverage::Partial),
    // Rootless (USER, runAsNonRoot), ports > 1024, no sshd, no privilege elevation (sudo,
    // setuid, privileged, allowPrivilegeEscalation), read-only root filesystem: what the
    // platform enforces is all checked. Image minimalism and start-up time are left to review,
    // but they are advice around the enforced core, so no finding counts as a pass.
    ("EXI-ARCH-18", Coverage::Full),
    // Session affinity and single replicas are checked; minimising data loss on node failover
    // is runtime behaviour.
    ("EXI-ARCH-19", Coverage::Partial),
    // Hard-coded IPs and PVCs in Deployments are checked; statelessness of the code is not.
    ("EXI-ARCH-20", Coverage::Partial),
    // The rollout strategy is checked; a data model where two versions coexist is not.
    ("EXI-ARCH-21", Coverage::Partial),
    // Credentials written in images and manifests are checked; configuration hard-coded in the
    // application's source is not read.
    ("EXI-ARCH-22", Coverage::Partial),
    // The requirement is exactly a list of securityContext fields and hostPath: K8S003 and
    // K8S005 check them all (K8S004 covers allowPrivilegeEscalation: true).
    ("EXI-ARCH-26", Coverage::Full),
    // Fully checkable from files: every image tag pinned (Dockerfile FROM and containers) and
    // imagePullPolicy IfNotPresent when set.
    ("EXI-ARCH-27", Coverage::Full),
];

/// The béta list repeats EXI-ORG-16 and EXI-ORG-17 (a competence requirement, then an
/// operating-model one). A rule or a file can only show the operating-model side (backups,
/// notifications), never people's training, so an id named by a rule means this occurrence.
const RULE_OCCURRENCE: &[(&str, usize)] = &[("EXI-ORG-16", 2), ("EXI-ORG-17", 2)];

/// Long enough for a meaningful sentence, short enough for a table cell.
const SUMMARY_CHARS: usize = 140;
/// Inputs not checked shown in a requirement's row; the scope section lists them all.
const GAPS_PER_ROW: usize = 5;
/// Evidence items shown in a requirement's row; the appendix lists them all.
const EVIDENCE_PER_ROW: usize = 5;

/// What the report says about one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Non-suppressed findings of its rules (their count).
    Fail(usize),
    /// Findings exist, all under derogation (their count).
    Derogation(usize),
    /// Fully covered by rules, no finding.
    Pass,
    /// Some rules, no finding, the rest to be attested.
    Partial,
    /// Rules cover it, no finding, but some of their inputs were missing or not checked.
    Unchecked,
    /// Rules cover it, but nothing they read was in the scanned tree.
    NotInScope,
    /// No rule maps to it.
    Manual,
}

/// Why a requirement's rules did not see everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap<'a> {
    /// No input of the kind one of its rule families reads (e.g. no Dockerfile).
    NoInput(&'a Family),
    /// An input that was only partly, or not, checked.
    Unchecked(&'a Input),
}

/// The status from what the rules can see, what they read and what they found: "pass" only
/// when every family of the requirement's rules had inputs and all of them were checked.
pub fn status(
    coverage: Option<Coverage>,
    findings: &[&Finding],
    found: usize,
    gaps: &[Gap<'_>],
) -> Status {
    let Some(coverage) = coverage else {
        return Status::Manual;
    };
    let open = findings.iter().filter(|f| f.suppression.is_none()).count();
    if open > 0 {
        Status::Fail(open)
    } else if !findings.is_empty() {
        Status::Derogation(findings.len())
    } else if found == 0 {
        Status::NotInScope
    } else if !gaps.is_empty() {
        Status::Unchecked
    } else if coverage == Coverage::Full {
        Status::Pass
    } else {
        Status::Partial
    }
}

/// One row of the report.
pub struct Row<'a> {
    pub requirement: &'a Requirement,
    /// The id, with the theme added when the id appears twice in the list.
    pub label: String,
    pub summary: String,
    pub rules: Vec<&'a str>,
    pub coverage: Option<Coverage>,
    pub status: Status,
    pub findings: Vec<&'a Finding>,
    pub evidence: Vec<&'a Evidence>,
    /// What its rules could not see.
    pub gaps: Vec<Gap<'a>>,
}

/// Whether the rules check all a requirement asks of the files (the COVERAGE table).
pub fn requirement_fully_checked(id: &str) -> bool {
    coverage_of(id) == Coverage::Full
}

fn coverage_of(id: &str) -> Coverage {
    COVERAGE
        .iter()
        .find(|(c, _)| *c == id)
        .map_or(Coverage::Partial, |(_, c)| *c)
}

/// The row a rule's requirement id points at.
fn occurrence_for_rules(id: &str) -> usize {
    RULE_OCCURRENCE
        .iter()
        .find(|(r, _)| *r == id)
        .map_or(1, |(_, o)| *o)
}

/// Families in the order gaps are listed: images first, then objects, then chart sources.
fn family_order(family: &Family) -> usize {
    match family {
        Family::Dockerfile => 0,
        Family::Kubernetes => 1,
        Family::Bundle => 2,
        Family::Chart => 3,
        Family::Lint => 4,
    }
}

/// The first sentence of the first paragraph, Markdown emphasis removed, cut at a word.
pub fn summary_line(text: &str) -> String {
    let paragraph: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    let joined = paragraph.join(" ").replace("**", "");
    let sentence = match joined.find(". ") {
        Some(end) => &joined[..=end],
        None => joined.as_str(),
    }
    .trim();
    if sentence.chars().count() <= SUMMARY_CHARS {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(SUMMARY_CHARS - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(space) => &cut[..space],
        None => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// The requirement list of the catalogue's framework.
fn listed_requirements(catalog: &Catalog) -> &[Requirement] {
    match catalog.framework {
        Framework::Beta2024 => &catalog.requirements,
        Framework::AlphaV4 => &catalog.alpha_requirements,
    }
}

/// The list's name in a sentence: `béta` or `alpha v4`.
fn list_name(catalog: &Catalog) -> &'static str {
    match catalog.framework {
        Framework::Beta2024 => "béta",
        Framework::AlphaV4 => "alpha v4",
    }
}

/// Builds the rows of the framework's list (béta by default), in list order.
pub fn rows<'a>(
    catalog: &'a Catalog,
    findings: &'a [Finding],
    evidence: &'a [Evidence],
    scope: &'a Scope,
) -> Vec<Row<'a>> {
    let alpha = catalog.framework == Framework::AlphaV4;
    let key = |id: &str| {
        let occurrence = if alpha { 1 } else { occurrence_for_rules(id) };
        (id.to_string(), occurrence)
    };
    let mut rules: BTreeMap<(String, usize), Vec<&str>> = BTreeMap::new();
    let mut families: BTreeMap<(String, usize), Vec<&'a Family>> = BTreeMap::new();
    for rule in catalog.rules.values() {
        for r in framework_ids(catalog, rule) {
            rules.entry(key(r)).or_default().push(rule.id.as_str());
            let f = families.entry(key(r)).or_default();
            if !f.contains(&&rule.input.family) {
                f.push(&rule.input.family);
            }
        }
    }
    let mut by_req: BTreeMap<(String, usize), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        if let Some(rule) = catalog.rule(&f.rule_id) {
            for r in framework_ids(catalog, rule) {
                by_req.entry(key(r)).or_default().push(f);
            }
        }
    }
    let listed = listed_requirements(catalog);
    listed
        .iter()
        .map(|req| {
            let k = (req.id.clone(), req.occurrence);
            let rules = rules.remove(&k).unwrap_or_default();
            let findings = by_req.remove(&k).unwrap_or_default();
            // The coverage judgements are written for the béta list; an alpha requirement is
            // never said to be wholly covered.
            let coverage = (!rules.is_empty()).then(|| {
                if alpha {
                    Coverage::Partial
                } else {
                    coverage_of(&req.id)
                }
            });
            let mut families = families.remove(&k).unwrap_or_default();
            families.sort_by_key(|f| family_order(f));
            let mut found = 0;
            let mut gaps = Vec::new();
            for family in families {
                let seen = scope.for_families(std::slice::from_ref(family));
                found += seen.found;
                if seen.found == 0 {
                    gaps.push(Gap::NoInput(family));
                }
                for input in seen.unchecked {
                    if !gaps.contains(&Gap::Unchecked(input)) {
                        gaps.push(Gap::Unchecked(input));
                    }
                }
            }
            let duplicated = listed.iter().filter(|r| r.id == req.id).count() > 1;
            let label = match (duplicated, req.theme.is_empty()) {
                (false, _) => req.id.clone(),
                (true, false) => format!("{} ({})", req.id, req.theme),
                (true, true) => format!("{} (#{})", req.id, req.occurrence),
            };
            Row {
                requirement: req,
                label,
                summary: summary_line(&req.text),
                status: status(coverage, &findings, found, &gaps),
                rules,
                coverage,
                findings,
                gaps,
                // Evidence is tied to béta requirements.
                evidence: evidence
                    .iter()
                    .filter(|e| !alpha && e.requirement == req.id && e.occurrence == req.occurrence)
                    .collect(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------- the model both renderers use

struct Summary {
    /// [total, checked, passed] for P, then for I.
    p: [usize; 3],
    i: [usize; 3],
    /// Rows per status kind (fail, derogation, pass, partial, manual with evidence, manual
    /// without), for P then I.
    per_status: [[usize; 2]; 7],
    suppressed: usize,
    manual_with: usize,
    manual_without: usize,
    untied: usize,
    /// Inputs not fully checked (derogation diagnostics are not about inputs: not counted).
    unchecked: usize,
}

struct Audit<'a> {
    lang: Lang,
    catalog: &'a Catalog,
    app: String,
    head: Option<GitHead>,
    /// Whether tracked files differ from the commit (`None`: unknown).
    modified: Option<bool>,
    date: Option<String>,
    scope: &'a Scope,
    rows: Vec<Row<'a>>,
    evidence: &'a [Evidence],
    /// Findings whose rule names no béta requirement (platform rules, LNT diagnostics).
    untied: Vec<&'a Finding>,
    summary: Summary,
}

fn status_index(row: &Row<'_>) -> usize {
    match row.status {
        Status::Fail(_) => 0,
        Status::Derogation(_) => 1,
        Status::Pass => 2,
        Status::Partial | Status::Unchecked => 3,
        Status::NotInScope => 4,
        Status::Manual if !row.evidence.is_empty() => 5,
        Status::Manual => 6,
    }
}

fn summarise(rows: &[Row<'_>], findings: &[Finding], untied: usize, scope: &Scope) -> Summary {
    let mut s = Summary {
        p: [0; 3],
        i: [0; 3],
        per_status: [[0; 2]; 7],
        suppressed: findings.iter().filter(|f| f.suppression.is_some()).count(),
        manual_with: 0,
        manual_without: 0,
        untied,
        unchecked: scope
            .inputs
            .iter()
            .filter(|i| i.checked != Checked::Full)
            .count(),
    };
    for row in rows {
        let primordial = row.requirement.level == "P";
        let counts = if primordial { &mut s.p } else { &mut s.i };
        counts[0] += 1;
        if row.coverage.is_some() {
            counts[1] += 1;
        }
        if row.status == Status::Pass {
            counts[2] += 1;
        }
        s.per_status[status_index(row)][usize::from(!primordial)] += 1;
        if row.status == Status::Manual {
            if row.evidence.is_empty() {
                s.manual_without += 1;
            } else {
                s.manual_with += 1;
            }
        }
    }
    s
}

fn build<'a>(input: &ReportInput<'a>, evidence: &'a [Evidence]) -> Audit<'a> {
    let rows = rows(input.catalog, input.findings, evidence, input.scope);
    let untied: Vec<&Finding> = input
        .findings
        .iter()
        .filter(|f| {
            input.catalog.rule(&f.rule_id).is_none_or(|r| {
                !framework_ids(input.catalog, r).iter().any(|id| {
                    listed_requirements(input.catalog)
                        .iter()
                        .any(|q| &q.id == id)
                })
            })
        })
        .collect();
    let summary = summarise(&rows, input.findings, untied.len(), input.scope);
    Audit {
        lang: input.lang,
        catalog: input.catalog,
        app: input
            .application
            .map(str::to_string)
            .unwrap_or_else(|| input.root_name.to_string()),
        head: input.repository.head.clone(),
        modified: input.repository.modified,
        date: Some(input.audit_date.to_string()),
        scope: input.scope,
        rows,
        evidence,
        untied,
        summary,
    }
}

// ---------------------------------------------------------------- words

/// French typography puts a space before a colon.
fn colon(lang: Lang) -> &'static str {
    tr(lang, " : ", ": ")
}

fn tr(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

fn status_label(lang: Lang, row: &Row<'_>) -> String {
    match row.status {
        Status::Fail(n) => format!("{} ({n})", tr(lang, "vérifiée — échec", "checked — fail")),
        Status::Derogation(n) => format!("{} ({n})", tr(lang, "dérogation", "derogation")),
        Status::Pass => tr(lang, "vérifiée — conforme", "checked — pass").to_string(),
        Status::Partial | Status::Unchecked => {
            tr(lang, "partiellement vérifiée", "partially checked").to_string()
        }
        Status::NotInScope => tr(
            lang,
            "non vérifiée — rien à analyser",
            "not verified — nothing to check",
        )
        .to_string(),
        Status::Manual if row.evidence.is_empty() => {
            tr(lang, "manuelle — à attester", "manual — to be attested").to_string()
        }
        Status::Manual => tr(
            lang,
            "manuelle — éléments trouvés",
            "manual — evidence found",
        )
        .to_string(),
    }
}

/// CSS class of each status, in `STATUS_NAMES` order (HTML only).
const STATUS_CLASSES: [&str; 7] = [
    "fail",
    "derogation",
    "pass",
    "partial",
    "unverified",
    "evidence",
    "manual",
];

/// CSS class of a status (HTML only).
fn status_class(row: &Row<'_>) -> &'static str {
    STATUS_CLASSES[status_index(row)]
}

const STATUS_NAMES: [(&str, &str); 7] = [
    ("vérifiée — échec", "checked — fail"),
    ("dérogation", "derogation"),
    ("vérifiée — conforme", "checked — pass"),
    ("partiellement vérifiée", "partially checked"),
    (
        "non vérifiée — rien à analyser",
        "not verified — nothing to check",
    ),
    ("manuelle — éléments trouvés", "manual — evidence found"),
    ("manuelle — à attester", "manual — to be attested"),
];

fn derogation_text(lang: Lang, s: &Suppression) -> String {
    let mut out = s.justification.clone();
    if let Some(r) = &s.reference {
        let _ = write!(out, " — {} {r}", tr(lang, "réf.", "ref."));
    }
    if let Some(e) = &s.expires {
        let _ = write!(out, " — {} {e}", tr(lang, "expire le", "expires"));
    }
    out
}

fn count_words(lang: Lang, n: usize, fr: &str, en: &str) -> String {
    let word = tr_owned(lang, fr, en);
    format!("{n} {word}{}", if n > 1 { "s" } else { "" })
}

fn tr_owned<'s>(lang: Lang, fr: &'s str, en: &'s str) -> &'s str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// The detail lines of a row, plain text with Markdown code spans (each renderer escapes).
fn details(lang: Lang, row: &Row<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let suppressed: Vec<&Suppression> = row
        .findings
        .iter()
        .filter_map(|f| f.suppression.as_deref())
        .collect();
    match row.status {
        Status::Fail(n) => {
            out.push(format!(
                "{} {}",
                count_words(lang, n, "constat", "finding"),
                tr(
                    lang,
                    "à corriger (voir annexe B)",
                    "to fix (see appendix B)"
                )
            ));
            if !suppressed.is_empty() {
                out.push(format!(
                    "{} {}",
                    count_words(lang, suppressed.len(), "constat", "finding"),
                    tr(lang, "sous dérogation", "under derogation")
                ));
            }
        }
        Status::Derogation(_) => {
            // One line per distinct derogation: the same decision often covers several findings.
            let mut distinct: BTreeMap<String, usize> = BTreeMap::new();
            for s in &suppressed {
                *distinct.entry(derogation_text(lang, s)).or_default() += 1;
            }
            for (text, n) in distinct {
                out.push(format!(
                    "{}{}{text} ({})",
                    tr(lang, "dérogation", "derogation"),
                    colon(lang),
                    count_words(lang, n, "constat", "finding")
                ));
            }
        }
        Status::Pass => out.push(
            tr(
                lang,
                "aucun constat dans les fichiers analysés",
                "no finding in the files checked",
            )
            .to_string(),
        ),
        Status::Partial | Status::Unchecked => out.push(
            tr(
                lang,
                "aucun constat des règles",
                "no finding from the rules",
            )
            .to_string(),
        ),
        Status::NotInScope => out.push(
            tr(
                lang,
                "aucun fichier du type que lisent ses règles n'a été trouvé",
                "no file of the kind its rules read was found",
            )
            .to_string(),
        ),
        Status::Manual => {}
    }
    if row.status != Status::NotInScope {
        for gap in row.gaps.iter().take(GAPS_PER_ROW) {
            out.push(gap_text(lang, gap));
        }
        if row.gaps.len() > GAPS_PER_ROW {
            let more = row.gaps.len() - GAPS_PER_ROW;
            out.push(match lang {
                Lang::Fr => {
                    format!("… et {more} autre(s) entrée(s) non vérifiée(s) (voir « Périmètre »)")
                }
                Lang::En => format!("… and {more} more input(s) not checked (see “Scope”)"),
            });
        }
    }
    if row.coverage == Some(Coverage::Partial) {
        out.push(
            tr(
                lang,
                "couverture partielle : le reste de l'exigence est à attester",
                "partial coverage: the rest of the requirement is to be attested",
            )
            .to_string(),
        );
    }
    for e in row.evidence.iter().take(EVIDENCE_PER_ROW) {
        let prefix = if e.weak {
            tr(lang, "indice", "hint")
        } else {
            tr(lang, "élément trouvé", "found")
        };
        out.push(format!(
            "{prefix}{}{} — `{}`",
            colon(lang),
            e.text(lang),
            e.location()
        ));
    }
    if row.evidence.len() > EVIDENCE_PER_ROW {
        let more = row.evidence.len() - EVIDENCE_PER_ROW;
        out.push(match lang {
            Lang::Fr => format!("… et {more} autre(s) (voir annexe A)"),
            Lang::En => format!("… and {more} more (see appendix A)"),
        });
    }
    if row.status == Status::Manual && row.evidence.is_empty() {
        out.push(tr(lang, "à attester", "to be attested").to_string());
    }
    out
}

/// What an input is, in words: `chart \`chart\` (value set prod)`.
fn input_name(lang: Lang, input: &Input) -> String {
    let kind = match input.kind {
        InputKind::Dockerfile => "Dockerfile",
        InputKind::Manifest => tr(lang, "manifeste", "manifest"),
        InputKind::Chart => "chart",
        InputKind::Kustomization => "kustomization",
        InputKind::Path => tr(lang, "chemin", "path"),
    };
    match &input.value_set {
        Some(set) => format!(
            "{kind} `{}` ({} {set})",
            input.file,
            tr(lang, "jeu de valeurs", "value set")
        ),
        None => format!("{kind} `{}`", input.file),
    }
}

/// Why an input was not (fully) checked: its diagnostic's message.
fn input_reason(lang: Lang, catalog: &Catalog, input: &Input) -> Option<String> {
    match &input.checked {
        Checked::Full => None,
        Checked::Partial { reason } | Checked::No { reason } => Some(format!(
            "{} ({})",
            reason.message(catalog, lang),
            reason.rule_id
        )),
    }
}

fn gap_text(lang: Lang, gap: &Gap<'_>) -> String {
    match gap {
        Gap::NoInput(family) => match family {
            Family::Dockerfile => tr(
                lang,
                "aucun Dockerfile dans le périmètre : les images ne sont pas vérifiées",
                "no Dockerfile in scope: images are not checked",
            ),
            Family::Chart => tr(
                lang,
                "aucun chart Helm dans le périmètre",
                "no Helm chart in scope",
            ),
            _ => tr(
                lang,
                "aucun manifeste Kubernetes dans le périmètre",
                "no Kubernetes manifest in scope",
            ),
        }
        .to_string(),
        Gap::Unchecked(input) => {
            let how = match input.checked {
                Checked::Partial { .. } => tr(lang, "vérifié en partie", "partly checked"),
                _ => tr(lang, "non vérifié", "not checked"),
            };
            format!("{how}{}{}", colon(lang), input_name(lang, input))
        }
    }
}

fn percent(part: usize, whole: usize) -> Option<usize> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

/// Summary sentences, shared by both renderers (Markdown code spans and `**` allowed).
fn summary_lines(a: &Audit<'_>) -> Vec<String> {
    let lang = a.lang;
    let s = &a.summary;
    let i_pct = percent(s.i[2], s.i[1])
        .map(|p| match lang {
            Lang::Fr => format!(" ({p} %)"),
            Lang::En => format!(" ({p}%)"),
        })
        .unwrap_or_default();
    let mut lines = vec![
        match lang {
            Lang::Fr => format!(
                "Exigences primordiales (P) : **{}** conformes / **{}** vérifiées par des règles / **{}** au total",
                s.p[2], s.p[1], s.p[0]
            ),
            Lang::En => format!(
                "Primordial (P) requirements: **{}** passed / **{}** checked by rules / **{}** in total",
                s.p[2], s.p[1], s.p[0]
            ),
        },
        match lang {
            Lang::Fr => format!(
                "Exigences importantes (I) : **{}** conformes / **{}** vérifiées{i_pct}, sur {} au total",
                s.i[2], s.i[1], s.i[0]
            ),
            Lang::En => format!(
                "Important (I) requirements: **{}** passed / **{}** checked{i_pct}, out of {} in total",
                s.i[2], s.i[1], s.i[0]
            ),
        },
        match lang {
            Lang::Fr => format!(
                "Dérogations : **{}** constat(s) sous dérogation, **{}** exigence(s) au statut « dérogation »",
                s.suppressed,
                s.per_status[1][0] + s.per_status[1][1]
            ),
            Lang::En => format!(
                "Derogations: **{}** finding(s) under derogation, **{}** requirement(s) with the status “derogation”",
                s.suppressed,
                s.per_status[1][0] + s.per_status[1][1]
            ),
        },
        match lang {
            Lang::Fr => format!(
                "Exigences manuelles : **{}** avec des éléments trouvés dans le dépôt, **{}** à attester",
                s.manual_with, s.manual_without
            ),
            Lang::En => format!(
                "Manual requirements: **{}** with evidence found in the repository, **{}** to be attested",
                s.manual_with, s.manual_without
            ),
        },
    ];
    if s.untied > 0 {
        lines.push(match lang {
            Lang::Fr => format!(
                "**{}** constat(s) ne relèvent d'aucune exigence {} (politiques de la plateforme, diagnostics de l'outil) : voir l'annexe B",
                s.untied, list_name(a.catalog)
            ),
            Lang::En => format!(
                "**{}** finding(s) belong to no {} requirement (platform policies, tool diagnostics): see appendix B",
                s.untied, list_name(a.catalog)
            ),
        });
    }
    if s.unchecked > 0 {
        lines.push(match lang {
            Lang::Fr => format!(
                "Attention : **{}** entrée(s) (fichiers, charts Helm par jeu de valeurs) n'ont pas été entièrement vérifiées (voir « Périmètre ») ; les exigences dont les règles les lisent sont au plus « partiellement vérifiées »",
                s.unchecked
            ),
            Lang::En => format!(
                "Warning: **{}** input(s) (files, Helm charts per value set) were not fully checked (see “Scope”); the requirements whose rules read them are “partially checked” at most",
                s.unchecked
            ),
        });
    }
    lines
}

fn intro(lang: Lang, catalog: &Catalog) -> String {
    tr(
        lang,
        "Ce rapport accompagne le dossier d'homologation. Il reprend chaque exigence de la liste {list} du CCT Cloud Pi Native. « Vérifiée » ne porte que sur les Dockerfiles et manifestes Kubernetes analysés ; « partiellement vérifiée » signifie que les règles ne voient qu'une partie de l'exigence, ou que des entrées qu'elles lisent n'ont pas pu être vérifiées ; « non vérifiée — rien à analyser » signifie qu'aucun fichier du type que lisent ses règles n'a été trouvé ; les éléments trouvés dans le dépôt sont des indices à confirmer, pas des preuves de conformité.",
        "This report supports the homologation file. It lists every requirement of the CCT Cloud Pi Native {list} list. “Checked” only covers the Dockerfiles and Kubernetes manifests that were read; “partially checked” means the rules see only part of the requirement, or that some inputs they read could not be checked; “not verified — nothing to check” means no file of the kind its rules read was found; evidence found in the repository is a hint to confirm, not proof of compliance.",
    )
    .replace("{list}", list_name(catalog))
}

fn title(lang: Lang) -> &'static str {
    tr(
        lang,
        "Rapport d'audit CCT Cloud Pi Native",
        "CCT Cloud Pi Native audit report",
    )
}

/// `(label, value)` pairs of the header, values in Markdown inline syntax.
fn header_fields(a: &Audit<'_>) -> Vec<(&'static str, String)> {
    let lang = a.lang;
    let mut fields = vec![(tr(lang, "Application", "Application"), a.app.clone())];
    if let Some(head) = &a.head {
        let mut value = match &head.branch {
            Some(b) => format!(
                "`{}` ({} `{b}`)",
                head.commit,
                tr(lang, "branche", "branch")
            ),
            None => format!("`{}`", head.commit),
        };
        match a.modified {
            Some(true) => value.push_str(tr(
                lang,
                " (modifications non commitées)",
                " (uncommitted modifications)",
            )),
            Some(false) => {}
            None => {}
        }
        fields.push(("Commit", value));
    }
    if let Some(date) = &a.date {
        fields.push((tr(lang, "Date", "Date"), date.clone()));
    }
    fields.push((
        tr(lang, "Outil", "Tool"),
        format!(
            "cct-lint {}, {} {}",
            env!("CARGO_PKG_VERSION"),
            tr(lang, "catalogue", "catalogue"),
            crate::catalog::CATALOG_VERSION
        ),
    ));
    fields.push((
        tr(lang, "Référentiel", "Reference"),
        match (lang, a.catalog.framework) {
            (Lang::Fr, Framework::Beta2024) => format!(
                "CCT Cloud Pi Native, liste des exigences béta (23.06.2024), {} exigences",
                a.rows.len()
            ),
            (Lang::En, Framework::Beta2024) => format!(
                "CCT Cloud Pi Native, béta requirements list (23.06.2024), {} requirements",
                a.rows.len()
            ),
            (Lang::Fr, Framework::AlphaV4) => format!(
                "CCT Cloud Pi Native, liste des exigences alpha v4 (26.03.2023), {} exigences ; la couverture complète n'est jugée que sur la liste béta",
                a.rows.len()
            ),
            (Lang::En, Framework::AlphaV4) => format!(
                "CCT Cloud Pi Native, alpha v4 requirements list (26.03.2023), {} requirements; full coverage is only judged on the béta list",
                a.rows.len()
            ),
        },
    ));
    fields
}

fn severity_word(lang: Lang, f: &Finding) -> &'static str {
    match f.severity {
        crate::catalog::Severity::Error => tr(lang, "erreur", "error"),
        crate::catalog::Severity::Warning => tr(lang, "avertissement", "warning"),
        crate::catalog::Severity::Note => tr(lang, "note", "note"),
    }
}

fn location(f: &Finding) -> String {
    format!("{}:{}", f.file, f.span.start.line)
}

// ---------------------------------------------------------------- sections written once

/// A piece of the report, its text in Markdown inline syntax (code spans, `**`): the report is
/// built once as blocks, then written by either back end (Markdown or HTML).
enum Block {
    Heading(String),
    SubHeading(String),
    /// A heading whose text is shown as is (no inline syntax).
    PlainSubHeading(String),
    Paragraph(String),
    /// A paragraph shown as is, set apart as a note.
    Note(String),
    Bullets(Vec<String>),
    /// Label and value pairs (the report's header).
    Fields(Vec<(&'static str, String)>),
    Table {
        class: &'static str,
        head: Vec<String>,
        rows: Vec<Vec<Cell>>,
    },
    /// A table whose cells are all text in Markdown inline syntax.
    TextTable {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// A table cell, by what it holds; each back end shows each kind its way.
enum Cell {
    /// Text in Markdown inline syntax.
    Text(String),
    /// Text shown as is.
    Plain(String),
    /// The row's key (bold in HTML).
    Key(String),
    /// A file location, in code.
    Code(String),
    /// An identifier (code in HTML).
    Id(String),
    Ids(Vec<String>),
    /// A status badge; `bold` in Markdown.
    Status {
        class: &'static str,
        text: String,
        bold: bool,
    },
    /// Lines of Markdown inline text.
    Lines(Vec<String>),
    /// A finding's message, with its derogation tag when derogated.
    Message {
        text: String,
        derogated: Option<&'static str>,
    },
}

fn markdown_cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) | Cell::Plain(t) | Cell::Key(t) | Cell::Id(t) => md_cell(t),
        Cell::Code(t) => format!("`{}`", md_cell(t)),
        Cell::Ids(ids) => md_cell(&ids.join(", ")),
        Cell::Status { text, bold, .. } => {
            if *bold {
                format!("**{}**", md_cell(text))
            } else {
                md_cell(text)
            }
        }
        Cell::Lines(lines) => lines
            .iter()
            .map(|l| md_cell(l))
            .collect::<Vec<_>>()
            .join("<br>"),
        Cell::Message { text, derogated } => match derogated {
            Some(tag) => md_cell(&format!("{text} ({tag})")),
            None => md_cell(text),
        },
    }
}

fn html_cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => html_inline(t),
        Cell::Plain(t) => html_escape(t),
        Cell::Key(t) => format!("<strong>{}</strong>", html_escape(t)),
        Cell::Code(t) | Cell::Id(t) => code(t),
        Cell::Ids(ids) => ids.iter().map(|x| code(x)).collect::<Vec<_>>().join(" "),
        Cell::Status { class, text, .. } => {
            format!(
                "<span class=\"status {class}\">{}</span>",
                html_escape(text)
            )
        }
        Cell::Lines(lines) => html_list(lines),
        Cell::Message { text, derogated } => {
            let mut out = html_inline(text);
            if let Some(tag) = derogated {
                let _ = write!(out, " <span class=\"status derogation\">{tag}</span>");
            }
            out
        }
    }
}

fn write_markdown_blocks(out: &mut String, blocks: &[Block]) {
    for block in blocks {
        match block {
            Block::Heading(t) => {
                let _ = writeln!(out, "## {}\n", md_cell(t));
            }
            Block::SubHeading(t) | Block::PlainSubHeading(t) => {
                let _ = writeln!(out, "### {}\n", md_cell(t));
            }
            Block::Paragraph(t) | Block::Note(t) => {
                let _ = writeln!(out, "{t}\n");
            }
            Block::Bullets(items) => {
                for item in items {
                    let _ = writeln!(out, "- {item}");
                }
                out.push('\n');
            }
            Block::Fields(fields) => {
                let rows: Vec<Vec<String>> = fields
                    .iter()
                    .map(|(k, v)| vec![k.to_string(), md_cell(v)])
                    .collect();
                md_table(out, &["", ""], &rows);
            }
            Block::Table { head, rows, .. } => {
                let head: Vec<&str> = head.iter().map(String::as_str).collect();
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| r.iter().map(markdown_cell).collect())
                    .collect();
                md_table(out, &head, &rows);
            }
            Block::TextTable { head, rows } => {
                let head: Vec<&str> = head.iter().map(String::as_str).collect();
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| r.iter().map(|c| md_cell(c)).collect())
                    .collect();
                md_table(out, &head, &rows);
            }
        }
    }
}

fn write_html_blocks(out: &mut String, blocks: &[Block]) {
    for block in blocks {
        match block {
            Block::Heading(t) => {
                let _ = writeln!(out, "<h2>{}</h2>", html_inline(t));
            }
            Block::SubHeading(t) => {
                let _ = writeln!(out, "<h3>{}</h3>", html_inline(t));
            }
            Block::PlainSubHeading(t) => {
                let _ = writeln!(out, "<h3>{}</h3>", html_escape(t));
            }
            Block::Paragraph(t) => {
                let _ = writeln!(out, "<p>{}</p>", html_inline(t));
            }
            Block::Note(t) => {
                let _ = writeln!(out, "<p class=\"note\">{}</p>", html_escape(t));
            }
            Block::Bullets(items) => {
                out.push_str(&html_list(items));
                out.push('\n');
            }
            Block::Fields(fields) => {
                out.push_str("<table class=\"meta\">\n<tbody>\n");
                for (k, v) in fields {
                    let _ = writeln!(
                        out,
                        "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                        html_escape(k),
                        html_inline(v)
                    );
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Table { class, head, rows } => {
                let head: Vec<&str> = head.iter().map(String::as_str).collect();
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| r.iter().map(html_cell).collect())
                    .collect();
                html_table(out, class, &head, &rows);
            }
            Block::TextTable { head, rows } => {
                let head: Vec<&str> = head.iter().map(String::as_str).collect();
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| r.iter().map(|c| html_inline(c)).collect())
                    .collect();
                html_table(out, "", &head, &rows);
            }
        }
    }
}

/// The whole report after its title, built once for both back ends.
fn report_blocks(a: &Audit<'_>, input: &ReportInput<'_>) -> Vec<Block> {
    let lang = a.lang;
    let strings = |head: &[&str]| head.iter().map(|h| h.to_string()).collect::<Vec<_>>();
    let mut blocks = vec![
        Block::Fields(header_fields(a)),
        Block::Note(intro(lang, a.catalog)),
        Block::Heading(tr(lang, "Synthèse", "Summary").to_string()),
        Block::Bullets(summary_lines(a)),
    ];
    let per_status: Vec<Vec<Cell>> = STATUS_NAMES
        .iter()
        .zip(a.summary.per_status.iter())
        .zip(STATUS_CLASSES)
        .map(|(((fr, en), [p, i]), class)| {
            vec![
                Cell::Status {
                    class,
                    text: tr_owned(lang, fr, en).to_string(),
                    bold: false,
                },
                Cell::Plain(p.to_string()),
                Cell::Plain(i.to_string()),
                Cell::Plain((p + i).to_string()),
            ]
        })
        .collect();
    blocks.push(Block::Table {
        class: "",
        head: strings(&[tr(lang, "Statut", "Status"), "P", "I", "Total"]),
        rows: per_status,
    });

    blocks.push(Block::Heading(
        tr(lang, "Exigences", "Requirements").to_string(),
    ));
    let rows: Vec<Vec<Cell>> = a
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::Key(r.label.clone()),
                Cell::Plain(r.requirement.level.clone()),
                Cell::Plain(r.requirement.theme.clone()),
                Cell::Plain(r.summary.clone()),
                Cell::Ids(r.rules.iter().map(|x| x.to_string()).collect()),
                Cell::Status {
                    class: status_class(r),
                    text: status_label(lang, r),
                    bold: true,
                },
                Cell::Lines(details(lang, r)),
            ]
        })
        .collect();
    blocks.push(Block::Table {
        class: "requirements",
        head: strings(&[
            tr(lang, "Exigence", "Requirement"),
            tr(lang, "Niveau", "Level"),
            tr(lang, "Thème", "Theme"),
            tr(lang, "Résumé", "Summary"),
            tr(lang, "Règles", "Rules"),
            tr(lang, "Statut", "Status"),
            tr(lang, "Détail", "Detail"),
        ]),
        rows,
    });

    blocks.extend(scope_blocks(a));
    blocks.extend(register_blocks(a, input));

    blocks.push(Block::Heading(
        tr(
            lang,
            "Annexe A — éléments trouvés dans le dépôt",
            "Appendix A — evidence found in the repository",
        )
        .to_string(),
    ));
    if a.evidence.is_empty() {
        blocks.push(Block::Paragraph(
            tr(lang, "Aucun élément.", "None.").to_string(),
        ));
    } else {
        let rows: Vec<Vec<Cell>> = a
            .rows
            .iter()
            .flat_map(|r| r.evidence.iter().map(move |e| (r, e)))
            .map(|(r, e)| {
                vec![
                    Cell::Plain(r.label.clone()),
                    Cell::Text(e.text(lang).to_string()),
                    Cell::Code(e.location()),
                    Cell::Plain(if e.weak {
                        tr(lang, "indice", "hint").to_string()
                    } else {
                        String::new()
                    }),
                ]
            })
            .collect();
        blocks.push(Block::Table {
            class: "",
            head: strings(&[
                tr(lang, "Exigence", "Requirement"),
                tr(lang, "Élément", "Evidence"),
                tr(lang, "Emplacement", "Location"),
                tr(lang, "Force", "Strength"),
            ]),
            rows,
        });
    }

    blocks.push(Block::Heading(
        tr(
            lang,
            "Annexe B — constats par exigence",
            "Appendix B — findings per requirement",
        )
        .to_string(),
    ));
    let groups = finding_groups(a);
    if groups.is_empty() {
        blocks.push(Block::Paragraph(
            tr(lang, "Aucun constat.", "No finding.").to_string(),
        ));
    }
    for (heading, findings) in groups {
        blocks.push(Block::PlainSubHeading(heading));
        let rows: Vec<Vec<Cell>> = findings
            .iter()
            .map(|f| {
                vec![
                    Cell::Code(location(f)),
                    Cell::Id(f.rule_id.clone()),
                    Cell::Plain(severity_word(lang, f).to_string()),
                    Cell::Message {
                        text: f.message(a.catalog, lang),
                        derogated: f
                            .suppression
                            .is_some()
                            .then(|| tr(lang, "sous dérogation", "derogated")),
                    },
                ]
            })
            .collect();
        blocks.push(Block::Table {
            class: "",
            head: strings(&[
                tr(lang, "Emplacement", "Location"),
                tr(lang, "Règle", "Rule"),
                tr(lang, "Sévérité", "Severity"),
                "Message",
            ]),
            rows,
        });
    }
    blocks
}

/// The scope: what was given, what was found and what could not be checked (and why).
fn scope_blocks(a: &Audit<'_>) -> Vec<Block> {
    let lang = a.lang;
    let scope = a.scope;
    let list = |items: &[String]| {
        if items.is_empty() {
            "—".to_string()
        } else {
            items
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let count = |kind: InputKind| scope.of_kind(kind).count();
    let unchecked = |kind: InputKind| {
        scope
            .of_kind(kind)
            .filter(|i| i.checked != Checked::Full)
            .count()
    };
    let mut blocks = vec![
        Block::Heading(tr(lang, "Périmètre", "Scope").to_string()),
        Block::TextTable {
            head: vec![String::new(), String::new()],
            rows: vec![
                vec![
                    tr(lang, "Chemins analysés", "Paths checked").to_string(),
                    list(&scope.paths),
                ],
                vec![
                    tr(lang, "Inclusions", "Includes").to_string(),
                    list(&scope.include),
                ],
                vec![
                    tr(lang, "Exclusions", "Excludes").to_string(),
                    list(&scope.exclude),
                ],
            ],
        },
    ];
    let kinds = [
        (InputKind::Dockerfile, "Dockerfiles", "Dockerfiles"),
        (
            InputKind::Manifest,
            "Fichiers de manifestes Kubernetes",
            "Kubernetes manifest files",
        ),
        (
            InputKind::Chart,
            "Charts Helm × jeux de valeurs",
            "Helm charts × value sets",
        ),
        (
            InputKind::Kustomization,
            "Kustomizations racines construites",
            "Root kustomizations built",
        ),
        (
            InputKind::Path,
            "Chemins impossibles à parcourir",
            "Paths that could not be walked",
        ),
    ];
    blocks.push(Block::TextTable {
        head: vec![
            tr(lang, "Entrées", "Inputs").to_string(),
            tr(lang, "Trouvées", "Found").to_string(),
            tr(lang, "Non vérifiées entièrement", "Not fully checked").to_string(),
        ],
        rows: kinds
            .iter()
            .map(|(kind, fr, en)| {
                vec![
                    tr_owned(lang, fr, en).to_string(),
                    count(*kind).to_string(),
                    unchecked(*kind).to_string(),
                ]
            })
            .collect(),
    });
    let charts: Vec<&Input> = scope.of_kind(InputKind::Chart).collect();
    if !charts.is_empty() {
        blocks.push(Block::SubHeading(
            tr(lang, "Charts Helm rendus", "Helm charts rendered").to_string(),
        ));
        blocks.push(Block::TextTable {
            head: vec![
                "Chart".to_string(),
                tr(lang, "Jeu de valeurs", "Value set").to_string(),
                tr(lang, "Rendu", "Rendered").to_string(),
            ],
            rows: charts
                .iter()
                .map(|c| {
                    vec![
                        format!("`{}`", c.file),
                        c.value_set.clone().unwrap_or_else(|| {
                            tr(lang, "(défauts du chart)", "(chart defaults)").to_string()
                        }),
                        match input_reason(lang, a.catalog, c) {
                            None => tr(lang, "oui", "yes").to_string(),
                            Some(why) => format!("{}{}{why}", tr(lang, "non", "no"), colon(lang)),
                        },
                    ]
                })
                .collect(),
        });
    }
    let not_checked: Vec<&Input> = scope
        .inputs
        .iter()
        .filter(|i| i.checked != Checked::Full && i.kind != InputKind::Chart)
        .collect();
    if !not_checked.is_empty() {
        blocks.push(Block::SubHeading(
            tr(
                lang,
                "Entrées non vérifiées entièrement",
                "Inputs not fully checked",
            )
            .to_string(),
        ));
        blocks.push(Block::TextTable {
            head: vec![
                tr(lang, "Entrée", "Input").to_string(),
                tr(lang, "Raison", "Reason").to_string(),
            ],
            rows: not_checked
                .iter()
                .map(|i| {
                    vec![
                        input_name(lang, i),
                        input_reason(lang, a.catalog, i).unwrap_or_default(),
                    ]
                })
                .collect(),
        });
    }
    blocks
}

/// The derogation register: every derogation, active or not, with the findings it covers.
fn register_blocks(a: &Audit<'_>, input: &ReportInput<'_>) -> Vec<Block> {
    let lang = a.lang;
    let mut blocks = vec![Block::Heading(
        tr(lang, "Registre des dérogations", "Derogation register").to_string(),
    )];
    if input.derogations.is_empty() {
        blocks.push(Block::Paragraph(
            tr(lang, "Aucune dérogation.", "No derogation.").to_string(),
        ));
        return blocks;
    }
    let rows = input
        .derogations
        .iter()
        .map(|d| {
            let state = match d.state {
                DerogationState::Active => tr(lang, "active", "active"),
                DerogationState::Expired => {
                    tr(lang, "expirée — ne couvre rien", "expired — covers nothing")
                }
                DerogationState::Unused => tr(lang, "inutilisée", "unused"),
                DerogationState::Unjustified => tr(
                    lang,
                    "sans justification — ne couvre rien",
                    "unjustified — covers nothing",
                ),
            };
            let covered: Vec<String> = d
                .covers
                .iter()
                .filter_map(|i| input.findings.get(*i))
                .map(|f| {
                    let mut text = format!("`{}` {}", location(f), f.rule_id);
                    if let Some(set) = &f.value_set {
                        let _ = write!(text, " ({set})");
                    }
                    text
                })
                .collect();
            let requirements: Vec<String> = d.rules.iter().map(|r| format!("`{r}`")).collect();
            vec![
                format!("`{}`", d.source),
                state.to_string(),
                requirements.join(", "),
                d.justification.clone().unwrap_or_else(|| "—".to_string()),
                d.reference.clone().unwrap_or_else(|| "—".to_string()),
                d.expires.clone().unwrap_or_else(|| "—".to_string()),
                if covered.is_empty() {
                    "—".to_string()
                } else {
                    covered.join(" ; ")
                },
            ]
        })
        .collect();
    blocks.push(Block::TextTable {
        head: vec![
            tr(lang, "Déclarée dans", "Declared in").to_string(),
            tr(lang, "État", "State").to_string(),
            tr(lang, "Règles ou exigences", "Rules or requirements").to_string(),
            tr(lang, "Justification", "Justification").to_string(),
            tr(lang, "Référence", "Reference").to_string(),
            tr(lang, "Expiration", "Expiry").to_string(),
            tr(lang, "Constats couverts", "Findings covered").to_string(),
        ],
        rows,
    });
    blocks
}

// ---------------------------------------------------------------- Markdown

/// A Markdown table cell: pipes escaped, no line breaks (they would end the row).
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace("\r\n", " ")
        .replace(['\n', '\r'], " ")
}

fn md_row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(c);
        out.push_str(" |");
    }
    out.push('\n');
}

fn md_table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    md_row(out, &head.iter().map(|h| md_cell(h)).collect::<Vec<_>>());
    md_row(out, &vec!["---".to_string(); head.len()]);
    for r in rows {
        md_row(out, r);
    }
    out.push('\n');
}

/// The audit report as Markdown.
pub fn render_markdown(input: &ReportInput<'_>) -> String {
    let a = build(input, input.evidence);
    let mut out = String::new();
    let _ = writeln!(out, "# {} — {}\n", title(a.lang), md_cell(&a.app));
    write_markdown_blocks(&mut out, &report_blocks(&a, input));
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Appendix B groups: each requirement with findings (list order), then the untied findings.
fn finding_groups<'a>(a: &Audit<'a>) -> Vec<(String, Vec<&'a Finding>)> {
    let mut groups: Vec<(String, Vec<&Finding>)> = a
        .rows
        .iter()
        .filter(|r| !r.findings.is_empty())
        .map(|r| {
            let heading = if r.requirement.theme.is_empty() {
                format!("{} ({})", r.label, r.requirement.level)
            } else if r.label.contains('(') {
                format!("{} — {}", r.label, r.requirement.level)
            } else {
                format!(
                    "{} ({}) — {}",
                    r.label, r.requirement.level, r.requirement.theme
                )
            };
            (heading, r.findings.clone())
        })
        .collect();
    if !a.untied.is_empty() {
        groups.push((
            tr(
                a.lang,
                "Hors exigence de la liste (politiques de la plateforme, diagnostics de l'outil)",
                "No requirement of the list (platform policies, tool diagnostics)",
            )
            .to_string(),
            a.untied.clone(),
        ));
    }
    groups
}

// ---------------------------------------------------------------- HTML

/// Escapes text for HTML element content and double- or single-quoted attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes, then turns Markdown code spans and `**bold**` (the only inline syntax our texts
/// use) into elements; an unpaired marker stays as text.
fn html_inline(s: &str) -> String {
    fn pairs(s: &str, marker: &str, tag: &str) -> String {
        let parts: Vec<&str> = s.split(marker).collect();
        if parts.len().is_multiple_of(2) {
            return s.to_string();
        }
        let mut out = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i % 2 == 1 {
                let _ = write!(out, "<{tag}>{part}</{tag}>");
            } else {
                out.push_str(part);
            }
        }
        out
    }
    pairs(&pairs(&html_escape(s), "`", "code"), "**", "strong")
}

const CSS: &str = "
:root { color: #1a1a1a; background: #fff; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; margin: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 .5rem; border-bottom: 1px solid #999; }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #bbb; padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: #eee; }
table.meta { width: auto; }
table.meta th { width: 9rem; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em; overflow-wrap: anywhere; }
ul { margin: .25rem 0; padding-left: 1.2rem; }
td ul { padding-left: 1rem; }
.status { font-weight: 600; white-space: nowrap; padding: 0 .25rem; border-left: 4px solid; }
.fail { color: #a10000; border-color: #a10000; background: #fde8e8; }
.derogation { color: #8a4b00; border-color: #c77700; background: #fff3e0; }
.pass { color: #1b5e20; border-color: #2e7d32; background: #e8f5e9; }
.partial { color: #0d47a1; border-color: #1565c0; background: #e3f2fd; }
.evidence { color: #4a148c; border-color: #6a1b9a; background: #f3e5f5; }
.manual { color: #424242; border-color: #757575; background: #f5f5f5; }
.unverified { color: #5d4037; border-color: #8d6e63; background: #efebe9; }
table.requirements td:first-child, table.requirements td:nth-child(5) code { white-space: nowrap; overflow-wrap: normal; }
.note { color: #444; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 9pt; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

fn html_table(out: &mut String, class: &str, head: &[&str], rows: &[Vec<String>]) {
    if class.is_empty() {
        out.push_str("<table>\n<thead><tr>");
    } else {
        let _ = write!(out, "<table class=\"{class}\">\n<thead><tr>");
    }
    for h in head {
        let _ = write!(out, "<th scope=\"col\">{}</th>", html_escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{c}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn html_list(items: &[String]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ul>");
    for i in items {
        let _ = write!(out, "<li>{}</li>", html_inline(i));
    }
    out.push_str("</ul>");
    out
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", html_escape(s))
}

/// The audit report as one self-contained HTML5 page (inline style, no script, no external
/// asset), meant to be printed or attached to the homologation file.
pub fn render_html(input: &ReportInput<'_>) -> String {
    let a = build(input, input.evidence);
    let lang = a.lang;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        tr(lang, "fr", "en"),
        html_escape(title(lang)),
        html_escape(&a.app)
    );
    let _ = writeln!(
        out,
        "<h1>{} — {}</h1>",
        html_escape(title(lang)),
        html_escape(&a.app)
    );
    write_html_blocks(&mut out, &report_blocks(&a, input));
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
