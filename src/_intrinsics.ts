/**
 * The engine's own accessors for TypedArrays and ArrayBuffers, captured
 * when raptors is imported.
 *
 * Every length, byte offset and byte length that reaches native code (or
 * the wasm backend's copy-in) is read through these, never through the
 * `length`/`byteLength`/`byteOffset`/`buffer` properties of the object a
 * caller passed: those can be an own property (`Object.defineProperty(x,
 * "length", { value: 1e6 })`), a subclass getter, a Proxy trap or a
 * redefinition on `Float64Array.prototype`, and a kernel trusting one of
 * them reads or writes outside the buffer. The `%TypedArray%.prototype`
 * getters read the engine's internal slots instead: they give the true
 * length of a subclass instance, the current length of a view over a
 * resizable buffer (0 once it is out of bounds), and throw a `TypeError`
 * for anything that is not a TypedArray (a Proxy, an object that merely
 * inherits from `Float64Array.prototype`).
 *
 * The getters are called so that replacing `Function.prototype.call` or
 * adding a `call` property to a getter later changes nothing (see
 * `getter` below). (Code that runs before
 * raptors is imported can replace any built-in; that is outside what a
 * library can defend against, as for Node's own primordials.)
 *
 * @module
 */

const FP = Function.prototype;
const CALL = FP.call;
const uncurryThis = FP.bind.bind(CALL) as <T, R>(
  f: (this: T) => R,
) => (self: T) => R;

/**
 * `self => get.call(self)` for the getter of `key` on `proto`. The getter
 * object is frozen (so no `call` property can be added to it) and the
 * fast form `get.call(self)` runs only while `Function.prototype.call` is
 * still the built-in; otherwise a bound form captured at import runs. The
 * bound form alone costs ~40 ns per call in JavaScriptCore, the guarded
 * one 2-12 ns.
 */
function getter<T, R>(proto: object, key: PropertyKey): (self: T) => R {
  const d = Reflect.getOwnPropertyDescriptor(proto, key);
  if (d?.get === undefined) {
    throw new Error(`raptors: this runtime has no ${String(key)} getter`);
  }
  const get = d.get as (this: T) => R;
  Object.freeze(get);
  const bound = uncurryThis(get);
  return (self: T) => FP.call === CALL ? get.call(self) : bound(self);
}

function optionalGetter<T, R>(
  proto: object,
  key: PropertyKey,
): ((self: T) => R) | undefined {
  const d = Reflect.getOwnPropertyDescriptor(proto, key);
  return d?.get === undefined ? undefined : getter<T, R>(proto, key);
}

const TYPED_ARRAY_PROTO = Reflect.getPrototypeOf(Uint8Array.prototype)!;
/** A getter of `%TypedArray%.prototype`. */
function taGetter<R>(key: PropertyKey): (a: ArrayBufferView) => R {
  return getter<ArrayBufferView, R>(TYPED_ARRAY_PROTO, key);
}

/** The element count in the TypedArray's internal slots (throws for a non-TypedArray). */
export const taLength: (a: ArrayBufferView) => number = taGetter("length");
/** Its byte length (internal slots). */
export const taByteLength: (a: ArrayBufferView) => number = taGetter(
  "byteLength",
);
/** Its byte offset (internal slots). */
export const taByteOffset: (a: ArrayBufferView) => number = taGetter(
  "byteOffset",
);
/** Its buffer (internal slots). */
export const taBuffer: (a: ArrayBufferView) => ArrayBufferLike = taGetter(
  "buffer",
);
const kindGetter = getter<unknown, string | undefined>(
  TYPED_ARRAY_PROTO,
  Symbol.toStringTag,
);
/**
 * The TypedArray's real kind (`"Float64Array"`...), or `undefined` for
 * anything else. Slow in JavaScriptCore (~50 ns): general paths only.
 */
export const taKind = (a: unknown): string | undefined => {
  // V8 returns undefined for a non-TypedArray; JavaScriptCore throws
  try {
    return kindGetter(a);
  } catch {
    return undefined;
  }
};

function method<A extends unknown[], R>(
  proto: object,
  key: PropertyKey,
): (self: ArrayBufferView, ...args: A) => R {
  const f = Reflect.get(proto, key) as (this: unknown, ...args: A) => R;
  Object.freeze(f);
  const bound = uncurryThis(f as never) as unknown as (
    self: unknown,
    ...args: A
  ) => R;
  return (self, ...args) =>
    FP.call === CALL ? f.call(self, ...args) : bound(self, ...args);
}

/**
 * `%TypedArray%.prototype` methods that create no new array (so no
 * species constructor, no caller code runs): `sort` (numeric order),
 * `fill` and `set`, as the engine implements them whatever a subclass
 * overrides.
 */
export const taSort: (a: ArrayBufferView) => unknown = method(
  TYPED_ARRAY_PROTO,
  "sort",
);
/** `%TypedArray%.prototype.fill` (see {@link taSort}). */
export const taFill: (a: ArrayBufferView, v: number | bigint) => unknown =
  method(TYPED_ARRAY_PROTO, "fill");
/** `%TypedArray%.prototype.set` (see {@link taSort}). */
export const taSet: (
  a: ArrayBufferView,
  src: ArrayLike<number | bigint>,
  offset?: number,
) => void = method(TYPED_ARRAY_PROTO, "set");

/** `Array.prototype.at` as the engine defined it when this module loaded. */
export const ARRAY_AT = Array.prototype.at;
const APPLY = Reflect.apply;
/**
 * `Array.prototype.at` as the engine defines it. `src/core/creation.ts` reads
 * the first element of each level of a nested list with it, not with
 * `list[0]`: one element load that sees both lists of lists and rows of
 * floats makes V8's optimized code convert every such row to boxed
 * elements (see `copyRows` in `src/core/_rows.ts`); this builtin converts
 * nothing.
 */
export const arrayAt = (a: readonly unknown[], i: number): unknown =>
  APPLY(ARRAY_AT, a, [i]);

const abByteLength = getter<ArrayBuffer, number>(
  ArrayBuffer.prototype,
  "byteLength",
);
const abResizable = optionalGetter<ArrayBuffer, boolean>(
  ArrayBuffer.prototype,
  "resizable",
);
const abDetached = optionalGetter<ArrayBuffer, boolean>(
  ArrayBuffer.prototype,
  "detached",
);
/** A getter of SharedArrayBuffer.prototype, if the runtime has both. */
function sabGetter<R>(
  key: PropertyKey,
): ((self: SharedArrayBuffer) => R) | undefined {
  return typeof SharedArrayBuffer === "function"
    ? optionalGetter<SharedArrayBuffer, R>(SharedArrayBuffer.prototype, key)
    : undefined;
}
const sabByteLength = sabGetter<number>("byteLength");

/**
 * Whether `buf` is a SharedArrayBuffer, by its internal slots. `instanceof`
 * only picks which getter to try first, so the common cases throw nothing;
 * a buffer whose prototype was swapped gets the other getter.
 */
export function isShared(buf: ArrayBufferLike): boolean {
  if (sabByteLength === undefined) return false;
  const first = buf instanceof SharedArrayBuffer;
  if (first && accepts(sabByteLength, buf)) return true;
  if (accepts(abByteLength, buf)) return false;
  return !first && accepts(sabByteLength, buf);
}

function accepts(get: (b: never) => unknown, buf: ArrayBufferLike): boolean {
  try {
    get(buf as never);
    return true;
  } catch {
    return false;
  }
}

/** Whether the ArrayBuffer (not shared) is detached. */
export function isDetached(buf: ArrayBufferLike): boolean {
  if (isShared(buf)) return false;
  if (abDetached !== undefined) return abDetached(buf as ArrayBuffer);
  // no `detached` getter: a detached buffer reports byteLength 0
  return abByteLength(buf as ArrayBuffer) === 0;
}

/**
 * Whether the buffer can shrink under a view: a resizable ArrayBuffer. (A
 * growable SharedArrayBuffer only grows, which leaves every view valid.)
 */
export function canShrink(buf: ArrayBufferLike): boolean {
  if (abResizable === undefined || isShared(buf)) return false;
  return abResizable(buf as ArrayBuffer);
}

const sabGrowable = sabGetter<boolean>("growable");

/** Whether `buf` is a growable SharedArrayBuffer. */
export function isGrowable(buf: ArrayBufferLike): boolean {
  return sabGrowable !== undefined && isShared(buf) &&
    sabGrowable(buf as SharedArrayBuffer);
}

/** Bytes per element of each TypedArray kind. */
const ELEMENT_SIZE: Readonly<Record<string, number>> = {
  __proto__: null,
  Int8Array: 1,
  Uint8Array: 1,
  Uint8ClampedArray: 1,
  Int16Array: 2,
  Uint16Array: 2,
  Int32Array: 4,
  Uint32Array: 4,
  Float32Array: 4,
  Float64Array: 8,
  BigInt64Array: 8,
  BigUint64Array: 8,
} as unknown as Record<string, number>;

/** Bytes per element of a genuine TypedArray, from its real kind. */
export function elementSize(a: ArrayBufferView): number {
  return ELEMENT_SIZE[taKind(a) ?? ""] ?? 1;
}

const dvBuffer = getter<DataView, ArrayBufferLike>(
  DataView.prototype,
  "buffer",
);
const dvByteOffset = getter<DataView, number>(DataView.prototype, "byteOffset");
const dvByteLength = getter<DataView, number>(DataView.prototype, "byteLength");

/**
 * The buffer, byte offset and byte length of a TypedArray or DataView,
 * from internal slots; `undefined` for anything else (a Proxy, a
 * look-alike, a plain buffer).
 */
export function viewExtent(
  x: unknown,
): { buffer: ArrayBufferLike; offset: number; length: number } | undefined {
  if (taKind(x) !== undefined) {
    const v = x as ArrayBufferView;
    return {
      buffer: taBuffer(v),
      offset: taByteOffset(v),
      length: taByteLength(v),
    };
  }
  try {
    const v = x as DataView;
    const buffer = dvBuffer(v);
    return { buffer, offset: dvByteOffset(v), length: dvByteLength(v) };
  } catch {
    return undefined;
  }
}

/**
 * The byte length of an ArrayBuffer or SharedArrayBuffer from its internal
 * slots; `undefined` for anything else.
 */
export function bufferByteLength(x: unknown): number | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const shared = isShared(x as ArrayBufferLike);
  if (shared) return sabByteLength!(x as SharedArrayBuffer);
  return accepts(abByteLength, x as ArrayBufferLike)
    ? abByteLength(x as ArrayBuffer)
    : undefined;
}

/**
 * `proto[key]` as the engine defined it when this module loaded, called
 * on `self` with one argument (see {@link getter} for the guard on
 * `Function.prototype.call`; no rest parameters: they cost ~10 ns a call).
 */
function intrinsic1<S, A, R>(
  proto: object,
  key: PropertyKey,
): (self: S, a: A) => R {
  const f = Reflect.get(proto, key) as (this: S, a: A) => R;
  Object.freeze(f);
  const bound = uncurryThis(f as never) as unknown as (self: S, a: A) => R;
  return (self, a) => FP.call === CALL ? f.call(self, a) : bound(self, a);
}
const aPush = intrinsic1<unknown[], unknown, number>(Array.prototype, "push");

/**
 * `Base` with the methods `keys` of its prototype as the engine defined
 * them when this module loaded: copied onto the subclass's own, frozen
 * prototype, so `WeakSet.prototype.has = ...` later changes nothing for
 * its instances, and calls stay direct builtin calls (no wrapper to pay
 * per lookup on the pool's hot path; measured as fast as the builtins).
 */
function safeSubclass<C extends abstract new (...args: never[]) => object>(
  Base: C,
  keys: readonly string[],
): C {
  // deno-lint-ignore no-explicit-any
  const Sub = class extends (Base as any) {} as unknown as C;
  for (const k of keys) {
    const d = Reflect.getOwnPropertyDescriptor(Base.prototype, k)!;
    if (d.value !== undefined) Object.freeze(d.value);
    if (d.get !== undefined) Object.freeze(d.get);
    Object.defineProperty(
      Sub.prototype,
      k,
      d.get !== undefined
        ? { get: d.get, configurable: false, enumerable: false }
        : { value: d.value, writable: false, configurable: false },
    );
  }
  Object.freeze(Sub.prototype);
  Object.freeze(Sub);
  return Sub;
}

/**
 * A WeakSet whose methods are the engine's, whatever code running later
 * does to `WeakSet.prototype`. The engine's decisions about memory (is this
 * buffer job-private, read-only, a slab; which outputs are pending) are
 * made with these: a redefined `WeakSet.prototype.has` answering `true`
 * must not make a job read a caller's buffer in place instead of a copy.
 */
export const SafeWeakSet: WeakSetConstructor = safeSubclass(WeakSet, [
  "has",
  "add",
  "delete",
]);
/** A {@link SafeWeakSet} instance. */
export type SafeWeakSet<T extends WeakKey> = WeakSet<T>;

/** A WeakMap with the engine's methods (see {@link SafeWeakSet}). */
export const SafeWeakMap: WeakMapConstructor = safeSubclass(WeakMap, [
  "get",
  "set",
  "has",
  "delete",
]);
/** A {@link SafeWeakMap} instance. */
export type SafeWeakMap<K extends WeakKey, V> = WeakMap<K, V>;

/**
 * A Map with the engine's methods (see {@link SafeWeakSet}): the engine's
 * table of jobs in flight holds what keeps their memory alive. Iterate it
 * with `forEach` only (the iterator protocol is not captured).
 */
export const SafeMap: MapConstructor = safeSubclass(Map, [
  "get",
  "set",
  "has",
  "delete",
  "forEach",
  "size",
]);
/** A {@link SafeMap} instance. */
export type SafeMap<K, V> = Map<K, V>;

/** `Array.prototype.push` as the engine defined it (one value). */
export const push = <T>(a: T[], v: T): number => aPush(a, v);
