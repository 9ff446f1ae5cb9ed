# Where things live in Kubernetes objects, so that rules never walk pod specs themselves.
# Every helper returns paths inside `input`, which the linter maps back to file positions.
package lib.k8s

workload_kinds := {
	"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
	"ReplicationController", "Job", "CronJob", "DeploymentConfig",
}

is_workload if input.kind in workload_kinds

# The helpers below read `input`; their `_of(obj)` forms read any object (bundle rules call them
# on each object of a bundle: `with input as obj` would be slower and the RVM compiler refuses it).
pod_spec_path := pod_spec_path_of(input)

pod_spec_path_of(obj) := ["spec"] if obj.kind == "Pod"

pod_spec_path_of(obj) := ["spec", "jobTemplate", "spec", "template", "spec"] if obj.kind == "CronJob"

pod_spec_path_of(obj) := ["spec", "template", "spec"] if {
	obj.kind in workload_kinds
	not obj.kind in {"Pod", "CronJob"}
}

pod_meta_path := pod_meta_path_of(input)

pod_meta_path_of(obj) := ["metadata"] if obj.kind == "Pod"

pod_meta_path_of(obj) := ["spec", "jobTemplate", "spec", "template", "metadata"] if obj.kind == "CronJob"

pod_meta_path_of(obj) := ["spec", "template", "metadata"] if {
	obj.kind in workload_kinds
	not obj.kind in {"Pod", "CronJob"}
}

# Helm output often leaves `spec:` or `containers:` empty (null): treat them as absent.
pod_spec := pod_spec_of(input)

pod_spec_of(obj) := s if {
	s := object.get(obj, pod_spec_path_of(obj), {})
	is_object(s)
} else := {}

pod_labels := object.get(input, array.concat(pod_meta_path, ["labels"]), {})

pod_security_context_path := array.concat(pod_spec_path, ["securityContext"])

container_types := ["containers", "initContainers", "ephemeralContainers"]

containers := containers_of(input)

# Arrays, not sets, of objects: iterating a set makes the rule VM compare its elements in
# full (every container object) at each step.
containers_of(obj) := [{"container": c, "path": array.concat(spec_path, [t, i]), "type": t} |
	spec_path := pod_spec_path_of(obj)
	spec := pod_spec_of(obj)
	some t in container_types
	some i, c in _list(object.get(spec, t, []))
	is_object(c)
]

app_containers := [c | some c in containers; c.type == "containers"]

# The display name of a container (an unnamed container still gets findings).
container_name(c) := object.get(c, "name", "")

_list(x) := x if is_array(x)

_list(x) := [] if not is_array(x)
