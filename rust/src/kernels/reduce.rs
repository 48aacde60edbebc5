//! Reductions: sum (NumPy's pairwise order), mean, min/max, argmin/argmax,
//! dot and the Euclidean norm.

use crate::dtype::{DType, Elem};
use crate::error::{Error, Result};
use crate::multiversion;
use crate::parallel;

/// Leaf size of NumPy's pairwise summation (`PW_BLOCKSIZE`).
const PW_BLOCK: usize = 128;

/// One leaf of the pairwise tree, exactly as NumPy computes it: fewer than
/// 8 elements are added left to right from 0; otherwise 8 accumulators run
/// over whole groups of 8, are combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)),
/// and the tail is added left to right.
#[inline(always)]
fn pairwise_leaf<T: Elem>(a: &[T]) -> T {
    let n = a.len();
    if n < 8 {
        let mut res = T::default();
        for &x in a {
            res = res.add(x);
        }
        return res;
    }
    let mut r = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]];
    let whole = n - n % 8;
    let mut chunks = a[8..whole].chunks_exact(8);
    for c in &mut chunks {
        for j in 0..8 {
            r[j] = r[j].add(c[j]);
        }
    }
    let mut res = (r[0].add(r[1]).add(r[2].add(r[3]))).add(r[4].add(r[5]).add(r[6].add(r[7])));
    for &x in &a[whole..] {
        res = res.add(x);
    }
    res
}

/// Where NumPy splits a pairwise node of `n > 128` elements.
#[inline(always)]
fn pairwise_split(n: usize) -> usize {
    let n2 = n / 2;
    n2 - n2 % 8
}

/// NumPy's pairwise sum, walked iteratively (post-order) so the whole tree
/// is one function and compiles under one target feature set.
#[inline(always)]
fn pairwise_body<T: Elem>(a: &[T]) -> T {
    if a.len() <= PW_BLOCK {
        return pairwise_leaf(a);
    }
    // Depth is at most log2(2^64 / 128) + 1, so 64 pending nodes suffice
    // (each level leaves at most one right sibling pending).
    let mut nodes: [(usize, usize, bool); 130] = [(0, 0, false); 130];
    let mut vals: [T; 66] = [T::default(); 66];
    let (mut nn, mut nv) = (1usize, 0usize);
    nodes[0] = (0, a.len(), false);
    while nn > 0 {
        nn -= 1;
        let (off, len, expanded) = nodes[nn];
        if len <= PW_BLOCK {
            vals[nv] = pairwise_leaf(&a[off..off + len]);
            nv += 1;
        } else if expanded {
            let right = vals[nv - 1];
            let left = vals[nv - 2];
            nv -= 2;
            vals[nv] = left.add(right);
            nv += 1;
        } else {
            let n2 = pairwise_split(len);
            nodes[nn] = (off, len, true);
            nodes[nn + 1] = (off + n2, len - n2, false);
            nodes[nn + 2] = (off, n2, false);
            nn += 3;
        }
    }
    vals[0]
}

multiversion!(fn pairwise_dispatch<T: Elem>(a: &[T]) -> T => pairwise_body);

/// NumPy's pairwise sum of a strided run (`len` elements `stride` apart),
/// in exactly the tree [`pairwise_sum`] walks over the same values
/// gathered contiguously: each leaf of at most 128 elements is gathered
/// into a stack buffer and summed by the same leaf kernel. Memory stays
/// constant, so a broadcast run of 2^31 elements allocates nothing.
///
/// # Safety
/// `p.offset(i * stride)` must be readable for every `i < len`.
pub unsafe fn pairwise_sum_strided<T: Elem>(p: *const T, len: usize, stride: isize) -> T {
    unsafe fn node<T: Elem>(p: *const T, len: usize, stride: isize) -> T {
        if len <= PW_BLOCK {
            let mut buf = [T::default(); PW_BLOCK];
            for (i, b) in buf[..len].iter_mut().enumerate() {
                *b = *p.offset(i as isize * stride);
            }
            return pairwise_dispatch(&buf[..len]);
        }
        let n2 = pairwise_split(len);
        let left = node(p, n2, stride);
        let right = node(p.offset(n2 as isize * stride), len - n2, stride);
        left.add(right)
    }
    T::default().add(node(p, len, stride))
}

/// [`pairwise_sum`] on the calling thread (the same bits), for callers
/// that already run on a pool thread.
pub(crate) fn pairwise_sum_seq<T: Elem>(a: &[T]) -> T {
    T::default().add(pairwise_dispatch(a))
}

/// NumPy's pairwise sum. For large inputs the top levels of the tree are
/// cut into subtrees run as parallel tasks; since the cut follows the
/// tree's own splits and the subtree sums are combined in the tree's order,
/// the result is bit-identical to the one-thread result and to NumPy.
pub fn pairwise_sum<T: Elem>(a: &[T]) -> T {
    let parts = parallel::parts_for(a.len(), 1);
    let mut depth = 0;
    while (1usize << (depth + 1)) <= parts {
        depth += 1;
    }
    if depth == 0 {
        return T::default().add(pairwise_dispatch(a));
    }
    let mut nodes = Vec::new();
    subtrees(0, a.len(), depth, &mut nodes);
    let sums = parallel::map_parts(nodes.len(), |i| {
        let (off, len) = nodes[i];
        pairwise_dispatch(&a[off..off + len])
    });
    let mut k = 0;
    T::default().add(combine(a.len(), depth, &sums, &mut k))
}

/// The subtrees at `depth` below a node, left to right (a leaf-sized node
/// stops early and is its own subtree).
fn subtrees(off: usize, len: usize, depth: u32, out: &mut Vec<(usize, usize)>) {
    if depth == 0 || len <= PW_BLOCK {
        out.push((off, len));
        return;
    }
    let n2 = pairwise_split(len);
    subtrees(off, n2, depth - 1, out);
    subtrees(off + n2, len - n2, depth - 1, out);
}

/// Adds subtree sums in the order of the tree that `subtrees` cut.
fn combine<T: Elem>(len: usize, depth: u32, sums: &[T], k: &mut usize) -> T {
    if depth == 0 || len <= PW_BLOCK {
        let v = sums[*k];
        *k += 1;
        return v;
    }
    let n2 = pairwise_split(len);
    let left = combine(n2, depth - 1, sums, k);
    let right = combine(len - n2, depth - 1, sums, k);
    left.add(right)
}

/// Integer widening for exact sums: sign- or zero-extends to 64 bits.
pub trait Widen: Elem {
    fn widen(self) -> i128;
    fn widen64(self) -> u64;
}
macro_rules! widen_signed {
    ($($t:ty),*) => {$(impl Widen for $t {
        #[inline(always)] fn widen(self) -> i128 { self as i128 }
        #[inline(always)] fn widen64(self) -> u64 { self as i64 as u64 }
    })*};
}
macro_rules! widen_unsigned {
    ($($t:ty),*) => {$(impl Widen for $t {
        #[inline(always)] fn widen(self) -> i128 { self as i128 }
        #[inline(always)] fn widen64(self) -> u64 { self as u64 }
    })*};
}
widen_signed!(i8, i16, i32, i64);
widen_unsigned!(u8, u16, u32, u64);

/// Sum modulo 2^64 of the widened elements (exact for 8..32-bit inputs
/// of fewer than 2^32 elements).
#[inline(always)]
fn wrapping_sum_body<T: Widen>(a: &[T]) -> u64 {
    let mut acc = 0u64;
    for &x in a {
        acc = acc.wrapping_add(x.widen64());
    }
    acc
}
multiversion!(pub fn wrapping_sum<T: Widen>(a: &[T]) -> u64 => wrapping_sum_body);

/// Exact sum in 128 bits (64-bit inputs; never overflows below 2^64 elements).
pub fn exact_sum<T: Widen>(a: &[T]) -> i128 {
    if T::DTYPE.size() < 8 {
        let s = par_u64(a, wrapping_sum);
        return if is_signed(T::DTYPE) {
            s as i64 as i128
        } else {
            s as i128
        };
    }
    a.iter().fold(0i128, |acc, &x| acc + x.widen())
}

fn is_signed(dt: DType) -> bool {
    matches!(dt, DType::Int8 | DType::Int16 | DType::Int32 | DType::Int64)
}

/// Applies a `u64`-valued wrapping reduction over thread ranges and adds
/// the parts modulo 2^64.
fn par_u64<T: Elem>(a: &[T], f: fn(&[T]) -> u64) -> u64 {
    let parts = parallel::parts_for(a.len(), 1);
    if parts <= 1 {
        return f(a);
    }
    let chunk = (a.len() + parts - 1) / parts;
    let chunks: Vec<&[T]> = a.chunks(chunk).collect();
    parallel::map_parts(chunks.len(), |i| f(chunks[i]))
        .into_iter()
        .fold(0u64, |acc, x| acc.wrapping_add(x))
}

pub(crate) const LANES: usize = 16;

/// Largest element; NaN if any element is NaN (NumPy's `max`).
#[inline(always)]
fn max_body<T: Elem>(a: &[T]) -> T {
    extreme::<T, true>(a)
}
#[inline(always)]
fn min_body<T: Elem>(a: &[T]) -> T {
    extreme::<T, false>(a)
}

#[inline(always)]
fn extreme<T: Elem, const MAX: bool>(a: &[T]) -> T {
    let first = a[0];
    let mut m = [first; LANES];
    let mut nan = [false; LANES];
    let mut chunks = a.chunks_exact(LANES);
    for c in &mut chunks {
        for j in 0..LANES {
            let x = c[j];
            let better = if MAX { x > m[j] } else { x < m[j] };
            m[j] = if better { x } else { m[j] };
            nan[j] |= x.is_nan();
        }
    }
    let mut best = first;
    let mut any_nan = nan.iter().any(|&b| b);
    for &x in m.iter().chain(chunks.remainder()) {
        any_nan |= x.is_nan();
        let better = if MAX { x > best } else { x < best };
        if better {
            best = x;
        }
    }
    if any_nan {
        // The first NaN in the array (all NaNs compare alike here).
        a.iter().copied().find(|x| x.is_nan()).unwrap_or(best)
    } else {
        best
    }
}
multiversion!(pub(crate) fn max_dispatch<T: Elem>(a: &[T]) -> T => max_body);
multiversion!(pub(crate) fn min_dispatch<T: Elem>(a: &[T]) -> T => min_body);

fn par_extreme<T: Elem>(a: &[T], max: bool) -> T {
    let f: fn(&[T]) -> T = if max { max_dispatch } else { min_dispatch };
    let parts = parallel::parts_for(a.len(), 1);
    if parts <= 1 {
        return f(a);
    }
    let chunk = (a.len() + parts - 1) / parts;
    let chunks: Vec<&[T]> = a.chunks(chunk).collect();
    let results = parallel::map_parts(chunks.len(), |i| f(chunks[i]));
    f(&results)
}

fn empty_error(what: &str) -> Error {
    Error::new(
        crate::error::EMPTY,
        format!("zero-size array to reduction operation {what} which has no identity"),
    )
}

pub fn max<T: Elem>(a: &[T]) -> Result<T> {
    if a.is_empty() {
        return Err(empty_error("maximum"));
    }
    Ok(par_extreme(a, true))
}

pub fn min<T: Elem>(a: &[T]) -> Result<T> {
    if a.is_empty() {
        return Err(empty_error("minimum"));
    }
    Ok(par_extreme(a, false))
}

/// Index of the first maximum (or of the first NaN), as NumPy's `argmax`.
pub fn argmax<T: Elem>(a: &[T]) -> Result<usize> {
    arg_extreme(a, true)
}

/// Index of the first minimum (or of the first NaN), as NumPy's `argmin`.
pub fn argmin<T: Elem>(a: &[T]) -> Result<usize> {
    arg_extreme(a, false)
}

fn arg_extreme<T: Elem>(a: &[T], is_max: bool) -> Result<usize> {
    if a.is_empty() {
        let what = if is_max { "argmax" } else { "argmin" };
        return Err(Error::new(
            crate::error::EMPTY,
            format!("attempt to get {what} of an empty sequence"),
        ));
    }
    let m = par_extreme(a, is_max);
    Ok(position_of(a, m))
}

/// Index of the first element equal to `m` (or the first NaN if `m` is
/// NaN). Scans blocks of 64 with a branch-free test per block, which
/// vectorizes, then finds the element inside the first matching block.
#[inline(always)]
fn position_body<T: Elem>(a: &[T], m: T) -> usize {
    let nan = m.is_nan();
    let hit = |x: T| if nan { x.is_nan() } else { x == m };
    let mut base = 0;
    for block in a.chunks(64) {
        let mut any = false;
        for &x in block {
            any |= hit(x);
        }
        if any {
            return base + block.iter().position(|&x| hit(x)).unwrap_or(0);
        }
        base += block.len();
    }
    0
}
multiversion!(fn position_of<T: Elem>(a: &[T], m: T) -> usize => position_body);

/// Float dot product with 16 independent lanes combined pairwise (no FMA,
/// so every instruction set gives the same bits).
#[inline(always)]
fn dot_float_body<T: Elem>(a: &[T], b: &[T]) -> T {
    let mut acc = [T::default(); LANES];
    let ca = a.chunks_exact(LANES);
    let cb = b.chunks_exact(LANES);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for j in 0..LANES {
            acc[j] = acc[j].add(x[j].mul(y[j]));
        }
    }
    let mut s = lane_tree(&mut acc);
    for (&x, &y) in ra.iter().zip(rb) {
        s = s.add(x.mul(y));
    }
    s
}

/// The lanes of a dot product's accumulator added as a tree (halves
/// added pairwise until one remains): the order [`dot_float`] uses.
#[inline(always)]
pub(crate) fn lane_tree<T: Elem>(acc: &mut [T; LANES]) -> T {
    let mut w = LANES;
    while w > 1 {
        w /= 2;
        for j in 0..w {
            acc[j] = acc[j].add(acc[j + w]);
        }
    }
    acc[0]
}
multiversion!(fn dot_float_portable<T: Elem>(a: &[T], b: &[T]) -> T => dot_float_body);

/// [`dot_float_body`] at the best instruction set: float32/float64 on
/// x86_64 with AVX2 through the hand-written vectors of
/// [`dot_simd`](super::dot_simd) (the same bits), everything else
/// through the compiled copies of the portable body.
#[inline]
pub(crate) fn dot_float_dispatch<T: Elem>(a: &[T], b: &[T]) -> T {
    #[cfg(target_arch = "x86_64")]
    if let Some(s) = super::dot_simd::dot(a, b) {
        return s;
    }
    dot_float_portable(a, b)
}

/// Float dot product; large inputs are split in a fixed number of parts
/// that does not depend on the thread count, so results are reproducible.
pub fn dot_float<T: Elem>(a: &[T], b: &[T]) -> T {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    if n < 4 * parallel::MIN_PARALLEL_WORK {
        return dot_float_dispatch(a, b);
    }
    // Four fixed parts, combined in order; threads only change who runs
    // them. Parts 2j and 2j + 1 are read together (four streams: see
    // `dot_simd::dot_pair`), each with the bits it gets alone.
    let q = (n / 4 + LANES - 1) / LANES * LANES;
    let bounds = [0, q.min(n), (2 * q).min(n), (3 * q).min(n), n];
    let part = |i: usize| (&a[bounds[i]..bounds[i + 1]], &b[bounds[i]..bounds[i + 1]]);
    let pair = |j: usize| {
        let ((a0, b0), (a1, b1)) = (part(2 * j), part(2 * j + 1));
        #[cfg(target_arch = "x86_64")]
        if let Some(p) = super::dot_simd::dot_pair(a0, b0, a1, b1) {
            return p;
        }
        (dot_float_dispatch(a0, b0), dot_float_dispatch(a1, b1))
    };
    let pairs = if parallel::num_threads() > 1 {
        parallel::map_parts(2, pair)
    } else {
        (0..2).map(pair).collect()
    };
    (pairs[0].0.add(pairs[0].1)).add(pairs[1].0.add(pairs[1].1))
}

/// Exact integer dot product in 128 bits.
pub fn dot_int<T: Widen>(a: &[T], b: &[T]) -> i128 {
    a.iter().zip(b).fold(0i128, |acc, (&x, &y)| {
        acc.wrapping_add(x.widen().wrapping_mul(y.widen()))
    })
}

/// Sum of squares as float64 (the norm of integer input, as NumPy casts it).
pub fn sumsq_f64<T: Elem>(a: &[T]) -> f64 {
    #[inline(always)]
    fn body<T: Elem>(a: &[T]) -> f64 {
        let mut acc = [0f64; LANES];
        let mut c = a.chunks_exact(LANES);
        for x in &mut c {
            for j in 0..LANES {
                let v = x[j].to_f64();
                acc[j] += v * v;
            }
        }
        let mut s: f64 = acc.iter().sum();
        for &x in c.remainder() {
            s += x.to_f64() * x.to_f64();
        }
        s
    }
    multiversion!(fn go<T: Elem>(a: &[T]) -> f64 => body);
    go(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testutil::*;
    use crate::simd::{set_level, Level};

    /// Reference: NumPy's recursive definition, written recursively.
    fn pairwise_ref(a: &[f64]) -> f64 {
        let n = a.len();
        if n < 8 {
            let mut r = 0.0;
            for &x in a {
                r += x;
            }
            r
        } else if n <= 128 {
            let mut r = [0.0; 8];
            r.copy_from_slice(&a[..8]);
            let mut i = 8;
            while i < n - n % 8 {
                for j in 0..8 {
                    r[j] += a[i + j];
                }
                i += 8;
            }
            let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            while i < n {
                res += a[i];
                i += 1;
            }
            res
        } else {
            let n2 = pairwise_split(n);
            pairwise_ref(&a[..n2]) + pairwise_ref(&a[n2..])
        }
    }

    #[test]
    fn pairwise_sum_matches_the_recursive_definition_at_every_size_and_offset() {
        let data = rand_f64(5000, 7);
        for n in (0..300).chain([1000, 1023, 4096, 4999]) {
            for off in 0..3 {
                if off + n > data.len() {
                    continue;
                }
                let a = &data[off..off + n];
                assert_eq!(
                    pairwise_sum(a).to_bits(),
                    (0.0 + pairwise_ref(a)).to_bits(),
                    "n={n} off={off}"
                );
            }
        }
    }

    #[test]
    fn pairwise_sum_is_identical_across_simd_levels_and_threads() {
        let data = rand_f64(40 * parallel::MIN_PARALLEL_WORK + 77, 3);
        let expect = pairwise_ref(&data);
        for level in [Level::Baseline, Level::Avx2, Level::Avx512] {
            set_level(level);
            assert_eq!(pairwise_sum(&data).to_bits(), expect.to_bits(), "{level:?}");
        }
        set_level(Level::Avx512);
    }

    #[test]
    fn every_reduction_gives_identical_bits_at_every_simd_level() {
        let data = rand_f64(300, 5);
        let other = rand_f64(300, 6);
        let ints: Vec<i16> = rand_u64(300, 7).into_iter().map(|u| u as i16).collect();
        let data32: Vec<f32> = data.iter().map(|&v| v as f32).collect();
        let other32: Vec<f32> = other.iter().map(|&v| v as f32).collect();
        let run = || {
            let mut out = Vec::new();
            for n in 0..70 {
                for off in 0..3 {
                    let (a, b) = (&data[off..off + n], &other[off..off + n]);
                    out.push(pairwise_sum(a).to_bits());
                    out.push(dot_float(a, b).to_bits());
                    let (x, y) = (&data32[off..off + n], &other32[off..off + n]);
                    out.push(dot_float(x, y).to_bits() as u64);
                    out.push(sumsq_f64(a).to_bits());
                    out.push(sumsq_f64(&ints[off..off + n]).to_bits());
                    out.push(exact_sum(&ints[off..off + n]) as u64);
                    if n > 0 {
                        out.push(max(a).unwrap().to_bits());
                        out.push(min(a).unwrap().to_bits());
                        out.push(argmax(a).unwrap() as u64);
                        out.push(argmin(&ints[off..off + n]).unwrap() as u64);
                    }
                }
            }
            out
        };
        crate::simd::assert_same_at_every_level(run);
    }

    #[test]
    fn argmin_and_argmax_find_the_first_of_repeated_extremes_in_long_arrays() {
        let mut a = vec![0.5f64; 1000];
        a[700] = 9.0;
        a[900] = 9.0;
        a[130] = -3.0;
        a[131] = -3.0;
        assert_eq!(argmax(&a).unwrap(), 700);
        assert_eq!(argmin(&a).unwrap(), 130);
        a[999] = f64::NAN;
        assert_eq!(argmax(&a).unwrap(), 999);
    }

    #[test]
    fn integer_sums_are_exact() {
        let a: Vec<i32> = (0..1000)
            .map(|i| if i % 2 == 0 { i32::MAX } else { i32::MIN })
            .collect();
        assert_eq!(exact_sum(&a), 500 * (i32::MAX as i128 + i32::MIN as i128));
        let b = vec![u64::MAX; 3];
        assert_eq!(exact_sum(&b), 3 * u64::MAX as i128);
        let c: Vec<i8> = vec![-128; 70];
        assert_eq!(exact_sum(&c), -128 * 70);
    }

    #[test]
    fn min_max_propagate_nan_and_find_extremes_in_every_position() {
        for n in 1..70 {
            for pos in 0..n {
                let mut a: Vec<f64> = (0..n).map(|i| i as f64 * 0.5 - 7.0).collect();
                a[pos] = 1e9;
                assert_eq!(max(&a).unwrap(), 1e9);
                assert_eq!(argmax(&a).unwrap(), pos);
                a[pos] = -1e9;
                assert_eq!(min(&a).unwrap(), -1e9);
                assert_eq!(argmin(&a).unwrap(), pos);
                a[pos] = f64::NAN;
                assert!(max(&a).unwrap().is_nan());
                assert!(min(&a).unwrap().is_nan());
                assert_eq!(argmax(&a).unwrap(), pos);
                assert_eq!(argmin(&a).unwrap(), pos);
            }
        }
        assert!(max::<f64>(&[]).is_err());
        assert!(argmin::<i32>(&[]).is_err());
        assert_eq!(argmax(&[3u8, 9, 9, 1]).unwrap(), 1);
        assert_eq!(min(&[i64::MIN, 0, i64::MAX]).unwrap(), i64::MIN);
    }

    #[test]
    fn long_dots_read_in_pairs_give_the_bits_of_the_portable_parts() {
        // the split path of dot_float: four fixed parts, read two at a time
        // (dot_simd::dot_pair) above the portable level; unequal parts and
        // tails after the last 16-element chunk included
        let from = 4 * parallel::MIN_PARALLEL_WORK;
        for &n in &[from, from + 77, 5 * from + 13] {
            let (a, b) = (rand_f64(n + 1, 21), rand_f64(n + 1, 22));
            let (a, b) = (&a[1..], &b[1..]);
            let (a32, b32): (Vec<f32>, Vec<f32>) =
                a.iter().zip(b).map(|(&x, &y)| (x as f32, y as f32)).unzip();
            let run = || (dot_float(a, b).to_bits(), dot_float(&a32, &b32).to_bits());
            crate::simd::assert_same_at_every_level(run);
            let q = (n / 4 + LANES - 1) / LANES * LANES;
            let bounds = [0, q, 2 * q, 3 * q, n];
            let p: Vec<f64> = (0..4)
                .map(|i| {
                    dot_float_portable(&a[bounds[i]..bounds[i + 1]], &b[bounds[i]..bounds[i + 1]])
                })
                .collect();
            assert_eq!(
                dot_float(a, b).to_bits(),
                ((p[0] + p[1]) + (p[2] + p[3])).to_bits(),
                "n={n}"
            );
        }
    }

    #[test]
    fn dot_matches_a_simple_loop_within_rounding() {
        for n in 0..70 {
            let a = rand_f64(n + 3, 11);
            let b = rand_f64(n + 3, 12);
            let (a, b) = (&a[3..], &b[3..]);
            let simple: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
            let scale: f64 = a.iter().zip(b).map(|(x, y)| (x * y).abs()).sum();
            assert!(
                (dot_float(a, b) - simple).abs() <= 1e-13 * scale.max(1.0),
                "n={n}"
            );
        }
        assert_eq!(
            dot_int(&[i32::MAX, i32::MAX], &[i32::MAX, i32::MAX]),
            2 * (i32::MAX as i128).pow(2)
        );
    }
}
