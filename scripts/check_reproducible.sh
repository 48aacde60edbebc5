#!/usr/bin/env bash
# Checks that the release build is reproducible: builds this commit a second
# time in a fresh clone at another path (its own clean target directory)
# and compares the library's SHA-256 with the one in dist/ here (built first
# by scripts/release.sh). Exits non-zero when they differ.
#   bash scripts/check_reproducible.sh
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(python3 -c 'import json; print(json.load(open("deno.json"))["version"])')
FILE=dist/v$VERSION/libraptors-linux-x64-gnu.so
[ -f "$FILE" ] || RELEASE_MANIFEST=0 bash scripts/release.sh >/dev/null
other=$(mktemp -d /tmp/raptors-repro-XXXXXX)
trap 'rm -rf "$other"' EXIT
git clone -q "$PWD" "$other/raptors-second-build"
git -C "$other/raptors-second-build" checkout -q "$(git rev-parse HEAD)"
(cd "$other/raptors-second-build" && RELEASE_MANIFEST=0 bash scripts/release.sh >/dev/null)
a=$(sha256sum "$FILE" | cut -d' ' -f1)
b=$(sha256sum "$other/raptors-second-build/$FILE" | cut -d' ' -f1)
echo "first build:  $a  $FILE"
echo "second build: $b  (fresh clone at $other)"
if [ "$a" != "$b" ]; then
  echo "the release build is not reproducible" >&2
  exit 1
fi
echo "reproducible: same SHA-256"
