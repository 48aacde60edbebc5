//! [`reduce::dot_float`](super::reduce::dot_float)'s float32/float64 dot
//! product written with x86_64 vector intrinsics.
//!
//! The portable body keeps sixteen accumulator lanes in an array
//! (`acc[j] += a[j] * b[j]` over 16-element chunks, then the lanes added
//! as a halving tree). LLVM's SLP vectorizer compiles that array, at the
//! AVX2 and the AVX-512 level alike, to eight two-lane `xmm` pieces with a
//! load per pair of floats (seen with `objdump -d` on the release build):
//! a 100000 x 384 float32 matrix-vector product, one row at a time, took
//! 6.9 ms on one core where the same arithmetic in `zmm` registers takes
//! 4.0-4.5 ms. The functions here do exactly the portable body's
//! operations (lane j of the accumulators is lane j of the array, each a
//! multiply rounded then an add, no FMA; the tree adds lanes j and j + w
//! for w = 8, 4, 2, 1; the tail is added one element at a time in order),
//! so they give the same bits; `reduce`'s tests compare the two.
#![allow(clippy::missing_safety_doc)]
use crate::dtype::{DType, Elem};
use crate::simd::{level, Level};
use std::arch::x86_64::*;

/// The dot product of `a` and `b` (equal lengths) through the vector
/// kernels when `T` is float32 or float64 and the CPU has AVX2; `None`
/// otherwise (the caller runs the portable body).
#[inline]
pub fn dot<T: Elem>(a: &[T], b: &[T]) -> Option<T> {
    debug_assert_eq!(a.len(), b.len());
    let n = a.len().min(b.len());
    let mut s = [T::default()];
    // SAFETY: one row of n readable elements; `s` is our own
    unsafe { rows(a.as_ptr(), n, &b[..n], &mut s) }.then(|| s[0])
}

/// `y[r]` = row r dotted with `x` ([`dot`]'s bits), for `y.len()` rows of
/// `x.len()` elements `lda` apart from `a`, with the level chosen once for
/// all rows. Returns false (nothing written) where [`dot`] returns `None`.
///
/// # Safety
/// The rows must be readable; `y` must not overlap them.
pub unsafe fn rows<T: Elem>(a: *const T, lda: usize, x: &[T], y: &mut [T]) -> bool {
    let lv = level();
    if lv == Level::Baseline {
        return false;
    }
    let (k, m) = (x.len(), y.len());
    macro_rules! go {
        ($F:ty, $f512:ident, $f256:ident) => {{
            let (a, x, y) = (
                a as *const $F,
                x.as_ptr() as *const $F,
                y.as_mut_ptr() as *mut $F,
            );
            match lv {
                #[cfg(raptors_avx512)]
                Level::Avx512 => avx512::$f512(a, lda, x, k, y, m),
                _ => avx2::$f256(a, lda, x, k, y, m),
            }
            true
        }};
    }
    match T::DTYPE {
        DType::Float32 => go!(f32, rows_f32, rows_f32),
        DType::Float64 => go!(f64, rows_f64, rows_f64),
        _ => false,
    }
}

/// Two dot products read together (`a0 · b0`, `a1 · b1`; equal lengths in
/// each pair): four streams instead of two, each result with the bits
/// [`dot`] gives it alone. `None` where [`dot`] returns `None`.
///
/// A dot that does not fit in the caches is read at the rate the streams
/// in flight allow: two 10^7-element float64 halves per thread read
/// together measured 7-12% faster medians than one after the other (a
/// Rust probe on the Zen 3 host, four alternating runs).
pub fn dot_pair<T: Elem>(a0: &[T], b0: &[T], a1: &[T], b1: &[T]) -> Option<(T, T)> {
    let lv = level();
    if lv == Level::Baseline {
        return None;
    }
    let (n0, n1) = (a0.len().min(b0.len()), a1.len().min(b1.len()));
    macro_rules! go {
        ($F:ty, $f:ident) => {{
            let (a0, b0, a1, b1) = (
                a0.as_ptr() as *const $F,
                b0.as_ptr() as *const $F,
                a1.as_ptr() as *const $F,
                b1.as_ptr() as *const $F,
            );
            // SAFETY: each pair has n0 / n1 readable elements; the element
            // type is $F (checked by the match on T::DTYPE)
            let (s0, s1) = unsafe {
                match lv {
                    #[cfg(raptors_avx512)]
                    Level::Avx512 => avx512::$f(a0, b0, n0, a1, b1, n1),
                    _ => avx2::$f(a0, b0, n0, a1, b1, n1),
                }
            };
            let mut out = [T::default(); 2];
            // SAFETY: T is $F
            unsafe {
                *(out.as_mut_ptr() as *mut $F) = s0;
                *(out.as_mut_ptr() as *mut $F).add(1) = s1;
            }
            Some((out[0], out[1]))
        }};
    }
    match T::DTYPE {
        DType::Float32 => go!(f32, dot2_f32),
        DType::Float64 => go!(f64, dot2_f64),
        _ => None,
    }
}

/// The tail after the last full chunk, one element at a time in order.
#[inline(always)]
unsafe fn tail<F: Copy + std::ops::Add<Output = F> + std::ops::Mul<Output = F>>(
    mut s: F,
    a: *const F,
    b: *const F,
    from: usize,
    n: usize,
) -> F {
    for i in from..n {
        s = s + *a.add(i) * *b.add(i);
    }
    s
}

/// Sub-ranges of rows a row loop reads at the same time.
///
/// One row after another is one sequential stream per thread, and a matrix
/// that does not fit in the caches then streamed at ~0.8x of the rate a
/// two-stream [`dot`] reads the same bytes (100000 x 384 float32, two
/// threads, Zen 3: 4.5-5.3 ms against 3.8-4.4). Taking whole rows from
/// four quarters in turn (row i of each quarter, then row i + 1) measured
/// 1.05-1.13x of the dot's time on a quiet day and 1.09-1.68x on a busy
/// one; reading row i of the four quarters together, a 16-element chunk of
/// each in turn (AVX2's `dot4_*`, four streams in flight), 0.92-1.10x on
/// that busy day. Each row's sum is unchanged.
const STREAMS: usize = 4;

/// `rows_f32`/`rows_f64` of a module from its `dot_f32`/`dot_f64`: the
/// row loop compiled with the same target features, so the dot inlines.
/// Row i of each of the [`STREAMS`] quarters is read together (`dot4_*`).
macro_rules! row_loops {
    ($feat:literal) => {
        row_loops!($feat, rows_f32, f32, dot4_f32, dot_f32);
        row_loops!($feat, rows_f64, f64, dot4_f64, dot_f64);
    };
    ($feat:literal, $rows:ident, $F:ty, $dot4:ident, $dot:ident) => {
        #[target_feature(enable = $feat)]
        pub unsafe fn $rows(
            a: *const $F,
            lda: usize,
            x: *const $F,
            k: usize,
            y: *mut $F,
            m: usize,
        ) {
            let h = m / STREAMS;
            for i in 0..h {
                let r = [i, h + i, 2 * h + i, 3 * h + i];
                let s = $dot4(r.map(|r| a.add(r * lda)), x, k);
                for q in 0..STREAMS {
                    *y.add(r[q]) = s[q];
                }
            }
            for r in STREAMS * h..m {
                *y.add(r) = $dot(a.add(r * lda), x, k);
            }
        }
    };
}

/// `$dot` (one dot product) and `$dot2` (two read together, each with
/// `$dot`'s bits: the same chunks into the same accumulators, the
/// chunks of the two taken in turn while both have some) from one
/// type's accumulators, chunk step and lane tree, compiled with the
/// target features `$feat` (AVX2's and AVX-512's modules).
macro_rules! dot_loops {
    ($feat:literal, $F:ty, $dot:ident, $dot2:ident, $dot4:ident, $zero:expr, $step:ident, $lanes:ident) => {
        #[inline]
        #[target_feature(enable = $feat)]
        pub unsafe fn $dot(a: *const $F, b: *const $F, n: usize) -> $F {
            let mut acc = $zero;
            let full = n / 16 * 16;
            let mut i = 0;
            while i < full {
                $step(&mut acc, a.add(i), b.add(i));
                i += 16;
            }
            tail($lanes(acc), a, b, full, n)
        }

        #[target_feature(enable = $feat)]
        pub unsafe fn $dot2(
            a0: *const $F,
            b0: *const $F,
            n0: usize,
            a1: *const $F,
            b1: *const $F,
            n1: usize,
        ) -> ($F, $F) {
            let (mut s0, mut s1) = ($zero, $zero);
            let (f0, f1) = (n0 / 16 * 16, n1 / 16 * 16);
            let mut i = 0;
            while i < f0.min(f1) {
                $step(&mut s0, a0.add(i), b0.add(i));
                $step(&mut s1, a1.add(i), b1.add(i));
                i += 16;
            }
            let mut j = i;
            while i < f0 {
                $step(&mut s0, a0.add(i), b0.add(i));
                i += 16;
            }
            while j < f1 {
                $step(&mut s1, a1.add(j), b1.add(j));
                j += 16;
            }
            (
                tail($lanes(s0), a0, b0, f0, n0),
                tail($lanes(s1), a1, b1, f1, n1),
            )
        }

        /// Four rows dotted with one `b` at once, each with `$dot`'s
        /// bits: the same chunks into its own accumulators, the rows'
        /// chunks taken in turn (four streams read together, each
        /// chunk of `b` loaded once for the four).
        #[inline]
        #[target_feature(enable = $feat)]
        pub unsafe fn $dot4(a: [*const $F; 4], b: *const $F, n: usize) -> [$F; 4] {
            let mut acc = [$zero; 4];
            let full = n / 16 * 16;
            let mut i = 0;
            while i < full {
                for (s, a) in acc.iter_mut().zip(a) {
                    $step(s, a.add(i), b.add(i));
                }
                i += 16;
            }
            let mut out = [<$F>::default(); 4];
            for ((o, s), a) in out.iter_mut().zip(acc).zip(a) {
                *o = tail($lanes(s), a, b, full, n);
            }
            out
        }
    };
}
mod avx2 {
    use super::*;
    row_loops!("avx2");

    /// The halving tree over eight float32 lanes (j + 4, j + 2, j + 1).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn hsum_f32(s8: __m256) -> f32 {
        let s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps::<1>(s8));
        let s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
        _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)))
    }

    /// The halving tree over four float64 lanes (j + 2, j + 1).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn hsum_f64(s4: __m256d) -> f64 {
        let s2 = _mm_add_pd(_mm256_castpd256_pd128(s4), _mm256_extractf128_pd::<1>(s4));
        _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)))
    }

    /// `$name`: one 16-element chunk of `a·b` added into `$n` accumulators
    /// of `$w` lanes (lane j of accumulator q holds elements 16i + w·q + j).
    macro_rules! chunk_step {
        ($name:ident, $V:ty, $F:ty, $n:literal, $w:literal, $load:ident, $mul:ident, $add:ident) => {
            #[inline]
            #[target_feature(enable = "avx2")]
            unsafe fn $name(acc: &mut [$V; $n], a: *const $F, b: *const $F) {
                for (q, v) in acc.iter_mut().enumerate() {
                    let p = $w * q;
                    *v = $add(*v, $mul($load(a.add(p)), $load(b.add(p))));
                }
            }
        };
    }
    // float32: two `ymm` (lanes 0-7, 8-15); float64: four (0-3 .. 12-15)
    chunk_step!(
        step_f32,
        __m256,
        f32,
        2,
        8,
        _mm256_loadu_ps,
        _mm256_mul_ps,
        _mm256_add_ps
    );
    chunk_step!(
        step_f64,
        __m256d,
        f64,
        4,
        4,
        _mm256_loadu_pd,
        _mm256_mul_pd,
        _mm256_add_pd
    );

    /// The lane tree of [`step_f32`]'s accumulators.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn lanes_f32(acc: [__m256; 2]) -> f32 {
        hsum_f32(_mm256_add_ps(acc[0], acc[1]))
    }

    /// The lane tree of [`step_f64`]'s accumulators (w = 8: lanes j and
    /// j + 8 first).
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn lanes_f64(acc: [__m256d; 4]) -> f64 {
        let (s0, s1) = (_mm256_add_pd(acc[0], acc[2]), _mm256_add_pd(acc[1], acc[3]));
        hsum_f64(_mm256_add_pd(s0, s1))
    }

    dot_loops!(
        "avx2",
        f32,
        dot_f32,
        dot2_f32,
        dot4_f32,
        [_mm256_setzero_ps(); 2],
        step_f32,
        lanes_f32
    );
    dot_loops!(
        "avx2",
        f64,
        dot_f64,
        dot2_f64,
        dot4_f64,
        [_mm256_setzero_pd(); 4],
        step_f64,
        lanes_f64
    );
}

/// Needs Rust 1.89 (the AVX-512 intrinsics' stabilization; `build.rs`
/// sets `raptors_avx512`), hence the allowance below the crate's MSRV.
///
/// The same loops as AVX2's (`dot_loops!`: one dot, two and four read
/// together) over `zmm` accumulators: float32's sixteen lanes in one,
/// float64's in two (lanes 0-7, 8-15). Until the twenty-second session
/// this level read two dots, and a row loop's four rows, one after the
/// other: on a 2-core Xeon (AVX-512) the AVX2 level, whose kernels read
/// them together, was faster at streaming sizes (100000 x 384 float32
/// matrix-vector 5.2-5.6 ms against 5.9-6.8; a 10^7 float64 dot 5.2-5.5
/// against 5.5-6.4; alternating processes, Deno and Bun).
#[cfg(raptors_avx512)]
#[allow(clippy::incompatible_msrv)]
mod avx512 {
    use super::*;
    row_loops!("avx512f,avx512dq");

    /// One 16-element chunk of `a·b` added into the single accumulator.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    unsafe fn step_f32(acc: &mut [__m512; 1], a: *const f32, b: *const f32) {
        acc[0] = _mm512_add_ps(
            acc[0],
            _mm512_mul_ps(_mm512_loadu_ps(a), _mm512_loadu_ps(b)),
        );
    }

    /// One 16-element chunk of `a·b` added into lanes 0-7 and 8-15.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    unsafe fn step_f64(acc: &mut [__m512d; 2], a: *const f64, b: *const f64) {
        for (q, v) in acc.iter_mut().enumerate() {
            let p = 8 * q;
            *v = _mm512_add_pd(
                *v,
                _mm512_mul_pd(_mm512_loadu_pd(a.add(p)), _mm512_loadu_pd(b.add(p))),
            );
        }
    }

    /// The lane tree of [`step_f32`]'s accumulator (j + 8, then AVX2's).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    unsafe fn lanes_f32(acc: [__m512; 1]) -> f32 {
        let s8 = _mm256_add_ps(
            _mm512_castps512_ps256(acc[0]),
            _mm512_extractf32x8_ps::<1>(acc[0]),
        );
        avx2::hsum_f32(s8)
    }

    /// The lane tree of [`step_f64`]'s accumulators (j + 8, j + 4, then
    /// AVX2's).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq")]
    unsafe fn lanes_f64(acc: [__m512d; 2]) -> f64 {
        let s8 = _mm512_add_pd(acc[0], acc[1]);
        let s4 = _mm256_add_pd(_mm512_castpd512_pd256(s8), _mm512_extractf64x4_pd::<1>(s8));
        avx2::hsum_f64(s4)
    }

    dot_loops!(
        "avx512f,avx512dq",
        f32,
        dot_f32,
        dot2_f32,
        dot4_f32,
        [_mm512_setzero_ps(); 1],
        step_f32,
        lanes_f32
    );
    dot_loops!(
        "avx512f,avx512dq",
        f64,
        dot_f64,
        dot2_f64,
        dot4_f64,
        [_mm512_setzero_pd(); 2],
        step_f64,
        lanes_f64
    );
}
