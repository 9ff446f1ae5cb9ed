# METADATA
# title: Non-LTS base image
# custom:
#   id: DF005
#   name: non-lts-base-image
#   severity: error
#   requirements: [EXI-ARCH-6]
#   alpha: [EX29]
#   input:
#     family: dockerfile
#   title_fr: Image de base non LTS
#   message:
#     en: Final stage `{stage}` is based on `{image}`, a rolling or non-LTS release
#     fr: L'étape finale `{stage}` repose sur `{image}`, une version glissante ou non LTS
#   why:
#     en: >-
#       EXI-ARCH-6 and alpha EX29 require the OS of the image to come from a long-term-support
#       release maintained by an active community. Rolling and short-lived releases change or
#       lose their security updates within months: `alpine:edge` (and its dated snapshots),
#       Debian `sid`, `testing`, `unstable`, `experimental`, `rc-buggy` and the current testing
#       code name, Ubuntu interim releases (odd years or `.10`, e.g. 23.10, 24.10, 25.04, and
#       their code names) and `devel`/`rolling`, `fedora:rawhide`, Arch Linux and openSUSE
#       Tumbleweed. The base is that of the final image, following `FROM <stage>` to the stage
#       that names an image; `-slim` and other suffixed variants count, as do `sid`, Ubuntu
#       interim code names and `ubuntuYY.MM` inside another image's tag. The lists are
#       parameters to keep up to date with distribution releases.
#     fr: >-
#       L'exigence EXI-ARCH-6 et l'exigence alpha EX29 imposent un OS d'image issu d'une version
#       à support long terme maintenue par une communauté active. Les versions glissantes ou à
#       durée de vie courte changent ou perdent leurs correctifs de sécurité en quelques mois :
#       `alpine:edge` (et ses instantanés datés), Debian `sid`, `testing`, `unstable`,
#       `experimental`, `rc-buggy` et le nom de code de la testing en cours, les versions
#       intermédiaires d'Ubuntu (années impaires ou `.10`, par exemple 23.10, 24.10, 25.04, et
#       leurs noms de code) ainsi que `devel`/`rolling`, `fedora:rawhide`, Arch Linux et openSUSE
#       Tumbleweed. La base est celle de l'image finale, en suivant `FROM <étape>` jusqu'à l'étape
#       qui nomme une image ; les variantes `-slim` et autres suffixes comptent, de même que
#       `sid`, les noms de code intermédiaires d'Ubuntu et `ubuntuAA.MM` dans le tag d'une autre
#       image. Les listes sont des paramètres à tenir à jour au fil des versions des
#       distributions.
#   remediation:
#     en: Base the final stage on an LTS or stable release, e.g. `debian:bookworm-slim`, `ubuntu:24.04`, a distroless or UBI image.
#     fr: Faites reposer l'étape finale sur une version LTS ou stable, par exemple `debian:bookworm-slim`, `ubuntu:24.04`, une image distroless ou UBI.
#   params:
#     debian_rolling_tags: [sid, testing, unstable, experimental, rc-buggy, forky]
#     ubuntu_non_lts_codenames: [quantal, raring, saucy, utopic, vivid, wily, yakkety, zesty, artful, cosmic, disco, eoan, groovy, hirsute, impish, kinetic, lunar, mantic, oracular, plucky, questing]
package rules.dockerfile.DF005

deny contains f if {
	image := data.lib.dockerfile.final_base_image
	p := data.lib.image.parse(image)
	_non_lts(p)
	f := {
		"path": ["stages", data.lib.dockerfile.final_stage_index, "instructions", 0],
		"params": {"stage": data.lib.dockerfile.stage_label(data.lib.dockerfile.final_stage), "image": image},
	}
}

_name(p) := parts[count(parts) - 1] if parts := split(lower(p.repository), "/")

_non_lts(p) if {
	_name(p) == "alpine"
	regex.match(`^(edge([-_.].*)?|[0-9]{8})$`, lower(p.tag))
}

_non_lts(p) if {
	_name(p) == "debian"
	some t in data.params.DF005.debian_rolling_tags
	startswith(lower(p.tag), t)
	regex.match(`^(-.*)?$`, substring(lower(p.tag), count(t), -1))
}

_non_lts(p) if {
	_name(p) == "ubuntu"
	first := split(lower(p.tag), "-")[0]
	first in {"devel", "rolling"}
}

_non_lts(p) if {
	_name(p) == "ubuntu"
	_interim_version(lower(p.tag))
}

# `sid`, an Ubuntu interim code name or `ubuntuYY.MM` among the `-` parts of any image's tag.
_non_lts(p) if {
	some token in split(lower(p.tag), "-")
	token == "sid"
}

_non_lts(p) if {
	some token in split(lower(p.tag), "-")
	token in {c | some c in data.params.DF005.ubuntu_non_lts_codenames}
}

_non_lts(p) if {
	some token in split(lower(p.tag), "-")
	startswith(token, "ubuntu")
	_interim_version(substring(token, 6, -1))
}

_non_lts(p) if {
	_name(p) == "fedora"
	startswith(lower(p.tag), "rawhide")
}

_non_lts(p) if _name(p) in {"archlinux", "tumbleweed"}

_non_lts(p) if startswith(lower(p.repository), "archlinux/")

# `YY.MM` where YY is odd or MM is not 04 (LTS releases are even-year .04).
_interim_version(v) if {
	regex.match(`^[0-9][0-9]\.[0-9][0-9]([^0-9].*)?$`, v)
	year := to_number(trim_left(substring(v, 0, 2), "0"))
	year % 2 == 1
}

_interim_version(v) if {
	regex.match(`^[0-9][0-9]\.[0-9][0-9]([^0-9].*)?$`, v)
	substring(v, 3, 2) != "04"
}
