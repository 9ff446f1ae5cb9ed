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

# `pinned` is a fast form of this definition; both must agree.
_pinned_by_parse(ref) if data.lib.image.parse(ref).digest != ""

_pinned_by_parse(ref) if {
	p := data.lib.image.parse(ref)
	p.tag != ""
	p.tag != "latest"
}

test_pinned_matches_parse if {
	refs := [
		"nginx", "nginx:1.2", "nginx:latest", "nginx:", "nginx@", "nginx@sha256:abc", "nginx:latest@sha256:abc",
		"nginx:latest@", "nginx@@x", "host:5000/nginx", "host:5000/nginx:1", "host:5000/nginx:latest",
		"localhost/app:v1", "a/b/c:d", "a:b/c", "a:b/c:latest", "a:b/c:latest2", ":x", ":", "@", "x@:y",
		"registry.example.com:443/team/app:1.0@sha256:0", "a:b:c", "a:b:latest", "ns/img:LATEST", "x:1\\n",
		"img:1.0\\nfoo", "img:latest/x", "img@sha:1/2",
	]
	count([ref | some ref in refs; data.lib.image.pinned(ref); not _pinned_by_parse(ref)]) == 0
	count([ref | some ref in refs; not data.lib.image.pinned(ref); _pinned_by_parse(ref)]) == 0
	count([ref | some ref in refs; data.lib.image.pinned(ref)]) > 10
	count([ref | some ref in refs; not data.lib.image.pinned(ref)]) > 10
}

test_unresolved_only_when_a_variable_can_hold_the_tag_or_digest if {
	unresolved := ["$IMAGE", "${IMAGE}", "nginx:$TAG", "nginx:${TAG}", "alpine$TAG", "reg/${NAME}", "nginx@${DIGEST}", "${IMAGE:-a/b}", "x/${IMAGE:-a/b:1}"]
	judged := ["${REGISTRY}/ubuntu", "$REGISTRY/team/app:latest", "${REG:-docker.io}/nginx", "nginx", "nginx:1.2", "${REGISTRY}/ubuntu:22.04"]
	count([r | some r in unresolved; not data.lib.image.unresolved(r)]) == 0
	count([r | some r in judged; data.lib.image.unresolved(r)]) == 0
}

# `latest` and `unresolved` are written with string built-ins; these regexes are their definitions.
test_latest_and_unresolved_match_their_regex_definitions if {
	refs := [
		"nginx", "nginx:latest", "nginx:latest@sha256:abc", "host:5000/nginx:latest", "a:latest/b",
		"x:latest\nfoo", "nginx:LATEST", ":latest", "latest", "nginx@x:latest", "$IMAGE", "${IMAGE}",
		"nginx:$TAG", "reg/${NAME}", "${REGISTRY}/ubuntu", "x/${IMAGE:-a/b:1}", "a}/b", "a/b}", "a/$",
		"a$/b\n", "/",
	]
	count([r | some r in refs; _latest(r) != regex.match(`^[^@]*:latest$`, r)]) == 0
	count([r | some r in refs; _unresolved(r) != regex.match(`[$}][^/]*$`, r)]) == 0
	count([r | some r in refs; data.lib.image.latest(r)]) > 2
	count([r | some r in refs; data.lib.image.unresolved(r)]) > 5
}

_latest(r) := true if data.lib.image.latest(r)

_latest(r) := false if not data.lib.image.latest(r)

_unresolved(r) := true if data.lib.image.unresolved(r)

_unresolved(r) := false if not data.lib.image.unresolved(r)
