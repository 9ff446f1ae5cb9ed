# Helpers over the parsed Dockerfile input (see docs/writing-rules.md for its shape).
package lib.dockerfile

final_stage := s if {
	some s in input.stages
	s.final
}

final_stage_index := final_stage.index

# Instructions of the final stage with their index, e.g. `some j, inst in data.lib.dockerfile.final_instructions`.
final_instructions := final_stage.instructions

instruction_path(stage_index, instruction_index) := ["stages", stage_index, "instructions", instruction_index]

# Name of a stage for messages: its AS name, else its index.
stage_label(s) := s.name if is_string(s.name)

# Unnamed stages by their 1-based ordinal, as people count them (`#1` is the first FROM).
stage_label(s) := sprintf("#%d", [s.index + 1]) if not is_string(s.name)

# The stage of index `i`.
stage(i) := s if {
	some s in input.stages
	s.index == i
}

# Index of the earlier stage that `s` is built FROM: `from.stage`, else the last earlier stage
# whose AS name matches the image (case-insensitively).
parent(s) := s.from.stage if is_number(s.from.stage)

parent(s) := max(c) if {
	not is_number(s.from.stage)
	is_string(s.from.image)
	c := {t.index |
		some t in input.stages
		t.index < s.index
		is_string(t.name)
		lower(t.name) == lower(s.from.image)
	}
	count(c) > 0
}

# The stages whose instructions end up in the final image: the final stage and the stages it is
# built FROM (`FROM builder`), followed up to 8 levels.
final_chain contains final_stage_index

final_chain contains _up1

final_chain contains _up2

final_chain contains _up3

final_chain contains _up4

final_chain contains _up5

final_chain contains _up6

final_chain contains _up7

final_chain contains _up8

_up1 := parent(stage(final_stage_index))

_up2 := parent(stage(_up1))

_up3 := parent(stage(_up2))

_up4 := parent(stage(_up3))

_up5 := parent(stage(_up4))

_up6 := parent(stage(_up5))

_up7 := parent(stage(_up6))

_up8 := parent(stage(_up7))

# The `from` of the first stage of that chain: the external base image of the final image.
final_base := stage(min(final_chain)).from

# Its image, unless it is `scratch`.
final_base_image := final_base.image if {
	not final_base.scratch == true
	is_string(final_base.image)
}

# Shell commands of RUN/CMD/ENTRYPOINT: the instruction text (arguments, then heredoc bodies),
# with backslash-newline continuations joined.
shell_text(inst) := replace(replace(concat("\n", array.concat(
	[concat(" ", inst.expanded)],
	[h.content | some h in object.get(inst, "heredocs", [])],
)), "\\\r\n", " "), "\\\n", " ")

# Simple commands, split at `&&`, `||`, `;`, `|`, newlines, parentheses, braces and backquotes;
# comments and empty pieces dropped.
shell_segments(inst) := {seg |
	some piece in regex.split("&&|\\|\\||[;|\n(){}`]", shell_text(inst))
	seg := trim_space(piece)
	seg != ""
	not startswith(seg, "#")
}

# The same simple commands as an array, in the order they appear (for rules that need
# "installed before, removed after"); `${VAR}` is read `$VAR`, so only `{` splits (a closing
# brace is a blank: what precedes it already ends at `;` or a newline).
shell_segment_list(inst) := [seg |
	text := replace(replace(shell_text(inst), "${", "$"), "}", " ")
	some piece in regex.split("&&|\\|\\||[;|\n(){}`]", text)
	seg := trim_space(piece)
	seg != ""
	not startswith(seg, "#")
]

# Words of a command, quotes trimmed. (String built-ins rather than regexes here and in
# `shell_text`: regorus compiles each pattern once per process, and for a one-file check the
# compilation costs more than the evaluation.)
shell_tokens(seg) := [w |
	some t in split(replace(seg, "\t", " "), " ")
	w := trim(t, "\"'")
	w != ""
]

# What may precede the command name in a (lower-cased) segment: variable assignments, `then`,
# `do`, `else`, `exec`, `time`, `nohup`, `command`, `env`, `sudo`, `!`, `sh -c` and the like.
command_prefix := concat("", [
	`^(([a-z_][a-z0-9_]*=[^ \t]*|then|do|else|exec|time|nohup|command|env|sudo|!`,
	`|([^ \t]*/)?(ba|da|z|a)?sh[ \t]+(-[a-z]+[ \t]+)*-[a-z]*c)[ \t]+["']?)*`,
])

_package_managers := `(apt-get|apt|aptitude|yum|dnf|microdnf|tdnf|zypper)`

# A (lower-cased) segment that installs packages: `apt-get install`, `apk add`, `pacman -S`...
package_install := concat("", [
	command_prefix,
	`([^ \t]*/)?(`, _package_managers, `[ \t]([^ \t]+[ \t]+)*(install|in|reinstall)`,
	`|apk[ \t]([^ \t]+[ \t]+)*add|pacman[ \t]([^ \t]+[ \t]+)*-s[a-z]*)([ \t]|$)`,
])

# A (lower-cased) segment that removes packages or files: `apt-get purge`, `apk del`, `rm`...
package_removal := concat("", [
	command_prefix,
	`([^ \t]*/)?(`, _package_managers, `[ \t]([^ \t]+[ \t]+)*(remove|purge|erase|autoremove|rm)`,
	`|apk[ \t]([^ \t]+[ \t]+)*del|pacman[ \t]([^ \t]+[ \t]+)*-r[a-z]*|rm|deluser|userdel)([ \t]|$)`,
])
