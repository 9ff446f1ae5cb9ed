# METADATA
# title: Image comes from a registry that is not allowed
# custom:
#   id: K8S020
#   name: image-registry-not-allowed
#   severity: error
#   constants: [_prefixes, _patterns]
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
#       `bitnami/`, `ghcr.io/`), plus the offer's own Harbor hosts
#       (`harbor.apps.*.numerique-interieur.com/`, e.g. `harbor.apps.c6.numerique-interieur.com`
#       and `harbor.apps.dso.numerique-interieur.com`); a reference is allowed when the image as
#       written, or its normalised form `registry/repository` (no registry means `docker.io`,
#       official images get `library/`, `index.docker.io` is `docker.io`), starts with one of
#       them. In a prefix, `*` stands for exactly one host label (letters, digits and `-`, no
#       dot): `harbor.apps.*.numerique-interieur.com/` allows `harbor.apps.c6.numerique-interieur.com/`
#       but neither `harbor.apps.numerique-interieur.com/` nor `harbor.apps.a.b.numerique-interieur.com/`.
#       So `nginx:1.27` and `bitnami/nginx:1.27` pass, while `gcr.io/...`, `registry.k8s.io/...`,
#       `mcr.microsoft.com/...`, a private host or the OpenShift internal registry fail. An image
#       that still holds an unresolved variable (`$`) is not judged.
#     fr: >-
#       La plateforme ne tire des images que depuis les registres de sa liste d'autorisation
#       (politique restrict-image-registry, bloquante en production), et l'exigence EXI-ARCH-13
#       (alpha EX36) demande d'utiliser le registre d'images de l'offre. La liste est faite de
#       préfixes de référence, tels que la plateforme les écrit (`docker.io/`, `harbor.io/`,
#       `registry.redhat.io/`, `quay.io/`, `bitnami/`, `ghcr.io/`), plus les hôtes Harbor de
#       l'offre (`harbor.apps.*.numerique-interieur.com/`, par exemple
#       `harbor.apps.c6.numerique-interieur.com` et `harbor.apps.dso.numerique-interieur.com`) ;
#       une référence est admise quand l'image telle qu'écrite, ou sa forme normalisée
#       `registre/dépôt` (sans registre, `docker.io` ; les images officielles reçoivent
#       `library/` ; `index.docker.io` vaut `docker.io`), commence par l'un d'eux. Dans un
#       préfixe, `*` remplace exactement un label d'hôte (lettres, chiffres et `-`, sans point) :
#       `harbor.apps.*.numerique-interieur.com/` admet `harbor.apps.c6.numerique-interieur.com/`
#       mais ni `harbor.apps.numerique-interieur.com/` ni `harbor.apps.a.b.numerique-interieur.com/`. Ainsi `nginx:1.27` et `bitnami/nginx:1.27` passent,
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
#     allowed_prefixes: [docker.io/, harbor.io/, registry.redhat.io/, quay.io/, bitnami/, ghcr.io/, "harbor.apps.*.numerique-interieur.com/"]
package rules.kubernetes.K8S020

# A prefix written without a trailing `/` names a whole registry or repository path.
# Prefixes lower-cased, with a trailing `/`. `_prefixes` and `_patterns` are constants (METADATA):
# the VM computes them once, a Rego test on every evaluation.
_normalised := {concat("", [trim_suffix(q, "/"), "/"]) |
	some p in data.params.K8S020.allowed_prefixes
	is_string(p)
	q := lower(trim_space(p))
	q != ""
}

# Plain prefixes, compared with one builtin.
_prefixes := data.cct_lint_constants.K8S020._prefixes if {
	data.cct_lint_constants.K8S020.params == data.params.K8S020
} else := {q | some q in _normalised; not contains(q, "*")}

# Prefixes holding `*` (one host label), as anchored regular expressions. Only characters an
# image reference can hold are accepted, so nothing else in a prefix is read as a regex.
_patterns := data.cct_lint_constants.K8S020._patterns if {
	data.cct_lint_constants.K8S020.params == data.params.K8S020
} else := {r |
	some q in _normalised
	contains(q, "*")
	regex.match(`^[a-z0-9._:/*-]+$`, q)
	r := concat("", ["^", strings.replace_n({".": `\.`, "*": `[a-z0-9]([a-z0-9-]*[a-z0-9])?`}, q)])
}

_allowed(ref) if strings.any_prefix_match(ref, _prefixes)

_allowed(ref) if {
	some r in _patterns
	regex.match(r, ref)
}

# The reference as written is checked first (one builtin); only when no prefix matches is it
# parsed and checked again in its normalised form `registry/repository`.
deny contains f if {
	some c in data.lib.k8s.containers
	image := c.container.image
	is_string(image)
	ref := trim_space(image)
	ref != ""
	not _allowed(lower(ref))
	not data.lib.image.unresolved(ref)
	parsed := data.lib.image.parse(ref)
	registry := object.get(_docker_hub_aliases, parsed.registry, parsed.registry)
	not _allowed(concat("", [registry, "/", lower(parsed.repository), "/"]))
	f := {
		"path": array.concat(c.path, ["image"]),
		"params": {"image": ref, "container": data.lib.k8s.container_name(c.container), "registry": registry},
	}
}

_docker_hub_aliases := {"index.docker.io": "docker.io", "registry-1.docker.io": "docker.io", "registry.hub.docker.com": "docker.io"}
