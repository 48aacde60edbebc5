/**
 * Nested JS lists to flat storage: the row walk and the copy loops of
 * `array()`'s request-body path (`floatList` in `src/core/creation.ts`), kept
 * apart from the public creation module so their test hook is not public.
 *
 * @module
 */
import { ARRAY_AT } from "../_intrinsics.ts";

/**
 * The innermost lists under `v` (a list at depth `dim`, above the
 * innermost level) into `rows` in C order, checking every list's length
 * against `shape`; false at the first that does not match (or a non-list
 * where a list belongs). Rows are measured and collected here, never
 * indexed (see {@link copyRows}).
 */
export function innerRows(
  v: unknown[],
  shape: readonly number[],
  dim: number,
  rows: unknown[][],
): boolean {
  if (v.length !== shape[dim]) return false;
  const rowLevel = dim + 1 === shape.length - 1;
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (!Array.isArray(e)) return false;
    if (rowLevel) {
      if (e.length !== shape[dim + 1]) return false;
      rows.push(e);
    } else if (!innerRows(e, shape, dim + 1, rows)) return false;
  }
  return true;
}

/**
 * Copies `rows` (each `inner` long) into `st`: 1 if every element was an
 * integral number, 0 if all were numbers, -1 at the first element that is
 * not a number (or a row whose `at` is not the engine's).
 *
 * Why two loops: V8 compiles the element load `row[j]` for the rows it
 * has seen. Once that load has met both rows of floats (double elements)
 * and a row holding anything else (object elements: a string, a boolean,
 * a number beside them), its optimized code converts every float row it
 * meets to object elements, boxing each number of the caller's body: a
 * 2000 x 384 JSON body then cost 10-30 ms in Deno instead of ~1.5, in
 * every later call of the process. So {@link copyRowsClean} serves until
 * a row fails (a row of another kind has then reached its load); from
 * then on {@link copyRowsAt}, which reads through `Array.prototype.at`
 * (compiled without that conversion; ~2x the clean loop's time), serves
 * every call. A row of object elements holding only numbers still reaches
 * the clean loop unnoticed: the cost is speed, never the result. The
 * shape walk in `floatList` (`src/core/creation.ts`) reads first elements through
 * `Array.prototype.at` and {@link innerRows} never indexes a row, for the
 * same reason.
 *
 * One flat loop, not a loop per row: a nested inner loop was compiled on
 * stack replacement and left that code at the end of every row.
 */
export function copyRows(
  rows: unknown[][],
  inner: number,
  st: Float64Array | Float32Array,
): number {
  if (rowsFailed) return copyRowsAt(rows, inner, st);
  const r = copyRowsClean(rows, inner, st);
  if (r < 0) rowsFailed = true;
  return r;
}
let rowsFailed = false;

/** Test hook: which of {@link copyRows}' two loops serves (true: the fallback). */
export function _useRowsFallback(on: boolean): void {
  rowsFailed = on;
}

function copyRowsClean(
  rows: unknown[][],
  inner: number,
  st: Float64Array | Float32Array,
): number {
  const n = rows.length * inner;
  let row = rows[0]!, r = 0, j = 0, integral = 1;
  for (let k = 0; k < n; k++) {
    if (j === inner) {
      row = rows[++r]!;
      j = 0;
    }
    const v = row[j++];
    if (typeof v !== "number") return -1;
    if (integral === 1 && !Number.isInteger(v)) integral = 0;
    st[k] = v;
  }
  return integral;
}

/** {@link copyRowsClean} reading through `Array.prototype.at`. */
function copyRowsAt(
  rows: unknown[][],
  inner: number,
  st: Float64Array | Float32Array,
): number {
  let integral = 1, k = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    // the engine's own `at`, or the general path decides
    if (row.at !== ARRAY_AT) return -1;
    for (let j = 0; j < inner; j++) {
      const v = row.at(j);
      if (typeof v !== "number") return -1;
      if (integral === 1 && !Number.isInteger(v)) integral = 0;
      st[k++] = v;
    }
  }
  return integral;
}
