//! Semantic versions and constraints as in Masterminds/semver v3 (used by Sprig `semver` and
//! `semverCompare`): `v` prefix, short versions, prereleases, operators = != > < >= <= ~ ^,
//! wildcards (x, X, *), hyphen ranges, `,`/space AND and `||` OR.
//! Must not: panic on any version or constraint string.

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub meta: String,
    pub original: String,
}

impl Version {
    pub fn parse(s: &str) -> Result<Version, String> {
        let (v, _) =
            parse_partial(s.trim(), false).ok_or_else(|| "Invalid Semantic Version".to_string())?;
        Ok(v)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.meta.is_empty() {
            write!(f, "+{}", self.meta)?;
        }
        Ok(())
    }
}

/// Parse a (possibly partial / wildcard) version; returns the version with missing parts 0
/// and the number of given (non-wildcard) numeric parts.
fn parse_partial(s: &str, allow_wild: bool) -> Option<(Version, usize)> {
    let original = s.to_string();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let (core, meta) = match s.split_once('+') {
        Some((c, m)) => (c, m.to_string()),
        None => (s, String::new()),
    };
    let (core, pre) = match core.split_once('-') {
        Some((c, p)) => (c, p.to_string()),
        None => (core, String::new()),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut nums = [0u64; 3];
    let mut given = 0;
    let mut wild = false;
    for (i, p) in parts.iter().enumerate() {
        if matches!(*p, "x" | "X" | "*") {
            if !allow_wild {
                return None;
            }
            wild = true;
            continue;
        }
        if wild {
            return None;
        }
        let n: u64 = p.parse().ok()?;
        if let Some(slot) = nums.get_mut(i) {
            *slot = n;
        }
        given = i + 1;
    }
    if pre
        .chars()
        .any(|c| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
    {
        return None;
    }
    Some((
        Version {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            pre,
            meta,
            original,
        },
        given,
    ))
}

fn cmp_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let mut ia = a.split('.');
    let mut ib = b.split('.');
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(p), Ok(q)) => p.cmp(&q),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    _ => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

pub fn compare(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| cmp_pre(&a.pre, &b.pre))
}

fn bump(v: &Version, given: usize) -> Version {
    let mut n = Version {
        major: v.major,
        minor: v.minor,
        patch: v.patch,
        pre: String::new(),
        meta: String::new(),
        original: String::new(),
    };
    match given {
        0 => n.major = u64::MAX,
        1 => {
            n.major = v.major.saturating_add(1);
            n.minor = 0;
            n.patch = 0;
        }
        _ => {
            n.minor = v.minor.saturating_add(1);
            n.patch = 0;
        }
    }
    n
}

fn check_one(op: &str, cv: &Version, given: usize, v: &Version) -> bool {
    if !v.pre.is_empty() && cv.pre.is_empty() {
        return false;
    }
    let c = compare(v, cv);
    let upper = || bump(cv, given);
    match op {
        "" | "=" => {
            if given < 3 {
                c != Ordering::Less && compare(v, &upper()) == Ordering::Less
            } else {
                c == Ordering::Equal
            }
        }
        "!=" => {
            if given < 3 {
                !(c != Ordering::Less && compare(v, &upper()) == Ordering::Less)
            } else {
                c != Ordering::Equal
            }
        }
        ">" => {
            if given < 3 {
                compare(v, &upper()) != Ordering::Less
            } else {
                c == Ordering::Greater
            }
        }
        "<" => c == Ordering::Less,
        ">=" | "=>" => c != Ordering::Less,
        "<=" | "=<" => {
            if given < 3 {
                compare(v, &upper()) == Ordering::Less
            } else {
                c != Ordering::Greater
            }
        }
        "~" | "~>" => {
            let up = if given <= 1 { bump(cv, 1) } else { bump(cv, 2) };
            c != Ordering::Less && compare(v, &up) == Ordering::Less
        }
        "^" => {
            let up = if cv.major > 0 || given <= 1 {
                bump(cv, 1)
            } else if cv.minor > 0 || given == 2 {
                bump(cv, 2)
            } else {
                let mut u = bump(cv, 3);
                u.patch = cv.patch.saturating_add(1);
                u.minor = cv.minor;
                u
            };
            c != Ordering::Less && compare(v, &up) == Ordering::Less
        }
        _ => false,
    }
}

const OPS: [&str; 11] = [">=", "=>", "<=", "=<", "!=", "~>", ">", "<", "=", "~", "^"];

fn split_op(s: &str) -> (&str, &str) {
    for op in OPS {
        if let Some(rest) = s.strip_prefix(op) {
            return (op, rest.trim());
        }
    }
    ("", s)
}

/// Masterminds `Constraints.Check` for `constraint` against version `v`.
pub fn check(constraint: &str, v: &Version) -> Result<bool, String> {
    let bad = || format!("improper constraint: {}", constraint);
    for group in constraint.split("||") {
        // Normalise "op  ver" to "opver" and hyphen ranges.
        let toks: Vec<&str> = group
            .split([',', ' '])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        let mut items: Vec<(String, String)> = Vec::new();
        let mut i = 0;
        while let Some(t) = toks.get(i) {
            if toks.get(i + 1) == Some(&"-") {
                let hi = toks.get(i + 2).ok_or_else(bad)?;
                items.push((">=".into(), t.to_string()));
                items.push(("<=".into(), hi.to_string()));
                i += 3;
                continue;
            }
            let (op, rest) = split_op(t);
            if rest.is_empty() {
                let nv = toks.get(i + 1).ok_or_else(bad)?;
                items.push((op.into(), nv.to_string()));
                i += 2;
            } else {
                items.push((op.into(), rest.to_string()));
                i += 1;
            }
        }
        if items.is_empty() {
            return Err(bad());
        }
        let mut ok = true;
        for (op, ver) in &items {
            let (cv, given) = parse_partial(ver, true).ok_or_else(bad)?;
            if !check_one(op, &cv, given, v) {
                ok = false;
                break;
            }
        }
        if ok {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(con: &str, ver: &str) -> bool {
        check(con, &Version::parse(ver).unwrap()).unwrap()
    }

    #[test]
    fn constraints() {
        assert!(c(">=1.19-0", "v1.36.0"));
        assert!(!c(">=1.19", "1.20.0-gke.1"));
        assert!(c(">=1.19-0", "1.20.0-gke.1"));
        assert!(c("<1.19", "1.18.9"));
        assert!(c("~1.2.3", "1.2.9"));
        assert!(!c("~1.2.3", "1.3.0"));
        assert!(c("^1.2", "1.9.0"));
        assert!(c("1.2.x", "1.2.7"));
        assert!(c(">= 1.2, < 2.0", "1.5.0"));
        assert!(c("<1 || >=3", "3.1.0"));
        assert!(c("1.1 - 1.3", "1.2.0"));
    }
}
