package rules.app.APP005_test

_sts(name, image, extra) := {
	"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
	"spec": object.union({"serviceName": name, "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [object.union({"name": name, "image": image}, extra)]}}}, {}),
}

_image_path(i) := ["objects", i, "spec", "template", "spec", "containers", 0, "image"]

_f(i, name, image) := {"path": _image_path(i), "params": {"kind": "StatefulSet", "name": name, "database": image}}

_cnpg(spec) := {"apiVersion": "postgresql.cnpg.io/v1", "kind": "Cluster", "metadata": {"name": "pg"}, "spec": spec}

_cronjob := {
	"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "pg-dump"},
	"spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "dump", "image": "bitnami/postgresql:16.4.0"}]}}}}},
}

test_fail_database_statefulsets if {
	objs := [
		_sts("pg", "bitnami/postgresql:16.4.0", {}),
		_sts("pg2", "docker.io/library/postgres:16.4", {}),
		_sts("pg3", "registry.redhat.io/rhel9/postgresql-16:1-25", {}),
		_sts("maria", "harbor.io/p/mariadb:11.4", {}),
		_sts("mongo", "mongo:7.0.12", {}),
	]
	data.rules.app.APP005.deny == {
		_f(0, "pg", "bitnami/postgresql:16.4.0"),
		_f(1, "pg2", "docker.io/library/postgres:16.4"),
		_f(2, "pg3", "registry.redhat.io/rhel9/postgresql-16:1-25"),
		_f(3, "maria", "harbor.io/p/mariadb:11.4"),
		_f(4, "mongo", "mongo:7.0.12"),
	} with input as {"name": "b", "objects": objs}
}

test_fail_redis_with_claim if {
	vct := {"volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}}]}
	r := object.union(_sts("redis", "bitnami/redis:7.4.1", {"volumeMounts": [{"name": "data", "mountPath": "/data"}]}), {"spec": vct})
	v := object.union(_sts("valkey", "bitnami/valkey:8.0", {"volumeMounts": [{"name": "store", "mountPath": "/data"}]}), {"spec": {"template": {"spec": {"volumes": [{"name": "store", "persistentVolumeClaim": {"claimName": "valkey"}}]}}}})
	data.rules.app.APP005.deny == {_f(0, "redis", "bitnami/redis:7.4.1"), _f(1, "valkey", "bitnami/valkey:8.0")} with input as {"name": "b", "objects": [r, v]}
}

test_fail_cnpg_without_backup if {
	data.rules.app.APP005.deny == {{"path": ["objects", 0, "spec"], "params": {"kind": "Cluster", "name": "pg", "database": "postgresql"}}} with input as {"name": "b", "objects": [_cnpg({"instances": 3}), _cronjob]}
	data.rules.app.APP005.deny == {{"path": ["objects", 0, "spec"], "params": {"kind": "Cluster", "name": "pg", "database": "ghcr.io/cloudnative-pg/postgresql:16.4"}}} with input as {"name": "b", "objects": [_cnpg({"instances": 3, "imageName": "ghcr.io/cloudnative-pg/postgresql:16.4", "backup": null})]}
}

test_fail_params if {
	objs := [_sts("cass", "cassandra:4.1", {}), _sts("pg", "postgres:16", {})]
	data.rules.app.APP005.deny == {_f(0, "cass", "cassandra:4.1")} with input as {"name": "b", "objects": objs} with data.params.APP005 as {"database_images": ["cassandra"]}
}

test_pass_cronjob_or_operator_backup if {
	data.rules.app.APP005.deny == set() with input as {"name": "b", "objects": [_sts("pg", "bitnami/postgresql:16.4.0", {}), _cronjob]}
	velero := {"apiVersion": "velero.io/v1", "kind": "Schedule", "metadata": {"name": "daily", "namespace": "velero"}, "spec": {"schedule": "0 1 * * *"}}
	data.rules.app.APP005.deny == set() with input as {"name": "b", "objects": [_sts("pg", "bitnami/postgresql:16.4.0", {}), velero]}
	k8up := {"apiVersion": "k8up.io/v1", "kind": "Schedule", "metadata": {"name": "s"}, "spec": {}}
	data.rules.app.APP005.deny == set() with input as {"name": "b", "objects": [_sts("m", "mariadb:11.4", {}), k8up]}
}

test_pass_cnpg_with_backup if {
	backup := {"barmanObjectStore": {"destinationPath": "s3://backups/pg", "endpointURL": "https://s3.example"}, "retentionPolicy": "30d"}
	data.rules.app.APP005.deny == set() with input as {"name": "b", "objects": [_cnpg({"instances": 3, "backup": backup})]}
	plugin := {"plugins": [{"name": "barman-cloud.cloudnative-pg.io", "isWALArchiver": true, "parameters": {"barmanObjectName": "store"}}]}
	data.rules.app.APP005.deny == set() with input as {"name": "b", "objects": [_cnpg(object.union({"instances": 3}, plugin))]}
}

test_pass_not_a_database if {
	objs := [
		_sts("redis", "bitnami/redis:7.4.1", {}),
		_sts("exporter", "prometheuscommunity/postgres-exporter:0.15.0", {}),
		_sts("tpl", "{{ .Values.image }}", {}),
		{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "pg"}, "spec": {"template": {"spec": {"containers": [{"name": "pg", "image": "postgres:16"}]}}}},
		{"apiVersion": "other.io/v1", "kind": "Cluster", "metadata": {"name": "c"}, "spec": {}},
	]
	data.rules.app.APP005.deny == set() with input as {"name": "b", "objects": objs}
}

test_pass_init_container_image if {
	s := object.union(_sts("app", "harbor.io/p/app:1.0", {}), {"spec": {"template": {"spec": {"initContainers": [{"name": "wait", "image": "postgres:16"}]}}}})
	data.rules.app.APP005.deny == set() with input as {"name": "b", "objects": [s]}
}
