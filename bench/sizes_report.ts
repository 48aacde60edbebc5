/**
 * Turns the size sweep's results (bench/results/sizes-deno-native.json,
 * sizes-bun-native.json, numpy-sizes.json) into the table and chart of
 * docs/BENCHMARKS.md: the markdown between the `<!-- sizes:begin -->` and
 * `<!-- sizes:end -->` markers is replaced, and docs/sizes.svg written
 * (time per call against size, log-log, one panel per case, one line per
 * implementation). Run by bench/sizes.sh.
 *
 * @module
 */
import { readFile, writeFile } from "node:fs/promises";

interface Row {
  case: string;
  n: number;
  raptors?: number;
  js?: number;
  numpyTs?: number;
  numpy?: number;
}

const here = new URL("./results/", import.meta.url);
async function load(
  name: string,
): Promise<{ rows: Row[]; runtime?: string; numpy?: string }> {
  return JSON.parse(await readFile(new URL(name, here), "utf8"));
}

const deno = await load("sizes-deno-native.json");
const bun = await load("sizes-bun-native.json");
const numpy = await load("numpy-sizes.json");

const key = (r: Row) => `${r.case}@${r.n}`;
const np = new Map(numpy.rows.map((r) => [key(r), r.numpy!]));
const bn = new Map(bun.rows.map((r) => [key(r), r]));
const cases = [...new Set(deno.rows.map((r) => r.case))];

const us = (ns: number | undefined) =>
  ns === undefined
    ? ""
    : ns < 1e4
    ? (ns / 1e3).toFixed(2)
    : ns < 1e6
    ? (ns / 1e3).toFixed(1)
    : (ns / 1e3).toFixed(0);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? "" : (b / a).toFixed(2) + "x";

let md =
  `Time per call in µs (median of interleaved rounds; raptors native backend). ` +
  `"vs NumPy" is NumPy's time / raptors' time: above 1x raptors is faster. ` +
  `${deno.runtime}; ${bun.runtime}; NumPy ${numpy.numpy} in its own process.\n\n`;
md +=
  "| case | n | raptors Deno | raptors Bun | JS loop (Deno) | numpy-ts (Deno) | NumPy | vs NumPy (Deno / Bun) |\n";
md += "|---|---:|---:|---:|---:|---:|---:|---:|\n";
for (const c of cases) {
  for (const r of deno.rows.filter((x) => x.case === c)) {
    const b = bn.get(key(r));
    const p = np.get(key(r));
    md +=
      `| ${c} | ${r.n} | ${us(r.raptors)} | ${us(b?.raptors)} | ${us(r.js)} | ${
        us(r.numpyTs)
      } | ${us(p)} | ` +
      `${ratio(r.raptors, p)} / ${ratio(b?.raptors, p)} |\n`;
  }
}

// the chart: one panel per case, log-log
const W = 300, H = 210, PAD = 38, COLS = 3;
const series: Array<
  {
    name: string;
    color: string;
    get: (c: string, n: number) => number | undefined;
  }
> = [
  {
    name: "raptors (Deno)",
    color: "#d62728",
    get: (c, n) => deno.rows.find((r) => r.case === c && r.n === n)?.raptors,
  },
  {
    name: "raptors (Bun)",
    color: "#ff7f0e",
    get: (c, n) => bn.get(`${c}@${n}`)?.raptors,
  },
  { name: "NumPy", color: "#1f77b4", get: (c, n) => np.get(`${c}@${n}`) },
  {
    name: "numpy-ts (Deno)",
    color: "#2ca02c",
    get: (c, n) => deno.rows.find((r) => r.case === c && r.n === n)?.numpyTs,
  },
  {
    name: "JS loop (Deno)",
    color: "#7f7f7f",
    get: (c, n) => deno.rows.find((r) => r.case === c && r.n === n)?.js,
  },
];
const rowsN = Math.ceil(cases.length / COLS);
let svg =
  `<svg xmlns="http://www.w3.org/2000/svg" width="${COLS * W}" height="${
    rowsN * H + 40
  }" ` +
  `font-family="sans-serif" font-size="10">\n<rect width="100%" height="100%" fill="white"/>\n`;
cases.forEach((c, i) => {
  const ox = (i % COLS) * W, oy = Math.floor(i / COLS) * H;
  const ns = [...new Set(deno.rows.filter((r) => r.case === c).map((r) => r.n))]
    .sort((a, b) => a - b);
  const vals = series.flatMap((s) => ns.map((n) => s.get(c, n))).filter((
    v,
  ): v is number => v !== undefined && v > 0);
  const lx0 = Math.log10(Math.max(1, ns[0]!)), lx1 = Math.log10(ns.at(-1)!);
  const ly0 = Math.floor(Math.log10(Math.min(...vals))),
    ly1 = Math.ceil(Math.log10(Math.max(...vals)));
  const px = (n: number) =>
    ox + PAD +
    ((Math.log10(Math.max(1, n)) - lx0) / (lx1 - lx0 || 1)) * (W - PAD - 10);
  const py = (v: number) =>
    oy + H - 25 - ((Math.log10(v) - ly0) / (ly1 - ly0 || 1)) * (H - 50);
  svg += `<text x="${ox + W / 2}" y="${
    oy + 14
  }" text-anchor="middle" font-weight="bold">${c}</text>\n`;
  svg += `<rect x="${ox + PAD}" y="${oy + 25}" width="${
    W - PAD - 10
  }" height="${H - 50}" fill="none" stroke="#ccc"/>\n`;
  for (let e = ly0; e <= ly1; e++) {
    const label = e < 3
      ? `${10 ** e} ns`
      : e < 6
      ? `${10 ** (e - 3)} µs`
      : `${10 ** (e - 6)} ms`;
    svg += `<text x="${ox + PAD - 3}" y="${
      py(10 ** e) + 3
    }" text-anchor="end">${label}</text>\n`;
  }
  for (const n of ns) {
    svg += `<text x="${px(n)}" y="${oy + H - 12}" text-anchor="middle">${
      n >= 1000 ? `1e${Math.log10(n).toFixed(0)}` : n
    }</text>\n`;
  }
  for (const s of series) {
    const pts = ns.map((n) => [n, s.get(c, n)] as const).filter((p) =>
      p[1] !== undefined && p[1] > 0
    );
    if (pts.length === 0) continue;
    svg +=
      `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${
        pts.map(([n, v]) => `${px(n).toFixed(1)},${py(v!).toFixed(1)}`).join(
          " ",
        )
      }"/>\n`;
  }
});
series.forEach((s, i) => {
  const x = 10 + i * 150, y = rowsN * H + 25;
  svg +=
    `<line x1="${x}" y1="${y - 4}" x2="${x + 20}" y2="${
      y - 4
    }" stroke="${s.color}" stroke-width="2"/>` +
    `<text x="${x + 25}" y="${y}">${s.name}</text>\n`;
});
svg += "</svg>\n";

const docs = new URL("../docs/", import.meta.url);
await writeFile(new URL("sizes.svg", docs), svg);
const bmUrl = new URL("BENCHMARKS.md", docs);
const bm = await readFile(bmUrl, "utf8");
const begin = "<!-- sizes:begin -->", end = "<!-- sizes:end -->";
if (bm.includes(begin)) {
  const out = bm.slice(0, bm.indexOf(begin) + begin.length) + "\n" + md +
    bm.slice(bm.indexOf(end));
  await writeFile(bmUrl, out);
  console.log("updated docs/BENCHMARKS.md and docs/sizes.svg");
} else {
  console.log(md);
  console.log(`(no ${begin} marker in docs/BENCHMARKS.md: table printed only)`);
}
