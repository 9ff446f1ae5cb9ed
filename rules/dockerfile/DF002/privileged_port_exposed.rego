# METADATA
# title: Privileged port exposed
# custom:
#   id: DF002
#   name: privileged-port-exposed
#   severity: error
#   requirements: [EXI-ARCH-18]
#   alpha: [EX32]
#   input:
#     family: dockerfile
#   title_fr: Port privilégié exposé
#   message:
#     en: Final stage `{stage}` exposes privileged port `{port}`
#     fr: L'étape finale `{stage}` expose le port privilégié `{port}`
#   why:
#     en: >-
#       EXI-ARCH-18 (alpha EX32) requires images that listen on internal ports above 1024: the
#       platform runs containers with a random non-root UID, which cannot bind a port of 1024 or
#       below. Every `EXPOSE` of the final image counts (the final stage and the stages it
#       derives from through `FROM <stage>`), with `/tcp` and `/udp` suffixes ignored, a range
#       judged on its low end, and `$PORT` judged on its ARG or ENV default (a variable with no
#       known value is not judged).
#     fr: >-
#       L'exigence EXI-ARCH-18 (alpha EX32) impose des images qui écoutent sur des ports internes
#       supérieurs à 1024 : la plateforme exécute les conteneurs avec un UID aléatoire non root,
#       qui ne peut pas ouvrir un port inférieur ou égal à 1024. Chaque `EXPOSE` de l'image finale
#       compte (l'étape finale et les étapes dont elle dérive par `FROM <étape>`) ; les suffixes
#       `/tcp` et `/udp` sont ignorés, une plage est jugée sur sa borne basse et `$PORT` sur la
#       valeur par défaut de son ARG ou ENV (une variable sans valeur connue n'est pas jugée).
#   remediation:
#     en: Make the application listen on a port above 1024 (e.g. `8080` instead of `80`, `8443` instead of `443`) and expose that port.
#     fr: Faites écouter l'application sur un port supérieur à 1024 (par exemple `8080` au lieu de `80`, `8443` au lieu de `443`) et exposez ce port.
#   params:
#     max_privileged_port: 1024
package rules.dockerfile.DF002

# One finding per EXPOSE instruction, listing its privileged ports.
deny contains f if {
	some i in data.lib.dockerfile.final_chain
	stage := data.lib.dockerfile.stage(i)
	some j, inst in stage.instructions
	inst.keyword == "EXPOSE"
	ports := [spec | some spec in inst.expanded; _privileged(spec)]
	count(ports) > 0
	f := {
		"path": ["stages", i, "instructions", j],
		"params": {"stage": data.lib.dockerfile.stage_label(data.lib.dockerfile.final_stage), "port": concat(", ", ports)},
	}
}

_privileged(spec) if {
	low := _low_port(spec)
	low >= 1
	low <= _max_port
}

_max_port := data.params.DF002.max_privileged_port

# Low end of `80`, `80/tcp`, `8000-8080/udp`; undefined for anything else (`$PORT` unresolved).
_low_port(spec) := _number(lo) if {
	port := split(spec, "/")[0]
	regex.match(`^[0-9]+(-[0-9]+)?$`, port)
	lo := split(port, "-")[0]
}

_number(digits) := to_number(t) if {
	t := trim_left(digits, "0")
	t != ""
}

_number(digits) := 0 if trim_left(digits, "0") == ""
