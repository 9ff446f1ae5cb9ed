package rules.kubernetes.K8S003_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}},
}

_pod_sc := ["spec", "template", "spec", "securityContext"]

test_fail_pod_block_once_listing_every_setting if {
	data.rules.kubernetes.K8S003.deny == {{
		"path": _pod_sc,
		"params": {"context": "spec.template.spec.securityContext", "settings": "`runAsUser: 1000`, `fsGroup: 2000`"},
	}} with input as _deploy({
		"securityContext": {"runAsUser": 1000, "fsGroup": 2000, "runAsNonRoot": true},
		"containers": [{"name": "web", "image": "nginx:1.27.3"}],
	})
}

test_fail_pod_supplemental_groups_and_run_as_group if {
	data.rules.kubernetes.K8S003.deny == {{
		"path": _pod_sc,
		"params": {"context": "spec.template.spec.securityContext", "settings": "`runAsGroup: 0`, `supplementalGroups: 1000, 3000`"},
	}} with input as _deploy({
		"securityContext": {"supplementalGroups": [1000, 3000], "runAsGroup": 0},
		"containers": [{"name": "web", "image": "nginx:1.27.3"}],
	})
}

test_fail_single_setting_located_on_itself if {
	data.rules.kubernetes.K8S003.deny == {
		{"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsUser"], "params": {"context": "spec.template.spec.containers[0].securityContext", "settings": "`runAsUser: 101`"}},
		{"path": ["spec", "template", "spec", "containers", 1, "securityContext", "capabilities", "add"], "params": {"context": "spec.template.spec.containers[1].securityContext", "settings": "`capabilities.add: NET_BIND_SERVICE, CHOWN`"}},
		{"path": ["spec", "template", "spec", "initContainers", 0, "securityContext"], "params": {"context": "spec.template.spec.initContainers[0].securityContext", "settings": "`runAsUser: 0`, `runAsGroup: 1001`, `capabilities.add: SYS_TIME`"}},
	} with input as _deploy({
		"initContainers": [{"name": "init", "image": "busybox:1.36", "securityContext": {"runAsGroup": 1001, "runAsUser": 0, "capabilities": {"add": ["SYS_TIME"]}}}],
		"containers": [
			{"name": "web", "image": "nginx:1.27.3", "securityContext": {"runAsUser": 101, "allowPrivilegeEscalation": false}},
			{"name": "proxy", "image": "envoy:1.30.0", "securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE", "CHOWN"], "drop": ["ALL"]}}},
		],
	})
}

test_fail_cronjob_and_pod if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"securityContext": {"fsGroup": 999}, "containers": [{"name": "dump", "image": "postgres:16.4"}]}}}}},
	}
	data.rules.kubernetes.K8S003.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "spec", "securityContext", "fsGroup"], "params": {"context": "spec.jobTemplate.spec.template.spec.securityContext", "settings": "`fsGroup: 999`"}}} with input as cj
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27.3", "securityContext": {"runAsUser": 0}}]}}
	data.rules.kubernetes.K8S003.deny == {{"path": ["spec", "containers", 0, "securityContext", "runAsUser"], "params": {"context": "spec.containers[0].securityContext", "settings": "`runAsUser: 0`"}}} with input as pod
}

test_pass_restricted_profile if {
	data.rules.kubernetes.K8S003.deny == set() with input as _deploy({
		"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
		"containers": [{
			"name": "web", "image": "nginx:1.27.3",
			"securityContext": {
				"runAsNonRoot": true, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
				"capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"},
			},
		}],
	})
}

test_pass_empty_and_null_values if {
	data.rules.kubernetes.K8S003.deny == set() with input as _deploy({
		"securityContext": {"runAsUser": null, "supplementalGroups": [], "fsGroup": null},
		"containers": [
			{"name": "web", "image": "nginx:1.27.3", "securityContext": {"capabilities": {"add": [], "drop": ["ALL"]}}},
			{"name": "b", "image": "nginx:1.27.3", "securityContext": {"capabilities": {"add": null}}},
			{"name": "c", "image": "nginx:1.27.3", "securityContext": null},
			{"name": "d", "image": "nginx:1.27.3", "securityContext": {}},
			{"name": "e", "image": "nginx:1.27.3", "securityContext": {"capabilities": null}},
		],
	})
	data.rules.kubernetes.K8S003.deny == set() with input as _deploy({"securityContext": null, "containers": [{"name": "web", "image": "nginx:1.27.3"}]})
}
