package rules.helm.HELM002_test

_in(values) := {"chart": {"name": "app"}, "images": [], "values_files": [{
	"file": "c/values.yaml",
	"values": values,
	"strings": [[path, value] | walk(values, [path, value]); is_string(value); count(path) > 0],
}]}

_f(path, key, name) := {"path": array.concat(["values_files", 0, "values"], path), "params": {"key": key, "name": name, "file": "c/values.yaml"}}

test_fail_literal_credentials if {
	values := {
		"auth": {"password": "changeme", "rootPassword": "r00t", "existingSecret": ""},
		"db": {"user": "app", "password": ""},
		"api": {"apiKey": "k-123", "tokenTTL": "1h"},
		"extra": [{"name": "x", "secret": "s3cr3t"}],
	}
	data.rules.helm.HELM002.deny == {
		_f(["auth", "password"], "auth.password", "password"),
		_f(["auth", "rootPassword"], "auth.rootPassword", "rootPassword"),
		_f(["api", "apiKey"], "api.apiKey", "apiKey"),
		_f(["extra", 0, "secret"], "extra.0.secret", "secret"),
	} with input as _in(values)
}

test_pass_references_and_empty_defaults if {
	values := {
		"auth": {"password": "", "existingSecret": "app-db", "existingSecretPasswordKey": "password", "passwordKey": "pw"},
		"jwt": {"secretName": "jwt-keys", "tokenFile": "/run/secrets/token", "tokenTTL": "15m"},
		"tls": {"secret": "{{ .Release.Name }}-tls"},
		"features": {"tokenAuth": true, "secretsEnabled": "true"},
	}
	count(data.rules.helm.HELM002.deny) == 0 with input as _in(values)
}

test_pass_secret_names_and_keys_inside_secrets if {
	values := {
		"tls": {"tlsSecret": "grafana.local-tls", "passwordsSecretKeystoreKey": "keystore-password"},
		"thanos": {"secretKey": "thanos.yaml"},
		"caCerts": {"secret": "ca-certs-secret"},
		"rfc2136": {"tsigSecretAlg": "hmac-sha256"},
	}
	count(data.rules.helm.HELM002.deny) == 0 with input as _in(values)
}

test_fail_secret_values_that_are_not_names if {
	values := {"oauth": {"clientSecret": "XXXXXXXX"}, "aws": {"secretKey": "wJalrXUtnFEMI/K7MDENG"}}
	data.rules.helm.HELM002.deny == {
		_f(["oauth", "clientSecret"], "oauth.clientSecret", "clientSecret"),
		_f(["aws", "secretKey"], "aws.secretKey", "secretKey"),
	} with input as _in(values)
}

test_pass_values_that_name_no_secret if {
	values := {
		"spark": {"hadoop": {"fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"}},
		"rbac": {"secretFieldSelector": "type!=kubernetes.io/service-account-token", "secretLabelSelector": "app.kubernetes.io/name=web"},
		"vault": {"password": "<path:kv/data/app#password>", "token": "ref+vault://secret/app#/token", "apiKey": "${API_KEY}"},
		"tls": {"privateKey": "./certs/tls.key", "secretKey": "conf/app.pem"},
		"oidc": {"tokenEndpoint2": "https://sso.example.org/realms/app/protocol/openid-connect/token"},
		"flags": {"password": "true"},
	}
	data.rules.helm.HELM002.deny == set() with input as _in(values)
}

test_fail_values_that_look_like_names_but_hold_a_secret if {
	values := {"db": {
		"password": "postgres://app:s3cr3t@db:5432/app",
		"token": "https://api.example.org/hook?token=abc123",
		"secret": "Org.Apache.NotAClass",
	}}
	data.rules.helm.HELM002.deny == {
		_f(["db", "password"], "db.password", "password"),
		_f(["db", "token"], "db.token", "token"),
		_f(["db", "secret"], "db.secret", "secret"),
	} with input as _in(values)
}
