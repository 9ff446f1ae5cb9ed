//! The command line of the `cct-lint` binary: its subcommands and flags (clap), and how the
//! flags of `check` become a `check::Request`. Parsing only: it runs nothing and prints nothing.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use cct_lint::catalog::{Lang, Severity};
use cct_lint::check;
use cct_lint::report::Format;

#[derive(Parser)]
#[command(
    name = "cct-lint",
    version = concat!(env!("CARGO_PKG_VERSION"), " (catalogue ", "2026.11", ")"),
    about = "Checks Dockerfiles, Helm charts and Kubernetes manifests against the CCT Cloud Pi Native"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Fr,
    En,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check files and directories (default: the current directory).
    Check(CheckArgs),
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

#[derive(clap::Args)]
pub struct CheckArgs {
    pub paths: Vec<PathBuf>,
    /// Output format; repeat it to write several reports, each paired with the `--output`
    /// at the same position (formats without an `--output` go to standard output).
    #[arg(long = "format", value_enum, default_values_t = [Format::Human])]
    pub formats: Vec<Format>,
    /// File to write the report of the `--format` at the same position to.
    #[arg(long = "output")]
    pub outputs: Vec<PathBuf>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Language of messages (default: from LC_ALL / LANG, French when it starts with `fr`).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Files larger than this many bytes are reported (LNT006) instead of read
    /// (default 8 MiB, or `max_file_size` in the config file).
    #[arg(long)]
    pub max_file_size: Option<u64>,
    /// Configuration file (default: `.cct-lint.yaml` in the nearest folder from the scanned
    /// paths up to the repository root, else in the working directory).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore derogations written in the scanned files (annotations, comments); each one
    /// is reported (LNT015) so that the refusal is visible.
    #[arg(long)]
    pub no_inline_derogations: bool,
    /// Also show suppressed (derogated) findings in the human output, with their justification.
    #[arg(long)]
    pub show_suppressed: bool,
    /// A directory of custom Rego rules (same METADATA and output contract); repeatable.
    #[arg(long = "policy")]
    pub policies: Vec<PathBuf>,
    /// A previous JSON report: findings already in it are shown as existing and do not fail
    /// the gate (matched by fingerprint, which survives line shifts).
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Values file for a chart, as `CHART_DIR=FILE` (repeatable, later files win): the
    /// chart is rendered with these files instead of the config's value sets.
    #[arg(long = "values", value_name = "CHART=FILE")]
    pub values: Vec<String>,
    /// A `--set` override for a chart, as `CHART_DIR=key=value` (repeatable).
    #[arg(long = "set", value_name = "CHART=KEY=VALUE")]
    pub set: Vec<String>,
    /// Kubernetes version for `.Capabilities.KubeVersion` when rendering charts.
    #[arg(long)]
    pub kube_version: Option<String>,
    /// A chart dependency found nowhere offline is an error (LNT017), not a warning.
    #[arg(long)]
    pub require_dependencies: bool,
    /// Requirement ids the reports lead with and count by (default: the config's
    /// `framework`, else beta-2024).
    #[arg(long, value_enum)]
    pub framework: Option<cct_lint::catalog::Framework>,
    /// Only these rules (ids or id prefixes, comma-separated); LNT diagnostics stay.
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Vec<String>,
    /// Leave these rules out (ids or id prefixes, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,
    /// Human output: one line per rule with its counts instead of every finding.
    #[arg(long)]
    pub statistics: bool,
    /// Human output: the summary only.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

impl CheckArgs {
    /// The check these flags ask for (the report flags stay with the binary).
    pub fn request(&self) -> check::Request {
        check::Request {
            paths: self.paths.clone(),
            config: self.config.clone(),
            fail_on: match self.fail_on {
                FailOn::Error => Some(Severity::Error),
                FailOn::Warning => Some(Severity::Warning),
                FailOn::Note => Some(Severity::Note),
                FailOn::Never => None,
            },
            threads: self.threads,
            max_file_size: self.max_file_size,
            no_inline_derogations: self.no_inline_derogations,
            baseline: self.baseline.clone(),
            policies: self.policies.clone(),
            values: self.values.clone(),
            set: self.set.clone(),
            kube_version: self.kube_version.clone(),
            framework: self.framework,
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            require_dependencies: self.require_dependencies,
            audit_evidence: self
                .formats
                .iter()
                .any(|f| matches!(f, Format::AuditMd | Format::AuditHtml)),
            today: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewRuleFamily {
    Kubernetes,
    Dockerfile,
}

pub fn lang_from(arg: Option<LangArg>) -> Lang {
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

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
