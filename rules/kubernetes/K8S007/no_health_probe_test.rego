package rules.kubernetes.K8S007_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}},
}

_http := {"httpGet": {"path": "/health", "port": 8080}}

test_fail_no_probe if {
	data.rules.kubernetes.K8S007.deny == {{"path": ["spec", "template", "spec", "containers", 0], "params": {"container": "web"}}} with input as _deploy({"containers": [{"name": "web", "image": "nginx:1.27.3"}]})
}

test_fail_two_containers_null_probe if {
	data.rules.kubernetes.K8S007.deny == {
		{"path": ["spec", "template", "spec", "containers", 0], "params": {"container": "web"}},
		{"path": ["spec", "template", "spec", "containers", 2], "params": {"container": "proxy"}},
	} with input as _deploy({"containers": [
		{"name": "web", "image": "nginx:1.27.3", "livenessProbe": null},
		{"name": "api", "image": "api:2.0.1", "readinessProbe": _http},
		{"name": "proxy", "image": "envoy:1.30.0"},
	]})
}

test_fail_cronjob_and_pod if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "dump", "image": "pg:16.4"}]}}}}},
	}
	data.rules.kubernetes.K8S007.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0], "params": {"container": "dump"}}} with input as cj
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"image": "a:1.0"}]}}
	data.rules.kubernetes.K8S007.deny == {{"path": ["spec", "containers", 0], "params": {"container": ""}}} with input as pod
}

test_pass_any_probe if {
	data.rules.kubernetes.K8S007.deny == set() with input as _deploy({"containers": [
		{"name": "a", "image": "a:1.0", "livenessProbe": _http},
		{"name": "b", "image": "b:1.0", "readinessProbe": {"tcpSocket": {"port": 8080}}},
		{"name": "c", "image": "c:1.0", "startupProbe": {"exec": {"command": ["true"]}}},
		{"name": "d", "image": "d:1.0", "livenessProbe": _http, "readinessProbe": _http},
	]})
}

test_pass_init_and_ephemeral_without_probe if {
	data.rules.kubernetes.K8S007.deny == set() with input as _deploy({
		"initContainers": [{"name": "migrate", "image": "app:1.0"}],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}],
		"containers": [{"name": "web", "image": "app:1.0", "readinessProbe": _http}],
	})
}
