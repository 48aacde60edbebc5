//! Strided N-d iteration, and the copy-with-cast kernel built on it
//! (`copy`, `astype`, `ascontiguousarray`, `flatten` of any view).
//!
//! A layout is (element offset, shape, element strides) over a storage
//! slice; strides may be negative (reversed views) or zero (broadcast).
//! Before any loop runs, [`check_bounds`] proves that every element the
//! layout can reach lies inside the storage, so a wrong layout is an error
//! and never an out-of-bounds access.

use crate::dtype::Elem;
use crate::error::{Error, Result};
use crate::parallel::{for_ranges, SendPtr};

/// Most dimensions a layout may have (NumPy's `NPY_MAXDIMS`).
pub const MAX_DIMS: usize = 64;

/// A list of at most [`MAX_DIMS`] values: up to [`INLINE`] kept inline (no
/// heap allocation), more on the heap. Shapes and strides decoded for one
/// call: request-sized ufunc calls spent most of their ~0.7 us of native
/// time in the dozen `Vec`s the decode and the dimension coalescing
/// allocated, and a 64-entry inline array made every copy of a layout
/// 0.5 KB.
#[derive(Clone)]
pub struct Dims<T: Copy + Default> {
    len: usize,
    inline: [T; INLINE],
    heap: Vec<T>,
}

/// Dimensions kept inline by [`Dims`].
pub const INLINE: usize = 8;

impl<T: Copy + Default> Dims<T> {
    /// An empty list.
    pub fn new() -> Self {
        Dims {
            len: 0,
            inline: [T::default(); INLINE],
            heap: Vec::new(),
        }
    }
    /// Appends `x`.
    pub fn push(&mut self, x: T) {
        if self.len < INLINE {
            self.inline[self.len] = x;
        } else {
            if self.len == INLINE {
                self.heap.extend_from_slice(&self.inline);
            }
            self.heap.push(x);
        }
        self.len += 1;
    }
}

impl<T: Copy + Default> Default for Dims<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Copy + Default> std::ops::Deref for Dims<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        if self.len <= INLINE {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
}

impl<T: Copy + Default> std::ops::DerefMut for Dims<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        if self.len <= INLINE {
            &mut self.inline[..self.len]
        } else {
            &mut self.heap
        }
    }
}

/// A view of `len` storage elements.
#[derive(Debug, Clone, Copy)]
pub struct Layout<'a> {
    pub offset: isize,
    pub shape: &'a [usize],
    pub strides: &'a [isize],
}

/// Checks that every index reachable by `l` is in `0..len`.
pub fn check_bounds(l: &Layout, len: usize, what: &str) -> Result<()> {
    if l.shape.len() != l.strides.len() {
        return Err(Error::invalid(format!(
            "{what}: shape and strides differ in length"
        )));
    }
    if l.shape.contains(&0) {
        return Ok(());
    }
    let (mut lo, mut hi) = (l.offset as i128, l.offset as i128);
    for (&d, &s) in l.shape.iter().zip(l.strides) {
        let reach = (d as i128 - 1) * s as i128;
        if reach < 0 {
            lo += reach;
        } else {
            hi += reach;
        }
    }
    if lo < 0 || hi >= len as i128 {
        return Err(Error::invalid(format!(
            "{what}: the view reaches elements {lo}..={hi} of a buffer of {len}"
        )));
    }
    Ok(())
}

/// Calls `f(i, j)` with the storage indices of each element of two layouts
/// of the same shape, in C order.
pub fn for_each2(
    shape: &[usize],
    a: (isize, &[isize]),
    b: (isize, &[isize]),
    mut f: impl FnMut(isize, isize),
) {
    let nd = shape.len();
    if shape.contains(&0) {
        return;
    }
    if nd == 0 {
        f(a.0, b.0);
        return;
    }
    let inner = shape[nd - 1];
    let (ia, ib) = (a.1[nd - 1], b.1[nd - 1]);
    let mut idx = vec![0usize; nd];
    let mut p = [a.0, b.0];
    loop {
        let [mut x, mut y] = p;
        for _ in 0..inner {
            f(x, y);
            x += ia;
            y += ib;
        }
        let stride = |k: usize, d: usize| if k == 0 { a.1[d] } else { b.1[d] };
        if !next_row(&mut idx, shape, &mut p, stride) {
            return;
        }
    }
}

/// Advances `idx`, an odometer over the outer dimensions `0..nd-1` of
/// `shape` (the last one is the caller's inner loop), moving each offset
/// `p[k]` by its stride `stride(k, d)`. False when every row was visited.
#[inline(always)]
pub(crate) fn next_row<const N: usize>(
    idx: &mut [usize],
    shape: &[usize],
    p: &mut [isize; N],
    stride: impl Fn(usize, usize) -> isize,
) -> bool {
    let mut d = shape.len() - 1;
    loop {
        if d == 0 {
            return false;
        }
        d -= 1;
        idx[d] += 1;
        for (k, pk) in p.iter_mut().enumerate() {
            *pk += stride(k, d);
        }
        if idx[d] < shape[d] {
            return true;
        }
        for (k, pk) in p.iter_mut().enumerate() {
            *pk -= stride(k, d) * shape[d] as isize;
        }
        idx[d] = 0;
    }
}

/// A conversion between element types with NumPy's `astype` semantics
/// where Rust's `as` agrees (wrapping integer narrowing, float truncation
/// toward zero). Out-of-range float -> integer saturates and NaN gives 0
/// (NumPy leaves those undefined and warns).
pub trait CastTo<D>: Copy {
    fn cast(self) -> D;
}

macro_rules! cast_to {
    ($s:ty; $($d:ty),*) => {$(
        impl CastTo<$d> for $s {
            #[inline(always)]
            fn cast(self) -> $d { self as $d }
        }
    )*};
}
macro_rules! cast_all {
    ($($s:ty),*) => {$( cast_to!($s; i8, u8, i16, u16, i32, u32, i64, u64, f32, f64); )*};
}
cast_all!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

/// Copies the elements of `src` (layout `sl`) into `dst` (layout `dl`),
/// converting each. With `to_bool`, writes 1 for every non-zero (or NaN)
/// source element and 0 otherwise (NumPy's cast to bool).
///
/// # Errors
/// If either layout leaves its buffer or the shapes differ.
pub fn copy_cast<S: Elem + CastTo<D>, D: Elem>(
    src: &[S],
    sl: &Layout,
    dst: &mut [D],
    dl: &Layout,
    to_bool: bool,
) -> Result<()>
where
    u8: CastTo<D>,
{
    if sl.shape != dl.shape {
        return Err(Error::invalid("copy: source and destination shapes differ"));
    }
    check_bounds(sl, src.len(), "copy source")?;
    check_bounds(dl, dst.len(), "copy destination")?;
    if sl.shape.contains(&0) {
        return Ok(());
    }
    if is_c_contiguous(sl) && is_c_contiguous(dl) {
        // one run of n elements on each side (the common `copy()`,
        // `astype()`, `ascontiguousarray()` of a whole array): a plain
        // loop the compiler vectorizes, split over the threads; each
        // element converts as in the strided walk below, so the bits are
        // the same
        let n: usize = sl.shape.iter().product();
        let (so, d0) = (sl.offset as usize, dl.offset as usize);
        let s = &src[so..so + n];
        let d = SendPtr(dst[d0..d0 + n].as_mut_ptr());
        for_ranges(n, 1, 64, move |a, b| {
            // SAFETY: d points at n elements of dst (the slice above);
            // the ranges [a, b) are disjoint
            let out = unsafe { std::slice::from_raw_parts_mut(d.get().add(a), b - a) };
            cast_run(&s[a..b], out, to_bool);
        });
        return Ok(());
    }
    let nd = sl.shape.len();
    if nd > 1 && sl.strides[nd - 1] == 1 && dl.strides[nd - 1] == 1 {
        // rows contiguous on both sides (a slice of columns, a sub-block):
        // the same per-element conversion, a row at a time
        let inner = sl.shape[nd - 1];
        let mut idx: Dims<usize> = Dims::new();
        for _ in 0..nd {
            idx.push(0);
        }
        let mut p = [sl.offset, dl.offset];
        loop {
            let (x, y) = (p[0] as usize, p[1] as usize);
            cast_run(&src[x..x + inner], &mut dst[y..y + inner], to_bool);
            let stride = |k: usize, d: usize| if k == 0 { sl.strides[d] } else { dl.strides[d] };
            if !next_row(&mut idx, sl.shape, &mut p, stride) {
                return Ok(());
            }
        }
    }
    cast_walk(src, sl, dst, dl, to_bool);
    Ok(())
}

/// [`copy_cast`]'s general case: the strided walk, element by element
/// (the layouts already checked).
fn cast_walk<S: Elem + CastTo<D>, D: Elem>(
    src: &[S],
    sl: &Layout,
    dst: &mut [D],
    dl: &Layout,
    to_bool: bool,
) where
    u8: CastTo<D>,
{
    let one: D = 1u8.cast();
    for_each2(
        sl.shape,
        (sl.offset, sl.strides),
        (dl.offset, dl.strides),
        |i, j| {
            // Indices were proven in bounds by check_bounds.
            let v = src[i as usize];
            dst[j as usize] = if to_bool {
                if v != S::default() {
                    one
                } else {
                    D::default()
                }
            } else {
                v.cast()
            };
        },
    );
}

/// Whether `l` walks its elements in C order one after another (stride 1
/// on the last axis, each other stride the product of the dimensions after
/// it; axes of length 1 may have any stride).
fn is_c_contiguous(l: &Layout) -> bool {
    let mut want = 1isize;
    for (&d, &s) in l.shape.iter().zip(l.strides).rev() {
        if d != 1 && s != want {
            return false;
        }
        want = want.saturating_mul(d as isize);
    }
    true
}

/// `out[i] = src[i]` converted (as in [`copy_cast`]), over one run.
#[inline(always)]
fn cast_run<S: Elem + CastTo<D>, D: Elem>(src: &[S], out: &mut [D], to_bool: bool)
where
    u8: CastTo<D>,
{
    if to_bool {
        let one: D = 1u8.cast();
        for (o, &v) in out.iter_mut().zip(src) {
            *o = if v != S::default() { one } else { D::default() };
        }
    } else {
        for (o, &v) in out.iter_mut().zip(src) {
            *o = v.cast();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_a_reversed_transposed_view_with_a_cast() {
        // storage 0..12 as a 3x4 C array; take the transpose reversed on axis 0
        let src: Vec<i32> = (0..12).collect();
        let shape = [4usize, 3];
        let sl = Layout {
            offset: 3,
            shape: &shape,
            strides: &[-1, 4],
        };
        let mut dst = vec![0f64; 12];
        let dl = Layout {
            offset: 0,
            shape: &shape,
            strides: &[3, 1],
        };
        copy_cast(&src, &sl, &mut dst, &dl, false).unwrap();
        assert_eq!(dst, vec![3., 7., 11., 2., 6., 10., 1., 5., 9., 0., 4., 8.]);
    }

    #[test]
    fn broadcast_zero_strides_and_bool_casts() {
        let src = [1.5f32, 0.0, f32::NAN];
        let shape = [2usize, 3];
        let sl = Layout {
            offset: 0,
            shape: &shape,
            strides: &[0, 1],
        };
        let mut dst = vec![9u8; 6];
        let dl = Layout {
            offset: 0,
            shape: &shape,
            strides: &[3, 1],
        };
        copy_cast(&src, &sl, &mut dst, &dl, true).unwrap();
        assert_eq!(dst, vec![1, 0, 1, 1, 0, 1]);
        let mut ints = vec![0i8; 3];
        let l1 = Layout {
            offset: 0,
            shape: &[3],
            strides: &[1],
        };
        copy_cast(&[300i32, -129, 7], &l1, &mut ints, &l1, false).unwrap();
        assert_eq!(ints, vec![44, 127, 7]); // wraps like NumPy's astype
    }

    #[test]
    fn contiguous_and_row_runs_match_the_strided_walk() {
        // values with NaN, infinities, zeros and out-of-range magnitudes
        let src: Vec<f64> = (0..300_007)
            .map(|i| match i % 11 {
                0 => f64::NAN,
                1 => 0.0,
                2 => -1e30,
                3 => f64::INFINITY,
                _ => (i as f64 * 0.37).sin() * 1000.0,
            })
            .collect();
        // (src layout, dst layout): whole runs at an offset (parallel at
        // this size), size-1 axes with any stride, rows of a sub-block,
        // and a general strided view that takes the walk
        type Case = (Vec<usize>, isize, Vec<isize>, isize, Vec<isize>);
        let cases: Vec<Case> = vec![
            (vec![300_000], 7, vec![1], 3, vec![1]),
            (vec![1, 600, 500], 5, vec![99, 500, 1], 0, vec![7, 500, 1]),
            (vec![500, 300], 2, vec![600, 1], 1, vec![300, 1]),
            (vec![400, 300], 0, vec![1, 400], 0, vec![300, 1]),
        ];
        for (shape, so, ss, d0, ds) in &cases {
            let sl = Layout {
                offset: *so,
                shape,
                strides: ss,
            };
            let dl = Layout {
                offset: *d0,
                shape,
                strides: ds,
            };
            let len = 300_007;
            for to_bool in [false, true] {
                let (mut got, mut want) = (vec![0u8; len], vec![0u8; len]);
                copy_cast(&src, &sl, &mut got, &dl, to_bool).unwrap();
                cast_walk(&src, &sl, &mut want, &dl, to_bool);
                assert_eq!(got, want, "{shape:?} to u8, to_bool {to_bool}");
            }
            let (mut got, mut want) = (vec![0i32; len], vec![0i32; len]);
            copy_cast(&src, &sl, &mut got, &dl, false).unwrap();
            cast_walk(&src, &sl, &mut want, &dl, false);
            assert_eq!(got, want, "{shape:?} to i32");
            let (mut got, mut want) = (vec![0f32; len], vec![0f32; len]);
            copy_cast(&src, &sl, &mut got, &dl, false).unwrap();
            cast_walk(&src, &sl, &mut want, &dl, false);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{shape:?} to f32");
        }
    }

    #[test]
    fn out_of_bounds_layouts_are_errors() {
        let src = [0u16; 6];
        let mut dst = [0u16; 6];
        let ok = Layout {
            offset: 0,
            shape: &[2, 3],
            strides: &[3, 1],
        };
        let bad = Layout {
            offset: 1,
            shape: &[2, 3],
            strides: &[3, 1],
        };
        assert!(copy_cast(&src, &bad, &mut dst, &ok, false).is_err());
        let neg = Layout {
            offset: 0,
            shape: &[2],
            strides: &[-1],
        };
        let l2 = Layout {
            offset: 0,
            shape: &[2],
            strides: &[1],
        };
        assert!(copy_cast(&src, &neg, &mut dst, &l2, false).is_err());
        let empty = Layout {
            offset: 99,
            shape: &[0, 3],
            strides: &[3, 1],
        };
        assert!(copy_cast(&src, &empty, &mut dst, &empty, false).is_ok());
    }
}
