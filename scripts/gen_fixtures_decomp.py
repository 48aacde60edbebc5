#!/usr/bin/env python3
"""Generates tests/fixtures/decomp.json: numpy.linalg qr, eigh, eigvalsh,
svd, svdvals, lstsq, pinv, matrix_rank and the SVD-based matrix norms (2,
-2, nuc) on square, tall, wide, batched, rank-deficient, integer, float32
and float64 matrices. Q and R are compared directly (raptors follows
LAPACK's Householder sign convention) for full-rank input; singular vectors
and eigenvectors are checked by reconstruction in the tests (their signs
are not unique).

    python3 scripts/gen_fixtures_decomp.py
"""
import json
import pathlib

import numpy as np
from _fixture_enc import enc

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "decomp.json"


def main():
    g = np.random.default_rng(11)
    cases = []
    shapes = [(1, 1), (3, 3), (5, 3), (3, 5), (40, 40), (60, 25), (25, 60), (2, 4, 3), (3, 2, 5, 5)]
    for dt in ["float64", "float32", "int32"]:
        for shape in shapes:
            for deficient in [False, True]:
                if deficient and min(shape[-2:]) < 3:
                    continue
                if dt == "int32":
                    if deficient or len(shape) > 2:
                        continue
                    a = g.integers(-9, 10, shape).astype(dt)
                else:
                    a = g.standard_normal(shape).astype(dt)
                if deficient:
                    a[..., :, 1] = a[..., :, 0]
                    a[..., :, 2] = 0
                c = {"a": enc(a), "deficient": deficient}
                c["r"] = enc(np.linalg.qr(a, mode="r"))
                q, r = np.linalg.qr(a)
                c["q"], c["qr_r"] = enc(q), enc(r)
                q, r = np.linalg.qr(a, mode="complete")
                c["q_complete"], c["r_complete"] = enc(q), enc(r)
                c["s"] = enc(np.linalg.svd(a, compute_uv=False))
                c["rank"] = enc(np.linalg.matrix_rank(a))
                c["pinv"] = enc(np.linalg.pinv(a))
                if a.ndim == 2:
                    for o in [2, -2, "nuc"]:
                        c[f"norm_{o}"] = float(np.linalg.norm(a, ord=o))
                    b = g.standard_normal(shape[0]).astype(dt if dt != "int32" else "float64")
                    bm = g.standard_normal((shape[0], 2)).astype(b.dtype)
                    for name, rhs in [("b", b), ("bm", bm)]:
                        x, res, rank, sv = np.linalg.lstsq(a, rhs)
                        c[name] = enc(rhs)
                        c[f"lstsq_{name}"] = {"x": enc(x), "residuals": enc(res), "rank": int(rank), "s": enc(sv)}
                else:
                    c["norm_2_axes"] = enc(np.linalg.norm(a, ord=2, axis=(-2, -1)))
                    c["norm_nuc_keep"] = enc(np.linalg.norm(a, ord="nuc", axis=(-1, -2), keepdims=True))
                if shape[-1] == shape[-2]:
                    sym = (a + np.swapaxes(a, -1, -2)).astype(dt)
                    lower = np.tril(sym) + np.triu(g.standard_normal(sym.shape), 1).astype(dt)
                    c["sym"] = enc(lower)
                    c["eigvalsh"] = enc(np.linalg.eigvalsh(lower))
                    c["eigvalsh_upper_of_t"] = enc(np.linalg.eigvalsh(np.swapaxes(lower, -1, -2), UPLO="U"))
                cases.append(c)
    OUT.write_text(json.dumps({"numpy": np.__version__, "cases": cases}))
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
