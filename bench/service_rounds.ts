/**
 * Issue 15's handler clause, measured as the issue asks: the example
 * services' in-process compute (`bench/service.bench.ts`: raptors,
 * numpy-ts and a plain JS loop in Deno and in Bun) against NumPy
 * (`bench/numpy_service.py`), in interleaved rounds: each round runs the
 * three processes one after another, in an order that rotates from round
 * to round (`bench/_rounds.ts`), and every ratio is taken within a round
 * before the median over rounds. A single run of each script, minutes
 * apart, moved by 10-15% on a shared host.
 *
 *     deno run -A bench/service_rounds.ts        # ROUNDS=5 by default
 *
 * Prints a markdown table and saves bench/results/service-rounds.json.
 * Run it alone on the machine.
 *
 * @module
 */
import { saveResults } from "./_common.ts";
import { median } from "./_harness.ts";
import { interleavedRounds, ratioRange, type Rows } from "./_rounds.ts";

const rounds = Number(Deno.env.get("ROUNDS") ?? 5);

/** The service bench saves rows as `{ case, raptors, js, numpyTs }`. */
type ServiceRow = { case: string } & Record<string, number>;

/** One implementation's ns per request, by case. */
function column(rows: unknown, impl: string): Rows {
  const out: Rows = {};
  for (const r of rows as ServiceRow[]) out[r.case] = r[impl]!;
  return out;
}

const all = await interleavedRounds({
  rounds,
  bench: "service.bench.ts",
  result: "service",
  numpy: "numpy_service.py",
  onRound: (round, r) => {
    console.error(`round ${r + 1}/${rounds} (${round.order.join(", ")})`);
  },
});

// raptors against NumPy: raptors measured alone in its process, as
// NumPy's script measures NumPy; against numpy-ts: the two interleaved in
// one process (bench/service.bench.ts measures both)
const per = all.map((r) => ({
  numpy: column(r.numpy, "numpy"),
  deno: column(r.deno, "raptorsAlone"),
  bun: column(r.bun, "raptorsAlone"),
  denoMixed: column(r.deno, "raptors"),
  bunMixed: column(r.bun, "raptors"),
  denoNpts: column(r.deno, "numpyTs"),
  bunNpts: column(r.bun, "numpyTs"),
}));
type Col = keyof (typeof per)[number];
const us = (k: Col, name: string) => median(per.map((p) => p[k][name]!)) / 1e3;
const ratios = (k: Col, ref: Col, name: string) =>
  per.map((p) => p[k][name]! / p[ref][name]!);

const lines = [
  `Medians of ${rounds} interleaved rounds (one NumPy, one Deno and one Bun process per round, order rotating); µs per request; ratios are raptors' time over the other's in the same round, median (range over rounds): below 1 is faster. raptors' columns and its ratio to NumPy: raptors measured alone in its process, as NumPy's script runs; its ratio to numpy-ts: the two interleaved in the same process.`,
  "",
  "| handler | raptors Deno | raptors Bun | NumPy | numpy-ts Deno / Bun | vs NumPy Deno | vs NumPy Bun | vs numpy-ts Deno | vs numpy-ts Bun |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
];
const summary: Record<string, unknown> = {};
for (const name of Object.keys(per[0]!.deno)) {
  const f = (v: number) => v.toFixed(1);
  lines.push(
    `| ${name} | ${f(us("deno", name))} | ${f(us("bun", name))} | ${
      f(us("numpy", name))
    } | ${f(us("denoNpts", name))} / ${f(us("bunNpts", name))} | ${
      ratioRange(ratios("deno", "numpy", name))
    } | ${ratioRange(ratios("bun", "numpy", name))} | ${
      ratioRange(ratios("denoMixed", "denoNpts", name))
    } | ${ratioRange(ratios("bunMixed", "bunNpts", name))} |`,
  );
  summary[name] = {
    us: {
      deno: us("deno", name),
      bun: us("bun", name),
      numpy: us("numpy", name),
    },
    vsNumpy: {
      deno: median(ratios("deno", "numpy", name)),
      bun: median(ratios("bun", "numpy", name)),
    },
    vsNumpyTs: {
      deno: median(ratios("denoMixed", "denoNpts", name)),
      bun: median(ratios("bunMixed", "bunNpts", name)),
    },
  };
}
console.log(lines.join("\n"));
await saveResults("service-rounds", { rounds: all, summary });
