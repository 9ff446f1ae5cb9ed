# METADATA
# title: Cluster-scoped resource shipped with the application
# custom:
#   id: K8S022
#   name: cluster-scoped-resource
#   severity: error
#   requirements: [EXI-ARCH-10]
#   alpha: []
#   input:
#     family: kubernetes
#     kinds: [Namespace, PersistentVolume, Node, ClusterRole, ClusterRoleBinding, CustomResourceDefinition, StorageClass, CSIDriver, CSINode, VolumeAttachment, VolumeAttributesClass, PriorityClass, ValidatingWebhookConfiguration, MutatingWebhookConfiguration, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, MutatingAdmissionPolicy, MutatingAdmissionPolicyBinding, APIService, IngressClass, IPAddress, ServiceCIDR, RuntimeClass, PodSecurityPolicy, CertificateSigningRequest, ClusterTrustBundle, FlowSchema, PriorityLevelConfiguration, GatewayClass, VolumeSnapshotClass, VolumeSnapshotContent, ClusterIssuer, ClusterSecretStore, ClusterExternalSecret, ClusterPolicy, ClusterCleanupPolicy, GlobalNetworkPolicy, GlobalNetworkSet, CiliumClusterwideNetworkPolicy, ClusterWorkflowTemplate, ClusterTask, ClusterTriggerBinding, ClusterInterceptor, Project, ProjectRequest, SecurityContextConstraints, ClusterResourceQuota, OAuthClient, Group, User, ConsoleLink, ConsoleNotification]
#   title_fr: Ressource de portée cluster livrée avec l'application
#   message:
#     en: "{kind} `{name}` (`{api_version}`) is a cluster-scoped object"
#     fr: "{kind} `{name}` (`{api_version}`) est un objet de portée cluster"
#   why:
#     en: >-
#       On the platform an application only has rights inside its own namespaces: cluster-scoped
#       objects (namespaces, cluster roles and bindings, CRDs, storage and priority classes,
#       admission webhooks and policies, cluster issuers, OpenShift SCCs and projects...) are the
#       host's, and the operators that need them are provided as shared services (EXI-ARCH-10).
#       Argo CD cannot create them for the application, so the deployment fails. The rule knows
#       the cluster-scoped kinds of Kubernetes, OpenShift and common operators (cert-manager,
#       External Secrets, Kyverno, Calico, Cilium, Argo Workflows, Tekton, Gateway API, CSI
#       snapshots) and checks the API group, so a namespaced custom kind that happens to share a
#       name (e.g. a Knative or Argo `Project`) is not reported.
#     fr: >-
#       Sur la plateforme, une application n'a de droits que dans ses propres namespaces : les
#       objets de portée cluster (namespaces, rôles et liaisons de cluster, CRD, classes de
#       stockage et de priorité, webhooks et politiques d'admission, émetteurs de certificats de
#       cluster, SCC et projets OpenShift...) relèvent de l'hébergeur, et les opérateurs qui en
#       ont besoin sont fournis comme services socles (EXI-ARCH-10). Argo CD ne peut pas les
#       créer pour l'application et le déploiement échoue. La règle connaît les types de portée
#       cluster de Kubernetes, d'OpenShift et des opérateurs courants (cert-manager, External
#       Secrets, Kyverno, Calico, Cilium, Argo Workflows, Tekton, Gateway API, instantanés CSI)
#       et vérifie le groupe d'API : un type personnalisé namespacé qui porte le même nom (par
#       exemple un `Project` Knative ou Argo) n'est pas signalé.
#   remediation:
#     en: >-
#       Remove the object from the application's manifests and use a namespaced equivalent (Role
#       and RoleBinding instead of ClusterRole and ClusterRoleBinding, Issuer instead of
#       ClusterIssuer, SecretStore instead of ClusterSecretStore), or ask the host to provide it.
#     fr: >-
#       Retirez l'objet des manifestes de l'application et utilisez un équivalent namespacé (Role
#       et RoleBinding au lieu de ClusterRole et ClusterRoleBinding, Issuer au lieu de
#       ClusterIssuer, SecretStore au lieu de ClusterSecretStore), ou demandez à l'hébergeur de
#       le fournir.
package rules.kubernetes.K8S022

# API group → cluster-scoped kinds. The core group is "" (`apiVersion: v1`); OpenShift 3 also
# served its own kinds under `v1`, hence the OpenShift kinds listed under "" too.
_cluster_scoped := {
	"": {"Namespace", "PersistentVolume", "Node", "ClusterRole", "ClusterRoleBinding", "Project", "ProjectRequest", "SecurityContextConstraints", "ClusterResourceQuota", "OAuthClient", "Group", "User"},
	"rbac.authorization.k8s.io": {"ClusterRole", "ClusterRoleBinding"},
	"authorization.openshift.io": {"ClusterRole", "ClusterRoleBinding"},
	"apiextensions.k8s.io": {"CustomResourceDefinition"},
	"storage.k8s.io": {"StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass"},
	"scheduling.k8s.io": {"PriorityClass"},
	"admissionregistration.k8s.io": {
		"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
		"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
		"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
	},
	"apiregistration.k8s.io": {"APIService"},
	"networking.k8s.io": {"IngressClass", "IPAddress", "ServiceCIDR"},
	"node.k8s.io": {"RuntimeClass"},
	"policy": {"PodSecurityPolicy"},
	"extensions": {"PodSecurityPolicy"},
	"certificates.k8s.io": {"CertificateSigningRequest", "ClusterTrustBundle"},
	"flowcontrol.apiserver.k8s.io": {"FlowSchema", "PriorityLevelConfiguration"},
	"gateway.networking.k8s.io": {"GatewayClass"},
	"snapshot.storage.k8s.io": {"VolumeSnapshotClass", "VolumeSnapshotContent"},
	"cert-manager.io": {"ClusterIssuer"},
	"external-secrets.io": {"ClusterSecretStore", "ClusterExternalSecret"},
	"kyverno.io": {"ClusterPolicy", "ClusterCleanupPolicy"},
	"crd.projectcalico.org": {"GlobalNetworkPolicy", "GlobalNetworkSet"},
	"projectcalico.org": {"GlobalNetworkPolicy", "GlobalNetworkSet"},
	"cilium.io": {"CiliumClusterwideNetworkPolicy"},
	"argoproj.io": {"ClusterWorkflowTemplate"},
	"tekton.dev": {"ClusterTask"},
	"triggers.tekton.dev": {"ClusterTriggerBinding", "ClusterInterceptor"},
	"project.openshift.io": {"Project", "ProjectRequest"},
	"security.openshift.io": {"SecurityContextConstraints"},
	"quota.openshift.io": {"ClusterResourceQuota"},
	"oauth.openshift.io": {"OAuthClient"},
	"user.openshift.io": {"Group", "User"},
	"console.openshift.io": {"ConsoleLink", "ConsoleNotification"},
}

_group := split(input.apiVersion, "/")[0] if {
	is_string(input.apiVersion)
	contains(input.apiVersion, "/")
} else := ""

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

deny contains f if {
	is_string(input.apiVersion)
	is_string(input.kind)
	input.kind in _cluster_scoped[_group]
	f := {"path": ["kind"], "params": {"kind": input.kind, "name": _name, "api_version": input.apiVersion}}
}
