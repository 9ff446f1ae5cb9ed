# METADATA
# title: Credential stored in a ConfigMap
# custom:
#   id: K8S015
#   name: credential-in-configmap
#   severity: error
#   constants: [_words]
#   requirements: [EXI-ARCH-10, EXI-ARCH-22]
#   alpha: [EX47]
#   platform: [cm-no-credentials]
#   input:
#     family: kubernetes
#     kinds: [ConfigMap]
#   title_fr: Identifiant stocké dans une ConfigMap
#   message:
#     en: "ConfigMap `{configmap}` holds a credential in key `{key}` (`{entry}`)"
#     fr: "La ConfigMap `{configmap}` contient un identifiant dans la clé `{key}` (`{entry}`)"
#   why:
#     en: >-
#       The platform refuses in production any ConfigMap with a data key `password`, `passwd`
#       or `secret_key` (policy cm-no-credentials): ConfigMaps are readable by everyone in the
#       namespace and end up in the repository, while credentials belong in the project's Vault
#       (EXI-ARCH-10) and must never be hard-coded (EXI-ARCH-22, alpha EX47). Such a key fires
#       whatever its value, as the policy does. The rule also reports a key whose name ends with
#       one of those words (`DB_PASSWORD`, `spring.datasource.password`, `dbPassword`) and an
#       embedded properties, env, YAML, JSON or TOML file with such an entry, when the value is
#       a literal: empty values, booleans, file paths and placeholders (`${VAR}`, `$(VAR)`,
#       `$VAR`, `{{ ... }}`, `<...>`, `ENC(...)`) are not credentials. `binaryData` is not read.
#     fr: >-
#       La plateforme refuse en production toute ConfigMap ayant une clé `password`, `passwd` ou
#       `secret_key` (politique cm-no-credentials) : une ConfigMap est lisible par tout le
#       namespace et finit dans le dépôt, alors que les identifiants relèvent du Vault du projet
#       (EXI-ARCH-10) et ne doivent jamais être codés en dur (EXI-ARCH-22, alpha EX47). Une telle
#       clé est signalée quelle que soit sa valeur, comme le fait la politique. La règle signale
#       aussi une clé dont le nom se termine par l'un de ces mots (`DB_PASSWORD`,
#       `spring.datasource.password`, `dbPassword`) et un fichier properties, env, YAML, JSON ou
#       TOML embarqué qui contient une telle entrée, quand la valeur est littérale : les valeurs
#       vides, booléens, chemins de fichier et substitutions (`${VAR}`, `$(VAR)`, `$VAR`,
#       `{{ ... }}`, `<...>`, `ENC(...)`) ne sont pas des identifiants. `binaryData` n'est pas lu.
#   remediation:
#     en: Move the credential to the project's Vault, deliver it as a Secret through a `VaultStaticSecret`, and reference it from the pod (`secretKeyRef`, a mounted file or a `${VAR}` placeholder in the configuration file).
#     fr: Déplacez l'identifiant dans le Vault du projet, fournissez-le comme Secret par un `VaultStaticSecret` et référencez-le depuis le pod (`secretKeyRef`, fichier monté ou substitution `${VAR}` dans le fichier de configuration).
#   params:
#     forbidden_keys: [password, passwd, secret_key]
package rules.kubernetes.K8S015

_words := data.cct_lint_constants.K8S015._words if {
	data.cct_lint_constants.K8S015.params == data.params.K8S015
} else := {lower(w) | some w in data.params.K8S015.forbidden_keys; is_string(w)}

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

deny contains f if {
	input.kind == "ConfigMap"
	is_object(input.data)
	_mentions_a_word
	some key, value in input.data
	entries := _entries(key, value)
	count(entries) > 0
	f := {"path": ["data", key], "params": {"configmap": _name, "key": key, "entry": concat(", ", sort(entries))}}
}

# Performance gate, one pass over the whole ConfigMap instead of a regex per entry: every entry
# reported below holds a name that, lower-cased and without `_`, contains a forbidden word without
# its `_` (a word ending a camelCase or snake_case name). The check runs on the JSON text of
# `data`, keys and values together; JSON escapes characters one by one, so the word is looked
# for in its JSON-escaped form.
_mentions_a_word if {
	text := replace(lower(json.marshal(input.data)), "_", "")
	some w in _words
	j := json.marshal(w)
	contains(text, replace(lower(substring(j, 1, count(j) - 2)), "_", ""))
}

_entries(key, value) := {e |
	some e in _key_entries(key, value)
} | {e |
	some e in _embedded_entries(value)
}

# The data key itself: a forbidden key fires whatever its value (as cm-no-credentials does);
# a key that merely ends with a forbidden word needs a literal value.
_key_entries(key, value) := {key} if {
	_key_is_credential(key, value)
} else := set()

_key_is_credential(key, _) if lower(key) in _words

_key_is_credential(key, value) if {
	_credential_name(key)
	is_string(value)
	_literal(trim_space(value))
}

# `key=value` / `key: value` / `"key": "value"` / `export KEY=value` lines of an embedded file.
_line_pattern := `(?m)^[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?["']?([A-Za-z0-9_.\-]+)["']?[ \t]*[:=][ \t]*(.*?)[ \t\r]*$`

# Only values holding a `:` or a `=` can hold such a line: the others skip the pattern (a regex
# built-in starts every call with a cold match cache, and this pattern is large).
_embedded_entries(value) := {m[1] |
	some m in regex.find_all_string_submatch_n(_line_pattern, value, -1)
	_credential_name(m[1])
	_literal(_clean(m[2]))
} if {
	is_string(value)
	contains(replace(value, "=", ":"), ":")
} else := set()

# `dbPassword` → `db_password`, then lower case; the name is the word or ends with `.word`, `_word`, `-word`.
_credential_name(k) if {
	n := lower(regex.replace(k, data.lib.credentials.camel_case_boundary, "${1}_${2}"))
	some w in _words
	_ends_with_word(n, w)
}

_ends_with_word(n, w) if n == w

_ends_with_word(n, w) if {
	some sep in [".", "_", "-"]
	endswith(n, concat("", [sep, w]))
}

# The value of an embedded line: a quoted string, or the text before an inline ` # comment`.
_clean(raw) := m[0][1] if {
	m := regex.find_all_string_submatch_n(`^"([^"]*)"`, raw, 1)
	count(m) > 0
} else := m[0][1] if {
	m := regex.find_all_string_submatch_n(`^'([^']*)'`, raw, 1)
	count(m) > 0
} else := trim_space(trim_right(regex.replace(raw, `[ \t]+#.*$`, ""), ","))

_not_literal_words := data.lib.credentials.boolean_words | {"null", "~", "nil", "none"}

_placeholder_pattern := concat("|", [data.lib.credentials.reference_placeholders, _other_placeholders])

_other_placeholders := `\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*?\}\}|<%.*?%>|#\{[^}]*\}|@[A-Za-z0-9_.\-]+@|%\([^)]*\)s|<[^<>]*>|ENC\([^)]*\)`

_literal(s) if {
	s != ""
	not lower(s) in _not_literal_words
	not regex.match(`^[|>][+-]?[0-9]?$`, s)
	not regex.match(data.lib.credentials.absolute_path, s)
	regex.match(`[A-Za-z0-9]`, regex.replace(s, _placeholder_pattern, ""))
}
