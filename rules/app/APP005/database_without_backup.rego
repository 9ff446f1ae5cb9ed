# METADATA
# title: Database runs without any backup
# custom:
#   id: APP005
#   name: database-without-backup
#   severity: error
#   requirements: [EXI-ARCH-4, EXI-ORG-17]
#   alpha: [EX33, EX7]
#   input:
#     family: bundle
#   title_fr: La base de données fonctionne sans aucune sauvegarde
#   message:
#     en: "{kind} `{name}` runs a database (`{database}`) with no backup"
#     fr: "{kind} `{name}` exécute une base de données (`{database}`) sans sauvegarde"
#   why:
#     en: >-
#       The development team orchestrates the application's backups (EXI-ORG-17) and they must
#       reach an independent S3 service (EXI-ARCH-4). The rule fires on a CloudNativePG
#       `Cluster` (postgresql.cnpg.io) with neither `spec.backup` nor a backup plugin of the
#       parameter `cnpg_backup_plugins` in `spec.plugins` (finding on its `spec`), and on a
#       StatefulSet container whose image name (the last component of the repository, so
#       `bitnami/postgresql:16` and `docker.io/library/postgres:16` both read `postgres...`)
#       matches a glob of the parameter `database_images`, or of `persistent_images` (Redis,
#       Valkey) when the container mounts a volumeClaimTemplate or a PersistentVolumeClaim,
#       while the bundle holds no CronJob and no backup object of the parameter `backup_kinds`
#       (CloudNativePG `Backup`/`ScheduledBackup`, Velero and K8up `Schedule`/`Backup`,
#       Stash...; finding on the container's `image`). Any CronJob counts as a backup, since the
#       platform's guide runs backups as CronJobs; the rule cannot tell what it does. Volume
#       snapshots taken by the platform's Velero are not the application's own backups and do
#       not count.
#     fr: >-
#       L'orchestration des sauvegardes revient à l'équipe de développement (EXI-ORG-17) et
#       celles-ci doivent aboutir dans un service S3 indépendant (EXI-ARCH-4). La règle se
#       déclenche sur un `Cluster` CloudNativePG (postgresql.cnpg.io) sans `spec.backup` ni
#       greffon de sauvegarde du paramètre `cnpg_backup_plugins` dans `spec.plugins` (constat
#       sur son `spec`), et sur un conteneur de StatefulSet dont le nom d'image (le dernier
#       composant du dépôt : `bitnami/postgresql:16` et `docker.io/library/postgres:16` donnent
#       `postgres...`) correspond à un motif du paramètre `database_images`, ou de
#       `persistent_images` (Redis, Valkey) quand le conteneur monte un volumeClaimTemplate ou
#       un PersistentVolumeClaim, alors que l'ensemble ne contient aucun CronJob ni aucun objet
#       de sauvegarde du paramètre `backup_kinds` (`Backup`/`ScheduledBackup` CloudNativePG,
#       `Schedule`/`Backup` Velero et K8up, Stash... ; constat sur l'`image` du conteneur).
#       Tout CronJob compte comme sauvegarde, puisque le guide de la plateforme fait tourner les
#       sauvegardes en CronJob ; la règle ne peut pas savoir ce qu'il fait. Les instantanés de
#       volumes pris par le Velero de la plateforme ne sont pas les sauvegardes de
#       l'application et ne comptent pas.
#   remediation:
#     en: >-
#       Configure `spec.backup` (Barman to an S3 bucket) with a ScheduledBackup for a
#       CloudNativePG Cluster; for a database StatefulSet, add a CronJob that dumps the database
#       to S3 (or an operator backup schedule) in the same bundle.
#     fr: >-
#       Configurez `spec.backup` (Barman vers un compartiment S3) et un ScheduledBackup pour un
#       Cluster CloudNativePG ; pour un StatefulSet de base de données, ajoutez dans le même
#       ensemble un CronJob qui exporte la base vers S3 (ou une planification de sauvegarde
#       d'opérateur).
#   params:
#     database_images:
#       - postgres
#       - postgresql
#       - postgresql-repmgr
#       - "postgresql-[0-9]*"
#       - postgis
#       - mysql
#       - mysql-server
#       - "mysql-[0-9]*"
#       - percona-server
#       - mariadb
#       - mariadb-galera
#       - "mariadb-[0-9]*"
#       - mongo
#       - mongodb
#       - "mongodb-[0-9]*"
#       - mongodb-community-server
#       - percona-server-mongodb
#     persistent_images: [redis, "redis-[0-9]*", redis-stack-server, valkey]
#     backup_kinds:
#       - Backup.postgresql.cnpg.io
#       - ScheduledBackup.postgresql.cnpg.io
#       - Schedule.velero.io
#       - Backup.velero.io
#       - Schedule.k8up.io
#       - Backup.k8up.io
#       - BackupConfiguration.stash.appscode.com
#       - BackupConfiguration.core.kubestash.com
#       - Backup.k8s.mariadb.com
#     cnpg_backup_plugins: [barman-cloud.cloudnative-pg.io]
package rules.app.APP005

_param(name, fallback) := v if {
	v := data.params.APP005[name]
	is_array(v)
} else := fallback

_database_images := _param("database_images", [
	"postgres", "postgresql", "postgresql-repmgr", "postgresql-[0-9]*", "postgis",
	"mysql", "mysql-server", "mysql-[0-9]*", "percona-server",
	"mariadb", "mariadb-galera", "mariadb-[0-9]*",
	"mongo", "mongodb", "mongodb-[0-9]*", "mongodb-community-server", "percona-server-mongodb",
])

_persistent_images := _param("persistent_images", ["redis", "redis-[0-9]*", "redis-stack-server", "valkey"])

_backup_kinds := _param("backup_kinds", [
	"Backup.postgresql.cnpg.io", "ScheduledBackup.postgresql.cnpg.io",
	"Schedule.velero.io", "Backup.velero.io", "Schedule.k8up.io", "Backup.k8up.io",
	"BackupConfiguration.stash.appscode.com", "BackupConfiguration.core.kubestash.com",
	"Backup.k8s.mariadb.com",
])

_cnpg_backup_plugins := _param("cnpg_backup_plugins", ["barman-cloud.cloudnative-pg.io"])

# A CloudNativePG Cluster without backup configuration.
deny contains f if {
	some i in data.lib.bundle.objects_of("Cluster", "postgresql.cnpg.io")
	obj := data.lib.bundle.objects[i]
	not _cnpg_backup(obj)
	f := {
		"path": data.lib.bundle.existing_path(["objects", i, "spec"]),
		"params": {"kind": "Cluster", "name": data.lib.bundle.name(obj), "database": _cnpg_image(obj)},
	}
}

_cnpg_backup(obj) if is_object(obj.spec.backup)

_cnpg_backup(obj) if {
	some p in obj.spec.plugins
	p.name in _cnpg_backup_plugins
}

_cnpg_image(obj) := img if {
	img := obj.spec.imageName
	is_string(img)
} else := "postgresql"

# A database StatefulSet in a bundle that schedules no backup.
deny contains f if {
	not _bundle_backup
	some c in data.lib.bundle.app_containers
	w := data.lib.bundle.workload_at[c.index]
	w.kind == "StatefulSet"
	image := c.container.image
	is_string(image)
	not data.lib.image.unresolved(image)
	_database(w, c.container, _image_name(image))
	f := {"path": array.concat(c.path, ["image"]), "params": {"kind": w.kind, "name": w.name, "database": image}}
}

_image_name(image) := n if {
	parts := split(data.lib.image.parse(image).repository, "/")
	n := parts[count(parts) - 1]
}

_database(_, _, n) if {
	some pattern in _database_images
	glob.match(pattern, ["/"], n)
}

_database(w, container, n) if {
	some pattern in _persistent_images
	glob.match(pattern, ["/"], n)
	some m in container.volumeMounts
	m.name in _persistent_volumes(w)
}

# Names of the volumes of a StatefulSet pod backed by a PersistentVolumeClaim.
_persistent_volumes(w) := {n | some t in w.object.spec.volumeClaimTemplates; n := t.metadata.name} | {v.name |
	some v in w.pod_spec.volumes
	is_object(v.persistentVolumeClaim)
}

_bundle_backup if count(data.lib.bundle.objects_of("CronJob", "batch")) > 0

_bundle_backup if {
	some i, obj in data.lib.bundle.objects
	is_object(obj)
	sprintf("%s.%s", [data.lib.bundle.kind(obj), data.lib.bundle.api_group(obj)]) in _backup_kinds
}
