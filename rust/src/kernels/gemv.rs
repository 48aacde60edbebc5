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
        for i in s..e {
            // SAFETY: row i and y[i] are inside the caller's extents.
            unsafe {
                let row = std::slice::from_raw_parts((ap as *const T).offset(i as isize * lda), k);
                *(yp as *mut T).add(i) = reduce::dot_float_dispatch(row, xs);
            }
        }
    });
}

#[inline(always)]
fn axpy_body<T: Elem>(acc: &mut [T], s: T, row: &[T]) {
    for (y, &v) in acc.iter_mut().zip(row) {
        *y = y.add(s.mul(v));
    }
}
multiversion!(fn axpy<T: Elem>(acc: &mut [T], s: T, row: &[T]) => axpy_body);

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
mod tests {
    use super::*;

    fn naive(m: usize, k: usize, n: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        c
    }

    #[test]
    fn matrix_vector_paths_match_the_definition() {
        for &(m, k) in &[
            (1usize, 1usize),
            (3, 17),
            (300, 64),
            (7, 1000),
            (1, 100_000),
        ] {
            let a: Vec<f64> = (0..m * k).map(|i| ((i * 37) % 101) as f64 / 7.0).collect();
            let x: Vec<f64> = (0..k).map(|i| ((i * 11) % 13) as f64 - 6.0).collect();
            let mut y = vec![0.0; m];
            unsafe { gemv_rows(m, k, a.as_ptr(), k as isize, x.as_ptr(), y.as_mut_ptr()) };
            let want = naive(m, k, 1, &a, &x);
            for (g, w) in y.iter().zip(&want) {
                assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{g} {w}");
            }
        }
        for &(k, n) in &[(1usize, 1usize), (17, 3), (600, 40), (1000, 7)] {
            let b: Vec<f64> = (0..k * n).map(|i| ((i * 29) % 97) as f64 / 5.0).collect();
            let x: Vec<f64> = (0..k).map(|i| ((i * 5) % 9) as f64 - 4.0).collect();
            let mut y = vec![0.0; n];
            unsafe { gevm_rows(k, n, x.as_ptr(), 1, b.as_ptr(), n as isize, y.as_mut_ptr()) };
            let want = naive(1, k, n, &x, &b);
            for (g, w) in y.iter().zip(&want) {
                assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{g} {w}");
            }
        }
    }
}
