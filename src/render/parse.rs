//! Parser for Go `text/template`: builds the syntax tree (actions, pipelines, commands,
//! if/range/with/else chains, define/template/block, break/continue), checks variables and
//! function names at parse time like Go, and prints nodes back (for error contexts).
//! Must not: execute anything, or recurse deeper than `MAX_NEST` on user input.

use std::fmt;
use std::rc::Rc;

use crate::render::error::{line_col, TemplateError};
use crate::render::lex::{lex, Kw, Tok, Token};
use crate::render::value::{go_quote, Value};

/// Maximum nesting of control structures and parentheses.
pub const MAX_NEST: usize = 100;

/// A parsed template (a file's body or a `define`).
#[derive(Debug)]
pub struct Tree {
    pub name: String,
    /// The file it was parsed from (used in error locations).
    pub parse_name: String,
    pub source: Rc<str>,
    pub root: Vec<Node>,
}

impl Tree {
    /// Go's `IsEmptyTree`: only whitespace text.
    pub fn is_empty(&self) -> bool {
        self.root
            .iter()
            .all(|n| matches!(n, Node::Text(_, t) if t.trim().is_empty()))
    }
}

#[derive(Debug)]
pub enum Node {
    /// Literal text and the byte offset of its first byte in the source.
    Text(usize, String),
    Action(Pipe),
    If(Box<Control>),
    Range(Box<Control>),
    With(Box<Control>),
    Template {
        pos: usize,
        name: String,
        pipe: Option<Pipe>,
    },
    Break(usize),
    Continue(usize),
}

#[derive(Debug)]
pub struct Control {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

#[derive(Debug)]
pub struct Pipe {
    pub pos: usize,
    pub decl: Vec<String>,
    pub is_assign: bool,
    pub cmds: Vec<Command>,
}

#[derive(Debug)]
pub struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

#[derive(Debug)]
pub enum Arg {
    Field {
        pos: usize,
        names: Vec<String>,
    },
    Var {
        pos: usize,
        name: String,
        fields: Vec<String>,
    },
    Dot(usize),
    Nil(usize),
    Bool(usize, bool),
    Str(usize, String),
    Number {
        pos: usize,
        text: String,
        value: Value,
    },
    Ident {
        pos: usize,
        name: String,
    },
    Pipe(Box<Pipe>),
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Vec<String>,
    },
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Var { pos, .. }
            | Arg::Dot(pos)
            | Arg::Nil(pos)
            | Arg::Bool(pos, _)
            | Arg::Str(pos, _)
            | Arg::Number { pos, .. }
            | Arg::Ident { pos, .. }
            | Arg::Chain { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { names, .. } => {
                for n in names {
                    write!(f, ".{}", n)?;
                }
                Ok(())
            }
            Arg::Var { name, fields, .. } => {
                write!(f, "{}", name)?;
                for n in fields {
                    write!(f, ".{}", n)?;
                }
                Ok(())
            }
            Arg::Dot(_) => write!(f, "."),
            Arg::Nil(_) => write!(f, "nil"),
            Arg::Bool(_, b) => write!(f, "{}", b),
            Arg::Str(_, s) => write!(f, "{}", go_quote(s)),
            Arg::Number { text, .. } => write!(f, "{}", text),
            Arg::Ident { name, .. } => write!(f, "{}", name),
            Arg::Pipe(p) => write!(f, "({})", p),
            Arg::Chain { node, fields, .. } => {
                write!(f, "{}", node)?;
                for n in fields {
                    write!(f, ".{}", n)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            write!(f, "{}", a)?;
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            write!(f, "{}", self.decl.join(", "))?;
            write!(f, "{}", if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                write!(f, " | ")?;
            }
            write!(f, "{}", c)?;
        }
        Ok(())
    }
}

/// Result of parsing one source: the main tree and the `define`d ones.
pub struct Parsed {
    pub main: Tree,
    pub defines: Vec<Tree>,
}

enum Term {
    End,
    Else,
    ElseIf(usize),
    ElseWith(usize),
}

struct Parser<'a> {
    toks: Vec<Token>,
    i: usize,
    name: &'a str,
    src: Rc<str>,
    has_func: &'a dyn Fn(&str) -> bool,
    vars: Vec<String>,
    range_depth: usize,
    nest: usize,
    defines: Vec<Tree>,
}

type PResult<T> = Result<T, TemplateError>;

/// Parse `src` as template `name`; `has_func` says whether a function name exists.
pub fn parse(name: &str, src: &str, has_func: &dyn Fn(&str) -> bool) -> PResult<Parsed> {
    let source: Rc<str> = Rc::from(src);
    let toks = lex(src).map_err(|e| {
        let (line, _) = line_col(src, e.pos);
        TemplateError::parse(name, line, &e.msg)
    })?;
    let mut p = Parser {
        toks,
        i: 0,
        name,
        src: source.clone(),
        has_func,
        vars: vec!["$".into()],
        range_depth: 0,
        nest: 0,
        defines: Vec::new(),
    };
    let mut root = Vec::new();
    loop {
        if matches!(p.peek(), Tok::LDelim) && matches!(p.peek_at(1), Tok::Kw(Kw::Define)) {
            p.next();
            let pos = p.next().pos;
            p.parse_define(pos)?;
            continue;
        }
        match p.text_or_action()? {
            None => break,
            Some(Ok(node)) => root.push(node),
            Some(Err(Term::End)) => return Err(p.err_at(p.prev_pos(), "unexpected {{end}}")),
            Some(Err(_)) => return Err(p.err_at(p.prev_pos(), "unexpected {{else}}")),
        }
    }
    Ok(Parsed {
        main: Tree {
            name: name.to_string(),
            parse_name: name.to_string(),
            source,
            root,
        },
        defines: p.defines,
    })
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Tok {
        self.peek_at(0)
    }
    fn peek_at(&self, k: usize) -> &Tok {
        self.toks.get(self.i + k).map_or(&Tok::Eof, |t| &t.tok)
    }
    fn peek_tok(&self) -> Token {
        self.toks.get(self.i).cloned().unwrap_or(Token {
            tok: Tok::Eof,
            pos: self.src.len(),
            space_before: true,
        })
    }
    fn next(&mut self) -> Token {
        let t = self.peek_tok();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }
    fn prev_pos(&self) -> usize {
        self.toks
            .get(self.i.saturating_sub(1))
            .map_or(self.src.len(), |t| t.pos)
    }
    fn err_at(&self, pos: usize, msg: &str) -> TemplateError {
        let (line, _) = line_col(&self.src, pos);
        TemplateError::parse(self.name, line, msg)
    }
    fn unexpected(&self, t: &Token, context: &str) -> TemplateError {
        let what = match &t.tok {
            Tok::Eof => return self.err_at(t.pos, "unexpected EOF"),
            Tok::RDelim => "\"}}\"".to_string(),
            Tok::RParen => "\")\"".to_string(),
            Tok::LParen => "\"(\"".to_string(),
            Tok::Pipe => "\"|\"".to_string(),
            Tok::Comma => "\",\"".to_string(),
            Tok::Declare => "\":=\"".to_string(),
            Tok::Assign => "\"=\"".to_string(),
            Tok::Kw(k) => format!("<{}>", format!("{:?}", k).to_lowercase()),
            other => format!("{:?}", other),
        };
        self.err_at(t.pos, &format!("unexpected {} in {}", what, context))
    }
    fn expect_rdelim(&mut self, context: &str) -> PResult<()> {
        let t = self.next();
        if t.tok == Tok::RDelim {
            Ok(())
        } else {
            Err(self.unexpected(&t, context))
        }
    }

    fn enter(&mut self, pos: usize) -> PResult<()> {
        self.nest += 1;
        if self.nest > MAX_NEST {
            return Err(self.err_at(pos, "template nesting too deep"));
        }
        Ok(())
    }

    /// Parse nodes until `{{end}}`/`{{else}}`; returns the list and the terminator.
    fn item_list(&mut self, context: &str) -> PResult<(Vec<Node>, Term)> {
        let mut list = Vec::new();
        loop {
            match self.text_or_action()? {
                Some(Ok(node)) => list.push(node),
                Some(Err(term)) => return Ok((list, term)),
                None => {
                    return Err(
                        self.err_at(self.src.len(), &format!("unexpected EOF in {}", context))
                    )
                }
            }
        }
    }

    /// One node; `Some(Err(term))` for end/else; `None` at EOF.
    fn text_or_action(&mut self) -> PResult<Option<Result<Node, Term>>> {
        let t = self.next();
        match t.tok {
            Tok::Eof => Ok(None),
            Tok::Text(s) => Ok(Some(Ok(Node::Text(t.pos, s)))),
            Tok::LDelim => self.action(),
            _ => Err(self.unexpected(&t, "input")),
        }
    }

    fn action(&mut self) -> PResult<Option<Result<Node, Term>>> {
        let t = self.peek_tok();
        match t.tok {
            Tok::Kw(Kw::End) => {
                self.next();
                self.expect_rdelim("end")?;
                Ok(Some(Err(Term::End)))
            }
            Tok::Kw(Kw::Else) => {
                self.next();
                match self.peek() {
                    Tok::Kw(Kw::If) => {
                        let p = self.next().pos;
                        Ok(Some(Err(Term::ElseIf(p))))
                    }
                    Tok::Kw(Kw::With) => {
                        let p = self.next().pos;
                        Ok(Some(Err(Term::ElseWith(p))))
                    }
                    _ => {
                        self.expect_rdelim("else")?;
                        Ok(Some(Err(Term::Else)))
                    }
                }
            }
            Tok::Kw(Kw::If) => {
                self.next();
                Ok(Some(Ok(Node::If(Box::new(self.control(t.pos, "if")?)))))
            }
            Tok::Kw(Kw::With) => {
                self.next();
                Ok(Some(Ok(Node::With(Box::new(self.control(t.pos, "with")?)))))
            }
            Tok::Kw(Kw::Range) => {
                self.next();
                self.range_depth += 1;
                let r = self.control(t.pos, "range");
                self.range_depth -= 1;
                Ok(Some(Ok(Node::Range(Box::new(r?)))))
            }
            Tok::Kw(Kw::Break) | Tok::Kw(Kw::Continue) => {
                self.next();
                let is_break = t.tok == Tok::Kw(Kw::Break);
                let word = if is_break { "break" } else { "continue" };
                if self.range_depth == 0 {
                    return Err(
                        self.err_at(t.pos, &format!("{{{{{}}}}} outside {{{{range}}}}", word))
                    );
                }
                self.expect_rdelim(word)?;
                Ok(Some(Ok(if is_break {
                    Node::Break(t.pos)
                } else {
                    Node::Continue(t.pos)
                })))
            }
            Tok::Kw(Kw::Template) | Tok::Kw(Kw::Block) => {
                self.next();
                let is_block = t.tok == Tok::Kw(Kw::Block);
                let context = if is_block {
                    "block clause"
                } else {
                    "template clause"
                };
                let nt = self.next();
                let name = match nt.tok {
                    Tok::Str(s) => s,
                    _ => return Err(self.unexpected(&nt, context)),
                };
                let pipe = if matches!(self.peek(), Tok::RDelim) {
                    self.next();
                    None
                } else {
                    Some(self.pipeline(context, true)?)
                };
                if is_block {
                    let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
                    let saved_range = std::mem::replace(&mut self.range_depth, 0);
                    let r = self.item_list("block");
                    self.vars = saved;
                    self.range_depth = saved_range;
                    let (list, term) = r?;
                    if !matches!(term, Term::End) {
                        return Err(self.err_at(self.prev_pos(), "unexpected {{else}} in block"));
                    }
                    self.defines.push(Tree {
                        name: name.clone(),
                        parse_name: self.name.to_string(),
                        source: self.src.clone(),
                        root: list,
                    });
                }
                Ok(Some(Ok(Node::Template {
                    pos: t.pos,
                    name,
                    pipe,
                })))
            }
            Tok::Kw(Kw::Define) => Err(self.err_at(t.pos, "unexpected <define> in command")),
            _ => {
                let pipe = self.pipeline("command", true)?;
                Ok(Some(Ok(Node::Action(pipe))))
            }
        }
    }

    fn parse_define(&mut self, pos: usize) -> PResult<()> {
        let nt = self.next();
        let name = match nt.tok {
            Tok::Str(s) => s,
            _ => return Err(self.unexpected(&nt, "define clause")),
        };
        self.expect_rdelim("define clause")?;
        let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let r = self.item_list("define");
        self.vars = saved;
        let (list, term) = r?;
        if !matches!(term, Term::End) {
            return Err(self.err_at(pos, "unexpected {{else}} in define"));
        }
        self.defines.push(Tree {
            name,
            parse_name: self.name.to_string(),
            source: self.src.clone(),
            root: list,
        });
        Ok(())
    }

    /// if/with/range after the keyword; consumes through the final `{{end}}`.
    fn control(&mut self, pos: usize, context: &str) -> PResult<Control> {
        self.enter(pos)?;
        let mark = self.vars.len();
        let r = self.control_inner(pos, context);
        self.vars.truncate(mark);
        self.nest -= 1;
        r
    }

    fn control_inner(&mut self, pos: usize, context: &str) -> PResult<Control> {
        let pipe = self.pipeline(context, true)?;
        let (list, term) = self.item_list(context)?;
        let else_list = match term {
            Term::End => None,
            Term::Else => {
                let (el, t2) = self.item_list(context)?;
                if !matches!(t2, Term::End) {
                    return Err(self.err_at(
                        self.prev_pos(),
                        &format!("expected end; found else in {}", context),
                    ));
                }
                Some(el)
            }
            Term::ElseIf(p) if context == "if" => {
                Some(vec![Node::If(Box::new(self.control(p, "if")?))])
            }
            Term::ElseWith(p) if context == "with" => {
                Some(vec![Node::With(Box::new(self.control(p, "with")?))])
            }
            Term::ElseIf(p) | Term::ElseWith(p) => {
                return Err(self.err_at(p, &format!("unexpected else-chain in {}", context)))
            }
        };
        Ok(Control {
            pos,
            pipe,
            list,
            else_list,
        })
    }

    /// A pipeline up to `}}` (if `delim`) or `)`.
    fn pipeline(&mut self, context: &str, delim: bool) -> PResult<Pipe> {
        let start = self.peek_tok();
        let mut pipe = Pipe {
            pos: start.pos,
            decl: Vec::new(),
            is_assign: false,
            cmds: Vec::new(),
        };
        // Declarations.
        loop {
            if let Tok::Var(v) = self.peek().clone() {
                match self.peek_at(1) {
                    Tok::Declare | Tok::Assign => {
                        pipe.is_assign = matches!(self.peek_at(1), Tok::Assign);
                        self.next();
                        self.next();
                        pipe.decl.push(v.clone());
                        self.vars.push(v);
                    }
                    Tok::Comma => {
                        self.next();
                        let ct = self.next();
                        pipe.decl.push(v.clone());
                        self.vars.push(v);
                        if context == "range" && pipe.decl.len() < 2 {
                            if matches!(self.peek(), Tok::Var(_)) {
                                continue;
                            }
                            return Err(self.err_at(ct.pos, "range can only initialize variables"));
                        }
                        return Err(
                            self.err_at(ct.pos, &format!("too many declarations in {}", context))
                        );
                    }
                    _ => {}
                }
            }
            break;
        }
        let end_tok = if delim { Tok::RDelim } else { Tok::RParen };
        loop {
            let t = self.peek_tok();
            if t.tok == end_tok {
                self.next();
                if pipe.cmds.is_empty() {
                    return Err(self.err_at(t.pos, &format!("missing value for {}", context)));
                }
                for (k, c) in pipe.cmds.iter().enumerate().skip(1) {
                    if let Some(first) = c.args.first() {
                        if matches!(
                            first,
                            Arg::Bool(..)
                                | Arg::Dot(_)
                                | Arg::Nil(_)
                                | Arg::Number { .. }
                                | Arg::Str(..)
                        ) {
                            return Err(self.err_at(
                                first.pos(),
                                &format!("non executable command in pipeline stage {}", k + 1),
                            ));
                        }
                    }
                }
                return Ok(pipe);
            }
            match t.tok {
                Tok::Eof | Tok::RDelim | Tok::RParen => {
                    return Err(if delim && t.tok == Tok::Eof {
                        self.err_at(t.pos, "unclosed action")
                    } else {
                        self.unexpected(&t, context)
                    })
                }
                _ => {}
            }
            let cmd = self.command()?;
            pipe.cmds.push(cmd);
        }
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_tok().pos;
        let mut cmd = Command {
            pos,
            args: Vec::new(),
        };
        loop {
            let arg = self.operand()?;
            cmd.args.push(arg);
            let t = self.peek_tok();
            match t.tok {
                Tok::RDelim | Tok::RParen => break,
                Tok::Pipe => {
                    self.next();
                    break;
                }
                _ if t.space_before => continue,
                _ => return Err(self.unexpected(&t, "operand")),
            }
        }
        if cmd.args.is_empty() {
            return Err(self.err_at(pos, "empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Arg> {
        let term = self.term()?;
        let mut fields = Vec::new();
        let mut chain_pos = None;
        while let Tok::Field(_) = self.peek() {
            let t = self.peek_tok();
            if t.space_before {
                break;
            }
            self.next();
            if let Tok::Field(f) = t.tok {
                chain_pos.get_or_insert(t.pos);
                fields.push(f);
            }
        }
        if fields.is_empty() {
            return Ok(term);
        }
        let pos = chain_pos.unwrap_or(term.pos());
        Ok(match term {
            Arg::Field { mut names, .. } => {
                names.extend(fields);
                Arg::Field { pos, names }
            }
            Arg::Var {
                name,
                fields: mut f0,
                pos: vpos,
            } => {
                f0.extend(fields);
                Arg::Var {
                    pos: vpos,
                    name,
                    fields: f0,
                }
            }
            Arg::Bool(..) | Arg::Str(..) | Arg::Number { .. } | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(self.err_at(
                    pos,
                    &format!("unexpected . after term {:?}", term.to_string()),
                ))
            }
            other => Arg::Chain {
                pos,
                node: Box::new(other),
                fields,
            },
        })
    }

    fn term(&mut self) -> PResult<Arg> {
        let t = self.next();
        Ok(match t.tok {
            Tok::Ident(name) => {
                if !(self.has_func)(&name) {
                    return Err(self.err_at(t.pos, &format!("function {:?} not defined", name)));
                }
                Arg::Ident { pos: t.pos, name }
            }
            Tok::Dot => Arg::Dot(t.pos),
            Tok::Nil => Arg::Nil(t.pos),
            Tok::Bool(b) => Arg::Bool(t.pos, b),
            Tok::Str(s) => Arg::Str(t.pos, s),
            Tok::Var(name) => {
                if !self.vars.iter().any(|v| v == &name) {
                    return Err(self.err_at(t.pos, &format!("undefined variable {:?}", name)));
                }
                Arg::Var {
                    pos: t.pos,
                    name,
                    fields: Vec::new(),
                }
            }
            Tok::Field(name) => Arg::Field {
                pos: t.pos,
                names: vec![name],
            },
            Tok::Char(c) => Arg::Number {
                pos: t.pos,
                text: self
                    .src
                    .get(t.pos..self.peek_tok().pos)
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                value: Value::Int(c),
            },
            Tok::Number(text) => {
                let value = parse_number(&text)
                    .ok_or_else(|| self.err_at(t.pos, &format!("bad number syntax: {:?}", text)))?;
                Arg::Number {
                    pos: t.pos,
                    text,
                    value,
                }
            }
            Tok::LParen => {
                self.enter(t.pos)?;
                let p = self.pipeline("parenthesized pipeline", false);
                self.nest -= 1;
                Arg::Pipe(Box::new(p?))
            }
            _ => return Err(self.unexpected(&t, "operand")),
        })
    }
}

/// Go `strconv.ParseInt(s, 0, 64)` after cast's trimming of a zero decimal part (spf13/cast, used by
/// Sprig's conversions and by `toYaml`'s quoting).
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let s = s.strip_suffix(".0").unwrap_or(s);
    match parse_number(s)? {
        Value::Int(i)
            if !s.contains(['.', 'e', 'E']) || s.to_ascii_lowercase().starts_with("0x") =>
        {
            Some(i)
        }
        _ => None,
    }
}

/// Go's number literal rules: integers (decimal, hex, octal, binary, `_`) are `int`; anything
/// with `.`, `e`, `E` (not hex) is float64.
pub fn parse_number(text: &str) -> Option<Value> {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let (radix, digits) = if let Some(h) = lower.strip_prefix("0x") {
        (16, h.to_string())
    } else if let Some(o) = lower.strip_prefix("0o") {
        (8, o.to_string())
    } else if let Some(b) = lower.strip_prefix("0b") {
        (2, b.to_string())
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|c| c.is_ascii_digit())
    {
        (8, lower.get(1..)?.to_string())
    } else {
        (10, lower.clone())
    };
    if radix != 10 || !lower.contains(['.', 'e']) {
        let v = i64::from_str_radix(&digits, radix).ok()?;
        return Some(Value::Int(if neg { v.checked_neg()? } else { v }));
    }
    let f: f64 = lower.parse().ok()?;
    Some(Value::Float(if neg { -f } else { f }))
}
