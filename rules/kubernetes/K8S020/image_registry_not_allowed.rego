# METADATA
# title: Image comes from a registry that is not allowed
# custom:
#   id: K8S020
#   name: image-registry-not-allowed
#   severity: error
#   requirements: [EXI-ARCH-13]
#   alpha: [EX36]
#   platform: [restrict-image-registry]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: L'image provient d'un registre non autorisé
#   message:
#     en: "Image `{image}` of container `{container}` comes from registry `{registry}`, which is not allowed"
#     fr: "L'image `{image}` du conteneur `{container}` provient du registre `{registry}`, qui n'est pas autorisé"
#   why:
#     en: >-
#       The platform only pulls images from the registries of its allow-list (policy
#       restrict-image-registry, refused in production), and EXI-ARCH-13 (alpha EX36) asks for
#       the offer's image registry. The allow-list is a list of reference prefixes, as the
#       platform writes it (`docker.io/`, `harbor.io/`, `registry.redhat.io/`, `quay.io/`,
#       `bitnami/`, `ghcr.io/`); a reference is allowed when the image as written, or its
#       normalised form `registry/repository` (no registry means `docker.io`, official images
#       get `library/`, `index.docker.io` is `docker.io`), starts with one of them. So
#       `nginx:1.27` and `bitnami/nginx:1.27` pass, while `gcr.io/...`, `registry.k8s.io/...`,
#       `mcr.microsoft.com/...`, a private host or the OpenShift internal registry fail. An image
#       that still holds an unresolved variable (`$`) is not judged.
#     fr: >-
#       La plateforme ne tire des images que depuis les registres de sa liste d'autorisation
#       (politique restrict-image-registry, bloquante en production), et l'exigence EXI-ARCH-13
#       (alpha EX36) demande d'utiliser le registre d'images de l'offre. La liste est faite de
#       préfixes de référence, tels que la plateforme les écrit (`docker.io/`, `harbor.io/`,
#       `registry.redhat.io/`, `quay.io/`, `bitnami/`, `ghcr.io/`) ; une référence est admise
#       quand l'image telle qu'écrite, ou sa forme normalisée `registre/dépôt` (sans registre,
#       `docker.io` ; les images officielles reçoivent `library/` ; `index.docker.io` vaut
#       `docker.io`), commence par l'un d'eux. Ainsi `nginx:1.27` et `bitnami/nginx:1.27` passent,
#       tandis que `gcr.io/...`, `registry.k8s.io/...`, `mcr.microsoft.com/...`, un hôte privé ou
#       le registre interne d'OpenShift échouent. Une image qui contient encore une variable non
#       résolue (`$`) n'est pas jugée.
#   remediation:
#     en: >-
#       Pull the image from an allowed registry (the offer's Harbor, or a mirror of the image
#       there), or add the registry to `allowed_prefixes` when the platform allows it.
#     fr: >-
#       Tirez l'image depuis un registre autorisé (le Harbor de l'offre, ou une copie de l'image
#       dans celui-ci), ou ajoutez le registre à `allowed_prefixes` si la plateforme l'autorise.
#   params:
#     allowed_prefixes: [docker.io/, harbor.io/, registry.redhat.io/, quay.io/, bitnami/, ghcr.io/]
package rules.kubernetes.K8S020

_defaults := {"allowed_prefixes": ["docker.io/", "harbor.io/", "registry.redhat.io/", "quay.io/", "bitnami/", "ghcr.io/"]}

_params := object.union(_defaults, data.params.K8S020) if {
	is_object(data.params.K8S020)
} else := _defaults

# A prefix written without a trailing `/` names a whole registry or repository path.
_prefixes := {_with_slash(lower(trim_space(p))) | some p in _params.allowed_prefixes; is_string(p); trim_space(p) != ""}

_with_slash(p) := p if endswith(p, "/")

_with_slash(p) := concat("", [p, "/"]) if not endswith(p, "/")

deny contains f if {
	some c in data.lib.k8s.containers
	image := c.container.image
	is_string(image)
	ref := trim_space(image)
	ref != ""
	not data.lib.image.unresolved(ref)
	parsed := data.lib.image.parse(ref)
	registry := _registry(parsed.registry)
	not _allowed(lower(ref), concat("/", [registry, lower(parsed.repository)]))
	f := {
		"path": array.concat(c.path, ["image"]),
		"params": {"image": ref, "container": data.lib.k8s.container_name(c.container), "registry": registry},
	}
}

# Docker Hub's other names.
_registry(r) := "docker.io" if r in {"index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}

_registry(r) := r if not r in {"index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}

_allowed(written, _) if {
	some p in _prefixes
	startswith(written, p)
}

_allowed(_, normalised) if {
	some p in _prefixes
	startswith(concat("", [normalised, "/"]), p)
}
