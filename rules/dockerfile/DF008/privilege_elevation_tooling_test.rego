package rules.dockerfile.DF008_test

_deny(inp) := d if {
	d := data.rules.dockerfile.DF008.deny with input as inp
}

_f(stage, j, label, tool) := {"path": ["stages", stage, "instructions", j], "params": {"stage": label, "tool": tool}}

test_fail_installs if {
	_deny(_one("debian:12", [_run("apt-get update && apt-get install -y --no-install-recommends sudo curl")])) == {_f(0, 1, "#1", "sudo")}
	_deny(_one("alpine:3.20", [_run("apk add --no-cache su-exec=0.2-r3")])) == {_f(0, 1, "#1", "su-exec")}
	_deny(_one("rockylinux:9", [_run("dnf install -y gosu")])) == {_f(0, 1, "#1", "gosu")}
	_deny(_one("registry.access.redhat.com/ubi9/ubi-minimal:9.4", [_run("microdnf install -y sudo")])) == {_f(0, 1, "#1", "sudo")}
	_deny(_one("centos:7", [_run("yum install -y sudo-1.8.23")])) == {_f(0, 1, "#1", "sudo")}
}

test_fail_setuid_and_gosu_two_findings if {
	inp := _one("debian:12", [
		_run("chmod u+s /usr/local/bin/helper"),
		_run("chmod 4755 /opt/tool && chmod +s /opt/other"),
		object.union(_i("ENTRYPOINT", ["gosu", "app", "/docker-entrypoint.sh"]), {"form": "json"}),
	])
	_deny(inp) == {
		_f(0, 1, "#1", "chmod u+s"),
		_f(0, 2, "#1", "chmod +s, chmod 4755"),
		_f(0, 3, "#1", "gosu"),
	}
}

test_fail_download_and_copy if {
	inp := _one("debian:12", [
		_run("curl -fsSL -o /usr/local/bin/gosu https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64 && chmod +x /usr/local/bin/gosu"),
		_i("COPY", ["--from=tianon/gosu:1.17", "/gosu", "/usr/local/bin/"]),
	])
	_deny(inp) == {_f(0, 1, "#1", "gosu"), _f(0, 2, "#1", "gosu")}
}

test_fail_heredoc_body if {
	run := object.union(_run("<<EOF"), {"heredocs": [{"name": "EOF", "content": "set -eux\napt-get install -y \\\n  sudo\necho 'app ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/app\n"}]})
	_deny(_one("ubuntu:24.04", [run])) == {_f(0, 1, "#1", "sudo")}
}

test_fail_in_parent_stage if {
	inp := {"args": [], "stages": [
		_stage(0, "base", "debian:12", null, false, [_run("apt-get install -y sudo")]),
		_stage(1, "final", "base", 0, true, [_i("USER", ["1001"])]),
	]}
	_deny(inp) == {_f(0, 1, "final", "sudo")}
}

test_pass_no_elevation if {
	inp := _one("debian:12", [
		_run("chmod 755 /app && chmod g+s /data && chmod 2775 /shared && chmod u-s /usr/bin/passwd"),
		_run("apt-get purge -y --auto-remove sudo && rm -f /etc/sudoers"),
		_run("apk del su-exec; rm -rf /usr/local/bin/gosu"),
		_run("echo pseudo && cat /etc/sudoers.d/readme || true"),
		_i("USER", ["1001"]),
	])
	_deny(inp) == set()
}

test_pass_builder_stage_only if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "debian:12", null, false, [_run("apt-get install -y sudo && chmod u+s /bin/x")]),
		_stage(1, null, "gcr.io/distroless/static-debian12:nonroot", null, true, [_i("COPY", ["--from=build", "/out", "/app"])]),
	]}
	_deny(inp) == set()
}

test_pass_comment_in_heredoc if {
	run := object.union(_run("<<EOF"), {"heredocs": [{"name": "EOF", "content": "# no sudo here, we run as 1001\nchown -R 1001:0 /app\n"}]})
	_deny(_one("ubuntu:24.04", [run])) == set()
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

# `_tools` is written with string built-ins; this regex is its definition.
test_tools_match_their_regex_definition if {
	tokens := [
		"sudo", "gosu", "su-exec", "/usr/bin/sudo", "bin/gosu", "sudo=1.9", "sudo<2", "sudo>1", "sudo~1",
		"sudo-1.9.5", "sudo-rs", "sudoers", "pseudo", "xsudo", "a/xsudo", "/sudo/", "sudo/x", "sudo=",
		"su-exec-0.2", "su-exec_1", "gosu1.1", "sudo gosu", "a b/sudo", "sudo\t1", "s/sudo-1/gosu",
		"gosu-", "gosu-x", "", "/", "sudo\n", "a/sudo=1/b",
	]
	count([t |
		some t in tokens
		data.rules.dockerfile.DF008._tools(t) != {name |
			some name in ["sudo", "su-exec", "gosu"]
			regex.match(concat("", [`^([^ \t]*/)?`, name, `(([=<>~]|-[0-9])[^ \t]*)?$`]), t)
		}
	]) == 0
	count([t | some t in tokens; count(data.rules.dockerfile.DF008._tools(t)) > 0]) > 10
	data.rules.dockerfile.DF008._tools("s/sudo-1/gosu") == {"sudo", "gosu"}
}
