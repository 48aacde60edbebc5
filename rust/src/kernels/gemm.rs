//! Matrix multiplication: C = A B for strided A (m x k) and B (k x n) into a
//! C-contiguous C (m x n), the BLIS way: B is packed into panels of NR
//! columns, A into slivers of MR rows, both for a block of KC of the shared
//! dimension, and an MR x NR register-blocked micro-kernel (compiled per
//! instruction set, vectorized across the NR lanes) accumulates each block.
//! Row blocks of C run in parallel on the kernel pool.
//!
//! Floats accumulate with fused multiply-adds at every x86 instruction set
//! (hardware FMA with AVX2, correctly rounded software FMA otherwise), so
//! every level gives the same bits; results differ from BLAS in
//! the last bits (different summation order), as any two BLAS do. On
//! wasm32 they accumulate with a multiply and an add (SIMD128 has no FMA),
//! or with relaxed-SIMD fused multiply-adds where the engine has them and
//! the loader installed the side-module kernels (see `wasm_micro`): the
//! engine then picks fused or not per CPU, so the last bits of a wasm
//! matmul depend on the machine, as they do between BLAS builds.

use crate::dtype::Elem;
use crate::parallel::{self, SendPtr};

/// Block of the shared dimension.
const KC: usize = 256;

/// Columns of B packed at a time: a KC x NC block of float32 is 4 MiB
/// (8 for float64), in L3; each A sliver is packed once per block.
const NC: usize = 4096;

/// acc[MR][NR] += a_sliver[p][i] * b_panel[p][j] for p < kc. The
/// accumulators are a local array over fixed-size chunks, so LLVM keeps
/// them in vector registers (NR lanes wide) for the whole loop; MR x NR is
/// chosen per type so they fit the 16 AVX2 registers with room for the B
/// row and the broadcast A value (12 accumulators).
#[inline(always)]
fn micro_body<T: Elem, const MR: usize, const NR: usize>(
    kc: usize,
    a: &[T],
    b: &[T],
    acc_out: &mut [[T; NR]; MR],
) {
    let mut acc = [[T::default(); NR]; MR];
    for (ap, bp) in a.chunks_exact(MR).zip(b.chunks_exact(NR)).take(kc) {
        let ap: &[T; MR] = ap.try_into().expect("MR-sized chunk");
        let bp: &[T; NR] = bp.try_into().expect("NR-sized chunk");
        for i in 0..MR {
            let ai = ap[i];
            for j in 0..NR {
                acc[i][j] = acc[i][j].mul_add_to(ai, bp[j]);
            }
        }
    }
    *acc_out = acc;
}
/// Runs the micro-kernel compiled for AVX2+FMA where available, even on
/// AVX-512 machines: the AVX-512 compile of this loop measured ~20x slower
/// (5 vs 106 GFLOP/s, f32 1024^3, Zen 4 VM), an LLVM code-generation
/// problem not yet investigated. Baseline otherwise (same bits: floats use
/// a fused multiply-add at every level, in software without FMA).
fn micro<T: Elem, const MR: usize, const NR: usize>(
    kc: usize,
    a: &[T],
    b: &[T],
    acc: &mut [[T; NR]; MR],
) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2,fma")]
        unsafe fn v256<T: Elem, const MR: usize, const NR: usize>(
            kc: usize,
            a: &[T],
            b: &[T],
            acc: &mut [[T; NR]; MR],
        ) {
            micro_body::<T, MR, NR>(kc, a, b, acc)
        }
        if crate::simd::level() >= crate::simd::Level::Avx2 {
            // SAFETY: AVX2 and FMA were detected on this CPU.
            return unsafe { v256::<T, MR, NR>(kc, a, b, acc) };
        }
    }
    #[cfg(target_arch = "wasm32")]
    if a_lanes::<T, MR, NR>() > 1 {
        // bytes per kc step: A 4 vectors (pre-broadcast), B 2 vectors
        let size = std::mem::size_of::<T>();
        if a.len() * size >= kc * 64 && b.len() * size >= kc * 32 {
            use std::arch::wasm32::v128;
            let f = wasm_micro::kernel(size == 8);
            // SAFETY: the slivers hold kc steps (checked above); acc is
            // 4 x 2 vectors of T (MR = 4, NR = 2 vectors); `f` is one of
            // the kernels below or a side-module kernel with their contract.
            return unsafe {
                f(
                    kc,
                    a.as_ptr() as *const v128,
                    b.as_ptr() as *const v128,
                    acc as *mut _ as *mut v128,
                )
            };
        }
    }
    micro_body::<T, MR, NR>(kc, a, b, acc)
}

/// How many copies of each A element the packed sliver holds: the wasm32
/// kernels below read A pre-broadcast across a vector (one load instead of
/// a load and a shuffle); everything else reads one.
#[inline(always)]
#[cfg_attr(
    not(target_arch = "wasm32"),
    allow(clippy::extra_unused_type_parameters)
)]
fn a_lanes<T: Elem, const MR: usize, const NR: usize>() -> usize {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::dtype::DType;
        // 4 rows of 2 vectors: what the hand-written kernels compute
        if MR == 4
            && (T::DTYPE == DType::Float64 || T::DTYPE == DType::Float32)
            && NR * std::mem::size_of::<T>() == 32
        {
            return 16 / std::mem::size_of::<T>();
        }
    }
    1
}

/// Hand-written SIMD128 micro-kernels for wasm32: 8 vector accumulators, so
/// the engine's register allocator (16 XMM registers on x86-64 in V8 and
/// JSC) keeps them, the B row and the broadcast A value in registers. The
/// generic kernel's 24 accumulators (6x8 f64) are spilled by the engines.
///
/// A side module may replace them (`set_kernels`): the same kernels with
/// relaxed-SIMD fused multiply-adds (`rust/wasm_kernels/gemm_relaxed.c`),
/// which this toolchain cannot emit. The JS loader instantiates it on the
/// same memory where the engine validates relaxed SIMD, puts its two
/// functions in this module's table and passes their indices.
#[cfg(target_arch = "wasm32")]
pub(crate) mod wasm_micro {
    use std::arch::wasm32::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The signature of every kernel, built-in or from the side module.
    pub type Kernel = unsafe extern "C" fn(usize, *const v128, *const v128, *mut v128);

    /// Table indices of the side module's f64 and f32 kernels (0: none).
    static SIDE: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

    /// The kernel for f64 (`f64` true) or f32 lanes.
    #[inline]
    pub fn kernel(f64: bool) -> Kernel {
        let side = SIDE[f64 as usize].load(Ordering::Relaxed);
        if side != 0 {
            // SAFETY: in wasm32 a function pointer is an index into the
            // module's function table; `set_kernels` was given indices of
            // functions with this signature. A wrong one traps (call_indirect
            // checks the type), it cannot run arbitrary code.
            return unsafe { std::mem::transmute::<usize, Kernel>(side) };
        }
        if f64 {
            f64_4x4
        } else {
            f32_4x8
        }
    }

    /// Uses the table entries `f64` and `f32` as the kernels (0 and 0:
    /// back to the built-in ones).
    pub fn set_kernels(f64: u32, f32: u32) {
        SIDE[1].store(f64 as usize, Ordering::Relaxed);
        SIDE[0].store(f32 as usize, Ordering::Relaxed);
    }

    /// One 4 x (2 vectors) kernel per lane type: `acc` (4 rows of 2
    /// vectors, row-major) = sum over p < kc of a[p][i] * b[p][j].
    macro_rules! kernel {
        ($name:ident, $splat:ident, $add:ident, $mul:ident) => {
            /// # Safety
            /// `a` valid for `4 * kc` vector reads (each A element
            /// broadcast across a vector), `b` for `2 * kc`, `acc` for 8
            /// vector writes.
            #[inline(never)]
            pub unsafe extern "C" fn $name(
                kc: usize,
                a: *const v128,
                b: *const v128,
                acc: *mut v128,
            ) {
                let z = $splat(0.0);
                let (mut c00, mut c01, mut c10, mut c11) = (z, z, z, z);
                let (mut c20, mut c21, mut c30, mut c31) = (z, z, z, z);
                let (mut ap, mut bp) = (a, b);
                for _ in 0..kc {
                    let (b0, b1) = (v128_load(bp), v128_load(bp.add(1)));
                    let x = v128_load(ap);
                    c00 = $add(c00, $mul(x, b0));
                    c01 = $add(c01, $mul(x, b1));
                    let x = v128_load(ap.add(1));
                    c10 = $add(c10, $mul(x, b0));
                    c11 = $add(c11, $mul(x, b1));
                    let x = v128_load(ap.add(2));
                    c20 = $add(c20, $mul(x, b0));
                    c21 = $add(c21, $mul(x, b1));
                    let x = v128_load(ap.add(3));
                    c30 = $add(c30, $mul(x, b0));
                    c31 = $add(c31, $mul(x, b1));
                    ap = ap.add(4);
                    bp = bp.add(2);
                }
                for (i, v) in [c00, c01, c10, c11, c20, c21, c30, c31]
                    .into_iter()
                    .enumerate()
                {
                    v128_store(acc.add(i), v);
                }
            }
        };
    }
    kernel!(f64_4x4, f64x2_splat, f64x2_add, f64x2_mul);
    kernel!(f32_4x8, f32x4_splat, f32x4_add, f32x4_mul);
}

/// A strided matrix view.
#[derive(Clone, Copy)]
pub struct Mat<T> {
    pub ptr: *const T,
    pub rs: isize,
    pub cs: isize,
}
unsafe impl<T> Send for Mat<T> {}
unsafe impl<T> Sync for Mat<T> {}

impl<T: Copy> Mat<T> {
    /// Element (i, j). Closures must read through this method, which
    /// captures the whole (Send) struct rather than its raw pointer field.
    ///
    /// # Safety
    /// (i, j) must be inside the matrix.
    #[inline(always)]
    unsafe fn at(&self, i: usize, j: usize) -> T {
        *self.ptr.offset(i as isize * self.rs + j as isize * self.cs)
    }
}

/// C (m x n, row-major, `ldc` = n) = A (m x k) B (k x n).
///
/// # Safety
/// Every index reachable through `a` and `b` for these extents must be
/// valid (the caller bounds-checks the layouts); `c` valid for m*n writes.
pub unsafe fn gemm<T: Elem>(m: usize, n: usize, k: usize, a: Mat<T>, b: Mat<T>, c: *mut T) {
    // 12 accumulator registers of 8 f32 / 4 f64 lanes (AVX2).
    // wasm32: 4 x (2 vectors) tiles with the hand-written SIMD128 kernels
    // (see `wasm_micro`). Measured against the x86 tiling and generic 6x4,
    // 3x8 and 2x8 tiles (best of 12 interleaved rounds): f64 256 the same
    // in Deno (2.8 ms) and 2.46 -> 2.30 ms in Bun; f32 512 11.3 vs 11.5 ms
    // in Deno, 11.1 -> 9.0 ms in Bun.
    #[cfg(target_arch = "wasm32")]
    match std::mem::size_of::<T>() {
        8 => return gemm_tiled::<T, 4, 4>(m, n, k, a, b, c),
        4 => return gemm_tiled::<T, 4, 8>(m, n, k, a, b, c),
        _ => {}
    }
    match std::mem::size_of::<T>() {
        4 => gemm_tiled::<T, 6, 16>(m, n, k, a, b, c),
        8 => gemm_tiled::<T, 6, 8>(m, n, k, a, b, c),
        _ => gemm_tiled::<T, 4, 32>(m, n, k, a, b, c),
    }
}

unsafe fn gemm_tiled<T: Elem, const MR: usize, const NR: usize>(
    m: usize,
    n: usize,
    k: usize,
    a: Mat<T>,
    b: Mat<T>,
    c: *mut T,
) {
    let cptr = SendPtr(c);
    if m == 0 || n == 0 || k == 0 {
        // an empty sum over k is zero
        for i in 0..m * n {
            *c.add(i) = T::default();
        }
        return;
    }
    // C is not zeroed first: the first block of k stores, later ones add
    // Row blocks of C in parallel when the work is large enough.
    let work = m.saturating_mul(n).saturating_mul(k);
    let blocks = (m + MR - 1) / MR;
    let parts = if work >= 1 << 20 {
        parallel::num_threads().min(blocks).max(1)
    } else {
        1
    };
    let per = (blocks + parts - 1) / parts * MR;
    let cancel = crate::engine::CancelToken::current();
    parallel::run_parallel(parts, |t| {
        let r0 = t * per;
        let r1 = ((t + 1) * per).min(m);
        if r0 >= r1 {
            return;
        }
        // B is packed NC columns at a time: all of it at once took KC x n
        // elements per thread (100 MB for n = 100000 float32)
        let ncb = NC.min(n);
        let panels = (ncb + NR - 1) / NR;
        let mut bpack = vec![T::default(); KC * NR * panels];
        let lanes = a_lanes::<T, MR, NR>();
        let mut apack = vec![T::default(); KC * MR * lanes];
        for jc in (0..n).step_by(NC) {
            let nc = NC.min(n - jc);
            let panels = (nc + NR - 1) / NR;
            for p0 in (0..k).step_by(KC) {
                let kc = KC.min(k - p0);
                // pack the B block [p0..p0+kc, jc..jc+nc] once: panel-major,
                // each panel kc rows of NR (zero-padded)
                for jb in 0..panels {
                    let j0 = jc + jb * NR;
                    let nr = NR.min(n - j0);
                    let panel = &mut bpack[jb * KC * NR..jb * KC * NR + kc * NR];
                    for p in 0..kc {
                        let row = &mut panel[p * NR..p * NR + NR];
                        if b.cs == 1 && nr == NR {
                            // a whole contiguous row piece: one copy
                            row.copy_from_slice(std::slice::from_raw_parts(
                                b.ptr.offset((p0 + p) as isize * b.rs + j0 as isize),
                                NR,
                            ));
                            continue;
                        }
                        for (j, x) in row.iter_mut().enumerate() {
                            *x = if j < nr {
                                b.at(p0 + p, j0 + j)
                            } else {
                                T::default()
                            };
                        }
                    }
                }
                for i0 in (r0..r1).step_by(MR) {
                    // an engine job asked to stop: leave the rest unwritten
                    if cancel.is_set() {
                        return;
                    }
                    let mr = MR.min(r1 - i0);
                    // pack the A sliver [i0..i0+MR, p0..p0+kc] once per B
                    // block, in the order the kernel reads it (each element
                    // `lanes` times)
                    assert!(apack.len() >= kc * MR * lanes);
                    let mut dst = apack.as_mut_ptr();
                    for p in 0..kc {
                        for i in 0..MR {
                            let v = if i < mr {
                                a.at(i0 + i, p0 + p)
                            } else {
                                T::default()
                            };
                            for _ in 0..lanes {
                                // in bounds: kc * MR * lanes writes (asserted)
                                *dst = v;
                                dst = dst.add(1);
                            }
                        }
                    }
                    let cp = cptr.get();
                    for jb in 0..panels {
                        let j0 = jc + jb * NR;
                        let nr = NR.min(n - j0);
                        let mut acc = [[T::default(); NR]; MR];
                        micro::<T, MR, NR>(
                            kc,
                            &apack[..kc * MR * lanes],
                            &bpack[jb * KC * NR..jb * KC * NR + kc * NR],
                            &mut acc,
                        );
                        for (i, row) in acc.iter().enumerate().take(mr) {
                            let dst = cp.add((i0 + i) * n + j0);
                            if p0 == 0 {
                                for (j, &v) in row.iter().enumerate().take(nr) {
                                    *dst.add(j) = v;
                                }
                            } else {
                                for (j, &v) in row.iter().enumerate().take(nr) {
                                    *dst.add(j) = (*dst.add(j)).add(v);
                                }
                            }
                        }
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: usize, n: usize, k: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut s = 0.0;
                for p in 0..k {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        c
    }

    #[test]
    fn matches_the_naive_product_at_awkward_sizes_and_strides() {
        for &(m, n, k) in &[
            (1, 1, 1),
            (7, 5, 3),
            (8, 16, 256),
            (9, 17, 257),
            (33, 65, 300),
            (0, 3, 2),
            (130, 70, 520),
            // B in more than one block of NC columns, the last one partial
            (7, 2 * NC + 21, 300),
            (3, 4, 0),
        ] {
            let a: Vec<f64> = (0..m * k)
                .map(|i| ((i * 37 % 101) as f64) / 7.0 - 5.0)
                .collect();
            let b: Vec<f64> = (0..k * n)
                .map(|i| ((i * 53 % 97) as f64) / 5.0 - 9.0)
                .collect();
            let expect = naive(m, n, k, &a, &b);
            // C starts as NaN: every element must be stored, not added to
            let mut c = vec![f64::NAN; m * n];
            unsafe {
                gemm(
                    m,
                    n,
                    k,
                    Mat {
                        ptr: a.as_ptr(),
                        rs: k as isize,
                        cs: 1,
                    },
                    Mat {
                        ptr: b.as_ptr(),
                        rs: n as isize,
                        cs: 1,
                    },
                    c.as_mut_ptr(),
                )
            };
            for (x, y) in c.iter().zip(&expect) {
                assert!(
                    (x - y).abs() <= 1e-9 * y.abs().max(1.0),
                    "{m}x{n}x{k}: {x} vs {y}"
                );
            }
            // B given transposed (column-major strides)
            let bt: Vec<f64> = (0..n * k).map(|idx| b[(idx % k) * n + idx / k]).collect();
            let mut c2 = vec![f64::NAN; m * n];
            unsafe {
                gemm(
                    m,
                    n,
                    k,
                    Mat {
                        ptr: a.as_ptr(),
                        rs: k as isize,
                        cs: 1,
                    },
                    Mat {
                        ptr: bt.as_ptr(),
                        rs: 1,
                        cs: k as isize,
                    },
                    c2.as_mut_ptr(),
                )
            };
            assert_eq!(c, c2);
        }
        let ai: Vec<i32> = (0..12).collect();
        let mut ci = vec![0i32; 9];
        unsafe {
            gemm(
                3,
                3,
                4,
                Mat {
                    ptr: ai.as_ptr(),
                    rs: 4,
                    cs: 1,
                },
                Mat {
                    ptr: ai.as_ptr(),
                    rs: 1,
                    cs: 4,
                },
                ci.as_mut_ptr(),
            )
        };
        assert_eq!(ci[0], 1 + 4 + 9); // row 0 . column 0: 0*0 + 1*1 + 2*2 + 3*3
    }
}
