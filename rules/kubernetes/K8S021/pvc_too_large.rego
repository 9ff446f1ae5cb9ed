# METADATA
# title: Volume claim requests too much storage
# custom:
#   id: K8S021
#   name: pvc-too-large
#   severity: error
#   requirements: [EXI-G-4]
#   alpha: []
#   platform: [limit-size-pvc]
#   input:
#     family: kubernetes
#     kinds: [PersistentVolumeClaim, StatefulSet]
#   title_fr: La demande de volume est trop grande
#   message:
#     en: "Volume claim `{claim}` requests `{size}` of storage, at or above the platform's limit of `{max}`"
#     fr: "La demande de volume `{claim}` réclame `{size}` de stockage, au moins la limite de `{max}` de la plateforme"
#   why:
#     en: >-
#       The platform refuses in production any PersistentVolumeClaim requesting 1Ti or more
#       (policy limit-size-pvc), and the CCT asks for a frugal use of infrastructure resources
#       (EXI-G-4). The rule reads `spec.resources.requests.storage` of PersistentVolumeClaims and
#       of StatefulSet `volumeClaimTemplates`, with Kubernetes quantity rules: `Ki`...`Ei` are
#       powers of 1024, `k`...`E` powers of 1000, `1e12` an exponent. So `1Ti` is `1024Gi`:
#       `1000Gi` and `1T` (10^12 bytes) are below it and pass, `1024Gi` fails. A size that still
#       holds an unresolved variable or is not a quantity is not judged.
#     fr: >-
#       La plateforme refuse en production toute PersistentVolumeClaim qui demande 1Ti ou plus
#       (politique limit-size-pvc), et le CCT demande un usage frugal des ressources
#       d'infrastructure (EXI-G-4). La règle lit `spec.resources.requests.storage` des
#       PersistentVolumeClaims et des `volumeClaimTemplates` de StatefulSet, selon les règles de
#       quantité de Kubernetes : `Ki`...`Ei` sont des puissances de 1024, `k`...`E` des
#       puissances de 1000, `1e12` un exposant. Ainsi `1Ti` vaut `1024Gi` : `1000Gi` et `1T`
#       (10^12 octets) sont en dessous et passent, `1024Gi` échoue. Une taille qui contient
#       encore une variable non résolue ou qui n'est pas une quantité n'est pas jugée.
#   remediation:
#     en: >-
#       Request less than the limit (e.g. `500Gi`) and keep large or growing data in the
#       platform's S3 object storage, or split it over several volumes.
#     fr: >-
#       Demandez moins que la limite (par exemple `500Gi`) et placez les données volumineuses ou
#       croissantes dans le stockage objet S3 de la plateforme, ou répartissez-les sur plusieurs
#       volumes.
#   params:
#     max: 1Ti
package rules.kubernetes.K8S021

_max_bytes := _bytes(data.params.K8S021.max)

_max_text := sprintf("%v", [data.params.K8S021.max])

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

deny contains f if {
	input.kind == "PersistentVolumeClaim"
	f := _finding(["spec"], _name)
}

deny contains f if {
	input.kind == "StatefulSet"
	templates := input.spec.volumeClaimTemplates
	is_array(templates)
	some i, t in templates
	claim := _template_name(t)
	f := _finding(["spec", "volumeClaimTemplates", i, "spec"], claim)
}

_template_name(t) := t.metadata.name if {
	is_string(t.metadata.name)
} else := ""

_finding(spec_path, claim) := {"path": path, "params": {"claim": claim, "size": sprintf("%v", [size]), "max": _max_text}} if {
	path := array.concat(spec_path, ["resources", "requests", "storage"])
	size := object.get(input, path, null)
	_bytes(size) >= _max_bytes
}

# Kubernetes quantities (k8s.io/apimachinery resource.Quantity): a decimal number followed by a
# binary suffix (Ki..Ei), a decimal suffix (n, u, m, k, M, G, T, P, E) or an exponent (e3, E-2).
_quantity := `^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+|n|u|m|k|M|G|T|P|E)?$`

_bytes(q) := q if is_number(q)

_bytes(q) := n * _multiplier(suffix) if {
	is_string(q)
	m := regex.find_all_string_submatch_n(_quantity, trim_space(q), 1)
	count(m) == 1
	n := to_number(_number_text(m[0][1]))
	suffix := m[0][2]
}

# `to_number` wants digits on both sides of the dot.
_number_text(s) := t if {
	a := regex.replace(s, `^([+-]?)\.`, "${1}0.")
	t := regex.replace(a, `\.$`, "")
}

_binary := {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}

_decimal := {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}

_multiplier(s) := _power(1024, _binary[s])

_multiplier(s) := _power(10, _decimal[s])

_multiplier(s) := _power(10, to_number(regex.replace(s, `^[eE]\+?`, ""))) if regex.match(`^[eE][+-]?[0-9]+$`, s)

_power(_, 0) := 1

_power(b, e) := product([b | some _ in numbers.range(1, e)]) if {
	e > 0
	e <= 40
}

_power(b, e) := 1 / _power(b, 0 - e) if {
	e < 0
	e >= -40
}

# Beyond 10^40 the size is far above any limit.
_power(b, e) := 1e40 if e > 40

_power(b, e) := 0 if e < -40
