package rules.kubernetes.K8S014_test

_secret(extra) := object.union({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "type": "Opaque"}, extra)

test_fail_data if {
	data.rules.kubernetes.K8S014.deny == {{"path": ["data"], "params": {"secret": "db", "field": "data", "keys": "password, username"}}} with input as _secret({"data": {"username": "YXBw", "password": "czNjcjN0"}})
}

test_fail_string_data if {
	data.rules.kubernetes.K8S014.deny == {{"path": ["stringData"], "params": {"secret": "db", "field": "stringData", "keys": "DATABASE_URL"}}} with input as _secret({"stringData": {"DATABASE_URL": "postgres://app:pw@db:5432/app", "EMPTY": ""}})
}

test_fail_data_and_string_data if {
	data.rules.kubernetes.K8S014.deny == {
		{"path": ["data"], "params": {"secret": "db", "field": "data", "keys": "tls.crt"}},
		{"path": ["stringData"], "params": {"secret": "db", "field": "stringData", "keys": "port"}},
	} with input as _secret({"data": {"tls.crt": "LS0t"}, "stringData": {"port": 5432}})
}

test_pass_no_data if {
	data.rules.kubernetes.K8S014.deny == set() with input as _secret({})
}

test_pass_empty_and_null_data if {
	data.rules.kubernetes.K8S014.deny == set() with input as _secret({"data": {}})
	data.rules.kubernetes.K8S014.deny == set() with input as _secret({"data": null, "stringData": {}})
	data.rules.kubernetes.K8S014.deny == set() with input as _secret({"data": {"password": "", "token": null}})
}

test_pass_service_account_token if {
	data.rules.kubernetes.K8S014.deny == set() with input as _secret({"type": "kubernetes.io/service-account-token", "metadata": {"name": "sa-token", "annotations": {"kubernetes.io/service-account.name": "app"}}})
}

test_pass_other_kind if {
	data.rules.kubernetes.K8S014.deny == set() with input as {"apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret", "metadata": {"name": "db"}, "spec": {"encryptedData": {"password": "AgB..."}}}
}

test_pass_argocd_vault_plugin_placeholders if {
	data.rules.kubernetes.K8S014.deny == set() with input as _secret({"stringData": {"password": "<path:kv/data/app#password>", "url": "<path:kv/data/app#url | base64encode>"}})
	data.rules.kubernetes.K8S014.deny == set() with input as _secret({"metadata": {"name": "db", "annotations": {"avp.kubernetes.io/path": "kv/data/app"}}, "data": {"password": "<password | base64encode>"}})
}

test_fail_literal_next_to_placeholders if {
	data.rules.kubernetes.K8S014.deny == {{"path": ["stringData"], "params": {"secret": "db", "field": "stringData", "keys": "user"}}} with input as _secret({"stringData": {"password": "<path:kv/data/app#password>", "user": "app"}})
	data.rules.kubernetes.K8S014.deny == {{"path": ["stringData"], "params": {"secret": "db", "field": "stringData", "keys": "password"}}} with input as _secret({"stringData": {"password": "<password>"}})
}
