//! Cumulative sums.

use crate::dtype::Elem;
use std::slice;

/// `out[i] = a[0] + ... + a[i]`, added left to right as NumPy's `cumsum`
/// (so float results are bit-identical). Integers wrap modulo 2^bits in the
/// input's own width. `out` may alias `a`.
///
/// # Safety
/// `a` valid for `n` reads, `out` for `n` writes.
pub unsafe fn cumsum<T: Elem>(a: *const T, out: *mut T, n: usize) {
    if n == 0 {
        return;
    }
    let (a0, a1) = (a as usize, a as usize + n * std::mem::size_of::<T>());
    let (o0, o1) = (out as usize, out as usize + n * std::mem::size_of::<T>());
    if a0 == o0 {
        let x = slice::from_raw_parts_mut(out, n);
        let mut acc = T::default();
        for v in x.iter_mut() {
            acc = acc.add(*v);
            *v = acc;
        }
        return;
    }
    let hold;
    let src: &[T] = if a0 < o1 && o0 < a1 {
        hold = slice::from_raw_parts(a, n).to_vec();
        &hold
    } else {
        slice::from_raw_parts(a, n)
    };
    let dst = slice::from_raw_parts_mut(out, n);
    let mut acc = T::default();
    for (o, &v) in dst.iter_mut().zip(src) {
        acc = acc.add(v);
        *o = acc;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumsum_sequential_inplace_and_wrapping() {
        let a = [1.5f64, -0.5, 2.0, f64::NAN, 1.0];
        let mut out = [0.0; 5];
        unsafe { cumsum(a.as_ptr(), out.as_mut_ptr(), 5) };
        assert_eq!(&out[..3], &[1.5, 1.0, 3.0]);
        assert!(out[3].is_nan() && out[4].is_nan());
        let mut b = [100i8, 100, -56];
        unsafe { cumsum(b.as_ptr(), b.as_mut_ptr(), 3) };
        assert_eq!(b, [100, -56, -112]);
        let mut c: Vec<u32> = (1..=70).collect();
        let p = c.as_mut_ptr();
        unsafe { cumsum(p, p.add(1), 69) };
        assert_eq!(c[0], 1);
        for i in 1..70u32 {
            assert_eq!(c[i as usize], i * (i + 1) / 2);
        }
    }
}
