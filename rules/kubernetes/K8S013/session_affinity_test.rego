package rules.kubernetes.K8S013_test

_svc(spec) := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": spec}

_ing(annotations) := {
	"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
	"metadata": {"name": "web", "annotations": annotations},
	"spec": {"rules": [{"host": "app.example.fr"}]},
}

_route(annotations) := {
	"apiVersion": "route.openshift.io/v1", "kind": "Route",
	"metadata": {"name": "web", "annotations": annotations},
	"spec": {"to": {"kind": "Service", "name": "web"}},
}

test_fail_service_client_ip if {
	data.rules.kubernetes.K8S013.deny == {{"path": ["spec", "sessionAffinity"], "params": {"kind": "Service", "name": "web", "setting": "sessionAffinity: ClientIP"}}} with input as _svc({"sessionAffinity": "ClientIP", "ports": [{"port": 80}]})
}

test_pass_service_none if {
	data.rules.kubernetes.K8S013.deny == set() with input as _svc({"sessionAffinity": "None"})
}

test_pass_service_unset_and_null if {
	data.rules.kubernetes.K8S013.deny == set() with input as _svc({"ports": [{"port": 80}]})
	data.rules.kubernetes.K8S013.deny == set() with input as _svc({"sessionAffinity": null})
	data.rules.kubernetes.K8S013.deny == set() with input as _svc(null)
}

test_fail_ingress_nginx_cookie if {
	data.rules.kubernetes.K8S013.deny == {{"path": ["metadata", "annotations", "nginx.ingress.kubernetes.io/affinity"], "params": {"kind": "Ingress", "name": "web", "setting": "nginx.ingress.kubernetes.io/affinity: cookie"}}} with input as _ing({"nginx.ingress.kubernetes.io/affinity": "cookie", "nginx.ingress.kubernetes.io/session-cookie-name": "route"})
}

test_fail_ingress_two_annotations if {
	data.rules.kubernetes.K8S013.deny == {
		{"path": ["metadata", "annotations", "nginx.ingress.kubernetes.io/affinity"], "params": {"kind": "Ingress", "name": "web", "setting": "nginx.ingress.kubernetes.io/affinity: cookie"}},
		{"path": ["metadata", "annotations", "nginx.ingress.kubernetes.io/upstream-hash-by"], "params": {"kind": "Ingress", "name": "web", "setting": "nginx.ingress.kubernetes.io/upstream-hash-by: $binary_remote_addr"}},
	} with input as _ing({"nginx.ingress.kubernetes.io/affinity": "cookie", "nginx.ingress.kubernetes.io/upstream-hash-by": "$binary_remote_addr"})
}

test_pass_ingress_hash_by_uri if {
	data.rules.kubernetes.K8S013.deny == set() with input as _ing({"nginx.ingress.kubernetes.io/upstream-hash-by": "$request_uri"})
}

test_pass_ingress_other_annotations if {
	data.rules.kubernetes.K8S013.deny == set() with input as _ing({"nginx.ingress.kubernetes.io/affinity-mode": "balanced", "nginx.ingress.kubernetes.io/rewrite-target": "/"})
	data.rules.kubernetes.K8S013.deny == set() with input as _ing(null)
}

test_fail_ingress_alb_stickiness if {
	data.rules.kubernetes.K8S013.deny == {{"path": ["metadata", "annotations", "alb.ingress.kubernetes.io/target-group-attributes"], "params": {"kind": "Ingress", "name": "web", "setting": "alb.ingress.kubernetes.io/target-group-attributes: stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=60"}}} with input as _ing({"alb.ingress.kubernetes.io/target-group-attributes": "stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=60"})
}

test_pass_ingress_alb_stickiness_off if {
	data.rules.kubernetes.K8S013.deny == set() with input as _ing({"alb.ingress.kubernetes.io/target-group-attributes": "stickiness.enabled=false"})
}

test_fail_service_traefik_unquoted_bool if {
	data.rules.kubernetes.K8S013.deny == {{"path": ["metadata", "annotations", "traefik.ingress.kubernetes.io/service.sticky.cookie"], "params": {"kind": "Service", "name": "web", "setting": "traefik.ingress.kubernetes.io/service.sticky.cookie: true"}}} with input as object.union(_svc({}), {"metadata": {"name": "web", "annotations": {"traefik.ingress.kubernetes.io/service.sticky.cookie": true}}})
}

test_fail_route_cookie_name if {
	data.rules.kubernetes.K8S013.deny == {{"path": ["metadata", "annotations", "router.openshift.io/cookie_name"], "params": {"kind": "Route", "name": "web", "setting": "router.openshift.io/cookie_name: session"}}} with input as _route({"router.openshift.io/cookie_name": "session"})
}

test_fail_route_balance_source if {
	data.rules.kubernetes.K8S013.deny == {{"path": ["metadata", "annotations", "haproxy.router.openshift.io/balance"], "params": {"kind": "Route", "name": "web", "setting": "haproxy.router.openshift.io/balance: source"}}} with input as _route({"haproxy.router.openshift.io/balance": "source"})
}

test_pass_route_defaults if {
	data.rules.kubernetes.K8S013.deny == set() with input as _route({"haproxy.router.openshift.io/balance": "roundrobin"})
	data.rules.kubernetes.K8S013.deny == set() with input as _route({"haproxy.router.openshift.io/disable_cookies": "true"})
	data.rules.kubernetes.K8S013.deny == set() with input as _route({"router.openshift.io/cookie_name": ""})
}

test_pass_knative_route if {
	r := object.union(_route({"router.openshift.io/cookie_name": "session"}), {"apiVersion": "serving.knative.dev/v1"})
	data.rules.kubernetes.K8S013.deny == set() with input as r
}

test_fail_istio_consistent_hash if {
	dr := {
		"apiVersion": "networking.istio.io/v1beta1", "kind": "DestinationRule", "metadata": {"name": "web"},
		"spec": {
			"host": "web",
			"trafficPolicy": {"loadBalancer": {"consistentHash": {"httpCookie": {"name": "user", "ttl": "0s"}}}},
			"subsets": [
				{"name": "v1", "trafficPolicy": {"loadBalancer": {"simple": "ROUND_ROBIN"}}},
				{"name": "v2", "trafficPolicy": {"portLevelSettings": [{"port": {"number": 8080}, "loadBalancer": {"consistentHash": {"useSourceIp": true}}}]}},
			],
		},
	}
	data.rules.kubernetes.K8S013.deny == {
		{"path": ["spec", "trafficPolicy", "loadBalancer", "consistentHash"], "params": {"kind": "DestinationRule", "name": "web", "setting": "loadBalancer.consistentHash"}},
		{"path": ["spec", "subsets", 1, "trafficPolicy", "portLevelSettings", 0, "loadBalancer", "consistentHash"], "params": {"kind": "DestinationRule", "name": "web", "setting": "loadBalancer.consistentHash"}},
	} with input as dr
}

test_pass_istio_simple if {
	dr := {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": {"name": "web"}, "spec": {"host": "web", "trafficPolicy": {"loadBalancer": {"simple": "LEAST_REQUEST"}}, "subsets": null}}
	data.rules.kubernetes.K8S013.deny == set() with input as dr
}

test_fail_traefik_ingressroute_sticky if {
	ir := {
		"apiVersion": "traefik.io/v1alpha1", "kind": "IngressRoute", "metadata": {"name": "web"},
		"spec": {"routes": [{"match": "Host(`a.fr`)", "services": [{"name": "web", "port": 80, "sticky": {"cookie": {"name": "lb"}}}, {"name": "api", "port": 80}]}]},
	}
	data.rules.kubernetes.K8S013.deny == {{"path": ["spec", "routes", 0, "services", 0, "sticky"], "params": {"kind": "IngressRoute", "name": "web", "setting": "sticky"}}} with input as ir
}
