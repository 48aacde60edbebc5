/**
 * The op table: one row per elementwise ufunc. `scripts/gen_ops.ts` writes
 * from it everything that names an op on both sides of the boundary:
 *
 * - the op codes (`ffi/op_codes.ts`, and `rust/src/ffi/ufunc_table.rs` with
 *   the kernel each code runs per dtype class);
 * - the dtype rules of the NDArray ufuncs (`src/_ufunc_rules.ts`);
 * - the public functions: `src/ufuncs.ts` (NDArray ufuncs), the flat
 *   TypedArray functions of the rows with `flat` (`src/flat_elementwise.ts`),
 *   the `*Async` functions of the rows with `async` (`src/async_ufuncs.ts`)
 *   and their re-exports in `mod.ts`;
 * - the op list the NumPy fixture generators read (`scripts/ops.json`).
 *
 * Adding a ufunc is a row here, its kernel in `rust/src/kernels/ops.rs`,
 * `deno task gen` (or `deno run -A scripts/gen_ops.ts`) and fixtures
 * (`python3 scripts/gen_fixtures_ufunc.py`). CI runs the generator with
 * `--check` and fails when a generated file is stale.
 *
 * @module
 */

/**
 * The dtype a binary op's loop runs in, from the operands' promoted dtype
 * (NEP 50):
 * - `promote`: the promoted dtype itself;
 * - `float`: the promoted dtype if it is a float, else the smallest float
 *   that holds it (NumPy's float16 for 8/16-bit integers is float32 here);
 * - `float64`: as `float`, but every integer and bool goes to float64
 *   (NumPy's `true_divide`);
 * - `integer`: integers and bools only (a float operand is NumPy's
 *   "not supported for the input types" TypeError).
 */
export type Loop2 = "promote" | "float" | "float64" | "integer";

/**
 * The dtype a unary op's loop runs in: `same` (the input's) or `float` (as
 * {@link Loop2}'s `float`).
 */
export type Loop1 = "same" | "float";

/**
 * What NumPy does with bool operands where the numeric op has no bool
 * loop: run another op (`add` of bools is `logicalOr`), compute in int8,
 * or raise NumPy's TypeError with this message.
 */
export type BoolRule =
  | { as: string }
  | "int8"
  | { error: string };

/**
 * The Rust kernels (types implementing `BinOp`/`UnOp`/`MapOp`, in
 * `rust/src/kernels/`): one for every dtype, or per dtype class (`float`:
 * float32/float64; `int`: integers and bool). A class without a kernel has
 * no loop (the TS rules never send it there; the Rust dispatch refuses it).
 */
export type Kernels = string | { float?: string; int?: string };

/** The flat TypedArray API's JS loop for short arrays. */
export interface Flat {
  /** The JS expression of one element, in `a` (and `b`). */
  js: string;
  /** The `JS_BELOW` key (`src/_thresholds.ts`) below which JS loops run. */
  threshold: string;
  /** Float input only (else: every numeric TypedArray). */
  floatOnly?: boolean;
}

interface Row {
  /** The JS name (NumPy's, in camelCase). */
  name: string;
  /** NumPy's name (`np.<numpy>` in the fixture generators). */
  numpy: string;
  /** The op code on the boundary (never reused). */
  code: number;
  /** The output dtype: the loop's, or bool. */
  out: "same" | "bool";
  /** Rust kernels. */
  rust: Kernels;
  /** The NDArray small-array fast path takes it (see `src/ufunc.ts`). */
  fast?: boolean;
  /** Also a flat TypedArray function (exported from `src/ops.ts`). */
  flat?: Flat;
  /**
   * Rounded differently from NumPy by up to a few ulp (libm or a
   * polynomial on either side): the fixture tests compare with a tolerance.
   */
  inexact?: boolean;
  /** An `<name>Async` function on the engine. */
  async?: boolean;
  /** The exported function is written by hand (e.g. extra options). */
  handWritten?: boolean;
  /** JSDoc of the exported function (markdown). */
  doc: string;
}

/** A binary ufunc. */
export interface Ufunc2Row extends Row {
  loop: Loop2;
  bool?: BoolRule;
  /**
   * `comparison`: an integer scalar outside the dtype's range widens the
   * comparison (NumPy 2: `int8 > 300` is all False); `logical`: truth
   * values, where a scalar's truth survives widening the same way.
   */
  kind?: "comparison" | "logical";
}

/** A unary ufunc. */
export interface Ufunc1Row extends Row {
  loop: Loop1;
  bool?: BoolRule;
  /**
   * Integer (`int`) or integer and bool (`int+bool`) inputs are returned
   * as a copy (NumPy 2's floor/ceil/round of integers).
   */
  identity?: "int" | "int+bool";
}

const BOOL_INT8: BoolRule = "int8";

/** Binary ufuncs, by code. */
export const UFUNC2: readonly Ufunc2Row[] = [
  {
    name: "add",
    numpy: "add",
    code: 0,
    loop: "promote",
    out: "same",
    bool: { as: "logicalOr" },
    rust: "ew::Add",
    fast: true,
    flat: { js: "a + b", threshold: "binary" },
    async: true,
    doc: "Elementwise `a + b`. Either operand may be a scalar; `out` (same " +
      "type and length) may be `a` or `b` itself. Integers wrap modulo " +
      "2^bits.\n\n@example\n```ts\nimport { add } from " +
      '"@raptors/raptors/ops";\nconst a = new Float64Array([1, 2]);\n' +
      "add(a, 10, a); // a is now [11, 12]\n```",
  },
  {
    name: "subtract",
    numpy: "subtract",
    code: 1,
    loop: "promote",
    out: "same",
    bool: {
      error:
        "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.",
    },
    rust: "ew::Sub",
    fast: true,
    flat: { js: "a - b", threshold: "binary" },
    async: true,
    doc: "Elementwise `a - b` (see {@link add}).",
  },
  {
    name: "multiply",
    numpy: "multiply",
    code: 2,
    loop: "promote",
    out: "same",
    bool: { as: "logicalAnd" },
    rust: "ew::Mul",
    fast: true,
    flat: { js: "a * b", threshold: "binary" },
    async: true,
    doc: "Elementwise `a * b` (see {@link add}).",
  },
  {
    name: "divide",
    numpy: "divide",
    code: 3,
    loop: "float64",
    out: "same",
    rust: { float: "ew::Div" },
    fast: true,
    flat: { js: "a / b", threshold: "binary" },
    async: true,
    doc: "Elementwise true division `a / b`. Float input keeps its type; " +
      "integer input gives a Float64Array (NumPy's `true_divide`).",
  },
  {
    name: "floorDivide",
    numpy: "floor_divide",
    code: 4,
    loop: "promote",
    out: "same",
    bool: BOOL_INT8,
    rust: "ops::FloorDiv",
    doc:
      "Element-wise `a // b` (Python floor division; integer `x // 0` is 0).",
  },
  {
    name: "power",
    numpy: "power",
    code: 5,
    loop: "promote",
    out: "same",
    bool: BOOL_INT8,
    rust: "ops::Power",
    async: true,
    inexact: true,
    doc:
      "Element-wise `a ** b` (integers wrap; negative integer powers throw).",
  },
  {
    name: "mod",
    numpy: "mod",
    code: 6,
    loop: "promote",
    out: "same",
    bool: BOOL_INT8,
    rust: "ops::Mod",
    doc: "Element-wise remainder with the sign of the divisor (NumPy's `mod`).",
  },
  {
    name: "maximum",
    numpy: "maximum",
    code: 7,
    loop: "promote",
    out: "same",
    rust: "ops::Maximum",
    fast: true,
    async: true,
    doc: "Element-wise maximum; NaN propagates.",
  },
  {
    name: "minimum",
    numpy: "minimum",
    code: 8,
    loop: "promote",
    out: "same",
    rust: "ops::Minimum",
    fast: true,
    async: true,
    doc: "Element-wise minimum; NaN propagates.",
  },
  {
    name: "fmax",
    numpy: "fmax",
    code: 9,
    loop: "promote",
    out: "same",
    rust: "ops::Fmax",
    fast: true,
    doc: "Element-wise maximum ignoring NaN.",
  },
  {
    name: "fmin",
    numpy: "fmin",
    code: 10,
    loop: "promote",
    out: "same",
    rust: "ops::Fmin",
    fast: true,
    doc: "Element-wise minimum ignoring NaN.",
  },
  {
    name: "equal",
    numpy: "equal",
    code: 11,
    loop: "promote",
    out: "bool",
    kind: "comparison",
    rust: "ops::Equal",
    fast: true,
    async: true,
    doc: "`a == b`, as a bool array.",
  },
  {
    name: "notEqual",
    numpy: "not_equal",
    code: 12,
    loop: "promote",
    out: "bool",
    kind: "comparison",
    rust: "ops::NotEqual",
    fast: true,
    doc: "`a != b`, as a bool array.",
  },
  {
    name: "less",
    numpy: "less",
    code: 13,
    loop: "promote",
    out: "bool",
    kind: "comparison",
    rust: "ops::Less",
    fast: true,
    async: true,
    doc: "`a < b`, as a bool array.",
  },
  {
    name: "lessEqual",
    numpy: "less_equal",
    code: 14,
    loop: "promote",
    out: "bool",
    kind: "comparison",
    rust: "ops::LessEqual",
    fast: true,
    doc: "`a <= b`, as a bool array.",
  },
  {
    name: "greater",
    numpy: "greater",
    code: 15,
    loop: "promote",
    out: "bool",
    kind: "comparison",
    rust: "ops::Greater",
    fast: true,
    async: true,
    doc: "`a > b`, as a bool array.",
  },
  {
    name: "greaterEqual",
    numpy: "greater_equal",
    code: 16,
    loop: "promote",
    out: "bool",
    kind: "comparison",
    rust: "ops::GreaterEqual",
    fast: true,
    doc: "`a >= b`, as a bool array.",
  },
  {
    name: "logicalAnd",
    numpy: "logical_and",
    code: 17,
    loop: "promote",
    out: "bool",
    kind: "logical",
    rust: "ops::LogicalAnd",
    doc: "Truth-value AND.",
  },
  {
    name: "logicalOr",
    numpy: "logical_or",
    code: 18,
    loop: "promote",
    out: "bool",
    kind: "logical",
    rust: "ops::LogicalOr",
    doc: "Truth-value OR.",
  },
  {
    name: "logicalXor",
    numpy: "logical_xor",
    code: 19,
    loop: "promote",
    out: "bool",
    kind: "logical",
    rust: "ops::LogicalXor",
    doc: "Truth-value XOR.",
  },
  {
    name: "bitwiseAnd",
    numpy: "bitwise_and",
    code: 20,
    loop: "integer",
    out: "same",
    rust: { int: "ops::BitAnd" },
    doc: "Bitwise AND of integers and bools.",
  },
  {
    name: "bitwiseOr",
    numpy: "bitwise_or",
    code: 21,
    loop: "integer",
    out: "same",
    rust: { int: "ops::BitOr" },
    doc: "Bitwise OR of integers and bools.",
  },
  {
    name: "bitwiseXor",
    numpy: "bitwise_xor",
    code: 22,
    loop: "integer",
    out: "same",
    rust: { int: "ops::BitXor" },
    doc: "Bitwise XOR of integers and bools.",
  },
  {
    name: "arctan2",
    numpy: "arctan2",
    code: 23,
    loop: "float",
    out: "same",
    rust: { float: "ops::Arctan2" },
    fast: true,
    inexact: true,
    doc: "Element-wise arc tangent of `a / b`, choosing the quadrant.",
  },
  {
    name: "hypot",
    numpy: "hypot",
    code: 24,
    loop: "float",
    out: "same",
    rust: { float: "ops::Hypot" },
    fast: true,
    inexact: true,
    doc: "Element-wise `sqrt(a**2 + b**2)`, without overflow or underflow " +
      "in the squares (the float64 `hypot` of 3e200 and 4e200 is about " +
      "5e200, not Infinity).",
  },
  {
    name: "copysign",
    numpy: "copysign",
    code: 25,
    loop: "float",
    out: "same",
    rust: { float: "ops::Copysign" },
    fast: true,
    doc: "`a` with the sign of `b`, element-wise (the sign bit: " +
      "`copysign(1, -0.0)` is `-1`).",
  },
];

const FLOAT_ONLY = " (float input only)";

/** Unary ufuncs, by code. */
export const UFUNC1: readonly Ufunc1Row[] = [
  {
    name: "abs",
    numpy: "absolute",
    code: 0,
    loop: "same",
    out: "same",
    rust: "ew::Abs",
    fast: true,
    flat: { js: "Math.abs(a)", threshold: "unary" },
    async: true,
    doc:
      "Elementwise absolute value (`abs` of the most negative integer wraps).",
  },
  {
    name: "negative",
    numpy: "negative",
    code: 1,
    loop: "same",
    out: "same",
    bool: {
      error:
        "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.",
    },
    rust: "ew::Neg",
    fast: true,
    flat: { js: "-a", threshold: "unary" },
    doc: "Elementwise negation (integers wrap).",
  },
  ...(
    [
      ["sqrt", "sqrt", 2, "ew::Sqrt", "Elementwise square root", "sqrt"],
      ["exp", "exp", 3, "ew::Exp", "Elementwise e^x", "exp"],
      ["log", "log", 4, "ew::Log", "Elementwise natural logarithm", "log"],
      ["sin", "sin", 5, "ew::Sin", "Elementwise sine (radians)", "sin"],
      ["cos", "cos", 6, "ew::Cos", "Elementwise cosine (radians)", "cos"],
      ["tanh", "tanh", 7, "ew::Tanh", "Elementwise hyperbolic tangent", "tanh"],
    ] as const
  ).map(([name, numpy, code, kernel, doc, math]): Ufunc1Row => ({
    name,
    numpy,
    code,
    loop: "float",
    out: "same",
    rust: { float: kernel },
    fast: true,
    flat: {
      js: `Math.${math}(a)`,
      threshold: name,
      floatOnly: true,
    },
    inexact: name !== "sqrt",
    async: true,
    doc: doc + FLOAT_ONLY + ".",
  })),
  ...(
    [
      ["tan", "tan", 8, "ops::Tan", "Element-wise tangent."],
      ["arcsin", "arcsin", 9, "ops::Arcsin", "Element-wise inverse sine."],
      ["arccos", "arccos", 10, "ops::Arccos", "Element-wise inverse cosine."],
      ["arctan", "arctan", 11, "ops::Arctan", "Element-wise inverse tangent."],
      ["sinh", "sinh", 12, "ops::Sinh", "Element-wise hyperbolic sine."],
      ["cosh", "cosh", 13, "ops::Cosh", "Element-wise hyperbolic cosine."],
      ["expm1", "expm1", 14, "ops::Expm1", "`exp(x) - 1`, accurate near 0."],
      ["log1p", "log1p", 15, "ops::Log1p", "`log(1 + x)`, accurate near 0."],
      ["log2", "log2", 16, "ops::Log2", "Base-2 logarithm."],
      ["log10", "log10", 17, "ops::Log10", "Base-10 logarithm."],
    ] as const
  ).map(([name, numpy, code, kernel, doc]): Ufunc1Row => ({
    name,
    numpy,
    code,
    loop: "float",
    out: "same",
    rust: { float: kernel },
    fast: true,
    inexact: true,
    doc,
  })),
  {
    name: "floor",
    numpy: "floor",
    code: 18,
    loop: "float",
    out: "same",
    identity: "int+bool",
    rust: { float: "ops::Floor" },
    fast: true,
    doc: "Floor.",
  },
  {
    name: "ceil",
    numpy: "ceil",
    code: 19,
    loop: "float",
    out: "same",
    identity: "int+bool",
    rust: { float: "ops::Ceil" },
    fast: true,
    doc: "Ceiling.",
  },
  {
    name: "round",
    numpy: "round",
    code: 20,
    loop: "float",
    out: "same",
    identity: "int",
    rust: { float: "ops::Rint" },
    fast: true,
    handWritten: true,
    doc: "Round half to even (NumPy's `rint`; `round` adds `decimals`).",
  },
  {
    name: "square",
    numpy: "square",
    code: 21,
    loop: "same",
    out: "same",
    bool: BOOL_INT8,
    rust: { float: "ops::Square", int: "ops::SquareInt" },
    fast: true,
    doc: "`x * x`.",
  },
  {
    name: "sign",
    numpy: "sign",
    code: 22,
    loop: "same",
    out: "same",
    bool: {
      error:
        "ufunc 'sign' did not contain a loop with signature matching types bool",
    },
    rust: { float: "ops::SignF", int: "ops::SignInt" },
    fast: true,
    doc: "-1, 0 or 1 (NaN stays NaN).",
  },
  {
    name: "isnan",
    numpy: "isnan",
    code: 23,
    loop: "same",
    out: "bool",
    rust: "ops::IsNan",
    doc: "NaN test, as a bool array.",
  },
  {
    name: "isinf",
    numpy: "isinf",
    code: 24,
    loop: "same",
    out: "bool",
    rust: "ops::IsInf",
    doc: "Infinity test, as a bool array.",
  },
  {
    name: "isfinite",
    numpy: "isfinite",
    code: 25,
    loop: "same",
    out: "bool",
    rust: "ops::IsFinite",
    doc: "Finite test, as a bool array.",
  },
  {
    name: "logicalNot",
    numpy: "logical_not",
    code: 26,
    loop: "same",
    out: "bool",
    rust: "ops::LogicalNot",
    doc: "Truth-value NOT, as a bool array.",
  },
];
