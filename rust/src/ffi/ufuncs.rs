//! Strided ufuncs: `rp_copy_cast`, `rp_ufunc2`, `rp_ufunc1`, `rp_where`,
//! with their op codes.

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

codes! {
    /// Binary ufunc op codes (`rp_ufunc2`); comparison and logical ops write bool.
    pub mod ufunc_op: u32 {
        ADD = 0,
        SUBTRACT = 1,
        MULTIPLY = 2,
        DIVIDE = 3,
        FLOOR_DIVIDE = 4,
        POWER = 5,
        MOD = 6,
        MAXIMUM = 7,
        MINIMUM = 8,
        FMAX = 9,
        FMIN = 10,
        EQUAL = 11,
        NOT_EQUAL = 12,
        LESS = 13,
        LESS_EQUAL = 14,
        GREATER = 15,
        GREATER_EQUAL = 16,
        LOGICAL_AND = 17,
        LOGICAL_OR = 18,
        LOGICAL_XOR = 19,
        BITWISE_AND = 20,
        BITWISE_OR = 21,
        BITWISE_XOR = 22,
        ARCTAN2 = 23,
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn ufunc2_typed<T: Elem + ops::Arith>(
    op: u32,
    ls: &[Layout; 3],
    a: *const u8,
    a_len: u32,
    b: *const u8,
    b_len: u32,
    out: *mut u8,
    out_len: u32,
) -> Result<()> {
    use ufunc_op::*;
    let [al, bl, ol] = *ls;
    let (pa, pb) = (
        check_ptr::<T>(a, a_len, "a")?,
        check_ptr::<T>(b, b_len, "b")?,
    );
    let (al_n, bl_n, ol_n) = (a_len as usize, b_len as usize, out_len as usize);
    macro_rules! same {
        ($o:ty) => {
            ufunc::binary::<T, T, $o>(
                pa,
                al_n,
                &al,
                pb,
                bl_n,
                &bl,
                check_ptr::<T>(out, out_len, "out")? as *mut T,
                ol_n,
                &ol,
            )
        };
    }
    macro_rules! to_bool {
        ($o:ty) => {
            ufunc::binary::<T, u8, $o>(
                pa,
                al_n,
                &al,
                pb,
                bl_n,
                &bl,
                check_ptr::<u8>(out, out_len, "out")? as *mut u8,
                ol_n,
                &ol,
            )
        };
    }
    match op {
        ADD => same!(ew::Add),
        SUBTRACT => same!(ew::Sub),
        MULTIPLY => same!(ew::Mul),
        FLOOR_DIVIDE => same!(ops::FloorDiv),
        POWER => {
            if !T::IS_FLOAT && any_negative::<T>(pb, bl_n, &bl)? {
                return Err(Error::new(
                    error::INVALID_ARGUMENT,
                    "Integers to negative integer powers are not allowed.",
                ));
            }
            same!(ops::Power)
        }
        MOD => same!(ops::Mod),
        MAXIMUM => same!(ops::Maximum),
        MINIMUM => same!(ops::Minimum),
        FMAX => same!(ops::Fmax),
        FMIN => same!(ops::Fmin),
        EQUAL => to_bool!(ops::Equal),
        NOT_EQUAL => to_bool!(ops::NotEqual),
        LESS => to_bool!(ops::Less),
        LESS_EQUAL => to_bool!(ops::LessEqual),
        GREATER => to_bool!(ops::Greater),
        GREATER_EQUAL => to_bool!(ops::GreaterEqual),
        LOGICAL_AND => to_bool!(ops::LogicalAnd),
        LOGICAL_OR => to_bool!(ops::LogicalOr),
        LOGICAL_XOR => to_bool!(ops::LogicalXor),
        BITWISE_AND | BITWISE_OR | BITWISE_XOR if T::IS_FLOAT => Err(Error::new(
            error::UNSUPPORTED_DTYPE,
            "ufunc 'bitwise' not supported for floating-point inputs",
        )),
        BITWISE_AND => same!(ops::BitAnd),
        BITWISE_OR => same!(ops::BitOr),
        BITWISE_XOR => same!(ops::BitXor),
        _ => Err(Error::invalid(format!(
            "binary ufunc op {op} is not defined for {}",
            T::DTYPE.name()
        ))),
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn ufunc2_float<T: Elem + ops::Arith + ops::Math + Float>(
    op: u32,
    ls: &[Layout; 3],
    a: *const u8,
    a_len: u32,
    b: *const u8,
    b_len: u32,
    out: *mut u8,
    out_len: u32,
) -> Result<()> {
    use ufunc_op::*;
    let [al, bl, ol] = *ls;
    let (pa, pb) = (
        check_ptr::<T>(a, a_len, "a")?,
        check_ptr::<T>(b, b_len, "b")?,
    );
    let po = check_ptr::<T>(out, out_len, "out")? as *mut T;
    match op {
        DIVIDE => ufunc::binary::<T, T, ew::Div>(
            pa,
            a_len as usize,
            &al,
            pb,
            b_len as usize,
            &bl,
            po,
            out_len as usize,
            &ol,
        ),
        ARCTAN2 => ufunc::binary::<T, T, ops::Arctan2>(
            pa,
            a_len as usize,
            &al,
            pb,
            b_len as usize,
            &bl,
            po,
            out_len as usize,
            &ol,
        ),
        _ => ufunc2_typed::<T>(op, ls, a, a_len, b, b_len, out, out_len),
    }
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
        match dt {
            DType::Float64 => ufunc2_float::<f64>(op, &ls, a, a_len, b, b_len, out, out_len),
            DType::Float32 => ufunc2_float::<f32>(op, &ls, a, a_len, b, b_len, out, out_len),
            DType::Bool => ufunc2_typed::<u8>(op, &ls, a, a_len, b, b_len, out, out_len),
            _ => for_each_int!(dt, T => ufunc2_typed::<T>(op, &ls, a, a_len, b, b_len, out, out_len),
                _ => unreachable!("floats and bool handled above")),
        }
    }
}

codes! {
    /// Unary ufunc op codes beyond `UNARY_OP` (0..=7 are shared with `rp_unary`).
    pub mod ufunc1_op: u32 {
        TAN = 8,
        ARCSIN = 9,
        ARCCOS = 10,
        ARCTAN = 11,
        SINH = 12,
        COSH = 13,
        EXPM1 = 14,
        LOG1P = 15,
        LOG2 = 16,
        LOG10 = 17,
        FLOOR = 18,
        CEIL = 19,
        RINT = 20,
        SQUARE = 21,
        SIGN = 22,
        ISNAN = 23,
        ISINF = 24,
        ISFINITE = 25,
        LOGICAL_NOT = 26,
    }
}

/// A unary ufunc whose output has the input's dtype.
unsafe fn unary_same<T: Elem, O: ew::UnOp<T>>(
    pa: *const T,
    an: usize,
    al: &Layout,
    out: *mut u8,
    out_len: u32,
    ol: &Layout,
) -> Result<()> {
    let po = check_ptr::<T>(out, out_len, "out")? as *mut T;
    ufunc::unary::<T, O>(pa, an, al, po, out_len as usize, ol)
}

unsafe fn ufunc1_typed<T: Elem + ops::Arith>(
    op: u32,
    al: &Layout,
    a: *const u8,
    a_len: u32,
    ol: &Layout,
    out: *mut u8,
    out_len: u32,
) -> Result<()> {
    use ufunc1_op::*;
    let pa = check_ptr::<T>(a, a_len, "a")?;
    let (an, on) = (a_len as usize, out_len as usize);
    macro_rules! same {
        ($o:ty) => {
            unary_same::<T, $o>(pa, an, al, out, out_len, ol)
        };
    }
    macro_rules! pred {
        ($o:ty) => {
            ufunc::map::<T, u8, $o>(
                pa,
                an,
                al,
                check_ptr::<u8>(out, out_len, "out")? as *mut u8,
                on,
                ol,
            )
        };
    }
    match op {
        OP_ABS => same!(ew::Abs),
        OP_NEGATIVE => same!(ew::Neg),
        SQUARE => same!(ops::SquareInt),
        SIGN => same!(ops::SignInt),
        ISNAN => pred!(ops::IsNan),
        ISINF => pred!(ops::IsInf),
        ISFINITE => pred!(ops::IsFinite),
        LOGICAL_NOT => pred!(ops::LogicalNot),
        _ => Err(Error::new(
            error::UNSUPPORTED_DTYPE,
            format!("unary ufunc {op} is not defined for {}", T::DTYPE.name()),
        )),
    }
}

unsafe fn ufunc1_float<T: Elem + ops::Arith + ops::Math + Float>(
    op: u32,
    al: &Layout,
    a: *const u8,
    a_len: u32,
    ol: &Layout,
    out: *mut u8,
    out_len: u32,
) -> Result<()> {
    use ufunc1_op::*;
    let pa = check_ptr::<T>(a, a_len, "a")?;
    let an = a_len as usize;
    macro_rules! f {
        ($o:ty) => {
            unary_same::<T, $o>(pa, an, al, out, out_len, ol)
        };
    }
    match op {
        OP_SQRT => f!(ew::Sqrt),
        OP_EXP => f!(ew::Exp),
        OP_LOG => f!(ew::Log),
        OP_SIN => f!(ew::Sin),
        OP_COS => f!(ew::Cos),
        OP_TANH => f!(ew::Tanh),
        TAN => f!(ops::Tan),
        ARCSIN => f!(ops::Arcsin),
        ARCCOS => f!(ops::Arccos),
        ARCTAN => f!(ops::Arctan),
        SINH => f!(ops::Sinh),
        COSH => f!(ops::Cosh),
        EXPM1 => f!(ops::Expm1),
        LOG1P => f!(ops::Log1p),
        LOG2 => f!(ops::Log2),
        LOG10 => f!(ops::Log10),
        FLOOR => f!(ops::Floor),
        CEIL => f!(ops::Ceil),
        RINT => f!(ops::Rint),
        SQUARE => f!(ops::Square),
        SIGN => f!(ops::SignF),
        _ => ufunc1_typed::<T>(op, al, a, a_len, ol, out, out_len),
    }
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
            DType::Float64 => ufunc1_float::<f64>(op, &al, a, a_len, &ol, out, out_len),
            DType::Float32 => ufunc1_float::<f32>(op, &al, a, a_len, &ol, out, out_len),
            DType::Bool => ufunc1_typed::<u8>(op, &al, a, a_len, &ol, out, out_len),
            _ => for_each_int!(dt, T => ufunc1_typed::<T>(op, &al, a, a_len, &ol, out, out_len),
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
