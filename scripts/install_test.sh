#!/usr/bin/env bash
# End-to-end install test: stages the npm packages (scripts/npm_pack.ts)
# from the release build, publishes them to a private registry (verdaccio,
# on 127.0.0.1, no uplinks: nothing comes from the public registry), installs
# them in fresh projects with npm (run by Node), bun add (run by Bun) and
# Deno's npm: specifier, and checks in each a result and the backend
# chosen: Node -> wasm, Bun -> native (the @raptors/<platform> package),
# Deno -> native with --allow-ffi, wasm (with its one-time warning)
# without. Then type checks of a user file: `deno check` with no config
# (npm: and a local jsr-style import of mod.ts) and `tsc --strict` with
# lib es2022 + @types/node against the installed declarations.
#   bash scripts/install_test.sh [DIST_DIR]   (default dist/v<version>)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/node_modules/.bin:$PATH" NO_COLOR=1
VERSION=$(python3 -c 'import json; print(json.load(open("deno.json"))["version"])')
DIST=${1:-dist/v$VERSION}
WORK=$(mktemp -d /tmp/raptors-install-XXXXXX)
# a free port (a registry left over on a fixed port would take the packages)
PORT=${RAPTORS_REGISTRY_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
REG=http://127.0.0.1:$PORT/
VPID=
cleanup() {
  [ -n "$VPID" ] && kill "$VPID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "install test FAILED: $*" >&2; exit 1; }

echo "== staging the packages from $DIST"
RAPTORS_DIST=$DIST RAPTORS_NPM_OUT=$WORK/npm deno run -A scripts/npm_pack.ts --pack >/dev/null

echo "== private registry on $REG"
cat > "$WORK/verdaccio.yaml" <<YAML
storage: $WORK/storage
auth:
  htpasswd:
    file: $WORK/htpasswd
    max_users: -1
uplinks: {}
packages:
  '**':
    access: \$all
    publish: \$all
log: { type: stdout, format: pretty, level: warn }
YAML
verdaccio --config "$WORK/verdaccio.yaml" --listen "127.0.0.1:$PORT" >"$WORK/verdaccio.log" 2>&1 &
VPID=$!
# wait for the registry to answer (a state, with a deadline)
for _ in $(seq 1 300); do
  curl -sf "${REG}-/ping" >/dev/null 2>&1 && break
  kill -0 "$VPID" 2>/dev/null || { cat "$WORK/verdaccio.log"; fail "verdaccio exited"; }
  sleep 0.1
done
curl -sf "${REG}-/ping" >/dev/null || fail "verdaccio did not answer on $REG"
kill -0 "$VPID" 2>/dev/null || { cat "$WORK/verdaccio.log"; fail "our verdaccio is not the one answering on $REG"; }
# package caches of this run only: a cached raptors@<same version> from an
# earlier run must not stand in for the one just packed
export BUN_INSTALL_CACHE_DIR=$WORK/bun-cache npm_config_cache=$WORK/npm-cache
printf '//127.0.0.1:%s/:_authToken=ci\nregistry=%s\n' "$PORT" "$REG" >"$WORK/npmrc"
export NPM_CONFIG_USERCONFIG=$WORK/npmrc NPM_CONFIG_REGISTRY=$REG
for tgz in "$WORK"/npm/*.tgz; do
  case $tgz in */raptors-$VERSION.tgz) continue ;; esac
  npm publish --loglevel=error "$tgz" >/dev/null
done
npm publish --loglevel=error "$WORK/npm/raptors-$VERSION.tgz" >/dev/null

# the same check in every runtime: a result, and the backend it reports
cat >"$WORK/check.mjs" <<'JS'
import * as rp from "raptors";
const a = rp.array([[1, 2], [3, 4]], { dtype: "float64" });
const s = rp.sum(rp.matmul(a, a));
if (s !== 54) throw new Error(`sum(a @ a) = ${s}, expected 54`);
console.log(`backend=${rp.backend.name}`);
JS
expect() { # name, wanted backend, output
  case $3 in *"backend=$2"*) echo "ok   $1: $2" ;; *) echo "$3"; fail "$1: expected backend $2" ;; esac
}

echo "== npm install + Node"
mkdir -p "$WORK/node" && cd "$WORK/node"
echo '{"name":"node-app","private":true,"type":"module"}' >package.json
npm install --no-audit --no-fund --loglevel=error raptors@"$VERSION" >/dev/null
cp "$WORK/check.mjs" .
expect "node" wasm "$(node check.mjs 2>&1)"
# tsc --strict, lib es2022 + @types/node, against the installed .d.ts
mkdir -p node_modules/@types && cp -r "$ROOT/node_modules/@types/node" node_modules/@types/
ln -sfn "$ROOT/node_modules/undici-types" node_modules/undici-types
cat >user.ts <<'TS'
import * as rp from "raptors";
const a: rp.NDArray = rp.array([1.5, 2.5], { dtype: "float32" });
const m: number = rp.mean(a) as number;
console.log(m);
TS
cat >tsconfig.json <<'JSON'
{"compilerOptions":{"strict":true,"target":"es2022","lib":["es2022"],"module":"nodenext","moduleResolution":"nodenext","types":["node"],"noEmit":true},"files":["user.ts"]}
JSON
tsc -p tsconfig.json || fail "tsc --strict of a user file"
echo "ok   tsc --strict (lib es2022, @types/node)"

echo "== bun add + Bun"
mkdir -p "$WORK/bun" && cd "$WORK/bun"
echo '{"name":"bun-app","private":true,"type":"module"}' >package.json
bun add "raptors@$VERSION" >/dev/null 2>&1 || fail "bun add"
cp "$WORK/check.mjs" .
expect "bun" native "$(bun check.mjs 2>&1)"
# the tsconfig `bun init` writes, with its @types/bun (copied: the private
# registry has only raptors); skipLibCheck as bun init sets it (the strict
# lib-es2022 check above is the one that also checks the declarations)
cp "$WORK/node/user.ts" .
mkdir -p node_modules/@types
cp -r "$ROOT/node_modules/@types/bun" "$ROOT/node_modules/@types/node" node_modules/@types/
cp -r "$ROOT/node_modules/bun-types" "$ROOT/node_modules/undici-types" node_modules/
cat >tsconfig.json <<'JSON'
{"compilerOptions":{"lib":["ESNext"],"target":"ESNext","module":"Preserve","moduleDetection":"force","allowJs":true,"moduleResolution":"bundler","allowImportingTsExtensions":true,"verbatimModuleSyntax":true,"noEmit":true,"strict":true,"skipLibCheck":true,"noFallthroughCasesInSwitch":true,"noUncheckedIndexedAccess":true,"noImplicitOverride":true},"files":["user.ts"]}
JSON
tsc -p tsconfig.json || fail "tsc with bun init's options"
echo "ok   tsc with bun init's compiler options"

echo "== Deno, npm: specifier"
mkdir -p "$WORK/deno" && cd "$WORK/deno"
sed "s|from \"raptors\"|from \"npm:raptors@$VERSION\"|" "$WORK/check.mjs" >check.ts
export DENO_DIR=$WORK/deno-cache
# --no-config: a user's script with no deno.json. Without it Deno takes a
# deno.json in any parent folder of $WORK (/tmp) as the project, with its
# lockfile: one written by an earlier run pinned the tarballs to that
# run's registry port, and the next run failed (connection refused).
expect "deno npm: --allow-ffi" native "$(deno run --no-config --min-dep-age=0 --allow-ffi --allow-read --allow-env check.ts 2>&1)"
out=$(deno run --no-config --min-dep-age=0 --allow-read --allow-env check.ts 2>&1)
expect "deno npm: without --allow-ffi" wasm "$out"
case $out in *"raptors: the native library did not load"*) echo "ok   the fallback warned" ;; *) echo "$out"; fail "no fallback warning" ;; esac
deno check --no-config --min-dep-age=0 check.ts >/dev/null 2>&1 || { deno check --no-config --min-dep-age=0 check.ts; fail "deno check (npm:)"; }
echo "ok   deno check with no config (npm:)"

echo "== Deno, local jsr-style import of the sources"
sed "s|from \"raptors\"|from \"$ROOT/mod.ts\"|" "$WORK/check.mjs" >local.ts
expect "deno local import" native "$(deno run --no-config --allow-ffi --allow-read --allow-env local.ts 2>&1)"
deno check --no-config local.ts >/dev/null 2>&1 || { deno check --no-config local.ts; fail "deno check (local)"; }
echo "ok   deno check with no config (local import)"
echo "install test passed"
