//! raptors native core: numeric kernels behind a C ABI.
//!
//! Layout:
//! - [`ffi`]: the `extern "C"` surface. Every exported function runs inside
//!   one guard ([`error::guard`]) that validates pointers, catches panics and
//!   turns every failure into a status code plus a retrievable message.
//! - [`kernels`]: the loops over elements, generic over [`dtype::Elem`],
//!   compiled once per instruction set and dispatched at run time
//!   ([`simd`]).
//! - [`parallel`]: splits large inputs across threads.

// The wasm32 atomic wait/notify intrinsics (worker threads of the wasm
// backend, [`parallel::wasm_pool`]) are unstable in rustc 1.63, the
// toolchain that builds the wasm backend; `scripts/build_wasm.sh` sets
// RUSTC_BOOTSTRAP for that one build. Native builds never see this.
#![cfg_attr(
    all(target_arch = "wasm32", target_feature = "atomics"),
    feature(stdsimd)
)]

pub mod arena;
pub mod dtype;
pub mod engine;
pub mod error;
pub mod ffi;
pub mod hugepages;
pub mod kernels;
pub mod parallel;
pub(crate) mod placement;
pub mod simd;
