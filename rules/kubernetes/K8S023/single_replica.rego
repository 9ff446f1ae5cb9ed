# METADATA
# title: Workload runs a single replica
# custom:
#   id: K8S023
#   name: single-replica
#   severity: warning
#   requirements: [EXI-ARCH-2, EXI-ARCH-19]
#   alpha: [EX28]
#   input:
#     family: bundle
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
#       purpose) is not reported. A HorizontalPodAutoscaler (or KEDA ScaledObject) of the same
#       bundle and namespace that targets the workload with a minimum of 2 or more satisfies the
#       requirement whatever `replicas` says (the autoscaler owns the count); one whose minimum
#       is 1 does not.
#     fr: >-
#       Avec un seul pod, chaque redémarrage, déploiement, drainage de nœud ou panne de zone
#       interrompt le service : l'objectif de disponibilité (EXI-ARCH-2) et des pods
#       redémarrables à tout instant (EXI-ARCH-19, alpha EX28) demandent au moins deux réplicas
#       répartis dans le cluster. La règle se déclenche sur un Deployment, un StatefulSet ou une
#       DeploymentConfig OpenShift dont `replicas` vaut 1, est nul ou absent (Kubernetes en lance
#       alors 1) ; `replicas: 0` (charge arrêtée volontairement) n'est pas signalé. Un
#       HorizontalPodAutoscaler (ou un ScaledObject KEDA) du même ensemble et du même namespace
#       qui cible la charge avec un minimum de 2 ou plus satisfait l'exigence quelle que soit la
#       valeur de `replicas` (l'autoscaler décide du nombre) ; un minimum de 1 ne suffit pas.
#   remediation:
#     en: >-
#       Set `replicas: 2` or more (with pod anti-affinity or topology spread constraints), or
#       add a HorizontalPodAutoscaler with `minReplicas: 2`.
#     fr: >-
#       Indiquez `replicas: 2` ou plus (avec une anti-affinité de pods ou des contraintes de
#       répartition topologique), ou ajoutez un HorizontalPodAutoscaler avec `minReplicas: 2`.
package rules.kubernetes.K8S023

_kinds := {"Deployment", "StatefulSet", "DeploymentConfig"}

# Single-replica workloads: `replicas` written as 1 or null (Kubernetes defaults null to 1), or
# missing (the finding then lands on `spec:`); not when an autoscaler keeps two or more.
deny contains f if {
	some i, obj in data.lib.bundle.objects
	is_object(obj)
	data.lib.bundle.kind(obj) in _kinds
	spec := obj.spec
	is_object(spec)
	_single(spec)
	not _autoscaled_to_two(obj)
	f := {
		"path": array.concat(["objects", i], _path(spec)),
		"params": {"kind": data.lib.bundle.kind(obj), "name": data.lib.bundle.name(obj)},
	}
}

_single(spec) if not "replicas" in object.keys(spec)

_single(spec) if spec.replicas == null

_single(spec) if spec.replicas == 1

_path(spec) := ["spec", "replicas"] if "replicas" in object.keys(spec)

else := ["spec"]

_autoscaled_to_two(obj) if {
	w := {"kind": data.lib.bundle.kind(obj), "name": data.lib.bundle.name(obj), "namespace": data.lib.bundle.namespace(obj)}
	some a in data.lib.bundle.autoscalers
	data.lib.bundle.targets(a, w)
	a.min >= 2
}
