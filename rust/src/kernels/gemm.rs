//! Matrix multiplication: C = A B for strided A (m x k) and B (k x n) into a
//! C-contiguous C (m x n), the BLIS way: B is packed into panels of NR
//! columns, A into slivers of MR rows, both for a block of KC of the shared
//! dimension, and an MR x NR register-blocked micro-kernel accumulates each
//! block: hand-written kernels for float32/float64 (AVX-512 12 x 32 and
//! 12 x 16, AVX2 + FMA 6 x 16 and 6 x 8, see `kernel!`), which read A's
//! rows in place when they are contiguous, else the portable one compiled
//! per instruction set (other dtypes, CPUs without AVX2). B's blocks are
//! packed once and shared by the
//! threads, which split the row blocks of C, or its columns when B is much
//! wider than A is tall; packing buffers are 64-byte aligned and kept per
//! thread between calls.
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

/// Bytes of B packed at a time (KC rows by [`nc_cols`] columns): 1 MiB
/// stays in a 2 MiB L2 beside A's slivers and C. On a Xeon (AVX-512, 2 MiB
/// L2 per core) float64 1024^3 ran 138-140 GFLOP/s with 2 MiB blocks and
/// 167-172 with 1 MiB; float32 was 310-317 with 512 KiB and 330-350 with
/// 1 MiB. Column blocks do not change the results (each element's sum
/// over k is the same), unlike KC.
const NC_BYTES: usize = 1 << 20;

/// Columns of B packed at a time: 1024 float32, 512 float64.
fn nc_cols<T>() -> usize {
    NC_BYTES / (KC * std::mem::size_of::<T>().max(1))
}

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
/// Runs the portable micro-kernel compiled for AVX2+FMA where available
/// (float tiles go to the hand-written kernels instead, through
/// [`micro_into`]: the AVX-512 compile of this loop measured ~20x slower,
/// 5 vs 106 GFLOP/s, f32 1024^3, Zen 4 VM; the AVX2 one 7-50% slower).
/// Baseline otherwise (same bits: floats use a fused multiply-add at every
/// level, in software without FMA).
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

/// The MR x NR tile of C at `dst` (rows `ldc` apart; `mr` x `nr` of it
/// inside C) gets the block's products: stored, or added when `add`. Each
/// element is its block sum formed from zero (see [`micro`]) and then
/// stored or added, whichever kernel runs: the same bits.
///
/// # Safety
/// `dst` valid for the `mr` x `nr` part of the tile; with `mr == MR` and
/// `nr == NR`, for the whole tile.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn micro_into<T: Elem, const MR: usize, const NR: usize>(
    kc: usize,
    a: &[T],
    b: &[T],
    dst: *mut T,
    ldc: usize,
    (mr, nr): (usize, usize),
    add: bool,
) {
    if let Some(k) = simd_tile::<T, MR, NR>() {
        if a.len() >= kc * MR && b.len() >= kc * NR {
            // SAFETY: the slivers hold kc steps (checked); the kernel is
            // this tile's (simd_tile); the tile is inside C (caller).
            return simd_into::<T, MR, NR>(k, kc, (a.as_ptr(), 1, MR), b, dst, ldc, (mr, nr), add);
        }
    }
    let mut acc = [[T::default(); NR]; MR];
    micro::<T, MR, NR>(kc, a, b, &mut acc);
    tile_to_c(&acc, dst, ldc, (mr, nr), add)
}

/// Stores (or adds, when `add`) the `mr` x `nr` part of a tile into C.
///
/// # Safety
/// `dst` valid for the `mr` x `nr` part, rows `ldc` apart.
#[inline(always)]
unsafe fn tile_to_c<T: Elem, const MR: usize, const NR: usize>(
    acc: &[[T; NR]; MR],
    dst: *mut T,
    ldc: usize,
    (mr, nr): (usize, usize),
    add: bool,
) {
    for (i, row) in acc.iter().enumerate().take(mr) {
        let dst = dst.add(i * ldc);
        if add {
            for (j, &v) in row.iter().enumerate().take(nr) {
                *dst.add(j) = (*dst.add(j)).add(v);
            }
        } else {
            for (j, &v) in row.iter().enumerate().take(nr) {
                *dst.add(j) = v;
            }
        }
    }
}

/// A hand-written x86 micro-kernel (see `kernel!`).
#[derive(Clone, Copy)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
enum Simd {
    #[cfg(raptors_avx512)]
    Avx512F32,
    #[cfg(raptors_avx512)]
    Avx512F64,
    Avx2F32,
    Avx2F64,
}

/// The hand-written kernel for a `MR` x `NR` tile of `T` on this CPU, if
/// any: float32 or float64, 12 x 2 vectors with AVX-512, 6 x 2 vectors
/// with AVX2 and FMA (the tiles [`gemm_into`] picks per level).
#[inline(always)]
#[cfg_attr(
    not(target_arch = "x86_64"),
    allow(clippy::extra_unused_type_parameters)
)]
fn simd_tile<T: Elem, const MR: usize, const NR: usize>() -> Option<Simd> {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::dtype::DType;
        use crate::simd::{level, Level};
        let f64 = T::DTYPE == DType::Float64;
        if !f64 && T::DTYPE != DType::Float32 {
            return None;
        }
        let bytes = NR * std::mem::size_of::<T>();
        #[cfg(raptors_avx512)]
        if MR == avx512::MR && bytes == 128 && level() == Level::Avx512 {
            return Some(if f64 {
                Simd::Avx512F64
            } else {
                Simd::Avx512F32
            });
        }
        if MR == avx2::MR && bytes == 64 && level() == Level::Avx2 {
            return Some(if f64 { Simd::Avx2F64 } else { Simd::Avx2F32 });
        }
    }
    None
}

/// The tile of C at `dst` (as [`micro_into`]) through the kernel `k`, with
/// `A[i][p]` read at `a + i * ars + p * acs`: a packed sliver (1, MR) or
/// rows where they lie (lda, 1). A whole tile goes straight into C, an
/// edge tile through a local one.
///
/// # Safety
/// `k` is [`simd_tile`]'s answer for `T`, `MR`, `NR`; A valid for MR rows
/// of `kc` steps as addressed; `b` holds `kc` steps of the panel; `dst`
/// as [`micro_into`].
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn simd_into<T: Elem, const MR: usize, const NR: usize>(
    k: Simd,
    kc: usize,
    (a, ars, acs): (*const T, usize, usize),
    b: &[T],
    dst: *mut T,
    ldc: usize,
    (mr, nr): (usize, usize),
    add: bool,
) {
    let mut acc = [[T::default(); NR]; MR];
    let whole = mr == MR && nr == NR;
    let (c, ldk, add_c) = if whole {
        (dst, ldc, add)
    } else {
        (acc.as_mut_ptr() as *mut T, NR, false)
    };
    let bp = b.as_ptr();
    // SAFETY: the kernel matches T (simd_tile checked the dtype and the
    // CPU); extents per the caller's contract.
    #[cfg(target_arch = "x86_64")]
    match k {
        #[cfg(raptors_avx512)]
        Simd::Avx512F32 => avx512::f32_12x32(kc, (a as _, ars, acs), bp as _, c as _, ldk, add_c),
        #[cfg(raptors_avx512)]
        Simd::Avx512F64 => avx512::f64_12x16(kc, (a as _, ars, acs), bp as _, c as _, ldk, add_c),
        Simd::Avx2F32 => avx2::f32_6x16(kc, (a as _, ars, acs), bp as _, c as _, ldk, add_c),
        Simd::Avx2F64 => avx2::f64_6x8(kc, (a as _, ars, acs), bp as _, c as _, ldk, add_c),
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (k, kc, a, ars, acs, bp, c, ldk, add_c);
    if !whole {
        tile_to_c(&acc, dst, ldc, (mr, nr), add);
    }
}

#[cfg(target_arch = "x86_64")]
mod x86;
#[cfg(target_arch = "x86_64")]
use x86::avx2;
#[cfg(all(target_arch = "x86_64", raptors_avx512))]
use x86::avx512;

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

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    /// Each thread's packing buffers (B's block, A's sliver), kept between
    /// calls: a fresh 128 KiB-1 MiB buffer per product is mmap'd, zeroed
    /// and page-faulted by glibc each time (a 127^3 float32 product took
    /// 71 us through the FFI against 29 us with the memory reused).
    static PACK: [std::cell::RefCell<Vec<u64>>; 2] = const {
        [std::cell::RefCell::new(Vec::new()), std::cell::RefCell::new(Vec::new())]
    };
}

/// Buffers kept for reuse up to this size (bytes); larger ones (B blocks
/// of wide matrices, up to 8 MiB) are allocated per product, whose work
/// then dwarfs the allocation.
#[cfg(not(target_arch = "wasm32"))]
const PACK_KEEP: usize = 2 << 20;

/// Runs `f` with a buffer of `len` elements of T starting on a 64-byte
/// boundary (the kernels' vector loads of packed panels then never span
/// two cache lines; the allocator gives 16-byte alignment for large
/// blocks): this thread's buffer `which` when free, else a fresh one. Its
/// contents are unspecified (packing writes every element it reads).
fn with_pack<T: Elem, R>(which: usize, len: usize, f: impl FnOnce(&mut [T]) -> R) -> R {
    // T is a plain number of at most 8 bytes: any bits are a valid T
    let size = std::mem::size_of::<T>().max(1);
    let words = (len * size + 7) / 8 + 8;
    let run = |buf: &mut Vec<u64>| {
        if buf.len() < words {
            buf.resize(words, 0);
        }
        let bytes = buf.as_mut_ptr() as *mut u8;
        let off = bytes.align_offset(64).min(63);
        // SAFETY: off + len * size <= words * 8 bytes; the start is 64-byte
        // aligned (so aligned for T); every bit pattern is a valid T.
        f(unsafe { std::slice::from_raw_parts_mut(bytes.add(off) as *mut T, len) })
    };
    // wasm32: the std was built without atomics, so a thread_local is one
    // static shared by the workers; each call takes its own buffer there
    #[cfg(target_arch = "wasm32")]
    {
        let _ = which;
        run(&mut Vec::new())
    }
    #[cfg(not(target_arch = "wasm32"))]
    PACK.with(|cells| match cells[which].try_borrow_mut() {
        Ok(mut buf) if words * 8 <= PACK_KEEP => run(&mut buf),
        _ => run(&mut Vec::new()),
    })
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

impl<T> Mat<T> {
    /// The row-major matrix at `ptr` with rows `ld` apart.
    pub fn rows(ptr: *const T, ld: usize) -> Self {
        Mat {
            ptr,
            rs: ld as isize,
            cs: 1,
        }
    }

    /// The transpose of [`Mat::rows`]: rows of the view are columns in
    /// memory.
    pub fn cols(ptr: *const T, ld: usize) -> Self {
        Mat {
            ptr,
            rs: 1,
            cs: ld as isize,
        }
    }
}

impl<T: Copy> Mat<T> {
    /// Element (i, j). Closures must read through this method, which
    /// captures the whole (Send) struct rather than its raw pointer field.
    ///
    /// # Safety
    /// (i, j) must be inside the matrix.
    #[inline(always)]
    unsafe fn at(&self, i: usize, j: usize) -> T {
        *self.ptr_at(i, j)
    }

    /// Where element (i, j) lies (read through the whole struct, as
    /// [`Mat::at`]).
    ///
    /// # Safety
    /// (i, j) must be inside the matrix.
    #[inline(always)]
    unsafe fn ptr_at(&self, i: usize, j: usize) -> *const T {
        self.ptr.offset(i as isize * self.rs + j as isize * self.cs)
    }
}

/// How a product meets C.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Update {
    /// C = A B.
    Store,
    /// C -= A B: A is packed negated and each k block's sum (formed from
    /// zero, as for `Store`) is added to C, so with one k block (k <= 256)
    /// every element is `c - (a b)` rounded once, the bits of a product
    /// into a temporary subtracted afterwards.
    Sub,
}

/// C (m x n, row-major, `ldc` = n) = A (m x k) B (k x n).
///
/// # Safety
/// Every index reachable through `a` and `b` for these extents must be
/// valid (the caller bounds-checks the layouts); `c` valid for m*n writes.
pub unsafe fn gemm<T: Elem>(m: usize, n: usize, k: usize, a: Mat<T>, b: Mat<T>, c: *mut T) {
    gemm_into(m, n, k, a, b, (c, n, Update::Store))
}

/// C (m x n, rows `ldc` apart) updated by A (m x k) B (k x n) as `how`
/// says: the trailing updates of the factorizations (`A22 -= L21 U12`)
/// write straight into the matrix, without a temporary and a second pass.
///
/// # Safety
/// As [`gemm`]; `c` valid for reads and writes of m rows of n elements,
/// `ldc >= n` apart, and not overlapping what `a` and `b` reach.
pub unsafe fn gemm_into<T: Elem>(
    m: usize,
    n: usize,
    k: usize,
    a: Mat<T>,
    b: Mat<T>,
    c: (*mut T, usize, Update),
) {
    // 12 accumulator registers of 8 f32 / 4 f64 lanes (AVX2).
    // wasm32: 4 x (2 vectors) tiles with the hand-written SIMD128 kernels
    // (see `wasm_micro`). Measured against the x86 tiling and generic 6x4,
    // 3x8 and 2x8 tiles (best of 12 interleaved rounds): f64 256 the same
    // in Deno (2.8 ms) and 2.46 -> 2.30 ms in Bun; f32 512 11.3 vs 11.5 ms
    // in Deno, 11.1 -> 9.0 ms in Bun.
    #[cfg(target_arch = "wasm32")]
    match std::mem::size_of::<T>() {
        8 => return gemm_tiled::<T, 4, 4>((m, n, k), a, b, c),
        4 => return gemm_tiled::<T, 4, 8>((m, n, k), a, b, c),
        _ => {}
    }
    // AVX-512: 24 accumulators of the 32 vector registers (see `avx512`)
    #[cfg(all(target_arch = "x86_64", raptors_avx512))]
    if crate::simd::level() == crate::simd::Level::Avx512 && T::IS_FLOAT {
        match std::mem::size_of::<T>() {
            4 => return gemm_tiled::<T, { avx512::MR }, 32>((m, n, k), a, b, c),
            8 => return gemm_tiled::<T, { avx512::MR }, 16>((m, n, k), a, b, c),
            _ => {}
        }
    }
    match std::mem::size_of::<T>() {
        4 => gemm_tiled::<T, 6, 16>((m, n, k), a, b, c),
        8 => gemm_tiled::<T, 6, 8>((m, n, k), a, b, c),
        _ => gemm_tiled::<T, 4, 32>((m, n, k), a, b, c),
    }
}

unsafe fn gemm_tiled<T: Elem, const MR: usize, const NR: usize>(
    (m, n, k): (usize, usize, usize),
    a: Mat<T>,
    b: Mat<T>,
    (c, ldc, how): (*mut T, usize, Update),
) {
    let cptr = SendPtr(c);
    if m == 0 || n == 0 || k == 0 {
        // an empty sum over k is zero
        if how == Update::Store {
            for i in 0..m {
                for j in 0..n {
                    *c.add(i * ldc + j) = T::default();
                }
            }
        }
        return;
    }
    // C is not zeroed first: the first block of k stores, later ones add.
    // Two threads when the work is large enough: over row blocks of C, or
    // over its columns when there are more panels than row blocks (a few
    // rows against a wide B, `Q @ A.T`: 3 row blocks split 2:1, and every
    // B block was a pack and a hand-off for a sliver or two).
    let work = m.saturating_mul(n).saturating_mul(k);
    let blocks = (m + MR - 1) / MR;
    let panels = (n + NR - 1) / NR;
    let threads = if work >= 1 << 20 {
        parallel::num_threads()
    } else {
        1
    };
    let cancel = crate::engine::CancelToken::current();
    if threads > 1 && panels >= 2 * blocks && panels >= threads {
        let parts = threads.min(panels);
        let per = (panels + parts - 1) / parts * NR;
        parallel::run_parallel(parts, |t| {
            let c0 = t * per;
            let c1 = ((t + 1) * per).min(n);
            if c0 < c1 {
                let cp = cptr.get();
                gemm_range::<T, MR, NR>((m, n, k), (c0, c1), a, b, (cp, ldc, how), 1, cancel);
            }
        });
        return;
    }
    let parts = threads.min(blocks).max(1);
    gemm_range::<T, MR, NR>((m, n, k), (0, n), a, b, (c, ldc, how), parts, cancel);
}

/// Columns `c0..c1` of C (m x n, row-major) = A B, row blocks split over
/// `parts` threads. B is packed [`nc_cols`] columns by KC rows at a time,
/// once, into a buffer the threads share (each packing every B block
/// itself cost each thread a full pass over B: 14% of a 1024^3 float32
/// product on two threads); all of B at once took KC x n elements (100 MB
/// for n = 100000 float32).
///
/// # Safety
/// As [`gemm`], with `c0 < c1 <= n`.
#[inline(always)]
unsafe fn gemm_range<T: Elem, const MR: usize, const NR: usize>(
    (m, _, k): (usize, usize, usize),
    (c0, c1): (usize, usize),
    a: Mat<T>,
    b: Mat<T>,
    (c, ldc, how): (*mut T, usize, Update),
    parts: usize,
    cancel: crate::engine::CancelToken,
) {
    let cptr = SendPtr(c);
    let neg = how == Update::Sub;
    let blocks = (m + MR - 1) / MR;
    let per = (blocks + parts - 1) / parts * MR;
    let ncols = nc_cols::<T>();
    let max_panels = (ncols.min(c1 - c0) + NR - 1) / NR;
    let lanes = a_lanes::<T, MR, NR>();
    // rows of A contiguous along k: full-height slivers are read in place
    let direct = simd_tile::<T, MR, NR>().filter(|_| a.cs == 1 && a.rs > 0 && lanes == 1 && !neg);
    with_pack::<T, ()>(0, KC * NR * max_panels, |bstore| {
        let bshared = SendPtr(bstore.as_mut_ptr());
        for jc in (c0..c1).step_by(ncols) {
            let nc = ncols.min(c1 - jc);
            let panels = (nc + NR - 1) / NR;
            for p0 in (0..k).step_by(KC) {
                let kc = KC.min(k - p0);
                // an engine job asked to stop: leave the rest unwritten
                if cancel.is_set() {
                    return;
                }
                // pack the B block [p0..p0+kc, jc..jc+nc]: panel-major, each
                // panel kc rows of NR (zero-padded); panels split over threads
                let pp = (panels + parts - 1) / parts;
                parallel::run_parallel(parts.min(panels), |t| {
                    let bpack = bshared.get();
                    for jb in t * pp..((t + 1) * pp).min(panels) {
                        let j0 = jc + jb * NR;
                        let nr = NR.min(c1 - j0);
                        // in bounds: jb < max_panels, kc <= KC
                        let panel =
                            std::slice::from_raw_parts_mut(bpack.add(jb * KC * NR), kc * NR);
                        if b.rs == 1 && b.cs != 1 {
                            // columns of B contiguous (a transposed
                            // operand, `Q @ A.T`): read each column in order
                            for j in 0..NR {
                                let col = (j < nr)
                                    .then(|| b.ptr.offset(p0 as isize + (j0 + j) as isize * b.cs));
                                for p in 0..kc {
                                    panel[p * NR + j] = match col {
                                        Some(c) => *c.add(p),
                                        None => T::default(),
                                    };
                                }
                            }
                            continue;
                        }
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
                });
                // Row blocks of C in parallel, each thread packing its own A
                parallel::run_parallel(parts, |t| {
                    let r0 = t * per;
                    let r1 = ((t + 1) * per).min(m);
                    if r0 >= r1 {
                        return;
                    }
                    // SAFETY: the packed block is complete (the run above has
                    // returned) and only read from here on
                    let bpack = std::slice::from_raw_parts(bshared.get(), KC * NR * max_panels);
                    with_pack::<T, ()>(1, KC * MR * lanes, |apack| {
                        for i0 in (r0..r1).step_by(MR) {
                            if cancel.is_set() {
                                return;
                            }
                            let mr = MR.min(r1 - i0);
                            if let (Some(k), true) = (direct, mr == MR) {
                                // A's rows read where they lie, no sliver
                                let cp = cptr.get();
                                let arow = a.ptr_at(i0, p0);
                                for jb in 0..panels {
                                    let j0 = jc + jb * NR;
                                    simd_into::<T, MR, NR>(
                                        k,
                                        kc,
                                        (arow, a.rs as usize, 1),
                                        &bpack[jb * KC * NR..jb * KC * NR + kc * NR],
                                        cp.add(i0 * ldc + j0),
                                        ldc,
                                        (MR, NR.min(c1 - j0)),
                                        p0 > 0 || how != Update::Store,
                                    );
                                }
                                continue;
                            }
                            // pack the A sliver [i0..i0+MR, p0..p0+kc] once per B
                            // block, in the order the kernel reads it (each element
                            // `lanes` times)
                            assert!(apack.len() >= kc * MR * lanes);
                            if a.cs == 1 && lanes == 1 {
                                // rows of A contiguous: read each row piece in order
                                for i in 0..MR {
                                    let row = (i < mr).then(|| {
                                        a.ptr.offset((i0 + i) as isize * a.rs + p0 as isize)
                                    });
                                    for p in 0..kc {
                                        apack[p * MR + i] = match row {
                                            Some(r) if neg => (*r.add(p)).neg(),
                                            Some(r) => *r.add(p),
                                            None => T::default(),
                                        };
                                    }
                                }
                            } else {
                                let mut dst = apack.as_mut_ptr();
                                for p in 0..kc {
                                    for i in 0..MR {
                                        let v = if i >= mr {
                                            T::default()
                                        } else if neg {
                                            a.at(i0 + i, p0 + p).neg()
                                        } else {
                                            a.at(i0 + i, p0 + p)
                                        };
                                        for _ in 0..lanes {
                                            // in bounds: kc * MR * lanes writes (asserted)
                                            *dst = v;
                                            dst = dst.add(1);
                                        }
                                    }
                                }
                            }
                            let cp = cptr.get();
                            for jb in 0..panels {
                                let j0 = jc + jb * NR;
                                let nr = NR.min(c1 - j0);
                                micro_into::<T, MR, NR>(
                                    kc,
                                    &apack[..kc * MR * lanes],
                                    &bpack[jb * KC * NR..jb * KC * NR + kc * NR],
                                    cp.add(i0 * ldc + j0),
                                    ldc,
                                    (mr, nr),
                                    p0 > 0 || how != Update::Store,
                                );
                            }
                        }
                    });
                });
            }
        }
    });
}

#[cfg(test)]
mod tests;
