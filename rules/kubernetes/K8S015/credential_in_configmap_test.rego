package rules.kubernetes.K8S015_test

_cm(d) := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config"}, "data": d}

_f(key, entry) := {"path": ["data", key], "params": {"configmap": "app-config", "key": key, "entry": entry}}

test_fail_forbidden_keys_any_case if {
	data.rules.kubernetes.K8S015.deny == {_f("Password", "Password"), _f("SECRET_KEY", "SECRET_KEY")} with input as _cm({"Password": "s3cr3t", "SECRET_KEY": "", "username": "app"})
}

test_fail_forbidden_key_even_empty if {
	data.rules.kubernetes.K8S015.deny == {_f("passwd", "passwd")} with input as _cm({"passwd": ""})
}

test_fail_suffixed_keys_with_literal if {
	data.rules.kubernetes.K8S015.deny == {_f("DB_PASSWORD", "DB_PASSWORD"), _f("dbPassword", "dbPassword")} with input as _cm({"DB_PASSWORD": "changeme", "dbPassword": "changeme", "DB_USER": "app"})
}

test_pass_suffixed_keys_without_literal if {
	data.rules.kubernetes.K8S015.deny == set() with input as _cm({
		"DB_PASSWORD": "${DB_PASSWORD}",
		"REDIS_PASSWORD": "",
		"require_password": "true",
		"ldap.password": "/run/secrets/ldap",
		"PASSWORD_MIN_LENGTH": "12",
		"password_file": "/etc/pw",
		"passwordPolicy": "strict",
	})
}

test_fail_embedded_properties if {
	props := "server.port=8080\nspring.datasource.url=jdbc:postgresql://db:5432/app\nspring.datasource.password=Sup3rS3cret\n"
	data.rules.kubernetes.K8S015.deny == {_f("application.properties", "spring.datasource.password")} with input as _cm({"application.properties": props})
}

test_fail_embedded_env_yaml_json if {
	env := "export DB_HOST=db\nexport DB_PASSWORD='hunter2'  \n"
	y := "database:\n  host: db\n  password: \"p@ss\" # prod\n  secretKey: abc\n"
	j := "{\n  \"user\": \"app\",\n  \"PASSWORD\": \"pw\",\n}\n"
	data.rules.kubernetes.K8S015.deny == {
		_f(".env", "DB_PASSWORD"),
		_f("config.yaml", "password, secretKey"),
		_f("config.json", "PASSWORD"),
	} with input as _cm({".env": env, "config.yaml": y, "config.json": j})
}

test_pass_embedded_placeholders_and_comments if {
	props := concat("\n", [
		"spring.datasource.password=${DB_PASSWORD}",
		"# password=old-one",
		"password:",
		"password: |",
		"password = \"\"",
		"admin.password=$(ADMIN_PASSWORD)",
		"smtp.password={{ .Values.smtp.password }}",
		"ldap.password=<set-me>",
		"jasypt.password=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)",
		"keystore.password=$KEYSTORE_PASSWORD",
		"password_reset_url=https://app/reset",
		"password.min.length=12",
	])
	data.rules.kubernetes.K8S015.deny == set() with input as _cm({"application.properties": props})
}

test_pass_binary_data_and_non_strings if {
	cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config"}, "binaryData": {"password": "cGFzcw=="}, "data": {"port": 8080, "list": null}}
	data.rules.kubernetes.K8S015.deny == set() with input as cm
	data.rules.kubernetes.K8S015.deny == set() with input as _cm(null)
}

test_fail_custom_forbidden_keys if {
	data.rules.kubernetes.K8S015.deny == {_f("api_token", "api_token")} with input as _cm({"api_token": "x", "password": "y"})
		with data.params.K8S015 as {"forbidden_keys": ["token"]}
}
