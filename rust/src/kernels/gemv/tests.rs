use super::*;

fn naive(m: usize, k: usize, n: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut c = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
        }
    }
    c
}

fn lcg(seed: &mut u64) -> f32 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    ((*seed >> 40) as f32) / (1u64 << 24) as f32 - 0.37
}

#[test]
fn multi_row_dot_gives_the_bits_of_one_row_at_a_time() {
    // float32 and float64, the fixed row lengths (16, 32, 64, 128: no
    // tail) and others, padded rows (lda > k), 4-row groups plus rest
    fn check<T: Elem + std::fmt::Debug>(conv: fn(f32) -> T) {
        let mut seed = 5u64;
        for &(m, k, lda) in &[
            (1usize, 5usize, 5usize),
            (4, 16, 16),
            (5, 16, 20),
            (6, 32, 40),
            (7, 64, 64),
            (10, 128, 130),
            (13, 37, 40),
            (101, 384, 384),
            (9, 15, 15),
            (3000, 64, 64),
            (37, 16, 16),
            (35, 32, 33),
            (48, 64, 70),
            (50, 128, 128),
            (16, 64, 64),
        ] {
            let a: Vec<T> = (0..m * lda).map(|_| conv(lcg(&mut seed))).collect();
            let x: Vec<T> = (0..k).map(|_| conv(lcg(&mut seed))).collect();
            let mut y = vec![T::default(); m];
            unsafe { gemv_rows(m, k, a.as_ptr(), lda as isize, x.as_ptr(), y.as_mut_ptr()) };
            for i in 0..m {
                let want = if m == 1 {
                    reduce::dot_float(&a[..k], &x)
                } else {
                    reduce::dot_float_dispatch(&a[i * lda..i * lda + k], &x)
                };
                assert!(
                    y[i] == want || (y[i].is_nan() && want.is_nan()),
                    "m {m} k {k} row {i}: {:?} vs {:?}",
                    y[i],
                    want
                );
                assert_eq!(y[i].to_f64().to_bits(), want.to_f64().to_bits());
            }
        }
    }
    check::<f32>(|v| v);
    check::<f64>(|v| v as f64 * (1.0 + 1e-9));
}

#[test]
fn dots_give_every_vector_the_bits_it_gets_alone() {
    // a batch of vectors against a matrix (both output layouts, padded
    // rows, rows past one block, short and long rows) equals each
    // vector's matrix-vector product bit for bit
    fn check<T: Elem + std::fmt::Debug>(conv: fn(f32) -> T) {
        let mut seed = 11u64;
        for &(rows, k, lda, nv) in &[
            (2usize, 5usize, 5usize, 2usize),
            (300, 64, 64, 3),
            (1000, 128, 130, 16),
            (77, 384, 384, 8),
            (40, 16, 16, 5),
            (517, 37, 40, 7),
        ] {
            let a: Vec<T> = (0..rows * lda).map(|_| conv(lcg(&mut seed))).collect();
            // vectors stored as the columns of a k x nv matrix
            let x: Vec<T> = (0..k * nv).map(|_| conv(lcg(&mut seed))).collect();
            // output (r, v) at r * cr + v * cv
            let run = |cr: usize, cv: usize| {
                let mut c = vec![T::default(); rows * nv];
                let (ap, xp) = (a.as_ptr(), x.as_ptr());
                unsafe {
                    gemm_dots(
                        rows,
                        k,
                        ap,
                        lda as isize,
                        nv,
                        xp,
                        1,
                        nv as isize,
                        c.as_mut_ptr(),
                        cr,
                        cv,
                    )
                };
                c
            };
            let (by_row, by_vec) = (run(nv, 1), run(1, rows));
            for v in 0..nv {
                let xv: Vec<T> = (0..k).map(|p| x[p * nv + v]).collect();
                let mut y = vec![T::default(); rows];
                unsafe {
                    gemv_rows(
                        rows,
                        k,
                        a.as_ptr(),
                        lda as isize,
                        xv.as_ptr(),
                        y.as_mut_ptr(),
                    )
                };
                for r in 0..rows {
                    let want = y[r].to_f64().to_bits();
                    assert_eq!(
                        by_row[r * nv + v].to_f64().to_bits(),
                        want,
                        "{rows}x{k} v {v} row {r}"
                    );
                    assert_eq!(
                        by_vec[v * rows + r].to_f64().to_bits(),
                        want,
                        "{rows}x{k} v {v} row {r}"
                    );
                }
            }
        }
    }
    check::<f32>(|v| v);
    check::<f64>(|v| v as f64 * (1.0 + 1e-9));
}

#[test]
fn row_split_vector_matrix_gives_the_bits_of_the_column_split() {
    let mut seed = 9u64;
    for &(k, n) in &[(2000usize, 384usize), (5000, 17), (1025, 64), (600, 1)] {
        let b: Vec<f32> = (0..k * n).map(|_| lcg(&mut seed)).collect();
        let x: Vec<f32> = (0..k).map(|_| lcg(&mut seed)).collect();
        // the reference: blocks of BLOCK rows from zero, added in order
        let mut want = vec![0f32; n];
        for p0 in (0..k).step_by(BLOCK) {
            let mut blk = vec![0f32; n];
            for p in p0..(p0 + BLOCK).min(k) {
                for j in 0..n {
                    blk[j] += x[p] * b[p * n + j];
                }
            }
            for j in 0..n {
                want[j] += blk[j];
            }
        }
        let mut y = vec![0f32; n];
        unsafe { gevm_rows(k, n, x.as_ptr(), 1, b.as_ptr(), n as isize, y.as_mut_ptr()) };
        for j in 0..n {
            assert_eq!(y[j].to_bits(), want[j].to_bits(), "k {k} n {n} col {j}");
        }
    }
}

#[test]
fn signed_zero_sums_keep_the_bits_of_one_row_at_a_time() {
    // rows whose products are all -0 (0 * negative, -0 * positive),
    // mixed +0/-0, and exact cancellations: every sum is +0 one row at
    // a time, which the multi-row kernels must reproduce (the AVX2 one
    // starts its chains at the first product and adds +0 at the end)
    for k in [16usize, 32, 64, 128] {
        let m = 40;
        let mut a = vec![0f32; m * k];
        let x: Vec<f32> = (0..k)
            .map(|p| if p % 2 == 0 { -1.5 } else { 2.0 })
            .collect();
        for i in 0..m {
            for p in 0..k {
                a[i * k + p] = match i % 4 {
                    // 0 * -1.5 = -0, 0 * 2 = +0; -0 * 2 = -0
                    0 => 0.0,
                    1 => -0.0,
                    2 => {
                        if p % 2 == 0 {
                            0.0
                        } else {
                            -0.0
                        }
                    }
                    // 2 * -1.5 + 1.5 * 2 = 0 exactly, pair by pair
                    _ => {
                        if p % 2 == 0 {
                            2.0
                        } else {
                            1.5
                        }
                    }
                };
            }
        }
        let mut y = vec![f32::NAN; m];
        unsafe { gemv_rows(m, k, a.as_ptr(), k as isize, x.as_ptr(), y.as_mut_ptr()) };
        for i in 0..m {
            let want = reduce::dot_float(&a[i * k..i * k + k], &x);
            assert_eq!(
                y[i].to_bits(),
                want.to_bits(),
                "k {k} row {i}: {} vs {want}",
                y[i]
            );
        }
    }
}

#[test]
fn matrix_vector_paths_match_the_definition() {
    for &(m, k) in &[
        (1usize, 1usize),
        (3, 17),
        (300, 64),
        (7, 1000),
        // long rows taken from four quarters in turn, and a remainder
        (103, 300),
        (1, 100_000),
    ] {
        let a: Vec<f64> = (0..m * k).map(|i| ((i * 37) % 101) as f64 / 7.0).collect();
        let x: Vec<f64> = (0..k).map(|i| ((i * 11) % 13) as f64 - 6.0).collect();
        let mut y = vec![0.0; m];
        unsafe { gemv_rows(m, k, a.as_ptr(), k as isize, x.as_ptr(), y.as_mut_ptr()) };
        let want = naive(m, k, 1, &a, &x);
        for (g, w) in y.iter().zip(&want) {
            assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{g} {w}");
        }
    }
    for &(k, n) in &[(1usize, 1usize), (17, 3), (600, 40), (1000, 7)] {
        let b: Vec<f64> = (0..k * n).map(|i| ((i * 29) % 97) as f64 / 5.0).collect();
        let x: Vec<f64> = (0..k).map(|i| ((i * 5) % 9) as f64 - 4.0).collect();
        let mut y = vec![0.0; n];
        unsafe { gevm_rows(k, n, x.as_ptr(), 1, b.as_ptr(), n as isize, y.as_mut_ptr()) };
        let want = naive(1, k, n, &x, &b);
        for (g, w) in y.iter().zip(&want) {
            assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{g} {w}");
        }
    }
}
