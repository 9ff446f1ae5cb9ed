# METADATA
# title: Session affinity is configured
# custom:
#   id: K8S013
#   name: session-affinity
#   severity: error
#   requirements: [EXI-ARCH-19]
#   alpha: [EX28]
#   input:
#     family: kubernetes
#     kinds: [Service, Ingress, Route, DestinationRule, IngressRoute]
#   title_fr: Une affinité de session est configurée
#   message:
#     en: "{kind} `{name}` pins clients to a pod with `{setting}`"
#     fr: "{kind} `{name}` attache les clients à un pod avec `{setting}`"
#   why:
#     en: >-
#       EXI-ARCH-19 (alpha EX28) requires stateless pods that can be restarted at any moment
#       without session affinity from the orchestrator: sticky sessions hide state kept in pod
#       memory, which is lost on every restart, rollout or node failure. The rule fires on
#       explicit sticky configuration only: a Service with `sessionAffinity: ClientIP`; Ingress
#       affinity annotations (ingress-nginx `affinity: cookie` or `upstream-hash-by` on the
#       client address, haproxy-ingress, HAProxy, Traefik, AWS ALB stickiness); an OpenShift
#       Route with `router.openshift.io/cookie_name` or `haproxy.router.openshift.io/balance:
#       source`; a Traefik `IngressRoute` service with `sticky`; an Istio `DestinationRule` with a
#       `consistentHash` load balancer. The OpenShift router also sets a sticky cookie on
#       non-passthrough Routes unless `haproxy.router.openshift.io/disable_cookies` is `true`;
#       that default is the platform's, not the application's choice, so a Route without those
#       annotations is not reported.
#     fr: >-
#       L'exigence EXI-ARCH-19 (alpha EX28) demande des pods sans état, redémarrables à tout
#       instant, sans affinité de session par l'orchestrateur : une session collante masque un
#       état gardé en mémoire dans le pod, perdu à chaque redémarrage, déploiement ou panne de
#       nœud. La règle ne se déclenche que sur une configuration explicite : un Service avec
#       `sessionAffinity: ClientIP` ; les annotations d'affinité d'Ingress (ingress-nginx
#       `affinity: cookie` ou `upstream-hash-by` sur l'adresse du client, haproxy-ingress,
#       HAProxy, Traefik, AWS ALB) ; une Route OpenShift avec `router.openshift.io/cookie_name`
#       ou `haproxy.router.openshift.io/balance: source` ; un service d'`IngressRoute` Traefik
#       avec `sticky` ; une `DestinationRule` Istio avec un équilibrage `consistentHash`. Le
#       routeur OpenShift pose aussi un cookie collant sur les Routes non passthrough sauf si
#       `haproxy.router.openshift.io/disable_cookies` vaut `true` ; ce comportement par défaut
#       relève de la plateforme et non d'un choix de l'application, une Route sans ces
#       annotations n'est donc pas signalée.
#   remediation:
#     en: >-
#       Remove the affinity setting (`sessionAffinity: None`, no sticky annotation) and keep
#       session state in a shared store such as a database or Redis.
#     fr: >-
#       Supprimez le réglage d'affinité (`sessionAffinity: None`, aucune annotation de session
#       collante) et conservez l'état de session dans un stockage partagé comme une base de
#       données ou Redis.
package rules.kubernetes.K8S013

_group := split(input.apiVersion, "/")[0] if {
	is_string(input.apiVersion)
	contains(input.apiVersion, "/")
} else := ""

_name := input.metadata.name if {
	is_string(input.metadata.name)
} else := ""

_annotations := input.metadata.annotations if {
	is_object(input.metadata.annotations)
} else := {}

# Annotations are strings, but YAML lets `true` through unquoted.
_text(v) := v if is_string(v)

_text(v) := sprintf("%v", [v]) if is_boolean(v)

_text(v) := sprintf("%v", [v]) if is_number(v)

# Which object kinds each annotation applies to (OpenShift 3 wrote Routes as `apiVersion: v1`).
_kind_ok("Ingress") if input.kind == "Ingress"

_kind_ok("Service") if {
	input.kind == "Service"
	_group == ""
}

_kind_ok("Route") if {
	input.kind == "Route"
	_group in {"route.openshift.io", ""}
}

# op: `equals` (case-insensitive), `contains` (case-insensitive), `set` (any non-empty value).
_sticky_annotations := [
	{"kind": "Ingress", "key": "nginx.ingress.kubernetes.io/affinity", "op": "equals", "value": "cookie"},
	{"kind": "Ingress", "key": "nginx.ingress.kubernetes.io/upstream-hash-by", "op": "contains", "value": "remote_addr"},
	{"kind": "Ingress", "key": "ingress.kubernetes.io/affinity", "op": "equals", "value": "cookie"},
	{"kind": "Ingress", "key": "haproxy-ingress.github.io/affinity", "op": "equals", "value": "cookie"},
	{"kind": "Ingress", "key": "haproxy.org/cookie-persistence", "op": "set", "value": ""},
	{"kind": "Ingress", "key": "traefik.ingress.kubernetes.io/affinity", "op": "equals", "value": "true"},
	{"kind": "Ingress", "key": "alb.ingress.kubernetes.io/target-group-attributes", "op": "contains", "value": "stickiness.enabled=true"},
	{"kind": "Service", "key": "traefik.ingress.kubernetes.io/service.sticky.cookie", "op": "equals", "value": "true"},
	{"kind": "Service", "key": "alb.ingress.kubernetes.io/target-group-attributes", "op": "contains", "value": "stickiness.enabled=true"},
	{"kind": "Route", "key": "router.openshift.io/cookie_name", "op": "set", "value": ""},
	{"kind": "Route", "key": "haproxy.router.openshift.io/balance", "op": "equals", "value": "source"},
]

_matches("equals", expected, v) if lower(trim_space(v)) == expected

_matches("contains", expected, v) if contains(lower(replace(v, " ", "")), expected)

_matches("set", _, v) if trim_space(v) != ""

_finding(path, setting) := {"path": path, "params": {"kind": input.kind, "name": _name, "setting": setting}}

# Service `sessionAffinity: ClientIP`.
deny contains f if {
	_kind_ok("Service")
	v := input.spec.sessionAffinity
	is_string(v)
	lower(v) == "clientip"
	f := _finding(["spec", "sessionAffinity"], sprintf("sessionAffinity: %s", [v]))
}

# Sticky-session annotations of ingress controllers and of the OpenShift router.
deny contains f if {
	some a in _sticky_annotations
	_kind_ok(a.kind)
	raw := _annotations[a.key]
	v := _text(raw)
	_matches(a.op, a.value, v)
	f := _finding(["metadata", "annotations", a.key], sprintf("%s: %s", [a.key, v]))
}

# Traefik IngressRoute: `sticky` on a route's service.
deny contains f if {
	input.kind == "IngressRoute"
	_group in {"traefik.io", "traefik.containo.us"}
	routes := input.spec.routes
	is_array(routes)
	some i, route in routes
	services := route.services
	is_array(services)
	some j, service in services
	is_object(service.sticky)
	count(service.sticky) > 0
	f := _finding(["spec", "routes", i, "services", j, "sticky"], "sticky")
}

# Istio DestinationRule: a `consistentHash` load balancer (cookie, header or source-IP hashing).
deny contains f if {
	input.kind == "DestinationRule"
	_group == "networking.istio.io"
	some policy_path in _istio_policy_paths
	hash := object.get(input, array.concat(policy_path, ["loadBalancer", "consistentHash"]), null)
	is_object(hash)
	count(hash) > 0
	f := _finding(array.concat(policy_path, ["loadBalancer", "consistentHash"]), "loadBalancer.consistentHash")
}

_istio_policy_paths contains p if some p in _istio_base_paths

_istio_policy_paths contains array.concat(base, ["portLevelSettings", j]) if {
	some base in _istio_base_paths
	settings := object.get(input, array.concat(base, ["portLevelSettings"]), null)
	is_array(settings)
	some j, _ in settings
}

_istio_base_paths contains ["spec", "trafficPolicy"]

_istio_base_paths contains ["spec", "subsets", i, "trafficPolicy"] if {
	is_array(input.spec.subsets)
	some i, _ in input.spec.subsets
}
