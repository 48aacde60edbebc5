//! The symmetric tridiagonal eigenproblem by divide and conquer: Cuppen's
//! method with the eigenvectors of Gu and Eisenstat, the algorithm of
//! LAPACK's `dstedc` (written here from the papers, not from its code).
//! `eigh` uses it for the eigenvectors of matrices larger than [`LEAF`].
//!
//! Why: the implicit QR sweeps rotate the eigenvector matrix once per
//! rotation, about 3n² rotations of n-element rows (6n³ flops, a strided
//! BLAS-1 pattern); here nearly all the work is matrix products of the
//! halves' eigenvectors with the secular problem's (about 4n³/3 flops of
//! GEMM).
//!
//! The method, for `T` of order n split at `m = n/2` where `e[m-1] = β`:
//! `T = diag(T1, T2) + ρ u uᵀ` with `u = (e_{m-1} ± e_m)/√2`, `ρ = 2|β|`
//! (the sign of β taken into u, so ρ ≥ 0) and `|β|` taken off the two
//! diagonal entries next to the split. The halves are solved recursively,
//! `Tk = Vk Λk Vkᵀ`, so `T = W (D + ρ z zᵀ) Wᵀ` with `W = diag(V1, V2)`,
//! `D = diag(Λ1, Λ2)` and `z = Wᵀ u` (unit length). Then:
//! 1. **Deflation** (D sorted ascending): an entry with `ρ|z_j| <= tol` is
//!    already an eigenpair (`d_j`, column j of W); of two entries whose
//!    `d` differ by little, a plane rotation zeroes one `z` and leaves an
//!    eigenpair. `tol = 8 ε max(max|d|, ρ)`, LAPACK's bound.
//! 2. **The secular equation** `1 + ρ Σ z_j² / (d_j − λ) = 0` for the k
//!    remaining entries: one root in each gap `(d_i, d_{i+1})` and one in
//!    `(d_{k-1}, d_{k-1} + ρ]`. Each root is kept as `(origin, τ)`, `λ =
//!    d_origin + τ`, with the origin the nearer pole, so every `d_j − λ` is
//!    formed as `(d_j − d_origin) − τ` without cancellation. Iteration:
//!    the rational model with one pole each side fitted to the value and
//!    the derivative of each side ("middle way", R.-C. Li 1994), Newton's
//!    step where the model's step points the wrong way, bisection of the
//!    bracket where a step leaves it.
//! 3. **Eigenvectors** (Gu and Eisenstat 1994): `z` is recomputed from the
//!    computed roots, `ẑ_j² = Π_i (λ_i − d_j) / (ρ Π_{i≠j} (d_i − d_j))`,
//!    so the computed λ are exact eigenvalues of `D + ρ ẑ ẑᵀ`, whose
//!    vectors `(ẑ_j / (d_j − λ_i))_j` are then orthogonal to working
//!    accuracy even for close roots. The merged eigenvectors are those
//!    vectors times W: one GEMM.
//!
//! Results are the same at every thread count (the GEMM's sums do not
//! depend on the split). Blocks of order at most [`LEAF`] are solved by the
//! implicit QR sweeps (`decomp::tridiagonal_qr`).

use crate::error::{Error, Result};
use crate::multiversion;

#[cfg(test)]
use super::decomp::tridiagonal_values;
use super::decomp::{check_token, tridiagonal_qr};
use super::gemm::{gemm_into, Mat, Update};
use super::householder::rot;
use super::linalg::LINALG;
use crate::engine::CancelToken;

/// Orders up to this are solved by the implicit QR sweeps (LAPACK's
/// default for `dstedc` is 25).
pub(super) const LEAF: usize = 32;

/// Eigenvalues (into `d`, in no particular order) and eigenvectors (the
/// rows of the n x n `vt`, row i for `d[i]`) of the symmetric tridiagonal matrix with
/// diagonal `d` (order n) and `e[i]` coupling i and i + 1 (`e.len() >= n -
/// 1`).
pub(super) fn tridiagonal_dc(d: &mut [f64], e: &[f64], vt: &mut [f64]) -> Result<()> {
    let mut scratch = Scratch::new(d.len());
    dc(d, e, vt, &mut scratch, true, CancelToken::current())
}

/// Orders from which [`dc`]'s first split solves its two halves at the
/// same time, one per thread, each with buffers of its own. Below the top
/// merge the products are too small to be split over threads (about a
/// quarter of the merges' work for n = 512), so one thread ran them while
/// the other waited.
const PAR_HALVES: usize = 128;

/// The buffers of the merges. A merge runs after its children's, so one
/// set serves the whole recursion, reserved for the top merge up front.
/// (They are still fresh per call: their page faults are a cost of every
/// eigh with vectors.)
struct Scratch {
    wt: Vec<f64>,
    s: [Vec<f64>; 2],
    rows: Vec<f64>,
}

impl Scratch {
    /// Buffers reserved for the merges of order n.
    fn new(n: usize) -> Self {
        Scratch {
            wt: Vec::with_capacity(n * n),
            s: [Vec::with_capacity(n * n / 2), Vec::with_capacity(n * n / 2)],
            rows: Vec::with_capacity(n * n / 2),
        }
    }
}

/// `buf` as a slice of `len` elements (contents unspecified).
fn sized(buf: &mut Vec<f64>, len: usize) -> &mut [f64] {
    if buf.len() < len {
        buf.resize(len, 0.0);
    }
    &mut buf[..len]
}

/// [`tridiagonal_dc`]; the halves' vectors are computed into `vt` (the
/// first half's m x m, then the second's), which the merge reads before it
/// writes the result there.
/// With `split`, the halves of an order of at least [`PAR_HALVES`] run on
/// two threads (the same bits: they share nothing, and every product
/// gives the same bits at any thread count). `cancel` is the calling
/// job's token, checked at every level on whichever thread runs it.
fn dc(
    d: &mut [f64],
    e: &[f64],
    vt: &mut [f64],
    scratch: &mut Scratch,
    split: bool,
    cancel: CancelToken,
) -> Result<()> {
    let n = d.len();
    if n <= LEAF {
        return leaf(d, e, vt);
    }
    check_token(cancel)?;
    let m = n / 2;
    let n2 = n - m;
    let beta = e[m - 1];
    let (d1, d2) = d.split_at_mut(m);
    d1[m - 1] -= beta.abs();
    d2[0] -= beta.abs();
    let (v1, v2) = vt.split_at_mut(m * m);
    let v2 = &mut v2[..n2 * n2];
    let (e1, e2) = (&e[..m - 1], &e[m..]);
    if split && n >= PAR_HALVES && crate::parallel::num_threads() > 1 {
        let halves = [
            (d1.as_mut_ptr() as usize, m, v1.as_mut_ptr() as usize, e1),
            (d2.as_mut_ptr() as usize, n2, v2.as_mut_ptr() as usize, e2),
        ];
        let errs = crate::parallel::map_parts(2, |h| {
            let (dp, len, vp, e) = halves[h];
            // SAFETY: d1/d2 and v1/v2 are disjoint, live for this call,
            // and each half is given to one task alone
            let (d, v) = unsafe {
                (
                    std::slice::from_raw_parts_mut(dp as *mut f64, len),
                    std::slice::from_raw_parts_mut(vp as *mut f64, len * len),
                )
            };
            dc(d, e, v, &mut Scratch::new(len), false, cancel).err()
        });
        if let Some(err) = errs.into_iter().flatten().next() {
            return Err(err);
        }
    } else {
        dc(d1, e1, v1, scratch, false, cancel)?;
        dc(d2, e2, v2, scratch, false, cancel)?;
    }
    merge(d, m, beta, vt, scratch)
}

/// A block of order at most [`LEAF`]: the implicit QR sweeps from the
/// identity.
fn leaf(d: &mut [f64], e: &[f64], vt: &mut [f64]) -> Result<()> {
    let n = d.len();
    let mut zt = vec![0.0; n * n];
    for i in 0..n {
        zt[i * n + i] = 1.0;
    }
    if n > 1 {
        let mut ee = e[..n - 1].to_vec();
        ee.push(0.0);
        tridiagonal_qr(d, &mut ee, Some(&mut zt), n)?;
    }
    vt[..n * n].copy_from_slice(&zt);
    Ok(())
}

/// Merges the halves' eigenpairs (`d[..m]` with the rows of `v1`, the
/// first m x m elements of `vt`, `d[m..]` with those of `v2`, the (n - m)
/// x (n - m) after them) across the coupling `beta` into `d` and `vt`.
fn merge(d: &mut [f64], m: usize, beta: f64, vt: &mut [f64], scratch: &mut Scratch) -> Result<()> {
    let n = d.len();
    let n2 = n - m;
    let Scratch { wt, s: sp, rows } = scratch;
    let (v1, v2) = vt.split_at(m * m);
    let rho = 2.0 * beta.abs();
    let h = std::f64::consts::FRAC_1_SQRT_2;
    let sg = if beta < 0.0 { -h } else { h };
    // z = Wᵀ u: the last component of each of V1's vectors, the first of
    // V2's, over √2 (unit length)
    let z: Vec<f64> = (0..m)
        .map(|j| v1[j * m + m - 1] * h)
        .chain((0..n2).map(|j| v2[j * n2] * sg))
        .collect();
    let mut perm: Vec<usize> = (0..n).collect();
    perm.sort_by(|&i, &j| d[i].total_cmp(&d[j]));
    let mut ds: Vec<f64> = perm.iter().map(|&i| d[i]).collect();
    let mut zs: Vec<f64> = perm.iter().map(|&i| z[i]).collect();
    // W's columns in that order, as rows (zero outside their half), and
    // which halves each is nonzero in (bit 0 top, bit 1 bottom)
    let wt = sized(wt, n * n);
    let mut half: Vec<u8> = perm.iter().map(|&p| if p < m { 1 } else { 2 }).collect();
    for (c, &p) in perm.iter().enumerate() {
        let (top, bottom) = wt[c * n..(c + 1) * n].split_at_mut(m);
        if p < m {
            top.copy_from_slice(&v1[p * m..(p + 1) * m]);
            bottom.fill(0.0);
        } else {
            top.fill(0.0);
            bottom.copy_from_slice(&v2[(p - m) * n2..(p - m + 1) * n2]);
        }
    }
    let kept = deflate(&mut ds, &mut zs, (wt, &mut half), rho);
    let k = kept.len();
    let dk: Vec<f64> = kept.iter().map(|&j| ds[j]).collect();
    let zk: Vec<f64> = kept.iter().map(|&j| zs[j]).collect();
    // each root on its own (O(k) per iteration): halves on two threads
    let parts = if k >= PAR_HALVES {
        crate::parallel::num_threads().min(2)
    } else {
        1
    };
    let roots: Vec<(usize, f64)> = crate::parallel::map_parts(parts, |h| {
        let (i0, i1) = (h * k / parts, (h + 1) * k / parts);
        (i0..i1)
            .map(|i| secular_root(&dk, &zk, rho, i))
            .collect::<Vec<_>>()
    })
    .concat();
    let mut row = vec![0.0; k];
    let zh = gu_eisenstat_z(&dk, &zk, rho, &roots, &mut row);
    // The merged vectors of the roots: the secular problem's eigenvectors
    // (rows of S, normalized) times the kept rows of Wᵀ, into the first k
    // rows of vt. A kept row that is zero in one half adds nothing to
    // that half's columns, so each half is one GEMM over the rows nonzero
    // in it (about half the flops of one product over all rows).
    let parts: Vec<Vec<usize>> = (0..2)
        .map(|b| (0..k).filter(|&t| half[kept[t]] & (1 << b) != 0).collect())
        .collect();
    let [s0, s1] = sp;
    let mut sp = [sized(s0, k * parts[0].len()), sized(s1, k * parts[1].len())];
    for (i, &root) in roots.iter().enumerate() {
        delta_row(&dk, root, &mut row);
        row.iter_mut().zip(&zh).for_each(|(x, &zj)| *x = zj / *x);
        let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
        for (p, s) in parts.iter().zip(sp.iter_mut()) {
            let dst = &mut s[i * p.len()..(i + 1) * p.len()];
            dst.iter_mut().zip(p).for_each(|(x, &t)| *x = row[t] / norm);
        }
    }
    for (b, (p, s)) in parts.iter().zip(&sp).enumerate() {
        let (c0, w) = if b == 0 { (0, m) } else { (m, n2) };
        let rows = sized(rows, p.len() * w);
        for (r, &t) in rows.chunks_exact_mut(w).zip(p) {
            r.copy_from_slice(&wt[kept[t] * n + c0..kept[t] * n + c0 + w]);
        }
        // SAFETY: s is k x |p|, rows |p| x w, and C the k x w block of vt
        // at column c0 (rows n apart), all row-major; vt's halves were
        // read into wt above
        unsafe {
            gemm_into(
                k,
                w,
                p.len(),
                Mat::rows(s.as_ptr(), p.len()),
                Mat::rows(rows.as_ptr(), w),
                (vt.as_mut_ptr().add(c0), n, Update::Store),
            )
        };
    }
    for (i, &(o, tau)) in roots.iter().enumerate() {
        d[i] = dk[o] + tau;
    }
    let mut is_kept = vec![false; n];
    kept.iter().for_each(|&j| is_kept[j] = true);
    for (r, j) in (k..n).zip((0..n).filter(|&j| !is_kept[j])) {
        d[r] = ds[j];
        vt[r * n..(r + 1) * n].copy_from_slice(&wt[j * n..(j + 1) * n]);
    }
    if vt.iter().any(|x| !x.is_finite()) {
        return Err(Error::new(LINALG, "Eigenvalues did not converge"));
    }
    Ok(())
}

/// `row[j] = d_j − λ` for the root `(origin, τ)`, `λ = d[origin] + τ`,
/// formed from the origin: `(d_j − d_origin) − τ`.
fn delta_row(d: &[f64], (o, tau): (usize, f64), row: &mut [f64]) {
    let org = d[o];
    row.iter_mut()
        .zip(d)
        .for_each(|(x, &dj)| *x = (dj - org) - tau);
}

/// Deflation of `D + ρ z zᵀ` (`ds` ascending, `zs` unit length, the rows
/// of `wt` the matching vectors, `half` the halves each is nonzero in): returns the indices left for the
/// secular equation, in ascending order of `ds`; the others are
/// eigenpairs as they stand. Rotated pairs update `ds`, `zs` and `wt`.
fn deflate(
    ds: &mut [f64],
    zs: &mut [f64],
    (wt, half): (&mut [f64], &mut [u8]),
    rho: f64,
) -> Vec<usize> {
    let n = ds.len();
    let dmax = ds.iter().fold(0.0f64, |a, &x| a.max(x.abs()));
    let tol = 8.0 * f64::EPSILON * dmax.max(rho);
    let mut kept = Vec::with_capacity(n);
    let mut prev: Option<usize> = None;
    for j in 0..n {
        if rho * zs[j].abs() <= tol {
            continue; // (d_j, w_j) is an eigenpair to working accuracy
        }
        if let Some(p) = prev {
            // a rotation of p and j that zeroes z_p: the error it leaves
            // off the diagonal is (d_j − d_p) c s
            let tau = zs[p].hypot(zs[j]);
            let (c, s) = (zs[j] / tau, -zs[p] / tau);
            if ((ds[j] - ds[p]) * c * s).abs() <= tol {
                zs[p] = 0.0;
                zs[j] = tau;
                let (dp, dj) = (ds[p], ds[j]);
                ds[p] = dp * c * c + dj * s * s;
                ds[j] = dp * s * s + dj * c * c;
                let (lo, hi) = wt.split_at_mut(j * n);
                rot(&mut lo[p * n..(p + 1) * n], &mut hi[..n], c, s);
                let both = half[p] | half[j];
                half[p] = both;
                half[j] = both;
            } else {
                kept.push(p);
            }
        }
        prev = Some(j);
    }
    if let Some(p) = prev {
        kept.push(p);
    }
    kept
}

/// Root `i` (ascending) of `1 + ρ Σ z_j² / (d_j − λ)` for `d` strictly
/// ascending and no `z_j` zero, as `(origin, τ)`: `λ = d[origin] + τ`.
fn secular_root(d: &[f64], z: &[f64], rho: f64, i: usize) -> (usize, f64) {
    let k = d.len();
    if k == 1 {
        return (0, rho * z[0] * z[0]);
    }
    let last = i == k - 1;
    // the origin, and the bracket of τ around it
    let (org, mut lo, mut hi) = if last {
        (i, 0.0, rho * z.iter().map(|x| x * x).sum::<f64>())
    } else {
        let mid = 0.5 * (d[i + 1] - d[i]);
        let (psi, _, phi, _) = sums(d, z, i, d[i], mid);
        let f = 1.0 / rho + (psi + phi);
        if f >= 0.0 {
            (i, 0.0, mid)
        } else {
            (i + 1, -mid, 0.0)
        }
    };
    let dorg = d[org];
    let mut tau = 0.5 * (lo + hi);
    for _ in 0..100 {
        let (psi, dpsi, phi, dphi) = sums(d, z, i, dorg, tau);
        let w = 1.0 / rho + (psi + phi);
        let dw = dpsi + dphi;
        let bound = 8.0 * (phi - psi) + 2.0 / rho + 3.0 * tau.abs() * dw;
        if w.abs() <= f64::EPSILON * bound {
            break;
        }
        if w < 0.0 {
            lo = tau;
        } else {
            hi = tau;
        }
        let di = (d[i] - dorg) - tau;
        let mut eta = if last {
            // one pole, d[k-1], fitted to the value and the whole slope
            let c = w - di * dw;
            if c > 0.0 {
                di + di * di * dw / c
            } else {
                f64::NAN
            }
        } else {
            let di1 = (d[i + 1] - dorg) - tau;
            let a = (di + di1) * w - di * di1 * dw;
            let b = di * di1 * w;
            let c = w - di * dpsi - di1 * dphi;
            let disc = (a * a - 4.0 * b * c).abs().sqrt();
            if c == 0.0 {
                b / a
            } else if a <= 0.0 {
                (a - disc) / (2.0 * c)
            } else {
                2.0 * b / (a + disc)
            }
        };
        if !eta.is_finite() || w * eta >= 0.0 {
            eta = -w / dw; // Newton
        }
        let mut next = tau + eta;
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if next == tau {
            break;
        }
        tau = next;
    }
    (org, tau)
}

/// `(ψ, ψ', φ, φ')` at `λ = dorg + τ`: ψ sums `z_j² / (d_j − λ)`
/// over `j <= i`, φ over `j > i`; the primes are the derivatives in λ.
#[inline]
fn sums(d: &[f64], z: &[f64], i: usize, dorg: f64, tau: f64) -> (f64, f64, f64, f64) {
    let (psi, dpsi) = side(&d[..i + 1], &z[..i + 1], dorg, tau);
    let (phi, dphi) = side(&d[i + 1..], &z[i + 1..], dorg, tau);
    (psi, dpsi, phi, dphi)
}

/// `(Σ z_j² / δ_j, Σ (z_j / δ_j)²)` with `δ_j = (d_j − dorg) − τ`, in four
/// lanes (the divisions vectorize).
#[inline(always)]
fn side_body(d: &[f64], z: &[f64], dorg: f64, tau: f64) -> (f64, f64) {
    let (mut s, mut ds) = ([0.0f64; 4], [0.0f64; 4]);
    let n4 = d.len() / 4 * 4;
    for (dc, zc) in d[..n4].chunks_exact(4).zip(z[..n4].chunks_exact(4)) {
        for l in 0..4 {
            let t = zc[l] / ((dc[l] - dorg) - tau);
            s[l] += zc[l] * t;
            ds[l] += t * t;
        }
    }
    for (&dj, &zj) in d[n4..].iter().zip(&z[n4..]) {
        let t = zj / ((dj - dorg) - tau);
        s[0] += zj * t;
        ds[0] += t * t;
    }
    (
        (s[0] + s[1]) + (s[2] + s[3]),
        (ds[0] + ds[1]) + (ds[2] + ds[3]),
    )
}
multiversion!(fn side<>(d: &[f64], z: &[f64], dorg: f64, tau: f64) -> (f64, f64) => side_body);

/// Gu and Eisenstat's `ẑ`: the `z` for which the computed roots are the
/// exact eigenvalues of `D + ρ ẑ ẑᵀ`, signed as `z`. `ẑ_j² = (λ_j −
/// d_j)/ρ · Π_{i≠j} (λ_i − d_j)/(d_i − d_j)`, accumulated a root at a time
/// (`row` is scratch of k elements).
fn gu_eisenstat_z(
    d: &[f64],
    z: &[f64],
    rho: f64,
    roots: &[(usize, f64)],
    row: &mut [f64],
) -> Vec<f64> {
    let k = d.len();
    let mut w = vec![1.0; k];
    for (i, &root) in roots.iter().enumerate() {
        delta_row(d, root, row);
        let di = d[i];
        let ratio = |(x, (&dl, &dj)): (&mut f64, (&f64, &f64))| *x *= -dl / (di - dj);
        w[..i]
            .iter_mut()
            .zip(row[..i].iter().zip(&d[..i]))
            .for_each(ratio);
        w[i + 1..]
            .iter_mut()
            .zip(row[i + 1..].iter().zip(&d[i + 1..]))
            .for_each(ratio);
        w[i] *= -row[i] / rho;
    }
    w.iter()
        .zip(z)
        .map(|(x, zj)| x.abs().sqrt().copysign(*zj))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dense symmetric tridiagonal matrix.
    fn dense(d: &[f64], e: &[f64]) -> Vec<f64> {
        let n = d.len();
        let mut t = vec![0.0; n * n];
        for i in 0..n {
            t[i * n + i] = d[i];
            if i + 1 < n {
                t[i * n + i + 1] = e[i];
                t[(i + 1) * n + i] = e[i];
            }
        }
        t
    }

    /// max |T v − λ v| and max |VᵀV − I| entry, both over ‖T‖ (max-norm
    /// of the entries, times n for the residual).
    fn check(d0: &[f64], e0: &[f64], what: &str) {
        let n = d0.len();
        let (mut d, mut vt) = (d0.to_vec(), vec![0.0; n * n]);
        tridiagonal_dc(&mut d, e0, &mut vt).unwrap();
        let t = dense(d0, e0);
        let scale = t.iter().fold(1e-300f64, |a, &x| a.max(x.abs())) * n as f64;
        let mut worst = 0.0f64;
        for (i, v) in vt.chunks_exact(n).enumerate() {
            for r in 0..n {
                let tv: f64 = (0..n).map(|c| t[r * n + c] * v[c]).sum();
                worst = worst.max((tv - d[i] * v[r]).abs() / scale);
            }
        }
        assert!(worst < 1e-14, "{what}: residual {worst:e}");
        let mut orth = 0.0f64;
        for i in 0..n {
            for j in 0..=i {
                let dot: f64 = (0..n).map(|r| vt[i * n + r] * vt[j * n + r]).sum();
                orth = orth.max((dot - if i == j { 1.0 } else { 0.0 }).abs());
            }
        }
        assert!(
            orth < 1e-13 * n as f64 / 64.0 + 1e-14,
            "{what}: orthogonality {orth:e}"
        );
        // the eigenvalues of the QR sweeps
        let (mut dq, mut eq) = (d0.to_vec(), e0[..n - 1].to_vec());
        eq.push(0.0);
        tridiagonal_qr(&mut dq, &mut eq, None, n).unwrap();
        // and of the root-free sweeps (eigvalsh's)
        let mut dv = d0.to_vec();
        tridiagonal_values(&mut dv, e0).unwrap();
        dq.sort_by(f64::total_cmp);
        d.sort_by(f64::total_cmp);
        dv.sort_by(f64::total_cmp);
        for ((a, b), c) in d.iter().zip(&dq).zip(&dv) {
            assert!((a - b).abs() <= 1e-13 * scale, "{what}: {a} vs {b}");
            assert!(
                (c - b).abs() <= 1e-13 * scale,
                "{what}: root-free {c} vs {b}"
            );
        }
    }

    fn lcg(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64) / ((1u64 << 53) as f64) - 0.5
        }
    }

    #[test]
    fn random_tridiagonals() {
        for &n in &[33usize, 40, 64, 65, 100, 257] {
            let mut r = lcg(n as u64);
            let d: Vec<f64> = (0..n).map(|_| r()).collect();
            let e: Vec<f64> = (0..n).map(|_| r()).collect();
            check(&d, &e, &format!("random {n}"));
        }
    }

    #[test]
    fn hard_spectra_deflate_and_stay_orthogonal() {
        let n = 200;
        // Wilkinson's W+: pairs of nearly equal eigenvalues
        let d: Vec<f64> = (0..n)
            .map(|i| (i as f64 - (n as f64 - 1.0) / 2.0).abs())
            .collect();
        check(&d, &vec![1.0; n], "wilkinson");
        // glued copies: clusters of eigenvalues equal to 1e-14
        let w: Vec<f64> = (0..20).map(|i| (i as f64 - 9.5).abs()).collect();
        let d: Vec<f64> = (0..n).map(|i| w[i % 20]).collect();
        let e: Vec<f64> = (0..n)
            .map(|i| if i % 20 == 19 { 1e-14 } else { 1.0 })
            .collect();
        check(&d, &e, "glued");
        // a multiple of the identity, split couplings, negative couplings
        check(&vec![3.0; 100], &vec![0.0; 100], "identity");
        let e: Vec<f64> = (0..n)
            .map(|i| if i % 3 == 0 { 0.0 } else { -0.5 })
            .collect();
        check(&vec![2.0; n], &e, "split");
        // the (1, 2, 1) Laplacian and graded entries
        check(&vec![2.0; n], &vec![-1.0; n], "laplacian");
        let d: Vec<f64> = (0..n).map(|i| 10f64.powi(-(i as i32 % 12))).collect();
        let e: Vec<f64> = (0..n).map(|i| 10f64.powi(-(i as i32 % 12)) * 0.5).collect();
        check(&d, &e, "graded");
    }

    #[test]
    fn secular_roots_are_the_eigenvalues_of_the_rank_one_update() {
        // a pole pair 1e-9 apart and a small z: roots close to the poles
        let d = [-1.0, 0.0, 1e-9, 2.0, 5.0];
        let z = [0.5, 1e-6, 0.3, 0.6, 0.5];
        let rho = 1.5;
        let n = d.len();
        let mut a: Vec<f64> = (0..n * n).map(|t| rho * z[t / n] * z[t % n]).collect();
        for i in 0..n {
            a[i * n + i] += d[i];
        }
        let mut want = vec![0.0; n];
        super::super::decomp::eigh(&mut a, n, false, &mut want, None).unwrap();
        for i in 0..n {
            let (o, tau) = secular_root(&d, &z, rho, i);
            let lam = d[o] + tau;
            assert!(
                lam > d[i] && (i + 1 == n || lam < d[i + 1]),
                "root {i}: {lam}"
            );
            assert!(
                (lam - want[i]).abs() < 1e-15 * 8.0,
                "root {i}: {lam} vs {}",
                want[i]
            );
        }
    }
}
