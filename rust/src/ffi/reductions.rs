//! Reductions and scans along axes: `rp_reduce_axis`, `rp_arg_axis`,
//! `rp_scan_axis`, `rp_var_lanes`.

use super::*;

unsafe fn reduce_typed<T: Elem>(
    op: u32,
    a: *const u8,
    a_len: u32,
    out: *mut u8,
    out_len: u32,
    p: &AxisPlan,
) -> Result<()> {
    use reduce_op::*;
    let pa = check_ptr::<T>(a, a_len, "a")?;
    let po = check_ptr::<T>(out, out_len, "out")? as *mut T;
    let (an, on) = (a_len as usize, out_len as usize);
    let one = T::from_slot(if std::mem::size_of::<T>() == 8 && !T::IS_FLOAT {
        1
    } else {
        1f64.to_bits()
    });
    match op {
        SUM => reduce_axis::reduce_axes::<T, ew::Add>(pa, an, po, on, p, Some(T::default())),
        PROD => reduce_axis::reduce_axes::<T, ew::Mul>(pa, an, po, on, p, Some(one)),
        MAX => reduce_axis::reduce_axes::<T, ops::Maximum>(pa, an, po, on, p, None),
        MIN => reduce_axis::reduce_axes::<T, ops::Minimum>(pa, an, po, on, p, None),
        // all/any run on bool (u8 0/1) input
        ALL => reduce_axis::reduce_axes::<T, ops::Minimum>(pa, an, po, on, p, Some(one)),
        ANY => reduce_axis::reduce_axes::<T, ops::Maximum>(pa, an, po, on, p, Some(T::default())),
        FMAX => reduce_axis::reduce_axes::<T, ops::Fmax>(pa, an, po, on, p, None),
        FMIN => reduce_axis::reduce_axes::<T, ops::Fmin>(pa, an, po, on, p, None),
        _ => Err(Error::invalid(format!("unknown reduction op {op}"))),
    }
}

export! {
    /// Reduces `a` over some axes into `out` (NumPy's order of operations).
    /// `meta` (f64): `[in_off, out_off, kept_shape(nk).., kept_in(nk)..,
    /// kept_out(nk).., red_shape(nr).., red_in(nr).., group]`, reduced axes
    /// in memory order (outermost first); `group` = how many trailing
    /// reduced axes are adjacent in memory order. `out` has `a`'s dtype.
    fn rp_reduce_axis(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, nk: u32, nr: u32, meta: *const u8) {
        let dt = dtype(dt)?;
        let (k, r) = (nk as usize, nr as usize);
        let meta = in_slice::<f64>(meta, 3 + 3 * nk + 2 * nr, "meta")?;
        let mut ints_buf = IntBuf::new();
        let ints = ints_buf.read(meta)?;
        // inline for up to 8 axes each: no allocation for a request's array
        let (mut kept_shape, mut red_shape) = (Dims::new(), Dims::new());
        for &x in &ints[2..2 + k] {
            kept_shape.push(int_extent(x)?);
        }
        for &x in &ints[2 + 3 * k..2 + 3 * k + r] {
            red_shape.push(int_extent(x)?);
        }
        let plan = AxisPlan {
            in_offset: ints[0],
            out_offset: ints[1],
            kept_shape: &kept_shape,
            kept_in: &ints[2 + k..2 + 2 * k],
            kept_out: &ints[2 + 2 * k..2 + 3 * k],
            red_shape: &red_shape,
            red_in: &ints[2 + 3 * k + r..2 + 3 * k + 2 * r],
            group: ints[2 + 3 * k + 2 * r].max(0) as usize,
        };
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => reduce_typed::<T>(op, a, a_len, out, out_len, &plan),
            bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

export! {
    /// Index of the first max (`op` 1) or min (`op` 0) along one axis, into
    /// int64 `out`. `meta` (f64): `[in_off, out_off, axis_len, axis_stride,
    /// kept_shape(nk).., kept_in(nk).., kept_out(nk)..]`.
    fn rp_arg_axis(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, nk: u32, meta: *const u8) {
        let dt = dtype(dt)?;
        let k = nk as usize;
        let mut m_buf = IntBuf::new();
        let m = m_buf.read(in_slice::<f64>(meta, 4 + 3 * nk, "meta")?)?;
        let shape = extents(&m[4..4 + k])?;
        let axis_len = extents(&m[2..3])?[0];
        let al = Layout { offset: m[0], shape: &shape, strides: &m[4 + k..4 + 2 * k] };
        let ol = Layout { offset: m[1], shape: &shape, strides: &m[4 + 2 * k..4 + 3 * k] };
        let po = check_ptr::<i64>(out, out_len, "out")? as *mut i64;
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => {
            let pa = check_ptr::<T>(a, a_len, "a")?;
            if op == 1 {
                ufunc::arg_extreme_axis::<T, true>(pa, a_len as usize, &al, axis_len, m[3], po, out_len as usize, &ol)
            } else {
                ufunc::arg_extreme_axis::<T, false>(pa, a_len as usize, &al, axis_len, m[3], po, out_len as usize, &ol)
            }
        }, bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

export! {
    /// Cumulative sum (`op` 0) or product (`op` 1) along one axis. `meta`
    /// (f64) holds the axis layout of `a` then that of `out` (same shape).
    fn rp_scan_axis(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, meta: *const u8, meta_len: u32) {
        let dt = dtype(dt)?;
        let mut m_buf = IntBuf::new();
        let m = m_buf.read(in_slice::<f64>(meta, meta_len, "meta")?)?;
        let (al, used) = AxisMeta::read(m)?;
        let (ol, _) = AxisMeta::read(&m[used..])?;
        if op > 1 {
            return Err(Error::invalid(format!("unknown scan op {op}")));
        }
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => {
            let pa = check_ptr::<T>(a, a_len, "a")?;
            let po = check_ptr::<T>(out, out_len, "out")? as *mut T;
            if op == 1 {
                gather::scan_axis::<T, true>(pa, a_len as usize, &al.layout(), po, out_len as usize, &ol.layout())
            } else {
                gather::scan_axis::<T, false>(pa, a_len as usize, &al.layout(), po, out_len as usize, &ol.layout())
            }
        }, bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

export! {
    /// Variance (`sqrt` 0) or standard deviation (1) of each of `lanes`
    /// contiguous lanes of `n` float elements of dtype `dt` in `a` (`lanes
    /// * n` of them) into `out` (`lanes`, dtype `dt`), dividing the sum of
    /// squared deviations by `div` (`n - ddof`, at least 0), exactly as the
    /// composed sum/divide/subtract/multiply/sum/divide/sqrt computes it.
    fn rp_var_lanes(dt: u32, a: *const u8, a_len: u32, lanes: u32, n: u32, div: f64, sqrt: u32, out: *mut u8) {
        use crate::kernels::moments;
        if n == 0 || lanes as u64 * n as u64 != a_len as u64 || div.is_nan() || div < 0.0 {
            return Err(Error::invalid(format!(
                "var: {lanes} lanes of {n} do not make {a_len} elements, or divisor {div}"
            )));
        }
        match dtype(dt)? {
            DType::Float64 => moments::var_lanes::<f64>(in_slice(a, a_len, "a")?, lanes as usize, n as usize, div, sqrt != 0, out_slice(out, lanes, "out")?),
            DType::Float32 => moments::var_lanes::<f32>(in_slice(a, a_len, "a")?, lanes as usize, n as usize, div, sqrt != 0, out_slice(out, lanes, "out")?),
            d => return Err(unsupported("var", d)),
        }
        Ok(())
    }
}
