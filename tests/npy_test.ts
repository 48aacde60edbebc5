/**
 * `.npy` I/O against NumPy (`scripts/gen_fixtures_npy.py`): files NumPy
 * wrote (all dtypes, both endiannesses, C and Fortran order, versions
 * 1.0-3.0, 0-d and empty) read back to the right values; `toNpy` writes
 * the same bytes as `np.save`; save/load and tobytes/frombuffer round
 * trips; malformed and truncated files (fuzzed) throw, never crash.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import fc from "fast-check";
import * as rp from "../mod.ts";
import { test } from "./_shim.ts";

const fx = JSON.parse(
  await readFile(new URL("./fixtures/npy.json", import.meta.url), "utf8"),
) as {
  numpy: string;
  files: Array<{
    name: string;
    file: string;
    dtype: rp.DType;
    shape: number[];
    values: unknown;
    exact?: boolean;
  }>;
};
const bytes = (b64: string) =>
  Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const asNumbers = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(asNumbers);
  const n = Number(v); // booleans and bigints as NumPy's float64 view
  if (Number.isNaN(n)) return "nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  return n;
};

test(`reads every .npy NumPy ${fx.numpy} wrote; writes the bytes np.save writes`, () => {
  for (const f of fx.files) {
    const a = rp.fromNpy(bytes(f.file));
    assert.equal(a.dtype, f.dtype, f.name);
    assert.deepEqual(a.shape, f.shape, f.name);
    assert.deepEqual(asNumbers(a.tolist()), f.values, f.name);
    if (f.exact) {
      assert.deepEqual(rp.toNpy(a), bytes(f.file), `${f.name}: bytes`);
    }
  }
  assert.ok(fx.files.length > 50);
});

test("save/load and tobytes/frombuffer round-trip", async () => {
  const g = globalThis as { Deno?: { makeTempFile(): Promise<string> } };
  const path = g.Deno
    ? await g.Deno.makeTempFile()
    : `/tmp/raptors-npy-${Date.now()}-${Math.random()}.npy`;
  const a = rp.divide(rp.arange(60), 7).reshape(3, 4, 5).slice(
    "::-1",
    "1:",
    "::2",
  );
  await rp.save(path, a);
  const b = await rp.load(path) as rp.NDArray;
  assert.deepEqual(b.tolist(), a.tolist());
  assert.deepEqual(b.shape, a.shape);
  const t = a.tobytes();
  assert.equal(t.length, a.nbytes);
  assert.deepEqual(
    rp.frombuffer(t.buffer, { dtype: "float64" }).reshape(a.shape.slice())
      .tolist(),
    a.tolist(),
  );
  const big = rp.array([1n, -(2n ** 62n)], { dtype: "int64" });
  assert.deepEqual(rp.fromNpy(rp.toNpy(big)).tolist(), [1n, -(2n ** 62n)]);
});

test("malformed or truncated .npy input throws, never crashes or over-allocates", () => {
  const good = rp.toNpy(rp.arange(20).reshape(4, 5));
  assert.throws(() => rp.fromNpy(good.subarray(0, 5)), /bad magic/);
  assert.throws(
    () => rp.fromNpy(good.subarray(0, good.length - 8)),
    /truncated data/,
  );
  assert.throws(() => rp.fromNpy(good.subarray(0, 40)), /truncated header/);
  const npyBytes = (header: string) => {
    const h = header.padEnd(118, " ") + "\n";
    const out = new Uint8Array(10 + h.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
    new DataView(out.buffer).setUint16(8, h.length, true);
    for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
    return out;
  };
  const h = npyBytes(
    "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }",
  );
  assert.throws(() => rp.fromNpy(h), /too large|truncated/);
  assert.throws(
    () =>
      rp.fromNpy(
        npyBytes("{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }"),
      ),
    /unsupported dtype/,
  );
  assert.throws(
    () =>
      rp.fromNpy(
        npyBytes("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (3,), }"),
      ),
    /fortran_order/,
  );
  // fuzz: random byte edits and truncations of valid files
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: good.length - 1 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: good.length }),
      (at, value, cut) => {
        const b = good.slice(0, cut);
        if (at < b.length) b[at] = value;
        try {
          const r = rp.fromNpy(b);
          assert.ok(r.size <= 20 || r.nbytes <= b.length);
        } catch (e) {
          assert.ok(
            e instanceof RangeError || e instanceof TypeError,
            String(e),
          );
        }
      },
    ),
    { numRuns: 3000, seed: 20261121 },
  );
});

test(".npz: reads NumPy's stored and deflated archives; round-trips its own", async () => {
  const archives = (fx as unknown as {
    archives: Array<{
      compressed: boolean;
      file: string;
      members: Record<
        string,
        { dtype: string; shape: number[]; values: unknown }
      >;
    }>;
  }).archives;
  for (const ar of archives) {
    const got = await rp.fromNpz(bytes(ar.file));
    assert.deepEqual(Object.keys(got).sort(), Object.keys(ar.members).sort());
    for (const [k, m] of Object.entries(ar.members)) {
      assert.equal(got[k]!.dtype, m.dtype, k);
      assert.deepEqual(got[k]!.shape, m.shape, k);
      assert.deepEqual(asNumbers(got[k]!.tolist()), m.values, k);
    }
  }
  const arrays = { x: rp.linspace(0, 1, 1000), y: rp.arange(12).reshape(3, 4) };
  for (const compress of [false, true]) {
    const z = await rp.toNpz(arrays, { compress });
    const back = await rp.fromNpz(z);
    assert.deepEqual(back.x!.tolist(), arrays.x.tolist());
    assert.deepEqual(back.y!.tolist(), arrays.y.tolist());
  }
  const small = await rp.toNpz([rp.arange(3)], { compress: true });
  assert.ok(small.length > 0);
  // corruption is detected: CRC, truncation, not a zip
  const z = await rp.toNpz(arrays);
  const flipped = z.slice();
  flipped[200] = flipped[200]! ^ 0xff;
  await assert.rejects(rp.fromNpz(flipped), RangeError);
  await assert.rejects(rp.fromNpz(z.subarray(0, z.length - 30)), RangeError);
  await assert.rejects(rp.fromNpz(new Uint8Array(100)), /not a zip/);
  const zc = await rp.toNpz(arrays, { compress: true });
  for (let i = 0; i < 200; i++) {
    const c = zc.slice();
    c[(i * 7919) % c.length] = (i * 31) & 0xff;
    try {
      await rp.fromNpz(c);
    } catch (e) {
      assert.ok(e instanceof RangeError || e instanceof TypeError, String(e));
    }
  }
});
