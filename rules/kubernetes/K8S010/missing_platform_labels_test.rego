package rules.kubernetes.K8S010_test

_deploy(template) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web", "env": "prod", "tier": "frontend"}},
	"spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template},
}

_spec := {"containers": [{"name": "web", "image": "a:1.0"}]}

_envs := "dev, formation, qualif, test, preprod, prod"

_tiers := "frontend, backend, db, cache, auth"

test_fail_missing_env_and_tier if {
	data.rules.kubernetes.K8S010.deny == {{"path": ["spec", "template", "metadata", "labels"], "params": {"labels": "`env`, `tier`", "expected": "`app`, `env`, `tier`", "variant": "missing"}}} with input as _deploy({"metadata": {"labels": {"app": "web"}}, "spec": _spec})
}

test_fail_wrong_env_and_tier_values if {
	data.rules.kubernetes.K8S010.deny == {
		{"path": ["spec", "template", "metadata", "labels", "env"], "params": {"labels": "env: production", "expected": _envs}},
		{"path": ["spec", "template", "metadata", "labels", "tier"], "params": {"labels": "tier: api", "expected": _tiers}},
	} with input as _deploy({"metadata": {"labels": {"app": "web", "env": "production", "tier": "api"}}, "spec": _spec})
}

test_fail_missing_app_and_wrong_case if {
	data.rules.kubernetes.K8S010.deny == {
		{"path": ["spec", "template", "metadata", "labels"], "params": {"labels": "`app`", "expected": "`app`, `env`, `tier`", "variant": "missing"}},
		{"path": ["spec", "template", "metadata", "labels", "env"], "params": {"labels": "env: Prod", "expected": _envs}},
	} with input as _deploy({"metadata": {"labels": {"app": "", "env": "Prod", "tier": "backend"}}, "spec": _spec})
}

test_fail_no_labels_block if {
	data.rules.kubernetes.K8S010.deny == {{"path": ["spec", "template", "metadata"], "params": {"labels": "`app`, `env`, `tier`", "expected": "`app`, `env`, `tier`", "variant": "missing"}}} with input as _deploy({"metadata": {"annotations": {"a": "b"}}, "spec": _spec})
	data.rules.kubernetes.K8S010.deny == {{"path": ["spec", "template", "metadata"], "params": {"labels": "`app`, `env`, `tier`", "expected": "`app`, `env`, `tier`", "variant": "missing"}}} with input as _deploy({"metadata": {"labels": null}, "spec": _spec})
}

test_fail_no_template_metadata if {
	data.rules.kubernetes.K8S010.deny == {{"path": ["spec", "template"], "params": {"labels": "`app`, `env`, `tier`", "expected": "`app`, `env`, `tier`", "variant": "missing"}}} with input as _deploy({"spec": _spec})
}

test_fail_cronjob_and_pod if {
	cj := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c", "labels": {"app": "c", "env": "prod", "tier": "db"}},
		"spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "c", "env": "prod"}}, "spec": _spec}}}},
	}
	data.rules.kubernetes.K8S010.deny == {{"path": ["spec", "jobTemplate", "spec", "template", "metadata", "labels"], "params": {"labels": "`tier`", "expected": "`app`, `env`, `tier`", "variant": "missing"}}} with input as cj
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "p", "env": "recette", "tier": "backend"}}, "spec": _spec}
	data.rules.kubernetes.K8S010.deny == {{"path": ["metadata", "labels", "env"], "params": {"labels": "env: recette", "expected": _envs}}} with input as pod
}

test_fail_params if {
	d := _deploy({"metadata": {"labels": {"app": "web", "env": "prod", "tier": "backend"}}, "spec": _spec})
	data.rules.kubernetes.K8S010.deny == {
		{"path": ["spec", "template", "metadata", "labels"], "params": {"labels": "`criticality`", "expected": "`app`, `env`, `tier`, `criticality`", "variant": "missing"}},
		{"path": ["spec", "template", "metadata", "labels", "env"], "params": {"labels": "env: prod", "expected": "dev, prod-a"}},
	} with input as d with data.params.K8S010 as {"required": ["app", "env", "tier", "criticality"], "env_values": ["dev", "prod-a"]}
}

test_pass_all_labels if {
	data.rules.kubernetes.K8S010.deny == set() with input as _deploy({"metadata": {"labels": {"app": "web", "env": "prod", "tier": "frontend", "version": "1.2.0"}}, "spec": _spec})
	data.rules.kubernetes.K8S010.deny == set() with input as _deploy({"metadata": {"labels": {"app": "db", "env": "formation", "tier": "db"}}, "spec": _spec})
}

test_pass_every_allowed_value if {
	every env in ["dev", "formation", "qualif", "test", "preprod", "prod"] {
		every tier in ["frontend", "backend", "db", "cache", "auth"] {
			data.rules.kubernetes.K8S010.deny == set() with input as _deploy({"metadata": {"labels": {"app": "x", "env": env, "tier": tier}}, "spec": _spec})
		}
	}
}

test_pass_not_a_workload if {
	data.rules.kubernetes.K8S010.deny == set() with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
}
