//! Numeric kernels over contiguous slices.
//!
//! Every function here takes safe slices (or raw pointers with a documented
//! contract, where inputs may alias the output) and is generic over
//! [`crate::dtype::Elem`]. The loops are written with independent lanes so
//! LLVM vectorizes them without changing the order of float operations; the
//! per-ISA copies come from [`crate::multiversion!`].

pub mod decomp;
#[cfg(target_arch = "x86_64")]
pub mod dot_simd;
pub mod elementwise;
pub mod gather;
pub mod gemm;
pub mod gemv;
pub mod householder;
pub mod linalg;
pub mod moments;
pub mod ops;
pub mod random;
pub mod reduce;
pub mod reduce_axis;
pub mod scan;
pub mod sort;
pub mod sort_axis;
pub mod strided;
pub mod topk;
pub mod tridiag_dc;
pub mod tridiag_reduce;
pub mod ufunc;
#[cfg(not(target_arch = "wasm32"))]
pub mod vmath;
pub mod ziggurat;

#[cfg(test)]
pub(crate) mod testutil;
