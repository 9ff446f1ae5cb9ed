package rules.dockerfile.DF002_test

_deny(inp) := d if {
	d := data.rules.dockerfile.DF002.deny with input as inp
}

_f(stage, j, label, port) := {"path": ["stages", stage, "instructions", j], "params": {"stage": label, "port": port}}

test_fail_port_80 if {
	_deny(_one("nginx:1.27", [_i("EXPOSE", ["80"])])) == {_f(0, 1, "#1", "80")}
}

test_fail_two_ports_two_findings if {
	inp := _one("nginx:1.27", [_i("EXPOSE", ["80/tcp"]), _run("true"), _i("EXPOSE", ["443/udp", "8443"])])
	_deny(inp) == {_f(0, 1, "#1", "80/tcp"), _f(0, 3, "#1", "443/udp")}
}

test_fail_1024_is_privileged if {
	_deny(_one("nginx:1.27", [_i("EXPOSE", ["1024"])])) == {_f(0, 1, "#1", "1024")}
}

test_fail_range_low_end if {
	_deny(_one("nginx:1.27", [_i("EXPOSE", ["1000-2000/tcp"])])) == {_f(0, 1, "#1", "1000-2000/tcp")}
}

test_fail_port_from_arg_default if {
	expose := object.union(_i("EXPOSE", ["$PORT"]), {"expanded": ["80"]})
	_deny(_one("nginx:1.27", [_i("ARG", ["PORT=80"]), expose])) == {_f(0, 2, "#1", "80")}
}

test_fail_expose_in_parent_stage if {
	inp := {"args": [], "stages": [
		_stage(0, "base", "httpd:2.4", null, false, [_i("EXPOSE", ["80"])]),
		_stage(1, "final", "base", 0, true, [_i("USER", ["1001"])]),
	]}
	_deny(inp) == {_f(0, 1, "final", "80")}
}

test_pass_high_ports if {
	_deny(_one("nginx:1.27", [_i("EXPOSE", ["8080", "8443/tcp", "1025", "8000-8080"])])) == set()
}

test_pass_unresolved_variable if {
	_deny(_one("nginx:1.27", [_i("EXPOSE", ["${PORT}"])])) == set()
}

test_pass_builder_stage_only if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "node:20.11", null, false, [_i("EXPOSE", ["80"])]),
		_stage(1, null, "nginxinc/nginx-unprivileged:1.27", null, true, [_i("EXPOSE", ["8080"])]),
	]}
	_deny(inp) == set()
}

test_pass_threshold_param if {
	d := data.rules.dockerfile.DF002.deny with input as _one("nginx:1.27", [_i("EXPOSE", ["2000"])])
		with data.params.DF002 as {"max_privileged_port": 1024}
	d == set()
	d2 := data.rules.dockerfile.DF002.deny with input as _one("nginx:1.27", [_i("EXPOSE", ["2000"])])
		with data.params.DF002 as {"max_privileged_port": 2048}
	d2 == {_f(0, 1, "#1", "2000")}
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

test_fail_one_finding_per_instruction if {
	_deny(_one("nginx:1.27", [_i("EXPOSE", ["80", "8080", "443/tcp"])])) == {_f(0, 1, "#1", "80, 443/tcp")}
}
