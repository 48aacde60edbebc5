//! The async job engine: worker threads owned by Rust, a bounded priority
//! queue, cooperative cancellation, and a notifier thread that tells JS
//! when jobs finish.
//!
//! A job is a short program: a list of *steps*, each a call of one of the
//! library's own exported kernels ([`STEP_SYMBOLS`]) with its arguments as
//! 64-bit values. Pointer arguments are either raw addresses of JS buffers
//! the caller keeps alive and private until the job ends (outputs and
//! intermediates), or `COPY_TAG | i`: the i-th input, copied into
//! job-owned memory when the job was submitted (so nothing the caller does
//! to its own buffers meanwhile can reach the job). JS builds steps with
//! the same metadata as the synchronous calls (`src/engine/engine.ts`).
//!
//! Completion: the worker records (status, message, queue wait, run time)
//! and wakes the notifier thread, which calls the JS callback registered
//! with [`rp_engine_set_callback`]. In Deno that call blocks until JS has
//! run it, so it is never made from a worker. JS then drains finished jobs
//! with [`rp_engine_poll`].
//!
//! Cancellation: [`rp_engine_cancel`] drops a queued job at once; for a
//! running one it raises a flag that kernels check between chunks
//! ([`cancelled`]), and the job ends with status `CANCELLED`.

use crate::error::{self, Error, Result};
use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

mod copies;
mod gates;
use crate::placement;
use copies::*;
#[cfg(test)]
use gates::TEST_GATES;
pub use gates::{gate_ctl, gate_step, GATES};

/// Marks a step argument that refers to a copied input.
pub const COPY_TAG: u64 = 1 << 63;

thread_local! {
    /// The cancel flag of the job running on this thread (null otherwise).
    static CANCEL: Cell<*const AtomicBool> = const { Cell::new(std::ptr::null()) };
}

/// Whether the job running on this thread was asked to stop. Kernels call
/// this between chunks; it is a thread-local load and, inside a job, one
/// relaxed atomic load.
#[inline]
pub fn cancelled() -> bool {
    CANCEL.with(|c| {
        let p = c.get();
        // SAFETY: set only while the job (which owns the flag) runs here.
        !p.is_null() && unsafe { (*p).load(Ordering::Relaxed) }
    })
}

/// Whether this thread is running an engine job.
#[inline]
pub fn in_job() -> bool {
    CANCEL.with(|c| !c.get().is_null())
}

/// A job's cancel flag, shareable with kernel helper threads for the
/// duration of one kernel call.
#[derive(Clone, Copy)]
pub struct CancelToken(*const AtomicBool);
unsafe impl Send for CancelToken {}
unsafe impl Sync for CancelToken {}

impl CancelToken {
    /// The token of the job running on this thread (never set outside).
    pub fn current() -> CancelToken {
        CancelToken(CANCEL.with(|c| c.get()))
    }
    /// Whether cancellation was requested.
    #[inline]
    pub fn is_set(self) -> bool {
        // SAFETY: the flag outlives the kernel call the token was made for.
        !self.0.is_null() && unsafe { (*self.0).load(Ordering::Relaxed) }
    }
}

macro_rules! call {
    ($f:path, $a:ident; $($i:literal),*) => {{
        let n = [$($i),*].len();
        if $a.len() != n {
            return Err(Error::invalid(format!(
                "step {}: {} arguments, expected {n}", stringify!($f), $a.len()
            )));
        }
        $f($($a[$i] as usize as _),*)
    }};
}

type StepFn = unsafe fn(&[u64]) -> Result<i32>;

/// One list defines both the step names (by index, mirrored in
/// `ffi/symbols.ts` and checked by a test) and the calls they make.
macro_rules! steps {
    ($($f:ident($($i:literal),*)),* $(,)?) => {
        /// The kernels a step may call, by index.
        pub const STEP_SYMBOLS: &[&str] = &[$(stringify!($f)),*];
        const STEP_FNS: &[StepFn] = &[$({
            unsafe fn step(a: &[u64]) -> Result<i32> {
                use crate::ffi::*;
                Ok(call!($f, a; $($i),*))
            }
            step
        }),*];
    };
}

steps! {
    rp_copy_cast(0, 1, 2, 3, 4, 5, 6, 7),
    rp_ufunc1(0, 1, 2, 3, 4, 5, 6, 7),
    rp_ufunc2(0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    rp_reduce_axis(0, 1, 2, 3, 4, 5, 6, 7, 8),
    rp_where(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
    rp_arg_axis(0, 1, 2, 3, 4, 5, 6, 7),
    rp_matmul(0, 1, 2, 3, 4, 5, 6, 7, 8),
    rp_take(0, 1, 2, 3, 4, 5, 6, 7, 8),
    rp_scan_axis(0, 1, 2, 3, 4, 5, 6, 7),
    rp_sort(0, 1, 2),
    rp_argsort(0, 1, 2, 3),
    rp_searchsorted(0, 1, 2, 3, 4, 5, 6),
    rp_sort_axis(0, 1, 2, 3, 4, 5, 6, 7, 8),
    rp_linalg(0, 1, 2, 3, 4, 5, 6, 7),
    rp_decomp(0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    rp_test_gate(0),
    rp_topk(0, 1, 2, 3, 4, 5, 6, 7, 8),
}

/// Runs one step; returns the kernel's status (its message is this
/// thread's last error).
///
/// # Safety
/// Every pointer argument must be valid as the kernel's contract requires.
unsafe fn run_step(op: u32, a: &[u64]) -> Result<i32> {
    match STEP_FNS.get(op as usize) {
        Some(f) => f(a),
        None => Err(Error::invalid(format!("unknown step op {op}"))),
    }
}

struct Step {
    op: u32,
    args: Vec<u64>,
}

struct Job {
    id: u64,
    steps: Vec<Step>,
    /// Copied inputs (u64 words: 8-byte aligned).
    copies: Vec<Vec<u64>>,
    cancel: Arc<AtomicBool>,
    submitted: Instant,
}

impl Drop for Job {
    fn drop(&mut self) {
        for c in self.copies.drain(..) {
            give_copy(c);
        }
    }
}

struct Done {
    id: u64,
    status: i32,
    wait_us: f64,
    run_us: f64,
    message: String,
}

#[derive(Default)]
struct State {
    /// Queues by priority: 0 high, 1 normal, 2 low.
    queues: [VecDeque<Job>; 3],
    running: HashMap<u64, Arc<AtomicBool>>,
    done: Vec<Done>,
    busy: usize,
    /// Workers parked on `work`, and wake-ups sent to them not yet taken:
    /// `threads - idle + wakes` workers are running or about to.
    idle: usize,
    wakes: usize,
    closing: bool,
    notify: bool,
    next_id: u64,
}

impl State {
    fn queued(&self) -> usize {
        self.queues.iter().map(VecDeque::len).sum()
    }
}

struct Engine {
    state: Mutex<State>,
    /// Wakes workers (new job, closing).
    work: Condvar,
    /// Wakes the notifier (finished jobs, closing).
    notify: Condvar,
    max_queue: usize,
    intra_op: usize,
    /// The nice value workers set on themselves (None: left as is).
    worker_nice: Option<i32>,
    threads_n: usize,
    /// How many workers a held submission may have awake (see [`submit`]).
    hold_cap: usize,
    /// The CPU of the thread making held submissions (while its turn
    /// lasts), which workers keep off.
    avoid: placement::Avoid,
    callback: Mutex<Option<extern "C" fn()>>,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

impl Engine {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // a worker never panics while holding the lock (steps run unlocked
        // and inside the guard); recover the state if one ever did
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes up to `n` parked workers not already woken.
    fn wake(&self, st: &mut State, n: usize) {
        let n = n.min(st.idle.saturating_sub(st.wakes));
        st.wakes += n;
        for _ in 0..n {
            self.work.notify_one();
        }
    }

    fn finish(&self, d: Done) {
        let mut st = self.lock();
        st.done.push(d);
        st.notify = true;
        self.notify.notify_one();
    }

    fn worker(self: Arc<Self>) {
        crate::parallel::set_thread_limit(self.intra_op);
        if let Some(n) = self.worker_nice {
            // refused (e.g. a limit on nice values): the job runs all the same
            placement::set_this_thread_nice(n);
        }
        let mut place = placement::Placement::new();
        loop {
            let job = {
                let mut st = self.lock();
                loop {
                    if let Some(q) = st.queues.iter_mut().find(|q| !q.is_empty()) {
                        let job = q.pop_front().expect("non-empty queue");
                        st.running.insert(job.id, job.cancel.clone());
                        st.busy += 1;
                        break job;
                    }
                    if st.closing {
                        return;
                    }
                    st.idle += 1;
                    st = self.work.wait(st).unwrap_or_else(|e| e.into_inner());
                    st.idle -= 1;
                    // a spurious wake-up may take a sent one's count: the
                    // count only decides whether to send more
                    st.wakes = st.wakes.saturating_sub(1);
                }
            };
            place.follow(&self.avoid);
            let started = Instant::now();
            let wait_us = started.duration_since(job.submitted).as_secs_f64() * 1e6;
            let (status, message) = Self::run(&job);
            let run_us = started.elapsed().as_secs_f64() * 1e6;
            let id = job.id;
            // the input copies go back to the pool before JS hears of the
            // end: a burst submitted as soon as the last one resolves finds
            // them there instead of faulting in fresh pages
            drop(job);
            {
                let mut st = self.lock();
                st.running.remove(&id);
                st.busy -= 1;
            }
            self.finish(Done {
                id,
                status,
                wait_us,
                run_us,
                message,
            });
        }
    }

    /// Runs a job's steps in order on this thread.
    fn run(job: &Job) -> (i32, String) {
        CANCEL.with(|c| c.set(Arc::as_ptr(&job.cancel)));
        let mut out = (error::OK, String::new());
        for (k, step) in job.steps.iter().enumerate() {
            if job.cancel.load(Ordering::Relaxed) {
                out = (error::CANCELLED, "the job was cancelled".into());
                break;
            }
            let args: std::result::Result<Vec<u64>, Error> = step
                .args
                .iter()
                .map(|&v| {
                    if v & COPY_TAG != 0 {
                        let i = (v & !COPY_TAG) as usize;
                        job.copies
                            .get(i)
                            .map(|c| c.as_ptr() as u64)
                            .ok_or_else(|| Error::invalid(format!("step {k}: no input {i}")))
                    } else {
                        Ok(v)
                    }
                })
                .collect();
            let status = match args {
                // SAFETY: the submitter guarantees the raw addresses (see
                // the module docs); copies live as long as the job.
                Ok(a) => match unsafe { run_step(step.op, &a) } {
                    Ok(s) => s,
                    Err(e) => {
                        error::set_last_error(&e.message);
                        e.code
                    }
                },
                Err(e) => {
                    error::set_last_error(&e.message);
                    e.code
                }
            };
            if job.cancel.load(Ordering::Relaxed) {
                out = (error::CANCELLED, "the job was cancelled".into());
                break;
            }
            if status != error::OK {
                let mut buf = vec![0u8; error::last_error_len()];
                let n = error::last_error_copy(&mut buf);
                let name = STEP_SYMBOLS.get(step.op as usize).copied().unwrap_or("?");
                out = (
                    status,
                    format!("step {k} ({name}): {}", String::from_utf8_lossy(&buf[..n])),
                );
                break;
            }
        }
        CANCEL.with(|c| c.set(std::ptr::null()));
        out
    }

    fn notifier(self: Arc<Self>) {
        loop {
            {
                let mut st = self.lock();
                let finished = |st: &State| st.closing && st.running.is_empty() && st.queued() == 0;
                while !(st.notify || finished(&st)) {
                    st = self.notify.wait(st).unwrap_or_else(|e| e.into_inner());
                }
                if !st.notify {
                    return; // closing, nothing left to report
                }
                st.notify = false;
                // Only call JS when there is something to report: JS keeps
                // the process alive exactly while it waits for reports, so
                // a call with nothing to report could reach a runtime that
                // is already exiting (seen as a crash at exit in Deno, whose
                // threadsafe callbacks block the caller).
                if st.done.is_empty() {
                    continue;
                }
            }
            let cb = *self.callback.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(f) = cb {
                // Deno: blocks until JS has run it (so never from a worker)
                f();
            }
        }
    }
}

static ENGINES: Mutex<Vec<Option<Arc<Engine>>>> = Mutex::new(Vec::new());

fn engine(id: u32) -> Result<Arc<Engine>> {
    ENGINES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(id as usize)
        .and_then(Clone::clone)
        .ok_or_else(|| Error::invalid(format!("no engine {id}")))
}

/// `nice` of [`create`] for "the platform's default".
pub const NICE_DEFAULT: u32 = u32::MAX;

/// How far below the creating thread the workers' priority sits by
/// default (Linux nice steps). The event loop that submits jobs must get a
/// core as soon as it wakes: with the workers at the same priority, a
/// woken event loop waited behind running jobs, `/health` p99 3.5-5.6 ms
/// under a saturating `/similar` load; with the workers 10 steps below,
/// 0.3-1.7 ms, at the same throughput (docs/BENCHMARKS.md, "Async engine
/// under load").
const NICE_BELOW: u32 = 10;

/// Creates an engine with `threads` workers, a queue of `max_queue` jobs,
/// `intra_op` kernel threads per job, and workers `nice` steps below the
/// calling thread's priority ([`NICE_DEFAULT`]: [`NICE_BELOW`] where
/// thread priorities are supported, else none; a nonzero `nice` where they
/// are not is an error); returns its id.
pub fn create(threads: usize, max_queue: usize, intra_op: usize, nice: u32) -> Result<u32> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let worker_nice = if nice == NICE_DEFAULT {
        placement::worker_nice(NICE_BELOW)
    } else if nice == 0 {
        None
    } else {
        Some(placement::worker_nice(nice).ok_or_else(|| {
            Error::invalid("workerNice: thread priorities are supported on Linux only (give 0)")
        })?)
    };
    create_with_cap(
        threads,
        max_queue,
        intra_op,
        worker_nice,
        hold_cap(threads, intra_op, cores),
    )
}

fn create_with_cap(
    threads: usize,
    max_queue: usize,
    intra_op: usize,
    worker_nice: Option<i32>,
    cap: usize,
) -> Result<u32> {
    // read RAPTORS_COPY_POOL_MB here, on the caller's thread, not later on a
    // worker finishing a job
    copy_pool_bytes();
    if threads == 0 || threads > 1024 {
        return Err(Error::invalid(format!(
            "threads must be 1..=1024, got {threads}"
        )));
    }
    let e = Arc::new(Engine {
        state: Mutex::new(State::default()),
        work: Condvar::new(),
        notify: Condvar::new(),
        max_queue,
        intra_op: intra_op.max(1),
        worker_nice,
        threads_n: threads,
        hold_cap: cap,
        avoid: placement::Avoid::new(),
        callback: Mutex::new(None),
        threads: Mutex::new(Vec::new()),
    });
    let mut handles = Vec::new();
    for i in 0..threads {
        let w = e.clone();
        handles.push(
            std::thread::Builder::new()
                .name(format!("raptors-engine-{i}"))
                .spawn(move || w.worker())
                .map_err(|err| Error::invalid(format!("cannot start a worker: {err}")))?,
        );
    }
    let n = e.clone();
    handles.push(
        std::thread::Builder::new()
            .name("raptors-notifier".into())
            .spawn(move || n.notifier())
            .map_err(|err| Error::invalid(format!("cannot start the notifier: {err}")))?,
    );
    *e.threads.lock().unwrap_or_else(|e| e.into_inner()) = handles;
    let mut all = ENGINES.lock().unwrap_or_else(|e| e.into_inner());
    all.push(Some(e));
    Ok((all.len() - 1) as u32)
}

/// Sets the function the notifier calls when jobs finish.
pub fn set_callback(id: u32, f: Option<extern "C" fn()>) -> Result<()> {
    *engine(id)?
        .callback
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = f;
    Ok(())
}

/// A count read from a job program, at most `max`.
fn count(v: u64, max: u64) -> Result<usize> {
    if v > max {
        return Err(Error::invalid("malformed job program"));
    }
    Ok(v as usize)
}

/// Parses a program and queues it. `prog` (u64 words): `[n_inputs,
/// (addr, bytes) * n_inputs, n_steps, (op, n_args, args..) * n_steps]`.
/// Inputs are copied now. Returns the job id.
///
/// With `hold`, the job wakes a parked worker only while fewer than the
/// engine's `hold_cap` workers are awake; the caller promises a [`wake`]
/// later (JS sends it at the end of the current turn, from a microtask).
/// A burst of submissions from the event-loop thread then leaves it a core
/// of its own: with every worker woken at once, three runnable threads on
/// two cores made the scheduler stall the submitting thread for a whole
/// 4 ms tick, several times per burst of 60.
///
/// # Safety
/// Each input `(addr, bytes)` must be readable now; raw addresses in step
/// arguments must stay valid until the job is reported finished.
pub unsafe fn submit(id: u32, prog: &[u64], priority: u32, hold: bool) -> Result<u64> {
    let e = engine(id)?;
    let bad = || Error::invalid("malformed job program");
    let mut it = prog.iter().copied();
    let mut next = || it.next().ok_or_else(bad);
    let mut inputs = Vec::new();
    for _ in 0..count(next()?, 1 << 16)? {
        let addr = next()?;
        let bytes = next()? as usize;
        if bytes > 0 && addr == 0 {
            return Err(Error::invalid("null input with a non-zero length"));
        }
        inputs.push((addr, bytes));
    }
    let mut steps = Vec::new();
    for _ in 0..count(next()?, 1 << 16)? {
        let op = next()?;
        if op >= STEP_SYMBOLS.len() as u64 {
            return Err(bad());
        }
        let args: Vec<u64> = (0..count(next()?, 64)?)
            .map(|_| next())
            .collect::<Result<_>>()?;
        steps.push(Step {
            op: op as u32,
            args,
        });
    }
    if it.next().is_some() {
        return Err(bad());
    }
    {
        let st = e.lock();
        if st.closing {
            return Err(Error::new(error::CLOSED, "the engine is closed"));
        }
        if st.queued() >= e.max_queue {
            return Err(Error::new(
                error::QUEUE_FULL,
                format!("the queue is full ({} jobs)", e.max_queue),
            ));
        }
    }
    // copy the inputs outside the lock (the caller's memory, valid now)
    let copies = inputs
        .iter()
        // SAFETY: the caller guarantees the input addresses (module docs)
        .map(|&(addr, bytes)| unsafe { copy_input(addr, bytes) })
        .collect();
    let mut st = e.lock();
    if st.queued() >= e.max_queue {
        return Err(Error::new(
            error::QUEUE_FULL,
            format!("the queue is full ({} jobs)", e.max_queue),
        ));
    }
    st.next_id += 1;
    let job_id = st.next_id;
    st.queues[priority.min(2) as usize].push_back(Job {
        id: job_id,
        steps,
        copies,
        cancel: Arc::new(AtomicBool::new(false)),
        submitted: Instant::now(),
    });
    let awake = e.threads_n - st.idle + st.wakes;
    if hold {
        e.avoid.here();
    }
    if !hold || awake < e.hold_cap {
        e.wake(&mut st, 1);
    }
    Ok(job_id)
}

/// Wakes as many parked workers as there are queued jobs: the end of a
/// turn of held submissions (see [`submit`]).
pub fn wake(id: u32) -> Result<()> {
    let e = engine(id)?;
    e.avoid.clear();
    let mut st = e.lock();
    let n = st.queued();
    e.wake(&mut st, n);
    Ok(())
}

/// How many workers held submissions may keep awake: all but one core's
/// worth of the machine's cores (each job uses `intra_op` of them), at
/// least one, at most `threads`.
fn hold_cap(threads: usize, intra_op: usize, cores: usize) -> usize {
    (cores.saturating_sub(1) / intra_op.max(1)).clamp(1, threads.max(1))
}

/// Cancels a job: a queued one is removed and reported at once; a running
/// one is flagged and stops at the next check. Returns 1 if it was queued,
/// 2 if running, 0 if unknown (already finished).
pub fn cancel(id: u32, job: u64) -> Result<u32> {
    let e = engine(id)?;
    let mut st = e.lock();
    for q in st.queues.iter_mut() {
        if let Some(pos) = q.iter().position(|j| j.id == job) {
            let j = q.remove(pos).expect("position is in range");
            let wait_us = j.submitted.elapsed().as_secs_f64() * 1e6;
            st.done.push(Done {
                id: job,
                status: error::CANCELLED,
                wait_us,
                run_us: 0.0,
                message: "the job was cancelled before it started".into(),
            });
            st.notify = true;
            e.notify.notify_one();
            return Ok(1);
        }
    }
    if let Some(flag) = st.running.get(&job) {
        flag.store(true, Ordering::Relaxed);
        return Ok(2);
    }
    Ok(0)
}

/// Moves finished jobs out: each as `[id, status, wait_us, run_us,
/// msg_offset, msg_len]` in `out` (up to `out.len() / 6` jobs), messages
/// concatenated into `msg` (cut to fit). Returns how many.
pub fn poll(id: u32, out: &mut [f64], msg: &mut [u8]) -> Result<usize> {
    let e = engine(id)?;
    let mut st = e.lock();
    let n = st.done.len().min(out.len() / 6);
    let mut at = 0usize;
    for (k, d) in st.done.drain(..n).enumerate() {
        let m = d.message.as_bytes();
        let len = m.len().min(msg.len() - at);
        msg[at..at + len].copy_from_slice(&m[..len]);
        out[6 * k..6 * k + 6].copy_from_slice(&[
            d.id as f64,
            d.status as f64,
            d.wait_us,
            d.run_us,
            at as f64,
            len as f64,
        ]);
        at += len;
    }
    if !st.done.is_empty() {
        st.notify = true; // more than fit: have JS come back
        e.notify.notify_one();
    }
    Ok(n)
}

/// `[queued, running, busy workers, finished-not-polled]`.
pub fn stats(id: u32) -> Result<[f64; 4]> {
    let e = engine(id)?;
    let st = e.lock();
    Ok([
        st.queued() as f64,
        st.running.len() as f64,
        st.busy as f64,
        st.done.len() as f64,
    ])
}

/// Stops accepting jobs. Without `drain`, queued jobs are cancelled and
/// running ones flagged. The threads exit once the queue is empty and
/// every finished job has been reported; with `join`, waits for them.
pub fn close(id: u32, drain: bool, join: bool) -> Result<()> {
    let e = engine(id)?;
    {
        let mut st = e.lock();
        st.closing = true;
        if !drain {
            let queued: Vec<Job> = st.queues.iter_mut().flat_map(|q| q.drain(..)).collect();
            for j in queued {
                let wait_us = j.submitted.elapsed().as_secs_f64() * 1e6;
                st.done.push(Done {
                    id: j.id,
                    status: error::CANCELLED,
                    wait_us,
                    run_us: 0.0,
                    message: "the engine was closed".into(),
                });
                st.notify = true;
            }
            for flag in st.running.values() {
                flag.store(true, Ordering::Relaxed);
            }
        }
    }
    e.work.notify_all();
    e.notify.notify_all();
    if join {
        let handles = std::mem::take(&mut *e.threads.lock().unwrap_or_else(|e| e.into_inner()));
        for h in handles {
            let _ = h.join();
        }
        ENGINES.lock().unwrap_or_else(|e| e.into_inner())[id as usize] = None;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    fn wait_done(id: u32, n: usize) -> Vec<(u64, i32, String)> {
        let mut got = Vec::new();
        let t0 = Instant::now();
        while got.len() < n && t0.elapsed() < Duration::from_secs(300) {
            let mut out = [0f64; 60];
            let mut msg = [0u8; 1024];
            let k = poll(id, &mut out, &mut msg).unwrap();
            for j in 0..k {
                let r = &out[6 * j..6 * j + 6];
                let text = String::from_utf8_lossy(&msg[r[4] as usize..(r[4] + r[5]) as usize])
                    .into_owned();
                got.push((r[0] as u64, r[1] as i32, text));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        got
    }

    #[test]
    fn step_symbols_match_the_typescript_mirror() {
        let ts = include_str!("../../../ffi/symbols.ts");
        let start = ts
            .find("export const STEP_SYMBOLS = [")
            .expect("STEP_SYMBOLS in symbols.ts");
        let body = &ts[start..start + ts[start..].find("] as const").unwrap()];
        let names: Vec<&str> = body.split('"').skip(1).step_by(2).collect();
        assert_eq!(names, STEP_SYMBOLS);
        assert_eq!(STEP_FNS.len(), STEP_SYMBOLS.len());
    }

    use super::*;
    use std::time::Duration;

    #[test]
    fn runs_a_sort_job_on_a_copied_input_and_reports_it() {
        let id = create(2, 8, 1, NICE_DEFAULT).unwrap();
        let mut data: Vec<f64> = vec![3.0, 1.0, 2.0];
        // program: one input (the data), sort it in place (in the copy),
        // then copy-cast the sorted copy into `out` (a 1-d layout)
        let mut out = vec![0f64; 3];
        let meta = [0.0f64, 0.0, 3.0, 1.0, 1.0];
        let prog: Vec<u64> = vec![
            2,
            data.as_ptr() as u64,
            24,
            meta.as_ptr() as u64,
            40,
            2,
            9, // rp_sort(dt, a, n)
            3,
            10,
            COPY_TAG,
            3,
            0, // rp_copy_cast(src_dt, src, src_len, dst_dt, dst, dst_len, ndim, meta)
            8,
            10,
            COPY_TAG,
            3,
            10,
            out.as_mut_ptr() as u64,
            3,
            1,
            COPY_TAG | 1,
        ];
        let job = unsafe { submit(id, &prog, 1, false) }.unwrap();
        data[0] = 99.0; // the job works on its copy
        let done = wait_done(id, 1);
        assert_eq!(done, vec![(job, 0, String::new())]);
        assert_eq!(out, [1.0, 2.0, 3.0]);
        close(id, true, true).unwrap();
    }

    const GATE_OP: u64 = 15; // rp_test_gate's index in STEP_SYMBOLS
    fn gate_wait_entered(g: u32, n: u32) {
        let mut st = TEST_GATES.state.lock().unwrap();
        while st[g as usize].0 < n {
            st = TEST_GATES.changed.wait(st).unwrap();
        }
    }

    #[test]
    fn full_queue_rejects_and_cancel_removes_queued_jobs() {
        let id = create(1, 2, 1, NICE_DEFAULT).unwrap();
        // j1 holds the single worker in the gate step: deterministic on a
        // loaded machine (no race with a kernel's run time)
        assert_eq!(STEP_SYMBOLS[GATE_OP as usize], "rp_test_gate");
        gate_ctl(3, 0).unwrap();
        let gate_prog: Vec<u64> = vec![0, 1, GATE_OP, 1, 3];
        let data: Vec<f64> = vec![3.0, 1.0, 2.0];
        let sort_prog = vec![
            1,
            data.as_ptr() as u64,
            24,
            1,
            9,
            3,
            10,
            COPY_TAG,
            data.len() as u64,
        ];
        let j1 = unsafe { submit(id, &gate_prog, 1, false) }.unwrap();
        gate_wait_entered(3, 1); // the worker took j1: the queue is empty
        let j2 = unsafe { submit(id, &sort_prog, 1, false) }.unwrap();
        let j3 = unsafe { submit(id, &sort_prog, 1, false) }.unwrap();
        let err = unsafe { submit(id, &sort_prog, 1, false) }.unwrap_err();
        assert_eq!(err.code, error::QUEUE_FULL);
        assert_eq!(cancel(id, j3).unwrap(), 1);
        assert_eq!(cancel(id, j1).unwrap(), 2);
        gate_ctl(3, 1).unwrap();
        let done = wait_done(id, 3);
        let status = |j: u64| done.iter().find(|d| d.0 == j).map(|d| d.1);
        assert_eq!(status(j3), Some(error::CANCELLED));
        assert_eq!(status(j2), Some(error::OK));
        // j1 was running: the flag is seen after its step
        assert_eq!(status(j1), Some(error::CANCELLED));
        close(id, true, true).unwrap();
    }

    #[test]
    fn hold_cap_leaves_a_core_to_the_caller() {
        assert_eq!(hold_cap(2, 1, 2), 1);
        assert_eq!(hold_cap(8, 1, 8), 7);
        assert_eq!(hold_cap(3, 1, 16), 3); // fewer workers than cores
        assert_eq!(hold_cap(4, 2, 8), 3); // jobs of two kernel threads
        assert_eq!(hold_cap(1, 1, 1), 1); // one core: still one worker
        assert_eq!(hold_cap(4, 8, 4), 1);
    }

    #[test]
    fn held_submissions_wake_the_rest_on_wake() {
        // two workers, at most one awake for held submissions
        let id = create_with_cap(2, 8, 1, None, 1).unwrap();
        let e = engine(id).unwrap();
        // both workers parked first (a state, not a sleep)
        let t0 = Instant::now();
        while e.lock().idle < 2 {
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "workers never parked"
            );
            std::thread::yield_now();
        }
        gate_ctl(4, 0).unwrap();
        let gate_prog: Vec<u64> = vec![0, 1, GATE_OP, 1, 4];
        let j1 = unsafe { submit(id, &gate_prog, 1, true) }.unwrap();
        let j2 = unsafe { submit(id, &gate_prog, 1, true) }.unwrap();
        gate_wait_entered(4, 1);
        {
            // one worker holds j1 in the gate; nobody woke the other
            let st = e.lock();
            assert_eq!(st.queued(), 1);
            assert_eq!((st.idle, st.wakes), (1, 0));
        }
        wake(id).unwrap();
        gate_wait_entered(4, 2); // the second worker took j2
        gate_ctl(4, 1).unwrap();
        let mut done: Vec<u64> = wait_done(id, 2).iter().map(|d| d.0).collect();
        done.sort_unstable();
        assert_eq!(done, vec![j1, j2]);
        close(id, true, true).unwrap();
    }

    #[test]
    fn malformed_programs_and_bad_steps_fail_cleanly() {
        let id = create(1, 4, 1, NICE_DEFAULT).unwrap();
        assert!(unsafe { submit(id, &[1], 1, false) }.is_err());
        assert!(unsafe { submit(id, &[0, 1, 99, 0], 1, false) }.is_err());
        // a step with the wrong arity fails the job, not the process
        let j = unsafe { submit(id, &[0, 1, 9, 1, 10], 1, false) }.unwrap();
        let done = wait_done(id, 1);
        assert_eq!(done[0].0, j);
        assert_ne!(done[0].1, error::OK);
        assert!(done[0].2.contains("arguments"), "{}", done[0].2);
        close(id, false, true).unwrap();
        assert!(unsafe { submit(id, &[0, 0], 1, false) }.is_err());
    }
}
