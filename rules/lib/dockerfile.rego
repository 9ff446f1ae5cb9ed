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

stage_label(s) := sprintf("%d", [s.index]) if not is_string(s.name)
