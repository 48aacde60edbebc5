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
const EXP_Q_F: [f32; 6] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
];
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

#[inline(always)]
fn horner64(x: f64, c: &[f64]) -> f64 {
    let mut p = c[c.len() - 1];
    for &ci in c[..c.len() - 1].iter().rev() {
        p = p.mul_add(x, ci);
    }
    p
}
#[inline(always)]
fn horner32(x: f32, c: &[f32]) -> f32 {
    let mut p = c[c.len() - 1];
    for &ci in c[..c.len() - 1].iter().rev() {
        p = p.mul_add(x, ci);
    }
    p
}

/// 2^k for k in [-1022, 1023].
#[inline(always)]
fn pow2_64(k: i64) -> f64 {
    f64::from_bits((k.wrapping_add(1023) as u64) << 52)
}
#[inline(always)]
fn pow2_32(k: i32) -> f32 {
    f32::from_bits((k.wrapping_add(127) as u32) << 23)
}

/// The shared reduction: `x = k ln2 + r1 + tail` with `e^(r1+tail) - 1`
/// returned as `(r1, tail)`, `k` as an integer and as a float.
#[inline(always)]
fn exp_reduce64(x: f64) -> (f64, f64, i64, f64) {
    let t = x.mul_add(LOG2E, SHIFT);
    let kf = t - SHIFT;
    let k = (t.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    let r1 = kf.mul_add(-LN2_HI, x); // exact
    let r2 = kf * -LN2_LO;
    let r = r1 + r2;
    let tail = (r * r).mul_add(horner64(r, &EXP_Q), r2);
    (r1, tail, k, kf)
}

/// float64 `e^x` before scaling: `x = m ln2/16 + r` (|r| <= ln2/32 plus
/// rounding), and `y = 2^((m mod 16)/16) e^r`, in [0.97, 2), as
/// `T_hi + (T_hi p + T_lo)` with `p = e^r - 1 = r + r^2 q(r)`: the only
/// large rounding is the last addition. `e^x = y 2^(m >> 4)`. The table
/// takes the polynomial from degree 13 to 7 (the AVX-512 kernel reads it
/// from two registers, [`avx512::exp_f64_block`]).
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
    (th + th.mul_add(p, EXP2_16_LO[j]), m)
}

/// e^x, float64 (NaN in, NaN out; overflow to +inf; underflow to 0).
#[inline(always)]
pub fn exp_f64(x: f64) -> f64 {
    let xc = x.clamp(-746.0, 710.0); // NaN stays NaN
    let (y, m) = exp_table64(xc);
    let k = m >> 4;
    let k1 = k >> 1;
    y * pow2_64(k1) * pow2_64(k - k1)
}

/// Whether [`exp_f64_body`] covers `x` (|x| <= 707: the result and `2^k`
/// normal and finite, far from both ends).
#[inline(always)]
pub fn exp_f64_covers(x: f64) -> bool {
    x.abs() <= 707.0
}

/// e^x on [`exp_f64_covers`]'s range, the same bits as [`exp_f64`]: no
/// clamp, and `2^k` added to the exponent field (where the two exact
/// power-of-two factors of [`exp_f64`] give the same result).
#[inline(always)]
pub fn exp_f64_body(x: f64) -> f64 {
    let (y, m) = exp_table64(x);
    f64::from_bits(y.to_bits().wrapping_add(((m >> 4) as u64) << 52))
}

/// e^x - 1, float64.
#[inline(always)]
pub fn expm1_f64(x: f64) -> f64 {
    // Below -38, e^x - 1 rounds to -1; above 710 it overflows.
    let xc = x.clamp(-40.0, 710.0); // NaN stays NaN
    let (r1, tail, k, _) = exp_reduce64(xc);
    let u = r1 + tail;
    // 2^k (1 + u) - 1; for k = 1024, two halves keep 2^k finite.
    let k1 = k >> 1;
    let s1 = pow2_64(k1);
    let s2 = pow2_64(k - k1);
    let s = s1 * s2;
    let y = s.mul_add(u, s - 1.0);
    let big = s1 * (s2 * (1.0 + u)); // only where k > 1023 (then -1 is lost)
    let y = if k > 1000 { big } else { y };
    // exact zero and the sign of -0 kept
    if x == 0.0 {
        x
    } else {
        y
    }
}

/// Whether [`expm1_f64_body`] covers `x` (-40 <= x <= 690, not 0: no
/// clamp, `2^k` normal and below the range where `-1` is lost).
#[inline(always)]
pub fn expm1_f64_covers(x: f64) -> bool {
    (-40.0..=690.0).contains(&x) && x != 0.0
}

/// e^x - 1 on [`expm1_f64_covers`]'s range, the same bits as
/// [`expm1_f64`]: one power of two, no selects.
#[inline(always)]
pub fn expm1_f64_body(x: f64) -> f64 {
    let (r1, tail, k, _) = exp_reduce64(x);
    let s = pow2_64(k);
    s.mul_add(r1 + tail, s - 1.0)
}

/// log of `2^e m` with `m` in [1, 2) given as bits (exponent field cleared)
/// and `e` unbiased: the shared core of [`log_f64`] and [`log_f64_normal`].
#[inline(always)]
fn log_core64(mbits: u64, e0: i64) -> f64 {
    let m = f64::from_bits(mbits | 0x3ff0_0000_0000_0000);
    let big = m > std::f64::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    let e = (e0 + big as i64) as f64;
    let f = m - 1.0; // exact
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * horner64(z, &LOG_R);
    let hfsq = 0.5 * f * f;
    let c = s.mul_add(hfsq + r, e * LN2_LO) - hfsq;
    let a = e * LN2_HI; // exact: e has at most 11 bits
    let hi = a + f;
    let err = (a - hi) + f; // Fast2Sum: |a| >= |f| or a = 0
    hi + (err + c)
}

/// Whether [`log_f64_normal`] covers `x` (positive, normal, finite).
#[inline(always)]
pub fn log_f64_covers(x: f64) -> bool {
    (f64::MIN_POSITIVE..=f64::MAX).contains(&x)
}

/// Natural logarithm of a positive normal finite float64 (the vectorized
/// loops' body; [`log_f64`] for every other input, same bits on these).
#[inline(always)]
pub fn log_f64_normal(x: f64) -> f64 {
    let bits = x.to_bits();
    log_core64(
        bits & 0x000f_ffff_ffff_ffff,
        ((bits >> 52) & 0x7ff) as i64 - 1023,
    )
}

/// Natural logarithm, float64 (log(0) = -inf, log(x < 0) = NaN).
#[inline(always)]
pub fn log_f64(x: f64) -> f64 {
    let sub = x < f64::MIN_POSITIVE;
    let xs = if sub { x * 18_014_398_509_481_984.0 } else { x }; // 2^54
    let bits = xs.to_bits();
    let e0 = ((bits >> 52) & 0x7ff) as i64 - 1023 - if sub { 54 } else { 0 };
    let y = log_core64(bits & 0x000f_ffff_ffff_ffff, e0);
    let y = if x == f64::INFINITY { x } else { y };
    let y = if x == 0.0 { f64::NEG_INFINITY } else { y };
    let y = if x < 0.0 { f64::NAN } else { y };
    if x.is_nan() {
        x
    } else {
        y
    }
}

/// e^x - 1 for |x| <= 44 (k <= 64: one power of two, no clamp).
#[inline(always)]
fn expm1_small64(x: f64) -> f64 {
    let (r1, tail, k, _) = exp_reduce64(x);
    let s = pow2_64(k);
    s.mul_add(r1 + tail, s - 1.0)
}

/// Whether [`tanh_f64_body`] covers `x` (2^-27 <= |x| <= 22).
#[inline(always)]
pub fn tanh_f64_covers(x: f64) -> bool {
    (7.450_580_596_923_828e-9..=22.0).contains(&x.abs())
}

/// tanh on [`tanh_f64_covers`]'s range, the same bits as [`tanh_f64`].
#[inline(always)]
pub fn tanh_f64_body(x: f64) -> f64 {
    let t = expm1_small64(2.0 * x.abs());
    (t / (t + 2.0)).copysign(x)
}

/// Hyperbolic tangent, float64.
#[inline(always)]
pub fn tanh_f64(x: f64) -> f64 {
    let ax = x.abs();
    let y = tanh_f64_body(if ax > 22.0 { 22.0f64.copysign(x) } else { x });
    let y = if ax > 22.0 { 1.0f64.copysign(x) } else { y };
    // tanh(x) = x - x^3/3 + ... rounds to x below 2^-27 (and keeps -0)
    if ax < 7.450_580_596_923_828e-9 {
        x
    } else {
        y
    }
}

#[inline(always)]
fn exp_reduce32(x: f32) -> (f32, f32, i32) {
    let t = x.mul_add(LOG2E_F, SHIFT_F);
    let kf = t - SHIFT_F;
    let k = (t.to_bits() as i32).wrapping_sub(SHIFT_F.to_bits() as i32);
    let r1 = kf.mul_add(-LN2_HI_F, x);
    let r2 = kf * -LN2_LO_F;
    let r = r1 + r2;
    let tail = (r * r).mul_add(horner32(r, &EXP_Q_F), r2);
    (r1, tail, k)
}

/// e^x, float32.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    let xc = x.clamp(-104.0, 89.0); // NaN stays NaN
    let (r1, tail, k) = exp_reduce32(xc);
    let hi = 1.0 + r1;
    let err = (1.0 - hi) + r1;
    let y = hi + (tail + err);
    let k1 = k >> 1;
    y * pow2_32(k1) * pow2_32(k - k1)
}

/// Whether [`exp_f32_body`] covers `x` (|x| <= 86: normal finite
/// results).
#[inline(always)]
pub fn exp_f32_covers(x: f32) -> bool {
    x.abs() <= 86.0
}

/// e^x on [`exp_f32_covers`]'s range, the same bits as [`exp_f32`] (see
/// [`exp_f64_body`]).
#[inline(always)]
pub fn exp_f32_body(x: f32) -> f32 {
    let (r1, tail, k) = exp_reduce32(x);
    let hi = 1.0 + r1;
    let err = (1.0 - hi) + r1;
    let y = hi + (tail + err);
    f32::from_bits(y.to_bits().wrapping_add((k as u32) << 23))
}

/// e^x - 1, float32.
#[inline(always)]
pub fn expm1_f32(x: f32) -> f32 {
    let xc = x.clamp(-18.0, 89.0); // NaN stays NaN
    let (r1, tail, k) = exp_reduce32(xc);
    let u = r1 + tail;
    let k1 = k >> 1;
    let s1 = pow2_32(k1);
    let s2 = pow2_32(k - k1);
    let s = s1 * s2;
    let y = s.mul_add(u, s - 1.0);
    let big = s1 * (s2 * (1.0 + u));
    let y = if k > 100 { big } else { y };
    if x == 0.0 {
        x
    } else {
        y
    }
}

/// Whether [`expm1_f32_body`] covers `x` (-18 <= x <= 69, not 0; see
/// [`expm1_f64_covers`]).
#[inline(always)]
pub fn expm1_f32_covers(x: f32) -> bool {
    (-18.0..=69.0).contains(&x) && x != 0.0
}

/// e^x - 1 on [`expm1_f32_covers`]'s range, the same bits as
/// [`expm1_f32`].
#[inline(always)]
pub fn expm1_f32_body(x: f32) -> f32 {
    let (r1, tail, k) = exp_reduce32(x);
    let s = pow2_32(k);
    s.mul_add(r1 + tail, s - 1.0)
}

#[inline(always)]
fn log_core32(mbits: u32, e0: i32) -> f32 {
    let m = f32::from_bits(mbits | 0x3f80_0000);
    let big = m > std::f32::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    let e = (e0 + big as i32) as f32;
    let f = m - 1.0;
    let z = f * f;
    let hfsq = 0.5 * z;
    let q = (z * f) * horner32(f, &LOG_P_F);
    let c = e.mul_add(LN2_LO_F, q) - hfsq;
    let a = e * LN2_HI_F; // exact: e has at most 8 bits
    let hi = a + f;
    let err = (a - hi) + f;
    hi + (err + c)
}

/// Whether [`log_f32_normal`] covers `x` (positive, normal, finite).
#[inline(always)]
pub fn log_f32_covers(x: f32) -> bool {
    (f32::MIN_POSITIVE..=f32::MAX).contains(&x)
}

/// Natural logarithm of a positive normal finite float32 (see
/// [`log_f64_normal`]).
#[inline(always)]
pub fn log_f32_normal(x: f32) -> f32 {
    let bits = x.to_bits();
    log_core32(bits & 0x007f_ffff, ((bits >> 23) & 0xff) as i32 - 127)
}

/// Natural logarithm, float32.
#[inline(always)]
pub fn log_f32(x: f32) -> f32 {
    let sub = x < f32::MIN_POSITIVE;
    let xs = if sub { x * 33_554_432.0 } else { x }; // 2^25
    let bits = xs.to_bits();
    let e0 = ((bits >> 23) & 0xff) as i32 - 127 - if sub { 25 } else { 0 };
    let y = log_core32(bits & 0x007f_ffff, e0);
    let y = if x == f32::INFINITY { x } else { y };
    let y = if x == 0.0 { f32::NEG_INFINITY } else { y };
    let y = if x < 0.0 { f32::NAN } else { y };
    if x.is_nan() {
        x
    } else {
        y
    }
}

/// e^x - 1 for |x| <= 19 (k <= 28: one power of two, no clamp).
#[inline(always)]
fn expm1_small32(x: f32) -> f32 {
    let (r1, tail, k) = exp_reduce32(x);
    let s = pow2_32(k);
    s.mul_add(r1 + tail, s - 1.0)
}

/// Whether [`tanh_f32_body`] covers `x` (2^-12 <= |x| <= 9.5).
#[inline(always)]
pub fn tanh_f32_covers(x: f32) -> bool {
    (2.441_406_3e-4..=9.5).contains(&x.abs())
}

/// tanh on [`tanh_f32_covers`]'s range, the same bits as [`tanh_f32`].
#[inline(always)]
pub fn tanh_f32_body(x: f32) -> f32 {
    let t = expm1_small32(2.0 * x.abs());
    (t / (t + 2.0)).copysign(x)
}

/// Hyperbolic tangent, float32.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let ax = x.abs();
    let y = tanh_f32_body(if ax > 9.5 { 9.5f32.copysign(x) } else { x });
    let y = if ax > 9.5 { 1.0f32.copysign(x) } else { y };
    if ax < 2.441_406_3e-4 {
        x
    } else {
        y
    }
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
