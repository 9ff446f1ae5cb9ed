//! The `cct-lint` binary: parses the command line, runs the library's stages, writes the
//! reports and turns the outcome into an exit code (0 clean, 1 findings at or above
//! `--fail-on`, 2 usage or internal error). It holds no linting logic of its own.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

// Rule evaluation allocates and frees small values at a high rate: mimalloc halves that cost
// compared with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};

use cct_lint::catalog::{Catalog, Family, Lang, Severity};
use cct_lint::check;
use cct_lint::config::{CONFIG_FILE_NAME, STARTER};
use cct_lint::report::{self, Format, ReportInput};
use cct_lint::{docs, regotest};

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
        /// Configuration file (default: `.cct-lint.yaml` in the nearest folder from the scanned
        /// paths up to the repository root, else in the working directory).
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
        /// A chart dependency found nowhere offline is an error (LNT017), not a warning.
        #[arg(long)]
        require_dependencies: bool,
        /// Requirement ids the reports lead with and count by (default: the config's
        /// `framework`, else beta-2024).
        #[arg(long, value_enum)]
        framework: Option<cct_lint::catalog::Framework>,
        /// Only these rules (ids or id prefixes, comma-separated); LNT diagnostics stay.
        #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
        select: Vec<String>,
        /// Leave these rules out (ids or id prefixes, comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
        ignore: Vec<String>,
        /// Human output: one line per rule with its counts instead of every finding.
        #[arg(long)]
        statistics: bool,
        /// Human output: the summary only.
        #[arg(long, short = 'q')]
        quiet: bool,
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
    /// Explain one rule (requirements, why, examples from its fixtures, remediation), or one
    /// requirement (`EXI-ARCH-18`, `EX32`): its text, the rules that check it, what stays manual.
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
    emit(&text)
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

/// Writes a command's output. A reader that stops early (`cct-lint rules | head -1`) ends the
/// command quietly, as with other Unix tools, instead of a panic on the broken pipe.
fn emit(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("cct-lint: {e}");
            ExitCode::from(2)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Linux backs a fresh heap region with a 2 MiB transparent huge page when the allocator asks
/// for one (mimalloc does): a one-file check then spends a third of its time having the kernel
/// zero pages it never uses. Plain 4 KiB pages cost a few more page faults on a large scan
/// (measured in bench/run.sh), far less than that.
#[cfg(target_os = "linux")]
fn no_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and changes no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    no_transparent_huge_pages();
    // regorus's parser uses `anyhow` errors to backtrack; with RUST_BACKTRACE set (common in
    // CI), each one captured a backtrace: half of a one-file check's instructions. Library
    // backtraces are off unless asked for by name; panics still follow RUST_BACKTRACE.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
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
            require_dependencies,
            framework,
            select,
            ignore,
            statistics,
            quiet,
        } => {
            if outputs.len() > formats.len() {
                eprintln!("cct-lint: more --output than --format");
                return ExitCode::from(2);
            }
            let request = check::Request {
                paths,
                config,
                fail_on: match fail_on {
                    FailOn::Error => Some(Severity::Error),
                    FailOn::Warning => Some(Severity::Warning),
                    FailOn::Note => Some(Severity::Note),
                    FailOn::Never => None,
                },
                threads,
                max_file_size,
                no_inline_derogations,
                baseline,
                policies,
                values,
                set,
                kube_version,
                framework,
                select,
                ignore,
                require_dependencies,
                working_tree_state: formats
                    .iter()
                    .any(|f| matches!(f, Format::AuditMd | Format::AuditHtml)),
            };
            let outcome = match check::run(&request, catalog) {
                Ok(outcome) => outcome,
                Err(e) => {
                    eprintln!("cct-lint: {e}");
                    return ExitCode::from(2);
                }
            };
            let lang = lang_from(lang);
            for (i, format) in formats.iter().enumerate() {
                let output = outputs.get(i);
                let input = ReportInput {
                    color: output.is_none() && *format == Format::Human && use_color(color),
                    show_suppressed,
                    ..ReportInput::new(&outcome, lang)
                };
                // The JSON report is streamed: on large scans it is the biggest thing in memory.
                let write = |out: &mut dyn Write| -> std::io::Result<()> {
                    let mut out = std::io::BufWriter::new(out);
                    if *format == Format::Json {
                        report::write_json(&input, &mut out)?;
                    } else {
                        let text =
                            cct_lint::check_flags::render(*format, &input, statistics, quiet);
                        out.write_all(text.as_bytes())?;
                    }
                    out.flush()
                };
                let written = match output {
                    Some(path) => std::fs::File::create(path)
                        .and_then(|mut file| write(&mut file))
                        .map_err(|e| format!("{}: {e}", path.display())),
                    // A reader that stops early (`| head`) is not an error of the check.
                    None => match write(&mut std::io::stdout().lock()) {
                        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
                        _ => Ok(()),
                    },
                };
                if let Err(e) = written {
                    eprintln!("cct-lint: cannot write report: {e}");
                    return ExitCode::from(2);
                }
            }
            let code = if outcome.failed() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
            // Freeing the findings, objects and rule engine one by one is work the process
            // exit does at once (about a tenth of a one-file check).
            std::mem::forget(outcome);
            code
        }
        Command::Init { force } => {
            let path = PathBuf::from(CONFIG_FILE_NAME);
            if path.exists() && !force {
                eprintln!("cct-lint: {CONFIG_FILE_NAME} already exists (use --force to overwrite)");
                return ExitCode::from(2);
            }
            let defaults: Vec<String> = catalog
                .rule("K8S020")
                .and_then(|r| r.params.get("allowed_prefixes"))
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let found = cct_lint::registry_survey::survey(std::path::Path::new("."));
            let text = cct_lint::registry_survey::starter(STARTER, &defaults, &found);
            match std::fs::write(&path, text) {
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
            emit(&text)
        }
        Command::Explain { id, lang } => match docs::explain(&catalog, &id, lang_from(lang)) {
            Some(text) => emit(&text),
            None => {
                eprintln!("cct-lint: unknown rule or requirement `{id}` (see `cct-lint rules`)");
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
                // As Helm's engine (and `helm lint`): without a dependency found nowhere.
                dependencies: std::sync::Arc::new(cct_lint::render::chart::DependencySearch {
                    allow_missing: true,
                    ..Default::default()
                }),
                ..cct_lint::render::RenderOptions::default()
            };
            match cct_lint::render::render_chart(&chart, &options) {
                Ok(rendered) => {
                    for d in rendered
                        .dependencies
                        .iter()
                        .filter(|d| d.resolved.is_none())
                    {
                        eprintln!(
                            "cct-lint: warning: {}: dependency `{}` not in charts/: rendered without it (vendor it with `helm dependency build`)",
                            d.chart, d.name
                        );
                    }
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
                    let mut text = String::new();
                    for o in &outcomes {
                        text.push_str(&format!(
                            "{} {}.{} ({}){}\n",
                            if o.passed { "PASS" } else { "FAIL" },
                            o.package,
                            o.name,
                            o.file.display(),
                            o.error
                                .as_deref()
                                .map(|e| format!(": {e}"))
                                .unwrap_or_default()
                        ));
                    }
                    text.push_str(&format!(
                        "{} passed, {} failed\n",
                        outcomes.len() - failed,
                        failed
                    ));
                    if emit(&text) != ExitCode::SUCCESS {
                        ExitCode::from(2)
                    } else if failed == 0 {
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
