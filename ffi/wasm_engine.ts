/**
 * The job engine's native interface (`rp_engine_*`), implemented in JS for
 * the WebAssembly backend, where there are no threads. `src/engine/engine.ts` is
 * unchanged: it records a job, submits the same program words, and drains
 * completions through `rp_engine_poll`, exactly as with the native engine.
 *
 * Here a job runs on the event loop, one per macrotask (so the loop is
 * never blocked for more than one job), highest priority first. Its
 * inputs are copied at submission (the same memory semantics as natively),
 * and its steps call the wasm kernels. Cancellation removes a queued job;
 * a running job cannot be interrupted (it runs to completion within its
 * macrotask), and a cancellation flagged between steps stops the job.
 *
 * Addresses: the engine passes `addressOf(view)` for in-place (job-private
 * or read-only) arrays; here that is a handle into a table of views.
 *
 * @module
 */
import {
  isDetached,
  SafeMap,
  SafeWeakMap,
  taBuffer,
  taByteLength,
  taByteOffset,
} from "../src/_intrinsics.ts";
import { COPY_TAG, STATUS, STEP_SYMBOLS, symbols } from "./symbols.ts";

type Kernel = (...args: unknown[]) => number;

interface Job {
  id: number;
  handles: bigint[];
  steps: { name: string; args: bigint[] }[];
  copies: Uint8Array[];
  queuedAt: number;
  cancel: boolean;
  /** The next step to run (a job parked at a test gate resumes there). */
  at: number;
  /** When it first started, for its run time. */
  startedAt: number;
}

interface Done {
  id: number;
  status: number;
  waitUs: number;
  runUs: number;
  msg: string;
}

interface EngineState {
  maxQueue: number;
  queues: [Job[], Job[], Job[]];
  running: boolean;
  closing: boolean;
  done: Done[];
  cb: (() => void) | null;
  scheduled: boolean;
  nextId: number;
  /** The job parked at a closed test gate (it holds the "worker"). */
  parked: { job: Job; gate: number } | null;
}

/**
 * Where a job's input copies go: the module's memory when it has room
 * (kernels then read them in place), else ordinary JS memory.
 */
export interface JobMemory {
  /** `bytes` (8-aligned or better) in the module's memory, or undefined. */
  alloc(bytes: number): Uint8Array | undefined;
  /** Returns what {@link JobMemory.alloc} gave (other views are ignored). */
  free(v: Uint8Array): void;
}

const f64slot = (v: unknown, x: number) => {
  const s = v as ArrayBufferView;
  new Float64Array(s.buffer, s.byteOffset, 1)[0] = x;
};

/**
 * Builds the `rp_engine_*` functions and `addressOf` over `kernels` (the
 * wasm-backed symbol table). `setError` provides the message that the next
 * `rp_last_error_*` call reports.
 */
export function wasmEngine(
  kernels: Record<string, Kernel>,
  lastError: () => string,
  setError: (msg: string) => void,
  copyMemory?: JobMemory,
): {
  functions: Record<string, Kernel>;
  addressOf(view: ArrayBufferView): number;
} {
  const engines = new SafeMap<number, EngineState>();
  let nextEngine = 1;
  // view handles: multiples of 16 above 2^40, never a real wasm address
  const handleOf = new SafeWeakMap<ArrayBufferView, bigint>();
  // WeakRef where the runtime has it (workerd may not): strong refs are
  // then dropped when the job that used them has been reported
  const weak = typeof WeakRef === "function";
  const views = new SafeMap<
    bigint,
    { deref(): ArrayBufferView | undefined }
  >();
  let nextHandle = 1n << 40n;

  const addressOf = (v: ArrayBufferView): number => {
    if (taByteLength(v) === 0) return 0;
    let h = handleOf.get(v);
    if (h === undefined) {
      h = nextHandle;
      nextHandle += 16n;
      handleOf.set(v, h);
    }
    if (!views.has(h)) {
      views.set(h, weak ? new WeakRef(v) : { deref: () => v });
      if (views.size > 4096) {
        const dead: bigint[] = [];
        views.forEach((r, k) => {
          if (r.deref() === undefined) dead[dead.length] = k;
        });
        for (let i = 0; i < dead.length; i++) views.delete(dead[i]!);
      }
    }
    return Number(h);
  };

  const fail = (status: number, msg: string) => {
    setError(msg);
    return status;
  };
  const get = (id: number) => engines.get(id);

  // without WeakRef, a handle's view is held only while jobs use it
  const uses = new SafeMap<bigint, number>();
  const release = (job: Job) => {
    if (weak) return;
    for (let i = 0; i < job.handles.length; i++) {
      const h = job.handles[i]!;
      const n = (uses.get(h) ?? 1) - 1;
      if (n > 0) uses.set(h, n);
      else {
        uses.delete(h);
        views.delete(h);
      }
    }
  };
  // a job's input copies, once it has run or was cancelled
  const dropCopies = (copies: Uint8Array[]) => {
    for (const c of copies.splice(0)) copyMemory?.free(c);
  };
  const finish = (e: EngineState, d: Done) => {
    e.done.push(d);
    e.cb?.();
  };

  // test gates (see rust/src/engine/gates.rs): one thread and no
  // preemption here, so a job at a closed gate is parked, holding the
  // "worker", and resumes when the gate opens or the job is cancelled
  const gates: { entered: number; open: boolean }[] = Array.from(
    { length: 16 },
    () => ({ entered: 0, open: false }),
  );
  const resumeParked = (gate: number) => {
    engines.forEach((e) => {
      const p = e.parked;
      if (p && (gate < 0 || p.gate === gate || p.job.cancel)) {
        e.parked = null;
        setTimeout(() => runJob(e, p.job), 0);
      }
    });
  };

  const runOne = (e: EngineState) => {
    e.scheduled = false;
    if (e.parked) return;
    const job = e.queues[0].shift() ?? e.queues[1].shift() ??
      e.queues[2].shift();
    if (!job) return;
    job.startedAt = performance.now();
    runJob(e, job);
  };

  const runJob = (e: EngineState, job: Job) => {
    const start = job.startedAt;
    const waitUs = (start - job.queuedAt) * 1e3;
    e.running = true;
    let status = 0, msg = "";
    try {
      for (; job.at < job.steps.length; job.at++) {
        const step = job.steps[job.at]!;
        if (job.cancel) {
          status = STATUS.CANCELLED;
          msg = "cancelled";
          break;
        }
        if (step.name === "rp_test_gate") {
          const g = gates[Number(step.args[0])];
          if (!g) throw new Error("rp_test_gate: gate out of range");
          if (!g.open) {
            g.entered++;
            e.parked = { job, gate: Number(step.args[0]) };
            job.at++; // resumes after the gate
            return;
          }
          g.entered++;
          continue;
        }
        const params = symbols[step.name as keyof typeof symbols].parameters;
        const args = step.args.map((w, i) => {
          if (params[i] !== "ptr" && params[i] !== "cptr") return Number(w);
          if (w === 0n) return null;
          if (w & COPY_TAG) return job.copies[Number(w & ~COPY_TAG)];
          const v = views.get(w)?.deref();
          if (!v) throw new Error(`step ${step.name}: unknown array handle`);
          return v;
        });
        status = kernels[step.name]!(...args);
        if (status !== 0) {
          msg = lastError();
          break;
        }
      }
      if (status === 0 && job.cancel) {
        status = STATUS.CANCELLED;
        msg = "cancelled";
      }
    } catch (err) {
      status = STATUS.PANIC;
      msg = err instanceof Error ? err.message : String(err);
    }
    e.running = false;
    release(job);
    dropCopies(job.copies);
    finish(e, {
      id: job.id,
      status,
      waitUs,
      runUs: (performance.now() - start) * 1e3,
      msg,
    });
    schedule(e);
  };

  const schedule = (e: EngineState) => {
    if (e.scheduled) return;
    if (e.queues.every((q) => q.length === 0)) return;
    e.scheduled = true;
    setTimeout(() => runOne(e), 0);
  };

  const functions: Record<string, Kernel> = {
    rp_engine_new(_threads, maxQueue, _intra, _nice, slot) {
      const id = nextEngine++;
      engines.set(id, {
        maxQueue: maxQueue as number,
        queues: [[], [], []],
        running: false,
        closing: false,
        done: [],
        cb: null,
        scheduled: false,
        nextId: 0,
        parked: null,
      });
      f64slot(slot, id);
      return 0;
    },
    rp_engine_set_callback(id, f) {
      const e = get(id as number);
      if (!e) return fail(STATUS.INVALID_ARGUMENT, "unknown engine");
      e.cb = typeof f === "function" ? (f as () => void) : null;
      return 0;
    },
    rp_engine_submit(id, prog, len, priority, _hold, slot) {
      const e = get(id as number);
      if (!e) return fail(STATUS.INVALID_ARGUMENT, "unknown engine");
      const p = prog as BigUint64Array;
      const words = new BigUint64Array(p.buffer, p.byteOffset, len as number);
      if (e.closing) return fail(STATUS.CLOSED, "the engine is closed");
      const queued = e.queues.reduce((n, q) => n + q.length, 0);
      if (queued >= e.maxQueue) {
        return fail(
          STATUS.QUEUE_FULL,
          `the queue is full (${e.maxQueue} jobs)`,
        );
      }
      let k = 0;
      const next = () => {
        if (k >= words.length) throw new Error("malformed job program");
        return words[k++]!;
      };
      const copies: Uint8Array[] = [];
      try {
        const handles: bigint[] = [];
        const nIn = Number(next());
        for (let i = 0; i < nIn; i++) {
          const addr = next(), bytes = Number(next());
          const v = addr === 0n ? undefined : views.get(addr)?.deref();
          if (bytes > 0 && !v) throw new Error("unknown input handle");
          // 8-byte aligned copy, like the native engine's u64 vectors
          const c = copyMemory?.alloc(bytes) ??
            new Uint8Array(new ArrayBuffer((bytes + 7) & ~7), 0, bytes);
          if (v) {
            if (isDetached(taBuffer(v)) || taByteLength(v) < bytes) {
              throw new Error("an input's buffer was detached or shrunk");
            }
            c.set(new Uint8Array(taBuffer(v), taByteOffset(v), bytes));
          }
          copies.push(c);
        }
        const steps: Job["steps"] = [];
        const nSteps = Number(next());
        for (let s = 0; s < nSteps; s++) {
          const op = Number(next()), n = Number(next());
          const name = STEP_SYMBOLS[op];
          if (name === undefined || n > 64) {
            throw new Error("malformed job program");
          }
          const args: bigint[] = [];
          const params = symbols[name].parameters;
          for (let i = 0; i < n; i++) {
            const w = next();
            args.push(w);
            if (
              (params[i] === "ptr" || params[i] === "cptr") && w !== 0n &&
              !(w & COPY_TAG)
            ) {
              handles.push(w);
            }
          }
          steps.push({ name, args });
        }
        if (k !== words.length) throw new Error("malformed job program");
        for (let i = 0; i < handles.length; i++) {
          uses.set(handles[i]!, (uses.get(handles[i]!) ?? 0) + 1);
        }
        const job: Job = {
          id: ++e.nextId,
          handles,
          steps,
          copies,
          queuedAt: performance.now(),
          cancel: false,
          at: 0,
          startedAt: 0,
        };
        e.queues[Math.min(priority as number, 2)]!.push(job);
        f64slot(slot, job.id);
        schedule(e);
        return 0;
      } catch (err) {
        dropCopies(copies);
        return fail(STATUS.INVALID_ARGUMENT, (err as Error).message);
      }
    },
    // jobs run on this thread, between turns: nothing is held
    rp_engine_wake(id) {
      return get(id as number)
        ? 0
        : fail(STATUS.INVALID_ARGUMENT, "unknown engine");
    },
    rp_engine_cancel(id, job, slot) {
      const e = get(id as number);
      if (!e) return fail(STATUS.INVALID_ARGUMENT, "unknown engine");
      for (const q of e.queues) {
        const i = q.findIndex((j) => j.id === job);
        if (i >= 0) {
          const [j] = q.splice(i, 1);
          release(j!);
          dropCopies(j!.copies);
          f64slot(slot, 1);
          finish(e, {
            id: j!.id,
            status: STATUS.CANCELLED,
            waitUs: (performance.now() - j!.queuedAt) * 1e3,
            runUs: 0,
            msg: "cancelled",
          });
          return 0;
        }
      }
      const parked = e.parked;
      if (parked && parked.job.id === job) {
        parked.job.cancel = true;
        resumeParked(parked.gate);
        f64slot(slot, 2);
        return 0;
      }
      f64slot(slot, 0);
      return 0;
    },
    rp_test_gate_ctl(gate, op, slot) {
      const g = gates[gate as number];
      if (!g || (op as number) > 2) {
        return fail(STATUS.INVALID_ARGUMENT, "gate or op out of range");
      }
      if (op === 0) {
        g.entered = 0;
        g.open = false;
      } else if (op === 1) {
        g.open = true;
        resumeParked(gate as number);
      }
      f64slot(slot, g.entered);
      return 0;
    },
    rp_engine_poll(id, out, cap, msg, msgCap, slot) {
      const e = get(id as number);
      if (!e) return fail(STATUS.INVALID_ARGUMENT, "unknown engine");
      const o = out as Float64Array, m = msg as Uint8Array;
      const enc = new TextEncoder();
      let n = 0, at = 0;
      while (n < (cap as number) && e.done.length > 0) {
        const d = e.done.shift()!;
        const b = enc.encode(d.msg).subarray(
          0,
          Math.max(0, (msgCap as number) - at),
        );
        m.set(b, at);
        o.set([d.id, d.status, d.waitUs, d.runUs, at, b.length], 6 * n);
        at += b.length;
        n++;
      }
      f64slot(slot, n);
      return 0;
    },
    rp_engine_stats(id, out) {
      const e = get(id as number);
      if (!e) return fail(STATUS.INVALID_ARGUMENT, "unknown engine");
      const queued = e.queues.reduce((n, q) => n + q.length, 0);
      (out as Float64Array).set([
        queued,
        e.running ? 1 : 0,
        e.running ? 1 : 0,
        e.done.length,
      ]);
      return 0;
    },
    rp_engine_close(id, drain) {
      const e = get(id as number);
      if (!e) return fail(STATUS.INVALID_ARGUMENT, "unknown engine");
      e.closing = true;
      if (!drain && e.parked) {
        e.parked.job.cancel = true;
        resumeParked(e.parked.gate);
      }
      if (!drain) {
        for (const q of e.queues) {
          for (const j of q.splice(0)) {
            release(j);
            dropCopies(j.copies);
            finish(e, {
              id: j.id,
              status: STATUS.CANCELLED,
              waitUs: (performance.now() - j.queuedAt) * 1e3,
              runUs: 0,
              msg: "the engine was closed",
            });
          }
        }
      }
      return 0;
    },
  };
  return { functions, addressOf };
}
