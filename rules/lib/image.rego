# Image references parsed the way the container runtime (distribution/reference) reads them:
# `host:5000/ns/img:1.2@sha256:...` → registry `host:5000`, repository `ns/img`, tag `1.2`.
# No registry means `docker.io`; an official image gets the `library/` prefix.
package lib.image

parse(ref) := {
	"registry": registry,
	"repository": repository,
	"tag": tag,
	"digest": digest,
} if {
	name_and_digest := split(ref, "@")
	digest := _digest(name_and_digest)
	name := name_and_digest[0]
	components := split(name, "/")
	registry := _registry(components)
	path := _path(components)
	tag := _tag(path)
	bare := _strip_tag(path, tag)
	repository := _official(registry, bare)
}

_digest(parts) := parts[1] if count(parts) > 1

_digest(parts) := "" if count(parts) == 1

_has_host(components) if {
	count(components) > 1
	first := components[0]
	_looks_like_host(first)
}

_looks_like_host(c) if contains(c, ".")

_looks_like_host(c) if contains(c, ":")

_looks_like_host(c) if c == "localhost"

_registry(components) := lower(components[0]) if _has_host(components)

_registry(components) := "docker.io" if not _has_host(components)

_path(components) := concat("/", array.slice(components, 1, count(components))) if _has_host(components)

_path(components) := concat("/", components) if not _has_host(components)

# The tag is what follows the last ':' of the last path component.
_tag(path) := t if {
	last := _last_component(path)
	contains(last, ":")
	pieces := split(last, ":")
	t := pieces[count(pieces) - 1]
}

_tag(path) := "" if not contains(_last_component(path), ":")

_last_component(path) := c if {
	components := split(path, "/")
	c := components[count(components) - 1]
}

_strip_tag(path, "") := path

_strip_tag(path, tag) := substring(path, 0, count(path) - count(tag) - 1) if tag != ""

_official("docker.io", repo) := concat("/", ["library", repo]) if not contains(repo, "/")

_official(registry, repo) := repo if {
	registry != "docker.io"
}

_official("docker.io", repo) := repo if contains(repo, "/")

# True when the reference names an explicit version: a tag other than `latest`, or a digest.
# Same answer as `parse(ref).digest != ""` or a `parse(ref).tag` other than "" and "latest", with
# string built-ins instead of a dozen function calls (and instead of regexes, which regorus compiles
# once per process, at a cost larger than a one-file check's evaluation): the digest is what
# follows the first `@`; the tag follows the last `:` of the name (before the `@`) when no `/`
# comes after it.
pinned(ref) if split(ref, "@")[1] != ""

pinned(ref) if {
	t := _name_tag(ref)
	t != "latest"
}

# What follows the last `:` of the name when it is a tag (not empty, no `/`).
_name_tag(ref) := t if {
	pieces := split(split(ref, "@")[0], ":")
	count(pieces) > 1
	t := pieces[count(pieces) - 1]
	t != ""
	not contains(t, "/")
}

# True when the tag is written as `latest` (and no digest pins the image): a tag, but not a version.
latest(ref) if {
	not contains(ref, "@")
	endswith(ref, ":latest")
}

# `{"variant": "latest"}` for a `latest` tag, to choose the message that says so; `{}` otherwise.
latest_variant(ref) := {"variant": "latest"} if latest(ref)

latest_variant(ref) := {} if not latest(ref)

# A reference whose tag and digest still depend on an unresolved variable cannot be judged. The
# tag and the digest can only follow the last `/`, so a variable before it (`${REGISTRY}/ubuntu`)
# changes the registry or the path, never the version: such a reference is judged. A variable
# (`$TAG`, `${TAG}`) or the end of one (`${IMAGE:-a/b}`) in the last component is unresolved.
unresolved(ref) if _unresolved_mark(_last_component(ref))

_unresolved_mark(last) if contains(last, "$")

_unresolved_mark(last) if contains(last, "}")
