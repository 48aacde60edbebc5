//! Elementwise kernels: binary ops (array-array, array-scalar), unary ops,
//! clip, fill and copy.
//!
//! The output may alias an input exactly (NumPy's `out=a`), which Rust
//! slices cannot express, so [`binary`] and friends take raw pointers, pick
//! an in-place variant for exact aliasing, and copy an input that partially
//! overlaps the output (as NumPy does) before running.

use crate::dtype::{Elem, Float};
use crate::multiversion;
use crate::parallel::{for_ranges, SendPtr};
use std::slice;

/// A binary operation on elements of type `T` producing `R`.
pub trait BinOp<T, R>: Copy + Send + Sync + 'static {
    fn apply(a: T, b: T) -> R;
}

/// A unit struct `$name` whose `BinOp<T, $r>` (for every `T: $bound`) is
/// `$e` of the two elements.
macro_rules! binop {
    ($(#[$m:meta])* $name:ident, $bound:path, $r:ty, |$a:ident, $b:ident| $e:expr) => {
        $(#[$m])*
        #[derive(Clone, Copy)]
        pub struct $name;
        impl<T: $bound> BinOp<T, $r> for $name {
            #[inline(always)]
            fn apply($a: T, $b: T) -> $r {
                $e
            }
        }
    };
}
pub(crate) use binop;

binop!(Add, Elem, T, |a, b| a.add(b));
binop!(Sub, Elem, T, |a, b| a.sub(b));
binop!(Mul, Elem, T, |a, b| a.mul(b));
binop!(
    /// True division of floats.
    Div, Float, T, |a, b| a / b
);
binop!(
    /// True division of integers into float64 (NumPy's `divide` on ints).
    DivToF64, Elem, f64, |a, b| a.to_f64() / b.to_f64()
);

/// The operand order of an array-scalar operation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    /// `out[i] = a[i] op s`
    ArrayScalar,
    /// `out[i] = s op a[i]`
    ScalarArray,
}

// ---- loop bodies (compiled per ISA) ---------------------------------------

#[inline(always)]
fn vv<T: Elem, R: Copy, O: BinOp<T, R>>(a: &[T], b: &[T], out: &mut [R]) {
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = O::apply(x, y);
    }
}
#[inline(always)]
fn vv_inplace_left<T: Elem, O: BinOp<T, T>>(x: &mut [T], b: &[T]) {
    for (o, &y) in x.iter_mut().zip(b) {
        *o = O::apply(*o, y);
    }
}
#[inline(always)]
fn vv_inplace_right<T: Elem, O: BinOp<T, T>>(a: &[T], x: &mut [T]) {
    for (o, &y) in x.iter_mut().zip(a) {
        *o = O::apply(y, *o);
    }
}
#[inline(always)]
fn vv_inplace_both<T: Elem, O: BinOp<T, T>>(x: &mut [T]) {
    for o in x.iter_mut() {
        *o = O::apply(*o, *o);
    }
}
#[inline(always)]
fn vs<T: Elem, R: Copy, O: BinOp<T, R>>(a: &[T], s: T, out: &mut [R]) {
    for (o, &x) in out.iter_mut().zip(a) {
        *o = O::apply(x, s);
    }
}
#[inline(always)]
fn sv<T: Elem, R: Copy, O: BinOp<T, R>>(a: &[T], s: T, out: &mut [R]) {
    for (o, &x) in out.iter_mut().zip(a) {
        *o = O::apply(s, x);
    }
}
#[inline(always)]
fn vs_inplace<T: Elem, O: BinOp<T, T>>(x: &mut [T], s: T) {
    for o in x.iter_mut() {
        *o = O::apply(*o, s);
    }
}
#[inline(always)]
fn sv_inplace<T: Elem, O: BinOp<T, T>>(x: &mut [T], s: T) {
    for o in x.iter_mut() {
        *o = O::apply(s, *o);
    }
}

multiversion!(fn vv_d<T: Elem, R: Copy, O: BinOp<T, R>>(a: &[T], b: &[T], out: &mut [R]) => vv);
multiversion!(fn vv_l_d<T: Elem, O: BinOp<T, T>>(x: &mut [T], b: &[T]) => vv_inplace_left);
multiversion!(fn vv_r_d<T: Elem, O: BinOp<T, T>>(a: &[T], x: &mut [T]) => vv_inplace_right);
multiversion!(fn vv_b_d<T: Elem, O: BinOp<T, T>>(x: &mut [T]) => vv_inplace_both);
multiversion!(fn vs_d<T: Elem, R: Copy, O: BinOp<T, R>>(a: &[T], s: T, out: &mut [R]) => vs);
multiversion!(fn sv_d<T: Elem, R: Copy, O: BinOp<T, R>>(a: &[T], s: T, out: &mut [R]) => sv);
multiversion!(fn vs_i_d<T: Elem, O: BinOp<T, T>>(x: &mut [T], s: T) => vs_inplace);
multiversion!(fn sv_i_d<T: Elem, O: BinOp<T, T>>(x: &mut [T], s: T) => sv_inplace);

// ---- overlap handling -----------------------------------------------------

fn byte_range<T>(p: *const T, n: usize) -> (usize, usize) {
    let start = p as usize;
    (start, start + n * std::mem::size_of::<T>())
}

/// True when the two ranges share a byte but do not start at the same place
/// with the same element size (exact aliasing is handled in place).
fn partial_overlap<A, B>(a: *const A, b: *const B, n: usize) -> bool {
    let (a0, a1) = byte_range(a, n);
    let (b0, b1) = byte_range(b, n);
    let exact = a0 == b0 && std::mem::size_of::<A>() == std::mem::size_of::<B>();
    a0 < b1 && b0 < a1 && !exact
}

/// If `input` partially overlaps `out`, copies it into `hold` and returns
/// the copy's pointer; otherwise returns `input`.
///
/// # Safety
/// `input` must be valid for `n` reads.
unsafe fn detach_overlap<T: Copy, R>(
    input: *const T,
    out: *const R,
    n: usize,
    hold: &mut Vec<T>,
) -> *const T {
    if partial_overlap(input, out, n) {
        *hold = slice::from_raw_parts(input, n).to_vec();
        hold.as_ptr()
    } else {
        input
    }
}

/// Runs `f(a, out)` over the thread ranges of `n` elements (`work` per
/// element for the split), `a` pointing at the range's inputs and `out`
/// the range's outputs. An `a` that partly overlaps `out` is copied first;
/// an exact alias is kept, so `f` finds `a == out` and can run in place.
///
/// # Safety
/// `a` valid for `n` reads, `out` for `n` writes.
unsafe fn over_ranges<T: Elem, R: Elem>(
    a: *const T,
    out: *mut R,
    n: usize,
    work: usize,
    f: impl Fn(*const T, &mut [R]) + Sync,
) {
    if n == 0 {
        return;
    }
    let mut ha = Vec::new();
    let a = detach_overlap(a, out, n, &mut ha);
    let (pa, po) = (SendPtr(a as *mut T), SendPtr(out));
    for_ranges(n, work, 64, move |s, e| {
        f(
            pa.get().add(s),
            slice::from_raw_parts_mut(po.get().add(s), e - s),
        )
    });
}

/// Whether `a` is the first element of `out` (a range run in place).
#[inline(always)]
fn in_place<T, R>(a: *const T, out: &[R]) -> bool {
    std::ptr::eq(a as *const u8, out.as_ptr() as *const u8)
}

// ---- public entry points --------------------------------------------------

/// `out[i] = O(a[i], b[i])` for `i < n`.
///
/// # Safety
/// `a` and `b` must be valid for `n` reads and `out` for `n` writes. `out`
/// may alias `a` and/or `b` (exactly or partially).
pub unsafe fn binary<T: Elem, R: Elem, O: BinOp<T, R>>(
    a: *const T,
    b: *const T,
    out: *mut R,
    n: usize,
) {
    if n == 0 {
        return;
    }
    let (mut ha, mut hb) = (Vec::new(), Vec::new());
    let a = detach_overlap(a, out, n, &mut ha);
    let b = detach_overlap(b, out, n, &mut hb);
    let (pa, pb, po) = (SendPtr(a as *mut T), SendPtr(b as *mut T), SendPtr(out));
    let same_type = std::mem::size_of::<T>() == std::mem::size_of::<R>() && T::DTYPE == R::DTYPE;
    for_ranges(n, 1, 64, move |s, e| {
        let len = e - s;
        let o = slice::from_raw_parts_mut(po.get().add(s), len);
        let a_is_out = same_type && std::ptr::eq(pa.get() as *const u8, po.get() as *const u8);
        let b_is_out = same_type && std::ptr::eq(pb.get() as *const u8, po.get() as *const u8);
        if a_is_out || b_is_out {
            // Same element type, so the casts below are identities.
            let x = &mut *(o as *mut [R] as *mut [T]);
            let f = |p: SendPtr<T>| slice::from_raw_parts(p.get().add(s) as *const T, len);
            match (a_is_out, b_is_out) {
                (true, true) => vv_b_d::<T, Same<O, R>>(x),
                (true, false) => vv_l_d::<T, Same<O, R>>(x, f(pb)),
                _ => vv_r_d::<T, Same<O, R>>(f(pa), x),
            }
        } else {
            let sa = slice::from_raw_parts(pa.get().add(s) as *const T, len);
            let sb = slice::from_raw_parts(pb.get().add(s) as *const T, len);
            vv_d::<T, R, O>(sa, sb, o);
        }
    });
}

/// Adapts a `BinOp<T, R>` known (at run time) to have `R == T` into a
/// `BinOp<T, T>`. Only called where `T::DTYPE == R::DTYPE`.
struct Same<O, R>(std::marker::PhantomData<fn() -> (O, R)>);
impl<O, R> Clone for Same<O, R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O, R> Copy for Same<O, R> {}
impl<T: Elem, R: Elem + 'static, O: BinOp<T, R>> BinOp<T, T> for Same<O, R> {
    #[inline(always)]
    fn apply(a: T, b: T) -> T {
        let r = O::apply(a, b);
        // SAFETY: used only when T and R are the same type (checked by dtype).
        unsafe { std::mem::transmute_copy::<R, T>(&r) }
    }
}

/// `out[i] = a[i] op s` or `s op a[i]`.
///
/// # Safety
/// As [`binary`].
pub unsafe fn binary_scalar<T: Elem, R: Elem, O: BinOp<T, R>>(
    a: *const T,
    s: T,
    out: *mut R,
    n: usize,
    side: Side,
) {
    let same_type = T::DTYPE == R::DTYPE;
    over_ranges(a, out, n, 1, move |a, o| {
        if same_type && in_place(a, o) {
            let x = &mut *(o as *mut [R] as *mut [T]);
            match side {
                Side::ArrayScalar => vs_i_d::<T, Same<O, R>>(x, s),
                Side::ScalarArray => sv_i_d::<T, Same<O, R>>(x, s),
            }
        } else {
            let sa = slice::from_raw_parts(a, o.len());
            match side {
                Side::ArrayScalar => vs_d::<T, R, O>(sa, s, o),
                Side::ScalarArray => sv_d::<T, R, O>(sa, s, o),
            }
        }
    });
}

#[inline(always)]
fn div_scalar_f64_body<T: Elem>(a: &[T], s: f64, out: &mut [f64], reversed: bool) {
    if reversed {
        for (o, &x) in out.iter_mut().zip(a) {
            *o = s / x.to_f64();
        }
    } else {
        for (o, &x) in out.iter_mut().zip(a) {
            *o = x.to_f64() / s;
        }
    }
}
multiversion!(fn div_scalar_f64_d<T: Elem>(a: &[T], s: f64, out: &mut [f64], reversed: bool) => div_scalar_f64_body);

/// Integer array divided by (or dividing) a float64 scalar, into float64:
/// NumPy's `int_array / 2.5`.
///
/// # Safety
/// `a` valid for `n` reads, `out` for `n` writes; they may overlap.
pub unsafe fn div_scalar_to_f64<T: Elem>(a: *const T, s: f64, out: *mut f64, n: usize, side: Side) {
    over_ranges(a, out, n, 1, move |a, o| {
        div_scalar_f64_d(
            slice::from_raw_parts(a, o.len()),
            s,
            o,
            side == Side::ScalarArray,
        );
    });
}

/// A unary operation.
pub trait UnOp<T>: Copy + Send + Sync + 'static {
    /// Cost per element relative to an add, for the thread split
    /// ([`crate::parallel::for_ranges`]).
    const WORK: usize = 1;
    /// Whether the loops run [`UnOp::body`], which is exact only where
    /// [`UnOp::covered`] holds: they then check each block of inputs
    /// (vectorized) and recompute the others with `apply`.
    const PATCHED: bool = false;
    /// The result for any input (what every caller but the patched loops
    /// uses).
    fn apply(a: T) -> T;
    /// The loops' branch-free body, exact where `covered`.
    #[inline(always)]
    fn body(a: T) -> T {
        Self::apply(a)
    }
    #[inline(always)]
    fn covered(_a: T) -> bool {
        true
    }
    /// [`UnOp::body`] over a whole block by a hand-vectorized kernel, with
    /// whether every input was `covered`; `None` (the default) leaves the
    /// block to the loops.
    #[inline(always)]
    fn block(_a: &[T], _out: &mut [T]) -> Option<bool> {
        None
    }
}

/// The vectorized transcendentals (`crate::kernels::vmath`) cost ~1 ns per
/// float64 element: two threads pay off from ~6,000 elements (measured).
/// float32 is given per op (`patched_unop!`): `exp` and `expm1` run ~0.24
/// ns per element, half of float64 (on two threads 8000 elements took
/// 1.94-2.03 us against 1.77-1.82 on one, so their float32 cost is 3);
/// `log`, `tanh`, `sin`, `cos` ~0.36-0.4 ns (two threads already won at
/// 8000: 2.45-2.52 us against 2.74-2.97), so they keep 6.
pub const VMATH_WORK: usize = 6;
/// libm called per element (sin, cos, tan, ...): ~5-20 ns.
pub const LIBM_WORK: usize = 16;

macro_rules! unop {
    ($name:ident, $bound:path, $work:expr, |$x:ident| $e:expr) => {
        #[derive(Clone, Copy)]
        pub struct $name;
        impl<T: $bound> UnOp<T> for $name {
            const WORK: usize = $work;
            #[inline(always)]
            fn apply($x: T) -> T {
                $e
            }
        }
    };
}
unop!(Abs, Elem, 1, |x| x.abs());
unop!(Neg, Elem, 1, |x| x.neg());
unop!(Sqrt, Float, 4, |x| x.sqrt());
/// A transcendental the loops run patched (`UnOp::PATCHED`): `$body` over
/// blocks whose inputs all satisfy `$ok`, `$full` for the others (or, with
/// `else $libm`, `$body` where `$ok` holds and `$libm` elsewhere); `$work32`
/// is its float32 cost for the thread split (float64: [`VMATH_WORK`]).
#[macro_export]
macro_rules! patched_unop {
    ($(#[$doc:meta])* $name:ident, $body:ident else $libm:ident, $ok:ident, $work32:expr) => {
        $crate::patched_unop!($(#[$doc])* $name, |x| if x.$ok() { x.$body() } else { x.$libm() },
            $body, $ok, $work32);
    };
    ($(#[$doc:meta])* $name:ident, $full:ident, $body:ident, $ok:ident, $work32:expr
     $(, block = $block:ident)?) => {
        $crate::patched_unop!($(#[$doc])* $name, |x| x.$full(), $body, $ok, $work32
            $(, block = $block)?);
    };
    ($(#[$doc:meta])* $name:ident, |$x:ident| $full:expr, $body:ident, $ok:ident, $work32:expr
     $(, block = $block:ident)?) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $name;
        impl<T: $crate::dtype::Float> $crate::kernels::elementwise::UnOp<T> for $name {
            const WORK: usize = if std::mem::size_of::<T>() == 4 {
                $work32
            } else {
                $crate::kernels::elementwise::VMATH_WORK
            };
            const PATCHED: bool = true;
            #[inline(always)]
            fn apply($x: T) -> T {
                $full
            }
            #[inline(always)]
            fn body(x: T) -> T {
                x.$body()
            }
            #[inline(always)]
            fn covered(x: T) -> bool {
                x.$ok()
            }
            $(
                #[inline(always)]
                fn block(a: &[T], out: &mut [T]) -> Option<bool> {
                    T::$block(a, out)
                }
            )?
        }
    };
}
patched_unop!(
    /// `exp`: the body without clamp, scaling by the exponent field, over
    /// blocks of moderate inputs (|x| <= 707, float32 86); overflow,
    /// underflow, subnormal results and NaN by the full function: 27% less
    /// time per element (measured, float64, AVX-512).
    Exp, vexp, vexp_body, vexp_ok, 3, block = vexp_block
);
patched_unop!(
    /// `log`: the body without special-value selects; zeros, negatives,
    /// subnormals, infinities and NaN by the full function.
    Log, vln, vln_normal, vln_ok, VMATH_WORK
);
patched_unop!(
    /// `sin`: raptors' kernel for |x| <= 2^20 (float32 and float64), libm
    /// (in float64) beyond and for infinities and NaN.
    Sin, vsin else sin, vtrig_ok, VMATH_WORK
);
patched_unop!(
    /// `cos`: as `sin`.
    Cos, vcos else cos, vtrig_ok, VMATH_WORK
);
patched_unop!(
    /// `tanh`: the body without clamp or selects over blocks of moderate
    /// inputs; tiny, large, infinite and NaN inputs by the full function.
    Tanh, vtanh, vtanh_body, vtanh_ok, VMATH_WORK
);

/// Elements per block of the patched ops' coverage check.
const PATCH_BLOCK: usize = 256;

#[inline(always)]
fn un<T: Elem, O: UnOp<T>>(a: &[T], out: &mut [T]) {
    if O::PATCHED {
        for (ac, oc) in a.chunks(PATCH_BLOCK).zip(out.chunks_mut(PATCH_BLOCK)) {
            un_block::<T, O>(ac, oc);
        }
        return;
    }
    for (o, &x) in out.iter_mut().zip(a) {
        *o = O::apply(x);
    }
}
#[inline(always)]
fn un_block<T: Elem, O: UnOp<T>>(a: &[T], out: &mut [T]) {
    let all = O::block(a, out).unwrap_or_else(|| {
        let mut all = true;
        for (o, &x) in out.iter_mut().zip(a) {
            *o = O::body(x);
            all &= O::covered(x);
        }
        all
    });
    if !all {
        for (o, &x) in out.iter_mut().zip(a) {
            if !O::covered(x) {
                *o = O::apply(x);
            }
        }
    }
}
#[inline(always)]
fn un_inplace<T: Elem, O: UnOp<T>>(x: &mut [T]) {
    if O::PATCHED {
        // the inputs of a block are kept until its results are checked
        let mut keep = [T::default(); PATCH_BLOCK];
        for c in x.chunks_mut(PATCH_BLOCK) {
            let k = &mut keep[..c.len()];
            k.copy_from_slice(c);
            un_block::<T, O>(k, c);
        }
        return;
    }
    for o in x.iter_mut() {
        *o = O::apply(*o);
    }
}
multiversion!(fn un_d<T: Elem, O: UnOp<T>>(a: &[T], out: &mut [T]) => un);
multiversion!(fn un_i_d<T: Elem, O: UnOp<T>>(x: &mut [T]) => un_inplace);

/// `out[i] = O(a[i])`; `out` may alias `a`.
///
/// # Safety
/// `a` valid for `n` reads, `out` for `n` writes.
pub unsafe fn unary<T: Elem, O: UnOp<T>>(a: *const T, out: *mut T, n: usize, work_per_elem: usize) {
    over_ranges(a, out, n, work_per_elem, move |a, o| {
        if in_place(a, o) {
            un_i_d::<T, O>(o);
        } else {
            un_d::<T, O>(slice::from_raw_parts(a, o.len()), o);
        }
    });
}

/// NumPy's `clip`: `minimum(maximum(a, lo), hi)`, so `hi` wins when
/// `lo > hi`, and NaN in `a` propagates. (NaN bounds are handled by the
/// caller, which fills NaN as NumPy's result is then all NaN.)
#[inline(always)]
fn clip_body<T: Elem>(a: &[T], lo: T, hi: T, out: &mut [T]) {
    for (o, &x) in out.iter_mut().zip(a) {
        let y = if x < lo { lo } else { x };
        *o = if y > hi { hi } else { y };
    }
}
#[inline(always)]
fn clip_inplace_body<T: Elem>(x: &mut [T], lo: T, hi: T) {
    for o in x.iter_mut() {
        let y = if *o < lo { lo } else { *o };
        *o = if y > hi { hi } else { y };
    }
}
multiversion!(fn clip_d<T: Elem>(a: &[T], lo: T, hi: T, out: &mut [T]) => clip_body);
multiversion!(fn clip_i_d<T: Elem>(x: &mut [T], lo: T, hi: T) => clip_inplace_body);

/// # Safety
/// As [`unary`].
pub unsafe fn clip<T: Elem>(a: *const T, lo: T, hi: T, out: *mut T, n: usize) {
    over_ranges(a, out, n, 1, move |a, o| {
        if in_place(a, o) {
            clip_i_d(o, lo, hi);
        } else {
            clip_d(slice::from_raw_parts(a, o.len()), lo, hi, o);
        }
    });
}

/// Sets every element to `v`.
pub fn fill<T: Elem>(a: &mut [T], v: T) {
    let p = SendPtr(a.as_mut_ptr());
    for_ranges(a.len(), 1, 64, move |s, e| {
        // SAFETY: each range is disjoint and inside `a`.
        unsafe { slice::from_raw_parts_mut(p.get().add(s), e - s) }.fill(v);
    });
}

/// Copies `n` elements from `src` to `dst` (memmove semantics when they
/// overlap).
///
/// # Safety
/// `src` valid for `n` reads, `dst` for `n` writes.
pub unsafe fn copy<T: Elem>(src: *const T, dst: *mut T, n: usize) {
    if n == 0 || std::ptr::eq(src, dst) {
        return;
    }
    if partial_overlap(src, dst, n) {
        std::ptr::copy(src, dst, n);
        return;
    }
    let (ps, pd) = (SendPtr(src as *mut T), SendPtr(dst));
    for_ranges(n, 1, 64, move |s, e| {
        std::ptr::copy_nonoverlapping(ps.get().add(s), pd.get().add(s), e - s);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::testutil::*;

    #[test]
    fn binary_ops_at_every_length_and_offset() {
        let a = rand_f64(80, 1);
        let b = rand_f64(80, 2);
        for n in 0..70 {
            for off in 0..3 {
                let (sa, sb) = (&a[off..off + n], &b[off..off + n]);
                let mut out = vec![0.0; n + off];
                unsafe {
                    binary::<f64, f64, Add>(sa.as_ptr(), sb.as_ptr(), out[off..].as_mut_ptr(), n)
                };
                for i in 0..n {
                    assert_eq!(out[off + i], sa[i] + sb[i]);
                }
                unsafe {
                    binary::<f64, f64, Div>(sa.as_ptr(), sb.as_ptr(), out[off..].as_mut_ptr(), n)
                };
                for i in 0..n {
                    assert_eq!(out[off + i], sa[i] / sb[i]);
                }
            }
        }
    }

    #[test]
    fn binary_handles_exact_and_partial_aliasing() {
        let orig: Vec<i32> = (0..100).collect();
        // out == a
        let mut x = orig.clone();
        let b: Vec<i32> = vec![10; 100];
        unsafe { binary::<i32, i32, Sub>(x.as_ptr(), b.as_ptr(), x.as_mut_ptr(), 100) };
        assert!(x.iter().zip(&orig).all(|(&r, &o)| r == o - 10));
        // out == b
        let mut y = orig.clone();
        unsafe { binary::<i32, i32, Sub>(b.as_ptr(), y.as_ptr(), y.as_mut_ptr(), 100) };
        assert!(y.iter().zip(&orig).all(|(&r, &o)| r == 10 - o));
        // out == a == b
        let mut z = orig.clone();
        unsafe { binary::<i32, i32, Mul>(z.as_ptr(), z.as_ptr(), z.as_mut_ptr(), 100) };
        assert!(z.iter().zip(&orig).all(|(&r, &o)| r == o * o));
        // out = a shifted by one element: NumPy semantics (as if a were copied first)
        let mut w = orig.clone();
        let p = w.as_mut_ptr();
        unsafe { binary::<i32, i32, Add>(p, b.as_ptr(), p.add(1), 99) };
        assert_eq!(w[0], 0);
        for i in 1..100 {
            assert_eq!(w[i], orig[i - 1] + 10, "i={i}");
        }
    }

    #[test]
    fn elementwise_kernels_give_identical_bits_at_every_simd_level() {
        let a = rand_f64(80, 3);
        let b = rand_f64(80, 4);
        let ia: Vec<i32> = rand_u64(80, 5).into_iter().map(|u| u as i32).collect();
        let run = || {
            let mut out: Vec<u64> = Vec::new();
            for n in 0..70 {
                let (x, y) = (&a[1..1 + n], &b[1..1 + n]);
                let mut o = vec![0.0f64; n];
                let mut oi = vec![0i32; n];
                unsafe {
                    binary::<f64, f64, Mul>(x.as_ptr(), y.as_ptr(), o.as_mut_ptr(), n);
                    out.extend(o.iter().map(|v| v.to_bits()));
                    binary::<f64, f64, Div>(x.as_ptr(), y.as_ptr(), o.as_mut_ptr(), n);
                    out.extend(o.iter().map(|v| v.to_bits()));
                    binary_scalar::<f64, f64, Sub>(
                        x.as_ptr(),
                        0.25,
                        o.as_mut_ptr(),
                        n,
                        Side::ScalarArray,
                    );
                    out.extend(o.iter().map(|v| v.to_bits()));
                    unary::<f64, Sqrt>(x.as_ptr(), o.as_mut_ptr(), n, 1);
                    out.extend(o.iter().map(|v| v.to_bits()));
                    clip(x.as_ptr(), -0.1, 0.2, o.as_mut_ptr(), n);
                    out.extend(o.iter().map(|v| v.to_bits()));
                    binary::<i32, i32, Mul>(
                        ia[..n].as_ptr(),
                        ia[1..1 + n].as_ptr(),
                        oi.as_mut_ptr(),
                        n,
                    );
                    out.extend(oi.iter().map(|&v| v as u64));
                    div_scalar_to_f64::<i32>(
                        ia[..n].as_ptr(),
                        3.0,
                        o.as_mut_ptr(),
                        n,
                        Side::ArrayScalar,
                    );
                    out.extend(o.iter().map(|v| v.to_bits()));
                }
            }
            out
        };
        crate::simd::assert_same_at_every_level(run);
    }

    #[test]
    fn integer_arithmetic_wraps() {
        let a = [i8::MAX, i8::MIN, 100];
        let b = [1i8, -1, 100];
        let mut out = [0i8; 3];
        unsafe { binary::<i8, i8, Add>(a.as_ptr(), b.as_ptr(), out.as_mut_ptr(), 3) };
        assert_eq!(out, [i8::MIN, i8::MAX, -56]);
        let mut u = [0u8, 1];
        unsafe {
            binary_scalar::<u8, u8, Sub>(u.as_ptr(), 1, u.as_mut_ptr(), 2, Side::ArrayScalar)
        };
        assert_eq!(u, [255, 0]);
        let mut f = [0f64; 2];
        unsafe {
            binary::<i32, f64, DivToF64>([1, -1].as_ptr(), [0, 0].as_ptr(), f.as_mut_ptr(), 2)
        };
        assert_eq!(f, [f64::INFINITY, f64::NEG_INFINITY]);
    }

    #[test]
    fn scalar_ops_both_sides_and_in_place() {
        let a: Vec<f64> = (0..67).map(|i| i as f64).collect();
        let mut out = vec![0.0; 67];
        unsafe {
            binary_scalar::<f64, f64, Div>(a.as_ptr(), 2.0, out.as_mut_ptr(), 67, Side::ScalarArray)
        };
        assert!(out.iter().zip(&a).all(|(&r, &x)| r == 2.0 / x));
        let mut x = a.clone();
        unsafe {
            binary_scalar::<f64, f64, Sub>(x.as_ptr(), 1.0, x.as_mut_ptr(), 67, Side::ArrayScalar)
        };
        assert!(x.iter().zip(&a).all(|(&r, &o)| r == o - 1.0));
    }

    #[test]
    fn unary_clip_fill_copy() {
        let a: Vec<f32> = (0..69).map(|i| i as f32 - 30.0).collect();
        let mut out = vec![0f32; 69];
        unsafe { unary::<f32, Abs>(a.as_ptr(), out.as_mut_ptr(), 69, 1) };
        assert!(out.iter().zip(&a).all(|(&r, &x)| r == x.abs()));
        unsafe { clip(a.as_ptr(), -2.0, 3.0, out.as_mut_ptr(), 69) };
        assert!(out.iter().zip(&a).all(|(&r, &x)| r == x.clamp(-2.0, 3.0)));
        // lo > hi: NumPy returns hi everywhere
        unsafe { clip(a.as_ptr(), 5.0, 1.0, out.as_mut_ptr(), 69) };
        assert!(out.iter().all(|&r| r == 1.0));
        let mut i = vec![i16::MIN, -1, 5];
        unsafe { unary::<i16, Abs>(i.as_ptr(), i.as_mut_ptr(), 3, 1) };
        assert_eq!(i, [i16::MIN, 1, 5]);
        let mut f = [0u16; 70];
        fill(&mut f[1..], 7);
        assert_eq!(f[0], 0);
        assert!(f[1..].iter().all(|&v| v == 7));
        let mut g: Vec<u16> = (0..70).collect();
        let p = g.as_mut_ptr();
        unsafe { copy(p, p.add(1), 69) };
        assert_eq!(g[1..], (0..69).collect::<Vec<u16>>()[..]);
    }
}
