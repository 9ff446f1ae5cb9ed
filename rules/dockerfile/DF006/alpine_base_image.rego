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
	image := data.lib.dockerfile.final_base_image
	_alpine(data.lib.image.parse(image))
	f := {
		"path": ["stages", data.lib.dockerfile.final_stage_index, "instructions", 0],
		"params": {"stage": data.lib.dockerfile.stage_label(data.lib.dockerfile.final_stage), "image": image},
	}
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
