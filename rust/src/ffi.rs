//! The C ABI. Nothing but argument checking and dispatch lives here.
//!
//! Conventions (mirrored by `ffi/symbols.ts`, which lists every export):
//! - Functions return an `i32` status: 0 on success, otherwise a code from
//!   [`crate::error`] with a message available through
//!   `rp_last_error_len` / `rp_last_error_copy` (per thread).
//! - Arrays are `(pointer, u32 length)` pairs; a null pointer is accepted
//!   only with length 0 (Deno passes an empty TypedArray as NULL).
//! - `dt` is a dtype code ([`crate::dtype::DType`]).
//! - A *slot* is 8 bytes holding one scalar: `i64` bits for int64, `u64`
//!   bits for uint64, and an `f64` for every other dtype (exact for all
//!   8..32-bit integers). Scalar results are written to a slot, scalar
//!   arguments are read from one.

use crate::dtype::{DType, Elem, Float};
use crate::error::{self, guard, Error, Result};
use crate::kernels::elementwise::{self as ew, Side};
use crate::kernels::gather::{self, AxisLayout};
use crate::kernels::ops;
use crate::kernels::reduce_axis::{self, AxisPlan};
use crate::kernels::strided::{self, Dims, Layout, MAX_DIMS};
use crate::kernels::ufunc;
use crate::kernels::{gemm, gemv};
use crate::kernels::{reduce, scan, sort};
use crate::{for_each_int, for_each_numeric};
use std::slice;

/// Bumped on any change to a signature or convention above.
pub const ABI_VERSION: u32 = 2;

/// Largest integer a JS number holds exactly.
const MAX_SAFE: i128 = (1i128 << 53) - 1;

macro_rules! export {
    ($(#[$m:meta])* fn $name:ident($($arg:ident : $ty:ty),* $(,)?) $body:block) => {
        $(#[$m])*
        ///
        /// # Safety
        /// Every pointer must be valid for the length passed with it (see
        /// the module docs); the call is otherwise checked and never panics.
        #[no_mangle]
        pub unsafe extern "C" fn $name($($arg: $ty),*) -> i32 {
            guard(|| $body)
        }
    };
}

/// A module of op codes: `pub const NAME: ty = value;` for each, plus
/// `CODES`, every (name, value) pair, which the tests compare with the
/// tables of `ffi/symbols.ts`.
macro_rules! codes {
    ($(#[$m:meta])* pub mod $name:ident: $ty:ty { $($(#[$cm:meta])* $c:ident = $v:expr),* $(,)? }) => {
        $(#[$m])*
        pub mod $name {
            $($(#[$cm])* pub const $c: $ty = $v;)*
            /// Every code with its name.
            #[cfg(test)]
            pub const CODES: &[(&str, $ty)] = &[$((stringify!($c), $c)),*];
        }
    };
}

fn dtype(code: u32) -> Result<DType> {
    DType::from_code(code).ok_or_else(|| Error::invalid(format!("unknown dtype code {code}")))
}

fn unsupported(op: &str, dt: DType) -> Error {
    Error::new(
        error::UNSUPPORTED_DTYPE,
        format!(
            "ufunc '{op}' not supported for the input type {}",
            dt.name()
        ),
    )
}

/// Checks a pointer for `n` elements of `T`: non-null (unless empty) and
/// aligned. Returns a dangling-but-aligned pointer for empty input.
fn check_ptr<T>(p: *const u8, n: u32, what: &str) -> Result<*const T> {
    if n == 0 {
        return Ok(std::ptr::NonNull::<T>::dangling().as_ptr());
    }
    if p.is_null() {
        return Err(Error::invalid(format!(
            "{what} is a null pointer with length {n}"
        )));
    }
    if (p as usize) % std::mem::align_of::<T>() != 0 {
        return Err(Error::invalid(format!(
            "{what} at {p:p} is not aligned to {} bytes",
            std::mem::align_of::<T>()
        )));
    }
    Ok(p as *const T)
}

unsafe fn in_slice<'a, T>(p: *const u8, n: u32, what: &str) -> Result<&'a [T]> {
    Ok(slice::from_raw_parts(
        check_ptr::<T>(p, n, what)?,
        n as usize,
    ))
}

unsafe fn out_slice<'a, T>(p: *mut u8, n: u32, what: &str) -> Result<&'a mut [T]> {
    Ok(slice::from_raw_parts_mut(
        check_ptr::<T>(p, n, what)? as *mut T,
        n as usize,
    ))
}

unsafe fn read_slot(p: *const u8) -> Result<u64> {
    let p = check_ptr::<u64>(p, 1, "scalar slot")?;
    Ok(p.read())
}

unsafe fn write_slot(p: *mut u8, bits: u64) -> Result<()> {
    let p = check_ptr::<u64>(p, 1, "result slot")? as *mut u64;
    p.write(bits);
    Ok(())
}

/// The slot encoding of an element (see the module docs).
fn to_slot<T: Elem>(v: T) -> u64 {
    match T::DTYPE {
        DType::Int64 | DType::Uint64 => {
            // Reinterpret: the TS side reads the slot as BigInt64/BigUint64.
            let mut bits = 0u64;
            // SAFETY: T is 8 bytes wide for these dtypes.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    &v as *const T as *const u8,
                    &mut bits as *mut u64 as *mut u8,
                    8,
                )
            };
            bits
        }
        _ => v.to_f64().to_bits(),
    }
}

fn exact_to_slot(v: i128, what: &str, dt: DType) -> Result<u64> {
    if v.abs() > MAX_SAFE {
        return Err(Error::new(
            error::OVERFLOW,
            format!(
                "{what} of {} values is {v}, beyond Number.MAX_SAFE_INTEGER (2^53 - 1): no JS number holds it exactly",
                dt.name()
            ),
        ));
    }
    Ok((v as f64).to_bits())
}

// ---- information ------------------------------------------------------------

/// The ABI version of this library (compare with `ABI_VERSION` in TS).
#[no_mangle]
pub extern "C" fn rp_abi_version() -> u32 {
    ABI_VERSION
}

/// Does nothing; measures the bare cost of an FFI call.
#[no_mangle]
pub extern "C" fn rp_noop() -> i32 {
    0
}

/// Byte length of this thread's last error message.
#[no_mangle]
pub extern "C" fn rp_last_error_len() -> u32 {
    error::last_error_len().min(u32::MAX as usize) as u32
}

/// Copies up to `cap` bytes of the last error message (UTF-8) into `buf`.
///
/// # Safety
/// `buf` must be valid for `cap` bytes of writes.
#[no_mangle]
pub unsafe extern "C" fn rp_last_error_copy(buf: *mut u8, cap: u32) -> u32 {
    if buf.is_null() || cap == 0 {
        return 0;
    }
    error::last_error_copy(slice::from_raw_parts_mut(buf, cap as usize)) as u32
}

/// 1 = portable, 2 = AVX2+FMA, 3 = AVX-512.
#[no_mangle]
pub extern "C" fn rp_simd_level() -> u32 {
    crate::simd::level() as u32
}

#[no_mangle]
pub extern "C" fn rp_num_threads() -> u32 {
    crate::parallel::num_threads().min(u32::MAX as usize) as u32
}

/// Sets the kernel thread count (0 = default: the available cores).
#[no_mangle]
pub extern "C" fn rp_set_num_threads(n: u32) -> i32 {
    crate::parallel::set_num_threads(n as usize);
    0
}

/// Element size of a dtype code, 0 for an unknown code.
#[no_mangle]
pub extern "C" fn rp_dtype_size(dt: u32) -> u32 {
    DType::from_code(dt).map_or(0, |d| d.size() as u32)
}

/// Panics inside the guard: proves that panics become status codes.
#[no_mangle]
pub extern "C" fn rp_debug_panic() -> i32 {
    guard(|| panic!("deliberate panic from rp_debug_panic"))
}

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

export! {
    /// Minimum (NaN if any NaN). EMPTY for an empty array.
    fn rp_min(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        let dt = dtype(dt)?;
        let bits = for_each_numeric!(dt, T => to_slot(reduce::min(in_slice::<T>(a, n, "a")?)?),
            bool => return Err(unsupported("minimum", dt)));
        write_slot(out, bits)
    }
}

export! {
    /// Maximum (NaN if any NaN). EMPTY for an empty array.
    fn rp_max(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        let dt = dtype(dt)?;
        let bits = for_each_numeric!(dt, T => to_slot(reduce::max(in_slice::<T>(a, n, "a")?)?),
            bool => return Err(unsupported("maximum", dt)));
        write_slot(out, bits)
    }
}

export! {
    /// Index of the first minimum (first NaN if any), as an f64 slot.
    fn rp_argmin(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        let dt = dtype(dt)?;
        let i = for_each_numeric!(dt, T => reduce::argmin(in_slice::<T>(a, n, "a")?)?,
            bool => return Err(unsupported("argmin", dt)));
        write_slot(out, (i as f64).to_bits())
    }
}

export! {
    /// Index of the first maximum (first NaN if any), as an f64 slot.
    fn rp_argmax(dt: u32, a: *const u8, n: u32, out: *mut u8) {
        let dt = dtype(dt)?;
        let i = for_each_numeric!(dt, T => reduce::argmax(in_slice::<T>(a, n, "a")?)?,
            bool => return Err(unsupported("argmax", dt)));
        write_slot(out, (i as f64).to_bits())
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

/// Binary op codes.
pub const OP_ADD: u32 = 0;
pub const OP_SUBTRACT: u32 = 1;
pub const OP_MULTIPLY: u32 = 2;
pub const OP_DIVIDE: u32 = 3;
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
                    OP_ADD => ew::binary::<T, T, ew::Add>(pa, pb, check_ptr::<T>(out, n, "out")? as *mut T, len),
                    OP_SUBTRACT => ew::binary::<T, T, ew::Sub>(pa, pb, check_ptr::<T>(out, n, "out")? as *mut T, len),
                    OP_MULTIPLY => ew::binary::<T, T, ew::Mul>(pa, pb, check_ptr::<T>(out, n, "out")? as *mut T, len),
                    OP_DIVIDE => ew::binary::<T, f64, ew::DivToF64>(pa, pb, check_ptr::<f64>(out, n, "out")? as *mut f64, len),
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
        OP_ADD => ew::binary::<T, T, ew::Add>(pa, pb, po, len),
        OP_SUBTRACT => ew::binary::<T, T, ew::Sub>(pa, pb, po, len),
        OP_MULTIPLY => ew::binary::<T, T, ew::Mul>(pa, pb, po, len),
        OP_DIVIDE => ew::binary::<T, T, ew::Div>(pa, pb, po, len),
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
                    OP_ADD => ew::binary_scalar::<T, T, ew::Add>(pa, sv, check_ptr::<T>(out, n, "out")? as *mut T, len, side),
                    OP_SUBTRACT => ew::binary_scalar::<T, T, ew::Sub>(pa, sv, check_ptr::<T>(out, n, "out")? as *mut T, len, side),
                    OP_MULTIPLY => ew::binary_scalar::<T, T, ew::Mul>(pa, sv, check_ptr::<T>(out, n, "out")? as *mut T, len, side),
                    OP_DIVIDE => {
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
        OP_ADD => ew::binary_scalar::<T, T, ew::Add>(pa, s, po, len, side),
        OP_SUBTRACT => ew::binary_scalar::<T, T, ew::Sub>(pa, s, po, len, side),
        OP_MULTIPLY => ew::binary_scalar::<T, T, ew::Mul>(pa, s, po, len, side),
        OP_DIVIDE => ew::binary_scalar::<T, T, ew::Div>(pa, s, po, len, side),
        _ => return Err(Error::invalid(format!("unknown binary op code {op}"))),
    }
    Ok(())
}

/// Unary op codes.
pub const OP_ABS: u32 = 0;
pub const OP_NEGATIVE: u32 = 1;
pub const OP_SQRT: u32 = 2;
pub const OP_EXP: u32 = 3;
pub const OP_LOG: u32 = 4;
pub const OP_SIN: u32 = 5;
pub const OP_COS: u32 = 6;
pub const OP_TANH: u32 = 7;

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
                    OP_ABS => ew::unary::<T, ew::Abs>(pa, po, n as usize, 1),
                    OP_NEGATIVE => ew::unary::<T, ew::Neg>(pa, po, n as usize, 1),
                    _ => return Err(unsupported(unary_name(op), dt)),
                }
                Ok(())
            }, bool => Err(unsupported(unary_name(op), dt))),
        }
    }
}

fn unary_name(op: u32) -> &'static str {
    match op {
        OP_ABS => "absolute",
        OP_NEGATIVE => "negative",
        OP_SQRT => "sqrt",
        OP_EXP => "exp",
        OP_LOG => "log",
        OP_SIN => "sin",
        OP_COS => "cos",
        OP_TANH => "tanh",
        _ => "unknown",
    }
}

unsafe fn float_unary<T: Float>(op: u32, a: *const u8, out: *mut u8, n: u32) -> Result<()> {
    let (pa, po) = (
        check_ptr::<T>(a, n, "a")?,
        check_ptr::<T>(out, n, "out")? as *mut T,
    );
    let len = n as usize;
    match op {
        OP_ABS => ew::unary::<T, ew::Abs>(pa, po, len, <ew::Abs as ew::UnOp<T>>::WORK),
        OP_NEGATIVE => ew::unary::<T, ew::Neg>(pa, po, len, <ew::Neg as ew::UnOp<T>>::WORK),
        OP_SQRT => ew::unary::<T, ew::Sqrt>(pa, po, len, <ew::Sqrt as ew::UnOp<T>>::WORK),
        OP_EXP => ew::unary::<T, ew::Exp>(pa, po, len, <ew::Exp as ew::UnOp<T>>::WORK),
        OP_LOG => ew::unary::<T, ew::Log>(pa, po, len, <ew::Log as ew::UnOp<T>>::WORK),
        OP_SIN => ew::unary::<T, ew::Sin>(pa, po, len, <ew::Sin as ew::UnOp<T>>::WORK),
        OP_COS => ew::unary::<T, ew::Cos>(pa, po, len, <ew::Cos as ew::UnOp<T>>::WORK),
        OP_TANH => ew::unary::<T, ew::Tanh>(pa, po, len, <ew::Tanh as ew::UnOp<T>>::WORK),
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

/// Reads `ndim` shape entries and two stride arrays from `meta` (f64:
/// `[src_offset, dst_offset, shape.., src_strides.., dst_strides..]`).
/// Two layouts of one shape, decoded from `meta`.
struct Layouts {
    src_offset: isize,
    dst_offset: isize,
    shape: Dims<usize>,
    src_strides: Dims<isize>,
    dst_strides: Dims<isize>,
}

/// `ndim` checked against NumPy's limit (layouts are decoded inline).
fn check_ndim(ndim: usize) -> Result<()> {
    if ndim > MAX_DIMS {
        return Err(Error::invalid(format!(
            "{ndim} dimensions: at most {MAX_DIMS} are supported (NumPy's limit)"
        )));
    }
    Ok(())
}

/// One extent (a non-negative layout integer).
fn extent(v: f64) -> Result<usize> {
    int_extent(meta_int(v)?)
}

/// Decodes `xs` as extents (non-negative layout integers).
fn extents_inline(xs: &[f64]) -> Result<Dims<usize>> {
    let mut d = Dims::new();
    for &v in xs {
        let x = meta_int(v)?;
        if x < 0 {
            return Err(Error::invalid(format!("negative extent {x}")));
        }
        d.push(x as usize);
    }
    Ok(d)
}

/// Decodes `xs` as strides (layout integers).
fn strides_inline(xs: &[f64]) -> Result<Dims<isize>> {
    let mut d = Dims::new();
    for &v in xs {
        d.push(meta_int(v)?);
    }
    Ok(d)
}

fn read_meta(meta: &[f64], ndim: usize) -> Result<Layouts> {
    check_ndim(ndim)?;
    if meta.len() != 2 + 3 * ndim {
        return Err(Error::invalid("layout metadata has the wrong length"));
    }
    Ok(Layouts {
        src_offset: meta_int(meta[0])?,
        dst_offset: meta_int(meta[1])?,
        shape: extents_inline(&meta[2..2 + ndim])?,
        src_strides: strides_inline(&meta[2 + ndim..2 + 2 * ndim])?,
        dst_strides: strides_inline(&meta[2 + 2 * ndim..])?,
    })
}

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

/// Three layouts decoded from `[a_off, b_off, out_off, shape.., a_st.., b_st.., out_st..]`.
struct Layouts3 {
    offsets: [isize; 3],
    shape: Dims<usize>,
    strides: [Dims<isize>; 3],
}

impl Layouts3 {
    /// The (a, b, out) layouts.
    fn layouts(&self) -> [Layout<'_>; 3] {
        [0, 1, 2].map(|k| Layout {
            offset: self.offsets[k],
            shape: &self.shape,
            strides: &self.strides[k],
        })
    }
}

fn read_meta3(meta: &[f64], nd: usize) -> Result<Layouts3> {
    check_ndim(nd)?;
    if meta.len() != 3 + 4 * nd {
        return Err(Error::invalid("layout metadata has the wrong length"));
    }
    let st = |k: usize| strides_inline(&meta[3 + (k + 1) * nd..3 + (k + 2) * nd]);
    Ok(Layouts3 {
        offsets: [meta_int(meta[0])?, meta_int(meta[1])?, meta_int(meta[2])?],
        shape: extents_inline(&meta[3..3 + nd])?,
        strides: [st(0)?, st(1)?, st(2)?],
    })
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

codes! {
    /// Axis-reduction op codes (`rp_reduce_axis`).
    pub mod reduce_op: u32 {
        SUM = 0,
        PROD = 1,
        MAX = 2,
        MIN = 3,
        ALL = 4,
        ANY = 5,
        FMAX = 6,
        FMIN = 7,
    }
}

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

/// Scratch for the layout entries of one call ([`meta_int`]): on the
/// stack up to [`INTS_STACK`] entries (every request-sized call), else on
/// the heap. A `collect` into a `Vec` grew it three times for a matmul's 10
/// entries, and returning a stack array by value copied it: either was
/// most of a small product's native time (115 ns per call).
struct IntBuf {
    stack: [isize; INTS_STACK],
    heap: Vec<isize>,
}

const INTS_STACK: usize = 40;

impl IntBuf {
    fn new() -> Self {
        IntBuf {
            stack: [0; INTS_STACK],
            heap: Vec::new(),
        }
    }

    /// `meta`'s entries as integers, each checked by [`meta_int`].
    fn read(&mut self, meta: &[f64]) -> Result<&[isize]> {
        let dst: &mut [isize] = if meta.len() <= INTS_STACK {
            &mut self.stack[..meta.len()]
        } else {
            self.heap.resize(meta.len(), 0);
            &mut self.heap
        };
        for (d, &v) in dst.iter_mut().zip(meta) {
            *d = meta_int(v)?;
        }
        Ok(dst)
    }
}

/// One layout entry (an offset, extent or stride sent as f64): an integer
/// that this platform's `isize` holds. On wasm32 that is below 2^31, so a
/// broadcast view of 2^31 elements is an error there instead of an extent
/// silently saturated to 2^31 - 1 (which summed one element too few).
#[inline(always)]
fn meta_int(v: f64) -> Result<isize> {
    // one conversion and two compares when the entry is fine (`as`
    // saturates, and NaN becomes 0: both then differ from `v`)
    let i = v as isize;
    if i as f64 == v && v.abs() <= (1u64 << 53) as f64 {
        return Ok(i);
    }
    Err(meta_int_error(v))
}

/// Why an entry [`meta_int`] refused is refused (it accepts every other).
#[cold]
fn meta_int_error(v: f64) -> Error {
    // (not v.fract(): without SSE4.1 that is a libm call, 7 per ufunc call)
    if v as i64 as f64 != v || v.abs() > (1u64 << 53) as f64 {
        Error::invalid(format!("layout entry {v} is not an integer"))
    } else {
        Error::invalid(format!(
            "layout entry {v} exceeds this platform's address range ({} bits)",
            isize::BITS
        ))
    }
}

/// A layout integer that must be an extent (non-negative).
fn int_extent(x: isize) -> Result<usize> {
    usize::try_from(x).map_err(|_| Error::invalid(format!("negative extent {x}")))
}

fn extents(xs: &[isize]) -> Result<Vec<usize>> {
    let mut v = Vec::with_capacity(xs.len());
    for &x in xs {
        v.push(int_extent(x)?);
    }
    Ok(v)
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
        if vec_ok && dt == DType::Float64 {
            return matvec::<f64>(a, a_len, b, b_len, out, out_len, m, mm, kk, nn, batch);
        }
        if vec_ok && dt == DType::Float32 {
            return matvec::<f32>(a, a_len, b, b_len, out, out_len, m, mm, kk, nn, batch);
        }
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => {
            let pa = check_ptr::<T>(a, a_len, "a")?;
            let pb = check_ptr::<T>(b, b_len, "b")?;
            let po = check_ptr::<T>(out, out_len, "out")? as *mut T;
            for t in 0..batch {
                let (ao, bo) = (m[8 + 2 * t], m[9 + 2 * t]);
                let al = Layout { offset: ao, shape: &[mm, kk], strides: &m[4..6] };
                let bl = Layout { offset: bo, shape: &[kk, nn], strides: &m[6..8] };
                strided::check_bounds(&al, a_len as usize, "matmul a")?;
                strided::check_bounds(&bl, b_len as usize, "matmul b")?;
                gemm::gemm::<T>(
                    mm, nn, kk,
                    gemm::Mat { ptr: pa.offset(ao), rs: m[4], cs: m[5] },
                    gemm::Mat { ptr: pb.offset(bo), rs: m[6], cs: m[7] },
                    po.add(t * mm * nn),
                );
            }
            Ok(())
        }, bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

/// `rp_matmul` with a vector side: n == 1 with A's rows and x contiguous
/// or A's columns contiguous, or m == 1 with B's rows contiguous or B's
/// columns and x contiguous (checked by the caller).
///
/// # Safety
/// As `rp_matmul`: the pointers valid for the lengths passed with them.
#[allow(clippy::too_many_arguments)]
unsafe fn matvec<T: Elem>(
    a: *const u8,
    a_len: u32,
    b: *const u8,
    b_len: u32,
    out: *mut u8,
    out_len: u32,
    m: &[isize],
    mm: usize,
    kk: usize,
    nn: usize,
    batch: usize,
) -> Result<()> {
    let pa = check_ptr::<T>(a, a_len, "a")?;
    let pb = check_ptr::<T>(b, b_len, "b")?;
    let po = check_ptr::<T>(out, out_len, "out")? as *mut T;
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
        strided::check_bounds(&al, a_len as usize, "matmul a")?;
        strided::check_bounds(&bl, b_len as usize, "matmul b")?;
        let y = po.add(t * mm * nn);
        if nn == 1 && m[5] == 1 && m[6] == 1 {
            gemv::gemv_rows::<T>(mm, kk, pa.offset(ao), m[4], pb.offset(bo), y);
        } else if nn == 1 {
            // y = A x with A's columns contiguous: y = x A^T, A^T's rows
            // are A's columns
            gemv::gevm_rows::<T>(kk, mm, pb.offset(bo), m[6], pa.offset(ao), m[5], y);
        } else if m[7] == 1 {
            gemv::gevm_rows::<T>(kk, nn, pa.offset(ao), m[5], pb.offset(bo), m[6], y);
        } else {
            // y = x B with B's columns contiguous: y = B^T x, B^T's rows
            // are B's columns
            gemv::gemv_rows::<T>(nn, kk, pb.offset(bo), m[7], pa.offset(ao), y);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot() -> [u64; 1] {
        [0]
    }

    #[test]
    fn null_pointers_and_bad_codes_are_errors_not_crashes() {
        let mut s = slot();
        let out = s.as_mut_ptr() as *mut u8;
        unsafe {
            assert_eq!(rp_sum(10, std::ptr::null(), 0, out), 0);
            assert_eq!(f64::from_bits(s[0]), 0.0);
            assert_eq!(
                rp_sum(10, std::ptr::null(), 5, out),
                error::INVALID_ARGUMENT
            );
            assert_eq!(
                rp_sum(99, std::ptr::null(), 0, out),
                error::INVALID_ARGUMENT
            );
            assert_eq!(rp_max(10, std::ptr::null(), 0, out), error::EMPTY);
            let x = [1.0f64, 2.0];
            let p = (x.as_ptr() as *const u8).add(1);
            assert_eq!(rp_sum(10, p, 1, out), error::INVALID_ARGUMENT);
            assert_eq!(
                rp_unary(OP_SQRT, 5, x.as_ptr() as *const u8, out, 1),
                error::UNSUPPORTED_DTYPE
            );
            assert_eq!(rp_debug_panic(), error::PANIC);
        }
    }

    #[test]
    fn small_integer_sums_report_overflow_past_2_pow_53() {
        let big = vec![i32::MAX; 1 << 23];
        let mut s = slot();
        let out = s.as_mut_ptr() as *mut u8;
        let code = unsafe { rp_sum(5, big.as_ptr() as *const u8, big.len() as u32, out) };
        assert_eq!(code, error::OVERFLOW);
        let ok = vec![i32::MAX; 1 << 21];
        assert_eq!(
            unsafe { rp_sum(5, ok.as_ptr() as *const u8, ok.len() as u32, out) },
            0
        );
        assert_eq!(
            f64::from_bits(s[0]),
            (i32::MAX as f64) * (1u64 << 21) as f64
        );
    }

    #[test]
    fn int64_slots_round_trip_bits() {
        let a = [i64::MAX, 1];
        let mut s = slot();
        unsafe { rp_sum(7, a.as_ptr() as *const u8, 2, s.as_mut_ptr() as *mut u8) };
        assert_eq!(s[0] as i64, i64::MIN); // wraps like NumPy
        let b = [u64::MAX, 3];
        unsafe { rp_max(8, b.as_ptr() as *const u8, 2, s.as_mut_ptr() as *mut u8) };
        assert_eq!(s[0], u64::MAX);
    }
}

/// An [`AxisLayout`] read from metadata: `[offset, axis_len, axis_stride,
/// n_outer, n_inner, outer_shape.., outer_strides.., inner_shape..,
/// inner_strides..]`; returns the owned parts and the entries consumed.
struct AxisMeta {
    offset: isize,
    axis_len: usize,
    axis_stride: isize,
    outer_shape: Vec<usize>,
    outer_strides: Vec<isize>,
    inner_shape: Vec<usize>,
    inner_strides: Vec<isize>,
}

impl AxisMeta {
    fn read(m: &[isize]) -> Result<(AxisMeta, usize)> {
        let short = || Error::invalid("axis layout metadata too short");
        if m.len() < 5 {
            return Err(short());
        }
        let (no, ni) = (extents(&m[3..4])?[0], extents(&m[4..5])?[0]);
        let used = 5 + 2 * no + 2 * ni;
        if m.len() < used || no > 64 || ni > 64 {
            return Err(short());
        }
        Ok((
            AxisMeta {
                offset: m[0],
                axis_len: extents(&m[1..2])?[0],
                axis_stride: m[2],
                outer_shape: extents(&m[5..5 + no])?,
                outer_strides: m[5 + no..5 + 2 * no].to_vec(),
                inner_shape: extents(&m[5 + 2 * no..5 + 2 * no + ni])?,
                inner_strides: m[5 + 2 * no + ni..used].to_vec(),
            },
            used,
        ))
    }
    fn layout(&self) -> AxisLayout<'_> {
        AxisLayout {
            offset: self.offset,
            outer_shape: &self.outer_shape,
            outer_strides: &self.outer_strides,
            axis_len: self.axis_len,
            axis_stride: self.axis_stride,
            inner_shape: &self.inner_shape,
            inner_strides: &self.inner_strides,
        }
    }
}

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
    /// The sorted distinct values of `a` (NaNs collapse into one, last;
    /// -0.0 and 0.0 are one value) written to the front of `out` (length
    /// `n`); their count goes to the slot `count` (f64).
    fn rp_unique(dt: u32, a: *const u8, n: u32, out: *mut u8, count: *mut u8) {
        let dt = dtype(dt)?;
        let k = for_each_numeric!(dt, T => sort::unique(in_slice::<T>(a, n, "a")?, out_slice::<T>(out, n, "out")?),
            bool => return Err(unsupported("unique", dt)));
        write_slot(count, (k as f64).to_bits())
    }
}

export! {
    /// Creates an engine (see `engine.rs`); its id goes to the slot `id`.
    fn rp_engine_new(threads: u32, max_queue: u32, intra_op: u32, id: *mut u8) {
        let e = crate::engine::create(threads as usize, max_queue as usize, intra_op as usize)?;
        write_slot(id, (e as f64).to_bits())
    }
}

export! {
    /// Sets (or, with null, clears) the callback the notifier thread calls
    /// when jobs have finished.
    fn rp_engine_set_callback(id: u32, f: *const u8) {
        let f: Option<extern "C" fn()> = if f.is_null() {
            None
        } else {
            // SAFETY: the caller passes a callable `void (*)(void)`.
            Some(std::mem::transmute::<*const u8, extern "C" fn()>(f))
        };
        crate::engine::set_callback(id, f)
    }
}

export! {
    /// Queues a job program (`prog`: `len` u64 words, see
    /// `engine::submit`); its id goes to the slot `job`. Status QUEUE_FULL
    /// or CLOSED when it cannot be queued. `hold` (0 or 1): leave a core to
    /// the caller until [`rp_engine_wake`].
    fn rp_engine_submit(id: u32, prog: *const u8, len: u32, priority: u32, hold: u32, job: *mut u8) {
        let prog = in_slice::<u64>(prog, len, "program")?;
        let j = crate::engine::submit(id, prog, priority, hold != 0)?;
        write_slot(job, (j as f64).to_bits())
    }
}

export! {
    /// Wakes workers for the jobs held by `rp_engine_submit(.., hold = 1)`.
    fn rp_engine_wake(id: u32) {
        crate::engine::wake(id)
    }
}

export! {
    /// Cancels a job (f64 id); the slot `state` gets 1 (was queued, now
    /// reported), 2 (running, flagged) or 0 (unknown or finished).
    fn rp_engine_cancel(id: u32, job: f64, state: *mut u8) {
        let s = crate::engine::cancel(id, job as u64)?;
        write_slot(state, (s as f64).to_bits())
    }
}

export! {
    /// Test gate step (see `engine::gate_step`): inside an engine job, holds
    /// the worker until gate `gate` opens or the job is cancelled.
    fn rp_test_gate(gate: u32) {
        crate::engine::gate_step(gate)
    }
}

export! {
    /// Test gate control (see `engine::gate_ctl`): `op` 0 closes and resets,
    /// 1 opens, 2 reads; the slot `entered` gets the count of steps that
    /// entered the gate.
    fn rp_test_gate_ctl(gate: u32, op: u32, entered: *mut u8) {
        let n = crate::engine::gate_ctl(gate, op)?;
        write_slot(entered, (n as f64).to_bits())
    }
}

export! {
    /// Moves finished jobs into `out` (f64 x 6 each, `cap` entries) and
    /// their messages into `msg`; the count goes to the slot `count`.
    fn rp_engine_poll(id: u32, out: *mut u8, cap: u32, msg: *mut u8, msg_cap: u32, count: *mut u8) {
        let out = out_slice::<f64>(out, cap.saturating_mul(6), "out")?;
        let msg = out_slice::<u8>(msg, msg_cap, "msg")?;
        let n = crate::engine::poll(id, out, msg)?;
        write_slot(count, (n as f64).to_bits())
    }
}

export! {
    /// `[queued, running, busy workers, finished-not-polled]` into `out` (f64 x 4).
    fn rp_engine_stats(id: u32, out: *mut u8) {
        let s = crate::engine::stats(id)?;
        out_slice::<f64>(out, 4, "out")?.copy_from_slice(&s);
        Ok(())
    }
}

export! {
    /// Stops accepting jobs; without `drain` cancels queued and running
    /// ones. Threads exit on their own once everything is reported.
    fn rp_engine_close(id: u32, drain: u32) {
        crate::engine::close(id, drain != 0, false)
    }
}

export! {
    /// Sorting along an axis: `op` 0 sort, 1 argsort (stable), 2 partition,
    /// 3 argpartition (with `kth`). `meta` (f64) holds the axis layout of
    /// `a` then that of `out` (values of dtype `dt`, or int64 indices).
    fn rp_sort_axis(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, meta: *const u8, meta_len: u32, kth: u32) {
        use crate::kernels::sort_axis::{self, LaneOp};
        let dt = dtype(dt)?;
        let mut m_buf = IntBuf::new();
        let m = m_buf.read(in_slice::<f64>(meta, meta_len, "meta")?)?;
        let (al, used) = AxisMeta::read(m)?;
        let (ol, _) = AxisMeta::read(&m[used..])?;
        let op = match op {
            0 => LaneOp::Sort,
            1 => LaneOp::Argsort,
            2 => LaneOp::Partition(kth as usize),
            3 => LaneOp::Argpartition(kth as usize),
            _ => return Err(Error::invalid(format!("unknown sort op {op}"))),
        };
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => {
            let pa = check_ptr::<T>(a, a_len, "a")?;
            if matches!(op, LaneOp::Argsort | LaneOp::Argpartition(_)) {
                check_ptr::<i64>(out, out_len, "out")?;
            } else {
                check_ptr::<T>(out, out_len, "out")?;
            }
            sort_axis::sort_axis::<T>(op, pa, a_len as usize, &al.layout(), out, out_len as usize, &ol.layout())
        }, bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

export! {
    /// `out[j]` = insertion index of `v[j]` into the sorted `a` (`right`: 1
    /// for side="right"); `a`, `v` contiguous of dtype `dt`, `out` int64.
    fn rp_searchsorted(dt: u32, a: *const u8, n: u32, v: *const u8, m: u32, out: *mut u8, right: u32) {
        use crate::kernels::sort_axis;
        let dt = dtype(dt)?;
        let out = out_slice::<i64>(out, m, "out")?;
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => sort_axis::searchsorted::<T>(
            in_slice::<T>(a, n, "a")?, in_slice::<T>(v, m, "v")?, right != 0, out),
            bool => unreachable!("bool is mapped to uint8 storage"))
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

export! {
    /// Top-k along `lanes` contiguous lanes of `n` elements of dtype `dt`
    /// (`a`: `lanes * n` of them): per lane the `k` best values into `vals`
    /// (dtype `dt`, `lanes * k`) and their indices within the lane into
    /// `idx` (int64), best first. `largest` 1: the largest (NaN above every
    /// number), 0: the smallest (NaN below none); ties by the smaller index.
    fn rp_topk(dt: u32, a: *const u8, a_len: u32, lanes: u32, n: u32, k: u32, largest: u32, vals: *mut u8, idx: *mut u8) {
        use crate::kernels::topk;
        let dt = dtype(dt)?;
        if lanes as u64 * n as u64 != a_len as u64 || k > n {
            return Err(Error::invalid(format!(
                "topk: {lanes} lanes of {n} do not make {a_len} elements, or k = {k} > n"
            )));
        }
        let m = lanes * k; // at most a_len: fits
        let idx = out_slice::<i64>(idx, m, "idx")?;
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => {
            topk::topk::<T>(in_slice::<T>(a, a_len, "a")?, lanes as usize, n as usize, k as usize,
                largest != 0, out_slice::<T>(vals, m, "vals")?, idx);
            Ok(())
        }, bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

export! {
    /// Seeds a PCG64 as `PCG64(SeedSequence(entropy))` (`entropy`: `n` u32
    /// words, least significant first) into `state` (6 u64 words).
    fn rp_rng_seed(entropy: *const u8, n: u32, state: *mut u8) {
        use crate::kernels::random::Pcg64;
        let e = in_slice::<u32>(entropy, n, "entropy")?;
        let g = Pcg64::from_entropy(e);
        out_slice::<u64>(state, 6, "state")?.copy_from_slice(&g.to_words());
        Ok(())
    }
}

export! {
    /// Draws `n` values from the PCG64 `state` (updated in place): `kind` 0
    /// random float64, 1 random float32, 2 integers int64 (`params`: off,
    /// range as i64/u64 bits), 3 uniform float64 (`params`: low, high -
    /// low as f64), 4 a permutation of 0..n (int64, NumPy's shuffle), 5
    /// standard normal float64, 6 standard normal float32, 7 normal
    /// float64 (`params`: loc, scale as f64), 8 `n` distinct indices of
    /// 0..pop (int64; `params`: pop, shuffle flag; NumPy's `choice` with
    /// `replace=False` and no `p`).
    fn rp_rng_fill(kind: u32, state: *mut u8, out: *mut u8, n: u32, params: *const u8) {
        use crate::kernels::random::Pcg64;
        let st = out_slice::<u64>(state, 6, "state")?;
        let mut g = Pcg64::from_words(st);
        let p = in_slice::<u64>(params, 2, "params")?;
        match kind {
            0 => out_slice::<f64>(out, n, "out")?.iter_mut().for_each(|o| *o = g.next_f64()),
            1 => out_slice::<f32>(out, n, "out")?.iter_mut().for_each(|o| *o = g.next_f32()),
            2 => {
                let (off, rng) = (p[0], p[1]);
                out_slice::<u64>(out, n, "out")?
                    .iter_mut()
                    .for_each(|o| *o = off.wrapping_add(g.bounded(rng)));
            }
            3 => {
                let (low, range) = (f64::from_bits(p[0]), f64::from_bits(p[1]));
                out_slice::<f64>(out, n, "out")?
                    .iter_mut()
                    .for_each(|o| *o = low + range * g.next_f64());
            }
            4 => {
                let o = out_slice::<i64>(out, n, "out")?;
                for (i, v) in o.iter_mut().enumerate() {
                    *v = i as i64;
                }
                for i in (1..o.len()).rev() {
                    let j = g.interval(i as u64) as usize;
                    o.swap(i, j);
                }
            }
            5 => out_slice::<f64>(out, n, "out")?.iter_mut().for_each(|o| *o = g.standard_normal()),
            6 => out_slice::<f32>(out, n, "out")?.iter_mut().for_each(|o| *o = g.standard_normal_f32()),
            7 => {
                let (loc, scale) = (f64::from_bits(p[0]), f64::from_bits(p[1]));
                out_slice::<f64>(out, n, "out")?
                    .iter_mut()
                    .for_each(|o| *o = loc + scale * g.standard_normal());
            }
            8 => {
                let (pop, shuffle) = (p[0], p[1] != 0);
                choice_without_replacement(&mut g, pop, shuffle, out_slice::<i64>(out, n, "out")?)?;
            }
            _ => return Err(Error::invalid(format!("unknown draw kind {kind}"))),
        }
        st.copy_from_slice(&g.to_words());
        Ok(())
    }
}

/// NumPy's `Generator.choice(pop, size, replace=False, shuffle=...)`:
/// a partial Fisher-Yates over the tail of `arange(pop)` when the sample
/// is a large share of a large population, Floyd's algorithm with an
/// open-addressing set otherwise (then shuffled), drawing exactly the same
/// numbers in the same order as NumPy.
fn choice_without_replacement(
    g: &mut crate::kernels::random::Pcg64,
    pop: u64,
    shuffle: bool,
    o: &mut [i64],
) -> Result<()> {
    let size = o.len() as u64;
    if size > pop {
        return Err(Error::invalid(
            "Cannot take a larger sample than population when replace is False",
        ));
    }
    let cutoff = if shuffle { 50 } else { 20 };
    if pop > 10000 && size > pop / cutoff {
        if pop > (1u64 << 32) {
            return Err(Error::invalid(
                "choice: population too large for replace=False",
            ));
        }
        let mut idx: Vec<i64> = (0..pop as i64).collect();
        for i in ((pop - size).max(1)..pop).rev() {
            let j = g.bounded(i) as usize;
            idx.swap(i as usize, j);
        }
        o.copy_from_slice(&idx[(pop - size) as usize..]);
        return Ok(());
    }
    let mut mask = (1.2 * size as f64) as u64;
    for s in [1, 2, 4, 8, 16, 32] {
        mask |= mask >> s;
    }
    let mut set = vec![u64::MAX; mask as usize + 1];
    let m = mask as usize;
    for (k, j) in (pop - size..pop).enumerate() {
        let val = g.bounded(j);
        let mut loc = val as usize & m;
        while set[loc] != u64::MAX && set[loc] != val {
            loc = (loc + 1) & m;
        }
        if set[loc] == u64::MAX {
            set[loc] = val;
            o[k] = val as i64;
        } else {
            // val was drawn before: take j itself (not yet in the set)
            let mut loc = j as usize & m;
            while set[loc] != u64::MAX {
                loc = (loc + 1) & m;
            }
            set[loc] = j;
            o[k] = j as i64;
        }
    }
    if shuffle {
        for i in (1..o.len()).rev() {
            let j = g.bounded(i as u64) as usize;
            o.swap(i, j);
        }
    }
    Ok(())
}

codes! {
    /// `rp_linalg` op codes (`ffi/symbols.ts`, `LINALG`).
    pub mod linalg_op: u32 {
        SOLVE = 0,
        SLOGDET = 1,
        CHOLESKY = 3,
    }
}

codes! {
    /// `rp_decomp` op codes (`ffi/symbols.ts`, `DECOMP`).
    pub mod decomp_op: u32 {
        QR = 0,
        EIGH = 1,
        SVD = 2,
    }
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
        linalg_op::SOLVE => {
            let b = out_slice::<T>(b, (n * nrhs * batch) as u32, "b")?;
            for t in 0..batch {
                let m = &mut a[t * n * n..(t + 1) * n * n];
                if !la::lu(m, n, &mut piv) {
                    return Err(Error::new(la::LINALG, "Singular matrix"));
                }
                la::lu_solve(m, n, &piv, &mut b[t * n * nrhs..(t + 1) * n * nrhs], nrhs);
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
    /// becomes X), 1 sign and log|det| into `out` (f64 x 2 per matrix), 3
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

/// WebAssembly only: `size` bytes (16-aligned) of the module's heap for
/// the JS shim (`ffi/wasm.ts`), which copies call arguments in and out;
/// null when the fixed heap has no room.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_alloc(size: u32) -> *mut u8 {
    crate::arena::wasm_heap::alloc_for_js(size, 16)
}

/// WebAssembly only: frees what [`rp_wasm_alloc`] returned for `size`.
///
/// # Safety
/// `ptr` must come from `rp_wasm_alloc(size)` and not be freed twice.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn rp_wasm_free(ptr: *mut u8, size: u32) {
    if !ptr.is_null() {
        let l = std::alloc::Layout::from_size_align_unchecked(size.max(1) as usize, 16);
        std::alloc::dealloc(ptr, l);
    }
}

/// WebAssembly only: grows the memory once to `mb` MiB and sets up the
/// fixed heap ([`crate::arena`]) in it; 1 on success, 0 if the heap was
/// already set up or the memory cannot grow that far. The memory never
/// grows after this, so JS views of it never detach.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_init(mb: u32) -> u32 {
    crate::arena::wasm_heap::init((mb as u64) << 20) as u32
}

/// WebAssembly only: like [`rp_wasm_alloc`], but null unless `keep` bytes
/// stay free afterwards (room for the kernels' scratch buffers).
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_alloc_keep(size: u32, keep: u32) -> *mut u8 {
    crate::arena::wasm_heap::alloc_keeping(size, keep)
}

/// WebAssembly only: makes the GEMM micro-kernels the functions at table
/// indices `f64` and `f32` (the relaxed-SIMD side module the JS loader
/// instantiated on this memory); 0 and 0 restore the built-in SIMD128
/// ones. Returns 1. A function of another signature traps when called.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_set_gemm(f64: u32, f32: u32) -> u32 {
    crate::kernels::gemm::wasm_micro::set_kernels(f64, f32);
    1
}

/// WebAssembly only: the heap's size (`which` 0), free bytes (1), or the
/// size of the last allocation that failed (2).
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_heap(which: u32) -> u32 {
    let (size, free) = crate::arena::wasm_heap::stats();
    match which {
        0 => size,
        1 => free,
        _ => crate::arena::wasm_heap::last_failed(),
    }
}

/// WebAssembly only: registers a worker thread (`ffi/wasm_threads.ts`
/// runs it on an instance sharing the main one's memory, with its own
/// stack); returns the epoch to pass to [`rp_wasm_worker_step`].
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_worker_join() -> i32 {
    crate::parallel::wasm_pool::worker_join()
}

/// WebAssembly only: a worker thread waits for the job after epoch `seen`,
/// runs tasks of it and returns its epoch; see
/// [`crate::parallel::wasm_pool`].
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_worker_step(seen: i32) -> i32 {
    crate::parallel::wasm_pool::worker_step(seen)
}

/// WebAssembly only: JS started `n` worker threads (kernels split for
/// `n + 1` threads from now on). Returns 1.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_set_workers(n: u32) -> u32 {
    crate::parallel::wasm_pool::set_started(n as usize);
    1
}

/// WebAssembly only: the address of the flag a worker's JS sets (an i32,
/// with `Atomics.store`) when its instance trapped.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_trapped_flag() -> u32 {
    crate::parallel::wasm_pool::trapped_flag() as u32
}

/// WebAssembly only: worker threads registered (`which` 0) or kernel
/// tasks they have run (1).
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn rp_wasm_pool(which: u32) -> u32 {
    crate::parallel::wasm_pool::stats(which) as u32
}

/// Every code that crosses the boundary has the same value on both sides:
/// the tables of `ffi/symbols.ts` against this crate's constants.
#[cfg(test)]
mod code_table_tests {
    use super::*;

    type Table = Vec<(String, i64)>;

    /// `export const NAME = { key: value, ... } as const;` of symbols.ts.
    fn ts_table(name: &str) -> Table {
        let ts = include_str!("../../ffi/symbols.ts");
        let head = format!("export const {name} = {{");
        let start = ts
            .find(&head)
            .unwrap_or_else(|| panic!("{name} in symbols.ts"));
        let rest = &ts[start + head.len()..];
        let body = &rest[..rest.find("} as const").expect("} as const")];
        body.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("/") && !l.starts_with('*'))
            .map(|l| {
                let (k, v) = l.trim_end_matches(',').split_once(':').expect("key: value");
                let v = v.trim();
                let v = match v.strip_prefix("0x") {
                    Some(h) => i64::from_str_radix(h, 16),
                    None => v.parse(),
                };
                (k.trim().to_string(), v.expect("a number"))
            })
            .collect()
    }

    /// `floorDivide` -> `FLOOR_DIVIDE`.
    fn upper_snake(k: &str) -> String {
        let mut s = String::new();
        for c in k.chars() {
            if c.is_ascii_uppercase() {
                s.push('_');
            }
            s.push(c.to_ascii_uppercase());
        }
        s
    }

    fn rust<T: Copy + Into<i64>>(pairs: &[(&str, T)]) -> Table {
        pairs
            .iter()
            .map(|&(k, v)| (k.to_string(), v.into()))
            .collect()
    }

    /// The two tables hold the same names with the same values; else the
    /// differences, named.
    fn compare(what: &str, mut ts: Table, mut rs: Table) -> std::result::Result<(), String> {
        ts.sort();
        rs.sort();
        if ts == rs {
            return Ok(());
        }
        let only = |a: &Table, b: &Table| -> Vec<String> {
            a.iter()
                .filter(|x| !b.contains(x))
                .map(|(k, v)| format!("{k} = {v}"))
                .collect()
        };
        Err(format!(
            "{what}: symbols.ts only {:?}, Rust only {:?}",
            only(&ts, &rs),
            only(&rs, &ts)
        ))
    }

    fn check(what: &str, ts: Table, rs: Table) {
        if let Err(e) = compare(what, ts, rs) {
            panic!("{e}");
        }
    }

    fn snake(t: Table) -> Table {
        t.into_iter().map(|(k, v)| (upper_snake(&k), v)).collect()
    }

    #[test]
    fn op_codes_match_symbols_ts() {
        let unary = [
            ("ABS", OP_ABS),
            ("NEGATIVE", OP_NEGATIVE),
            ("SQRT", OP_SQRT),
            ("EXP", OP_EXP),
            ("LOG", OP_LOG),
            ("SIN", OP_SIN),
            ("COS", OP_COS),
            ("TANH", OP_TANH),
        ];
        let binary = [
            ("ADD", OP_ADD),
            ("SUBTRACT", OP_SUBTRACT),
            ("MULTIPLY", OP_MULTIPLY),
            ("DIVIDE", OP_DIVIDE),
            ("REVERSED", OP_REVERSED),
        ];
        check("BINARY_OP", snake(ts_table("BINARY_OP")), rust(&binary));
        check("UNARY_OP", snake(ts_table("UNARY_OP")), rust(&unary));
        // NumPy's `round` is the kernel `rint` (round half to even)
        let ufunc1 = snake(ts_table("UFUNC1"))
            .into_iter()
            .map(|(k, v)| (if k == "ROUND" { "RINT".into() } else { k }, v))
            .collect();
        let mut rs = rust(&unary);
        rs.extend(rust(ufunc1_op::CODES));
        check("UFUNC1", ufunc1, rs);
        check("UFUNC2", snake(ts_table("UFUNC2")), rust(ufunc_op::CODES));
        check("REDUCE", snake(ts_table("REDUCE")), rust(reduce_op::CODES));
        check("LINALG", snake(ts_table("LINALG")), rust(linalg_op::CODES));
        check("DECOMP", snake(ts_table("DECOMP")), rust(decomp_op::CODES));
    }

    #[test]
    fn dtype_and_status_codes_match_symbols_ts() {
        let dtypes: Table = (0..=255u32)
            .filter_map(|c| DType::from_code(c).map(|d| (d.name().to_string(), c as i64)))
            .collect();
        check("DTYPE", ts_table("DTYPE"), dtypes);
        let status = [
            ("OK", error::OK),
            ("INVALID_ARGUMENT", error::INVALID_ARGUMENT),
            ("UNSUPPORTED_DTYPE", error::UNSUPPORTED_DTYPE),
            ("EMPTY", error::EMPTY),
            ("OUT_OF_MEMORY", error::OUT_OF_MEMORY),
            ("PANIC", error::PANIC),
            ("OVERFLOW", error::OVERFLOW),
            ("INDEX", error::INDEX),
            ("CANCELLED", error::CANCELLED),
            ("QUEUE_FULL", error::QUEUE_FULL),
            ("CLOSED", error::CLOSED),
            ("LINALG", crate::kernels::linalg::LINALG),
        ];
        check("STATUS", ts_table("STATUS"), rust(&status));
    }

    #[test]
    fn a_difference_is_reported_by_name() {
        let t = |p: &[(&str, i64)]| rust(p);
        assert!(compare("X", t(&[("A", 0), ("B", 1)]), t(&[("B", 1), ("A", 0)])).is_ok());
        let e = compare("X", t(&[("A", 0), ("B", 2)]), t(&[("A", 0), ("B", 1)])).unwrap_err();
        assert!(e.contains("B = 2") && e.contains("B = 1"), "{e}");
        let e = compare("X", t(&[("A", 0)]), t(&[("A", 0), ("C", 3)])).unwrap_err();
        assert!(e.contains("Rust only [\"C = 3\"]"), "{e}");
        assert_eq!(upper_snake("floorDivide"), "FLOOR_DIVIDE");
    }
}
