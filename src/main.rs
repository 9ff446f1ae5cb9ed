//! The `cct-lint` binary: parses the command line, runs the library's stages, writes the
//! reports and turns the outcome into an exit code (0 clean, 1 findings at or above
//! `--fail-on`, 2 usage or internal error). It holds no linting logic of its own.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

// Rule evaluation allocates and frees small values at a high rate: mimalloc halves that cost
// compared with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};

use cct_lint::catalog::{Catalog, Family, Lang, Severity};
use cct_lint::config::{Config, CONFIG_FILE_NAME, STARTER};
use cct_lint::derogation::{self, Derogation};
use cct_lint::discover::{discover, display_path, DiscoverOptions, TargetKind};
use cct_lint::evaluate::RuleEngine;
use cct_lint::finding::Finding;
use cct_lint::report::{self, Format, ReportInput};
use cct_lint::scan::{scan, sort_findings, ScanOptions};
use cct_lint::{docs, policy, regotest};

#[derive(Parser)]
#[command(
    name = "cct-lint",
    version = concat!(env!("CARGO_PKG_VERSION"), " (catalogue ", "2026.11", ")"),
    about = "Checks Dockerfiles, Helm charts and Kubernetes manifests against the CCT Cloud Pi Native"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LangArg {
    Fr,
    En,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CatalogFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check files and directories (default: the current directory).
    Check {
        paths: Vec<PathBuf>,
        /// Output format; repeat it to write several reports, each paired with the `--output`
        /// at the same position (formats without an `--output` go to standard output).
        #[arg(long = "format", value_enum, default_values_t = [Format::Human])]
        formats: Vec<Format>,
        /// File to write the report of the `--format` at the same position to.
        #[arg(long = "output")]
        outputs: Vec<PathBuf>,
        /// Lowest severity that makes the exit code 1.
        #[arg(long, value_enum, default_value_t = FailOn::Error)]
        fail_on: FailOn,
        /// Language of messages (default: from LC_ALL / LANG, French when it starts with `fr`).
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
        /// Files larger than this many bytes are reported (LNT006) instead of read
        /// (default 8 MiB, or `max_file_size` in the config file).
        #[arg(long)]
        max_file_size: Option<u64>,
        /// Configuration file (default: `.cct-lint.yaml` in the first scanned directory).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Ignore derogations written in the scanned files (annotations, comments); each one
        /// is reported (LNT015) so that the refusal is visible.
        #[arg(long)]
        no_inline_derogations: bool,
        /// Also show suppressed (derogated) findings in the human output, with their justification.
        #[arg(long)]
        show_suppressed: bool,
        /// A directory of custom Rego rules (same METADATA and output contract); repeatable.
        #[arg(long = "policy")]
        policies: Vec<PathBuf>,
        /// A previous JSON report: findings already in it are shown as existing and do not fail
        /// the gate (matched by fingerprint, which survives line shifts).
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Values file for a chart, as `CHART_DIR=FILE` (repeatable, later files win): the
        /// chart is rendered with these files instead of the config's value sets.
        #[arg(long = "values", value_name = "CHART=FILE")]
        values: Vec<String>,
        /// A `--set` override for a chart, as `CHART_DIR=key=value` (repeatable).
        #[arg(long = "set", value_name = "CHART=KEY=VALUE")]
        set: Vec<String>,
        /// Kubernetes version for `.Capabilities.KubeVersion` when rendering charts.
        #[arg(long)]
        kube_version: Option<String>,
        /// Requirement ids the reports lead with and count by (default: the config's
        /// `framework`, else beta-2024).
        #[arg(long, value_enum)]
        framework: Option<cct_lint::catalog::Framework>,
    },
    /// Write a commented starter `.cct-lint.yaml` in the current directory.
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// List the rule catalogue.
    Rules {
        #[arg(long, value_enum, default_value_t = CatalogFormat::Table)]
        format: CatalogFormat,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Explain one rule: requirements, why, examples from its fixtures, remediation.
    Explain {
        id: String,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Run the `test_*` rules of Rego policy directories (default: the embedded rules).
    Test { dirs: Vec<PathBuf> },
    /// Write a working starter rule (METADATA, logic, Rego tests) and a failing and a passing
    /// fixture, to edit into a new rule.
    NewRule {
        /// Rule id: upper-case letters then digits, e.g. TEAM001.
        id: String,
        /// Rule name, lower-case words joined by `-`, e.g. owner-annotation-missing.
        name: String,
        #[arg(long, value_enum, default_value_t = NewRuleFamily::Kubernetes)]
        family: NewRuleFamily,
        /// Policy directory (`--policy DIR`); a built-in family folder such as
        /// `rules/kubernetes` puts the fixtures under `fixtures/rules/ID/`.
        #[arg(long, default_value = "policies")]
        dir: PathBuf,
    },
    /// Render a Helm chart directory and print what `helm template` prints, or build a
    /// kustomization directory and print what `kubectl kustomize` prints.
    Render {
        chart: PathBuf,
        /// User values file (repeatable, later files win).
        #[arg(long = "values", short = 'f')]
        values: Vec<PathBuf>,
        /// `key=value` overrides in Helm's `--set` syntax (repeatable).
        #[arg(long = "set")]
        set: Vec<String>,
        /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.36.0, as Helm v4).
        #[arg(long)]
        kube_version: Option<String>,
        #[arg(long, default_value = "release-name")]
        release_name: String,
        #[arg(long, short = 'n', default_value = "default")]
        namespace: String,
        /// Print a JSON object {template name: rendered text}, one entry per template before
        /// document splitting (what Helm's renderer returns), for differential testing.
        #[arg(long)]
        json: bool,
    },
}

/// `cct-lint render DIR` on a kustomization: the build as `kubectl kustomize DIR` prints it (or a
/// JSON array of the objects); what was left out goes to stderr, a refused build exits 2.
fn render_kustomization(dir: &std::path::Path, json: bool) -> ExitCode {
    use cct_lint::kustomize::{build, output};
    let (built, result) = build::build(dir);
    for note in &built.notes {
        eprintln!(
            "cct-lint: note: {}:{}: {}",
            cct_lint::discover::display_path(built.file_path(note.origin)),
            note.origin.span.start.line,
            note.message
        );
    }
    if let Err(e) = result {
        eprintln!(
            "cct-lint: {}:{}: {}",
            cct_lint::discover::display_path(built.file_path(e.origin)),
            e.origin.span.start.line,
            e.message
        );
        return ExitCode::from(2);
    }
    let text = if json {
        format!("{}\n", output::to_json(&built.resources))
    } else {
        output::to_yaml(&built.resources)
    };
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cct-lint: {e}");
            ExitCode::from(2)
        }
    }
}

/// `--values CHART=FILE` and `--set CHART=KEY=VALUE`: one value set per chart named after
/// its files, replacing the config's sets for that chart.
fn apply_chart_overrides(
    helm: &mut cct_lint::chart_scan::HelmOptions,
    values: &[String],
    set: &[String],
) -> Result<(), String> {
    use cct_lint::chart_scan::{ChartSettings, ValueSet};
    let mut per_chart: Vec<(PathBuf, ValueSet)> = Vec::new();
    fn slot(per_chart: &mut Vec<(PathBuf, ValueSet)>, chart: &str) -> Result<usize, String> {
        let path = PathBuf::from(chart);
        if !path.join("Chart.yaml").is_file() {
            return Err(format!(
                "`{chart}` is not a chart directory (no Chart.yaml)"
            ));
        }
        Ok(match per_chart.iter().position(|(p, _)| *p == path) {
            Some(i) => i,
            None => {
                per_chart.push((path, ValueSet::default()));
                per_chart.len() - 1
            }
        })
    }
    for v in values {
        let (chart, file) = v
            .split_once('=')
            .ok_or_else(|| format!("--values expects CHART_DIR=FILE, not `{v}`"))?;
        if !Path::new(file).is_file() {
            return Err(format!("--values: no such file `{file}`"));
        }
        let i = slot(&mut per_chart, chart)?;
        per_chart[i].1.files.push(PathBuf::from(file));
    }
    for v in set {
        let (chart, expr) = v
            .split_once('=')
            .filter(|(_, e)| e.contains('='))
            .ok_or_else(|| format!("--set expects CHART_DIR=KEY=VALUE, not `{v}`"))?;
        let i = slot(&mut per_chart, chart)?;
        per_chart[i].1.set.push(expr.to_string());
    }
    for (path, mut value_set) in per_chart {
        let mut name: Vec<String> = value_set
            .files
            .iter()
            .map(|f| cct_lint::discover::display_path(f))
            .collect();
        if !value_set.set.is_empty() {
            name.push("--set".to_string());
        }
        value_set.name = name.join("+");
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        match helm.charts.iter_mut().find(|c| {
            std::fs::canonicalize(&c.path).unwrap_or_else(|_| c.path.clone()) == canonical
        }) {
            Some(chart) => chart.value_sets = vec![value_set],
            None => helm.charts.push(ChartSettings {
                path,
                value_sets: vec![value_set],
                ..ChartSettings::default()
            }),
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum NewRuleFamily {
    Kubernetes,
    Dockerfile,
}

fn lang_from(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Fr) => Lang::Fr,
        Some(LangArg::En) => Lang::En,
        None => {
            let env = ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find(|v| !v.is_empty())
                .unwrap_or_default();
            if env.to_ascii_lowercase().starts_with("fr") {
                Lang::Fr
            } else {
                Lang::En
            }
        }
    }
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// (rule id, fingerprint) pairs of a previous `--format json` report.
fn read_baseline(
    path: &std::path::Path,
) -> Result<std::collections::BTreeSet<(String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let report: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a JSON report: {e}", path.display()))?;
    let findings = report
        .get("findings")
        .and_then(|f| f.as_array())
        .ok_or_else(|| {
            format!(
                "{}: no `findings` array (expected a `--format json` report)",
                path.display()
            )
        })?;
    Ok(findings
        .iter()
        .filter_map(|f| {
            Some((
                f.get("rule_id")?.as_str()?.to_string(),
                f.get("fingerprint")?.as_str()?.to_string(),
            ))
        })
        .collect())
}

/// LNT015 for an inline derogation that `--no-inline-derogations` refuses.
fn refused_inline(catalog: &Catalog, d: &Derogation) -> Finding {
    Finding {
        rule_id: "LNT015".to_string(),
        severity: catalog
            .rule("LNT015")
            .map(|r| r.severity)
            .unwrap_or(Severity::Warning),
        file: d.file.clone(),
        span: d.span,
        object: None,
        stage: None,
        path: Default::default(),
        params: std::collections::BTreeMap::from([("rules".to_string(), d.rules.join(", "))])
            .into(),
        source_line: None,
        fingerprint: String::new(),
        suppression: None,
        in_baseline: false,
        value_set: None,
        related: Vec::new(),
    }
    .with_fingerprint()
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let catalog = match Catalog::embedded() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cct-lint: internal error: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Check {
            paths,
            formats,
            outputs,
            fail_on,
            lang,
            threads,
            color,
            max_file_size,
            config,
            no_inline_derogations,
            show_suppressed,
            baseline,
            policies,
            values,
            set,
            kube_version,
            framework,
        } => {
            let baseline = match baseline.as_deref().map(read_baseline).transpose() {
                Ok(b) => b.unwrap_or_default(),
                Err(e) => {
                    eprintln!("cct-lint: baseline: {e}");
                    return ExitCode::from(2);
                }
            };
            if outputs.len() > formats.len() {
                eprintln!("cct-lint: more --output than --format");
                return ExitCode::from(2);
            }
            let paths = if paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                paths
            };
            let config = match Config::locate(config.as_deref(), &paths) {
                Some(path) => match Config::load(&path, &display_path(&path), &catalog) {
                    Ok(c) => c,
                    Err(e) => {
                        eprintln!("cct-lint: configuration error: {e}");
                        return ExitCode::from(2);
                    }
                },
                None => Config::default(),
            };
            let mut catalog = catalog;
            catalog.framework = framework.or(config.framework).unwrap_or_default();
            let mut policy_dirs = policies;
            policy_dirs.extend(config.policies.iter().cloned());
            let custom = match policy::load(&policy_dirs, &mut catalog) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("cct-lint: policy error: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut discover_options = DiscoverOptions {
                exclude: config.exclude.clone(),
                include: config.include.clone(),
                ..DiscoverOptions::default()
            };
            if let Some(globs) = &config.dockerfile_globs {
                discover_options.dockerfile_globs = globs.clone();
            }
            let discovery = match discover(&paths, &discover_options) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("cct-lint: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut families = Vec::new();
            for target in &discovery.targets {
                let needed: &[Family] = match target.kind {
                    TargetKind::Dockerfile => &[Family::Dockerfile],
                    TargetKind::Yaml => &[Family::Kubernetes],
                    TargetKind::HelmChart => &[Family::Kubernetes, Family::Chart],
                };
                for family in needed {
                    if !families.contains(family) {
                        families.push(family.clone());
                    }
                }
            }
            if families.contains(&Family::Kubernetes) {
                families.push(Family::Bundle);
            }
            let sources: Vec<(String, String)> = cct_lint::catalog::RULE_FILES
                .iter()
                .map(|(f, s)| (f.to_string(), s.to_string()))
                .chain(custom.sources)
                .collect();
            let small_scan = discovery
                .targets
                .iter()
                .all(|t| t.kind != TargetKind::HelmChart)
                && discovery
                    .targets
                    .iter()
                    .map(|t| std::fs::metadata(&t.path).map_or(0, |m| m.len()))
                    .sum::<u64>()
                    < cct_lint::evaluate::SMALL_SCAN_BYTES;
            let engine = match RuleEngine::from_sources(
                &sources,
                &catalog,
                &config.params(),
                &|id| config.enabled(id),
                &families,
                Duration::from_secs(10),
                small_scan,
            ) {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("cct-lint: {e}");
                    return ExitCode::from(2);
                }
            };
            let mut helm = config.helm.clone();
            if let Err(e) = apply_chart_overrides(&mut helm, &values, &set) {
                eprintln!("cct-lint: {e}");
                return ExitCode::from(2);
            }
            if kube_version.is_some() {
                helm.kube_version = kube_version;
            }
            let defaults = ScanOptions::default();
            let options = ScanOptions {
                helm,
                threads,
                max_file_size: max_file_size
                    .or(config.max_file_size)
                    .unwrap_or(defaults.max_file_size),
                severity_overrides: config.severity_overrides(),
                bundles: families.contains(&Family::Bundle),
                ..defaults
            };
            let mut result = scan(&discovery, &engine, &catalog, &options);
            let inline_allowed =
                !no_inline_derogations && config.inline_derogations.unwrap_or(true);
            let config_file = config.file.clone().unwrap_or_default();
            let mut derogations: Vec<Derogation> = config
                .derogations
                .iter()
                .map(|d| Derogation::from_config(d, &config_file))
                .collect();
            let inline = std::mem::take(&mut result.inline_derogations);
            let mut extra = Vec::new();
            if inline_allowed {
                derogations.extend(inline);
            } else {
                extra.extend(inline.iter().map(|d| refused_inline(&catalog, d)));
            }
            extra.extend(derogation::apply(
                &mut result.findings,
                &derogations,
                &catalog,
                cct_lint::config::today(),
            ));
            result.findings.extend(extra);
            result
                .findings
                .retain(|f| config.enabled(&f.rule_id) && discovery.in_focus(&f.file));
            for f in &mut result.findings {
                f.in_baseline = baseline.contains(&(f.rule_id.clone(), f.fingerprint.clone()));
            }
            sort_findings(&mut result.findings);
            let threshold = match fail_on {
                FailOn::Error => Some(Severity::Error),
                FailOn::Warning => Some(Severity::Warning),
                FailOn::Note => Some(Severity::Note),
                FailOn::Never => None,
            };
            let lang = lang_from(lang);
            for (i, format) in formats.iter().enumerate() {
                let output = outputs.get(i);
                let input = ReportInput {
                    catalog: &catalog,
                    findings: &result.findings,
                    lang,
                    color: output.is_none() && *format == Format::Human && use_color(color),
                    show_suppressed,
                    targets: result.targets,
                    documents: result.documents,
                    gate: threshold,
                    objects: &result.objects,
                    roots: &paths,
                };
                // The JSON report is streamed: on large scans it is the biggest thing in memory.
                let write = |out: &mut dyn Write| -> std::io::Result<()> {
                    let mut out = std::io::BufWriter::new(out);
                    if *format == Format::Json {
                        report::write_json(&input, &mut out)?;
                    } else {
                        out.write_all(report::render(*format, &input).as_bytes())?;
                    }
                    out.flush()
                };
                let written = match output {
                    Some(path) => std::fs::File::create(path)
                        .and_then(|mut file| write(&mut file))
                        .map_err(|e| format!("{}: {e}", path.display())),
                    None => write(&mut std::io::stdout().lock()).map_err(|e| e.to_string()),
                };
                if let Err(e) = written {
                    eprintln!("cct-lint: cannot write report: {e}");
                    return ExitCode::from(2);
                }
            }
            let failed = threshold.is_some_and(|t| result.findings.iter().any(|f| f.severity >= t));
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Init { force } => {
            let path = PathBuf::from(CONFIG_FILE_NAME);
            if path.exists() && !force {
                eprintln!("cct-lint: {CONFIG_FILE_NAME} already exists (use --force to overwrite)");
                return ExitCode::from(2);
            }
            match std::fs::write(&path, STARTER) {
                Ok(()) => {
                    println!("wrote {CONFIG_FILE_NAME}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cct-lint: cannot write {CONFIG_FILE_NAME}: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Rules { format, lang } => {
            let lang = lang_from(lang);
            let text = match format {
                CatalogFormat::Table => docs::catalog_table(&catalog, lang),
                CatalogFormat::Markdown => docs::catalog_markdown(&catalog, lang),
                CatalogFormat::Json => docs::catalog_json(&catalog),
            };
            print!("{text}");
            ExitCode::SUCCESS
        }
        Command::Explain { id, lang } => match docs::explain(&catalog, &id, lang_from(lang)) {
            Some(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("cct-lint: unknown rule `{id}` (see `cct-lint rules`)");
                ExitCode::from(2)
            }
        },
        Command::Render {
            chart,
            values,
            set,
            kube_version,
            release_name,
            namespace,
            json,
        } => {
            let is_chart = chart.join("Chart.yaml").is_file();
            if !is_chart && cct_lint::kustomize::build::kustomization_in(&chart).is_some() {
                return render_kustomization(&chart, json);
            }
            let options = cct_lint::render::RenderOptions {
                release_name,
                namespace,
                kube_version,
                values_files: values,
                set,
                api_versions: Vec::new(),
            };
            match cct_lint::render::render_chart(&chart, &options) {
                Ok(rendered) => {
                    let text = if json {
                        let map: serde_json::Map<String, serde_json::Value> = rendered
                            .templates
                            .iter()
                            .map(|t| (t.name.clone(), serde_json::Value::from(t.text.clone())))
                            .collect();
                        format!("{}\n", serde_json::Value::Object(map))
                    } else {
                        cct_lint::render::chart::helm_template_output(&rendered)
                    };
                    if let Err(e) = std::io::stdout().write_all(text.as_bytes()) {
                        eprintln!("cct-lint: {e}");
                        return ExitCode::from(2);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cct-lint: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::NewRule {
            id,
            name,
            family,
            dir,
        } => {
            let spec = cct_lint::scaffold::NewRule {
                id: &id,
                name: &name,
                family: match family {
                    NewRuleFamily::Kubernetes => Family::Kubernetes,
                    NewRuleFamily::Dockerfile => Family::Dockerfile,
                },
                dir: &dir,
            };
            match cct_lint::scaffold::new_rule(&spec) {
                Ok(files) => {
                    for f in &files {
                        println!("created {}", f.display());
                    }
                    println!(
                        "next: edit the rule, then `cct-lint test {dir}` and `cct-lint check --policy {dir} <fixture>`; exclude the fixtures from your own scans (`exclude: [\"{dir}/**/fixtures/**\"]`)",
                        dir = dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("cct-lint: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Test { dirs } => {
            let sources = if dirs.is_empty() {
                cct_lint::catalog::RULE_FILES
                    .iter()
                    .filter(|(f, _)| f.ends_with(".rego"))
                    .map(|(f, s)| (f.to_string(), s.to_string()))
                    .collect()
            } else {
                match regotest::read_dirs(&dirs) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("cct-lint: {e}");
                        return ExitCode::from(2);
                    }
                }
            };
            let data = regotest::params_from_sources(&sources);
            match regotest::run(&sources, data) {
                Ok(outcomes) => {
                    let failed = outcomes.iter().filter(|o| !o.passed).count();
                    for o in &outcomes {
                        println!(
                            "{} {}.{} ({}){}",
                            if o.passed { "PASS" } else { "FAIL" },
                            o.package,
                            o.name,
                            o.file.display(),
                            o.error
                                .as_deref()
                                .map(|e| format!(": {e}"))
                                .unwrap_or_default()
                        );
                    }
                    println!("{} passed, {} failed", outcomes.len() - failed, failed);
                    if failed == 0 {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                Err(e) => {
                    eprintln!("cct-lint: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
