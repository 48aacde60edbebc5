//! Sorting over order-preserving integer keys.
//!
//! Every element maps to an unsigned key whose integer order is the
//! element's numeric order (sign bit flipped for signed integers; for
//! floats, negative values bit-inverted and positive ones given the top bit,
//! so -inf < ... < -0.0 < 0.0 < ... < inf). NaNs are moved to the end first,
//! as NumPy sorts them. Keys are sorted with the standard library's
//! pattern-defeating quicksort (integer compares, no float branches); large
//! inputs are cut into runs sorted in parallel on the kernel pool and merged.
//! `argsort` sorts (key, index) pairs, so ties keep index order: it is
//! always stable (NumPy's `kind="stable"`).
//!
//! An LSD radix sort (8- and 11-bit digits) was tried and measured slower
//! than this at every size from 256 to 10^6 on the project's machines (the
//! scatter passes are cache- and TLB-bound): see docs/ARCHITECTURE.md.

use crate::dtype::Elem;
use crate::parallel::{self, SendPtr};

/// An unsigned sort key.
pub trait RadixKey: Copy + Ord + Default + Send + Sync + Into<u64> + 'static {}
impl RadixKey for u8 {}
impl RadixKey for u16 {}
impl RadixKey for u32 {}
impl RadixKey for u64 {}

/// An element with an order-preserving key.
pub trait SortKey: Elem {
    type K: RadixKey;
    fn key(self) -> Self::K;
    fn from_key(k: Self::K) -> Self;
    /// The key `argsort` orders by: as `key`, except that -0.0 and 0.0
    /// share one key (they are equal, so a stable argsort keeps their index
    /// order, as NumPy's does). `sort` keeps them apart so it only permutes.
    #[inline(always)]
    fn arg_key(self) -> Self::K {
        self.key()
    }
}
macro_rules! key_unsigned {
    ($($t:ty),*) => {$(impl SortKey for $t {
        type K = $t;
        #[inline(always)] fn key(self) -> $t { self }
        #[inline(always)] fn from_key(k: $t) -> $t { k }
    })*};
}
key_unsigned!(u8, u16, u32, u64);
macro_rules! key_signed {
    ($($t:ty => $u:ty),*) => {$(impl SortKey for $t {
        type K = $u;
        #[inline(always)] fn key(self) -> $u { (self as $u) ^ (1 << (<$u>::BITS - 1)) }
        #[inline(always)] fn from_key(k: $u) -> $t { (k ^ (1 << (<$u>::BITS - 1))) as $t }
    })*};
}
key_signed!(i8 => u8, i16 => u16, i32 => u32, i64 => u64);
macro_rules! key_float {
    ($($t:ty => $u:ty),*) => {$(impl SortKey for $t {
        type K = $u;
        #[inline(always)]
        fn key(self) -> $u {
            let b = self.to_bits();
            let sign = 1 << (<$u>::BITS - 1);
            if b & sign != 0 { !b } else { b | sign }
        }
        #[inline(always)]
        fn arg_key(self) -> $u {
            if self == 0.0 { (0.0 as $t).key() } else { self.key() }
        }
        #[inline(always)]
        fn from_key(k: $u) -> $t {
            let sign = 1 << (<$u>::BITS - 1);
            <$t>::from_bits(if k & sign != 0 { k ^ sign } else { !k })
        }
    })*};
}
key_float!(f32 => u32, f64 => u64);

/// Inputs from this size are sorted as parallel runs and merged.
const PAR_MIN: usize = 1 << 16;

/// Sorts `v` ascending: in parallel runs merged in order for large inputs.
/// Equal elements are indistinguishable (keys or (key, index) pairs), so
/// the result does not depend on the thread count.
fn sort_keys<P: Copy + Ord + Default + Send + Sync>(v: &mut [P]) {
    let n = v.len();
    let mut parts = if n >= PAR_MIN {
        parallel::num_threads().min(n / (PAR_MIN / 2))
    } else {
        1
    };
    // a power of two, so runs merge pairwise
    while parts & (parts - 1) != 0 {
        parts -= 1;
    }
    if parts <= 1 {
        v.sort_unstable();
        return;
    }
    let chunk = (n + parts - 1) / parts;
    let base = SendPtr(v.as_mut_ptr());
    parallel::run_parallel(parts, |i| {
        let start = (i * chunk).min(n);
        let end = ((i + 1) * chunk).min(n);
        // SAFETY: each task sorts its own disjoint range of `v`.
        unsafe { std::slice::from_raw_parts_mut(base.get().add(start), end - start) }
            .sort_unstable();
    });
    let mut tmp = vec![P::default(); n];
    let mut width = chunk;
    let (mut src, mut dst): (&mut [P], &mut [P]) = (v, &mut tmp);
    let mut in_tmp = false;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            merge(&src[start..mid], &src[mid..end], &mut dst[start..end]);
            start = end;
        }
        std::mem::swap(&mut src, &mut dst);
        in_tmp = !in_tmp;
        width *= 2;
    }
    if in_tmp {
        // the sorted data is in `tmp` (now `src`); copy it back into `v`
        dst.copy_from_slice(src);
    }
}

/// Merges two sorted runs into `out`, taking from `a` on ties (stable).
/// Branch-free in the main loop (selects compile to conditional moves):
/// on random data a branchy merge mispredicts about every other element.
fn merge<P: Copy + Ord>(a: &[P], b: &[P], out: &mut [P]) {
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        let take_b = y < x;
        out[k] = if take_b { y } else { x };
        j += take_b as usize;
        i += !take_b as usize;
        k += 1;
    }
    out[k..k + a.len() - i].copy_from_slice(&a[i..]);
    k += a.len() - i;
    out[k..].copy_from_slice(&b[j..]);
}

/// Moves NaNs to the end (order among NaNs is irrelevant: they are equal
/// in the output) and returns the count of non-NaN elements.
fn partition_nan<T: Elem>(a: &mut [T]) -> usize {
    if !T::IS_FLOAT {
        return a.len();
    }
    let mut w = 0;
    for r in 0..a.len() {
        if !a[r].is_nan() {
            a.swap(w, r);
            w += 1;
        }
    }
    w
}

/// Sorts in place, ascending, NaNs last.
pub fn sort<T: SortKey>(a: &mut [T]) {
    let m = partition_nan(a);
    let a = &mut a[..m];
    let n = a.len();
    if n < 2 {
        return;
    }
    let mut keys: Vec<T::K> = a.iter().map(|x| x.key()).collect();
    sort_keys(&mut keys);
    for (x, &k) in a.iter_mut().zip(keys.iter()) {
        *x = T::from_key(k);
    }
}

/// Writes the stable ascending order of `a` (NaNs last) into `idx`.
pub fn argsort<T: SortKey>(a: &[T], idx: &mut [u32]) {
    let n = a.len();
    let mut pairs: Vec<(T::K, u32)> = Vec::with_capacity(n);
    for (i, &x) in a.iter().enumerate() {
        if !x.is_nan() {
            pairs.push((x.arg_key(), i as u32));
        }
    }
    let m = pairs.len();
    // Ties are broken by index, so this gives the stable order.
    sort_keys(&mut pairs);
    for (o, p) in idx.iter_mut().zip(pairs.iter()) {
        *o = p.1;
    }
    if m < n {
        let mut w = m;
        for (i, &x) in a.iter().enumerate() {
            if x.is_nan() {
                idx[w] = i as u32;
                w += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testutil::*;

    fn check_sorted_f64(orig: &[f64]) {
        let mut a = orig.to_vec();
        sort(&mut a);
        let mut expect: Vec<f64> = orig.iter().copied().filter(|x| !x.is_nan()).collect();
        expect.sort_by(|x, y| x.partial_cmp(y).unwrap());
        let nans = orig.len() - expect.len();
        for (i, (&x, &e)) in a.iter().zip(&expect).enumerate() {
            assert!(x == e, "i={i} {x} {e}");
        }
        assert!(a[expect.len()..].iter().all(|x| x.is_nan()));
        assert_eq!(a.len() - expect.len(), nans);
        let mut idx = vec![0u32; orig.len()];
        argsort(orig, &mut idx);
        // stable: equal keys keep index order; values follow the sort
        for w in idx.windows(2) {
            let (x, y) = (orig[w[0] as usize], orig[w[1] as usize]);
            if x.is_nan() {
                assert!(y.is_nan() && w[0] < w[1]);
            } else if !y.is_nan() {
                assert!(x < y || (x == y && w[0] < w[1]), "{x} {y}");
            }
        }
    }

    #[test]
    fn sorts_floats_with_nan_inf_and_signed_zero_at_many_sizes() {
        for &n in &[
            0usize, 1, 2, 3, 7, 8, 9, 63, 64, 65, 255, 256, 257, 1000, 5000,
        ] {
            let mut a = rand_f64(n, n as u64 + 1);
            for (i, x) in a.iter_mut().enumerate() {
                match i % 17 {
                    3 => *x = f64::NAN,
                    5 => *x = f64::INFINITY,
                    6 => *x = f64::NEG_INFINITY,
                    7 => *x = -0.0,
                    8 => *x = 0.0,
                    9 => *x = 1.0, // duplicates
                    _ => {}
                }
            }
            check_sorted_f64(&a);
        }
    }

    #[test]
    fn sorts_every_integer_type() {
        let raw = rand_u64(3000, 9);
        let mut a: Vec<i16> = raw.iter().map(|&u| u as i16).collect();
        let mut e = a.clone();
        e.sort();
        sort(&mut a);
        assert_eq!(a, e);
        let mut b: Vec<u64> = raw.clone();
        let mut eb = b.clone();
        eb.sort();
        sort(&mut b);
        assert_eq!(b, eb);
        let mut c: Vec<i64> = raw.iter().map(|&u| u as i64).collect();
        let mut ec = c.clone();
        ec.sort();
        let mut ic = vec![0u32; c.len()];
        argsort(&c, &mut ic);
        sort(&mut c);
        assert_eq!(c, ec);
        assert!(ic
            .iter()
            .map(|&i| raw[i as usize] as i64)
            .eq(ec.iter().copied()));
        let mut d: Vec<u8> = raw.iter().map(|&u| (u % 3) as u8).collect();
        let mut id = vec![0u32; d.len()];
        argsort(&d, &mut id);
        for w in id.windows(2) {
            let (x, y) = (d[w[0] as usize], d[w[1] as usize]);
            assert!(x < y || (x == y && w[0] < w[1]));
        }
        sort(&mut d);
        assert!(d.windows(2).all(|w| w[0] <= w[1]));
        let mut f: Vec<f32> = raw.iter().map(|&u| (u as i32) as f32 / 7.0).collect();
        let mut ef = f.clone();
        ef.sort_by(|x, y| x.partial_cmp(y).unwrap());
        sort(&mut f);
        assert_eq!(f, ef);
    }
}

/// The key `unique` compares by, widened to u64: `arg_key` (so -0.0 and 0.0
/// are one value) with every NaN mapped to `u64::MAX` (one value, last), as
/// NumPy 2's `unique(equal_nan=True)`.
#[inline(always)]
pub fn unique_key<T: SortKey>(v: T) -> u64
where
    T::K: Into<u64>,
{
    if v.is_nan() {
        u64::MAX
    } else {
        v.arg_key().into()
    }
}

/// Writes the sorted distinct values of `a` to the front of `out` (which
/// must be as long as `a`) and returns how many there are. Few distinct
/// values are found with an open-addressing hash table in one pass, then
/// only those are sorted; when the table would exceed `a.len() / 8`
/// entries the kernel switches to sorting a copy and removing repeats.
pub fn unique<T: SortKey>(a: &[T], out: &mut [T]) -> usize
where
    T::K: Into<u64>,
{
    assert!(out.len() >= a.len(), "unique: output shorter than input");
    let n = a.len();
    if n == 0 {
        return 0;
    }
    let limit = (n / 8).max(64);
    let cap = (limit * 2).next_power_of_two();
    let mask = cap - 1;
    // u64::MAX marks an empty slot; the value whose key is u64::MAX (NaN,
    // or the largest 64-bit integer) is tracked on the side
    const EMPTY: u64 = u64::MAX;
    let mut keys = vec![EMPTY; cap];
    let mut vals = vec![T::default(); cap];
    let mut max_val: Option<T> = None;
    let mut count = 0usize;
    let mut fits = true;
    for &v in a {
        let k = unique_key(v);
        if k == EMPTY {
            max_val.get_or_insert(v);
            continue;
        }
        let mut h = (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & mask;
        loop {
            let slot = keys[h];
            if slot == k {
                break;
            }
            if slot == EMPTY {
                keys[h] = k;
                vals[h] = v;
                count += 1;
                break;
            }
            h = (h + 1) & mask;
        }
        if count > limit {
            fits = false;
            break;
        }
    }
    if fits {
        let mut found: Vec<(u64, T)> = (0..cap)
            .filter(|&i| keys[i] != EMPTY)
            .map(|i| (keys[i], vals[i]))
            .collect();
        found.sort_unstable_by_key(|&(k, _)| k);
        if let Some(v) = max_val {
            found.push((EMPTY, v));
        }
        let total = found.len();
        for (o, (_, v)) in out.iter_mut().zip(found) {
            *o = v;
        }
        return total;
    }
    out[..n].copy_from_slice(a);
    sort(&mut out[..n]);
    let mut w = 1usize;
    let mut last = unique_key(out[0]);
    for r in 1..n {
        let k = unique_key(out[r]);
        if k != last {
            out[w] = out[r];
            w += 1;
            last = k;
        }
    }
    w
}

#[cfg(test)]
mod unique_tests {
    use super::unique;

    #[test]
    fn unique_by_hash_and_by_sort_agree_with_a_reference() {
        for &(n, m) in &[
            (0usize, 1u64),
            (10, 3),
            (1000, 7),
            (1000, 900),
            (70_000, 50_000),
        ] {
            let a: Vec<i32> = (0..n as u64)
                .map(|i| ((i.wrapping_mul(2_654_435_761) >> 7) % m) as i32 - (m as i32) / 2)
                .collect();
            let mut out = vec![0i32; n];
            let k = unique(&a, &mut out);
            let mut expect = a.clone();
            expect.sort_unstable();
            expect.dedup();
            assert_eq!(&out[..k], &expect[..], "n={n} m={m}");
        }
    }

    #[test]
    fn nans_collapse_last_and_signed_zeros_are_one_value() {
        let a = [
            3.0f64,
            f64::NAN,
            -0.0,
            1.0,
            -f64::NAN,
            3.0,
            0.0,
            f64::NEG_INFINITY,
        ];
        let mut out = [0.0; 8];
        let k = unique(&a, &mut out);
        assert_eq!(k, 5);
        assert_eq!(&out[..3], &[f64::NEG_INFINITY, 0.0, 1.0]);
        assert_eq!(out[3], 3.0);
        assert!(out[4].is_nan());
        // the sorting path (many distinct values) gives the same answer
        let b: Vec<f64> = (0..2000)
            .map(|i| {
                if i % 7 == 0 {
                    f64::NAN
                } else {
                    (i % 1000) as f64
                }
            })
            .collect();
        let mut out = vec![0.0; 2000];
        let k = unique(&b, &mut out);
        assert_eq!(k, 1001);
        assert!(out[k - 1].is_nan() && out[k - 2] == 999.0);
    }
}
