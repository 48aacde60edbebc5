//! Broadcasting ufuncs over strided N-d layouts.
//!
//! TypeScript broadcasts the operands (zero strides) and casts them to the
//! computation dtype; here the layouts are bounds-checked, dimensions are
//! coalesced (a contiguous N-d operation becomes one 1-d run), and each
//! innermost run goes to the SIMD kernels of `elementwise` when its strides
//! allow (all contiguous, or one operand repeated), else to a plain strided
//! loop. Elements are read through raw pointers and each output element
//! depends only on the inputs at the same position, so an output that is
//! exactly an input (same layout) is safe; TypeScript copies inputs that
//! overlap the output any other way.

use super::elementwise::{self as ew, BinOp, Side, UnOp};
use super::strided::{check_bounds, Dims, Layout, MAX_DIMS};
use crate::dtype::Elem;
use crate::error::Result;

/// Merges adjacent dimensions that are contiguous in every operand and
/// drops extent-1 dimensions. Returns (shape, strides per operand), inline.
pub fn coalesce<const N: usize>(
    shape: &[usize],
    strides: [&[isize]; N],
) -> (Dims<usize>, [Dims<isize>; N]) {
    let mut sh: Dims<usize> = Dims::new();
    let mut st: [Dims<isize>; N] = std::array::from_fn(|_| Dims::new());
    for d in 0..shape.len() {
        if shape[d] == 1 {
            continue;
        }
        let can_merge = !sh.is_empty()
            && (0..N).all(|k| st[k][sh.len() - 1] == strides[k][d] * shape[d] as isize);
        if can_merge {
            let last = sh.len() - 1;
            sh[last] *= shape[d];
            for k in 0..N {
                st[k][last] = strides[k][d];
            }
        } else {
            sh.push(shape[d]);
            for k in 0..N {
                st[k].push(strides[k][d]);
            }
        }
    }
    (sh, st)
}

/// Elements per call of a run's closure: long runs are cut so an engine
/// job's cancellation is seen within one chunk (~0.1 ms of work).
const RUN_CHUNK: usize = 1 << 16;

/// Calls `f(offsets, len)` over each innermost run, in C order, in pieces
/// of at most [`RUN_CHUNK`] elements; stops early (leaving the rest
/// unwritten) when the engine job running here is cancelled.
fn for_each_run<const N: usize>(
    shape: &[usize],
    offsets: [isize; N],
    strides: &[Dims<isize>; N],
    mut f: impl FnMut([isize; N], usize),
) {
    if shape.contains(&0) {
        return;
    }
    if shape.is_empty() {
        f(offsets, 1);
        return;
    }
    let nd = shape.len();
    if nd == 1 && !crate::engine::in_job() {
        f(offsets, shape[0]); // one run, whole (the common case)
        return;
    }
    let inner = shape[nd - 1];
    let mut idx = [0usize; MAX_DIMS]; // (nd <= MAX_DIMS: checked at decode)
    let mut p = offsets;
    // outside engine jobs runs stay whole (no extra fork-join per chunk)
    let chunk = if crate::engine::in_job() {
        RUN_CHUNK
    } else {
        usize::MAX
    };
    loop {
        let mut done = 0usize;
        while done < inner {
            if crate::engine::cancelled() {
                return;
            }
            let len = (inner - done).min(chunk);
            let mut q = p;
            for k in 0..N {
                q[k] += strides[k][nd - 1] * done as isize;
            }
            f(q, len);
            done += len;
        }
        if !super::strided::next_row(&mut idx[..nd], shape, &mut p, |k, d| strides[k][d]) {
            return;
        }
    }
}

/// `out = O(a, b)` over three layouts of one (broadcast) shape.
///
/// # Safety
/// `a`, `b`, `out` must be valid for `a_len`, `b_len`, `out_len` elements.
#[allow(clippy::too_many_arguments)]
pub unsafe fn binary<T: Elem, R: Elem, O: BinOp<T, R>>(
    a: *const T,
    a_len: usize,
    al: &Layout,
    b: *const T,
    b_len: usize,
    bl: &Layout,
    out: *mut R,
    out_len: usize,
    ol: &Layout,
) -> Result<()> {
    check_bounds(al, a_len, "ufunc input a")?;
    check_bounds(bl, b_len, "ufunc input b")?;
    check_bounds(ol, out_len, "ufunc output")?;
    let run = |[pa, pb, po]: [isize; 3], n: usize, [ia, ib, io]: [isize; 3]| {
        let (x, y, o) = (a.offset(pa), b.offset(pb), out.offset(po));
        if io == 1 && ia == 1 && ib == 1 {
            ew::binary::<T, R, O>(x, y, o, n);
        } else if io == 1 && ia == 1 && ib == 0 {
            ew::binary_scalar::<T, R, O>(x, *y, o, n, Side::ArrayScalar);
        } else if io == 1 && ia == 0 && ib == 1 {
            ew::binary_scalar::<T, R, O>(y, *x, o, n, Side::ScalarArray);
        } else {
            for i in 0..n as isize {
                *o.offset(i * io) = O::apply(*x.offset(i * ia), *y.offset(i * ib));
            }
        }
    };
    if ol.shape.len() == 1 && !crate::engine::in_job() {
        // one 1-d run (the NDArray fast path): no coalescing walk
        if ol.shape[0] == 0 {
            return Ok(());
        }
        run(
            [al.offset, bl.offset, ol.offset],
            ol.shape[0],
            [al.strides[0], bl.strides[0], ol.strides[0]],
        );
        return Ok(());
    }
    let (shape, st) = coalesce(ol.shape, [al.strides, bl.strides, ol.strides]);
    let inner = |k: usize| st[k].last().copied().unwrap_or(1);
    let strides = [inner(0), inner(1), inner(2)];
    for_each_run(&shape, [al.offset, bl.offset, ol.offset], &st, |p, n| {
        run(p, n, strides)
    });
    Ok(())
}

/// Checks two layouts of one shape, coalesces them, and calls
/// `f(input offset, output offset, run length, input stride, output stride)`
/// for every innermost run.
unsafe fn walk2(
    a_len: usize,
    al: &Layout,
    out_len: usize,
    ol: &Layout,
    mut f: impl FnMut(isize, isize, usize, isize, isize),
) -> Result<()> {
    check_bounds(al, a_len, "ufunc input")?;
    check_bounds(ol, out_len, "ufunc output")?;
    if ol.shape.len() == 1 && !crate::engine::in_job() {
        if ol.shape[0] > 0 {
            f(
                al.offset,
                ol.offset,
                ol.shape[0],
                al.strides[0],
                ol.strides[0],
            );
        }
        return Ok(());
    }
    let (shape, st) = coalesce(ol.shape, [al.strides, ol.strides]);
    let ia = st[0].last().copied().unwrap_or(1);
    let io = st[1].last().copied().unwrap_or(1);
    for_each_run(&shape, [al.offset, ol.offset], &st, |[pa, po], n| {
        f(pa, po, n, ia, io)
    });
    Ok(())
}

/// `out = O(a)` over two layouts of one shape (SIMD on contiguous runs).
///
/// # Safety
/// As [`binary`].
pub unsafe fn unary<T: Elem, O: UnOp<T>>(
    a: *const T,
    a_len: usize,
    al: &Layout,
    out: *mut T,
    out_len: usize,
    ol: &Layout,
) -> Result<()> {
    walk2(a_len, al, out_len, ol, |pa, po, n, ia, io| {
        let (x, o) = (a.offset(pa), out.offset(po));
        if io == 1 && ia == 1 {
            ew::unary::<T, O>(x, o, n, O::WORK);
        } else {
            for i in 0..n as isize {
                *o.offset(i * io) = O::apply(*x.offset(i * ia));
            }
        }
    })
}

/// A unary op from `T` to another type (predicates such as `isnan`).
pub trait MapOp<T, R>: Copy + Send + Sync + 'static {
    fn apply(a: T) -> R;
}

/// `out = O(a)` where the output type differs (e.g. bool predicates).
///
/// # Safety
/// As [`binary`].
pub unsafe fn map<T: Elem, R: Elem, O: MapOp<T, R>>(
    a: *const T,
    a_len: usize,
    al: &Layout,
    out: *mut R,
    out_len: usize,
    ol: &Layout,
) -> Result<()> {
    walk2(a_len, al, out_len, ol, |pa, po, n, ia, io| {
        let (x, o) = (a.offset(pa), out.offset(po));
        for i in 0..n as isize {
            *o.offset(i * io) = O::apply(*x.offset(i * ia));
        }
    })
}

/// `out = cond ? x : y` over four layouts of one (broadcast) shape; `cond`
/// is bool storage (0/1 bytes).
///
/// # Safety
/// Each pointer valid for its length; `out` may equal an input exactly.
#[allow(clippy::too_many_arguments)]
pub unsafe fn select<T: Elem>(
    c: *const u8,
    c_len: usize,
    cl: &Layout,
    x: *const T,
    x_len: usize,
    xl: &Layout,
    y: *const T,
    y_len: usize,
    yl: &Layout,
    out: *mut T,
    out_len: usize,
    ol: &Layout,
) -> Result<()> {
    check_bounds(cl, c_len, "where condition")?;
    check_bounds(xl, x_len, "where x")?;
    check_bounds(yl, y_len, "where y")?;
    check_bounds(ol, out_len, "where output")?;
    let (shape, st) = coalesce(ol.shape, [cl.strides, xl.strides, yl.strides, ol.strides]);
    let inner = |k: usize| st[k].last().copied().unwrap_or(1);
    let (ic, ix, iy, io) = (inner(0), inner(1), inner(2), inner(3));
    for_each_run(
        &shape,
        [cl.offset, xl.offset, yl.offset, ol.offset],
        &st,
        |[pc, px, py, po], n| {
            for i in 0..n as isize {
                let v = if *c.offset(pc + i * ic) != 0 {
                    *x.offset(px + i * ix)
                } else {
                    *y.offset(py + i * iy)
                };
                *out.offset(po + i * io) = v;
            }
        },
    );
    Ok(())
}

/// Index of the first maximum (`MAX`) or minimum along one strided axis,
/// for every kept position; the first NaN wins, as NumPy's argmax.
///
/// # Safety
/// `a` valid for `a_len` reads, `out` for `out_len` writes.
#[allow(clippy::too_many_arguments)]
pub unsafe fn arg_extreme_axis<T: Elem, const MAX: bool>(
    a: *const T,
    a_len: usize,
    al: &Layout,
    axis_len: usize,
    axis_stride: isize,
    out: *mut i64,
    out_len: usize,
    ol: &Layout,
) -> Result<()> {
    if axis_len == 0 {
        return Err(crate::error::Error::new(
            crate::error::EMPTY,
            format!(
                "attempt to get {} of an empty sequence",
                if MAX { "argmax" } else { "argmin" }
            ),
        ));
    }
    let mut full_shape = al.shape.to_vec();
    full_shape.push(axis_len);
    let mut full_st = al.strides.to_vec();
    full_st.push(axis_stride);
    check_bounds(
        &Layout {
            offset: al.offset,
            shape: &full_shape,
            strides: &full_st,
        },
        a_len,
        "argmax input",
    )?;
    check_bounds(ol, out_len, "argmax output")?;
    let mut st: [Dims<isize>; 2] = [Dims::new(), Dims::new()];
    for (k, l) in [al, ol].iter().enumerate() {
        for &x in l.strides {
            st[k].push(x);
        }
    }
    let ia = st[0].last().copied().unwrap_or(0);
    let io = st[1].last().copied().unwrap_or(0);
    for_each_run(al.shape, [al.offset, ol.offset], &st, |[pa, po], n| {
        for i in 0..n as isize {
            let base = pa + i * ia;
            // a contiguous lane: the flat argmax (its two vectorized passes:
            // the extreme, then its first position; -0.0 and 0.0 compare
            // equal there as here, and a NaN is found first), instead of a
            // branch per element. Native only: 1000x1000 argmax(axis=1)
            // 616 -> 183 us natively, but 1.1 -> 1.7 ms (Deno) and 0.9 ->
            // 1.9 ms (Bun) on wasm, where the extreme kernel does not
            // vectorize as well.
            #[cfg(not(target_arch = "wasm32"))]
            if axis_stride == 1 && axis_len >= 64 {
                let lane = std::slice::from_raw_parts(a.offset(base), axis_len);
                let found = if MAX {
                    super::reduce::argmax(lane)
                } else {
                    super::reduce::argmin(lane)
                };
                if let Ok(at) = found {
                    // (never an error: the lane is not empty)
                    *out.offset(po + i * io) = at as i64;
                    continue;
                }
            }
            let mut best = *a.offset(base);
            let mut at = 0usize;
            if !best.is_nan() {
                for k in 1..axis_len {
                    let v = *a.offset(base + k as isize * axis_stride);
                    if v.is_nan() {
                        at = k;
                        break;
                    }
                    if (MAX && v > best) || (!MAX && v < best) {
                        best = v;
                        at = k;
                    }
                }
            }
            *out.offset(po + i * io) = at as i64;
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::elementwise::Add;

    /// argmax/argmin along contiguous lanes (the vectorized path) against
    /// the first-index rule: ties (including -0.0 against 0.0) keep the
    /// first, a NaN wins at its first position; lanes of 63 take the loop.
    #[test]
    fn arg_extreme_on_contiguous_lanes_keeps_the_first_index() {
        for &len in &[63usize, 64, 100, 257] {
            let rows = 9;
            let mut a: Vec<f64> = (0..rows * len)
                .map(|i| ((i * 7919) % 97) as f64 - 48.0)
                .collect();
            for r in 0..rows {
                let row = &mut a[r * len..(r + 1) * len];
                match r {
                    0 => row.iter_mut().for_each(|x| *x = 0.0),
                    1 => {
                        row.iter_mut().for_each(|x| *x = -1.0);
                        row[len / 3] = -0.0;
                        row[len / 2] = 0.0;
                    }
                    2 => row[len - 1] = f64::NAN,
                    3 => {
                        row[5] = f64::NAN;
                        row[len - 2] = f64::NAN;
                    }
                    4 => {
                        row[len / 4] = 1e9;
                        row[len - 3] = 1e9;
                        row[len / 5] = -1e9;
                        row[len - 4] = -1e9;
                    }
                    _ => {}
                }
            }
            let rule = |row: &[f64], max: bool| -> i64 {
                if let Some(k) = row.iter().position(|x| x.is_nan()) {
                    return k as i64;
                }
                let mut at = 0;
                for k in 1..row.len() {
                    if (max && row[k] > row[at]) || (!max && row[k] < row[at]) {
                        at = k;
                    }
                }
                at as i64
            };
            let al = Layout {
                offset: 0,
                shape: &[rows],
                strides: &[len as isize],
            };
            let ol = Layout {
                offset: 0,
                shape: &[rows],
                strides: &[1],
            };
            for max in [true, false] {
                let mut out = vec![-1i64; rows];
                let f = if max {
                    arg_extreme_axis::<f64, true>
                } else {
                    arg_extreme_axis::<f64, false>
                };
                unsafe {
                    f(
                        a.as_ptr(),
                        a.len(),
                        &al,
                        len,
                        1,
                        out.as_mut_ptr(),
                        rows,
                        &ol,
                    )
                }
                .unwrap();
                for r in 0..rows {
                    let want = rule(&a[r * len..(r + 1) * len], max);
                    assert_eq!(out[r], want, "len {len} row {r} max {max}");
                }
            }
        }
    }

    #[test]
    fn coalesce_merges_contiguous_dims_and_keeps_broadcast_ones() {
        let (sh, st) = coalesce(&[2, 3, 4], [&[12, 4, 1], &[12, 4, 1]]);
        assert_eq!(&sh[..], &[24]);
        assert_eq!((&st[0][..], &st[1][..]), (&[1][..], &[1][..]));
        let (sh, st) = coalesce(&[2, 1, 3], [&[3, 0, 1], &[0, 0, 1]]);
        assert_eq!(&sh[..], &[2, 3]);
        assert_eq!((&st[0][..], &st[1][..]), (&[3, 1][..], &[0, 1][..]));
    }

    #[test]
    fn broadcast_add_of_a_column_and_a_reversed_row() {
        // a: column (3,1) -> (3,4); b: row 0..4 reversed; out (3,4)
        let a = [10i32, 20, 30];
        let b = [0i32, 1, 2, 3];
        let mut out = [0i32; 12];
        let shape = [3usize, 4];
        let al = Layout {
            offset: 0,
            shape: &shape,
            strides: &[1, 0],
        };
        let bl = Layout {
            offset: 3,
            shape: &shape,
            strides: &[0, -1],
        };
        let ol = Layout {
            offset: 0,
            shape: &shape,
            strides: &[4, 1],
        };
        unsafe {
            binary::<i32, i32, Add>(
                a.as_ptr(),
                3,
                &al,
                b.as_ptr(),
                4,
                &bl,
                out.as_mut_ptr(),
                12,
                &ol,
            )
            .unwrap()
        };
        assert_eq!(out, [13, 12, 11, 10, 23, 22, 21, 20, 33, 32, 31, 30]);
        let bad = Layout {
            offset: 4,
            shape: &shape,
            strides: &[0, -1],
        };
        assert!(unsafe {
            binary::<i32, i32, Add>(
                a.as_ptr(),
                3,
                &al,
                b.as_ptr(),
                4,
                &bad,
                out.as_mut_ptr(),
                12,
                &ol,
            )
        }
        .is_err());
    }
}
