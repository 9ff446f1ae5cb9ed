package rules.kubernetes.K8S005_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
	"spec": {"template": {"metadata": {"labels": {"app": "agent"}}, "spec": pod_spec}},
}

_c := [{"name": "agent", "image": "agent:1.4.2"}]

test_fail_host_path if {
	data.rules.kubernetes.K8S005.deny == {{"path": ["spec", "template", "spec", "volumes", 1, "hostPath"], "params": {"volume": "docker-sock", "host_path": "/var/run/docker.sock"}}} with input as _deploy({
		"containers": _c,
		"volumes": [
			{"name": "tmp", "emptyDir": {}},
			{"name": "docker-sock", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}},
		],
	})
}

test_fail_two_host_paths if {
	data.rules.kubernetes.K8S005.deny == {
		{"path": ["spec", "template", "spec", "volumes", 0, "hostPath"], "params": {"volume": "logs", "host_path": "/var/log"}},
		{"path": ["spec", "template", "spec", "volumes", 1, "hostPath"], "params": {"volume": "weird", "host_path": ""}},
	} with input as _deploy({"containers": _c, "volumes": [
		{"name": "logs", "hostPath": {"path": "/var/log"}},
		{"name": "weird", "hostPath": {}},
	]})
}

test_fail_cronjob_and_pod if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": _c, "volumes": [{"name": "dump", "hostPath": {"path": "/backup"}}]}}}}},
	}
	data.rules.kubernetes.K8S005.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "spec", "volumes", 0, "hostPath"], "params": {"volume": "dump", "host_path": "/backup"}}} with input as cj
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": _c, "volumes": [{"name": "h", "hostPath": {"path": "/etc"}}]}}
	data.rules.kubernetes.K8S005.deny == {{"path": ["spec", "volumes", 0, "hostPath"], "params": {"volume": "h", "host_path": "/etc"}}} with input as pod
}

test_pass_other_volumes if {
	data.rules.kubernetes.K8S005.deny == set() with input as _deploy({"containers": _c, "volumes": [
		{"name": "tmp", "emptyDir": {"medium": "Memory"}},
		{"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
		{"name": "conf", "configMap": {"name": "agent"}},
		{"name": "host-path-like-name", "secret": {"secretName": "hostpath"}},
		{"name": "n", "hostPath": null},
	]})
}

test_pass_no_volumes if {
	data.rules.kubernetes.K8S005.deny == set() with input as _deploy({"containers": _c})
	data.rules.kubernetes.K8S005.deny == set() with input as _deploy({"containers": _c, "volumes": null})
	data.rules.kubernetes.K8S005.deny == set() with input as _deploy({"containers": _c, "volumes": []})
}
