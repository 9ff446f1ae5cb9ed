#!/usr/bin/env bash
# Reproducible bitnami measurement: unpacks the bitnami/ tree of a bitnami/charts git snapshot
# (a bare git directory, e.g. from `git clone --bare`), vendors every chart's dependencies the
# way `helm dependency build` would (the dependency's chart, taken from the same snapshot, copied
# into charts/NAME, recursively), then compares our renderer with real Helm (bench/helm_diff.py)
# and times `cct-lint render` over all charts.
# Usage: bench/bitnami.sh SNAPSHOT_GIT_DIR [WORK_DIR] [helm_diff.py options...]
# Needs: a release build (cargo build --release --bin cct-lint --example render_bench), the oracle venv (HELM_VENV, default
# /work/venv-helm or target/helm-venv). Writes only under WORK_DIR (default /tmp/bitnami).
# Nothing fetched is ever written into the repository.
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
snapshot="${1:?usage: bench/bitnami.sh SNAPSHOT_GIT_DIR [WORK_DIR] [helm_diff options]}"
work="${2:-/tmp/bitnami}"
shift $(( $# >= 2 ? 2 : 1 ))
bin="${CCT_LINT_BIN:-$repo_root/target/release/cct-lint}"
venv="${HELM_VENV:-}"
if [ -z "$venv" ]; then
  for v in "$repo_root/target/helm-venv" /work/venv-helm; do
    [ -x "$v/bin/python" ] && venv="$v" && break
  done
fi
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release)" >&2; exit 2; }
[ -n "$venv" ] || { echo "no oracle venv (set HELM_VENV)" >&2; exit 2; }

rm -rf "$work" && mkdir -p "$work/src" "$work/charts"
git --git-dir="$snapshot" archive HEAD bitnami | tar -x -C "$work/src"
echo "snapshot: $(git --git-dir="$snapshot" log -1 --format='%h %cs %s')"

python3 - "$work/src/bitnami" "$work/charts" <<'PY'
# Vendoring like `helm dependency build`: for each dependency served from bitnami's registry,
# copy the snapshot's chart of that name when its version satisfies the constraint (Helm's
# "22.x.x"/"^1.2"/">=1" forms are reduced to their major version here, which is what bitnami
# uses), recursively; file:// dependencies are already in the tree. Library `common` included.
import os, re, shutil, sys
src, dst = sys.argv[1], sys.argv[2]

def meta(d):
    # Tiny reader for the fields we need; Chart.yaml of bitnami is regular block YAML.
    import yaml
    with open(os.path.join(d, "Chart.yaml")) as f:
        return yaml.safe_load(f)

def major_ok(constraint, version):
    m = re.match(r"\D*(\d+)", str(constraint or ""))
    v = re.match(r"(\d+)", str(version))
    return m is None or (v is not None and m.group(1) == v.group(1))

missing = []
def vendor(chart_dir):
    for dep in meta(chart_dir).get("dependencies") or []:
        repo = dep.get("repository", "")
        if repo.startswith("file://"):
            sub = os.path.normpath(os.path.join(chart_dir, repo[len("file://"):]))
            if os.path.isdir(sub):
                vendor(sub)
            continue
        name = dep["name"]
        origin = os.path.join(src, name)
        if not os.path.isfile(os.path.join(origin, "Chart.yaml")):
            missing.append((chart_dir, name, "not in snapshot")); continue
        if not major_ok(dep.get("version"), meta(origin).get("version")):
            missing.append((chart_dir, name, "version %s not %s" % (meta(origin).get("version"), dep.get("version"))))
        target = os.path.join(chart_dir, "charts", name)
        if os.path.exists(target):
            shutil.rmtree(target)
        shutil.copytree(origin, target)
        vendor(target)

for name in sorted(os.listdir(src)):
    d = os.path.join(src, name)
    if not os.path.isfile(os.path.join(d, "Chart.yaml")):
        continue
    if (meta(d).get("type") or "application") == "library":
        continue  # not installable (bitnami/common)
    shutil.copytree(d, os.path.join(dst, name))
    vendor(os.path.join(dst, name))
for m in missing:
    print("vendoring note: %s: %s: %s" % m, file=sys.stderr)
print(len(os.listdir(dst)), "charts vendored into", dst)
PY

echo "== differential comparison with Helm (default values)"
set +e
"$venv/bin/python" "$repo_root/bench/helm_diff.py" --bin "$bin" "$@" "$work/charts"
diff_rc=$?
set -e

echo "== render time, in process (examples/render_bench.rs: sequential, then on all cores)"
bench="${RENDER_BENCH_BIN:-$repo_root/target/release/examples/render_bench}"
if [ -x "$bench" ]; then
  "$bench" "$work/charts"
else
  echo "(no $bench: cargo build --release --example render_bench)"
fi

echo "== render time: one cct-lint render process per chart, sequentially"
start=$(date +%s.%N)
fails=0
for c in "$work"/charts/*/; do
  "$bin" render "$c" >/dev/null 2>&1 || fails=$((fails + 1))
done
end=$(date +%s.%N)
n=$(ls -d "$work"/charts/*/ | wc -l)
python3 -c "print('rendered %d charts in %.2f s wall (%d failed)' % ($n, $end - $start, $fails))"
exit $diff_rc
