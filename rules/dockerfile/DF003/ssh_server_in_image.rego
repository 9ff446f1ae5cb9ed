# METADATA
# title: SSH server in the image
# custom:
#   id: DF003
#   name: ssh-server-in-image
#   severity: error
#   requirements: [EXI-ARCH-18]
#   alpha: []
#   input:
#     family: dockerfile
#   title_fr: Serveur SSH dans l'image
#   message:
#     en: Final stage `{stage}` adds an SSH server through `{item}`
#     fr: L'étape finale `{stage}` ajoute un serveur SSH via `{item}`
#   why:
#     en: >-
#       EXI-ARCH-18 forbids images that embed network services not essential to their function,
#       naming SSHD: an SSH daemon is an administration back door that bypasses the platform's
#       audited access (no exec, GitOps only). The rule looks at the final image (the final
#       stage and the stages it derives from through `FROM <stage>`): a package install of
#       `openssh-server`, `dropbear` or Alpine/Arch `openssh`, a command that starts or enables
#       `sshd`/`dropbear`, or an `EXPOSE` of port 22.
#     fr: >-
#       L'exigence EXI-ARCH-18 interdit les images qui embarquent des services réseau non
#       essentiels à leur fonctionnement, et cite SSHD : un démon SSH est une porte
#       d'administration qui contourne les accès audités de la plateforme (pas d'exec, GitOps
#       seulement). La règle examine l'image finale (l'étape finale et les étapes dont elle dérive
#       par `FROM <étape>`) : installation des paquets `openssh-server`, `dropbear` ou `openssh`
#       (Alpine, Arch), commande qui démarre ou active `sshd`/`dropbear`, ou `EXPOSE` du port 22.
#   remediation:
#     en: Remove the SSH server and port 22 from the image, and debug through the platform's logs or a `-debug` image variant instead.
#     fr: Retirez le serveur SSH et le port 22 de l'image, et passez par les journaux de la plateforme ou une variante d'image `-debug` pour le diagnostic.
package rules.dockerfile.DF003

_final_label := data.lib.dockerfile.stage_label(data.lib.dockerfile.final_stage)

# One finding per instruction, naming everything it brings in.
deny contains f if {
	some h in _hits
	items := sort({x.item | some x in _hits; x.i == h.i; x.j == h.j})
	f := {"path": ["stages", h.i, "instructions", h.j], "params": {"stage": _final_label, "item": concat(", ", items)}}
}

# A package manager installs an SSH server.
_hits contains f if {
	some i in data.lib.dockerfile.final_chain
	some j, inst in data.lib.dockerfile.stage(i).instructions
	inst.keyword == "RUN"
	some seg in data.lib.dockerfile.shell_segments(inst)
	lseg := lower(seg)
	regex.match(data.lib.dockerfile.package_install, lseg)
	some pkg in data.lib.dockerfile.shell_tokens(lseg)
	_ssh_package(lseg, pkg)
	f := {"i": i, "j": j, "item": pkg}
}

# A command starts or enables an SSH daemon.
_hits contains f if {
	some i in data.lib.dockerfile.final_chain
	some j, inst in data.lib.dockerfile.stage(i).instructions
	inst.keyword in {"RUN", "CMD", "ENTRYPOINT"}
	some seg in data.lib.dockerfile.shell_segments(inst)
	regex.match(_sshd_re, lower(seg))
	f := {"i": i, "j": j, "item": _short(seg)}
}

# Port 22 is exposed (alone or inside a range).
_hits contains f if {
	some i in data.lib.dockerfile.final_chain
	some j, inst in data.lib.dockerfile.stage(i).instructions
	inst.keyword == "EXPOSE"
	some spec in inst.expanded
	port := split(spec, "/")[0]
	regex.match(`^[0-9]+(-[0-9]+)?$`, port)
	bounds := split(port, "-")
	_number(bounds[0]) <= 22
	_number(bounds[count(bounds) - 1]) >= 22
	f := {"i": i, "j": j, "item": concat(" ", ["EXPOSE", spec])}
}

_sshd_re := concat("", [
	data.lib.dockerfile.command_prefix,
	`(([^ \t]*/)?(sshd|dropbear)([ \t]|$)`,
	`|(service|rc-service)[ \t]+(ssh|sshd|dropbear)[ \t]+(re)?start`,
	`|([^ \t]*/)?init\.d/(ssh|sshd|dropbear)[ \t]+(re)?start`,
	`|systemctl[ \t]+(enable|start)[ \t]+(--now[ \t]+)?(ssh|sshd|dropbear)(\.service)?([ \t]|$)`,
	`|rc-update[ \t]+add[ \t]+(sshd|dropbear))`,
])

_ssh_package(_, pkg) if regex.match(`^openssh-server([-=:<>~@][^ \t]*)?$`, pkg)

_ssh_package(_, pkg) if regex.match(`^dropbear(([=<>~@]|-[0-9])[^ \t]*)?$`, pkg)

# On Alpine and Arch, the `openssh` package includes the server.
_ssh_package(seg, pkg) if {
	regex.match(concat("", [data.lib.dockerfile.command_prefix, `([^ \t]*/)?(apk|pacman)[ \t]`]), seg)
	regex.match(`^openssh(([=<>~@]|-[0-9])[^ \t]*)?$`, pkg)
}

_number(digits) := to_number(t) if {
	t := trim_left(digits, "0")
	t != ""
}

_number(digits) := 0 if trim_left(digits, "0") == ""

_short(s) := s if count(s) <= 60

_short(s) := concat("", [substring(s, 0, 57), "..."]) if count(s) > 60

# Text of an instruction: its arguments after ARG/ENV substitution, then the
# bodies of its heredocs, with backslash-newline continuations joined.
