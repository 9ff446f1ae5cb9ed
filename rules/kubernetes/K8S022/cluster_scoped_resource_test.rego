package rules.kubernetes.K8S022_test

_obj(api, kind, name) := {"apiVersion": api, "kind": kind, "metadata": {"name": name}}

_f(api, kind, name) := {"path": ["kind"], "params": {"kind": kind, "name": name, "api_version": api}}

test_fail_core_and_rbac if {
	data.rules.kubernetes.K8S022.deny == {_f("v1", "Namespace", "my-app")} with input as _obj("v1", "Namespace", "my-app")
	data.rules.kubernetes.K8S022.deny == {_f("v1", "PersistentVolume", "data")} with input as _obj("v1", "PersistentVolume", "data")
	data.rules.kubernetes.K8S022.deny == {_f("rbac.authorization.k8s.io/v1", "ClusterRole", "reader")} with input as _obj("rbac.authorization.k8s.io/v1", "ClusterRole", "reader")
	data.rules.kubernetes.K8S022.deny == {_f("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "reader")} with input as _obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "reader")
}

test_fail_extension_kinds if {
	data.rules.kubernetes.K8S022.deny == {_f("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.fr")} with input as _obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.fr")
	data.rules.kubernetes.K8S022.deny == {_f("cert-manager.io/v1", "ClusterIssuer", "letsencrypt")} with input as _obj("cert-manager.io/v1", "ClusterIssuer", "letsencrypt")
	data.rules.kubernetes.K8S022.deny == {_f("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "hook")} with input as _obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "hook")
	data.rules.kubernetes.K8S022.deny == {_f("storage.k8s.io/v1", "StorageClass", "fast")} with input as _obj("storage.k8s.io/v1", "StorageClass", "fast")
	data.rules.kubernetes.K8S022.deny == {_f("scheduling.k8s.io/v1", "PriorityClass", "high")} with input as _obj("scheduling.k8s.io/v1", "PriorityClass", "high")
	data.rules.kubernetes.K8S022.deny == {_f("security.openshift.io/v1", "SecurityContextConstraints", "app-scc")} with input as _obj("security.openshift.io/v1", "SecurityContextConstraints", "app-scc")
	data.rules.kubernetes.K8S022.deny == {_f("project.openshift.io/v1", "Project", "app")} with input as _obj("project.openshift.io/v1", "Project", "app")
}

test_fail_unnamed if {
	data.rules.kubernetes.K8S022.deny == {_f("v1", "Namespace", "")} with input as {"apiVersion": "v1", "kind": "Namespace"}
}

test_pass_namespaced_same_names if {
	data.rules.kubernetes.K8S022.deny == set() with input as _obj("argoproj.io/v1alpha1", "AppProject", "app")
	data.rules.kubernetes.K8S022.deny == set() with input as _obj("rbac.authorization.k8s.io/v1", "Role", "reader")
	data.rules.kubernetes.K8S022.deny == set() with input as _obj("rbac.authorization.k8s.io/v1", "RoleBinding", "reader")
	data.rules.kubernetes.K8S022.deny == set() with input as _obj("cert-manager.io/v1", "Issuer", "local")
	data.rules.kubernetes.K8S022.deny == set() with input as _obj("external-secrets.io/v1beta1", "SecretStore", "vault")
	data.rules.kubernetes.K8S022.deny == set() with input as _obj("v1", "PersistentVolumeClaim", "data")
	data.rules.kubernetes.K8S022.deny == set() with input as _obj("example.fr/v1", "Namespace", "x")
	data.rules.kubernetes.K8S022.deny == set() with input as _obj("kyverno.io/v1", "Policy", "x")
	data.rules.kubernetes.K8S022.deny == set() with input as {"kind": "Namespace", "apiVersion": 5}
}
