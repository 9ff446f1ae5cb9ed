# METADATA
# title: Pod lacks the platform's app, env and tier labels
# custom:
#   id: K8S010
#   name: missing-platform-labels
#   severity: error
#   requirements: []
#   alpha: []
#   platform: [check-labels]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Le pod n'a pas les labels app, env et tier de la plateforme
#   message:
#     en: "Pod label `{labels}` has a value the platform's label check refuses (allowed: {expected})"
#     fr: "Le label de pod `{labels}` a une valeur que le contrôle de labels de la plateforme refuse (valeurs admises : {expected})"
#   variants:
#     missing:
#       en: "Pod lacks the labels {labels} required by the platform (required: {expected})"
#       fr: "Il manque au pod les labels {labels} exigés par la plateforme (exigés : {expected})"
#   why:
#     en: >-
#       The platform's `check-labels` policy refuses in production a pod that does not carry the
#       labels `app`, `env` and `tier`; the offer lists the values of `env` (dev, formation,
#       qualif, test, preprod, prod) and of `tier` (frontend, backend, db, cache, auth), and
#       `app` is free text. The labels are read on the pod template of a workload (on the
#       metadata of a Pod), since that is where the pods get them. Missing labels are reported
#       together on the `labels` block (or the template's metadata when there is none); a value
#       outside its list is reported on the label itself. The required labels and the allowed
#       values are the parameters `required`, `env_values` and `tier_values`.
#     fr: >-
#       La politique `check-labels` de la plateforme refuse en production un pod qui ne porte
#       pas les labels `app`, `env` et `tier` ; l'offre fixe les valeurs de `env` (dev,
#       formation, qualif, test, preprod, prod) et de `tier` (frontend, backend, db, cache,
#       auth), `app` étant libre. Les labels sont lus sur le modèle de pod d'une charge de
#       travail (sur les métadonnées d'un Pod), puisque c'est de là que les pods les reçoivent.
#       Les labels absents sont signalés ensemble sur le bloc `labels` (ou sur les métadonnées du
#       modèle s'il n'y en a pas) ; une valeur hors liste est signalée sur le label lui-même. Les
#       labels exigés et les valeurs admises sont les paramètres `required`, `env_values` et
#       `tier_values`.
#   remediation:
#     en: >-
#       Add the labels to the pod template, e.g. `app: my-api`, `env: prod` (one of dev,
#       formation, qualif, test, preprod, prod) and `tier: backend` (one of frontend, backend,
#       db, cache, auth).
#     fr: >-
#       Ajoutez les labels au modèle de pod, par exemple `app: mon-api`, `env: prod` (parmi dev,
#       formation, qualif, test, preprod, prod) et `tier: backend` (parmi frontend, backend, db,
#       cache, auth).
#   params:
#     required: [app, env, tier]
#     env_values: [dev, formation, qualif, test, preprod, prod]
#     tier_values: [frontend, backend, db, cache, auth]
package rules.kubernetes.K8S010

_required := data.params.K8S010.required

# Label name → allowed values.
_allowed[label] := values if {
	some label, param in {"env": "env_values", "tier": "tier_values"}
	values := data.params.K8S010[param]
	is_array(values)
}

_meta_path := data.lib.k8s.pod_meta_path

_labels_path := array.concat(_meta_path, ["labels"])

_labels := l if {
	l := object.get(input, _labels_path, null)
	is_object(l)
} else := {}

# A label that is absent, null or empty counts as missing.
_missing := [name | some name in _required; not _present(name)]

_present(name) if {
	v := _labels[name]
	v != null
	v != ""
}

# Missing labels: one finding on the deepest block that exists.
deny contains f if {
	data.lib.k8s.is_workload
	count(_missing) > 0
	f := {"path": _missing_location, "params": {"labels": _quoted(_missing), "expected": _quoted(_required), "variant": "missing"}}
}

# A label whose value is outside its allowed list.
deny contains f if {
	data.lib.k8s.is_workload
	some name, allowed in _allowed
	_present(name)
	value := _text(_labels[name])
	not value in allowed
	f := {
		"path": array.concat(_labels_path, [name]),
		"params": {"labels": sprintf("%s: %s", [name, value]), "expected": concat(", ", allowed)},
	}
}

_missing_location := _labels_path if {
	is_object(object.get(input, _labels_path, null))
} else := _meta_path if {
	is_object(object.get(input, _meta_path, null))
} else := array.slice(_meta_path, 0, count(_meta_path) - 1)

_quoted(names) := concat(", ", [sprintf("`%s`", [n]) | some n in names])

_text(v) := v if is_string(v)

_text(v) := sprintf("%v", [v]) if not is_string(v)
