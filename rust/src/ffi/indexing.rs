//! Gathers: `rp_take` and `rp_nonzero`.

use super::*;

export! {
    /// `out = take(a, idx, axis)` (C-contiguous out; NumPy's `mode="raise"`:
    /// an index outside the axis fails with status INDEX before any write).
    /// `meta` (f64) is the axis layout of `a` (see `AxisMeta`); `idx` int64.
    fn rp_take(dt: u32, a: *const u8, a_len: u32, meta: *const u8, meta_len: u32, idx: *const u8, idx_len: u32, out: *mut u8, out_len: u32) {
        let dt = dtype(dt)?;
        let mut m_buf = IntBuf::new();
        let m = m_buf.read(in_slice::<f64>(meta, meta_len, "meta")?)?;
        let (l, _) = AxisMeta::read(m)?;
        let idx = in_slice::<i64>(idx, idx_len, "indices")?;
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => gather::take::<T>(
            check_ptr::<T>(a, a_len, "a")?, a_len as usize, &l.layout(), idx,
            check_ptr::<T>(out, out_len, "out")? as *mut T, out_len as usize,
        ), bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

export! {
    /// C-order coordinates of the non-zero elements of the C-contiguous `a`
    /// of shape `shape` (f64, `ndim` entries), into int64 `out` (count x
    /// ndim, NumPy's `argwhere` layout; the count is checked).
    fn rp_nonzero(dt: u32, a: *const u8, a_len: u32, shape: *const u8, ndim: u32, out: *mut u8, out_len: u32) {
        let dt = dtype(dt)?;
        let mut shape_buf = IntBuf::new();
        let shape = extents(shape_buf.read(in_slice::<f64>(shape, ndim, "shape")?)?)?;
        let out = out_slice::<i64>(out, out_len, "out")?;
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => gather::nonzero::<T>(in_slice::<T>(a, a_len, "a")?, &shape, out),
            bool => unreachable!("bool is mapped to uint8 storage"))
    }
}
