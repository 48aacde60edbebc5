/**
 * Node has no FFI raptors can use: bundled for Node (esbuild), raptors must
 * pick the WebAssembly backend by itself and compute correctly.
 *
 *     esbuild scripts/check_node.ts --bundle --platform=node --format=esm \
 *       --outfile=.cache/check_node.mjs && \
 *       RAPTORS_WASM_PATH=wasm/raptors.wasm node .cache/check_node.mjs
 */
import * as rp from "../mod.ts";

if (rp.backend.name !== "wasm") {
  throw new Error(
    `expected the wasm backend under Node, got ${rp.backend.name}`,
  );
}
const x = rp.defaultRng(3).standardNormal(10000) as rp.NDArray;
const s = rp.sort(x);
const m = rp.matmul([[1.5, 2], [3, 4]], [[1, 0], [0, 2]]).tolist();
if (JSON.stringify(m) !== JSON.stringify([[1.5, 4], [3, 8]])) {
  throw new Error(`matmul: ${JSON.stringify(m)}`);
}
for (let i = 1; i < s.size; i++) {
  if ((s.get(i) as number) < (s.get(i - 1) as number)) throw new Error("sort");
}
// large enough to be split across the worker threads
const big = rp.defaultRng(5).standardNormal(1_000_000) as rp.NDArray;
const twice = rp.add(big, big);
for (let i = 0; i < big.size; i += 997) {
  if (twice.get(i) !== 2 * (big.get(i) as number)) throw new Error("add");
}
const v = await rp.sumAsync(new Float64Array([1, 2, 3.5]));
if (v !== 6.5) throw new Error(`sumAsync: ${v}`);
console.log(
  `node ${process.version}: ${rp.backend.name} backend ` +
    `(${rp.backend.path}, ${rp.backend.threads} threads), ok`,
);
