//! The flat API over 1-d buffers: whole-array reductions (`rp_sum` ..
//! `rp_norm`) and elementwise loops (`rp_binary`, `rp_unary`, `rp_clip`,
//! ...), each over `(pointer, length)` pairs.

use super::*;

// ---- reductions -------------------------------------------------------------

export! {
    /// Sum: pairwise (NumPy's order) for floats; exact for 8..32-bit
    /// integers (OVERFLOW past 2^53); modulo 2^64 for 64-bit integers.
    fn rp_sum(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        let dt = dtype(dt)?;
        let bits = match dt {
            DType::Float64 => to_slot(reduce::pairwise_sum(in_slice::<f64>(a, n, "a")?)),
            DType::Float32 => to_slot(reduce::pairwise_sum(in_slice::<f32>(a, n, "a")?)),
            _ => for_each_int!(dt, T => {
                let s = in_slice::<T>(a, n, "a")?;
                match dt {
                    // 64-bit integer sums wrap modulo 2^64, as NumPy's do.
                    DType::Int64 | DType::Uint64 => reduce::exact_sum(s) as u64,
                    _ => exact_to_slot(reduce::exact_sum(s), "sum", dt)?,
                }
            }, _ => return Err(unsupported("add", dt))),
        };
        write_slot(out, bits)
    }
}

export! {
    /// Arithmetic mean as float64 (float32 input: rounded to float32, as
    /// NumPy). NaN for an empty array.
    fn rp_mean(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        let dt = dtype(dt)?;
        let count = n as f64;
        let v = match dt {
            DType::Float64 => reduce::pairwise_sum(in_slice::<f64>(a, n, "a")?) / count,
            DType::Float32 => ((reduce::pairwise_sum(in_slice::<f32>(a, n, "a")?) as f64 / count) as f32) as f64,
            _ => for_each_int!(dt, T => reduce::exact_sum(in_slice::<T>(a, n, "a")?) as f64 / count,
                _ => return Err(unsupported("mean", dt))),
        };
        write_slot(out, v.to_bits())
    }
}

/// The extremum reductions of the flat API, one helper for the four.
#[derive(Clone, Copy)]
enum Extremum {
    Min,
    Max,
    ArgMin,
    ArgMax,
}

impl Extremum {
    /// The slot bits of the extremum of `a` (numeric dtypes): the value,
    /// or for the arg forms the index as an f64.
    unsafe fn slot(self, dt: u32, a: *const u8, n: u32) -> Result<u64> {
        let dt = dtype(dt)?;
        for_each_numeric!(dt, T => {
            let s = in_slice::<T>(a, n, "a")?;
            Ok(match self {
                Extremum::Min => to_slot(reduce::min(s)?),
                Extremum::Max => to_slot(reduce::max(s)?),
                Extremum::ArgMin => (reduce::argmin(s)? as f64).to_bits(),
                Extremum::ArgMax => (reduce::argmax(s)? as f64).to_bits(),
            })
        }, bool => Err(unsupported(
            match self {
                Extremum::Min => "minimum",
                Extremum::Max => "maximum",
                Extremum::ArgMin => "argmin",
                Extremum::ArgMax => "argmax",
            },
            dt,
        )))
    }
}

export! {
    /// Minimum (NaN if any NaN). EMPTY for an empty array.
    fn rp_min(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        write_slot(out, Extremum::Min.slot(dt, a, n)?)
    }
}

export! {
    /// Maximum (NaN if any NaN). EMPTY for an empty array.
    fn rp_max(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        write_slot(out, Extremum::Max.slot(dt, a, n)?)
    }
}

export! {
    /// Index of the first minimum (first NaN if any), as an f64 slot.
    fn rp_argmin(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        write_slot(out, Extremum::ArgMin.slot(dt, a, n)?)
    }
}

export! {
    /// Index of the first maximum (first NaN if any), as an f64 slot.
    fn rp_argmax(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        write_slot(out, Extremum::ArgMax.slot(dt, a, n)?)
    }
}

export! {
    /// Dot product: floats in their own precision; 8..32-bit integers
    /// exact (OVERFLOW past 2^53); 64-bit integers modulo 2^64 (NumPy).
    fn rp_dot(dt: u32, a: *const u8, b: *const u8, n: u32, out: *mut u8) {
        let dt = dtype(dt)?;
        let bits = match dt {
            DType::Float64 => to_slot(reduce::dot_float(in_slice::<f64>(a, n, "a")?, in_slice::<f64>(b, n, "b")?)),
            DType::Float32 => to_slot(reduce::dot_float(in_slice::<f32>(a, n, "a")?, in_slice::<f32>(b, n, "b")?)),
            _ => for_each_int!(dt, T => {
                let v = reduce::dot_int(in_slice::<T>(a, n, "a")?, in_slice::<T>(b, n, "b")?);
                match dt {
                    DType::Int64 | DType::Uint64 => v as u64,
                    _ => exact_to_slot(v, "dot", dt)?,
                }
            }, _ => return Err(unsupported("dot", dt))),
        };
        write_slot(out, bits)
    }
}

export! {
    /// Euclidean norm sqrt(sum(a*a)) as float64 (float32 input computed in
    /// float32, as NumPy; integers in float64).
    fn rp_norm(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        let dt = dtype(dt)?;
        let v = match dt {
            DType::Float64 => { let s = in_slice::<f64>(a, n, "a")?; reduce::dot_float(s, s).sqrt() }
            DType::Float32 => { let s = in_slice::<f32>(a, n, "a")?; reduce::dot_float(s, s).sqrt() as f64 }
            _ => for_each_numeric!(dt, T => reduce::sumsq_f64(in_slice::<T>(a, n, "a")?).sqrt(),
                bool => return Err(unsupported("norm", dt))),
        };
        write_slot(out, v.to_bits())
    }
}

// ---- elementwise ----------------------------------------------------------

// Op codes: the flat rows of the op table (`ufunc_op`, `ufunc1_op`).
use ufunc1_op::{ABS, COS, EXP, LOG, NEGATIVE, SIN, SQRT, TANH};
use ufunc_op::{ADD, DIVIDE, MULTIPLY, SUBTRACT};

/// Or'ed into a scalar op code: compute `s op a[i]` instead of `a[i] op s`.
pub const OP_REVERSED: u32 = 0x100;

export! {
    /// `out = a op b` elementwise. For `divide` of integer input, `out` is
    /// float64 (true division); otherwise `out` has the dtype of `a`.
    /// `out` may alias `a` or `b`.
    fn rp_binary(op: u32, dt: u32, a: *const u8, b: *const u8, out: *mut u8, n: u32) {
        let dt = dtype(dt)?;
        let len = n as usize;
        match dt {
            DType::Float64 => float_binary::<f64>(op, a, b, out, n),
            DType::Float32 => float_binary::<f32>(op, a, b, out, n),
            _ => for_each_numeric!(dt, T => {
                let (pa, pb) = (check_ptr::<T>(a, n, "a")?, check_ptr::<T>(b, n, "b")?);
                match op {
                    ADD => ew::binary::<T, T, ew::Add>(pa, pb, check_ptr::<T>(out, n, "out")? as *mut T, len),
                    SUBTRACT => ew::binary::<T, T, ew::Sub>(pa, pb, check_ptr::<T>(out, n, "out")? as *mut T, len),
                    MULTIPLY => ew::binary::<T, T, ew::Mul>(pa, pb, check_ptr::<T>(out, n, "out")? as *mut T, len),
                    DIVIDE => ew::binary::<T, f64, ew::DivToF64>(pa, pb, check_ptr::<f64>(out, n, "out")? as *mut f64, len),
                    _ => return Err(Error::invalid(format!("unknown binary op code {op}"))),
                }
                Ok(())
            }, bool => Err(unsupported("add", dt))),
        }
    }
}

unsafe fn float_binary<T: Float>(
    op: u32,
    a: *const u8,
    b: *const u8,
    out: *mut u8,
    n: u32,
) -> Result<()> {
    let (pa, pb, po) = (
        check_ptr::<T>(a, n, "a")?,
        check_ptr::<T>(b, n, "b")?,
        check_ptr::<T>(out, n, "out")? as *mut T,
    );
    let len = n as usize;
    match op {
        ADD => ew::binary::<T, T, ew::Add>(pa, pb, po, len),
        SUBTRACT => ew::binary::<T, T, ew::Sub>(pa, pb, po, len),
        MULTIPLY => ew::binary::<T, T, ew::Mul>(pa, pb, po, len),
        DIVIDE => ew::binary::<T, T, ew::Div>(pa, pb, po, len),
        _ => return Err(Error::invalid(format!("unknown binary op code {op}"))),
    }
    Ok(())
}

export! {
    /// `out = a op s` (or `s op a` with OP_REVERSED), `s` read from a slot.
    /// Integer `divide` reads `s` as an f64 (for every dtype) and writes float64.
    fn rp_binary_scalar(op: u32, dt: u32, a: *const u8, s: *const u8, out: *mut u8, n: u32) {
        let dt = dtype(dt)?;
        let side = if op & OP_REVERSED != 0 { Side::ScalarArray } else { Side::ArrayScalar };
        let op = op & !OP_REVERSED;
        let bits = read_slot(s)?;
        let len = n as usize;
        match dt {
            DType::Float64 => float_scalar::<f64>(op, a, bits, out, n, side),
            DType::Float32 => float_scalar::<f32>(op, a, bits, out, n, side),
            _ => for_each_numeric!(dt, T => {
                let pa = check_ptr::<T>(a, n, "a")?;
                let sv = T::from_slot(bits);
                match op {
                    ADD => ew::binary_scalar::<T, T, ew::Add>(pa, sv, check_ptr::<T>(out, n, "out")? as *mut T, len, side),
                    SUBTRACT => ew::binary_scalar::<T, T, ew::Sub>(pa, sv, check_ptr::<T>(out, n, "out")? as *mut T, len, side),
                    MULTIPLY => ew::binary_scalar::<T, T, ew::Mul>(pa, sv, check_ptr::<T>(out, n, "out")? as *mut T, len, side),
                    DIVIDE => {
                        // True division by any number: the slot holds an f64.
                        ew::div_scalar_to_f64::<T>(pa, f64::from_bits(bits), check_ptr::<f64>(out, n, "out")? as *mut f64, len, side)
                    }
                    _ => return Err(Error::invalid(format!("unknown binary op code {op}"))),
                }
                Ok(())
            }, bool => Err(unsupported("add", dt))),
        }
    }
}

unsafe fn float_scalar<T: Float>(
    op: u32,
    a: *const u8,
    bits: u64,
    out: *mut u8,
    n: u32,
    side: Side,
) -> Result<()> {
    let (pa, po) = (
        check_ptr::<T>(a, n, "a")?,
        check_ptr::<T>(out, n, "out")? as *mut T,
    );
    let s = T::from_slot(bits);
    let len = n as usize;
    match op {
        ADD => ew::binary_scalar::<T, T, ew::Add>(pa, s, po, len, side),
        SUBTRACT => ew::binary_scalar::<T, T, ew::Sub>(pa, s, po, len, side),
        MULTIPLY => ew::binary_scalar::<T, T, ew::Mul>(pa, s, po, len, side),
        DIVIDE => ew::binary_scalar::<T, T, ew::Div>(pa, s, po, len, side),
        _ => return Err(Error::invalid(format!("unknown binary op code {op}"))),
    }
    Ok(())
}

export! {
    /// `out = f(a)` elementwise; `out` has the dtype of `a` and may alias it.
    /// sqrt/exp/log/sin/cos/tanh are defined for float dtypes only.
    fn rp_unary(op: u32, dt: u32, a: *const u8, out: *mut u8, n: u32) {
        let dt = dtype(dt)?;
        match dt {
            DType::Float64 => float_unary::<f64>(op, a, out, n),
            DType::Float32 => float_unary::<f32>(op, a, out, n),
            _ => for_each_numeric!(dt, T => {
                let (pa, po) = (check_ptr::<T>(a, n, "a")?, check_ptr::<T>(out, n, "out")? as *mut T);
                match op {
                    ABS => ew::unary::<T, ew::Abs>(pa, po, n as usize, 1),
                    NEGATIVE => ew::unary::<T, ew::Neg>(pa, po, n as usize, 1),
                    _ => return Err(unsupported(ufunc1_name(op), dt)),
                }
                Ok(())
            }, bool => Err(unsupported(ufunc1_name(op), dt))),
        }
    }
}

unsafe fn float_unary<T: Float>(op: u32, a: *const u8, out: *mut u8, n: u32) -> Result<()> {
    let (pa, po) = (
        check_ptr::<T>(a, n, "a")?,
        check_ptr::<T>(out, n, "out")? as *mut T,
    );
    let len = n as usize;
    match op {
        ABS => ew::unary::<T, ew::Abs>(pa, po, len, <ew::Abs as ew::UnOp<T>>::WORK),
        NEGATIVE => ew::unary::<T, ew::Neg>(pa, po, len, <ew::Neg as ew::UnOp<T>>::WORK),
        SQRT => ew::unary::<T, ew::Sqrt>(pa, po, len, <ew::Sqrt as ew::UnOp<T>>::WORK),
        EXP => ew::unary::<T, ew::Exp>(pa, po, len, <ew::Exp as ew::UnOp<T>>::WORK),
        LOG => ew::unary::<T, ew::Log>(pa, po, len, <ew::Log as ew::UnOp<T>>::WORK),
        SIN => ew::unary::<T, ew::Sin>(pa, po, len, <ew::Sin as ew::UnOp<T>>::WORK),
        COS => ew::unary::<T, ew::Cos>(pa, po, len, <ew::Cos as ew::UnOp<T>>::WORK),
        TANH => ew::unary::<T, ew::Tanh>(pa, po, len, <ew::Tanh as ew::UnOp<T>>::WORK),
        _ => return Err(Error::invalid(format!("unknown unary op code {op}"))),
    }
    Ok(())
}

export! {
    /// `out = minimum(maximum(a, lo), hi)`; `bounds` holds two slots (lo, hi).
    fn rp_clip(dt: u32, a: *const u8, out: *mut u8, n: u32, bounds: *const u8) {
        let dt = dtype(dt)?;
        let b = check_ptr::<u64>(bounds, 2, "bounds")?;
        let (lo, hi) = (b.read(), b.add(1).read());
        for_each_numeric!(dt, T => {
            let (pa, po) = (check_ptr::<T>(a, n, "a")?, check_ptr::<T>(out, n, "out")? as *mut T);
            ew::clip::<T>(pa, T::from_slot(lo), T::from_slot(hi), po, n as usize);
            Ok(())
        }, bool => Err(unsupported("clip", dt)))
    }
}

export! {
    /// Running sum in the dtype of `a` (integers wrap); `out` may alias `a`.
    fn rp_cumsum(dt: u32, a: *const u8, out: *mut u8, n: u32) {
        let dt = dtype(dt)?;
        for_each_numeric!(dt, T => {
            let (pa, po) = (check_ptr::<T>(a, n, "a")?, check_ptr::<T>(out, n, "out")? as *mut T);
            scan::cumsum::<T>(pa, po, n as usize);
            Ok(())
        }, bool => Err(unsupported("cumsum", dt)))
    }
}

export! {
    /// Sorts `a` in place, ascending, NaNs last.
    fn rp_sort(dt: u32, a: *mut u8, n: u32) {
        let dt = dtype(dt)?;
        for_each_numeric!(dt, T => { sort::sort(out_slice::<T>(a, n, "a")?); Ok(()) },
            bool => Err(unsupported("sort", dt)))
    }
}

export! {
    /// Writes the stable sorting permutation of `a` into `idx` (u32).
    fn rp_argsort(dt: u32, a: *const u8, n: u32, idx: *mut u8) {
        let dt = dtype(dt)?;
        let idx = out_slice::<u32>(idx, n, "idx")?;
        for_each_numeric!(dt, T => { sort::argsort(in_slice::<T>(a, n, "a")?, idx); Ok(()) },
            bool => Err(unsupported("argsort", dt)))
    }
}

export! {
    /// Sets every element of `a` to the slot value.
    fn rp_fill(dt: u32, a: *mut u8, n: u32, value: *const u8) {
        let dt = dtype(dt)?;
        let bits = read_slot(value)?;
        for_each_numeric!(dt, T => { ew::fill(out_slice::<T>(a, n, "a")?, T::from_slot(bits)); Ok(()) },
            bool => Err(unsupported("fill", dt)))
    }
}

export! {
    /// Copies `n` elements from `src` to `dst` (overlap allowed).
    fn rp_copy(dt: u32, src: *const u8, dst: *mut u8, n: u32) {
        let dt = dtype(dt)?;
        for_each_numeric!(dt, T => {
            ew::copy::<T>(check_ptr::<T>(src, n, "src")?, check_ptr::<T>(dst, n, "dst")? as *mut T, n as usize);
            Ok(())
        }, bool => Err(unsupported("copy", dt)))
    }
}
