package rules.kubernetes.K8S019_test

_ing(spec) := {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"}, "spec": spec}

_route(api, spec) := {"apiVersion": api, "kind": "Route", "metadata": {"name": "web"}, "spec": spec}

_rules := [{"host": "app.example.fr", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 8080}}}}]}}]

test_fail_ingress_missing_tls if {
	data.rules.kubernetes.K8S019.deny == {{"path": ["spec"], "params": {"kind": "Ingress", "name": "web"}}} with input as _ing({"ingressClassName": "nginx", "rules": _rules})
}

test_fail_ingress_empty_or_null_tls if {
	data.rules.kubernetes.K8S019.deny == {{"path": ["spec", "tls"], "params": {"kind": "Ingress", "name": "web"}}} with input as _ing({"rules": _rules, "tls": []})
	data.rules.kubernetes.K8S019.deny == {{"path": ["spec", "tls"], "params": {"kind": "Ingress", "name": "web"}}} with input as _ing({"rules": _rules, "tls": null})
}

test_pass_ingress_tls if {
	data.rules.kubernetes.K8S019.deny == set() with input as _ing({"rules": _rules, "tls": [{"hosts": ["app.example.fr"], "secretName": "web-tls"}]})
	data.rules.kubernetes.K8S019.deny == set() with input as _ing({"rules": _rules, "tls": [{"hosts": ["app.example.fr"]}]})
}

test_fail_route_missing_tls if {
	data.rules.kubernetes.K8S019.deny == {{"path": ["spec"], "params": {"kind": "Route", "name": "web"}}} with input as _route("route.openshift.io/v1", {"host": "app.example.fr", "to": {"kind": "Service", "name": "web"}})
	data.rules.kubernetes.K8S019.deny == {{"path": ["spec"], "params": {"kind": "Route", "name": "web"}}} with input as _route("v1", {"to": {"kind": "Service", "name": "web"}})
}

test_fail_route_empty_tls if {
	data.rules.kubernetes.K8S019.deny == {{"path": ["spec", "tls"], "params": {"kind": "Route", "name": "web"}}} with input as _route("route.openshift.io/v1", {"to": {"kind": "Service", "name": "web"}, "tls": {}})
}

test_pass_route_tls if {
	data.rules.kubernetes.K8S019.deny == set() with input as _route("route.openshift.io/v1", {"to": {"kind": "Service", "name": "web"}, "tls": {"termination": "edge", "insecureEdgeTerminationPolicy": "Redirect"}})
}

test_pass_other_route_kinds if {
	data.rules.kubernetes.K8S019.deny == set() with input as _route("serving.knative.dev/v1", {"traffic": [{"percent": 100}]})
}

test_pass_no_spec if {
	data.rules.kubernetes.K8S019.deny == set() with input as {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"}}
}
