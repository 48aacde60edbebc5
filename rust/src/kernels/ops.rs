//! The scalar operations behind the NDArray ufuncs, with NumPy's semantics.

use super::elementwise::{binop, BinOp, UnOp, LIBM_WORK};
use super::ufunc::MapOp;
use crate::dtype::Elem;

/// Arithmetic that differs between integers and floats.
pub trait Arith: Elem {
    /// Python/NumPy floor division (`//`); integer division by zero gives 0.
    fn floor_div(self, b: Self) -> Self;
    /// Python/NumPy remainder (sign of the divisor); integer `x % 0` gives 0.
    fn py_mod(self, b: Self) -> Self;
    /// `self ** b`; integers wrap (negative exponents are rejected earlier).
    fn power(self, b: Self) -> Self;
    fn truthy(self) -> bool;
    fn bit_and(self, b: Self) -> Self;
    fn bit_or(self, b: Self) -> Self;
    fn bit_xor(self, b: Self) -> Self;
    fn is_negative(self) -> bool;
    fn one() -> Self;
}

macro_rules! arith_int {
    ($($t:ty),*) => {$(impl Arith for $t {
        #[inline(always)]
        fn floor_div(self, b: Self) -> Self {
            if b == 0 { return 0; }
            let q = self.wrapping_div(b);
            #[allow(unused_comparisons)]
            let adjust = self.wrapping_rem(b) != 0 && ((self < 0) != (b < 0));
            if adjust { q.wrapping_sub(1) } else { q }
        }
        #[inline(always)]
        fn py_mod(self, b: Self) -> Self {
            if b == 0 { return 0; }
            let r = self.wrapping_rem(b);
            #[allow(unused_comparisons)]
            let adjust = r != 0 && ((r < 0) != (b < 0));
            if adjust { r.wrapping_add(b) } else { r }
        }
        #[inline(always)]
        fn power(self, b: Self) -> Self {
            let (mut base, mut e, mut acc) = (self, b as u64, 1 as $t);
            while e > 0 {
                if e & 1 == 1 { acc = acc.wrapping_mul(base); }
                base = base.wrapping_mul(base);
                e >>= 1;
            }
            acc
        }
        #[inline(always)] fn truthy(self) -> bool { self != 0 }
        #[inline(always)] fn bit_and(self, b: Self) -> Self { self & b }
        #[inline(always)] fn bit_or(self, b: Self) -> Self { self | b }
        #[inline(always)] fn bit_xor(self, b: Self) -> Self { self ^ b }
        #[allow(unused_comparisons)]
        #[inline(always)] fn is_negative(self) -> bool { self < 0 }
        #[inline(always)] fn one() -> Self { 1 }
    })*};
}
arith_int!(i8, u8, i16, u16, i32, u32, i64, u64);

macro_rules! arith_float {
    ($($t:ty),*) => {$(impl Arith for $t {
        /// NumPy's npy_divmod, so results match it bit for bit.
        #[inline(always)]
        fn floor_div(self, b: Self) -> Self { divmod(self, b).0 }
        #[inline(always)]
        fn py_mod(self, b: Self) -> Self { divmod(self, b).1 }
        #[inline(always)]
        fn power(self, b: Self) -> Self { self.powf(b) }
        #[inline(always)] fn truthy(self) -> bool { self != 0.0 }
        #[inline(always)] fn bit_and(self, _: Self) -> Self { unreachable!("bitwise ops are integer-only") }
        #[inline(always)] fn bit_or(self, _: Self) -> Self { unreachable!("bitwise ops are integer-only") }
        #[inline(always)] fn bit_xor(self, _: Self) -> Self { unreachable!("bitwise ops are integer-only") }
        #[inline(always)] fn is_negative(self) -> bool { self < 0.0 }
        #[inline(always)] fn one() -> Self { 1.0 }
    })*};
}
arith_float!(f32, f64);

/// NumPy's `npy_divmod` for floats: (floor quotient, remainder).
#[inline(always)]
fn divmod<F: Float2>(a: F, b: F) -> (F, F) {
    let mut m = a.fmod(b);
    if b == F::zero() {
        return (a / b, m);
    }
    let mut div = (a - m) / b;
    if m != F::zero() {
        if (b < F::zero()) != (m < F::zero()) {
            m = m + b;
            div = div - F::one();
        }
    } else {
        m = F::zero().copysign(b);
    }
    let floordiv = if div != F::zero() {
        let mut f = div.floor();
        if div - f > F::half() {
            f = f + F::one();
        }
        f
    } else {
        F::zero().copysign(a / b)
    };
    (floordiv, m)
}

/// The float operations `divmod` needs.
pub trait Float2:
    Copy
    + PartialOrd
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Div<Output = Self>
{
    fn fmod(self, b: Self) -> Self;
    fn floor(self) -> Self;
    fn copysign(self, s: Self) -> Self;
    fn zero() -> Self;
    fn one() -> Self;
    fn half() -> Self;
}
macro_rules! float2 {
    ($($t:ty),*) => {$(impl Float2 for $t {
        #[inline(always)] fn fmod(self, b: Self) -> Self { self % b }
        #[inline(always)] fn floor(self) -> Self { <$t>::floor(self) }
        #[inline(always)] fn copysign(self, s: Self) -> Self { <$t>::copysign(self, s) }
        #[inline(always)] fn zero() -> Self { 0.0 }
        #[inline(always)] fn one() -> Self { 1.0 }
        #[inline(always)] fn half() -> Self { 0.5 }
    })*};
}
float2!(f32, f64);

binop!(FloorDiv, Arith, T, |a, b| a.floor_div(b));
binop!(Mod, Arith, T, |a, b| a.py_mod(b));
binop!(Power, Arith, T, |a, b| a.power(b));
// NaN-propagating (the first NaN wins) and NaN-ignoring extremes, NumPy's
// rules: ties keep `a` (so maximum(-0.0, 0.0) is -0.0). Written as a chain
// of selects rather than nested ifs: LLVM 14 (the wasm toolchain) then
// vectorizes with one compare and one blend per step, and unrolls.
binop!(Maximum, Elem, T, |a, b| extreme(a, b, a >= b, true));
binop!(Minimum, Elem, T, |a, b| extreme(a, b, a <= b, true));
binop!(Fmax, Elem, T, |a, b| extreme(a, b, a >= b, false));
binop!(Fmin, Elem, T, |a, b| extreme(a, b, a <= b, false));

/// The extreme of `a` and `b` (`a` when `keep_a`); with `propagate` a NaN
/// operand wins (`a`'s first), otherwise the other operand does.
#[inline(always)]
fn extreme<T: Elem>(a: T, b: T, keep_a: bool, propagate: bool) -> T {
    let m = if keep_a { a } else { b };
    let (first, second) = if propagate { (b, a) } else { (a, b) };
    let m = if first.is_nan() { b } else { m };
    if second.is_nan() {
        a
    } else {
        m
    }
}
binop!(Equal, Elem, u8, |a, b| (a == b) as u8);
binop!(NotEqual, Elem, u8, |a, b| (a != b) as u8);
binop!(Less, Elem, u8, |a, b| (a < b) as u8);
binop!(LessEqual, Elem, u8, |a, b| (a <= b) as u8);
binop!(Greater, Elem, u8, |a, b| (a > b) as u8);
binop!(GreaterEqual, Elem, u8, |a, b| (a >= b) as u8);
binop!(LogicalAnd, Arith, u8, |a, b| (a.truthy() && b.truthy())
    as u8);
binop!(LogicalOr, Arith, u8, |a, b| (a.truthy() || b.truthy())
    as u8);
binop!(LogicalXor, Arith, u8, |a, b| (a.truthy() != b.truthy())
    as u8);
binop!(BitAnd, Arith, T, |a, b| a.bit_and(b));
binop!(BitOr, Arith, T, |a, b| a.bit_or(b));
binop!(BitXor, Arith, T, |a, b| a.bit_xor(b));

/// Float-only math as unary ops (`crate::dtype::Float` covers the rest).
pub trait Math: Elem {
    fn m(self, op: MathFn) -> Self;
    fn atan2(self, b: Self) -> Self;
    fn hypot(self, b: Self) -> Self;
    fn copysign(self, b: Self) -> Self;
}
/// The float functions `Math` dispatches on (resolved at compile time).
#[derive(Clone, Copy)]
pub enum MathFn {
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Expm1,
    Log1p,
    Log2,
    Log10,
    Floor,
    Ceil,
    Rint,
    Square,
    Sign,
}
macro_rules! math_impl {
    ($($t:ty),*) => {$(impl Math for $t {
        #[inline(always)]
        fn m(self, op: MathFn) -> Self {
            // float32 goes through float64 and rounds once (<= 1 ulp).
            let x = self as f64;
            let y = match op {
                MathFn::Tan => x.tan(),
                MathFn::Asin => x.asin(),
                MathFn::Acos => x.acos(),
                MathFn::Atan => x.atan(),
                MathFn::Sinh => x.sinh(),
                MathFn::Cosh => x.cosh(),
                MathFn::Expm1 => x.exp_m1(),
                MathFn::Log1p => x.ln_1p(),
                MathFn::Log2 => x.log2(),
                MathFn::Log10 => x.log10(),
                MathFn::Floor => return <$t>::floor(self),
                MathFn::Ceil => return <$t>::ceil(self),
                // NumPy's round: half to even
                MathFn::Rint => return round_half_even_f64(x) as $t,
                MathFn::Square => return self * self,
                // NumPy: 0 for both zeros (sign(-0.0) is 0.0), NaN stays NaN
                MathFn::Sign => {
                    return if self > 0.0 {
                        1.0
                    } else if self < 0.0 {
                        -1.0
                    } else if self == 0.0 {
                        0.0
                    } else {
                        self
                    }
                }
            };
            y as $t
        }
        #[inline(always)]
        fn atan2(self, b: Self) -> Self { (self as f64).atan2(b as f64) as $t }
        // float32 in float64: a*a + b*b cannot overflow there, and the
        // one rounding to float32 is within an ulp of hypotf's
        #[inline(always)]
        fn hypot(self, b: Self) -> Self { (self as f64).hypot(b as f64) as $t }
        #[inline(always)]
        fn copysign(self, b: Self) -> Self { <$t>::copysign(self, b) }
    })*};
}
math_impl!(f32, f64);

/// Rounds half to even (Rust 1.63 lacks `round_ties_even`).
#[inline(always)]
pub fn round_half_even_f64(x: f64) -> f64 {
    let r = x.round(); // half away from zero
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

binop!(Arctan2, Math, T, |a, b| a.atan2(b));
binop!(Hypot, Math, T, |a, b| Math::hypot(a, b));
binop!(Copysign, Math, T, |a, b| Math::copysign(a, b));

macro_rules! mathop {
    ($name:ident, $f:ident) => {
        mathop!($name, $f, 1);
    };
    ($name:ident, $f:ident, $work:expr) => {
        #[derive(Clone, Copy)]
        pub struct $name;
        impl<T: Math> UnOp<T> for $name {
            const WORK: usize = $work;
            #[inline(always)]
            fn apply(a: T) -> T {
                a.m(MathFn::$f)
            }
        }
    };
}
mathop!(Tan, Tan, LIBM_WORK);
mathop!(Arcsin, Asin, LIBM_WORK);
mathop!(Arccos, Acos, LIBM_WORK);
mathop!(Arctan, Atan, LIBM_WORK);
mathop!(Sinh, Sinh, LIBM_WORK);
mathop!(Cosh, Cosh, LIBM_WORK);
crate::patched_unop!(
    /// `expm1` through the vectorizable kernel (`crate::kernels::vmath`),
    /// patched like `exp`: blocks of moderate inputs run the body without
    /// clamp and selects.
    Expm1, vexpm1, vexpm1_body, vexpm1_ok, 3
);
mathop!(Log1p, Log1p, LIBM_WORK);
mathop!(Log2, Log2, LIBM_WORK);
mathop!(Log10, Log10, LIBM_WORK);
mathop!(Floor, Floor);
mathop!(Ceil, Ceil);
mathop!(Rint, Rint);
mathop!(Square, Square);
mathop!(SignF, Sign);

/// Integer square and sign.
#[derive(Clone, Copy)]
pub struct SquareInt;
impl<T: Elem> UnOp<T> for SquareInt {
    #[inline(always)]
    fn apply(a: T) -> T {
        a.mul(a)
    }
}
#[derive(Clone, Copy)]
pub struct SignInt;
impl<T: Arith> UnOp<T> for SignInt {
    #[inline(always)]
    fn apply(a: T) -> T {
        let zero = T::default();
        if a == zero {
            zero
        } else if a.is_negative() {
            zero.sub(T::one())
        } else {
            T::one()
        }
    }
}

macro_rules! pred {
    ($name:ident, |$x:ident| $e:expr) => {
        #[derive(Clone, Copy)]
        pub struct $name;
        impl<T: Arith> MapOp<T, u8> for $name {
            #[inline(always)]
            fn apply($x: T) -> u8 {
                $e as u8
            }
        }
    };
}
pred!(IsNan, |x| x.is_nan());
pred!(IsInf, |x| T::IS_FLOAT
    && !x.is_nan()
    && x.to_f64().is_infinite());
pred!(IsFinite, |x| !T::IS_FLOAT || x.to_f64().is_finite());
pred!(LogicalNot, |x| !x.truthy());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_div_and_mod_follow_python_and_numpy() {
        assert_eq!((-7i32).floor_div(2), -4);
        assert_eq!((-7i32).py_mod(2), 1);
        assert_eq!(7i32.py_mod(-2), -1);
        assert_eq!(5i8.floor_div(0), 0);
        assert_eq!(i8::MIN.floor_div(-1), i8::MIN);
        assert_eq!((-7.5f64).floor_div(2.0), -4.0);
        assert_eq!((-7.5f64).py_mod(2.0), 0.5);
        assert!(1.0f64.py_mod(-0.0).is_nan());
        assert_eq!(3u8.power(5), 243);
        assert_eq!(2i32.power(31), i32::MIN); // wraps
        assert_eq!(round_half_even_f64(2.5), 2.0);
        assert_eq!(round_half_even_f64(-3.5), -4.0);
        assert_eq!(round_half_even_f64(0.49999999999999994), 0.0);
        assert_eq!(<SignInt as UnOp<i64>>::apply(-9), -1);
        assert_eq!(<SignInt as UnOp<u64>>::apply(9), 1);
        assert_eq!(<SignInt as UnOp<i8>>::apply(-9), -1);
    }
}
