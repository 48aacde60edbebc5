/**
 * The prebuilt-binary source of the loader: the library for this platform,
 * downloaded from the release of this package's version, verified against
 * the SHA-256 in the manifest shipped with the package (`manifest.json`),
 * and kept in a per-version cache that this user alone controls.
 *
 * - URL: `<base>/v<version>/<file>`, base from `RAPTORS_BASE_URL` (mirrors,
 *   air-gapped hosts; `file:` URLs work too) or the manifest's `baseUrl`.
 *   The manifest is the trust anchor: it ships with the package and no
 *   environment variable replaces it (tests pass
 *   {@link DownloadOptions.manifest}).
 * - Cache: the root is `RAPTORS_CACHE_DIR`, else `raptors/` in Deno's cache
 *   dir (`DENO_DIR`, or `$XDG_CACHE_HOME/deno`, `~/.cache/deno`,
 *   `~/Library/Caches/deno`, `%LOCALAPPDATA%\deno`) for Deno and in the OS
 *   cache dir for Bun; the files go to `<root>/<version>/`.
 * - Every directory the loader creates is made mode 0700 (whatever the
 *   umask), and the root and the version folder are checked with `lstat`
 *   before use: a real directory (not a symlink), owned by this user, not
 *   writable by group or others. Anything else is a
 *   {@link LibraryLoadError} naming the directory and the fix.
 * - A cached entry is used only if it is a regular file owned by this user,
 *   not writable by others, of the manifest's size (checked before a byte
 *   is read), whose bytes, read through one descriptor, match the SHA-256.
 *   Anything else in the version folder under the library's name (a
 *   symlink, a FIFO, a device, a wrong or tampered file) is deleted and
 *   fetched again; a directory there is refused.
 * - What is loaded is what was verified: on Linux the loader `dlopen`s
 *   `/proc/self/fd/<n>` of the very descriptor whose bytes it hashed (or
 *   wrote, after a download), so renaming another file into the cache
 *   between the check and the load changes nothing.
 * - Downloads are read into a buffer of the manifest's size and stopped
 *   as soon as the body is longer; verified, written to a fresh temporary
 *   file (created exclusively, fsynced) and renamed into place. Concurrent
 *   first imports serialize on a lock file (`<file>.lock`): one process
 *   downloads and refreshes the lock's mtime every
 *   {@link LOCK_HEARTBEAT_MS}; the others wait at most
 *   {@link LOCK_WAIT_MS}. A lock whose owner process is gone, whose mtime
 *   is in the future or older than {@link LOCK_STALE_MS}, or that is not a
 *   regular file, is broken. The lock only avoids duplicate downloads:
 *   every writer renames a complete verified file, so two downloads at
 *   once are harmless.
 *
 * @module
 */
import { LibraryLoadError } from "../src/errors.ts";
import type { LibrarySource, VerifiedLibrary } from "./load.ts";
import { libraryFileName, readEnv } from "./load.ts";
import shipped from "./manifest.json" with { type: "json" };
import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";

/** One prebuilt binary in the manifest. */
export interface ManifestEntry {
  /** The release asset's file name. */
  file: string;
  /** Lowercase hex SHA-256 of its bytes. */
  sha256: string;
  /** Its size in bytes. */
  size: number;
}

/** `ffi/manifest.json`: written by `scripts/release.sh`. */
export interface Manifest {
  version: string;
  baseUrl: string;
  /** By platform key (see {@link platformKey}). */
  files: Record<string, ManifestEntry>;
}

/** How often the downloading process refreshes its lock's mtime. */
export const LOCK_HEARTBEAT_MS = 2_000;

/** A lock not refreshed for this long belongs to a process that died. */
export const LOCK_STALE_MS = 10_000;

/** How long a process waits for another one's download, at most. */
export const LOCK_WAIT_MS = 30_000;

/** A lock mtime this far ahead of the clock is bogus (broken at once). */
const LOCK_FUTURE_MS = 2_000;

/** `linux-x64-gnu`, `linux-arm64-musl`, `darwin-arm64`, `windows-x64`. */
export function platformKey(): string {
  const g = globalThis as {
    Deno?: { build: { os: string; arch: string; target: string } };
    process?: {
      platform: string;
      arch: string;
      report?: { getReport(): { header?: { glibcVersionRuntime?: string } } };
    };
  };
  let os: string, arch: string;
  if (g.Deno) {
    os = g.Deno.build.os;
    arch = g.Deno.build.arch === "aarch64" ? "arm64" : "x64";
  } else {
    os = g.process?.platform === "win32"
      ? "windows"
      : (g.process?.platform ?? "unknown");
    arch = g.process?.arch === "arm64" ? "arm64" : "x64";
  }
  if (os !== "linux") return `${os}-${arch}`;
  return `linux-${arch}-${isMusl() ? "musl" : "gnu"}`;
}

function isMusl(): boolean {
  const g = globalThis as {
    Deno?: { build: { target: string } };
    process?: {
      report?: { getReport(): { header?: { glibcVersionRuntime?: string } } };
    };
  };
  // Deno reports the libc it was built for; a glibc Deno does not run on
  // musl, so it is the libc of this host
  if (g.Deno) return g.Deno.build.target.endsWith("musl");
  try {
    const h = g.process?.report?.getReport().header;
    if (h) return h.glibcVersionRuntime === undefined;
  } catch {
    // no process.report: assume glibc
  }
  return false;
}

// node: modules are loaded on first use, so importing raptors in a place
// without them (edge workers: the wasm backend) never touches them
type Fs = typeof import("node:fs/promises");
type Handle = FileHandle;
let fsp: Fs;
let homedir: () => string;
let join: (...p: string[]) => string;
let dirname: (p: string) => string;
let resolve: (...p: string[]) => string;
let mkdir: Fs["mkdir"], open: Fs["open"], lstat: Fs["lstat"];
let rename: Fs["rename"], rm: Fs["rm"], chmod: Fs["chmod"];
/** `O_NOFOLLOW | O_NONBLOCK` where the platform has them (not Windows). */
let noFollow = 0, nonBlock = 0, rdOnly = 0;

async function nodeModules(): Promise<void> {
  if (fsp) return;
  fsp = await import("node:fs/promises");
  ({ mkdir, open, lstat, rename, rm, chmod } = fsp);
  const c = (await import("node:fs")).constants;
  noFollow = c.O_NOFOLLOW ?? 0;
  nonBlock = c.O_NONBLOCK ?? 0;
  rdOnly = c.O_RDONLY ?? 0;
  homedir = (await import("node:os")).homedir;
  ({ join, dirname, resolve } = await import("node:path"));
}

const isWindows = () => platformKey().startsWith("windows");

/**
 * The cache root: `RAPTORS_CACHE_DIR`, else `raptors` in the runtime's
 * cache directory (see the module doc). Its `<version>` folder holds the
 * files.
 */
export async function cacheRoot(): Promise<string> {
  await nodeModules();
  const override = readEnv("RAPTORS_CACHE_DIR");
  if (override) return override;
  const g = globalThis as { Deno?: unknown };
  const os = platformKey().split("-")[0];
  let base: string;
  const home = () => {
    try {
      return homedir();
    } catch {
      return ".";
    }
  };
  if (os === "windows") {
    base = readEnv("LOCALAPPDATA") ?? join(home(), "AppData", "Local");
  } else if (os === "darwin") base = join(home(), "Library", "Caches");
  else base = readEnv("XDG_CACHE_HOME") || join(home(), ".cache");
  if (g.Deno) {
    const denoDir = readEnv("DENO_DIR");
    base = denoDir ? denoDir : join(base, "deno");
  }
  return join(base, "raptors");
}

/** The cache directory for `version` (see the module doc). */
export async function cacheDir(version: string): Promise<string> {
  return join(await cacheRoot(), version);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function code(e: unknown): string | undefined {
  const c = (e as { code?: string })?.code;
  if (c) return c;
  // Deno's node:fs sometimes leaves `code` unset but names it
  if (!(e instanceof Error)) return undefined;
  const m = /\b(ENOENT|EEXIST|ELOOP|ESRCH|EPERM|EACCES|ENOTDIR)\b/.exec(
    e.message,
  );
  if (m) return m[1];
  if (/not found|No such file/i.test(e.message)) return "ENOENT";
  if (/File exists|already exists/i.test(e.message)) return "EEXIST";
  return undefined;
}

function isPermission(e: unknown): boolean {
  const errors = (globalThis as {
    Deno?: { errors: { NotCapable?: unknown; PermissionDenied?: unknown } };
  }).Deno?.errors;
  for (const cls of [errors?.NotCapable, errors?.PermissionDenied]) {
    if (typeof cls === "function" && e instanceof cls) return true;
  }
  return false;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Whether Deno would grant `desc` without asking (true outside Deno). */
function granted(desc: { name: string; [k: string]: unknown }): boolean {
  const d = (globalThis as {
    Deno?: {
      permissions: { querySync(d: unknown): { state: string } };
    };
  }).Deno;
  if (!d) return true;
  try {
    return d.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Who we are, and whether a directory is ours

let uidMemo: number | undefined | null = null;

/**
 * This process's uid, or undefined where it cannot be known: Windows (no
 * uids), or Deno with neither `--allow-sys=uid` nor write permission to
 * `probeDir` (with it, the uid is read off a file created there and
 * removed). "unwritable" if the system refused that file: then `probeDir`
 * is not this user's.
 */
async function currentUid(
  probeDir: string,
): Promise<number | undefined | "unwritable"> {
  if (uidMemo !== null) return uidMemo;
  if (isWindows()) return uidMemo = undefined;
  const p = (globalThis as { process?: { getuid?: () => number } }).process;
  const g = globalThis as { Deno?: unknown };
  if (
    typeof p?.getuid === "function" &&
    (!g.Deno || granted({ name: "sys", kind: "uid" }))
  ) {
    try {
      return uidMemo = p.getuid();
    } catch {
      // not permitted after all: probe
    }
  }
  if (!granted({ name: "write", path: probeDir })) return undefined;
  const probe = join(probeDir, `.raptors-uid-${crypto.randomUUID()}`);
  let h: Handle | undefined;
  try {
    h = await open(probe, "wx", 0o600);
    return uidMemo = (await h.stat()).uid;
  } catch (e) {
    return code(e) === "EACCES" || code(e) === "EPERM"
      ? "unwritable"
      : undefined;
  } finally {
    await h?.close();
    if (h) await rm(probe, { force: true });
  }
}

type Fail = (what: string, fix: string, cause?: unknown) => never;

const PRIVATE_FIX = "set RAPTORS_CACHE_DIR to a private directory";

/** Throws unless `dir` is a real directory this user alone can write. */
async function checkDir(
  dir: string,
  uid: number | undefined,
  fail: Fail,
): Promise<void> {
  let s: Stats;
  try {
    s = await lstat(dir);
  } catch (e) {
    return permissionOr(
      e,
      dir,
      fail,
      `cannot inspect the cache directory ${dir} (${message(e)})`,
    );
  }
  if (s.isSymbolicLink()) {
    fail(
      `the cache directory ${dir} is a symbolic link; raptors caches only ` +
        "in a real directory it owns, since a link can be re-pointed",
      `Replace the link with a directory (rm ${dir} && mkdir -m 700 ${dir}), or ${PRIVATE_FIX}`,
    );
  }
  if (!s.isDirectory()) {
    fail(
      `the cache path ${dir} is not a directory`,
      `Remove it, or ${PRIVATE_FIX}`,
    );
  }
  // Windows has no uids or mode bits to check (ACLs decide there); the
  // symlink and file-type checks above and below still apply
  if (isWindows()) return;
  if (uid !== undefined && s.uid !== uid) {
    fail(
      `the cache directory ${dir} is owned by uid ${s.uid}, not by this ` +
        `user (uid ${uid}), who could then replace what raptors loads`,
      `Use a directory you own (chown ${uid} ${dir} && chmod 700 ${dir}), or ${PRIVATE_FIX}`,
    );
  }
  if ((s.mode & 0o022) !== 0) {
    const who = (s.mode & 0o002) ? "everyone" : "its group";
    fail(
      `the cache directory ${dir} is writable by ${who} (mode ${
        (s.mode & 0o7777).toString(8).padStart(4, "0")
      }), who could then replace what raptors loads`,
      `Run chmod 700 ${dir}, or ${PRIVATE_FIX}`,
    );
  }
}

function permissionOr(
  e: unknown,
  dir: string,
  fail: Fail,
  what: string,
): never {
  if (isPermission(e)) {
    fail(
      `no permission to use the cache directory ${dir}`,
      `Run Deno with --allow-read=${dir} --allow-write=${dir}, or set RAPTORS_CACHE_DIR`,
      e,
    );
  }
  return fail(
    what,
    "Set RAPTORS_CACHE_DIR to a writable directory, or RAPTORS_LIB_PATH to a downloaded file",
    e,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if (code(e) === "ENOENT") return false;
    throw e;
  }
}

/**
 * Creates what is missing of `dir` (0700, chmod after mkdir so the umask
 * cannot widen or narrow it) and checks `root` and every folder from it
 * down to `dir`. Returns this user's uid where it is known.
 */
async function privateDir(
  root: string,
  dir: string,
  fail: Fail,
): Promise<number | undefined> {
  // root, its subfolders, dir: created if missing, then checked
  const chain: string[] = [];
  for (let p = dir;; p = dirname(p)) {
    chain.unshift(p);
    if (p === root || dirname(p) === p) break;
  }
  // missing folders above the root: created private, not checked (the
  // user chose the root's place; on Linux the loaded descriptor and the
  // files' owner checks hold even if they were swapped)
  const above: string[] = [];
  for (let p = dirname(root); dirname(p) !== p; p = dirname(p)) {
    if (await exists(p).catch(() => true)) break;
    above.unshift(p);
  }
  for (const p of above) await makePrivate(p, fail);
  let uid: number | undefined;
  for (const p of chain) {
    // a warm start may have no write permission (Deno): mkdir only if missing
    if (!(await exists(p).catch(() => true))) await makePrivate(p, fail);
    if (p === chain[0]) {
      const u = await currentUid(p);
      if (u === "unwritable") {
        fail(
          `this user cannot write the cache directory ${p}, so it is not theirs`,
          `Use a directory you own, or ${PRIVATE_FIX}`,
        );
      }
      uid = u;
    }
    await checkDir(p, uid, fail);
  }
  return uid;
}

/** `mkdir` 0700, then `chmod` 0700: the umask can neither widen nor narrow it. */
async function makePrivate(p: string, fail: Fail): Promise<void> {
  try {
    await mkdir(p, { mode: 0o700 });
    await chmod(p, 0o700); // ours: mkdir succeeded
  } catch (e) {
    if (code(e) === "EEXIST") return; // another process made it: checked next
    permissionOr(
      e,
      p,
      fail,
      `cannot create the cache directory ${p} (${message(e)})`,
    );
  }
}

// ---------------------------------------------------------------------------
// Regular files, read with a bound

/** An open regular file and what `fstat` said about it. */
interface Opened {
  handle: Handle;
  stat: Stats;
}

/**
 * Opens `path` read-only if it is a regular file: with `noLinks`, `lstat`
 * first and `O_NOFOLLOW` (a symlink is refused, not followed); always
 * `O_NONBLOCK` (a FIFO cannot hang the open) and an `fstat` of the
 * descriptor that must show a regular file (the same one `lstat` saw).
 * Returns a string saying what is there instead, or undefined if nothing.
 */
async function openRegular(
  path: string,
  noLinks: boolean,
): Promise<Opened | string | undefined> {
  let before: Stats | undefined;
  if (noLinks) {
    try {
      before = await lstat(path);
    } catch (e) {
      if (code(e) === "ENOENT") return undefined;
      throw e;
    }
    const kind = fileKind(before);
    if (kind) return kind;
  }
  let handle: Handle;
  try {
    handle = await open(path, rdOnly | nonBlock | (noLinks ? noFollow : 0));
  } catch (e) {
    if (code(e) === "ENOENT") return undefined;
    if (code(e) === "ELOOP") return "a symbolic link";
    throw e;
  }
  try {
    const stat = await handle.stat();
    const kind = fileKind(stat) ??
      (before && (before.ino !== stat.ino || before.dev !== stat.dev)
        ? "a file replaced while it was opened"
        : undefined);
    if (!kind) return { handle, stat };
    await handle.close();
    return kind;
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** What a non-regular file is ("a FIFO"), or undefined for a regular one. */
function fileKind(s: Stats): string | undefined {
  if (s.isFile()) return undefined;
  if (s.isSymbolicLink()) return "a symbolic link";
  if (s.isDirectory()) return "a directory";
  if (s.isFIFO()) return "a FIFO";
  if (s.isSocket()) return "a socket";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  return "not a regular file";
}

/**
 * Reads exactly `size` bytes from the start of `h` into a new buffer; undefined
 * if the file is shorter or longer (it is never read past `size + 1`).
 */
async function readExactly(
  h: Handle,
  size: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const out = new Uint8Array(size);
  let n = 0;
  while (n < size) {
    const { bytesRead } = await h.read(out, n, size - n, n);
    if (bytesRead === 0) return undefined;
    n += bytesRead;
  }
  const extra = await h.read(new Uint8Array(1), 0, 1, size);
  return extra.bytesRead === 0 ? out : undefined;
}

/**
 * The bytes of the local file `path` (symlinks followed: the user named
 * it), which must be a regular file of at most `maxBytes`; a FIFO, device
 * or directory is refused before a byte is read. For `RAPTORS_WASM_PATH`
 * and `file:` mirrors.
 *
 * @throws {Error} naming the path and what is wrong with it.
 */
export async function readRegularFile(
  path: string,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  await nodeModules();
  const got = await openRegular(path, false);
  if (got === undefined) throw new Error(`${path} does not exist`);
  if (typeof got === "string") {
    throw new Error(`${path} is ${got}, not a regular file`);
  }
  try {
    const size = got.stat.size;
    if (size > maxBytes) {
      throw new Error(
        `${path} has ${size} bytes, more than the ${maxBytes} expected`,
      );
    }
    const bytes = await readExactly(got.handle, size);
    if (!bytes) throw new Error(`${path} changed size while it was read`);
    return bytes;
  } finally {
    await got.handle.close();
  }
}

// ---------------------------------------------------------------------------
// The download source

/** Options of {@link downloadSource} (defaults from the environment). */
export interface DownloadOptions {
  /** The trust anchor (default: the manifest shipped with the package). */
  manifest?: Manifest;
  baseUrl?: string;
  /**
   * The folder for the files (default `<root>/<version>`, see
   * {@link cacheRoot}); checked like the root.
   */
  cacheDir?: string;
  /** Abort a download after this long (default 120 s). */
  timeoutMs?: number;
  /** Wait at most this long for another process's download (default {@link LOCK_WAIT_MS}). */
  lockWaitMs?: number;
  /** Break a lock not refreshed for this long (default {@link LOCK_STALE_MS}). */
  lockStaleMs?: number;
}

/**
 * The download-and-cache source. Its `verified()` holds the verified
 * library open for the loader (see the module doc); `path()` returns the
 * verified cached file (downloading it first if needed). Both throw a
 * {@link LibraryLoadError} that names the platform, the URL and the fix.
 */
export function downloadSource(options: DownloadOptions = {}): LibrarySource {
  const verified = () => acquire(options);
  return {
    name: "prebuilt download",
    explicit: false,
    verified,
    async path() {
      const v = await verified();
      await v.release();
      return v.path;
    },
  };
}

async function acquire(options: DownloadOptions): Promise<VerifiedLibrary> {
  await nodeModules();
  const manifest = options.manifest ?? shipped as Manifest;
  const key = platformKey();
  const entry = manifest.files[key];
  const base = (options.baseUrl ?? readEnv("RAPTORS_BASE_URL") ??
    manifest.baseUrl).replace(/\/+$/, "");
  if (!entry) {
    throw new LibraryLoadError(
      `raptors ${manifest.version} has no prebuilt binary for ${key} ` +
        `(available: ${Object.keys(manifest.files).join(", ") || "none"}); ` +
        "build it from source (`cargo build --release --manifest-path " +
        "rust/Cargo.toml`) and set RAPTORS_LIB_PATH",
    );
  }
  const url = `${base}/v${manifest.version}/${entry.file}`;
  const fail: Fail = (what, fix, cause) => {
    throw new LibraryLoadError(
      `raptors could not get its native library for ${key} from ${url}: ` +
        `${what}. ${fix}`,
      [],
      cause === undefined ? undefined : { cause },
    );
  };
  const root = resolve(options.cacheDir ?? await cacheRoot());
  const dir = options.cacheDir ? root : join(root, manifest.version);
  const uid = await privateDir(root, dir, fail);
  const target = join(
    dir,
    entry.file.replace(/^.*[\\/]/, "") || libraryFileName(),
  );
  const lock = `${target}.lock`;
  const waitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
  const staleMs = options.lockStaleMs ?? LOCK_STALE_MS;
  let waitUntil: number | undefined;
  for (;;) {
    // 1. a verified cached file, held open
    const cached = await cachedFile(target, entry, uid, fail);
    if (cached) return held(target, cached);
    // 2. take the lock, or wait for whoever holds it
    const mine = await takeLock(lock, fail, dir);
    if (!mine) {
      const stale = await staleLock(lock, staleMs);
      if (stale) {
        await rm(lock, { force: true });
        continue;
      }
      const now = Date.now();
      waitUntil ??= now + waitMs;
      if (now > waitUntil) {
        fail(
          `waited ${
            waitMs < 1000 ? `${waitMs} ms` : `${Math.round(waitMs / 1000)} s`
          } for another process ` +
            `downloading into ${dir} (its lock file ${lock} is still held and refreshed)`,
          `Start again once it is done, or remove ${lock} if no raptors process is running`,
        );
      }
      await sleep(50);
      continue;
    }
    try {
      // someone may have finished between our check and the lock
      const again = await cachedFile(target, entry, uid, fail);
      if (again) return held(target, again);
      const bytes = await download(url, entry, options.timeoutMs, fail);
      const tmp = `${target}.${crypto.randomUUID()}.tmp`;
      let h: Handle | undefined;
      try {
        // read-write: this descriptor is what gets loaded
        h = await open(tmp, "wx+", 0o755);
        await h.writeFile(bytes);
        await h.sync();
        await rename(tmp, target);
      } catch (e) {
        await h?.close();
        await rm(tmp, { force: true });
        fail(
          `cannot write into the cache directory ${dir} (${message(e)})`,
          "Set RAPTORS_CACHE_DIR to a writable directory",
          e,
        );
      }
      return held(target, h!);
    } finally {
      await mine.release();
    }
  }
}

/**
 * The cached library, open, if it is exactly the manifest's file (see the
 * module doc); a wrong entry is deleted (undefined: fetch it again).
 */
async function cachedFile(
  target: string,
  entry: ManifestEntry,
  uid: number | undefined,
  fail: Fail,
): Promise<Handle | undefined> {
  let got: Opened | string | undefined;
  try {
    got = await openRegular(target, true);
  } catch (e) {
    if (isPermission(e)) {
      fail(
        `no permission to read the cache directory ${dirname(target)}`,
        `Run Deno with --allow-read=${
          dirname(target)
        }, or set RAPTORS_CACHE_DIR`,
        e,
      );
    }
    return fail(
      `cannot read ${target} (${message(e)})`,
      "Set RAPTORS_CACHE_DIR",
      e,
    );
  }
  if (got === undefined) return undefined;
  if (got === "a directory") {
    fail(
      `${target} is a directory, not the cached library`,
      `Remove it (rm -r ${target}), or ${PRIVATE_FIX}`,
    );
  }
  if (typeof got === "string") {
    // our private folder: whatever this is, it is not loaded; replace it
    await rm(target, { force: true });
    return undefined;
  }
  const { handle, stat } = got;
  const ok = stat.size === entry.size &&
    (isWindows() ||
      ((uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0)) &&
    await readExactly(handle, entry.size).then(async (b) =>
      b !== undefined && await sha256Hex(b) === entry.sha256
    );
  if (ok) return handle;
  // tampered, truncated, foreign or writable by others: never loaded
  await handle.close();
  await rm(target, { force: true });
  return undefined;
}

/** The loader's view of a verified descriptor (see {@link VerifiedLibrary}). */
function held(path: string, h: Handle): VerifiedLibrary {
  const fdPath = `/proc/self/fd/${h.fd}`;
  // Linux only (macOS and Windows load the path in the checked folder);
  // Deno needs an unscoped --allow-ffi for this path, else the path too
  const loadPath = platformKey().startsWith("linux-") &&
      typeof h.fd === "number" && granted({ name: "ffi", path: fdPath })
    ? fdPath
    : path;
  let open = true;
  return {
    path,
    loadPath,
    async release() {
      if (open) await h.close();
      open = false;
    },
  };
}

/** The lock, held: refreshed every {@link LOCK_HEARTBEAT_MS} until released. */
interface HeldLock {
  release(): Promise<void>;
}

async function takeLock(
  lock: string,
  fail: Fail,
  dir: string,
): Promise<HeldLock | undefined> {
  let h: Handle;
  try {
    h = await open(lock, "wx", 0o600);
  } catch (e) {
    if (code(e) === "EEXIST") return undefined;
    if (isPermission(e)) {
      fail(
        `no permission to write the cache directory ${dir}`,
        `Run Deno with --allow-write=${dir}, or set RAPTORS_CACHE_DIR`,
        e,
      );
    }
    return fail(
      `the cache directory ${dir} is not writable (${message(e)})`,
      "Set RAPTORS_CACHE_DIR to a writable directory, or RAPTORS_LIB_PATH to a downloaded file",
      e,
    );
  }
  const token = crypto.randomUUID();
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid;
  try {
    await h.writeFile(JSON.stringify({ pid, token }));
  } catch (e) {
    await h.close();
    await rm(lock, { force: true });
    throw e;
  }
  const beat = setInterval(() => {
    const now = new Date();
    h.utimes(now, now).catch(() => {});
  }, LOCK_HEARTBEAT_MS);
  return {
    async release() {
      clearInterval(beat);
      await h.close();
      // remove it only if it is still ours (another process may have
      // judged it stale and taken it)
      if ((await lockInfo(lock))?.token === token) {
        await rm(lock, { force: true });
      }
    },
  };
}

/** The pid and token in a lock file (undefined if unreadable, or not one). */
async function lockInfo(
  lock: string,
): Promise<{ pid?: unknown; token?: unknown } | undefined> {
  try {
    const got = await openRegular(lock, true);
    if (got === undefined || typeof got === "string") return undefined;
    try {
      if (got.stat.size > 4096) return undefined;
      const b = await readExactly(got.handle, got.stat.size);
      return b ? JSON.parse(new TextDecoder().decode(b)) : undefined;
    } finally {
      await got.handle.close();
    }
  } catch {
    return undefined; // being written, or removed meanwhile
  }
}

/** Why the lock another process holds is stale, or undefined if live. */
async function staleLock(
  lock: string,
  staleMs: number,
): Promise<string | undefined> {
  let s: Stats;
  try {
    s = await lstat(lock);
  } catch {
    return undefined; // gone: the next round takes it
  }
  const kind = fileKind(s);
  if (kind) return kind;
  const age = Date.now() - s.mtimeMs;
  if (age < -LOCK_FUTURE_MS) return "mtime in the future";
  if (age > staleMs) return "not refreshed";
  const pid = (await lockInfo(lock))?.pid;
  if (typeof pid === "number" && pidAlive(pid) === false) return "owner gone";
  return undefined;
}

/** Whether process `pid` exists; undefined where that cannot be asked. */
function pidAlive(pid: number): boolean | undefined {
  const p = (globalThis as {
    process?: { kill?: (pid: number, sig: number) => void };
  }).process;
  // Deno asks --allow-run for kill(pid, 0): without it, rely on the mtime
  if (typeof p?.kill !== "function" || !granted({ name: "run" })) {
    return undefined;
  }
  try {
    p.kill(pid, 0);
    return true;
  } catch (e) {
    const c = code(e);
    if (c === "ESRCH") return false;
    if (c === "EPERM") return true;
    return undefined;
  }
}

async function download(
  url: string,
  entry: ManifestEntry,
  timeoutMs: number | undefined,
  fail: Fail,
): Promise<Uint8Array> {
  const offline =
    "Check the network, or point RAPTORS_BASE_URL at a mirror (a directory " +
    "laid out as <base>/v<version>/<file> also works as a file: URL), or " +
    "set RAPTORS_LIB_PATH to a downloaded copy";
  const tooLong = (n: number | string) =>
    fail(
      `the download is longer than the ${entry.size} bytes the manifest says ` +
        `(${n}); it was not read further and nothing was cached`,
      offline,
    );
  let bytes: Uint8Array | undefined;
  if (url.startsWith("file:")) {
    // a local mirror: a regular file of the manifest's size, read once
    const path = decodeURIComponent(new URL(url).pathname);
    try {
      bytes = await readRegularFile(path, entry.size);
    } catch (e) {
      if (isPermission(e)) {
        fail(
          "no permission to read the mirror",
          `Run Deno with --allow-read=${path}, or set RAPTORS_LIB_PATH`,
          e,
        );
      }
      return fail(`the download failed (${message(e)})`, offline, e);
    }
  } else {
    let res: Response;
    try {
      res = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs ?? 120_000),
      });
    } catch (e) {
      if (isPermission(e)) {
        const host = new URL(url).host;
        fail(
          "no network permission",
          `Run Deno with --allow-net=${host} (or --allow-read for a file: URL), or set RAPTORS_LIB_PATH`,
          e,
        );
      }
      return fail(`the download failed (${message(e)})`, offline, e);
    }
    if (!res.ok) {
      await res.body?.cancel();
      fail(
        `the server answered ${res.status} ${res.statusText}`.trim(),
        offline,
      );
    }
    const declared = res.headers.get("content-length");
    if (declared !== null && Number(declared) > entry.size) {
      await res.body?.cancel().catch(() => {});
      tooLong(`Content-Length ${declared}`);
    }
    bytes = await readBody(res, entry.size, tooLong, offline, fail);
  }
  if (bytes.length !== entry.size) {
    fail(
      `the download has ${bytes.length} bytes, the manifest says ${entry.size} (truncated or wrong file); nothing was cached`,
      offline,
    );
  }
  const got = await sha256Hex(bytes);
  if (got !== entry.sha256) {
    fail(
      `checksum mismatch: SHA-256 ${got}, the manifest says ${entry.sha256}; the file was not loaded or cached`,
      "The mirror or the network altered the file: use the official release URL or fix the mirror",
    );
  }
  return bytes;
}

/**
 * The body, into a buffer of `size` bytes: reading stops at the first
 * chunk past it (the body is then too long, whatever it would have been).
 */
async function readBody(
  res: Response,
  size: number,
  tooLong: (n: string) => never,
  offline: string,
  fail: Fail,
): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let n = 0;
  const reader = res.body?.getReader();
  if (!reader) return out.subarray(0, 0);
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      return fail(`the download was cut off (${message(e)})`, offline, e);
    }
    if (chunk.done) break;
    const v = chunk.value;
    if (n + v.length > size) {
      await reader.cancel().catch(() => {});
      tooLong(`more than ${n + v.length} bytes`);
    }
    out.set(v, n);
    n += v.length;
  }
  return out.subarray(0, n);
}
