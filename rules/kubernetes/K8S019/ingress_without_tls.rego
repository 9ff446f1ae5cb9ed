# METADATA
# title: Ingress or Route without TLS
# custom:
#   id: K8S019
#   name: ingress-without-tls
#   severity: warning
#   requirements: [EXI-ARCH-14]
#   alpha: []
#   input:
#     family: kubernetes
#     kinds: [Ingress, Route]
#   title_fr: Ingress ou Route sans TLS
#   message:
#     en: "{kind} `{name}` serves plain HTTP: `spec.tls` is missing or empty"
#     fr: "{kind} `{name}` sert du HTTP en clair : `spec.tls` est absent ou vide"
#   why:
#     en: >-
#       EXI-ARCH-14 asks for HTTPS as the preferred protocol of every flow. An Ingress without a
#       `spec.tls` entry, or an OpenShift Route (`route.openshift.io`) without `spec.tls`, serves
#       its hosts over plain HTTP. An empty `tls` list or mapping counts as missing.
#     fr: >-
#       L'exigence EXI-ARCH-14 demande l'usage privilégié du protocole HTTPS pour tous les flux.
#       Un Ingress sans entrée `spec.tls`, ou une Route OpenShift (`route.openshift.io`) sans
#       `spec.tls`, sert ses hôtes en HTTP en clair. Une liste ou un objet `tls` vide compte
#       comme absent.
#   remediation:
#     en: >-
#       Add `spec.tls` with the hosts and their certificate Secret on an Ingress, or
#       `spec.tls.termination: edge` (or `reencrypt`) with `insecureEdgeTerminationPolicy:
#       Redirect` on a Route.
#     fr: >-
#       Ajoutez `spec.tls` avec les hôtes et le Secret de leur certificat sur un Ingress, ou
#       `spec.tls.termination: edge` (ou `reencrypt`) avec `insecureEdgeTerminationPolicy:
#       Redirect` sur une Route.
package rules.kubernetes.K8S019

_group := split(input.apiVersion, "/")[0] if {
	is_string(input.apiVersion)
	contains(input.apiVersion, "/")
} else := ""

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

# OpenShift 3 wrote Routes as `apiVersion: v1`; Knative and others have their own `Route` kinds.
_applies if input.kind == "Ingress"

_applies if {
	input.kind == "Route"
	_group in {"route.openshift.io", ""}
}

# `tls` present but null, empty list or empty mapping: the finding lands on the `tls:` key.
deny contains f if {
	_applies
	is_object(input.spec)
	"tls" in object.keys(input.spec)
	not _configured(input.spec.tls)
	f := {"path": ["spec", "tls"], "params": {"kind": input.kind, "name": _name}}
}

# `tls` missing: the finding lands on `spec:`.
deny contains f if {
	_applies
	is_object(input.spec)
	not "tls" in object.keys(input.spec)
	f := {"path": ["spec"], "params": {"kind": input.kind, "name": _name}}
}

_configured(tls) if {
	is_array(tls)
	some entry in tls
	entry != null
}

_configured(tls) if {
	is_object(tls)
	count(tls) > 0
}
