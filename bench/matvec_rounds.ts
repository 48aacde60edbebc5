/**
 * Issue 15's matrix-vector clause, measured as the issue asks: ratios in
 * one run, medians of interleaved rounds. Each round runs three processes
 * one after another, in an order that rotates from round to round:
 * `bench/numpy_matvec.py` (NumPy, and the machine's streaming read rate),
 * `bench/matvec.bench.ts` in Deno and in Bun (raptors, native backend).
 * On a shared host the memory bandwidth moves by 1.5x between minutes
 * (docs/BENCHMARKS.md), so a kernel is compared with the streaming rate
 * measured in its own round, seconds apart, not with another run's.
 *
 * The round's streaming rate is the fastest plain read measured in it:
 * OpenBLAS `ddot` over two 800 MB arrays (both threads), NumPy's `dot` of
 * two 10^7 float64 vectors, and raptors' own `dot` of the same vectors in
 * Deno and Bun (the strictest of the four: a faster read anywhere makes
 * every ratio larger). "vs stream" = time per call / (bytes the product
 * must read once / that rate).
 *
 *     deno run -A bench/matvec_rounds.ts           # ROUNDS=5 by default
 *
 * Prints a markdown table (medians over the rounds, and each ratio's range)
 * and saves bench/results/matvec-rounds.json. Run it alone on the machine.
 *
 * @module
 */
import { saveResults } from "./_common.ts";
import { median } from "./_harness.ts";
import { interleavedRounds, ratioRange, type Round } from "./_rounds.ts";

const rounds = Number(Deno.env.get("ROUNDS") ?? 5);

/** Bytes each product reads once (operands; the small outputs left out). */
const BYTES: Record<string, number> = {
  "M @ q (100000x384 f32)": (100000 * 384 + 384) * 4,
  "q @ M (100000 @ 100000x384 f32)": (100000 * 384 + 100000) * 4,
  "M.T @ q (384x100000 view)": (100000 * 384 + 100000) * 4,
  "X @ w (10000x64 f32)": (10000 * 64 + 64) * 4,
  "dot 1e7 f64": 2e7 * 8,
  "vdot 1e7 f64": 2e7 * 8,
  "E @ Q.T (100000x128 f32, 8 queries)": (100000 * 128 + 8 * 128) * 4,
  "Q @ E.T (8 queries, 100000x128 f32)": (100000 * 128 + 8 * 128) * 4,
};
/** The clause's products: within 1.2x of streaming their operands once. */
const STREAMED = [
  "M @ q (100000x384 f32)",
  "q @ M (100000 @ 100000x384 f32)",
  "M.T @ q (384x100000 view)",
  "dot 1e7 f64",
  "vdot 1e7 f64",
];

/** A round with its streaming rate: the fastest plain read measured in it. */
type Streamed = Round & { streamGBps: number; streamFrom: string };

const all: Streamed[] = [];
await interleavedRounds({
  rounds,
  bench: "matvec.bench.ts",
  result: "matvec",
  numpy: "numpy_matvec.py",
  onRound: (round, r) => {
    const dotBytes = BYTES["dot 1e7 f64"]!;
    const cands: [string, number][] = [
      ["ddot 2x800MB", round.numpyJson.ddot_GBps as number],
      ["NumPy dot 1e7", dotBytes / round.numpy["dot 1e7 f64"]!],
      ["raptors dot 1e7 (Deno)", dotBytes / round.deno["dot 1e7 f64"]!],
      ["raptors dot 1e7 (Bun)", dotBytes / round.bun["dot 1e7 f64"]!],
    ];
    cands.sort((a, b) => b[1] - a[1]);
    const s = { ...round, streamGBps: cands[0]![1], streamFrom: cands[0]![0] };
    all.push(s);
    console.error(
      `round ${r + 1}/${rounds} (${round.order.join(", ")}): stream ${
        s.streamGBps.toFixed(1)
      } GB/s from ${s.streamFrom}`,
    );
  },
});

const lines = [
  `Medians of ${rounds} interleaved rounds (one NumPy, one Deno and one Bun process per round, order rotating); time per call in µs; "vs stream" = time / (bytes read once / the round's streaming rate), median (range over rounds); "vs NumPy" = raptors / NumPy in the same round.`,
  `Streaming rate per round (GB/s): ${
    all.map((r) => `${r.streamGBps.toFixed(1)} (${r.streamFrom})`).join(", ")
  }.`,
  "",
  "| product | Deno µs | Bun µs | NumPy µs | vs stream Deno | vs stream Bun | vs stream NumPy | vs NumPy Deno / Bun |",
  "|---|---:|---:|---:|---:|---:|---:|---:|",
];
const summary: Record<string, unknown> = {};
for (const name of Object.keys(all[0]!.deno)) {
  const us = (k: "deno" | "bun" | "numpy") =>
    median(all.map((r) => r[k][name]!)) / 1e3;
  const bytes = BYTES[name];
  const vsStream = (k: "deno" | "bun" | "numpy") =>
    all.map((r) => r[k][name]! / (bytes! / r.streamGBps));
  const vsNp = (k: "deno" | "bun") =>
    median(all.map((r) => r[k][name]! / r.numpy[name]!));
  const cell = (k: "deno" | "bun" | "numpy") =>
    bytes ? ratioRange(vsStream(k)) : "";
  lines.push(
    `| ${name}${STREAMED.includes(name) ? " *" : ""} | ${
      us("deno").toFixed(2)
    } | ${us("bun").toFixed(2)} | ${us("numpy").toFixed(2)} | ${
      cell("deno")
    } | ${cell("bun")} | ${cell("numpy")} | ${vsNp("deno").toFixed(2)} / ${
      vsNp("bun").toFixed(2)
    } |`,
  );
  summary[name] = {
    us: { deno: us("deno"), bun: us("bun"), numpy: us("numpy") },
    vsStream: bytes
      ? {
        deno: median(vsStream("deno")),
        bun: median(vsStream("bun")),
        numpy: median(vsStream("numpy")),
      }
      : null,
    vsNumpy: { deno: vsNp("deno"), bun: vsNp("bun") },
  };
}
lines.push("", "(* the products issue 15 wants within 1.2x of the stream)");
console.log(lines.join("\n"));
await saveResults("matvec-rounds", { rounds: all, summary });
