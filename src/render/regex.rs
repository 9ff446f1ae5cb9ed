//! A small RE2-style regular expression engine for Sprig's regex functions: parser for the
//! common syntax (literals, `.`, classes, `\d\w\s` and negations, anchors `^ $ \A \z \b \B`,
//! groups (capturing, `(?:)`, named), alternation, greedy/lazy `* + ? {n,m}`, flags `i m s U`)
//! compiled to a Pike VM, which gives Go's leftmost-first results in linear time (no
//! catastrophic backtracking). Also Go's `Expand` for `$1`/`${name}` replacements.
//! Not supported (error): Unicode classes `\p{..}`, POSIX `[[:alpha:]]` inside classes.
//! Must not: panic on any pattern or input, or build programs above `MAX_PROG`.

const MAX_PROG: usize = 20_000;
const MAX_NEST: usize = 100;

#[derive(Clone, Debug)]
enum Node {
    Empty,
    Lit(char, bool),
    Any(bool),
    Class(Vec<(char, char)>, bool, bool),
    Assert(Assert),
    Group(Box<Node>, Option<usize>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>, bool),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Assert {
    BeginText,
    EndText,
    BeginLine,
    EndLine,
    WordB,
    NotWordB,
}

#[derive(Clone, Copy, Default)]
struct Flags {
    i: bool,
    m: bool,
    s: bool,
    u: bool,
}

struct Parser<'a> {
    c: Vec<char>,
    k: usize,
    ncap: usize,
    names: Vec<(String, usize)>,
    src: &'a str,
}

/// A compiled regular expression.
#[derive(Debug, Clone)]
pub struct Regex {
    prog: Vec<Inst>,
    ncap: usize,
    names: Vec<(String, usize)>,
}

#[derive(Clone, Debug)]
enum Inst {
    Char(char, bool),
    Any(bool),
    Class(Vec<(char, char)>, bool, bool),
    Assert(Assert),
    Split(usize, usize),
    Jmp(usize),
    Save(usize),
    Match,
}

fn perr(src: &str, msg: &str) -> String {
    format!("error parsing regexp: {}: `{}`", msg, src)
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.c.get(self.k).copied()
    }
    fn alt(&mut self, fl: &mut Flags, depth: usize) -> Result<Node, String> {
        if depth > MAX_NEST {
            return Err(perr(self.src, "expression nests too deeply"));
        }
        let mut alts = vec![self.concat(fl, depth)?];
        while self.peek() == Some('|') {
            self.k += 1;
            alts.push(self.concat(fl, depth)?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }
    fn concat(&mut self, fl: &mut Flags, depth: usize) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(fl, depth)?;
            let atom = self.repeat(atom, *fl)?;
            items.push(atom);
        }
        Ok(Node::Concat(items))
    }
    fn repeat(&mut self, atom: Node, fl: Flags) -> Result<Node, String> {
        let mut atom = atom;
        loop {
            let (min, max) = match self.peek() {
                Some('*') => {
                    self.k += 1;
                    (0, None)
                }
                Some('+') => {
                    self.k += 1;
                    (1, None)
                }
                Some('?') => {
                    self.k += 1;
                    (0, Some(1))
                }
                Some('{') => match self.counted() {
                    Some(r) => r,
                    None => return Ok(atom),
                },
                _ => return Ok(atom),
            };
            if matches!(atom, Node::Repeat(..)) {
                return Err(perr(self.src, "invalid nested repetition operator"));
            }
            let mut greedy = !fl.u;
            if self.peek() == Some('?') {
                self.k += 1;
                greedy = !greedy;
            }
            if max.is_some_and(|m| m < min) || min > 1000 || max.is_some_and(|m| m > 1000) {
                return Err(perr(self.src, "invalid repeat count"));
            }
            atom = Node::Repeat(Box::new(atom), min, max, greedy);
        }
    }
    fn counted(&mut self) -> Option<(u32, Option<u32>)> {
        let start = self.k;
        self.k += 1;
        let num = |p: &mut Self| {
            let s = p.k;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.k += 1;
            }
            p.c.get(s..p.k).map(|d| d.iter().collect::<String>())
        };
        let a = num(self).unwrap_or_default();
        let r = if a.is_empty() {
            None
        } else if self.peek() == Some('}') {
            self.k += 1;
            let n = a.parse().ok()?;
            Some((n, Some(n)))
        } else if self.peek() == Some(',') {
            self.k += 1;
            let b = num(self).unwrap_or_default();
            if self.peek() != Some('}') {
                None
            } else {
                self.k += 1;
                let n = a.parse().ok()?;
                if b.is_empty() {
                    Some((n, None))
                } else {
                    Some((n, Some(b.parse().ok()?)))
                }
            }
        } else {
            None
        };
        if r.is_none() {
            self.k = start; // a literal '{'
        }
        r
    }
    fn atom(&mut self, fl: &mut Flags, depth: usize) -> Result<Node, String> {
        let Some(c) = self.peek() else {
            return Ok(Node::Empty);
        };
        self.k += 1;
        Ok(match c {
            '.' => Node::Any(fl.s),
            '^' => Node::Assert(if fl.m {
                Assert::BeginLine
            } else {
                Assert::BeginText
            }),
            '$' => Node::Assert(if fl.m {
                Assert::EndLine
            } else {
                Assert::EndText
            }),
            '*' | '+' | '?' => {
                return Err(perr(self.src, "missing argument to repetition operator"))
            }
            '{' => {
                self.k -= 1;
                if self.counted().is_some() {
                    return Err(perr(self.src, "missing argument to repetition operator"));
                }
                self.k += 1;
                Node::Lit('{', fl.i)
            }
            '[' => self.class(*fl)?,
            '\\' => self.escape(*fl, false)?,
            '(' => {
                let mut cap = None;
                let mut inner = *fl;
                if self.peek() == Some('?') {
                    self.k += 1;
                    if matches!(self.peek(), Some('P') | Some('<')) {
                        if self.peek() == Some('P') {
                            self.k += 1;
                        }
                        if self.peek() != Some('<') {
                            return Err(perr(self.src, "invalid named capture"));
                        }
                        self.k += 1;
                        let mut name = String::new();
                        while let Some(ch) = self.peek() {
                            self.k += 1;
                            if ch == '>' {
                                break;
                            }
                            name.push(ch);
                        }
                        self.ncap += 1;
                        self.names.push((name, self.ncap));
                        cap = Some(self.ncap);
                    } else {
                        // Flags: (?flags) or (?flags:re)
                        let mut neg = false;
                        loop {
                            match self.peek() {
                                Some('i') => inner.i = !neg,
                                Some('m') => inner.m = !neg,
                                Some('s') => inner.s = !neg,
                                Some('U') => inner.u = !neg,
                                Some('-') => neg = true,
                                Some(')') => {
                                    self.k += 1;
                                    *fl = inner;
                                    return Ok(Node::Empty);
                                }
                                Some(':') => {
                                    self.k += 1;
                                    break;
                                }
                                _ => {
                                    return Err(perr(
                                        self.src,
                                        "invalid or unsupported Perl syntax",
                                    ))
                                }
                            }
                            self.k += 1;
                        }
                    }
                } else {
                    self.ncap += 1;
                    cap = Some(self.ncap);
                }
                let n = self.alt(&mut inner, depth + 1)?;
                if self.peek() != Some(')') {
                    return Err(perr(self.src, "missing closing )"));
                }
                self.k += 1;
                Node::Group(Box::new(n), cap)
            }
            ')' => return Err(perr(self.src, "unexpected )")),
            c => Node::Lit(c, fl.i),
        })
    }
    fn escape(&mut self, fl: Flags, in_class: bool) -> Result<Node, String> {
        let Some(c) = self.peek() else {
            return Err(perr(self.src, "trailing backslash at end of expression"));
        };
        self.k += 1;
        let digit = vec![('0', '9')];
        let word = vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
        let space = vec![('\t', '\n'), ('\u{c}', '\r'), (' ', ' ')];
        Ok(match c {
            'd' => Node::Class(digit, false, false),
            'D' => Node::Class(digit, true, false),
            'w' => Node::Class(word, false, false),
            'W' => Node::Class(word, true, false),
            's' => Node::Class(space, false, false),
            'S' => Node::Class(space, true, false),
            'b' if !in_class => Node::Assert(Assert::WordB),
            'B' if !in_class => Node::Assert(Assert::NotWordB),
            'A' if !in_class => Node::Assert(Assert::BeginText),
            'z' if !in_class => Node::Assert(Assert::EndText),
            'n' => Node::Lit('\n', false),
            't' => Node::Lit('\t', false),
            'r' => Node::Lit('\r', false),
            'f' => Node::Lit('\u{c}', false),
            'v' => Node::Lit('\u{b}', false),
            'a' => Node::Lit('\u{7}', false),
            'x' => {
                let hex: String = if self.peek() == Some('{') {
                    self.k += 1;
                    let mut h = String::new();
                    while let Some(ch) = self.peek() {
                        self.k += 1;
                        if ch == '}' {
                            break;
                        }
                        h.push(ch);
                    }
                    h
                } else {
                    let h: String = self
                        .c
                        .get(self.k..self.k + 2)
                        .map(|s| s.iter().collect())
                        .unwrap_or_default();
                    self.k += 2;
                    h
                };
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                Node::Lit(
                    ch.ok_or_else(|| perr(self.src, "invalid escape sequence"))?,
                    fl.i,
                )
            }
            c if c.is_ascii_punctuation() => Node::Lit(c, fl.i),
            _ => {
                return Err(perr(
                    self.src,
                    &format!("invalid escape sequence: `\\{}`", c),
                ))
            }
        })
    }
    fn class(&mut self, fl: Flags) -> Result<Node, String> {
        let mut neg = false;
        if self.peek() == Some('^') {
            self.k += 1;
            neg = true;
        }
        let mut ranges: Vec<(char, char)> = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(perr(self.src, "missing closing ]"));
            };
            if c == ']' && !first {
                self.k += 1;
                break;
            }
            first = false;
            if c == '[' && self.c.get(self.k + 1) == Some(&':') {
                return Err(perr(
                    self.src,
                    "POSIX classes are not supported by helm-render",
                ));
            }
            self.k += 1;
            let lo = if c == '\\' {
                match self.escape(fl, true)? {
                    Node::Lit(l, _) => l,
                    Node::Class(r, false, _) => {
                        ranges.extend(r);
                        continue;
                    }
                    Node::Class(r, true, _) => {
                        ranges.extend(negate(&r));
                        continue;
                    }
                    _ => return Err(perr(self.src, "invalid escape in class")),
                }
            } else {
                c
            };
            let mut hi = lo;
            if self.peek() == Some('-') && self.c.get(self.k + 1).is_some_and(|&n| n != ']') {
                self.k += 1;
                let Some(h) = self.peek() else {
                    return Err(perr(self.src, "missing closing ]"));
                };
                self.k += 1;
                hi = if h == '\\' {
                    match self.escape(fl, true)? {
                        Node::Lit(l, _) => l,
                        _ => return Err(perr(self.src, "invalid character class range")),
                    }
                } else {
                    h
                };
                if hi < lo {
                    return Err(perr(self.src, "invalid character class range"));
                }
            }
            ranges.push((lo, hi));
        }
        Ok(Node::Class(ranges, neg, fl.i))
    }
}

fn negate(r: &[(char, char)]) -> Vec<(char, char)> {
    let mut v = r.to_vec();
    v.sort();
    let mut out = Vec::new();
    let mut next = 0u32;
    for (lo, hi) in v {
        if (lo as u32) > next {
            if let (Some(a), Some(b)) = (char::from_u32(next), char::from_u32(lo as u32 - 1)) {
                out.push((a, b));
            }
        }
        next = next.max(hi as u32 + 1);
    }
    if let Some(a) = char::from_u32(next) {
        out.push((a, char::MAX));
    }
    out
}

struct Compiler {
    prog: Vec<Inst>,
}

impl Compiler {
    fn emit(&mut self, i: Inst) -> Result<usize, String> {
        if self.prog.len() >= MAX_PROG {
            return Err("error parsing regexp: expression too large".into());
        }
        self.prog.push(i);
        Ok(self.prog.len() - 1)
    }
    fn patch(&mut self, at: usize, i: Inst) {
        if let Some(slot) = self.prog.get_mut(at) {
            *slot = i;
        }
    }
    fn node(&mut self, n: &Node) -> Result<(), String> {
        match n {
            Node::Empty => {}
            Node::Lit(c, i) => {
                self.emit(Inst::Char(*c, *i))?;
            }
            Node::Any(s) => {
                self.emit(Inst::Any(*s))?;
            }
            Node::Class(r, neg, i) => {
                self.emit(Inst::Class(r.clone(), *neg, *i))?;
            }
            Node::Assert(a) => {
                self.emit(Inst::Assert(*a))?;
            }
            Node::Group(inner, cap) => {
                if let Some(c) = cap {
                    self.emit(Inst::Save(2 * c))?;
                }
                self.node(inner)?;
                if let Some(c) = cap {
                    self.emit(Inst::Save(2 * c + 1))?;
                }
            }
            Node::Concat(items) => {
                for i in items {
                    self.node(i)?;
                }
            }
            Node::Alt(alts) => {
                let mut jumps = Vec::new();
                let n = alts.len();
                for (k, a) in alts.iter().enumerate() {
                    if k + 1 < n {
                        let split = self.emit(Inst::Split(0, 0))?;
                        self.node(a)?;
                        jumps.push(self.emit(Inst::Jmp(0))?);
                        let next = self.prog.len();
                        self.patch(split, Inst::Split(split + 1, next));
                    } else {
                        self.node(a)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.patch(j, Inst::Jmp(end));
                }
            }
            Node::Repeat(inner, min, max, greedy) => {
                for _ in 0..*min {
                    self.node(inner)?;
                }
                match max {
                    None => {
                        // x*: L: split body, end; body; jmp L
                        let l = self.emit(Inst::Split(0, 0))?;
                        self.node(inner)?;
                        self.emit(Inst::Jmp(l))?;
                        let end = self.prog.len();
                        self.patch(
                            l,
                            if *greedy {
                                Inst::Split(l + 1, end)
                            } else {
                                Inst::Split(end, l + 1)
                            },
                        );
                    }
                    Some(mx) => {
                        let mut splits = Vec::new();
                        for _ in *min..*mx {
                            splits.push(self.emit(Inst::Split(0, 0))?);
                            self.node(inner)?;
                        }
                        let end = self.prog.len();
                        for s in splits {
                            self.patch(
                                s,
                                if *greedy {
                                    Inst::Split(s + 1, end)
                                } else {
                                    Inst::Split(end, s + 1)
                                },
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn class_match(r: &[(char, char)], neg: bool, ci: bool, c: char) -> bool {
    let hit = |x: char| r.iter().any(|&(lo, hi)| lo <= x && x <= hi);
    let m = hit(c) || (ci && (hit(fold(c)) || c.to_uppercase().next().is_some_and(hit)));
    m != neg
}

impl Regex {
    pub fn new(src: &str) -> Result<Regex, String> {
        let mut p = Parser {
            c: src.chars().collect(),
            k: 0,
            ncap: 0,
            names: Vec::new(),
            src,
        };
        let mut fl = Flags::default();
        let node = p.alt(&mut fl, 0)?;
        if p.k < p.c.len() {
            return Err(perr(src, "unexpected )"));
        }
        let mut c = Compiler { prog: Vec::new() };
        c.emit(Inst::Save(0))?;
        c.node(&node)?;
        c.emit(Inst::Save(1))?;
        c.emit(Inst::Match)?;
        Ok(Regex {
            prog: c.prog,
            ncap: p.ncap,
            names: p.names,
        })
    }

    /// Leftmost-first match at or after char index `start`; capture slots are char indexes.
    fn exec(&self, chars: &[char], start: usize) -> Option<Vec<Option<usize>>> {
        let nslots = 2 * (self.ncap + 1);
        let n = self.prog.len();
        let mut clist: Vec<(usize, Vec<Option<usize>>)> = Vec::new();
        let mut nlist: Vec<(usize, Vec<Option<usize>>)> = Vec::new();
        let mut seen = vec![usize::MAX; n];
        let mut matched: Option<Vec<Option<usize>>> = None;
        let mut pos = start;
        loop {
            if matched.is_none() {
                let caps = vec![None; nslots];
                self.add(&mut clist, &mut seen, 0, pos, caps, chars);
            }
            let cur = chars.get(pos).copied();
            if clist.is_empty() && (matched.is_some() || cur.is_none()) {
                break;
            }
            for (pc, caps) in std::mem::take(&mut clist) {
                let ok = match self.prog.get(pc) {
                    Some(Inst::Match) => {
                        matched = Some(caps);
                        break;
                    }
                    Some(Inst::Char(c, ci)) => {
                        cur.is_some_and(|x| x == *c || (*ci && fold(x) == fold(*c)))
                    }
                    Some(Inst::Any(s)) => cur.is_some_and(|x| *s || x != '\n'),
                    Some(Inst::Class(r, neg, ci)) => {
                        cur.is_some_and(|x| class_match(r, *neg, *ci, x))
                    }
                    _ => false,
                };
                if ok {
                    self.add(&mut nlist, &mut seen, pc + 1, pos + 1, caps, chars);
                }
            }
            if cur.is_none() {
                break;
            }
            pos += 1;
            std::mem::swap(&mut clist, &mut nlist);
            nlist.clear();
        }
        matched
    }

    /// Follow empty transitions from `pc` (explicit stack; keeps priority order).
    fn add(
        &self,
        list: &mut Vec<(usize, Vec<Option<usize>>)>,
        seen: &mut [usize],
        pc: usize,
        pos: usize,
        caps: Vec<Option<usize>>,
        chars: &[char],
    ) {
        let mut stack = vec![(pc, caps)];
        while let Some((pc, mut caps)) = stack.pop() {
            match seen.get_mut(pc) {
                Some(s) if *s == pos => continue,
                Some(s) => *s = pos,
                None => continue,
            }
            match self.prog.get(pc) {
                Some(Inst::Jmp(t)) => stack.push((*t, caps)),
                Some(Inst::Split(a, b)) => {
                    stack.push((*b, caps.clone()));
                    stack.push((*a, caps));
                }
                Some(Inst::Save(k)) => {
                    if let Some(slot) = caps.get_mut(*k) {
                        *slot = Some(pos);
                    }
                    stack.push((pc + 1, caps));
                }
                Some(Inst::Assert(a)) => {
                    let prev = pos.checked_sub(1).and_then(|p| chars.get(p)).copied();
                    let next = chars.get(pos).copied();
                    let ok = match a {
                        Assert::BeginText => pos == 0,
                        Assert::EndText => pos == chars.len(),
                        Assert::BeginLine => pos == 0 || prev == Some('\n'),
                        Assert::EndLine => pos == chars.len() || next == Some('\n'),
                        Assert::WordB => is_word(prev) != is_word(next),
                        Assert::NotWordB => is_word(prev) == is_word(next),
                    };
                    if ok {
                        stack.push((pc + 1, caps));
                    }
                }
                Some(_) => list.push((pc, caps)),
                None => {}
            }
        }
    }

    /// All non-overlapping matches (Go's `FindAll` rules for empty matches), as char-index
    /// capture vectors; at most `limit` (negative = all).
    fn all(&self, chars: &[char], limit: i64) -> Vec<Vec<Option<usize>>> {
        let mut out = Vec::new();
        let mut pos = 0;
        let mut prev_end: Option<usize> = None;
        while pos <= chars.len() {
            if limit >= 0 && out.len() as i64 >= limit {
                break;
            }
            let Some(caps) = self.exec(chars, pos) else {
                break;
            };
            let (s, e) = match (
                caps.first().copied().flatten(),
                caps.get(1).copied().flatten(),
            ) {
                (Some(s), Some(e)) => (s, e),
                _ => break,
            };
            if e == s && prev_end == Some(s) {
                // Empty match right after the previous match: skip one char.
                pos = s + 1;
                continue;
            }
            out.push(caps);
            prev_end = Some(e);
            pos = if e > s { e } else { e + 1 };
        }
        out
    }

    pub fn is_match(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        self.exec(&chars, 0).is_some()
    }

    pub fn find(&self, s: &str) -> Option<String> {
        let chars: Vec<char> = s.chars().collect();
        let caps = self.exec(&chars, 0)?;
        Some(span(&chars, &caps, 0))
    }

    pub fn find_all(&self, s: &str, n: i64) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        self.all(&chars, n)
            .iter()
            .map(|c| span(&chars, c, 0))
            .collect()
    }

    /// Go `ReplaceAllString` (`literal` = `ReplaceAllLiteralString`).
    pub fn replace_all(&self, s: &str, repl: &str, literal: bool) -> String {
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::new();
        let mut last = 0;
        for caps in self.all(&chars, -1) {
            let (Some(st), Some(en)) = (
                caps.first().copied().flatten(),
                caps.get(1).copied().flatten(),
            ) else {
                continue;
            };
            out.extend(chars.get(last..st).unwrap_or_default());
            if literal {
                out.push_str(repl);
            } else {
                self.expand(&mut out, repl, &chars, &caps);
            }
            last = en;
        }
        out.extend(chars.get(last..).unwrap_or_default());
        out
    }

    /// Go `regexp.Split`.
    pub fn split(&self, s: &str, n: i64) -> Vec<String> {
        if n == 0 {
            return Vec::new();
        }
        let chars: Vec<char> = s.chars().collect();
        if s.is_empty() {
            return vec![String::new()];
        }
        let matches = self.all(&chars, n.saturating_sub(1).max(-1));
        let mut out = Vec::new();
        let mut beg = 0;
        for caps in matches {
            let (Some(st), Some(en)) = (
                caps.first().copied().flatten(),
                caps.get(1).copied().flatten(),
            ) else {
                continue;
            };
            if n > 0 && out.len() as i64 == n - 1 {
                break;
            }
            if en == 0 {
                continue;
            }
            out.push(chars.get(beg..st).unwrap_or_default().iter().collect());
            beg = en;
        }
        out.push(chars.get(beg..).unwrap_or_default().iter().collect());
        out
    }

    fn expand(&self, out: &mut String, tmpl: &str, chars: &[char], caps: &[Option<usize>]) {
        let t: Vec<char> = tmpl.chars().collect();
        let mut k = 0;
        while let Some(&c) = t.get(k) {
            k += 1;
            if c != '$' {
                out.push(c);
                continue;
            }
            match t.get(k) {
                Some('$') => {
                    out.push('$');
                    k += 1;
                }
                Some('{') => {
                    let end = t.get(k..).and_then(|r| r.iter().position(|&x| x == '}'));
                    match end {
                        Some(e) => {
                            let name: String =
                                t.get(k + 1..k + e).unwrap_or_default().iter().collect();
                            self.push_group(out, &name, chars, caps);
                            k += e + 1;
                        }
                        None => out.push('$'),
                    }
                }
                _ => {
                    let st = k;
                    while t.get(k).is_some_and(|x| x.is_alphanumeric() || *x == '_') {
                        k += 1;
                    }
                    if k == st {
                        out.push('$');
                    } else {
                        let name: String = t.get(st..k).unwrap_or_default().iter().collect();
                        self.push_group(out, &name, chars, caps);
                    }
                }
            }
        }
    }

    fn push_group(&self, out: &mut String, name: &str, chars: &[char], caps: &[Option<usize>]) {
        let idx = match name.parse::<usize>() {
            Ok(i) => Some(i),
            Err(_) => self.names.iter().find(|(n, _)| n == name).map(|(_, i)| *i),
        };
        if let Some(i) = idx {
            out.push_str(&span(chars, caps, i));
        }
    }
}

fn span(chars: &[char], caps: &[Option<usize>], g: usize) -> String {
    match (
        caps.get(2 * g).copied().flatten(),
        caps.get(2 * g + 1).copied().flatten(),
    ) {
        (Some(s), Some(e)) if s <= e => chars.get(s..e).unwrap_or_default().iter().collect(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_basics() {
        let r = |p: &str| Regex::new(p).unwrap();
        assert_eq!(r("[0-9]+").replace_all("a12b3", "N", false), "aNbN");
        assert!(r("^a").is_match("abc"));
        assert!(!r("^b").is_match("abc"));
        assert_eq!(
            r("a(x*)b").replace_all("-ab-axxb-", "${1}W", false),
            "-W-xxW-"
        );
        assert_eq!(r("a(x*)b").replace_all("-ab-axxb-", "$1W", false), "---");
        assert_eq!(r("x*").replace_all("abc", "-", false), "-a-b-c-");
        assert_eq!(r("(?i)HeLLo").find("say hello!"), Some("hello".into()));
        assert_eq!(
            r(r"\d{2,3}").find_all("1 22 333 4444", -1),
            vec!["22", "333", "444"]
        );
        assert_eq!(r("a|ab").find("ab"), Some("a".into()));
        assert_eq!(r("a+?").find("aaa"), Some("a".into()));
        assert_eq!(r(r"v?(\d+)\.(\d+)").replace_all("v1.22", "$2", false), "22");
        assert_eq!(r(",").split("a,b,c", -1), vec!["a", "b", "c"]);
        assert_eq!(r(r"\bfoo\b").find_all("foo food foo", -1).len(), 2);
        assert!(Regex::new("a(").is_err());
        assert!(r("(a+)+$").is_match(&"a".repeat(40)));
    }
}
