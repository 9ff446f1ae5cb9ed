package rules.kubernetes.K8S016_test

_deploy(containers, init) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"},
	"spec": {"template": {"spec": {"containers": containers, "initContainers": init}}},
}

_f(path, name, container) := {"path": path, "params": {"name": name, "container": container}}

test_fail_literal_password_and_token if {
	c := {"name": "api", "image": "api:1.0", "env": [
		{"name": "DB_HOST", "value": "db"},
		{"name": "DB_PASSWORD", "value": "changeme"},
		{"name": "GITLAB_TOKEN", "value": "glpat-xxxxxxxx"},
	]}
	data.rules.kubernetes.K8S016.deny == {
		_f(["spec", "template", "spec", "containers", 0, "env", 1, "value"], "DB_PASSWORD", "api"),
		_f(["spec", "template", "spec", "containers", 0, "env", 2, "value"], "GITLAB_TOKEN", "api"),
	} with input as _deploy([c], [])
}

test_fail_init_container_and_camel_case if {
	c := {"name": "api", "image": "api:1.0", "env": [{"name": "apiKey", "value": "k-123"}]}
	i := {"name": "migrate", "image": "flyway:10", "env": [{"name": "FLYWAY_PASSWORD", "value": "flyway"}, {"name": "aws-secret-access-key", "value": "abc/def"}]}
	data.rules.kubernetes.K8S016.deny == {
		_f(["spec", "template", "spec", "containers", 0, "env", 0, "value"], "apiKey", "api"),
		_f(["spec", "template", "spec", "initContainers", 0, "env", 0, "value"], "FLYWAY_PASSWORD", "migrate"),
		_f(["spec", "template", "spec", "initContainers", 0, "env", 1, "value"], "aws-secret-access-key", "migrate"),
	} with input as _deploy([c], [i])
}

test_fail_cronjob_mixed_reference if {
	cj := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
		{"name": "dump", "image": "pg:16", "env": [{"name": "PGPASSWORD", "value": "$(PREFIX)-s3cr3t"}]},
	]}}}}}}
	data.rules.kubernetes.K8S016.deny == {_f(["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "env", 0, "value"], "PGPASSWORD", "dump")} with input as cj
}

test_pass_value_from_and_references if {
	c := {"name": "api", "image": "api:1.0", "env": [
		{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
		{"name": "DB_PASSWORD_COPY", "value": "$(DB_PASSWORD)"},
		{"name": "APP_SECRET", "value": "${APP_SECRET}"},
		{"name": "EMPTY_TOKEN", "value": ""},
		{"name": "NULL_TOKEN", "value": null},
		{"name": "NOVALUE_TOKEN"},
	]}
	data.rules.kubernetes.K8S016.deny == set() with input as _deploy([c], [])
}

test_pass_names_of_settings if {
	c := {"name": "api", "image": "api:1.0", "env": [
		{"name": "SECRET_NAME", "value": "db-credentials"},
		{"name": "TOKEN_TTL", "value": "1h"},
		{"name": "ACCESS_TOKEN_EXPIRE_MINUTES", "value": "30"},
		{"name": "TOKENIZERS_PARALLELISM", "value": "false"},
		{"name": "PRIVATE_KEY_FILE", "value": "/etc/keys/tls.key"},
		{"name": "JWT_PRIVATE_KEY", "value": "/var/run/secrets/jwt/key.pem"},
		{"name": "OIDC_TOKEN_URL", "value": "https://sso.example.fr/token"},
		{"name": "PASSWORD_MIN_LENGTH", "value": "12"},
		{"name": "USE_SECRETS", "value": "true"},
		{"name": "LOG_LEVEL", "value": "debug"},
	]}
	data.rules.kubernetes.K8S016.deny == set() with input as _deploy([c], [])
}

test_pass_null_env_and_containers if {
	data.rules.kubernetes.K8S016.deny == set() with input as _deploy([{"name": "api", "image": "api:1.0", "env": null}], [])
	data.rules.kubernetes.K8S016.deny == set() with input as _deploy([{"name": "api", "image": "api:1.0", "env": [null, "x", {"name": 5, "value": "y"}]}], [])
}

test_fail_custom_patterns if {
	c := {"name": "api", "image": "api:1.0", "env": [{"name": "DB_PASSWORD", "value": "changeme"}, {"name": "CREDENTIALS", "value": "a:b"}]}
	data.rules.kubernetes.K8S016.deny == {_f(["spec", "template", "spec", "containers", 0, "env", 1, "value"], "CREDENTIALS", "api")} with input as _deploy([c], [])
		with data.params.K8S016 as {"name_patterns": ["CREDENTIAL"]}
}
