# METADATA
# title: Replicated workload has no PodDisruptionBudget
# custom:
#   id: APP002
#   name: no-pod-disruption-budget
#   severity: warning
#   requirements: [EXI-ARCH-2]
#   alpha: []
#   input:
#     family: bundle
#   title_fr: La charge de travail répliquée n'a pas de PodDisruptionBudget
#   message:
#     en: "{kind} `{name}` runs several replicas but no PodDisruptionBudget selects its pods"
#     fr: "{kind} `{name}` exécute plusieurs réplicas mais aucun PodDisruptionBudget ne sélectionne ses pods"
#   why:
#     en: >-
#       Replicas only keep the service up (EXI-ARCH-2) if the cluster does not evict them all at
#       once: node drains and cluster upgrades respect a PodDisruptionBudget, and nothing else.
#       The rule looks at Deployments, StatefulSets, ReplicaSets, ReplicationControllers and
#       OpenShift DeploymentConfigs whose minimum number of pods is two or more: `replicas`
#       (unset = 1), or the `minReplicas` of a HorizontalPodAutoscaler (unset = 1) or the
#       `minReplicaCount` of a KEDA ScaledObject targeting them, which owns the replica count.
#       A PodDisruptionBudget covers the workload when it is in the same namespace and its
#       `selector` (`matchLabels` and `matchExpressions`) matches the labels of the pod template;
#       an empty selector matches every pod of the namespace (policy/v1), a missing one none.
#       Objects without a namespace are in the bundle's namespace. The finding lands on the
#       workload.
#     fr: >-
#       Les réplicas ne maintiennent le service (EXI-ARCH-2) que si le cluster ne les évince pas
#       tous à la fois : les drainages de nœuds et les mises à jour du cluster respectent un
#       PodDisruptionBudget, et rien d'autre. La règle examine les Deployments, StatefulSets,
#       ReplicaSets, ReplicationControllers et DeploymentConfigs OpenShift dont le nombre minimal
#       de pods est d'au moins deux : `replicas` (absent = 1), ou le `minReplicas` d'un
#       HorizontalPodAutoscaler (absent = 1) ou le `minReplicaCount` d'un ScaledObject KEDA qui
#       les cible, puisqu'il fixe alors le nombre de réplicas. Un PodDisruptionBudget couvre la
#       charge s'il est dans le même namespace et que son `selector` (`matchLabels` et
#       `matchExpressions`) correspond aux labels du modèle de pod ; un sélecteur vide
#       correspond à tous les pods du namespace (policy/v1), un sélecteur absent à aucun. Les
#       objets sans namespace sont dans le namespace de l'ensemble. Le constat est placé sur la
#       charge de travail.
#   remediation:
#     en: >-
#       Add a PodDisruptionBudget (policy/v1) in the same namespace whose `selector` matches the
#       pod template labels, with `minAvailable: 1` or `maxUnavailable: 1`.
#     fr: >-
#       Ajoutez dans le même namespace un PodDisruptionBudget (policy/v1) dont le `selector`
#       correspond aux labels du modèle de pod, avec `minAvailable: 1` ou `maxUnavailable: 1`.
package rules.app.APP002

_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"}

deny contains f if {
	some w in data.lib.bundle.workloads
	w.kind in _kinds
	data.lib.bundle.min_replicas(w) >= 2
	not _covered(w)
	f := {"path": w.path, "params": {"kind": w.kind, "name": w.name}}
}

_covered(w) if {
	some pdb in object.get(_pdbs_by_namespace, w.namespace, [])
	sel := object.get(pdb, ["spec", "selector"], null)
	_selects(pdb, sel, w.labels)
}

# The bundle's PodDisruptionBudgets per namespace, indexed once (rather than per workload).
_pdbs_by_namespace := {ns: [pdb | some pdb in _pdbs; data.lib.bundle.namespace(pdb) == ns] |
	some ns in {data.lib.bundle.namespace(pdb) | some pdb in _pdbs}
}

_pdbs := [data.lib.bundle.objects[i] | some i in data.lib.bundle.objects_of("PodDisruptionBudget", "policy")]

# policy/v1beta1 (removed in Kubernetes 1.25) read an empty selector as "no pod".
_selects(pdb, sel, labels) if {
	pdb.apiVersion == "policy/v1beta1"
	not data.lib.bundle.selector_is_empty(sel)
	data.lib.bundle.selector_matches(sel, labels)
}

_selects(pdb, sel, labels) if {
	pdb.apiVersion != "policy/v1beta1"
	data.lib.bundle.selector_matches(sel, labels)
}
