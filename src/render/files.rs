//! Host objects of a Helm render: `.Files` (Get, GetBytes, Glob, Lines, AsConfig, AsSecrets,
//! ranged as path → content), `.Capabilities.KubeVersion` and `.Capabilities.APIVersions`
//! (Helm v4's default API group versions), plus the two glob dialects Helm uses: gobwas/glob
//! for `Files.Glob` (`*` stops at `/`, `**` crosses it, `{a,b}`) and Go's `filepath.Match`
//! for `.helmignore` rules.
//! Must not: read the file system (files are given as bytes), or panic on any pattern.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::render::funcs::codec::b64_encode;
use crate::render::value::{Object, Value};
use crate::render::yaml::to_yaml;

/// A chart's `.Files`: every file that is not Chart.yaml, values.yaml, templates/ or charts/.
/// The second field caches the `%v` text (charts print the root context by mistake, e.g. as a
/// `dict` key, and Go's `%v` of megabytes of CRDs as byte lists is costly to rebuild).
#[derive(Debug, Clone, Default)]
pub struct Files(pub BTreeMap<String, Vec<u8>>, std::cell::OnceCell<Rc<str>>);

impl Files {
    pub fn new(files: BTreeMap<String, Vec<u8>>) -> Files {
        Files(files, std::cell::OnceCell::new())
    }

    fn get(&self, name: &str) -> String {
        self.0
            .get(name)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }

    fn yaml_of(&self, f: impl Fn(&[u8]) -> String) -> String {
        // Helm: keys are base names (later paths overwrite earlier ones, as a Go map does
        // when iterating in sorted order is not guaranteed; sorted order is our choice).
        let m: BTreeMap<String, Value> = self
            .0
            .iter()
            .map(|(k, v)| (base_name(k).to_string(), Value::string(f(v))))
            .collect();
        if m.is_empty() {
            // Helm returns "" for no files only when the map is nil; an empty map is `{}`.
            return "{}".into();
        }
        to_yaml(&Value::new_map(m))
            .map(|s| s.strip_suffix('\n').unwrap_or(&s).to_string())
            .unwrap_or_default()
    }
}

fn base_name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

fn str_arg(args: &[Value]) -> Result<String, String> {
    match args {
        [Value::Str(s)] => Ok(s.to_string()),
        [other] => Err(format!(
            "wrong type for value; expected string; got {}",
            other.type_name()
        )),
        _ => Err(format!("wrong number of args: got {} want 1", args.len())),
    }
}

impl Object for Files {
    fn type_name(&self) -> String {
        "files.Files".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "AsConfig" => Some(Value::string(
                self.yaml_of(|b| String::from_utf8_lossy(b).into_owned()),
            )),
            "AsSecrets" => Some(Value::string(self.yaml_of(b64_encode))),
            _ => None,
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let r = match name {
            "Get" | "GetBytes" => str_arg(args).map(|p| Value::string(self.get(&p))),
            "Lines" => str_arg(args).map(|p| {
                let s = self.get(&p);
                if !self.0.contains_key(&p) || s.is_empty() {
                    return Value::new_list(Vec::new());
                }
                // Helm drops one trailing newline, then splits on "\n".
                let s = s.strip_suffix('\n').unwrap_or(&s);
                Value::new_list(s.split('\n').map(Value::str).collect())
            }),
            "Glob" => str_arg(args).map(|pat| {
                let m = self
                    .0
                    .iter()
                    .filter(|(k, _)| glob_match(&pat, k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Value::Object(Rc::new(Files::new(m)))
            }),
            "AsConfig" | "AsSecrets" => {
                return self.field(name).map(Ok);
            }
            _ => return None,
        };
        Some(r)
    }
    fn format_v(&self) -> String {
        // Go's %v of map[string][]byte: `map[k:[1 2 3] k2:[...]]`.
        let text = self.1.get_or_init(|| {
            let size: usize = self.0.iter().map(|(k, v)| k.len() + 4 * v.len() + 4).sum();
            let mut out = String::with_capacity(size + 5);
            out.push_str("map[");
            for (i, (k, v)) in self.0.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push_str(":[");
                for (j, b) in v.iter().enumerate() {
                    if j > 0 {
                        out.push(' ');
                    }
                    if *b >= 100 {
                        out.push(char::from(b'0' + b / 100));
                    }
                    if *b >= 10 {
                        out.push(char::from(b'0' + b / 10 % 10));
                    }
                    out.push(char::from(b'0' + b % 10));
                }
                out.push(']');
            }
            out.push(']');
            Rc::from(out)
        });
        text.to_string()
    }
    fn to_data(&self) -> Value {
        // Go's JSON encodes []byte as base64.
        Value::new_map(
            self.0
                .iter()
                .map(|(k, v)| (k.clone(), Value::string(b64_encode(v))))
                .collect(),
        )
    }
    fn range_items(&self) -> Option<Vec<(Value, Value)>> {
        // The element is []byte in Helm; we have no byte type, so it is the text.
        Some(
            self.0
                .iter()
                .map(|(k, v)| {
                    (
                        Value::str(k),
                        Value::string(String::from_utf8_lossy(v).into_owned()),
                    )
                })
                .collect(),
        )
    }
    fn truthy(&self) -> bool {
        !self.0.is_empty()
    }
}

/// `.Capabilities.KubeVersion`: prints as its version; fields Version, Major, Minor,
/// GitVersion.
#[derive(Debug, Clone)]
pub struct KubeVersion {
    pub version: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Parses `1.30`, `v1.30.2`, `1.30.0-gke.1`; None when it is not a version.
    pub fn parse(s: &str) -> Option<KubeVersion> {
        let v = crate::render::funcs::semver::Version::parse(s).ok()?;
        let t = s.trim().trim_start_matches('v');
        let mut parts = t.splitn(3, '.');
        let major = parts.next()?.to_string();
        let minor = parts
            .next()
            .map(|m| m.split(['-', '+']).next().unwrap_or(m).to_string())
            .unwrap_or_else(|| "0".into());
        // Helm prints the version normalised by semver ("v1.30" → "v1.30.0").
        let version = format!("v{}", v);
        Some(KubeVersion {
            version,
            major,
            minor,
        })
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> String {
        "*common.KubeVersion".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" | "GitVersion" | "String" => Some(Value::str(&self.version)),
            "Major" => Some(Value::str(&self.major)),
            "Minor" => Some(Value::str(&self.minor)),
            _ => None,
        }
    }
    fn format_v(&self) -> String {
        self.version.clone()
    }
    fn to_data(&self) -> Value {
        Value::new_map(BTreeMap::from([
            ("Version".to_string(), Value::str(&self.version)),
            ("Major".to_string(), Value::str(&self.major)),
            ("Minor".to_string(), Value::str(&self.minor)),
        ]))
    }
}

/// Group versions Helm v4.2 (client-go v1.36) reports by default, in its order.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `.Capabilities.APIVersions`: a list of group versions with a `Has` method.
#[derive(Debug, Clone)]
pub struct ApiVersions(pub Vec<String>);

impl Object for ApiVersions {
    fn type_name(&self) -> String {
        "common.VersionSet".into()
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match name {
            "Has" => Some(str_arg(args).map(|s| Value::Bool(self.0.contains(&s)))),
            _ => None,
        }
    }
    fn format_v(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn to_data(&self) -> Value {
        Value::new_list(self.0.iter().map(|s| Value::str(s)).collect())
    }
    fn range_items(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .enumerate()
                .map(|(i, s)| (Value::Int(i as i64), Value::str(s)))
                .collect(),
        )
    }
}

/// gobwas/glob with `/` as separator, as Helm's `Files.Glob` compiles it: `*` matches within
/// one path element, `**` across elements, `?` one non-separator character, `[abc]`, `[!a-z]`,
/// `{a,b}` alternatives, `\` escapes.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let mut budget = 100_000usize;
    match_here(&p, &n, true, &mut budget)
}

/// Go's `filepath.Match` (used by `.helmignore`): like [`glob_match`] without `**` and braces,
/// `[^a]` negation accepted.
pub fn path_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let mut budget = 100_000usize;
    match_here(&p, &n, false, &mut budget)
}

/// Backtracking matcher; `budget` bounds the work so a hostile pattern cannot hang us.
fn match_here(p: &[char], n: &[char], gobwas: bool, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some((&c, rest)) = p.split_first() else {
        return n.is_empty();
    };
    match c {
        '*' => {
            let (super_star, rest) = match rest.split_first() {
                Some((&'*', r)) if gobwas => (true, r),
                _ => (false, rest),
            };
            for i in 0..=n.len() {
                if i > 0 && !super_star && n.get(i - 1) == Some(&'/') {
                    break;
                }
                if match_here(rest, n.get(i..).unwrap_or_default(), gobwas, budget) {
                    return true;
                }
            }
            false
        }
        '?' => match n.split_first() {
            Some((&ch, nrest)) if ch != '/' => match_here(rest, nrest, gobwas, budget),
            _ => false,
        },
        '[' => {
            let Some((&ch, nrest)) = n.split_first() else {
                return false;
            };
            match class_match(rest, ch, gobwas) {
                Some((true, after)) if ch != '/' || gobwas => {
                    match_here(after, nrest, gobwas, budget)
                }
                _ => false,
            }
        }
        '{' if gobwas => {
            let Some((alts, after)) = split_braces(rest) else {
                return false;
            };
            alts.iter().any(|alt| {
                let mut pat = alt.clone();
                pat.extend_from_slice(after);
                match_here(&pat, n, gobwas, budget)
            })
        }
        '\\' => match (rest.split_first(), n.split_first()) {
            (Some((&lit, prest)), Some((&ch, nrest))) if lit == ch => {
                match_here(prest, nrest, gobwas, budget)
            }
            _ => false,
        },
        _ => match n.split_first() {
            Some((&ch, nrest)) if ch == c => match_here(rest, nrest, gobwas, budget),
            _ => false,
        },
    }
}

/// Matches `ch` against a class body starting after `[`; returns (matched, rest after `]`).
fn class_match(p: &[char], ch: char, gobwas: bool) -> Option<(bool, &[char])> {
    let mut i = 0;
    let negate = matches!(p.first(), Some('!')) || (!gobwas && matches!(p.first(), Some('^')));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let c = *p.get(i)?;
        if c == ']' && !first {
            break;
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            *p.get(i)?
        } else {
            c
        };
        i += 1;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|&c| c != ']') {
            let hi = *p.get(i + 1)?;
            i += 2;
            if lo <= ch && ch <= hi {
                matched = true;
            }
        } else if lo == ch {
            matched = true;
        }
    }
    Some((matched != negate, p.get(i + 1..).unwrap_or_default()))
}

/// Splits `a,b}rest` (after `{`) into alternatives and the rest; nested braces are kept whole.
fn split_braces(p: &[char]) -> Option<(Vec<Vec<char>>, &[char])> {
    let mut depth = 0usize;
    let mut alts = vec![Vec::new()];
    let mut i = 0;
    while let Some(&c) = p.get(i) {
        match c {
            '\\' => {
                if let (Some(cur), Some(&n)) = (alts.last_mut(), p.get(i + 1)) {
                    cur.push('\\');
                    cur.push(n);
                }
                i += 2;
                continue;
            }
            '{' => depth += 1,
            '}' if depth == 0 => return Some((alts, p.get(i + 1..).unwrap_or_default())),
            '}' => depth -= 1,
            ',' if depth == 0 => {
                alts.push(Vec::new());
                i += 1;
                continue;
            }
            _ => {}
        }
        if let Some(cur) = alts.last_mut() {
            cur.push(c);
        }
        i += 1;
    }
    None
}

/// `.helmignore` rules (Helm's `ignore` package): `#` comments, `!` negation, a trailing `/`
/// for directories only, a leading `/` or any `/` to match the whole relative path, otherwise
/// the base name. `**` is rejected by Helm; such a rule never matches here.
#[derive(Debug, Clone, Default)]
pub struct IgnoreRules {
    rules: Vec<IgnoreRule>,
}

#[derive(Debug, Clone)]
struct IgnoreRule {
    pattern: String,
    negate: bool,
    dir_only: bool,
    whole_path: bool,
}

impl IgnoreRules {
    /// Parses a `.helmignore` file and adds Helm's default rule (`templates/.?*`).
    pub fn parse(text: &str) -> IgnoreRules {
        let mut rules = Vec::new();
        for line in text.lines().chain(std::iter::once("templates/.?*")) {
            let mut rule = line.trim();
            if rule.is_empty() || rule.starts_with('#') || rule.contains("**") {
                continue;
            }
            let negate = rule.starts_with('!');
            if negate {
                rule = &rule[1..];
            }
            let dir_only = rule.ends_with('/');
            let rule = rule.trim_end_matches('/');
            let whole_path = rule.contains('/');
            let rule = rule.strip_prefix('/').unwrap_or(rule);
            if rule.is_empty() {
                continue;
            }
            rules.push(IgnoreRule {
                pattern: rule.to_string(),
                negate,
                dir_only,
                whole_path,
            });
        }
        IgnoreRules { rules }
    }

    /// Whether `path` (relative, `/`-separated) is ignored; Helm's rule order: the first
    /// matching rule decides, a negated rule ignores what it does not match.
    pub fn ignored(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." {
            return false;
        }
        for r in &self.rules {
            let subject = if r.whole_path { path } else { base_name(path) };
            if r.negate {
                if r.dir_only && !is_dir {
                    return true;
                }
                if !path_match(&r.pattern, subject) {
                    return true;
                }
                continue;
            }
            if r.dir_only && !is_dir {
                continue;
            }
            if path_match(&r.pattern, subject) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_star_stays_in_one_element_double_star_crosses() {
        assert!(glob_match("files/*", "files/a.txt"));
        assert!(!glob_match("files/*", "files/sub/b.txt"));
        assert!(glob_match("files/**", "files/sub/b.txt"));
        assert!(glob_match("**.conf", "a/b/c.conf"));
        assert!(!glob_match("*.conf", "a/c.conf"));
        assert!(glob_match("files/*.{yaml,json}", "files/x.json"));
        assert!(!glob_match("files/*.{yaml,json}", "files/x.txt"));
        assert!(glob_match("f?les/[a-c].txt", "files/b.txt"));
        assert!(!glob_match("files/[!a-c].txt", "files/b.txt"));
        assert!(glob_match(".hidden", ".hidden"));
        assert!(!glob_match("[", "["));
    }

    #[test]
    fn files_glob_lines_and_as_config() {
        let f = Files::new(BTreeMap::from([
            ("conf/a.conf".to_string(), b"x=1\ny=2\n".to_vec()),
            ("conf/sub/b.conf".to_string(), b"z".to_vec()),
            ("other.txt".to_string(), b"o".to_vec()),
        ]));
        let Some(Ok(Value::Object(g))) = f.call("Glob", &[Value::str("conf/*")]) else {
            panic!("Glob did not return files");
        };
        assert_eq!(g.range_items().map(|v| v.len()), Some(1));
        let Some(Value::Str(cfg)) = g.field("AsConfig") else {
            panic!("AsConfig");
        };
        assert_eq!(&*cfg, "a.conf: |\n  x=1\n  y=2");
        let Some(Ok(Value::List(l))) = f.call("Lines", &[Value::str("conf/a.conf")]) else {
            panic!("Lines");
        };
        assert_eq!(l.borrow().len(), 2);
        assert!(
            matches!(f.call("Get", &[Value::str("nope")]), Some(Ok(Value::Str(s))) if s.is_empty())
        );
    }

    #[test]
    fn helmignore_rules() {
        let r = IgnoreRules::parse("# c\n*.bak\nsecret/\n/top.txt\n");
        assert!(r.ignored("a/b/x.bak", false));
        assert!(r.ignored("secret", true));
        assert!(!r.ignored("secret", false));
        assert!(r.ignored("top.txt", false));
        assert!(r.ignored("templates/.hidden.yaml", false));
        assert!(!r.ignored("templates/x.yaml", false));
        assert!(!r.ignored(".hidden", false));
    }

    #[test]
    fn kube_version_parses_like_helm() {
        let k = KubeVersion::parse("1.30").unwrap();
        assert_eq!(
            (k.version.as_str(), k.major.as_str(), k.minor.as_str()),
            ("v1.30.0", "1", "30")
        );
        assert!(KubeVersion::parse("latest").is_none());
    }
}
