//! Keeping held jobs off the submitting thread's CPU, and workers below
//! its priority (Linux).
//!
//! Priority: each worker sets its own nice value to the creating thread's
//! plus the engine's `workerNice` ([`worker_nice`], set on the worker's
//! thread before its first job), so an event loop that wakes while every
//! core runs a job preempts a worker instead of waiting for its slice
//! (docs/ARCHITECTURE.md, "Workers run below the event loop's priority").
//!
//! Placement:
//! While a turn of held submissions runs (see `submit`), the workers it
//! wakes are meant to use the other cores. Linux often placed a woken
//! worker on the CPU of the thread that woke it (the event loop's), where
//! the two then shared one CPU until the next load balance: the event
//! loop stalled for a whole scheduler tick (4.1 ms here) once in most
//! bursts of 60 submissions on two cores, whatever the worker's nice
//! value. A held submission therefore records the submitting thread's
//! CPU; a worker about to run a job while one is recorded keeps itself
//! off that CPU (its affinity mask without it), and takes back its full
//! mask once the turn has ended (`wake` clears the record). Measured with
//! the workers kept off the event loop's CPU by hand: no such stall in
//! 40 bursts. Affinity calls happen only when the record changes, on the
//! worker's own thread; anywhere they fail, or with a single allowed CPU,
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

/// The CPU held jobs should avoid (-1: none).
pub struct Avoid(AtomicI32);

impl Avoid {
    pub const fn new() -> Self {
        Avoid(AtomicI32::new(-1))
    }

    /// Records the calling thread's CPU (a held submission).
    pub fn here(&self) {
        let cpu = imp::current_cpu();
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

    /// Before a job: follow the record (leave its CPU, or take back the
    /// full mask).
    pub fn follow(&mut self, avoid: &Avoid) {
        let want = avoid.get();
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
