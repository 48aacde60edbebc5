//! Dense linear algebra on row-major square matrices: blocked LU with
//! partial pivoting (the trailing update is one GEMM per block, so large
//! matrices run at GEMM speed), solves with it, determinants, and the
//! Cholesky factorization.

use super::gemm::{gemm_into, Mat, Update};
use super::reduce::dot_float_dispatch;
use crate::dtype::Float;
use crate::error::{Error, Result};

/// Status of a singular or indefinite matrix (NumPy's `LinAlgError`).
pub const LINALG: i32 = 11;

/// Panel width of the blocked LU.
const NB: usize = 48;

fn abs<T: Float>(v: T) -> T {
    if v < T::default() {
        v.neg()
    } else {
        v
    }
}

/// The trailing update after the block step `k0..k1` of an n x n
/// factorization: `A22 -= L21 U12` (LU), or `A22 -= L21 L21ᵀ`
/// (`cholesky`: only A22's lower triangle is read afterwards, and the
/// upper one is zeroed at the end), where A22 = `a[k1.., k1..]`, L21 =
/// `a[k1.., k0..k1]` and U12 = `a[k0..k1, k1..]`. GEMM straight into
/// A22 ([`Update::Sub`]): with k <= 256 each element is `c - (a · b)`
/// rounded once, the bits of a product into a temporary subtracted
/// afterwards, without the temporary's zeroing and a second pass.
///
/// Cholesky updates the lower trapezoid only, a block of [`TRAPEZOID`]
/// columns at a time from its diagonal down: the square would do twice
/// the arithmetic. Each element is still one GEMM element (same k, same
/// order), so the bits do not depend on the blocking.
fn update_trailing<T: Float>(a: &mut [T], n: usize, (k0, k1): (usize, usize), cholesky: bool) {
    let p = a.as_mut_ptr();
    let (m, kk) = (n - k1, k1 - k0);
    // SAFETY: the three blocks are inside `a`, and A22 is disjoint from
    // L21 and U12
    unsafe {
        let l21 = p.add(k1 * n + k0);
        if cholesky {
            for c0 in (0..m).step_by(TRAPEZOID) {
                let w = TRAPEZOID.min(m - c0);
                // rows c0.. of A22's columns c0..c0+w: L21[c0..] L21[c0..c0+w]ᵀ
                let rows = Mat::rows(l21.add(c0 * n), n);
                let c = (p.add((k1 + c0) * n + k1 + c0), n, Update::Sub);
                gemm_into(m - c0, w, kk, rows, Mat::cols(l21.add(c0 * n), n), c);
            }
            return;
        }
        let c = (p.add(k1 * n + k1), n, Update::Sub);
        gemm_into(
            m,
            m,
            kk,
            Mat::rows(l21, n),
            Mat::rows(p.add(k0 * n + k1), n),
            c,
        );
    }
}

/// Column block of the Cholesky trailing update (see [`update_trailing`]).
const TRAPEZOID: usize = 128;

/// Unblocked LU of the panel `a[k0.., k0..k1]` (rows k0..n), into `c`
/// (scratch of at least (n - k0)(k1 - k0) elements). Returns false if a
/// zero pivot was met (the matrix is singular).
///
/// The panel is factored in a column-major copy, left-looking: column j
/// takes the earlier pivots' swaps and the earlier columns' updates (four
/// at a time in one pass down the column, which stays in L1), then its own
/// pivot. Each element still sees the right-looking row-wise loop's
/// operations in the same order (`x - l·u`, one rounding each, k
/// ascending), so the factors have the same bits; on the rows of `a` every
/// step touched a cache line or two per row for a loop of under NB
/// elements. The row swaps are then applied to the columns outside the
/// panel, in order. Compiled per SIMD level ([`crate::multiversion!`]; no
/// FMA contraction, so the bits do not depend on the level).
#[inline(always)]
fn panel_body<T: Float>(
    a: &mut [T],
    n: usize,
    k0: usize,
    k1: usize,
    piv: &mut [usize],
    c: &mut [T],
) -> bool {
    let (m, w) = (n - k0, k1 - k0);
    let c = &mut c[..m * w];
    transpose_panel(a, n, (k0, k1), c, true);
    let mut regular = true;
    for j in 0..w {
        let (done, rest) = c.split_at_mut(j * m);
        let col = &mut rest[..m];
        // the earlier pivots' row swaps, in order
        for k in 0..j {
            let p = piv[k0 + k] - k0;
            if p != k {
                col.swap(k, p);
            }
        }
        // the earlier columns' updates, in order: rows k+1.. minus l_k u_kj
        // a zero pivot's column updates nothing (as the row-wise loop
        // skipped it); a finished column's pivot stays on its diagonal
        let zero = |t: usize| done[t * m + t] == T::default();
        let mut k = 0;
        while k < j {
            let l = |t: usize| &done[t * m..(t + 1) * m];
            if k + 4 <= j && !(k..k + 4).any(zero) {
                // rows k+1..k+3 first (they hold u for the next updates),
                // then the rest with the four updates in one pass
                for r in 1..4 {
                    for t in k..k + r {
                        col[k + r] = col[k + r].sub(l(t)[k + r].mul(col[t]));
                    }
                }
                let (u0, u1, u2, u3) = (col[k], col[k + 1], col[k + 2], col[k + 3]);
                let rows = k + 4..m;
                let (l0, l1, l2, l3) = (
                    &l(k)[rows.clone()],
                    &l(k + 1)[rows.clone()],
                    &l(k + 2)[rows.clone()],
                    &l(k + 3)[rows.clone()],
                );
                for (i, x) in col[rows].iter_mut().enumerate() {
                    let v = x.sub(l0[i].mul(u0));
                    let v = v.sub(l1[i].mul(u1));
                    let v = v.sub(l2[i].mul(u2));
                    *x = v.sub(l3[i].mul(u3));
                }
                k += 4;
                continue;
            }
            if !zero(k) {
                let u = col[k];
                for (x, &lk) in col[k + 1..].iter_mut().zip(&l(k)[k + 1..]) {
                    *x = x.sub(lk.mul(u));
                }
            }
            k += 1;
        }
        // pivot: the largest magnitude at or below the diagonal
        let mut p = j;
        let mut best = abs(col[j]);
        for (i, &x) in col.iter().enumerate().skip(j + 1) {
            let v = abs(x);
            if v > best || (best.is_nan() && !v.is_nan()) {
                best = v;
                p = i;
            }
        }
        piv[k0 + j] = k0 + p;
        if p != j {
            col.swap(j, p);
            for t in 0..j {
                done.swap(t * m + j, t * m + p);
            }
        }
        let d = col[j];
        if d == T::default() {
            regular = false;
            continue;
        }
        for x in col[j + 1..].iter_mut() {
            *x = *x / d;
        }
    }
    transpose_panel(a, n, (k0, k1), c, false);
    // the same swaps, in order, on the columns left and right of the panel
    for k in k0..k1 {
        let p = piv[k];
        if p != k {
            let (top, rest) = a.split_at_mut(p * n);
            let (rk, rp) = (&mut top[k * n..k * n + n], &mut rest[..n]);
            rk[..k0].swap_with_slice(&mut rp[..k0]);
            rk[k1..].swap_with_slice(&mut rp[k1..]);
        }
    }
    regular
}

/// The panel `a[k0.., k0..k1]` to or from (`into`) its column-major copy
/// `c` (columns of n - k0), eight rows at a time: a cache line of each
/// column per block instead of one line per element.
#[inline(always)]
fn transpose_panel<T: Float>(
    a: &mut [T],
    n: usize,
    (k0, k1): (usize, usize),
    c: &mut [T],
    into: bool,
) {
    let m = n - k0;
    for i0 in (0..m).step_by(8) {
        let i1 = (i0 + 8).min(m);
        for j in 0..k1 - k0 {
            for i in i0..i1 {
                let x = &mut a[(k0 + i) * n + k0 + j];
                let y = &mut c[j * m + i];
                if into {
                    *y = *x;
                } else {
                    *x = *y;
                }
            }
        }
    }
}

crate::multiversion!(fn panel<T: Float>(a: &mut [T], n: usize, k0: usize, k1: usize, piv: &mut [usize], c: &mut [T]) -> bool => panel_body);

/// `a[k0..k1, c0..c1] = L11⁻¹ a[k0..k1, c0..c1]`, L11 the unit lower
/// triangle of `a[k0..k1, k0..k1]`, by rows (axpys along the columns).
#[inline(always)]
fn unit_lower_solve_body<T: Float>(a: &mut [T], n: usize, k: (usize, usize), c: (usize, usize)) {
    let ((k0, k1), (c0, c1)) = (k, c);
    for i in k0 + 1..k1 {
        let (top, rest) = a.split_at_mut(i * n);
        let row = &mut rest[..n];
        for r in k0..i {
            let l = row[r];
            if l != T::default() {
                let src = &top[r * n + c0..r * n + c1];
                for (x, &u) in row[c0..c1].iter_mut().zip(src) {
                    *x = x.sub(l.mul(u));
                }
            }
        }
    }
}

crate::multiversion!(fn unit_lower_solve<T: Float>(a: &mut [T], n: usize, k: (usize, usize), c: (usize, usize)) => unit_lower_solve_body);

/// In-place LU with partial pivoting: `a` becomes L (unit, below the
/// diagonal) and U; `piv[k]` is the row swapped with row k. Returns false
/// for a singular matrix (a zero pivot; the factors are still complete).
pub fn lu<T: Float>(a: &mut [T], n: usize, piv: &mut [usize]) -> bool {
    let mut regular = true;
    // the panels' column-major copy (see `panel_body`)
    let mut scratch = vec![T::default(); n * NB.min(n)];
    for k0 in (0..n).step_by(NB) {
        let k1 = (k0 + NB).min(n);
        regular &= panel(a, n, k0, k1, piv, &mut scratch);
        if k1 == n {
            break;
        }
        // U12 = L11^-1 A12 (rows k0..k1, columns k1..n)
        unit_lower_solve(a, n, (k0, k1), (k1, n));
        update_trailing(a, n, (k0, k1), false);
    }
    regular
}

/// `b[r0..r1, ..w] -= m[r0..r1, c0..c1] · b[c0..c1, ..w]` by one GEMM (`m`
/// is n x n, `b` n rows of `ld`; the two row ranges of `b` are disjoint).
fn block_update<T: Float>(
    m: &[T],
    n: usize,
    b: &mut [T],
    (ld, w): (usize, usize),
    (r0, r1): (usize, usize),
    (c0, c1): (usize, usize),
) {
    // SAFETY: the views are inside `m` and `b` (w <= ld), and the rows of
    // `b` read (c0..c1) are not the rows written (r0..r1)
    unsafe {
        let p = b.as_mut_ptr();
        let left = Mat::rows(m.as_ptr().add(r0 * n + c0), n);
        let c = (p.add(r0 * ld), ld, Update::Sub);
        gemm_into(r1 - r0, w, c1 - c0, left, Mat::rows(p.add(c0 * ld), ld), c);
    }
}

/// The inverse of the matrix whose `lu` factors and pivots are given, into
/// `x` (n x n), with LAPACK's `getri` flop count (2n³ with the LU, where
/// solving against the identity costs 8n³/3): `Y = L⁻¹` by forward
/// substitution over its lower triangle only, `U Z = Y` solved as by
/// [`lu_solve`], and `A⁻¹ = Z P` by moving columns. Each element is
/// computed by the very operations `lu_solve` applies to the permuted
/// identity (the skipped ones would subtract exact zeros), so the bits
/// are the same (`inverse_gives_the_bits_of_solving_against_the_identity`).
pub fn lu_inverse<T: Float>(lu: &[T], n: usize, piv: &[usize], x: &mut [T]) {
    x.iter_mut().for_each(|v| *v = T::default());
    for i in 0..n {
        x[i * n + i] = T::from_f64(1.0);
    }
    lower_solve(lu, n, x, n, solve_block(n, n), true);
    upper_solve(lu, n, x, n);
    // Z P = Z S_{n-1} ⋯ S_0: column j of the inverse is column src[j] of Z
    let mut src: Vec<usize> = (0..n).collect();
    for k in (0..n).rev() {
        src.swap(k, piv[k]);
    }
    if src.iter().enumerate().all(|(j, &s)| j == s) {
        return;
    }
    let mut tmp = vec![T::default(); n];
    for row in x.chunks_exact_mut(n) {
        tmp.copy_from_slice(row);
        for (v, &s) in row.iter_mut().zip(&src) {
            *v = tmp[s];
        }
    }
}

/// Solves `A X = B` given `lu`'s factors; `b` is n x nrhs row-major and
/// becomes X. With many right-hand sides (`inv`) the triangular solves are
/// blocked: everything but the 48 x 48 diagonal blocks is one GEMM each.
pub fn lu_solve<T: Float>(lu: &[T], n: usize, piv: &[usize], b: &mut [T], nrhs: usize) {
    for (k, &p) in piv.iter().enumerate().take(n) {
        if p != k {
            for j in 0..nrhs {
                b.swap(k * nrhs + j, p * nrhs + j);
            }
        }
    }
    if nrhs == 1 {
        // one right-hand side: each step a dot product of a row of L or U
        // with the part of x already solved, both contiguous (vectorized;
        // the loops below spent ~5 ns per element on one-element rows)
        for i in 1..n {
            let s = dot_float_dispatch(&lu[i * n..i * n + i], &b[..i]);
            b[i] = b[i].sub(s);
        }
        for i in (0..n).rev() {
            let s = dot_float_dispatch(&lu[i * n + i + 1..(i + 1) * n], &b[i + 1..n]);
            b[i] = b[i].sub(s) / lu[i * n + i];
        }
        return;
    }
    lower_solve(lu, n, b, nrhs, solve_block(n, nrhs), false);
    upper_solve(lu, n, b, nrhs);
}

/// Block rows of the triangular solves of an n x n system with `nrhs`
/// right-hand sides: one block (plain row-by-row substitution) unless
/// there are many right-hand sides to amortize the GEMMs over.
fn solve_block(n: usize, nrhs: usize) -> usize {
    if nrhs >= 16 && n > NB {
        NB
    } else {
        n.max(1)
    }
}

/// Solves `L Y = B` in place in `b` (n rows of `ld`) for the unit lower
/// triangle of `lu`, block rows of `bs` top down. With `identity`, B is
/// the identity and Y = L⁻¹, whose row i is zero right of the diagonal:
/// block row b0..b1 reads and writes columns 0..b0 in its GEMM and 0..i
/// in row i (the skipped work would subtract exact zeros).
fn lower_solve<T: Float>(lu: &[T], n: usize, b: &mut [T], ld: usize, bs: usize, identity: bool) {
    for b0 in (0..n).step_by(bs) {
        let b1 = (b0 + bs).min(n);
        if b0 > 0 {
            let w = if identity { b0 } else { ld };
            block_update(lu, n, b, (ld, w), (b0, b1), (0, b0));
        }
        for i in b0 + 1..b1 {
            let w = if identity { i } else { ld };
            let (top, rest) = b.split_at_mut(i * ld);
            let row = &mut rest[..w];
            for r in b0..i {
                let l = lu[i * n + r];
                if l != T::default() {
                    for (x, &y) in row.iter_mut().zip(&top[r * ld..r * ld + w]) {
                        *x = x.sub(l.mul(y));
                    }
                }
            }
        }
    }
}

/// Solves `U X = B` in place in `b` (n x nrhs) for the upper triangle of
/// `lu`, block rows bottom up: the second half of [`lu_solve`] (blocked
/// only with many right-hand sides).
fn upper_solve<T: Float>(lu: &[T], n: usize, b: &mut [T], nrhs: usize) {
    let bs = solve_block(n, nrhs);
    let starts: Vec<usize> = (0..n).step_by(bs).collect();
    for &b0 in starts.iter().rev() {
        let b1 = (b0 + bs).min(n);
        if b1 < n {
            block_update(lu, n, b, (nrhs, nrhs), (b0, b1), (b1, n));
        }
        for i in (b0..b1).rev() {
            let (top, rest) = b.split_at_mut((i + 1) * nrhs);
            let row = &mut top[i * nrhs..];
            for r in i + 1..b1 {
                let u = lu[i * n + r];
                if u != T::default() {
                    for (x, &y) in row
                        .iter_mut()
                        .zip(&rest[(r - i - 1) * nrhs..(r - i) * nrhs])
                    {
                        *x = x.sub(u.mul(y));
                    }
                }
            }
            let d = lu[i * n + i];
            for x in row.iter_mut() {
                *x = *x / d;
            }
        }
    }
}

/// `(sign, log|det|)` from the LU factors (sign 0 and -inf if singular).
pub fn slogdet<T: Float>(lu: &[T], n: usize, piv: &[usize]) -> (f64, f64) {
    let mut sign = 1.0f64;
    let mut log = 0.0f64;
    for k in 0..n {
        if piv[k] != k {
            sign = -sign;
        }
        let d = lu[k * n + k].to_f64();
        if d == 0.0 {
            return (0.0, f64::NEG_INFINITY);
        }
        if d < 0.0 {
            sign = -sign;
        }
        log += d.abs().ln();
    }
    (sign, log)
}

/// In-place lower Cholesky factor (upper triangle zeroed). Errors if the
/// matrix is not positive definite. Blocked right-looking: each 48-column
/// panel is factored, the rows below it solved against it, and the
/// lower trapezoid of the trailing matrix updated by GEMMs (`A22 -= L21
/// L21ᵀ`, see [`update_trailing`]).
pub fn cholesky<T: Float>(a: &mut [T], n: usize) -> Result<()> {
    let mut lt = Vec::new();
    for k0 in (0..n).step_by(NB) {
        let k1 = (k0 + NB).min(n);
        // the diagonal block, against this panel only
        for j in k0..k1 {
            let mut d = a[j * n + j];
            for k in k0..j {
                d = d.sub(a[j * n + k].mul(a[j * n + k]));
            }
            if d.partial_cmp(&T::default()) != Some(std::cmp::Ordering::Greater) {
                return Err(Error::new(LINALG, "Matrix is not positive definite"));
            }
            let s = d.sqrt();
            a[j * n + j] = s;
            let (top, rest) = a.split_at_mut((j + 1) * n);
            let lj = &top[j * n + k0..j * n + j];
            for i in 0..k1 - j - 1 {
                let row = &mut rest[i * n..(i + 1) * n];
                let mut v = row[j];
                for (x, &y) in row[k0..j].iter().zip(lj) {
                    v = v.sub(x.mul(y));
                }
                row[j] = v / s;
            }
        }
        if k1 == n {
            break;
        }
        panel_rows_below(a, n, (k0, k1), &mut lt);
        update_trailing(a, n, (k0, k1), true);
    }
    for i in 0..n {
        for x in a[i * n + i + 1..(i + 1) * n].iter_mut() {
            *x = T::default();
        }
    }
    Ok(())
}

/// The rows below the diagonal block `k0..k1` of a Cholesky panel:
/// `L21 = A21 L11⁻ᵀ`, row by row. Each row subtracts every finished
/// column times `L11ᵀ`'s row (a contiguous copy in `lt`) from the columns
/// right of it: vectorized, where a dot product per element was a chain
/// of dependent subtractions. Each element still subtracts the same
/// products in the same order, then divides by the same diagonal: the
/// bits of the dot-product form.
fn panel_rows_below<T: Float>(a: &mut [T], n: usize, (k0, k1): (usize, usize), lt: &mut Vec<T>) {
    let w = k1 - k0;
    lt.clear();
    lt.resize(w * w, T::default());
    for j in 0..w {
        for i in j..w {
            lt[j * w + i] = a[(k0 + i) * n + k0 + j];
        }
    }
    for row in a[k1 * n..].chunks_exact_mut(n) {
        let row = &mut row[k0..k1];
        for j in 0..w {
            let x = row[j] / lt[j * w + j];
            row[j] = x;
            for (r, &l) in row[j + 1..].iter_mut().zip(&lt[j * w + j + 1..(j + 1) * w]) {
                *r = r.sub(x.mul(l));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The row-wise panel loop `panel` replaced (right-looking, on the rows
    /// of `a`): the reference for the bits.
    fn panel_by_rows<T: Float>(
        a: &mut [T],
        n: usize,
        k0: usize,
        k1: usize,
        piv: &mut [usize],
    ) -> bool {
        let mut regular = true;
        for k in k0..k1 {
            // pivot: the largest magnitude in column k at or below the diagonal
            let mut p = k;
            let mut best = abs(a[k * n + k]);
            for i in k + 1..n {
                let v = abs(a[i * n + k]);
                if v > best || (best.is_nan() && !v.is_nan()) {
                    best = v;
                    p = i;
                }
            }
            piv[k] = p;
            if p != k {
                for j in 0..n {
                    a.swap(k * n + j, p * n + j);
                }
            }
            let d = a[k * n + k];
            if d == T::default() {
                regular = false;
                continue;
            }
            let (top, rest) = a.split_at_mut((k + 1) * n);
            let urow = &top[k * n + k + 1..k * n + k1];
            for i in 0..n - k - 1 {
                let row = &mut rest[i * n..(i + 1) * n];
                let l = row[k] / d;
                row[k] = l;
                for (x, &u) in row[k + 1..k1].iter_mut().zip(urow) {
                    *x = x.sub(l.mul(u));
                }
            }
        }
        regular
    }

    #[test]
    fn lu_panels_give_the_bits_of_the_row_wise_loop() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        for &n in &[1usize, 2, 5, 47, 48, 49, 97, 130, 300] {
            let mut cases = vec![(0..n * n).map(|_| next()).collect::<Vec<f64>>()];
            if n >= 5 {
                // singular: a zero column (zero pivots), and a NaN
                let mut z = cases[0].clone();
                for i in 0..n {
                    z[i * n + 2] = 0.0;
                }
                cases.push(z);
                let mut q = cases[0].clone();
                q[3 * n + 1] = f64::NAN;
                cases.push(q);
            }
            for a0 in cases {
                let (mut a, mut b) = (a0.clone(), a0);
                let (mut pa, mut pb) = (vec![0; n], vec![0; n]);
                let ra = lu(&mut a, n, &mut pa);
                // the previous loop: row-wise panels, then U12 and the update
                let mut rb = true;
                for k0 in (0..n).step_by(NB) {
                    let k1 = (k0 + NB).min(n);
                    rb &= panel_by_rows(&mut b, n, k0, k1, &mut pb);
                    if k1 == n {
                        break;
                    }
                    unit_lower_solve(&mut b, n, (k0, k1), (k1, n));
                    update_trailing(&mut b, n, (k0, k1), false);
                }
                assert_eq!((ra, &pa), (rb, &pb), "n = {n}");
                let same = a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits());
                assert!(same, "n = {n}: the factors' bits differ");
            }
        }
    }

    fn matmul(a: &[f64], b: &[f64], n: usize, m: usize) -> Vec<f64> {
        let mut c = vec![0.0; n * m];
        for i in 0..n {
            for k in 0..n {
                for j in 0..m {
                    c[i * m + j] += a[i * n + k] * b[k * m + j];
                }
            }
        }
        c
    }

    #[test]
    fn lu_solve_reconstructs_across_block_sizes() {
        for &n in &[1usize, 2, 5, 47, 48, 49, 130] {
            let a: Vec<f64> = (0..n * n)
                .map(|i| {
                    ((i * 7919 % 101) as f64) / 13.0 - 3.0
                        + if i % (n + 1) == 0 { 5.0 } else { 0.0 }
                })
                .collect();
            for &nrhs in &[2usize, 40] {
                let x: Vec<f64> = (0..n * nrhs).map(|i| (i % 7) as f64 - 2.5).collect();
                let mut b = matmul(&a, &x, n, nrhs);
                let mut f = a.clone();
                let mut piv = vec![0; n];
                assert!(lu(&mut f, n, &mut piv));
                lu_solve(&f, n, &piv, &mut b, nrhs);
                for (u, v) in b.iter().zip(&x) {
                    assert!((u - v).abs() < 1e-8, "n={n} nrhs={nrhs}: {u} vs {v}");
                }
            }
        }
    }

    #[test]
    fn inverse_gives_the_bits_of_solving_against_the_identity() {
        // sizes around the 48-row blocks and past the GEMM's 256-deep
        // k-blocks; values that make partial pivoting swap rows
        for &n in &[1usize, 2, 3, 47, 48, 49, 97, 130, 300] {
            let mut state = 0x9e37_79b9_7f4a_7c15u64;
            let a: Vec<f64> = (0..n * n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((state >> 11) as f64) / (1u64 << 53) as f64 - 0.5
                })
                .collect();
            let mut f = a.clone();
            let mut piv = vec![0; n];
            assert!(lu(&mut f, n, &mut piv));
            if n >= 3 {
                assert!(
                    piv.iter().enumerate().any(|(k, &p)| p != k),
                    "n={n}: no pivoting"
                );
            }
            let mut want = vec![0.0; n * n];
            for i in 0..n {
                want[i * n + i] = 1.0;
            }
            lu_solve(&f, n, &piv, &mut want, n);
            let mut got = vec![f64::NAN; n * n];
            lu_inverse(&f, n, &piv, &mut got);
            for (k, (u, v)) in got.iter().zip(&want).enumerate() {
                assert_eq!(u.to_bits(), v.to_bits(), "n={n} at {k}: {u} vs {v}");
            }
            let eye = matmul(&a, &got, n, n);
            let what = format!("n={n} A·A⁻¹");
            crate::kernels::testutil::assert_near_identity(&eye, n, 1e-9, &what);
        }
    }

    #[test]
    fn singular_and_determinants() {
        let mut a = vec![1.0, 2.0, 2.0, 4.0];
        let mut piv = vec![0; 2];
        assert!(!lu(&mut a, 2, &mut piv));
        assert_eq!(slogdet(&a, 2, &piv), (0.0, f64::NEG_INFINITY));
        let mut b = vec![0.0, 2.0, 3.0, 1.0];
        assert!(lu(&mut b, 2, &mut piv));
        let (s, l) = slogdet(&b, 2, &piv);
        assert_eq!(s, -1.0);
        assert!((l.exp() - 6.0).abs() < 1e-12);
    }

    #[test]
    fn blocked_cholesky_reconstructs_across_panels() {
        for &n in &[1usize, 47, 48, 49, 97, 130, 300] {
            let b: Vec<f64> = (0..n * n)
                .map(|i| ((i * 7919 % 101) as f64) / 50.0 - 1.0)
                .collect();
            // A = B Bᵀ + n I
            let mut a = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    let mut v = if i == j { n as f64 } else { 0.0 };
                    for k in 0..n {
                        v += b[i * n + k] * b[j * n + k];
                    }
                    a[i * n + j] = v;
                }
            }
            let mut l = a.clone();
            cholesky(&mut l, n).unwrap();
            for i in 0..n {
                for j in 0..n {
                    if j > i {
                        assert_eq!(l[i * n + j], 0.0);
                    }
                    let v: f64 = (0..n).map(|k| l[i * n + k] * l[j * n + k]).sum();
                    assert!(
                        (v - a[i * n + j]).abs() < 1e-9 * n as f64,
                        "n={n} ({i},{j})"
                    );
                }
            }
        }
    }

    #[test]
    fn cholesky_of_spd_and_rejection_of_indefinite() {
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        cholesky(&mut a, 2).unwrap();
        assert_eq!(a, vec![2.0, 0.0, 1.0, 2f64.sqrt()]);
        let mut b = vec![1.0, 2.0, 2.0, 1.0];
        assert_eq!(cholesky(&mut b, 2).unwrap_err().code, LINALG);
    }
}
