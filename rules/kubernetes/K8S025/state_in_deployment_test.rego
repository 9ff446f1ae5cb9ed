package rules.kubernetes.K8S025_test

_w(kind, volumes) := {
	"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "api"},
	"spec": {"template": {"spec": {"containers": [{"name": "api", "image": "api:1.0"}], "volumes": volumes}}},
}

_f(kind, i, volume, claim) := {"path": ["spec", "template", "spec", "volumes", i], "params": {"kind": kind, "name": "api", "volume": volume, "claim": claim}}

test_fail_two_claims if {
	vs := [
		{"name": "tmp", "emptyDir": {}},
		{"name": "uploads", "persistentVolumeClaim": {"claimName": "api-uploads"}},
		{"name": "cache", "persistentVolumeClaim": {"claimName": "api-cache", "readOnly": false}},
	]
	data.rules.kubernetes.K8S025.deny == {_f("Deployment", 1, "uploads", "api-uploads"), _f("Deployment", 2, "cache", "api-cache")} with input as _w("Deployment", vs)
}

test_fail_deploymentconfig_and_missing_names if {
	data.rules.kubernetes.K8S025.deny == {_f("DeploymentConfig", 0, "", "")} with input as _w("DeploymentConfig", [{"persistentVolumeClaim": {}}])
}

test_pass_no_claim if {
	vs := [
		{"name": "tmp", "emptyDir": {}},
		{"name": "config", "configMap": {"name": "api"}},
		{"name": "models", "persistentVolumeClaim": {"claimName": "models", "readOnly": true}},
		{"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}}},
		{"name": "odd", "persistentVolumeClaim": null},
		null,
	]
	data.rules.kubernetes.K8S025.deny == set() with input as _w("Deployment", vs)
	data.rules.kubernetes.K8S025.deny == set() with input as _w("Deployment", null)
}

test_pass_statefulset if {
	data.rules.kubernetes.K8S025.deny == set() with input as _w("StatefulSet", [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}])
}
