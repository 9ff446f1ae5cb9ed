package rules.dockerfile.DF007_test

_deny(inp) := d if {
	d := data.rules.dockerfile.DF007.deny with input as inp
}

_kv(keyword, pairs) := object.union(_i(keyword, [concat(" ", [sprintf("%v=%v", [p[0], p[1]]) | some p in pairs])]), {"pairs": [{"key": p[0], "value": p[1]} | some p in pairs]})

_f(stage, j, keyword, name) := {"path": ["stages", stage, "instructions", j], "params": {"keyword": keyword, "name": name}}

test_fail_env_password if {
	_deny(_one("postgres:16", [_kv("ENV", [["POSTGRES_PASSWORD", "s3cr3t"]])])) == {_f(0, 1, "ENV", "POSTGRES_PASSWORD")}
}

test_fail_two_pairs_two_findings if {
	inp := _one("node:20.11", [_kv("ENV", [["NODE_ENV", "production"], ["API_KEY", "abc123"], ["jwt_secret", "changeme"]])])
	_deny(inp) == {_f(0, 1, "ENV", "API_KEY"), _f(0, 1, "ENV", "jwt_secret")}
}

test_fail_arg_default_in_builder_stage if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "node:20.11", null, false, [_kv("ARG", [["NPM_TOKEN", "npm_abcdef"]])]),
		_stage(1, null, "nginx:1.27", null, true, []),
	]}
	_deny(inp) == {_f(0, 1, "ARG", "NPM_TOKEN")}
}

test_fail_global_arg if {
	inp := {"args": [{"name": "GITHUB_TOKEN", "value": "ghp_xxx"}], "stages": [_stage(0, null, "alpine:3.20", null, true, [])]}
	_deny(inp) == {{"path": ["args", 0], "params": {"keyword": "ARG", "name": "GITHUB_TOKEN"}}}
}

test_fail_reference_with_literal_default if {
	_deny(_one("mysql:8.4", [_kv("ENV", [["MYSQL_ROOT_PASSWD", "${ROOT_PW:-root}"], ["AWS_SECRET_ACCESS_KEY", "wJalr"], ["PRIVATE_KEY", "x"]])])) == {
		_f(0, 1, "ENV", "MYSQL_ROOT_PASSWD"),
		_f(0, 1, "ENV", "AWS_SECRET_ACCESS_KEY"),
		_f(0, 1, "ENV", "PRIVATE_KEY"),
	}
}

test_pass_empty_and_references if {
	inp := _one("postgres:16", [
		_kv("ENV", [["PASSWORD", ""], ["DB_PASSWORD", "${DB_PASSWORD}"], ["API_TOKEN", "$API_TOKEN"], ["SECRET_KEY", "${SECRET_KEY:-}"], ["ACCESS_KEY", "${ACCESS_KEY:?required}"]]),
		_kv("ARG", [["GITHUB_TOKEN", null], ["NPM_TOKEN", ""]]),
	])
	_deny(inp) == set()
}

test_pass_names_that_are_not_credentials if {
	inp := _one("python:3.12-slim", [_kv("ENV", [
		["TOKENIZERS_PARALLELISM", "false"],
		["POSTGRES_PASSWORD_FILE", "/run/secrets/db"],
		["SECRETS_DIR", "/secrets"],
		["TOKEN_URL", "https://sso.example.org/token"],
		["VAULT_SKIP_TOKEN", "true"],
		["PASSWORD_MIN_LENGTH", "12"],
		["KEYCLOAK_REALM", "app"],
	])])
	_deny(inp) == set()
}

test_pass_params_override if {
	inp := _one("python:3.12-slim", [_kv("ENV", [["DJANGO_SECRET_KEY", "dev"], ["MY_PIN", "1234"]])])
	d := data.rules.dockerfile.DF007.deny with input as inp
		with data.params.DF007 as {"name_patterns": ["PIN$"], "ignored_name_suffixes": [], "ignored_values": []}
	d == {_f(0, 1, "ENV", "MY_PIN")}
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
