//! Deterministic test data (a small xorshift generator; no dependencies).

pub fn rand_u64(n: usize, seed: u64) -> Vec<u64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        })
        .collect()
}

/// Values spread over many magnitudes and both signs.
pub fn rand_f64(n: usize, seed: u64) -> Vec<f64> {
    rand_u64(n, seed)
        .into_iter()
        .map(|u| {
            let m = (u >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            let e = ((u & 0x1f) as i32) - 10;
            m * 2f64.powi(e)
        })
        .collect()
}

/// Asserts that the n x n row-major `g` is the identity within `tol`
/// (elementwise); `what` names it in the message.
pub fn assert_near_identity(g: &[f64], n: usize, tol: f64, what: &str) {
    for i in 0..n {
        for j in 0..n {
            let want = if i == j { 1.0 } else { 0.0 };
            let got = g[i * n + j];
            assert!((got - want).abs() < tol, "{what} at [{i},{j}]: {got}");
        }
    }
}
