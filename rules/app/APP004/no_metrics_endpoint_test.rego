package rules.app.APP004_test

_w(kind, name, annotations) := {
	"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name},
	"spec": {"template": {"metadata": {"labels": {"app": name}, "annotations": annotations}, "spec": {"containers": [{"name": "c", "image": "harbor.io/p/c:1.0"}]}}},
}

_svc(annotations) := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "annotations": annotations}, "spec": {"selector": {"app": "api"}, "ports": [{"port": 8080}]}}

_cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "conf"}, "data": {"a": "b"}}

_job := {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"}, "spec": {"template": {"spec": {"containers": []}}}}

_f(i) := {"path": ["objects", i], "params": {"bundle": "deploy/base"}}

test_fail_no_scraping if {
	objs := [_cm, _job, _w("Deployment", "api", {}), _w("StatefulSet", "db", {}), _svc({})]
	data.rules.app.APP004.deny == {_f(2)} with input as {"name": "deploy/base", "objects": objs}
}

test_fail_annotation_false_or_other_place if {
	cm := object.union(_cm, {"metadata": {"annotations": {"prometheus.io/scrape": "true"}}})
	objs := [_w("DaemonSet", "agent", {"prometheus.io/scrape": "false"}), _svc({"prometheus.io/port": "9090"}), cm]
	data.rules.app.APP004.deny == {_f(0)} with input as {"name": "deploy/base", "objects": objs}
}

test_fail_monitor_of_another_group if {
	vm := {"apiVersion": "operator.victoriametrics.com/v1beta1", "kind": "ServiceMonitor", "metadata": {"name": "m"}, "spec": {}}
	data.rules.app.APP004.deny == {_f(1)} with input as {"name": "deploy/base", "objects": [vm, _w("Deployment", "api", null)]}
}

test_pass_service_monitor_or_pod_monitor if {
	sm := {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "api"}, "spec": {"endpoints": [{"port": "http"}]}}
	pm := {"apiVersion": "monitoring.coreos.com/v1", "kind": "PodMonitor", "metadata": {"name": "api"}, "spec": {}}
	data.rules.app.APP004.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", {}), sm]}
	data.rules.app.APP004.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", {}), pm]}
}

test_pass_annotations if {
	data.rules.app.APP004.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", {}), _svc({"prometheus.io/scrape": "true"})]}
	data.rules.app.APP004.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", {"prometheus.io/scrape": "true"}), _w("Deployment", "web", {})]}
	data.rules.app.APP004.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", {"prometheus.io/scrape": true})]}
	cj := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"annotations": {"prometheus.io/scrape": "true"}}, "spec": {}}}}}}
	data.rules.app.APP004.deny == set() with input as {"name": "b", "objects": [_w("Deployment", "api", {}), cj]}
}

test_pass_no_long_running_workload if {
	data.rules.app.APP004.deny == set() with input as {"name": "b", "objects": [_job, _cm, _svc({})]}
	data.rules.app.APP004.deny == set() with input as {"name": "b", "objects": []}
}
