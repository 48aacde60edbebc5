//! Element types and their codes, shared with `ffi/symbols.ts` (`DTYPE`).

/// dtype codes as passed across the boundary. Keep in sync with
/// `ffi/symbols.ts`; `tests/symbols_test.ts` checks the values through
/// `rp_dtype_size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum DType {
    Bool = 0,
    Int8 = 1,
    Uint8 = 2,
    Int16 = 3,
    Uint16 = 4,
    Int32 = 5,
    Uint32 = 6,
    Int64 = 7,
    Uint64 = 8,
    Float32 = 9,
    Float64 = 10,
}

impl DType {
    pub fn from_code(code: u32) -> Option<DType> {
        Some(match code {
            0 => DType::Bool,
            1 => DType::Int8,
            2 => DType::Uint8,
            3 => DType::Int16,
            4 => DType::Uint16,
            5 => DType::Int32,
            6 => DType::Uint32,
            7 => DType::Int64,
            8 => DType::Uint64,
            9 => DType::Float32,
            10 => DType::Float64,
            _ => return None,
        })
    }
    pub fn size(self) -> usize {
        match self {
            DType::Bool | DType::Int8 | DType::Uint8 => 1,
            DType::Int16 | DType::Uint16 => 2,
            DType::Int32 | DType::Uint32 | DType::Float32 => 4,
            DType::Int64 | DType::Uint64 | DType::Float64 => 8,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::Int8 => "int8",
            DType::Uint8 => "uint8",
            DType::Int16 => "int16",
            DType::Uint16 => "uint16",
            DType::Int32 => "int32",
            DType::Uint32 => "uint32",
            DType::Int64 => "int64",
            DType::Uint64 => "uint64",
            DType::Float32 => "float32",
            DType::Float64 => "float64",
        }
    }
}

/// A numeric element. Integer arithmetic wraps modulo 2^bits, as NumPy's
/// and as a store into a JS TypedArray does.
pub trait Elem: Copy + PartialOrd + PartialEq + Default + Send + Sync + 'static {
    const DTYPE: DType;
    const IS_FLOAT: bool;
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// `self + a * b`: fused (one rounding) for floats, wrapping for ints.
    #[inline(always)]
    fn mul_add_to(self, a: Self, b: Self) -> Self {
        self.add(a.mul(b))
    }
    fn neg(self) -> Self;
    fn abs(self) -> Self;
    fn to_f64(self) -> f64;
    /// Reads a scalar from the 8-byte slot convention (see `ffi/mod.rs`).
    fn from_slot(bits: u64) -> Self;
    /// NaN test; always false for integers.
    #[allow(clippy::wrong_self_convention)]
    fn is_nan(self) -> bool;
}

/// Decodes an integer slot: 8-byte dtypes hold their own bits, narrower
/// ones an f64 (exact for every value they can hold).
#[inline(always)]
fn slot_int(bits: u64, size: usize) -> i128 {
    if size == 8 {
        bits as i128
    } else {
        f64::from_bits(bits) as i128
    }
}

/// `Elem` for an integer type: wrapping arithmetic; `$abs` is `abs` of
/// `self` (wrapping for signed types, the identity for unsigned ones).
macro_rules! impl_int {
    ($t:ty, $dt:ident, |$x:ident| $abs:expr) => {
        impl Elem for $t {
            const DTYPE: DType = DType::$dt;
            const IS_FLOAT: bool = false;
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                false
            }
            #[inline(always)]
            fn neg(self) -> Self {
                self.wrapping_neg()
            }
            #[inline(always)]
            fn abs(self) -> Self {
                let $x = self;
                $abs
            }
            #[inline(always)]
            fn from_slot(bits: u64) -> Self {
                slot_int(bits, std::mem::size_of::<$t>()) as $t
            }
        }
    };
}

impl_int!(i8, Int8, |x| x.wrapping_abs());
impl_int!(i16, Int16, |x| x.wrapping_abs());
impl_int!(i32, Int32, |x| x.wrapping_abs());
impl_int!(i64, Int64, |x| x.wrapping_abs());
impl_int!(u8, Uint8, |x| x);
impl_int!(u16, Uint16, |x| x);
impl_int!(u32, Uint32, |x| x);
impl_int!(u64, Uint64, |x| x);

macro_rules! impl_float {
    ($t:ty, $dt:ident) => {
        impl Elem for $t {
            const DTYPE: DType = DType::$dt;
            const IS_FLOAT: bool = true;
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self + o
            }
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self - o
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self * o
            }
            #[inline(always)]
            fn mul_add_to(self, a: Self, b: Self) -> Self {
                // wasm32 has no fused multiply-add instruction: `mul_add`
                // would be a software fma call per element
                #[cfg(target_arch = "wasm32")]
                {
                    self + a * b
                }
                #[cfg(not(target_arch = "wasm32"))]
                {
                    a.mul_add(b, self)
                }
            }
            #[inline(always)]
            fn neg(self) -> Self {
                -self
            }
            #[inline(always)]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_slot(bits: u64) -> Self {
                f64::from_bits(bits) as $t
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                self != self
            }
        }
    };
}

impl_float!(f32, Float32);
impl_float!(f64, Float64);

/// Float-only operations.
pub trait Float: Elem + std::ops::Div<Output = Self> {
    fn sqrt(self) -> Self;
    fn exp(self) -> Self;
    fn ln(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tanh(self) -> Self;
    fn from_f64(v: f64) -> Self;
    /// The vectorizable elementwise versions (`crate::kernels::vmath`) that
    /// the `exp`/`expm1`/`log`/`tanh` ufuncs use. The wasm build keeps libm
    /// (wasm has no fused multiply-add instruction to build them on).
    fn vexp(self) -> Self;
    fn vexpm1(self) -> Self;
    fn vln(self) -> Self;
    fn vtanh(self) -> Self;
    /// sin/cos for the elementwise loops, exact where `vtrig_ok` (|x| <=
    /// 2^20, float32 and float64): the loops use libm where it is false.
    fn vsin(self) -> Self;
    fn vcos(self) -> Self;
    fn vtrig_ok(self) -> bool;
    /// `vln` for positive normal finite inputs (where `vln_ok`), without
    /// the special-value selects: the loops patch the others with `vln`.
    fn vln_normal(self) -> Self;
    fn vln_ok(self) -> bool;
    /// `vtanh` without its clamp and selects, where `vtanh_ok`.
    fn vtanh_body(self) -> Self;
    fn vtanh_ok(self) -> bool;
    /// `vexp` without its clamp, scaling by the exponent field, where
    /// `vexp_ok`.
    fn vexp_body(self) -> Self;
    fn vexp_ok(self) -> bool;
    /// `vexpm1` with one power of two and no selects, where `vexpm1_ok`.
    fn vexpm1_body(self) -> Self;
    fn vexpm1_ok(self) -> bool;
    /// `vexp_body` of a whole block by a hand-vectorized kernel for this
    /// CPU, with whether every input was `vexp_ok`; `None` where there is
    /// none (the loops then run `vexp_body` themselves).
    #[inline(always)]
    fn vexp_block(_a: &[Self], _out: &mut [Self]) -> Option<bool> {
        None
    }
}

/// One `Float` method: the native kernel `kernels::vmath::$native`, or on
/// wasm (which keeps libm) `$wasm`.
macro_rules! vmath_fn {
    ($f:ident -> $r:ty, $native:ident, |$x:ident| $wasm:expr) => {
        #[inline(always)]
        fn $f(self) -> $r {
            #[cfg(not(target_arch = "wasm32"))]
            return crate::kernels::vmath::$native(self);
            #[cfg(target_arch = "wasm32")]
            {
                let $x = self;
                return $wasm;
            }
        }
    };
}

/// The vectorizable transcendentals of one float type, by the names of its
/// functions in `kernels::vmath`.
macro_rules! vmath_impl {
    ($t:ty: $exp:ident, $expm1:ident, $log:ident, $tanh:ident, $sin:ident, $cos:ident,
     $trig_ok:ident, $log_n:ident, $log_ok:ident, $tanh_b:ident, $tanh_ok:ident,
     $exp_b:ident, $exp_ok:ident, $expm1_b:ident, $expm1_ok:ident) => {
        vmath_fn!(vexp -> Self, $exp, |x| (x as f64).exp() as $t);
        vmath_fn!(vexpm1 -> Self, $expm1, |x| (x as f64).exp_m1() as $t);
        vmath_fn!(vln -> Self, $log, |x| (x as f64).ln() as $t);
        vmath_fn!(vtanh -> Self, $tanh, |x| (x as f64).tanh() as $t);
        vmath_fn!(vsin -> Self, $sin, |x| (x as f64).sin() as $t);
        vmath_fn!(vcos -> Self, $cos, |x| (x as f64).cos() as $t);
        vmath_fn!(vtrig_ok -> bool, $trig_ok, |_x| true);
        vmath_fn!(vln_normal -> Self, $log_n, |x| (x as f64).ln() as $t);
        vmath_fn!(vln_ok -> bool, $log_ok, |_x| true);
        vmath_fn!(vtanh_body -> Self, $tanh_b, |x| (x as f64).tanh() as $t);
        vmath_fn!(vtanh_ok -> bool, $tanh_ok, |_x| true);
        vmath_fn!(vexp_body -> Self, $exp_b, |x| (x as f64).exp() as $t);
        vmath_fn!(vexp_ok -> bool, $exp_ok, |_x| true);
        vmath_fn!(vexpm1_body -> Self, $expm1_b, |x| (x as f64).exp_m1() as $t);
        vmath_fn!(vexpm1_ok -> bool, $expm1_ok, |_x| true);
    };
}

/// The libm-backed `Float` methods of `$t`: its own `sqrt`, the others
/// computed in float64 and rounded once to `$t` (float32's are within 1
/// ulp of the exact result; for float64 the casts are identities).
macro_rules! libm_methods {
    ($t:ty; $($f:ident),*) => {
        #[inline(always)]
        fn sqrt(self) -> Self {
            <$t>::sqrt(self)
        }
        $(
            #[inline(always)]
            fn $f(self) -> Self {
                (self as f64).$f() as $t
            }
        )*
        #[inline(always)]
        fn from_f64(v: f64) -> Self {
            v as $t
        }
    };
}

#[allow(clippy::unnecessary_cast)]
impl Float for f64 {
    libm_methods!(f64; exp, ln, sin, cos, tanh);
    #[inline(always)]
    fn vexp_block(a: &[f64], out: &mut [f64]) -> Option<bool> {
        #[cfg(all(target_arch = "x86_64", raptors_avx512))]
        if crate::simd::level() == crate::simd::Level::Avx512 {
            // SAFETY: AVX-512 was detected on this CPU
            return Some(unsafe { crate::kernels::vmath::avx512::exp_f64_block(a, out) });
        }
        let _ = (a, out);
        None
    }
    vmath_impl!(f64: exp_f64, expm1_f64, log_f64, tanh_f64, sin_f64, cos_f64,
        trig_f64_in_range, log_f64_normal, log_f64_covers, tanh_f64_body, tanh_f64_covers,
        exp_f64_body, exp_f64_covers, expm1_f64_body, expm1_f64_covers);
}

// float32's libm functions are float64's, rounded once; the `v*` ones are
// float32 kernels (`kernels::vmath`).
impl Float for f32 {
    libm_methods!(f32; exp, ln, sin, cos, tanh);
    vmath_impl!(f32: exp_f32, expm1_f32, log_f32, tanh_f32, sin_f32, cos_f32,
        trig_f32_in_range, log_f32_normal, log_f32_covers, tanh_f32_body, tanh_f32_covers,
        exp_f32_body, exp_f32_covers, expm1_f32_body, expm1_f32_covers);
}

/// Calls `$body` with the type alias `$T` bound to the Rust type of `$dt`
/// (a [`DType`]), for every numeric dtype. `bool` evaluates `$none`.
#[macro_export]
macro_rules! for_each_numeric {
    ($dt:expr, $T:ident => $body:expr, bool => $none:expr) => {
        match $dt {
            $crate::dtype::DType::Float32 => { type $T = f32; $body }
            $crate::dtype::DType::Float64 => { type $T = f64; $body }
            $crate::dtype::DType::Bool => $none,
            dt => $crate::for_each_int!(dt, $T => $body, _ => unreachable!("every other dtype is an integer")),
        }
    };
}

/// Like [`for_each_numeric!`] for the eight integer dtypes; other dtypes
/// evaluate `$other`.
#[macro_export]
macro_rules! for_each_int {
    ($dt:expr, $T:ident => $body:expr, _ => $other:expr) => {
        $crate::dtype_arms!($dt, $T => $body, _ => $other;
            Int8 = i8, Uint8 = u8, Int16 = i16, Uint16 = u16,
            Int32 = i32, Uint32 = u32, Int64 = i64, Uint64 = u64)
    };
}

/// The match behind [`for_each_int!`]: one arm per `Variant = type` pair,
/// binding `$T` to the type.
#[doc(hidden)]
#[macro_export]
macro_rules! dtype_arms {
    ($dt:expr, $T:ident => $body:expr, _ => $other:expr; $($V:ident = $t:ty),*) => {
        match $dt {
            $($crate::dtype::DType::$V => {
                type $T = $t;
                $body
            })*
            _ => $other,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_decode_by_the_documented_convention() {
        assert_eq!(i8::from_slot((-43f64).to_bits()), -43);
        assert_eq!(u32::from_slot(4294967295f64.to_bits()), u32::MAX);
        assert_eq!(i32::from_slot((-2147483648f64).to_bits()), i32::MIN);
        assert_eq!(i64::from_slot(i64::MIN as u64), i64::MIN);
        assert_eq!(u64::from_slot(u64::MAX), u64::MAX);
        assert_eq!(f32::from_slot(2.5f64.to_bits()), 2.5f32);
    }
}
