/**
 * The op table: one row per elementwise ufunc. `scripts/gen_ops.ts` writes
 * from it everything that names an op on both sides of the boundary:
 *
 * - the op codes (`ffi/op_codes.ts`, and `rust/src/ffi/op_table.rs` with
 *   the kernel each code runs per dtype class);
 * - the dtype rules of the NDArray ufuncs (`src/ufunc/_rules.ts`);
 * - the public functions: `src/ufunc/ufuncs.ts` (NDArray ufuncs), the flat
 *   TypedArray functions of the rows with `flat` (`src/flat/elementwise.ts`),
 *   the `*Async` functions of the rows with `async` (`src/engine/async_ufuncs.ts`)
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
  /** The NDArray small-array fast path takes it (see `src/ufunc/ufunc.ts`). */
  fast?: boolean;
  /** Also a flat TypedArray function (exported from `src/flat/ops.ts`). */
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
  /**
   * The body of the function's `@example` (`rp` and `assert` imported):
   * asserts against NumPy's result, run by `deno test --doc`.
   */
  example?: string;
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
    example:
      "assert.deepEqual(rp.add([1, 2.5], [10, 20]).tolist(), [11, 22.5]);",
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
    example: "assert.deepEqual(rp.subtract([5, 2.5], 1).tolist(), [4, 1.5]);",
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
    example:
      "assert.deepEqual(rp.multiply([[1, 2], [3, 4]], [10, 100]).tolist(), [[10n, 200n], [30n, 400n]]);",
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
    example: "assert.deepEqual(rp.divide([1, 3], 2).tolist(), [0.5, 1.5]);",
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
    example:
      "assert.deepEqual(rp.floorDivide([7, -7], 2).tolist(), [3n, -4n]);",
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
    example:
      "assert.deepEqual(rp.power([2, 3], [10, 2]).tolist(), [1024n, 9n]);",
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
    example: "assert.deepEqual(rp.mod([7, -7], 3).tolist(), [1n, 2n]);",
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
    example:
      "assert.deepEqual(rp.maximum([1, NaN, 3], [2, 2, 2]).tolist(), [2, NaN, 3]);",
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
    example:
      "assert.deepEqual(rp.minimum([1, NaN, 3], [2, 2, 2]).tolist(), [1, NaN, 2]);",
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
    example:
      "assert.deepEqual(rp.fmax([1, NaN, 3], [2, 2, 2]).tolist(), [2, 2, 3]);",
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
    example:
      "assert.deepEqual(rp.fmin([1, NaN, 3], [2, 2, 2]).tolist(), [1, 2, 2]);",
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
    example:
      "assert.deepEqual(rp.equal([1, 2, 3], 2).tolist(), [false, true, false]);",
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
    example:
      "assert.deepEqual(rp.notEqual([1, 2, 3], 2).tolist(), [true, false, true]);",
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
    example:
      "assert.deepEqual(rp.less([1, 2, 3], 2).tolist(), [true, false, false]);",
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
    example:
      "assert.deepEqual(rp.lessEqual([1, 2, 3], 2).tolist(), [true, true, false]);",
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
    example:
      "assert.deepEqual(rp.greater([1, 2, 3], 2).tolist(), [false, false, true]);",
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
    example:
      "assert.deepEqual(rp.greaterEqual([1, 2, 3], 2).tolist(), [false, true, true]);",
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
    example:
      "assert.deepEqual(rp.logicalAnd([0, 1, 2], [1, 1, 0]).tolist(), [false, true, false]);",
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
    example:
      "assert.deepEqual(rp.logicalOr([0, 1, 0], [0, 0, 3]).tolist(), [false, true, true]);",
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
    example:
      "assert.deepEqual(rp.logicalXor([0, 1, 2], [1, 1, 0]).tolist(), [true, false, true]);",
    doc: "Truth-value XOR.",
  },
  {
    name: "bitwiseAnd",
    numpy: "bitwise_and",
    code: 20,
    loop: "integer",
    out: "same",
    rust: { int: "ops::BitAnd" },
    example: "assert.deepEqual(rp.bitwiseAnd([12, 10], 6).tolist(), [4n, 2n]);",
    doc: "Bitwise AND of integers and bools.",
  },
  {
    name: "bitwiseOr",
    numpy: "bitwise_or",
    code: 21,
    loop: "integer",
    out: "same",
    rust: { int: "ops::BitOr" },
    example:
      "assert.deepEqual(rp.bitwiseOr([12, 10], 6).tolist(), [14n, 14n]);",
    doc: "Bitwise OR of integers and bools.",
  },
  {
    name: "bitwiseXor",
    numpy: "bitwise_xor",
    code: 22,
    loop: "integer",
    out: "same",
    rust: { int: "ops::BitXor" },
    example:
      "assert.deepEqual(rp.bitwiseXor([12, 10], 6).tolist(), [10n, 12n]);",
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
    example:
      "assert.deepEqual(rp.arctan2([0, 1], [1, 0]).tolist(), [0, 1.5707963267948966]);",
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
    example: "assert.deepEqual(rp.hypot([3, 5], [4, 12]).tolist(), [5, 13]);",
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
    example:
      "assert.deepEqual(rp.copysign([1.5, 2], [-1, 1]).tolist(), [-1.5, 2]);",
    doc: "`a` with the sign bit of `b`, element-wise (a float -0.0 in `b` " +
      "counts as negative; a JS `-0` alone is an integer, see " +
      "COMPATIBILITY).",
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
    example: "assert.deepEqual(rp.abs([-1.5, 2]).tolist(), [1.5, 2]);",
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
    example: "assert.deepEqual(rp.negative([-1.5, 2]).tolist(), [1.5, -2]);",
    doc: "Elementwise negation (integers wrap).",
  },
  ...(
    [
      [
        "sqrt",
        "sqrt",
        2,
        "ew::Sqrt",
        "Elementwise square root",
        "sqrt",
        "assert.deepEqual(rp.sqrt([4, 2.25]).tolist(), [2, 1.5]);",
      ],
      [
        "exp",
        "exp",
        3,
        "ew::Exp",
        "Elementwise e^x",
        "exp",
        "assert.deepEqual(rp.exp([0, 1]).tolist(), [1, 2.718281828459045]);",
      ],
      [
        "log",
        "log",
        4,
        "ew::Log",
        "Elementwise natural logarithm",
        "log",
        "assert.deepEqual(rp.log([1, Math.E]).tolist(), [0, 1]);",
      ],
      [
        "sin",
        "sin",
        5,
        "ew::Sin",
        "Elementwise sine (radians)",
        "sin",
        "assert.deepEqual(rp.sin([0, Math.PI / 2]).tolist(), [0, 1]);",
      ],
      [
        "cos",
        "cos",
        6,
        "ew::Cos",
        "Elementwise cosine (radians)",
        "cos",
        "assert.deepEqual(rp.cos([0, Math.PI]).tolist(), [1, -1]);",
      ],
      [
        "tanh",
        "tanh",
        7,
        "ew::Tanh",
        "Elementwise hyperbolic tangent",
        "tanh",
        "assert.deepEqual(rp.tanh([0, Infinity]).tolist(), [0, 1]);",
      ],
    ] as const
  ).map(([name, numpy, code, kernel, doc, math, example]): Ufunc1Row => ({
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
    example,
  })),
  ...(
    [
      [
        "tan",
        "tan",
        8,
        "ops::Tan",
        "Element-wise tangent.",
        "assert.deepEqual(rp.tan([0, Math.PI / 4]).tolist(), [0, 0.9999999999999999]);",
      ],
      [
        "arcsin",
        "arcsin",
        9,
        "ops::Arcsin",
        "Element-wise inverse sine.",
        "assert.deepEqual(rp.arcsin([0, 1]).tolist(), [0, 1.5707963267948966]);",
      ],
      [
        "arccos",
        "arccos",
        10,
        "ops::Arccos",
        "Element-wise inverse cosine.",
        "assert.deepEqual(rp.arccos([1, 0]).tolist(), [0, 1.5707963267948966]);",
      ],
      [
        "arctan",
        "arctan",
        11,
        "ops::Arctan",
        "Element-wise inverse tangent.",
        "assert.deepEqual(rp.arctan([0, Infinity]).tolist(), [0, 1.5707963267948966]);",
      ],
      [
        "sinh",
        "sinh",
        12,
        "ops::Sinh",
        "Element-wise hyperbolic sine.",
        "assert.deepEqual(rp.sinh([0, 1]).tolist(), [0, 1.1752011936438014]);",
      ],
      [
        "cosh",
        "cosh",
        13,
        "ops::Cosh",
        "Element-wise hyperbolic cosine.",
        "assert.deepEqual(rp.cosh([0, 1]).tolist(), [1, 1.5430806348152437]);",
      ],
      [
        "expm1",
        "expm1",
        14,
        "ops::Expm1",
        "`exp(x) - 1`, accurate near 0.",
        "assert.deepEqual(rp.expm1([0, 1e-10]).tolist(), [0, 1.00000000005e-10]);",
      ],
      [
        "log1p",
        "log1p",
        15,
        "ops::Log1p",
        "`log(1 + x)`, accurate near 0.",
        "assert.deepEqual(rp.log1p([0, 1e-10]).tolist(), [0, 9.999999999500001e-11]);",
      ],
      [
        "log2",
        "log2",
        16,
        "ops::Log2",
        "Base-2 logarithm.",
        "assert.deepEqual(rp.log2([1, 8, 0.5]).tolist(), [0, 3, -1]);",
      ],
      [
        "log10",
        "log10",
        17,
        "ops::Log10",
        "Base-10 logarithm.",
        "assert.deepEqual(rp.log10([1, 1000, 0.01]).tolist(), [0, 3, -2]);",
      ],
    ] as const
  ).map(([name, numpy, code, kernel, doc, example]): Ufunc1Row => ({
    name,
    numpy,
    code,
    loop: "float",
    out: "same",
    rust: { float: kernel },
    fast: true,
    inexact: true,
    doc,
    example,
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
    example: "assert.deepEqual(rp.floor([-1.5, 1.5]).tolist(), [-2, 1]);",
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
    example: "assert.deepEqual(rp.ceil([-1.5, 1.5]).tolist(), [-1, 2]);",
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
    example: "assert.deepEqual(rp.square([3, -1.5]).tolist(), [9, 2.25]);",
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
    example: "assert.deepEqual(rp.sign([-3, 0, 2.5]).tolist(), [-1, 0, 1]);",
    doc: "-1, 0 or 1 (NaN stays NaN).",
  },
  {
    name: "isnan",
    numpy: "isnan",
    code: 23,
    loop: "same",
    out: "bool",
    rust: "ops::IsNan",
    example: "assert.deepEqual(rp.isnan([1, NaN]).tolist(), [false, true]);",
    doc: "NaN test, as a bool array.",
  },
  {
    name: "isinf",
    numpy: "isinf",
    code: 24,
    loop: "same",
    out: "bool",
    rust: "ops::IsInf",
    example:
      "assert.deepEqual(rp.isinf([1, -Infinity]).tolist(), [false, true]);",
    doc: "Infinity test, as a bool array.",
  },
  {
    name: "isfinite",
    numpy: "isfinite",
    code: 25,
    loop: "same",
    out: "bool",
    rust: "ops::IsFinite",
    example:
      "assert.deepEqual(rp.isfinite([1, NaN, Infinity]).tolist(), [true, false, false]);",
    doc: "Finite test, as a bool array.",
  },
  {
    name: "logicalNot",
    numpy: "logical_not",
    code: 26,
    loop: "same",
    out: "bool",
    rust: "ops::LogicalNot",
    example:
      "assert.deepEqual(rp.logicalNot([0, 1, 2]).tolist(), [true, false, false]);",
    doc: "Truth-value NOT, as a bool array.",
  },
];
