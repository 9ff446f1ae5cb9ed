package rules.kubernetes.K8S006_test

_deploy(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": pod_spec}},
}

_svc(spec) := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": object.union({"selector": {"app": "web"}}, spec)}

test_fail_container_port_80 if {
	data.rules.kubernetes.K8S006.deny == {{"path": ["spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"], "params": {"port": 80, "field": "spec.template.spec.containers[0].ports[0].containerPort"}}} with input as _deploy({"containers": [{"name": "web", "image": "nginx:1.27.3", "ports": [{"name": "http", "containerPort": 80}]}]})
}

test_fail_two_ports_string_and_1024 if {
	data.rules.kubernetes.K8S006.deny == {
		{"path": ["spec", "template", "spec", "containers", 0, "ports", 1, "containerPort"], "params": {"port": 443, "field": "spec.template.spec.containers[0].ports[1].containerPort"}},
		{"path": ["spec", "template", "spec", "containers", 1, "ports", 0, "containerPort"], "params": {"port": 1024, "field": "spec.template.spec.containers[1].ports[0].containerPort"}},
	} with input as _deploy({"containers": [
		{"name": "web", "image": "nginx:1.27.3", "ports": [{"containerPort": 8080}, {"containerPort": "443"}]},
		{"name": "metrics", "image": "exporter:0.15.0", "ports": [{"containerPort": 1024, "protocol": "TCP"}]},
	]})
}

test_fail_cronjob_and_pod if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "a:1.0", "ports": [{"containerPort": 22}]}]}}}}},
	}
	data.rules.kubernetes.K8S006.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"], "params": {"port": 22, "field": "spec.jobTemplate.spec.template.spec.containers[0].ports[0].containerPort"}}} with input as cj
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"initContainers": [{"name": "i", "image": "a:1.0", "ports": [{"containerPort": 53, "protocol": "UDP"}]}], "containers": [{"name": "c", "image": "a:1.0"}]}}
	data.rules.kubernetes.K8S006.deny == {{"path": ["spec", "initContainers", 0, "ports", 0, "containerPort"], "params": {"port": 53, "field": "spec.initContainers[0].ports[0].containerPort"}}} with input as pod
}

test_fail_service_target_ports if {
	data.rules.kubernetes.K8S006.deny == {
		{"path": ["spec", "ports", 0, "targetPort"], "params": {"port": 80, "field": "spec.ports[0].targetPort"}},
		{"path": ["spec", "ports", 2, "targetPort"], "params": {"port": 443, "field": "spec.ports[2].targetPort"}},
	} with input as _svc({"ports": [
		{"name": "http", "port": 80, "targetPort": 80},
		{"name": "metrics", "port": 9090, "targetPort": "metrics"},
		{"name": "https", "port": 443, "targetPort": "443"},
	]})
}

test_fail_service_without_target_port if {
	data.rules.kubernetes.K8S006.deny == {
		{"path": ["spec", "ports", 0], "params": {"port": 80, "field": "spec.ports[0]", "variant": "omitted_target"}},
	} with input as _svc({"ports": [{"name": "http", "port": 80}, {"name": "alt", "port": 8443}]})
}

test_pass_service_port_80_to_8080 if {
	data.rules.kubernetes.K8S006.deny == set() with input as _svc({"type": "ClusterIP", "ports": [
		{"name": "http", "port": 80, "targetPort": 8080},
		{"name": "https", "port": 443, "targetPort": "https"},
		{"name": "grpc", "port": 9000},
		{"name": "s", "port": 80, "targetPort": "8080"},
	]})
}

test_pass_service_external_or_selectorless if {
	data.rules.kubernetes.K8S006.deny == set() with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"}, "spec": {"type": "ExternalName", "externalName": "db.example.fr", "ports": [{"port": 5432}, {"port": 80}]}}
	data.rules.kubernetes.K8S006.deny == set() with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext"}, "spec": {"ports": [{"port": 443}]}}
	data.rules.kubernetes.K8S006.deny == set() with input as _svc({"ports": null})
	data.rules.kubernetes.K8S006.deny == set() with input as _svc({"ports": []})
}

test_pass_unprivileged_container_ports if {
	data.rules.kubernetes.K8S006.deny == set() with input as _deploy({"containers": [
		{"name": "web", "image": "nginx:1.27.3", "ports": [{"name": "http", "containerPort": 8080}, {"containerPort": "8443"}, {"containerPort": 1025}]},
		{"name": "b", "image": "nginx:1.27.3", "ports": null},
		{"name": "c", "image": "nginx:1.27.3", "ports": [{"name": "nothing"}, {"containerPort": null}, {"containerPort": "${PORT}"}]},
	]})
}

test_pass_host_port_is_not_container_port if {
	data.rules.kubernetes.K8S006.deny == set() with input as _deploy({"containers": [{"name": "web", "image": "nginx:1.27.3", "ports": [{"containerPort": 8080, "hostPort": 80}]}]})
}
