# METADATA
# title: Container lacks a readiness or a liveness probe
# custom:
#   id: K8S008
#   name: incomplete-health-probes
#   severity: warning
#   requirements: [EXI-ARCH-12]
#   alpha: [EX25]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, DeploymentConfig]
#   title_fr: Il manque au conteneur une sonde readiness ou liveness
#   message:
#     en: "Container `{container}` has probes but no `{missing}`"
#     fr: "Le conteneur `{container}` a des sondes mais pas de `{missing}`"
#   why:
#     en: >-
#       EXI-ARCH-12 (alpha EX25) requires applications whose health the orchestrator can follow.
#       Readiness and liveness answer different questions: without a `readinessProbe` a pod gets
#       traffic before it can serve and keeps getting it while it is overloaded; without a
#       `livenessProbe` a deadlocked process is never restarted; a `startupProbe` only guards the
#       start. The rule reports application containers that declare at least one probe but not
#       both of these (containers with no probe at all are K8S007's). Jobs and CronJobs are not
#       checked: their pods run to completion and receive no traffic, so a readiness probe means
#       nothing to them.
#     fr: >-
#       L'exigence EXI-ARCH-12 (alpha EX25) demande des applications dont l'orchestrateur peut
#       suivre la santé. Readiness et liveness répondent à des questions différentes : sans
#       `readinessProbe`, un pod reçoit du trafic avant de pouvoir le servir et continue d'en
#       recevoir quand il est surchargé ; sans `livenessProbe`, un processus bloqué n'est jamais
#       redémarré ; une `startupProbe` ne protège que le démarrage. La règle signale les
#       conteneurs applicatifs qui déclarent au moins une sonde mais pas ces deux-là (les
#       conteneurs sans aucune sonde relèvent de K8S007). Les Jobs et CronJobs ne sont pas
#       vérifiés : leurs pods s'exécutent jusqu'à leur fin et ne reçoivent pas de trafic, une
#       sonde readiness n'a pas de sens pour eux.
#   remediation:
#     en: >-
#       Add the missing probe: a `readinessProbe` that fails while the application cannot serve
#       and a `livenessProbe` that fails only when it must be restarted, e.g. `httpGet` on
#       `/health/ready` and `/health/live`.
#     fr: >-
#       Ajoutez la sonde manquante : une `readinessProbe` qui échoue tant que l'application ne
#       peut pas servir et une `livenessProbe` qui n'échoue que lorsqu'il faut la redémarrer, par
#       exemple un `httpGet` sur `/health/ready` et `/health/live`.
package rules.kubernetes.K8S008

deny contains f if {
	some c in data.lib.k8s.app_containers
	_has_probe(c.container)
	missing := [probe | some probe in ["livenessProbe", "readinessProbe"]; not is_object(c.container[probe])]
	count(missing) > 0
	f := {"path": c.path, "params": {"container": data.lib.k8s.container_name(c.container), "missing": concat(", ", missing)}}
}

_has_probe(container) if {
	some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
	is_object(container[probe])
}
