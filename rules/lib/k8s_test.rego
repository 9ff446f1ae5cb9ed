package lib.k8s_test

# The workload kinds and the table of their pod spec paths are written apart (a literal set is
# cheaper on the VM than one derived per document): they must name the same kinds.
test_every_workload_kind_has_a_pod_spec_path if {
	{k | some k, _ in data.lib.k8s._pod_spec_paths} == data.lib.k8s.workload_kinds
}

test_pod_meta_path_sits_beside_the_spec if {
	data.lib.k8s.pod_meta_path == ["spec", "jobTemplate", "spec", "template", "metadata"] with input as {"kind": "CronJob"}
	data.lib.k8s.pod_meta_path == ["metadata"] with input as {"kind": "Pod"}
}
