# METADATA
# title: HTTP probes target no health endpoint
# custom:
#   id: APP006
#   name: no-health-endpoint
#   severity: note
#   requirements: [EXI-ARCH-12]
#   alpha: [EX25]
#   input:
#     family: bundle
#   title_fr: Les sondes HTTP ne visent aucune API de santé
#   message:
#     en: "HTTP probes of bundle `{bundle}` target no health endpoint (first probe path: `{path}`)"
#     fr: "Les sondes HTTP de l'ensemble `{bundle}` ne visent aucune API de santé (chemin de la première sonde : `{path}`)"
#   why:
#     en: >-
#       EXI-ARCH-12 makes a self-describing `/health` supervision API mandatory. When the bundle's
#       containers have HTTP probes (`httpGet` liveness, readiness or startup probes) and none
#       of them targets a path containing one of the parameter `path_markers` (compared without
#       case; `health` by default, which covers `/health`, `/healthz` and
#       `/actuator/health/liveness`, plus the Kubernetes conventions `livez` and `readyz`), the
#       application most likely exposes no health API and probes its home page instead (an
#       `httpGet` without `path` probes `/`). This is a hint to confirm, hence a note. Bundles
#       without HTTP probes are left to K8S007. One finding per bundle, on the path of its
#       first HTTP probe (or its `httpGet` when the path is missing): first workload, first
#       container, liveness before readiness before startup probe.
#     fr: >-
#       L'exigence EXI-ARCH-12 rend obligatoire une API de supervision auto-descriptive
#       `/health`. Quand les conteneurs de l'ensemble ont des sondes HTTP (sondes liveness,
#       readiness ou startup `httpGet`) et qu'aucune ne vise un chemin contenant l'un des
#       marqueurs du paramètre `path_markers` (sans tenir compte de la casse ; `health` par
#       défaut, ce qui couvre `/health`, `/healthz` et `/actuator/health/liveness`, plus les
#       conventions Kubernetes `livez` et `readyz`), l'application n'expose vraisemblablement
#       pas d'API de santé et ses sondes visent sa page d'accueil (un `httpGet` sans `path` vise
#       `/`). C'est un indice à confirmer, d'où une simple note. Les ensembles sans sonde HTTP
#       relèvent de K8S007. Un constat par ensemble, sur le chemin de sa première sonde HTTP
#       (ou sur son `httpGet` quand le chemin manque) : première charge, premier conteneur,
#       liveness avant readiness avant startup.
#   remediation:
#     en: >-
#       Expose a `/health` API (JSON, problem+json on failure) and point the liveness and
#       readiness probes at it (`httpGet.path: /health`).
#     fr: >-
#       Exposez une API `/health` (JSON, problem+json en cas d'échec) et faites-y pointer les
#       sondes liveness et readiness (`httpGet.path: /health`).
#   params:
#     path_markers: [health, livez, readyz]
package rules.app.APP006

_markers := m if {
	m := data.params.APP006.path_markers
	is_array(m)
} else := ["health", "livez", "readyz"]

_probe_kinds := ["livenessProbe", "readinessProbe", "startupProbe"]

# Every httpGet probe: [path of its httpGet, the path it requests].
_probes contains [array.concat(c.path, [k, "httpGet"]), _request_path(get)] if {
	some c in data.lib.bundle.containers
	some k in _probe_kinds
	get := c.container[k].httpGet
	is_object(get)
}

_request_path(get) := p if {
	p := get.path
	is_string(p)
} else := "/"

_healthy(p) if {
	some m in _markers
	contains(lower(p), lower(m))
}

deny contains f if {
	count(_probes) > 0
	not _any_healthy
	first := min(_probes)
	f := {"path": _location(first[0]), "params": {"bundle": _bundle_name, "path": first[1]}}
}

_any_healthy if {
	some p in _probes
	_healthy(p[1])
}

# On the `path:` key when written, else on `httpGet:`.
_location(get_path) := array.concat(get_path, ["path"]) if {
	is_string(object.get(input, get_path, {}).path)
} else := get_path

_bundle_name := n if {
	n := input.name
	is_string(n)
} else := ""
