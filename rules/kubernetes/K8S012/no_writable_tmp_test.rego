package rules.kubernetes.K8S012_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": object.union({"volumes": [{"name": "tmp", "emptyDir": {}}]}, pod_spec)}},
}

_tmp := [{"name": "tmp", "mountPath": "/tmp"}]

test_fail_no_mounts if {
	data.rules.kubernetes.K8S012.deny == {{"path": ["spec", "template", "spec", "containers", 0], "params": {"container": "web"}}} with input as _deploy({"containers": [{"name": "web", "image": "a:1.0"}]})
}

test_fail_other_mounts_and_init if {
	data.rules.kubernetes.K8S012.deny == {
		{"path": ["spec", "template", "spec", "containers", 1], "params": {"container": "b"}},
		{"path": ["spec", "template", "spec", "containers", 2], "params": {"container": "c"}},
		{"path": ["spec", "template", "spec", "initContainers", 0], "params": {"container": "init"}},
	} with input as _deploy({
		"initContainers": [{"name": "init", "image": "a:1.0", "volumeMounts": null}],
		"containers": [
			{"name": "a", "image": "a:1.0", "volumeMounts": _tmp},
			{"name": "b", "image": "a:1.0", "volumeMounts": [{"name": "tmp", "mountPath": "/tmp/cache"}, {"name": "data", "mountPath": "/data"}]},
			{"name": "c", "image": "a:1.0", "volumeMounts": [{"name": "tmp", "mountPath": "/tmp", "readOnly": true}]},
		],
	})
}

test_fail_tmpdir_outside_mounts if {
	data.rules.kubernetes.K8S012.deny == {{"path": ["spec", "template", "spec", "containers", 0], "params": {"container": "web"}}} with input as _deploy({"containers": [{
		"name": "web", "image": "a:1.0",
		"env": [{"name": "TMPDIR", "value": "/var/tmp"}],
		"volumeMounts": [{"name": "cache", "mountPath": "/cache"}, {"name": "cfg", "mountPath": "/var", "readOnly": true}],
	}]})
}

test_fail_cronjob_and_pod if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "dump", "image": "pg:16.4", "volumeMounts": []}]}}}}},
	}
	data.rules.kubernetes.K8S012.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0], "params": {"container": "dump"}}} with input as cj
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "a:1.0"}]}}
	data.rules.kubernetes.K8S012.deny == {{"path": ["spec", "containers", 0], "params": {"container": "c"}}} with input as pod
}

test_pass_tmp_mounts if {
	data.rules.kubernetes.K8S012.deny == set() with input as _deploy({
		"initContainers": [{"name": "init", "image": "a:1.0", "volumeMounts": _tmp}],
		"containers": [
			{"name": "a", "image": "a:1.0", "volumeMounts": _tmp},
			{"name": "b", "image": "a:1.0", "volumeMounts": [{"name": "data", "mountPath": "/data"}, {"name": "tmp", "mountPath": "/tmp/"}]},
			{"name": "c", "image": "a:1.0", "volumeMounts": [{"name": "tmp", "mountPath": "/tmp", "readOnly": false, "subPath": "c"}]},
		],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}],
	})
}

test_pass_tmpdir_in_writable_mount if {
	data.rules.kubernetes.K8S012.deny == set() with input as _deploy({"containers": [
		{"name": "a", "image": "a:1.0", "env": [{"name": "TMPDIR", "value": "/cache/tmp"}], "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]},
		{"name": "b", "image": "a:1.0", "env": [{"name": "JAVA_OPTS", "value": "-Xmx1g"}, {"name": "TMP", "value": "/scratch/"}], "volumeMounts": [{"name": "s", "mountPath": "/scratch"}]},
	]})
}
