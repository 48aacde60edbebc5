/**
 * The prebuilt-binary source of the loader: the library for this platform,
 * downloaded from the release of this package's version, verified against
 * the SHA-256 in the manifest shipped with the package (`manifest.json`),
 * and kept in a per-version cache.
 *
 * - URL: `<base>/v<version>/<file>`, base from `RAPTORS_BASE_URL` (mirrors,
 *   air-gapped hosts; `file:` URLs work too) or the manifest's `baseUrl`.
 * - Cache: `RAPTORS_CACHE_DIR`, else Deno's cache dir (`DENO_DIR`, or
 *   `$XDG_CACHE_HOME/deno`, `~/.cache/deno`, `~/Library/Caches/deno`,
 *   `%LOCALAPPDATA%\deno`) for Deno and the OS cache dir for Bun, then
 *   `raptors/<version>/`.
 * - A cached file is re-verified before every load; a mismatching one is
 *   deleted and fetched again.
 * - Downloads are written to a temporary file in the cache directory,
 *   verified, then renamed into place (atomic on one file system), so no
 *   process ever loads a partial or unverified file. Concurrent first
 *   imports serialize on a lock file (`<file>.lock`, created exclusively):
 *   one process downloads, the others wait for the verified file. A lock
 *   older than {@link STALE_LOCK_MS} (a crashed downloader) is broken.
 *
 * @module
 */
import { LibraryLoadError } from "../src/errors.ts";
import type { LibrarySource } from "./load.ts";
import { libraryFileName, readEnv } from "./load.ts";
import shipped from "./manifest.json" with { type: "json" };

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

/** How long a lock may be held before another process breaks it. */
export const STALE_LOCK_MS = 120_000;

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
let fsp: Fs;
let homedir: () => string;
let join: (...p: string[]) => string;
let mkdir: Fs["mkdir"], open: Fs["open"], readFile: Fs["readFile"];
let rename: Fs["rename"], rm: Fs["rm"], stat: Fs["stat"];

async function nodeModules(): Promise<void> {
  if (fsp) return;
  fsp = await import("node:fs/promises");
  ({ mkdir, open, readFile, rename, rm, stat } = fsp);
  homedir = (await import("node:os")).homedir;
  join = (await import("node:path")).join;
}

/** The cache directory for `version` (see the module doc). */
export async function cacheDir(version: string): Promise<string> {
  await nodeModules();
  const override = readEnv("RAPTORS_CACHE_DIR");
  if (override) return join(override, version);
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
  return join(base, "raptors", version);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `bytes` are exactly the manifest's file. */
async function verified(bytes: Uint8Array, e: ManifestEntry): Promise<boolean> {
  return bytes.length === e.size && (await sha256Hex(bytes)) === e.sha256;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function code(e: unknown): string | undefined {
  return (e as { code?: string })?.code;
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

/** Options of {@link downloadSource} (defaults from the environment). */
export interface DownloadOptions {
  manifest?: Manifest;
  baseUrl?: string;
  cacheDir?: string;
  /** Abort a download after this long (default 120 s). */
  timeoutMs?: number;
}

/** The shipped manifest, or the file `RAPTORS_MANIFEST` names. */
async function shippedManifest(): Promise<Manifest> {
  await nodeModules();
  const override = readEnv("RAPTORS_MANIFEST");
  if (override) return JSON.parse(await readFile(override, "utf8"));
  return shipped as Manifest;
}

/**
 * The download-and-cache source. Its `path()` returns the verified cached
 * file (downloading it first if needed) or throws a
 * {@link LibraryLoadError} that names the platform, the URL and the fix.
 */
export function downloadSource(options: DownloadOptions = {}): LibrarySource {
  return {
    name: "prebuilt download",
    explicit: false,
    async path() {
      await nodeModules();
      const manifest = options.manifest ?? await shippedManifest();
      const key = platformKey();
      const entry = manifest.files[key];
      const base = (options.baseUrl ?? readEnv("RAPTORS_BASE_URL") ??
        manifest.baseUrl).replace(/\/+$/, "");
      if (!entry) {
        throw new LibraryLoadError(
          `raptors ${manifest.version} has no prebuilt binary for ${key} ` +
            `(available: ${
              Object.keys(manifest.files).join(", ") || "none"
            }); ` +
            "build it from source (`cargo build --release --manifest-path " +
            "rust/Cargo.toml`) and set RAPTORS_LIB_PATH",
        );
      }
      const url = `${base}/v${manifest.version}/${entry.file}`;
      const dir = options.cacheDir ?? await cacheDir(manifest.version);
      const fail = (what: string, fix: string, cause?: unknown): never => {
        throw new LibraryLoadError(
          `raptors could not get its native library for ${key} from ${url}: ` +
            `${what}. ${fix}`,
          [],
          cause === undefined ? undefined : { cause },
        );
      };
      const target = join(
        dir,
        entry.file.replace(/^.*[\\/]/, "") || libraryFileName(),
      );
      try {
        await mkdir(dir, { recursive: true });
      } catch (e) {
        if (isPermission(e)) {
          fail(
            `no permission to use the cache directory ${dir}`,
            `Run Deno with --allow-read=${dir} --allow-write=${dir}, or set RAPTORS_CACHE_DIR`,
            e,
          );
        }
        fail(
          `cannot create the cache directory ${dir} (${message(e)})`,
          "Set RAPTORS_CACHE_DIR to a writable directory, or RAPTORS_LIB_PATH to a downloaded file",
          e,
        );
      }
      const deadline = Date.now() + (options.timeoutMs ?? 120_000) + 30_000;
      for (;;) {
        // 1. a verified cached file
        const cached = await readIfExists(target, fail, dir);
        if (cached) {
          if (await verified(cached, entry)) return target;
          // tampered or truncated: never loaded, removed, fetched again
          await rm(target, { force: true });
        }
        // 2. take the lock, or wait for whoever holds it
        const lock = `${target}.lock`;
        let handle;
        try {
          handle = await open(lock, "wx");
        } catch (e) {
          if (
            code(e) !== "EEXIST" &&
            !(e instanceof Error && /exists/i.test(e.message))
          ) {
            if (isPermission(e)) {
              fail(
                `no permission to write the cache directory ${dir}`,
                `Run Deno with --allow-write=${dir}, or set RAPTORS_CACHE_DIR`,
                e,
              );
            }
            fail(
              `the cache directory ${dir} is not writable (${message(e)})`,
              "Set RAPTORS_CACHE_DIR to a writable directory, or RAPTORS_LIB_PATH to a downloaded file",
              e,
            );
          }
          const age = await lockAge(lock);
          if (age !== undefined && age > STALE_LOCK_MS) {
            await rm(lock, { force: true });
          } else if (Date.now() > deadline) {
            fail(
              `timed out waiting for another process downloading into ${dir}`,
              `Remove ${lock} if no other process is running`,
            );
          } else await sleep(50);
          continue;
        }
        try {
          // someone may have finished between our check and the lock
          const again = await readIfExists(target, fail, dir);
          if (again && await verified(again, entry)) return target;
          const bytes = await download(url, entry, options.timeoutMs, fail);
          const tmp = `${target}.${crypto.randomUUID()}.tmp`;
          try {
            await writeFileExclusive(tmp, bytes);
            await rename(tmp, target);
          } catch (e) {
            await rm(tmp, { force: true });
            fail(
              `cannot write into the cache directory ${dir} (${message(e)})`,
              "Set RAPTORS_CACHE_DIR to a writable directory",
              e,
            );
          }
          return target;
        } finally {
          await handle.close();
          await rm(lock, { force: true });
        }
      }
    },
  };
}

async function readIfExists(
  path: string,
  fail: (what: string, fix: string, cause?: unknown) => never,
  dir: string,
): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if (
      code(e) === "ENOENT" ||
      (e instanceof Error && /not found|No such file/i.test(e.message))
    ) {
      return undefined;
    }
    if (isPermission(e)) {
      fail(
        `no permission to read the cache directory ${dir}`,
        `Run Deno with --allow-read=${dir}, or set RAPTORS_CACHE_DIR`,
        e,
      );
    }
    return fail(
      `cannot read ${path} (${message(e)})`,
      "Set RAPTORS_CACHE_DIR",
      e,
    );
  }
}

async function lockAge(lock: string): Promise<number | undefined> {
  try {
    const s = await stat(lock);
    return Date.now() - s.mtimeMs;
  } catch {
    return undefined;
  }
}

async function writeFileExclusive(
  path: string,
  bytes: Uint8Array,
): Promise<void> {
  const h = await open(path, "wx", 0o755);
  try {
    await h.writeFile(bytes);
    await h.sync();
  } finally {
    await h.close();
  }
}

async function download(
  url: string,
  entry: ManifestEntry,
  timeoutMs: number | undefined,
  fail: (what: string, fix: string, cause?: unknown) => never,
): Promise<Uint8Array> {
  const offline =
    "Check the network, or point RAPTORS_BASE_URL at a mirror (a directory " +
    "laid out as <base>/v<version>/<file> also works as a file: URL), or " +
    "set RAPTORS_LIB_PATH to a downloaded copy";
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
    fail(`the server answered ${res.status} ${res.statusText}`.trim(), offline);
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    return fail(`the download was cut off (${message(e)})`, offline, e);
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
