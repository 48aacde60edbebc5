/** dtypes and NumPy 2 type promotion (NEP 50), against NumPy's own answers. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import {
  asDType,
  canCastSafely,
  type DType,
  dtypeCode,
  DTYPES,
  intRange,
  itemsize,
  resultType,
  resultTypeWithScalar,
  storageCtor,
} from "../src/core/dtype.ts";
import { DTYPE } from "../ffi/symbols.ts";
import { test } from "./_shim.ts";

const fx = JSON.parse(
  await readFile(new URL("./fixtures/dtype.json", import.meta.url), "utf8"),
) as {
  numpy: string;
  result_type: Record<string, string>;
  can_cast_safe: Record<string, boolean>;
  scalar: Record<string, string>;
};

test(`resultType() equals numpy.result_type (NumPy ${fx.numpy}) for all 121 pairs`, () => {
  let n = 0;
  for (const a of DTYPES) {
    for (const b of DTYPES) {
      assert.equal(
        resultType(a, b),
        fx.result_type[`${a},${b}`],
        `${a} + ${b}`,
      );
      n++;
    }
  }
  assert.equal(n, 121);
});

test("array-scalar promotion treats JS scalars as weak, as NumPy 2 does", () => {
  const samples: Record<string, boolean | number> = {
    bool: true,
    int: 1,
    float: 1.5,
  };
  for (const d of DTYPES) {
    for (const [name, s] of Object.entries(samples)) {
      assert.equal(
        resultTypeWithScalar(d, s),
        fx.scalar[`${d},${name}`],
        `${d} + ${name}`,
      );
    }
  }
  assert.equal(resultTypeWithScalar("int8", 7n), "int8");
});

test("canCastSafely() equals numpy.can_cast(..., 'safe')", () => {
  for (const a of DTYPES) {
    for (const b of DTYPES) {
      assert.equal(
        canCastSafely(a, b),
        fx.can_cast_safe[`${a},${b}`],
        `${a} -> ${b}`,
      );
    }
  }
});

test("dtype names, sizes and ranges", () => {
  assert.equal(asDType("float32"), "float32");
  assert.throws(() => asDType("float16"), /data type 'float16' not understood/);
  assert.throws(() => asDType(3), TypeError);
  const sizes = DTYPES.map((d: DType) => itemsize(d));
  assert.deepEqual(sizes, [1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8]);
  // the float shortcuts of itemsize/storageCtor/dtypeCode agree with the tables
  for (const d of DTYPES) {
    assert.equal(storageCtor(d).BYTES_PER_ELEMENT, itemsize(d), d);
    assert.equal(dtypeCode(d), DTYPE[d], d);
  }
  assert.equal(storageCtor("float64"), Float64Array);
  assert.equal(storageCtor("float32"), Float32Array);
  assert.equal(storageCtor("int64"), BigInt64Array);
  assert.deepEqual(intRange("int8"), [-128n, 127n]);
  assert.deepEqual(intRange("uint64"), [0n, 2n ** 64n - 1n]);
});
