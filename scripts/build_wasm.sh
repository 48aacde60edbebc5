#!/usr/bin/env bash
# Builds the WebAssembly backend (wasm32-unknown-unknown, SIMD128) with
# Debian's Rust toolchain (rustc 1.63 ships the wasm32 std; see
# ../shared/PLATFORM.md), into wasm/raptors.wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x /usr/bin/rustc ]] || ! ls /usr/lib/rustlib/wasm32-unknown-unknown >/dev/null 2>&1; then
  SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc cargo lld libstd-rust-dev-wasm32 >/dev/null
fi
(cd rust && PATH=/usr/bin:/bin RUSTC=/usr/bin/rustc CARGO_TARGET_DIR=target/wasm \
  RUSTFLAGS="-C target-feature=+simd128 -C strip=symbols" \
  /usr/bin/cargo build --release --target wasm32-unknown-unknown --offline)
mkdir -p wasm
cp rust/target/wasm/wasm32-unknown-unknown/release/raptors.wasm wasm/raptors.wasm
ls -l wasm/raptors.wasm
