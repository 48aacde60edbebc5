/**
 * The wasm backend's GEMM kernels (`rust/src/kernels/gemm.rs` and the
 * relaxed-SIMD side module `wasm/gemm_relaxed.wasm`), chosen by
 * `RAPTORS_WASM_RELAXED`, in child processes. Runs from either backend:
 * the children always use wasm.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { childJson, test } from "./_shim.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

/** What the child saw, on the wasm backend with `env`. */
const child = (env: Record<string, string>) =>
  childJson(
    new URL("./_wasm_gemm_child.ts", import.meta.url),
    { RAPTORS_BACKEND: "wasm", ...env },
    { failing: true },
  );

// f64 sums of up to 513 products: the rounding of each accumulation
const TOL64 = 1e-13, TOL32 = 1e-5;

test("wasm matmul: the relaxed-SIMD side module is used and correct (RAPTORS_WASM_RELAXED=1)", () => {
  const seen = child({ RAPTORS_WASM_RELAXED: "1" });
  assert.equal(seen.backend, "wasm");
  assert.equal(seen.simd, "relaxed-simd");
  assert.ok((seen.worst64 as number) < TOL64, `f64 error ${seen.worst64}`);
  assert.ok((seen.worst32 as number) < TOL32, `f32 error ${seen.worst32}`);
  assert.equal(seen.panic, 5);
  assert.ok((seen.worst64AfterReset as number) < TOL64);
});

test("wasm matmul: RAPTORS_WASM_RELAXED=0 keeps the SIMD128 kernels, same accuracy", () => {
  const seen = child({ RAPTORS_WASM_RELAXED: "0" });
  assert.equal(seen.simd, "simd128");
  assert.ok((seen.worst64 as number) < TOL64, `f64 error ${seen.worst64}`);
  assert.ok((seen.worst32 as number) < TOL32, `f32 error ${seen.worst32}`);
});

test("wasm matmul: every micro-tile goes through the side module's kernels, also after a trap reset", () => {
  const seen = child({ GEMM_SIDE: "marker", RAPTORS_WASM_RELAXED: "1" });
  assert.equal(seen.simd, "relaxed-simd");
  assert.deepEqual(seen.marker, [true, true]);
  assert.equal(seen.panic, 5);
  assert.deepEqual(seen.markerAfterReset, [true, true]);
});

test("wasm matmul: a wrong side module, a missing one and a bad setting are named errors", () => {
  const wrong = child({
    GEMM_SIDE: "wrong",
    RAPTORS_WASM_RELAXED: "auto",
  });
  assert.match(
    wrong.loadError as string,
    /^LibraryLoadError: .*not the raptors GEMM side module.*gemm_f32_4x8/,
  );
  const bad = child({ RAPTORS_WASM_RELAXED: "yes" });
  assert.match(
    bad.loadError as string,
    /RAPTORS_WASM_RELAXED=yes is not one of auto, 0, 1/,
  );
  // a raptors.wasm with no side module beside it
  const dir = mkdtempSync(join(tmpdir(), "raptors-gemm-"));
  try {
    copyFileSync(join(root, "wasm", "raptors.wasm"), join(dir, "raptors.wasm"));
    const path = join(dir, "raptors.wasm");
    const auto = child({
      RAPTORS_WASM_PATH: path,
      RAPTORS_WASM_RELAXED: "auto",
    });
    assert.equal(auto.simd, "simd128");
    assert.ok((auto.worst64 as number) < TOL64);
    const need = child({
      RAPTORS_WASM_PATH: path,
      RAPTORS_WASM_RELAXED: "1",
    });
    assert.match(
      need.loadError as string,
      /RAPTORS_WASM_RELAXED=1 but the relaxed-SIMD side module .*gemm_relaxed\.wasm cannot be used: .*RAPTORS_WASM_RELAXED=auto/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
