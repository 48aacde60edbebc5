//! Products and dense linear algebra: `rp_matmul` (and its matrix-vector
//! forms), `rp_linalg`, `rp_decomp`, with their op codes.

use super::*;

export! {
    /// `out[b] = a[b] @ b_[b]` for every batch entry: `meta` (f64) holds
    /// `[m, k, n, batch, a_rs, a_cs, b_rs, b_cs, (a_off, b_off) * batch]`
    /// (element offsets and strides); `out` is C-contiguous (batch, m, n).
    /// Every matrix is bounds-checked against its buffer first.
    fn rp_matmul(dt: u32, a: *const u8, a_len: u32, b: *const u8, b_len: u32, out: *mut u8, out_len: u32, meta: *const u8, meta_len: u32) {
        let dt = dtype(dt)?;
        let mut m_buf = IntBuf::new();
        let m = m_buf.read(in_slice::<f64>(meta, meta_len, "meta")?)?;
        if m.len() < 8 {
            return Err(Error::invalid("matmul metadata too short"));
        }
        let (mm, kk, nn, batch) = (int_extent(m[0])?, int_extent(m[1])?, int_extent(m[2])?, int_extent(m[3])?);
        if m.len() != 8 + 2 * batch || out_len as usize != batch * mm * nn {
            return Err(Error::invalid("matmul metadata does not match the output"));
        }
        // a vector operand (floats): one streaming read of the matrix
        // instead of GEMM's packing (kernels/gemv.rs)
        // (and their transposes: A's columns contiguous, M.T @ q, reads
        // M's rows as x @ M does; B's columns contiguous, q @ M.T, as M @ q)
        let vec_ok = kk > 0
            && ((nn == 1 && m[5] == 1 && m[6] == 1)
                || (mm == 1 && nn > 1 && m[7] == 1)
                || (nn == 1 && mm > 1 && m[4] == 1)
                || (mm == 1 && nn > 1 && m[6] == 1 && m[5] == 1));
        // one small side (a batch of queries, A @ Q.T or Q @ A.T): dot
        // products, as the vector forms compute them (kernels/gemv.rs)
        let size = if dt == DType::Float64 { 8 } else { 4 };
        let most = gemv::dots_max(kk);
        let path = if vec_ok {
            Some(Fast::Vector)
        } else if kk == 0 || kk * size > gemv::DOTS_ROW_BYTES {
            None
        } else if (2..=most).contains(&nn) && mm >= 2 && m[5] == 1 {
            Some(Fast::SmallN)
        } else if (2..=most).contains(&mm) && nn >= 2 && m[6] == 1 {
            Some(Fast::SmallM)
        } else {
            None
        };
        if let Some(path) = path {
            let bufs = Bufs { a, a_len, b, b_len, out, out_len };
            let dims = (mm, kk, nn, batch);
            if dt == DType::Float64 {
                return fast_product::<f64>(&bufs, m, dims, path);
            }
            if dt == DType::Float32 {
                return fast_product::<f32>(&bufs, m, dims, path);
            }
        }
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => {
            let bufs = Bufs { a, a_len, b, b_len, out, out_len };
            each_product::<T>(&bufs, m, mm, kk, nn, batch, |pa, pb, c| {
                gemm::gemm::<T>(
                    mm, nn, kk,
                    gemm::Mat { ptr: pa, rs: m[4], cs: m[5] },
                    gemm::Mat { ptr: pb, rs: m[6], cs: m[7] },
                    c,
                );
            })
        }, bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

/// Checks the buffers and every batch entry's layouts against them, then
/// calls `f(a, b, c)` with entry t's first elements of A and B and its
/// output (C-contiguous, m x n).
///
/// # Safety
/// As `rp_matmul`: the pointers valid for the lengths passed with them.
unsafe fn each_product<T: Elem>(
    bufs: &Bufs,
    m: &[isize],
    mm: usize,
    kk: usize,
    nn: usize,
    batch: usize,
    mut f: impl FnMut(*const T, *const T, *mut T),
) -> Result<()> {
    let pa = check_ptr::<T>(bufs.a, bufs.a_len, "a")?;
    let pb = check_ptr::<T>(bufs.b, bufs.b_len, "b")?;
    let po = check_ptr::<T>(bufs.out, bufs.out_len, "out")? as *mut T;
    for t in 0..batch {
        let (ao, bo) = (m[8 + 2 * t], m[9 + 2 * t]);
        let al = Layout {
            offset: ao,
            shape: &[mm, kk],
            strides: &m[4..6],
        };
        let bl = Layout {
            offset: bo,
            shape: &[kk, nn],
            strides: &m[6..8],
        };
        strided::check_bounds(&al, bufs.a_len as usize, "matmul a")?;
        strided::check_bounds(&bl, bufs.b_len as usize, "matmul b")?;
        f(pa.offset(ao), pb.offset(bo), po.add(t * mm * nn));
    }
    Ok(())
}

/// The float products that skip GEMM (chosen by `rp_matmul`).
#[derive(Clone, Copy)]
enum Fast {
    /// A vector side: n == 1 with A's rows and x contiguous or A's
    /// columns contiguous, or m == 1 with B's rows contiguous or B's
    /// columns and x contiguous.
    Vector,
    /// n at most [`gemv::dots_max`], A's rows contiguous.
    SmallN,
    /// m at most [`gemv::dots_max`], B's columns contiguous.
    SmallM,
}

/// `rp_matmul` on one of the [`Fast`] paths (checked by the caller).
///
/// # Safety
/// As `rp_matmul`: the pointers valid for the lengths passed with them.
unsafe fn fast_product<T: Elem>(
    bufs: &Bufs,
    m: &[isize],
    (mm, kk, nn, batch): (usize, usize, usize, usize),
    path: Fast,
) -> Result<()> {
    each_product::<T>(bufs, m, mm, kk, nn, batch, |pa, pb, c| {
        // SAFETY: each_product checked both layouts against their buffers.
        unsafe {
            match path {
                Fast::Vector if nn == 1 && m[5] == 1 && m[6] == 1 => {
                    gemv::gemv_rows::<T>(mm, kk, pa, m[4], pb, c)
                }
                // y = A x with A's columns contiguous: y = x A^T, A^T's
                // rows are A's columns
                Fast::Vector if nn == 1 => gemv::gevm_rows::<T>(kk, mm, pb, m[6], pa, m[5], c),
                Fast::Vector if m[7] == 1 => gemv::gevm_rows::<T>(kk, nn, pa, m[5], pb, m[6], c),
                // y = x B with B's columns contiguous: y = B^T x, B^T's rows
                // are B's columns
                Fast::Vector => gemv::gemv_rows::<T>(nn, kk, pb, m[7], pa, c),
                // C[i][j] = row i of A . column j of B
                Fast::SmallN => {
                    gemv::gemm_dots::<T>(mm, kk, pa, m[4], nn, pb, m[7], m[6], c, nn, 1)
                }
                // C[i][j] = column j of B (contiguous) . row i of A
                Fast::SmallM => {
                    gemv::gemm_dots::<T>(nn, kk, pb, m[7], mm, pa, m[4], m[5], c, 1, nn)
                }
            }
        }
    })
}

unsafe fn linalg_typed<T: Float>(
    op: u32,
    a: *mut u8,
    n: usize,
    batch: usize,
    b: *mut u8,
    nrhs: usize,
    out: *mut u8,
) -> Result<()> {
    use crate::kernels::linalg as la;
    let a = out_slice::<T>(a, (n * n * batch) as u32, "a")?;
    let mut piv = vec![0usize; n];
    match op {
        linalg_op::SOLVE | linalg_op::INV => {
            if op == linalg_op::INV && nrhs != n {
                return Err(Error::invalid("inv: the output must be n x n"));
            }
            let b = out_slice::<T>(b, (n * nrhs * batch) as u32, "b")?;
            for t in 0..batch {
                let m = &mut a[t * n * n..(t + 1) * n * n];
                if !la::lu(m, n, &mut piv) {
                    return Err(Error::new(la::LINALG, "Singular matrix"));
                }
                let bt = &mut b[t * n * nrhs..(t + 1) * n * nrhs];
                if op == linalg_op::INV {
                    la::lu_inverse(m, n, &piv, bt);
                } else {
                    la::lu_solve(m, n, &piv, bt, nrhs);
                }
            }
        }
        linalg_op::SLOGDET => {
            let o = out_slice::<f64>(out, (batch * 2) as u32, "out")?;
            for t in 0..batch {
                let m = &mut a[t * n * n..(t + 1) * n * n];
                la::lu(m, n, &mut piv);
                let (s, l) = la::slogdet(m, n, &piv);
                o[2 * t] = s;
                o[2 * t + 1] = l;
            }
        }
        linalg_op::CHOLESKY => {
            for t in 0..batch {
                la::cholesky(&mut a[t * n * n..(t + 1) * n * n], n)?;
            }
        }
        _ => return Err(Error::invalid(format!("unknown linalg op {op}"))),
    }
    Ok(())
}

unsafe fn decomp_typed<T: Float>(
    op: u32,
    a: *mut u8,
    m: usize,
    n: usize,
    batch: usize,
    o: [*mut u8; 3],
    flags: u32,
) -> Result<()> {
    use crate::kernels::decomp as dc;
    let k = m.min(n);
    let (bit0, want) = (flags & 1 != 0, flags & 2 != 0);
    let a = out_slice::<T>(a, (m * n * batch) as u32, "a")?;
    let mut w = vec![0.0f64; m * n];
    // output slices (null when not wanted) and float64 scratch per matrix
    let sizes: [usize; 3] = match op {
        decomp_op::QR => {
            let qc = if bit0 { m } else { k };
            [if want { m * qc } else { 0 }, qc * n, 0]
        }
        decomp_op::EIGH => [n, if want { n * n } else { 0 }, 0],
        decomp_op::SVD => {
            let (uc, vr) = if bit0 { (m, n) } else { (k, k) };
            [
                k,
                if want { m * uc } else { 0 },
                if want { vr * n } else { 0 },
            ]
        }
        _ => return Err(Error::invalid(format!("unknown decomposition {op}"))),
    };
    if op == decomp_op::EIGH && m != n {
        return Err(Error::invalid("eigh: matrix must be square"));
    }
    let mut outs: Vec<&mut [T]> = Vec::with_capacity(3);
    for (i, &sz) in sizes.iter().enumerate() {
        let len = sz.checked_mul(batch).filter(|&v| v <= u32::MAX as usize);
        let len = len.ok_or_else(|| Error::invalid("decomposition: too many elements"))?;
        outs.push(if sz == 0 {
            &mut []
        } else {
            out_slice::<T>(o[i], len as u32, ["o1", "o2", "o3"][i])?
        });
    }
    let mut s: [Vec<f64>; 3] = [
        vec![0.0; sizes[0]],
        vec![0.0; sizes[1]],
        vec![0.0; sizes[2]],
    ];
    for t in 0..batch {
        for (x, v) in w.iter_mut().zip(&a[t * m * n..(t + 1) * m * n]) {
            *x = v.to_f64();
        }
        let [s0, s1, s2] = &mut s;
        match op {
            decomp_op::QR => dc::qr(
                &mut w,
                m,
                n,
                if bit0 { m } else { k },
                if want { Some(s0) } else { None },
                s1,
            )?,
            decomp_op::EIGH => dc::eigh(&mut w, n, bit0, s0, if want { Some(s1) } else { None })?,
            _ => dc::svd(
                &mut w,
                m,
                n,
                s0,
                if want { Some((s1, s2, bit0)) } else { None },
            )?,
        }
        for (dst, src) in outs.iter_mut().zip(&s) {
            let sz = src.len();
            for (x, &v) in dst[t * sz..(t + 1) * sz].iter_mut().zip(src) {
                *x = T::from_f64(v);
            }
        }
    }
    Ok(())
}

export! {
    /// Batched orthogonal decompositions of C-contiguous (batch, m, n) `a`
    /// (read as float32/float64, computed in float64): `op` 0 QR (`o1` Q,
    /// `o2` R; flags bit 0 complete, bit 1 compute Q), 1 eigh (square; `o1`
    /// eigenvalues ascending, `o2` eigenvectors as columns; bit 0 use the
    /// upper triangle, bit 1 compute vectors), 2 SVD (`o1` s descending,
    /// `o2` U, `o3` Vᵀ; bit 0 full matrices, bit 1 compute U and Vᵀ).
    /// Non-finite input or no convergence: status LINALG.
    fn rp_decomp(op: u32, dt: u32, a: *mut u8, m: u32, n: u32, batch: u32, o1: *mut u8, o2: *mut u8, o3: *mut u8, flags: u32) {
        let dt = dtype(dt)?;
        let (m, n, batch) = (m as usize, n as usize, batch as usize);
        if m.checked_mul(n).and_then(|v| v.checked_mul(batch)).map_or(true, |v| v > u32::MAX as usize) {
            return Err(Error::invalid("decomposition: too many elements"));
        }
        let o = [o1, o2, o3];
        match dt {
            DType::Float64 => decomp_typed::<f64>(op, a, m, n, batch, o, flags),
            DType::Float32 => decomp_typed::<f32>(op, a, m, n, batch, o, flags),
            _ => Err(unsupported("decomposition", dt)),
        }
    }
}

export! {
    /// Batched square linear algebra on C-contiguous (batch, n, n) `a`
    /// (overwritten): `op` ([`linalg_op`]) 0 solve (`b`: (batch, n, nrhs),
    /// becomes X), 1 sign and log|det| into `out` (f64 x 2 per matrix), 2
    /// inverse (into `b`: (batch, n, n) with `nrhs` = n, every element
    /// written), 3
    /// Cholesky (L in place). Singular / indefinite input: status LINALG.
    fn rp_linalg(op: u32, dt: u32, a: *mut u8, n: u32, batch: u32, b: *mut u8, nrhs: u32, out: *mut u8) {
        let dt = dtype(dt)?;
        let (n, batch, nrhs) = (n as usize, batch as usize, nrhs as usize);
        if n.checked_mul(n).and_then(|v| v.checked_mul(batch)).map_or(true, |v| v > u32::MAX as usize) {
            return Err(Error::invalid("linalg: too many elements"));
        }
        match dt {
            DType::Float64 => linalg_typed::<f64>(op, a, n, batch, b, nrhs, out),
            DType::Float32 => linalg_typed::<f32>(op, a, n, batch, b, nrhs, out),
            _ => Err(unsupported("linalg", dt)),
        }
    }
}
