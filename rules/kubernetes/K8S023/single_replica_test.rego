package rules.kubernetes.K8S023_test

_w(kind, spec) := {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "api"}, "spec": spec}

_tpl := {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api", "image": "api:1.0"}]}}

_hpa(name, ns, min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": object.union({"name": name}, ns),
	"spec": object.union({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}, "maxReplicas": 6}, min),
}

_one(obj) := {"name": "b", "objects": [obj]}

_f(i, path, kind) := {"path": array.concat(["objects", i], path), "params": {"kind": kind, "name": "api"}}

test_fail_replicas_one if {
	data.rules.kubernetes.K8S023.deny == {_f(0, ["spec", "replicas"], "Deployment")} with input as _one(_w("Deployment", {"replicas": 1, "template": _tpl}))
	data.rules.kubernetes.K8S023.deny == {_f(0, ["spec", "replicas"], "StatefulSet")} with input as _one(_w("StatefulSet", {"replicas": 1, "serviceName": "api", "template": _tpl}))
}

test_fail_replicas_unset_or_null if {
	data.rules.kubernetes.K8S023.deny == {_f(0, ["spec"], "Deployment")} with input as _one(_w("Deployment", {"template": _tpl}))
	data.rules.kubernetes.K8S023.deny == {_f(0, ["spec", "replicas"], "Deployment")} with input as _one(_w("Deployment", {"replicas": null, "template": _tpl}))
	data.rules.kubernetes.K8S023.deny == {_f(0, ["spec"], "DeploymentConfig")} with input as _one({"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": {"name": "api"}, "spec": {"template": _tpl}})
}

test_fail_autoscaler_minimum_one_or_other_namespace if {
	objs := [_w("Deployment", {"replicas": 1, "template": _tpl}), _hpa("api", {}, {})]
	data.rules.kubernetes.K8S023.deny == {_f(0, ["spec", "replicas"], "Deployment")} with input as {"name": "b", "objects": objs}
	other := [object.union(_w("Deployment", {"template": _tpl}), {"metadata": {"name": "api", "namespace": "a"}}), _hpa("api", {"namespace": "b"}, {"minReplicas": 3})]
	data.rules.kubernetes.K8S023.deny == {_f(0, ["spec"], "Deployment")} with input as {"name": "b", "objects": other}
}

test_pass_autoscaler_keeps_two if {
	objs := [_w("Deployment", {"replicas": 1, "template": _tpl}), _hpa("api", {}, {"minReplicas": 2})]
	data.rules.kubernetes.K8S023.deny == set() with input as {"name": "b", "objects": objs}
}

test_pass_several_or_zero if {
	data.rules.kubernetes.K8S023.deny == set() with input as _one(_w("Deployment", {"replicas": 2, "template": _tpl}))
	data.rules.kubernetes.K8S023.deny == set() with input as _one(_w("StatefulSet", {"replicas": 3, "template": _tpl}))
	data.rules.kubernetes.K8S023.deny == set() with input as _one(_w("Deployment", {"replicas": 0, "template": _tpl}))
	data.rules.kubernetes.K8S023.deny == set() with input as _one(_w("Deployment", {"replicas": "{{ .Values.replicaCount }}", "template": _tpl}))
}

test_pass_other_kinds if {
	data.rules.kubernetes.K8S023.deny == set() with input as _one(_w("DaemonSet", {"template": _tpl}))
	data.rules.kubernetes.K8S023.deny == set() with input as _one({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "x"}, "spec": {"template": _tpl}})
	data.rules.kubernetes.K8S023.deny == set() with input as _one(_w("Deployment", null))
}
