#!/usr/bin/env bash
# Installs a released cct-lint binary for the GitHub Action: downloads
# cct-lint-VERSION-TARGET.tar.gz and SHA256SUMS from BASE_URL (the release's download folder,
# https://, or file:// for a local copy), checks the archive against SHA256SUMS, and extracts the
# binary to DEST/bin/cct-lint. Refuses (exit 2) an archive whose checksum is missing or wrong, a
# platform without a released binary, and a binary that does not run.
#   usage: ci/action-install.sh VERSION BASE_URL DEST
set -euo pipefail

version="${1:?version}"
base="${2:?base URL}"
dest="${3:?destination}"
version="${version#v}"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64 | Linux-amd64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-musl ;;
  *)
    echo "::error::no released cct-lint binary for $(uname -s) $(uname -m); leave 'version' empty to build from source" >&2
    exit 2
    ;;
esac

archive="cct-lint-${version}-${target}.tar.gz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {
  curl --fail --silent --show-error --location --retry 3 --output "$work/$1" "$base/$1"
}
fetch "$archive"
fetch SHA256SUMS

# The archive's line of SHA256SUMS, exactly: `HASH  NAME`.
line="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 "  " name }' "$work/SHA256SUMS")"
if [ -z "$line" ]; then
  echo "::error::$archive is not listed in SHA256SUMS" >&2
  exit 2
fi
if ! (cd "$work" && printf '%s\n' "$line" | sha256sum --check --status); then
  echo "::error::checksum mismatch for $archive: refusing to install it" >&2
  exit 2
fi

mkdir -p "$dest/bin"
tar -xzf "$work/$archive" -C "$work"
install -m 0755 "$work/cct-lint-${version}-${target}/cct-lint" "$dest/bin/cct-lint"
"$dest/bin/cct-lint" --version
