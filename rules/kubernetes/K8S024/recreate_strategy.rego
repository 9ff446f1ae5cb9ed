# METADATA
# title: Deployment uses the Recreate strategy
# custom:
#   id: K8S024
#   name: recreate-strategy
#   severity: warning
#   requirements: [EXI-ARCH-21]
#   alpha: [EX52]
#   input:
#     family: kubernetes
#     kinds: [Deployment, DeploymentConfig]
#   title_fr: Le Deployment utilise la stratégie Recreate
#   message:
#     en: "{kind} `{name}` is updated with the `{strategy}` strategy"
#     fr: "{kind} `{name}` est mis à jour avec la stratégie `{strategy}`"
#   why:
#     en: >-
#       EXI-ARCH-21 (alpha EX52) asks for continuous deployment where the current and the next
#       version coexist: the `Recreate` strategy stops every old pod before starting the new
#       ones, so each release is an outage, and it usually hides a version that cannot run
#       beside the previous one. The rule reads `spec.strategy.type` of Deployments and OpenShift
#       DeploymentConfigs.
#     fr: >-
#       L'exigence EXI-ARCH-21 (alpha EX52) demande un déploiement en continu où la version
#       actuelle et la suivante coexistent : la stratégie `Recreate` arrête tous les anciens pods
#       avant de démarrer les nouveaux, chaque livraison est donc une interruption, et elle cache
#       souvent une version incapable de tourner à côté de la précédente. La règle lit
#       `spec.strategy.type` des Deployments et des DeploymentConfigs OpenShift.
#   remediation:
#     en: >-
#       Use `strategy.type: RollingUpdate` (`Rolling` on a DeploymentConfig), the default, and
#       make the new version compatible with the data and APIs of the previous one.
#     fr: >-
#       Utilisez `strategy.type: RollingUpdate` (`Rolling` sur une DeploymentConfig), la valeur
#       par défaut, et rendez la nouvelle version compatible avec les données et les API de la
#       précédente.
package rules.kubernetes.K8S024

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

deny contains f if {
	input.kind in {"Deployment", "DeploymentConfig"}
	t := input.spec.strategy.type
	is_string(t)
	t == "Recreate"
	f := {"path": ["spec", "strategy", "type"], "params": {"kind": input.kind, "name": _name, "strategy": t}}
}
