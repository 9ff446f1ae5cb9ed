package rules.kubernetes.K8S009_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}},
}

_c(i) := ["spec", "template", "spec", "containers", i]

_full := {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}}

test_fail_no_resources if {
	data.rules.kubernetes.K8S009.deny == {{"path": _c(0), "params": {"container": "web", "missing": "requests.cpu, requests.memory, limits.cpu, limits.memory"}}} with input as _deploy({"containers": [{"name": "web", "image": "a:1.0"}]})
}

test_fail_requests_without_limits if {
	data.rules.kubernetes.K8S009.deny == {{"path": array.concat(_c(0), ["resources"]), "params": {"container": "web", "missing": "limits.cpu, limits.memory"}}} with input as _deploy({"containers": [{"name": "web", "image": "a:1.0", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]})
}

test_fail_limits_without_cpu_and_empty_requests if {
	data.rules.kubernetes.K8S009.deny == {
		{"path": array.concat(_c(0), ["resources"]), "params": {"container": "web", "missing": "requests.cpu, requests.memory, limits.cpu"}},
	} with input as _deploy({"containers": [{"name": "web", "image": "a:1.0", "resources": {"requests": {}, "limits": {"memory": "256Mi"}}}]})
}

test_fail_empty_or_null_resources if {
	data.rules.kubernetes.K8S009.deny == {
		{"path": array.concat(_c(0), ["resources"]), "params": {"container": "a", "missing": "requests.cpu, requests.memory, limits.cpu, limits.memory"}},
		{"path": _c(1), "params": {"container": "b", "missing": "requests.cpu, requests.memory, limits.cpu, limits.memory"}},
		{"path": array.concat(_c(2), ["resources", "limits"]), "params": {"container": "c", "missing": "limits.cpu, limits.memory"}},
		{"path": array.concat(_c(3), ["resources"]), "params": {"container": "d", "missing": "requests.cpu, requests.memory"}},
	} with input as _deploy({"containers": [
		{"name": "a", "image": "a:1.0", "resources": {}},
		{"name": "b", "image": "a:1.0", "resources": null},
		{"name": "c", "image": "a:1.0", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": null, "memory": ""}}},
		{"name": "d", "image": "a:1.0", "resources": {"requests": null, "limits": {"cpu": 1, "memory": "1Gi"}}},
	]})
}

test_fail_init_container_cronjob if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "wait", "image": "busybox:1.36"}],
			"containers": [{"name": "dump", "image": "pg:16.4", "resources": _full}],
		}}}}},
	}
	data.rules.kubernetes.K8S009.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0], "params": {"container": "wait", "missing": "requests.cpu, requests.memory, limits.cpu, limits.memory"}}} with input as cj
}

test_fail_pod if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "a:1.0", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}}
	data.rules.kubernetes.K8S009.deny == {{"path": ["spec", "containers", 0, "resources"], "params": {"container": "c", "missing": "requests.cpu, requests.memory"}}} with input as pod
}

test_pass_all_four if {
	data.rules.kubernetes.K8S009.deny == set() with input as _deploy({
		"initContainers": [{"name": "init", "image": "a:1.0", "resources": _full}],
		"containers": [
			{"name": "web", "image": "a:1.0", "resources": _full},
			{"name": "num", "image": "a:1.0", "resources": {"requests": {"cpu": 0.1, "memory": 134217728}, "limits": {"cpu": 1, "memory": "1Gi", "ephemeral-storage": "1Gi"}}},
		],
	})
}

test_pass_ephemeral_container_ignored if {
	data.rules.kubernetes.K8S009.deny == set() with input as _deploy({
		"ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}],
		"containers": [{"name": "web", "image": "a:1.0", "resources": _full}],
	})
}
