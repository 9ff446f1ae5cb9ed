# METADATA
# title: Hard-coded IP address in configuration
# custom:
#   id: K8S017
#   name: hardcoded-ip-address
#   severity: warning
#   constants: [_allowed, _ignored_patterns]
#   requirements: [EXI-ARCH-20]
#   alpha: [EX49]
#   input:
#     family: kubernetes
#     kinds: [ConfigMap, Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Adresse IP codée en dur dans la configuration
#   message:
#     en: "Hard-coded IP address in the value of `{key}`: `{address}`"
#     fr: "Adresse IP codée en dur dans la valeur de `{key}` : `{address}`"
#   why:
#     en: >-
#       EXI-ARCH-20 (alpha EX49) asks modules to reach each other through Kubernetes name
#       resolution: pod and service addresses change with every restart, reschedule or
#       environment, so an IP address written in an environment value or a ConfigMap breaks
#       silently. The rule reads container `env` values and ConfigMap `data` values (embedded
#       files line by line, comment lines skipped) and reports IPv4 addresses (four numbers up
#       to 255, not part of a longer dotted sequence such as `1.2.3.4.5`) and IPv6 addresses
#       (full or `::`-compressed forms; times such as `12:30:45` and MAC addresses do not
#       qualify), inside URLs too. Not reported: the wildcard and loopback addresses of the
#       `allowed` list, network ranges in CIDR notation (`10.0.0.0/8`, as in proxy or firewall
#       settings), and keys whose name contains `VERSION` (four-part version numbers).
#     fr: >-
#       L'exigence EXI-ARCH-20 (alpha EX49) demande que les modules communiquent par la
#       résolution de noms de Kubernetes : les adresses des pods et des services changent à
#       chaque redémarrage, replanification ou environnement, et une adresse IP écrite dans une
#       variable d'environnement ou une ConfigMap casse sans bruit. La règle lit les valeurs
#       `env` des conteneurs et les valeurs `data` des ConfigMaps (fichiers embarqués ligne par
#       ligne, lignes de commentaire ignorées) et signale les adresses IPv4 (quatre nombres
#       jusqu'à 255, hors d'une suite pointée plus longue comme `1.2.3.4.5`) et IPv6 (formes
#       complètes ou abrégées par `::` ; les heures comme `12:30:45` et les adresses MAC ne
#       comptent pas), y compris dans une URL. Ne sont pas signalées : les adresses génériques
#       et de bouclage de la liste `allowed`, les plages réseau en notation CIDR (`10.0.0.0/8`,
#       comme dans les réglages de proxy ou de pare-feu) et les clés dont le nom contient
#       `VERSION` (numéros de version en quatre parties).
#   remediation:
#     en: >-
#       Write the Kubernetes service name instead (e.g. `postgres.my-namespace.svc:5432`), or an
#       external DNS name for a service outside the cluster.
#     fr: >-
#       Écrivez à la place le nom du service Kubernetes (par exemple
#       `postgres.mon-namespace.svc:5432`), ou un nom DNS externe pour un service hors du cluster.
#   params:
#     allowed: ["0.0.0.0", "127.0.0.1", "::", "::1"]
#     ignored_key_patterns: [VERSION]
package rules.kubernetes.K8S017

# Performance: values are filtered with a small regex (every address holds a `.` or a `:`), each
# remaining value is cut into tokens, and the large address pattern runs once per document over
# all the tokens (a regex built-in starts every call with a cold match cache).

_allowed := data.cct_lint_constants.K8S017._allowed if {
	data.cct_lint_constants.K8S017.params == data.params.K8S017
} else := {lower(a) | some a in data.params.K8S017.allowed; is_string(a)}

_ignored_patterns := data.cct_lint_constants.K8S017._ignored_patterns if {
	data.cct_lint_constants.K8S017.params == data.params.K8S017
} else := {upper(p) | some p in data.params.K8S017.ignored_key_patterns; is_string(p)}

# [path, key, value] of the values to read: container environment values, ConfigMap data values
# that hold a `.` or a `:`.
_values contains [array.concat(c.path, ["env", i, "value"]), e.name, v] if {
	some c in data.lib.k8s.containers
	env := c.container.env
	is_array(env)
	some i, e in env
	v := e.value
	is_string(v)
	contains(replace(v, ":", "."), ".")
	is_string(e.name)
}

_values contains [["data", key], key, value] if {
	input.kind == "ConfigMap"
	is_object(input.data)
	some key, value in input.data
	is_string(value)
	contains(replace(value, ":", "."), ".")
}

# The same, indexed.
_candidates := [v | some v in _values]

# The tokens of each candidate, one per line: address-like runs (`10.0.0.1`, `10.0.0.0/8`) and,
# prefixed with `!`, runs holding a `:` (IPv6), comment lines of embedded files left out.
_tokens[i] := concat("\n", array.concat(ipv4_tokens, [concat("", ["!", t]) | some t in ipv6_tokens; contains(t, ":")])) if {
	some i, [_, key, value] in _candidates
	not _ignored_key(key)
	text := regex.replace(value, `(?m)^[ \t]*(?:#|//|;|<!--).*$`, "")
	ipv4_tokens := regex.find_n(`[0-9A-Za-z.]+(?:/[0-9]+)?`, text, -1)
	ipv6_tokens := regex.find_n(`[0-9A-Za-z:.]+(?:/[0-9]+)?`, text, -1)
}

# The tokens that are addresses, over the whole document at once: the address pattern is large,
# and matching it once rather than per value is most of this rule's speed.
_addresses := {a | some a in regex.find_n(_address_line, concat("\n", [t | some t in _tokens]), -1)}

deny contains {"path": path, "params": {"key": key, "address": concat(", ", sort(found))}} if {
	# Most documents have no candidate: stop before the address pattern is built and run.
	count(_candidates) > 0
	count(_addresses) > 0
	some i, [path, key, _] in _candidates
	found := {trim_left(trim_right(a, "."), "!") |
		some a in split(_tokens[i], "\n")
		a in _addresses
		not lower(trim_left(trim_right(a, "."), "!")) in _allowed
	}
	count(found) > 0
}

_ignored_key(key) if {
	k := upper(key)
	some p in _ignored_patterns
	contains(k, p)
}

# IPv4: four numbers up to 255.
_octet := `(?:[0-9]{1,2}|[01][0-9]{2}|2[0-4][0-9]|25[0-5])`

_ipv4 := concat("", [_octet, `\.`, _octet, `\.`, _octet, `\.`, _octet])

# IPv6: 8 groups, or fewer with one `::`.
_h := `[0-9A-Fa-f]{1,4}`

_ipv4_part := `(?:[0-9]{1,3}\.){3}[0-9]{1,3}`

_ipv6 := concat("", [
	`(?:`,
	sprintf(`(?:%s:){7}%s`, [_h, _h]),
	sprintf(`|(?:%s:){1,7}:`, [_h]),
	sprintf(`|(?:%s:){1,6}:%s`, [_h, _h]),
	sprintf(`|(?:%s:){1,5}(?::%s){1,2}`, [_h, _h]),
	sprintf(`|(?:%s:){1,4}(?::%s){1,3}`, [_h, _h]),
	sprintf(`|(?:%s:){1,3}(?::%s){1,4}`, [_h, _h]),
	sprintf(`|(?:%s:){1,2}(?::%s){1,5}`, [_h, _h]),
	sprintf(`|%s:(?::%s){1,6}`, [_h, _h]),
	sprintf(`|:(?:(?::%s){1,7}|:)`, [_h]),
	sprintf(`|::(?:[Ff]{4}(?::0{1,4})?:)?%s`, [_ipv4_part]),
	sprintf(`|(?:%s:){1,4}:%s`, [_h, _ipv4_part]),
	`)`,
])

# One address per line, with its sentence-ending dots (IPv6 ones after their `!` mark).
_address_line := concat("", [`(?m)^(?:`, _ipv4, `|!`, _ipv6, `)\.*$`])
