//! Feature tests: each template's expected output is what Go text/template + Sprig + Helm
//! produce for it (values are JSON, converted with Helm's numbers-as-float64 rule).
//! Must not: depend on anything outside this crate.

use cct_lint::render::{ErrorKind, Templates, Value};

fn vals() -> Value {
    Value::from(serde_json::json!({
        "name": "web", "num": 3, "big": 1000000, "f": 1.5, "port": 8080, "t": true,
        "list": ["a", "b", "c"], "map": {"zeta": 1, "alpha": "two"}, "empty": "",
        "nested": {"a": {"b": {"c": "deep"}}}, "nul": null,
        "tpl": "{{ .Values.name }}-x"
    }))
}

fn root() -> Value {
    let mut m = std::collections::BTreeMap::new();
    m.insert("Values".to_string(), vals());
    Value::new_map(m)
}

fn render(src: &str) -> Result<String, String> {
    let mut t = Templates::new();
    t.add("t", src).map_err(|e| e.text)?;
    t.render("t", root()).map_err(|e| e.text)
}

#[track_caller]
fn ok(src: &str, want: &str) {
    match render(src) {
        Ok(got) => assert_eq!(got, want, "template: {}", src),
        Err(e) => panic!("template {} failed: {}", src, e),
    }
}

#[track_caller]
fn err(src: &str, want: &str) {
    match render(src) {
        Ok(got) => panic!("template {} rendered {:?}, wanted error {}", src, got, want),
        Err(e) => assert_eq!(e, want, "template: {}", src),
    }
}

#[track_caller]
fn err_contains(src: &str, want: &str) {
    match render(src) {
        Ok(got) => panic!("template {} rendered {:?}, wanted error {}", src, got, want),
        Err(e) => assert!(
            e.contains(want),
            "template {}: error {:?} lacks {:?}",
            src,
            e,
            want
        ),
    }
}

#[test]
fn literals_and_printing() {
    ok("{{ 1 }} {{ 1.5 }} {{ 1000000.0 }} {{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 1e3 }} {{ -3 }} {{ 'a' }}", "1 1.5 1e+06 31 15 15 1000 -3 97");
    ok(
        r#"{{ "a\tb\u00e9" }}|{{ `raw\n` }}|{{ true }}|{{ print nil }}"#,
        "a\tbé|raw\\n|true|<nil>",
    );
    ok(
        "{{ .Values.big }} {{ .Values.port }} {{ .Values.f }} {{ .Values.list }} {{ .Values.map }}",
        "1e+06 8080 1.5 [a b c] map[alpha:two zeta:1]",
    );
    ok(
        "[{{ .Values.missing }}][{{ .Values.nul }}][{{ print nil }}]",
        "[][][<nil>]",
    );
    err(
        "{{ nil }}",
        "template: t:1:3: executing \"t\" at <nil>: nil is not a command",
    );
    ok("{{/* a comment */}}x{{- /* trimmed */ -}}  y", "xy");
    ok("a  {{- 1 -}}  b {{ 2 -}}\n c", "a1b 2c");
    ok("{{ -1 }}{{- -2 }}", "-1-2");
}

#[test]
fn fields_variables_and_chains() {
    ok(
        "{{ .Values.nested.a.b.c }} {{ $.Values.name }} {{ $v := .Values.nested }}{{ $v.a.b.c }}",
        "deep web deep",
    );
    ok("{{ (dict \"a\" (dict \"b\" 7)).a.b }}", "7");
    ok(
        "[{{ (.Values.missing).x }}][{{ $m := .Values.missing }}{{ $m.x }}]",
        "[][]",
    );
    err("{{ .Values.missing.x }}", "template: t:1:10: executing \"t\" at <.Values.missing.x>: nil pointer evaluating interface {}.x");
    err("{{ .Values.name.x }}", "template: t:1:10: executing \"t\" at <.Values.name.x>: can't evaluate field x in type string");
    err("{{ .Values.map.zeta 1 }}", "template: t:1:10: executing \"t\" at <.Values.map.zeta>: zeta is not a method but has arguments");
    ok(
        "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}",
        "2",
    );
    ok(
        "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}",
        "21",
    );
    ok(
        "{{ with $x := .Values.name }}{{ $x }}{{ . }}{{ end }}",
        "webweb",
    );
    err("{{ $x }}", "template: t:1: undefined variable \"$x\"");
    err(
        "{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}",
        "template: t:1: undefined variable \"$y\"",
    );
}

#[test]
fn control_structures() {
    ok(
        "{{ if 0 }}a{{ else if \"\" }}b{{ else if .Values.list }}c{{ else }}d{{ end }}",
        "c",
    );
    ok(
        "{{ with 0 }}x{{ else with 2 }}{{ . }}{{ else }}z{{ end }}",
        "2",
    );
    ok(
        "{{ range $i, $v := .Values.list }}{{ $i }}{{ $v }}{{ end }}",
        "0a1b2c",
    );
    ok(
        "{{ range $k, $v := .Values.map }}{{ $k }}={{ $v }};{{ end }}",
        "alpha=two;zeta=1;",
    );
    ok("{{ range $v := .Values.map }}{{ $v }};{{ end }}", "two;1;");
    ok(
        "{{ range 3 }}{{ . }}{{ end }}|{{ range .Values.missing }}x{{ else }}none{{ end }}",
        "012|none",
    );
    ok(
        "{{ range $i := until 5 }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ $i }}{{ end }}",
        "012",
    );
    ok(
        "{{ range $i := until 5 }}{{ if eq $i 3 }}{{ continue }}{{ end }}{{ $i }}{{ end }}",
        "0124",
    );
    ok(
        "{{ range .Values.list }}{{ range $.Values.list }}{{ break }}{{ end }}{{ . }}{{ end }}",
        "abc",
    );
    err(
        "{{ range .Values.f }}{{ end }}",
        "template: t:1:16: executing \"t\" at <.Values.f>: range can't iterate over 1.5",
    );
    err("{{ break }}", "template: t:1: {{break}} outside {{range}}");
}

#[test]
fn define_template_block_include_tpl() {
    ok("{{ define \"x\" }}[{{ . }}]{{ end }}{{ template \"x\" 5 }}{{ include \"x\" \"s\" | upper }}", "[5][S]");
    ok("{{ block \"b\" .Values.name }}<{{ . }}>{{ end }}", "<web>");
    ok("{{ tpl .Values.tpl . }}|{{ tpl \"{{ define \\\"in\\\" }}I{{ end }}{{ include \\\"in\\\" . }}\" . }}", "web-x|I");
    ok("{{ define \"n\" }}{{ if gt . 0 }}{{ . }}{{ include \"n\" (sub . 1) }}{{ end }}{{ end }}{{ include \"n\" 3 }}", "321");
    err("{{ template \"nope\" }}", "template: t:1:3: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined");
    err_contains("{{ tpl \"{{ .a.b.c }}\" (dict) }}", "error calling tpl: error during tpl function execution for \"{{ .a.b.c }}\": template: gotpl:1:5: executing \"gotpl\" at <.a.b.c>: nil pointer evaluating interface {}.b");
    err_contains("{{ tpl \"{{ nosuch }}\" . }}", "cannot parse template \"{{ nosuch }}\": template: gotpl:1: function \"nosuch\" not defined");
}

#[test]
fn later_define_wins_unless_empty() {
    let mut t = Templates::new();
    t.add("a", "{{ define \"x\" }}one{{ end }}").unwrap();
    t.add(
        "b",
        "{{ define \"x\" }}two{{ end }}{{ define \"x\" }} {{ end }}",
    )
    .unwrap();
    t.add("m", "{{ include \"x\" . }}").unwrap();
    assert_eq!(t.render("m", Value::Nil).unwrap(), "two");
}

#[test]
fn logic_and_comparison() {
    ok("{{ and 1 0 2 }}|{{ or 0 \"\" \"x\" }}|{{ and 1 2 }}|{{ or 0 \"\" }}|{{ not .Values.empty }}", "0|x|2||true");
    ok(
        "{{ and false (fail \"no\") }}{{ or true (fail \"no\") }}",
        "falsetrue",
    );
    ok("{{ eq 1 2 1 }} {{ eq \"a\" \"a\" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }} {{ ge 1.5 .Values.f }}", "true true true true true true true");
    ok(
        "{{ eq .Values.missing nil }} {{ eq .Values.name nil }}",
        "true false",
    );
    err("{{ eq .Values.num 3 }}", "template: t:1:3: executing \"t\" at <eq .Values.num 3>: error calling eq: incompatible types for comparison: float64 and int");
    err("{{ lt 1 1.5 }}", "template: t:1:3: executing \"t\" at <lt 1 1.5>: error calling lt: incompatible types for comparison");
    err("{{ and }}", "template: t:1:3: executing \"t\" at <and>: wrong number of args for and: want at least 1 got 0");
}

#[test]
fn go_builtins() {
    ok(
        "{{ len .Values.list }} {{ len \"héllo\" }} {{ len .Values.map }}",
        "3 6 2",
    );
    ok("{{ index .Values.list 1 }} {{ index .Values.nested \"a\" \"b\" \"c\" }} {{ index \"abc\" 1 }}", "b deep 98");
    ok(
        "{{ slice \"abcdef\" 1 3 }} {{ slice .Values.list 1 }}",
        "bc [b c]",
    );
    err("{{ index .Values.list 5 }}", "template: t:1:3: executing \"t\" at <index .Values.list 5>: error calling index: index out of range: 5");
    ok("{{ printf \"%s=%d %v %q %5.2f|%-4s|%t %x %%\" \"a\" 7 .Values.list \"q\" 3.14159 \"ab\" true 255 }}", "a=7 [a b c] \"q\"  3.14|ab  |true ff %");
    ok(
        "{{ printf \"%d %s\" .Values.port .Values.num }}",
        "%!d(float64=8080) %!s(float64=3)",
    );
    ok(
        "{{ printf \"%s\" }}|{{ printf \"x\" 1 }}",
        "%!s(MISSING)|x%!(EXTRA int=1)",
    );
    ok(
        "{{ print \"a\" 1 2 \"b\" }}|{{ println 1 \"x\" }}",
        "a1 2b|1 x\n",
    );
    ok(
        "{{ html \"<a href='x'>\" }} {{ js \"a'b<\" }} {{ urlquery \"a b&c\" }}",
        "&lt;a href=&#39;x&#39;&gt; a\\'b\\u003C a+b%26c",
    );
    ok("{{ \"x\" | printf \"%s-%s\" \"a\" }}", "a-x");
    err(
        "{{ len 3 }}",
        "template: t:1:3: executing \"t\" at <len 3>: error calling len: len of type int",
    );
}

#[test]
fn sprig_strings() {
    ok("{{ trunc 3 \"abcdef\" }} {{ trunc -2 \"abcdef\" }} {{ \"a-b-\" | trimSuffix \"-\" }} {{ trimPrefix \"x\" \"xy\" }} {{ trimAll \"-\" \"--a--\" }}", "abc ef a-b y a");
    ok("{{ upper \"ab\" }} {{ lower \"AB\" }} {{ title \"hello wide-world\" }} {{ kebabcase \"FooBar\" }} {{ snakecase \"fooBar\" }} {{ camelcase \"foo_bar\" }}", "AB ab Hello Wide-World foo-bar foo_bar FooBar");
    ok("{{ replace \"a\" \"b\" \"aaa\" }} {{ contains \"b\" \"abc\" }} {{ hasPrefix \"a\" \"abc\" }} {{ hasSuffix \"c\" \"abc\" }} {{ repeat 2 \"x\" }} {{ substr 1 3 \"abcdef\" }}", "bbb true true true xx bc");
    ok(
        "{{ quote \"a\" 1 nil }} {{ squote \"x\" }} {{ cat \"a\" nil 2 }} {{ quote .Values.f }}",
        "\"a\" \"1\" 'x' a 2 \"1.5\"",
    );
    ok(
        "{{ nindent 2 \"a\\nb\" }}|{{ indent 2 \"a\\nb\" }}",
        "\n  a\n  b|  a\n  b",
    );
    ok("{{ splitList \",\" \"a,b\" | toJson }} {{ split \",\" \"a,b\" | toJson }} {{ list \"a\" 1 nil | join \"-\" }}", "[\"a\",\"b\"] {\"_0\":\"a\",\"_1\":\"b\"} a-1");
    ok("{{ \"abc\" | b64enc }} {{ \"YWJj\" | b64dec }} {{ \"abc\" | sha256sum | trunc 8 }} {{ sha1sum \"abc\" | trunc 6 }}", "YWJj abc ba7816bf a9993e");
    ok("{{ regexMatch \"^[a-z]+$\" \"abc\" }} {{ regexFind \"[0-9]+\" \"ab12c\" }} {{ regexReplaceAll \"(a)(b)\" \"abab\" \"${2}$1\" }} {{ regexSplit \",\" \"a,b\" -1 | toJson }}", "true 12 baba [\"a\",\"b\"]");
    err_contains(
        "{{ upper 1 }}",
        "at <1>: wrong type for value; expected string; got int",
    );
}

#[test]
fn sprig_numbers_and_conversions() {
    ok("{{ add 1 2 .Values.num }} {{ sub 5 2 }} {{ mul 1.5 2 }} {{ div 7 2 }} {{ mod 7 3 }} {{ max 1 5 3 }} {{ min 4 2 }} {{ add1 1.9 }}", "6 3 2 3 1 5 2 2");
    ok("{{ addf 1.5 1 }} {{ mulf 1.5 2 }} {{ divf 1 4 }} {{ floor 1.7 }} {{ ceil 1.2 }} {{ round 1.256 2 }}", "2.5 3 0.25 1 2 1.26");
    ok("{{ int .Values.big }} {{ int \"0x10\" }} {{ int64 3.9 }} {{ float64 \"2.5\" }} {{ atoi \"12\" }} {{ toString .Values.big }} {{ int \"x\" }}", "1000000 16 3 2.5 12 1e+06 0");
    ok(
        "{{ until 3 | toJson }} {{ untilStep 0 10 3 | toJson }} {{ seq 3 }}",
        "[0,1,2] [0,3,6,9] 1 2 3",
    );
    err_contains(
        "{{ div 1 0 }}",
        "error calling div: runtime error: integer divide by zero",
    );
}

#[test]
fn sprig_defaults_and_types() {
    ok("{{ default \"d\" .Values.empty }} {{ default \"d\" .Values.name }} {{ default 5 0 }} {{ empty (list) }} {{ empty .Values.map }} {{ coalesce nil \"\" \"x\" }}", "d web 5 true false x");
    ok(
        "{{ ternary \"y\" \"n\" true }} {{ ternary \"y\" \"n\" false }}",
        "y n",
    );
    ok("{{ typeOf 1 }} {{ typeOf .Values.f }} {{ typeOf .Values.list }} {{ kindOf .Values.map }} {{ kindIs \"string\" \"x\" }} {{ typeIs \"bool\" true }} {{ typeOf nil }}", "int float64 []interface {} map true true <nil>");
    ok("{{ semverCompare \">=1.19-0\" \"v1.36.0\" }} {{ semverCompare \"<1.19\" \"1.20.1\" }} {{ (semver \"1.2.3-rc.1\").Minor }}", "true false 2");
    err("{{ required \"need x\" .Values.missing }}", "template: t:1:3: executing \"t\" at <required \"need x\" .Values.missing>: error calling required: need x");
}

#[test]
fn sprig_lists_and_dicts() {
    ok("{{ list 1 \"a\" | toJson }} {{ append (list 1) 2 | toJson }} {{ prepend (list 1) 0 | toJson }} {{ concat (list 1) (list 2 3) | toJson }}", "[1,\"a\"] [1,2] [0,1] [1,2,3]");
    ok("{{ first .Values.list }} {{ last .Values.list }} {{ rest .Values.list | toJson }} {{ initial .Values.list | toJson }} {{ reverse .Values.list | toJson }}", "a c [\"b\",\"c\"] [\"a\",\"b\"] [\"c\",\"b\",\"a\"]");
    ok("{{ uniq (list 1 1 2) | toJson }} {{ has \"b\" .Values.list }} {{ without .Values.list \"a\" | toJson }} {{ compact (list 1 \"\" 0 nil \"x\") | toJson }} {{ sortAlpha (list \"b\" \"a\") | toJson }}", "[1,2] true [\"b\",\"c\"] [1,\"x\"] [\"a\",\"b\"]");
    ok("{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ toJson $d }} {{ hasKey $d \"b\" }} {{ get $d \"z\" }}|{{ $_ := unset $d \"a\" }}{{ toJson $d }}", "{\"a\":1,\"b\":2} true |{\"b\":2}");
    ok("{{ merge (dict \"a\" (dict \"x\" 1) \"e\" \"\") (dict \"a\" (dict \"y\" 2) \"e\" \"f\") | toJson }}", "{\"a\":{\"x\":1,\"y\":2},\"e\":\"f\"}");
    ok(
        "{{ mergeOverwrite (dict \"a\" 1 \"b\" (list 1)) (dict \"a\" 3 \"b\" (list 2)) | toJson }}",
        "{\"a\":3,\"b\":[2]}",
    );
    ok("{{ pluck \"a\" (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" 3) | toJson }} {{ keys (dict \"b\" 1 \"a\" 2) | sortAlpha | toJson }} {{ values (dict \"a\" 1) | toJson }}", "[1,3] [\"a\",\"b\"] [1]");
    ok("{{ pick (dict \"a\" 1 \"b\" 2) \"a\" | toJson }} {{ omit (dict \"a\" 1 \"b\" 2) \"a\" | toJson }} {{ dig \"a\" \"b\" \"c\" \"none\" .Values.nested }} {{ dig \"a\" \"x\" \"none\" .Values.nested }}", "{\"a\":1} {\"b\":2} deep none");
    ok("{{ $a := dict \"x\" (list 1) }}{{ $b := deepCopy $a }}{{ $_ := set $b \"x\" 2 }}{{ toJson $a }}", "{\"x\":[1]}");
    ok(
        "{{ $d := dict \"k\" 1 }}{{ $_ := merge $d $d }}{{ toJson $d }}",
        "{\"k\":1}",
    );
    ok("{{ dict \"odd\" | toJson }}", "{\"odd\":\"\"}");
}

#[test]
fn helm_serialization() {
    ok("{{ toYaml (dict \"k\" \"multi\\nline\" \"l\" (list 1 (dict \"a\" \"yes\")) \"e\" (dict)) }}", "e: {}\nk: |-\n  multi\n  line\nl:\n- 1\n- a: \"yes\"");
    ok(
        "{{ toYaml .Values.nested | nindent 2 }}",
        "\n  a:\n    b:\n      c: deep",
    );
    ok("{{ toYaml (list (list 1 2) \"x\") }}", "- - 1\n  - 2\n- x");
    ok(
        "{{ toJson \"<&>\" }} {{ toRawJson \"<\" }} {{ toJson .Values.f }} {{ toJson 0.0000001 }}",
        "\"\\u003c\\u0026\\u003e\" \"<\" 1.5 1e-7",
    );
    ok(
        "{{ toPrettyJson (list 1 (dict \"a\" 1)) }}",
        "[\n  1,\n  {\n    \"a\": 1\n  }\n]",
    );
    ok("{{ fromJson \"{\\\"a\\\":1}\" | toJson }} {{ (fromJson \"x\").Error | empty }} {{ fromYaml \"a: [1, b]\\nc:\\n  d: true\" | toJson }}", "{\"a\":1} false {\"a\":[1,\"b\"],\"c\":{\"d\":true}}");
    ok("{{ lookup \"v1\" \"Secret\" \"ns\" \"x\" | toJson }}", "{}");
}

#[test]
fn parse_errors_like_go() {
    err(
        "{{ nosuch 1 }}",
        "template: t:1: function \"nosuch\" not defined",
    );
    err(
        "{{ if false }}{{ nosuch }}{{ end }}",
        "template: t:1: function \"nosuch\" not defined",
    );
    err("a\n{{ if }}", "template: t:2: missing value for if");
    err("{{ end }}", "template: t:1: unexpected {{end}}");
    err("x\n\n{{ 1", "template: t:3: unclosed action");
    err("{{ if 1 }}", "template: t:1: unexpected EOF in if");
    err(
        "{{ 1 | 2 }}",
        "template: t:1: non executable command in pipeline stage 2",
    );
    err("{{ \"abc }}", "template: t:1: unterminated quoted string");
}

#[test]
fn error_positions() {
    let src = "line1\n  {{ .Values.nested.a.nokey.x }}\n";
    let mut t = Templates::new();
    t.add("f.yaml", src).unwrap();
    let e = t.render("f.yaml", root()).unwrap_err();
    assert_eq!((e.line, e.col), (2, 12));
    assert_eq!(e.kind, ErrorKind::Exec);
    assert_eq!(e.text, "template: f.yaml:2:12: executing \"f.yaml\" at <.Values.nested.a.nokey.x>: nil pointer evaluating interface {}.x");
    let mut t = Templates::new();
    t.add(
        "g",
        "{{ define \"d\" }}\n\n  {{ fail \"boom\" }}{{ end }}{{ include \"d\" . }}",
    )
    .unwrap();
    let e = t.render("g", root()).unwrap_err();
    assert!(
        e.text.contains(
            "template: g:3:5: executing \"d\" at <fail \"boom\">: error calling fail: boom"
        ),
        "{}",
        e.text
    );
    let mut t = Templates::new();
    t.add("h", "\n{{ required \"must\" .x }}").unwrap();
    let e = t.render("h", Value::empty_map()).unwrap_err();
    assert_eq!(e.helm_message(), "execution error at (h:2:3): must");
}

#[test]
fn render_speed_indicative() {
    let mut t = Templates::new();
    t.add(
        "_h.tpl",
        "{{- define \"name\" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix \"-\" }}{{- end -}}",
    )
    .unwrap();
    t.add(
        "dep.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"name\" . }}\n  labels:\n    {{- range $k, $v := .Values.map }}\n    {{ $k }}: {{ $v | quote }}\n    {{- end }}\nspec:\n  replicas: {{ .Values.num }}\n  template:\n    spec:\n      containers:\n        - name: x\n          {{- with .Values.nested }}\n          cfg:\n            {{- toYaml . | nindent 12 }}\n          {{- end }}\n",
    )
    .unwrap();
    let mut m = std::collections::BTreeMap::new();
    m.insert("Values".to_string(), vals());
    let mut c = std::collections::BTreeMap::new();
    c.insert("Name".to_string(), Value::str("chart"));
    m.insert("Chart".to_string(), Value::new_map(c));
    let root = Value::new_map(m);
    let start = std::time::Instant::now();
    let n = 10_000;
    for _ in 0..n {
        let out = t.render("dep.yaml", root.clone()).unwrap();
        assert!(out.contains("name: chart"));
    }
    eprintln!(
        "rendered {} times in {:?} ({:?} each)",
        n,
        start.elapsed(),
        start.elapsed() / n
    );
    let src = std::fs::read_to_string(format!(
        "{}/tests/data/helm/probe_spec.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let spec: serde_json::Value = serde_json::from_str(&src).unwrap();
    let p01 = spec["probes"]["p01_deployment"].as_str().unwrap();
    let n = 1000;
    let start = std::time::Instant::now();
    for _ in 0..n {
        let _ = Templates::new();
    }
    eprintln!("Templates::new() {} times in {:?}", n, start.elapsed());
    let shared = std::rc::Rc::new(cct_lint::render::Funcs::builtin());
    let start = std::time::Instant::now();
    for _ in 0..n {
        let mut t = Templates::with_shared_funcs(shared.clone());
        t.add("p01", p01).unwrap();
    }
    eprintln!(
        "with_shared_funcs + parse of p01_deployment {} times in {:?}",
        n,
        start.elapsed()
    );
    let start = std::time::Instant::now();
    let mut t = Templates::new();
    for _ in 0..n {
        t.add("p01", p01).unwrap();
    }
    eprintln!(
        "parse only of p01_deployment {} times in {:?}",
        n,
        start.elapsed()
    );
}

#[test]
fn hostile_inputs_fail_cleanly() {
    err_contains(
        "{{ $d := dict }}{{ $_ := set $d \"a\" $d }}",
        "reference cycle",
    );
    err_contains("{{ $d := dict }}{{ $_ := merge (dict) (dict \"x\" $d) }}{{ $_ := merge $d (dict \"y\" (list $d)) }}", "reference cycle");
    err_contains("{{ range 100000000000 }}{{ end }}", "too long");
    let deep = format!("{{{{ {}1{} }}}}", "(".repeat(300), ")".repeat(300));
    err_contains(&deep, "nesting too deep");
    err_contains(&"{{ if 1 }}".repeat(300), "nesting too deep");
    assert!(render("{{ regexMatch \"(((a+)+)+)+$\" \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\" }}").is_ok());
    for src in [
        "{{",
        "}}",
        "{{ ( }}",
        "{{ ) }}",
        "{{ $x := }}",
        "{{ range $a, $b, $c := . }}{{ end }}",
        "{{ 'ab' }}",
        "{{ . | }}",
        "{{ else }}",
        "{{ define \"x\" }}",
        "{{ printf \"%*d\" }}",
        "{{/* x",
        "{{ .a.b.c.d.e }}",
        "{{ index . }}",
        "{{ slice \"abc\" 3 1 }}",
        "{{ 99999999999999999999 }}",
        "{{ trunc -9223372036854775807 \"x\" }}",
        "{{ sub -9223372036854775807 10 }}",
    ] {
        let _ = render(src);
    }
}

#[test]
fn bitnami_style_helpers() {
    let mut t = Templates::new();
    t.add(
        "common/templates/_tplvalues.tpl",
        r#"{{- define "common.tplvalues.render" -}}
{{- $value := typeIs "string" .value | ternary .value (.value | toYaml) }}
{{- if contains "{{" (toJson .value) }}
  {{- if .scope }}
      {{- tpl (cat "{{- with $.RelativeScope -}}" $value "{{- end }}") (merge (dict "RelativeScope" .scope) .context) }}
  {{- else }}
    {{- tpl $value .context }}
  {{- end }}
{{- else }}
    {{- $value }}
{{- end }}
{{- end -}}
{{- define "common.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}"#,
    )
    .unwrap();
    t.add(
        "x.yaml",
        r#"name: {{ include "common.names.fullname" . }}
labels: {{- include "common.tplvalues.render" (dict "value" .Values.labels "context" $) | nindent 2 }}
{{- if .Values.extra }}
extra: {{- include "common.tplvalues.render" (dict "value" .Values.extra "context" $ "scope" .Values.scope) | nindent 2 }}
{{- end }}
{{- $fromYaml := include "common.tplvalues.render" (dict "value" .Values.labels "context" $) | fromYaml }}
keys: {{ keys $fromYaml | sortAlpha | join "," }}"#,
    )
    .unwrap();
    let root = Value::from(serde_json::json!({
        "Values": {
            "labels": {"app": "{{ .Release.Name }}", "tier": "web"},
            "extra": "v: {{ .x }}",
            "scope": {"x": 7}
        },
        "Release": {"Name": "rel"},
        "Chart": {"Name": "mychart"}
    }));
    assert_eq!(
        t.render("x.yaml", root).unwrap(),
        "name: rel-mychart\nlabels:\n  app: 'rel'\n  tier: web\nextra:\n  v: 7\nkeys: app,tier"
    );
}
