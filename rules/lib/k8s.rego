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
pod_spec_path := _pod_spec_paths[input.kind]

# Table lookups rather than functions of several definitions: the VM pays per call and per
# definition tried, on every document.
pod_spec_path_of(obj) := _pod_spec_paths[obj.kind]

_pod_spec_paths := {
	"Pod": ["spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"DeploymentConfig": ["spec", "template", "spec"],
}

# The pod template's metadata sits beside its spec.
pod_meta_path := _beside_spec(pod_spec_path, "metadata")

pod_meta_path_of(obj) := _beside_spec(pod_spec_path_of(obj), "metadata")

_beside_spec(spec_path, key) := array.concat(array.slice(spec_path, 0, count(spec_path) - 1), [key])

# Helm output often leaves `spec:` or `containers:` empty (null): treat them as absent.
pod_spec := pod_spec_of(input)

pod_spec_of(obj) := s if {
	s := object.get(obj, pod_spec_path_of(obj), {})
	is_object(s)
} else := {}

pod_labels := object.get(input, array.concat(pod_meta_path, ["labels"]), {})

pod_security_context_path := array.concat(pod_spec_path, ["securityContext"])

container_types := ["containers", "initContainers", "ephemeralContainers"]

# Arrays, not sets, of objects: iterating a set makes the rule VM compare its elements in
# full (every container object) at each step.
containers := [{"container": c, "path": array.concat(pod_spec_path, [t, i]), "type": t} |
	some t in container_types
	list := object.get(pod_spec, t, [])
	is_array(list)
	some i, c in list
	is_object(c)
]

app_containers := [c | some c in containers; c.type == "containers"]

# The display name of a container (an unnamed container still gets findings).
container_name(c) := object.get(c, "name", "")

# `spec.template.spec.containers[0].securityContext`, as the API server writes a field's path.
# One comprehension of built-ins: a helper call per segment cost more than the rest of a rule.
field_path(path) := trim_prefix(concat("", [sprintf(_segment_format[type_name(p)], [p]) | some p in path]), ".")

_segment_format := {"string": ".%s", "number": "[%d]"}
