package lib.dockerfile_test

import data.lib.dockerfile

_from(image, stage) := {"image": image, "raw": image, "stage": stage, "scratch": image == "scratch", "platform": null}

_stage(index, name, from, final) := {"index": index, "name": name, "final": final, "from": from, "instructions": [
	{"keyword": "FROM", "form": "shell", "flags": [], "value": "", "args": [], "expanded": [], "pairs": [], "heredocs": [], "line": index + 1},
]}

# base (0) ← builder (1) ← tools (2, unrelated) ; final (3) is FROM builder, so the chain is 3, 1, 0.
_multi := {"args": [], "stages": [
	_stage(0, "base", _from("python:3.12-slim", null), false),
	_stage(1, "Builder", _from("base", 0), false),
	_stage(2, "tools", _from("golang:1.22", null), false),
	_stage(3, null, _from("builder", null), true),
]}

test_final_chain_follows_from_stage_and_names if {
	dockerfile.final_chain == {3, 1, 0} with input as _multi
	dockerfile.final_base_image == "python:3.12-slim" with input as _multi
	dockerfile.final_base.image == "python:3.12-slim" with input as _multi
}

test_parent if {
	s := _multi.stages[1]
	p := dockerfile.parent(s) with input as _multi
	p == 0
}

test_parent_by_name if {
	s := _multi.stages[3]
	p := dockerfile.parent(s) with input as _multi
	p == 1
}

test_parent_none if {
	s := _multi.stages[2]
	count([p | p := dockerfile.parent(s)]) == 0 with input as _multi
}

test_final_base_image_scratch if {
	inp := {"args": [], "stages": [_stage(0, null, _from("scratch", null), true)]}
	dockerfile.final_chain == {0} with input as inp
	not dockerfile.final_base_image with input as inp
	dockerfile.final_base.scratch with input as inp
}

test_chain_stops_after_eight_levels if {
	stages := [_stage(i, sprintf("s%d", [i]), _from(sprintf("s%d", [i - 1]), i - 1), i == 10) | some i in numbers.range(1, 10)]
	inp := {"args": [], "stages": array.concat([_stage(0, "s0", _from("alpine:3.20", null), false)], stages)}
	dockerfile.final_chain == {10, 9, 8, 7, 6, 5, 4, 3, 2} with input as inp
}

_run(value, heredocs) := {"keyword": "RUN", "form": "shell", "flags": [], "value": value, "args": [value], "expanded": [value], "pairs": [], "heredocs": heredocs, "line": 2}

test_shell_segments if {
	dockerfile.shell_segments(_run("apt-get update && apt-get install -y \\\n curl; echo ok | tee x # note", [])) == {"apt-get update", "apt-get install -y   curl", "echo ok", "tee x # note"}
	dockerfile.shell_segments(_run("bash", [{"name": "EOF", "content": "# comment\nmake\n(cd x)"}])) == {"bash", "make", "cd x"}
}

test_shell_tokens if {
	dockerfile.shell_tokens(`apk add --no-cache "openssh"  'sudo'`) == ["apk", "add", "--no-cache", "openssh", "sudo"]
}

test_package_install_and_removal if {
	regex.match(dockerfile.package_install, "apt-get -y install openssh-server")
	regex.match(dockerfile.package_install, "sudo apk add dropbear")
	regex.match(dockerfile.package_install, "sh -c 'pacman -syu openssh")
	not regex.match(dockerfile.package_install, "apt-get update")
	regex.match(dockerfile.package_removal, "apt-get purge -y sudo")
	regex.match(dockerfile.package_removal, "rm -rf /usr/bin/sudo")
	not regex.match(dockerfile.package_removal, "apk add sudo")
}

# The patterns moved here from DF003 (`_install_re`) and DF008 (`_removal_re`) unchanged.
test_patterns_unchanged if {
	dockerfile.package_install == concat("", [
		dockerfile.command_prefix,
		`([^ \t]*/)?((apt-get|apt|aptitude|yum|dnf|microdnf|tdnf|zypper)[ \t]([^ \t]+[ \t]+)*(install|in|reinstall)`,
		`|apk[ \t]([^ \t]+[ \t]+)*add|pacman[ \t]([^ \t]+[ \t]+)*-s[a-z]*)([ \t]|$)`,
	])
	dockerfile.package_removal == concat("", [
		dockerfile.command_prefix,
		`([^ \t]*/)?((apt-get|apt|aptitude|yum|dnf|microdnf|tdnf|zypper)[ \t]([^ \t]+[ \t]+)*(remove|purge|erase|autoremove|rm)`,
		`|apk[ \t]([^ \t]+[ \t]+)*del|pacman[ \t]([^ \t]+[ \t]+)*-r[a-z]*|rm|deluser|userdel)([ \t]|$)`,
	])
}
