/**
 * Interleaved rounds across processes, for the comparisons that must come
 * from one run (issue 15's matrix-vector clause, issue 18's kernels): each
 * round runs a NumPy script, then a raptors benchmark in Deno and in Bun,
 * one after another, in an order that rotates from round to round, so a
 * noisy neighbour slows every side of a round alike. The caller takes
 * medians over the rounds.
 *
 * @module
 */
import { median } from "./_harness.ts";

/** ns per call, by case name. */
export type Rows = Record<string, number>;

/** One round: each side's rows, and the NumPy script's whole JSON line. */
export interface Round {
  order: string[];
  numpy: Rows;
  numpyJson: Record<string, unknown>;
  deno: Rows;
  bun: Rows;
}

const here = new URL(".", import.meta.url).pathname;
const root = new URL("..", import.meta.url).pathname;
const bin = `${root}node_modules/.bin/`;

async function output(cmd: string, args: string[], dir: string) {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: root,
    env: { BENCH_RESULTS_DIR: dir },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
  return new TextDecoder().decode(out.stdout);
}

/** `bench/<bench>` in one runtime; its rows from `<result>-<rt>-native.json`. */
async function raptors(
  rt: "deno" | "bun",
  bench: string,
  result: string,
): Promise<Rows> {
  const dir = await Deno.makeTempDir({ prefix: `${result}_rounds_` });
  try {
    const file = `${here}${bench}`;
    if (rt === "deno") {
      await output(
        `${bin}deno`,
        ["run", "-A", "--v8-flags=--expose-gc", file],
        dir,
      );
    } else await output(`${bin}bun`, [file], dir);
    const j = JSON.parse(
      await Deno.readTextFile(`${dir}/${result}-${rt}-native.json`),
    );
    return j.rows as Rows;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Runs `rounds` rounds of `bench/<numpy>` (its last stdout line: JSON with
 * `rows`) and `bench/<bench>` in Deno and Bun (saving `<result>-<rt>-native`),
 * the order rotating; `onRound` sees each round as it completes.
 */
export async function interleavedRounds(opts: {
  rounds: number;
  bench: string;
  result: string;
  numpy: string;
  onRound?: (round: Round, index: number) => void;
}): Promise<Round[]> {
  const all: Round[] = [];
  const kinds = ["numpy", "deno", "bun"] as const;
  for (let r = 0; r < opts.rounds; r++) {
    const order = kinds.map((_, i) => kinds[(i + r) % 3]!);
    const got: Partial<Round> = { order: [...order] };
    for (const k of order) {
      if (k === "numpy") {
        const out = await output("python3", [`${here}${opts.numpy}`], "/tmp");
        got.numpyJson = JSON.parse(out.trim().split("\n").at(-1)!);
        got.numpy = got.numpyJson!.rows as Rows;
      } else got[k] = await raptors(k, opts.bench, opts.result);
    }
    all.push(got as Round);
    opts.onRound?.(got as Round, r);
  }
  return all;
}

/** "median (min-max)" of ratios, two decimals. */
export function ratioRange(v: number[]): string {
  return `${median(v).toFixed(2)}x (${Math.min(...v).toFixed(2)}-${
    Math.max(...v).toFixed(2)
  })`;
}
