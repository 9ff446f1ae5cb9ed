# Cross-object helpers for bundle rules (APP). `input` is one bundle:
# `{"name": "deploy/base", "objects": [<k8s object>, ...]}`, objects in file order.
# Every path returned here is a path inside that input: `["objects", i, ...]`.
# Where one object is read, the `_of(obj)` helpers of `data.lib.k8s` are reused, so the kind →
# pod spec table lives in one place.
# Performance: a bundle holds hundreds of objects. Whatever a rule looks up per workload (objects
# of a kind, autoscalers of a target) is indexed once in a rule (rules are computed once per
# evaluation, functions at every call), so that rules stay linear in the bundle size.
package lib.bundle

objects := o if {
	o := input.objects
	is_array(o)
} else := []

# --- identity -------------------------------------------------------------------------------

kind(obj) := k if {
	k := obj.kind
	is_string(k)
} else := ""

name(obj) := n if {
	n := obj.metadata.name
	is_string(n)
} else := ""

# `apps/v1` → `apps`, `v1` → `` (the core group).
api_group(obj) := g if {
	v := obj.apiVersion
	is_string(v)
	contains(v, "/")
	g := split(v, "/")[0]
} else := ""

# The objects of one kind (and API group, `*` for any) with their index.
objects_of(k, group) := {i |
	some i in object.get(_by_kind, k, set())
	_group_ok(objects[i], group)
}

# Object indices per kind.
_by_kind := {k: {i | some i, obj in objects; is_object(obj); kind(obj) == k} | some k in _kinds}

_kinds := {kind(obj) | some obj in objects; is_object(obj)}

_group_ok(_, "*") := true

_group_ok(obj, group) if api_group(obj) == group

# --- namespaces -----------------------------------------------------------------------------

# Objects without `metadata.namespace` share the bundle's default namespace. It is unknown
# (`kubectl apply -n`, the Argo CD destination, `helm -n`), except when every object that names
# a namespace names the same one: then the others are taken to be in it too (Helm charts often
# write the namespace on some objects only).
_explicit_namespaces := {ns |
	some obj in objects
	ns := _explicit_namespace(obj)
}

_explicit_namespace(obj) := ns if {
	ns := obj.metadata.namespace
	is_string(ns)
	ns != ""
}

default_namespace := ns if {
	count(_explicit_namespaces) == 1
	some ns in _explicit_namespaces
} else := ""

# Two definitions rather than `ns := ... } else :=`: the rule VM skips an `else` after a body
# that ends with an undefined assignment (see src/evaluate.rs).
namespace(obj) := _explicit_namespace(obj)

namespace(obj) := default_namespace if not _explicit_namespace(obj)

# --- workloads ------------------------------------------------------------------------------

# Kinds whose `spec.replicas` sets the number of pods.
replicated_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"}

# Long-running workloads (Jobs and CronJobs run to completion; bare Pods are not managed).
long_running_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"}

# Every workload of the bundle:
#   index, kind, name, namespace, object,
#   path            ["objects", i]
#   pod_spec_path   ["objects", i, "spec", "template", "spec"] (for a Deployment)
#   pod_meta_path   ["objects", i, "spec", "template", "metadata"]
#   pod_spec        the pod spec ({} when absent or null)
#   labels          the pod template labels ({} when absent or null)
# (An array, like the other collections of objects here: iterating a set makes the rule VM
# compare its elements in full at each step.)
workloads := [w |
	some i, obj in objects
	is_object(obj)
	k := kind(obj)
	k in data.lib.k8s.workload_kinds
	w := _workload(i, obj, k)
]

_workload(i, obj, k) := {
	"index": i,
	"kind": k,
	"name": name(obj),
	"namespace": namespace(obj),
	"object": obj,
	"path": ["objects", i],
	"pod_spec_path": array.concat(["objects", i], spec_path),
	"pod_meta_path": array.concat(["objects", i], meta_path),
	"pod_spec": data.lib.k8s.pod_spec_of(obj),
	"labels": _object_or_empty(object.get(obj, array.concat(meta_path, ["labels"]), {})),
} if {
	spec_path := data.lib.k8s.pod_spec_path_of(obj)
	meta_path := data.lib.k8s.pod_meta_path_of(obj)
}

workload_at[w.index] := w if some w in workloads

# Containers of every workload: {"index": i, "container": c, "path": [...], "type": t}, with
# `type` in containers | initContainers | ephemeralContainers.
containers := [{"index": w.index, "container": c, "path": array.concat(w.pod_spec_path, [t, i]), "type": t} |
	some w in workloads
	some t in data.lib.k8s.container_types
	list := object.get(w.pod_spec, t, [])
	is_array(list)
	some i, c in list
	is_object(c)
]

app_containers := [c | some c in containers; c.type == "containers"]

# --- replicas and autoscaling ---------------------------------------------------------------

# `spec.replicas` of a replicated kind; unset or null = 1. Undefined for other kinds and for
# values that are not numbers (an unrendered template expression cannot be judged).
replicas(obj) := r if {
	kind(obj) in replicated_kinds
	r := _replicas(object.get(obj, ["spec", "replicas"], null))
}

_replicas(null) := 1

_replicas(r) := r if is_number(r)

# HorizontalPodAutoscalers (any autoscaling/* version) and KEDA ScaledObjects:
# {"index", "kind", "name", "namespace", "min"} where kind/name are the scale target's.
# HPA `minReplicas` unset = 1; ScaledObject `minReplicaCount` unset = 0, target kind unset = Deployment.
autoscalers := array.concat(_hpas, _scaled_objects)

_hpas := [a |
	some i, obj in objects
	kind(obj) == "HorizontalPodAutoscaler"
	ref := object.get(obj, ["spec", "scaleTargetRef"], null)
	is_object(ref)
	a := {
		"index": i, "kind": _string(object.get(ref, "kind", "")), "name": _string(object.get(ref, "name", "")),
		"namespace": namespace(obj), "min": _min(object.get(obj, ["spec", "minReplicas"], null), 1),
	}
]

_scaled_objects := [a |
	some i, obj in objects
	kind(obj) == "ScaledObject"
	api_group(obj) == "keda.sh"
	ref := object.get(obj, ["spec", "scaleTargetRef"], null)
	is_object(ref)
	a := {
		"index": i, "kind": _string(object.get(ref, "kind", "Deployment")), "name": _string(object.get(ref, "name", "")),
		"namespace": namespace(obj), "min": _min(object.get(obj, ["spec", "minReplicaCount"], null), 0),
	}
]

_min(v, _) := v if is_number(v)

_min(v, fallback) := fallback if not is_number(v)

# True when the autoscaler `a` scales the workload `w`.
targets(a, w) if {
	a.kind == w.kind
	a.name == w.name
	a.namespace == w.namespace
}

autoscaled(w) if _autoscaler_min[[w.kind, w.name, w.namespace]]

# The highest minimum of the autoscalers of each target `[kind, name, namespace]`.
_autoscaler_min := {t: max({a.min | some a in autoscalers; [a.kind, a.name, a.namespace] == t}) |
	some t in {[a.kind, a.name, a.namespace] | some a in autoscalers}
}

# The fewest pods the workload runs: the autoscaler's minimum when one targets it (it owns
# `replicas` then; the highest minimum if several do), else `replicas`. Undefined when unknown.
min_replicas(w) := _autoscaler_min[[w.kind, w.name, w.namespace]]

min_replicas(w) := replicas(w.object) if not _autoscaler_min[[w.kind, w.name, w.namespace]]

# --- label selectors ------------------------------------------------------------------------

# Kubernetes LabelSelector semantics: `matchLabels` AND every `matchExpressions` entry
# (In, NotIn, Exists, DoesNotExist). An empty selector `{}` matches every pod; a null or
# missing selector matches none.
selector_matches(sel, labels) if {
	is_object(sel)
	every k, v in _object_or_empty(object.get(sel, "matchLabels", {})) {
		_label_value(labels, k) == _text(v)
	}
	every e in _array_or_empty(object.get(sel, "matchExpressions", [])) {
		_expression_matches(e, labels)
	}
}

selector_is_empty(sel) if {
	is_object(sel)
	count(_object_or_empty(object.get(sel, "matchLabels", {}))) == 0
	count(_array_or_empty(object.get(sel, "matchExpressions", []))) == 0
}

_expression_matches(e, labels) if {
	e.operator == "In"
	_label_value(labels, e.key) in _values(e)
}

_expression_matches(e, labels) if {
	e.operator == "NotIn"
	not _has_label(labels, e.key)
}

_expression_matches(e, labels) if {
	e.operator == "NotIn"
	not _label_value(labels, e.key) in _values(e)
}

_expression_matches(e, labels) if {
	e.operator == "Exists"
	_has_label(labels, e.key)
}

_expression_matches(e, labels) if {
	e.operator == "DoesNotExist"
	not _has_label(labels, e.key)
}

_values(e) := {_text(v) | some v in _array_or_empty(object.get(e, "values", []))}

_has_label(labels, key) if {
	is_object(labels)
	_ = labels[key]
}

_label_value(labels, key) := _text(labels[key]) if is_object(labels)

# --- locations ------------------------------------------------------------------------------

# The deepest mapping that exists along the input path `p` (`["objects", i, ...]`): where a
# finding about a missing field lands (`["objects", i]` at worst).
existing_path(p) := array.slice(p, 0, n + 2) if {
	p[0] == "objects"
	obj := objects[p[1]]
	rel := array.slice(p, 2, count(p))
	n := max({k |
		some k in numbers.range(0, count(rel))
		is_object(object.get(obj, array.slice(rel, 0, k), null))
	})
}

# --- small conversions ----------------------------------------------------------------------

_object_or_empty(x) := x if is_object(x)

_object_or_empty(x) := {} if not is_object(x)

_array_or_empty(x) := x if is_array(x)

_array_or_empty(x) := [] if not is_array(x)

_string(x) := x if is_string(x)

_string(x) := "" if not is_string(x)

# Label values are strings; YAML may give `1` or `true` to a careless selector: compare texts.
_text(v) := v if is_string(v)

_text(v) := sprintf("%v", [v]) if not is_string(v)
