//! Index-driven kernels over strided layouts: `take` along an axis,
//! `nonzero` coordinates, and scans (`cumsum`/`cumprod`) along an axis.
//!
//! Layouts are split by the caller into the axis of interest and the
//! other axes; every layout is bounds-checked before the first access.

use super::strided::{check_bounds, for_each2, Layout};
use crate::dtype::Elem;
use crate::error::{Error, Result, INDEX};

/// A layout with one distinguished axis: `outer` axes, then the axis, then
/// `inner` axes (each with its extent and element stride).
pub struct AxisLayout<'a> {
    pub offset: isize,
    pub outer_shape: &'a [usize],
    pub outer_strides: &'a [isize],
    pub axis_len: usize,
    pub axis_stride: isize,
    pub inner_shape: &'a [usize],
    pub inner_strides: &'a [isize],
}

impl AxisLayout<'_> {
    /// Checks that every index the layout reaches is in `0..len`.
    pub fn check(&self, len: usize, what: &str) -> Result<()> {
        let shape = [self.outer_shape, &[self.axis_len], self.inner_shape].concat();
        let strides = [self.outer_strides, &[self.axis_stride], self.inner_strides].concat();
        check_bounds(
            &Layout {
                offset: self.offset,
                shape: &shape,
                strides: &strides,
            },
            len,
            what,
        )
    }

    /// The shape of the lanes (every axis but the scanned one).
    pub fn lane_shape(&self) -> Vec<usize> {
        [self.outer_shape, self.inner_shape].concat()
    }

    /// The strides of the lanes' starts (every axis but the scanned one).
    pub fn lane_strides(&self) -> Vec<isize> {
        [self.outer_strides, self.inner_strides].concat()
    }
}

fn c_strides(shape: &[usize], unit: usize) -> Vec<isize> {
    let mut st = vec![0isize; shape.len()];
    let mut acc = unit as isize;
    for i in (0..shape.len()).rev() {
        st[i] = acc;
        acc *= shape[i] as isize;
    }
    st
}

/// `out = take(a, indices, axis)`: out is C-contiguous with shape
/// `outer + [indices.len()] + inner`. Negative indices count from the end;
/// any index outside `-axis_len..axis_len` is an error (NumPy's
/// `mode="raise"`), reported before anything is written.
///
/// # Safety
/// `a` valid for `a_len` reads, `out` for `out_len` writes, `idx` for
/// `idx.len()` reads; `out` must not overlap `a`.
pub unsafe fn take<T: Elem>(
    a: *const T,
    a_len: usize,
    l: &AxisLayout,
    idx: &[i64],
    out: *mut T,
    out_len: usize,
) -> Result<()> {
    let outer: usize = l.outer_shape.iter().product();
    let inner: usize = l.inner_shape.iter().product();
    let total = outer
        .checked_mul(idx.len())
        .and_then(|v| v.checked_mul(inner))
        .ok_or_else(|| Error::invalid("take: output size overflows"))?;
    if total != out_len {
        return Err(Error::invalid(format!(
            "take: output holds {out_len} elements, {total} needed"
        )));
    }
    if total == 0 {
        return Ok(());
    }
    l.check(a_len, "take input")?;
    let n = l.axis_len as i64;
    for &i in idx {
        if i < -n || i >= n {
            return Err(Error::new(
                INDEX,
                format!("index {i} is out of bounds for axis with size {n}"),
            ));
        }
    }
    let inner_out = c_strides(l.inner_shape, 1);
    let outer_out = c_strides(l.outer_shape, idx.len() * inner);
    let contiguous_inner = l.inner_shape.is_empty()
        || (l.inner_strides.last() == Some(&1)
            && c_strides(l.inner_shape, 1).as_slice() == l.inner_strides);
    for_each2(
        l.outer_shape,
        (l.offset, l.outer_strides),
        (0, &outer_out),
        |src, dst| {
            for (j, &i) in idx.iter().enumerate() {
                let i = if i < 0 { i + n } else { i } as isize;
                let s = src + i * l.axis_stride;
                let d = dst + (j * inner) as isize;
                if contiguous_inner {
                    std::ptr::copy_nonoverlapping(a.offset(s), out.offset(d), inner);
                } else {
                    for_each2(
                        l.inner_shape,
                        (s, l.inner_strides),
                        (d, &inner_out),
                        |x, y| *out.offset(y) = *a.offset(x),
                    );
                }
            }
        },
    );
    Ok(())
}

/// Writes the C-order coordinates of every non-zero element of the
/// C-contiguous `a` (shape `shape`) into `out`, one row of `shape.len()`
/// per element (NumPy's `argwhere` layout). `out` must hold exactly
/// `count * shape.len()` values where `count` is the number of non-zero
/// elements (checked).
pub fn nonzero<T: Elem>(a: &[T], shape: &[usize], out: &mut [i64]) -> Result<()> {
    let nd = shape.len();
    let size: usize = shape.iter().product();
    if a.len() != size {
        return Err(Error::invalid(
            "nonzero: input length does not match its shape",
        ));
    }
    let zero = T::default();
    let count = a.iter().filter(|&&v| v != zero).count();
    if count * nd.max(1) != out.len() && !(nd == 0 && out.is_empty()) {
        return Err(Error::invalid(format!(
            "nonzero: output holds {} values, {} needed",
            out.len(),
            count * nd.max(1)
        )));
    }
    if nd == 0 {
        return Ok(());
    }
    let mut idx = vec![0i64; nd];
    let mut w = 0usize;
    for &v in a {
        if v != zero {
            out[w..w + nd].copy_from_slice(&idx);
            w += nd;
        }
        let mut d = nd;
        while d > 0 {
            d -= 1;
            idx[d] += 1;
            if (idx[d] as usize) < shape[d] {
                break;
            }
            idx[d] = 0;
        }
    }
    Ok(())
}

/// Sequential scans along the axis of `l` (NumPy's `add.accumulate` and
/// `multiply.accumulate`, left to right) into `out` with layout `ol`
/// (same shape). `PROD` selects the product.
///
/// # Safety
/// `a` valid for `a_len` reads, `out` for `out_len` writes; `out` may equal
/// `a` element for element (each element is read before it is written) but
/// must not otherwise overlap it.
pub unsafe fn scan_axis<T: Elem, const PROD: bool>(
    a: *const T,
    a_len: usize,
    l: &AxisLayout,
    out: *mut T,
    out_len: usize,
    ol: &AxisLayout,
) -> Result<()> {
    if l.outer_shape != ol.outer_shape
        || l.inner_shape != ol.inner_shape
        || l.axis_len != ol.axis_len
    {
        return Err(Error::invalid("scan: input and output shapes differ"));
    }
    let size = l.outer_shape.iter().product::<usize>()
        * l.axis_len
        * l.inner_shape.iter().product::<usize>();
    if size == 0 {
        return Ok(());
    }
    l.check(a_len, "scan input")?;
    ol.check(out_len, "scan output")?;
    let (shape, ist, ost) = (l.lane_shape(), l.lane_strides(), ol.lane_strides());
    // in locals of the closure body: read through `l`/`ol` (or the
    // closure's captures) inside the loop they are reloaded after every
    // store through `out`, which could alias them for all the compiler
    // knows; on wasm32 that made a 1e6 cumsum 2.7x slower than its loop
    let (n, ast, ost1) = (l.axis_len, l.axis_stride, ol.axis_stride);
    for_each2(&shape, (l.offset, &ist), (ol.offset, &ost), move |s, d| {
        let (n, ast, ost1) = (n, ast, ost1);
        let (mut pa, mut po) = (a.offset(s), out.offset(d));
        let mut acc = *pa;
        *po = acc;
        for _ in 1..n {
            pa = pa.offset(ast);
            po = po.offset(ost1);
            let v = *pa;
            acc = if PROD { acc.mul(v) } else { acc.add(v) };
            *po = acc;
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_along_middle_axis_with_negative_indices_and_strides() {
        // a: shape (2, 3, 2) C-contiguous
        let a: Vec<i32> = (0..12).collect();
        let l = AxisLayout {
            offset: 0,
            outer_shape: &[2],
            outer_strides: &[6],
            axis_len: 3,
            axis_stride: 2,
            inner_shape: &[2],
            inner_strides: &[1],
        };
        let mut out = vec![0i32; 2 * 2 * 2];
        unsafe { take(a.as_ptr(), 12, &l, &[-1, 0], out.as_mut_ptr(), 8) }.unwrap();
        assert_eq!(out, [4, 5, 0, 1, 10, 11, 6, 7]);
        // reversed inner axis (strided path)
        let l2 = AxisLayout {
            offset: 1,
            inner_strides: &[-1],
            ..l
        };
        unsafe { take(a.as_ptr(), 12, &l2, &[1], out.as_mut_ptr(), 4) }.unwrap();
        assert_eq!(&out[..4], [3, 2, 9, 8]);
        let err = unsafe { take(a.as_ptr(), 12, &l, &[3], out.as_mut_ptr(), 4) }.unwrap_err();
        assert_eq!(err.code, INDEX);
        // a layout leaving the buffer is refused
        let bad = AxisLayout { offset: 5, ..l };
        assert!(unsafe { take(a.as_ptr(), 12, &bad, &[0], out.as_mut_ptr(), 4) }.is_err());
    }

    #[test]
    fn nonzero_gives_c_order_coordinates() {
        let a = [0u8, 1, 0, 1, 1, 0];
        let mut out = vec![0i64; 6];
        nonzero(&a, &[2, 3], &mut out).unwrap();
        assert_eq!(out, [0, 1, 1, 0, 1, 1]);
        assert!(nonzero(&a, &[2, 3], &mut [0i64; 4]).is_err());
    }

    #[test]
    fn scans_run_left_to_right_along_the_axis() {
        let a = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0]; // (2, 3)
        let mut out = [0.0; 6];
        let l = AxisLayout {
            offset: 0,
            outer_shape: &[],
            outer_strides: &[],
            axis_len: 2,
            axis_stride: 3,
            inner_shape: &[3],
            inner_strides: &[1],
        };
        unsafe { scan_axis::<f64, false>(a.as_ptr(), 6, &l, out.as_mut_ptr(), 6, &l) }.unwrap();
        assert_eq!(out, [1.0, 2.0, 3.0, 5.0, 7.0, 9.0]);
        unsafe { scan_axis::<f64, true>(a.as_ptr(), 6, &l, out.as_mut_ptr(), 6, &l) }.unwrap();
        assert_eq!(out, [1.0, 2.0, 3.0, 4.0, 10.0, 18.0]);
    }
}
