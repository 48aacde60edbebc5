//! Householder reflectors and the row kernels of the orthogonal
//! decompositions (`decomp.rs`): the reflector of a vector (LAPACK's
//! `dlarfg` convention), its application from either side as row axpys,
//! the blocked form `I - V T Vᵀ` of 32 reflectors applied by two GEMMs, and
//! the vectorized plane rotation, axpy and dot of rows (`multiversion!`).

use crate::dtype::Float;
use crate::multiversion;

use super::gemm::{gemm, gemm_into, Mat, Update};

/// `x ← c·x + s·y`, `y ← c·y − s·x`, each as one rounded product and one
/// fused multiply-add (`c·u + (s·v)`, `c·v − (s·u)`; plain multiply and
/// add in wasm, which has no fused instruction): four vector operations
/// an element instead of six (`svd` 512, AVX-512, alternating processes:
/// 100.9-104.1 ms against 104.5-106.6). `mul_add` is correctly rounded
/// wherever it runs (a software fma below AVX2), so every native level
/// gives the same bits.
pub(super) fn rot_body<T: Float>(x: &mut [T], y: &mut [T], c: T, s: T) {
    for (a, b) in x.iter_mut().zip(y.iter_mut()) {
        let (u, v) = (*a, *b);
        *a = s.mul(v).mul_add_to(c, u);
        *b = s.mul(u).neg().mul_add_to(c, v);
    }
}
multiversion!(pub(super) fn rot_t<T: Float>(x: &mut [T], y: &mut [T], c: T, s: T) => rot_body);

pub(super) fn axpy_body<T: Float>(y: &mut [T], a: T, x: &[T]) {
    for (u, &v) in y.iter_mut().zip(x) {
        *u = u.add(a.mul(v));
    }
}
multiversion!(pub(super) fn axpy_t<T: Float>(y: &mut [T], a: T, x: &[T]) => axpy_body);

pub(super) fn rank2_body<T: Float>(y: &mut [T], a: T, x: &[T], b: T, z: &[T]) {
    for ((u, &v), &w) in y.iter_mut().zip(x).zip(z) {
        *u = u.add(a.mul(v)).add(b.mul(w));
    }
}
multiversion!(pub(super) fn rank2_t<T: Float>(y: &mut [T], a: T, x: &[T], b: T, z: &[T]) => rank2_body);

/// `y ← y + a·x + b·z` (one row of a symmetric rank-2 update).
#[inline]
pub(super) fn rank2(y: &mut [f64], a: f64, x: &[f64], b: f64, z: &[f64]) {
    rank2_t::<f64>(y, a, x, b, z)
}

/// `x ← c·x + s·y`, `y ← c·y − s·x` (a plane rotation of two rows).
#[inline]
pub(super) fn rot(x: &mut [f64], y: &mut [f64], c: f64, s: f64) {
    rot_t::<f64>(x, y, c, s)
}
#[inline]
pub(super) fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    axpy_t::<f64>(y, a, x)
}
#[inline]
pub(super) fn dot(x: &[f64], y: &[f64]) -> f64 {
    // reduce's 16-lane dot (in vector registers on x86_64; a 4-lane
    // loop here compiled to 2-lane xmm pieces)
    super::reduce::dot_float_dispatch(x, y)
}

/// Plane rotations of the rows of a row-major matrix (the eigenvectors or
/// singular vectors the implicit QR sweeps rotate), recorded in order and
/// applied in batches, the columns split over the threads.
///
/// Columns are independent under row rotations, so every element gets
/// exactly the operations, in the same order, that applying each rotation
/// at once to two full rows gives: the same bits at any thread count. The
/// sweeps never read the matrix, so deferring changes nothing they
/// compute. Each thread works on its own copy of its columns (taken at
/// the first batch, written back by [`RotationLog::finish`]): two threads
/// rotating the two halves of the same rows in place ran 2x *slower* than
/// one thread on the full rows, while two threads on two separate
/// matrices scaled perfectly (a `/tmp` Rust test: 65,536 rotations of
/// 512-wide rows, one thread 9.4 ms, halves in place 19 ms, halves in
/// private buffers 6.8 ms including the copies). The cause is not
/// verified; lines near the boundary moving between the cores is the
/// likely one.
pub(super) struct RotationLog {
    rows: usize,
    width: usize,
    /// (row whose new value is `c·x + s·y`, row whose new value is
    /// `c·y − s·x`, c, s), as [`rot`]`(x, y, c, s)` takes them
    rots: Vec<(u32, u32, f64, f64)>,
    /// per part: its first column and its columns (rows x its width)
    blocks: Vec<(usize, Vec<f64>)>,
}

/// Rotations per batch of a [`RotationLog`] (24 bytes each: 1.5 MB).
const ROT_BATCH: usize = 1 << 16;

impl RotationLog {
    /// A log for a matrix of `rows` x `width`.
    pub(super) fn new(rows: usize, width: usize) -> Self {
        // row numbers are recorded as u32
        assert!(
            rows <= u32::MAX as usize,
            "too many rows for a rotation log"
        );
        RotationLog {
            rows,
            width,
            rots: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// Records `rot(row x, row y, c, s)` (rows x != y, both < rows),
    /// applying the batch to `a` when it is full.
    /// (Checked in debug builds only: this runs once per rotation, and
    /// [`apply_rotations`] indexes with bounds checks, so a bad pair
    /// panics there, inside the FFI guard.)
    pub(super) fn push(&mut self, a: &mut [f64], x: usize, y: usize, c: f64, s: f64) {
        debug_assert!(
            x != y && x.max(y) < self.rows,
            "rotation outside the matrix"
        );
        self.rots.push((x as u32, y as u32, c, s));
        if self.rots.len() >= ROT_BATCH {
            self.flush(a);
        }
    }

    /// Applies the recorded rotations: in place on one thread; otherwise
    /// to each part's private columns, one part per thread.
    fn flush(&mut self, a: &mut [f64]) {
        let (rows, w) = (self.rows, self.width);
        assert!(rows * w <= a.len(), "matrix smaller than its log");
        if self.rots.is_empty() || w == 0 {
            self.rots.clear();
            return;
        }
        if self.blocks.is_empty() {
            // 6 flops per element and rotation; parts of whole cache lines
            let parts = crate::parallel::parts_for(w, 6 * self.rots.len())
                .min(w / 8)
                .max(1);
            if parts > 1 {
                let chunk = (w + parts - 1) / parts;
                let chunk = (chunk + 7) / 8 * 8;
                for c0 in (0..w).step_by(chunk) {
                    let cw = chunk.min(w - c0);
                    let mut blk = Vec::with_capacity(rows * cw);
                    for r in 0..rows {
                        blk.extend_from_slice(&a[r * w + c0..r * w + c0 + cw]);
                    }
                    self.blocks.push((c0, blk));
                }
            }
        }
        let rots = &self.rots;
        if self.blocks.is_empty() {
            apply_rotations(&mut a[..rows * w], w, rots);
        } else {
            let ptrs: Vec<(usize, usize)> = self
                .blocks
                .iter_mut()
                .map(|(_, b)| (b.as_mut_ptr() as usize, b.len()))
                .collect();
            crate::parallel::run_parallel(ptrs.len(), |i| {
                let (p, len) = ptrs[i];
                // SAFETY: each part owns its block; the blocks outlive the
                // call, and nothing else touches them meanwhile.
                let blk = unsafe { std::slice::from_raw_parts_mut(p as *mut f64, len) };
                apply_rotations(blk, len / rows, rots);
            });
        }
        self.rots.clear();
    }

    /// Applies what is left and writes the parts' columns back into `a`.
    pub(super) fn finish(mut self, a: &mut [f64]) {
        self.flush(a);
        let (rows, w) = (self.rows, self.width);
        for (c0, blk) in &self.blocks {
            let cw = blk.len() / rows;
            for r in 0..rows {
                a[r * w + c0..r * w + c0 + cw].copy_from_slice(&blk[r * cw..(r + 1) * cw]);
            }
        }
    }
}

/// `rot(row x, row y, c, s)` for each rotation in order, on a row-major
/// matrix of width `w`.
fn apply_rotations(m: &mut [f64], w: usize, rots: &[(u32, u32, f64, f64)]) {
    for &(x, y, c, s) in rots {
        let (x, y) = (x as usize, y as usize);
        let (rx, ry) = if x < y {
            let (lo, hi) = m.split_at_mut(y * w);
            (&mut lo[x * w..(x + 1) * w], &mut hi[..w])
        } else {
            let (lo, hi) = m.split_at_mut(x * w);
            let (ry, rx) = (&mut lo[y * w..(y + 1) * w], &mut hi[..w]);
            (rx, ry)
        };
        rot(rx, ry, c, s);
    }
}

/// Euclidean norm without overflow or underflow.
pub(super) fn norm2(x: &[f64]) -> f64 {
    let scale = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return scale;
    }
    let inv = 1.0 / scale;
    scale * x.iter().map(|v| (v * inv) * (v * inv)).sum::<f64>().sqrt()
}

/// LAPACK `dlarfg`: for `x = [alpha, rest]` finds `H = I − τ v vᵀ` with
/// `v = [1, rest']` so that `H x = [beta, 0…]`. `rest` becomes `rest'`;
/// returns `(beta, tau)`.
pub(super) fn house(alpha: f64, rest: &mut [f64]) -> (f64, f64) {
    let xnorm = norm2(rest);
    if xnorm == 0.0 {
        return (alpha, 0.0);
    }
    let beta = -alpha.signum() * alpha.hypot(xnorm);
    let tau = (beta - alpha) / beta;
    let inv = 1.0 / (alpha - beta);
    rest.iter_mut().for_each(|v| *v *= inv);
    (beta, tau)
}

/// Applies `H = I − τ v vᵀ` from the left to rows `r0..r0+v.len()`,
/// columns `c0..c1` of the row-major matrix `a` (width `w`). `tmp` is
/// scratch of at least `c1 − c0`.
#[allow(clippy::too_many_arguments)]
pub(super) fn reflect_left(
    a: &mut [f64],
    w: usize,
    r0: usize,
    c0: usize,
    c1: usize,
    v: &[f64],
    tau: f64,
    tmp: &mut Vec<f64>,
) {
    if tau == 0.0 || c1 <= c0 {
        return;
    }
    tmp.clear();
    tmp.resize(c1 - c0, 0.0);
    for (i, &vi) in v.iter().enumerate() {
        if vi != 0.0 {
            let r = (r0 + i) * w;
            axpy(tmp, vi, &a[r + c0..r + c1]);
        }
    }
    for (i, &vi) in v.iter().enumerate() {
        let f = -tau * vi;
        if f != 0.0 {
            let r = (r0 + i) * w;
            axpy(&mut a[r + c0..r + c1], f, tmp);
        }
    }
}

/// Applies `H = I − τ v vᵀ` from the right to columns `c0..c0+v.len()` of
/// rows `r0..r1`.
pub(super) fn reflect_right(
    a: &mut [f64],
    w: usize,
    r0: usize,
    r1: usize,
    c0: usize,
    v: &[f64],
    tau: f64,
) {
    if tau == 0.0 {
        return;
    }
    for r in r0..r1 {
        let row = &mut a[r * w + c0..r * w + c0 + v.len()];
        let s = dot(row, v);
        axpy(row, -tau * s, v);
    }
}

/// The Householder step on column `j` of the m x n matrix `a`: `col`
/// becomes the reflector `v` (`v[0] = 1`) that zeroes `a[j+1.., j]`,
/// applied to the columns right of `j`. Returns `(beta, tau)`, `beta` the
/// new `a[j][j]` (the caller stores it).
pub(super) fn house_column(
    a: &mut [f64],
    (m, n): (usize, usize),
    (j, c1): (usize, usize),
    col: &mut Vec<f64>,
    tmp: &mut Vec<f64>,
) -> (f64, f64) {
    col.clear();
    col.extend((j..m).map(|i| a[i * n + j]));
    let (beta, tau) = house(col[0], &mut col[1..]);
    col[0] = 1.0;
    reflect_left(a, n, j, j + 1, c1, col, tau, tmp);
    (beta, tau)
}

/// Sets the rows x cols `q` to `H_0 ⋯ H_{p-1} I`: the orthogonal factor
/// of a Householder reduction whose reflectors `hs` (`H_j = I − τ v vᵀ`)
/// act from row and column `j + shift`. Blocks of [`RB`] reflectors are
/// applied at once, from the last, as `I − V T Vᵀ` by two GEMMs
/// ([`BlockReflector`]).
pub(super) fn accumulate(
    q: &mut [f64],
    (rows, cols): (usize, usize),
    shift: usize,
    hs: &[(Vec<f64>, f64)],
) {
    q[..rows * cols].fill(0.0);
    for i in 0..rows.min(cols) {
        q[i * cols + i] = 1.0;
    }
    reflect_all(q, (rows, cols), shift, hs, true);
}

/// `q ← H_0 ⋯ H_{p-1} q` for the rows x cols `q`, the reflectors as in
/// [`accumulate`]: the eigenvectors of a tridiagonal matrix taken back to
/// the matrix it was reduced from, without forming the orthogonal factor.
pub(super) fn apply_reflectors(
    q: &mut [f64],
    (rows, cols): (usize, usize),
    shift: usize,
    hs: &[(Vec<f64>, f64)],
) {
    reflect_all(q, (rows, cols), shift, hs, false);
}

/// [`apply_reflectors`]; with `identity` (q is I), block j's reflectors
/// only touch the columns from their first row on.
fn reflect_all(
    q: &mut [f64],
    (rows, cols): (usize, usize),
    shift: usize,
    hs: &[(Vec<f64>, f64)],
    identity: bool,
) {
    let from = |r0: usize| if identity { r0 } else { 0 };
    if rows * cols < BLOCKED_MIN {
        let mut tmp = Vec::new();
        for (j, (v, tau)) in hs.iter().enumerate().rev() {
            reflect_left(q, cols, j + shift, from(j + shift), cols, v, *tau, &mut tmp);
        }
        return;
    }
    let mut br = BlockReflector::default();
    let starts: Vec<usize> = (0..hs.len()).step_by(RB).collect();
    for &j0 in starts.iter().rev() {
        let j1 = (j0 + RB).min(hs.len());
        let r0 = j0 + shift;
        br.build(&hs[j0..j1], rows - r0);
        br.apply(q, cols, (r0, from(r0)), false);
    }
}

/// Below this many elements in the part a block of reflectors updates, it
/// is applied one reflector at a time (the GEMMs' setup would dominate).
pub(super) const BLOCKED_MIN: usize = 96 * 96;

/// Reflectors per block in the blocked QR and in [`accumulate`].
pub(super) const RB: usize = 32;

/// `H_0 ⋯ H_{b-1} = I − V T Vᵀ` for b consecutive reflectors (LAPACK's
/// compact WY form): `V` (len x b, row-major; column t is reflector t,
/// zero above its unit first element) and `T` (b x b, upper triangular),
/// with scratch for the products. Applying it costs two GEMMs and a
/// triangular product instead of b rank-1 passes over the matrix.
#[derive(Default)]
pub(super) struct BlockReflector {
    v: Vec<f64>,
    t: Vec<f64>,
    w: Vec<f64>,
    len: usize,
    b: usize,
}

impl BlockReflector {
    /// V and T of the reflectors `hs` (reflector t starts at row t of a
    /// block of `len` rows).
    pub(super) fn build(&mut self, hs: &[(Vec<f64>, f64)], len: usize) {
        let b = hs.len();
        (self.len, self.b) = (len, b);
        self.v.clear();
        self.v.resize(len * b, 0.0);
        for (t, (v, _)) in hs.iter().enumerate() {
            for (i, &x) in v.iter().enumerate() {
                self.v[(t + i) * b + t] = x;
            }
        }
        // T[t][t] = τ_t; T[0..t, t] = −τ_t T[0..t, 0..t] (V[:, 0..t]ᵀ v_t)
        self.t.clear();
        self.t.resize(b * b, 0.0);
        let mut z = vec![0.0; b];
        for (t, (v, tau)) in hs.iter().enumerate() {
            z[..t].fill(0.0);
            for (i, &x) in v.iter().enumerate() {
                let row = &self.v[(t + i) * b..(t + i) * b + t];
                axpy(&mut z[..t], x, row);
            }
            for r in 0..t {
                let trow = &self.t[r * b + r..r * b + t];
                let acc: f64 = trow.iter().zip(&z[r..t]).map(|(x, y)| x * y).sum();
                self.t[r * b + t] = -tau * acc;
            }
            self.t[t * b + t] = *tau;
        }
    }

    /// `C = (I − V T Vᵀ) C`, or with `transposed` `(I − V Tᵀ Vᵀ) C` (the
    /// reflectors in reverse order: `H_{b-1} ⋯ H_0 C`), for the block `C`
    /// of `a` (rows `w` apart) at row `r0`, columns `c0..w`, `len` rows.
    pub(super) fn apply(
        &mut self,
        a: &mut [f64],
        w: usize,
        (r0, c0): (usize, usize),
        transposed: bool,
    ) {
        let (len, b, nc) = (self.len, self.b, w - c0);
        if nc == 0 || b == 0 {
            return;
        }
        assert!((r0 + len) * w <= a.len() && self.v.len() >= len * b);
        self.w.clear();
        self.w.resize(b * nc, 0.0);
        let cp = a.as_mut_ptr().wrapping_add(r0 * w + c0);
        // SAFETY: C (len rows of nc from `cp`, `w` apart) is inside `a`
        // (asserted); V and W are separate buffers of the sizes given
        unsafe {
            let (vt, c) = (
                Mat::cols(self.v.as_ptr(), b),
                Mat::rows(cp as *const f64, w),
            );
            gemm(b, nc, len, vt, c, self.w.as_mut_ptr());
        }
        // W = T W (top down) or Tᵀ W (bottom up): in place, row by row
        // (row i of the product reads rows i.. or ..=i of W, not yet
        // overwritten)
        let (t, wm) = (&self.t, &mut self.w);
        let mut row = vec![0.0; nc];
        let mut step = |i: usize, ls: std::ops::Range<usize>| {
            row.fill(0.0);
            for l in ls {
                let f = if transposed {
                    t[l * b + i]
                } else {
                    t[i * b + l]
                };
                axpy(&mut row, f, &wm[l * nc..(l + 1) * nc]);
            }
            wm[i * nc..(i + 1) * nc].copy_from_slice(&row);
        };
        if transposed {
            (0..b).rev().for_each(|i| step(i, 0..i + 1));
        } else {
            (0..b).for_each(|i| step(i, i..b));
        }
        // SAFETY: as above; C is disjoint from V and W
        unsafe {
            let (v, wm) = (
                Mat::rows(self.v.as_ptr(), b),
                Mat::rows(self.w.as_ptr(), nc),
            );
            gemm_into(len, nc, b, v, wm, (cp, w, Update::Sub));
        }
    }
}
