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

_defaults := {"allowed_prefixes": ["docker.io/", "harbor.io/", "registry.redhat.io/", "quay.io/", "bitnami/", "ghcr.io/", "harbor.apps.*.numerique-interieur.com/"]}

test_pass_offer_harbor_hosts_by_pattern if {
	cs := [
		{"name": "a", "image": "harbor.apps.c6.numerique-interieur.com/mi-tuto/app:master"},
		{"name": "b", "image": "harbor.apps.dso.numerique-interieur.com/console/api:9.1.0"},
		{"name": "c", "image": "HARBOR.apps.Dso.numerique-interieur.com/console/web:9.1.0"},
	]
	data.rules.kubernetes.K8S020.deny == set() with input as _deploy(cs, [])
		with data.params.K8S020 as _defaults
}

test_fail_pattern_matches_exactly_one_label if {
	cs := [
		{"name": "a", "image": "harbor.apps.numerique-interieur.com/team/app:1.0"},
		{"name": "b", "image": "harbor.apps.a.b.numerique-interieur.com/team/app:1.0"},
		{"name": "c", "image": "harbor.apps.c6.numerique-interieur.com.evil.example/team/app:1.0"},
		{"name": "d", "image": "harbor.apps.x/y.numerique-interieur.com/app:1.0"},
	]
	data.rules.kubernetes.K8S020.deny == {
		_f(["spec", "template", "spec", "containers", 0, "image"], "harbor.apps.numerique-interieur.com/team/app:1.0", "a", "harbor.apps.numerique-interieur.com"),
		_f(["spec", "template", "spec", "containers", 1, "image"], "harbor.apps.a.b.numerique-interieur.com/team/app:1.0", "b", "harbor.apps.a.b.numerique-interieur.com"),
		_f(["spec", "template", "spec", "containers", 2, "image"], "harbor.apps.c6.numerique-interieur.com.evil.example/team/app:1.0", "c", "harbor.apps.c6.numerique-interieur.com.evil.example"),
		_f(["spec", "template", "spec", "containers", 3, "image"], "harbor.apps.x/y.numerique-interieur.com/app:1.0", "d", "harbor.apps.x"),
	} with input as _deploy(cs, [])
		with data.params.K8S020 as _defaults
}

test_pattern_with_repository_and_regex_characters if {
	cs := [
		{"name": "a", "image": "registry.example.com/team-a/app:1.0"},
		{"name": "b", "image": "registry.example.com/team-a/sub/app:1.0"},
		{"name": "c", "image": "registryxexample.com/team-a/app:1.0"},
		{"name": "d", "image": "aab.example/app:1"},
	]
	data.rules.kubernetes.K8S020.deny == {
		_f(["spec", "template", "spec", "containers", 1, "image"], "registry.example.com/team-a/sub/app:1.0", "b", "registry.example.com"),
		_f(["spec", "template", "spec", "containers", 2, "image"], "registryxexample.com/team-a/app:1.0", "c", "registryxexample.com"),
		_f(["spec", "template", "spec", "containers", 3, "image"], "aab.example/app:1", "d", "aab.example"),
	} with input as _deploy(cs, [])
		with data.params.K8S020 as {"allowed_prefixes": ["registry.example.com/*/app", "a+b.example/*"]}
}
