//! Accuracy, special values and same-bits tests of `kernels::vmath`.
use super::*;

/// Distance in units in the last place between `a` and the reference
/// `r` given as a double-double `(hi, lo)` (for float64) or a float64.
fn ulp64(a: f64, hi: f64, lo: f64) -> f64 {
    if a == hi {
        return (lo / ulp_of(hi)).abs();
    }
    ((a - hi) - lo).abs() / ulp_of(hi)
}
fn ulp_of(x: f64) -> f64 {
    let x = x.abs();
    if x < f64::MIN_POSITIVE {
        return f64::from_bits(1);
    }
    let e = ((x.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    2f64.powi(e - 52)
}
fn ulp32(a: f32, r: f64) -> f64 {
    let ra = r.abs() as f32;
    let u = if ra < f32::MIN_POSITIVE {
        f32::from_bits(1) as f64
    } else {
        let e = ((ra.to_bits() >> 23) & 0xff) as i32 - 127;
        2f64.powi(e - 23)
    };
    ((a as f64) - r).abs() / u
}

#[test]
fn special_values_follow_numpy() {
    let inf = f64::INFINITY;
    assert_eq!(exp_f64(0.0), 1.0);
    assert_eq!(exp_f64(-0.0), 1.0);
    assert_eq!(exp_f64(inf), inf);
    assert_eq!(exp_f64(-inf), 0.0);
    assert!(exp_f64(f64::NAN).is_nan());
    assert_eq!(exp_f64(709.8), inf);
    assert!(exp_f64(709.78).is_finite());
    assert_eq!(exp_f64(-745.2), 0.0);
    assert_eq!(exp_f64(-745.0), f64::from_bits(1)); // the smallest subnormal
    assert_eq!(exp_f64(1e300), inf);
    assert_eq!(exp_f64(-1e300), 0.0);
    assert_eq!(expm1_f64(-0.0).to_bits(), (-0.0f64).to_bits());
    assert_eq!(expm1_f64(-inf), -1.0);
    assert_eq!(expm1_f64(inf), inf);
    assert_eq!(expm1_f64(1e-300), 1e-300);
    assert_eq!(log_f64(1.0), 0.0);
    assert_eq!(log_f64(0.0), -inf);
    assert_eq!(log_f64(-0.0), -inf);
    assert!(log_f64(-1.0).is_nan());
    assert!(log_f64(-inf).is_nan());
    assert_eq!(log_f64(inf), inf);
    assert!(log_f64(f64::NAN).is_nan());
    assert_eq!(tanh_f64(-0.0).to_bits(), (-0.0f64).to_bits());
    assert_eq!(tanh_f64(inf), 1.0);
    assert_eq!(tanh_f64(-inf), -1.0);
    assert!(tanh_f64(f64::NAN).is_nan());
    assert_eq!(tanh_f64(1e-310), 1e-310);
    let finf = f32::INFINITY;
    assert_eq!(exp_f32(0.0), 1.0);
    assert_eq!(exp_f32(finf), finf);
    assert_eq!(exp_f32(-finf), 0.0);
    assert_eq!(exp_f32(88.8), finf);
    assert!(exp_f32(88.7).is_finite());
    assert_eq!(exp_f32(-104.0), 0.0);
    assert!(exp_f32(f32::NAN).is_nan());
    assert_eq!(log_f32(0.0), -finf);
    assert!(log_f32(-2.0).is_nan());
    assert_eq!(log_f32(finf), finf);
    assert_eq!(log_f32(1.0), 0.0);
    assert_eq!(tanh_f32(-finf), -1.0);
    assert_eq!(tanh_f32(-0.0).to_bits(), (-0.0f32).to_bits());
    assert_eq!(expm1_f32(-finf), -1.0);
}

/// The float32 `exp` terms, converted from the float64 ones, are the
/// float32 quotients `1 / n!` (no double rounding lands elsewhere).
#[test]
fn float32_exp_terms_are_float32_reciprocals() {
    let mut fact = 1.0f32;
    for (n, q) in (2..).zip(EXP_Q_F) {
        fact *= n as f32;
        assert_eq!(q.to_bits(), (1.0 / fact).to_bits(), "1/{n}!");
    }
}

/// Exact results NumPy users rely on: log of powers of two, exp of 0.
#[test]
fn powers_of_two() {
    for e in -1074..1024 {
        let x = if e >= -1022 {
            f64::from_bits(((e + 1023) as u64) << 52)
        } else {
            f64::from_bits(1u64 << (e + 1074))
        };
        // e ln2 as a double-double (ln2's tail is 2.3190468138462996e-17)
        let hi = e as f64 * std::f64::consts::LN_2;
        let lo = (e as f64).mul_add(std::f64::consts::LN_2, -hi)
            + e as f64 * 2.319_046_813_846_299_6e-17;
        let got = log_f64(x);
        assert!(ulp64(got, hi, lo) <= 0.5, "log(2^{e}) = {got} vs {hi}");
    }
    for e in -149..128 {
        let x = if e >= -126 {
            f32::from_bits(((e + 127) as u32) << 23)
        } else {
            f32::from_bits(1u32 << (e + 149))
        };
        assert!(ulp32(log_f32(x), e as f64 * std::f64::consts::LN_2) <= 1.0);
    }
}

/// float32 against float64 libm (itself within 1 ulp of float64, far
/// below a float32 ulp) over every 64th float32 in the finite range.
#[test]
fn float32_within_bounds_everywhere() {
    let (mut e, mut m, mut l, mut t) = (0f64, 0f64, 0f64, 0f64);
    let mut i: u32 = 0;
    while i < 0x7f80_0000 {
        for s in [0u32, 0x8000_0000] {
            let x = f32::from_bits(i | s);
            let xd = x as f64;
            if xd.exp() < f32::MAX as f64 {
                e = e.max(ulp32(exp_f32(x), xd.exp()));
                m = m.max(ulp32(expm1_f32(x), xd.exp_m1()));
            }
            if x > 0.0 {
                l = l.max(ulp32(log_f32(x), xd.ln()));
            }
            t = t.max(ulp32(tanh_f32(x), xd.tanh()));
        }
        i += 211;
    }
    assert!(
        e <= 1.0 && m <= 2.0 && l <= 1.0 && t <= 3.0,
        "{e} {m} {l} {t}"
    );
}

/// The multiversioned loops (AVX-512, AVX2, baseline; split over
/// threads for the long input) give the scalar bodies' bits.
#[test]
fn same_bits_at_every_simd_level_and_thread_count() {
    use crate::kernels::elementwise::{unary, Cos, Exp, Log, Sin, Tanh, UnOp};
    use crate::kernels::ops::Expm1;
    use crate::kernels::testutil::rand_f64;
    use crate::simd::{set_level, Level};
    let mut x: Vec<f64> = rand_f64(200_000, 11).iter().map(|v| v * 1e3).collect();
    x.extend([
        0.0,
        -0.0,
        f64::INFINITY,
        -f64::INFINITY,
        f64::NAN,
        1e-310,
        709.9,
        -745.0,
    ]);
    let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    fn run<T: crate::dtype::Float, O: UnOp<T>>(x: &[T]) -> Vec<T> {
        let mut out = x.to_vec();
        // short and long calls (the long one is split over threads)
        for n in [1, 3, 17, 64, 70] {
            unsafe { unary::<T, O>(x.as_ptr(), out.as_mut_ptr(), n, 16) };
        }
        unsafe { unary::<T, O>(x.as_ptr(), out.as_mut_ptr(), x.len(), 16) };
        // in place (the patched ops keep each block's inputs)
        let mut inplace = x.to_vec();
        unsafe { unary::<T, O>(inplace.as_ptr(), inplace.as_mut_ptr(), x.len(), 16) };
        assert!(inplace
            .iter()
            .zip(&out)
            .all(|(a, b)| a.to_f64().to_bits() == b.to_f64().to_bits()));
        out
    }
    fn bits64(v: Vec<f64>) -> Vec<u64> {
        v.iter().map(|v| v.to_bits()).collect()
    }
    fn bits32(v: Vec<f32>) -> Vec<u32> {
        v.iter().map(|v| v.to_bits()).collect()
    }
    /// sin or cos as the loops compute it: the kernel in range, libm
    /// beyond.
    fn trig<T: Copy>(
        x: &[T],
        in_range: fn(T) -> bool,
        kernel: fn(T) -> T,
        libm: fn(T) -> T,
    ) -> Vec<T> {
        x.iter()
            .map(|&v| if in_range(v) { kernel(v) } else { libm(v) })
            .collect()
    }
    let all = |x: &[f64], xf: &[f32]| {
        (
            [
                bits64(run::<f64, Exp>(x)),
                bits64(run::<f64, Expm1>(x)),
                bits64(run::<f64, Log>(x)),
                bits64(run::<f64, Tanh>(x)),
            ],
            [
                bits32(run::<f32, Exp>(xf)),
                bits32(run::<f32, Expm1>(xf)),
                bits32(run::<f32, Log>(xf)),
                bits32(run::<f32, Tanh>(xf)),
            ],
            [bits32(run::<f32, Sin>(xf)), bits32(run::<f32, Cos>(xf))],
            [bits64(run::<f64, Sin>(x)), bits64(run::<f64, Cos>(x))],
        )
    };
    let scalar = (
        [
            bits64(x.iter().map(|&v| exp_f64(v)).collect()),
            bits64(x.iter().map(|&v| expm1_f64(v)).collect()),
            bits64(x.iter().map(|&v| log_f64(v)).collect()),
            bits64(x.iter().map(|&v| tanh_f64(v)).collect()),
        ],
        [
            bits32(xf.iter().map(|&v| exp_f32(v)).collect()),
            bits32(xf.iter().map(|&v| expm1_f32(v)).collect()),
            bits32(xf.iter().map(|&v| log_f32(v)).collect()),
            bits32(xf.iter().map(|&v| tanh_f32(v)).collect()),
        ],
        [
            bits32(trig(&xf, trig_f32_in_range, sin_f32, |v| {
                (v as f64).sin() as f32
            })),
            bits32(trig(&xf, trig_f32_in_range, cos_f32, |v| {
                (v as f64).cos() as f32
            })),
        ],
        [
            bits64(trig(&x, trig_f64_in_range, sin_f64, f64::sin)),
            bits64(trig(&x, trig_f64_in_range, cos_f64, f64::cos)),
        ],
    );
    for level in [Level::Baseline, Level::Avx2, Level::Avx512] {
        set_level(level);
        assert!(
            all(&x, &xf) == scalar,
            "{level:?} differs from the scalar bodies"
        );
    }
    set_level(Level::Avx512);
}

/// The loops' `exp` body gives the full function's bits wherever it
/// claims to cover the input (its scaling is only valid there).
#[test]
fn exp_and_expm1_bodies_match_full_functions() {
    let n = 4_000_000;
    for i in 0..=n {
        let x = -707.0 + 1414.0 * i as f64 / n as f64;
        assert!(exp_f64_covers(x));
        assert_eq!(exp_f64_body(x).to_bits(), exp_f64(x).to_bits(), "{x}");
    }
    for x in [707.0, -707.0, 0.0, -0.0, 1e-300, -1e-300] {
        assert_eq!(exp_f64_body(x).to_bits(), exp_f64(x).to_bits(), "{x}");
    }
    assert!(!exp_f64_covers(707.1) && !exp_f64_covers(f64::NAN));
    // every 7th float32 of [-86, 86] (both signs)
    let mut i: u32 = 0;
    while i <= 86f32.to_bits() {
        for sg in [0u32, 0x8000_0000] {
            let x = f32::from_bits(i | sg);
            assert!(exp_f32_covers(x));
            assert_eq!(exp_f32_body(x).to_bits(), exp_f32(x).to_bits(), "{x}");
        }
        i += 7;
    }
    assert!(!exp_f32_covers(86.01) && !exp_f32_covers(f32::NAN));
    // expm1 likewise
    for i in 0..=n {
        let x = -40.0 + 730.0 * i as f64 / n as f64;
        if expm1_f64_covers(x) {
            assert_eq!(expm1_f64_body(x).to_bits(), expm1_f64(x).to_bits(), "{x}");
        }
    }
    for x in [-40.0, 690.0, 1e-300, -1e-300, 5e-324] {
        assert!(expm1_f64_covers(x));
        assert_eq!(expm1_f64_body(x).to_bits(), expm1_f64(x).to_bits(), "{x}");
    }
    assert!(!expm1_f64_covers(0.0) && !expm1_f64_covers(-0.0) && !expm1_f64_covers(691.0));
    let mut i: u32 = 1;
    while i <= 69f32.to_bits() {
        for sg in [0u32, 0x8000_0000] {
            let x = f32::from_bits(i | sg);
            if expm1_f32_covers(x) {
                assert_eq!(expm1_f32_body(x).to_bits(), expm1_f32(x).to_bits(), "{x}");
            }
        }
        i += 7;
    }
    assert!(!expm1_f32_covers(-0.0) && !expm1_f32_covers(69.5) && !expm1_f32_covers(-18.5));
}

/// float64 sin/cos against glibc's (itself within ~0.5 ulp): a dense
/// sweep of [-2^20, 2^20], small magnitudes and the float64 values
/// nearest to multiples of pi/2 (the hardest reductions). The bound
/// checked here is 1.5 ulp from glibc, so at most ~1 ulp from the
/// exact result; `scripts/ulp_sweep.py` measures against extended
/// precision.
#[test]
fn float64_sin_cos_close_to_libm() {
    fn ulp64_of(r: f64) -> f64 {
        let a = r.abs().max(f64::MIN_POSITIVE);
        let e = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
        2f64.powi(e - 52)
    }
    let check = |x: f64, ws: &mut f64, wc: &mut f64| {
        assert!(trig_f64_in_range(x));
        *ws = ws.max((sin_f64(x) - x.sin()).abs() / ulp64_of(x.sin()));
        *wc = wc.max((cos_f64(x) - x.cos()).abs() / ulp64_of(x.cos()));
    };
    let (mut ws, mut wc) = (0f64, 0f64);
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..3_000_000u64 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let u = (s >> 11) as f64 / (1u64 << 53) as f64;
        let x = match i % 3 {
            0 => (u * 2.0 - 1.0) * 100.0,
            1 => (u * 2.0 - 1.0) * TRIG_F64_MAX,
            _ => (u * 2.0 - 1.0) * 2f64.powi(-((i % 60) as i32)),
        };
        check(x, &mut ws, &mut wc);
    }
    for k in 1..200_000i64 {
        let m = (k as f64) * std::f64::consts::FRAC_PI_2;
        if m > TRIG_F64_MAX {
            break;
        }
        for x in [
            m,
            f64::from_bits(m.to_bits() + 1),
            f64::from_bits(m.to_bits() - 1),
        ] {
            check(x, &mut ws, &mut wc);
            check(-x, &mut ws, &mut wc);
        }
    }
    assert!(ws <= 1.5 && wc <= 1.5, "{ws} {wc}");
    assert_eq!(sin_f64(-0.0).to_bits(), (-0.0f64).to_bits());
    assert_eq!(cos_f64(0.0), 1.0);
    assert!(!trig_f64_in_range(f64::NAN) && !trig_f64_in_range(f64::INFINITY));
    assert!(!trig_f64_in_range(1_048_577.0));
    let sum = PIO2_1 + PIO2_2; // the parts do not overlap
    assert_eq!(sum, PIO2_1);
}

#[test]
fn float32_sin_cos_within_bounds() {
    let (mut ws, mut wc) = (0f64, 0f64);
    let mut i: u32 = 0;
    while i <= 0x4980_0000 {
        // up to 2^20
        for sg in [0u32, 0x8000_0000] {
            let x = f32::from_bits(i | sg);
            assert!(trig_f32_in_range(x));
            let xd = x as f64;
            ws = ws.max(ulp32(sin_f32(x), xd.sin()));
            wc = wc.max(ulp32(cos_f32(x), xd.cos()));
        }
        i += 97;
    }
    assert!(ws <= 1.0 && wc <= 1.0, "{ws} {wc}");
    assert_eq!(sin_f32(-0.0).to_bits(), (-0.0f32).to_bits());
    assert_eq!(cos_f32(0.0), 1.0);
    assert!(sin_f32(f32::NAN).is_nan());
    assert!(!trig_f32_in_range(f32::INFINITY) && !trig_f32_in_range(1_048_577.0));
    assert!(!trig_f32_in_range(f32::NAN));
    // the three parts of pi/2: the head's last bit clear, the sum
    assert_eq!(PIO2_1F.to_bits(), 0x3fc9_0fda);
    let sum = PIO2_1F as f64 + PIO2_2F as f64 + PIO2_3F as f64;
    assert!((sum - std::f64::consts::FRAC_PI_2).abs() < 1e-22);
}
