// Child of hostile_test.ts: TypedArrays that lie about their length (own
// property, subclass getter, a redefinition on Float64Array.prototype),
// Proxies and swapped prototypes passed to the flat API and the NDArray
// entry points. Before the fix, Deno native segfaulted here, so it runs in
// its own process. Prints one JSON line: case -> op -> outcome.
import * as rp from "../mod.ts";

const N = 16;
const filled = () => new Float64Array(N).fill(1.5);
const cases: Record<string, () => Float64Array> = {
  ownLength: () => {
    const x = filled();
    Object.defineProperty(x, "length", { value: 1e6 });
    return x;
  },
  ownByteFields: () => {
    const x = filled();
    Object.defineProperty(x, "byteLength", { value: 8e6 });
    Object.defineProperty(x, "byteOffset", { value: 4096 });
    Object.defineProperty(x, "buffer", { value: new ArrayBuffer(8e6) });
    return x;
  },
  subclassGetter: () => {
    class Liar extends Float64Array {
      override get length(): number {
        return 4_194_304;
      }
    }
    const x = new Liar(N);
    x.fill(1.5);
    return x;
  },
  subclassMethods: () => {
    class Liar extends Float64Array {
      override subarray(): Float64Array<ArrayBuffer> {
        return new Float64Array(1e5);
      }
      override slice(): Float64Array<ArrayBuffer> {
        return new Float64Array(1e5);
      }
      override fill(): this {
        throw new Error("caller code ran: fill");
      }
      override set(): void {
        throw new Error("caller code ran: set");
      }
      override sort(): this {
        throw new Error("caller code ran: sort");
      }
    }
    const x = new Liar(N);
    Float64Array.prototype.fill.call(x, 1.5);
    return x;
  },
  proxy: () =>
    new Proxy(filled(), {
      get: (t, k) => (k === "length" ? 1e6 : Reflect.get(t, k)),
    }) as Float64Array,
  swappedPrototype: () => {
    const x = new Int8Array(N).fill(1);
    Object.setPrototypeOf(x, Float64Array.prototype);
    return x as unknown as Float64Array;
  },
  inheritsOnly: () => Object.create(Float64Array.prototype) as Float64Array,
};

/** The sum of the elements, read through the internal slots. */
const total = (x: Float64Array): number =>
  Float64Array.prototype.reduce.call(
    x,
    (s: unknown, v: number) => (s as number) + v,
    0,
  ) as number;

const ops: Record<string, (x: Float64Array) => unknown> = {
  sum: (x) => rp.sum(x),
  mean: (x) => rp.mean(x),
  max: (x) => rp.max(x),
  dot: (x) => rp.dot(x, x),
  fill: (x) => {
    rp.fill(x, 2);
    return total(x);
  },
  copy: (x) => total(rp.copy(x)),
  sort: (x) => {
    rp.sort(x);
    return total(x);
  },
  add: (x) => rp.sum(rp.add(x, x)),
  addScalar: (x) => rp.sum(rp.add(x, 1) as Float64Array),
  exp: (x) => rp.sum(rp.exp(x) as Float64Array),
  cumsum: (x) => rp.sum(rp.cumsum(x) as Float64Array),
  argsort: (x) => rp.argsort(x).length,
  array: (x) => rp.array(x).sum(),
  ndarray: (x) => new rp.NDArray(x, "float64", [N]).sum(),
  ndarrayMethod: (x) => new rp.NDArray(x, "float64", [N]).exp().sum(),
  frombuffer: (x) => rp.frombuffer(x).sum(),
};

function run(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [c, make] of Object.entries(cases)) {
    out[c] = {};
    for (const [o, f] of Object.entries(ops)) {
      try {
        out[c]![o] = `ok ${String(f(make()))}`;
      } catch (e) {
        const err = e as Error;
        out[c]![o] = `${err.name}: ${err.message}`;
      }
    }
  }
  return out;
}

const plain = run();
// the same, once every TypedArray lies through Float64Array.prototype
// (raptors' own arrays included) and Function.prototype.call is replaced:
// the kernels must still see the true lengths
const proto = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Float64Array.prototype),
  "length",
)!;
const call = Function.prototype.call;
Object.defineProperty(Float64Array.prototype, "length", {
  configurable: true,
  get() {
    return 1e6;
  },
});
Function.prototype.call = function () {
  return 1e6;
} as typeof call;
let polluted: Record<string, string> = {};
try {
  const x = new Float64Array(N).fill(1.5);
  polluted = {
    sum: String(rp.sum(x)),
    add: String(rp.sum(rp.add(x, x))),
    ndSum: String(rp.array(x).sum()),
    ndExp: String(new rp.NDArray(x, "float64", [N]).exp().sum()),
    matmul: String(
      rp.matmul(rp.ones([4, 4]), rp.ones([4, 4])).sum(),
    ),
  };
} catch (e) {
  polluted = { error: `${(e as Error).name}: ${(e as Error).message}` };
} finally {
  Function.prototype.call = call;
  delete (Float64Array.prototype as { length?: number }).length;
  void proto;
}
console.log(JSON.stringify({ plain, polluted }));
