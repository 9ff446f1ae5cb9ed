# METADATA
# title: Pod or container is granted root or escalated privileges
# custom:
#   id: K8S004
#   name: privilege-escalation
#   severity: error
#   constants: [_dangerous]
#   requirements: [EXI-ARCH-18]
#   alpha: [EX32]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Le pod ou le conteneur obtient les droits root ou une élévation de privilèges
#   message:
#     en: "`{context}` grants privileges a rootless container must not have: {settings}"
#     fr: "`{context}` accorde des privilèges qu'un conteneur rootless ne doit pas avoir : {settings}"
#   why:
#     en: >-
#       EXI-ARCH-18 (alpha EX32) requires containers that run rootless and need no privilege
#       escalation; the platform blocks such pods in production. The rule reports
#       `privileged: true`, `allowPrivilegeEscalation: true`, `runAsNonRoot: false` and
#       `runAsUser: 0` (pod or container security context), `hostNetwork`, `hostPID` or
#       `hostIPC: true` on the pod, and every dangerous capability in `capabilities.add`
#       (`SYS_ADMIN`, `NET_ADMIN`, `ALL`, `SYS_PTRACE`, `NET_RAW`, `SYS_MODULE`,
#       `DAC_READ_SEARCH`... compared without case and with or without the `CAP_` prefix; the list
#       is the `dangerous_capabilities` parameter). One finding per place lists all its settings:
#       per security context (pod or container; located on the block, or on the setting when it
#       is the only one) and per pod for the host namespaces (located on the first one). A
#       pod-level `runAsNonRoot` or `runAsUser` that every container (init and ephemeral ones
#       included) sets for itself applies to no process and is not reported; one that at least
#       one container inherits is. `allowPrivilegeEscalation: false` and
#       `runAsNonRoot: true` are what the platform expects. Imposing any user, group or capability
#       is also reported, as a warning, by K8S003.
#     fr: >-
#       L'exigence EXI-ARCH-18 (alpha EX32) demande des conteneurs qui s'exécutent sans root et
#       sans élévation de privilèges ; la plateforme bloque ces pods en production. La règle
#       signale `privileged: true`, `allowPrivilegeEscalation: true`, `runAsNonRoot: false` et
#       `runAsUser: 0` (securityContext du pod ou du conteneur), `hostNetwork`, `hostPID` ou
#       `hostIPC: true` sur le pod, et chaque capability dangereuse de `capabilities.add`
#       (`SYS_ADMIN`, `NET_ADMIN`, `ALL`, `SYS_PTRACE`, `NET_RAW`, `SYS_MODULE`,
#       `DAC_READ_SEARCH`... comparées sans tenir compte de la casse, avec ou sans le préfixe
#       `CAP_` ; la liste est le paramètre `dangerous_capabilities`). Un constat par endroit
#       liste tous ses réglages : par securityContext (du pod ou du conteneur ; placé sur le bloc,
#       ou sur le réglage quand il est le seul) et par pod pour les espaces de noms de l'hôte
#       (placé sur le premier). Un `runAsNonRoot` ou un `runAsUser` du pod que chaque conteneur
#       (init et éphémères compris) redéfinit ne s'applique à aucun processus et n'est pas
#       signalé ; il l'est dès qu'un conteneur en hérite.
#       `allowPrivilegeEscalation: false` et `runAsNonRoot: true` sont ce qu'attend la plateforme.
#       Imposer un utilisateur, un groupe ou une capability est aussi signalé, en avertissement,
#       par K8S003.
#   remediation:
#     en: >-
#       Remove the setting or write its safe value (`privileged: false`,
#       `allowPrivilegeEscalation: false`, `runAsNonRoot: true`, no host namespaces), drop the
#       capability, and build the image to run as an unprivileged user.
#     fr: >-
#       Supprimez le réglage ou écrivez sa valeur sûre (`privileged: false`,
#       `allowPrivilegeEscalation: false`, `runAsNonRoot: true`, aucun espace de noms de l'hôte),
#       retirez la capability, et construisez l'image pour qu'elle s'exécute avec un utilisateur
#       non privilégié.
#   params:
#     dangerous_capabilities: [ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE, NET_RAW, SYS_MODULE, DAC_READ_SEARCH, SYS_RAWIO, SYS_BOOT, SYS_TIME, SYS_RESOURCE, SYS_NICE, SYS_PACCT, SYS_TTY_CONFIG, SYSLOG, MAC_ADMIN, MAC_OVERRIDE, BPF, PERFMON, LINUX_IMMUTABLE, IPC_LOCK, IPC_OWNER, AUDIT_CONTROL, AUDIT_READ, BLOCK_SUSPEND, WAKE_ALARM, LEASE, CHECKPOINT_RESTORE]
package rules.kubernetes.K8S004

# Performance: the regorus VM pays mostly per call, so settings are formatted where they are
# found and helpers with several definitions are avoided on the per-container path.

_dangerous := data.cct_lint_constants.K8S004._dangerous if {
	data.cct_lint_constants.K8S004.params == data.params.K8S004
} else := {_cap(c) | some c in data.params.K8S004.dangerous_capabilities; is_string(c)}

# `cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` name the same capability.
_cap(name) := trim_prefix(upper(trim_space(name)), "CAP_")

# Host namespaces of the pod, one finding located on the first.
deny contains f if {
	base := data.lib.k8s.pod_spec_path
	imposed := [[[key], concat("", ["`", key, ": true`"])] |
		some key in ["hostNetwork", "hostPID", "hostIPC"]
		data.lib.k8s.pod_spec[key] == true
	]
	count(imposed) > 0
	f := _finding(base, array.concat(base, imposed[0][0]), imposed)
}

# Root identity in the pod security context.
deny contains f if {
	base := data.lib.k8s.pod_security_context_path
	sc := object.get(input, base, null)
	is_object(sc)
	imposed := [[[key], sprintf("`%s: %v`", [key, value])] |
		some [key, value] in [["runAsNonRoot", false], ["runAsUser", 0]]
		sc[key] == value
		not _overridden_by_every_container(key)
	]
	count(imposed) > 0
	f := _finding(base, _location(base, imposed), imposed)
}

# A container's own setting wins over the pod's: a pod-level value that every container (init
# and ephemeral ones included) replaces applies to no process. Judged on the containers' own
# values by the container rule below.
_overridden_by_every_container(key) if {
	count(data.lib.k8s.containers) > 0
	every c in data.lib.k8s.containers {
		object.get(object.get(c.container, "securityContext", {}), key, null) != null
	}
}

# Root identity, privileges and dangerous added capabilities in a container security context.
deny contains f if {
	some c in data.lib.k8s.containers
	sc := c.container.securityContext
	is_object(sc)
	base := array.concat(c.path, ["securityContext"])
	settings := [[[key], sprintf("`%s: %v`", [key, value])] |
		some [key, value] in [["privileged", true], ["allowPrivilegeEscalation", true], ["runAsNonRoot", false], ["runAsUser", 0]]
		sc[key] == value
	]
	caps := [[["capabilities", "add", i], sprintf("capability `%s`", [cap])] |
		some i, cap in _added(sc)
		is_string(cap)
		_cap(cap) in _dangerous
	]
	imposed := array.concat(settings, caps)
	count(imposed) > 0
	f := _finding(base, _location(base, imposed), imposed)
}

_added(sc) := add if {
	add := object.get(sc, ["capabilities", "add"], [])
	is_array(add)
} else := []

# Located on the block, or on the setting when it is the block's only one.
_location(base, imposed) := array.concat(base, [segment | count(imposed) == 1; some segment in imposed[0][0]])

_finding(base, path, imposed) := {"path": path, "params": {
	"context": data.lib.k8s.field_path(base),
	"settings": concat(", ", [pair[1] | some pair in imposed]),
}}
