package rules.kubernetes.K8S020_test

_deploy(containers, init) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"},
	"spec": {"template": {"spec": {"containers": containers, "initContainers": init}}},
}

_f(path, image, container, registry) := {"path": path, "params": {"image": image, "container": container, "registry": registry}}

test_fail_other_registries if {
	cs := [
		{"name": "api", "image": "gcr.io/my-project/api:1.4.2"},
		{"name": "proxy", "image": "registry.k8s.io/ingress-nginx/controller:v1.10.0"},
		{"name": "web", "image": "nginx:1.27"},
	]
	init := [{"name": "migrate", "image": "image-registry.openshift-image-registry.svc:5000/app/migrate:1.0"}]
	data.rules.kubernetes.K8S020.deny == {
		_f(["spec", "template", "spec", "containers", 0, "image"], "gcr.io/my-project/api:1.4.2", "api", "gcr.io"),
		_f(["spec", "template", "spec", "containers", 1, "image"], "registry.k8s.io/ingress-nginx/controller:v1.10.0", "proxy", "registry.k8s.io"),
		_f(["spec", "template", "spec", "initContainers", 0, "image"], "image-registry.openshift-image-registry.svc:5000/app/migrate:1.0", "migrate", "image-registry.openshift-image-registry.svc:5000"),
	} with input as _deploy(cs, [])
		with input.spec.template.spec.initContainers as init
}

test_pass_allowed_registries if {
	cs := [
		{"name": "a", "image": "nginx:1.27"},
		{"name": "b", "image": "bitnami/postgresql:16.2.0"},
		{"name": "c", "image": "docker.io/library/redis:7.2"},
		{"name": "d", "image": "quay.io/keycloak/keycloak:24.0"},
		{"name": "e", "image": "ghcr.io/org/app@sha256:abcdef"},
		{"name": "f", "image": "registry.redhat.io/ubi9/ubi-minimal:9.4"},
		{"name": "g", "image": "harbor.io/team/app:1.0"},
		{"name": "h", "image": "index.docker.io/library/busybox:1.36"},
		{"name": "i", "image": "Quay.io/org/app:1"},
	]
	data.rules.kubernetes.K8S020.deny == set() with input as _deploy(cs, [])
}

test_pass_unresolved_and_missing if {
	cs := [
		{"name": "a", "image": "${REGISTRY}/app:1.0"},
		{"name": "b", "image": ""},
		{"name": "c"},
		{"name": "d", "image": null},
	]
	data.rules.kubernetes.K8S020.deny == set() with input as _deploy(cs, [])
}

test_fail_prefix_lookalikes if {
	cs := [
		{"name": "a", "image": "docker.io.mirror.example.com/nginx:1.27"},
		{"name": "b", "image": "bitnami.example.com/nginx:1.27"},
	]
	data.rules.kubernetes.K8S020.deny == {
		_f(["spec", "template", "spec", "containers", 0, "image"], "docker.io.mirror.example.com/nginx:1.27", "a", "docker.io.mirror.example.com"),
		_f(["spec", "template", "spec", "containers", 1, "image"], "bitnami.example.com/nginx:1.27", "b", "bitnami.example.com"),
	} with input as _deploy(cs, [])
}

test_fail_custom_prefixes if {
	cs := [
		{"name": "a", "image": "harbor.apps.dso.interieur.gouv.fr/team/app:1.0"},
		{"name": "b", "image": "harbor.apps.dso.interieur.gouv.fr/other/app:1.0"},
		{"name": "c", "image": "nginx:1.27"},
	]
	data.rules.kubernetes.K8S020.deny == {
		_f(["spec", "template", "spec", "containers", 1, "image"], "harbor.apps.dso.interieur.gouv.fr/other/app:1.0", "b", "harbor.apps.dso.interieur.gouv.fr"),
		_f(["spec", "template", "spec", "containers", 2, "image"], "nginx:1.27", "c", "docker.io"),
	} with input as _deploy(cs, [])
		with data.params.K8S020 as {"allowed_prefixes": ["harbor.apps.dso.interieur.gouv.fr/team"]}
}
