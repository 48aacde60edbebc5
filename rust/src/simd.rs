//! Runtime CPU detection and per-ISA compilation of generic kernels.
//!
//! Kernels are written once as plain generic Rust (`#[inline(always)]`
//! bodies with independent accumulators, so the loops vectorize without
//! reassociating float math). [`multiversion!`] compiles each body three
//! times: for AVX-512 (F/BW/DQ/VL), for AVX2+FMA, and for the baseline
//! target, and picks one at run time from the level detected once per
//! process. Results are bit-identical across levels: the vectorizer only
//! widens independent lanes, it never changes the order of float operations.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    Baseline = 1,
    Avx2 = 2,
    Avx512 = 3,
}

static LEVEL: AtomicU8 = AtomicU8::new(0);

fn detect() -> Level {
    if let Ok(v) = std::env::var("RAPTORS_SIMD") {
        // Lets tests and benchmarks force a lower level ("baseline", "avx2").
        match v.as_str() {
            "baseline" => return Level::Baseline,
            "avx2" if detect_hw() >= Level::Avx2 => return Level::Avx2,
            _ => {}
        }
    }
    detect_hw()
}

#[cfg(target_arch = "x86_64")]
fn detect_hw() -> Level {
    if is_x86_feature_detected!("avx512f")
        && is_x86_feature_detected!("avx512bw")
        && is_x86_feature_detected!("avx512dq")
        && is_x86_feature_detected!("avx512vl")
        && is_x86_feature_detected!("avx2")
        && is_x86_feature_detected!("fma")
    {
        Level::Avx512
    } else if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        Level::Avx2
    } else {
        Level::Baseline
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn detect_hw() -> Level {
    Level::Baseline
}

/// The instruction-set level kernels run at (detected once).
#[inline]
pub fn level() -> Level {
    match LEVEL.load(Ordering::Relaxed) {
        1 => Level::Baseline,
        2 => Level::Avx2,
        3 => Level::Avx512,
        _ => {
            let l = detect();
            LEVEL.store(l as u8, Ordering::Relaxed);
            l
        }
    }
}

/// Forces a level (tests compare every level against the baseline).
/// Levels above what the CPU supports are clamped.
pub fn set_level(l: Level) {
    let l = l.min(detect_hw());
    LEVEL.store(l as u8, Ordering::Relaxed);
}

/// Test helper: asserts that `run` gives at every SIMD level the result it
/// gives at the baseline, then leaves the best level set.
#[cfg(test)]
pub fn assert_same_at_every_level<R: PartialEq>(run: impl Fn() -> R) {
    set_level(Level::Baseline);
    let expect = run();
    for level in [Level::Avx2, Level::Avx512] {
        set_level(level);
        assert!(
            run() == expect,
            "{level:?} differs from the portable kernels"
        );
    }
    set_level(Level::Avx512);
}

/// Defines `$vis fn $name<generics>(args) -> ret` that dispatches to a copy
/// of the `#[inline(always)]` function `$body` compiled for the best
/// instruction set available.
#[macro_export]
macro_rules! multiversion {
    ($vis:vis fn $name:ident<$($G:ident : $B:path),*>($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? => $body:ident) => {
        #[allow(clippy::too_many_arguments)]
        $vis fn $name<$($G: $B),*>($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")]
                #[allow(clippy::too_many_arguments)]
                unsafe fn v512<$($G: $B),*>($($arg: $ty),*) $(-> $ret)? { $body::<$($G),*>($($arg),*) }
                #[target_feature(enable = "avx2,fma")]
                #[allow(clippy::too_many_arguments)]
                unsafe fn v256<$($G: $B),*>($($arg: $ty),*) $(-> $ret)? { $body::<$($G),*>($($arg),*) }
                match $crate::simd::level() {
                    // SAFETY: the level was detected on this CPU.
                    $crate::simd::Level::Avx512 => return unsafe { v512::<$($G),*>($($arg),*) },
                    $crate::simd::Level::Avx2 => return unsafe { v256::<$($G),*>($($arg),*) },
                    $crate::simd::Level::Baseline => {}
                }
            }
            $body::<$($G),*>($($arg),*)
        }
    };
}
