//! Dockerfile parser: turns Dockerfile text into instructions, build stages and the Rego input
//! document, with a source span for every instruction so findings can point at the right lines.
//!
//! It follows BuildKit's reading of the format (parser directives, escape character, line
//! continuations, comment lines inside continuations, flags, exec/JSON form, heredocs,
//! ENV/ARG/LABEL pairs, variable expansion) and keeps going after errors: every problem becomes a
//! [`DockerfileError`] and parsing resumes at the next instruction.
//!
//! It must never panic, whatever the input (no `unwrap`, no indexing that input can push out of
//! range, no unbounded recursion), must stay linear in the size of the input, and must never do
//! I/O: callers hand it text and get values back.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};

use crate::span::{Position, Span};

/// A parsed Dockerfile. `instructions` holds every recognised instruction in file order
/// (unknown keywords are reported in `errors` and left out); `stages` index into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// `ARG`s declared before the first `FROM`, defaults expanded with the earlier ones.
    pub global_args: Vec<Pair>,
    /// For each entry of `global_args`, the index in `instructions` of the `ARG` that declared it.
    pub global_arg_instructions: Vec<usize>,
    pub errors: Vec<DockerfileError>,
    pub escape: char,
    pub syntax: Option<String>,
}

/// One instruction, continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-cased keyword (`RUN`, `FROM`, ...).
    pub keyword: String,
    pub flags: Vec<Flag>,
    pub form: Form,
    /// The text after the flags, continuations joined the way BuildKit joins them.
    pub value: String,
    /// Exec form: the array items. `RUN`/`CMD`/`ENTRYPOINT`/`SHELL`/`HEALTHCHECK` in shell form:
    /// `[value]` (nothing when empty). Others: `value` split on whitespace.
    /// `HEALTHCHECK CMD [...]` in exec form gives `["CMD", items...]`.
    pub args: Vec<String>,
    /// `args` with build-time variables substituted as Docker would; equal to `args` for the
    /// instructions Docker never expands (`RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `HEALTHCHECK`,
    /// `ONBUILD`).
    pub expanded: Vec<String>,
    /// `ENV`/`ARG`/`LABEL` pairs, quotes removed and values expanded.
    pub pairs: Vec<Pair>,
    pub heredocs: Vec<Heredoc>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Shell,
    Json,
}

/// `--name=value`, or `--name` alone (value `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub key: String,
    pub value: Option<String>,
}

/// A heredoc body, verbatim (one `\n` after each line; leading tabs removed for `<<-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub name: String,
    pub content: String,
    /// False when the name was quoted (`<<"EOF"`): the body is then never expanded.
    pub expand: bool,
    /// True for `<<-`.
    pub chomp: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    pub name: Option<String>,
    /// The image after substituting global `ARG` defaults.
    pub image: String,
    pub raw_image: String,
    /// The earlier stage this one builds on (`FROM builder`).
    pub stage_ref: Option<usize>,
    pub scratch: bool,
    pub platform: Option<String>,
    /// Indices into `Dockerfile::instructions`, the `FROM` first.
    pub instructions: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerfileError {
    pub message: String,
    pub span: Span,
}

const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Instructions whose arguments may be a JSON array (BuildKit's `parseMaybeJSON` users).
const JSON_CAPABLE: &[&str] = &["ADD", "CMD", "COPY", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"];

/// Instructions whose shell form is one command string, run later by a shell.
const COMMAND_KEYWORDS: &[&str] = &["CMD", "ENTRYPOINT", "HEALTHCHECK", "RUN", "SHELL"];

/// Instructions Docker never substitutes variables in (the shell or the child build does).
const NOT_EXPANDED: &[&str] = &[
    "CMD",
    "ENTRYPOINT",
    "HEALTHCHECK",
    "ONBUILD",
    "RUN",
    "SHELL",
];

const HEREDOC_KEYWORDS: &[&str] = &["ADD", "COPY", "RUN"];

/// Bounds `${A:-${B:-...}}` recursion so hostile input cannot exhaust the stack.
const MAX_EXPANSION_DEPTH: usize = 16;

/// BuildKit's automatic platform ARGs: defined in the global scope (so in `FROM`) without any
/// declaration, with values known only at build time.
const AUTOMATIC_PLATFORM_ARGS: [&str; 8] = [
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// A variable visible to expansion. `value: None` is an `ARG` declared without a default: its
/// value only comes at build time, so references to it are left as written.
#[derive(Debug, Clone)]
struct Var {
    value: Option<String>,
    /// Set by `ENV`: a later `ARG` of the same name does not override it (Docker's precedence).
    from_env: bool,
}

type Env = HashMap<String, Var>;

/// How many `FROM <stage>` links ENV inheritance follows. Walking the chain instead of copying
/// each parent's variables keeps long chains of stages linear; real files nest a few levels.
const MAX_INHERITANCE: usize = 64;

/// The variable maps visible to an expansion, searched in order (first hit wins).
struct Scope<'a>(Vec<&'a Env>);

impl<'a> Scope<'a> {
    fn get(&self, name: &str) -> Option<&'a Var> {
        self.0.iter().find_map(|env| env.get(name))
    }

    fn value(&self, name: &str) -> Option<&'a str> {
        self.get(name).and_then(|v| v.value.as_deref())
    }
}

/// Parses Dockerfile text. Never fails: problems are collected in `Dockerfile::errors`.
pub fn parse(text: &str) -> Dockerfile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut builder = Builder::default();
    let (escape, syntax) = read_directives(&lines, &mut builder.errors);
    builder.escape = escape;

    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        i = builder.instruction_at(&lines, i);
    }
    builder.finish(escape, syntax)
}

/// Reads the parser directives at the top of the file. Like BuildKit, the first line that is not
/// a known directive (a blank line, another comment, an instruction) ends them.
fn read_directives(lines: &[&str], errors: &mut Vec<DockerfileError>) -> (char, Option<String>) {
    let mut escape = '\\';
    let mut syntax = None;
    let mut seen = HashSet::new();
    for (n, line) in lines.iter().enumerate() {
        let Some((name, value)) = directive(line) else {
            break;
        };
        let span = Span::on_line(line_no(n), 1, line);
        if !seen.insert(name.clone()) {
            errors.push(DockerfileError {
                message: format!("only one {name} parser directive can be used"),
                span,
            });
            continue;
        }
        match name.as_str() {
            "escape" => match value.as_str() {
                "\\" => escape = '\\',
                "`" => escape = '`',
                _ => errors.push(DockerfileError {
                    message: format!("invalid escape token '{value}': must be ` or \\"),
                    span,
                }),
            },
            "syntax" => syntax = Some(value),
            _ => {}
        }
    }
    (escape, syntax)
}

/// `# name=value` for a known directive name (lower-cased), per BuildKit's directive regex.
fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let (name, value) = rest.split_once('=')?;
    let name = name.trim_end();
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let value = value.trim();
    let name = name.to_ascii_lowercase();
    if value.is_empty() || !matches!(name.as_str(), "escape" | "syntax" | "check") {
        return None;
    }
    Some((name, value.to_string()))
}

fn line_no(index: usize) -> u32 {
    u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX)
}

fn char_count(s: &str) -> u32 {
    u32::try_from(s.chars().count()).unwrap_or(u32::MAX)
}

/// Position just after the last non-blank character of line `index`.
fn line_end(lines: &[&str], index: usize) -> Position {
    let width = lines.get(index).map_or(0, |l| char_count(l.trim_end()));
    Position::new(line_no(index), width.saturating_add(1))
}

/// Removes a trailing escape character (whitespace after it allowed); true if there was one.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let trimmed = line.trim_end_matches([' ', '\t']);
    match trimmed.strip_suffix(escape) {
        Some(rest) => (rest, true),
        None => (line, false),
    }
}

#[derive(Default)]
struct Builder {
    escape: char,
    instructions: Vec<Instruction>,
    stages: Vec<Stage>,
    global_args: Vec<Pair>,
    global_arg_instructions: Vec<usize>,
    errors: Vec<DockerfileError>,
    global_env: Env,
    stage_env: Env,
    /// Lower-cased stage name → stage index, first declaration wins.
    stage_names: HashMap<String, usize>,
    /// For each finished stage, the `ENV` variables it set itself; `FROM <that stage>` sees them.
    stage_envs: Vec<Env>,
    /// Built on the first heredoc only: files without heredocs never pay for it.
    terminators: Option<TerminatorIndex>,
}

/// Line numbers of every line by content (and by content without leading tabs, for `<<-`), so
/// finding a heredoc terminator is a lookup: a missing one costs no scan to the end of the file.
struct TerminatorIndex {
    exact: HashMap<String, Vec<usize>>,
    chomped: HashMap<String, Vec<usize>>,
}

impl TerminatorIndex {
    fn new(lines: &[&str]) -> Self {
        let mut exact: HashMap<String, Vec<usize>> = HashMap::new();
        let mut chomped: HashMap<String, Vec<usize>> = HashMap::new();
        for (n, line) in lines.iter().enumerate() {
            exact.entry((*line).to_string()).or_default().push(n);
            let trimmed = line.trim_start_matches('\t');
            chomped.entry(trimmed.to_string()).or_default().push(n);
        }
        Self { exact, chomped }
    }

    /// The first line at or after `from` that terminates heredoc `name`.
    fn find(&self, name: &str, chomp: bool, from: usize) -> Option<usize> {
        let map = if chomp { &self.chomped } else { &self.exact };
        let lines = map.get(name)?;
        lines.get(lines.partition_point(|&n| n < from)).copied()
    }
}

/// A heredoc named on an instruction line, before its body is read.
struct HeredocMarker {
    name: String,
    expand: bool,
    chomp: bool,
}

impl Builder {
    fn error(&mut self, message: impl Into<String>, span: Span) {
        self.errors.push(DockerfileError {
            message: message.into(),
            span,
        });
    }

    /// Reads the instruction starting on line `first` (not blank, not a comment) with its
    /// continuation lines and heredoc bodies; returns the index of the line after it.
    fn instruction_at(&mut self, lines: &[&str], first: usize) -> usize {
        let escape = self.escape;
        let line = lines.get(first).copied().unwrap_or("");
        let indent = line.len() - line.trim_start().len();
        let start = Position::new(
            line_no(first),
            char_count(line.get(..indent).unwrap_or("")).saturating_add(1),
        );
        let (head, mut continued) = trim_continuation(line, escape);
        let mut logical = head.to_string();
        let mut last = first;
        let mut next = first + 1;
        while continued {
            let Some(line) = lines.get(next) else { break };
            next += 1;
            let trimmed = line.trim_start();
            // BuildKit drops comment lines and blank lines inside a continued instruction.
            if trimmed.starts_with('#') || trimmed.is_empty() {
                continue;
            }
            let (part, more) = trim_continuation(line, escape);
            logical.push_str(part);
            continued = more;
            last = next - 1;
        }
        let mut span = Span::new(start, line_end(lines, last));

        let trimmed = logical.trim();
        if trimmed.is_empty() {
            // A lone escape character followed only by blank or comment lines: nothing to parse.
            return next;
        }
        let (word, rest) = trimmed
            .split_once(char::is_whitespace)
            .unwrap_or((trimmed, ""));
        let keyword = word.to_ascii_uppercase();
        if !KEYWORDS.contains(&keyword.as_str()) {
            self.error(format!("unknown instruction: {word}"), span);
            return next;
        }
        let (flags, value) = extract_flags(rest.trim_start());
        let value = value.trim();
        let json = if JSON_CAPABLE.contains(&keyword.as_str()) {
            json_array(value)
        } else {
            None
        };

        let mut heredocs = Vec::new();
        let markers = if json.is_none() && heredoc_capable(&keyword, value, escape) {
            heredoc_markers(value, escape)
        } else {
            Vec::new()
        };
        if !markers.is_empty() {
            let index = self
                .terminators
                .get_or_insert_with(|| TerminatorIndex::new(lines));
            match read_heredocs(lines, index, next, markers) {
                Ok((docs, after)) => {
                    if after > next {
                        span.end = line_end(lines, after - 1);
                    }
                    heredocs = docs;
                    next = after;
                }
                Err(name) => {
                    // Resuming right after the instruction line recovers the instructions that
                    // follow a mistyped terminator instead of swallowing the rest of the file.
                    self.error(format!("unterminated heredoc {name}"), span);
                }
            }
        }

        let (form, args) = split_args(&keyword, value, json);
        let instruction = Instruction {
            keyword,
            flags,
            form,
            value: value.to_string(),
            expanded: args.clone(),
            args,
            pairs: Vec::new(),
            heredocs,
            span,
        };
        self.add(instruction);
        next
    }

    /// Gives the instruction its stage, pairs and expansion, and updates the variables in scope.
    fn add(&mut self, mut ins: Instruction) {
        let index = self.instructions.len();
        if ins.keyword == "FROM" {
            self.start_stage(&mut ins, index);
            self.instructions.push(ins);
            return;
        }
        let in_stage = !self.stages.is_empty();
        if !in_stage && ins.keyword != "ARG" {
            self.error(
                format!("{} instruction before the first FROM", ins.keyword),
                ins.span,
            );
        }
        let escape = self.escape;
        let scope = self.scope();
        if !NOT_EXPANDED.contains(&ins.keyword.as_str()) {
            ins.expanded = ins
                .args
                .iter()
                .map(|a| expand(a, &scope, escape, false))
                .collect();
        }
        let mut problems = Vec::new();
        if matches!(ins.keyword.as_str(), "ENV" | "ARG" | "LABEL") {
            (ins.pairs, problems) = parse_pairs(&ins.keyword, &ins.value, escape, &scope);
        }
        // ENV, the stage's own or inherited from a parent stage, wins over a later ARG.
        let shadowed_by_env: Vec<bool> = ins
            .pairs
            .iter()
            .map(|p| scope.get(&p.key).is_some_and(|v| v.from_env))
            .collect();
        for message in problems {
            self.error(message, ins.span);
        }
        match (ins.keyword.as_str(), in_stage) {
            ("ARG", false) => {
                for pair in &ins.pairs {
                    self.global_env.insert(
                        pair.key.clone(),
                        Var {
                            value: pair.value.clone(),
                            from_env: false,
                        },
                    );
                    self.global_args.push(pair.clone());
                    self.global_arg_instructions.push(index);
                }
            }
            ("ARG", true) => {
                for (pair, shadowed) in ins.pairs.iter().zip(shadowed_by_env) {
                    if shadowed {
                        continue;
                    }
                    // `ARG NAME` inside a stage brings the global default into scope.
                    let value = match &pair.value {
                        Some(v) => Some(v.clone()),
                        None => self.global_env.get(&pair.key).and_then(|v| v.value.clone()),
                    };
                    let var = Var {
                        value,
                        from_env: false,
                    };
                    self.stage_env.insert(pair.key.clone(), var);
                }
            }
            ("ENV", true) => {
                for pair in &ins.pairs {
                    let var = Var {
                        value: pair.value.clone(),
                        from_env: true,
                    };
                    self.stage_env.insert(pair.key.clone(), var);
                }
            }
            _ => {}
        }
        if let Some(stage) = self.stages.last_mut() {
            stage.instructions.push(index);
        }
        self.instructions.push(ins);
    }

    /// The variables visible in the current stage (or before the first FROM, the global ARGs).
    fn scope(&self) -> Scope<'_> {
        let Some(stage) = self.stages.last() else {
            return Scope(vec![&self.global_env]);
        };
        let mut maps = vec![&self.stage_env];
        let mut parent = stage.stage_ref;
        while let Some(r) = parent {
            if maps.len() > MAX_INHERITANCE {
                break;
            }
            if let Some(env) = self.stage_envs.get(r) {
                maps.push(env);
            }
            parent = self.stages.get(r).and_then(|s| s.stage_ref);
        }
        Scope(maps)
    }

    fn start_stage(&mut self, ins: &mut Instruction, index: usize) {
        let escape = self.escape;
        let global = Scope(vec![&self.global_env]);
        ins.expanded = ins
            .args
            .iter()
            .map(|a| expand_from(a, &global, escape))
            .collect();
        let platform = ins
            .flags
            .iter()
            .find(|f| f.name == "platform")
            .and_then(|f| f.value.as_deref())
            .map(|p| expand_from(p, &global, escape));
        let raw_image = ins.args.first().cloned().unwrap_or_default();
        let image = ins.expanded.first().cloned().unwrap_or_default();
        let name = match ins.args.as_slice() {
            [_, as_kw, name] if as_kw.eq_ignore_ascii_case("as") => Some(name.clone()),
            _ => None,
        };
        if raw_image.is_empty() {
            self.error("FROM requires an image", ins.span);
        } else if ins.args.len() != 1 && name.is_none() {
            self.error(
                "FROM requires either one argument, or three: FROM <image> AS <name>",
                ins.span,
            );
        }
        let stage_ref = self.stage_names.get(&image.to_lowercase()).copied();
        let stage_index = self.stages.len();
        if let Some(name) = &name {
            let key = name.to_lowercase();
            match self.stage_names.entry(key) {
                Entry::Occupied(_) => {
                    self.errors.push(DockerfileError {
                        message: format!("duplicate stage name {name}"),
                        span: ins.span,
                    });
                }
                Entry::Vacant(slot) => {
                    slot.insert(stage_index);
                }
            }
        }

        // The finished stage's ENV stays in its image, so a later `FROM <it>` inherits it;
        // its ARGs do not survive the stage.
        let finished = std::mem::take(&mut self.stage_env);
        if !self.stages.is_empty() {
            self.stage_envs
                .push(finished.into_iter().filter(|(_, v)| v.from_env).collect());
        }

        self.stages.push(Stage {
            index: stage_index,
            name,
            scratch: image.eq_ignore_ascii_case("scratch"),
            image,
            raw_image,
            stage_ref,
            platform,
            instructions: vec![index],
        });
    }

    fn finish(mut self, escape: char, syntax: Option<String>) -> Dockerfile {
        if self.stages.is_empty() {
            let at = Position::new(1, 1);
            self.error("no FROM instruction", Span::new(at, at));
        }
        Dockerfile {
            instructions: self.instructions,
            stages: self.stages,
            global_args: self.global_args,
            global_arg_instructions: self.global_arg_instructions,
            errors: self.errors,
            escape,
            syntax,
        }
    }
}

/// Splits leading `--flag[=value]` words off `line` (BuildKit's `extractBuilderFlags`: quotes in
/// a flag are removed, `\` escapes the next character, a lone `--` ends the flags).
fn extract_flags(line: &str) -> (Vec<Flag>, &str) {
    let mut flags = Vec::new();
    let mut chars = line.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            return (flags, "");
        };
        let rest = line.get(start..).unwrap_or("");
        if !rest.starts_with("--") {
            return (flags, rest);
        }
        let mut word = String::new();
        let mut quote = None;
        let mut end = line.len();
        while let Some((pos, c)) = chars.next() {
            match quote {
                None if c.is_whitespace() => {
                    end = pos;
                    break;
                }
                None if c == '\'' || c == '"' => quote = Some(c),
                Some(q) if c == q => quote = None,
                _ if c == '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        word.push(escaped);
                    }
                }
                _ => word.push(c),
            }
        }
        if word == "--" {
            return (flags, line.get(end..).unwrap_or("").trim_start());
        }
        let body = word.strip_prefix("--").unwrap_or(&word);
        let flag = match body.split_once('=') {
            Some((name, value)) => Flag {
                name: name.to_string(),
                value: Some(value.to_string()),
            },
            None => Flag {
                name: body.to_string(),
                value: None,
            },
        };
        flags.push(flag);
    }
}

/// The items of `value` if it is exactly a JSON array of strings.
fn json_array(value: &str) -> Option<Vec<String>> {
    if !value.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(value).ok()
}

fn split_args(keyword: &str, value: &str, json: Option<Vec<String>>) -> (Form, Vec<String>) {
    if let Some(items) = json {
        return (Form::Json, items);
    }
    if keyword == "HEALTHCHECK" {
        if let Some((kind, rest)) = value.split_once(char::is_whitespace) {
            if kind.eq_ignore_ascii_case("CMD") {
                if let Some(items) = json_array(rest.trim()) {
                    let mut args = vec![kind.to_string()];
                    args.extend(items);
                    return (Form::Json, args);
                }
            }
        }
    }
    if COMMAND_KEYWORDS.contains(&keyword) {
        let args = if value.is_empty() {
            Vec::new()
        } else {
            vec![value.to_string()]
        };
        return (Form::Shell, args);
    }
    (
        Form::Shell,
        value.split_whitespace().map(str::to_string).collect(),
    )
}

fn heredoc_capable(keyword: &str, value: &str, escape: char) -> bool {
    if HEREDOC_KEYWORDS.contains(&keyword) {
        return true;
    }
    if keyword != "ONBUILD" {
        return false;
    }
    // `ONBUILD RUN <<EOF` carries its heredoc like the instruction it wraps.
    let (inner, rest) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
    let inner = inner.to_ascii_uppercase();
    let (_, rest) = extract_flags(rest.trim_start());
    HEREDOC_KEYWORDS.contains(&inner.as_str())
        && (!JSON_CAPABLE.contains(&inner.as_str()) || json_array(rest.trim()).is_none())
        && !heredoc_markers(rest, escape).is_empty()
}

/// The `<<NAME`, `<<-NAME`, `<<"NAME"` words of an instruction, in order.
fn heredoc_markers(value: &str, escape: char) -> Vec<HeredocMarker> {
    let mut markers = Vec::new();
    for word in split_words(value, escape) {
        let Some(rest) = word
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .strip_prefix("<<")
        else {
            continue;
        };
        let (chomp, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        // `<<<` is a here-string, not a heredoc.
        if rest.contains('<') {
            continue;
        }
        let name: String = rest.chars().filter(|c| *c != '"' && *c != '\'').collect();
        if name.is_empty() {
            continue;
        }
        markers.push(HeredocMarker {
            name,
            expand: !rest.contains(['"', '\'']),
            chomp,
        });
    }
    markers
}

/// Reads the bodies of `markers` starting at line `from`: the heredocs and the line after the
/// last terminator, or the name of the first heredoc that never ends.
fn read_heredocs(
    lines: &[&str],
    index: &TerminatorIndex,
    from: usize,
    markers: Vec<HeredocMarker>,
) -> Result<(Vec<Heredoc>, usize), String> {
    let mut next = from;
    let mut docs = Vec::with_capacity(markers.len());
    for marker in markers {
        let Some(end) = index.find(&marker.name, marker.chomp, next) else {
            return Err(marker.name);
        };
        let mut content = String::new();
        for line in lines.get(next..end).unwrap_or(&[]) {
            let body = if marker.chomp {
                line.trim_start_matches('\t')
            } else {
                line
            };
            content.push_str(body);
            content.push('\n');
        }
        next = end + 1;
        docs.push(Heredoc {
            name: marker.name,
            content,
            expand: marker.expand,
            chomp: marker.chomp,
        });
    }
    Ok((docs, next))
}

/// Splits on whitespace outside quotes, keeping quotes and escapes in the words
/// (BuildKit's `parseWords`).
fn split_words(text: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                word.push(c);
                if c == q {
                    quote = None;
                } else if c == escape && q != '\'' {
                    if let Some(n) = chars.next() {
                        word.push(n);
                    }
                }
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            None => {
                in_word = true;
                if c == escape {
                    // An escape at the very end is dropped, as BuildKit does.
                    if let Some(n) = chars.next() {
                        word.push(c);
                        word.push(n);
                    }
                    continue;
                }
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// ENV/LABEL (`k=v ...` or legacy `k value with spaces`) and ARG (`k` or `k=v ...`) pairs,
/// keys unquoted, values unquoted and expanded. Returns the syntax problems found on the way.
fn parse_pairs(
    keyword: &str,
    value: &str,
    escape: char,
    scope: &Scope,
) -> (Vec<Pair>, Vec<String>) {
    let no_vars = Scope(Vec::new());
    let unquote = |s: &str| expand(s, &no_vars, escape, true);
    let process = |s: &str| expand(s, scope, escape, true);
    let words = split_words(value, escape);
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    if words.is_empty() {
        problems.push(format!("{keyword} requires at least one argument"));
        return (pairs, problems);
    }
    if keyword == "ARG" {
        for word in &words {
            let pair = match word.split_once('=') {
                Some((k, v)) => Pair {
                    key: k.to_string(),
                    value: Some(process(v)),
                },
                None => Pair {
                    key: word.clone(),
                    value: None,
                },
            };
            pairs.push(pair);
        }
        return (pairs, problems);
    }
    let legacy = words.first().is_some_and(|w| !w.contains('='));
    if legacy {
        match value.split_once(char::is_whitespace) {
            Some((k, v)) => pairs.push(Pair {
                key: unquote(k),
                value: Some(process(v.trim_start())),
            }),
            None => problems.push(format!("{keyword} must have two arguments")),
        }
        return (pairs, problems);
    }
    for word in &words {
        match word.split_once('=') {
            Some((k, v)) => pairs.push(Pair {
                key: unquote(k),
                value: Some(process(v)),
            }),
            None => problems.push(format!(
                "syntax error: can't find = in {word:?}, must be of the form name=value"
            )),
        }
    }
    (pairs, problems)
}

/// Substitutes `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`
/// from `scope`, not inside single quotes. References to unknown variables (or other `${...}`
/// operators) are kept as written so rules see what the author wrote. With `unquote`, quotes and
/// escape characters are removed as Docker's word processing does; without, they are kept.
fn expand(text: &str, scope: &Scope, escape: char, unquote: bool) -> String {
    expand_with(text, scope, escape, unquote, false)
}

/// Expansion of a `FROM` line: as `expand`, except that a variable no global `ARG` declares
/// expands to nothing, as Docker does (`FROM alpine$TAG` without `ARG TAG` is `alpine`);
/// BuildKit's automatic platform ARGs count as declared.
fn expand_from(text: &str, scope: &Scope, escape: char) -> String {
    expand_with(text, scope, escape, false, true)
}

fn expand_with(
    text: &str,
    scope: &Scope,
    escape: char,
    unquote: bool,
    undeclared_empty: bool,
) -> String {
    if !text.contains('$') && !unquote {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let ctx = Expansion {
        closers: brace_closers(&chars),
        chars,
        scope,
        escape,
        unquote,
        undeclared_empty,
    };
    let mut out = String::with_capacity(text.len());
    ctx.range(0, ctx.chars.len(), 0, &mut out);
    out
}

/// For each `$` that opens `${`, the index of its matching `}`, found in one pass so that
/// expansion stays linear even on unbalanced input.
fn brace_closers(chars: &[char]) -> Vec<Option<usize>> {
    let mut closers = vec![None; chars.len()];
    let mut open = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '$' && chars.get(i + 1) == Some(&'{') {
            open.push(i);
            i += 2;
            continue;
        }
        if c == '}' {
            if let Some(start) = open.pop() {
                if let Some(slot) = closers.get_mut(start) {
                    *slot = Some(i);
                }
            }
        }
        i += 1;
    }
    closers
}

struct Expansion<'a> {
    chars: Vec<char>,
    closers: Vec<Option<usize>>,
    scope: &'a Scope<'a>,
    escape: char,
    unquote: bool,
    /// Undeclared variables expand to nothing instead of staying as written (`FROM` lines).
    undeclared_empty: bool,
}

impl Expansion<'_> {
    fn slice(&self, start: usize, end: usize) -> String {
        self.chars.get(start..end).unwrap_or(&[]).iter().collect()
    }

    fn range(&self, start: usize, end: usize, depth: usize, out: &mut String) {
        let mut quote: Option<char> = None;
        let mut i = start;
        while i < end {
            let Some(&c) = self.chars.get(i) else { break };
            if quote == Some('\'') {
                if c != '\'' || !self.unquote {
                    out.push(c);
                }
                if c == '\'' {
                    quote = None;
                }
                i += 1;
                continue;
            }
            let in_double = quote == Some('"');
            if c == self.escape {
                let next = self.chars.get(i + 1).filter(|_| i + 1 < end);
                match next {
                    Some(&n) if !in_double || n == '"' || n == '$' || n == self.escape => {
                        if !self.unquote {
                            out.push(c);
                        }
                        out.push(n);
                        i += 2;
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
                continue;
            }
            if c == '"' || (c == '\'' && !in_double) {
                quote = if in_double { None } else { Some(c) };
                if !self.unquote {
                    out.push(c);
                }
                i += 1;
                continue;
            }
            if c == '$' {
                i = self.dollar(i, end, depth, out);
                continue;
            }
            out.push(c);
            i += 1;
        }
    }

    fn lookup(&self, name: &str) -> Option<&str> {
        self.scope.value(name)
    }

    /// True when `name` is known to be unset, so that a bare reference expands to nothing.
    fn known_unset(&self, name: &str) -> bool {
        self.undeclared_empty
            && self.scope.get(name).is_none()
            && !AUTOMATIC_PLATFORM_ARGS.contains(&name)
    }

    /// Expands the reference starting at the `$` at `i`; returns the index after it.
    fn dollar(&self, i: usize, end: usize, depth: usize, out: &mut String) -> usize {
        let is_name = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
        let name_end = |from: usize| {
            let mut j = from;
            while j < end && self.chars.get(j).is_some_and(is_name) {
                j += 1;
            }
            j
        };
        match self.chars.get(i + 1).filter(|_| i + 1 < end) {
            Some('{') => {
                let close = self.closers.get(i).copied().flatten().filter(|&c| c < end);
                let name_start = i + 2;
                let j = name_end(name_start);
                let Some(close) = close.filter(|_| j > name_start) else {
                    out.push('$');
                    return i + 1;
                };
                let name = self.slice(name_start, j);
                let var = self.lookup(&name);
                let set = var.is_some();
                let non_empty = var.is_some_and(|v| !v.is_empty());
                let op = self.chars.get(j..close).unwrap_or(&[]);
                let (use_word, word_start) = match op {
                    [] => match var {
                        Some(v) => {
                            out.push_str(v);
                            return close + 1;
                        }
                        None if self.known_unset(&name) => return close + 1,
                        None => (None, 0),
                    },
                    [':', '-', ..] => (Some(!non_empty), j + 2),
                    ['-', ..] => (Some(!set), j + 1),
                    [':', '+', ..] => (Some(non_empty), j + 2),
                    ['+', ..] => (Some(set), j + 1),
                    _ => (None, 0),
                };
                match use_word {
                    None => out.push_str(&self.slice(i, close + 1)),
                    Some(true) if depth >= MAX_EXPANSION_DEPTH => {
                        out.push_str(&self.slice(i, close + 1));
                    }
                    Some(true) => self.range(word_start, close, depth + 1, out),
                    Some(false) => {
                        // `:-`/`-` with a value substitute it; `:+`/`+` without one give nothing.
                        if matches!(op, [':', '-', ..] | ['-', ..]) {
                            out.push_str(var.unwrap_or(""));
                        }
                    }
                }
                close + 1
            }
            Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
                let j = name_end(i + 1);
                let name = self.slice(i + 1, j);
                match self.lookup(&name) {
                    Some(v) => out.push_str(v),
                    None if self.known_unset(&name) => {}
                    None => out.push_str(&self.slice(i, j)),
                }
                j
            }
            _ => {
                out.push('$');
                i + 1
            }
        }
    }
}

fn path_index(v: &Value) -> Option<usize> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

impl Dockerfile {
    /// The Rego input document: `{"args": [...], "stages": [...]}`.
    pub fn to_input(&self) -> Value {
        let args: Vec<Value> = self
            .global_args
            .iter()
            .map(|p| json!({"name": p.key, "value": p.value}))
            .collect();
        let last = self.stages.len().checked_sub(1);
        let stages: Vec<Value> = self
            .stages
            .iter()
            .map(|s| {
                let instructions: Vec<Value> = s
                    .instructions
                    .iter()
                    .filter_map(|&k| self.instructions.get(k))
                    .map(instruction_input)
                    .collect();
                json!({
                    "index": s.index,
                    "name": s.name,
                    "final": Some(s.index) == last,
                    "from": {
                        "image": s.image,
                        "raw": s.raw_image,
                        "stage": s.stage_ref,
                        "scratch": s.scratch,
                        "platform": s.platform,
                    },
                    "instructions": instructions,
                })
            })
            .collect();
        json!({"args": args, "stages": stages})
    }

    /// Span for a path returned by a rule: `["stages", i]` (or `["stages", i, "from", ...]`) →
    /// the stage's FROM; `["stages", i, "instructions", j, ...]` → that instruction;
    /// `["args", k, ...]` → the global ARG declaring it. Indices may be numbers or digit strings.
    pub fn span_for_path(&self, path: &[Value]) -> Option<Span> {
        let span_of = |k: usize| self.instructions.get(k).map(|i| i.span);
        match path {
            [root, i, rest @ ..] if root == "stages" => {
                let stage = self.stages.get(path_index(i)?)?;
                match rest {
                    [] => span_of(*stage.instructions.first()?),
                    [from, ..] if from == "from" => span_of(*stage.instructions.first()?),
                    [list, j, ..] if list == "instructions" => {
                        span_of(*stage.instructions.get(path_index(j)?)?)
                    }
                    _ => None,
                }
            }
            [root, k, ..] if root == "args" => {
                span_of(*self.global_arg_instructions.get(path_index(k)?)?)
            }
            _ => None,
        }
    }
}

fn instruction_input(ins: &Instruction) -> Value {
    let flags: Vec<Value> = ins
        .flags
        .iter()
        .map(|f| json!({"name": f.name, "value": f.value}))
        .collect();
    let pairs: Vec<Value> = ins
        .pairs
        .iter()
        .map(|p| json!({"key": p.key, "value": p.value}))
        .collect();
    let heredocs: Vec<Value> = ins
        .heredocs
        .iter()
        .map(|h| json!({"name": h.name, "content": h.content}))
        .collect();
    json!({
        "keyword": ins.keyword,
        "form": match ins.form { Form::Shell => "shell", Form::Json => "json" },
        "flags": flags,
        "value": ins.value,
        "args": ins.args,
        "expanded": ins.expanded,
        "pairs": pairs,
        "heredocs": heredocs,
        "line": ins.span.start.line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(l1: u32, c1: u32, l2: u32, c2: u32) -> Span {
        Span::new(Position::new(l1, c1), Position::new(l2, c2))
    }

    fn s(v: &str) -> String {
        v.to_string()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn pair(k: &str, v: Option<&str>) -> Pair {
        Pair {
            key: s(k),
            value: v.map(s),
        }
    }

    fn flag(n: &str, v: Option<&str>) -> Flag {
        Flag {
            name: s(n),
            value: v.map(s),
        }
    }

    fn heredoc(name: &str, content: &str, expand: bool, chomp: bool) -> Heredoc {
        Heredoc {
            name: s(name),
            content: s(content),
            expand,
            chomp,
        }
    }

    /// The single instruction with `keyword` (panics in tests only).
    fn only<'a>(df: &'a Dockerfile, keyword: &str) -> &'a Instruction {
        let found: Vec<&Instruction> = df
            .instructions
            .iter()
            .filter(|i| i.keyword == keyword)
            .collect();
        assert_eq!(found.len(), 1, "expected one {keyword} in {df:#?}");
        found[0]
    }

    fn messages(df: &Dockerfile) -> Vec<String> {
        df.errors.iter().map(|e| e.message.clone()).collect()
    }

    fn keywords(df: &Dockerfile) -> Vec<String> {
        df.instructions.iter().map(|i| i.keyword.clone()).collect()
    }

    // ---- directives and escape character ----

    #[test]
    fn directives_at_top_are_read_case_insensitively() {
        let df = parse("# syntax=docker/dockerfile:1.7\n#  ESCAPE = `\nFROM a\nRUN x `\n  y\n");
        assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1.7"));
        assert_eq!(df.escape, '`');
        assert_eq!(only(&df, "RUN").value, "x   y");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn directives_after_blank_comment_or_instruction_are_plain_comments() {
        for text in [
            "\n# escape=`\nFROM a\n",
            "# hello\n# escape=`\nFROM a\n",
            "FROM a\n# escape=`\n",
            "# unknown=1\n# escape=`\nFROM a\n",
        ] {
            let df = parse(text);
            assert_eq!(df.escape, '\\', "{text:?}");
            assert!(df.errors.is_empty(), "{text:?}: {:?}", df.errors);
        }
    }

    #[test]
    fn duplicate_and_invalid_directives_are_errors() {
        let df = parse("# escape=`\n# escape=\\\nFROM a\n");
        assert_eq!(df.escape, '`');
        assert_eq!(
            df.errors,
            vec![DockerfileError {
                message: s("only one escape parser directive can be used"),
                span: sp(2, 1, 2, 11),
            }]
        );
        let df = parse("# escape=x\nFROM a\n");
        assert_eq!(df.escape, '\\');
        assert_eq!(
            messages(&df),
            vec![s("invalid escape token 'x': must be ` or \\")]
        );
    }

    #[test]
    fn backtick_escape_leaves_backslashes_alone() {
        let df = parse("# escape=`\nFROM mcr.microsoft.com/windows\nCOPY C:\\src\\ C:\\dst\\\nRUN dir `\n  c:\\\n");
        assert_eq!(only(&df, "COPY").args, strings(&["C:\\src\\", "C:\\dst\\"]));
        assert_eq!(only(&df, "RUN").value, "dir   c:\\");
    }

    // ---- lines, comments, continuations ----

    #[test]
    fn continuation_joins_lines_like_buildkit() {
        let text =
            "FROM a\nRUN apt-get install \\\n    sudo \\  \n\n   # dropped comment\n\t\n    curl\n";
        let df = parse(text);
        let run = only(&df, "RUN");
        assert_eq!(run.value, "apt-get install     sudo     curl");
        assert_eq!(run.args, vec![s("apt-get install     sudo     curl")]);
        assert_eq!(run.span, sp(2, 1, 7, 9));
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn comment_lines_are_skipped_but_hash_inside_an_instruction_is_kept() {
        let df = parse("# top\n  # indented\nFROM a # not a comment\nRUN echo hi # still args\n");
        assert_eq!(keywords(&df), vec!["FROM", "RUN"]);
        assert_eq!(only(&df, "RUN").value, "echo hi # still args");
        assert_eq!(only(&df, "FROM").span, sp(3, 1, 3, 23));
    }

    #[test]
    fn keywords_are_case_insensitive_and_stored_upper_case() {
        let df = parse("from a\nRun echo\ncOpY x y\n");
        assert_eq!(keywords(&df), vec!["FROM", "RUN", "COPY"]);
        assert!(df.errors.is_empty());
    }

    #[test]
    fn file_ending_in_a_continuation_keeps_the_instruction() {
        let df = parse("FROM a\nRUN echo \\");
        let run = only(&df, "RUN");
        assert_eq!(run.value, "echo");
        assert_eq!(run.span, sp(2, 1, 2, 11));
        let df = parse("FROM a\nRUN echo \\\n# only a comment\n\n");
        assert_eq!(only(&df, "RUN").span, sp(2, 1, 2, 11));
    }

    #[test]
    fn crlf_bom_and_tabs() {
        let df = parse("\u{feff}FROM a\r\nRUN x \\\r\n\ty\r\n\tUSER  me \r\n");
        assert_eq!(keywords(&df), vec!["FROM", "RUN", "USER"]);
        assert_eq!(df.instructions[0].span, sp(1, 1, 1, 7));
        assert_eq!(only(&df, "RUN").value, "x \ty");
        assert_eq!(only(&df, "RUN").span, sp(2, 1, 3, 3));
        assert_eq!(only(&df, "USER").span, sp(4, 2, 4, 10));
        assert_eq!(only(&df, "USER").args, vec![s("me")]);
    }

    #[test]
    fn bom_directive_is_still_a_directive() {
        let df = parse("\u{feff}# escape=`\r\nFROM a\r\n");
        assert_eq!(df.escape, '`');
    }

    // ---- flags ----

    #[test]
    fn flags_before_arguments_are_kept_in_order() {
        let df = parse(
            "FROM --platform=$BUILDPLATFORM golang AS b\n\
             RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=tok --network=none go build\n\
             COPY --link --from=b --chown=\"1000:1000\" /out /app\n",
        );
        let from = only(&df, "FROM");
        assert_eq!(from.flags, vec![flag("platform", Some("$BUILDPLATFORM"))]);
        assert_eq!(df.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
        let run = only(&df, "RUN");
        assert_eq!(
            run.flags,
            vec![
                flag("mount", Some("type=cache,target=/root/.cache")),
                flag("mount", Some("type=secret,id=tok")),
                flag("network", Some("none")),
            ]
        );
        assert_eq!(run.value, "go build");
        let copy = only(&df, "COPY");
        assert_eq!(
            copy.flags,
            vec![
                flag("link", None),
                flag("from", Some("b")),
                flag("chown", Some("1000:1000")),
            ]
        );
        assert_eq!(copy.args, strings(&["/out", "/app"]));
    }

    #[test]
    fn flags_stop_at_the_first_argument_or_a_lone_double_dash() {
        let df = parse("FROM a\nRUN echo --not-a-flag\nCOPY --link -- --odd /dst\n");
        let run = only(&df, "RUN");
        assert!(run.flags.is_empty());
        assert_eq!(run.value, "echo --not-a-flag");
        let copy = only(&df, "COPY");
        assert_eq!(copy.flags, vec![flag("link", None)]);
        assert_eq!(copy.args, strings(&["--odd", "/dst"]));
    }

    #[test]
    fn healthcheck_flags_and_forms() {
        let df = parse(
            "FROM a\nHEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/\n\
             HEALTHCHECK CMD [\"curl\", \"-f\", \"http://x\"]\nHEALTHCHECK NONE\n",
        );
        let hc = &df.instructions[1];
        assert_eq!(
            hc.flags,
            vec![flag("interval", Some("30s")), flag("timeout", Some("3s"))]
        );
        assert_eq!(hc.form, Form::Shell);
        assert_eq!(hc.args, vec![s("CMD curl -f http://localhost/")]);
        let hc = &df.instructions[2];
        assert_eq!(hc.form, Form::Json);
        assert_eq!(hc.args, strings(&["CMD", "curl", "-f", "http://x"]));
        assert_eq!(df.instructions[3].args, vec![s("NONE")]);
    }

    // ---- JSON form and args ----

    #[test]
    fn json_form_when_the_arguments_are_a_string_array() {
        let df = parse(
            "FROM a\nCMD [\"python\", \"-m\", \"app\"]\nENTRYPOINT [ \"tini\", \\\n \"--\" ]\n\
             RUN [\"a\", 1]\nCMD [not json]\nSHELL [\"/bin/bash\", \"-c\"]\nENV [\"x\"]\n\
             VOLUME [\"/data\"]\nRUN [\"sh\", \"-c\"] trailing\n",
        );
        let forms: Vec<(Form, Vec<String>)> = df.instructions[1..]
            .iter()
            .map(|i| (i.form, i.args.clone()))
            .collect();
        assert_eq!(
            forms,
            vec![
                (Form::Json, strings(&["python", "-m", "app"])),
                (Form::Json, strings(&["tini", "--"])),
                (Form::Shell, strings(&["[\"a\", 1]"])),
                (Form::Shell, strings(&["[not json]"])),
                (Form::Json, strings(&["/bin/bash", "-c"])),
                (Form::Shell, strings(&["[\"x\"]"])),
                (Form::Json, strings(&["/data"])),
                (Form::Shell, strings(&["[\"sh\", \"-c\"] trailing"])),
            ]
        );
        // ENV has no exec form: `["x"]` is read as a legacy key without a value.
        assert_eq!(messages(&df), vec![s("ENV must have two arguments")]);
    }

    #[test]
    fn args_split_on_whitespace_except_for_command_instructions() {
        let df = parse("FROM a\nEXPOSE 80/tcp  443\nRUN\nCMD echo   hi\nUSER 1000:1000\n");
        assert_eq!(df.instructions[1].args, strings(&["80/tcp", "443"]));
        assert!(df.instructions[2].args.is_empty());
        assert_eq!(df.instructions[2].value, "");
        assert_eq!(df.instructions[3].args, vec![s("echo   hi")]);
        assert_eq!(df.instructions[4].args, vec![s("1000:1000")]);
    }

    // ---- heredocs ----

    #[test]
    fn heredoc_body_belongs_to_the_instruction() {
        let df = parse("FROM a\nRUN <<EOF\napt-get update\n  echo $HOME\nEOF\nUSER app\n");
        let run = only(&df, "RUN");
        assert_eq!(run.value, "<<EOF");
        assert_eq!(
            run.heredocs,
            vec![heredoc(
                "EOF",
                "apt-get update\n  echo $HOME\n",
                true,
                false
            )]
        );
        assert_eq!(run.span, sp(2, 1, 5, 4));
        assert_eq!(only(&df, "USER").span, sp(6, 1, 6, 9));
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn heredoc_variants() {
        let text = "FROM a\n\
                    RUN <<-EOT\n\t\techo tab\n\tEOT\n\
                    RUN <<\"EOF\" bash\necho \"$X\"\nEOF\n\
                    RUN <<'EOF'\n'quoted'\nEOF\n\
                    RUN <<A cat <<-B > /x\na\nA\n\tb\n\tB\n\
                    COPY --chmod=755 <<EOF /usr/local/bin/run.sh\n#!/bin/sh\nexec app\nEOF\n\
                    RUN cat <<<here-string\n\
                    RUN [\"cat\", \"<<EOF\"]\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let docs: Vec<Vec<Heredoc>> = df.instructions[1..]
            .iter()
            .map(|i| i.heredocs.clone())
            .collect();
        assert_eq!(
            docs,
            vec![
                vec![heredoc("EOT", "echo tab\n", true, true)],
                vec![heredoc("EOF", "echo \"$X\"\n", false, false)],
                vec![heredoc("EOF", "'quoted'\n", false, false)],
                vec![
                    heredoc("A", "a\n", true, false),
                    heredoc("B", "b\n", true, true),
                ],
                vec![heredoc("EOF", "#!/bin/sh\nexec app\n", true, false)],
                vec![],
                vec![],
            ]
        );
        let copy = only(&df, "COPY");
        assert_eq!(copy.args, strings(&["<<EOF", "/usr/local/bin/run.sh"]));
        assert_eq!(copy.flags, vec![flag("chmod", Some("755"))]);
        assert_eq!(copy.span, sp(16, 1, 19, 4));
        assert_eq!(df.instructions[4].span, sp(11, 1, 15, 3));
    }

    #[test]
    fn heredoc_body_keeps_comment_like_and_blank_lines() {
        let df = parse("FROM a\nRUN <<EOF\n# not a comment\n\nFROM b\nEOF\n");
        assert_eq!(df.stages.len(), 1);
        assert_eq!(
            only(&df, "RUN").heredocs,
            vec![heredoc("EOF", "# not a comment\n\nFROM b\n", true, false)]
        );
    }

    #[test]
    fn onbuild_heredoc() {
        let df = parse("FROM a\nONBUILD RUN <<EOF\necho\nEOF\nUSER x\n");
        assert_eq!(keywords(&df), vec!["FROM", "ONBUILD", "USER"]);
        assert_eq!(
            df.instructions[1].heredocs,
            vec![heredoc("EOF", "echo\n", true, false)]
        );
    }

    #[test]
    fn unterminated_heredoc_is_an_error_and_parsing_resumes_after_the_line() {
        // The terminator has a trailing space, so it does not count (as in BuildKit).
        let df = parse("FROM a\nRUN <<EOF\necho hi\nEOF \nUSER app\n");
        assert_eq!(
            df.errors,
            vec![
                DockerfileError {
                    message: s("unterminated heredoc EOF"),
                    span: sp(2, 1, 2, 10),
                },
                DockerfileError {
                    message: s("unknown instruction: echo"),
                    span: sp(3, 1, 3, 8),
                },
                DockerfileError {
                    message: s("unknown instruction: EOF"),
                    span: sp(4, 1, 4, 4),
                },
            ]
        );
        assert!(only(&df, "RUN").heredocs.is_empty());
        assert_eq!(only(&df, "USER").span, sp(5, 1, 5, 9));
        assert_eq!(df.stages[0].instructions, vec![0, 1, 2]);
    }

    #[test]
    fn heredoc_terminator_must_follow_and_match_exactly() {
        let df = parse("FROM a\nEOF\nRUN <<EOF\n\tEOF\nEOF\nRUN <<-X\n  X\n\t\tX\n");
        assert_eq!(messages(&df), vec![s("unknown instruction: EOF")]);
        let runs: Vec<(Vec<Heredoc>, Span)> = df
            .instructions
            .iter()
            .filter(|i| i.keyword == "RUN")
            .map(|i| (i.heredocs.clone(), i.span))
            .collect();
        assert_eq!(
            runs,
            vec![
                (vec![heredoc("EOF", "\tEOF\n", true, false)], sp(3, 1, 5, 4)),
                (vec![heredoc("X", "  X\n", true, true)], sp(6, 1, 8, 4)),
            ]
        );
    }

    #[test]
    fn empty_heredoc_and_heredoc_at_end_of_file() {
        let df = parse("FROM a\nRUN <<EOF\nEOF");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(
            only(&df, "RUN").heredocs,
            vec![heredoc("EOF", "", true, false)]
        );
        assert_eq!(only(&df, "RUN").span, sp(2, 1, 3, 4));
    }

    #[test]
    fn many_unterminated_heredocs_stay_linear() {
        let started = std::time::Instant::now();
        let mut text = String::from("FROM a\n");
        for n in 0..20_000 {
            text.push_str(&format!("RUN <<EOF{n}\n"));
        }
        let df = parse(&text);
        assert_eq!(df.errors.len(), 20_000);
        assert_eq!(df.instructions.len(), 20_001);
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    // ---- ENV / ARG / LABEL ----

    #[test]
    fn env_pairs_new_and_legacy_syntax() {
        let df = parse(
            "FROM a\nENV A=1 B=\"x y\" C='$A' D=a\\ b E=\\\"q\\\" F=\n\
             ENV KEY value with  spaces\nENV G \"quoted value\"\n",
        );
        assert_eq!(
            df.instructions[1].pairs,
            vec![
                pair("A", Some("1")),
                pair("B", Some("x y")),
                pair("C", Some("$A")),
                pair("D", Some("a b")),
                pair("E", Some("\"q\"")),
                pair("F", Some("")),
            ]
        );
        assert_eq!(
            df.instructions[2].pairs,
            vec![pair("KEY", Some("value with  spaces"))]
        );
        assert_eq!(
            df.instructions[3].pairs,
            vec![pair("G", Some("quoted value"))]
        );
        assert!(df.errors.is_empty(), "{:?}", df.errors);
    }

    #[test]
    fn env_and_label_syntax_errors_are_reported() {
        let df = parse("FROM a\nENV A=1 B\nENV ONLYKEY\nLABEL\nUSER u\n");
        assert_eq!(
            messages(&df),
            vec![
                s("syntax error: can't find = in \"B\", must be of the form name=value"),
                s("ENV must have two arguments"),
                s("LABEL requires at least one argument"),
            ]
        );
        assert_eq!(df.errors[0].span, sp(2, 1, 2, 10));
        assert_eq!(df.instructions[1].pairs, vec![pair("A", Some("1"))]);
        assert_eq!(keywords(&df), vec!["FROM", "ENV", "ENV", "LABEL", "USER"]);
    }

    #[test]
    fn arg_pairs() {
        let df = parse("ARG A B=2 C=\nFROM x\nARG D=\"d d\" E\n");
        assert_eq!(
            df.instructions[0].pairs,
            vec![pair("A", None), pair("B", Some("2")), pair("C", Some(""))]
        );
        assert_eq!(df.global_args, df.instructions[0].pairs);
        assert_eq!(df.global_arg_instructions, vec![0, 0, 0]);
        assert_eq!(
            df.instructions[2].pairs,
            vec![pair("D", Some("d d")), pair("E", None)]
        );
    }

    #[test]
    fn label_pairs_with_quoted_keys_and_continuations() {
        let df = parse(
            "FROM a\nLABEL \"org.opencontainers.image.title\"=\"My app\" \\\n      version=1.0 \\\n      maintainer='me <me@x.fr>'\n",
        );
        assert_eq!(
            only(&df, "LABEL").pairs,
            vec![
                pair("org.opencontainers.image.title", Some("My app")),
                pair("version", Some("1.0")),
                pair("maintainer", Some("me <me@x.fr>")),
            ]
        );
        assert_eq!(only(&df, "LABEL").span, sp(2, 1, 4, 32));
    }

    // ---- stages ----

    #[test]
    fn stages_names_refs_scratch_and_platform() {
        let text = "ARG BASE=alpine:3.20\nARG PLAT=linux/amd64\n\
                    FROM --platform=${PLAT} ${BASE} AS Build\nRUN make\n\
                    FROM scratch AS out\nCOPY --from=build /bin/app /app\n\
                    FROM BUILD\nFROM later\nFROM x AS later\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(
            df.stages,
            vec![
                Stage {
                    index: 0,
                    name: Some(s("Build")),
                    image: s("alpine:3.20"),
                    raw_image: s("${BASE}"),
                    stage_ref: None,
                    scratch: false,
                    platform: Some(s("linux/amd64")),
                    instructions: vec![2, 3],
                },
                Stage {
                    index: 1,
                    name: Some(s("out")),
                    image: s("scratch"),
                    raw_image: s("scratch"),
                    stage_ref: None,
                    scratch: true,
                    platform: None,
                    instructions: vec![4, 5],
                },
                Stage {
                    index: 2,
                    name: None,
                    image: s("BUILD"),
                    raw_image: s("BUILD"),
                    stage_ref: Some(0),
                    scratch: false,
                    platform: None,
                    instructions: vec![6],
                },
                Stage {
                    index: 3,
                    name: None,
                    image: s("later"),
                    raw_image: s("later"),
                    stage_ref: None,
                    scratch: false,
                    platform: None,
                    instructions: vec![7],
                },
                Stage {
                    index: 4,
                    name: Some(s("later")),
                    image: s("x"),
                    raw_image: s("x"),
                    stage_ref: None,
                    scratch: false,
                    platform: None,
                    instructions: vec![8],
                },
            ]
        );
        assert_eq!(
            df.global_args,
            vec![
                pair("BASE", Some("alpine:3.20")),
                pair("PLAT", Some("linux/amd64"))
            ]
        );
    }

    #[test]
    fn from_argument_errors() {
        let df = parse("FROM\nRUN a\nFROM x AS\nFROM y z w\nFROM a AS n\nFROM b as N\n");
        assert_eq!(
            messages(&df),
            vec![
                s("FROM requires an image"),
                s("FROM requires either one argument, or three: FROM <image> AS <name>"),
                s("FROM requires either one argument, or three: FROM <image> AS <name>"),
                s("duplicate stage name N"),
            ]
        );
        assert_eq!(df.errors[0].span, sp(1, 1, 1, 5));
        // The image-less FROM still opens a stage so the RUN is not misattributed.
        assert_eq!(df.stages[0].instructions, vec![0, 1]);
        assert_eq!(df.stages[0].image, "");
        assert_eq!(df.stages.len(), 5);
    }

    // ---- expansion ----

    #[test]
    fn from_expands_only_global_arg_defaults() {
        let df = parse(
            "ARG REG=registry.example.fr\nARG TAG\nARG IMG=${REG}/app\n\
             FROM $IMG:${TAG:-latest}\nENV REG=other\nFROM ${REG}/b:$TAG\n",
        );
        assert_eq!(
            df.global_args[2],
            pair("IMG", Some("registry.example.fr/app"))
        );
        assert_eq!(df.stages[0].image, "registry.example.fr/app:latest");
        assert_eq!(df.stages[1].image, "registry.example.fr/b:$TAG");
        assert_eq!(df.stages[1].raw_image, "${REG}/b:$TAG");
    }

    #[test]
    fn from_expands_undeclared_variables_to_nothing_but_keeps_platform_args() {
        let df = parse(
            "ARG TAG\nFROM alpine$UNSET\nFROM alpine:${VERSION}\nFROM alpine:$TAG\n\
             FROM --platform=$BUILDPLATFORM golang:1.22-$TARGETARCH\nFROM ${NOPE:-debian}:12\n",
        );
        let images: Vec<&str> = df.stages.iter().map(|s| s.image.as_str()).collect();
        assert_eq!(
            images,
            vec![
                "alpine",
                "alpine:",
                "alpine:$TAG",
                "golang:1.22-$TARGETARCH",
                "debian:12"
            ]
        );
        assert_eq!(df.stages[3].platform.as_deref(), Some("$BUILDPLATFORM"));
        // Only FROM lines: elsewhere an unknown variable stays as written.
        let df = parse("FROM a\nWORKDIR /x/$UNSET\n");
        assert_eq!(only(&df, "WORKDIR").expanded, vec![s("/x/$UNSET")]);
    }

    #[test]
    fn stage_scope_args_and_env() {
        let text = "ARG G=global\nARG H=hidden\nFROM a\nARG G\nARG L=local\n\
                    ENV E=env-$L\nWORKDIR /$G/$H/$L/$E/${E}x/$UNKNOWN/${UNKNOWN}\n\
                    ENV E=second F=$E\nLABEL f=$F e=$E\nRUN echo $G\n";
        let df = parse(text);
        let workdir = only(&df, "WORKDIR");
        assert_eq!(
            workdir.expanded,
            vec![s(
                "/global/$H/local/env-local/env-localx/$UNKNOWN/${UNKNOWN}"
            )]
        );
        assert_eq!(
            df.instructions[7].pairs,
            vec![pair("E", Some("second")), pair("F", Some("env-local"))]
        );
        assert_eq!(
            only(&df, "LABEL").pairs,
            vec![pair("f", Some("env-local")), pair("e", Some("second"))]
        );
        let run = only(&df, "RUN");
        assert_eq!(run.expanded, run.args);
        assert_eq!(run.expanded, vec![s("echo $G")]);
    }

    #[test]
    fn expansion_operators() {
        let text = "FROM a\nARG SET=v EMPTY=\nARG NOVALUE\n\
                    WORKDIR ${SET:-d}|${UNSET:-d}|${EMPTY:-d}|${EMPTY-d}|${NOVALUE:-d}|${SET:+alt}|${UNSET:+alt}|${EMPTY:+alt}|${EMPTY+alt}|${UNSET-$SET}|${UNSET:-${ALSO:-deep}}|${SET#x}|$|${|${SET\n";
        let df = parse(text);
        assert_eq!(
            only(&df, "WORKDIR").expanded,
            vec![s("v|d|d||d|alt|||alt|v|deep|${SET#x}|$|${|${SET")]
        );
    }

    #[test]
    fn escaped_dollar_and_single_quotes_are_not_expanded() {
        let df =
            parse("FROM a\nENV A=1\nENV B=\\$A C='$A' D=\"$A\" E=\"\\$A\"\nUSER \\$A '$A' $A\n");
        assert_eq!(
            df.instructions[2].pairs,
            vec![
                pair("B", Some("$A")),
                pair("C", Some("$A")),
                pair("D", Some("1")),
                pair("E", Some("$A")),
            ]
        );
        assert_eq!(only(&df, "USER").expanded, strings(&["\\$A", "'$A'", "1"]));
    }

    #[test]
    fn env_wins_over_a_later_arg_and_is_inherited_by_child_stages() {
        let text = "FROM a AS base\nENV V=env\nARG V=arg\nARG W=warg\nWORKDIR /$V\n\
                    FROM base\nWORKDIR /$V/$W\nFROM a\nWORKDIR /$V\n";
        let df = parse(text);
        let dirs: Vec<String> = df
            .instructions
            .iter()
            .filter(|i| i.keyword == "WORKDIR")
            .map(|i| i.expanded.join(" "))
            .collect();
        assert_eq!(dirs, vec![s("/env"), s("/env/$W"), s("/$V")]);
    }

    #[test]
    fn cmd_entrypoint_and_exec_forms_are_never_expanded() {
        let df = parse(
            "FROM a\nENV X=1\nCMD [\"echo\", \"$X\"]\nENTRYPOINT echo $X\nCOPY [\"$X\", \"/d\"]\n",
        );
        assert_eq!(df.instructions[2].expanded, strings(&["echo", "$X"]));
        assert_eq!(df.instructions[3].expanded, strings(&["echo $X"]));
        // COPY is expanded by Docker in both forms.
        assert_eq!(df.instructions[4].expanded, strings(&["1", "/d"]));
    }

    #[test]
    fn deeply_nested_expansion_is_bounded() {
        let depth = 5000;
        let word = format!("{}x{}", "${U:-".repeat(depth), "}".repeat(depth));
        let df = parse(&format!("FROM a\nWORKDIR {word}\n"));
        let expanded = &only(&df, "WORKDIR").expanded[0];
        assert!(expanded.ends_with('}'));
        assert!(expanded.len() < word.len());
        let unbalanced = "${A:-".repeat(20_000);
        let df = parse(&format!("FROM a\nWORKDIR {unbalanced}\n"));
        assert_eq!(only(&df, "WORKDIR").expanded, vec![unbalanced]);
    }

    // ---- errors and recovery ----

    #[test]
    fn unknown_instruction_in_the_middle_is_skipped() {
        let df = parse("FROM a\nRUN ok\nFOO bar \\\n  baz\n  COPY a b\n");
        assert_eq!(
            df.errors,
            vec![DockerfileError {
                message: s("unknown instruction: FOO"),
                span: sp(3, 1, 4, 6),
            }]
        );
        assert_eq!(keywords(&df), vec!["FROM", "RUN", "COPY"]);
        assert_eq!(only(&df, "COPY").span, sp(5, 3, 5, 11));
        assert_eq!(df.stages[0].instructions, vec![0, 1, 2]);
    }

    #[test]
    fn instructions_before_the_first_from() {
        let df = parse("# c\nARG A=1\nRUN echo\nFROM a\n");
        assert_eq!(
            df.errors,
            vec![DockerfileError {
                message: s("RUN instruction before the first FROM"),
                span: sp(3, 1, 3, 9),
            }]
        );
        assert_eq!(keywords(&df), vec!["ARG", "RUN", "FROM"]);
        assert_eq!(df.stages[0].instructions, vec![2]);
        assert_eq!(df.global_args, vec![pair("A", Some("1"))]);
    }

    #[test]
    fn files_without_from() {
        for text in ["", "\n\n", "# just a comment\n", "\u{feff}", "ARG A=1\n"] {
            let df = parse(text);
            assert_eq!(messages(&df), vec![s("no FROM instruction")], "{text:?}");
            assert_eq!(df.errors[0].span, sp(1, 1, 1, 1));
            assert!(df.stages.is_empty());
        }
    }

    // ---- spans ----

    #[test]
    fn spans_count_characters_not_bytes() {
        let df = parse("FROM a\n\t  LABEL désc=\"été\" \\\n   ü=1\nRUN é\n");
        assert_eq!(df.instructions[1].span, sp(2, 4, 3, 7));
        assert_eq!(df.instructions[2].span, sp(4, 1, 4, 6));
        assert_eq!(
            df.instructions[1].pairs,
            vec![pair("désc", Some("été")), pair("ü", Some("1"))]
        );
    }

    // ---- Rego input and paths ----

    #[test]
    fn to_input_has_the_contract_shape() {
        let text = "ARG BASE=python:3.12\nARG V\nFROM ${BASE}-slim AS builder\n\
                    RUN --mount=type=cache,target=/root/.cache <<EOF\npip install x\nEOF\n\
                    FROM builder\nENV A=1\nCMD [\"app\"]\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let expected = json!({
            "args": [
                {"name": "BASE", "value": "python:3.12"},
                {"name": "V", "value": null}
            ],
            "stages": [
                {
                    "index": 0, "name": "builder", "final": false,
                    "from": {"image": "python:3.12-slim", "raw": "${BASE}-slim", "stage": null,
                             "scratch": false, "platform": null},
                    "instructions": [
                        {"keyword": "FROM", "form": "shell", "flags": [],
                         "value": "${BASE}-slim AS builder",
                         "args": ["${BASE}-slim", "AS", "builder"],
                         "expanded": ["python:3.12-slim", "AS", "builder"],
                         "pairs": [], "heredocs": [], "line": 3},
                        {"keyword": "RUN", "form": "shell",
                         "flags": [{"name": "mount", "value": "type=cache,target=/root/.cache"}],
                         "value": "<<EOF", "args": ["<<EOF"], "expanded": ["<<EOF"],
                         "pairs": [], "heredocs": [{"name": "EOF", "content": "pip install x\n"}],
                         "line": 4}
                    ]
                },
                {
                    "index": 1, "name": null, "final": true,
                    "from": {"image": "builder", "raw": "builder", "stage": 0,
                             "scratch": false, "platform": null},
                    "instructions": [
                        {"keyword": "FROM", "form": "shell", "flags": [], "value": "builder",
                         "args": ["builder"], "expanded": ["builder"], "pairs": [],
                         "heredocs": [], "line": 7},
                        {"keyword": "ENV", "form": "shell", "flags": [], "value": "A=1",
                         "args": ["A=1"], "expanded": ["A=1"],
                         "pairs": [{"key": "A", "value": "1"}], "heredocs": [], "line": 8},
                        {"keyword": "CMD", "form": "json", "flags": [], "value": "[\"app\"]",
                         "args": ["app"], "expanded": ["app"], "pairs": [], "heredocs": [],
                         "line": 9}
                    ]
                }
            ]
        });
        assert_eq!(df.to_input(), expected);
        // Key order is part of what rule authors see when they print the input.
        assert_eq!(
            serde_json::to_string(&df.to_input()).ok(),
            serde_json::to_string(&expected).ok()
        );
        assert_eq!(parse("").to_input(), json!({"args": [], "stages": []}));
    }

    #[test]
    fn span_for_path_resolves_rule_paths() {
        let text = "ARG A=1 B=2\nARG C\nFROM a\nRUN x \\\n  y\nFROM b\nUSER u\n";
        let df = parse(text);
        let from0 = sp(3, 1, 3, 7);
        let run = sp(4, 1, 5, 4);
        let user = sp(7, 1, 7, 7);
        let cases: Vec<(Value, Option<Span>)> = vec![
            (json!(["stages", 0]), Some(from0)),
            (json!(["stages", 0, "from", "image"]), Some(from0)),
            (json!(["stages", 0, "instructions", 1]), Some(run)),
            (
                json!(["stages", 0, "instructions", 1, "args", 0]),
                Some(run),
            ),
            (json!(["stages", "1", "instructions", "1"]), Some(user)),
            (json!(["stages", 1, "instructions", 5]), None),
            (json!(["stages", 9]), None),
            (json!(["stages", -1]), None),
            (json!(["stages", 0, "name"]), None),
            (json!(["args", 1, "value"]), Some(sp(1, 1, 1, 12))),
            (json!(["args", 2]), Some(sp(2, 1, 2, 6))),
            (json!(["args", 3]), None),
            (json!(["other", 0]), None),
            (json!([]), None),
            (json!(["stages"]), None),
        ];
        for (path, want) in cases {
            let path = path.as_array().cloned().unwrap_or_default();
            assert_eq!(df.span_for_path(&path), want, "{path:?}");
        }
    }

    // ---- robustness ----

    const REALISTIC: &str = "\u{feff}# syntax=docker/dockerfile:1.7\n# escape=\\\n\n\
ARG PYTHON=3.12\nARG REGISTRY=registry.example.fr\n\
FROM --platform=$BUILDPLATFORM ${REGISTRY}/python:${PYTHON}-slim AS builder\r\n\
ARG PYTHON\nENV PIP_NO_CACHE_DIR=1 APP=\"my app\" \\\n    HOME=/home/app\n\
RUN --mount=type=cache,target=/root/.cache \\\n    apt-get update && \\\n# comment\n\n    apt-get install -y curl\n\
COPY --chown=app:app requirements.txt ./\n\
RUN <<-EOF\n\tpip install -r requirements.txt\n\tEOF\n\
COPY <<'CONF' /etc/app.conf\nname=$APP\nCONF\n\
LABEL org.opencontainers.image.title=\"App\" version='1.0'\n\
HEALTHCHECK --interval=30s CMD [\"curl\", \"-f\", \"http://localhost\"]\n\
FROM scratch\nCOPY --from=builder /app /app\nUSER 1000:1000\nEXPOSE 8080\n\
ENTRYPOINT [\"/app/run\"]\nCMD --help\nONBUILD RUN echo `\n";

    /// Exercises everything a caller would touch, so a panic anywhere surfaces.
    fn exercise(text: &str) {
        let df = parse(text);
        let input = df.to_input();
        assert!(input.get("stages").is_some());
        for (i, stage) in df.stages.iter().enumerate() {
            assert!(df.span_for_path(&[json!("stages"), json!(i)]).is_some());
            for j in 0..stage.instructions.len() {
                let path = [json!("stages"), json!(i), json!("instructions"), json!(j)];
                assert!(df.span_for_path(&path).is_some());
            }
        }
        for ins in &df.instructions {
            assert!(ins.span.start <= ins.span.end, "{ins:?}");
            assert!(ins.span.start.line >= 1 && ins.span.start.column >= 1);
        }
    }

    #[test]
    fn realistic_file_parses_cleanly() {
        let df = parse(REALISTIC);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1.7"));
        assert_eq!(df.stages.len(), 2);
        assert_eq!(df.stages[0].image, "registry.example.fr/python:3.12-slim");
        assert_eq!(df.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
        assert_eq!(df.stages[1].instructions.len(), 7);
        assert_eq!(
            keywords(&df),
            vec![
                "ARG",
                "ARG",
                "FROM",
                "ARG",
                "ENV",
                "RUN",
                "COPY",
                "RUN",
                "COPY",
                "LABEL",
                "HEALTHCHECK",
                "FROM",
                "COPY",
                "USER",
                "EXPOSE",
                "ENTRYPOINT",
                "CMD",
                "ONBUILD"
            ]
        );
        assert_eq!(
            df.instructions[5].value,
            "apt-get update &&     apt-get install -y curl"
        );
        assert_eq!(df.instructions[5].span, sp(10, 1, 14, 28));
        assert_eq!(df.instructions[8].heredocs[0].content, "name=$APP\n");
        // BuildKit reads a leading `--word` as a flag on any instruction.
        assert!(df.instructions[16].args.is_empty());
        assert_eq!(df.instructions[16].flags, vec![flag("help", None)]);
        exercise(REALISTIC);
    }

    #[test]
    fn every_truncation_of_a_realistic_file_is_handled() {
        for (at, _) in REALISTIC.char_indices() {
            exercise(&REALISTIC[..at]);
            exercise(&REALISTIC[at..]);
        }
    }

    /// Deterministic xorshift so the fuzz test needs no extra crate and is reproducible.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn random_inputs_never_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let pieces = [
            "FROM ",
            "RUN ",
            "ARG ",
            "ENV ",
            "COPY ",
            "HEALTHCHECK ",
            "ONBUILD ",
            "AS ",
            "--",
            "=",
            "\"",
            "'",
            "\\",
            "`",
            "$",
            "${",
            "}",
            ":-",
            ":+",
            "<<",
            "<<-",
            "EOF",
            "\n",
            "\r\n",
            "\t",
            " ",
            "#",
            "# escape=`\n",
            "[",
            "]",
            ",",
            "é",
            "\u{feff}",
            "scratch",
            "x",
            "\u{0}",
            "--mount=type=cache",
            "\\\n",
        ];
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..rng.below(60) {
                text.push_str(pieces[rng.below(pieces.len())]);
            }
            exercise(&text);
        }
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
            exercise(&String::from_utf8_lossy(&bytes));
        }
        let source: Vec<char> = REALISTIC.chars().collect();
        for _ in 0..2000 {
            let mut chars = source.clone();
            for _ in 0..rng.below(8) + 1 {
                let at = rng.below(chars.len());
                match rng.below(3) {
                    0 => {
                        chars.remove(at);
                    }
                    1 => chars.insert(
                        at,
                        pieces[rng.below(pieces.len())]
                            .chars()
                            .next()
                            .unwrap_or('x'),
                    ),
                    _ => {
                        let other = rng.below(chars.len());
                        chars.swap(at, other);
                    }
                }
            }
            exercise(&chars.into_iter().collect::<String>());
        }
    }

    #[test]
    fn long_lines_and_many_instructions_parse_quickly() {
        let started = std::time::Instant::now();
        let mut text = String::from("ARG V=1\nFROM base:$V AS s0\n");
        for n in 0..10_000 {
            match n % 4 {
                0 => text.push_str(&format!("ENV K{n}=v{n}\n")),
                1 => text.push_str(&format!("RUN echo {n} \\\n  && true\n")),
                2 => text.push_str(&format!("COPY <<EOF /f{n}\nline\nEOF\n")),
                _ => text.push_str(&format!("WORKDIR /w/$K{}\n", n - 3)),
            }
        }
        let long = "x".repeat(1_000_000);
        text.push_str(&format!("LABEL long={long}\nRUN {long} \\\n"));
        let df = parse(&text);
        assert!(df.errors.is_empty(), "{:?}", df.errors.first());
        assert_eq!(df.instructions.len(), 10_004);
        assert_eq!(df.stages[0].instructions.len(), 10_003);
        let last_workdir = &df.instructions[10_001];
        assert_eq!(last_workdir.expanded, vec![s("/w/v9996")]);
        assert_eq!(df.instructions[10_003].span.end.column, 1_000_007);
        let input = df.to_input();
        assert!(input["stages"][0]["instructions"]
            .as_array()
            .is_some_and(|a| a.len() == 10_003));
        // Generous for an unoptimised build on a shared machine; quadratic behaviour would take minutes.
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    #[test]
    fn many_stages_referencing_each_other() {
        let started = std::time::Instant::now();
        let mut text = String::new();
        for n in 0..3000 {
            if n == 0 {
                text.push_str("FROM base AS s0\n");
            } else {
                text.push_str(&format!("FROM S{} AS s{n}\n", n - 1));
            }
            text.push_str(&format!("ENV V{n}={n}\nUSER $V{n}-$V0\n"));
        }
        let df = parse(&text);
        assert!(df.errors.is_empty());
        assert_eq!(df.stages.len(), 3000);
        assert_eq!(df.stages[2999].stage_ref, Some(2998));
        let users: Vec<String> = df
            .instructions
            .iter()
            .filter(|i| i.keyword == "USER")
            .map(|i| i.expanded.join(" "))
            .collect();
        assert_eq!(users[1], "1-0");
        assert_eq!(users[64], "64-0");
        // Inheritance is followed a bounded number of links, so far ancestors are out of view.
        assert_eq!(users[2999], "2999-$V0");
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    #[test]
    fn lone_escape_lines_are_ignored() {
        let df = parse("FROM a\n\\\n\n  \\\nUSER x\n\\");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(keywords(&df), vec!["FROM", "USER"]);
    }
}
