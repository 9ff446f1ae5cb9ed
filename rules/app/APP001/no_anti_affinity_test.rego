package rules.app.APP001_test

_w(kind, name, spec) := {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name}, "spec": spec}

_pod := {"containers": [{"name": "api", "image": "harbor.io/p/api:1.0"}]}

_tpl(pod) := {"metadata": {"labels": {"app": "api"}}, "spec": pod}

_hpa(name, min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name},
	"spec": object.union({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}, "maxReplicas": 6}, min),
}

_f(i, kind, name) := {"path": ["objects", i, "spec", "template", "spec"], "params": {"kind": kind, "name": name}}

_spread(key) := object.union(_pod, {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "api"}}}]})

test_fail_replicas_without_spread if {
	objs := [
		{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api"}, "spec": {}},
		_w("Deployment", "api", {"replicas": 3, "template": _tpl(_pod)}),
		_w("StatefulSet", "db", {"replicas": 2, "serviceName": "db", "template": _tpl(_pod)}),
	]
	data.rules.app.APP001.deny == {_f(1, "Deployment", "api"), _f(2, "StatefulSet", "db")} with input as {"name": "b", "objects": objs}
}

test_fail_hpa_even_with_one_replica if {
	objs := [_w("Deployment", "api", {"template": _tpl(_pod)}), _hpa("api", {})]
	data.rules.app.APP001.deny == {_f(0, "Deployment", "api")} with input as {"name": "b", "objects": objs}
}

test_fail_spread_over_other_key if {
	objs := [_w("Deployment", "api", {"replicas": 2, "template": _tpl(_spread("node.kubernetes.io/instance-type"))})]
	data.rules.app.APP001.deny == {_f(0, "Deployment", "api")} with input as {"name": "b", "objects": objs}
}

test_fail_empty_anti_affinity if {
	pod := object.union(_pod, {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": []}}})
	objs := [_w("Deployment", "api", {"replicas": 2, "template": _tpl(pod)})]
	data.rules.app.APP001.deny == {_f(0, "Deployment", "api")} with input as {"name": "b", "objects": objs}
}

test_fail_missing_pod_spec_lands_on_template if {
	objs := [_w("Deployment", "api", {"replicas": 2, "template": {"metadata": {"labels": {"app": "api"}}}})]
	data.rules.app.APP001.deny == {{"path": ["objects", 0, "spec", "template"], "params": {"kind": "Deployment", "name": "api"}}} with input as {"name": "b", "objects": objs}
}

test_fail_params if {
	objs := [_w("Deployment", "api", {"replicas": 2, "template": _tpl(_spread("kubernetes.io/hostname"))})]
	data.rules.app.APP001.deny == {_f(0, "Deployment", "api")} with input as {"name": "b", "objects": objs} with data.params.APP001 as {"topology_keys": ["topology.kubernetes.io/zone"]}
}

test_pass_anti_affinity_or_spread if {
	paa := object.union(_pod, {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "api"}}}}]}}})
	data.rules.app.APP001.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", {"replicas": 3, "template": _tpl(paa)})]}
	data.rules.app.APP001.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", {"replicas": 3, "template": _tpl(_spread("topology.kubernetes.io/zone"))})]}
	data.rules.app.APP001.deny == set() with input as {"name": "b", "objects": [_w("StatefulSet", "api", {"replicas": 3, "template": _tpl(_spread("kubernetes.io/hostname"))})]}
}

test_pass_single_replica_or_other_kinds if {
	objs := [
		_w("Deployment", "a", {"replicas": 1, "template": _tpl(_pod)}),
		_w("Deployment", "b", {"template": _tpl(_pod)}),
		_w("Deployment", "c", {"replicas": "{{ .Values.replicas }}", "template": _tpl(_pod)}),
		_w("DaemonSet", "d", {"template": _tpl(_pod)}),
		{"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {"parallelism": 3, "template": _tpl(_pod)}},
	]
	data.rules.app.APP001.deny == set() with input as {"name": "b", "objects": objs}
}

test_pass_hpa_for_another_namespace if {
	d := _w("Deployment", "api", {"template": _tpl(_pod)})
	h := object.union(_hpa("api", {"minReplicas": 2}), {"metadata": {"namespace": "other"}})
	data.rules.app.APP001.deny == set() with input as {"name": "b", "objects": [object.union(d, {"metadata": {"namespace": "shop"}}), h]}
}

test_pass_empty_bundle if {
	data.rules.app.APP001.deny == set() with input as {"name": "b", "objects": []}
}
