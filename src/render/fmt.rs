//! Go `fmt` for template values: `Sprint`, `Sprintln`, `Sprintf` with the verbs templates use
//! (%v %s %d %q %t %f %e %g %x %X %o %b %c %T %%), flags, width and precision, and Go's
//! error forms (`%!d(float64=8080)`, `%!s(MISSING)`, `%!(EXTRA ...)`).
//! Must not: panic on any format string or argument list.

use crate::render::value::{format_float_g, go_quote, Value, MAX_DEPTH};

/// Go `fmt.Sprint`: operands separated by a space when neither side is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::Str(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        out.push_str(&a.to_go_string());
        prev_string = is_string;
    }
    out
}

/// Go `fmt.Sprintln`: always spaces, trailing newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = args
        .iter()
        .map(|a| a.to_go_string())
        .collect::<Vec<_>>()
        .join(" ");
    out.push('\n');
    out
}

#[derive(Default, Clone, Copy)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Go `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut argi = 0usize;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut sp = Spec::default();
        loop {
            match chars.peek() {
                Some('-') => sp.minus = true,
                Some('+') => sp.plus = true,
                Some('#') => sp.sharp = true,
                Some(' ') => sp.space = true,
                Some('0') => sp.zero = true,
                _ => break,
            }
            chars.next();
        }
        let mut width = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(*d);
            chars.next();
        }
        if chars.peek() == Some(&'*') {
            chars.next();
            if let Some(Value::Int(n)) = args.get(argi) {
                sp.width = Some((*n).clamp(0, 10_000) as usize);
            }
            argi += 1;
        } else if !width.is_empty() {
            sp.width = width.parse().ok().map(|w: usize| w.min(10_000));
        }
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(*d);
                chars.next();
            }
            sp.prec = Some(p.parse().unwrap_or(0usize).min(10_000));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        match args.get(argi) {
            None => out.push_str(&format!("%!{}(MISSING)", verb)),
            Some(v) => out.push_str(&format_one(v, verb, sp, 0)),
        }
        argi += 1;
    }
    if argi < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args
            .get(argi..)
            .unwrap_or_default()
            .iter()
            .map(|v| match v {
                Value::Nil => "<nil>".to_string(),
                v => format!("{}={}", v.type_name(), v.to_go_string()),
            })
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

fn bad_verb(v: &Value, verb: char) -> String {
    match v {
        Value::Nil => format!("%!{}(<nil>)", verb),
        v => format!("%!{}({}={})", verb, v.type_name(), v.to_go_string()),
    }
}

fn pad(s: String, sp: Spec, numeric: bool) -> String {
    let Some(w) = sp.width else { return s };
    let n = s.chars().count();
    if n >= w {
        return s;
    }
    let fill = w - n;
    if sp.minus {
        format!("{}{}", s, " ".repeat(fill))
    } else if sp.zero && numeric {
        let (sign, rest) = match s.strip_prefix(['-', '+']) {
            Some(r) => (s.get(..1).unwrap_or(""), r),
            None => ("", s.as_str()),
        };
        format!("{}{}{}", sign, "0".repeat(fill), rest)
    } else {
        format!("{}{}", " ".repeat(fill), s)
    }
}

fn sign(neg: bool, sp: Spec) -> &'static str {
    if neg {
        "-"
    } else if sp.plus {
        "+"
    } else if sp.space {
        " "
    } else {
        ""
    }
}

fn format_one(v: &Value, verb: char, sp: Spec, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return "...".into();
    }
    // Containers: the verb applies to the elements.
    match v {
        Value::List(l) if verb != 'T' && verb != 'v' => {
            let items: Vec<String> = l
                .borrow()
                .iter()
                .map(|e| {
                    format_one(
                        e,
                        verb,
                        Spec {
                            width: sp.width,
                            ..Spec::default()
                        },
                        depth + 1,
                    )
                })
                .collect();
            return format!("[{}]", items.join(" "));
        }
        Value::Map(m) if verb != 'T' && verb != 'v' => {
            let items: Vec<String> = m
                .borrow()
                .iter()
                .map(|(k, e)| {
                    format!(
                        "{}:{}",
                        format_one(&Value::str(k), verb, Spec::default(), depth + 1),
                        format_one(e, verb, Spec::default(), depth + 1)
                    )
                })
                .collect();
            return format!("map[{}]", items.join(" "));
        }
        _ => {}
    }
    match verb {
        'v' => {
            let s = match v {
                Value::Int(i) => format!("{}{}", sign(*i < 0, sp), i.unsigned_abs()),
                Value::Float(f) if sp.plus && *f >= 0.0 => format!("+{}", format_float_g(*f)),
                _ => v.to_go_string(),
            };
            pad(s, sp, matches!(v, Value::Int(_) | Value::Float(_)))
        }
        'T' => pad(v.type_name(), sp, false),
        's' => match v {
            Value::Str(s) => pad(truncate(s, sp.prec), sp, false),
            Value::Object(_) => pad(v.to_go_string(), sp, false),
            _ => bad_verb(v, verb),
        },
        'q' => match v {
            Value::Str(s) => pad(go_quote(&truncate(s, sp.prec)), sp, false),
            Value::Int(i) => pad(quote_rune(*i), sp, false),
            _ => bad_verb(v, verb),
        },
        't' => match v {
            Value::Bool(b) => pad(b.to_string(), sp, false),
            _ => bad_verb(v, verb),
        },
        'd' => match v {
            Value::Int(i) => {
                let mut digits = i.unsigned_abs().to_string();
                if let Some(p) = sp.prec {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                pad(
                    format!("{}{}", sign(*i < 0, sp), digits),
                    sp,
                    sp.prec.is_none(),
                )
            }
            _ => bad_verb(v, verb),
        },
        'x' | 'X' | 'o' | 'b' | 'O' => match v {
            Value::Int(i) => {
                let a = i.unsigned_abs();
                let body = match verb {
                    'x' => format!("{:x}", a),
                    'X' => format!("{:X}", a),
                    'o' | 'O' => format!("{:o}", a),
                    _ => format!("{:b}", a),
                };
                let prefix = match (verb, sp.sharp) {
                    ('x', true) => "0x",
                    ('X', true) => "0X",
                    ('o', true) => "0",
                    ('O', _) => "0o",
                    _ => "",
                };
                pad(format!("{}{}{}", sign(*i < 0, sp), prefix, body), sp, true)
            }
            Value::Str(s) if verb == 'x' || verb == 'X' => {
                let h: String = s
                    .bytes()
                    .map(|b| {
                        if verb == 'x' {
                            format!("{:02x}", b)
                        } else {
                            format!("{:02X}", b)
                        }
                    })
                    .collect();
                pad(h, sp, false)
            }
            _ => bad_verb(v, verb),
        },
        'c' => match v {
            Value::Int(i) => pad(
                u32::try_from(*i)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{fffd}')
                    .to_string(),
                sp,
                false,
            ),
            _ => bad_verb(v, verb),
        },
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => match v {
            Value::Float(f) => pad(format_float(*f, verb, sp), sp, true),
            _ => bad_verb(v, verb),
        },
        _ => bad_verb(v, verb),
    }
}

fn truncate(s: &str, prec: Option<usize>) -> String {
    match prec {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    }
}

fn quote_rune(i: i64) -> String {
    let c = u32::try_from(i)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}');
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = go_quote(&c.to_string());
            let inner = q.get(1..q.len().saturating_sub(1)).unwrap_or("");
            format!("'{}'", inner)
        }
    }
}

fn format_float(f: f64, verb: char, sp: Spec) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let neg = f.is_sign_negative() && f != 0.0;
    let a = f.abs();
    let body = match verb {
        'f' | 'F' => format!("{:.*}", sp.prec.unwrap_or(6), a),
        'e' | 'E' => {
            let s = match sp.prec {
                Some(p) => go_exp(&format!("{:.*e}", p, a)),
                None => go_exp(&format!("{:.6e}", a)),
            };
            if verb == 'E' {
                s.to_uppercase()
            } else {
                s
            }
        }
        _ => {
            let s = match sp.prec {
                None => format_float_g(a),
                Some(p) => {
                    let p = p.max(1);
                    let e = go_exp(&format!("{:.*e}", p - 1, a));
                    let exp: i32 = e
                        .split_once('e')
                        .and_then(|(_, x)| x.parse().ok())
                        .unwrap_or(0);
                    if exp < -4 || exp >= p as i32 {
                        trim_exp_zeros(&e)
                    } else {
                        let decimals = (p as i32 - 1 - exp).max(0) as usize;
                        let s = format!("{:.*}", decimals, a);
                        if s.contains('.') {
                            s.trim_end_matches('0').trim_end_matches('.').to_string()
                        } else {
                            s
                        }
                    }
                }
            };
            if verb == 'G' {
                s.to_uppercase()
            } else {
                s
            }
        }
    };
    format!("{}{}", sign(neg, sp), body)
}

/// Rust `1.5e3` -> Go `1.5e+03`.
fn go_exp(s: &str) -> String {
    let Some((m, e)) = s.split_once('e') else {
        return s.to_string();
    };
    let (neg, digits) = match e.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, e),
    };
    let digits = if digits.len() < 2 {
        format!("0{}", digits)
    } else {
        digits.to_string()
    };
    format!("{}e{}{}", m, if neg { '-' } else { '+' }, digits)
}

fn trim_exp_zeros(s: &str) -> String {
    match s.split_once('e') {
        Some((m, e)) if m.contains('.') => {
            format!("{}e{}", m.trim_end_matches('0').trim_end_matches('.'), e)
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printf_like_go() {
        let l = Value::new_list(vec![Value::str("a"), Value::str("b")]);
        assert_eq!(sprintf("%d", &[Value::Float(8080.0)]), "%!d(float64=8080)");
        assert_eq!(sprintf("%s-%s", &[Value::str("a"), Value::str("b")]), "a-b");
        assert_eq!(sprintf("%s", std::slice::from_ref(&l)), "[a b]");
        assert_eq!(
            sprintf("%v %q", &[Value::Int(3), Value::str("q")]),
            "3 \"q\""
        );
        assert_eq!(
            sprintf(
                "%05d|%-3d|%x",
                &[Value::Int(42), Value::Int(1), Value::Int(255)]
            ),
            "00042|1  |ff"
        );
        assert_eq!(
            sprintf("%.2f %t", &[Value::Float(1.005), Value::Bool(true)]),
            "1.00 true"
        );
        assert_eq!(sprintf("%s", &[]), "%!s(MISSING)");
        assert_eq!(sprintf("a", &[Value::Int(1)]), "a%!(EXTRA int=1)");
        assert_eq!(sprintf("%e", &[Value::Float(1500.0)]), "1.500000e+03");
        assert_eq!(sprintf("%.3g", &[Value::Float(1234.5)]), "1.23e+03");
        assert_eq!(
            sprint(&[
                Value::str("a"),
                Value::Int(1),
                Value::Int(2),
                Value::str("b")
            ]),
            "a1 2b"
        );
    }
}
