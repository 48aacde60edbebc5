/**
 * The loader and its binary cache under attack (issue 14): every start
 * runs in a child process (`tests/_loader_child.ts`) against a release
 * server on loopback started here, so a hang, a crash or an attacker's
 * constructor stays there; a bounded timeout only guards against a hang.
 *
 * - A cache folder others can write (world- or group-writable, owned by
 *   another uid, a symlink) is refused with the path and the fix.
 * - At the library's name, a symlink to /dev/zero, a FIFO, a foreign or
 *   writable file is replaced by a fresh download, never read; a
 *   directory is refused.
 * - Locks with a future or old mtime, a dead owner, or that are FIFOs are
 *   broken; a live one is waited for, boundedly, with a typed error.
 * - An endless body is cut at the manifest's size and leaves no lock.
 * - Under umask 000 every folder the loader creates is 0700.
 * - `RAPTORS_MANIFEST` no longer replaces the trusted hashes;
 *   `RAPTORS_WASM_PATH` takes only a regular local file.
 * - A swap race (an attacker process renaming its library into the cache
 *   folder while the loader starts) never runs the attacker's code.
 *
 * The attacker library is a real shared object built here with `cc`
 * (those cases are skipped, and say so, where no C compiler exists). Set
 * LOADER_RACE_STARTS (default 10) for a longer race.
 */
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { execFileSync, spawn } from "node:child_process";
import {
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  truncate,
  utimes,
  writeFile,
} from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtime, test } from "./_shim.ts";
import { type Manifest, platformKey } from "../ffi/fetch.ts";
import { libraryFileName } from "../ffi/load.ts";

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const localLib = here(`../rust/target/release/${libraryFileName()}`);
const bytes = new Uint8Array(await readFile(localLib));
const hex = async (b: Uint8Array) =>
  Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", b.slice())),
    (x) => x.toString(16).padStart(2, "0"),
  ).join("");
const key = platformKey();
const file = `libraptors-${key}.bin`;
const version = "9.9.9-attack";
const manifest: Manifest = {
  version,
  baseUrl: "http://127.0.0.1:9/unused",
  files: { [key]: { file, sha256: await hex(bytes), size: bytes.length } },
};
const isLinux = key.startsWith("linux-");

const dirs: string[] = [];
const fresh = async (name = "raptors-attack-") => {
  const d = await mkdtemp(join(tmpdir(), name));
  dirs.push(d);
  return d;
};
const work = await fresh();
// our uid, as the owner of what we just created (Deno asks --allow-sys for
// process.getuid)
const uid = key.startsWith("windows") ? undefined : (await stat(work)).uid;
const manifestFile = join(work, "manifest.json");
await writeFile(manifestFile, JSON.stringify(manifest));
const marker = join(work, "PWNED");

// --- the attacker's library: its constructor leaves a marker file -------
let evil: Uint8Array | undefined;
let evilPath: string | undefined;
let noCc = "";
try {
  const c = join(work, "evil.c");
  evilPath = join(work, "evil.so");
  await writeFile(
    c,
    `#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void pwn(void) {
  const char *m = getenv("RAPTORS_ATTACK_MARKER");
  FILE *f = m ? fopen(m, "a") : NULL;
  if (f) { fputs("attacker constructor ran\\n", f); fclose(f); }
}
int rp_abi_version(void) { return 666; }
`,
  );
  execFileSync("cc", ["-shared", "-fPIC", "-o", evilPath, c], {
    stdio: "ignore",
  });
  // the real library's size, so only the hash tells them apart
  await truncate(evilPath, bytes.length);
  evil = new Uint8Array(await readFile(evilPath));
} catch (e) {
  noCc = `no C compiler (cc) to build the attacker library: ${e}`;
  evilPath = undefined;
}

// --- the release server: /<mode>/v<version>/<name> ---------------------
const hits: Record<string, number> = {};
let endlessSent = 0;
const held: import("node:http").ServerResponse[] = [];
const server: Server = createServer((req, res) => {
  const mode = (req.url ?? "").split("/")[1] ?? "";
  hits[mode] = (hits[mode] ?? 0) + 1;
  if (mode === "good") {
    res.writeHead(200, { "content-length": bytes.length }).end(bytes);
  } else if (mode === "evil" && evil) {
    res.writeHead(200, { "content-length": evil.length }).end(evil);
  } else if (mode === "bigcl") {
    res.writeHead(200, { "content-length": bytes.length * 1000 });
    res.write(bytes.subarray(0, 1 << 16));
  } else if (mode === "endless") {
    // chunked, never ending (up to 1 GiB): written as fast as it is read
    res.writeHead(200, { "content-type": "application/octet-stream" });
    const chunk = new Uint8Array(1 << 16).fill(7);
    const more = () => {
      while (!res.destroyed && endlessSent < 2 ** 30) {
        endlessSent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", more);
      }
      res.end();
    };
    res.on("close", () => res.destroy());
    more();
  } else if (mode === "hold") {
    held.push(res); // answered by the test, once it has seen what it waits for
  } else res.writeHead(404).end("not found");
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const port = (server.address() as { port: number }).port;
const base = (mode: string) => `http://127.0.0.1:${port}/${mode}`;

// --- children -------------------------------------------------------------
const exe = runtime === "deno"
  ? (globalThis as unknown as { Deno: { execPath(): string } }).Deno.execPath()
  : process.execPath;
const DENO_FLAGS = [
  "--allow-ffi",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-net=127.0.0.1",
];

interface Out {
  path?: string;
  loadPath?: string;
  abi?: number;
  error?: string;
  name?: string;
}

/**
 * One loader start in a child. `timeout` only ends a hung child (the
 * answer is then `{ error: "hung" }`, which no test accepts).
 */
function start(
  env: Record<string, string>,
  opts: { denoFlags?: string[]; umask000?: boolean; timeoutMs?: number } = {},
): Promise<Out> {
  const script = here("./_loader_child.ts");
  let cmd = exe;
  let args = runtime === "deno"
    ? ["run", ...(opts.denoFlags ?? DENO_FLAGS), script]
    : [script];
  if (opts.umask000) {
    args = ["-c", 'umask 000 && exec "$0" "$@"', exe, ...args];
    cmd = "sh";
  }
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, {
      env: {
        ...process.env,
        LOADER_MANIFEST: manifestFile,
        RAPTORS_ATTACK_MARKER: marker,
        ...env,
      },
    });
    let out = "";
    let hung = false;
    const guard = setTimeout(() => {
      hung = true;
      p.kill("SIGKILL");
    }, opts.timeoutMs ?? 60_000);
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", () => {
      clearTimeout(guard);
      if (hung) return resolve({ error: "hung" });
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1)!));
      } catch {
        reject(new Error(`child printed: ${out}`));
      }
    });
  });
}

/** A start with the cache root `root` and the release at `mode`. */
const startIn = (root: string, mode = "good", extra = {}, opts = {}) =>
  start(
    { RAPTORS_CACHE_DIR: root, RAPTORS_BASE_URL: base(mode), ...extra },
    opts,
  );

function loaded(o: Out, root: string) {
  assert.equal(o.error, undefined, `expected a load, got: ${o.error}`);
  assert.equal(o.path, join(root, version, file));
  assert.ok(o.abi! > 0 && o.abi !== 666, `abi ${o.abi}`);
}

function refused(o: Out, ...res: RegExp[]) {
  assert.notEqual(o.error, "hung", "the child hung");
  assert.equal(o.name, "LibraryLoadError", `typed error: ${o.error}`);
  for (const re of res) assert.match(o.error!, re);
}

const noMarker = () =>
  assert.ok(!existsSync(marker), "the attacker's constructor never ran");

/** Resolves once `ok()` holds, polling; `limitMs` only guards a hang. */
async function until(
  what: string,
  ok: () => boolean | Promise<boolean>,
  limitMs = 30_000,
) {
  const end = Date.now() + limitMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// --- tests ------------------------------------------------------------------
test("the attacker library is real: loaded directly, its constructor runs", async () => {
  if (!evilPath) return console.log(`skipped: ${noCc}`);
  const o = await start({
    LOADER_CHILD_MODE: "env",
    RAPTORS_LIB_PATH: evilPath,
  });
  assert.ok(
    existsSync(marker),
    `marker left (child said ${JSON.stringify(o)})`,
  );
  await rm(marker);
});

test("a cache folder others can write, or a symlink, is refused with the fix", async () => {
  // the version folder world-writable
  let root = await fresh();
  let v = join(root, version);
  await mkdir(v);
  await chmod(v, 0o777);
  refused(
    await startIn(root),
    new RegExp(`${escape(v)} is writable by everyone \\(mode 0777\\)`),
    new RegExp(`chmod 700 ${escape(v)}`),
    /RAPTORS_CACHE_DIR to a private directory/,
  );
  assert.deepEqual(await readdir(v), [], "nothing written there");
  // group-writable
  await chmod(v, 0o770);
  refused(await startIn(root), /writable by its group \(mode 0770\)/);
  // the root world-writable (its version folder fine)
  root = await fresh();
  await chmod(root, 0o777);
  refused(
    await startIn(root),
    new RegExp(`${escape(root)} is writable by everyone`),
  );
  // owned by another user (root can chown; others skip this case)
  if (uid !== undefined) {
    root = await fresh();
    v = join(root, version);
    await mkdir(v, { mode: 0o755 });
    let chowned = true;
    await chown(v, 65534, 65534).catch(() => (chowned = false));
    if (chowned) {
      const re = new RegExp(
        `${escape(v)} is owned by uid 65534, not by this user \\(uid ${uid}\\)`,
      );
      refused(await startIn(root), re);
      if (runtime === "deno") {
        // the uid from --allow-sys=uid instead of a probe file
        refused(
          await startIn(root, "good", {}, {
            denoFlags: [...DENO_FLAGS, "--allow-sys=uid"],
          }),
          re,
        );
      }
      assert.deepEqual(await readdir(v), []);
    } else console.log("skipped the foreign-owner case: cannot chown here");
  }
  // the version folder a symlink to another (private) folder
  root = await fresh();
  const elsewhere = await fresh();
  await symlink(elsewhere, join(root, version));
  refused(
    await startIn(root),
    new RegExp(`${escape(join(root, version))} is a symbolic link`),
  );
  assert.deepEqual(await readdir(elsewhere), [], "nothing written through it");
  // RAPTORS_CACHE_DIR itself a symlink
  const link = join(await fresh(), "cache");
  await symlink(elsewhere, link);
  refused(await startIn(link), /is a symbolic link/);
  noMarker();
});

test("a symlink to /dev/zero or a FIFO at the library's name is replaced, never read", async () => {
  for (const kind of ["symlink", "fifo", "foreign", "writable"] as const) {
    const root = await fresh();
    const v = join(root, version);
    await mkdir(v, { mode: 0o700 });
    const target = join(v, file);
    if (kind === "symlink") await symlink("/dev/zero", target);
    else if (kind === "fifo") execFileSync("mkfifo", [target]);
    else {
      // the right bytes, but a file another user owns or anyone can write
      await writeFile(target, bytes);
      if (kind === "writable") await chmod(target, 0o666);
      else if (uid === undefined) continue;
      else if (
        !(await chown(target, 65534, 65534).then(() => true, () => false))
      ) {
        continue;
      }
    }
    const before = hits.good ?? 0;
    const o = await startIn(root);
    loaded(o, root);
    assert.equal(hits.good! - before, 1, `${kind}: fetched again`);
    const s = await lstat(target);
    assert.ok(s.isFile(), `${kind}: now a regular file`);
    assert.equal(s.mode & 0o022, 0);
    if (uid !== undefined) assert.equal(s.uid, uid);
    assert.deepEqual(await readdir(v), [file], `${kind}: no lock or temp left`);
  }
  // a directory there is not ours to delete: refused
  const root = await fresh();
  await mkdir(join(root, version, file), { recursive: true, mode: 0o700 });
  await chmod(join(root, version), 0o700);
  refused(await startIn(root), /is a directory, not the cached library.*rm -r/);
});

test("a lock with a future or old mtime, a dead owner, or not a file is broken", async () => {
  // a process that has exited: its pid is free
  const dead = await new Promise<number>((r) => {
    const p = spawn("true");
    p.on("close", () => r(p.pid!));
  });
  const cases: [string, (lock: string) => unknown, object][] = [
    ["future mtime", async (lock) => {
      await writeFile(lock, JSON.stringify({ pid: process.pid, token: "t" }));
      const t = new Date(Date.now() + 86_400_000);
      await utimes(lock, t, t);
    }, {}],
    ["old mtime", async (lock) => {
      await writeFile(lock, JSON.stringify({ pid: process.pid, token: "t" }));
      const t = new Date(Date.now() - 3_600_000);
      await utimes(lock, t, t);
    }, {}],
    // fresh and never stale by age: only the owner check can break it
    ["dead owner", async (lock) => {
      await writeFile(lock, JSON.stringify({ pid: dead, token: "t" }));
    }, { lockStaleMs: 3_600_000 }],
    ["a FIFO", (lock) => execFileSync("mkfifo", [lock]), {
      lockStaleMs: 3_600_000,
    }],
    ["a symlink to /dev/zero", async (lock) => {
      await symlink("/dev/zero", lock);
    }, { lockStaleMs: 3_600_000 }],
  ];
  for (const [name, plant, opts] of cases) {
    const root = await fresh();
    const v = join(root, version);
    await mkdir(v, { mode: 0o700 });
    await plant(join(v, `${file}.lock`));
    const o = await startIn(root, "good", {
      LOADER_OPTS: JSON.stringify(opts),
    });
    assert.equal(o.error, undefined, `${name}: ${o.error}`);
    loaded(o, root);
    assert.deepEqual(await readdir(v), [file], `${name}: the lock is gone`);
  }
});

test("a live lock is waited for, at most lockWaitMs, then a typed error names it", async () => {
  const root = await fresh();
  const v = join(root, version);
  await mkdir(v, { mode: 0o700 });
  const lock = join(v, `${file}.lock`);
  const content = JSON.stringify({ pid: process.pid, token: "held" });
  await writeFile(lock, content);
  const o = await startIn(root, "good", {
    LOADER_OPTS: JSON.stringify({ lockWaitMs: 200, lockStaleMs: 3_600_000 }),
  });
  refused(
    o,
    /waited 200 ms for another process/,
    new RegExp(`lock file ${escape(lock)}`),
    new RegExp(`remove ${escape(lock)} if no raptors process is running`),
  );
  assert.equal(await readFile(lock, "utf8"), content, "not ours: left alone");
});

test("the downloading process refreshes its lock while the download runs", async () => {
  const root = await fresh();
  const lock = join(root, version, `${file}.lock`);
  const child = startIn(root, "hold");
  await until("the download started", () => held.length > 0);
  const first = (await stat(lock)).mtimeMs;
  await until(
    "the lock's mtime moved",
    async () => (await stat(lock)).mtimeMs > first,
  );
  held.shift()!.writeHead(200, { "content-length": bytes.length }).end(bytes);
  loaded(await child, root);
  assert.ok(!existsSync(lock), "released");
});

test("Deno with a scoped --allow-ffi loads the checked file by its path", async () => {
  if (runtime !== "deno") return;
  const root = await fresh();
  const flags = DENO_FLAGS.map((f) =>
    f === "--allow-ffi" ? `--allow-ffi=${root}` : f
  );
  const o = await startIn(root, "good", {}, { denoFlags: flags });
  loaded(o, root);
  assert.equal(o.loadPath, o.path, "no /proc/self/fd grant: the path itself");
  const again = await startIn(root, "good", {}, { denoFlags: DENO_FLAGS });
  loaded(again, root);
  if (isLinux) assert.match(again.loadPath!, /^\/proc\/self\/fd\/\d+$/);
});

test("an endless or oversized body is cut at the manifest's size and leaves no lock", async () => {
  const root = await fresh();
  const v = join(root, version);
  refused(
    await startIn(root, "endless"),
    new RegExp(`longer than the ${bytes.length} bytes the manifest says`),
    /nothing was cached/,
  );
  assert.ok(endlessSent < 64 * 2 ** 20, `server sent ${endlessSent} bytes`);
  assert.deepEqual(await readdir(v), [], "no lock, no temp file");
  refused(
    await startIn(root, "bigcl"),
    new RegExp(`Content-Length ${bytes.length * 1000}`),
  );
  assert.deepEqual(await readdir(v), []);
  // the next start is not held up by anything the failures left
  loaded(await startIn(root, "good"), root);
});

test("under umask 000 every folder the loader creates is 0700", async () => {
  const root = join(await fresh(), "made", "by", "loader");
  const o = await startIn(root, "good", {}, { umask000: true });
  loaded(o, root);
  for (
    const d of [
      join(root, "..", ".."),
      join(root, ".."),
      root,
      join(root, version),
    ]
  ) {
    assert.equal(((await stat(d)).mode & 0o777).toString(8), "700", d);
  }
  assert.equal((await stat(join(root, version, file))).mode & 0o022, 0);
});

test("RAPTORS_MANIFEST no longer replaces the trusted hashes", async () => {
  if (!evil) return console.log(`skipped: ${noCc}`);
  // a manifest that vouches for the attacker's file, for the shipped
  // version and file names, which the loader must ignore
  const shipped: Manifest = JSON.parse(
    await readFile(here("../ffi/manifest.json"), "utf8"),
  );
  const fake = join(work, "fake-manifest.json");
  await writeFile(
    fake,
    JSON.stringify({
      ...shipped,
      files: {
        [key]: {
          file: shipped.files[key]?.file ?? file,
          sha256: await hex(evil),
          size: evil.length,
        },
      },
    }),
  );
  const root = await fresh();
  const o = await start({
    LOADER_MANIFEST: "",
    RAPTORS_MANIFEST: fake,
    RAPTORS_CACHE_DIR: root,
    RAPTORS_BASE_URL: base("evil"),
  });
  refused(
    o,
    /checksum mismatch|bytes, the manifest says|longer than|no prebuilt binary/,
  );
  noMarker();
});

test("RAPTORS_WASM_PATH takes only a regular local file", async () => {
  const wasm = here("../wasm/raptors.wasm");
  if (!existsSync(wasm)) return console.log("skipped: no wasm/raptors.wasm");
  const w = (path: string) =>
    start({
      LOADER_CHILD_MODE: "wasm",
      RAPTORS_WASM_PATH: path,
      RAPTORS_NUM_THREADS: "1",
      RAPTORS_WASM_MEMORY_MB: "64",
    });
  const before = hits.wasm ?? 0;
  refused(
    await w(`${base("wasm")}/raptors.wasm`),
    /RAPTORS_WASM_PATH=http:.* is not a local file.*no integrity check/,
  );
  assert.equal(hits.wasm ?? 0, before, "nothing was fetched");
  const fifo = join(await fresh(), "raptors.wasm");
  execFileSync("mkfifo", [fifo]);
  refused(await w(fifo), /is a FIFO, not a regular file/);
  refused(await w("/dev/zero"), /is a device, not a regular file/);
  refused(await w(tmpdir()), /is a directory, not a regular file/);
  // a real file, by a path with characters a URL would misread
  const odd = join(await fresh(), "a #b%20");
  await mkdir(odd);
  await writeFile(join(odd, "raptors.wasm"), await readFile(wasm));
  const o = await w(join(odd, "raptors.wasm"));
  assert.equal(o.error, undefined, o.error);
  assert.ok(o.abi! > 0);
});

const STARTS = Number(process.env.LOADER_RACE_STARTS ?? 10);

/** Runs the attacker against `target` while `n` loader starts run. */
async function race(
  target: string,
  n: number,
  each: (o: Out) => void,
): Promise<{ swaps: number; failed: number }> {
  const stop = join(work, `stop-${crypto.randomUUID()}`);
  const args = runtime === "deno"
    ? ["run", "--allow-read", "--allow-write", here("./_swap_attacker.ts")]
    : [here("./_swap_attacker.ts")];
  const attacker = spawn(exe, [...args, evilPath!, target, stop]);
  let said = "";
  const done = new Promise<string>((r) => attacker.on("close", () => r(said)));
  await new Promise<void>((r, j) => {
    attacker.stdout.on("data", (d) => {
      said += d;
      if (said.includes("ready")) r();
    });
    attacker.on("close", () => j(new Error(`attacker exited: ${said}`)));
  });
  try {
    for (let i = 0; i < n; i++) each(await startIn(join(target, "..", "..")));
  } finally {
    await writeFile(stop, "");
  }
  return JSON.parse((await done).trim().split("\n").at(-1)!);
}

test(`swap race, writable cache folder: ${STARTS} starts, all refused, attacker never loaded`, async () => {
  if (!evilPath) return console.log(`skipped: ${noCc}`);
  const root = await fresh();
  const v = join(root, version);
  await mkdir(v);
  await chmod(v, 0o777);
  const target = join(v, file);
  const r = await race(
    target,
    STARTS,
    (o) => refused(o, /writable by everyone/),
  );
  assert.ok(r.swaps > 0, "the attacker was swapping");
  noMarker();
  console.log(`writable folder: ${STARTS} starts refused, ${r.swaps} swaps`);
});

test(`swap race, private folder, same-uid attacker: ${STARTS} starts load only verified bytes`, async () => {
  if (!evilPath) return console.log(`skipped: ${noCc}`);
  if (!isLinux) return console.log("skipped: descriptor loading is Linux-only");
  // the permission checks cannot stop a process of the same user: loading
  // the verified descriptor must
  const root = await fresh();
  const v = join(root, version);
  await mkdir(v, { mode: 0o700 });
  const target = join(v, file);
  let fd = 0;
  const r = await race(target, STARTS, (o) => {
    loaded(o, root);
    if (o.loadPath?.startsWith("/proc/self/fd/")) fd++;
  });
  assert.equal(fd, STARTS, "every start loaded its verified descriptor");
  assert.ok(r.swaps > 0, "the attacker was swapping");
  noMarker();
  console.log(`private folder: ${STARTS} starts loaded, ${r.swaps} swaps`);
});

test("loader attacks: stop the server", async () => {
  await new Promise((r) => server.close(r));
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
