/**
 * The service path's costs on the calling thread (issue 17), Deno or Bun:
 *
 * - a burst of 60 `a.matmulAsync(b)` submissions of 384x384 float32 in
 *   one synchronous loop (the longest event-loop gap a handler doing this
 *   causes), with copied inputs and with `asReadOnly()` inputs;
 * - one 1024x1024 float32 submission, both ways;
 * - `rp.array` of a parsed 2000x384 JSON batch (nested number lists);
 * - the binary path: a 2000x384 float64 request body (`ArrayBuffer`) to
 *   an NDArray (`rp.frombuffer` + `reshape`), and a result back to bytes
 *   (`tobytes()`).
 *
 * Every figure is the median of ROUNDS runs (after a warm-up), all jobs
 * awaited between runs.
 *
 *     deno run -A bench/service_path.bench.ts
 *     bun bench/service_path.bench.ts
 *
 * @module
 */
import * as rp from "../mod.ts";

const ROUNDS = Number(
  (globalThis as { process?: { env: Record<string, string> } }).process?.env
    .ROUNDS ?? 15,
);
const runtime = "Bun" in globalThis ? "bun" : "deno";

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(
  name: string,
  once: () => Promise<number> | number,
): Promise<{ name: string; ms: number; min: number; max: number }> {
  for (let i = 0; i < 3; i++) await once(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < ROUNDS; i++) t.push(await once());
  const r = { name, ms: median(t), min: Math.min(...t), max: Math.max(...t) };
  console.log(
    `${runtime} ${name.padEnd(48)} median ${r.ms.toFixed(3)} ms  (min ${
      r.min.toFixed(3)
    }, max ${r.max.toFixed(3)})`,
  );
  return r;
}

const rng = rp.defaultRng(1);
const f32 = (shape: number[]) =>
  (rng.standardNormal(shape) as rp.NDArray).astype("float32");

const results = [];
for (const ro of [false, true]) {
  const a = ro ? f32([384, 384]).asReadOnly() : f32([384, 384]);
  const b = ro ? f32([384, 384]).asReadOnly() : f32([384, 384]);
  const how = ro ? "read-only inputs" : "copied inputs";
  results.push(
    await timed(`burst of 60 matmulAsync 384x384 (${how})`, async () => {
      const t0 = performance.now();
      const ps: Promise<rp.NDArray>[] = [];
      for (let i = 0; i < 60; i++) ps.push(a.matmulAsync(b));
      const gap = performance.now() - t0; // the loop never yields
      for (const r of await Promise.all(ps)) r.dispose();
      return gap;
    }),
  );
  const A = ro ? f32([1024, 1024]).asReadOnly() : f32([1024, 1024]);
  const B = ro ? f32([1024, 1024]).asReadOnly() : f32([1024, 1024]);
  results.push(
    await timed(`one matmulAsync 1024x1024 (${how})`, async () => {
      const t0 = performance.now();
      const p = A.matmulAsync(B);
      const cost = performance.now() - t0;
      (await p).dispose();
      return cost;
    }),
  );
}

const rows = 2000, cols = 384;
const flat = rng.standardNormal(rows * cols) as rp.NDArray;
const json = JSON.stringify(flat.reshape(rows, cols).tolist());
results.push(
  await timed("rp.array of a parsed 2000x384 JSON batch", () => {
    const body = JSON.parse(json) as number[][];
    const t0 = performance.now();
    const x = rp.array(body, { dtype: "float64" });
    const ms = performance.now() - t0;
    x.dispose();
    return ms;
  }),
);
const bytes = flat.tobytes();
results.push(
  await timed("binary body 2000x384 float64 -> NDArray", () => {
    const body = bytes.slice(0); // a fresh ArrayBuffer, as a request's
    const t0 = performance.now();
    const x = rp.frombuffer(body, { dtype: "float64" }).reshape(rows, cols);
    const ms = performance.now() - t0;
    if (x.shape[0] !== rows) throw new Error("shape");
    return ms;
  }),
);
const out = rp.sum(flat.reshape(rows, cols), { axis: 1 }) as rp.NDArray;
results.push(
  await timed("result (2000 float64) -> bytes (tobytes)", () => {
    const t0 = performance.now();
    const b = out.tobytes();
    const ms = performance.now() - t0;
    if (b.byteLength !== rows * 8) throw new Error("bytes");
    return ms;
  }),
);
await rp.defaultEngine().close();
console.log(JSON.stringify({ runtime, results }));
