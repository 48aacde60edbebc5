//! Matrix-vector products: `matmul` with a vector operand, and `dot`.
//!
//! GEMM packs panels of both operands for cache reuse, which a product
//! with one vector side cannot benefit from: every element of the matrix is
//! used once, so the work is one streaming read of it. These paths read the
//! matrix once, in memory order:
//!
//! - `gemv_rows`: y = A x with A's rows contiguous. Each y[i] is the dot
//!   product of row i and x, with the 16-lane pairwise dot of
//!   [`reduce::dot_float`] (no FMA: every SIMD level gives the same bits);
//!   rows are split over threads, which does not change any y[i].
//! - `gevm_rows`: y = x B with B's rows contiguous (x @ M for a C-order M).
//!   Rows of B are added into y scaled by x[p] (axpy), in blocks of
//!   [`BLOCK`] rows summed separately and then added in order, so the
//!   rounding error grows with k / BLOCK + BLOCK instead of k; columns are
//!   split over threads, which does not change any y[j].
use crate::dtype::Elem;
use crate::kernels::reduce;
use crate::multiversion;
use crate::parallel;

/// Rows of B summed per block in [`gevm_rows`].
pub const BLOCK: usize = 256;

/// y (m) = A (m x k) x (k): A's row i starts at `a + i * lda` and is
/// contiguous, x is contiguous.
///
/// # Safety
/// A's m rows of k elements, x's k elements and y's m elements must be
/// valid; y must not overlap A or x.
pub unsafe fn gemv_rows<T: Elem>(
    m: usize,
    k: usize,
    a: *const T,
    lda: isize,
    x: *const T,
    y: *mut T,
) {
    let xs = std::slice::from_raw_parts(x, k);
    if m == 1 {
        // dot: a fixed split into parts, threads only change who runs them
        *y = reduce::dot_float(std::slice::from_raw_parts(a, k), xs);
        return;
    }
    let (ap, yp) = (a as usize, y as usize);
    parallel::for_ranges(m, k.max(1), 1, |s, e| {
        // SAFETY: rows s..e and y[s..e] are inside the caller's extents.
        unsafe {
            let ys = std::slice::from_raw_parts_mut((yp as *mut T).add(s), e - s);
            rows_into((ap as *const T).offset(s as isize * lda), lda, xs, ys);
        }
    });
}

/// `ys[r]` = row r dotted with `xs`, for `ys.len()` rows of `xs.len()`
/// elements starting at `a`, `lda` apart: each row's value depends only on
/// the row and `xs` (not on which rows are computed together), so every
/// caller that splits rows differently gets the same bits.
///
/// # Safety
/// The rows must be readable; `ys` must not overlap them.
unsafe fn rows_into<T: Elem>(a: *const T, lda: isize, xs: &[T], ys: &mut [T]) {
    let (k, rows) = (xs.len(), ys.len());
    if rows == 0 {
        return;
    }
    // float32 feature rows: sixteen rows at a time on AVX-512, eight on
    // AVX2 (the same bits; see rows_grouped)
    let short = lda >= k as isize && k < SHORT_ROW;
    let done = if short {
        rows_grouped(a, lda as usize, xs, ys)
    } else {
        0
    };
    if done == rows {
        return;
    }
    let (a, ys) = (a.offset(done as isize * lda), &mut ys[done..]);
    // float32 rows of 16, 32, 64 or 128 elements: rows_dot's unrolled
    // loops (measured, 10000 x 64 float32: 64-68 -> 28-32 us)
    if short && std::mem::size_of::<T>() == 4 && matches!(k, 16 | 32 | 64 | 128) {
        let len = (ys.len() - 1) * lda as usize + k;
        return rows_dot(std::slice::from_raw_parts(a, len), lda as usize, xs, ys);
    }
    // float32/float64 on x86_64, one row at a time in vector registers
    // (one core, AVX-512: 100000 x 384 float32 6.9 -> 5.0 ms; 10000 x 48
    // 44 -> 32 us; 10000 x 200 245 -> 227 us; float64 and AVX2 the same
    // as rows_dot, four rows at a time)
    #[cfg(target_arch = "x86_64")]
    if lda >= 0 && crate::kernels::dot_simd::rows(a, lda as usize, xs, ys) {
        return;
    }
    if short {
        let len = (ys.len() - 1) * lda as usize + k;
        rows_dot(std::slice::from_raw_parts(a, len), lda as usize, xs, ys);
    } else {
        // long rows stream faster one at a time (100000 x 384: 4.4-4.8 ms
        // against 6.9-7.3 ms four at a time)
        for (i, yi) in ys.iter_mut().enumerate() {
            let row = std::slice::from_raw_parts(a.offset(i as isize * lda), k);
            *yi = reduce::dot_float_dispatch(row, xs);
        }
    }
}

/// The largest small side (vectors) a product goes through [`gemm_dots`]
/// with instead of GEMM, for rows of k elements. Measured (Deno, two
/// threads, A @ Q.T against GEMM): short rows, 16 vectors win (256 x 64
/// float32: 13.7 vs 20.8 us; 100000 x 128: 8.7 vs 12.2 ms at 32, but
/// float64 there loses at 32, 29.5 vs 25.3 ms); rows of 256 or more are
/// dotted one at a time and lose from 16 vectors on (100000 x 384
/// float32: 4 vectors 13.1 vs 31.3 ms, 16: 48 vs 34 ms; 4096 x 1024 at 8:
/// 2.48 vs 2.34 ms).
pub fn dots_max(k: usize) -> usize {
    if k < SHORT_ROW {
        16
    } else {
        8
    }
}

/// Rows of the large operand longer than this (bytes) are not blocked for
/// [`gemm_dots`]: a block would not stay in cache while the vectors pass.
pub const DOTS_ROW_BYTES: usize = 64 << 10;

/// The product of a matrix with a few vectors, as dot products: `out(r, v)`
/// = row r of the large operand (`rows` rows of k elements, `lda` apart,
/// each contiguous) dotted with vector v (`nv` vectors of k elements,
/// element p of vector v at `x + v * xv + p * xp`), written at
/// `c + r * cr + v * cv`.
///
/// This is GEMM with one small side (`A @ Q.T` for a batch of queries
/// Q, m or n at most [`dots_max`]), done the way [`gemv_rows`] does one
/// vector: every output is [`rows_into`]'s dot product of a row and a
/// vector, so a batch of queries gets exactly the bits each query gets
/// alone (`A @ q`). The large operand is read once: in blocks of rows that
/// stay in L1 while the vectors pass over them, blocks split over
/// threads. GEMM, by contrast, packed A and ran a 16-column panel for
/// two columns (100000 x 128 float32 times 2 queries: 9.8 ms against
/// 1.3 ms for one query), and with the large operand on B's side packed
/// all of it (53 ms).
///
/// # Safety
/// Every element named above must be valid; `c`'s must not overlap the
/// inputs.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemm_dots<T: Elem>(
    rows: usize,
    k: usize,
    a: *const T,
    lda: isize,
    nv: usize,
    x: *const T,
    xv: isize,
    xp: isize,
    c: *mut T,
    cr: usize,
    cv: usize,
) {
    // the vectors, contiguous
    let mut xs = vec![T::default(); nv * k];
    for v in 0..nv {
        for p in 0..k {
            xs[v * k + p] = *x.offset(v as isize * xv + p as isize * xp);
        }
    }
    // rows per block: about 16 KiB of the large operand, whole groups of
    // sixteen rows (the AVX-512 kernel's)
    let row_bytes = (k * std::mem::size_of::<T>()).max(1);
    let block = ((16 << 10) / row_bytes / 16 * 16).max(16);
    let (ap, cp, xs) = (a as usize, c as usize, &xs);
    parallel::for_ranges(rows, k.saturating_mul(nv).max(1), 16, |s, e| {
        let mut tmp = vec![T::default(); block.min(e - s)];
        let mut r0 = s;
        while r0 < e {
            let r1 = (r0 + block).min(e);
            let ys = &mut tmp[..r1 - r0];
            for v in 0..nv {
                // SAFETY: rows r0..r1 and outputs (r0..r1, v) are inside
                // the caller's extents.
                unsafe {
                    rows_into(
                        (ap as *const T).offset(r0 as isize * lda),
                        lda,
                        &xs[v * k..v * k + k],
                        ys,
                    );
                    let out = (cp as *mut T).add(v * cv);
                    for (i, &y) in ys.iter().enumerate() {
                        *out.add((r0 + i) * cr) = y;
                    }
                }
            }
            r0 = r1;
        }
    });
}

/// `y[..r]` for the first `r` rows where a multi-row kernel applies:
/// float32 rows of exactly 16, 32, 64 or 128 elements, sixteen rows at a
/// time on a CPU with AVX-512 ([`avx512::rows16_f32`]), eight with AVX2
/// ([`avx2::rows8_f32`]). Returns `r`, a multiple of the group (possibly
/// 0).
///
/// # Safety
/// `y.len()` rows of `x.len()` elements, `lda` apart, readable from `a`.
#[allow(unused_variables)]
unsafe fn rows_grouped<T: Elem>(a: *const T, lda: usize, x: &[T], y: &mut [T]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::dtype::DType;
        use crate::simd::{level, Level};
        let lv = level();
        if T::DTYPE != DType::Float32 || lv == Level::Baseline {
            return 0;
        }
        // (a compiler without the AVX-512 intrinsics runs the AVX2 kernel)
        let wide = cfg!(raptors_avx512) && lv == Level::Avx512;
        let group = if wide { 16 } else { 8 };
        let m = y.len() / group * group;
        let (af, xf, yf) = (
            a as *const f32,
            x.as_ptr() as *const f32,
            y.as_mut_ptr() as *mut f32,
        );
        // the kernel `$m::$k` with the row's chunk count
        macro_rules! by_len {
            ($m:ident :: $k:ident) => {
                match x.len() {
                    16 => $m::$k::<1>(af, lda, xf, yf, m),
                    32 => $m::$k::<2>(af, lda, xf, yf, m),
                    64 => $m::$k::<4>(af, lda, xf, yf, m),
                    128 => $m::$k::<8>(af, lda, xf, yf, m),
                    _ => return 0,
                }
            };
        }
        // SAFETY: T is f32 (checked above), the level detected on this
        // CPU, extents per the caller's contract.
        if m == 0 {
            return 0;
        } else if !wide {
            by_len!(avx2::rows8_f32)
        } else {
            #[cfg(raptors_avx512)]
            by_len!(avx512::rows16_f32)
        }
        m
    }
    #[cfg(not(target_arch = "x86_64"))]
    0
}

/// Eight float32 rows of `16 * NC` elements against x in AVX2 registers,
/// for CPUs without AVX-512 (measured on an AMD EPYC, Zen 3: 10000 x 64
/// float32 took 127-129 us through [`rows_dot`], whose 16-lane arrays
/// LLVM compiles to two-lane pieces; see [`dot_simd`]). Each row keeps
/// its 16 lanes in two `ymm` accumulators (`acc += row chunk * x chunk`,
/// a multiply then an add, chunks in order), four rows at a time; then
/// the levels of [`reduce::lane_tree`] (lanes j and j + w added, w = 8,
/// 4, 2, 1) run across rows: w = 8 adds a row's two halves, w = 4 pairs
/// the 128-bit halves of two rows, w = 2 pairs 64-bit quarters of four
/// rows, and w = 1 is one horizontal add over eight rows. Every addition
/// is the tree's, lower lane first: the same bits as one row at a time.
/// One exception, undone at the end: an accumulator starts as its first
/// product instead of 0 + product (an add saved per lane chain, a fifth
/// of the adds at 64 elements). The two differ only where the product is
/// -0 (0 + -0 is +0), and through every later addition a value then
/// stays either equal or -0 against +0; the portable sum is never -0
/// (it starts at +0, and exact cancellation gives +0), so adding +0 to
/// each result restores its bits.
///
/// [`dot_simd`]: crate::kernels::dot_simd
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    /// Rows `i..i + 4` reduced to the tree's w = 2 level: 128-bit half 0
    /// holds rows i and i + 2 (two partial sums each), half 1 rows i + 1
    /// and i + 3.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn four<const NC: usize>(a: *const f32, lda: usize, x: *const f32) -> __m256 {
        // the first chunk's products stand for 0 + product (they differ
        // only where the product is -0; see rows8_f32)
        let (xl, xh) = (_mm256_loadu_ps(x), _mm256_loadu_ps(x.add(8)));
        let mut lo = [_mm256_setzero_ps(); 4];
        let mut hi = [_mm256_setzero_ps(); 4];
        for r in 0..4 {
            let p = a.add(r * lda);
            lo[r] = _mm256_mul_ps(_mm256_loadu_ps(p), xl);
            hi[r] = _mm256_mul_ps(_mm256_loadu_ps(p.add(8)), xh);
        }
        for c in 1..NC {
            let (xl, xh) = (
                _mm256_loadu_ps(x.add(16 * c)),
                _mm256_loadu_ps(x.add(16 * c + 8)),
            );
            for r in 0..4 {
                let p = a.add(r * lda + 16 * c);
                lo[r] = _mm256_add_ps(lo[r], _mm256_mul_ps(_mm256_loadu_ps(p), xl));
                hi[r] = _mm256_add_ps(hi[r], _mm256_mul_ps(_mm256_loadu_ps(p.add(8)), xh));
            }
        }
        // w = 8: lanes j and j + 8 of each row
        let s: [__m256; 4] = [
            _mm256_add_ps(lo[0], hi[0]),
            _mm256_add_ps(lo[1], hi[1]),
            _mm256_add_ps(lo[2], hi[2]),
            _mm256_add_ps(lo[3], hi[3]),
        ];
        // w = 4: [row r lanes 0-3 | row r + 1 lanes 0-3]
        let t01 = _mm256_add_ps(
            _mm256_permute2f128_ps::<0x20>(s[0], s[1]),
            _mm256_permute2f128_ps::<0x31>(s[0], s[1]),
        );
        let t23 = _mm256_add_ps(
            _mm256_permute2f128_ps::<0x20>(s[2], s[3]),
            _mm256_permute2f128_ps::<0x31>(s[2], s[3]),
        );
        // w = 2: per half, [t01 lanes 0, 1 | t23 lanes 0, 1] + [lanes 2, 3]
        _mm256_add_ps(
            _mm256_shuffle_ps::<0x44>(t01, t23),
            _mm256_shuffle_ps::<0xEE>(t01, t23),
        )
    }

    /// # Safety
    /// AVX2 present; rows `0..m` (a multiple of 8) of `16 * NC` floats
    /// `lda` apart readable from `a`; x has `16 * NC` floats, y `m`.
    #[target_feature(enable = "avx2")]
    pub unsafe fn rows8_f32<const NC: usize>(
        a: *const f32,
        lda: usize,
        x: *const f32,
        y: *mut f32,
        m: usize,
    ) {
        // after the w = 1 add, half 0 holds rows 0, 2, 4, 6 and half 1
        // rows 1, 3, 5, 7
        let order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        let mut i = 0;
        while i < m {
            let u = four::<NC>(a.add(i * lda), lda, x);
            let v = four::<NC>(a.add((i + 4) * lda), lda, x);
            // + 0: see the doc above
            let sums = _mm256_add_ps(_mm256_hadd_ps(u, v), _mm256_setzero_ps());
            _mm256_storeu_ps(y.add(i), _mm256_permutevar8x32_ps(sums, order));
            i += 8;
        }
    }
}

/// Sixteen float32 rows of `16 * NC` elements against x, in AVX-512
/// registers: sixteen 16-lane accumulators (`acc += row chunk * x chunk`,
/// a multiply then an add, chunks in order, as [`reduce::dot_float`]),
/// then every row's [`reduce::lane_tree`] done for all sixteen rows at
/// once: each level of the tree (lanes j and j + w added, w = 8, 4, 2, 1)
/// is one vector add over rows paired up by shuffles, so the additions
/// are exactly the tree's, with the same operands: the same bits as one
/// row at a time. The row-by-row tree cost 8 dependent shuffles and adds
/// per row; here it is 15 adds per 16 rows. Needs Rust 1.89 (the
/// intrinsics' stabilization; `build.rs` sets `raptors_avx512`), hence
/// the allowance below the crate's MSRV, which the wasm build sets.
#[cfg(all(target_arch = "x86_64", raptors_avx512))]
#[allow(clippy::incompatible_msrv)]
mod avx512 {
    use std::arch::x86_64::*;

    /// # Safety
    /// AVX-512F present; rows `0..m` (a multiple of 16) of `16 * NC`
    /// floats `lda` apart readable from `a`; x has `16 * NC` floats, y `m`.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn rows16_f32<const NC: usize>(
        a: *const f32,
        lda: usize,
        x: *const f32,
        y: *mut f32,
        m: usize,
    ) {
        let mut xv = [_mm512_setzero_ps(); NC];
        for (c, v) in xv.iter_mut().enumerate() {
            *v = _mm512_loadu_ps(x.add(16 * c));
        }
        // result lane 4L + t holds row 4t + L (see the last level)
        let order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
        let mut i = 0;
        while i < m {
            let mut acc = [_mm512_setzero_ps(); 16];
            for (c, xc) in xv.iter().enumerate() {
                for (r, ar) in acc.iter_mut().enumerate() {
                    let v = _mm512_loadu_ps(a.add((i + r) * lda + 16 * c));
                    *ar = _mm512_add_ps(*ar, _mm512_mul_ps(v, *xc));
                }
            }
            // w = 8: rows 2p, 2p + 1 -> [row 2p (8), row 2p + 1 (8)]
            let mut v1 = [_mm512_setzero_ps(); 8];
            for (p, v) in v1.iter_mut().enumerate() {
                let (r0, r1) = (acc[2 * p], acc[2 * p + 1]);
                let lo = _mm512_shuffle_f32x4::<0x44>(r0, r1);
                let hi = _mm512_shuffle_f32x4::<0xEE>(r0, r1);
                *v = _mm512_add_ps(lo, hi);
            }
            // w = 4: 128-bit lane L of v2[q] is row 4q + L (4 partials)
            let mut v2 = [_mm512_setzero_ps(); 4];
            for (q, v) in v2.iter_mut().enumerate() {
                let (u0, u1) = (v1[2 * q], v1[2 * q + 1]);
                let lo = _mm512_shuffle_f32x4::<0x88>(u0, u1);
                let hi = _mm512_shuffle_f32x4::<0xDD>(u0, u1);
                *v = _mm512_add_ps(lo, hi);
            }
            // w = 2: lane L of v3[s] holds rows 8s + L and 8s + 4 + L (2 each)
            let mut v3 = [_mm512_setzero_ps(); 2];
            for (t, v) in v3.iter_mut().enumerate() {
                let (u0, u1) = (v2[2 * t], v2[2 * t + 1]);
                let lo = _mm512_shuffle_ps::<0x44>(u0, u1);
                let hi = _mm512_shuffle_ps::<0xEE>(u0, u1);
                *v = _mm512_add_ps(lo, hi);
            }
            // w = 1: lane L holds rows L, 4 + L, 8 + L, 12 + L
            let lo = _mm512_shuffle_ps::<0x88>(v3[0], v3[1]);
            let hi = _mm512_shuffle_ps::<0xDD>(v3[0], v3[1]);
            let sums = _mm512_add_ps(lo, hi);
            _mm512_storeu_ps(y.add(i), _mm512_permutexvar_ps(order, sums));
            i += 16;
        }
    }
}

/// `y[i]` = the dot of row i (`a[i * lda..][..k]`, `k = x.len()`) with
/// `x`, for `y.len()` rows, four rows at a time: each row's sum is
/// [`reduce::dot_float`]'s 16-lane pairwise dot, in its exact order of
/// operations (the same bits as one row at a time), but four independent
/// chains of additions run side by side instead of one latency-bound
/// chain, and the instruction set is chosen once per range, not per row.
#[inline(always)]
fn rows_dot_body<T: Elem>(a: &[T], lda: usize, x: &[T], y: &mut [T]) {
    // float32 rows of exactly 16, 32, 64 or 128 elements (feature rows):
    // the same operations with the chunk count known, so the loops unroll
    // and the bounds are checked once per row (10000 x 64 float32: see
    // gemv_rows). Not for float64: four rows of 16 f64 accumulators plus
    // the unrolled x chunks outgrow the vector registers, and 32 x 64
    // float64 took 1.1-1.4 us against 0.55-0.72 us in the loop below.
    if std::mem::size_of::<T>() != 4 {
        return rows_dot_general(a, lda, x, y);
    }
    match x.len() {
        16 => return rows_dot_fixed::<T, 1>(a, lda, x, y),
        32 => return rows_dot_fixed::<T, 2>(a, lda, x, y),
        64 => return rows_dot_fixed::<T, 4>(a, lda, x, y),
        128 => return rows_dot_fixed::<T, 8>(a, lda, x, y),
        _ => {}
    }
    rows_dot_general(a, lda, x, y)
}

/// [`rows_dot_body`] for any row length: 16-lane chunks, then the tail.
#[inline(always)]
fn rows_dot_general<T: Elem>(a: &[T], lda: usize, x: &[T], y: &mut [T]) {
    const L: usize = reduce::LANES;
    let (k, m) = (x.len(), y.len());
    let full = k / L * L;
    let xf = &x[..full];
    let row = |i: usize| &a[i * lda..i * lda + k];
    let finish = |acc: &mut [T; L], r: &[T]| -> T {
        let mut s = reduce::lane_tree(acc);
        for (&u, &v) in r[full..].iter().zip(&x[full..]) {
            s = s.add(u.mul(v));
        }
        s
    };
    let mut i = 0;
    while i + 4 <= m {
        let (r0, r1, r2, r3) = (row(i), row(i + 1), row(i + 2), row(i + 3));
        let (f0, f1, f2, f3) = (&r0[..full], &r1[..full], &r2[..full], &r3[..full]);
        let mut acc = [[T::default(); L]; 4];
        let mut c = 0;
        while c < full {
            let xc = &xf[c..c + L];
            let (c0, c1, c2, c3) = (&f0[c..c + L], &f1[c..c + L], &f2[c..c + L], &f3[c..c + L]);
            for j in 0..L {
                acc[0][j] = acc[0][j].add(c0[j].mul(xc[j]));
                acc[1][j] = acc[1][j].add(c1[j].mul(xc[j]));
                acc[2][j] = acc[2][j].add(c2[j].mul(xc[j]));
                acc[3][j] = acc[3][j].add(c3[j].mul(xc[j]));
            }
            c += L;
        }
        y[i] = finish(&mut acc[0], r0);
        y[i + 1] = finish(&mut acc[1], r1);
        y[i + 2] = finish(&mut acc[2], r2);
        y[i + 3] = finish(&mut acc[3], r3);
        i += 4;
    }
    while i < m {
        let r = row(i);
        let mut acc = [T::default(); L];
        let mut c = 0;
        while c < full {
            let (rc, xc) = (&r[c..c + L], &xf[c..c + L]);
            for j in 0..L {
                acc[j] = acc[j].add(rc[j].mul(xc[j]));
            }
            c += L;
        }
        y[i] = finish(&mut acc, r);
        i += 1;
    }
}
/// [`rows_dot_body`] for rows of exactly `NC` chunks of 16 elements (no
/// tail): each row's sum is the same 16-lane chain over the chunks in
/// order, then [`reduce::lane_tree`].
#[inline(always)]
fn rows_dot_fixed<T: Elem, const NC: usize>(a: &[T], lda: usize, x: &[T], y: &mut [T]) {
    const L: usize = reduce::LANES;
    let mut xv = [[T::default(); L]; NC];
    for (c, xc) in xv.iter_mut().enumerate() {
        xc.copy_from_slice(&x[c * L..c * L + L]);
    }
    let row = |i: usize| &a[i * lda..i * lda + NC * L];
    #[inline(always)]
    fn chunk<T: Elem>(acc: &mut [T; 16], r: &[T], xc: &[T; 16]) {
        for j in 0..16 {
            acc[j] = acc[j].add(r[j].mul(xc[j]));
        }
    }
    let m = y.len();
    let mut i = 0;
    while i + 4 <= m {
        let rs = [row(i), row(i + 1), row(i + 2), row(i + 3)];
        let mut acc = [[T::default(); L]; 4];
        for (c, xc) in xv.iter().enumerate() {
            for (ar, r) in acc.iter_mut().zip(rs) {
                chunk(ar, &r[c * L..c * L + L], xc);
            }
        }
        for (r, ar) in acc.iter_mut().enumerate() {
            y[i + r] = reduce::lane_tree(ar);
        }
        i += 4;
    }
    while i < m {
        let r = row(i);
        let mut acc = [T::default(); L];
        for (c, xc) in xv.iter().enumerate() {
            chunk(&mut acc, &r[c * L..c * L + L], xc);
        }
        y[i] = reduce::lane_tree(&mut acc);
        i += 1;
    }
}
multiversion!(fn rows_dot<T: Elem>(a: &[T], lda: usize, x: &[T], y: &mut [T]) => rows_dot_body);

#[inline(always)]
fn axpy_body<T: Elem>(acc: &mut [T], s: T, row: &[T]) {
    for (y, &v) in acc.iter_mut().zip(row) {
        *y = y.add(s.mul(v));
    }
}
multiversion!(fn axpy<T: Elem>(acc: &mut [T], s: T, row: &[T]) => axpy_body);

/// Whole blocks [`gevm_rows`] reads at the same time: one block after
/// another is one sequential stream per thread, which read a matrix that
/// does not fit in the caches at ~0.8x of a two-stream dot's rate (see
/// `dot_simd::STREAMS`, where four streams measured best).
const BLOCK_STREAMS: usize = 4;

/// `blk += xs[r] * row r` for `sums.len() / n` consecutive blocks (block
/// q's sums at `sums[q * n..]`, its multipliers at `xs[q * BLOCK..]`, its
/// rows from `rows[q * BLOCK * ldb..]`, row p at `rows[p * ldb..][..n]`;
/// the last block may be partial, `xs` ends where the rows do). Each
/// block's rows are added in order into its own sums, so every block gets
/// the bits [`axpy`] row after row gives it. [`BLOCK_STREAMS`] whole
/// blocks are read together, a column chunk of each of the four rows in
/// turn (four streams in flight, as `dot_simd`'s four-row kernel); fewer
/// blocks, row r of each in turn.
#[inline(always)]
fn blocks_axpy_body<T: Elem>(sums: &mut [T], n: usize, xs: &[T], rows: &[T], ldb: usize) {
    let g = sums.len() / n;
    if g == BLOCK_STREAMS && xs.len() == BLOCK_STREAMS * BLOCK {
        let (s0, rest) = sums.split_at_mut(n);
        let (s1, rest) = rest.split_at_mut(n);
        let (s2, s3) = rest.split_at_mut(n);
        let s3 = &mut s3[..n];
        for r in 0..BLOCK {
            let row = |q: usize| &rows[(q * BLOCK + r) * ldb..][..n];
            let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3));
            let x = |q: usize| xs[q * BLOCK + r];
            let (x0, x1, x2, x3) = (x(0), x(1), x(2), x(3));
            for j in 0..n {
                s0[j] = s0[j].add(x0.mul(r0[j]));
                s1[j] = s1[j].add(x1.mul(r1[j]));
                s2[j] = s2[j].add(x2.mul(r2[j]));
                s3[j] = s3[j].add(x3.mul(r3[j]));
            }
        }
        return;
    }
    for r in 0..BLOCK {
        for (q, blk) in sums.chunks_exact_mut(n).take(g).enumerate() {
            let p = q * BLOCK + r;
            if p >= xs.len() {
                break;
            }
            axpy_body(blk, xs[p], &rows[p * ldb..p * ldb + n]);
        }
    }
}
multiversion!(fn blocks_axpy<T: Elem>(sums: &mut [T], n: usize, xs: &[T], rows: &[T], ldb: usize) => blocks_axpy_body);

/// Rows shorter than this are dotted four at a time in [`gemv_rows`].
const SHORT_ROW: usize = 256;

/// The most memory the block sums of the row-split [`gevm_rows`] may take.
const SUMS_MAX_BYTES: usize = 16 << 20;

#[inline(always)]
fn add_into_body<T: Elem>(acc: &mut [T], x: &[T]) {
    for (y, &v) in acc.iter_mut().zip(x) {
        *y = y.add(v);
    }
}
multiversion!(fn add_into<T: Elem>(acc: &mut [T], x: &[T]) => add_into_body);

/// y (n) = x (k) B (k x n): x's element p at `x + p * incx`, B's row p
/// starts at `b + p * ldb` and is contiguous.
///
/// # Safety
/// x's k elements, B's k rows of n elements and y's n elements must be
/// valid; y must not overlap x or B.
pub unsafe fn gevm_rows<T: Elem>(
    k: usize,
    n: usize,
    x: *const T,
    incx: isize,
    b: *const T,
    ldb: isize,
    y: *mut T,
) {
    let (xp, bp, yp) = (x as usize, b as usize, y as usize);
    let nblocks = (k + BLOCK - 1) / BLOCK;
    let threads = parallel::num_threads();
    if threads > 1
        && nblocks >= 2 * threads
        && ldb >= n as isize
        && nblocks
            .saturating_mul(n)
            .saturating_mul(std::mem::size_of::<T>())
            <= SUMS_MAX_BYTES
    {
        // rows over threads: each block of BLOCK rows summed on its own,
        // then the block sums added in order (the same bits as below:
        // the same blocks, each from zero, added into y in block order)
        let mut sums = vec![T::default(); nblocks * n];
        let sp = sums.as_mut_ptr() as usize;
        parallel::for_ranges(nblocks, BLOCK * n, 1, |b0, b1| {
            let mut xs = [T::default(); BLOCK_STREAMS * BLOCK];
            let mut bi = b0;
            while bi < b1 {
                // up to BLOCK_STREAMS blocks at once (the last may be partial)
                let g = BLOCK_STREAMS.min(b1 - bi);
                let (p0, p1) = (bi * BLOCK, ((bi + g) * BLOCK).min(k));
                for (j, p) in (p0..p1).enumerate() {
                    // SAFETY: x[p] is inside the caller's extents.
                    xs[j] = unsafe { *(xp as *const T).offset(p as isize * incx) };
                }
                // SAFETY: rows p0..p1 of B, and the sums of blocks
                // bi..bi + g (owned by this task alone), are in bounds.
                unsafe {
                    let rows = std::slice::from_raw_parts(
                        (bp as *const T).offset(p0 as isize * ldb),
                        (p1 - p0 - 1) * ldb as usize + n,
                    );
                    let blks = std::slice::from_raw_parts_mut((sp as *mut T).add(bi * n), g * n);
                    blocks_axpy(blks, n, &xs[..p1 - p0], rows, ldb as usize);
                }
                bi += g;
            }
        });
        let sums = &sums;
        parallel::for_ranges(n, nblocks, 16, |s, e| {
            let mut acc = vec![T::default(); e - s];
            for bi in 0..nblocks {
                add_into(&mut acc, &sums[bi * n + s..bi * n + e]);
            }
            // SAFETY: y's columns s..e are the caller's.
            unsafe { std::ptr::copy_nonoverlapping(acc.as_ptr(), (yp as *mut T).add(s), e - s) };
        });
        return;
    }
    // columns in multiples of 16 per part, so SIMD lanes stay whole
    parallel::for_ranges(n, k.max(1), 16, |s, e| {
        let w = e - s;
        let mut acc = vec![T::default(); w];
        let mut blk = vec![T::default(); w];
        let mut p0 = 0;
        while p0 < k {
            let p1 = (p0 + BLOCK).min(k);
            blk.fill(T::default());
            for p in p0..p1 {
                // SAFETY: x[p] and row p's columns s..e are inside the
                // caller's extents.
                unsafe {
                    let xv = *(xp as *const T).offset(p as isize * incx);
                    let row = std::slice::from_raw_parts(
                        (bp as *const T).offset(p as isize * ldb).add(s),
                        w,
                    );
                    axpy(&mut blk, xv, row);
                }
            }
            add_into(&mut acc, &blk);
            p0 = p1;
        }
        // SAFETY: y's columns s..e are the caller's.
        unsafe { std::ptr::copy_nonoverlapping(acc.as_ptr(), (yp as *mut T).add(s), w) };
    });
}

#[cfg(test)]
mod tests;
