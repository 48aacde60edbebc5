/**
 * The prebuilt-binary download (`ffi/fetch.ts`) against a real HTTP server
 * on loopback started here, serving a release directory built here from
 * the local library: a verified download is cached and loaded; a cached
 * file is re-verified (a tampered one is replaced); a warm cache works
 * offline; a file: URL mirror works; tampered, truncated, 404 and unreachable downloads, and an
 * unusable cache, give errors naming the platform, the URL and the fix,
 * and leave nothing in the cache; concurrent first imports in separate
 * processes download once; Deno without --allow-net is told the flag.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { spawn } from "node:child_process";
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtime, test } from "./_shim.ts";
import { downloadSource, type Manifest, platformKey } from "../ffi/fetch.ts";
import { libraryFileName, loadLibrary } from "../ffi/load.ts";
import { LibraryLoadError } from "../src/errors.ts";

const localLib = decodeURIComponent(
  new URL(`../rust/target/release/${libraryFileName()}`, import.meta.url)
    .pathname,
);
const bytes = new Uint8Array(await readFile(localLib));
const hex = async (b: Uint8Array) =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", b.slice())),
    (x) => x.toString(16).padStart(2, "0"),
  ).join("");
const key = platformKey();
const file = `libraptors-${key}.bin`;
const manifest: Manifest = {
  version: "9.9.9-test",
  baseUrl: "http://127.0.0.1:9/unused",
  files: { [key]: { file, sha256: await hex(bytes), size: bytes.length } },
};

/** Release server: /<mode>/v<version>/<file>; counts requests per mode. */
const hits: Record<string, number> = {};
let delayMs = 0;
const server: Server = createServer((req, res) => {
  const [, mode, ver, name] = (req.url ?? "").split("/");
  hits[mode!] = (hits[mode!] ?? 0) + 1;
  if (ver !== `v${manifest.version}` || name !== file || mode === "missing") {
    res.writeHead(404).end("not found");
    return;
  }
  const send = () => {
    if (mode === "tampered") {
      const t = bytes.slice();
      t[1000] = t[1000]! ^ 0xff;
      res.writeHead(200, { "content-length": t.length }).end(t);
    } else if (mode === "truncated") {
      res.writeHead(200, { "content-length": bytes.length });
      res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy());
    } else res.writeHead(200, { "content-length": bytes.length }).end(bytes);
  };
  if (delayMs) setTimeout(send, delayMs);
  else send();
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const port = (server.address() as { port: number }).port;
const base = (mode: string) => `http://127.0.0.1:${port}/${mode}`;
// an address nothing listens on: a server that was closed again
const closed = await new Promise<number>((r) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => r(p));
  });
});
const dirs: string[] = [];
const freshDir = async () => {
  const d = await mkdtemp(join(tmpdir(), "raptors-cache-"));
  dirs.push(d);
  return d;
};
const src = (mode: string, cacheDir: string) =>
  downloadSource({ manifest, baseUrl: base(mode), cacheDir });
/** A source whose server is unreachable: only its cache can serve. */
const offline = (cacheDir: string) =>
  downloadSource({ manifest, baseUrl: `http://127.0.0.1:${closed}`, cacheDir });

async function failsWith(p: unknown, re: RegExp, mode: string) {
  await assert.rejects(Promise.resolve(p), (e: unknown) => {
    assert.ok(e instanceof LibraryLoadError, String(e));
    assert.match(e.message, re);
    assert.ok(e.message.includes(key), `names the platform: ${e.message}`);
    if (mode) {
      assert.ok(
        e.message.includes(`${base(mode)}/v${manifest.version}/${file}`),
        `names the URL: ${e.message}`,
      );
    }
    return true;
  });
}

test("download: verified, cached, re-verified, loaded; warm cache works offline", async () => {
  const dir = await freshDir();
  const before = hits.good ?? 0;
  const path = await src("good", dir).path();
  assert.equal(path, join(dir, file));
  assert.deepEqual(await readFile(path!), Buffer.from(bytes));
  const lib = await loadLibrary([src("good", dir)]);
  assert.equal(lib.source, "prebuilt download");
  assert.ok(lib.symbols.rp_abi_version() > 0);
  lib.close();
  assert.equal(hits.good! - before, 1, "downloaded once, then cached");
  // offline: the cache alone serves
  assert.equal(await offline(dir).path(), path);
  // a tampered cache file is never used: replaced by a fresh download
  const t = bytes.slice();
  t[5] = t[5]! ^ 1;
  await writeFile(path!, t);
  await failsWith(
    offline(dir).path(),
    /download failed/,
    "",
  );
  assert.deepEqual(await readdir(dir), [], "the bad file was removed");
  assert.equal(await src("good", dir).path(), path);
  assert.deepEqual(await readFile(path!), Buffer.from(bytes));
});

test("a file: URL mirror (air-gapped hosts) works like HTTP", async () => {
  const mirror = await freshDir();
  await mkdir(join(mirror, `v${manifest.version}`));
  await writeFile(join(mirror, `v${manifest.version}`, file), bytes);
  const dir = await freshDir();
  const s = downloadSource({
    manifest,
    baseUrl: pathToFileURL(mirror).href,
    cacheDir: dir,
  });
  assert.equal(await s.path(), join(dir, file));
  assert.deepEqual(await readFile(join(dir, file)), Buffer.from(bytes));
});

test("download failures name platform, URL and fix; nothing is cached", async () => {
  for (
    const [mode, re] of [
      ["tampered", /checksum mismatch/],
      ["truncated", /cut off|truncated|bytes, the manifest says/],
      ["missing", /answered 404/],
    ] as const
  ) {
    const dir = await freshDir();
    await failsWith(src(mode, dir).path(), re, mode);
    assert.deepEqual(await readdir(dir), [], `${mode}: cache left empty`);
  }
  const dir = await freshDir();
  await failsWith(
    offline(dir).path(),
    /download failed.*RAPTORS_BASE_URL/s,
    "",
  );
  // a cache directory that cannot be created (its parent is a file)
  const parent = join(await freshDir(), "a-file");
  await writeFile(parent, "x");
  await failsWith(
    src("good", join(parent, "cache")).path(),
    /cache directory.*RAPTORS_CACHE_DIR/s,
    "",
  );
  // no binary for this platform in the manifest
  await assert.rejects(
    async () =>
      await downloadSource({
        manifest: { ...manifest, files: {} },
        cacheDir: dir,
      })
        .path(),
    /no prebuilt binary for .*RAPTORS_LIB_PATH/s,
  );
});

function child(
  env: Record<string, string>,
  denoFlags = [
    "--allow-ffi",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net=127.0.0.1",
  ],
): Promise<{ path?: string; abi?: number; error?: string }> {
  const script = decodeURIComponent(
    new URL("./fixtures/fetch_child.ts", import.meta.url).pathname,
  );
  const exe = runtime === "deno"
    ? (globalThis as unknown as { Deno: { execPath(): string } }).Deno
      .execPath()
    : process.execPath;
  const args = runtime === "deno" ? ["run", ...denoFlags, script] : [script];
  return new Promise((resolve, reject) => {
    const p = spawn(exe, args, { env: { ...process.env, ...env } });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", () => {
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1)!));
      } catch {
        reject(new Error(`child printed: ${out}`));
      }
    });
  });
}

test("concurrent first imports in 4 processes download once and all load", async () => {
  const dir = await freshDir();
  const mfile = join(dir, "..", `manifest-${crypto.randomUUID()}.json`);
  await writeFile(mfile, JSON.stringify(manifest));
  const env = {
    FETCH_CHILD_MANIFEST: mfile,
    RAPTORS_BASE_URL: base("slow"),
    RAPTORS_CACHE_DIR: dir,
  };
  delayMs = 400;
  try {
    const out = await Promise.all([1, 2, 3, 4].map(() => child(env)));
    for (const o of out) {
      assert.equal(o.error, undefined, o.error);
      assert.equal(o.path, join(dir, manifest.version, file));
      assert.ok(o.abi! > 0);
    }
    assert.equal(hits.slow, 1, "one download for four processes");
    assert.deepEqual((await readdir(join(dir, manifest.version))).sort(), [
      file,
    ]);
  } finally {
    delayMs = 0;
    await rm(mfile, { force: true });
  }
  if (runtime === "deno") {
    const d2 = await freshDir();
    await writeFile(mfile, JSON.stringify(manifest));
    const o = await child(
      { ...env, RAPTORS_BASE_URL: base("good"), RAPTORS_CACHE_DIR: d2 },
      ["--allow-ffi", "--allow-read", "--allow-write", "--allow-env"],
    );
    await rm(mfile, { force: true });
    assert.match(o.error ?? "", /--allow-net=127\.0\.0\.1/);
  }
});

test("download tests: stop the server", async () => {
  await new Promise((r) => server.close(r));
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
