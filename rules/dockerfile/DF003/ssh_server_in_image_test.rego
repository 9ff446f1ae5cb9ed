package rules.dockerfile.DF003_test

_deny(inp) := d if {
	d := data.rules.dockerfile.DF003.deny with input as inp
}

_f(stage, j, label, item) := {"path": ["stages", stage, "instructions", j], "params": {"stage": label, "item": item}}

test_fail_apt_openssh_server if {
	inp := _one("debian:12", [_run("apt-get update && apt-get install -y --no-install-recommends openssh-server=1:9.2p1-2 curl")])
	_deny(inp) == {_f(0, 1, "#1", "openssh-server=1:9.2p1-2")}
}

test_fail_apk_openssh_and_dropbear_two_findings if {
	inp := _one("alpine:3.20", [_run("apk add --no-cache openssh"), _run("apk add dropbear bash")])
	_deny(inp) == {_f(0, 1, "#1", "openssh"), _f(0, 2, "#1", "dropbear")}
}

test_fail_yum_and_sshd_cmd if {
	inp := _one("rockylinux:9", [
		_run("yum install -y openssh-server && yum clean all"),
		_i("EXPOSE", ["22/tcp"]),
		object.union(_i("CMD", ["/usr/sbin/sshd", "-D"]), {"form": "json"}),
	])
	_deny(inp) == {
		_f(0, 1, "#1", "openssh-server"),
		_f(0, 2, "#1", "EXPOSE 22/tcp"),
		_f(0, 3, "#1", "/usr/sbin/sshd -D"),
	}
}

test_fail_heredoc_install_and_service_start_one_finding_per_instruction if {
	run := object.union(_run("<<EOF"), {"heredocs": [{"name": "EOF", "content": "set -e\napt-get install -y \\\n  openssh-server\nsystemctl enable ssh\n"}]})
	inp := _one("ubuntu:24.04", [run, _i("ENTRYPOINT", ["service ssh start && exec app"])])
	_deny(inp) == {
		_f(0, 1, "#1", "openssh-server, systemctl enable ssh"),
		_f(0, 2, "#1", "service ssh start"),
	}
}

test_fail_expose_range_with_22 if {
	_deny(_one("debian:12", [_i("EXPOSE", ["20-25"])])) == {_f(0, 1, "#1", "EXPOSE 20-25")}
}

test_fail_installed_in_parent_stage if {
	inp := {"args": [], "stages": [
		_stage(0, "base", "debian:12", null, false, [_run("apt-get install -y openssh-server")]),
		_stage(1, "final", "base", 0, true, []),
	]}
	_deny(inp) == {_f(0, 1, "final", "openssh-server")}
}

test_pass_ssh_client_only if {
	inp := _one("debian:12", [
		_run("apt-get install -y openssh-client git && mkdir -p /var/run/sshd ~/.ssh"),
		_run("sed -i 's/#PermitRootLogin/PermitRootLogin/' /etc/ssh/sshd_config || true"),
		_run("apk add dropbear-dbclient openssh-client-default"),
		_i("EXPOSE", ["2222", "8080"]),
	])
	_deny(inp) == set()
}

test_pass_removal_and_builder_stage if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "debian:12", null, false, [_run("apt-get install -y openssh-server"), _i("EXPOSE", ["22"])]),
		_stage(1, null, "debian:12-slim", null, true, [_run("apt-get purge -y openssh-server")]),
	]}
	_deny(inp) == set()
}

test_pass_yum_openssh_is_not_the_server if {
	_deny(_one("rockylinux:9", [_run("dnf install -y openssh openssh-clients")])) == set()
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
