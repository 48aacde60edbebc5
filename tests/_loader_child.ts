// A loader start in its own process (tests/loader_attack_test.ts), so that
// a hang, a crash or an attacker's constructor stays in it. By
// LOADER_CHILD_MODE:
// - "download" (default): loadLibrary([downloadSource(opts)]) with the
//   manifest in the file LOADER_MANIFEST (the shipped one if unset) and
//   the options in LOADER_OPTS (JSON); RAPTORS_BASE_URL and
//   RAPTORS_CACHE_DIR as the library reads them.
// - "env": loadLibrary([envSource]) (RAPTORS_LIB_PATH).
// - "wasm": loadWasm() (RAPTORS_WASM_PATH).
// Prints one JSON line: { path, loadPath, abi } or { error, name }.
import { readFileSync } from "node:fs";
import { envSource, loadLibrary, loadWasm } from "../ffi/load.ts";
import { downloadSource } from "../ffi/fetch.ts";

const env = process.env;
let loadPath: string | undefined;
try {
  const mode = env.LOADER_CHILD_MODE ?? "download";
  let lib;
  if (mode === "wasm") lib = await loadWasm();
  else if (mode === "env") lib = await loadLibrary([envSource]);
  else {
    const manifest = env.LOADER_MANIFEST
      ? JSON.parse(readFileSync(env.LOADER_MANIFEST, "utf8"))
      : undefined;
    const opts = JSON.parse(env.LOADER_OPTS ?? "{}");
    const src = downloadSource({ manifest, ...opts });
    const verified = src.verified;
    lib = await loadLibrary([{
      ...src,
      verified: verified && (async () => {
        const v = await verified();
        loadPath = v.loadPath;
        return v;
      }),
    }]);
  }
  const out = { path: lib.path, loadPath, abi: lib.symbols.rp_abi_version() };
  lib.close();
  console.log(JSON.stringify(out));
} catch (e) {
  const err = e as Error;
  console.log(JSON.stringify({ error: err.message, name: err.name }));
}
