// GEMM micro-kernels for the WebAssembly backend with relaxed-SIMD fused
// multiply-adds (f64x2/f32x4.relaxed_madd), built into the side module
// wasm/gemm_relaxed.wasm by scripts/build_wasm.sh.
//
// Why C: the Rust toolchain that builds the wasm backend here (Debian's
// rustc 1.63, LLVM 14) has no relaxed-SIMD intrinsics, and LLVM 14 encodes
// the fused multiply-add with its pre-standard opcode, which no engine
// accepts. zig's clang (already used for the release build) has the
// standard ones. The kernels are the exact counterparts of `wasm_micro` in
// rust/src/kernels/gemm.rs, same layout and signature:
//
//   acc (4 rows x 2 vectors, row-major) = sum over p < kc of a[p][i] * b[p][j]
//
// with `a` holding 4 vectors per step (each A element broadcast across a
// vector) and `b` 2 vectors per step. The main module calls them through
// its function table (rp_wasm_set_gemm), so they must use no stack, no
// globals and no data: only locals and the imported memory.
#include <stddef.h>
#include <wasm_simd128.h>

#define KERNEL(name, splat, madd)                                             \
  __attribute__((export_name(#name))) void name(                              \
      size_t kc, const v128_t *a, const v128_t *b, v128_t *acc) {             \
    v128_t z = splat(0);                                                      \
    v128_t c00 = z, c01 = z, c10 = z, c11 = z;                                \
    v128_t c20 = z, c21 = z, c30 = z, c31 = z;                                \
    for (size_t p = 0; p < kc; p++, a += 4, b += 2) {                         \
      v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 1);              \
      v128_t x = wasm_v128_load(a);                                           \
      c00 = madd(x, b0, c00);                                                 \
      c01 = madd(x, b1, c01);                                                 \
      x = wasm_v128_load(a + 1);                                              \
      c10 = madd(x, b0, c10);                                                 \
      c11 = madd(x, b1, c11);                                                 \
      x = wasm_v128_load(a + 2);                                              \
      c20 = madd(x, b0, c20);                                                 \
      c21 = madd(x, b1, c21);                                                 \
      x = wasm_v128_load(a + 3);                                              \
      c30 = madd(x, b0, c30);                                                 \
      c31 = madd(x, b1, c31);                                                 \
    }                                                                         \
    wasm_v128_store(acc, c00);                                                \
    wasm_v128_store(acc + 1, c01);                                            \
    wasm_v128_store(acc + 2, c10);                                            \
    wasm_v128_store(acc + 3, c11);                                            \
    wasm_v128_store(acc + 4, c20);                                            \
    wasm_v128_store(acc + 5, c21);                                            \
    wasm_v128_store(acc + 6, c30);                                            \
    wasm_v128_store(acc + 7, c31);                                            \
  }

KERNEL(gemm_f64_4x4, wasm_f64x2_splat, wasm_f64x2_relaxed_madd)
KERNEL(gemm_f32_4x8, wasm_f32x4_splat, wasm_f32x4_relaxed_madd)
