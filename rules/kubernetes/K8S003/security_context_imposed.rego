# METADATA
# title: Security context imposes a user, group or capability
# custom:
#   id: K8S003
#   name: security-context-imposed
#   severity: warning
#   requirements: [EXI-ARCH-26]
#   alpha: []
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Le securityContext impose un utilisateur, un groupe ou une capability
#   message:
#     en: "Security context `{context}` imposes {settings}"
#     fr: "Le securityContext `{context}` impose {settings}"
#   why:
#     en: >-
#       EXI-ARCH-26 forbids deployments from imposing security-context elements such as
#       `runAsUser`, `runAsGroup`, `fsGroup` or added capabilities: OpenShift gives every pod a
#       random UID and its own group range, so a fixed identity either conflicts with the
#       platform's security constraints or makes the image depend on a UID it will not get. The
#       rule reports, at pod and container level, `runAsUser`, `runAsGroup`, `fsGroup`, a
#       non-empty `supplementalGroups` and a non-empty `capabilities.add`, once per
#       `securityContext` block: the finding lists every imposed setting of the block and
#       points at the block (at the setting itself when it is the only one). Settings that only
#       restrict the container and match the platform's restricted profile are tolerated:
#       `runAsNonRoot: true`, `allowPrivilegeEscalation: false`, `readOnlyRootFilesystem`,
#       `capabilities.drop` and `seccompProfile`. Privileged settings (root, privileged mode,
#       dangerous capabilities) are the business of K8S004.
#     fr: >-
#       L'exigence EXI-ARCH-26 interdit aux déploiements d'imposer des éléments du
#       securityContext comme `runAsUser`, `runAsGroup`, `fsGroup` ou l'ajout de capabilities :
#       OpenShift attribue à chaque pod un UID aléatoire et sa propre plage de groupes, si bien
#       qu'une identité figée entre en conflit avec les contraintes de sécurité de la plateforme
#       ou rend l'image dépendante d'un UID qu'elle n'obtiendra pas. La règle signale, au niveau
#       du pod et du conteneur, `runAsUser`, `runAsGroup`, `fsGroup`, un `supplementalGroups` non
#       vide et un `capabilities.add` non vide, une fois par bloc `securityContext` : le constat
#       liste tous les réglages imposés du bloc et pointe sur le bloc (sur le réglage lui-même
#       quand il est le seul). Les réglages qui ne font que restreindre le
#       conteneur et correspondent au profil restreint de la plateforme sont tolérés :
#       `runAsNonRoot: true`, `allowPrivilegeEscalation: false`, `readOnlyRootFilesystem`,
#       `capabilities.drop` et `seccompProfile`. Les réglages privilégiés (root, mode privilégié,
#       capabilities dangereuses) relèvent de K8S004.
#   remediation:
#     en: >-
#       Remove the setting and let the platform assign the user and groups; make the image work
#       with any UID in the root group (files owned by group 0 and group-writable).
#     fr: >-
#       Supprimez ce réglage et laissez la plateforme attribuer l'utilisateur et les groupes ;
#       rendez l'image utilisable avec n'importe quel UID du groupe root (fichiers appartenant au
#       groupe 0 et modifiables par le groupe).
package rules.kubernetes.K8S003

# One finding per securityContext block, listing what it imposes.
deny contains f if {
	base := data.lib.k8s.pod_security_context_path
	sc := object.get(input, base, null)
	is_object(sc)
	imposed := [[[key], sc[key]] |
		some key in ["runAsUser", "runAsGroup", "fsGroup", "supplementalGroups"]
		_imposed(sc[key])
	]
	count(imposed) > 0
	f := _finding(base, imposed)
}

deny contains f if {
	some c in data.lib.k8s.containers
	sc := c.container.securityContext
	is_object(sc)
	identity := [[[key], sc[key]] |
		some key in ["runAsUser", "runAsGroup"]
		_imposed(sc[key])
	]
	imposed := array.concat(identity, _added(object.get(sc, ["capabilities", "add"], null)))
	count(imposed) > 0
	f := _finding(array.concat(c.path, ["securityContext"]), imposed)
}

_imposed(v) if {
	v != null
	not is_array(v)
}

# Two functions rather than a comprehension over the optional value: with the comprehension,
# regorus's VM lost the findings of blocks without `capabilities.add` (the back-end test).
_added(add) := [[["capabilities", "add"], add]] if _imposed(add)

_added(add) := [] if not _imposed(add)

_imposed(v) if {
	is_array(v)
	count(v) > 0
}

# Located on the block, or on the setting when it is the block's only one.
_finding(block, imposed) := {
	"path": _location(block, imposed),
	"params": {
		"context": data.lib.k8s.field_path(block),
		"settings": concat(", ", [sprintf("`%s: %s`", [concat(".", pair[0]), _text(pair[1])]) | some pair in imposed]),
	},
}

_location(block, imposed) := array.concat(block, imposed[0][0]) if count(imposed) == 1

_location(block, imposed) := block if count(imposed) > 1

_text(v) := v if is_string(v)

_text(v) := concat(", ", [_text(x) | some x in v]) if is_array(v)

_text(v) := sprintf("%v", [v]) if {
	not is_string(v)
	not is_array(v)
}
