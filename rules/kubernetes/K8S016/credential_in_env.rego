# METADATA
# title: Credential written as a literal environment value
# custom:
#   id: K8S016
#   name: credential-in-env
#   severity: error
#   constants: [_patterns, _suffixes, _name_prefilter]
#   requirements: [EXI-ARCH-22, EXI-ARCH-10]
#   alpha: [EX47]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Identifiant écrit en clair dans une variable d'environnement
#   message:
#     en: "Environment variable `{name}` of container `{container}` has a literal credential value"
#     fr: "La variable d'environnement `{name}` du conteneur `{container}` a pour valeur un identifiant en clair"
#   why:
#     en: >-
#       Configuration, credentials first, must never be hard-coded (EXI-ARCH-22, alpha EX47) and
#       secrets come from the platform's Vault (EXI-ARCH-10): a password or token written as the
#       `value` of an environment variable sits in clear text in the repository and in the object
#       stored by the cluster. A name looks like a credential when, upper-cased with camelCase,
#       dots and dashes turned into `_`, it contains `PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`,
#       `API_KEY`, `PRIVATE_KEY` or `ACCESS_KEY`, unless it ends with a suffix that names a
#       reference or a setting rather than the secret (`_FILE`, `_PATH`, `_NAME`, `_URL`, `_TTL`,
#       `_TIMEOUT`, `_LENGTH`, `_TYPE`, `_HEADER`...). Values that cannot be a credential are not
#       reported: empty, `$(OTHER_VAR)` or `${VAR}` references only, booleans, plain numbers and
#       durations (`3600`, `15m`), absolute file paths. All containers are checked, init
#       containers included. In a Helm chart, a value that a template function generates at
#       render time (`{{ randAlphaNum 16 }}`, `randAscii`, `uuidv4`, `derivePassword`...) is not
#       a literal written in the repository and is not reported, unless a values key behind it
#       holds something (then the literal is that value, also judged by HELM002).
#     fr: >-
#       La configuration, à commencer par les identifiants, ne doit jamais être codée en dur
#       (EXI-ARCH-22, alpha EX47) et les secrets proviennent du Vault de la plateforme
#       (EXI-ARCH-10) : un mot de passe ou un jeton écrit comme `value` d'une variable
#       d'environnement est en clair dans le dépôt et dans l'objet stocké par le cluster. Un nom
#       ressemble à un identifiant quand, mis en majuscules (camelCase, points et tirets changés
#       en `_`), il contient `PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY` ou
#       `ACCESS_KEY`, sauf s'il se termine par un suffixe qui désigne une référence ou un réglage
#       plutôt que le secret (`_FILE`, `_PATH`, `_NAME`, `_URL`, `_TTL`, `_TIMEOUT`, `_LENGTH`,
#       `_TYPE`, `_HEADER`...). Les valeurs qui ne peuvent pas être un identifiant ne sont pas
#       signalées : vides, uniquement des références `$(AUTRE_VAR)` ou `${VAR}`, booléens,
#       nombres et durées (`3600`, `15m`), chemins absolus de fichier. Tous les conteneurs sont
#       vérifiés, conteneurs d'initialisation compris. Dans un chart Helm, une valeur qu'une
#       fonction de template génère au rendu (`{{ randAlphaNum 16 }}`, `randAscii`, `uuidv4`,
#       `derivePassword`...) n'est pas un littéral écrit dans le dépôt et n'est pas signalée,
#       sauf si une clé de values derrière elle contient quelque chose (le littéral est alors
#       cette valeur, jugée aussi par HELM002).
#   remediation:
#     en: >-
#       Store the value in the project's Vault, deliver it as a Secret through a
#       `VaultStaticSecret`, and read it with `valueFrom.secretKeyRef` instead of `value`.
#     fr: >-
#       Stockez la valeur dans le Vault du projet, fournissez-la comme Secret par un
#       `VaultStaticSecret` et lisez-la avec `valueFrom.secretKeyRef` au lieu de `value`.
#   skips_generated_values: true
#   params:
#     name_patterns: [PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, ACCESS_KEY]
#     ignored_suffixes: [_FILE, _PATH, _DIR, _NAME, _REF, _URL, _URI, _ENDPOINT, _HOST, _PORT, _TTL, _TIMEOUT, _EXPIRY, _EXPIRES, _EXPIRATION, _LIFETIME, _LENGTH, _TYPE, _HEADER, _PREFIX, _ENABLED, _AUDIENCE, _ISSUER, _ALGORITHM]
package rules.kubernetes.K8S016

_patterns := data.cct_lint_constants.K8S016._patterns if {
	data.cct_lint_constants.K8S016.params == data.params.K8S016
} else := {upper(p) | some p in data.params.K8S016.name_patterns; is_string(p)}

_suffixes := data.cct_lint_constants.K8S016._suffixes if {
	data.cct_lint_constants.K8S016.params == data.params.K8S016
} else := {upper(s) | some s in data.params.K8S016.ignored_suffixes; is_string(s)}

# A cheap necessary condition, checked first with one literal-only regex: the name upper-cased
# without `_`, `.` and `-` contains a pattern without its `_` (most names stop here). It is
# built with whole-string builtins. It is a constant (METADATA), as are the two sets above: the
# VM computes them once.
_name_prefilter := data.cct_lint_constants.K8S016._name_prefilter if {
	data.cct_lint_constants.K8S016.params == data.params.K8S016
} else := replace(regex.replace(
	replace(upper(concat("\n", [p | some p in data.params.K8S016.name_patterns; is_string(p)])), "_", ""),
	`[\\^$.|?*+()\[\]{}]`, `\$0`,
), "\n", "|")

_not_literal_words := data.lib.credentials.boolean_words | {"null", "none"}

deny contains f if {
	some c in data.lib.k8s.containers
	env := c.container.env
	is_array(env)
	some i, e in env
	value := e.value
	is_string(value)
	name := e.name
	is_string(name)
	regex.match(_name_prefilter, upper(regex.replace(name, `[_.\-]`, "")))

	# `dbPassword` / `db.password` / `db-password` → `DB_PASSWORD`.
	n := upper(regex.replace(regex.replace(name, data.lib.credentials.camel_case_boundary, "${1}_${2}"), `[.\-]`, "_"))
	some p in _patterns
	contains(n, p)
	not strings.any_suffix_match(n, _suffixes)

	# A literal: not empty, not a boolean, number, duration, absolute path or pure reference.
	s := trim_space(value)
	s != ""
	not lower(s) in _not_literal_words
	not regex.match(`^[0-9]+(\.[0-9]+)?(ms|s|m|h|d|w)?$`, s)
	not regex.match(data.lib.credentials.absolute_path, s)
	regex.match(`[A-Za-z0-9]`, regex.replace(s, data.lib.credentials.reference_placeholders, ""))
	f := {
		"path": array.concat(c.path, ["env", i, "value"]),
		"params": {"name": name, "container": data.lib.k8s.container_name(c.container)},
	}
}
