package rules.helm.HELM001_test

_img(image, templated) := {"file": "c/templates/d.yaml", "image": image, "templated": templated}

test_fail_literal_images if {
	data.rules.helm.HELM001.deny == {
		{"path": ["images", 0], "params": {"image": "nginx:1.25"}},
		{"path": ["images", 2], "params": {"image": "busybox:1.36"}},
	} with input as {"images": [_img("nginx:1.25", false), _img("harbor.io/a:1", true), _img("busybox:1.36", false)]}
}

test_pass_templated_images if {
	count(data.rules.helm.HELM001.deny) == 0 with input as {"images": [_img("harbor.io/a:1", true)]}
}

test_pass_no_images if {
	count(data.rules.helm.HELM001.deny) == 0 with input as {"chart": {"name": "lib"}, "images": []}
}
