package rules.dockerfile.DF009_test

_deny(inp) := d if {
	d := data.rules.dockerfile.DF009.deny with input as inp
}

_f(j, command) := {"path": ["stages", 0, "instructions", j], "params": {"stage": "#1", "command": command}}

_fires(cmd, command) if _deny(_one("debian:12", [_run(cmd)])) == {_f(1, command)}

test_fail_compilers if {
	_fires("CGO_ENABLED=0 GOOS=linux go build -o /app ./cmd/server", "go build")
	_fires("./mvnw -B -DskipTests clean package", "mvn package")
	_fires("mvn install", "mvn package")
	_fires("./gradlew --no-daemon bootJar", "gradle build")
	_fires("npm ci && npm run build", "npm run build")
	_fires("yarn install --frozen-lockfile && yarn build", "yarn build")
	_fires("pnpm run build:prod", "pnpm build")
	_fires("cargo build --release --locked", "cargo build")
	_fires("./configure && make -j4 && make install", "make")
	_fires("pip wheel --no-deps -w /wheels .", "pip wheel")
	_fires("dotnet publish -c Release -o /out", "dotnet publish")
}

test_fail_two_compiling_runs if {
	inp := _one("node:20.11", [_run("npm ci"), _run("npm run build"), _i("COPY", [".", "."]), _run("cd native && make")])
	_deny(inp) == {_f(2, "npm run build"), _f(4, "make")}
}

test_fail_heredoc if {
	run := object.union(_run("<<EOF"), {"heredocs": [{"name": "EOF", "content": "set -e\ngo mod download\ngo build \\\n  -o /bin/app .\n"}]})
	_deny(_one("golang:1.22", [run])) == {_f(1, "go build")}
}

test_pass_multi_stage if {
	inp := {"args": [], "stages": [
		_stage(0, "build", "golang:1.22", null, false, [_run("go build -o /app .")]),
		_stage(1, null, "gcr.io/distroless/static-debian12:nonroot", null, true, [_i("COPY", ["--from=build", "/app", "/app"])]),
	]}
	_deny(inp) == set()
}

test_pass_installs_without_compiling if {
	inp := _one("python:3.12-slim", [
		_run("apt-get install -y make gcc && pip install --no-cache-dir -r requirements.txt"),
		_run("npm ci --omit=dev && go version && mkdir -p /app/build"),
		_i("CMD", ["make run"]),
	])
	_deny(inp) == set()
}

test_pass_install_build_purge_in_the_same_run if {
	purged := [
		"apk add --no-cache --virtual .build-deps gcc make musl-dev && make -C /src install && apk del --no-network .build-deps",
		"apk add --virtual=.deps build-base && make && apk del .deps",
		"apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3 libc6-dev && make && apt-get purge -y --auto-remove gcc libc6-dev",
		"apt-get install -y $BUILD_DEPS && go build -o /app . && apt-get remove -y --auto-remove ${BUILD_DEPS}",
		"savedAptMark=\"$(apt-mark showmanual)\"; apt-get install -y gcc; make; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false",
		"dnf install -y gcc make && make && dnf remove -y gcc make && dnf clean all",
	]
	count([cmd | some cmd in purged; _deny(_one("debian:12", [_run(cmd)])) != set()]) == 0
}

test_fail_removal_of_something_else_or_before_the_build if {
	_fires("apk add --virtual .build-deps gcc && make && apk del curl", "make")
	_fires("apk add gcc && apk del gcc && make", "make")
	_fires("make && apk add gcc && apk del gcc", "make")
	_fires("apt-get install -y gcc && make && rm -rf /usr/bin/gcc", "make")
	_fires("apt-get install -y gcc && make && apt-get purge -y --auto-remove", "make")
}

# ---- input builders ----

_i(keyword, args) := {
	"keyword": keyword, "form": "shell", "flags": [], "value": concat(" ", args),
	"args": args, "expanded": args, "pairs": [], "heredocs": [], "line": 0,
}

_run(cmd) := _i("RUN", [cmd])

_from(image, name) := _i("FROM", [image, "AS", name]) if is_string(name)

_from(image, null) := _i("FROM", [image])

_stage(index, name, image, parent, final, rest) := {
	"index": index, "name": name, "final": final,
	"from": {
		"image": image, "raw": image, "stage": parent,
		"scratch": image == "scratch", "platform": null,
	},
	"instructions": array.concat([_from(image, name)], rest),
}

_one(image, rest) := {"args": [], "stages": [_stage(0, null, image, null, true, rest)]}

test_fail_json_form_through_sh_c if {
	run := object.union(_i("RUN", ["/bin/sh", "-c", "make -j4 && make install"]), {"form": "json"})
	_deny(_one("gcc:14", [run])) == {_f(1, "make")}
	run2 := object.union(_i("RUN", ["mvn", "-B", "package"]), {"form": "json"})
	_deny(_one("maven:3.9", [run2])) == {_f(1, "mvn package")}
	_fires("bash -euc 'cargo build --release'", "cargo build")
}
