package rules.dockerfile.DF006_test

_deny(inp) := d if {
	d := data.rules.dockerfile.DF006.deny with input as inp
}

_f(stage, label, image) := {"path": ["stages", stage, "instructions", 0], "params": {"stage": label, "image": image}}

_fires(image) if _deny(_one(image, [])) == {_f(0, "#1", image)}

_passes(image) if _deny(_one(image, [])) == set()

test_fail_alpine_images if {
	_fires("alpine:3.20")
	_fires("alpine")
	_fires("docker.io/library/alpine:3.19@sha256:abc")
	_fires("public.ecr.aws/docker/library/alpine:3.20")
	_fires("alpine/git:2.45.2")
}

test_fail_alpine_tags if {
	_fires("python:3.12-alpine3.20")
	_fires("nginx:1.27-alpine")
	_fires("node:20-alpine")
	_fires("python:${PY_VERSION}-alpine")
}

test_fail_alpine_followed_through_stages if {
	inp := {"args": [], "stages": [
		_stage(0, "base", "node:20-alpine", null, false, []),
		_stage(1, "final", "base", 0, true, [_i("USER", ["node"])]),
	]}
	_deny(inp) == {_f(1, "final", "node:20-alpine")}
}

test_pass_other_bases if {
	_passes("debian:12-slim")
	_passes("python:3.12-slim")
	_passes("gcr.io/distroless/static-debian12:nonroot")
	_passes("registry.access.redhat.com/ubi9/ubi-micro:9.4")
	_passes("scratch")
}

test_pass_alpine_builder_only if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "golang:1.22-alpine", null, false, []),
		_stage(1, null, "gcr.io/distroless/static-debian12:nonroot", null, true, []),
	]}
	_deny(inp) == set()
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
