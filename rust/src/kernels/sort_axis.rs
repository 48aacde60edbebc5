//! Sorting along one axis of a strided layout: `sort`, stable `argsort`,
//! `partition` / `argpartition` (O(n) selection of the k-th element), and
//! `searchsorted`. NaNs order last and -0.0 equals 0.0, as in NumPy.
//!
//! Each lane (one position of the other axes) is gathered into a buffer,
//! processed, and written to the output layout; lanes run in parallel when
//! the work is large, and an engine job's cancellation is checked between
//! lanes.

use super::gather::AxisLayout;
use super::sort::{self, unique_key, SortKey};
use super::strided::for_each2;
use crate::error::{Error, Result};
use crate::parallel::{self, SendPtr};

/// What to do with each lane.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LaneOp {
    Sort,
    Argsort,
    Partition(usize),
    Argpartition(usize),
}

impl LaneOp {
    fn writes_indices(self) -> bool {
        matches!(self, LaneOp::Argsort | LaneOp::Argpartition(_))
    }
}

/// Applies `op` to every lane of `a` along the layout's axis, writing to
/// `out` (same shape; element type `T`, or `i64` indices for the arg
/// variants).
///
/// # Safety
/// `a` valid for `a_len` reads and `out` for `out_len` writes of the
/// output's element type; they must not overlap.
#[allow(clippy::too_many_arguments)]
pub unsafe fn sort_axis<T: SortKey>(
    op: LaneOp,
    a: *const T,
    a_len: usize,
    al: &AxisLayout,
    out: *mut u8,
    out_len: usize,
    ol: &AxisLayout,
) -> Result<()>
where
    T::K: Into<u64>,
{
    if al.outer_shape != ol.outer_shape
        || al.inner_shape != ol.inner_shape
        || al.axis_len != ol.axis_len
    {
        return Err(Error::invalid("sort: input and output shapes differ"));
    }
    let n = al.axis_len;
    if let LaneOp::Partition(k) | LaneOp::Argpartition(k) = op {
        if k >= n {
            return Err(Error::new(
                crate::error::INDEX,
                format!("kth(={k}) out of bounds ({n})"),
            ));
        }
    }
    let lanes: usize =
        al.outer_shape.iter().product::<usize>() * al.inner_shape.iter().product::<usize>();
    if lanes == 0 || n == 0 {
        return Ok(());
    }
    al.check(a_len, "sort input")?;
    ol.check(out_len, "sort output")?;
    // lane start offsets (input, output)
    let (shape, ist, ost) = (al.lane_shape(), al.lane_strides(), ol.lane_strides());
    let mut starts = Vec::with_capacity(lanes);
    for_each2(&shape, (al.offset, &ist), (ol.offset, &ost), |s, d| {
        starts.push((s, d))
    });
    let (sa, so) = (al.axis_stride, ol.axis_stride);
    let work = lanes.saturating_mul(n).saturating_mul(8);
    let parts = if work >= parallel::MIN_PARALLEL_WORK * 4 {
        parallel::num_threads().min(lanes).max(1)
    } else {
        1
    };
    let per = (lanes + parts - 1) / parts;
    let pa = SendPtr(a as *mut T);
    let po = SendPtr(out);
    let cancel = crate::engine::CancelToken::current();
    let starts = &starts;
    parallel::run_parallel(parts, |t| {
        let (a, out) = (pa.get() as *const T, po.get());
        let mut vals: Vec<T> = vec![T::default(); n];
        let mut idx: Vec<u32> = if op.writes_indices() {
            vec![0; n]
        } else {
            Vec::new()
        };
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        for &(s, d) in starts.iter().skip(t * per).take(per) {
            if cancel.is_set() {
                return;
            }
            for (k, v) in vals.iter_mut().enumerate() {
                *v = *a.offset(s + k as isize * sa);
            }
            match op {
                LaneOp::Sort => {
                    sort::sort(&mut vals);
                }
                LaneOp::Argsort => sort::argsort(&vals, &mut idx),
                LaneOp::Partition(k) => {
                    vals.select_nth_unstable_by_key(k, |&v| unique_key(v));
                }
                LaneOp::Argpartition(k) => {
                    pairs.clear();
                    pairs.extend(
                        vals.iter()
                            .enumerate()
                            .map(|(i, &v)| (unique_key(v), i as u32)),
                    );
                    pairs.select_nth_unstable(k);
                    for (o, p) in idx.iter_mut().zip(pairs.iter()) {
                        *o = p.1;
                    }
                }
            }
            if op.writes_indices() {
                let o = out as *mut i64;
                for (k, &i) in idx.iter().enumerate() {
                    *o.offset(d + k as isize * so) = i as i64;
                }
            } else {
                let o = out as *mut T;
                for (k, &v) in vals.iter().enumerate() {
                    *o.offset(d + k as isize * so) = v;
                }
            }
        }
    });
    Ok(())
}

/// For each `v[j]`, the index where it would be inserted into the sorted
/// `a` keeping it sorted: the first position whose element is not less
/// (`right = false`) or greater (`right = true`) than it.
pub fn searchsorted<T: SortKey>(a: &[T], v: &[T], right: bool, out: &mut [i64]) -> Result<()>
where
    T::K: Into<u64>,
{
    if out.len() != v.len() {
        return Err(Error::invalid("searchsorted: output length differs from v"));
    }
    let keys: Vec<u64> = a.iter().map(|&x| unique_key(x)).collect();
    for (o, &x) in out.iter_mut().zip(v) {
        let k = unique_key(x);
        *o = if right {
            keys.partition_point(|&y| y <= k)
        } else {
            keys.partition_point(|&y| y < k)
        } as i64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout<'a>(
        outer: &'a [usize],
        os: &'a [isize],
        n: usize,
        st: isize,
        inner: &'a [usize],
        is: &'a [isize],
    ) -> AxisLayout<'a> {
        AxisLayout {
            offset: 0,
            outer_shape: outer,
            outer_strides: os,
            axis_len: n,
            axis_stride: st,
            inner_shape: inner,
            inner_strides: is,
        }
    }

    /// `op` over `a` into `out` (elements of the output's type), both laid
    /// out as `l`.
    fn run<T: SortKey, O>(op: LaneOp, a: &[T], l: &AxisLayout, out: &mut [O]) -> Result<()>
    where
        T::K: Into<u64>,
    {
        unsafe {
            sort_axis(
                op,
                a.as_ptr(),
                a.len(),
                l,
                out.as_mut_ptr() as *mut u8,
                out.len(),
                l,
            )
        }
    }

    #[test]
    fn sorts_argsorts_and_partitions_along_axis_0() {
        // (3, 2) C-contiguous; sort along axis 0 (stride 2), lanes = columns
        let a = [3.0f64, f64::NAN, 1.0, 5.0, 2.0, -1.0];
        let l = layout(&[], &[], 3, 2, &[2], &[1]);
        let mut out = [0.0f64; 6];
        run(LaneOp::Sort, &a, &l, &mut out).unwrap();
        assert_eq!(&out[..4], &[1.0, -1.0, 2.0, 5.0]);
        assert_eq!(out[4], 3.0);
        assert!(out[5].is_nan());
        let mut idx = [0i64; 6];
        run(LaneOp::Argsort, &a, &l, &mut idx).unwrap();
        assert_eq!(idx, [1, 2, 2, 1, 0, 0]);
        run(LaneOp::Argpartition(0), &a, &l, &mut idx).unwrap();
        assert_eq!(idx[0], 1); // column 0's minimum is at row 1
        assert_eq!(idx[1], 2); // column 1's minimum (-1) at row 2
        let err = run(LaneOp::Partition(3), &a, &l, &mut out);
        assert!(err.is_err());
    }

    #[test]
    fn partition_puts_the_kth_element_in_place() {
        let a: Vec<i32> = (0..1000).map(|i| (i * 7919 % 1009) - 500).collect();
        let mut sorted = a.clone();
        sorted.sort_unstable();
        let l = layout(&[], &[], 1000, 1, &[], &[]);
        for &k in &[0usize, 1, 499, 998, 999] {
            let mut out = vec![0i32; 1000];
            run(LaneOp::Partition(k), &a, &l, &mut out).unwrap();
            assert_eq!(out[k], sorted[k]);
            assert!(
                out[..k].iter().all(|&x| x <= out[k]) && out[k + 1..].iter().all(|&x| x >= out[k])
            );
        }
    }

    #[test]
    fn searchsorted_left_and_right_with_nan_and_signed_zero() {
        let a = [-1.0f64, 0.0, 0.0, 2.0, f64::NAN];
        let v = [-0.0, 2.0, 5.0, f64::NAN, -3.0];
        let mut out = [0i64; 5];
        searchsorted(&a, &v, false, &mut out).unwrap();
        assert_eq!(out, [1, 3, 4, 4, 0]);
        searchsorted(&a, &v, true, &mut out).unwrap();
        assert_eq!(out, [3, 4, 4, 5, 0]);
    }
}
