package rules.kubernetes.K8S021_test

_pvc(storage) := {
	"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
	"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}},
}

_f(claim, size) := {"path": ["spec", "resources", "requests", "storage"], "params": {"claim": claim, "size": size, "max": "1Ti"}}

test_bytes if {
	data.rules.kubernetes.K8S021._bytes("1Ti") == 1099511627776
	data.rules.kubernetes.K8S021._bytes("1024Gi") == 1099511627776
	data.rules.kubernetes.K8S021._bytes("1000Gi") == 1073741824000
	data.rules.kubernetes.K8S021._bytes("1T") == 1000000000000
	data.rules.kubernetes.K8S021._bytes("1.5Ti") == 1649267441664
	data.rules.kubernetes.K8S021._bytes("1e12") == 1000000000000
	data.rules.kubernetes.K8S021._bytes("2E+12") == 2000000000000
	data.rules.kubernetes.K8S021._bytes("1E") == 1000000000000000000
	data.rules.kubernetes.K8S021._bytes(".5Ki") == 512
	data.rules.kubernetes.K8S021._bytes("500m") == 0.5
	data.rules.kubernetes.K8S021._bytes("10") == 10
	data.rules.kubernetes.K8S021._bytes(42) == 42
	not data.rules.kubernetes.K8S021._bytes("10 Gi")
	not data.rules.kubernetes.K8S021._bytes("10GB")
	not data.rules.kubernetes.K8S021._bytes("${SIZE}")
	not data.rules.kubernetes.K8S021._bytes(null)
}

test_fail_pvc_at_and_above_limit if {
	data.rules.kubernetes.K8S021.deny == {_f("data", "1024Gi")} with input as _pvc("1024Gi")
	data.rules.kubernetes.K8S021.deny == {_f("data", "1Ti")} with input as _pvc("1Ti")
	data.rules.kubernetes.K8S021.deny == {_f("data", "1.5Ti")} with input as _pvc("1.5Ti")
	data.rules.kubernetes.K8S021.deny == {_f("data", "2P")} with input as _pvc("2P")
	data.rules.kubernetes.K8S021.deny == {_f("data", "1099511627776")} with input as _pvc(1099511627776)
}

test_pass_pvc_below_limit if {
	data.rules.kubernetes.K8S021.deny == set() with input as _pvc("1000Gi")
	data.rules.kubernetes.K8S021.deny == set() with input as _pvc("1T")
	data.rules.kubernetes.K8S021.deny == set() with input as _pvc("1e12")
	data.rules.kubernetes.K8S021.deny == set() with input as _pvc("8Gi")
	data.rules.kubernetes.K8S021.deny == set() with input as _pvc(null)
	data.rules.kubernetes.K8S021.deny == set() with input as _pvc("{{ .Values.size }}")
	data.rules.kubernetes.K8S021.deny == set() with input as {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"}, "spec": {"resources": null}}
}

test_fail_statefulset_templates if {
	sts := {
		"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
		"spec": {"volumeClaimTemplates": [
			{"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "2Ti"}}}},
			{"metadata": {"name": "wal"}, "spec": {"resources": {"requests": {"storage": "50Gi"}}}},
			{"metadata": {"name": "archive"}, "spec": {"resources": {"requests": {"storage": "1100G"}}}},
		]},
	}
	data.rules.kubernetes.K8S021.deny == {
		{"path": ["spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"], "params": {"claim": "data", "size": "2Ti", "max": "1Ti"}},
		{"path": ["spec", "volumeClaimTemplates", 2, "spec", "resources", "requests", "storage"], "params": {"claim": "archive", "size": "1100G", "max": "1Ti"}},
	} with input as sts
}

test_pass_statefulset_small_or_missing if {
	sts := {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {"volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "100Gi"}}}}, {"spec": {}}, null]}}
	data.rules.kubernetes.K8S021.deny == set() with input as sts
	data.rules.kubernetes.K8S021.deny == set() with input as {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {"volumeClaimTemplates": null}}
}

test_fail_custom_max if {
	data.rules.kubernetes.K8S021.deny == {{"path": ["spec", "resources", "requests", "storage"], "params": {"claim": "data", "size": "200Gi", "max": "100Gi"}}} with input as _pvc("200Gi")
		with data.params.K8S021 as {"max": "100Gi"}
}
