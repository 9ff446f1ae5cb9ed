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
#       Pods, not on the templates the policy checks, so all four values must be written. The
#       finding lands on the deepest block that exists: the container when it has no
#       `resources`, `resources` when `requests` or `limits` is missing, `requests` or `limits`
#       when it lacks `cpu` or `memory`.
#     fr: >-
#       La politique `need-containers-ressources` de la plateforme refuse en production tout
#       conteneur sans `requests.cpu`, `requests.memory`, `limits.cpu` et `limits.memory`, et
#       l'exigence EXI-G-4 (alpha EX26) demande une conception frugale en ressources
#       d'infrastructure : les requests permettent à l'ordonnanceur de placer les pods sans
#       surcharger les nœuds, les limits empêchent un pod d'affamer ses voisins. Tous les
#       conteneurs sont vérifiés, conteneurs init compris (les conteneurs éphémères ne prennent
#       pas de ressources). Kubernetes ne recopie les limits dans les requests manquantes que sur
#       les Pods nus, pas sur les modèles que vérifie la politique : les quatre valeurs doivent
#       être écrites. Le constat porte sur le bloc existant le plus profond : le conteneur s'il
#       n'a pas de `resources`, `resources` s'il manque `requests` ou `limits`, `requests` ou
#       `limits` s'il y manque `cpu` ou `memory`.
#   remediation:
#     en: >-
#       Write the four values measured for the container, e.g. `resources: {requests: {cpu:
#       100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}`.
#     fr: >-
#       Écrivez les quatre valeurs mesurées pour le conteneur, par exemple `resources:
#       {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}`.
package rules.kubernetes.K8S009

_sections := ["requests", "limits"]

_resources := ["cpu", "memory"]

_all := [concat(".", [s, r]) | some s in _sections; some r in _resources]

# Ephemeral containers cannot set resources.
_containers contains c if {
	some c in data.lib.k8s.containers
	c.type != "ephemeralContainers"
}

# No `resources` block at all.
deny contains f if {
	some c in _containers
	not is_object(c.container.resources)
	f := _finding(c.path, c.container, _all)
}

# `resources` without `requests` or without `limits`.
deny contains f if {
	some c in _containers
	r := c.container.resources
	is_object(r)
	missing := [concat(".", [s, x]) | some s in _sections; not is_object(r[s]); some x in _resources]
	count(missing) > 0
	f := _finding(array.concat(c.path, ["resources"]), c.container, missing)
}

# `requests` or `limits` without `cpu` or `memory`.
deny contains f if {
	some c in _containers
	some s in _sections
	section := c.container.resources[s]
	is_object(section)
	missing := [concat(".", [s, x]) | some x in _resources; not _set(section[x])]
	count(missing) > 0
	f := _finding(array.concat(c.path, ["resources", s]), c.container, missing)
}

_set(v) if {
	v != null
	v != ""
}

_finding(path, container, missing) := {
	"path": path,
	"params": {"container": data.lib.k8s.container_name(container), "missing": concat(", ", missing)},
}
