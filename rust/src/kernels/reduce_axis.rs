//! Reductions along axes of a strided layout, in NumPy's order of
//! operations (so float sums match NumPy bit for bit).
//!
//! The caller (TS) splits the input's axes into *kept* axes (in output
//! order) and *reduced* axes (in memory order, outermost first). Then:
//! - if the innermost axis in memory is a reduced one: with a contiguous
//!   inner run, each output element adds the pairwise sums of the runs in
//!   order, starting from the identity (other ops combine left to right).
//!   With a strided or reversed inner run, NumPy copies the elements of
//!   the trailing group of reduced axes that are adjacent in memory order
//!   through its 8192-element buffer, cut at whole runs, and sums each
//!   buffer pairwise: so do we. For such runs longer than 8192 NumPy cuts
//!   differently and the last bits may differ. These rules were
//!   established against NumPy 2.4 (tests/fixtures/reduce.json).
//! - otherwise NumPy accumulates whole slices: `out = identity; for each
//!   reduced index i (memory order): out = op(out, a[..., i, ...])`, done
//!   here with the SIMD in-place kernels when the slices are contiguous.

use super::elementwise::{self as ew, BinOp};
use super::reduce::{pairwise_sum, pairwise_sum_strided};
use super::strided::{check_bounds, Dims, Layout};
use crate::dtype::Elem;
use crate::error::{Error, Result};
use crate::multiversion;

/// NumPy's default iterator buffer size, in elements.
const BUFSIZE: usize = 8192;

/// Longest output accumulated in one pass over all reduced indices when
/// each contributes one contiguous run (4 KiB of f64: it stays in L1).
const TILE: usize = 512;

/// `o[j] = R(o[j], x[off + j])` for each offset in order, in one loop the
/// compiler vectorizes.
#[inline(always)]
fn accumulate_body<T: Elem, R: Reducer<T>>(o: &mut [T], x: &[T], offs: &[usize]) {
    for &off in offs {
        let row = &x[off..off + o.len()];
        for (d, &v) in o.iter_mut().zip(row) {
            *d = R::apply(*d, v);
        }
    }
}

multiversion!(fn accumulate<T: Elem, R: Reducer<T>>(o: &mut [T], x: &[T], offs: &[usize]) => accumulate_body);

/// A reduction: its binary op and how a contiguous run is reduced.
pub trait Reducer<T: Elem>: BinOp<T, T> {
    /// A run, left to right with the op (NumPy's order where it matters).
    #[inline(always)]
    fn run(run: &[T]) -> T {
        let mut v = run[0];
        for &x in &run[1..] {
            v = Self::apply(v, x);
        }
        v
    }
    /// A strided run (`len >= 1` elements `stride` apart), as [`Self::run`]
    /// of the gathered values, in bounded memory (`buf` is scratch).
    ///
    /// # Safety
    /// `p.offset(i * stride)` must be readable for every `i < len`.
    #[inline(always)]
    unsafe fn run_strided(p: *const T, len: usize, stride: isize, _buf: &mut Vec<T>) -> T {
        let mut v = *p;
        for i in 1..len as isize {
            v = Self::apply(v, *p.offset(i * stride));
        }
        v
    }
}

/// Gathers a strided run through `buf` in chunks of [`BUFSIZE`], combining
/// the chunks' [`Reducer::run`] results with the op (for max/min, whose
/// order only decides between equal values).
unsafe fn chunked_run<T: Elem, R: Reducer<T>>(
    p: *const T,
    len: usize,
    stride: isize,
    buf: &mut Vec<T>,
) -> T {
    let mut acc: Option<T> = None;
    let mut i = 0usize;
    while i < len {
        let m = (len - i).min(BUFSIZE);
        buf.clear();
        buf.extend((i..i + m).map(|j| *p.offset(j as isize * stride)));
        let part = R::run(buf);
        acc = Some(match acc {
            Some(x) => R::apply(x, part),
            None => part,
        });
        i += m;
    }
    acc.unwrap_or_default()
}
impl<T: Elem> Reducer<T> for ew::Add {
    /// NumPy's pairwise sum.
    fn run(run: &[T]) -> T {
        pairwise_sum(run)
    }
    unsafe fn run_strided(p: *const T, len: usize, stride: isize, _buf: &mut Vec<T>) -> T {
        pairwise_sum_strided(p, len, stride)
    }
}
impl<T: Elem> Reducer<T> for ew::Mul {}
impl<T: Elem> Reducer<T> for super::ops::Maximum {
    /// The vectorized extreme of the flat `max` (the first NaN if any, else
    /// the largest; which of equal values, -0.0 or 0.0, depends on lanes,
    /// as in NumPy's own SIMD reduction). NDArray `max()` of 1e6 float64
    /// went from 1.38 to 0.10 ms (native, one thread) and from 3.5 to
    /// 0.83-1.0 ms (wasm) against the left-to-right chain.
    fn run(run: &[T]) -> T {
        super::reduce::max_dispatch(run)
    }
    unsafe fn run_strided(p: *const T, len: usize, stride: isize, buf: &mut Vec<T>) -> T {
        chunked_run::<T, Self>(p, len, stride, buf)
    }
}
impl<T: Elem> Reducer<T> for super::ops::Minimum {
    /// As for the maximum.
    fn run(run: &[T]) -> T {
        super::reduce::min_dispatch(run)
    }
    unsafe fn run_strided(p: *const T, len: usize, stride: isize, buf: &mut Vec<T>) -> T {
        chunked_run::<T, Self>(p, len, stride, buf)
    }
}
impl<T: Elem> Reducer<T> for super::ops::Fmax {}
impl<T: Elem> Reducer<T> for super::ops::Fmin {}

/// Input layout split into kept and reduced axes, plus the output layout.
pub struct AxisPlan<'a> {
    pub in_offset: isize,
    pub out_offset: isize,
    pub kept_shape: &'a [usize],
    pub kept_in: &'a [isize],
    pub kept_out: &'a [isize],
    pub red_shape: &'a [usize],
    pub red_in: &'a [isize],
    /// How many trailing reduced axes are adjacent in memory order (no kept
    /// axis between them): NumPy's buffer spans only those.
    pub group: usize,
}

fn odometer(shape: &[usize], mut f: impl FnMut(&[usize])) {
    if shape.contains(&0) {
        return;
    }
    // inline for up to 8 axes (no allocation per call)
    let mut idx: Dims<usize> = Dims::new();
    for _ in 0..shape.len() {
        idx.push(0);
    }
    loop {
        f(&idx);
        let mut d = shape.len();
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            if idx[d] < shape[d] {
                break;
            }
            idx[d] = 0;
        }
    }
}

fn dot(idx: &[usize], strides: &[isize]) -> isize {
    idx.iter().zip(strides).map(|(&i, &s)| i as isize * s).sum()
}

/// Reduces `a` into `out` by `R`, starting from `init` (the identity, or
/// for min/max the caller passes `None` and the first element is used).
///
/// # Safety
/// `a` valid for `a_len` reads, `out` for `out_len` writes; they must not
/// overlap.
pub unsafe fn reduce_axes<T: Elem, R: Reducer<T>>(
    a: *const T,
    a_len: usize,
    out: *mut T,
    out_len: usize,
    p: &AxisPlan,
    init: Option<T>,
) -> Result<()> {
    // Bounds: the input over all axes, the output over the kept axes.
    if p.kept_shape.len() != p.kept_in.len() || p.red_shape.len() != p.red_in.len() {
        return Err(Error::invalid("reduce: shape and strides differ in length"));
    }
    let (mut all_shape, mut all_st) = (Dims::new(), Dims::new());
    for (&d, &s) in p
        .kept_shape
        .iter()
        .chain(p.red_shape)
        .zip(p.kept_in.iter().chain(p.red_in))
    {
        all_shape.push(d);
        all_st.push(s);
    }
    check_bounds(
        &Layout {
            offset: p.in_offset,
            shape: &all_shape,
            strides: &all_st,
        },
        a_len,
        "reduce input",
    )?;
    check_bounds(
        &Layout {
            offset: p.out_offset,
            shape: p.kept_shape,
            strides: p.kept_out,
        },
        out_len,
        "reduce output",
    )?;
    let red_count: usize = p.red_shape.iter().product();
    if red_count == 0 && init.is_none() {
        return Err(Error::new(
            crate::error::EMPTY,
            "zero-size array to reduction operation which has no identity",
        ));
    }
    let nr = p.red_shape.len();
    // innermost memory axis: smallest |stride| among axes of extent > 1
    let min_abs = |sh: &[usize], st: &[isize]| {
        sh.iter()
            .zip(st)
            .filter(|(&d, _)| d > 1)
            .map(|(_, &s)| s.unsigned_abs())
            .min()
    };
    let inner_red = if nr > 0 && p.red_shape[nr - 1] > 1 {
        Some(p.red_in[nr - 1].unsigned_abs())
    } else {
        None
    };
    let inner_kept = min_abs(p.kept_shape, p.kept_in);
    let reduced_innermost = match (inner_red, inner_kept) {
        (Some(r), Some(k)) => r < k,
        (Some(_), None) => true,
        _ => false,
    };
    if reduced_innermost {
        let run_len = p.red_shape[nr - 1];
        let run_st = p.red_in[nr - 1];
        let g = p.group.clamp(1, nr);
        // reduced axes outside the buffered group, then the group's outer axes
        let (outer, outer_st) = (&p.red_shape[..nr - g], &p.red_in[..nr - g]);
        let (gouter, gouter_st) = (&p.red_shape[nr - g..nr - 1], &p.red_in[nr - g..nr - 1]);
        let chunk = (BUFSIZE / run_len).max(1) * run_len;
        let mut buf: Vec<T> = Vec::new();
        let combine = |run: &[T]| -> T { R::run(run) };
        odometer(p.kept_shape, |k| {
            let base = p.in_offset + dot(k, p.kept_in);
            let mut acc: Option<T> = init;
            let mut fold = |part: T| {
                acc = Some(match acc {
                    Some(x) => R::apply(x, part),
                    None => part,
                });
            };
            odometer(outer, |o| {
                let obase = base + dot(o, outer_st);
                if run_st == 1 || gouter.is_empty() {
                    // contiguous runs (or one run): each run pairwise, in order
                    odometer(gouter, |r| {
                        let start = obase + dot(r, gouter_st);
                        if run_st == 1 {
                            fold(combine(std::slice::from_raw_parts(
                                a.offset(start),
                                run_len,
                            )));
                        } else {
                            // one strided run: NumPy sums it in place (no
                            // buffer), so must we; and a broadcast run of
                            // 2^31 elements must not be gathered whole
                            fold(R::run_strided(a.offset(start), run_len, run_st, &mut buf));
                        }
                    });
                } else {
                    // strided runs across the group: NumPy's buffer
                    buf.clear();
                    odometer(gouter, |r| {
                        let start = obase + dot(r, gouter_st);
                        for i in 0..run_len as isize {
                            buf.push(*a.offset(start + i * run_st));
                            if buf.len() == chunk {
                                fold(combine(&buf));
                                buf.clear();
                            }
                        }
                    });
                    if !buf.is_empty() {
                        fold(combine(&buf));
                    }
                }
            });
            *out.offset(p.out_offset + dot(k, p.kept_out)) = acc.unwrap_or_default();
        });
        return Ok(());
    }
    // A kept axis is innermost: accumulate slices in reduced-index order.
    let nk = p.kept_shape.len();
    let (inner_n, inner_in, inner_out) = if nk > 0 {
        (p.kept_shape[nk - 1], p.kept_in[nk - 1], p.kept_out[nk - 1])
    } else {
        (1, 0, 0)
    };
    let outer_k = if nk > 0 {
        &p.kept_shape[..nk - 1]
    } else {
        &p.kept_shape[..0]
    };
    if nk == 1 && inner_in == 1 && inner_out == 1 && red_count > 1 && inner_n <= TILE {
        // Each reduced index contributes one contiguous run as long as the
        // (short) output, e.g. sum(axis=0) of a 10000x100 C matrix: every
        // run is added into the output in one loop, in order. Per element
        // that is the order below, so the result is identical; it replaces
        // a kernel call per reduced index, which costs more than adding
        // 100 elements. Longer rows keep the path below (a streaming SIMD
        // kernel per row, split across threads when long): measured on
        // 1000x1000 mean(axis=0), tiling them was slower.
        let mut offs = Vec::with_capacity(red_count);
        odometer(p.red_shape, |r| {
            offs.push((p.in_offset + dot(r, p.red_in)) as usize)
        });
        let x = std::slice::from_raw_parts(a, a_len);
        let o = std::slice::from_raw_parts_mut(out.offset(p.out_offset), inner_n);
        for (d, &v) in o.iter_mut().zip(&x[offs[0]..offs[0] + inner_n]) {
            *d = match init {
                Some(id) => R::apply(id, v),
                None => v,
            };
        }
        accumulate::<T, R>(o, x, &offs[1..]);
        return Ok(());
    }
    let mut first = true;
    odometer(p.red_shape, |r| {
        let roff = p.in_offset + dot(r, p.red_in);
        odometer(outer_k, |k| {
            let src = roff + dot(k, &p.kept_in[..outer_k.len()]);
            let dst = p.out_offset + dot(k, &p.kept_out[..outer_k.len()]);
            let (x, o) = (a.offset(src), out.offset(dst));
            if first {
                for i in 0..inner_n as isize {
                    let v = *x.offset(i * inner_in);
                    *o.offset(i * inner_out) = match init {
                        Some(id) => R::apply(id, v),
                        None => v,
                    };
                }
            } else if inner_in == 1 && inner_out == 1 {
                ew::binary::<T, T, R>(o, x, o, inner_n);
            } else {
                for i in 0..inner_n as isize {
                    let po = o.offset(i * inner_out);
                    *po = R::apply(*po, *x.offset(i * inner_in));
                }
            }
        });
        first = false;
    });
    if first {
        // nothing reduced (an empty reduced extent): fill with the identity
        let id = init.unwrap_or_default();
        odometer(p.kept_shape, |k| {
            *out.offset(p.out_offset + dot(k, p.kept_out)) = id
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass path (a short contiguous run per reduced index) against
    /// the slice-by-slice order it must reproduce bit for bit, and the
    /// per-row path for a longer output: two reduced axes, one of them
    /// reversed, offsets in and out, NaN in a max, with and without an
    /// identity.
    #[test]
    fn short_columns_in_one_pass_match_the_sequential_order_bit_for_bit() {
        fn check<R: Reducer<f64>>(init: Option<f64>, nan: bool, cols: usize) {
            let (d0, d1) = (5usize, 7usize);
            let len = 3 + d0 * d1 * cols;
            let a: Vec<f64> = (0..len)
                .map(|i| {
                    if nan && i % 997 == 5 {
                        f64::NAN
                    } else {
                        ((i * 7919) % 1000) as f64 * 1e-3 + (i % 13) as f64 * 1e13
                    }
                })
                .collect();
            // red axis 0: stride d1*cols; red axis 1: reversed rows
            let p = AxisPlan {
                in_offset: 3 + ((d1 - 1) * cols) as isize,
                out_offset: 2,
                kept_shape: &[cols],
                kept_in: &[1],
                kept_out: &[1],
                red_shape: &[d0, d1],
                red_in: &[(d1 * cols) as isize, -(cols as isize)],
                group: 1,
            };
            let mut out = vec![0f64; cols + 2];
            unsafe {
                reduce_axes::<f64, R>(a.as_ptr(), len, out.as_mut_ptr(), cols + 2, &p, init)
                    .unwrap()
            };
            for j in 0..cols {
                let mut acc: Option<f64> = None;
                for i0 in 0..d0 {
                    for i1 in 0..d1 {
                        let at = p.in_offset + (i0 * d1 * cols) as isize - (i1 * cols) as isize;
                        let v = a[(at + j as isize) as usize];
                        acc = Some(match (acc, init) {
                            (Some(x), _) => R::apply(x, v),
                            (None, Some(id)) => R::apply(id, v),
                            (None, None) => v,
                        });
                    }
                }
                let (got, want) = (out[2 + j], acc.unwrap());
                assert!(
                    got.to_bits() == want.to_bits(),
                    "column {j}: {got} vs {want}"
                );
            }
        }
        for cols in [1, 37, TILE, TILE + 77] {
            check::<ew::Add>(Some(0.0), false, cols);
            check::<ew::Mul>(Some(1.0), false, cols);
            check::<super::super::ops::Maximum>(None, true, cols);
            check::<super::super::ops::Fmin>(None, true, cols);
        }
    }

    /// Reduces the C-ordered `a` by `R` over `red` (shape, input strides),
    /// keeping `kept` (shape, input strides; the output is C-ordered).
    fn reduce<R: Reducer<f64>>(
        a: &[f64],
        kept: (&[usize], &[isize]),
        red: (&[usize], &[isize]),
        group: usize,
        init: Option<f64>,
    ) -> Result<Vec<f64>> {
        let mut out = vec![0f64; kept.0.iter().product()];
        let kept_out: Vec<isize> = c_strides(kept.0);
        let p = AxisPlan {
            in_offset: 0,
            out_offset: 0,
            kept_shape: kept.0,
            kept_in: kept.1,
            kept_out: &kept_out,
            red_shape: red.0,
            red_in: red.1,
            group,
        };
        unsafe {
            reduce_axes::<f64, R>(a.as_ptr(), a.len(), out.as_mut_ptr(), out.len(), &p, init)?
        };
        Ok(out)
    }

    fn c_strides(shape: &[usize]) -> Vec<isize> {
        (0..shape.len())
            .map(|d| shape[d + 1..].iter().product::<usize>() as isize)
            .collect()
    }

    #[test]
    fn sums_rows_pairwise_and_columns_sequentially() {
        use super::super::ops::Maximum;
        // 3x4 C array 0..12
        let a: Vec<f64> = (0..12).map(|i| i as f64 + 0.25).collect();
        let rows = reduce::<ew::Add>(&a, (&[3], &[4]), (&[4], &[1]), 1, Some(0.0)).unwrap();
        assert_eq!(rows, [7.0, 23.0, 39.0]);
        let cols = reduce::<ew::Add>(&a, (&[4], &[1]), (&[3], &[4]), 1, Some(0.0)).unwrap();
        assert_eq!(cols, [12.75, 15.75, 18.75, 21.75]);
        let m = reduce::<Maximum>(&a, (&[], &[]), (&[3, 4], &[4, 1]), 2, None).unwrap();
        assert_eq!(m, [11.25]);
        assert!(reduce::<Maximum>(&[], (&[], &[]), (&[0], &[1]), 1, None).is_err());
    }
}
