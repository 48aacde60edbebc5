// Optional for edge builds: registers the relaxed-SIMD GEMM side module
// (wasm/gemm_relaxed.wasm, 769 bytes), so matmul uses fused multiply-add
// kernels on engines that have relaxed SIMD (V8: workerd, Cloudflare
// Workers). Import it before edge.js and declare the file as a compiled
// wasm module named "gemm_relaxed.wasm", as for "raptors.wasm":
//
//   import "raptors/edge_gemm.js";
//   import * as rp from "raptors/edge.js";
//
// Without it the edge build runs the SIMD128 kernels (rp.backend.simd).
import gemm from "gemm_relaxed.wasm";

globalThis[Symbol.for("raptors.wasm.gemm_relaxed")] = gemm;
