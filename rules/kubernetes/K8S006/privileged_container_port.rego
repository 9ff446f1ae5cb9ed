# METADATA
# title: Container listens on a privileged port
# custom:
#   id: K8S006
#   name: privileged-container-port
#   severity: error
#   requirements: [EXI-ARCH-18]
#   alpha: [EX32]
#   input:
#     family: kubernetes
#     kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, DeploymentConfig, Service]
#   title_fr: Le conteneur écoute sur un port privilégié
#   message:
#     en: "Port {port} at `{field}` is a privileged port (1024 or below)"
#     fr: "Le port {port} de `{field}` est un port privilégié (inférieur ou égal à 1024)"
#   variants:
#     omitted_target:
#       en: "Service port `{field}` has no `targetPort`, so the pods are reached on its `port` {port}, a privileged port (1024 or below)"
#       fr: "Le port de Service `{field}` n'a pas de `targetPort` : les pods sont joints sur son `port` {port}, un port privilégié (inférieur ou égal à 1024)"
#   why:
#     en: >-
#       EXI-ARCH-18 (alpha EX32) requires images that run rootless and listen on internal ports
#       above 1024: binding a port of 1024 or below needs root or the `NET_BIND_SERVICE`
#       capability, which the platform does not grant, so the process fails to start. The rule
#       reads every `containerPort` (init containers included) and the `targetPort` of each
#       Service port, the port the pods really listen on; a named `targetPort` (`http`) is
#       resolved by the container's ports and is not reported, a quoted number (`"80"`) is a
#       number. When a Service port has no `targetPort`, Kubernetes uses `port` as the target,
#       so a Service `port: 80` without `targetPort` is reported, while `port: 80` with
#       `targetPort: 8080` is fine: the Service port itself is not a socket in a container.
#       `ExternalName` Services and Services without a selector (they point at endpoints outside
#       the application's pods) are not checked.
#     fr: >-
#       L'exigence EXI-ARCH-18 (alpha EX32) demande des images qui s'exécutent sans root et
#       écoutent sur des ports internes supérieurs à 1024 : ouvrir un port inférieur ou égal à
#       1024 exige root ou la capability `NET_BIND_SERVICE`, que la plateforme n'accorde pas, et
#       le processus ne démarre pas. La règle lit chaque `containerPort` (conteneurs init
#       compris) et le `targetPort` de chaque port de Service, le port sur lequel les pods
#       écoutent réellement ; un `targetPort` nommé (`http`) est résolu par les ports du
#       conteneur et n'est pas signalé, un nombre entre guillemets (`"80"`) reste un nombre.
#       Quand un port de Service n'a pas de `targetPort`, Kubernetes prend `port` comme cible :
#       un Service `port: 80` sans `targetPort` est donc signalé, alors que `port: 80` avec
#       `targetPort: 8080` est correct, le port du Service n'étant pas un socket dans un
#       conteneur. Les Services `ExternalName` et les Services sans sélecteur (ils visent des
#       points d'accès extérieurs aux pods de l'application) ne sont pas vérifiés.
#   remediation:
#     en: >-
#       Make the application listen on a port above 1024 (e.g. 8080 instead of 80, 8443 instead
#       of 443), declare that port as `containerPort` and `targetPort`, and keep 80 or 443 only as
#       the Service `port`.
#     fr: >-
#       Faites écouter l'application sur un port supérieur à 1024 (par exemple 8080 au lieu de
#       80, 8443 au lieu de 443), déclarez ce port en `containerPort` et en `targetPort`, et ne
#       gardez 80 ou 443 que comme `port` du Service.
package rules.kubernetes.K8S006

# Ports declared by containers.
deny contains f if {
	some c in data.lib.k8s.containers
	ports := c.container.ports
	is_array(ports)
	some i, p in ports
	is_object(p)
	n := _number(p.containerPort)
	_privileged(n)
	f := _finding(array.concat(c.path, ["ports", i, "containerPort"]), n)
}

# Service ports with an explicit numeric target.
deny contains f if {
	some [i, p] in _service_ports
	p.targetPort != null
	n := _number(p.targetPort)
	_privileged(n)
	f := _finding(["spec", "ports", i, "targetPort"], n)
}

# Service ports without a target: Kubernetes sends the traffic to `port` on the pods.
deny contains f if {
	some [i, p] in _service_ports
	object.get(p, "targetPort", null) == null
	n := _number(p.port)
	_privileged(n)
	f := {"path": ["spec", "ports", i], "params": {"port": n, "field": sprintf("spec.ports[%d]", [i]), "variant": "omitted_target"}}
}

_service_ports contains [i, p] if {
	input.kind == "Service"
	object.get(input, ["spec", "type"], "") != "ExternalName"
	selector := object.get(input, ["spec", "selector"], null)
	is_object(selector)
	count(selector) > 0
	ports := input.spec.ports
	is_array(ports)
	some i, p in ports
	is_object(p)
}

_privileged(n) if {
	n >= 1
	n <= 1024
}

_number(v) := v if is_number(v)

_number(v) := to_number(trim_space(v)) if {
	is_string(v)
	regex.match(`^\s*[0-9]+\s*$`, v)
}

_finding(path, n) := {"path": path, "params": {"port": n, "field": data.lib.k8s.field_path(path)}}
