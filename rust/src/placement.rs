//! Keeping woken threads off the CPU of the thread that woke them, and
//! engine workers below the event loop's priority (Linux).
//!
//! Priority: each engine worker sets its own nice value to the creating
//! thread's plus the engine's `workerNice` ([`worker_nice`], set on the
//! worker's thread before its first job), so an event loop that wakes
//! while every core runs a job preempts a worker instead of waiting for
//! its slice (docs/ARCHITECTURE.md, "Workers run below the event loop's
//! priority").
//!
//! Placement: Linux often places a thread woken from a futex wait on the
//! CPU of the thread that woke it, where the two then share one CPU until
//! the next load balance, milliseconds later, while another CPU idles. On
//! a KVM guest this is the common case: an idle virtual CPU is halted, the
//! guest scheduler sees it as preempted and passes it over. Two users:
//! - Engine workers (`engine/mod.rs`): while a turn of held submissions
//!   runs (see `submit`), the workers it wakes are meant to use the other
//!   cores; the event loop stalled for a whole scheduler tick (4.1 ms
//!   here) once in most bursts of 60 submissions on two cores. A held
//!   submission records the submitting thread's CPU ([`Avoid`]); a worker
//!   about to run a job while one is recorded keeps itself off that CPU
//!   (its affinity mask without it) and takes back its full mask once the
//!   turn has ended (`wake` clears the record). Measured with the workers
//!   kept off the event loop's CPU by hand: no such stall in 40 bursts.
//! - The kernel pool's helpers (`parallel.rs`): each parallel job records
//!   the caller's CPU and a helper keeps off it before running the job's
//!   tasks. Without that, a helper woken after an idle gap ran on the
//!   caller's CPU: a two-part region of two 3 ms tasks called 20 ms after
//!   the last took 5.7 ms (median of 200; in most calls the helper either
//!   claimed no task or preempted the caller for 2 ms) and 3.1 ms with
//!   the helpers placed; the dot product of two 10^7 float64 vectors
//!   after a 20 ms idle gap went from 9.4-11.3 ms to 5.4 ms (Rust probe).
//!
//! Affinity calls happen only when the CPU to avoid changes, on the
//! thread's own behalf; anywhere they fail, or with a single allowed CPU,
//! nothing changes.
use std::sync::atomic::{AtomicI32, Ordering};

/// The nice value the workers of an engine created now run at, `below`
/// steps under the calling thread's (capped at 19, the lowest priority);
/// `None` where thread priorities are not supported (not Linux).
pub fn worker_nice(below: u32) -> Option<i32> {
    imp::this_thread_nice().map(|n| (n + below.min(39) as i32).min(19))
}

/// Sets the calling thread's nice value (Linux, where it is per thread);
/// false where that is not supported or refused.
pub fn set_this_thread_nice(nice: i32) -> bool {
    imp::set_this_thread_nice(nice)
}

/// The calling thread's CPU now (-1 where unknown: not Linux, or the
/// call failed).
pub fn current_cpu() -> i32 {
    imp::current_cpu()
}

/// The CPU held jobs should avoid (-1: none).
pub struct Avoid(AtomicI32);

impl Avoid {
    pub const fn new() -> Self {
        Avoid(AtomicI32::new(-1))
    }

    /// Records the calling thread's CPU (a held submission).
    pub fn here(&self) {
        let cpu = current_cpu();
        if cpu >= 0 && self.0.load(Ordering::Relaxed) != cpu {
            self.0.store(cpu, Ordering::Relaxed);
        }
    }

    /// Clears the record (the turn of held submissions is over).
    pub fn clear(&self) {
        if self.0.load(Ordering::Relaxed) != -1 {
            self.0.store(-1, Ordering::Relaxed);
        }
    }

    fn get(&self) -> i32 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A worker's side: its allowed CPUs and the CPU it currently avoids.
pub struct Placement {
    allowed: imp::Mask,
    avoiding: i32,
}

impl Placement {
    /// The calling (worker) thread's placement, from its current mask.
    pub fn new() -> Self {
        Placement {
            allowed: imp::Mask::of_this_thread(),
            avoiding: -1,
        }
    }

    /// A kernel-pool helper's placement, on the helper's thread: the
    /// process's mask (its main thread's), set now. A helper inherits its
    /// creator's mask, and the first parallel region may come from an
    /// engine worker that is keeping off the event loop's CPU: the helper
    /// would then keep that narrowed mask for the life of the process.
    pub fn for_helper() -> Self {
        let allowed = imp::Mask::of_process();
        imp::set_this_thread(&allowed);
        Placement {
            allowed,
            avoiding: -1,
        }
    }

    /// The CPU this thread keeps off (-1: none).
    #[cfg(test)]
    pub fn avoiding(&self) -> i32 {
        self.avoiding
    }

    /// Before a job: follow the record (leave its CPU, or take back the
    /// full mask).
    pub fn follow(&mut self, avoid: &Avoid) {
        self.avoid_cpu(avoid.get());
    }

    /// Keeps the calling thread off `want` (its mask without that CPU;
    /// the full mask back for -1). A system call only when `want`
    /// changes; where it fails, or with a single allowed CPU, nothing
    /// changes.
    pub fn avoid_cpu(&mut self, want: i32) {
        if want == self.avoiding {
            return;
        }
        let ok = if want >= 0 {
            if self.avoiding < 0 {
                // the mask as it is now (someone may have changed it since)
                self.allowed = imp::Mask::of_this_thread();
            }
            imp::set_this_thread(&self.allowed.without(want))
        } else {
            imp::set_this_thread(&self.allowed)
        };
        if ok {
            self.avoiding = want;
        }
    }
}

#[cfg(target_os = "linux")]
mod imp {
    /// `cpu_set_t`: 1024 CPUs.
    const BYTES: usize = 128;

    extern "C" {
        fn getpriority(which: i32, who: u32) -> i32;
        fn setpriority(which: i32, who: u32, prio: i32) -> i32;
        fn sched_getcpu() -> i32;
        fn sched_getaffinity(pid: i32, size: usize, mask: *mut u8) -> i32;
        fn sched_setaffinity(pid: i32, size: usize, mask: *const u8) -> i32;
        fn getpid() -> i32;
    }

    pub fn current_cpu() -> i32 {
        // SAFETY: no arguments; -1 on failure.
        unsafe { sched_getcpu() }
    }

    /// `PRIO_PROCESS`: with `who` 0, the calling thread on Linux, where
    /// the nice value is per thread (setpriority(2), "BUGS").
    const PRIO_PROCESS: i32 = 0;

    pub fn this_thread_nice() -> Option<i32> {
        // SAFETY: no pointers; getpriority returns the nice value (-20..19;
        // it fails only for an invalid `which` or `who`, which these are not)
        Some(unsafe { getpriority(PRIO_PROCESS, 0) })
    }

    pub fn set_this_thread_nice(nice: i32) -> bool {
        // SAFETY: no pointers; the calling thread's nice value
        unsafe { setpriority(PRIO_PROCESS, 0, nice) == 0 }
    }

    #[derive(Clone)]
    pub struct Mask(Option<[u8; BYTES]>);

    impl Mask {
        pub fn of_this_thread() -> Mask {
            let mut m = [0u8; BYTES];
            // SAFETY: m is BYTES long; pid 0 is the calling thread.
            let ok = unsafe { sched_getaffinity(0, BYTES, m.as_mut_ptr()) } >= 0;
            Mask(ok.then_some(m))
        }

        /// The process's mask: its main thread's (the thread whose id is
        /// the process id).
        pub fn of_process() -> Mask {
            let mut m = [0u8; BYTES];
            // SAFETY: m is BYTES long; getpid() names the main thread.
            let ok = unsafe { sched_getaffinity(getpid(), BYTES, m.as_mut_ptr()) } >= 0;
            Mask(ok.then_some(m))
        }

        /// Whether the two masks allow different CPUs (tests).
        #[cfg(test)]
        pub fn differs(&self, other: &Mask) -> bool {
            self.0 != other.0
        }

        /// This mask without `cpu`, or unusable when that leaves none.
        pub fn without(&self, cpu: i32) -> Mask {
            let (byte, bit) = (cpu as usize / 8, cpu as usize % 8);
            match self.0 {
                Some(mut m) if byte < BYTES => {
                    m[byte] &= !(1u8 << bit);
                    Mask(m.iter().any(|&b| b != 0).then_some(m))
                }
                _ => Mask(None),
            }
        }
    }

    /// Sets the calling thread's mask; false when unusable or refused.
    pub fn set_this_thread(m: &Mask) -> bool {
        match &m.0 {
            // SAFETY: the mask is BYTES long; pid 0 is the calling thread.
            Some(m) => unsafe { sched_setaffinity(0, BYTES, m.as_ptr()) == 0 },
            None => false,
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    pub fn current_cpu() -> i32 {
        -1
    }

    pub fn this_thread_nice() -> Option<i32> {
        None
    }

    pub fn set_this_thread_nice(_nice: i32) -> bool {
        false
    }

    #[derive(Clone)]
    pub struct Mask;

    impl Mask {
        pub fn of_this_thread() -> Mask {
            Mask
        }

        pub fn of_process() -> Mask {
            Mask
        }

        pub fn without(&self, _cpu: i32) -> Mask {
            Mask
        }
    }

    pub fn set_this_thread(_m: &Mask) -> bool {
        false
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn cpus_of_this_thread() -> Vec<i32> {
        let m = imp::Mask::of_this_thread();
        (0..1024)
            .filter(|&c| imp::Mask::without(&m, c).differs(&m))
            .collect()
    }

    #[test]
    fn a_thread_lowers_its_own_priority_and_no_other() {
        let main = imp::this_thread_nice().unwrap();
        let target = worker_nice(3).unwrap();
        assert_eq!(target, (main + 3).min(19));
        assert_eq!(worker_nice(100), Some(19));
        std::thread::spawn(move || {
            assert_eq!(imp::this_thread_nice(), Some(main));
            assert!(set_this_thread_nice(target));
            assert_eq!(imp::this_thread_nice(), Some(target));
        })
        .join()
        .unwrap();
        // nice is per thread on Linux: the spawning thread's is unchanged
        assert_eq!(imp::this_thread_nice(), Some(main));
    }

    #[test]
    fn a_helper_takes_the_process_mask_not_its_creators() {
        std::thread::spawn(|| {
            let full = cpus_of_this_thread();
            if full.len() < 2 {
                return; // a single CPU: no narrower mask to inherit
            }
            // as an engine worker keeping off the event loop's CPU
            assert!(imp::set_this_thread(
                &imp::Mask::of_this_thread().without(full[0])
            ));
            assert!(!cpus_of_this_thread().contains(&full[0]));
            let place = Placement::for_helper();
            assert_eq!(cpus_of_this_thread(), full);
            assert_eq!(place.avoiding(), -1);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_worker_keeps_off_the_recorded_cpu_and_takes_its_mask_back() {
        // on a thread of its own: the test harness's threads keep theirs
        std::thread::spawn(|| {
            let before = cpus_of_this_thread();
            let avoid = Avoid::new();
            let mut place = Placement::new();
            avoid.0.store(before[0], Ordering::Relaxed);
            place.follow(&avoid);
            let during = cpus_of_this_thread();
            if before.len() > 1 {
                assert!(!during.contains(&before[0]), "{during:?}");
                assert_eq!(during.len(), before.len() - 1);
                assert!(imp::current_cpu() != before[0]);
            } else {
                // the only CPU: nothing changes
                assert_eq!(during, before);
            }
            avoid.clear();
            place.follow(&avoid);
            assert_eq!(cpus_of_this_thread(), before);
        })
        .join()
        .unwrap();
    }
}
