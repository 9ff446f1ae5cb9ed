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

# One finding per instruction, naming everything it brings in.
deny contains f if {
	some h in _hits
	items := sort({x.item | some x in _hits; x.i == h.i; x.j == h.j})
	f := {"path": ["stages", h.i, "instructions", h.j], "params": {"stage": _final_label, "tool": concat(", ", items)}}
}

# A command names sudo, su-exec or gosu (install, call, download...).
_hits contains f if {
	some i in data.lib.dockerfile.final_chain
	some j, inst in data.lib.dockerfile.stage(i).instructions
	inst.keyword in {"RUN", "CMD", "ENTRYPOINT"}
	some seg in data.lib.dockerfile.shell_segments(inst)
	lseg := lower(seg)
	not regex.match(data.lib.dockerfile.package_removal, lseg)
	some token in data.lib.dockerfile.shell_tokens(lseg)
	some tool in _tools(token)
	f := {"i": i, "j": j, "item": tool}
}

# A COPY or ADD brings one of them in (`COPY --from=tianon/gosu /gosu /usr/local/bin/`).
_hits contains f if {
	some i in data.lib.dockerfile.final_chain
	some j, inst in data.lib.dockerfile.stage(i).instructions
	inst.keyword in {"COPY", "ADD"}
	some arg in inst.expanded
	some tool in _tools(lower(arg))
	f := {"i": i, "j": j, "item": tool}
}

# A chmod sets the setuid bit.
_hits contains f if {
	some i in data.lib.dockerfile.final_chain
	some j, inst in data.lib.dockerfile.stage(i).instructions
	inst.keyword == "RUN"
	some seg in data.lib.dockerfile.shell_segments(inst)
	regex.match(concat("", [data.lib.dockerfile.command_prefix, `([^ \t]*/)?chmod[ \t]`]), lower(seg))
	some mode in data.lib.dockerfile.shell_tokens(seg)
	_setuid(mode)
	f := {"i": i, "j": j, "item": concat(" ", ["chmod", mode])}
}

# `sudo`, `/usr/local/bin/gosu`, `gosu=1.14-1`, `sudo-1.9.5`: the tool's name. The token matches
# `^([^ \t]*/)?NAME(([=<>~]|-[0-9])[^ \t]*)?$`, written with string built-ins (three regexes
# were most of this rule's cost on a one-file check): no blank, and NAME at the start or after a
# `/`, followed by nothing, a version operator, or `-` and a digit.
# A set: `s/sudo-1/gosu` names two.
_tools(token) := {name |
	not contains(token, " ")
	not contains(token, "\t")
	some name in ["sudo", "su-exec", "gosu"]
	some k in indexof_n(token, name)
	_after_slash(token, k)
	_version_suffix(substring(token, k + count(name), -1))
}

_after_slash(_, 0) := true

_after_slash(token, k) if {
	k > 0
	substring(token, k - 1, 1) == "/"
}

_version_suffix("") := true

_version_suffix(rest) if substring(rest, 0, 1) in {"=", "<", ">", "~"}

_version_suffix(rest) if {
	substring(rest, 0, 1) == "-"
	substring(rest, 1, 1) in {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
}

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

# Text of an instruction: its arguments after ARG/ENV substitution, then the
# bodies of its heredocs, with backslash-newline continuations joined.
