# METADATA
# title: Service of type NodePort
# custom:
#   id: K8S018
#   name: nodeport-service
#   severity: error
#   requirements: [EXI-ARCH-14]
#   alpha: []
#   platform: [restrict-nodeport]
#   input:
#     family: kubernetes
#     kinds: [Service]
#   title_fr: Service de type NodePort
#   message:
#     en: "Service `{name}` is of type `{type}`"
#     fr: "Le Service `{name}` est de type `{type}`"
#   why:
#     en: >-
#       The platform refuses Services of type NodePort in production (policy restrict-nodeport):
#       a node port opens the application on every node of the cluster, bypassing the ingress
#       path that separates and protects user flows (EXI-ARCH-14). Applications are exposed
#       through a ClusterIP Service behind an Ingress or an OpenShift Route.
#     fr: >-
#       La plateforme refuse en production les Services de type NodePort (politique
#       restrict-nodeport) : un port de nœud ouvre l'application sur tous les nœuds du cluster
#       en contournant le chemin d'entrée qui sépare et protège les flux usagers (EXI-ARCH-14).
#       Une application s'expose par un Service ClusterIP derrière un Ingress ou une Route
#       OpenShift.
#   remediation:
#     en: "Write `type: ClusterIP` (or remove `type`) and expose the Service through an Ingress or a Route."
#     fr: "Écrivez `type: ClusterIP` (ou supprimez `type`) et exposez le Service par un Ingress ou une Route."
package rules.kubernetes.K8S018

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

deny contains f if {
	input.kind == "Service"
	t := input.spec.type
	is_string(t)
	t == "NodePort"
	f := {"path": ["spec", "type"], "params": {"name": _name, "type": t}}
}
