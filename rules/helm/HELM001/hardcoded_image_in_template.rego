# METADATA
# title: Container image written literally in a chart template
# custom:
#   id: HELM001
#   name: hardcoded-image-in-template
#   severity: error
#   requirements: [EXI-ARCH-22, EXI-ARCH-5]
#   alpha: []
#   input:
#     family: chart
#   title_fr: Image de conteneur écrite en dur dans un template du chart
#   message:
#     en: "Image `{image}` is written in the template with no template expression: it cannot be set from values"
#     fr: "L'image `{image}` est écrite dans le template sans expression de template : elle ne peut pas être réglée par les values"
#   why:
#     en: >-
#       EXI-ARCH-22 forbids hard-coded configuration and names the values.yaml mechanism of
#       Helm charts as the way to meet it; EXI-ARCH-5 asks for configuration in separate,
#       versioned files. An image written literally in a template cannot be moved to the
#       offer's registry, pinned to another digest or upgraded per environment without editing
#       the chart. The rule renders the chart and looks, for every container, init container and
#       ephemeral container of the rendered workloads, at where its `image` value came from: it
#       fails when the whole value was copied from the template text, with no `{{ ... }}`
#       expression (a value from `.Values`, a helper or `default` passes).
#     fr: >-
#       L'exigence EXI-ARCH-22 interdit la configuration codée en dur et désigne le mécanisme
#       values.yaml des charts Helm comme moyen d'y répondre ; EXI-ARCH-5 demande une
#       configuration dans des fichiers à part, gérés en version. Une image écrite en dur dans
#       un template ne peut être déplacée vers le registre de l'offre, épinglée sur un autre
#       digest ni mise à jour par environnement sans modifier le chart. La règle génère le chart
#       et regarde, pour chaque conteneur, conteneur d'initialisation et conteneur éphémère des
#       charges générées, d'où vient la valeur de son `image` : elle échoue quand toute la
#       valeur est recopiée du texte du template, sans expression `{{ ... }}` (une valeur tirée
#       de `.Values`, d'un helper ou de `default` passe).
#   remediation:
#     en: >-
#       Move the image to values.yaml (e.g. `image: {repository: harbor.example/team/api,
#       tag: "1.4.2"}`) and write `image: "{{ .Values.image.repository }}:{{ .Values.image.tag
#       }}"` in the template.
#     fr: >-
#       Déplacez l'image dans values.yaml (par exemple `image: {repository:
#       harbor.example/team/api, tag: "1.4.2"}`) et écrivez `image: "{{ .Values.image.repository
#       }}:{{ .Values.image.tag }}"` dans le template.
package rules.helm.HELM001

deny contains f if {
	some i, image in input.images
	image.templated == false
	f := {"path": ["images", i], "params": {"image": image.image}}
}
