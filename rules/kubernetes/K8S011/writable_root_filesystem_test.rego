package rules.kubernetes.K8S011_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}},
}

test_fail_false if {
	data.rules.kubernetes.K8S011.deny == {{"path": ["spec", "template", "spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"], "params": {"container": "web"}}} with input as _deploy({"containers": [{"name": "web", "image": "a:1.0", "securityContext": {"readOnlyRootFilesystem": false}}]})
}

test_fail_two_containers if {
	data.rules.kubernetes.K8S011.deny == {
		{"path": ["spec", "template", "spec", "containers", 1, "securityContext", "readOnlyRootFilesystem"], "params": {"container": "b"}},
		{"path": ["spec", "template", "spec", "initContainers", 0, "securityContext", "readOnlyRootFilesystem"], "params": {"container": "init"}},
	} with input as _deploy({
		"initContainers": [{"name": "init", "image": "a:1.0", "securityContext": {"readOnlyRootFilesystem": false}}],
		"containers": [
			{"name": "a", "image": "a:1.0", "securityContext": {"readOnlyRootFilesystem": true}},
			{"name": "b", "image": "a:1.0", "securityContext": {"readOnlyRootFilesystem": false, "runAsNonRoot": true}},
		],
	})
}

test_fail_cronjob_and_pod if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "dump", "image": "pg:16.4", "securityContext": {"readOnlyRootFilesystem": false}}]}}}}},
	}
	data.rules.kubernetes.K8S011.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"], "params": {"container": "dump"}}} with input as cj
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "a:1.0", "securityContext": {"readOnlyRootFilesystem": false}}]}}
	data.rules.kubernetes.K8S011.deny == {{"path": ["spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"], "params": {"container": "c"}}} with input as pod
}

test_pass_true_unset_null if {
	data.rules.kubernetes.K8S011.deny == set() with input as _deploy({"containers": [
		{"name": "a", "image": "a:1.0", "securityContext": {"readOnlyRootFilesystem": true}},
		{"name": "b", "image": "a:1.0"},
		{"name": "c", "image": "a:1.0", "securityContext": {"readOnlyRootFilesystem": null}},
		{"name": "d", "image": "a:1.0", "securityContext": null},
		{"name": "e", "image": "a:1.0", "securityContext": {"readOnlyRootFilesystem": "false"}},
	]})
}

test_pass_pod_level_is_not_a_field if {
	data.rules.kubernetes.K8S011.deny == set() with input as _deploy({"securityContext": {"readOnlyRootFilesystem": false}, "containers": [{"name": "a", "image": "a:1.0"}]})
}
