//! Tests of the GEMM kernels (`super`).
use super::*;

/// C = A B through [`gemm`], A (m x k) row-major, B's strides given,
/// C filled with `init` first (NaN: every element must be stored).
fn product<T: Elem>(
    (m, n, k): (usize, usize, usize),
    (a, (ars, acs)): (&[T], (isize, isize)),
    (b, (rs, cs)): (&[T], (isize, isize)),
    init: T,
) -> Vec<T> {
    let mut c = vec![init; m * n];
    let (ma, mb) = (
        Mat {
            ptr: a.as_ptr(),
            rs: ars,
            cs: acs,
        },
        Mat {
            ptr: b.as_ptr(),
            rs,
            cs,
        },
    );
    // SAFETY: the callers' extents match the buffers
    unsafe { gemm(m, n, k, ma, mb, c.as_mut_ptr()) };
    c
}

fn naive(m: usize, n: usize, k: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            let mut s = 0.0;
            for p in 0..k {
                s += a[i * k + p] * b[p * n + j];
            }
            c[i * n + j] = s;
        }
    }
    c
}

#[test]
fn matches_the_naive_product_at_awkward_sizes_and_strides() {
    for &(m, n, k) in &[
        (1, 1, 1),
        (7, 5, 3),
        (8, 16, 256),
        (9, 17, 257),
        (33, 65, 300),
        (0, 3, 2),
        (130, 70, 520),
        // B in more than one block of columns, the last one partial
        (7, 2 * nc_cols::<f64>() + 21, 300),
        (3, 4, 0),
    ] {
        let a: Vec<f64> = (0..m * k)
            .map(|i| ((i * 37 % 101) as f64) / 7.0 - 5.0)
            .collect();
        let b: Vec<f64> = (0..k * n)
            .map(|i| ((i * 53 % 97) as f64) / 5.0 - 9.0)
            .collect();
        let expect = naive(m, n, k, &a, &b);
        let arow = (&a[..], (k as isize, 1));
        let c = product((m, n, k), arow, (&b, (n as isize, 1)), f64::NAN);
        for (x, y) in c.iter().zip(&expect) {
            assert!(
                (x - y).abs() <= 1e-9 * y.abs().max(1.0),
                "{m}x{n}x{k}: {x} vs {y}"
            );
        }
        // B given transposed (column-major strides)
        let bt: Vec<f64> = (0..n * k).map(|idx| b[(idx % k) * n + idx / k]).collect();
        let c2 = product((m, n, k), arow, (&bt, (1, k as isize)), f64::NAN);
        assert_eq!(c, c2);
    }
    let ai: Vec<i32> = (0..12).collect();
    let ci = product((3, 3, 4), (&ai, (4, 1)), (&ai, (1, 4)), 0);
    assert_eq!(ci[0], 1 + 4 + 9); // row 0 . column 0: 0*0 + 1*1 + 2*2 + 3*3
}

/// Asserts each result has `want`'s bits (values exact in float64, so
/// comparing those bits compares the elements').
fn all_same<T: Elem, const N: usize>(results: [Vec<T>; N], want: &[T], what: &str) {
    let bits = |x: &T| x.to_f64().to_bits();
    for (r, got) in results.iter().enumerate() {
        let bad = got.iter().zip(want).position(|(x, y)| bits(x) != bits(y));
        assert!(
            bad.is_none(),
            "{what}, B layout {r}, {}: {bad:?}",
            T::DTYPE.name()
        );
    }
}

/// Every instruction-set level and both thread splits (rows, columns)
/// give the same bits, at awkward sizes with edge tiles on both sides,
/// B row-major, transposed and strided, float32 and float64.
#[test]
fn identical_bits_at_every_simd_level_and_split() {
    use crate::kernels::testutil::rand_f64;
    use crate::simd::{set_level, Level};
    fn run<T: Elem>(
        m: usize,
        n: usize,
        k: usize,
        a: &[T],
        b: &[T],
        strides: (isize, isize),
    ) -> Vec<T> {
        product((m, n, k), (a, (k as isize, 1)), (b, strides), T::default())
    }
    // (m, n, k): tall, square with edges, few rows against a wide B
    // (the column split), k over several KC blocks, tall-skinny (A's
    // rows read in place by the AVX-512 kernels, packed at the others)
    for &(m, n, k) in &[
        (1000, 64, 64),
        (130, 45, 300),
        (127, 127, 127),
        (25, 3000, 70),
        (13, 70, 600),
    ] {
        let a64 = rand_f64(m * k, 11);
        // B stored with 2 elements per row slot: strides (2n, 2) and
        // transposed (1... via a k x n column-major copy)
        let b64 = rand_f64(2 * k * n, 12);
        let bt64: Vec<f64> = (0..k * n).map(|i| b64[2 * ((i % k) * n + i / k)]).collect();
        let a32: Vec<f32> = a64.iter().map(|&x| x as f32).collect();
        let b32: Vec<f32> = b64.iter().map(|&x| x as f32).collect();
        let bt32: Vec<f32> = bt64.iter().map(|&x| x as f32).collect();
        let strided = (2 * n as isize, 2);
        let transposed = (1, k as isize);
        set_level(Level::Baseline);
        let want64 = run(m, n, k, &a64, &b64, strided);
        let want32 = run(m, n, k, &a32, &b32, strided);
        // B's elements as the strided view sees them (every other one)
        let bc: Vec<f64> = (0..k * n).map(|i| b64[2 * (i / n * n + i % n)]).collect();
        let naive64 = naive(m, n, k, &a64, &bc);
        let abs = |v: &[f64]| v.iter().map(|x| x.abs()).collect::<Vec<_>>();
        let scale = naive(m, n, k, &abs(&a64), &abs(&bc));
        for ((x, y), s) in want64.iter().zip(&naive64).zip(&scale) {
            assert!((x - y).abs() <= 1e-13 * s, "{m}x{n}x{k}: {x} vs {y}");
        }
        for level in [Level::Baseline, Level::Avx2, Level::Avx512] {
            set_level(level);
            let what = format!("{m}x{n}x{k} at {level:?}");
            let b64s = [(&b64, strided), (&bt64, transposed)];
            all_same(
                b64s.map(|(b, st)| run(m, n, k, &a64, b, st)),
                &want64,
                &what,
            );
            let b32s = [(&b32, strided), (&bt32, transposed)];
            all_same(
                b32s.map(|(b, st)| run(m, n, k, &a32, b, st)),
                &want32,
                &what,
            );
        }
    }
    set_level(Level::Avx512);
}
