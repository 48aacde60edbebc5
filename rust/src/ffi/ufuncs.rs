//! Strided ufuncs: `rp_copy_cast`, `rp_ufunc2`, `rp_ufunc1`, `rp_where`;
//! the op codes and the kernel of each are generated (`op_table.rs`).

use super::*;

export! {
    /// Copies the view (`src`, layout in `meta`) into `dst` (its own layout),
    /// converting `src_dt` elements to `dst_dt` (NumPy's `astype` with
    /// unsafe casting; to bool: non-zero -> 1). Both layouts are checked to
    /// stay inside their buffers (`src_len`, `dst_len` elements).
    fn rp_copy_cast(src_dt: u32, src: *const u8, src_len: u32, dst_dt: u32, dst: *mut u8, dst_len: u32, ndim: u32, meta: *const u8) {
        let (sdt, ddt) = (dtype(src_dt)?, dtype(dst_dt)?);
        let nd = ndim as usize;
        let meta = in_slice::<f64>(meta, 2 + 3 * ndim, "meta")?;
        let m = read_meta(meta, nd)?;
        let sl = Layout { offset: m.src_offset, shape: &m.shape, strides: &m.src_strides };
        let dl = Layout { offset: m.dst_offset, shape: &m.shape, strides: &m.dst_strides };
        // bool is stored as u8 (0/1)
        let s_code = if sdt == DType::Bool { DType::Uint8 } else { sdt };
        let d_code = if ddt == DType::Bool { DType::Uint8 } else { ddt };
        let to_bool = ddt == DType::Bool;
        for_each_numeric!(s_code, S => {
            let src = in_slice::<S>(src, src_len, "src")?;
            for_each_numeric!(d_code, D => {
                let dst = out_slice::<D>(dst, dst_len, "dst")?;
                strided::copy_cast::<S, D>(src, &sl, dst, &dl, to_bool)
            }, bool => unreachable!("bool is mapped to uint8 storage"))
        }, bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

/// One binary ufunc call's operands, checked: what the generated dispatch
/// (`op_table.rs`) runs a kernel over.
struct Call2<'a, T> {
    a: *const T,
    a_len: usize,
    b: *const T,
    b_len: usize,
    out: *mut u8,
    out_len: u32,
    ls: &'a [Layout<'a>; 3],
}

impl<T: Elem> Run2<T> for Call2<'_, T> {
    unsafe fn same<O: ew::BinOp<T, T>>(&self) -> Result<()> {
        self.run::<T, O>()
    }
    unsafe fn to_bool<O: ew::BinOp<T, u8>>(&self) -> Result<()> {
        self.run::<u8, O>()
    }
}

impl<T: Elem> Call2<'_, T> {
    unsafe fn run<R: Elem, O: ew::BinOp<T, R>>(&self) -> Result<()> {
        let [al, bl, ol] = self.ls;
        let out = check_ptr::<R>(self.out, self.out_len, "out")? as *mut R;
        ufunc::binary::<T, R, O>(
            self.a,
            self.a_len,
            al,
            self.b,
            self.b_len,
            bl,
            out,
            self.out_len as usize,
            ol,
        )
    }
}

/// Binary op `op` in loop dtype `T`: the float dispatch first for floats,
/// then the one every dtype shares.
unsafe fn ufunc2_in<T: Elem + ops::Arith>(
    op: u32,
    ls: &[Layout; 3],
    bufs: &Bufs,
    float: impl FnOnce(&Call2<'_, T>) -> Option<Result<()>>,
) -> Result<()> {
    let call = Call2 {
        a: check_ptr::<T>(bufs.a, bufs.a_len, "a")?,
        a_len: bufs.a_len as usize,
        b: check_ptr::<T>(bufs.b, bufs.b_len, "b")?,
        b_len: bufs.b_len as usize,
        out: bufs.out,
        out_len: bufs.out_len,
        ls,
    };
    if op == ufunc_op::POWER && !T::IS_FLOAT && any_negative::<T>(call.b, call.b_len, &ls[1])? {
        return Err(Error::new(
            error::INVALID_ARGUMENT,
            "Integers to negative integer powers are not allowed.",
        ));
    }
    float(&call)
        .or_else(|| ufunc2_shared::<T, _>(op, &call))
        .unwrap_or_else(|| Err(unsupported(ufunc2_name(op), T::DTYPE)))
}

/// True if any element of the layout is negative.
unsafe fn any_negative<T: Elem + ops::Arith>(p: *const T, len: usize, l: &Layout) -> Result<bool> {
    strided::check_bounds(l, len, "power exponent")?;
    let zeros = vec![0isize; l.shape.len()];
    let mut any = false;
    // Indices are proven in bounds by check_bounds.
    strided::for_each2(l.shape, (l.offset, l.strides), (0, &zeros), |i, _| {
        any |= (*p.offset(i)).is_negative();
    });
    Ok(any)
}

export! {
    /// Broadcast binary ufunc `out = op(a, b)` over strided layouts (`meta`:
    /// `[a_off, b_off, out_off, shape.., a_strides.., b_strides.., out_strides..]`,
    /// f64, in elements). `a`, `b` have dtype `dt`; `out` has `dt`, or bool
    /// for comparison/logical ops. Float-only ops: divide, arctan2.
    fn rp_ufunc2(op: u32, dt: u32, a: *const u8, a_len: u32, b: *const u8, b_len: u32, out: *mut u8, out_len: u32, ndim: u32, meta: *const u8) {
        let dt = dtype(dt)?;
        let nd = ndim as usize;
        let meta = in_slice::<f64>(meta, 3 + 4 * ndim, "meta")?;
        // 1-d (the NDArray fast path's layout): decoded into locals, no
        // inline lists to fill and copy
        let (off, shape1, st1);
        let m;
        let ls: [Layout; 3] = if nd == 1 {
            off = [meta_int(meta[0])?, meta_int(meta[1])?, meta_int(meta[2])?];
            shape1 = [extent(meta[3])?];
            st1 = [[meta_int(meta[4])?], [meta_int(meta[5])?], [meta_int(meta[6])?]];
            [0, 1, 2].map(|k| Layout { offset: off[k], shape: &shape1, strides: &st1[k] })
        } else {
            m = read_meta3(meta, nd)?;
            m.layouts()
        };
        let bufs = Bufs { a, a_len, b, b_len, out, out_len };
        match dt {
            DType::Float64 => ufunc2_in::<f64>(op, &ls, &bufs, |c| ufunc2_float(op, c)),
            DType::Float32 => ufunc2_in::<f32>(op, &ls, &bufs, |c| ufunc2_float(op, c)),
            DType::Bool => ufunc2_in::<u8>(op, &ls, &bufs, |_| None),
            _ => for_each_int!(dt, T => ufunc2_in::<T>(op, &ls, &bufs, |_| None),
                _ => unreachable!("floats and bool handled above")),
        }
    }
}

/// One unary ufunc call's operands, checked (see [`Call2`]).
struct Call1<'a, T> {
    a: *const T,
    a_len: usize,
    al: &'a Layout<'a>,
    out: *mut u8,
    out_len: u32,
    ol: &'a Layout<'a>,
}

impl<T: Elem> Run1<T> for Call1<'_, T> {
    unsafe fn same<O: ew::UnOp<T>>(&self) -> Result<()> {
        self.run(ufunc::unary::<T, O>)
    }
    unsafe fn to_bool<O: ufunc::MapOp<T, u8>>(&self) -> Result<()> {
        self.run(ufunc::map::<T, u8, O>)
    }
}

impl<T: Elem> Call1<'_, T> {
    /// Kernel `k` (`ufunc::unary` or `ufunc::map`) with the output checked
    /// as `R`.
    #[inline(always)]
    unsafe fn run<R: Elem>(
        &self,
        k: unsafe fn(*const T, usize, &Layout, *mut R, usize, &Layout) -> Result<()>,
    ) -> Result<()> {
        let po = check_ptr::<R>(self.out, self.out_len, "out")? as *mut R;
        k(
            self.a,
            self.a_len,
            self.al,
            po,
            self.out_len as usize,
            self.ol,
        )
    }
}

/// Unary op `op` on `T` (see [`ufunc2_in`]).
#[allow(clippy::too_many_arguments)]
unsafe fn ufunc1_in<T: Elem + ops::Arith>(
    op: u32,
    al: &Layout,
    a: *const u8,
    a_len: u32,
    ol: &Layout,
    out: *mut u8,
    out_len: u32,
    float: impl FnOnce(&Call1<'_, T>) -> Option<Result<()>>,
) -> Result<()> {
    let call = Call1 {
        a: check_ptr::<T>(a, a_len, "a")?,
        a_len: a_len as usize,
        al,
        out,
        out_len,
        ol,
    };
    float(&call)
        .or_else(|| ufunc1_shared::<T, _>(op, &call))
        .unwrap_or_else(|| Err(unsupported(ufunc1_name(op), T::DTYPE)))
}

export! {
    /// Unary ufunc `out = op(a)` over strided layouts (`meta` as
    /// `rp_copy_cast`). Output dtype = input dtype, or bool for
    /// isnan/isinf/isfinite/logical_not. Float math requires float input.
    fn rp_ufunc1(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, ndim: u32, meta: *const u8) {
        let dt = dtype(dt)?;
        let nd = ndim as usize;
        let meta = in_slice::<f64>(meta, 2 + 3 * ndim, "meta")?;
        let (off, shape1, st1);
        let m;
        let (al, ol) = if nd == 1 {
            off = [meta_int(meta[0])?, meta_int(meta[1])?];
            shape1 = [extent(meta[2])?];
            st1 = [[meta_int(meta[3])?], [meta_int(meta[4])?]];
            (
                Layout { offset: off[0], shape: &shape1, strides: &st1[0] },
                Layout { offset: off[1], shape: &shape1, strides: &st1[1] },
            )
        } else {
            m = read_meta(meta, nd)?;
            (
                Layout { offset: m.src_offset, shape: &m.shape, strides: &m.src_strides },
                Layout { offset: m.dst_offset, shape: &m.shape, strides: &m.dst_strides },
            )
        };
        match dt {
            DType::Float64 => ufunc1_in::<f64>(op, &al, a, a_len, &ol, out, out_len, |c| ufunc1_float(op, c)),
            DType::Float32 => ufunc1_in::<f32>(op, &al, a, a_len, &ol, out, out_len, |c| ufunc1_float(op, c)),
            DType::Bool => ufunc1_in::<u8>(op, &al, a, a_len, &ol, out, out_len, |_| None),
            _ => for_each_int!(dt, T => ufunc1_in::<T>(op, &al, a, a_len, &ol, out, out_len, |_| None),
                _ => unreachable!("floats and bool handled above")),
        }
    }
}

export! {
    /// `out = where(cond, x, y)` with broadcasting. `meta` (f64): `[c_off,
    /// x_off, y_off, out_off, shape.., c_st.., x_st.., y_st.., out_st..]`.
    /// `cond` is bool storage; `x`, `y`, `out` have dtype `dt`.
    fn rp_where(dt: u32, c: *const u8, c_len: u32, x: *const u8, x_len: u32, y: *const u8, y_len: u32, out: *mut u8, out_len: u32, ndim: u32, meta: *const u8) {
        let dt = dtype(dt)?;
        let nd = ndim as usize;
        let mut m_buf = IntBuf::new();
        let m = m_buf.read(in_slice::<f64>(meta, 4 + 5 * ndim, "meta")?)?;
        let shape = extents(&m[4..4 + nd])?;
        let st = |k: usize| &m[4 + (k + 1) * nd..4 + (k + 2) * nd];
        let cl = Layout { offset: m[0], shape: &shape, strides: st(0) };
        let xl = Layout { offset: m[1], shape: &shape, strides: st(1) };
        let yl = Layout { offset: m[2], shape: &shape, strides: st(2) };
        let ol = Layout { offset: m[3], shape: &shape, strides: st(3) };
        let pc = check_ptr::<u8>(c, c_len, "cond")?;
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => ufunc::select::<T>(
            pc, c_len as usize, &cl,
            check_ptr::<T>(x, x_len, "x")?, x_len as usize, &xl,
            check_ptr::<T>(y, y_len, "y")?, y_len as usize, &yl,
            check_ptr::<T>(out, out_len, "out")? as *mut T, out_len as usize, &ol,
        ), bool => unreachable!("bool is mapped to uint8 storage"))
    }
}
