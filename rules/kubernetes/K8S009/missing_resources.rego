# METADATA
# title: Container does not set CPU and memory requests and limits
# custom:
#   id: K8S009
#   name: missing-resources
#   severity: error
#   requirements: [EXI-G-4]
#   alpha: [EX26]
#   platform: [need-containers-ressources]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Le conteneur ne définit pas ses requests et limits CPU et mémoire
#   message:
#     en: "Container `{container}` does not set `{missing}`"
#     fr: "Le conteneur `{container}` ne définit pas `{missing}`"
#   why:
#     en: >-
#       The platform's `need-containers-ressources` policy refuses in production any container
#       without `requests.cpu`, `requests.memory`, `limits.cpu` and `limits.memory`, and EXI-G-4
#       (alpha EX26) asks for a design frugal in infrastructure resources: requests let the
#       scheduler place pods without overcommitting nodes, limits keep one pod from starving its
#       neighbours. Every container is checked, init containers included (ephemeral containers
#       cannot take resources). Kubernetes copies limits into missing requests only on bare
#       Pods, not on the templates the policy checks, so all four values must be written. One
#       finding per container lists every missing value; it lands on the container when it has
#       no `resources`, on `requests` or `limits` when only that section lacks values, and on
#       `resources` otherwise.
#     fr: >-
#       La politique `need-containers-ressources` de la plateforme refuse en production tout
#       conteneur sans `requests.cpu`, `requests.memory`, `limits.cpu` et `limits.memory`, et
#       l'exigence EXI-G-4 (alpha EX26) demande une conception frugale en ressources
#       d'infrastructure : les requests permettent à l'ordonnanceur de placer les pods sans
#       surcharger les nœuds, les limits empêchent un pod d'affamer ses voisins. Tous les
#       conteneurs sont vérifiés, conteneurs init compris (les conteneurs éphémères ne prennent
#       pas de ressources). Kubernetes ne recopie les limits dans les requests manquantes que sur
#       les Pods nus, pas sur les modèles que vérifie la politique : les quatre valeurs doivent
#       être écrites. Un constat par conteneur liste toutes les valeurs manquantes ; il porte sur
#       le conteneur s'il n'a pas de `resources`, sur `requests` ou `limits` quand seule cette
#       section est incomplète, et sur `resources` sinon.
#   remediation:
#     en: >-
#       Write the four values measured for the container, e.g. `resources: {requests: {cpu:
#       100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}`.
#     fr: >-
#       Écrivez les quatre valeurs mesurées pour le conteneur, par exemple `resources:
#       {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}`.
package rules.kubernetes.K8S009

# Performance: literal tables and one-definition helpers (the regorus VM pays per call, per
# definition tried and per constant rebuilt on each document).

# [path inside `resources`, its name in messages], in message order.
_all := [[["requests", "cpu"], "requests.cpu"], [["requests", "memory"], "requests.memory"], [["limits", "cpu"], "limits.cpu"], [["limits", "memory"], "limits.memory"]]

# Ephemeral containers cannot set resources.
_containers := [c | some c in data.lib.k8s.containers; c.type != "ephemeralContainers"]

# No `resources` block at all.
deny contains f if {
	some c in _containers
	not is_object(c.container.resources)
	f := _finding(c.path, c.container, [name | some [_, name] in _all])
}

# `resources` incomplete: one finding per container listing every missing value, on the
# section that lacks them when only one does, else on `resources`.
deny contains f if {
	some c in _containers
	r := c.container.resources
	is_object(r)
	missing := [entry | some entry in _all; not _set(r, entry[0])]
	count(missing) > 0
	sections := {entry[0][0] | some entry in missing}
	path := _location(c.path, r, sections)
	f := _finding(path, c.container, [name | some [_, name] in missing])
}

_set(r, [section, name]) if {
	v := r[section][name]
	v != null
	v != ""
}

_location(path, r, sections) := array.concat(path, ["resources", s]) if {
	count(sections) == 1
	some s in sections
	is_object(r[s])
}

_location(path, r, sections) := array.concat(path, ["resources"]) if {
	count(sections) == 1
	some s in sections
	not is_object(r[s])
}

_location(path, _, sections) := array.concat(path, ["resources"]) if count(sections) > 1

_finding(path, container, missing) := {
	"path": path,
	"params": {"container": data.lib.k8s.container_name(container), "missing": concat(", ", missing)},
}
