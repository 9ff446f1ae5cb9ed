# METADATA
# title: Base image not pinned
# custom:
#   id: DF004
#   name: base-image-not-pinned
#   severity: error
#   requirements: [EXI-ARCH-27]
#   alpha: []
#   input:
#     family: dockerfile
#   title_fr: Image de base non épinglée
#   message:
#     en: Base image `{image}` of stage `{stage}` has no version tag or digest
#     fr: L'image de base `{image}` de l'étape `{stage}` n'a ni tag de version ni digest
#   variants:
#     latest:
#       en: "Base image `{image}` of stage `{stage}` is tagged `latest`, which is not a version: it names whatever was pushed last"
#       fr: "L'image de base `{image}` de l'étape `{stage}` a le tag `latest`, qui n'est pas une version : il désigne la dernière image poussée"
#   why:
#     en: >-
#       EXI-ARCH-27 requires an explicit version for every image and proscribes `latest`: a
#       `FROM` without a tag (or with `latest`) rebuilds onto whatever the registry serves that
#       day, so two builds of one commit differ and a rollback is not reproducible. Every stage
#       counts, builders included. `FROM <earlier stage>` and `scratch` are not images and are
#       skipped; a tag given by an `ARG` is judged on the ARG's default. A variable that no `ARG`
#       before the first `FROM` declares expands to nothing, as Docker does (`FROM alpine$TAG`
#       is `alpine`); BuildKit's automatic platform ARGs (`TARGETARCH`...) are declared. A
#       variable declared without a default is unknown: when it stands after the last `/` (where
#       the tag and digest are) the reference cannot be judged and is not reported
#       (`FROM alpine:$TAG`); before it, it only names the registry or path, so
#       `FROM ${REGISTRY}/ubuntu` has no tag whatever it holds and is reported. An explicit
#       rolling tag (`edge`, `testing`) counts as a tag here; DF005 judges it.
#     fr: >-
#       L'exigence EXI-ARCH-27 impose une version explicite pour chaque image et proscrit
#       `latest` : un `FROM` sans tag (ou avec `latest`) reconstruit sur ce que le registre sert
#       ce jour-là, si bien que deux constructions du même commit diffèrent et qu'un retour
#       arrière n'est pas reproductible. Toutes les étapes comptent, y compris les étapes de
#       construction. `FROM <étape précédente>` et `scratch` ne sont pas des images et sont
#       ignorés ; un tag fourni par un `ARG` est jugé sur la valeur par défaut de l'ARG. Une
#       variable qu'aucun `ARG` avant le premier `FROM` ne déclare vaut la chaîne vide, comme
#       pour Docker (`FROM alpine$TAG` est `alpine`) ; les ARG de plateforme automatiques de
#       BuildKit (`TARGETARCH`...) sont déclarés. Une variable déclarée sans valeur par défaut
#       est inconnue : placée après le dernier `/` (où sont le tag et le digest), la référence
#       ne peut pas être jugée et n'est pas signalée (`FROM alpine:$TAG`) ; placée avant, elle ne
#       désigne que le registre ou le chemin, si bien que `FROM ${REGISTRY}/ubuntu` n'a de tag
#       quoi qu'elle contienne et est signalé. Un tag glissant explicite (`edge`, `testing`) compte ici comme un
#       tag ; c'est DF005 qui le juge.
#   remediation:
#     en: Write an explicit version tag, e.g. `FROM python:3.12.7-slim`, or a digest, e.g. `FROM python:3.12.7-slim@sha256:<digest>`.
#     fr: Indiquez un tag de version explicite, par exemple `FROM python:3.12.7-slim`, ou un digest, par exemple `FROM python:3.12.7-slim@sha256:<digest>`.
package rules.dockerfile.DF004

deny contains f if {
	some stage in input.stages
	not is_number(stage.from.stage)
	not stage.from.scratch == true
	image := stage.from.image
	is_string(image)
	lower(image) != "scratch"
	not data.lib.image.unresolved(image)
	not _names_earlier_stage(stage, image)
	not data.lib.image.pinned(image)
	f := {
		"path": ["stages", stage.index, "instructions", 0],
		"params": object.union({"image": image, "stage": data.lib.dockerfile.stage_label(stage)}, data.lib.image.latest_variant(image)),
	}
}

# Fallback when the parser did not resolve `FROM <stage>` (stage names are case-insensitive).
_names_earlier_stage(stage, image) if {
	some t in input.stages
	t.index < stage.index
	is_string(t.name)
	lower(t.name) == lower(image)
}
