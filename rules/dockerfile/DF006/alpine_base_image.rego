# METADATA
# title: Alpine base image
# custom:
#   id: DF006
#   name: alpine-base-image
#   severity: warning
#   requirements: [EXI-ARCH-6]
#   alpha: [EX29]
#   input:
#     family: dockerfile
#   title_fr: Image de base Alpine
#   message:
#     en: Final stage `{stage}` is based on Alpine image `{image}`
#     fr: L'étape finale `{stage}` repose sur l'image Alpine `{image}`
#   why:
#     en: >-
#       Alpha EX29 asks for OS sources with long-term support and names Alpine as the example
#       to avoid; EXI-ARCH-6 prefers distroless or minimal images of LTS distributions. Alpine
#       releases are supported for about two years and its musl libc differs from the glibc the
#       ministry's hardened images and scanners expect. The base is that of the final image,
#       following `FROM <stage>` to the stage that names an image: the `alpine` image from any
#       registry, the `alpine/*` images of Docker Hub, or any image whose tag contains `alpine`
#       (`python:3.12-alpine3.20`). Builder stages on Alpine are not reported.
#     fr: >-
#       L'exigence alpha EX29 demande des sources d'OS à support long terme et cite Alpine comme
#       exemple à éviter ; l'exigence EXI-ARCH-6 privilégie les images distroless ou minimales de
#       distributions LTS. Les versions d'Alpine sont maintenues environ deux ans et sa libc musl
#       diffère de la glibc attendue par les images durcies et les scanners du ministère. La base
#       est celle de l'image finale, en suivant `FROM <étape>` jusqu'à l'étape qui nomme une
#       image : l'image `alpine` de tout registre, les images `alpine/*` de Docker Hub, ou toute
#       image dont le tag contient `alpine` (`python:3.12-alpine3.20`). Les étapes de
#       construction sur Alpine ne sont pas signalées.
#   remediation:
#     en: Base the final stage on a distroless or slim LTS image instead, e.g. `gcr.io/distroless/python3-debian12` or `python:3.12-slim-bookworm`.
#     fr: Faites plutôt reposer l'étape finale sur une image distroless ou slim d'une distribution LTS, par exemple `gcr.io/distroless/python3-debian12` ou `python:3.12-slim-bookworm`.
package rules.dockerfile.DF006

deny contains f if {
	image := _base_image
	_alpine(data.lib.image.parse(image))
	f := {
		"path": ["stages", _final, "instructions", 0],
		"params": {"stage": data.lib.dockerfile.stage_label(data.lib.dockerfile.final_stage), "image": image},
	}
}

_base := _stage(min(_chain)).from

_base_image := _base.image if {
	not _base.scratch == true
	is_string(_base.image)
}

_alpine(p) if {
	parts := split(lower(p.repository), "/")
	parts[count(parts) - 1] == "alpine"
}

_alpine(p) if {
	p.registry == "docker.io"
	startswith(lower(p.repository), "alpine/")
}

_alpine(p) if contains(lower(p.tag), "alpine")

# ---- private stage-chain helpers (kept here rather than in rules/lib) ----

_stage(i) := s if {
	some s in input.stages
	s.index == i
}

# Index of the earlier stage that stage `s` derives from (`FROM <stage>`), if any.
_parent(s) := s.from.stage if is_number(s.from.stage)

_parent(s) := max(c) if {
	not is_number(s.from.stage)
	is_string(s.from.image)
	c := {t.index |
		some t in input.stages
		t.index < s.index
		is_string(t.name)
		lower(t.name) == lower(s.from.image)
	}
	count(c) > 0
}

_final := data.lib.dockerfile.final_stage_index

_up1 := _parent(_stage(_final))

_up2 := _parent(_stage(_up1))

_up3 := _parent(_stage(_up2))

_up4 := _parent(_stage(_up3))

_up5 := _parent(_stage(_up4))

_up6 := _parent(_stage(_up5))

_up7 := _parent(_stage(_up6))

_up8 := _parent(_stage(_up7))

# Indices of the final stage and of the stages it derives from (up to 8 levels).
_chain contains _final if true

_chain contains _up1 if true

_chain contains _up2 if true

_chain contains _up3 if true

_chain contains _up4 if true

_chain contains _up5 if true

_chain contains _up6 if true

_chain contains _up7 if true

_chain contains _up8 if true
