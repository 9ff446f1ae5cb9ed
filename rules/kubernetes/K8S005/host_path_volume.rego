# METADATA
# title: Pod mounts a directory of the node (hostPath)
# custom:
#   id: K8S005
#   name: host-path-volume
#   severity: error
#   requirements: [EXI-ARCH-26]
#   alpha: []
#   platform: [disallow-hostpath]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Le pod monte un répertoire du nœud (hostPath)
#   message:
#     en: "Volume `{volume}` mounts the node's path `{host_path}`"
#     fr: "Le volume `{volume}` monte le chemin `{host_path}` du nœud"
#   why:
#     en: >-
#       EXI-ARCH-26 forbids mounting resources of the node, `hostPath` first of all, and the
#       platform's `disallow-hostpath` policy refuses such pods in production. A `hostPath`
#       volume ties the pod to one node, exposes the node's files (container runtime socket,
#       logs, credentials) to the application and lets a compromised container reach the host;
#       its data also disappears when the pod moves to another node.
#     fr: >-
#       L'exigence EXI-ARCH-26 interdit de monter des ressources du nœud, à commencer par
#       `hostPath`, et la politique `disallow-hostpath` de la plateforme refuse ces pods en
#       production. Un volume `hostPath` lie le pod à un nœud, expose les fichiers du nœud
#       (socket du moteur de conteneurs, journaux, secrets) à l'application et permet à un
#       conteneur compromis d'atteindre l'hôte ; ses données disparaissent aussi quand le pod
#       change de nœud.
#   remediation:
#     en: >-
#       Replace the `hostPath` volume with an `emptyDir` for scratch data, a
#       PersistentVolumeClaim for data that must survive, or a ConfigMap or Secret for
#       configuration.
#     fr: >-
#       Remplacez le volume `hostPath` par un `emptyDir` pour les données temporaires, un
#       PersistentVolumeClaim pour les données à conserver, ou une ConfigMap ou un Secret pour
#       la configuration.
package rules.kubernetes.K8S005

deny contains f if {
	volumes := data.lib.k8s.pod_spec.volumes
	is_array(volumes)
	some i, volume in volumes
	is_object(volume)
	host_path := volume.hostPath
	host_path != null
	f := {
		"path": array.concat(data.lib.k8s.pod_spec_path, ["volumes", i, "hostPath"]),
		"params": {"volume": _text(object.get(volume, "name", "")), "host_path": _path(host_path)},
	}
}

_path(h) := _text(h.path) if {
	is_object(h)
	h.path != null
} else := ""

_text(v) := v if is_string(v)

_text(v) := sprintf("%v", [v]) if not is_string(v)
