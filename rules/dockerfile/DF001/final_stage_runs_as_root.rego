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
#   why:
#     en: >-
#       EXI-ARCH-18 (alpha EX32) requires rootless images, and production refuses containers that
#       need root. The user of the final image is the last `USER` of the final stage or of the
#       stages it derives from through `FROM <stage>`; without any, the base image's default
#       applies, which is root for `scratch` and for almost every base image. Only a base whose
#       tag says `nonroot` (e.g. `gcr.io/distroless/static:nonroot`, `:debug-nonroot`) is
#       trusted without a `USER`; `root`, `0`, `root:*` and `0:*` are root, and a `USER ${VAR}`
#       is judged on its resolved value (a variable with no known value is not judged).
#     fr: >-
#       L'exigence EXI-ARCH-18 (alpha EX32) impose des images rootless, et la production refuse
#       les conteneurs qui requièrent root. L'utilisateur de l'image finale est le dernier `USER`
#       de l'étape finale ou des étapes dont elle dérive par `FROM <étape>` ; à défaut,
#       l'utilisateur par défaut de l'image de base s'applique, c'est-à-dire root pour `scratch`
#       et pour presque toutes les images de base. Seule une base dont le tag indique `nonroot`
#       (par exemple `gcr.io/distroless/static:nonroot`, `:debug-nonroot`) est admise sans
#       `USER` ; `root`, `0`, `root:*` et `0:*` désignent root, et un `USER ${VAR}` est jugé sur
#       sa valeur résolue (une variable sans valeur connue n'est pas jugée).
#   remediation:
#     en: Add `USER 1001` (a numeric non-root uid, optionally `1001:0`) as the last `USER` of the final stage, after the steps that need root.
#     fr: Ajoutez `USER 1001` (un uid numérique non root, éventuellement `1001:0`) comme dernier `USER` de l'étape finale, après les étapes qui requièrent root.
package rules.dockerfile.DF001

import data.lib.dockerfile

deny contains f if {
	last := _last_user
	inst := dockerfile.stage(last.stage).instructions[last.instruction]
	user := _user_value(inst)
	_is_root(user)
	f := {
		"path": ["stages", last.stage, "instructions", last.instruction],
		"params": {"stage": _final_label, "user": user, "image": _base_image},
	}
}

deny contains f if {
	count(_user_keys) == 0
	not _nonroot_base
	f := {
		"path": ["stages", dockerfile.final_stage_index],
		"params": {"stage": _final_label, "user": "root", "image": _base_image},
	}
}

_final_label := dockerfile.stage_label(dockerfile.final_stage)

# Every USER of the final image as [stage index, instruction index]: the last one sorts highest.
_user_keys contains [i, j] if {
	some i in dockerfile.final_chain
	some j, inst in dockerfile.stage(i).instructions
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

_base := dockerfile.final_base

_base_image := _base.image if is_string(_base.image)

_base_image := "scratch" if {
	not is_string(_base.image)
	_base.scratch == true
}

_base_image := "" if {
	not is_string(_base.image)
	not _base.scratch == true
}

# A base image whose tag says it runs as non-root (`nonroot`, `debug-nonroot`, `latest-nonroot`).
_nonroot_base if {
	not _base.scratch == true
	tag := lower(data.lib.image.parse(_base_image).tag)
	some token in regex.split("[-_.]", tag)
	token == "nonroot"
}
