package rules.app.APP003_test

_w(kind, name, ns, labels) := {
	"apiVersion": "apps/v1", "kind": kind, "metadata": object.union({"name": name}, _ns(ns)),
	"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "harbor.io/p/c:1.0"}]}}},
}

_ns("") := {}

_ns(ns) := {"namespace": ns} if ns != ""

_np(ns, selector) := {
	"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": object.union({"name": "np"}, _ns(ns)),
	"spec": {"podSelector": selector, "policyTypes": ["Ingress"], "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "front"}}}]}]},
}

_labels_path(i) := ["objects", i, "spec", "template", "metadata", "labels"]

test_fail_no_network_policy if {
	objs := [_w("Deployment", "api", "", {"app": "api"}), _w("StatefulSet", "db", "", {"app": "db"})]
	data.rules.app.APP003.deny == {
		{"path": _labels_path(0), "params": {"kind": "Deployment", "name": "api"}},
		{"path": _labels_path(1), "params": {"kind": "StatefulSet", "name": "db"}},
	} with input as {"name": "b", "objects": objs}
}

test_fail_policy_selects_other_pods if {
	objs := [
		_np("", {"matchLabels": {"app": "api"}}),
		_np("", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["backend"]}]}),
		_w("Deployment", "api", "", {"app": "api", "tier": "backend"}),
		_w("Deployment", "front", "", {"app": "front", "tier": "frontend"}),
	]
	data.rules.app.APP003.deny == {{"path": _labels_path(3), "params": {"kind": "Deployment", "name": "front"}}} with input as {"name": "b", "objects": objs}
}

test_fail_policy_in_other_namespace if {
	objs := [_w("Deployment", "api", "shop", {"app": "api"}), _np("other", {})]
	data.rules.app.APP003.deny == {{"path": _labels_path(0), "params": {"kind": "Deployment", "name": "api"}}} with input as {"name": "b", "objects": objs}
}

test_fail_location_without_labels if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}
	d := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": {}}}}
	data.rules.app.APP003.deny == {
		{"path": ["objects", 0, "metadata"], "params": {"kind": "Pod", "name": "p"}},
		{"path": ["objects", 1, "spec", "template"], "params": {"kind": "Deployment", "name": "d"}},
	} with input as {"name": "b", "objects": [pod, d]}
}

test_fail_params if {
	cj := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "c"}}, "spec": {}}}}}}
	data.rules.app.APP003.deny == {{"path": ["objects", 0, "spec", "jobTemplate", "spec", "template", "metadata", "labels"], "params": {"kind": "CronJob", "name": "c"}}} with input as {"name": "b", "objects": [cj]} with data.params.APP003 as {"kinds": ["CronJob"]}
}

test_pass_selected if {
	data.rules.app.APP003.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", "", {"app": "api"}), _np("", {"matchLabels": {"app": "api"}})]}
	data.rules.app.APP003.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", "", {"app": "api"}), _w("Deployment", "web", "", {}), _np("", {})]}
	data.rules.app.APP003.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", "shop", {"app": "api"}), _np("shop", {"matchExpressions": [{"key": "app", "operator": "Exists"}]})]}
}

test_pass_jobs_and_no_workloads if {
	job := {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"}, "spec": {"template": {"spec": {}}}}
	data.rules.app.APP003.deny == set() with input as {"name": "b", "objects": [job]}
	data.rules.app.APP003.deny == set() with input as {"name": "b", "objects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}]}
}
