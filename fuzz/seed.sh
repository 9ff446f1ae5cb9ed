#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the repository's fixtures, into
# fuzz/corpus-work/<target>/ (not committed): YAML and JSON files, Dockerfiles, chart templates
# followed by a NUL byte and their chart's values.yaml, packaged charts (the fixture .tgz and
# every fixture chart packed with bench/pack_chart.py), the .cct-lint.yaml files, and every
# fixture kustomization packed with its tree by bench/pack_kustomize.py. The
# committed corpora (fuzz/corpus/<target>/) are a size-spread sample of these after fuzzing
# and `cargo fuzz cmin`, inputs up to 4 KB.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus-work
rm -rf "$out"
mkdir -p "$out"/{yaml,dockerfile,template,chart_archive,config,kustomize}
put() { # target file
  local sum; sum=$(sha1sum "$2" | cut -c1-40); cp "$2" "$out/$1/$sum"
}
find fixtures tests/data -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -print0 |
  while IFS= read -r -d '' f; do put yaml "$f"; done
find fixtures -type f \( -iname 'dockerfile*' -o -iname '*.dockerfile' -o -iname 'containerfile*' \) -print0 |
  while IFS= read -r -d '' f; do put dockerfile "$f"; done
find fixtures -type f -path '*/templates/*' -print0 | while IFS= read -r -d '' f; do
  chart=${f%%/templates/*}
  tmp=$(mktemp)
  { cat "$f"; printf '\0'; cat "$chart/values.yaml" 2>/dev/null || true; } >"$tmp"
  put template "$tmp"; rm -f "$tmp"
done
find fixtures -type f -name '*.tgz' -print0 | while IFS= read -r -d '' f; do put chart_archive "$f"; done
find fixtures -name Chart.yaml -print0 | while IFS= read -r -d '' f; do
  tmp=$(mktemp --suffix=.tgz)
  python3 bench/pack_chart.py "$(dirname "$f")" "$tmp" && put chart_archive "$tmp"
  rm -f "$tmp"
done
find fixtures -type f -name '.cct-lint.yaml' -print0 | while IFS= read -r -d '' f; do put config "$f"; done
# Each kustomization packed with the tree of its fixture (the repository folder, or the rule
# fixture folder).
find fixtures -name kustomization.yaml -print0 | while IFS= read -r -d '' f; do
  overlay=$(dirname "$f")
  case "$overlay" in
    fixtures/repos/*) root=$(echo "$overlay" | cut -d/ -f1-3) ;;
    *) root=$overlay ;;
  esac
  tmp=$(mktemp)
  python3 bench/pack_kustomize.py "$root" "$overlay" "$tmp" && put kustomize "$tmp"
  rm -f "$tmp"
done
for t in "$out"/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"; done
