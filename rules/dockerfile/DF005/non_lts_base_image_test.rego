package rules.dockerfile.DF005_test

_deny(inp) := d if {
	d := data.rules.dockerfile.DF005.deny with input as inp
}

_f(stage, label, image) := {"path": ["stages", stage, "instructions", 0], "params": {"stage": label, "image": image}}

_fires(image) if _deny(_one(image, [])) == {_f(0, "#1", image)}

_passes(image) if _deny(_one(image, [])) == set()

test_fail_rolling_tags if {
	_fires("alpine:edge")
	_fires("alpine:20240606")
	_fires("debian:sid")
	_fires("debian:testing-slim")
	_fires("debian:unstable-20240612")
	_fires("debian:experimental")
	_fires("debian:forky")
	_fires("debian:rc-buggy")
	_fires("fedora:rawhide")
	_fires("archlinux:base-devel")
	_fires("archlinux")
	_fires("opensuse/tumbleweed:latest")
	_fires("docker.io/library/debian:sid-slim")
}

test_fail_ubuntu_interim_releases if {
	_fires("ubuntu:23.04")
	_fires("ubuntu:23.10")
	_fires("ubuntu:24.10")
	_fires("ubuntu:25.04")
	_fires("ubuntu:lunar")
	_fires("ubuntu:mantic-20231011")
	_fires("ubuntu:oracular")
	_fires("ubuntu:plucky")
	_fires("ubuntu:questing")
	_fires("ubuntu:devel")
	_fires("ubuntu:rolling")
}

test_fail_codename_in_other_image_tag if {
	_fires("buildpack-deps:sid-curl")
	_fires("eclipse-temurin:21-jre-oracular")
	_fires("nvidia/cuda:12.6.0-runtime-ubuntu24.10")
}

test_fail_base_followed_through_stages if {
	inp := {"args": [], "stages": [
		_stage(0, "base", "debian:testing-slim", null, false, []),
		_stage(1, "build", "base", 0, false, []),
		_stage(2, "final", "build", 1, true, []),
	]}
	_deny(inp) == {_f(2, "final", "debian:testing-slim")}
}

test_pass_lts_and_stable if {
	_passes("ubuntu:24.04")
	_passes("ubuntu:22.04")
	_passes("ubuntu:20.04")
	_passes("ubuntu:jammy-20240111")
	_passes("ubuntu:noble")
	_passes("ubuntu:focal")
	_passes("ubuntu")
	_passes("debian:bookworm-slim")
	_passes("debian:12")
	_passes("alpine:3.20")
	_passes("fedora:40")
	_passes("gcr.io/distroless/static-debian12:nonroot")
	_passes("bitnami/minideb:bookworm")
	_passes("registry.access.redhat.com/ubi9/ubi-minimal:9.4")
	_passes("nvidia/cuda:12.2.0-devel-ubuntu22.04")
	_passes("python:3.12-slim-bookworm")
	_passes("ubuntu:${UBUNTU_VERSION}")
}

test_pass_scratch_and_builder_only if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "debian:sid", null, false, []),
		_stage(1, null, "scratch", null, true, []),
	]}
	_deny(inp) == set()
}

test_pass_param_override if {
	d := data.rules.dockerfile.DF005.deny with input as _one("debian:forky", [])
		with data.params.DF005 as {"debian_rolling_tags": ["sid"], "ubuntu_non_lts_codenames": []}
	d == set()
	d2 := data.rules.dockerfile.DF005.deny with input as _one("ubuntu:lunar", [])
		with data.params.DF005 as {"debian_rolling_tags": ["sid"], "ubuntu_non_lts_codenames": ["lunar"]}
	d2 == {_f(0, "#1", "ubuntu:lunar")}
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
