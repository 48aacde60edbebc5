/**
 * NumPy-style printing: `str(a)` and `repr(a)` layouts, element formats
 * (right-aligned integers, `True`/`False`, floats with aligned decimal
 * points and NumPy's switch to scientific notation), and summarisation
 * with `...` above 1000 elements (3 items kept at each edge).
 *
 * @module
 */
import type { NDArray, Scalar } from "./ndarray.ts";
import { fmtShape } from "./_shape.ts";

const THRESHOLD = 1000;
const EDGE = 3;

/**
 * The shortest decimal string that reads back as `v`: in float64, JS's own
 * `toString`; in float32, the fewest significant digits that round to the
 * same float32 (NumPy prints float32 0.1 as "0.1").
 */
function shortest(v: number, f32: boolean): string {
  if (!f32) return v.toString();
  for (let p = 1; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return s.toString();
  }
  return v.toString();
}

function shortestExp(v: number, f32: boolean): string {
  if (!f32) return v.toExponential();
  for (let p = 1; p <= 9; p++) {
    const s = v.toExponential(p - 1);
    if (Math.fround(Number(s)) === v) return s;
  }
  return v.toExponential();
}

/** NumPy's default print precision (fractional digits, `floatmode="maxprec"`). */
const PRECISION = 8;

/** Shortest digits, but at most PRECISION fractional digits (trailing zeros dropped). */
function positional(v: number, f32: boolean): string {
  const t = shortest(v, f32);
  const dot = t.indexOf(".");
  if (dot < 0 || t.length - dot - 1 <= PRECISION || t.includes("e")) return t;
  return v.toFixed(PRECISION).replace(/0+$/, ""); // "1.00000000" -> "1."
}

/** Mantissa and exponent with at most PRECISION fractional mantissa digits. */
function scientific(v: number, f32: boolean): string {
  const t = shortestExp(v, f32);
  const [m] = t.split("e");
  const dot = m!.indexOf(".");
  if (dot < 0 || m!.length - dot - 1 <= PRECISION) return t;
  const r = v.toExponential(PRECISION);
  const [rm, re] = r.split("e");
  return `${rm!.replace(/0+$/, "")}e${re}`;
}

/** Formats every float with one shared layout, as NumPy's FloatingFormat. */
function floatFormatter(values: number[], f32 = false): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  const sci = abs.length > 0 && (max >= 1e16 || min < 1e-4 || max / min > 1e3);
  if (sci) {
    const parts = finite.map((v) => {
      const [m, e] = scientific(Math.abs(v), f32).split("e");
      const [int, frac = ""] = m!.split(".");
      return { int: int!, frac, exp: e! };
    });
    const fracLen = Math.max(0, ...parts.map((p) => p.frac.length));
    const expLen = Math.max(
      2,
      ...parts.map((p) => p.exp.replace(/^[+-]/, "").length),
    );
    return (v: number) => {
      if (!Number.isFinite(v)) return special(v);
      const [m, e] = scientific(Math.abs(v), f32).split("e");
      const [int, frac = ""] = m!.split(".");
      const sign = e!.startsWith("-") ? "-" : "+";
      const digits = e!.replace(/^[+-]/, "").padStart(expLen, "0");
      return `${v < 0 || Object.is(v, -0) ? "-" : ""}${int}.${
        frac.padEnd(fracLen, "0")
      }e${sign}${digits}`;
    };
  }
  const split = (v: number) => {
    const t = positional(Math.abs(v), f32);
    const [int, frac = ""] = t.split(".");
    return { int: (v < 0 || Object.is(v, -0) ? "-" : "") + int!, frac };
  };
  const parts = finite.map(split);
  const fracLen = Math.max(0, ...parts.map((p) => p.frac.length));
  return (v: number) => {
    if (!Number.isFinite(v)) return special(v);
    const p = split(v);
    return `${p.int}.${p.frac.padEnd(fracLen, " ")}`;
  };
}

function special(v: number): string {
  return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

/** Elements kept when printing (all, or the edges of summarised axes). */
function shownValues(a: NDArray, summarise: boolean): Scalar[] {
  const out: Scalar[] = [];
  const rec = (dim: number, idx: number[]) => {
    if (dim === a.ndim) {
      out.push(a.get(...idx));
      return;
    }
    const n = a.shape[dim]!;
    for (let i = 0; i < n; i++) {
      if (summarise && n > 2 * EDGE && i === EDGE) i = n - EDGE;
      rec(dim + 1, [...idx, i]);
    }
  };
  rec(0, []);
  return out;
}

const LINE_WIDTH = 75;

/**
 * The array body as NumPy prints it (a port of numpy's `_formatArray`):
 * `sep` between elements (" " for str, ", " for repr), lines wrapped at
 * `lineWidth` columns with continuation lines indented past `prefix`
 * columns (6 for "array(").
 */
export function formatArray(
  a: NDArray,
  sep: string,
  prefix = 0,
  lineWidth = LINE_WIDTH,
): string {
  if (a.ndim === 0) return formatScalarOf(a, a.get());
  if (a.size === 0) return "[]";
  const summarise = a.size > THRESHOLD;
  const values = shownValues(a, summarise);
  let fmt: (v: Scalar) => string;
  if (a.dtype === "bool") fmt = (v) => (v ? " True" : "False");
  else if (a.dtype.startsWith("float")) {
    const f = floatFormatter(values as number[], a.dtype === "float32");
    fmt = (v) => f(v as number);
  } else fmt = (v) => String(v);
  const width = Math.max(...values.map((v) => fmt(v).length));
  const word = (idx: number[]) => fmt(a.get(...idx)).padStart(width);
  const nextLinePrefix = " " + " ".repeat(prefix);

  const extend = (
    s: string,
    line: string,
    w: string,
    lw: number,
    hang: string,
  ): [string, string] => {
    let wrap = line.length + w.length > lw;
    if (line.length <= hang.length) wrap = false; // wrapping would not help
    if (wrap) {
      s += line.trimEnd() + "\n";
      line = hang;
    }
    return [s, line + w];
  };

  const rec = (idx: number[], hang: string, currWidth: number): string => {
    const axis = idx.length;
    const left = a.ndim - axis;
    if (left === 0) return word(idx);
    const nextHang = hang + " ";
    const nextWidth = currWidth - 1; // len("]")
    const n = a.shape[axis]!;
    const summary = summarise && 2 * EDGE < n;
    const lead = summary ? EDGE : 0;
    const trail = summary ? EDGE : n;
    let s = "";
    if (left === 1) {
      const elemWidth = currWidth - sep.trimEnd().length;
      let line = hang;
      for (let i = 0; i < lead; i++) {
        [s, line] = extend(
          s,
          line,
          rec([...idx, i], nextHang, nextWidth),
          elemWidth,
          hang,
        );
        line += sep;
      }
      if (summary) {
        [s, line] = extend(s, line, "...", elemWidth, hang);
        line += sep;
      }
      for (let i = trail; i > 1; i--) {
        [s, line] = extend(
          s,
          line,
          rec([...idx, n - i], nextHang, nextWidth),
          elemWidth,
          hang,
        );
        line += sep;
      }
      [s, line] = extend(
        s,
        line,
        rec([...idx, n - 1], nextHang, nextWidth),
        elemWidth,
        hang,
      );
      s += line;
    } else {
      const lineSep = sep.trimEnd() + "\n".repeat(left - 1);
      for (let i = 0; i < lead; i++) {
        s += hang + rec([...idx, i], nextHang, nextWidth) + lineSep;
      }
      if (summary) s += hang + "..." + lineSep;
      for (let i = trail; i > 1; i--) {
        s += hang + rec([...idx, n - i], nextHang, nextWidth) + lineSep;
      }
      s += hang + rec([...idx, n - 1], nextHang, nextWidth);
    }
    return "[" + s.slice(hang.length) + "]";
  };
  return rec([], nextLinePrefix, lineWidth);
}

function formatScalarOf(a: NDArray, v: Scalar): string {
  if (a.dtype === "bool") return v ? "True" : "False";
  if (a.dtype.startsWith("float")) {
    return floatFormatter([v as number], a.dtype === "float32")(v as number)
      .trimEnd();
  }
  return String(v);
}

/** NumPy's `repr(a)` (`NDArray.repr`). */
export function reprArray(a: NDArray): string {
  const prefix = "array(";
  const body = formatArray(a, ", ", prefix.length, 75 - 1);
  const extras: string[] = [];
  if (
    (a.size === 0 && !(a.ndim === 1 && a.shape[0] === 0)) ||
    a.size > 1000
  ) {
    extras.push(
      `shape=${fmtShape(a.shape).replace(/,/g, ", ").replace(", )", ",)")}`,
    );
  }
  const implied = a.dtype === "float64" || a.dtype === "int64" ||
    a.dtype === "bool";
  if (!implied || a.size === 0) extras.push(`dtype=${a.dtype}`);
  if (extras.length === 0) return `${prefix}${body})`;
  const arr = `${prefix}${body},`;
  const extra = `${extras.join(", ")})`;
  const lastLine = arr.length - (arr.lastIndexOf("\n") + 1);
  const spacer = lastLine + extra.length + 1 > 75
    ? "\n" + " ".repeat(prefix.length)
    : " ";
  return arr + spacer + extra;
}
