#!/usr/bin/env bash
# Regenerates the size sweep of docs/BENCHMARKS.md (table and docs/sizes.svg):
# raptors, the plain JS loop and numpy-ts in Deno and in Bun (one process
# each), then NumPy alone in its own process (nothing else running: with a
# third busy process OpenBLAS's threads stall), then the report.
#   bash bench/sizes.sh        (SIZES=16,1000 ROUNDS=9 ... pass through)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
python3 -c 'import numpy' 2>/dev/null || python3 -m pip install --quiet numpy==2.4.6
mkdir -p bench/results
node_modules/.bin/deno run -A --v8-flags=--expose-gc bench/sizes.bench.ts
node_modules/.bin/bun bench/sizes.bench.ts
(cd bench && python3 numpy_sizes.py) > bench/results/numpy-sizes.json
node_modules/.bin/deno run -A bench/sizes_report.ts
