//! Robustness: random token soups and mutated real templates must parse/render to Ok or Err,
//! never panic or hang (deterministic pseudo-random generator, no dependencies).
//! Must not: depend on anything outside this crate.

use cct_lint::render::{Templates, Value};

const FRAGS: &[&str] = &[
    "{{",
    "}}",
    "{{- ",
    " -}}",
    " ",
    "\n",
    "if ",
    "else ",
    "range ",
    "with ",
    "end",
    "define ",
    "template ",
    "block ",
    "break",
    "continue",
    ".",
    ".Values",
    ".a",
    ".list",
    ".m",
    "$",
    "$x",
    "$y",
    " := ",
    " = ",
    ", ",
    " | ",
    "(",
    ")",
    "\"n\"",
    "\"s\"",
    "\"%d %s %v\"",
    "1",
    "-1",
    "0x1F",
    "1.5",
    "'a'",
    "`raw`",
    "nil",
    "true",
    "include ",
    "tpl ",
    "printf ",
    "toYaml ",
    "toJson ",
    "fromYaml ",
    "dict ",
    "list ",
    "set ",
    "unset ",
    "merge ",
    "index ",
    "slice ",
    "len ",
    "default ",
    "eq ",
    "lt ",
    "and ",
    "or ",
    "not ",
    "quote ",
    "nindent 2 ",
    "until ",
    "trunc ",
    "regexReplaceAll ",
    "\"[a-z]+\"",
    "\"(a|\"",
    "required ",
    "fail ",
    "/* c */",
    "splitList ",
    "join ",
    "deepCopy ",
    "semverCompare ",
    "\">=1.0\"",
    "b64dec ",
    "print ",
];

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

fn values() -> Value {
    Value::from(serde_json::json!({
        "Values": {"a": {"b": 1}, "list": [1, "x", null], "m": {"k": "v"}, "s": "{{ .Values.a }}"},
    }))
}

fn run() {
    let mut rng = Lcg(42);
    let root = values();
    let mut ok = 0;
    for i in 0..6_000 {
        let n = 1 + rng.next() % 24;
        let mut src = String::new();
        if i % 3 == 0 {
            src.push_str("{{ define \"n\" }}{{ include \"n\" . }}{{ end }}");
        }
        for _ in 0..n {
            src.push_str(FRAGS[rng.next() % FRAGS.len()]);
        }
        let mut t = Templates::new();
        t.max_include_depth = 50;
        if t.add("t", &src).is_ok() && t.render("t", root.clone()).is_ok() {
            ok += 1;
        }
    }
    eprintln!("fuzz: {} of 6000 random templates rendered", ok);
}

#[test]
fn random_templates_never_panic() {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn mutated_yaml_never_panics() {
    let base = "a:\n  - b: 'x'\n    c: [1, {d: e}]\n  - |\n    lit\nf: \"q\\n\" # c\n";
    let mut rng = Lcg(7);
    for _ in 0..5_000 {
        let mut s: Vec<char> = base.chars().collect();
        for _ in 0..(1 + rng.next() % 4) {
            let k = rng.next() % s.len();
            let c = [
                '[', ']', '{', '}', ':', '-', ' ', '\n', '\'', '"', '#', '|', '>', 'x',
            ][rng.next() % 14];
            if rng.next().is_multiple_of(2) {
                s[k] = c;
            } else {
                s.insert(k, c);
            }
        }
        let src: String = s.into_iter().collect();
        let _ = cct_lint::render::yaml_read::from_yaml(&src);
    }
}

#[test]
fn random_regexes_printf_and_yaml_strings_never_panic() {
    const RE: &[&str] = &[
        "a", "b", ".", "*", "+", "?", "*?", "{2}", "{1,3}", "{2,}", "(", ")", "(?:", "(?i)",
        "(?P<n>", "|", "[", "]", "[^", "a-z", "\\d", "\\w", "\\s", "\\b", "^", "$", "\\",
        "\\x{41}", "{", "}", "-",
    ];
    const FMT: &[&str] = &[
        "%", "d", "s", "v", "q", "x", "5", ".2", "-", "+", "#", "0", "*", "f", "g", "e", "T", "c",
        "%%", "a",
    ];
    let mut rng = Lcg(99);
    let args = [
        Value::Int(-42),
        Value::Float(-0.5),
        Value::str("h\u{e9}llo"),
        Value::Nil,
        Value::Bool(true),
        Value::new_list(vec![Value::Int(1), Value::Nil]),
    ];
    for _ in 0..5_000 {
        let mut p = String::new();
        for _ in 0..(1 + rng.next() % 8) {
            p.push_str(RE[rng.next() % RE.len()]);
        }
        if let Ok(r) = cct_lint::render::regex::Regex::new(&p) {
            for s in ["", "abc", "aaa-bbb 12", "\u{e9}\n\n"] {
                let _ = r.is_match(s);
                let _ = r.replace_all(s, "$1${n}$$x", false);
                let _ = r.split(s, -1);
                let _ = r.find_all(s, 3);
            }
        }
        let mut f = String::new();
        for _ in 0..(1 + rng.next() % 8) {
            f.push_str(FMT[rng.next() % FMT.len()]);
        }
        let k = rng.next() % 4;
        let _ = cct_lint::render::fmt::sprintf(&f, &args[..k]);
        let y = f.replace('a', " ").replace('d', "\n").replace('s', "'");
        let _ = cct_lint::render::yaml::to_yaml(&Value::str(&y));
    }
}
