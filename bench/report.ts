/**
 * Renders bench/results/{deno,bun}.json and crossover-*.json into the
 * marked section of docs/BENCHMARKS.md:
 *
 *     deno run --allow-read --allow-write --allow-env bench/report.ts
 *
 * @module
 */
import { readFile, writeFile } from "node:fs/promises";
import { env, fileUrl, fmtNs, resultsDir } from "./_common.ts";

interface Row {
  op: string;
  n: number;
  raptors_ns: number;
  plain_ns: number | null;
  speedup: number | null;
}
interface Results {
  runtime: string;
  date: string;
  cpu: string;
  simd: string;
  threads: number;
  crossing: { ffi_noop_ns: number; js_noop_ns: number; ffi_sum_n1_ns: number };
  rows: Row[];
}
interface Crossover {
  runtime: string;
  table: Record<string, Array<{ n: number; js_ns: number; native_ns: number }>>;
  suggested: Record<string, number | null>;
}

const dir = resultsDir();
const load = async <T>(name: string): Promise<T | undefined> => {
  try {
    return JSON.parse(await readFile(new URL(name, dir), "utf8")) as T;
  } catch {
    return undefined;
  }
};

const ratio = (r: number | null | undefined) =>
  r == null ? "n/a" : `**${r.toFixed(2)}x**`;

const deno = await load<Results>("deno.json");
const numpy = await load<
  { numpy: string; rows: Array<{ op: string; n: number; numpy_ns: number }> }
>(
  "numpy.json",
);
const np = new Map(
  numpy?.rows.map((r) => [`${r.op}@${r.n}`, r.numpy_ns]) ?? [],
);
const bun = await load<Results>("bun.json");
const out: string[] = [];
if (!deno || !bun) {
  throw new Error("run bench/ops.bench.ts under both runtimes first");
}

out.push(
  `Runs: ${deno.runtime} on ${deno.date.slice(0, 16)}Z and ${bun.runtime} on ${
    bun.date.slice(0, 16)
  }Z; kernels at ${deno.simd}, ${deno.threads} threads (machine: see above).`,
  "",
  "### The FFI crossing",
  "",
  "| call | Deno | Bun |",
  "|---|---|---|",
  `| native no-op \`rp_noop()\` | ${fmtNs(deno.crossing.ffi_noop_ns)} | ${
    fmtNs(bun.crossing.ffi_noop_ns)
  } |`,
  `| JS no-op function | ${fmtNs(deno.crossing.js_noop_ns)} | ${
    fmtNs(bun.crossing.js_noop_ns)
  } |`,
  `| \`rp_sum(u32, buffer, u32, buffer)\`, n=1 | ${
    fmtNs(deno.crossing.ffi_sum_n1_ns)
  } | ${fmtNs(bun.crossing.ffi_sum_n1_ns)} |`,
  "",
  "### Every op against the plain loop (float64, mean time per call; speed-up = plain / raptors)",
  "",
  numpy
    ? `NumPy column: NumPy ${numpy.numpy}, same machine, separate Python process (includes Python's ~0.1-1 µs call overhead; argsort is \`kind="stable"\`).`
    : "",
  "",
  "| op | n | Deno raptors | Deno plain loop | Deno speed-up | Bun raptors | Bun plain loop | Bun speed-up | NumPy |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
);
const bunRow = new Map(bun.rows.map((r) => [`${r.op}@${r.n}`, r]));
for (const d of deno.rows) {
  const b = bunRow.get(`${d.op}@${d.n}`);
  out.push(
    `| ${d.op} | ${d.n.toLocaleString("en-US")} | ${fmtNs(d.raptors_ns)} | ${
      fmtNs(d.plain_ns)
    } | ${ratio(d.speedup)} | ${fmtNs(b?.raptors_ns)} | ${
      fmtNs(b?.plain_ns)
    } | ${ratio(b?.speedup)} | ${fmtNs(np.get(`${d.op}@${d.n}`))} |`,
  );
}
for (const name of ["deno", "bun"]) {
  const c = await load<Crossover>(`crossover-${name}.json`);
  if (!c) continue;
  out.push(
    "",
    `### Crossover, ${c.runtime}: JS path / native kernel, ns per call`,
    "",
    `| group | ${
      Object.values(c.table)[0]!.map((r) => `n=${r.n}`).join(" | ")
    } | native from |`,
    `|---|${Object.values(c.table)[0]!.map(() => "---:").join("|")}|---:|`,
  );
  const width = Object.values(c.table)[0]!.length;
  for (const [group, rows] of Object.entries(c.table)) {
    const cells = rows.map((r) =>
      `${r.js_ns.toFixed(0)} / ${r.native_ns.toFixed(0)}`
    );
    while (cells.length < width) cells.push("");
    out.push(
      `| ${group} | ${cells.join(" | ")} | ${
        c.suggested[group] ?? "never (≤512)"
      } |`,
    );
  }
}

// BENCH_DOC: another copy of the document to render into (scripts/readme_sh.ts)
const docEnv = env("BENCH_DOC");
const doc = docEnv
  ? fileUrl(docEnv)
  : new URL("../docs/BENCHMARKS.md", import.meta.url);
const text = await readFile(doc, "utf8");
const start = "<!-- results:start -->", end = "<!-- results:end -->";
const i = text.indexOf(start), j = text.indexOf(end);
if (i < 0 || j < 0) {
  throw new Error("docs/BENCHMARKS.md lacks the results markers");
}
await writeFile(
  doc,
  text.slice(0, i + start.length) + "\n" + out.join("\n") + "\n" +
    text.slice(j),
);
console.log(
  `wrote ${out.length} lines into ${decodeURIComponent(doc.pathname)}`,
);
