//! YAML loader with positions: one pass over saphyr-parser's events builds every document's
//! value together with the span of every node and every mapping key. Plain scalars are resolved
//! the way Kubernetes reads them (YAML 1.1 as in go-yaml v2: `yes`/`on` are booleans, `0644`
//! is octal), anchors, aliases and `<<` merge keys are applied, duplicate keys are reported,
//! and alias expansion and nesting depth are bounded so hostile input is an error, not an
//! out-of-memory. A syntax error ends its document only: loading resumes at the next `---`.
//! It reads no files and never panics on input.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as SaphyrSpan, Tag};

use crate::span::{Position, Span};

/// A YAML node: its value and where it stands in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// A mapping entry. Keys are strings, as Kubernetes turns YAML into JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One document of a stream.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlDocument {
    /// 0-based position of the document in its file.
    pub index: usize,
    pub root: Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    Syntax,
    DuplicateKey,
    /// Alias expansion or nesting beyond the loader's limits.
    Limit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub span: Span,
}

/// Bounds that keep hostile input (billion laughs, deep nesting) from exhausting memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    /// Nodes that alias expansion may create in one document.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 200,
            max_alias_nodes: 1_000_000,
        }
    }
}

/// Everything a file yielded: the documents that loaded and the errors met on the way.
#[derive(Debug, Default)]
pub struct YamlStream {
    pub documents: Vec<YamlDocument>,
    pub errors: Vec<YamlError>,
}

/// Loads every document of `text`.
pub fn load(text: &str, limits: Limits) -> YamlStream {
    let mut stream = load_strict(text, limits);
    if stream
        .errors
        .iter()
        .any(|e| e.kind == YamlErrorKind::Syntax)
    {
        if let Some(repaired) = lenient_text(text) {
            stream = load_strict(&repaired, limits);
        }
    }
    refuse_tab_after_dash(text, &mut stream);
    stream
}

/// go-yaml (so Kubernetes' decoder) refuses a tab among the blanks after a block sequence's
/// `-` (`-<TAB>a`, `- <TAB># note`, `-<TAB>` alone: "found character that cannot start any
/// token"), where saphyr, following YAML 1.2, reads it as a separator. The document holding one
/// is refused, as kubectl refuses it. A `-` inside a scalar (a block scalar's shell script) is
/// no indicator and is left alone.
fn refuse_tab_after_dash(text: &str, stream: &mut YamlStream) {
    let mut suspects: Vec<Position> = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        if !line.contains('\t') {
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut i = chars.iter().take_while(|c| **c == ' ').count();
        while chars.get(i) == Some(&'-') && matches!(chars.get(i + 1), Some(' ' | '\t')) {
            let blanks = i + 1;
            i = blanks;
            while matches!(chars.get(i), Some(' ' | '\t')) {
                i += 1;
            }
            if let Some(tab) = chars[blanks..i].iter().position(|c| *c == '\t') {
                let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
                let column = u32::try_from(blanks + tab + 1).unwrap_or(u32::MAX);
                suspects.push(Position::new(line, column));
                break;
            }
        }
    }
    if suspects.is_empty() {
        return;
    }
    let mut refused = Vec::new();
    for tab in suspects {
        // The document it belongs to: the last one starting before it.
        let Some(index) = stream
            .documents
            .iter()
            .rposition(|d| d.root.span.start <= tab)
        else {
            continue;
        };
        if inside_scalar(&stream.documents[index].root, tab) {
            continue;
        }
        stream.documents.remove(index);
        refused.push(YamlError {
            kind: YamlErrorKind::Syntax,
            message: "found character that cannot start any token (a tab after `-`)".into(),
            span: Span::new(tab, Position::new(tab.line, tab.column + 1)),
        });
    }
    stream.errors.extend(refused);
    stream.errors.sort_by_key(|e| e.span);
}

fn inside_scalar(node: &Node, at: Position) -> bool {
    if at < node.span.start || at >= node.span.end {
        return false;
    }
    match &node.value {
        Value::Seq(items) => items.iter().any(|n| inside_scalar(n, at)),
        Value::Map(entries) => entries.iter().any(|e| inside_scalar(&e.value, at)),
        _ => true,
    }
}

/// How many places `lenient_text` rewrites at most (each costs one parse of the file).
const MAX_REPAIRS: usize = 64;

/// go-yaml (so Kubernetes' decoder) accepts a few constructs that saphyr refuses. This rewrites
/// them, one parse error at a time, into what saphyr reads the same way go-yaml does, without
/// moving any line and without changing any value:
/// - a continuation line of a quoted scalar indented less than its block (`"echo one \` then
///   `two"` at the margin): the line is indented; quoted scalars drop a continuation line's
///   leading blanks, so the value is the same (only columns after it on that line move);
/// - a tab separating a value from its `:` (`name:<TAB>A`) or flow items: it becomes a space,
///   same width (go-yaml refuses one after `-`, and so do we).
///
/// Returns `None` when the first error is of another kind (the error stands as saphyr gives it).
fn lenient_text(text: &str) -> Option<String> {
    let mut current = text.to_string();
    let mut changed = false;
    for _ in 0..MAX_REPAIRS {
        let Some(error) = first_scan_error(&current) else {
            break;
        };
        let line = error.marker().line();
        let col = error.marker().col();
        let info = error.info();
        let repaired = if info == "invalid indentation in quoted scalar" {
            indent_quoted_continuations(&current, line, col)
        } else if info.contains("tab") || info.contains("valid YAML whitespace") {
            tabs_to_spaces_after_indicators(&current, line)
        } else {
            None
        };
        match repaired {
            Some(next) if next != current => {
                current = next;
                changed = true;
            }
            _ => break,
        }
    }
    changed.then_some(current)
}

fn first_scan_error(text: &str) -> Option<ScanError> {
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        if let Err(e) = next {
            return Some(e);
        }
    }
    None
}

/// Indents the continuation lines of the quoted scalar that starts at 1-based `line`, 0-based
/// character column `col`, one column deeper than the line it starts on.
fn indent_quoted_continuations(text: &str, line: usize, col: usize) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let first = *lines.get(line.checked_sub(1)?)?;
    let quote = first.chars().nth(col)?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let target = first.chars().take_while(|c| *c == ' ').count() + 1;
    let mut closing = None;
    let mut escaped = false;
    'lines: for (i, l) in lines.iter().enumerate().skip(line - 1) {
        let skip = if i == line - 1 { col + 1 } else { 0 };
        let chars: Vec<char> = l.chars().skip(skip).collect();
        let mut k = 0;
        while let Some(&c) = chars.get(k) {
            if quote == '"' {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    closing = Some(i);
                    break 'lines;
                }
            } else if c == '\'' {
                if chars.get(k + 1) == Some(&'\'') {
                    k += 1;
                } else {
                    closing = Some(i);
                    break 'lines;
                }
            }
            k += 1;
        }
        // A backslash ending a line escapes the line break, nothing on the next line.
        escaped = false;
    }
    let closing = closing?;
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    for l in out.iter_mut().take(closing + 1).skip(line) {
        let indent = l.chars().take_while(|c| *c == ' ').count();
        if indent < target && !l.trim().is_empty() {
            l.insert_str(0, &" ".repeat(target - indent));
        }
    }
    Some(out.join("\n"))
}

/// On 1-based `line`, turns the tabs that follow a `:` or `,` outside quotes (directly or
/// after other blanks) into spaces. go-yaml refuses a tab after `-`, so that one stays.
fn tabs_to_spaces_after_indicators(text: &str, line: usize) -> Option<String> {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let target = lines.get_mut(line.checked_sub(1)?)?;
    let mut out = String::with_capacity(target.len());
    let mut quote: Option<char> = None;
    let mut after_indicator = false;
    let mut changed = false;
    for c in target.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
                continue;
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => {
                out.push_str(&target[out.len()..]);
                break;
            }
            None => {}
        }
        if c == '\t' && after_indicator {
            out.push(' ');
            changed = true;
            continue;
        }
        after_indicator = matches!(c, ':' | ',') || (after_indicator && c == ' ');
        out.push(c);
    }
    if !changed {
        return None;
    }
    *target = out;
    Some(lines.join("\n"))
}

fn load_strict(text: &str, limits: Limits) -> YamlStream {
    let mut stream = YamlStream::default();
    let mut line_offset = 0u32;
    let mut rest = text;
    let mut index = 0usize;
    loop {
        let mut builder = Builder::new(limits, line_offset);
        let result = run_parser(rest, &mut builder);
        for mut doc in builder.documents.drain(..) {
            doc.index = index;
            index += 1;
            stream.documents.push(doc);
        }
        // A document already refused (an invalid key, a limit) reports that first problem
        // only: the parser's later complaint about the same document adds nothing.
        let already_refused = builder.skip_document && !builder.errors.is_empty();
        stream.errors.append(&mut builder.errors);
        match result {
            Ok(()) => break,
            Err(e) => {
                let line = e.marker().line() as u32;
                let col = e.marker().col() as u32 + 1;
                let at = Position::new(line + line_offset, col);
                let kind = if e.info().contains("recursion limit") {
                    YamlErrorKind::Limit
                } else {
                    YamlErrorKind::Syntax
                };
                if !already_refused {
                    stream.errors.push(YamlError {
                        kind,
                        message: e.info().to_string(),
                        span: Span::new(at, Position::new(at.line, at.column + 1)),
                    });
                }
                // The broken document is lost; the next `---` starts afresh.
                match next_document_start(rest, line as usize) {
                    Some((byte, skipped_lines)) => {
                        rest = &rest[byte..];
                        line_offset += skipped_lines as u32;
                        index += 1;
                    }
                    None => break,
                }
            }
        }
    }
    stream
}

fn run_parser(text: &str, builder: &mut Builder) -> Result<(), ScanError> {
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next?;
        builder.on_event(event, span);
        if builder.aborted {
            // A limit was hit; the rest of this document cannot be trusted. Skip to its end.
            builder.skip_document = true;
        }
    }
    Ok(())
}

/// Byte offset and line count of the first document marker after 1-based line `after_line`.
fn next_document_start(text: &str, after_line: usize) -> Option<(usize, usize)> {
    let mut byte = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = i + 1;
        if number >= after_line && byte > 0 {
            let trimmed = line.trim_end_matches(['\n', '\r']);
            if trimmed == "---" || trimmed.starts_with("--- ") || trimmed.starts_with("---\t") {
                return Some((byte, i));
            }
        }
        byte += line.len();
    }
    None
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Position,
        anchor: usize,
    },
    Map {
        entries: Vec<Entry>,
        pending_key: Option<(String, Span)>,
        merges: Vec<Node>,
        start: Position,
        anchor: usize,
    },
}

struct Builder {
    limits: Limits,
    line_offset: u32,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    documents: Vec<YamlDocument>,
    errors: Vec<YamlError>,
    alias_nodes: usize,
    aborted: bool,
    skip_document: bool,
    root: Option<Node>,
}

fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|e| count_nodes(&e.value)).sum::<usize>(),
        _ => 1,
    }
}

impl Builder {
    fn new(limits: Limits, line_offset: u32) -> Self {
        Self {
            limits,
            line_offset,
            stack: Vec::new(),
            anchors: HashMap::new(),
            documents: Vec::new(),
            errors: Vec::new(),
            alias_nodes: 0,
            aborted: false,
            skip_document: false,
            root: None,
        }
    }

    fn position(&self, line: usize, col: usize) -> Position {
        Position::new(line as u32 + self.line_offset, col as u32 + 1)
    }

    fn span(&self, span: &SaphyrSpan) -> Span {
        Span::new(
            self.position(span.start.line(), span.start.col()),
            self.position(span.end.line(), span.end.col()),
        )
    }

    fn limit_error(&mut self, message: String, span: Span) {
        if !self.aborted {
            self.errors.push(YamlError {
                kind: YamlErrorKind::Limit,
                message,
                span,
            });
        }
        self.aborted = true;
    }

    fn on_event(&mut self, event: Event<'_>, span: SaphyrSpan) {
        match event {
            Event::DocumentStart(_) => {
                self.stack.clear();
                self.anchors.clear();
                self.alias_nodes = 0;
                self.aborted = false;
                self.skip_document = false;
                self.root = None;
            }
            Event::DocumentEnd => {
                if let Some(root) = self.root.take() {
                    // An empty document (`---` alone) holds no object.
                    if !self.skip_document && root.value != Value::Null {
                        self.documents.push(YamlDocument { index: 0, root });
                    }
                }
                self.stack.clear();
            }
            _ if self.skip_document => {}
            Event::Scalar(text, style, anchor, tag) => {
                let node_span = self.span(&span);
                let value = resolve_scalar(&text, style, tag.as_deref());
                let node = Node {
                    value,
                    span: node_span,
                };
                self.finish(node, anchor, Some(text.into_owned()), style);
            }
            Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= self.limits.max_depth {
                    let s = self.span(&span);
                    self.limit_error(
                        format!("nesting deeper than {} levels", self.limits.max_depth),
                        s,
                    );
                    return;
                }
                let start = self.position(span.start.line(), span.start.col());
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    start,
                    anchor,
                });
            }
            Event::MappingStart(anchor, _) => {
                if self.stack.len() >= self.limits.max_depth {
                    let s = self.span(&span);
                    self.limit_error(
                        format!("nesting deeper than {} levels", self.limits.max_depth),
                        s,
                    );
                    return;
                }
                let start = self.position(span.start.line(), span.start.col());
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    pending_key: None,
                    merges: Vec::new(),
                    start,
                    anchor,
                });
            }
            Event::SequenceEnd => {
                let end = self.position(span.end.line(), span.end.col());
                if let Some(Frame::Seq {
                    items,
                    start,
                    anchor,
                }) = self.stack.pop()
                {
                    let node = Node {
                        value: Value::Seq(items),
                        span: Span::new(start, end),
                    };
                    self.finish(node, anchor, None, ScalarStyle::Plain);
                }
            }
            Event::MappingEnd => {
                let end = self.position(span.end.line(), span.end.col());
                if let Some(Frame::Map {
                    mut entries,
                    merges,
                    start,
                    anchor,
                    ..
                }) = self.stack.pop()
                {
                    apply_merges(&mut entries, merges);
                    let node = Node {
                        value: Value::Map(entries),
                        span: Span::new(start, end),
                    };
                    self.finish(node, anchor, None, ScalarStyle::Plain);
                }
            }
            Event::Alias(id) => {
                let at = self.span(&span);
                let Some((target, size)) = self.anchors.get(&id) else {
                    self.errors.push(YamlError {
                        kind: YamlErrorKind::Syntax,
                        message: "alias names an unknown anchor".into(),
                        span: at,
                    });
                    return;
                };
                self.alias_nodes += *size;
                if self.alias_nodes > self.limits.max_alias_nodes {
                    let message = format!(
                        "alias expansion exceeds {} nodes (billion-laughs pattern)",
                        self.limits.max_alias_nodes
                    );
                    self.limit_error(message, at);
                    return;
                }
                let mut node = target.clone();
                // The alias stands where it is written; its inner nodes keep the anchor's spans.
                node.span = at;
                self.finish(node, 0, None, ScalarStyle::Plain);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }

    /// Places a completed node in its parent (or as the document root).
    fn finish(&mut self, node: Node, anchor: usize, key_text: Option<String>, style: ScalarStyle) {
        if self.aborted {
            return;
        }
        if anchor != 0 {
            let size = count_nodes(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                merges,
                ..
            }) => match pending_key.take() {
                None => {
                    if matches!(node.value, Value::Map(_) | Value::Seq(_)) {
                        // sigs.k8s.io/yaml refuses the whole file ("invalid map key"): so does
                        // the scan, for this document (often an unrendered `{{value}}`).
                        self.errors.push(YamlError {
                            kind: YamlErrorKind::Syntax,
                            message: "invalid map key: a mapping or a sequence cannot be a key \
                                      (an unrendered `{{...}}`?)"
                                .into(),
                            span: node.span,
                        });
                        self.skip_document = true;
                    }
                    let key = match (&node.value, key_text) {
                        (Value::Str(s), _) => s.clone(),
                        (_, Some(text)) if style != ScalarStyle::Plain => text,
                        (value, _) => key_string(value),
                    };
                    *pending_key = Some((key, node.span));
                }
                Some((key, key_span)) => {
                    if key == "<<" && !matches!(node.value, Value::Str(_)) {
                        merges.push(node);
                        return;
                    }
                    if let Some(existing) = entries.iter_mut().find(|e| e.key == key) {
                        self.errors.push(YamlError {
                            kind: YamlErrorKind::DuplicateKey,
                            message: format!(
                                "mapping key `{key}` already defined at line {}",
                                existing.key_span.start.line
                            ),
                            span: key_span,
                        });
                        // go-yaml keeps the last value; so do we, and the error says so.
                        existing.value = node;
                        existing.key_span = key_span;
                    } else {
                        entries.push(Entry {
                            key,
                            key_span,
                            value: node,
                        });
                    }
                }
            },
        }
    }
}

/// `<<: *base` and `<<: [*a, *b]`: keys already present win; earlier merged maps win over later.
fn apply_merges(entries: &mut Vec<Entry>, merges: Vec<Node>) {
    for merge in merges {
        let sources: Vec<Node> = match merge.value {
            Value::Seq(items) => items,
            other => vec![Node {
                value: other,
                span: merge.span,
            }],
        };
        for source in sources {
            if let Value::Map(merged) = source.value {
                for entry in merged {
                    if !entries.iter().any(|e| e.key == entry.key) {
                        entries.push(entry);
                    }
                }
            }
        }
    }
}

/// How sigs.k8s.io/yaml turns a non-string key into a JSON object key.
fn key_string(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.clone(),
        Value::Seq(_) | Value::Map(_) => "<complex key>".into(),
    }
}

fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            match tag.suffix.as_str() {
                "str" => return Value::Str(text.to_string()),
                "null" => return Value::Null,
                "bool" | "int" | "float" => return resolve_plain(text),
                _ => {}
            }
        } else if tag.handle == "!" && tag.suffix.is_empty() {
            return Value::Str(text.to_string());
        }
    }
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_string());
    }
    resolve_plain(text)
}

/// YAML 1.1 resolution of a plain scalar, as go-yaml v2 does it.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::Str(text.to_string());
    }
    if let Some(i) = parse_int(text) {
        return Value::Int(i);
    }
    if is_float(text) {
        let cleaned: String = text.chars().filter(|&c| c != '_').collect();
        if let Ok(f) = cleaned.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(text.to_string())
}

fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let cleaned: String = digits.chars().filter(|&c| c != '_').collect();
    if cleaned.is_empty() || digits.starts_with('_') {
        return None;
    }
    let (radix, body) = if let Some(b) = cleaned.strip_prefix("0b") {
        (2, b)
    } else if let Some(h) = cleaned.strip_prefix("0x") {
        (16, h)
    } else if cleaned.len() > 1 && cleaned.starts_with('0') {
        (8, &cleaned[1..])
    } else {
        (10, cleaned.as_str())
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// go-yaml v2's float pattern: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_float(text: &str) -> bool {
    let bytes: Vec<u8> = text.bytes().filter(|&b| b != b'_').collect();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        i += 1;
        if i < bytes.len() && matches!(bytes[i], b'-' | b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == bytes.len()
}

impl Node {
    /// The value at `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts to the value the Rego engine reads.
    pub fn to_rego(&self) -> regorus::Value {
        match &self.value {
            Value::Null => regorus::Value::Null,
            Value::Bool(b) => regorus::Value::from(*b),
            Value::Int(i) => regorus::Value::from(*i),
            Value::Float(f) if f.is_finite() => regorus::Value::from(*f),
            // JSON has no infinity or NaN; Kubernetes would reject them, rules see a string.
            Value::Float(f) => regorus::Value::from(f.to_string()),
            Value::Str(s) => regorus::Value::from(s.as_str()),
            Value::Seq(items) => {
                regorus::Value::from(items.iter().map(Node::to_rego).collect::<Vec<_>>())
            }
            Value::Map(entries) => {
                let map: std::collections::BTreeMap<regorus::Value, regorus::Value> = entries
                    .iter()
                    .map(|e| (regorus::Value::from(e.key.as_str()), e.value.to_rego()))
                    .collect();
                regorus::Value::from(map)
            }
        }
    }

    /// Converts to JSON (for reports and config handling).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or_else(|| serde_json::Value::String(f.to_string())),
            Value::Str(s) => s.clone().into(),
            Value::Seq(items) => items.iter().map(Node::to_json).collect(),
            Value::Map(entries) => entries
                .iter()
                .map(|e| (e.key.clone(), e.value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

/// One step of a path returned by a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// Where a rule's path lands: the deepest node that exists along it.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub span: Span,
    /// True when the whole path exists; false when it stopped at an ancestor.
    pub exact: bool,
}

/// Maps a path inside a document to the span a finding should show: the key's line for a
/// mapping entry, the item itself for a sequence element, the deepest existing ancestor for a
/// path that goes past what exists.
pub fn locate(root: &Node, path: &[PathSegment]) -> Located {
    let mut node = root;
    let mut span = head_span(root);
    for segment in path {
        let next = match (segment, &node.value) {
            (PathSegment::Key(k), Value::Map(entries)) => entries
                .iter()
                .find(|e| &e.key == k)
                .map(|e| (&e.value, entry_span(e))),
            (PathSegment::Index(i), Value::Seq(items)) => {
                items.get(*i).map(|item| (item, head_span(item)))
            }
            _ => None,
        };
        match next {
            Some((child, child_span)) => {
                node = child;
                span = child_span;
            }
            None => return Located { span, exact: false },
        }
    }
    Located { span, exact: true }
}

/// From the key to the end of a scalar value on the same line; just the key otherwise.
fn entry_span(entry: &Entry) -> Span {
    let value_end = entry.value.span.end;
    let scalar = !matches!(entry.value.value, Value::Map(_) | Value::Seq(_));
    if scalar && value_end.line == entry.key_span.start.line && value_end > entry.key_span.end {
        Span::new(entry.key_span.start, value_end)
    } else {
        entry.key_span
    }
}

/// The first line of a node: a scalar whole, a mapping its first entry, a sequence its start.
fn head_span(node: &Node) -> Span {
    match &node.value {
        Value::Map(entries) => entries.first().map(entry_span).unwrap_or(node.span),
        Value::Seq(_) => Span::new(
            node.span.start,
            Position::new(node.span.start.line, node.span.start.column + 1),
        ),
        _ => node.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let s = load(text, Limits::default());
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        assert_eq!(s.documents.len(), 1);
        s.documents[0].root.clone()
    }

    #[test]
    fn quoted_continuation_indented_less_than_its_block_reads_as_go_yaml_does() {
        let text = "spec:\n  containers:\n    - command:\n        - sh\n        - \"echo one \\\n      two\"\n        - 'a\n   b'\n      name: x\n";
        let root = one(text);
        let command = root
            .get("spec")
            .and_then(|s| s.get("containers"))
            .map(|c| match &c.value {
                Value::Seq(items) => items[0].get("command").cloned(),
                _ => None,
            });
        let command = command.flatten().expect("command");
        let Value::Seq(items) = &command.value else {
            panic!("not a list")
        };
        let words: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
        assert_eq!(words, vec!["sh", "echo one two", "a b"]);
        // Lines do not move: the scalar still starts where it is written.
        assert_eq!(items[1].span.start, Position::new(5, 11));
    }

    #[test]
    fn tab_after_an_indicator_is_a_separator() {
        let root = one("env:\n  - name:\tA\n    value:\t\"x\\ty\"\n  - {name: B,\tvalue: c}\n");
        let Some(Value::Seq(items)) = root.get("env").map(|e| e.value.clone()) else {
            panic!("env")
        };
        assert_eq!(items[0].get("name").and_then(Node::as_str), Some("A"));
        assert_eq!(items[0].get("value").and_then(Node::as_str), Some("x\ty"));
        assert_eq!(items[1].get("name").and_then(Node::as_str), Some("B"));
        assert_eq!(
            items[0].get("name").map(|n| n.span.start),
            Some(Position::new(2, 11))
        );
    }

    #[test]
    fn a_tab_after_a_dash_is_refused_as_kubernetes_does_but_not_inside_a_block_scalar() {
        for (text, at) in [
            (
                "kind: A\nitems:\n-\tone\n---\nkind: B\n",
                Position::new(3, 2),
            ),
            (
                "kind: A\nitems:\n  - \tname: x\n---\nkind: B\n",
                Position::new(3, 5),
            ),
            (
                "kind: A\nitems:\n  - - \tx\n---\nkind: B\n",
                Position::new(3, 7),
            ),
            (
                "kind: A\nitems:\n- \t# c\n  - x\n---\nkind: B\n",
                Position::new(3, 3),
            ),
            (
                "kind: A\nitems:\n- x\n-\t\n---\nkind: B\n",
                Position::new(4, 2),
            ),
        ] {
            let s = load(text, Limits::default());
            assert_eq!(s.errors.len(), 1, "{text:?}: {:?}", s.errors);
            assert_eq!(s.errors[0].span.start, at, "{text:?}");
            let kinds: Vec<&str> = s
                .documents
                .iter()
                .filter_map(|d| d.root.get("kind").and_then(Node::as_str))
                .collect();
            assert_eq!(kinds, vec!["B"], "{text:?}");
        }
        // The same characters in a block scalar or a quoted scalar are content; a tab after
        // the item is a separator.
        for text in [
            "kind: A\nscript: |\n  -\tone\n  - \ttwo\n",
            "kind: A\nq: \"a\n  -\tb\"\n",
            "kind: A\nitems:\n- one\t\n",
        ] {
            let s = load(text, Limits::default());
            assert!(s.errors.is_empty(), "{text:?}: {:?}", s.errors);
            assert_eq!(s.documents.len(), 1, "{text:?}");
        }
    }

    #[test]
    fn a_collection_as_a_key_is_refused_as_kubernetes_does() {
        let s = load(
            "kind: Service\nmetadata:\n  labels:\n    cell: {{cell}}\n---\nkind: B\n",
            Limits::default(),
        );
        assert_eq!(s.errors.len(), 1, "{:?}", s.errors);
        assert_eq!(s.errors[0].span.start, Position::new(4, 12));
        let kinds: Vec<&str> = s
            .documents
            .iter()
            .filter_map(|d| d.root.get("kind").and_then(Node::as_str))
            .collect();
        assert_eq!(kinds, vec!["B"]);
    }

    #[test]
    fn errors_that_are_errors_for_go_yaml_too_stay() {
        for bad in ["a: [1, 2\n", "a:\n\tb: 1\n", "a: 'x\n", "a: b:\tc\n"] {
            assert!(!load(bad, Limits::default()).errors.is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn yaml11_scalars_resolve_like_kubernetes() {
        let n = one("a: yes\nb: off\nc: 0644\nd: '0644'\ne: 1.5\nf: ~\ng: 0x1F\nh: 1e3\ni: 08\nj: y\nk: \"on\"\nl: 12:30\nm: 1_000\n");
        let get = |k: &str| n.get(k).map(|v| v.value.clone());
        assert_eq!(get("a"), Some(Value::Bool(true)));
        assert_eq!(get("b"), Some(Value::Bool(false)));
        assert_eq!(get("c"), Some(Value::Int(420)));
        assert_eq!(get("d"), Some(Value::Str("0644".into())));
        assert_eq!(get("e"), Some(Value::Float(1.5)));
        assert_eq!(get("f"), Some(Value::Null));
        assert_eq!(get("g"), Some(Value::Int(31)));
        assert_eq!(get("h"), Some(Value::Float(1000.0)));
        assert_eq!(get("i"), Some(Value::Float(8.0)));
        assert_eq!(get("j"), Some(Value::Bool(true)));
        assert_eq!(get("k"), Some(Value::Str("on".into())));
        assert_eq!(get("l"), Some(Value::Str("12:30".into())));
        assert_eq!(get("m"), Some(Value::Int(1000)));
    }

    #[test]
    fn spans_of_keys_and_items() {
        let text = "spec:\n  containers:\n    - name: app\n      image: nginx\n    - image: b\n";
        let n = one(text);
        let path = |p: &[PathSegment]| locate(&n, p);
        let k = |s: &str| PathSegment::Key(s.into());
        let image = path(&[
            k("spec"),
            k("containers"),
            PathSegment::Index(0),
            k("image"),
        ]);
        assert_eq!(image.span.start, Position::new(4, 7));
        assert_eq!(image.span.end, Position::new(4, 19));
        assert!(image.exact);
        let container = path(&[k("spec"), k("containers"), PathSegment::Index(1)]);
        assert_eq!(container.span.start, Position::new(5, 7));
        let missing = path(&[
            k("spec"),
            k("containers"),
            PathSegment::Index(0),
            k("resources"),
        ]);
        assert_eq!(missing.span.start, Position::new(3, 7));
        assert!(!missing.exact);
    }

    #[test]
    fn anchors_merges_and_duplicates() {
        let s = load(
            "base: &b {x: 1, z: 2}\nother:\n  <<: *b\n  z: 3\ndup: 1\ndup: 2\n",
            Limits::default(),
        );
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.errors[0].kind, YamlErrorKind::DuplicateKey);
        assert_eq!(s.errors[0].span.start, Position::new(6, 1));
        let root = &s.documents[0].root;
        let other = root.get("other").map(Node::to_json);
        assert_eq!(other, Some(serde_json::json!({"z": 3, "x": 1})));
        assert_eq!(
            root.get("dup").map(|n| n.value.clone()),
            Some(Value::Int(2))
        );
    }

    #[test]
    fn multi_document_streams_recover_after_a_syntax_error() {
        let text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n";
        let s = load(text, Limits::default());
        assert_eq!(s.documents.len(), 2);
        assert_eq!(s.documents[0].root.to_json(), serde_json::json!({"a": 1}));
        assert_eq!(s.documents[1].root.to_json(), serde_json::json!({"c": 3}));
        assert_eq!(s.documents[1].root.span.start.line, 5);
        assert_eq!(s.documents[1].index, 2);
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.errors[0].kind, YamlErrorKind::Syntax);
        assert!(s.errors[0].span.start.line >= 3);
    }

    #[test]
    fn billion_laughs_is_an_error_not_an_oom() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let s = load(&text, Limits::default());
        assert!(s.errors.iter().any(|e| e.kind == YamlErrorKind::Limit));
        assert!(s.documents.is_empty());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = "[".repeat(1000) + &"]".repeat(1000);
        let s = load(&text, Limits::default());
        assert!(s.errors.iter().any(|e| e.kind == YamlErrorKind::Limit));
    }

    #[test]
    fn empty_documents_and_comments() {
        let s = load("# only a comment\n---\n---\na: 1\n", Limits::default());
        assert!(s.errors.is_empty());
        assert_eq!(s.documents.len(), 1);
    }
}
