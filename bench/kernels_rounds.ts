/**
 * Issue 18's "Done when", measured as it asks: ratios in one run, both
 * runtimes, native backend. Each round runs `bench/numpy_kernels.py` and
 * `bench/kernels.bench.ts` in Deno and in Bun (bench/_rounds.ts: one
 * process each, the order rotating); each ratio is raptors' time over
 * NumPy's in the same round, and the table shows its median and range
 * over the rounds against the bound.
 *
 *     deno run -A bench/kernels_rounds.ts           # ROUNDS=5 by default
 *
 * Prints a markdown table and saves bench/results/kernels-rounds.json. Run
 * it alone on the machine.
 *
 * @module
 */
import { saveResults } from "./_common.ts";
import { median } from "./_harness.ts";
import { interleavedRounds, ratioRange } from "./_rounds.ts";

const rounds = Number(Deno.env.get("ROUNDS") ?? 5);

/** Issue 18's bound on raptors' time / NumPy's, by case. */
function bound(name: string): number {
  if (/^(exp|log|tanh|sin) /.test(name)) return 0.6;
  if (/^matmul \w+ (127|255)$/.test(name)) return 1 / 0.9; // >= 0.9x GFLOP/s
  if (name.startsWith("matmul")) return 1; // 1024 and tall-skinny
  if (/^(solve|inv|cholesky) /.test(name)) return 1.2;
  if (/^(svd|eigh|qr) /.test(name)) return 1.5;
  return NaN; // det: not in the issue, shown for the LU alone
}

const all = await interleavedRounds({
  rounds,
  bench: "kernels.bench.ts",
  result: "kernels",
  numpy: "numpy_kernels.py",
  onRound: (round, r) =>
    console.error(`round ${r + 1}/${rounds} (${round.order.join(", ")})`),
});

const lines = [
  `Medians of ${rounds} interleaved rounds (one NumPy, one Deno and one Bun process per round, order rotating); ms per call; ratio = raptors / NumPy in the same round, median (range over rounds); bound = issue 18's largest allowed ratio.`,
  "",
  "| case | Deno ms | Bun ms | NumPy ms | Deno / NumPy | Bun / NumPy | bound | met |",
  "|---|---:|---:|---:|---:|---:|---:|---|",
];
const summary: Record<string, unknown> = {};
for (const name of Object.keys(all[0]!.deno)) {
  const ms = (k: "deno" | "bun" | "numpy") =>
    median(all.map((r) => r[k][name]!)) / 1e6;
  const ratios = (k: "deno" | "bun") =>
    all.map((r) => r[k][name]! / r.numpy[name]!);
  const b = bound(name);
  const met = Number.isNaN(b)
    ? ""
    : median(ratios("deno")) <= b && median(ratios("bun")) <= b
    ? "yes"
    : "no";
  lines.push(
    `| ${name} | ${ms("deno").toFixed(3)} | ${ms("bun").toFixed(3)} | ${
      ms("numpy").toFixed(3)
    } | ${ratioRange(ratios("deno"))} | ${ratioRange(ratios("bun"))} | ${
      Number.isNaN(b) ? "" : b.toFixed(2)
    } | ${met} |`,
  );
  summary[name] = {
    ms: { deno: ms("deno"), bun: ms("bun"), numpy: ms("numpy") },
    ratio: { deno: median(ratios("deno")), bun: median(ratios("bun")) },
    bound: Number.isNaN(b) ? null : b,
  };
}
console.log(lines.join("\n"));
await saveResults("kernels-rounds", { rounds: all, summary });
