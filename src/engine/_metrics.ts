/**
 * The engine's metrics: run-time histograms and the Prometheus text format
 * (`Engine.metrics()`, `Engine.prometheus()` in `src/engine/engine.ts`).
 *
 * @module
 */
import type { EngineMetrics, Quantiles } from "./engine.ts";
import { show } from "../_show.ts";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** `k="v",...` of constant labels, checked against Prometheus' rules. */
export function labelText(labels: unknown): string {
  if (labels === undefined) return "";
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) {
    throw new TypeError(
      `Engine(): labels must be an object of strings, got ${show(labels)}`,
    );
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (
      !LABEL_NAME.test(k) || k.startsWith("__") || k === "le" || k === "outcome"
    ) {
      throw new RangeError(
        `Engine(): label name ${JSON.stringify(k)} is not a valid Prometheus ` +
          `label name ([a-zA-Z_][a-zA-Z0-9_]*, not __-prefixed, not le or ` +
          `outcome, which raptors' metrics use)`,
      );
    }
    if (typeof v !== "string") {
      throw new TypeError(
        `Engine(): label ${k} must be a string, got ${show(v)}`,
      );
    }
    const esc = v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(
      /\n/g,
      "\\n",
    );
    parts.push(`${k}="${esc}"`);
  }
  return parts.join(",");
}

/** Snake-case outcome label values (Prometheus convention). */
const OUTCOME_LABEL = {
  completed: "completed",
  failed: "failed",
  rejected: "rejected",
  cancelled: "cancelled",
  timedOut: "timed_out",
} as const;

/** Histogram bucket upper bounds, seconds (Prometheus). */
const BUCKETS = [
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

export class Histogram {
  readonly counts = new Array<number>(BUCKETS.length + 1).fill(0);
  sum = 0;
  n = 0;
  readonly recent = new Float64Array(4096);
  observe(ms: number): void {
    const s = ms / 1e3;
    let i = 0;
    while (i < BUCKETS.length && s > BUCKETS[i]!) i++;
    this.counts[i]!++;
    this.sum += s;
    this.recent[this.n % this.recent.length] = ms;
    this.n++;
  }
  quantiles(): Quantiles {
    const k = Math.min(this.n, this.recent.length);
    const xs = Array.from(this.recent.subarray(0, k)).sort((a, b) => a - b);
    const q = (
      p: number,
    ) => (k === 0 ? 0 : xs[Math.min(k - 1, Math.floor(p * k))]!);
    return {
      count: this.n,
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      max: k === 0 ? 0 : xs[k - 1]!,
    };
  }
}

/**
 * The metrics in Prometheus' text exposition format (see
 * `Engine.prometheus`): `labels` are the engine's constant labels, already
 * checked (`labelText`); `wait` and `run` its histograms.
 */
export function prometheusText(
  prefix: string,
  labels: string,
  m: EngineMetrics,
  wait: Histogram,
  run: Histogram,
): string {
  if (typeof prefix !== "string" || !METRIC_NAME.test(prefix)) {
    throw new RangeError(
      `prometheus(): prefix ${show(prefix)} is not a valid Prometheus ` +
        `metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`,
    );
  }
  const c = labels;
  const lbl = (extra = "") =>
    c === "" && extra === ""
      ? ""
      : `{${[c, extra].filter((x) => x).join(",")}}`;
  const lines: string[] = [];
  const family = (name: string, type: string, help: string) => {
    lines.push(`# HELP ${prefix}_${name} ${help}`);
    lines.push(`# TYPE ${prefix}_${name} ${type}`);
  };
  family("jobs_submitted_total", "counter", "Jobs given to submit().");
  lines.push(`${prefix}_jobs_submitted_total${lbl()} ${m.submitted}`);
  family(
    "jobs_total",
    "counter",
    "Finished jobs by outcome (each job counted once).",
  );
  for (const [k, label] of Object.entries(OUTCOME_LABEL)) {
    const v = m[k as keyof typeof OUTCOME_LABEL];
    lines.push(`${prefix}_jobs_total${lbl(`outcome="${label}"`)} ${v}`);
  }
  for (
    const [name, help, v] of [
      ["queue_depth", "Jobs waiting for a worker.", m.queueDepth],
      ["in_flight", "Jobs submitted and not yet finished.", m.inFlight],
      ["busy_threads", "Workers running a job.", m.busyThreads],
      ["threads", "Worker threads.", m.threads],
    ] as const
  ) {
    family(name, "gauge", help);
    lines.push(`${prefix}_${name}${lbl()} ${v}`);
  }
  for (
    const [name, help, h] of [
      ["queue_wait_seconds", "Time from submission to start.", wait],
      ["run_seconds", "Time running on a worker.", run],
    ] as const
  ) {
    family(name, "histogram", help);
    let acc = 0;
    BUCKETS.forEach((b, i) => {
      acc += h.counts[i]!;
      lines.push(`${prefix}_${name}_bucket${lbl(`le="${b}"`)} ${acc}`);
    });
    acc += h.counts[BUCKETS.length]!;
    lines.push(`${prefix}_${name}_bucket${lbl('le="+Inf"')} ${acc}`);
    lines.push(`${prefix}_${name}_sum${lbl()} ${h.sum}`);
    lines.push(`${prefix}_${name}_count${lbl()} ${h.n}`);
  }
  return lines.join("\n") + "\n";
}
