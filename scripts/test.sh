#!/usr/bin/env bash
# Sets up (scripts/setup.sh), then runs every test and check:
#   cargo test, the same test files under `deno test` and `bun test` on the
#   native and the WebAssembly backends (the edge bundle in workerd among
#   them), the symbol-table check, the glibc 2.17 release build, deno
#   publish --dry-run, deno fmt/lint/check, cargo fmt/clippy.
# Prints one summary line per step and writes the totals to
# .cache/test-totals ("PASSED FAILED") for .ci/run. Exits non-zero if
# anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1 RUST_BACKTRACE=0
bash scripts/setup.sh || exit 1
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
# the WebAssembly backend (Debian's rustc 1.63 for wasm32; ~4 min from
# scratch): the suite runs on it too, and the edge test serves it
printf '\n==> building the WebAssembly backend (scripts/build_wasm.sh)\n'
bash scripts/build_wasm.sh 2>&1 | tail -3 || exit 1

DENO=node_modules/.bin/deno
BUN=node_modules/.bin/bun
mkdir -p .cache
# Hard limits, far above a loaded machine's times (a suite takes 2-6 min),
# so that a hang fails its step instead of running CI past its budget.
SUITE_LIMIT=${SUITE_LIMIT:-1200}
CHECK_LIMIT=${CHECK_LIMIT:-900}
passed=0
failed=0
log() { printf '\n==> %s\n' "$*"; }
add() { passed=$((passed + $1)); failed=$((failed + $2)); printf -- '--- %s: %s passed, %s failed\n' "$3" "$1" "$2"; }

# A check counts as one test: pass when the command exits 0.
check() {
  local name=$1
  shift
  log "$name"
  if timeout -k 20 "$CHECK_LIMIT" "$@"; then add 1 0 "$name"; else add 0 1 "$name"; fi
}

log "cargo test"
out=$(cargo test --release --manifest-path rust/Cargo.toml 2>&1)
code=$?
printf '%s\n' "$out" | grep -E '^test |test result' | grep -v ' ok$' || true
p=$(printf '%s\n' "$out" | sed -n 's/.*test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' | paste -sd+ | bc)
f=$(printf '%s\n' "$out" | sed -n 's/.*test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' | paste -sd+ | bc)
[ "$code" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
add "${p:-0}" "${f:-0}" "cargo test"

TEST_FLAGS=(--allow-ffi --allow-env --allow-read --allow-write --allow-run --allow-net=127.0.0.1 --v8-flags=--expose-gc)
# The whole suite runs twice per runtime: on the native library (FFI) and
# on the WebAssembly backend (RAPTORS_BACKEND=wasm).
deno_tests() {
  local name="deno test ($1)"
  log "$name"
  out=$(RAPTORS_BACKEND=$1 timeout -k 20 "$SUITE_LIMIT" $DENO test "${TEST_FLAGS[@]}" tests/ 2>&1)
  code=$?
  printf '%s\n' "$out" | grep -E 'FAILED|error|passed' | tail -40
  p=$(printf '%s\n' "$out" | sed -n 's/^\(ok\|FAILED\) | \([0-9]*\) passed.*| \([0-9]*\) failed.*/\2/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\(ok\|FAILED\) | \([0-9]*\) passed.*| \([0-9]*\) failed.*/\3/p' | tail -1)
  [ "$code" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
  add "${p:-0}" "${f:-0}" "$name"
}
bun_tests() {
  local name="bun test ($1)"
  log "$name"
  out=$(RAPTORS_BACKEND=$1 timeout -k 20 "$SUITE_LIMIT" $BUN test tests/ 2>&1)
  code=$?
  printf '%s\n' "$out" | grep -E '^\(fail\)|error:|^ *[0-9]+ (pass|fail)$' | tail -40
  p=$(printf '%s\n' "$out" | sed -n 's/^ *\([0-9]*\) pass$/\1/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^ *\([0-9]*\) fail$/\1/p' | tail -1)
  [ "$code" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
  add "${p:-0}" "${f:-0}" "$name"
}
deno_tests native
bun_tests native
deno_tests wasm
bun_tests wasm

check "symbol table matches the library (deno)" $DENO run --allow-read --allow-env scripts/check_symbols.ts
check "symbol table matches the library (bun)" $BUN scripts/check_symbols.ts
# engine soak: mixed jobs with cancellation, timeouts, overflow and forced
# GC; fails on a promise settled twice, wrong numbers, metrics that do not
# add up, or RSS growth
check "engine soak (deno, 20 s)" env SOAK_SECONDS=20 $DENO run --allow-ffi --allow-env --allow-read --v8-flags=--expose-gc bench/soak.ts
check "engine soak (bun, 20 s)" env SOAK_SECONDS=20 $BUN bench/soak.ts
# speed gate: request-sized calls timed against the plain JS loop in the
# same process (ratios, interleaved rounds); fails when a fast path is lost
check "speed gate (deno, bench/gate.ts)" $DENO run --allow-ffi --allow-env --allow-read bench/gate.ts
check "speed gate (bun, bench/gate.ts)" $BUN bench/gate.ts
# release build: glibc 2.17 via cargo-zigbuild, then loaded by both runtimes
REL=dist/v$(python3 -c 'import json; print(json.load(open("deno.json"))["version"])')/libraptors-linux-x64-gnu.so
check "release build for glibc 2.17 (scripts/release.sh)" env RELEASE_MANIFEST=0 bash scripts/release.sh
check "release build is reproducible (second build in a fresh clone: same SHA-256)" bash scripts/check_reproducible.sh
check "release build loads (deno)" env RAPTORS_LIB_PATH=$REL $DENO run --allow-ffi --allow-env --allow-read scripts/check_release.ts
check "release build loads (bun)" env RAPTORS_LIB_PATH=$REL $BUN scripts/check_release.ts
# the packages as users get them: published to a private registry on
# 127.0.0.1 (verdaccio), installed with npm / bun add / Deno's npm:, run and
# type-checked (tsc --strict, deno check with no config)
check "install test: npm + Node, bun add + Bun, Deno npm: and local import (scripts/install_test.sh)" bash scripts/install_test.sh "$(dirname "$REL")"
check "Node (no FFI) picks the wasm backend (esbuild bundle)" bash -c 'node_modules/.bin/esbuild scripts/check_node.ts --bundle --platform=node --format=esm --outfile=.cache/check_node.mjs --log-level=warning && RAPTORS_WASM_PATH=wasm/raptors.wasm node .cache/check_node.mjs'
# JSR: on this checkout as it is (setup must not have dirtied a tracked
# file: no --allow-dirty), with the wasm fallback in and no lock file
check "deno publish --dry-run (JSR: exports, docs, no slow types, wasm in, no lock file)" bash -c "NO_COLOR=1 $DENO publish --dry-run >.cache/jsr.txt 2>&1; code=\$?; cat .cache/jsr.txt | tail -5; [ \$code -eq 0 ] && grep -q 'wasm/raptors.wasm' .cache/jsr.txt && ! grep -q 'package-lock.json' .cache/jsr.txt"
# every command of the README's shell blocks: run (benchmarks at one size,
# outputs to a scratch copy), or shown to be one test.sh runs verbatim
check "README shell commands run (scripts/readme_sh.ts)" $DENO run -A scripts/readme_sh.ts
check "deploy/: Kubernetes manifests validate (k8s 1.31, strict), Dockerfile sources exist" bash scripts/check_deploy.sh
check "generated op files are up to date (scripts/gen_ops.ts --check)" $DENO run --allow-read --allow-run scripts/gen_ops.ts --check
check "deno doc --lint (every public symbol documented)" $DENO doc --lint mod.ts src/flat/ops.ts
check "deno test --doc (the @example blocks run and assert)" $DENO test --doc --allow-ffi --allow-env --allow-read --allow-write mod.ts src/
check "deno fmt --check" $DENO fmt --check
check "deno lint" $DENO lint
check "deno check" $DENO check mod.ts src/ ffi/ tests/ scripts/ bench/ examples/
check "cargo fmt --check" cargo fmt --manifest-path rust/Cargo.toml --check
check "cargo clippy" cargo clippy --release --manifest-path rust/Cargo.toml --all-targets -- -D warnings

echo "$passed $failed" > .cache/test-totals
printf '\nscripts/test.sh totals: %s passed, %s failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
