package rules.kubernetes.K8S002_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}},
}

test_fail_always if {
	data.rules.kubernetes.K8S002.deny == {{"path": ["spec", "template", "spec", "containers", 0, "imagePullPolicy"], "params": {"policy": "Always", "container": "web"}}} with input as _deploy({"containers": [{"name": "web", "image": "nginx:1.27.3", "imagePullPolicy": "Always"}]})
}

test_fail_never_and_init_always if {
	data.rules.kubernetes.K8S002.deny == {
		{"path": ["spec", "template", "spec", "containers", 1, "imagePullPolicy"], "params": {"policy": "Never", "container": "sidecar"}},
		{"path": ["spec", "template", "spec", "initContainers", 0, "imagePullPolicy"], "params": {"policy": "Always", "container": "migrate"}},
	} with input as _deploy({
		"initContainers": [{"name": "migrate", "image": "app:1.0.0", "imagePullPolicy": "Always"}],
		"containers": [
			{"name": "web", "image": "nginx:1.27.3", "imagePullPolicy": "IfNotPresent"},
			{"name": "sidecar", "image": "envoy:1.30.0", "imagePullPolicy": "Never"},
		],
	})
}

test_fail_wrong_case if {
	data.rules.kubernetes.K8S002.deny == {{"path": ["spec", "template", "spec", "containers", 0, "imagePullPolicy"], "params": {"policy": "ifnotpresent", "container": "web"}}} with input as _deploy({"containers": [{"name": "web", "image": "nginx:1.27.3", "imagePullPolicy": "ifnotpresent"}]})
}

test_fail_cronjob_and_pod if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "dump", "image": "postgres:16.4", "imagePullPolicy": "Always"}]}}}}},
	}
	data.rules.kubernetes.K8S002.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "imagePullPolicy"], "params": {"policy": "Always", "container": "dump"}}} with input as cj
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27.3", "imagePullPolicy": "Always"}]}}
	data.rules.kubernetes.K8S002.deny == {{"path": ["spec", "containers", 0, "imagePullPolicy"], "params": {"policy": "Always", "container": "c"}}} with input as pod
}

test_pass_if_not_present if {
	data.rules.kubernetes.K8S002.deny == set() with input as _deploy({"containers": [{"name": "web", "image": "nginx:1.27.3", "imagePullPolicy": "IfNotPresent"}]})
}

test_pass_unset_or_null if {
	data.rules.kubernetes.K8S002.deny == set() with input as _deploy({"containers": [{"name": "web", "image": "nginx:1.27.3"}, {"name": "b", "image": "nginx:1.27.3", "imagePullPolicy": null}]})
	data.rules.kubernetes.K8S002.deny == set() with input as _deploy({"containers": []})
}
