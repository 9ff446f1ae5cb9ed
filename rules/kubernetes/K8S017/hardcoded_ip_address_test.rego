package rules.kubernetes.K8S017_test

_cm(d) := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}, "data": d}

_pod(env) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api"}, "spec": {"containers": [{"name": "api", "image": "api:1.0", "env": env}]}}

_f(path, key, address) := {"path": path, "params": {"key": key, "address": address}}

test_fail_env_url_and_plain if {
	env := [
		{"name": "DB_URL", "value": "jdbc:postgresql://10.20.4.17:5432/db"},
		{"name": "DB_HOST", "value": "postgres.app.svc"},
		{"name": "CACHE", "value": "192.168.1.20"},
	]
	data.rules.kubernetes.K8S017.deny == {
		_f(["spec", "containers", 0, "env", 0, "value"], "DB_URL", "10.20.4.17"),
		_f(["spec", "containers", 0, "env", 2, "value"], "CACHE", "192.168.1.20"),
	} with input as _pod(env)
}

test_fail_ipv6 if {
	env := [
		{"name": "UPSTREAM", "value": "http://[2001:db8::8a2e:370:7334]:8080/"},
		{"name": "DNS", "value": "fe80::1%eth0"},
		{"name": "FULL", "value": "2001:0db8:0000:0000:0000:ff00:0042:8329"},
		{"name": "MAPPED", "value": "::ffff:10.1.2.3"},
	]
	data.rules.kubernetes.K8S017.deny == {
		_f(["spec", "containers", 0, "env", 0, "value"], "UPSTREAM", "2001:db8::8a2e:370:7334"),
		_f(["spec", "containers", 0, "env", 1, "value"], "DNS", "fe80::1"),
		_f(["spec", "containers", 0, "env", 2, "value"], "FULL", "2001:0db8:0000:0000:0000:ff00:0042:8329"),
		_f(["spec", "containers", 0, "env", 3, "value"], "MAPPED", "10.1.2.3, ::ffff:10.1.2.3"),
	} with input as _pod(env)
}

test_pass_env_not_addresses if {
	env := [
		{"name": "BACKUP_AT", "value": "02:30"},
		{"name": "START", "value": "12:30:45"},
		{"name": "BUILD", "value": "1.2.3"},
		{"name": "OID", "value": "1.2.3.4.5"},
		{"name": "TAG", "value": "v1.2.3.4"},
		{"name": "OCTETS", "value": "300.1.2.3"},
		{"name": "MAC", "value": "00:1a:2b:3c:4d:5e"},
		{"name": "LISTEN", "value": "0.0.0.0:8080"},
		{"name": "LOCAL", "value": "http://127.0.0.1:9000"},
		{"name": "LOCAL6", "value": "[::1]:9000"},
		{"name": "ANY6", "value": "::"},
		{"name": "NO_PROXY", "value": "localhost,127.0.0.1,10.0.0.0/8,fd00::/8,.svc"},
		{"name": "APP_VERSION", "value": "1.0.0.0"},
		{"name": "CPP", "value": "std::vector"},
		{"name": "WHEN", "value": "2024-05-01T12:30:45.123Z"},
		{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
		{"name": "NUM", "value": 8080},
		{"name": "NULL", "value": null},
	]
	data.rules.kubernetes.K8S017.deny == set() with input as _pod(env)
}

test_fail_configmap_values if {
	nginx := "# upstream was 10.9.9.9\nupstream api {\n  server 10.0.3.15:8080;\n  server 10.0.3.16:8080;\n}\nset_real_ip_from 10.0.0.0/8;\n"
	data.rules.kubernetes.K8S017.deny == {
		_f(["data", "nginx.conf"], "nginx.conf", "10.0.3.15, 10.0.3.16"),
		_f(["data", "REDIS_HOST"], "REDIS_HOST", "172.16.0.5"),
	} with input as _cm({"nginx.conf": nginx, "REDIS_HOST": "172.16.0.5.", "REDIS_PORT": "6379", "ok": "redis.app.svc.cluster.local"})
}

test_pass_configmap_without_addresses if {
	data.rules.kubernetes.K8S017.deny == set() with input as _cm({"conf": "listen 0.0.0.0:8080;\n; old 10.1.1.1\n// 10.2.2.2\n", "version": "10.0.0.1", "n": 5})
	data.rules.kubernetes.K8S017.deny == set() with input as _cm(null)
}

test_fail_custom_allowed if {
	data.rules.kubernetes.K8S017.deny == {_f(["data", "a"], "a", "127.0.0.1")} with input as _cm({"a": "127.0.0.1 10.0.0.1"})
		with data.params.K8S017 as {"allowed": ["10.0.0.1"]}
}

# Octets with leading zeros are numbers up to 255 (the rule used to raise an error on them).
test_fail_leading_zero_octets if {
	data.rules.kubernetes.K8S017.deny == {_f(["data", "a"], "a", "010.001.0.1")} with input as _cm({"a": "010.001.0.1 and 010.001.0.256"})
}
