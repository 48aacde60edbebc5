/**
 * The native boundary: the symbol table matches the library's exports, a
 * panic inside Rust becomes an error (never a crash), and the loader's
 * errors name the problem and the fix.
 */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { ABI_VERSION, symbols } from "../ffi/symbols.ts";
import {
  libraryFileName,
  type LibrarySource,
  loadLibrary,
  localBuildSource,
} from "../ffi/load.ts";
import { compareExports, elfExports } from "../scripts/_elf.ts";
import { lastError, library, native } from "../src/_native.ts";
import { LibraryLoadError } from "../src/errors.ts";
import { runtime, test } from "./_shim.ts";

const onWasm = library.source === "wasm";

test("every symbol in ffi/symbols.ts is exported by the library, and vice versa", async () => {
  const bytes = new Uint8Array(await readFile(library.path));
  // the wasm module also exports its memory and the shim's allocator
  const exported = onWasm
    ? WebAssembly.Module.exports(new WebAssembly.Module(bytes))
      .filter((e) => e.kind === "function")
      .map((e) => e.name)
      .filter((n) => !n.startsWith("rp_wasm_"))
    : elfExports(bytes);
  const diff = compareExports(exported, Object.keys(symbols));
  assert.deepEqual(diff, { missingInLibrary: [], missingInTable: [] });
  assert.ok(exported.includes("rp_sum"));
});

test("the symbol comparison reports a symbol missing on either side", () => {
  const diff = compareExports(["rp_a", "rp_b", "memcpy"], ["rp_b", "rp_c"]);
  assert.deepEqual(diff, {
    missingInLibrary: ["rp_c"],
    missingInTable: ["rp_a"],
  });
  assert.throws(() => elfExports(new Uint8Array(64)), /Not an ELF file/);
});

test("a Rust panic becomes status 5 and a message, and the process lives on", () => {
  for (let i = 0; i < 3; i++) {
    assert.equal(native.rp_debug_panic(), 5);
    // wasm has no unwinding: the trap is reported and the instance reset
    assert.match(
      lastError(),
      onWasm
        ? /rp_debug_panic: the WebAssembly kernel trapped.*reset/
        : /Rust panic caught.*deliberate panic/,
    );
  }
  assert.equal(native.rp_noop(), 0);
  const slot = new Float64Array(1);
  assert.equal(native.rp_sum(10, new Float64Array([1, 2]), 2, slot), 0);
  assert.equal(slot[0], 3);
});

test("native argument checks reject null pointers with a length and unknown codes", () => {
  const slot = new Float64Array(1);
  assert.equal(native.rp_sum(10, null, 4, slot), 1);
  assert.match(lastError(), /null pointer with length 4/);
  assert.equal(native.rp_sum(42, new Float64Array(2), 2, slot), 1);
  assert.match(lastError(), /unknown dtype code 42/);
  assert.equal(native.rp_binary(9, 10, slot, slot, slot, 1), 1);
  assert.match(lastError(), /unknown binary op code 9/);
  // dtype sizes agree with the TS DTYPE table
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((d) => native.rp_dtype_size(d)),
    [1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8],
  );
});

const missing: LibrarySource = {
  name: "local build",
  explicit: false,
  path: () => "/nonexistent/raptors/" + libraryFileName(),
};

test("with no library anywhere, the error lists each attempt and the build command", async () => {
  const none: LibrarySource = {
    name: "cache",
    explicit: false,
    path: () => undefined,
  };
  await assert.rejects(loadLibrary([none, missing]), (e: Error) => {
    assert.ok(e instanceof LibraryLoadError);
    assert.match(e.message, /could not find its native library/);
    assert.match(
      e.message,
      /cargo build --release --manifest-path rust\/Cargo\.toml/,
    );
    assert.match(e.message, /RAPTORS_LIB_PATH/);
    assert.equal(e.attempts.length, 2);
    assert.match(e.attempts[0]!, /cache: not available/);
    assert.match(e.attempts[1]!, /\/nonexistent\/raptors/);
    return true;
  });
});

test("an explicit path that does not load is an error, not a silent fallback", async () => {
  const explicit: LibrarySource = {
    name: "RAPTORS_LIB_PATH",
    explicit: true,
    path: () => "/nonexistent/explicit.so",
  };
  const good: LibrarySource = onWasm ? localBuildSource : {
    name: "local build",
    explicit: false,
    path: () => library.path,
  };
  await assert.rejects(
    loadLibrary([explicit, good]),
    /native library named by RAPTORS_LIB_PATH \(\/nonexistent\/explicit\.so\).*unset RAPTORS_LIB_PATH/s,
  );
  const lib = await loadLibrary([good]);
  assert.equal(lib.symbols.rp_abi_version(), ABI_VERSION);
  assert.equal(lib.source, "local build");
});

test("a file that is not a shared library is reported with its path", async () => {
  const self: LibrarySource = {
    name: "RAPTORS_LIB_PATH",
    explicit: true,
    path: () => decodeURIComponent(new URL(import.meta.url).pathname),
  };
  await assert.rejects(loadLibrary([self]), (e: Error) => {
    assert.ok(e instanceof LibraryLoadError);
    assert.match(e.message, /symbols_test\.ts/);
    return true;
  });
});

if (runtime === "deno") {
  test("without --allow-ffi: native names the flag; auto falls back to wasm and says why", async () => {
    const script = await Deno.makeTempFile({ suffix: ".ts" });
    await Deno.writeTextFile(
      script,
      `import { backend } from ${
        JSON.stringify(new URL("../mod.ts", import.meta.url).href)
      };\nconsole.log(JSON.stringify(backend));\n`,
    );
    const run = async (backend: string, extra: Record<string, string> = {}) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--no-check", "--allow-read", "--allow-env", script],
        stdout: "piped",
        stderr: "piped",
        env: {
          NO_COLOR: "1",
          RUST_BACKTRACE: "0",
          RAPTORS_BACKEND: backend,
          ...extra,
        },
      }).output();
      const d = new TextDecoder();
      return {
        ok: out.success,
        out: d.decode(out.stdout),
        err: d.decode(out.stderr),
      };
    };
    const nat = await run("native");
    assert.equal(nat.ok, false);
    assert.match(nat.err, /LibraryLoadError: raptors needs FFI permission/);
    assert.match(nat.err, /--allow-ffi/);
    const auto = await run("auto");
    assert.equal(auto.ok, true, auto.err);
    const b = JSON.parse(auto.out);
    assert.equal(b.name, "wasm");
    assert.match(b.fallback, /--allow-ffi/);
    // the fallback says so once, on stderr, with the reason and the fix
    const warned = auto.err.split("\n").filter((l) =>
      l.startsWith("raptors: the native library did not load")
    );
    assert.equal(warned.length, 1, auto.err);
    assert.match(warned[0]!, /--allow-ffi/);
    assert.match(auto.err, /RAPTORS_QUIET=1/);
    // RAPTORS_QUIET=1 silences it; an explicit wasm choice never warns
    const quiet = await run("auto", { RAPTORS_QUIET: "1" });
    assert.equal(quiet.ok, true, quiet.err);
    assert.doesNotMatch(quiet.err, /did not load/);
    const wasm = await run("wasm");
    assert.equal(wasm.ok, true, wasm.err);
    assert.doesNotMatch(wasm.err, /did not load/);
    await Deno.remove(script);
  });
}

test("rp.backend names the backend and library; RAPTORS_BACKEND is checked", async () => {
  const rp = await import("../mod.ts");
  assert.equal(rp.backend.name, onWasm ? "wasm" : "native");
  assert.equal(rp.backend.path, library.path);
  assert.equal(rp.backend.source, library.source);
  const { spawnSync } = await import("node:child_process");
  const exe = runtime === "deno"
    ? (globalThis as unknown as { Deno: { execPath(): string } }).Deno
      .execPath()
    : process.execPath;
  const mod = decodeURIComponent(
    new URL("../mod.ts", import.meta.url).pathname,
  );
  const code = `import(${
    JSON.stringify(mod)
  }).then((m) => console.log("backend", m.backend.name), (e) => console.log(e.name, e.message))`;
  const run = (value: string) => {
    const args = runtime === "deno" ? ["eval", "--ext=js", code] : ["-e", code];
    const p = spawnSync(exe, args, {
      env: { ...process.env, RAPTORS_BACKEND: value },
      encoding: "utf8",
    });
    return p.stdout + p.stderr;
  };
  assert.match(run("native"), /backend native/);
  assert.match(run("auto"), /backend native/);
  assert.match(run("wasm"), /backend wasm/);

  assert.match(
    run("gpu"),
    /RAPTORS_BACKEND=gpu is not one of auto, native, wasm/,
  );
});

test("parameter types match the Rust signatures (ptr = *mut, cptr = *const)", async () => {
  // every file of the C ABI (rust/src/ffi/)
  const dir = new URL("../rust/src/ffi/", import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".rs"));
  assert.ok(files.includes("mod.rs") && files.length > 5, String(files));
  const src = (await Promise.all(
    files.map((f) => readFile(new URL(f, dir), "utf8")),
  )).join("\n");
  const rust = new Map<string, string[]>();
  for (const m of src.matchAll(/fn (rp_\w+)\(([^)]*)\)/g)) {
    const params = m[2]!.split(",").map((p) => p.trim()).filter(Boolean);
    rust.set(m[1]!, params.map((p) => p.split(":")[1]!.trim()));
  }
  let checked = 0;
  for (const [name, spec] of Object.entries(symbols)) {
    const r = rust.get(name);
    assert.ok(r, `${name} not found in rust/src/ffi/`);
    const want = r.map((t, i) =>
      t === "*mut u8"
        ? "ptr"
        : t === "*const u8"
        ? (spec.parameters[i] === "fn" ? "fn" : "cptr")
        : t
    );
    assert.deepEqual([...spec.parameters], want, name);
    checked++;
  }
  assert.equal(checked, Object.keys(symbols).length);
});
