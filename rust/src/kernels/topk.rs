//! Top-k selection along contiguous lanes without partitioning the lane.
//!
//! The order is total, so the answer is unique: an element ranks by its
//! value (NaN above every number for `largest`, below every number for
//! the smallest k, as NumPy's sort puts NaN last; -0.0 equals 0.0), ties by
//! the smaller index. One pass keeps the best k seen so far in a binary
//! min-heap whose root (the worst kept) is the threshold. Elements arrive
//! in index order, so a newcomer only enters by ranking strictly above the
//! threshold, and most blocks of a random lane can be passed over by a
//! vectorized test (`any x in block not <= t`) that never gives a false
//! negative: for n much larger than k the pass runs at close to memory
//! speed. Long lanes are split over threads; each part keeps its own k and
//! the parts' candidates are merged, which gives the same answer at every
//! thread count (the order is total).

use crate::dtype::Elem;
use crate::kernels::sort::SortKey;
use crate::parallel::{self, SendPtr};

/// Elements per block of the vectorized pass-over test.
const BLOCK: usize = 64;
/// Lanes from this length are split over threads.
const PAR_MIN: usize = 1 << 17;

/// The rank of `x`, larger is better, as a u64 (every key type fits).
#[inline(always)]
fn rank<T: SortKey>(x: T, largest: bool) -> u64 {
    let k: u64 = if x.is_nan() {
        u64::MAX
    } else {
        x.arg_key().into()
    };
    if largest {
        k
    } else if x.is_nan() {
        0
    } else {
        !k
    }
}

/// A heap entry: rank in the high half, the complement of the index in the
/// low half, so that a larger entry is a better element.
#[inline(always)]
fn entry(r: u64, i: usize) -> u128 {
    ((r as u128) << 64) | (u64::MAX - i as u64) as u128
}

#[inline(always)]
fn index_of(e: u128) -> usize {
    (u64::MAX - e as u64) as usize
}

/// A min-heap of entries (the root is the worst kept).
struct Heap {
    v: Vec<u128>,
}

impl Heap {
    fn sift_down(&mut self, mut i: usize) {
        let n = self.v.len();
        loop {
            let l = 2 * i + 1;
            if l >= n {
                return;
            }
            let r = l + 1;
            let c = if r < n && self.v[r] < self.v[l] { r } else { l };
            if self.v[c] >= self.v[i] {
                return;
            }
            self.v.swap(i, c);
            i = c;
        }
    }
    fn heapify(&mut self) {
        for i in (0..self.v.len() / 2).rev() {
            self.sift_down(i);
        }
    }
    /// Replaces the root (the worst) with `e` and restores the order.
    fn replace_root(&mut self, e: u128) {
        self.v[0] = e;
        self.sift_down(0);
    }
}

/// Whether any element of `blk` could rank above `t`, the value of the
/// worst kept element: `!(x <= t)` for the largest (true for NaN, and for
/// every x when `t` is NaN), `!(x >= t)` for the smallest. False
/// positives only cost an exact look.
#[inline(always)]
fn block_may_enter<T: Elem>(blk: &[T], t: T, largest: bool) -> bool {
    let mut any = false;
    if largest {
        for &x in blk {
            #[allow(clippy::neg_cmp_op_on_partial_ord)]
            let hit = !(x <= t);
            any |= hit;
        }
    } else {
        for &x in blk {
            #[allow(clippy::neg_cmp_op_on_partial_ord)]
            let hit = !(x >= t);
            any |= hit;
        }
    }
    any
}
crate::multiversion!(fn may_enter<T: Elem>(blk: &[T], t: T, largest: bool) -> bool => block_may_enter);

/// The best `k` (1 <= k <= a.len()) of `a` as heap entries, indices offset
/// by `base`; unordered.
fn select<T: SortKey>(a: &[T], base: usize, k: usize, largest: bool) -> Vec<u128> {
    let mut h = Heap {
        v: a[..k]
            .iter()
            .enumerate()
            .map(|(i, &x)| entry(rank(x, largest), base + i))
            .collect(),
    };
    h.heapify();
    let mut worst = h.v[0];
    let mut t = a[index_of(worst) - base];
    let mut i = k;
    let n = a.len();
    while i < n {
        if largest && t.is_nan() {
            // the k kept are NaNs at the smallest indices: nothing ranks above
            break;
        }
        let end = (i + BLOCK).min(n);
        if end - i == BLOCK && !may_enter(&a[i..end], t, largest) {
            i = end;
            continue;
        }
        for (j, &x) in a[i..end].iter().enumerate() {
            let r = rank(x, largest);
            if r > (worst >> 64) as u64 {
                h.replace_root(entry(r, base + i + j));
                worst = h.v[0];
                t = a[index_of(worst) - base];
            }
        }
        i = end;
    }
    h.v
}

/// Top-k of each of `lanes` contiguous lanes of length `n` in `a`: the
/// values into `vals` and the indices (within the lane) into `idx`, `k`
/// per lane, best first. Requires `1 <= k <= n` and the lengths to match.
pub fn topk<T: SortKey>(
    a: &[T],
    lanes: usize,
    n: usize,
    k: usize,
    largest: bool,
    vals: &mut [T],
    idx: &mut [i64],
) {
    debug_assert!(a.len() == lanes * n && vals.len() == lanes * k && idx.len() == lanes * k);
    if k == 0 || lanes == 0 {
        return;
    }
    let threads = parallel::num_threads();
    let lane_parts = if n >= PAR_MIN && threads > 1 {
        // parts long enough that the k each keeps stays small beside them
        threads
            .min(n / (PAR_MIN / 2))
            .min(n / (8 * k).max(1))
            .max(1)
    } else {
        1
    };
    let one_lane = |l: usize, vals: &mut [T], idx: &mut [i64]| {
        let lane = &a[l * n..(l + 1) * n];
        let mut cand = if lane_parts > 1 {
            let chunk = (n + lane_parts - 1) / lane_parts;
            parallel::map_parts(lane_parts, |p| {
                let s = p * chunk;
                let e = ((p + 1) * chunk).min(n);
                if s < e {
                    select(&lane[s..e], s, k.min(e - s), largest)
                } else {
                    Vec::new()
                }
            })
            .concat()
        } else {
            select(lane, 0, k, largest)
        };
        // best first; entries are distinct (their indices are)
        cand.sort_unstable_by(|x, y| y.cmp(x));
        for (j, &e) in cand[..k].iter().enumerate() {
            let i = index_of(e);
            vals[j] = lane[i];
            idx[j] = i as i64;
        }
    };
    if lanes == 1 || lane_parts > 1 || lanes * n < PAR_MIN {
        for l in 0..lanes {
            one_lane(
                l,
                &mut vals[l * k..(l + 1) * k],
                &mut idx[l * k..(l + 1) * k],
            );
        }
        return;
    }
    // many lanes: lanes over threads, each task a run of whole lanes
    let parts = threads.min(lanes);
    let per = (lanes + parts - 1) / parts;
    let pv = SendPtr(vals.as_mut_ptr());
    let pi = SendPtr(idx.as_mut_ptr());
    parallel::run_parallel(parts, |p| {
        for l in p * per..((p + 1) * per).min(lanes) {
            // SAFETY: lane l's k outputs belong to this task alone.
            let (v, x) = unsafe {
                (
                    std::slice::from_raw_parts_mut(pv.get().add(l * k), k),
                    std::slice::from_raw_parts_mut(pi.get().add(l * k), k),
                )
            };
            one_lane(l, v, x);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: a stable sort of (rank desc, index asc).
    fn reference<T: SortKey>(a: &[T], k: usize, largest: bool) -> Vec<usize> {
        let mut order: Vec<usize> = (0..a.len()).collect();
        order.sort_by(|&i, &j| {
            rank(a[j], largest)
                .cmp(&rank(a[i], largest))
                .then(i.cmp(&j))
        });
        order.truncate(k);
        order
    }

    fn check<T: SortKey + Bits + std::fmt::Debug>(a: &[T], lanes: usize, k: usize, largest: bool) {
        let n = a.len() / lanes;
        let mut vals = vec![T::default(); lanes * k];
        let mut idx = vec![0i64; lanes * k];
        topk(a, lanes, n, k, largest, &mut vals, &mut idx);
        for l in 0..lanes {
            let lane = &a[l * n..(l + 1) * n];
            let want = reference(lane, k, largest);
            let got: Vec<usize> = idx[l * k..(l + 1) * k]
                .iter()
                .map(|&i| i as usize)
                .collect();
            assert_eq!(got, want, "lane {l} k {k} largest {largest}");
            for (j, &i) in want.iter().enumerate() {
                assert_eq!(vals[l * k + j].to_bits_u64(), lane[i].to_bits_u64());
            }
        }
    }

    trait Bits {
        fn to_bits_u64(self) -> u64;
    }
    impl Bits for f64 {
        fn to_bits_u64(self) -> u64 {
            self.to_bits()
        }
    }
    impl Bits for f32 {
        fn to_bits_u64(self) -> u64 {
            self.to_bits() as u64
        }
    }
    impl Bits for i32 {
        fn to_bits_u64(self) -> u64 {
            self as u32 as u64
        }
    }
    impl Bits for u64 {
        fn to_bits_u64(self) -> u64 {
            self
        }
    }

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn matches_a_stable_sort_with_ties_nans_and_signed_zeros() {
        let mut s = 7u64;
        for &n in &[1usize, 2, 63, 64, 65, 200, 1000, 5000] {
            // few distinct values: many ties; NaNs and -0.0/0.0 among them
            let a: Vec<f64> = (0..n)
                .map(|_| match lcg(&mut s) % 9 {
                    0 => f64::NAN,
                    1 => -0.0,
                    2 => 0.0,
                    3 => f64::INFINITY,
                    4 => f64::NEG_INFINITY,
                    r => r as f64 - 6.0,
                })
                .collect();
            for &k in &[1usize, 2, 5, n / 2, n] {
                if k >= 1 && k <= n {
                    check(&a, 1, k, true);
                    check(&a, 1, k, false);
                }
            }
        }
    }

    #[test]
    fn integers_floats_lanes_and_threads() {
        let mut s = 11u64;
        let n = 300_000; // over PAR_MIN: split over threads
        let f: Vec<f32> = (0..n)
            .map(|_| (lcg(&mut s) % 100_000) as f32 / 7.0)
            .collect();
        check(&f, 1, 10, true);
        check(&f, 1, 10, false);
        check(&f, 4, 3, true); // lanes of 75,000
        let i: Vec<i32> = (0..n).map(|_| (lcg(&mut s) % 1000) as i32 - 500).collect();
        check(&i, 1, 25, true);
        check(&i, 100, 7, false);
        let u: Vec<u64> = (0..4096).map(|j| u64::MAX - (j as u64 % 17)).collect();
        check(&u, 1, 20, true);
        check(&u, 1, 20, false);
        // ascending input: every element enters the heap
        let asc: Vec<f64> = (0..10_000).map(|j| j as f64).collect();
        check(&asc, 1, 100, true);
        let desc: Vec<f64> = asc.iter().rev().cloned().collect();
        check(&desc, 1, 100, false);
        // NaNs in every position of the heap for the largest
        let mut nan: Vec<f64> = (0..1000).map(|j| (j % 10) as f64).collect();
        for j in (0..1000).step_by(97) {
            nan[j] = f64::NAN;
        }
        check(&nan, 1, 15, true);
        check(&nan, 1, 15, false);
        check(&nan, 1, 1000, false);
    }

    #[test]
    fn same_answer_at_every_thread_count() {
        let mut s = 3u64;
        let n = 1 << 19;
        let a: Vec<f32> = (0..n).map(|_| (lcg(&mut s) % 1000) as f32).collect();
        let run = || {
            let mut v = vec![0f32; 50];
            let mut i = vec![0i64; 50];
            topk(&a, 1, n, 50, true, &mut v, &mut i);
            i
        };
        // a per-thread cap: other tests running at once are not affected
        parallel::set_thread_limit(1);
        let one = run();
        parallel::set_thread_limit(0);
        let many = run();
        assert_eq!(one, many);
    }
}
