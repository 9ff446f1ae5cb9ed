#!/usr/bin/env bash
# Shows that `cct-lint check` and `cct-lint render` open no socket: runs them under
# `strace -f -e trace=network` (every network system call of every thread and child) on the
# example application and on the chart fixtures, and fails when any call is seen. Not a timed
# test; needs strace (`apt-get install -y strace`).
# Usage: bench/no_network.sh [PATH...]   (default: fixtures/repos fixtures/charts)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v strace >/dev/null || { echo "strace not found (apt-get install -y strace)" >&2; exit 2; }
cargo build --release --quiet
bin=target/release/cct-lint
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(fixtures/repos fixtures/charts fixtures/json)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
run() {
  : >"$log"
  strace -f -qq -e trace=network -o "$log" "$bin" "$@" >/dev/null 2>&1 || true
  local calls
  calls=$(grep -cE '^[0-9]+ +[a-z_0-9]+\(' "$log" || true)
  printf '%-70s network system calls: %s\n' "$*" "$calls"
  if [ "$calls" != 0 ]; then head -5 "$log"; status=1; fi
}
run check "${paths[@]}" --format json --format sarif --format audit-html --fail-on never
for chart in fixtures/charts/*/; do
  [ -f "$chart/Chart.yaml" ] && run render "$chart"
done
exit $status
