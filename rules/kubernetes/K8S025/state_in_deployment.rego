# METADATA
# title: Deployment mounts a persistent volume claim
# custom:
#   id: K8S025
#   name: state-in-deployment
#   severity: warning
#   requirements: [EXI-ARCH-20]
#   alpha: [EX49]
#   input:
#     family: kubernetes
#     kinds: [Deployment, DeploymentConfig]
#   title_fr: Le Deployment monte un volume persistant
#   message:
#     en: "{kind} `{name}` keeps state in volume `{volume}` (claim `{claim}`)"
#     fr: "{kind} `{name}` garde un état dans le volume `{volume}` (demande `{claim}`)"
#   why:
#     en: >-
#       EXI-ARCH-20 (alpha EX49) requires stateless modules whose state lives in a central data
#       store: a Deployment (or OpenShift DeploymentConfig) that mounts a PersistentVolumeClaim
#       writes state into its pods, which prevents scaling out (a ReadWriteOnce volume follows one
#       node) and couples restarts to the volume. A claim mounted with
#       `persistentVolumeClaim.readOnly: true` only reads shared content and is not reported, nor
#       are generic ephemeral volumes, which die with the pod.
#     fr: >-
#       L'exigence EXI-ARCH-20 (alpha EX49) impose des modules sans état dont l'état est conservé
#       dans un magasin de données central : un Deployment (ou une DeploymentConfig OpenShift) qui
#       monte une PersistentVolumeClaim écrit un état dans ses pods, ce qui empêche la mise à
#       l'échelle (un volume ReadWriteOnce suit un seul nœud) et lie les redémarrages au volume.
#       Une demande montée avec `persistentVolumeClaim.readOnly: true` ne fait que lire un contenu
#       partagé et n'est pas signalée, pas plus que les volumes éphémères génériques, qui
#       disparaissent avec le pod.
#   remediation:
#     en: >-
#       Keep the state in a database or in the platform's S3 object storage; if the component is
#       stateful by nature, run it as a StatefulSet (or through the operator the host provides).
#     fr: >-
#       Conservez l'état dans une base de données ou dans le stockage objet S3 de la plateforme ;
#       si le composant a un état par nature, exécutez-le en StatefulSet (ou par l'opérateur
#       fourni par l'hébergeur).
package rules.kubernetes.K8S025

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

deny contains f if {
	input.kind in {"Deployment", "DeploymentConfig"}
	volumes := data.lib.k8s.pod_spec.volumes
	is_array(volumes)
	some i, v in volumes
	pvc := v.persistentVolumeClaim
	is_object(pvc)
	not pvc.readOnly == true
	f := {
		"path": array.concat(data.lib.k8s.pod_spec_path, ["volumes", i]),
		"params": {"kind": input.kind, "name": _name, "volume": _text(object.get(v, "name", null)), "claim": _text(object.get(pvc, "claimName", null))},
	}
}

_text(s) := s if is_string(s)

_text(s) := "" if not is_string(s)
