//! Vectorizable `exp`, `expm1`, `log` and `tanh` for float64 and float32,
//! and `sin`/`cos` for float32 (see [`sin_f32`]).
//!
//! Each function is a branch-free scalar body (`#[inline(always)]`): special
//! values are handled by selects, so the elementwise loops that call it
//! (through [`crate::multiversion!`]) vectorize to 8 or 16 lanes under
//! AVX-512 and 4 or 8 under AVX2. Only float64 `exp` reads a table (16
//! entries); under AVX-512 its loop is the hand-written [`avx512`] kernel,
//! which keeps the table in registers, and elsewhere the compiler's
//! gathers or scalar loads read it. Every step is one IEEE operation or
//! one fused multiply-add (`mul_add`, which is the `vfmadd` instruction in the
//! AVX2/AVX-512 copies and a correctly rounded software `fma` in the baseline
//! copy), and nothing is reassociated, so the result has the same bits at
//! every SIMD level and thread count.
//!
//! Method (written for this crate; the ideas are the textbook ones):
//! - `exp`, float64: `x = m ln2/16 + r`, `|r| <= ln2/32`, with `ln2/16`
//!   split in a 38-bit head (so `m * head` and `x - m * head` are exact) and
//!   a tail; `e^x = 2^(m >> 4) 2^((m mod 16)/16) e^r`, the middle factor
//!   from a table of 16 double-double values (`scripts/gen_exp_table.py`),
//!   and `e^r - 1 = p = r + r^2 q(r)` with `q` the Taylor series of
//!   `(e^r - 1 - r) / r^2` to degree 5 (truncation below 2^-59 relative).
//!   `T_hi + (T_hi p + T_lo)` leaves one large rounding, the last.
//!   float32: `x = k ln2 + r`, `|r| <= ln2/2`, a 16-bit head of `ln2`, the
//!   Taylor `q` to degree 5 (below 2^-27), `1 + r_head` added with its
//!   rounding error recovered (Fast2Sum). Both apply `2^k` as two exact
//!   power-of-two factors, so results in the subnormal range round once and
//!   `k = 1024` does not overflow early. (The float64 `exp` was the
//!   float32 scheme with `q` to degree 11 until the table made it ~1.4x
//!   faster.)
//! - `expm1`: the table-free reduction (float64: `ln2/2`, `q` to degree
//!   11); `2^k (1 + u) - 1` as `fma(2^k, u, 2^k - 1)` (for `k = 0` it is
//!   `r + r^2 q(r)`, accurate near 0).
//! - `log`: `x = 2^e m`, `m` in `[sqrt(1/2), sqrt(2))`, `f = m - 1` (exact).
//!   float64: `s = f / (2 + f)`, and `log(1 + f) = f - (f^2/2 - s (f^2/2 +
//!   R))` with `R = 2 s^2/3 + 2 s^4/5 + ...` (the atanh series, a fitted
//!   polynomial of degree 6 in `s^2`). float32, without a division:
//!   `log(1 + f) = f - f^2/2 + f^3 P(f)`, `P` a fitted polynomial of
//!   degree 8 ([`LOG_P_F`]). `e * ln2_head + f` is summed with Fast2Sum
//!   and its error carried into the small terms.
//! - `tanh`: `t = expm1(2|x|)`, `tanh |x| = t / (t + 2)`, the sign copied
//!   back; `|x|` tiny gives `x`, large gives `+-1`.
//!
//! Maximum errors measured against a correctly rounded reference are in
//! docs/BENCHMARKS.md (`scripts/ulp_sweep.py`); the tests assert them.

const LOG2E: f64 = std::f64::consts::LOG2_E;
/// ln 2 with 32 significant bits, and the rest.
const LN2_HI: f64 = 0.693_147_180_369_123_8; // 0x1.62e42fee00000p-1
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// Adding and subtracting 1.5 * 2^52 rounds to an integer (|t| < 2^51).
const SHIFT: f64 = 6_755_399_441_055_744.0;

const LOG2E_F: f32 = std::f32::consts::LOG2_E;
/// ln 2 with 16 significant bits, and the rest.
const LN2_HI_F: f32 = 0.693_145_75;
const LN2_LO_F: f32 = 1.428_606_8e-6;
const SHIFT_F: f32 = 12_582_912.0; // 1.5 * 2^23

/// `(e^r - 1 - r) / r^2` = sum of r^(n-2) / n!, n = 2..13.
const EXP_Q: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];
/// The float32 terms: [`EXP_Q`] to r^5 (n = 2..7), each the same float32
/// as `1.0 / n!` computed in float32.
const EXP_Q_F: [f32; 6] = {
    let mut q = [0.0; 6];
    let mut i = 0;
    while i < q.len() {
        q[i] = EXP_Q[i] as f32;
        i += 1;
    }
    q
};
/// The float64 `exp` table and reduction constants
/// (`scripts/gen_exp_table.py`): `EXP2_16_HI[j] + EXP2_16_LO[j]` is
/// `2^(j/16)` within 2^-106; `LN2_16_HI` is ln(2)/16 with 38 significant
/// bits (so `m * LN2_16_HI` is exact for |m| < 2^15), `LN2_16_LO` the rest.
#[rustfmt::skip]
#[allow(clippy::approx_constant)] // 2^(8/16) is sqrt 2: the table says so
const EXP2_16_HI: [f64; 16] = [1.0, 1.0442737824274138, 1.0905077326652577, 1.1387886347566916, 1.189207115002721, 1.241857812073484, 1.2968395546510096, 1.3542555469368927, 1.4142135623730951, 1.4768261459394993, 1.5422108254079407, 1.6104903319492543, 1.681792830507429, 1.7562521603732995, 1.8340080864093424, 1.9152065613971474];
#[rustfmt::skip]
const EXP2_16_LO: [f64; 16] = [0.0, 8.551889705537965e-17, -3.046782079812471e-17, 8.912812676025408e-17, 3.982015231465646e-17, 4.658027591836937e-17, 2.5382502794888315e-17, 7.70094837980299e-17, -9.667293313452913e-17, -3.483994556892796e-17, 7.949834809697621e-17, 2.4707192569797888e-17, 8.199010020581497e-17, 2.960140695448873e-17, 3.283107224245627e-17, -1.0619946056195963e-16];
const LN2_16_HI: f64 = 0.04332169878489367;
const LN2_16_LO: f64 = 1.0291218489310676e-13;
const INV_LN2_16: f64 = 23.083120654223414;
/// How many terms of [`EXP_Q`] the float64 table `exp` takes (to r^5,
/// n = 2..7): for |r| <= ln2/32 the first term left out is below 2^-59
/// relative.
const EXP_TABLE_TERMS: usize = 6;
/// `R(z) / z` for the atanh series (2/3, 2/5, 2/7, ... in Taylor form): a
/// degree-6 polynomial in `z = s^2` fitted for this crate by least squares
/// (relative) on Chebyshev nodes of [0, 0.02944] in 60-digit arithmetic
/// (`scripts/fit_vmath_poly.py`)
/// (`z` = ((sqrt 2 - 1)/(sqrt 2 + 1))^2 at most). Its relative error,
/// 2^-50.9 after rounding the coefficients, reaches the result scaled by
/// `s R / log` (under 0.01): below 0.04 ulp. The Taylor form took 10 terms
/// for the same accuracy.
const LOG_R: [f64; 7] = [
    0.666666666666667,
    0.3999999999989967,
    0.285714286259088,
    0.22222211144476184,
    0.18182888490204502,
    0.15331740796215299,
    0.14616232142260233,
];
/// float32 `log`: `log(1 + f) = f - f^2/2 + f^3 P(f)` on
/// `[sqrt(1/2) - 1, sqrt 2 - 1]`, `P` of degree 8 fitted for this crate by
/// weighted least squares on 3000 Chebyshev nodes
/// (`scripts/fit_vmath_poly.py`), the weight `f^2 / (log(1 + f) / f)` so
/// that the fit bounds `P`'s error as it reaches the result: at most
/// 2^-28.6 of `log(1 + f)` after rounding the coefficients to float32.
/// (It replaced `s = f / (2 + f)` and the atanh series, whose division
/// made the loop ~20% slower at the same accuracy.)
const LOG_P_F: [f32; 9] = [
    0.333_333_1,
    -0.250_000_18,
    0.200_021_97,
    -0.166_676_22,
    0.142_180_16,
    -0.124_116_72,
    0.119_042_9,
    -0.116_440_415,
    0.066_732_93,
];

/// The functions whose float64 and float32 forms are the same operations
/// on their own type and constants: Horner's rule, `2^k`, the table-free
/// `exp` reduction, the `exp` entry points around the type's core
/// ([`exp_table64`], [`exp_core32`]), `expm1`, `log` around the type's
/// small terms ([`log_terms64`], [`log_terms32`]), and `tanh`. The
/// invocation names each function; the numbers in the docs are its own.
macro_rules! vmath_common {
    // the table: a row per parameter, its float64 and float32 values
    ($($key:ident: [$($a:tt)*] [$($b:tt)*],)*) => {
        vmath_common!(@one $($key [$($a)*])*);
        vmath_common!(@one $($key [$($b)*])*);
    };
    (@one types [$t:ident $i:ident $u:ident] mantissa [$mbits:literal $mmask:literal]
     exponent [$emask:literal $bias:literal] subnormal [$sub_exp:literal $sub_scale:literal]
     reduction [$log2e:ident $shift:ident $ln2_hi:ident $ln2_lo:ident $exp_q:ident]
     helpers [$horner:ident $pow2:ident $reduce:ident]
     exp_range [($xlo:literal, $xhi:literal) $xcov:literal]
     exp [$exp_core:ident $exp:ident $exp_covers:ident $exp_body:ident]
     expm1_range [($elo:literal, $ehi:literal) $kbig:literal ($clo:literal, $chi:literal)]
     expm1 [$expm1:ident $expm1_covers:ident $expm1_body:ident $expm1_small:ident]
     log [$log_terms:ident $log:ident $log_core:ident $log_covers:ident $log_normal:ident]
     tanh_range [$tiny:literal $big:literal]
     tanh [$tanh:ident $tanh_covers:ident $tanh_body:ident]) => {
        #[inline(always)]
        fn $horner(x: $t, c: &[$t]) -> $t {
            let mut p = c[c.len() - 1];
            for &ci in c[..c.len() - 1].iter().rev() {
                p = p.mul_add(x, ci);
            }
            p
        }

        /// 2^k for k in the normal exponent range.
        #[inline(always)]
        fn $pow2(k: $i) -> $t {
            $t::from_bits((k.wrapping_add($bias) as $u) << $mbits)
        }

        /// The shared reduction: `x = k ln2 + r1 + tail` with `e^(r1+tail) - 1`
        /// returned as `(r1, tail)`, and `k`.
        #[inline(always)]
        fn $reduce(x: $t) -> ($t, $t, $i) {
            let t = x.mul_add($log2e, $shift);
            let kf = t - $shift;
            let k = (t.to_bits() as $i).wrapping_sub($shift.to_bits() as $i);
            let r1 = kf.mul_add(-$ln2_hi, x); // exact
            let r2 = kf * -$ln2_lo;
            let r = r1 + r2;
            let tail = (r * r).mul_add($horner(r, &$exp_q), r2);
            (r1, tail, k)
        }

        #[doc = concat!("e^x, ", stringify!($t), " (NaN in, NaN out; overflow to +inf; \
            underflow to 0).")]
        #[inline(always)]
        pub fn $exp(x: $t) -> $t {
            let xc = x.clamp($xlo, $xhi); // NaN stays NaN
            let (y, k) = $exp_core(xc);
            let k1 = k >> 1;
            y * $pow2(k1) * $pow2(k - k1)
        }

        #[doc = concat!("Whether [`", stringify!($exp_body), "`] covers `x` (|x| <= ",
            stringify!($xcov), ": the result and `2^k` normal and finite, far from both \
            ends).")]
        #[inline(always)]
        pub fn $exp_covers(x: $t) -> bool {
            x.abs() <= $xcov
        }

        #[doc = concat!("e^x on [`", stringify!($exp_covers), "`]'s range, the same bits as \
            [`", stringify!($exp), "`]: no clamp, and `2^k` added to the exponent field \
            (where the two exact power-of-two factors of [`", stringify!($exp), "`] give \
            the same result).")]
        #[inline(always)]
        pub fn $exp_body(x: $t) -> $t {
            let (y, k) = $exp_core(x);
            $t::from_bits(y.to_bits().wrapping_add((k as $u) << $mbits))
        }

        #[doc = concat!("e^x - 1, ", stringify!($t), ".")]
        #[inline(always)]
        pub fn $expm1(x: $t) -> $t {
            // Below the clamp e^x - 1 rounds to -1; above it, it overflows.
            let xc = x.clamp($elo, $ehi); // NaN stays NaN
            let (r1, tail, k) = $reduce(xc);
            let u = r1 + tail;
            // 2^k (1 + u) - 1; for k one past the largest exponent, two
            // halves keep 2^k finite.
            let k1 = k >> 1;
            let s1 = $pow2(k1);
            let s2 = $pow2(k - k1);
            let s = s1 * s2;
            let y = s.mul_add(u, s - 1.0);
            let big = s1 * (s2 * (1.0 + u)); // only for the largest k (then -1 is lost)
            let y = if k > $kbig { big } else { y };
            // exact zero and the sign of -0 kept
            if x == 0.0 {
                x
            } else {
                y
            }
        }

        #[doc = concat!("Whether [`", stringify!($expm1_body), "`] covers `x` (",
            stringify!($clo), " <= x <= ", stringify!($chi), ", not 0: no clamp, `2^k` \
            normal and below the range where `-1` is lost).")]
        #[inline(always)]
        pub fn $expm1_covers(x: $t) -> bool {
            ($clo..=$chi).contains(&x) && x != 0.0
        }

        #[doc = concat!("e^x - 1 on [`", stringify!($expm1_covers), "`]'s range, the same \
            bits as [`", stringify!($expm1), "`]: one power of two, no selects.")]
        #[inline(always)]
        pub fn $expm1_body(x: $t) -> $t {
            $expm1_small(x)
        }

        /// e^x - 1 with one power of two and no clamp (the `expm1` and
        /// `tanh` bodies' ranges).
        #[inline(always)]
        fn $expm1_small(x: $t) -> $t {
            let (r1, tail, k) = $reduce(x);
            let s = $pow2(k);
            s.mul_add(r1 + tail, s - 1.0)
        }

        #[doc = concat!("log of `2^e m` with `m` in [1, 2) given as bits (exponent field \
            cleared) and `e` unbiased: `m` brought into [sqrt(1/2), sqrt 2) as `1 + f` \
            (exact), then `e ln2_hi + f` summed with Fast2Sum and its error carried into \
            the small terms ([`", stringify!($log_terms), "`]); the shared core of [`",
            stringify!($log), "`] and [`", stringify!($log_normal), "`].")]
        #[inline(always)]
        fn $log_core(mbits: $u, e0: $i) -> $t {
            let m = $t::from_bits(mbits | (1.0 as $t).to_bits());
            let big = m > std::$t::consts::SQRT_2;
            let m = if big { m * 0.5 } else { m };
            let e = (e0 + big as $i) as $t;
            let f = m - 1.0; // exact
            let c = $log_terms(f, e);
            let a = e * $ln2_hi; // exact: e has few bits
            let hi = a + f;
            let err = (a - hi) + f; // Fast2Sum: |a| >= |f| or a = 0
            hi + (err + c)
        }

        #[doc = concat!("Whether [`", stringify!($log_normal), "`] covers `x` (positive, \
            normal, finite).")]
        #[inline(always)]
        pub fn $log_covers(x: $t) -> bool {
            ($t::MIN_POSITIVE..=$t::MAX).contains(&x)
        }

        #[doc = concat!("Natural logarithm of a positive normal finite ", stringify!($t),
            " (the vectorized loops' body; [`", stringify!($log), "`] for every other \
            input, same bits on these).")]
        #[inline(always)]
        pub fn $log_normal(x: $t) -> $t {
            let bits = x.to_bits();
            $log_core(bits & $mmask, ((bits >> $mbits) & $emask) as $i - $bias)
        }

        #[doc = concat!("Natural logarithm, ", stringify!($t),
            " (log(0) = -inf, log(x < 0) = NaN).")]
        #[inline(always)]
        pub fn $log(x: $t) -> $t {
            let sub = x < $t::MIN_POSITIVE;
            let xs = if sub { x * $sub_scale } else { x };
            let bits = xs.to_bits();
            let e0 = ((bits >> $mbits) & $emask) as $i - $bias - if sub { $sub_exp } else { 0 };
            let y = $log_core(bits & $mmask, e0);
            let y = if x == $t::INFINITY { x } else { y };
            let y = if x == 0.0 { $t::NEG_INFINITY } else { y };
            let y = if x < 0.0 { $t::NAN } else { y };
            if x.is_nan() {
                x
            } else {
                y
            }
        }

        #[doc = concat!("Whether [`", stringify!($tanh_body), "`] covers `x` (",
            stringify!($tiny), " <= |x| <= ", stringify!($big), ").")]
        #[inline(always)]
        pub fn $tanh_covers(x: $t) -> bool {
            ($tiny..=$big).contains(&x.abs())
        }

        #[doc = concat!("tanh on [`", stringify!($tanh_covers), "`]'s range, the same bits \
            as [`", stringify!($tanh), "`].")]
        #[inline(always)]
        pub fn $tanh_body(x: $t) -> $t {
            let t = $expm1_small(2.0 * x.abs());
            (t / (t + 2.0)).copysign(x)
        }

        #[doc = concat!("Hyperbolic tangent, ", stringify!($t), ".")]
        #[inline(always)]
        pub fn $tanh(x: $t) -> $t {
            let ax = x.abs();
            let y = $tanh_body(if ax > $big { $t::copysign($big, x) } else { x });
            let y = if ax > $big { $t::copysign(1.0, x) } else { y };
            // tanh(x) = x - x^3/3 + ... rounds to x below the small bound
            // (and keeps -0)
            if ax < $tiny {
                x
            } else {
                y
            }
        }
    };
}

/// float64 `e^x` before scaling: `x = m ln2/16 + r` (|r| <= ln2/32 plus
/// rounding), and `y = 2^((m mod 16)/16) e^r`, in [0.97, 2), as
/// `T_hi + (T_hi p + T_lo)` with `p = e^r - 1 = r + r^2 q(r)`: the only
/// large rounding is the last addition. `e^x = y 2^k`, `k = m >> 4`,
/// returned with `y`. The table takes the polynomial from degree 13 to 7
/// (the AVX-512 kernel reads it from two registers,
/// [`avx512::exp_f64_block`]).
#[inline(always)]
fn exp_table64(x: f64) -> (f64, i64) {
    let t = x.mul_add(INV_LN2_16, SHIFT);
    let mf = t - SHIFT;
    let m = (t.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    let r = mf.mul_add(-LN2_16_HI, x); // exact
    let r = mf.mul_add(-LN2_16_LO, r);
    let p = (r * r).mul_add(horner64(r, &EXP_Q[..EXP_TABLE_TERMS]), r);
    let j = (m & 15) as usize;
    let th = EXP2_16_HI[j];
    (th + th.mul_add(p, EXP2_16_LO[j]), m >> 4)
}

/// float64 `log(1 + f)` less `f`, with `e ln2_lo`: `s = f / (2 + f)`,
/// `f - (f^2/2 - s (f^2/2 + R))`, `R` the atanh series ([`LOG_R`]).
#[inline(always)]
fn log_terms64(f: f64, e: f64) -> f64 {
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * horner64(z, &LOG_R);
    let hfsq = 0.5 * f * f;
    s.mul_add(hfsq + r, e * LN2_LO) - hfsq
}

/// float32 `e^x` before scaling (`e^x = y 2^k`): the table-free
/// reduction, `1 + r_head` added with its rounding error recovered
/// (Fast2Sum).
#[inline(always)]
fn exp_core32(x: f32) -> (f32, i32) {
    let (r1, tail, k) = exp_reduce32(x);
    let hi = 1.0 + r1;
    let err = (1.0 - hi) + r1;
    (hi + (tail + err), k)
}

/// float32 `log(1 + f)` less `f`, with `e ln2_lo`: `-f^2/2 + f^3 P(f)`
/// ([`LOG_P_F`]), no division.
#[inline(always)]
fn log_terms32(f: f32, e: f32) -> f32 {
    let z = f * f;
    let hfsq = 0.5 * z;
    let q = (z * f) * horner32(f, &LOG_P_F);
    e.mul_add(LN2_LO_F, q) - hfsq
}

vmath_common! {
    types: [f64 i64 u64] [f32 i32 u32],
    mantissa: [52 0x000f_ffff_ffff_ffff] [23 0x007f_ffff],
    exponent: [0x7ff 1023] [0xff 127],
    subnormal: [54 18_014_398_509_481_984.0] [25 33_554_432.0],
    reduction: [LOG2E SHIFT LN2_HI LN2_LO EXP_Q] [LOG2E_F SHIFT_F LN2_HI_F LN2_LO_F EXP_Q_F],
    helpers: [horner64 pow2_64 exp_reduce64] [horner32 pow2_32 exp_reduce32],
    exp_range: [(-746.0, 710.0) 707.0] [(-104.0, 89.0) 86.0],
    exp: [exp_table64 exp_f64 exp_f64_covers exp_f64_body]
        [exp_core32 exp_f32 exp_f32_covers exp_f32_body],
    expm1_range: [(-40.0, 710.0) 1000 (-40.0, 690.0)] [(-18.0, 89.0) 100 (-18.0, 69.0)],
    expm1: [expm1_f64 expm1_f64_covers expm1_f64_body expm1_small64]
        [expm1_f32 expm1_f32_covers expm1_f32_body expm1_small32],
    log: [log_terms64 log_f64 log_core64 log_f64_covers log_f64_normal]
        [log_terms32 log_f32 log_core32 log_f32_covers log_f32_normal],
    tanh_range: [7.450_580_596_923_828e-9 22.0] [2.441_406_3e-4 9.5],
    tanh: [tanh_f64 tanh_f64_covers tanh_f64_body] [tanh_f32 tanh_f32_covers tanh_f32_body],
}

/// float32 `sin`/`cos` are computed in float32 for |x| <= 2^20 (within
/// 1 ulp there, measured exhaustively); larger inputs, +-inf and NaN are
/// left to libm in float64 ([`trig_f32_in_range`]).
pub const TRIG_F32_MAX: f32 = 1_048_576.0;
const FRAC_2_PI_F: f32 = std::f32::consts::FRAC_2_PI;
/// pi/2 as three float32 parts: `PIO2_1F` has 23 significant bits (so
/// `x - k PIO2_1F` is exact for |x| <= 2^20), the others carry the rest.
// written out (not `FRAC_PI_2 as f32`, which rounds up to 0x3fc90fdb)
#[allow(clippy::excessive_precision)]
const PIO2_1F: f32 = 1.570_796_25; // 0x3fc90fda
const PIO2_2F: f32 = 7.549_79e-8;
const PIO2_3F: f32 = -1.715_124_5e-15;
/// `sin(r) = r + r^3 S(r^2)` (Taylor, truncation below 2^-30 relative for
/// |r| <= pi/4) and `cos(r) = 1 + r^2 C(r^2)` (`C` after -1/2 fitted by
/// least squares on Chebyshev nodes of [0, pi/4] for this crate,
/// `scripts/fit_vmath_poly.py`: absolute
/// error 3e-10, where the Taylor terms to r^8 left 2.4e-8, 0.4 ulp).
const SIN_SF: [f32; 4] = [-1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362_880.0];
const COS_CF: [f32; 4] = [-0.5, 0.041_666_646, -0.001_388_734_2, 2.443_585_3e-5];

/// Whether [`sin_f32`]/[`cos_f32`] cover `x` (|x| <= 2^20; not NaN).
#[inline(always)]
pub fn trig_f32_in_range(x: f32) -> bool {
    x.abs() <= TRIG_F32_MAX
}

/// `trig_f32`/`trig_f64`: `x = k pi/2 + r` with `r` kept as a head and a
/// tail: `x - k p1` is exact (the difference is a multiple of p1's last
/// bit, below 1 in magnitude, for |x| <= 2^20), the product `k p2` is
/// split exactly with a fused multiply-add and subtracted by TwoSum, and
/// `k p3` goes into the tail, so `r` keeps its relative accuracy where `x`
/// is close to a multiple of pi/2. Then one polynomial whose coefficients
/// are sin's or cos's by the quadrant (a select per coefficient, so one
/// evaluation serves every lane), the sign by the quadrant's second bit.
/// `phase` 0 gives sin, 1 gives cos.
macro_rules! trig_kernel {
    ($name:ident, $t:ty, $i:ty, $u:ty, $shift:expr, $two_pi:expr, $p1:expr, $p2:expr,
     $p3:expr, $sin:expr, $cos:expr) => {
        #[inline(always)]
        fn $name(x: $t, phase: $i) -> $t {
            let t = x.mul_add($two_pi, $shift);
            let kf = t - $shift;
            let q = (t.to_bits() as $i)
                .wrapping_sub(($shift).to_bits() as $i)
                .wrapping_add(phase);
            let r1 = kf.mul_add(-$p1, x); // exact
            let ph = kf * $p2;
            let pl = kf.mul_add($p2, -ph);
            let rh = r1 - ph;
            let bb = rh - r1;
            let e = (r1 - (rh - bb)) + (-ph - bb); // TwoSum: r1 - ph = rh + e
            let rl = kf.mul_add(-$p3, e - pl);
            let r2 = rh * rh;
            let odd = q & 1 != 0;
            let (sc, cc) = (&$sin, &$cos);
            let c = |i: usize| if odd { cc[i] } else { sc[i] };
            let n = sc.len();
            let mut p = c(n - 1);
            for i in (0..n - 1).rev() {
                p = p.mul_add(r2, c(i));
            }
            // cos: 1 + r^2 C, with r^2's rounding error and the tail's
            // first-order term; sin: r + r^3 S, with the tail
            let r2l = rh.mul_add(rh, -r2);
            let (u, v, corr) = if odd {
                (1.0, r2, (-0.5 as $t).mul_add(r2l, -rh * rl))
            } else {
                (rh, rh * r2, rl)
            };
            let y = u + v.mul_add(p, corr);
            let sign_bit = (8 * std::mem::size_of::<$t>() - 1) as u32;
            let y = <$t>::from_bits(y.to_bits() ^ (((q as $u) & 2) << (sign_bit - 1)));
            // sin(-0) is -0 (the terms would add to +0)
            if phase == 0 && x == 0.0 {
                x
            } else {
                y
            }
        }
    };
}
trig_kernel!(
    trig_f32,
    f32,
    i32,
    u32,
    SHIFT_F,
    FRAC_2_PI_F,
    PIO2_1F,
    PIO2_2F,
    PIO2_3F,
    SIN_SF,
    COS_CF
);

/// sin(x), float32, for |x| <= 2^20 (see [`trig_f32_in_range`]).
#[inline(always)]
pub fn sin_f32(x: f32) -> f32 {
    trig_f32(x, 0)
}

/// cos(x), float32, for |x| <= 2^20 (see [`trig_f32_in_range`]).
#[inline(always)]
pub fn cos_f32(x: f32) -> f32 {
    trig_f32(x, 1)
}

/// float64 `sin`/`cos` are computed here for |x| <= 2^20 (within 1 ulp
/// there, see docs/BENCHMARKS.md); larger inputs, +-inf and NaN are libm's
/// ([`trig_f64_in_range`]).
pub const TRIG_F64_MAX: f64 = 1_048_576.0;
/// pi/2 as three float64 parts (the rest is below 2^-163).
const PIO2_1: f64 = std::f64::consts::FRAC_PI_2;
const PIO2_2: f64 = 6.123_233_995_736_766e-17;
const PIO2_3: f64 = -1.497_384_904_859_169_8e-33;
/// Taylor coefficients: `sin(r) = r + r^3 S(r^2)` to r^19 and
/// `cos(r) = 1 + r^2 C(r^2)` to r^18, truncation below 2^-63 and 2^-66
/// relative for |r| <= pi/4.
const SIN_S64: [f64; 9] = [
    -1.0 / 6.0,
    1.0 / 120.0,
    -1.0 / 5040.0,
    1.0 / 362_880.0,
    -1.0 / 39_916_800.0,
    1.0 / 6_227_020_800.0,
    -1.0 / 1_307_674_368_000.0,
    1.0 / 355_687_428_096_000.0,
    -1.0 / 121_645_100_408_832_000.0,
];
const COS_C64: [f64; 9] = [
    -0.5,
    1.0 / 24.0,
    -1.0 / 720.0,
    1.0 / 40320.0,
    -1.0 / 3_628_800.0,
    1.0 / 479_001_600.0,
    -1.0 / 87_178_291_200.0,
    1.0 / 20_922_789_888_000.0,
    -1.0 / 6_402_373_705_728_000.0,
];

/// Whether [`sin_f64`]/[`cos_f64`] cover `x` (|x| <= 2^20; not NaN).
#[inline(always)]
pub fn trig_f64_in_range(x: f64) -> bool {
    x.abs() <= TRIG_F64_MAX
}

trig_kernel!(
    trig_f64,
    f64,
    i64,
    u64,
    SHIFT,
    std::f64::consts::FRAC_2_PI,
    PIO2_1,
    PIO2_2,
    PIO2_3,
    SIN_S64,
    COS_C64
);

/// sin(x), float64, for |x| <= 2^20 (see [`trig_f64_in_range`]).
#[inline(always)]
pub fn sin_f64(x: f64) -> f64 {
    trig_f64(x, 0)
}

/// cos(x), float64, for |x| <= 2^20 (see [`trig_f64_in_range`]).
#[inline(always)]
pub fn cos_f64(x: f64) -> f64 {
    trig_f64(x, 1)
}

/// Hand-vectorized kernels for AVX-512, the same operations in the same
/// order as the scalar bodies above (so the same bits), where the table
/// lookups would otherwise be gathers: the 16-entry `exp` table lives in
/// two registers and `vpermt2pd` reads it (the auto-vectorized body with
/// gathers measured 0.43 ns per element, this 0.31, the old table-free
/// degree-13 body 0.48-0.51; `/tmp` bench, n = 1000, one core). Needs
/// Rust 1.89 (`build.rs` sets `raptors_avx512`), hence the allowance below
/// the crate's MSRV, which the wasm build sets.
#[cfg(all(target_arch = "x86_64", raptors_avx512))]
#[allow(clippy::incompatible_msrv)]
pub mod avx512 {
    use super::*;
    use std::arch::x86_64::*;

    const _: () = assert!(EXP_TABLE_TERMS == 6, "exp_f64_block unrolls six terms");

    /// [`exp_f64_body`] of `a` into `out` (same length, may not overlap),
    /// eight lanes at a time (the tail one by one). Returns whether every
    /// input is covered ([`exp_f64_covers`]); the caller recomputes the
    /// others with [`exp_f64`].
    ///
    /// # Safety
    /// AVX-512F present.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn exp_f64_block(a: &[f64], out: &mut [f64]) -> bool {
        assert_eq!(a.len(), out.len());
        let th0 = _mm512_loadu_pd(EXP2_16_HI.as_ptr());
        let th1 = _mm512_loadu_pd(EXP2_16_HI.as_ptr().add(8));
        let tl0 = _mm512_loadu_pd(EXP2_16_LO.as_ptr());
        let tl1 = _mm512_loadu_pd(EXP2_16_LO.as_ptr().add(8));
        let inv = _mm512_set1_pd(INV_LN2_16);
        let shift = _mm512_set1_pd(SHIFT);
        let shift_bits = _mm512_set1_epi64(SHIFT.to_bits() as i64);
        let (hi, lo) = (_mm512_set1_pd(-LN2_16_HI), _mm512_set1_pd(-LN2_16_LO));
        let q = [
            _mm512_set1_pd(EXP_Q[0]),
            _mm512_set1_pd(EXP_Q[1]),
            _mm512_set1_pd(EXP_Q[2]),
            _mm512_set1_pd(EXP_Q[3]),
            _mm512_set1_pd(EXP_Q[4]),
            _mm512_set1_pd(EXP_Q[5]),
        ];
        let bound = _mm512_set1_pd(707.0);
        let mut covered: __mmask8 = 0xff;
        let n8 = a.len() / 8 * 8;
        let mut i = 0;
        while i < n8 {
            let x = _mm512_loadu_pd(a.as_ptr().add(i));
            covered &= _mm512_cmp_pd_mask::<_CMP_LE_OQ>(_mm512_abs_pd(x), bound);
            let t = _mm512_fmadd_pd(x, inv, shift);
            let mf = _mm512_sub_pd(t, shift);
            let m = _mm512_sub_epi64(_mm512_castpd_si512(t), shift_bits);
            let r = _mm512_fmadd_pd(mf, hi, x);
            let r = _mm512_fmadd_pd(mf, lo, r);
            let mut h = q[5];
            for &c in q[..5].iter().rev() {
                h = _mm512_fmadd_pd(h, r, c);
            }
            let p = _mm512_fmadd_pd(_mm512_mul_pd(r, r), h, r);
            let th = _mm512_permutex2var_pd(th0, m, th1);
            let tl = _mm512_permutex2var_pd(tl0, m, tl1);
            let y = _mm512_add_pd(th, _mm512_fmadd_pd(th, p, tl));
            let k = _mm512_slli_epi64::<52>(_mm512_srai_epi64::<4>(m));
            let y = _mm512_castsi512_pd(_mm512_add_epi64(_mm512_castpd_si512(y), k));
            _mm512_storeu_pd(out.as_mut_ptr().add(i), y);
            i += 8;
        }
        let mut all = covered == 0xff;
        for (o, &x) in out[n8..].iter_mut().zip(&a[n8..]) {
            *o = exp_f64_body(x);
            all &= exp_f64_covers(x);
        }
        all
    }
}

#[cfg(test)]
mod tests;
