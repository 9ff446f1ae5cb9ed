# METADATA
# title: Image pull policy is not IfNotPresent
# custom:
#   id: K8S002
#   name: image-pull-policy-not-ifnotpresent
#   severity: error
#   requirements: [EXI-ARCH-27]
#   alpha: []
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: La politique de téléchargement d'image n'est pas IfNotPresent
#   message:
#     en: "Container `{container}` sets `imagePullPolicy: {policy}` instead of `IfNotPresent`"
#     fr: "Le conteneur `{container}` définit `imagePullPolicy: {policy}` au lieu de `IfNotPresent`"
#   why:
#     en: >-
#       EXI-ARCH-27 requires `imagePullPolicy`, when it is written, to be `IfNotPresent`, so that
#       the cluster does not depend on the registry each time a pod starts: with `Always`, a
#       registry outage or rate limit prevents restarts and scaling, and with `Never` a pod cannot
#       start on a node that has not got the image yet. Leaving the field out is accepted (with a
#       pinned tag Kubernetes then uses `IfNotPresent`). Every container is checked, init and
#       ephemeral ones included; the value is compared exactly, as the API server does.
#     fr: >-
#       L'exigence EXI-ARCH-27 impose que `imagePullPolicy`, lorsqu'il est écrit, vaille
#       `IfNotPresent`, afin de découpler le cluster de la registry à chaque démarrage de pod :
#       avec `Always`, une panne ou une limitation de la registry empêche redémarrages et mises à
#       l'échelle, et avec `Never` un pod ne peut pas démarrer sur un nœud qui n'a pas encore
#       l'image. Omettre le champ est accepté (avec un tag épinglé, Kubernetes applique alors
#       `IfNotPresent`). Tous les conteneurs sont vérifiés, init et éphémères compris ; la valeur
#       est comparée exactement, comme le fait le serveur d'API.
#   remediation:
#     en: >-
#       Write `imagePullPolicy: IfNotPresent` or remove the field, and pin the image tag.
#     fr: >-
#       Écrivez `imagePullPolicy: IfNotPresent` ou supprimez le champ, et épinglez le tag de
#       l'image.
package rules.kubernetes.K8S002

deny contains f if {
	some c in data.lib.k8s.containers
	policy := c.container.imagePullPolicy
	policy != null
	policy != "IfNotPresent"
	f := {
		"path": array.concat(c.path, ["imagePullPolicy"]),
		"params": {"policy": _text(policy), "container": data.lib.k8s.container_name(c.container)},
	}
}

_text(v) := v if is_string(v)

_text(v) := sprintf("%v", [v]) if not is_string(v)
