/**
 * raptors NDArray against numpy-ts (npm, Zig/WebAssembly SIMD kernels) on
 * the same operations and the same data, side by side in one mitata run.
 * Both libraries are used as their docs say for tight loops: each result
 * is disposed at once (numpy-ts frees it in its WebAssembly heap, raptors
 * returns it to its buffer pool). "(no dispose)" leaves raptors' result to
 * the GC (in a synchronous loop the pool then runs dry and every result is
 * a fresh TypedArray); "(out=)" writes into a preallocated output.
 *
 *     deno run --allow-ffi --allow-env --allow-read --allow-write bench/peers.bench.ts
 *     bun bench/peers.bench.ts
 *     RAPTORS_BACKEND=wasm bun bench/peers.bench.ts   # the WebAssembly backend
 *
 * Each pair computes the same result; the script checks a few of them
 * agree before timing.
 *
 * @module
 */
import { bench, do_not_optimize, run, summary } from "mitata";
import * as rp from "../mod.ts";
import { runtimeName, runtimeVersion, saveResults } from "./_common.ts";
import { checkPeerHeap, N, n as shared, np, r as base, x, y } from "./_peer.ts";

/** numpy-ts `f(g(x))`, freeing the intermediate as its docs ask. */
function chain<R>(
  inner: { dispose(): void },
  // deno-lint-ignore no-explicit-any
  f: (x: any) => R,
): R {
  const r = f(inner);
  inner.dispose();
  return r;
}
// rp.array copies into memory raptors owns, as np.array does for numpy-ts
// (on the wasm backend: into the module's memory, so no call copies)
const ints = rp.asarray(
  rp.floor(rp.multiply(rp.asarray(x.subarray(0, 100000)), 1000)),
).astype("int32");
const r = {
  ...base,
  m: rp.array(x).reshape(1000, 1000),
  row: rp.array(y.subarray(0, 1000)),
  tall: rp.array(x).reshape(10000, 100),
  ints,
};
const n = {
  ...shared,
  m: np.array(Array.from(x), "float64").reshape([1000, 1000]),
  row: np.array(Array.from(y.subarray(0, 1000)), "float64"),
  tall: np.array(Array.from(x), "float64").reshape([10000, 100]),
  ints: np.array(Array.from(ints.data as Int32Array), "int32"),
};

// same answers before timing
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
const check = (what: string, a: number, b: number) => {
  if (!close(a, b)) throw new Error(`${what}: raptors ${a}, numpy-ts ${b}`);
};
check("sum", rp.sum(r.v) as number, Number(np.sum(n.v)));
check(
  "matmul",
  rp.sum(rp.matmul(r.a256, r.a256)) as number,
  Number(np.sum(np.matmul(n.a256, n.a256))),
);
check(
  "sum axis 0",
  rp.sum(rp.sum(r.tall, { axis: 0 }) as rp.NDArray) as number,
  Number(np.sum(np.sum(n.tall, 0))),
);

const o = {
  v: rp.zeros([N]),
  m: rp.zeros([1000, 1000]),
};
const cases: Array<[string, () => unknown, () => unknown]> = [
  ["sum 1e6", () => rp.sum(r.v), () => np.sum(n.v)],
  ["add 1e6", () => rp.add(r.v, r.w), () => np.add(n.v, n.w)],
  [
    "add 1e6 (out=)",
    () => rp.add(r.v, r.w, { out: o.v }),
    () => np.add(n.v, n.w),
  ],
  [
    "multiply by scalar 1e6",
    () => rp.multiply(r.v, 3),
    () => np.multiply(n.v, 3),
  ],
  ["exp 1e6", () => rp.exp(r.v), () => np.exp(n.v)],
  [
    "sqrt(abs) 1e6",
    () => {
      using t = rp.abs(r.v);
      return rp.sqrt(t);
    },
    () => chain(np.abs(n.v), np.sqrt),
  ],
  [
    "1000x1000 - row",
    () => rp.subtract(r.m, r.row),
    () => np.subtract(n.m, n.row),
  ],
  [
    "1000x1000 - row (out=)",
    () => rp.subtract(r.m, r.row, { out: o.m }),
    () => np.subtract(n.m, n.row),
  ],
  [
    "sum(axis=0) 10000x100",
    () => rp.sum(r.tall, { axis: 0 }),
    () => np.sum(n.tall, 0),
  ],
  [
    "sum(axis=1) 10000x100",
    () => rp.sum(r.tall, { axis: 1 }),
    () => np.sum(n.tall, 1),
  ],
  [
    "mean(axis=0) 1000x1000",
    () => rp.mean(r.m, { axis: 0 }),
    () => np.mean(n.m, 0),
  ],
  [
    "std 1e6",
    () => rp.std(r.v),
    () => np.std(n.v),
  ],
  [
    "argmax(axis=1) 1000x1000",
    () => r.m.argmax({ axis: 1 }),
    () => np.argmax(n.m, 1),
  ],
  [
    "max(axis=0) 1000x1000",
    () => rp.max(r.m, { axis: 0 }),
    () => np.max(n.m, 0),
  ],
  ["cumsum 1e6", () => rp.cumsum(r.v as rp.NDArray), () => np.cumsum(n.v)],
  [
    "transpose copy 1000x1000",
    () => r.m.T.copy(),
    () => chain(n.m.T, (t) => t.copy()),
  ],
  [
    "matmul f64 256",
    () => rp.matmul(r.a256, r.a256),
    () => np.matmul(n.a256, n.a256),
  ],
  [
    "matmul f32 512",
    () => rp.matmul(r.a512f32, r.a512f32),
    () => np.matmul(n.a512f32, n.a512f32),
  ],
  ["unique int32 1e5", () => rp.unique(r.ints), () => np.unique(n.ints)],
  ["sort 1e6", () => rp.sort(r.v), () => np.sort(n.v)],
  // last: undisposed results fill the pool until the event loop turns
  [
    "add 1e6 (no dispose)",
    () => rp.add(r.v, r.w),
    () => np.add(n.v, n.w),
  ],
];

for (const [name, a, b] of cases) {
  summary(() => {
    bench(`${name} | raptors`, () => {
      const res = a();
      do_not_optimize(res);
      if (
        res instanceof rp.NDArray && !name.includes("(no dispose)") &&
        !name.includes("(out=)")
      ) {
        res.dispose();
      }
    });
    bench(`${name} | numpy-ts`, () => {
      const res = b() as { dispose?: () => void };
      do_not_optimize(res);
      res.dispose?.();
    });
  });
}

const wasm = rp.backend.name === "wasm" ? "wasm-" : "";
const result = await run({ format: "quiet", throw: true });
checkPeerHeap();
const avg = new Map(
  result.benchmarks.map((b) => [b.alias, b.runs[0]!.stats!.avg]),
);
const rows = cases.map(([name]) => {
  const rap = avg.get(`${name} | raptors`)!,
    peer = avg.get(`${name} | numpy-ts`)!;
  return {
    name,
    raptorsUs: rap / 1e3,
    numpyTsUs: peer / 1e3,
    speedup: peer / rap,
  };
});
console.log(
  `${runtimeVersion}, raptors ${rp.backend.name} backend, numpy-ts 1.7.0`,
);
for (const row of rows) {
  console.log(
    `${row.name}: raptors ${row.raptorsUs.toFixed(1)} µs, numpy-ts ${
      row.numpyTsUs.toFixed(1)
    } µs, ${row.speedup.toFixed(2)}x`,
  );
}
console.log(
  `saved ${await saveResults(`peers-${wasm}${runtimeName}`, {
    runtime: runtimeVersion,
    backend: rp.backend.name,
    rows,
  })}`,
);
