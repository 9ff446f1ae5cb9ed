#!/usr/bin/env bash
# CPU time of `cct-lint check DIR` against the CPU time of only reading DIR's YAML with the same
# loader (examples/yaml_dump.rs, which also writes each file's objects as JSON, so the parse figure
# is an upper bound), both on one thread, best of 3. Issue 14 asks for check ≤ 3× parse on
# argo-cd's manifests/ (CRD-heavy):
#   git --git-dir=/work/.mirror/argoproj+argo-cd/repo archive HEAD -- manifests | tar -x -C /tmp/argo
#   bench/parse_vs_check.sh /tmp/argo/manifests
# Kustomizations under DIR are built by the check (as a user's run would), so their resources
# are read once per root that includes them; the script prints how many roots there are.
set -euo pipefail
dir="${1:?usage: bench/parse_vs_check.sh DIR}"
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin cct-lint --example yaml_dump
bin=target/release/cct-lint
dump=target/release/examples/yaml_dump
mapfile -d '' files < <(find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)
cpu() { # best user+system seconds of 3 runs of "$@"
  python3 - "$@" <<'PY'
import resource, subprocess, sys
best = None
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    best = used if best is None else min(best, used)
print(f"{best:.3f}")
PY
}
bytes=$(cat "${files[@]}" | wc -c)
roots=$(find "$dir" -type f \( -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization \) | wc -l)
parse=$(cpu "$dump" "${files[@]}")
check=$(cpu "$bin" check "$dir" --threads 1 --format json --output /dev/null)
echo "files: ${#files[@]} YAML, $bytes bytes, $roots kustomization roots"
echo "parse only (yaml_dump): ${parse} s CPU"
echo "cct-lint check:         ${check} s CPU"
python3 -c "print(f'ratio: {$check / $parse:.2f}x')"
