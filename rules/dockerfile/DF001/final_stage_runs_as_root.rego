# METADATA
# title: Final stage runs as root
# custom:
#   id: DF001
#   name: final-stage-runs-as-root
#   severity: error
#   requirements: [EXI-ARCH-18]
#   alpha: [EX32]
#   input:
#     family: dockerfile
#   title_fr: L'étape finale s'exécute en root
#   message:
#     en: Final stage `{stage}` runs as `{user}` (base image `{image}`)
#     fr: L'étape finale `{stage}` s'exécute en tant que `{user}` (image de base `{image}`)
#   variants:
#     unknown_user:
#       en: Final stage `{stage}` sets no `USER`, and the default user of its base image `{image}` is not known
#       fr: L'étape finale `{stage}` ne définit aucun `USER`, et l'utilisateur par défaut de son image de base `{image}` n'est pas connu
#   why:
#     en: >-
#       EXI-ARCH-18 (alpha EX32) requires rootless images, and production refuses containers that
#       need root. The user of the final image is the last `USER` of the final stage or of the
#       stages it derives from through `FROM <stage>`; `root`, `0`, `root:*` and `0:*` are root,
#       and a `USER ${VAR}` is judged on its resolved value (a variable with no known value is not
#       judged). Without any `USER`, the base image's default user applies. It is root for
#       `scratch`, for the Docker official images (`debian`, `node`, `python`...) and for the UBI
#       base images (`ubi`, `ubi-minimal`, `ubi-micro`): the finding then says the stage runs as
#       root. A small table lists base images known to run as a non-root user, trusted without a
#       `USER`: a tag holding `nonroot` (distroless `:nonroot`, `:debug-nonroot`, Chainguard
#       `:latest-nonroot`), `nginxinc/nginx-unprivileged` (uid 101), `bitnami/*` except
#       `bitnami/minideb` (uid 1001), Chainguard `cgr.dev/chainguard/*` except `wolfi-base` and the
#       `-dev` tags (uid 65532), the UBI language runtimes `ubi*/nodejs-*`, `python-*`, `php-*`,
#       `ruby-*`, `perl-*`, `go-toolset`, `dotnet-*` (uid 1001) and `openjdk-*` (uid 185),
#       `quay.io/keycloak/keycloak` (uid 1000) and .NET `chiseled` images (uid 1654). For any other
#       base image the user is not known: the finding says so, with the same severity, since only
#       a `USER` in the Dockerfile makes the image rootless whatever its base.
#     fr: >-
#       L'exigence EXI-ARCH-18 (alpha EX32) impose des images rootless, et la production refuse
#       les conteneurs qui requièrent root. L'utilisateur de l'image finale est le dernier `USER`
#       de l'étape finale ou des étapes dont elle dérive par `FROM <étape>` ; `root`, `0`,
#       `root:*` et `0:*` désignent root, et un `USER ${VAR}` est jugé sur sa valeur résolue (une
#       variable sans valeur connue n'est pas jugée). Sans aucun `USER`, l'utilisateur par défaut
#       de l'image de base s'applique. C'est root pour `scratch`, pour les images officielles
#       Docker (`debian`, `node`, `python`...) et pour les images de base UBI (`ubi`,
#       `ubi-minimal`, `ubi-micro`) : le constat dit alors que l'étape s'exécute en root. Une
#       petite table liste les images de base connues pour s'exécuter avec un utilisateur non
#       root, admises sans `USER` : un tag contenant `nonroot` (distroless `:nonroot`,
#       `:debug-nonroot`, Chainguard `:latest-nonroot`), `nginxinc/nginx-unprivileged` (uid 101),
#       `bitnami/*` sauf `bitnami/minideb` (uid 1001), Chainguard `cgr.dev/chainguard/*` sauf
#       `wolfi-base` et les tags `-dev` (uid 65532), les runtimes de langage UBI `ubi*/nodejs-*`,
#       `python-*`, `php-*`, `ruby-*`, `perl-*`, `go-toolset`, `dotnet-*` (uid 1001) et
#       `openjdk-*` (uid 185), `quay.io/keycloak/keycloak` (uid 1000) et les images .NET
#       `chiseled` (uid 1654). Pour toute autre image de base l'utilisateur n'est pas connu : le
#       constat le dit, avec la même sévérité, car seul un `USER` dans le Dockerfile rend l'image
#       rootless quelle que soit sa base.
#   remediation:
#     en: Add `USER 1001` (a numeric non-root uid, optionally `1001:0`) as the last `USER` of the final stage, after the steps that need root.
#     fr: Ajoutez `USER 1001` (un uid numérique non root, éventuellement `1001:0`) comme dernier `USER` de l'étape finale, après les étapes qui requièrent root.
package rules.dockerfile.DF001

deny contains f if {
	last := _last_user
	inst := data.lib.dockerfile.stage(last.stage).instructions[last.instruction]
	user := _user_value(inst)
	_is_root(user)
	f := {
		"path": ["stages", last.stage, "instructions", last.instruction],
		"params": {"stage": _final_label, "user": user, "image": _base_image},
	}
}

# No USER, and the base image is known to run as root.
deny contains f if {
	count(_user_keys) == 0
	_root_base
	f := {
		"path": ["stages", data.lib.dockerfile.final_stage_index],
		"params": {"stage": _final_label, "user": "root", "image": _base_image},
	}
}

# No USER, and the base image's default user is not known.
deny contains f if {
	count(_user_keys) == 0
	not _root_base
	not _nonroot_base
	f := {
		"path": ["stages", data.lib.dockerfile.final_stage_index],
		"params": {"stage": _final_label, "user": "root", "image": _base_image, "variant": "unknown_user"},
	}
}

_final_label := data.lib.dockerfile.stage_label(data.lib.dockerfile.final_stage)

# Every USER of the final image as [stage index, instruction index]: the last one sorts highest.
_user_keys contains [i, j] if {
	some i in data.lib.dockerfile.final_chain
	some j, inst in data.lib.dockerfile.stage(i).instructions
	inst.keyword == "USER"
}

_last_user := {"stage": k[0], "instruction": k[1]} if {
	count(_user_keys) > 0
	k := max(_user_keys)
}

_user_value(inst) := inst.expanded[0] if count(inst.expanded) > 0

_user_value(inst) := "" if count(inst.expanded) == 0

# `root`, `0`, `root:*`, `0:*` (a value still holding `$` cannot be judged and is not root).
_is_root(value) if {
	user := lower(trim_space(split(value, ":")[0]))
	user == "root"
}

_is_root(value) if {
	user := trim_space(split(value, ":")[0])
	regex.match(`^0+$`, user)
}

_base := data.lib.dockerfile.final_base

_base_image := _base.image if is_string(_base.image)

_base_image := "scratch" if {
	not is_string(_base.image)
	_base.scratch == true
}

_base_image := "" if {
	not is_string(_base.image)
	not _base.scratch == true
}

_parsed := data.lib.image.parse(_base_image)

_repository := lower(_parsed.repository)

_tag := lower(_parsed.tag)

# `scratch`, the Docker official images and the UBI base images run as root.
_root_base if _base.scratch == true

_root_base if {
	not _base.scratch == true
	_parsed.registry == "docker.io"
	startswith(_repository, "library/")
}

_root_base if {
	not _base.scratch == true
	_parsed.registry in _redhat_registries
	regex.match(`^ubi[0-9]+(/ubi[0-9]*(-minimal|-micro|-init)?)?$`, _repository)
}

_redhat_registries := {"registry.access.redhat.com", "registry.redhat.io"}

# A base image whose tag says it runs as non-root (`nonroot`, `debug-nonroot`, `latest-nonroot`).
_nonroot_base if {
	not _base.scratch == true
	some token in regex.split("[-_.]", _tag)
	token == "nonroot"
}

# The table of base images known to run as a non-root user (see `why`): registry, repository
# pattern, and optionally a tag the image must have, a repository or a tag it must not have.
_nonroot_base if {
	not _base.scratch == true
	some entry in _rootless_images
	_parsed.registry in entry.registries
	regex.match(entry.repository, _repository)
	_tag_required(entry)
	not _matches(entry, "except_repository", _repository)
	not _matches(entry, "except_tag", _tag)
}

_tag_required(entry) if not entry.tag

_tag_required(entry) if regex.match(entry.tag, _tag)

_matches(entry, field, value) if regex.match(entry[field], value)

_rootless_images := [
	# uid 101
	{"registries": {"docker.io"}, "repository": `^nginxinc/nginx-unprivileged$`},
	# uid 1001
	{"registries": {"docker.io"}, "repository": `^bitnami/`, "except_repository": `^bitnami/minideb$`},
	# uid 65532; wolfi-base and the -dev variants may run as root
	{"registries": {"cgr.dev"}, "repository": `^chainguard/`, "except_repository": `^chainguard/wolfi-base$`, "except_tag": `(^|-)dev$`},
	# uid 1001 (185 for openjdk)
	{"registries": _redhat_registries, "repository": `^ubi[0-9]+/(nodejs|python|php|ruby|perl|go-toolset|dotnet|openjdk)(-|$)`},
	# uid 1000
	{"registries": {"quay.io"}, "repository": `^keycloak/keycloak$`},
	# uid 1654 (app)
	{"registries": {"mcr.microsoft.com"}, "repository": `^dotnet/`, "tag": `chiseled`},
]
