#!/usr/bin/env bash
# Builds the release binaries, writes ffi/manifest.json (file name,
# SHA-256 and size per platform), which the loader checks downloads
# against (ffi/fetch.ts), and stages the npm packages from the same
# binaries (scripts/npm_pack.ts: dist/npm/*.tgz, `raptors` listing exactly
# the platform packages built).
#
#   bash scripts/release.sh            # build what this host can build
#   bash scripts/release.sh --list     # print the full release matrix
#
# The matrix below is what .github/workflows/release.yml builds, one
# runner per row; on this Linux x86_64 host the linux-x64-gnu row is
# built with cargo-zigbuild against glibc 2.17 (zig from PyPI's ziglang)
# and checked: no symbol may need a newer glibc. Other rows are built by
# their own runners in the workflow and merged into one manifest there.
set -euo pipefail
cd "$(dirname "$0")/.."

# key | rust target | builder | asset file
MATRIX=(
  "linux-x64-gnu|x86_64-unknown-linux-gnu.2.17|zigbuild|libraptors-linux-x64-gnu.so"
  "linux-arm64-gnu|aarch64-unknown-linux-gnu.2.17|zigbuild|libraptors-linux-arm64-gnu.so"
  "linux-x64-musl|x86_64-unknown-linux-musl|zigbuild|libraptors-linux-x64-musl.so"
  "linux-arm64-musl|aarch64-unknown-linux-musl|zigbuild|libraptors-linux-arm64-musl.so"
  "darwin-x64|x86_64-apple-darwin|cargo|libraptors-darwin-x64.dylib"
  "darwin-arm64|aarch64-apple-darwin|cargo|libraptors-darwin-arm64.dylib"
  "windows-x64|x86_64-pc-windows-msvc|cargo|raptors-windows-x64.dll"
)

if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${MATRIX[@]}" | column -t -s '|'
  exit 0
fi

VERSION=$(python3 -c 'import json; print(json.load(open("deno.json"))["version"])')
BASE_URL=${RELEASE_BASE_URL:-https://github.com/raptors-dev/raptors/releases/download}
ONLY=${RELEASE_TARGETS:-linux-x64-gnu}
DIST=dist/v$VERSION
mkdir -p "$DIST"

# Reproducible: two builds of one commit give the same bytes wherever the
# checkout lives (scripts/check_reproducible.sh, run by CI). Paths compiled
# into the library (panic locations) are remapped to fixed prefixes; the
# profile has one codegen unit and fat LTO (rust/Cargo.toml); no timestamp
# or random build id is written (the GNU build id is a hash of the
# contents); SOURCE_DATE_EPOCH is the commit's time for any tool reading it.
CARGO_HOME_DIR=${CARGO_HOME:-$HOME/.cargo}
BASE_RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$PWD=/raptors --remap-path-prefix=$CARGO_HOME_DIR=/cargo"
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

for row in "${MATRIX[@]}"; do
  IFS='|' read -r key target builder file <<<"$row"
  [[ ",$ONLY," == *",$key,"* ]] || continue
  triple=${target%.2.17}
  echo "==> $key ($target, $builder)"
  # GNU ld / lld only (Apple's ld and link.exe do not take --build-id)
  case "$triple" in
    *-linux-*) export RUSTFLAGS="$BASE_RUSTFLAGS -C link-arg=-Wl,--build-id=sha1" ;;
    *) export RUSTFLAGS="$BASE_RUSTFLAGS" ;;
  esac
  if [[ "$builder" == zigbuild ]]; then
    export PATH="$HOME/.local/bin:$PATH"
    if ! { command -v cargo-zigbuild >/dev/null && python3 -m ziglang version >/dev/null 2>&1; }; then
      python3 -m pip --version >/dev/null 2>&1 || {
        apt-get update -qq && apt-get install -y -qq python3-pip >/dev/null
      }
      pins=(ziglang==0.17.1 cargo-zigbuild==0.24.0)
      python3 -m pip install --quiet "${pins[@]}" 2>/dev/null ||
        python3 -m pip install --quiet --break-system-packages "${pins[@]}"
    fi
    rustup target add "$triple" >/dev/null 2>&1 || true
    (cd rust && cargo zigbuild --release --target "$target")
  else
    (cd rust && cargo build --release --target "$target")
  fi
  out=rust/target/$triple/release
  case "$file" in
    *.dll) src=$out/raptors.dll ;;
    *.dylib) src=$out/libraptors.dylib ;;
    *) src=$out/libraptors.so ;;
  esac
  cp "$src" "$DIST/$file"
  if [[ "$key" == linux-*-gnu ]]; then
    python3 scripts/elf_glibc.py "$DIST/$file" --max 2.17
  fi
done

# RELEASE_MANIFEST=0 (CI): build and check only, keep ffi/manifest.json
[[ "${RELEASE_MANIFEST:-1}" == 0 ]] && exit 0
python3 - "$DIST" "$VERSION" "$BASE_URL" <<'PY'
import hashlib, json, pathlib, sys
dist, version, base = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
manifest_path = pathlib.Path("ffi/manifest.json")
old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
files = old.get("files", {}) if old.get("version") == version else {}
for f in sorted(dist.iterdir()):
    key = f.name.split(".")[0].removeprefix("lib").removeprefix("raptors-")
    data = f.read_bytes()
    files[key] = {"file": f.name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
manifest = {"version": version, "baseUrl": base, "files": dict(sorted(files.items()))}
manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
print(f"ffi/manifest.json: {', '.join(files)}")
PY
# the npm packages from the same staged binaries, in the same step: the
# manifest and raptors' optionalDependencies list exactly what was built
# (needs the pinned dev tools: tsc and Deno; a release job may run this
# before anything installed them)
if [ ! -x node_modules/.bin/tsc ] || [ ! -x node_modules/.bin/deno ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
DENO=${DENO:-node_modules/.bin/deno}
"$DENO" run -A scripts/npm_pack.ts --pack >/dev/null
echo "dist/npm: raptors and @raptors/{$(ls "$DIST" | sed -E 's/^(lib)?raptors-//; s/\.[a-z]+$//' | paste -sd, -)}"
