#!/usr/bin/env bash
# `cct-lint check` on a plain bitnami/charts checkout (nothing vendored, charts/ absent as in
# git): how many charts render fully, without some dependency, with another version of one,
# or not at all (summary.charts of the JSON report), and the wall and CPU time of the check.
# Usage: bench/bitnami-check.sh SNAPSHOT_GIT_DIR [WORK_DIR]
# Needs: a release build (cargo build --release). Helm's repository cache is pointed at an
# empty directory so that only the checkout itself serves dependencies. Writes only under
# WORK_DIR (default /tmp/bitnami-check); nothing fetched is written into the repository.
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
snapshot="${1:?usage: bench/bitnami-check.sh SNAPSHOT_GIT_DIR [WORK_DIR]}"
work="${2:-/tmp/bitnami-check}"
bin="${CCT_LINT_BIN:-$repo_root/target/release/cct-lint}"
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release)" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work/src" "$work/empty-cache"
git --git-dir="$snapshot" archive HEAD bitnami | tar -x -C "$work/src"
echo "snapshot: $(git --git-dir="$snapshot" log -1 --format='%h %cs %s')"
cd "$work/src"
for run in 1 2 3; do
  HELM_REPOSITORY_CACHE="$work/empty-cache" /usr/bin/time -f "run $run: wall %e s, user %U s, sys %S s, max RSS %M KB" \
    "$bin" check bitnami --format json --fail-on never > "$work/report.json"
done
python3 - "$work/report.json" <<'PY'
import collections, json, sys
report = json.load(open(sys.argv[1]))
charts = report["summary"]["charts"]
print("charts:", len(charts), dict(collections.Counter(c["status"] for c in charts)))
print("dependencies used, by source:",
      dict(collections.Counter(d["source"] for c in charts for d in c.get("resolved", []))))
for c in charts:
    if c["status"] == "not_rendered":
        print("  not rendered:", c["chart_dir"], c.get("reason", "")[:200])
print("findings:", {k: report["summary"][k] for k in ("findings", "error", "warning", "note", "documents")})
PY
