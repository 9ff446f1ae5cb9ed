# METADATA
# title: Container image has no pinned tag
# custom:
#   id: K8S001
#   name: image-tag-not-pinned
#   severity: error
#   requirements: [EXI-ARCH-27]
#   alpha: []
#   platform: [disallow-latest]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: L'image du conteneur n'a pas de tag épinglé
#   message:
#     en: "Image `{image}` of container `{container}` has no version tag or digest"
#     fr: "L'image `{image}` du conteneur `{container}` n'a ni tag de version ni digest"
#   variants:
#     latest:
#       en: "Image `{image}` of container `{container}` is tagged `latest`, which is not a version: it names whatever was pushed last"
#       fr: "L'image `{image}` du conteneur `{container}` a le tag `latest`, qui n'est pas une version : il désigne la dernière image poussée"
#   why:
#     en: >-
#       EXI-ARCH-27 requires an explicit version for every image and forbids `latest`; the
#       platform's `disallow-latest` policy refuses such pods in production. Without a tag the
#       runtime pulls `latest`, so the same manifest can start different code from one node or
#       one restart to the next, and a rollback cannot bring the previous version back. Every
#       container is checked (init and ephemeral ones too). A digest (`@sha256:...`) counts as
#       pinned; an image reference whose tag or digest still holds a variable (`app:$TAG`,
#       `{{ .Values.tag }}`) cannot be judged and is not reported, while a variable before the
#       last `/` only names the registry: `${REGISTRY}/nginx` (envsubst style) has no tag
#       whatever it holds and is reported.
#     fr: >-
#       L'exigence EXI-ARCH-27 impose une version explicite pour chaque image et proscrit
#       `latest` ; la politique `disallow-latest` de la plateforme refuse ces pods en production.
#       Sans tag, le moteur de conteneurs tire `latest` : le même manifeste peut démarrer un code
#       différent d'un nœud ou d'un redémarrage à l'autre, et un retour arrière ne ramène pas la
#       version précédente. Tous les conteneurs sont vérifiés (y compris init et éphémères). Un
#       digest (`@sha256:...`) vaut épinglage ; une référence dont le tag ou le digest contient
#       encore une variable (`app:$TAG`, `{{ .Values.tag }}`) ne peut pas être jugée et n'est pas
#       signalée, alors qu'une variable avant le dernier `/` ne désigne que le registre :
#       `${REGISTRY}/nginx` (style envsubst) n'a de tag quoi qu'elle contienne et est signalé.
#   remediation:
#     en: >-
#       Write an explicit version tag traceable to a release or commit, e.g. `nginx:1.27.3`, or
#       pin the image by digest (`nginx@sha256:...`).
#     fr: >-
#       Indiquez un tag de version explicite, rattaché à une version ou à un commit, par exemple
#       `nginx:1.27.3`, ou épinglez l'image par son digest (`nginx@sha256:...`).
package rules.kubernetes.K8S001

deny contains f if {
	some c in data.lib.k8s.containers
	image := c.container.image
	is_string(image)
	trim_space(image) != ""
	# Variables of a shell, of Kustomize/Argo CD or of an unrendered template cannot be judged.
	not contains(image, "{{")
	not data.lib.image.unresolved(image)
	not data.lib.image.pinned(image)
	f := {
		"path": array.concat(c.path, ["image"]),
		"params": object.union({"image": image, "container": data.lib.k8s.container_name(c.container)}, data.lib.image.latest_variant(image)),
	}
}
