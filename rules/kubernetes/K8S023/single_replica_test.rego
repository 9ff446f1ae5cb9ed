package rules.kubernetes.K8S023_test

_w(kind, spec) := {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "api"}, "spec": spec}

_tpl := {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api", "image": "api:1.0"}]}}

test_fail_replicas_one if {
	data.rules.kubernetes.K8S023.deny == {{"path": ["spec", "replicas"], "params": {"kind": "Deployment", "name": "api"}}} with input as _w("Deployment", {"replicas": 1, "template": _tpl})
	data.rules.kubernetes.K8S023.deny == {{"path": ["spec", "replicas"], "params": {"kind": "StatefulSet", "name": "api"}}} with input as _w("StatefulSet", {"replicas": 1, "serviceName": "api", "template": _tpl})
}

test_fail_replicas_unset_or_null if {
	data.rules.kubernetes.K8S023.deny == {{"path": ["spec"], "params": {"kind": "Deployment", "name": "api"}}} with input as _w("Deployment", {"template": _tpl})
	data.rules.kubernetes.K8S023.deny == {{"path": ["spec", "replicas"], "params": {"kind": "Deployment", "name": "api"}}} with input as _w("Deployment", {"replicas": null, "template": _tpl})
	data.rules.kubernetes.K8S023.deny == {{"path": ["spec"], "params": {"kind": "DeploymentConfig", "name": "api"}}} with input as {"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": {"name": "api"}, "spec": {"template": _tpl}}
}

test_pass_several_or_zero if {
	data.rules.kubernetes.K8S023.deny == set() with input as _w("Deployment", {"replicas": 2, "template": _tpl})
	data.rules.kubernetes.K8S023.deny == set() with input as _w("StatefulSet", {"replicas": 3, "template": _tpl})
	data.rules.kubernetes.K8S023.deny == set() with input as _w("Deployment", {"replicas": 0, "template": _tpl})
	data.rules.kubernetes.K8S023.deny == set() with input as _w("Deployment", {"replicas": "{{ .Values.replicaCount }}", "template": _tpl})
}

test_pass_other_kinds if {
	data.rules.kubernetes.K8S023.deny == set() with input as _w("DaemonSet", {"template": _tpl})
	data.rules.kubernetes.K8S023.deny == set() with input as {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "x"}, "spec": {"template": _tpl}}
	data.rules.kubernetes.K8S023.deny == set() with input as _w("Deployment", null)
}
