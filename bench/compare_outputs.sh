#!/usr/bin/env bash
# Byte-for-byte output comparison for refactors that must not change output: records every
# report format (and the exit code) of the release binary on the fixture repositories and on
# extra directories given in CCT_COMPARE_EXTRA, then compares a later build against that record.
# It never modifies the scanned directories.
# Usage: bench/compare_outputs.sh record|compare [OUT_DIR]   (OUT_DIR default /tmp/refactor-baseline)
#   CCT_COMPARE_EXTRA="name=/abs/dir name2=/abs/dir2"   extra inputs (e.g. fetched public repos)
#   CCT_COMPARE_BIN=/path/to/cct-lint                    use this binary, build nothing
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?record or compare}
base=${2:-/tmp/refactor-baseline}
bin=${CCT_COMPARE_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet
  bin=$PWD/target/release/cct-lint
fi
case $mode in
  record) out=$base ;;
  compare) out=$(mktemp -d); trap 'rm -rf "$out"' EXIT ;;
  *) echo "usage: $0 record|compare [OUT_DIR]" >&2; exit 2 ;;
esac
mkdir -p "$out"

# The fixtures are copied out of this repository: inside it, the audit would name this
# repository's commit, which every commit of the refactor changes.
fixtures=/tmp/cct-compare-fixtures
rm -rf "$fixtures" && mkdir -p "$fixtures" && cp -r fixtures/repos/. "$fixtures"/
cases=()
for d in "$fixtures"/*/; do
  d=${d%/}; cases+=("fixture-$(basename "$d")=$d")
done
for extra in ${CCT_COMPARE_EXTRA:-}; do cases+=("$extra"); done
# A git repository with an origin and a fixed commit, for what reports say of version control.
git_repo=/tmp/cct-compare-git
rm -rf "$git_repo" && mkdir -p "$git_repo" && cp -r fixtures/repos/derogations/. "$git_repo"/
(cd "$git_repo" && git init -q -b main && git remote add origin https://gitlab.example/team/app.git \
  && git add -A && GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z \
  git -c user.name=t -c user.email=t@example.org commit -q -m fixture)
cases+=("git-derogations=$git_repo")

for c in "${cases[@]}"; do
  name=${c%%=*}; dir=${c#*=}
  for lang in en fr; do
    for fmt in human json sarif gitlab junit audit-md audit-html; do
      f="$out/$name.$lang.$fmt"
      # Run from inside the scanned directory with a relative path, as a user would.
      rc=0
      (cd "$dir" && NO_COLOR=1 CCT_LINT_REPORT_DATE=2026-12-01 "$bin" check . --format "$fmt" --lang "$lang" --color never \
        --threads 2) >"$f" 2>"$f.stderr" || rc=$?
      echo "$rc" >"$f.rc"
    done
  done
done

if [ "$mode" = compare ]; then
  bad=0
  for f in "$base"/*; do
    g="$out/$(basename "$f")"
    if ! cmp -s "$f" "$g"; then echo "DIFFERS: $(basename "$f")"; bad=1; fi
  done
  n=$(ls "$base" | wc -l)
  if [ "$bad" = 0 ]; then echo "identical: $n files"; else echo "outputs differ"; exit 1; fi
else
  echo "recorded $(ls "$out" | wc -l) files in $out"
fi
