#!/usr/bin/env bash
# The transcendental ufuncs against NumPy (docs/BENCHMARKS.md): raptors in
# Deno and in Bun, then NumPy alone in its own process, then the table.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import numpy' 2>/dev/null || python3 -m pip install --quiet numpy==2.4.6
mkdir -p bench/results
node_modules/.bin/deno run -A bench/vmath.bench.ts
node_modules/.bin/bun bench/vmath.bench.ts
(cd bench && python3 numpy_vmath.py) > bench/results/numpy-vmath.json
node_modules/.bin/deno run -A bench/vmath.bench.ts --report
