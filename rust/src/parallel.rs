//! Splitting large inputs across threads.
//!
//! Foundation-level parallelism uses scoped threads, spawned per call and
//! only above a size where the spawn cost (~20-40 µs) is a small fraction of
//! the work. The thread count defaults to the available cores and can be
//! lowered with `rp_set_num_threads` (or `RAPTORS_NUM_THREADS`).

use std::sync::atomic::{AtomicUsize, Ordering};

static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Inputs below this many elements stay on the calling thread.
pub const MIN_PARALLEL_ELEMS: usize = 1 << 18;

pub fn num_threads() -> usize {
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
    THREADS.store(n, Ordering::Relaxed);
}

/// How many parts to split `n` elements of `elem_bytes` each into.
pub fn parts_for(n: usize, work_per_elem: usize) -> usize {
    let t = num_threads();
    if t <= 1 || n.saturating_mul(work_per_elem.max(1)) < MIN_PARALLEL_ELEMS {
        return 1;
    }
    let by_size = n.saturating_mul(work_per_elem.max(1)) / (MIN_PARALLEL_ELEMS / 2);
    t.min(by_size).max(1)
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
    std::thread::scope(|s| {
        let f = &f;
        let mut start = chunk;
        while start < n {
            let end = (start + chunk).min(n);
            s.spawn(move || f(start, end));
            start = end;
        }
        f(0, chunk.min(n));
    });
}

/// A raw pointer that may cross to a scoped worker thread. The kernels that
/// use it hand each thread a disjoint range.
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
    use std::sync::Mutex;

    #[test]
    fn for_ranges_covers_every_index_once() {
        for &n in &[
            0usize,
            1,
            7,
            1000,
            MIN_PARALLEL_ELEMS + 13,
            3 * MIN_PARALLEL_ELEMS,
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
}
