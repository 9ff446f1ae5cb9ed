package rules.kubernetes.K8S024_test

_w(kind, spec) := {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "api"}, "spec": spec}

test_fail_recreate if {
	data.rules.kubernetes.K8S024.deny == {{"path": ["spec", "strategy", "type"], "params": {"kind": "Deployment", "name": "api", "strategy": "Recreate"}}} with input as _w("Deployment", {"replicas": 2, "strategy": {"type": "Recreate"}})
	data.rules.kubernetes.K8S024.deny == {{"path": ["spec", "strategy", "type"], "params": {"kind": "DeploymentConfig", "name": "api", "strategy": "Recreate"}}} with input as _w("DeploymentConfig", {"strategy": {"type": "Recreate", "recreateParams": {"timeoutSeconds": 600}}})
}

test_pass_rolling_or_default if {
	data.rules.kubernetes.K8S024.deny == set() with input as _w("Deployment", {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}})
	data.rules.kubernetes.K8S024.deny == set() with input as _w("Deployment", {"replicas": 2})
	data.rules.kubernetes.K8S024.deny == set() with input as _w("Deployment", {"strategy": null})
	data.rules.kubernetes.K8S024.deny == set() with input as _w("Deployment", {"strategy": {}})
	data.rules.kubernetes.K8S024.deny == set() with input as _w("DeploymentConfig", {"strategy": {"type": "Rolling"}})
}

test_pass_statefulset_on_delete if {
	data.rules.kubernetes.K8S024.deny == set() with input as _w("StatefulSet", {"updateStrategy": {"type": "OnDelete"}, "strategy": {"type": "Recreate"}})
}
