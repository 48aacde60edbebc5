#!/usr/bin/env python3
"""Generates tests/fixtures/random.json: value-for-value streams of
numpy.random.default_rng(seed) for several seeds. Each seed runs one fixed
script of calls (the test replays it in order, so the generator state is
exercised across calls, including the buffered 32-bit halves).

    python3 scripts/gen_fixtures_random.py
"""
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
    rec("random", [3], g.random(3))
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
