# METADATA
# title: Privilege elevation tooling in the image
# custom:
#   id: DF008
#   name: privilege-elevation-tooling
#   severity: error
#   requirements: [EXI-ARCH-18]
#   alpha: [EX32]
#   input:
#     family: dockerfile
#   title_fr: Outil d'élévation de privilèges dans l'image
#   message:
#     en: Final stage `{stage}` adds privilege elevation through `{tool}`
#     fr: L'étape finale `{stage}` introduit une élévation de privilèges via `{tool}`
#   why:
#     en: >-
#       EXI-ARCH-18 (alpha EX32) requires images that need no privilege elevation and do not
#       modify themselves at start-up. `sudo`, `su-exec` and `gosu` exist to switch users,
#       typically from root at start-up, and a setuid binary lets any user gain its owner's
#       rights; the platform's restricted policy forbids both. The rule looks at the final image
#       (the final stage and the stages it derives from through `FROM <stage>`): any command,
#       install, download or copy that names `sudo`, `su-exec` or `gosu` (removals excepted),
#       including heredoc bodies and `CMD`/`ENTRYPOINT`, and any `chmod` that sets the setuid
#       bit (`u+s`, `+s`, `a+s`, `4755`).
#     fr: >-
#       L'exigence EXI-ARCH-18 (alpha EX32) impose des images qui ne requièrent aucune élévation
#       de privilèges et ne se modifient pas au démarrage. `sudo`, `su-exec` et `gosu` servent à
#       changer d'utilisateur, le plus souvent depuis root au démarrage, et un binaire setuid
#       permet à tout utilisateur d'obtenir les droits de son propriétaire ; la politique
#       restreinte de la plateforme interdit l'un comme l'autre. La règle examine l'image finale
#       (l'étape finale et les étapes dont elle dérive par `FROM <étape>`) : toute commande,
#       installation, téléchargement ou copie qui nomme `sudo`, `su-exec` ou `gosu` (hors
#       désinstallation), y compris dans les heredocs et dans `CMD`/`ENTRYPOINT`, et tout `chmod`
#       qui positionne le bit setuid (`u+s`, `+s`, `a+s`, `4755`).
#   remediation:
#     en: Remove `sudo`/`gosu`/`su-exec` and setuid bits, set the runtime user with `USER 1001`, and prepare files at build time with the permissions that user needs.
#     fr: Retirez `sudo`/`gosu`/`su-exec` et les bits setuid, fixez l'utilisateur d'exécution avec `USER 1001`, et préparez les fichiers dès la construction avec les droits dont cet utilisateur a besoin.
package rules.dockerfile.DF008

_final_label := data.lib.dockerfile.stage_label(data.lib.dockerfile.final_stage)

# A command names sudo, su-exec or gosu (install, call, download...).
deny contains f if {
	some i in _chain
	some j, inst in _stage(i).instructions
	inst.keyword in {"RUN", "CMD", "ENTRYPOINT"}
	some seg in _segments(inst)
	lseg := lower(seg)
	not regex.match(_removal_re, lseg)
	some token in _tokens(lseg)
	tool := _tool(token)
	f := {"path": ["stages", i, "instructions", j], "params": {"stage": _final_label, "tool": tool}}
}

# A COPY or ADD brings one of them in (`COPY --from=tianon/gosu /gosu /usr/local/bin/`).
deny contains f if {
	some i in _chain
	some j, inst in _stage(i).instructions
	inst.keyword in {"COPY", "ADD"}
	some arg in inst.expanded
	tool := _tool(lower(arg))
	f := {"path": ["stages", i, "instructions", j], "params": {"stage": _final_label, "tool": tool}}
}

# A chmod sets the setuid bit.
deny contains f if {
	some i in _chain
	some j, inst in _stage(i).instructions
	inst.keyword == "RUN"
	some seg in _segments(inst)
	regex.match(concat("", [_prefix, `([^ \t]*/)?chmod[ \t]`]), lower(seg))
	some mode in _tokens(seg)
	_setuid(mode)
	f := {"path": ["stages", i, "instructions", j], "params": {"stage": _final_label, "tool": concat(" ", ["chmod", mode])}}
}

# `sudo`, `/usr/local/bin/gosu`, `gosu=1.14-1`, `sudo-1.9.5`: the tool's name.
_tool(token) := name if {
	some name in ["sudo", "su-exec", "gosu"]
	regex.match(concat("", [`^([^ \t]*/)?`, name, `(([=<>~]|-[0-9])[^ \t]*)?$`]), token)
}

_removal_re := concat("", [
	_prefix,
	`([^ \t]*/)?((apt-get|apt|aptitude|yum|dnf|microdnf|tdnf|zypper)[ \t]([^ \t]+[ \t]+)*(remove|purge|erase|autoremove|rm)`,
	`|apk[ \t]([^ \t]+[ \t]+)*del|pacman[ \t]([^ \t]+[ \t]+)*-r[a-z]*|rm|deluser|userdel)([ \t]|$)`,
])

# Symbolic modes whose clause sets `s` for the owner (`u+s`, `+s`, `a+s`, `ug=rwxs`).
_setuid(mode) if {
	some clause in split(mode, ",")
	regex.match(`^[ugoa]*[+=][rwxXst]*s[rwxXst]*$`, clause)
	who := regex.split(`[+=]`, clause)[0]
	_owner_clause(who)
}

# Numeric modes with the 4000 bit (`4755`, `6755`, `04755`).
_setuid(mode) if regex.match(`^0?[4-7][0-7][0-7][0-7]$`, mode)

_owner_clause(who) if who == ""

_owner_clause(who) if contains(who, "u")

_owner_clause(who) if contains(who, "a")


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
