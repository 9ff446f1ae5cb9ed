package rules.kubernetes.K8S004_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}},
}

_c(i) := ["spec", "template", "spec", "containers", i]

_f(path, context, settings) := {"path": path, "params": {"context": context, "settings": settings}}

_sc(i) := array.concat(_c(i), ["securityContext"])

test_fail_privileged_and_escalation if {
	data.rules.kubernetes.K8S004.deny == {
		_f(array.concat(_sc(0), ["privileged"]), "spec.template.spec.containers[0].securityContext", "`privileged: true`"),
		_f(_sc(1), "spec.template.spec.containers[1].securityContext", "`privileged: true`, `allowPrivilegeEscalation: true`"),
	} with input as _deploy({"containers": [
		{"name": "web", "image": "nginx:1.27.3", "securityContext": {"privileged": true}},
		{"name": "side", "image": "envoy:1.30.0", "securityContext": {"allowPrivilegeEscalation": true, "privileged": true}},
	]})
}

test_fail_root_pod_and_container if {
	data.rules.kubernetes.K8S004.deny == {
		_f(["spec", "template", "spec", "securityContext"], "spec.template.spec.securityContext", "`runAsNonRoot: false`, `runAsUser: 0`"),
		_f(array.concat(_sc(0), ["runAsNonRoot"]), "spec.template.spec.containers[0].securityContext", "`runAsNonRoot: false`"),
		_f(["spec", "template", "spec", "initContainers", 0, "securityContext", "runAsUser"], "spec.template.spec.initContainers[0].securityContext", "`runAsUser: 0`"),
	} with input as _deploy({
		"securityContext": {"runAsUser": 0, "runAsNonRoot": false},
		"initContainers": [{"name": "chown", "image": "busybox:1.36", "securityContext": {"runAsUser": 0}}],
		"containers": [{"name": "web", "image": "nginx:1.27.3", "securityContext": {"runAsNonRoot": false}}],
	})
}

test_pass_pod_setting_every_container_overrides if {
	data.rules.kubernetes.K8S004.deny == set() with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {
		"securityContext": {"runAsNonRoot": false, "runAsUser": 0},
		"initContainers": [{"name": "init", "image": "alpine:3.20", "securityContext": {"runAsNonRoot": true, "runAsUser": 1000}}],
		"containers": [{"name": "main", "image": "alpine:3.20", "securityContext": {"runAsNonRoot": true, "runAsUser": 1001}}],
	}}
}

test_fail_pod_setting_one_init_container_inherits if {
	data.rules.kubernetes.K8S004.deny == {
		_f(["spec", "template", "spec", "securityContext", "runAsUser"], "spec.template.spec.securityContext", "`runAsUser: 0`"),
	} with input as _deploy({
		"securityContext": {"runAsUser": 0},
		"initContainers": [{"name": "init", "image": "alpine:3.20"}],
		"containers": [{"name": "main", "image": "alpine:3.20", "securityContext": {"runAsUser": 1001}}],
	})
}

test_fail_host_namespaces_once_on_the_first if {
	data.rules.kubernetes.K8S004.deny == {
		_f(["spec", "template", "spec", "hostNetwork"], "spec.template.spec", "`hostNetwork: true`, `hostPID: true`, `hostIPC: true`"),
	} with input as _deploy({"hostIPC": true, "hostPID": true, "hostNetwork": true, "containers": [{"name": "web", "image": "nginx:1.27.3"}]})
	data.rules.kubernetes.K8S004.deny == {
		_f(["spec", "template", "spec", "hostPID"], "spec.template.spec", "`hostPID: true`"),
	} with input as _deploy({"hostNetwork": false, "hostPID": true, "containers": [{"name": "web", "image": "nginx:1.27.3"}]})
}

test_fail_dangerous_capabilities if {
	data.rules.kubernetes.K8S004.deny == {
		_f(_sc(0), "spec.template.spec.containers[0].securityContext", "capability `NET_ADMIN`, capability `cap_sys_admin`, capability `all`"),
		_f(array.concat(_sc(1), ["capabilities", "add", 1]), "spec.template.spec.containers[1].securityContext", "capability `SYS_PTRACE`"),
	} with input as _deploy({"containers": [
		{
			"name": "vpn", "image": "wireguard:1.0.2",
			"securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_BIND_SERVICE", "cap_sys_admin", "all"], "drop": ["ALL"]}},
		},
		{"name": "debug", "image": "busybox:1.36", "securityContext": {"capabilities": {"add": ["CHOWN", "SYS_PTRACE"]}}},
	]})
}

test_fail_capabilities_param if {
	data.rules.kubernetes.K8S004.deny == {_f(array.concat(_sc(0), ["capabilities", "add", 0]), "spec.template.spec.containers[0].securityContext", "capability `CHOWN`")} with input as _deploy({"containers": [{
		"name": "web", "image": "nginx:1.27.3",
		"securityContext": {"capabilities": {"add": ["CHOWN", "NET_ADMIN"]}},
	}]})
		with data.params.K8S004 as {"dangerous_capabilities": ["CAP_CHOWN"]}
}

test_fail_cronjob_and_pod if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostNetwork": true, "containers": [{"name": "dump", "image": "postgres:16.4"}]}}}}},
	}
	data.rules.kubernetes.K8S004.deny == {_f(["spec", "jobTemplate", "spec", "template", "spec", "hostNetwork"], "spec.jobTemplate.spec.template.spec", "`hostNetwork: true`")} with input as cj
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27.3", "securityContext": {"privileged": true}}]}}
	data.rules.kubernetes.K8S004.deny == {_f(["spec", "containers", 0, "securityContext", "privileged"], "spec.containers[0].securityContext", "`privileged: true`")} with input as pod
}

test_pass_restricted if {
	data.rules.kubernetes.K8S004.deny == set() with input as _deploy({
		"hostNetwork": false, "hostPID": false,
		"securityContext": {"runAsNonRoot": true, "runAsUser": 1001},
		"containers": [{
			"name": "web", "image": "nginx:1.27.3",
			"securityContext": {
				"privileged": false, "allowPrivilegeEscalation": false, "runAsNonRoot": true,
				"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "CHOWN"]},
			},
		}],
	})
}

test_pass_unset_and_null if {
	data.rules.kubernetes.K8S004.deny == set() with input as _deploy({
		"hostNetwork": null, "securityContext": null,
		"containers": [
			{"name": "a", "image": "nginx:1.27.3"},
			{"name": "b", "image": "nginx:1.27.3", "securityContext": {"privileged": null, "runAsUser": null, "capabilities": {"add": null}}},
			{"name": "c", "image": "nginx:1.27.3", "securityContext": {"capabilities": {"add": []}}},
		],
	})
}

test_pass_drop_all_is_not_add if {
	data.rules.kubernetes.K8S004.deny == set() with input as _deploy({"containers": [{"name": "a", "image": "nginx:1.27.3", "securityContext": {"capabilities": {"drop": ["ALL", "NET_RAW"]}}}]})
}
