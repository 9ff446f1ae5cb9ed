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

# A package manager installs an SSH server.
deny contains f if {
	some i in _chain
	some j, inst in _stage(i).instructions
	inst.keyword == "RUN"
	some seg in _segments(inst)
	lseg := lower(seg)
	regex.match(_install_re, lseg)
	some pkg in _tokens(lseg)
	_ssh_package(lseg, pkg)
	f := {"path": ["stages", i, "instructions", j], "params": {"stage": _final_label, "item": pkg}}
}

# A command starts or enables an SSH daemon.
deny contains f if {
	some i in _chain
	some j, inst in _stage(i).instructions
	inst.keyword in {"RUN", "CMD", "ENTRYPOINT"}
	some seg in _segments(inst)
	regex.match(_sshd_re, lower(seg))
	f := {"path": ["stages", i, "instructions", j], "params": {"stage": _final_label, "item": _short(seg)}}
}

# Port 22 is exposed (alone or inside a range).
deny contains f if {
	some i in _chain
	some j, inst in _stage(i).instructions
	inst.keyword == "EXPOSE"
	some spec in inst.expanded
	port := split(spec, "/")[0]
	regex.match(`^[0-9]+(-[0-9]+)?$`, port)
	bounds := split(port, "-")
	_number(bounds[0]) <= 22
	_number(bounds[count(bounds) - 1]) >= 22
	f := {"path": ["stages", i, "instructions", j], "params": {"stage": _final_label, "item": concat(" ", ["EXPOSE", spec])}}
}

_install_re := concat("", [
	_prefix,
	`([^ \t]*/)?((apt-get|apt|aptitude|yum|dnf|microdnf|tdnf|zypper)[ \t]([^ \t]+[ \t]+)*(install|in|reinstall)`,
	`|apk[ \t]([^ \t]+[ \t]+)*add|pacman[ \t]([^ \t]+[ \t]+)*-s[a-z]*)([ \t]|$)`,
])

_sshd_re := concat("", [
	_prefix,
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
	regex.match(concat("", [_prefix, `([^ \t]*/)?(apk|pacman)[ \t]`]), seg)
	regex.match(`^openssh(([=<>~@]|-[0-9])[^ \t]*)?$`, pkg)
}

_number(digits) := to_number(t) if {
	t := trim_left(digits, "0")
	t != ""
}

_number(digits) := 0 if trim_left(digits, "0") == ""

_short(s) := s if count(s) <= 60

_short(s) := concat("", [substring(s, 0, 57), "..."]) if count(s) > 60

# ---- private shell-text helpers (kept here rather than in rules/lib) ----

# Text of an instruction: its arguments after ARG/ENV substitution, then the
# bodies of its heredocs, with backslash-newline continuations joined.
_text(inst) := regex.replace(concat("\n", array.concat(
	[concat(" ", inst.expanded)],
	[h.content | some h in object.get(inst, "heredocs", [])],
)), "\\\\\r?\n", " ")

# Simple commands of an instruction: its text cut at `&&`, `||`, `;`, `|`, newlines, brackets
# and backquotes; comment lines are dropped. Rules match `lower(seg)`.
_segments(inst) := {seg |
	some piece in regex.split("&&|\\|\\||[;|\n(){}`]", _text(inst))
	seg := trim_space(piece)
	seg != ""
	not startswith(seg, "#")
}

# Words of a simple command, without surrounding quotes.
_tokens(seg) := [w |
	some t in regex.split("[ \t]+", seg)
	w := trim(t, "\"'")
	w != ""
]

# What may precede the command word: variable assignments, shell keywords, `sh -c "`.
_prefix := concat("", [
	`^(([a-z_][a-z0-9_]*=[^ \t]*|then|do|else|exec|time|nohup|command|env|sudo|!`,
	`|([^ \t]*/)?(ba|da|z|a)?sh[ \t]+(-[a-z]+[ \t]+)*-[a-z]*c)[ \t]+["']?)*`,
])

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
