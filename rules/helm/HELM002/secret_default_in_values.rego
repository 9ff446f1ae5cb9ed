# METADATA
# title: Credential with a literal default in a values file
# custom:
#   id: HELM002
#   name: secret-default-in-values
#   severity: error
#   constants: [_patterns, _suffixes]
#   requirements: [EXI-ARCH-10, EXI-ARCH-22]
#   alpha: [EX47]
#   input:
#     family: chart
#   title_fr: Secret avec une valeur par défaut littérale dans un fichier de values
#   message:
#     en: "Key `{key}` looks like a credential and has a literal default value"
#     fr: "La clé `{key}` ressemble à un secret et a une valeur par défaut littérale"
#   why:
#     en: >-
#       Secrets come from Vault on the platform (EXI-ARCH-10) and configuration must never be
#       hard-coded (EXI-ARCH-22): a password, token or key written in a chart's values files is
#       committed with the code, copied into every rendered Secret or environment variable and
#       the same on every installation. The rule reads every values*.yaml file at the root of
#       the chart and fails on a key whose name looks like a credential (the parameter
#       `name_patterns`, matched on the key with camelCase, dots and dashes turned into `_`:
#       `dbPassword` is `DB_PASSWORD`) holding a non-empty string that is not a boolean word, a
#       duration, an absolute path or a template expression. The value is judged too: a Java
#       class name (`...SimpleAWSCredentialsProvider`), a label or field selector
#       (`type!=kubernetes.io/service-account-token`), a reference resolved elsewhere
#       (`<path:kv/data/app#password>`, `ref+vault://...`, `$VAR`), a file path
#       (`./certs/tls.key`, `conf/app.pem`) or a URL without userinfo and without a credential in
#       its query names no secret and passes. Keys that name a reference rather
#       than a secret pass: `existingSecret*`, the suffixes of the parameter
#       `ignored_suffixes` (`passwordKey`, `secretName`, `tokenFile`...), and a key ending in
#       `Secret` (or holding `Secret` and ending in `Key`) whose value is a Kubernetes-style name
#       (`tlsSecret: web-tls`, `passwordSecretKey: db-password`, `secretKey: thanos.yaml`).
#     fr: >-
#       Sur la plateforme, les secrets viennent de Vault (EXI-ARCH-10) et la configuration ne
#       doit jamais être codée en dur (EXI-ARCH-22) : un mot de passe, un jeton ou une clé écrit
#       dans les fichiers de values d'un chart est versionné avec le code, recopié dans chaque
#       Secret ou variable d'environnement générés et identique sur toutes les installations.
#       La règle lit chaque fichier values*.yaml à la racine du chart et échoue sur une clé dont
#       le nom ressemble à un secret (paramètre `name_patterns`, comparé à la clé dont le
#       camelCase, les points et les tirets deviennent `_` : `dbPassword` devient `DB_PASSWORD`)
#       portant une chaîne non vide qui n'est ni un booléen, ni une durée, ni un chemin absolu,
#       ni une expression de template. La valeur est jugée aussi : un nom de classe Java
#       (`...SimpleAWSCredentialsProvider`), un sélecteur de labels ou de champs
#       (`type!=kubernetes.io/service-account-token`), une référence résolue ailleurs
#       (`<path:kv/data/app#password>`, `ref+vault://...`, `$VAR`), un chemin de fichier
#       (`./certs/tls.key`, `conf/app.pem`) ou une URL sans identifiants ni secret dans sa
#       requête ne désigne aucun secret et passe. Les clés qui désignent une référence plutôt qu'un secret
#       passent : `existingSecret*`, les suffixes du paramètre `ignored_suffixes`
#       (`passwordKey`, `secretName`, `tokenFile`...) et une clé finissant par `Secret` (ou
#       contenant `Secret` et finissant par `Key`) dont la valeur est un nom à la Kubernetes
#       (`tlsSecret: web-tls`, `passwordSecretKey: db-password`, `secretKey: thanos.yaml`).
#   remediation:
#     en: >-
#       Leave the default empty (`password: ""`) and read the secret from a Secret synchronised
#       from Vault (e.g. an `existingSecret` value naming a VaultStaticSecret's target), or pass it
#       at deployment time.
#     fr: >-
#       Laissez la valeur par défaut vide (`password: ""`) et lisez le secret depuis un Secret
#       synchronisé depuis Vault (par exemple une valeur `existingSecret` qui nomme la cible d'un
#       VaultStaticSecret), ou fournissez-le au déploiement.
#   params:
#     name_patterns: [PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, APIKEY, PRIVATE_KEY, ACCESS_KEY, CREDENTIALS]
#     ignored_suffixes: [_KEY_REF, _PASSWORD_KEY, _SECRET_KEY_REF, _TOKEN_KEY, _KEY_NAME, _FILE, _PATH, _DIR, _NAME, _REF, _URL, _URI, _ENDPOINT, _HOST, _PORT, _TTL, _TIMEOUT, _EXPIRY, _EXPIRES, _EXPIRATION, _LIFETIME, _LENGTH, _TYPE, _HEADER, _PREFIX, _ENABLED, _AUDIENCE, _ISSUER, _ALGORITHM, _ALG, _POLICY, _KEYS]
package rules.helm.HELM002

_patterns := data.cct_lint_constants.HELM002._patterns if {
	data.cct_lint_constants.HELM002.params == data.params.HELM002
} else := {upper(p) | some p in data.params.HELM002.name_patterns; is_string(p)}

_suffixes := data.cct_lint_constants.HELM002._suffixes if {
	data.cct_lint_constants.HELM002.params == data.params.HELM002
} else := {upper(s) | some s in data.params.HELM002.ignored_suffixes; is_string(s)}

_not_literal_words := data.lib.credentials.boolean_words | {"null", "none", "nil", "~"}

deny contains f if {
	some i, file in input.values_files

	# `strings`: every string leaf of `values` as `[path, value]` (what `walk` would give; the
	# linter computes it because the rule VM has no `walk`).
	some [path, value] in file.strings
	key := path[count(path) - 1]
	is_string(key)

	# `dbPassword` / `db.password` / `db-password` → `DB_PASSWORD`.
	n := upper(regex.replace(regex.replace(key, data.lib.credentials.camel_case_boundary, "${1}_${2}"), `[.\-]`, "_"))
	some p in _patterns
	contains(n, p)
	not startswith(n, "EXISTING")
	not strings.any_suffix_match(concat("", ["_", n]), _suffixes)

	s := trim_space(value)
	s != ""
	not lower(s) in _not_literal_words
	not contains(s, "{{")
	not regex.match(`^[0-9]+(\.[0-9]+)?(ms|s|m|h|d|w)?$`, s)
	not regex.match(data.lib.credentials.absolute_path, s)
	not _names_a_secret(n, s)
	not data.lib.credentials.not_a_credential_value(s)
	regex.match(`[A-Za-z0-9]`, regex.replace(s, data.lib.credentials.reference_placeholders, ""))
	f := {
		"path": array.concat(["values_files", i, "values"], path),
		"params": {"key": concat(".", [sprintf("%v", [k]) | some k in path]), "name": key, "file": file.file},
	}
}

# `tlsSecret: grafana-tls`, `passwordSecretKey: db-password`, `secretKey: thanos.yaml`: a key
# that names a Secret (or a key inside one) holding a Kubernetes-style name, not a secret.
_names_a_secret(n, s) if {
	_secret_reference_key(n)
	regex.match(`^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$`, s)
	regex.match(`[-.]`, s)
}

_secret_reference_key(n) if endswith(n, "SECRET")

_secret_reference_key(n) if {
	endswith(n, "KEY")
	contains(n, "SECRET")
}
