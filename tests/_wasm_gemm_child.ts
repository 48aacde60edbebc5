/**
 * Run by `wasm_gemm_test.ts` in a child process on the wasm backend, with
 * `RAPTORS_WASM_RELAXED` set by the test: opens raptors (optionally after
 * registering a side module given by `GEMM_SIDE`) and prints what matmul
 * did as JSON.
 *
 * `GEMM_SIDE=marker` registers a hand-assembled side module whose kernels
 * write 42 to acc[0][0] and nothing else, so the result shows whether the
 * main module really calls the side module (also after a trap reset).
 * `GEMM_SIDE=wrong` registers a module without the expected exports.
 */
import type { NDArray } from "../mod.ts";
import { sideModule } from "./_wasm_side.ts";

// raptors is imported dynamically, after the side module is registered
const env =
  (globalThis as unknown as { process: { env: Record<string, string> } })
    .process.env;

// local.get 3 (acc); T.const 42; T.store
const f64of42 = [...new Uint8Array(new Float64Array([42]).buffer)];
const f32of42 = [...new Uint8Array(new Float32Array([42]).buffer)];
const marker = {
  gemm_f64_4x4: [0, 0x20, 3, 0x44, ...f64of42, 0x39, 3, 0, 0x0b],
  gemm_f32_4x8: [0, 0x20, 3, 0x43, ...f32of42, 0x38, 2, 0, 0x0b],
};
const key = Symbol.for("raptors.wasm.gemm_relaxed");
if (env.GEMM_SIDE === "marker") {
  (globalThis as Record<symbol, unknown>)[key] = sideModule(marker);
} else if (env.GEMM_SIDE === "wrong") {
  (globalThis as Record<symbol, unknown>)[key] = sideModule({
    gemm_f64_4x4: marker.gemm_f64_4x4,
  });
}

const seen: Record<string, unknown> = {};
let rp: typeof import("../mod.ts");
let native: typeof import("../src/_native.ts").native;
try {
  rp = await import("../mod.ts");
  native = (await import("../src/_native.ts")).native;
} catch (e) {
  seen.loadError = `${(e as Error).name}: ${(e as Error).message}`;
  console.log(JSON.stringify(seen));
  throw e;
}
seen.backend = rp.backend.name;
seen.simd = rp.backend.simd;

/** matmul(a, b) for random a (m x k), b (k x n) against a float64 loop. */
function check(m: number, k: number, n: number, dtype: "float64" | "float32") {
  const g = rp.defaultRng(m * 1000 + k * 10 + n);
  const a = (g.standardNormal([m, k]) as NDArray).astype(dtype);
  // b as a transposed view (strided packing) for odd n
  const b = n % 2
    ? (g.standardNormal([n, k]) as NDArray).astype(dtype).T
    : (g.standardNormal([k, n]) as NDArray).astype(dtype);
  const c = rp.matmul(a, b);
  const flat = (x: NDArray) =>
    x.astype("float64").flatten().data as Float64Array;
  const [A, B, C] = [flat(a), flat(b), flat(c)];
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, mag = 0;
      for (let p = 0; p < k; p++) {
        s += A[i * k + p]! * B[p * n + j]!;
        mag += Math.abs(A[i * k + p]! * B[p * n + j]!);
      }
      worst = Math.max(worst, Math.abs(C[i * n + j]! - s) / (mag || 1));
    }
  }
  return worst;
}

if (env.GEMM_SIDE === "marker") {
  const pattern = () =>
    (["float64", "float32"] as const).map((dt) => {
      const c = rp.matmul(
        rp.ones([9, 17], { dtype: dt }),
        rp.ones([17, 19], { dtype: dt }),
      );
      const nr = dt === "float64" ? 4 : 8;
      return (c.tolist() as number[][]).every((row, i) =>
        row.every((v, j) => v === (i % 4 === 0 && j % nr === 0 ? 42 : 0))
      );
    });
  seen.marker = pattern();
  seen.panic = native.rp_debug_panic(); // a trap: the instance is reset
  seen.markerAfterReset = pattern();
} else {
  // awkward sizes: edge tiles, k across two KC=256 blocks, 1-wide
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [5, 3, 7],
    [33, 65, 17],
    [64, 64, 64],
    [9, 300, 13],
    [70, 513, 6],
  ];
  seen.worst64 = Math.max(
    ...sizes.map(([m, k, n]) => check(m, k, n, "float64")),
  );
  seen.worst32 = Math.max(
    ...sizes.map(([m, k, n]) => check(m, k, n, "float32")),
  );
  seen.panic = native.rp_debug_panic();
  seen.worst64AfterReset = check(33, 65, 17, "float64");
}
console.log(JSON.stringify(seen));
