package rules.kubernetes.K8S001_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}},
}

_image_path(i) := ["spec", "template", "spec", "containers", i, "image"]

test_fail_no_tag if {
	data.rules.kubernetes.K8S001.deny == {{"path": _image_path(0), "params": {"image": "nginx", "container": "web"}}} with input as _deploy({"containers": [{"name": "web", "image": "nginx"}]})
}

test_fail_latest_tag if {
	data.rules.kubernetes.K8S001.deny == {{"path": _image_path(0), "params": {"image": "nginx:latest", "container": "web", "variant": "latest"}}} with input as _deploy({"containers": [{"name": "web", "image": "nginx:latest"}]})
}

test_fail_registry_port_without_tag if {
	data.rules.kubernetes.K8S001.deny == {{"path": _image_path(0), "params": {"image": "registry.local:5000/team/api", "container": "api"}}} with input as _deploy({"containers": [{"name": "api", "image": "registry.local:5000/team/api"}]})
}

test_fail_two_containers_and_init if {
	data.rules.kubernetes.K8S001.deny == {
		{"path": _image_path(0), "params": {"image": "nginx:latest", "container": "web", "variant": "latest"}},
		{"path": _image_path(1), "params": {"image": "ghcr.io/org/sidecar", "container": "sidecar"}},
		{"path": ["spec", "template", "spec", "initContainers", 0, "image"], "params": {"image": "busybox", "container": "wait"}},
	} with input as _deploy({
		"initContainers": [{"name": "wait", "image": "busybox"}],
		"containers": [
			{"name": "web", "image": "nginx:latest"},
			{"name": "sidecar", "image": "ghcr.io/org/sidecar"},
			{"name": "ok", "image": "nginx:1.27.3"},
		],
	})
}

test_fail_cronjob if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup"},
		"spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "pg-dump", "image": "postgres"}]}}}}},
	}
	data.rules.kubernetes.K8S001.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "image"], "params": {"image": "postgres", "container": "pg-dump"}}} with input as cj
}

test_fail_pod_unnamed_container if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"image": "redis:latest"}]}}
	data.rules.kubernetes.K8S001.deny == {{"path": ["spec", "containers", 0, "image"], "params": {"image": "redis:latest", "container": "", "variant": "latest"}}} with input as pod
}

test_pass_version_tags if {
	data.rules.kubernetes.K8S001.deny == set() with input as _deploy({"containers": [
		{"name": "a", "image": "nginx:1.27.3"},
		{"name": "b", "image": "registry.local:5000/team/api:2.1.0"},
		{"name": "c", "image": "ghcr.io/org/app:sha-3f2a9c1"},
		{"name": "d", "image": "bitnami/postgresql:16.4.0-debian-12-r0"},
	]})
}

test_pass_digest if {
	data.rules.kubernetes.K8S001.deny == set() with input as _deploy({"containers": [
		{"name": "a", "image": "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"},
		{"name": "b", "image": "nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"},
	]})
}

test_fail_placeholder_registry_without_tag if {
	data.rules.kubernetes.K8S001.deny == {{"path": _image_path(0), "params": {"image": "${REGISTRY}/nginx", "container": "web"}}} with input as _deploy({"containers": [
		{"name": "web", "image": "${REGISTRY}/nginx"},
		{"name": "ok", "image": "${REGISTRY}/nginx:1.27.3"},
		{"name": "unknown", "image": "${REGISTRY}/nginx:${TAG}"},
	]})
}

test_pass_unresolved_or_missing_image if {
	data.rules.kubernetes.K8S001.deny == set() with input as _deploy({"containers": [
		{"name": "a", "image": "registry.local/app:${TAG}"},
		{"name": "b", "image": "$IMAGE"},
		{"name": "c", "image": "{{ .Values.image }}"},
		{"name": "d"},
		{"name": "e", "image": null},
		{"name": "f", "image": ""},
	]})
}

test_pass_empty_and_null_specs if {
	data.rules.kubernetes.K8S001.deny == set() with input as _deploy({"containers": []})
	data.rules.kubernetes.K8S001.deny == set() with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": null}
	data.rules.kubernetes.K8S001.deny == set() with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": null}}
}

test_pass_latest_like_tags if {
	data.rules.kubernetes.K8S001.deny == set() with input as _deploy({"containers": [
		{"name": "a", "image": "app:latest-1.2"},
		{"name": "b", "image": "localhost:5000/app:v1"},
	]})
}
