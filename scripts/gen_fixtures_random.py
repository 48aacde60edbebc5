#!/usr/bin/env python3
"""Generates tests/fixtures/random.json: value-for-value streams of
numpy.random.default_rng(seed) for several seeds. Each seed runs one fixed
script of calls (the test replays it in order, so the generator state is
exercised across calls, including the buffered 32-bit halves).

    python3 scripts/gen_fixtures_random.py
"""
import hashlib
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "random.json"


def script(g):
    out = []
    # results as strings: int64 values beyond 2^53 survive JSON
    rec = lambda name, args, v: out.append({"call": name, "args": args, "result": [repr(x) for x in np.asarray(v).ravel().tolist()]})
    rec("random", [], g.random())
    rec("random", [7], g.random(7))
    rec("random32", [5], g.random(5, dtype=np.float32))
    rec("random", [[2, 3]], g.random((2, 3)))
    rec("random32", [3], g.random(3, dtype=np.float32))
    rec("integers", [0, 10, 20], g.integers(0, 10, 20))
    rec("integers", [-5, 5, 9, True], g.integers(-5, 5, 9, endpoint=True))
    rec("integers", [0, str(2**40), 6], g.integers(0, 2**40, 6))
    rec("integers", [0, 2**32 - 1, 4, True], g.integers(0, 2**32 - 1, 4, endpoint=True))
    rec("integers", [7, None, 3], g.integers(7, size=3))
    rec("integers", [str(-2**63), str(2**63 - 1), 3, True], g.integers(-2**63, 2**63 - 1, 3, endpoint=True))
    rec("uniform", [-3.0, 2.5, 6], g.uniform(-3.0, 2.5, 6))
    rec("permutation", [10], g.permutation(10))
    rec("permutation", [[3, 1, 4, 1, 5]], g.permutation(np.array([3, 1, 4, 1, 5])))
    x = np.arange(12).reshape(4, 3)
    g.shuffle(x)
    rec("shuffle", [[4, 3]], x)
    rec("choice", [6, 8], g.choice(6, 8))
    rec("choicep", [4, 10, [0.1, 0.0, 0.6, 0.3]], g.choice(4, 10, p=[0.1, 0.0, 0.6, 0.3]))
    rec("standard_normal", [9], g.standard_normal(9))
    rec("standard_normal32", [7], g.standard_normal(7, dtype=np.float32))
    rec("normal", [2.5, 0.5, 5], g.normal(2.5, 0.5, 5))
    rec("normal", [0.0, 1.0, None], g.normal())
    rec("choice_noreplace", [10, 4, True], g.choice(10, 4, replace=False))
    rec("choice_noreplace", [1000, 30, False], g.choice(1000, 30, replace=False, shuffle=False))
    rec("choice_noreplace", [20000, 500, True], g.choice(20000, 500, replace=False))
    rec("choice_noreplace", [20000, 300, False], g.choice(20000, 300, replace=False, shuffle=False))
    rec("choice_noreplace", [50, 50, True], g.choice(50, 50, replace=False))
    rec("choicep_noreplace", [6, 4, [0.1, 0.0, 0.3, 0.2, 0.25, 0.15]],
        g.choice(6, 4, replace=False, p=[0.1, 0.0, 0.3, 0.2, 0.25, 0.15]))
    rec("random", [3], g.random(3))
    # long streams, compared by SHA-256 of the little-endian bytes
    # The wasm backend has no system libm: its log1p can differ from
    # glibc's in the last bit, which shows only in draws from the
    # ziggurat's tail (|z| > R). So each float64 stream also carries the
    # SHA-256 with tail draws zeroed and the tail draws themselves.
    R = 3.6541528853610087963519472518
    sha = lambda v: hashlib.sha256(v.astype(v.dtype.newbyteorder("<")).tobytes()).hexdigest()  # noqa: E731
    for name, v, z in [("sha_standard_normal", *(lambda v: (v, v))(g.standard_normal(1_000_000))),
                       ("sha_standard_normal32", *(lambda v: (v, v))(g.standard_normal(1_000_000, dtype=np.float32))),
                       ("sha_normal", *(lambda v: (v, (v + 1.0) / 3.0))(g.normal(-1.0, 3.0, 300_000)))]:
        entry = {"call": name, "args": [v.size], "result": [sha(v)]}
        if v.dtype == np.float64:
            tail = np.abs(z) > R - 1e-9
            body = v.copy()
            body[tail] = 0
            entry["body"] = sha(body)
            entry["tail"] = [[int(i), repr(float(v[i]))] for i in np.nonzero(tail)[0]]
        out.append(entry)
    rec("random", [2], g.random(2))
    return out


def main():
    seeds = [0, 1, 42, 12345, 2**40 + 7, 2**100 + 3, 2**130 + 5]
    streams = [{"seed": str(s), "calls": script(np.random.default_rng(s))} for s in seeds]
    streams.append({"seed": [1, 2, 3], "calls": script(np.random.default_rng([1, 2, 3]))})
    streams.append({"seed": [9, 8, 7, 6, 5, 4], "calls": script(np.random.default_rng([9, 8, 7, 6, 5, 4]))})
    OUT.write_text(json.dumps({"numpy": np.__version__, "streams": streams}))
    print(f"{len(streams)} streams -> {OUT}")


if __name__ == "__main__":
    main()
