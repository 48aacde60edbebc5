//! Variance and standard deviation along contiguous lanes, in one kernel
//! call with exactly the operations the composed form performs (NumPy's
//! `_var`: the lane's pairwise sum divided by n gives the mean; each
//! deviation `x - mean` is squared, rounded, and the squares summed
//! pairwise; that sum divided by `n - ddof`; for `std` its square root),
//! so the result is bit for bit the composed one, without its four
//! temporary arrays and five passes.

use crate::dtype::Float;
use crate::kernels::reduce::pairwise_sum_seq;
use crate::parallel;

/// `out[l]` = the variance (or, with `sqrt`, the standard deviation) of
/// lane `l` (`a[l * n..(l + 1) * n]`), `div` being `n - ddof` (at least 0).
/// Requires `n >= 1` and the lengths to match.
pub fn var_lanes<T: Float>(a: &[T], lanes: usize, n: usize, div: f64, sqrt: bool, out: &mut [T]) {
    debug_assert!(a.len() == lanes * n && out.len() == lanes && n > 0);
    let (nf, dv) = (T::from_f64(n as f64), T::from_f64(div));
    let op = out.as_mut_ptr() as usize;
    parallel::for_ranges(lanes, 3 * n, 1, |s, e| {
        let mut d = vec![T::default(); n];
        for l in s..e {
            let lane = &a[l * n..(l + 1) * n];
            let mean = pairwise_sum_seq(lane) / nf;
            for (di, &x) in d.iter_mut().zip(lane) {
                let v = x.sub(mean);
                *di = v.mul(v);
            }
            let v = pairwise_sum_seq(&d) / dv;
            // SAFETY: out[l] belongs to this range alone.
            unsafe { *(op as *mut T).add(l) = if sqrt { v.sqrt() } else { v } };
        }
    });
}
