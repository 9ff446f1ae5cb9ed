package lib.bundle_test

_tpl(labels) := {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "a:1.0"}]}}

_deploy(name, ns, replicas, labels) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": object.union({"name": name}, _ns(ns)),
	"spec": object.union({"template": _tpl(labels)}, _replicas(replicas)),
}

_replicas(null) := {}

_replicas(r) := {"replicas": r} if r != null

_hpa(target, ns, spec) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": object.union({"name": target}, _ns(ns)),
	"spec": object.union({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}, "maxReplicas": 5}, spec),
}

_ns("") := {}

_ns(ns) := {"namespace": ns} if ns != ""

# --- workloads -------------------------------------------------------------------------------

test_workloads_paths_and_labels if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "b", "image": "b:1"}]}}}}},
	}
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "p"}}, "spec": {}}
	svc := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
	ws := data.lib.bundle.workloads with input as {"name": "b", "objects": [svc, _deploy("api", "", 2, {"app": "api"}), cj, pod]}
	{[w.index, w.kind, w.name, w.pod_spec_path, w.pod_meta_path, w.labels] | some w in ws} == {
		[1, "Deployment", "api", ["objects", 1, "spec", "template", "spec"], ["objects", 1, "spec", "template", "metadata"], {"app": "api"}],
		[2, "CronJob", "backup", ["objects", 2, "spec", "jobTemplate", "spec", "template", "spec"], ["objects", 2, "spec", "jobTemplate", "spec", "template", "metadata"], {}],
		[3, "Pod", "p", ["objects", 3, "spec"], ["objects", 3, "metadata"], {"app": "p"}],
	}
}

test_containers_carry_full_paths if {
	cs := data.lib.bundle.containers with input as {"objects": [{"kind": "Service"}, _deploy("api", "", 2, {})]}
	cs == [{"index": 1, "container": {"name": "c", "image": "a:1.0"}, "path": ["objects", 1, "spec", "template", "spec", "containers", 0], "type": "containers"}]
}

test_no_objects if {
	data.lib.bundle.workloads == [] with input as {"name": "x"}
	data.lib.bundle.workloads == [] with input as {"name": "x", "objects": null}
}

# --- namespaces ------------------------------------------------------------------------------

test_namespace_default_and_inferred if {
	a := _deploy("a", "", 1, {})
	b := _deploy("b", "shop", 1, {})
	c := _deploy("c", "other", 1, {})
	data.lib.bundle.namespace(a) == "" with input as {"objects": [a]}
	data.lib.bundle.namespace(a) == "shop" with input as {"objects": [a, b]}
	data.lib.bundle.namespace(a) == "" with input as {"objects": [a, b, c]}
	data.lib.bundle.namespace(c) == "other" with input as {"objects": [a, b, c]}
}

# --- replicas and autoscalers ----------------------------------------------------------------

test_replicas if {
	data.lib.bundle.replicas(_deploy("a", "", null, {})) == 1
	data.lib.bundle.replicas(_deploy("a", "", 3, {})) == 3
	data.lib.bundle.replicas({"kind": "StatefulSet", "spec": {"replicas": null}}) == 1
	not data.lib.bundle.replicas(_deploy("a", "", "{{ .Values.replicas }}", {}))
	not data.lib.bundle.replicas({"kind": "DaemonSet", "spec": {}})
}

test_min_replicas_with_hpa if {
	objs := [_deploy("api", "", 1, {}), _hpa("api", "", {"minReplicas": 3}), _deploy("web", "", 4, {}), _hpa("web", "", {})]
	r := {[w.name, m] |
		some w in data.lib.bundle.workloads
		m := data.lib.bundle.min_replicas(w)
	} with input as {"objects": objs}
	r == {["api", 3], ["web", 1]}
}

test_hpa_in_other_namespace_does_not_target if {
	objs := [_deploy("api", "shop", 2, {}), _hpa("api", "other", {"minReplicas": 3})]
	r := {[w.name, m, a] |
		some w in data.lib.bundle.workloads
		m := data.lib.bundle.min_replicas(w)
		a := data.lib.bundle.autoscaled(w)
	} with input as {"objects": objs}
	r == set()
	r2 := {[w.name, m] |
		some w in data.lib.bundle.workloads
		m := data.lib.bundle.min_replicas(w)
	} with input as {"objects": objs}
	r2 == {["api", 2]}
}

test_keda_scaled_object if {
	so := {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject", "metadata": {"name": "s"}, "spec": {"scaleTargetRef": {"name": "api"}, "minReplicaCount": 2}}
	r := {[w.name, m] |
		some w in data.lib.bundle.workloads
		m := data.lib.bundle.min_replicas(w)
	} with input as {"objects": [_deploy("api", "", 1, {}), so]}
	r == {["api", 2]}
}

# --- selectors -------------------------------------------------------------------------------

test_selector_match_labels if {
	data.lib.bundle.selector_matches({"matchLabels": {"app": "api"}}, {"app": "api", "tier": "backend"})
	not data.lib.bundle.selector_matches({"matchLabels": {"app": "api", "tier": "db"}}, {"app": "api", "tier": "backend"})
	not data.lib.bundle.selector_matches({"matchLabels": {"app": "api"}}, {})
	data.lib.bundle.selector_matches({"matchLabels": {"version": 2}}, {"version": "2"})
}

test_selector_empty_and_null if {
	data.lib.bundle.selector_matches({}, {"app": "x"})
	data.lib.bundle.selector_matches({}, {})
	data.lib.bundle.selector_matches({"matchLabels": null}, {"app": "x"})
	not data.lib.bundle.selector_matches(null, {"app": "x"})
	data.lib.bundle.selector_is_empty({})
	data.lib.bundle.selector_is_empty({"matchLabels": {}, "matchExpressions": []})
	not data.lib.bundle.selector_is_empty({"matchLabels": {"a": "b"}})
}

test_selector_expressions if {
	labels := {"app": "api", "tier": "backend"}
	data.lib.bundle.selector_matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["backend", "frontend"]}]}, labels)
	not data.lib.bundle.selector_matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["db"]}]}, labels)
	not data.lib.bundle.selector_matches({"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]}]}, labels)
	data.lib.bundle.selector_matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]}, labels)
	data.lib.bundle.selector_matches({"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]}, labels)
	not data.lib.bundle.selector_matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["backend"]}]}, labels)
	data.lib.bundle.selector_matches({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, labels)
	not data.lib.bundle.selector_matches({"matchExpressions": [{"key": "env", "operator": "Exists"}]}, labels)
	data.lib.bundle.selector_matches({"matchExpressions": [{"key": "env", "operator": "DoesNotExist"}]}, labels)
	not data.lib.bundle.selector_matches({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, labels)
	not data.lib.bundle.selector_matches({"matchExpressions": [{"key": "app", "operator": "exists"}]}, labels)
}

test_selector_labels_and_expressions_are_anded if {
	sel := {"matchLabels": {"app": "api"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["backend"]}]}
	data.lib.bundle.selector_matches(sel, {"app": "api", "tier": "backend"})
	not data.lib.bundle.selector_matches(sel, {"app": "api", "tier": "frontend"})
	not data.lib.bundle.selector_matches(sel, {"app": "web", "tier": "backend"})
}

# --- locations -------------------------------------------------------------------------------

test_existing_path if {
	objs := [{"kind": "Service"}, {"kind": "Deployment", "spec": {"template": {"metadata": null, "spec": {}}}}]
	data.lib.bundle.existing_path(["objects", 1, "spec", "template", "metadata", "labels"]) == ["objects", 1, "spec", "template"] with input as {"objects": objs}
	data.lib.bundle.existing_path(["objects", 1, "spec", "template", "spec"]) == ["objects", 1, "spec", "template", "spec"] with input as {"objects": objs}
	data.lib.bundle.existing_path(["objects", 0, "spec", "template"]) == ["objects", 0] with input as {"objects": objs}
}
