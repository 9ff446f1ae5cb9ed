package rules.app.APP006_test

_d(name, containers) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
	"spec": {"template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": containers}}},
}

_c(name, probes) := object.union({"name": name, "image": "harbor.io/p/c:1.0"}, probes)

_get(path) := {"httpGet": {"path": path, "port": 8080}}

_cpath(i, j) := ["objects", i, "spec", "template", "spec", "containers", j]

test_fail_home_page_probes if {
	objs := [
		{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}},
		_d("api", [_c("api", {"readinessProbe": _get("/"), "livenessProbe": _get("/index.html")})]),
		_d("web", [_c("web", {"livenessProbe": _get("/status")})]),
	]
	data.rules.app.APP006.deny == {{"path": array.concat(_cpath(1, 0), ["livenessProbe", "httpGet", "path"]), "params": {"bundle": "b", "path": "/index.html"}}} with input as {"name": "b", "objects": objs}
}

test_fail_missing_path if {
	objs := [_d("api", [_c("api", {"livenessProbe": {"httpGet": {"port": 8080}}})])]
	data.rules.app.APP006.deny == {{"path": array.concat(_cpath(0, 0), ["livenessProbe", "httpGet"]), "params": {"bundle": "b", "path": "/"}}} with input as {"name": "b", "objects": objs}
}

test_fail_params if {
	objs := [_d("api", [_c("api", {"livenessProbe": _get("/livez")})])]
	data.rules.app.APP006.deny == {{"path": array.concat(_cpath(0, 0), ["livenessProbe", "httpGet", "path"]), "params": {"bundle": "b", "path": "/livez"}}} with input as {"name": "b", "objects": objs} with data.params.APP006 as {"path_markers": ["health"]}
}

test_pass_one_health_path_is_enough if {
	objs := [
		_d("api", [_c("api", {"readinessProbe": _get("/"), "livenessProbe": _get("/actuator/Health/liveness")})]),
		_d("web", [_c("web", {"livenessProbe": _get("/status")})]),
	]
	data.rules.app.APP006.deny == set() with input as {"name": "b", "objects": objs}
	data.rules.app.APP006.deny == set() with input as {"name": "b", "objects": [_d("api", [_c("api", {"startupProbe": _get("/readyz")})])]}
	data.rules.app.APP006.deny == set() with input as {"name": "b", "objects": [_d("api", [_c("api", {"livenessProbe": _get("/healthz")})])]}
}

test_pass_no_http_probe if {
	objs := [_d("api", [_c("api", {"livenessProbe": {"tcpSocket": {"port": 8080}}, "readinessProbe": {"exec": {"command": ["true"]}}})])]
	data.rules.app.APP006.deny == set() with input as {"name": "b", "objects": objs}
	data.rules.app.APP006.deny == set() with input as {"name": "b", "objects": []}
}
