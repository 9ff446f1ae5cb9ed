package rules.app.APP002_test

_w(kind, name, ns, spec) := {"apiVersion": "apps/v1", "kind": kind, "metadata": object.union({"name": name}, _ns(ns)), "spec": spec}

_ns("") := {}

_ns(ns) := {"namespace": ns} if ns != ""

_tpl(labels) := {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "harbor.io/p/c:1.0"}]}}

_pdb(ns, selector) := {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": object.union({"name": "pdb"}, _ns(ns)), "spec": {"minAvailable": 1, "selector": selector}}

_api := _w("Deployment", "api", "", {"replicas": 2, "template": _tpl({"app": "api", "tier": "backend"})})

_f(i, kind, name) := {"path": ["objects", i], "params": {"kind": kind, "name": name}}

test_fail_no_pdb if {
	objs := [_api, _w("StatefulSet", "db", "", {"replicas": 3, "serviceName": "db", "template": _tpl({"app": "db"})})]
	data.rules.app.APP002.deny == {_f(0, "Deployment", "api"), _f(1, "StatefulSet", "db")} with input as {"name": "b", "objects": objs}
}

test_fail_pdb_selects_other_pods if {
	objs := [
		_pdb("", {"matchLabels": {"app": "web"}}),
		_pdb("", {"matchLabels": {"app": "api"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend"]}]}),
		_pdb("", {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["api"]}]}),
		_pdb("", null),
		_api,
	]
	data.rules.app.APP002.deny == {_f(4, "Deployment", "api")} with input as {"name": "b", "objects": objs}
}

test_fail_pdb_in_other_namespace if {
	d := _w("Deployment", "api", "shop", {"replicas": 2, "template": _tpl({"app": "api"})})
	objs := [d, _pdb("other", {"matchLabels": {"app": "api"}})]
	data.rules.app.APP002.deny == {_f(0, "Deployment", "api")} with input as {"name": "b", "objects": objs}
}

test_fail_hpa_min_two if {
	d := _w("Deployment", "api", "", {"template": _tpl({"app": "api"})})
	hpa := {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "api"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "api"}, "minReplicas": 2, "maxReplicas": 5}}
	data.rules.app.APP002.deny == {_f(0, "Deployment", "api")} with input as {"name": "b", "objects": [d, hpa]}
}

test_fail_v1beta1_empty_selector if {
	pdb := object.union(_pdb("", {}), {"apiVersion": "policy/v1beta1"})
	data.rules.app.APP002.deny == {_f(0, "Deployment", "api")} with input as {"name": "b", "objects": [_api, pdb]}
}

test_pass_pdb_matches if {
	data.rules.app.APP002.deny == set() with input as {"name": "b", "objects": [_api, _pdb("", {"matchLabels": {"app": "api"}})]}
	data.rules.app.APP002.deny == set() with input as {"name": "b", "objects": [_pdb("", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["backend", "frontend"]}, {"key": "canary", "operator": "DoesNotExist"}]}), _api]}
	data.rules.app.APP002.deny == set() with input as {"name": "b", "objects": [_api, _pdb("", {})]}
}

test_pass_namespace_inferred_from_the_bundle if {
	data.rules.app.APP002.deny == set() with input as {"name": "b", "objects": [_api, _pdb("shop", {"matchLabels": {"app": "api"}})]}
}

test_pass_single_replica_or_hpa_min_one if {
	hpa := {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "api"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "api"}, "maxReplicas": 5}}
	objs := [
		_w("Deployment", "one", "", {"replicas": 1, "template": _tpl({"app": "one"})}),
		_w("Deployment", "api", "", {"replicas": 3, "template": _tpl({"app": "api"})}),
		hpa,
		_w("DaemonSet", "agent", "", {"template": _tpl({"app": "agent"})}),
	]
	data.rules.app.APP002.deny == set() with input as {"name": "b", "objects": objs}
}
