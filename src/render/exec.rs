//! The executor: walks parsed trees with Go `text/template` semantics (truthiness, variable
//! scopes, range/with/if, break/continue, field chains on maps and host objects, pipelines,
//! short-circuit `and`/`or`) plus the Helm functions that need the template set: `include`
//! (with Helm's recursion limit) and `tpl` (parses only the tpl string, reusing the set).
//! Must not: panic on user input, hold a `RefCell` borrow while running template code, or
//! recurse without a depth bound.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::render::error::{line_col, ErrorKind, TemplateError};
use crate::render::funcs::{FnError, FuncImp, Funcs};
use crate::render::parse::{parse, Arg, Command, Control, Node, Parsed, Pipe, Tree};
use crate::render::value::Value;

/// A set of named templates plus the function registry.
///
/// Stack use: every `include`/`template`/`tpl` level costs roughly 10 KiB of stack in a
/// debug build (less in release). Helm allows 1000 nested includes of one name, so either
/// render on a thread with a large stack (32 MiB is enough in debug) or lower
/// `max_include_depth` / `max_exec_depth`.
pub struct Templates {
    trees: HashMap<String, Rc<Tree>>,
    funcs: Rc<Funcs>,
    /// Parsed `tpl` strings, shared by all renders (cleared when the functions change).
    tpl_cache: RefCell<HashMap<String, Rc<TplParsed>>>,
    /// Helm stops `include` recursion of one name after this many levels (Helm: 1000).
    pub max_include_depth: usize,
    /// Maximum nesting of include/template/tpl calls overall.
    pub max_exec_depth: usize,
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

enum Flow {
    Normal,
    Break,
    Continue,
}

type R<T> = Result<T, TemplateError>;

/// Largest integer `range N` accepted (Go has no limit; a linter must not hang).
pub const MAX_RANGE_INT: i64 = 10_000_000;

impl Templates {
    /// A set with all Go builtins, Sprig and Helm functions.
    pub fn new() -> Templates {
        Templates::with_funcs(Funcs::builtin())
    }

    pub fn with_funcs(funcs: Funcs) -> Templates {
        Templates::with_shared_funcs(Rc::new(funcs))
    }

    /// A set sharing a registry with other sets (building `Funcs::builtin()` costs far more
    /// than parsing a typical template, so build it once and share it).
    pub fn with_shared_funcs(funcs: Rc<Funcs>) -> Templates {
        Templates {
            trees: HashMap::new(),
            funcs,
            tpl_cache: RefCell::new(HashMap::new()),
            max_include_depth: 1000,
            max_exec_depth: 1100,
        }
    }

    /// The function registry, to add or replace functions (parse before adding templates:
    /// already parsed templates keep their parse-time function check).
    pub fn funcs_mut(&mut self) -> &mut Funcs {
        self.tpl_cache.borrow_mut().clear();
        Rc::make_mut(&mut self.funcs)
    }

    /// Parse `source` as template `name` (a file); its `define`s join the set. A later
    /// definition replaces an earlier one unless it is empty (Go's rule).
    pub fn add(&mut self, name: &str, source: &str) -> Result<(), TemplateError> {
        let funcs = &self.funcs;
        let parsed = parse(name, source, &|f| funcs.contains(f))?;
        let Parsed { main, defines } = parsed;
        for t in defines.into_iter().chain(std::iter::once(main)) {
            insert_tree(&mut self.trees, t);
        }
        Ok(())
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// Names of all templates (files and `define`s), sorted.
    pub fn template_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.trees.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Execute template `name` with `root` as dot and `$`. Like Helm, `<no value>` is
    /// replaced by the empty string in the result.
    pub fn render(&self, name: &str, root: Value) -> Result<String, TemplateError> {
        self.run(name, root, None)
    }

    /// [`Templates::render`], also returning where each piece of the output came from in
    /// template `name` (the marks are sorted by output offset).
    pub fn render_traced(
        &self,
        name: &str,
        root: Value,
    ) -> Result<(String, Vec<OutputMark>), TemplateError> {
        let mut marks = Vec::new();
        let text = self.run(name, root, Some(&mut marks))?;
        Ok((text, marks))
    }

    fn run(
        &self,
        name: &str,
        root: Value,
        marks: Option<&mut Vec<OutputMark>>,
    ) -> Result<String, TemplateError> {
        let tree = self
            .trees
            .get(name)
            .cloned()
            .ok_or_else(|| TemplateError::no_template(name))?;
        let tracing = marks.is_some();
        let mut ex = Exec {
            t: self,
            overlays: Vec::new(),
            include_counts: HashMap::new(),
            depth: 0,
            marks: Vec::new(),
            tracing,
            dot_values: None,
        };
        let mut out = String::new();
        ex.exec_tree(&tree, root, &mut out)?;
        match marks {
            Some(marks) => {
                let (text, shifted) = remove_no_value_traced(out, ex.marks);
                *marks = shifted;
                Ok(text)
            }
            None => Ok(replace_no_value(out)),
        }
    }
}

/// Where a piece of a rendered file came from: output from byte `out` on was written by the
/// node at byte `src` of the template source, either copied verbatim (literal text: the byte
/// at `out + k` is the source byte at `src + k`) or printed by an action (every byte maps to
/// the action). `values` is the `.Values` path the action printed, when it printed exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputMark {
    pub out: usize,
    pub src: usize,
    pub verbatim: bool,
    pub values: Option<Vec<String>>,
}

/// Helm's `<no value>` removal, keeping the marks aligned with the shortened text.
fn remove_no_value_traced(text: String, mut marks: Vec<OutputMark>) -> (String, Vec<OutputMark>) {
    const NO_VALUE: &str = "<no value>";
    if !text.contains(NO_VALUE) {
        return (text, marks);
    }
    let mut out = String::with_capacity(text.len());
    let mut removed_at = Vec::new();
    let mut rest = text.as_str();
    let mut consumed = 0;
    while let Some(i) = rest.find(NO_VALUE) {
        out.push_str(&rest[..i]);
        removed_at.push(consumed + i);
        consumed += i + NO_VALUE.len();
        rest = &rest[i + NO_VALUE.len()..];
    }
    out.push_str(rest);
    for m in &mut marks {
        let before = removed_at.iter().take_while(|&&r| r < m.out).count();
        m.out = m.out.saturating_sub(before * NO_VALUE.len());
    }
    (out, marks)
}

fn insert_tree(map: &mut HashMap<String, Rc<Tree>>, t: Tree) {
    if let Some(old) = map.get(&t.name) {
        if t.is_empty() && !old.is_empty() {
            return;
        }
    }
    map.insert(t.name.clone(), Rc::new(t));
}

fn replace_no_value(s: String) -> String {
    if s.contains("<no value>") {
        s.replace("<no value>", "")
    } else {
        s
    }
}

/// Per-render execution state.
pub struct Exec<'t> {
    t: &'t Templates,
    overlays: Vec<Rc<HashMap<String, Rc<Tree>>>>,
    include_counts: HashMap<String, usize>,
    depth: usize,
    /// Output provenance of the top-level file (nested includes map to their call site).
    marks: Vec<OutputMark>,
    tracing: bool,
    /// The `.Values` path dot stands for inside `with`/`range` of the top-level file.
    dot_values: Option<Vec<String>>,
}

struct TplParsed {
    main: Rc<Tree>,
    defines: Rc<HashMap<String, Rc<Tree>>>,
}

/// Variables of one template invocation.
struct Scope<'a> {
    tree: &'a Tree,
    vars: Vec<(Rc<str>, Value)>,
}

impl Exec<'_> {
    fn lookup(&self, name: &str) -> Option<Rc<Tree>> {
        for o in self.overlays.iter().rev() {
            if let Some(t) = o.get(name) {
                return Some(t.clone());
            }
        }
        self.t.trees.get(name).cloned()
    }

    fn exec_tree(&mut self, tree: &Rc<Tree>, dot: Value, out: &mut String) -> R<()> {
        let mut scope = Scope {
            tree,
            vars: vec![(Rc::from("$"), dot.clone())],
        };
        self.walk_list(&tree.root, &dot, &mut scope, out)?;
        Ok(())
    }

    fn err(
        &self,
        scope: &Scope,
        pos: usize,
        ctx: &dyn std::fmt::Display,
        msg: &str,
    ) -> TemplateError {
        let (line, col) = line_col(&scope.tree.source, pos);
        TemplateError {
            kind: ErrorKind::Exec,
            file: scope.tree.parse_name.clone(),
            line,
            col,
            text: format!(
                "template: {}:{}:{}: executing {:?} at <{}>: {}",
                scope.tree.parse_name, line, col, scope.tree.name, ctx, msg
            ),
        }
    }

    fn walk_list(
        &mut self,
        list: &[Node],
        dot: &Value,
        scope: &mut Scope,
        out: &mut String,
    ) -> R<Flow> {
        for n in list {
            match self.walk(n, dot, scope, out)? {
                Flow::Normal => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, node: &Node, dot: &Value, scope: &mut Scope, out: &mut String) -> R<Flow> {
        match node {
            Node::Text(pos, t) => {
                self.mark(out, *pos, true, None);
                out.push_str(t);
            }
            Node::Action(pipe) => {
                let v = self.eval_pipeline(dot, pipe, scope)?;
                if pipe.decl.is_empty() {
                    if self.tracing && self.depth == 0 {
                        let values = pipe_values_path(pipe, self.dot_values.as_deref());
                        self.mark(out, pipe.pos, false, values);
                    }
                    print_value(&v, out);
                }
            }
            Node::If(c) | Node::With(c) => {
                let is_with = matches!(node, Node::With(_));
                let mark = scope.vars.len();
                let r = self.walk_if_with(c, is_with, dot, scope, out);
                scope.vars.truncate(mark);
                return r;
            }
            Node::Range(c) => {
                let mark = scope.vars.len();
                let r = self.walk_range(c, dot, scope, out);
                scope.vars.truncate(mark);
                r?;
            }
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
            Node::Template { pos, name, pipe } => {
                let ctx = format!(
                    "{{{{template {:?}{}}}}}",
                    name,
                    pipe.as_ref().map(|p| format!(" {}", p)).unwrap_or_default()
                );
                let new_dot = match pipe {
                    Some(p) => self.eval_pipeline(dot, p, scope)?,
                    None => Value::Nil,
                };
                let Some(tree) = self.lookup(name) else {
                    return Err(self.err(
                        scope,
                        *pos,
                        &ctx,
                        &format!("template {:?} not defined", name),
                    ));
                };
                if self.depth >= self.t.max_exec_depth {
                    return Err(self.err(
                        scope,
                        *pos,
                        &ctx,
                        &format!(
                            "exceeded maximum template depth ({})",
                            self.t.max_exec_depth
                        ),
                    ));
                }
                self.mark(out, *pos, false, None);
                self.depth += 1;
                let r = self.exec_tree(&tree, new_dot, out);
                self.depth -= 1;
                r?;
            }
        }
        Ok(Flow::Normal)
    }

    /// Records that output from here on comes from source byte `src` of the top-level file.
    fn mark(&mut self, out: &str, src: usize, verbatim: bool, values: Option<Vec<String>>) {
        if !self.tracing || self.depth > 0 {
            return;
        }
        if let Some(last) = self.marks.last_mut() {
            if last.out == out.len() {
                // Nothing was written since the previous mark: this one supersedes it.
                *last = OutputMark {
                    out: out.len(),
                    src,
                    verbatim,
                    values,
                };
                return;
            }
        }
        self.marks.push(OutputMark {
            out: out.len(),
            src,
            verbatim,
            values,
        });
    }

    /// Runs `body` with dot standing for `values` (a `.Values` path) when tracing.
    fn with_dot_values<T>(
        &mut self,
        values: Option<Vec<String>>,
        body: impl FnOnce(&mut Self) -> T,
    ) -> T {
        if !self.tracing || self.depth > 0 {
            return body(self);
        }
        let saved = std::mem::replace(&mut self.dot_values, values);
        let r = body(self);
        self.dot_values = saved;
        r
    }

    fn walk_if_with(
        &mut self,
        c: &Control,
        is_with: bool,
        dot: &Value,
        scope: &mut Scope,
        out: &mut String,
    ) -> R<Flow> {
        let v = self.eval_pipeline(dot, &c.pipe, scope)?;
        if v.truthy() {
            if is_with {
                let values = self.traced_values(&c.pipe);
                return self.with_dot_values(values, |ex| ex.walk_list(&c.list, &v, scope, out));
            }
            self.walk_list(&c.list, dot, scope, out)
        } else if let Some(el) = &c.else_list {
            self.walk_list(el, dot, scope, out)
        } else {
            Ok(Flow::Normal)
        }
    }

    fn walk_range(
        &mut self,
        c: &Control,
        dot: &Value,
        scope: &mut Scope,
        out: &mut String,
    ) -> R<()> {
        let v = self.eval_pipeline(dot, &c.pipe, scope)?;
        let items: Vec<(Value, Value)> = match &v {
            Value::List(l) => l
                .borrow()
                .iter()
                .enumerate()
                .map(|(i, e)| (Value::Int(i as i64), e.clone()))
                .collect(),
            Value::Map(m) => m
                .borrow()
                .iter()
                .map(|(k, e)| (Value::str(k), e.clone()))
                .collect(),
            Value::Int(n) => {
                if c.pipe.decl.len() > 1 {
                    let (pos, ctx) = pipe_ctx(&c.pipe);
                    return Err(self.err(
                        scope,
                        pos,
                        &ctx,
                        &format!("can't use {} to iterate over more than one variable", n),
                    ));
                }
                if *n > MAX_RANGE_INT {
                    let (pos, ctx) = pipe_ctx(&c.pipe);
                    let msg = format!("range over {} is too long (limit {})", n, MAX_RANGE_INT);
                    return Err(self.err(scope, pos, &ctx, &msg));
                }
                (0..(*n).max(0))
                    .map(|i| (Value::Int(i), Value::Int(i)))
                    .collect()
            }
            Value::Nil => Vec::new(),
            Value::Object(o) => match o.range_items() {
                Some(items) => items,
                None => {
                    let (pos, ctx) = pipe_ctx(&c.pipe);
                    return Err(self.err(
                        scope,
                        pos,
                        &ctx,
                        &format!("range can't iterate over {}", v.to_go_string()),
                    ));
                }
            },
            other => {
                let (pos, ctx) = pipe_ctx(&c.pipe);
                return Err(self.err(
                    scope,
                    pos,
                    &ctx,
                    &format!("range can't iterate over {}", other.to_go_string()),
                ));
            }
        };
        if items.is_empty() {
            if let Some(el) = &c.else_list {
                self.walk_list(el, dot, scope, out)?;
            }
            return Ok(());
        }
        let nvars = scope.vars.len();
        let base_values = self.traced_values(&c.pipe);
        for (k, e) in items {
            let values = base_values.as_ref().map(|base| {
                let mut path = base.clone();
                path.push(k.to_go_string());
                path
            });
            if !c.pipe.decl.is_empty() {
                if let Some(slot) = scope.vars.get_mut(nvars.wrapping_sub(1)) {
                    slot.1 = e.clone();
                }
                if c.pipe.decl.len() > 1 {
                    if let Some(slot) = scope.vars.get_mut(nvars.wrapping_sub(2)) {
                        slot.1 = k;
                    }
                }
            }
            let mark = scope.vars.len();
            let f = self.with_dot_values(values, |ex| ex.walk_list(&c.list, &e, scope, out));
            scope.vars.truncate(mark);
            match f? {
                Flow::Break => break,
                Flow::Continue | Flow::Normal => {}
            }
        }
        Ok(())
    }

    fn eval_pipeline(&mut self, dot: &Value, pipe: &Pipe, scope: &mut Scope) -> R<Value> {
        let mut val: Option<Value> = None;
        for cmd in &pipe.cmds {
            val = Some(self.eval_command(dot, cmd, val, scope)?);
        }
        let v = val.unwrap_or_default();
        for name in &pipe.decl {
            if pipe.is_assign {
                match scope
                    .vars
                    .iter_mut()
                    .rev()
                    .find(|(n, _)| &**n == name.as_str())
                {
                    Some(slot) => slot.1 = v.clone(),
                    None => {
                        return Err(self.err(
                            scope,
                            pipe.pos,
                            pipe,
                            &format!("undefined variable: {}", name),
                        ))
                    }
                }
            } else {
                scope.vars.push((Rc::from(name.as_str()), v.clone()));
            }
        }
        Ok(v)
    }

    fn eval_command(
        &mut self,
        dot: &Value,
        cmd: &Command,
        fin: Option<Value>,
        scope: &mut Scope,
    ) -> R<Value> {
        let Some(first) = cmd.args.first() else {
            return Ok(Value::Nil);
        };
        let rest = cmd.args.get(1..).unwrap_or_default();
        match first {
            Arg::Field { pos, names } => self.eval_field_chain(
                dot,
                dot.clone(),
                false,
                names,
                first,
                *pos,
                rest,
                fin,
                scope,
            ),
            Arg::Var { pos, name, fields } => {
                let v = self.var_value(name, *pos, first, scope)?;
                if fields.is_empty() {
                    self.not_a_function(cmd, first, rest, &fin, scope)?;
                    return Ok(v);
                }
                self.eval_field_chain(dot, v, false, fields, first, *pos, rest, fin, scope)
            }
            Arg::Chain { pos, node, fields } => {
                if matches!(**node, Arg::Nil(_)) {
                    return Err(self.err(scope, *pos, first, "indirection through explicit nil"));
                }
                let recv = self.eval_arg(dot, node, scope)?;
                self.eval_field_chain(dot, recv, false, fields, first, *pos, rest, fin, scope)
            }
            Arg::Ident { pos, name } => self.eval_function(dot, name, *pos, cmd, rest, fin, scope),
            Arg::Pipe(p) => {
                self.not_a_function(cmd, first, rest, &fin, scope)?;
                self.eval_pipeline(dot, p, scope)
            }
            Arg::Nil(pos) => Err(self.err(scope, *pos, first, "nil is not a command")),
            lit => {
                self.not_a_function(cmd, first, rest, &fin, scope)?;
                self.eval_arg(dot, lit, scope)
            }
        }
    }

    fn not_a_function(
        &self,
        cmd: &Command,
        first: &Arg,
        rest: &[Arg],
        fin: &Option<Value>,
        scope: &Scope,
    ) -> R<()> {
        if !rest.is_empty() || fin.is_some() {
            return Err(self.err(
                scope,
                cmd.pos,
                cmd,
                &format!("can't give argument to non-function {}", first),
            ));
        }
        Ok(())
    }

    fn var_value(&self, name: &str, pos: usize, node: &Arg, scope: &Scope) -> R<Value> {
        match scope.vars.iter().rev().find(|(n, _)| &**n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.err(scope, pos, node, &format!("undefined variable: {}", name))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain(
        &mut self,
        dot: &Value,
        recv: Value,
        strict: bool,
        names: &[String],
        node: &Arg,
        pos: usize,
        args: &[Arg],
        fin: Option<Value>,
        scope: &mut Scope,
    ) -> R<Value> {
        let mut cur = recv;
        let mut strict = strict;
        let n = names.len();
        for (i, name) in names.iter().enumerate() {
            let last = i + 1 == n;
            let has_args = last && (!args.is_empty() || fin.is_some());
            cur = match &cur {
                Value::Nil => {
                    if strict {
                        return Err(self.err(
                            scope,
                            pos,
                            node,
                            &format!("nil pointer evaluating interface {{}}.{}", name),
                        ));
                    }
                    return Ok(Value::Nil);
                }
                Value::Map(m) => {
                    if has_args {
                        return Err(self.err(
                            scope,
                            pos,
                            node,
                            &format!("{} is not a method but has arguments", name),
                        ));
                    }
                    let v = m.borrow().get(name.as_str()).cloned().unwrap_or_default();
                    v
                }
                Value::Object(o) => {
                    let o = o.clone();
                    let mut vals = Vec::new();
                    if has_args {
                        vals.reserve(args.len() + 1);
                        for a in args {
                            vals.push(self.eval_arg(dot, a, scope)?);
                        }
                        if let Some(f) = fin.clone() {
                            vals.push(f);
                        }
                    }
                    // A field wins over a method of the same name, as Go looks fields up first;
                    // with arguments only a method can apply.
                    let field = if has_args { None } else { o.field(name) };
                    match field {
                        Some(v) => v,
                        None => match o.call(name, &vals) {
                            Some(Ok(v)) => v,
                            Some(Err(e)) => {
                                return Err(self.err(
                                    scope,
                                    pos,
                                    node,
                                    &format!("error calling {}: {}", name, e),
                                ))
                            }
                            None => {
                                return Err(self.err(
                                    scope,
                                    pos,
                                    node,
                                    &format!(
                                        "can't evaluate field {} in type {}",
                                        name,
                                        o.type_name()
                                    ),
                                ))
                            }
                        },
                    }
                }
                other => {
                    return Err(self.err(
                        scope,
                        pos,
                        node,
                        &format!(
                            "can't evaluate field {} in type {}",
                            name,
                            other.type_name()
                        ),
                    ))
                }
            };
            strict = true;
        }
        Ok(cur)
    }

    fn eval_arg(&mut self, dot: &Value, arg: &Arg, scope: &mut Scope) -> R<Value> {
        Ok(match arg {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => Value::Nil,
            Arg::Bool(_, b) => Value::Bool(*b),
            Arg::Str(_, s) => Value::str(s),
            Arg::Number { value, .. } => value.clone(),
            Arg::Field { pos, names } => {
                self.eval_field_chain(dot, dot.clone(), false, names, arg, *pos, &[], None, scope)?
            }
            Arg::Var { pos, name, fields } => {
                let v = self.var_value(name, *pos, arg, scope)?;
                if fields.is_empty() {
                    v
                } else {
                    self.eval_field_chain(dot, v, false, fields, arg, *pos, &[], None, scope)?
                }
            }
            Arg::Chain { pos, node, fields } => {
                let recv = self.eval_arg(dot, node, scope)?;
                self.eval_field_chain(dot, recv, false, fields, arg, *pos, &[], None, scope)?
            }
            Arg::Pipe(p) => {
                let mark = scope.vars.len();
                let v = self.eval_pipeline(dot, p, scope);
                // Declarations inside parentheses stay visible (Go keeps them too).
                let _ = mark;
                v?
            }
            Arg::Ident { pos, name } => {
                let cmd = Command {
                    pos: *pos,
                    args: Vec::new(),
                };
                self.eval_function(dot, name, *pos, &cmd, &[], None, scope)?
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_function(
        &mut self,
        dot: &Value,
        name: &str,
        pos: usize,
        cmd: &Command,
        args: &[Arg],
        fin: Option<Value>,
        scope: &mut Scope,
    ) -> R<Value> {
        let _ = pos;
        let nargs = args.len() + usize::from(fin.is_some());
        // Short-circuit and/or.
        if name == "and" || name == "or" {
            if nargs == 0 {
                return Err(self.err(
                    scope,
                    cmd.pos,
                    cmd,
                    &format!("wrong number of args for {}: want at least 1 got 0", name),
                ));
            }
            let want = name == "or";
            let mut v = Value::Nil;
            for a in args {
                v = self.eval_arg(dot, a, scope)?;
                if v.truthy() == want {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }
        let Some(def) = self.t.funcs.get(name) else {
            return Err(self.err(
                scope,
                cmd.pos,
                cmd,
                &format!("{:?} is not a defined function", name),
            ));
        };
        if nargs < def.min || def.max.is_some_and(|m| nargs > m) {
            let msg = match def.max {
                Some(m) if m == def.min => format!(
                    "wrong number of args for {}: want {} got {}",
                    name, m, nargs
                ),
                _ => format!(
                    "wrong number of args for {}: want at least {} got {}",
                    name, def.min, nargs
                ),
            };
            return Err(self.err(scope, cmd.pos, cmd, &msg));
        }
        let imp = def.imp.clone();
        let mut vals = Vec::with_capacity(nargs);
        for a in args {
            vals.push(self.eval_arg(dot, a, scope)?);
        }
        if let Some(f) = fin {
            vals.push(f);
        }
        let mut res = match &imp {
            FuncImp::Native(f) => f(&vals),
            FuncImp::Include => self.call_include(&vals),
            FuncImp::Tpl => self.call_tpl(&vals),
        };
        // Go passes a nil that is not a field's value (a variable, a parenthesised pipeline,
        // the piped value: text/template turns those into invalid values) to a map or slice
        // parameter as that type's zero value; only a field's nil interface is a type error.
        if let FuncImp::Native(f) = &imp {
            let mut tries = vals.len();
            while let Err(FnError::ArgType { index, msg }) = &res {
                let from_field = matches!(
                    args.get(*index),
                    Some(Arg::Field { .. } | Arg::Chain { .. })
                ) || matches!(args.get(*index), Some(Arg::Var { fields, .. }) if !fields.is_empty());
                let zero = match vals.get(*index) {
                    Some(Value::Nil) if !from_field && tries > 0 => zero_of(msg),
                    _ => None,
                };
                let Some(zero) = zero else { break };
                vals[*index] = zero;
                tries -= 1;
                res = f(&vals);
            }
        }
        match res {
            Ok(v) => Ok(v),
            Err(FnError::Msg(m)) => {
                let mut e = self.err(
                    scope,
                    cmd.pos,
                    cmd,
                    &format!("error calling {}: {}", name, m),
                );
                if name == "required" || name == "fail" {
                    e.kind = ErrorKind::Fail { message: m };
                }
                Err(e)
            }
            Err(FnError::ArgType { index, msg }) => match args.get(index) {
                Some(a) => {
                    let p = match a {
                        Arg::Field { pos, .. } | Arg::Chain { pos, .. } => *pos,
                        other => other.pos(),
                    };
                    Err(self.err(scope, p, a, &msg))
                }
                None => Err(self.err(scope, cmd.pos, cmd, &msg)),
            },
            Err(FnError::Nested(e)) => Err(e),
        }
    }

    fn call_include(&mut self, args: &[Value]) -> Result<Value, FnError> {
        let name = crate::render::funcs::want_str(args, 0)?.to_string();
        let data = args.get(1).cloned().unwrap_or_default();
        let count = self.include_counts.get(&name).copied().unwrap_or(0);
        if count > self.t.max_include_depth {
            return Err(FnError::Msg(format!(
                "rendering template has a nested reference name: {}: unable to execute template",
                name
            )));
        }
        if self.depth >= self.t.max_exec_depth {
            return Err(FnError::Msg(format!(
                "exceeded maximum template depth ({})",
                self.t.max_exec_depth
            )));
        }
        let Some(tree) = self.lookup(&name) else {
            return Err(FnError::Msg(format!(
                "template: no template {:?} associated with template \"gotpl\"",
                name
            )));
        };
        self.include_counts.insert(name.clone(), count + 1);
        self.depth += 1;
        let mut out = String::new();
        let r = self.exec_tree(&tree, data, &mut out);
        self.depth -= 1;
        self.include_counts.insert(name, count);
        r.map_err(|e| FnError::Msg(e.text))?;
        Ok(Value::string(out))
    }

    fn call_tpl(&mut self, args: &[Value]) -> Result<Value, FnError> {
        let src = crate::render::funcs::want_str(args, 0)?.to_string();
        let data = args.get(1).cloned().unwrap_or_default();
        if self.depth >= self.t.max_exec_depth {
            return Err(FnError::Msg(format!(
                "exceeded maximum template depth ({})",
                self.t.max_exec_depth
            )));
        }
        let cached = self.t.tpl_cache.borrow().get(&src).cloned();
        let parsed = match cached {
            Some(p) => p,
            None => {
                let funcs = &self.t.funcs;
                let p = parse("gotpl", &src, &|f| funcs.contains(f)).map_err(|e| {
                    FnError::Msg(format!("cannot parse template {:?}: {}", src, e.text))
                })?;
                let mut defines = HashMap::new();
                for d in p.defines {
                    insert_tree(&mut defines, d);
                }
                let tp = Rc::new(TplParsed {
                    main: Rc::new(p.main),
                    defines: Rc::new(defines),
                });
                let mut cache = self.t.tpl_cache.borrow_mut();
                if cache.len() < 10_000 {
                    cache.insert(src.clone(), tp.clone());
                }
                tp
            }
        };
        self.overlays.push(parsed.defines.clone());
        self.depth += 1;
        let mut out = String::new();
        let r = self.exec_tree(&parsed.main, data, &mut out);
        self.depth -= 1;
        self.overlays.pop();
        r.map_err(|e| {
            FnError::Msg(format!(
                "error during tpl function execution for {:?}: {}",
                src, e.text
            ))
        })?;
        Ok(Value::string(replace_no_value(out)))
    }
}

impl Exec<'_> {
    fn traced_values(&self, pipe: &Pipe) -> Option<Vec<String>> {
        if !self.tracing || self.depth > 0 {
            return None;
        }
        pipe_values_path(pipe, self.dot_values.as_deref())
    }
}

/// The one `.Values` path a pipeline reads (`.Values.a.b`, `$.Values.a`, or dot and its
/// fields inside a `with`/`range` over values); `None` when it reads none or several.
fn pipe_values_path(pipe: &Pipe, dot: Option<&[String]>) -> Option<Vec<String>> {
    let mut found: Vec<Vec<String>> = Vec::new();
    let mut ambiguous = false;
    collect_values_paths(pipe, dot, &mut found, &mut ambiguous);
    found.dedup();
    match (found.len(), ambiguous) {
        (1, false) => found.pop(),
        _ => None,
    }
}

fn collect_values_paths(
    pipe: &Pipe,
    dot: Option<&[String]>,
    found: &mut Vec<Vec<String>>,
    ambiguous: &mut bool,
) {
    for cmd in &pipe.cmds {
        for arg in &cmd.args {
            let path = match arg {
                Arg::Field { names, .. } if names.first().is_some_and(|n| n == "Values") => {
                    Some(names[1..].to_vec())
                }
                Arg::Var { name, fields, .. }
                    if name == "$" && fields.first().is_some_and(|n| n == "Values") =>
                {
                    Some(fields[1..].to_vec())
                }
                Arg::Field { names, .. } => dot.map(|d| {
                    let mut p = d.to_vec();
                    p.extend(names.iter().cloned());
                    p
                }),
                Arg::Dot(_) => dot.map(<[String]>::to_vec),
                Arg::Pipe(p) => {
                    collect_values_paths(p, dot, found, ambiguous);
                    None
                }
                // A variable or chain may hold values we cannot name: do not guess.
                Arg::Var { name, .. } if name != "$" => {
                    *ambiguous = true;
                    None
                }
                Arg::Chain { .. } => {
                    *ambiguous = true;
                    None
                }
                _ => None,
            };
            if let Some(p) = path {
                found.push(p);
            }
        }
    }
}

/// Position and context node used for errors about a whole pipeline's value (Go reports the
/// last evaluated node: the field of a single-field command, else the command).
fn pipe_ctx(p: &Pipe) -> (usize, String) {
    match p.cmds.last() {
        Some(c) => match c.args.as_slice() {
            [a @ Arg::Field { pos, .. }] | [a @ Arg::Chain { pos, .. }] => (*pos, a.to_string()),
            _ => (c.pos, c.to_string()),
        },
        None => (p.pos, p.to_string()),
    }
}

/// The zero value Go would pass for an invalid (nil) argument to the parameter type named in a
/// "wrong type for value; expected T" message: nil maps and slices read as empty.
fn zero_of(msg: &str) -> Option<Value> {
    let want = msg.split("expected ").nth(1)?.split(';').next()?;
    if want.starts_with("map[") {
        Some(Value::empty_map())
    } else if want.starts_with("[]") {
        Some(Value::new_list(Vec::new()))
    } else {
        None
    }
}

/// Go's `printValue`: nil prints `<no value>`, the rest `%v`.
fn print_value(v: &Value, out: &mut String) {
    match v {
        Value::Nil => out.push_str("<no value>"),
        Value::Str(s) => out.push_str(s),
        other => out.push_str(&other.to_go_string()),
    }
}
