package rules.kubernetes.K8S018_test

_svc(spec) := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": spec}

test_fail_nodeport if {
	data.rules.kubernetes.K8S018.deny == {{"path": ["spec", "type"], "params": {"name": "web", "type": "NodePort"}}} with input as _svc({"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]})
}

test_fail_nodeport_unnamed if {
	data.rules.kubernetes.K8S018.deny == {{"path": ["spec", "type"], "params": {"name": "", "type": "NodePort"}}} with input as {"apiVersion": "v1", "kind": "Service", "spec": {"type": "NodePort"}}
}

test_pass_other_types if {
	data.rules.kubernetes.K8S018.deny == set() with input as _svc({"type": "ClusterIP"})
	data.rules.kubernetes.K8S018.deny == set() with input as _svc({"type": "LoadBalancer"})
	data.rules.kubernetes.K8S018.deny == set() with input as _svc({"ports": [{"port": 80}]})
	data.rules.kubernetes.K8S018.deny == set() with input as _svc({"type": null})
	data.rules.kubernetes.K8S018.deny == set() with input as _svc(null)
}
