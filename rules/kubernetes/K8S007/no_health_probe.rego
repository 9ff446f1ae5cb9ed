# METADATA
# title: Container has no health probe
# custom:
#   id: K8S007
#   name: no-health-probe
#   severity: error
#   requirements: [EXI-ARCH-12]
#   alpha: [EX25]
#   platform: [need-liveness-readiness]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Le conteneur n'a aucune sonde de santé
#   message:
#     en: "Container `{container}` has no liveness, readiness or startup probe"
#     fr: "Le conteneur `{container}` n'a aucune sonde liveness, readiness ni startup"
#   why:
#     en: >-
#       EXI-ARCH-12 (alpha EX25) requires applications to be monitorable, health checks
#       included, and the platform's `need-liveness-readiness` policy refuses in production a
#       container without any of `livenessProbe`, `readinessProbe` or `startupProbe`. Without a
#       probe Kubernetes sends traffic to a pod that is not ready and never restarts one that is
#       stuck. Application containers are checked; init and ephemeral containers run to
#       completion or for debugging and take no probe. A container that has some probes but not
#       both readiness and liveness is reported by K8S008 instead.
#     fr: >-
#       L'exigence EXI-ARCH-12 (alpha EX25) demande une application supervisable, contrôle de
#       santé compris, et la politique `need-liveness-readiness` de la plateforme refuse en
#       production un conteneur sans aucune des sondes `livenessProbe`, `readinessProbe` ou
#       `startupProbe`. Sans sonde, Kubernetes envoie du trafic à un pod qui n'est pas prêt et ne
#       redémarre jamais un pod bloqué. Les conteneurs applicatifs sont vérifiés ; les conteneurs
#       init et éphémères s'exécutent jusqu'à leur fin ou servent au débogage et ne prennent pas
#       de sonde. Un conteneur qui a des sondes mais pas à la fois readiness et liveness est
#       signalé par K8S008.
#   remediation:
#     en: >-
#       Add a `readinessProbe` and a `livenessProbe` (and a `startupProbe` for slow starts) that
#       call the application's health endpoint, e.g. `httpGet` on `/health`.
#     fr: >-
#       Ajoutez une `readinessProbe` et une `livenessProbe` (et une `startupProbe` pour les
#       démarrages lents) qui interrogent le point de santé de l'application, par exemple un
#       `httpGet` sur `/health`.
package rules.kubernetes.K8S007

deny contains f if {
	some c in data.lib.k8s.app_containers
	not _has_probe(c.container)
	f := {"path": c.path, "params": {"container": data.lib.k8s.container_name(c.container)}}
}

_has_probe(container) if {
	some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
	is_object(container[probe])
}
