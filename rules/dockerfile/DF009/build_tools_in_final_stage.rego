# METADATA
# title: Build tools in the final stage
# custom:
#   id: DF009
#   name: build-tools-in-final-stage
#   severity: note
#   requirements: [EXI-ARCH-6]
#   alpha: []
#   input:
#     family: dockerfile
#   title_fr: Outils de construction dans l'étape finale
#   message:
#     en: Single-stage image `{stage}` compiles with `{command}` and ships its build tools
#     fr: L'image à étape unique `{stage}` compile avec `{command}` et embarque ses outils de construction
#   why:
#     en: >-
#       EXI-ARCH-6 asks for the thinnest possible image and recommends a two-stage build that
#       copies only the useful files into the runtime image. A single-stage Dockerfile that
#       compiles (`go build`, `mvn package`, `gradle build`, `npm/yarn/pnpm run build`,
#       `cargo build`, `make`, `cmake --build`, `pip wheel`, `dotnet publish`) ships the
#       compiler, the sources and the build dependencies to production, which adds attack
#       surface and vulnerability noise. A `RUN` that installs packages before compiling and
#       uninstalls them after, in the same `RUN` (`apk add --virtual .build-deps ... && make &&
#       apk del .build-deps`, `apt-get purge`/`remove` of what it installed, or Debian's
#       `apt-mark auto` + `apt-get purge --auto-remove`, `dnf remove`), leaves no build tool in
#       the image and is not reported. The finding lands on each other `RUN` that compiles; a
#       multi-stage build is not reported (whether its final stage copies only artefacts is a
#       matter for review).
#     fr: >-
#       L'exigence EXI-ARCH-6 demande l'image la plus fine possible et recommande une
#       construction en deux étapes qui ne recopie que les fichiers utiles dans l'image
#       d'exécution. Un Dockerfile à étape unique qui compile (`go build`, `mvn package`,
#       `gradle build`, `npm/yarn/pnpm run build`, `cargo build`, `make`, `cmake --build`,
#       `pip wheel`, `dotnet publish`) livre en production le compilateur, les sources et les
#       dépendances de construction, ce qui accroît la surface d'attaque et le bruit des scans de
#       vulnérabilités. Un `RUN` qui installe des paquets avant de compiler et les désinstalle
#       après, dans le même `RUN` (`apk add --virtual .build-deps ... && make && apk del
#       .build-deps`, `apt-get purge`/`remove` de ce qu'il a installé, ou l'idiome Debian
#       `apt-mark auto` + `apt-get purge --auto-remove`, `dnf remove`), ne laisse aucun outil de
#       construction dans l'image et n'est pas signalé. Le constat porte sur chaque autre `RUN`
#       qui compile ; une construction
#       multi-étapes n'est pas signalée (vérifier que son étape finale ne copie que des artefacts
#       relève de la revue).
#   remediation:
#     en: Split the Dockerfile into a build stage that compiles and a final stage on a minimal runtime image that only copies the artefacts, e.g. `COPY --from=build /app/bin /app/bin`.
#     fr: Séparez le Dockerfile en une étape de construction qui compile et une étape finale, sur une image d'exécution minimale, qui ne fait que copier les artefacts, par exemple `COPY --from=build /app/bin /app/bin`.
package rules.dockerfile.DF009

deny contains f if {
	count(input.stages) == 1
	stage := input.stages[0]
	some j, inst in stage.instructions
	inst.keyword == "RUN"
	segs := [lower(seg) | some seg in data.lib.dockerfile.shell_segment_list(inst)]
	some k, seg in segs
	some c in _compilers
	regex.match(concat("", [data.lib.dockerfile.command_prefix, c.re]), seg)
	not _purged_around(segs, k)
	f := {
		"path": ["stages", stage.index, "instructions", j],
		"params": {"stage": data.lib.dockerfile.stage_label(stage), "command": c.label},
	}
}

# Commands that compile, as they start a simple command (after `data.lib.dockerfile.command_prefix`).
_compilers := [
	{"label": "go build", "re": `([^ \t]*/)?go[ \t]+build([ \t]|$)`},
	{"label": "mvn package", "re": `([^ \t]*/)?mvnw?(\.cmd)?[ \t]([^ \t]+[ \t]+)*(package|install|verify|compile|deploy)([ \t]|$)`},
	{"label": "gradle build", "re": `([^ \t]*/)?gradlew?[ \t]([^ \t]+[ \t]+)*(build|assemble|bootjar|jar|shadowjar|installdist|compilejava)([ \t]|$)`},
	{"label": "npm run build", "re": `npm[ \t]+(run|run-script)[ \t]+([^ \t]+[ \t]+)*build[^ \t]*([ \t]|$)`},
	{"label": "yarn build", "re": `yarn[ \t]+(run[ \t]+)?build[^ \t]*([ \t]|$)`},
	{"label": "pnpm build", "re": `pnpm[ \t]+(run[ \t]+)?build[^ \t]*([ \t]|$)`},
	{"label": "cargo build", "re": `cargo[ \t]+(\+[^ \t]+[ \t]+)?build([ \t]|$)`},
	{"label": "make", "re": `([^ \t]*/)?g?make([ \t]|$)`},
	{"label": "cmake --build", "re": `([^ \t]*/)?cmake[ \t]+--build([ \t]|$)`},
	{"label": "pip wheel", "re": `(([^ \t]*/)?pip[0-9.]*|python[0-9.]*[ \t]+-m[ \t]+pip)[ \t]+wheel([ \t]|$)`},
	{"label": "dotnet publish", "re": `dotnet[ \t]+(publish|build)([ \t]|$)`},
]


# The install-build-purge idiom: the same RUN installs packages before the command that
# compiles and removes them after it (`apk add --virtual .build-deps gcc && make && apk del
# .build-deps`, `apt-get purge`, `dnf remove`), so the build tools never reach a layer.
_purged_around(segs, k) if {
	some a, install in segs
	a < k
	regex.match(data.lib.dockerfile.package_install, install)
	some b, removal in segs
	b > k
	regex.match(_package_purge, removal)
	count(_names(install) & _names(removal)) > 0
}

# Debian's idiom: `apt-mark auto '.*'` then `apt-get purge --auto-remove` removes every package
# not marked manual since, i.e. what this RUN installed.
_purged_around(segs, k) if {
	some a, install in segs
	a < k
	regex.match(data.lib.dockerfile.package_install, install)
	some mark in segs
	regex.match(`^apt-mark[ \t]+auto([ \t]|$)`, mark)
	some b, removal in segs
	b > k
	regex.match(_package_purge, removal)
	regex.match(`[ \t](--auto-remove|autoremove)([ \t]|$)`, removal)
}

# A segment that uninstalls packages (`rm` of files does not count: it leaves the package database).
_package_purge := concat("", [
	data.lib.dockerfile.command_prefix,
	`([^ \t]*/)?((apt-get|apt|aptitude|yum|dnf|microdnf|tdnf|zypper)[ \t]([^ \t]+[ \t]+)*(remove|purge|erase|autoremove|rm)`,
	`|apk[ \t]([^ \t]+[ \t]+)*del)([ \t]|$)`,
])

# Package (or apk `--virtual` group) names of an install or removal segment: the words after the
# sub-command that are not options, without version constraints; `${X}` written as `$X`.
_names(seg) := {n |
	toks := data.lib.dockerfile.shell_tokens(seg)
	some i, verb in toks
	verb in {"install", "in", "reinstall", "add", "del", "remove", "purge", "erase", "autoremove", "rm"}
	some m, t in toks
	m > i
	n := _package_name(t)
	n != ""
}

_package_name(t) := n if {
	startswith(t, "--virtual=")
	n := substring(t, count("--virtual="), -1)
} else := "" if {
	startswith(t, "-")
} else := regex.replace(replace(replace(t, "{", ""), "}", ""), `[=<>~].*$`, "")

