//! The `cct-lint` binary: parses the command line (`cli.rs`), runs the library's stages, writes
//! the reports and turns the outcome into an exit code (0 clean, 1 findings at or above
//! `--fail-on`, 2 usage or internal error). It holds no linting logic of its own, and one place
//! prints a usage or internal error (`main`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// Rule evaluation allocates and frees small values at a high rate: mimalloc halves that cost
// compared with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

use cct_lint::catalog::{Catalog, Family};
use cct_lint::check;
use cct_lint::config::{CONFIG_FILE_NAME, STARTER};
use cct_lint::report::{Format, ReportInput};
use cct_lint::{docs, regotest};

mod cli;
use cli::{lang_from, use_color, CatalogFormat, CheckArgs, Cli, Command, NewRuleFamily};

/// A command's failure: the message printed after `cct-lint: `, exit code 2.
type Failure = String;

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
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("cct-lint: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, Failure> {
    let catalog = Catalog::embedded().map_err(|e| format!("internal error: {e}"))?;
    match command {
        Command::Check(args) => check_command(&args, catalog),
        Command::Init { force } => init(&catalog, force),
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
            None => Err(format!(
                "unknown rule or requirement `{id}` (see `cct-lint rules`)"
            )),
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
            render_chart(&chart, &options, json)
        }
        Command::NewRule {
            id,
            name,
            family,
            dir,
        } => new_rule(&id, &name, family, &dir),
        Command::Test { dirs } => test_policies(&dirs),
    }
}

/// `cct-lint check`: runs the check, writes every report asked for, exit code from the gate.
fn check_command(args: &CheckArgs, catalog: Catalog) -> Result<ExitCode, Failure> {
    if args.outputs.len() > args.formats.len() {
        return Err("more --output than --format".to_string());
    }
    if args.threads > 0 {
        // The reports print in rayon's global pool; the scan uses it too when it has this size.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(args.threads)
            .build_global();
    }
    let outcome = check::run(&args.request(), catalog).map_err(|e| e.to_string())?;
    let lang = lang_from(args.lang);
    for (i, format) in args.formats.iter().enumerate() {
        let output = args.outputs.get(i);
        let input = ReportInput {
            color: output.is_none() && *format == Format::Human && use_color(args.color),
            show_suppressed: args.show_suppressed,
            ..ReportInput::new(&outcome, lang)
        };
        // Reports are streamed: on large scans they would be the biggest thing in memory.
        let write = |out: &mut dyn Write| -> std::io::Result<()> {
            let mut out = std::io::BufWriter::new(out);
            cct_lint::check_flags::write(*format, &input, args.statistics, args.quiet, &mut out)?;
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
        written.map_err(|e| format!("cannot write report: {e}"))?;
    }
    let code = if outcome.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // Freeing the findings, objects and rule engine one by one is work the process
    // exit does at once (about a tenth of a one-file check).
    std::mem::forget(outcome);
    Ok(code)
}

/// `cct-lint init`: a commented starter configuration with the registries the tree uses.
fn init(catalog: &Catalog, force: bool) -> Result<ExitCode, Failure> {
    let path = PathBuf::from(CONFIG_FILE_NAME);
    if path.exists() && !force {
        return Err(format!(
            "{CONFIG_FILE_NAME} already exists (use --force to overwrite)"
        ));
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
    let found = cct_lint::registry_survey::survey(Path::new("."));
    let text = cct_lint::registry_survey::starter(STARTER, &defaults, &found);
    std::fs::write(&path, text).map_err(|e| format!("cannot write {CONFIG_FILE_NAME}: {e}"))?;
    println!("wrote {CONFIG_FILE_NAME}");
    Ok(ExitCode::SUCCESS)
}

/// `cct-lint render CHART`: what `helm template` prints (or the templates as JSON).
fn render_chart(
    chart: &Path,
    options: &cct_lint::render::RenderOptions,
    json: bool,
) -> Result<ExitCode, Failure> {
    let rendered = cct_lint::render::render_chart(chart, options).map_err(|e| e.to_string())?;
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
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// `cct-lint render DIR` on a kustomization: the build as `kubectl kustomize DIR` prints it (or a
/// JSON array of the objects); what was left out goes to stderr, a refused build exits 2.
fn render_kustomization(dir: &Path, json: bool) -> Result<ExitCode, Failure> {
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
        return Err(format!(
            "{}:{}: {}",
            cct_lint::discover::display_path(built.file_path(e.origin)),
            e.origin.span.start.line,
            e.message
        ));
    }
    let text = if json {
        format!("{}\n", output::to_json(&built.resources))
    } else {
        output::to_yaml(&built.resources)
    };
    emit(&text)
}

/// `cct-lint new-rule`: a working starter rule and its fixtures.
fn new_rule(id: &str, name: &str, family: NewRuleFamily, dir: &Path) -> Result<ExitCode, Failure> {
    let spec = cct_lint::scaffold::NewRule {
        id,
        name,
        family: match family {
            NewRuleFamily::Kubernetes => Family::Kubernetes,
            NewRuleFamily::Dockerfile => Family::Dockerfile,
        },
        dir,
    };
    let files = cct_lint::scaffold::new_rule(&spec).map_err(|e| e.to_string())?;
    for f in &files {
        println!("created {}", f.display());
    }
    println!(
        "next: edit the rule, then `cct-lint test {dir}` and `cct-lint check --policy {dir} <fixture>`; exclude the fixtures from your own scans (`exclude: [\"{dir}/**/fixtures/**\"]`)",
        dir = dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `cct-lint test`: the `test_*` rules of policy directories (default: the embedded rules).
fn test_policies(dirs: &[PathBuf]) -> Result<ExitCode, Failure> {
    let sources = if dirs.is_empty() {
        cct_lint::catalog::RULE_FILES
            .iter()
            .filter(|(f, _)| f.ends_with(".rego"))
            .map(|(f, s)| (f.to_string(), s.to_string()))
            .collect()
    } else {
        regotest::read_dirs(dirs).map_err(|e| e.to_string())?
    };
    let data = regotest::params_from_sources(&sources);
    let outcomes = regotest::run(&sources, data).map_err(|e| e.to_string())?;
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
    emit(&text)?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes a command's output. A reader that stops early (`cct-lint rules | head -1`) ends the
/// command quietly, as with other Unix tools, instead of a panic on the broken pipe.
fn emit(text: &str) -> Result<ExitCode, Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
