//! Intra-op parallelism: splitting one large kernel across cores.
//!
//! A small persistent fork-join pool (threads named `raptors-kernel-N`,
//! started on first use). The calling thread publishes a job of `parts`
//! tasks, wakes the helpers and claims tasks itself from the same atomic
//! counter, so a helper that wakes late costs nothing: the caller simply
//! runs its task too. Helpers spin for a few tens of microseconds after a
//! job (back-to-back calls then start without a futex wake-up) and then
//! park on a condition variable, so an idle pool uses no CPU and never keeps
//! a Deno or Bun process alive.
//!
//! One parallel region runs at a time; a second thread that asks while one
//! is running runs its work inline (this keeps nested or concurrent calls
//! correct and bounded). A panic in a task is caught on the helper and
//! re-raised on the caller, where the FFI guard turns it into an error.
//!
//! The thread count defaults to the available cores and can be lowered with
//! `rp_set_num_threads` or `RAPTORS_NUM_THREADS`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, TryLockError};
use std::time::{Duration, Instant};

static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Inputs below this much work (elements x work per element) stay on the
/// calling thread: below it the hand-off costs more than it saves.
pub const MIN_PARALLEL_WORK: usize = 1 << 15;

/// Helpers spin this long after a job before parking.
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
    let global = global_threads();
    match LIMIT.with(|l| l.get()) {
        0 => global,
        cap => global.min(cap),
    }
}

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
struct Job {
    f: *const (dyn Fn(usize) + Sync + 'static),
    parts: usize,
    next: AtomicUsize,
    done: AtomicUsize,
    panicked: AtomicBool,
}
unsafe impl Send for Job {}
unsafe impl Sync for Job {}

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

struct Slot {
    epoch: u64,
    job: Option<Arc<Job>>,
}

struct Pool {
    slot: Mutex<Slot>,
    wake: Condvar,
    epoch: AtomicUsize,
    helpers: AtomicUsize,
    /// Held by the thread running a parallel region.
    region: Mutex<()>,
}

static POOL: Pool = Pool {
    slot: Mutex::new(Slot {
        epoch: 0,
        job: None,
    }),
    wake: Condvar::new(),
    epoch: AtomicUsize::new(0),
    helpers: AtomicUsize::new(0),
    region: Mutex::new(()),
};
/// Serializes starting helpers.
static SPAWN: Mutex<()> = Mutex::new(());

fn helper_loop() {
    let mut seen = POOL.epoch.load(Ordering::Acquire);
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
                g = POOL.wake.wait(g).unwrap_or_else(|p| p.into_inner());
            }
            seen = g.epoch as usize;
            g.job.clone()
        };
        if let Some(job) = job {
            job.run_tasks();
        }
    }
}

/// Starts helpers until there are `want` of them (never stops them: an
/// idle helper is parked and costs nothing).
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
        next: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        panicked: AtomicBool::new(false),
    });
    {
        let mut g = POOL.slot.lock().unwrap_or_else(|p| p.into_inner());
        g.epoch += 1;
        g.job = Some(job.clone());
        POOL.epoch.store(g.epoch as usize, Ordering::Release);
    }
    POOL.wake.notify_all();
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
