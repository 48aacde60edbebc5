/**
 * An edge worker (Cloudflare workerd) using raptors on its WebAssembly
 * backend: statistics of a seeded random sample, a matrix product, a
 * sort on the (single-threaded) async engine, and which backend runs.
 * Bundled with esbuild and served by workerd in tests/edge_test.ts.
 *
 * @module
 */
// In an application this is `import * as rp from "<raptors>/edge.js"`. Here
// the bundle's entry (tests/edge_test.ts) imports edge_init.js first, so
// this file also type-checks under Deno.
import * as rp from "../mod.ts";

export default {
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/backend") {
      return Response.json({
        name: rp.backend.name,
        source: rp.backend.source,
        simd: rp.backend.simd,
        threads: rp.backend.threads,
      });
    }
    if (url.pathname === "/stats") {
      const n = Number(url.searchParams.get("n") ?? 1000);
      const seed = Number(url.searchParams.get("seed") ?? 0);
      const x = rp.defaultRng(seed).standardNormal(n) as rp.NDArray;
      return Response.json({
        sum: x.sum(),
        mean: x.mean(),
        std: x.std(),
        median: rp.median(x),
        p90: rp.percentile(x, 90),
      });
    }
    if (url.pathname === "/matmul" && req.method === "POST") {
      const { a, b } = await req.json() as { a: number[][]; b: number[][] };
      const f = { dtype: "float64" } as const;
      return Response.json(rp.matmul(rp.array(a, f), rp.array(b, f)).tolist());
    }
    if (url.pathname === "/sort") {
      const n = Number(url.searchParams.get("n") ?? 100);
      const x = rp.defaultRng(1).random(n) as rp.NDArray;
      const s = await rp.sortAsync(x);
      return Response.json({ first: s.slice(":3").tolist(), last: s.get(-1) });
    }
    return new Response("not found", { status: 404 });
  },
};
