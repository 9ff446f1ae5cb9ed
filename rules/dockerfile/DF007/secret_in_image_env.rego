# METADATA
# title: Credential written in an ENV or ARG
# custom:
#   id: DF007
#   name: secret-in-image-env
#   severity: error
#   requirements: [EXI-ARCH-22, EXI-ARCH-10]
#   alpha: [EX47]
#   input:
#     family: dockerfile
#   title_fr: Secret écrit dans un ENV ou un ARG
#   message:
#     en: "`{keyword}` `{name}` sets a literal credential value"
#     fr: "`{keyword}` `{name}` définit une valeur littérale de secret"
#   why:
#     en: >-
#       EXI-ARCH-22 (alpha EX47) forbids configuration written into the code, and EXI-ARCH-10
#       requires the shared services, Vault among them, for secrets. A credential in `ENV` ships
#       in every container's environment and in `docker inspect`; a credential given as an
#       `ARG` default stays in the image history and build cache, and both sit in Git. Every
#       stage counts, builder stages included, as do the global `ARG`s before the first `FROM`.
#       Names are matched case-insensitively against credential patterns (password, passwd,
#       secret, token, API key, private key, access key); names ending in `_FILE`, `_PATH`,
#       `_URL`... (they point to a secret rather than hold one), empty values, boolean flags and
#       plain `${VAR}` references (including `${VAR:-}` and `${VAR:?}`) pass. A `${VAR:-default}`
#       with a literal default is reported.
#     fr: >-
#       L'exigence EXI-ARCH-22 (alpha EX47) interdit la configuration écrite dans le code, et
#       l'exigence EXI-ARCH-10 impose les services socles, dont Vault, pour les secrets. Un secret
#       dans un `ENV` est livré dans l'environnement de chaque conteneur et visible par
#       `docker inspect` ; un secret donné comme valeur par défaut d'un `ARG` reste dans
#       l'historique de l'image et le cache de construction, et tous deux sont dans Git. Toutes
#       les étapes comptent, y compris les étapes de construction, ainsi que les `ARG` globaux
#       placés avant le premier `FROM`. Les noms sont comparés, sans tenir compte de la casse, à
#       des motifs de secrets (password, passwd, secret, token, clé d'API, clé privée, clé
#       d'accès) ; les noms finissant par `_FILE`, `_PATH`, `_URL`... (ils désignent un secret
#       sans le contenir), les valeurs vides, les indicateurs booléens et les simples références
#       `${VAR}` (y compris `${VAR:-}` et `${VAR:?}`) sont acceptés. Un `${VAR:-défaut}` avec une
#       valeur par défaut littérale est signalé.
#   remediation:
#     en: Remove the value and inject the secret at run time from Vault (a Kubernetes Secret synced by the Vault Secrets Operator), or use `RUN --mount=type=secret` for a build-time secret.
#     fr: Retirez la valeur et injectez le secret à l'exécution depuis Vault (un Secret Kubernetes synchronisé par le Vault Secrets Operator), ou utilisez `RUN --mount=type=secret` pour un secret de construction.
#   params:
#     name_patterns: ["PASSWORD", "PASSWD", "SECRET", "TOKEN(S)?($|_)", "API_?KEY", "PRIVATE_?KEY", "ACCESS_?KEY"]
#     ignored_name_suffixes: [_FILE, _PATH, _DIR, _URL, _URI, _ENDPOINT, _NAME, _LENGTH, _TTL, _EXPIRY, _EXPIRATION, _TIMEOUT, _ENABLED, _TYPE, _HEADER]
#     ignored_values: ["true", "false", "yes", "no", "on", "off", "0", "1"]
package rules.dockerfile.DF007

# ENV and ARG instructions of every stage.
deny contains f if {
	some stage in input.stages
	some j, inst in stage.instructions
	inst.keyword in {"ENV", "ARG"}
	some pair in inst.pairs
	_credential(pair)
	f := {
		"path": ["stages", stage.index, "instructions", j],
		"params": {"keyword": inst.keyword, "name": pair.key},
	}
}

# Global ARGs before the first FROM.
deny contains f if {
	some k, arg in object.get(input, "args", [])
	_credential({"key": arg.name, "value": arg.value})
	f := {"path": ["args", k], "params": {"keyword": "ARG", "name": arg.name}}
}

_credential(pair) if {
	is_string(pair.key)
	name := upper(pair.key)
	some pattern in data.params.DF007.name_patterns
	regex.match(pattern, name)
	not _ignored_name(name)
	is_string(pair.value)
	value := trim_space(pair.value)
	value != ""
	not lower(value) in {v | some v in data.params.DF007.ignored_values}
	not _reference(value)
}

_ignored_name(name) if {
	some suffix in data.params.DF007.ignored_name_suffixes
	endswith(name, upper(suffix))
}

# `$VAR`, `${VAR}`, `${VAR:-}`, `${VAR-}`, `${VAR:?message}`: the value comes from elsewhere.
_reference(value) if regex.match(`^\$([A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*(:?-|:?\?[^}]*)?\})$`, value)
