#!/usr/bin/env bash
# Benchmark of the release binary (not a timed test): start-up on one small manifest and
# throughput on a generated corpus of 10,000 Kubernetes documents. Prints wall time (median of
# several runs), CPU time and peak memory, with all rules and without the bundle (APP) rules.
# The machine is shared: compare CPU time (user + system) as well as wall time.
# Usage: bench/run.sh [DOCUMENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-10000}
cargo build --release --quiet
bin=target/release/cct-lint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() { # prints seconds for one run of "$@"
  local s e
  s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN {print e - s}'
}

mkdir -p "$work/one"
cp fixtures/rules/K8S001/pass-*/*.yaml "$work/one/" 2>/dev/null || true
ls "$work/one" | head -1 | { read -r f; find "$work/one" -type f ! -name "$f" -delete; }
for _ in 1 2 3; do wall "$bin" check "$work/one"; done >/dev/null
startup=$(for _ in $(seq 1 21); do wall "$bin" check "$work/one"; done | median)
printf 'start-up, one small manifest: %.1f ms (median of 21)\n' "$(awk -v s="$startup" 'BEGIN {print s * 1000}')"

python3 bench/gen_corpus.py "$work/corpus" "$docs"
du -sh "$work/corpus" | awk '{print "corpus size: " $1}'
runs=$(for _ in 1 2 3; do wall "$bin" check "$work/corpus" --format json --fail-on never; done | median)
printf 'throughput, %s documents: %.2f s wall (median of 3)\n' "$docs" "$runs"
/usr/bin/time -f 'peak memory: %M KiB, user %U s, system %S s' "$bin" check "$work/corpus" --format json --fail-on never >/dev/null
printf 'rules:\n' >"$work/no-app.yaml"
for id in APP001 APP002 APP003 APP004 APP005 APP006; do printf '  %s: false\n' "$id" >>"$work/no-app.yaml"; done
/usr/bin/time -f 'without APP rules: %e s wall, peak memory: %M KiB, user %U s, system %S s' "$bin" check "$work/corpus" --format json --fail-on never --config "$work/no-app.yaml" >/dev/null
one=$(wall "$bin" check "$work/corpus" --format json --fail-on never --threads 1)
printf 'throughput with --threads 1: %.2f s wall\n' "$one"
