package rules.kubernetes.K8S008_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}},
}

_http := {"httpGet": {"path": "/health", "port": 8080}}

test_fail_only_liveness if {
	data.rules.kubernetes.K8S008.deny == {{"path": ["spec", "template", "spec", "containers", 0], "params": {"container": "web", "missing": "readinessProbe"}}} with input as _deploy({"containers": [{"name": "web", "image": "a:1.0", "livenessProbe": _http}]})
}

test_fail_two_containers if {
	data.rules.kubernetes.K8S008.deny == {
		{"path": ["spec", "template", "spec", "containers", 0], "params": {"container": "web", "missing": "livenessProbe"}},
		{"path": ["spec", "template", "spec", "containers", 1], "params": {"container": "worker", "missing": "livenessProbe, readinessProbe"}},
	} with input as _deploy({"containers": [
		{"name": "web", "image": "a:1.0", "readinessProbe": _http, "livenessProbe": null},
		{"name": "worker", "image": "w:1.0", "startupProbe": _http},
		{"name": "ok", "image": "o:1.0", "readinessProbe": _http, "livenessProbe": _http},
	]})
}

test_fail_pod if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "a:1.0", "readinessProbe": _http}]}}
	data.rules.kubernetes.K8S008.deny == {{"path": ["spec", "containers", 0], "params": {"container": "c", "missing": "livenessProbe"}}} with input as pod
}

test_pass_both_probes if {
	data.rules.kubernetes.K8S008.deny == set() with input as _deploy({"containers": [
		{"name": "web", "image": "a:1.0", "readinessProbe": _http, "livenessProbe": {"tcpSocket": {"port": 8080}}},
		{"name": "slow", "image": "a:1.0", "readinessProbe": _http, "livenessProbe": _http, "startupProbe": _http},
	]})
}

test_pass_no_probe_is_k8s007 if {
	data.rules.kubernetes.K8S008.deny == set() with input as _deploy({"containers": [{"name": "web", "image": "a:1.0"}, {"name": "n", "image": "a:1.0", "readinessProbe": null}]})
}

test_pass_init_containers_ignored if {
	data.rules.kubernetes.K8S008.deny == set() with input as _deploy({
		"initContainers": [{"name": "init", "image": "a:1.0", "startupProbe": _http}],
		"containers": [{"name": "web", "image": "a:1.0", "readinessProbe": _http, "livenessProbe": _http}],
	})
}
