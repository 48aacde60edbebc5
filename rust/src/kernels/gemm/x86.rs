//! The hand-written x86_64 micro-kernels of [`super::gemm_into`] (see
//! `super::simd_tile` for when each runs).

/// `$name(kc, (a, ars, acs), b, c, ldc, add)`: `C[i][j] (+)= sum over p <
/// kc of A[i][p] * b[p * 2L + j]` for the MR x 2L tile at `c` (rows `ldc`
/// apart), `A[i][p]` at `a + i * ars + p * acs` (a packed sliver, or rows
/// of A where they lie: packing a 12 x 64 sliver cost about as much as the
/// products of a 10000x64 @ 64x64 float32 matmul that used it). 2 * MR
/// accumulators, one fused multiply-add per element and step in the order
/// of the portable kernel (`acc = fma(a_i, b_j, acc)`, p = 0, 1, ..., kc -
/// 1): the same bits. The sum is formed from zero and then stored, or
/// added to C when `add`.
///
/// Safety of the generated function: the features present; A valid for
/// MR rows of `kc` steps as addressed, `b` for `kc * 2 * L` reads, `c` for
/// the tile's reads and writes (L lanes).
#[cfg(target_arch = "x86_64")]
macro_rules! kernel {
    ($feat:literal, $name:ident, $t:ty, $lanes:expr, $set1:ident, $zero:ident, $load:ident, $fmadd:ident, $add:ident, $store:ident) => {
        #[target_feature(enable = $feat)]
        pub unsafe fn $name(
            kc: usize,
            (a, ars, acs): (*const $t, usize, usize),
            b: *const $t,
            c: *mut $t,
            ldc: usize,
            add: bool,
        ) {
            let mut acc = [[$zero(); 2]; MR];
            let (mut ap, mut bp) = (a, b);
            for _ in 0..kc {
                let b0 = $load(bp);
                let b1 = $load(bp.add($lanes));
                for (i, ci) in acc.iter_mut().enumerate() {
                    let x = $set1(*ap.add(i * ars));
                    ci[0] = $fmadd(x, b0, ci[0]);
                    ci[1] = $fmadd(x, b1, ci[1]);
                }
                ap = ap.add(acs);
                bp = bp.add(2 * $lanes);
            }
            for (i, ci) in acc.iter().enumerate() {
                let row = c.add(ldc * i);
                let (mut v0, mut v1) = (ci[0], ci[1]);
                if add {
                    v0 = $add($load(row), v0);
                    v1 = $add($load(row.add($lanes)), v1);
                }
                $store(row, v0);
                $store(row.add($lanes), v1);
            }
        }
    };
}

/// AVX-512 micro-kernels: 12 rows of A times 2 vectors of B (32 float32 or
/// 16 float64 columns), 24 accumulators of the 32 vector registers. The
/// portable loop compiled for AVX-512 was ~20x slower (see [`micro`]); the
/// explicit kernel keeps the accumulators in registers. Needs Rust 1.89
/// (`build.rs` sets `raptors_avx512`).
#[cfg(all(target_arch = "x86_64", raptors_avx512))]
#[allow(clippy::incompatible_msrv)]
pub mod avx512 {
    use std::arch::x86_64::*;

    /// Rows of A per tile.
    pub const MR: usize = 12;

    kernel!(
        "avx512f",
        f32_12x32,
        f32,
        16,
        _mm512_set1_ps,
        _mm512_setzero_ps,
        _mm512_loadu_ps,
        _mm512_fmadd_ps,
        _mm512_add_ps,
        _mm512_storeu_ps
    );
    kernel!(
        "avx512f",
        f64_12x16,
        f64,
        8,
        _mm512_set1_pd,
        _mm512_setzero_pd,
        _mm512_loadu_pd,
        _mm512_fmadd_pd,
        _mm512_add_pd,
        _mm512_storeu_pd
    );
}

/// AVX2 + FMA micro-kernels: 6 rows of A times 2 vectors of B (16 float32
/// or 8 float64 columns), 12 accumulators of the 16 vector registers, with
/// A read in place where its rows are contiguous (as on AVX-512). Against
/// the portable loop compiled for AVX2 (AMD EPYC, Zen 3, one thread,
/// alternating runs): float32 1024^3 81 -> 87 GFLOP/s (the core's FMA
/// peak is 103), 127^3 66 -> 82, 10000x64 @ 64x64 58 -> 88 (its A was
/// packed); float64 1024^3 39 -> 43.
#[cfg(target_arch = "x86_64")]
pub mod avx2 {
    use std::arch::x86_64::*;

    /// Rows of A per tile.
    pub const MR: usize = 6;

    kernel!(
        "avx2,fma",
        f32_6x16,
        f32,
        8,
        _mm256_set1_ps,
        _mm256_setzero_ps,
        _mm256_loadu_ps,
        _mm256_fmadd_ps,
        _mm256_add_ps,
        _mm256_storeu_ps
    );
    kernel!(
        "avx2,fma",
        f64_6x8,
        f64,
        4,
        _mm256_set1_pd,
        _mm256_setzero_pd,
        _mm256_loadu_pd,
        _mm256_fmadd_pd,
        _mm256_add_pd,
        _mm256_storeu_pd
    );
}
