package rules.dockerfile.DF001_test

_deny(inp) := d if {
	d := data.rules.dockerfile.DF001.deny with input as inp
}

_no_user(stage, image) := {"path": ["stages", stage], "params": {"stage": sprintf("#%v", [stage + 1]), "user": "root", "image": image}}

_unknown(stage, label, image) := {"path": ["stages", stage], "params": {"stage": label, "user": "root", "image": image, "variant": "unknown_user"}}

test_fail_no_user if {
	_deny(_one("node:20.11", [_run("npm ci")])) == {_no_user(0, "node:20.11")}
}

test_fail_scratch_without_user if {
	_deny(_one("scratch", [_i("COPY", ["app", "/app"])])) == {_no_user(0, "scratch")}
}

test_fail_unknown_base_user_is_said_unknown if {
	_deny(_one("gcr.io/distroless/static-debian12", [])) == {_unknown(0, "#1", "gcr.io/distroless/static-debian12")}
	_deny(_one("cgr.dev/chainguard/node:20-dev", [])) == {_unknown(0, "#1", "cgr.dev/chainguard/node:20-dev")}
	_deny(_one("cgr.dev/chainguard/wolfi-base:latest", [])) == {_unknown(0, "#1", "cgr.dev/chainguard/wolfi-base:latest")}
	_deny(_one("bitnami/minideb:bookworm", [])) == {_unknown(0, "#1", "bitnami/minideb:bookworm")}
	_deny(_one("registry.example.com/team/base:1.0", [])) == {_unknown(0, "#1", "registry.example.com/team/base:1.0")}
	_deny(_one("mcr.microsoft.com/dotnet/aspnet:8.0", [])) == {_unknown(0, "#1", "mcr.microsoft.com/dotnet/aspnet:8.0")}
}

test_fail_known_root_bases if {
	_deny(_one("docker.io/library/debian:12", [])) == {_no_user(0, "docker.io/library/debian:12")}
	_deny(_one("registry.access.redhat.com/ubi9/ubi-minimal:9.4", [])) == {_no_user(0, "registry.access.redhat.com/ubi9/ubi-minimal:9.4")}
	_deny(_one("registry.access.redhat.com/ubi9:9.4", [])) == {_no_user(0, "registry.access.redhat.com/ubi9:9.4")}
}

test_pass_known_rootless_bases if {
	_deny(_one("nginxinc/nginx-unprivileged:1.27-alpine", [])) == set()
	_deny(_one("docker.io/nginxinc/nginx-unprivileged:1.27", [])) == set()
	_deny(_one("bitnami/nginx:1.27", [])) == set()
	_deny(_one("cgr.dev/chainguard/node:20", [])) == set()
	_deny(_one("cgr.dev/chainguard/static:latest", [])) == set()
	_deny(_one("registry.access.redhat.com/ubi9/nodejs-20-minimal:1-63", [])) == set()
	_deny(_one("registry.access.redhat.com/ubi8/openjdk-21-runtime:1.20", [])) == set()
	_deny(_one("quay.io/keycloak/keycloak:25.0.6", [])) == set()
	_deny(_one("mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled", [])) == set()
}

test_fail_last_user_root if {
	inp := _one("python:3.12-slim", [_i("USER", ["1001"]), _run("id"), _i("USER", ["root"])])
	_deny(inp) == {{"path": ["stages", 0, "instructions", 3], "params": {"stage": "#1", "user": "root", "image": "python:3.12-slim"}}}
}

test_fail_root_with_group if {
	_deny(_one("debian:12", [_i("USER", ["root:root"])])) == {{"path": ["stages", 0, "instructions", 1], "params": {"stage": "#1", "user": "root:root", "image": "debian:12"}}}
	_deny(_one("debian:12", [_i("USER", ["0:0"])])) == {{"path": ["stages", 0, "instructions", 1], "params": {"stage": "#1", "user": "0:0", "image": "debian:12"}}}
	_deny(_one("debian:12", [_i("USER", ["ROOT"])])) == {{"path": ["stages", 0, "instructions", 1], "params": {"stage": "#1", "user": "ROOT", "image": "debian:12"}}}
}

test_fail_user_variable_resolving_to_root if {
	user := object.union(_i("USER", ["${APP_UID}"]), {"expanded": ["0"]})
	inp := _one("debian:12", [_i("ARG", ["APP_UID=0"]), user])
	_deny(inp) == {{"path": ["stages", 0, "instructions", 2], "params": {"stage": "#1", "user": "0", "image": "debian:12"}}}
}

test_fail_final_stage_without_user_builder_has_one if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "golang:1.22", null, false, [_i("USER", ["1001"]), _run("go build -o /app .")]),
		_stage(1, "runtime", "gcr.io/distroless/static-debian12", null, true, [_i("COPY", ["--from=build", "/app", "/app"])]),
	]}
	_deny(inp) == {_unknown(1, "runtime", "gcr.io/distroless/static-debian12")}
}

test_fail_root_inherited_from_named_stage if {
	inp := {"args": [], "stages": [
		_stage(0, "base", "ubuntu:24.04", null, false, [_i("USER", ["1001"]), _i("USER", ["root"])]),
		_stage(1, "app", "base", 0, true, [_i("COPY", ["app", "/app"])]),
	]}
	_deny(inp) == {{"path": ["stages", 0, "instructions", 2], "params": {"stage": "app", "user": "root", "image": "ubuntu:24.04"}}}
}

test_fail_chain_without_user_reports_final_from if {
	inp := {"args": [], "stages": [
		_stage(0, "base", "ubuntu:24.04", null, false, []),
		_stage(1, "deps", "base", 0, false, [_run("apt-get update")]),
		_stage(2, null, "deps", 1, true, []),
	]}
	_deny(inp) == {_no_user(2, "ubuntu:24.04")}
}

test_pass_numeric_user if {
	_deny(_one("node:20.11", [_i("USER", ["1001"])])) == set()
	_deny(_one("node:20.11", [_i("USER", ["1001:0"])])) == set()
	_deny(_one("node:20.11", [_i("USER", ["app:app"])])) == set()
	_deny(_one("node:20.11", [_i("USER", ["nonroot"])])) == set()
}

test_pass_root_then_non_root if {
	_deny(_one("node:20.11", [_i("USER", ["root"]), _run("apt-get update"), _i("USER", ["node"])])) == set()
}

test_pass_distroless_nonroot if {
	_deny(_one("gcr.io/distroless/static-debian12:nonroot", [])) == set()
	_deny(_one("gcr.io/distroless/java21-debian12:debug-nonroot", [])) == set()
	_deny(_one("gcr.io/distroless/base:nonroot@sha256:abc", [])) == set()
	_deny(_one("cgr.dev/chainguard/static:latest-nonroot", [])) == set()
}

test_pass_user_inherited_from_base_stage if {
	inp := {"args": [], "stages": [
		_stage(0, "base", "registry.access.redhat.com/ubi9/ubi-minimal:9.4", null, false, [_i("USER", ["1001"])]),
		_stage(1, "final", "base", 0, true, [_i("COPY", ["app", "/app"])]),
	]}
	_deny(inp) == set()
}

test_pass_stage_reference_resolved_by_name if {
	# `from.stage` left null by the parser: the stage is found by its name, case-insensitively.
	inp := {"args": [], "stages": [
		_stage(0, "Base", "ubuntu:24.04", null, false, [_i("USER", ["1001"])]),
		_stage(1, null, "base", null, true, []),
	]}
	_deny(inp) == set()
}

test_pass_builder_root_final_nonroot if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "maven:3.9-eclipse-temurin-21", null, false, [_i("USER", ["root"])]),
		_stage(1, null, "eclipse-temurin:21-jre", null, true, [_i("USER", ["1001"])]),
	]}
	_deny(inp) == set()
}

test_pass_unresolved_user_variable if {
	_deny(_one("debian:12", [_i("USER", ["${APP_UID}"])])) == set()
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
