# METADATA
# title: Container has no writable /tmp volume
# custom:
#   id: K8S012
#   name: no-writable-tmp
#   severity: note
#   requirements: [EXI-ARCH-5, EXI-ARCH-6]
#   alpha: []
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig]
#   title_fr: Le conteneur n'a pas de volume /tmp modifiable
#   message:
#     en: "Container `{container}` mounts no writable volume at `/tmp`"
#     fr: "Le conteneur `{container}` ne monte aucun volume modifiable sur `/tmp`"
#   why:
#     en: >-
#       The platform runs pods with a read-only root filesystem, and EXI-ARCH-5 and EXI-ARCH-6
#       ask for images fit for secure OpenShift use (rootless, read-only filesystem). Most
#       runtimes and libraries write temporary files to `/tmp` (JVM, Python, nginx, uploads), so
#       a container without a writable volume there tends to fail at the first temporary file.
#       This is a hint for a person to confirm: some programs never write temporary files. A
#       mount at `/tmp` (or `/tmp/`) that is not `readOnly` is enough, and so is a `TMPDIR`,
#       `TMP` or `TEMP` variable pointing into another writable mount. Ephemeral containers are
#       not checked.
#     fr: >-
#       La plateforme exécute les pods avec un système de fichiers racine en lecture seule, et
#       les exigences EXI-ARCH-5 et EXI-ARCH-6 demandent des images adaptées à un usage sécurisé
#       d'OpenShift (rootless, système de fichiers en lecture seule). La plupart des
#       environnements d'exécution et des bibliothèques écrivent des fichiers temporaires dans
#       `/tmp` (JVM, Python, nginx, téléversements) : un conteneur sans volume modifiable à cet
#       endroit échoue souvent au premier fichier temporaire. C'est un indice à confirmer par une
#       personne : certains programmes n'écrivent jamais de fichier temporaire. Un montage sur
#       `/tmp` (ou `/tmp/`) qui n'est pas `readOnly` suffit, de même qu'une variable `TMPDIR`,
#       `TMP` ou `TEMP` qui pointe dans un autre montage modifiable. Les conteneurs éphémères ne
#       sont pas vérifiés.
#   remediation:
#     en: >-
#       Declare an `emptyDir` volume (e.g. `name: tmp`, `emptyDir: {}`) and mount it in the
#       container with `mountPath: /tmp`.
#     fr: >-
#       Déclarez un volume `emptyDir` (par exemple `name: tmp`, `emptyDir: {}`) et montez-le dans
#       le conteneur avec `mountPath: /tmp`.
package rules.kubernetes.K8S012

deny contains f if {
	some c in data.lib.k8s.containers
	c.type != "ephemeralContainers"
	not _writable_tmp(c.container)
	f := {"path": c.path, "params": {"container": data.lib.k8s.container_name(c.container)}}
}

_writable_mounts(container) := [_clean(m.mountPath) |
	some m in _list(container.volumeMounts)
	is_object(m)
	is_string(m.mountPath)
	not m.readOnly == true
]

_writable_tmp(container) if "/tmp" in _writable_mounts(container)

# A temporary directory moved into another writable mount.
_writable_tmp(container) if {
	some e in _list(container.env)
	is_object(e)
	e.name in {"TMPDIR", "TMP", "TEMP"}
	is_string(e.value)
	dir := _clean(e.value)
	some mount in _writable_mounts(container)
	_within(dir, mount)
}

_within(dir, mount) if dir == mount

_within(dir, mount) if startswith(dir, concat("", [mount, "/"]))

_within(_, "/") := true

# `/tmp/` and `/tmp` are the same directory.
_clean(p) := "/" if trim_right(trim_space(p), "/") == ""

_clean(p) := trim_right(trim_space(p), "/") if trim_right(trim_space(p), "/") != ""

_list(v) := v if is_array(v)

_list(v) := [] if not is_array(v)
