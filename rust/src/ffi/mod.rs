//! The C ABI. Nothing but argument checking and dispatch lives here, one
//! file per area (mirroring `kernels/`): `layout` decodes the f64 layout
//! metadata, `flat_api` the 1-d flat API, `ufuncs`, `reductions`,
//! `linalg`, `indexing`, `sorting`, `random`, `engine_api`, and
//! the wasm-only exports. This file holds the conventions, the `export!`
//! guard macro, the slot helpers and the information exports.
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

/// A binary export's two input buffers and its output buffer, as passed
/// (`rp_matmul`, `rp_ufunc2`): each checked where its element type is
/// known.
struct Bufs {
    a: *const u8,
    a_len: u32,
    b: *const u8,
    b_len: u32,
    out: *mut u8,
    out_len: u32,
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

mod engine_api;
mod flat_api;
mod indexing;
mod layout;
mod linalg;
mod op_table;
mod random;
mod reductions;
mod sorting;
mod ufuncs;
#[cfg(target_arch = "wasm32")]
mod wasm;
pub use engine_api::*;
pub use flat_api::*;
pub use indexing::*;
use layout::*;
pub use linalg::*;
use op_table::*;
pub use op_table::{ufunc1_op, ufunc_op};
pub use random::*;
pub use reductions::*;
pub use sorting::*;
pub use ufuncs::*;
#[cfg(target_arch = "wasm32")]
pub use wasm::*;

#[cfg(test)]
mod code_table_tests;
#[cfg(test)]
mod tests;

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

export! {
    /// Advises transparent huge pages for the whole 2 MiB pages inside the
    /// `n` bytes at `a` ([`crate::hugepages`]): for a fresh buffer raptors
    /// owns, before its first write. Status 0 whether or not the kernel
    /// takes the advice (it changes no contents); a negative, fractional
    /// or non-finite `n` is an invalid argument.
    fn rp_advise_hugepages(a: *mut u8, n: f64) {
        if !(n >= 0.0 && n <= MAX_SAFE as f64 && n.fract() == 0.0) {
            return Err(Error::invalid(format!("advise_hugepages: bad byte count {n}")));
        }
        if !a.is_null() {
            crate::hugepages::advise(a, n as usize);
        }
        Ok(())
    }
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
