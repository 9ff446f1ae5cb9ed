package rules.dockerfile.DF004_test

_deny(inp) := d if {
	d := data.rules.dockerfile.DF004.deny with input as inp
}

_f(stage, label, image) := {"path": ["stages", stage, "instructions", 0], "params": {"image": image, "stage": label}}

_latest(stage, label, image) := {"path": ["stages", stage, "instructions", 0], "params": {"image": image, "stage": label, "variant": "latest"}}

test_fail_no_tag if {
	_deny(_one("nginx", [])) == {_f(0, "#1", "nginx")}
}

test_fail_latest_and_registry_port_two_findings if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "golang:latest", null, false, []),
		_stage(1, "run", "registry.example.org:5000/team/app", null, true, []),
	]}
	_deny(inp) == {_latest(0, "build", "golang:latest"), _f(1, "run", "registry.example.org:5000/team/app")}
}

test_fail_arg_default_latest if {
	inp := {"args": [{"name": "TAG", "value": "latest"}], "stages": [
		object.union(_stage(0, null, "python:latest", null, true, []), {"from": {"image": "python:latest", "raw": "python:${TAG}", "stage": null, "scratch": false, "platform": null}}),
	]}
	_deny(inp) == {_latest(0, "#1", "python:latest")}
}

test_pass_version_tag_and_digest if {
	_deny(_one("nginx:1.27.3", [])) == set()
	_deny(_one("nginx@sha256:0123456789abcdef", [])) == set()
	_deny(_one("host:5000/ns/img:1.2", [])) == set()
	_deny(_one("debian:testing-slim", [])) == set()
}

test_pass_stage_reference_and_scratch if {
	inp := {"args": [], "stages": [
		_stage(0, "builder", "golang:1.22.5", null, false, []),
		_stage(1, "tests", "builder", 0, false, []),
		_stage(2, null, "Builder", null, false, []),
		_stage(3, null, "scratch", null, true, []),
	]}
	_deny(inp) == set()
}

test_pass_arg_tag_with_pinned_default if {
	inp := {"args": [{"name": "NGINX_VERSION", "value": "1.27"}], "stages": [
		object.union(_stage(0, null, "nginx:1.27", null, true, []), {"from": {"image": "nginx:1.27", "raw": "nginx:${NGINX_VERSION}", "stage": null, "scratch": false, "platform": null}}),
	]}
	_deny(inp) == set()
}

test_fail_variable_before_the_last_slash if {
	_deny(_one("${REGISTRY}/ubuntu", [])) == {_f(0, "#1", "${REGISTRY}/ubuntu")}
	_deny(_one("$REGISTRY/team/app:latest", [])) == {_latest(0, "#1", "$REGISTRY/team/app:latest")}
	_deny(_one("${REGISTRY}/ubuntu:24.04", [])) == set()
}

test_pass_unresolved_variable_not_judged if {
	_deny(_one("nginx:${NGINX_VERSION}", [])) == set()
	_deny(_one("${BASE_IMAGE}", [])) == set()
}

# ---- input builders ----

_i(keyword, args) := {
	"keyword": keyword, "form": "shell", "flags": [], "value": concat(" ", args),
	"args": args, "expanded": args, "pairs": [], "heredocs": [], "line": 0,
}

_run(cmd) := _i("RUN", [cmd])

_from(image, name) := _i("FROM", [image, "AS", name]) if is_string(name)

_from(image, null) := _i("FROM", [image])

_stage(index, name, image, parent, final, rest) := {
	"index": index, "name": name, "final": final,
	"from": {
		"image": image, "raw": image, "stage": parent,
		"scratch": image == "scratch", "platform": null,
	},
	"instructions": array.concat([_from(image, name)], rest),
}

_one(image, rest) := {"args": [], "stages": [_stage(0, null, image, null, true, rest)]}
