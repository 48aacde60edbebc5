#!/usr/bin/env bash
# Builds the WebAssembly backend (wasm32-unknown-unknown, SIMD128, shared
# memory for worker threads) with Debian's Rust toolchain (rustc 1.63 ships
# the wasm32 std; see ../shared/PLATFORM.md), into wasm/raptors.wasm, and
# the side module
# wasm/gemm_relaxed.wasm (GEMM micro-kernels with relaxed-SIMD fused
# multiply-adds, which rustc 1.63 cannot emit) with zig's clang from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x /usr/bin/rustc ]] || ! ls /usr/lib/rustlib/wasm32-unknown-unknown >/dev/null 2>&1; then
  SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc cargo lld libstd-rust-dev-wasm32 >/dev/null
fi
# Threads (rust/src/parallel.rs, wasm_pool): the crate is compiled with
# atomics and linked with an imported shared memory. Debian's wasm32 std
# was built without atomics, so lld's feature check is off: the std code
# the workers run (kernels, the allocator behind a lock) has no state
# shared between threads. RUSTC_BOOTSTRAP: rustc 1.63's
# memory.atomic.wait32/notify intrinsics are unstable (lib.rs).
# __stack_pointer is exported so each worker gets a stack of its own.
LINK="--export-table --growable-table --shared-memory --import-memory"
LINK="$LINK --max-memory=4294967296 --no-check-features --export=__stack_pointer"
(cd rust && PATH=/usr/bin:/bin RUSTC=/usr/bin/rustc CARGO_TARGET_DIR=target/wasm RUSTC_BOOTSTRAP=1 \
  RUSTFLAGS="-C target-feature=+simd128,+bulk-memory,+atomics,+mutable-globals -C strip=symbols $(printf -- ' -C link-arg=%s' $LINK)" \
  /usr/bin/cargo build --release --target wasm32-unknown-unknown --offline)
mkdir -p wasm
cp rust/target/wasm/wasm32-unknown-unknown/release/raptors.wasm wasm/raptors.wasm

# the side module: no stack, globals or data of its own (ffi/wasm.ts checks
# its imports and exports), only the main module's memory
export PATH="$HOME/.local/bin:$PATH"
if ! python3 -m ziglang version >/dev/null 2>&1; then
  python3 -m pip --version >/dev/null 2>&1 || {
    SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip >/dev/null
  }
  python3 -m pip install --quiet ziglang==0.17.1 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages ziglang==0.17.1
fi
python3 -m ziglang cc --target=wasm32-freestanding -O3 -msimd128 -mrelaxed-simd \
  -matomics -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--import-memory \
  -Wl,--shared-memory -Wl,--max-memory=4294901760 -Wl,--strip-all \
  -o wasm/gemm_relaxed.wasm rust/wasm_kernels/gemm_relaxed.c
ls -l wasm/raptors.wasm wasm/gemm_relaxed.wasm
