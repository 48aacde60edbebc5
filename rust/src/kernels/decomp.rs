//! Orthogonal decompositions of row-major matrices, computed in float64:
//! Householder QR, the symmetric eigenproblem (Householder
//! tridiagonalization + implicit QR with Wilkinson shifts) and the SVD
//! (Householder bidiagonalization + the Golub-Kahan implicit QR).
//!
//! Layout choice: every orthogonal factor that receives plane rotations is
//! kept *transposed* while rotations are applied, so a rotation of two
//! columns of U/V/Z is a rotation of two contiguous rows (vectorized by the
//! row helpers of `householder.rs`). Householder reflectors (also there)
//! are applied row by row (`w = vᵀA` as row axpys, then rank-1 row
//! updates), or 32 at a time as `I - V T Vᵀ` by GEMMs where the blocked
//! form applies (QR, and every accumulation of an orthogonal factor).
//! Reflectors follow LAPACK's `dlarfg` sign convention, so QR factors equal
//! LAPACK's up to rounding.

use crate::error::{Error, Result};

use super::householder::*;
use super::linalg::LINALG;
use super::tridiag_dc::{tridiagonal_dc, LEAF};
use super::tridiag_reduce::tridiagonalize;

/// Householder QR of the m x n matrix `a`. Fills `q` (m x qc) if given and
/// `r` (qc x n, upper triangular); `qc` is min(m, n) (reduced) or m
/// (complete).
pub fn qr(
    a: &mut [f64],
    m: usize,
    n: usize,
    qc: usize,
    q: Option<&mut [f64]>,
    r: &mut [f64],
) -> Result<()> {
    let k = m.min(n);
    let mut hs: Vec<(Vec<f64>, f64)> = Vec::with_capacity(k);
    let mut tmp = Vec::new();
    let mut col = Vec::with_capacity(m);
    let mut br = BlockReflector::default();
    // panels of RB columns: each reflector on its own panel, then the
    // panel's block reflector on the columns right of it
    for j0 in (0..k).step_by(RB) {
        let j1 = (j0 + RB).min(k);
        let blocked = (n - j1) * (m - j0) >= BLOCKED_MIN;
        let c1 = if blocked { j1 } else { n };
        for j in j0..j1 {
            check_cancel()?;
            let (beta, tau) = house_column(a, (m, n), (j, c1), &mut col, &mut tmp);
            a[j * n + j] = beta;
            for i in j + 1..m {
                a[i * n + j] = 0.0;
            }
            hs.push((col.clone(), tau));
        }
        if blocked {
            br.build(&hs[j0..j1], m - j0);
            br.apply(a, n, (j0, j1), true);
        }
    }
    r.iter_mut().for_each(|v| *v = 0.0);
    for i in 0..qc.min(m) {
        for j in i..n {
            r[i * n + j] = a[i * n + j];
        }
    }
    if let Some(q) = q {
        accumulate(q, (m, qc), 0, &hs);
    }
    Ok(())
}

/// A Givens pair `(c, s, r)` with `c·f + s·g = r` and `−s·f + c·g = 0`.
fn givens(f: f64, g: f64) -> (f64, f64, f64) {
    if g == 0.0 {
        return (1.0, 0.0, f);
    }
    // sqrt(f² + g²) where neither square can overflow or underflow to
    // matter (as LAPACK's dlartg); `hypot` outside that range. The
    // implicit QR sweeps compute ~n² of these (eigh 512: ~270,000), and
    // libm's hypot cost several times the square root.
    let m = f.abs().max(g.abs());
    let r = if m > 1e-150 && m < 1e150 {
        (f * f + g * g).sqrt()
    } else {
        f.hypot(g)
    };
    (f / r, g / r, r)
}

/// Engine jobs stop between outer iterations once cancelled.
pub(super) fn check_cancel() -> Result<()> {
    check_token(crate::engine::CancelToken::current())
}

/// [`check_cancel`] against a token taken on the job's thread: for work
/// that continues on a kernel-pool thread, where the job's flag is not
/// the thread's own.
pub(super) fn check_token(cancel: crate::engine::CancelToken) -> Result<()> {
    if cancel.is_set() {
        return Err(Error::new(crate::error::CANCELLED, "cancelled"));
    }
    Ok(())
}

fn not_finite(a: &[f64]) -> bool {
    a.iter().any(|v| !v.is_finite())
}

/// Scales `a` by a power of two that brings the largest magnitude near 1
/// (avoids overflow and underflow in squares), or leaves it when no
/// scaling is needed (factor 1); returns the factor.
fn rescale(a: &mut [f64]) -> f64 {
    let m = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if m == 0.0 || (1e-100..=1e100).contains(&m) {
        return 1.0;
    }
    let sc = 2f64.powi(-(m.log2().round() as i32));
    a.iter_mut().for_each(|v| *v *= sc);
    sc
}

/// The order that sorts `d` (ascending, or `descending`), and `d` in that
/// order with the scaling factor `sc` undone, into `out`.
fn sort_unscaled(d: &[f64], sc: f64, descending: bool, out: &mut [f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..d.len()).collect();
    if descending {
        order.sort_by(|&i, &j| d[j].total_cmp(&d[i]));
    } else {
        order.sort_by(|&i, &j| d[i].total_cmp(&d[j]));
    }
    for (o, &i) in out.iter_mut().zip(&order) {
        *o = d[i] / sc;
    }
    order
}

/// Eigenvalues (ascending, into `w`) and, if `z` is given, orthonormal
/// eigenvectors as its columns (n x n) of the symmetric matrix whose lower
/// (`upper` false) or upper triangle is in `a` (destroyed).
pub fn eigh(
    a: &mut [f64],
    n: usize,
    upper: bool,
    w: &mut [f64],
    z: Option<&mut [f64]>,
) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    // the given triangle mirrored into the other
    above_diagonal(n, |i, j| {
        if upper {
            a[j * n + i] = a[i * n + j];
        } else {
            a[i * n + j] = a[j * n + i];
        }
    });
    if not_finite(a) {
        return Err(Error::new(LINALG, "Array must not contain infs or NaNs"));
    }
    let sc = rescale(a);
    let want = z.is_some();
    let mut d = vec![0.0; n];
    let mut e = vec![0.0; n];
    let mut vs: Vec<(Vec<f64>, f64)> = Vec::new();
    tridiagonalize(
        a,
        n,
        &mut d,
        &mut e,
        if want { Some(&mut vs) } else { None },
    )?;
    // the eigenvectors: the columns of zm (`by_cols`) or its rows
    let mut zm: Vec<f64> = Vec::new();
    let by_cols = want && n > LEAF;
    if by_cols {
        // divide and conquer (tridiag_dc.rs), then Z = Q V with the
        // reflectors applied to V (columns the vectors of T)
        let mut vt = vec![0.0; n * n];
        tridiagonal_dc(&mut d, &e, &mut vt)?;
        transpose_square(&mut vt, n);
        apply_reflectors(&mut vt, (n, n), 1, &vs);
        zm = vt;
    } else if want {
        // the transpose of Q = H_0 ⋯ H_{n-3}, rotated by the sweeps
        zm = vec![0.0; n * n];
        accumulate(&mut zm, (n, n), 1, &vs);
        transpose_square(&mut zm, n);
        tridiagonal_qr(&mut d, &mut e, Some(&mut zm), n)?;
    } else {
        tridiagonal_values(&mut d, &e)?;
    }
    let order = sort_unscaled(&d, sc, false, w);
    if let Some(z) = z {
        in_tiles(n, n, |r, c| {
            let i = order[c];
            z[r * n + c] = if by_cols {
                zm[r * n + i]
            } else {
                zm[i * n + r]
            };
        });
    }
    Ok(())
}

/// The transpose of the r x c row-major `a` into `t` (c x r, row-major).
fn transpose_into(a: &[f64], r: usize, c: usize, t: &mut [f64]) {
    in_tiles(r, c, |i, j| t[j * r + i] = a[i * c + j]);
}

/// [`transpose_into`] a new matrix.
fn transposed(a: &[f64], r: usize, c: usize) -> Vec<f64> {
    let mut t = vec![0.0; r * c];
    transpose_into(a, r, c, &mut t);
    t
}

fn transpose_square(a: &mut [f64], n: usize) {
    above_diagonal(n, |i, j| a.swap(i * n + j, j * n + i));
}

/// Side of the tiles of [`in_tiles`] and [`above_diagonal`].
const TILE: usize = 32;

/// `f(i, j)` for every i < r, j < c, in 32 x 32 tiles: for the loops that
/// transpose or permute a row-major matrix, touching (i, j) of one and
/// (j, i) of another. A row at a time, every access on the column side
/// took a cache line of its own (n = 512: `eigh`'s mirroring and
/// column-wise copy-out took ~1.5 ms of its 34 in a profile).
fn in_tiles(r: usize, c: usize, mut f: impl FnMut(usize, usize)) {
    for ib in (0..r).step_by(TILE) {
        for jb in (0..c).step_by(TILE) {
            for i in ib..(ib + TILE).min(r) {
                for j in jb..(jb + TILE).min(c) {
                    f(i, j);
                }
            }
        }
    }
}

/// [`in_tiles`] over i < j < n only (mirroring, transposing in place).
fn above_diagonal(n: usize, mut f: impl FnMut(usize, usize)) {
    for ib in (0..n).step_by(TILE) {
        for jb in (ib..n).step_by(TILE) {
            for i in ib..(ib + TILE).min(n) {
                for j in jb.max(i + 1)..(jb + TILE).min(n) {
                    f(i, j);
                }
            }
        }
    }
}

/// The first index of the unreduced block ending at `h` of a tridiagonal
/// or bidiagonal matrix (`e[i]` couples i and i+1): walks up while the
/// coupling is not negligible, and sets the one that splits it off to 0.
fn block_start(d: &[f64], e: &mut [f64], h: usize) -> usize {
    let eps = f64::EPSILON;
    let mut l = h - 1;
    while l > 0 && e[l - 1].abs() > eps * (d[l - 1].abs() + d[l].abs()) {
        l -= 1;
    }
    if l > 0 {
        e[l - 1] = 0.0;
    }
    l
}

/// The deflation step of the implicit QR sweeps over a tridiagonal or
/// bidiagonal matrix of order `d.len()`: sets to 0 and drops the trailing
/// couplings `e[h - 1]` that are negligible against their diagonal
/// neighbours or at most `floor`, then returns the start of the unreduced
/// block ending at `h` (None once every block has converged). Counts a
/// sweep in `iters`, sees cancellation, and fails ("`what` did not
/// converge") after 40 sweeps per row.
fn next_block(
    d: &[f64],
    e: &mut [f64],
    h: &mut usize,
    iters: &mut usize,
    floor: f64,
    what: &str,
) -> Result<Option<usize>> {
    let eps = f64::EPSILON;
    while *h > 0 {
        let (i, c) = (*h, e[*h - 1].abs());
        if c <= eps * (d[i - 1].abs() + d[i].abs()) || c <= floor {
            e[i - 1] = 0.0;
            *h -= 1;
            continue;
        }
        *iters += 1;
        check_cancel()?;
        if *iters > 40 * d.len() {
            return Err(Error::new(LINALG, format!("{what} did not converge")));
        }
        return Ok(Some(block_start(d, e, i)));
    }
    Ok(None)
}

/// Implicit symmetric QR with Wilkinson shifts on the tridiagonal matrix
/// (`d` diagonal, `e[i]` couples i and i+1), rotating the rows of `zt`.
pub(super) fn tridiagonal_qr(
    d: &mut [f64],
    e: &mut [f64],
    mut zt: Option<&mut Vec<f64>>,
    n: usize,
) -> Result<()> {
    let mut h = n - 1;
    let mut iters = 0usize;
    let mut log = RotationLog::new(n, n);
    let never = f64::NEG_INFINITY; // no absolute floor: relative test only
    while let Some(l) = next_block(d, e, &mut h, &mut iters, never, "Eigenvalues")? {
        // Wilkinson shift from the trailing 2 x 2
        let dd = 0.5 * (d[h - 1] - d[h]);
        let eh = e[h - 1];
        let sg = if dd >= 0.0 { 1.0 } else { -1.0 };
        let mu = d[h] - eh * (eh / (dd + sg * dd.hypot(eh)));
        let mut x = d[l] - mu;
        let mut z = e[l];
        for k in l..h {
            let (c, s, r) = givens(x, z);
            if k > l {
                e[k - 1] = r;
            }
            let (a, b, cc) = (d[k], e[k], d[k + 1]);
            let cs2 = 2.0 * c * s * b;
            d[k] = c * c * a + cs2 + s * s * cc;
            d[k + 1] = s * s * a - cs2 + c * c * cc;
            e[k] = c * s * (cc - a) + (c * c - s * s) * b;
            if k + 1 < h {
                z = s * e[k + 1];
                e[k + 1] *= c;
                x = e[k];
            }
            if let Some(zt) = zt.as_deref_mut() {
                log.push(zt, k, k + 1, c, s);
            }
        }
    }
    if let Some(zt) = zt {
        log.finish(zt);
    }
    Ok(())
}

/// Eigenvalues of the symmetric tridiagonal matrix (`d` diagonal, `e[i]`
/// couples i and i+1, i < n − 1) by the root-free form of the implicit QR
/// sweeps (Pal, Walker and Kahan; the method of LAPACK's `dsterf`): the
/// same Wilkinson-shifted sweeps as [`tridiagonal_qr`], carried on the
/// squares of the couplings, so a step costs divisions but no square root.
/// A coupling is negligible when e² ≤ ε²(|d_i| + |d_i+1|)², the test of
/// [`block_start`] squared. The caller has scaled the matrix
/// (`rescale`): the squares neither overflow nor lose a coupling that
/// matters to underflow.
pub(super) fn tridiagonal_values(d: &mut [f64], e: &[f64]) -> Result<()> {
    let n = d.len();
    if n < 2 {
        return Ok(());
    }
    let eps2 = f64::EPSILON * f64::EPSILON;
    let small = |e2: f64, a: f64, b: f64| e2 <= eps2 * (a.abs() + b.abs()).powi(2);
    let mut e2: Vec<f64> = e[..n - 1].iter().map(|x| x * x).collect();
    let (mut h, mut iters) = (n - 1, 0usize);
    while h > 0 {
        if small(e2[h - 1], d[h - 1], d[h]) {
            e2[h - 1] = 0.0;
            h -= 1;
            continue;
        }
        iters += 1;
        check_cancel()?;
        if iters > 40 * n {
            return Err(Error::new(LINALG, "Eigenvalues did not converge"));
        }
        let mut l = h - 1;
        while l > 0 && !small(e2[l - 1], d[l - 1], d[l]) {
            l -= 1;
        }
        if l > 0 {
            e2[l - 1] = 0.0;
        }
        // the Wilkinson shift: the trailing 2 x 2's eigenvalue nearer d[h]
        let rte = e2[h - 1].sqrt();
        let g = (d[h - 1] - d[h]) / (2.0 * rte);
        let sigma = d[h] - rte / (g + g.hypot(1.0).copysign(g));
        // the sweep down the block: γ and p = γ²/c stand for the rotated
        // diagonal entry and its square, c and s for cos² and sin²
        let (mut c, mut s) = (1.0, 0.0);
        let mut gamma = d[l] - sigma;
        let mut p = gamma * gamma;
        for i in l..h {
            let bb = e2[i];
            let r = p + bb;
            if i > l {
                e2[i - 1] = s * r;
            }
            let (c_prev, inv) = (c, 1.0 / r);
            c = p * inv;
            s = bb * inv;
            let g_prev = gamma;
            let alpha = d[i + 1];
            gamma = c * (alpha - sigma) - s * g_prev;
            d[i] = g_prev + (alpha - gamma);
            p = if c != 0.0 {
                gamma * gamma / c
            } else {
                c_prev * bb
            };
        }
        e2[h - 1] = s * p;
        d[h] = sigma + gamma;
    }
    Ok(())
}

/// Singular values (descending, into `s`) of the m x n matrix `a`
/// (destroyed). With `uv`, also `u` (m x uc) and `vt` (vr x n) where
/// (uc, vr) = (m, n) if `full` else (k, k), k = min(m, n).
pub fn svd(
    a: &mut [f64],
    m: usize,
    n: usize,
    s: &mut [f64],
    uv: Option<(&mut [f64], &mut [f64], bool)>,
) -> Result<()> {
    if not_finite(a) {
        return Err(Error::new(
            LINALG,
            "SVD did not converge (the array contains infs or NaNs)",
        ));
    }
    if m < n {
        // svd(Aᵀ) = U' S V'ᵀ  =>  A = V' S U'ᵀ (Aᵀ is tall: no second turn)
        let mut at = transposed(a, m, n);
        return match uv {
            None => svd(&mut at, n, m, s, None),
            Some((u, vt, full)) => {
                let vr = if full { n } else { m };
                let mut u2 = vec![0.0; n * vr];
                let mut v2 = vec![0.0; m * m];
                svd(&mut at, n, m, s, Some((&mut u2, &mut v2, full)))?;
                // U = V'  (m x m): V' = v2ᵀ
                transpose_into(&v2, m, m, u);
                // Vᵀ = U'ᵀ  (vr x n)
                transpose_into(&u2, n, vr, vt);
                Ok(())
            }
        };
    }
    // m >= n from here
    if n == 0 {
        if let Some((u, _, true)) = uv {
            u.iter_mut().for_each(|v| *v = 0.0);
            for i in 0..m {
                u[i * m + i] = 1.0;
            }
        }
        return Ok(());
    }
    let sc = rescale(a);
    let want = uv.is_some();
    let mut d = vec![0.0; n];
    let mut e = vec![0.0; n];
    let mut left: Vec<(Vec<f64>, f64)> = Vec::new();
    let mut right: Vec<(Vec<f64>, f64)> = Vec::new();
    let mut tmp = Vec::new();
    let mut col = Vec::with_capacity(m);
    for k in 0..n {
        check_cancel()?;
        let (beta, tau) = house_column(a, (m, n), (k, n), &mut col, &mut tmp);
        d[k] = beta;
        if want {
            left.push((col.clone(), tau));
        }
        if k + 1 < n {
            let mut v = a[k * n + k + 1..(k + 1) * n].to_vec();
            let (beta, tau) = house(v[0], &mut v[1..]);
            v[0] = 1.0;
            e[k] = beta;
            reflect_right(a, n, k + 1, m, k + 1, &v, tau);
            if want {
                right.push((v, tau));
            }
        }
    }
    let (mut ut, mut vt) = (Vec::new(), Vec::new());
    let uc = if let Some((_, _, full)) = &uv {
        let uc = if *full { m } else { n };
        // U = H_0 ⋯ H_{n-1} applied to I (m x uc), then transposed
        let mut u = vec![0.0; m * uc];
        accumulate(&mut u, (m, uc), 0, &left);
        ut = transposed(&u, m, uc);
        // V = G_0 ⋯ G_{n-2} (n x n); we keep Vᵀ
        let mut v = vec![0.0; n * n];
        accumulate(&mut v, (n, n), 1, &right);
        transpose_square(&mut v, n);
        vt = v;
        uc
    } else {
        0
    };
    bidiagonal_qr(
        &mut d,
        &mut e,
        n,
        m,
        if want { Some((&mut ut, &mut vt)) } else { None },
    )?;
    // positive values, descending
    for i in 0..n {
        if d[i] < 0.0 {
            d[i] = -d[i];
            if want {
                vt[i * n..(i + 1) * n].iter_mut().for_each(|v| *v = -*v);
            }
        }
    }
    let order = sort_unscaled(&d, sc, true, s);
    if let Some((u, vto, _)) = uv {
        // columns 0..n of U and rows of Vᵀ follow the order; U's extra
        // columns (full) keep theirs
        in_tiles(m, uc, |i, c| {
            let src = if c < n { order[c] } else { c };
            u[i * uc + c] = ut[src * m + i];
        });
        for (r, &src) in order.iter().enumerate() {
            vto[r * n..(r + 1) * n].copy_from_slice(&vt[src * n..(src + 1) * n]);
        }
    }
    Ok(())
}

/// Golub-Kahan implicit QR on the upper bidiagonal matrix (`d`, `e[i]`
/// couples i and i+1), rotating rows of `ut` (width m) and `vt` (width n).
fn bidiagonal_qr(
    d: &mut [f64],
    e: &mut [f64],
    n: usize,
    m: usize,
    mut uv: Option<(&mut Vec<f64>, &mut Vec<f64>)>,
) -> Result<()> {
    let eps = f64::EPSILON;
    let anorm = (0..n).fold(0.0f64, |a, i| {
        a.max(d[i].abs() + if i + 1 < n { e[i].abs() } else { 0.0 })
    });
    let tiny = eps * anorm;
    let mut h = n - 1;
    let mut iters = 0usize;
    let (mut ulog, mut vlog) = (RotationLog::new(n, m), RotationLog::new(n, n));
    while let Some(l) = next_block(d, e, &mut h, &mut iters, f64::MIN_POSITIVE, "SVD")? {
        // a negligible diagonal entry splits the block: chase its row's
        // superdiagonal away with left rotations (or, for the last one,
        // its column's with right rotations)
        if d[h].abs() <= tiny {
            d[h] = 0.0;
            let mut f = e[h - 1];
            e[h - 1] = 0.0;
            for j in (l..h).rev() {
                let (c, s, r) = givens(d[j], f);
                d[j] = r;
                if j > l {
                    f = -s * e[j - 1];
                    e[j - 1] *= c;
                }
                if let Some((_, vt)) = uv.as_mut() {
                    vlog.push(vt, j, h, c, s);
                }
            }
            continue;
        }
        if let Some(k) = (l..h).find(|&k| d[k].abs() <= tiny) {
            d[k] = 0.0;
            let mut f = e[k];
            e[k] = 0.0;
            for j in k + 1..=h {
                let (c, s, r) = givens(d[j], f);
                d[j] = r;
                if j < h {
                    f = -s * e[j];
                    e[j] *= c;
                }
                if let Some((ut, _)) = uv.as_mut() {
                    // row k ← c·row_k − s·row_j, row j ← s·row_k + c·row_j
                    ulog.push(ut, j, k, c, s);
                }
            }
            continue;
        }
        // shift: the eigenvalue of the trailing 2 x 2 of BᵀB nearer its end
        let t11 = d[h - 1] * d[h - 1] + if h - 1 > l { e[h - 2] * e[h - 2] } else { 0.0 };
        let t12 = d[h - 1] * e[h - 1];
        let t22 = d[h] * d[h] + e[h - 1] * e[h - 1];
        let dd = 0.5 * (t11 - t22);
        let sg = if dd >= 0.0 { 1.0 } else { -1.0 };
        let mu = t22 - t12 * (t12 / (dd + sg * dd.hypot(t12)));
        let mut y = d[l] * d[l] - mu;
        let mut z = d[l] * e[l];
        for k in l..h {
            // right rotation on columns k, k+1
            let (c, s, r) = givens(y, z);
            if k > l {
                e[k - 1] = r;
            }
            let (dk, ek) = (d[k], e[k]);
            d[k] = c * dk + s * ek;
            e[k] = c * ek - s * dk;
            let bulge = s * d[k + 1];
            d[k + 1] *= c;
            if let Some((_, vt)) = uv.as_mut() {
                vlog.push(vt, k, k + 1, c, s);
            }
            // left rotation on rows k, k+1
            let (c, s, r) = givens(d[k], bulge);
            d[k] = r;
            let (ek, dk1) = (e[k], d[k + 1]);
            e[k] = c * ek + s * dk1;
            d[k + 1] = c * dk1 - s * ek;
            if k + 1 < h {
                z = s * e[k + 1];
                e[k + 1] *= c;
                y = e[k];
            }
            if let Some((ut, _)) = uv.as_mut() {
                ulog.push(ut, k, k + 1, c, s);
            }
        }
    }
    if let Some((ut, vt)) = uv {
        ulog.finish(ut);
        vlog.finish(vt);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mat(m: usize, n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..m * n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
            })
            .collect()
    }

    fn mm(a: &[f64], b: &[f64], m: usize, k: usize, n: usize) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for p in 0..k {
                for j in 0..n {
                    c[i * n + j] += a[i * k + p] * b[p * n + j];
                }
            }
        }
        c
    }

    fn close(a: &[f64], b: &[f64], tol: f64) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= tol, "{x} vs {y}");
        }
    }

    fn orthonormal_cols(q: &[f64], m: usize, c: usize) {
        let g = mm(&transposed(q, m, c), q, c, m, c);
        crate::kernels::testutil::assert_near_identity(&g, c, 1e-12, "QᵀQ");
    }

    #[test]
    fn qr_reconstructs_in_both_modes() {
        // the last four run the blocked path (panels of RB reflectors applied
        // by GEMMs, the Q accumulation in blocks), with ragged last panels
        for &(m, n) in &[
            (1, 1),
            (5, 3),
            (3, 5),
            (7, 7),
            (40, 17),
            (17, 40),
            (200, 150),
            (150, 200),
            (161, 161),
            (300, 97),
        ] {
            let a = mat(m, n, (m * 31 + n) as u64);
            for &complete in &[false, true] {
                let qc = if complete { m } else { m.min(n) };
                let (mut w, mut q, mut r) = (a.clone(), vec![0.0; m * qc], vec![0.0; qc * n]);
                qr(&mut w, m, n, qc, Some(&mut q), &mut r).unwrap();
                close(&mm(&q, &r, m, qc, n), &a, 1e-13);
                orthonormal_cols(&q, m, qc);
                for i in 0..qc {
                    for j in 0..i.min(n) {
                        assert_eq!(r[i * n + j], 0.0);
                    }
                }
            }
        }
    }

    #[test]
    fn eigh_diagonalizes_symmetric_matrices() {
        for &n in &[1usize, 2, 3, 10, 33, 130] {
            let b = mat(n, n, n as u64);
            let a: Vec<f64> = (0..n * n).map(|i| b[i] + b[(i % n) * n + i / n]).collect();
            let (mut w, mut z, mut work) = (vec![0.0; n], vec![0.0; n * n], a.clone());
            eigh(&mut work, n, false, &mut w, Some(&mut z)).unwrap();
            orthonormal_cols(&z, n, n);
            let az = mm(&a, &z, n, n, n);
            for i in 0..n {
                for j in 0..n {
                    assert!((az[i * n + j] - z[i * n + j] * w[j]).abs() < 1e-12);
                }
            }
            assert!(w.windows(2).all(|p| p[0] <= p[1]));
            let mut only = vec![0.0; n];
            eigh(&mut a.clone(), n, false, &mut only, None).unwrap();
            close(&only, &w, 1e-12);
        }
    }

    #[test]
    fn svd_reconstructs_tall_wide_and_rank_deficient() {
        for &(m, n) in &[
            (1, 1),
            (4, 4),
            (9, 4),
            (4, 9),
            (30, 30),
            (50, 20),
            (170, 120),
            (120, 170),
        ] {
            let mut a = mat(m, n, (m * 7 + n) as u64);
            if m > 3 && n > 3 {
                // two equal columns and a zero column: rank deficient
                for i in 0..m {
                    a[i * n + 1] = a[i * n];
                    a[i * n + 2] = 0.0;
                }
            }
            let k = m.min(n);
            for &full in &[false, true] {
                let (uc, vr) = if full { (m, n) } else { (k, k) };
                let (mut s, mut u, mut vt) = (vec![0.0; k], vec![0.0; m * uc], vec![0.0; vr * n]);
                svd(&mut a.clone(), m, n, &mut s, Some((&mut u, &mut vt, full))).unwrap();
                orthonormal_cols(&u, m, uc);
                orthonormal_cols(&transposed(&vt, vr, n), n, vr);
                let mut us = vec![0.0; m * k];
                for i in 0..m {
                    for j in 0..k {
                        us[i * k + j] = u[i * uc + j] * s[j];
                    }
                }
                close(&mm(&us, &vt[..k * n], m, k, n), &a, 1e-12);
                assert!(s.windows(2).all(|p| p[0] >= p[1]) && s.iter().all(|&v| v >= 0.0));
            }
        }
    }

    #[test]
    fn deferred_rotations_give_the_same_bits_at_every_thread_count() {
        // eigh 300 records more than one batch of rotations (ROT_BATCH);
        // the svd rotates rows of U and V, paired in both orders. One
        // thread applies them in place, more threads on private columns.
        let run = || {
            let n = 300;
            let mut a = mat(n, n, 41);
            let (mut w, mut z) = (vec![0.0; n], vec![0.0; n * n]);
            eigh(&mut a, n, false, &mut w, Some(&mut z)).unwrap();
            let (m, k) = (260, 200);
            let mut b = mat(m, k, 42);
            let (mut sv, mut u, mut vt) = (vec![0.0; k], vec![0.0; m * k], vec![0.0; k * k]);
            svd(&mut b, m, k, &mut sv, Some((&mut u, &mut vt, false))).unwrap();
            let all = [w, z, sv, u, vt].concat();
            all.iter().map(|v| v.to_bits()).collect::<Vec<u64>>()
        };
        crate::parallel::set_thread_limit(1);
        let one = run();
        crate::parallel::set_thread_limit(0);
        assert!(run() == one, "the thread count changed the bits");
    }

    #[test]
    fn nan_is_a_linalg_error() {
        let mut a = vec![1.0, f64::NAN, 0.0, 1.0];
        let mut s = vec![0.0; 2];
        assert_eq!(
            svd(&mut a.clone(), 2, 2, &mut s, None).unwrap_err().code,
            LINALG
        );
        assert_eq!(
            eigh(&mut a, 2, true, &mut s, None).unwrap_err().code,
            LINALG
        );
    }
}
