# METADATA
# title: Replicated workload is not spread over nodes or zones
# custom:
#   id: APP001
#   name: no-anti-affinity
#   severity: error
#   requirements: [EXI-ARCH-2]
#   alpha: []
#   input:
#     family: bundle
#   title_fr: La charge de travail répliquée n'est pas répartie sur les nœuds ou les zones
#   message:
#     en: "{kind} `{name}` runs several replicas with neither pod anti-affinity nor topology spread constraints"
#     fr: "{kind} `{name}` exécute plusieurs réplicas sans anti-affinité de pods ni contraintes de répartition topologique"
#   why:
#     en: >-
#       EXI-ARCH-2 asks for anti-affinity rules in the manifests so that the replicas of a
#       component land on different availability zones: replicas the scheduler may place on one
#       node or in one zone fail together. The rule looks at Deployments, StatefulSets,
#       ReplicaSets, ReplicationControllers and OpenShift DeploymentConfigs that run two
#       replicas or more (`replicas` unset counts as 1), or that a HorizontalPodAutoscaler (or a
#       KEDA ScaledObject) of the same bundle and namespace scales. Their pod template passes
#       with a `podAntiAffinity` (required or preferred) or with a `topologySpreadConstraints`
#       entry whose `topologyKey` is one of the parameter `topology_keys` (by default
#       `topology.kubernetes.io/zone` and `kubernetes.io/hostname`). The finding lands on the pod
#       spec.
#     fr: >-
#       L'exigence EXI-ARCH-2 demande des règles d'anti-affinité dans les manifestes pour que
#       les réplicas d'un composant soient répartis sur des zones de disponibilité différentes :
#       des réplicas que l'ordonnanceur peut placer sur un même nœud ou dans une même zone
#       tombent ensemble. La règle examine les Deployments, StatefulSets, ReplicaSets,
#       ReplicationControllers et DeploymentConfigs OpenShift qui exécutent deux réplicas ou
#       plus (`replicas` absent vaut 1), ou qu'un HorizontalPodAutoscaler (ou un ScaledObject
#       KEDA) du même ensemble et du même namespace fait varier. Leur modèle de pod est conforme
#       avec un `podAntiAffinity` (obligatoire ou préféré) ou avec une entrée
#       `topologySpreadConstraints` dont la `topologyKey` figure dans le paramètre
#       `topology_keys` (par défaut `topology.kubernetes.io/zone` et `kubernetes.io/hostname`).
#       Le constat est placé sur la spécification du pod.
#   remediation:
#     en: >-
#       Add to the pod template a `topologySpreadConstraints` entry with `topologyKey:
#       topology.kubernetes.io/zone` (and one with `kubernetes.io/hostname`) selecting the
#       workload's pods, or a `podAntiAffinity` rule on those labels.
#     fr: >-
#       Ajoutez au modèle de pod une entrée `topologySpreadConstraints` avec `topologyKey:
#       topology.kubernetes.io/zone` (et une avec `kubernetes.io/hostname`) qui sélectionne les
#       pods de la charge, ou une règle `podAntiAffinity` sur ces labels.
#   params:
#     topology_keys: [topology.kubernetes.io/zone, kubernetes.io/hostname]
package rules.app.APP001

_topology_keys := k if {
	k := data.params.APP001.topology_keys
	is_array(k)
} else := ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]

_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"}

deny contains f if {
	some w in data.lib.bundle.workloads
	w.kind in _kinds
	_several(w)
	not _anti_affinity(w.pod_spec)
	not _spread(w.pod_spec)
	f := {"path": data.lib.bundle.existing_path(w.pod_spec_path), "params": {"kind": w.kind, "name": w.name}}
}

_several(w) if data.lib.bundle.autoscaled(w)

_several(w) if data.lib.bundle.replicas(w.object) >= 2

_anti_affinity(spec) if {
	paa := spec.affinity.podAntiAffinity
	some term in ["requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"]
	rules := paa[term]
	is_array(rules)
	count(rules) > 0
}

_spread(spec) if {
	some c in spec.topologySpreadConstraints
	c.topologyKey in _topology_keys
}
