/**
 * `show(v)`: a short description of any value for an error message, that
 * never throws and never runs a caller's code (`String(v)` throws for an
 * object without a prototype, calls a caller's `toString`, and joins a
 * TypedArray, which throws once its buffer is detached).
 *
 * @module
 */
import { taKind, taLength } from "./_intrinsics.ts";

/** A description of `v` for an error message (at most ~60 characters). */
export function show(v: unknown): string {
  switch (typeof v) {
    case "number":
      return Object.is(v, -0) ? "-0" : String(v);
    case "bigint":
      return `${v}n`;
    case "string":
      return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "..." : v);
    case "boolean":
    case "undefined":
      return String(v);
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
  }
  if (v === null) return "null";
  const kind = taKind(v);
  if (kind !== undefined) {
    return `a ${kind} of ${taLength(v as ArrayBufferView)} elements`;
  }
  if (Array.isArray(v)) return `an array of ${v.length} items`;
  if (v instanceof ArrayBuffer) return "an ArrayBuffer";
  const shape = (() => {
    try {
      const s = Reflect.getOwnPropertyDescriptor(v as object, "shape")?.value;
      const d = Reflect.getOwnPropertyDescriptor(v as object, "dtype")?.value;
      return Array.isArray(s) && typeof d === "string"
        ? `an NDArray of shape (${s.join(",")}${
          s.length === 1 ? "," : ""
        }) and dtype ${d}`
        : undefined;
    } catch {
      return undefined;
    }
  })();
  if (shape !== undefined) return shape;
  return "an object";
}
