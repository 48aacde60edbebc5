/**
 * `.npy`/`.npz` reading and file I/O against hostile input (issue 14):
 * memory bombs (each in a child process, `tests/_npy_bomb_child.ts`,
 * with its peak RSS checked), odd and hostile headers against what NumPy
 * does with them (`scripts/gen_fixtures_npy_hostile.py`), zip structure
 * lies (overlapping members, out-of-range offsets, sizes that lie),
 * member names, non-canonical bool bytes, `frombuffer` arguments, file
 * errors, and fast-check mutations of headers and archives that must give
 * a result or a typed error, never another exception.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import * as rp from "../mod.ts";
import { runtime, test } from "./_shim.ts";
import {
  crc32,
  deflateZeros,
  dict,
  type Member,
  npyBytes,
  overlapBomb,
  zip,
} from "./_npy_craft.ts";

const fx = JSON.parse(
  await readFile(
    new URL("./fixtures/npy_hostile.json", import.meta.url),
    "utf8",
  ),
) as {
  numpy: string;
  data_bytes: number;
  headers: Array<{
    header: string;
    version: number;
    numpy:
      | { ok: true; dtype: string; shape: number[] }
      | { ok: false; error: string; message: string };
  }>;
  zip64: {
    file: string;
    members: Record<
      string,
      { dtype: string; shape: number[]; values: unknown }
    >;
  };
  bools: {
    bytes: number[];
    load: Record<string, unknown>;
    frombuffer: Record<string, unknown>;
  };
};

/** A typed error: what callers can catch by meaning or by name. */
function typed(e: unknown): boolean {
  return e instanceof RangeError || e instanceof TypeError ||
    e instanceof rp.RaptorsError;
}

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

const npyMember = (name: string, a: rp.NDArray = rp.arange(3)): Member => {
  const data = rp.toNpy(a);
  return { name, data, crc: crc32(data) };
};

// ---------------------------------------------------------------------------
// Bombs, each in a child process

const KiB_PER_GiB = 2 ** 20;
/** Bomb, the error it must give (null: read, 512 MiB), extra env. */
const BOMBS: Array<[string, RegExp | null, Record<string, string>?]> = [
  ["deflate-3gib-declared", /declared size of member "x.npy" is 3072 MiB/],
  ["deflate-3gib-lying", /inflates past its declared size|truncated data/],
  ["deflate-header-bigger-than-member", /truncated data: 3221225472 bytes/],
  ["overlap-40x256mib", /members "m0.npy" and "m1.npy" overlap/],
  // with the cap out of the way, the overlap alone refuses it
  ["overlap-40x256mib", /overlap/, { RAPTORS_MAX_ARRAY_MB: "1048576" }],
  ["many-members-40x256mib", /declared sizes together is 1280 MiB/],
  ["npy-huge-shape", /shape \(100000,100000,100000\) is too large/],
  ["npy-1mib-header", /the \.npy header is 1\.00005 MiB/],
  // within the cap: read, at the cost of the data, not twice it
  ["deflate-512mib-accepted", null],
];

const proc = () =>
  (globalThis as unknown as {
    process: { execPath: string; env: Record<string, string | undefined> };
  }).process;

/**
 * Runs `tests/_npy_bomb_child.ts` and returns what it printed (Deno with
 * `-A`: reading /proc/self/status, where the child finds its peak RSS,
 * needs it). The timeout only guards against a hang.
 */
// deno-lint-ignore no-explicit-any
function bombChild(env: Record<string, string>): any {
  const script = fileURLToPath(
    new URL("./_npy_bomb_child.ts", import.meta.url),
  );
  const out = execFileSync(
    proc().execPath,
    runtime === "deno" ? ["run", "-A", script] : [script],
    {
      timeout: 120_000,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...proc().env, ...env },
    },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

test("memory bombs are refused with typed errors, peak RSS well under 1 GiB (child processes)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "raptors-bomb-"));
  const peaks: string[] = [];
  try {
    for (const [name, want, env] of BOMBS) {
      for (const file of [false, true]) {
        const r = bombChild({
          RAPTORS_BOMB: name,
          ...(file ? { RAPTORS_BOMB_FILE: join(dir, `${name}.npz`) } : {}),
          ...env,
        });
        const label = `${name}${file ? " (load from a file)" : ""}`;
        if (want === null) {
          assert.equal(r.ok, true, `${label}: ${r.message}`);
          assert.equal(r.nbytes, 512 * 2 ** 20, label);
        } else {
          assert.equal(r.ok, false, label);
          assert.ok(
            r.isRange || r.isType || r.isRaptors,
            `${label}: ${r.error}`,
          );
          assert.match(r.message, want, label);
          if (/over the/.test(r.message)) {
            assert.equal(r.error, "ResourceLimitError", label);
          }
        }
        // VmHWM is this process's own peak; getrusage's (elsewhere) starts
        // at the parent's, so it is only a bound on Linux
        const bound = want === null ? KiB_PER_GiB : KiB_PER_GiB / 4;
        assert.ok(
          r.rssSource !== "VmHWM" || r.maxRssKiB < bound,
          `${label}: peak RSS ${r.maxRssKiB} KiB`,
        );
        peaks.push(`${label}: ${r.maxRssKiB} KiB`);
      }
    }
    if (proc().env.RAPTORS_REPORT_RSS) console.log(peaks.join("\n"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------
// Headers, against NumPy

const SUPPORTED = new Set([
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
]);

/** Shapes NumPy accepts and raptors refuses (documented in COMPATIBILITY). */
const STRICTER = [
  /9007199254740993/, // not a safe integer
  /9007199254740991/, // times 8 bytes: past 2^53
];

test(`headers: raptors reads what NumPy ${fx.numpy} reads, and refuses the rest with typed errors`, () => {
  let accepted = 0, refused = 0;
  for (const h of fx.headers) {
    const b = npyBytes(h.header, new Uint8Array(fx.data_bytes), h.version);
    const label = `v${h.version} ${h.header.slice(0, 90)}`;
    let got: rp.NDArray | undefined;
    let err: unknown;
    try {
      got = rp.fromNpy(b);
    } catch (e) {
      err = e;
    }
    if (err !== undefined) {
      assert.ok(typed(err), `${label}: ${err}`);
      assert.doesNotMatch(String(err), /call stack/, label);
    }
    const np = h.numpy;
    if (np.ok && SUPPORTED.has(np.dtype)) {
      if (STRICTER.some((r) => r.test(h.header))) {
        assert.ok(err instanceof RangeError, `${label}: ${err}`);
        assert.match(String(err), /not a safe integer|too large/, label);
        continue;
      }
      assert.equal(err, undefined, `${label}: ${err}`);
      assert.equal(got!.dtype, np.dtype, label);
      assert.deepEqual(got!.shape, np.shape, label);
      accepted++;
    } else if (np.ok) {
      assert.ok(err instanceof TypeError, `${label}: ${err}`);
      assert.match(String(err), /unsupported dtype/, label);
    } else {
      assert.ok(err !== undefined, `${label}: NumPy raises ${np.error}`);
      refused++;
    }
  }
  assert.ok(accepted >= 20 && refused >= 60, `${accepted} ${refused}`);
});

test("headers: shapes are exact (no float rounding) and the caps are checked before allocating", () => {
  const read = (shape: string, descr = "<f8", data = 64) =>
    rp.fromNpy(npyBytes(dict(descr, shape), new Uint8Array(data)));
  // the old parser read 20 digits, then took the 21st as another extent
  const e = errorOf(() => read("(0, 999999999999999999999)"));
  assert.ok(e instanceof RangeError);
  assert.match(String(e), /not a safe integer/);
  assert.deepEqual(read("(0, 4294967296)").shape, [0, 4294967296]);
  assert.deepEqual(read("(0000003,)").shape, [3]);
  // (2^31) x (2^31) elements of 1 byte: too large, not a wrapped product
  assert.match(
    String(errorOf(() => read("(2147483648, 2147483648)", "|u1"))),
    /too large/,
  );
  // a header under the cap that announces 2 GiB: refused as truncated
  // before anything is allocated; with the data present, by the cap
  assert.match(
    String(errorOf(() => read(`(${2 ** 31},)`, "|u1"))),
    /truncated data: 2147483648 bytes needed, 64 present/,
  );
  const prev = rp.setLimits({ maxArrayBytes: 32 });
  try {
    const e2 = errorOf(() => read("(8,)"));
    assert.ok(e2 instanceof rp.ResourceLimitError, String(e2));
    assert.equal(e2.limit, "maxArrayBytes");
    assert.match(
      e2.message,
      /^fromNpy\(\): the data of shape \(8,\) is 64 bytes, over the maxArrayBytes limit of 32 bytes/,
    );
    assert.deepEqual(read("(4,)").shape, [4]);
  } finally {
    rp.setLimits(prev);
  }
  const prevH = rp.setLimits({ maxHeaderBytes: 100 });
  try {
    const e3 = errorOf(() => read("(8,)"));
    assert.ok(e3 instanceof rp.ResourceLimitError, String(e3));
    assert.equal(e3.limit, "maxHeaderBytes");
  } finally {
    rp.setLimits(prevH);
  }
});

test("headers: deep nesting, long runs and huge headers are refused without recursion", () => {
  const deep = (n: number, c = "(") =>
    npyBytes(
      `{'descr': '<f8', 'fortran_order': False, 'shape': ${c.repeat(n)}`,
    );
  for (const b of [deep(60000), deep(60000, "{"), deep(60000, "[")]) {
    const e = errorOf(() => rp.fromNpy(b));
    assert.ok(e instanceof RangeError || e instanceof TypeError, String(e));
    assert.doesNotMatch(String(e), /call stack/);
  }
  // 60,000 digits: one refused entry, not a slow BigInt
  const e = errorOf(() =>
    rp.fromNpy(npyBytes(dict("<f8", `(${"9".repeat(60000)},)`)))
  );
  assert.match(String(e), /not a safe integer/);
  // a 1 MiB header (format 2.0), and one of 4 GiB announced in 12 bytes
  const big = npyBytes("{" + " ".repeat(2 ** 20) + "}", new Uint8Array(0), 2);
  const e2 = errorOf(() => rp.fromNpy(big));
  assert.ok(e2 instanceof rp.ResourceLimitError, String(e2));
  const liar = new Uint8Array([
    0x93,
    0x4e,
    0x55,
    0x4d,
    0x50,
    0x59,
    2,
    0,
    0xff,
    0xff,
    0xff,
    0xff,
  ]);
  assert.ok(errorOf(() => rp.fromNpy(liar)) instanceof rp.ResourceLimitError);
  // format 3.0 headers must be UTF-8; unknown versions are refused as NumPy
  const v3 = npyBytes(dict("<f8", "(1,)"), new Uint8Array(8), 2);
  v3[6] = 3;
  assert.deepEqual(rp.fromNpy(v3).shape, [1]);
  v3[20] = 0xff;
  assert.match(String(errorOf(() => rp.fromNpy(v3))), /not UTF-8/);
  const v11 = npyBytes(dict("<f8", "(1,)"), new Uint8Array(8));
  v11[7] = 1;
  assert.match(String(errorOf(() => rp.fromNpy(v11))), /version 1\.1/);
});

test("fromNpy takes bytes only, read through the engine's own accessors", () => {
  const good = rp.toNpy(rp.arange(4));
  assert.deepEqual(rp.fromNpy(good.buffer as ArrayBuffer).tolist(), [
    0n,
    1n,
    2n,
    3n,
  ]);
  const lying = good.slice();
  Object.defineProperty(lying, "length", { value: 10 });
  Object.defineProperty(lying, "byteLength", { value: 1e9 });
  assert.deepEqual(rp.fromNpy(lying).tolist(), [0n, 1n, 2n, 3n]);
  for (
    const x of [
      "abc",
      5,
      null,
      {},
      [1, 2],
      new Proxy(good, {}),
      new Float64Array(4),
    ]
  ) {
    const e = errorOf(() => rp.fromNpy(x as Uint8Array));
    assert.ok(e instanceof TypeError, `${typeof x}: ${e}`);
  }
});

// ---------------------------------------------------------------------------
// Bools

test(`non-canonical bool bytes: .npy reads give NumPy ${fx.numpy}'s values; frombuffer refuses them`, () => {
  const raw = Uint8Array.from(fx.bools.bytes);
  const file = npyBytes(dict("|b1", `(${raw.length},)`), raw);
  const ops = (a: rp.NDArray) => ({
    tolist: a.tolist(),
    sum: Number(rp.sum(a) as number),
    count_nonzero: Number(rp.countNonzero(a) as number),
    any: rp.any(a),
    all: rp.all(a),
    mean: rp.mean(a),
    astype_uint8: a.astype("uint8").tolist(),
    astype_float64: a.astype("float64").tolist(),
    logical_not: rp.logicalNot(a).tolist(),
    equal_true: rp.equal(a, true).tolist(),
    where: (rp.where(a, 10, 20).tolist() as unknown[]).map(Number),
    nonzero: (rp.nonzero(a)[0]!.tolist() as unknown[]).map(Number),
    sort: rp.sort(a).tolist(),
    argmax: Number(rp.argmax(a)),
    max: rp.max(a),
    min: rp.min(a),
  });
  const want = (o: Record<string, unknown>) => {
    const { tobytes: _b, equal_canonical: _e, ...rest } = o;
    return rest;
  };
  const loaded = rp.fromNpy(file);
  assert.deepEqual(ops(loaded), want(fx.bools.load));
  // stored as 0/1 (NumPy keeps the bytes: the one visible difference)
  assert.deepEqual([...loaded.tobytes()], fx.bools.bytes.map((b) => b ? 1 : 0));
  // the same in an archive member
  return (async () => {
    const z = await rp.toNpz({ b: rp.zeros(raw.length, { dtype: "bool" }) });
    const at = z.indexOf(0x0a, 30) + 1; // the data follows the header's \n
    z.set(raw, at);
    const dv = new DataView(z.buffer);
    const c = crc32(z.subarray(30 + 5, at + raw.length));
    dv.setUint32(14, c, true);
    dv.setUint32(z.length - 22 - 51 + 16, c, true);
    const m = (await rp.fromNpz(z)).b!;
    assert.deepEqual(ops(m), want(fx.bools.load));
    // frombuffer is a view: it cannot normalise, so it refuses, naming the byte
    const e = errorOf(() => rp.frombuffer(raw, { dtype: "bool" }));
    assert.ok(e instanceof TypeError);
    assert.match(String(e), /byte 2 is 2, not a bool/);
    // the normalised copy it points to gives NumPy's frombuffer values
    const copy = rp.frombuffer(raw, { dtype: "uint8" }).astype("bool");
    assert.deepEqual(ops(copy), want(fx.bools.frombuffer));
    assert.deepEqual(
      rp.frombuffer(Uint8Array.from([0, 1, 1, 0]), { dtype: "bool" }).tolist(),
      [false, true, true, false],
    );
  })();
});

// ---------------------------------------------------------------------------
// frombuffer arguments

test("frombuffer(): offset and count are integers in range, as NumPy; the buffer is checked by its slots", () => {
  const b = new Uint8Array(16).map((_, i) => i);
  const fb = (o: Record<string, unknown>, x: unknown = b) =>
    rp.frombuffer(
      x as Uint8Array,
      { dtype: "uint8", ...o } as rp.FromBufferOptions,
    );
  assert.deepEqual(fb({ count: -2 }).shape, [16]); // NumPy: any negative is "all"
  assert.deepEqual(fb({ offset: 16 }).shape, [0]);
  assert.deepEqual(fb({ count: 0 }).shape, [0]);
  assert.deepEqual(fb({ count: 3, offset: 13 }).tolist(), [13, 14, 15]);
  for (
    const o of [
      { count: "3" },
      { count: 1.5 },
      { count: NaN },
      { count: 3n },
      { offset: "1" },
      { offset: 1.5 },
      { offset: Infinity },
    ]
  ) {
    const e = errorOf(() => fb(o));
    assert.ok(
      e instanceof TypeError,
      `${
        JSON.stringify(o, (_k, v) => typeof v === "bigint" ? `${v}n` : v)
      }: ${e}`,
    );
    assert.match(String(e), /must be an integer/);
  }
  for (
    const o of [{ offset: -1 }, { offset: 17 }, { count: 17 }, {
      count: 3,
      offset: 15,
    }, { count: 2 ** 60 }]
  ) {
    const e = errorOf(() => fb(o));
    assert.ok(e instanceof RangeError, `${JSON.stringify(o)}: ${e}`);
  }
  assert.ok(
    errorOf(() => rp.frombuffer(b, { dtype: "float64", offset: 1 })) instanceof
      RangeError,
  );
  // lying extents: the slots win; Proxies and non-buffers are TypeErrors
  const lying = b.subarray(0, 8);
  Object.defineProperty(lying, "byteLength", { value: 1 << 30 });
  Object.defineProperty(lying, "length", { value: 1 << 30 });
  assert.deepEqual(fb({}, lying).shape, [8]);
  for (const x of [new Proxy(b, {}), "abcd", 4, null, { byteLength: 8 }]) {
    assert.ok(errorOf(() => fb({}, x)) instanceof TypeError, typeof x);
  }
  const Resizable = ArrayBuffer as unknown as new (
    n: number,
    o: { maxByteLength: number },
  ) => ArrayBuffer;
  const rab = new Resizable(16, { maxByteLength: 64 });
  assert.match(String(errorOf(() => fb({}, rab))), /resizable/);
  assert.deepEqual(fb({}, new DataView(b.buffer, 4, 4)).tolist(), [4, 5, 6, 7]);
});

// ---------------------------------------------------------------------------
// Archives: names

test(".npz member names: traversal, __proto__ and duplicates are errors naming them; the result has a null prototype", async () => {
  for (
    const [name, want] of [
      [
        "../../../tmp/evil.npy",
        /"\.\.\/\.\.\/\.\.\/tmp\/evil\.npy" has a '\.\.' segment/,
      ],
      ["a/../../b.npy", /'\.\.' segment/],
      ["/etc/passwd.npy", /absolute path/],
      ["C:/x.npy", /drive letter/],
      ["..\\x.npy", /backslash/],
      ["a\u0000b.npy", /control character/],
      ["dir/", /directory entry/],
      ["a//b.npy", /empty segment/],
      ["./a.npy", /'\.' segment/],
      ["__proto__.npy", /"__proto__\.npy" is refused/],
      ["__proto__", /is refused/],
    ] as const
  ) {
    const e = await rejection(
      rp.fromNpz(zip([npyMember("ok.npy"), npyMember(name)])),
    );
    assert.ok(e instanceof RangeError, `${name}: ${e}`);
    assert.match(String(e), want, name);
  }
  // 12 members, 2 of them repeated: an error naming the repeat, not a drop
  const names = Array.from({ length: 10 }, (_, i) => `m${i}.npy`);
  const e = await rejection(
    rp.fromNpz(zip([...names, "m3.npy", "m7.npy"].map((n) => npyMember(n)))),
  );
  assert.match(String(e), /two members named "m3" \("m3\.npy" and "m3\.npy"\)/);
  const e2 = await rejection(
    rp.fromNpz(zip([npyMember("a.npy"), npyMember("a")])),
  );
  assert.match(String(e2), /two members named "a"/);
  // ordinary names that happen to be Object.prototype's keys are just keys
  const got = await rp.fromNpz(
    zip(
      ["constructor.npy", "toString.npy", "hasOwnProperty.npy", "sub/x.npy"]
        .map((n) => npyMember(n)),
    ),
  );
  assert.equal(Object.getPrototypeOf(got), null);
  assert.deepEqual(Object.keys(got), [
    "constructor",
    "toString",
    "hasOwnProperty",
    "sub/x",
  ]);
  assert.ok(got.constructor instanceof rp.NDArray);
  const copy = Object.assign({}, got);
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  // names that are not UTF-8
  const bad = zip([npyMember("abc.npy")]);
  bad[30] = 0xff;
  bad[bad.length - 22 - 53 + 46] = 0xff;
  assert.match(String(await rejection(rp.fromNpz(bad))), /not UTF-8/);
  // writing refuses the names reading refuses
  for (const name of ["../x", "a\\b", "__proto__x/../y"]) {
    const e3 = await rejection(rp.toNpz({ [name]: rp.arange(2) }));
    assert.ok(e3 instanceof RangeError, `${name}: ${e3}`);
  }
  assert.ok(await rejection(rp.toNpz(5 as never)) instanceof TypeError);
  assert.ok(
    await rejection(rp.toNpz(rp.arange(3) as never)) instanceof TypeError,
  );
  const m = await rp.fromNpz(await rp.toNpz(new Map([["é", rp.arange(2)]])));
  assert.deepEqual(Object.keys(m), ["é"]);
});

// ---------------------------------------------------------------------------
// Archives: structure and sizes

test(".npz structure: overlapping, out-of-range and lying entries are refused before inflating", async () => {
  const m = npyMember("a.npy", rp.arange(100));
  const reject = async (z: Uint8Array, want: RegExp) => {
    const e = await rejection(rp.fromNpz(z));
    assert.ok(e instanceof RangeError, `${want}: ${e}`);
    assert.match(String(e), want);
  };
  await reject(overlapBomb(3, 1000), /members "m0\.npy" and "m1\.npy" overlap/);
  // two entries sharing one local header
  const shared = zip([m, npyMember("b.npy")], (i, dv) => {
    if (i === 1) dv.setUint32(42, 0, true);
  });
  await reject(shared, /names another member|overlap/);
  // the same, with the same local name: an overlap
  const twin = zip(
    [m, { ...npyMember("b.npy"), localName: "a.npy" }],
    (i, dv) => {
      if (i === 1) dv.setUint32(42, 0, true);
    },
  );
  await reject(twin, /names another member|overlap/);
  await reject(
    zip([m], (_i, dv) => dv.setUint32(42, 1 << 30, true)),
    /local header out of range/,
  );
  await reject(
    zip([m], (_i, dv) => {
      dv.setUint32(20, m.data.length + 100, true);
      dv.setUint32(24, m.data.length + 100, true);
    }),
    /runs into the central directory/,
  );
  await reject(
    zip([m], (_i, dv) => dv.setUint32(24, 5, true)),
    /stored with \d+ bytes but declares 5/,
  );
  await reject(
    zip([{ ...m, method: 8, data: deflateZeros(10), usize: 10 ** 9 }]),
    /more than deflate can expand/,
  );
  await reject(zip([{ ...m, flags: 1 }]), /encrypted/);
  await reject(zip([{ ...m, method: 14 as 0 }]), /compression method 14/);
  await reject(
    zip([m], (_i, dv) => dv.setUint16(10, 8, true)),
    /another compression method|stored/,
  );
  // the central directory and end record
  const z = zip([m]);
  const eocd = z.length - 22;
  const at = (f: (dv: DataView) => void) => {
    const c = z.slice();
    f(new DataView(c.buffer));
    return c;
  };
  await reject(
    at((dv) => dv.setUint32(eocd + 16, z.length, true)),
    /central directory .* runs past/,
  );
  await reject(at((dv) => dv.setUint32(eocd + 12, 2 ** 31, true)), /runs past/);
  await reject(
    at((dv) => dv.setUint16(eocd + 10, 60000, true)),
    /60000 members announced/,
  );
  await reject(at((dv) => dv.setUint16(eocd + 4, 1, true)), /multi-disk/);
  await reject(at((dv) => dv.setUint16(eocd + 20, 100, true)), /not a zip/);
  // zip64 extra fields that lie: sizes past 2^53, fields missing
  const z64 = (extra: Uint8Array) => {
    const c = zip([m], (_i, dv) => dv.setUint32(24, 0xffffffff, true));
    const cd = c.length - 22 - (46 + 5);
    const out = new Uint8Array(c.length + extra.length);
    out.set(c.subarray(0, cd + 46 + 5));
    out.set(extra, cd + 46 + 5);
    out.set(c.subarray(cd + 46 + 5), cd + 46 + 5 + extra.length);
    const dv = new DataView(out.buffer);
    dv.setUint16(cd + 30, extra.length, true);
    dv.setUint32(out.length - 22 + 12, 46 + 5 + extra.length, true);
    return out;
  };
  const huge = new Uint8Array(12);
  new DataView(huge.buffer).setUint16(0, 1, true);
  new DataView(huge.buffer).setUint16(2, 8, true);
  new DataView(huge.buffer).setBigUint64(4, 2n ** 60n, true);
  await reject(z64(huge), /corrupt zip64 field/);
  await reject(z64(Uint8Array.of(1, 0, 0, 0)), /corrupt zip64 field/);
  await reject(z64(Uint8Array.of(1, 0, 200, 0)), /corrupt extra field/);
  // sizes and CRCs that lie about deflated data
  const raw = rp.toNpy(rp.zeros(1000, { dtype: "uint8" }));
  const hdr = raw.subarray(0, raw.length - 1000);
  const data = deflateZeros(1000, hdr);
  const member = (o: Partial<Member>): Member => ({
    name: "a.npy",
    data,
    method: 8,
    usize: raw.length,
    crc: crc32(raw),
    ...o,
  });
  assert.deepEqual((await rp.fromNpz(zip([member({})]))).a!.shape, [1000]);
  await reject(
    zip([member({ usize: raw.length + 1 })]),
    /inflates to 1128 bytes, 1129 declared/,
  );
  await reject(
    zip([member({ usize: raw.length - 1 })]),
    /inflates past its declared size of 1127 bytes/,
  );
  await reject(zip([member({ crc: 0 })]), /CRC/);
  await reject(
    zip([member({ data: Uint8Array.of(0xff, 0xff, 0xff, 0x03) })]),
    /does not inflate/,
  );
  await reject(
    zip([member({ data: Uint8Array.of(...data, 1, 2, 3) })]),
    /does not inflate/,
  );
  await reject(
    zip([member({ data: data.subarray(0, 20) })]),
    /does not inflate|inflates to/,
  );
  // the .npy inside a deflated member is checked as fromNpy checks it
  const c16 = npyBytes(dict("<c16", "(10,)"));
  const e16 = await rejection(
    rp.fromNpz(
      zip([{
        name: "z.npy",
        data: deflateZeros(160, c16),
        method: 8,
        usize: c16.length + 160,
      }]),
    ),
  );
  assert.ok(e16 instanceof TypeError, String(e16));
  assert.match(String(e16), /member "z\.npy": unsupported dtype '<c16'/);
  // a member whose .npy header wants more than the member holds
  const liar = npyBytes(dict("|u1", "(100000,)"), new Uint8Array(10));
  await reject(
    zip([{ name: "a.npy", data: liar, crc: crc32(liar) }]),
    /truncated data: 100000 bytes needed, 10 present/,
  );
});

test(`.npz: reads a zip64 archive (extra fields, end record) NumPy ${fx.numpy} wrote`, async () => {
  const b = Uint8Array.from(atob(fx.zip64.file), (c) => c.charCodeAt(0));
  const got = await rp.fromNpz(b);
  assert.deepEqual(Object.keys(got), Object.keys(fx.zip64.members));
  for (const [k, m] of Object.entries(fx.zip64.members)) {
    assert.equal(got[k]!.dtype, m.dtype);
    assert.deepEqual(got[k]!.shape, m.shape);
    assert.deepEqual(got[k]!.astype("float64").tolist(), m.values);
  }
  // its zip64 end record pointing elsewhere is refused, not followed
  const loc = b.length - 22 - 20;
  const c = b.slice();
  new DataView(c.buffer).setBigUint64(loc + 8, BigInt(c.length), true);
  assert.match(
    String(await rejection(rp.fromNpz(c))),
    /corrupt zip64 end record/,
  );
});

test(".npz sizes: the members together are held to maxArrayBytes, before and while inflating", async () => {
  const one = npyMember("a.npy", rp.zeros(1000, { dtype: "uint8" }));
  const z = zip([one, { ...one, name: "b.npy" }, { ...one, name: "c.npy" }]);
  const prev = rp.setLimits({ maxArrayBytes: 2500 });
  try {
    const e = await rejection(rp.fromNpz(z));
    assert.ok(e instanceof rp.ResourceLimitError, String(e));
    assert.match(
      e.message,
      /the arrays of the archive together is 3000 bytes, over the maxArrayBytes limit of 2500 bytes/,
    );
    assert.deepEqual(
      Object.keys(await rp.fromNpz(zip([one, { ...one, name: "b.npy" }]))),
      ["a", "b"],
    );
  } finally {
    rp.setLimits(prev);
  }
  // declared sizes alone, before a byte is inflated
  const prev2 = rp.setLimits({ maxArrayBytes: 2 ** 20 });
  try {
    const big = zip([{
      name: "x.npy",
      method: 8,
      data: deflateZeros(2 ** 24),
      usize: 2 ** 24,
    }]);
    const e = await rejection(rp.fromNpz(big));
    assert.ok(e instanceof rp.ResourceLimitError, String(e));
    assert.match(e.message, /declared size of member "x.npy" is 16 MiB/);
  } finally {
    rp.setLimits(prev2);
  }
});

// ---------------------------------------------------------------------------
// Files

test("load/save: file errors are FileErrors naming the path and the cause", async () => {
  const dir = await mkdtemp(join(tmpdir(), "raptors-io-"));
  try {
    const missing = join(dir, "nope", "x.npy");
    const check = async (
      p: Promise<unknown>,
      fn: string,
      path: string,
      code: string | undefined,
      want: RegExp,
    ) => {
      const e = await rejection(p);
      assert.ok(e instanceof rp.FileError, `${fn} ${path}: ${e}`);
      assert.ok(e instanceof rp.RaptorsError);
      assert.equal(e.path, path);
      assert.equal(e.code, code);
      assert.match(
        e.message,
        new RegExp(
          `^${fn}\\(\\): cannot \\w+ ${
            JSON.stringify(path).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")
          }: `,
        ),
      );
      assert.match(e.message, want);
      if (code !== undefined && e.cause !== undefined) {
        assert.equal((e.cause as { code?: string }).code, code);
      }
    };
    await check(
      rp.load(missing),
      "load",
      missing,
      "ENOENT",
      /no such file or directory \(ENOENT\)/,
    );
    await check(rp.load(dir), "load", dir, "EISDIR", /is a directory/);
    await check(
      rp.save(dir, rp.arange(3)),
      "save",
      dir,
      "EISDIR",
      /is a directory/,
    );
    await check(
      rp.save(missing, rp.arange(3)),
      "save",
      missing,
      "ENOENT",
      /ENOENT/,
    );
    await check(
      rp.savez(missing, { a: rp.arange(3) }),
      "savez",
      missing,
      "ENOENT",
      /ENOENT/,
    );
    await check(
      rp.savezCompressed(dir, [rp.arange(3)]),
      "savezCompressed",
      dir,
      "EISDIR",
      /EISDIR/,
    );
    const notDir = join(dir, "file");
    await writeFile(notDir, "x");
    await check(
      rp.load(join(notDir, "x.npy")),
      "load",
      join(notDir, "x.npy"),
      "ENOTDIR",
      /ENOTDIR/,
    );
    // special files: never read (an endless /dev/zero, a FIFO with no writer)
    for (const special of ["/dev/zero", "/dev/null"]) {
      try {
        await check(
          rp.load(special),
          "load",
          special,
          undefined,
          /not a regular file/,
        );
      } catch (e) {
        if (!(await exists(special))) continue;
        throw e;
      }
    }
    let fifo: string | undefined = join(dir, "fifo");
    try {
      execFileSync("mkfifo", [fifo]);
    } catch {
      fifo = undefined; // no mkfifo here
    }
    if (fifo) {
      await check(rp.load(fifo), "load", fifo, undefined, /not a regular file/);
    }
    // argument errors stay TypeErrors
    for (
      const p of [5, null, "", "a\u0000b", new URL("https://example.com/x.npy")]
    ) {
      assert.ok(
        await rejection(rp.load(p as string)) instanceof TypeError,
        String(p),
      );
      assert.ok(
        await rejection(rp.save(p as string, rp.arange(2))) instanceof
          TypeError,
        String(p),
      );
    }
    // a file: URL works; a file's contents errors are RangeErrors naming it
    const ok = join(dir, "ok.npy");
    await rp.save(ok, rp.arange(6).reshape(2, 3));
    const url = new URL(`file://${ok}`);
    assert.deepEqual(
      (await rp.load(url as unknown as string) as rp.NDArray).shape,
      [2, 3],
    );
    const cut = join(dir, "cut.npy");
    await writeFile(cut, (await readFile(ok)).subarray(0, 150));
    const e = await rejection(rp.load(cut));
    assert.ok(e instanceof RangeError, String(e));
    assert.match(
      String(e),
      new RegExp(
        `load\\(\\): ${
          JSON.stringify(cut).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")
        }: truncated data`,
      ),
    );
    // trailing bytes after the data are ignored, as NumPy ignores them
    await writeFile(cut, Uint8Array.from([...await readFile(ok), 1, 2, 3]));
    assert.deepEqual((await rp.load(cut) as rp.NDArray).tolist(), [
      [0n, 1n, 2n],
      [3n, 4n, 5n],
    ]);
    // archives from files: only what is needed is read
    const npz = join(dir, "a.npz");
    await rp.savezCompressed(npz, {
      x: rp.linspace(0, 1, 5000),
      y: rp.arange(7),
    });
    const back = await rp.load(npz) as Record<string, rp.NDArray>;
    assert.equal(Object.getPrototypeOf(back), null);
    assert.deepEqual(back.y!.tolist(), [0n, 1n, 2n, 3n, 4n, 5n, 6n]);
    assert.equal(back.x!.size, 5000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function exists(p: string): Promise<boolean> {
  const { stat } = await import("node:fs/promises");
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Random mutations

const PIECES = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ":",
  "'",
  '"',
  " ",
  "\n",
  "\\",
  "0",
  "1",
  "9",
  "-",
  "+",
  ".",
  "e",
  "L",
  "j",
  "x",
  "'descr'",
  "'shape'",
  "'fortran_order'",
  "True",
  "False",
  "None",
  "'<f8'",
  "'>i2'",
  "'|b1'",
  "'<c16'",
  "99999999999999999999",
  "4294967296",
  "9007199254740993",
  "(".repeat(50),
  "\u00e9",
  "\u0000",
];

test("fast-check: mutated .npy headers give an array or a typed error", () => {
  const base = [
    dict("<f8", "(2, 3)"),
    dict(">i4", "(3,)", "True"),
    dict("|b1", "()"),
    dict("<u2", "(0, 5)"),
  ];
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: base.length - 1 }),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat({ max: 6 }),
          fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })),
        ),
        { minLength: 1, maxLength: 6 },
      ),
      fc.integer({ min: 0, max: 64 }),
      fc.constantFrom(1, 2, 3),
      (which, edits, data, version) => {
        let h = base[which]!;
        for (const [at, del, ins] of edits) {
          const i = at % (h.length + 1);
          h = h.slice(0, i) + ins + h.slice(i + del);
        }
        const b = npyBytes(h, new Uint8Array(data), version === 1 ? 1 : 2);
        if (version === 3) b[6] = 3;
        try {
          const a = rp.fromNpy(b);
          assert.ok(a.nbytes <= data, `${h}: ${a.nbytes} bytes from ${data}`);
        } catch (e) {
          assert.ok(typed(e), `${JSON.stringify(h)}: ${e}`);
        }
      },
    ),
    { numRuns: 3000, seed: 1414 },
  );
});

test("fast-check: mutated .npz archives (bytes, fields, cuts) give arrays or typed errors", async () => {
  const arrays = {
    a: rp.arange(40).reshape(5, 8),
    b: rp.linspace(0, 1, 30),
    c: rp.array([true, false]),
  };
  const stored = await rp.toNpz(arrays);
  const deflated = await rp.toNpz(arrays, { compress: true });
  const bomb = zip([{
    name: "x.npy",
    method: 8,
    data: deflateZeros(1 << 24, npyBytes(dict("|u1", `(${1 << 24},)`))),
    usize: 4096,
  }]);
  const FIELD = [0, 1, 0xff, 0xffff, 0x7fffffff, 0xffffffff, 30, 46];
  const prev = rp.setLimits({ maxArrayBytes: 1 << 22 });
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(stored, deflated, bomb),
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant("byte" as const),
              at: fc.nat(),
              v: fc.nat({ max: 255 }),
            }),
            fc.record({
              kind: fc.constant("u16" as const),
              at: fc.nat(),
              v: fc.constantFrom(...FIELD),
            }),
            fc.record({
              kind: fc.constant("u32" as const),
              at: fc.nat(),
              v: fc.constantFrom(...FIELD),
            }),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.option(fc.nat(), { nil: undefined }),
        async (src, edits, cut) => {
          const z = src.slice(
            0,
            cut === undefined ? src.length : cut % (src.length + 1),
          );
          const dv = new DataView(z.buffer);
          for (const e of edits) {
            if (z.length < 4) break;
            const at = e.at % (z.length - 3);
            if (e.kind === "byte") z[at] = e.v;
            else if (e.kind === "u16") dv.setUint16(at, e.v & 0xffff, true);
            else dv.setUint32(at, e.v >>> 0, true);
          }
          try {
            const got = await rp.fromNpz(z);
            let bytes = 0;
            for (const k of Object.keys(got)) bytes += got[k]!.nbytes;
            assert.ok(bytes <= 1 << 22);
          } catch (e) {
            assert.ok(typed(e), String((e as Error)?.stack ?? e));
          }
        },
      ),
      { numRuns: runtime === "bun" ? 800 : 800, seed: 1415 },
    );
  } finally {
    rp.setLimits(prev);
  }
});
