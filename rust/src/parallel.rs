//! Intra-op parallelism: splitting one large kernel across cores.
//!
//! A small persistent fork-join pool (threads named `raptors-kernel-N`,
//! started on first use). The calling thread publishes a job of `parts`
//! tasks, wakes the helpers and claims tasks itself from the same atomic
//! counter, so a helper that wakes late costs nothing: the caller simply
//! runs its task too. Helpers spin for a few tens of microseconds after a
//! job (back-to-back calls then start without a futex wake-up) and then
//! park on a condition variable, so an idle pool uses no CPU and never keeps
//! a Deno or Bun process alive. A helper keeps off the CPU its job was
//! published from (`placement.rs`): woken after an idle gap, it was
//! otherwise often placed on the caller's CPU, and a two-thread kernel
//! ran on one.
//!
//! One parallel region runs at a time; a second thread that asks while one
//! is running runs its work inline (this keeps nested or concurrent calls
//! correct and bounded). A panic in a task is caught on the helper and
//! re-raised on the caller, where the FFI guard turns it into an error.
//!
//! The thread count defaults to the available cores and can be lowered with
//! `rp_set_num_threads` or `RAPTORS_NUM_THREADS`.

#[cfg(not(target_arch = "wasm32"))]
use std::panic::{catch_unwind, AssertUnwindSafe};
#[cfg(not(target_arch = "wasm32"))]
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::{Arc, Condvar, TryLockError};
#[cfg(not(target_arch = "wasm32"))]
use std::time::{Duration, Instant};

static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Inputs below this much work (elements x work per element) stay on the
/// calling thread: below it the hand-off costs more than it saves.
pub const MIN_PARALLEL_WORK: usize = 1 << 15;

/// Helpers spin this long after a job before parking.
#[cfg(not(target_arch = "wasm32"))]
const SPIN: Duration = Duration::from_micros(50);

thread_local! {
    /// A per-thread cap on kernel threads (engine workers set it to their
    /// intra-op limit); 0 means no cap.
    static LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Caps the kernel threads used by calls made on this thread (0: no cap).
pub fn set_thread_limit(n: usize) {
    LIMIT.with(|l| l.set(n));
}

pub fn num_threads() -> usize {
    #[cfg(target_arch = "wasm32")]
    let global = match THREADS.load(Ordering::Relaxed) {
        0 => wasm_pool::threads(),
        n => n.min(wasm_pool::threads()),
    };
    #[cfg(not(target_arch = "wasm32"))]
    let global = global_threads();
    match LIMIT.with(|l| l.get()) {
        0 => global,
        cap => global.min(cap),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn global_threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => {
            let from_env = std::env::var("RAPTORS_NUM_THREADS")
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|&n| n > 0);
            let n = from_env.unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1)
            });
            THREADS.store(n, Ordering::Relaxed);
            n
        }
        n => n,
    }
}

/// Sets the thread count for kernels (1 disables threading). 0 restores
/// the default.
pub fn set_num_threads(n: usize) {
    THREADS.store(n.min(1024), Ordering::Relaxed);
}

/// How many parts to split `n` elements of `work_per_elem` each into.
pub fn parts_for(n: usize, work_per_elem: usize) -> usize {
    let t = num_threads();
    let work = n.saturating_mul(work_per_elem.max(1));
    if t <= 1 || work < MIN_PARALLEL_WORK {
        return 1;
    }
    t.min(work / (MIN_PARALLEL_WORK / 2)).max(1)
}

/// A job: `parts` tasks calling `f(i)`. `f` points into the caller's stack;
/// it is only called for claimed task indices `< parts`, and the caller
/// waits until every claimed task has finished, so it outlives every call.
#[cfg(not(target_arch = "wasm32"))]
struct Job {
    f: *const (dyn Fn(usize) + Sync + 'static),
    parts: usize,
    /// The CPU the calling thread was on when it published the job (-1:
    /// unknown); helpers keep off it (see `helper_loop`).
    caller_cpu: i32,
    next: AtomicUsize,
    done: AtomicUsize,
    panicked: AtomicBool,
}
#[cfg(not(target_arch = "wasm32"))]
unsafe impl Send for Job {}
#[cfg(not(target_arch = "wasm32"))]
unsafe impl Sync for Job {}

#[cfg(not(target_arch = "wasm32"))]
impl Job {
    /// Claims and runs tasks until none are left.
    fn run_tasks(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::AcqRel);
            if i >= self.parts {
                return;
            }
            // SAFETY: i < parts, so the caller is still waiting (see Job).
            let f = unsafe { &*self.f };
            if catch_unwind(AssertUnwindSafe(|| f(i))).is_err() {
                self.panicked.store(true, Ordering::Release);
            }
            self.done.fetch_add(1, Ordering::AcqRel);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
struct Slot {
    epoch: u64,
    job: Option<Arc<Job>>,
    /// Helpers parked on `Pool::wake` (changed under the slot's lock).
    parked: usize,
}

#[cfg(not(target_arch = "wasm32"))]
struct Pool {
    slot: Mutex<Slot>,
    wake: Condvar,
    epoch: AtomicUsize,
    helpers: AtomicUsize,
    /// Held by the thread running a parallel region.
    region: Mutex<()>,
}

#[cfg(not(target_arch = "wasm32"))]
static POOL: Pool = Pool {
    slot: Mutex::new(Slot {
        epoch: 0,
        job: None,
        parked: 0,
    }),
    wake: Condvar::new(),
    epoch: AtomicUsize::new(0),
    helpers: AtomicUsize::new(0),
    region: Mutex::new(()),
};
/// Serializes starting helpers.
#[cfg(not(target_arch = "wasm32"))]
static SPAWN: Mutex<()> = Mutex::new(());

#[cfg(not(target_arch = "wasm32"))]
fn helper_loop() {
    let mut seen = POOL.epoch.load(Ordering::Acquire);
    let mut place = crate::placement::Placement::for_helper();
    loop {
        // Spin briefly for the next job, then park.
        let start = Instant::now();
        let mut spins = 0u32;
        while POOL.epoch.load(Ordering::Acquire) == seen {
            std::hint::spin_loop();
            spins += 1;
            if spins % 256 == 0 && start.elapsed() > SPIN {
                break;
            }
        }
        let job = {
            let mut g = POOL.slot.lock().unwrap_or_else(|p| p.into_inner());
            while g.epoch as usize == seen {
                g.parked += 1;
                g = POOL.wake.wait(g).unwrap_or_else(|p| p.into_inner());
                g.parked -= 1;
            }
            seen = g.epoch as usize;
            g.job.clone()
        };
        if let Some(job) = job {
            place.avoid_cpu(job.caller_cpu);
            #[cfg(test)]
            tests::HELPER_AVOIDS.with(|c| c.set((job.caller_cpu, place.avoiding())));
            job.run_tasks();
        }
    }
}

/// Starts helpers until there are `want` of them (never stops them: an
/// idle helper is parked and costs nothing).
#[cfg(not(target_arch = "wasm32"))]
fn ensure_helpers(want: usize) {
    if POOL.helpers.load(Ordering::Acquire) >= want {
        return;
    }
    let _g = SPAWN.lock().unwrap_or_else(|p| p.into_inner());
    for i in POOL.helpers.load(Ordering::Acquire)..want {
        let spawned = std::thread::Builder::new()
            .name(format!("raptors-kernel-{i}"))
            .stack_size(256 * 1024)
            .spawn(helper_loop);
        if spawned.is_err() {
            break; // run with the helpers we have
        }
        POOL.helpers.fetch_add(1, Ordering::AcqRel);
    }
}

/// Runs `f(0) .. f(parts - 1)`, in parallel when possible, and returns when
/// all have finished. A panic in any task is re-raised here.
pub fn run_parallel<F: Fn(usize) + Sync>(parts: usize, f: F) {
    if parts <= 1 {
        for i in 0..parts {
            f(i);
        }
        return;
    }
    #[cfg(target_arch = "wasm32")]
    {
        if !wasm_pool::run(parts, &f) {
            (0..parts).for_each(f);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    run_on_pool(parts, f);
}

#[cfg(not(target_arch = "wasm32"))]
fn run_on_pool<F: Fn(usize) + Sync>(parts: usize, f: F) {
    ensure_helpers((num_threads().saturating_sub(1)).min(parts - 1));
    let _region = match POOL.region.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            // Another thread owns the pool: run inline.
            for i in 0..parts {
                f(i);
            }
            return;
        }
    };
    let fref: &(dyn Fn(usize) + Sync) = &f;
    // SAFETY: the lifetime is erased only for the duration of this call;
    // we wait below until every task that can call it has returned.
    let fptr: *const (dyn Fn(usize) + Sync + 'static) = unsafe { std::mem::transmute(fref) };
    let job = Arc::new(Job {
        f: fptr,
        parts,
        caller_cpu: crate::placement::current_cpu(),
        next: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        panicked: AtomicBool::new(false),
    });
    let parked = {
        let mut g = POOL.slot.lock().unwrap_or_else(|p| p.into_inner());
        g.epoch += 1;
        g.job = Some(job.clone());
        POOL.epoch.store(g.epoch as usize, Ordering::Release);
        g.parked
    };
    // A helper parks only after checking the epoch under the slot's lock,
    // so one that is not counted in `parked` here will see the new epoch.
    // Helpers still spinning need no wake-up, and a notify is a futex
    // system call: skipping it took an empty two-part region from
    // 0.88-0.93 to 0.51-0.62 us (`/tmp` Rust loop), `tanh` of 10^4
    // float32 from 2.69-2.70 to 2.32-2.42 us (Deno, A/B).
    if parked > 0 {
        POOL.wake.notify_all();
    }
    job.run_tasks();
    let mut spins = 0u32;
    while job.done.load(Ordering::Acquire) < parts {
        spins += 1;
        if spins < 1 << 16 {
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
    POOL.slot.lock().unwrap_or_else(|p| p.into_inner()).job = None;
    if job.panicked.load(Ordering::Acquire) {
        panic!("a kernel task panicked on a pool thread");
    }
}

/// Runs `f(start, end)` over `[0, n)` split into contiguous ranges whose
/// starts are multiples of `align` elements, in parallel when large enough.
pub fn for_ranges<F>(n: usize, work_per_elem: usize, align: usize, f: F)
where
    F: Fn(usize, usize) + Sync,
{
    let parts = parts_for(n, work_per_elem);
    if parts <= 1 {
        f(0, n);
        return;
    }
    // wasm workers can start late (a futex wake-up, the engine's
    // background compiler on the core): two parts per thread, claimed as
    // threads come, balance that. Measured on a 1e6 add, two threads: p90
    // 390-420 us with one part per thread, 310-330 with two (Bun).
    #[cfg(target_arch = "wasm32")]
    let parts = (parts * 2).min(n.saturating_mul(work_per_elem.max(1)) / (MIN_PARALLEL_WORK / 2));
    let align = align.max(1);
    let chunk = ((n + parts - 1) / parts + align - 1) / align * align;
    let parts = (n + chunk - 1) / chunk;
    run_parallel(parts, |i| {
        let start = i * chunk;
        f(start, (start + chunk).min(n));
    });
}

/// Computes `f(i)` for every part, in parallel, returning the results in
/// order.
pub fn map_parts<R: Send + Default + Clone, F: Fn(usize) -> R + Sync>(
    parts: usize,
    f: F,
) -> Vec<R> {
    let out: Vec<Mutex<R>> = (0..parts).map(|_| Mutex::new(R::default())).collect();
    run_parallel(parts, |i| {
        let r = f(i);
        *out[i].lock().unwrap_or_else(|p| p.into_inner()) = r;
    });
    out.into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect()
}

/// Threads for the WebAssembly backend.
///
/// wasm32 has no thread spawning: the JS loader (`ffi/wasm_threads.ts`)
/// starts workers, each instantiating this module on the same shared
/// memory with its own stack; each joins ([`worker_join`]) and then calls
/// [`worker_step`] in a loop. A parallel region publishes one job in the
/// statics below (all in the shared memory), wakes the workers with
/// `memory.atomic.notify` and claims tasks itself from the same counter,
/// as on native.
///
/// The job's closure lives on the caller's stack. A worker counts itself
/// in `ACTIVE` before it reads the job and out after its last task; the
/// caller closes the job (`PARTS` = 0) and waits for `ACTIVE` to reach 0
/// before it returns, so no worker reads a closure that is gone. A worker
/// that traps (a panic is a trap in wasm) cannot finish its task: the JS
/// worker then sets `TRAPPED`, and the caller, waiting, panics in turn, so
/// the trap surfaces on the main thread, which discards the instance, the
/// memory and the workers (`ffi/wasm.ts`).
#[cfg(target_arch = "wasm32")]
pub mod wasm_pool {
    use core::arch::wasm32::{memory_atomic_notify, memory_atomic_wait32};
    use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering::SeqCst};

    type Task<'a> = &'a (dyn Fn(usize) + Sync);

    /// Workers registered (in their loop).
    static HELPERS: AtomicUsize = AtomicUsize::new(0);
    /// Workers started by JS (they register a few ms later).
    static STARTED: AtomicUsize = AtomicUsize::new(0);
    /// Bumped for each job; workers wait on it.
    static EPOCH: AtomicI32 = AtomicI32::new(0);
    /// 1 while a region runs (a nested or second region runs inline).
    static BUSY: AtomicUsize = AtomicUsize::new(0);
    /// The job: tasks `0..PARTS`, the address of a `Task` on the caller's
    /// stack, the next task to claim and the tasks finished.
    static PARTS: AtomicUsize = AtomicUsize::new(0);
    static TASK: AtomicUsize = AtomicUsize::new(0);
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    static DONE: AtomicUsize = AtomicUsize::new(0);
    /// Workers between reading the job and finishing with it.
    static ACTIVE: AtomicUsize = AtomicUsize::new(0);
    /// Tasks run by workers (for tests and metrics).
    static WORKER_TASKS: AtomicUsize = AtomicUsize::new(0);
    /// Set (by a worker's JS) when a worker trapped.
    static TRAPPED: AtomicI32 = AtomicI32::new(0);

    /// Spins before a worker sleeps (about 100 us), so back-to-back
    /// regions skip the wake-up.
    const SPINS: u32 = 1 << 16;

    /// Threads a region can use: the caller and the workers started. A
    /// region that comes before they register runs on the caller alone,
    /// split the same way (results never depend on who ran a part).
    pub fn threads() -> usize {
        1 + STARTED.load(SeqCst)
    }

    /// Records that JS started `n` workers.
    pub fn set_started(n: usize) {
        STARTED.store(n, SeqCst);
    }

    /// The address of the trap flag (for the workers' JS).
    pub fn trapped_flag() -> usize {
        &TRAPPED as *const AtomicI32 as usize
    }

    fn check_trapped() {
        if TRAPPED.load(SeqCst) != 0 {
            panic!("a kernel task trapped on a WebAssembly worker thread");
        }
    }

    /// Registered workers (`which` 0) or tasks they ran (1).
    pub fn stats(which: u32) -> usize {
        match which {
            0 => HELPERS.load(SeqCst),
            _ => WORKER_TASKS.load(SeqCst),
        }
    }

    /// Claims and runs tasks of the published job until none are left;
    /// returns how many it ran.
    fn claim() -> usize {
        let parts = PARTS.load(SeqCst);
        if parts == 0 {
            return 0;
        }
        // SAFETY: PARTS > 0, so the job's caller has not closed it and
        // waits for ACTIVE (or for its own return) before its stack goes.
        let task: Task = unsafe { *(TASK.load(SeqCst) as *const Task) };
        let mut ran = 0;
        loop {
            let i = NEXT.fetch_add(1, SeqCst);
            if i >= parts {
                return ran;
            }
            task(i);
            ran += 1;
            DONE.fetch_add(1, SeqCst);
        }
    }

    /// Runs tasks `0..parts` on the caller and the workers; false (and
    /// nothing run) when another region is running or there are no
    /// workers.
    pub fn run(parts: usize, f: Task) -> bool {
        if HELPERS.load(SeqCst) == 0 || BUSY.swap(1, SeqCst) != 0 {
            return false;
        }
        while ACTIVE.load(SeqCst) != 0 {
            std::hint::spin_loop(); // a late worker leaving the last job
        }
        let task: Task = f;
        TASK.store(&task as *const Task as usize, SeqCst);
        NEXT.store(0, SeqCst);
        DONE.store(0, SeqCst);
        PARTS.store(parts, SeqCst);
        EPOCH.fetch_add(1, SeqCst);
        // SAFETY: EPOCH is a live, aligned i32 in the shared memory.
        unsafe { memory_atomic_notify(&EPOCH as *const AtomicI32 as *mut i32, u32::MAX) };
        claim();
        while DONE.load(SeqCst) < parts {
            check_trapped();
            std::hint::spin_loop();
        }
        PARTS.store(0, SeqCst);
        while ACTIVE.load(SeqCst) != 0 {
            check_trapped();
            std::hint::spin_loop();
        }
        BUSY.store(0, SeqCst);
        true
    }

    /// Registers a worker; returns the current epoch for [`worker_step`].
    pub fn worker_join() -> i32 {
        let seen = EPOCH.load(SeqCst);
        HELPERS.fetch_add(1, SeqCst);
        seen
    }

    /// One round of a worker's loop: waits for a job after epoch `seen`,
    /// runs tasks of it and returns its epoch. The JS worker calls this in
    /// a loop rather than wasm looping forever: V8 has no on-stack
    /// replacement for wasm, so a function that never returns would run
    /// its baseline (Liftoff) code for good, while each new call enters
    /// the optimized code once it exists.
    pub fn worker_step(seen: i32) -> i32 {
        let mut spins = 0u32;
        while EPOCH.load(SeqCst) == seen {
            if spins < SPINS {
                spins += 1;
                std::hint::spin_loop();
            } else {
                // SAFETY: as in `run`; returns at once if EPOCH moved.
                unsafe { memory_atomic_wait32(&EPOCH as *const AtomicI32 as *mut i32, seen, -1) };
            }
        }
        let now = EPOCH.load(SeqCst);
        ACTIVE.fetch_add(1, SeqCst);
        WORKER_TASKS.fetch_add(claim(), SeqCst);
        ACTIVE.fetch_sub(1, SeqCst);
        now
    }
}

/// A raw pointer that may cross to a pool thread. The kernels that use it
/// hand each task a disjoint range.
#[derive(Clone, Copy)]
pub struct SendPtr<T>(pub *mut T);
impl<T> SendPtr<T> {
    /// Takes the pointer out. Closures must call this rather than read
    /// `.0`, which would capture the bare (non-Send) field.
    #[inline(always)]
    pub fn get(self) -> *mut T {
        self.0
    }
}
unsafe impl<T> Send for SendPtr<T> {}
unsafe impl<T> Sync for SendPtr<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        /// On a helper: the CPU its last job was published from and the
        /// CPU it then kept off, set before it runs that job's tasks.
        pub(super) static HELPER_AVOIDS: Cell<(i32, i32)> = const { Cell::new((-2, -2)) };
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_helper_runs_its_tasks_off_the_cpu_the_job_was_published_from() {
        if global_threads() < 2 {
            return; // one CPU: no helpers, nothing to place
        }
        let caller = std::thread::current().id();
        let mut checked = 0;
        // another test may hold the pool (its region then runs inline
        // here), so try until helpers have run a few of our tasks
        for _ in 0..200 {
            let started = AtomicBool::new(false);
            let seen = Mutex::new(Vec::new());
            run_parallel(2, |_| {
                if std::thread::current().id() != caller {
                    started.store(true, Ordering::Release);
                    let (published, avoided) = HELPER_AVOIDS.with(|c| c.get());
                    let now = crate::placement::current_cpu();
                    seen.lock().unwrap().push((published, avoided, now));
                } else {
                    // the caller's task waits a while for a helper to claim
                    // the other one (a bound, not a sleep: it ends early)
                    let t = Instant::now();
                    while !started.load(Ordering::Acquire)
                        && t.elapsed() < Duration::from_millis(200)
                    {
                        std::hint::spin_loop();
                    }
                }
            });
            for (published, avoided, now) in seen.into_inner().unwrap() {
                assert!(published >= 0, "the job recorded no CPU");
                assert_eq!(avoided, published, "the helper did not take the job's CPU");
                assert_ne!(now, published, "the helper ran on the caller's CPU");
                checked += 1;
            }
            if checked >= 5 {
                break;
            }
        }
        assert!(checked > 0, "no helper ran a task");
    }

    #[test]
    fn for_ranges_covers_every_index_once() {
        for &n in &[
            0usize,
            1,
            7,
            1000,
            MIN_PARALLEL_WORK + 13,
            3 * MIN_PARALLEL_WORK,
        ] {
            let seen = Mutex::new(vec![0u8; n]);
            for_ranges(n, 1, 16, |s, e| {
                let mut v = seen.lock().unwrap();
                for x in &mut v[s..e] {
                    *x += 1;
                }
            });
            assert!(seen.into_inner().unwrap().iter().all(|&c| c == 1), "n={n}");
        }
    }

    #[test]
    fn many_back_to_back_jobs_and_concurrent_callers_complete() {
        let handles: Vec<_> = (0..3)
            .map(|t| {
                std::thread::spawn(move || {
                    for k in 0..300usize {
                        let r = map_parts(4, |i| i * 10 + k + t);
                        assert_eq!(r, vec![k + t, 10 + k + t, 20 + k + t, 30 + k + t]);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }

    #[test]
    fn a_panicking_task_is_reraised_on_the_caller_and_the_pool_survives() {
        let r = catch_unwind(|| run_parallel(4, |i| assert!(i != 2, "task 2 fails")));
        assert!(r.is_err());
        assert_eq!(map_parts(3, |i| i + 1), vec![1, 2, 3]);
    }
}
