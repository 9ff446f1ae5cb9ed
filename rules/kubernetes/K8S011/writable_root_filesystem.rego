# METADATA
# title: Container asks for a writable root filesystem
# custom:
#   id: K8S011
#   name: writable-root-filesystem
#   severity: warning
#   requirements: [EXI-ARCH-18]
#   alpha: []
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Le conteneur demande un système de fichiers racine modifiable
#   message:
#     en: "Container `{container}` sets `readOnlyRootFilesystem: false`"
#     fr: "Le conteneur `{container}` définit `readOnlyRootFilesystem: false`"
#   why:
#     en: >-
#       EXI-ARCH-18 states that writing inside a pod is only possible through a mounted volume
#       and that an image does not modify itself at start-up; the platform runs pods with a
#       read-only root filesystem. A container that explicitly asks for a writable root
#       filesystem expects to write into its image layers, which will fail on the platform and
#       would otherwise let an intruder alter the application's binaries. Leaving the field out
#       or setting it to `true` is fine. Every container is checked, init containers included.
#     fr: >-
#       L'exigence EXI-ARCH-18 précise que l'écriture dans un pod n'est possible qu'au travers
#       d'un volume monté et qu'une image ne se modifie pas elle-même au démarrage ; la
#       plateforme exécute les pods avec un système de fichiers racine en lecture seule. Un
#       conteneur qui demande explicitement une racine modifiable s'attend à écrire dans les
#       couches de son image, ce qui échouera sur la plateforme et permettrait sinon à un
#       intrus de modifier les binaires de l'application. Omettre le champ ou le mettre à `true`
#       convient. Tous les conteneurs sont vérifiés, conteneurs init compris.
#   remediation:
#     en: >-
#       Write `readOnlyRootFilesystem: true` (or remove the field) and mount an `emptyDir` volume
#       on each directory the application writes to, such as `/tmp` or a cache directory.
#     fr: >-
#       Écrivez `readOnlyRootFilesystem: true` (ou supprimez le champ) et montez un volume
#       `emptyDir` sur chaque répertoire où l'application écrit, comme `/tmp` ou un répertoire
#       de cache.
package rules.kubernetes.K8S011

deny contains f if {
	some c in data.lib.k8s.containers
	c.container.securityContext.readOnlyRootFilesystem == false
	f := {
		"path": array.concat(c.path, ["securityContext", "readOnlyRootFilesystem"]),
		"params": {"container": data.lib.k8s.container_name(c.container)},
	}
}
