/**
 * No public function silently accepts an option it does not know. This
 * walks every exported function, every `rp.linalg` member and every method
 * of NDArray, Generator and Engine: each is either called below with a
 * valid options object (once with `{}`, which must work, and once with a
 * bogus key, which must be a TypeError naming the function and the key),
 * or listed as taking no options object. A new export fails the first test
 * until it is put in one of the two lists.
 */
import assert from "node:assert/strict";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";
import { UFUNC1, UFUNC2 } from "../scripts/op_table.ts";

type O = Record<string, unknown>;
// deno-lint-ignore no-explicit-any
const any = rp as any;
const x = rp.array([[1, 2, 3], [4, 5, 6]]);
const v = rp.array([3, 1, 2]);
const b = rp.array([true, false, true]);
const ints = rp.array([0, 1, 2, 1]);
const spd = rp.array([[4, 1], [1, 3]]);
const rng = rp.defaultRng(1);
const engine = new rp.Engine({ threads: 1 });

/** name -> a valid call taking the options object under test. */
const CALLS: Record<string, (o: O) => unknown> = {};
const put = (name: string, f: (o: O) => unknown) => {
  assert.ok(!(name in CALLS), `listed twice: ${name}`);
  CALLS[name] = f;
};

// every ufunc of the op table, and its async form where it has one
const half = rp.array([0.5, 0.25, 0.125]);
for (const r of UFUNC1) {
  put(r.name, (o) => any[r.name](half, o));
  if (r.async) put(r.name + "Async", (o) => any[r.name + "Async"](v, o));
}
for (const r of UFUNC2) {
  const arg = r.loop === "integer" ? ints : v;
  put(r.name, (o) => any[r.name](arg, arg, o));
  if (r.async) put(r.name + "Async", (o) => any[r.name + "Async"](v, v, o));
}

// reductions, statistics, sorting: (a, options)
for (
  const f of [
    "sum",
    "prod",
    "mean",
    "max",
    "min",
    "all",
    "any",
    "var",
    "variance",
    "std",
    "argmax",
    "argmin",
    "cumsum",
    "cumprod",
    "nansum",
    "nanmean",
    "nanmax",
    "nanmin",
    "ptp",
    "average",
    "countNonzero",
    "median",
    "nanmedian",
    "diff",
    "histogram",
    "cov",
    "corrcoef",
    "sort",
    "argsort",
    "unique",
    "flip",
    "norm",
    "trace",
    "diagonal",
    "sumAsync",
    "meanAsync",
    "prodAsync",
    "maxAsync",
    "minAsync",
    "varAsync",
    "stdAsync",
    "argmaxAsync",
    "argminAsync",
    "cumsumAsync",
    "sortAsync",
    "argsortAsync",
    "medianAsync",
    "covAsync",
    "corrcoefAsync",
  ]
) put(f, (o) => any[f](x, o));
put("bincount", (o) => rp.bincount(ints, o));
for (const f of ["quantile", "percentile", "nanquantile", "nanpercentile"]) {
  put(f, (o) => any[f](x, 0.5, o));
}
put("quantileAsync", (o) => rp.quantileAsync(x, 0.5, o));
put("percentileAsync", (o) => rp.percentileAsync(x, 50, o));
put("partition", (o) => rp.partition(v, 1, o));
put("argpartition", (o) => rp.argpartition(v, 1, o));
put("searchsorted", (o) => rp.searchsorted(rp.array([1, 2, 3]), 2, o));
put("digitize", (o) => rp.digitize(v, rp.array([1, 2]), o));
put("topk", (o) => rp.topk(v, 2, o));
put("interp", (o) => rp.interp(half, rp.array([0, 1]), rp.array([0, 2]), o));
put("take", (o) => rp.take(x, [0], o));
put("compress", (o) => rp.compress(b, v, o));
put("copyto", (o) => rp.copyto(rp.zeros([3]), v, o));
put("clip", (o) => rp.clip(v, 1, 2, o));
put("isclose", (o) => rp.isclose(v, v, o));
put("allclose", (o) => rp.allclose(v, v, o));
put("arrayEqual", (o) => rp.arrayEqual(v, v, o));
put("where", (o) => rp.where(b, v, v, o));
put("whereAsync", (o) => rp.whereAsync(b, v, v, o));
put("concatenate", (o) => rp.concatenate([v, v], o));
put("stack", (o) => rp.stack([v, v], o));
put("split", (o) => rp.split(x, 3, { axis: 1, ...o }));
put("roll", (o) => rp.roll(v, 1, o));
put("repeat", (o) => rp.repeat(v, 2, o));
put("matmul", (o) => rp.matmul(spd, spd, o));
put("matmulAsync", (o) => rp.matmulAsync(spd, spd, o));
put("dotAsync", (o) => rp.dotAsync(v, v, o));
put("solveAsync", (o) => rp.solveAsync(spd, rp.array([1, 2]), o));
put("invAsync", (o) => rp.invAsync(spd, o));
put("choleskyAsync", (o) => rp.choleskyAsync(spd, o));
put("qrAsync", (o) => rp.qrAsync(spd, o));
put("eighAsync", (o) => rp.eighAsync(spd, o));
put("svdAsync", (o) => rp.svdAsync(spd, o));
put("pinvAsync", (o) => rp.pinvAsync(spd, o));
put("einsumAsync", (o) => rp.einsumAsync("ij->i", [x], o));
put("toNpz", (o) => rp.toNpz({ a: v }, o));
put("reshape", (o) => rp.reshape(x, [3, 2], o));
put("ravel", (o) => rp.ravel(x, o));
// creation
for (const f of ["zeros", "ones", "empty"]) put(f, (o) => any[f]([2], o));
put("full", (o) => rp.full([2], 7, o));
for (const f of ["zerosLike", "onesLike"]) put(f, (o) => any[f](x, o));
put("fullLike", (o) => rp.fullLike(x, 7, o));
put("array", (o) => rp.array([1, 2], o));
put("asarray", (o) => rp.asarray([1, 2], o));
put("frombuffer", (o) => rp.frombuffer(new ArrayBuffer(16), o));
put("arange", (o) => rp.arange(0, 3, 1, o));
put("linspace", (o) => rp.linspace(0, 1, 5, o));
put("eye", (o) => rp.eye(3, undefined, o));
put("identity", (o) => rp.identity(3, o));
// rp.linalg
put("linalg.norm", (o) => rp.linalg.norm(spd, o));
put("linalg.svd", (o) => rp.linalg.svd(spd, o));
put("linalg.pinv", (o) => rp.linalg.pinv(spd, o));
put("linalg.matrixRank", (o) => rp.linalg.matrixRank(spd, o));
// NDArray methods
// deno-lint-ignore no-explicit-any
const xm = x as any;
const BINARY = UFUNC2.filter((r) => r.loop !== "integer").map((r) => r.name);
const UNARY = UFUNC1.map((r) => r.name);
for (const f of BINARY.filter((f) => f in xm)) {
  put(`NDArray.${f}`, (o) => xm[f](x, o));
}
for (const f of UNARY.filter((f) => f in xm)) {
  put(`NDArray.${f}`, (o) => rp.array([0.5, 0.25])[f as "abs"](o));
}
for (
  const f of [
    "sum",
    "prod",
    "mean",
    "max",
    "min",
    "var",
    "std",
    "argmax",
    "argmin",
    "all",
    "any",
    "cumsum",
    "cumprod",
    "ptp",
    "trace",
    "diagonal",
    "sumAsync",
    "meanAsync",
    "maxAsync",
    "minAsync",
    "argmaxAsync",
    "sortAsync",
    "argsortAsync",
  ]
) put(`NDArray.${f}`, (o) => xm[f](o));
for (const f of ["addAsync", "subtractAsync", "multiplyAsync"]) {
  put(`NDArray.${f}`, (o) => xm[f](x, o));
}
put("NDArray.dotAsync", (o) => v.dotAsync(v, o));
put("NDArray.matmul", (o) => spd.matmul(spd, o));
put("NDArray.matmulAsync", (o) => spd.matmulAsync(spd, o));
put("NDArray.take", (o) => x.take([0], o));
put("NDArray.compress", (o) => v.compress(b, o));
put("NDArray.assign", (o) => rp.zeros([3]).assign(v, o));
put("NDArray.astype", (o) => x.astype("float32", o));
put("NDArray.tolist", (o) => x.tolist(o));
// Generator and Engine
put("Generator.random", (o) => rng.random(3, o));
put("Generator.standardNormal", (o) => rng.standardNormal(3, o));
put("Generator.integers", (o) => rng.integers(0, 5, 3, o));
put("Generator.choice", (o) => rng.choice(5, 3, o));
put("Engine", (o) => new rp.Engine({ threads: 1, ...o }).close());
put("Engine.submit", (o) => engine.submit(() => rp.add(v, 1), o));
put("Engine.close", (o) => new rp.Engine({ threads: 1 }).close(o));

/** Functions and methods that take no options object. */
const NO_OPTIONS = new Set([
  // rp
  "argwhere",
  "atleast1d",
  "atleast2d",
  "atleast3d",
  "broadcastArrays",
  "broadcastTo",
  "expandDims",
  "moveaxis",
  "ndim",
  "shape",
  "size",
  "squeeze",
  "swapaxes",
  "transpose",
  "canCastSafely",
  "convolve",
  "copy",
  "defaultEngine",
  "defaultRng",
  "dot",
  "dtypeOfScalar",
  "einsum",
  "extract",
  "fill",
  "flatnonzero",
  "fromNpy",
  "fromNpz",
  "getLimits",
  "hstack",
  "info",
  "inner",
  "lexsort",
  "load",
  "nonzero",
  "outer",
  "resultType",
  "resultTypeWithScalar",
  "save",
  "savez",
  "savezCompressed",
  "setDefaultEngine",
  "setLimits",
  "setNumThreads",
  "takeAlongAxis",
  "tensordot",
  "tile",
  "toNpy",
  "tobytes",
  "vdot",
  "vstack",
  // rp.linalg
  "linalg.solve",
  "linalg.inv",
  "linalg.det",
  "linalg.slogdet",
  "linalg.cholesky",
  "linalg.qr",
  "linalg.eigh",
  "linalg.eigvalsh",
  "linalg.svdvals",
  "linalg.lstsq",
  // NDArray
  "NDArray._read",
  "NDArray._live",
  "NDArray.dispose",
  "NDArray.asReadOnly",
  "NDArray.tobytes",
  "NDArray.reshape",
  "NDArray.transpose",
  "NDArray.swapaxes",
  "NDArray.expandDims",
  "NDArray.squeeze",
  "NDArray.broadcastTo",
  "NDArray.slice",
  "NDArray.ravel",
  "NDArray.flatten",
  "NDArray.get",
  "NDArray.set",
  "NDArray.item",
  "NDArray.toJSON",
  "NDArray.dot",
  "NDArray.mask",
  "NDArray.nonzero",
  "NDArray.copy",
  "NDArray.toString",
  "NDArray.repr",
  // Generator, Engine
  "Generator.uniform",
  "Generator.normal",
  "Generator.permutation",
  "Generator.shuffle",
  "Engine.metrics",
  "Engine.prometheus",
]);

const isClass = (f: unknown) =>
  typeof f === "function" &&
  /^class\b/.test(Function.prototype.toString.call(f));

function methods(C: { prototype: object }, prefix: string): string[] {
  return Object.getOwnPropertyNames(C.prototype)
    .filter((n) =>
      n !== "constructor" &&
      typeof Object.getOwnPropertyDescriptor(C.prototype, n)!.value ===
        "function"
    )
    .map((n) => `${prefix}.${n}`);
}

function surface(): string[] {
  const names: string[] = [];
  for (const [k, f] of Object.entries(rp)) {
    if (typeof f === "function" && !isClass(f)) names.push(k);
  }
  for (const [k, f] of Object.entries(rp.linalg)) {
    if (typeof f === "function" && !isClass(f)) names.push(`linalg.${k}`);
  }
  names.push("Engine");
  names.push(...methods(rp.NDArray, "NDArray"));
  names.push(...methods(rp.Generator, "Generator"));
  names.push(...methods(rp.Engine, "Engine"));
  return names;
}

test("options surface: every public function is classified (takes options, or takes none)", () => {
  const all = surface();
  const missing = all.filter((n) => !(n in CALLS) && !NO_OPTIONS.has(n));
  assert.deepEqual(missing, [], "classify these in options_keys_test.ts");
  const both = all.filter((n) => n in CALLS && NO_OPTIONS.has(n));
  assert.deepEqual(both, []);
  const stale = [...Object.keys(CALLS), ...NO_OPTIONS].filter((n) =>
    !all.includes(n)
  );
  assert.deepEqual(stale, [], "no longer exported");
  assert.ok(Object.keys(CALLS).length > 200);
});

test("options surface: each function works with {} and refuses an unknown key, naming both", async () => {
  const failures: string[] = [];
  for (const [name, call] of Object.entries(CALLS)) {
    try {
      await call({});
    } catch (e) {
      failures.push(`${name}({}) threw ${String(e)}`);
    }
    const fn = name.includes(".") && !name.startsWith("linalg.")
      ? name.slice(name.indexOf(".") + 1)
      : name.replace("linalg.", "");
    let error: unknown;
    try {
      await call({ bogusKey: 1 });
    } catch (e) {
      error = e;
    }
    if (
      !(error instanceof TypeError) ||
      !error.message.includes('unknown option "bogusKey"') ||
      !error.message.includes("()")
    ) {
      failures.push(`${name}({ bogusKey }) gave ${String(error)}`);
    } else if (!error.message.startsWith(fn.replace(/^variance$/, "var"))) {
      // the message starts with the name the user called (or its NumPy
      // name: variance is rp.var)
      const head = error.message.slice(0, error.message.indexOf("("));
      if (!fn.startsWith(head) && !head.startsWith(fn)) {
        failures.push(`${name}: message names ${head}`);
      }
    }
  }
  assert.deepEqual(failures, []);
  await engine.close();
});

test("options: an inherited key (a polluted Object.prototype) is not the caller's option", () => {
  const proto = Object.prototype as Record<string, unknown>;
  Object.defineProperty(proto, "pollutedKey", {
    value: 1,
    enumerable: true,
    configurable: true,
    writable: true,
  });
  try {
    assert.equal(rp.sum(x, {}), 21n);
    assert.equal(rp.mean(rp.array([1, 2]), {}), 1.5);
  } finally {
    delete proto.pollutedKey;
  }
});

test("functions without options refuse an extra argument that would carry one (undefined and {} pass)", () => {
  const m = rp.array([[2, 1], [1, 3]]);
  const ARGS: Record<string, unknown[]> = {
    argwhere: [v],
    convolve: [v, v, "full"],
    extract: [b, v],
    flatnonzero: [v],
    hstack: [[v, v]],
    inner: [v, v],
    lexsort: [[v]],
    nonzero: [v],
    outer: [v, v],
    takeAlongAxis: [v, rp.array([0, 1]), 0],
    tensordot: [v, v, 1],
    tile: [v, 2],
    vdot: [v, v],
    vstack: [[v, v]],
    transpose: [x],
    swapaxes: [x, 0, 1],
    expandDims: [v, 0],
    squeeze: [x],
    moveaxis: [x, 0, 1],
    broadcastTo: [v, [2, 3]],
    atleast1d: [v],
    atleast2d: [v],
    atleast3d: [v],
    ndim: [v],
    shape: [v],
    size: [v],
    dot: [v, v],
    "linalg.solve": [m, rp.array([1, 2])],
    "linalg.inv": [m],
    "linalg.det": [m],
    "linalg.slogdet": [m],
    "linalg.cholesky": [m],
    "linalg.qr": [m, "reduced"],
    "linalg.eigh": [m, "L"],
    "linalg.eigvalsh": [m, "L"],
    "linalg.svdvals": [m],
    "linalg.lstsq": [m, rp.array([1, 2]), null],
  };
  const failures: string[] = [];
  for (const [name, args] of Object.entries(ARGS)) {
    const f = name.startsWith("linalg.")
      ? (rp.linalg as unknown as Record<string, (...a: unknown[]) => unknown>)[
        name.slice(7)
      ]!
      : any[name] as (...a: unknown[]) => unknown;
    // the argument count NumPy takes positionally, then what must pass
    const n = ({ squeeze: 2, transpose: 2, size: 2 } as Record<string, number>)[
      name
    ] ?? args.length;
    const padded = [...args, ...Array(n - args.length).fill(undefined)];
    try {
      f(...padded, undefined);
      f(...padded, {});
    } catch (e) {
      failures.push(`${name}(..., {}) threw ${String(e)}`);
    }
    try {
      f(...padded, { bogusKey: 1 });
      failures.push(`${name}(..., { bogusKey }) was accepted`);
    } catch (e) {
      const short = name.replace("linalg.", "");
      if (
        !(e instanceof TypeError) ||
        !e.message.startsWith(`${short}(): takes at most`)
      ) {
        failures.push(`${name}: ${String(e)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});
