# METADATA
# title: Chart dependency version is a range
# custom:
#   id: HELM003
#   name: unpinned-chart-dependency
#   severity: warning
#   requirements: [EXI-ARCH-5]
#   alpha: []
#   input:
#     family: chart
#   title_fr: La version d'une dépendance du chart est une plage
#   message:
#     en: "Dependency `{name}` asks for version `{version}`, a range: the chart that gets deployed may change without a commit"
#     fr: "La dépendance `{name}` demande la version `{version}`, une plage : le chart déployé peut changer sans commit"
#   why:
#     en: >-
#       EXI-ARCH-5 asks to rely on maintained community charts while checking their updates and
#       vulnerabilities: that review only means something if the version reviewed is the one
#       deployed. A range (`^1.2.0`, `~1.2`, `>=1.0.0`, `1.x`, `*`) lets `helm dependency update`
#       pick a newer chart on any build. The rule reads the `dependencies` of Chart.yaml (and of
#       requirements.yaml for apiVersion v1 charts) and fails when `version` is missing or holds a
#       comparison operator, a caret or tilde, a wildcard (`*`, `x`, `X`) or an alternative
#       (`||`, a hyphen range).
#     fr: >-
#       L'exigence EXI-ARCH-5 demande de s'appuyer sur des charts communautaires maintenus en
#       vérifiant leurs mises à jour et leurs vulnérabilités : cette revue n'a de sens que si la
#       version revue est celle qui est déployée. Une plage (`^1.2.0`, `~1.2`, `>=1.0.0`, `1.x`,
#       `*`) laisse `helm dependency update` choisir un chart plus récent à chaque construction.
#       La règle lit les `dependencies` de Chart.yaml (et de requirements.yaml pour les charts
#       apiVersion v1) et échoue quand `version` manque ou contient un opérateur de comparaison,
#       un accent circonflexe ou un tilde, un joker (`*`, `x`, `X`) ou une alternative (`||`,
#       plage avec tiret).
#   remediation:
#     en: "Write the exact version that was reviewed, e.g. `version: 18.6.1`, and update it on purpose."
#     fr: "Écrivez la version exacte qui a été revue, par exemple `version: 18.6.1`, et mettez-la à jour volontairement."
package rules.helm.HELM003

_range_pattern := `[\^~<>=*|]|(^|\.)[xX](\.|$)|\s-\s`

# apiVersion v1 charts declare their dependencies in requirements.yaml.
_declared contains [source, i, dep] if {
	some source in ["chart", "requirements"]
	some i, dep in object.get(input, [source, "dependencies"], [])
}

deny contains f if {
	some [source, i, dep] in _declared
	is_object(dep)
	version := object.get(dep, "version", "")
	_unpinned(version)
	f := {
		"path": _path(source, dep, i),
		"params": {"name": object.get(dep, "name", ""), "version": _shown(version)},
	}
}

_unpinned(version) if not is_string(version)

_unpinned(version) if {
	is_string(version)
	trim_space(version) == ""
}

_unpinned(version) if {
	is_string(version)
	regex.match(_range_pattern, trim_space(version))
}

_path(source, dep, i) := [source, "dependencies", i, "version"] if "version" in object.keys(dep)

else := [source, "dependencies", i]

_shown(version) := version if is_string(version)

else := ""
