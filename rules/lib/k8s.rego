# Where things live in Kubernetes objects, so that rules never walk pod specs themselves.
# Every helper returns paths inside `input`, which the linter maps back to file positions.
package lib.k8s

workload_kinds := {
	"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
	"ReplicationController", "Job", "CronJob", "DeploymentConfig",
}

is_workload if input.kind in workload_kinds

pod_spec_path := ["spec"] if input.kind == "Pod"

pod_spec_path := ["spec", "jobTemplate", "spec", "template", "spec"] if input.kind == "CronJob"

pod_spec_path := ["spec", "template", "spec"] if {
	input.kind in workload_kinds
	not input.kind in {"Pod", "CronJob"}
}

pod_meta_path := ["metadata"] if input.kind == "Pod"

pod_meta_path := ["spec", "jobTemplate", "spec", "template", "metadata"] if input.kind == "CronJob"

pod_meta_path := ["spec", "template", "metadata"] if {
	input.kind in workload_kinds
	not input.kind in {"Pod", "CronJob"}
}

# Helm output often leaves `spec:` or `containers:` empty (null): treat them as absent.
pod_spec := s if {
	s := object.get(input, pod_spec_path, {})
	is_object(s)
} else := {}

pod_labels := object.get(input, array.concat(pod_meta_path, ["labels"]), {})

pod_security_context_path := array.concat(pod_spec_path, ["securityContext"])

container_types := ["containers", "initContainers", "ephemeralContainers"]

containers contains {"container": c, "path": array.concat(pod_spec_path, [t, i]), "type": t} if {
	some t in container_types
	some i, c in _list(object.get(pod_spec, t, []))
	is_object(c)
}

app_containers contains c if {
	some c in containers
	c.type == "containers"
}

# The display name of a container (an unnamed container still gets findings).
container_name(c) := object.get(c, "name", "")

_list(x) := x if is_array(x)

_list(x) := [] if not is_array(x)
