/**
 * The flat TypedArray functions of the op table's rows with `flat`
 * (`src/flat/elementwise.ts`, written by `scripts/gen_ops.ts`).
 *
 * Each op is two functions, written out per op so each stays monomorphic
 * (one JS loop body per function, which V8 and JSC compile to a tight
 * loop; a shared loop taking the op as a closure measured slower):
 * - `name(...)`: the Float64Array case with an `out` of the same length,
 *   below the op's JS threshold, as a JS loop; else
 * - `nameGeneral(...)`: NDArray and scalar operands to the ufunc, then the
 *   Float64Array kernel or JS loop, then every other dtype and check
 *   (`binary` / `unary` of `src/flat/_shared.ts`).
 *
 * @module
 */
import { UFUNC1, type Ufunc1Row, UFUNC2, type Ufunc2Row } from "./op_table.ts";

/** `expr` (in `a`, `b`) with the operands replaced. */
function element(expr: string, a: string, b = "b"): string {
  return expr.replace(/\bb\b/g, b).replace(/\ba\b/g, a);
}

/** A row's doc with its `@example` (asserting NumPy's result) appended. */
export function docOf(r: Ufunc1Row | Ufunc2Row): string {
  if (r.example === undefined) return r.doc;
  return r.doc + "\n\n@example\n```ts\n" +
    'import * as rp from "@raptors/raptors";\n' +
    'import assert from "node:assert/strict";\n\n' + r.example + "\n```";
}

/** `text` wrapped at `width` columns (words kept whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const w of text.split(" ")) {
    if (line !== "" && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === "" ? w : line + " " + w;
  }
  lines.push(line);
  return lines;
}

/**
 * A JSDoc block of `doc` (markdown: paragraphs are wrapped at 80 columns,
 * code fences kept as they are).
 */
export function jsdoc(doc: string, indent = ""): string {
  if (!doc.includes("\n") && indent.length + doc.length + 7 <= 80) {
    return `${indent}/** ${doc} */\n`;
  }
  const out: string[] = [];
  let fenced = false;
  for (const l of doc.split("\n")) {
    if (l.startsWith("```")) fenced = !fenced;
    if (fenced || l.startsWith("```") || l === "") out.push(l);
    else out.push(...wrap(l, 80 - indent.length - 3));
  }
  return `${indent}/**\n` +
    out.map((l) => `${indent} *${l === "" ? "" : " " + l}`).join("\n") +
    `\n${indent} */\n`;
}

// The docs of the overloads after the first (which carries the op's doc).
const ND1 = (numpy: string) =>
  `Of an NDArray or a JS list: NumPy's \`np.${numpy}\` (\`out\` as an option), a new NDArray.`;
const TA1 =
  "Of a TypedArray: a new TypedArray of its type, or `out` (same type and length; may be `a`).";
const ANY1 = "Of any operand: an NDArray, or a JS scalar when `a` is one.";
const ND2 = (numpy: string) =>
  `With an NDArray or JS list operand: NumPy's \`np.${numpy}\` (broadcasting, NEP 50 promotion, \`out\` as an option), a new NDArray.`;
const TA2 =
  "Of TypedArrays of one type (or one and a scalar): a new TypedArray of that type, or `out` (same type and length; may be `a` or `b`).";
const TA2_INT =
  "Of integer TypedArrays (or one and a scalar): a Float64Array (true division), or `out`.";
const ANY2 =
  "Of any operands: an NDArray, or a JS scalar when both are scalars.";

function unaryFn(r: Ufunc1Row): string {
  const f = r.flat!;
  const T = f.floatOnly ? "FloatArray" : "NumericArray";
  const th = `JS_BELOW.${f.threshold}`;
  const fwd = `for (let i = 0; i < n; i++) out[i] = ${element(f.js, "a[i]!")};`;
  const { name } = r;
  return jsdoc(docOf(r)) + `export function ${name}(a: JsScalar): NdScalar;
/** ${ND1(r.numpy)} */
export function ${name}(
  a: NDArray | readonly unknown[],
  options?: UfuncOptions,
): NDArray;
/** ${TA1} */
export function ${name}<A extends ${T}>(a: A, out?: A): A;
/** ${ANY1} */
export function ${name}(
  a: ArrayLikeInput,
  options?: UfuncOptions,
): NDArray | NdScalar;
export function ${name}<A extends ${T}>(
  a: A | NDArray | readonly unknown[],
  out?: A | UfuncOptions,
): A | NDArray {
  if (f64(a) && f64(out)) {
    const n = taLength(a);
    if (
      n !== 0 && n < ${th} && taLength(out) === n &&
      direction(out, a) > 0
    ) {
      ${fwd}
      return out;
    }
  }
  return ${name}General(a as A, out as A);
}

/** General path of {@link ${name}}: every dtype and check. */
function ${name}General<A extends ${T}>(a: A, out?: A): A {
  if (isNdOperand(a) || jsScalar(a)) return nd1("${name}", a, out) as unknown as A;
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && (out === undefined || (f64(out) && taLength(out) === n))) {
      const o = (out ?? new Float64Array(n)) as Float64Array;
      const d = n < ${th} ? direction(o, a) : 0;
      if (d !== 0) {
        if (d > 0) { for (let i = 0; i < n; i++) o[i] = ${
    element(f.js, "a[i]!")
  }; }
        else for (let i = n - 1; i >= 0; i--) o[i] = ${element(f.js, "a[i]!")};
        return o as A;
      }
      if (native.rp_unary(UNARY_OP.${name}, F64, a, o, n) === 0) return o as A;
    }
  }
  return unary("${name}", a, out, ${th}, ${f.floatOnly === true}, ${name}Js);
}

/** One element of {@link ${name}} in JS (the general path's short loops). */
const ${name}Js = (a: number): number => ${f.js};
`;
}

function binaryFn(r: Ufunc2Row): string {
  const f = r.flat!;
  const { name } = r;
  const th = `JS_BELOW.${f.threshold}`;
  const ee = element(f.js, "a[i]!", "b[i]!");
  const es = element(f.js, "a[i]!", "b");
  // true division: integer arrays give Float64Array
  const toF64 = r.loop === "float64";
  const sigs = toF64
    ? `/** ${TA2} */
export function ${name}<A extends FloatArray>(
  a: Operand<A>,
  b: Operand<A>,
  out?: A,
): A;
/** ${TA2_INT} */
export function ${name}<A extends IntArray | BigIntArray>(
  a: A | number | bigint,
  b: A | number | bigint,
  out?: Float64Array,
): Float64Array;`
    : `/** ${TA2} */
export function ${name}<A extends NumericArray>(
  a: Operand<A>,
  b: Operand<A>,
  out?: A,
): A;`;
  const impl = toF64
    ? `export function ${name}(
  a: NumericArray | Scalar | ArrayLikeInput,
  b: NumericArray | Scalar | ArrayLikeInput,
  out?: NumericArray | UfuncOptions,
): NumericArray | NDArray | NdScalar {`
    : `export function ${name}<A extends NumericArray>(
  a: Operand<A> | ArrayLikeInput,
  b: Operand<A> | ArrayLikeInput,
  out?: A | UfuncOptions,
): A | NDArray {`;
  const call = toF64
    ? `${name}General(
    a as NumericArray | Scalar,
    b as NumericArray | Scalar,
    out as NumericArray,
  )`
    : `${name}General(a as Operand<A>, b as Operand<A>, out as A)`;
  const general = toF64
    ? `function ${name}General(
  a: NumericArray | Scalar,
  b: NumericArray | Scalar,
  out?: NumericArray,
): NumericArray {`
    : `function ${name}General<A extends NumericArray>(
  a: Operand<A>,
  b: Operand<A>,
  out?: A,
): A {`;
  // the result's type: A, or (true division) NumericArray
  const R = toF64 ? "NumericArray" : "A";
  const asR = toF64 ? "" : " as A";
  return jsdoc(docOf(r)) +
    `export function ${name}(a: JsScalar, b: JsScalar): NdScalar;
/** ${ND2(r.numpy)} */
export function ${name}(
  a: NDArray | readonly unknown[],
  b: ArrayLikeInput,
  options?: UfuncOptions,
): NDArray;
/** ${ND2(r.numpy)} */
export function ${name}(
  a: ArrayLikeInput,
  b: NDArray | readonly unknown[],
  options?: UfuncOptions,
): NDArray;
${sigs}
/** ${ANY2} */
export function ${name}(
  a: ArrayLikeInput,
  b: ArrayLikeInput,
  options?: UfuncOptions,
): NDArray | NdScalar;
${impl}
  if (f64(a) && f64(out)) {
    const n = taLength(a);
    if (n !== 0 && n < ${th} && taLength(out) === n) {
      if (f64(b) && taLength(b) === n && direction(out, a, b) > 0) {
        for (let i = 0; i < n; i++) out[i] = ${ee};
        return out;
      }
    }
  }
  return ${call};
}

/** General path of {@link ${name}}: every dtype and check. */
${general}
  if (isNdOperand(a) || isNdOperand(b) || (jsScalar(a) && jsScalar(b))) {
    return nd2("${name}", a, b, out) as unknown as ${R};
  }
  if (f64(a)) {
    const n = taLength(a);
    if (n !== 0 && (out === undefined || (f64(out) && taLength(out) === n))) {
      if (f64(b) && taLength(b) === n) {
        const o = (out ?? new Float64Array(n)) as Float64Array;
        const d = n < ${th} ? direction(o, a, b) : 0;
        if (d !== 0) {
          if (d > 0) { for (let i = 0; i < n; i++) o[i] = ${ee}; }
          else for (let i = n - 1; i >= 0; i--) o[i] = ${ee};
          return o${asR};
        }
        if (native.rp_binary(BINARY_OP.${name}, F64, a, b, o, n) === 0) {
          return o${asR};
        }
      } else if (typeof b === "number") {
        const o = (out ?? new Float64Array(n)) as Float64Array;
        const d = n < ${th} ? direction(o, a) : 0;
        if (d !== 0) {
          if (d > 0) { for (let i = 0; i < n; i++) o[i] = ${es}; }
          else for (let i = n - 1; i >= 0; i--) o[i] = ${es};
          return o${asR};
        }
        slotF64[0] = b;
        if (native.rp_binary_scalar(BINARY_OP.${name}, F64, a, slot, o, n) === 0) {
          return o${asR};
        }
      }
    }
  }
  return binary("${name}", a, b, out)${asR};
}
`;
}

/** The text of `src/flat/elementwise.ts` (before formatting). */
export function flatElementwise(head: string): string {
  return `// ${head}: do not edit.
/**
 * The flat API's elementwise functions (re-exported by \`src/flat/ops.ts\`): one
 * per op-table row with \`flat\`. NDArray and list operands go to the
 * NumPy ufunc of the same name; TypedArrays to the flat kernels.
 *
 * @module
 */
import { BINARY_OP, UNARY_OP } from "../../ffi/symbols.ts";
import { native } from "../_native.ts";
import { JS_BELOW } from "../_thresholds.ts";
import type { NDArray, Scalar as NdScalar } from "../core/ndarray.ts";
import {
  type ArrayLikeInput,
  isNdOperand,
  type JsScalar,
  type UfuncOptions,
} from "../ufunc/ufunc.ts";
import type {
  BigIntArray,
  FloatArray,
  IntArray,
  NumericArray,
} from "../_typed.ts";
import { taByteOffset, taLength } from "../_intrinsics.ts";
import { isGenuineF64 } from "../_typed.ts";
import {
  binary,
  F64,
  jsScalar,
  nd1,
  nd2,
  type Operand,
  type Scalar,
  slot,
  slotF64,
  unary,
} from "./_shared.ts";

// Local, as in src/flat/ops.ts: an imported function is reached through its
// module cell, 1-3 ns per call at n = 16 (measured A/B in one process).
/**
 * Float64Array fast paths. Each public function first checks for the common
 * case (all operands Float64Array, non-empty, lengths agree, no partial
 * overlap) and runs a monomorphic loop or calls the kernel directly; any
 * other input falls through to the general path, which does every check.
 */
function f64(x: unknown): x is Float64Array {
  return x instanceof Float64Array && isGenuineF64(x);
}

/**
 * Direction in which an elementwise JS loop writing \`o\` from \`x\` (and \`y\`)
 * is correct even if the views overlap: +1 forward, -1 backward (when \`o\`
 * starts after the inputs: writing \`o[i]\` could clobber an input element
 * not yet read), 0 when the inputs lie on both sides (the general path
 * copies). Comparing byte offsets is enough: over different buffers either
 * direction is correct, and it avoids the \`.buffer\` getter (~30 ns in V8).
 */
function direction(
  o: Float64Array,
  x: Float64Array,
  y?: Float64Array,
): number {
  const off = taByteOffset(o);
  const right = off > taByteOffset(x);
  if (y !== undefined && right !== off > taByteOffset(y)) return 0;
  return right ? -1 : 1;
}


` + UFUNC2.filter((r) => r.flat).map(binaryFn).join("\n") + "\n" +
    UFUNC1.filter((r) => r.flat).map(unaryFn).join("\n");
}
