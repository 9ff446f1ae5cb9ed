# METADATA
# title: Workload runs a single replica
# custom:
#   id: K8S023
#   name: single-replica
#   severity: warning
#   requirements: [EXI-ARCH-2, EXI-ARCH-19]
#   alpha: [EX28]
#   input:
#     family: kubernetes
#     kinds: [Deployment, StatefulSet, DeploymentConfig]
#   title_fr: La charge de travail n'exécute qu'un réplica
#   message:
#     en: "{kind} `{name}` runs a single replica"
#     fr: "{kind} `{name}` n'exécute qu'un seul réplica"
#   why:
#     en: >-
#       With one pod, every restart, rollout, node drain or zone failure interrupts the service:
#       the availability target (EXI-ARCH-2) and pods that can be restarted at any moment
#       (EXI-ARCH-19, alpha EX28) need at least two replicas spread over the cluster. The rule
#       fires on a Deployment, StatefulSet or OpenShift DeploymentConfig whose `replicas` is 1,
#       null or unset (Kubernetes then runs 1); `replicas: 0` (a workload switched off on
#       purpose) is not reported. It looks at the object alone for now: a
#       HorizontalPodAutoscaler with `minReplicas` ≥ 2 targeting the workload in the same bundle
#       also satisfies the requirement, and a derogation records that case until the bundle-level
#       check exists.
#     fr: >-
#       Avec un seul pod, chaque redémarrage, déploiement, drainage de nœud ou panne de zone
#       interrompt le service : l'objectif de disponibilité (EXI-ARCH-2) et des pods
#       redémarrables à tout instant (EXI-ARCH-19, alpha EX28) demandent au moins deux réplicas
#       répartis dans le cluster. La règle se déclenche sur un Deployment, un StatefulSet ou une
#       DeploymentConfig OpenShift dont `replicas` vaut 1, est nul ou absent (Kubernetes en lance
#       alors 1) ; `replicas: 0` (charge arrêtée volontairement) n'est pas signalé. Elle ne
#       regarde pour l'instant que l'objet lui-même : un HorizontalPodAutoscaler avec
#       `minReplicas` ≥ 2 qui cible la charge dans le même ensemble satisfait aussi l'exigence,
#       et une dérogation couvre ce cas en attendant la vérification au niveau de l'ensemble.
#   remediation:
#     en: >-
#       Set `replicas: 2` or more (with pod anti-affinity or topology spread constraints), or
#       add a HorizontalPodAutoscaler with `minReplicas: 2`.
#     fr: >-
#       Indiquez `replicas: 2` ou plus (avec une anti-affinité de pods ou des contraintes de
#       répartition topologique), ou ajoutez un HorizontalPodAutoscaler avec `minReplicas: 2`.
package rules.kubernetes.K8S023

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

_finding(path) := {"path": path, "params": {"kind": input.kind, "name": _name}}

# `replicas` written: 1 (or null, which Kubernetes defaults to 1).
deny contains f if {
	input.kind in {"Deployment", "StatefulSet", "DeploymentConfig"}
	is_object(input.spec)
	"replicas" in object.keys(input.spec)
	_single(input.spec.replicas)
	f := _finding(["spec", "replicas"])
}

# `replicas` missing: the finding lands on `spec:`.
deny contains f if {
	input.kind in {"Deployment", "StatefulSet", "DeploymentConfig"}
	is_object(input.spec)
	not "replicas" in object.keys(input.spec)
	f := _finding(["spec"])
}

_single(r) if r == null

_single(r) if r == 1
