# METADATA
# title: Bundle declares no metrics scraping
# custom:
#   id: APP004
#   name: no-metrics-endpoint
#   severity: error
#   requirements: [EXI-ARCH-12, EXI-ARCH-24]
#   alpha: [EX25, EX55]
#   input:
#     family: bundle
#   title_fr: L'ensemble ne déclare aucune collecte de métriques
#   message:
#     en: "Bundle `{bundle}` runs workloads but declares no metrics scraping"
#     fr: "L'ensemble `{bundle}` exécute des charges de travail mais ne déclare aucune collecte de métriques"
#   why:
#     en: >-
#       EXI-ARCH-12 makes a Prometheus `/metrics` API and the integration into the supervision
#       chain mandatory, and EXI-ARCH-24 asks for performance measured in real time. A bundle
#       that runs long-running workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet,
#       ReplicationController, DeploymentConfig: Jobs alone do not count) must say how its
#       metrics are collected: a ServiceMonitor or PodMonitor (API group monitoring.coreos.com),
#       or the annotation `prometheus.io/scrape: "true"` on a pod template or a Service. One
#       finding is reported for the bundle, on its first long-running workload.
#     fr: >-
#       L'exigence EXI-ARCH-12 rend obligatoires une API `/metrics` au format Prometheus et
#       l'intégration dans la chaîne de supervision, et l'exigence EXI-ARCH-24 demande une
#       performance mesurable en temps réel. Un ensemble qui exécute des charges de longue durée
#       (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
#       DeploymentConfig : des Jobs seuls ne comptent pas) doit dire comment ses métriques sont
#       collectées : un ServiceMonitor ou un PodMonitor (groupe d'API monitoring.coreos.com), ou
#       l'annotation `prometheus.io/scrape: "true"` sur un modèle de pod ou un Service. Un seul
#       constat est émis pour l'ensemble, sur sa première charge de longue durée.
#   remediation:
#     en: >-
#       Expose a Prometheus `/metrics` endpoint and declare it with a ServiceMonitor or
#       PodMonitor (monitoring.coreos.com/v1), or with the annotation `prometheus.io/scrape:
#       "true"` (and `prometheus.io/port`, `prometheus.io/path`) on the Service or pod template.
#     fr: >-
#       Exposez une API `/metrics` au format Prometheus et déclarez-la avec un ServiceMonitor ou
#       un PodMonitor (monitoring.coreos.com/v1), ou avec l'annotation `prometheus.io/scrape:
#       "true"` (et `prometheus.io/port`, `prometheus.io/path`) sur le Service ou le modèle de
#       pod.
package rules.app.APP004

_long_running := [w | some w in data.lib.bundle.workloads; w.kind in data.lib.bundle.long_running_kinds]

deny contains f if {
	count(_long_running) > 0
	not _scraped
	first := min({w.index | some w in _long_running})
	f := {"path": ["objects", first], "params": {"bundle": _bundle_name}}
}

_bundle_name := n if {
	n := input.name
	is_string(n)
} else := ""

_scraped if {
	some k in ["ServiceMonitor", "PodMonitor"]
	count(data.lib.bundle.objects_of(k, "monitoring.coreos.com")) > 0
}

_scraped if {
	some w in data.lib.bundle.workloads
	_scrape_annotation(object.get(w.object, array.concat(array.slice(w.pod_meta_path, 2, count(w.pod_meta_path)), ["annotations"]), {}))
}

_scraped if {
	some i in data.lib.bundle.objects_of("Service", "")
	_scrape_annotation(object.get(data.lib.bundle.objects[i], ["metadata", "annotations"], {}))
}

_scrape_annotation(annotations) if {
	is_object(annotations)
	lower(sprintf("%v", [annotations["prometheus.io/scrape"]])) == "true"
}
