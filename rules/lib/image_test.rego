package lib.image_test

test_parse_full if {
	data.lib.image.parse("host:5000/ns/img:1.2@sha256:abc") == {"registry": "host:5000", "repository": "ns/img", "tag": "1.2", "digest": "sha256:abc"}
}

test_parse_official if {
	data.lib.image.parse("nginx") == {"registry": "docker.io", "repository": "library/nginx", "tag": "", "digest": ""}
}

test_parse_user_repo if {
	data.lib.image.parse("bitnami/nginx:1.25") == {"registry": "docker.io", "repository": "bitnami/nginx", "tag": "1.25", "digest": ""}
}

test_parse_localhost if {
	data.lib.image.parse("localhost/app") == {"registry": "localhost", "repository": "app", "tag": "", "digest": ""}
}

test_parse_digest_only if {
	data.lib.image.parse("nginx@sha256:abc") == {"registry": "docker.io", "repository": "library/nginx", "tag": "", "digest": "sha256:abc"}
}

test_pinned if {
	data.lib.image.pinned("nginx:1.2")
	data.lib.image.pinned("nginx@sha256:abc")
	not data.lib.image.pinned("nginx")
	not data.lib.image.pinned("nginx:latest")
	not data.lib.image.pinned("host:5000/nginx")
}
