# METADATA
# title: Workload is selected by no NetworkPolicy
# custom:
#   id: APP003
#   name: no-network-policy
#   severity: warning
#   requirements: [EXI-ARCH-14]
#   alpha: []
#   input:
#     family: bundle
#   title_fr: La charge de travail n'est sélectionnée par aucune NetworkPolicy
#   message:
#     en: "{kind} `{name}` is selected by no NetworkPolicy of the bundle"
#     fr: "{kind} `{name}` n'est sélectionné par aucune NetworkPolicy de l'ensemble"
#   why:
#     en: >-
#       The platform installs a default network policy that denies ingress except from the same
#       namespace, the OpenShift ingress, logging and monitoring; every other flow must be
#       declared by the application as NetworkPolicy objects, and EXI-ARCH-14 asks for separated
#       user, service and administration flows. A workload that no NetworkPolicy of its bundle
#       selects has its flows neither declared nor restricted. A NetworkPolicy
#       (networking.k8s.io) selects a workload when it is in the same namespace and its
#       `podSelector` matches the labels of the pod template (`matchLabels` and
#       `matchExpressions`; the empty selector selects every pod of the namespace). Objects
#       without a namespace are in the bundle's namespace. The rule looks at the kinds of the
#       parameter `kinds` (long-running workloads and Pods by default: Jobs and CronJobs are
#       left out) and places one finding per workload on its pod template labels.
#     fr: >-
#       La plateforme installe une politique réseau par défaut qui refuse les entrées sauf depuis
#       le même namespace, l'ingress OpenShift, la journalisation et la supervision ; tout autre
#       flux doit être déclaré par l'application sous forme de NetworkPolicy, et l'exigence
#       EXI-ARCH-14 demande de séparer les flux usagers, de services et d'administration. Une
#       charge qu'aucune NetworkPolicy de son ensemble ne sélectionne n'a ni flux déclarés ni
#       flux restreints. Une NetworkPolicy (networking.k8s.io) sélectionne une charge si elle
#       est dans le même namespace et que son `podSelector` correspond aux labels du modèle de
#       pod (`matchLabels` et `matchExpressions` ; le sélecteur vide sélectionne tous les pods
#       du namespace). Les objets sans namespace sont dans le namespace de l'ensemble. La règle
#       examine les types du paramètre `kinds` (charges de longue durée et Pods par défaut : les
#       Jobs et CronJobs sont écartés) et place un constat par charge sur les labels de son
#       modèle de pod.
#   remediation:
#     en: >-
#       Add NetworkPolicy objects in the workload's namespace whose `podSelector` matches its
#       pod labels and that declare the ingress and egress flows it needs.
#     fr: >-
#       Ajoutez dans le namespace de la charge des NetworkPolicy dont le `podSelector`
#       correspond aux labels de ses pods et qui déclarent les flux entrants et sortants dont
#       elle a besoin.
#   params:
#     kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, DeploymentConfig, Pod]
package rules.app.APP003

_kinds := k if {
	k := data.params.APP003.kinds
	is_array(k)
} else := ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Pod"]

deny contains f if {
	some w in data.lib.bundle.workloads
	w.kind in _kinds
	not _selected(w)
	f := {"path": data.lib.bundle.existing_path(array.concat(w.pod_meta_path, ["labels"])), "params": {"kind": w.kind, "name": w.name}}
}

_selected(w) if {
	some np in object.get(_policies_by_namespace, w.namespace, [])
	data.lib.bundle.selector_matches(object.get(np, ["spec", "podSelector"], null), w.labels)
}

# The bundle's NetworkPolicies per namespace, indexed once (rather than per workload).
_policies_by_namespace := {ns: [np | some np in _policies; data.lib.bundle.namespace(np) == ns] |
	some ns in {data.lib.bundle.namespace(np) | some np in _policies}
}

_policies := [data.lib.bundle.objects[i] | some i in data.lib.bundle.objects_of("NetworkPolicy", "networking.k8s.io")]
