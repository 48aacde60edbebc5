#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the demo under Deno and Bun.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo
node_modules/.bin/deno run --allow-ffi --allow-env --allow-read examples/demo.ts
echo
node_modules/.bin/bun examples/demo.ts
