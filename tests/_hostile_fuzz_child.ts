// Child of hostile_test.ts: random calls of the public synchronous API with
// hostile arguments (fast-check generates them from a fixed seed). Every
// call must return, or throw a typed error that names the function:
// TypeError, RangeError or a RaptorsError, with a message starting
// `name(): ` or `name: ` (an engine message such as "x.map is not a
// function" or "Maximum call stack size exceeded" is a failure). A crash
// kills this process, which fails the parent. Prints
// { calls, failures: [...] }.
import process from "node:process";
import fc from "fast-check";
import * as rp from "../mod.ts";
import { RaptorsError } from "../src/errors.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);

// ---- hostile values ---------------------------------------------------------

const weirdNumber = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  2,
  3,
  0.5,
  -2.5,
  7,
  NaN,
  Infinity,
  -Infinity,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  1e308,
  1e15,
  Number.MIN_VALUE,
);
const smallInt = fc.integer({ min: -3, max: 6 });
const kinds = [
  Float64Array,
  Float32Array,
  Int32Array,
  Uint8Array,
  Int8Array,
  Int16Array,
  Uint16Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
] as const;

function typed(kind: number, n: number, seed: number): ArrayBufferView {
  const C = kinds[kind % kinds.length]!;
  const a = new C(n);
  for (let i = 0; i < n; i++) {
    const v = ((seed * 31 + i * 17) % 23) - 7;
    (a as unknown as Array<number | bigint>)[i] = C === BigInt64Array
      ? BigInt(v)
      : C === BigUint64Array
      ? BigInt(Math.abs(v))
      : v / (C === Float64Array || C === Float32Array ? 2 : 1);
  }
  return a;
}

const typedArb = fc.tuple(fc.nat(9), fc.integer({ min: 0, max: 12 }), fc.nat())
  .map(([k, n, s]) => typed(k, n, s));

const liar = fc.tuple(typedArb, fc.nat(5)).map(([a, how]) => {
  switch (how) {
    case 0:
      Object.defineProperty(a, "length", { value: 1e6 });
      return a;
    case 1:
      return new Proxy(a, {});
    case 2: {
      const b = a as Uint8Array;
      (b.buffer as ArrayBuffer).transfer?.();
      return b;
    }
    case 3: {
      const rab = new ArrayBuffer(64, { maxByteLength: 128 });
      const v = new Float64Array(rab, 0, 8);
      rab.resize(8);
      return v;
    }
    case 4:
      Object.setPrototypeOf(a, Float64Array.prototype);
      return a;
    default:
      return Object.create(Float64Array.prototype);
  }
});

const dtypeName = fc.constantFrom(
  "float64",
  "float32",
  "int64",
  "int32",
  "uint8",
  "int8",
  "uint64",
  "bool",
  "int16",
  "uint16",
  "uint32",
  "complex128",
  "float16",
  "",
);

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });

const ndArb = fc.tuple(dtypeName, shapeArb, fc.nat(4)).map(
  ([dt, shape, view]) => {
    let a: rp.NDArray;
    try {
      a = rp.arange(shape.reduce((p, d) => p * d, 1)).astype(
        dt as rp.DType,
      ).reshape(shape);
    } catch {
      a = rp.arange(6).reshape(2, 3);
    }
    if (view === 1 && a.ndim > 0) return a.T;
    if (view === 2 && a.ndim > 0) return a.slice("::-1");
    if (view === 3) return a.broadcastTo([2, ...a.shape]);
    return a;
  },
);

const nested = fc.oneof(
  fc.array(weirdNumber, { maxLength: 5 }),
  fc.array(fc.array(smallInt, { minLength: 2, maxLength: 2 }), {
    maxLength: 3,
  }),
  fc.constant([[1, 2], [3]]),
  fc.constant([1, [2, 3]]),
  fc.constant(["a", "b"]),
  fc.constant([true, false, 2]),
  fc.constant([1n, 2n]),
);

const optionKeys = fc.constantFrom(
  "axis",
  "dtype",
  "out",
  "keepdims",
  "ddof",
  "bins",
  "n",
  "side",
  "kind",
  "k",
  "ord",
  "q",
  "weights",
  "minlength",
  "range",
  "endpoint",
  "decimals",
  "where",
  "bogus",
  "__proto__",
);

const optionsArb = fc.dictionary(
  optionKeys,
  fc.oneof(
    weirdNumber,
    smallInt,
    dtypeName,
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constant([0, 1]),
    ndArb,
  ),
  { maxKeys: 3 },
);

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: ndArb },
  { weight: 3, arbitrary: typedArb },
  { weight: 2, arbitrary: liar },
  { weight: 2, arbitrary: weirdNumber },
  { weight: 2, arbitrary: smallInt },
  { weight: 2, arbitrary: nested },
  { weight: 2, arbitrary: optionsArb },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, "x", true, 3n, {}) },
  { weight: 1, arbitrary: dtypeName },
  {
    weight: 1,
    arbitrary: fc.constant({
      get axis(): number {
        throw new Error("option getter ran");
      },
    }),
  },
);

// ---- the functions ----------------------------------------------------------

const SKIP = new Set([
  "load",
  "save",
  "savez",
  "savezCompressed",
  "setLimits",
  "setNumThreads",
  "setDefaultEngine",
  "defaultEngine",
  "info",
  "getLimits",
]);
const fns: Array<[string, (...a: unknown[]) => unknown]> = [];
for (const [k, v] of Object.entries(rp)) {
  if (typeof v !== "function" || /^[A-Z]/.test(k) || k.endsWith("Async")) {
    continue;
  }
  if (SKIP.has(k)) continue;
  fns.push([k, v as (...a: unknown[]) => unknown]);
}
for (const [k, v] of Object.entries(rp.linalg)) {
  if (typeof v === "function" && !/^[A-Z]/.test(k)) {
    fns.push([`linalg.${k}`, v as (...a: unknown[]) => unknown]);
  }
}
const methods = Object.getOwnPropertyNames(rp.NDArray.prototype).filter((m) =>
  m !== "constructor" && !m.endsWith("Async") && m !== "dispose" &&
  typeof Object.getOwnPropertyDescriptor(rp.NDArray.prototype, m)?.value ===
    "function"
);

function safeJson(a: unknown): string {
  try {
    return JSON.stringify(a, (_k, v) => typeof v === "bigint" ? `${v}n` : v);
  } catch {
    return "{...}";
  }
}

// ---- run ----------------------------------------------------------------------

const OK_PREFIX = /^(linalg\.)?[A-Za-z_][\w.]*(\(\))?: /;
const callArb = fc.tuple(
  fc.nat(fns.length + methods.length - 1),
  fc.array(value, { maxLength: 4 }),
);
const failures: string[] = [];
let calls = 0;
const origWarn = console.warn;
console.warn = () => {};
for (const [which, args] of fc.sample(callArb, { seed: SEED, numRuns: RUNS })) {
  const isMethod = which >= fns.length;
  const name = isMethod
    ? `NDArray.${methods[which - fns.length]}`
    : fns[which]![0];
  calls++;
  try {
    let r: unknown;
    if (isMethod) {
      const self = rp.arange(6).astype("float64").reshape(2, 3);
      const m =
        (self as unknown as Record<string, (...a: unknown[]) => unknown>)[
          methods[which - fns.length]!
        ]!;
      r = m.apply(self, args);
    } else {
      r = fns[which]![1](...args);
    }
    if (r instanceof Promise) r = await r;
    if (r instanceof rp.NDArray) void r.toString();
  } catch (e) {
    const err = e as Error;
    const typed = e instanceof TypeError || e instanceof RangeError ||
      e instanceof RaptorsError;
    const msg = String(err?.message ?? e);
    // a caller's own getter that throws may propagate as it is
    const callers = msg === "option getter ran";
    if (!callers && (!typed || !OK_PREFIX.test(msg))) {
      const shown = args.map((a) =>
        a instanceof rp.NDArray
          ? `NDArray<${a.dtype}>(${a.shape})`
          : ArrayBuffer.isView(a)
          ? `${(a as object).constructor?.name}`
          : typeof a === "object" && a !== null
          ? safeJson(a)
          : typeof a === "bigint"
          ? `${a}n`
          : String(a)
      );
      failures.push(
        `${name}(${shown.join(", ")}): ${err?.name}: ${msg.slice(0, 160)}`,
      );
    }
  }
}
console.warn = origWarn;
console.log(JSON.stringify({ calls, failures }));
