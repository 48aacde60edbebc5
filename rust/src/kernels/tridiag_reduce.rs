//! Householder reduction of a symmetric matrix to tridiagonal form
//! (`eigh`'s first step, LAPACK's `dsytrd` in its lower form), blocked:
//! panels of [`NB`] reflectors are generated against the trailing matrix
//! as it stands, corrected by the panel's earlier reflectors on the fly
//! (`dlatrd`'s scheme), and the panel's rank-2k update is applied to the
//! trailing matrix at the end by GEMMs.
//!
//! Why: each reflector needs the product of the trailing matrix with its
//! vector (a full read of the trailing lower triangle). Unblocked, every
//! step also rewrote the triangle with its rank-2 update: three passes
//! over a matrix that lives in L3 (n = 512: 2 MiB), 4n³ bytes in all.
//! Blocked, the per-step pass is the read alone and the updates are
//! GEMMs (threaded) once per panel.
//!
//! Only the lower triangle is read and updated (the symmetric product and
//! the updates touch half the matrix); the strictly upper part holds
//! garbage afterwards. The last [`NX`] columns are reduced one at a time.

use crate::error::Result;

use super::decomp::check_cancel;
use super::gemm::{gemm_into, Mat, Update};
use super::householder::{axpy, dot, house, rank2};
use crate::parallel::{self, SendPtr};

/// Reflectors per panel.
const NB: usize = 32;

/// Trailing orders up to this are reduced column by column.
const NX: usize = 128;

/// Rows of the trailing update per GEMM: a block of rows is updated up to
/// its last column, so the part above the diagonal it also writes is at
/// most this wide.
const UPDATE_ROWS: usize = 96;

/// Reduces the symmetric matrix whose lower triangle is in `a` (n x n,
/// row-major, destroyed) to `T = Qᵀ A Q`: the diagonal into `d`, the
/// couplings into `e` (`e[i]` couples i and i + 1; `e[n-1]` untouched),
/// and with `vs` the reflectors (`H_k = I − τ v vᵀ`, v from row k + 1 with
/// `v[0] = 1`), whose product `H_0 ⋯ H_{n-3}` is Q.
pub(super) fn tridiagonalize(
    a: &mut [f64],
    n: usize,
    d: &mut [f64],
    e: &mut [f64],
    mut vs: Option<&mut Vec<(Vec<f64>, f64)>>,
) -> Result<()> {
    let last = n.saturating_sub(2);
    let mut p = Vec::with_capacity(n);
    let mut part = Vec::with_capacity(n);
    // the panels' vectors: one buffer for all (fresh 400 KiB per panel
    // cost page faults)
    let mut vw = Vec::new();
    let mut k0 = 0;
    while k0 < last {
        check_cancel()?;
        if n - k0 <= NX {
            for k in k0..last {
                let (v, tau) = reduce_column(a, n, k, (d, e), (&mut p, &mut part));
                if let Some(vs) = vs.as_deref_mut() {
                    vs.push((v, tau));
                }
            }
            break;
        }
        let nb = NB.min(last - k0);
        panel(
            a,
            n,
            (k0, nb),
            (d, e),
            (&mut p, &mut part, &mut vw),
            vs.as_deref_mut(),
        );
        k0 += nb;
    }
    if n >= 2 {
        d[n - 2] = a[(n - 2) * n + n - 2];
        e[n - 2] = a[(n - 1) * n + n - 2];
    }
    if n >= 1 {
        d[n - 1] = a[(n - 1) * n + n - 1];
    }
    Ok(())
}

/// One unblocked step: the reflector of column k, applied to the trailing
/// lower triangle as a rank-2 update. Returns the reflector.
fn reduce_column(
    a: &mut [f64],
    n: usize,
    k: usize,
    (d, e): (&mut [f64], &mut [f64]),
    (p, part): (&mut Vec<f64>, &mut Vec<f64>),
) -> (Vec<f64>, f64) {
    d[k] = a[k * n + k];
    let mut v: Vec<f64> = (k + 1..n).map(|i| a[i * n + k]).collect();
    let (beta, tau) = house(v[0], &mut v[1..]);
    v[0] = 1.0;
    e[k] = beta;
    if tau != 0.0 {
        // B ← H B H for B = a[k+1.., k+1..]: w = p − (τ/2)(pᵀv)v,
        // p = τ B v, then B −= v wᵀ + w vᵀ
        let c0 = k + 1;
        symv_lower(a, n, c0, &v, (p, part));
        to_w(p, &v, tau);
        for (i, (&vi, &wi)) in v.iter().zip(p.iter()).enumerate() {
            let row = &mut a[(c0 + i) * n + c0..(c0 + i) * n + c0 + i + 1];
            rank2(row, -vi, &p[..=i], -wi, &v[..=i]);
        }
    }
    (v, tau)
}

/// `p ← τ p − (τ/2)(τ pᵀv) v`: from `p = B v` to the `w` of the rank-2
/// update `B −= v wᵀ + w vᵀ` that applies `H = I − τ v vᵀ` from both sides.
fn to_w(p: &mut [f64], v: &[f64], tau: f64) {
    p.iter_mut().for_each(|x| *x *= tau);
    let kk = 0.5 * tau * dot(p, v);
    axpy(p, -kk, v);
}

/// Columns `k0..k0 + nb` reduced as a panel, then the trailing matrix
/// (rows and columns from `k0 + nb`) updated by `V Wᵀ + W Vᵀ`; `p` and
/// `part` and `vw` are scratch.
fn panel(
    a: &mut [f64],
    n: usize,
    (k0, nb): (usize, usize),
    (d, e): (&mut [f64], &mut [f64]),
    (p, part, vw): (&mut Vec<f64>, &mut Vec<f64>, &mut Vec<f64>),
    mut vs: Option<&mut Vec<(Vec<f64>, f64)>>,
) {
    // the panel's rows start at b0 (the first row a reflector touches):
    // rows 0..nb of `vw` are V's columns, nb..2nb W's, 2nb..3nb V's again
    // (so `[V W]` and `[W V]` are both runs of rows); zero above each
    // vector's start
    let b0 = k0 + 1;
    let len = n - b0;
    vw.clear();
    vw.resize(3 * nb * len, 0.0);
    let mut col = Vec::with_capacity(n);
    for i in 0..nb {
        let k = k0 + i;
        // column k from the diagonal down, with the panel's earlier
        // updates (rows from k: panel offset i − 1)
        col.clear();
        col.extend((k..n).map(|r| a[r * n + k]));
        if i > 0 {
            let (vrows, wrows) = vw.split_at(nb * len);
            for t in 0..i {
                let (vt, wt) = (
                    &vrows[t * len..(t + 1) * len],
                    &wrows[t * len..(t + 1) * len],
                );
                rank2(&mut col, -wt[i - 1], &vt[i - 1..], -vt[i - 1], &wt[i - 1..]);
            }
        }
        d[k] = col[0];
        let v = &mut col[1..];
        let (beta, tau) = house(v[0], &mut v[1..]);
        v[0] = 1.0;
        e[k] = beta;
        // w = τ (B v − V (Wᵀ v) − W (Vᵀ v)) − (τ/2)(wᵀ v) v, B the trailing
        // matrix as it stands (without this panel's updates)
        let v = &col[1..];
        symv_lower(a, n, k + 1, v, (p, part));
        {
            let (vrows, wrows) = vw.split_at(nb * len);
            for t in 0..i {
                let (vt, wt) = (
                    &vrows[t * len + i..(t + 1) * len],
                    &wrows[t * len + i..(t + 1) * len],
                );
                let (wv, vv) = (dot(wt, v), dot(vt, v));
                rank2(p, -wv, vt, -vv, wt);
            }
        }
        if tau != 0.0 {
            to_w(p, v, tau);
        } else {
            p.iter_mut().for_each(|x| *x = 0.0);
        }
        vw[i * len + i..(i + 1) * len].copy_from_slice(v);
        vw[(nb + i) * len + i..(nb + i + 1) * len].copy_from_slice(p);
        vw[(2 * nb + i) * len + i..(2 * nb + i + 1) * len].copy_from_slice(v);
        if let Some(vs) = vs.as_deref_mut() {
            vs.push((v.to_vec(), tau));
        }
    }
    // A22 −= [V W] [W V]ᵀ over the lower triangle, a block of rows at a
    // time (each up to its last column)
    let t0 = k0 + nb; // first trailing row and column
    let off = t0 - b0; // its offset in the panel's vectors
    let ts = n - t0;
    for r0 in (0..ts).step_by(UPDATE_ROWS) {
        let r1 = (r0 + UPDATE_ROWS).min(ts);
        let c = a[(t0 + r0) * n + t0..].as_mut_ptr();
        // SAFETY: X = [V W] (ts x 2nb, element (g, t) at row t, column off
        // + g of vw) and Y = [W V] (2nb x ts) lie in vw; C (rows t0 + r0..
        // t0 + r1, columns t0..t0 + r1, rows n apart) in `a`, disjoint
        unsafe {
            gemm_into(
                r1 - r0,
                r1,
                2 * nb,
                Mat {
                    ptr: vw.as_ptr().add(off + r0),
                    rs: 1,
                    cs: len as isize,
                },
                Mat::rows(vw.as_ptr().add(nb * len + off), len),
                (c, n, Update::Sub),
            );
        }
    }
}

/// Trailing orders from which the symmetric product is split in two (at
/// any thread count, so the sums, and the bits, do not depend on it).
const SPLIT_SYMV: usize = 128;

/// `p = B v` for the symmetric `B = a[c0.., c0..]` (row-major, width `n`)
/// of which only the lower triangle is read. From [`SPLIT_SYMV`] rows the
/// triangle is cut in two parts of equal area, summed into `p` and `part`
/// by two tasks (threads where there are), then `p += part`.
fn symv_lower(
    a: &[f64],
    n: usize,
    c0: usize,
    v: &[f64],
    (p, part): (&mut Vec<f64>, &mut Vec<f64>),
) {
    let m = v.len();
    p.clear();
    p.resize(m, 0.0);
    if m < SPLIT_SYMV {
        symv_rows(a, n, c0, v, 0..m, p);
        return;
    }
    part.clear();
    part.resize(m, 0.0);
    let cut = (m as f64 * std::f64::consts::FRAC_1_SQRT_2) as usize;
    let outs = [SendPtr(p.as_mut_ptr()), SendPtr(part.as_mut_ptr())];
    parallel::run_parallel(2, |t| {
        // SAFETY: task t alone writes outs[t], a buffer of m elements
        let out = unsafe { std::slice::from_raw_parts_mut(outs[t].get(), m) };
        let rows = if t == 0 { 0..cut } else { cut..m };
        symv_rows(a, n, c0, v, rows, out);
    });
    axpy(p, 1.0, part);
}

/// Rows `rows` of [`symv_lower`]'s triangle added into `p`: row i gives
/// `p[i]` its part left of and on the diagonal (a dot product) and adds
/// `v[i]` times itself into `p[..i]` (the part above, by symmetry), while
/// the row is in cache.
fn symv_rows(
    a: &[f64],
    n: usize,
    c0: usize,
    v: &[f64],
    rows: std::ops::Range<usize>,
    p: &mut [f64],
) {
    for i in rows {
        let r0 = (c0 + i) * n + c0; // row c0 + i from column c0
        let row = &a[r0..r0 + i];
        let s = dot(row, &v[..i]) + a[r0 + i] * v[i];
        axpy(&mut p[..i], v[i], row);
        p[i] += s;
    }
}
