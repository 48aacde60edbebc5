/**
 * Stages the npm packages in dist/npm/ and prints what `npm pack` would put
 * in each (JSON): `raptors` (ES modules compiled by `tsc` with `.d.ts`
 * declarations and source maps, the WebAssembly backend, the edge entry
 * and the shipped SHA-256 manifest; `optionalDependencies` on exactly the
 * platform packages staged beside it) and
 * `@raptors/<platform>` for each prebuilt binary in dist/v<version>/ (with
 * `os`/`cpu`/`libc`, so npm and bun install only the matching one). The
 * loader looks for that package first and downloads only without it.
 *
 *     deno run -A scripts/npm_pack.ts [--pack]   # --pack writes the .tgz files
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const deno = JSON.parse(await readFile(join(root, "deno.json"), "utf8"));
const version: string = deno.version;
const out = Deno.env.get("RAPTORS_NPM_OUT") ?? join(root, "dist", "npm");
await rm(out, { recursive: true, force: true });

/** key -> [os, cpu, libc?, library file] as the release matrix names them. */
const PLATFORMS: Record<string, [string, string, string | null, string]> = {
  "linux-x64-gnu": ["linux", "x64", "glibc", "libraptors.so"],
  "linux-arm64-gnu": ["linux", "arm64", "glibc", "libraptors.so"],
  "linux-x64-musl": ["linux", "x64", "musl", "libraptors.so"],
  "linux-arm64-musl": ["linux", "arm64", "musl", "libraptors.so"],
  "darwin-x64": ["darwin", "x64", null, "libraptors.dylib"],
  "darwin-arm64": ["darwin", "arm64", null, "libraptors.dylib"],
  "windows-x64": ["win32", "x64", null, "raptors.dll"],
};

// the platform packages first: `raptors` lists exactly those staged
// the release directory (scripts/release.sh), or RAPTORS_DIST for tests
const dist = Deno.env.get("RAPTORS_DIST") ?? join(root, "dist", `v${version}`);
const built = new Set(await readdir(dist).catch(() => [] as string[]));
const staged: string[] = [];
const platformNames: string[] = [];
for (const [key, [os, cpu, libc, lib]] of Object.entries(PLATFORMS)) {
  const asset = `${lib.startsWith("lib") ? "libraptors" : "raptors"}-${key}${
    lib.slice(lib.indexOf("."))
  }`;
  if (!built.has(asset)) continue; // built by its own release runner
  const dir = join(out, key);
  await mkdir(dir, { recursive: true });
  await cp(join(dist, asset), join(dir, lib));
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify(
      {
        name: `@raptors/${key}`,
        version,
        description: `raptors' native library for ${key}`,
        license: deno.license,
        os: [os],
        cpu: [cpu],
        ...(libc ? { libc: [libc] } : {}),
        files: [lib],
      },
      null,
      2,
    ) + "\n",
  );
  staged.push(dir);
  platformNames.push(`@raptors/${key}`);
}

// `raptors`: compiled ES modules (.js), declarations (.d.ts) and source
// maps, by TypeScript's compiler (scripts/tsconfig.npm.json), so Node and
// Deno's `npm:` (which strip no types inside node_modules) run it as is
const main = join(out, "raptors");
await mkdir(main, { recursive: true });
const tsc = spawnSync(
  join(root, "node_modules", ".bin", "tsc"),
  ["-p", join(root, "scripts", "tsconfig.npm.json"), "--outDir", main],
  { encoding: "utf8" },
);
if (tsc.status !== 0) {
  throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
}
await cp(join(root, "README.md"), join(main, "README.md"));
await cp(
  join(root, "ffi", "manifest.json"),
  join(main, "ffi", "manifest.json"),
);
// the edge entry, importing the compiled module
for (const f of ["edge.js", "edge_init.js", "edge_gemm.js"]) {
  const src = await readFile(join(root, f), "utf8");
  await writeFile(join(main, f), src.replaceAll('"./mod.ts"', '"./mod.js"'));
}
await writeFile(join(main, "edge.d.ts"), 'export * from "./mod.js";\n');
await mkdir(join(main, "wasm"));
for (const f of ["raptors.wasm", "gemm_relaxed.wasm"]) {
  await cp(join(root, "wasm", f), join(main, "wasm", f));
}
await writeFile(
  join(main, "package.json"),
  JSON.stringify(
    {
      name: "raptors",
      version,
      description:
        "NumPy-style array compute engine for Deno, Bun and Node with a Rust core",
      license: deno.license,
      type: "module",
      main: "./mod.js",
      types: "./mod.d.ts",
      exports: {
        ".": {
          types: "./mod.d.ts",
          // edge isolates (Cloudflare Workers): the wasm backend only
          workerd: "./edge.js",
          default: "./mod.js",
        },
        "./ops": { types: "./src/flat/ops.d.ts", default: "./src/flat/ops.js" },
        "./edge": { types: "./edge.d.ts", default: "./edge.js" },
      },
      engines: { node: ">=20" },
      files: [
        "mod.js",
        "mod.d.ts",
        "mod.js.map",
        "edge.js",
        "edge.d.ts",
        "edge_init.js",
        "edge_gemm.js",
        "src/",
        "ffi/",
        "wasm/",
      ],
      // exactly the platform packages staged (and published) with it
      optionalDependencies: Object.fromEntries(
        platformNames.map((n) => [n, version]),
      ),
    },
    null,
    2,
  ) + "\n",
);
staged.unshift(main);

const pack = Deno.args.includes("--pack");
const report: Record<string, string[]> = {};
for (const dir of staged) {
  const r = spawnSync(
    "npm",
    [
      "pack",
      "--json",
      ...(pack ? [] : ["--dry-run"]),
      "--pack-destination",
      out,
    ],
    { cwd: dir, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`npm pack in ${dir}: ${r.stderr}`);
  const info = JSON.parse(r.stdout)[0];
  report[info.name] = info.files.map((f: { path: string }) => f.path).sort();
}
console.log(JSON.stringify(report));
