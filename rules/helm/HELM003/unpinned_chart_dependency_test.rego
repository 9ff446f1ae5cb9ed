package rules.helm.HELM003_test

_chart(deps) := {"chart": {"apiVersion": "v2", "name": "app", "dependencies": deps}, "images": [], "values_files": []}

_f(i, name, version, field) := {"path": array.concat(["chart", "dependencies", i], field), "params": {"name": name, "version": version}}

test_fail_ranges_and_wildcards if {
	deps := [
		{"name": "postgresql", "version": "^15.2.0"},
		{"name": "redis", "version": "18.6.1"},
		{"name": "common", "version": "2.x.x"},
		{"name": "kafka", "version": ">=1.0.0 <2.0.0"},
		{"name": "minio", "version": "*"},
		{"name": "mongo", "version": "~14.1"},
		{"name": "nats", "version": "1.0.0 - 1.2.0"},
	]
	data.rules.helm.HELM003.deny == {
		_f(0, "postgresql", "^15.2.0", ["version"]),
		_f(2, "common", "2.x.x", ["version"]),
		_f(3, "kafka", ">=1.0.0 <2.0.0", ["version"]),
		_f(4, "minio", "*", ["version"]),
		_f(5, "mongo", "~14.1", ["version"]),
		_f(6, "nats", "1.0.0 - 1.2.0", ["version"]),
	} with input as _chart(deps)
}

test_fail_missing_version if {
	data.rules.helm.HELM003.deny == {_f(0, "local", "", [])} with input as _chart([{"name": "local", "repository": "file://../local"}])
}

test_pass_exact_versions if {
	deps := [
		{"name": "postgresql", "version": "15.2.5"},
		{"name": "common", "version": "2.31.4-rc.1"},
		{"name": "x", "version": "v1.0.0"},
	]
	count(data.rules.helm.HELM003.deny) == 0 with input as _chart(deps)
}

test_pass_no_dependencies if {
	count(data.rules.helm.HELM003.deny) == 0 with input as {"chart": {"name": "app"}, "images": [], "values_files": []}
}

test_fail_requirements_yaml_of_a_v1_chart if {
	data.rules.helm.HELM003.deny == {{"path": ["requirements", "dependencies", 0, "version"], "params": {"name": "mysql", "version": "~1.2.0"}}} with input as {
		"chart": {"apiVersion": "v1", "name": "old"},
		"requirements": {"dependencies": [{"name": "mysql", "version": "~1.2.0"}]},
	}
}
