#!/usr/bin/env bash
# Installs what raptors' development needs on a fresh machine and builds the
# native library. Idempotent: a second run only rebuilds what changed.
#   - Node.js/npm (Debian packages) if missing, then the dev tools pinned in
#     package.json/package-lock.json: Deno, Bun, mitata, fast-check.
#   - The Rust library: cargo build --release (rustup's toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*" >&2; }

if ! command -v npm >/dev/null 2>&1; then
  log "installing nodejs and npm (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi
if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "error: cargo not found. Install Rust with rustup (https://rustup.rs), then re-run." >&2
    echo "(Debian's rustc 1.63 cannot build the native library: it lacks stable AVX-512 target features.)" >&2
    exit 1
  fi
fi

if [ ! -x node_modules/.bin/deno ] || [ ! -x node_modules/.bin/bun ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing pinned dev tools (npm install): deno, bun, mitata, fast-check"
  # Not `npm ci`: the registry this project reaches serves Deno's npm package
  # only for linux-x64, so the lockfile cannot list the other platforms'
  # optional packages and `npm ci` rejects it as out of sync. Versions are
  # pinned exactly in package.json, and npm install follows the lockfile.
  npm install --no-audit --no-fund --loglevel=error
fi
node_modules/.bin/deno --version | head -1 >&2
printf 'bun %s\n' "$(node_modules/.bin/bun --version)" >&2

log "building the native library (cargo build --release)"
cargo build --release --manifest-path rust/Cargo.toml 2>&1 | tail -2 >&2
