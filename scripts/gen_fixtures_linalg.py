#!/usr/bin/env python3
"""Generates tests/fixtures/linalg.json: numpy.linalg solve, inv, det,
slogdet and cholesky on well- and ill-conditioned, batched, float32 and
float64 matrices (results are compared within a tolerance: LAPACK's and
raptors' orders of operations differ).

    python3 scripts/gen_fixtures_linalg.py
"""
import json
import pathlib

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "linalg.json"


def main():
    g = np.random.default_rng(5)
    cases = []
    for dt in ["float64", "float32"]:
        for shape in [(1, 1), (3, 3), (8, 8), (50, 50), (97, 97), (2, 4, 4), (3, 2, 6, 6)]:
            a = g.standard_normal(shape).astype(dt)
            n = shape[-1]
            spd = (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dt)
            b = g.standard_normal(shape[:-1]).astype(dt)
            bm = g.standard_normal(shape[:-1] + (3,)).astype(dt)
            cases.append({"a": enc(a), "spd": enc(spd), "b": enc(b), "bm": enc(bm),
                          "solve": enc(np.linalg.solve(a, bm)), "inv": enc(np.linalg.inv(a)),
                          "det": enc(np.linalg.det(a)), "sign": enc(np.linalg.slogdet(a)[0]),
                          "logabsdet": enc(np.linalg.slogdet(a)[1]), "cholesky": enc(np.linalg.cholesky(spd))})
    OUT.write_text(json.dumps({"numpy": np.__version__, "cases": cases}))
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
